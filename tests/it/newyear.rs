//! `vplan new-year`: the default 2024 plan rolled to 2025 builds, every carried-over file is
//! marked and warned about until confirmed or changed, and `vplan diff` shows exactly the
//! roll-forward (pinned).

use std::fs;

use crate::common::*;

#[test]
fn the_default_plan_rolled_to_2025() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old");
    copy_dir(&root().join("content"), &old);
    let run = vplan(
        dir.path(),
        &["new-year", "2025", "--content", "old", "--to", "new"],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let new = dir.path().join("new");

    // It builds: a 2025 draft.
    let out = dir.path().join("out");
    let pdf = build(&new, &out, &[]);
    assert!(pdf.ends_with("2025-servicenamnden-verksamhetsplan.pdf"));
    let text = pdf_text(&pdf);
    assert!(text.contains("Verksamhetsplan med budget 2025"));
    assert!(text
        .split_whitespace()
        .collect::<String>()
        .contains("UTKAST"));

    // Every carried-over file is a warning until confirmed (mark deleted) or changed.
    let check = |args: &[&str]| {
        let mut all = vec!["check", "--content", "new"];
        all.extend_from_slice(args);
        let run = vplan(dir.path(), &all);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        stderr(&run)
            .matches("carried over from last year's plan")
            .count()
    };
    let carried = check(&[]);
    assert_eq!(carried, 29);
    let chapter = new.join("chapters/01-inledning.yaml");
    let text = fs::read_to_string(&chapter).unwrap();
    let confirmed: String = text
        .lines()
        .filter(|l| !l.starts_with("# vplan: carried over"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&chapter, confirmed).unwrap();
    assert_eq!(check(&[]), carried - 1, "confirmed by deleting the mark");
    let goals = new.join("goals.yaml");
    let text = fs::read_to_string(&goals).unwrap();
    fs::write(&goals, text.replacen("Invånare", "Invånarna", 1)).unwrap();
    assert_eq!(check(&[]), carried - 2, "changed");

    // Rolling twice a year is refused.
    let run = vplan(dir.path(), &["new-year", "2027", "--content", "new"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("one year at a time"),
        "{}",
        stderr(&run)
    );

    // The roll-forward as vplan diff sees it, against a fresh roll of the original.
    let run = vplan(
        dir.path(),
        &["new-year", "2025", "--content", "old", "--to", "rolled"],
    );
    assert_eq!(run.status.code(), Some(0));
    let run = vplan(dir.path(), &["diff", "--color", "never", "old", "rolled"]);
    assert_eq!(run.status.code(), Some(1));
    let report = String::from_utf8_lossy(&run.stdout).replace('\u{a0}', " ");
    insta::assert_snapshot!("new_year_2025_diff", report);
}

#[test]
fn a_leap_day_rolls_to_the_28th_and_an_impossible_date_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("content"), &dir.path().join("content"));
    let s = Scratch { dir };
    s.edit(
        "plan.yaml",
        "decision_date: 2023-11-21",
        "decision_date: 2024-02-29",
    );
    let run = vplan(
        s.dir.path(),
        &["new-year", "2025", "--content", "content", "--to", "new"],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let plan = fs::read_to_string(s.dir.path().join("new/plan.yaml")).unwrap();
    assert!(plan.contains("decision_date: 2025-02-28\n"), "{plan}");
    let run = vplan(s.dir.path(), &["check", "--content", "new"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));

    // A date that does not exist is never rolled on: the plan does not check, nothing is
    // written at all.
    s.edit(
        "plan.yaml",
        "decision_date: 2024-02-29",
        "decision_date: 2024-02-30",
    );
    let before = fs::read(s.content().join("plan.yaml")).unwrap();
    let run = vplan(s.dir.path(), &["new-year", "2025", "--content", "content"]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("decision_date: `2024-02-30` is not a date in the calendar"),
        "{err}"
    );
    assert!(err.contains("plan.yaml:"), "{err}");
    assert_eq!(fs::read(s.content().join("plan.yaml")).unwrap(), before);
    let run = vplan(
        s.dir.path(),
        &["new-year", "2025", "--content", "content", "--to", "new2"],
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(!s.dir.path().join("new2").exists());
}

#[test]
fn new_year_into_the_content_directory_itself_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("content"), &dir.path().join("content"));
    let before = fs::read_dir(dir.path().join("content")).unwrap().count();
    let run = vplan(
        dir.path(),
        &[
            "new-year",
            "2025",
            "--content",
            "content",
            "--to",
            "content/2025",
        ],
    );
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(
        err.contains("give a directory outside the content directory"),
        "{err}"
    );
    assert_eq!(
        fs::read_dir(dir.path().join("content")).unwrap().count(),
        before
    );
}

/// Two `new-year` in place at the same time: the second waits for the first's lock on the
/// content directory, then reads the rolled plan and refuses to roll it again; the plan is
/// rolled once, never twice or half.
#[test]
fn two_new_years_in_place_at_once_roll_once() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&root().join("content"), &content);
    let args = ["new-year", "2025", "--content", "content"];
    let outs = vplan_at_once(dir.path(), &args, &args);
    let codes: Vec<_> = outs.iter().map(|o| o.status.code()).collect();
    let said: Vec<_> = outs.iter().map(stderr).collect();
    assert!(
        codes.contains(&Some(0)) && codes.contains(&Some(2)),
        "{codes:?} {said:?}"
    );
    let refused = &said[codes.iter().position(|c| *c == Some(2)).unwrap()];
    assert!(
        refused.contains("the plan is for 2025: new-year rolls one year at a time, to 2026"),
        "{refused}"
    );
    let plan = fs::read_to_string(content.join("plan.yaml")).unwrap();
    assert!(plan.contains("year: 2025\n"), "{plan}");
}
