//! `vplan watch`, driven from the binary: it rebuilds after an edit, reports a YAML syntax error
//! and goes on watching with the last good PDF in place, rebuilds after the fix, and rebuilds
//! after a change of a template in the project's `templates/`.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use crate::common::*;

const FIXTURE: &str = "fjallkommun_2031";
const PDF: &str = "out/2031-fritids-och-kulturnamnden-verksamhetsplan.pdf";

/// The watcher's stderr, line by line.
struct Watcher {
    child: Child,
    lines: Receiver<String>,
    seen: String,
}

impl Watcher {
    fn start(dir: &Path) -> Watcher {
        Watcher::start_with(dir, &[])
    }

    /// `vplan watch` with `extra` arguments.
    fn start_with(dir: &Path, extra: &[&str]) -> Watcher {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vplan"))
            .current_dir(dir)
            .args(["watch", "--content", "content", "--output", "out"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("vplan watch starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watcher {
            child,
            lines,
            seen: String::new(),
        }
    }

    /// Waits for a line containing `needle`; returns everything printed since the last wait.
    fn wait_for(&mut self, needle: &str) -> String {
        let start = Instant::now();
        let mut since = String::new();
        while start.elapsed() < Duration::from_secs(60) {
            match self.lines.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => {
                    since.push_str(&line);
                    since.push('\n');
                    self.seen.push_str(&line);
                    self.seen.push('\n');
                    assert!(
                        !line.contains("panicked"),
                        "vplan watch panicked:\n{}",
                        self.seen
                    );
                    if line.contains(needle) {
                        return since;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Some(status) = self.child.try_wait().unwrap() {
                        panic!("vplan watch exited ({status}):\n{}", self.seen);
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    panic!("vplan watch closed stderr:\n{}", self.seen)
                }
            }
        }
        panic!("no {needle:?} within 60 s:\n{}", self.seen);
    }
}

impl Watcher {
    /// Nothing is rebuilt while nothing changes (reading the files for a build must not
    /// count as a change).
    fn assert_idle(&mut self, for_: Duration) {
        let start = Instant::now();
        while start.elapsed() < for_ {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(100)) {
                self.seen.push_str(&line);
                self.seen.push('\n');
                assert!(
                    !line.starts_with("changed:"),
                    "rebuilt without a change:\n{}",
                    self.seen
                );
            }
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_survives_edits_errors_fixes_and_template_changes() {
    let s = Scratch::of(FIXTURE);
    // The project's `templates/` (found without `--templates`) holds one file of its own; the
    // others are the built-in ones.
    fs::create_dir(s.dir.path().join("templates")).unwrap();
    fs::copy(
        root().join("templates/plan.typ.j2"),
        s.dir.path().join("templates/plan.typ.j2"),
    )
    .unwrap();
    let pdf = s.dir.path().join(PDF);
    let mut w = Watcher::start(s.dir.path());
    w.wait_for("watching");
    w.assert_idle(Duration::from_millis(1500));
    assert!(pdf_text(&pdf).contains("kommunfullmäktiges budget"));

    // An edit is rebuilt.
    s.edit(
        "chapters/01-inledning.yaml",
        "kommunfullmäktiges budget",
        "kommunfullmäktiges reviderade budget",
    );
    w.wait_for("rebuilt in");
    assert!(pdf_text(&pdf).contains("reviderade"));
    w.assert_idle(Duration::from_millis(800));
    let good = fs::read(&pdf).unwrap();

    // A syntax error is reported with its place; watching goes on, the PDF stays.
    let chapter = s.content().join("chapters/01-inledning.yaml");
    let text = fs::read_to_string(&chapter).unwrap();
    fs::write(&chapter, format!("{text}  - text: [oavslutad\n")).unwrap();
    let report = w.wait_for("still watching");
    assert!(
        report.contains("error:") && report.contains("01-inledning.yaml"),
        "{report}"
    );
    assert_eq!(fs::read(&pdf).unwrap(), good, "the last good PDF is kept");

    // The fix is rebuilt.
    fs::write(&chapter, text.replace("reviderade", "fastställda")).unwrap();
    w.wait_for("rebuilt in");
    assert!(pdf_text(&pdf).contains("fastställda"));

    // So is a template change.
    let main = s.dir.path().join("templates/plan.typ.j2");
    let template = fs::read_to_string(&main).unwrap();
    assert!(template.contains("footer-title: {{ (plan.title"));
    fs::write(
        &main,
        template.replace(
            "footer-title: {{ (plan.title",
            "footer-title: {{ (\"MALLÄNDRING \" ~ plan.title",
        ),
    )
    .unwrap();
    // The chapter's edit may have been seen as two events (the file truncated, then written):
    // a rebuild of it can still be under way, so wait for the one that has the template.
    let mut changed = false;
    for _ in 0..4 {
        w.wait_for("rebuilt in");
        if pdf_text(&pdf).contains("MALLÄNDRING") {
            changed = true;
            break;
        }
    }
    assert!(
        changed,
        "the template change was never rebuilt:\n{}",
        w.seen
    );
}

/// `watch --report` rebuilds the report on an edit of the report, and on an edit of the plan
/// it follows up.
#[test]
fn watch_rebuilds_a_report_when_it_or_its_plan_changes() {
    let s = Scratch::of(FIXTURE);
    copy_dir(&fixture("fjallkommun_2031_reports"), &s.content());
    let pdf = s
        .dir
        .path()
        .join("out/2031-fritids-och-kulturnamnden-delarsrapport.pdf");
    let mut w = Watcher::start_with(s.dir.path(), &["--report", "2031-delar"]);
    w.wait_for("watching");
    // The period's budget (January–August), the outcome, the deviation, the annual budget.
    assert!(pdf_text(&pdf).contains("Summa 12 935 13 950 \u{2212}1 015 20 016"));
    // An outcome: the sum of outcomes moves (13 950 + 1 000).
    s.edit(
        "uppfoljning/2031-delar.yaml",
        "{id: bibliotek, utfall: 8610,",
        "{id: bibliotek, utfall: 9610,",
    );
    w.wait_for("rebuilt in");
    assert!(pdf_text(&pdf).contains("Summa 12 935 14 950 \u{2212}2 015 20 016"));
    // The plan's budget: the period's budget (13 500 × 8/12 = 9 000 for bibliotek), the budget
    // sums and every deviation move with it.
    s.edit(
        "tables/driftbudget.yaml",
        "values: [12500, 12100]",
        "values: [13500, 12100]",
    );
    w.wait_for("rebuilt in");
    assert!(pdf_text(&pdf).contains("Summa 13 602 14 950 \u{2212}1 348 21 016"));
}
