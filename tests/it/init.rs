//! `vplan init`: a skeleton plan for a new nämnd builds at once, and `check` lists every
//! guidance text and every row without amounts as a warning, so a skeleton is never published
//! by mistake.

use std::fs;

use crate::common::*;

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

/// Runs `vplan init` with a nämnd and an organisation; returns the content directory.
fn init(dir: &std::path::Path, sub: &str, namnd: &str, organisation: &str) -> std::path::PathBuf {
    let content = dir.join(sub);
    // `--namnd=- lista`: a value may start with `-`.
    let run = vplan(
        dir,
        &[
            "init",
            content.to_str().unwrap(),
            &format!("--namnd={namnd}"),
            &format!("--organisation={organisation}"),
            "--year",
            "2031",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{namnd:?}: {}", stderr(&run));
    content
}

#[test]
fn hostile_names_are_written_as_data_and_load_back_exactly() {
    let long = "Nämnden för ".to_string() + &"mycket långa namn ".repeat(16) + "och annat";
    assert!(long.chars().count() >= 300);
    let names = [
        "Nämnd #1",
        "Nämnd: Bygg",
        "\"Citat\"",
        "a\nb",
        "- lista",
        "*stjärna",
        "&ankare",
        "!tagg",
        "%procent",
        "@snabel",
        "yes",
        "~",
        "12",
        "{ x/y/z }",
        "[Vägledning]",
        "back\\slash 'enkel'",
        long.as_str(),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, namnd) in names.iter().enumerate() {
        // The organisation is hostile too (another name of the list).
        let organisation = names[(i + 1) % names.len()];
        let content = init(dir.path(), &format!("plan-{i}"), namnd, organisation);
        let run = vplan(
            dir.path(),
            &["check", "--content", content.to_str().unwrap()],
        );
        assert_eq!(run.status.code(), Some(0), "{namnd:?}: {}", stderr(&run));
        let checked =
            vplan::pipeline::load(&content, &Default::default(), &vplan::progress::Silent).unwrap();
        let meta = &checked.plan.meta.value;
        assert_eq!(meta.namnd, *namnd);
        assert_eq!(meta.subtitle.as_deref(), Some(*namnd));
        assert_eq!(meta.organisation, organisation);
        let paper = &checked.plan.paper.as_ref().unwrap().value;
        assert_eq!(paper.forslag_till_beslut.len(), 1, "{namnd:?}");
        assert!(
            paper.forslag_till_beslut[0]
                .starts_with("att fastställa verksamhetsplan med budget 2031 för "),
            "{:?}",
            paper.forslag_till_beslut
        );
    }

    // In the decision paper the att-sats shows the name as typed: not cut at `#`, not read
    // as Markdown or as a figure reference.
    let content = dir.path().join("plan-0");
    let out = dir.path().join("out-0");
    build(&content, &out, &["--only", "tjansteskrivelse"]);
    let text = pdf_text(&pdfs_in(&out)[0]);
    assert!(text.contains("för nämnd #1,"), "{text}");
    let content = init(
        dir.path(),
        "markup",
        "*Stjärn* { x/y/z } _n_",
        "Region Exempel",
    );
    let out = dir.path().join("out-markup");
    build(&content, &out, &["--only", "tjansteskrivelse"]);
    let text = pdf_text(&pdfs_in(&out)[0]);
    assert!(text.contains("för *Stjärn* { x/y/z } _n_,"), "{text}");

    // `{{` would be printed with its braces in every title: refused before anything is written.
    let refused = dir.path().join("plan-braces");
    let run = vplan(
        dir.path(),
        &[
            "init",
            refused.to_str().unwrap(),
            "--namnd={{ x/y/z }}",
            "--organisation=Region Exempel",
            "--year",
            "2031",
        ],
    );
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("`{{` starts a figure reference, which a name cannot hold"),
        "{}",
        stderr(&run)
    );
    assert!(!refused.exists());
    // A year whose skeleton decision_date (the year before) check would refuse.
    for year in ["1900", "3001"] {
        let run = vplan(
            dir.path(),
            &[
                "init",
                refused.to_str().unwrap(),
                "--namnd=N",
                "--organisation=O",
                "--year",
                year,
            ],
        );
        assert_eq!(run.status.code(), Some(2), "{year}: {}", stderr(&run));
        assert!(
            stderr(&run).contains("from 1901 to 3000"),
            "{}",
            stderr(&run)
        );
        assert!(!refused.exists());
    }

    // A 300-character name gives a file name a file system takes.
    let content = dir.path().join(format!("plan-{}", names.len() - 1));
    let out = dir.path().join("out-long");
    let pdf = build(&content, &out, &[]);
    let name = pdf.file_name().unwrap().to_str().unwrap();
    assert!(name.len() < 120, "{name}");
    assert!(
        name.starts_with("2031-namnden-for-mycket-langa-namn-"),
        "{name}"
    );
}

#[test]
fn an_empty_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("c");
    let run = vplan(
        dir.path(),
        &[
            "init",
            content.to_str().unwrap(),
            "--namnd",
            " ",
            "--organisation",
            "R",
            "--year",
            "2031",
        ],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("--namnd is empty"),
        "{}",
        stderr(&run)
    );
    assert!(!content.exists());
}
