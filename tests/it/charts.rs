//! Charts drawn from the model: the default plan's driftbudget bars and Handlingsplan stacked
//! bars show the tables' own computed figures, are tagged figures with their text alternative,
//! can be switched off, and a chart that cannot be drawn honestly is an error.

use std::fs;

use crate::common::*;

const FIXTURE: &str = "fjallkommun_2031";

#[test]
fn the_default_plan_has_its_two_charts_with_the_tables_figures() {
    let out = tempfile::tempdir().unwrap();
    let pdf = build(&root().join("content"), out.path(), &[]);
    let text = pdf_text(&pdf).replace('\u{a0}', " ");
    assert!(text.contains("Omsättning per område, budget 2024 (mnkr)"));
    assert!(text.contains("Åtgärder per år och slag (tkr)"));
    // The stacked bars are labelled with the computed totals of the summary table (not the
    // original's typed 84 754).
    for total in ["87 349", "97 317", "110 387"] {
        assert!(
            text.matches(total).count() >= 2,
            "{total} in the table and over its bar"
        );
    }
    // Each bar of the driftbudget chart carries the table's figure: table and chart.
    assert!(text.matches("1 135,0").count() >= 2);

    let doc = lopdf::Document::load(&pdf).unwrap();
    let (kinds, alts) = structure(&doc);
    assert!(kinds.get("Figure").copied().unwrap_or(0) >= 3, "{kinds:?}");
    assert!(
        alts.iter()
            .any(|a| a.starts_with("Liggande stapeldiagram över omsättningen per område")),
        "{alts:?}"
    );
    assert!(
        alts.iter()
            .any(|a| a.starts_with("Staplat stapeldiagram över handlingsplanens åtgärder")),
        "{alts:?}"
    );
}

fn with_chart(s: &Scratch, chart: &str) {
    let path = s.content().join("tables/driftbudget.yaml");
    let table = fs::read_to_string(&path).unwrap();
    fs::write(path, format!("{table}{chart}")).unwrap();
}

#[test]
fn a_chart_can_be_switched_off() {
    let chart = "chart:\n  kind: bars\n  title: Budget per verksamhet\n  alt: Staplar per verksamhet.\n  columns: [b2030]\n";
    let s = Scratch::of(FIXTURE);
    with_chart(&s, chart);
    let out = s.dir.path().join("on");
    let pdf = build(&s.content(), &out, &[]);
    assert!(pdf_text(&pdf).contains("Budget per verksamhet"));

    let s = Scratch::of(FIXTURE);
    with_chart(&s, &format!("{chart}  show: false\n"));
    let out = s.dir.path().join("off");
    let pdf = build(&s.content(), &out, &[]);
    assert!(!pdf_text(&pdf).contains("Budget per verksamhet"));
}

#[test]
fn a_chart_that_cannot_be_drawn_is_an_error() {
    let s = Scratch::of(FIXTURE);
    with_chart(
        &s,
        "chart:\n  kind: bars\n  title: Budget\n  alt: \"\"\n  columns: [b2031, b2030x]\n",
    );
    let run = s.run("check", &[]);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run).replace('\u{a0}', " ");
    for expected in [
        "chart of `driftbudget`: needs an alternative text (`alt`)",
        "chart of `driftbudget`: there is no column `b2030x`",
        "did you mean `b2030`?",
        "a `bars` chart draws one column, 2 given",
        "Föreningsbidrag › Budget 2031 is negative (−1 234); a bar cannot show it",
        "tables/driftbudget.yaml:",
    ] {
        assert!(err.contains(expected), "{expected:?} in:\n{err}");
    }
}
