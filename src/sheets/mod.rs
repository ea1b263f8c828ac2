//! Spreadsheets in and out, for the finance staff.
//!
//! `vplan export --format xlsx` writes every table to a workbook, one sheet per table: the row
//! ids, the labels, the text columns and the amounts as numbers with the column's decimals,
//! under the column titles and, where the table groups its columns, a row of merged group
//! titles above them (`Budget 2024` over `Omsättning`, `Varav budgetram`); every
//! computed cell is an Excel *formula* over the cells it is computed from (a sum row over its
//! rows, a referenced cell over the other sheet, a summary table over the area sheets), with the
//! computed value stored as the formula's result. `--format csv` writes one long table, by
//! default as Swedish Excel opens it (BOM, `;`, decimal comma), or RFC 4180 (`CsvDialect`).
//!
//! `vplan import FILE.xlsx --table ID` (or an `.ods`, LibreOffice's format) reads the amounts of one sheet back, matches rows by id
//! (or label), and rewrites only the `values: [...]` of the changed rows in the table's YAML,
//! keeping its comments and order. With `--report ID` it reads the table's outcomes (`Utfall`,
//! `Prognos`) instead, into the report's YAML (`outcomes.rs`), with the same sheet reading.
//!
//! Excel holds numbers as binary doubles; an amount that a double cannot hold exactly (more
//! than 15 significant digits) is written as text, never rounded silently, and on import every
//! number is read back through its shortest decimal representation into `Decimal`. Import never
//! invents an amount: a formula, an error value, a truth value, a date, or a number a double or
//! the column cannot hold exactly is an error naming its cell (`driftbudget!C7`), and nothing
//! is written; so is a number in a percent format (shown ×100) and text whose spaces are not
//! thousands separators (`12 3`). Nor does it drop or misplace one: a column is found by its
//! title and group, never by position, so titles that repeat without the group row are
//! refused; a label that is not its id's row's (a sheet sorted without its id column), a
//! number typed over a computed cell that is not vplan's value, and a changed row whose
//! `values` other rows share through a YAML anchor are errors too. Text fields of the CSV that a spreadsheet would run as a formula start with `'`.
//!
//! Here are the sheet names and cell addresses both directions share; the workbook and the CSV
//! are written in `export.rs`, a sheet is read back in `import.rs`, and a spreadsheet cell
//! becomes an amount (or an error) in `cells.rs`.

mod cells;
mod export;
mod import;
mod outcomes;

use std::collections::BTreeMap;

use crate::content::{Plan, Table};

pub use cells::from_double;
pub use export::{csv, workbook, CsvDialect};
pub use import::{import, Import};
pub use outcomes::{import_outcomes, Outcomes};

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

/// The rows above a table's first row in its sheet: the column titles, and above them the
/// column groups (merged cells) when the table has any.
fn header_rows(t: &Table) -> usize {
    if t.column_groups().is_empty() {
        1
    } else {
        2
    }
}

/// `B7`-style reference to a table's cell (row index and amount column index).
fn cell_ref(t: &Table, row: usize, col: usize) -> String {
    format!(
        "{}{}",
        column_letter(first_amount_column(t) + col),
        row + header_rows(t) + 1
    )
}

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
}
