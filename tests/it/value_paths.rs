//! Diagnostics find their line through a value's path (`content::ValuePath`); a path that names
//! nothing the file writes would fall back silently to an ancestor's line. In a debug build
//! (every test run) `Plan::pos` asserts that the path is written: every diagnostic the suites
//! report (the default plan, the fixture plan and its reports, the bad-input corpora of
//! `bad_input`, `mistakes` and `properties`) checks its own path, and a failing check must exit
//! 1, not with a panic. Here: the paths built for every goal, assignment, risk and prose text,
//! whether or not anything is reported at them, and the rule biting on a misspelt key.

use std::path::Path;

use crate::common::{copy_dir, fixture, root, stderr, Scratch};
use vplan::content::{Plan, ValuePath};

fn load(content: &Path) -> Plan {
    vplan::pipeline::load(content, &Default::default(), &vplan::progress::Silent)
        .unwrap_or_else(|e| panic!("{} loads: {e}", content.display()))
        .plan
}

/// Every path `plan` builds for its items and texts, with its file.
fn paths(plan: &Plan) -> Vec<(&Path, ValuePath)> {
    let items = vplan::content::items::items(plan);
    let mut out: Vec<(&Path, ValuePath)> = Vec::new();
    out.extend(items.goals.iter().map(|g| (g.file, g.path.clone())));
    out.extend(items.assignments.iter().map(|a| (a.file, a.path.clone())));
    out.extend(items.risks.iter().map(|r| (r.file, r.path.clone())));
    let texts = vplan::check::prose::markdown_texts(plan);
    out.extend(
        texts
            .iter()
            .filter(|t| !t.text.is_empty())
            .map(|t| (t.file, t.path.clone())),
    );
    let mut prose = vplan::figures::refs::prose(plan);
    for report in &plan.reports {
        prose.extend(vplan::figures::refs::report_prose(report));
    }
    out.extend(
        prose
            .iter()
            .filter(|p| !p.text.is_empty())
            .map(|p| (p.file, p.path.clone())),
    );
    out
}

fn assert_written(plan: &Plan, what: &str) {
    let paths = paths(plan);
    assert!(paths.len() > 20, "{what}: only {} paths", paths.len());
    for (file, path) in paths {
        let index = plan.spans[file].index();
        assert!(
            index.get(path.as_str()).is_some(),
            "{what}: `{path}` is not written in {}",
            file.display()
        );
        // The lookup a diagnostic makes (asserting in a debug build).
        assert!(plan.pos(file, &path).is_some());
    }
}

#[test]
fn every_path_built_for_the_plans_and_reports_is_written() {
    assert_written(&load(&root().join("content")), "the default plan");
    assert_written(&load(&fixture("fjallkommun_2031")), "the fixture plan");
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&fixture("fjallkommun_2031"), &content);
    copy_dir(&fixture("fjallkommun_2031_reports"), &content);
    let plan = load(&content);
    assert!(plan.reports.len() >= 2, "the fixture's reports load");
    assert_written(&plan, "the fixture plan with its reports");
}

#[test]
fn a_value_left_out_is_found_at_its_nearest_written_ancestor() {
    // The fixture's plan.yaml has no `decision:`; `build --status beslutad` decides it all the
    // same, and the check of the decision points at the document.
    let plan = load(&fixture("fjallkommun_2031"));
    let file = &plan.meta.file;
    let document = plan.pos(file, &ValuePath::ROOT);
    assert!(document.is_some());
    let status = ValuePath::of("decision").key("status");
    assert_eq!(plan.pos_or_ancestor(file, &status), document);
}

/// The rule bites: a misspelt key is a panic in a debug build, not the ancestor's line.
#[cfg(debug_assertions)]
#[test]
fn a_misspelt_path_is_caught() {
    let plan = load(&fixture("fjallkommun_2031"));
    let file = plan.meta.file.clone();
    assert!(plan.pos(&file, &ValuePath::of("title")).is_some());
    let misspelt = std::panic::catch_unwind(|| plan.pos(&file, &ValuePath::of("titel")));
    let message = misspelt.expect_err("a misspelt key panics");
    let message = message
        .downcast_ref::<String>()
        .map(String::as_str)
        .unwrap_or_default();
    assert!(
        message.contains("the value path `titel` is not written"),
        "{message}"
    );
}

/// A file read with a misspelt key respelt (`idd:` read as `id`) has values at paths its text
/// does not write: a problem with such a value stands at its nearest written ancestor (a
/// debug build does not refuse the path).
#[test]
fn a_value_read_from_a_misspelt_key_is_found_at_its_ancestor() {
    let s = Scratch::of("fjallkommun_2031");
    s.edit(
        "chapters/03-budget.yaml",
        "      id: budget-driftbudget",
        "      idd: Budget Driftbudget",
    );
    let out = s.run("check", &["--content", "content"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    // The check of the section's id runs (and finds it at the section, on the line of the
    // mistake, where the unknown key's error alone is shown).
    assert!(err.contains("unknown key `idd` in `section`"), "{err}");
    assert!(err.contains("content/chapters/03-budget.yaml:5:7"), "{err}");
}
