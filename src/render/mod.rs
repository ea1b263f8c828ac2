//! Rendering the view into Typst source with minijinja templates from `templates/`.
//!
//! Templates named `*.typ.j2` are auto-escaped for Typst markup: every value printed with
//! `{{ … }}` goes through [`escape::escape_markup`] unless a filter marked it as finished
//! Typst (`md`, `str`, `amount`). That is the only way user text reaches Typst source.

pub mod charts;
pub mod escape;
pub mod markdown;
pub mod view;

use std::path::Path;

use crate::error::{Context, Error, IoContext, Result};
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use rust_decimal::Decimal;

use crate::diag::Diagnostic;

/// Name of the entry template in the templates directory.
pub const MAIN_TEMPLATE: &str = "plan.typ.j2";

/// A minijinja environment over a templates directory.
pub struct Renderer {
    env: Environment<'static>,
    dir: std::path::PathBuf,
}

impl Renderer {
    pub fn new(dir: &Path) -> Result<Self> {
        if !dir.join(MAIN_TEMPLATE).is_file() {
            crate::usage!(
                "templates directory {} has no {}",
                dir.display(),
                MAIN_TEMPLATE
            );
        }
        let mut env = Environment::new();
        env.set_loader(minijinja::path_loader(dir));
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_keep_trailing_newline(true);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".typ.j2") {
                AutoEscape::Custom("typst")
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(|out, state, value| {
            if value.is_safe() || state.auto_escape() == AutoEscape::None {
                return write!(out, "{value}").map_err(|_| {
                    minijinja::Error::new(ErrorKind::WriteFailure, "cannot write output")
                });
            }
            if value.is_undefined() || value.is_none() {
                return Ok(());
            }
            let text = match value.as_str() {
                Some(s) => escape::escape_markup(s),
                None => escape::escape_markup(&value.to_string()),
            };
            out.write_str(&text)
                .map_err(|_| minijinja::Error::new(ErrorKind::WriteFailure, "cannot write output"))
        });
        env.add_filter("md", |s: &str| {
            Value::from_safe_string(markdown::to_typst(s))
        });
        env.add_filter("str", |s: &str| {
            Value::from_safe_string(escape::string_literal(s))
        });
        env.add_filter("amount", amount_filter);
        env.add_filter("num", num_filter);
        Ok(Renderer {
            env,
            dir: dir.to_path_buf(),
        })
    }

    /// Renders the main template with a serializable context.
    pub fn render(&self, ctx: &impl serde::Serialize) -> Result<String> {
        self.render_named(MAIN_TEMPLATE, ctx)
    }

    /// Renders a template of the directory by name (e.g. `diff.typ.j2`).
    pub fn render_named(&self, name: &str, ctx: &impl serde::Serialize) -> Result<String> {
        if !self.dir.join(name).is_file() {
            crate::usage!("templates directory {} has no {name}", self.dir.display());
        }
        let tmpl = self
            .env
            .get_template(name)
            .map_err(|e| self.template_error(e))?;
        tmpl.render(Value::from_serialize(ctx))
            .map_err(|e| self.template_error(e))
    }

    /// A template error as a diagnostic pointing at the template file and line.
    fn template_error(&self, e: minijinja::Error) -> Error {
        let file = self.dir.join(e.name().unwrap_or(MAIN_TEMPLATE));
        let mut message = e
            .detail()
            .map(str::to_string)
            .unwrap_or_else(|| e.kind().to_string());
        let mut source = std::error::Error::source(&e);
        while let Some(inner) = source {
            message.push_str(&format!(": {inner}"));
            source = inner.source();
        }
        let column = match (e.range(), std::fs::read_to_string(&file)) {
            (Some(range), Ok(text)) => text.get(..range.start).map_or(1, |before| {
                before.chars().rev().take_while(|&c| c != '\n').count() + 1
            }),
            _ => 1,
        };
        let mut d = Diagnostic::error(file, format!("template error: {message}"));
        if let Some(line) = e.line() {
            d = d.at(line, column);
        }
        Error::Content(vec![d])
    }
}

/// `{{ value | amount(1) }}`: a Decimal (given as its text) in Swedish format.
fn amount_filter(value: Value, precision: Option<u32>) -> Result<Value, minijinja::Error> {
    let text = value.to_string();
    let d: Decimal = text.parse().map_err(|_| {
        minijinja::Error::new(
            ErrorKind::InvalidOperation,
            format!("`amount` needs a number, got `{text}`"),
        )
    })?;
    Ok(Value::from_safe_string(crate::numfmt::format_amount(
        d,
        precision.unwrap_or(0),
    )))
}

/// `{{ ratio | num }}`: a plain non-negative decimal number for Typst code (e.g. a chart's
/// proportion); anything else is refused.
fn num_filter(value: Value) -> Result<Value, minijinja::Error> {
    let text = value.to_string();
    let ok = !text.is_empty()
        && text.chars().all(|c| c.is_ascii_digit() || c == '.')
        && text.matches('.').count() <= 1;
    if ok {
        Ok(Value::from_safe_string(text))
    } else {
        Err(minijinja::Error::new(
            ErrorKind::InvalidOperation,
            format!("`num` needs a plain number, got `{text}`"),
        ))
    }
}

/// Reads the static Typst files of a templates directory (everything that is not a `.j2`
/// template), for the in-memory Typst world.
pub fn read_assets(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "j2") {
            continue;
        }
        let rel = path
            .strip_prefix(dir)
            .expect("walkdir yields paths under its root")
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(path).at("read", path)?;
        out.push((rel, bytes));
    }
    Ok(out)
}
