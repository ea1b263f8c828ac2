//! The rules of a follow-up report (`content/uppfoljning/*.yaml`) that only the plan can
//! judge: every entry names a goal, indicator, assignment, table, row or risk the plan has;
//! an outcome has no more decimals than the plan's column; a verksamhetsberättelse has an
//! outcome for every detail row. What the plan has and the report leaves out is a warning, as is
//! what is not assessed yet.

use std::collections::HashMap;
use std::path::Path;

use crate::content::dates::{date_problem, parse_date};
use crate::content::items::{items, PlanItems};
use rust_decimal::Decimal;

use crate::content::{
    budget_column, Column, FollowUp, Goal, GoalFollowUp, IndicatorFollowUp, PeriodKind, Plan,
    RowFollowUp, RowKind, Sourced, Status, Table, TableFollowUp, ValuePath,
};
use crate::diag::{Code, Diagnostic};
use crate::figures::followup::{signs, Signs, GOALS_TABLE, RESERVED_COLUMNS};
use crate::figures::{max_amount, CellRef, Expr, Figures, MAX_INTEGER_DIGITS};
use crate::suggest::{did_you_mean, did_you_mean_or_list};

/// Checks every report of the plan. `computed` is the plan's figures (`None` when they could
/// not be computed: the rules that need to know which rows are detail rows are then skipped,
/// since the plan's own errors stop the build anyway).
pub fn check(plan: &Plan, computed: Option<&Figures>) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    if plan.reports.is_empty() {
        return diags;
    }
    reserved(plan, &mut diags);
    let items = items(plan);
    for report in &plan.reports {
        let mut c = Report {
            plan,
            items: &items,
            computed,
            file: &report.file,
            diags: &mut diags,
        };
        c.check(report);
    }
    diags
}

/// A plan that has reports may not use the ids the reports add.
fn reserved(plan: &Plan, diags: &mut Vec<Diagnostic>) {
    for table in plan.tables.values() {
        let t = &table.value;
        if t.id == GOALS_TABLE {
            diags.push(
                Diagnostic::error(
                    Code::InvalidId,
                    &table.file,
                    format!("the table id `{GOALS_TABLE}` is the follow-up reports' table of goals per assessment"),
                )
                .at_pos(plan.pos(&table.file, &ValuePath::of("id")))
                .with_hint("give the table another id"),
            );
        }
        for (c, col) in t.columns.iter().enumerate() {
            if RESERVED_COLUMNS.contains(&col.id.as_str()) {
                diags.push(
                    Diagnostic::error(
                        Code::InvalidId,
                        &table.file,
                        format!(
                            "table `{}`: the column id `{}` is one the follow-up reports add beside the budget",
                            t.id, col.id
                        ),
                    )
                    .at_pos(plan.pos(&table.file, &ValuePath::of("columns").index(c).key("id")))
                    .with_hint(format!(
                        "give the column another id (reserved while the content has reports: {})",
                        RESERVED_COLUMNS.join(", ")
                    )),
                );
            }
        }
    }
}

/// How a row of a plan table gets its figure in the followed column.
enum RowShape {
    /// A detail row with its own typed figure (or none): it takes an outcome.
    Leaf {
        budgeted: bool,
    },
    Sum,
    Group,
    /// The figure is another table's cell.
    Ref(CellRef),
    /// The sum of the same row in other tables.
    SumOf(Vec<CellRef>),
}

fn shape(t: &Table, r: usize, column: &str, computed: &Figures) -> RowShape {
    match t.rows[r].kind {
        RowKind::Sum => return RowShape::Sum,
        RowKind::Group => return RowShape::Group,
        RowKind::Data => {}
    }
    let cell = CellRef::new(&t.id, &t.rows[r].id, column);
    match computed.expr(&cell) {
        Some(Expr::Ref(c)) => RowShape::Ref(c.clone()),
        Some(Expr::SumOf(cells)) => RowShape::SumOf(cells.clone()),
        _ => RowShape::Leaf {
            budgeted: computed.value(&cell).is_some(),
        },
    }
}

struct Report<'a, 'd> {
    plan: &'a Plan,
    items: &'a PlanItems<'a>,
    computed: Option<&'a Figures>,
    file: &'a Path,
    diags: &'d mut Vec<Diagnostic>,
}

impl Report<'_, '_> {
    fn error(&mut self, code: Code, path: &ValuePath, message: String, hint: Option<String>) {
        let d = Diagnostic::error(code, self.file, message).at_pos(self.plan.pos(self.file, path));
        self.push(d, hint);
    }

    fn warning(&mut self, code: Code, path: &ValuePath, message: String, hint: Option<String>) {
        let d =
            Diagnostic::warning(code, self.file, message).at_pos(self.plan.pos(self.file, path));
        self.push(d, hint);
    }

    fn push(&mut self, mut d: Diagnostic, hint: Option<String>) {
        d.hint = hint;
        self.diags.push(d);
    }

    /// Records the entry `id` at `{list}.{i}`. When the report already follows it up there, an
    /// error at the second naming the first's line (`what` names the item, `kind` its kind),
    /// and `false`: the entry is not judged again.
    fn first_entry<'e>(
        &mut self,
        seen: &mut HashMap<&'e str, usize>,
        id: &'e str,
        list: &ValuePath,
        i: usize,
        what: &str,
        kind: &str,
    ) -> bool {
        if let Some(&first) = seen.get(id) {
            let at = self.line(&list.index(first).key("id"));
            self.error(
                Code::DuplicateId,
                &list.index(i).key("id"),
                format!("{what} is followed up twice{at}"),
                Some(format!("keep one entry per {kind}")),
            );
            return false;
        }
        seen.insert(id, i);
        true
    }

    /// The line of a path, for "first at line N".
    fn line(&self, path: &ValuePath) -> String {
        self.plan
            .pos(self.file, path)
            .map_or_else(String::new, |p| format!(" (first at line {})", p.line))
    }

    fn check(&mut self, report: &Sourced<FollowUp>) {
        let f = &report.value;
        if !crate::content::slug::is_slug(&f.id) {
            self.error(
                Code::InvalidId,
                &ValuePath::of("id"),
                format!("the report id `{}` is not a slug", f.id),
                Some(format!(
                    "ids use a-z, 0-9 and `-`, e.g. `{}`",
                    crate::content::slug::slug(&f.id)
                )),
            );
        }
        if f.label.trim().is_empty() {
            self.error(
                Code::EmptyText,
                &ValuePath::of("label"),
                "the report's period (`label`) is empty".into(),
                Some("e.g. `label: Januari–augusti 2031`".into()),
            );
        }
        if let Some(title) = &f.title {
            if title.trim().is_empty() {
                self.error(
                    Code::EmptyText,
                    &ValuePath::of("title"),
                    "the report's title is empty".into(),
                    Some("leave `title` out for the default title".into()),
                );
            }
        }
        self.dates(f);
        if let Some(d) = &f.decision {
            let more = super::decision(self.plan, self.file, d, "a report");
            self.diags.extend(more);
            if d.bilagor.is_some() {
                self.error(
                    Code::Decision,
                    &ValuePath::of("decision").key("bilagor"),
                    "decision.bilagor: a report has no appendices".into(),
                    Some("leave `bilagor` out".into()),
                );
            }
        }
        if let Some(paper) = &f.tjansteskrivelse {
            if let Some(date) = &paper.datum {
                if parse_date(date).is_none() {
                    self.error(
                        Code::InvalidDate,
                        &ValuePath::of("tjansteskrivelse").key("datum"),
                        format!("tjansteskrivelse.datum: {}", date_problem(date)),
                        None,
                    );
                }
            }
            if paper.forslag_till_beslut.is_empty() {
                self.error(
                    Code::Decision,
                    &ValuePath::of("tjansteskrivelse").key("forslag_till_beslut"),
                    "the report's decision paper proposes nothing: `forslag_till_beslut` is empty"
                        .into(),
                    Some("list the att-satser, one item each".into()),
                );
            }
        }
        self.goals(f);
        self.assignments(f);
        self.risks(f);
        self.tables(f);
        self.unprinted_texts(f);
    }

    /// A text of `texts:` whose chapter the report does not have is never printed: a warning
    /// at it (a skeleton of another plan, or a Handlingsplan or internal-control plan removed).
    fn unprinted_texts(&mut self, f: &FollowUp) {
        if f.texts.handlingsplan.is_some() && f.handlingsplan.is_none() {
            let summaries = crate::content::items::summary_tables(self.plan);
            self.warning(
                Code::ReportMismatch,
                &ValuePath::of("texts").key("handlingsplan"),
                "texts.handlingsplan is not printed: the report names no Handlingsplan summary (`handlingsplan:`), so it has no chapter Handlingsplanens genomförande".into(),
                Some(match summaries.as_slice() {
                    [] => "the plan has no Handlingsplan (a table with `sum_of`): remove the text".into(),
                    [one] => format!("add `handlingsplan: {one}`, or remove the text"),
                    more => format!(
                        "add `handlingsplan:` with one of {}, or remove the text",
                        ticks(more)
                    ),
                }),
            );
        }
        if f.texts.intern_kontroll.is_some() && self.plan.internal_control.is_none() {
            self.warning(
                Code::ReportMismatch,
                &ValuePath::of("texts").key("intern_kontroll"),
                "texts.intern_kontroll is not printed: the plan has no internal-control plan (internkontroll.yaml), so the report has no chapter Intern kontroll".into(),
                Some("remove the text, or give the plan its internkontroll.yaml".into()),
            );
        }
    }

    fn dates(&mut self, f: &FollowUp) {
        let year = self.plan.meta.value.year;
        for (key, value) in [
            ("period_end", &f.period_end),
            ("decision_date", &f.decision_date),
        ] {
            if parse_date(value).is_none() {
                self.error(
                    Code::InvalidDate,
                    &ValuePath::of(key),
                    format!("{key}: {}", date_problem(value)),
                    Some(format!("write the date as YYYY-MM-DD, e.g. `{year}-08-31`")),
                );
            }
        }
        let Some((y, m, d)) = parse_date(&f.period_end) else {
            return;
        };
        // ISO dates compare as text.
        if parse_date(&f.decision_date).is_some() && f.decision_date < f.period_end {
            self.warning(
                Code::InvalidDate,
                &ValuePath::of("decision_date"),
                format!(
                    "the report is dated {}, before its period ends ({})",
                    f.decision_date, f.period_end
                ),
                Some(
                    "a report is written after its period: check `decision_date` and `period_end`"
                        .into(),
                ),
            );
        }
        if y != year {
            self.error(
                Code::InvalidDate,
                &ValuePath::of("period_end"),
                format!(
                    "period_end {} is not in {year}, the year of the plan the report follows up",
                    f.period_end
                ),
                Some("a report follows up the plan of its own year; the next year's plan has its own reports".into()),
            );
        } else if f.kind == PeriodKind::Helar && (m, d) != (12, 31) {
            self.error(
                Code::InvalidDate,
                &ValuePath::of("period_end"),
                format!(
                    "a verksamhetsberättelse (`kind: helar`) covers the whole year: period_end is {}",
                    f.period_end
                ),
                Some(format!(
                    "write `period_end: {year}-12-31`, or `kind: tertial` or `delar` for part of the year"
                )),
            );
        } else if f.kind != PeriodKind::Helar && d != crate::content::dates::month_days(y, m) {
            // The period's budget is counted in whole months.
            let month = crate::content::dates::MONTHS[usize::from(m.clamp(1, 12)) - 1];
            self.warning(
                Code::ReportMismatch,
                &ValuePath::of("period_end"),
                format!(
                    "period_end {} is not the last day of {month}: the period's budget counts whole months, januari–{month}",
                    f.period_end
                ),
                Some(format!(
                    "end the period with its month (`{y}-{m:02}-{:02}`), or type each row's `periodbudget`",
                    crate::content::dates::month_days(y, m)
                )),
            );
        }
    }

    /// The report's goals: each names a goal of the plan once, is assessed and follows up its
    /// indicators; the plan's goals it leaves out, one warning.
    fn goals(&mut self, f: &FollowUp) {
        let known: Vec<&str> = self
            .items
            .goals
            .iter()
            .map(|g| g.item.id.as_str())
            .collect();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, entry) in f.goals.iter().enumerate() {
            let path = ValuePath::of("goals").index(i);
            let what = format!("goal `{}`", entry.id);
            if !self.first_entry(
                &mut seen,
                &entry.id,
                &ValuePath::of("goals"),
                i,
                &what,
                "goal",
            ) {
                continue;
            }
            let Some(goal) = self.items.goal(&entry.id) else {
                self.unknown_goal(&entry.id, &path, &known);
                continue;
            };
            self.goal(entry, goal.item, &path);
        }
        let missing: Vec<&str> = known
            .iter()
            .filter(|id| !seen.contains_key(*id))
            .copied()
            .collect();
        self.missing("goals", "goal", &missing);
    }

    /// An entry at `path` naming `id`, which is no goal of the plan: an error, its hint where
    /// the id belongs (an indicator, an assignment) or the goals there are.
    fn unknown_goal(&mut self, id: &str, path: &ValuePath, known: &[&str]) {
        let hint = if let Some(g) = self.items.goal_of_indicator(id) {
            format!(
                "`{}` is an indicator of goal `{}`: give it under that goal's `indicators`",
                id, g.item.id
            )
        } else if self.items.assignment(id).is_some() {
            format!("`{}` is an assignment: give it under `assignments`", id)
        } else {
            did_you_mean_or_list(id, known, "the plan's goals are: ")
        };
        self.error(
            Code::UnknownReference,
            &path.key("id"),
            format!("the plan has no goal `{}`", id),
            Some(hint),
        );
    }

    /// The entry at `path` of the plan's `goal`: assessed, its indicators followed up, none
    /// of the goal's indicators left out.
    fn goal(&mut self, entry: &GoalFollowUp, goal: &Goal, path: &ValuePath) {
        if entry.assessment.is_none() {
            self.warning(
                Code::ReportIncomplete,
                path,
                format!("goal `{}`: not assessed yet", entry.id),
                Some("give `assessment: uppfylld`, `delvis`, `ej` or `ej-bedomd`".into()),
            );
        }
        let own: Vec<&str> = goal.indicators.iter().map(|x| x.id.as_str()).collect();
        let mut seen_ind: HashMap<&str, usize> = HashMap::new();
        for (j, ind) in entry.indicators.iter().enumerate() {
            let list = path.key("indicators");
            let what = format!("indicator `{}`", ind.id);
            if !self.first_entry(&mut seen_ind, &ind.id, &list, j, &what, "indicator") {
                continue;
            }
            self.indicator(ind, goal, &own, &list.index(j));
        }
        let missing: Vec<&str> = own
            .iter()
            .filter(|id| !seen_ind.contains_key(*id))
            .copied()
            .collect();
        self.missing_indicators(goal, &missing, path);
    }

    /// The indicator entry at `ip` under `goal` (whose indicators are `own`): one of the
    /// goal's, with an outcome.
    fn indicator(&mut self, ind: &IndicatorFollowUp, goal: &Goal, own: &[&str], ip: &ValuePath) {
        if !own.contains(&ind.id.as_str()) {
            let hint = match self.items.goal_of_indicator(&ind.id) {
                Some(g) => format!(
                    "it is an indicator of goal `{}`: give it under that goal",
                    g.item.id
                ),
                None if own.is_empty() => {
                    format!("goal `{}` has no indicators", goal.id)
                }
                None => did_you_mean_or_list(&ind.id, own, "its indicators are: "),
            };
            self.error(
                Code::UnknownReference,
                &ip.key("id"),
                format!("goal `{}` has no indicator `{}`", goal.id, ind.id),
                Some(hint),
            );
            return;
        }
        if ind.outcome.as_deref().is_none_or(|o| o.trim().is_empty()) {
            self.warning(
                Code::ReportIncomplete,
                ip,
                format!("indicator `{}`: no outcome yet", ind.id),
                Some("give `outcome: \"…\"`, the measured value as a text".into()),
            );
        }
    }

    /// One warning at the goal entry at `path` for the `missing` indicators of `goal` it has
    /// no entry for.
    fn missing_indicators(&mut self, goal: &Goal, missing: &[&str], path: &ValuePath) {
        if missing.is_empty() {
            return;
        }
        self.warning(
            Code::ReportIncomplete,
            path,
            format!(
                "goal `{}`: {} of its indicators {} no follow-up entry: {}",
                goal.id,
                missing.len(),
                if missing.len() == 1 { "has" } else { "have" },
                ticks(missing)
            ),
            Some(format!(
                "add `- id: {}` under its `indicators:`",
                missing[0]
            )),
        );
    }

    /// One warning for the plan's items of a kind that the report does not follow up.
    fn missing(&mut self, key: &str, what: &str, missing: &[&str]) {
        if missing.is_empty() {
            return;
        }
        let n = missing.len();
        // The list may be left out altogether: then the warning stands at the document.
        let at = self.plan.pos_or_ancestor(self.file, &ValuePath::of(key));
        let d = Diagnostic::warning(
            Code::ReportIncomplete,
            self.file,
            format!(
                "{n} {what}{} of the plan {} no follow-up entry: {}",
                if n == 1 { "" } else { "s" },
                if n == 1 { "has" } else { "have" },
                ticks(missing)
            ),
        )
        .at_pos(at);
        let hint = format!(
            "add `- id: {}` under `{key}:` (`vplan report init` lists every one)",
            missing[0]
        );
        self.push(d, Some(hint));
    }

    fn assignments(&mut self, f: &FollowUp) {
        let known: Vec<&str> = self
            .items
            .assignments
            .iter()
            .map(|a| a.item.id.as_str())
            .collect();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, entry) in f.assignments.iter().enumerate() {
            let path = ValuePath::of("assignments").index(i);
            let what = format!("assignment `{}`", entry.id);
            if !self.first_entry(
                &mut seen,
                &entry.id,
                &ValuePath::of("assignments"),
                i,
                &what,
                "assignment",
            ) {
                continue;
            }
            if self.items.assignment(&entry.id).is_none() {
                let hint = if self.items.goal(&entry.id).is_some() {
                    format!("`{}` is a goal: give it under `goals`", entry.id)
                } else {
                    did_you_mean_or_list(&entry.id, &known, "the plan's assignments are: ")
                };
                self.error(
                    Code::UnknownReference,
                    &path.key("id"),
                    format!("the plan has no assignment `{}`", entry.id),
                    Some(hint),
                );
                continue;
            }
            if entry.status.is_none() {
                self.warning(
                    Code::ReportIncomplete,
                    &path,
                    format!("assignment `{}`: no status yet", entry.id),
                    Some("give `status: genomfort`, `pagar`, `ej-paborjat` or `avbrutet`".into()),
                );
            }
        }
        let missing: Vec<&str> = known
            .iter()
            .filter(|id| !seen.contains_key(*id))
            .copied()
            .collect();
        self.missing("assignments", "assignment", &missing);
    }

    fn risks(&mut self, f: &FollowUp) {
        let known: Vec<&str> = self
            .items
            .risks
            .iter()
            .map(|r| r.item.id.as_str())
            .collect();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, entry) in f.internal_control.iter().enumerate() {
            let path = ValuePath::of("internal_control").index(i);
            let what = format!("risk `{}`", entry.id);
            if !self.first_entry(
                &mut seen,
                &entry.id,
                &ValuePath::of("internal_control"),
                i,
                &what,
                "risk",
            ) {
                continue;
            }
            if self.items.risk(&entry.id).is_none() {
                let hint = if self.plan.internal_control.is_none() {
                    "the plan has no internkontroll.yaml: leave `internal_control` out".to_string()
                } else {
                    did_you_mean_or_list(&entry.id, &known, "the plan's risks are: ")
                };
                self.error(
                    Code::UnknownReference,
                    &path.key("id"),
                    format!("the internal-control plan has no risk `{}`", entry.id),
                    Some(hint),
                );
                continue;
            }
            if entry.result.is_none() {
                self.warning(
                    Code::ReportIncomplete,
                    &path,
                    format!("risk `{}`: no result of its controls yet", entry.id),
                    Some("give `result: utan-anmarkning`, `brister` or `ej-genomford`".into()),
                );
            }
        }
        let missing: Vec<&str> = known
            .iter()
            .filter(|id| !seen.contains_key(*id))
            .copied()
            .collect();
        self.missing("internal_control", "risk", &missing);
    }

    /// A seasonal profile: twelve monthly weights, none negative, not all zero; of no use in a
    /// verksamhetsberättelse.
    fn profile(&mut self, p: &[Decimal], path: &ValuePath, what: &str, helar: bool) {
        let hint = Some(
            "give twelve weights, January to December, e.g. percent of the year: `[8, 8, 9, 8, 9, 9, 5, 6, 9, 10, 10, 9]`".to_string(),
        );
        if p.len() != 12 {
            self.error(
                Code::ReportMismatch,
                path,
                format!(
                    "{what}: a seasonal profile has twelve monthly weights, not {}",
                    p.len()
                ),
                hint,
            );
        } else if let Some(m) = p.iter().position(|w| w.is_sign_negative() && !w.is_zero()) {
            self.error(
                Code::ReportMismatch,
                &path.index(m),
                format!(
                    "{what}: the weight of {} is negative ({})",
                    crate::content::dates::MONTHS[m],
                    p[m]
                ),
                hint,
            );
        } else if let Some(m) = p
            .iter()
            .position(|w| w.abs() > Decimal::from(1_000_000_000))
        {
            self.error(
                Code::ReportMismatch,
                &path.index(m),
                format!(
                    "{what}: the weight of {} ({}) is too large: a weight is at most 1 000 000 000",
                    crate::content::dates::MONTHS[m],
                    p[m]
                ),
                hint,
            );
        } else if p.iter().all(|w| w.is_zero()) {
            self.error(
                Code::ReportMismatch,
                path,
                format!("{what}: every weight of the seasonal profile is 0"),
                hint,
            );
        } else if helar {
            self.warning(
                Code::ReportMismatch,
                path,
                format!("{what}: a verksamhetsberättelse sets the outcome against the annual budget: the seasonal profile is not used"),
                Some("remove `profil`; it spreads the budget over a tertial or delår report's months".into()),
            );
        }
    }

    /// A table of both positive and negative amounts whose report does not say what they are:
    /// its note cannot say in words which way a deviation goes.
    fn amount_kind(&mut self, entry: &TableFollowUp, t: &Table, column: &str, path: &ValuePath) {
        let Some(computed) = self.computed else {
            return;
        };
        if entry.belopp.is_some() {
            return;
        }
        let Signs { negative, positive } = signs(t, column, computed);
        if negative && positive {
            self.warning(
                Code::ReportMismatch,
                path,
                format!(
                    "table `{}` has both positive and negative amounts: the note under it cannot say whether a positive deviation is good or bad",
                    t.id
                ),
                Some("say what the amounts are: `belopp: resultat` (income positive, costs negative), `belopp: kostnader` (costs positive) or `belopp: intakter`".into()),
            );
        }
    }

    /// The report's tables: each names a table of the plan once and is judged with the column
    /// it follows; the Handlingsplan summary it names; the plan's tables it leaves out.
    fn tables(&mut self, f: &FollowUp) {
        let plan = self.plan;
        let known: Vec<&str> = plan.tables.keys().map(String::as_str).collect();
        let helar = f.kind == PeriodKind::Helar;
        // A verksamhetsberättelse without every outcome is an error, except in a draft.
        let complete_is_error = helar && f.status() != Status::Utkast;
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, entry) in f.tables.iter().enumerate() {
            let path = ValuePath::of("tables").index(i);
            let what = format!("table `{}`", entry.id);
            if !self.first_entry(
                &mut seen,
                &entry.id,
                &ValuePath::of("tables"),
                i,
                &what,
                "table",
            ) {
                continue;
            }
            let Some(table) = plan.tables.get(&entry.id) else {
                self.error(
                    Code::UnknownReference,
                    &path.key("id"),
                    format!("the plan has no table `{}`", entry.id),
                    Some(did_you_mean_or_list(
                        &entry.id,
                        &known,
                        "the plan's tables are: ",
                    )),
                );
                continue;
            };
            self.table(entry, &table.value, path, helar, complete_is_error);
        }
        if let Some(id) = &f.handlingsplan {
            self.handlingsplan(id);
        }
        self.unlisted_tables(&seen, complete_is_error);
    }

    /// The entry at `path` of the plan's table `t`: its budget column, profile, title and
    /// rows; then, with the plan's figures, what its rows leave out and the column's year.
    fn table(
        &mut self,
        entry: &TableFollowUp,
        t: &Table,
        path: ValuePath,
        helar: bool,
        complete_is_error: bool,
    ) {
        let what = format!("table `{}`", entry.id);
        let Some(b) = budget_column(t, entry.budget.as_deref(), self.plan.meta.value.year) else {
            self.unknown_budget_column(entry, t, &path);
            return;
        };
        let tf = Followed {
            entry,
            t,
            column: &t.columns[b],
            path,
            helar,
        };
        if let Some(p) = &entry.profil {
            self.table_profile(&tf, p, &what);
        }
        if let Some(title) = &entry.title {
            if !title.chars().any(char::is_alphanumeric) {
                self.error(
                    Code::EmptyText,
                    &tf.path.key("title"),
                    format!(
                        "{what}: the title is empty: the heading over the table would have no text"
                    ),
                    Some("write the heading, or leave `title` out to use the plan's".into()),
                );
            }
        }
        self.amount_kind(entry, t, &tf.column.id, &tf.path);
        self.rows(&tf);
        if let Some(computed) = self.computed {
            self.rows_without_outcome(&tf, computed, complete_is_error);
            self.rows_without_forecast(&tf, computed);
            self.signs_against_budget(&tf, computed);
            self.other_year_column(&tf);
        }
    }

    /// The entry at `path` names a budget column table `t` does not have (or `t` has no
    /// columns): an error, its hint the columns there are.
    fn unknown_budget_column(&mut self, entry: &TableFollowUp, t: &Table, path: &ValuePath) {
        let cols: Vec<&str> = t.columns.iter().map(|c| c.id.as_str()).collect();
        let message = format!(
            "table `{}` has no column `{}`",
            t.id,
            entry.budget.as_deref().unwrap_or_default()
        );
        // Without `budget:`, a table without columns.
        let at = self.plan.pos_or_ancestor(self.file, &path.key("budget"));
        let d = Diagnostic::error(Code::UnknownReference, self.file, message).at_pos(at);
        let hint = did_you_mean_or_list(
            entry.budget.as_deref().unwrap_or_default(),
            &cols,
            "its columns are: ",
        );
        self.push(d, Some(hint));
    }

    /// The table's seasonal profile `p`: a valid one, and one that spreads some row's budget.
    fn table_profile(&mut self, tf: &Followed, p: &[Decimal], what: &str) {
        let Followed {
            entry, t, column, ..
        } = *tf;
        self.profile(p, &tf.path.key("profil"), what, tf.helar);
        // A table profile spreads the annual budget of the rows with a budget of their
        // own; a summary's rows take their period budget from the tables they add up.
        let spread = self.computed.is_none_or(|computed| {
            t.rows.iter().enumerate().any(|(r, row)| {
                matches!(
                    shape(t, r, &column.id, computed),
                    RowShape::Leaf { budgeted: true }
                ) && !entry
                    .rows
                    .iter()
                    .any(|e| e.id == row.id && (e.periodbudget.is_some() || e.profil.is_some()))
            })
        });
        if !spread && !tf.helar {
            self.warning(
                Code::ReportMismatch,
                &tf.path.key("profil"),
                format!("{what}: no row of the table is spread by its seasonal profile (its rows are sums, taken from other tables, or have their own period budget or profile): the profile is not used"),
                Some("give the profile where the budgets are: on the tables the rows are taken from, or on a row".into()),
            );
        }
    }

    /// The table's row entries: each names a row of the table once, a row that takes an
    /// outcome; its profile and amounts.
    fn rows(&mut self, tf: &Followed) {
        let Followed { entry, t, .. } = *tf;
        let rows: Vec<&str> = t.rows.iter().map(|r| r.id.as_str()).collect();
        let mut seen_rows: HashMap<&str, usize> = HashMap::new();
        for (j, row) in entry.rows.iter().enumerate() {
            let rp = tf.path.key("rows").index(j);
            let list = tf.path.key("rows");
            let what = format!("table `{}`: row `{}`", t.id, row.id);
            if !self.first_entry(&mut seen_rows, &row.id, &list, j, &what, "row") {
                continue;
            }
            let Some(r) = t.rows.iter().position(|x| x.id == row.id) else {
                self.error(
                    Code::UnknownReference,
                    &rp.key("id"),
                    format!("table `{}` has no row `{}`", t.id, row.id),
                    Some(did_you_mean_or_list(&row.id, &rows, "its rows are: ")),
                );
                continue;
            };
            if let Some(computed) = self.computed {
                let wrong = no_outcome_here(t, r, &tf.column.id, computed);
                if let Some((message, hint)) = wrong {
                    self.error(Code::ReportMismatch, &rp.key("id"), message, Some(hint));
                    continue;
                }
            }
            if let Some(p) = &row.profil {
                self.row_profile(row, p, &rp, &what, tf.helar);
            }
            for (key, value) in row.amounts() {
                let Some(v) = value else { continue };
                self.row_amount(tf, row, &rp, key, v);
            }
        }
    }

    /// The row entry's seasonal profile `p`: a valid one, and not beside a typed period budget.
    fn row_profile(
        &mut self,
        row: &RowFollowUp,
        p: &[Decimal],
        rp: &ValuePath,
        what: &str,
        helar: bool,
    ) {
        self.profile(p, &rp.key("profil"), what, helar);
        if row.periodbudget.is_some() && !helar {
            self.warning(
                Code::ReportMismatch,
                &rp.key("profil"),
                format!("{what}: the row's period budget is typed (`periodbudget`): its seasonal profile is not used"),
                Some("give one of them: `periodbudget` for the period's budget as the economy system has it, or `profil` to spread the annual budget".into()),
            );
        }
    }

    /// The amount `v` at `key` of the row entry at `rp`: one a verksamhetsberättelse has use
    /// for, not too large, with no more decimals than the column.
    fn row_amount(
        &mut self,
        tf: &Followed,
        row: &RowFollowUp,
        rp: &ValuePath,
        key: &str,
        v: Decimal,
    ) {
        let Followed { t, column, .. } = *tf;
        // What a verksamhetsberättelse, which reports the whole year, has no use for.
        let not_in_helar = match key {
            "prognos" => Some(("forecast", "it reports the year's outcome; a forecast (`prognos`) belongs to tertial and delår reports")),
            "periodbudget" => Some(("period budget", "its period is the whole year: the outcome is set against the annual budget; `periodbudget` belongs to tertial and delår reports")),
            _ => None,
        };
        if let Some((what, hint)) = not_in_helar.filter(|_| tf.helar) {
            self.error(
                Code::ReportMismatch,
                &rp.key(key),
                format!(
                    "table `{}`, row `{}`: a verksamhetsberättelse has no {what}",
                    t.id, row.id
                ),
                Some(hint.into()),
            );
            return;
        }
        if v.abs() > max_amount() {
            self.error(
                Code::Precision,
                &rp.key(key),
                format!(
                    "table `{}`, row `{}`: {v} is too large: an amount has at most {MAX_INTEGER_DIGITS} digits before the decimal point",
                    t.id, row.id
                ),
                Some(format!("the column is in {}", column.unit(t))),
            );
            return;
        }
        let precision = column.precision;
        if v.normalize().scale() > precision {
            let mut d = Diagnostic::error(
                Code::Precision,
                self.file,
                format!(
                    "table `{}`, row `{}`: {v} has more decimals than the plan's column `{}` ({precision})",
                    t.id,
                    row.id,
                    column.name()
                ),
            )
            .at_pos(self.plan.pos(self.file, &rp.key(key)));
            d.label = Some(format!(
                "at most {precision} decimals in `{}`",
                column.name()
            ));
            self.diags.push(d);
        }
    }

    /// Detail rows with a budget and no outcome: a warning, an error in a verksamhetsberättelse
    /// that is not a draft.
    fn rows_without_outcome(&mut self, tf: &Followed, computed: &Figures, complete_is_error: bool) {
        let Followed {
            entry, t, column, ..
        } = *tf;
        let without: Vec<&str> = t
            .rows
            .iter()
            .enumerate()
            .filter(|(r, row)| {
                matches!(
                    shape(t, *r, &column.id, computed),
                    RowShape::Leaf { budgeted: true }
                ) && !entry
                    .rows
                    .iter()
                    .any(|e| e.id == row.id && e.utfall.is_some())
            })
            .map(|(_, row)| row.id.as_str())
            .collect();
        if without.is_empty() {
            return;
        }
        let message = format!(
            "table `{}`: no outcome (`utfall`) yet for {}",
            t.id,
            ticks(&without)
        );
        let hint = Some(format!(
            "give `- {{id: {}, utfall: …}}` under the table's `rows:`",
            without[0]
        ));
        if complete_is_error {
            self.error(
                Code::ReportIncomplete,
                &tf.path,
                format!("verksamhetsberättelse: {message}"),
                hint,
            );
        } else {
            self.warning(Code::ReportIncomplete, &tf.path, message, hint);
        }
    }

    /// A table with forecasts has one for every row with a budget: a missing one would leave
    /// the forecast's sum short (its deviation is left empty).
    fn rows_without_forecast(&mut self, tf: &Followed, computed: &Figures) {
        let Followed {
            entry, t, column, ..
        } = *tf;
        let forecasts = entry.rows.iter().any(|e| e.prognos.is_some());
        let without: Vec<&str> = t
            .rows
            .iter()
            .enumerate()
            .filter(|(r, row)| {
                forecasts
                    && !tf.helar
                    && matches!(
                        shape(t, *r, &column.id, computed),
                        RowShape::Leaf { budgeted: true }
                    )
                    && !entry
                        .rows
                        .iter()
                        .any(|e| e.id == row.id && e.prognos.is_some())
            })
            .map(|(_, row)| row.id.as_str())
            .collect();
        if !without.is_empty() {
            self.warning(
                Code::ReportIncomplete,
                &tf.path,
                format!(
                    "table `{}`: no forecast (`prognos`) yet for {}; the forecast's sum and deviation wait for them",
                    t.id,
                    ticks(&without)
                ),
                Some(format!(
                    "give `prognos: …` on the row `{}` (the year's expected outcome)",
                    without[0]
                )),
            );
        }
    }

    /// A figure of a row without a budget (its deviation stays empty), and an outcome of the
    /// other sign than a budget of some size: a minus forgotten (or typed) more often than a
    /// real reversal.
    fn signs_against_budget(&mut self, tf: &Followed, computed: &Figures) {
        let Followed {
            entry, t, column, ..
        } = *tf;
        for (j, row) in entry.rows.iter().enumerate() {
            let Some(r) = t.rows.iter().position(|x| x.id == row.id) else {
                continue;
            };
            let rp = tf.path.key("rows").index(j);
            let budget = computed.value(&CellRef::new(&t.id, &row.id, &column.id));
            if budget.is_none() {
                if let Some((key, _)) = row.amounts().into_iter().find(|(_, v)| v.is_some()) {
                    self.warning(
                        Code::ReportMismatch,
                        &rp.key(key),
                        format!(
                            "table `{}`, row `{}`: the row has no budget in `{}`: its deviation stays empty, but the sums over it count its {key}",
                            t.id,
                            t.rows[r].id,
                            column.name()
                        ),
                        Some("check that the figure belongs to this row; a row without a budget is set against none".into()),
                    );
                }
            }
            for (key, value) in row.amounts() {
                let (Some(b), Some(v)) = (budget, value) else {
                    continue;
                };
                let opposite = (b.is_sign_negative() != v.is_sign_negative()) && !v.is_zero();
                if opposite
                    && b.abs() >= rust_decimal::Decimal::TEN
                    && v.abs() * rust_decimal::Decimal::TEN >= b.abs()
                {
                    self.warning(
                        Code::ReportMismatch,
                        &rp.key(key),
                        format!(
                            "table `{}`, row `{}`: the {key} {v} has the other sign than the budget {b}",
                            t.id, t.rows[r].id
                        ),
                        Some("check the sign: this table writes the row's figures with the budget's sign".into()),
                    );
                }
            }
        }
    }

    /// A report of the plan's year follows that year's column: a warning at one that names
    /// another year where the table has a column of the plan's.
    fn other_year_column(&mut self, tf: &Followed) {
        let Followed { t, column, .. } = *tf;
        let year = self.plan.meta.value.year.to_string();
        let names_year = |c: &crate::content::Column, y: &str| {
            c.id.contains(y)
                || c.title.contains(y)
                || c.group.as_deref().is_some_and(|g| g.contains(y))
        };
        let other_year = (1900..=2200)
            .map(|y: i32| y.to_string())
            .find(|y| *y != year && names_year(column, y) && !names_year(column, &year));
        if let Some(other) = other_year {
            if t.columns.iter().any(|c| names_year(c, &year)) {
                self.warning(
                    Code::ReportMismatch,
                    &tf.path.key("budget"),
                    format!(
                        "table `{}`: the report follows the column `{}` ({}) of {other}, not the plan year {year}'s",
                        t.id,
                        column.id,
                        column.name()
                    ),
                    Some("give `budget:` the column of the plan's year (the report's deviations are computed from it)".into()),
                );
            }
        }
    }

    /// The report's `handlingsplan:` names a Handlingsplan summary of the plan (a table with
    /// `sum_of`).
    fn handlingsplan(&mut self, id: &str) {
        let plan = self.plan;
        let summaries = crate::content::items::summary_tables(plan);
        if !summaries.contains(&id) {
            let message = if plan.tables.contains_key(id) {
                format!("table `{id}` is not a Handlingsplan summary (a table with `sum_of`)")
            } else {
                format!("the plan has no table `{id}`")
            };
            let hint = if summaries.is_empty() {
                "the plan has no table with `sum_of`: leave `handlingsplan` out".to_string()
            } else {
                did_you_mean(id, &summaries)
                    .unwrap_or_else(|| format!("the summary tables are: {}", summaries.join(", ")))
            };
            self.error(
                Code::UnknownReference,
                &ValuePath::of("handlingsplan"),
                message,
                Some(hint),
            );
        }
    }

    /// Plan tables with detail rows to follow up that the report does not list (`seen`): a
    /// warning, an error in a verksamhetsberättelse that is not a draft.
    fn unlisted_tables(&mut self, seen: &HashMap<&str, usize>, complete_is_error: bool) {
        let plan = self.plan;
        let Some(computed) = self.computed else {
            return;
        };
        let unlisted: Vec<&str> = plan
            .tables
            .values()
            .map(|t| &t.value)
            .filter(|t| !seen.contains_key(t.id.as_str()))
            .filter(|t| {
                let Some(b) = budget_column(t, None, plan.meta.value.year) else {
                    return false;
                };
                (0..t.rows.len()).any(|r| {
                    matches!(
                        shape(t, r, &t.columns[b].id, computed),
                        RowShape::Leaf { budgeted: true }
                    )
                })
            })
            .map(|t| t.id.as_str())
            .collect();
        if unlisted.is_empty() {
            return;
        }
        let n = unlisted.len();
        let message = format!(
            "{n} table{} of the plan {} no outcomes in the report: {}",
            if n == 1 { "" } else { "s" },
            if n == 1 { "has" } else { "have" },
            ticks(&unlisted)
        );
        let hint = Some(format!(
            "add `- id: {}` with its rows' `utfall` under `tables:` (`vplan report init` lists every one)",
            unlisted[0]
        ));
        // `tables:` may be left out altogether: then the problem stands at the document.
        let at = plan.pos_or_ancestor(self.file, &ValuePath::of("tables"));
        let d = if complete_is_error {
            let message = format!("verksamhetsberättelse: {message}");
            Diagnostic::error(Code::ReportIncomplete, self.file, message)
        } else {
            Diagnostic::warning(Code::ReportIncomplete, self.file, message)
        };
        self.push(d.at_pos(at), hint);
    }
}

/// A table entry of a report with the plan's table `t` and the `column` it follows, at `path`.
struct Followed<'e> {
    entry: &'e TableFollowUp,
    t: &'e Table,
    column: &'e Column,
    path: ValuePath,
    /// The report is a verksamhetsberättelse.
    helar: bool,
}

/// Why row `r` of `t` takes no outcome in `column` (a sum, a group heading, another table's
/// figures): the error's message and hint; `None` for a detail row.
fn no_outcome_here(
    t: &Table,
    r: usize,
    column: &str,
    computed: &Figures,
) -> Option<(String, String)> {
    let row = &t.rows[r];
    match shape(t, r, column, computed) {
        RowShape::Leaf { .. } => None,
        RowShape::Sum => Some((
            format!(
                "table `{}`: row `{}` is a sum: its outcome is computed from its rows",
                t.id, row.id
            ),
            "give the outcomes of the rows it sums".to_string(),
        )),
        RowShape::Group => Some((
            format!(
                "table `{}`: row `{}` is a group heading: it has no figures",
                t.id, row.id
            ),
            "give the outcomes of the group's rows".to_string(),
        )),
        RowShape::Ref(c) => Some((
            format!(
                "table `{}`: row `{}` takes its figures from `{}/{}`",
                t.id, row.id, c.table, c.row
            ),
            format!("give the outcome there, under table `{}`", c.table),
        )),
        RowShape::SumOf(cells) => Some((
            format!(
                "table `{}`: row `{}` is the sum of the same row in {}",
                t.id,
                row.id,
                ticks(&cells.iter().map(|c| c.table.as_str()).collect::<Vec<_>>())
            ),
            "give the outcomes in those tables".to_string(),
        )),
    }
}

/// `a`, `b`, `c` — at most ten, then "and N more".
fn ticks(ids: &[&str]) -> String {
    let mut out: Vec<String> = ids.iter().take(10).map(|id| format!("`{id}`")).collect();
    if ids.len() > 10 {
        out.push(format!("and {} more", ids.len() - 10));
    }
    out.join(", ")
}
