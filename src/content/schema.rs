//! JSON Schemas of the content files, derived (with `schemars`) from the very types the loader
//! deserializes into, so the schema an editor checks against and the loader cannot drift apart.

use schemars::{generate::SchemaSettings, transform::RecursiveTransform, JsonSchema, Schema};

use super::model::{
    Appendix, Chapter, DecisionPaper, FollowUp, Goals, InternalControl, PlanMeta, Table,
};

/// Draft-07, which every YAML language server reads, shaped for its completions
/// ([`for_editors`]).
fn schema_for<T: JsonSchema>() -> Schema {
    let mut schema = SchemaSettings::draft07()
        .with_transform(RecursiveTransform(no_null_default))
        .into_generator()
        .into_root_schema_for::<T>();
    for_editors(&mut schema);
    schema
}

/// A schema that takes `null` (`~`, or a key without a value) and nothing else, written so
/// that an editor does not offer `null` as a value: `yaml-language-server` proposes `null`
/// wherever a `"type": "null"` (or a `null` in an `enum` or `const`) is reachable through
/// `anyOf`/`oneOf`, but does not look inside `not`.
fn null_only() -> serde_json::Value {
    serde_json::json!({ "not": { "type": ["array", "boolean", "number", "object", "string"] } })
}

/// What `yaml-language-server` (1.25, what VS Code's YAML extension runs) needs to offer
/// everything a file may hold; the values each schema accepts stay exactly the same:
///
/// - A choice of words is an `enum`, each word described ([`words_as_enum`]).
/// - The bare words of a union (`- perspectives`, `- internal_control`) come before its maps.
///   Completing a new `- ` in a list, the server weighs the alternatives in order, and a
///   bare word (which an empty item matches) pushes every map before it out of the proposals:
///   it offered `perspectives`, `internal_control` and `org_chart` (the one map after them),
///   but not `text`, `section` or `table`.
/// - An optional choice of words (`assessment: ~ | uppfylld | …`) takes `null` by
///   [`null_only`], so that the words are offered without `null` while `~` stays valid.
/// - The one key of a map of a union (`text` in `- text: …`) is described as its
///   alternative is, for the hover, and the alternative titled by it ([`describe_only_key`]).
fn for_editors(schema: &mut Schema) {
    let defs = schema.get("definitions").cloned().unwrap_or_default();
    if let Some(root) = schema.as_object_mut() {
        for value in root.values_mut() {
            shape(value, &defs);
        }
    }
}

fn shape(value: &mut serde_json::Value, defs: &serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            words_as_enum(map);
            for key in ["anyOf", "oneOf"] {
                let Some(Value::Array(alts)) = map.get_mut(key) else {
                    continue;
                };
                // Bare words first (a stable sort keeps each group's order).
                alts.sort_by_key(|alt| alt.get("const").is_none() && alt.get("enum").is_none());
                // `Option<T>` of a choice of words: `anyOf: [T, {"type": "null"}]`.
                if alts.len() == 2
                    && alts[1] == serde_json::json!({ "type": "null" })
                    && is_words(&alts[0], defs)
                {
                    alts[1] = null_only();
                }
                // A union of the kind serde writes for an enum (`Block`): bare words and maps
                // of one required key.
                let tagged = alts.iter().all(|alt| {
                    alt.get("const").is_some()
                        || (alt
                            .get("properties")
                            .and_then(Value::as_object)
                            .map(|p| p.len())
                            == Some(1)
                            && alt
                                .get("required")
                                .and_then(Value::as_array)
                                .map(|r| r.len())
                                == Some(1))
                });
                if tagged {
                    for alt in alts.iter_mut() {
                        describe_only_key(alt);
                    }
                }
            }
            for v in map.values_mut() {
                shape(v, defs);
            }
        }
        Value::Array(items) => {
            for v in items {
                shape(v, defs);
            }
        }
        _ => {}
    }
}

/// A choice of words that schemars writes as alternatives of one `const` each (an enum whose
/// variants have doc comments) becomes an `enum` with the words' descriptions beside it in
/// `enumDescriptions` (the editor's keyword for them): the same values, but the editor's hover
/// then shows what the key is and lists every word with its meaning, where over alternatives
/// it shows only the meaning of the word written.
fn words_as_enum(map: &mut serde_json::Map<String, serde_json::Value>) {
    use serde_json::Value;
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(alts)) = map.get(key) else {
            continue;
        };
        let words: Option<Vec<(Value, Value)>> = alts
            .iter()
            .map(|a| {
                let word = a.get("const").filter(|c| c.is_string())?;
                let only = a
                    .as_object()?
                    .keys()
                    .all(|k| matches!(k.as_str(), "const" | "type" | "description"));
                only.then(|| {
                    let description = a.get("description").cloned();
                    (word.clone(), description.unwrap_or_else(|| "".into()))
                })
            })
            .collect();
        let Some(words) = words.filter(|w| !w.is_empty()) else {
            continue;
        };
        map.remove(key);
        map.insert("type".into(), "string".into());
        let (words, descriptions): (Vec<Value>, Vec<Value>) = words.into_iter().unzip();
        map.insert("enum".into(), words.into());
        if descriptions.iter().any(|d| d != "") {
            map.insert("enumDescriptions".into(), descriptions.into());
        }
    }
}

/// Whether a schema is a choice of words (an `enum`, or alternatives that are each a `const`),
/// directly or through its `$ref`.
fn is_words(schema: &serde_json::Value, defs: &serde_json::Value) -> bool {
    let schema = match schema.get("$ref").and_then(serde_json::Value::as_str) {
        Some(r) => match r.strip_prefix("#/definitions/").and_then(|n| defs.get(n)) {
            Some(def) => def,
            None => return false,
        },
        None => schema,
    };
    schema.get("enum").is_some()
        || ["anyOf", "oneOf"].iter().any(|k| {
            schema
                .get(*k)
                .and_then(serde_json::Value::as_array)
                .is_some_and(|alts| alts.iter().all(|a| a.get("const").is_some()))
        })
}

/// An alternative that is a map of one key (`{"text": …}`, a block) gives its description to
/// that key, which the editor shows on hover over the key, and is titled by it (`text block`):
/// the editor names by its title the proposal that writes the alternative out with the keys
/// it requires (otherwise each is the same `object(…)`).
fn describe_only_key(alt: &mut serde_json::Value) {
    let description = alt.get("description").cloned();
    let Some(obj) = alt.as_object_mut() else {
        return;
    };
    let Some(serde_json::Value::Object(props)) = obj.get_mut("properties") else {
        return;
    };
    if props.len() != 1 {
        return;
    }
    let Some((key, serde_json::Value::Object(prop))) = props.iter_mut().next() else {
        return;
    };
    let title = format!("{key} block");
    if let Some(description) = description {
        prop.entry("description").or_insert(description);
    }
    obj.entry("title").or_insert(title.into());
}

/// The schema of `T` as the loader walks it to find every mistake of a file (`validate`):
/// the schema editors get.
pub fn validation_schema<T: JsonSchema>() -> serde_json::Value {
    schema_for::<T>().to_value()
}

/// An optional field without a value has no default to state: schemars writes
/// `"default": null` for it, which `yaml-language-server` cannot turn into YAML (its completion
/// fails on it and offers hardly any keys). A real default (`[]`, `false`, `"Bilagor"`) stays.
fn no_null_default(schema: &mut Schema) {
    if schema
        .get("default")
        .is_some_and(serde_json::Value::is_null)
    {
        schema.remove("default");
    }
}

/// The schema files as written for editors (`vplan schema`, `vplan init`): the file name
/// (`table.schema.json`) and its pretty-printed JSON.
pub fn files() -> crate::error::Result<Vec<(String, String)>> {
    use crate::error::Context;
    all()
        .into_iter()
        .map(|(kind, schema)| {
            let mut text =
                serde_json::to_string_pretty(&schema).context("cannot write a schema")?;
            text.push('\n');
            Ok((format!("{kind}.schema.json"), text))
        })
        .collect()
}

/// The kinds of content file, each with its schema.
pub fn all() -> Vec<(&'static str, Schema)> {
    vec![
        ("plan", titled(schema_for::<PlanMeta>(), "vplan: plan.yaml")),
        (
            "chapter",
            titled(schema_for::<Chapter>(), "vplan: chapters/*.yaml"),
        ),
        (
            "appendix",
            titled(schema_for::<Appendix>(), "vplan: appendices/*.yaml"),
        ),
        ("goals", titled(schema_for::<Goals>(), "vplan: goals.yaml")),
        (
            "internkontroll",
            titled(
                schema_for::<InternalControl>(),
                "vplan: internkontroll.yaml",
            ),
        ),
        (
            "table",
            titled(schema_for::<Table>(), "vplan: tables/**/*.yaml"),
        ),
        (
            "tjansteskrivelse",
            titled(
                schema_for::<DecisionPaper>(),
                "vplan: tjansteskrivelse.yaml",
            ),
        ),
        (
            "uppfoljning",
            titled(schema_for::<FollowUp>(), "vplan: uppfoljning/**/*.yaml"),
        ),
    ]
}

fn titled(mut schema: Schema, title: &str) -> Schema {
    schema.insert("title".into(), title.into());
    schema
}

/// The kind of a content file by its path relative to the content directory
/// (`chapters/01-inledning.yaml` → `chapter`), if it is one.
pub fn kind_of(rel: &str) -> Option<&'static str> {
    let rel = rel.replace('\\', "/");
    if !(rel.ends_with(".yaml") || rel.ends_with(".yml")) {
        return None;
    }
    Some(match rel.as_str() {
        "plan.yaml" => "plan",
        "goals.yaml" => "goals",
        "internkontroll.yaml" => "internkontroll",
        "tjansteskrivelse.yaml" => "tjansteskrivelse",
        r if r.starts_with("chapters/") => "chapter",
        r if r.starts_with("appendices/") => "appendix",
        r if r.starts_with("tables/") => "table",
        r if r.starts_with("uppfoljning/") => "uppfoljning",
        _ => return None,
    })
}

/// The comment line that points the YAML language server at a file's schema, for a file at
/// `rel` in a content directory whose schemas are in `schemas/`.
pub fn modeline(rel: &str) -> Option<String> {
    let kind = kind_of(rel)?;
    let depth = rel.replace('\\', "/").matches('/').count();
    Some(format!(
        "# yaml-language-server: $schema={}schemas/{kind}.schema.json",
        "../".repeat(depth)
    ))
}

/// The modeline of a file at `rel` in the content directory `content`, only when the schema
/// it names is there (`content/schemas/`, as `vplan init` and `vplan schema` write it): a line
/// naming a missing file would only make the editor complain.
pub fn modeline_in(content: &std::path::Path, rel: &str) -> Option<String> {
    let kind = kind_of(rel)?;
    let schema = content.join("schemas").join(format!("{kind}.schema.json"));
    schema.is_file().then(|| modeline(rel)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Every subschema of `v` with its path, depth first.
    fn walk<'a>(v: &'a Value, at: String, out: &mut Vec<(String, &'a Value)>) {
        match v {
            Value::Object(map) => {
                out.push((at.clone(), v));
                for (k, sub) in map {
                    walk(sub, format!("{at}/{k}"), out);
                }
            }
            Value::Array(items) => {
                for (i, sub) in items.iter().enumerate() {
                    walk(sub, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    fn every_subschema() -> Vec<(String, Value)> {
        let mut out = Vec::new();
        for (kind, schema) in all() {
            let value = schema.to_value();
            let mut subs = Vec::new();
            walk(&value, kind.to_string(), &mut subs);
            out.extend(subs.into_iter().map(|(at, v)| (at, v.clone())));
        }
        out
    }

    /// The editor shows a key's description on hover and beside its completion: every key of
    /// every schema has one, and so has every definition (what a `$ref` shows).
    #[test]
    fn every_key_is_described() {
        let mut undescribed = Vec::new();
        for (at, v) in every_subschema() {
            if let Some(Value::Object(props)) = v.get("properties") {
                for (key, prop) in props {
                    if prop
                        .get("description")
                        .and_then(Value::as_str)
                        .is_none_or(str::is_empty)
                    {
                        undescribed.push(format!("{at}/properties/{key}"));
                    }
                }
            }
            if let Some(Value::Object(defs)) = v.get("definitions") {
                for (name, def) in defs {
                    if def.get("description").is_none() {
                        undescribed.push(format!("{at}/definitions/{name}"));
                    }
                }
            }
        }
        assert!(
            undescribed.is_empty(),
            "without a description (a doc comment in content::model): {undescribed:#?}"
        );
    }

    /// The shapes `yaml-language-server` needs ([`for_editors`]): the bare words of a union
    /// before its maps (else a new list item is offered only the maps after them), and no
    /// `"type": "null"` beside a choice of words (else `null` is offered among them).
    #[test]
    fn unions_are_shaped_for_completion() {
        let defs: Vec<(String, Value)> = all()
            .into_iter()
            .map(|(k, s)| (k.to_string(), s.to_value()))
            .collect();
        let mut wrong = Vec::new();
        let mut words_with_null = 0;
        for (at, v) in every_subschema() {
            let kind = at.split('/').next().unwrap();
            let root = &defs.iter().find(|(k, _)| k == kind).unwrap().1;
            let definitions = root.get("definitions").cloned().unwrap_or_default();
            for key in ["anyOf", "oneOf"] {
                let Some(alts) = v.get(key).and_then(Value::as_array) else {
                    continue;
                };
                let bare = |a: &Value| a.get("const").is_some() || a.get("enum").is_some();
                if let Some(first_map) = alts.iter().position(|a| !bare(a)) {
                    if alts[first_map..].iter().any(bare) {
                        wrong.push(format!("{at}/{key}: a bare word after a map"));
                    }
                }
                if alts.iter().any(|a| is_words(a, &definitions)) {
                    if alts
                        .iter()
                        .any(|a| a.get("type") == Some(&Value::from("null")))
                    {
                        wrong.push(format!("{at}/{key}: `null` offered among words"));
                    }
                    if alts.contains(&null_only()) {
                        words_with_null += 1;
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
        // assessment (goal, indicator), status, result, avvikelse, belopp.
        assert_eq!(words_with_null, 6);
    }

    #[test]
    fn kinds_and_modelines() {
        assert_eq!(kind_of("tables/bilaga-1/it.yaml"), Some("table"));
        assert_eq!(kind_of("schemas/table.schema.json"), None);
        assert_eq!(kind_of("uppfoljning/2031-delar.yaml"), Some("uppfoljning"));
        assert_eq!(
            modeline("uppfoljning/2031-delar.yaml").unwrap(),
            "# yaml-language-server: $schema=../schemas/uppfoljning.schema.json"
        );
        assert_eq!(
            modeline("tables/bilaga-1/it.yaml").unwrap(),
            "# yaml-language-server: $schema=../../schemas/table.schema.json"
        );
        assert_eq!(
            modeline("plan.yaml").unwrap(),
            "# yaml-language-server: $schema=schemas/plan.schema.json"
        );
    }
}
