//! Diagnostics for machines: every code documented in `docs/diagnostics.md`; `--format json`
//! with codes and start and end positions in characters and bytes; `--format sarif` valid
//! against the official SARIF 2.1.0 schema; `--format github` workflow commands; `--format
//! gitlab` code quality; and a whole document on stdout when the command fails with exit 2.

use std::collections::BTreeSet;
use std::fs;

use serde_json::Value;
use vplan::diag::Code;

use crate::common::*;

const FIXTURE: &str = "fjallkommun_2031";
const ROW: &str = "  - {id: simhall, label: Simhäll 😀, values: [8750, 8900.5]}";

/// A plan with several errors and warnings: too many decimals on a line with `ä` and an emoji
/// (and the emoji, which no font has), an id used twice, a table placed nowhere, a file not
/// read.
fn faulty() -> Scratch {
    let s = Scratch::of(FIXTURE);
    s.edit(
        "tables/driftbudget.yaml",
        "  - {id: simhall, label: Simhall, values: [8750, 8900]}",
        ROW,
    );
    s.edit(
        "chapters/02-mal.yaml",
        "id: uppdrag-oppettider",
        "id: mal-fler-besok",
    );
    s.write(
        "tables/unused.yaml",
        "id: unused\nunit: tkr\ncolumns: [{id: a, title: A, precision: 0}]\nrows: []\n",
    );
    s.write("anteckningar, utkast.txt", "not a plan file\n");
    s
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(out)
        )
    })
}

#[test]
fn every_code_is_documented_once_and_the_page_lists_no_other() {
    let doc = fs::read_to_string(root().join("docs/diagnostics.md")).unwrap();
    let mut listed = Vec::new();
    for line in doc.lines().filter(|l| l.starts_with("| <a id=")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        let id = cells[0].rsplit('`').nth(1).unwrap().to_string();
        let name = cells[1].trim_matches('`').to_string();
        listed.push((id, name));
    }
    let ids: BTreeSet<&str> = listed.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids.len(), listed.len(), "an id listed twice: {listed:?}");
    let want: Vec<(String, String)> = Code::ALL
        .iter()
        .map(|c| (c.id().to_string(), c.name().to_string()))
        .collect();
    for code in &want {
        assert!(
            listed.contains(code),
            "{code:?} is not in docs/diagnostics.md"
        );
    }
    for code in &listed {
        assert!(
            want.contains(code),
            "docs/diagnostics.md lists {code:?}, which vplan does not have"
        );
    }
    // Each row as the program has it: anchor, id, name, usual severity, summary.
    for c in Code::ALL {
        let row = format!(
            "| <a id=\"{}\"></a>`{}` | `{}` | {} | {} |",
            c.id().to_lowercase(),
            c.id(),
            c.name(),
            c.usual().as_str(),
            c.summary()
        );
        assert!(
            doc.lines().any(|l| l == row),
            "docs/diagnostics.md lacks the row\n{row}"
        );
    }
    // The retired ids are listed as retired, and no longer in the table.
    let retired = doc
        .lines()
        .find_map(|l| {
            l.strip_prefix("Retired ids (kinds that went away; never given to another): ")
        })
        .expect("the page lists the retired ids");
    for id in vplan::diag::code::RETIRED {
        assert!(
            retired.contains(&format!("`{id}`")),
            "{id} is not listed as retired"
        );
        assert!(!ids.contains(id), "{id} is retired but listed as a code");
    }
    if vplan::diag::code::RETIRED.is_empty() {
        assert_eq!(retired, "none yet.");
    }
}

#[test]
fn json_gives_codes_and_start_and_end_in_characters_and_bytes() {
    let s = faulty();
    let out = s.run("check", &["-q", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json = json_of(&out);
    let list = json.as_array().unwrap();
    let codes: BTreeSet<&str> = list.iter().map(|d| d["name"].as_str().unwrap()).collect();
    for name in ["precision", "duplicate-id", "unfinished", "file-not-read"] {
        assert!(codes.contains(name), "no {name}: {json:#}");
    }
    for d in list {
        let code = Code::ALL
            .iter()
            .find(|c| c.id() == d["code"])
            .unwrap_or_else(|| panic!("unknown code in {d}"));
        assert_eq!(d["name"], code.name());
        assert!(d.get("hint").is_some(), "{d}");
    }
    let d = list.iter().find(|d| d["name"] == "precision").unwrap();
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "content/tables/driftbudget.yaml");
    let at = ROW.find("8900.5").unwrap();
    let chars = ROW[..at].chars().count();
    assert_ne!(chars, at, "the line has characters of more than one byte");
    let start = serde_json::json!({"line": 9, "column": chars + 1, "byte_column": at + 1});
    let end = serde_json::json!({"line": 9, "column": chars + 7, "byte_column": at + 7});
    assert_eq!(d["start"], start, "{d:#}");
    assert_eq!(d["end"], end, "{d:#}");
    assert_eq!(d["line"], 9);
    assert_eq!(d["column"], chars + 1);
}

#[test]
fn sarif_is_valid_against_the_official_schema_and_has_every_rule() {
    let s = faulty();
    let out = s.run("check", &["-q", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let log = json_of(&out);
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(fixture("sarif-schema-2.1.0.json")).unwrap())
            .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    // The validator does refuse what is not SARIF.
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {}}]});
    assert!(!validator.is_valid(&bad));
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{log:#}");

    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["tool"]["driver"]["name"], "vplan");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), Code::ALL.len());
    let results = run["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["level"] == "error"));
    assert!(results.iter().any(|r| r["level"] == "warning"));
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
    let precision = results
        .iter()
        .find(|r| r["ruleId"] == Code::Precision.id())
        .unwrap();
    let location = &precision["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "content/tables/driftbudget.yaml"
    );
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    let chars = ROW[..ROW.find("8900.5").unwrap()].chars().count();
    assert_eq!(
        location["region"],
        serde_json::json!({"startLine": 9, "startColumn": chars + 1, "endLine": 9, "endColumn": chars + 7})
    );
    // A file name with a space and a comma is percent-encoded.
    assert!(
        results.iter().any(
            |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "content/anteckningar%2C%20utkast.txt"
        ),
        "{log:#}"
    );
}

#[test]
fn github_prints_one_workflow_command_a_diagnostic() {
    let s = faulty();
    let out = s.run("check", &["-q", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 4, "{text}");
    for line in &lines {
        assert!(
            line.starts_with("::error ") || line.starts_with("::warning "),
            "{line}"
        );
        assert!(line.contains(",title=VP0"), "{line}");
    }
    let chars = ROW[..ROW.find("8900.5").unwrap()].chars().count();
    let precision = lines
        .iter()
        .find(|l| l.contains("title=VP015 precision::"))
        .unwrap();
    assert!(
        precision.starts_with(&format!(
            "::error file=content/tables/driftbudget.yaml,line=9,col={},endLine=9,endColumn={},title=VP015 precision::",
            chars + 1,
            chars + 7
        )),
        "{precision}"
    );
    // The comma of the file name is escaped in the property.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("::warning file=content/anteckningar%2C utkast.txt,")),
        "{text}"
    );
}

#[test]
fn gitlab_prints_a_code_quality_report() {
    let s = faulty();
    let out = s.run("check", &["-q", "--format", "gitlab"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json = json_of(&out);
    let list = json.as_array().unwrap();
    let fingerprints: BTreeSet<&str> = list
        .iter()
        .map(|d| d["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), list.len(), "fingerprints are unique");
    for d in list {
        assert!(["major", "minor"].contains(&d["severity"].as_str().unwrap()));
        assert!(d["location"]["path"]
            .as_str()
            .unwrap()
            .starts_with("content/"));
        assert!(d["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(d["check_name"].as_str().unwrap().starts_with("VP"));
        assert!(!d["description"].as_str().unwrap().is_empty());
    }
    // The same run gives the same fingerprints.
    let again = json_of(&s.run("check", &["-q", "--format", "gitlab"]));
    assert_eq!(json, again);
}

#[test]
fn a_clean_run_still_prints_a_document() {
    let s = Scratch::of(FIXTURE);
    for (format, want) in [
        ("json", Some("[]")),
        ("gitlab", Some("[]")),
        ("github", None),
        ("sarif", None),
    ] {
        let out = s.run("check", &["-q", "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        match (format, want) {
            (_, Some(want)) => assert_eq!(text.trim(), want, "{format}"),
            ("github", _) => assert_eq!(text, "", "{format}"),
            _ => {
                let log: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
            }
        }
    }
}

#[test]
fn exit_2_still_prints_a_document_for_machines() {
    let dir = tempfile::tempdir().unwrap();
    let missing = ["check", "--content", "nowhere"];
    for format in ["json", "gitlab"] {
        let mut args = missing.to_vec();
        args.extend(["--format", format]);
        let out = vplan(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2));
        let json = json_of(&out);
        let list = json.as_array().unwrap();
        assert_eq!(list.len(), 1, "{json:#}");
        assert!(stderr(&out).contains("nowhere"), "{}", stderr(&out));
    }
    let out = vplan(
        dir.path(),
        &["check", "--content", "nowhere", "--format", "json"],
    );
    let d = &json_of(&out)[0];
    assert_eq!(d["code"], Code::Usage.id());
    assert_eq!(d["name"], "usage");
    assert_eq!(d["severity"], "error");
    assert!(d["message"].as_str().unwrap().contains("nowhere"), "{d}");

    let out = vplan(
        dir.path(),
        &["check", "--content", "nowhere", "--format", "sarif"],
    );
    assert_eq!(out.status.code(), Some(2));
    let log = json_of(&out);
    assert_eq!(log["runs"][0]["results"][0]["ruleId"], Code::Usage.id());

    let out = vplan(
        dir.path(),
        &["check", "--content", "nowhere", "--format", "github"],
    );
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("::error title=VP037 usage::"), "{text}");

    // An argument clap refuses: a document too, then clap's message.
    let out = vplan(dir.path(), &["check", "--format=json", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    let d = &json_of(&out)[0];
    assert_eq!(d["code"], Code::Usage.id());
    assert!(
        d["message"].as_str().unwrap().contains("--no-such-flag"),
        "{d}"
    );
    // Help is not an error.
    let out = vplan(dir.path(), &["check", "--format", "json", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stdout).starts_with('['));
}

#[test]
fn the_loaders_problems_get_the_schema_codes() {
    let s = Scratch::of(FIXTURE);
    let table = "tables/driftbudget.yaml";
    let original = fs::read_to_string(s.content().join(table)).unwrap();
    for (from, to, want) in [
        ("unit: tkr", "unitt: tkr", "unknown-key"),
        ("unit: tkr", "unit: [tkr]", "wrong-type"),
        ("unit: tkr\n", "", "missing-key"),
        (
            "kind: sum, sum: all",
            "kind: summ, sum: all",
            "invalid-value",
        ),
        ("rows:", "rows: [", "yaml-syntax"),
        ("caption:", "unit: x\ncaption:", "duplicate-key"),
    ] {
        s.write(table, &original);
        s.edit(table, from, to);
        let out = s.run("check", &["-q", "--format", "json"]);
        let json = json_of(&out);
        let names: Vec<&str> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, [want], "{from:?} → {to:?}: {json:#}");
    }
}
