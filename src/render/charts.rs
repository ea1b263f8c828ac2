//! Charts drawn from a table's computed figures: the numbers a chart shows are the table's own,
//! formatted the same way, so chart and table cannot disagree. Proportions are computed with
//! `Decimal` and handed to Typst as text; no amount passes through a float.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::content::{ChartKind, Table};
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
    let col = |id: &str| table.columns.iter().position(|c| c.id == id);
    let cell = |r: usize, c: usize| computed.at(&table.id, r, c);
    let unit = chart
        .columns
        .first()
        .and_then(|c| col(c))
        .map(|c| table.columns[c].unit(table).to_string())
        .unwrap_or_else(|| table.unit.clone());
    let mut view = ChartView {
        kind: match chart.kind {
            ChartKind::Bars => "bars",
            ChartKind::Stacked => "stacked",
            ChartKind::Grouped => "grouped",
        },
        title: chart.title.clone(),
        alt: chart.alt.clone(),
        unit,
        bars: Vec::new(),
        series: Vec::new(),
    };
    match chart.kind {
        ChartKind::Bars => {
            let c = col(chart.columns.first()?)?;
            let precision = table.columns[c].precision;
            let figures: Vec<(&str, Decimal)> = table
                .data_rows()
                .map(|(r, row)| (row.label.as_str(), cell(r, c).unwrap_or_default()))
                .collect();
            let max = figures.iter().map(|(_, v)| *v).max().unwrap_or_default();
            view.bars = figures
                .into_iter()
                .map(|(label, v)| Bar {
                    label: label.to_string(),
                    ratio: ratio(v, max),
                    value: format_amount(v, precision),
                    segments: Vec::new(),
                })
                .collect();
        }
        ChartKind::Grouped => {
            let cols: Vec<usize> = chart.columns.iter().filter_map(|c| col(c)).collect();
            view.series = series_names(table, &cols);
            let groups: Vec<(&str, Vec<Option<Decimal>>)> = table
                .data_rows()
                .map(|(r, row)| {
                    let values = cols.iter().map(|&c| cell(r, c));
                    (row.label.as_str(), values.collect())
                })
                .collect();
            let max = groups
                .iter()
                .flat_map(|(_, vs)| vs.iter().flatten().copied())
                .max()
                .unwrap_or_default();
            view.bars = groups
                .into_iter()
                .map(|(label, values)| Bar {
                    label: label.to_string(),
                    ratio: "0".into(),
                    value: String::new(),
                    // A figure not given yet (an outcome still to come) is no bar, and a
                    // dash, never a bar of 0.
                    segments: values
                        .iter()
                        .zip(&cols)
                        .map(|(&v, &c)| match v {
                            Some(v) => {
                                (ratio(v, max), format_amount(v, table.columns[c].precision))
                            }
                            None => ("0".to_string(), "–".to_string()),
                        })
                        .collect(),
                })
                .collect();
        }
        ChartKind::Stacked => {
            let cols: Vec<usize> = chart.columns.iter().filter_map(|c| col(c)).collect();
            view.series = table.data_rows().map(|(_, r)| r.label.clone()).collect();
            let rows: Vec<usize> = table.data_rows().map(|(r, _)| r).collect();
            // `check` has refused a chart whose totals do not fit.
            let totals: Vec<Decimal> = cols
                .iter()
                .map(|&c| computed.column_total(&table.id, &rows, c))
                .collect::<Option<_>>()?;
            let max = totals.iter().copied().max().unwrap_or_default();
            for (&c, total) in cols.iter().zip(&totals) {
                let precision = table.columns[c].precision;
                view.bars.push(Bar {
                    label: table.columns[c].title.clone(),
                    ratio: ratio(*total, max),
                    value: format_amount(*total, precision),
                    segments: table
                        .data_rows()
                        .map(|(r, _)| {
                            let v = cell(r, c).unwrap_or_default();
                            (ratio(v, max), format_amount(v, precision))
                        })
                        .collect(),
                });
            }
        }
    }
    Some(view)
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
