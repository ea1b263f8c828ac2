//! `vplan report init ID --kind K`: the skeleton of a follow-up report, whole: every text the
//! report prints (`[Vägledning]` texts, by kind: no forecast in a verksamhetsberättelse), its
//! decision and decision paper with placeholders, and every goal, indicator, assignment, amount
//! table (or a comment why one is left out) and risk of the plan by id, with empty outcomes.
//! `check` warns about every one until it is filled in, and the report builds at once (as a
//! draft).

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

/// The guidance of each of the report's own texts (`texts:`), by kind: a tertial or delår
/// report looks ahead to the year's end (the forecast), a verksamhetsberättelse has no forecast
/// and speaks of the whole year.
fn text_guidance(kind: PeriodKind, key: &str) -> &'static str {
    let ahead = kind.forecasts();
    match key {
        "sammanfattning" if ahead => {
            "Sammanfatta periodens resultat och prognosen för helåret: verksamhet, måluppfyllelse och ekonomi."
        }
        "sammanfattning" => "Sammanfatta årets resultat: verksamhet, måluppfyllelse och ekonomi.",
        "maluppfyllelse" if ahead => {
            "Beskriv måluppfyllelsen hittills och bedömningen för helåret i stort."
        }
        "maluppfyllelse" => "Beskriv årets måluppfyllelse i stort.",
        "ekonomi" if ahead => {
            "Kommentera periodens utfall mot budget och prognosen för helåret, och förklara de största avvikelserna."
        }
        "ekonomi" => {
            "Kommentera årets utfall mot budget och förklara de största avvikelserna."
        }
        "handlingsplan" if ahead => {
            "Beskriv hur åtgärderna i handlingsplanen har genomförts hittills och vilken effekt de väntas ge för helåret."
        }
        "handlingsplan" => {
            "Beskriv hur åtgärderna i handlingsplanen har genomförts och vilken effekt de har gett under året."
        }
        "intern_kontroll" if ahead => "Sammanfatta resultatet av periodens kontroller.",
        "intern_kontroll" => "Sammanfatta resultatet av årets kontroller.",
        _ => "Skriv texten.",
    }
}

/// The YAML text of a report skeleton for the checked plan: every text and field the report
/// prints, by kind (no forecast in a verksamhetsberättelse), its decision and decision paper,
/// and every goal, indicator, assignment, amount table (or a comment saying why one is left
/// out) and risk of the plan.
///
/// The first line names the report's schema for the editor when `content` (the content
/// directory the report is for) has it in `schemas/`.
pub fn follow_up(checked: &Checked, content: &Path, id: &str, kind: PeriodKind) -> Result<String> {
    let plan = &checked.plan;
    let meta = &plan.meta.value;
    let year = meta.year;
    let (label, end, date) = period(kind, year);
    refuse_taken(checked, id, kind, &end)?;
    let title = format!("{} {year}", kind.word());
    let period_words = super::in_sentence(&label);
    let mut y = String::new();
    let w = &mut y;
    let named = Named {
        id,
        kind,
        label: &label,
        end: &end,
        date: &date,
        title: &title,
    };
    head(w, meta, content, &named);
    let summaries: Vec<&str> = crate::content::items::summary_tables(plan);
    texts(w, plan, kind, &summaries);
    let known = items(plan);
    goals(w, &known);
    assignments(w, &known);
    tables(w, checked, kind);
    handlingsplan_and_risks(w, plan, &summaries, &known);
    paper(w, checked, kind, &period_words, &date);
    Ok(y)
}

/// A report's id, kind, period and title, as the skeleton names them.
struct Named<'a> {
    id: &'a str,
    kind: PeriodKind,
    label: &'a str,
    end: &'a str,
    date: &'a str,
    title: &'a str,
}

/// Refuses an id that is not a slug or is already a report's (or a draft's), and a period that
/// already has its report (`end`: the period's last day).
fn refuse_taken(checked: &Checked, id: &str, kind: PeriodKind, end: &str) -> Result<()> {
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
    if let Some(d) = checked.drafts.iter().find(|d| d.id.as_deref() == Some(id)) {
        crate::usage!(
            "there is already a report `{id}` ({}, which has errors): give another id",
            d.file.display()
        );
    }
    let plan = &checked.plan;
    let year = plan.meta.value.year;
    let word = crate::content::file_word(kind, end);
    if let Some(r) = plan.reports.iter().find(|r| r.value.file_word() == word) {
        crate::usage!(
            "there is already a {} of {year}: report `{}` ({}); a year has one report of each period (nothing was written)",
            kind.word().to_lowercase(),
            r.value.id,
            r.file.display()
        );
    }
    Ok(())
}

/// The head of the report: what it is, its period and dates, and the decision it goes to (the
/// plan's beslutsinstans, placeholders to fill in).
fn head(w: &mut String, meta: &crate::content::PlanMeta, content: &Path, named: &Named) {
    let Named {
        id,
        kind,
        label,
        end,
        date,
        title,
    } = *named;
    let namnd = super::in_sentence(&meta.namnd);
    if let Some(line) = crate::content::schema::modeline_in(content, "uppfoljning/x.yaml") {
        let _ = writeln!(w, "{line}");
    }
    let _ = writeln!(
        w,
        "# {title} för {}: fyll i texterna, bedömningar, status och utfall. Summor och avvikelser räknas ut.",
        meta.namnd
    );
    let _ = writeln!(w, "id: {id}");
    let _ = writeln!(w, "kind: {}", kind.as_str());
    let _ = writeln!(w, "label: {}", quote(label));
    let _ = writeln!(w, "period_end: {end}");
    let _ = writeln!(w, "# Rapportens datum (också PDF:ens datum).");
    let _ = writeln!(w, "decision_date: {date}");
    let _ = writeln!(
        w,
        "# title: {}   (standardtiteln; skriv en egen titel här)",
        quote(title)
    );
    let plan_decision = meta.decision.as_ref();
    let beslutsinstans = plan_decision
        .and_then(|d| d.beslutsinstans.clone())
        .unwrap_or_else(|| meta.namnd.clone());
    let _ = writeln!(w, "decision:");
    let _ = writeln!(w, "  arende: {}", quote(&format!("{title} för {namnd}")));
    let _ = writeln!(w, "  diarienummer: {}", quote("[Diarienummer]"));
    let _ = writeln!(w, "  beslutsinstans: {}", quote(&beslutsinstans));
    let _ = writeln!(
        w,
        "  sammantradesdatum: {date}   # ändra till sammanträdets datum"
    );
    let _ = writeln!(w, "  paragraf: {}", quote("[§ …]"));
    let _ = writeln!(w, "  status: utkast   # utkast | forslag | beslutad");
    let _ = writeln!(
        w,
        "  # beslutsdatum: ÅÅÅÅ-MM-DD   (krävs när status är beslutad)"
    );
}

/// The report's texts: one per chapter the report has (a Handlingsplan and Intern kontroll
/// only when the plan has them).
fn texts(w: &mut String, plan: &crate::content::Plan, kind: PeriodKind, summaries: &[&str]) {
    let _ = writeln!(w, "texts:");
    for key in ["sammanfattning", "maluppfyllelse", "ekonomi"] {
        let _ = writeln!(w, "  {key}: {}", guidance(text_guidance(kind, key)));
    }
    if summaries.is_empty() {
        let _ = writeln!(
            w,
            "  # handlingsplan: planen har ingen Handlingsplan (en tabell med sum_of), så rapporten har inget kapitel om den"
        );
    } else {
        let _ = writeln!(
            w,
            "  handlingsplan: {}",
            guidance(text_guidance(kind, "handlingsplan"))
        );
    }
    if plan.internal_control.is_some() {
        let _ = writeln!(
            w,
            "  intern_kontroll: {}",
            guidance(text_guidance(kind, "intern_kontroll"))
        );
    } else {
        let _ = writeln!(
            w,
            "  # intern_kontroll: planen har ingen internkontrollplan (internkontroll.yaml), så rapporten har inget kapitel Intern kontroll"
        );
    }
}

/// An entry per goal of the plan, under its group's title, with its indicators.
fn goals(w: &mut String, known: &crate::content::items::PlanItems) {
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
}

/// An entry per assignment of the plan.
fn assignments(w: &mut String, known: &crate::content::items::PlanItems) {
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
}

/// An entry per amount table of the plan with its rows to fill in, or a comment saying why a
/// table is left out.
fn tables(w: &mut String, checked: &Checked, kind: PeriodKind) {
    let plan = &checked.plan;
    let _ = writeln!(w, "tables:");
    let _ = writeln!(
        w,
        "  # Varje tabell kan också ha title: (rubriken), notes: (noter under tabellen) och chart: (ett diagram); varje rad kommentar: (en kort kommentar i tabellen)."
    );
    let mut listed = 0;
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
        if table_entry(w, checked, &table.value, kind) {
            listed += 1;
        }
    }
    if listed == 0 {
        let _ = writeln!(w, "  []");
    }
}

/// The entry of table `t`, or a comment saying why it is left out (then false).
fn table_entry(
    w: &mut String,
    checked: &Checked,
    t: &crate::content::Table,
    kind: PeriodKind,
) -> bool {
    let plan = &checked.plan;
    let year = plan.meta.value.year;
    let Some(b) = budget_column(t, None, year) else {
        let _ = writeln!(
            w,
            "  # {}: utelämnad, tabellen har inga kolumner att följa upp",
            t.id
        );
        return false;
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
    if rows.is_empty() && computed_rows.is_empty() {
        let _ = writeln!(
            w,
            "  # {}: utelämnad, tabellen har inga rader med belopp att följa upp",
            t.id
        );
        return false;
    }
    let _ = writeln!(w, "  - id: {}", t.id);
    let _ = writeln!(
        w,
        "    budget: {column}   # följer kolumnen {}",
        one_line(&t.columns[b].name()),
    );
    deviation_way(w, checked, t, column);
    if kind.forecasts() {
        let _ = writeln!(
            w,
            "    # profil: [8, 8, 9, 8, 9, 9, 5, 6, 9, 10, 10, 9]   # säsongsprofil per månad; utan den är periodens budget årsbudget × månader/12"
        );
    }
    if !computed_rows.is_empty() {
        let names: Vec<&str> = computed_rows.iter().map(|r| r.as_str()).collect();
        let _ = writeln!(w, "    # räknas ut: {}", names.join(", "));
    }
    if rows.is_empty() {
        let _ = writeln!(w, "    rows: []");
        return true;
    }
    let _ = writeln!(w, "    rows:");
    for r in rows {
        if kind.forecasts() {
            let _ = writeln!(w, "      - {{id: {r}, utfall: ~, prognos: ~}}");
        } else {
            let _ = writeln!(w, "      - {{id: {r}, utfall: ~}}");
        }
    }
    true
}

/// Which way a deviation of table `t` (its budget column `column`) is good: what its amounts
/// are (see below), written as `avvikelse:` or `belopp:`.
fn deviation_way(w: &mut String, checked: &Checked, t: &crate::content::Table, column: &str) {
    let plan = &checked.plan;
    // What the amounts are decides which way a deviation is good: effects (a
    // Handlingsplan) are better above the budget; a table of both signs is asked (`belopp`,
    // a warning until it is given); one of costs held negative is a result; one of positive
    // amounts is read as it stands, with `belopp` offered.
    let effects =
        !t.sum_of.is_empty() || plan.tables.values().any(|s| s.value.sum_of.contains(&t.id));
    let crate::figures::followup::Signs { negative, positive } =
        crate::figures::followup::signs(t, column, &checked.computed);
    if effects {
        let _ = writeln!(
            w,
            "    avvikelse: utfall-budget   # positiv = utfall över budget (effekter)"
        );
    } else if negative && positive {
        let _ = writeln!(
            w,
            "    belopp: ~   # [Vägledning] vad beloppen är: resultat (intäkter positiva, kostnader negativa), kostnader eller intakter"
        );
    } else if negative {
        let _ = writeln!(
            w,
            "    belopp: resultat   # kostnader med minustecken: positiv avvikelse = lägre kostnader"
        );
    } else {
        let _ = writeln!(
            w,
            "    avvikelse: budget-utfall   # positiv = utfall under budget"
        );
        let _ = writeln!(
            w,
            "    # belopp: kostnader   # eller intakter: då säger noten under tabellen om en avvikelse är bra eller dålig"
        );
    }
}

/// Which summary table the Handlingsplan follows up, and an entry per risk of the internal
/// control plan.
fn handlingsplan_and_risks(
    w: &mut String,
    plan: &crate::content::Plan,
    summaries: &[&str],
    known: &crate::content::items::PlanItems,
) {
    match summaries {
        [] => {}
        [summary] => {
            let _ = writeln!(w, "handlingsplan: {summary}");
        }
        [first, rest @ ..] => {
            let _ = writeln!(
                w,
                "handlingsplan: {first}   # eller en av {}",
                rest.join(", ")
            );
        }
    }
    match &plan.internal_control {
        None => {
            let _ = writeln!(
                w,
                "# internal_control: planen har ingen internkontrollplan (internkontroll.yaml)"
            );
        }
        Some(_) if known.risks.is_empty() => {
            let _ = writeln!(
                w,
                "# internal_control: internkontrollplanen har inga risker att följa upp"
            );
        }
        Some(_) => {
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
    }
}

/// The report's decision paper (`tjansteskrivelse:`, built with `build --report ID --split`):
/// the sender and signatories of the plan's own paper when it has one, guidance for the texts,
/// the proposal to approve the report.
fn paper(w: &mut String, checked: &Checked, kind: PeriodKind, period_words: &str, date: &str) {
    let plan_paper = checked.plan.paper.as_ref().map(|p| &p.value);
    let _ = writeln!(
        w,
        "# Tjänsteskrivelsen som tar rapporten till nämnden (`vplan build --report ID --split`)."
    );
    let _ = writeln!(w, "tjansteskrivelse:");
    match plan_paper.and_then(|p| p.avsandare.as_deref()) {
        Some(a) => {
            let _ = writeln!(w, "  avsandare: {}", quote(a));
        }
        None => {
            let _ = writeln!(
                w,
                "  avsandare: {}",
                guidance("Förvaltningen som skriver tjänsteskrivelsen.")
            );
        }
    }
    let _ = writeln!(w, "  datum: {date}   # ändra till tjänsteskrivelsens datum");
    let _ = writeln!(
        w,
        "  sammanfattning: {}",
        guidance(if kind.forecasts() {
            "Sammanfatta rapporten för beslutet: periodens resultat, prognosen för helåret och måluppfyllelsen."
        } else {
            "Sammanfatta rapporten för beslutet: årets resultat och måluppfyllelse."
        })
    );
    let _ = writeln!(
        w,
        "  arendebeskrivning: {}",
        guidance("Beskriv ärendet: vad rapporten omfattar och hur den har tagits fram.")
    );
    let what = match kind {
        PeriodKind::Tertial => "tertialrapporten",
        PeriodKind::Delar => "delårsrapporten",
        PeriodKind::Helar => "verksamhetsberättelsen",
    };
    // A verksamhetsberättelse is of the year; a part of it is named by its period.
    let period = match kind {
        PeriodKind::Helar => checked.plan.meta.value.year.to_string(),
        _ => crate::yaml_text::markdown_literal(period_words),
    };
    let _ = writeln!(w, "  forslag_till_beslut:");
    let _ = writeln!(
        w,
        "    - {}",
        quote(&format!("att godkänna {what} för {period}."))
    );
    signatories_and_recipients(w, plan_paper);
}

/// Who signs the decision paper and who the decision is sent to: the plan's paper's, or a
/// placeholder.
fn signatories_and_recipients(w: &mut String, plan_paper: Option<&crate::content::DecisionPaper>) {
    let _ = writeln!(w, "  underskrifter:");
    match plan_paper.map(|p| p.underskrifter.as_slice()) {
        Some(signatories) if !signatories.is_empty() => {
            for s in signatories {
                match &s.namn {
                    Some(namn) => {
                        let _ = writeln!(
                            w,
                            "    - {{namn: {}, titel: {}}}",
                            quote(namn),
                            quote(&s.titel)
                        );
                    }
                    None => {
                        let _ = writeln!(w, "    - titel: {}", quote(&s.titel));
                    }
                }
            }
        }
        _ => {
            let _ = writeln!(w, "    - titel: Förvaltningschef");
        }
    }
    match plan_paper.map(|p| p.skickas_till.as_slice()) {
        Some(to) if !to.is_empty() => {
            let _ = writeln!(w, "  skickas_till:");
            for t in to {
                let _ = writeln!(w, "    - {}", quote(t));
            }
        }
        _ => {
            let _ = writeln!(w, "  # skickas_till: [ … ]   (vem beslutet skickas till)");
        }
    }
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
    // Locked from reading the plan to writing the report (`output::lock`): a second
    // `report init` of the same id waits, then finds the file.
    let _lock = crate::output::lock_if_dir(content)?;
    let checked = crate::pipeline::load(content, &Default::default(), &crate::progress::Silent)?;
    let text = follow_up(&checked, content, id, kind)?;
    let path = content.join("uppfoljning").join(format!("{id}.yaml"));
    if path.exists() {
        crate::usage!(
            "{} exists: give another id (nothing was written)",
            path.display()
        );
    }
    let dir = content.join("uppfoljning");
    std::fs::create_dir_all(&dir).at("create", &dir)?;
    // What killed runs left anywhere in the content directory goes before this write.
    crate::output::clean_stale_tree(content);
    crate::output::write(&path, text.as_bytes())?;
    Ok(path)
}
