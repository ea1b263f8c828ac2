//! Where tables break across pages (`vp-break-table` in `templates/vplan/tables.typ`): generated
//! tables set at every height of a page, in one Typst document, and where each one broke, read
//! from the layout (the rows' labels on each page).
//!
//! The rules: a table that fits on a page is never split (unless moving it would leave more than
//! a third of a page empty: `keep_with_next.rs`); a longer one breaks only where both
//! parts keep at least three body rows, never after a group heading and never before a sum row;
//! the parts after the first repeat the header with "(forts.)"; the caption stays with the first
//! part, the notes and the chart with the last.

use crate::common::typeset_house_style;
use crate::documents::{page_runs, Run, BOTTOM};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Group,
    Data,
    Sum,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Group => "group",
            Kind::Data => "data",
            Kind::Sum => "sum",
        }
    }
}

pub(crate) type Rows = Vec<(Kind, String)>;

/// `groups` groups of a heading, `data` rows and a sum, and a closing total (as a result
/// budget is built).
fn grouped_rows(groups: usize, data: usize) -> Rows {
    let mut rows = Vec::new();
    for g in 1..=groups {
        rows.push((Kind::Group, format!("G{g:02}")));
        for d in 1..=data {
            rows.push((Kind::Data, format!("D{g:02}x{d}")));
        }
        rows.push((Kind::Sum, format!("S{g:02}")));
    }
    rows.push((Kind::Sum, "S99".to_string()));
    rows
}

/// An amount table as `blocks.typ.j2` emits one, with `after` (notes, a chart) below it.
pub(crate) fn amount_table(rows: &Rows, after: &str) -> String {
    let kinds: String = rows
        .iter()
        .map(|(k, _)| format!("\"{}\", ", k.name()))
        .collect();
    let header = |caption: &str| {
        format!(
            "table.header([#vp-th[{caption}];], [#vp-th[2024];], [#vp-th[2025];], \
             table.hline(stroke: 0.5pt + vp-accent))"
        )
    };
    let mut s = format!(
        "#vp-amount-table(\n  amounts: 2,\n  titles: (\"2024\", \"2025\"),\n  groups: (),\n  \
         kinds: ({kinds}),\n  continued: {},\n",
        header("Tkr (forts.)")
    );
    if !after.is_empty() {
        s += &format!("  after: [{after}],\n");
    }
    s += &format!(
        "  columns: (1fr, auto, auto),\n  align: (left, right, right),\n  \
         table.hline(stroke: 0.8pt + vp-accent),\n  {},\n",
        header("Tkr")
    );
    for (kind, label) in rows {
        s += &match kind {
            Kind::Group => format!("  [#strong[{label}];], [], [],\n"),
            Kind::Data => format!("  [{label}], [100], [2 000],\n"),
            Kind::Sum => format!(
                "  table.hline(stroke: 0.4pt + vp-rule),\n  [#strong[{label}];], \
                 [#strong[1 000];], [#strong[12 000];],\n"
            ),
        };
    }
    s + "  table.hline(stroke: 0.8pt + vp-accent),\n)\n"
}

/// A table like the internal-control plan: a caption above, areas spanning their risks' rows,
/// each risk several lines long.
fn risk_table(areas: usize, risks: usize) -> String {
    let mut s = String::from(
        "#vp-amount-table(\n  caption: vp-table-caption[Riskplan],\n  \
         continued: table.header([#vp-th[Område (forts.)];], [#vp-th[Risk];], [#vp-th[Åtgärd];]),\n  \
         columns: (auto, 1fr, 1.3fr),\n  align: left + top,\n  stroke: 0.5pt + vp-rule,\n  \
         table.header([#vp-th[Område];], [#vp-th[Risk];], [#vp-th[Åtgärd];]),\n",
    );
    let words = "att verksamheten inte når sina mål när förutsättningarna ändras under året";
    for a in 1..=areas {
        for r in 1..=risks {
            if r == 1 {
                s += &format!("  table.cell(rowspan: {risks})[A{a}], ");
            } else {
                s += "  ";
            }
            s += &format!(
                "table.cell(breakable: false)[R{a}x{r} {words}], table.cell(breakable: false)[{words}],\n"
            );
        }
    }
    s + ")\n"
}

/// One test case: `table` set below a filler block of `filler` points at the top of a page.
pub(crate) struct Case {
    pub(crate) filler: f64,
    pub(crate) table: String,
}

/// Typesets the cases (each from the top of a page, its filler marked "Prov N") with the
/// built-in templates; the runs of text of each case's pages.
pub(crate) fn typeset(cases: &[Case]) -> Vec<Vec<Vec<Run>>> {
    let mut src = String::new();
    for (i, c) in cases.iter().enumerate() {
        src += &format!(
            "#pagebreak(weak: true)\n#block(height: {}pt, width: 100%, above: 0pt, below: 0pt)[Prov {i}]\n{}",
            c.filler, c.table
        );
    }
    let layout = typeset_house_style("table-breaks", "Brytningsprov", &src);
    // No warning: "layout did not converge" would mean the breaks were decided on a stale pass.
    assert!(
        layout.warnings.is_empty(),
        "Typst warned: {:?}",
        layout.warnings
    );
    let doc = layout.doc;
    let mut out: Vec<Vec<Vec<Run>>> = cases.iter().map(|_| Vec::new()).collect();
    let mut case = None;
    for runs in page_runs(&doc) {
        let body: Vec<Run> = runs.into_iter().filter(|r| r.body).collect();
        if let Some(i) = body.iter().find_map(|r| {
            r.text
                .strip_prefix("Prov ")
                .and_then(|n| n.parse::<usize>().ok())
        }) {
            case = Some(i);
        }
        out[case.expect("the first page starts a case")].push(body);
    }
    out
}

/// Where each row of `rows` stands: (page of the case, baseline).
pub(crate) fn placed(rows: &Rows, pages: &[Vec<Run>], case: usize) -> Vec<(usize, f64)> {
    rows.iter()
        .map(|(_, label)| {
            let found: Vec<(usize, f64)> = pages
                .iter()
                .enumerate()
                .flat_map(|(p, runs)| {
                    runs.iter()
                        .filter(|r| r.text.trim() == label)
                        .map(move |r| (p, r.y1))
                })
                .collect();
            assert_eq!(found.len(), 1, "case {case}: row {label} found {found:?}");
            found[0]
        })
        .collect()
}

pub(crate) fn has_text(runs: &[Run], text: &str) -> bool {
    runs.iter().any(|r| r.text.contains(text))
}

/// Whether a table of `kinds` may break before row `k` with its part starting at row `s`.
fn allowed(kinds: &[Kind], s: usize, k: usize) -> bool {
    let body = |a: usize, b: usize| kinds[a..b].iter().filter(|k| **k != Kind::Group).count();
    kinds[k - 1] != Kind::Group
        && kinds[k] != Kind::Sum
        && body(s, k) >= 3
        && body(k, kinds.len()) >= 3
}

/// How far a row reaches below its label's baseline (descender and cell padding) and the
/// table's closing rule, in points; and the leeway `vp-break-table` keeps at the page foot.
const ROW_FOOT: f64 = 6.0 + 0.8;
const LEEWAY: f64 = 2.0;

#[test]
fn long_tables_break_where_a_typesetter_would() {
    let rows = grouped_rows(9, 5);
    let kinds: Vec<Kind> = rows.iter().map(|r| r.0).collect();
    // The filler sweeps the table's start over more than one group (7 rows) in steps of about
    // a third of a row, so that the page foot falls at every kind of row; and down to where not even
    // the first rows fit (the table starts on the next page).
    let mut fillers: Vec<f64> = (0..24).map(|i| f64::from(i) * 6.0).collect();
    fillers.extend([560.0, 610.0, 625.0]);
    let cases: Vec<Case> = fillers
        .iter()
        .map(|&filler| Case {
            filler,
            table: amount_table(&rows, ""),
        })
        .collect();
    let pages = typeset(&cases);
    let mut interventions = std::collections::BTreeSet::new();
    for (case, pages) in pages.iter().enumerate() {
        let at = placed(&rows, pages, case);
        // Parts: the rows on each page, in order.
        let mut starts = vec![0];
        for k in 1..rows.len() {
            assert!(at[k].0 >= at[k - 1].0, "case {case}: rows out of order");
            if at[k].0 != at[k - 1].0 {
                assert_eq!(at[k].0, at[k - 1].0 + 1, "case {case}: a page without rows");
                starts.push(k);
            }
        }
        assert!(
            starts.len() >= 2,
            "case {case}: the long table did not break"
        );
        for (p, &k) in starts.iter().enumerate().skip(1) {
            let s = starts[p - 1];
            let (label_before, label_after) = (&rows[k - 1].1, &rows[k].1);
            assert!(
                allowed(&kinds, s, k),
                "case {case}: breaks between {label_before} and {label_after} (part from {})",
                rows[s].1
            );
            let page = at[k].0;
            assert!(
                has_text(&pages[page], "(forts.)"),
                "case {case}: page {page} continues the table without \"(forts.)\""
            );
            // Not broken earlier than needed: the next break the rules allow would not have
            // fitted on the page.
            let pitch = at[k - 1].1 - at[k - 2].1;
            assert!(
                pitch > 10.0 && pitch < 25.0,
                "case {case}: row pitch {pitch}"
            );
            let next = (k + 1..rows.len()).find(|&j| allowed(&kinds, s, j));
            if let Some(next) = next {
                let foot = at[k - 1].1 + (next - k) as f64 * pitch + ROW_FOOT;
                assert!(
                    foot > BOTTOM - LEEWAY - 4.0,
                    "case {case}: broke before {label_after}, but rows up to {} would have \
                     fitted (their foot at {foot:.1}, the page's at {BOTTOM:.1})",
                    rows[next - 1].1
                );
            }
            // Where the page foot fell: if the rules moved the break up, say why.
            let fits = ((BOTTOM - LEEWAY - (at[k - 1].1 + ROW_FOOT)) / pitch).floor() as usize;
            let natural = (k + fits).min(rows.len() - 1);
            if natural > k {
                let why = if kinds[natural - 1] == Kind::Group {
                    "after a group heading"
                } else if kinds[natural] == Kind::Sum {
                    "before a sum"
                } else {
                    "fewer than three rows"
                };
                interventions.insert(why);
            }
        }
        let first_page_has_rows = at[0].0 == 0;
        if !first_page_has_rows {
            assert!(
                fillers[case] > 500.0,
                "case {case}: moved to the next page below a filler of {} pt only",
                fillers[case]
            );
        }
        assert!(
            has_text(&pages[at[0].0], "Tkr") && !has_text(&pages[at[0].0], "(forts.)"),
            "case {case}: the first part's header"
        );
    }
    for why in ["after a group heading", "before a sum"] {
        assert!(
            interventions.contains(why),
            "no case where the page foot fell {why}: the sweep does not test that rule \
             ({interventions:?})"
        );
    }
}

#[test]
fn a_table_that_fits_on_a_page_is_never_split() {
    // The made-up plan's result budget: 14 rows, three of them sums at the end.
    let kinds = [
        Kind::Group,
        Kind::Data,
        Kind::Data,
        Kind::Sum,
        Kind::Group,
        Kind::Data,
        Kind::Data,
        Kind::Data,
        Kind::Data,
        Kind::Sum,
        Kind::Sum,
        Kind::Data,
        Kind::Data,
        Kind::Sum,
    ];
    let rows: Rows = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| (*k, format!("R{i:02}")))
        .collect();
    let fillers: Vec<f64> = (0..34).map(|i| f64::from(i) * 19.0).collect();
    let cases: Vec<Case> = fillers
        .iter()
        .map(|&filler| Case {
            filler,
            table: amount_table(&rows, "#vp-table-note[Not under tabellen.]"),
        })
        .collect();
    let pages = typeset(&cases);
    let mut moved = 0;
    for (case, pages) in pages.iter().enumerate() {
        let at = placed(&rows, pages, case);
        let page = at[0].0;
        assert!(
            at.iter().all(|(p, _)| *p == page),
            "case {case} (filler {} pt): split {at:?}",
            fillers[case]
        );
        assert!(
            has_text(&pages[page], "Not under tabellen."),
            "case {case}: the note left its table"
        );
        if page > 0 {
            moved += 1;
            assert!(
                !has_text(&pages[0], "Tkr"),
                "case {case}: the header stayed behind"
            );
        }
    }
    assert!(
        moved > 3 && moved < fillers.len() - 10,
        "{moved} of {} cases moved the table to the next page",
        fillers.len()
    );
}

#[test]
fn a_chart_and_the_notes_stay_with_the_end_of_their_table() {
    let rows = grouped_rows(9, 5);
    let after = "#vp-table-note[Not under tabellen.]\n\
                 #vp-bar-chart(title: [Diagram till tabellen], alt: \"Diagram\", \
                 bars: (([A], 0.5, [1]), ([B], 1.0, [2]), ([C], 0.25, [3])))";
    let cases: Vec<Case> = (0..12)
        .map(|i| Case {
            filler: f64::from(i) * 40.0,
            table: amount_table(&rows, after),
        })
        .collect();
    let pages = typeset(&cases);
    for (case, pages) in pages.iter().enumerate() {
        let at = placed(&rows, pages, case);
        let last = at.last().unwrap().0;
        for text in ["Not under tabellen.", "Diagram till tabellen"] {
            assert!(
                has_text(&pages[last], text),
                "case {case}: {text:?} is not on the page where the table ends"
            );
        }
    }
}

#[test]
fn a_long_table_with_spanning_cells_keeps_its_caption_and_carries_the_span_over() {
    let cases: Vec<Case> = (0..6)
        .map(|i| Case {
            filler: f64::from(i) * 90.0,
            table: risk_table(3, 7),
        })
        .collect();
    let pages = typeset(&cases);
    for (case, pages) in pages.iter().enumerate() {
        let labels: Vec<(Kind, String)> = (1..=3)
            .flat_map(|a| (1..=7).map(move |r| (Kind::Data, format!("R{a}x{r}"))))
            .collect();
        let risks: Vec<(usize, usize, f64)> = labels
            .iter()
            .map(|(_, l)| {
                let (p, y) = pages
                    .iter()
                    .enumerate()
                    .find_map(|(p, runs)| {
                        runs.iter()
                            .find(|r| r.text.starts_with(&format!("{l} ")))
                            .map(|r| (p, r.y1))
                    })
                    .unwrap_or_else(|| panic!("case {case}: risk {l} is missing"));
                (l[1..2].parse().unwrap(), p, y)
            })
            .collect();
        assert!(
            risks
                .windows(2)
                .all(|w| (w[0].1, w[0].2) < (w[1].1, w[1].2)),
            "case {case}: risks out of order {risks:?}"
        );
        let first = risks[0].1;
        assert!(
            has_text(&pages[first], "Riskplan"),
            "case {case}: the caption is not on the page where the table starts"
        );
        // Every page with an area's risks names the area.
        for &(area, page, _) in &risks {
            assert!(
                pages[page]
                    .iter()
                    .any(|r| r.text.trim() == format!("A{area}")),
                "case {case}: page {page} holds risks of area A{area} without naming it"
            );
            if page > first {
                assert!(
                    has_text(&pages[page], "(forts.)"),
                    "case {case}: page {page} without \"(forts.)\""
                );
            }
        }
        assert!(
            risks.iter().any(|r| r.1 > first),
            "case {case}: the table did not break"
        );
    }
}

/// Rows the rules cannot serve (only group headings, only sums): the table still fills its
/// pages, a page of rows at a time, instead of a row a page.
#[test]
fn rows_no_rule_can_serve_still_fill_their_pages() {
    let headings: Rows = (0..90).map(|i| (Kind::Group, format!("H{i:02}"))).collect();
    let sums: Rows = (0..90).map(|i| (Kind::Sum, format!("T{i:02}"))).collect();
    let cases = [
        Case {
            filler: 100.0,
            table: amount_table(&headings, ""),
        },
        Case {
            filler: 100.0,
            table: amount_table(&sums, ""),
        },
    ];
    let pages = typeset(&cases);
    for (case, rows) in [&headings, &sums].into_iter().enumerate() {
        let at = placed(rows, &pages[case], case);
        let last = at.last().unwrap().0;
        assert!(last <= 2, "case {case}: 90 rows over {} pages", last + 1);
    }
}
