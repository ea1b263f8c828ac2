//! `vplan diff`: a semantic diff by id between directories and git revisions, with the totals
//! each changed amount moved; its output formats and exit codes; `vplan textconv`; and
//! `vplan build --redline`.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use crate::common::*;

const FIXTURE: &str = "fjallkommun_2031";

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("git runs (tests need git; .ci/run installs it)");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A git repository whose first commit is the fixture plan under `content/`.
/// `build --redline HEAD --emit-typst` of the fixture's repository: the redline's generated
/// Typst source, and the output directory its PDF is in.
fn build_redline(s: &Scratch) -> (String, std::path::PathBuf) {
    let out = s.run("build", &["--redline", "HEAD", "--emit-typst", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let output = s.dir.path().join("output");
    let typ = fs::read_to_string(
        output.join("2031-fritids-och-kulturnamnden-verksamhetsplan-redline.typ"),
    )
    .unwrap();
    (typ, output)
}

fn repo() -> Scratch {
    let s = Scratch::of(FIXTURE);
    git(s.dir.path(), &["init", "-q"]);
    git(s.dir.path(), &["add", "-A"]);
    git(s.dir.path(), &["commit", "-q", "-m", "första versionen"]);
    s
}

fn commit(s: &Scratch, message: &str) {
    git(s.dir.path(), &["commit", "-q", "-am", message]);
}

fn diff(s: &Scratch, args: &[&str]) -> Output {
    let mut all = vec!["diff", "--color", "never"];
    all.extend_from_slice(args);
    vplan_timed(s.dir.path(), &all)
}

/// `vplan diff REVS --format pdf -o FILE` with the repository's templates, which finds
/// changes (exit 1): the text of the change report.
fn change_report(s: &Scratch, revs: &[&str], file: &str) -> String {
    let templates = root().join("templates");
    let mut args = revs.to_vec();
    args.extend([
        "--format",
        "pdf",
        "-o",
        file,
        "--templates",
        templates.to_str().unwrap(),
    ]);
    let out = diff(s, &args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    pdf_text(&s.dir.path().join(file))
}

/// Bibliotek 12 500 → 13 000 tkr, and two words of the introduction.
fn edit_amount_and_words(s: &Scratch) {
    s.edit(
        "tables/driftbudget.yaml",
        "values: [12500, 12100]",
        "values: [13000, 12100]",
    );
    s.edit(
        "chapters/01-inledning.yaml",
        "bygger på kommunfullmäktiges budget",
        "bygger på kommunstyrelsens förslag",
    );
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).replace('\u{a0}', " ")
}

#[test]
fn no_changes_prints_nothing_and_exits_0() {
    let s = repo();
    let out = diff(&s, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn a_changed_amount_shows_the_totals_it_moved() {
    let s = repo();
    s.edit(
        "tables/driftbudget.yaml",
        "values: [12500, 12100]",
        "values: [13000, 12100]",
    );
    let out = diff(&s, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("vplan diff HEAD → working tree: 1 change\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "~ amount changed Driftbudget › Bibliotek › Budget 2031 [driftbudget/bibliotek/b2031]"
        ),
        "{text}"
    );
    assert!(text.contains("12 500 → 13 000 (+500) tkr"), "{text}");
    assert!(
        text.contains("⇒ Driftbudget › Summa › Budget 2031: 20 016 → 20 516 (+500) tkr"),
        "{text}"
    );
    // The working tree and the index are untouched.
    assert!(git(s.dir.path(), &["status", "--porcelain"])
        .contains(" M content/tables/driftbudget.yaml"));
}

#[test]
fn the_issue_example_on_the_default_plan() {
    // Bilaga 1 › Fastighetsinvesteringar › RS ftg Reinvesteringar, pott: 70,0 → 72,5 moves the
    // appendix total and the investeringsbudget that takes it.
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    copy_dir(&root().join("content"), &old);
    copy_dir(&root().join("content"), &new);
    let table = new.join("tables/bilaga-1/fastigheter.yaml");
    let text = fs::read_to_string(&table).unwrap();
    fs::write(
        &table,
        text.replace("pott\", values: [70.0]}", "pott\", values: [72.5]}"),
    )
    .unwrap();
    let out = vplan(
        dir.path(),
        &[
            "diff", "--color", "never", "old", "new", "--format", "markdown",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let md = stdout(&out);
    assert!(md.contains("### Bilaga 1"), "{md}");
    assert!(
        md.contains("RS ftg Reinvesteringar, pott › Belopp, mnkr"),
        "{md}"
    );
    assert!(md.contains("70,0 → 72,5 (+2,5) mnkr"), "{md}");
    assert!(
        md.contains("Summa fastighetsinvesteringar 2024 › Belopp, mnkr: 203,8 → 206,3 (+2,5) mnkr"),
        "{md}"
    );
    assert!(
        md.contains("Investeringsbudget › Summa › Budget 2024: 372,5 → 375,0 (+2,5) mnkr"),
        "{md}"
    );
    assert!(
        md.contains("Investeringsbudget › Byggnadsinvesteringar › Budget 2024: 203,8 → 206,3"),
        "{md}"
    );
}

#[test]
fn json_amounts_are_exact_decimals_beside_the_display() {
    // Driftbudget (columns in groups, precision 1): 1 135,0 → 1 140,5 and an empty cell → 3.
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    copy_dir(&root().join("content"), &old);
    copy_dir(&root().join("content"), &new);
    let table = new.join("tables/6-4-driftbudget.yaml");
    let text = fs::read_to_string(&table).unwrap();
    let from = "values: [1135, 0, 1136.5, ~]}";
    assert!(text.contains(from));
    fs::write(
        &table,
        text.replace(
            from,
            "values: [1140.5, 0, 1136.5, 3]}\n  - {id: ny, label: Ny rad, values: [2, ~, -0.5, 0]}",
        ),
    )
    .unwrap();
    let out = vplan(dir.path(), &["diff", "old", "new", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes = json["changes"].as_array().unwrap();
    let find = |id: &str| {
        changes
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no change {id}: {json:#}"))
    };
    let nb = |s: &str| s.replace(' ', "\u{a0}").replace('-', "\u{2212}");
    assert_eq!(
        find("driftbudget/fastigheter/b2024-omsattning"),
        &serde_json::json!({
            "section": "6 Budget",
            "change": "changed",
            "kind": "amount",
            "id": "driftbudget/fastigheter/b2024-omsattning",
            "place": ["6 Budget", "Driftbudget servicenämnd", "Område fastigheter"],
            "field": "Budget 2024 › Omsättning",
            "old": nb("1 135,0"),
            "new": nb("1 140,5"),
            "difference": "+5,5",
            "unit": "mnkr",
            "old_value": "1135.0",
            "new_value": "1140.5",
            "difference_value": "5.5",
            "precision": 1,
            "totals": [{
                "id": "driftbudget/summa/b2024-omsattning",
                "place": ["Driftbudget servicenämnd", "Summa", "Budget 2024 › Omsättning"],
                "old": nb("2 380,0"),
                "new": nb("2 387,5"),
                "difference": "+7,5",
                "unit": "mnkr",
                "old_value": "2380.0",
                "new_value": "2387.5",
                "difference_value": "7.5",
                "precision": 1
            }]
        })
    );
    // An empty cell is `null` in machine form, `–` in display form.
    let empty = find("driftbudget/fastigheter/p2023-budgetram");
    assert_eq!(empty["old"], "–");
    assert_eq!(empty["old_value"], serde_json::Value::Null);
    assert_eq!(empty["new_value"], "3.0");
    assert_eq!(empty["difference_value"], "3.0");
    // A row added carries each of its amounts, by column, in both forms.
    let row = find("ny");
    assert_eq!(row["kind"], "row");
    assert_eq!(
        row["cells"][0],
        serde_json::json!({
            "column": "b2024-omsattning",
            "name": "Budget 2024 › Omsättning",
            "display": "2,0",
            "value": "2.0",
            "unit": "mnkr",
            "precision": 1
        })
    );
    assert_eq!(row["cells"][1]["value"], serde_json::Value::Null);
    assert_eq!(row["cells"][1]["display"], "–");
    assert_eq!(row["cells"][2]["value"], "-0.5");
    assert_eq!(row["cells"][2]["display"], nb("-0,5"));
    assert_eq!(row["cells"][3]["name"], "Prognos 2023 › Varav budgetram");
    // Text names the cell by group and title too.
    let out = vplan(dir.path(), &["diff", "--color", "never", "old", "new"]);
    let text = stdout(&out);
    assert!(
        text.contains("~ amount changed Driftbudget servicenämnd › Område fastigheter › Budget 2024 › Omsättning [driftbudget/fastigheter/b2024-omsattning]\n      1 135,0 → 1 140,5 (+5,5) mnkr\n"),
        "{text}"
    );
}

#[test]
fn texts_goals_and_labels_are_compared_by_id() {
    let s = repo();
    // A word in a paragraph; a row renamed (same id); a goal moved to another chapter; an
    // indicator added; metadata changed.
    s.edit(
        "chapters/01-inledning.yaml",
        "bygger på kommunfullmäktiges budget",
        "bygger på kommunstyrelsens förslag",
    );
    s.edit(
        "tables/driftbudget.yaml",
        "label: Simhall,",
        "label: Simhallar,",
    );
    s.edit("chapters/02-mal.yaml", "        - {id: ind-besok, text: Antalet besök ska öka jämfört med föregående år.}",
        "        - {id: ind-besok, text: Antalet besök ska öka jämfört med föregående år.}\n        - {id: ind-nojdhet, text: Nöjdheten ska öka.}");
    s.edit(
        "plan.yaml",
        "keywords: [verksamhetsplan, fritid, kultur]",
        "keywords: [verksamhetsplan, fritid, kultur]\nauthor: Kultur- och fritidsförvaltningen",
    );
    let out = diff(&s, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("~ paragraph changed"), "{text}");
    assert!(
        text.contains("[-kommunfullmäktiges budget.-]{+kommunstyrelsens förslag.+}"),
        "{text}"
    );
    assert!(
        text.contains("~ row changed Driftbudget › Simhallar › label [simhall]"),
        "{text}"
    );
    assert!(text.contains("[-Simhall-]{+Simhallar+}"), "{text}");
    assert!(
        !text.contains("row added"),
        "a renamed row is not an added row:\n{text}"
    );
    assert!(text.contains("+ indicator added"), "{text}");
    assert!(text.contains("Nöjdheten ska öka."), "{text}");
    assert!(
        text.contains("Metadata\n  + metadata added author"),
        "{text}"
    );

    let json: serde_json::Value =
        serde_json::from_slice(&diff(&s, &["--format", "json"]).stdout).unwrap();
    let changes = json["changes"].as_array().unwrap();
    assert_eq!(json["old"], "HEAD");
    assert!(changes.iter().any(|c| c["kind"] == "row"
        && c["change"] == "changed"
        && c["old"] == "Simhall"
        && c["new"] == "Simhallar"));
    assert!(changes
        .iter()
        .any(|c| c["kind"] == "indicator" && c["id"] == "ind-nojdhet" && c["change"] == "added"));

    let stat = stdout(&diff(&s, &["--stat"]));
    let line = stat.lines().find(|l| l.starts_with(" Metadata ")).unwrap();
    assert!(line.ends_with(" | 1 added"), "{stat}");
    assert!(stat.contains("4 sections changed, 4 changes"), "{stat}");
}

#[test]
fn a_goal_moved_to_another_chapter_is_a_move() {
    let s = repo();
    let goal = "  - goal:\n      id: mal-fler-besok\n      text: Fler invånare besöker kommunens bibliotek och simhallar.\n      indicators:\n        - {id: ind-besok, text: Antalet besök ska öka jämfört med föregående år.}\n";
    s.edit("chapters/02-mal.yaml", goal, "");
    let intro = fs::read_to_string(s.content().join("chapters/01-inledning.yaml")).unwrap();
    s.write("chapters/01-inledning.yaml", intro + goal);
    let text = stdout(&diff(&s, &[]));
    assert!(text.contains("> goal moved"), "{text}");
    assert!(text.contains("from 2 Mål och uppdrag"), "{text}");
    assert!(
        !text.contains("goal added") && !text.contains("goal removed"),
        "{text}"
    );
}

#[test]
fn revisions_tags_and_two_sided_diffs() {
    let s = repo();
    git(s.dir.path(), &["tag", "v1"]);
    s.edit(
        "tables/driftbudget.yaml",
        "values: [8750, 8900]",
        "values: [8800, 8900]",
    );
    commit(&s, "simhall");
    // Two revisions; the working tree is clean, so HEAD against it has no changes.
    let out = diff(&s, &["v1", "HEAD"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("vplan diff v1 → HEAD: 1 change\n"),
        "{}",
        stdout(&out)
    );
    assert_eq!(diff(&s, &["HEAD"]).status.code(), Some(0));
    let out = diff(&s, &["HEAD~1"]);
    assert!(
        stdout(&out).contains("8 750 → 8 800 (+50) tkr"),
        "{}",
        stdout(&out)
    );
    // --quiet prints nothing, the exit code still tells.
    let out = vplan_timed(s.dir.path(), &["-q", "diff", "v1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    // A file asked for with -o is written all the same, in silence.
    for (format, name) in [("json", "changes.json"), ("pdf", "changes.pdf")] {
        let file = s.dir.path().join(name);
        let out = vplan_timed(
            s.dir.path(),
            &[
                "-q",
                "diff",
                "v1",
                "--format",
                format,
                "-o",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(out.stdout.is_empty() && out.stderr.is_empty());
        assert!(fs::metadata(&file).unwrap().len() > 0, "{name} written");
    }
}

#[test]
fn errors_exit_2() {
    let s = repo();
    let out = diff(&s, &["no-such-rev"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`no-such-rev` is neither a directory nor a revision"),
        "{}",
        stderr(&out)
    );
    // An old revision with a content error names the revision and the file.
    s.edit(
        "tables/driftbudget.yaml",
        "label: Simhall,",
        "lable: Simhall,",
    );
    commit(&s, "trasig");
    s.edit(
        "tables/driftbudget.yaml",
        "lable: Simhall,",
        "label: Simhall,",
    );
    let out = diff(&s, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("HEAD:content/tables/driftbudget.yaml:9:"),
        "{err}"
    );
    assert!(err.contains("unknown key `lable`"), "{err}");
    // Not a repository.
    let plain = Scratch::of(FIXTURE);
    let out = diff(&plain, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not in a git repository"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_change_report_as_pdf() {
    let s = repo();
    edit_amount_and_words(&s);
    let text = change_report(&s, &[], "andringar.pdf").replace(" :", ":");
    for needle in [
        "Ändringsförteckning",
        "Ändringar från HEAD till working tree: 2 ändringar",
        "Ändrat belopp — Driftbudget › Bibliotek › Budget 2031",
        "12 500 → 13 000 (+500) tkr",
        "⇒ Driftbudget › Summa › Budget 2031: 20 016 → 20 516 (+500) tkr",
        "Ändrat stycke",
        "kommunfullmäktiges budget. kommunstyrelsens förslag.",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
    // Without -o there is nowhere to put a PDF.
    assert_eq!(diff(&s, &["--format", "pdf"]).status.code(), Some(2));
}

/// The report quotes changed prose as the plan prints it: its Markdown rendered (emphasis,
/// strong text, lists), every character of it escaped, not the raw `*…*` of the source.
#[test]
fn the_change_report_renders_the_markdown_it_quotes() {
    let s = repo();
    s.edit(
        "chapters/01-inledning.yaml",
        "      Planen gäller",
        "      *Tillsammans skapar vi* en kommun för alla, med **öppna** bibliotek.\n\n      - Simhallen\n      - Biblioteket\n\n      Planen gäller",
    );
    commit(&s, "prosa");
    s.edit(
        "chapters/01-inledning.yaml",
        "*Tillsammans skapar vi* en kommun för alla",
        "*Tillsammans bygger vi* en kommun för alla",
    );
    s.edit(
        "chapters/01-inledning.yaml",
        "      - Simhallen\n      - Biblioteket\n\n",
        "",
    );
    s.edit(
        "chapters/01-inledning.yaml",
        "kommunfullmäktiges budget.",
        "kommunfullmäktiges budget.\n\n      Avgiften är _5 #kr_ [se $taxa] \\\\ `#set page(width: 1cm)`.",
    );
    let text = change_report(&s, &[], "andringar.pdf");
    for needle in [
        "Tillsammans skapar bygger vi en kommun för alla, med öppna bibliotek.",
        "Simhallen",
        "Biblioteket",
        "Avgiften är 5 #kr [",
        "se $taxa",
        "#set page(width: 1cm)",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
    for raw in ["*Tillsammans", "**öppna**", "- Simhallen", "_5"] {
        assert!(!text.contains(raw), "{raw:?} quoted raw in:\n{text}");
    }
}

#[test]
fn textconv_normalises_and_plugs_into_git_diff() {
    let s = repo();
    let exe = env!("CARGO_BIN_EXE_vplan");
    fs::write(
        s.dir.path().join(".gitattributes"),
        "content/**/*.yaml diff=vplan\n",
    )
    .unwrap();
    git(
        s.dir.path(),
        &[
            "config",
            "diff.vplan.textconv",
            &format!("'{exe}' textconv"),
        ],
    );
    // Reformatting (flow to block style) is no change; a changed amount is one line.
    s.edit(
        "tables/driftbudget.yaml",
        "  - {id: bibliotek, label: Bibliotek, values: [12500, 12100]}",
        "  - id: bibliotek\n    label: Bibliotek\n    values: [12600, 12100]",
    );
    let d = git(
        s.dir.path(),
        &["diff", "--", "content/tables/driftbudget.yaml"],
    );
    // Each amount is a line of its own that names its column.
    assert!(
        d.contains(
            "-rows[bibliotek].values[Budget 2031]: 12500\n+rows[bibliotek].values[Budget 2031]: 12600\n"
        ),
        "{d}"
    );
    assert_eq!(
        d.lines()
            .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
            .count(),
        1,
        "{d}"
    );
    // With --word-diff the changed amount stands on the line that names its column.
    let w = git(
        s.dir.path(),
        &[
            "diff",
            "--word-diff",
            "--",
            "content/tables/driftbudget.yaml",
        ],
    );
    assert!(
        w.contains("rows[bibliotek].values[Budget 2031]: [-12500-]{+12600+}\n"),
        "{w}"
    );
    assert!(!w.contains("[-12100-]"), "{w}");
}

#[test]
fn textconv_output_does_not_depend_on_key_order() {
    let s = repo();
    let exe = env!("CARGO_BIN_EXE_vplan");
    fs::write(
        s.dir.path().join(".gitattributes"),
        "content/**/*.yaml diff=vplan\n",
    )
    .unwrap();
    git(
        s.dir.path(),
        &[
            "config",
            "diff.vplan.textconv",
            &format!("'{exe}' textconv"),
        ],
    );
    let textconv = |file: &str| {
        let out = vplan(
            s.dir.path(),
            &["textconv", s.content().join(file).to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        out.stdout
    };
    let (table, goals) = ("tables/driftbudget.yaml", "chapters/02-mal.yaml");
    let before = (textconv(table), textconv(goals));
    // The same table with its top-level keys, a column's and the rows' keys in another order.
    s.write(
        table,
        "rows:\n  - {label: Bibliotek, values: [12500, 12100], id: bibliotek}\n  - {values: [8750, 8900], id: simhall, label: Simhall}\n  - {label: Föreningsbidrag, id: foreningsbidrag, values: [-1234.0, 3100]}\n  - {sum: all, kind: sum, label: Summa, id: summa}\ncolumns:\n  - {title: Budget 2031, precision: 0, id: b2031}\n  - {precision: 0, id: b2030, title: Budget 2030}\ncaption: Belopp i tkr\nunit: tkr\nid: driftbudget\n",
    );
    // A chapter with the goal's, its indicator's and the chapter's keys reordered.
    s.write(
        goals,
        "blocks:\n  - text: |\n      Nämnden har ett eget mål för året.\n  - goal:\n      indicators:\n        - {text: Antalet besök ska öka jämfört med föregående år., id: ind-besok}\n      text: Fler invånare besöker kommunens bibliotek och simhallar.\n      id: mal-fler-besok\n  - assignment:\n      text: Förvaltningen får i uppdrag att se över öppettiderna.\n      id: uppdrag-oppettider\ntitle: Mål och uppdrag\nid: mal\n",
    );
    assert!(
        !git(s.dir.path(), &["diff", "--no-textconv", "--stat"]).is_empty(),
        "the files did change"
    );
    assert_eq!((textconv(table), textconv(goals)), before, "byte for byte");
    let d = git(s.dir.path(), &["diff"]);
    // git prints a header for a changed file even when the converted texts are equal; not
    // one line of content differs.
    let changed: Vec<&str> = d
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect();
    assert!(changed.is_empty(), "{d}");
    // And vplan agrees: nothing changed.
    assert_eq!(diff(&s, &[]).status.code(), Some(0));
}

#[test]
fn redline_build_marks_words_and_amounts() {
    let s = repo();
    edit_amount_and_words(&s);
    let (typ, output) = build_redline(&s);
    assert!(
        typ.contains("#vp-del[kommunfullmäktiges budget.];#vp-ins[kommunstyrelsens förslag.];"),
        "{typ}"
    );
    assert!(typ.contains("#vp-del[12\u{a0}500]; 13\u{a0}000"), "{typ}");
    assert!(
        typ.contains("#vp-del[20\u{a0}016]; 20\u{a0}516"),
        "the sum shows its old value too"
    );
    let pdf = output.join("2031-fritids-och-kulturnamnden-verksamhetsplan-redline.pdf");
    let text = pdf_text(&pdf);
    assert!(
        text.contains("Ändringsmarkerad version: ändringar sedan HEAD"),
        "{text}"
    );
    assert!(text.contains("12 500 13 000"), "{text}");
    // The plain PDF is not touched by a redline build.
    assert!(!output
        .join("2031-fritids-och-kulturnamnden-verksamhetsplan.pdf")
        .exists());
}

/// What was removed stands struck through where it stood, as latexdiff prints it: a goal with
/// its indicator, a table row with its old figures (counted into no sum), a section and a
/// whole chapter.
#[test]
fn redline_strikes_what_was_removed_where_it_stood() {
    let s = repo();
    s.write(
        "chapters/04-kultur.yaml",
        "id: kultur\ntitle: Kulturskolan\nblocks:\n  - section:\n      id: kultur-elever\n      title: Elever i kulturskolan\n      blocks:\n        - text: |\n            Kulturskolan tar emot *fler* elever.\n        - table: elever\n",
    );
    s.write(
        "tables/elever.yaml",
        "id: elever\nunit: st\ncaption: Antal elever\ncolumns:\n  - {id: n2031, title: År 2031, precision: 0}\nrows:\n  - {id: dans, label: Dans, values: [1250]}\n  - {id: musik, label: Musik, values: [3400]}\n  - {id: alla, label: Alla elever, kind: sum, sum: all}\n",
    );
    git(s.dir.path(), &["add", "-A"]);
    commit(&s, "kapitel");
    // The goal (with its indicator), the Simhall row, the appendix's section and the chapter go.
    s.edit(
        "chapters/02-mal.yaml",
        "  - goal:\n      id: mal-fler-besok\n      text: Fler invånare besöker kommunens bibliotek och simhallar.\n      indicators:\n        - {id: ind-besok, text: Antalet besök ska öka jämfört med föregående år.}\n",
        "",
    );
    s.edit(
        "tables/driftbudget.yaml",
        "  - {id: simhall, label: Simhall, values: [8750, 8900]}\n",
        "",
    );
    s.edit(
        "appendices/01-bilaga.yaml",
        "  - section:\n      id: bilaga-taxor-vuxna\n      title: Taxor för vuxna\n      blocks:\n        - text: |\n            Entré för vuxna kostar 80 kronor.",
        "  - text: |\n      Taxorna beslutas av fullmäktige.",
    );
    fs::remove_file(s.content().join("chapters/04-kultur.yaml")).unwrap();
    fs::remove_file(s.content().join("tables/elever.yaml")).unwrap();
    let (typ, output) = build_redline(&s);
    for struck in [
        "#vp-del[Fler invånare besöker kommunens bibliotek och simhallar.];",
        "#vp-del[Antalet besök ska öka jämfört med föregående år.];",
        "[#vp-del[Simhall];], [#vp-del[8\u{a0}750];], [#vp-del[8\u{a0}900];],",
        "#vp-del[Taxor för vuxna];",
        "#vp-del[Entré för vuxna kostar 80 kronor.];",
        "#heading(level: 1, numbering: none, outlined: false)[#vp-del[Kulturskolan];]",
        "#vp-del[Elever i kulturskolan];",
        "#emph[#vp-del[fler];]",
        "#vp-th[#vp-del[Antal elever];];",
        "[#vp-del[Musik];], [#vp-del[3\u{a0}400];],",
        "[#strong[#vp-del[Alla elever];];], [#strong[#vp-del[4\u{a0}650];];],",
    ] {
        assert!(typ.contains(struck), "{struck} not in\n{typ}");
    }
    // In place: the goal before the assignment, the row between Bibliotek and
    // Föreningsbidrag, the chapter after Budget and before the appendix.
    let at = |t: &str| typ.find(t).unwrap_or_else(|| panic!("{t} not in\n{typ}"));
    assert!(at("Fler invånare besöker") < at("Förvaltningen får i uppdrag"));
    assert!(at("[Bibliotek]") < at("#vp-del[Simhall]"));
    assert!(at("#vp-del[Simhall]") < at("[Föreningsbidrag]"));
    assert!(at("#heading(level: 1)[Budget]") < at("#vp-del[Kulturskolan]"));
    assert!(at("#vp-del[Kulturskolan]") < at("#vp-appendix("));
    // The sum is the new plan's: 12 500 − 1 234, the old 20 016 struck before it.
    assert!(typ.contains("#vp-del[20\u{a0}016]; 11\u{a0}266"), "{typ}");
    // The removed section does not take a number from the ones that stay.
    assert!(
        typ.contains("#vp-heading(level: 2, numbered: false, outlined: false, italic: false)[#vp-del[Taxor för vuxna];]"),
        "{typ}"
    );
    let text = pdf_text(&output.join("2031-fritids-och-kulturnamnden-verksamhetsplan-redline.pdf"));
    for printed in [
        "Fler invånare besöker kommunens bibliotek och simhallar.",
        "Antalet besök ska öka",
        "Simhall 8 750 8 900",
        "Taxor för vuxna",
        "Kulturskolan",
        "Elever i kulturskolan",
        "Summa 20 016 11 266",
        "Alla elever 4 650",
    ] {
        assert!(text.contains(printed), "{printed} not in\n{text}");
    }
    // Only the chapters and sections that stay are numbered and in the table of contents.
    assert!(!text.contains("4 Kulturskolan"), "{text}");
    // The table of contents ends with the appendix, listed before the chapters begin.
    let toc = &text[..text.find("Bilaga 1: Taxor för simhallen").unwrap()];
    assert!(toc.contains("3.1 Driftbudget"), "{toc}");
    assert!(!toc.contains("Kulturskolan"), "{toc}");
    assert!(!toc.contains("Elever i kulturskolan"), "{toc}");
}

/// A history of the fixture plan, one kind of change a commit, compared revision by revision
/// and in one step, in every format.
#[test]
fn a_history_of_commits_in_every_format() {
    let s = repo(); // HEAD~6: the fixture as it is
    s.edit(
        "chapters/01-inledning.yaml",
        "bygger på kommunfullmäktiges budget",
        "bygger på kommunstyrelsens förslag",
    );
    commit(&s, "text"); // HEAD~5
    s.edit(
        "tables/driftbudget.yaml",
        "values: [8750, 8900]",
        "values: [9000, 8900]",
    );
    commit(&s, "belopp"); // HEAD~4
    s.edit(
        "chapters/02-mal.yaml",
        "  - assignment:",
        "  - goal:\n      id: mal-fler-lanade-bocker\n      text: Fler böcker lånas ut.\n  - assignment:",
    );
    commit(&s, "nytt mål"); // HEAD~3
    s.edit(
        "tables/driftbudget.yaml",
        "  - {id: bibliotek, label: Bibliotek, values: [12500, 12100]}\n  - {id: simhall, label: Simhall, values: [9000, 8900]}\n",
        "  - {id: simhall, label: Simhall, values: [9000, 8900]}\n  - {id: bibliotek, label: Bibliotek, values: [12500, 12100]}\n",
    );
    commit(&s, "rad flyttad"); // HEAD~2
    s.edit(
        "tables/driftbudget.yaml",
        "label: Simhall,",
        "label: Simhallar,",
    );
    commit(&s, "rad bytt namn"); // HEAD~1
    s.edit(
        "plan.yaml",
        "decision_date: 2030-12-03",
        "decision_date: 2030-12-10",
    );
    commit(&s, "metadata"); // HEAD

    let step = |old: &str, new: &str| {
        let out = diff(&s, &[old, new]);
        assert_eq!(out.status.code(), Some(1), "{old}..{new}: {}", stderr(&out));
        stdout(&out)
    };
    let t = step("HEAD~6", "HEAD~5");
    assert!(
        t.contains("~ paragraph changed paragraph 2 [inledning#2]"),
        "{t}"
    );
    assert!(
        t.contains("[-kommunfullmäktiges budget.-]{+kommunstyrelsens förslag.+}"),
        "{t}"
    );
    let t = step("HEAD~5", "HEAD~4");
    assert!(t.contains("8 750 → 9 000 (+250) tkr"), "{t}");
    assert!(
        t.contains("⇒ Driftbudget › Summa › Budget 2031: 20 016 → 20 266 (+250) tkr"),
        "{t}"
    );
    let t = step("HEAD~4", "HEAD~3");
    assert!(
        t.contains("+ goal added [mal-fler-lanade-bocker]\n      Fler böcker lånas ut."),
        "{t}"
    );
    let t = step("HEAD~3", "HEAD~2");
    assert!(
        t.contains(
            "> row moved Driftbudget › Simhall › position [simhall]\n      after Bibliotek → first"
        ),
        "{t}"
    );
    assert!(
        !t.contains("bibliotek]"),
        "only the moved row is reported:\n{t}"
    );
    let t = step("HEAD~2", "HEAD~1");
    assert!(
        t.contains("~ row changed Driftbudget › Simhallar › label [simhall]"),
        "{t}"
    );
    let t = step("HEAD~1", "HEAD");
    assert!(
        t.contains(
            "~ metadata changed decision_date [decision_date]\n      2030-12-03 → 2030-12-10"
        ),
        "{t}"
    );
    assert_eq!(diff(&s, &["HEAD~1", "HEAD~1"]).status.code(), Some(0));

    // All six in one step.
    let t = step("HEAD~6", "HEAD");
    assert!(
        t.starts_with("vplan diff HEAD~6 → HEAD: 6 changes\n"),
        "{t}"
    );
    let md = stdout(&diff(&s, &["HEAD~6", "HEAD", "--format", "markdown"]));
    assert!(
        md.starts_with("## vplan diff `HEAD~6` → `HEAD`\n\n6 changes.\n"),
        "{md}"
    );
    assert!(
        md.contains("~~kommunfullmäktiges budget.~~ **kommunstyrelsens förslag.**"),
        "{md}"
    );
    assert!(md.contains("8 750 → 9 000 (+250) tkr"), "{md}");
    assert!(
        md.contains("  - ⇒ Driftbudget › Summa › Budget 2031: 20 016 → 20 266 (+250) tkr"),
        "{md}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&diff(&s, &["HEAD~6", "HEAD", "--format", "json"]).stdout).unwrap();
    let changes = json["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 6);
    let amount = changes.iter().find(|c| c["kind"] == "amount").unwrap();
    assert_eq!(amount["difference"], "+250");
    assert_eq!(amount["totals"][0]["new"], "20\u{a0}266");
    let stat = stdout(&diff(&s, &["HEAD~6", "HEAD", "--stat"]));
    assert!(stat.ends_with(" 4 sections changed, 6 changes\n"), "{stat}");
    let line = stat.lines().find(|l| l.starts_with(" 3 Budget")).unwrap();
    assert!(line.ends_with("| 2 changed, 1 moved"), "{stat}");
    let text = change_report(&s, &["HEAD~6", "HEAD"], "r.pdf");
    for needle in [
        "Flyttad rad",
        "efter Bibliotek → först",
        "Tillagt mål",
        "Ändrad uppgift",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
}

/// The default plan in git: one Bilaga 1 amount changed between two revisions; the amount
/// and every total it moved, in the terminal, Markdown and PDF formats.
#[test]
fn two_revisions_of_the_default_plan() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("content"), &dir.path().join("content"));
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "beslutad"]);
    let table = dir.path().join("content/tables/bilaga-1/fastigheter.yaml");
    let text = fs::read_to_string(&table).unwrap();
    fs::write(
        &table,
        text.replace("pott\", values: [70.0]}", "pott\", values: [72.5]}"),
    )
    .unwrap();
    git(dir.path(), &["commit", "-q", "-am", "reinvesteringar"]);
    let run = |extra: &[&str]| {
        let mut args = vec!["diff", "HEAD~1", "HEAD", "--color", "never"];
        args.extend_from_slice(extra);
        let out = vplan(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).replace('\u{a0}', " ")
    };
    let t = run(&[]);
    for needle in [
        "Bilaga 1\n  ~ amount changed Fastighetsinvesteringar 2024 › RS ftg Reinvesteringar, pott › Belopp, mnkr",
        "      70,0 → 72,5 (+2,5) mnkr\n",
        "⇒ Fastighetsinvesteringar 2024 › Servicenämnden totalt: › Belopp, mnkr: 188,8 → 191,3 (+2,5) mnkr",
        "⇒ Fastighetsinvesteringar 2024 › Summa fastighetsinvesteringar 2024 › Belopp, mnkr: 203,8 → 206,3 (+2,5) mnkr",
        "⇒ Investeringsbudget › Byggnadsinvesteringar › Budget 2024: 203,8 → 206,3 (+2,5) mnkr",
        "⇒ Investeringsbudget › Summa › Budget 2024: 372,5 → 375,0 (+2,5) mnkr",
    ] {
        assert!(t.contains(needle), "{needle:?} not in:\n{t}");
    }
    assert_eq!(t.matches('⇒').count(), 4, "{t}");
    let md = run(&["--format", "markdown"]);
    assert!(
        md.contains("  - ⇒ Investeringsbudget › Summa › Budget 2024: 372,5 → 375,0 (+2,5) mnkr"),
        "{md}"
    );
    let templates = root().join("templates");
    run(&[
        "--format",
        "pdf",
        "-o",
        "andringar.pdf",
        "--templates",
        templates.to_str().unwrap(),
    ]);
    let pdf = pdf_text(&dir.path().join("andringar.pdf"));
    for needle in [
        "Ändrat belopp",
        "70,0 → 72,5 (+2,5) mnkr",
        "Summa fastighetsinvesteringar 2024 › Belopp, mnkr: 203,8 → 206,3 (+2,5) mnkr",
        "Investeringsbudget › Summa › Budget 2024: 372,5 → 375,0 (+2,5) mnkr",
    ] {
        assert!(pdf.contains(needle), "{needle:?} not in:\n{pdf}");
    }
}

/// The board secretary's changes: the status in the decision metadata and an att-sats of the
/// decision paper, between two directories of the default plan.
#[test]
fn decision_status_and_the_decision_paper_are_compared() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    copy_dir(&root().join("content"), &old);
    copy_dir(&root().join("content"), &new);
    let edit = |file: &str, from: &str, to: &str| {
        let path = new.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from));
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit("plan.yaml", "status: beslutad", "status: forslag");
    edit(
        "tjansteskrivelse.yaml",
        "att fastställa verksamhetsplan",
        "att godkänna verksamhetsplan",
    );
    let out = vplan_timed(dir.path(), &["diff", "--color", "never", "old", "new"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        "2 changes",
        "decision.status",
        "beslutad → forslag",
        "Tjänsteskrivelse",
        "att-sats changed [att-sats-1]",
        "att [-fastställa-]{+godkänna+} verksamhetsplan",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
}

/// A table added lists its rows with every amount (sums included) in every format, a table
/// removed the same from the old side; a column added lists its amounts; a row moved into
/// another group, a table placed elsewhere and a changed `sum_of` or footnote are reported.
#[test]
fn tables_and_columns_added_or_removed_list_their_amounts() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    copy_dir(&root().join("content"), &old);
    copy_dir(&root().join("content"), &new);
    fs::write(
        new.join("tables/6-6-extra.yaml"),
        "id: extra\nunit: mnkr\ncaption: Belopp i mnkr\ncolumns:\n  \
         - {id: b2024, title: Budget 2024, group: Nytt, precision: 1}\n  \
         - {id: personal, title: Personal, precision: 0, unit: årsarbetare}\n\
         rows:\n  - {id: g, label: Gruppen, kind: group}\n  \
         - {id: a, label: Alfa, values: [1.5, 2]}\n  \
         - {id: b, label: \"Beta | två\", values: [~, 3]}\n  \
         - {id: summa, label: Summa, kind: sum, sum: all}\n\
         notes:\n  - En fotnot.\n",
    )
    .unwrap();
    let edit = |file: &str, from: &str, to: &str| {
        let path = new.join(file);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from:?} not in {file}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    // Placed in the budget chapter; investeringsbudget placed under driftbudget instead.
    edit(
        "chapters/06-budget.yaml",
        "        - table: investeringsbudget\n",
        "        - table: extra\n",
    );
    edit(
        "chapters/06-budget.yaml",
        "        - table: driftbudget\n",
        "        - table: driftbudget\n        - table: investeringsbudget\n",
    );
    // A column with amounts in resultatbudget, Personalkostnader moved into the income group
    // and the footnote changed.
    let res = "tables/6-3-resultatbudget.yaml";
    edit(
        res,
        "  - {id: b2023, title: Budget 2023, precision: 1}\n",
        "  - {id: b2023, title: Budget 2023, precision: 1}\n  - {id: u2022, title: Utfall 2022, precision: 1}\n",
    );
    let path = new.join(res);
    let text = fs::read_to_string(&path).unwrap();
    let row =
        "  - {id: personalkostnader, label: Personalkostnader, values: [-665, -688.2, -692.8]}\n";
    let text = text
        .replace(row, "")
        .replace(
            "  - {id: summa-intakter,",
            &format!("{row}  - {{id: summa-intakter,"),
        )
        .replace(
            "values: [-665, -688.2, -692.8]}",
            "values: [-665, -688.2, -692.8, -600]}",
        )
        .replace(
            "values: [2380, 2394.5, 2381.4]}",
            "values: [2380, 2394.5, 2381.4, 2000]}",
        )
        .replace(
            "Resultat budget 2024 ska",
            "Resultat budget 2024 och 2025 ska",
        );
    // Every other data row gets an empty cell in the new column.
    let text = regex_free_pad(&text);
    fs::write(&path, text).unwrap();

    let run = |args: &[&str]| {
        let mut all = vec!["diff", "--color", "never", "old", "new"];
        all.extend_from_slice(args);
        let out = vplan(dir.path(), &all);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        stdout(&out)
    };
    let t = run(&[]);
    for needle in [
        "+ table added Investeringsbudget [extra]\n      4 rows\n      columns (mnkr): Nytt › Budget 2024 | Personal (årsarbetare)\n      Gruppen\n      Alfa: 1,5 | 2\n      Beta | två: – | 3\n      Summa: 1,5 | 5\n",
        "> table moved Driftbudget servicenämnd [investeringsbudget]\n      from 6 Budget › Investeringsbudget\n",
        "+ column added Resultatbudget servicenämnd [u2022]\n      Utfall 2022\n      Övriga intäkter: 2 000,0 mnkr\n      Personalkostnader: −600,0 mnkr\n",
        "      Resultat *): 1 400,0 mnkr\n",
        "> row moved Resultatbudget servicenämnd › Personalkostnader › group [personalkostnader]\n      Verksamhetens kostnader → Verksamhetens intäkter\n",
        "~ total changed Resultatbudget servicenämnd › Summa intäkter › Budget 2024 [resultatbudget/summa-intakter/b2024]\n      2 380,0 → 1 715,0 (−665,0) mnkr\n",
        "~ table changed Resultatbudget servicenämnd › notes [resultatbudget]\n      \\*) Resultat budget 2024 {+och 2025 +}ska",
    ] {
        assert!(t.contains(needle), "{needle:?} not in:\n{t}");
    }
    let md = run(&["--format", "markdown"]);
    for needle in [
        "- **table added** — Investeringsbudget `extra`: 4 rows\n\n  | mnkr | Nytt › Budget 2024 | Personal (årsarbetare) |\n  |---|---:|---:|\n  | **Gruppen** |  |  |\n  | Alfa | 1,5 | 2 |\n  | Beta \\| två | – | 3 |\n  | **Summa** | **1,5** | **5** |\n",
        "  | mnkr | Utfall 2022 |\n",
    ] {
        assert!(md.contains(needle), "{needle:?} not in:\n{md}");
    }
    let json: serde_json::Value = serde_json::from_str(&run(&["--format", "json"])).unwrap();
    let changes = json["changes"].as_array().unwrap();
    let table = changes
        .iter()
        .find(|c| c["kind"] == "table" && c["change"] == "added")
        .unwrap();
    assert_eq!(table["id"], "extra");
    assert_eq!(table["unit"], "mnkr");
    let rows = table["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["kind"], "group");
    assert_eq!(rows[0]["cells"].as_array().unwrap().len(), 0);
    assert_eq!(rows[3]["kind"], "sum");
    assert_eq!(
        rows[3]["cells"][0],
        serde_json::json!({"column": "b2024", "name": "Nytt › Budget 2024", "display": "1,5",
            "value": "1.5", "unit": "mnkr", "precision": 1})
    );
    assert_eq!(rows[2]["cells"][0]["value"], serde_json::Value::Null);
    assert_eq!(rows[3]["cells"][1]["unit"], "årsarbetare");
    let column = changes
        .iter()
        .find(|c| c["kind"] == "column" && c["id"] == "u2022")
        .unwrap();
    let summa = column["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "resultat")
        .unwrap();
    assert_eq!(summa["cells"][0]["value"], "1400.0");

    // The other way round: the table and the column are removed, with their old amounts.
    let out = vplan(dir.path(), &["diff", "--color", "never", "new", "old"]);
    let t = stdout(&out);
    assert!(
        t.contains("- table removed Investeringsbudget [extra]\n      4 rows\n      columns (mnkr): Nytt › Budget 2024 | Personal (årsarbetare)\n"),
        "{t}"
    );
    assert!(
        t.contains("- column removed Resultatbudget servicenämnd [u2022]\n      Utfall 2022\n      Övriga intäkter: 2 000,0 mnkr\n"),
        "{t}"
    );

    let out = vplan(
        dir.path(),
        &["diff", "old", "new", "--format", "pdf", "-o", "f.pdf"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("changes)"), "{}", stderr(&out));
    let text = pdf_text(&dir.path().join("f.pdf"));
    for needle in [
        "Tillagd tabell",
        "4 rader",
        "Nytt › Budget 2024",
        "Beta | två",
        "Utfall 2022",
        "2 000,0",
        "1 400,0",
        "grupp",
    ] {
        assert!(
            text.replace('\u{a0}', " ").contains(needle),
            "{needle:?} not in:\n{text}"
        );
    }
}

/// Adds an empty cell for the fourth column to the resultatbudget rows that have three.
fn regex_free_pad(text: &str) -> String {
    text.lines()
        .map(|l| {
            let Some(start) = l.find("values: [") else {
                return l.to_string();
            };
            let end = start + l[start..].find(']').unwrap();
            if l[start..end].matches(',').count() == 2 {
                format!("{}, ~{}", &l[..end], &l[end..])
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn a_total_names_its_table_so_that_tables_under_the_same_title_differ() {
    // Every area of the Handlingsplan has a table under "Grupperade åtgärder": a total of one
    // is named with its area, and carries its cell id.
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    copy_dir(&root().join("content"), &old);
    copy_dir(&root().join("content"), &new);
    let table = new.join("tables/handlingsplan/5-it.yaml");
    let text = fs::read_to_string(&table).unwrap();
    let from = "values: [2880, 2880, 2880, 3]";
    assert!(text.contains(from));
    fs::write(&table, text.replace(from, "values: [2890, 2880, 2880, 3]")).unwrap();
    let out = vplan(dir.path(), &["diff", "old", "new", "--color", "never"]);
    let text = String::from_utf8_lossy(&out.stdout).replace('\u{a0}', " ");
    assert!(
        text.contains(
            "⇒ Område IT › Grupperade åtgärder › Totalsumma › 2024: 26 720 → 26 730 (+10) tkr"
        ),
        "{text}"
    );
    assert!(
        text.contains("⇒ Summering av samtliga åtgärder › Totalsumma › 2024"),
        "{text}"
    );
    let out = vplan(dir.path(), &["diff", "old", "new", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = json["changes"][0]["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "handlingsplan-it/totalsumma/y2024",
            "handlingsplan-summering/personalkostnadsreduceringar/y2024",
            "handlingsplan-summering/totalsumma/y2024"
        ]
    );
}

/// An indicator's target (`target`, optional): printed after the indicator, compared by
/// `diff` as a field of the indicator, marked by the redline; a bare number is refused at its
/// line (it is text, "minst 85 %", so a number must be quoted).
#[test]
fn an_indicator_target_is_printed_compared_and_marked() {
    let s = repo();
    let line = "        - {id: ind-besok, text: Antalet besök ska öka jämfört med föregående år.}";
    s.edit(
        "chapters/02-mal.yaml",
        line,
        "        - {id: ind-besok, text: Antalet besök ska öka jämfört med föregående år., target: 5 % fler besök än 2030}",
    );
    let out = diff(&s, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("~ indicator changed"), "{text}");
    assert!(text.contains("{+5 % fler besök än 2030+}"), "{text}");

    let (typ, output) = build_redline(&s);
    assert!(
        typ.contains("(målvärde: #vp-ins[5 % fler besök än 2030];)"),
        "{typ}"
    );
    let text = pdf_text(&output.join("2031-fritids-och-kulturnamnden-verksamhetsplan-redline.pdf"));
    assert!(
        text.contains("föregående år. (målvärde: 5 % fler besök än 2030"),
        "{text}"
    );

    s.edit(
        "chapters/02-mal.yaml",
        "target: 5 % fler besök än 2030",
        "target: 85",
    );
    let out = s.run("check", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("chapters/02-mal.yaml:10:"), "{err}");
    assert!(err.contains("quote"), "{err}");
}

/// A git repository whose first commit is the fixture plan with its follow-up reports
/// (`fjallkommun_2031_reports`: the tertialrapport `2031-t1` and the delårsrapport `2031-delar`).
fn repo_with_reports() -> Scratch {
    let s = Scratch::of(FIXTURE);
    copy_dir(&fixture("fjallkommun_2031_reports"), &s.content());
    git(s.dir.path(), &["init", "-q"]);
    git(s.dir.path(), &["add", "-A"]);
    git(
        s.dir.path(),
        &["commit", "-q", "-m", "planen och rapporterna"],
    );
    s
}

const DELAR: &str = "uppfoljning/2031-delar.yaml";

/// The delårsrapport's outcome of Simhall, 6 240 → 6 300 tkr.
fn edit_simhall_outcome(s: &Scratch) {
    s.edit(
        DELAR,
        "{id: simhall, utfall: 6240,",
        "{id: simhall, utfall: 6300,",
    );
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// The change with this id (and kind) in a JSON report.
fn change<'a>(json: &'a serde_json::Value, kind: &str, id: &str) -> &'a serde_json::Value {
    json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id && c["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} change {id} in {json:#}"))
}

/// Every total listed in a JSON report moved: its old and new values differ.
fn assert_every_total_moved(json: &serde_json::Value) {
    for c in json["changes"].as_array().unwrap() {
        for t in c["totals"].as_array().into_iter().flatten() {
            assert_ne!(
                t["old_value"], t["new_value"],
                "a total that did not move is listed: {t:#}"
            );
        }
    }
}

/// A commit that changes only an outcome of a report is a difference (exit 1) in every
/// format: the outcome with the totals it moved, under the report and its heading Ekonomi.
#[test]
fn a_commit_that_changes_only_a_report_outcome_is_a_change_in_every_format() {
    let s = repo_with_reports();
    edit_simhall_outcome(&s);
    commit(&s, "utfall simhall");
    let out = diff(&s, &["HEAD~1", "HEAD"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("vplan diff HEAD~1 → HEAD: 1 change\n"),
        "{text}"
    );
    assert!(
        text.contains("\nDelårsrapport 2031 (Januari–augusti 2031) › Ekonomi\n"),
        "{text}"
    );
    let head = text
        .lines()
        .find(|l| l.contains("[driftbudget/simhall/utfall]"))
        .unwrap_or_else(|| panic!("the outcome in:\n{text}"));
    assert!(
        head.starts_with("  ~ outcome changed Driftbudget › Simhall › ") && head.contains("Utfall"),
        "{head}"
    );
    assert!(text.contains("      6 240 → 6 300 (+60) tkr\n"), "{text}");
    // The utfall sum it moved (the deviations' columns are the projection's to lay out).
    assert!(
        text.lines()
            .any(|l| l.starts_with("      ⇒ Driftbudget › Summa › ")
                && l.ends_with("Utfall: 13 950 → 14 010 (+60) tkr")),
        "{text}"
    );
    assert!(!text.contains("(0)"), "an unmoved total in:\n{text}");

    let out = diff(&s, &["HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json = json_of(&out);
    assert_eq!(json["changes"].as_array().unwrap().len(), 1, "{json:#}");
    let c = change(&json, "outcome", "driftbudget/simhall/utfall");
    assert_eq!(c["report"]["id"], "2031-delar");
    assert_eq!(
        c["report"]["title"],
        "Delårsrapport 2031 (Januari–augusti 2031)"
    );
    assert_eq!(c["section"], "Ekonomi");
    assert_eq!(c["change"], "changed");
    assert_eq!(
        (c["old_value"].as_str(), c["new_value"].as_str()),
        (Some("6240"), Some("6300"))
    );
    let sum = c["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "driftbudget/summa/utfall")
        .unwrap_or_else(|| panic!("the sum it moved: {c:#}"));
    assert_eq!(
        (
            sum["old_value"].as_str(),
            sum["new_value"].as_str(),
            sum["difference_value"].as_str()
        ),
        (Some("13950"), Some("14010"), Some("60"))
    );
    assert_every_total_moved(&json);

    let out = diff(&s, &["HEAD~1", "HEAD", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(1));
    let md = stdout(&out);
    assert!(
        md.contains("\n### Delårsrapport 2031 (Januari–augusti 2031)\n\n#### Ekonomi\n\n- **outcome changed** — Driftbudget › Simhall › "),
        "{md}"
    );
    assert!(md.contains("6 240 → 6 300 (+60) tkr"), "{md}");

    let out = diff(&s, &["HEAD~1", "HEAD", "--stat"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains(" Delårsrapport 2031 (Januari–augusti 2031) › Ekonomi | 1 changed\n"),
        "{}",
        stdout(&out)
    );
    let out = diff(&s, &["HEAD~1", "HEAD", "-q"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
}

/// What the plan changed is the plan's change, listed once: a report lists what its own file
/// changed, not the plan's budget again with every deviation it moved.
#[test]
fn a_plan_change_is_not_repeated_under_each_report() {
    let s = repo_with_reports();
    s.edit(
        "tables/driftbudget.yaml",
        "values: [12500, 12100]",
        "values: [13000, 12100]",
    );
    let out = diff(&s, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json = json_of(&out);
    let changes = json["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{json:#}");
    assert_eq!(changes[0]["id"], "driftbudget/bibliotek/b2031");
    assert!(changes[0].get("report").is_none(), "{json:#}");
    // With the plan's change, a report's own change still shows, under the report.
    edit_simhall_outcome(&s);
    let json = json_of(&diff(&s, &["--format", "json"]));
    assert_eq!(json["changes"].as_array().unwrap().len(), 2, "{json:#}");
    assert_eq!(
        change(&json, "outcome", "driftbudget/simhall/utfall")["report"]["id"],
        "2031-delar"
    );
}

/// A goal's follow-up text edited is a text change (not an assessment change), the changed
/// word with the spaces around it in Markdown; an assessment given is an assessment change
/// with the counts it moved, the goals not yet assessed named by their row's label and no
/// share that stayed as it was.
#[test]
fn report_entries_are_named_for_what_changed() {
    let s = repo_with_reports();
    // First a version where one goal is not assessed yet.
    s.edit(
        DELAR,
        "  - id: mal-fler-foreningar\n    assessment: uppfylld\n",
        "  - id: mal-fler-foreningar\n",
    );
    commit(&s, "ej bedömt");
    s.edit(
        DELAR,
        "  - id: mal-fler-foreningar\n",
        "  - id: mal-fler-foreningar\n    assessment: uppfylld\n",
    );
    s.edit(
        DELAR,
        "text: Tre nya föreningar har fått bidrag",
        "text: Fyra nya föreningar har fått bidrag",
    );
    // A comment on a row, a forecast taken out (no longer given: no difference from empty).
    s.edit(
        DELAR,
        "kommentar: Stängt i juni.",
        "kommentar: Stängt i juni och juli.",
    );
    s.edit(
        DELAR,
        "{id: kulturskola, periodbudget: 2200, utfall: 2100, prognos: 3200}",
        "{id: kulturskola, periodbudget: 2200, utfall: 2100}",
    );
    let out = diff(&s, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("\nDelårsrapport 2031 (Januari–augusti 2031) › Måluppfyllelse\n"),
        "{text}"
    );
    assert!(
        text.contains("  ~ text changed Perspektiv: Ekonomi › Fler föreningar får stöd"),
        "{text}"
    );
    assert!(
        text.contains("      [-Tre-]{+Fyra+} nya föreningar har fått bidrag under året.\n"),
        "{text}"
    );
    assert!(
        text.contains("  + assessment added Perspektiv: Ekonomi › Fler föreningar får stöd"),
        "{text}"
    );
    assert!(!text.contains("assessment changed"), "{text}");
    // The goals per assessment: the row of goals not assessed is gone, by its label.
    assert!(
        text.contains("  - row removed Måluppfyllelse › Inte bedömt än [utan-bedomning]"),
        "{text}"
    );
    for line in text.lines().filter(|l| l.contains('⇒')) {
        assert!(!line.contains("utan-bedomning"), "a row by its id: {line}");
    }
    assert!(!text.contains("(0)"), "an unmoved total in:\n{text}");

    assert!(
        text.contains("  ~ text changed Driftbudget › Simhall › Kommentar [driftbudget/simhall]\n"),
        "{text}"
    );
    assert!(text.contains("      3 200 → – tkr\n"), "{text}");

    let json = json_of(&diff(&s, &["--format", "json"]));
    let forecast = change(&json, "forecast", "omraden/kulturskola/prognos");
    assert_eq!(
        forecast["new_value"],
        serde_json::Value::Null,
        "{forecast:#}"
    );
    assert_eq!(
        forecast["difference_value"],
        serde_json::Value::Null,
        "{forecast:#}"
    );
    assert!(forecast.get("difference").is_none(), "{forecast:#}");
    let t = change(&json, "text", "mal-fler-foreningar");
    assert_eq!(t["change"], "changed");
    assert_eq!(t["section"], "Måluppfyllelse");
    assert_eq!(
        change(&json, "assessment", "mal-fler-foreningar")["change"],
        "added"
    );
    assert_every_total_moved(&json);

    let md = stdout(&diff(&s, &["--format", "markdown"]));
    assert!(
        md.contains(": ~~Tre~~ **Fyra** nya föreningar har fått bidrag under året.\n"),
        "{md}"
    );
}

/// Reports added or removed between versions are reported as such.
#[test]
fn a_report_added_or_removed_is_reported_as_such() {
    let s = repo_with_reports();
    git(
        s.dir.path(),
        &["rm", "-q", "content/uppfoljning/2031-t1.yaml"],
    );
    commit(&s, "utan tertialrapport");
    let out = diff(&s, &["HEAD~1", "HEAD"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "vplan diff HEAD~1 → HEAD: 1 change\n\nUppföljning\n  - report removed [2031-t1]\n      Tertialrapport 2031 (Januari–april 2031)\n"
    );
    let json = json_of(&diff(&s, &["HEAD", "HEAD~1", "--format", "json"]));
    let c = change(&json, "report", "2031-t1");
    assert_eq!(c["change"], "added");
    assert_eq!(c["new"], "Tertialrapport 2031 (Januari–april 2031)");
}

/// T1 → delår of the fixture as a change report: a PDF/A and PDF/UA document whose changes
/// stand under the report's own headings, the decision paper's under Tjänsteskrivelse (a
/// heading that is never empty); a plain diff's PDF heads a report's changes with its title.
#[test]
fn the_t1_to_delar_change_report_builds_as_a_pdf() {
    let s = repo_with_reports();
    let text = change_report(
        &s,
        &["--report", "2031-t1", "--report", "2031-delar"],
        "t1-delar.pdf",
    );
    let path = s.dir.path().join("t1-delar.pdf");
    assert_archivable_and_accessible(&path);
    let doc = lopdf::Document::load(&path).unwrap();
    let (kinds, _) = structure(&doc);
    assert!(kinds.contains_key("H2"), "{kinds:?}");
    for needle in [
        "Ändringar från 2031-t1 till 2031-delar",
        "Metadata",
        "Sammanfattning",
        "Måluppfyllelse",
        "Ekonomi",
        "Handlingsplanens genomförande",
        "Tjänsteskrivelse",
        "Ändrad bedömning",
        "Ändrat utfall",
        "Ändrad prognos",
        "Ändrad tjänsteskrivelse",
        "4 300 → 8 610 (+4 310) tkr",
    ] {
        assert!(
            text.replace(" :", ":").contains(needle),
            "{needle:?} not in:\n{text}"
        );
    }
    // Nothing of the plan's own chapters.
    assert!(!text.contains("3 Budget"), "{text}");

    edit_simhall_outcome(&s);
    let text = change_report(&s, &[], "plain.pdf");
    let report = text
        .find("Delårsrapport 2031 (Januari–augusti 2031)")
        .unwrap_or_else(|| panic!("the report's title in:\n{text}"));
    let ekonomi = text[report..]
        .find("Ekonomi")
        .unwrap_or_else(|| panic!("its heading in:\n{text}"));
    assert!(text[report + ekonomi..].contains("Ändrat utfall"), "{text}");
    let doc = lopdf::Document::load(s.dir.path().join("plain.pdf")).unwrap();
    let (kinds, _) = structure(&doc);
    assert!(
        kinds.contains_key("H3"),
        "the report's heading under its title: {kinds:?}"
    );
}

/// `git diff` through textconv shows a report's changed outcome as one line, keyed by table
/// and row.
#[test]
fn textconv_shows_a_report_outcome_as_one_line() {
    let s = repo_with_reports();
    let exe = env!("CARGO_BIN_EXE_vplan");
    fs::write(
        s.dir.path().join(".gitattributes"),
        "content/**/*.yaml diff=vplan\n",
    )
    .unwrap();
    git(
        s.dir.path(),
        &[
            "config",
            "diff.vplan.textconv",
            &format!("'{exe}' textconv"),
        ],
    );
    edit_simhall_outcome(&s);
    let d = git(s.dir.path(), &["diff", "--", "content/uppfoljning"]);
    assert!(
        d.contains("-tables[driftbudget].rows[simhall].utfall: 6240\n+tables[driftbudget].rows[simhall].utfall: 6300\n"),
        "{d}"
    );
    assert_eq!(
        d.lines()
            .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
            .count(),
        1,
        "{d}"
    );
}

/// The redline's marks are private-use characters (U+E000–U+E003). Typed in content they
/// printed as struck-through and underlined words in an ordinary decided build, and `check`
/// said nothing. Every private-use character is now an error at its column, in a plan's text
/// and a report's, so that neither a plain build nor a redline build sees one.
#[test]
fn private_use_characters_cannot_forge_the_redline_marks() {
    let s = Scratch::of(FIXTURE);
    copy_dir(&fixture("fjallkommun_2031_reports"), &s.content());
    git(s.dir.path(), &["init", "-q"]);
    git(s.dir.path(), &["add", "-A"]);
    git(s.dir.path(), &["commit", "-q", "-m", "första versionen"]);
    s.edit(
        "chapters/01-inledning.yaml",
        "bygger på kommunfullmäktiges budget.",
        "bygger på \u{E002}kommunfullmäktiges\u{E003} \u{E000}budget\u{E001}.",
    );
    let out = s.run("check", &["--content", "content", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let diags: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, u64, u64)> = diags
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["message"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let expect = [
        ("U+E002", 7, 47),
        ("U+E003", 7, 66),
        ("U+E000", 7, 68),
        ("U+E001", 7, 75),
    ];
    assert_eq!(found.len(), expect.len(), "{found:#?}");
    for (code, l, c) in expect {
        assert!(
            found.iter().any(|(m, line, column)| m
                .contains(&format!("a private-use character, {code}"))
                && (*line, *column) == (l, c)),
            "expected {code} at 7:{c} in {found:#?}"
        );
    }
    let human = stderr(&s.run("check", &["--content", "content"]));
    assert!(
        human.contains("content/chapters/01-inledning.yaml:7:47"),
        "{human}"
    );
    // A plain build and a redline build refuse the plan and write nothing.
    for args in [&["build", "-q"][..], &["build", "--redline", "HEAD", "-q"]] {
        let out = s.run(args[0], &args[1..]);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("private-use character, U+E002"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(!s.dir.path().join("output").exists(), "{args:?} wrote");
    }
    // In a report's text: `check` and `build --report` refuse it alike.
    git(s.dir.path(), &["checkout", "-q", "--", "."]);
    s.edit(
        "uppfoljning/2031-delar.yaml",
        "Kontrollerna har genomförts enligt planen.",
        "Kontrollerna har \u{F8FF}genomförts enligt planen.",
    );
    let check = s.run("check", &["--content", "content"]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    assert!(
        stderr(&check).contains("a private-use character, U+F8FF"),
        "{}",
        stderr(&check)
    );
    let built = s.run("build", &["--report", "2031-delar", "-q"]);
    assert_eq!(built.status.code(), Some(1), "{}", stderr(&built));
    assert!(
        stderr(&built).contains("a private-use character, U+F8FF"),
        "{}",
        stderr(&built)
    );
}

/// The blocks of `- text_table`, `- matrix` and `- org_chart` kinds: what `diff` reports as
/// changed text in them (a cell, a caption, a row added or removed, a matrix row's label, a
/// box of the chart), the redline marks in place, as it marks a text block.
#[test]
fn redline_marks_text_tables_matrices_and_org_charts_as_diff_reports_them() {
    let s = repo();
    s.edit(
        "chapters/04-styrning.yaml",
        "  - perspectives\n",
        "  - perspectives
  - text_table:
      id: ansvar
      caption: Ansvar för uppföljningen
      columns: [Område, Ansvarig]
      rows:
        - {id: bibliotek, cells: [Bibliotek, Biblioteksmöten varje månad]}
        - {id: simhall, cells: [Simhall, Driftchefen]}
        - {id: bidrag, cells: [Föreningsbidrag, Handläggaren]}
  - matrix:
      id: roller
      columns: [Beslutar, Bereder]
      rows:
        - {id: namnd, label: Nämnden beslutar, marks: [true, false]}
        - {id: forvaltning, label: Förvaltningen, marks: [false, true]}
  - org_chart:
      id: org
      alt: Nämnden med förvaltningen under sig.
      root:
        label: Fritidsnämnden
        children:
          - label: Förvaltningschef
",
    );
    commit(&s, "tabeller");
    s.edit(
        "chapters/04-styrning.yaml",
        "Biblioteksmöten varje månad",
        "Biblioteksmöten varannan vecka",
    );
    s.edit(
        "chapters/04-styrning.yaml",
        "caption: Ansvar för uppföljningen",
        "caption: Ansvar för den löpande uppföljningen",
    );
    s.edit(
        "chapters/04-styrning.yaml",
        "        - {id: simhall, cells: [Simhall, Driftchefen]}\n",
        "",
    );
    s.edit(
        "chapters/04-styrning.yaml",
        "        - {id: bidrag, cells: [Föreningsbidrag, Handläggaren]}\n",
        "        - {id: bidrag, cells: [Föreningsbidrag, Handläggaren]}\n        - {id: kultur, cells: [Kulturskolan, Rektorn]}\n",
    );
    s.edit(
        "chapters/04-styrning.yaml",
        "label: Nämnden beslutar",
        "label: Nämnden fastställer",
    );
    s.edit(
        "chapters/04-styrning.yaml",
        "label: Förvaltningschef",
        "label: Förvaltningsdirektör",
    );

    let out = diff(&s, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    for reported in [
        "~ text table changed",
        "~ text table row changed",
        "+ text table row added",
        "- text table row removed",
        "~ matrix row changed",
        "~ org chart changed",
    ] {
        assert!(text.contains(reported), "{reported} not in\n{text}");
    }

    let (typ, output) = build_redline(&s);
    for marked in [
        // A changed cell, word by word.
        "Biblioteksmöten #vp-del[varje månad];#vp-ins[varannan vecka];",
        // The caption.
        "Ansvar för #vp-ins[den löpande ];uppföljningen",
        // A row added, and a row removed struck through where it stood.
        "#vp-ins[Kulturskolan];",
        "#vp-ins[Rektorn];",
        "#vp-del[Simhall];",
        "#vp-del[Driftchefen];",
        // A matrix row's label; a box of the organisation chart.
        "Nämnden #vp-del[beslutar];#vp-ins[fastställer];",
        "#vp-del[Förvaltningschef];#vp-ins[Förvaltningsdirektör];",
    ] {
        assert!(typ.contains(marked), "{marked} not in\n{typ}");
    }
    let at = |t: &str| typ.find(t).unwrap_or_else(|| panic!("{t} not in\n{typ}"));
    assert!(at("Biblioteksmöten") < at("#vp-del[Simhall]"));
    assert!(at("#vp-del[Simhall]") < at("[Föreningsbidrag], [Handläggaren]"));
    let pdf = pdf_text(&output.join("2031-fritids-och-kulturnamnden-verksamhetsplan-redline.pdf"));
    for printed in [
        "Biblioteksmöten varje månad varannan vecka",
        "Simhall",
        "Kulturskolan",
    ] {
        assert!(pdf.contains(printed), "{printed} not in\n{pdf}");
    }
}
