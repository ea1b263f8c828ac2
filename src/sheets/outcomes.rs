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

use crate::content::{Column, FollowUp, Plan, RowKind, Sourced, Table, TableFollowUp, ValuePath};
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
    let plan = projection.0;
    let f = &report.value;
    let t = outcome_table(plan, f, table_id)?;
    let (mut out, read) = read_outcomes(projection, report, &t, table_id, (workbook, sheet))?;
    let text = plan
        .source(&report.file)
        .with_context(|| format!("{} was not loaded with the plan", report.file.display()))?
        .to_string();
    let entry = f.tables.iter().position(|e| e.id == table_id);
    let new_rows = new_figures(&t, f, entry, &read, &mut out.changed);
    out.meant = Some(meant_report(f, table_id, entry, &t, &new_rows));
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
    let mut rewrite = Rewrite {
        plan,
        file: &report.file,
        text: &text,
        table_id,
        precision: t.columns[0].precision,
        edits: Vec::new(),
        refused: Vec::new(),
    };
    match entry {
        Some(i) => rewrite.write_entry(&f.tables[i], i, &t, &new_rows),
        None => rewrite.new_entry(f, &t, &new_rows),
    }
    let Rewrite {
        mut edits, refused, ..
    } = rewrite;
    out.refused = refused;
    edits.sort_by_key(|e| std::cmp::Reverse((e.0, e.1)));
    let mut yaml = text;
    for (start, end, new) in edits {
        yaml.replace_range(start..end, &new);
    }
    out.yaml = yaml;
    Ok(out)
}

/// Reads table `t`'s outcome (and forecast) columns from sheet `sheet` of `workbook` (the
/// table's own sheet when not named): what the sheet has that the report cannot take, and
/// the figures read, by row.
fn read_outcomes(
    (plan, figures): (&Plan, &Figures),
    report: &Sourced<FollowUp>,
    t: &Table,
    table_id: &str,
    (workbook, sheet): (&Path, Option<&str>),
) -> Result<(Outcomes, Read)> {
    let f = &report.value;
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
        t,
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
        .map(|c| {
            let Compared {
                place,
                row,
                column,
                has,
            } = c;
            let (row, column) = (t.rows[row].id.clone(), t.columns[column].id.clone());
            (place, row, column, has)
        })
        .collect();
    out.missing = (0..t.rows.len())
        .filter(|&r| leaf(r) && !rows.seen.contains_key(&r))
        .map(|r| t.rows[r].id.clone())
        .collect();
    Ok((out, rows.read))
}

/// The table `table_id` of the projected plan, as a report reads it: with a `Prognos` column
/// when the report forecasts (it reads one even before it has any forecast).
fn outcome_table(plan: &Plan, f: &FollowUp, table_id: &str) -> Result<Table> {
    let projected = plan.tables.get(table_id).with_context(|| {
        format!(
            "there is no table `{table_id}` with amounts; the tables are: {}",
            plan.tables.keys().cloned().collect::<Vec<_>>().join(", ")
        )
    })?;
    let mut t: Table = projected.value.clone();
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
    Ok(t)
}

/// The figures read, per row of the table, per column: `Some(figure)` where a cell was read.
type Read = std::collections::BTreeMap<usize, Vec<Option<Option<Decimal>>>>;

/// The new figures of a row: (`utfall` or `prognos`, figure).
type Set<'k> = Vec<(&'k str, Decimal)>;

/// The new figures, by row (an empty cell gives none: the report's figure is kept), each
/// change also told in `changed`. `entry` is the report's entry of the table, if it has one.
fn new_figures(
    t: &Table,
    f: &FollowUp,
    entry: Option<usize>,
    read: &Read,
    changed: &mut Vec<(String, String, Option<Decimal>, Option<Decimal>)>,
) -> Vec<(usize, Set<'static>)> {
    let mut new_rows = Vec::new();
    for (&r, cells) in read {
        let id = &t.rows[r].id;
        let old = entry.and_then(|i| f.tables[i].rows.iter().find(|x| &x.id == id));
        let mut set = Vec::new();
        for (c, v) in cells.iter().enumerate() {
            let Some(Some(v)) = v else { continue };
            let key = if t.columns[c].id == UTFALL {
                UTFALL
            } else {
                PROGNOS
            };
            let before = old.and_then(|o| if key == UTFALL { o.utfall } else { o.prognos });
            if before.map(|b| b.normalize()) != Some(v.normalize()) {
                changed.push((id.clone(), key.to_string(), before, Some(*v)));
                set.push((key, *v));
            }
        }
        if !set.is_empty() {
            new_rows.push((r, set));
        }
    }
    new_rows
}

/// The report as it should load afterwards, with the new figures.
fn meant_report(
    f: &FollowUp,
    table_id: &str,
    entry: Option<usize>,
    t: &Table,
    new_rows: &[(usize, Set)],
) -> FollowUp {
    let mut meant = f.clone();
    let meant_entry = match entry {
        Some(i) => i,
        None => {
            meant.tables.push(serde_yaml_entry(table_id));
            meant.tables.len() - 1
        }
    };
    for (r, set) in new_rows {
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
    meant
}

/// The edits of a report's YAML text that write one table's new figures, and the entries
/// that cannot be rewritten in place.
struct Rewrite<'a> {
    plan: &'a Plan,
    file: &'a Path,
    text: &'a str,
    table_id: &'a str,
    precision: u32,
    /// (start, end, new text).
    edits: Vec<(usize, usize, String)>,
    refused: Vec<Diagnostic>,
}

impl Rewrite<'_> {
    fn pos(&self, path: &ValuePath) -> Option<crate::diag::Pos> {
        self.plan.pos(self.file, path)
    }

    /// A figure as the report writes it, with the table's precision.
    fn show(&self, v: Decimal) -> String {
        let mut v = v;
        v.rescale(self.precision);
        v.to_string()
    }

    fn refuse(&mut self, line: usize, what: String) {
        self.refused.push(
            Diagnostic::error(Code::SheetImport, self.file, format!("{what}: nothing written"))
                .at(line, 1)
                .with_hint("write the entry as vplan does, `- {id: rad, utfall: 100, prognos: 120}` on one line, then import again"),
        );
    }

    /// A new row entry, `{id: r, utfall: 100}`.
    fn new_line(&self, id: &str, set: &[(&str, Decimal)]) -> String {
        let mut s = format!("{{id: {id}");
        for (k, v) in set {
            s.push_str(&format!(", {k}: {}", self.show(*v)));
        }
        s.push('}');
        s
    }

    /// Writes the new figures into the report's entry `e` (entry `i` of `tables:`): into the
    /// row entries it has, and new row entries after its last.
    fn write_entry(&mut self, e: &TableFollowUp, i: usize, t: &Table, new_rows: &[(usize, Set)]) {
        let mut appended = Vec::new();
        for (r, set) in new_rows {
            let id = &t.rows[*r].id;
            match e.rows.iter().position(|x| &x.id == id) {
                Some(j) => self.write_row(i, j, id, set),
                None => appended.push(self.new_line(id, set)),
            }
        }
        if !appended.is_empty() {
            match e.rows.len().checked_sub(1) {
                Some(last) => self.after_last_row(i, last, &appended),
                None => self.first_rows(i, &appended),
            }
        }
    }

    /// Writes the new figures into row entry `j` of table entry `i`, a one-line flow map:
    /// a written key's value replaced, a key not written inserted before its `}`.
    fn write_row(&mut self, i: usize, j: usize, id: &str, set: &[(&str, Decimal)]) {
        let (text, table_id) = (self.text, self.table_id);
        let Some(at) = self.pos(
            &ValuePath::of("tables")
                .index(i)
                .key("rows")
                .index(j)
                .key("id"),
        ) else {
            return;
        };
        let Some((open, close)) = crate::yaml_text::flow_map_line(text, at.line) else {
            self.refuse(
                at.line,
                format!(
                    "table `{table_id}`, row `{id}`: the entry is not a one-line flow map `- {{id: {id}, …}}`"
                ),
            );
            return;
        };
        let mut inserted = String::new();
        for (key, v) in set {
            // A key written without a figure (`utfall: ~`, as `report init` writes the
            // skeleton) has its value replaced like a figure; only a key not written at all
            // is inserted. (Never `None`: a key not written finds the entry's `{`, which is
            // refused below.)
            let Some(written) = self.plan.pos_or_ancestor(
                self.file,
                &ValuePath::of("tables")
                    .index(i)
                    .key("rows")
                    .index(j)
                    .key(key),
            ) else {
                inserted.push_str(&format!(", {key}: {}", self.show(*v)));
                continue;
            };
            let span = Some(written)
                .filter(|p| p.line == at.line)
                .and_then(|p| crate::yaml_text::flow_map_value(p, text))
                .filter(|(s, e)| *s > open && *e <= close);
            match span {
                Some((s, end)) if !text[s..end].starts_with(['&', '*', '!']) => {
                    self.edits.push((s, end, self.show(*v)))
                }
                _ => self.refuse(
                    at.line,
                    format!(
                        "table `{table_id}`, row `{id}`: its `{key}` is not a plain number inside the entry's `{{…}}` on this line"
                    ),
                ),
            }
        }
        if !inserted.is_empty() {
            let end = open + 1 + text[open + 1..close].trim_end().len();
            self.edits.push((end, end, inserted));
        }
    }

    /// New row entries (`appended`) after row entry `last` of table entry `i`, indented as it.
    fn after_last_row(&mut self, i: usize, last: usize, appended: &[String]) {
        let text = self.text;
        let at = self.pos(
            &ValuePath::of("tables")
                .index(i)
                .key("rows")
                .index(last)
                .key("id"),
        );
        match at.filter(|a| crate::yaml_text::flow_map_line(text, a.line).is_some()) {
            Some(a) => {
                let (start, end) = line_span(text, a.line);
                let indent = indentation(&text[start..end]);
                let lines: String = appended
                    .iter()
                    .map(|l| format!("{indent}- {l}\n"))
                    .collect();
                self.edits.push((end, end, lines));
            }
            None => self.refuse(
                at.map_or(1, |a| a.line),
                format!(
                    "table `{}`: its last row entry is not a one-line flow map, so new rows cannot be added after it",
                    self.table_id
                ),
            ),
        }
    }

    /// A `rows:` key with the new row entries (`appended`) for table entry `i`, which has none.
    fn first_rows(&mut self, i: usize, appended: &[String]) {
        let (text, table_id) = (self.text, self.table_id);
        let at = self
            .pos(&ValuePath::of("tables").index(i).key("id"))
            .map_or(1, |a| a.line);
        match entry_end(text, at) {
            Some((end, dash)) if !has_key(text, at, end, dash + 2, "rows") => {
                let key = " ".repeat(dash + 2);
                let lines: String = appended
                    .iter()
                    .map(|l| format!("{key}  - {l}\n"))
                    .collect();
                self.edits.push((end, end, format!("{key}rows:\n{lines}")));
            }
            _ => self.refuse(
                at,
                format!(
                    "table `{table_id}`: the entry is not written `- id: {table_id}` with its keys below, or has `rows:` written otherwise than as a list of lines"
                ),
            ),
        }
    }

    /// A new table entry with the new rows, after the last entry of `tables:`, or a new
    /// `tables:` key at the end of the file when the report has none.
    fn new_entry(&mut self, f: &FollowUp, t: &Table, new_rows: &[(usize, Set)]) {
        let (text, table_id) = (self.text, self.table_id);
        let lines: Vec<String> = new_rows
            .iter()
            .map(|(r, set)| self.new_line(&t.rows[*r].id, set))
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
                let at = self
                    .pos(&ValuePath::of("tables").index(last).key("id"))
                    .map_or(1, |a| a.line);
                match entry_end(text, at) {
                    Some((end, dash)) => self.edits.push((end, end, block(dash))),
                    None => self.refuse(
                        at,
                        "the last entry of `tables:` is not written `- id: …` with its keys below, so a table entry cannot be added after it".to_string(),
                    ),
                }
            }
            None => {
                if let Some(n) = text.lines().position(|l| l.starts_with("tables:")) {
                    self.refuse(
                        n + 1,
                        "`tables:` is not an empty key followed by a list of lines (`tables: []`?), so a table entry cannot be added".to_string(),
                    );
                } else {
                    let nl = if text.ends_with('\n') || text.is_empty() {
                        ""
                    } else {
                        "\n"
                    };
                    self.edits
                        .push((text.len(), text.len(), format!("{nl}tables:\n{}", block(2))));
                }
            }
        }
    }
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
