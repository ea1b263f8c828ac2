//! Differences in the tables of amounts: columns and rows by id, every changed typed amount
//! with the computed totals it moved, and any other total that changed.

use std::collections::{BTreeMap, HashSet};

use rust_decimal::Decimal;

use super::flatten::Flat;
use super::{CellValue, Change, ChangeKind, Exact, RowValues, Total};
use crate::content::{Column, Row, RowKind, SumSpec, Table};
use crate::figures::CellRef;
use crate::numfmt::{format_amount, plain_amount};
use crate::pipeline::Subject;

/// A cell by ids: (table, row, column).
type CellId = (String, String, String);

/// The changes of the amount tables between `old` and `new`, placed as `of` and `nf` place
/// them: each table's own, then the totals that changed without a changed amount of their own.
pub fn changes(old: Subject<'_>, new: Subject<'_>, of: &Flat, nf: &Flat) -> Vec<Change> {
    let mut out = Vec::new();
    let mut ids: Vec<&String> = new.model().tables.keys().collect();
    ids.extend(
        old.model()
            .tables
            .keys()
            .filter(|k| !new.model().tables.contains_key(*k)),
    );
    // Totals already shown under the amount that moved them.
    let mut explained: HashSet<CellId> = HashSet::new();
    for tid in &ids {
        table_changes(&mut out, tid, (old, new), of, nf, &mut explained);
    }
    other_totals(&mut out, old, new, nf, &explained);
    out
}

/// One table's changes: added, removed, or moved and changed in its fields, columns and rows.
fn table_changes(
    out: &mut Vec<Change>,
    tid: &str,
    (old, new): (Subject<'_>, Subject<'_>),
    of: &Flat,
    nf: &Flat,
    explained: &mut HashSet<CellId>,
) {
    let place = nf
        .table_place
        .get(tid)
        .or_else(|| of.table_place.get(tid))
        .cloned()
        .unwrap_or_else(|| vec![format!("table {tid}")]);
    let section = place[0].clone();
    match (old.model().tables.get(tid), new.model().tables.get(tid)) {
        (None, Some(t)) => {
            let mut c = Change::new(&section, ChangeKind::Added, "table", tid, place.clone());
            c.new = Some(row_count(&t.value));
            c.unit = Some(t.value.unit.clone());
            c.rows = table_rows(&t.value, new);
            out.push(c);
        }
        (Some(t), None) => {
            let mut c = Change::new(&section, ChangeKind::Removed, "table", tid, place.clone());
            c.old = Some(row_count(&t.value));
            c.unit = Some(t.value.unit.clone());
            c.rows = table_rows(&t.value, old);
            out.push(c);
        }
        (Some(o), Some(n)) => {
            let (op, np) = (of.table_place.get(tid), nf.table_place.get(tid));
            if op != np {
                // Placed in another section (or placed, or no longer placed).
                let mut c = Change::new(&section, ChangeKind::Moved, "table", tid, place.clone());
                c.moved_from = Some(
                    op.cloned()
                        .unwrap_or_else(|| vec!["not placed".to_string()]),
                );
                c.new = Some(row_count(&n.value));
                out.push(c);
            }
            let (o, n) = (&o.value, &n.value);
            table_fields(out, &section, &place, tid, o, n);
            columns(out, &section, &place, (o, old), (n, new));
            let pair = Pair { old, new, o, n };
            rows(out, &section, &place, pair, nf, explained);
        }
        (None, None) => {}
    }
}

/// A kept table's changed caption, unit, `sum_of` and notes.
fn table_fields(
    out: &mut Vec<Change>,
    section: &str,
    place: &[String],
    tid: &str,
    o: &Table,
    n: &Table,
) {
    for (field, a, b) in [
        ("caption", o.caption.clone(), n.caption.clone()),
        ("unit", o.unit.clone(), n.unit.clone()),
        ("sum_of", o.sum_of.join(", "), n.sum_of.join(", ")),
        ("notes", o.notes.join("\n"), n.notes.join("\n")),
    ] {
        if a != b {
            let mut c = Change::new(section, ChangeKind::Changed, "table", tid, place.to_vec());
            c.field = Some(field.into());
            if field == "notes" || field == "sum_of" {
                c.words = super::words::diff(&a, &b);
            }
            c.old = Some(a);
            c.new = Some(b);
            out.push(c);
        }
    }
}

/// Totals that changed without a changed amount of their own (rows added or removed, a
/// reference or a sum changed): those not `explained` already.
fn other_totals(
    out: &mut Vec<Change>,
    old: Subject<'_>,
    new: Subject<'_>,
    nf: &Flat,
    explained: &HashSet<CellId>,
) {
    for (tid, t) in &new.model().tables {
        let Some(ot) = old.model().tables.get(tid) else {
            continue;
        };
        let place = nf
            .table_place
            .get(tid)
            .cloned()
            .unwrap_or_else(|| vec![format!("table {tid}")]);
        for row in &t.value.rows {
            if row.kind == RowKind::Group || (row.values.is_some() && row.refs.is_empty()) {
                continue;
            }
            for col in &t.value.columns {
                let key = (tid.clone(), row.id.clone(), col.id.clone());
                if explained.contains(&key) {
                    continue;
                }
                let a = old.figures().get(tid, &row.id, &col.id);
                let b = new.figures().get(tid, &row.id, &col.id);
                let existed = ot.value.rows.iter().any(|r| r.id == row.id)
                    && ot.value.columns.iter().any(|c| c.id == col.id);
                if a == b || !existed {
                    continue;
                }
                let mut c = Change::new(
                    &place[0],
                    ChangeKind::Changed,
                    "total",
                    &cell_name(&key),
                    at(place.clone(), &[&row.label]),
                );
                c.field = Some(col.name());
                fill_amounts(&mut c, (a, b), col, &t.value, new);
                out.push(c);
            }
        }
    }
}

/// A place one level deeper.
fn at(mut place: Vec<String>, more: &[&str]) -> Vec<String> {
    place.extend(more.iter().map(|s| s.to_string()));
    place
}

fn cell_name((t, r, c): &CellId) -> String {
    format!("{t}/{r}/{c}")
}

fn columns(
    out: &mut Vec<Change>,
    section: &str,
    place: &[String],
    (o, old): (&Table, Subject<'_>),
    (n, new): (&Table, Subject<'_>),
) {
    for col in &n.columns {
        match o.columns.iter().find(|c| c.id == col.id) {
            None => {
                let mut c = Change::new(
                    section,
                    ChangeKind::Added,
                    "column",
                    &col.id,
                    place.to_vec(),
                );
                c.new = Some(col.name());
                c.unit = Some(col.unit(n).to_string());
                c.rows = column_rows(n, col, new);
                out.push(c);
            }
            Some(oc) if oc.name() != col.name() && !relabelled(oc, old, col, new) => {
                let mut c = Change::new(
                    section,
                    ChangeKind::Changed,
                    "column",
                    &col.id,
                    place.to_vec(),
                );
                c.field = Some(
                    if oc.title == col.title {
                        "group"
                    } else {
                        "title"
                    }
                    .into(),
                );
                c.old = Some(oc.name());
                c.new = Some(col.name());
                c.unit = Some(col.unit(n).to_string());
                c.rows = column_rows(n, col, new);
                out.push(c);
            }
            Some(_) => {}
        }
    }
    for col in &o.columns {
        if !n.columns.iter().any(|c| c.id == col.id) {
            let mut c = Change::new(
                section,
                ChangeKind::Removed,
                "column",
                &col.id,
                place.to_vec(),
            );
            c.old = Some(col.name());
            c.unit = Some(col.unit(o).to_string());
            c.rows = column_rows(o, col, old);
            out.push(c);
        }
    }
}

/// What a changed typed amount is named: in a report, an `outcome`, a `forecast` or a `period
/// budget` (its columns `utfall`, `prognos` and `periodbudget`); any other an `amount`.
fn amount_kind(doc: Subject<'_>, column: &str) -> &'static str {
    use crate::figures::followup::{PERIODBUDGET, PROGNOS, UTFALL};
    match column {
        _ if !matches!(doc, Subject::Report { .. }) => "amount",
        UTFALL => "outcome",
        PROGNOS => "forecast",
        PERIODBUDGET => "period budget",
        _ => "amount",
    }
}

/// Whether a column of two reports differs only in the report's period it is grouped under
/// (`Januari–april 2031 › Utfall` → `Januari–augusti 2031 › Utfall`): the changed period is
/// the report's change (its `label`), not each column's.
fn relabelled(oc: &Column, old: Subject<'_>, col: &Column, new: Subject<'_>) -> bool {
    let label = |c: Subject<'_>| match c {
        Subject::Report { report, .. } => Some(report.value.label.clone()),
        Subject::Plan { .. } | Subject::Redline { .. } => None,
    };
    oc.title == col.title && oc.group.is_some() && oc.group == label(old) && col.group == label(new)
}

/// The typed amount of a row in a column, if any (a value beside a reference is a control).
fn typed(t: &Table, row: &Row, col: &str) -> Option<Decimal> {
    if row.refs.contains_key(col) {
        return None;
    }
    let c = t.columns.iter().position(|c| c.id == col)?;
    row.values.as_ref()?.get(c).copied().flatten()
}

fn values_text(t: &Table, row: &Row, checked: Subject<'_>) -> String {
    t.columns
        .iter()
        .map(|col| {
            checked
                .figures()
                .get(&t.id, &row.id, &col.id)
                .map(|v| format_amount(v, col.precision))
                .unwrap_or_else(|| "–".into())
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// A row's amounts, one per column, as display and machine text.
fn cells(t: &Table, row: &Row, checked: Subject<'_>) -> Vec<CellValue> {
    t.columns
        .iter()
        .map(|col| cell(t, row, col, checked))
        .collect()
}

/// One computed amount as display and machine text.
fn cell(t: &Table, row: &Row, col: &Column, checked: Subject<'_>) -> CellValue {
    let v = checked.figures().get(&t.id, &row.id, &col.id);
    CellValue {
        column: col.id.clone(),
        name: col.name(),
        display: v
            .map(|v| format_amount(v, col.precision))
            .unwrap_or_else(|| "–".into()),
        value: v.map(|v| plain_amount(v, col.precision)),
        unit: col.unit(t).to_string(),
        precision: col.precision,
    }
}

/// A sum row's terms as written: `all`, `a, b`; empty for another row.
fn sum_text(row: &Row) -> String {
    match &row.sum {
        Some(SumSpec::Keyword(k)) => k.clone(),
        Some(SumSpec::Of(ids)) => ids.join(", "),
        None => String::new(),
    }
}

/// The group heading a data row is under (as a `sum: [group]` row reads it): the nearest
/// group row above it with only data rows between.
fn group_of<'a>(t: &'a Table, id: &str) -> Option<&'a Row> {
    let i = t.rows.iter().position(|r| r.id == id)?;
    if t.rows[i].kind != RowKind::Data {
        return None;
    }
    t.rows[..i]
        .iter()
        .rev()
        .find(|r| r.kind != RowKind::Data)
        .filter(|r| r.kind == RowKind::Group)
}

/// `1 row`, `3 rows`.
fn row_count(t: &Table) -> String {
    match t.rows.len() {
        1 => "1 row".to_string(),
        n => format!("{n} rows"),
    }
}

/// Every row of a table added or removed with all its computed amounts; a group heading
/// without cells.
fn table_rows(t: &Table, checked: Subject<'_>) -> Vec<RowValues> {
    t.rows
        .iter()
        .map(|row| RowValues {
            id: row.id.clone(),
            label: row.label.clone(),
            kind: row.kind.as_str(),
            cells: if row.kind == RowKind::Group {
                Vec::new()
            } else {
                cells(t, row, checked)
            },
        })
        .collect()
}

/// The computed amounts of a column added or removed: one per row, group headings left out.
fn column_rows(t: &Table, col: &Column, checked: Subject<'_>) -> Vec<RowValues> {
    t.rows
        .iter()
        .filter(|row| row.kind != RowKind::Group)
        .map(|row| RowValues {
            id: row.id.clone(),
            label: row.label.clone(),
            kind: row.kind.as_str(),
            cells: vec![cell(t, row, col, checked)],
        })
        .collect()
}

/// The two versions of a kept table, and the documents they are in.
#[derive(Clone, Copy)]
struct Pair<'a> {
    old: Subject<'a>,
    new: Subject<'a>,
    o: &'a Table,
    n: &'a Table,
}

/// A kept table's rows: added, changed (fields, texts, group, amounts), moved and removed.
fn rows(
    out: &mut Vec<Change>,
    section: &str,
    place: &[String],
    pair: Pair<'_>,
    nf: &Flat,
    explained: &mut HashSet<CellId>,
) {
    let Pair { old, new, o, n } = pair;
    for row in &n.rows {
        let Some(orow) = o.rows.iter().find(|r| r.id == row.id) else {
            let mut c = Change::new(
                section,
                ChangeKind::Added,
                "row",
                &row.id,
                at(place.to_vec(), &[&row.label]),
            );
            c.new = Some(values_text(n, row, new));
            c.cells = cells(n, row, new);
            out.push(c);
            continue;
        };
        let rplace = at(place.to_vec(), &[&row.label]);
        row_fields(out, section, &rplace, orow, row);
        row_texts(out, section, &rplace, pair, orow, row);
        row_group(out, section, &rplace, pair, &row.id);
        if row.kind != RowKind::Data || orow.kind != RowKind::Data {
            continue;
        }
        let (section, rplace) = (section, rplace.as_slice());
        out.extend(row_amounts(
            section,
            rplace,
            pair,
            (orow, row),
            nf,
            explained,
        ));
    }
    reordered_rows(out, section, place, o, n);
    for row in &o.rows {
        if !n.rows.iter().any(|r| r.id == row.id) {
            let mut c = Change::new(
                section,
                ChangeKind::Removed,
                "row",
                &row.id,
                at(place.to_vec(), &[&row.label]),
            );
            c.old = Some(values_text(o, row, old));
            c.cells = cells(o, row, old);
            out.push(c);
        }
    }
}

/// A kept row's changed label, references, kind and sum.
fn row_fields(out: &mut Vec<Change>, section: &str, rplace: &[String], orow: &Row, row: &Row) {
    let change = |field: &str| {
        let mut c = Change::new(
            section,
            ChangeKind::Changed,
            "row",
            &row.id,
            rplace.to_vec(),
        );
        c.field = Some(field.into());
        c
    };
    if orow.label != row.label {
        let mut c = change("label");
        c.old = Some(orow.label.clone());
        c.new = Some(row.label.clone());
        c.words = super::words::diff(&orow.label, &row.label);
        out.push(c);
    }
    if orow.refs != row.refs {
        let fmt = |r: &BTreeMap<String, String>| {
            r.iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut c = change("refs");
        c.old = Some(fmt(&orow.refs));
        c.new = Some(fmt(&row.refs));
        out.push(c);
    }
    if orow.kind != row.kind {
        let mut c = change("kind");
        c.old = Some(orow.kind.as_str().into());
        c.new = Some(row.kind.as_str().into());
        out.push(c);
    }
    if orow.sum != row.sum {
        let mut c = change("sum");
        c.old = Some(sum_text(orow));
        c.new = Some(sum_text(row));
        out.push(c);
    }
}

/// A kept row's changed texts, one per text column.
fn row_texts(
    out: &mut Vec<Change>,
    section: &str,
    rplace: &[String],
    pair: Pair<'_>,
    orow: &Row,
    row: &Row,
) {
    let Pair { new, n, .. } = pair;
    for tc in &n.text_columns {
        let (a, b) = (orow.text_in(&tc.id), row.text_in(&tc.id));
        if a != b {
            // A report's comment on a row is its text; a plan's text column is the row's.
            let kind = if matches!(new, Subject::Report { .. }) {
                "text"
            } else {
                "row"
            };
            // A report's comment by its table and row (`driftbudget/simhall`): a row id
            // alone is found in several tables.
            let id = if kind == "text" {
                format!("{}/{}", n.id, row.id)
            } else {
                row.id.clone()
            };
            let mut c = Change::new(section, ChangeKind::Changed, kind, &id, rplace.to_vec());
            c.field = Some(tc.title.clone());
            c.old = Some(a.into());
            c.new = Some(b.into());
            c.words = super::words::diff(a, b);
            out.push(c);
        }
    }
}

/// A kept row moved into another group (what a `sum: [group]` row adds up).
fn row_group(out: &mut Vec<Change>, section: &str, rplace: &[String], pair: Pair<'_>, id: &str) {
    let (og, ng) = (group_of(pair.o, id), group_of(pair.n, id));
    if og.map(|g| &g.id) != ng.map(|g| &g.id) {
        let name = |g: Option<&Row>| g.map_or("no group".to_string(), |g| g.label.clone());
        let mut c = Change::new(section, ChangeKind::Moved, "row", id, rplace.to_vec());
        c.field = Some("group".into());
        c.old = Some(name(og));
        c.new = Some(name(ng));
        out.push(c);
    }
}

/// A kept data row's changed typed amounts, each with the totals it moved (noted as
/// `explained`).
fn row_amounts(
    section: &str,
    rplace: &[String],
    pair: Pair<'_>,
    (orow, row): (&Row, &Row),
    nf: &Flat,
    explained: &mut HashSet<CellId>,
) -> Vec<Change> {
    let Pair { old, new, o, n } = pair;
    let mut out = Vec::new();
    for col in &n.columns {
        if !o.columns.iter().any(|c| c.id == col.id) {
            continue;
        }
        let (a, b) = (typed(o, orow, &col.id), typed(n, row, &col.id));
        if a == b {
            continue;
        }
        let key = (n.id.clone(), row.id.clone(), col.id.clone());
        let mut c = Change::new(
            section,
            ChangeKind::Changed,
            amount_kind(new, &col.id),
            &cell_name(&key),
            rplace.to_vec(),
        );
        c.field = Some(col.name());
        fill_amounts(&mut c, (a, b), col, n, new);
        c.totals = moved_totals(old, new, nf, &key, b, explained);
        out.push(c);
    }
    out
}

/// Rows that changed place in a kept table.
fn reordered_rows(out: &mut Vec<Change>, section: &str, place: &[String], o: &Table, n: &Table) {
    let (oo, no): (Vec<&str>, Vec<&str>) = (
        o.rows.iter().map(|r| r.id.as_str()).collect(),
        n.rows.iter().map(|r| r.id.as_str()).collect(),
    );
    let label = |t: &Table, id: &str| {
        t.rows
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.label.clone())
            .unwrap_or_default()
    };
    for id in super::words::reordered(&oo, &no) {
        let mut c = Change::new(
            section,
            ChangeKind::Moved,
            "row",
            id,
            at(place.to_vec(), &[&label(n, id)]),
        );
        c.field = Some("position".into());
        c.old = Some(super::words::position(&oo, id, |x| label(o, x)));
        c.new = Some(super::words::position(&no, id, |x| label(n, x)));
        out.push(c);
    }
}

fn fill_amounts(
    c: &mut Change,
    (a, b): (Option<Decimal>, Option<Decimal>),
    col: &Column,
    t: &Table,
    doc: Subject<'_>,
) {
    let p = col.precision;
    let d = delta(a, b, doc);
    c.old = Some(a.map(|v| format_amount(v, p)).unwrap_or_else(|| "–".into()));
    c.new = Some(b.map(|v| format_amount(v, p)).unwrap_or_else(|| "–".into()));
    c.difference = d.map(|d| signed(d, p));
    c.unit = Some(col.unit(t).to_string());
    c.exact = Some(exact(a, b, d, p));
}

/// New − old. In a plan an empty cell counts as 0 (as its sums count it); in a report an
/// outcome, forecast or deviation that is empty on either side has no difference: it is not
/// given yet, or no longer, and is no amount to subtract. None also when too large.
fn delta(a: Option<Decimal>, b: Option<Decimal>, doc: Subject<'_>) -> Option<Decimal> {
    if matches!(doc, Subject::Report { .. }) && (a.is_none() || b.is_none()) {
        return None;
    }
    b.unwrap_or_default().checked_sub(a.unwrap_or_default())
}

/// The values of an amount change in machine form.
fn exact(a: Option<Decimal>, b: Option<Decimal>, d: Option<Decimal>, precision: u32) -> Exact {
    Exact {
        old_value: a.map(|v| plain_amount(v, precision)),
        new_value: b.map(|v| plain_amount(v, precision)),
        difference_value: d.map(|d| plain_amount(d, precision)),
        precision,
    }
}

/// `+2,5`, `−540`.
fn signed(d: Decimal, precision: u32) -> String {
    format!(
        "{}{}",
        if d > Decimal::ZERO { "+" } else { "" },
        format_amount(d, precision)
    )
}

/// The computed cells of the old plan that move when only this one amount changes to its new
/// value, with their old and new values: the cells that depend on it in the old plan's graph
/// of figures, in document order.
fn moved_totals(
    old: Subject<'_>,
    new: Subject<'_>,
    nf: &Flat,
    (tid, rid, cid): &CellId,
    value: Option<Decimal>,
    explained: &mut HashSet<CellId>,
) -> Vec<Total> {
    let before = old.figures().get(tid, rid, cid);
    if before.unwrap_or_default() == value.unwrap_or_default() {
        return Vec::new(); // an empty cell became 0 or back: no total moves
    }
    old.figures()
        .dependents(&CellRef::new(tid, rid, cid))
        .into_iter()
        .filter_map(|cell| {
            let key = (cell.table, cell.row, cell.column);
            // A total that depends on it but did not move (a share whose whole moved with
            // its part, a sum of terms that cancel) is not listed.
            let moved = old.figures().get(&key.0, &key.1, &key.2)
                != new.figures().get(&key.0, &key.1, &key.2);
            explained.insert(key.clone());
            moved.then(|| total(old, new, nf, &key))
        })
        .collect()
}

/// A table as a total names it: the last title of its place (`Summering av samtliga
/// åtgärder`), with the titles above it as far as needed to tell it from every other table
/// placed under the same title (`Område IT › Grupperade åtgärder`).
fn table_name(nf: &Flat, tid: &str) -> String {
    let Some(place) = nf.table_place.get(tid).filter(|p| !p.is_empty()) else {
        return tid.to_string();
    };
    let tail = |p: &[String], n: usize| p[p.len().saturating_sub(n)..].to_vec();
    let mut n = 1;
    while n < place.len()
        && nf
            .table_place
            .iter()
            .any(|(other, p)| other != tid && p.len() >= n && tail(p, n) == tail(place, n))
    {
        n += 1;
    }
    tail(place, n).join(" › ")
}

fn total(old: Subject<'_>, new: Subject<'_>, nf: &Flat, key: &CellId) -> Total {
    let (tid, rid, cid) = key;
    let a = old.figures().get(tid, rid, cid);
    let b = new.figures().get(tid, rid, cid);
    // The row and column as the new version has them, else as the old one had them (a row
    // that only one version has, such as the goals not yet assessed, still by its label).
    let tables = [new, old].map(|c| c.model().tables.get(tid).map(|t| &t.value));
    let table = tables[0].or(tables[1]);
    let row = tables
        .iter()
        .flatten()
        .find_map(|t| t.rows.iter().find(|r| &r.id == rid));
    let col = tables
        .iter()
        .flatten()
        .find_map(|t| t.columns.iter().find(|c| &c.id == cid));
    let p = col.map(|c| c.precision).unwrap_or(0);
    let name = table_name(nf, tid);
    Total {
        id: format!("{tid}/{rid}/{cid}"),
        place: vec![
            name,
            row.map(|r| r.label.clone()).unwrap_or_else(|| rid.clone()),
            col.map(|c| c.name()).unwrap_or_else(|| cid.clone()),
        ],
        old: a.map(|v| format_amount(v, p)),
        new: b.map(|v| format_amount(v, p)),
        difference: delta(a, b, new).map(|d| signed(d, p)),
        exact: exact(a, b, delta(a, b, new), p),
        unit: match (table, col) {
            (Some(t), Some(c)) => c.unit(t).to_string(),
            _ => String::new(),
        },
    }
}
