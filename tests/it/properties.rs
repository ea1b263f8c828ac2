//! Property tests: the loader never panics on any input, the number formatter is exact, and
//! escaped text is always plain text to Typst.

use crate::common;

use std::str::FromStr;

use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use typst::syntax::{SyntaxKind, SyntaxNode};
use vplan::content::spans::{too_deep, SpanIndex};
use vplan::content::{Appendix, Chapter, Goals, InternalControl, PlanMeta, Table};
use vplan::numfmt::format_amount;
use vplan::render::escape::escape_markup;

/// Reads a formatted amount back: `−1 234,5` → -1234.5.
fn parse_back(s: &str) -> Decimal {
    let plain: String = s
        .chars()
        .filter(|c| *c != '\u{a0}')
        .map(|c| match c {
            '\u{2212}' => '-',
            ',' => '.',
            c => c,
        })
        .collect();
    Decimal::from_str(&plain).unwrap()
}

/// YAML-ish text: fragments of real content syntax mixed with anything.
fn yamlish() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("id: x\n".to_string()),
        Just("title: T\n".to_string()),
        Just("blocks:\n".to_string()),
        Just("  - text: |\n      a\n".to_string()),
        Just("  - table: t\n".to_string()),
        Just("rows: [{id: r, label: L, values: [1.5, ~]}]\n".to_string()),
        Just("columns: [{id: a, title: A, precision: 1}]\n".to_string()),
        Just("&a [*a]\n".to_string()),
        Just("- ".to_string()),
        Just("{".to_string()),
        Just("[".to_string()),
        Just("\t".to_string()),
        Just(": ".to_string()),
        "[ -~]{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(fragment, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn formatting_is_exact_and_swedish(mantissa in any::<i64>(), scale in 0u32..12, precision in 0u32..7) {
        let value = Decimal::new(mantissa, scale);
        let text = format_amount(value, precision);
        let expected = value.round_dp_with_strategy(precision, RoundingStrategy::MidpointAwayFromZero);
        prop_assert_eq!(parse_back(&text), expected);
        prop_assert!(!text.contains('-'), "ASCII hyphen in {}", text);
        prop_assert!(!text.contains(' '), "breakable space in {}", text);
        let decimals = text.split_once(',').map(|(_, f)| f.len()).unwrap_or(0);
        prop_assert_eq!(decimals as u32, precision);
        // Groups of three digits.
        let int_part = text.trim_start_matches('\u{2212}').split(',').next().unwrap();
        let groups: Vec<&str> = int_part.split('\u{a0}').collect();
        prop_assert!(groups[0].len() <= 3 && !groups[0].is_empty());
        prop_assert!(groups[1..].iter().all(|g| g.len() == 3));
    }

    #[test]
    fn the_loader_never_panics(text in yamlish()) {
        let _ = serde_yaml::from_str::<PlanMeta>(&text);
        let _ = serde_yaml::from_str::<Chapter>(&text);
        let _ = serde_yaml::from_str::<Appendix>(&text);
        let _ = serde_yaml::from_str::<Goals>(&text);
        let _ = serde_yaml::from_str::<InternalControl>(&text);
        let _ = serde_yaml::from_str::<Table>(&text);
        let ix = SpanIndex::new(&text);
        let _ = ix.nearest("rows.0.values.1");
        let _ = too_deep(&text, 64);
    }

    #[test]
    fn escaped_text_is_plain_text_to_typst(text in any::<String>()) {
        let escaped = escape_markup(&text);
        let root = typst::syntax::parse(&escaped);
        assert_plain(&root)?;
    }

    #[test]
    fn escaped_text_with_syntax_characters_is_plain(text in r#"[#$*_`<>@=+/\\\[\]{}"'~.:;()0-9a-z \n-]{0,40}"#) {
        let escaped = escape_markup(&text);
        let root = typst::syntax::parse(&escaped);
        assert_plain(&root)?;
    }
}

/// Only text, spaces and escapes: nothing that Typst would evaluate or format.
fn assert_plain(node: &SyntaxNode) -> Result<(), TestCaseError> {
    match node.kind() {
        SyntaxKind::Markup | SyntaxKind::Text | SyntaxKind::Space | SyntaxKind::Escape => {}
        other => {
            return Err(TestCaseError::fail(format!(
                "{other:?} in parsed escaped text: {:?}",
                node.full_text()
            )))
        }
    }
    for child in node.children() {
        assert_plain(child)?;
    }
    Ok(())
}

#[test]
fn the_loader_survives_random_files_on_disk() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(32));
    runner
        .run(&yamlish(), |text| {
            let dir = tempfile::tempdir().unwrap();
            let content = dir.path();
            std::fs::create_dir_all(content.join("chapters")).unwrap();
            std::fs::write(content.join("plan.yaml"), &text).unwrap();
            std::fs::write(content.join("chapters/01.yaml"), &text).unwrap();
            let _ = vplan::pipeline::load(content, &Default::default(), &vplan::progress::Silent);
            Ok(())
        })
        .unwrap();
}

/// The generated corpus: hostile-but-plausible edits of a small plan (what a tired editor, a
/// paste from Excel or a hostile file can produce), each run through the whole binary:
/// `vplan check` and `vplan build --split` into an output folder where a symlink to a file
/// outside was planted under the plan's file name. Every run exits 0, 1 or 2 (never a panic, a
/// signal or a hang: `vplan_timed` kills a run after 60 s), `check` fails exactly when `build`
/// does, a failed build writes nothing, no build writes through the link, and the largest
/// memory any run used stays bounded.
///
/// `VPLAN_CORPUS=N` runs N inputs instead of the default (a longer soak:
/// `VPLAN_CORPUS=2000 cargo test --test properties generated_corpus -- --nocapture`);
/// `VPLAN_CORPUS_SEED` changes the seed.
#[test]
fn generated_corpus() {
    use std::time::{Duration, Instant};
    let count: usize = std::env::var("VPLAN_CORPUS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(240);
    let seed: u64 = std::env::var("VPLAN_CORPUS_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_2031);
    let threads = 2;
    let worst = std::sync::Mutex::new((Duration::ZERO, String::new()));
    let failures = std::sync::Mutex::new(Vec::<String>::new());
    let counts = std::sync::Mutex::new((0usize, 0usize)); // (built, refused)
    std::thread::scope(|scope| {
        for t in 0..threads {
            let (worst, failures, counts) = (&worst, &failures, &counts);
            scope.spawn(move || {
                for i in (t..count).step_by(threads) {
                    let mut rng = Rng(seed ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
                    let s = common::Scratch::of("fjallkommun_2031");
                    let edits = corpus::mutate(&s, &mut rng);
                    let start = Instant::now();
                    let check = s.run("check", &["-q"]);
                    // A shared output folder where someone planted a link under the plan's
                    // file name: the build must replace the link, never write through it.
                    let out = s.dir.path().join("out");
                    let victim = s.dir.path().join("victim.txt");
                    std::fs::create_dir_all(&out).unwrap();
                    std::fs::write(&victim, "precious").unwrap();
                    let planted = out.join(PLANTED);
                    std::os::unix::fs::symlink(&victim, &planted).unwrap();
                    let build = s.run(
                        "build",
                        &["-q", "--split", "--output", out.to_str().unwrap()],
                    );
                    let took = start.elapsed();
                    {
                        let mut w = worst.lock().unwrap();
                        if took > w.0 {
                            *w = (took, edits.join(" + "));
                        }
                    }
                    let (c, b) = (check.status.code(), build.status.code());
                    let written = std::fs::read_dir(&out)
                        .map(|d| {
                            d.filter(|e| e.as_ref().unwrap().file_name() != PLANTED)
                                .count()
                        })
                        .unwrap_or(0);
                    let link_kept = std::fs::symlink_metadata(&planted)
                        .is_ok_and(|m| m.file_type().is_symlink());
                    let problem = if std::fs::read_to_string(&victim).unwrap() != "precious" {
                        Some("the build wrote through a planted symlink".to_string())
                    } else if b != Some(0) && !link_kept {
                        Some("a failed build replaced the planted link".to_string())
                    } else if (c == Some(0)) != (b == Some(0)) {
                        Some(format!(
                            "check exited {c:?} but build {b:?}\ncheck: {}\nbuild: {}",
                            common::stderr(&check),
                            common::stderr(&build)
                        ))
                    } else if b != Some(0) && written > 0 {
                        Some(format!("a failed build wrote {written} files"))
                    } else if c != Some(0) && !common::stderr(&check).contains("content/") {
                        Some(format!(
                            "the error names no content file: {}",
                            common::stderr(&check)
                        ))
                    } else {
                        None
                    };
                    if let Some(p) = problem {
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("case {i} ({}): {p}", edits.join(" + ")));
                    }
                    let mut n = counts.lock().unwrap();
                    if b == Some(0) {
                        n.0 += 1;
                    } else {
                        n.1 += 1;
                    }
                }
            });
        }
    });
    let (took, what) = worst.into_inner().unwrap();
    let (built, refused) = counts.into_inner().unwrap();
    let peak_kib = peak_child_memory_kib();
    eprintln!(
        "generated corpus: {count} inputs ({built} built, {refused} refused), slowest check+build {:.2} s ({what}), largest memory of a run {} MiB",
        took.as_secs_f64(),
        peak_kib / 1024
    );
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        took < Duration::from_secs(30),
        "a check + build took {took:?}: {what}"
    );
    // A child started from this process (Rust spawns with vfork) takes this process's own peak
    // into its figure when it execs (Linux records the old address space's high-water mark),
    // so only a child above both the limit and this process's peak is known to have used it.
    let own_kib = peak_memory_kib(libc::RUSAGE_SELF);
    assert!(
        peak_kib < 2 * 1024 * 1024 || peak_kib <= own_kib,
        "a run used {} MiB (the test process at most {} MiB)",
        peak_kib / 1024,
        own_kib / 1024
    );
    assert!(
        built > 0 && refused > 0,
        "the corpus exercises both outcomes"
    );
}

/// The file name of the fixture plan's PDF, planted as a symlink before every build.
const PLANTED: &str = "2031-fritids-och-kulturnamnden-verksamhetsplan.pdf";

/// The largest resident memory of any child process waited for so far, in KiB.
fn peak_child_memory_kib() -> i64 {
    peak_memory_kib(libc::RUSAGE_CHILDREN)
}

/// The largest resident memory of `who` (`RUSAGE_SELF`, `RUSAGE_CHILDREN`) so far, in KiB.
fn peak_memory_kib(who: libc::c_int) -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a `rusage` into the pointer it is given.
    let rc = unsafe { libc::getrusage(who, usage.as_mut_ptr()) };
    assert_eq!(rc, 0);
    // SAFETY: initialised by the successful call above.
    unsafe { usage.assume_init() }.ru_maxrss
}

/// SplitMix64: a small deterministic generator, so a failing case can be run again.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

mod corpus {
    use super::Rng;

    const TABLE: &str = "tables/driftbudget.yaml";
    const PLAN: &str = "plan.yaml";
    const CHAPTER: &str = "chapters/01-inledning.yaml";
    const GOALS: &str = "chapters/02-mal.yaml";
    const APPENDIX: &str = "appendices/01-bilaga.yaml";

    /// Amounts as they arrive from tired hands and spreadsheets.
    const AMOUNTS: &[&str] = &[
        "1e400",
        ".inf",
        "-.nan",
        "0x1DB",
        "99999999999999999999999999999",
        "79228162514264337593543950335",
        "999999999999999",
        "-999999999999999.9999999999",
        "1000000000000000",
        "0.00000000001",
        "12,5",
        "1 234",
        "\u{2212}5",
        "~",
        "\"12.5\"",
        "1.5e3",
        "+7",
        "00012",
        "-0",
        "0.0000000000000000000000000001",
        "true",
        "[1, 2]",
        "{a: 1}",
        "''",
        "12500.0",
        "0",
    ];

    const PRECISIONS: &[&str] = &[
        "0",
        "10",
        "11",
        "28",
        "29",
        "4294967295",
        "4294967296",
        "-1",
        "1.5",
        "\"2\"",
        "~",
    ];

    const SUMS: &[&str] = &[
        "[bibliotek, bibliotek]",
        "[bibliotek, bibliotek, bibliotek]",
        "[summa]",
        "[nope]",
        "[bibliotek, simhall, foreningsbidrag]",
        "[]",
        "{a: b}",
        "any",
        "[grupp, bibliotek]",
        "[grupp]",
    ];

    const ROWS: &[&str] = &[
        "  - {id: grupp, label: Grupp, kind: group}",
        "  - {id: s2, label: S2, kind: sum, sum: [summa, bibliotek]}",
        "  - {id: s3, label: S3, kind: sum, sum: [grupp, simhall]}",
        "  - {id: r1, label: R1, refs: {b2031: driftbudget/summa}}",
        "  - {id: r2, label: R2, refs: {b2031: driftbudget/bibliotek/b2031/extra}}",
        "  - {id: r3, label: R3, refs: {b2031: driftbudget/bibliotek, b2031: driftbudget/simhall}}",
        "  - {id: r4, label: R4, refs: {b2031: driftbudget/r4}}",
        "  - {id: r5, label: R5, refs: {b2031: nope/x}}",
        "  - {id: bibliotek, label: Dubblett, values: [1, 2]}",
        "  - {id: c1, label: C1, kind: sum, sum: all, control: [1, 2]}",
        "  - {id: v1, label: V1, values: [1, 2, 3]}",
        "  - {id: v2, label: V2, values: [999999999999999, 999999999999999]}",
        "  - {id: v3, label: V3, values: [-999999999999999, 1]}",
        "  - {id: v4, label: V4, values: [1, 2], values: [3, 4]}",
        "  - {id: s4, label: S4, kind: sum, sum: [s4]}",
        "  - {id: v5, label: V5, kind: data, sum: all, values: [1, 2]}",
    ];

    const COLUMNS: &[&str] = &[
        "  - {id: b2031, title: Igen, precision: 0}",
        "  - {id: b2029, title: Budget 2029, precision: 40}",
        "  - {id: x, title: '', precision: 0}",
        "  - {id: y, title: Budget 2031 med ett mycket långt namn som inte får plats i kolumnen alls, precision: 2, unit: mnkr}",
    ];

    /// Markdown a chapter's prose may carry.
    const PROSE: &[&str] = &[
        "# Rubrik i löptext",
        "###### Rubrik sex",
        "- a\n  - b\n    - c\n      - d",
        "> citat\n> > i citat",
        "[](https://example.org)",
        "[länk]()",
        "![bild](bild.png)",
        "[x](https://example.org/LONG)",
        "Summan är {{ driftbudget/summa/b2031 | kr }}.",
        "Summan är {{ driftbudget/summa/b2031 | mdkr | 6 }}.",
        "Summan är {{ driftbudget/summa/b2031/extra }}.",
        "Summan är {{ nope/x/y }}.",
        "Summan är {{ driftbudget/summa/b2031",
        "`kod` och x`y",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "<script>alert(1)</script>",
        "\\ # $ @ * _ ~ < > [ ] ( ) = + ' \"",
        "Verksamhetsplaneringsuppföljningsdokumentationsansvarsområdeschefsassistentutbildning",
        "[^1]\n\n[^1]: fotnot",
        "***",
        "1. ett\n1. två\n\n   indraget",
        "DEEPLIST",
        "DEEPQUOTE",
    ];

    const DATES: &[&str] = &[
        "2030-02-30",
        "2031-02-29",
        "2032-02-29",
        "0000-00-00",
        "2030-13-01",
        "inte ett datum",
        "99999-01-01",
        "2030-12-03T10:00:00",
        "~",
        "2030-1-3",
    ];

    const NAMES: &[&str] = &[
        "Nämnd #1",
        "Nämnd: Bygg",
        "\"Citat\"",
        "a/b",
        "..",
        "'",
        "LONG",
        "",
        "Fritids- och kulturnämnden\\nrad två",
    ];

    const CHARS: &[&str] = &[
        "\t", "\u{0}", "#", ":", "'", "\"", "{", "[", "&", "*", "|", "\u{feff}", "\u{202e}", "🦀",
        "\r",
    ];

    fn expand(s: &str) -> String {
        match s {
            "DEEPLIST" => (0..40)
                .map(|i| format!("{}- nivå {i}\n", "  ".repeat(i)))
                .collect(),
            "DEEPQUOTE" => format!("{} citat", ">".repeat(40)),
            "LONG" => "Kommunfullmäktigeberedningsnämnd".repeat(12),
            _ => s.replace("LONG", &"a".repeat(3000)),
        }
    }

    /// Applies one to three random edits to the scratch plan; returns what was done.
    pub fn mutate(s: &crate::common::Scratch, rng: &mut Rng) -> Vec<String> {
        let n = 1 + rng.below(3);
        (0..n).map(|_| edit(s, rng)).collect()
    }

    fn read(s: &crate::common::Scratch, file: &str) -> String {
        std::fs::read_to_string(s.content().join(file)).unwrap_or_default()
    }

    /// Replaces the first match of `from` (if any) in a file.
    fn replace(s: &crate::common::Scratch, file: &str, from: &str, to: &str) {
        let text = read(s, file);
        s.write(file, text.replacen(from, to, 1));
    }

    fn edit(s: &crate::common::Scratch, rng: &mut Rng) -> String {
        match rng.below(10) {
            0 => {
                let (from, to) = (
                    rng.pick(&["12500", "8900", "-1234.0", "3100"]),
                    rng.pick(AMOUNTS),
                );
                replace(s, TABLE, from, to);
                format!("amount {from} → {to}")
            }
            1 => {
                let to = rng.pick(PRECISIONS);
                replace(s, TABLE, "precision: 0", &format!("precision: {to}"));
                format!("precision {to}")
            }
            2 => {
                let to = rng.pick(SUMS);
                replace(s, TABLE, "sum: all", &format!("sum: {to}"));
                format!("sum {to}")
            }
            3 => {
                let row = rng.pick(ROWS);
                let text = read(s, TABLE);
                let mut lines: Vec<&str> = text.lines().collect();
                let first_row = lines
                    .iter()
                    .position(|l| l.starts_with("  - {id: bibliotek"))
                    .unwrap_or(lines.len());
                let at = first_row + rng.below(lines.len() - first_row + 1);
                lines.insert(at, row);
                s.write(TABLE, lines.join("\n") + "\n");
                format!("row {row:?} at line {}", at + 1)
            }
            4 => {
                let col = rng.pick(COLUMNS);
                replace(s, TABLE, "columns:\n", &format!("columns:\n{col}\n"));
                format!("column {col:?}")
            }
            5 => {
                let file = rng.pick(&[CHAPTER, GOALS, APPENDIX]);
                let prose = expand(rng.pick(PROSE));
                let (anchor, pad) = match file {
                    APPENDIX => ("        - text: |\n            ", 12),
                    _ => ("  - text: |\n      ", 6),
                };
                let pad = " ".repeat(pad);
                let indented = prose.lines().collect::<Vec<_>>().join(&format!("\n{pad}"));
                replace(s, file, anchor, &format!("{anchor}{indented}\n\n{pad}"));
                format!(
                    "prose {:?} in {file}",
                    prose.chars().take(60).collect::<String>()
                )
            }
            6 => {
                let date = rng.pick(DATES);
                replace(
                    s,
                    PLAN,
                    "decision_date: 2030-12-03",
                    &format!("decision_date: {date}"),
                );
                format!("decision_date {date}")
            }
            7 => {
                let (key, name) = (
                    rng.pick(&["namnd", "organisation", "title"]),
                    expand(rng.pick(NAMES)),
                );
                let text = read(s, PLAN);
                let line = text
                    .lines()
                    .find(|l| l.starts_with(&format!("{key}:")))
                    .unwrap_or("")
                    .to_string();
                let quoted = format!(
                    "{key}: \"{}\"",
                    name.replace('\\', "\\\\").replace('"', "\\\"")
                );
                s.write(PLAN, text.replacen(&line, &quoted, 1));
                format!("{key} {:?}", name.chars().take(40).collect::<String>())
            }
            8 => {
                // A decided plan: PDF/A-2b + PDF/UA-1, whose rules the build enforces.
                let text = read(s, PLAN);
                s.write(
                    PLAN,
                    format!("{text}decision:\n  status: beslutad\n  beslutsdatum: 2030-12-03\n  paragraf: \"§ 12\"\n"),
                );
                "decided".into()
            }
            _ => {
                // A raw edit: a character inserted, a line repeated or removed.
                let file = rng.pick(&[TABLE, PLAN, CHAPTER, GOALS, APPENDIX]);
                let text = read(s, file);
                let mut lines: Vec<String> = text.lines().map(String::from).collect();
                if lines.is_empty() {
                    return format!("nothing in {file}");
                }
                let at = rng.below(lines.len());
                match rng.below(3) {
                    0 => {
                        let ch = rng.pick(CHARS);
                        let line = &mut lines[at];
                        let mut cut = rng.below(line.len() + 1);
                        while !line.is_char_boundary(cut) {
                            cut -= 1;
                        }
                        line.insert_str(cut, ch);
                        s.write(file, lines.join("\n") + "\n");
                        format!("{ch:?} into {file}:{}", at + 1)
                    }
                    1 => {
                        let line = lines[at].clone();
                        lines.insert(at, line);
                        s.write(file, lines.join("\n") + "\n");
                        format!("line {file}:{} twice", at + 1)
                    }
                    _ => {
                        lines.remove(at);
                        s.write(file, lines.join("\n") + "\n");
                        format!("line {file}:{} removed", at + 1)
                    }
                }
            }
        }
    }
}

/// The generated corpus of follow-up reports, `import --report` and template overrides: the
/// fixture plan with its two reports, edited as [`report_corpus`] says, each input run through
/// the whole binary. Three kinds of input, in turn:
///
/// - **a report edited**: a hostile text (emoji, CJK, invisible, direction-control and
///   private-use characters, long strings, figure references, YAML syntax) put into a field of
///   the report (its texts, goal, indicator, assignment and risk texts, `kommentar`, chart
///   title and alternative text, decision and tjänsteskrivelse fields, `label`, `title`) or
///   into a value of the plan the report prints, odd amounts in its outcomes, forecasts,
///   period budgets and seasonal profiles, its status or kind changed, the plan decided;
/// - **an import**: a generated sheet (odd titles, labels, numbers and text in the cells)
///   read by `import --report` into a report, then judged as above; an import that fails
///   leaves the report's file as it was;
/// - **a template override**: a file of the project's `templates/` holding odd content.
///
/// For every input `check --report ID` fails exactly when `build --report ID --split` does
/// (for a template override of the plan, `check` and `build --split`), plain `check` fails
/// when a report's build does, every run exits 0, 1 or 2 within 60 s (`vplan_timed`), and a
/// refusal names a content or template file. `VPLAN_REPORT_CORPUS=N` runs N inputs instead of
/// the default; `VPLAN_CORPUS_SEED` changes the seed.
#[test]
fn generated_report_corpus() {
    use std::time::{Duration, Instant};
    let count: usize = std::env::var("VPLAN_REPORT_CORPUS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    let seed: u64 = std::env::var("VPLAN_CORPUS_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_2031);
    let threads = 2;
    let worst = std::sync::Mutex::new((Duration::ZERO, String::new()));
    let failures = std::sync::Mutex::new(Vec::<String>::new());
    // (reports judged, built, refused, imports, imports refused, template overrides)
    let counts = std::sync::Mutex::new([0usize; 6]);
    std::thread::scope(|scope| {
        for t in 0..threads {
            let (worst, failures, counts) = (&worst, &failures, &counts);
            scope.spawn(move || {
                for i in (t..count).step_by(threads) {
                    let mut rng =
                        Rng(seed ^ 0x7e90_0715 ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
                    let start = Instant::now();
                    let (what, problem, tally) = match i % 4 {
                        0 | 1 => report_corpus::edited(&mut rng),
                        2 => report_corpus::imported(&mut rng),
                        _ => report_corpus::overridden(&mut rng),
                    };
                    let took = start.elapsed();
                    {
                        let mut w = worst.lock().unwrap();
                        if took > w.0 {
                            *w = (took, what.clone());
                        }
                    }
                    if let Some(p) = problem {
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("case {i} ({what}): {p}"));
                    }
                    let mut n = counts.lock().unwrap();
                    for (n, t) in n.iter_mut().zip(tally) {
                        *n += t;
                    }
                }
            });
        }
    });
    let (took, what) = worst.into_inner().unwrap();
    let [reports, built, refused, imports, imports_refused, overrides] =
        counts.into_inner().unwrap();
    eprintln!(
        "generated report corpus: {count} inputs: {reports} reports judged ({built} built, {refused} refused), {imports} imports ({imports_refused} refused), {overrides} template overrides; slowest input {:.2} s ({what}), largest memory of a run so far {} MiB",
        took.as_secs_f64(),
        peak_child_memory_kib() / 1024,
    );
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        took < Duration::from_secs(60),
        "an input took {took:?}: {what}"
    );
    assert!(
        count < 8 || (built > 0 && refused > 0),
        "the corpus exercises both outcomes"
    );
}

mod report_corpus {
    use super::Rng;
    use crate::common::{self, Scratch};
    use std::process::Output;

    /// (what was done, the problem found, tally: reports judged, built, refused, imports,
    /// imports refused, template overrides)
    pub type Case = (String, Option<String>, [usize; 6]);

    const REPORTS: &[&str] = &["2031-delar", "2031-t1"];

    /// Places in a report's file to put a hostile text, right after the anchor, and the field.
    const REPORT_FIELDS: &[(&str, &str)] = &[
        ("Nämnden prognostiserar", "texts.sammanfattning"),
        ("Bedömningen bygger", "texts.maluppfyllelse"),
        ("Årsbudgeten är", "texts.ekonomi"),
        ("Åtgärderna har", "texts.handlingsplan"),
        ("Kontrollerna har", "texts.intern_kontroll"),
        ("Besöken på biblioteken", "goal text"),
        ("outcome: \"41 200", "indicator outcome"),
        ("Mätningen i maj", "goal text"),
        ("Nya öppettider", "assignment text"),
        ("Stängt i juni", "kommentar"),
        ("Uthyrning av lokaler", "kommentar"),
        ("title: Budget och utfall", "chart title"),
        ("alt: Stapeldiagram", "chart alt"),
        ("beslutsinstans: Fritids", "decision beslutsinstans"),
        ("diarienummer: FKN", "decision diarienummer"),
        ("paragraf: §", "decision paragraf"),
        ("label: Januari", "label"),
        ("Stickprov i mars", "risk text"),
        ("avsandare: Kultur", "tjansteskrivelse avsandare"),
        (
            "Förvaltningen har upprättat",
            "tjansteskrivelse sammanfattning",
        ),
        ("att godkänna", "förslag till beslut"),
        ("namn: Eva", "underskrift namn"),
        ("titel: Förvaltnings", "underskrift titel"),
    ];

    /// Values of the plan: most printed by a report too, one only by the plan.
    const PLAN_FIELDS: &[(&str, &str, &str)] = &[
        ("goals.yaml", "Besökarna är nöjda", "goal text"),
        ("goals.yaml", "Nöjd kundindex", "indicator text"),
        ("goals.yaml", "title: \"Perspektiv: ", "perspective title"),
        ("goals.yaml", "Perspektivet invånare", "perspective prose"),
        (
            "goals.yaml",
            "Förvaltningen får i uppdrag",
            "assignment text",
        ),
        ("internkontroll.yaml", "Kassan stäms av", "control measure"),
        ("internkontroll.yaml", "area: Kassa", "control area"),
        ("tables/driftbudget.yaml", "label: Simhall", "table label"),
        (
            "chapters/01-inledning.yaml",
            "  - text: |\n      ",
            "chapter prose",
        ),
    ];

    /// Texts a tired editor, a paste or a hostile file puts into a field.
    const HOSTILE: &[&str] = &[
        "🦀",
        "\u{1F1F8}\u{1F1EA}",
        "中文",
        "\u{202E}",
        "\u{2066}",
        "1\u{200B}2",
        "12\u{00AD}500",
        "\u{FEFF}",
        "\u{E000}",
        "\u{E001}",
        "\u{E002}",
        "\u{E003}",
        "\u{E004}",
        "\u{F8FF}",
        "\u{F0000}",
        "e\u{0301}",
        "\u{0}",
        "LONG",
        "LONGWORDS",
        " {{ driftbudget/summa/utfall }}",
        " {{ nope/x/y }}",
        " {{ driftbudget/summa",
        " #",
        ": ",
        "\"",
        "*",
        "`",
        "\\",
        "<script>",
    ];

    /// Amounts of outcomes, forecasts and period budgets.
    const AMOUNTS: &[&str] = &[
        "1e400",
        ".inf",
        "0x1DB",
        "99999999999999999999999999999",
        "999999999999999",
        "-999999999999999.9999999999",
        "0.00000000001",
        "12,5",
        "\"1 234\"",
        "\u{2212}5",
        "~",
        "\"12.5\"",
        "1.5e3",
        "-0",
        "true",
        "[1, 2]",
        "''",
        "4300.5",
        "0",
    ];

    const PROFILES: &[&str] = &[
        "[100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]",
        "[9, 9, 9]",
        "[-100, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100]",
        "[1e400, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]",
        "[8.3333333333333333333333333333, 8.3333333333333333333333333333, 8.3333333333333333333333333333, 8.3333333333333333333333333333, 8.3333333333333333333333333333, 8.3333333333333333333333333333, 8.3333333333333333333333333333, 8.3333333333333333333333333333, 8.3333333333333333333333333333, 8.3333333333333333333333333333, 8.3333333333333333333333333333, 8.3333333333333333333333333337]",
        "~",
    ];

    fn expand(s: &str) -> String {
        match s {
            "LONG" => "a".repeat(3000),
            "LONGWORDS" => " Verksamhetsuppföljning".repeat(60),
            _ => s.to_string(),
        }
    }

    fn with_reports() -> Scratch {
        let s = Scratch::of("fjallkommun_2031");
        common::copy_dir(&common::fixture("fjallkommun_2031_reports"), &s.content());
        s
    }

    fn report_file(id: &str) -> String {
        format!("uppfoljning/{id}.yaml")
    }

    fn read(s: &Scratch, file: &str) -> String {
        std::fs::read_to_string(s.content().join(file)).unwrap_or_default()
    }

    /// Puts `text` right after the first `anchor` of a file (if it has one).
    fn insert_after(s: &Scratch, file: &str, anchor: &str, text: &str) -> bool {
        let now = read(s, file);
        let Some(at) = now.find(anchor) else {
            return false;
        };
        let at = at + anchor.len();
        s.write(file, format!("{}{text}{}", &now[..at], &now[at..]));
        true
    }

    /// One random edit of the report `id` (or of the plan's values it prints).
    fn edit(s: &Scratch, id: &str, rng: &mut Rng) -> String {
        let file = report_file(id);
        match rng.below(8) {
            0..=2 => {
                let (anchor, field) = REPORT_FIELDS[rng.below(REPORT_FIELDS.len())];
                let text = expand(rng.pick(HOSTILE));
                insert_after(s, &file, anchor, &text);
                format!("{:?} in {field}", text.chars().take(24).collect::<String>())
            }
            3 => {
                let (plan_file, anchor, field) = PLAN_FIELDS[rng.below(PLAN_FIELDS.len())];
                let text = expand(rng.pick(HOSTILE));
                insert_after(s, plan_file, anchor, &text);
                format!(
                    "{:?} in the plan's {field}",
                    text.chars().take(24).collect::<String>()
                )
            }
            4 => {
                // An amount of the report: an outcome, forecast or period budget.
                let now = read(s, &file);
                let keys: Vec<usize> = ["utfall: ", "prognos: ", "periodbudget: "]
                    .iter()
                    .flat_map(|k| now.match_indices(k).map(|(at, k)| at + k.len()))
                    .collect();
                if keys.is_empty() {
                    return "no amount".into();
                }
                let at = keys[rng.below(keys.len())];
                let end = at + now[at..].find([',', '}', '\n']).unwrap_or(0);
                let to = rng.pick(AMOUNTS);
                s.write(&file, format!("{}{to}{}", &now[..at], &now[end..]));
                format!("amount {} → {to}", &now[at..end])
            }
            5 => {
                let to = rng.pick(PROFILES);
                let now = read(s, &file);
                let text = match now.find("profil: [") {
                    Some(at) => {
                        let end = at + now[at..].find(']').unwrap() + 1;
                        format!("{}profil: {to}{}", &now[..at], &now[end..])
                    }
                    None => now.replacen(
                        "{id: bibliotek, utfall:",
                        &format!("{{id: bibliotek, profil: {to}, utfall:"),
                        1,
                    ),
                };
                s.write(&file, text);
                format!("profil {to}")
            }
            6 => {
                let edit = rng.pick(&[
                    "status: utkast",
                    "status: forslag",
                    "kind: helar",
                    "kind: delar",
                    "title: LONG",
                    "title: TITLE",
                    "plan decided",
                ]);
                match edit {
                    "plan decided" => {
                        let plan = read(s, "plan.yaml");
                        s.write(
                            "plan.yaml",
                            format!("{plan}decision:\n  status: beslutad\n  beslutsdatum: 2030-12-03\n  paragraf: \"§ 12\"\n"),
                        );
                    }
                    "title: LONG" | "title: TITLE" => {
                        let title = if edit == "title: LONG" {
                            "Delårsrapport ".repeat(80)
                        } else {
                            format!("Delårsrapport {}", expand(rng.pick(HOSTILE)))
                        };
                        let title = title.replace('\\', "\\\\").replace('"', "\\\"");
                        let now = read(s, &file);
                        s.write(
                            &file,
                            now.replacen("\nlabel:", &format!("\ntitle: \"{title}\"\nlabel:"), 1),
                        );
                    }
                    _ => {
                        let key = edit.split(':').next().unwrap();
                        let now = read(s, &file);
                        let text: String = now
                            .lines()
                            .map(|l| {
                                if l.trim_start().starts_with(&format!("{key}: "))
                                    && l.starts_with(' ') == (key == "status")
                                {
                                    let indent = &l[..l.len() - l.trim_start().len()];
                                    format!("{indent}{edit}\n")
                                } else {
                                    format!("{l}\n")
                                }
                            })
                            .collect();
                        s.write(&file, text);
                    }
                }
                edit.to_string()
            }
            _ => {
                // A raw edit: a hostile character somewhere in a line of the report.
                let now = read(s, &file);
                let mut lines: Vec<String> = now.lines().map(String::from).collect();
                let at = rng.below(lines.len());
                let ch = rng.pick(&["🦀", "\u{202E}", "\u{E001}", "\t", "\u{FEFF}", "#", "\""]);
                let line = &mut lines[at];
                let mut cut = rng.below(line.len() + 1);
                while !line.is_char_boundary(cut) {
                    cut -= 1;
                }
                line.insert_str(cut, ch);
                s.write(&file, lines.join("\n") + "\n");
                format!("{ch:?} into {file}:{}", at + 1)
            }
        }
    }

    /// `check --report ID` against `build --report ID --split` (and plain `check`, which must
    /// fail when the report's build does): the problem, if any, and the tally.
    fn judge(s: &Scratch, id: &str) -> (Option<String>, [usize; 6]) {
        let check = s.run("check", &["-q", "--report", id]);
        let out = s.dir.path().join("out");
        let build = s.run(
            "build",
            &[
                "-q",
                "--split",
                "--report",
                id,
                "--output",
                out.to_str().unwrap(),
            ],
        );
        let (c, b) = (check.status.code(), build.status.code());
        let problem = if (c == Some(0)) != (b == Some(0)) {
            Some(format!(
                "check --report exited {c:?} but build --report {b:?}\ncheck: {}\nbuild: {}",
                common::stderr(&check),
                common::stderr(&build)
            ))
        } else if c != Some(0) && !common::stderr(&check).contains("content/") {
            Some(format!(
                "the error names no content file: {}",
                common::stderr(&check)
            ))
        } else if b != Some(0) && s.run("check", &["-q"]).status.code() == Some(0) {
            Some(format!(
                "plain check passed, but build --report {id} failed: {}",
                common::stderr(&build)
            ))
        } else {
            None
        };
        let built = usize::from(b == Some(0));
        (problem, [1, built, 1 - built, 0, 0, 0])
    }

    /// A report (and the plan's values it prints) edited one to three times, then judged.
    pub fn edited(rng: &mut Rng) -> Case {
        let s = with_reports();
        let id = rng.pick(REPORTS);
        let edits: Vec<String> = (0..1 + rng.below(3)).map(|_| edit(&s, id, rng)).collect();
        let (problem, tally) = judge(&s, id);
        (format!("{id}: {}", edits.join(" + ")), problem, tally)
    }

    /// Titles of a generated sheet's first row.
    const HEADERS: &[&[&str]] = &[
        &["Konto", "Benämning", "Utfall"],
        &["Konto", "Benämning", "Utfall", "Prognos"],
        &["Konto", "Benämning", "Utfall", "Utfall"],
        &["Konto", "Benämning", "Prognos"],
        &["Benämning", "Utfall 🦀"],
        &["Benämning", "utfall", "PROGNOS"],
        &["", "", ""],
    ];

    const LABELS: &[&str] = &[
        "Bibliotek",
        "Simhall",
        "Föreningsbidrag",
        "Kulturskola",
        "Summa",
        "bibliotek",
        " Bibliotek ",
        "Okänt 🦀",
        "Simhall\u{202E}",
        "\u{E001}Bibliotek",
        "",
    ];

    /// A cell's value: a number, or text.
    enum Cell {
        N(f64),
        S(&'static str),
    }

    const NUMBERS: &[f64] = &[
        4500.0,
        4500.5,
        -0.0,
        1e300,
        5e-324,
        0.30000000000000004,
        999_999_999_999_999.0,
        1e15,
        -1234.0,
        0.0,
    ];

    const TEXTS: &[&str] = &[
        "12,5",
        "1 234",
        "🦀",
        "\u{2212}5",
        "",
        "=SUM(A1)",
        "\u{202E}15",
        "1e400",
        "4\u{200B}500",
    ];

    /// A sheet for `table`: half of them plausible (the table's own labels, whole amounts), the
    /// others anything of the lists above.
    fn sheet(rng: &mut Rng, table: &str) -> (Vec<u8>, String) {
        let plausible = rng.below(2) == 0;
        let header = if plausible {
            HEADERS[rng.below(2)]
        } else {
            HEADERS[rng.below(HEADERS.len())]
        };
        let own: &[&str] = match table {
            "driftbudget" => &["Bibliotek", "Simhall", "Föreningsbidrag"],
            _ => &["Bibliotek", "Simhall", "Kulturskola"],
        };
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Blad1").unwrap();
        for (c, title) in header.iter().enumerate() {
            ws.write_string(0, c as u16, *title).unwrap();
        }
        let label_col = header.iter().position(|h| *h == "Benämning").unwrap_or(1) as u16;
        let rows = if plausible {
            own.len()
        } else {
            1 + rng.below(5)
        };
        let mut what = vec![format!("{header:?}")];
        for r in 1..=rows as u32 {
            let label = if plausible {
                own[(r as usize - 1) % own.len()]
            } else {
                rng.pick(LABELS)
            };
            ws.write_string(r, label_col, label).unwrap();
            let mut cells = vec![format!("{label:?}")];
            for c in (label_col as usize + 1)..header.len() {
                let cell = if plausible {
                    Cell::N(
                        rng.pick(&["4500", "-1234", "0", "999999999999999", "12"])
                            .parse()
                            .unwrap(),
                    )
                } else if rng.below(4) == 0 {
                    Cell::S(rng.pick(TEXTS))
                } else {
                    Cell::N(NUMBERS[rng.below(NUMBERS.len())])
                };
                match cell {
                    Cell::N(n) => {
                        ws.write_number(r, c as u16, n).unwrap();
                        cells.push(format!("{n:e}"));
                    }
                    Cell::S(t) => {
                        ws.write_string(r, c as u16, t).unwrap();
                        cells.push(format!("{t:?}"));
                    }
                }
            }
            what.push(cells.join(" "));
        }
        (wb.save_to_buffer().unwrap(), what.join("; "))
    }

    /// A generated sheet read by `import --report` into a report; then the report judged.
    pub fn imported(rng: &mut Rng) -> Case {
        let s = with_reports();
        let id = rng.pick(REPORTS);
        let table = rng.pick(&["driftbudget", "driftbudget", "omraden"]);
        let edits: Vec<String> = (0..rng.below(2)).map(|_| edit(&s, id, rng)).collect();
        let (bytes, sheet) = sheet(rng, table);
        let path = s.dir.path().join("ekonomi.xlsx");
        std::fs::write(&path, bytes).unwrap();
        let file = s.content().join(report_file(id));
        let before = std::fs::read(&file).unwrap();
        let import: Output = s.run(
            "import",
            &[
                path.to_str().unwrap(),
                "--report",
                id,
                "--table",
                table,
                "--sheet",
                "Blad1",
            ],
        );
        let what = format!(
            "{id}: {}import into {table} of [{sheet}]",
            edits.iter().map(|e| format!("{e} + ")).collect::<String>()
        );
        if import.status.code() != Some(0) {
            let problem = (std::fs::read(&file).unwrap() != before).then(|| {
                format!(
                    "a failed import changed the report: {}",
                    common::stderr(&import)
                )
            });
            return (what, problem, [0, 0, 0, 1, 1, 0]);
        }
        let (problem, mut tally) = judge(&s, id);
        tally[3] = 1;
        (what, problem, tally)
    }

    /// Odd content for a template file of the project.
    const TEMPLATE_EDITS: &[&str] = &[
        "{{ nope.x.y }}",
        "{{ plan.meta.title | nope }}",
        "{% for %}",
        "{% include \"plan.typ.j2\" %}",
        "#assert(false, message: \"oj\")",
        "#read(\"/etc/passwd\")",
        "#include \"../content/plan.yaml\"",
        "#image(\"nope.png\")",
        "🦀 \u{E001}text\u{E002}",
        "#let vp-amount-table(..args) = none",
        "#set page(width: 1pt, height: 1pt)",
        "#[",
        "]",
        "\u{FEFF}",
        "",
    ];

    /// A project template with odd content (put at a random line of a built-in file, or the
    /// whole file); the plan (`check`, `build --split`) or a report judged with it.
    pub fn overridden(rng: &mut Rng) -> Case {
        let with_report = rng.below(2) == 0;
        let s = if with_report {
            with_reports()
        } else {
            Scratch::of("fjallkommun_2031")
        };
        let name = rng.pick(&[
            "plan.typ.j2",
            "blocks.typ.j2",
            "vplan.typ",
            "vplan/style.typ",
            "vplan/tables.typ",
            "tjansteskrivelse.typ.j2",
        ]);
        let builtin = std::fs::read_to_string(common::root().join("templates").join(name)).unwrap();
        let odd = rng.pick(TEMPLATE_EDITS);
        let text = if rng.below(5) == 0 {
            odd.to_string()
        } else {
            let mut lines: Vec<&str> = builtin.lines().collect();
            let at = rng.below(lines.len() + 1);
            lines.insert(at, odd);
            lines.join("\n") + "\n"
        };
        let dir = s.dir.path().join("templates");
        std::fs::create_dir_all(dir.join("vplan")).unwrap();
        std::fs::write(dir.join(name), text).unwrap();
        let what = format!("templates/{name} with {odd:?}");
        let run = |args: &[&str]| common::vplan_timed(s.dir.path(), args);
        let out = s.dir.path().join("out");
        let out = out.to_str().unwrap();
        let (check, build) = if with_report {
            let id = rng.pick(REPORTS);
            (
                run(&["check", "-q", "--report", id]),
                run(&["build", "-q", "--split", "--report", id, "--output", out]),
            )
        } else {
            (
                run(&["check", "-q"]),
                run(&["build", "-q", "--split", "--output", out]),
            )
        };
        let (c, b) = (check.status.code(), build.status.code());
        let problem = if (c == Some(0)) != (b == Some(0)) {
            Some(format!(
                "check exited {c:?} but build {b:?}\ncheck: {}\nbuild: {}",
                common::stderr(&check),
                common::stderr(&build)
            ))
        } else if c != Some(0)
            && !common::stderr(&check).contains("templates")
            && !common::stderr(&check).contains(".typ")
            && !common::stderr(&check).contains("content/")
        {
            Some(format!(
                "the error names no template or content file: {}",
                common::stderr(&check)
            ))
        } else {
            None
        };
        let built = usize::from(b == Some(0));
        let reports = usize::from(with_report);
        (
            format!("{}: {what}", if with_report { "report" } else { "plan" }),
            problem,
            [reports, built * reports, (1 - built) * reports, 0, 0, 1],
        )
    }
}
