//! Spreadsheets in and out, for the finance staff.
//!
//! `vplan export --format xlsx` writes every table to a workbook, one sheet per table: the row
//! ids, the labels, the text columns and the amounts as numbers with the column's decimals; every
//! computed cell is an Excel *formula* over the cells it is computed from (a sum row over its
//! rows, a referenced cell over the other sheet, a summary table over the area sheets), with the
//! computed value stored as the formula's result. `--format csv` writes one long table.
//!
//! `vplan import FILE.xlsx --table ID` reads the amounts of one sheet back, matches rows by id
//! (or label), and rewrites only the `values: [...]` of the changed rows in the table's YAML,
//! keeping its comments and order.
//!
//! Excel holds numbers as binary doubles; an amount that a double cannot hold exactly (more
//! than 15 significant digits) is written as text, never rounded silently, and on import every
//! number is read back through its shortest decimal representation into `Decimal`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::content::{Plan, RowKind, Table};
use crate::figures::{CellRef, Expr, Figures};

/// Excel's limit on sheet names.
const SHEET_NAME_MAX: usize = 31;

/// The sheet name of each table: its id, shortened and made unique within the workbook.
pub fn sheet_names(plan: &Plan) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    let mut used = std::collections::HashSet::new();
    for id in plan.tables.keys() {
        let clean: String = id
            .chars()
            .map(|c| if "[]:*?/\\'".contains(c) { '-' } else { c })
            .collect();
        let mut name: String = clean.chars().take(SHEET_NAME_MAX).collect();
        let mut n = 2;
        while !used.insert(name.to_lowercase()) {
            let suffix = format!("~{n}");
            name = clean
                .chars()
                .take(SHEET_NAME_MAX - suffix.len())
                .collect::<String>()
                + &suffix;
            n += 1;
        }
        names.insert(id.clone(), name);
    }
    names
}

/// `A`, `B`, … `Z`, `AA` …
fn column_letter(mut c: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII")
}

/// The sheet column of the first amount column: id, label, then the text columns.
fn first_amount_column(t: &Table) -> usize {
    2 + t.text_columns.len()
}

/// `B7`-style reference to a table's cell (row index and amount column index).
fn cell_ref(t: &Table, row: usize, col: usize) -> String {
    format!("{}{}", column_letter(first_amount_column(t) + col), row + 2)
}

/// The formula of a computed cell, when it is one: the cell's expression in the figures
/// model, written over the cells of the sheets.
fn formula(
    plan: &Plan,
    figures: &Figures,
    sheets: &BTreeMap<String, String>,
    cell: &CellRef,
) -> Option<String> {
    let address = |c: &CellRef, own: bool| -> Option<String> {
        let t = &plan.tables.get(&c.table)?.value;
        let (r, k) = figures.position(c)?;
        Some(if own {
            cell_ref(t, r, k)
        } else {
            format!("'{}'!{}", sheets.get(&c.table)?, cell_ref(t, r, k))
        })
    };
    let join = |cells: &[CellRef]| -> Option<String> {
        let parts = cells
            .iter()
            .map(|c| address(c, c.table == cell.table))
            .collect::<Option<Vec<_>>>()?;
        Some(if parts.is_empty() {
            "=0".into()
        } else {
            format!("={}", parts.join("+"))
        })
    };
    match figures.expr(cell)? {
        Expr::Empty | Expr::Typed(_) => None,
        Expr::Ref(c) => address(c, c.table == cell.table).map(|a| format!("={a}")),
        Expr::Sum(cells) => join(cells),
        Expr::SumOf(cells) if cells.is_empty() => None,
        Expr::SumOf(cells) => join(cells),
    }
}

/// A Decimal as an Excel number, when a double holds it exactly.
fn as_double(v: Decimal) -> Option<f64> {
    let f = v.to_f64()?;
    let back: Decimal = format!("{f}").parse().ok()?;
    (back.normalize() == v.normalize()).then_some(f)
}

/// Excel number format for `precision` decimals (Excel shows it in the reader's locale:
/// `1 234,5` in Swedish).
fn number_format(precision: u32) -> String {
    if precision == 0 {
        "#,##0".into()
    } else {
        format!("#,##0.{}", "0".repeat(precision as usize))
    }
}

/// The workbook, as bytes. Returns also the amounts that had to be written as text.
pub fn workbook(plan: &Plan, computed: &Figures) -> Result<(Vec<u8>, Vec<String>)> {
    use rust_xlsxwriter::{Format, Formula, Workbook};
    let sheets = sheet_names(plan);
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let mut as_text = Vec::new();
    for (id, table) in &plan.tables {
        let t = &table.value;
        let ws = wb.add_worksheet();
        ws.set_name(&sheets[id])?;
        ws.write_string_with_format(0, 0, "id", &bold)?;
        ws.write_string_with_format(0, 1, &t.caption, &bold)?;
        for (k, tc) in t.text_columns.iter().enumerate() {
            ws.write_string_with_format(0, (2 + k) as u16, &tc.title, &bold)?;
        }
        let first = first_amount_column(t);
        for (c, col) in t.columns.iter().enumerate() {
            ws.write_string_with_format(0, (first + c) as u16, &col.title, &bold)?;
        }
        ws.set_column_width(0, 14)?;
        ws.set_column_width(1, 44)?;
        for (r, row) in t.rows.iter().enumerate() {
            let xr = (r + 1) as u32;
            let strong = row.kind != RowKind::Data;
            ws.write_string(xr, 0, &row.id)?;
            if strong {
                ws.write_string_with_format(xr, 1, &row.label, &bold)?;
            } else {
                ws.write_string(xr, 1, &row.label)?;
            }
            for (k, tc) in t.text_columns.iter().enumerate() {
                if let Some(text) = row.text.get(&tc.id) {
                    ws.write_string(xr, (2 + k) as u16, text)?;
                }
            }
            for (c, col) in t.columns.iter().enumerate() {
                let xc = (first + c) as u16;
                let mut fmt = Format::new().set_num_format(number_format(col.precision));
                if strong {
                    fmt = fmt.set_bold();
                }
                let value = computed.at(id, r, c);
                let cell = CellRef::new(id, &row.id, &col.id);
                if let Some(f) = formula(plan, computed, &sheets, &cell) {
                    let result = value.map(|v| v.normalize().to_string()).unwrap_or_default();
                    ws.write_formula_with_format(xr, xc, Formula::new(f).set_result(result), &fmt)?;
                } else if let Some(v) = value {
                    match as_double(v) {
                        Some(f) => {
                            ws.write_number_with_format(xr, xc, f, &fmt)?;
                        }
                        None => {
                            ws.write_string(xr, xc, v.to_string())?;
                            as_text.push(format!("{id} › {} › {}: {v}", row.label, col.title));
                        }
                    }
                }
            }
        }
    }
    let bytes = wb.save_to_buffer()?;
    Ok((bytes, as_text))
}

/// Every cell of every table as one long CSV: table, row, label, column, value (a plain
/// decimal number, `.` as the decimal point), sum rows included.
pub fn csv(plan: &Plan, computed: &Figures) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from("table,row,label,kind,column,column_title,value\n");
    for (id, table) in &plan.tables {
        let t = &table.value;
        for (r, row) in t.rows.iter().enumerate() {
            if row.kind == RowKind::Group {
                continue;
            }
            for (c, col) in t.columns.iter().enumerate() {
                let v = computed.at(id, r, c);
                out.push_str(&format!(
                    "{},{},{},{},{},{},{}\n",
                    field(id),
                    field(&row.id),
                    field(&row.label),
                    if row.kind == RowKind::Sum {
                        "sum"
                    } else {
                        "data"
                    },
                    field(&col.id),
                    field(&col.title),
                    v.map(|v| v.to_string()).unwrap_or_default()
                ));
            }
        }
    }
    out
}

/// What an import found.
#[derive(Debug, Default)]
pub struct Import {
    /// (row id, column id, old, new) of every changed amount.
    pub changed: Vec<(String, String, Option<Decimal>, Option<Decimal>)>,
    /// Rows of the sheet that match no row of the table.
    pub unknown: Vec<String>,
    /// Data rows of the table with typed amounts that the sheet does not have.
    pub missing: Vec<String>,
    /// Cells that could not be read as amounts, or have too many decimals.
    pub bad: Vec<String>,
    /// The table's YAML with the new amounts.
    pub yaml: String,
}

fn read_amount(cell: &calamine::Data) -> Result<Option<Decimal>, String> {
    use calamine::Data;
    match cell {
        Data::Empty => Ok(None),
        Data::Int(i) => Ok(Some(Decimal::from(*i))),
        // The shortest decimal text of the double, as typed into Excel.
        Data::Float(f) => format!("{f}")
            .parse::<Decimal>()
            .map(Some)
            .map_err(|_| format!("{f} is not an amount")),
        Data::String(s) if s.trim().is_empty() => Ok(None),
        Data::String(s) => {
            let normal: String = s
                .trim()
                .replace(['\u{a0}', '\u{202f}', ' '], "")
                .replace('\u{2212}', "-")
                .replace(',', ".");
            normal
                .parse::<Decimal>()
                .map(Some)
                .map_err(|_| format!("`{s}` is not an amount"))
        }
        other => Err(format!("`{other}` is not an amount")),
    }
}

/// Reads the amounts of a table from a sheet and rewrites its YAML text.
pub fn import(plan: &Plan, table_id: &str, workbook: &Path, sheet: Option<&str>) -> Result<Import> {
    use calamine::{open_workbook, Reader, Xlsx};
    let table = plan.tables.get(table_id).with_context(|| {
        format!(
            "there is no table `{table_id}`; the tables are: {}",
            plan.tables.keys().cloned().collect::<Vec<_>>().join(", ")
        )
    })?;
    let t = &table.value;
    let sheets = sheet_names(plan);
    let sheet = sheet.unwrap_or(&sheets[table_id]);
    let mut wb: Xlsx<_> = open_workbook(workbook)
        .with_context(|| format!("cannot read {} as an xlsx workbook", workbook.display()))?;
    let range = wb
        .worksheet_range(sheet)
        .with_context(|| format!("{} has no sheet `{sheet}`", workbook.display()))?;
    let mut rows = range.rows();
    let header: Vec<String> = rows
        .next()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .unwrap_or_default();
    // Amount columns: where `vplan export` puts them, else by title (titles may repeat under
    // different groups, so the expected place comes first).
    let first = first_amount_column(t);
    let mut taken = std::collections::HashSet::new();
    let columns: Vec<Option<usize>> = t
        .columns
        .iter()
        .enumerate()
        .map(|(c, col)| {
            let title = col.title.trim();
            let at = if header.get(first + c).map(|h| h.trim()) == Some(title) {
                Some(first + c)
            } else {
                (0..header.len()).find(|i| !taken.contains(i) && header[*i].trim() == title)
            };
            if let Some(i) = at {
                taken.insert(i);
            }
            at
        })
        .collect();
    let mut result = Import::default();
    for (col, at) in t.columns.iter().zip(&columns) {
        if at.is_none() {
            result
                .bad
                .push(format!("the sheet has no column titled `{}`", col.title));
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut new_values: BTreeMap<usize, Vec<Option<Decimal>>> = BTreeMap::new();
    for cells in rows {
        let text = |i: usize| cells.get(i).map(|c| c.to_string()).unwrap_or_default();
        let (id, label) = (text(0), text(1));
        if id.trim().is_empty() && label.trim().is_empty() {
            continue;
        }
        let Some(r) = t
            .rows
            .iter()
            .position(|row| row.id == id.trim())
            .or_else(|| {
                t.rows
                    .iter()
                    .position(|row| row.label.trim() == label.trim())
            })
        else {
            result.unknown.push(if id.is_empty() { label } else { id });
            continue;
        };
        seen.insert(r);
        let row = &t.rows[r];
        if row.kind != RowKind::Data || row.values.is_none() {
            continue; // computed rows are formulas in the sheet
        }
        let mut vals = Vec::new();
        let typed = row.values.clone().unwrap_or_default();
        for (c, at) in columns.iter().enumerate() {
            // A cell taken from another table is a formula in the sheet, not an amount here.
            if row.refs.contains_key(&t.columns[c].id) || at.is_none() {
                vals.push(typed.get(c).copied().flatten());
                continue;
            }
            let cell = at.and_then(|i| cells.get(i)).cloned().unwrap_or_default();
            match read_amount(&cell) {
                Ok(Some(v)) if v.normalize().scale() > t.columns[c].precision => {
                    result.bad.push(format!(
                        "{} › {}: {v} has more than {} decimals",
                        row.id, t.columns[c].title, t.columns[c].precision
                    ));
                    vals.push(Some(v));
                }
                Ok(v) => vals.push(v),
                Err(e) => {
                    result
                        .bad
                        .push(format!("{} › {}: {e}", row.id, t.columns[c].title));
                    vals.push(None);
                }
            }
        }
        new_values.insert(r, vals);
    }
    for (r, row) in t.rows.iter().enumerate() {
        if row.kind == RowKind::Data && row.values.is_some() && !seen.contains(&r) {
            result.missing.push(row.id.clone());
        }
    }
    let text = plan
        .source(&table.file)
        .with_context(|| format!("cannot read {}", table.file.display()))?
        .to_string();
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (r, vals) in &new_values {
        let row = &t.rows[*r];
        let old = row.values.clone().unwrap_or_default();
        let mut changed = false;
        for (c, new) in vals.iter().enumerate() {
            let before = old.get(c).copied().flatten();
            if before.map(|v| v.normalize()) != new.map(|v| v.normalize()) {
                changed = true;
                result
                    .changed
                    .push((row.id.clone(), t.columns[c].id.clone(), before, *new));
            }
        }
        if !changed {
            continue;
        }
        let (span, tokens) = row_list(plan, &table.file, &text, *r, "values")?;
        // Unchanged cells keep their text as typed; a changed one is written with the
        // column's decimals.
        let list = vals
            .iter()
            .enumerate()
            .map(|(c, v)| {
                let before = old.get(c).copied().flatten();
                match tokens.get(c) {
                    Some(tok) if tokens.len() == vals.len() && before == *v => tok.to_string(),
                    _ => match v {
                        Some(v) => {
                            let mut v = *v;
                            v.rescale(t.columns[c].precision);
                            v.to_string()
                        }
                        None => "~".into(),
                    },
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        edits.push((span.0, span.1, format!("[{list}]")));
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut yaml = text;
    for (start, end, new) in edits {
        yaml.replace_range(start..end, &new);
    }
    result.yaml = yaml;
    Ok(result)
}

/// The byte range of row `r`'s `key: [...]` list (`values`, `control`) in a table's YAML text,
/// and its items as typed.
pub fn row_list<'t>(
    plan: &Plan,
    file: &Path,
    text: &'t str,
    r: usize,
    key: &str,
) -> Result<((usize, usize), Vec<&'t str>)> {
    let span = locate_list(plan, file, text, &format!("rows.{r}.{key}")).with_context(|| {
        format!(
            "{}: the {key} of row {} are not written as `{key}: [...]` on one line",
            file.display(),
            r + 1
        )
    })?;
    let tokens = text[span.0 + 1..span.1 - 1]
        .split(',')
        .map(str::trim)
        .collect();
    Ok((span, tokens))
}

/// Byte range of the one-line flow list `[...]` at `path` of a content file's YAML text.
pub fn locate_list(plan: &Plan, file: &Path, text: &str, path: &str) -> Option<(usize, usize)> {
    let pos = plan.pos(file, path)?;
    let line_start: usize = text
        .split_inclusive('\n')
        .take(pos.line - 1)
        .map(str::len)
        .sum();
    let line = text[line_start..].lines().next()?;
    let from = line
        .char_indices()
        .nth(pos.column - 1)
        .map(|(i, _)| i)
        .unwrap_or(line.len());
    let open = line[from..].find('[')? + from;
    let close = line[open..].find(']')? + open;
    Some((line_start + open, line_start + close + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }

    #[test]
    fn doubles_only_when_exact() {
        assert_eq!(as_double("1234.5".parse().unwrap()), Some(1234.5));
        assert_eq!(as_double("12345678901234567890.12".parse().unwrap()), None);
    }
}
