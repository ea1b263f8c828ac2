//! The import: the amounts of one sheet matched to a table's rows by id (or label), checked
//! against what vplan computes, and written into the `values: [...]` of the changed rows in the
//! table's YAML text, keeping its comments and order.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Context, Result};
use rust_decimal::Decimal;

use crate::content::{Plan, RowKind, Table, ValuePath};
use crate::diag::{Code, Diagnostic};
use crate::figures::{CellRef, Expr, Figures};
use crate::yaml_text::row_list;

use super::cells::{holds, read_amount};
use super::{a1, sheet_names};

/// What an import found.
#[derive(Debug, Default)]
pub struct Import {
    /// (row id, column id, old, new) of every changed amount.
    pub changed: Vec<(String, String, Option<Decimal>, Option<Decimal>)>,
    /// Rows of the sheet that match no row of the table: the id (or label) and its cell,
    /// `bilaga-1-it!A5`.
    pub unknown: Vec<(String, String)>,
    /// Data rows of the table with typed amounts that the sheet does not have.
    pub missing: Vec<String>,
    /// Cells that could not be read as amounts, or have too many decimals.
    pub bad: Vec<String>,
    /// Changed rows whose `values` cannot be rewritten safely (anchored, an alias, tagged).
    pub refused: Vec<Diagnostic>,
    /// The table's YAML with the new amounts.
    pub yaml: String,
}

/// How a sheet is read into a table: which cells are amounts to read, which columns must be
/// in the sheet, and other titles a column is also found by.
pub(crate) struct Spec<'a> {
    /// Whether row `r` has amounts the import may write (the others are only compared).
    pub typed: &'a dyn Fn(usize) -> bool,
    /// Whether cell (row, column) of a typed row is read; the others are compared.
    pub read: &'a dyn Fn(usize, usize) -> bool,
    /// Whether a column must be in the sheet (an error when it is not, or is ambiguous).
    pub required: &'a dyn Fn(usize) -> bool,
    /// Other titles that find a column, in any group (`Utfall` of an economy system's export).
    pub aliases: &'a dyn Fn(usize) -> Vec<String>,
}

/// A cell the import does not read but that holds something: checked against vplan's value.
#[derive(Debug)]
pub(crate) struct Compared {
    /// `driftbudget!C7 (row `a`, column `b`)`.
    pub place: String,
    pub row: usize,
    pub column: usize,
    pub has: calamine::Data,
}

/// What one sheet holds for a table.
#[derive(Debug, Default)]
pub(crate) struct SheetRows {
    /// Per typed row found in the sheet, per column: `Some(amount)` where the cell was read.
    pub read: BTreeMap<usize, Vec<Option<Option<Decimal>>>>,
    /// The rows of the table found in the sheet, with their sheet row.
    pub seen: std::collections::HashMap<usize, u32>,
    /// Rows of the sheet that match no row of the table, with their cell.
    pub unknown: Vec<(String, String)>,
    /// Cells that could not be read.
    pub bad: Vec<String>,
    /// Cells not read that hold something (no formula).
    pub compared: Vec<Compared>,
    /// The sheet column of each column of the table, where found.
    pub columns: Vec<Option<usize>>,
}

/// Reads the amounts of a table from a sheet and rewrites its YAML text.
pub fn import(
    plan: &Plan,
    figures: &Figures,
    table_id: &str,
    workbook: &Path,
    sheet: Option<&str>,
) -> Result<Import> {
    let table = plan.tables.get(table_id).with_context(|| {
        format!(
            "there is no table `{table_id}`; the tables are: {}",
            plan.tables.keys().cloned().collect::<Vec<_>>().join(", ")
        )
    })?;
    let t = &table.value;
    let sheets = sheet_names(plan);
    let sheet = sheet.unwrap_or(&sheets[table_id]);
    let typed = |r: usize| t.rows[r].kind == RowKind::Data && t.rows[r].values.is_some();
    let read = |r: usize, c: usize| {
        let cell = CellRef::new(table_id, &t.rows[r].id, &t.columns[c].id);
        typed(r) && !figures.expr(&cell).is_some_and(Expr::is_computed)
    };
    let sheet_rows = read_sheet(
        t,
        &table.file,
        workbook,
        sheet,
        &Spec {
            typed: &typed,
            read: &read,
            required: &|_| true,
            aliases: &|_| Vec::new(),
        },
    )?;
    let mut result = Import {
        unknown: sheet_rows.unknown,
        bad: sheet_rows.bad,
        ..Default::default()
    };
    compare_cells(
        figures,
        (table_id, table),
        &sheet_rows.compared,
        &mut result.bad,
    );
    let new_values: BTreeMap<usize, Vec<Option<Decimal>>> = sheet_rows
        .read
        .iter()
        .map(|(&r, cells)| {
            let typed = t.rows[r].values.clone().unwrap_or_default();
            let vals = cells
                .iter()
                .enumerate()
                .map(|(c, v)| v.unwrap_or_else(|| typed.get(c).copied().flatten()))
                .collect();
            (r, vals)
        })
        .collect();
    for (r, row) in t.rows.iter().enumerate() {
        if typed(r) && !sheet_rows.seen.contains_key(&r) {
            result.missing.push(row.id.clone());
        }
    }
    let text = plan
        .source(&table.file)
        .with_context(|| format!("{} was not loaded with the plan", table.file.display()))?
        .to_string();
    let mut edits = value_edits(plan, table, &text, &new_values, &mut result)?;
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut yaml = text;
    for (start, end, new) in edits {
        yaml.replace_range(start..end, &new);
    }
    result.yaml = yaml;
    Ok(result)
}

/// Checks every cell the import does not read (a sum, a cell taken from another table, a
/// summary table's cell, a group heading's): it must be a formula, empty, or what vplan
/// computes; a number typed over it would otherwise be dropped unseen. What differs goes to
/// `bad`.
fn compare_cells(
    figures: &Figures,
    (table_id, table): (&str, &crate::content::Sourced<Table>),
    compared: &[Compared],
    bad: &mut Vec<String>,
) {
    let t = &table.value;
    for Compared {
        place,
        row: r,
        column: c,
        has,
    } in compared
    {
        let row = &t.rows[*r];
        let cell = CellRef::new(table_id, &row.id, &t.columns[*c].id);
        let expr = figures.expr(&cell);
        let want = figures.at(table_id, *r, *c);
        if let Err(has) = holds(has, want) {
            let shown = want.map_or("nothing".to_string(), |w| w.normalize().to_string());
            bad.push(match expr {
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
    }
}

/// The edits of the table's YAML `text` that write the rows whose values changed (each change
/// told in `result`); a list that cannot be rewritten in place is refused in `result`.
fn value_edits(
    plan: &Plan,
    table: &crate::content::Sourced<Table>,
    text: &str,
    new_values: &BTreeMap<usize, Vec<Option<Decimal>>>,
    result: &mut Import,
) -> Result<Vec<(usize, usize, String)>> {
    let t = &table.value;
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (r, vals) in new_values {
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
        if let Some(problem) = shared_list(plan, &table.file, text, *r) {
            result.refused.push(problem);
            continue;
        }
        let values = ValuePath::of("rows").index(*r).key("values");
        let (span, tokens) = row_list(
            plan.pos_or_ancestor(&table.file, &values),
            &table.file,
            text,
            *r,
            "values",
        )?;
        let list = values_text(t, &old, vals, &tokens);
        edits.push((span.0, span.1, format!("[{list}]")));
    }
    Ok(edits)
}

/// A row's new `values` list, without its brackets: unchanged cells keep their text as typed
/// (`tokens`, when there is one per value); a changed one is written with the column's
/// decimals.
fn values_text(
    t: &Table,
    old: &[Option<Decimal>],
    vals: &[Option<Decimal>],
    tokens: &[&str],
) -> String {
    vals.iter()
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
        .join(", ")
}

/// Largest workbook `import` reads (a plan's workbook is some tens of kilobytes).
pub const MAX_WORKBOOK_BYTES: u64 = 64 * 1024 * 1024;

/// The workbook in `bytes`: an OpenDocument spreadsheet (LibreOffice's own format) when it is
/// one, judged by its content (the `mimetype` an ods stores first, uncompressed) or its name
/// (`.ods`), else an xlsx. calamine reads an ods number (`office:value`) as a double, as it reads an xlsx one:
/// both become amounts through the same exact reading (`cells.rs`).
fn open_workbook(
    workbook: &Path,
    bytes: Vec<u8>,
) -> Result<calamine::Sheets<std::io::Cursor<Vec<u8>>>> {
    use calamine::{Ods, Reader, Sheets, Xlsx};
    // The zip's first local header: `PK\3\4`, the name's and the extra field's lengths at 26
    // and 28, the name at 30, then (stored) the file's bytes.
    let first_file = |name: &[u8]| -> Option<&[u8]> {
        let u16_at = |i: usize| Some(u16::from_le_bytes([*bytes.get(i)?, *bytes.get(i + 1)?]));
        let (name_len, extra) = (usize::from(u16_at(26)?), usize::from(u16_at(28)?));
        (bytes.starts_with(b"PK\x03\x04") && bytes.get(30..30 + name_len)? == name)
            .then(|| bytes.get(30 + name_len + extra..))
            .flatten()
    };
    let is_ods = first_file(b"mimetype")
        .is_some_and(|m| m.starts_with(b"application/vnd.oasis.opendocument.spreadsheet"))
        || workbook
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("ods"));
    let cursor = std::io::Cursor::new(bytes);
    if is_ods {
        Ods::new(cursor)
            .map(Sheets::Ods)
            .with_context(|| format!("cannot read {} as an ods spreadsheet", workbook.display()))
    } else {
        Xlsx::new(cursor).map(Sheets::Xlsx).with_context(|| {
            format!(
                "cannot read {} as a workbook (xlsx or ods)",
                workbook.display()
            )
        })
    }
}

/// The number format an ods's percentage cell is read as: LibreOffice shows 0.1 as 10%.
const ODS_PERCENTAGE: &str = "0%";

/// The cells of sheet `sheet` that an ods holds as percentages (`office:value-type="percentage"`),
/// as (row, column) from the sheet's top left, which is where calamine puts them too (each
/// `table:table-row` and cell counted with its `number-rows-repeated`,
/// `number-columns-repeated`, covered cells included). Empty for an xlsx, and for a file that
/// cannot be read this way (calamine then says what is wrong). A percentage repeated beyond
/// the rows and columns a sheet can hold is not listed past them.
fn ods_percentages(bytes: &[u8], sheet: &str) -> std::collections::HashSet<(u32, u32)> {
    use quick_xml::events::Event;
    let Some(xml) = ods_content(bytes) else {
        return std::collections::HashSet::new();
    };
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut in_sheet = false;
    let mut scan = OdsScan {
        repeated: 1,
        ..OdsScan::default()
    };
    loop {
        let (e, empty) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(e)) => {
                if in_sheet && !scan.end(e.name().as_ref()) {
                    break;
                }
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        if in_sheet {
            scan.start(&e, empty);
        } else {
            in_sheet = is_sheet(&e, sheet) && !empty;
        }
    }
    scan.cells
}

/// The `content.xml` of an ods, read bounded (a zip entry's stated size may lie).
fn ods_content(bytes: &[u8]) -> Option<String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut xml = String::new();
    match zip.by_name("content.xml") {
        Ok(file) if file.size() <= MAX_WORKBOOK_BYTES * 8 => {
            file.take(MAX_WORKBOOK_BYTES * 8)
                .read_to_string(&mut xml)
                .ok()?;
        }
        _ => return None,
    }
    Some(xml)
}

/// Whether an element is the `table:table` of sheet `sheet`.
fn is_sheet(e: &quick_xml::events::BytesStart, sheet: &str) -> bool {
    e.name().as_ref() == "table:table"
        && e.try_get_attribute("table:name")
            .ok()
            .flatten()
            .and_then(|a| {
                a.normalized_value(quick_xml::XmlVersion::default())
                    .ok()
                    .map(|v| v == sheet)
            })
            .unwrap_or(false)
}

/// The largest sheet LibreOffice and Excel make: rows and columns.
const ODS_ROWS: u32 = 1 << 20;
const ODS_COLUMNS: u32 = 1 << 14;

/// Inside an ods's sheet: the current row, its repetitions, and its percentage columns.
#[derive(Default)]
struct OdsScan {
    /// How deep in tables inside cells (subtables, whose rows are not the sheet's).
    depth: usize,
    row: u32,
    column: u32,
    repeated: u32,
    row_cells: Vec<u32>,
    /// The percentage cells found.
    cells: std::collections::HashSet<(u32, u32)>,
}

impl OdsScan {
    /// An end tag; false at the end of the sheet.
    fn end(&mut self, name: &str) -> bool {
        match name {
            "table:table" if self.depth == 0 => return false,
            "table:table" => self.depth -= 1,
            "table:table-row" if self.depth == 0 => {
                end_row(
                    &mut self.cells,
                    &self.row_cells,
                    self.row,
                    self.repeated,
                    ODS_ROWS,
                );
                self.row = self.row.saturating_add(self.repeated);
                self.row_cells.clear();
            }
            _ => {}
        }
        true
    }

    /// A start tag (`empty`: one without content).
    fn start(&mut self, e: &quick_xml::events::BytesStart, empty: bool) {
        let number = |name: &str| -> u32 {
            e.try_get_attribute(name)
                .ok()
                .flatten()
                .and_then(|a| a.value.trim().parse().ok())
                .unwrap_or(1)
        };
        match e.name().as_ref() {
            // A table inside a cell (a subtable) has rows of its own: not the sheet's.
            "table:table" if !empty => self.depth += 1,
            _ if self.depth > 0 => {}
            "table:table-row" => {
                self.column = 0;
                self.repeated = number("table:number-rows-repeated");
                if empty {
                    self.row = self.row.saturating_add(self.repeated);
                }
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let times = number("table:number-columns-repeated");
                let percent = e
                    .try_get_attribute("office:value-type")
                    .ok()
                    .flatten()
                    .is_some_and(|a| a.value.as_ref() == "percentage");
                if percent {
                    self.row_cells.extend(
                        (self.column..self.column.saturating_add(times))
                            .take_while(|c| *c < ODS_COLUMNS),
                    );
                }
                self.column = self.column.saturating_add(times);
            }
            _ => {}
        }
    }
}

/// The percentage columns of a row, `repeated` times from `row`, into `cells`.
fn end_row(
    cells: &mut std::collections::HashSet<(u32, u32)>,
    columns: &[u32],
    row: u32,
    repeated: u32,
    rows: u32,
) {
    for r in (row..row.saturating_add(repeated)).take_while(|r| *r < rows) {
        cells.extend(columns.iter().map(|c| (r, *c)));
    }
}

/// Reads a table's rows from a sheet: the column titles (with the group row above them when
/// there is one), the rows matched by id or label, and the amounts of the cells `spec` reads,
/// each with the column's precision. Nothing is compared with vplan's figures here: the cells
/// not read that hold something are returned for the caller to compare.
pub(crate) fn read_sheet(
    t: &Table,
    file: &Path,
    workbook: &Path,
    sheet: &str,
    spec: &Spec,
) -> Result<SheetRows> {
    let (grid, mut wb) = open_sheet(workbook, sheet)?;
    let aliases: Vec<Vec<String>> = (0..t.columns.len()).map(|c| (spec.aliases)(c)).collect();
    let titles = find_titles(t, &grid, &aliases);
    let (groups, continued) = group_titles(&mut wb, &grid, &titles);
    let found = find_columns(t, &aliases, &titles, &groups, &continued);
    let mut result = SheetRows {
        bad: column_problems(t, file, sheet, &titles, &found, spec),
        columns: found
            .iter()
            .map(|f| match f[..] {
                [i] => Some(i),
                _ => None,
            })
            .collect(),
        ..SheetRows::default()
    };
    read_rows(t, file, &grid, &titles, spec, &mut result);
    Ok(result)
}

/// One sheet of a workbook, read: its cells, their formulas and their number formats.
struct Grid<'s> {
    sheet: &'s str,
    range: calamine::Range<calamine::Data>,
    /// A formula cell without a stored result reads as empty in `range`: the formulas tell.
    formulas: calamine::Range<String>,
    /// A cell's number format: a percent format shows another number than the cell holds.
    styles: calamine::StyleRange,
    /// An ods's percentages, which calamine reads as plain numbers (the xlsx's number formats
    /// come from calamine, in `styles`).
    percentages: std::collections::HashSet<(u32, u32)>,
}

impl Grid<'_> {
    /// The cell at (row, column), absolute; empty outside the sheet.
    fn value(&self, r: u32, c: usize) -> calamine::Data {
        u32::try_from(c)
            .ok()
            .and_then(|c| self.range.get_value((r, c)))
            .cloned()
            .unwrap_or_default()
    }

    fn text(&self, r: u32, c: usize) -> String {
        self.value(r, c).to_string()
    }

    /// The formula of a cell, if it has one.
    fn formula(&self, r: u32, c: usize) -> Option<&str> {
        u32::try_from(c)
            .ok()
            .and_then(|c| self.formulas.get_value((r, c)))
            .map(String::as_str)
            .filter(|f| !f.trim().is_empty())
    }

    /// The number format of a cell: the xlsx's, or an ods's percentage.
    fn number_format(&self, r: u32, c: usize) -> Option<&str> {
        u32::try_from(c)
            .ok()
            .and_then(|c| self.styles.get((r, c)))
            .and_then(|s| s.number_format.as_ref())
            .map(|f| f.format_code.as_str())
            .or_else(|| {
                self.percentages
                    .contains(&(r, u32::try_from(c).unwrap_or(u32::MAX)))
                    .then_some(ODS_PERCENTAGE)
            })
    }
}

/// Opens sheet `sheet` of `workbook` and reads its cells, formulas and formats; the workbook
/// is returned too, for the merged cells of a group row.
fn open_sheet<'s>(
    workbook: &Path,
    sheet: &'s str,
) -> Result<(Grid<'s>, calamine::Sheets<std::io::Cursor<Vec<u8>>>)> {
    use calamine::Reader;
    // Read whole and bounded first: a FIFO or a device named as the workbook is refused
    // before a byte is read (calamine would wait on it, or read it forever).
    let bytes = crate::files::read(workbook, MAX_WORKBOOK_BYTES, "a workbook")?;
    let percentages = ods_percentages(&bytes, sheet);
    let mut wb = open_workbook(workbook, bytes)?;
    let range = wb
        .worksheet_range(sheet)
        .with_context(|| format!("{} has no sheet `{sheet}`", workbook.display()))?;
    let formulas = wb.worksheet_formula(sheet).with_context(|| {
        format!(
            "cannot read the formulas of sheet `{sheet}` in {}",
            workbook.display()
        )
    })?;
    let styles = wb.worksheet_style(sheet).with_context(|| {
        format!(
            "cannot read the cell formats of sheet `{sheet}` in {}",
            workbook.display()
        )
    })?;
    let grid = Grid {
        sheet,
        range,
        formulas,
        styles,
        percentages,
    };
    Ok((grid, wb))
}

/// Where a sheet's titles are, in absolute positions (a sheet's used range need not start at
/// A1).
struct Titles {
    /// The row of the column titles.
    top: u32,
    /// The row of the column groups above the titles, when the sheet has one.
    groups_at: Option<u32>,
    /// The last row used.
    bottom: u32,
    /// The column titles, from column A (which holds the ids).
    header: Vec<String>,
}

/// The column titles are the first row used, or the second when the first holds the column
/// groups (as `vplan export` writes a table with groups; a workbook of an older vplan, or one
/// made by hand, has the titles on top).
fn find_titles(t: &Table, grid: &Grid, aliases: &[Vec<String>]) -> Titles {
    let range = &grid.range;
    let (top, _) = range.start().unwrap_or((0, 0));
    let (bottom, right) = range.end().unwrap_or((0, 0));
    let titled = |r: u32| {
        (0..=right as usize).any(|c| {
            let h = grid.text(r, c);
            t.columns.iter().enumerate().any(|(c, col)| {
                h.trim() == col.title.trim()
                    || h.trim() == col.name().trim()
                    || aliases[c].iter().any(|a| h.trim() == a.trim())
            })
        })
    };
    let group_row = !range.is_empty() && top < bottom && !titled(top) && titled(top + 1);
    let groups_at = group_row.then_some(top);
    let top = if group_row { top + 1 } else { top };
    let header: Vec<String> = if range.is_empty() {
        Vec::new()
    } else {
        (0..=right as usize).map(|c| grid.text(top, c)).collect()
    };
    Titles {
        top,
        groups_at,
        bottom,
        header,
    }
}

/// The group above each sheet column, when the sheet has the group row: a merged cell's text
/// stands in its first cell only. Read twice: as written (an empty cell has no group), and as
/// Excel leaves the row after *Unmerge cells* (the title in the first cell only, so an empty
/// cell after a group title, outside any merged cell, continues that group).
fn group_titles(
    wb: &mut calamine::Sheets<std::io::Cursor<Vec<u8>>>,
    grid: &Grid,
    titles: &Titles,
) -> (Vec<String>, Vec<String>) {
    let Some(groups_at) = titles.groups_at else {
        return (Vec::new(), Vec::new());
    };
    let columns = titles.header.len();
    // An ods has no merged cells for calamine: a covered cell reads as empty, and the group
    // continues as after *Unmerge cells* (below).
    let merged = match wb {
        calamine::Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(grid.sheet).unwrap_or_default(),
        _ => Vec::new(),
    };
    let merge_of = |c: usize| {
        merged.iter().find(|m| {
            (m.start.0..=m.end.0).contains(&groups_at)
                && (m.start.1 as usize..=m.end.1 as usize).contains(&c)
        })
    };
    let strict: Vec<String> = (0..columns)
        .map(|c| {
            let from = merge_of(c).map_or(c, |m| m.start.1 as usize);
            grid.text(groups_at, from).trim().to_string()
        })
        .collect();
    let mut continued = strict.clone();
    for c in 1..columns {
        if strict[c].is_empty() && merge_of(c).is_none() && merge_of(c - 1).is_none() {
            continued[c] = continued[c - 1].clone();
        }
    }
    (strict, continued)
}

/// The sheet columns of each column of the table. Amount columns are found by title, and
/// under the group row by group and title, so that a column block moved in the sheet is still
/// read into its own column; a title `Budget 2024 › Omsättning` (the column's name) is its
/// column anywhere. Never by position: a sheet whose titles cannot tell two columns apart is
/// refused, not read in the order it happens to have. The groups as written are tried first,
/// then as after *Unmerge cells*.
fn find_columns(
    t: &Table,
    aliases: &[Vec<String>],
    titles: &Titles,
    groups: &[String],
    continued: &[String],
) -> Vec<Vec<usize>> {
    let header = &titles.header;
    let group_row = titles.groups_at.is_some();
    let reading = |groups: &[String]| -> Vec<Vec<usize>> {
        t.columns
            .iter()
            .enumerate()
            .map(|(c, col)| {
                let aliases = &aliases[c];
                let title = col.title.trim();
                let group = col.group.as_deref().unwrap_or("").trim();
                (2..header.len())
                    .filter(|&i| {
                        let h = header[i].trim();
                        (!group.is_empty() && h == col.name().trim())
                            || aliases.iter().any(|a| h == a.trim())
                            || (h == title
                                && (!group_row || groups.get(i).map(String::as_str) == Some(group)))
                    })
                    .collect()
            })
            .collect()
    };
    let unique = |found: &[Vec<usize>]| {
        let mut used = std::collections::HashSet::new();
        found.iter().all(|f| f.len() == 1 && used.insert(f[0]))
    };
    let found = reading(groups);
    if group_row && !unique(&found) {
        let other = reading(continued);
        if unique(&other) {
            return other;
        }
    }
    found
}

/// What is wrong with the columns found (`found`, per column of the table): a column that
/// must be in the sheet and is not, two columns of the table in one of the sheet, a column the
/// import reads found more than once.
fn column_problems(
    t: &Table,
    file: &Path,
    sheet: &str,
    titles: &Titles,
    found: &[Vec<usize>],
    spec: &Spec,
) -> Vec<String> {
    let mut bad = Vec::new();
    let top = titles.top;
    let header = &titles.header;
    let group_row = titles.groups_at.is_some();
    let titles_at = |cols: &[usize]| {
        cols.iter()
            .map(|&i| a1(sheet, top, i as u32))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let row_of_titles = format!(
        "{} (the column titles)",
        if header.is_empty() {
            a1(sheet, top, 0)
        } else {
            format!(
                "{}:{}{}",
                a1(sheet, top, 0),
                super::column_letter(header.len() - 1),
                u64::from(top) + 1
            )
        }
    );
    let mut told = std::collections::HashSet::new();
    for (c, (col, at)) in t.columns.iter().zip(found).enumerate() {
        // A column the import reads is never one of two: both cells are named.
        let read_twice = at.len() > 1 && (0..t.rows.len()).any(|r| (spec.read)(r, c));
        if !((spec.required)(c) || read_twice) {
            continue; // found or not: such a column is only read where it is one column
        }
        match at[..] {
            [] => bad.push(no_column(col, &row_of_titles, group_row)),
            [i] => {
                // Two columns of the table in one column of the sheet: their names are the same.
                if let Some(d) = (0..c).find(|&d| found[d][..] == [i]) {
                    bad.push(format!(
                        "{}: the table's columns `{}` and `{}` are both named `{}`, so no sheet can tell them apart: give them different titles in {} to import this table",
                        titles_at(&[i]),
                        t.columns[d].id,
                        col.id,
                        col.name(),
                        file.display()
                    ));
                }
            }
            _ if !told.insert(at.clone()) => {}
            _ => bad.push(columns_alike(t, col, &titles_at(at), group_row)),
        }
    }
    bad
}

/// The sheet has no column `col`.
fn no_column(col: &crate::content::Column, row_of_titles: &str, group_row: bool) -> String {
    if col.name() == col.title {
        format!(
            "{row_of_titles}: the sheet has no column titled `{}`",
            col.title
        )
    } else if group_row {
        format!(
            "{row_of_titles}: the sheet has no column titled `{}` under the group `{}` (the column `{}`)",
            col.title,
            col.group.as_deref().unwrap_or("").trim(),
            col.name()
        )
    } else {
        format!(
            "{row_of_titles}: the sheet has no column titled `{}` (the column `{}`)",
            col.title,
            col.name()
        )
    }
}

/// Several columns of the sheet (titled at `cells`) are all column `col`.
fn columns_alike(t: &Table, col: &crate::content::Column, cells: &str, group_row: bool) -> String {
    let title = col.title.trim();
    let alike: Vec<String> = t
        .columns
        .iter()
        .filter(|o| o.title.trim() == title && o.name() != col.name())
        .map(|o| format!("`{}`", o.name()))
        .collect();
    if !group_row && !alike.is_empty() {
        format!(
            "{}: these columns are all titled `{title}`, and the sheet has no group row above the titles to tell `{}` from {}; vplan does not guess by their order (a block of columns moved in the sheet would be read into the wrong columns): keep the row of group titles that `vplan export` writes above the column titles, or put it back (export again and paste the amounts), or title each column with its group, `{}`",
            cells,
            col.name(),
            alike.join(", "),
            col.name()
        )
    } else {
        format!(
            "{}: these columns are all the column `{}`: which one to read cannot be known; delete the others",
            cells,
            col.name()
        )
    }
}

/// Reads the rows below the titles into `result`: each matched to a row of the table, each
/// row once, its cells read or returned to be compared.
fn read_rows(
    t: &Table,
    file: &Path,
    grid: &Grid,
    titles: &Titles,
    spec: &Spec,
    result: &mut SheetRows,
) {
    let sheet = grid.sheet;
    let first_row = titles.top.saturating_add(1);
    let body = first_row..if grid.range.is_empty() {
        first_row
    } else {
        titles.bottom.saturating_add(1)
    };
    for xr in body {
        let (id, label) = (grid.text(xr, 0), grid.text(xr, 1));
        let (id, label) = (id.trim(), label.trim());
        if id.is_empty() && label.is_empty() {
            continue;
        }
        let Some(r) = table_row(t, file, sheet, xr, (id, label), result) else {
            continue;
        };
        if let Some(first) = result.seen.insert(r, xr) {
            // Which of two rows is meant cannot be known: neither is taken.
            result.bad.push(format!(
                "{}: row `{}` is in the sheet twice (also in row {}): delete one of them",
                a1(sheet, xr, 0),
                t.rows[r].id,
                u64::from(first) + 1
            ));
            continue;
        }
        let typed_row = (spec.typed)(r);
        let vals = read_cells(t, grid, spec, (r, xr), typed_row, result);
        if typed_row {
            result.read.insert(r, vals);
        }
    }
}

/// The row of the table that sheet row `xr` (its id and label) is, if one is: by id, with a
/// label beside it that must be that row's; else by label, if only one row has it. What does
/// not match is told in `result`.
fn table_row(
    t: &Table,
    file: &Path,
    sheet: &str,
    xr: u32,
    (id, label): (&str, &str),
    result: &mut SheetRows,
) -> Option<usize> {
    let labelled: Vec<usize> = if label.is_empty() {
        Vec::new()
    } else {
        (0..t.rows.len())
            .filter(|&r| same_label(&t.rows[r].label, label))
            .collect()
    };
    match t.rows.iter().position(|row| row.id == id) {
        // The id names the row; a label beside it must be that row's, or the sheet's
        // columns have come apart (sorted without column A) or a label was edited, and
        // either way the amounts may be another row's.
        Some(r) if !label.is_empty() && !same_label(&t.rows[r].label, label) => {
            let own = t.rows[r].label.trim();
            result.seen.entry(r).or_insert(xr); // in the sheet, if wrongly: not `missing`
            result.bad.push(match labelled.first() {
                Some(&other) => format!(
                    "{}: row `{id}` has the label `{label}` of row `{}` (its own label is `{own}`): the ids in column A and the labels in column B disagree, as after sorting some columns without column A; sort whole rows, or export again",
                    a1(sheet, xr, 1),
                    t.rows[other].id
                ),
                None => format!(
                    "{}: row `{id}` has the label `{label}`, not its own label `{own}`: import reads amounts, never labels; change the label in {} and export again, or put back `{own}` in the sheet",
                    a1(sheet, xr, 1),
                    file.display()
                ),
            });
            None
        }
        Some(r) => Some(r),
        // No id (or an id the table does not have): the label tells, if only one row has it.
        None => match labelled[..] {
            [r] => Some(r),
            [] => {
                result.unknown.push((
                    if id.is_empty() { label } else { id }.to_string(),
                    a1(sheet, xr, u32::from(id.is_empty())),
                ));
                None
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
                None
            }
        },
    }
}

/// The cells of table row `r` (sheet row `xr`), per column: `Some(amount)` where read. Only
/// the cells `spec` reads are read; every other cell that holds something (no formula: a
/// formula is the export's own, vplan computes the cell) goes to `result.compared`.
fn read_cells(
    t: &Table,
    grid: &Grid,
    spec: &Spec,
    (r, xr): (usize, u32),
    typed_row: bool,
    result: &mut SheetRows,
) -> Vec<Option<Option<Decimal>>> {
    let row = &t.rows[r];
    let mut vals = Vec::new();
    for (c, at) in result.columns.iter().enumerate() {
        let col = &t.columns[c];
        let Some(xc) = *at else {
            vals.push(None);
            continue;
        };
        let formula = grid.formula(xr, xc);
        let place = format!(
            "{} (row `{}`, column `{}`)",
            a1(grid.sheet, xr, xc as u32),
            row.id,
            col.name()
        );
        if !typed_row || !(spec.read)(r, c) {
            vals.push(None);
            if formula.is_none() {
                result.compared.push(Compared {
                    place,
                    row: r,
                    column: c,
                    has: grid.value(xr, xc),
                });
            }
            continue;
        }
        let number_format = grid.number_format(xr, xc);
        match read_amount(&grid.value(xr, xc), formula, number_format, col.precision) {
            Ok(v) => vals.push(Some(v)),
            Err(e) => {
                result.bad.push(format!("{place}: {e}"));
                vals.push(None);
            }
        }
    }
    vals
}

/// Labels as a reader compares them: runs of white space are one space.
fn same_label(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
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
    let name = |c: &CellRef| {
        if c.table == table_id {
            format!("`{}/{}`", c.row, c.column)
        } else {
            format!("`{c}`")
        }
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
        Expr::Difference(a, b) => format!("the difference {} − {}", name(a), name(b)),
        Expr::Share(part, whole) => {
            format!("the share of {} in {}, in percent", name(part), name(whole))
        }
        Expr::Part(of, part, whole) => format!(
            "the period's part {}/{} of {}",
            part.normalize(),
            whole.normalize(),
            name(of)
        ),
        Expr::Empty | Expr::Typed(_) => "not computed".into(),
    }
}

/// Why row `r`'s `values` of a table's YAML text cannot be rewritten in place, if it cannot:
/// the list is anchored (`&v [...]`: other rows may share it through an alias `*v`, and would
/// change with it), an alias itself (`*v`: the amounts are another row's), tagged, or holds
/// anchored, aliased or tagged items.
fn shared_list(plan: &Plan, file: &Path, text: &str, r: usize) -> Option<Diagnostic> {
    let path = ValuePath::of("rows").index(r).key("values");
    let pos = plan.pos_or_ancestor(file, &path)?;
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
        Diagnostic::error(Code::SheetImport, file, problem)
            .at(pos.line, pos.column)
            .with_hint(
            "write the row's amounts out as a plain list, `values: [100, 200]`, then import again",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ods_percentages_are_found_where_calamine_puts_cells() {
        let content = r#"<office:document-content><office:body><office:spreadsheet>
<table:table table:name="other"><table:table-row><table:table-cell office:value-type="percentage" office:value="0.5"/></table:table-row></table:table>
<table:table table:name="t">
<table:table-header-rows><table:table-row><table:table-cell table:number-columns-repeated="2"/><table:table-cell office:value-type="percentage" office:value="0.1"/></table:table-row></table:table-header-rows>
<table:table-row table:number-rows-repeated="2"><table:covered-table-cell/><table:table-cell office:value-type="float" office:value="1"/><table:table-cell table:number-columns-repeated="2" office:value-type="percentage" office:value="0.2"/></table:table-row>
<table:table-row/>
<table:table-row><table:table-cell><table:table table:name="sub"><table:table-row><table:table-cell office:value-type="percentage"/></table:table-row></table:table></table:table-cell><table:table-cell office:value-type="percentage" office:value="1"><text:p>100 %</text:p></table:table-cell></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        std::io::Write::write_all(&mut zip, b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, content.as_bytes()).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let mut found: Vec<(u32, u32)> = ods_percentages(&bytes, "t").into_iter().collect();
        found.sort_unstable();
        assert_eq!(found, [(0, 2), (1, 2), (1, 3), (2, 2), (2, 3), (4, 1)]);
        assert_eq!(
            ods_percentages(&bytes, "other")
                .into_iter()
                .collect::<Vec<_>>(),
            [(0, 0)]
        );
        assert!(ods_percentages(&bytes, "none").is_empty());
        assert!(ods_percentages(b"not a zip", "t").is_empty());
    }
}
