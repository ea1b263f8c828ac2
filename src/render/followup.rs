//! The view of a follow-up report: the same document view as the plan's ([`DocView`], printed
//! by the same templates in the same house style), whose chapters are made from the report
//! and its projection: *Sammanfattning*, *Måluppfyllelse* per perspective, *Ekonomi* (each
//! followed table as budget | utfall | avvikelse | prognos), *Handlingsplanens genomförande*
//! and *Intern kontroll*.

use std::borrow::Cow;

use serde::Serialize;

use crate::content::items::items;
use crate::content::{Block, FollowUp, Goal, GoalKind, Plan, Sourced};
use crate::diag::origin::origin;
use crate::figures::followup::GOALS_TABLE;
use crate::figures::Figures;
use crate::render::view::{
    align_families, content_root, status_view, table_view, BlockView, ChapterView, DocView,
};

/// An assessment as printed: a drawn mark (`id` says which) and always the word.
#[derive(Debug, Serialize)]
pub struct AssessmentView {
    pub id: &'static str,
    pub word: &'static str,
}

impl From<crate::content::Assessment> for AssessmentView {
    fn from(a: crate::content::Assessment) -> Self {
        AssessmentView {
            id: a.as_str(),
            word: a.label(),
        }
    }
}

/// An indicator of a followed-up goal: the plan's text and target, the report's outcome.
#[derive(Debug, Serialize)]
pub struct IndicatorFollowUpView<'a> {
    pub text: &'a str,
    pub target: Option<&'a str>,
    pub outcome: Option<&'a str>,
    pub assessment: Option<AssessmentView>,
    pub markdown: Option<Cow<'a, str>>,
}

/// An assignment with its status.
#[derive(Debug, Serialize)]
pub struct AssignmentFollowUpView<'a> {
    pub text: &'a str,
    pub status: Option<&'static str>,
    pub markdown: Option<Cow<'a, str>>,
}

/// A risk of the internal-control plan with the result of its controls. `span` is the number
/// of rows its area spans on the area's first risk, else 0.
#[derive(Debug, Serialize)]
pub struct ControlResultView<'a> {
    pub area: &'a str,
    pub span: usize,
    pub risk: &'a str,
    pub measures: Vec<&'a str>,
    pub result: Option<&'static str>,
    pub markdown: Option<Cow<'a, str>>,
}

/// The view of a report. `plan` and `computed` are the report's projection
/// (`figures::followup::project`), `report` the report.
pub fn view<'a>(
    plan: &'a Plan,
    computed: &'a Figures,
    report: &'a Sourced<FollowUp>,
) -> DocView<'a> {
    let root = content_root(plan);
    let file = report.file.as_path();
    let f = &report.value;
    let at = |path: &str| BlockView::Origin {
        at: origin(root, file, path),
    };
    let expand = |text: &'a str| -> Cow<'a, str> {
        if text.contains("{{") {
            crate::figures::refs::expand(text, plan, computed).into()
        } else {
            text.into()
        }
    };
    let text = |out: &mut Vec<BlockView<'a>>, key: &str, text: Option<&'a String>| {
        if let Some(t) = text {
            out.push(at(&format!("texts.{key}")));
            out.push(BlockView::Text {
                markdown: expand(t),
            });
        }
    };
    let section = |title: &'a str, blocks: Vec<BlockView<'a>>| BlockView::Section {
        id: title,
        title,
        level: 2,
        numbered: true,
        outlined: true,
        italic: false,
        blocks,
    };
    let chapter = |id: &'a str, title: &'a str, blocks: Vec<BlockView<'a>>| ChapterView {
        id,
        removed: false,
        origin: origin(root, file, ""),
        title,
        blocks,
    };
    let mut chapters = Vec::new();

    // Sammanfattning: the text, and the goals per assessment with its chart.
    let mut blocks = Vec::new();
    text(
        &mut blocks,
        "sammanfattning",
        f.texts.sammanfattning.as_ref(),
    );
    if let Some(table) = table_view(plan, computed, GOALS_TABLE) {
        blocks.push(at("goals"));
        blocks.push(BlockView::Table { table });
    }
    chapters.push(chapter("sammanfattning", "Sammanfattning", blocks));

    // Måluppfyllelse: every goal and assignment of the plan, under its perspective.
    let known = items(plan);
    let mut blocks = Vec::new();
    text(
        &mut blocks,
        "maluppfyllelse",
        f.texts.maluppfyllelse.as_ref(),
    );
    for (g, group) in known.groups.iter().enumerate() {
        let mut inner = Vec::new();
        for placed in known.goals.iter().filter(|p| p.group == g) {
            let goal: &'a Goal = placed.item;
            let (i, entry) = match f.goals.iter().enumerate().find(|(_, e)| e.id == goal.id) {
                Some((i, e)) => (Some(i), Some(e)),
                None => (None, None),
            };
            inner.push(match i {
                Some(i) => at(&format!("goals.{i}")),
                None => at("goals"),
            });
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
                        markdown: e.and_then(|e| e.text.as_deref()).map(expand),
                    }
                })
                .collect();
            inner.push(BlockView::GoalFollowUp {
                label: match goal.kind {
                    GoalKind::Effektmal => {
                        format!(
                            "Effektmål {}. ",
                            goal.number.map(|n| n.to_string()).unwrap_or_default()
                        )
                    }
                    GoalKind::Mal => "Mål: ".to_string(),
                },
                goal,
                assessment: entry.and_then(|e| e.assessment).map(Into::into),
                markdown: entry.and_then(|e| e.text.as_deref()).map(expand),
                indicators,
            });
        }
        let assignments: Vec<AssignmentFollowUpView<'a>> = known
            .assignments
            .iter()
            .filter(|p| p.group == g)
            .map(|p| {
                let e = f.assignments.iter().find(|e| e.id == p.item.id);
                AssignmentFollowUpView {
                    text: &p.item.text,
                    status: e.and_then(|e| e.status).map(|s| s.label()),
                    markdown: e.and_then(|e| e.text.as_deref()).map(expand),
                }
            })
            .collect();
        if !assignments.is_empty() {
            inner.push(at("assignments"));
            inner.push(BlockView::Assignments { rows: assignments });
        }
        if !inner.is_empty() {
            blocks.push(section(group.title, inner));
        }
    }
    chapters.push(chapter("maluppfyllelse", "Måluppfyllelse", blocks));

    // Ekonomi: the followed tables in the report's order, the Handlingsplan's apart.
    let handlingsplan = f
        .handlingsplan
        .as_deref()
        .and_then(|id| plan.tables.get(id))
        .map(|t| &t.value);
    let in_handlingsplan =
        |id: &str| handlingsplan.is_some_and(|h| h.id == id || h.sum_of.iter().any(|s| s == id));
    let mut blocks = Vec::new();
    text(&mut blocks, "ekonomi", f.texts.ekonomi.as_ref());
    for (i, entry) in f.tables.iter().enumerate() {
        if in_handlingsplan(&entry.id) {
            continue;
        }
        if let Some(table) = table_view(plan, computed, &entry.id) {
            let title = entry
                .title
                .as_deref()
                .unwrap_or_else(|| heading_of(plan, &entry.id));
            blocks.push(section(
                title,
                vec![at(&format!("tables.{i}")), BlockView::Table { table }],
            ));
        }
    }
    chapters.push(chapter("ekonomi", "Ekonomi", blocks));

    // Handlingsplanens genomförande: the summary, then each area.
    if let Some(h) = handlingsplan {
        let mut blocks = Vec::new();
        text(&mut blocks, "handlingsplan", f.texts.handlingsplan.as_ref());
        if let Some(table) = table_view(plan, computed, &h.id) {
            blocks.push(at("handlingsplan"));
            blocks.push(BlockView::Table { table });
        }
        for id in &h.sum_of {
            if let Some(table) = table_view(plan, computed, id) {
                let entry = f.tables.iter().position(|e| e.id == *id);
                let title = entry
                    .and_then(|i| f.tables[i].title.as_deref())
                    .unwrap_or_else(|| heading_of(plan, id));
                blocks.push(section(
                    title,
                    vec![
                        at(&entry.map_or("handlingsplan".into(), |i| format!("tables.{i}"))),
                        BlockView::Table { table },
                    ],
                ));
            }
        }
        chapters.push(chapter(
            "handlingsplan",
            "Handlingsplanens genomförande",
            blocks,
        ));
    }

    // Intern kontroll: every risk with its measures and the result of its controls.
    if let Some(ic) = &plan.internal_control {
        let mut blocks = Vec::new();
        text(
            &mut blocks,
            "intern_kontroll",
            f.texts.intern_kontroll.as_ref(),
        );
        let mut rows = Vec::new();
        for area in &ic.value.areas {
            for (k, risk) in area.risks.iter().enumerate() {
                let e = f.internal_control.iter().find(|e| e.id == risk.id);
                rows.push(ControlResultView {
                    area: &area.area,
                    span: if k == 0 { area.risks.len() } else { 0 },
                    risk: &risk.risk,
                    measures: risk.measures.iter().map(|m| m.text.as_str()).collect(),
                    result: e.and_then(|e| e.result).map(|r| r.label()),
                    markdown: e.and_then(|e| e.text.as_deref()).map(expand),
                });
            }
        }
        if !rows.is_empty() {
            blocks.push(at("internal_control"));
            blocks.push(BlockView::ControlResults {
                columns: &ic.value.columns,
                rows,
            });
        }
        chapters.push(chapter("intern-kontroll", "Intern kontroll", blocks));
    }

    let mut view = DocView {
        plan: &plan.meta.value,
        origin: origin(root, file, ""),
        document: "report",
        redline: None,
        status: status_view(plan),
        chapters,
        appendices: Vec::new(),
    };
    align_families(&mut view, plan);
    view
}

/// The heading a table stands under in the plan: the title of the innermost section (or else
/// the chapter or appendix) that places it, or its id.
fn heading_of<'a>(plan: &'a Plan, id: &'a str) -> &'a str {
    fn find<'a>(blocks: &'a [Block], id: &str, title: &'a str) -> Option<&'a str> {
        blocks.iter().find_map(|b| match b {
            Block::Table(t) if t == id => Some(title),
            Block::Section(s) => find(&s.blocks, id, &s.title),
            _ => None,
        })
    }
    plan.chapters
        .iter()
        .find_map(|c| find(&c.value.blocks, id, &c.value.title))
        .or_else(|| {
            plan.appendices
                .iter()
                .find_map(|a| find(&a.value.blocks, id, &a.value.title))
        })
        .unwrap_or(id)
}
