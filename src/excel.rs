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
//! number is read back through its shortest decimal representation into `Decimal`. Import never
//! invents an amount: a formula, an error value, a truth value, a date, or a number a double or
//! the column cannot hold exactly is an error naming its cell (`driftbudget!C7`), and nothing
//! is written. Nor does it drop or misplace one: a label that is not its id's row's (a sheet
//! sorted without its id column), a number typed over a computed cell that is not vplan's
//! value, and a changed row whose `values` other rows share through a YAML anchor are errors
//! too. Text fields of the CSV that a spreadsheet would run as a formula start with `'`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::content::{Plan, RowKind, Table};
use crate::diag::Diagnostic;
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
    let f = match figures.expr(cell)? {
        Expr::Empty | Expr::Typed(_) => None,
        Expr::Ref(c) => address(c, c.table == cell.table).map(|a| format!("={a}")),
        Expr::Sum(rows) => {
            let plain = join(&figures.terms(cell))?;
            if plain.len() <= FORMULA_MAX {
                Some(plain)
            } else {
                // Runs of adjacent rows as ranges, so that a long table's sum still fits.
                let t = &plan.tables.get(&cell.table)?.value;
                let (_, c) = figures.position(cell)?;
                let mut sorted = rows.to_vec();
                sorted.sort_unstable();
                let mut parts = Vec::new();
                let mut i = 0;
                while i < sorted.len() {
                    let mut j = i;
                    while j + 1 < sorted.len() && sorted[j + 1] == sorted[j] + 1 {
                        j += 1;
                    }
                    parts.push(if j - i >= 2 {
                        format!(
                            "SUM({}:{})",
                            cell_ref(t, sorted[i], c),
                            cell_ref(t, sorted[j], c)
                        )
                    } else {
                        (i..=j)
                            .map(|k| cell_ref(t, sorted[k], c))
                            .collect::<Vec<_>>()
                            .join("+")
                    });
                    i = j + 1;
                }
                Some(format!("={}", parts.join("+")))
            }
        }
        Expr::SumOf(cells) if cells.is_empty() => None,
        Expr::SumOf(cells) => join(cells),
    };
    // Excel refuses a longer formula: the cell then holds its value alone.
    f.filter(|f| f.len() <= FORMULA_MAX)
}

/// The longest formula Excel accepts, in characters.
const FORMULA_MAX: usize = 8192;

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
        // A text a spreadsheet would take for a formula is written as text (OWASP's advice
        // against CSV injection): `'=SUM(A1)`. Amounts are never text fields.
        let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
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
    /// Changed rows whose `values` cannot be rewritten safely (anchored, an alias, tagged).
    pub refused: Vec<Diagnostic>,
    /// The table's YAML with the new amounts.
    pub yaml: String,
}

/// Most significant digits a spreadsheet number (a double) holds exactly.
const DOUBLE_DIGITS: u32 = 15;
/// Most digits a `Decimal` holds.
const DECIMAL_DIGITS: u32 = 28;

/// A cell in A1 notation, `driftbudget!C7` (the sheet quoted when Excel would quote it:
/// `'bilaga-1-it'!C7`); `row` and `col` count from 0.
pub fn a1(sheet: &str, row: u32, col: u32) -> String {
    let plain = sheet
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        && !sheet.starts_with(|c: char| c.is_ascii_digit())
        && !sheet.is_empty();
    let sheet = if plain {
        sheet.to_string()
    } else {
        format!("'{}'", sheet.replace('\'', "''"))
    };
    format!(
        "{sheet}!{}{}",
        column_letter(col as usize),
        u64::from(row) + 1
    )
}

/// An amount for a column with `precision` decimals, from a cell (and its formula, when it
/// has one). Never invents: a formula, an error value, a truth value, a date, a number a
/// double or the column cannot hold exactly, or one beyond the plan's bound on amounts
/// ([`crate::figures::max_amount`]) is an error, not an amount or an empty cell.
fn read_amount(
    cell: &calamine::Data,
    formula: Option<&str>,
    precision: u32,
) -> Result<Option<Decimal>, String> {
    let v = read_cell(cell, formula, precision)?;
    match v {
        Some(v) if v.abs() > crate::figures::max_amount() => Err(format!(
            "{} is too large for an amount: amounts are below 10^15 (1 000 000 000 000 000) in magnitude",
            v.normalize()
        )),
        _ => Ok(v),
    }
}

/// [`read_amount`] without the bound on amounts.
fn read_cell(
    cell: &calamine::Data,
    formula: Option<&str>,
    precision: u32,
) -> Result<Option<Decimal>, String> {
    use calamine::Data;
    if let Some(f) = formula.map(str::trim).filter(|f| !f.is_empty()) {
        let f = if f.starts_with('=') {
            f.to_string()
        } else {
            format!("={f}")
        };
        return Err(match cell {
            Data::Empty => format!("the formula `{f}` has no stored result (the program that saved the file did not calculate it); type the amount, or paste the cells as values"),
            Data::String(s) if s.is_empty() => format!("the formula `{f}` has no stored result (the program that saved the file did not calculate it); type the amount, or paste the cells as values"),
            Data::Error(e) => format!("the formula `{f}` gives the error {e} in the spreadsheet, not an amount"),
            _ => format!("the formula `{f}` is not an amount: vplan reads typed amounts only, as it cannot recompute a formula nor trust the result a program stored for it; paste the cells as values"),
        });
    }
    match cell {
        Data::Empty => Ok(None),
        Data::Int(i) => fits(Decimal::from(*i), precision).map(Some),
        Data::Float(f) => from_double(*f, precision).map(Some),
        Data::String(s) if s.trim().is_empty() => Ok(None),
        Data::String(s) => {
            let normal = plain_number(s);
            let digits = normal.strip_prefix(['-', '+']).unwrap_or(&normal);
            let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
            let shape = !(int.is_empty() && frac.is_empty())
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
                && !(digits.contains('.') && frac.is_empty());
            if !shape {
                return Err(format!("`{s}` is not an amount"));
            }
            if frac.len() > precision as usize {
                return Err(format!("`{s}` has more than {}", decimals_text(precision)));
            }
            let int_digits = int.trim_start_matches('0').len().max(1) as u32;
            if int_digits + precision > DECIMAL_DIGITS {
                return Err(format!("`{s}` is too large for an amount"));
            }
            let normal = if int.is_empty() {
                normal.replacen('.', "0.", 1)
            } else {
                normal
            };
            normal
                .parse::<Decimal>()
                .map(|v| Some(if v.is_zero() { Decimal::ZERO } else { v }))
                .map_err(|_| format!("`{s}` is not an amount"))
        }
        Data::Bool(b) => Err(format!(
            "{} is a truth value, not an amount",
            if *b { "TRUE" } else { "FALSE" }
        )),
        Data::DateTime(d) if d.is_duration() => Err(format!(
            "a duration (Excel value {d}), not an amount: give the cell a number format"
        )),
        Data::DateTime(d) => Err(format!(
            "a date (Excel value {d}), not an amount: give the cell a number format"
        )),
        Data::DateTimeIso(d) => Err(format!("a date ({d}), not an amount")),
        Data::DurationIso(d) => Err(format!("a duration ({d}), not an amount")),
        Data::Error(e) => Err(format!(
            "the error value {e}, not an amount (a formula failed in the spreadsheet)"
        )),
    }
}

/// `1 decimal`, `2 decimals`; `no decimals`.
fn decimals_text(precision: u32) -> String {
    match precision {
        0 => "no decimals (the column has whole numbers)".into(),
        1 => "1 decimal".into(),
        n => format!("{n} decimals"),
    }
}

/// An amount that a column with `precision` decimals holds within a `Decimal`.
fn fits(v: Decimal, precision: u32) -> Result<Decimal, String> {
    let v = v.normalize();
    if v.scale() > precision {
        return Err(format!("{v} has more than {}", decimals_text(precision)));
    }
    let int_digits = v
        .trunc()
        .abs()
        .to_string()
        .trim_start_matches('0')
        .len()
        .max(1) as u32;
    if int_digits + precision > DECIMAL_DIGITS {
        return Err(format!("{v} is too large for an amount"));
    }
    Ok(v)
}

/// A double as the decimal number typed into the spreadsheet: its shortest round-trip text,
/// never an `as` conversion. A double with more than 15 significant digits is not a number
/// anyone typed (`0.1+0.2` gives `0.30000000000000004`; Excel keeps 15 digits of a typed
/// number) and is refused rather than rounded; so is one with more decimals than the column,
/// one too large for a `Decimal`, a subnormal, an infinity or a NaN.
pub fn from_double(f: f64, precision: u32) -> Result<Decimal, String> {
    if !f.is_finite() {
        return Err(format!("{f} is not an amount"));
    }
    if f == 0.0 {
        return Ok(Decimal::ZERO);
    }
    if f.is_subnormal() {
        return Err(format!("{f:e} is too small to be an amount"));
    }
    // Shortest round-trip digits and exponent: `1.2345e3`.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` has an exponent");
    let exp: i32 = exp.parse().expect("an integer exponent");
    let digits = mantissa.replace('.', "").len() as i32;
    let shown = if (-7..=21).contains(&exp) {
        format!("{f}")
    } else {
        format!("{f:e}")
    };
    if digits > DOUBLE_DIGITS as i32 {
        return Err(format!(
            "{shown} has {digits} significant digits, more than a spreadsheet number holds exactly ({DOUBLE_DIGITS}); write it as text to keep every digit"
        ));
    }
    let decimals = (digits - 1 - exp).max(0);
    if decimals > precision as i32 {
        return Err(format!(
            "{shown} has more than {}",
            decimals_text(precision)
        ));
    }
    let int_digits = (exp + 1).max(1);
    if int_digits + precision as i32 > DECIMAL_DIGITS as i32 {
        return Err(format!("{shown} is too large for an amount"));
    }
    format!("{f}")
        .parse::<Decimal>()
        .map_err(|_| format!("{shown} is not an amount"))
}

/// Reads the amounts of a table from a sheet and rewrites its YAML text.
pub fn import(
    plan: &Plan,
    figures: &Figures,
    table_id: &str,
    workbook: &Path,
    sheet: Option<&str>,
) -> Result<Import> {
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
    // A formula cell without a stored result reads as empty in `range`: the formulas tell.
    let formulas = wb.worksheet_formula(sheet).with_context(|| {
        format!(
            "cannot read the formulas of sheet `{sheet}` in {}",
            workbook.display()
        )
    })?;
    // Absolute positions (a sheet's used range need not start at A1): the header is the
    // first row used, column A holds the ids.
    let (top, _) = range.start().unwrap_or((0, 0));
    let (bottom, right) = range.end().unwrap_or((0, 0));
    let value = |r: u32, c: usize| -> calamine::Data {
        u32::try_from(c)
            .ok()
            .and_then(|c| range.get_value((r, c)))
            .cloned()
            .unwrap_or_default()
    };
    let text = |r: u32, c: usize| value(r, c).to_string();
    let header: Vec<String> = if range.is_empty() {
        Vec::new()
    } else {
        (0..=right as usize).map(|c| text(top, c)).collect()
    };
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
    let mut seen = std::collections::HashMap::new();
    let mut new_values: BTreeMap<usize, Vec<Option<Decimal>>> = BTreeMap::new();
    let first_row = top.saturating_add(1);
    let body = first_row..if range.is_empty() {
        first_row
    } else {
        bottom.saturating_add(1)
    };
    for xr in body {
        let (id, label) = (text(xr, 0), text(xr, 1));
        let (id, label) = (id.trim(), label.trim());
        if id.is_empty() && label.is_empty() {
            continue;
        }
        let labelled: Vec<usize> = if label.is_empty() {
            Vec::new()
        } else {
            (0..t.rows.len())
                .filter(|&r| same_label(&t.rows[r].label, label))
                .collect()
        };
        let r = match t.rows.iter().position(|row| row.id == id) {
            // The id names the row; a label beside it must be that row's, or the sheet's
            // columns have come apart (sorted without column A) or a label was edited, and
            // either way the amounts may be another row's.
            Some(r) if !label.is_empty() && !same_label(&t.rows[r].label, label) => {
                let own = t.rows[r].label.trim();
                seen.entry(r).or_insert(xr); // in the sheet, if wrongly: not `missing`
                result.bad.push(match labelled.first() {
                    Some(&other) => format!(
                        "{}: row `{id}` has the label `{label}` of row `{}` (its own label is `{own}`): the ids in column A and the labels in column B disagree, as after sorting some columns without column A; sort whole rows, or export again",
                        a1(sheet, xr, 1),
                        t.rows[other].id
                    ),
                    None => format!(
                        "{}: row `{id}` has the label `{label}`, not its own label `{own}`: import reads amounts, never labels; change the label in {} and export again, or put back `{own}` in the sheet",
                        a1(sheet, xr, 1),
                        table.file.display()
                    ),
                });
                continue;
            }
            Some(r) => r,
            // No id (or an id the table does not have): the label tells, if only one row has it.
            None => match labelled[..] {
                [r] => r,
                [] => {
                    result
                        .unknown
                        .push(if id.is_empty() { label } else { id }.to_string());
                    continue;
                }
                _ => {
                    result.bad.push(format!(
                        "{}: the label `{label}` is the label of rows {}: write the row's id in column A",
                        a1(sheet, xr, 1),
                        labelled
                            .iter()
                            .map(|&r| format!("`{}`", t.rows[r].id))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                    continue;
                }
            },
        };
        let row = &t.rows[r];
        if let Some(first) = seen.insert(r, xr) {
            // Which of two rows is meant cannot be known: neither is taken.
            result.bad.push(format!(
                "{}: row `{}` is in the sheet twice (also in row {}): delete one of them",
                a1(sheet, xr, 0),
                row.id,
                u64::from(first) + 1
            ));
            continue;
        }
        // Only the typed amounts of data rows are read; every other cell (a sum, a cell taken
        // from another table, a summary table's cell, a group heading's) must be a formula, empty,
        // or what vplan computes: a number typed over it would otherwise be dropped unseen.
        let typed_row = row.kind == RowKind::Data && row.values.is_some();
        let mut vals = Vec::new();
        let typed = row.values.clone().unwrap_or_default();
        for (c, at) in columns.iter().enumerate() {
            let col = &t.columns[c];
            let cell = CellRef::new(table_id, &row.id, &col.id);
            let expr = figures.expr(&cell);
            let Some(xc) = *at else {
                vals.push(typed.get(c).copied().flatten());
                continue;
            };
            let formula = u32::try_from(xc)
                .ok()
                .and_then(|xc| formulas.get_value((xr, xc)))
                .map(String::as_str)
                .filter(|f| !f.trim().is_empty());
            let place = format!(
                "{} (row `{}`, column `{}`)",
                a1(sheet, xr, xc as u32),
                row.id,
                col.title
            );
            if !typed_row || expr.is_some_and(Expr::is_computed) {
                vals.push(typed.get(c).copied().flatten());
                if formula.is_some() {
                    continue; // a formula is the export's own; vplan computes the cell
                }
                let want = figures.at(table_id, r, c);
                if let Err(has) = holds(&value(xr, xc), want) {
                    let shown = want.map_or("nothing".to_string(), |w| w.normalize().to_string());
                    result.bad.push(match expr {
                        Some(e) if e.is_computed() => format!(
                            "{place} is computed ({} = {}): the sheet has {has} there, vplan computes {shown}; change the rows it is computed from",
                            row.label.trim(),
                            describe(table_id, e, t)
                        ),
                        _ if row.kind == RowKind::Group => format!(
                            "{place} is in the group heading `{}`, which has no amounts: the sheet has {has} there; type amounts in the group's rows",
                            row.label.trim()
                        ),
                        _ => format!(
                            "{place}: the row has no typed amounts (no `values:` in {}), but the sheet has {has} there; add `values:` to the row first",
                            table.file.display()
                        ),
                    });
                }
                continue;
            }
            match read_amount(&value(xr, xc), formula, col.precision) {
                Ok(v) => vals.push(v),
                Err(e) => {
                    result.bad.push(format!("{place}: {e}"));
                    vals.push(typed.get(c).copied().flatten());
                }
            }
        }
        if typed_row {
            new_values.insert(r, vals);
        }
    }
    for (r, row) in t.rows.iter().enumerate() {
        if row.kind == RowKind::Data && row.values.is_some() && !seen.contains_key(&r) {
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
        // The list is rewritten in place: only a plain `[...]` that no other row can share.
        if let Some(problem) = shared_list(plan, &table.file, &text, *r) {
            result.refused.push(problem);
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

/// Labels as a reader compares them: runs of white space are one space.
fn same_label(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// A number as a Swedish spreadsheet may show it (`−1 234,5`, spaces of any width) in the
/// plain form `Decimal` reads (`-1234.5`).
fn plain_number(s: &str) -> String {
    s.trim()
        .replace(['\u{a0}', '\u{202f}', '\u{2009}', ' '], "")
        .replace('\u{2212}', "-")
        .replace(',', ".")
}

/// Whether a cell the import does not read (no formula in it) agrees with `want`, the value
/// vplan computes there: an empty cell says nothing; a number must be `want` to the 15
/// significant digits a spreadsheet shows. `Err` tells what the cell has instead.
fn holds(cell: &calamine::Data, want: Option<Decimal>) -> Result<(), String> {
    use calamine::Data;
    let same = match cell {
        Data::Empty => true,
        Data::String(s) if s.trim().is_empty() => true,
        Data::Int(i) => want.is_some_and(|w| w.normalize() == Decimal::from(*i).normalize()),
        // As Excel shows it (15 significant digits): a sum Excel recalculated in doubles and
        // pasted as a value may be off in the 17th digit, and is still vplan's value.
        // The double's shortest text, read as a Decimal: the amount never becomes a double.
        Data::Float(f) => want.is_some_and(|w| {
            let sheet = Decimal::from_scientific(&format!("{f:e}")).ok();
            let shown = |v: Decimal| v.round_sf(DOUBLE_DIGITS).map(|v| v.normalize());
            sheet.is_some_and(|v| shown(v).is_some() && shown(v) == shown(w))
        }),
        Data::String(s) => {
            let normal = plain_number(s);
            match (normal.parse::<Decimal>(), want) {
                (Ok(v), Some(w)) => v.normalize() == w.normalize(),
                _ => false,
            }
        }
        _ => false,
    };
    if same {
        return Ok(());
    }
    Err(match cell {
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::String(s) => format!("`{s}`"),
        other => read_cell(other, None, 0)
            .err()
            .unwrap_or_else(|| other.to_string()),
    })
}

/// What a computed cell is computed from, in words: `the sum of rows a, b, c`.
fn describe(table_id: &str, expr: &Expr, t: &Table) -> String {
    let list = |items: Vec<String>| {
        let n = items.len();
        let mut shown: Vec<String> = items.into_iter().take(4).collect();
        if n > 4 {
            shown.push(format!("… ({n} in all)"));
        }
        shown.join(", ")
    };
    match expr {
        Expr::Sum(rows) => format!(
            "the sum of rows {}",
            list(
                rows.iter()
                    .filter_map(|&r| t.rows.get(r))
                    .map(|row| format!("`{}`", row.id))
                    .collect()
            )
        ),
        Expr::SumOf(cells) => format!(
            "the sum of the same cell in tables {}",
            list(cells.iter().map(|c| format!("`{}`", c.table)).collect())
        ),
        Expr::Ref(c) if c.table == table_id => format!("taken from row `{}`", c.row),
        Expr::Ref(c) => format!("taken from `{c}`"),
        Expr::Empty | Expr::Typed(_) => "not computed".into(),
    }
}

/// Why row `r`'s `values` of a table's YAML text cannot be rewritten in place, if it cannot:
/// the list is anchored (`&v [...]`: other rows may share it through an alias `*v`, and would
/// change with it), an alias itself (`*v`: the amounts are another row's), tagged, or holds
/// anchored, aliased or tagged items.
fn shared_list(plan: &Plan, file: &Path, text: &str, r: usize) -> Option<Diagnostic> {
    let path = format!("rows.{r}.values");
    let pos = plan.pos(file, &path)?;
    let row = plan.tables.values().find(|t| t.file == file).map_or_else(
        || format!("row {}", r + 1),
        |t| format!("row `{}`", t.value.rows[r].id),
    );
    let line = text.lines().nth(pos.line.checked_sub(1)?)?;
    let from = line
        .char_indices()
        .nth(pos.column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    // The node's properties: what stands between `values:` and the value's position, and
    // what the value starts with.
    let key = line[..from]
        .rfind("values")
        .map_or(0, |i| i + "values".len());
    let before = line[key..from].trim_start_matches([' ', ':']).trim();
    let after = line[from..].trim_start();
    let word = |s: &str| -> String {
        s.chars()
            .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
            .collect()
    };
    let items = after
        .strip_prefix('[')
        .and_then(|a| a.split_once(']'))
        .map_or("", |(inside, _)| inside);
    let item = items
        .split(',')
        .map(str::trim)
        .find(|i| i.starts_with(['&', '*', '!']));
    let problem = if let Some(anchor) = [before, after]
        .iter()
        .find(|s| s.starts_with('&'))
        .map(|s| word(s))
    {
        let name = &anchor[1..];
        format!(
            "{row}: its values are anchored (`{anchor}`), so other rows may share them through the alias `*{name}`; changing them would change those rows too: nothing written"
        )
    } else if after.starts_with('*') {
        format!(
            "{row}: its values are the alias `{}` of another row's values; changing them would change that row too: nothing written",
            word(after)
        )
    } else if let Some(tag) = [before, after].iter().find(|s| s.starts_with('!')) {
        format!(
            "{row}: its values carry the tag `{}`; vplan rewrites only a plain list `values: [...]`: nothing written",
            word(tag)
        )
    } else if let Some(item) = item {
        format!(
            "{row}: its values hold `{}`, an anchor, alias or tag, which other rows may share; vplan rewrites only a plain list of amounts: nothing written",
            word(item)
        )
    } else if !after.starts_with('[') {
        format!("{row}: its values are not written as `values: [...]` on one line: nothing written")
    } else {
        return None;
    };
    Some(
        Diagnostic::error(file, problem)
            .at(pos.line, pos.column)
            .with_hint(
            "write the row's amounts out as a plain list, `values: [100, 200]`, then import again",
        ),
    )
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
    fn cells_in_a1_notation() {
        assert_eq!(a1("driftbudget", 6, 2), "driftbudget!C7");
        assert_eq!(a1("bilaga-1-it", 0, 27), "'bilaga-1-it'!AB1");
        assert_eq!(a1("Kim's", 1, 0), "'Kim''s'!A2");
        assert_eq!(a1("2024", 1, 0), "'2024'!A2");
    }

    #[test]
    fn doubles_become_the_decimals_typed_or_an_error() {
        let ok = |f: f64, p: u32| from_double(f, p).unwrap().to_string();
        assert_eq!(ok(1234.5, 1), "1234.5");
        assert_eq!(ok(-0.0, 0), "0");
        assert_eq!(ok(1e20, 0), "100000000000000000000");
        assert_eq!(ok(0.001, 3), "0.001");
        assert_eq!(ok(123456789012345.0, 0), "123456789012345");
        let err = |f: f64, p: u32| from_double(f, p).unwrap_err();
        assert!(err(5e-324, 9).contains("too small"));
        assert!(err(1e300, 0).contains("too large"));
        assert!(err(1e28, 1).contains("too large"));
        assert!(err(f64::NAN, 0).contains("not an amount"));
        assert!(err(f64::INFINITY, 0).contains("not an amount"));
        assert!(err(0.1 + 0.2, 2).contains("17 significant digits"));
        assert!(err(1234567890123456.0, 0).contains("16 significant digits"));
        assert!(err(1.25, 1).contains("more than 1 decimal"));
        assert!(err(1e-30, 2).contains("more than 2 decimals"));
    }

    #[test]
    fn doubles_only_when_exact() {
        assert_eq!(as_double("1234.5".parse().unwrap()), Some(1234.5));
        assert_eq!(as_double("12345678901234567890.12".parse().unwrap()), None);
    }
}
