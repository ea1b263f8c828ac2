//! Charts drawn from a table's computed figures: the numbers a chart shows are the table's own,
//! formatted the same way, so chart and table cannot disagree. Proportions are computed with
//! `Decimal` and handed to Typst as text; no amount passes through a float.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::content::{Chart, ChartKind, Table};
use crate::figures::Figures;
use crate::numfmt::format_amount;

/// A chart ready for the template.
#[derive(Debug, Serialize)]
pub struct ChartView {
    /// `bars`, `stacked` or `grouped`.
    pub kind: &'static str,
    pub title: String,
    pub alt: String,
    pub unit: String,
    /// `bars`: one per data row. `stacked`: one per column, with a segment per series.
    /// `grouped`: one group per data row, with a segment (a bar) per series.
    pub bars: Vec<Bar>,
    /// `stacked`: the series (data rows), in legend order. `grouped`: the series (column
    /// titles), in legend order.
    pub series: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Bar {
    pub label: String,
    /// Length relative to the longest bar, 0–1, as text (e.g. `0.4321`).
    pub ratio: String,
    /// The figure as the table prints it.
    pub value: String,
    /// `stacked`: the segments, bottom first, each with its ratio (of the longest bar) and
    /// figure. `grouped`: the group's bars, one per series, each with its ratio (of the
    /// longest bar of the chart) and figure.
    pub segments: Vec<(String, String)>,
}

fn ratio(part: Decimal, whole: Decimal) -> String {
    match part.checked_div(whole) {
        Some(r) => r.round_dp(4).normalize().to_string(),
        None => "0".into(),
    }
}

/// The view of a table's chart, when it has one that is switched on.
pub fn view(table: &Table, computed: &Figures) -> Option<ChartView> {
    let chart = table.chart.as_ref().filter(|c| c.show)?;
    if !computed.has_table(&table.id) {
        return None;
    }
    let source = Source { table, computed };
    let mut view = ChartView {
        kind: match chart.kind {
            ChartKind::Bars => "bars",
            ChartKind::Stacked => "stacked",
            ChartKind::Grouped => "grouped",
        },
        title: chart.title.clone(),
        alt: chart.alt.clone(),
        unit: source.unit(chart),
        bars: Vec::new(),
        series: Vec::new(),
    };
    match chart.kind {
        ChartKind::Bars => view.bars = source.bars(chart)?,
        ChartKind::Grouped => (view.bars, view.series) = source.grouped(chart),
        ChartKind::Stacked => (view.bars, view.series) = source.stacked(chart)?,
    }
    Some(view)
}

/// A table and its computed figures, where a chart reads its numbers.
struct Source<'a> {
    table: &'a Table,
    computed: &'a Figures,
}

impl Source<'_> {
    /// The index of the table's column with this id.
    fn col(&self, id: &str) -> Option<usize> {
        self.table.columns.iter().position(|c| c.id == id)
    }

    /// The computed figure of a cell, by row and column index.
    fn cell(&self, r: usize, c: usize) -> Option<Decimal> {
        self.computed.at(&self.table.id, r, c)
    }

    /// The indices of the chart's columns that the table has, in the chart's order.
    fn cols(&self, chart: &Chart) -> Vec<usize> {
        chart.columns.iter().filter_map(|c| self.col(c)).collect()
    }

    /// The chart's unit: its first column's, else the table's.
    fn unit(&self, chart: &Chart) -> String {
        let table = self.table;
        chart
            .columns
            .first()
            .and_then(|c| self.col(c))
            .map(|c| table.columns[c].unit(table).to_string())
            .unwrap_or_else(|| table.unit.clone())
    }

    /// A `bars` chart's bars: one per data row, from the chart's first column.
    fn bars(&self, chart: &Chart) -> Option<Vec<Bar>> {
        let c = self.col(chart.columns.first()?)?;
        let precision = self.table.columns[c].precision;
        let figures: Vec<(&str, Decimal)> = self
            .table
            .data_rows()
            .map(|(r, row)| (row.label.as_str(), self.cell(r, c).unwrap_or_default()))
            .collect();
        let max = figures.iter().map(|(_, v)| *v).max().unwrap_or_default();
        let bars = figures
            .into_iter()
            .map(|(label, v)| Bar {
                label: label.to_string(),
                ratio: ratio(v, max),
                value: format_amount(v, precision),
                segments: Vec::new(),
            })
            .collect();
        Some(bars)
    }

    /// A `grouped` chart's groups (one per data row, a bar per column) and its series.
    fn grouped(&self, chart: &Chart) -> (Vec<Bar>, Vec<String>) {
        let cols = self.cols(chart);
        let series = series_names(self.table, &cols);
        let groups: Vec<(&str, Vec<Option<Decimal>>)> = self
            .table
            .data_rows()
            .map(|(r, row)| {
                let values = cols.iter().map(|&c| self.cell(r, c));
                (row.label.as_str(), values.collect())
            })
            .collect();
        let max = groups
            .iter()
            .flat_map(|(_, vs)| vs.iter().flatten().copied())
            .max()
            .unwrap_or_default();
        let bars = groups
            .into_iter()
            .map(|(label, values)| Bar {
                label: label.to_string(),
                ratio: "0".into(),
                value: String::new(),
                segments: self.group_segments(&values, &cols, max),
            })
            .collect();
        (bars, series)
    }

    /// A group's bars, one per column, each with its ratio of `max` and figure.
    fn group_segments(
        &self,
        values: &[Option<Decimal>],
        cols: &[usize],
        max: Decimal,
    ) -> Vec<(String, String)> {
        values
            .iter()
            .zip(cols)
            .map(|(&v, &c)| match v {
                Some(v) => (
                    ratio(v, max),
                    format_amount(v, self.table.columns[c].precision),
                ),
                // A figure not given yet (an outcome still to come) is no bar, and a
                // dash, never a bar of 0.
                None => ("0".to_string(), "–".to_string()),
            })
            .collect()
    }

    /// A `stacked` chart's bars (one per column, a segment per data row) and its series.
    fn stacked(&self, chart: &Chart) -> Option<(Vec<Bar>, Vec<String>)> {
        let table = self.table;
        let cols = self.cols(chart);
        let series = table.data_rows().map(|(_, r)| r.label.clone()).collect();
        let rows: Vec<usize> = table.data_rows().map(|(r, _)| r).collect();
        // `check` has refused a chart whose totals do not fit.
        let totals: Vec<Decimal> = cols
            .iter()
            .map(|&c| self.computed.column_total(&table.id, &rows, c))
            .collect::<Option<_>>()?;
        let max = totals.iter().copied().max().unwrap_or_default();
        let bars = cols
            .iter()
            .zip(&totals)
            .map(|(&c, total)| {
                let precision = table.columns[c].precision;
                Bar {
                    label: table.columns[c].title.clone(),
                    ratio: ratio(*total, max),
                    value: format_amount(*total, precision),
                    segments: table
                        .data_rows()
                        .map(|(r, _)| {
                            let v = self.cell(r, c).unwrap_or_default();
                            (ratio(v, max), format_amount(v, precision))
                        })
                        .collect(),
                }
            })
            .collect();
        Some((bars, series))
    }
}

/// The names of a grouped chart's series: the columns' titles, with their group where two
/// titles are the same ("Budget (Januari–augusti 2031)" beside "Budget (Helår 2031)").
pub fn series_names(table: &Table, cols: &[usize]) -> Vec<String> {
    let titles: Vec<&str> = cols
        .iter()
        .map(|&c| table.columns[c].title.as_str())
        .collect();
    cols.iter()
        .map(|&c| {
            let column = &table.columns[c];
            let twice = titles.iter().filter(|t| **t == column.title).count() > 1;
            match column.group.as_deref().map(str::trim) {
                Some(group) if twice && !group.is_empty() => {
                    format!("{} ({group})", column.title)
                }
                _ => column.title.clone(),
            }
        })
        .collect()
}
