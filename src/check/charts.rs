//! The charts' rules: every chart names existing columns (one for `bars`, at least two of one
//! unit for `grouped`), has a text alternative, and draws no negative figure.

use std::path::Path;

use crate::content::{Chart, ChartKind, Plan, Table, ValuePath};
use crate::diag::{Code, Diagnostic};
use crate::figures::Figures;
use crate::numfmt::format_amount;

/// Every chart names existing columns (one for `bars`, at least two of one unit for
/// `grouped`), has a text alternative, and draws no negative figure (a bar cannot show one).
pub fn check(plan: &Plan, computed: Option<&Figures>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for table in plan.tables.values() {
        diags.extend(check_table(
            plan,
            computed,
            &table.value,
            &table.file,
            &ValuePath::of("chart"),
        ));
    }
    diags
}

/// The rules for the chart of table `t`, whose YAML is at `chart_path` of `file` (a plan
/// table's own `chart`, or a report's `tables.{i}.chart`).
pub fn check_table(
    plan: &Plan,
    computed: Option<&Figures>,
    t: &Table,
    file: &Path,
    chart_path: &ValuePath,
) -> Vec<Diagnostic> {
    let Some(chart) = &t.chart else {
        return Vec::new();
    };
    let mut c = ChartCheck {
        plan,
        t,
        chart,
        file,
        chart_path,
        // A report's chart (at `tables.{i}.chart`) names no columns: its projection draws the
        // budget and the outcome.
        own: chart_path.as_str() == "chart",
        diags: Vec::new(),
    };
    c.alt();
    let columns = c.named_columns();
    c.column_count();
    if chart.kind == ChartKind::Grouped {
        c.one_unit(&columns);
    }
    if chart.columns.is_empty() {
        return c.diags;
    }
    let Some(figures) = computed.filter(|f| f.has_table(&t.id)) else {
        return c.diags;
    };
    if chart.kind == ChartKind::Stacked {
        c.totals(figures, &columns);
    }
    c.not_negative(figures, &columns);
    c.diags
}

/// The chart of a table being checked, and the problems found so far.
struct ChartCheck<'a> {
    plan: &'a Plan,
    t: &'a Table,
    chart: &'a Chart,
    file: &'a Path,
    chart_path: &'a ValuePath,
    /// Whether the chart is a plan table's own (at `chart`), not a report's.
    own: bool,
    diags: Vec<Diagnostic>,
}

impl ChartCheck<'_> {
    /// An error at `path` below the chart's.
    fn error(&mut self, path: &ValuePath, message: String, hint: Option<String>) {
        let path = self.chart_path.join(path);
        let at = if self.own {
            self.plan.pos(self.file, &path)
        } else {
            self.plan.pos_or_ancestor(self.file, &path)
        };
        let id = &self.t.id;
        let mut d = Diagnostic::error(
            Code::Chart,
            self.file,
            format!("chart of `{id}`: {message}"),
        )
        .at_pos(at);
        d.hint = hint;
        self.diags.push(d);
    }

    /// The chart has a text alternative.
    fn alt(&mut self) {
        if self.chart.alt.trim().is_empty() {
            self.error(
                &ValuePath::of("alt"),
                "needs an alternative text (`alt`)".into(),
                Some("say what the chart shows, for readers who cannot see it".into()),
            );
        }
    }

    /// The positions of the table's columns the chart names; a name of no column is an error.
    fn named_columns(&mut self) -> Vec<usize> {
        let t = self.t;
        let known: Vec<&str> = t.columns.iter().map(|c| c.id.as_str()).collect();
        let mut columns = Vec::new();
        for (i, c) in self.chart.columns.iter().enumerate() {
            match t.columns.iter().position(|col| col.id == *c) {
                Some(p) => columns.push(p),
                None => self.error(
                    &ValuePath::of("columns").index(i),
                    format!("there is no column `{c}`"),
                    Some(crate::suggest::did_you_mean_or_list(
                        c,
                        &known,
                        "the columns are: ",
                    )),
                ),
            }
        }
        columns
    }

    /// A `bars` chart names one column, a `grouped` one at least two.
    fn column_count(&mut self) {
        let chart = self.chart;
        if chart.kind == ChartKind::Bars && chart.columns.len() != 1 {
            self.error(
                &ValuePath::of("columns"),
                format!(
                    "a `bars` chart draws one column, {} given",
                    chart.columns.len()
                ),
                None,
            );
        }
        if chart.kind == ChartKind::Grouped && chart.columns.len() < 2 {
            self.error(
                &ValuePath::of("columns"),
                format!(
                    "a `grouped` chart draws at least two columns side by side, {} given",
                    chart.columns.len()
                ),
                Some("list the columns to compare, e.g. `columns: [budget, utfall]`".into()),
            );
        }
    }

    /// Bars side by side share one scale: a `grouped` chart's columns measure the same unit.
    fn one_unit(&mut self, columns: &[usize]) {
        let t = self.t;
        let units: Vec<(&str, &str)> = columns
            .iter()
            .map(|&c| (t.columns[c].id.as_str(), t.columns[c].unit(t)))
            .collect();
        if let Some(((a, ua), (b, ub))) = units
            .first()
            .and_then(|f| units.iter().find(|u| u.1 != f.1).map(|u| (f, u)))
        {
            self.error(
                &ValuePath::of("columns"),
                format!(
                    "a `grouped` chart draws its columns on one scale, but `{a}` is in {ua} and `{b}` in {ub}"
                ),
                None,
            );
        }
    }

    /// A `stacked` chart's columns have totals that can be computed exactly.
    fn totals(&mut self, figures: &Figures, columns: &[usize]) {
        let t = self.t;
        let rows: Vec<usize> = t.data_rows().map(|(r, _)| r).collect();
        for &c in columns {
            if figures.column_total(&t.id, &rows, c).is_none() {
                self.error(
                    &ValuePath::of("columns"),
                    format!(
                        "the total of column `{}` is too large to compute exactly",
                        t.columns[c].id
                    ),
                    None,
                );
            }
        }
    }

    /// No figure the chart draws is negative: a bar cannot show it.
    fn not_negative(&mut self, figures: &Figures, columns: &[usize]) {
        let t = self.t;
        for (r, row) in t.data_rows() {
            for &c in columns {
                let Some(v) = figures.at(&t.id, r, c) else {
                    continue;
                };
                if v.is_sign_negative() && !v.is_zero() {
                    self.error(
                        &ValuePath::ROOT,
                        format!(
                            "{} › {} is negative ({}); a bar cannot show it",
                            row.label,
                            t.columns[c].name(),
                            format_amount(v, t.columns[c].precision)
                        ),
                        Some(if self.own {
                            "chart columns whose figures are not negative, or set `show: false`"
                                .into()
                        } else {
                            "a report's chart draws the budget and the outcome: chart a table whose figures are not negative, or remove the chart".into()
                        }),
                    );
                }
            }
        }
    }
}

/// A report's chart says what it draws: its title and its text alternative each name every
/// series (by the column's title: budget, utfall, prognos), so a reader of either knows that
/// the chart of "Budget och utfall" also draws the forecast.
pub fn names_its_series(
    plan: &Plan,
    t: &Table,
    file: &Path,
    chart_path: &ValuePath,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let Some(chart) = &t.chart else {
        return diags;
    };
    let mut words: Vec<String> = Vec::new();
    for c in &chart.columns {
        if let Some(column) = t.columns.iter().find(|x| &x.id == c) {
            let word = column.title.trim().to_lowercase();
            if !word.is_empty() && !words.contains(&word) {
                words.push(word);
            }
        }
    }
    for (key, text, what) in [
        ("title", &chart.title, "title"),
        ("alt", &chart.alt, "text alternative (`alt`)"),
    ] {
        let said = text.to_lowercase();
        let unsaid: Vec<&str> = words
            .iter()
            .filter(|w| !said.contains(w.as_str()))
            .map(String::as_str)
            .collect();
        if unsaid.is_empty() {
            continue;
        }
        let mut d = Diagnostic::warning(
            Code::Chart,
            file,
            format!(
                "chart of `{}`: it draws {}, but its {what} does not name {}",
                t.id,
                words.join(", "),
                unsaid.join(", ")
            ),
        )
        .at_pos(plan.pos(file, &chart_path.key(key)));
        d.hint = Some(format!(
            "name every series the chart draws ({}), so that a reader of the {what} alone knows what the bars are",
            words.join(", ")
        ));
        diags.push(d);
    }
    diags
}
