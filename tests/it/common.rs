//! Shared helpers for the integration tests: run the real binary, read PDFs with Rust crates.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (where `content/` and `templates/` live).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// Runs `vplan` with arguments in a working directory.
pub fn vplan(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vplan"))
        .current_dir(dir)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("the vplan binary runs")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Builds `content` with the repository's templates into `output`; panics with stderr on
/// failure. Returns the path of the single PDF written.
pub fn build(content: &Path, output: &Path, extra: &[&str]) -> PathBuf {
    let templates = root().join("templates");
    let mut args = vec![
        "build",
        "--content",
        content.to_str().unwrap(),
        "--templates",
        templates.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = vplan(&root(), &args);
    assert!(
        out.status.success(),
        "vplan build failed ({:?}):\n{}",
        out.status.code(),
        stderr(&out)
    );
    pdfs_in(output)
        .into_iter()
        .next()
        .expect("a PDF was written")
}

pub fn pdfs_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    v.sort();
    v
}

/// The text of a PDF with no-break spaces as plain spaces and runs of whitespace collapsed.
pub fn pdf_text(path: &Path) -> String {
    let bytes = fs::read(path).unwrap();
    let text = pdf_extract::extract_text_from_mem(&bytes).expect("pdf-extract reads the PDF");
    normalize(&text)
}

/// pdf-extract reads the hyphen glyph as U+00AD (the font's one glyph for `-` and the soft
/// hyphen of a line break, told apart in the PDF only by ActualText, which it ignores) with
/// spaces around it: read it back as `-`.
pub fn normalize(text: &str) -> String {
    text.replace(" \u{ad} ", "-")
        .replace('\u{ad}', "-")
        .replace(['\u{a0}', '\u{202f}', '\u{2009}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every character a PDF shows, in content-stream order, with where the text matrix puts it
/// (x, y in points) and its font size: how far one character is from the next tells whether
/// the first took up room or was drawn over its neighbour.
pub fn pdf_chars(path: &Path) -> Vec<(char, f64, f64, f64)> {
    struct Chars(Vec<(char, f64, f64, f64)>);
    impl pdf_extract::OutputDev for Chars {
        fn begin_page(
            &mut self,
            _: u32,
            _: &pdf_extract::MediaBox,
            _: Option<(f64, f64, f64, f64)>,
        ) -> Result<(), pdf_extract::OutputError> {
            Ok(())
        }
        fn end_page(&mut self) -> Result<(), pdf_extract::OutputError> {
            Ok(())
        }
        fn output_character(
            &mut self,
            trm: &pdf_extract::Transform,
            _: f64,
            _: f64,
            font_size: f64,
            text: &str,
        ) -> Result<(), pdf_extract::OutputError> {
            for c in text.chars() {
                self.0.push((
                    c,
                    trm.m31,
                    trm.m32,
                    font_size * trm.m11.abs().max(trm.m22.abs()),
                ));
            }
            Ok(())
        }
        fn begin_word(&mut self) -> Result<(), pdf_extract::OutputError> {
            Ok(())
        }
        fn end_word(&mut self) -> Result<(), pdf_extract::OutputError> {
            Ok(())
        }
        fn end_line(&mut self) -> Result<(), pdf_extract::OutputError> {
            Ok(())
        }
    }
    let doc = pdf_extract::Document::load(path).unwrap();
    let mut out = Chars(Vec::new());
    pdf_extract::output_doc(&doc, &mut out).expect("pdf-extract reads the PDF");
    out.0
}

pub fn page_count(path: &Path) -> usize {
    lopdf::Document::load(path).unwrap().get_pages().len()
}

/// Copies a directory tree.
/// Copies a directory tree (the library's own copy, as `vplan init` and `import` use it).
pub fn copy_dir(from: &Path, to: &Path) {
    vplan::output::copy_tree(from, to).unwrap();
}

/// A scratch copy of a fixture plan as `content/` in a temporary project directory.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    /// A complete fixture plan (`tests/fixtures/<name>/`).
    pub fn of(fixture_name: &str) -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture(fixture_name), &dir.path().join("content"));
        Scratch { dir }
    }

    /// An overlay fixture: the repository's `content/` with the files of
    /// `tests/fixtures/<name>/` (only those it changes or adds, same relative paths) laid over
    /// it. See `tests/fixtures/README.md`.
    pub fn overlay(fixture_name: &str) -> Scratch {
        let overlay = fixture(fixture_name);
        assert!(overlay.is_dir(), "{} is missing", overlay.display());
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        copy_dir(&root().join("content"), &content);
        copy_dir(&overlay, &content);
        Scratch { dir }
    }

    pub fn content(&self) -> PathBuf {
        self.dir.path().join("content")
    }

    /// Replaces `from` by `to` in a content file (which must contain `from`).
    pub fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.content().join(file);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} does not contain {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    pub fn write(&self, file: &str, bytes: impl AsRef<[u8]>) {
        let path = self.content().join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    /// Runs `vplan <cmd> --content content --templates <repo templates> [args]` in the project.
    pub fn run(&self, cmd: &str, args: &[&str]) -> Output {
        let templates = root().join("templates");
        let mut all = vec![cmd, "--templates", templates.to_str().unwrap()];
        all.extend_from_slice(args);
        vplan_timed(self.dir.path(), &all)
    }
}

/// Runs vplan twice at once, with the arguments `a` and `b`, in `dir` (both started before
/// either is waited for): the outputs in that order. For the tests of commands that write into
/// content while another does.
pub fn vplan_at_once(dir: &Path, a: &[&str], b: &[&str]) -> [Output; 2] {
    let spawn = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_vplan"))
            .current_dir(dir)
            .args(args)
            .env_remove("SOURCE_DATE_EPOCH")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the vplan binary runs")
    };
    let (a, b) = (spawn(a), spawn(b));
    [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()]
}

/// Runs vplan and fails the test if it takes longer than 60 s (a hang) or panics.
pub fn vplan_timed(dir: &Path, args: &[&str]) -> Output {
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_vplan"))
        .current_dir(dir)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the vplan binary runs");
    // Read the pipes in threads so that a chatty child cannot block on a full pipe.
    let read = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            pipe.read_to_end(&mut buf).unwrap();
            buf
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("vplan {args:?} did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "vplan panicked: {err}");
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "vplan exited with {:?}: {err}",
        out.status
    );
    out
}

/// Every font in the file carries its font program.
pub fn assert_fonts_embedded(doc: &lopdf::Document) {
    let mut fonts = 0;
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"FontDescriptor") {
            continue;
        }
        fonts += 1;
        assert!(
            dict.has(b"FontFile") || dict.has(b"FontFile2") || dict.has(b"FontFile3"),
            "font {:?} is not embedded",
            dict.get(b"FontName")
        );
    }
    assert!(
        fonts >= 2,
        "expected the regular and bold faces, found {fonts}"
    );
}

/// The XMP metadata packet of the document, as text.
pub fn xmp(doc: &lopdf::Document) -> String {
    let catalog = doc.catalog().unwrap();
    let Ok(id) = catalog.get(b"Metadata").and_then(|m| m.as_reference()) else {
        return String::new();
    };
    let stream = doc.get_object(id).unwrap().as_stream().unwrap();
    let bytes = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    String::from_utf8_lossy(&bytes).into_owned()
}

fn dict<'a>(doc: &'a lopdf::Document, object: &'a lopdf::Object) -> &'a lopdf::Dictionary {
    match object {
        lopdf::Object::Reference(r) => doc.get_dictionary(*r).unwrap(),
        other => other.as_dict().unwrap(),
    }
}

/// The structure types (`/S`) of every element of the structure tree, with the number of
/// times each occurs, and the `/Alt` texts found on elements.
pub fn structure(
    doc: &lopdf::Document,
) -> (std::collections::BTreeMap<String, usize>, Vec<String>) {
    let mut kinds = std::collections::BTreeMap::new();
    let mut alts = Vec::new();
    let root = doc.catalog().unwrap().get(b"StructTreeRoot").unwrap();
    let mut stack = vec![dict(doc, root).clone()];
    let mut seen = 0;
    while let Some(node) = stack.pop() {
        seen += 1;
        assert!(seen < 1_000_000, "structure tree too large or cyclic");
        if let Ok(s) = node.get(b"S").and_then(|s| s.as_name()) {
            *kinds
                .entry(String::from_utf8_lossy(s).into_owned())
                .or_insert(0) += 1;
        }
        if let Ok(alt) = node.get(b"Alt") {
            alts.push(lopdf::decode_text_string(alt).unwrap_or_default());
        }
        let Ok(kids) = node.get(b"K") else { continue };
        let kids: Vec<lopdf::Object> = match kids {
            lopdf::Object::Array(a) => a.clone(),
            other => vec![other.clone()],
        };
        for kid in kids {
            let resolved = match &kid {
                lopdf::Object::Reference(r) => doc.get_object(*r).unwrap().clone(),
                other => other.clone(),
            };
            if let lopdf::Object::Dictionary(d) = resolved {
                // Marked-content and object references are leaves, not elements.
                if d.has(b"S") {
                    stack.push(d);
                }
            }
        }
    }
    (kinds, alts)
}

/// The document claims PDF/A-2b and PDF/UA-1 and has what those need: a structure tree,
/// `/MarkInfo` marked, `/Lang` sv-SE, its title shown in the viewer, every font embedded.
pub fn assert_archivable_and_accessible(path: &Path) {
    let doc = lopdf::Document::load(path).unwrap();
    let meta = xmp(&doc);
    assert!(meta.contains("<pdfaid:part>2</pdfaid:part>"), "{meta}");
    assert!(
        meta.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "{meta}"
    );
    assert!(meta.contains("<pdfuaid:part>1</pdfuaid:part>"), "{meta}");
    let catalog = doc.catalog().unwrap();
    assert!(catalog.has(b"StructTreeRoot"), "a structure tree");
    let mark = dict(&doc, catalog.get(b"MarkInfo").unwrap());
    assert!(mark.get(b"Marked").unwrap().as_bool().unwrap());
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"sv-SE");
    let prefs = dict(&doc, catalog.get(b"ViewerPreferences").unwrap());
    assert!(prefs.get(b"DisplayDocTitle").unwrap().as_bool().unwrap());
    let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let title = doc.get_dictionary(info).unwrap().get(b"Title").unwrap();
    assert!(
        !lopdf::decode_text_string(title).unwrap().trim().is_empty(),
        "a document title"
    );
    assert_fonts_embedded(&doc);
}

/// Typesets a test document of the house style (`body`, Typst calling `vplan.typ`, under
/// `vp-document` with `footer` in the footer) with the built-in templates, in process: its
/// layout (pages and Typst's warnings).
pub fn typeset_house_style(ident: &str, footer: &str, body: &str) -> vplan::pipeline::Layout {
    let src = format!(
        "#import \"vplan.typ\": *\n#show: vp-document.with(footer-title: [{footer}])\n{body}"
    );
    let mut ts = vplan::pipeline::Typesetter::new(&vplan::render::Templates::built_in()).unwrap();
    ts.keep_layouts();
    let options = vplan::typeset::ExportOptions {
        ident: ident.into(),
        timestamp: typst::foundations::Datetime::from_ymd(2024, 1, 1).unwrap(),
        standard: vplan::typeset::Standard::None,
    };
    if let Err(e) = ts.typeset(src, options) {
        panic!("the test document does not typeset: {e:?}");
    }
    let layout = ts.take_layouts().pop().unwrap();
    forget_layouts();
    layout
}

/// Drops Typst's memoized layouts, which no later test reuses: they are kept process-wide, so
/// that the test process would otherwise hold every document it typeset (some GiB by the end,
/// which the generated corpus in `properties.rs` sees as its children's memory).
pub fn forget_layouts() {
    vplan::typeset::Worlds::evict(0);
}

/// Loads and checks a content directory and typesets its documents (`split`: the plan, each
/// appendix and the decision paper; else the plan alone) with the built-in templates in
/// `standard` (`None`: the standards the plan's status calls for), in process; the layout of
/// each document (its pages and Typst's warnings).
pub fn layouts_of(
    content: &Path,
    split: bool,
    standard: Option<vplan::typeset::Standard>,
) -> Vec<vplan::pipeline::Layout> {
    let quiet = vplan::progress::Silent;
    let checked = vplan::pipeline::load(content, &Default::default(), &quiet)
        .unwrap_or_else(|e| panic!("the plan does not check: {e:?}"));
    let mut ts = vplan::pipeline::Typesetter::new(&vplan::render::Templates::built_in()).unwrap();
    ts.keep_layouts();
    let docs = vplan::pipeline::documents::select(&checked.plan, split, &[]).unwrap();
    let standard = standard.unwrap_or_else(|| vplan::pipeline::default_standard(&checked.plan));
    vplan::pipeline::documents::typeset_all(checked.subject(), &mut ts, &docs, standard)
        .unwrap_or_else(|e| panic!("the documents do not typeset: {e:?}"));
    let layouts = ts.take_layouts();
    forget_layouts();
    layouts
}
