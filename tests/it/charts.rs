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

const GROUPED: &str = "chart:\n  kind: grouped\n  title: Budget per verksamhet, 2030 och 2031\n  alt: Grupperade staplar per verksamhet.\n  columns: [b2031, b2030]\n";

#[test]
fn a_grouped_chart_draws_a_group_per_row_with_a_legend() {
    let s = Scratch::of(FIXTURE);
    let path = s.content().join("tables/driftbudget.yaml");
    let table = fs::read_to_string(&path)
        .unwrap()
        .replace("-1234.0", "1234.0");
    fs::write(&path, format!("{table}{GROUPED}")).unwrap();
    let out = s.dir.path().join("out");
    let pdf = build(&s.content(), &out, &[]);
    let text = pdf_text(&pdf).replace('\u{a0}', " ");
    assert!(text.contains("Budget per verksamhet, 2030 och 2031"));
    // The legend names the columns; each bar carries its figure (table and chart).
    assert!(text.matches("Budget 2031").count() >= 2, "{text}");
    assert!(text.matches("Budget 2030").count() >= 2, "{text}");
    for figure in ["12 500", "12 100", "8 750", "8 900", "1 234", "3 100"] {
        assert!(text.matches(figure).count() >= 2, "{figure} in:\n{text}");
    }
    let doc = lopdf::Document::load(&pdf).unwrap();
    let (_, alts) = structure(&doc);
    assert!(
        alts.iter()
            .any(|a| a == "Grupperade staplar per verksamhet."),
        "{alts:?}"
    );
}

#[test]
fn a_grouped_chart_needs_two_columns_of_one_unit_and_no_negative() {
    let s = Scratch::of(FIXTURE);
    with_chart(
        &s,
        "chart:\n  kind: grouped\n  title: Budget\n  alt: Staplar.\n  columns: [b2031]\n",
    );
    let run = s.run("check", &[]);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run).replace('\u{a0}', " ");
    let lines = fs::read_to_string(s.content().join("tables/driftbudget.yaml")).unwrap();
    let line = lines
        .lines()
        .position(|l| l.trim_start().starts_with("columns: [b2031]"))
        .unwrap()
        + 1;
    for expected in [
        format!("tables/driftbudget.yaml:{line}"),
        "a `grouped` chart draws at least two columns side by side, 1 given".into(),
        "Föreningsbidrag › Budget 2031 is negative (−1 234); a bar cannot show it".into(),
    ] {
        assert!(err.contains(&expected), "{expected:?} in:\n{err}");
    }

    let s = Scratch::of(FIXTURE);
    with_chart(
        &s,
        "chart:\n  kind: grouped\n  title: Budget\n  alt: Staplar.\n  columns: [b2031, b2030x]\n",
    );
    let err = stderr(&s.run("check", &[])).replace('\u{a0}', " ");
    assert!(err.contains("there is no column `b2030x`"), "{err}");
    assert!(err.contains("did you mean `b2030`?"), "{err}");

    let s = Scratch::of(FIXTURE);
    let path = s.content().join("tables/driftbudget.yaml");
    let table = fs::read_to_string(&path).unwrap().replace(
        "title: Budget 2030, precision: 0",
        "title: Budget 2030, precision: 0, unit: årsarbetare",
    );
    fs::write(&path, format!("{table}{GROUPED}")).unwrap();
    let err = stderr(&s.run("check", &[])).replace('\u{a0}', " ");
    assert!(
        err.contains(
            "draws its columns on one scale, but `b2031` is in tkr and `b2030` in årsarbetare"
        ),
        "{err}"
    );
}
