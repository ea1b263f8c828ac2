//! Totals, cross-references and control figures. No sum is ever typed in the content: every
//! sum row, every cell taken from another table and every row of a summary table is computed
//! here with `Decimal`. A figure the user does type as a control (`control:` on a row, a typed
//! value beside a reference, the plan's `budget_frame`) is checked against the computed value,
//! like a balance assertion.

use std::collections::{BTreeMap, HashSet};

use rust_decimal::Decimal;

use crate::content::{Plan, Row, RowKind, SumSpec, Table};
use crate::diag::{ContentError, Diagnostic};
use crate::numfmt::format_amount;

/// The value of every cell of every table: `tables[id][row][column]`.
#[derive(Debug, Clone, Default)]
pub struct Computed {
    pub tables: BTreeMap<String, Vec<Vec<Option<Decimal>>>>,
    /// Number of control figures checked.
    pub controls_checked: usize,
}

impl Computed {
    /// The value of a cell by ids, if it exists and is not empty.
    pub fn cell(&self, plan: &Plan, table: &str, row: &str, column: &str) -> Option<Decimal> {
        let t = &plan.tables.get(table)?.value;
        let r = t.rows.iter().position(|r| r.id == row)?;
        let c = t.columns.iter().position(|c| c.id == column)?;
        self.tables.get(table)?.get(r)?.get(c).copied().flatten()
    }
}

/// Computes every table and checks every control figure. All problems found are returned
/// together.
pub fn compute(plan: &Plan) -> Result<Computed, ContentError> {
    let mut cx = Cx {
        plan,
        done: BTreeMap::new(),
        visiting: Vec::new(),
        diags: Vec::new(),
        failed: HashSet::new(),
        controls: 0,
    };
    for id in plan.tables.keys() {
        cx.table(id);
    }
    cx.budget_frame();
    if cx.diags.is_empty() {
        Ok(Computed {
            tables: cx.done,
            controls_checked: cx.controls,
        })
    } else {
        Err(ContentError(cx.diags))
    }
}

struct Cx<'a> {
    plan: &'a Plan,
    done: BTreeMap<String, Vec<Vec<Option<Decimal>>>>,
    /// Tables being computed, to find reference cycles.
    visiting: Vec<String>,
    diags: Vec<Diagnostic>,
    failed: HashSet<String>,
    controls: usize,
}

/// A typed control figure and where it was typed.
struct Control<'a> {
    table: &'a Table,
    row: &'a Row,
    column: usize,
    typed: Decimal,
    /// YAML path of the typed figure.
    path: String,
    /// What the figure is checked against, for the message.
    against: String,
}

impl Cx<'_> {
    /// An error in a table's file at a YAML path.
    fn err(&mut self, table: &str, path: &str, message: String) -> &mut Diagnostic {
        let file = self
            .plan
            .tables
            .get(table)
            .map(|t| t.file.clone())
            .unwrap_or_default();
        let pos = self.plan.pos(&file, path);
        self.diags
            .push(Diagnostic::error(file, message).at_pos(pos));
        self.diags.last_mut().expect("just pushed")
    }

    /// Computes a table (once) and returns whether it succeeded.
    fn table(&mut self, id: &str) -> bool {
        if self.done.contains_key(id) {
            return true;
        }
        if self.failed.contains(id) {
            return false;
        }
        if let Some(pos) = self.visiting.iter().position(|v| v == id) {
            let mut cycle = self.visiting[pos..].to_vec();
            cycle.push(id.to_string());
            self.err(
                id,
                "id",
                format!(
                    "tables refer to each other in a cycle: {}",
                    cycle.join(" → ")
                ),
            );
            return false;
        }
        let plan = self.plan;
        let Some(table) = plan.tables.get(id) else {
            return false;
        };
        self.visiting.push(id.to_string());
        let before = self.diags.len();
        let values = self.rows(&table.value);
        self.visiting.pop();
        if self.diags.len() > before {
            self.failed.insert(id.to_string());
            return false;
        }
        self.done.insert(id.to_string(), values.clone());
        self.row_controls(&table.value, &values);
        true
    }

    fn rows(&mut self, t: &Table) -> Vec<Vec<Option<Decimal>>> {
        let ncols = t.columns.len();
        let mut values: Vec<Vec<Option<Decimal>>> = vec![vec![None; ncols]; t.rows.len()];
        let mut seen = HashSet::new();
        for (r, row) in t.rows.iter().enumerate() {
            if !seen.insert(row.id.as_str()) {
                self.err(
                    &t.id,
                    &format!("rows.{r}.id"),
                    format!("table `{}`: duplicate row id `{}`", t.id, row.id),
                );
            }
        }
        // Data rows first: typed values, references, sums of other tables.
        for (r, row) in t.rows.iter().enumerate() {
            if row.kind != RowKind::Data {
                if row.values.is_some() || !row.refs.is_empty() {
                    self.err(
                        &t.id,
                        &format!("rows.{r}.values"),
                        format!(
                            "table `{}`, row `{}`: a {} row cannot have typed values; its values are computed",
                            t.id,
                            row.id,
                            kind_name(row.kind)
                        ),
                    )
                    .hint = Some("to check a typed total, write it as `control: [...]`".into());
                }
                continue;
            }
            if row.sum.is_some() {
                self.err(
                    &t.id,
                    &format!("rows.{r}.sum"),
                    format!(
                        "table `{}`, row `{}`: `sum` needs `kind: sum`",
                        t.id, row.id
                    ),
                );
            }
            values[r] = self.data_row(t, r);
        }
        // Then sum rows, which may build on other sum rows.
        let mut state = vec![SumState::Todo; t.rows.len()];
        for r in 0..t.rows.len() {
            if t.rows[r].kind == RowKind::Sum {
                self.sum_row(t, r, &mut values, &mut state);
            }
        }
        values
    }

    fn data_row(&mut self, t: &Table, r: usize) -> Vec<Option<Decimal>> {
        let row = &t.rows[r];
        let ncols = t.columns.len();
        let mut out = vec![None; ncols];
        let mut typed_beside_ref = Vec::new();
        if let Some(typed) = &row.values {
            self.check_width(t, r, "values", typed.len());
            for (c, v) in typed.iter().enumerate().take(ncols) {
                if let Some(v) = v {
                    self.check_precision(t, r, c, "values", *v);
                    if row.refs.contains_key(&t.columns[c].id) {
                        typed_beside_ref.push((c, *v));
                        continue;
                    }
                }
                out[c] = *v;
            }
        } else if row.refs.is_empty() && !t.sum_of.is_empty() {
            for (c, col) in t.columns.iter().enumerate() {
                let mut total: Option<Decimal> = None;
                for (k, source) in t.sum_of.iter().enumerate() {
                    let path = format!("sum_of.{k}");
                    if let Some(v) = self.lookup(t, row, &path, source, &row.id, Some(&col.id)) {
                        total = total.unwrap_or_default().checked_add(v);
                        if total.is_none() {
                            self.err(
                                &t.id,
                                &path,
                                format!(
                                    "table `{}`, row `{}`, column `{}`: the sum is too large to compute exactly",
                                    t.id, row.id, col.id
                                ),
                            );
                            break;
                        }
                    }
                }
                out[c] = total;
            }
        }
        for (col, target) in &row.refs {
            let path = format!("rows.{r}.refs.{col}");
            let Some(c) = t.columns.iter().position(|x| &x.id == col) else {
                self.err(
                    &t.id,
                    &path,
                    format!(
                        "table `{}`, row `{}`: reference for unknown column `{col}`",
                        t.id, row.id
                    ),
                );
                continue;
            };
            let mut parts = target.split('/');
            let (Some(tid), Some(rid)) = (parts.next(), parts.next()) else {
                self.err(
                    &t.id,
                    &path,
                    format!(
                        "table `{}`, row `{}`: reference `{target}` must be `table/row` or `table/row/column`",
                        t.id, row.id
                    ),
                );
                continue;
            };
            let cid = parts.next();
            out[c] = self.lookup(t, row, &path, tid, rid, cid.or(Some(col)));
        }
        // A typed figure beside a reference is a control of the referenced value.
        for (c, typed) in typed_beside_ref {
            let target = &row.refs[&t.columns[c].id];
            self.control(
                Control {
                    table: t,
                    row,
                    column: c,
                    typed,
                    path: format!("rows.{r}.values.{c}"),
                    against: format!("the value taken from `{target}`"),
                },
                out[c],
            );
        }
        out
    }

    fn check_width(&mut self, t: &Table, r: usize, key: &str, given: usize) {
        let ncols = t.columns.len();
        if given != ncols {
            let ids: Vec<&str> = t.columns.iter().map(|c| c.id.as_str()).collect();
            self.err(
                &t.id,
                &format!("rows.{r}.{key}"),
                format!(
                    "table `{}`, row `{}`: {given} {key} given but the table has {ncols} columns ({})",
                    t.id,
                    t.rows[r].id,
                    ids.join(", ")
                ),
            )
            .hint = Some("write `~` for an empty cell".into());
        }
    }

    fn check_precision(&mut self, t: &Table, r: usize, c: usize, key: &str, v: Decimal) {
        let precision = t.columns[c].precision;
        if v.normalize().scale() > precision {
            let col = &t.columns[c];
            self.err(
                &t.id,
                &format!("rows.{r}.{key}.{c}"),
                format!(
                    "table `{}`, row `{}`, column `{}`: {v} has more decimals than the column's {precision}",
                    t.id, t.rows[r].id, col.id
                ),
            )
            .label = Some(format!("at most {precision} decimals in `{}`", col.title));
        }
    }

    /// The value of `table/row/column` in another table. With a column id that the other table
    /// lacks, a table with a single column gives that column.
    fn lookup(
        &mut self,
        from: &Table,
        row: &Row,
        path: &str,
        tid: &str,
        rid: &str,
        cid: Option<&str>,
    ) -> Option<Decimal> {
        let plan = self.plan;
        let Some(other) = plan.tables.get(tid) else {
            let known: Vec<&str> = plan.tables.keys().map(String::as_str).collect();
            let close = crate::check::closest(tid, &known);
            let d = self.err(
                &from.id,
                path,
                format!(
                    "table `{}`, row `{}`: refers to table `{tid}`, which does not exist",
                    from.id, row.id
                ),
            );
            d.hint = close.map(|c| format!("did you mean `{c}`?"));
            return None;
        };
        if !self.table(tid) {
            return None;
        }
        let other = &other.value;
        let Some(r) = other.rows.iter().position(|x| x.id == rid) else {
            let known: Vec<&str> = other.rows.iter().map(|x| x.id.as_str()).collect();
            let close = crate::check::closest(rid, &known);
            let d = self.err(
                &from.id,
                path,
                format!(
                    "table `{}`, row `{}`: table `{tid}` has no row `{rid}`",
                    from.id, row.id
                ),
            );
            d.hint = close.map(|c| format!("did you mean `{c}`?"));
            return None;
        };
        let c = match cid.and_then(|cid| other.columns.iter().position(|x| x.id == cid)) {
            Some(c) => c,
            None if other.columns.len() == 1 => 0,
            None => {
                self.err(
                    &from.id,
                    path,
                    format!(
                        "table `{}`, row `{}`: table `{tid}` has no column `{}`",
                        from.id,
                        row.id,
                        cid.unwrap_or("")
                    ),
                );
                return None;
            }
        };
        self.done[tid][r][c]
    }

    fn sum_row(
        &mut self,
        t: &Table,
        r: usize,
        values: &mut [Vec<Option<Decimal>>],
        state: &mut [SumState],
    ) {
        match state[r] {
            SumState::Done => return,
            SumState::Busy => {
                self.err(
                    &t.id,
                    &format!("rows.{r}.sum"),
                    format!(
                        "table `{}`, row `{}`: sum rows refer to each other in a cycle",
                        t.id, t.rows[r].id
                    ),
                );
                return;
            }
            SumState::Todo => {}
        }
        state[r] = SumState::Busy;
        let row = &t.rows[r];
        let path = format!("rows.{r}.sum");
        let terms: Vec<usize> = match &row.sum {
            None => {
                self.err(
                    &t.id,
                    &format!("rows.{r}"),
                    format!(
                        "table `{}`, row `{}`: a sum row needs `sum: all` or `sum: [row ids]`",
                        t.id, row.id
                    ),
                );
                Vec::new()
            }
            Some(SumSpec::Keyword(k)) if k == "all" => (0..t.rows.len())
                .filter(|&i| t.rows[i].kind == RowKind::Data)
                .collect(),
            Some(SumSpec::Keyword(k)) => {
                self.err(
                    &t.id,
                    &path,
                    format!(
                        "table `{}`, row `{}`: `sum: {k}` is not understood; use `all` or a list of row ids",
                        t.id, row.id
                    ),
                );
                Vec::new()
            }
            Some(SumSpec::Of(ids)) => {
                let mut terms = Vec::new();
                for (k, id) in ids.iter().enumerate() {
                    let term_path = format!("{path}.{k}");
                    match t.rows.iter().position(|x| &x.id == id) {
                        Some(i) if t.rows[i].kind == RowKind::Group => {
                            terms.extend(group_members(t, i));
                        }
                        Some(i) if i == r => {
                            self.err(
                                &t.id,
                                &term_path,
                                format!(
                                    "table `{}`, row `{}`: a sum cannot include itself",
                                    t.id, id
                                ),
                            );
                        }
                        Some(i) => terms.push(i),
                        None => {
                            let known: Vec<&str> = t.rows.iter().map(|x| x.id.as_str()).collect();
                            let close = crate::check::closest(id, &known);
                            let d = self.err(
                                &t.id,
                                &term_path,
                                format!(
                                    "table `{}`, row `{}`: sums row `{id}`, which does not exist in this table",
                                    t.id, row.id
                                ),
                            );
                            d.hint = close.map(|c| format!("did you mean `{c}`?"));
                        }
                    }
                }
                terms
            }
        };
        for &i in &terms {
            if t.rows[i].kind == RowKind::Sum {
                self.sum_row(t, i, values, state);
            }
        }
        let mut total: Vec<Option<Decimal>> = vec![Some(Decimal::ZERO); t.columns.len()];
        for &i in &terms {
            for (c, cell) in values[i].iter().enumerate() {
                if let (Some(v), Some(acc)) = (cell, total[c]) {
                    total[c] = acc.checked_add(*v);
                    if total[c].is_none() {
                        self.err(
                            &t.id,
                            &format!("rows.{r}"),
                            format!(
                                "table `{}`, row `{}`, column `{}`: the sum is too large to compute exactly",
                                t.id, row.id, t.columns[c].id
                            ),
                        );
                    }
                }
            }
        }
        values[r] = total;
        state[r] = SumState::Done;
    }

    /// Checks the `control:` figures of every row of a computed table.
    fn row_controls(&mut self, t: &Table, values: &[Vec<Option<Decimal>>]) {
        for (r, row) in t.rows.iter().enumerate() {
            let Some(controls) = &row.control else {
                continue;
            };
            self.check_width(t, r, "control", controls.len());
            for (c, typed) in controls.iter().enumerate().take(t.columns.len()) {
                let Some(typed) = typed else { continue };
                self.check_precision(t, r, c, "control", *typed);
                self.control(
                    Control {
                        table: t,
                        row,
                        column: c,
                        typed: *typed,
                        path: format!("rows.{r}.control.{c}"),
                        against: control_source(t, row),
                    },
                    values[r][c],
                );
            }
        }
    }

    /// Compares a typed control figure with the computed value.
    fn control(&mut self, ctl: Control<'_>, computed: Option<Decimal>) {
        self.controls += 1;
        let computed_value = computed.unwrap_or_default();
        if computed_value == ctl.typed {
            return;
        }
        let col = &ctl.table.columns[ctl.column];
        let unit = col.unit(ctl.table);
        let p = col.precision;
        let fmt = |v: Decimal| format!("{} {unit}", format_amount(v, p));
        let Some(diff) = ctl.typed.checked_sub(computed_value) else {
            self.err(
                &ctl.table.id,
                &ctl.path,
                "control figure does not match: the difference is too large to compute".into(),
            );
            return;
        };
        let message = format!(
            "control figure does not match: {} › {} › {}: typed {}, computed {}, difference {}{}",
            ctl.table.id,
            ctl.row.label,
            col.title,
            fmt(ctl.typed),
            if computed.is_some() {
                fmt(computed_value)
            } else {
                "nothing (the cell is empty)".to_string()
            },
            if diff > Decimal::ZERO { "+" } else { "" },
            fmt(diff),
        );
        let label = format!("typed {}, computed {}", fmt(ctl.typed), fmt(computed_value));
        let hint = format!(
            "the typed figure is checked against {}; correct the detail rows or the control",
            ctl.against
        );
        let d = self.err(&ctl.table.id, &ctl.path, message);
        d.label = Some(label);
        d.hint = Some(hint);
    }

    /// The plan's budget frame must equal the cell it names.
    fn budget_frame(&mut self) {
        let plan = self.plan;
        let meta = &plan.meta;
        let Some(frame) = &meta.value.budget_frame else {
            return;
        };
        let at = |path: &str| plan.pos(&meta.file, path);
        let parts: Vec<&str> = frame.cell.split('/').collect();
        let [tid, rid, cid] = parts[..] else {
            self.diags.push(
                Diagnostic::error(
                    &meta.file,
                    format!(
                        "budget_frame.cell `{}` must be `table/row/column`",
                        frame.cell
                    ),
                )
                .at_pos(at("budget_frame.cell")),
            );
            return;
        };
        let Some(table) = plan.tables.get(tid) else {
            self.diags.push(
                Diagnostic::error(
                    &meta.file,
                    format!("budget_frame.cell: there is no table `{tid}`"),
                )
                .at_pos(at("budget_frame.cell")),
            );
            return;
        };
        if !self.done.contains_key(tid) {
            return; // the table has errors of its own
        }
        let t = &table.value;
        let (Some(r), Some(c)) = (
            t.rows.iter().position(|x| x.id == rid),
            t.columns.iter().position(|x| x.id == cid),
        ) else {
            self.diags.push(
                Diagnostic::error(
                    &meta.file,
                    format!(
                        "budget_frame.cell: table `{tid}` has no row `{rid}` or no column `{cid}`"
                    ),
                )
                .at_pos(at("budget_frame.cell")),
            );
            return;
        };
        self.controls += 1;
        let computed = self.done[tid][r][c].unwrap_or_default();
        if computed != frame.amount {
            let p = t.columns[c].precision;
            let unit = t.columns[c].unit(t);
            let fmt = |v: Decimal| format!("{} {unit}", format_amount(v, p));
            let diff = computed.checked_sub(frame.amount).unwrap_or(Decimal::MAX);
            self.diags.push(
                Diagnostic::error(
                    &meta.file,
                    format!(
                        "{} › {} › {} is {}, but the budget frame is {} (difference {}{})",
                        tid,
                        t.rows[r].label,
                        t.columns[c].title,
                        fmt(computed),
                        fmt(frame.amount),
                        if diff > Decimal::ZERO { "+" } else { "" },
                        fmt(diff)
                    ),
                )
                .at_pos(at("budget_frame.amount"))
                .with_label(format!("the frame decided: {}", fmt(frame.amount)))
                .with_hint(format!("the computed cell is `{}`", frame.cell)),
            );
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SumState {
    Todo,
    Busy,
    Done,
}

/// The data rows that follow a group row, up to the next group or sum row: a sum row closes
/// the group above it, so rows after a *Summa* never count into the group.
/// The rows a sum row adds up directly (groups expanded to their members; other sum rows
/// included as they are), as the spreadsheet export writes them into formulas. Unknown ids
/// are left out (`check` reports them).
pub fn sum_terms(t: &Table, r: usize) -> Vec<usize> {
    match &t.rows[r].sum {
        Some(SumSpec::Keyword(k)) if k == "all" => (0..t.rows.len())
            .filter(|&i| t.rows[i].kind == RowKind::Data)
            .collect(),
        Some(SumSpec::Of(ids)) => ids
            .iter()
            .filter_map(|id| t.rows.iter().position(|x| &x.id == id))
            .filter(|&i| i != r)
            .flat_map(|i| {
                if t.rows[i].kind == RowKind::Group {
                    group_members(t, i)
                } else {
                    vec![i]
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn group_members(t: &Table, group: usize) -> Vec<usize> {
    t.rows[group + 1..]
        .iter()
        .enumerate()
        .take_while(|(_, row)| row.kind == RowKind::Data)
        .map(|(i, _)| group + 1 + i)
        .collect()
}

fn kind_name(kind: RowKind) -> &'static str {
    match kind {
        RowKind::Data => "data",
        RowKind::Group => "group",
        RowKind::Sum => "sum",
    }
}

/// Where a row's computed value comes from, in words, for the hint of a failed control.
fn control_source(t: &Table, row: &Row) -> String {
    match row.kind {
        RowKind::Sum => "the sum of the rows this row names under `sum`".into(),
        _ if row.values.is_none() && !t.sum_of.is_empty() => format!(
            "the sum of row `{}` in the {} tables of `sum_of` ({})",
            row.id,
            t.sum_of.len(),
            t.sum_of.join(", ")
        ),
        _ => "the row's computed value".into(),
    }
}
