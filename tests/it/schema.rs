//! The JSON Schemas for editors: derived from the loader's types, committed under
//! `content/schemas/` exactly as `vplan schema` writes them, named by the first line of every
//! content file, and every valid content file validates against its schema (and a broken one
//! does not).

use std::fs;
use std::path::Path;

use crate::common::*;
use vplan::content::schema;

fn validator(kind: &str) -> jsonschema::Validator {
    let (_, schema) = schema::all().into_iter().find(|(k, _)| *k == kind).unwrap();
    jsonschema::validator_for(&serde_json::to_value(&schema).unwrap()).unwrap()
}

/// Every content file of a directory: (path relative to it, kind, text).
fn content_files(dir: &Path) -> Vec<(String, &'static str, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if let Some(kind) = schema::kind_of(&rel) {
            out.push((rel, kind, fs::read_to_string(entry.path()).unwrap()));
        }
    }
    out
}

fn errors(kind: &str, yaml: &str) -> Vec<String> {
    let value: serde_json::Value = serde_yaml::from_str(yaml).unwrap();
    validator(kind)
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_content_file_validates_against_its_schema() {
    let mut checked = 0;
    // The overlay fixture as vplan reads it: content/ with its files laid over.
    let typed_totals = Scratch::overlay("invalid_handlingsplan_typed_totals");
    for dir in [
        root().join("content"),
        fixture("fjallkommun_2031"),
        typed_totals.content(),
    ] {
        for (rel, kind, text) in content_files(&dir) {
            let errs = errors(kind, &text);
            assert!(errs.is_empty(), "{}/{rel}: {errs:#?}", dir.display());
            checked += 1;
        }
    }
    assert!(checked > 60, "only {checked} files checked");
}

#[test]
fn the_schema_rejects_what_the_loader_rejects() {
    let table = "id: t\nunit: tkr\ncolumns: [{id: a, title: A, precision: 0}]\nrows:\n  - {id: r, label: R, values: [12]}\n";
    assert!(errors("table", table).is_empty());
    // An unknown key, a wrong type, a missing required key.
    for broken in [
        table.replace("label: R", "lable: R"),
        table.replace("precision: 0", "precision: noll"),
        table.replace("unit: tkr\n", ""),
    ] {
        assert!(!errors("table", &broken).is_empty(), "accepted:\n{broken}");
    }
    let chapter = "id: c\ntitle: C\nblocks:\n  - text: Hej\n  - perspectives\n  - table: t\n";
    assert!(errors("chapter", chapter).is_empty());
    assert!(!errors("chapter", &chapter.replace("- text:", "- txet:")).is_empty());
}

#[test]
fn the_committed_schemas_are_the_generated_ones() {
    for (kind, schema) in schema::all() {
        let path = root().join(format!("content/schemas/{kind}.schema.json"));
        let committed = fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} is missing: run `vplan schema`", path.display()));
        let generated = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        assert_eq!(
            committed,
            generated,
            "{} is stale: run `vplan schema`",
            path.display()
        );
    }
}

#[test]
fn every_content_file_names_its_schema() {
    for (rel, _, text) in content_files(&root().join("content")) {
        let first = text.lines().next().unwrap_or("");
        assert_eq!(
            Some(first.to_string()),
            schema::modeline(&rel),
            "content/{rel} starts with its yaml-language-server line"
        );
    }
}

#[test]
fn vplan_schema_writes_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("schemas");
    let run = vplan(
        dir.path(),
        &["schema", "-q", "--out", out.to_str().unwrap()],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let mut names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "appendix.schema.json",
            "chapter.schema.json",
            "goals.schema.json",
            "internkontroll.schema.json",
            "plan.schema.json",
            "table.schema.json",
            "tjansteskrivelse.schema.json"
        ]
    );
}

#[test]
fn completions_and_man_pages() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let run = vplan(dir.path(), &["completions", shell]);
        assert_eq!(run.status.code(), Some(0));
        let script = String::from_utf8_lossy(&run.stdout);
        assert!(
            script.contains("vplan") && script.contains("watch"),
            "{shell}"
        );
    }
    let out = dir.path().join("man");
    let run = vplan(dir.path(), &["man", "-q", "--out", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let page = fs::read_to_string(out.join("vplan-build.1")).unwrap();
    assert!(page.contains(".TH") && page.contains("split"), "{page}");
}
