//! The board secretary's documents from the default content: the plan, each appendix on its
//! own and the decision paper, as a proposal (watermarked) and decided (PDF/A-2b + PDF/UA-1);
//! page counts that add up; figures quoted in text that are the computed ones.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::*;

const STEM: &str = "2024-servicenamnden-verksamhetsplan";
const BILAGA_1: &str = "2024-servicenamnden-verksamhetsplan-bilaga-1-investeringar";
const BILAGA_2: &str = "2024-servicenamnden-verksamhetsplan-bilaga-2-handlingsplan";
const PAPER: &str = "2024-servicenamnden-verksamhetsplan-tjansteskrivelse";

/// A scratch copy of the default content.
pub(crate) fn default_content() -> Scratch {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("content"), &dir.path().join("content"));
    Scratch { dir }
}

fn build_ok(s: &Scratch, out: &str, args: &[&str]) -> PathBuf {
    let out_dir = s.dir.path().join(out);
    let mut all = vec!["-q", "--output", out_dir.to_str().unwrap()];
    all.extend_from_slice(args);
    let run = s.run("build", &all);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    out_dir
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = pdfs_in(dir)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn pdf(dir: &Path, stem: &str) -> PathBuf {
    dir.join(format!("{stem}.pdf"))
}

/// Text with whitespace removed (rotated watermark letters and no-break spaces come out of
/// text extraction unevenly).
fn solid(path: &Path) -> String {
    pdf_text(path).split_whitespace().collect()
}

#[test]
fn a_proposal_split_into_its_documents() {
    let s = default_content();
    let whole = build_ok(&s, "whole", &["--status", "forslag"]);
    assert_eq!(names(&whole), [format!("{STEM}.pdf")]);
    let whole_pages = page_count(&pdf(&whole, STEM));

    let out = build_ok(&s, "split", &["--status", "forslag", "--split"]);
    assert_eq!(
        names(&out),
        [BILAGA_1, BILAGA_2, PAPER, STEM].map(|n| format!("{n}.pdf")),
    );
    let pages: Vec<usize> = [STEM, BILAGA_1, BILAGA_2, PAPER]
        .iter()
        .map(|n| page_count(&pdf(&out, n)))
        .collect();
    // The plan without its appendices, plus each appendix less its own cover page, is the
    // whole plan page for page.
    assert_eq!(
        pages[0] + (pages[1] - 1) + (pages[2] - 1),
        whole_pages,
        "split page counts {pages:?} against {whole_pages} for the whole plan"
    );
    for (stem, n) in [STEM, BILAGA_1, BILAGA_2, PAPER].iter().zip(&pages) {
        let text = solid(&pdf(&out, stem));
        assert!(
            text.matches("FÖRSLAG").count() >= *n,
            "{stem}: a FÖRSLAG watermark on each of its {n} pages"
        );
        // Page numbers are the document's own.
        assert!(
            text.contains(&format!("Sida{n}av{n}")),
            "{stem}: Sida {n} av {n}"
        );
        assert!(!text.contains(&format!("Sida{}av", n + 1)), "{stem}");
    }
    // Each appendix has its own cover; the plan lists them instead of printing them.
    let b2 = pdf_text(&pdf(&out, BILAGA_2));
    assert!(
        b2.contains("Bilaga till Verksamhetsplan med budget 2024"),
        "{b2}"
    );
    let plan = pdf_text(&pdf(&out, STEM));
    assert!(plan.contains("separat dokument"));
    assert!(!plan.contains("Åtgärder för en ekonomi i balans"));

    // The decision paper lists the documents with their page counts.
    let paper = pdf_text(&pdf(&out, PAPER)).replace('\u{a0}', " ");
    for (title, n) in [
        ("Verksamhetsplan med budget 2024", pages[0]),
        (
            "Bilaga 1: Investeringar äskande 2024 servicenämnden efter fullmäktigebeslut",
            pages[1],
        ),
        ("Bilaga 2: Handlingsplan ekonomi i balans", pages[2]),
    ] {
        let line = format!("{title} ({n} sidor)");
        assert!(
            normalize(&paper).contains(&normalize(&line)),
            "{line} in:\n{paper}"
        );
    }
    assert!(paper.contains("Förslag till beslut"));
    assert!(paper.contains("1. att fastställa verksamhetsplan med budget 2024"));
    assert!(paper.contains("Förvaltningschef, Regionservice"));
}

#[test]
fn decided_documents_are_pdf_a_and_pdf_ua_without_watermark() {
    let s = default_content();
    let out = build_ok(&s, "output", &["--status", "beslutad", "--split"]);
    for stem in [STEM, BILAGA_1, BILAGA_2, PAPER] {
        let path = pdf(&out, stem);
        let text = solid(&path);
        assert!(
            !text.contains("FÖRSLAG") && !text.contains("UTKAST"),
            "{stem} has a watermark"
        );
        assert_archivable_and_accessible(&path);
        let doc = lopdf::Document::load(&path).unwrap();
        let (kinds, _) = structure(&doc);
        assert!(kinds.contains_key("H1"), "{stem}: headings in {kinds:?}");
        assert!(kinds.contains_key("P"), "{stem}: paragraphs in {kinds:?}");
    }
    // Real structure: headings at several levels, tables with header cells, lists, and the
    // drawn organisation chart as a figure with its text alternative.
    let doc = lopdf::Document::load(pdf(&out, STEM)).unwrap();
    let (kinds, alts) = structure(&doc);
    for kind in [
        "H1", "H2", "H3", "Table", "TR", "TH", "TD", "L", "LI", "Figure", "TOC",
    ] {
        assert!(kinds.contains_key(kind), "no {kind} in {kinds:?}");
    }
    assert!(
        alts.iter().any(|a| a.contains("Regionservice")),
        "the org chart's alt text: {alts:?}"
    );
    let doc = lopdf::Document::load(pdf(&out, PAPER)).unwrap();
    let (kinds, _) = structure(&doc);
    for kind in ["H1", "H2", "L", "LI"] {
        assert!(kinds.contains_key(kind), "paper: no {kind} in {kinds:?}");
    }
}

#[test]
fn only_one_document() {
    let s = default_content();
    let out = build_ok(&s, "only", &["--only", "bilaga-2"]);
    assert_eq!(names(&out), [format!("{BILAGA_2}.pdf")]);
    let out = build_ok(&s, "paper", &["--only", "tjansteskrivelse"]);
    assert_eq!(names(&out), [format!("{PAPER}.pdf")]);

    let out_dir = s.dir.path().join("nothing");
    let run = s.run(
        "build",
        &["--output", out_dir.to_str().unwrap(), "--only", "bilaga-9"],
    );
    assert_eq!(run.status.code(), Some(2));
    let err = stderr(&run);
    assert!(
        err.contains("--only bilaga-9: there is no such document")
            && err.contains("plan, bilaga-1, bilaga-2, tjansteskrivelse"),
        "{err}"
    );
    assert!(!out_dir.exists() || pdfs_in(&out_dir).is_empty());
}

/// Text and tables cannot disagree: the appendix's prose and the decision paper quote the
/// computed totals, and follow when an amount changes.
#[test]
fn quoted_figures_are_the_computed_ones() {
    let s = default_content();
    let out = build_ok(&s, "before", &["--split"]);
    let paper = pdf_text(&pdf(&out, PAPER)).replace('\u{a0}', " ");
    for quoted in [
        "investeringar för 2024 om 372,5 miljoner kronor",
        "handlingsplanen för en ekonomi i balans om 87,3 miljoner kronor",
    ] {
        assert!(normalize(&paper).contains(quoted), "{quoted} in:\n{paper}");
    }
    let b1 = pdf_text(&pdf(&out, BILAGA_1)).replace('\u{a0}', " ");
    assert!(b1.contains("uppgår till 203,8 miljoner kronor"), "{b1}");
    let b2 = normalize(&pdf_text(&pdf(&out, BILAGA_2)).replace('\u{a0}', " "));
    assert!(
        b2.contains("besparingsförslag om 87,3 mkr för 2024"),
        "{b2}"
    );

    s.edit(
        "tables/bilaga-1/fastigheter.yaml",
        "values: [70.0]",
        "values: [72.5]",
    );
    let out = build_ok(&s, "after", &["--split"]);
    let paper = pdf_text(&pdf(&out, PAPER)).replace('\u{a0}', " ");
    assert!(
        normalize(&paper).contains("investeringar för 2024 om 375,0 miljoner kronor"),
        "{paper}"
    );
    let b1 = pdf_text(&pdf(&out, BILAGA_1)).replace('\u{a0}', " ");
    assert!(b1.contains("uppgår till 206,3 miljoner kronor"), "{b1}");
}

#[test]
fn a_wrong_figure_reference_is_an_error_at_its_place() {
    let s = default_content();
    s.edit(
        "appendices/01-bilaga-1-investeringar.yaml",
        "{{ bilaga-1-it/summa/belopp }}",
        "{{ bilaga-1-it/sumam/belopp }}",
    );
    s.edit(
        "tjansteskrivelse.yaml",
        "| mnkr | 1 }} miljoner kronor för 2025",
        "| procent }} miljoner kronor för 2025",
    );
    let run = s.run("check", &[]);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    for expected in [
        "error: figure reference: table `bilaga-1-it` has no row `sumam`; did you mean `summa`?",
        "content/appendices/01-bilaga-1-investeringar.yaml:21:",
        "unknown filter `| procent`",
        "content/tjansteskrivelse.yaml:",
        "2 errors",
    ] {
        assert!(err.contains(expected), "{expected:?} in:\n{err}");
    }
}

#[test]
fn every_image_needs_its_alternative_text() {
    let s = default_content();
    let plan = fs::read_to_string(s.content().join("plan.yaml")).unwrap();
    s.write(
        "plan.yaml",
        format!("{plan}logo:\n  file: logo.png\n  alt: \"\"\n"),
    );
    // The org chart's alt text (a folded block) emptied.
    let org = fs::read_to_string(s.content().join("chapters/07-organisation.yaml")).unwrap();
    let lines: Vec<&str> = org.lines().collect();
    let at = lines.iter().position(|l| l.trim() == "alt: >-").unwrap();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let end = (at + 1..lines.len())
        .find(|&i| indent(lines[i]) <= indent(lines[at]))
        .unwrap_or(lines.len());
    let mut edited: Vec<String> = lines[..at].iter().map(|l| l.to_string()).collect();
    edited.push(lines[at].replace(">-", "\"\""));
    edited.extend(lines[end..].iter().map(|l| l.to_string()));
    s.write("chapters/07-organisation.yaml", edited.join("\n") + "\n");
    let run = s.run("check", &[]);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    assert!(
        err.contains("the logo needs an alternative text (`logo.alt`)"),
        "{err}"
    );
    assert!(err.contains("needs an alternative text (`alt`)"), "{err}");
}

#[test]
fn a_decided_plan_lists_only_existing_appendices() {
    let s = default_content();
    s.edit(
        "plan.yaml",
        "bilagor: [bilaga-1, bilaga-2]",
        "bilagor: [bilaga-1, bilaga-3]",
    );
    let run = s.run("check", &[]);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    assert!(
        err.contains("decision.bilagor: there is no appendix `bilaga-3`")
            && err.contains("did you mean `bilaga-1`?"),
        "{err}"
    );
}

/// Every PDF of a directory with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    pdfs_in(dir)
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| (p.clone(), fs::read(&p).unwrap()))
        .collect()
}

/// Every file name in a directory (hidden ones too).
fn all_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_split_build_that_fails_late_leaves_every_earlier_pdf_untouched() {
    let s = default_content();
    let out = build_ok(&s, "output", &["--split"]);
    let before = snapshot(&out);
    assert_eq!(before.len(), 4);
    // A change that alters every document.
    s.edit(
        "plan.yaml",
        "title: Verksamhetsplan med budget 2024",
        "title: Verksamhetsplan och budget 2024",
    );

    // 1. The last document (the decision paper) fails to typeset.
    let templates = s.dir.path().join("templates");
    copy_dir(&root().join("templates"), &templates);
    let paper = templates.join("tjansteskrivelse.typ.j2");
    let text = fs::read_to_string(&paper).unwrap();
    fs::write(&paper, format!("{text}\n#panic(\"the paper fails\")\n")).unwrap();
    let run = vplan(
        s.dir.path(),
        &[
            "build",
            "-q",
            "--split",
            "--content",
            "content",
            "--templates",
            "templates",
            "--output",
            "output",
        ],
    );
    assert_ne!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stderr(&run).contains("the paper fails"), "{}", stderr(&run));
    assert_eq!(
        snapshot(&out),
        before,
        "typeset failed: no PDF was replaced"
    );

    // 2. The last file cannot be written (a directory is in the way): the documents before
    // it are not replaced either.
    fs::remove_file(pdf(&out, PAPER)).unwrap();
    fs::create_dir(pdf(&out, PAPER)).unwrap();
    let run = s.run(
        "build",
        &["-q", "--split", "--output", out.to_str().unwrap()],
    );
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(
        err.contains("a directory of that name is in the way"),
        "{err}"
    );
    let others: Vec<_> = before
        .iter()
        .filter(|(p, _)| *p != pdf(&out, PAPER))
        .cloned()
        .collect();
    assert_eq!(snapshot(&out), others, "no PDF was replaced");
    assert!(
        !all_names(&out).iter().any(|n| n.starts_with(".vplan-tmp-")),
        "no temporary file left: {:?}",
        all_names(&out)
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_symlink_planted_in_the_output_folder_is_never_followed() {
    use std::os::unix::fs::symlink;
    let s = default_content();
    let out = s.dir.path().join("output");
    fs::create_dir(&out).unwrap();
    let victim = s.dir.path().join("victim.txt");
    fs::write(&victim, "precious").unwrap();
    // The PDF's own name is a link to another file: the link is replaced, not written through.
    let other = s.dir.path().join("other.txt");
    fs::write(&other, "also precious").unwrap();
    symlink(&other, pdf(&out, STEM)).unwrap();
    // Links under every temporary name the next processes could pick by pid (the old
    // `.NAME.PID.tmp` scheme).
    let last: u32 = fs::read_to_string("/proc/sys/kernel/ns_last_pid")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    for pid in last + 1..last + 3000 {
        symlink(&victim, out.join(format!(".{STEM}.pdf.{pid}.tmp"))).unwrap();
    }
    // A temporary file of a killed run (its pid does not exist) is cleaned up.
    let stale = out.join(".vplan-tmp-4294967295-abcdefghij.tmp");
    fs::write(&stale, "half a PDF").unwrap();
    fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(120))
        .unwrap();

    build_ok(&s, "output", &[]);
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(fs::read_to_string(&other).unwrap(), "also precious");
    let meta = fs::symlink_metadata(pdf(&out, STEM)).unwrap();
    assert!(meta.file_type().is_file(), "the PDF is a file, not a link");
    assert!(fs::read(pdf(&out, STEM)).unwrap().starts_with(b"%PDF"));
    assert!(!stale.exists(), "the stale temporary file is removed");
}

// ---------------------------------------------------------------------------------------------
// Layout: nothing runs off the page.

use typst::layout::{Frame, FrameItem, Point, Transform};

/// A 65-letter Swedish compound: longer than any column, caption or heading line is wide.
const LONG: &str = "Verksamhetsplaneringsuppföljningsdokumentationsansvarsområdeschef";

/// Page geometry as the house style sets it (`vp-margin` in `templates/vplan/style.typ`: A4;
/// margins top 2.5 cm, bottom 2.6 cm, left 2.5 cm, right 2.3 cm), in points.
pub(crate) const PAGE_W: f64 = 595.2756;
pub(crate) const PAGE_H: f64 = 841.8898;
pub(crate) const CM: f64 = 72.0 / 2.54;
pub(crate) const LEFT: f64 = 2.5 * CM;
pub(crate) const RIGHT: f64 = PAGE_W - 2.3 * CM;
pub(crate) const TOP: f64 = 2.5 * CM;
pub(crate) const BOTTOM: f64 = PAGE_H - 2.6 * CM;
/// Rounding and glyph side bearings: overlaps and overflows below this are not counted.
const SLACK: f64 = 0.5;

/// One run of text on a page: its text, whether it is in the page body (else in the header
/// or footer band), and its box: advance width by the line's cap height above the baseline.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) text: String,
    pub(crate) body: bool,
    pub(crate) x0: f64,
    pub(crate) x1: f64,
    pub(crate) y0: f64,
    pub(crate) y1: f64,
}

/// How far Typst lets a character at the end of a line hang into the margin, as a share of its
/// advance (`overhang` in typst-layout's `inline/line.rs`).
fn overhang(c: char) -> f64 {
    match c {
        '–' | '—' => 0.2,
        '-' | '\u{ad}' => 0.55,
        '.' | ',' => 0.8,
        ':' | ';' => 0.3,
        _ => 0.0,
    }
}

/// The horizontal extent of a text run's visible characters, in points from its origin:
/// spaces are left out (a justified line's trailing space) and a hyphen or punctuation mark at
/// its end counts only with the part Typst deliberately hangs into the margin left out.
fn ink_extent(text: &typst::text::TextItem) -> Option<(f64, f64)> {
    let size = text.size.to_pt();
    let mut x = 0.0;
    let mut glyphs = Vec::new();
    for g in &text.glyphs {
        let adv = g.x_advance.get() * size;
        let c = text.text[g.range()].chars().next().unwrap_or(' ');
        if !c.is_whitespace() {
            glyphs.push((x, adv, c));
        }
        x += adv;
    }
    let (first, last) = (glyphs.first()?, glyphs.last()?);
    Some((first.0, last.0 + last.1 * (1.0 - overhang(last.2))))
}

fn runs_of(frame: &Frame, ts: Transform, body: bool, out: &mut Vec<Run>) {
    for (pos, item) in frame.items() {
        let here = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            // Rotated text is the watermark, printed across everything on purpose.
            FrameItem::Group(group) if !group.transform.is_only_translate() => {}
            FrameItem::Group(group) => {
                runs_of(&group.frame, here.pre_concat(group.transform), body, out)
            }
            FrameItem::Text(text) => {
                let Some((from, to)) = ink_extent(text) else {
                    continue;
                };
                let size = text.size.to_pt();
                let abs = typst::layout::Abs::pt;
                let corners = [
                    Point::new(abs(from), abs(0.0)),
                    Point::new(abs(to), abs(0.0)),
                    Point::new(abs(from), abs(-0.7 * size)),
                    Point::new(abs(to), abs(-0.7 * size)),
                ]
                .map(|p| p.transform(here));
                let xs = corners.map(|p| p.x.to_pt());
                let ys = corners.map(|p| p.y.to_pt());
                out.push(Run {
                    text: text.text.to_string(),
                    body,
                    x0: xs.iter().copied().fold(f64::INFINITY, f64::min),
                    x1: xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    y0: ys.iter().copied().fold(f64::INFINITY, f64::min),
                    y1: ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                });
            }
            _ => {}
        }
    }
}

/// Every run of text of every page. Typst puts the footer last on the page, as a group whose
/// bottom is the page's bottom at the left margin; everything before it is the page body
/// (Typst may inline the body's frame into the page's).
pub(crate) fn page_runs(doc: &typst_layout::PagedDocument) -> Vec<Vec<Run>> {
    doc.pages()
        .iter()
        .enumerate()
        .map(|(n, page)| {
            let size = page.frame.size();
            assert!(
                (size.x.to_pt() - PAGE_W).abs() < 0.1 && (size.y.to_pt() - PAGE_H).abs() < 0.1,
                "page {} is not A4: {size:?}",
                n + 1
            );
            let items: Vec<_> = page.frame.items().collect();
            let footer = items.iter().rposition(|(pos, item)| {
                matches!(item, FrameItem::Group(g)
                    if (pos.x.to_pt() - LEFT).abs() < 0.01
                        && (pos.y.to_pt() + g.frame.height().to_pt() - PAGE_H).abs() < 0.01)
            });
            let footer = footer.unwrap_or_else(|| panic!("page {}: no footer", n + 1));
            assert!(
                items[footer + 1..]
                    .iter()
                    .all(|(_, i)| matches!(i, FrameItem::Tag(_))),
                "page {}: the footer is not the last thing on the page",
                n + 1
            );
            let mut runs = Vec::new();
            let mut body = Frame::soft(size);
            for (i, (pos, item)) in items.iter().enumerate() {
                if i == footer {
                    let mut f = Frame::soft(size);
                    f.push(*pos, (*item).clone());
                    runs_of(&f, Transform::identity(), false, &mut runs);
                } else {
                    body.push(*pos, (*item).clone());
                }
            }
            runs_of(&body, Transform::identity(), true, &mut runs);
            runs
        })
        .collect()
}

/// Where text leaves its area or covers other text, one line per fault.
pub(crate) fn layout_faults(ident: &str, doc: &typst_layout::PagedDocument) -> Vec<String> {
    let mut faults = Vec::new();
    for (n, runs) in page_runs(doc).iter().enumerate() {
        let page = n + 1;
        for r in runs {
            let (top, bottom) = if r.body {
                (TOP, BOTTOM)
            } else {
                (BOTTOM, PAGE_H)
            };
            if r.x0 < LEFT - SLACK
                || r.x1 > RIGHT + SLACK
                || r.y0 < top - SLACK
                || r.y1 > bottom + SLACK
            {
                faults.push(format!(
                    "{ident} p. {page}: {:?} at x {:.1}–{:.1}, y {:.1}–{:.1} leaves the {} \
                     (x {LEFT:.1}–{RIGHT:.1}, y {top:.1}–{bottom:.1})",
                    r.text,
                    r.x0,
                    r.x1,
                    r.y0,
                    r.y1,
                    if r.body { "text area" } else { "footer band" },
                ));
            }
        }
        for (i, a) in runs.iter().enumerate() {
            for b in &runs[i + 1..] {
                let dx = a.x1.min(b.x1) - a.x0.max(b.x0);
                let dy = a.y1.min(b.y1) - a.y0.max(b.y0);
                if dx > SLACK && dy > SLACK {
                    faults.push(format!(
                        "{ident} p. {page}: {:?} (x {:.1}–{:.1}) and {:?} (x {:.1}–{:.1}) overlap \
                         at y {:.1}",
                        a.text,
                        a.x0,
                        a.x1,
                        b.text,
                        b.x0,
                        b.x1,
                        a.y1.min(b.y1),
                    ));
                }
            }
        }
    }
    faults
}

/// Typesets every document of a content directory (`--split`: plan, appendices, decision
/// paper) and returns the faults of their layouts.
pub(crate) fn faults_of_all_documents(content: &Path) -> (Vec<String>, usize) {
    let layouts = crate::common::layouts_of(content, true, Some(vplan::typeset::Standard::None));
    let pages = layouts.iter().map(|l| l.doc.pages().len()).sum();
    let faults = layouts
        .iter()
        .flat_map(|l| layout_faults(&l.ident, &l.doc))
        .collect();
    (faults, pages)
}

pub(crate) fn assert_no_faults(faults: &[String]) {
    assert!(
        faults.is_empty(),
        "{} layout faults, the first:\n{}",
        faults.len(),
        faults
            .iter()
            .take(25)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// `VPLAN_LAYOUT_CONTENT=DIR cargo test --test documents -- --ignored layout_of`: the layout
/// check on any content directory.
#[test]
#[ignore]
fn layout_of_the_content_in_vplan_layout_content() {
    let dir = std::env::var("VPLAN_LAYOUT_CONTENT")
        .expect("VPLAN_LAYOUT_CONTENT names a content directory");
    let (faults, pages) = faults_of_all_documents(Path::new(&dir));
    eprintln!("{pages} pages");
    assert_no_faults(&faults);
}

#[test]
fn the_default_documents_stay_inside_their_pages() {
    let s = default_content();
    let (faults, pages) = faults_of_all_documents(&s.content());
    assert!(
        pages > 24,
        "the plan, its appendices and the paper: {pages} pages"
    );
    assert_no_faults(&faults);
}

/// Hostile but plausible text in every place user text lands: a 65-letter compound in a chapter
/// heading, a goal, a row label, a column title, a caption, a chart, the org chart, the
/// internal-control plan, an appendix title and the decision paper; a 200-character title in
/// the footer; the largest amounts vplan accepts (15 digits and 10 decimals, and their sums) in a five-column table. Every word stays in the text area (or
/// the footer band), and no two runs of text cover each other.
#[test]
fn long_words_long_titles_and_huge_amounts_stay_inside_the_page() {
    let s = default_content();
    let title = format!(
        "Verksamhetsplan med budget 2024 för {LONG} och {LONG}sstaben inom \
         servicenämndens ansvarsområden, med uppföljning"
    );
    assert!(title.chars().count() >= 200, "{}", title.chars().count());
    s.edit(
        "plan.yaml",
        "title: Verksamhetsplan med budget 2024\n",
        &format!("title: {title}\n"),
    );
    s.edit(
        "plan.yaml",
        "arende: Verksamhetsplan med budget 2024 för servicenämnden",
        &format!("arende: {title}"),
    );
    s.edit(
        "chapters/01-inledning.yaml",
        "title: Inledning",
        &format!("title: Inledning om {LONG}"),
    );
    // What hyphenation cannot break: a run of digits, a URL, a made-up word.
    let digits = "7".repeat(90);
    let url = format!(
        "https://www.example.se/{LONG}/2024/plan-{}.pdf",
        "1".repeat(30)
    );
    s.edit(
        "goals.yaml",
        "text: Vi digitaliserar för att",
        &format!("text: {} {url} Vi digitaliserar för att", "X".repeat(90)),
    );
    s.edit(
        "internkontroll.yaml",
        "text: \"Regionövergripande åtgärd: Varje chef ska årligen",
        &format!("text: \"{digits} {url} Varje chef ska årligen"),
    );
    s.edit(
        "goals.yaml",
        "text: Regionservice är en möjliggörande och värdeskapande partner.",
        &format!("text: Regionservice är en {LONG}partner."),
    );
    s.edit(
        "goals.yaml",
        "columns: [Övergripande mål, Inriktningsmål]",
        &format!("columns: [{LONG}, Inriktningsmål]"),
    );
    s.edit(
        "goals.yaml",
        "label: Kunskapslyft och utbildning",
        &format!("label: {LONG}"),
    );
    s.edit(
        "goals.yaml",
        "heading: PRIORITERADE OMRÅDEN",
        &format!("heading: {}", LONG.to_uppercase()),
    );
    s.edit(
        "tables/6-4-driftbudget.yaml",
        "label: Område IT,",
        &format!("label: {LONG},"),
    );
    s.edit(
        "tables/6-4-driftbudget.yaml",
        "title: Varav budgetram, group: Budget 2024",
        &format!("title: {LONG}, group: Budget 2024"),
    );
    s.edit(
        "tables/6-4-driftbudget.yaml",
        "title: Omsättning per område, budget 2024 (mnkr)",
        &format!("title: {LONG} per område"),
    );
    s.edit(
        "tables/handlingsplan/0-summering.yaml",
        "label: Intäkter",
        &format!("label: {LONG}"),
    );
    s.edit(
        "tables/bilaga-1/ovriga.yaml",
        "title: Objektbeskrivning",
        &format!("title: {LONG}"),
    );
    s.edit(
        "chapters/07-organisation.yaml",
        "label: Regionservice stab",
        &format!("label: {LONG}"),
    );
    s.edit(
        "chapters/07-organisation.yaml",
        "label: Område IT",
        &format!("label: {LONG}"),
    );
    s.edit("internkontroll.yaml", "area: HR", &format!("area: {LONG}"));
    s.edit(
        "appendices/02-bilaga-2-handlingsplan.yaml",
        "title: Handlingsplan ekonomi i balans",
        &format!("title: {LONG} i balans"),
    );
    s.edit(
        "tjansteskrivelse.yaml",
        "  - Regionservice\n",
        &format!("  - {LONG}\n"),
    );
    s.edit(
        "tjansteskrivelse.yaml",
        "avsandare: Regionservice",
        &format!("avsandare: {LONG}"),
    );
    s.edit(
        "chapters/06-budget.yaml",
        "        - table: resultatbudget\n",
        "        - table: resultatbudget\n        - table: jattebelopp\n",
    );
    s.write(
        "tables/jattebelopp.yaml",
        format!(
            "id: jattebelopp\nunit: kr\ncaption: {LONG}\ncolumns:\n\
             \x20 - {{id: a, title: {LONG}, precision: 10}}\n\
             \x20 - {{id: b, title: Budget 2024, precision: 10}}\n\
             \x20 - {{id: c, title: Prognos 2023, precision: 10}}\n\
             \x20 - {{id: d, title: Budget 2023, precision: 10}}\n\
             \x20 - {{id: e, title: Utfall 2022, precision: 10}}\n\
             rows:\n\
             \x20 - {{id: stor, label: {LONG}, values: [999999999999999.9999999999, -123456789012345.5, 999999999999999.9999999999, -999999999999999.9999999999, 1]}}\n\
             \x20 - {{id: negativ, label: \"{digits}\", values: [-123456789012345.5, 999999999999999.9999999999, -123456789012345.5, 123456789012345.5, -999999999999999.9999999999]}}\n\
             \x20 - {{id: summa, label: Summa, kind: sum, sum: all}}\n"
        ),
    );
    let (faults, _) = faults_of_all_documents(&s.content());
    assert_no_faults(&faults);
}

/// Things taller or wider than a page: a bar chart of 75 rows, a stacked chart of ten
/// 15-digit amounts stacked into 17-digit totals, an org chart unit with 45 units under it, a risk of the internal-control plan with 4 000 characters of measures (its cells
/// are otherwise kept on one page), an eight-column table with a text column, long
/// registration fields in the decision paper's letterhead, and a 288-letter title without a
/// space in the footer of a proposal (watermarked).
#[test]
fn tall_drawings_wide_tables_and_long_fields_stay_inside_the_page() {
    let s = default_content();
    let word = "Planeringsdokument".repeat(16);
    s.edit(
        "plan.yaml",
        "title: Verksamhetsplan med budget 2024\n",
        &format!("title: {word}\n"),
    );
    s.edit("plan.yaml", "  status: beslutad", "  status: forslag");
    s.edit(
        "plan.yaml",
        "  beslutsinstans: Servicenämnden",
        &format!("  beslutsinstans: Servicenämnden i Region Örebro län genom dess {LONG}{LONG}"),
    );
    s.edit(
        "plan.yaml",
        "  sammantradesdatum: 2023-11-21",
        &format!(
            "  sammantradesdatum: 2023-11-21\n  diarienummer: RS 2023/{}",
            "0123456789".repeat(5)
        ),
    );
    let measures =
        "Riskbedömningen omfattar alla verksamhetsområden och följs upp kvartalsvis. ".repeat(50);
    s.edit(
        "internkontroll.yaml",
        "Varje chef ska årligen följa upp",
        &format!("{} Varje chef ska årligen följa upp", measures.trim()),
    );
    let mut org =
        String::from("              - label: Område fastigheter\n                children:\n");
    for i in 0..45 {
        org.push_str(&format!("                  - label: Enhet {i}\n"));
    }
    s.edit(
        "chapters/07-organisation.yaml",
        "              - label: Område fastigheter\n",
        &org,
    );
    let mut rows = String::new();
    for i in 0..75 {
        rows.push_str(&format!(
            "  - {{id: r{i}, label: Rad {i}, values: [{}]}}\n",
            i * 1000 + 7
        ));
    }
    s.write(
        "tables/lang.yaml",
        format!(
            "id: lang\nunit: tkr\ncaption: Belopp i tkr\ncolumns:\n  - {{id: a, title: Budget 2024, precision: 0}}\n\
             rows:\n{rows}  - {{id: summa, label: Summa, kind: sum, sum: all}}\n\
             chart:\n  kind: bars\n  title: Många staplar\n  alt: Ett stapeldiagram med 75 staplar.\n  columns: [a]\n"
        ),
    );
    let mut cols = String::new();
    for (i, (title, group)) in [
        ("Budget 2024", "Budget"),
        ("Varav budgetram", "Budget"),
        ("Prognos 2023", "Prognos"),
        ("Utfall 2022", "Utfall"),
        ("Utfall 2021", "Utfall"),
        ("Utfall 2020", "Utfall"),
        ("Utfall 2019", "Utfall"),
        ("Utfall 2018", "Utfall"),
    ]
    .iter()
    .enumerate()
    {
        cols.push_str(&format!(
            "  - {{id: c{i}, title: {title}, group: {group}, precision: 0}}\n"
        ));
    }
    let values = "[-123456789, 1234567, 987654321, 12345678, 1234, 99999999, 123456, 7654321]";
    s.write(
        "tables/manga.yaml",
        format!(
            "id: manga\nunit: tkr\ncaption: Belopp i tkr\ntext_columns:\n  - {{id: objekt, title: Objektbeskrivning}}\n\
             columns:\n{cols}rows:\n\
             \x20 - {{id: r1, label: Område fastigheter, text: {{objekt: Ny byggnad}}, values: {values}}}\n\
             \x20 - {{id: r2, label: Område IT, text: {{objekt: Servrar}}, values: {values}}}\n\
             \x20 - {{id: summa, label: Summa, kind: sum, sum: all}}\n"
        ),
    );
    let years: Vec<String> = (2021..2031).map(|y| format!("y{y}")).collect();
    let mut stacked = String::from("id: staplad\nunit: tkr\ncaption: Belopp i tkr\ncolumns:\n");
    for y in &years {
        stacked.push_str(&format!(
            "  - {{id: {y}, title: \"{}\", precision: 0}}\n",
            &y[1..]
        ));
    }
    let huge = vec!["999999999999999"; years.len()].join(", ");
    let small = vec!["9"; years.len()].join(", ");
    stacked.push_str(&format!(
        "rows:\n  - {{id: a, label: Intäkter, values: [{huge}]}}\n\
         \x20 - {{id: b, label: Kostnader, values: [{small}]}}\n\
         \x20 - {{id: summa, label: Summa, kind: sum, sum: all}}\n\
         chart:\n  kind: stacked\n  title: Tio år\n  alt: Staplat diagram över tio år.\n  columns: [{}]\n",
        years.join(", ")
    ));
    s.write("tables/staplad.yaml", stacked);
    s.edit(
        "chapters/06-budget.yaml",
        "        - table: resultatbudget\n",
        "        - table: resultatbudget\n        - table: manga\n        - table: lang\n        - table: staplad\n",
    );
    let (faults, _) = faults_of_all_documents(&s.content());
    assert_no_faults(&faults);
}

/// What the structure tree of a PDF says about its tables and its reading order.
#[derive(Default)]
struct Tags {
    /// Tables without the page of their content (`/Pg`).
    tables_without_page: usize,
    tables: usize,
    /// Header cells with no content (an empty corner): a screen reader would head the cells
    /// below it with silence.
    empty_headers: usize,
    /// Header cells by their `/Scope` (`Column`, `Row`, `Both`, or `none`).
    scopes: std::collections::BTreeMap<String, usize>,
    /// Marked-content ids of each page (1-based) in the order of the structure tree.
    mcids: std::collections::BTreeMap<usize, Vec<i64>>,
}

fn tags(doc: &lopdf::Document) -> Tags {
    use lopdf::Object;
    let pages: std::collections::HashMap<lopdf::ObjectId, usize> = doc
        .get_pages()
        .into_iter()
        .map(|(n, id)| (id, n as usize))
        .collect();
    fn resolve<'a>(doc: &'a lopdf::Document, o: &'a Object) -> &'a Object {
        match o {
            Object::Reference(r) => doc.get_object(*r).unwrap(),
            o => o,
        }
    }
    fn kids(d: &lopdf::Dictionary) -> Vec<Object> {
        match d.get(b"K") {
            Ok(Object::Array(a)) => a.clone(),
            Ok(o) => vec![o.clone()],
            Err(_) => vec![],
        }
    }
    fn page_of(
        d: &lopdf::Dictionary,
        pages: &std::collections::HashMap<lopdf::ObjectId, usize>,
    ) -> Option<usize> {
        d.get(b"Pg")
            .ok()
            .and_then(|p| p.as_reference().ok())
            .and_then(|p| pages.get(&p).copied())
    }
    // Walks an element's kids in order (its content and its child elements interleaved, as a
    // reader meets them); returns how many marked-content sequences it holds.
    fn walk(
        doc: &lopdf::Document,
        d: &lopdf::Dictionary,
        page: Option<usize>,
        pages: &std::collections::HashMap<lopdf::ObjectId, usize>,
        t: &mut Tags,
        depth: usize,
    ) -> usize {
        assert!(depth < 200, "structure tree too deep");
        let page = page_of(d, pages).or(page);
        let kind = d
            .get(b"S")
            .and_then(|s| s.as_name())
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .unwrap_or_default();
        let mut held = 0;
        for kid in kids(d) {
            match resolve(doc, &kid) {
                Object::Integer(mcid) => {
                    t.mcids
                        .entry(page.expect("content without a page"))
                        .or_default()
                        .push(*mcid);
                    held += 1;
                }
                Object::Dictionary(k) if k.has(b"S") => {
                    held += walk(doc, k, page, pages, t, depth + 1)
                }
                Object::Dictionary(k) => {
                    if let Ok(mcid) = k.get(b"MCID").and_then(|m| m.as_i64()) {
                        let p = page_of(k, pages).or(page).expect("content without a page");
                        t.mcids.entry(p).or_default().push(mcid);
                        held += 1;
                    }
                }
                _ => {}
            }
        }
        match kind.as_str() {
            "Table" => {
                t.tables += 1;
                if !d.has(b"Pg") {
                    t.tables_without_page += 1;
                }
            }
            "TH" => {
                if held == 0 {
                    t.empty_headers += 1;
                }
                let attrs = match d.get(b"A").map(|a| resolve(doc, a)) {
                    Ok(Object::Array(a)) => a.iter().map(|a| resolve(doc, a).clone()).collect(),
                    Ok(o) => vec![o.clone()],
                    Err(_) => vec![],
                };
                let scope = attrs
                    .iter()
                    .filter_map(|a| a.as_dict().ok())
                    .find_map(|a| a.get(b"Scope").and_then(|s| s.as_name()).ok())
                    .map(|s| String::from_utf8_lossy(s).into_owned())
                    .unwrap_or_else(|| "none".into());
                *t.scopes.entry(scope).or_insert(0) += 1;
            }
            _ => {}
        }
        held
    }
    let mut t = Tags::default();
    let root = resolve(doc, doc.catalog().unwrap().get(b"StructTreeRoot").unwrap())
        .as_dict()
        .unwrap();
    walk(doc, root, None, &pages, &mut t, 0);
    t
}

#[test]
fn every_grid_is_a_tagged_table_read_in_the_order_it_is_drawn() {
    let s = default_content();
    let out = build_ok(&s, "output", &["--status", "beslutad"]);
    let path = pdf(&out, STEM);
    assert_archivable_and_accessible(&path);
    let doc = lopdf::Document::load(&path).unwrap();
    let t = tags(&doc);
    // The goal structure (two text tables), the ■ matrix, the internal-control plan and the
    // amount tables: each a table that says which page it is on.
    assert!(t.tables >= 19, "{} tables", t.tables);
    assert_eq!(t.tables_without_page, 0, "tables without /Pg");
    // No header cell is empty (the matrix's corner, the goal structure's, a table without a
    // caption are data cells), and every one has its scope: the matrix's rows and the goal
    // structure's Effektmål are row headers.
    assert_eq!(t.empty_headers, 0, "empty header cells");
    assert_eq!(
        t.scopes.get("none"),
        None,
        "header cells without a scope: {:?}",
        t.scopes
    );
    assert!(
        t.scopes.get("Row").copied().unwrap_or(0) >= 11,
        "row headers: {:?}",
        t.scopes
    );
    // Typst numbers a page's marked content in the order it paints it: the tag tree reads
    // each page in that order. The one exception is a cell spanning rows (an area of the
    // internal-control plan over its risks), which Typst paints after the rows it spans while
    // its tag stays first in its row: at most one sequence out of place per such cell, never
    // a shuffled page (the TOC's entries, a header row painted last).
    for (page, mcids) in &t.mcids {
        let moved = mcids.len() - longest_increasing(mcids);
        assert!(
            moved <= 1,
            "page {page}: {moved} sequences out of tag order: {mcids:?}"
        );
    }
}

/// Length of the longest strictly increasing subsequence of `xs`.
fn longest_increasing(xs: &[i64]) -> usize {
    let mut tails: Vec<i64> = Vec::new();
    for &x in xs {
        match tails.binary_search(&x) {
            Ok(_) => {}
            Err(i) if i == tails.len() => tails.push(x),
            Err(i) => tails[i] = x,
        }
    }
    tails.len()
}
