//! The documents a reader follows, run: every command of every ```sh and ```console block of
//! the README and of the guide (`docs/guide/`) runs, and must exit as the page says (0, or the
//! code a comment beside it states: `# … (slutkod 1)`, `# … (exit 1)`, or `slutkod 1` /
//! `exit 1` anywhere in the comment). Beside them, every link of the Markdown pages resolves:
//! a file that exists, and an anchor that is a heading of it.
//!
//! Each page runs in a project of its own: a temporary directory `projekt/` holding a copy of
//! the default plan (`content/`), in a git repository with one commit (so `vplan diff`, a
//! redline and `git tag` have a history), with the test's `vplan` first on `PATH`. A page's
//! blocks run in order in that one project, each block starting in the project directory (a
//! `cd DIR` line moves the rest of the block). A line runs with `sh -c` in a scratch copy, so
//! redirections and pipes work as in a shell; `cargo run [flags] -- ARGS` runs as `vplan ARGS`
//! (the same binary, not built again). Not run: `cargo test` (the suite itself) and
//! `cargo install` (a user's machine); `vplan watch` runs until it says it is watching, then
//! it is stopped.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

use crate::common::root;

/// A command of a page: the block's line number (1-based, of the fence), the command as
/// written, and the exit code the page expects.
struct Step {
    line: usize,
    block: usize,
    command: String,
    expect: i32,
}

/// The commands of the ```sh and ```console blocks of a Markdown page, in order.
fn steps(page: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut block: Option<(String, usize, String)> = None;
    let mut blocks = 0;
    for (event, range) in Parser::new(page).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if matches!(info.as_ref(), "sh" | "console") =>
            {
                let line = page[..range.start].lines().count() + 1;
                block = Some((info.to_string(), line, String::new()));
            }
            Event::Text(t) if block.is_some() => block.as_mut().unwrap().2.push_str(&t),
            Event::End(TagEnd::CodeBlock) => {
                let Some((kind, fence, text)) = block.take() else {
                    continue;
                };
                blocks += 1;
                for (i, raw) in text.lines().enumerate() {
                    let command = if kind == "console" {
                        match raw.strip_prefix("$ ") {
                            Some(c) => c,
                            None => continue, // output
                        }
                    } else {
                        raw
                    };
                    let command = command.trim();
                    if command.is_empty() || command.starts_with('#') {
                        continue;
                    }
                    assert!(
                        !command.ends_with('\\'),
                        "line {}: a command continued over lines is not run by this test",
                        fence + 1 + i
                    );
                    let (command, comment) = split_comment(command);
                    steps.push(Step {
                        line: fence + 1 + i,
                        block: blocks,
                        command: command.to_string(),
                        expect: expected_code(comment),
                    });
                }
            }
            _ => {}
        }
    }
    steps
}

/// A command and its comment (after ` # ` outside quotes).
fn split_comment(line: &str) -> (&str, &str) {
    let mut quote: Option<char> = None;
    let bytes: Vec<(usize, char)> = line.char_indices().collect();
    for (k, &(i, c)) in bytes.iter().enumerate() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, '#') if k > 0 && bytes[k - 1].1 == ' ' => {
                return (line[..i].trim_end(), &line[i + 1..]);
            }
            _ => {}
        }
    }
    (line, "")
}

/// The exit code a comment states (`slutkod N`, `exit N`), else 0.
fn expected_code(comment: &str) -> i32 {
    let words: Vec<&str> = comment
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(2)
        .find(|w| w[0] == "slutkod" || w[0] == "exit")
        .and_then(|w| w[1].parse().ok())
        .unwrap_or(0)
}

/// How a command is run: skipped (with why), watched until it is ready, or run to its end.
enum Run {
    Skip,
    /// Runs until it prints the word, then is stopped (`vplan watch`, `vplan preview`).
    Watch(String, &'static str),
    Shell(String),
}

fn how(command: &str) -> Run {
    if let Some(rest) = command.strip_prefix("cargo run") {
        let args = rest
            .split_once(" -- ")
            .map(|(_, a)| a)
            .unwrap_or_else(|| panic!("`{command}`: `cargo run` without ` -- ` and arguments"));
        return how(&format!("vplan {args}"));
    }
    if command == "cargo test" || command.starts_with("cargo install ") {
        return Run::Skip;
    }
    assert!(
        !command.starts_with("cargo "),
        "`{command}`: the doc test runs `cargo run … -- ARGS`, and skips `cargo test` and \
         `cargo install`; teach it this one"
    );
    if command.starts_with("vplan watch") {
        assert!(
            !command.contains("--open"),
            "`{command}`: would open a viewer"
        );
        return Run::Watch(command.to_string(), "watching");
    }
    // The preview runs until it prints its address; `--open` (a browser) is left out.
    if command.starts_with("vplan preview") {
        let command = command.replace(" --open", "");
        return Run::Watch(command, "preview at http://127.0.0.1:");
    }
    Run::Shell(command.to_string())
}

/// A project for a page: `projekt/` with the default plan, committed in a git repository.
struct Project {
    _dir: tempfile::TempDir,
    root: PathBuf,
    path: String,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("projekt");
        crate::common::copy_dir(
            &crate::common::root().join("content"),
            &root.join("content"),
        );
        let bin = Path::new(env!("CARGO_BIN_EXE_vplan")).parent().unwrap();
        let path = std::env::join_paths(
            std::iter::once(bin.to_path_buf())
                .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
        )
        .unwrap()
        .into_string()
        .unwrap();
        let project = Project {
            _dir: dir,
            root,
            path,
        };
        for git in [
            "git init -q",
            "git add -A",
            "git commit -q -m 'Planen som den är'",
        ] {
            let out = project.shell(&project.root, git).output().unwrap();
            assert!(out.status.success(), "{git}: {out:?}");
        }
        project
    }

    fn shell(&self, dir: &Path, command: &str) -> Command {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(command)
            .current_dir(dir)
            .env("PATH", &self.path)
            .env_remove("SOURCE_DATE_EPOCH")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Kansliet")
            .env("GIT_AUTHOR_EMAIL", "kansliet@example.se")
            .env("GIT_COMMITTER_NAME", "Kansliet")
            .env("GIT_COMMITTER_EMAIL", "kansliet@example.se")
            .env("NO_COLOR", "1");
        c
    }
}

/// Runs `vplan watch` (or `vplan preview`) until it prints `ready` (it is watching, or
/// serving), then stops it.
fn watch(project: &Project, dir: &Path, command: &str, ready: &str) -> Result<(), String> {
    let mut child = project
        .shell(dir, &format!("exec {command}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let start = Instant::now();
    let mut seen = String::new();
    let result = loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) if line.contains(ready) => break Ok(()),
            Ok(line) => seen.push_str(&(line + "\n")),
            Err(_) if start.elapsed() > Duration::from_secs(120) => {
                break Err(format!("not {ready:?} after 120 s:\n{seen}"))
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                break Err(format!("exited before {ready:?}:\n{seen}"))
            }
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    result
}

/// Runs every command of a page in a project of its own; panics listing every command that
/// did not exit as the page says. Returns how many commands ran.
fn run_page(page: &str) -> usize {
    let text = fs::read_to_string(root().join(page)).unwrap();
    let steps = steps(&text);
    let project = Project::new();
    let mut failures = Vec::new();
    let mut dir = project.root.clone();
    let mut block = 0;
    let mut ran = 0;
    for step in &steps {
        if step.block != block {
            block = step.block;
            dir = project.root.clone();
        }
        // `cd DIR` (alone or before `&&`) moves the rest of the block.
        let mut command = step.command.as_str();
        if let Some(rest) = command.strip_prefix("cd ") {
            let (to, after) = rest.split_once(" && ").unwrap_or((rest, ""));
            dir = dir.join(to.trim());
            assert!(dir.is_dir(), "{page}:{}: no directory {to}", step.line);
            command = after;
            if command.is_empty() {
                continue;
            }
        }
        let outcome = match how(command) {
            Run::Skip => continue,
            Run::Watch(c, ready) => watch(&project, &dir, &c, ready),
            Run::Shell(c) => {
                let out = project.shell(&dir, &c).output().unwrap();
                match out.status.code() {
                    Some(code) if code == step.expect => Ok(()),
                    code => Err(format!(
                        "exited {code:?}, the page says {}:\n{}",
                        step.expect,
                        tail(&String::from_utf8_lossy(&out.stderr))
                    )),
                }
            }
        };
        ran += 1;
        if let Err(e) = outcome {
            failures.push(format!("{page}:{}: `{}` {e}", step.line, step.command));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    ran
}

fn tail(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

/// The pages of the guide, each with a test of its own below.
const GUIDE: [&str; 14] = [
    "README.md",
    "arkivering.md",
    "beslutsdokument.md",
    "bygga.md",
    "forhandsvisa.md",
    "jamfora-versioner.md",
    "kalkylblad.md",
    "kontrollera.md",
    "nytt-ar.md",
    "redline.md",
    "skriva-planen.md",
    "tillganglighet.md",
    "tjansteskrivelse.md",
    "uppfoljning.md",
];

#[test]
fn every_page_of_the_guide_is_run_by_a_test() {
    let on_disk: BTreeSet<String> = fs::read_dir(root().join("docs/guide"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".md"))
        .collect();
    let listed: BTreeSet<String> = GUIDE.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        on_disk, listed,
        "docs/guide/ and GUIDE in tests/it/guide.rs differ: add a test for the new page"
    );
}

macro_rules! page_tests {
    ($($name:ident => $page:literal),* $(,)?) => {$(
        #[test]
        fn $name() {
            let ran = run_page($page);
            assert!(ran > 0 || $page == "docs/guide/README.md", "{} has no command", $page);
        }
    )*};
}

page_tests! {
    readme_commands_run => "README.md",
    guide_index_commands_run => "docs/guide/README.md",
    guide_arkivering_commands_run => "docs/guide/arkivering.md",
    guide_beslutsdokument_commands_run => "docs/guide/beslutsdokument.md",
    guide_bygga_commands_run => "docs/guide/bygga.md",
    guide_forhandsvisa_commands_run => "docs/guide/forhandsvisa.md",
    guide_jamfora_versioner_commands_run => "docs/guide/jamfora-versioner.md",
    guide_kalkylblad_commands_run => "docs/guide/kalkylblad.md",
    guide_kontrollera_commands_run => "docs/guide/kontrollera.md",
    guide_nytt_ar_commands_run => "docs/guide/nytt-ar.md",
    guide_redline_commands_run => "docs/guide/redline.md",
    guide_skriva_planen_commands_run => "docs/guide/skriva-planen.md",
    guide_tillganglighet_commands_run => "docs/guide/tillganglighet.md",
    guide_tjansteskrivelse_commands_run => "docs/guide/tjansteskrivelse.md",
    guide_uppfoljning_commands_run => "docs/guide/uppfoljning.md",
}

#[test]
fn the_readme_starts_with_the_two_commands_and_is_short() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(lines <= 200, "README.md has {lines} lines; at most 200");
    let first_block: Vec<&str> = readme
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .unwrap()
        .lines()
        .map(|l| split_comment(l).0)
        .collect();
    assert_eq!(first_block, ["cargo run --release -- build", "cargo test"]);
    assert!(
        readme.find("```sh").unwrap() < readme.find("\n## ").unwrap(),
        "the two commands come before any section"
    );
}

#[test]
fn the_comment_of_a_command_states_its_exit_code() {
    assert_eq!(
        split_comment("vplan diff   # slutkod 1: skillnader"),
        ("vplan diff", " slutkod 1: skillnader")
    );
    assert_eq!(expected_code(" slutkod 1: skillnader"), 1);
    assert_eq!(expected_code(" (exit 2)"), 2);
    assert_eq!(expected_code(" skriver output/"), 0);
    assert_eq!(
        split_comment(r#"git commit -m "a # b" # c"#),
        (r#"git commit -m "a # b""#, " c")
    );
    let page = "```sh\nvplan check # x\n```\n\n```console\n$ vplan diff # exit 1\noutput\n```\n";
    let s = steps(page);
    assert_eq!(s.len(), 2);
    assert_eq!(
        (s[0].command.as_str(), s[0].expect, s[0].block),
        ("vplan check", 0, 1)
    );
    assert_eq!(
        (s[1].command.as_str(), s[1].expect, s[1].block),
        ("vplan diff", 1, 2)
    );
}

/// Every Markdown page a reader may follow a link from.
fn pages() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "md") {
                out.push(p);
            }
        }
    }
    let mut out: Vec<PathBuf> = ["README.md", "CONTRIBUTING.md", "ARCHITECTURE.md"]
        .iter()
        .map(|p| root().join(p))
        .collect();
    walk(&root().join("docs"), &mut out);
    out.sort();
    out
}

/// GitHub's anchor of a heading: lower case, letters, digits, `-` and `_` kept, spaces as
/// `-`, everything else dropped; a repeated anchor gets `-1`, `-2`, ….
fn anchors(page: &str) -> BTreeSet<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeSet::new();
    let mut heading: Option<String> = None;
    for event in Parser::new(page) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::Text(t) | Event::Code(t) if heading.is_some() => {
                heading.as_mut().unwrap().push_str(&t)
            }
            Event::End(TagEnd::Heading(_)) => {
                let text = heading.take().unwrap();
                let slug: String = text
                    .to_lowercase()
                    .chars()
                    .filter_map(|c| match c {
                        ' ' => Some('-'),
                        c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                        _ => None,
                    })
                    .collect();
                let n = seen.entry(slug.clone()).or_insert(0);
                out.insert(if *n == 0 {
                    slug.clone()
                } else {
                    format!("{slug}-{n}")
                });
                *n += 1;
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_link_of_the_docs_leads_somewhere() {
    let mut broken = Vec::new();
    for page in pages() {
        let text = fs::read_to_string(&page).unwrap();
        let name = page.strip_prefix(root()).unwrap().display().to_string();
        for event in Parser::new(&text) {
            let Event::Start(Tag::Link { dest_url, .. }) = event else {
                continue;
            };
            let url = dest_url.as_ref();
            if url.contains("://") || url.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = url.split_once('#').unwrap_or((url, ""));
            let target = if file.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(file)
            };
            if !target.exists() {
                broken.push(format!("{name}: `{url}`: no file {}", target.display()));
                continue;
            }
            if anchor.is_empty() || target.is_dir() || target.extension().is_none_or(|e| e != "md")
            {
                continue;
            }
            let anchors = anchors(&fs::read_to_string(&target).unwrap());
            if !anchors.contains(anchor) {
                broken.push(format!("{name}: `{url}`: no heading #{anchor} there"));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}
