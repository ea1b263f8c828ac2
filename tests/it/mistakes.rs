//! Every mistake at once: `vplan check` reports all of a file's mistakes (unknown keys, wrong
//! types, values not allowed, missing keys) and those of every other file in one run, each at
//! its line, in the content's words; and where a file's mistakes are keys it can do without,
//! the plan's later checks still run on everything.

use crate::common::*;

const FIXTURE: &str = "fjallkommun_2031";

fn check(s: &Scratch, args: &[&str]) -> (i32, String) {
    let out = s.run("check", args);
    (
        out.status.code().unwrap(),
        stderr(&out).replace('\u{a0}', " "),
    )
}

/// The `file:line:column` places of the errors of a human report, in order.
fn places(err: &str) -> Vec<String> {
    err.lines()
        .filter_map(|l| l.trim_start().strip_prefix("┌─ "))
        .map(|p| p.trim().to_string())
        .collect()
}

fn assert_has(haystack: &str, needles: &[&str]) {
    for n in needles {
        assert!(haystack.contains(n), "missing {n:?} in:\n{haystack}");
    }
}

/// What a message must never say: the Rust types behind the content.
const RUST: &[&str] = &[
    "invalid type",
    "expected i32",
    "expected u32",
    "unknown field",
    "unknown variant",
    "missing field",
    "invalid value:",
    "expected struct",
];

fn speaks_content(err: &str) {
    for word in RUST {
        assert!(!err.contains(word), "{word:?} in:\n{err}");
    }
}

#[test]
fn three_mistakes_in_each_of_three_files_in_one_run() {
    let s = Scratch::of(FIXTURE);
    // plan.yaml: a word for a number, a misspelt required key, a value not allowed.
    s.edit("plan.yaml", "year: 2031", "year: tjugo");
    s.edit(
        "plan.yaml",
        "title: Verksamhetsplan",
        "tittle: Verksamhetsplan",
    );
    s.edit(
        "plan.yaml",
        "keywords: [verksamhetsplan, fritid, kultur]",
        "keywords: [verksamhetsplan, fritid, kultur]\nfarg: blå",
    );
    // A table: two misspelt keys of the file and one in a row's `{…}` map.
    s.edit("tables/driftbudget.yaml", "unit: tkr", "unitt: tkr");
    s.edit("tables/driftbudget.yaml", "caption:", "captionn:");
    s.edit(
        "tables/driftbudget.yaml",
        "{id: simhall, label: Simhall,",
        "{id: simhall, lable: Simhall,",
    );
    // A chapter: a block of an unknown kind, a key a goal does not take, a list for a text.
    s.edit("chapters/02-mal.yaml", "  - text: |", "  - txt: |");
    s.edit(
        "chapters/02-mal.yaml",
        "      id: mal-fler-besok",
        "      id: mal-fler-besok\n      ansvar: Kulturchefen",
    );
    s.edit(
        "chapters/02-mal.yaml",
        "title: Mål och uppdrag",
        "title: [Mål, uppdrag]",
    );
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "`year` must be a whole number like 2024; found the text `tjugo`",
            "unknown key `tittle`",
            "did you mean `title`? The file must have `title`.",
            "unknown key `farg`",
            "unknown key `unitt`",
            "unknown key `captionn`",
            "did you mean `caption`?",
            "unknown key `lable` in an item of `rows`",
            "an item of `blocks` is of an unknown kind, `txt`",
            "did you mean `text`?",
            "unknown key `ansvar` in `goal`",
            "`title` must be text; found a list",
        ],
    );
    let places = places(&err);
    for place in [
        "content/plan.yaml:3:7",
        "content/plan.yaml:4:1",
        "content/plan.yaml:9:1",
        "content/tables/driftbudget.yaml:2:1",
        "content/tables/driftbudget.yaml:3:1",
        "content/tables/driftbudget.yaml:9:19",
        "content/chapters/02-mal.yaml:2:8",
        "content/chapters/02-mal.yaml:4:5",
        "content/chapters/02-mal.yaml:8:7",
    ] {
        assert!(
            places.contains(&place.to_string()),
            "no error at {place}: {places:?}\n{err}"
        );
    }
    assert_has(&err, &["9 errors"]);
    speaks_content(&err);
}

#[test]
fn the_later_checks_run_on_a_file_read_without_its_mistakes() {
    let s = Scratch::of(FIXTURE);
    // Mistakes the table can be read without: a misspelt key and one it does not take ...
    s.edit("tables/driftbudget.yaml", "caption:", "captionn:");
    s.edit(
        "tables/driftbudget.yaml",
        "{id: simhall, label: Simhall,",
        "{id: simhall, label: Simhall, colour: red,",
    );
    // ... and a control figure that does not add up, which only the later checks see, in the
    // same file and in the chapter.
    s.edit(
        "tables/driftbudget.yaml",
        "values: [12500, 12100]}",
        "values: [12500, 12100], control: [12000, ~]}",
    );
    s.edit(
        "chapters/02-mal.yaml",
        "  - text: |",
        "  - table: driftbudgett\n  - text: |",
    );
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "unknown key `captionn`",
            "unknown key `colour` in an item of `rows`",
            "control figure does not match",
            "driftbudgett",
        ],
    );
    assert_has(&err, &["4 errors"]);
    speaks_content(&err);
}

#[test]
fn a_report_with_a_value_not_allowed_is_judged_whole() {
    // `assessment: delvs` used to hide every other mistake of the report.
    let s = Scratch::of(FIXTURE);
    copy_dir(&fixture("fjallkommun_2031_reports"), &s.content());
    let report = "uppfoljning/2031-delar.yaml";
    s.edit(
        report,
        "    assessment: delvis\n",
        "    assessment: delvs\n",
    );
    s.edit(
        report,
        "{id: ind-nki, outcome: \"78\", assessment: uppfylld}",
        "{id: ind-nki, outcome: \"78\", assesment: uppfylld}",
    );
    s.edit(
        report,
        "{id: bibliotek, utfall:",
        "{id: bibliotekk, utfall:",
    );
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "`assessment` must be one of `uppfylld`, `delvis`, `ej`, `ej-bedomd`; found `delvs`",
            "did you mean `delvis`?",
            "unknown key `assesment` in an item of `indicators`",
            "did you mean `assessment`?",
            "table `driftbudget` has no row `bibliotekk`",
        ],
    );
    // The value read as absent is not reported again as "not assessed yet".
    assert!(!err.contains("not assessed yet"), "{err}");
    assert_has(&err, &["3 errors, 0 warnings"]);
    // The plan itself is sound: it builds, and the report's problems are the report's.
    let out = s.run("check", &["--report", "2031-delar"]);
    assert_eq!(out.status.code(), Some(1));
    speaks_content(&err);
}

#[test]
fn a_file_that_cannot_be_read_without_its_mistakes_still_gives_them_all() {
    let s = Scratch::of(FIXTURE);
    // A table without its required `columns` list (a map instead) cannot be read at all; its
    // other mistakes and another file's are reported with it.
    s.edit("tables/driftbudget.yaml", "unit: tkr", "unit: 5");
    s.edit("tables/driftbudget.yaml", "rows:", "rader: []\nrows:");
    s.edit(
        "tables/driftbudget.yaml",
        "{id: bibliotek, label: Bibliotek, values: [12500, 12100]}",
        "{id: bibliotek, label: Bibliotek, kind: summa, values: [12500, 12100]}",
    );
    s.edit("plan.yaml", "year: 2031", "year: \"2031\"");
    let (code, err) = check(&s, &[]);
    assert_eq!(code, 1, "{err}");
    assert_has(
        &err,
        &[
            "expected text, found the number 5; if it is meant as text, put it in quotes: \"5\"",
            "unknown key `rader`",
            "`kind` must be one of `data`, `group`, `sum`; found `summa`",
            "did you mean `sum`?",
            "`year` must be a whole number like 2024; found the text `2031`",
        ],
    );
    assert_has(&err, &["4 errors"]);
    speaks_content(&err);
}

#[test]
fn no_message_of_the_schema_corpus_speaks_rust() {
    // Every refusal of `check` over the editors' corpus of broken files is in the content's
    // words (see schema.rs for the corpus).
    let s = Scratch::of(FIXTURE);
    for (file, from, to) in [
        ("plan.yaml", "year: 2031", "year: 20.5"),
        ("plan.yaml", "year: 2031", "year: [2031]"),
        ("plan.yaml", "year: 2031", "year: 99999999999"),
        ("tables/driftbudget.yaml", "precision: 0}", "precision: -1}"),
        (
            "tables/driftbudget.yaml",
            "precision: 0}",
            "precision: noll}",
        ),
        ("tables/driftbudget.yaml", "sum: all}", "sum: alla}"),
        ("tables/driftbudget.yaml", "sum: all}", "sum: {all: true}}"),
        (
            "chapters/02-mal.yaml",
            "  - text: |",
            "  - text: hej\n    table: x\n  - text: |",
        ),
        ("chapters/02-mal.yaml", "  - text: |", "  - 12\n  - text: |"),
        (
            "chapters/02-mal.yaml",
            "  - text: |",
            "  - perspektiv\n  - text: |",
        ),
        ("chapters/02-mal.yaml", "blocks:", "blocks: {}\nx:"),
    ] {
        let content = s.content().join(file);
        let original = std::fs::read_to_string(&content).unwrap();
        s.edit(file, from, to);
        let (code, err) = check(&s, &[]);
        std::fs::write(&content, original).unwrap();
        assert_eq!(code, 1, "{file}: {to}\n{err}");
        speaks_content(&err);
        assert!(
            err.contains(&format!("content/{file}:")),
            "{file}: {to}\n{err}"
        );
    }
}

#[test]
fn an_empty_file_or_one_of_another_shape_says_what_it_must_hold() {
    let s = Scratch::of(FIXTURE);
    for (text, says) in [
        ("", "the file is empty: it must be a map of keys and values"),
        ("# bara en kommentar\n", "the file is empty"),
        (
            "- a\n- b\n",
            "the file must be a map of keys and values; found a list",
        ),
        ("? [a, b]\n: c\n", "unknown key `?`"),
    ] {
        s.write("tables/driftbudget.yaml", text);
        let (code, err) = check(&s, &[]);
        assert_eq!(code, 1, "{text:?}\n{err}");
        assert_has(&err, &[says, "content/tables/driftbudget.yaml"]);
        speaks_content(&err);
    }
    s.write("tables/driftbudget.yaml", "");
    let (_, err) = check(&s, &[]);
    assert_has(
        &err,
        &["the file must have `id:`, `unit:`, `columns:`, `rows:`"],
    );
}
