//! How each typed amount is spelled, which the loaded `Decimal` no longer shows: a quoted amount
//! must be a decimal number (as the schema's pattern says), and a plain `0x1DB`, `1e3` or `.5`
//! (which YAML, an editor and the loader read as a number) is a warning naming the number it is
//! read as. So is `[12,4]`, two amounts where a decimal comma was probably meant.

use std::path::Path;

use crate::content::amount::{self, Spelling};
use crate::content::{Plan, Table, TableFollowUp, ValuePath};
use crate::diag::{Code, Diagnostic};

/// The problems of every amount's spelling in the plan.
pub fn check(plan: &Plan) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for table in plan.tables.values() {
        if plan.source(&table.file).is_some_and(may_need_a_look) {
            diags.extend(table_amounts(plan, &table.file, &table.value));
        }
    }
    if plan.meta.value.budget_frame.is_some()
        && plan.source(&plan.meta.file).is_some_and(may_need_a_look)
    {
        let path = ValuePath::of("budget_frame").key("amount");
        diags.extend(spelling(plan, &plan.meta.file, &path, &|_| {
            path.to_string()
        }));
    }
    for report in &plan.reports {
        if plan.source(&report.file).is_some_and(may_need_a_look) {
            diags.extend(report_amounts(plan, &report.file, &report.value.tables));
        }
    }
    diags
}

/// The problems of the spelling of a table's amounts: its rows' `values` and `control`.
fn table_amounts(plan: &Plan, file: &Path, t: &Table) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (r, row) in t.rows.iter().enumerate() {
        for (key, list) in [("values", &row.values), ("control", &row.control)] {
            let Some(list) = list else { continue };
            for (c, v) in list.iter().enumerate() {
                if v.is_some() {
                    let path = ValuePath::of("rows").index(r).key(key).index(c);
                    diags.extend(spelling(plan, file, &path, &|column| {
                        cell(t, r, column.then_some(c))
                    }));
                }
            }
        }
    }
    diags
}

/// The problems of the spelling of a report's amounts: its tables' rows' `utfall` and
/// `prognos`.
fn report_amounts(plan: &Plan, file: &Path, tables: &[TableFollowUp]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (i, t) in tables.iter().enumerate() {
        for (j, row) in t.rows.iter().enumerate() {
            for (key, value) in [("utfall", row.utfall), ("prognos", row.prognos)] {
                if value.is_some() {
                    let path = ValuePath::of("tables")
                        .index(i)
                        .key("rows")
                        .index(j)
                        .key(key);
                    let what = |_| format!("table `{}`, row `{}`, `{key}`", t.id, row.id);
                    diags.extend(spelling(plan, file, &path, &what));
                }
            }
        }
    }
    diags
}

/// Names a row, or one of its cells (`c`).
/// Whether a file's text has anything this check could object to: a quote before a digit, a
/// sign or a point (`"12.5"`), `0x`, `0o`, an exponent (`1e3`), a point without a digit on one
/// side (`.5`, `12.`) or a comma between digits (`[12,4]`). Most files have none, and their
/// positions are then never indexed (as on every clean check).
fn may_need_a_look(text: &str) -> bool {
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    (0..b.len()).any(|i| match b[i] {
        b'"' | b'\'' => matches!(b.get(i + 1), Some(b'0'..=b'9' | b'-' | b'+' | b'.')),
        b'x' | b'o' => i > 0 && b[i - 1] == b'0' && (i < 2 || !b[i - 2].is_ascii_alphanumeric()),
        b'e' | b'E' => {
            digit(i.wrapping_sub(1)) && (digit(i + 1) || matches!(b.get(i + 1), Some(b'-' | b'+')))
        }
        b'.' => digit(i.wrapping_sub(1)) != digit(i + 1),
        b',' => digit(i.wrapping_sub(1)) && digit(i + 1),
        _ => false,
    })
}

fn cell(t: &Table, r: usize, c: Option<usize>) -> String {
    let column = c
        .and_then(|c| t.columns.get(c))
        .map_or(String::new(), |col| format!(", column `{}`", col.id));
    format!("table `{}`, row `{}`{column}", t.id, t.rows[r].id)
}

/// The amount at `path` of `file` as written: a problem with its spelling, if any. `what(true)`
/// names the amount's place, `what(false)` without its column.
fn spelling(
    plan: &Plan,
    file: &Path,
    path: &ValuePath,
    what: &dyn Fn(bool) -> String,
) -> Option<Diagnostic> {
    // Only an amount written at its own place (not one a merge key `<<:` brings in).
    let pos = plan.spans.get(file)?.index().get(path.as_str())?;
    let line = plan.source(file)?.lines().nth(pos.line.checked_sub(1)?)?;
    let start = line.char_indices().nth(pos.column.checked_sub(1)?)?.0;
    let rest = &line[start..];
    let at = |d: Diagnostic| d.at(pos.line, pos.column);
    match Token::at(rest)? {
        Token::Quoted(text) => {
            let (value, spelled) = amount::parse(text).ok()?;
            if spelled == Spelling::Decimal {
                return None;
            }
            Some(at(Diagnostic::error(
                Code::AmountSpelling,
                file,
                format!("{}: `{}` is not an amount: in quotes, an amount is written as a decimal number", what(true), &rest[..text.len() + 2]),
            ))
            .with_hint(format!("write `{value}`")))
        }
        Token::Plain { text, next } => {
            let (value, spelled) = amount::parse(text).ok()?;
            if let Some(unusual) = spelled.unusual() {
                return Some(
                    at(Diagnostic::warning(
                        Code::AmountSpelling,
                        file,
                        format!("{}: `{text}` is read as {value} ({unusual})", what(true)),
                    ))
                    .with_hint(format!("write `{value}`")),
                );
            }
            // `[12,4]`: a comma right before a digit, where a list of amounts has a comma and
            // a space.
            let decimals: String = next
                .strip_prefix(',')?
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if decimals.is_empty() || text.contains('.') {
                return None;
            }
            Some(
                at(Diagnostic::warning(
                    Code::AmountSpelling,
                    file,
                    format!("{}: `{text},{decimals}` is read as two amounts, {text} and {decimals}", what(false)),
                ))
                .with_hint(format!(
                    "if it is one amount, write `{text}.{decimals}` (a point for decimals); between two amounts, write a space after the comma"
                )),
            )
        }
    }
}

/// A scalar as written at the start of `rest`.
enum Token<'t> {
    /// A quoted scalar's characters (without escapes), between its quotes.
    Quoted(&'t str),
    /// A plain scalar, and what follows it on the line.
    Plain { text: &'t str, next: &'t str },
}

impl<'t> Token<'t> {
    fn at(rest: &'t str) -> Option<Token<'t>> {
        if let Some(q) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) {
            let inner = &rest[1..];
            let text = &inner[..inner.find(q)?];
            // An escape (`\x31`, `''`) makes the characters differ from the value: not judged.
            if text.contains('\\') || inner[text.len() + 1..].starts_with(q) {
                return None;
            }
            return Some(Token::Quoted(text));
        }
        let end = rest.find([',', ']', '}', '#']).unwrap_or(rest.len());
        Some(Token::Plain {
            text: rest[..end].trim_end(),
            next: &rest[end..],
        })
    }
}
