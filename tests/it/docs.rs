//! `docs/content-format.md` against the program: its three complete examples are built exactly
//! as printed, and its tables of keys name every key of the JSON Schemas (which are derived from
//! the loader's types) with the right required/optional, and no key that does not exist.

use std::collections::BTreeMap;
use std::fs;

use serde_json::Value;

use crate::common::{pdf_text, pdfs_in, root, stderr, vplan_timed};

fn doc() -> String {
    fs::read_to_string(root().join("docs/content-format.md")).unwrap()
}

/// The examples of the page: each `### Example …` heading with the files of the YAML code
/// blocks under it, each named by its first line (`# content/plan.yaml`).
fn examples(doc: &str) -> Vec<(String, Vec<(String, String)>)> {
    use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
    let mut examples: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut heading: Option<(HeadingLevel, String)> = None;
    let mut in_example = false;
    let mut block: Option<String> = None;
    for event in Parser::new(doc) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, String::new())),
            Event::Text(t) if heading.is_some() => heading.as_mut().unwrap().1.push_str(&t),
            Event::End(TagEnd::Heading(_)) => {
                let (level, text) = heading.take().unwrap();
                in_example = level == HeadingLevel::H3 && text.starts_with("Example");
                if in_example {
                    examples.push((text, Vec::new()));
                }
                // A heading of level 2 or 3 that is not an example ends the examples.
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if in_example && info.as_ref() == "yaml" =>
            {
                block = Some(String::new());
            }
            Event::Text(t) if block.is_some() => block.as_mut().unwrap().push_str(&t),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(text) = block.take() {
                    let first = text.lines().next().unwrap_or_default();
                    let path = first.strip_prefix("# content/").unwrap_or_else(|| {
                        panic!("an example file starts with `# content/<path>`, not {first:?}")
                    });
                    examples
                        .last_mut()
                        .unwrap()
                        .1
                        .push((path.to_string(), text));
                }
            }
            _ => {}
        }
    }
    examples
}

#[test]
fn the_three_examples_build_as_printed() {
    let doc = doc();
    let examples = examples(&doc);
    let titles: Vec<&str> = examples.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(examples.len(), 3, "{titles:?}");
    // What each must print: computed figures, never typed ones.
    let expected: [&[&str]; 3] = [
        &["Inledning", "1.1 Nämndens uppdrag"],
        &[
            "Resultat 12,5",
            "Summa investeringar 6,5",
            "budgeteras till 12,5 mnkr",
            "Bilaga 1",
        ],
        &[
            "Ökade intäkter 300 650",
            "Minskade kostnader 3 700 4 000",
            "Totalt 4 000 4 650",
            "med 4 000 tkr år 2031",
        ],
    ];
    for ((title, files), expected) in examples.iter().zip(expected) {
        let dir = tempfile::tempdir().unwrap();
        assert!(files.iter().any(|(p, _)| p == "plan.yaml"), "{title}");
        for (path, text) in files {
            let path = dir.path().join("content").join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        let templates = root().join("templates");
        let templates = templates.to_str().unwrap();
        let check = vplan_timed(
            dir.path(),
            &["check", "--deny-warnings", "--templates", templates],
        );
        assert!(
            check.status.success() && stderr(&check).contains("0 warnings"),
            "{title}: check failed:\n{}",
            stderr(&check)
        );
        let build = vplan_timed(dir.path(), &["build", "--templates", templates]);
        assert!(
            build.status.success(),
            "{title}: build failed:\n{}",
            stderr(&build)
        );
        let pdfs = pdfs_in(&dir.path().join("output"));
        assert_eq!(pdfs.len(), 1, "{title}");
        let text = pdf_text(&pdfs[0]);
        for want in expected {
            assert!(text.contains(want), "{title}: {want:?} is not in\n{text}");
        }
    }
}

/// The keys of a schema as paths (`decision.paragraf`, `rows[].values`), each with whether
/// its object requires it. Definitions named in `stop` (documented in a table of their own)
/// and recursion are not followed.
fn keys(schema: &Value, defs: &Value, stop: &[&str]) -> BTreeMap<String, bool> {
    fn walk(
        s: &Value,
        defs: &Value,
        prefix: &str,
        stop: &[&str],
        stack: &mut Vec<String>,
        out: &mut BTreeMap<String, bool>,
    ) {
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let name = r.trim_start_matches("#/definitions/");
            if stop.contains(&name) || stack.iter().any(|x| x == name) {
                return;
            }
            stack.push(name.to_string());
            walk(&defs[name], defs, prefix, stop, stack, out);
            stack.pop();
        }
        for alt in ["allOf", "anyOf", "oneOf"] {
            for sub in s.get(alt).and_then(Value::as_array).into_iter().flatten() {
                walk(sub, defs, prefix, stop, stack, out);
            }
        }
        if let Some(name) = s.get("const").and_then(Value::as_str) {
            if prefix.is_empty() {
                out.insert(name.to_string(), false);
            }
        }
        let required: Vec<&str> = s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            for (k, sub) in props {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(path.clone(), required.contains(&k.as_str()));
                walk(sub, defs, &path, stop, stack, out);
            }
        }
        if let Some(items) = s.get("items") {
            walk(items, defs, &format!("{prefix}[]"), stop, stack, out);
        }
    }
    let mut out = BTreeMap::new();
    walk(schema, defs, "", stop, &mut Vec::new(), &mut out);
    out
}

/// The table of keys after `<!-- keys: NAME -->`: key → its "required" cell.
fn documented(doc: &str, name: &str) -> BTreeMap<String, String> {
    let marker = format!("<!-- keys: {name} -->");
    let at = doc
        .find(&marker)
        .unwrap_or_else(|| panic!("docs/content-format.md has no {marker}"));
    doc[at + marker.len()..]
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            let key = cells[0]
                .trim_start_matches("| ")
                .trim_matches('`')
                .to_string();
            (key, cells[1].trim().to_string())
        })
        .collect()
}

#[test]
fn every_key_of_every_schema_is_documented_with_whether_it_is_required() {
    let doc = doc();
    let schemas: BTreeMap<&str, Value> = vplan::content::schema::all()
        .into_iter()
        .map(|(kind, s)| (kind, serde_json::to_value(&s).unwrap()))
        .collect();
    let chapter = &schemas["chapter"];
    let defs = &chapter["definitions"];
    let mut tables: Vec<(&str, BTreeMap<String, bool>)> = Vec::new();
    for (kind, schema) in &schemas {
        let empty = Value::Null;
        let own = schema.get("definitions").unwrap_or(&empty);
        // A report's `decision` and `tjansteskrivelse` are those of plan.yaml and
        // tjansteskrivelse.yaml, documented there.
        let stop: &[&str] = if *kind == "uppfoljning" {
            &["Block", "Goal", "Decision", "DecisionPaper"]
        } else {
            &["Block", "Goal"]
        };
        tables.push((kind, keys(schema, own, stop)));
    }
    let block = keys(
        &serde_json::json!({"$ref": "#/definitions/Block"}),
        defs,
        &["Goal"],
    );
    tables.push(("block", block));
    tables.push(("goal", keys(&defs["Goal"], defs, &["Block"])));
    for (name, keys) in tables {
        let documented = documented(&doc, name);
        let missing: Vec<&String> = keys
            .keys()
            .filter(|k| !documented.contains_key(*k))
            .collect();
        let extra: Vec<&String> = documented
            .keys()
            .filter(|k| !keys.contains_key(*k))
            .collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "docs/content-format.md, table `{name}`: not documented {missing:?}; documented but not a key {extra:?}"
        );
        for (key, required) in &keys {
            let cell = &documented[key];
            let kind = name == "block" && !key.contains('.');
            let says = if kind {
                "kind"
            } else if *required {
                "yes"
            } else {
                cell.as_str()
            };
            assert!(
                if kind || *required {
                    cell == says
                } else {
                    cell != "yes" && cell != "kind"
                },
                "docs/content-format.md, table `{name}`: `{key}` is {} but the page says {cell:?}",
                if kind {
                    "a block kind"
                } else if *required {
                    "required"
                } else {
                    "optional"
                }
            );
        }
    }
}
