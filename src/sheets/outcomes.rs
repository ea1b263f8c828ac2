//! The import of a follow-up report's outcomes: a table's `utfall` (and `prognos`) read from a
//! sheet — the one `vplan export --report` wrote, or an economy system's export with a plain
//! `Utfall` column — with the sheet reading of `import.rs`, and written into the report's YAML
//! text in place: a row entry's one-line flow map `- {id: r, utfall: X}` gets its scalar
//! replaced (an empty `utfall: ~`, as the skeleton of `report init` has it, too) or the key
//! inserted before `}`, a missing row entry a new line under the table entry's `rows:`, a
//! missing table entry a new entry under `tables:`. Anything else is refused. A sheet with two
//! columns that are both the outcome (or forecast) column is refused naming both cells.

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use crate::content::{Column, FollowUp, Plan, RowKind, Sourced, Table, ValuePath};
use crate::diag::{Code, Diagnostic};
use crate::error::{Context, Result};
use crate::figures::followup::{PROGNOS, UTFALL};
use crate::figures::{CellRef, Expr, Figures};

use super::cells::holds;
use super::import::{read_sheet, Compared, Spec};
use super::sheet_names;

/// What an outcome import found.
#[derive(Debug, Default)]
pub struct Outcomes {
    /// The report's file.
    pub file: PathBuf,
    /// (row id, `utfall` or `prognos`, old, new) of every changed figure.
    pub changed: Vec<(String, String, Option<Decimal>, Option<Decimal>)>,
    /// Rows of the sheet that match no row of the table: the id (or label) and its cell.
    pub unknown: Vec<(String, String)>,
    /// Rows the report may hold that the sheet does not have, or whose cells are empty.
    pub missing: Vec<String>,
    /// Cells that could not be read.
    pub bad: Vec<String>,
    /// Entries that cannot be rewritten in place.
    pub refused: Vec<Diagnostic>,
    /// The report's YAML with the new figures.
    pub yaml: String,
    /// The report as the new YAML should load (to verify the rewrite).
    pub meant: Option<FollowUp>,
    compared: Vec<(String, String, String, calamine::Data)>,
}

impl Outcomes {
    /// Notes on the cells of the sheet that vplan computes or that the report does not hold,
    /// against the report's figures `after` the import, never written: `skipped: …` for a
    /// figure in the outcome or forecast column of a row the report may not hold (a sum, a
    /// group heading, a row taken from another table, a `sum_of` row), `differs: …` for a
    /// budget or deviation cell that is not vplan's figure.
    pub fn notes(&self, table: &str, after: &Figures) -> Vec<String> {
        let mut out = Vec::new();
        for (place, row, column, has) in &self.compared {
            let cell = CellRef::new(table, row, column);
            let want = after.value(&cell);
            let outcome = column == UTFALL || column == PROGNOS;
            let filled = !matches!(has, calamine::Data::Empty)
                && !matches!(has, calamine::Data::String(t) if t.trim().is_empty());
            let differs = holds(has, want).err();
            if !(differs.is_some() || outcome && filled) {
                continue;
            }
            let why = match after.expr(&cell) {
                Some(Expr::Sum(_)) => "a sum",
                Some(Expr::Difference(..)) => "a deviation",
                Some(Expr::Share(..)) => "a share",
                Some(Expr::Part(..)) => "the period's budget",
                Some(Expr::Ref(_)) => "taken from another table",
                Some(Expr::SumOf(_)) => "the sum of other tables",
                _ if outcome => "a group heading",
                _ => "the plan's budget",
            };
            let shown = want.map_or("nothing".to_string(), |w| w.normalize().to_string());
            out.push(match differs {
                Some(has) if outcome => format!(
                    "skipped: {place} is {why}, computed by vplan, never written: the sheet has {has}, vplan has {shown}"
                ),
                None => format!("skipped: {place} is {why}, computed by vplan ({shown}), never written"),
                Some(has) => format!(
                    "differs: {place}: the sheet has {has}, vplan has {shown} ({why}): not written"
                ),
            });
        }
        out
    }
}

/// Reads the outcomes (and forecasts) of table `table_id` from a sheet and rewrites the
/// report's YAML text. `projection` is the report's projected plan and figures.
pub fn import_outcomes(
    projection: (&Plan, &Figures),
    report: &Sourced<FollowUp>,
    table_id: &str,
    workbook: &Path,
    sheet: Option<&str>,
) -> Result<Outcomes> {
    let (plan, figures) = projection;
    let f = &report.value;
    let projected = plan.tables.get(table_id).with_context(|| {
        format!(
            "there is no table `{table_id}` with amounts; the tables are: {}",
            plan.tables.keys().cloned().collect::<Vec<_>>().join(", ")
        )
    })?;
    let mut t: Table = projected.value.clone();
    // A report that forecasts reads a `Prognos` column even before it has any forecast.
    if f.kind.forecasts() && !t.columns.iter().any(|c| c.id == PROGNOS) {
        let budget = &t.columns[0];
        t.columns.push(Column {
            id: PROGNOS.to_string(),
            title: "Prognos".to_string(),
            group: Some(format!("Helår {}", plan.meta.value.year)),
            precision: budget.precision,
            unit: budget.unit.clone(),
        });
    }
    let precision = t.columns[0].precision;
    let kinds: Vec<&str> = t.columns.iter().map(|c| c.id.as_str()).collect();
    let is_read = |c: usize| kinds[c] == UTFALL || (kinds[c] == PROGNOS && f.kind.forecasts());
    // The rows the report may hold: data rows whose figures are their own (not a sum, a
    // reference or a `sum_of`), as `check::followup` allows.
    let leaf = |r: usize| {
        let row = &t.rows[r];
        row.kind == RowKind::Data
            && !figures
                .expr(&CellRef::new(table_id, &row.id, UTFALL))
                .is_some_and(Expr::is_computed)
    };
    let names: Vec<String> = t.columns.iter().map(Column::name).collect();
    let sheets = sheet_names(plan);
    let sheet = sheet.unwrap_or(&sheets[table_id]);
    let rows = read_sheet(
        &t,
        &report.file,
        workbook,
        sheet,
        &Spec {
            typed: &leaf,
            read: &|_, c| is_read(c),
            required: &|_| false,
            aliases: &|c| match kinds[c] {
                UTFALL => vec!["Utfall".into(), names[c].clone()],
                PROGNOS => vec!["Prognos".into(), names[c].clone()],
                _ => Vec::new(),
            },
        },
    )?;
    let mut out = Outcomes {
        file: report.file.clone(),
        unknown: rows.unknown,
        bad: rows.bad,
        ..Default::default()
    };
    if !(0..t.columns.len()).any(|c| is_read(c) && rows.columns[c].is_some()) {
        out.bad.push(format!(
            "sheet `{sheet}`: no column titled `Utfall`{} (or `{}`) was found, once, in the first or second row",
            if f.kind.forecasts() { " or `Prognos`" } else { "" },
            names[1]
        ));
    }
    out.compared = rows
        .compared
        .into_iter()
        .map(
            |Compared {
                 place,
                 row,
                 column,
                 has,
             }| {
                (
                    place,
                    t.rows[row].id.clone(),
                    t.columns[column].id.clone(),
                    has,
                )
            },
        )
        .collect();
    for r in 0..t.rows.len() {
        if leaf(r) && !rows.seen.contains_key(&r) {
            out.missing.push(t.rows[r].id.clone());
        }
    }
    // The new figures, by row: an empty cell gives none (the report's figure is kept).
    let text = plan
        .source(&report.file)
        .with_context(|| format!("{} was not loaded with the plan", report.file.display()))?
        .to_string();
    let entry = f.tables.iter().position(|e| e.id == table_id);
    let mut new_rows: Vec<(usize, Vec<(&str, Decimal)>)> = Vec::new();
    for (&r, cells) in &rows.read {
        let id = &t.rows[r].id;
        let old = entry.and_then(|i| f.tables[i].rows.iter().find(|x| &x.id == id));
        let mut set = Vec::new();
        for (c, v) in cells.iter().enumerate() {
            let Some(Some(v)) = v else { continue };
            let key = if kinds[c] == UTFALL { UTFALL } else { PROGNOS };
            let before = old.and_then(|o| if key == UTFALL { o.utfall } else { o.prognos });
            if before.map(|b| b.normalize()) != Some(v.normalize()) {
                out.changed
                    .push((id.clone(), key.to_string(), before, Some(*v)));
                set.push((key, *v));
            }
        }
        if !set.is_empty() {
            new_rows.push((r, set));
        }
    }
    // The report as it should load afterwards.
    let mut meant = f.clone();
    let meant_entry = match entry {
        Some(i) => i,
        None => {
            meant.tables.push(serde_yaml_entry(table_id));
            meant.tables.len() - 1
        }
    };
    for (r, set) in &new_rows {
        let id = &t.rows[*r].id;
        let e = &mut meant.tables[meant_entry];
        let j = match e.rows.iter().position(|x| &x.id == id) {
            Some(j) => j,
            None => {
                e.rows.push(crate::content::RowFollowUp {
                    id: id.clone(),
                    utfall: None,
                    prognos: None,
                    periodbudget: None,
                    profil: None,
                    kommentar: None,
                });
                e.rows.len() - 1
            }
        };
        for (key, v) in set {
            if *key == UTFALL {
                e.rows[j].utfall = Some(*v);
            } else {
                e.rows[j].prognos = Some(*v);
            }
        }
    }
    out.meant = Some(meant);
    if new_rows.is_empty() {
        out.yaml = text;
        return Ok(out);
    }
    // A file without a final newline gets one, so that a line added after its last line
    // starts a line of its own (the positions of what is there stay as they are).
    let text = if text.is_empty() || text.ends_with('\n') {
        text
    } else {
        text + "\n"
    };
    let show = |v: Decimal| {
        let mut v = v;
        v.rescale(precision);
        v.to_string()
    };
    let pos = |path: &ValuePath| plan.pos(&report.file, path);
    let file = &report.file;
    let refuse = |line: usize, what: String| {
        Diagnostic::error(Code::SheetImport, file, format!("{what}: nothing written"))
            .at(line, 1)
            .with_hint("write the entry as vplan does, `- {id: rad, utfall: 100, prognos: 120}` on one line, then import again")
    };
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let new_line = |id: &str, set: &[(&str, Decimal)]| {
        let mut s = format!("{{id: {id}");
        for (k, v) in set {
            s.push_str(&format!(", {k}: {}", show(*v)));
        }
        s.push('}');
        s
    };
    match entry {
        Some(i) => {
            let e = &f.tables[i];
            let mut appended = Vec::new();
            for (r, set) in &new_rows {
                let id = &t.rows[*r].id;
                let Some(j) = e.rows.iter().position(|x| &x.id == id) else {
                    appended.push(new_line(id, set));
                    continue;
                };
                let entry = ValuePath::of("tables").index(i).key("rows").index(j);
                let Some(at) = pos(&entry.key("id")) else {
                    continue;
                };
                let Some((open, close)) = crate::yaml_text::flow_map_line(&text, at.line) else {
                    out.refused.push(refuse(
                        at.line,
                        format!(
                            "table `{table_id}`, row `{id}`: the entry is not a one-line flow map `- {{id: {id}, …}}`"
                        ),
                    ));
                    continue;
                };
                let mut inserted = String::new();
                for (key, v) in set {
                    // A key written without a figure (`utfall: ~`, as `report init` writes
                    // the skeleton) has its value replaced like a figure; only a key not
                    // written at all is inserted.
                    // Never `None`: a key not written finds the entry (`{`), which is refused.
                    let Some(written) = plan.pos_or_ancestor(&report.file, &entry.key(key)) else {
                        inserted.push_str(&format!(", {key}: {}", show(*v)));
                        continue;
                    };
                    let span = Some(written)
                        .filter(|p| p.line == at.line)
                        .and_then(|p| crate::yaml_text::flow_map_value(p, &text))
                        .filter(|(s, e)| *s > open && *e <= close);
                    match span {
                        Some((s, end)) if !text[s..end].starts_with(['&', '*', '!']) => {
                            edits.push((s, end, show(*v)))
                        }
                        _ => out.refused.push(refuse(
                            at.line,
                            format!(
                                "table `{table_id}`, row `{id}`: its `{key}` is not a plain number inside the entry's `{{…}}` on this line"
                            ),
                        )),
                    }
                }
                if !inserted.is_empty() {
                    let end = open + 1 + text[open + 1..close].trim_end().len();
                    edits.push((end, end, inserted));
                }
            }
            if !appended.is_empty() {
                match e.rows.len().checked_sub(1) {
                    Some(last) => {
                        let at = pos(&ValuePath::of("tables")
                            .index(i)
                            .key("rows")
                            .index(last)
                            .key("id"));
                        match at.filter(|a| crate::yaml_text::flow_map_line(&text, a.line).is_some())
                        {
                            Some(a) => {
                                let (start, end) = line_span(&text, a.line);
                                let indent = indentation(&text[start..end]);
                                let lines: String = appended
                                    .iter()
                                    .map(|l| format!("{indent}- {l}\n"))
                                    .collect();
                                edits.push((end, end, lines));
                            }
                            None => out.refused.push(refuse(
                                at.map_or(1, |a| a.line),
                                format!(
                                    "table `{table_id}`: its last row entry is not a one-line flow map, so new rows cannot be added after it"
                                ),
                            )),
                        }
                    }
                    None => {
                        let at =
                            pos(&ValuePath::of("tables").index(i).key("id")).map_or(1, |a| a.line);
                        match entry_end(&text, at) {
                            Some((end, dash)) if !has_key(&text, at, end, dash + 2, "rows") => {
                                let key = " ".repeat(dash + 2);
                                let lines: String = appended
                                    .iter()
                                    .map(|l| format!("{key}  - {l}\n"))
                                    .collect();
                                edits.push((end, end, format!("{key}rows:\n{lines}")));
                            }
                            _ => out.refused.push(refuse(
                                at,
                                format!(
                                    "table `{table_id}`: the entry is not written `- id: {table_id}` with its keys below, or has `rows:` written otherwise than as a list of lines"
                                ),
                            )),
                        }
                    }
                }
            }
        }
        None => {
            let lines: Vec<String> = new_rows
                .iter()
                .map(|(r, set)| new_line(&t.rows[*r].id, set))
                .collect();
            let block = |dash: usize| {
                let d = " ".repeat(dash);
                let mut s = format!("{d}- id: {table_id}\n{d}  rows:\n");
                for l in &lines {
                    s.push_str(&format!("{d}    - {l}\n"));
                }
                s
            };
            match f.tables.len().checked_sub(1) {
                Some(last) => {
                    let at =
                        pos(&ValuePath::of("tables").index(last).key("id")).map_or(1, |a| a.line);
                    match entry_end(&text, at) {
                        Some((end, dash)) => edits.push((end, end, block(dash))),
                        None => out.refused.push(refuse(
                            at,
                            "the last entry of `tables:` is not written `- id: …` with its keys below, so a table entry cannot be added after it".to_string(),
                        )),
                    }
                }
                None => {
                    if let Some(n) = text.lines().position(|l| l.starts_with("tables:")) {
                        out.refused.push(refuse(
                            n + 1,
                            "`tables:` is not an empty key followed by a list of lines (`tables: []`?), so a table entry cannot be added".to_string(),
                        ));
                    } else {
                        let nl = if text.ends_with('\n') || text.is_empty() {
                            ""
                        } else {
                            "\n"
                        };
                        edits.push((text.len(), text.len(), format!("{nl}tables:\n{}", block(2))));
                    }
                }
            }
        }
    }
    edits.sort_by_key(|e| std::cmp::Reverse((e.0, e.1)));
    let mut yaml = text;
    for (start, end, new) in edits {
        yaml.replace_range(start..end, &new);
    }
    out.yaml = yaml;
    Ok(out)
}

/// A new, empty table entry.
fn serde_yaml_entry(id: &str) -> crate::content::TableFollowUp {
    crate::content::TableFollowUp {
        id: id.to_string(),
        budget: None,
        avvikelse: None,
        belopp: None,
        profil: None,
        rows: Vec::new(),
        title: None,
        notes: Vec::new(),
        chart: None,
    }
}

/// The byte range of line `line` (1-based), its newline included.
fn line_span(text: &str, line: usize) -> (usize, usize) {
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let len = text[start..]
        .split_inclusive('\n')
        .next()
        .map_or(0, str::len);
    (start, start + len)
}

fn indentation(line: &str) -> String {
    line.chars().take_while(|c| *c == ' ').collect()
}

/// The end (byte offset after its last line) of the sequence entry `- id: …` on line `line`,
/// and the indentation of its `-`; `None` when the line is not `- id:`.
fn entry_end(text: &str, line: usize) -> Option<(usize, usize)> {
    let (start, mut end) = line_span(text, line);
    let first = &text[start..end];
    let dash = first.len() - first.trim_start_matches(' ').len();
    if !first[dash..].starts_with("- id:") {
        return None;
    }
    let mut at = end;
    for l in text[end..].split_inclusive('\n') {
        let body = l.trim_start_matches(' ');
        let indent = l.len() - body.len();
        at += l.len();
        if body.trim().is_empty() || (body.starts_with('#') && indent > dash) {
            continue;
        }
        if indent <= dash {
            break;
        }
        end = at;
    }
    if !text[..end].ends_with('\n') {
        return None; // the last line has no newline: an edit would join two lines
    }
    Some((end, dash))
}

/// Whether a line between `from_line` and byte `end` starts, at `indent`, with `key:`.
fn has_key(text: &str, from_line: usize, end: usize, indent: usize, key: &str) -> bool {
    let (start, _) = line_span(text, from_line);
    text[start..end].lines().skip(1).any(|l| {
        l.len() > indent
            && l[..indent].chars().all(|c| c == ' ')
            && l[indent..].starts_with(&format!("{key}:"))
    })
}
