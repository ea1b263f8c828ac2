//! Diagnostics: what went wrong with the content, and where.
//!
//! Rendered like `rustc` or `cargo` with `codespan-reporting` (file:line:column, the source line
//! with a caret, the message, a hint), or for machines (`machine.rs`): JSON for editors, SARIF
//! for code scanning, GitHub Actions workflow commands, GitLab's code quality report. Every
//! diagnostic has a stable [`Code`] (`code.rs`, listed in `docs/diagnostics.md`).

use std::fmt;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use serde::Serialize;

pub mod code;
pub mod machine;
pub mod origin;

pub use code::Code;
pub use machine::{render_github, render_gitlab, render_json, render_sarif};

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// Largest file vplan reads (a content file, or a file a diagnostic quotes); a plan's files
/// are a few kilobytes each.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the content, pointing at a file and, where known, a line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The kind, with its stable id.
    pub code: Code,
    pub severity: Severity,
    /// Path as the user gave it (relative to the working directory where possible).
    pub file: Option<PathBuf>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    /// Text shown at the caret.
    pub label: Option<String>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            file: Some(file.into()),
            line: None,
            column: None,
            message: message.into(),
            label: None,
            hint: None,
        }
    }

    pub fn warning(code: Code, file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, message)
        }
    }

    /// An error of no file: a usage or I/O error reported to a machine reader.
    pub fn general(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            file: None,
            ..Diagnostic::error(code, "", message)
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Sets the position when one is known.
    pub fn at_pos(self, pos: Option<Pos>) -> Self {
        match pos {
            Some(p) => self.at(p.line, p.column),
            None => self,
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// One line: `error: file:line:col: message`.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: ")?;
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(col) = self.column {
                    write!(f, ":{col}")?;
                }
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Diagnostics one per line (`error: file:line:col: message`), as an error's text.
pub fn one_per_line(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(Diagnostic::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Renders diagnostics for people, with the offending source line and a caret under the
/// position, followed by a summary line.
/// The name of a character that changes the direction text is printed in: the bidirectional
/// embeddings, overrides, isolates and marks (and the deprecated format characters that
/// switch digit shapes and mirroring).
pub fn direction_control(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{061C}' => "ARABIC LETTER MARK",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{206A}' => "INHIBIT SYMMETRIC SWAPPING",
        '\u{206B}' => "ACTIVATE SYMMETRIC SWAPPING",
        '\u{206C}' => "INHIBIT ARABIC FORM SHAPING",
        '\u{206D}' => "ACTIVATE ARABIC FORM SHAPING",
        '\u{206E}' => "NATIONAL DIGIT SHAPES",
        '\u{206F}' => "NOMINAL DIGIT SHAPES",
        _ => return None,
    })
}

/// A source text as a terminal may show it: every direction control ([`direction_control`],
/// which would reorder the quoted line on screen, the very fault `check` reports) replaced by a
/// visible character of the same length in bytes, so byte positions stay as they are.
fn shown_safely(text: &str) -> String {
    text.chars()
        .map(|c| match direction_control(c) {
            Some(_) if c.len_utf8() == 2 => '\u{00A4}',
            Some(_) => '\u{FFFD}',
            None => c,
        })
        .collect()
}

pub fn render_human(diags: &[Diagnostic]) -> String {
    let mut files = SimpleFiles::new();
    // Each file read, made safe to show and indexed once, however many diagnostics it has.
    let mut added: std::collections::HashMap<&Path, Option<usize>> = Default::default();
    let config = term::Config::default();
    let mut out = String::new();
    for d in diags {
        let mut cs = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        }
        .with_message(&d.message);
        if let (Some(file), Some(line)) = (&d.file, d.line) {
            let id = *added.entry(file.as_path()).or_insert_with(|| {
                read_source(file).map(|t| files.add(file.display().to_string(), shown_safely(&t)))
            });
            // Long lines (minified or garbage input) are not worth showing.
            let shown = id.and_then(|id| files.get(id).ok()).filter(|f| {
                f.source()
                    .lines()
                    .nth(line.saturating_sub(1))
                    .is_some_and(|l| l.len() <= 400)
            });
            if let (Some(id), Some(f)) = (id, shown) {
                let range = byte_range(f.source(), line, d.column.unwrap_or(1));
                let mut label = Label::primary(id, range);
                if let Some(l) = &d.label {
                    label = label.with_message(l);
                }
                cs = cs.with_labels(vec![label]);
            }
        }
        if cs.labels.is_empty() {
            if let Some(file) = &d.file {
                let place = match (d.line, d.column) {
                    (Some(l), Some(c)) => format!("{}:{l}:{c}", file.display()),
                    (Some(l), None) => format!("{}:{l}", file.display()),
                    _ => file.display().to_string(),
                };
                cs = cs.with_notes(vec![format!("in {place}")]);
            }
            if let Some(l) = &d.label {
                cs.notes.push(l.clone());
            }
        }
        if let Some(hint) = &d.hint {
            cs.notes.push(format!("hint: {hint}"));
        }
        let mut buf = Vec::new();
        match term::emit_to_io_write(&mut buf, &config, &files, &cs) {
            Ok(()) => out.push_str(&String::from_utf8_lossy(&buf)),
            Err(_) => {
                out.push_str(&d.to_string());
                out.push('\n');
            }
        }
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    out.push_str(&summary(errors, warnings));
    out
}

/// `2 errors, 1 warning`.
pub fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}\n",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

fn read_source(file: &Path) -> Option<String> {
    let meta = std::fs::metadata(file).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(file).ok()?;
    // Positions are counted without a leading byte-order mark (see `content::read_text`).
    Some(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// The byte range of the token at a 1-based line and column (up to the next space, comma or
/// bracket; at least one character): what [`render_human`] underlines.
fn byte_range(text: &str, line: usize, column: usize) -> std::ops::Range<usize> {
    match token(text, line, column) {
        Some(t) => t.line_start + t.byte_column..t.line_start + t.byte_column + t.len,
        None => text.len()..text.len(),
    }
}

/// The token at a line and column of a text: where its line starts, where on the line it
/// starts (0-based bytes), its length in bytes and in characters.
struct Token {
    line_start: usize,
    byte_column: usize,
    len: usize,
    chars: usize,
}

/// The token at a 1-based line and column (up to the next space, comma or bracket; at least
/// one character), `None` when the text has no such line. A column past the end of the line
/// is a token of no width there.
fn token(text: &str, line: usize, column: usize) -> Option<Token> {
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let body = l.trim_end_matches(['\n', '\r']);
            let col_byte = body
                .char_indices()
                .nth(column.saturating_sub(1))
                .map(|(b, _)| b)
                .unwrap_or(body.len());
            let rest = &body[col_byte..];
            let len = rest
                .char_indices()
                .find(|(_, c)| matches!(c, ',' | ']' | '}' | '\t') || c.is_whitespace())
                .map(|(b, _)| b)
                .unwrap_or(rest.len());
            let len = if len == 0 {
                rest.chars().next().map(char::len_utf8).unwrap_or(0)
            } else {
                len
            };
            return Some(Token {
                line_start: start,
                byte_column: col_byte,
                len,
                chars: rest[..len].chars().count(),
            });
        }
        start += l.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_the_token() {
        let text = "a: 1\nvalues: [12a, 3]\n";
        assert_eq!(&text[byte_range(text, 2, 10)], "12a");
        assert_eq!(&text[byte_range(text, 1, 4)], "1");
    }

    #[test]
    fn direction_controls_are_shown_as_visible_characters_of_their_length() {
        for c in ['\u{202E}', '\u{2066}', '\u{200F}', '\u{061C}', '\u{206E}'] {
            let text = format!("title: \"a{c}15\"\nx: 1\n");
            let shown = shown_safely(&text);
            assert_eq!(shown.len(), text.len(), "{c:?}");
            assert!(!shown.contains(c), "{c:?}");
            assert!(shown.ends_with("15\"\nx: 1\n"), "{shown:?}");
        }
    }
}
