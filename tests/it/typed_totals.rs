//! The original plan's faults as a fixture: the Handlingsplan summary with the figures the
//! original printed, typed as controls. `vplan check` must report each mismatch with the sum
//! of the seven area tables, and nothing else. The fixture is an overlay: only that summary,
//! laid over a copy of `content/` (`Scratch::overlay`).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::common::*;

const FIXTURE: &str = "invalid_handlingsplan_typed_totals";
const SUMMARY: &str = "tables/handlingsplan/0-summering.yaml";

fn check_json() -> (i32, Vec<serde_json::Value>) {
    let s = Scratch::overlay(FIXTURE);
    let out = s.run("check", &["-q", "--format", "json", "--content", "content"]);
    let diags: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).expect("check --format json prints a JSON array");
    (out.status.code().unwrap(), diags)
}

#[test]
fn each_typed_total_of_the_original_that_is_wrong_is_reported_and_nothing_else() {
    let (code, diags) = check_json();
    assert_eq!(code, 1, "a failed control is a content error");
    // Besides the errors, nothing: the default plan's paragraph of the minutes is given.
    let (errors, warnings): (Vec<_>, Vec<_>) = diags.iter().partition(|d| d["severity"] == "error");
    assert!(warnings.is_empty(), "{warnings:?}");
    let got: Vec<(u64, u64, String)> = errors
        .iter()
        .map(|d| {
            assert_eq!(d["file"], format!("content/{SUMMARY}"));
            (
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().replace('\u{a0}', " "),
            )
        })
        .collect();
    let m = |s: &str| format!("control figure does not match: handlingsplan-summering › {s}");
    let want = vec![
        (
            25,
            87,
            m("Personalkostnadsreduceringar › 2024: typed 27 039 tkr, computed 27 579 tkr, difference −540 tkr"),
        ),
        (
            25,
            108,
            m("Personalkostnadsreduceringar › Antal årsarbetare 2024: typed 49,0 årsarbetare, computed 47,5 årsarbetare, difference +1,5 årsarbetare"),
        ),
        (
            26,
            85,
            m("Övriga kostnadsreduceringar › 2024: typed 53 801 tkr, computed 55 856 tkr, difference −2 055 tkr"),
        ),
        (
            27,
            72,
            m("Totalsumma › 2024: typed 84 754 tkr, computed 87 349 tkr, difference −2 595 tkr"),
        ),
        (
            27,
            94,
            m("Totalsumma › Antal årsarbetare 2024: typed 49,0 årsarbetare, computed 47,5 årsarbetare, difference +1,5 årsarbetare"),
        ),
    ];
    assert_eq!(got, want);
    // The hint says what the typed figure was checked against.
    assert!(diags[0]["hint"]
        .as_str()
        .unwrap()
        .contains("in the 7 tables of `sum_of`"));
}

#[test]
fn the_human_report_shows_each_place_with_its_source_line() {
    let s = Scratch::overlay(FIXTURE);
    let out = s.run("check", &["-q", "--content", "content"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out).replace('\u{a0}', " ");
    for place in [":25:87", ":25:108", ":26:85", ":27:72", ":27:94"] {
        assert!(
            err.contains(&format!("content/{SUMMARY}{place}")),
            "{place} in:\n{err}"
        );
    }
    assert!(
        err.contains("^^^^^ typed 27 039 tkr, computed 27 579 tkr"),
        "{err}"
    );
    assert!(err.ends_with("5 errors, 0 warnings\n"), "{err}");
}

#[test]
fn build_refuses_the_fixture_and_writes_no_pdf() {
    let s = Scratch::overlay(FIXTURE);
    let out_dir = tempfile::tempdir().unwrap();
    let out = s.run(
        "build",
        &[
            "-q",
            "--content",
            "content",
            "--output",
            out_dir.path().to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(pdfs_in(out_dir.path()).is_empty());
}

/// Every file of a directory tree, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, into: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, into);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                into.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut map = BTreeMap::new();
    walk(dir, dir, &mut map);
    map
}

/// The fixture is an overlay of the summary alone, and that summary is `content/`'s with
/// controls (and comments) added and nothing else, so it cannot drift from `content/`
/// unnoticed.
#[test]
fn the_fixture_is_the_default_plan_plus_controls() {
    let mut overlay = files(&fixture(FIXTURE));
    let summary = overlay
        .remove(SUMMARY)
        .expect("the overlay has the summary");
    let summary = String::from_utf8(summary).unwrap();
    assert!(
        overlay.is_empty(),
        "the overlay holds only the summary: {:?}",
        overlay.keys().collect::<Vec<_>>()
    );
    let original = fs::read_to_string(root().join("content").join(SUMMARY)).unwrap();
    // Without its comments and controls, the summary is content/'s summary.
    let stripped: String = summary
        .lines()
        .filter(|l| {
            !l.starts_with("# ")
                || l.starts_with("# Handlingsplan")
                || l.starts_with("# yaml-language-server")
        })
        .map(|l| match l.find(", control: [") {
            Some(i) => format!("{}}}\n", &l[..i]),
            None => format!("{l}\n"),
        })
        .collect();
    assert_eq!(stripped, original);
    assert_eq!(summary.matches("control: [").count(), 4);
}
