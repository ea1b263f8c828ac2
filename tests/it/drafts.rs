//! Follow-up reports as drafts of their own, and their skeletons: a report's errors and
//! warnings stop only what judges that report (`build --report ID`, `check --report ID`, and
//! `export`, `diff` with `--report ID`), never the plan or another report; `check` still lists
//! everything. `report init` writes the whole report by kind, and what it writes checks with
//! warnings that say "fill this in" only.

use crate::common::*;

const FIXTURE: &str = "fjallkommun_2031";

/// The fixture plan with its finished example reports (`2031-t1`, `2031-delar`).
fn with_reports() -> Scratch {
    let s = Scratch::of(FIXTURE);
    copy_dir(&fixture("fjallkommun_2031_reports"), &s.content());
    s
}

/// `vplan report init ID --kind KIND` into the scratch's content; the file's text.
fn init(s: &Scratch, id: &str, kind: &str) -> String {
    let content = s.content();
    let out = vplan(
        s.dir.path(),
        &[
            "report",
            "init",
            id,
            "--kind",
            kind,
            "--content",
            content.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::read_to_string(content.join(format!("uppfoljning/{id}.yaml"))).unwrap()
}

fn run(s: &Scratch, cmd: &str, args: &[&str]) -> (i32, String) {
    let out = s.run(cmd, args);
    (
        out.status.code().unwrap(),
        stderr(&out).replace('\u{a0}', " "),
    )
}

/// The diagnostics of `check` (with `args`) as JSON: (severity, file, line, message).
fn diagnostics(s: &Scratch, args: &[&str]) -> (i32, Vec<(String, String, u64, String)>) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = s.run("check", &all);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    let diags = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (out.status.code().unwrap(), diags)
}

#[test]
fn a_helar_skeleton_beside_a_finished_delar_stops_only_itself() {
    let s = with_reports();
    let out_dir = s.dir.path().join("out");
    let out = out_dir.to_str().unwrap();
    // The finished delår is clean before the skeleton is written …
    let (code, err) = run(
        &s,
        "build",
        &["--report", "2031-delar", "--deny-warnings", "--output", out],
    );
    assert_eq!(code, 0, "{err}");
    std::fs::remove_dir_all(&out_dir).unwrap();
    init(&s, "2031-helar", "helar");
    // … and stays so beside it: the skeleton's warnings are not the delår's.
    let (code, err) = run(
        &s,
        "build",
        &["--report", "2031-delar", "--deny-warnings", "--output", out],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        !err.contains("2031-helar.yaml:") && !err.contains("warning:"),
        "{err}"
    );
    assert_eq!(
        pdfs_in(&out_dir),
        vec![out_dir.join("2031-fritids-och-kulturnamnden-delarsrapport.pdf")]
    );
    // `check --report` judges what that build judges.
    let (code, err) = run(&s, "check", &["--report", "2031-delar", "--deny-warnings"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !err.contains("2031-helar.yaml:") && !err.contains("warning:"),
        "{err}"
    );
    // `check` without --report still lists the skeleton's problems, at its lines, and fails on
    // them with --deny-warnings; so does `check --report` of the skeleton.
    let (code, diags) = diagnostics(&s, &["--deny-warnings"]);
    assert_eq!(code, 1);
    let helar: Vec<_> = diags
        .iter()
        .filter(|d| d.1.ends_with("uppfoljning/2031-helar.yaml"))
        .collect();
    assert!(helar.len() >= 10, "{diags:?}");
    assert!(helar.iter().all(|d| d.0 == "error" && d.2 > 0), "{helar:?}");
    assert!(
        helar.iter().any(|d| d.3 == "guidance text still in place"),
        "{helar:?}"
    );
    // Nothing of the other reports or the plan.
    assert_eq!(helar.len(), diags.len(), "{diags:?}");
    let (code, err) = run(&s, "check", &["--report", "2031-helar", "--deny-warnings"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("uppfoljning/2031-helar.yaml:"), "{err}");
    // Two reports at once: the skeleton's problems count.
    let (code, err) = run(
        &s,
        "check",
        &[
            "--report",
            "2031-delar",
            "--report",
            "2031-helar",
            "--deny-warnings",
        ],
    );
    assert_eq!(code, 1, "{err}");
    // As a draft it has warnings only: it checks, and it builds.
    let (code, err) = run(&s, "check", &["--report", "2031-helar"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning: "), "{err}");
    // The plan is built, judged on its own warnings only.
    let plan_out = s.dir.path().join("plan-out");
    let (code, err) = run(
        &s,
        "build",
        &["--deny-warnings", "--output", plan_out.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        !err.contains("2031-helar.yaml:") && !err.contains("warning:"),
        "{err}"
    );
    assert_eq!(
        pdfs_in(&plan_out),
        vec![plan_out.join("2031-fritids-och-kulturnamnden-verksamhetsplan.pdf")]
    );
}

#[test]
fn a_report_with_errors_stops_only_what_names_it() {
    let s = with_reports();
    let text = init(&s, "2031-helar", "helar");
    // An error in the skeleton: a goal the plan does not have.
    let broken = text.replacen("- id: mal-fler-besok\n", "- id: mal-fler-besk\n", 1);
    assert_ne!(broken, text);
    s.write("uppfoljning/2031-helar.yaml", &broken);
    let error = "the plan has no goal `mal-fler-besk`";
    // The plan builds, and so does the other report.
    let out = s.dir.path().join("out");
    let (code, err) = run(&s, "build", &["--output", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains(error), "{err}");
    let (code, err) = run(
        &s,
        "build",
        &[
            "--report",
            "2031-delar",
            "--deny-warnings",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains(error), "{err}");
    assert_eq!(pdfs_in(&out).len(), 2);
    // The broken report stops its own build (nothing written) and its own check …
    let broken_out = s.dir.path().join("broken-out");
    let (code, err) = run(
        &s,
        "build",
        &[
            "--report",
            "2031-helar",
            "--output",
            broken_out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(error), "{err}");
    assert!(!broken_out.exists());
    let (code, err) = run(&s, "check", &["--report", "2031-helar"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(error), "{err}");
    // … and `check` of everything, without --deny-warnings.
    let (code, err) = run(&s, "check", &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(error), "{err}");
    let (code, err) = run(&s, "check", &["--report", "2031-delar"]);
    assert_eq!(code, 0, "{err}");
    // The other commands with --report judge the report they name.
    let xlsx = s.dir.path().join("delar.xlsx");
    let (code, err) = run(
        &s,
        "export",
        &["--report", "2031-delar", "--out", xlsx.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    assert!(xlsx.exists());
    let (code, err) = run(
        &s,
        "export",
        &[
            "--report",
            "2031-helar",
            "--out",
            s.dir.path().join("h.xlsx").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(error), "{err}");
    let (code, err) = run(
        &s,
        "export",
        &["--out", s.dir.path().join("p.xlsx").to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    // diff between two directories, both with the broken draft.
    let other = s.dir.path().join("other");
    copy_dir(&s.content(), &other);
    let c = s.content();
    let (code, err) = run(
        &s,
        "diff",
        &[
            other.to_str().unwrap(),
            c.to_str().unwrap(),
            "--report",
            "2031-delar",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, err) = run(
        &s,
        "diff",
        &[
            other.to_str().unwrap(),
            c.to_str().unwrap(),
            "--report",
            "2031-helar",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(error), "{err}");
}

#[test]
fn a_report_file_that_does_not_load_stops_no_other_document() {
    let s = with_reports();
    // A key the model does not have: the file gives its id, so its problem is that report's.
    s.write(
        "uppfoljning/2031-t2.yaml",
        "id: 2031-t2\nkind: tertial\nlabel: Maj–augusti 2031\nperiod_end: 2031-08-31\ndecision_date: 2031-09-30\nbogus: 1\n",
    );
    let out = s.dir.path().join("out");
    let o = out.to_str().unwrap();
    let (code, err) = run(
        &s,
        "build",
        &["--report", "2031-delar", "--deny-warnings", "--output", o],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("bogus"), "{err}");
    let (code, err) = run(&s, "build", &["--output", o]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = run(&s, "build", &["--report", "2031-t2", "--output", o]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("uppfoljning/2031-t2.yaml:6:1"), "{err}");
    assert!(err.contains("unknown key `bogus`"), "{err}");
    let (code, err) = run(&s, "check", &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("unknown key `bogus`"), "{err}");
    // Broken YAML gives no id: a --report of an id no report has lists its problem, since it
    // may be the report meant; other reports build.
    std::fs::remove_file(s.content().join("uppfoljning/2031-t2.yaml")).unwrap();
    s.write("uppfoljning/2031-t3.yaml", "id: 2031-t3\nkind: [tertial\n");
    let (code, err) = run(
        &s,
        "build",
        &["--report", "2031-delar", "--deny-warnings", "--output", o],
    );
    assert_eq!(code, 0, "{err}");
    let (code, err) = run(&s, "build", &["--report", "2031-t3", "--output", o]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("uppfoljning/2031-t3.yaml:"), "{err}");
    assert!(
        err.contains("--report 2031-t3: there is no such report"),
        "{err}"
    );
    std::fs::remove_file(s.content().join("uppfoljning/2031-t3.yaml")).unwrap();
    // A link out of the content directory is refused unread: not even its id is taken.
    let outside = s.dir.path().join("outside.yaml");
    std::fs::write(&outside, "id: 2031-hemlig\nkind: tertial\n").unwrap();
    std::os::unix::fs::symlink(&outside, s.content().join("uppfoljning/link.yaml")).unwrap();
    let (code, err) = run(
        &s,
        "build",
        &["--report", "2031-delar", "--deny-warnings", "--output", o],
    );
    assert_eq!(code, 0, "{err}");
    let (code, err) = run(&s, "build", &["--report", "2031-hemlig", "--output", o]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("refusing to read this file"), "{err}");
    // (Had its id been read, the build would have named the file as that report's.)
    assert!(
        err.contains("--report 2031-hemlig: there is no such report"),
        "{err}"
    );
    std::fs::remove_file(s.content().join("uppfoljning/link.yaml")).unwrap();
    // A report id that nothing gives, with no broken file, stays a usage error.
    let (code, err) = run(&s, "check", &["--report", "2031-t9"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("there is no such report"), "{err}");
}

/// The guidance texts of a skeleton (every `[Vägledning]` line).
fn guidance(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.contains("[Vägledning]"))
        .collect()
}

#[test]
fn the_skeleton_is_whole_by_kind_and_checks_with_fill_in_warnings_only() {
    let s = Scratch::of(FIXTURE);
    // A table whose every row is computed (taken from another table), and one with nothing
    // to follow up.
    s.write(
        "tables/sammanstallning.yaml",
        "id: sammanstallning\nunit: tkr\ncolumns:\n  - {id: b2031, title: Budget 2031, precision: 0}\nrows:\n  - {id: bibliotek, label: Bibliotek, values: [~], refs: {b2031: omraden/bibliotek}}\n  - {id: simhall, label: Simhall, values: [~], refs: {b2031: omraden/simhall}}\n  - {id: summa, label: Summa, kind: sum, sum: all}\n",
    );
    s.write(
        "tables/rubriker.yaml",
        "id: rubriker\nunit: tkr\ncolumns:\n  - {id: b2031, title: Budget 2031, precision: 0}\nrows:\n  - {id: g, label: Rubrik, kind: group}\n",
    );
    let helar = init(&s, "2031-helar", "helar");
    let delar = init(&s, "2031-delar", "delar");
    let tertial = init(&s, "2031-t1", "tertial");
    // A verksamhetsberättelse has no forecast: nothing in its skeleton asks for one.
    assert!(!helar.to_lowercase().contains("prognos"), "{helar}");
    for kind in [&delar, &tertial] {
        let asks: Vec<&str> = guidance(kind)
            .into_iter()
            .filter(|l| l.contains("prognosen för helåret"))
            .collect();
        assert!(asks.len() >= 2, "{kind}");
        assert!(kind.contains("utfall: ~, prognos: ~}"), "{kind}");
    }
    for (text, id) in [
        (&helar, "2031-helar"),
        (&delar, "2031-delar"),
        (&tertial, "2031-t1"),
    ] {
        let f: vplan::content::FollowUp = serde_yaml::from_str(text).unwrap();
        // Every text the report prints: the plan has a Handlingsplan and an internal-control
        // plan.
        for (key, value) in f.texts.all() {
            assert!(
                value.is_some_and(|v| v.contains("[Vägledning]")),
                "{id}: texts.{key}"
            );
        }
        let d = f.decision.as_ref().expect("decision:");
        assert_eq!(d.status, vplan::content::Status::Utkast);
        assert!(d.arende.is_some() && d.diarienummer.is_some() && d.paragraf.is_some());
        assert!(d.beslutsinstans.is_some() && d.sammantradesdatum.is_some());
        let p = f.tjansteskrivelse.as_ref().expect("tjansteskrivelse:");
        assert!(p.avsandare.is_some() && p.datum.is_some(), "{id}");
        assert!(p.sammanfattning.contains("[Vägledning]"), "{id}");
        assert_eq!(p.forslag_till_beslut.len(), 1, "{id}");
        assert!(p.forslag_till_beslut[0].starts_with("att godkänna"), "{id}");
        if id == "2031-helar" {
            assert_eq!(
                p.forslag_till_beslut,
                ["att godkänna verksamhetsberättelsen för 2031."]
            );
        }
        assert_eq!(p.underskrifter.len(), 1, "{id}");
        assert_eq!(f.handlingsplan.as_deref(), Some("handlingsplan-summering"));
        assert_eq!(f.internal_control.len(), 2, "{id}");
        // Every amount table: listed with the column it follows, or a comment why not.
        let listed: Vec<&str> = f.tables.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            listed,
            [
                "driftbudget",
                "omraden",
                "handlingsplan-summering",
                "handlingsplan-bibliotek",
                "handlingsplan-simhall",
                "sammanstallning",
            ],
            "{id}"
        );
        assert!(f.tables.iter().all(|t| t.budget.is_some()), "{id}");
        let computed = &f.tables[5];
        assert!(computed.rows.is_empty());
        assert!(
            text.contains(
                "  # rubriker: utelämnad, tabellen har inga rader med belopp att följa upp\n"
            ),
            "{text}"
        );
    }
    // Checked as written: warnings only, each saying what is still to fill in.
    let fill_in = [
        "guidance text still in place",
        "not assessed yet",
        "no outcome yet",
        "no outcome (`utfall`) yet for",
        "no status yet",
        "no result of its controls yet",
        "is still the placeholder",
        "has both positive and negative amounts",
    ];
    for id in ["2031-helar", "2031-delar", "2031-t1"] {
        let (code, diags) = diagnostics(&s, &["--report", id]);
        assert_eq!(code, 0, "{id}: {diags:?}");
        assert!(!diags.is_empty());
        for d in &diags {
            assert_eq!(d.0, "warning", "{id}: {d:?}");
            assert!(
                d.1.ends_with(&format!("uppfoljning/{id}.yaml")),
                "{id}: {d:?}"
            );
            assert!(fill_in.iter().any(|f| d.3.contains(f)), "{id}: {d:?}");
        }
        // The placeholders of the decision are among them.
        assert!(
            diags.iter().any(|d| d.3.contains("decision.diarienummer")),
            "{id}"
        );
    }
    // The draft builds at once, with its decision paper.
    let out = s.dir.path().join("out");
    let (code, err) = run(
        &s,
        "build",
        &[
            "--report",
            "2031-delar",
            "--split",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(pdfs_in(&out).len(), 2, "{err}");
    let paper = out.join("2031-fritids-och-kulturnamnden-delarsrapport-tjansteskrivelse.pdf");
    let text = pdf_text(&paper);
    assert!(
        text.contains("att godkänna delårsrapporten för januari–augusti 2031"),
        "{text}"
    );
}

#[test]
fn a_skeleton_of_a_plan_without_an_internal_control_plan_or_handlingsplan_says_why() {
    let s = Scratch::of(FIXTURE);
    std::fs::remove_file(s.content().join("internkontroll.yaml")).unwrap();
    s.edit(
        "chapters/04-styrning.yaml",
        "        - internal_control\n",
        "",
    );
    // No Handlingsplan either: its tables and their chapter section gone.
    std::fs::remove_dir_all(s.content().join("tables/handlingsplan")).unwrap();
    s.write(
        "chapters/05-ekonomi.yaml",
        "id: ekonomi\ntitle: Ekonomi\nblocks:\n  - text: Nämndens budget per område.\n  - table: omraden\n",
    );
    let (code, err) = run(&s, "check", &["--deny-warnings"]);
    assert_eq!(code, 0, "the plan without them is sound: {err}");
    let text = init(&s, "2031-delar", "delar");
    assert!(
        text.contains("  # handlingsplan: planen har ingen Handlingsplan"),
        "{text}"
    );
    assert!(
        text.contains("  # intern_kontroll: planen har ingen internkontrollplan"),
        "{text}"
    );
    assert!(
        text.contains("# internal_control: planen har ingen internkontrollplan"),
        "{text}"
    );
    assert!(!text.contains("\nhandlingsplan:"), "{text}");
    let f: vplan::content::FollowUp = serde_yaml::from_str(&text).unwrap();
    assert!(f.texts.handlingsplan.is_none() && f.texts.intern_kontroll.is_none());
    let (code, err) = run(&s, "check", &["--report", "2031-delar"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("is not printed"), "{err}");
}

#[test]
fn a_text_the_report_cannot_print_is_a_warning_at_its_line() {
    let s = Scratch::of(FIXTURE);
    // The plan without internkontroll.yaml: no risks, no chapter Intern kontroll.
    std::fs::remove_file(s.content().join("internkontroll.yaml")).unwrap();
    s.edit(
        "chapters/04-styrning.yaml",
        "        - internal_control\n",
        "",
    );
    s.write(
        "uppfoljning/2031-delar.yaml",
        "id: 2031-delar\nkind: delar\nlabel: Januari–augusti 2031\nperiod_end: 2031-08-31\n\
         decision_date: 2031-09-24\ntexts:\n  ekonomi: Som planerat.\n  \
         handlingsplan: Åtgärderna går enligt plan.\n  intern_kontroll: Kontrollerna är gjorda.\n",
    );
    let (code, diags) = diagnostics(&s, &["--report", "2031-delar"]);
    assert_eq!(code, 0, "{diags:?}");
    let at = |needle: &str| {
        diags
            .iter()
            .find(|d| d.3.contains(needle))
            .unwrap_or_else(|| panic!("no {needle:?} in {diags:?}"))
            .clone()
    };
    let ic = at("texts.intern_kontroll is not printed");
    assert_eq!((ic.0.as_str(), ic.2), ("warning", 9), "{ic:?}");
    assert!(ic.1.ends_with("uppfoljning/2031-delar.yaml"));
    let hp = at("texts.handlingsplan is not printed");
    assert_eq!((hp.0.as_str(), hp.2), ("warning", 8), "{hp:?}");
    // With `handlingsplan:` the text is printed: no warning; the other stays.
    s.edit(
        "uppfoljning/2031-delar.yaml",
        "texts:\n",
        "handlingsplan: handlingsplan-summering\ntexts:\n",
    );
    let (_, err) = run(&s, "check", &["--report", "2031-delar"]);
    assert!(!err.contains("texts.handlingsplan is not printed"), "{err}");
    assert!(
        err.contains("texts.intern_kontroll is not printed"),
        "{err}"
    );
    // The texts the report does print are not warned about.
    assert!(!err.contains("texts.ekonomi"), "{err}");
}

/// Two `report init` of one id at the same time: one writes the skeleton, the other waits for
/// its lock on the content directory and then finds the file there (never both "wrote").
#[test]
fn two_report_inits_of_one_id_at_once_write_once() {
    let s = Scratch::of(FIXTURE);
    let content = s.content();
    for round in 0..5 {
        let id = format!("2031-helar-{round}");
        let args = [
            "report",
            "init",
            id.as_str(),
            "--kind",
            "helar",
            "--content",
            content.to_str().unwrap(),
        ];
        let outs = vplan_at_once(s.dir.path(), &args, &args);
        let codes: Vec<_> = outs.iter().map(|o| o.status.code()).collect();
        let said: Vec<_> = outs.iter().map(stderr).collect();
        assert!(
            codes.contains(&Some(0)) && codes.contains(&Some(2)),
            "round {round}: {codes:?} {said:?}"
        );
        let refused = &outs[codes.iter().position(|c| *c == Some(2)).unwrap()];
        assert!(
            stderr(refused).contains(&format!("{id}.yaml"))
                && stderr(refused).contains("give another id"),
            "{}",
            stderr(refused)
        );
        let _ = std::fs::remove_file(content.join(format!("uppfoljning/{id}.yaml")));
    }
}
