//! Prose that cannot vanish: a Markdown table is a tagged table in the PDF, code prints
//! literally in the monospace face, every Markdown construct that is not printed as written is
//! reported by `check` at its file and line, and a file of `content/` that nothing reads is a
//! warning.

use std::fs;

use crate::common::*;

const FIXTURE: &str = "fjallkommun_2031";

/// A chapter whose prose holds a table (aligned columns, inline Markdown in cells), inline
/// code full of Typst and template syntax, and a fenced code block.
const CHAPTER: &str = r#"id: prosa
title: Prosa
blocks:
  - text: |
      Skriv `#read("/etc/passwd") $x$ \ ] [ {{ a/b/c }} <b>` i koden, ``x`y`` med backtick.

      | Verksamhet | Antal | Ansvar |
      |:-----------|------:|:------:|
      | Bibliotek *och* arkiv | 12 | `#x` |
      | Fritidsgårdar | 3 | **Kultur] [** |

      ```
      #let x = 1 // {{ kod }}
      ```
"#;

#[test]
fn a_markdown_table_is_a_tagged_table_and_code_prints_literally() {
    let s = Scratch::of(FIXTURE);
    s.write("chapters/04-prosa.yaml", CHAPTER);
    let out = s.run("check", &["--content", "content", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let pdf = build(
        &s.content(),
        &s.dir.path().join("out"),
        &["--standard", "a-2b+ua-1"],
    );
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    let text = squeeze(&pdf_text(&pdf));
    for expected in [
        r#"Skriv#read("/etc/passwd")$x$\][{{a/b/c}}<b>ikoden,x`ymedbacktick."#,
        "VerksamhetAntalAnsvar",
        "Bibliotekocharkiv12#x",
        "Fritidsgårdar3Kultur][",
        "#letx=1//{{kod}}",
    ] {
        assert!(text.contains(expected), "{expected:?} is not in:\n{text}");
    }
    assert!(
        !text.contains('|'),
        "a pipe of the Markdown table is printed:\n{text}"
    );
    let doc = lopdf::Document::load(&pdf).unwrap();
    assert_fonts_embedded(&doc);
    let fonts: Vec<String> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter_map(|d| d.get(b"BaseFont").and_then(|f| f.as_name()).ok())
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    assert!(
        fonts.iter().any(|f| f.contains("DejaVuSansMono")),
        "the code is not in the monospace face: {fonts:?}"
    );
    // The fixture's own tables have header cells too: the Markdown table adds three.
    let (kinds, _) = structure(&doc);
    let plain = build(
        &fixture(FIXTURE),
        &s.dir.path().join("plain"),
        &["--standard", "a-2b+ua-1"],
    );
    let (before, _) = structure(&lopdf::Document::load(&plain).unwrap());
    let count =
        |k: &std::collections::BTreeMap<String, usize>, s: &str| k.get(s).copied().unwrap_or(0);
    assert_eq!(
        count(&kinds, "Table"),
        count(&before, "Table") + 1,
        "{kinds:?}"
    );
    assert_eq!(count(&kinds, "TH"), count(&before, "TH") + 3, "{kinds:?}");
    assert_eq!(count(&kinds, "TD"), count(&before, "TD") + 6, "{kinds:?}");
    assert_archivable_and_accessible(&pdf);
}

#[test]
fn check_reports_markdown_that_is_not_printed_at_its_line() {
    let s = Scratch::of(FIXTURE);
    s.write(
        "chapters/04-prosa.yaml",
        "id: prosa\ntitle: Prosa\nblocks:\n  - text: |\n      Första raden.\n\n      Text med <b>fet</b> stil.\n\n      Det är ~~fel~~.\n\n          indraget stycke\n\n      Se not[^1].\n\n      [^1]: Noten.\n\n      Skriv x`y.\n\n      | Post | Belopp |\n      |---|--:|\n      | Lokaler | 1 200 tkr |\n      | Personal | 300 | extra |\n",
    );
    let out = s.run("check", &["--content", "content", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let diags: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, String, u64, u64)> = diags
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"].as_str().unwrap_or("").ends_with("04-prosa.yaml"))
        .map(|d| {
            (
                d["severity"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let expect = [
        ("error", "HTML (`<b>`)", 7, 16),
        ("error", "strikethrough", 9, 14),
        ("warning", "indented four spaces", 11, 11),
        ("error", "footnote", 13, 13),
        ("warning", "backtick", 17, 14),
        (
            "warning",
            "Markdown table holding an amount (`1 200 tkr`)",
            21,
            19,
        ),
        (
            "error",
            "more cells than its header (3 cells in a table of 2 columns)",
            22,
            7,
        ),
    ];
    assert_eq!(found.len(), expect.len(), "{found:#?}");
    for (s, m, l, c) in expect {
        assert!(
            found
                .iter()
                .any(|(severity, message, line, column)| severity == s
                    && message.contains(m)
                    && (*line, *column) == (l, c)),
            "expected {s} {m:?} at {l}:{c} in {found:#?}"
        );
    }
    // The human form names file:line:column and the same verdict as `build`.
    let out = s.run("check", &["--content", "content"]);
    let err = stderr(&out);
    assert!(err.contains("content/chapters/04-prosa.yaml:7:16"), "{err}");
    let built = s.run("build", &["--content", "content", "--output", "out"]);
    assert_eq!(built.status.code(), Some(1), "{}", stderr(&built));
    assert!(!s.dir.path().join("out").exists());
}

#[test]
fn a_file_nothing_reads_is_a_warning_with_a_guess() {
    let s = Scratch::of(FIXTURE);
    s.write("extra.yaml", "x: 1\n");
    s.write("plan.yml", "x: 1\n");
    s.write("chapter/01.yaml", "x: 1\n");
    s.write("tables/budget.xlsx", "PK");
    s.write("chapters/anteckningar.txt", "x");
    s.write("schemas/notes.txt", "x");
    s.write("schemas/chapter.schema.json", "{}");
    // Not content, and not reported.
    s.write(".gitkeep", "");
    s.write(".DS_Store", "");
    s.write("chapters/.gitkeep", "");
    s.write("README.md", "# Läs mig\n");
    s.write("chapters/01-inledning.yaml~", "x");
    let out = s.run("check", &["--content", "content"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning: ")).collect();
    let unread: Vec<&&str> = warnings.iter().filter(|l| l.contains("not read")).collect();
    assert_eq!(unread.len(), 6, "{err}");
    // Each names its file in its first line, not only in the note under it.
    for line in &unread {
        assert!(line.contains("` is not read"), "{line}");
    }
    for (says, hint) in [
        (
            "the directory `chapter/` is not read",
            "did you mean `chapters`?",
        ),
        ("`extra.yaml` is not read", "a chapter goes into chapters/"),
        ("`plan.yml` is not read", "did you mean `plan.yaml`?"),
        ("`tables/budget.xlsx` is not read", "vplan import"),
        ("`chapters/anteckningar.txt` is not read", "extension .yaml"),
        ("`schemas/notes.txt` is not read", "move it out of schemas/"),
    ] {
        let at = err
            .find(says)
            .unwrap_or_else(|| panic!("{says:?} in:\n{err}"));
        let next = err[at..].find("\n\n").map_or(err.len(), |i| at + i);
        assert!(err[at..next].contains(hint), "{says}: {hint:?} in:\n{err}");
    }
    let out = s.run("check", &["--content", "content", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));

    // A logo, in a directory of its own, is read; the skeleton and the default plan have
    // nothing unread.
    let s = Scratch::of(FIXTURE);
    let plan = fs::read_to_string(s.content().join("plan.yaml")).unwrap();
    s.write(
        "plan.yaml",
        plan.replacen(
            "\ntitle:",
            "\nlogo: {file: bilder/logo.svg, alt: Logotyp}\ntitle:",
            1,
        ),
    );
    s.write(
        "bilder/logo.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10"/></svg>"#,
    );
    let out = s.run("check", &["--content", "content"]);
    assert!(!stderr(&out).contains("not read"), "{}", stderr(&out));
    // A build's output inside the content directory (which `build --output` allows) is not
    // content: nothing there can be lost.
    let built = s.run(
        "build",
        &[
            "--content",
            "content",
            "--output",
            "content/ut",
            "--emit-typst",
        ],
    );
    assert!(built.status.success(), "{}", stderr(&built));
    let out = s.run("check", &["--content", "content", "--deny-warnings"]);
    assert!(!stderr(&out).contains("not read"), "{}", stderr(&out));
    s.write("ut/anteckning.yaml", "x: 1\n");
    let out = s.run("check", &["--content", "content"]);
    assert!(
        stderr(&out).contains("the directory `ut/` is not read"),
        "{}",
        stderr(&out)
    );
    let out = vplan(&root(), &["check", "--content", "content"]);
    assert!(!stderr(&out).contains("not read"), "{}", stderr(&out));
}

/// Noto Sans classes its spacing accents as combining marks, so shaped with it a backtick,
/// `´` or `¨` had no width and sat on the next letter (`x`y` printed "xỳ"). In a title, a
/// row label and Markdown (`\``, which prints the character) each takes up room of its own now,
/// and is extracted as itself.
#[test]
fn a_backtick_or_spacing_accent_prints_as_itself_with_a_width() {
    let s = Scratch::of(FIXTURE);
    s.edit(
        "chapters/01-inledning.yaml",
        "title: Inledning",
        "title: \"Titel x`y\"",
    );
    s.edit(
        "chapters/01-inledning.yaml",
        "  - text: |\n",
        "  - text: |\n      Kod x\\`y och \\` ensamt, Region´s och ¨a.\n\n",
    );
    s.edit(
        "tables/driftbudget.yaml",
        "label: Simhall",
        "label: \"Sim`hall\"",
    );
    let pdf = build(&s.content(), &s.dir.path().join("out"), &[]);
    // (pdf-extract puts a space where the font changes: compared without spaces.)
    let text: String = pdf_text(&pdf).split_whitespace().collect();
    for expected in ["Titelx`y", "Kodx`yoch`ensamt,Region´soch¨a.", "Sim`hall"] {
        assert!(text.contains(expected), "{expected:?} is not in:\n{text}");
    }
    let chars = pdf_chars(&pdf);
    let mut seen = 0;
    for pair in chars.windows(2) {
        let [(c, x, y, size), (next, x2, y2, _)] = pair else {
            unreachable!()
        };
        if !matches!(c, '`' | '´' | '¨') || (y - y2).abs() > 0.5 {
            continue;
        }
        seen += 1;
        assert!(
            x2 - x > 0.3 * size,
            "{c:?} before {next:?} is {:.2} pt wide at {size:.1} pt: it is drawn over the next character",
            x2 - x
        );
    }
    // The title twice (contents, heading), the row label, the Markdown four times.
    assert!(seen >= 7, "only {seen} accents found: {chars:?}");
}

/// A right-to-left override in a chapter title printed its page number reversed in the
/// contents (`15` as `51`) while `check` was clean. Every direction control, and an invisible
/// character inside a number, is an error at its own line and column, in any value, and
/// `build` refuses the plan.
#[test]
fn invisible_direction_controls_and_characters_inside_numbers_are_errors_at_their_column() {
    let s = Scratch::of(FIXTURE);
    s.edit(
        "chapters/01-inledning.yaml",
        "title: Inledning",
        "title: \"Kapitel \u{202E}Inledning\"",
    );
    s.edit(
        "chapters/01-inledning.yaml",
        "  - text: |\n",
        "  - text: |\n      Totalt 12\u{200B}500 kr, ord\u{200B}delning och \u{200F}.\n\n",
    );
    s.edit(
        "tables/driftbudget.yaml",
        "label: Simhall",
        "label: \"Sim\u{2066}hall\u{2069}\"",
    );
    let out = s.run("check", &["--content", "content", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let diags: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, String, u64, u64)> = diags
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            let file = d["file"].as_str().unwrap_or("");
            (
                file.rsplit('/').next().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let expect = [
        ("01-inledning.yaml", "U+202E RIGHT-TO-LEFT OVERRIDE", 2, 17),
        (
            "01-inledning.yaml",
            "U+200B ZERO WIDTH SPACE inside the number `12500`",
            5,
            16,
        ),
        ("01-inledning.yaml", "U+200F RIGHT-TO-LEFT MARK", 5, 41),
        ("driftbudget.yaml", "U+2066 LEFT-TO-RIGHT ISOLATE", 9, 30),
        ("driftbudget.yaml", "U+2069 POP DIRECTIONAL ISOLATE", 9, 35),
    ];
    assert_eq!(found.len(), expect.len(), "{found:#?}");
    for (f, m, l, c) in expect {
        assert!(
            found.iter().any(|(file, message, line, column)| file == f
                && message.contains(m)
                && (*line, *column) == (l, c)),
            "expected {m:?} at {f}:{l}:{c} in {found:#?}"
        );
    }
    let human = stderr(&s.run("check", &["--content", "content"]));
    assert!(
        human.contains("content/chapters/01-inledning.yaml:2:17"),
        "{human}"
    );
    assert!(human.contains("delete the character (U+202E)"), "{human}");
    let built = s.run("build", &["--content", "content", "--output", "out"]);
    assert_eq!(built.status.code(), Some(1), "{}", stderr(&built));
    assert!(stderr(&built).contains("RIGHT-TO-LEFT OVERRIDE"));
    assert!(!s.dir.path().join("out").exists());
}
