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
