//! How a figure is computed (`pipeline::explain`, the preview's panel): every kind of cell told
//! with its terms, each as the table prints it and located at the line of the file that writes
//! it; the terms of a sum add up to it exactly.

use std::path::Path;

use rust_decimal::Decimal;
use vplan::figures::CellRef;
use vplan::pipeline::explain::{cell_at, explain, Derivation, Place};
use vplan::pipeline::{load, Checked, LoadOptions};
use vplan::progress::Silent;

use crate::common::*;

fn loaded(content: &Path) -> Checked {
    load(content, &LoadOptions::default(), &Silent).unwrap()
}

fn cell(text: &str) -> CellRef {
    CellRef::parse(text).unwrap()
}

/// The 1-based line of the first line of `file` (below `content`) that contains `needle`.
fn line_of(content: &Path, file: &str, needle: &str) -> usize {
    let text = std::fs::read_to_string(content.join(file)).unwrap();
    1 + text
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{file} has no line with {needle:?}"))
}

/// Asserts a place is `file` (relative, and absolute under `content`) at `line`.
fn assert_at(place: &Option<Place>, content: &Path, file: &str, line: usize) {
    let place = place.as_ref().expect("a located cell");
    assert_eq!(place.file, Path::new(file), "{place:?}");
    assert_eq!(
        place.absolute,
        std::path::absolute(content.join(file)).unwrap()
    );
    assert!(place.absolute.is_absolute());
    assert_eq!(place.line, line, "{place:?}");
}

/// The terms' values added with their signs (`None` for an empty term, which adds nothing).
fn added(d: &Derivation) -> Decimal {
    d.terms
        .iter()
        .map(|t| match t.sign {
            '+' | '=' => t.value.unwrap_or_default(),
            '−' => -t.value.unwrap_or_default(),
            s => panic!("not an addition: {s}"),
        })
        .sum()
}

#[test]
fn a_sum_row_is_its_rows_each_printed_and_at_its_line() {
    let content = root().join("content");
    let checked = loaded(&content);
    let subject = checked.subject();
    let file = "tables/6-4-driftbudget.yaml";
    let d = explain(subject, &cell("driftbudget/summa/b2024-omsattning")).unwrap();
    assert_eq!(d.kind, "sum");
    assert_eq!(d.label, "Summa › Budget 2024 › Omsättning");
    assert_eq!(d.shown, "2\u{a0}380,0");
    assert_eq!(d.value, Some(Decimal::from(2380)));
    assert_eq!(d.terms.len(), 7);
    assert_eq!(added(&d), d.value.unwrap());
    assert!(
        d.formula.starts_with(
            "Summa 2\u{a0}380,0 = Område fastigheter 1\u{a0}135,0 + Område försörjning 370,0 + "
        ),
        "{}",
        d.formula
    );
    assert!(
        d.formula.ends_with("+ Förvaltningsgemensamt 110,0"),
        "{}",
        d.formula
    );
    assert_at(
        &d.at,
        &content,
        file,
        line_of(&content, file, "{id: summa,"),
    );
    for (t, id) in d.terms.iter().zip([
        "fastigheter",
        "forsorjning",
        "inkop-och-upphandling",
        "it",
        "medicinsk-teknik",
        "shared-service-center",
        "forvaltningsgemensamt",
    ]) {
        assert_eq!(t.cell, CellRef::new("driftbudget", id, "b2024-omsattning"));
        assert_eq!(t.sign, '+');
        let line = line_of(&content, file, &format!("{{id: {id},"));
        assert_at(&t.at, &content, file, line);
        assert_eq!(
            t.shown,
            vplan::numfmt::format_amount(t.value.unwrap(), 1),
            "{t:?}"
        );
    }
    // An empty term is shown empty, not as 0, and said to count as nothing.
    let d = explain(subject, &cell("driftbudget/summa/p2023-budgetram")).unwrap();
    assert_eq!(d.terms[0].shown, "");
    assert_eq!(d.terms[0].value, None);
    assert!(
        d.formula.contains("Område fastigheter (tom) + "),
        "{}",
        d.formula
    );
    assert_eq!(added(&d), d.value.unwrap());
    assert!(d.note.unwrap().contains("Tomma rader"));
    // A sum over sub-totals and groups: the rows `Expr::Sum` holds, adding up to it.
    let d = explain(subject, &cell("resultatbudget/resultat/b2024")).unwrap();
    let labels: Vec<&str> = d.terms.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Verksamhetens nettokostnader",
            "Finansnetto",
            "Fastighetsfinansiering"
        ]
    );
    assert_eq!(added(&d), d.value.unwrap());
    // A typed figure says so, where it is written.
    let d = explain(subject, &cell("driftbudget/it/b2024-omsattning")).unwrap();
    assert_eq!(d.kind, "typed");
    assert!(d.formula.contains("inskrivet värde"), "{}", d.formula);
    assert_at(&d.at, &content, file, line_of(&content, file, "{id: it,"));
    // A group row has no amount.
    let d = explain(
        subject,
        &cell("resultatbudget/verksamhetens-intakter/b2024"),
    )
    .unwrap();
    assert_eq!((d.kind, d.shown.as_str()), ("empty", ""));
    assert!(d.formula.contains("grupprubrik"), "{}", d.formula);
    // No such cell.
    assert!(explain(subject, &cell("driftbudget/summa/nope")).is_none());
}

#[test]
fn a_sum_of_row_is_the_same_row_of_each_table_and_a_ref_its_cell() {
    let content = root().join("content");
    let checked = loaded(&content);
    let subject = checked.subject();
    let d = explain(subject, &cell("handlingsplan-summering/intakter/y2024")).unwrap();
    assert_eq!(d.kind, "sum_of");
    assert_eq!(d.terms.len(), 7);
    assert_eq!(added(&d), d.value.unwrap());
    let first = &d.terms[0];
    assert_eq!(
        first.cell,
        CellRef::new("handlingsplan-stab-och-kansli", "intakter", "y2024")
    );
    assert!(first.label.ends_with(" › Intäkter"), "{}", first.label);
    assert!(
        !first.label.starts_with("handlingsplan-"),
        "{}",
        first.label
    );
    let file = "tables/handlingsplan/1-stab-och-kansli.yaml";
    let text = std::fs::read_to_string(content.join(file)).unwrap();
    let needle = if text.contains("{id: intakter,") {
        "{id: intakter,"
    } else {
        "id: intakter"
    };
    assert_at(&first.at, &content, file, line_of(&content, file, needle));
    assert!(d
        .formula
        .contains(&format!("{} {}", first.label, first.shown)));

    let file = "tables/6-5-investeringsbudget.yaml";
    let d = explain(
        subject,
        &cell("investeringsbudget/byggnadsinvesteringar/b2024"),
    )
    .unwrap();
    assert_eq!(d.kind, "ref");
    // The cell is defined at its reference.
    assert_at(
        &d.at,
        &content,
        file,
        line_of(&content, file, "refs: {b2024: bilaga-1-fastigheter/summa}"),
    );
    assert_eq!(d.terms.len(), 1);
    let to = &d.terms[0];
    // The appendix's table has a column of its own: the reference names it.
    assert_eq!(
        to.cell,
        CellRef::new("bilaga-1-fastigheter", "summa", "belopp")
    );
    assert_eq!(to.value, d.value);
    assert_eq!(to.shown, d.shown);
    // Named by its heading in the document (the appendix's), its row and its column.
    assert_eq!(
        to.label,
        "Fastighetsinvesteringar 2024 › Summa fastighetsinvesteringar 2024 › Belopp, mnkr"
    );
    let bilaga = "tables/bilaga-1/fastigheter.yaml";
    assert_eq!(to.at.as_ref().unwrap().file, Path::new(bilaga));
    assert!(
        d.formula.contains(&format!("= {} {}", to.label, to.shown)),
        "{}",
        d.formula
    );
}

#[test]
fn a_view_position_is_the_tables_row_and_amount_column() {
    let checked = loaded(&root().join("content"));
    let subject = checked.subject();
    assert_eq!(
        cell_at(subject, "driftbudget", 0, 0),
        Some(cell("driftbudget/fastigheter/b2024-omsattning"))
    );
    assert_eq!(
        cell_at(subject, "driftbudget", 7, 3),
        Some(cell("driftbudget/summa/p2023-budgetram"))
    );
    assert_eq!(cell_at(subject, "driftbudget", 8, 0), None);
    assert_eq!(cell_at(subject, "driftbudget", 0, 4), None);
    assert_eq!(cell_at(subject, "nope", 0, 0), None);
}

/// The fixture plan with its example reports.
fn with_reports() -> Scratch {
    let s = Scratch::of("fjallkommun_2031");
    copy_dir(&fixture("fjallkommun_2031_reports"), &s.content());
    s
}

const DELAR: &str = "uppfoljning/2031-delar.yaml";

#[test]
fn a_reports_deviation_period_budget_and_outcome_are_explained() {
    let s = with_reports();
    let content = s.content();
    let checked = loaded(&content);
    let subject = checked.report("2031-delar").unwrap().subject();
    // The outcome is typed in the report, and located there.
    let d = explain(subject, &cell("driftbudget/bibliotek/utfall")).unwrap();
    assert_eq!(d.kind, "typed");
    assert_eq!(d.shown, "8\u{a0}610");
    assert!(
        d.formula.contains("inskrivet värde i rapporten"),
        "{}",
        d.formula
    );
    let line = line_of(&content, DELAR, "{id: bibliotek, utfall: 8610");
    assert_at(&d.at, &content, DELAR, line);
    let text = std::fs::read_to_string(content.join(DELAR)).unwrap();
    let column = 1 + text.lines().nth(line - 1).unwrap().find("8610").unwrap();
    assert_eq!(d.at.as_ref().unwrap().column, column);
    // The deviation of costs: budget − utfall, said which is which and what its sign means.
    let d = explain(subject, &cell("driftbudget/bibliotek/avvikelse")).unwrap();
    assert_eq!(d.kind, "difference");
    let cols: Vec<(&str, char)> = d
        .terms
        .iter()
        .map(|t| (t.cell.column.as_str(), t.sign))
        .collect();
    assert_eq!(cols, [("periodbudget", '+'), ("utfall", '−')]);
    assert_eq!(added(&d), d.value.unwrap());
    assert!(
        d.formula.starts_with(&format!(
            "Avvikelse {} = Budget januari–augusti {} − Utfall 8\u{a0}610",
            d.shown, d.terms[0].shown
        )),
        "{}",
        d.formula
    );
    let note = d.note.unwrap();
    assert!(note.contains("Beloppen är kostnader."), "{note}");
    assert!(
        note.contains("ett positivt tal är lägre kostnader än budget"),
        "{note}"
    );
    assert_at(&d.terms[1].at, &content, DELAR, line);
    // The period's budget: the annual budget × 8 / 12, rounded per row.
    let d = explain(subject, &cell("driftbudget/bibliotek/periodbudget")).unwrap();
    assert_eq!(d.kind, "part");
    assert_eq!(d.shown, "8\u{a0}333");
    assert_eq!(
        d.formula,
        "Budget januari–augusti 8\u{a0}333 = Årsbudget 12\u{a0}500 × 8 / 12"
    );
    assert_eq!(d.terms[0].cell, cell("driftbudget/bibliotek/b2031"));
    let plan_table = "tables/driftbudget.yaml";
    let row_line = line_of(&content, plan_table, "{id: bibliotek,");
    assert_at(&d.terms[0].at, &content, plan_table, row_line);
    assert!(d.note.unwrap().contains("hela tkr"));
    // By a seasonal profile.
    let d = explain(subject, &cell("driftbudget/simhall/periodbudget")).unwrap();
    assert_eq!(d.shown, "5\u{a0}425");
    assert!(
        d.formula
            .ends_with("× 62 / 100 (säsongsprofilens andel för januari–augusti)"),
        "{}",
        d.formula
    );
    // A typed period budget is the report's.
    let d = explain(subject, &cell("omraden/kulturskola/periodbudget")).unwrap();
    assert_eq!(d.kind, "typed");
    let line = line_of(&content, DELAR, "{id: kulturskola, periodbudget: 2200");
    assert_at(&d.at, &content, DELAR, line);
}

#[test]
fn an_empty_deviation_says_which_outcome_is_missing() {
    let s = with_reports();
    s.edit(
        DELAR,
        "{id: bibliotek, utfall: 5400, prognos: 8100}",
        "{id: bibliotek, utfall: ~, prognos: 8100}",
    );
    let content = s.content();
    let checked = loaded(&content);
    let subject = checked.report("2031-delar").unwrap().subject();
    let d = explain(subject, &cell("omraden/bibliotek/avvikelse")).unwrap();
    assert_eq!(
        (d.kind, d.shown.as_str(), d.value),
        ("difference", "", None)
    );
    assert!(
        d.formula.contains(
            "Utfall (tom): tom, Utfall är tom (rapporten anger ännu inget utfall för raden)"
        ),
        "{}",
        d.formula
    );
    let d = explain(subject, &cell("omraden/summa/utfall")).unwrap();
    assert_eq!((d.kind, d.value), ("empty", None));
    assert!(
        d.formula.contains("utfall saknas för minst en av raderna"),
        "{}",
        d.formula
    );
    // The forecast beside it is still there.
    let d = explain(subject, &cell("omraden/summa/prognos")).unwrap();
    assert_eq!(d.kind, "sum");
    assert_eq!(added(&d), d.value.unwrap());
}

#[test]
fn a_share_is_the_part_times_100_over_the_whole_and_serialises_for_the_panel() {
    let s = with_reports();
    let content = s.content();
    let checked = loaded(&content);
    let subject = checked.report("2031-delar").unwrap().subject();
    let d = explain(subject, &cell("maluppfyllelse/uppfylld/andel")).unwrap();
    assert_eq!(d.kind, "share");
    assert_eq!(
        d.formula,
        "Andel, % 50 = Antal mål 2 × 100 / Summa › Antal mål 4"
    );
    let signs: Vec<char> = d.terms.iter().map(|t| t.sign).collect();
    assert_eq!(signs, ['×', '÷']);
    // The goals counted are the report's assessments: located at its list of goals.
    assert_at(
        &d.terms[0].at,
        &content,
        DELAR,
        line_of(&content, DELAR, "  - id: mal-fler-besok"),
    );
    // Exact, rounded only when printed; the annual budget named as such beside the period's.
    let d = explain(
        subject,
        &cell("handlingsplan-summering/totalt/genomforande"),
    )
    .unwrap();
    assert_eq!(
        d.formula,
        "Andel genomförd, % 74 = Utfall 810 × 100 / Årsbudget 1\u{a0}100"
    );
    assert_eq!(
        d.value.unwrap(),
        Decimal::from(810) * Decimal::ONE_HUNDRED / Decimal::from(1100)
    );
    // What the preview's server sends.
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["kind"], "share");
    assert_eq!(json["cell"]["column"], "genomforande");
    assert_eq!(json["shown"], "74");
    assert_eq!(json["terms"][1]["sign"], "÷");
    assert_eq!(json["at"]["file"], "tables/handlingsplan/0-summering.yaml");
    assert!(json["at"]["line"].is_u64() && json["at"]["column"].is_u64());
    assert!(json["at"]["absolute"]
        .as_str()
        .unwrap()
        .ends_with("0-summering.yaml"));
    // An amount as its exact text, never a float.
    assert!(json["value"].is_string());
}

/// A table of a view: its id, and per row its id (`""` for a removed row) and printed cells.
type ViewTable = (String, Vec<(String, Vec<String>)>);

/// Every table of a document's view (serialised as the templates get it).
fn view_tables(view: &serde_json::Value, out: &mut Vec<ViewTable>) {
    match view {
        serde_json::Value::Object(map) => {
            if let (Some(id), Some(rows), Some(_)) = (
                map.get("id").and_then(|v| v.as_str()),
                map.get("rows").and_then(|v| v.as_array()),
                map.get("widest"),
            ) {
                let rows = rows
                    .iter()
                    .map(|r| {
                        let cells = r["cells"].as_array().unwrap();
                        let cells = cells.iter().map(|c| c.as_str().unwrap().to_string());
                        (r["id"].as_str().unwrap().to_string(), cells.collect())
                    })
                    .collect();
                out.push((id.to_string(), rows));
            }
            map.values().for_each(|v| view_tables(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| view_tables(v, out)),
        _ => {}
    }
}

/// Each printed cell of each table of `view` is the cell `cell_at` names, and `explain` shows
/// it as the view prints it (`printed_alike`: a redline's changed cells print their old value
/// too).
fn assert_view_matches(subject: vplan::pipeline::Subject<'_>, view: serde_json::Value) {
    let mut tables = Vec::new();
    view_tables(&view, &mut tables);
    assert!(tables.len() > 2, "{}", tables.len());
    for (table, rows) in tables {
        let columns = &subject.model().tables[&table].value.columns;
        for (i, (id, cells)) in rows.iter().enumerate() {
            assert_eq!(cells.len(), columns.len(), "{table}");
            for (k, printed) in cells.iter().enumerate() {
                let found = cell_at(subject, &table, i, k);
                if id.is_empty() {
                    assert_eq!(found, None, "{table}, removed row {i}");
                    continue;
                }
                let expected = CellRef::new(&table, id, &columns[k].id);
                assert_eq!(found.as_ref(), Some(&expected));
                let d = explain(subject, &expected).unwrap();
                assert_eq!(&d.shown, printed, "{expected}");
            }
        }
    }
}

#[test]
fn every_printed_cell_is_found_from_its_place_in_the_view_and_shown_as_printed() {
    use vplan::render::view::{build_scoped, OldCells, RemovedRow, Scope};
    let checked = loaded(&root().join("content"));
    let (plan, figures) = (&checked.plan, &checked.computed);
    let view = build_scoped(plan, figures, None, Scope::Whole);
    assert_view_matches(checked.subject(), serde_json::to_value(&view).unwrap());
    // A redline's view also lists the rows removed since, which have no cell.
    let removed = |after: Option<&str>| RemovedRow {
        after: after.map(str::to_string),
        label: "Borttagen".to_string(),
        texts: Vec::new(),
        kind: vplan::content::RowKind::Data,
        values: vec![Some(Decimal::ONE); 4],
    };
    let mut old_cells = OldCells::new();
    old_cells.removed_rows.insert(
        "driftbudget".to_string(),
        vec![removed(None), removed(Some("it")), removed(Some("it"))],
    );
    let mut marked = vplan::pipeline::subject::Marked {
        plan: plan.clone(),
        old_cells,
        since: "HEAD".to_string(),
    };
    // A changed label, marked as the redline marks it.
    let it = &mut marked
        .plan
        .tables
        .get_mut("driftbudget")
        .unwrap()
        .value
        .rows[3];
    it.label = "\u{E002}Område IT\u{E003}\u{E000}Område it-stöd\u{E001}".to_string();
    let subject = vplan::pipeline::Subject::Redline {
        marked: &marked,
        figures,
    };
    let view = build_scoped(&marked.plan, figures, subject.marks(), Scope::Whole);
    assert_view_matches(subject, serde_json::to_value(&view).unwrap());
    assert_eq!(cell_at(subject, "driftbudget", 0, 0), None);
    // The panel says the label as it reads now.
    let d = explain(subject, &cell("driftbudget/summa/b2024-omsattning")).unwrap();
    assert_eq!(d.terms[3].label, "Område it-stöd");
    assert!(
        d.formula.contains("+ Område it-stöd 475,0 +"),
        "{}",
        d.formula
    );
    assert_eq!(
        cell_at(subject, "driftbudget", 7, 0),
        Some(cell("driftbudget/medicinsk-teknik/b2024-omsattning"))
    );
    // And a report's.
    let s = with_reports();
    let checked = loaded(&s.content());
    let subject = checked.report("2031-delar").unwrap().subject();
    let vplan::pipeline::Subject::Report { report, projection } = subject else {
        unreachable!()
    };
    let view = vplan::render::followup::view(&projection.plan, &projection.figures, report);
    assert_view_matches(subject, serde_json::to_value(&view).unwrap());
}
