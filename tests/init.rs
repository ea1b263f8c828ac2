//! `vplan init`: a skeleton plan for a new nämnd builds at once, and `check` lists every
//! guidance text and every row without amounts as a warning, so a skeleton is never published
//! by mistake.

mod common;

use std::fs;

use common::*;

#[test]
fn a_skeleton_builds_and_check_lists_what_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("kultur/content");
    let run = vplan(
        dir.path(),
        &[
            "init",
            content.to_str().unwrap(),
            "--namnd",
            "Kulturnämnden",
            "--organisation",
            "Region Exempel",
            "--year",
            "2031",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));

    // It builds at once, the split documents too.
    let out = dir.path().join("out");
    let pdf = build(&content, &out, &[]);
    let text = pdf_text(&pdf);
    assert!(text.contains("Verksamhetsplan med budget 2031"));
    assert!(text.contains("Kulturnämnden"));
    assert!(
        text.contains("[Vägledning]"),
        "the guidance shows in the PDF"
    );
    assert!(text.contains("UTKAST"), "a skeleton is a draft");
    let split = dir.path().join("split");
    build(&content, &split, &["--split"]);
    assert_eq!(pdfs_in(&split).len(), 3, "plan, bilaga 1, tjänsteskrivelse");

    // check: exit 0, but every leftover is a warning at its place.
    let run = vplan(
        dir.path(),
        &["check", "--content", content.to_str().unwrap()],
    );
    assert_eq!(run.status.code(), Some(0));
    let err = stderr(&run);
    let guidance = err.matches("warning: guidance text still in place").count();
    let empty = err.matches("no amounts yet").count();
    assert!(guidance >= 20, "{guidance} guidance warnings:\n{err}");
    assert_eq!(empty, 10, "{err}");
    assert!(err.contains("chapters/01-inledning.yaml:"), "{err}");
    assert!(
        err.contains("table `resultatbudget`, row `personalkostnader`: no amounts yet"),
        "{err}"
    );
    let run = vplan(
        dir.path(),
        &[
            "check",
            "--deny-warnings",
            "--content",
            content.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(1));

    // Every file names its schema and validates against it.
    for entry in walkdir::WalkDir::new(&content) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(&content)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some(kind) = vplan::content::schema::kind_of(&rel) else {
            continue;
        };
        let text = fs::read_to_string(entry.path()).unwrap();
        assert_eq!(
            text.lines().next().map(str::to_string),
            vplan::content::schema::modeline(&rel)
        );
        let (_, schema) = vplan::content::schema::all()
            .into_iter()
            .find(|(k, _)| *k == kind)
            .unwrap();
        let validator = jsonschema::validator_for(&serde_json::to_value(&schema).unwrap()).unwrap();
        let value: serde_json::Value = serde_yaml::from_str(&text).unwrap();
        assert!(validator.is_valid(&value), "{rel}");
    }
    assert!(content.join("schemas/table.schema.json").is_file());

    // A directory that is not empty is refused, and left alone.
    let run = vplan(
        dir.path(),
        &[
            "init",
            content.to_str().unwrap(),
            "--namnd",
            "X",
            "--organisation",
            "Y",
            "--year",
            "2031",
        ],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("is not empty"));
    assert!(content.join("plan.yaml").is_file());
}
