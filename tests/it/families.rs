//! Column families (issue 15): amount tables read together share one column-width scheme.
//! Measured in the default plan's layout (Typst's frames, the pages the PDF is written from):
//! the year columns of the Handlingsplan's summary and area
//! tables, and the amount column of the three Bilaga 1 tables, end at the same x on every
//! page; neighbouring figures stand at least the family gap apart.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;
use crate::documents::{
    assert_no_faults, default_content, faults_of_all_documents, page_runs, Run,
};

/// The least gap between neighbouring figures of a family (`vp-family-gap`, 2 em at the
/// tables' 9 pt), less a rounding allowance.
const MIN_GAP: f64 = 18.0 - 0.1;

/// The lines of the page bodies of the plan's layout (Typst's frames, as
/// [`crate::documents::page_runs`] reads them): per line (same baseline), its runs of text from
/// left to right.
fn lines_of(content: &Path) -> Vec<Vec<Run>> {
    let layouts = crate::common::layouts_of(content, false, Some(vplan::typeset::Standard::None));
    assert_eq!(layouts.len(), 1);
    let mut lines = Vec::new();
    for page in page_runs(&layouts[0].doc) {
        let mut by_line: BTreeMap<i64, Vec<Run>> = BTreeMap::new();
        for run in page.into_iter().filter(|r| r.body) {
            by_line
                .entry((run.y1 * 10.0).round() as i64)
                .or_default()
                .push(run);
        }
        for mut line in by_line.into_values() {
            line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            lines.push(line);
        }
    }
    lines
}

/// The runs after the label of a line that begins with `label`.
fn figures_of<'l>(line: &'l [Run], label: &str) -> Option<&'l [Run]> {
    (line.first()?.text == label).then(|| &line[1..])
}

/// The figures of the Handlingsplan's eight `Totalsumma` rows (four each), checked to stand
/// at the same x column by column.
fn aligned_totals(lines: &[Vec<Run>]) -> Vec<&[Run]> {
    let totals: Vec<&[Run]> = lines
        .iter()
        .filter_map(|l| figures_of(l, "Totalsumma"))
        .collect();
    assert_eq!(totals.len(), 8, "Totalsumma rows of the Handlingsplan");
    for t in &totals {
        assert_eq!(t.len(), 4, "four figures in a Totalsumma row: {t:?}");
    }
    for k in 0..4 {
        let edges: Vec<f64> = totals.iter().map(|t| t[k].x1).collect();
        eprintln!("Handlingsplan column {}: right edges {edges:.2?}", k + 1);
        assert_same(&format!("Handlingsplan column {}", k + 1), &edges);
    }
    totals
}

fn assert_same(what: &str, xs: &[f64]) {
    let (lo, hi) = xs
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    assert!(
        hi - lo <= 0.1,
        "{what}: right edges differ by {:.2} pt: {xs:?}",
        hi - lo
    );
}

#[test]
fn families_share_their_column_edges_and_keep_the_gap() {
    let lines = lines_of(&root().join("content"));

    // The Handlingsplan: the summary and the seven area tables each end in a `Totalsumma` row
    // with all four columns filled.
    aligned_totals(&lines);
    // Every row of the Handlingsplan's tables: neighbouring figures at least the gap apart.
    let labels = [
        "Intäkter",
        "Personalkostnadsreduceringar",
        "Övriga kostnadsreduceringar",
        "Totalsumma",
    ];
    let mut rows = 0;
    for line in &lines {
        let Some(figures) = labels.iter().find_map(|l| figures_of(line, l)) else {
            continue;
        };
        // (The chart's legend repeats the labels, without figures.)
        let figure = |r: &Run| {
            !r.text.is_empty()
                && r.text
                    .chars()
                    .all(|c| c.is_ascii_digit() || " ,−\u{a0}\u{202f}".contains(c))
        };
        if figures.is_empty() || !figures.iter().all(figure) {
            continue;
        }
        rows += 1;
        for w in figures.windows(2) {
            let gap = w[1].x0 - w[0].x1;
            assert!(
                gap >= MIN_GAP,
                "{} and {} stand {gap:.2} pt apart, less than the family gap",
                w[0].text,
                w[1].text
            );
        }
    }
    // 8 tables of 4 rows, less the 4 rows without any figure.
    assert_eq!(rows, 28, "rows of the Handlingsplan's tables with figures");

    // Bilaga 1: the three tables' amount column and its header.
    let sums: Vec<f64> = lines
        .iter()
        .filter(|l| {
            l.first().is_some_and(|t| {
                t.text.starts_with("Summa") && t.text.ends_with("investeringar 2024")
            })
        })
        .map(|l| l.last().unwrap().x1)
        .collect();
    assert_eq!(sums.len(), 3, "the Bilaga 1 sum rows");
    assert_same("Bilaga 1 amount column", &sums);
    let headers: Vec<f64> = lines
        .iter()
        .flatten()
        .filter(|t| t.text == "Belopp, mnkr")
        .map(|t| t.x1)
        .collect();
    assert_eq!(headers.len(), 3, "the Bilaga 1 amount headers");
    assert_same("Bilaga 1 header", &headers);
}

/// Each amount table of the plan in `content`, by content file, and whether the generated
/// Typst source gives it the figures of a family (`family:`).
fn in_family(content: &Path) -> BTreeMap<String, bool> {
    use vplan::pipeline;
    let checked = pipeline::load(content, &Default::default(), &vplan::progress::Silent).unwrap();
    let ts = pipeline::Typesetter::new(&vplan::render::Templates::built_in()).unwrap();
    let source = pipeline::documents::typst_source(
        checked.subject(),
        &ts,
        vplan::render::view::Scope::Whole,
    )
    .unwrap();
    let mut in_family = BTreeMap::new();
    let mut file = String::new();
    let mut table = false;
    for line in source.lines() {
        if let Some(at) = line.strip_prefix("// @content ") {
            file = at.split_whitespace().last().unwrap().to_string();
        } else if line == "// @template blocks.typ.j2: amount_table" {
            table = true;
            in_family.insert(file.clone(), false);
        } else if table && line.starts_with("  family: (") {
            in_family.insert(file.clone(), true);
        } else if line.starts_with("  columns:") {
            table = false;
        }
    }
    in_family
}

/// Which tables of the default plan form families, read off the generated Typst source: the
/// Handlingsplan's eight tables, the three Bilaga 1 tables and the three tables of chapter 6
/// with the columns Budget 2024, Prognos 2023, Budget 2023; the driftbudget (column groups)
/// stands alone and is typeset as before (no `family:`).
#[test]
fn families_of_the_default_plan() {
    let in_family = in_family(&root().join("content"));
    let families: Vec<&str> = in_family
        .iter()
        .filter(|(_, &f)| f)
        .map(|(f, _)| f.as_str())
        .collect();
    let alone: Vec<&str> = in_family
        .iter()
        .filter(|(_, &f)| !f)
        .map(|(f, _)| f.as_str())
        .collect();
    assert_eq!(alone, ["tables/6-4-driftbudget.yaml"], "{in_family:?}");
    assert_eq!(families.len(), 14, "{families:?}");
    for f in families {
        assert!(
            f.starts_with("tables/handlingsplan/")
                || f.starts_with("tables/bilaga-1/")
                || [
                    "tables/6-2-nyckeltal.yaml",
                    "tables/6-3-resultatbudget.yaml",
                    "tables/6-5-investeringsbudget.yaml"
                ]
                .contains(&f),
            "{f} is in a family"
        );
    }
}

/// When the family's widest figures leave no room for the full gap, the family keeps one
/// scheme with a smaller gap (never less than the ordinary padding); when even that does not
/// fit, every table of the family shrinks the same way. Nothing overlaps or leaves the page.
#[test]
fn a_family_too_wide_for_the_gap_falls_back_and_stays_aligned() {
    // 999 999 999 leaves room for a gap of about 10 pt; with 99 999 999 999 999 the headers
    // wrap, but as a header's words are never hyphenated ("årsarbetare" is set whole) the
    // cells take half the padding; 999 999 999 999 999 makes the tables shrink (smaller type,
    // half the padding).
    for (figure, least_gap) in [
        ("999999999", 10.0),
        ("99999999999999", 4.0),
        ("999999999999999", 4.0),
    ] {
        let s = default_content();
        s.edit(
            "tables/handlingsplan/1-stab-och-kansli.yaml",
            "values: [964, 964, 964, ~]",
            &format!("values: [{figure}, {figure}, {figure}, ~]"),
        );
        let lines = lines_of(&s.content());
        let totals = aligned_totals(&lines);
        let gaps: Vec<f64> = totals
            .iter()
            .flat_map(|t| t.windows(2).map(|w| w[1].x0 - w[0].x1))
            .collect();
        let least = gaps.iter().copied().fold(f64::MAX, f64::min);
        eprintln!("{figure}: least gap {least:.2} pt");
        assert!(
            least >= least_gap && least < MIN_GAP,
            "{figure}: least gap {least:.2} pt"
        );
        let (faults, _) = faults_of_all_documents(&s.content());
        assert_no_faults(&faults);
    }
}

/// A `sum_of` summary joins the family of the tables it sums wherever it stands: moved into
/// chapter 6 (whose tables have other columns), it still shares their scheme; a table of the
/// same columns in another part (Bilaga 1), summing nothing, stays alone.
#[test]
fn a_summary_elsewhere_stays_in_the_family_of_its_tables() {
    let s = default_content();
    s.edit(
        "appendices/02-bilaga-2-handlingsplan.yaml",
        "              - table: handlingsplan-summering\n",
        "",
    );
    s.edit(
        "chapters/06-budget.yaml",
        "        - table: resultatbudget\n",
        "        - table: resultatbudget\n        - table: handlingsplan-summering\n",
    );
    s.edit(
        "appendices/01-bilaga-1-investeringar.yaml",
        "        - table: bilaga-1-it\n",
        "        - table: bilaga-1-it\n        - table: kopia\n",
    );
    let area = std::fs::read_to_string(
        s.content()
            .join("tables/handlingsplan/1-stab-och-kansli.yaml"),
    )
    .unwrap();
    s.write(
        "tables/kopia.yaml",
        area.replace("id: handlingsplan-stab-och-kansli", "id: kopia"),
    );
    let families = in_family(&s.content());
    assert_eq!(
        families.get("tables/handlingsplan/0-summering.yaml"),
        Some(&true),
        "{families:?}"
    );
    assert_eq!(
        families.get("tables/kopia.yaml"),
        Some(&false),
        "{families:?}"
    );
}

/// A 15-digit amount made of one digit (`d d d …`, grouped as `numfmt` groups), so that the
/// column of every run of text in the layout is read off its digits.
fn digits_amount(d: u32, negative: bool) -> String {
    let digit = char::from_digit(d % 10, 10).unwrap();
    let groups: Vec<String> = (0..5).map(|_| digit.to_string().repeat(3)).collect();
    format!(
        "{}{}",
        if negative { "−" } else { "" },
        groups.join("\u{a0}")
    )
}

/// An amount table as `blocks.typ.j2` emits one: a label column and `n` amount columns of
/// 15-digit amounts (column `k` written with the digit `k`), in a family or alone.
fn wide_table(n: u32, text_columns: u32, family: bool) -> String {
    let title = |k: u32| format!("Kolumn {}", char::from(b'A' + k as u8 - 1));
    let titles: String = (1..=n).map(|k| format!("\"{}\", ", title(k))).collect();
    let header: String = (1..=n)
        .map(|k| format!("[#vp-th[{}];], ", title(k)))
        .collect();
    let texts = "[#vp-th[Text];], ".repeat(text_columns as usize);
    let cell = |k: u32, neg: bool| format!("[{}], ", digits_amount(k, neg));
    let mut s = format!(
        "#vp-amount-table(\n  amounts: {n},\n  titles: ({titles}),\n  groups: (),\n  \
         kinds: (\"data\", \"data\", \"sum\"),\n  continued: table.header([#vp-th[Tkr (forts.)];], {texts}{header}),\n"
    );
    if family {
        let col: String = (1..=n)
            .map(|k| format!("({}{}), ", cell(k, false), cell(k, true)))
            .collect();
        s += &format!("  family: ({col}),\n");
    }
    s += &format!(
        "  columns: (1fr, {}{}),\n  align: (left, {}{}),\n  table.header([#vp-th[Tkr];], {texts}{header}),\n",
        "1.3fr, ".repeat(text_columns as usize),
        "auto, ".repeat(n as usize),
        "left, ".repeat(text_columns as usize),
        "right, ".repeat(n as usize),
    );
    for (label, neg) in [("Intäkter", false), ("Kostnader", true), ("Summa", true)] {
        let texts = "[ord], ".repeat(text_columns as usize);
        let cells: String = (1..=n).map(|k| cell(k, neg)).collect();
        s += &format!("  [{label}], {texts}{cells}\n");
    }
    s + ")\n"
}

/// Two neighbouring 15-digit amounts wrapped so that they read as one number: at the widths
/// the fitting steps of `vp-fit-amounts` choose for many wide columns, a cell's figure ran
/// into its neighbour's. Every table from 2 to 9 such columns (alone, in a family, beside a
/// text column) is laid out; on every line, the figures of neighbouring columns stand apart by
/// at least `MIN_AMOUNT_GAP`, and no figure's text holds two columns' digits.
#[test]
fn neighbouring_amounts_keep_a_visible_gap_at_every_width() {
    /// The least gap between the figures of neighbouring cells: far more than the no-break
    /// space that separates a figure's digit groups (about 1.75 pt at the smallest 7 pt).
    const MIN_AMOUNT_GAP: f64 = 4.0;
    let mut cases = Vec::new();
    for n in 2..=16 {
        for (text_columns, family) in [(0, false), (0, true), (1, false), (2, true)] {
            cases.push((n, text_columns, family));
        }
    }
    let mut src = String::new();
    for (i, &(n, t, f)) in cases.iter().enumerate() {
        src += &format!(
            "#pagebreak(weak: true)\nProv {i}\n\n{}",
            wide_table(n, t, f)
        );
    }
    let layout = typeset_house_style("amount-gaps", "Beloppsprov", &src);
    // Nothing leaves the text area or covers other text (labels and text columns included).
    let mut faults = crate::documents::layout_faults("amount-gaps", &layout.doc);
    let mut measured = 0;
    let mut narrowest = f64::MAX;
    let mut case = None;
    for page in page_runs(&layout.doc) {
        let mut by_line: BTreeMap<i64, Vec<&Run>> = BTreeMap::new();
        for run in page.iter().filter(|r| r.body) {
            if let Some(i) = run
                .text
                .strip_prefix("Prov ")
                .and_then(|n| n.parse::<usize>().ok())
            {
                case = Some(cases[i]);
            }
            by_line
                .entry((run.y1 * 10.0).round() as i64)
                .or_default()
                .push(run);
        }
        let case = case.expect("a case on every page");
        for mut line in by_line.into_values() {
            line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            // The runs of figures: (their column, the run).
            let figures: Vec<(char, &Run)> = line
                .iter()
                .filter(|r| {
                    r.text
                        .chars()
                        .all(|c| c.is_ascii_digit() || " −\u{a0}".contains(c))
                        && r.text.chars().any(|c| c.is_ascii_digit())
                })
                .map(|r| {
                    let mut digits: Vec<char> =
                        r.text.chars().filter(char::is_ascii_digit).collect();
                    digits.dedup();
                    if digits.len() > 1 {
                        faults.push(format!("{case:?}: one run holds two columns: {:?}", r.text));
                    }
                    (digits[0], *r)
                })
                .collect();
            for w in figures.windows(2) {
                let ((a, ra), (b, rb)) = (w[0], w[1]);
                if a == b {
                    continue; // one figure in pieces
                }
                let gap = rb.x0 - ra.x1;
                measured += 1;
                narrowest = narrowest.min(gap);
                if gap < MIN_AMOUNT_GAP {
                    faults.push(format!(
                        "{case:?}: {:?} and {:?} stand {gap:.2} pt apart",
                        ra.text, rb.text
                    ));
                }
            }
        }
    }
    eprintln!("{measured} neighbouring figures measured, the narrowest gap {narrowest:.2} pt");
    assert!(
        measured > 300,
        "only {measured} pairs of neighbouring figures"
    );
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}
