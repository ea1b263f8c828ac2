//! Amounts are exact decimals from the YAML text to the PDF; sums are computed.

use std::str::FromStr;

use rust_decimal::Decimal;
use vplan::content::Table;

#[test]
fn a_twenty_digit_amount_survives_exactly() {
    let yaml = r#"
id: t
unit: kr
columns: [{id: a, title: A, precision: 10}]
rows:
  - {id: x, label: X, values: [1234567890.1234567891]}
  - {id: y, label: Y, values: [70.0]}
"#;
    let table: Table = serde_yaml::from_str(yaml).unwrap();
    let x = table.rows[0].values.as_ref().unwrap()[0].unwrap();
    assert_eq!(x, Decimal::from_str("1234567890.1234567891").unwrap());
    assert_eq!(x.to_string(), "1234567890.1234567891");
    let y = table.rows[1].values.as_ref().unwrap()[0].unwrap();
    assert_eq!(y.to_string(), "70.0", "the scale of 70.0 is kept");
}

/// Loads and computes a one-table plan; the table is `tables/t.yaml`.
fn compute(table: &str) -> vplan::pipeline::Checked {
    try_compute(&[("t", table)]).unwrap_or_else(|e| panic!("{e}"))
}

/// Loads and computes a plan with these tables (`tables/<name>.yaml`); the error is every
/// diagnostic, one per line, as `file:line:column: message (hint: …)`.
fn try_compute(tables: &[(&str, &str)]) -> Result<vplan::pipeline::Checked, String> {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path();
    std::fs::create_dir_all(content.join("chapters")).unwrap();
    std::fs::create_dir_all(content.join("tables")).unwrap();
    std::fs::write(
        content.join("plan.yaml"),
        "organisation: O\nnamnd: N\nyear: 2030\ntitle: T\ndecision_date: 2029-11-01\n",
    )
    .unwrap();
    std::fs::write(
        content.join("chapters/01.yaml"),
        "id: c\ntitle: C\nblocks:\n  - table: t\n",
    )
    .unwrap();
    for (name, table) in tables {
        std::fs::write(content.join(format!("tables/{name}.yaml")), table).unwrap();
    }
    vplan::pipeline::load(content, &Default::default(), &vplan::progress::Silent).map_err(|e| {
        match e {
            vplan::Error::Content(diags) => diags
                .iter()
                .filter(|d| d.is_error())
                .map(|d| {
                    format!(
                        "{}:{}:{}: {}",
                        d.file
                            .as_ref()
                            .map(|f| f.file_name().unwrap().to_string_lossy().to_string())
                            .unwrap_or_default(),
                        d.line.unwrap_or(0),
                        d.column.unwrap_or(0),
                        d.message
                    ) + &d
                        .hint
                        .as_ref()
                        .map(|h| format!(" (hint: {h})"))
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join("\n"),
            e => format!("{e}"),
        }
    })
}

/// The errors of a one-table plan that must not compute.
fn refused(table: &str) -> String {
    match try_compute(&[("t", table)]) {
        Ok(_) => panic!("computed, but should have been refused:\n{table}"),
        Err(e) => e,
    }
}

const HEAD: &str = "id: t\nunit: tkr\ncolumns: [{id: a, title: A, precision: 0}, {id: b, title: B, precision: 0}]\nrows:\n";

fn cell(checked: &vplan::pipeline::Checked, row: &str) -> Decimal {
    checked.computed.get("t", row, "a").unwrap()
}

#[test]
fn sums_of_twenty_digit_amounts_are_exact() {
    let checked = compute(
        r#"
id: t
unit: kr
columns: [{id: a, title: A, precision: 10}]
rows:
  - {id: x, label: X, values: [1234567890.1234567891]}
  - {id: y, label: Y, values: [0.0000000009]}
  - {id: s, label: S, kind: sum, sum: all}
"#,
    );
    let sum = cell(&checked, "s");
    assert_eq!(sum, Decimal::from_str("1234567890.1234567900").unwrap());
    assert_eq!(
        vplan::numfmt::format_amount(sum, 10),
        "1\u{a0}234\u{a0}567\u{a0}890,1234567900"
    );
}

/// A resultatbudget: the rows after *Summa kostnader* (finansnetto) are not costs of the group.
#[test]
fn a_sum_row_closes_the_group_above_it() {
    let checked = compute(
        r#"
id: t
unit: mnkr
columns: [{id: a, title: A, precision: 1}]
rows:
  - {id: intakter, label: Intäkter, kind: group}
  - {id: i1, label: Övriga intäkter, values: [2380]}
  - {id: summa-intakter, label: Summa intäkter, kind: sum, sum: [intakter]}
  - {id: kostnader, label: Kostnader, kind: group}
  - {id: k1, label: Personal, values: [-665]}
  - {id: k2, label: Övrigt, values: [-1230.5]}
  - {id: summa-kostnader, label: Summa kostnader, kind: sum, sum: [kostnader]}
  - {id: netto, label: Nettokostnader, kind: sum, sum: [summa-intakter, summa-kostnader]}
  - {id: finansnetto, label: Finansnetto, values: [-150]}
  - {id: resultat, label: Resultat, kind: sum, sum: [netto, finansnetto]}
"#,
    );
    assert_eq!(cell(&checked, "summa-intakter"), Decimal::from(2380));
    assert_eq!(
        cell(&checked, "summa-kostnader"),
        Decimal::from_str("-1895.5").unwrap()
    );
    assert_eq!(cell(&checked, "netto"), Decimal::from_str("484.5").unwrap());
    assert_eq!(
        cell(&checked, "resultat"),
        Decimal::from_str("334.5").unwrap()
    );
}

#[test]
fn a_sum_that_would_count_a_row_twice_is_refused_naming_both_paths() {
    // A group and a row inside it.
    let e = refused(&format!(
        "{HEAD}  - {{id: kostnader, label: K, kind: group}}\n  - {{id: personal, label: P, values: [1, 2]}}\n  - {{id: ovrigt, label: Ö, values: [3, 4]}}\n  - {{id: s, label: S, kind: sum, sum: [kostnader, personal]}}\n"
    ));
    assert!(
        e.contains("t.yaml:8:")
            && e.contains("row `personal` would be counted twice, via `kostnader` (group) → `personal` and via `personal`"),
        "{e}"
    );
    // The same row three times: an error at the second naming.
    let e = refused(&format!(
        "{HEAD}  - {{id: x, label: X, values: [1, 2]}}\n  - {{id: s, label: S, kind: sum, sum: [x, x, x]}}\n"
    ));
    assert!(
        e.contains("`sum` names row `x` twice (items 1 and 2)"),
        "{e}"
    );
    // A sub-total and one of its terms.
    let e = refused(&format!(
        "{HEAD}  - {{id: x, label: X, values: [1, 2]}}\n  - {{id: y, label: Y, values: [1, 2]}}\n  - {{id: sub, label: Sub, kind: sum, sum: [x, y]}}\n  - {{id: s, label: S, kind: sum, sum: [sub, y]}}\n"
    ));
    assert!(
        e.contains("row `s`: row `y` would be counted twice, via `sub` → `y` and via `y`"),
        "{e}"
    );
    assert!(e.starts_with("t.yaml:8:"), "at the sum: {e}");
}

#[test]
fn two_references_to_one_cell_in_a_sum_are_double_counting() {
    let other = "id: o\nunit: tkr\ncolumns: [{id: a, title: A, precision: 0}]\nrows:\n  - {id: x, label: X, values: [5]}\n";
    let e = try_compute(&[
        ("o", other),
        (
            "t",
            &format!("{HEAD}  - {{id: r1, label: R1, refs: {{a: o/x}}, values: [~, 1]}}\n  - {{id: r2, label: R2, refs: {{a: o/x}}, values: [~, 1]}}\n  - {{id: s, label: S, kind: sum, sum: all}}\n"),
        ),
    ])
    .map(|_| ())
    .unwrap_err();
    assert!(
        e.contains(
            "row `s`: `o/x/a` would be counted twice, via `r1` → `o/x/a` and via `r2` → `o/x/a`"
        ),
        "{e}"
    );
}

#[test]
fn references_are_exactly_table_row_or_table_row_column() {
    let other = "id: o\nunit: tkr\ncolumns: [{id: a, title: A, precision: 0}]\nrows:\n  - {id: x, label: X, values: [5]}\n";
    for (target, needle) in [
        (
            "o/x/a/extra",
            "reference `o/x/a/extra` must be `table/row` or `table/row/column`",
        ),
        ("o", "must be `table/row` or `table/row/column`"),
        ("o//a", "is not a cell reference"),
        // An explicit column must exist, even in a one-column table.
        ("o/x/b", "table `o` has no column `b`"),
    ] {
        let e = try_compute(&[
            ("o", other),
            (
                "t",
                &format!("{HEAD}  - {{id: r, label: R, refs: {{a: {target}}}, values: [~, 1]}}\n"),
            ),
        ])
        .map(|_| ())
        .unwrap_err();
        assert!(e.contains(needle), "{target}: {e}");
        assert!(e.contains("t.yaml:5:"), "{target}: {e}");
    }
}

#[test]
fn duplicate_ids_and_keys_are_refused() {
    let e = refused("id: t\nunit: tkr\ncolumns: [{id: a, title: A, precision: 0}, {id: a, title: B, precision: 0}]\nrows:\n  - {id: x, label: X, values: [1, 2]}\n");
    assert!(e.contains("duplicate column id `a`"), "{e}");
    let e = refused(&format!(
        "{HEAD}  - {{id: x, label: X, values: [1, 2], values: [3, 4]}}\n"
    ));
    assert!(
        e.contains("t.yaml:5:") && e.contains("duplicate key `values`"),
        "{e}"
    );
    let e = refused(&format!(
        "{HEAD}  - {{id: x, label: X, values: [1, 2]}}\n  - {{id: r, label: R, values: [~, 1], refs: {{a: t/x, a: t/x}}}}\n"
    ));
    assert!(
        e.contains("duplicate key `a` (first given on line 6)"),
        "{e}"
    );
}

#[test]
fn cycles_name_their_cells() {
    let e = refused(&format!(
        "{HEAD}  - {{id: x, label: X, refs: {{a: t/y}}, values: [~, 1]}}\n  - {{id: y, label: Y, refs: {{a: t/x}}, values: [~, 1]}}\n"
    ));
    assert!(
        e.contains("cells refer to each other in a cycle: t/x/a → t/y/a → t/x/a")
            || e.contains("cycle: t/y/a → t/x/a → t/y/a"),
        "{e}"
    );
}

#[test]
fn bounds_are_errors_at_their_line() {
    let e = refused("id: t\nunit: tkr\ncolumns: [{id: a, title: A, precision: 4294967295}]\nrows:\n  - {id: x, label: X, values: [1]}\n");
    assert!(
        e.contains("t.yaml:3:")
            && e.contains("precision 4294967295 is more than the 10 decimals a column may have"),
        "{e}"
    );
    let e = refused(&format!(
        "{HEAD}  - {{id: x, label: X, values: [1000000000000000, 1]}}\n"
    ));
    assert!(
        e.contains("t.yaml:5:")
            && e.contains("1000000000000000 is too large: an amount has at most 15 digits"),
        "{e}"
    );
    // The largest amounts still sum and convert exactly.
    let checked = compute(&format!(
        "{HEAD}  - {{id: x, label: X, values: [999999999999999, -999999999999999]}}\n  - {{id: y, label: Y, values: [999999999999999, -999999999999999]}}\n  - {{id: s, label: S, kind: sum, sum: all}}\n"
    ));
    assert_eq!(
        checked.computed.get("t", "s", "a"),
        Some(Decimal::from_str("1999999999999998").unwrap())
    );
}

#[test]
fn a_reference_takes_a_figure_only_as_the_column_prints_it() {
    let mnkr = "id: o\nunit: mnkr\ncolumns: [{id: a, title: A, precision: 2}]\nrows:\n  - {id: x, label: X, values: [1.55]}\n  - {id: g, label: G, kind: group}\n";
    let into = |unit: &str, precision: u32, target: &str| {
        format!("id: t\nunit: {unit}\ncolumns: [{{id: a, title: A, precision: {precision}}}]\nrows:\n  - {{id: r, label: R, refs: {{a: {target}}}}}\n  - {{id: s, label: S, kind: sum, sum: all}}\n")
    };
    let err = |unit: &str, precision: u32, target: &str| {
        try_compute(&[("o", mnkr), ("t", &into(unit, precision, target))])
            .map(|_| ())
            .unwrap_err()
    };
    // Another unit: never taken as it is (1,55 mnkr is not 2 tkr).
    let e = err("tkr", 2, "o/x");
    assert!(
        e.contains("t.yaml:5:") && e.contains("`o/x/a` is in mnkr, but column `a` is in tkr"),
        "{e}"
    );
    // More decimals than the column prints: the rows would not add up to the printed total.
    let e = err("mnkr", 0, "o/x");
    assert!(
        e.contains("`o/x/a` has 2 decimals, but column `a` prints 0"),
        "{e}"
    );
    // A group row has no figures.
    let e = err("mnkr", 2, "o/g");
    assert!(
        e.contains("`o/g/a` is a group row, which has no figures"),
        "{e}"
    );
    // The same unit and enough decimals: taken exactly.
    let checked = try_compute(&[("o", mnkr), ("t", &into("MNKR", 2, "o/x"))]).unwrap();
    assert_eq!(
        checked.computed.get("t", "s", "a"),
        Some(Decimal::from_str("1.55").unwrap())
    );
}

#[test]
fn a_summary_table_matches_columns_exactly_and_names_each_table_once() {
    let area = "id: o\nunit: tkr\ncolumns: [{id: a, title: A, precision: 0}]\nrows:\n  - {id: x, label: X, values: [5]}\n";
    let summary = |sum_of: &str| {
        format!("id: t\nunit: tkr\nsum_of: {sum_of}\ncolumns: [{{id: a, title: A, precision: 0}}, {{id: aa, title: Årsarbetare, precision: 1, unit: årsarbetare}}]\nrows:\n  - {{id: x, label: X}}\n")
    };
    // The area table's one column is not taken for every column of the summary.
    let e = try_compute(&[("o", area), ("t", &summary("[o]"))])
        .map(|_| ())
        .unwrap_err();
    assert!(
        e.contains("column `aa` is summed from table `o`, which has no column `aa`"),
        "{e}"
    );
    // Reported once for the table, not once per row of the summary.
    assert_eq!(e.matches("has no column `aa`").count(), 1, "{e}");
    let e = try_compute(&[("o", area), ("t", &summary("[o, o]"))])
        .map(|_| ())
        .unwrap_err();
    assert!(
        e.contains("`sum_of` names table `o` twice (items 1 and 2)"),
        "{e}"
    );
}

#[test]
fn a_summary_table_must_sum_every_row_with_figures_of_its_sources() {
    // An area table gains a row the summary does not have: the summary's totals would
    // silently lose its figures.
    let area = "id: o\nunit: tkr\ncolumns: [{id: a, title: A, precision: 0}, {id: b, title: B, precision: 0}]\nrows:\n  - {id: x, label: X, values: [5, 6]}\n  - {id: ny, label: Ny rad, values: [~, 7]}\n  - {id: tom, label: Tom, values: [~, ~]}\n  - {id: s, label: Summa, kind: sum, sum: all}\n";
    let summary = "id: t\nunit: tkr\nsum_of: [o]\ncolumns: [{id: a, title: A, precision: 0}, {id: b, title: B, precision: 0}]\nrows:\n  - {id: x, label: X}\n  - {id: s, label: Summa, kind: sum, sum: all}\n";
    let e = try_compute(&[("o", area), ("t", summary)])
        .map(|_| ())
        .unwrap_err();
    assert!(
        e.contains("table `t` does not sum row `ny` (Ny rad) of table `o`: its figures would be left out of the summary"),
        "{e}"
    );
    assert!(e.contains("add `{id: ny, label: \"Ny rad\"}`"), "{e}");
    // A row without figures loses nothing; sum rows are the summary's own.
    assert!(!e.contains("`tom`") && !e.contains("row `s`"), "{e}");
    // A summary row of that id with its own figures does not sum it either.
    let typed = summary.replace(
        "  - {id: s,",
        "  - {id: ny, label: Ny rad, values: [1, 1]}\n  - {id: s,",
    );
    let e = try_compute(&[("o", area), ("t", &typed)])
        .map(|_| ())
        .unwrap_err();
    assert!(e.contains("does not sum row `ny`"), "{e}");
    assert!(e.contains("has its own figures"), "{e}");
    // With the row added, the summary's total is the areas' total.
    let whole = summary.replace("  - {id: s,", "  - {id: ny, label: Ny rad}\n  - {id: s,");
    let checked = try_compute(&[("o", area), ("t", &whole)]).unwrap();
    assert_eq!(
        checked.computed.get("t", "s", "b"),
        checked.computed.get("o", "s", "b")
    );
    // A missing row or table is reported once, not once per column.
    let e = try_compute(&[
        ("o", area),
        ("t", &summary.replace("sum_of: [o]", "sum_of: [o, p]")),
    ])
    .map(|_| ())
    .unwrap_err();
    assert_eq!(
        e.matches("names table `p`, which does not exist").count(),
        1,
        "{e}"
    );
    let renamed = area.replace("{id: x,", "{id: xx,");
    let e = try_compute(&[("o", &renamed), ("t", summary)])
        .map(|_| ())
        .unwrap_err();
    assert_eq!(e.matches("table `o` has no row `x`").count(), 1, "{e}");
}

#[test]
fn empty_sums_and_ids_that_are_not_slugs_are_refused() {
    let e = refused(&format!(
        "{HEAD}  - {{id: x, label: X, values: [1, 2]}}\n  - {{id: s, label: S, kind: sum, sum: []}}\n"
    ));
    assert!(e.contains("`sum: []` sums nothing"), "{e}");
    for id in ["a/b", "Bibliotek", "bib liotek", "\"\"", "bibliotеk"] {
        let e = refused(&format!(
            "{HEAD}  - {{id: {id}, label: X, values: [1, 2]}}\n"
        ));
        assert!(e.contains("is not a slug"), "{id}: {e}");
    }
}

// Expressions built by code (`Figures::from_exprs`), as the follow-up projection builds its
// outcomes, differences and shares.

use vplan::figures::{CellRef, Expr, Figures};

/// A plan with one table `t` of these columns (`id:precision`) and rows (`id`, `kind`), its
/// cells laid out for expressions built by code.
fn layout(columns: &[(&str, u32)], rows: &[(&str, &str)]) -> vplan::content::Plan {
    let mut yaml = "id: t\nunit: tkr\ncolumns:\n".to_string();
    for (id, p) in columns {
        yaml += &format!("  - {{id: {id}, title: {id}, precision: {p}}}\n");
    }
    yaml += "rows:\n";
    for (id, kind) in rows {
        yaml += &format!("  - {{id: {id}, label: {id}, kind: {kind}");
        yaml += if *kind == "sum" {
            ", sum: all}\n"
        } else {
            "}\n"
        };
    }
    try_compute(&[("t", &yaml)])
        .unwrap_or_else(|e| panic!("{e}"))
        .plan
}

fn at(row: &str, column: &str) -> CellRef {
    CellRef::new("t", row, column)
}

fn typed(v: &str) -> Expr {
    Expr::Typed(Decimal::from_str(v).unwrap())
}

/// `(row, column, value)` of every cell, `~` for empty.
fn values(figures: &Figures, cells: &[(&str, &str)]) -> Vec<String> {
    cells
        .iter()
        .map(|(r, c)| {
            let v = figures.get("t", r, c);
            format!("{r}/{c}={}", v.map_or("~".into(), |v| v.to_string()))
        })
        .collect()
}

/// The budget/outcome table of a follow-up: `avv` = budget − utfall per row and for the sum.
fn followup_figures() -> Figures {
    let plan = layout(
        &[("budget", 0), ("utfall", 0), ("avv", 0)],
        &[("x", "data"), ("y", "data"), ("z", "data"), ("s", "sum")],
    );
    let rows: std::sync::Arc<[usize]> = vec![0, 1, 2].into();
    let mut exprs = vec![
        (at("x", "budget"), typed("10")),
        (at("y", "budget"), typed("5")),
        (at("x", "utfall"), typed("12")),
        (at("s", "budget"), Expr::Sum(rows.clone())),
        (at("s", "utfall"), Expr::Sum(rows)),
    ];
    for r in ["x", "y", "z", "s"] {
        exprs.push((
            at(r, "avv"),
            Expr::Difference(at(r, "budget"), at(r, "utfall")),
        ));
    }
    Figures::from_exprs(&plan, exprs).unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn differences_are_empty_unless_both_sides_are_given() {
    let f = followup_figures();
    assert_eq!(
        values(
            &f,
            &[
                ("x", "avv"),
                ("y", "avv"),
                ("z", "avv"),
                ("s", "budget"),
                ("s", "utfall"),
                ("s", "avv")
            ]
        ),
        [
            "x/avv=-2",
            "y/avv=~",
            "z/avv=~",
            "s/budget=15",
            "s/utfall=12",
            "s/avv=3"
        ],
        "x: 10 − 12 (negative); y: 5 − nothing (empty, never 5); z: nothing − nothing; s: 15 − 12 \
         (the projection of a report empties such a sum; the expression itself adds what it has)"
    );
    assert!(f.expr(&at("x", "avv")).unwrap().is_computed());
    assert_eq!(
        f.terms(&at("s", "avv")),
        [at("s", "budget"), at("s", "utfall")]
    );
    // A changed outcome moves its difference, the sum's outcome and the sum's difference.
    assert_eq!(
        f.dependents(&at("x", "utfall")),
        [at("x", "avv"), at("s", "utfall"), at("s", "avv")]
    );
    assert_eq!(
        f.dependents(&at("z", "budget")),
        [at("z", "avv"), at("s", "budget"), at("s", "avv")]
    );
}

#[test]
fn shares_are_exact_and_empty_without_a_part_or_a_whole() {
    // The share is exact (rounded once, when printed: `numfmt` rounds half away from zero);
    // here shown to six decimals.
    let cases = [
        ("a", "1", "3", "33.333333", "33.333333"),
        ("b", "2", "3", "66.666667", "66.666667"),
        ("c", "1", "8", "12.5", "12.5"),
        ("d", "-1", "8", "-12.5", "-12.5"),
        ("e", "1", "0", "~", "~"),
        ("f", "1", "~", "~", "~"),
        ("g", "~", "4", "~", "~"),
        ("h", "1", "6", "16.666667", "16.666667"),
    ];
    let rows: Vec<(&str, &str)> = cases.iter().map(|c| (c.0, "data")).collect();
    let plan = layout(&[("part", 0), ("whole", 0), ("p0", 0), ("p2", 2)], &rows);
    let mut exprs = Vec::new();
    for (r, part, whole, _, _) in cases {
        for (c, v) in [("part", part), ("whole", whole)] {
            exprs.push((at(r, c), if v == "~" { Expr::Empty } else { typed(v) }));
        }
        for c in ["p0", "p2"] {
            exprs.push((at(r, c), Expr::Share(at(r, "part"), at(r, "whole"))));
        }
    }
    let f = Figures::from_exprs(&plan, exprs).unwrap_or_else(|e| panic!("{e:?}"));
    for (r, part, whole, p0, p2) in cases {
        let want = |v: &str| (v != "~").then(|| Decimal::from_str(v).unwrap());
        let six = |v: Option<Decimal>| v.map(|v| v.round_dp(6).normalize());
        assert_eq!(
            (six(f.get("t", r, "p0")), six(f.get("t", r, "p2"))),
            (
                want(p0).map(|v| v.normalize()),
                want(p2).map(|v| v.normalize())
            ),
            "{part} of {whole}"
        );
        // Printed, each at its column's precision, rounded once.
        if let Some(v) = f.get("t", r, "p0") {
            let printed = vplan::numfmt::format_amount(v, 0);
            let expected = vplan::numfmt::format_amount(
                want(p0).unwrap().round_dp_with_strategy(
                    0,
                    rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                ),
                0,
            );
            assert_eq!(printed, expected, "{part} of {whole}");
        }
    }
    // 1/8 printed: 13 to whole percent, 12,5 to one decimal (never 13,0).
    let c = f.get("t", "c", "p0").unwrap();
    assert_eq!(vplan::numfmt::format_amount(c, 0), "13");
    assert_eq!(vplan::numfmt::format_amount(c, 1), "12,5");
    assert_eq!(
        vplan::numfmt::format_amount(f.get("t", "d", "p0").unwrap(), 0),
        "\u{2212}13"
    );
    assert_eq!(f.terms(&at("a", "p0")), [at("a", "part"), at("a", "whole")]);
    assert_eq!(
        f.dependents(&at("a", "whole")),
        [at("a", "p0"), at("a", "p2")]
    );
}

/// The error messages of expressions that cannot be evaluated.
fn refused_exprs(exprs: Vec<(CellRef, Expr)>) -> String {
    let plan = layout(&[("a", 0), ("b", 0), ("c", 0)], &[("x", "data")]);
    match Figures::from_exprs(&plan, exprs) {
        Ok(_) => panic!("evaluated, but should have been refused"),
        Err(diags) => diags
            .iter()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn a_difference_or_share_too_large_is_an_error_naming_its_cell() {
    let e = refused_exprs(vec![
        (at("x", "a"), Expr::Typed(Decimal::MAX)),
        (at("x", "b"), typed("-1")),
        (at("x", "c"), Expr::Difference(at("x", "a"), at("x", "b"))),
    ]);
    assert_eq!(
        e,
        "table `t`, row `x`, column `c`: the difference is too large to compute exactly"
    );
    let e = refused_exprs(vec![
        (at("x", "a"), Expr::Typed(Decimal::MAX)),
        (at("x", "b"), typed("3")),
        (at("x", "c"), Expr::Share(at("x", "a"), at("x", "b"))),
    ]);
    assert_eq!(
        e,
        "table `t`, row `x`, column `c`: the share is too large to compute exactly"
    );
}

#[test]
fn expressions_built_by_code_are_checked_for_cycles_and_missing_cells() {
    let e = refused_exprs(vec![
        (at("x", "a"), Expr::Difference(at("x", "b"), at("x", "c"))),
        (at("x", "b"), Expr::Share(at("x", "a"), at("x", "c"))),
    ]);
    assert!(
        e.contains("cells refer to each other in a cycle: t/x/a → t/x/b → t/x/a"),
        "{e}"
    );
    let e = refused_exprs(vec![
        (at("x", "a"), Expr::Difference(at("x", "b"), at("y", "c"))),
        (at("y", "a"), typed("1")),
        (at("x", "c"), Expr::Sum(vec![0, 1].into())),
    ]);
    assert_eq!(
        e,
        "`t/x/a` is computed from `t/y/c`, which does not exist (an internal error)\n\
         there is no cell `t/y/a` (an internal error)\n\
         `t/x/c` sums row 2 of a table of 1 rows (an internal error)"
    );
}

#[test]
fn the_spreadsheet_formulas_of_differences_and_shares_compute_vplans_values() {
    let cases = [
        ("a", "1", "3"),
        ("b", "2", "3"),
        ("c", "1", "8"),
        ("d", "-1", "8"),
        ("e", "1", "0"),
        ("f", "1", "~"),
        ("g", "~", "4"),
        ("h", "~", "~"),
        ("i", "-7", "40"),
        ("j", "3", "-4"),
    ];
    let rows: Vec<(&str, &str)> = cases.iter().map(|c| (c.0, "data")).collect();
    let columns = [
        ("part", 0),
        ("whole", 0),
        ("diff", 0),
        ("p0", 0),
        ("p2", 2),
        ("eighth", 0),
    ];
    let plan = layout(&columns, &rows);
    let mut exprs = Vec::new();
    for (r, part, whole) in cases {
        for (c, v) in [("part", part), ("whole", whole)] {
            exprs.push((at(r, c), if v == "~" { Expr::Empty } else { typed(v) }));
        }
        exprs.push((
            at(r, "diff"),
            Expr::Difference(at(r, "part"), at(r, "whole")),
        ));
        for c in ["p0", "p2"] {
            exprs.push((at(r, c), Expr::Share(at(r, "part"), at(r, "whole"))));
        }
        // A period's part: `whole × 1 / 8`, rounded to the column's precision (4/8 = 0,5 → 1 and
        // −4/8 → −1: half away from zero).
        exprs.push((
            at(r, "eighth"),
            Expr::Part(at(r, "whole"), Decimal::ONE, Decimal::from(8)),
        ));
    }
    let f = Figures::from_exprs(&plan, exprs).unwrap_or_else(|e| panic!("{e:?}"));
    // vplan: a difference or share of an empty cell is empty; a share is exact.
    assert_eq!(f.get("t", "h", "diff"), None);
    assert_eq!(f.get("t", "g", "diff"), None);
    assert_eq!(f.get("t", "g", "p0"), None);
    assert_eq!(f.get("t", "e", "p0"), None);
    assert_eq!(
        f.get("t", "a", "p0").map(|v| v.round_dp(6)),
        Some(Decimal::from_str("33.333333").unwrap())
    );
    assert_eq!(f.get("t", "g", "eighth"), Some(Decimal::ONE));
    assert_eq!(f.get("t", "j", "eighth"), Some(Decimal::NEGATIVE_ONE));
    assert_eq!(f.get("t", "f", "eighth"), None);
    let (xlsx, as_text) = vplan::sheets::workbook(&plan, &f).unwrap();
    assert!(as_text.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.xlsx");
    std::fs::write(&file, &xlsx).unwrap();
    // The formulas as written (row a is the sheet's row 2; amounts start in column C): empty
    // (`""`) unless every input is given, as in vplan.
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&file).unwrap();
    use calamine::Reader;
    let formulas = book.worksheet_formula("t").unwrap();
    let formula = |r: u32, c: u32| formulas.get_value((r, c)).cloned().unwrap_or_default();
    assert_eq!(formula(1, 4), "IF(OR(C2=\"\",D2=\"\"),\"\",C2-D2)");
    assert_eq!(formula(1, 5), "IF(OR(C2=\"\",D2=\"\",D2=0),\"\",C2*100/D2)");
    assert_eq!(formula(1, 7), "IF(D2=\"\",\"\",ROUND(D2*1/8,0))");
    // LibreOffice recomputes them (when it is installed): the same values as vplan's, empty
    // where vplan's are empty, shown at the column's precision.
    let profile = dir.path().join("lo-profile");
    // A profile of its own, set to recompute every formula of an xlsx it opens.
    std::fs::create_dir_all(profile.join("user")).unwrap();
    std::fs::write(
        profile.join("user/registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
    )
    .unwrap();
    let out = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "csv", "--outdir"])
        .arg(dir.path())
        .arg(&file)
        .output();
    let csv = match out {
        Ok(o) if o.status.success() => std::fs::read_to_string(dir.path().join("t.csv")).ok(),
        _ => None,
    };
    let Some(csv) = csv else {
        println!("note: LibreOffice (soffice) could not run; the formulas were not recomputed");
        return;
    };
    for (r, _, _) in cases {
        let line = csv
            .lines()
            .find(|l| l.starts_with(&format!("{r},")))
            .unwrap_or_else(|| panic!("row {r} in {csv}"));
        // Both shown at the column's precision (LibreOffice writes the double it computed).
        let precisions = [0, 0, 2, 0];
        let lo: Vec<Option<Decimal>> = line
            .split(',')
            .skip(4)
            .zip(precisions)
            .map(|(v, precision)| {
                (!v.is_empty()).then(|| {
                    Decimal::from_str(v).unwrap().round_dp_with_strategy(
                        precision,
                        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                    )
                })
            })
            .collect();
        let vplan: Vec<Option<Decimal>> = [("diff", 0), ("p0", 0), ("p2", 2), ("eighth", 0)]
            .iter()
            .map(|(c, precision)| {
                f.get("t", r, c).map(|v| {
                    v.round_dp_with_strategy(
                        *precision,
                        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                    )
                })
            })
            .collect();
        assert_eq!(lo, vplan, "row {r}: {line}");
    }
}
