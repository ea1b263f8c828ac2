//! Decision status and archivable, accessible PDFs: the status on the cover and in the
//! footer, the UTKAST / FÖRSLAG watermark on every page of a version that is not decided, the
//! rule that a decided plan names its decision, and PDF/A-2b + PDF/UA-1 for a decided plan.

use std::path::PathBuf;

use crate::common::*;

const FIXTURE: &str = "fjallkommun_2031";

const DECISION: &str = "decision:
  arende: Verksamhetsplan med budget 2031 för fritids- och kulturnämnden
  diarienummer: FKN 2030/412
  beslutsinstans: Fritids- och kulturnämnden
  sammantradesdatum: 2030-12-03
  paragraf: § 97
  status: beslutad
  beslutsdatum: 2030-12-03
";

/// The fixture with a decision block, built with extra arguments; returns the PDF.
fn build_with(s: &Scratch, args: &[&str]) -> PathBuf {
    let mut all = vec!["-q"];
    all.extend_from_slice(args);
    let out = s.run("build", &all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    s.dir
        .path()
        .join("output/2031-fritids-och-kulturnamnden-verksamhetsplan.pdf")
}

fn decided() -> Scratch {
    let s = Scratch::of(FIXTURE);
    s.edit("plan.yaml", "keywords:", &format!("{DECISION}keywords:"));
    s
}

#[test]
fn a_proposal_has_a_watermark_on_every_page_and_says_so() {
    let s = decided();
    let pdf = build_with(&s, &["--status", "forslag"]);
    let pages = page_count(&pdf);
    let text = pdf_text(&pdf);
    // Rotated text comes out of text extraction with stray spaces between letters.
    let solid: String = text.split_whitespace().collect();
    assert!(
        solid.matches("FÖRSLAG").count() >= pages,
        "a FÖRSLAG watermark on each of the {pages} pages:\n{text}"
    );
    assert!(
        text.contains("Verksamhetsplan med budget 2031 · Förslag"),
        "{text}"
    );
    assert!(
        text.contains(
            "Förslag till Fritids- och kulturnämnden, sammanträde 2030-12-03 · Dnr FKN 2030/412"
        ),
        "{text}"
    );
    let draft = build_with(&s, &["--status", "utkast"]);
    let solid: String = pdf_text(&draft).split_whitespace().collect();
    assert!(solid.matches("UTKAST").count() >= page_count(&draft));
}

#[test]
fn a_decided_plan_is_pdf_a_and_pdf_ua_without_watermark() {
    let s = decided();
    let pdf = build_with(&s, &[]);
    let text = pdf_text(&pdf);
    assert!(
        !text.contains("FÖRSLAG") && !text.contains("UTKAST"),
        "{text}"
    );
    assert!(
        text.contains("Beslutad av Fritids- och kulturnämnden 2030-12-03, § 97 · Dnr FKN 2030/412"),
        "{text}"
    );
    assert_archivable_and_accessible(&pdf);
}

#[test]
fn the_standard_can_be_chosen() {
    let s = decided();
    let pdf = build_with(&s, &["--standard", "none"]);
    let doc = lopdf::Document::load(&pdf).unwrap();
    assert!(
        !xmp(&doc).contains("pdfaid"),
        "no PDF/A claim with --standard none"
    );
    let pdf = build_with(&s, &["--standard", "ua-1"]);
    let meta = xmp(&lopdf::Document::load(&pdf).unwrap());
    assert!(
        meta.contains("pdfuaid:part") && !meta.contains("pdfaid:part"),
        "{meta}"
    );
    // A plan without a decision block is plain tagged PDF by default.
    let plain = Scratch::of(FIXTURE);
    let pdf = build_with(&plain, &[]);
    assert!(!xmp(&lopdf::Document::load(&pdf).unwrap()).contains("pdfaid"));
}

#[test]
fn a_decided_plan_must_name_its_decision() {
    let s = decided();
    s.edit("plan.yaml", "  paragraf: § 97\n", "");
    s.edit("plan.yaml", "  beslutsdatum: 2030-12-03\n", "");
    let out = s.run("check", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "a plan with status `beslutad` needs `beslutsdatum` and `paragraf` in `decision`"
        ),
        "{err}"
    );
    assert!(err.contains("content/plan.yaml:13:"), "{err}");
    // The same rule for --status beslutad on a plan that has no decision block.
    let plain = Scratch::of(FIXTURE);
    let out = plain.run("build", &["--status", "beslutad"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("needs `beslutsdatum` and `paragraf`"));
    // A date that is not a date.
    let s = decided();
    s.edit(
        "plan.yaml",
        "beslutsdatum: 2030-12-03",
        "beslutsdatum: 3 december 2030",
    );
    let out = s.run("check", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("decision.beslutsdatum: `3 december 2030` is not a date"));
}

/// A placeholder the decided document prints (the paragraph on the cover, in the footer and
/// in the decision paper; the nämnd on the cover) is an error for a decided plan and report,
/// and a warning while the plan or report is a draft or a proposal.
#[test]
fn a_placeholder_a_decided_document_prints_is_an_error() {
    let s = decided();
    s.edit("plan.yaml", "paragraf: § 97", "paragraf: \"[§ nr]\"");
    let out = s.run("build", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("decision.paragraf is still the placeholder `[§ nr]`, and a plan with status `beslutad` prints it"),
        "{err}"
    );
    // The proposal builds, with a warning.
    let out = s.run("build", &["--status", "forslag"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning"), "{}", stderr(&out));
    assert!(stderr(&out).contains("decision.paragraf is still the placeholder `[§ nr]`"));
    // The nämnd printed on a decided cover.
    let s = decided();
    s.edit(
        "plan.yaml",
        "namnd: Fritids- och kulturnämnden",
        "namnd: \"[Nämnd]\"",
    );
    let out = s.run("check", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains(
        "namnd is still the placeholder `[Nämnd]`, and a plan with status `beslutad` prints it"
    ));
    // A decided report: its own status decides.
    let r = Scratch::of(FIXTURE);
    copy_dir(&fixture("fjallkommun_2031_reports"), &r.content());
    r.edit(
        "uppfoljning/2031-delar.yaml",
        "paragraf: § 51",
        "paragraf: \"[§ nr]\"",
    );
    let out = r.run("check", &["--report", "2031-delar"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("a report with status `beslutad` prints it"),
        "{}",
        stderr(&out)
    );
    let out = r.run("build", &["--report", "2031-delar", "--status", "forslag"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Every PDF vplan writes tells the viewer to show its title, not its file name: a draft and
/// a proposal (which Typst's exporter leaves without) as much as a decided, PDF/UA one.
#[test]
fn every_pdf_shows_its_title() {
    let s = decided();
    for status in ["utkast", "forslag", "beslutad"] {
        let pdf = build_with(&s, &["--status", status]);
        let doc = lopdf::Document::load(&pdf).unwrap();
        let catalog = doc.catalog().unwrap();
        let prefs = match catalog.get(b"ViewerPreferences").unwrap() {
            lopdf::Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
            o => o.as_dict().unwrap(),
        };
        assert_eq!(
            prefs.get(b"DisplayDocTitle").unwrap(),
            &lopdf::Object::Boolean(true),
            "{status}"
        );
        let info = doc.trailer.get(b"Info").is_ok() || xmp(&doc).contains("dc:title");
        assert!(info, "{status}: a title to show");
    }
}
