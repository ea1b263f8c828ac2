//! Follow-up reports (`content/uppfoljning/*.yaml`): the checks that know the plan — every
//! entry names an item the plan has (with did-you-mean), what the plan has and the report
//! leaves out is a warning, outcomes keep the plan's decimals, a verksamhetsberättelse is
//! complete — each at its file and line, with `check` and `build` agreeing.

use crate::common::*;

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
            "error: chart of `driftbudget`: Föreningsbidrag › Budget 2031 is negative (−1 234); a bar cannot show it",
            "uppfoljning/2031-test.yaml:16:12",
            "Föreningsbidrag › Januari–augusti 2031 › Utfall is negative (−900)",
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
    // Simhall's forecast deviation and the sum's are empty, not its whole budget: the row
    // ends at its outcome deviation (8 750 − 6 240 = 2 510), the sum row at the forecast sum of
    // the rows given (12 700 − 1 234 = 11 466) with no deviation after it.
    assert!(
        text.contains("Simhall Stängt i juni. 8 750 6 240 2 510 Föreningsbidrag"),
        "{text}"
    );
    assert!(text.contains("11 466 Avvikelse = budget"), "{text}");
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
            "unknown field `4`",
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
            "unknown variant `kvartal`",
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

    // The figures, from the fixture's numbers (tkr, no decimals; U+2212 for minus):
    // driftbudget: budget 12 500 + 8 750 − 1 234 = 20 016; utfall 8 610 + 6 240 − 900 = 13 950;
    // avvikelse (budget − utfall) 20 016 − 13 950 = 6 066; prognos 12 700 + 9 050 − 1 234 =
    // 20 516, so the forecast deviation is 20 016 − 20 516 = −500: the negative deviation.
    let (budget, utfall, prognos) = (
        12_500 + 8_750 - 1_234,
        8_610 + 6_240 - 900,
        12_700 + 9_050 - 1_234,
    );
    assert_eq!(
        (budget, utfall, budget - utfall, budget - prognos),
        (20_016, 13_950, 6_066, -500)
    );
    assert!(
        text.contains("Summa 20 016 13 950 6 066 20 516 \u{2212}500"),
        "the driftbudget's sum row in {text}"
    );
    // Prose quotes the same cells.
    assert!(
        text.contains("en avvikelse mot budget på \u{2212}500 tkr"),
        "{text}"
    );
    assert!(
        text.contains("Utfallet till och med augusti är 13 950 tkr"),
        "{text}"
    );
    // Goals per assessment: 2 of 4 uppfyllda (50 %), 1 delvis (25 %), 1 ej (25 %).
    assert!(
        text.contains("2 av 4 mål bedöms som uppfyllda (50 procent)"),
        "{text}"
    );
    assert!(text.contains("Uppfyllt 2 50"), "{text}");
    assert!(text.contains("Delvis uppfyllt 1 25"), "{text}");
    // The Handlingsplan: realised 60 + 400 + 350 = 810 of planned 100 + 400 + 600 = 1 100;
    // avvikelse (utfall − budget) −290; share realised 810 / 1 100 = 73.6 % → 74.
    assert!(
        text.contains("hittills gett 810 tkr av planerade 1 100 tkr"),
        "{text}"
    );
    assert!(text.contains("1 100 810 \u{2212}290"), "{text}");
    assert!(text.contains("74"), "{text}");
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
        "{{ driftbudget/summa/utfall }} tkr av en budget",
        "{{ driftbudget/summa/utfal }} tkr av en budget",
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
        &["the report follows the plan's column `b2031` of `driftbudget`: its columns are `b2031`, `utfall`, `avvikelse`"],
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
    assert_eq!(cell["kind"], "amount");
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
    // row, whose rows take their figures from the appendix tables, ends at its budget).
    let text = pdf_text(&pdfs_in(&output)[0]).replace('\u{a0}', " ");
    assert!(text.contains("Summa 372,5 Avvikelse ="), "{text}");
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
