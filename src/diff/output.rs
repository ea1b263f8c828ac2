//! The report as coloured terminal text, Markdown (for a pull-request comment), a one line a
//! section summary (`--stat`) or JSON.

use std::fmt::Write;

use super::words::{with_context, Op, Run};
use super::{Change, ChangeKind, Report, RowValues, Total};

/// ANSI styles, or none.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
    fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
    fn red(&self, t: &str) -> String {
        self.paint("31", t)
    }
    fn green(&self, t: &str) -> String {
        self.paint("32", t)
    }
    fn yellow(&self, t: &str) -> String {
        self.paint("33", t)
    }
    fn cyan(&self, t: &str) -> String {
        self.paint("36", t)
    }
}

fn sigil(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "+",
        ChangeKind::Removed => "-",
        ChangeKind::Changed => "~",
        ChangeKind::Moved => ">",
    }
}

fn verb(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Changed => "changed",
        ChangeKind::Moved => "moved",
    }
}

/// The place of a change below its section: `Nuvarande situation › paragraph 2`.
fn where_(c: &Change) -> String {
    let mut parts: Vec<&str> = c.place.iter().skip(1).map(String::as_str).collect();
    if let Some(f) = &c.field {
        // A field that the change is named for (`text`, a report's `assessment`) is not
        // repeated.
        if c.kind != "metadata" && f != "text" && f != &c.kind {
            parts.push(f);
        }
    }
    parts.join(" › ")
}

fn amount_line(
    old: &Option<String>,
    new: &Option<String>,
    diff: &Option<String>,
    unit: &str,
) -> String {
    format!(
        "{} → {}{}{}",
        old.as_deref().unwrap_or("–"),
        new.as_deref().unwrap_or("–"),
        diff.as_ref().map(|d| format!(" ({d})")).unwrap_or_default(),
        if unit.is_empty() {
            String::new()
        } else {
            format!(" {unit}")
        }
    )
}

/// The column header of a table's rows: each column by name, with its unit when it differs
/// from the table's; empty when no row has cells.
pub(crate) fn column_names(rows: &[RowValues], unit: &str) -> Vec<String> {
    rows.iter()
        .find(|r| !r.cells.is_empty())
        .map(|r| {
            r.cells
                .iter()
                .map(|c| {
                    if c.unit == unit {
                        c.name.clone()
                    } else {
                        format!("{} ({})", c.name, c.unit)
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the rows of a change are worth listing: a table's always, a column's when a data
/// row has an amount in it (an empty new column would list only `–` and sums of 0).
pub(crate) fn listed(c: &Change) -> bool {
    c.kind == "table"
        || c.rows
            .iter()
            .any(|r| r.kind == "data" && r.cells.iter().any(|v| v.value.is_some()))
}

/// The lines listing the rows of a table or column added or removed: for a table a header
/// `columns (mnkr): Budget 2024 | Prognos 2023`, then `Label: 1,5 | 2,0` a row (a group
/// heading alone); for a column `Label: 1,5 mnkr`.
fn rows_lines(c: &Change) -> Vec<String> {
    let mut out = Vec::new();
    if c.rows.is_empty() {
        return out;
    }
    if !listed(c) {
        out.push("no amounts".into());
        return out;
    }
    let unit = c.unit.as_deref().unwrap_or("");
    let table = c.kind == "table";
    if table {
        let names = column_names(&c.rows, unit);
        if !names.is_empty() {
            out.push(format!("columns ({unit}): {}", names.join(" | ")));
        }
    }
    for r in &c.rows {
        if r.cells.is_empty() {
            out.push(r.label.clone());
            continue;
        }
        let values: Vec<&str> = r.cells.iter().map(|v| v.display.as_str()).collect();
        let mut line = format!("{}: {}", one_line(&r.label), values.join(" | "));
        if !table && !unit.is_empty() {
            line.push(' ');
            line.push_str(unit);
        }
        out.push(line);
    }
    out
}

fn total_line(t: &Total) -> String {
    format!(
        "{}: {}",
        t.place.join(" › "),
        amount_line(&t.old, &t.new, &t.difference, &t.unit)
    )
}

/// One line a section: `6 Budget: 3 changed, 1 added`, then a summary line.
pub fn stat(report: &Report) -> String {
    let mut out = String::new();
    let rows = report.stat();
    let width = rows
        .iter()
        .map(|(s, _)| s.chars().count())
        .max()
        .unwrap_or(0);
    for (section, counts) in &rows {
        let parts: Vec<String> = [
            ChangeKind::Added,
            ChangeKind::Removed,
            ChangeKind::Changed,
            ChangeKind::Moved,
        ]
        .iter()
        .zip(counts)
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{n} {}", verb(*k)))
        .collect();
        let pad = width - section.chars().count();
        let _ = writeln!(out, " {section}{} | {}", " ".repeat(pad), parts.join(", "));
    }
    let n = report.changes.len();
    let _ = writeln!(
        out,
        " {} section{} changed, {n} change{}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        if n == 1 { "" } else { "s" }
    );
    out
}

fn words_text(runs: &[Run], style: Style) -> String {
    with_context(runs, 6)
        .iter()
        .map(|r| match (r.op, style.color) {
            (Op::Equal, _) => r.text.clone(),
            (Op::Delete, true) => style.paint("31;9", &r.text),
            (Op::Insert, true) => style.paint("32;4", &r.text),
            (Op::Delete, false) => format!("[-{}-]", r.text),
            (Op::Insert, false) => format!("{{+{}+}}", r.text),
        })
        .collect::<String>()
        .replace('\n', " ")
}

/// Terminal text; nothing at all when nothing changed (like `diff`).
pub fn text(report: &Report, style: Style) -> String {
    let mut out = String::new();
    if report.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "{}",
        style.bold(&format!(
            "vplan diff {} → {}: {} change{}",
            report.old,
            report.new,
            report.changes.len(),
            if report.changes.len() == 1 { "" } else { "s" }
        ))
    );
    let mut group = None;
    for c in &report.changes {
        let g = c.group();
        if group.as_ref() != Some(&g) {
            let _ = writeln!(out, "\n{}", style.bold(&g));
            group = Some(g);
        }
        let s = sigil(c.change);
        let head = format!("{s} {} {}", c.kind, verb(c.change));
        let head = match c.change {
            ChangeKind::Added => style.green(&head),
            ChangeKind::Removed => style.red(&head),
            ChangeKind::Changed => style.yellow(&head),
            ChangeKind::Moved => style.cyan(&head),
        };
        let place = where_(c);
        let _ = write!(out, "  {head}");
        if c.kind == "metadata" {
            let _ = write!(out, " {}", style.dim(c.field.as_deref().unwrap_or("")));
        } else if !place.is_empty() {
            let _ = write!(out, " {}", style.dim(&place));
        }
        let _ = write!(out, " {}", style.dim(&format!("[{}]", c.id)));
        out.push('\n');
        let body = body(c, style);
        for line in body.lines() {
            let _ = writeln!(out, "      {line}");
        }
        for line in rows_lines(c) {
            let line = match c.change {
                ChangeKind::Added => style.green(&line),
                ChangeKind::Removed => style.red(&line),
                _ => line,
            };
            let _ = writeln!(out, "      {line}");
        }
        for t in &c.totals {
            let _ = writeln!(out, "      {} {}", style.dim("⇒"), total_line(t));
        }
    }
    out
}

/// What a change says beyond its heading.
fn body(c: &Change, style: Style) -> String {
    if c.difference.is_some() || c.is_amount() {
        return amount_line(
            &c.old,
            &c.new,
            &c.difference,
            c.unit.as_deref().unwrap_or(""),
        );
    }
    match c.change {
        ChangeKind::Changed if !c.words.is_empty() => words_text(&c.words, style),
        ChangeKind::Changed => format!(
            "{} → {}",
            c.old.as_deref().unwrap_or(""),
            c.new.as_deref().unwrap_or("")
        ),
        ChangeKind::Added => style.green(&one_line(c.new.as_deref().unwrap_or(""))),
        ChangeKind::Removed => style.red(&one_line(c.old.as_deref().unwrap_or(""))),
        ChangeKind::Moved => moved_text(c),
    }
}

/// `from <old place>` for a move to another container, `after X → after Y` for a new
/// position among the same siblings.
fn moved_text(c: &Change) -> String {
    match &c.moved_from {
        Some(p) => format!("from {}", p.join(" › ")),
        None => format!(
            "{} → {}",
            c.old.as_deref().unwrap_or(""),
            c.new.as_deref().unwrap_or("")
        ),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes text for Markdown.
fn md(s: &str) -> String {
    let mut out = String::new();
    for ch in one_line(s).chars() {
        // Text only ever stands after a list item's heading, never at the start of a line,
        // so only inline markup needs escaping.
        if "\\`*_[]<>|~".contains(ch) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

fn md_words(runs: &[Run]) -> String {
    let runs = with_context(runs, 6);
    let mut out = String::new();
    // Whitespace at either end of a run is kept as one space (and never doubled), so the
    // changed words keep the spaces that stand around them: `godkänna ~~a~~ **b** för`.
    let space = |out: &mut String| {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    for (i, r) in runs.iter().enumerate() {
        let t = r.text.trim();
        if t.is_empty() {
            if r.text.chars().any(char::is_whitespace) {
                space(&mut out);
            }
            continue;
        }
        // A deletion and the insertion that replaces it are two words apart.
        if r.text.starts_with(char::is_whitespace)
            || (r.op == Op::Insert && i > 0 && runs[i - 1].op == Op::Delete)
        {
            space(&mut out);
        }
        match r.op {
            Op::Equal => out.push_str(&md(t)),
            Op::Delete => {
                let _ = write!(out, "~~{}~~", md(t));
            }
            Op::Insert => {
                let _ = write!(out, "**{}**", md(t));
            }
        }
        if r.text.ends_with(char::is_whitespace) {
            space(&mut out);
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// Markdown for a pull-request comment.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let n = report.changes.len();
    let _ = writeln!(
        out,
        "## vplan diff `{}` → `{}`\n\n{n} change{}.",
        report.old.replace('`', "'"),
        report.new.replace('`', "'"),
        if n == 1 { "" } else { "s" }
    );
    // A report's changes under its title, then under its own headings.
    let (mut report_title, mut section) = (None, None);
    for c in &report.changes {
        let title = c.report.as_ref().map(|r| &r.title);
        if report_title != Some(title) || section != Some(&c.section) {
            if report_title != Some(title) {
                if let Some(t) = title {
                    let _ = writeln!(out, "\n### {}", md(t));
                }
            }
            let level = if title.is_some() { "####" } else { "###" };
            let _ = writeln!(out, "\n{level} {}\n", md(&c.section));
            report_title = Some(title);
            section = Some(&c.section);
        }
        let place = where_(c);
        let _ = write!(
            out,
            "- **{} {}**{} `{}`",
            md(&c.kind),
            verb(c.change),
            if place.is_empty() || c.kind == "metadata" {
                c.field
                    .as_deref()
                    .map(|f| format!(" {}", md(f)))
                    .unwrap_or_default()
            } else {
                format!(" — {}", md(&place))
            },
            c.id.replace('`', "'")
        );
        let text = if c.difference.is_some() || c.is_amount() {
            md(&amount_line(
                &c.old,
                &c.new,
                &c.difference,
                c.unit.as_deref().unwrap_or(""),
            ))
        } else {
            match c.change {
                ChangeKind::Changed if !c.words.is_empty() => md_words(&c.words),
                ChangeKind::Changed => format!(
                    "{} → {}",
                    md(c.old.as_deref().unwrap_or("")),
                    md(c.new.as_deref().unwrap_or(""))
                ),
                ChangeKind::Added => md(c.new.as_deref().unwrap_or("")),
                ChangeKind::Removed => format!("~~{}~~", md(c.old.as_deref().unwrap_or(""))),
                ChangeKind::Moved => md(&moved_text(c)),
            }
        };
        let _ = writeln!(out, ": {text}");
        for t in &c.totals {
            let _ = writeln!(out, "  - ⇒ {}", md(&total_line(t)));
        }
        md_rows(&mut out, c);
    }
    out
}

/// The rows of a table or column added or removed as a Markdown table inside the list item:
/// the unit in the corner, the columns by name, amounts right-aligned, sums in bold, a
/// removed table's amounts struck through.
fn md_rows(out: &mut String, c: &Change) {
    if c.rows.is_empty() {
        return;
    }
    if !listed(c) {
        let _ = writeln!(out, "  - no amounts");
        return;
    }
    let unit = c.unit.as_deref().unwrap_or("");
    let names = if c.kind == "table" {
        column_names(&c.rows, unit)
    } else {
        vec![c.new.clone().or_else(|| c.old.clone()).unwrap_or_default()]
    };
    let strike = |t: String| {
        if c.change == ChangeKind::Removed && t != "–" {
            format!("~~{t}~~")
        } else {
            t
        }
    };
    let _ = writeln!(
        out,
        "\n  | {} | {} |",
        md(unit),
        names.iter().map(|n| md(n)).collect::<Vec<_>>().join(" | ")
    );
    let _ = writeln!(out, "  |---|{}", "---:|".repeat(names.len()));
    for r in &c.rows {
        let bold = |t: String| {
            if r.kind == "data" || t.is_empty() {
                t
            } else {
                format!("**{t}**")
            }
        };
        let cells: Vec<String> = if r.cells.is_empty() {
            vec![String::new(); names.len()]
        } else {
            r.cells
                .iter()
                .map(|v| bold(strike(md(&v.display))))
                .collect()
        };
        let _ = writeln!(out, "  | {} | {} |", bold(md(&r.label)), cells.join(" | "));
    }
    out.push('\n');
}

/// JSON for tools.
pub fn json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_the_spaces_around_changed_words() {
        let runs = super::super::words::diff(
            "att godkänna tertialrapporten för januari–april 2031.",
            "att godkänna delårsrapporten för januari–augusti 2031.",
        );
        assert_eq!(
            md_words(&runs),
            "att godkänna ~~tertialrapporten~~ **delårsrapporten** för ~~januari–april~~ **januari–augusti** 2031."
        );
        // A change at either end, and a word added between two others.
        let runs = super::super::words::diff("Tre nya föreningar", "Fyra nya föreningar");
        assert_eq!(md_words(&runs), "~~Tre~~ **Fyra** nya föreningar");
        let runs = super::super::words::diff("nya föreningar", "nya föreningar i år");
        assert_eq!(md_words(&runs), "nya föreningar **i år**");
        let runs = super::super::words::diff("nya  föreningar", "nya goda föreningar");
        assert_eq!(md_words(&runs), "nya **goda** föreningar");
    }
}
