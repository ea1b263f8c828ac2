//! Diagnostics for machines: a JSON array (editors, scripts), SARIF 2.1.0 (code scanning),
//! GitHub Actions workflow commands (annotations on a pull request's lines) and GitLab's code
//! quality report (Code Climate JSON, shown on a merge request). `docs/diagnostics.md`
//! describes each.
//!
//! Every position is given in characters (1-based, as people and `render_human` count) and,
//! where the file can be read, in UTF-8 bytes too; the end is the end of the token the human
//! rendering underlines, exclusive: the column just after its last character.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{json, Value};

use super::code::{Code, Usual};
use super::{read_source, token, Diagnostic, Severity};

/// A 1-based place in a file: `column` in characters, `byte_column` in UTF-8 bytes (when the
/// file could be read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Place {
    pub line: usize,
    pub column: usize,
    pub byte_column: Option<usize>,
}

/// The start and end (exclusive) of what a diagnostic points at, when it has a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: Place,
    pub end: Place,
}

/// The span of a diagnostic in `text` (the file's text without a byte-order mark), or, without
/// the text, a span of no width at its line and column, in characters only.
pub fn span_in(text: Option<&str>, line: usize, column: Option<usize>) -> Span {
    let column = column.unwrap_or(1).max(1);
    match text.and_then(|t| token(t, line, column)) {
        Some(tok) => Span {
            start: Place {
                line,
                column,
                byte_column: Some(tok.byte_column + 1),
            },
            end: Place {
                line,
                column: column + tok.chars,
                byte_column: Some(tok.byte_column + tok.len + 1),
            },
        },
        None => {
            let at = Place {
                line,
                column,
                byte_column: None,
            };
            Span { start: at, end: at }
        }
    }
}

/// The files the diagnostics name, each read once (as `render_human` reads them).
#[derive(Default)]
struct Sources(HashMap<PathBuf, Option<String>>);

impl Sources {
    fn span(&mut self, d: &Diagnostic) -> Option<Span> {
        let (file, line) = (d.file.as_ref()?, d.line?);
        let text = self
            .0
            .entry(file.clone())
            .or_insert_with(|| read_source(file));
        Some(span_in(text.as_deref(), line, d.column))
    }
}

fn shown(file: &Path) -> String {
    file.display().to_string()
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    file: Option<String>,
    /// The start's line and column (characters), as before `start` and `end` were added.
    line: Option<usize>,
    column: Option<usize>,
    start: Option<Place>,
    end: Option<Place>,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    hint: Option<&'a str>,
}

/// Diagnostics as a JSON array (`--format json`).
pub fn render_json(diags: &[Diagnostic]) -> String {
    let mut sources = Sources::default();
    let items: Vec<JsonDiagnostic<'_>> = diags
        .iter()
        .map(|d| {
            let span = sources.span(d);
            JsonDiagnostic {
                code: d.code.id(),
                name: d.code.name(),
                severity: d.severity,
                file: d.file.as_deref().map(shown),
                line: d.line,
                column: d.column,
                start: span.map(|s| s.start),
                end: span.map(|s| s.end),
                message: &d.message,
                label: d.label.as_deref(),
                hint: d.hint.as_deref(),
            }
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_string());
    s.push('\n');
    s
}

/// The SARIF schema's address, written as the log's `$schema`.
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A path as a URI reference: `/` between components, every byte but the unreserved ones
/// percent-encoded. A relative path is relative to `%SRCROOT%` (the working directory, where
/// vplan was run); an absolute one becomes a `file://` URI.
fn uri(file: &Path) -> (String, bool) {
    let text = file.to_string_lossy().replace('\\', "/");
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    if file.is_absolute() || text.starts_with('/') {
        let sep = if out.starts_with('/') { "" } else { "/" };
        (format!("file://{sep}{out}"), false)
    } else {
        (out.trim_start_matches("./").to_string(), true)
    }
}

/// Diagnostics as a SARIF 2.1.0 log (`--format sarif`): one run of the tool `vplan`, whose
/// rules are every [`Code`]; columns in Unicode code points (`columnKind`).
pub fn render_sarif(diags: &[Diagnostic]) -> String {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.id(),
                "name": c.name(),
                "shortDescription": { "text": c.summary() },
                "defaultConfiguration": {
                    "level": match c.usual() {
                        Usual::Error => "error",
                        Usual::Warning | Usual::Either => "warning",
                    }
                },
            })
        })
        .collect();
    let mut sources = Sources::default();
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(hint) = &d.hint {
                let _ = write!(text, "\nhint: {hint}");
            }
            let mut result = json!({
                "ruleId": d.code.id(),
                "ruleIndex": Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": level(d.severity),
                "message": { "text": text },
            });
            if let Some(file) = &d.file {
                let (uri, relative) = uri(file);
                let mut artifact = json!({ "uri": uri });
                if relative {
                    artifact["uriBaseId"] = json!("%SRCROOT%");
                }
                let mut physical = json!({ "artifactLocation": artifact });
                if let Some(span) = sources.span(d) {
                    physical["region"] = json!({
                        "startLine": span.start.line,
                        "startColumn": span.start.column,
                        "endLine": span.end.line,
                        "endColumn": span.end.column.max(span.start.column),
                    });
                }
                let mut location = json!({ "physicalLocation": physical });
                if let Some(label) = &d.label {
                    location["message"] = json!({ "text": label });
                }
                result["locations"] = json!([location]);
            }
            if let Some(hint) = &d.hint {
                result["properties"] = json!({ "hint": hint });
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "vplan",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}

/// A workflow command's data: `%`, carriage return and line feed escaped.
pub fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as data, and `:` and `,` escaped too.
pub fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Diagnostics as GitHub Actions workflow commands (`--format github`), one a line:
/// `::error file=F,line=L,col=C,endLine=L,endColumn=C,title=VP001 yaml-syntax::message`.
pub fn render_github(diags: &[Diagnostic]) -> String {
    let mut sources = Sources::default();
    let mut out = String::new();
    for d in diags {
        let mut props = Vec::new();
        if let Some(file) = &d.file {
            props.push(format!(
                "file={}",
                github_property(&file.to_string_lossy().replace('\\', "/"))
            ));
            if let Some(span) = sources.span(d) {
                props.push(format!("line={}", span.start.line));
                props.push(format!("col={}", span.start.column));
                props.push(format!("endLine={}", span.end.line));
                props.push(format!("endColumn={}", span.end.column));
            }
        }
        props.push(format!(
            "title={}",
            github_property(&format!("{} {}", d.code.id(), d.code.name()))
        ));
        let mut text = d.message.clone();
        if let Some(hint) = &d.hint {
            let _ = write!(text, " (hint: {hint})");
        }
        let _ = writeln!(
            out,
            "::{} {}::{}",
            level(d.severity),
            props.join(","),
            github_data(&text)
        );
    }
    out
}

/// A stable fingerprint of a diagnostic (FNV-1a, 64 bits twice with two bases, in hex): the
/// same problem at the same place keeps it from run to run.
fn fingerprint(d: &Diagnostic) -> String {
    let key = format!(
        "{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
        d.code.id(),
        d.file
            .as_deref()
            .map(|f| f.to_string_lossy())
            .unwrap_or_default(),
        d.line.unwrap_or(0),
        d.column.unwrap_or(0),
        d.message
    );
    let fnv = |basis: u64| {
        key.bytes().fold(basis, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
        })
    };
    format!(
        "{:016x}{:016x}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x6c62_272e_07bb_0142)
    )
}

/// Diagnostics as GitLab's code quality report (`--format gitlab`, Code Climate JSON): what a
/// merge request's code quality widget shows.
pub fn render_gitlab(diags: &[Diagnostic]) -> String {
    let items: Vec<Value> = diags
        .iter()
        .map(|d| {
            let mut description = d.message.clone();
            if let Some(hint) = &d.hint {
                let _ = write!(description, " (hint: {hint})");
            }
            json!({
                "description": description,
                "check_name": format!("{} {}", d.code.id(), d.code.name()),
                "fingerprint": fingerprint(d),
                "severity": match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                "location": {
                    "path": d.file.as_deref().map(|f| f.to_string_lossy().replace('\\', "/")).unwrap_or_else(|| ".".into()),
                    "lines": { "begin": d.line.unwrap_or(1) },
                },
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_string());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_bytes() {
        // `ä` is two bytes, the emoji four.
        let text = "a: 1\ntitle: \"ä😀\" x12ä y\n";
        let span = span_in(Some(text), 2, Some(13));
        assert_eq!(
            span.start,
            Place {
                line: 2,
                column: 13,
                byte_column: Some(17)
            }
        );
        // The token `x12ä`: four characters, five bytes.
        assert_eq!(
            span.end,
            Place {
                line: 2,
                column: 17,
                byte_column: Some(22)
            }
        );
        assert_eq!(&text["a: 1\n".len() + 16..][..5], "x12ä");
    }

    #[test]
    fn without_the_text_the_span_has_no_width_and_no_bytes() {
        let span = span_in(None, 3, Some(4));
        assert_eq!(span.start, span.end);
        assert_eq!(span.start.byte_column, None);
    }

    #[test]
    fn json_has_code_start_end_and_the_flat_keys() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yaml");
        std::fs::write(&file, "\u{feff}title: \"😀\" ä12\n").unwrap();
        let d = Diagnostic::error(Code::InvalidValue, &file, "bad")
            .at(1, 12)
            .with_hint("fix it");
        let v: Value = serde_json::from_str(&render_json(&[d])).unwrap();
        let d = &v[0];
        assert_eq!(d["code"], "VP005");
        assert_eq!(d["name"], "invalid-value");
        assert_eq!(d["severity"], "error");
        assert_eq!(d["message"], "bad");
        assert_eq!(d["hint"], "fix it");
        assert_eq!(d["line"], 1);
        assert_eq!(d["column"], 12);
        // The byte-order mark is not counted; the emoji is four bytes, `ä` two.
        assert_eq!(
            d["start"],
            json!({"line": 1, "column": 12, "byte_column": 15})
        );
        assert_eq!(
            d["end"],
            json!({"line": 1, "column": 15, "byte_column": 19})
        );
    }

    #[test]
    fn github_commands_escape_data_and_properties() {
        assert_eq!(github_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(github_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        let d = Diagnostic::warning(Code::Glyph, "dir, a/b:c.yaml", "100%\nsure")
            .at(2, 3)
            .with_hint("x, y");
        assert_eq!(
            render_github(&[d]),
            "::warning file=dir%2C a/b%3Ac.yaml,line=2,col=3,endLine=2,endColumn=3,title=VP024 glyph::100%25%0Asure (hint: x, y)\n"
        );
        let d = Diagnostic::general(Code::Usage, "no content");
        assert_eq!(
            render_github(&[d]),
            "::error title=VP037 usage::no content\n"
        );
    }

    #[test]
    fn uris_are_relative_and_percent_encoded() {
        assert_eq!(
            uri(Path::new("./content/kapitel/ä b.yaml")),
            ("content/kapitel/%C3%A4%20b.yaml".to_string(), true)
        );
        assert_eq!(
            uri(Path::new("/tmp/x.yaml")),
            ("file:///tmp/x.yaml".to_string(), false)
        );
    }

    #[test]
    fn gitlab_fingerprints_are_stable_and_distinct() {
        let a = Diagnostic::error(Code::DuplicateId, "a.yaml", "x").at(1, 1);
        let b = Diagnostic::error(Code::DuplicateId, "a.yaml", "x").at(2, 1);
        assert_eq!(fingerprint(&a), fingerprint(&a.clone()));
        assert_ne!(fingerprint(&a), fingerprint(&b));
        let v: Value = serde_json::from_str(&render_gitlab(&[a])).unwrap();
        assert_eq!(v[0]["location"]["path"], "a.yaml");
        assert_eq!(v[0]["location"]["lines"]["begin"], 1);
        assert_eq!(v[0]["severity"], "major");
    }
}
