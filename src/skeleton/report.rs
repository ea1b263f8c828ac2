//! `vplan report init ID --kind K`: the skeleton of a follow-up report, listing every goal,
//! indicator, assignment, table row and risk of the plan by id, with empty outcomes and
//! `[Vägledning]` texts. `check` warns about every one until it is filled in, and the report
//! builds at once (as a draft).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::content::items::items;
use crate::content::marks::GUIDANCE;
use crate::content::{budget_column, PeriodKind, RowKind};
use crate::error::{IoContext, Result};
use crate::figures::{CellRef, Expr};
use crate::pipeline::Checked;
use crate::yaml_text::quote;

/// The period of a kind of report in the plan's year: label, last day, and the report's date
/// (a month after).
fn period(kind: PeriodKind, year: i32) -> (String, String, String) {
    match kind {
        PeriodKind::Tertial => (
            format!("Januari–april {year}"),
            format!("{year}-04-30"),
            format!("{year}-05-31"),
        ),
        PeriodKind::Delar => (
            format!("Januari–augusti {year}"),
            format!("{year}-08-31"),
            format!("{year}-09-30"),
        ),
        PeriodKind::Helar => (
            format!("Januari–december {year}"),
            format!("{year}-12-31"),
            format!("{}-02-28", year + 1),
        ),
    }
}

fn guidance(text: &str) -> String {
    quote(&format!("{GUIDANCE} {text}"))
}

/// The YAML text of a report skeleton for the checked plan.
pub fn follow_up(checked: &Checked, id: &str, kind: PeriodKind) -> Result<String> {
    crate::ensure_usage!(
        crate::content::slug::is_slug(id),
        "the report id `{id}` is not a slug: use a-z, 0-9 and `-`, e.g. `{}`",
        crate::content::slug::slug(id)
    );
    if let Some(r) = checked.plan.reports.iter().find(|r| r.value.id == id) {
        crate::usage!(
            "there is already a report `{id}` ({}): give another id",
            r.file.display()
        );
    }
    let plan = &checked.plan;
    let year = plan.meta.value.year;
    let (label, end, date) = period(kind, year);
    let word = crate::content::file_word(kind, &end);
    if let Some(r) = plan.reports.iter().find(|r| r.value.file_word() == word) {
        crate::usage!(
            "there is already a {} of {year}: report `{}` ({}); a year has one report of each period (nothing was written)",
            kind.word().to_lowercase(),
            r.value.id,
            r.file.display()
        );
    }
    let mut y = String::new();
    let w = &mut y;
    let _ = writeln!(
        w,
        "{}",
        crate::content::schema::modeline("uppfoljning/x.yaml").unwrap_or_default()
    );
    let _ = writeln!(
        w,
        "# {} {year} för {}: fyll i bedömningar, status och utfall. Summor och avvikelser räknas ut.",
        kind.word(),
        plan.meta.value.namnd
    );
    let _ = writeln!(w, "id: {id}");
    let _ = writeln!(w, "kind: {}", kind.as_str());
    let _ = writeln!(w, "label: {}", quote(&label));
    let _ = writeln!(w, "period_end: {end}");
    let _ = writeln!(w, "decision_date: {date}");
    let _ = writeln!(w, "decision:\n  status: utkast");
    let _ = writeln!(w, "texts:");
    for (key, what) in [
        ("sammanfattning", "Sammanfatta periodens resultat."),
        ("maluppfyllelse", "Beskriv måluppfyllelsen i stort."),
        ("ekonomi", "Kommentera utfallet och prognosen."),
    ] {
        let _ = writeln!(w, "  {key}: {}", guidance(what));
    }
    let known = items(plan);
    let _ = writeln!(w, "goals:");
    if known.goals.is_empty() {
        let _ = writeln!(w, "  []");
    }
    let mut group = usize::MAX;
    for g in &known.goals {
        if g.group != group {
            group = g.group;
            let _ = writeln!(w, "  # {}", one_line(known.groups[group].title));
        }
        let _ = writeln!(w, "  - id: {}", g.item.id);
        let _ = writeln!(w, "    # {}", one_line(&g.item.text));
        let _ = writeln!(
            w,
            "    assessment: ~   # uppfylld | delvis | ej | ej-bedomd"
        );
        let _ = writeln!(w, "    text: {}", guidance("Beskriv måluppfyllelsen."));
        if !g.item.indicators.is_empty() {
            let _ = writeln!(w, "    indicators:");
            for ind in &g.item.indicators {
                let target = ind
                    .target
                    .as_deref()
                    .map(|t| format!(" (målvärde: {})", one_line(t)))
                    .unwrap_or_default();
                let _ = writeln!(w, "      # {}{target}", one_line(&ind.text));
                let _ = writeln!(w, "      - {{id: {}, outcome: ~, assessment: ~}}", ind.id);
            }
        }
    }
    let _ = writeln!(w, "assignments:");
    if known.assignments.is_empty() {
        let _ = writeln!(w, "  []");
    }
    for a in &known.assignments {
        let _ = writeln!(w, "  # {}", one_line(&a.item.text));
        let _ = writeln!(
            w,
            "  - {{id: {}, status: ~, text: ~}}   # genomfort | pagar | ej-paborjat | avbrutet",
            a.item.id
        );
    }
    let _ = writeln!(w, "tables:");
    let mut listed = 0;
    let summaries: Vec<&str> = crate::content::items::summary_tables(plan);
    // The tables in the order the plan prints them (then any it does not place).
    let places = crate::content::items::table_places(plan);
    let mut order: Vec<&str> = places.iter().map(|(id, _)| *id).collect();
    let unplaced: Vec<&str> = plan
        .tables
        .keys()
        .map(String::as_str)
        .filter(|id| !order.contains(id))
        .collect();
    order.extend(unplaced);
    for table in order.iter().filter_map(|id| plan.tables.get(*id)) {
        let t = &table.value;
        let Some(b) = budget_column(t, None, year) else {
            continue;
        };
        let column = &t.columns[b].id;
        let mut rows = Vec::new();
        let mut computed_rows = Vec::new();
        for row in &t.rows {
            let cell = CellRef::new(&t.id, &row.id, column);
            match (row.kind, checked.computed.expr(&cell)) {
                (RowKind::Data, Some(Expr::Typed(_) | Expr::Empty) | None) => rows.push(&row.id),
                (RowKind::Group, _) => {}
                _ => computed_rows.push(&row.id),
            }
        }
        if rows.is_empty() && !summaries.contains(&t.id.as_str()) {
            continue;
        }
        listed += 1;
        let _ = writeln!(w, "  - id: {}", t.id);
        let _ = writeln!(
            w,
            "    # följer kolumnen {} ({})",
            one_line(&t.columns[b].name()),
            t.columns[b].id
        );
        // Effects (a Handlingsplan) and signed tables (costs negative): an outcome above the
        // budget is the better one, so the deviation is utfall − budget.
        let effects =
            !t.sum_of.is_empty() || plan.tables.values().any(|s| s.value.sum_of.contains(&t.id));
        let signed = t.rows.iter().any(|row| {
            checked
                .computed
                .value(&CellRef::new(&t.id, &row.id, column))
                .is_some_and(|v| v.is_sign_negative())
        });
        if effects || signed {
            let _ = writeln!(
                w,
                "    avvikelse: utfall-budget   # positiv = utfall över budget ({})",
                if effects {
                    "effekter"
                } else {
                    "tabellen har negativa belopp"
                }
            );
        } else {
            let _ = writeln!(
                w,
                "    avvikelse: budget-utfall   # positiv = utfall under budget"
            );
        }
        if !computed_rows.is_empty() {
            let names: Vec<&str> = computed_rows.iter().map(|r| r.as_str()).collect();
            let _ = writeln!(w, "    # räknas ut: {}", names.join(", "));
        }
        if rows.is_empty() {
            let _ = writeln!(w, "    rows: []");
            continue;
        }
        let _ = writeln!(w, "    rows:");
        for r in rows {
            if kind.forecasts() {
                let _ = writeln!(w, "      - {{id: {r}, utfall: ~, prognos: ~}}");
            } else {
                let _ = writeln!(w, "      - {{id: {r}, utfall: ~}}");
            }
        }
    }
    if listed == 0 {
        let _ = writeln!(w, "  []");
    }
    if let [summary] = summaries.as_slice() {
        let _ = writeln!(w, "handlingsplan: {summary}");
    }
    if !known.risks.is_empty() {
        let _ = writeln!(w, "internal_control:");
        for r in &known.risks {
            let _ = writeln!(w, "  # {}", one_line(&r.item.risk));
            let _ = writeln!(
                w,
                "  - {{id: {}, result: ~, text: ~}}   # utan-anmarkning | brister | ej-genomford",
                r.item.id
            );
        }
    }
    Ok(y)
}

/// A text on one comment line (at most 100 characters).
fn one_line(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 100 {
        format!("{}…", line.chars().take(99).collect::<String>())
    } else {
        line
    }
}

/// Writes the skeleton into `content/uppfoljning/{id}.yaml` (never over an existing file) and
/// returns its path.
pub fn write_follow_up(content: &Path, id: &str, kind: PeriodKind) -> Result<PathBuf> {
    let checked = crate::pipeline::load(content, &Default::default(), &crate::progress::Silent)?;
    let text = follow_up(&checked, id, kind)?;
    let path = content.join("uppfoljning").join(format!("{id}.yaml"));
    if path.exists() {
        crate::usage!(
            "{} exists: give another id (nothing was written)",
            path.display()
        );
    }
    let dir = content.join("uppfoljning");
    std::fs::create_dir_all(&dir).at("create", &dir)?;
    crate::output::write(&path, text.as_bytes())?;
    Ok(path)
}
