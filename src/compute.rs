//! Totals and cross-references. No sum is ever typed in the content: every sum row, every cell
//! taken from another table and every row of a summary table is computed here, with `Decimal`.

use std::collections::{BTreeMap, HashSet};

use rust_decimal::Decimal;

use crate::content::{Plan, Row, RowKind, SumSpec, Table};
use crate::diag::{ContentError, Diagnostic};

/// The value of every cell of every table: `tables[id][row][column]`.
#[derive(Debug, Clone, Default)]
pub struct Computed {
    pub tables: BTreeMap<String, Vec<Vec<Option<Decimal>>>>,
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

/// Computes every table. All problems found are returned together.
pub fn compute(plan: &Plan) -> Result<Computed, ContentError> {
    let mut cx = Cx {
        plan,
        done: BTreeMap::new(),
        visiting: Vec::new(),
        diags: Vec::new(),
        failed: HashSet::new(),
    };
    for id in plan.tables.keys() {
        cx.table(id);
    }
    if cx.diags.is_empty() {
        Ok(Computed { tables: cx.done })
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
}

impl Cx<'_> {
    fn err(&mut self, table: &str, message: String) {
        let file = self
            .plan
            .tables
            .get(table)
            .map(|t| t.file.clone())
            .unwrap_or_default();
        self.diags.push(Diagnostic::error(file, message));
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
                format!("tables refer to each other in a cycle: {}", cycle.join(" → ")),
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
        self.done.insert(id.to_string(), values);
        true
    }

    fn rows(&mut self, t: &Table) -> Vec<Vec<Option<Decimal>>> {
        let ncols = t.columns.len();
        let mut values: Vec<Vec<Option<Decimal>>> = vec![vec![None; ncols]; t.rows.len()];
        let mut seen = HashSet::new();
        for row in &t.rows {
            if !seen.insert(row.id.as_str()) {
                self.err(
                    &t.id,
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
                        format!(
                            "table `{}`, row `{}`: a {} row cannot have typed values; its values are computed",
                            t.id,
                            row.id,
                            kind_name(row.kind)
                        ),
                    );
                }
                continue;
            }
            if row.sum.is_some() {
                self.err(
                    &t.id,
                    format!(
                        "table `{}`, row `{}`: `sum` needs `kind: sum`",
                        t.id, row.id
                    ),
                );
            }
            values[r] = self.data_row(t, row);
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

    fn data_row(&mut self, t: &Table, row: &Row) -> Vec<Option<Decimal>> {
        let ncols = t.columns.len();
        let mut out = vec![None; ncols];
        if let Some(typed) = &row.values {
            if typed.len() != ncols {
                self.err(
                    &t.id,
                    format!(
                        "table `{}`, row `{}`: {} values given but the table has {} columns ({})",
                        t.id,
                        row.id,
                        typed.len(),
                        ncols,
                        t.columns
                            .iter()
                            .map(|c| c.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
            for (c, v) in typed.iter().enumerate().take(ncols) {
                if let Some(v) = v {
                    let precision = t.columns[c].precision;
                    if v.normalize().scale() > precision {
                        self.err(
                            &t.id,
                            format!(
                                "table `{}`, row `{}`, column `{}`: {} has more decimals than the column's {}",
                                t.id, row.id, t.columns[c].id, v, precision
                            ),
                        );
                    }
                }
                out[c] = *v;
            }
        } else if row.refs.is_empty() && !t.sum_of.is_empty() {
            for (c, col) in t.columns.iter().enumerate() {
                let mut total: Option<Decimal> = None;
                for source in &t.sum_of {
                    if let Some(v) = self.lookup(t, row, source, &row.id, Some(&col.id)) {
                        total = Some(total.unwrap_or_default() + v);
                    }
                }
                out[c] = total;
            }
        }
        for (col, target) in &row.refs {
            let Some(c) = t.columns.iter().position(|x| &x.id == col) else {
                self.err(
                    &t.id,
                    format!(
                        "table `{}`, row `{}`: reference for unknown column `{col}`",
                        t.id, row.id
                    ),
                );
                continue;
            };
            if row.values.as_ref().and_then(|v| v.get(c).copied().flatten()).is_some() {
                self.err(
                    &t.id,
                    format!(
                        "table `{}`, row `{}`, column `{col}`: both a typed value and a reference",
                        t.id, row.id
                    ),
                );
            }
            let mut parts = target.split('/');
            let (Some(tid), Some(rid)) = (parts.next(), parts.next()) else {
                self.err(
                    &t.id,
                    format!(
                        "table `{}`, row `{}`: reference `{target}` must be `table/row` or `table/row/column`",
                        t.id, row.id
                    ),
                );
                continue;
            };
            let cid = parts.next();
            out[c] = self.lookup(t, row, tid, rid, cid.or(Some(col)));
        }
        out
    }

    /// The value of `table/row/column` in another table. With a column id that the other table
    /// lacks, a table with a single column gives that column.
    fn lookup(
        &mut self,
        from: &Table,
        row: &Row,
        tid: &str,
        rid: &str,
        cid: Option<&str>,
    ) -> Option<Decimal> {
        let plan = self.plan;
        let Some(other) = plan.tables.get(tid) else {
            self.err(
                &from.id,
                format!(
                    "table `{}`, row `{}`: refers to table `{tid}`, which does not exist",
                    from.id, row.id
                ),
            );
            return None;
        };
        if !self.table(tid) {
            return None;
        }
        let other = &other.value;
        let Some(r) = other.rows.iter().position(|x| x.id == rid) else {
            self.err(
                &from.id,
                format!(
                    "table `{}`, row `{}`: table `{tid}` has no row `{rid}`",
                    from.id, row.id
                ),
            );
            return None;
        };
        let c = match cid.and_then(|cid| other.columns.iter().position(|x| x.id == cid)) {
            Some(c) => c,
            None if other.columns.len() == 1 => 0,
            None => {
                self.err(
                    &from.id,
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
        let terms: Vec<usize> = match &row.sum {
            None => {
                self.err(
                    &t.id,
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
                    format!(
                        "table `{}`, row `{}`: `sum: {k}` is not understood; use `all` or a list of row ids",
                        t.id, row.id
                    ),
                );
                Vec::new()
            }
            Some(SumSpec::Of(ids)) => {
                let mut terms = Vec::new();
                for id in ids {
                    match t.rows.iter().position(|x| &x.id == id) {
                        Some(i) if t.rows[i].kind == RowKind::Group => {
                            terms.extend(group_members(t, i));
                        }
                        Some(i) if i == r => self.err(
                            &t.id,
                            format!("table `{}`, row `{}`: a sum cannot include itself", t.id, id),
                        ),
                        Some(i) => terms.push(i),
                        None => self.err(
                            &t.id,
                            format!(
                                "table `{}`, row `{}`: sums row `{id}`, which does not exist in this table",
                                t.id, row.id
                            ),
                        ),
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
        let mut total = vec![Decimal::ZERO; t.columns.len()];
        for &i in &terms {
            for (c, cell) in values[i].iter().enumerate() {
                if let Some(v) = cell {
                    total[c] += *v;
                }
            }
        }
        values[r] = total.into_iter().map(Some).collect();
        state[r] = SumState::Done;
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SumState {
    Todo,
    Busy,
    Done,
}

/// The data rows that follow a group row, up to the next group row.
fn group_members(t: &Table, group: usize) -> Vec<usize> {
    t.rows[group + 1..]
        .iter()
        .enumerate()
        .take_while(|(_, row)| row.kind != RowKind::Group)
        .filter(|(_, row)| row.kind == RowKind::Data)
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
