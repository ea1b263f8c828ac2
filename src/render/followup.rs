//! The view of a follow-up report: the same document view as the plan's ([`DocView`], printed
//! by the same templates in the same house style), whose chapters are made from the report
//! and its projection: *Sammanfattning*, *Måluppfyllelse* per perspective, *Ekonomi* (each
//! followed table as budget | utfall | avvikelse | prognos), *Handlingsplanens genomförande*
//! and *Intern kontroll*.

use std::borrow::Cow;

use crate::content::items::items;
use crate::content::{FollowUp, Goal, GoalKind, Plan, Sourced};
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
    let section =
        |id: &'a str, title: Cow<'a, str>, blocks: Vec<BlockView<'a>>| BlockView::Section {
            id,
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
                goal: goal.into(),
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
            blocks.push(section(group.id, group.title.into(), inner));
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
    let mut ids: Vec<&str> = f.tables.iter().map(|e| e.id.as_str()).collect();
    if let Some(h) = handlingsplan {
        ids.extend(h.sum_of.iter().map(String::as_str));
    }
    let mut heading_of = headings(plan, &ids);
    let mut heading = |id: &str| -> Cow<'a, str> {
        heading_of
            .remove(id)
            .unwrap_or_else(|| id.to_string())
            .into()
    };
    let mut blocks = Vec::new();
    text(&mut blocks, "ekonomi", f.texts.ekonomi.as_ref());
    for (i, entry) in f.tables.iter().enumerate() {
        if in_handlingsplan(&entry.id) {
            continue;
        }
        if let Some(table) = table_view(plan, computed, &entry.id) {
            let title = match entry.title.as_deref() {
                Some(t) => t.into(),
                None => heading(&entry.id),
            };
            blocks.push(section(
                &entry.id,
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
                let title = match entry.and_then(|i| f.tables[i].title.as_deref()) {
                    Some(t) => t.into(),
                    None => heading(id),
                };
                blocks.push(section(
                    id,
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
        plan: (&plan.meta.value).into(),
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

/// The headings of the tables a report prints, by table id: the title of the innermost section
/// (or chapter) that places the table in the plan; where two tables would get the same heading
/// (the Handlingsplan's areas, each under "Grupperade åtgärder"), the title above it too:
/// "Område fastigheter – Grupperade åtgärder". A table the plan does not place is headed by its id.
pub(crate) fn headings(plan: &Plan, ids: &[&str]) -> std::collections::HashMap<String, String> {
    let places = crate::content::items::table_places(plan);
    let titles = |id: &str| -> Vec<&str> {
        places
            .iter()
            .find(|(t, _)| *t == id)
            .map(|(_, titles)| titles.clone())
            .unwrap_or_default()
    };
    let inner = |id: &str| titles(id).last().map_or(id.to_string(), |t| t.to_string());
    let mut out = std::collections::HashMap::new();
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
