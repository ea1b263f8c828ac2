//! Headings stay with what they head, and keeping a block whole leaves no large hole
//! (the house style's `templates/vplan/page.typ`: the heading show rule; `vplan/tables.typ`:
//! `vp-lead-in`, `vp-amount-table`, `vp-break-table`). Like `table_breaks.rs`: generated documents through the real templates,
//! a filler block of another height before each case, and where everything went read from
//! Typst's layout.
//!
//! The rules:
//! - a heading never ends a page: it moves with at least two lines of the text it heads, with
//!   the table or the chart it heads, and a heading with a short lead-in (at most three lines)
//!   moves with the table the lead-in introduces;
//! - a block kept whole (a table that fits on a page, a table with its chart) that would leave
//!   more than a third of a page empty above it breaks instead: the table by the table-break
//!   rules, or its chart goes to the next page on its own.

use crate::documents::{Run, BOTTOM, TOP};
use crate::table_breaks::{amount_table, has_text, typeset, Case, Kind, Rows};

/// The height of the text area of a page, in points.
const BODY: f64 = BOTTOM - TOP;

/// Text of about `lines` lines of the text width.
fn words(lines: usize) -> String {
    "Verksamheten utvecklar arbetet vidare under året med stöd av de beslut som fattats. "
        .repeat(lines * 6 / 5)
}

/// A heading as `blocks.typ.j2` emits a section's.
fn heading(title: &str) -> String {
    format!("#vp-heading(level: 2, numbered: true, outlined: true, italic: false)[{title}]\n")
}

/// A table that fits on a page: the made-up plan's result budget, 14 rows.
fn budget_rows(prefix: &str) -> Rows {
    use Kind::*;
    [
        Group, Data, Data, Sum, Group, Data, Data, Data, Data, Sum, Sum, Data, Data, Sum,
    ]
    .iter()
    .enumerate()
    .map(|(i, k)| (*k, format!("{prefix}{i:02}")))
    .collect()
}

/// A summary table: three rows and a sum (a table the rules cannot break).
fn summary_rows() -> Rows {
    vec![
        (Kind::Data, "Intäkter".into()),
        (Kind::Data, "Personal".into()),
        (Kind::Data, "Övrigt".into()),
        (Kind::Sum, "Totalsumma".into()),
    ]
}

/// A chart as `blocks.typ.j2` emits one below its table, titled `title`.
fn chart(title: &str) -> String {
    format!(
        "#vp-stacked-chart(title: [{title}], alt: \"Diagram\", series: ([A], [B]), bars: (\
         ([Ettan], 0.6, [1 000], ((0.3, [1]), (0.3, [2]))), ([Tvåan], 0.8, [2 000], ((0.4, [1]), (0.4, [2]))), \
         ([Trean], 1.0, [3 000], ((0.5, [1]), (0.5, [2])))))"
    )
}

/// The runs of `pages` with `text`: (page, top, bottom) of each.
fn find(pages: &[Vec<Run>], text: &str) -> Vec<(usize, f64, f64)> {
    pages
        .iter()
        .enumerate()
        .flat_map(|(p, runs)| {
            runs.iter()
                .filter(|r| r.text.contains(text))
                .map(move |r| (p, r.y0, r.y1))
        })
        .collect()
}

fn first(pages: &[Vec<Run>], text: &str, case: usize) -> (usize, f64, f64) {
    *find(pages, text)
        .first()
        .unwrap_or_else(|| panic!("case {case}: {text:?} is missing"))
}

/// The filler heights: the heading's place sweeps the last 190 pt of a page in steps of less
/// than a line, so that the foot falls after the heading, after every line of a lead-in and
/// inside the table or chart.
fn fillers() -> Vec<f64> {
    (0..40).map(|i| 500.0 + f64::from(i) * 4.8).collect()
}

#[test]
fn a_heading_never_ends_a_page() {
    let fillers = fillers();
    let followers: Vec<(&str, String)> = vec![
        ("text", words(6)),
        (
            "lead-in and table",
            format!(
                "#vp-lead-in[{}]\n{}",
                words(2),
                amount_table(&summary_rows(), "")
            ),
        ),
        ("table", amount_table(&summary_rows(), "")),
        (
            "chart",
            "#vp-bar-chart(title: [Diagramrubrik], alt: \"Diagram\", \
             bars: (([A], 0.5, [1]), ([B], 1.0, [2])))\n"
                .to_string(),
        ),
    ];
    let mut cases = Vec::new();
    for (_, follower) in &followers {
        for &filler in &fillers {
            cases.push(Case {
                filler,
                table: format!("{}{follower}\n", heading("Rubrik")),
            });
        }
    }
    let pages = typeset(&cases);
    let mut moved = std::collections::BTreeMap::new();
    // Every case that fails, so that one run tells which followers break the rule.
    let mut faults = Vec::new();
    for (case, pages) in pages.iter().enumerate() {
        let (kind, _) = &followers[case / fillers.len()];
        let filler = fillers[case % fillers.len()];
        let (hp, _, hy) = first(pages, "Rubrik", case);
        let what = format!("case {case} ({kind}, filler {filler} pt)");
        // What follows the heading on its page.
        let below: Vec<&Run> = pages[hp].iter().filter(|r| r.y0 > hy).collect();
        match *kind {
            "text" => {
                let mut lines: Vec<i64> = below.iter().map(|r| r.y1.round() as i64).collect();
                lines.dedup();
                if lines.len() < 2 {
                    faults.push(format!(
                        "{what}: the heading ends page {hp} with {} line(s) of its text",
                        lines.len()
                    ));
                }
            }
            "lead-in and table" | "table" => {
                let (tp, _, _) = first(pages, "Intäkter", case);
                if tp != hp {
                    faults.push(format!(
                        "{what}: the heading is on page {hp}, its table starts on page {tp}"
                    ));
                }
                if *kind == "lead-in and table" {
                    let (lp, _, _) = first(pages, "Verksamheten", case);
                    if lp != tp {
                        faults.push(format!(
                            "{what}: the lead-in is on page {lp}, its table on page {tp}"
                        ));
                    }
                }
            }
            _ => {
                let (cp, _, _) = first(pages, "Diagramrubrik", case);
                if cp != hp {
                    faults.push(format!(
                        "{what}: the heading is on page {hp}, its chart on page {cp}"
                    ));
                }
            }
        }
        if hp > 0 {
            *moved.entry(*kind).or_insert(0) += 1;
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
    // The sweep reaches the foot: for each kind, some headings moved to the next page.
    for (kind, _) in &followers {
        let n = moved.get(kind).copied().unwrap_or(0);
        assert!(
            n > 0 && n < fillers.len(),
            "{kind}: {n} of {} headings moved: the sweep misses the page foot",
            fillers.len()
        );
    }
}

/// The empty height at the foot of the first page of a case that goes on to the next: below
/// the lowest text of the page or the filler, whichever is lower.
fn hole(pages: &[Vec<Run>], filler: f64) -> Option<f64> {
    if pages.len() < 2 {
        return None;
    }
    let lowest = pages[0].iter().map(|r| r.y1).fold(TOP + filler, f64::max);
    Some(BOTTOM - lowest)
}

#[test]
fn keeping_a_block_whole_leaves_no_large_hole() {
    let fillers: Vec<f64> = (0..30).map(|i| 150.0 + f64::from(i) * 17.0).collect();
    let blocks = [
        // The summary table and its chart (Bilaga 2): the rules cannot break the table.
        (
            "summary with chart",
            format!(
                "{}#vp-lead-in[Samtliga åtgärder per år.]\n{}",
                heading("Summering"),
                amount_table(&summary_rows(), &chart("Diagramrubrik"))
                    .replace("  after: [#vp-stacked", "  chart: [#vp-stacked")
            ),
        ),
        // A table that fits on a page with its chart.
        (
            "table with chart",
            format!(
                "{}{}",
                heading("Budget"),
                amount_table(&budget_rows("R"), &chart("Diagramrubrik"))
                    .replace("  after: [#vp-stacked", "  chart: [#vp-stacked")
            ),
        ),
        // A table that fits on a page, alone.
        (
            "table",
            format!(
                "{}{}",
                heading("Budget"),
                amount_table(&budget_rows("R"), "")
            ),
        ),
    ];
    let mut cases = Vec::new();
    for (_, block) in &blocks {
        for &filler in &fillers {
            cases.push(Case {
                filler,
                table: block.clone(),
            });
        }
    }
    let pages = typeset(&cases);
    let mut holes = 0;
    for (case, pages) in pages.iter().enumerate() {
        let (kind, _) = blocks[case / fillers.len()];
        let filler = fillers[case % fillers.len()];
        let what = format!("case {case} ({kind}, filler {filler} pt)");
        let Some(empty) = hole(pages, filler) else {
            continue;
        };
        holes += 1;
        assert!(
            empty <= BODY / 3.0,
            "{what}: {empty:.0} pt ({:.0} %) of the page left empty",
            empty / BODY * 100.0
        );
        // Whatever broke, the heading stayed with its table, and a chart is whole on one page.
        let (title, row) = if kind.starts_with("summary") {
            ("Summering", "Intäkter")
        } else {
            ("Budget", "R00")
        };
        let (hp, _, _) = first(pages, title, case);
        assert_eq!(
            first(pages, row, case).0,
            hp,
            "{what}: heading left its table"
        );
        if kind.contains("chart") {
            let (cp, _, _) = first(pages, "Diagramrubrik", case);
            assert!(
                has_text(&pages[cp], "Ettan") && has_text(&pages[cp], "Trean"),
                "{what}: the chart is split"
            );
        }
    }
    assert!(holes > 10, "only {holes} cases reach the next page");
}

/// Text of long compound words, justified: Typst hyphenates many of its lines. With `shy`,
/// soft hyphens typed between the parts of each compound, as an author may.
fn compounds(lines: usize, shy: bool) -> String {
    let text = "Verksamhetsutvecklingsarbetet säkerställer kompetensförsörjningsplaneringen, \
                ekonomiadministrationsprocesserna, upphandlingssamordningsfunktionen, \
                informationssäkerhetsarbetet och lokalförsörjningsplaneringen. ";
    let text = if shy {
        text.replace("hets", "hets\u{ad}")
            .replace("rings", "rings\u{ad}")
            .replace("tions", "tions\u{ad}")
            .replace("lings", "lings\u{ad}")
    } else {
        text.to_string()
    };
    text.repeat(lines * 2 / 3 + 1)
}

#[test]
fn a_page_never_ends_in_a_hyphenated_word() {
    // Fillers that put the page break at every line of the paragraph, with hyphenation points
    // Typst finds and with soft hyphens typed.
    let fillers: Vec<f64> = (0..36).map(|i| 520.0 + f64::from(i) * 4.0).collect();
    let mut cases = Vec::new();
    for shy in [false, true] {
        for &filler in &fillers {
            cases.push(Case {
                filler,
                table: format!("{}\n", compounds(14, shy)),
            });
        }
    }
    // The words of the text: a page's last word must be one of them, whole.
    let words: std::collections::BTreeSet<String> = compounds(1, false)
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let pages = typeset(&cases);
    let mut hyphens = 0;
    let mut breaks = 0;
    for (case, pages) in pages.iter().enumerate() {
        let what = format!(
            "case {case} (filler {} pt{})",
            fillers[case % fillers.len()],
            if case >= fillers.len() {
                ", soft hyphens typed"
            } else {
                ""
            }
        );
        hyphens += pages
            .iter()
            .flatten()
            .filter(|r| r.text == "\u{ad}")
            .count();
        for (p, runs) in pages.iter().enumerate().take(pages.len().saturating_sub(1)) {
            breaks += 1;
            let last = runs.iter().map(|r| r.y1).fold(f64::NEG_INFINITY, f64::max);
            let mut line: Vec<&Run> = runs.iter().filter(|r| (r.y1 - last).abs() < 1.0).collect();
            line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            // (A boxed word is a run of its own, the space before it none.)
            let text = line
                .iter()
                .map(|r| r.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            assert!(
                !text.ends_with('\u{ad}'),
                "{what}: page {} ends in a hyphenated word: {text:?}",
                p + 1
            );
            let word: String = text
                .replace('\u{ad}', "")
                .split(|c: char| !c.is_alphabetic())
                .rfind(|w| !w.is_empty())
                .unwrap_or_default()
                .to_string();
            assert!(
                words.contains(&word),
                "{what}: page {} ends in part of a word, {word:?}: {text:?}",
                p + 1
            );
        }
    }
    // The rule is tested where it matters: the paragraph is hyphenated, and breaks across pages.
    assert!(hyphens > 100, "only {hyphens} hyphenated lines");
    assert!(breaks >= cases.len(), "only {breaks} page breaks");
}

/// The rules that read Typst's previous layout pass (a table reaching its page's foot, a hole)
/// decide in the second pass, and the third only confirms it: every compile of the default plan
/// (the first, and the one that keeps a word whole at a page break) is laid out in at most
/// three passes. Counted from Typst's timing trace, on this test's thread.
#[test]
fn the_default_plan_settles_in_the_second_layout_pass() {
    typst_timing::enable();
    let probe = typst_timing::TimingScope::new("vplan test probe");
    let layouts = crate::common::layouts_of(&crate::common::root().join("content"), false, None);
    drop(probe);
    let mut json = Vec::new();
    typst_timing::export_json(&mut json, |_| (String::new(), 0)).unwrap();
    typst_timing::disable();
    assert!(layouts.iter().all(|l| l.warnings.is_empty()));
    let events: Vec<serde_json::Value> = serde_json::from_slice(&json).unwrap();
    let tid = &events
        .iter()
        .find(|e| e["name"] == "vplan test probe")
        .expect("the probe's event")["tid"];
    let mut passes: Vec<usize> = Vec::new();
    for e in events.iter().filter(|e| &e["tid"] == tid && e["ph"] == "B") {
        match e["name"].as_str() {
            Some("iter (1)") => passes.push(1),
            Some(n) if n.starts_with("iter (") => *passes.last_mut().unwrap() += 1,
            _ => {}
        }
    }
    assert!(!passes.is_empty(), "no layout pass traced");
    assert!(
        passes.iter().all(|&p| p <= 3),
        "layout passes per compile: {passes:?}"
    );
}
