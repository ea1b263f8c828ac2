//! The board secretary's documents from the default content: the plan, each appendix on its
//! own and the decision paper, as a proposal (watermarked) and decided (PDF/A-2b + PDF/UA-1);
//! page counts that add up; figures quoted in text that are the computed ones.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

const STEM: &str = "2024-servicenamnden-verksamhetsplan";
const BILAGA_1: &str = "2024-servicenamnden-verksamhetsplan-bilaga-1-investeringar";
const BILAGA_2: &str = "2024-servicenamnden-verksamhetsplan-bilaga-2-handlingsplan";
const PAPER: &str = "2024-servicenamnden-verksamhetsplan-tjansteskrivelse";

/// A scratch copy of the default content.
fn default_content() -> Scratch {
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
        "| mnkr }} miljoner kronor för 2025",
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
