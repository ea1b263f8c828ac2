//! `vplan check` and the checks `vplan build` runs first: each error class names its file,
//! line and column and exits 1; control figures are verified.

use crate::common::*;

const FIXTURE: &str = "fjallkommun_2031";

/// Runs `vplan check` and returns (exit code, stderr).
fn check(s: &Scratch, args: &[&str]) -> (i32, String) {
    let out = s.run("check", args);
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

#[test]
fn a_clean_plan_checks_ok() {
    let s = Scratch::of(FIXTURE);
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 0, "{err}");
    assert_has(&err, &["ok: 5 chapters, 1 appendix, 5 tables"]);
    // check writes nothing.
    assert!(!s.dir.path().join("output").exists());
}

#[test]
fn yaml_syntax_error() {
    let s = Scratch::of(FIXTURE);
    s.write(
        "chapters/02-mal.yaml",
        "id: mal\ntitle: Mål\nblocks:\n\t- text: a\n",
    );
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        &[
            "content/chapters/02-mal.yaml:4:1",
            "cannot start any token",
            "hint: YAML does not allow tabs for indentation",
            "4 │",
        ],
    );
}

#[test]
fn an_unclosed_list_gets_a_hint() {
    let s = Scratch::of(FIXTURE);
    s.edit(
        "tables/driftbudget.yaml",
        "values: [12500, 12100]}",
        "values: [12500, 12100}",
    );
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        &[
            "content/tables/driftbudget.yaml:8:",
            "did not find expected ',' or ']'",
            "hint: a list `[…]` is not closed",
        ],
    );
}

#[test]
fn unknown_key_with_did_you_mean() {
    let s = Scratch::of(FIXTURE);
    s.edit(
        "tables/driftbudget.yaml",
        "label: Simhall,",
        "lable: Simhall,",
    );
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        &[
            "content/tables/driftbudget.yaml:9:19",
            "unknown key `lable`",
            "did you mean `label`?",
            "^^^^^",
        ],
    );
}

#[test]
fn missing_required_key() {
    let s = Scratch::of(FIXTURE);
    s.edit("chapters/01-inledning.yaml", "title: Inledning\n", "");
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        &[
            "content/chapters/01-inledning.yaml:1:1",
            "`title` is missing: the file must have it",
        ],
    );
}

#[test]
fn wrong_type() {
    let s = Scratch::of(FIXTURE);
    s.edit("plan.yaml", "year: 2031", "year: tjugotrettioett");
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        &[
            "content/plan.yaml:3:7",
            "`year` must be a whole number like 2024; found the text `tjugotrettioett`",
        ],
    );
}

#[test]
fn amount_that_is_not_a_number() {
    let s = Scratch::of(FIXTURE);
    s.edit("tables/driftbudget.yaml", "[8750, 8900]", "[8 750, 8900]");
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        &[
            "content/tables/driftbudget.yaml:9:44",
            "rows[1].values[0]: `8 750` is not an amount",
            "hint: write `8750` (no spaces or underscores between the digits, a point for decimals)",
        ],
    );
}

/// `0x1DB`, `1e3`, `.5`: YAML (and every editor) reads these as numbers; `check` reads them as
/// the same numbers and warns about each, naming the number it is read as.
#[test]
fn unusual_amount_spellings_are_read_as_yaml_reads_them() {
    let s = Scratch::of(FIXTURE);
    s.edit("tables/driftbudget.yaml", "[8750, 8900]", "[0x222E, 89e2]");
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 0, "{err}");
    assert_has(
        &err,
        &[
            "warning: table `driftbudget`, row `simhall`, column `b2031`: `0x222E` is read as 8750 (a hexadecimal number)",
            "warning: table `driftbudget`, row `simhall`, column `b2030`: `89e2` is read as 8900 (a number with an exponent)",
            "hint: write `8750`",
        ],
    );
}

/// `[12,4, 11,9]`: YAML reads four amounts. With too many for the columns, the hint is about
/// decimal commas (not about `~`); each `12,4` is a warning at its place.
#[test]
fn decimal_commas_in_a_list() {
    let s = Scratch::of(FIXTURE);
    s.edit(
        "tables/driftbudget.yaml",
        "[8750, 8900]",
        "[8750,5, 8900,25]",
    );
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "4 values given but the table has 2 columns",
            "hint: in a list a comma separates amounts, so a decimal comma makes two of one: write decimals with a point, `values: [8750.5, 8900.25]`",
            "warning: table `driftbudget`, row `simhall`: `8750,5` is read as two amounts, 8750 and 5",
            "hint: if it is one amount, write `8750.5` (a point for decimals)",
        ],
    );
    assert!(!err.contains("`~`"), "{err}");
}

#[test]
fn amount_with_more_decimals_than_its_column() {
    let s = Scratch::of(FIXTURE);
    s.edit("tables/driftbudget.yaml", "[8750, 8900]", "[8750, 8900.25]");
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        &[
            "content/tables/driftbudget.yaml:9:50",
            "table `driftbudget`, row `simhall`, column `b2030`: 8900.25 has more decimals than the column's 0",
            "at most 0 decimals in `Budget 2030`",
        ],
    );
}

#[test]
fn duplicated_id() {
    let s = Scratch::of(FIXTURE);
    s.edit(
        "chapters/02-mal.yaml",
        "id: uppdrag-oppettider",
        "id: ind-besok",
    );
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        &[
            "duplicate id `ind-besok` (assignment)",
            "content/chapters/02-mal.yaml:12:11",
            "already used at content/chapters/02-mal.yaml:10",
        ],
    );
}

#[test]
fn reference_to_an_id_that_does_not_exist() {
    let s = Scratch::of(FIXTURE);
    s.edit(
        "chapters/03-budget.yaml",
        "- table: driftbudget",
        "- table: driftbudgt",
    );
    s.edit(
        "tables/driftbudget.yaml",
        "sum: all",
        "sum: [bibliotek, simhal]",
    );
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        &[
            "content/chapters/03-budget.yaml:10:18",
            "refers to table `driftbudgt`, which does not exist",
            "did you mean `driftbudget`?",
            "content/tables/driftbudget.yaml:11:59",
            "sums row `simhal`, which does not exist in this table",
            "did you mean `simhall`?",
            "2 errors, 1 warning",
        ],
    );
}

#[test]
fn a_file_that_cannot_be_read() {
    let s = Scratch::of(FIXTURE);
    std::fs::remove_file(s.content().join("plan.yaml")).unwrap();
    std::fs::create_dir(s.content().join("plan.yaml")).unwrap();
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1);
    assert_has(&err, &["content/plan.yaml", "not a regular file"]);
}

#[test]
fn all_errors_of_a_run_are_reported_and_json_is_available() {
    let s = Scratch::of(FIXTURE);
    s.edit("tables/driftbudget.yaml", "[8750, 8900]", "[8750, 8900.5]");
    s.edit(
        "chapters/02-mal.yaml",
        "id: uppdrag-oppettider",
        "id: mal-fler-besok",
    );
    let out = s.run("check", &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), 2, "{json:#}");
    for d in list {
        assert_eq!(d["severity"], "error");
        assert!(d["file"].as_str().unwrap().starts_with("content/"));
        assert!(d["line"].as_u64().unwrap() > 0);
        assert!(d["column"].as_u64().unwrap() > 0);
        assert!(!d["message"].as_str().unwrap().is_empty());
    }
}

#[test]
fn build_refuses_errors_and_warnings_only_stop_it_when_denied() {
    let s = Scratch::of(FIXTURE);
    // An error: no PDF.
    s.edit("tables/driftbudget.yaml", "sum: all", "sum: [nothing]");
    let out = s.run("build", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!s.dir.path().join("output").exists());
    s.edit("tables/driftbudget.yaml", "sum: [nothing]", "sum: all");

    // A warning (a table placed nowhere): the build goes on and says so.
    s.write(
        "tables/unused.yaml",
        "id: unused\nunit: tkr\ncolumns: [{id: a, title: A, precision: 0}]\nrows: []\n",
    );
    let out = s.run("build", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_has(
        &stderr(&out),
        &[
            "warning: table `unused` is not placed in any chapter or appendix",
            "content/tables/unused.yaml:1:5",
        ],
    );
    let (code, err) = check(&s, &["--deny-warnings"]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        &["error: table `unused` is not placed", "1 error, 0 warnings"],
    );
}

#[test]
fn control_figures_are_verified_like_balance_assertions() {
    let s = Scratch::of(FIXTURE);
    // A typed control that agrees is fine; one that does not is reported with typed,
    // computed and difference in the column's unit.
    s.edit(
        "tables/driftbudget.yaml",
        "sum: all}",
        "sum: all, control: [20016, 24000]}",
    );
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "control figure does not match: driftbudget › Summa › Budget 2030: typed 24 000 tkr, computed 24 100 tkr, difference −100 tkr",
            "content/tables/driftbudget.yaml:11:69",
            "typed 24 000 tkr, computed 24 100 tkr",
            "1 error, 0 warnings",
        ],
    );
}

#[test]
fn the_budget_frame_is_checked_against_its_cell() {
    let s = Scratch::of(FIXTURE);
    let plan = std::fs::read_to_string(s.content().join("plan.yaml")).unwrap();
    s.write(
        "plan.yaml",
        format!("{plan}budget_frame: {{amount: 20000, cell: driftbudget/summa/b2031}}\n"),
    );
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        &[
            "driftbudget › Summa › Budget 2031 is 20 016 tkr, but the budget frame is 20 000 tkr (difference +16 tkr)",
            "content/plan.yaml:9:24",
        ],
    );
    s.edit("plan.yaml", "amount: 20000", "amount: 20016");
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 0, "{err}");
    assert_has(&err, &["1 control figure checked"]);
}

#[test]
fn a_typed_value_beside_a_reference_is_a_control() {
    let s = Scratch::of(FIXTURE);
    s.write(
        "tables/oversikt.yaml",
        "id: oversikt\nunit: tkr\ncolumns: [{id: b2031, title: Budget 2031, precision: 0}]\nrows:\n  - {id: drift, label: Drift, values: [20000], refs: {b2031: driftbudget/summa}}\n",
    );
    s.edit(
        "chapters/03-budget.yaml",
        "- table: driftbudget",
        "- table: driftbudget\n        - table: oversikt",
    );
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1);
    assert_has(
        &err,
        &[
            "oversikt › Drift › Budget 2031: typed 20 000 tkr, computed 20 016 tkr, difference −16 tkr",
            "checked against the value taken from `driftbudget/summa`",
        ],
    );
}

/// A file saved with a byte-order mark (Windows Notepad) loads like one without, and positions
/// on its first line are counted without the mark.
#[test]
fn a_byte_order_mark_is_not_part_of_the_yaml() {
    let s = Scratch::of(FIXTURE);
    let table = std::fs::read_to_string(s.content().join("tables/driftbudget.yaml")).unwrap();
    s.write("tables/driftbudget.yaml", format!("\u{feff}{table}"));
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 0, "{err}");
    s.write(
        "tables/driftbudget.yaml",
        format!(
            "\u{feff}{}",
            table.replacen("id: driftbudget", "idd: driftbudget", 1)
        ),
    );
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "content/tables/driftbudget.yaml:1:1",
            "unknown key `idd`",
            "1 │ idd: driftbudget",
            "  │ ^^^",
        ],
    );
}

/// `{{ … }}` outside the texts where figure references are expanded is an error at the
/// reference itself, naming the key it is under.
#[test]
fn a_figure_reference_outside_a_text_block_is_refused_at_its_column() {
    let s = Scratch::of(FIXTURE);
    s.edit(
        "chapters/02-mal.yaml",
        "Fler invånare besöker",
        "Fler invånare {{ nope/x/y }} besöker",
    );
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "content/chapters/02-mal.yaml:8:27",
            "figure references are expanded only in text blocks and the decision paper's texts; `{{ nope/x/y }}` in `text` would be printed as it stands",
        ],
    );
}

/// A goal whose text is the same as a text block's beside it is still a goal: judged by its
/// place, not by its text.
#[test]
fn a_figure_reference_in_a_goal_worded_like_a_text_block_is_refused() {
    let s = Scratch::of(FIXTURE);
    s.write(
        "chapters/02-mal.yaml",
        "id: mal\ntitle: Mål\nblocks:\n  - text: \"Summa {{ driftbudget/summa/b2031 }} tkr.\"\n  - goal:\n      id: mal-1\n      text: \"Summa {{ driftbudget/summa/b2031 }} tkr.\"\n",
    );
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "content/chapters/02-mal.yaml:7:20",
            "`{{ driftbudget/summa/b2031 }}` in `text` would be printed as it stands",
            "1 error",
        ],
    );
}

#[test]
fn goals_and_internal_control_that_nothing_places_are_warned_about() {
    // goals.yaml and internkontroll.yaml print only where a block places them; without one
    // they would be missing from the document without a word. The fixture places both in
    // chapters/04-styrning.yaml: without that chapter's blocks nothing places them.
    let s = Scratch::of(FIXTURE);
    s.write(
        "chapters/04-styrning.yaml",
        "id: styrning\ntitle: Styrning och intern kontroll\nblocks:\n  - text: Inget placerat.\n",
    );
    s.write(
        "goals.yaml",
        "perspectives:\n  - id: p\n    title: P\n    goals: [{id: g, text: G}]\n",
    );
    s.write(
        "internkontroll.yaml",
        "columns: [A, B, C]\nareas:\n  - id: a\n    area: A\n    risks: []\n",
    );
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 0, "{err}");
    assert_has(
        &err,
        &[
            "warning: goals.yaml is not printed: no chapter or appendix places it",
            "goals.yaml:2:",
            "put `- perspectives` in the blocks",
            "warning: internkontroll.yaml is not printed",
            "internkontroll.yaml:3:",
            "put `- internal_control` in the blocks",
        ],
    );
    let (code, _) = check(&s, &["--deny-warnings"]);
    assert_eq!(code, 1);
    // Placed, they are printed and nothing is said.
    s.edit(
        "chapters/02-mal.yaml",
        "blocks:\n",
        "blocks:\n  - perspectives\n  - internal_control\n",
    );
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("is not printed"), "{err}");
}

#[test]
fn check_typesets_with_a_projects_changed_templates_and_reports_what_build_would() {
    // The built-in templates are tested with vplan; a project's own changes are judged by
    // check, as build would judge them.
    let s = Scratch::of(FIXTURE);
    let templates = s.dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    let run = || {
        let out = vplan_timed(s.dir.path(), &["check"]);
        (out.status.code().unwrap(), stderr(&out))
    };
    // A copy of a built-in file, unchanged: nothing to typeset.
    let built_in = std::fs::read_to_string(root().join("templates/vplan.typ")).unwrap();
    std::fs::write(templates.join("vplan.typ"), &built_in).unwrap();
    let (code, err) = run();
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("typeset"), "{err}");
    // Changed and broken: check fails at the file and line, as build does.
    std::fs::write(
        templates.join("vplan.typ"),
        format!("{built_in}\n#let broken = (\n"),
    )
    .unwrap();
    let (code, err) = run();
    assert_eq!(code, 1, "{err}");
    assert_has(&err, &["unclosed delimiter", "templates/vplan.typ:"]);
    let build = vplan_timed(s.dir.path(), &["build"]);
    assert_eq!(build.status.code(), Some(1));
    // Changed and sound: every document is typeset, and check says so.
    std::fs::write(
        templates.join("vplan.typ"),
        format!("{built_in}\n// ändrad\n"),
    )
    .unwrap();
    let (code, err) = run();
    assert_eq!(code, 0, "{err}");
    assert_has(
        &err,
        &["typeset 2 documents with the project's templates (templates/vplan.typ)"],
    );
    assert!(
        !s.dir.path().join("output").exists(),
        "check writes nothing"
    );
}

#[test]
fn check_judges_a_projects_changed_change_report_template() {
    let s = Scratch::of(FIXTURE);
    let templates = s.dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(templates.join("diff.typ.j2"), "{{ x | bogus }}\n").unwrap();
    let out = vplan_timed(s.dir.path(), &["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_has(
        &err,
        &["filter bogus is unknown", "templates/diff.typ.j2:1:8"],
    );
    // `diff --format pdf` names the report, not a plan, as what has errors.
    let out = vplan_timed(
        s.dir.path(),
        &[
            "diff", "content", "content", "--format", "pdf", "-o", "f.pdf",
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_has(
        &err,
        &["error: the change report (its templates) has errors"],
    );
    assert!(!s.dir.path().join("f.pdf").exists());
}
