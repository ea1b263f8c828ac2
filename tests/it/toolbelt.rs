//! The toolbelt around the plan: man pages for every subcommand, shell completion of the plan's
//! ids.

use std::collections::BTreeSet;
use std::fs;

use crate::common::*;

/// The subcommand paths of vplan, read from `--help` at every depth (the `Commands:` list of
/// each), `help` aside: `["build"]`, `["report", "init"]`, ….
fn subcommand_paths() -> Vec<Vec<String>> {
    fn walk(path: Vec<String>, out: &mut Vec<Vec<String>>) {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let run = vplan(&root(), &args);
        assert_eq!(run.status.code(), Some(0), "{args:?}: {}", stderr(&run));
        let help = String::from_utf8_lossy(&run.stdout).into_owned();
        let subs: Vec<String> = help
            .lines()
            .skip_while(|l| *l != "Commands:")
            .skip(1)
            .take_while(|l| !l.trim().is_empty())
            // A command's line starts with two spaces; its wrapped description with more.
            .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
            .filter_map(|l| l.split_whitespace().next().map(str::to_string))
            .filter(|name| name != "help")
            .collect();
        for sub in subs {
            let mut p = path.clone();
            p.push(sub);
            out.push(p.clone());
            walk(p, out);
        }
    }
    let mut out = Vec::new();
    walk(Vec::new(), &mut out);
    out
}

#[test]
fn a_man_page_for_every_subcommand_and_every_link_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man");
    let run = vplan(dir.path(), &["man", "-q", "--out", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let written: BTreeSet<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();

    let paths = subcommand_paths();
    assert!(
        paths.contains(&vec!["report".to_string(), "init".to_string()]),
        "{paths:?}"
    );
    let mut expected: BTreeSet<String> = paths
        .iter()
        .map(|p| format!("vplan-{}.1", p.join("-")))
        .collect();
    expected.insert("vplan.1".into());
    assert_eq!(written, expected);

    // Every page named anywhere (`vplan\-report\-init(1)` in roff) is a page written.
    let mut named = BTreeSet::new();
    for file in &written {
        let page = fs::read_to_string(out.join(file))
            .unwrap()
            .replace("\\-", "-");
        let mut rest = page.as_str();
        while let Some(at) = rest.find("(1)") {
            let before = &rest[..at];
            let start = before
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .map_or(0, |i| i + 1);
            let name = &before[start..];
            if name.starts_with("vplan") {
                assert!(
                    written.contains(&format!("{name}.1")),
                    "{file} names {name}(1), which is not written"
                );
                named.insert(name.to_string());
            }
            rest = &rest[at + 3..];
        }
    }
    // Each page but vplan.1 is named by its parent; each subcommand's page names its parents.
    assert_eq!(named.len(), written.len(), "{named:?}");
    let init = fs::read_to_string(out.join("vplan-report-init.1")).unwrap();
    assert!(init.contains("\\-\\-kind"), "{init}");
    assert!(init.contains("vplan report init"), "{init}");
    assert!(
        init.contains(".SH \"SEE ALSO\"\nvplan\\-report(1), vplan(1)"),
        "{init}"
    );
}

/// What the shell gets at a TAB after `words` (the last word is the one being completed), as
/// bash asks for it: `VPLAN_COMPLETE=bash vplan -- vplan WORDS…` with the index of that word.
fn complete(dir: &std::path::Path, words: &[&str]) -> Vec<String> {
    complete_at(dir, words, words.len() - 1)
}

/// [`complete`] with the cursor in the word `at` of `words` (bash passes the words after it
/// too).
fn complete_at(dir: &std::path::Path, words: &[&str], at: usize) -> Vec<String> {
    let mut args = vec!["--", "vplan"];
    args.extend_from_slice(words);
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_vplan"))
        .current_dir(dir)
        .args(&args)
        .env("VPLAN_COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", (at + 1).to_string())
        .env("_CLAP_IFS", "\n")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{words:?}: {}", stderr(&run));
    // Quiet even when the plan is broken or missing.
    assert_eq!(stderr(&run), "", "{words:?}");
    String::from_utf8_lossy(&run.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn options_complete_the_ids_of_the_plan() {
    // The repository's plan, `content/` as the default content directory.
    let tables = complete(&root(), &["import", "budget.xlsx", "--table", ""]);
    for id in [
        "driftbudget",
        "resultatbudget",
        "bilaga-1-fastigheter",
        "handlingsplan-summering",
    ] {
        assert!(tables.contains(&id.to_string()), "{tables:?}");
    }
    // Ids, not the names of files.
    assert!(
        !tables
            .iter()
            .any(|t| t.contains(".yaml") || t.contains('/')),
        "{tables:?}"
    );
    assert_eq!(
        complete(&root(), &["import", "b.xlsx", "--table", "drift"]),
        ["driftbudget"]
    );
    assert_eq!(
        complete(&root(), &["build", "--only", ""]),
        ["plan", "bilaga-1", "bilaga-2", "tjansteskrivelse"]
    );
    assert_eq!(
        complete(&root(), &["watch", "--split", "--only", "bil"]),
        ["bilaga-1", "bilaga-2"]
    );
    // The plan has no follow-up reports.
    assert_eq!(
        complete(&root(), &["export", "--report", ""]),
        Vec::<String>::new()
    );

    // The fixture nämnd with its reports, named by `--content` (either spelling), from another
    // directory.
    let s = Scratch::of("fjallkommun_2031");
    copy_dir(&fixture("fjallkommun_2031_reports"), &s.content());
    let dir = tempfile::tempdir().unwrap();
    let content = s.content();
    let c = content.to_str().unwrap();
    let with = format!("--content={c}");
    for words in [
        vec!["check", "--content", c, "--report", ""],
        vec!["build", "--report", "", "--content", c],
        vec!["export", with.as_str(), "--report", ""],
        vec!["import", "t1.xlsx", "--content", c, "--report", ""],
        vec![
            "diff",
            "HEAD",
            "--content",
            c,
            "--report",
            "2031-t1",
            "--report",
            "",
        ],
    ] {
        // The word being completed is the empty one; `--content` may come after it.
        let at = words.iter().position(|w| w.is_empty()).unwrap();
        assert_eq!(
            complete_at(dir.path(), &words, at),
            ["2031-delar", "2031-t1"],
            "{words:?}"
        );
    }
    assert_eq!(
        complete(
            dir.path(),
            &["import", "x.xlsx", "--content", c, "--table", ""]
        ),
        [
            "driftbudget",
            "handlingsplan-bibliotek",
            "handlingsplan-simhall",
            "handlingsplan-summering",
            "omraden"
        ]
    );
    assert_eq!(
        complete(dir.path(), &["build", "--content", c, "--only", ""]),
        ["plan", "bilaga-taxor"]
    );

    // A broken plan still completes what its files name; its broken table is left out.
    fs::write(content.join("tables/driftbudget.yaml"), "id: [unclosed\n").unwrap();
    let tables = complete(
        dir.path(),
        &["import", "x.xlsx", "--content", c, "--table", ""],
    );
    assert!(tables.contains(&"omraden".to_string()), "{tables:?}");
    assert!(!tables.contains(&"driftbudget".to_string()), "{tables:?}");
    assert_eq!(
        complete(dir.path(), &["check", "--content", c, "--report", ""]),
        ["2031-delar", "2031-t1"]
    );
    // No plan there: nothing, in silence.
    assert!(complete(dir.path(), &["check", "--report", ""]).is_empty());
    // Everything else completes as before: subcommands, options, values of an enum.
    assert_eq!(complete(dir.path(), &["report", "i"]), ["init"]);
    assert!(complete(dir.path(), &["export", "--format", ""]).contains(&"csv".to_string()));
    assert_eq!(
        complete(dir.path(), &["export", "--csv", ""]),
        ["excel-sv", "plain"]
    );
}

/// The script `vplan completions bash` writes, sourced into a real bash, completes a table id
/// by calling vplan (skipped where there is no bash).
#[test]
fn the_bash_script_completes_table_ids_through_vplan() {
    let dir = tempfile::tempdir().unwrap();
    let run = vplan(dir.path(), &["completions", "bash"]);
    assert_eq!(run.status.code(), Some(0));
    let script = dir.path().join("vplan.bash");
    fs::write(&script, &run.stdout).unwrap();
    let test = format!(
        "source '{}'\nCOMP_WORDS=(vplan import f.xlsx --content '{}' --table res)\nCOMP_CWORD=6\nCOMP_TYPE=9\n_clap_complete_vplan vplan res --table\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display(),
        root().join("content").display()
    );
    let out = match std::process::Command::new("bash")
        .current_dir(dir.path())
        .args(["-c", &test])
        .output()
    {
        Ok(out) => out,
        Err(_) => {
            println!("note: no bash; the script was not run");
            return;
        }
    };
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "resultatbudget\n");
}

#[test]
fn a_completion_variable_set_for_something_else_does_not_change_a_run() {
    // `COMPLETE` is a common name; vplan's own variable asks only with a shell's name.
    for (var, value) in [
        ("COMPLETE", "bash"),
        ("COMPLETE", "1"),
        ("VPLAN_COMPLETE", "1"),
        ("VPLAN_COMPLETE", "yes"),
    ] {
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_vplan"))
            .current_dir(root())
            .args(["check", "-q"])
            .env(var, value)
            .output()
            .unwrap();
        assert_eq!(
            run.status.code(),
            Some(0),
            "{var}={value}: {}",
            stderr(&run)
        );
        assert_eq!(stderr(&run), "", "{var}={value}");
    }
}
