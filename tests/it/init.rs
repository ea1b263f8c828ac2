//! `vplan init`: a skeleton plan for a new nämnd builds at once, and `check` lists every
//! guidance text and every row without amounts as a warning, so a skeleton is never published
//! by mistake.

use std::fs;

use crate::common::*;

#[test]
fn a_skeleton_builds_and_check_lists_what_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("kultur");
    let content = project.join("content");
    let run = vplan(
        dir.path(),
        &[
            "init",
            project.to_str().unwrap(),
            "--namnd",
            "Kulturnämnden",
            "--organisation",
            "Region Exempel",
            "--year",
            "2031",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));

    // It builds at once, the split documents too.
    let out = dir.path().join("out");
    let pdf = build(&content, &out, &[]);
    let text = pdf_text(&pdf);
    assert!(text.contains("Verksamhetsplan med budget 2031"));
    assert!(text.contains("Kulturnämnden"));
    assert!(
        text.contains("[Vägledning]"),
        "the guidance shows in the PDF"
    );
    assert!(text.contains("UTKAST"), "a skeleton is a draft");
    let split = dir.path().join("split");
    build(&content, &split, &["--split"]);
    assert_eq!(pdfs_in(&split).len(), 3, "plan, bilaga 1, tjänsteskrivelse");

    // check: exit 0, but every leftover is a warning at its place.
    let run = vplan(
        dir.path(),
        &["check", "--content", content.to_str().unwrap()],
    );
    assert_eq!(run.status.code(), Some(0));
    let err = stderr(&run);
    let guidance = err.matches("warning: guidance text still in place").count();
    let empty = err.matches("no amounts yet").count();
    assert!(guidance >= 20, "{guidance} guidance warnings:\n{err}");
    assert_eq!(empty, 10, "{err}");
    assert!(err.contains("chapters/01-inledning.yaml:"), "{err}");
    assert!(
        err.contains("table `resultatbudget`, row `personalkostnader`: no amounts yet"),
        "{err}"
    );
    let run = vplan(
        dir.path(),
        &[
            "check",
            "--deny-warnings",
            "--content",
            content.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status.code(), Some(1));

    // Every file names its schema and validates against it.
    for entry in walkdir::WalkDir::new(&content) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(&content)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some(kind) = vplan::content::schema::kind_of(&rel) else {
            continue;
        };
        let text = fs::read_to_string(entry.path()).unwrap();
        assert_eq!(
            text.lines().next().map(str::to_string),
            vplan::content::schema::modeline(&rel)
        );
        let (_, schema) = vplan::content::schema::all()
            .into_iter()
            .find(|(k, _)| *k == kind)
            .unwrap();
        let validator = jsonschema::validator_for(&serde_json::to_value(&schema).unwrap()).unwrap();
        let value: serde_json::Value = serde_yaml::from_str(&text).unwrap();
        assert!(validator.is_valid(&value), "{rel}");
    }
    assert!(content.join("schemas/table.schema.json").is_file());

    // A directory that is not empty is refused, and left alone.
    let run = vplan(
        dir.path(),
        &[
            "init",
            project.to_str().unwrap(),
            "--namnd",
            "X",
            "--organisation",
            "Y",
            "--year",
            "2031",
        ],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("is not empty"));
    assert!(content.join("plan.yaml").is_file());
}

/// Runs `vplan init` with a nämnd and an organisation; returns the project's content directory.
fn init(dir: &std::path::Path, sub: &str, namnd: &str, organisation: &str) -> std::path::PathBuf {
    let project = dir.join(sub);
    // `--namnd=- lista`: a value may start with `-`.
    let run = vplan(
        dir,
        &[
            "init",
            project.to_str().unwrap(),
            &format!("--namnd={namnd}"),
            &format!("--organisation={organisation}"),
            "--year",
            "2031",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{namnd:?}: {}", stderr(&run));
    project.join("content")
}

#[test]
fn hostile_names_are_written_as_data_and_load_back_exactly() {
    let long = "Nämnden för ".to_string() + &"mycket långa namn ".repeat(16) + "och annat";
    assert!(long.chars().count() >= 300);
    let names = [
        "Nämnd #1",
        "Nämnd: Bygg",
        "\"Citat\"",
        "a\nb",
        "- lista",
        "*stjärna",
        "&ankare",
        "!tagg",
        "%procent",
        "@snabel",
        "yes",
        "~",
        "12",
        "{ x/y/z }",
        "[Vägledning]",
        "back\\slash 'enkel'",
        long.as_str(),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, namnd) in names.iter().enumerate() {
        // The organisation is hostile too (another name of the list).
        let organisation = names[(i + 1) % names.len()];
        let content = init(dir.path(), &format!("plan-{i}"), namnd, organisation);
        let run = vplan(
            dir.path(),
            &["check", "--content", content.to_str().unwrap()],
        );
        assert_eq!(run.status.code(), Some(0), "{namnd:?}: {}", stderr(&run));
        let checked =
            vplan::pipeline::load(&content, &Default::default(), &vplan::progress::Silent).unwrap();
        let meta = &checked.plan.meta.value;
        assert_eq!(meta.namnd, *namnd);
        assert_eq!(meta.subtitle.as_deref(), Some(*namnd));
        assert_eq!(meta.organisation, organisation);
        let paper = &checked.plan.paper.as_ref().unwrap().value;
        assert_eq!(paper.forslag_till_beslut.len(), 1, "{namnd:?}");
        assert!(
            paper.forslag_till_beslut[0]
                .starts_with("att fastställa verksamhetsplan med budget 2031 för "),
            "{:?}",
            paper.forslag_till_beslut
        );
    }

    // In the decision paper the att-sats shows the name as typed: not cut at `#`, not read
    // as Markdown or as a figure reference.
    let content = dir.path().join("plan-0/content");
    let out = dir.path().join("out-0");
    build(&content, &out, &["--only", "tjansteskrivelse"]);
    let text = pdf_text(&pdfs_in(&out)[0]);
    assert!(text.contains("för nämnd #1,"), "{text}");
    let content = init(
        dir.path(),
        "markup",
        "*Stjärn* { x/y/z } _n_",
        "Region Exempel",
    );
    let out = dir.path().join("out-markup");
    build(&content, &out, &["--only", "tjansteskrivelse"]);
    let text = pdf_text(&pdfs_in(&out)[0]);
    assert!(text.contains("för *Stjärn* { x/y/z } _n_,"), "{text}");

    // `{{` would be printed with its braces in every title: refused before anything is written.
    let refused = dir.path().join("plan-braces");
    let run = vplan(
        dir.path(),
        &[
            "init",
            refused.to_str().unwrap(),
            "--namnd={{ x/y/z }}",
            "--organisation=Region Exempel",
            "--year",
            "2031",
        ],
    );
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("`{{` starts a figure reference, which a name cannot hold"),
        "{}",
        stderr(&run)
    );
    assert!(!refused.exists());
    // A year whose skeleton decision_date (the year before) check would refuse.
    for year in ["1900", "3001"] {
        let run = vplan(
            dir.path(),
            &[
                "init",
                refused.to_str().unwrap(),
                "--namnd=N",
                "--organisation=O",
                "--year",
                year,
            ],
        );
        assert_eq!(run.status.code(), Some(2), "{year}: {}", stderr(&run));
        assert!(
            stderr(&run).contains("from 1901 to 3000"),
            "{}",
            stderr(&run)
        );
        assert!(!refused.exists());
    }

    // A 300-character name gives a file name a file system takes.
    let content = dir.path().join(format!("plan-{}/content", names.len() - 1));
    let out = dir.path().join("out-long");
    let pdf = build(&content, &out, &[]);
    let name = pdf.file_name().unwrap().to_str().unwrap();
    assert!(name.len() < 120, "{name}");
    assert!(
        name.starts_with("2031-namnden-for-mycket-langa-namn-"),
        "{name}"
    );
}

#[test]
fn an_empty_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("c");
    let run = vplan(
        dir.path(),
        &[
            "init",
            content.to_str().unwrap(),
            "--namnd",
            " ",
            "--organisation",
            "R",
            "--year",
            "2031",
        ],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("--namnd is empty"),
        "{}",
        stderr(&run)
    );
    assert!(!content.exists());
}

/// A plan project that a person can take anywhere: the binary alone (copied out of the build
/// into a temporary directory, run with a `PATH` of that directory only, from a working
/// directory outside the repository, with no other environment) makes a project with
/// `vplan init`, and in it `vplan build` and `vplan check` work with the built-in templates
/// and fonts. The transcript is printed (`cargo test --test it init::installed -- --nocapture`).
#[test]
fn installed_binary_makes_a_portable_project() {
    let tmp = tempfile::tempdir().unwrap();
    let tmp = tmp.path().canonicalize().unwrap();
    assert!(
        !tmp.starts_with(root().canonicalize().unwrap()),
        "the temporary directory {} is inside the repository",
        tmp.display()
    );
    let bin = tmp.join("bin");
    fs::create_dir(&bin).unwrap();
    fs::copy(env!("CARGO_BIN_EXE_vplan"), bin.join("vplan")).unwrap();
    let work = tmp.join("work");
    fs::create_dir(&work).unwrap();

    let mut transcript = String::new();
    let mut run = |cwd: &std::path::Path, args: &[&str]| {
        let out = std::process::Command::new("vplan")
            .current_dir(cwd)
            .args(args)
            .env_clear()
            .env("PATH", &bin)
            .env("HOME", &tmp)
            .output()
            .expect("vplan runs from PATH");
        let shown: Vec<String> = args
            .iter()
            .map(|a| {
                if a.contains(' ') {
                    format!("\"{a}\"")
                } else {
                    a.to_string()
                }
            })
            .collect();
        transcript.push_str(&format!(
            "{}$ vplan {}\n{}{}[exit {}]\n",
            if cwd == work { "" } else { "plan/" },
            shown.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            out.status.code().map_or("signal".into(), |c| c.to_string())
        ));
        out
    };

    // Exactly the issue's `vplan init plan && cd plan && vplan build && vplan check`: without
    // names the plan has placeholders (which check lists) and is for next year.
    let init = run(&work, &["init", "plan"]);
    let project = work.join("plan");
    let build = run(&project, &["build"]);
    let check = run(&project, &["check"]);
    // With names given, they are printed.
    let named = run(
        &work,
        &[
            "init",
            "named",
            "--namnd",
            "Kulturnämnden",
            "--organisation",
            "Region Exempel",
            "--year",
            "2031",
        ],
    );
    // The built-in templates written out for customising give the same PDF; a second time
    // they are refused, and a named templates directory that does not exist is an error.
    let pdf = project.join(format!(
        "output/{}-namnd-verksamhetsplan.pdf",
        vplan::skeleton::next_year()
    ));
    let templates = run(&project, &["templates", "--out", "templates"]);
    let built_in = fs::read(&pdf).unwrap_or_default();
    let rebuild = run(&project, &["build", "-q"]);
    let again = run(&project, &["templates", "--out", "templates"]);
    let typo = run(&project, &["build", "--templates", "templaets"]);
    println!("{transcript}");
    assert_eq!(
        crate::common::pdfs_in(&project.join("output")),
        vec![pdf.clone()],
        "{transcript}"
    );
    assert!(stderr(&check).contains("namnd is still the placeholder `[Nämnd]`"));
    assert!(stderr(&check).contains("organisation is still the placeholder `[Organisation]`"));
    assert_eq!(named.status.code(), Some(0), "{transcript}");
    assert!(fs::read_to_string(work.join("named/content/plan.yaml"))
        .unwrap()
        .contains("namnd: \"Kulturnämnden\""));

    assert_eq!(init.status.code(), Some(0), "{transcript}");
    assert_eq!(build.status.code(), Some(0), "{transcript}");
    assert_eq!(check.status.code(), Some(0), "{transcript}");
    for file in [
        ".gitattributes",
        ".gitignore",
        "LÄSMIG.md",
        "content/plan.yaml",
        "content/schemas/table.schema.json",
    ] {
        assert!(project.join(file).is_file(), "{file} is missing");
    }
    assert!(built_in.starts_with(b"%PDF"), "{}", pdf.display());
    assert!(stderr(&check).contains("warning: guidance text still in place"));

    assert_eq!(templates.status.code(), Some(0), "{transcript}");
    assert_eq!(rebuild.status.code(), Some(0), "{transcript}");
    assert_eq!(
        fs::read(&pdf).unwrap(),
        built_in,
        "the written-out templates are the built-in ones"
    );
    assert_eq!(again.status.code(), Some(2), "{transcript}");
    assert!(stderr(&again).contains("is not empty"), "{transcript}");
    assert_eq!(typo.status.code(), Some(2), "{transcript}");
    assert!(
        stderr(&typo).contains("templates directory templaets does not exist"),
        "{transcript}"
    );

    // What the project's files say.
    let read = |f: &str| fs::read_to_string(project.join(f)).unwrap();
    assert!(read(".gitignore").lines().any(|l| l == "/output/"));
    // The lock file a writing command holds (`output::lock`) is not versioned.
    assert!(read(".gitignore").lines().any(|l| l == ".vplan.lock"));
    let readme = read("LÄSMIG.md");
    for needle in [
        "vplan build",
        "vplan watch",
        "vplan check",
        "git config diff.vplan.textconv \"vplan textconv\"",
        "vplan templates --out templates",
    ] {
        assert!(readme.contains(needle), "LÄSMIG.md lacks {needle:?}");
    }
    // In a git repository, every content file, at any depth, is marked for the textconv driver.
    let git = std::process::Command::new("git")
        .current_dir(&project)
        .args(["init", "-q"])
        .status()
        .expect("git runs");
    assert!(git.success());
    let attr = std::process::Command::new("git")
        .current_dir(&project)
        .args([
            "check-attr",
            "diff",
            "--",
            "content/plan.yaml",
            "content/tables/driftbudget.yaml",
            "content/schemas/table.schema.json",
        ])
        .output()
        .expect("git runs");
    assert_eq!(
        String::from_utf8_lossy(&attr.stdout),
        "content/plan.yaml: diff: vplan\n\
         content/tables/driftbudget.yaml: diff: vplan\n\
         content/schemas/table.schema.json: diff: unspecified\n"
    );
}

#[test]
fn init_fills_the_empty_directory_it_is_run_in_and_never_replaces_it() {
    // `vplan init .` in an empty directory, and `vplan init ../same` from inside it: the
    // directory a shell stands in is filled, never removed and made anew.
    for (arg, name) in [(".", "here"), ("../there", "there")] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(name);
        fs::create_dir(&dir).unwrap();
        let out = vplan(&dir, &["init", arg]);
        assert!(out.status.success(), "{arg}: {}", stderr(&out));
        assert!(dir.join("content/plan.yaml").is_file(), "{arg}");
        assert!(dir.join("LÄSMIG.md").is_file(), "{arg}");
        // Nothing is left beside it or inside it but the project.
        let beside: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(beside, vec![std::ffi::OsString::from(name)], "{arg}");
        let mut inside: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        inside.sort();
        assert_eq!(
            inside,
            [".gitattributes", ".gitignore", "LÄSMIG.md", "content"],
            "{arg}"
        );
        // The shell's working directory still works: a build from it finds the project.
        let build = vplan(&dir, &["build", "-q"]);
        assert!(build.status.success(), "{arg}: {}", stderr(&build));
        // A second time it is refused, and the project stays as it is.
        let again = vplan(&dir, &["init", arg]);
        assert_eq!(again.status.code(), Some(2), "{arg}");
        assert!(dir.join("content/plan.yaml").is_file());
    }
    // A file in the way is refused before anything is written.
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("afile"), "x").unwrap();
    let out = vplan(tmp.path(), &["init", "afile"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
}

/// Two `init` into one existing empty directory at the same time: one writes the project, the
/// other waits for its lock and then finds the directory not empty; nothing of the project is
/// replaced, and no lock file is left in it.
#[test]
fn two_inits_into_one_empty_directory_at_once_write_once() {
    for round in 0..20 {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("kultur");
        fs::create_dir(&dir).unwrap();
        let outs = vplan_at_once(
            tmp.path(),
            &["init", "kultur", "--namnd", "Kulturnämnden"],
            &["init", "kultur", "--namnd", "Fritidsnämnden"],
        );
        let codes: Vec<_> = outs.iter().map(|o| o.status.code()).collect();
        let said: Vec<_> = outs.iter().map(stderr).collect();
        assert!(
            codes.contains(&Some(0)) && codes.contains(&Some(2)),
            "round {round}: {codes:?} {said:?}"
        );
        let won = codes.iter().position(|c| *c == Some(0)).unwrap();
        assert!(said[1 - won].contains("is not empty"), "{}", said[1 - won]);
        // Every file is the winner's: its nämnd is in the plan.
        let plan = fs::read_to_string(dir.join("content/plan.yaml")).unwrap();
        let namnd = ["Kulturnämnden", "Fritidsnämnden"][won];
        assert!(plan.contains(namnd), "round {round}: {plan}");
        for f in [".gitattributes", ".gitignore", "LÄSMIG.md"] {
            assert!(dir.join(f).is_file(), "round {round}: {f} is gone");
        }
        assert!(!dir.join(".vplan.lock").exists(), "round {round}");
    }
}
