//! Tables of amounts (`content/tables/*.yaml`): columns, rows and their kinds, sums, charts.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One file under `content/tables/`: a table of amounts.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// The table's id (a slug: a `/` would break `table/row/column` references).
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// The unit of every amount column, as used in messages: `mnkr`, `tkr`, `procent`, …
    pub unit: String,
    /// Text of the top-left header cell, e.g. "Belopp i mnkr" or "(Tkr)".
    #[serde(default)]
    pub caption: String,
    /// Extra text columns between the label and the amounts (e.g. an object description).
    #[serde(default)]
    pub text_columns: Vec<TextColumn>,
    /// The amount columns, left to right.
    pub columns: Vec<Column>,
    /// Data rows without values are the sum of the same row in these tables (matched by row
    /// id and column id).
    #[serde(default)]
    pub sum_of: Vec<String>,
    /// The rows, top to bottom: data rows, group headings and sums.
    pub rows: Vec<Row>,
    /// Footnotes under the table (Markdown).
    #[serde(default)]
    pub notes: Vec<String>,
    /// A chart drawn under the table from the same computed figures.
    #[serde(default)]
    pub chart: Option<Chart>,
}

/// A chart of a table's figures, drawn in Typst under the table.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Chart {
    /// `bars`: one bar per data row, from one column. `stacked`: one bar per column, stacked
    /// from the data rows (with a legend). `grouped`: one group of bars per data row, one bar
    /// per column (with a legend).
    pub kind: ChartKind,
    /// The caption above the chart.
    pub title: String,
    /// The text alternative for readers who cannot see the chart (required).
    pub alt: String,
    /// `bars`: the one column drawn; `stacked`: the columns along the axis, in order;
    /// `grouped`: the columns of each group (at least two), in order.
    pub columns: Vec<String>,
    /// `false` switches the chart off without deleting it.
    #[serde(default = "default_true")]
    pub show: bool,
}

/// The kind of a chart.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// One bar per data row, from one column.
    Bars,
    /// One bar per column, stacked from the data rows (with a legend).
    Stacked,
    /// One group of bars per data row, one bar per column (with a legend).
    Grouped,
}

fn default_true() -> bool {
    true
}

/// A column of text between the row label and the amounts.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TextColumn {
    /// The text column's id: the key of a row's `text`.
    pub id: String,
    /// The column's title in the header.
    pub title: String,
}

/// A column of amounts.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// The column's id (a slug), unique in its table: the last part of `table/row/column`.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// The column's title in the header.
    pub title: String,
    /// A group title spanning adjacent columns with the same group (two-row header).
    #[serde(default)]
    pub group: Option<String>,
    /// Decimals printed (and allowed in typed amounts), at most 10 (`figures::MAX_PRECISION`).
    #[schemars(range(max = 10))]
    pub precision: u32,
    /// The unit of this column when it differs from the table's (e.g. `årsarbetare` beside `tkr`).
    #[serde(default)]
    pub unit: Option<String>,
}

impl Table {
    /// The detail rows with their positions (what a chart draws).
    pub fn data_rows(&self) -> impl Iterator<Item = (usize, &Row)> {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind == RowKind::Data)
    }

    /// The header row above the column titles, when a column has a `group`: `(group, span)`
    /// from left to right, adjacent columns of the same group as one span; a column without a
    /// group is a span of its own with an empty title. Empty when no column has a group. The
    /// printed table and the spreadsheet both draw this row.
    pub fn column_groups(&self) -> Vec<(String, usize)> {
        let mut groups: Vec<(String, usize)> = Vec::new();
        if self.columns.iter().any(|c| c.group.is_some()) {
            for c in &self.columns {
                let title = c.group.clone().unwrap_or_default();
                match groups.last_mut() {
                    Some((last, span)) if *last == title && c.group.is_some() => *span += 1,
                    _ => groups.push((title, 1)),
                }
            }
        }
        groups
    }
}

impl Column {
    /// The column as a reader names it outside the table's two-row header: its group and its
    /// title, `Budget 2024 › Omsättning`, or its title alone when it has no group. Every
    /// place that names a column in one line (`diff`, the spreadsheets) uses this.
    pub fn name(&self) -> String {
        match self.group.as_deref().map(str::trim) {
            Some(group) if !group.is_empty() => format!("{group} › {}", self.title),
            _ => self.title.clone(),
        }
    }

    /// The unit of the column's figures: its own, else the table's.
    pub fn unit<'a>(&'a self, table: &'a Table) -> &'a str {
        self.unit.as_deref().unwrap_or(&table.unit)
    }
}

/// A row of a table of amounts.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Row {
    /// The row's id (a slug), unique in its table: the middle part of `table/row/column`.
    #[schemars(pattern(crate::content::slug::PATTERN))]
    pub id: String,
    /// The row's label, in the first column.
    pub label: String,
    /// `data` (typed amounts or references), `group` (a bold heading row that opens a group of
    /// data rows) or `sum` (computed from `sum`).
    #[serde(default)]
    pub kind: RowKind,
    /// Typed amounts, one per column (`~` for an empty cell).
    #[serde(default, deserialize_with = "crate::content::amount::list")]
    #[schemars(schema_with = "crate::content::amount::list_schema")]
    pub values: Option<Vec<Option<Decimal>>>,
    /// Cells taken from another table: column id → `table/row` or `table/row/column`.
    #[serde(default)]
    pub refs: BTreeMap<String, String>,
    /// Texts of the table's text columns, by text column id.
    #[serde(default)]
    pub text: BTreeMap<String, String>,
    /// For a sum row: `all` (every data row of the table) or a list of row or group ids.
    #[serde(default)]
    pub sum: Option<SumSpec>,
    /// Typed control figures, one per column (`~` where there is none): each is checked
    /// against the computed value, like a balance assertion. Never printed.
    #[serde(default, deserialize_with = "crate::content::amount::list")]
    #[schemars(schema_with = "crate::content::amount::list_schema")]
    pub control: Option<Vec<Option<Decimal>>>,
}

/// What a row is: a detail row, a group heading or a sum.
#[derive(
    Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// A detail row: typed amounts, references or sums of other tables.
    #[default]
    Data,
    /// A bold heading row that opens a group of data rows.
    Group,
    /// A row computed from `sum`.
    Sum,
}

impl Row {
    /// The row's text in a text column (`""` where it has none).
    pub fn text_in(&self, column: &str) -> &str {
        self.text.get(column).map_or("", String::as_str)
    }
}

impl RowKind {
    /// The kind as the content writes it (`kind: group`).
    pub fn as_str(self) -> &'static str {
        match self {
            RowKind::Data => "data",
            RowKind::Group => "group",
            RowKind::Sum => "sum",
        }
    }
}

/// What a sum row adds up: `all` (every data row of the table) or a list of row or group ids.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(untagged)]
pub enum SumSpec {
    /// The keyword `all`.
    Keyword(String),
    /// Row ids and group ids.
    Of(Vec<String>),
}
