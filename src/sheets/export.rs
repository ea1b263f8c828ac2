//! The export: every table as a sheet of a workbook, each computed cell as an Excel formula
//! over the cells it is computed from (with vplan's value as its stored result), or all of them
//! as one long CSV.

use std::collections::BTreeMap;

use crate::error::{Context, Result};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::content::{Plan, RowKind};
use crate::figures::{CellRef, Expr, Figures};

use super::{cell_ref, first_amount_column, header_rows, sheet_names};

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
                Some(format!("={}", sum_in_ranges(t, rows, c)))
            }
        }
        Expr::SumOf(cells) if cells.is_empty() => None,
        Expr::SumOf(cells) => join(cells),
        // Empty (`""`) unless both are given, as vplan computes it; a cell holding `""`
        // counts as empty in the formulas over it.
        Expr::Difference(a, b) => {
            let (a, b) = (
                address(a, a.table == cell.table)?,
                address(b, b.table == cell.table)?,
            );
            Some(format!("=IF(OR({a}=\"\",{b}=\"\"),\"\",{a}-{b})"))
        }
        // Exact: the cell's number format shows it to the column's precision, as vplan prints.
        Expr::Share(part, whole) => {
            let (a, x) = (
                address(part, part.table == cell.table)?,
                address(whole, whole.table == cell.table)?,
            );
            Some(format!("=IF(OR({a}=\"\",{x}=\"\",{x}=0),\"\",{a}*100/{x})"))
        }
        // A period's budget is rounded to its column's precision (ROUND rounds half away from
        // zero, as vplan does).
        Expr::Part(of, part, whole) => {
            let (_, k) = figures.position(cell)?;
            let precision = plan
                .tables
                .get(&cell.table)?
                .value
                .columns
                .get(k)?
                .precision;
            let a = address(of, of.table == cell.table)?;
            Some(format!(
                "=IF({a}=\"\",\"\",ROUND({a}*{part}/{whole},{precision}))",
                part = part.normalize(),
                whole = whole.normalize()
            ))
        }
    };
    // Excel refuses a longer formula: the cell then holds its value alone.
    f.filter(|f| f.len() <= FORMULA_MAX)
}

/// The sum of rows `rows` of column `c` of table `t`, runs of three or more adjacent rows as
/// a range: `SUM(C5:C9)+C12+C13`.
fn sum_in_ranges(t: &crate::content::Table, rows: &[usize], c: usize) -> String {
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
    parts.join("+")
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
    xlsx(plan, computed).context("cannot make the workbook")
}

fn xlsx(
    plan: &Plan,
    computed: &Figures,
) -> std::result::Result<(Vec<u8>, Vec<String>), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
    let sheets = sheet_names(plan);
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let group_format = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_border_bottom(FormatBorder::Thin);
    let mut as_text = Vec::new();
    for (id, table) in &plan.tables {
        let t = &table.value;
        let ws = wb.add_worksheet();
        // An empty computed cell's stored result is empty, not 0 (a share of a zero whole is
        // `""`); LibreOffice also takes it as a cue to recompute the formula.
        ws.set_formula_result_default("");
        ws.set_name(&sheets[id])?;
        let head = sheet_header(ws, t, &bold, &group_format)?;
        let first = first_amount_column(t);
        for (r, row) in t.rows.iter().enumerate() {
            let xr = head + 1 + r as u32;
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
            let sheet = Sheet {
                plan,
                computed,
                sheets: &sheets,
                id,
                first,
            };
            sheet.amounts(ws, (r, xr), strong, &mut as_text)?;
        }
    }
    let bytes = wb.save_to_buffer()?;
    Ok((bytes, as_text))
}

/// Writes the header rows of table `t`'s sheet (the column groups, merged over their columns,
/// above the titles) and sets its columns' widths and its page; returns the row of the titles.
fn sheet_header(
    ws: &mut rust_xlsxwriter::Worksheet,
    t: &crate::content::Table,
    bold: &rust_xlsxwriter::Format,
    group_format: &rust_xlsxwriter::Format,
) -> std::result::Result<u32, rust_xlsxwriter::XlsxError> {
    let first = first_amount_column(t);
    let head = (header_rows(t) - 1) as u32;
    let mut at = first;
    for (group, span) in t.column_groups() {
        let (from, to) = (at as u16, (at + span - 1) as u16);
        if span > 1 {
            ws.merge_range(0, from, 0, to, &group, group_format)?;
        } else if !group.is_empty() {
            ws.write_string_with_format(0, from, &group, group_format)?;
        }
        at += span;
    }
    ws.write_string_with_format(head, 0, "id", bold)?;
    ws.write_string_with_format(head, 1, &t.caption, bold)?;
    for (k, tc) in t.text_columns.iter().enumerate() {
        ws.write_string_with_format(head, (2 + k) as u16, &tc.title, bold)?;
    }
    for (c, col) in t.columns.iter().enumerate() {
        ws.write_string_with_format(head, (first + c) as u16, &col.title, bold)?;
    }
    // Wide enough for the ids and labels; printed landscape, one page wide, with the
    // header rows repeated on every page and frozen on screen.
    let widest = |texts: &mut dyn Iterator<Item = usize>, min: usize, max: usize| {
        texts.max().unwrap_or(0).clamp(min, max) as f64 + 1.0
    };
    ws.set_column_width(
        0,
        widest(&mut t.rows.iter().map(|r| r.id.chars().count()), 8, 40),
    )?;
    ws.set_column_width(
        1,
        widest(&mut t.rows.iter().map(|r| r.label.chars().count()), 20, 60),
    )?;
    for (c, col) in t.columns.iter().enumerate() {
        let title = col.title.chars().count();
        ws.set_column_width((first + c) as u16, title.clamp(10, 24) as f64 + 1.0)?;
    }
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, head)?;
    ws.set_freeze_panes(head + 1, 2)?;
    Ok(head)
}

/// One table's sheet being written.
struct Sheet<'a> {
    plan: &'a Plan,
    computed: &'a Figures,
    sheets: &'a BTreeMap<String, String>,
    /// The table's id.
    id: &'a str,
    /// The sheet column of the table's first amount column.
    first: usize,
}

impl Sheet<'_> {
    /// The amounts of row `r` (sheet row `xr`): a computed cell as its formula with vplan's
    /// value as the stored result, else the value as a number, or as text (told in
    /// `as_text`) when a double cannot hold it exactly.
    fn amounts(
        &self,
        ws: &mut rust_xlsxwriter::Worksheet,
        (r, xr): (usize, u32),
        strong: bool,
        as_text: &mut Vec<String>,
    ) -> std::result::Result<(), rust_xlsxwriter::XlsxError> {
        use rust_xlsxwriter::{Format, Formula};
        let (id, computed) = (self.id, self.computed);
        let t = &self.plan.tables[id].value;
        let row = &t.rows[r];
        for (c, col) in t.columns.iter().enumerate() {
            let xc = (self.first + c) as u16;
            let mut fmt = Format::new().set_num_format(number_format(col.precision));
            if strong {
                fmt = fmt.set_bold();
            }
            let value = computed.at(id, r, c);
            let cell = CellRef::new(id, &row.id, &col.id);
            if let Some(f) = formula(self.plan, computed, self.sheets, &cell) {
                let result = value.map(|v| v.normalize().to_string()).unwrap_or_default();
                ws.write_formula_with_format(xr, xc, Formula::new(f).set_result(result), &fmt)?;
            } else if let Some(v) = value {
                match as_double(v) {
                    Some(f) => {
                        ws.write_number_with_format(xr, xc, f, &fmt)?;
                    }
                    None => {
                        ws.write_string(xr, xc, v.to_string())?;
                        as_text.push(format!("{id} › {} › {}: {v}", row.label, col.name()));
                    }
                }
            }
        }
        Ok(())
    }
}

/// The form of `--format csv`: what a spreadsheet of the user's locale opens as columns, or
/// RFC 4180 for machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvDialect {
    /// What Swedish Excel (and LibreOffice in Swedish) opens by double-click: UTF-8 with a
    /// byte-order mark (else Excel reads the file as Windows-1252), `;` between fields (the
    /// list separator of a locale whose decimal separator is the comma), a decimal comma in
    /// amounts (`-23,2`: no thousands separator, an ASCII hyphen-minus, so each is a number),
    /// CRLF line ends.
    #[default]
    ExcelSv,
    /// RFC 4180: UTF-8 without a byte-order mark, `,` between fields, a decimal point
    /// (`-23.2`), LF line ends.
    Plain,
}

impl CsvDialect {
    fn separator(self) -> char {
        match self {
            CsvDialect::ExcelSv => ';',
            CsvDialect::Plain => ',',
        }
    }

    fn line_end(self) -> &'static str {
        match self {
            CsvDialect::ExcelSv => "\r\n",
            CsvDialect::Plain => "\n",
        }
    }

    /// An amount, exactly: `Decimal`'s own text (never an exponent, never a thousands
    /// separator), its point a comma in the Swedish form.
    fn amount(self, v: Decimal) -> String {
        let text = v.to_string();
        match self {
            CsvDialect::ExcelSv => text.replace('.', ","),
            CsvDialect::Plain => text,
        }
    }
}

/// Every cell of every table as one long CSV: table, row, label, kind, column (its id, group
/// and title), value (a plain decimal number, the dialect's decimal separator), sum rows
/// included; in the form `dialect` says (the Swedish Excel form starts with a byte-order mark).
pub fn csv(plan: &Plan, computed: &Figures, dialect: CsvDialect) -> String {
    let sep = dialect.separator();
    let field = |s: &str| {
        // A text a spreadsheet would take for a formula is written as text (OWASP's advice
        // against CSV injection): `'=SUM(A1)`. Amounts are never text fields.
        let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        if s.contains([sep, '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    };
    let mut out = String::new();
    if dialect == CsvDialect::ExcelSv {
        out.push('\u{feff}');
    }
    let mut line = |fields: &[&str]| {
        out.push_str(&fields.join(&sep.to_string()));
        out.push_str(dialect.line_end());
    };
    line(&[
        "table",
        "row",
        "label",
        "kind",
        "column",
        "column_group",
        "column_title",
        "value",
    ]);
    for (id, table) in &plan.tables {
        let t = &table.value;
        for (r, row) in t.rows.iter().enumerate() {
            if row.kind == RowKind::Group {
                continue;
            }
            for (c, col) in t.columns.iter().enumerate() {
                let v = computed.at(id, r, c);
                line(&[
                    &field(id),
                    &field(&row.id),
                    &field(&row.label),
                    if row.kind == RowKind::Sum {
                        "sum"
                    } else {
                        "data"
                    },
                    &field(&col.id),
                    &field(col.group.as_deref().unwrap_or("")),
                    &field(&col.title),
                    &v.map(|v| dialect.amount(v)).unwrap_or_default(),
                ]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_amounts_are_exact_in_both_dialects() {
        for (v, sv, plain) in [
            ("-23.2", "-23,2", "-23.2"),
            ("1234567.50", "1234567,50", "1234567.50"),
            (
                "12345678901234567890.12",
                "12345678901234567890,12",
                "12345678901234567890.12",
            ),
            ("0.1", "0,1", "0.1"),
        ] {
            let v: Decimal = v.parse().unwrap();
            assert_eq!(CsvDialect::ExcelSv.amount(v), sv);
            assert_eq!(CsvDialect::Plain.amount(v), plain);
        }
    }

    #[test]
    fn doubles_only_when_exact() {
        assert_eq!(as_double("1234.5".parse().unwrap()), Some(1234.5));
        assert_eq!(as_double("12345678901234567890.12".parse().unwrap()), None);
    }
}
