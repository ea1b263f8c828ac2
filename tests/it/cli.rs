//! The binary's contract: the fixture plan of a made-up nämnd, exit codes, quiet mode,
//! atomic output, nothing about the default plan hard-coded in src/ or templates/.

use std::fs;
use std::path::Path;

use crate::common::*;

const FIXTURE: &str = "fjallkommun_2031";

#[test]
fn builds_the_fixture_plan_of_another_namnd_and_year() {
    let out = tempfile::tempdir().unwrap();
    let pdf = build(&fixture(FIXTURE), out.path(), &[]);
    assert_eq!(
        pdf.file_name().unwrap(),
        "2031-fritids-och-kulturnamnden-verksamhetsplan.pdf"
    );
    let pages = page_count(&pdf);
    assert_eq!(pages, 5);
    let text = pdf_text(&pdf);
    for needle in [
        "Verksamhetsplan med budget 2031",
        "Fritids- och kulturnämnden",
        "Fjällby kommun",
        "1 Inledning",
        "2 Mål och uppdrag",
        "3 Budget",
        "3.1 Driftbudget",
        "Mål: Fler invånare besöker",
        "Uppdrag: Förvaltningen får i uppdrag",
        "Bilaga 1: Taxor för simhallen",
        "1. Taxor för vuxna",
        // Computed: 12 500 + 8 750 − 1 234 and 12 100 + 8 900 + 3 100.
        "Summa 20 016 24 100",
        "4 Styrning och intern kontroll",
        "Mål: Besökarna är nöjda",
        "(målvärde: minst 75)",
        "Kassahantering",
        "5 Ekonomi",
        // Computed: 8 000 + 6 000 + 3 000; the handlingsplan's summary sums its two areas.
        "Summa 17 000",
        "Totalt 1 100 1 250",
        "Sida 1 av 5",
        "Sida 5 av 5",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in {text}");
    }
    assert!(!text.contains("Servicenämnden"));
}

#[test]
fn progress_goes_to_stderr_and_quiet_silences_it() {
    let out = tempfile::tempdir().unwrap();
    let content = fixture(FIXTURE);
    let templates = root().join("templates");
    let args = |quiet: bool| {
        let mut a = vec![
            "build",
            "--content",
            content.to_str().unwrap(),
            "--templates",
            templates.to_str().unwrap(),
            "--output",
            out.path().to_str().unwrap(),
        ];
        if quiet {
            a.push("-q");
        }
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let loud = vplan(
        &root(),
        &args(false).iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(loud.status.success());
    let err = stderr(&loud);
    assert!(err.contains("loading"), "{err}");
    assert!(err.contains("plan.yaml"), "{err}");
    assert!(err.contains("compile"), "{err}");
    assert!(
        err.contains("2031-fritids-och-kulturnamnden-verksamhetsplan.pdf"),
        "{err}"
    );
    assert!(loud.stdout.is_empty());

    let quiet = vplan(
        &root(),
        &args(true).iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(quiet.status.success());
    assert!(quiet.stderr.is_empty(), "{}", stderr(&quiet));
}

#[test]
fn defaults_to_content_templates_and_output_of_the_working_directory() {
    let project = tempfile::tempdir().unwrap();
    copy_dir(&fixture(FIXTURE), &project.path().join("content"));
    copy_dir(&root().join("templates"), &project.path().join("templates"));
    let out = vplan(project.path(), &["build", "-q", "--emit-typst"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let output = project.path().join("output");
    assert!(output
        .join("2031-fritids-och-kulturnamnden-verksamhetsplan.pdf")
        .is_file());
    let typ = fs::read_to_string(output.join("2031-fritids-och-kulturnamnden-verksamhetsplan.typ"))
        .unwrap();
    assert!(typ.contains("#import \"vplan.typ\""));
}

#[test]
fn exit_codes() {
    // Usage error.
    let out = vplan(&root(), &["build", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    // Missing content directory: an I/O error.
    let out = vplan(&root(), &["build", "--content", "/nonexistent/content"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/content"));
    // Help documents the exit codes.
    let out = vplan(&root(), &["build", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("Exit codes"), "{help}");
}

#[test]
fn content_error_names_file_and_line_and_exits_1() {
    let project = tempfile::tempdir().unwrap();
    let content = project.path().join("content");
    copy_dir(&fixture(FIXTURE), &content);
    fs::write(
        content.join("tables/driftbudget.yaml"),
        fs::read_to_string(content.join("tables/driftbudget.yaml"))
            .unwrap()
            .replace("label: Simhall,", "label: Simhall, colour: red,"),
    )
    .unwrap();
    let out = vplan(
        project.path(),
        &[
            "build",
            "--templates",
            root().join("templates").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("driftbudget.yaml:"), "{err}");
    assert!(err.contains("unknown key `colour`"), "{err}");
}

#[test]
fn a_failed_build_leaves_the_previous_pdf_untouched() {
    let project = tempfile::tempdir().unwrap();
    let content = project.path().join("content");
    copy_dir(&fixture(FIXTURE), &content);
    let output = project.path().join("output");
    let pdf = build(&content, &output, &[]);
    let before = fs::read(&pdf).unwrap();

    // Break the content: the sum refers to a row that does not exist.
    let table = content.join("tables/driftbudget.yaml");
    fs::write(
        &table,
        fs::read_to_string(&table)
            .unwrap()
            .replace("sum: all", "sum: [bibliotek, badhus]"),
    )
    .unwrap();
    let out = vplan(
        &root(),
        &[
            "build",
            "--content",
            content.to_str().unwrap(),
            "--templates",
            root().join("templates").to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("badhus"));
    assert_eq!(fs::read(&pdf).unwrap(), before, "the previous PDF changed");
    let leftovers: Vec<_> = fs::read_dir(&output)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

/// Nothing about the default plan's nämnd, organisation or year lives in code or templates.
#[test]
fn nothing_about_the_default_plan_is_hard_coded() {
    fn scan(dir: &Path, forbidden: &[&str]) {
        for entry in walk(dir) {
            let text = fs::read_to_string(&entry).unwrap_or_default();
            for word in forbidden {
                assert!(
                    !text.contains(word),
                    "{} mentions {word:?}",
                    entry.display()
                );
            }
        }
    }
    fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }
    let names = [
        "Servicenämnden",
        "servicenämnden",
        "Örebro",
        "Regionservice",
    ];
    scan(&root().join("src"), &names);
    let mut with_year = names.to_vec();
    with_year.extend(["2024", "2023"]);
    scan(&root().join("templates"), &with_year);
}

/// Two copies of one nämnd's content built into one output directory would write one file
/// twice: refused before anything is built, so the PDF already there is not replaced by either.
#[test]
fn several_plans_that_would_write_one_file_are_refused_before_building() {
    let out = tempfile::tempdir().unwrap();
    let templates = root().join("templates");
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for dir in [a.path(), b.path()] {
        copy_dir(&fixture("fjallkommun_2031"), dir);
    }
    let pdf = out
        .path()
        .join("2031-fritids-och-kulturnamnden-verksamhetsplan.pdf");
    fs::write(&pdf, b"the decided one").unwrap();
    let run = vplan(
        &root(),
        &[
            "build",
            "--templates",
            templates.to_str().unwrap(),
            "--output",
            out.path().to_str().unwrap(),
            a.path().to_str().unwrap(),
            b.path().to_str().unwrap(),
        ],
    );
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains("would both write"), "{err}");
    assert!(err.contains("nothing was built"), "{err}");
    assert_eq!(fs::read(&pdf).unwrap(), b"the decided one");
}

/// Several plans at once: each content directory is built (in parallel) into the output
/// directory; a plan with errors is reported, the others are still written.
#[test]
fn several_plans_at_once_and_phase_timings() {
    let out = tempfile::tempdir().unwrap();
    let templates = root().join("templates");
    let content = root().join("content");
    let fixture = fixture("fjallkommun_2031");
    let run = vplan(
        &root(),
        &[
            "build",
            "--timings",
            "--templates",
            templates.to_str().unwrap(),
            "--output",
            out.path().to_str().unwrap(),
            content.to_str().unwrap(),
            fixture.to_str().unwrap(),
        ],
    );
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(0), "{err}");
    let mut names: Vec<String> = pdfs_in(out.path())
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "2024-servicenamnden-verksamhetsplan.pdf",
            "2031-fritids-och-kulturnamnden-verksamhetsplan.pdf"
        ]
    );
    assert!(err.contains("built 2 of 2 plans"), "{err}");
    for phase in [
        "load", "check", "compute", "render", "compile", "export", "write", "total",
    ] {
        assert!(
            err.contains(&format!("{phase} ")),
            "phase {phase} in:\n{err}"
        );
    }

    // A broken plan among them: exit 1, its error shown, the good one written.
    let broken = tempfile::tempdir().unwrap();
    copy_dir(&fixture, broken.path());
    fs::write(broken.path().join("plan.yaml"), "title: [\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = vplan(
        &root(),
        &[
            "build",
            "-q",
            "--templates",
            templates.to_str().unwrap(),
            "--output",
            out.path().to_str().unwrap(),
            broken.path().to_str().unwrap(),
            fixture.to_str().unwrap(),
        ],
    );
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(err.contains("plan.yaml"), "{err}");
    assert_eq!(pdfs_in(out.path()).len(), 1);
}

/// `--templates DIR` that does not exist is a usage error for every command that takes it (even
/// where only some formats use templates), before anything is written: a typo never falls back to the built-in templates unseen.
/// Without `--templates` and without a `templates/`, the built-in set is used.
#[test]
fn a_named_templates_directory_must_exist() {
    let project = tempfile::tempdir().unwrap();
    copy_dir(&fixture(FIXTURE), &project.path().join("content"));
    let dir = project.path();
    for args in [
        &["build", "--templates", "templaets"][..],
        &["check", "--templates", "templaets"],
        &["watch", "--templates", "templaets"],
        &["bench", "--runs", "1", "--templates", "templaets"],
        &["export", "--templates", "templaets"],
        &["diff", "content", "content", "--templates", "templaets"],
        &[
            "diff",
            "content",
            "content",
            "--format",
            "pdf",
            "-o",
            "out.pdf",
            "--templates",
            "templaets",
        ],
    ] {
        let out = vplan_timed(dir, args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("templates directory templaets does not exist"),
            "{args:?}: {err}"
        );
    }
    // A file where the directory should be.
    fs::write(dir.join("templates"), "").unwrap();
    let out = vplan_timed(dir, &["build"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("templates is not a directory"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("output").exists());
    fs::remove_file(dir.join("templates")).unwrap();
    // No templates anywhere: the built-in ones, for the plan and the change report.
    let out = vplan_timed(dir, &["build", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = vplan_timed(
        dir,
        &[
            "diff", "content", "content", "--format", "pdf", "-o", "out.pdf",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(fs::read(dir.join("out.pdf")).unwrap().starts_with(b"%PDF"));
}

/// A project's template that is a symbolic link used to be passed over for the built-in file
/// without a word. It is followed when it stays inside the project, and refused with its name
/// (a usage error, exit 2, nothing written) when it points outside.
#[cfg(unix)]
#[test]
fn a_linked_template_is_followed_inside_the_project_and_refused_outside() {
    use std::os::unix::fs::symlink;
    let project = tempfile::tempdir().unwrap();
    let dir = project.path();
    copy_dir(&fixture(FIXTURE), &dir.join("content"));
    fs::create_dir_all(dir.join("house")).unwrap();
    fs::create_dir_all(dir.join("templates")).unwrap();
    let plan = fs::read_to_string(root().join("templates/plan.typ.j2")).unwrap();
    fs::write(
        dir.join("house/plan.typ.j2"),
        format!("// the house's own plan template\n{plan}"),
    )
    .unwrap();
    symlink("../house/plan.typ.j2", dir.join("templates/plan.typ.j2")).unwrap();
    let out = vplan(dir, &["build", "-q", "--emit-typst"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let typ =
        fs::read_to_string(dir.join("output/2031-fritids-och-kulturnamnden-verksamhetsplan.typ"))
            .unwrap();
    assert!(typ.contains("// the house's own plan template"), "{typ}");
    fs::remove_dir_all(dir.join("output")).unwrap();

    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("plan.typ.j2"), &plan).unwrap();
    fs::remove_file(dir.join("templates/plan.typ.j2")).unwrap();
    symlink(
        outside.path().join("plan.typ.j2"),
        dir.join("templates/plan.typ.j2"),
    )
    .unwrap();
    for args in [&["build", "-q"][..], &["check"]] {
        let out = vplan(dir, args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("template templates/plan.typ.j2 is a symbolic link to")
                && err.contains("outside the project directory"),
            "{args:?}: {err}"
        );
        assert!(!dir.join("output").exists(), "{args:?} wrote");
    }
}

/// `-q` prints nothing but errors, in every command that reports progress or notes: each run
/// here succeeds on a sound input (or, `diff`, finds its difference) with nothing on stderr,
/// the notes of `import` (changed, missing and unknown rows), `export`'s warning of a cell
/// written as text and `watch`'s lines included.
#[test]
fn quiet_prints_nothing_but_errors_in_every_command() {
    let s = Scratch::of(FIXTURE);
    copy_dir(&fixture("fjallkommun_2031_reports"), &s.content());
    // An amount with more digits than Excel holds exactly: `export` warns of it.
    s.edit(
        "tables/driftbudget.yaml",
        "{id: b2031, title: Budget 2031, precision: 0}",
        "{id: b2031, title: Budget 2031, precision: 2}",
    );
    s.edit(
        "tables/driftbudget.yaml",
        "values: [8750, 8900]",
        "values: [123456789012345.12, 8900]",
    );
    let dir = s.dir.path();
    let file = |name: &str| dir.join(name).to_str().unwrap().to_string();
    // A sheet of the plan's table: one amount changed, a row missing, one unknown (`--force`).
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("driftbudget").unwrap();
    for (c, title) in ["id", "Belopp i tkr", "Budget 2031", "Budget 2030"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *title).unwrap();
    }
    for (r, (id, a, b)) in [("bibliotek", 12600.0, 12100.0), ("ny-rad", 1.0, 2.0)]
        .iter()
        .enumerate()
    {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_number(r, 2, *a).unwrap();
        ws.write_number(r, 3, *b).unwrap();
    }
    fs::write(file("plan.xlsx"), wb.save_to_buffer().unwrap()).unwrap();
    // An economy system's outcomes for the report: one changed, the other rows missing.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Blad1").unwrap();
    for (c, title) in ["Konto", "Benämning", "Utfall"].iter().enumerate() {
        ws.write_string(0, c as u16, *title).unwrap();
    }
    ws.write_string(1, 0, "4010").unwrap();
    ws.write_string(1, 1, "Bibliotek").unwrap();
    ws.write_number(1, 2, 4410.0).unwrap();
    fs::write(file("utfall.xlsx"), wb.save_to_buffer().unwrap()).unwrap();
    let other = dir.join("other");
    copy_dir(&s.content(), &other);
    let (other, changes) = (other.to_str().unwrap(), file("changes.pdf"));
    let (t1, plan_xlsx, utfall) = (file("t1.xlsx"), file("plan.xlsx"), file("utfall.xlsx"));
    let runs: Vec<(Vec<&str>, i32)> = vec![
        (vec!["build", "--split", "--output", "out"], 0),
        (vec!["build", "--report", "2031-t1", "--output", "out"], 0),
        (vec!["check"], 0),
        (vec!["export", "--out", &t1], 0),
        (
            vec!["import", &plan_xlsx, "--table", "driftbudget", "--force"],
            0,
        ),
        (
            vec!["import", &utfall, "--report", "2031-t1"]
                .into_iter()
                .chain(["--table", "driftbudget", "--sheet", "Blad1"])
                .collect(),
            0,
        ),
        (vec!["diff", other, "content"], 1),
        (
            vec!["diff", other, "content", "--format", "pdf", "-o", &changes],
            1,
        ),
        (vec!["new-year", "2032", "--to", "rolled"], 0),
        (vec!["report", "init", "2031-helar", "--kind", "helar"], 0),
        (vec!["init", "project"], 0),
        (vec!["templates", "--out", "my-templates"], 0),
        (vec!["schema", "--out", "schemas"], 0),
        (vec!["man", "--out", "man"], 0),
    ];
    for (args, code) in runs {
        let mut all = vec!["-q"];
        all.extend(args);
        let out = vplan_timed(dir, &all);
        assert_eq!(out.status.code(), Some(code), "{all:?}: {}", stderr(&out));
        assert!(out.stderr.is_empty(), "{all:?}: {}", stderr(&out));
    }
    // The amounts were imported (the notes were there to print).
    let yaml = fs::read_to_string(s.content().join("tables/driftbudget.yaml")).unwrap();
    assert!(yaml.contains("12600"), "{yaml}");
    quiet_watch(dir);
}

/// `vplan watch -q` through one rebuild: a content file is touched until the watcher (which
/// says nothing) has rebuilt once and stopped.
fn quiet_watch(dir: &Path) {
    use std::time::{Duration, Instant};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_vplan"))
        .current_dir(dir)
        .args(["watch", "-q", "--output", "out", "--max-rebuilds", "1"])
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let plan = dir.join("content/goals.yaml");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("vplan watch did not rebuild");
        }
        // A comment more: a change the watcher sees once it watches, the plan unchanged.
        let mut text = fs::read_to_string(&plan).unwrap();
        text.push_str("# ändrad\n");
        fs::write(&plan, text).unwrap();
        std::thread::sleep(Duration::from_millis(500));
    };
    let out = child.wait_with_output().unwrap();
    assert!(status.success(), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}
