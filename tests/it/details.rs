//! The details a board secretary and a typographer look at (issue 26, "Details"): a bookmark
//! per heading, the table of contents' leaders and joiners as artifacts (not text a reader
//! copies), every glyph from the embedded Noto Sans and DejaVu fonts, goals and assignments
//! tagged as paragraphs, "(bilaga 1)" on one line, a chart's caption clear of the note above.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lopdf::{Document, Object, ObjectId};

use crate::common::*;

/// The default plan built as decided, split (plan, appendices, decision paper), and the
/// fixture's delårsrapport with its decision paper: built once for the tests of this file.
fn pdfs() -> &'static (tempfile::TempDir, Vec<PathBuf>) {
    static PDFS: OnceLock<(tempfile::TempDir, Vec<PathBuf>)> = OnceLock::new();
    PDFS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        build(
            &root().join("content"),
            &dir.path().join("plan"),
            &["--split", "--status", "beslutad"],
        );
        let content = dir.path().join("report-content");
        copy_dir(&fixture("fjallkommun_2031"), &content);
        copy_dir(&fixture("fjallkommun_2031_reports"), &content);
        build(
            &content,
            &dir.path().join("report"),
            &["--report", "2031-delar", "--split"],
        );
        let mut all = pdfs_in(&dir.path().join("plan"));
        all.extend(pdfs_in(&dir.path().join("report")));
        assert_eq!(all.len(), 6, "{all:?}");
        (dir, all)
    })
}

fn pdf(ending: &str) -> &'static Path {
    pdfs()
        .1
        .iter()
        .find(|p| p.to_str().unwrap().ends_with(ending))
        .unwrap_or_else(|| panic!("no PDF ending {ending}"))
}

/// A page's text as its content stream shows it, apart: what is marked content of the
/// structure tree, by marked-content id (what a reader reads and a copy takes), and what is
/// an artifact.
struct PageText {
    tagged: BTreeMap<i64, String>,
    artifact: String,
}

fn page_text(doc: &Document, page: ObjectId) -> PageText {
    let fonts = doc.get_page_fonts(page).unwrap();
    let encodings: BTreeMap<Vec<u8>, lopdf::Encoding> = fonts
        .into_iter()
        .filter_map(|(name, font)| Some((name, font.get_font_encoding(doc).ok()?)))
        .collect();
    let content = lopdf::content::Content::decode(&doc.get_page_content(page)).unwrap();
    let mut out = PageText {
        tagged: BTreeMap::new(),
        artifact: String::new(),
    };
    // The marked-content sequences open: an artifact, or one with this id, or neither.
    // (A sequence with an `/ActualText` is read as that text, not as its glyphs.)
    enum Mark {
        Artifact,
        Id(i64),
        Actual,
        Other,
    }
    let mut marks: Vec<Mark> = Vec::new();
    let mut encoding = None;
    for op in &content.operations {
        match op.operator.as_str() {
            "BMC" | "BDC" => {
                let tag = op.operands.first().and_then(|o| o.as_name().ok());
                let props = op.operands.get(1).and_then(|o| o.as_dict().ok());
                let id = props
                    .and_then(|d| d.get(b"MCID").ok())
                    .and_then(|m| m.as_i64().ok());
                let actual = props
                    .and_then(|d| d.get(b"ActualText").ok())
                    .and_then(|t| lopdf::decode_text_string(t).ok());
                let artifact = tag == Some(b"Artifact".as_slice())
                    || marks.iter().any(|m| matches!(m, Mark::Artifact));
                marks.push(if artifact {
                    Mark::Artifact
                } else if let Some(id) = id {
                    Mark::Id(id)
                } else if let Some(actual) = actual {
                    if let Some(id) = marks.iter().rev().find_map(|m| match m {
                        Mark::Id(id) => Some(*id),
                        _ => None,
                    }) {
                        out.tagged.entry(id).or_default().push_str(&actual);
                    }
                    Mark::Actual
                } else {
                    Mark::Other
                });
            }
            "EMC" => {
                marks.pop();
            }
            "Tf" => {
                encoding = op
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|n| encodings.get(n));
            }
            "Tj" | "TJ" | "'" => {
                let Some(enc) = encoding else { continue };
                let mut text = String::new();
                let mut strings = Vec::new();
                for o in &op.operands {
                    match o {
                        Object::String(b, _) => strings.push(b.clone()),
                        Object::Array(items) => {
                            for i in items {
                                if let Object::String(b, _) = i {
                                    strings.push(b.clone());
                                }
                            }
                        }
                        _ => {}
                    }
                }
                for b in strings {
                    text.push_str(&Document::decode_text(enc, &b).unwrap_or_default());
                }
                if marks.iter().any(|m| matches!(m, Mark::Actual)) {
                    // Read as its `/ActualText`.
                } else if marks.iter().any(|m| matches!(m, Mark::Artifact)) {
                    out.artifact.push_str(&text);
                } else if let Some(id) = marks.iter().rev().find_map(|m| match m {
                    Mark::Id(id) => Some(*id),
                    _ => None,
                }) {
                    out.tagged.entry(id).or_default().push_str(&text);
                }
            }
            _ => {}
        }
    }
    out
}

/// Every structure element with its type and its text (its marked content's, in order), and
/// the types of the elements above it.
fn tagged_elements(doc: &Document) -> Vec<(String, String, Vec<String>)> {
    let mut texts: BTreeMap<ObjectId, PageText> = BTreeMap::new();
    for (_, page) in doc.get_pages() {
        texts.insert(page, page_text(doc, page));
    }
    fn resolve(doc: &Document, o: &Object) -> Object {
        match o {
            Object::Reference(r) => doc.get_object(*r).unwrap().clone(),
            o => o.clone(),
        }
    }
    // The text of an element's kids, `page` the element's own `/Pg`.
    fn text_of(
        doc: &Document,
        texts: &BTreeMap<ObjectId, PageText>,
        k: &Object,
        page: Option<ObjectId>,
        depth: usize,
    ) -> String {
        if depth > 200 {
            return String::new();
        }
        match resolve(doc, k) {
            Object::Integer(id) => page
                .and_then(|p| texts.get(&p))
                .and_then(|t| t.tagged.get(&id).cloned())
                .unwrap_or_default(),
            Object::Array(items) => items
                .iter()
                .map(|i| text_of(doc, texts, i, page, depth + 1))
                .collect(),
            Object::Dictionary(d) => {
                let page = d
                    .get(b"Pg")
                    .ok()
                    .and_then(|p| p.as_reference().ok())
                    .or(page);
                if let Ok(id) = d.get(b"MCID").and_then(|m| m.as_i64()) {
                    return text_of(doc, texts, &Object::Integer(id), page, depth + 1);
                }
                d.get(b"K")
                    .map(|k| text_of(doc, texts, k, page, depth + 1))
                    .unwrap_or_default()
            }
            _ => String::new(),
        }
    }
    let mut out = Vec::new();
    let root = doc.catalog().unwrap().get(b"StructTreeRoot").unwrap();
    let mut stack = vec![(resolve(doc, root), Vec::<String>::new())];
    while let Some((node, above)) = stack.pop() {
        let Object::Dictionary(d) = node else {
            continue;
        };
        let kind = d
            .get(b"S")
            .and_then(|s| s.as_name())
            .map(|s| String::from_utf8_lossy(s).into_owned());
        let page = d.get(b"Pg").ok().and_then(|p| p.as_reference().ok());
        let mut path = above.clone();
        if let Ok(kind) = &kind {
            let text = d
                .get(b"K")
                .map(|k| text_of(doc, &texts, k, page, 0))
                .unwrap_or_default();
            out.push((kind.clone(), text, above.clone()));
            path.push(kind.clone());
        }
        let kids = match d.get(b"K") {
            Ok(Object::Array(a)) => a.clone(),
            Ok(o) => vec![o.clone()],
            Err(_) => Vec::new(),
        };
        for kid in kids.iter().rev() {
            let kid = resolve(doc, kid);
            if matches!(&kid, Object::Dictionary(k) if k.has(b"S")) {
                stack.push((kid, path.clone()));
            }
        }
    }
    out
}

/// The number of bookmarks (outline items) of a PDF.
fn bookmarks(doc: &Document) -> usize {
    let Ok(outlines) = doc.catalog().unwrap().get(b"Outlines") else {
        return 0;
    };
    let outlines = doc
        .get_dictionary(outlines.as_reference().unwrap())
        .unwrap();
    let mut count = 0;
    let mut stack: Vec<ObjectId> = outlines
        .get(b"First")
        .ok()
        .and_then(|f| f.as_reference().ok())
        .into_iter()
        .collect();
    while let Some(id) = stack.pop() {
        count += 1;
        assert!(count < 100_000);
        let item = doc.get_dictionary(id).unwrap();
        for key in [b"Next".as_slice(), b"First".as_slice()] {
            if let Ok(next) = item.get(key).and_then(|n| n.as_reference()) {
                stack.push(next);
            }
        }
    }
    count
}

#[test]
fn every_heading_is_a_bookmark() {
    for ending in [
        "-verksamhetsplan.pdf",
        "-bilaga-2-handlingsplan.pdf",
        "-tjansteskrivelse.pdf",
        "-delarsrapport.pdf",
    ] {
        let doc = Document::load(pdf(ending)).unwrap();
        let (kinds, _) = structure(&doc);
        let headings: usize = kinds
            .iter()
            .filter(|(k, _)| k.len() == 2 && k.starts_with('H') && k.as_bytes()[1].is_ascii_digit())
            .map(|(_, n)| n)
            .sum();
        assert!(headings > 0, "{ending}: {kinds:?}");
        assert_eq!(bookmarks(&doc), headings, "{ending}: {kinds:?}");
    }
    let doc = Document::load(pdf("-bilaga-2-handlingsplan.pdf")).unwrap();
    assert!(bookmarks(&doc) >= 40, "Bilaga 2 has about 42 headings");
}

/// Typst draws the leaders (`repeat`) as artifacts, and the word joiner before each page
/// number as the actual text (" \u{2060}") of the space before it: that is an artifact too.
#[test]
fn the_leaders_and_joiners_of_the_contents_are_artifacts() {
    let doc = Document::load(pdf("-verksamhetsplan.pdf")).unwrap();
    let pages = doc.get_pages();
    let toc = pages
        .values()
        .map(|&p| page_text(&doc, p))
        .find(|t| {
            t.tagged
                .values()
                .any(|s| s.contains("Innehållsförteckning"))
        })
        .expect("a page with the table of contents");
    let tagged: String = toc.tagged.values().cloned().collect::<Vec<_>>().join("|");
    assert!(tagged.contains("Inledning"), "{tagged}");
    assert!(!tagged.contains(".."), "leaders are not text: {tagged}");
    assert!(
        !tagged.contains('\u{2060}'),
        "no word joiner in the text: {tagged:?}"
    );
    assert!(toc.artifact.matches('.').count() > 500, "{}", toc.artifact);
    // The appendices listed in the plan of the whole (not split) document, with their leaders.
    let dir = tempfile::tempdir().unwrap();
    let whole = build(&root().join("content"), dir.path(), &["--standard", "ua-1"]);
    let doc = Document::load(&whole).unwrap();
    for (_, page) in doc.get_pages() {
        let t = page_text(&doc, page);
        for s in t.tagged.values() {
            assert!(!s.contains(".."), "{s}");
            assert!(!s.contains('\u{2060}'), "{s:?}");
        }
    }
}

/// Every font of every PDF is Noto Sans or DejaVu Sans Mono (the embedded families): nothing
/// falls back to Typst's Libertinus Serif or New Computer Modern.
#[test]
fn every_glyph_is_from_the_embedded_families() {
    for path in &pdfs().1 {
        let doc = Document::load(path).unwrap();
        for (_, page) in doc.get_pages() {
            for (_, font) in doc.get_page_fonts(page).unwrap() {
                let name = font
                    .get(b"BaseFont")
                    .and_then(|n| n.as_name())
                    .map(|n| String::from_utf8_lossy(n).into_owned())
                    .unwrap_or_default();
                let family = name.split('+').next_back().unwrap_or_default();
                assert!(
                    family.starts_with("NotoSans") || family.starts_with("DejaVuSansMono"),
                    "{}: {name}",
                    path.display()
                );
            }
        }
    }
}

/// Each goal ("Mål: …") and assignment ("Uppdrag: …") is a paragraph of the structure tree,
/// not emphasis (`Strong`) or a span inside one.
#[test]
fn goals_and_assignments_are_paragraphs() {
    let doc = Document::load(pdf("-verksamhetsplan.pdf")).unwrap();
    let elements = tagged_elements(&doc);
    let mut seen = 0;
    for (kind, text, above) in &elements {
        if !(text.starts_with("Mål:") || text.starts_with("Uppdrag:")) {
            continue;
        }
        if kind == "Span" || kind == "Strong" {
            panic!("{kind} {text:?} under {above:?}");
        }
        if kind == "P" {
            seen += 1;
            assert!(
                !above.iter().any(|k| k == "Strong"),
                "{text:?} under {above:?}"
            );
        }
    }
    assert!(seen >= 10, "goals and assignments as paragraphs: {seen}");
}

/// The characters a PDF draws (a space is a gap, not a glyph), with their positions, and their
/// text.
fn drawn(path: &Path) -> (Vec<(char, f64, f64, f64)>, String) {
    let chars: Vec<_> = pdf_chars(path)
        .into_iter()
        .filter(|c| !c.0.is_whitespace())
        .collect();
    let text = chars.iter().map(|c| c.0).collect();
    (chars, text)
}

/// "(bilaga 1)" and "§ 84" are never parted by a line break in the decision paper.
#[test]
fn bilaga_and_its_number_stay_on_one_line() {
    let (chars, text) = drawn(pdf("-verksamhetsplan-tjansteskrivelse.pdf"));
    let mut found = 0;
    for (i, _) in text.match_indices("bilaga") {
        let start = text[..i].chars().count();
        let word = &chars[start..(start + 8).min(chars.len())];
        // "bilaga", the number: both on the line of the word's first letter.
        let digit = word.iter().find(|c| c.0.is_ascii_digit()).map(|c| c.2);
        if let Some(y) = digit {
            found += 1;
            assert!(
                (y - word[0].2).abs() < 0.5,
                "{:?}",
                word.iter().map(|c| c.0).collect::<String>()
            );
        }
    }
    assert!(found >= 3, "{found} in {text}");
}

/// A chart's caption stands clear of the table's note above it: at least a quarter of a line
/// between the note's last line and the caption.
#[test]
fn a_chart_caption_is_clear_of_the_note_above() {
    let (chars, text) = drawn(pdf("-delarsrapport.pdf"));
    let at = |needle: &str| {
        let i = text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} in {text}"));
        chars[text[..i].chars().count()]
    };
    let note = at("talettutfallöverbudget.");
    let caption = at("Budgetochutfalljanuari");
    // Baselines, y upwards, less the note's descent and the caption's ascent (about 0.3 and
    // 0.8 of their sizes): what is between them is at least a quarter of a line (the caption
    // touched the note with a fraction of a point).
    let gap = (note.2 - caption.2) - 0.3 * note.3 - 0.8 * caption.3;
    assert!(gap >= 0.25 * caption.3, "{gap} pt between note and caption");
}
