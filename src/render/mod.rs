//! Rendering the view into Typst source with minijinja templates: the built-in set, with a
//! project's own `templates/` over it file by file ([`Templates`]).
//!
//! Templates named `*.typ.j2` are auto-escaped for Typst markup: every value printed with
//! `{{ … }}` goes through [`escape::escape_markup`] unless a filter marked it as finished
//! Typst (`md`, `str`, `amount`). That is the only way user text reaches Typst source.

pub mod charts;
pub mod escape;
pub mod followup;
pub mod markdown;
pub mod parts;
pub mod templates;
pub mod view;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

pub use templates::{TemplateFile, TemplateFiles, Templates};

use crate::error::{Error, Result};
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use rust_decimal::Decimal;

use crate::diag::{Code, Diagnostic};

/// What a template is rendered with: a view made for the templates (the plan's or a report's
/// [`view::DocView`], the decision paper's, the change report's), never the content model,
/// whose field names are not the templates' interface. `docs/templates-reference.md` lists
/// every field a context gives.
pub trait TemplateContext: serde::Serialize {}

/// Name of the entry template.
pub const MAIN_TEMPLATE: &str = "plan.typ.j2";

/// A minijinja template's text and how error messages name its file.
struct Source {
    text: String,
    shown: PathBuf,
}

/// A minijinja environment over the templates of a build.
pub struct Renderer {
    env: Environment<'static>,
    /// Every `.j2` template by name (what the environment loads from).
    sources: Arc<BTreeMap<String, Source>>,
    /// The templates as a whole, as error messages name them.
    shown: PathBuf,
}

impl Renderer {
    /// An environment over the `.j2` files of the templates; a template that is not UTF-8 text
    /// is an error naming its file.
    pub fn new(files: &TemplateFiles) -> Result<Self> {
        let mut sources = BTreeMap::new();
        let mut errors = Vec::new();
        for file in files.files.iter().filter(|f| f.is_template()) {
            match std::str::from_utf8(&file.bytes) {
                Ok(text) => {
                    sources.insert(
                        file.name.clone(),
                        Source {
                            text: text.to_string(),
                            shown: file.shown.clone(),
                        },
                    );
                }
                Err(e) => errors.push(Diagnostic::error(
                    Code::Template,
                    &file.shown,
                    format!("template is not UTF-8 text (at byte {})", e.valid_up_to()),
                )),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Content(errors));
        }
        let sources = Arc::new(sources);
        let mut env = Environment::new();
        let loader = Arc::clone(&sources);
        env.set_loader(move |name| Ok(loader.get(name).map(|s| s.text.clone())));
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
            sources,
            shown: files.shown.clone(),
        })
    }

    /// Renders the main template with a serializable context.
    pub fn render(&self, ctx: &impl TemplateContext) -> Result<String> {
        self.render_named(MAIN_TEMPLATE, ctx)
    }

    /// Renders a template by name (e.g. `diff.typ.j2`).
    pub fn render_named(&self, name: &str, ctx: &impl TemplateContext) -> Result<String> {
        if !self.sources.contains_key(name) {
            crate::usage!("the templates ({}) have no {name}", self.shown.display());
        }
        let tmpl = self
            .env
            .get_template(name)
            .map_err(|e| self.template_error(e))?;
        tmpl.render(Value::from_serialize(ctx))
            .map_err(|e| self.template_error(e))
    }

    /// A template error as a diagnostic pointing at the template file and line (the project's
    /// file, or the built-in one).
    fn template_error(&self, e: minijinja::Error) -> Error {
        let name = e.name().unwrap_or(MAIN_TEMPLATE);
        let template = self.sources.get(name);
        let file = template.map_or_else(|| self.shown.join(name), |s| s.shown.clone());
        let mut message = e
            .detail()
            .map(str::to_string)
            .unwrap_or_else(|| e.kind().to_string());
        let mut source = std::error::Error::source(&e);
        while let Some(inner) = source {
            message.push_str(&format!(": {inner}"));
            source = inner.source();
        }
        let column = match (e.range(), template) {
            (Some(range), Some(template)) => template.text.get(..range.start).map_or(1, |before| {
                before.chars().rev().take_while(|&c| c != '\n').count() + 1
            }),
            _ => 1,
        };
        let mut d = Diagnostic::error(Code::Template, file, format!("template error: {message}"));
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
