//! Follow-up reports (`content/uppfoljning/*.yaml`): the checks that know the plan — every
//! entry names an item the plan has (with did-you-mean), what the plan has and the report
//! leaves out is a warning, outcomes keep the plan's decimals, a verksamhetsberättelse is
//! complete — each at its file and line, with `check` and `build` agreeing.

use rust_decimal::Decimal;

use crate::common::*;

/// A PDF's text with the hyphens of line breaks inside words taken out (a `-` between two
/// lowercase letters): a sentence can be looked for whole wherever its lines broke.
fn unbroken(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let lower = |i: usize| chars.get(i).is_some_and(|c| c.is_lowercase());
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        // `kost-nader` or, as pdf-extract spaces it, `kost - nader`.
        if chars[i] == '-' && i > 0 && lower(i - 1) && lower(i + 1) {
            i += 1;
            continue;
        }
        if chars[i] == ' '
            && chars.get(i + 1) == Some(&'-')
            && chars.get(i + 2) == Some(&' ')
            && i > 0
            && lower(i - 1)
            && lower(i + 3)
        {
            i += 3;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// An amount as the PDF prints it in a table of whole tkr: U+2212 for minus, a space (the
/// no-break space read as one) between thousands.
fn amount(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(ch);
    }
    if v < 0 {
        format!("\u{2212}{out}")
    } else {
        out
    }
}

const FIXTURE: &str = "fjallkommun_2031";
const REPORT: &str = "uppfoljning/2031-test.yaml";

/// A report on the fixture plan's first goal, assignment and table, with `body` appended.
fn report(kind: &str, period_end: &str, body: &str) -> String {
    format!(
        "id: 2031-test\nkind: {kind}\nlabel: Januari–augusti 2031\nperiod_end: {period_end}\n\
         decision_date: 2031-09-24\n{body}"
    )
}

/// The fixture plan: the checks below write their own report.
fn scratch() -> Scratch {
    Scratch::of(FIXTURE)
}

/// The fixture plan with its example reports (`tests/fixtures/fjallkommun_2031_reports/`).
fn with_reports() -> Scratch {
    let s = Scratch::of(FIXTURE);
    copy_dir(&fixture("fjallkommun_2031_reports"), &s.content());
    s
}

fn check(s: &Scratch) -> (i32, String) {
    let out = s.run("check", &[]);
    (
        out.status.code().unwrap(),
        stderr(&out).replace('\u{a0}', " "),
    )
}

fn assert_has(haystack: &str, needles: &[&str]) {
    for n in needles {
        assert!(haystack.contains(n), "missing {n:?} in:\n{haystack}");
    }
}

const GOOD: &str = "goals:
  - id: mal-fler-besok
    assessment: delvis
    text: Biblioteken ökar.
    indicators:
      - {id: ind-besok, outcome: \"41 200 besök\", assessment: uppfylld}
assignments:
  - {id: uppdrag-oppettider, status: genomfort, text: Klart.}
tables:
  - id: driftbudget
    rows:
      - {id: bibliotek, utfall: 8610, prognos: 12700}
      - {id: simhall, utfall: 6240, prognos: 9050}
      - {id: foreningsbidrag, utfall: -900, prognos: -1234}
";

#[test]
fn the_example_reports_check_without_a_warning() {
    let s = with_reports();
    let (code, err) = check(&s);
    assert_eq!(code, 0, "{err}");
    assert_has(&err, &["2 follow-up reports", "0 warnings"]);
}

#[test]
fn a_misspelt_goal_id_is_an_error_at_its_line_with_did_you_mean() {
    let s = scratch();
    s.write(
        REPORT,
        report(
            "delar",
            "2031-08-31",
            &GOOD.replace("- id: mal-fler-besok", "- id: mal-fler-besk"),
        ),
    );
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "error: the plan has no goal `mal-fler-besk`",
            "uppfoljning/2031-test.yaml:7:9",
            "did you mean `mal-fler-besok`?",
            // The goal it meant is then not followed up: a warning naming it.
            "warning: ",
            "of the plan have no follow-up entry: `mal-fler-besok`",
        ],
    );
    // Building the report refuses what check refuses, and writes nothing; `check --report`
    // judges it as that build does.
    let out = s.run("build", &["--report", "2031-test"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("the plan has no goal `mal-fler-besk`"));
    assert!(!s.dir.path().join("output").exists());
    let out = s.run("check", &["--report", "2031-test"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // The report's error is the report's: the plan builds.
    let out = s.run("build", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("mal-fler-besk"), "{}", stderr(&out));
}

#[test]
fn entries_the_plan_does_not_have_are_errors_naming_what_they_are() {
    let s = scratch();
    let body = GOOD
        .replace("{id: ind-besok,", "{id: ind-besk,")
        .replace("{id: uppdrag-oppettider,", "{id: mal-fler-besok,")
        .replace(
            "  - id: driftbudget\n",
            "  - id: driftbudget\n    budget: b2032\n",
        )
        + "internal_control:\n  - {id: risk-x, result: brister}\nhandlingsplan: driftbudget\n";
    s.write(REPORT, report("delar", "2031-08-31", &body));
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "error: goal `mal-fler-besok` has no indicator `ind-besk`",
            "did you mean `ind-besok`?",
            "error: the plan has no assignment `mal-fler-besok`",
            "`mal-fler-besok` is a goal: give it under `goals`",
            "error: table `driftbudget` has no column `b2032`",
            "error: table `driftbudget` is not a Handlingsplan summary (a table with `sum_of`)",
        ],
    );
}

#[test]
fn rows_that_are_computed_take_no_outcome_and_decimals_follow_the_plan() {
    let s = scratch();
    let body = GOOD
        .replace("utfall: 8610,", "utfall: 8610.5,")
        .replace(
            "      - {id: foreningsbidrag",
            "      - {id: summa, utfall: 1}\n      - {id: foreningsbidrag",
        )
        .replace("{id: simhall,", "{id: simhal,");
    s.write(REPORT, report("delar", "2031-08-31", &body));
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "error: table `driftbudget`, row `bibliotek`: 8610.5 has more decimals than the plan's column `Budget 2031` (0)",
            "at most 0 decimals in `Budget 2031`",
            "error: table `driftbudget`: row `summa` is a sum: its outcome is computed from its rows",
            "error: table `driftbudget` has no row `simhal`",
            "did you mean `simhall`?",
            // …so simhall has no outcome yet.
            "warning: table `driftbudget`: no outcome (`utfall`) yet for `simhall`",
        ],
    );
}

#[test]
fn a_verksamhetsberattelse_needs_every_outcome_unless_it_is_a_draft() {
    let s = scratch();
    let body = GOOD
        .replace(", prognos: 12700", "")
        .replace(", prognos: 9050", "")
        .replace(", prognos: -1234", "")
        .replace("      - {id: simhall, utfall: 6240}\n", "");
    s.write(REPORT, report("helar", "2031-12-31", &body));
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &["error: verksamhetsberättelse: table `driftbudget`: no outcome (`utfall`) yet for `simhall`"],
    );
    // The same report as a draft: a warning, so a skeleton checks.
    s.write(
        REPORT,
        report(
            "helar",
            "2031-12-31",
            &format!("decision: {{status: utkast}}\n{body}"),
        ),
    );
    let (code, err) = check(&s);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: table `driftbudget`: no outcome (`utfall`) yet for `simhall`"),
        "{err}"
    );
    // A forecast has no place in it, nor a period that is not the whole year.
    s.write(REPORT, report("helar", "2031-08-31", GOOD));
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "error: a verksamhetsberättelse (`kind: helar`) covers the whole year: period_end is 2031-08-31",
            "error: table `driftbudget`, row `bibliotek`: a verksamhetsberättelse has no forecast",
        ],
    );
}

#[test]
fn a_report_chart_that_would_draw_a_negative_bar_is_an_error_at_the_report() {
    let s = scratch();
    let body = GOOD.replace(
        "  - id: driftbudget\n",
        "  - id: driftbudget\n    chart: {title: Budget och utfall, alt: Staplar per verksamhet.}\n",
    );
    s.write(REPORT, report("delar", "2031-08-31", &body));
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "error: chart of `driftbudget`: Föreningsbidrag › Januari–augusti 2031 › Budget is negative (−823); a bar cannot show it",
            "uppfoljning/2031-test.yaml:16:12",
            "Föreningsbidrag › Januari–augusti 2031 › Utfall is negative (−900)",
            "Föreningsbidrag › Helår 2031 › Budget is negative (−1 234)",
            "Föreningsbidrag › Helår 2031 › Prognos is negative (−1 234)",
        ],
    );
}

/// What a half-filled report must not do: read a missing forecast as zero, count only the
/// assessed goals, or take a forgotten minus or last year's column without a word.
#[test]
fn a_half_filled_report_never_prints_a_wrong_deviation_or_share() {
    let s = with_reports();
    let file = "uppfoljning/2031-delar.yaml";
    // simhall's forecast not given yet; one goal not assessed yet; a cost row's sign flipped.
    s.edit(
        file,
        "{id: simhall, utfall: 6240, prognos: 9050,",
        "{id: simhall, utfall: 6240,",
    );
    s.edit(
        file,
        "  - id: mal-fler-foreningar\n    assessment: uppfylld",
        "  - id: mal-fler-foreningar",
    );
    s.edit(
        file,
        "{id: foreningsbidrag, utfall: -900,",
        "{id: foreningsbidrag, utfall: 900,",
    );
    s.edit(file, "Nämnden prognostiserar en avvikelse mot budget på {{ driftbudget/summa/avvikelse-prognos }} tkr\n    för helåret. ", "");
    let (code, err) = check(&s);
    assert_eq!(code, 0, "{err}");
    assert_has(
        &err,
        &[
            "warning: table `driftbudget`: no forecast (`prognos`) yet for `simhall`",
            "warning: goal `mal-fler-foreningar`: not assessed yet",
            "warning: table `driftbudget`, row `foreningsbidrag`: the utfall 900 has the other sign than the budget",
        ],
    );
    let out = s.run("build", &["--report", "2031-delar"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = pdf_text(
        &s.dir
            .path()
            .join("output/2031-fritids-och-kulturnamnden-delarsrapport.pdf"),
    );
    // Simhall's forecast and its deviation are empty, not its whole budget: the row ends at
    // its annual budget (8 750). The sum of the forecasts waits for simhall's, and so does its
    // deviation: the sum row ends at the annual budget (20 016), never a forecast of the rows
    // given (12 700 − 1 234 = 11 466) or a deviation from it.
    assert!(
        text.contains("Simhall Stängt i juni. 5 425 6 240 \u{2212}815 8 750 Föreningsbidrag"),
        "{text}"
    );
    // The flipped sign is computed as typed (and warned of above): 900 against −823.
    assert!(
        text.contains(
            "Föreningsbidrag \u{2212}823 900 \u{2212}1 723 \u{2212}1 234 \u{2212}1 234 0 Summa"
        ),
        "{text}"
    );
    assert!(
        text.contains("Summa 12 935 15 750 \u{2212}2 815 20 016 Budget januari–augusti"),
        "{text}"
    );
    assert!(!text.contains("11 466"), "{text}");
    // The goals: 4 in all, one not assessed yet, shares of all four.
    assert!(text.contains("Inte bedömt än 1 25"), "{text}");
    assert!(text.contains("Uppfyllt 1 25"), "{text}");
    assert!(text.contains("Summa 4"), "{text}");
    // A second delårsrapport of the year is refused by report init, nothing written.
    let content = s.content();
    let out = vplan(
        s.dir.path(),
        &[
            "report",
            "init",
            "2031-delar-2",
            "--kind",
            "delar",
            "--content",
            content.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("there is already a delårsrapport of 2031"),
        "{}",
        stderr(&out)
    );
    assert!(!content.join("uppfoljning/2031-delar-2.yaml").exists());
    // Last year's column followed: a warning at `budget:`.
    s.edit(
        file,
        "  - id: driftbudget\n    budget: b2031",
        "  - id: driftbudget\n    budget: b2030",
    );
    let (_, err) = check(&s);
    assert_has(
        &err,
        &["warning: table `driftbudget`: the report follows the column `b2030` (Budget 2030) of 2030, not the plan year 2031's"],
    );
}

#[test]
fn twice_followed_up_and_out_of_year_are_errors() {
    let s = scratch();
    let body = GOOD.replace(
        "assignments:\n",
        "  - id: mal-fler-besok\n    assessment: ej\nassignments:\n",
    );
    s.write(REPORT, report("tertial", "2030-04-30", &body));
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "error: goal `mal-fler-besok` is followed up twice (first at line 7)",
            "error: period_end 2030-04-30 is not in 2031",
        ],
    );
    // Two files with one id.
    let s = scratch();
    s.write(REPORT, report("delar", "2031-08-31", GOOD));
    s.write("uppfoljning/copy.yaml", report("delar", "2031-08-31", GOOD));
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &["error: duplicate report id `2031-test`", "first defined in"],
    );
}

#[test]
fn amounts_in_a_report_are_read_as_in_a_table() {
    let s = scratch();
    let body = GOOD
        .replace("utfall: 6240", "utfall: \"0x1D\"")
        .replace("utfall: -900", "utfall: \"12,4\"");
    s.write(REPORT, report("delar", "2031-08-31", &body));
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "`12,4` is not an amount",
            "a point for decimals, not a comma",
        ],
    );
    let body = GOOD.replace("utfall: 6240", "utfall: \"0x1D\"");
    s.write(REPORT, report("delar", "2031-08-31", &body));
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "`\"0x1D\"` is not an amount",
            "uppfoljning/2031-test.yaml:18:",
        ],
    );
    // A decimal comma in a one-line row splits the entry: said so, not "did you mean `id`".
    let body = GOOD.replace("utfall: 8610,", "utfall: 8610,4,");
    s.write(REPORT, report("delar", "2031-08-31", &body));
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "unknown key `4`",
            "`8610,4` in a `{…}` map reads as two entries",
            "write `8610.4`",
        ],
    );
}

#[test]
fn a_report_file_in_a_wrong_place_or_shape_is_reported() {
    let s = scratch();
    s.write("uppfoljning/delar.docx", "PK");
    s.write(REPORT, report("kvartal", "2031-08-31", GOOD));
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "`uppfoljning/delar.docx` is not read",
            "`kind` must be one of `tertial`, `delar`, `helar`; found `kvartal`",
        ],
    );
}

#[test]
fn new_year_leaves_the_reports_with_their_plan() {
    let s = scratch();
    s.write(REPORT, report("delar", "2031-08-31", GOOD));
    let content = s.content();
    let content = content.to_str().unwrap();
    let out = vplan(s.dir.path(), &["new-year", "2032", "--content", content]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("holds reports that follow up the 2031 plan"),
        "{}",
        stderr(&out)
    );
    let to = s.dir.path().join("next");
    let out = vplan(
        s.dir.path(),
        &[
            "new-year",
            "2032",
            "--content",
            content,
            "--to",
            to.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(to.join("plan.yaml").is_file());
    assert!(!to.join("uppfoljning").exists());
}

/// The fixture's example delårsrapport, built: its file name, its sections, and its computed
/// figures read back from the PDF's text.
#[test]
fn the_example_report_is_built_with_its_figures_computed() {
    let s = with_reports();
    let out = s.run("build", &["--report", "2031-delar", "--split"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dir = s.dir.path().join("output");
    let pdfs: Vec<String> = pdfs_in(&dir)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        pdfs,
        [
            "2031-fritids-och-kulturnamnden-delarsrapport-tjansteskrivelse.pdf",
            "2031-fritids-och-kulturnamnden-delarsrapport.pdf",
        ]
    );
    let report = dir.join(&pdfs[1]);
    assert_archivable_and_accessible(&report);
    let text = pdf_text(&report);
    for heading in [
        "Delårsrapport 2031",
        "Januari–augusti 2031",
        "Sammanfattning",
        "Måluppfyllelse",
        "Ekonomi",
        "Handlingsplanens genomförande",
        "Intern kontroll",
    ] {
        assert!(text.contains(heading), "{heading:?} in {text}");
    }
    // Every assessment is a word (the mark beside it is decoration), every status too.
    for word in [
        "Delvis uppfyllt",
        "Uppfyllt",
        "Ej uppfyllt",
        "Pågår",
        "Genomfört",
        "Brister",
        "Utan anmärkning",
    ] {
        assert!(text.contains(word), "{word:?} in {text}");
    }
    // The indicator's target from the plan beside the report's outcome.
    assert!(text.contains("minst 75"), "{text}");
    assert!(text.contains("78"), "{text}");

    // The figures, from the fixture's numbers (tkr, no decimals; U+2212 for minus). The
    // period is January–August: a row's period budget is its annual budget × 8/12, rounded to
    // whole tkr (half away from zero), unless the report gives a seasonal profile (simhall:
    // 62 of 100 in January–August) or the period budget itself (kulturskola).
    let period = |annual: i64, part: i64, whole: i64| -> i64 {
        let exact = Decimal::from(annual) * Decimal::from(part) / Decimal::from(whole);
        exact
            .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .try_into()
            .unwrap()
    };
    let simhall_part: i64 = [9, 9, 9, 9, 9, 4, 4, 9].iter().sum();
    let p = (
        period(12_500, 8, 12),
        period(8_750, simhall_part, 100),
        period(-1_234, 8, 12),
    );
    assert_eq!(p, (8_333, 5_425, -823));
    let period_sum = p.0 + p.1 + p.2;
    let (utfall, budget, prognos) = (
        (8_610, 6_240, -900),
        (12_500, 8_750, -1_234),
        (12_700, 9_050, -1_234),
    );
    let utfall_sum = utfall.0 + utfall.1 + utfall.2;
    // Deviations, budget − utfall (the table's amounts are costs): the period's outcome against
    // the period's budget, the year's forecast against the annual budget.
    let rows = [
        ("Bibliotek", p.0, utfall.0, budget.0, prognos.0),
        ("Simhall Stängt i juni.", p.1, utfall.1, budget.1, prognos.1),
        ("Föreningsbidrag", p.2, utfall.2, budget.2, prognos.2),
        (
            "Summa",
            period_sum,
            utfall_sum,
            budget.0 + budget.1 + budget.2,
            prognos.0 + prognos.1 + prognos.2,
        ),
    ];
    for (label, pb, u, b, f) in rows {
        let line = [pb, u, pb - u, b, f, b - f].map(amount).join(" ");
        let line = format!("{label} {line}");
        assert!(text.contains(&line), "{line:?} in {text}");
    }
    assert!(
        text.contains("Summa 12 935 13 950 \u{2212}1 015 20 016 20 516 \u{2212}500"),
        "the driftbudget's sum row in {text}"
    );
    // How the period budget is derived, and what a positive deviation means, under the table.
    let text = unbroken(&text);
    assert!(
        text.contains("Budget januari–augusti = årsbudget × 8/12, per rad avrundad till hela tkr"),
        "{text}"
    );
    assert!(text.contains("följer en egen säsongsprofil"), "{text}");
    assert!(
        text.contains("Beloppen är kostnader. Avvikelse = budget − utfall (för helåret: årsbudget − prognos): ett positivt tal är lägre kostnader än budget (ett överskott), ett negativt tal högre kostnader än budget (ett underskott)."),
        "{text}"
    );
    // omraden: kulturskola's period budget is typed (2 200), the others 8/12 of the year.
    assert!(
        text.contains("Kulturskola 2 200 2 100 100 3 000 3 200 \u{2212}200"),
        "{text}"
    );
    assert!(
        text.contains("Summa 11 533 11 400 133 17 000 17 300 \u{2212}300"),
        "{text}"
    );
    assert!(
        text.contains("Periodens budget för Kulturskola är angiven i rapporten."),
        "{text}"
    );
    // Prose quotes the same cells.
    assert!(
        text.contains("en avvikelse mot budget på \u{2212}500 tkr"),
        "{text}"
    );
    assert!(
        text.contains("Utfallet till och med augusti är 13 950 tkr mot periodens budget på 12 935 tkr, en avvikelse på \u{2212}1 015 tkr."),
        "{text}"
    );
    // Goals per assessment: 2 of 4 uppfyllda (50 %), 1 delvis (25 %), 1 ej (25 %); the sum's
    // share is 100.
    assert!(
        text.contains("2 av 4 mål bedöms som uppfyllda (50 procent)"),
        "{text}"
    );
    assert!(text.contains("Uppfyllt 2 50"), "{text}");
    assert!(text.contains("Delvis uppfyllt 1 25"), "{text}");
    assert!(text.contains("Summa 4 100"), "{text}");
    // The Handlingsplan: realised 60 + 400 + 350 = 810 of planned 100 + 400 + 600 = 1 100 for
    // the year; the period's budget 67 + (267 + 400) = 734 (simhall's intäkter have no
    // budget); avvikelse (utfall − budget) 810 − 734 = 76; share realised of the year's
    // 810 / 1 100 = 73.6 % → 74.
    assert_eq!(
        (period(100, 8, 12), period(400, 8, 12), period(600, 8, 12)),
        (67, 267, 400)
    );
    assert!(
        text.contains("hittills gett 810 tkr av planerade 1 100 tkr"),
        "{text}"
    );
    assert!(text.contains("Totalt 734 810 76 1 100 74"), "{text}");
    assert!(text.contains("Andel genomförd, %"), "{text}");
    // The sign convention is stated under each table.
    assert!(text.contains("Avvikelse = budget − utfall"), "{text}");
    assert!(text.contains("Avvikelse = utfall − budget"), "{text}");
    // The decision paper lists the report with its pages.
    let paper = pdf_text(&dir.join(&pdfs[0]));
    let listed = format!("Delårsrapport 2031 ({} sidor)", page_count(&report));
    assert!(paper.contains(&listed), "{listed:?} in {paper}");
    assert!(paper.contains("att godkänna delårsrapporten"), "{paper}");
}

#[test]
fn a_report_builds_as_a_draft_with_its_watermark_and_unknown_ids_are_usage_errors() {
    let s = with_reports();
    let out = s.run("build", &["--report", "2031-t1", "--status", "utkast"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let pdf = s
        .dir
        .path()
        .join("output/2031-fritids-och-kulturnamnden-tertialrapport-1.pdf");
    let text = pdf_text(&pdf);
    assert!(text.contains("UTKAST"), "{text}");
    assert!(text.contains("Tertialrapport 2031"), "{text}");
    let out = s.run("build", &["--report", "2031-delr"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("did you mean `2031-delar`?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_figure_reference_in_a_report_is_checked_against_the_report() {
    let s = with_reports();
    s.edit(
        "uppfoljning/2031-delar.yaml",
        "{{ driftbudget/summa/utfall }} tkr mot periodens",
        "{{ driftbudget/summa/utfal }} tkr mot periodens",
    );
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "figure reference",
            "utfal",
            "uppfoljning/2031-delar.yaml:23:",
        ],
    );
    // A plan column the report does not follow: the hint names the one it does.
    s.edit(
        "uppfoljning/2031-delar.yaml",
        "{{ driftbudget/summa/b2031 }}",
        "{{ driftbudget/summa/b2030 }}",
    );
    let (_, err) = check(&s);
    assert_has(
        &err,
        &["the report follows the plan's column `b2031` of `driftbudget`: its columns are `periodbudget`, `utfall`, `avvikelse`, `b2031`, `prognos`, `avvikelse-prognos`"],
    );
}

/// Two versions of the example report: the changed outcome is an amount with the totals it
/// moved, the changed assessment an item, the goals' shares move with it; and T1 → delår.
#[test]
fn diff_compares_two_versions_of_a_report_and_two_reports() {
    let old = with_reports();
    let new = with_reports();
    new.edit(
        "uppfoljning/2031-delar.yaml",
        "{id: simhall, utfall: 6240,",
        "{id: simhall, utfall: 6540,",
    );
    new.edit(
        "uppfoljning/2031-delar.yaml",
        "  - id: mal-fler-foreningar\n    assessment: uppfylld",
        "  - id: mal-fler-foreningar\n    assessment: delvis",
    );
    let (a, b) = (old.content(), new.content());
    let out = vplan(
        old.dir.path(),
        &[
            "diff",
            "--report",
            "2031-delar",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes = json["changes"].as_array().unwrap();
    let find = |id: &str| {
        changes
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no change {id} in {json:#}"))
    };
    let cell = find("driftbudget/simhall/utfall");
    assert_eq!(cell["kind"], "outcome");
    assert_eq!(
        (cell["old_value"].as_str(), cell["new_value"].as_str()),
        (Some("6240"), Some("6540"))
    );
    let totals: Vec<&str> = cell["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    for moved in [
        "driftbudget/simhall/avvikelse",
        "driftbudget/summa/utfall",
        "driftbudget/summa/avvikelse",
    ] {
        assert!(totals.contains(&moved), "{moved} in {totals:?}");
    }
    let assessed = find("mal-fler-foreningar");
    assert_eq!(assessed["kind"], "assessment");
    // The count of goals met is an amount of the report; the shares it moved are its totals.
    let met = find("maluppfyllelse/uppfylld/antal");
    assert_eq!(
        (met["old_value"].as_str(), met["new_value"].as_str()),
        (Some("2"), Some("1"))
    );
    let share = met["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "maluppfyllelse/uppfylld/andel")
        .unwrap_or_else(|| panic!("the share moved: {met:#}"));
    assert_eq!(share["new_value"], "25");
    // T1 → delår in one version: every outcome moved, with its totals.
    let out = vplan(
        old.dir.path(),
        &[
            "diff",
            "--report",
            "2031-t1",
            "--report",
            "2031-delar",
            "--content",
            a.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout)
        .unwrap()
        .replace('\u{a0}', " ");
    assert!(text.contains("vplan diff 2031-t1 → 2031-delar"), "{text}");
    assert!(text.contains("4 300 → 8 610 (+4 310) tkr"), "{text}");
    assert!(
        text.contains("Summa › Januari–augusti 2031 › Utfall: 7 000 → 13 950"),
        "{text}"
    );
    // A report that a version does not have is a usage error.
    let out = vplan(
        old.dir.path(),
        &[
            "diff",
            "--report",
            "2031-delr",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("did you mean `2031-delar`?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn report_init_lists_every_item_of_the_default_plan() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&root().join("content"), &content);
    let c = content.to_str().unwrap();
    // --stdout writes nothing.
    let out = vplan(
        dir.path(),
        &[
            "report",
            "init",
            "2024-delar",
            "--kind",
            "delar",
            "--content",
            c,
            "--stdout",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!content.join("uppfoljning").exists());
    let printed = String::from_utf8(out.stdout).unwrap();
    let out = vplan(
        dir.path(),
        &[
            "report",
            "init",
            "2024-delar",
            "--kind",
            "delar",
            "--content",
            c,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = std::fs::read_to_string(content.join("uppfoljning/2024-delar.yaml")).unwrap();
    assert_eq!(printed, written);
    // Every goal, indicator and assignment id of the plan, and every data row of its tables.
    let checked =
        vplan::pipeline::load(&content, &Default::default(), &vplan::progress::Silent).unwrap();
    let items = vplan::content::items::items(&checked.plan);
    assert!(!items.goals.is_empty());
    for g in &items.goals {
        assert!(
            written.contains(&format!("- id: {}\n", g.item.id)),
            "{}",
            g.item.id
        );
        for i in &g.item.indicators {
            assert!(
                written.contains(&format!("{{id: {}, outcome: ~", i.id)),
                "{}",
                i.id
            );
        }
    }
    for a in &items.assignments {
        assert!(
            written.contains(&format!("{{id: {}, status: ~", a.item.id)),
            "{}",
            a.item.id
        );
    }
    // Every amount table of the plan, each with the column it follows (or a comment saying
    // why it is left out: the default plan has none such).
    let report: vplan::content::FollowUp = serde_yaml::from_str(&written).unwrap();
    let listed: Vec<&str> = report.tables.iter().map(|t| t.id.as_str()).collect();
    for id in checked.plan.tables.keys() {
        assert!(
            listed.contains(&id.as_str()),
            "{id} is not listed:\n{written}"
        );
    }
    assert!(report.tables.iter().all(|t| t.budget.is_some()));
    // Every text the report prints, asking a delår for the forecast; its decision, and its
    // decision paper from the plan's sender and signatories.
    for (key, text) in report.texts.all() {
        assert!(
            text.is_some_and(|t| t.starts_with("[Vägledning]")),
            "texts.{key}"
        );
    }
    assert!(report
        .texts
        .ekonomi
        .as_deref()
        .unwrap()
        .contains("prognosen för helåret"));
    assert_eq!(
        report.handlingsplan.as_deref(),
        Some("handlingsplan-summering")
    );
    assert_eq!(
        report.decision.as_ref().map(|d| d.status),
        Some(vplan::content::Status::Utkast)
    );
    let paper = report.tjansteskrivelse.as_ref().unwrap();
    assert_eq!(paper.avsandare.as_deref(), Some("Regionservice"));
    assert_eq!(
        paper.underskrifter[0].titel,
        "Förvaltningschef, Regionservice"
    );
    assert_eq!(
        paper.forslag_till_beslut,
        ["att godkänna delårsrapporten för januari–augusti 2024."]
    );
    // It checks with warnings only, and builds at once as a draft.
    let out = vplan(dir.path(), &["check", "--content", c]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("guidance text still in place"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("not assessed yet"),
        "{}",
        stderr(&out)
    );
    let output = dir.path().join("output");
    let out = vplan(
        dir.path(),
        &[
            "build",
            "--content",
            c,
            "--report",
            "2024-delar",
            "--output",
            output.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(pdfs_in(&output).len(), 1);
    // With no outcome given, a sum of outcomes is empty, not 0 (the investment budget's sum
    // row, whose rows take their figures from the appendix tables, ends at its budgets: the
    // period's, 8/12 of each row's rounded to a decimal, and the year's).
    let text = pdf_text(&pdfs_in(&output)[0]).replace('\u{a0}', " ");
    assert!(
        text.contains("Summa 248,4 372,5 Budget januari–augusti"),
        "{text}"
    );
    // A second init of the same id refuses, and leaves the file alone.
    let out = vplan(
        dir.path(),
        &[
            "report",
            "init",
            "2024-delar",
            "--kind",
            "delar",
            "--content",
            c,
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(content.join("uppfoljning/2024-delar.yaml")).unwrap(),
        written
    );
}

/// The scratch plan with four more goals (eight in all), so that one goal met is 12,5 %.
fn with_eight_goals(s: &Scratch) {
    let more: String = (1..=4)
        .map(|i| format!("      - id: mal-extra-{i}\n        text: Ett mål till, nummer {i}.\n"))
        .collect();
    s.edit(
        "goals.yaml",
        "      - id: mal-fler-foreningar\n",
        &format!("{more}      - id: mal-fler-foreningar\n"),
    );
}

/// Shares and conversions are computed exactly and rounded once, when printed: a share quoted
/// with a decimal is not rounded to whole percent first, and a conversion that cannot be
/// printed exactly is an error until the reference says how many decimals it wants.
#[test]
fn shares_and_conversions_are_exact_until_printed() {
    let s = with_reports();
    with_eight_goals(&s);
    let file = "uppfoljning/2031-delar.yaml";
    // One of eight goals met: 12,5 %; the Handlingsplan 810 of 1 100: 73,636… %.
    s.edit(
        file,
        "  - id: mal-fler-foreningar\n    assessment: uppfylld",
        "  - id: mal-fler-foreningar\n    assessment: delvis",
    );
    for i in 1..=4 {
        s.edit(
            file,
            "assignments:\n",
            &format!(
                "  - {{id: mal-extra-{i}, assessment: delvis, text: Bedömt.}}\nassignments:\n"
            ),
        );
    }
    s.edit(
        file,
        "    Bedömningen bygger på indikatorerna",
        "    Andelar: {{ maluppfyllelse/uppfylld/andel | 1 }} och {{ maluppfyllelse/uppfylld/andel }} procent; \
         genomfört {{ handlingsplan-summering/totalt/genomforande | 1 }} och \
         {{ handlingsplan-summering/totalt/genomforande }} procent; utfallet \
         {{ driftbudget/summa/utfall | mnkr | 2 }} eller avrundat {{ driftbudget/summa/utfall | mnkr | 1 }} mnkr.\n    Bedömningen bygger på indikatorerna",
    );
    let (code, err) = check(&s);
    assert_eq!(code, 0, "{err}");
    let out = s.run("build", &["--report", "2031-delar"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = pdf_text(
        &s.dir
            .path()
            .join("output/2031-fritids-och-kulturnamnden-delarsrapport.pdf"),
    );
    // 1 × 100 / 8 = 12,5 (13 to whole percent, half away from zero); 810 × 100 / 1 100 =
    // 73,636… → 73,6 and 74; 13 950 tkr = 13,95 mnkr → 14,0 to one decimal.
    assert!(
        text.contains("Andelar: 12,5 och 13 procent; genomfört 73,6 och 74 procent; utfallet 13,95 eller avrundat 14,0 mnkr."),
        "{text}"
    );
    // The table prints the same exact share at its column's precision.
    assert!(text.contains("Uppfyllt 1 13"), "{text}");
    assert!(text.contains("Summa 8 100"), "{text}");
    // A conversion without decimals that would have to round is an error naming the exact
    // figure and both ways out, at the reference's line.
    s.edit(
        file,
        "{{ driftbudget/summa/utfall | mnkr | 2 }}",
        "{{ driftbudget/summa/utfall | mnkr }}",
    );
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "cell `driftbudget/summa/utfall` (Summa) is 13,95 mnkr, which cannot be printed exactly with 1 decimal",
            "write `| mnkr | 2` for the exact figure or `| mnkr | 1` to round it",
            "uppfoljning/2031-delar.yaml:21:",
        ],
    );
    let out = s.run("build", &["--report", "2031-delar"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

/// A sum, a deviation or a share is empty unless every figure it depends on is given: a
/// `sum_of` summary whose area tables have no outcome yet, a row taken by `refs` from a table
/// with one outcome of three; a summary has the forecast of its sources; a reference to a
/// column a table does not have lists the ones it has.
#[test]
fn empty_means_empty_through_sum_of_and_refs_and_a_summary_has_its_forecast() {
    let s = scratch();
    // A table whose rows are taken from the others' sums.
    s.write(
        "tables/sammandrag.yaml",
        "id: sammandrag\nunit: tkr\ncaption: Belopp i tkr\ncolumns:\n  - {id: b2031, title: Budget 2031, precision: 0}\n\
         rows:\n  - {id: drift, label: Driftbudgeten, values: [~], refs: {b2031: driftbudget/summa}}\n\
         \x20 - {id: omraden, label: Områdena, values: [~], refs: {b2031: omraden/summa}}\n\
         \x20 - {id: summa, label: Summa, kind: sum, sum: all}\n",
    );
    s.edit(
        "chapters/05-ekonomi.yaml",
        "        - table: omraden\n",
        "        - table: omraden\n        - table: sammandrag\n",
    );
    let body = "tables:
  - id: driftbudget
    belopp: kostnader
    rows:
      - {id: bibliotek, utfall: 8610}
  - id: omraden
    rows:
      - {id: bibliotek, utfall: 5400}
      - {id: simhall, utfall: 3900}
      - {id: kulturskola, utfall: 2100}
  - id: sammandrag
  - id: handlingsplan-summering
handlingsplan: handlingsplan-summering
texts:
  ekonomi: Omvärlden.
";
    s.write(REPORT, report("delar", "2031-08-31", body));
    let (code, err) = check(&s);
    assert_eq!(code, 0, "{err}");
    let out = s.run("build", &["--report", "2031-test"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let pdf = s
        .dir
        .path()
        .join("output/2031-fritids-och-kulturnamnden-delarsrapport.pdf");
    let text = pdf_text(&pdf);
    // The summary: no outcome in any area table, so no outcome, deviation or share on any of
    // its rows; its period budget (67 + 267 + 400 = 734) and annual budget (1 100) only.
    assert!(
        text.contains("Totalt 734 1 100 Budget januari–augusti"),
        "{text}"
    );
    assert!(!text.contains("\u{2212}1 100"), "{text}");
    assert!(!text.contains("\u{2212}734"), "{text}");
    // The refs row: one of driftbudget's three outcomes given, so neither its outcome nor its
    // deviation, nor the sum's; omraden's row is complete (11 400 against 11 333 → −67).
    let drift = 8_333 + 5_833 - 823;
    assert!(
        text.contains(&format!(
            "Driftbudgeten {} 20 016 Områdena 11 333 11 400 \u{2212}67 17 000 Summa {} 37 016",
            amount(drift),
            amount(drift + 11_333)
        )),
        "{text}"
    );
    // Forecasts in both area tables: the summary has them too, summed, with its deviation.
    let body = "tables:
  - id: handlingsplan-bibliotek
    avvikelse: utfall-budget
    rows:
      - {id: intakter, utfall: 60, prognos: 90}
      - {id: kostnader, utfall: 400, prognos: 400}
  - id: handlingsplan-simhall
    avvikelse: utfall-budget
    rows:
      - {id: kostnader, utfall: 350, prognos: 550}
  - id: handlingsplan-summering
    avvikelse: utfall-budget
handlingsplan: handlingsplan-summering
texts:
  handlingsplan: Prognosen är {{ handlingsplan-summering/totalt/prognos }} tkr, {{ handlingsplan-summering/totalt/avvikelse-prognos }} mot budget.
";
    s.write(REPORT, report("delar", "2031-08-31", body));
    let out = s.run("build", &["--report", "2031-test"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = pdf_text(&pdf);
    // 90 + 400 + 550 = 1 040 against 1 100: −60; realised 810 of 1 100: 74 %.
    assert!(
        text.contains("Prognosen är 1 040 tkr, \u{2212}60 mot budget."),
        "{text}"
    );
    assert!(
        text.contains("Totalt 734 810 76 1 100 1 040 \u{2212}60 74"),
        "{text}"
    );
    // A column the table does not have: the columns it has.
    s.edit(REPORT, "totalt/prognos }}", "totalt/prognoser }}");
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &["table `handlingsplan-summering` has no column `prognoser`; did you mean `prognos`? its columns are: `periodbudget`, `utfall`, `avvikelse`, `y2031`, `prognos`, `avvikelse-prognos`, `genomforande`"],
    );
}

/// The note under a table says what a positive deviation means in the table's own terms: on a
/// result table (income positive, costs negative) a cost overrun and an income shortfall are
/// both negative and both read as worse.
#[test]
fn the_sign_note_reads_a_cost_overrun_and_an_income_shortfall_right() {
    let s = scratch();
    s.write(
        "tables/resultat.yaml",
        "id: resultat\nunit: tkr\ncaption: Belopp i tkr\ncolumns:\n  - {id: b2031, title: Budget 2031, precision: 0}\n\
         rows:\n  - {id: intakter, label: Intäkter, values: [1000]}\n\
         \x20 - {id: kostnader, label: Kostnader, values: [-800]}\n\
         \x20 - {id: resultat, label: Resultat, kind: sum, sum: all}\n",
    );
    let entry = "tables:
  - id: resultat
    rows:
      - {id: intakter, utfall: 900}
      - {id: kostnader, utfall: -850}
";
    s.write(REPORT, report("helar", "2031-12-31", entry));
    // Both signs and no word on what they are: a warning at the entry.
    let (_, err) = check(&s);
    assert_has(
        &err,
        &[
            "warning: table `resultat` has both positive and negative amounts",
            "`belopp: resultat` (income positive, costs negative)",
            "uppfoljning/2031-test.yaml:7:5",
        ],
    );
    s.edit(
        REPORT,
        "  - id: resultat\n",
        "  - id: resultat\n    belopp: resultat\n",
    );
    let (_, err) = check(&s);
    assert!(!err.contains("both positive and negative"), "{err}");
    let text = unbroken(&draft_berattelse(&s));
    // utfall − budget (what `belopp: resultat` makes favourable): an income shortfall 900 −
    // 1 000 = −100, a cost overrun −850 − (−800) = −50, the result 50 − 200 = −150.
    assert!(text.contains("Intäkter 1 000 900 \u{2212}100"), "{text}");
    assert!(
        text.contains("Kostnader \u{2212}800 \u{2212}850 \u{2212}50"),
        "{text}"
    );
    assert!(text.contains("Resultat 200 50 \u{2212}150"), "{text}");
    assert!(
        text.contains("Intäkter är positiva och kostnader negativa belopp. Avvikelse = utfall − budget: ett positivt tal är högre intäkter eller lägre kostnader än budget (ett bättre resultat), ett negativt tal lägre intäkter eller högre kostnader än budget (ett sämre resultat)."),
        "{text}"
    );
    // A verksamhetsberättelse has no period budget.
    assert!(!text.contains("Budget januari"), "{text}");
    // The same overrun in a cost table held as positive amounts: −50 again, and the note says
    // that a negative figure is a cost above budget.
    s.write(
        "tables/resultat.yaml",
        "id: resultat\nunit: tkr\ncaption: Belopp i tkr\ncolumns:\n  - {id: b2031, title: Budget 2031, precision: 0}\n\
         rows:\n  - {id: kostnader, label: Kostnader, values: [800]}\n",
    );
    s.write(
        REPORT,
        report(
            "helar",
            "2031-12-31",
            "tables:\n  - id: resultat\n    belopp: kostnader\n    rows:\n      - {id: kostnader, utfall: 850}\n",
        ),
    );
    let text = unbroken(&draft_berattelse(&s));
    assert!(text.contains("Kostnader 800 850 \u{2212}50"), "{text}");
    assert!(
        text.contains("Beloppen är kostnader. Avvikelse = budget − utfall: ett positivt tal är lägre kostnader än budget (ett överskott), ett negativt tal högre kostnader än budget (ett underskott)."),
        "{text}"
    );
}

/// The test report built as a draft verksamhetsberättelse: its text.
fn draft_berattelse(s: &Scratch) -> String {
    let out = s.run("build", &["--report", "2031-test", "--status", "utkast"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    pdf_text(
        &s.dir
            .path()
            .join("output/2031-fritids-och-kulturnamnden-verksamhetsberattelse.pdf"),
    )
}

/// A period budget is typed or spread by a profile of twelve weights: a profile of another
/// length, a negative or all-zero weight, and a period budget in a verksamhetsberättelse are
/// errors at their lines.
#[test]
fn a_seasonal_profile_and_a_typed_period_budget_are_checked() {
    let s = scratch();
    let body = "tables:
  - id: driftbudget
    belopp: kostnader
    profil: [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8]
    rows:
      - {id: bibliotek, utfall: 8610, profil: [1, 1, 1, 1, 1, 1, -1, 1, 1, 1, 1, 1]}
      - {id: simhall, utfall: 6240, profil: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}
      - {id: foreningsbidrag, utfall: -900, periodbudget: -1000.5}
";
    s.write(REPORT, report("delar", "2031-08-31", body));
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "error: table `driftbudget`: a seasonal profile has twelve monthly weights, not 11",
            "uppfoljning/2031-test.yaml:9:13",
            "error: table `driftbudget`: row `bibliotek`: the weight of juli is negative (-1)",
            "error: table `driftbudget`: row `simhall`: every weight of the seasonal profile is 0",
            "error: table `driftbudget`, row `foreningsbidrag`: -1000.5 has more decimals than the plan's column `Budget 2031` (0)",
        ],
    );
    let out = s.run("build", &["--report", "2031-test"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let body = "tables:
  - id: driftbudget
    belopp: kostnader
    rows:
      - {id: bibliotek, utfall: 8610, periodbudget: 8000}
";
    s.write(REPORT, report("helar", "2031-12-31", body));
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "error: table `driftbudget`, row `bibliotek`: a verksamhetsberättelse has no period budget",
            "uppfoljning/2031-test.yaml:10:",
        ],
    );
}

/// `check --report` judges a report's characters as `build --report` does (issue 24): a
/// character no font has is an error of a decided report, at its line, whether it is in the
/// report's own file or in a value of the plan the report prints; the plan's own check and
/// build are not stopped by it, and a plan value the report does not print is none of the
/// report's business. A report that is not decided only warns, whatever the plan's status.
#[test]
fn check_judges_a_reports_characters_as_build_does() {
    let verdicts = |s: &Scratch| {
        let out = s.dir.path().join("out");
        let check = s.run("check", &["--report", "2031-delar"]);
        let build = s.run(
            "build",
            &[
                "-q",
                "--split",
                "--report",
                "2031-delar",
                "--output",
                out.to_str().unwrap(),
            ],
        );
        (
            check.status.code().unwrap(),
            build.status.code().unwrap(),
            stderr(&check),
        )
    };
    // In the report's own file (a risk's text).
    let s = with_reports();
    s.edit(
        "uppfoljning/2031-delar.yaml",
        "Stickprov i mars",
        "Stickprov 🦀 i mars",
    );
    let (c, b, err) = verdicts(&s);
    assert_eq!((c, b), (1, 1), "{err}");
    assert_has(
        &err,
        &[
            "error: `🦀` (U+1F980)",
            "content/uppfoljning/2031-delar.yaml:86:",
        ],
    );
    // Not decided: a warning, and the draft builds (with an empty box).
    s.edit(
        "uppfoljning/2031-delar.yaml",
        "status: beslutad",
        "status: forslag",
    );
    let (c, b, err) = verdicts(&s);
    assert_eq!((c, b), (0, 0), "{err}");
    assert_has(&err, &["warning: `🦀` (U+1F980)"]);
    // Nor when the plan is decided: the report is a document of its own.
    let plan = std::fs::read_to_string(s.content().join("plan.yaml")).unwrap();
    s.write(
        "plan.yaml",
        format!("{plan}decision:\n  status: beslutad\n  beslutsdatum: 2030-12-03\n  paragraf: \"§ 12\"\n"),
    );
    let (c, b, err) = verdicts(&s);
    assert_eq!((c, b), (0, 0), "{err}");
    assert_has(&err, &["warning: `🦀` (U+1F980)"]);

    // In a goal's text of the plan, which the report prints under the goal.
    let s = with_reports();
    s.edit("goals.yaml", "Besökarna är nöjda", "Besökarna 🦀 är nöjda");
    let (c, b, err) = verdicts(&s);
    assert_eq!((c, b), (1, 1), "{err}");
    assert_has(
        &err,
        &[
            "error: `🦀` (U+1F980)",
            "(the decided report `2031-delar` prints it)",
            "content/goals.yaml:9:",
        ],
    );
    // The plan itself, not decided, only warns of it and builds.
    assert_eq!(
        s.run("check", &["-q", "--report", "2031-t1"]).status.code(),
        Some(1)
    );
    let plan = s.run(
        "build",
        &[
            "-q",
            "--output",
            s.dir.path().join("plan").to_str().unwrap(),
        ],
    );
    assert_eq!(plan.status.code(), Some(0), "{}", stderr(&plan));

    // In a perspective's prose, which no report prints.
    let s = with_reports();
    s.edit(
        "goals.yaml",
        "Perspektivet invånare beskriver",
        "Perspektivet 🦀 invånare beskriver",
    );
    let (c, b, err) = verdicts(&s);
    assert_eq!((c, b), (0, 0), "{err}");
}

/// What the adversarial pass found: a profile no row uses, a profile beside a typed period
/// budget, an empty table title and an outcome on a row without a budget are said at their
/// lines; a summary's note says where its period budget comes from, never "× 8/12" of rows
/// that follow a profile; `diff` lists a changed profile or deviation sign as a change.
#[test]
fn what_a_report_table_says_of_its_period_budget_is_what_its_figures_are() {
    let s = with_reports();
    let file = "uppfoljning/2031-delar.yaml";
    let original = std::fs::read_to_string(s.content().join(file)).unwrap();
    s.edit(
        file,
        "  - id: handlingsplan-summering\n    avvikelse: utfall-budget\n",
        "  - id: handlingsplan-summering\n    avvikelse: utfall-budget\n    profil: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]\n",
    );
    s.edit(
        file,
        "  - id: handlingsplan-simhall\n    avvikelse: utfall-budget\n",
        "  - id: handlingsplan-simhall\n    avvikelse: utfall-budget\n    profil: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]\n",
    );
    s.edit(file, "9, 9, 10, 10]}", "9, 9, 10, 10], periodbudget: 5000}");
    s.edit(
        file,
        "      - {id: kostnader, utfall: 350, kommentar: Energiåtgärden är försenad.}\n",
        "      - {id: kostnader, utfall: 350, kommentar: Energiåtgärden är försenad.}\n      - {id: intakter, utfall: 30}\n",
    );
    s.edit(
        file,
        "  - id: omraden\n",
        "  - id: omraden\n    title: ''\n",
    );
    let (code, err) = check(&s);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "error: table `omraden`: the title is empty",
            "warning: table `driftbudget`: row `simhall`: the row's period budget is typed (`periodbudget`): its seasonal profile is not used",
            "warning: table `handlingsplan-simhall`, row `intakter`: the row has no budget in `2031`",
            "warning: table `handlingsplan-summering`: no row of the table is spread by its seasonal profile",
        ],
    );
    s.edit(
        file,
        "  - id: omraden\n    title: ''\n",
        "  - id: omraden\n",
    );
    let out = s.run("build", &["--report", "2031-delar"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = unbroken(&pdf_text(
        &s.dir
            .path()
            .join("output/2031-fritids-och-kulturnamnden-delarsrapport.pdf"),
    ));
    // The summary: its rows' period budgets are its area tables' (simhall's 600 by its profile
    // of 8 of 8 months, not 400), and its note says so instead of "× 8/12".
    assert!(
        text.contains("Kostnadsminskningar 867 750 \u{2212}117 1 000 75"),
        "{text}"
    );
    assert!(
        text.contains("Budget januari–augusti: summorna är summan av raderna. Intäkter, Kostnadsminskningar har periodens budget från de tabeller raderna hämtas från."),
        "{text}"
    );
    // diff: the changed settings are changes of their own.
    let old = with_reports();
    std::fs::write(old.content().join(file), &original).unwrap();
    let (a, b) = (old.content(), s.content());
    let out = vplan(
        old.dir.path(),
        &["diff", a.to_str().unwrap(), b.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(
        said.contains("~ setting changed Åtgärder inom simhallen [handlingsplan-simhall]"),
        "{said}"
    );
    assert!(
        said.contains("profil: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]"),
        "{said}"
    );
}
