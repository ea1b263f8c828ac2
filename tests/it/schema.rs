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

/// The content directories the repository ships with schemas: `content/` and the complete
/// fixture plan (whose report overlay's files name them).
const WITH_SCHEMAS: &[&str] = &["content", "tests/fixtures/fjallkommun_2031"];

#[test]
fn the_committed_schemas_are_the_generated_ones() {
    for dir in WITH_SCHEMAS {
        for (kind, schema) in schema::all() {
            let path = root().join(format!("{dir}/schemas/{kind}.schema.json"));
            let committed = fs::read_to_string(&path).unwrap_or_else(|_| {
                panic!(
                    "{} is missing: run `vplan schema --out {dir}/schemas`",
                    path.display()
                )
            });
            let generated = serde_json::to_string_pretty(&schema).unwrap() + "\n";
            assert_eq!(
                committed,
                generated,
                "{} is stale: run `vplan schema --out {dir}/schemas`",
                path.display()
            );
        }
        let names = fs::read_dir(root().join(dir).join("schemas"))
            .unwrap()
            .count();
        assert_eq!(
            names,
            schema::all().len(),
            "{dir}/schemas holds other files"
        );
    }
}

/// The schema a file's first line names (`# yaml-language-server: $schema=PATH`), if it names
/// one: PATH as written.
fn named_schema(text: &str) -> Option<&str> {
    text.lines()
        .next()?
        .strip_prefix("# yaml-language-server:")?
        .trim()
        .strip_prefix("$schema=")
}

/// `rel` (relative to a content directory, with `..`) resolved against the directory of the
/// file at `file` (relative too), as the editor resolves a modeline.
fn resolve(file: &str, rel: &str) -> Option<std::path::PathBuf> {
    let mut parts: Vec<&str> = file.split('/').collect();
    parts.pop();
    for part in rel.split('/') {
        match part {
            ".." => {
                parts.pop()?;
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    Some(parts.iter().collect())
}

/// Every content file the repository ships (in `content/` and every fixture, an overlay as it
/// is laid over its base) that names a schema names one that is there; and so does what
/// `report init` writes (`vplan init`'s files are checked in `init.rs`). A report skeleton for
/// a content directory without schemas names none.
#[test]
fn every_modeline_names_a_schema_that_is_there() {
    let mut named = 0;
    let mut dirs = vec![("content".to_string(), vec![root().join("content")])];
    for entry in fs::read_dir(root().join("tests/fixtures")).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_dir() {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // A complete plan stands alone; an overlay is laid over its base
        // (tests/fixtures/README.md): the reports over the fixture plan, the rest over content/.
        let layers = if path.join("plan.yaml").is_file() {
            vec![path]
        } else if name == "fjallkommun_2031_reports" {
            vec![fixture("fjallkommun_2031"), path]
        } else {
            vec![root().join("content"), path]
        };
        dirs.push((format!("tests/fixtures/{name}"), layers));
    }
    assert!(dirs.len() >= 4, "{dirs:?}");
    for (name, layers) in &dirs {
        let top = layers.last().unwrap();
        for (rel, _, text) in content_files(top) {
            let Some(schema) = named_schema(&text) else {
                continue;
            };
            let target = resolve(&rel, schema)
                .unwrap_or_else(|| panic!("{name}/{rel}: {schema} leaves the content directory"));
            assert!(
                layers.iter().any(|l| l.join(&target).is_file()),
                "{name}/{rel} names {schema}, which is not there"
            );
            assert_eq!(
                Some(text.lines().next().unwrap().to_string()),
                schema::modeline(&rel),
                "{name}/{rel}: not the line vplan writes"
            );
            named += 1;
        }
    }
    assert!(named > 30, "only {named} files name a schema");

    // `report init` (by the library, as `--stdout` prints it): in a directory with the schemas
    // it names the report's schema; without them, none.
    let s = Scratch::of("fjallkommun_2031");
    let report = |content: &Path| {
        let checked =
            vplan::pipeline::load(content, &Default::default(), &vplan::progress::Silent).unwrap();
        vplan::skeleton::report::follow_up(
            &checked,
            content,
            "r",
            vplan::content::PeriodKind::Delar,
        )
        .unwrap()
    };
    let with = report(&s.content());
    let schema = named_schema(&with).expect("report init names the schema");
    let target = resolve("uppfoljning/r.yaml", schema).unwrap();
    assert!(s.content().join(target).is_file(), "{schema}");
    fs::remove_dir_all(s.content().join("schemas")).unwrap();
    let without = report(&s.content());
    assert_eq!(named_schema(&without), None, "{without}");
    assert_eq!(with.split_once('\n').unwrap().1, without);
}

/// `yaml-language-server` fails to complete keys of an object with a `"default": null` in it
/// (`toYamlStringScalar`): no schema states one (`.ci/yaml-ls-test.mjs` asks the server itself).
#[test]
fn no_schema_has_a_null_default() {
    fn walk(v: &serde_json::Value, at: &str, found: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                if map.get("default") == Some(&serde_json::Value::Null) {
                    found.push(at.to_string());
                }
                for (k, v) in map {
                    walk(v, &format!("{at}/{k}"), found);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, &format!("{at}/{i}"), found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    for (kind, schema) in schema::all() {
        walk(&serde_json::to_value(&schema).unwrap(), kind, &mut found);
    }
    assert!(found.is_empty(), "{found:#?}");
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
            "tjansteskrivelse.schema.json",
            "uppfoljning.schema.json"
        ]
    );
}

#[test]
fn completions_and_man_pages() {
    let dir = tempfile::tempdir().unwrap();
    // Each script registers vplan, which the shell runs at each TAB (`tests/it/toolbelt.rs`
    // completes through them).
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = vplan(dir.path(), &["completions", shell]);
        assert_eq!(run.status.code(), Some(0));
        let script = String::from_utf8_lossy(&run.stdout);
        assert!(
            script.contains("vplan") && script.contains("VPLAN_COMPLETE"),
            "{shell}: {script}"
        );
    }
    let out = dir.path().join("man");
    let run = vplan(dir.path(), &["man", "-q", "--out", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let page = fs::read_to_string(out.join("vplan-build.1")).unwrap();
    assert!(page.contains(".TH") && page.contains("split"), "{page}");
}

/// A YAML text as an editor's language server reads it into JSON: `yaml-language-server`
/// parses YAML 1.2 with the core schema, so a plain `0x1DB` is the number 475, `1_000` and
/// `2 380` are strings, `~` is null and a key is always a string. JSON has no infinity or NaN;
/// the editor holds `.inf` and `.nan` as numbers that fail the schema's bounds (the editor test
/// in `.ci/` shows it), so they become the largest double here, which fails them too.
fn editor_json(yaml: &str) -> serde_json::Value {
    use saphyr_parser::{Event, Parser, ScalarStyle};
    use serde_json::Value;
    enum Open {
        Seq(Vec<Value>),
        Map(serde_json::Map<String, Value>, Option<String>),
    }
    let mut stack: Vec<(Open, usize)> = Vec::new();
    let mut anchors: std::collections::HashMap<usize, Value> = Default::default();
    let mut root = Value::Null;
    // Puts a finished value into the collection it belongs to (or makes it the document).
    fn place(stack: &mut [(Open, usize)], root: &mut Value, v: Value) {
        match stack.last_mut() {
            None => *root = v,
            Some((Open::Seq(items), _)) => items.push(v),
            Some((Open::Map(map, key), _)) => match key.take() {
                None => {
                    let k = match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    *key = Some(k);
                }
                Some(k) => {
                    map.insert(k, v);
                }
            },
        }
    }
    for event in Parser::new_from_str(yaml) {
        let (event, _) = event.unwrap_or_else(|e| panic!("{yaml}: {e}"));
        match event {
            Event::Scalar(text, style, anchor, _) => {
                let v = if style == ScalarStyle::Plain {
                    core_schema(&text)
                } else {
                    Value::String(text.to_string())
                };
                if anchor > 0 {
                    anchors.insert(anchor, v.clone());
                }
                place(&mut stack, &mut root, v);
            }
            Event::SequenceStart(anchor, _) => stack.push((Open::Seq(Vec::new()), anchor)),
            Event::MappingStart(anchor, _) => {
                stack.push((Open::Map(serde_json::Map::new(), None), anchor))
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (open, anchor) = stack.pop().unwrap();
                let v = match open {
                    Open::Seq(items) => Value::Array(items),
                    Open::Map(map, _) => Value::Object(map),
                };
                if anchor > 0 {
                    anchors.insert(anchor, v.clone());
                }
                place(&mut stack, &mut root, v);
            }
            Event::Alias(id) => {
                let v = anchors[&id].clone();
                place(&mut stack, &mut root, v);
            }
            _ => {}
        }
    }
    root
}

/// A plain scalar resolved by the YAML 1.2 core schema.
fn core_schema(s: &str) -> serde_json::Value {
    use serde_json::{json, Value};
    let digits = |t: &str, radix: u32| !t.is_empty() && t.chars().all(|c| c.is_digit(radix));
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return json!(true),
        "false" | "False" | "FALSE" => return json!(false),
        ".nan" | ".NaN" | ".NAN" => return json!(f64::MAX),
        _ => {}
    }
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return json!(if s.starts_with('-') {
            f64::MIN
        } else {
            f64::MAX
        });
    }
    if let Some(hex) = s.strip_prefix("0x").filter(|h| digits(h, 16)) {
        return json!(u64::from_str_radix(hex, 16).unwrap());
    }
    if let Some(oct) = s.strip_prefix("0o").filter(|o| digits(o, 8)) {
        return json!(u64::from_str_radix(oct, 8).unwrap());
    }
    if digits(unsigned, 10) {
        return match s.trim_start_matches('+').parse::<i64>() {
            Ok(n) => json!(n),
            Err(_) => json!(s.parse::<f64>().unwrap()),
        };
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((i, f)) => {
            (digits(i, 10) && (f.is_empty() || digits(f, 10))) || (i.is_empty() && digits(f, 10))
        }
        None => digits(mantissa, 10),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    if mantissa_ok && exponent_ok {
        return json!(s.trim_start_matches('+').parse::<f64>().unwrap());
    }
    Value::String(s.to_string())
}

#[test]
fn editor_json_reads_yaml_as_yaml_1_2() {
    use serde_json::json;
    let v = editor_json(
        "a: [0x1DB, 0o17, 1e3, 1_000, 2 380, ~, '12', 012, +3, .5, true, yes, .inf, 0b1]\n2024: x\n",
    );
    assert_eq!(
        v,
        json!({"a": [475, 15, 1000.0, "1_000", "2 380", null, "12", 12, 3, 0.5, true, "yes", f64::MAX, "0b1"], "2024": "x"})
    );
}

/// The smallest plan `check` accepts with every kind of file the corpus varies: a chapter that
/// places the table `t`, the goals and the internal control, an appendix, the decision paper.
const BASE: &[(&str, &str)] = &[
    (
        "plan.yaml",
        "organisation: Region Prov\nnamnd: Provnämnden\nyear: 2031\ntitle: Verksamhetsplan 2031\ndecision_date: 2030-11-21\n",
    ),
    (
        "chapters/01.yaml",
        "id: inledning\ntitle: Inledning\nblocks:\n  - text: Hej.\n  - table: t\n  - perspectives\n  - internal_control\n",
    ),
    (
        "appendices/01.yaml",
        "id: bilaga\nlabel: Bilaga 1\ntitle: Bilaga\nblocks:\n  - text: Hej.\n",
    ),
    (
        "internkontroll.yaml",
        "columns: [Verksamhet, Risk, Åtgärd]\nareas:\n  - id: a\n    area: A\n    risks:\n      - id: r1\n        risk: R\n        measures:\n          - {id: m, text: M}\n",
    ),
    (
        "tjansteskrivelse.yaml",
        "sammanfattning: Hej.\nforslag_till_beslut:\n  - Att fastställa planen.\n",
    ),
    (
        "tables/t.yaml",
        "id: t\nunit: tkr\ncolumns:\n  - {id: a, title: A, precision: 1}\n  - {id: b, title: B, precision: 1}\nrows:\n  - {id: r, label: R, values: [1, 2]}\n",
    ),
    (
        "goals.yaml",
        "perspectives:\n  - id: p\n    title: P\n    goals:\n      - {id: g, text: Mål}\n",
    ),
    (
        "uppfoljning/r.yaml",
        "id: r\nkind: delar\nlabel: Januari–augusti 2031\nperiod_end: 2031-08-31\ndecision_date: 2031-09-24\ngoals:\n  - id: g\n    assessment: uppfylld\n    text: Bra.\ntables:\n  - id: t\n    rows:\n      - {id: r, utfall: 1, prognos: 2}\ninternal_control:\n  - {id: r1, result: brister}\n",
    ),
];

/// One document of the corpus: which file of `BASE` it replaces, and its text.
struct Doc {
    file: &'static str,
    text: String,
}

/// The base file `file` with `from` replaced by `to` (which must occur).
fn edit(file: &'static str, from: &str, to: &str) -> Doc {
    let base = BASE.iter().find(|(f, _)| *f == file).unwrap().1;
    assert!(base.contains(from), "{file} has no {from:?}");
    Doc {
        file,
        text: base.replacen(from, to, 1),
    }
}

/// The corpus: (document, whether it is valid). Wrong types, unknown keys, missing keys,
/// spellings of ids and amounts, for every kind of content file. Rules that
/// need more than one document to judge (widths, sums, references, duplicate ids, dates) are
/// `check`'s alone and not varied here.
fn corpus() -> Vec<(Doc, bool)> {
    let t = "tables/t.yaml";
    let p = "plan.yaml";
    let c = "chapters/01.yaml";
    let g = "goals.yaml";
    let mut docs = Vec::new();
    let mut valid = |d: Doc| docs.push((d, true));
    for (file, _) in BASE {
        valid(edit(file, "", ""));
    }
    // Amounts, as the first of the row's two values.
    let amount = |a: &str| edit(t, "values: [1, 2]", &format!("values: [{a}, 2]"));
    for a in [
        "2380",
        "2380.5",
        "-12",
        "+12",
        "012",
        "0",
        "-0.5",
        "\"12.5\"",
        "'-3'",
        "~",
        "null",
        "1e3",
        "0x1DB",
        "0o17",
        ".5",
        "12.",
        "999999999999999",
    ] {
        valid(amount(a));
    }
    valid(edit(t, "values: [1, 2]", "values: [12,4]"));
    valid(edit(t, "values: [1, 2]", "values: [~, ~]"));
    valid(edit(t, "values: [1, 2]", "values: ~"));
    valid(edit(
        t,
        "  - {id: r, label: R, values: [1, 2]}",
        "  - id: r\n    label: R\n    values:\n      - 0x1DB\n      - 2.5",
    ));
    valid(edit(t, "values: [1, 2]", "values: [1, 2], control: [1, ~]"));
    valid(edit(t, "unit: tkr", "unit: \"5\""));
    valid(edit(t, "label: R", "label: \"2024\""));
    valid(edit(t, "unit: tkr", "unit: tkr\ncaption: Belopp i tkr"));
    valid(edit(t, "precision: 1}", "precision: 1, group: Budget}"));
    valid(edit(t, "rows:", "notes: [Not]\nrows:"));
    valid(edit(
        p,
        "year: 2031",
        "year: 2031\nsubtitle: ~\nkeywords: []",
    ));
    valid(edit(
        p,
        "year: 2031",
        "year: 2031\nbudget_frame: {amount: 1, cell: t/r/a}",
    ));
    valid(edit(
        p,
        "year: 2031",
        "year: 2031\nbudget_frame: {amount: \"1.0\", cell: t/r/a}",
    ));
    valid(edit(
        p,
        "year: 2031",
        "year: 2031\ndecision: {status: utkast}",
    ));
    valid(edit(
        c,
        "  - text: Hej.",
        "  - text: \"12\"\n  - section: {id: s, title: S, numbered: false, blocks: [text: Hej]}",
    ));
    valid(edit(
        g,
        "      - {id: g, text: Mål}",
        "      - {id: g, text: Mål, kind: effektmal, number: 3}",
    ));
    valid(edit(
        g,
        "    goals:",
        "    strategies:\n      - {id: s, title: S}\n    goals:",
    ));
    let a = "appendices/01.yaml";
    let i = "internkontroll.yaml";
    let d = "tjansteskrivelse.yaml";
    valid(edit(
        a,
        "title: Bilaga",
        "title: Bilaga\nnumbered: true\ntitle_block: [A, B]\nshort_title: Inv",
    ));
    valid(edit(i, "risk: R", "risk: \"12\""));
    valid(edit(
        d,
        "sammanfattning: Hej.",
        "sammanfattning: Hej.\ndatum: 2030-10-01\nunderskrifter: [{titel: Direktör}]",
    ));

    let mut invalid = |d: Doc| docs.push((d, false));
    for a in [
        "\"12,4\"",
        "1_000",
        "2 380",
        ".inf",
        "-.inf",
        ".nan",
        "true",
        "0b101",
        "\"0x1DB\"",
        "\"1e3\"",
        "'.5'",
        "12 tkr",
        "1e20",
        "\"9999999999999999\"",
        "-0x10",
        "[1]",
        "{a: 1}",
        "\"\"",
        "\" 12\"",
    ] {
        invalid(amount(a));
    }
    invalid(edit(t, "values: [1, 2]", "values: 5"));
    invalid(edit(t, "values: [1, 2]", "values: {a: 1, b: 2}"));
    invalid(edit(
        t,
        "values: [1, 2]",
        "values: [1, 2], control: [1, .nan]",
    ));
    invalid(edit(t, "unit: tkr", "unit: 5"));
    invalid(edit(t, "unit: tkr", "unit: true"));
    invalid(edit(t, "unit: tkr", "unit: ~"));
    invalid(edit(t, "unit: tkr", "unit: [tkr]"));
    invalid(edit(t, "unit: tkr\n", ""));
    invalid(edit(t, "unit: tkr", "unit: tkr\ncaption: 12"));
    invalid(edit(t, "unit: tkr", "unit: tkr\ncaptoin: Belopp"));
    invalid(edit(t, "label: R", "label: 2024"));
    invalid(edit(t, "label: R", "lable: R"));
    invalid(edit(t, "label: R, ", ""));
    invalid(edit(t, "id: t\n", "id: Drift/2024\n"));
    invalid(edit(t, "{id: r,", "{id: Rad 1,"));
    invalid(edit(t, "{id: b,", "{id: B,"));
    invalid(edit(t, "label: R", "label: R, kind: total"));
    invalid(edit(
        t,
        "title: A, precision: 1",
        "title: A, precision: noll",
    ));
    invalid(edit(t, "title: A, precision: 1", "title: A, precision: -1"));
    invalid(edit(
        t,
        "title: A, precision: 1",
        "title: A, precision: 1.5",
    ));
    invalid(edit(t, "title: A, precision: 1", "title: A, precision: 11"));
    invalid(edit(
        t,
        "title: A, precision: 1",
        "title: A, precision: \"1\"",
    ));
    invalid(edit(
        t,
        "columns:\n  - {id: a, title: A, precision: 1}\n  - {id: b, title: B, precision: 1}",
        "columns: {id: a, title: A, precision: 1}",
    ));
    invalid(edit(
        t,
        "rows:\n  - {id: r, label: R, values: [1, 2]}",
        "rows: {id: r, label: R}",
    ));
    invalid(edit(p, "year: 2031", "year: \"2031\""));
    invalid(edit(p, "year: 2031", "year: 2031.5"));
    invalid(edit(p, "title: Verksamhetsplan 2031", "title: 2031"));
    invalid(edit(p, "namnd: Provnämnden", "namnd: ~"));
    invalid(edit(p, "decision_date: 2030-11-21\n", ""));
    invalid(edit(p, "year: 2031", "year: 2031\ntitel: Plan"));
    invalid(edit(p, "year: 2031", "year: 2031\nkeywords: plan"));
    invalid(edit(p, "year: 2031", "year: 2031\nlogo: logo.png"));
    invalid(edit(
        p,
        "year: 2031",
        "year: 2031\ndecision: {status: klar}",
    ));
    invalid(edit(
        p,
        "year: 2031",
        "year: 2031\nbudget_frame: {amount: \"1,0\", cell: t/r/a}",
    ));
    invalid(edit(
        p,
        "year: 2031",
        "year: 2031\nbudget_frame: {amount: ~, cell: t/r/a}",
    ));
    invalid(edit(
        p,
        "year: 2031",
        "year: 2031\nbudget_frame: {amount: .inf, cell: t/r/a}",
    ));
    invalid(edit(c, "title: Inledning", "title: 5"));
    invalid(edit(c, "title: Inledning\n", ""));
    invalid(edit(c, "id: inledning", "id: Inledning"));
    invalid(edit(c, "  - text: Hej.", "  - text: 5"));
    invalid(edit(c, "  - text: Hej.", "  - txet: Hej."));
    invalid(edit(c, "  - text: Hej.", "  - {text: Hej., table: t}"));
    invalid(edit(c, "  - perspectives", "  - perspectives: ja"));
    invalid(edit(
        c,
        "  - text: Hej.",
        "  - section: {id: s, title: S, blok: []}",
    ));
    invalid(edit(
        c,
        "  - text: Hej.",
        "  - section: {id: s, title: S, numbered: ja}",
    ));
    invalid(edit(
        c,
        "blocks:\n  - text: Hej.\n  - table: t\n  - perspectives\n  - internal_control\n",
        "blocks: {text: Hej.}\n",
    ));
    invalid(edit(
        g,
        "      - {id: g, text: Mål}",
        "      - {id: g, text: Mål, kind: effekt}",
    ));
    invalid(edit(
        g,
        "      - {id: g, text: Mål}",
        "      - {id: g, text: Mål, number: -1}",
    ));
    invalid(edit(
        g,
        "      - {id: g, text: Mål}",
        "      - {id: g, text: Mål, number: tre}",
    ));
    invalid(edit(
        g,
        "      - {id: g, text: Mål}",
        "      - {id: g, text: 5}",
    ));
    invalid(edit(g, "      - {id: g, text: Mål}", "      - {id: g}"));
    invalid(edit(
        g,
        "      - {id: g, text: Mål}",
        "      - {id: g, txt: Mål}",
    ));
    invalid(edit(
        g,
        "      - {id: g, text: Mål}",
        "      - {id: Mål 1, text: Mål}",
    ));
    invalid(edit(a, "label: Bilaga 1", "label: 1"));
    invalid(edit(a, "label: Bilaga 1\n", ""));
    invalid(edit(a, "title: Bilaga", "title: Bilaga\nnumbered: ja"));
    invalid(edit(a, "title: Bilaga", "title: Bilaga\ntitle_block: A"));
    invalid(edit(a, "title: Bilaga", "titel: Bilaga"));
    invalid(edit(a, "id: bilaga", "id: Bilaga 1"));
    invalid(edit(i, "[Verksamhet, Risk, Åtgärd]", "[Verksamhet, Risk]"));
    invalid(edit(
        i,
        "[Verksamhet, Risk, Åtgärd]",
        "[Verksamhet, Risk, 5]",
    ));
    invalid(edit(i, "{id: m, text: M}", "{id: m, text: 5}"));
    invalid(edit(i, "{id: m, text: M}", "{id: m, txt: M}"));
    invalid(edit(i, "  - id: a\n", "  - id: A 1\n"));
    invalid(edit(i, "    area: A\n", ""));
    invalid(edit(d, "sammanfattning: Hej.", "sammanfattning: 5"));
    invalid(edit(
        d,
        "forslag_till_beslut:\n  - Att fastställa planen.",
        "forslag_till_beslut: Att fastställa planen.",
    ));
    invalid(edit(
        d,
        "forslag_till_beslut:\n  - Att fastställa planen.",
        "forslag_till_beslut: []",
    ));
    invalid(edit(
        d,
        "sammanfattning: Hej.",
        "sammanfattning: Hej.\nunderskrifter: [{namn: Ann}]",
    ));
    invalid(edit(
        d,
        "sammanfattning: Hej.",
        "sammanfattning: Hej.\nskickas_till: [5]",
    ));
    invalid(edit(
        d,
        "sammanfattning: Hej.",
        "sammanfattning: Hej.\nrubrk: Plan",
    ));
    invalid(edit(
        g,
        "perspectives:\n  - id: p\n    title: P\n    goals:\n      - {id: g, text: Mål}\n",
        "perspectives: {id: p, title: P}\n",
    ));
    // A follow-up report: amounts as in a table, its words, its keys.
    let u = "uppfoljning/r.yaml";
    let outcome = |a: &str| edit(u, "utfall: 1,", &format!("utfall: {a},"));
    for a in ["2380", "-12", "\"12.5\"", "~", "1e3", "0x1DB", "12."] {
        docs.push((outcome(a), true));
    }
    let mut invalid = |d: Doc| docs.push((d, false));
    for a in [
        "\"12,4\"",
        "\"0x1D\"",
        "\"2 380\"",
        ".inf",
        "true",
        "\"12 tkr\"",
    ] {
        invalid(outcome(a));
    }
    invalid(edit(u, "assessment: uppfylld", "assessment: ej bedomd"));
    invalid(edit(u, "assessment: uppfylld", "assessment: yes"));
    invalid(edit(u, "assessment: uppfylld", "assessment: Uppfylld"));
    invalid(edit(u, "kind: delar", "kind: kvartal"));
    invalid(edit(u, "result: brister", "result: ok"));
    invalid(edit(u, "id: r\n", ""));
    invalid(edit(u, "label: Januari–augusti 2031\n", ""));
    invalid(edit(u, "    text: Bra.", "    txt: Bra."));
    invalid(edit(u, "    text: Bra.", "    text: 5"));
    invalid(edit(u, "    text: Bra.", "    indicators: {id: i}"));
    invalid(edit(
        u,
        "decision_date: 2031-09-24\n",
        "decision_date: 2031-09-24\nstatus: beslutad\n",
    ));
    invalid(edit(u, "    rows:", "    avvikelse: minus\n    rows:"));
    let mut valid = |d: Doc| docs.push((d, true));
    valid(edit(u, "assessment: uppfylld", "assessment: ej-bedomd"));
    valid(edit(u, "assessment: uppfylld", "assessment: ~"));
    // A choice of words left open (`~`, as `report init` writes them) is valid, though the
    // schema keeps the editor from offering `null` among the words.
    valid(edit(u, "result: brister", "result: ~"));
    valid(edit(
        u,
        "    rows:",
        "    belopp: ~\n    avvikelse: ~\n    rows:",
    ));
    let mut invalid = |d: Doc| docs.push((d, false));
    invalid(edit(u, "result: brister", "result: 0"));
    invalid(edit(u, "result: brister", "result: [brister]"));
    invalid(edit(u, "result: brister", "result: {brister: ja}"));
    invalid(edit(u, "    rows:", "    belopp: false\n    rows:"));
    let mut valid = |d: Doc| docs.push((d, true));
    valid(edit(
        u,
        "decision_date: 2031-09-24\n",
        "decision_date: 2031-09-24\ndecision: {status: utkast}\n",
    ));
    valid(edit(
        u,
        "    rows:",
        "    avvikelse: utfall-budget\n    rows:",
    ));
    docs
}

/// The verdict of `vplan check` (the library's load, check and compute) on the base plan with
/// `doc` in place of its file: `Ok` or the errors.
fn check_verdict(doc: &Doc) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    for (file, text) in BASE {
        let path = dir.path().join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, if *file == doc.file { &doc.text } else { *text }).unwrap();
    }
    // As `check` judges: the plan and every report.
    let everything = vplan::pipeline::LoadOptions {
        every_report: true,
        ..Default::default()
    };
    match vplan::pipeline::load(dir.path(), &everything, &vplan::progress::Silent) {
        Ok(_) => Ok(()),
        Err(vplan::Error::Content(diags)) => Err(diags
            .iter()
            .filter(|d| d.severity == vplan::diag::Severity::Error)
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join("; ")),
        Err(e) => panic!("{}: {e}", doc.file),
    }
}

#[test]
fn the_schema_and_check_judge_every_document_alike() {
    let mut disagreements = Vec::new();
    let corpus = corpus();
    for (doc, expected) in &corpus {
        let kind = schema::kind_of(doc.file).unwrap();
        let json = editor_json(&doc.text);
        let schema_errors: Vec<String> = validator(kind)
            .iter_errors(&json)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        let check = check_verdict(doc);
        let by_schema = schema_errors.is_empty();
        if by_schema != check.is_ok() || by_schema != *expected {
            disagreements.push(format!(
                "{}:\n{}\n  expected {}; schema: {}; check: {}",
                doc.file,
                doc.text,
                if *expected { "valid" } else { "invalid" },
                if by_schema {
                    "valid".into()
                } else {
                    schema_errors.join("; ")
                },
                match &check {
                    Ok(()) => "valid".to_string(),
                    Err(e) => e.clone(),
                }
            ));
        }
    }
    let valid = corpus.iter().filter(|(_, v)| *v).count();
    eprintln!("{} documents, {valid} of them valid", corpus.len());
    assert!(
        valid > 30 && corpus.len() - valid > 60,
        "{valid} valid of {}",
        corpus.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} of {} documents judged otherwise than expected:\n\n{}",
        disagreements.len(),
        corpus.len(),
        disagreements.join("\n\n")
    );
}

/// The loader's walk of a file against its schema (`content::validate`, which finds every
/// mistake of a file at once) judges every document of the corpus as the `jsonschema` crate
/// does: it finds a mistake exactly when the schema has one. (The exception by design: the
/// spelling and size of an id or an amount, which the loader reads past and `check` judges,
/// in words that say what an id or an amount is.)
#[test]
fn the_loaders_walk_and_the_schema_judge_every_document_alike() {
    let mut disagreements = Vec::new();
    let corpus = corpus();
    let mut walked = 0;
    for (doc, _) in &corpus {
        let kind = schema::kind_of(doc.file).unwrap();
        let json = editor_json(&doc.text);
        let validator = validator(kind);
        let errors: Vec<_> = validator.iter_errors(&json).collect();
        let schema_errors: Vec<String> = errors
            .iter()
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        // The spelling and size of an id or an amount: rules the loader reads past and `check`
        // judges after it, in its own words (the walk runs only where the loader stopped).
        let checks_own = !errors.is_empty()
            && errors.iter().all(|e| {
                [
                    "pattern",
                    "maximum",
                    "minimum",
                    "exclusiveMaximum",
                    "exclusiveMinimum",
                ]
                .contains(&e.kind().keyword())
            });
        let Some(findings) = vplan::content::validate::findings_of_kind(kind, &doc.text) else {
            continue;
        };
        walked += 1;
        if findings.is_empty() != schema_errors.is_empty() && !(findings.is_empty() && checks_own) {
            disagreements.push(format!(
                "{}:\n{}\n  walk: {:?}\n  schema: {schema_errors:?}",
                doc.file,
                doc.text,
                findings.iter().map(|f| &f.message).collect::<Vec<_>>()
            ));
        }
    }
    assert!(walked > 90, "only {walked} documents walked");
    assert!(
        disagreements.is_empty(),
        "{} documents judged otherwise:\n\n{}",
        disagreements.len(),
        disagreements.join("\n\n")
    );
}

/// `check` refuses the corpus's mistakes for the reason the schema does, in words that say
/// what to write.
#[test]
fn check_says_why() {
    let t = "tables/t.yaml";
    for (doc, says) in [
        (
            edit(t, "unit: tkr", "unit: 5"),
            "expected text, found the number 5; if it is meant as text, put it in quotes: \"5\"",
        ),
        (
            edit(t, "unit: tkr", "unit: ~"),
            "expected text, found nothing",
        ),
        (
            edit(t, "values: [1, 2]", "values: [.inf, 2]"),
            "`.inf` is not an amount",
        ),
        (
            edit(t, "values: [1, 2]", "values: [\"12,4\", 2]"),
            "`12,4` is not an amount",
        ),
        (
            edit(t, "values: [1, 2]", "values: [\"0x1DB\", 2]"),
            "`\"0x1DB\"` is not an amount: in quotes, an amount is written as a decimal number",
        ),
        (
            edit(t, "{id: b,", "{id: B,"),
            "the column id `B` is not a slug",
        ),
    ] {
        let err = check_verdict(&doc).unwrap_err();
        assert!(err.contains(says), "{}: {err}", doc.text);
    }
}
