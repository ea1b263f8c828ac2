//! The original plan's faults as a fixture: the Handlingsplan summary with the figures the
//! original printed, typed as controls. `vplan check` must report each mismatch with the sum
//! of the seven area tables, and nothing else.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::common::*;

const FIXTURE: &str = "tests/fixtures/invalid_handlingsplan_typed_totals";
const SUMMARY: &str = "tables/handlingsplan/0-summering.yaml";

fn check_json() -> (i32, Vec<serde_json::Value>) {
    let out = vplan(
        &root(),
        &["check", "-q", "--format", "json", "--content", FIXTURE],
    );
    let diags: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).expect("check --format json prints a JSON array");
    (out.status.code().unwrap(), diags)
}

#[test]
fn each_typed_total_of_the_original_that_is_wrong_is_reported_and_nothing_else() {
    let (code, diags) = check_json();
    assert_eq!(code, 1, "a failed control is a content error");
    // Besides the errors, only the default plan's one placeholder (the paragraph of the
    // minutes, not in the reference text) is reported, as a warning.
    let (errors, warnings): (Vec<_>, Vec<_>) = diags.iter().partition(|d| d["severity"] == "error");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]["message"]
            .as_str()
            .unwrap()
            .contains("decision.paragraf is still the placeholder"),
        "{warnings:?}"
    );
    let got: Vec<(u64, u64, String)> = errors
        .iter()
        .map(|d| {
            assert_eq!(d["file"], format!("{FIXTURE}/{SUMMARY}"));
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
    let out = vplan(&root(), &["check", "-q", "--content", FIXTURE]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out).replace('\u{a0}', " ");
    for place in [":25:87", ":25:108", ":26:85", ":27:72", ":27:94"] {
        assert!(
            err.contains(&format!("{SUMMARY}{place}")),
            "{place} in:\n{err}"
        );
    }
    assert!(
        err.contains("^^^^^ typed 27 039 tkr, computed 27 579 tkr"),
        "{err}"
    );
    assert!(err.ends_with("5 errors, 1 warning\n"), "{err}");
}

#[test]
fn build_refuses_the_fixture_and_writes_no_pdf() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = vplan(
        &root(),
        &[
            "build",
            "-q",
            "--content",
            FIXTURE,
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

/// The fixture is the default plan with controls added to the summary and nothing else, so it
/// cannot drift from `content/` unnoticed.
#[test]
fn the_fixture_is_the_default_plan_plus_controls() {
    let content = files(&root().join("content"));
    let mut fixture = files(&root().join(FIXTURE));
    let summary = String::from_utf8(fixture.remove(SUMMARY).unwrap()).unwrap();
    // The editor schemas are generated, not content; the fixture does not need them.
    let mut content_without = content.clone();
    content_without.retain(|name, _| !name.starts_with("schemas/"));
    let original = String::from_utf8(content_without.remove(SUMMARY).unwrap()).unwrap();
    assert_eq!(
        fixture.keys().collect::<Vec<_>>(),
        content_without.keys().collect::<Vec<_>>(),
        "the fixture has the same files as content/"
    );
    for (name, bytes) in &fixture {
        assert!(
            bytes == &content_without[name],
            "{name} differs from content/{name}: copy it again"
        );
    }
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
