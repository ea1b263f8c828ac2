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
    std::fs::write(content.join("tables/t.yaml"), table).unwrap();
    vplan::pipeline::load_and_compute(content, &vplan::progress::Progress { quiet: true }).unwrap()
}

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
