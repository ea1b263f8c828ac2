//! The view handed to the templates: the content with every table computed and formatted,
//! the goal structure and the internal-control plan expanded in place, and each heading's
//! level and numbering decided. Templates only place things; they never compute.

use std::path::Path;

use serde::Serialize;

use crate::content::{
    Appendix, Block, Goal, IcArea, Item, Plan, RowKind, SectionStyle, Table, ValuePath,
};
use crate::diag::origin::origin;
use crate::figures::Figures;
use crate::numfmt::format_amount;
use crate::render::escape::{DEL_CLOSE, DEL_OPEN};
use crate::render::parts::{
    status_id, AssessmentView, AssignmentFollowUpView, ControlResultView, GoalView, IcAreaPartView,
    IndicatorFollowUpView, ItemView, MatrixView, OrgChartView, PlanMetaView, TextTableView,
};

#[derive(Debug, Serialize)]
pub struct DocView<'a> {
    pub plan: PlanMetaView<'a>,
    /// Where the plan's data comes from (plan.yaml), as a source marker (see [`crate::diag::origin`]).
    pub origin: String,
    /// Which document of the plan this is: the plan (`plan`) or one appendix on its own
    /// (`appendix`).
    pub document: &'static str,
    /// For a redline build: what the changes are marked against (a revision or directory).
    pub redline: Option<&'a str>,
    /// Where the plan is in the decision process, when the plan says.
    pub status: Option<StatusView>,
    pub chapters: Vec<ChapterView<'a>>,
    pub appendices: Vec<AppendixView<'a>>,
}

impl super::TemplateContext for DocView<'_> {}

/// The status for the cover, the footer and the watermark.
#[derive(Debug, Serialize)]
pub struct StatusView {
    pub id: &'static str,
    pub label: &'static str,
    pub watermark: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct ChapterView<'a> {
    pub id: &'a str,
    /// Removed since the version a redline compares with: printed struck through, unnumbered.
    pub removed: bool,
    /// Source marker of the chapter's file (see [`crate::diag::origin`]).
    pub origin: String,
    pub title: &'a str,
    pub blocks: Vec<BlockView<'a>>,
}

#[derive(Debug, Serialize)]
pub struct AppendixView<'a> {
    pub id: &'a str,
    /// Source marker of the appendix's file (see [`crate::diag::origin`]).
    pub origin: String,
    /// Published as a document of its own: listed in the plan's table of contents, not
    /// printed in it.
    pub separate: bool,
    pub label: &'a str,
    pub title: &'a str,
    pub title_block: &'a [String],
    pub numbered: bool,
    pub blocks: Vec<BlockView<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BlockView<'a> {
    /// Where the next block comes from: a source marker (see [`crate::diag::origin`]) that the templates
    /// print as a `// @content …` comment, so that a Typst error in what follows is reported
    /// at the content file and line that produced it.
    Origin {
        at: String,
    },
    Text {
        /// Markdown, with its figure references (`{{ table/row/column }}`) replaced.
        markdown: std::borrow::Cow<'a, str>,
    },
    Section {
        id: &'a str,
        title: std::borrow::Cow<'a, str>,
        /// Typst heading level (1 = chapter).
        level: usize,
        numbered: bool,
        outlined: bool,
        italic: bool,
        blocks: Vec<BlockView<'a>>,
    },
    Goal {
        goal: GoalView<'a>,
    },
    Assignment {
        item: ItemView<'a>,
    },
    Table {
        table: TableView<'a>,
    },
    TextTable {
        table: TextTableView<'a>,
    },
    Matrix {
        matrix: MatrixView<'a>,
    },
    InternalControl {
        columns: &'a [String; 3],
        areas: Vec<IcAreaView<'a>>,
    },
    OrgChart {
        chart: OrgChartView<'a>,
    },
    /// A goal in a follow-up report: the plan's goal with the report's assessment, text and
    /// indicator outcomes.
    GoalFollowUp {
        label: String,
        goal: GoalView<'a>,
        assessment: Option<AssessmentView>,
        markdown: Option<std::borrow::Cow<'a, str>>,
        indicators: Vec<IndicatorFollowUpView<'a>>,
    },
    /// The assignments of a perspective in a follow-up report, with their statuses.
    Assignments {
        rows: Vec<AssignmentFollowUpView<'a>>,
    },
    /// The internal-control plan in a follow-up report, with the results of its controls.
    ControlResults {
        columns: &'a [String; 3],
        rows: Vec<ControlResultView<'a>>,
    },
}

#[derive(Debug, Serialize)]
pub struct TableView<'a> {
    pub id: &'a str,
    pub caption: &'a str,
    pub unit: &'a str,
    pub text_columns: Vec<&'a str>,
    pub columns: Vec<&'a str>,
    /// Column groups of a two-row header: `(title, span)`; empty when there is none.
    pub groups: Vec<(String, usize)>,
    pub rows: Vec<RowView<'a>>,
    pub notes: &'a [String],
    /// The chart drawn under the table, when it has one switched on.
    pub chart: Option<Box<crate::render::charts::ChartView>>,
    /// When the table belongs to a column family (see [`align_families`]): per amount column,
    /// every figure the family prints in that column, `(text, bold)`, for the template to
    /// size the column from the family's widest; empty otherwise.
    pub family: Vec<Vec<(String, bool)>>,
    /// Per amount column, the figures that may be the widest the table (or its family)
    /// prints there ([`widest_candidates`]): what the template measures to size the column.
    pub widest: Vec<Vec<(String, bool)>>,
}

/// Of `figures` (`(text, bold)`, formatted amounts), the ones that may be the widest as the
/// template sets them: of the regular and of the bold ones, those at most two characters
/// shorter than the longest. An amount is digits in groups of three, a decimal comma and a
/// sign, and its digits are tabular, so a figure two characters shorter is never wider; the
/// template measures these few instead of every figure of a column (in a family, of every
/// table). Duplicates once, in order.
pub(crate) fn widest_candidates<'s>(
    figures: impl IntoIterator<Item = (&'s str, bool)>,
) -> Vec<(String, bool)> {
    let figures: std::collections::BTreeSet<(&str, bool)> =
        figures.into_iter().filter(|(f, _)| !f.is_empty()).collect();
    let longest = |bold: bool| {
        figures
            .iter()
            .filter(|(_, b)| *b == bold)
            .map(|(f, _)| f.chars().count())
            .max()
            .unwrap_or(0)
    };
    let (regular, bold) = (longest(false), longest(true));
    figures
        .into_iter()
        .filter(|(f, b)| f.chars().count() + 2 >= if *b { bold } else { regular })
        .map(|(f, b)| (f.to_string(), b))
        .collect()
}

#[derive(Debug, Serialize)]
pub struct RowView<'a> {
    pub id: &'a str,
    pub label: std::borrow::Cow<'a, str>,
    /// `data`, `group` or `sum`.
    pub kind: &'static str,
    pub bold: bool,
    pub texts: Vec<std::borrow::Cow<'a, str>>,
    /// Formatted amounts, `""` for an empty cell.
    pub cells: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct IcAreaView<'a> {
    pub area: IcAreaPartView<'a>,
    /// Rows the area spans: one per risk (a risk's measures share its row).
    pub span: usize,
}

/// Where a run of blocks sits: decides heading levels and numbering.
#[derive(Clone, Copy)]
struct Place {
    /// Typst heading level of a section at this place.
    level: usize,
    /// Deepest level that is numbered by default (0 = none).
    numbered_to: usize,
    /// Whether headings here may be listed in the main table of contents (not in appendices,
    /// which the table of contents lists by their titles).
    in_toc: bool,
}

struct Builder<'a> {
    plan: &'a Plan,
    computed: &'a Figures,
    old_cells: Option<&'a OldCells>,
}

/// What a redline build prints of the old version besides the marked plan (`diff` computes
/// it): the old values of the cells whose value changed, by (table, row, column) id, printed
/// struck through before the new value; the rows removed from each table, printed struck
/// through where they stood with their old figures (they count into no sum: the sums are the
/// new plan's); and the chapters that were removed (put back struck through into the marked
/// plan, printed without a number so the new plan's numbering is kept).
#[derive(Debug, Clone, Default)]
pub struct OldCells {
    pub cells: std::collections::HashMap<(String, String, String), Option<rust_decimal::Decimal>>,
    /// Removed rows by table id, in their old order.
    pub removed_rows: std::collections::HashMap<String, Vec<RemovedRow>>,
    /// Ids of the chapters that were removed.
    pub removed_chapters: std::collections::HashSet<String>,
    /// Ids of the sections and strategies that were removed: unnumbered, not in the table of
    /// contents.
    pub removed_sections: std::collections::HashSet<String>,
    /// The old figures of the tables that were removed, by table id, row by row and column by
    /// column (the marked plan has the old table, struck through, in their place).
    pub removed_tables: std::collections::HashMap<String, Vec<Vec<Option<rust_decimal::Decimal>>>>,
}

impl OldCells {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(
        &mut self,
        key: (String, String, String),
        old: Option<rust_decimal::Decimal>,
    ) -> Option<Option<rust_decimal::Decimal>> {
        self.cells.insert(key, old)
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
            && self.removed_rows.is_empty()
            && self.removed_chapters.is_empty()
            && self.removed_sections.is_empty()
            && self.removed_tables.is_empty()
    }
}

/// A table row that the new plan no longer has, as a redline prints it.
#[derive(Debug, Clone)]
pub struct RemovedRow {
    /// The id of the row of the new table it follows (`None`: it comes first).
    pub after: Option<String>,
    /// Its label and text cells, already marked as deleted.
    pub label: String,
    pub texts: Vec<String>,
    pub kind: RowKind,
    /// Its old values, one per column of the new table (`None`: empty, or no such column).
    pub values: Vec<Option<rust_decimal::Decimal>>,
}

/// What a redline build marks: the old side's name and the old values of changed cells.
#[derive(Clone, Copy)]
pub struct Redline<'a> {
    pub since: &'a str,
    pub old_cells: &'a OldCells,
}

/// What a document holds of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'s> {
    /// Everything, the appendices included.
    Whole,
    /// The plan without the appendices listed, which are documents of their own.
    Without(&'s [String]),
    /// One appendix, by id, as a document of its own.
    Appendix(&'s str),
}

/// The view of one document of the plan; with `redline`, changed cells show their old
/// values.
pub fn build_scoped<'a>(
    plan: &'a Plan,
    computed: &'a Figures,
    redline: Option<Redline<'a>>,
    scope: Scope<'_>,
) -> DocView<'a> {
    let b = Builder {
        plan,
        computed,
        old_cells: redline.as_ref().map(|r| r.old_cells),
    };
    let chapter_place = Place {
        level: 2,
        numbered_to: 2,
        in_toc: true,
    };
    let separate = |id: &str| match scope {
        Scope::Whole => false,
        Scope::Without(ids) => ids.iter().any(|s| s == id),
        Scope::Appendix(_) => false,
    };
    let included = |id: &str| match scope {
        Scope::Appendix(only) => id == only,
        _ => true,
    };
    let appendix_only = matches!(scope, Scope::Appendix(_));
    let root = content_root(plan);
    let mut view = DocView {
        plan: (&plan.meta.value).into(),
        origin: origin(root, &plan.meta.file, ""),
        document: if appendix_only { "appendix" } else { "plan" },
        redline: redline.map(|r| r.since),
        status: status_view(plan),
        chapters: plan
            .chapters
            .iter()
            .filter(|_| !appendix_only)
            .map(|c| ChapterView {
                id: &c.value.id,
                removed: redline
                    .is_some_and(|r| r.old_cells.removed_chapters.contains(&c.value.id)),
                origin: origin(root, &c.file, "title"),
                title: &c.value.title,
                blocks: b.blocks(
                    &c.value.blocks,
                    chapter_place,
                    (&c.file, &ValuePath::of("blocks")),
                ),
            })
            .collect(),
        appendices: plan
            .appendices
            .iter()
            .filter(|a| included(&a.value.id))
            .map(|a| {
                let mut view = b.appendix(&a.value, &a.file);
                if separate(&a.value.id) {
                    view.separate = true;
                    view.blocks.clear();
                }
                view
            })
            .collect(),
    };
    align_families(&mut view, plan);
    view
}

/// Column families: amount tables read together share one column-width scheme. Two amount
/// tables of the document belong to one family when
/// - they stand in the same chapter or appendix and their amount columns have the same
///   titles (and column groups), in the same order; or
/// - one is a `sum_of` summary and the other one of the tables it sums (same number of amount
///   columns).
///
/// Families are closed under both rules. Each table of a family of two or more gets, per
/// amount column, every figure the family prints there ([`TableView::family`]); the template
/// sizes the columns from the widest of them, so the columns stand at the same x in every
/// table of the family.
pub(crate) fn align_families(view: &mut DocView<'_>, plan: &Plan) {
    let mut tables = Vec::new();
    let parts = view
        .chapters
        .iter_mut()
        .map(|c| &mut c.blocks)
        .chain(view.appendices.iter_mut().map(|a| &mut a.blocks));
    for (part, blocks) in parts.enumerate() {
        amount_tables(blocks, part, &mut tables);
    }
    let roots = families(&tables, plan);
    type Columns = Vec<std::collections::BTreeSet<(String, bool)>>;
    let mut figures: std::collections::BTreeMap<usize, Columns> = Default::default();
    let mut members: std::collections::BTreeMap<usize, usize> = Default::default();
    for (i, (_, t)) in tables.iter().enumerate() {
        *members.entry(roots[i]).or_default() += 1;
        let cols = figures
            .entry(roots[i])
            .or_insert_with(|| vec![Default::default(); t.columns.len()]);
        for r in &t.rows {
            for (k, c) in r.cells.iter().enumerate() {
                if !c.is_empty() && k < cols.len() {
                    cols[k].insert((c.clone(), r.bold));
                }
            }
        }
    }
    for (i, (_, t)) in tables.iter_mut().enumerate() {
        if members[&roots[i]] > 1 {
            t.family = figures[&roots[i]]
                .iter()
                .map(|set| set.iter().cloned().collect())
                .collect();
            t.widest = figures[&roots[i]]
                .iter()
                .map(|set| widest_candidates(set.iter().map(|(f, b)| (f.as_str(), *b))))
                .collect();
        }
    }
}

/// The tables of amounts among `blocks` (sections' included), each with the number of the
/// chapter or appendix (`part`) it stands in.
fn amount_tables<'v, 'a>(
    blocks: &'v mut [BlockView<'a>],
    part: usize,
    out: &mut Vec<(usize, &'v mut TableView<'a>)>,
) {
    for b in blocks {
        match b {
            BlockView::Table { table } if !table.columns.is_empty() => out.push((part, table)),
            BlockView::Section { blocks, .. } => amount_tables(blocks, part, out),
            BlockView::Table { .. }
            | BlockView::Origin { .. }
            | BlockView::Text { .. }
            | BlockView::Goal { .. }
            | BlockView::Assignment { .. }
            | BlockView::TextTable { .. }
            | BlockView::Matrix { .. }
            | BlockView::InternalControl { .. }
            | BlockView::OrgChart { .. }
            | BlockView::GoalFollowUp { .. }
            | BlockView::Assignments { .. }
            | BlockView::ControlResults { .. } => {}
        }
    }
}

/// The column family of each table of `tables` (by the rules of [`align_families`]), as the
/// index of the family's first table.
fn families(tables: &[(usize, &mut TableView<'_>)], plan: &Plan) -> Vec<usize> {
    fn find(parent: &mut [usize], i: usize) -> usize {
        let mut r = i;
        while parent[r] != r {
            r = parent[r];
        }
        parent[i] = r;
        r
    }
    let n = tables.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let sums = |s: &TableView<'_>, t: &TableView<'_>| {
        s.columns.len() == t.columns.len()
            && plan
                .tables
                .get(s.id)
                .is_some_and(|st| st.value.sum_of.iter().any(|x| x == t.id))
    };
    for i in 0..n {
        for j in i + 1..n {
            let (a, b) = (&tables[i], &tables[j]);
            let same_part = a.0 == b.0 && a.1.columns == b.1.columns && a.1.groups == b.1.groups;
            if same_part || sums(a.1, b.1) || sums(b.1, a.1) {
                let (ra, rb) = (find(&mut parent, i), find(&mut parent, j));
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    (0..n).map(|i| find(&mut parent, i)).collect()
}

/// The view of one table of amounts (in no column family yet).
pub(crate) fn table_view<'a>(
    plan: &'a Plan,
    computed: &'a Figures,
    id: &str,
) -> Option<TableView<'a>> {
    Builder {
        plan,
        computed,
        old_cells: None,
    }
    .table(id)
}

/// The plan's status for the cover, the footer and the watermark, when it has a decision.
pub fn status_view(plan: &Plan) -> Option<StatusView> {
    plan.meta.value.decision.as_ref().map(|d| StatusView {
        id: status_id(d.status),
        label: d.status.label(),
        watermark: d.status.watermark(),
    })
}

impl<'a> Builder<'a> {
    /// The content directory: source markers name files relative to it.
    fn root(&self) -> &'a Path {
        content_root(self.plan)
    }

    fn appendix(&self, a: &'a Appendix, file: &Path) -> AppendixView<'a> {
        let place = Place {
            level: 2,
            numbered_to: if a.numbered { 3 } else { 0 },
            in_toc: false,
        };
        AppendixView {
            id: &a.id,
            origin: origin(self.root(), file, "title"),
            separate: false,
            label: &a.label,
            title: &a.title,
            title_block: &a.title_block,
            numbered: a.numbered,
            blocks: self.blocks(&a.blocks, place, (file, &ValuePath::of("blocks"))),
        }
    }

    /// The views of a list of blocks; `at` is the file and the path of the list in it.
    fn blocks(
        &self,
        blocks: &'a [Block],
        place: Place,
        (file, path): (&Path, &ValuePath),
    ) -> Vec<BlockView<'a>> {
        let mut out = Vec::with_capacity(2 * blocks.len());
        for (i, block) in blocks.iter().enumerate() {
            let bp = path.index(i);
            // A table's texts come from its own file.
            let at = match block {
                Block::Table(id) => match self.plan.tables.get(id) {
                    Some(t) => origin(self.root(), &t.file, ""),
                    None => origin(self.root(), file, bp.as_str()),
                },
                Block::Text(_)
                | Block::Section(_)
                | Block::Goal(_)
                | Block::Assignment(_)
                | Block::TextTable(_)
                | Block::Matrix(_)
                | Block::Perspectives
                | Block::InternalControl
                | Block::OrgChart(_) => origin(self.root(), file, bp.as_str()),
            };
            out.push(BlockView::Origin { at });
            match block {
                Block::Text(markdown) => out.push(BlockView::Text {
                    markdown: if markdown.contains("{{") {
                        crate::figures::refs::expand(markdown, self.plan, self.computed).into()
                    } else {
                        markdown.as_str().into()
                    },
                }),
                Block::Section(s) => out.push(self.section(
                    &s.id,
                    &s.title,
                    s.style,
                    s.numbered,
                    place,
                    self.blocks(
                        &s.blocks,
                        deeper(place),
                        (file, &bp.key("section").key("blocks")),
                    ),
                )),
                Block::Goal(goal) => out.push(BlockView::Goal { goal: goal.into() }),
                Block::Assignment(item) => out.push(BlockView::Assignment { item: item.into() }),
                Block::Table(id) => {
                    if let Some(table) = self.table(id) {
                        out.push(BlockView::Table { table });
                    }
                }
                Block::TextTable(table) => out.push(BlockView::TextTable {
                    table: table.into(),
                }),
                Block::Matrix(matrix) => out.push(BlockView::Matrix {
                    matrix: matrix.into(),
                }),
                Block::Perspectives => out.extend(self.perspectives(place)),
                Block::InternalControl => {
                    if let Some(ic) = &self.plan.internal_control {
                        out.push(BlockView::InternalControl {
                            columns: &ic.value.columns,
                            areas: ic.value.areas.iter().map(ic_area).collect(),
                        });
                    }
                }
                Block::OrgChart(chart) => out.push(BlockView::OrgChart {
                    chart: chart.into(),
                }),
            }
        }
        out
    }

    /// The goal structure as sections: perspectives at this place, strategies below them.
    fn perspectives(&self, place: Place) -> Vec<BlockView<'a>> {
        let Some(goals) = &self.plan.goals else {
            return Vec::new();
        };
        goals
            .value
            .perspectives
            .iter()
            .enumerate()
            .flat_map(|(i, p)| {
                let inner = deeper(place);
                let pp = ValuePath::of("perspectives").index(i);
                let file = goals.file.as_path();
                let mut blocks = self.blocks(&p.blocks, inner, (file, &pp.key("blocks")));
                goals_and_assignments(
                    self.root(),
                    &mut blocks,
                    &p.goals,
                    &p.assignments,
                    file,
                    &pp,
                );
                for (j, s) in p.strategies.iter().enumerate() {
                    let mut sblocks = self.blocks(
                        &s.blocks,
                        deeper(inner),
                        (file, &pp.key("strategies").index(j).key("blocks")),
                    );
                    blocks.push(BlockView::Origin {
                        at: origin(self.root(), file, pp.key("strategies").index(j).as_str()),
                    });
                    goals_and_assignments(
                        self.root(),
                        &mut sblocks,
                        &s.goals,
                        &s.assignments,
                        file,
                        &pp.key("strategies").index(j),
                    );
                    blocks.push(self.section(
                        &s.id,
                        &s.title,
                        SectionStyle::Strategy,
                        None,
                        inner,
                        sblocks,
                    ));
                }
                [
                    BlockView::Origin {
                        at: origin(self.root(), file, pp.as_str()),
                    },
                    self.section(&p.id, &p.title, SectionStyle::Normal, None, place, blocks),
                ]
            })
            .collect()
    }

    fn section(
        &self,
        id: &'a str,
        title: &'a str,
        style: SectionStyle,
        numbered: Option<bool>,
        place: Place,
        blocks: Vec<BlockView<'a>>,
    ) -> BlockView<'a> {
        let removed = self
            .old_cells
            .is_some_and(|o| o.removed_sections.contains(id));
        let numbered = !removed
            && style == SectionStyle::Normal
            && numbered.unwrap_or(place.level <= place.numbered_to);
        BlockView::Section {
            id,
            title: title.into(),
            level: place.level,
            numbered,
            outlined: !removed && place.in_toc && (numbered || style == SectionStyle::Strategy),
            italic: style != SectionStyle::Normal,
            blocks,
        }
    }

    fn table(&self, id: &str) -> Option<TableView<'a>> {
        let t: &'a Table = &self.plan.tables.get(id)?.value;
        if !self.computed.has_table(id) {
            return self.removed_table(t);
        }
        let removed = self
            .old_cells
            .and_then(|o| o.removed_rows.get(id))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let removed_after = |after: Option<&str>| {
            removed
                .iter()
                .filter(|rr| rr.after.as_deref() == after)
                .map(|rr| removed_row_view(t, rr))
                .collect::<Vec<_>>()
        };
        let mut rows: Vec<RowView<'a>> = removed_after(None);
        for (r, row) in t.rows.iter().enumerate() {
            rows.push(RowView {
                id: &row.id,
                label: row.label.as_str().into(),
                kind: row.kind.as_str(),
                bold: row.kind != RowKind::Data,
                texts: t
                    .text_columns
                    .iter()
                    .map(|tc| row.text_in(&tc.id).into())
                    .collect(),
                cells: if row.kind == RowKind::Group {
                    vec![String::new(); t.columns.len()]
                } else {
                    t.columns
                        .iter()
                        .enumerate()
                        .map(|(k, c)| {
                            let v = self.computed.at(id, r, k);
                            let now = v.map(|v| format_amount(v, c.precision)).unwrap_or_default();
                            let key = (t.id.clone(), row.id.clone(), c.id.clone());
                            match self.old_cells.and_then(|o| o.cells.get(&key)) {
                                Some(old) => {
                                    let was = old
                                        .map(|v| format_amount(v, c.precision))
                                        .unwrap_or_else(|| "–".into());
                                    format!("{DEL_OPEN}{was}{DEL_CLOSE} {now}")
                                }
                                None => now,
                            }
                        })
                        .collect()
                },
            });
            rows.extend(removed_after(Some(&row.id)));
        }
        Some(TableView::of(
            t,
            rows,
            crate::render::charts::view(t, self.computed).map(Box::new),
        ))
    }
}

impl<'a> TableView<'a> {
    /// The view of table `t` with these rows and chart (in no column family yet).
    fn of(
        t: &'a Table,
        rows: Vec<RowView<'a>>,
        chart: Option<Box<crate::render::charts::ChartView>>,
    ) -> Self {
        let widest = (0..t.columns.len())
            .map(|k| {
                widest_candidates(
                    rows.iter()
                        .filter_map(|r| r.cells.get(k).map(|c| (c.as_str(), r.bold))),
                )
            })
            .collect();
        TableView {
            id: &t.id,
            caption: &t.caption,
            unit: &t.unit,
            text_columns: t.text_columns.iter().map(|c| c.title.as_str()).collect(),
            columns: t.columns.iter().map(|c| c.title.as_str()).collect(),
            groups: t.column_groups(),
            rows,
            notes: &t.notes,
            chart,
            family: Vec::new(),
            widest,
        }
    }
}

impl<'a> Builder<'a> {
    /// A table the new plan no longer has (its labels struck through by the redline), with its
    /// old figures struck through; `None` outside a redline.
    fn removed_table(&self, t: &'a Table) -> Option<TableView<'a>> {
        let values = self.old_cells?.removed_tables.get(&t.id)?;
        let rows = t
            .rows
            .iter()
            .zip(values)
            .map(|(row, vals)| {
                let mut view = removed_row_view(
                    t,
                    &RemovedRow {
                        after: None,
                        label: String::new(),
                        texts: Vec::new(),
                        kind: row.kind,
                        values: vals.clone(),
                    },
                );
                view.id = &row.id;
                view.label = row.label.as_str().into();
                view.texts = t
                    .text_columns
                    .iter()
                    .map(|tc| row.text_in(&tc.id).into())
                    .collect();
                view
            })
            .collect();
        Some(TableView::of(t, rows, None))
    }
}

/// A removed row, struck through with its old figures.
fn removed_row_view<'a>(t: &'a Table, rr: &RemovedRow) -> RowView<'a> {
    RowView {
        id: "",
        label: rr.label.clone().into(),
        kind: rr.kind.as_str(),
        bold: rr.kind != RowKind::Data,
        texts: rr.texts.iter().map(|x| x.clone().into()).collect(),
        cells: t
            .columns
            .iter()
            .enumerate()
            .map(|(k, c)| match rr.values.get(k).copied().flatten() {
                Some(v) if rr.kind != RowKind::Group => {
                    format!("{DEL_OPEN}{}{DEL_CLOSE}", format_amount(v, c.precision))
                }
                _ => String::new(),
            })
            .collect(),
    }
}

/// The goals and assignments of a perspective or strategy (at `path` in `file`), each after
/// its source marker.
fn goals_and_assignments<'a>(
    root: &Path,
    out: &mut Vec<BlockView<'a>>,
    goals: &'a [Goal],
    assignments: &'a [Item],
    file: &Path,
    path: &ValuePath,
) {
    for (i, goal) in goals.iter().enumerate() {
        out.push(BlockView::Origin {
            at: origin(root, file, path.key("goals").index(i).as_str()),
        });
        out.push(BlockView::Goal { goal: goal.into() });
    }
    for (i, item) in assignments.iter().enumerate() {
        out.push(BlockView::Origin {
            at: origin(root, file, path.key("assignments").index(i).as_str()),
        });
        out.push(BlockView::Assignment { item: item.into() });
    }
}

fn deeper(place: Place) -> Place {
    Place {
        level: place.level + 1,
        ..place
    }
}

fn ic_area(area: &IcArea) -> IcAreaView<'_> {
    IcAreaView {
        area: area.into(),
        span: area.risks.len().max(1),
    }
}

/// The content directory of a plan (where plan.yaml is).
pub fn content_root(plan: &Plan) -> &Path {
    plan.meta.file.parent().unwrap_or(Path::new(""))
}

#[cfg(test)]
mod tests {
    use super::widest_candidates;

    #[test]
    fn the_widest_candidates_are_the_longest_figures_of_each_weight() {
        let figures = [
            ("1 234,5", false),
            ("−12 345,0", false),
            ("345,0", false),
            ("99,0", false),
            ("2 380,0", true),
            ("80,0", true),
            ("", false),
            ("1 234,5", false),
        ];
        let got = widest_candidates(figures);
        // Within two characters of the longest regular (9) and bold (7) figure, once each.
        assert_eq!(
            got,
            vec![
                ("1 234,5".to_string(), false),
                ("2 380,0".to_string(), true),
                ("−12 345,0".to_string(), false),
            ]
        );
        assert!(widest_candidates([]).is_empty());
    }
}
