//! Columns sized by what they hold and hyphenation fit for narrow cells (issue 26, parts 3 and
//! 4), read from Typst's layout: header words never hyphenate (the delårsrapport's Driftbudget
//! with its nearly empty *Kommentar* column, a Handlingsplan area's table), a label column is
//! never narrower than its longest word (also beside 15-digit amounts), every table of a
//! family is set at one size, and the internal-control plan has at most one hyphen in ten
//! cell lines.

use crate::common::*;
use crate::documents::{page_runs, Run};

/// Typesets `body` (Typst calling `vplan.typ`) with the built-in templates; the runs of text of
/// each page's body.
fn typeset(body: &str) -> Vec<Vec<Run>> {
    let layout = typeset_house_style("columns", "Kolumnprov", body);
    assert!(
        layout.warnings.is_empty(),
        "Typst warned: {:?}",
        layout.warnings
    );
    page_runs(&layout.doc)
        .into_iter()
        .map(|p| p.into_iter().filter(|r| r.body).collect())
        .collect()
}

fn hyphenated(r: &Run) -> bool {
    let t = r.text.trim_end();
    t.ends_with('\u{ad}') || t.ends_with('-') || t.ends_with('‐')
}

fn th(s: &str) -> String {
    format!("[#vp-th[{s}];]")
}

/// An amount table as `blocks.typ.j2` emits one: `label` column, `texts` text columns,
/// amount columns titled `titles` under `groups`, rows of (label, texts, figures).
fn amount_table(
    caption: &str,
    texts: &[&str],
    groups: &[(&str, usize)],
    titles: &[&str],
    rows: &[(&str, Vec<&str>, Vec<&str>)],
    family: Option<&[Vec<&str>]>,
) -> String {
    let q = |s: &str| format!("\"{s}\"");
    let mut s = format!(
        "#vp-amount-table(\n  amounts: {},\n  titles: ({}),\n  groups: ({}),\n",
        titles.len(),
        titles.iter().map(|t| q(t) + ", ").collect::<String>(),
        groups
            .iter()
            .map(|(g, n)| format!("({}, {n}), ", q(g)))
            .collect::<String>()
    );
    if let Some(f) = family {
        s += &format!(
            "  family: ({}),\n",
            f.iter()
                .map(|col| format!(
                    "({}), ",
                    col.iter().map(|c| format!("[{c}], ")).collect::<String>()
                ))
                .collect::<String>()
        );
    }
    s += &format!(
        "  columns: (1fr, {}{}),\n  align: (left, {}{}),\n  table.hline(stroke: 0.8pt + vp-accent),\n  table.header(",
        "1.3fr, ".repeat(texts.len()),
        "auto, ".repeat(titles.len()),
        "left, ".repeat(texts.len()),
        "right, ".repeat(titles.len()),
    );
    if !groups.is_empty() {
        s += &"pdf.data-cell[], ".repeat(texts.len() + 1);
        for (g, n) in groups {
            if g.is_empty() {
                s += &"pdf.data-cell[], ".repeat(*n);
            } else {
                s += &format!("table.cell(colspan: {n}, align: center)[#vp-th[{g}];], ");
            }
        }
    }
    s += &th(caption);
    s += ", ";
    for t in texts.iter().chain(titles) {
        s += &th(t);
        s += ", ";
    }
    s += "table.hline(stroke: 0.5pt + vp-accent)),\n";
    for (label, ts, fs) in rows {
        s += &format!("  [{label}], ");
        for t in ts.iter().chain(fs) {
            s += &format!("[{t}], ");
        }
        s += "\n";
    }
    s + "  table.hline(stroke: 0.8pt + vp-accent),\n)\n"
}

/// The delårsrapport's Driftbudget: a nearly empty Kommentar column beside six amounts.
fn driftbudget(titles: &[&str]) -> String {
    amount_table(
        "Belopp i tkr",
        &["Kommentar"],
        &[("Januari–augusti 2031", 3), ("Helår 2031", 3)],
        titles,
        &[
            (
                "Bibliotek",
                vec![""],
                vec!["8 333", "8 610", "−277", "12 500", "12 700", "−200"],
            ),
            (
                "Simhall",
                vec!["Stängt i juni."],
                vec!["5 425", "6 240", "−815", "8 750", "9 050", "−300"],
            ),
            (
                "Föreningsbidrag",
                vec![""],
                vec!["−823", "−900", "77", "−1 234", "−1 234", "0"],
            ),
            (
                "Summa",
                vec![""],
                vec!["12 935", "13 950", "−1 015", "20 016", "20 516", "−500"],
            ),
        ],
        None,
    )
}

/// A Handlingsplan area's table with amounts of `digits` digits.
fn area(amount: &str) -> String {
    amount_table(
        "(Tkr)",
        &[],
        &[],
        &[
            "Belopp 2026, mnkr",
            "2025",
            "2026",
            "Antal årsarbetare 2024",
        ],
        &[
            ("Intäkter", vec![], vec![amount, amount, amount, ""]),
            (
                "Personalkostnadsreduceringar",
                vec![],
                vec![amount, amount, amount, "3,0"],
            ),
            (
                "Övriga kostnadsreduceringar",
                vec![],
                vec![amount, amount, amount, ""],
            ),
        ],
        None,
    )
}

#[test]
fn header_words_never_hyphenate_and_labels_keep_their_longest_word() {
    let fifteen = "−123\u{a0}456\u{a0}789\u{a0}012\u{a0}345";
    let body = [
        driftbudget(&[
            "Budget",
            "Utfall",
            "Avvikelse",
            "Budget",
            "Prognos",
            "Avvikelse",
        ]),
        driftbudget(&[
            "Summa kostnader",
            "Utfall",
            "Avvikelse",
            "Budget",
            "Prognos",
            "Avvikelse",
        ]),
        area("3 914"),
        area("27 579"),
        area(fifteen),
    ]
    .join("\n#pagebreak()\n");
    let pages = typeset(&body);
    assert_eq!(pages.len(), 5);
    // The nearly empty Kommentar column is as wide as what it holds: its one comment ends close
    // to the widest text of the first amount column (the old 1.3 fr left 70 pt; a wrapped
    // header may leave its amount column some room of its own).
    for (i, runs) in pages[..2].iter().enumerate() {
        let comment = runs.iter().find(|r| r.text.starts_with("Stängt")).unwrap();
        let figure = runs
            .iter()
            .find(|r| r.text.starts_with("12") && r.text.ends_with("935"))
            .unwrap();
        // The widest text of the first amount column (right-aligned with the figure).
        let left = runs
            .iter()
            .filter(|r| (r.x1 - figure.x1).abs() < 0.5)
            .map(|r| r.x0)
            .fold(f64::MAX, f64::min);
        let gap = left - comment.x1;
        eprintln!("table {i}: {gap:.1} pt between the comment and the first amount column");
        assert!(
            gap < 40.0,
            "table {i}: the Kommentar column is wider than its comment: {gap:.1} pt to the amounts"
        );
    }
    for (i, runs) in pages.iter().enumerate() {
        for r in runs {
            assert!(!hyphenated(r), "table {i}: a line ends in a hyphen: {r:?}");
        }
        for word in [
            "Personalkostnadsreduceringar",
            "Föreningsbidrag",
            "Kommentar",
            "Avvikelse",
        ] {
            if body.contains(word) && runs.iter().any(|r| r.text.contains(&word[..5])) {
                // Set whole, on one line.
                assert!(
                    runs.iter().any(|r| r.text.contains(word)),
                    "table {i}: {word} is not set whole: {:?}",
                    runs.iter().map(|r| &r.text).collect::<Vec<_>>()
                );
            }
        }
    }
}

/// `digits` digits grouped by threes with no-break spaces, with a minus sign.
fn figure(digits: usize) -> String {
    let d: String = (0..digits)
        .map(|k| char::from(b'1' + (k % 9) as u8))
        .collect();
    let mut out = String::from("−");
    for (k, c) in d.chars().enumerate() {
        if k > 0 && (digits - k).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

#[test]
fn a_family_is_set_at_one_size() {
    // Families of two tables (the first with the family's widest figures, the second with
    // small ones) at every width from fitting with the family gap to not fitting at all: the
    // tables of a family at one size, never above the tables' 9 pt.
    let titles = ["2024", "2025", "2026", "2027", "2028", "2029", "2030"];
    let mut cases = Vec::new();
    for amounts in 3..=7 {
        for digits in 4..=13 {
            let wide = figure(digits);
            let family: Vec<Vec<&str>> = (0..amounts).map(|_| vec![wide.as_str()]).collect();
            let mut body = String::new();
            for (label, f) in [("Intäkter", wide.as_str()), ("Kostnader", "1\u{a0}000")] {
                body += &amount_table(
                    "(Tkr)",
                    &[],
                    &[],
                    &titles[..amounts],
                    &[(label, vec![], vec![f; amounts])],
                    Some(&family),
                );
            }
            cases.push(((amounts, digits), body));
        }
    }
    let body: Vec<&str> = cases.iter().map(|(_, b)| b.as_str()).collect();
    let pages = typeset(&body.join("\n#pagebreak()\n"));
    assert_eq!(pages.len(), cases.len());
    for ((case, _), runs) in cases.iter().zip(&pages) {
        let heights: Vec<f64> = runs
            .iter()
            .filter(|r| r.text.contains('−') || r.text.starts_with("1\u{a0}000"))
            .map(|r| r.y1 - r.y0)
            .collect();
        assert!(heights.len() >= 2, "{case:?}: {heights:?}");
        let (lo, hi) = heights
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), &h| (lo.min(h), hi.max(h)));
        assert!(hi - lo < 0.05, "{case:?} (amount columns, digits): figures at different sizes: cap heights {heights:?}");
        // 9 pt Noto Sans: cap height 0.714 em.
        assert!(
            hi <= 9.0 * 0.714 + 0.05,
            "{case:?} (amount columns, digits): figures larger than 9 pt: cap height {hi}"
        );
    }
}

#[test]
fn the_internal_control_plan_hyphenates_at_most_one_line_in_ten() {
    let layouts = layouts_of(
        &root().join("content"),
        false,
        Some(vplan::typeset::Standard::None),
    );
    let pages = page_runs(&layouts[0].doc);
    // The pages of the table: from its header ("Verksamhet", "Risk", "Åtgärd" on one line) on.
    let mut lines = 0;
    let mut hyphens = Vec::new();
    let mut on = false;
    for runs in &pages {
        let runs: Vec<&Run> = runs.iter().filter(|r| r.body).collect();
        let head = runs.iter().find(|r| {
            r.text.starts_with("Verksamhet")
                && runs
                    .iter()
                    .any(|s| s.text == "Åtgärd" && (s.y1 - r.y1).abs() < 0.5)
        });
        // (Every page of the table repeats the header; the plan's appendices follow it on a
        // page of their own.)
        let top = match head {
            Some(h) => h.y1,
            None if on => break,
            None => continue,
        };
        on = true;
        // A line of a cell: the runs on one baseline that follow each other without a gap (a
        // hyphen may be a run of its own).
        let mut below: Vec<&Run> = runs.into_iter().filter(|r| r.y1 > top + 1.0).collect();
        let baseline = |r: &Run| (r.y1 * 2.0).round() as i64;
        below.sort_by(|a, b| baseline(a).cmp(&baseline(b)).then(a.x0.total_cmp(&b.x0)));
        let mut line = String::new();
        for (k, r) in below.iter().enumerate() {
            line += &r.text;
            let next = below.get(k + 1);
            let ends = next.is_none_or(|n| baseline(n) != baseline(r) || n.x0 - r.x1 > 2.0);
            if ends {
                lines += 1;
                if line.trim_end().ends_with('\u{ad}') || line.trim_end().ends_with('-') {
                    hyphens.push(std::mem::take(&mut line));
                }
                line.clear();
            }
        }
    }
    eprintln!(
        "internal control: {} of {lines} cell lines end in a hyphen: {hyphens:?}",
        hyphens.len()
    );
    assert!(lines >= 60, "the table's lines not found ({lines})");
    assert!(
        hyphens.len() * 10 <= lines,
        "{} of {lines} cell lines end in a hyphen: {hyphens:?}",
        hyphens.len()
    );
}
