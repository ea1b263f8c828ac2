//! The view of a follow-up report: the same document view as the plan's ([`DocView`], printed
//! by the same templates in the same house style), whose chapters are made from the report
//! and its projection: *Sammanfattning*, *Måluppfyllelse* per perspective, *Ekonomi* (each
//! followed table as budget | utfall | avvikelse | prognos), *Handlingsplanens genomförande*
//! and *Intern kontroll*.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use crate::content::items::items;
use crate::content::{FollowUp, Goal, GoalKind, InternalControl, Plan, Sourced, Table, ValuePath};
use crate::diag::origin::origin;
use crate::figures::followup::GOALS_TABLE;
use crate::figures::Figures;
use crate::render::parts::{AssignmentFollowUpView, ControlResultView, IndicatorFollowUpView};
use crate::render::view::{
    align_families, content_root, status_view, table_view, BlockView, ChapterView, DocView,
};

/// The view of a report. `plan` and `computed` are the report's projection
/// (`figures::followup::project`), `report` the report.
pub fn view<'a>(
    plan: &'a Plan,
    computed: &'a Figures,
    report: &'a Sourced<FollowUp>,
) -> DocView<'a> {
    let r = Report {
        plan,
        computed,
        root: content_root(plan),
        file: report.file.as_path(),
        f: &report.value,
    };
    let mut chapters = vec![r.summary(), r.goals()];
    let handlingsplan =
        r.f.handlingsplan
            .as_deref()
            .and_then(|id| plan.tables.get(id))
            .map(|t| &t.value);
    let mut ids: Vec<&str> = r.f.tables.iter().map(|e| e.id.as_str()).collect();
    if let Some(h) = handlingsplan {
        ids.extend(h.sum_of.iter().map(String::as_str));
    }
    let mut headings = headings(plan, &ids);
    chapters.push(r.economy(handlingsplan, &mut headings));
    if let Some(h) = handlingsplan {
        chapters.push(r.action_plan(h, &mut headings));
    }
    if let Some(ic) = &plan.internal_control {
        chapters.push(r.internal_control(&ic.value));
    }
    let mut view = DocView {
        plan: (&plan.meta.value).into(),
        origin: origin(r.root, r.file, ""),
        document: "report",
        redline: None,
        status: status_view(plan),
        chapters,
        appendices: Vec::new(),
    };
    align_families(&mut view, plan);
    view
}

/// A report with its projection, and where its file is: what its chapters are made from.
struct Report<'a> {
    plan: &'a Plan,
    computed: &'a Figures,
    root: &'a Path,
    file: &'a Path,
    f: &'a FollowUp,
}

impl<'a> Report<'a> {
    /// The source marker of a value of the report's file.
    fn at(&self, path: &ValuePath) -> BlockView<'a> {
        BlockView::Origin {
            at: origin(self.root, self.file, path.as_str()),
        }
    }

    /// A text with its figure references replaced by the projection's figures.
    fn expand(&self, text: &'a str) -> Cow<'a, str> {
        if text.contains("{{") {
            crate::figures::refs::expand(text, self.plan, self.computed).into()
        } else {
            text.into()
        }
    }

    /// The report's text `texts.<key>`, when it has one, after its source marker.
    fn text(&self, out: &mut Vec<BlockView<'a>>, key: &str, text: Option<&'a String>) {
        if let Some(t) = text {
            out.push(self.at(&ValuePath::of("texts").key(key)));
            out.push(BlockView::Text {
                markdown: self.expand(t),
            });
        }
    }

    fn chapter(&self, id: &'a str, title: &'a str, blocks: Vec<BlockView<'a>>) -> ChapterView<'a> {
        ChapterView {
            id,
            removed: false,
            origin: origin(self.root, self.file, ""),
            title,
            blocks,
        }
    }

    /// Sammanfattning: the text, and the goals per assessment with its chart.
    fn summary(&self) -> ChapterView<'a> {
        let mut blocks = Vec::new();
        let texts = &self.f.texts;
        self.text(&mut blocks, "sammanfattning", texts.sammanfattning.as_ref());
        if let Some(table) = table_view(self.plan, self.computed, GOALS_TABLE) {
            blocks.push(self.at(&ValuePath::of("goals")));
            blocks.push(BlockView::Table { table });
        }
        self.chapter("sammanfattning", "Sammanfattning", blocks)
    }

    /// Måluppfyllelse: every goal and assignment of the plan, under its perspective.
    fn goals(&self) -> ChapterView<'a> {
        let known = items(self.plan);
        let mut blocks = Vec::new();
        let texts = &self.f.texts;
        self.text(&mut blocks, "maluppfyllelse", texts.maluppfyllelse.as_ref());
        for (g, group) in known.groups.iter().enumerate() {
            let mut inner = Vec::new();
            for placed in known.goals.iter().filter(|p| p.group == g) {
                self.goal(&mut inner, placed.item);
            }
            let assignments: Vec<AssignmentFollowUpView<'a>> = known
                .assignments
                .iter()
                .filter(|p| p.group == g)
                .map(|p| {
                    let e = self.f.assignments.iter().find(|e| e.id == p.item.id);
                    AssignmentFollowUpView {
                        text: &p.item.text,
                        status: e.and_then(|e| e.status).map(|s| s.label()),
                        markdown: e.and_then(|e| e.text.as_deref()).map(|t| self.expand(t)),
                    }
                })
                .collect();
            if !assignments.is_empty() {
                inner.push(self.at(&ValuePath::of("assignments")));
                inner.push(BlockView::Assignments { rows: assignments });
            }
            if !inner.is_empty() {
                blocks.push(section(group.id, group.title.into(), inner));
            }
        }
        self.chapter("maluppfyllelse", "Måluppfyllelse", blocks)
    }

    /// A goal of the plan with the report's assessment, text and indicator outcomes, after
    /// its source marker.
    fn goal(&self, out: &mut Vec<BlockView<'a>>, goal: &'a Goal) {
        let found = self
            .f
            .goals
            .iter()
            .enumerate()
            .find(|(_, e)| e.id == goal.id);
        out.push(match found {
            Some((i, _)) => self.at(&ValuePath::of("goals").index(i)),
            None => self.at(&ValuePath::of("goals")),
        });
        let entry = found.map(|(_, e)| e);
        let indicators = goal
            .indicators
            .iter()
            .map(|ind| {
                let e = entry.and_then(|e| e.indicators.iter().find(|x| x.id == ind.id));
                IndicatorFollowUpView {
                    text: &ind.text,
                    target: ind.target.as_deref(),
                    outcome: e.and_then(|e| e.outcome.as_deref()),
                    assessment: e.and_then(|e| e.assessment).map(Into::into),
                    markdown: e.and_then(|e| e.text.as_deref()).map(|t| self.expand(t)),
                }
            })
            .collect();
        out.push(BlockView::GoalFollowUp {
            label: match goal.kind {
                GoalKind::Effektmal => {
                    format!(
                        "Effektmål {}. ",
                        goal.number.map(|n| n.to_string()).unwrap_or_default()
                    )
                }
                GoalKind::Mal => "Mål: ".to_string(),
            },
            goal: goal.into(),
            assessment: entry.and_then(|e| e.assessment).map(Into::into),
            markdown: entry
                .and_then(|e| e.text.as_deref())
                .map(|t| self.expand(t)),
            indicators,
        });
    }

    /// Ekonomi: the followed tables in the report's order, the Handlingsplan's apart.
    fn economy(
        &self,
        handlingsplan: Option<&'a Table>,
        headings: &mut HashMap<String, String>,
    ) -> ChapterView<'a> {
        let in_handlingsplan = |id: &str| {
            handlingsplan.is_some_and(|h| h.id == id || h.sum_of.iter().any(|s| s == id))
        };
        let mut blocks = Vec::new();
        self.text(&mut blocks, "ekonomi", self.f.texts.ekonomi.as_ref());
        for (i, entry) in self.f.tables.iter().enumerate() {
            if in_handlingsplan(&entry.id) {
                continue;
            }
            if let Some(table) = table_view(self.plan, self.computed, &entry.id) {
                let title = match entry.title.as_deref() {
                    Some(t) => t.into(),
                    None => heading(headings, &entry.id),
                };
                blocks.push(section(
                    &entry.id,
                    title,
                    vec![
                        self.at(&ValuePath::of("tables").index(i)),
                        BlockView::Table { table },
                    ],
                ));
            }
        }
        self.chapter("ekonomi", "Ekonomi", blocks)
    }

    /// Handlingsplanens genomförande: the summary, then each area.
    fn action_plan(&self, h: &'a Table, headings: &mut HashMap<String, String>) -> ChapterView<'a> {
        let mut blocks = Vec::new();
        let texts = &self.f.texts;
        self.text(&mut blocks, "handlingsplan", texts.handlingsplan.as_ref());
        if let Some(table) = table_view(self.plan, self.computed, &h.id) {
            blocks.push(self.at(&ValuePath::of("handlingsplan")));
            blocks.push(BlockView::Table { table });
        }
        for id in &h.sum_of {
            if let Some(table) = table_view(self.plan, self.computed, id) {
                let entry = self.f.tables.iter().position(|e| e.id == *id);
                let title = match entry.and_then(|i| self.f.tables[i].title.as_deref()) {
                    Some(t) => t.into(),
                    None => heading(headings, id),
                };
                let at = entry.map_or(ValuePath::of("handlingsplan"), |i| {
                    ValuePath::of("tables").index(i)
                });
                blocks.push(section(
                    id,
                    title,
                    vec![self.at(&at), BlockView::Table { table }],
                ));
            }
        }
        self.chapter("handlingsplan", "Handlingsplanens genomförande", blocks)
    }

    /// Intern kontroll: every risk with its measures and the result of its controls.
    fn internal_control(&self, ic: &'a InternalControl) -> ChapterView<'a> {
        let mut blocks = Vec::new();
        let texts = &self.f.texts;
        self.text(
            &mut blocks,
            "intern_kontroll",
            texts.intern_kontroll.as_ref(),
        );
        let mut rows = Vec::new();
        for area in &ic.areas {
            for (k, risk) in area.risks.iter().enumerate() {
                let e = self.f.internal_control.iter().find(|e| e.id == risk.id);
                rows.push(ControlResultView {
                    area: &area.area,
                    span: if k == 0 { area.risks.len() } else { 0 },
                    risk: &risk.risk,
                    measures: risk.measures.iter().map(|m| m.text.as_str()).collect(),
                    result: e.and_then(|e| e.result).map(|r| r.label()),
                    markdown: e.and_then(|e| e.text.as_deref()).map(|t| self.expand(t)),
                });
            }
        }
        if !rows.is_empty() {
            blocks.push(self.at(&ValuePath::of("internal_control")));
            blocks.push(BlockView::ControlResults {
                columns: &ic.columns,
                rows,
            });
        }
        self.chapter("intern-kontroll", "Intern kontroll", blocks)
    }
}

/// A numbered section of a report's chapter.
fn section<'a>(id: &'a str, title: Cow<'a, str>, blocks: Vec<BlockView<'a>>) -> BlockView<'a> {
    BlockView::Section {
        id,
        title,
        level: 2,
        numbered: true,
        outlined: true,
        italic: false,
        blocks,
    }
}

/// A table's heading from `headings` (its id when it has none), taken out: each is used once.
fn heading<'a>(headings: &mut HashMap<String, String>, id: &str) -> Cow<'a, str> {
    headings.remove(id).unwrap_or_else(|| id.to_string()).into()
}

/// The headings of the tables a report prints, by table id: the title of the innermost section
/// (or chapter) that places the table in the plan; where two tables would get the same heading
/// (the Handlingsplan's areas, each under "Grupperade åtgärder"), the title above it too:
/// "Område fastigheter – Grupperade åtgärder". A table the plan does not place is headed by its id.
pub(crate) fn headings(plan: &Plan, ids: &[&str]) -> HashMap<String, String> {
    let places = crate::content::items::table_places(plan);
    let titles = |id: &str| -> Vec<&str> {
        places
            .iter()
            .find(|(t, _)| *t == id)
            .map(|(_, titles)| titles.clone())
            .unwrap_or_default()
    };
    let inner = |id: &str| titles(id).last().map_or(id.to_string(), |t| t.to_string());
    let mut out = HashMap::new();
    for &id in ids {
        let own = inner(id);
        let shared = ids.iter().any(|&other| other != id && inner(other) == own);
        let t = titles(id);
        let heading = match (shared, t.len()) {
            (true, n) if n >= 2 => format!("{} – {own}", t[n - 2]),
            _ => own,
        };
        out.insert(id.to_string(), heading);
    }
    out
}
