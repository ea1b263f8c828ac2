//! JSON Schemas of the content files, derived (with `schemars`) from the very types the loader
//! deserializes into, so the schema an editor checks against and the loader cannot drift apart.

use schemars::{generate::SchemaSettings, transform::RecursiveTransform, JsonSchema, Schema};

use super::model::{
    Appendix, Chapter, DecisionPaper, FollowUp, Goals, InternalControl, PlanMeta, Table,
};

/// Draft-07, which every YAML language server reads.
fn schema_for<T: JsonSchema>() -> Schema {
    SchemaSettings::draft07()
        .with_transform(RecursiveTransform(no_null_default))
        .into_generator()
        .into_root_schema_for::<T>()
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

#[cfg(test)]
mod tests {
    use super::*;

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
