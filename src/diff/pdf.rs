//! `vplan diff --format pdf`: the report as an *Ändringsförteckning* laid out like the plan
//! (same fonts, footer and styles), from the template `diff.typ.j2`.

use crate::error::Result;
use serde::Serialize;

use super::words::{with_context, Op};
use super::{Change, ChangeKind, Report};
use crate::pipeline::{self, Subject};
use crate::render::Templates;

/// Name of the change-report template.
pub const DIFF_TEMPLATE: &str = "diff.typ.j2";

#[derive(Serialize)]
struct View<'a> {
    title: &'a str,
    namnd: &'a str,
    organisation: &'a str,
    old: &'a str,
    new: &'a str,
    count: usize,
    sections: Vec<SectionView<'a>>,
}

impl crate::render::TemplateContext for View<'_> {}

#[derive(Serialize)]
struct SectionView<'a> {
    /// The follow-up report this section is the first of, its title a heading above it.
    report: Option<&'a str>,
    title: &'a str,
    /// 2 for the plan's sections, 3 for a report's (under its title).
    level: u8,
    changes: Vec<ChangeView<'a>>,
}

#[derive(Serialize)]
struct ChangeView<'a> {
    /// `Ändrat belopp`, `Nytt mål` …
    heading: String,
    change: &'static str,
    place: String,
    id: &'a str,
    old: Option<String>,
    new: Option<String>,
    /// Word runs of a changed text: (`equal`|`delete`|`insert`, text).
    words: Vec<(&'static str, String)>,
    /// A paragraph of prose changed, added or removed: its Markdown with the changed words
    /// marked (the redline's private-use marks), rendered as the plan renders prose.
    markdown: Option<String>,
    amount: Option<String>,
    moved_from: Option<String>,
    totals: Vec<String>,
    /// The rows of a table or column added or removed, with their amounts.
    table: Option<AmountsView>,
}

/// The amounts of a table or column added or removed, drawn as a small table.
#[derive(Serialize)]
struct AmountsView {
    /// The unit, in the top-left corner.
    unit: String,
    /// The columns by name (`Budget 2024 › Omsättning`), with their own unit if it differs.
    titles: Vec<String>,
    rows: Vec<RowView>,
}

#[derive(Serialize)]
struct RowView {
    /// `data`, `sum` or `group`.
    kind: &'static str,
    label: String,
    /// Empty for a group heading.
    cells: Vec<String>,
}

/// Swedish name of a kind of item.
pub fn kind_sv(kind: &str) -> &'static str {
    match kind {
        "paragraph" => "stycke",
        "goal" => "mål",
        "indicator" => "indikator",
        "assignment" => "uppdrag",
        "chapter" => "kapitel",
        "section" => "avsnitt",
        "appendix" => "bilaga",
        "perspective" => "perspektiv",
        "strategy" => "strategi",
        "text table" => "texttabell",
        "text table row" => "tabellrad",
        "matrix" => "matris",
        "matrix row" => "matrisrad",
        "org chart" => "organisationsschema",
        "area" => "verksamhet i internkontrollplanen",
        "risk" => "risk",
        "measure" => "åtgärd",
        "table" => "tabell",
        "column" => "kolumn",
        "row" => "rad",
        "amount" => "belopp",
        "total" => "summa",
        "metadata" => "uppgift",
        "report" => "uppföljningsrapport",
        "decision paper" => "tjänsteskrivelse",
        "att-sats" => "att-sats",
        "signatory" => "underskrift",
        "assessment" => "bedömning",
        "outcome" => "utfall",
        "forecast" => "prognos",
        "period budget" => "periodens budget",
        "setting" => "inställning",
        "text" => "text",
        "status" => "status",
        "result" => "kontrollresultat",
        "indicator outcome" => "utfall för indikator",
        "assignment status" => "status för uppdrag",
        "control result" => "kontrollresultat",
        "outcome comment" => "kommentar till utfall",
        _ => "post",
    }
}

/// A row's or item's position (`after X`, `first`) in Swedish; other texts unchanged.
fn sv_position(text: &str) -> String {
    match text.strip_prefix("after ") {
        Some(rest) => format!("efter {rest}"),
        None if text == "first" => "först".into(),
        None => text.to_string(),
    }
}

/// A table's row count (`3 rows`, `1 row`) in Swedish; other texts unchanged.
fn sv_rows(kind: &str, text: String) -> String {
    match text
        .strip_suffix(" rows")
        .or_else(|| text.strip_suffix(" row"))
    {
        Some(n) if kind == "table" && n.parse::<usize>().is_ok() => {
            format!("{n} {}", if n == "1" { "rad" } else { "rader" })
        }
        _ => text,
    }
}

/// A change's heading in Swedish, the participle agreeing with the noun's gender: `Ändrat
/// belopp`, `Tillagd tabell`.
fn heading_sv(change: ChangeKind, kind: &str) -> String {
    let noun = kind_sv(kind);
    // The ett-words among the kinds; the others are en-words.
    let neuter = matches!(
        noun,
        "stycke"
            | "mål"
            | "uppdrag"
            | "kapitel"
            | "avsnitt"
            | "perspektiv"
            | "belopp"
            | "organisationsschema"
            | "utfall"
            | "kontrollresultat"
    );
    let verb = match (change, neuter) {
        (ChangeKind::Added, true) => "Tillagt",
        (ChangeKind::Added, false) => "Tillagd",
        (ChangeKind::Removed, true) => "Borttaget",
        (ChangeKind::Removed, false) => "Borttagen",
        (ChangeKind::Changed, true) => "Ändrat",
        (ChangeKind::Changed, false) => "Ändrad",
        (ChangeKind::Moved, true) => "Flyttat",
        (ChangeKind::Moved, false) => "Flyttad",
    };
    format!("{verb} {noun}")
}

fn amount(old: &Option<String>, new: &Option<String>, diff: &Option<String>, unit: &str) -> String {
    format!(
        "{} → {}{} {unit}",
        old.as_deref().unwrap_or("–"),
        new.as_deref().unwrap_or("–"),
        diff.as_ref().map(|d| format!(" ({d})")).unwrap_or_default()
    )
}

fn change_view(c: &Change) -> ChangeView<'_> {
    let place: Vec<&str> = c.place.iter().skip(1).map(String::as_str).collect();
    let mut place = place.join(" › ");
    if let Some(f) = &c.field {
        let f = match f.strip_prefix("paragraph ") {
            Some(n) => format!("stycke {n}"),
            None => f.clone(),
        };
        let f = match f.as_str() {
            "position" => "plats".to_string(),
            "group" => "grupp".to_string(),
            _ => f,
        };
        if f != "text" && f != c.kind {
            if !place.is_empty() {
                place.push_str(" › ");
            }
            place.push_str(&f);
        }
    }
    let is_amount = c.is_amount();
    ChangeView {
        heading: heading_sv(c.change, &c.kind),
        change: match c.change {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
            ChangeKind::Moved => "moved",
        },
        place,
        id: &c.id,
        old: if is_amount {
            None
        } else {
            c.old
                .as_deref()
                .map(sv_position)
                .map(|t| sv_rows(&c.kind, t))
        },
        new: if is_amount {
            None
        } else {
            c.new
                .as_deref()
                .map(sv_position)
                .map(|t| sv_rows(&c.kind, t))
        },
        words: with_context(&c.words, 12)
            .into_iter()
            .map(|r| {
                let op = match r.op {
                    Op::Equal => "equal",
                    Op::Delete => "delete",
                    Op::Insert => "insert",
                };
                (op, r.text.replace('\n', " "))
            })
            .collect(),
        markdown: prose_marked(c),
        amount: is_amount.then(|| {
            amount(
                &c.old,
                &c.new,
                &c.difference,
                c.unit.as_deref().unwrap_or(""),
            )
        }),
        moved_from: c.moved_from.as_ref().map(|p| p.join(" › ")),
        table: amounts_view(c),
        totals: c
            .totals
            .iter()
            .map(|t| {
                format!(
                    "{}: {}",
                    t.place.join(" › "),
                    amount(&t.old, &t.new, &t.difference, &t.unit)
                )
            })
            .collect(),
    }
}

/// A changed, added or removed paragraph as Markdown with its changes marked, so the report
/// quotes it as the plan prints it (emphasis, lists, links), not as raw Markdown.
fn prose_marked(c: &Change) -> Option<String> {
    use super::redline::{fix_line_starts, wrap};
    use crate::render::escape::{DEL_CLOSE, DEL_OPEN, INS_CLOSE, INS_OPEN};
    if c.kind != "paragraph" {
        return None;
    }
    match c.change {
        ChangeKind::Removed => c.old.as_deref().map(|t| wrap(t, DEL_OPEN, DEL_CLOSE)),
        ChangeKind::Added => c.new.as_deref().map(|t| wrap(t, INS_OPEN, INS_CLOSE)),
        ChangeKind::Changed if !c.words.is_empty() => {
            let mut out = String::new();
            for r in with_context(&c.words, 12) {
                match r.op {
                    Op::Equal => out.push_str(&r.text),
                    Op::Delete => out.push_str(&wrap(&r.text, DEL_OPEN, DEL_CLOSE)),
                    Op::Insert => out.push_str(&wrap(&r.text, INS_OPEN, INS_CLOSE)),
                }
            }
            Some(fix_line_starts(&out))
        }
        _ => None,
    }
}

fn amounts_view(c: &Change) -> Option<AmountsView> {
    if c.rows.is_empty() || !super::output::listed(c) {
        return None;
    }
    let unit = c.unit.clone().unwrap_or_default();
    let titles = if c.kind == "table" {
        super::output::column_names(&c.rows, &unit)
    } else {
        vec![c.new.clone().or_else(|| c.old.clone()).unwrap_or_default()]
    };
    Some(AmountsView {
        unit,
        titles,
        rows: c
            .rows
            .iter()
            .map(|r| RowView {
                kind: r.kind,
                label: r.label.clone(),
                cells: r.cells.iter().map(|v| v.display.clone()).collect(),
            })
            .collect(),
    })
}

/// Renders the report as a PDF with the templates: the changes of `new`'s document (the new
/// side's plan, or report), named after it, dated `source_date` when given
/// (`SOURCE_DATE_EPOCH`), else by the new side's decision date.
pub fn render(
    report: &Report,
    new: Subject<'_>,
    templates: &Templates,
    source_date: Option<crate::typeset::Datetime>,
) -> Result<Vec<u8>> {
    let meta = &new.model().meta.value;
    let mut sections: Vec<SectionView> = Vec::new();
    let mut last_report = None;
    for c in &report.changes {
        let in_report = c.report.as_ref().map(|r| r.title.as_str());
        let new_report = last_report != Some(in_report);
        if new_report || sections.last().is_none_or(|s| s.title != c.section) {
            sections.push(SectionView {
                report: in_report.filter(|_| new_report),
                title: &c.section,
                level: if in_report.is_some() { 3 } else { 2 },
                changes: Vec::new(),
            });
            last_report = Some(in_report);
        }
        sections
            .last_mut()
            .expect("just pushed")
            .changes
            .push(change_view(c));
    }
    let view = View {
        title: &meta.title,
        namnd: &meta.namnd,
        organisation: &meta.organisation,
        old: &report.old,
        new: &report.new,
        count: report.changes.len(),
        sections,
    };
    let mut ts = pipeline::Typesetter::new(templates)?;
    let source = ts.renderer().render_named(DIFF_TEMPLATE, &view)?;
    let date = pipeline::plan_date(new.model(), source_date)?;
    let ident = format!("{}-andringsforteckning", new.stem());
    let options = crate::typeset::ExportOptions {
        ident,
        timestamp: date,
        standard: pipeline::default_standard(new.model()),
    };
    Ok(ts.typeset(source, options)?.bytes)
}
