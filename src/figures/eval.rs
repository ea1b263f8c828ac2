//! Walks of the built graph: every cell evaluated once, in dependency order and with checked
//! arithmetic (a cycle is an error naming its cells), and the check that no sum reaches a cell
//! twice.

use std::collections::{HashMap, HashSet};

use rust_decimal::{Decimal, RoundingStrategy};

use super::{Builder, Expr, Figures, CHECK_BUDGET, DOUBLE_HINT, MAX_PRECISION};
use crate::diag::Code;

impl Builder<'_> {
    /// Evaluates every cell once, in dependency order, with checked arithmetic. Cycles are
    /// errors naming the cells of the cycle.
    pub(super) fn evaluate(&mut self) {
        const TODO: u8 = 0;
        const BUSY: u8 = 1;
        const DONE: u8 = 2;
        let n = self.figures.exprs.len();
        let mut state = vec![TODO; n];
        // Iterative depth-first evaluation: no recursion, however long the chains.
        for start in 0..n {
            if state[start] != TODO {
                continue;
            }
            let mut stack: Vec<(usize, Vec<usize>, usize)> =
                vec![(start, self.figures.edges(start), 0)];
            state[start] = BUSY;
            while let Some((node, edges, k)) = stack.last_mut() {
                let node = *node;
                let Some(&m) = edges.get(*k) else {
                    stack.pop();
                    state[node] = DONE;
                    let value = self.value_of(node);
                    self.figures.values[node] = value;
                    continue;
                };
                *k += 1;
                match state[m] {
                    TODO => {
                        state[m] = BUSY;
                        stack.push((m, self.figures.edges(m), 0));
                    }
                    BUSY => {
                        let from = stack.iter().position(|(x, _, _)| *x == m).unwrap_or(0);
                        let mut cycle: Vec<String> = stack[from..]
                            .iter()
                            .map(|(x, _, _)| self.figures.cells[*x].to_string())
                            .collect();
                        cycle.push(self.figures.cells[m].to_string());
                        for (x, _, _) in &stack[from..] {
                            self.faulty.insert(*x);
                        }
                        let cell = self.figures.cells[node].clone();
                        let path = self.path_of(&cell);
                        self.err(
                            Code::Computation,
                            &cell.table,
                            &path,
                            format!(
                                "cells refer to each other in a cycle: {}",
                                cycle.join(" → ")
                            ),
                        )
                        .hint = Some("a cell cannot be computed from itself".into());
                    }
                    _ => {}
                }
            }
        }
    }

    /// The value of a node whose terms are evaluated.
    fn value_of(&mut self, node: usize) -> Option<Decimal> {
        if self.faulty.contains(&node) {
            return None;
        }
        let zero_if_none = match &self.figures.exprs[node] {
            Expr::Empty => return None,
            Expr::Typed(v) => return Some(*v),
            Expr::Ref(c) => {
                let m = self.figures.node(c)?;
                if self.faulty.contains(&m) {
                    self.faulty.insert(node);
                }
                return self.figures.values[m];
            }
            Expr::Difference(..) | Expr::Share(..) | Expr::Part(..) => return self.binary(node),
            Expr::Sum(_) => true,
            Expr::SumOf(_) => false,
        };
        let mut total: Option<Decimal> = zero_if_none.then_some(Decimal::ZERO);
        let mut overflow = false;
        let mut upstream_faulty = false;
        for m in self.figures.edges(node) {
            upstream_faulty |= self.faulty.contains(&m);
            if let Some(v) = self.figures.values[m] {
                match total.unwrap_or_default().checked_add(v) {
                    Some(s) => total = Some(s),
                    None => {
                        overflow = true;
                        break;
                    }
                }
            }
        }
        if upstream_faulty {
            self.faulty.insert(node);
        }
        if overflow {
            self.too_large(node, "sum");
            return None;
        }
        total
    }

    /// The value of a `Difference`, `Share` or `Part` node whose terms are evaluated: empty
    /// unless every term has a value.
    fn binary(&mut self, node: usize) -> Option<Decimal> {
        let (a, b) = match &self.figures.exprs[node] {
            Expr::Difference(a, b) | Expr::Share(a, b) => (a, Some(b)),
            Expr::Part(of, ..) => (of, None),
            _ => return None,
        };
        let mut upstream_faulty = false;
        let [a, b] = [Some(a), b].map(|c| {
            let m = self.figures.node(c?)?;
            upstream_faulty |= self.faulty.contains(&m);
            self.figures.values[m]
        });
        if upstream_faulty {
            self.faulty.insert(node);
        }
        let (what, value) = match &self.figures.exprs[node] {
            Expr::Difference(..) => ("difference", a?.checked_sub(b?)),
            Expr::Share(..) => {
                let whole = b.filter(|w| !w.is_zero())?;
                (
                    "share",
                    a?.checked_mul(Decimal::ONE_HUNDRED)
                        .and_then(|x| x.checked_div(whole)),
                )
            }
            Expr::Part(_, part, whole) => {
                let precision = self.precision(node);
                (
                    "period's part",
                    a?.checked_mul(*part)
                        .and_then(|x| x.checked_div(*whole))
                        .map(|x| {
                            x.round_dp_with_strategy(
                                precision,
                                RoundingStrategy::MidpointAwayFromZero,
                            )
                        }),
                )
            }
            _ => return None,
        };
        if value.is_none() {
            self.too_large(node, what);
        }
        value
    }

    /// The precision of a node's column.
    fn precision(&self, node: usize) -> u32 {
        let cell = &self.figures.cells[node];
        let column = self
            .figures
            .tables
            .get(&cell.table)
            .and_then(|t| t.column(&cell.column));
        let table = self.plan.tables.get(&cell.table);
        column
            .zip(table)
            .and_then(|(c, t)| t.value.columns.get(c))
            .map_or(0, |c| c.precision.min(MAX_PRECISION))
    }

    /// The error for a value that does not fit a `Decimal` (`what`: the sum, the difference,
    /// the share); the node is not evaluated further.
    fn too_large(&mut self, node: usize, what: &str) {
        self.faulty.insert(node);
        let cell = self.figures.cells[node].clone();
        let path = self.path_of(&cell);
        self.err(
            Code::Computation,
            &cell.table,
            &path,
            format!(
                "table `{}`, row `{}`, column `{}`: the {what} is too large to compute exactly",
                cell.table, cell.row, cell.column
            ),
        );
    }

    /// No sum reaches a cell twice: a row named directly and through its group, a sub-total
    /// and one of its rows, a table named twice in `sum_of`. The error names both paths.
    pub(super) fn double_counting(&mut self) {
        let mut budget = CHECK_BUDGET;
        let mut reported: HashSet<(String, String)> = HashSet::new();
        let n = self.figures.exprs.len();
        for start in 0..n {
            if !matches!(self.figures.exprs[start], Expr::Sum(_) | Expr::SumOf(_))
                || self.faulty.contains(&start)
            {
                continue;
            }
            // Terms are named once each (checked where the sum is read), so a sum of leaves
            // alone cannot count anything twice: only sums over computed cells are walked.
            let direct = self.figures.edges(start);
            if direct.iter().all(|&m| self.figures.is_leaf(m)) {
                continue;
            }
            let (found, parent) = reached_twice(&self.figures, start, &mut budget);
            if budget == 0 {
                let cell = self.figures.cells[start].clone();
                let path = self.path_of(&cell);
                self.err(
                    Code::Computation,
                    &cell.table,
                    &path,
                    "the sums of the plan are too intricate to check (they nest too deeply)".into(),
                )
                .hint = Some("sums should build on a few levels of sub-totals".into());
                return;
            }
            let Some(found) = found else {
                continue;
            };
            let cell = self.figures.cells[start].clone();
            self.faulty.insert(start);
            if !reported.insert((cell.table.clone(), cell.row.clone())) {
                continue;
            }
            let message = self.counted_twice(start, found, &parent);
            let path = self.path_of(&cell);
            self.err(Code::Computation, &cell.table, &path, message)
                .hint = Some(DOUBLE_HINT.into());
        }
    }

    /// The error of sum `start`, which reaches node `twice` a second time from
    /// `second_parent`: both paths, by the parents of the first (`parent`).
    fn counted_twice(
        &self,
        start: usize,
        (twice, second_parent): (usize, usize),
        parent: &HashMap<usize, usize>,
    ) -> String {
        let cell = &self.figures.cells[start];
        let chain = |mut x: usize| {
            let mut names = vec![];
            while x != start {
                names.push(x);
                x = parent[&x];
            }
            names.reverse();
            names
        };
        let first = chain(twice);
        let mut second = chain(second_parent);
        second.push(twice);
        let name = |nodes: &[usize]| {
            nodes
                .iter()
                .map(|&x| {
                    let c = &self.figures.cells[x];
                    if c.table == cell.table {
                        format!("`{}`", c.row)
                    } else {
                        format!("`{c}`")
                    }
                })
                .collect::<Vec<_>>()
                .join(" → ")
        };
        let what = &self.figures.cells[twice];
        let what = if what.table == cell.table {
            format!("row `{}`", what.row)
        } else {
            format!("`{what}`")
        };
        format!(
            "table `{}`, row `{}`: {what} would be counted twice, via {} and via {}",
            cell.table,
            cell.row,
            name(&first),
            name(&second)
        )
    }
}

/// Walks sum `start` depth first, terms in the order they are named: the first node reached a
/// second time (or `start` itself), with the parent it was reached from then, and the parent
/// of each node reached by its first path. Each step spends one of `budget`; the walk stops
/// when it is spent. A difference or a share is a term of its own, not a sum of its terms: the
/// walk does not enter it (`a − x` reaches `x` twice without counting it twice).
fn reached_twice(
    figures: &Figures,
    start: usize,
    budget: &mut usize,
) -> (Option<(usize, usize)>, HashMap<usize, usize>) {
    let mut parent: HashMap<usize, usize> = HashMap::new();
    let push = |stack: &mut Vec<(usize, usize)>, x: usize| {
        if matches!(
            figures.exprs[x],
            Expr::Difference(..) | Expr::Share(..) | Expr::Part(..)
        ) {
            return;
        }
        for m in figures.edges(x).into_iter().rev() {
            stack.push((m, x));
        }
    };
    let mut stack = Vec::new();
    push(&mut stack, start);
    while let Some((m, from)) = stack.pop() {
        if *budget == 0 {
            break;
        }
        *budget -= 1;
        if m == start || parent.contains_key(&m) {
            return (Some((m, from)), parent);
        }
        parent.insert(m, from);
        push(&mut stack, m);
    }
    (None, parent)
}
