//! Text is data, never code: every Typst or template syntax character and a set of hostile
//! strings, in every kind of text field, come out of the PDF character for character, and
//! nothing is read, imported or evaluated. The Typst world refuses paths outside the
//! templates directory.

use std::fs;

use crate::common::*;

const FIXTURE: &str = "fjallkommun_2031";

/// The characters of the issue, each between spaces so that Markdown leaves them alone.
const CHARS: &str = r##"# $ * _ ` < > @ = - + / \ [ ] { } " ' ~"##;

/// Hostile strings: Typst code and template syntax.
const HOSTILE: &[&str] = &[
    r#"#read("/etc/passwd")"#,
    r#"#import "x.typ""#,
    "#panic()",
    "{{ x }}",
    "{% if %}",
    "$x^2$",
    "<label> @ref",
    "= rubrik",
    "// kommentar",
    "/* block */",
];

/// A YAML double-quoted string holding `s`.
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// The payload of a field printed as it stands. `{{` is refused there (a figure reference
/// would be printed with its braces), so the template syntax comes as `{ {`; prose carries
/// `\{{` (see below).
fn payload(tag: &str) -> String {
    format!("{tag}: {CHARS} | {}", HOSTILE.join(" | ")).replace("{{", "{ {")
}

/// The payload of a text block: all of it (written into the file with [`markdown_literal`]).
fn prose_payload(tag: &str) -> String {
    format!("{tag}: {CHARS} | {}", HOSTILE.join(" | "))
}

/// A payload as Markdown prose must spell it to be printed literally: `{{` as `\{{` (else a
/// figure reference) and `<label>` as `\<label>` (else HTML, which `check` refuses).
fn markdown_literal(payload: &str) -> String {
    payload
        .replace("{{", "\\{{")
        .replace("<label>", "\\<label>")
}

#[test]
fn every_character_in_every_kind_of_text_field_is_printed_literally() {
    let s = Scratch::of(FIXTURE);
    let title = payload("TITEL");
    let plan = fs::read_to_string(s.content().join("plan.yaml"))
        .unwrap()
        .replace(
            "title: Verksamhetsplan med budget 2031",
            &format!("title: {}", q(&title)),
        );
    s.write("plan.yaml", plan);
    // In prose `{{` starts a figure reference; a literal one is written `\{{`. `<label>` is
    // HTML there, which `check` refuses (it would print as tags); a literal `<` is `\<`.
    let prose = markdown_literal(&prose_payload("PROSA"));
    s.write(
        "chapters/01-inledning.yaml",
        format!(
            "id: inledning\ntitle: {}\nblocks:\n  - text: {}\n",
            q(&payload("KAPITEL")),
            q(&prose)
        ),
    );
    s.write(
        "chapters/02-mal.yaml",
        format!(
            "id: mal\ntitle: Mål\nblocks:\n  - goal:\n      id: g\n      text: {}\n      indicators:\n        - {{id: i, text: {}}}\n  - assignment: {{id: u, text: {}}}\n",
            q(&payload("MÅL")),
            q(&payload("INDIKATOR")),
            q(&payload("UPPDRAG"))
        ),
    );
    let table = fs::read_to_string(s.content().join("tables/driftbudget.yaml"))
        .unwrap()
        .replace(
            "label: Bibliotek",
            &format!("label: {}", q(&payload("RAD"))),
        )
        .replace(
            "caption: Belopp i tkr",
            &format!("caption: {}", q(&payload("RUBRIK"))),
        )
        + &format!("notes:\n  - {}\n", q(&markdown_literal(&payload("FOTNOT"))));
    s.write("tables/driftbudget.yaml", table);

    let out_dir = s.dir.path().join("out");
    let pdf = build(&s.content(), &out_dir, &[]);
    // Compared without whitespace: a narrow cell may break a line anywhere.
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    let text = squeeze(&pdf_text(&pdf));
    for tag in [
        "TITEL",
        "KAPITEL",
        "PROSA",
        "MÅL",
        "INDIKATOR",
        "UPPDRAG",
        "RAD",
        "RUBRIK",
        "FOTNOT",
    ] {
        let expected = squeeze(&if tag == "PROSA" {
            prose_payload(tag)
        } else {
            payload(tag)
        });
        assert!(
            text.contains(&expected),
            "{tag}: {expected:?} is not in the PDF text literally:\n{text}"
        );
    }
    assert!(!text.contains("root:"), "/etc/passwd was read");

    // The PDF's own metadata title is the literal text as well.
    let doc = lopdf::Document::load(&pdf).unwrap();
    let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let raw = doc
        .get_dictionary(info)
        .unwrap()
        .get(b"Title")
        .unwrap()
        .clone();
    let meta_title = lopdf::decode_text_string(&raw).unwrap();
    assert_eq!(meta_title, title);
}

#[test]
fn the_typst_world_refuses_paths_outside_the_templates() {
    let templates = tempfile::tempdir().unwrap();
    copy_dir(&root().join("templates"), templates.path());
    let main = templates.path().join("plan.typ.j2");
    let text = fs::read_to_string(&main).unwrap();
    fs::write(&main, format!("{text}\n#read(\"/etc/passwd\")\n")).unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let out = vplan_timed(
        &root(),
        &[
            "build",
            "--content",
            fixture(FIXTURE).to_str().unwrap(),
            "--templates",
            templates.path().to_str().unwrap(),
            "--output",
            out_dir.path().to_str().unwrap(),
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("typst: failed to load file (access denied)"),
        "{err}"
    );
    assert!(err.contains("#read(\"/etc/passwd\")"), "{err}");
    assert!(pdfs_in(out_dir.path()).is_empty());

    // A path that escapes the templates directory with `..` is refused the same way.
    fs::write(&main, format!("{text}\n#read(\"../../../etc/passwd\")\n")).unwrap();
    let out = vplan_timed(
        &root(),
        &[
            "build",
            "--content",
            fixture(FIXTURE).to_str().unwrap(),
            "--templates",
            templates.path().to_str().unwrap(),
            "--output",
            out_dir.path().to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn template_errors_point_at_the_template_file_and_line() {
    let templates = tempfile::tempdir().unwrap();
    copy_dir(&root().join("templates"), templates.path());
    let blocks = templates.path().join("blocks.typ.j2");
    let text = fs::read_to_string(&blocks).unwrap();
    fs::write(
        &blocks,
        text.replace("{{ goal(bl.goal) }}", "{{ goal(bl.goal }}"),
    )
    .unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("{{ goal(bl.goal) }}"))
        .unwrap()
        + 1;
    let out = vplan_timed(
        &root(),
        &[
            "build",
            "--content",
            fixture(FIXTURE).to_str().unwrap(),
            "--templates",
            templates.path().to_str().unwrap(),
            "--output",
            templates.path().join("out").to_str().unwrap(),
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("blocks.typ.j2:{line}:")), "{err}");
    assert!(err.contains("template error"), "{err}");
}

#[test]
fn typst_errors_in_generated_source_name_the_template() {
    let templates = tempfile::tempdir().unwrap();
    copy_dir(&root().join("templates"), templates.path());
    let blocks = templates.path().join("blocks.typ.j2");
    let text = fs::read_to_string(&blocks).unwrap();
    fs::write(&blocks, text.replace("#vp-assignment[", "#vp-asignment[")).unwrap();
    let out = vplan_timed(
        &root(),
        &[
            "build",
            "--content",
            fixture(FIXTURE).to_str().unwrap(),
            "--templates",
            templates.path().to_str().unwrap(),
            "--output",
            templates.path().join("out").to_str().unwrap(),
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("typst: unknown variable: vp-asignment"),
        "{err}"
    );
    assert!(
        err.contains("generated by blocks.typ.j2: assignment"),
        "{err}"
    );
    assert!(
        err.contains("#vp-asignment[Förvaltningen får i uppdrag"),
        "{err}"
    );

    // An error in a static Typst file points at that file and line.
    let style = templates.path().join("vplan/style.typ");
    let text = fs::read_to_string(&style).unwrap();
    fs::write(
        &blocks,
        fs::read_to_string(root().join("templates/blocks.typ.j2")).unwrap(),
    )
    .unwrap();
    fs::write(
        &style,
        text.replace(
            "#let vp-accent = rgb(\"#1f4e79\")",
            "#let vp-accent = rgb(\"#1f4e79\"",
        ),
    )
    .unwrap();
    let out = vplan_timed(
        &root(),
        &[
            "build",
            "--content",
            fixture(FIXTURE).to_str().unwrap(),
            "--templates",
            templates.path().to_str().unwrap(),
            "--output",
            templates.path().join("out").to_str().unwrap(),
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    // At the line of the part of the house style where it is (`vplan.typ` only gathers them).
    let line = text
        .lines()
        .position(|l| l.starts_with("#let vp-accent ="))
        .unwrap()
        + 1;
    assert!(
        err.lines()
            .any(|l| l.ends_with(&format!("vplan/style.typ:{line}"))),
        "{err}"
    );
}

/// A project's `templates/` (found without `--templates`) replaces built-in files one by one;
/// an error names the file as it was used: the project's by its path, a built-in one as
/// `(built-in) NAME`.
#[test]
fn template_errors_name_the_projects_file_or_the_built_in_one() {
    let s = Scratch::of(FIXTURE);
    let templates = s.dir.path().join("templates");
    fs::create_dir(&templates).unwrap();
    let build = || {
        let out = vplan_timed(s.dir.path(), &["build", "--output", "out"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(!s.dir.path().join("out").exists());
        err
    };
    // The project's blocks.typ.j2, broken: named by its path in the project.
    let text = fs::read_to_string(root().join("templates/blocks.typ.j2")).unwrap();
    fs::write(
        templates.join("blocks.typ.j2"),
        text.replace("{{ goal(bl.goal) }}", "{{ goal(bl.goal }}"),
    )
    .unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("{{ goal(bl.goal) }}"))
        .unwrap()
        + 1;
    let err = build();
    assert!(
        err.contains(&format!("templates/blocks.typ.j2:{line}:")),
        "{err}"
    );
    // The project's blocks.typ.j2 lacks the macros the built-in plan.typ.j2 calls: the error
    // is in the built-in file, and says so.
    fs::write(templates.join("blocks.typ.j2"), "").unwrap();
    let main = fs::read_to_string(root().join("templates/plan.typ.j2")).unwrap();
    let line = main.lines().position(|l| l.contains("b.blocks(")).unwrap() + 1;
    let err = build();
    assert!(
        err.contains(&format!("(built-in) plan.typ.j2:{line}:")),
        "{err}"
    );
    // A Typst error in the project's static file is named by its path.
    fs::remove_file(templates.join("blocks.typ.j2")).unwrap();
    let style = fs::read_to_string(root().join("templates/vplan/style.typ")).unwrap();
    fs::create_dir(templates.join("vplan")).unwrap();
    fs::write(
        templates.join("vplan/style.typ"),
        style.replace(
            "#let vp-accent = rgb(\"#1f4e79\")",
            "#let vp-accent = rgb(\"#1f4e79\"",
        ),
    )
    .unwrap();
    let err = build();
    assert!(
        err.contains("raised in templates/vplan/style.typ:"),
        "{err}"
    );
    assert!(
        err.contains("generated by plan.typ.j2: document (in (built-in) plan.typ.j2)"),
        "{err}"
    );
    // Without the broken file the built-in set builds again.
    fs::remove_file(templates.join("vplan/style.typ")).unwrap();
    let out = vplan_timed(s.dir.path(), &["build", "-q", "--output", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
