//! Checks of what is typed against the model: a referenced cell (it exists, has figures, the
//! same unit and no more decimals than the column taking it), a typed amount (its bounds and
//! decimals, a row's number of values), every control figure and the plan's budget frame
//! (equal to the computed value, or an error that shows the difference).

use rust_decimal::Decimal;

use crate::content::{Row, RowKind, Table, ValuePath};
use crate::diag::{Code, Diagnostic};
use crate::numfmt::format_amount;

use super::{max_amount, Builder, CellRef, TableFigures, MAX_INTEGER_DIGITS, MAX_PRECISION};

impl Builder<'_> {
    /// Checks that a referenced cell exists. Without an explicit column, a table with a single
    /// column gives that column.
    /// The cell taken must have figures (not a group row), the same unit as column `into` of
    /// the referring table, and no more decimals than it prints (or the printed rows would not
    /// add up to the printed total).
    pub(super) fn resolve(
        &mut self,
        from: &Table,
        row: &Row,
        into: usize,
        path: &ValuePath,
        mut cell: CellRef,
        explicit_column: bool,
    ) -> Option<CellRef> {
        let plan = self.plan;
        let Some(other) = plan.tables.get(&cell.table) else {
            self.unknown(
                &from.id,
                path,
                format!(
                    "table `{}`, row `{}`: refers to table `{}`, which does not exist",
                    from.id, row.id, cell.table
                ),
                &cell.table,
                plan.tables.keys().map(String::as_str),
            );
            return None;
        };
        let other = &other.value;
        if !other.rows.iter().any(|x| x.id == cell.row) {
            self.unknown(
                &from.id,
                path,
                format!(
                    "table `{}`, row `{}`: table `{}` has no row `{}`",
                    from.id, row.id, cell.table, cell.row
                ),
                &cell.row,
                other.rows.iter().map(|x| x.id.as_str()),
            );
            return None;
        }
        if !other.columns.iter().any(|x| x.id == cell.column) {
            if !explicit_column && other.columns.len() == 1 {
                cell.column = other.columns[0].id.clone();
            } else {
                let known: Vec<&str> = other.columns.iter().map(|x| x.id.as_str()).collect();
                let d = self.err(
                    Code::UnknownReference,
                    &from.id,
                    path,
                    format!(
                        "table `{}`, row `{}`: table `{}` has no column `{}`",
                        from.id, row.id, cell.table, cell.column
                    ),
                );
                d.hint = Some(crate::suggest::did_you_mean_or_list(
                    &cell.column,
                    &known,
                    "its columns are: ",
                ));
                return None;
            }
        }
        let source_row = other.rows.iter().find(|x| x.id == cell.row)?;
        let source = other.columns.iter().find(|x| x.id == cell.column)?;
        let target = &from.columns[into];
        let problem = taken_problem(&cell, source_row, (source, other), (target, from));
        if let Some((code, message, hint)) = problem {
            self.err(
                code,
                &from.id,
                path,
                format!("table `{}`, row `{}`: {message}", from.id, row.id),
            )
            .hint = Some(hint);
            return None;
        }
        Some(cell)
    }

    pub(super) fn check_width(&mut self, t: &Table, r: usize, key: &str, given: usize) {
        let ncols = t.columns.len();
        if given != ncols {
            let ids: Vec<&str> = t.columns.iter().map(|c| c.id.as_str()).collect();
            self.err(
                Code::TableShape,
                &t.id,
                &ValuePath::of("rows").index(r).key(key),
                format!(
                    "table `{}`, row `{}`: {given} {key} given but the table has {ncols} columns ({})",
                    t.id,
                    t.rows[r].id,
                    ids.join(", ")
                ),
            )
            .hint = Some(self.width_hint(t, r, key));
        }
    }

    /// What to do about a row with the wrong number of amounts: with a comma right before a
    /// digit in its list (`[12,4, 11,9]`), decimal commas, which YAML reads as separators; the
    /// hint gives the list with decimal points.
    fn width_hint(&self, t: &Table, r: usize, key: &str) -> String {
        let with_points = self.plan.tables.get(&t.id).and_then(|table| {
            let text = self.plan.source(&table.file)?;
            let at = self
                .plan
                .pos(&table.file, &ValuePath::of("rows").index(r).key(key));
            let (span, _) = crate::yaml_text::row_list(at, &table.file, text, r, key).ok()?;
            let list = &text[span.0..span.1];
            let bytes = list.as_bytes();
            let comma_in_number = |i: usize| {
                bytes[i] == b','
                    && i > 0
                    && bytes[i - 1].is_ascii_digit()
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
            };
            (0..bytes.len()).any(comma_in_number).then(|| {
                list.char_indices()
                    .map(|(i, c)| if comma_in_number(i) { '.' } else { c })
                    .collect::<String>()
            })
        });
        match with_points {
            Some(list) => format!(
                "in a list a comma separates amounts, so a decimal comma makes two of one: write decimals with a point, `{key}: {list}`"
            ),
            None => "one amount per column: write `~` for a cell left empty on purpose".into(),
        }
    }

    /// A typed amount within bounds and the column's decimals; false (with an error) if not.
    pub(super) fn check_amount(
        &mut self,
        t: &Table,
        r: usize,
        c: usize,
        key: &str,
        v: Decimal,
    ) -> bool {
        let col = &t.columns[c];
        if v.abs() > max_amount() {
            self.err(
                Code::Precision,
                &t.id,
                &ValuePath::of("rows").index(r).key(key).index(c),
                format!(
                    "table `{}`, row `{}`, column `{}`: {v} is too large: an amount has at most {MAX_INTEGER_DIGITS} digits before the decimal point",
                    t.id, t.rows[r].id, col.id
                ),
            )
            .hint = Some(format!(
                "write it in a larger unit (the column is in {})",
                col.unit(t)
            ));
            return false;
        }
        let precision = col.precision;
        if precision <= MAX_PRECISION && v.normalize().scale() > precision {
            self.err(
                Code::Precision,
                &t.id,
                &ValuePath::of("rows").index(r).key(key).index(c),
                format!(
                    "table `{}`, row `{}`, column `{}`: {v} has more decimals than the column's {precision}",
                    t.id, t.rows[r].id, col.id
                ),
            )
            .label = Some(format!("at most {precision} decimals in `{}`", col.name()));
            return false;
        }
        true
    }

    /// Checks the `control:` figures of every row and every typed figure beside a reference.
    pub(super) fn controls(&mut self) {
        let plan = self.plan;
        for (id, table) in &plan.tables {
            let t = &table.value;
            let Some(tf) = self.figures.tables.get(id).cloned() else {
                continue;
            };
            let ncols = tf.column_ids.len();
            for (r, row) in t.rows.iter().enumerate().take(tf.row_ids.len()) {
                self.typed_beside_references(t, &tf, r);
                let Some(controls) = &row.control else {
                    continue;
                };
                self.check_width(t, r, "control", controls.len());
                for (c, typed) in controls.iter().enumerate().take(ncols) {
                    let Some(typed) = typed else { continue };
                    if !self.check_amount(t, r, c, "control", *typed) {
                        continue;
                    }
                    if self.faulty.contains(&tf.node(r, c)) {
                        continue;
                    }
                    let against = control_source(t, row);
                    self.control(
                        t,
                        &tf,
                        r,
                        c,
                        *typed,
                        ValuePath::of("rows").index(r).key("control").index(c),
                        against,
                    );
                }
            }
        }
    }

    /// Checks the figures row `r` types in a column it also takes from another table: each
    /// must be the value taken.
    fn typed_beside_references(&mut self, t: &Table, tf: &TableFigures, r: usize) {
        let row = &t.rows[r];
        let Some(typed) = &row.values else { return };
        for (c, v) in typed.iter().enumerate().take(tf.column_ids.len()) {
            let Some(target) = row.refs.get(&t.columns[c].id) else {
                continue;
            };
            if let Some(v) = v {
                if !self.faulty.contains(&tf.node(r, c)) {
                    self.control(
                        t,
                        tf,
                        r,
                        c,
                        *v,
                        ValuePath::of("rows").index(r).key("values").index(c),
                        format!("the value taken from `{target}`"),
                    );
                }
            }
        }
    }

    /// Compares a typed control figure with the computed value.
    #[allow(clippy::too_many_arguments)]
    fn control(
        &mut self,
        t: &Table,
        tf: &TableFigures,
        r: usize,
        c: usize,
        typed: Decimal,
        path: ValuePath,
        against: String,
    ) {
        self.figures.controls_checked += 1;
        let computed = self.figures.values[tf.node(r, c)];
        let computed_value = computed.unwrap_or_default();
        if computed_value == typed {
            return;
        }
        let col = &t.columns[c];
        let unit = col.unit(t);
        let p = col.precision.min(MAX_PRECISION);
        let fmt = |v: Decimal| format!("{} {unit}", format_amount(v, p));
        let Some(diff) = typed.checked_sub(computed_value) else {
            self.err(
                Code::ControlMismatch,
                &t.id,
                &path,
                "control figure does not match: the difference is too large to compute".into(),
            );
            return;
        };
        let message = format!(
            "control figure does not match: {} › {} › {}: typed {}, computed {}, difference {}{}",
            t.id,
            t.rows[r].label,
            col.name(),
            fmt(typed),
            if computed.is_some() {
                fmt(computed_value)
            } else {
                "nothing (the cell is empty)".to_string()
            },
            if diff > Decimal::ZERO { "+" } else { "" },
            fmt(diff),
        );
        let label = format!("typed {}, computed {}", fmt(typed), fmt(computed_value));
        let hint = format!(
            "the typed figure is checked against {against}; correct the detail rows or the control"
        );
        let d = self.err(Code::ControlMismatch, &t.id, &path, message);
        d.label = Some(label);
        d.hint = Some(hint);
    }

    /// The plan's budget frame must equal the cell it names.
    pub(super) fn budget_frame(&mut self) {
        let plan = self.plan;
        let meta = &plan.meta;
        let Some(frame) = &meta.value.budget_frame else {
            return;
        };
        let at = |path: &ValuePath| plan.pos(&meta.file, path);
        let error = |message: String| {
            Diagnostic::error(Code::BudgetFrame, &meta.file, message)
                .at_pos(at(&ValuePath::of("budget_frame").key("cell")))
        };
        let cell = match CellRef::parse(&frame.cell) {
            Ok(c) => c,
            Err(e) => {
                self.diags.push(error(format!("budget_frame.cell: {e}")));
                return;
            }
        };
        let Some(table) = plan.tables.get(&cell.table) else {
            let known: Vec<&str> = plan.tables.keys().map(String::as_str).collect();
            let mut d = error(format!(
                "budget_frame.cell: there is no table `{}`",
                cell.table
            ));
            d.hint = crate::suggest::did_you_mean(&cell.table, &known);
            self.diags.push(d);
            return;
        };
        let t = &table.value;
        let tf = &self.figures.tables[&cell.table];
        let (Some(r), Some(c)) = (tf.row(&cell.row), tf.column(&cell.column)) else {
            self.diags.push(error(format!(
                "budget_frame.cell: table `{}` has no row `{}` or no column `{}`",
                cell.table, cell.row, cell.column
            )));
            return;
        };
        let node = tf.node(r, c);
        if self.faulty.contains(&node) {
            return; // the table has errors of its own
        }
        let precision = t.columns[c].precision;
        if let Some(d) = frame_amount_error(frame, precision, &meta.file, &|| {
            at(&ValuePath::of("budget_frame").key("amount"))
        }) {
            self.diags.push(d);
            return;
        }
        self.figures.controls_checked += 1;
        let computed = self.figures.values[node].unwrap_or_default();
        if computed != frame.amount {
            let p = t.columns[c].precision.min(MAX_PRECISION);
            let unit = t.columns[c].unit(t);
            let fmt = |v: Decimal| format!("{} {unit}", format_amount(v, p));
            let diff = computed.checked_sub(frame.amount).unwrap_or(Decimal::MAX);
            self.diags.push(
                Diagnostic::error(
                    Code::BudgetFrame,
                    &meta.file,
                    format!(
                        "{} › {} › {} is {}, but the budget frame is {} (difference {}{})",
                        cell.table,
                        t.rows[r].label,
                        t.columns[c].name(),
                        fmt(computed),
                        fmt(frame.amount),
                        if diff > Decimal::ZERO { "+" } else { "" },
                        fmt(diff)
                    ),
                )
                .at_pos(at(&ValuePath::of("budget_frame").key("amount")))
                .with_label(format!("the frame decided: {}", fmt(frame.amount)))
                .with_hint(format!("the computed cell is `{}`", frame.cell)),
            );
        }
    }
}

/// Whether two units are the same (`Tkr` and `tkr` are).
fn same_unit(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
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

/// What is wrong with taking cell `cell` (row `source_row`, column `source` of table `other`)
/// into column `target` of table `from`: a group row has no figures; the units must be the
/// same; the cell may not have more decimals than the column prints. As (code, message,
/// hint).
fn taken_problem(
    cell: &CellRef,
    source_row: &Row,
    (source, other): (&crate::content::Column, &Table),
    (target, from): (&crate::content::Column, &Table),
) -> Option<(Code, String, String)> {
    if source_row.kind == RowKind::Group {
        Some((
            Code::UnknownReference,
            format!("`{cell}` is a group row, which has no figures"),
            "take the figure from a data or sum row".to_string(),
        ))
    } else if !same_unit(source.unit(other), target.unit(from)) {
        Some((
            Code::UnitMismatch,
            format!(
                "`{cell}` is in {}, but column `{}` is in {}",
                source.unit(other),
                target.id,
                target.unit(from)
            ),
            "a figure is taken as it is, never converted: give both columns the same unit"
                .to_string(),
        ))
    } else if source.precision > target.precision {
        Some((
            Code::Precision,
            format!(
                "`{cell}` has {} decimals, but column `{}` prints {}",
                source.precision, target.id, target.precision
            ),
            format!(
                "the printed figures would not add up to the printed totals: give `{}` a precision of at least {}",
                target.id, source.precision
            ),
        ))
    } else {
        None
    }
}

/// What is wrong with the budget frame's amount itself: too large for an amount, or more
/// decimals than the `precision` of the cell it names (`pos` gives the amount's place in
/// `file`).
fn frame_amount_error(
    frame: &crate::content::BudgetFrame,
    precision: u32,
    file: &std::path::Path,
    pos: &dyn Fn() -> Option<crate::diag::Pos>,
) -> Option<Diagnostic> {
    if frame.amount.abs() > max_amount() {
        return Some(
            Diagnostic::error(
                Code::Precision,
                file,
                format!(
                    "budget_frame.amount {} is too large: an amount has at most {MAX_INTEGER_DIGITS} digits before the decimal point",
                    frame.amount
                ),
            )
            .at_pos(pos()),
        );
    }
    if precision <= MAX_PRECISION && frame.amount.normalize().scale() > precision {
        return Some(
            Diagnostic::error(
                Code::Precision,
                file,
                format!(
                    "budget_frame.amount {} has more decimals than the {precision} of `{}`",
                    frame.amount, frame.cell
                ),
            )
            .at_pos(pos())
            .with_hint("give the frame as the cell prints it, or more decimals to the column"),
        );
    }
    None
}
