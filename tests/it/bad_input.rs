//! Bad input never breaks vplan: every case gives a clear error naming the file, exit 1 or 2,
//! and no panic, hang or unbounded allocation (`vplan_timed` fails the test on a panic, on an
//! exit code outside 0–2 and after 60 s).

use crate::common::*;

const FIXTURE: &str = "fjallkommun_2031";

/// Writes `bytes` as `file` in a scratch plan, runs `vplan check` and returns stderr; the run
/// must fail with exit code 1 and name the file.
fn fails_with(file: &str, bytes: impl AsRef<[u8]>, needles: &[&str]) {
    let s = Scratch::of(FIXTURE);
    s.write(file, bytes);
    let out = s.run("check", &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("content/{file}")), "{err}");
    for n in needles {
        assert!(err.contains(n), "missing {n:?} in:\n{err}");
    }
}

const CHAPTER: &str = "chapters/01-inledning.yaml";
const TABLE: &str = "tables/driftbudget.yaml";

fn table_with_amount(amount: &str) -> String {
    std::fs::read_to_string(fixture(FIXTURE).join(TABLE))
        .unwrap()
        .replace("12500", amount)
}

#[test]
fn empty_files() {
    fails_with(
        "plan.yaml",
        "",
        &["the file is empty", "the file must have `organisation:`"],
    );
    fails_with(CHAPTER, "", &["the file is empty", "`id:`, `title:`"]);
}

#[test]
fn binary_garbage() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    fails_with(CHAPTER, garbage, &["not valid UTF-8"]);
    // Valid UTF-8 but control characters and nonsense.
    fails_with(CHAPTER, "\u{0}\u{1}\u{7}{{[[::\u{feff}", &["error"]);
}

#[test]
fn non_utf8_bytes() {
    fails_with(
        CHAPTER,
        b"id: x\ntitle: \xff\xfe\n",
        &["not valid UTF-8", "offset 13"],
    );
}

#[test]
fn a_ten_megabyte_string() {
    let big = format!("id: x\ntitle: {}\n", "å".repeat(5 * 1024 * 1024));
    fails_with(
        CHAPTER,
        big,
        &["larger than the 4194304 bytes a content file may have"],
    );
}

#[test]
fn a_long_string_within_the_limit_is_fine() {
    let s = Scratch::of(FIXTURE);
    s.write(
        CHAPTER,
        format!(
            "id: inledning\ntitle: Inledning\nblocks:\n  - text: {}\n",
            "ord ".repeat(100_000)
        ),
    );
    let out = s.run("check", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn deeply_nested_yaml() {
    let flow = format!(
        "id: x\ntitle: y\nblocks: {}{}\n",
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    fails_with(CHAPTER, flow, &["nested more than 64 levels deep"]);
    let block: String = (0..100)
        .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
        .collect();
    fails_with(CHAPTER, block, &["nested more than 64 levels deep", ":65:"]);
}

#[test]
fn aliases_that_expand_exponentially() {
    let mut lines = vec![
        "id: x".to_string(),
        "title: t".to_string(),
        "blocks:".to_string(),
        "  - text_table:".to_string(),
        "      id: tt".to_string(),
        "      columns: [a]".to_string(),
        "      rows:".to_string(),
        "        - id: r0".to_string(),
        "          cells: &c0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]".to_string(),
    ];
    for i in 1..12 {
        lines.push(format!("        - id: r{i}"));
        let refs = vec![format!("*c{}", i - 1); 10].join(", ");
        lines.push(format!("          cells: &c{i} [{refs}]"));
    }
    fails_with(
        CHAPTER,
        lines.join("\n"),
        &["the aliases (`*name`) of this file expand it to more than 16 MiB"],
    );

    // The classic form, as a value nobody expects.
    let mut doc = String::from("id: x\ntitle: t\nblocks: []\nextra:\n");
    doc.push_str("  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["b", "c", "d", "e", "f", "g", "h", "i", "j"];
    let mut prev = "a";
    for n in names {
        doc.push_str(&format!(
            "  {n}: &{n} [{}]\n",
            vec![format!("*{prev}"); 9].join(", ")
        ));
        prev = n;
    }
    // Stopped before the full parse, at the alias that goes over the limit.
    fails_with(
        CHAPTER,
        doc,
        &["the aliases (`*name`) of this file expand it to more than 16 MiB"],
    );
}

#[test]
fn duplicate_keys() {
    fails_with(
        CHAPTER,
        "id: a\nid: b\ntitle: t\n",
        &["duplicate key `id` (first given on line 1)", ":2:1"],
    );
}

#[test]
fn a_second_document_in_a_file() {
    // Text appended after a `---` line: serde_yaml's "more than one document is not
    // supported" named no line.
    fails_with(
        CHAPTER,
        "id: a\ntitle: t\nblocks:\n  - text: x\n---\nid: b\n",
        &[
            "a second YAML document starts at this `---`",
            "01-inledning.yaml:5:1",
            "remove the `---` line",
        ],
    );
    fails_with(
        TABLE,
        format!("{}---\n", table_with_amount("1")),
        &[":12:1"],
    );
}

#[test]
fn a_number_where_text_belongs_is_quoted_as_written() {
    // The hint quoted the number YAML read (`"475"`), not what was typed.
    let table = table_with_amount("1");
    fails_with(
        TABLE,
        table.replace("unit: tkr", "unit: 0x1DB # enhet"),
        &[
            "found the number 475 (written `0x1DB`)",
            "put it in quotes: \"0x1DB\"",
            ":2:7",
        ],
    );
    fails_with(
        TABLE,
        table.replace("label: Simhall", "label: 1e3"),
        &["(written `1e3`)", "in quotes: \"1e3\""],
    );
    fails_with(
        TABLE,
        table.replace("unit: tkr", "unit: 5"),
        &["found the number 5; if it is meant as text, put it in quotes: \"5\""],
    );
}

#[test]
fn yaml_tags_are_errors_at_the_tag() {
    // `!!int 0x10` was read as 16 without the warning a plain `0x10` gets, and
    // `!!binary aGk=` printed "aGk=".
    for (tag, value) in [("!!int", "!!int 0x10"), ("!!float", "!!float 0x10")] {
        fails_with(
            TABLE,
            table_with_amount(value),
            &[
                &format!("a YAML tag, `{tag}`: vplan content takes no tags"),
                "driftbudget.yaml:8:48",
                "write the number as a decimal number",
            ],
        );
    }
    let table = table_with_amount("1");
    fails_with(
        TABLE,
        table.replace("label: Simhall", "label: !!binary aGk="),
        &["`!!binary`", "driftbudget.yaml:9:26", "remove `!!binary`"],
    );
    fails_with(
        CHAPTER,
        "id: a\ntitle: !foo Inledning\nblocks: []\n",
        &["`!foo`", "01-inledning.yaml:2:8"],
    );
    fails_with(
        CHAPTER,
        "id: a\ntitle: !!str 2031\nblocks: []\n",
        &["`!!str`", ":2:8", "quotes"],
    );
}

#[test]
fn tabs() {
    fails_with(
        CHAPTER,
        "id: a\ntitle: t\nblocks:\n\t- text: x\n",
        &[":4:1"],
    );
}

#[test]
fn not_a_number_and_overflowing_amounts() {
    fails_with(
        TABLE,
        table_with_amount(".nan"),
        &["`.nan` is not an amount", ":8:"],
    );
    fails_with(
        TABLE,
        table_with_amount("1e400"),
        &["`1e400` is not an amount"],
    );
    fails_with(
        TABLE,
        table_with_amount(".inf"),
        &["`.inf` is not an amount"],
    );
    fails_with(
        TABLE,
        table_with_amount("123456789012345678901234567890"),
        &[
            "`123456789012345678901234567890` is not an amount",
            "at most 28 digits",
        ],
    );
    // YAML reads a plain `0x1F` as 31 (and so do editors): `check` warns instead (see
    // check::unusual_amount_spellings_are_read_as_yaml_reads_them); in quotes it is no amount.
    fails_with(
        TABLE,
        table_with_amount("\"0x1F\""),
        &["`\"0x1F\"` is not an amount: in quotes, an amount is written as a decimal number"],
    );
}

#[test]
fn sums_that_overflow_decimal_are_errors_not_panics() {
    let s = Scratch::of(FIXTURE);
    let big = "79228162514264337593543950335"; // Decimal::MAX
    s.write(TABLE, table_with_amount(big).replace("8750", big));
    let out = s.run("check", &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("too large"), "{err}");
}

#[test]
fn a_symlink_out_of_the_project() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.yaml");
    std::fs::write(&secret, "id: secret\ntitle: Hemligt\n").unwrap();
    let s = Scratch::of(FIXTURE);
    std::os::unix::fs::symlink(&secret, s.content().join("chapters/09-link.yaml")).unwrap();
    let out = s.run("check", &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("content/chapters/09-link.yaml"), "{err}");
    assert!(err.contains("outside the content directory"), "{err}");
    assert!(!err.contains("Hemligt"));
}

#[test]
fn a_missing_content_directory_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = vplan_timed(dir.path(), &["check", "--content", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nowhere"));
}

// ---------------------------------------------------------------------------------------------
// `check` is the build's judge: for every case of this corpus, `vplan check` fails if and only
// if `vplan build` (and `build --split`) fails; a failing check names the content file and a
// line; a failing build writes nothing. A case is one line: a name, the edits that make it
// from the fixture, whether it must pass, and whether `--split` matters.

/// One change to the fixture.
#[derive(Clone, Copy)]
enum Edit {
    /// Replace the first occurrence of a text in a content file.
    Replace(&'static str, &'static str, &'static str),
    /// Write a whole content file (text or bytes).
    Write(&'static str, &'static [u8]),
    /// Write a file with text made at run time (long names, deep nesting).
    Made(&'static str, fn() -> String),
    /// A symbolic link in the content directory to a file beside it (outside).
    LinkOut(&'static str, &'static [u8]),
}

use Edit::*;

#[derive(Clone, Copy)]
struct Case {
    name: &'static str,
    edits: &'static [Edit],
    /// Whether the plan must build (both commands exit 0) or be refused by both.
    passes: bool,
    /// The file a failing check names (relative to the content directory).
    names: &'static str,
    /// Also build with `--split` (its documents and file names matter).
    split: bool,
}

const fn fails(name: &'static str, names: &'static str, edits: &'static [Edit]) -> Case {
    Case {
        name,
        edits,
        passes: false,
        names,
        split: false,
    }
}

const fn passes(name: &'static str, edits: &'static [Edit]) -> Case {
    Case {
        name,
        edits,
        passes: true,
        names: "",
        split: false,
    }
}

impl Case {
    const fn split(mut self) -> Case {
        self.split = true;
        self
    }
}

const PLAN: &str = "plan.yaml";
/// Makes the fixture a decided plan: exported as PDF/A-2b and PDF/UA-1.
const DECIDED: Edit = Replace(
    PLAN,
    "keywords:",
    "decision:\n  status: beslutad\n  beslutsdatum: 2030-12-03\n  paragraf: § 12\nkeywords:",
);
const LOGO: Edit = Replace(
    PLAN,
    "keywords:",
    "logo: {file: logo.png, alt: Fjällby kommuns logotyp}\nkeywords:",
);
const PAPER: &str = "tjansteskrivelse.yaml";
const PNG: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9a\x73\x00\x00\x00\x11\x49\x44\x41\x54\x78\x9c\x63\xf8\xcf\xc0\x00\x44\x0c\x60\xf2\x3f\x00\x1b\xf2\x03\xfd\xf3\xe7\x4b\xb1\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";
const SVG: &[u8] = br##"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="#036"/></svg>"##;

fn chapter_with(text: &str) -> String {
    let indented: String = text.lines().map(|l| format!("      {l}\n")).collect();
    format!("id: inledning\ntitle: Inledning\nblocks:\n  - text: |\n{indented}")
}

fn nested_lists() -> String {
    chapter_with(
        &(0..100)
            .map(|i| format!("{}- nivå {i}\n", "  ".repeat(i)))
            .collect::<String>(),
    )
}

fn nested_quotes() -> String {
    chapter_with(&format!("{} citat\n", ">".repeat(100)))
}

fn lists_five_deep() -> String {
    chapter_with(
        &(0..5)
            .map(|i| format!("{}- nivå {i}\n", "  ".repeat(i)))
            .collect::<String>(),
    )
}

fn long_url() -> String {
    chapter_with(&format!(
        "Se [sidan](https://www.example.se/{}).\n",
        "a".repeat(40_000)
    ))
}

fn long_namnd() -> String {
    let plan = std::fs::read_to_string(fixture(FIXTURE).join(PLAN)).unwrap();
    plan.replace(
        "namnd: Fritids- och kulturnämnden",
        &format!(
            "namnd: {}",
            "Fritids- och kulturnämnden för ".repeat(10).trim()
        ),
    )
}

fn long_title() -> String {
    let plan = std::fs::read_to_string(fixture(FIXTURE).join(PLAN)).unwrap();
    plan.replace(
        "title: Verksamhetsplan med budget 2031",
        &format!("title: {}", "Lång titel ".repeat(4000).trim()),
    )
}

fn chapter_titled(title: &str) -> String {
    format!("id: inledning\ntitle: {title}\nblocks:\n  - text: Text.\n")
}

fn long_chapter_title() -> String {
    chapter_titled("Lång ".repeat(8000).trim())
}

fn chapter_title_at_limit() -> String {
    chapter_titled(&"Rubrik ".repeat(143)[..1000])
}

fn appendix(id: &str, label: &str, short: &str) -> String {
    format!("id: {id}\nlabel: {label}\ntitle: Taxor {id}\nshort_title: {short}\nblocks:\n  - text: Text.\n")
}

fn named_like_the_paper() -> String {
    appendix("bilaga-ts", "Tjänsteskrivelse", "\"\"")
}

fn long_label() -> String {
    appendix(
        "bilaga-lang",
        &"Bilaga med ett mycket långt namn ".repeat(10),
        "Taxor",
    )
}

fn same_name() -> String {
    appendix("bilaga-kopia", "Bilaga 1", "Taxor")
}

fn same_after_shortening() -> String {
    // The label differs from the first appendix's only after the part kept in the file name.
    appendix(
        "bilaga-b",
        &format!("{} B", "Bilaga med ett mycket långt namn ".repeat(3)),
        "Taxor",
    )
}

fn same_after_shortening_a() -> String {
    appendix(
        "bilaga-a",
        &format!("{} A", "Bilaga med ett mycket långt namn ".repeat(3)),
        "Taxor",
    )
}

const SECTIONED: &str = "id: inledning\ntitle: Inledning\nblocks:\n  - section:\n      id: a\n      title: A\n      blocks:\n        - section:\n            id: b\n            title: B\n            blocks:\n              - text: |\n                  # Bakgrund\n\n                  Text.\n";

fn paper(extra: &str) -> String {
    format!("sammanfattning: Planen för 2031.\nforslag_till_beslut:\n  - Nämnden fastställer planen.\n{extra}")
}

fn paper_good_date() -> String {
    paper("datum: 2030-11-20\n")
}

fn paper_bad_date() -> String {
    paper("datum: 2031-04-31\n")
}

fn paper_heading() -> String {
    "sammanfattning: |\n  # Sammanfattning\n\n  Planen.\nforslag_till_beslut:\n  - Nämnden fastställer planen.\n".into()
}

const CASES: &[Case] = &[
    // Dates: every date field is a calendar date.
    fails("impossible decision_date", PLAN, &[Replace(PLAN, "2030-12-03", "2023-02-30")]),
    fails("29 February in a common year", PLAN, &[Replace(PLAN, "2030-12-03", "2031-02-29")]),
    fails("1900 was no leap year", PLAN, &[Replace(PLAN, "2030-12-03", "1900-02-29")]),
    passes("29 February in a leap year", &[Replace(PLAN, "2030-12-03", "2032-02-29")]),
    fails("decision_date not a date", PLAN, &[Replace(PLAN, "2030-12-03", "3 december")]),
    fails("impossible beslutsdatum", PLAN, &[DECIDED, Replace(PLAN, "beslutsdatum: 2030-12-03", "beslutsdatum: 2030-11-31")]),
    fails("impossible datum of the paper", PAPER, &[Made(PAPER, paper_bad_date)]).split(),
    passes("a decided plan with a paper", &[DECIDED, Made(PAPER, paper_good_date)]).split(),
    // Markdown the templates cannot lay out or PDF/UA forbids.
    fails("heading in prose of a decided plan", CHAPTER, &[DECIDED, Write(CHAPTER, b"id: inledning\ntitle: Inledning\nblocks:\n  - text: |\n      Inledande text.\n\n      # Bakgrund\n\n      Mer text.\n")]),
    fails("empty heading in a decided plan", CHAPTER, &[DECIDED, Write(CHAPTER, SECTIONED_EMPTY.as_bytes())]),
    fails("heading in the decision paper", PAPER, &[DECIDED, Made(PAPER, paper_heading)]).split(),
    fails("heading in a table note of a decided plan", TABLE, &[DECIDED, Replace(TABLE, "rows:", "notes: [\"# Not\"]\nrows:")]),
    passes("heading in prose of a draft", &[Write(CHAPTER, b"id: inledning\ntitle: Inledning\nblocks:\n  - text: |\n      # Bakgrund\n\n      Text.\n")]),
    passes("heading at the level the templates allow", &[DECIDED, Write(CHAPTER, SECTIONED.as_bytes())]),
    fails("lists nested 100 deep", CHAPTER, &[Made(CHAPTER, nested_lists)]),
    fails("quotes nested 100 deep", CHAPTER, &[Made(CHAPTER, nested_quotes)]),
    passes("lists nested five deep", &[Made(CHAPTER, lists_five_deep)]),
    fails("empty link", CHAPTER, &[Write(CHAPTER, b"id: inledning\ntitle: Inledning\nblocks:\n  - text: |\n      Se [sidan]() och [den andra]( ).\n")]),
    fails("40 000-byte link", CHAPTER, &[DECIDED, Made(CHAPTER, long_url)]),
    passes("a normal link", &[DECIDED, Write(CHAPTER, b"id: inledning\ntitle: Inledning\nblocks:\n  - text: |\n      Se [kommunens webbplats](https://www.fjallby.se/kultur).\n")]),
    fails("image in prose", CHAPTER, &[Write(CHAPTER, b"id: inledning\ntitle: Inledning\nblocks:\n  - text: |\n      ![Karta](karta.png)\n")]),
    fails("empty link in a text table", CHAPTER, &[Write(CHAPTER, b"id: inledning\ntitle: Inledning\nblocks:\n  - text_table:\n      id: tt\n      columns: [A, B]\n      rows:\n        - {id: r, cells: [x, \"[y]()\"]}\n")]),
    fails("an emoji in a decided plan", CHAPTER, &[DECIDED, Replace(CHAPTER, "Planen gäller", "✅ Planen gäller")]),
    passes("an emoji in a draft (a warning)", &[Replace(CHAPTER, "Planen gäller", "✅ Planen gäller")]),
    passes("Swedish and typographic characters in a decided plan", &[DECIDED, Replace(CHAPTER, "Planen gäller", "Åäö ÅÄÖ é ü – — ” ’ … § € ½ × −12 %: Planen gäller")]),
    fails("a 40 000-character title of a decided plan", PLAN, &[DECIDED, Made(PLAN, long_title)]),
    fails("a 40 000-character chapter title", CHAPTER, &[Made(CHAPTER, long_chapter_title)]),
    passes("a 1 000-character chapter title", &[Made(CHAPTER, chapter_title_at_limit)]),
    fails("an empty chapter title", CHAPTER, &[DECIDED, Replace(CHAPTER, "title: Inledning", "title: \"\"")]),
    fails("an empty plan title", PLAN, &[DECIDED, Replace(PLAN, "title: Verksamhetsplan med budget 2031", "title: \" \"")]),
    // The logo.
    passes("a PNG logo", &[DECIDED, LOGO, Write("logo.png", PNG)]),
    passes("an SVG logo", &[DECIDED, Replace(PLAN, "keywords:", "logo: {file: bilder/logo.svg, alt: Logotyp}\nkeywords:"), Write("bilder/logo.svg", SVG)]),
    fails("missing logo", PLAN, &[LOGO]),
    fails("SVG logo that links to another image", PLAN, &[Replace(PLAN, "keywords:", "logo: {file: logo.svg, alt: Logotyp}\nkeywords:"), Write("logo.svg", br#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><image href="other.png" width="8" height="8"/></svg>"#), Write("other.png", PNG)]),
    fails("logo that is no image", PLAN, &[LOGO, Write("logo.png", b"id: not an image\n")]),
    fails("logo in an unsupported format", PLAN, &[LOGO, Write("logo.png", b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x18\x00\x00\x00\x00\x00\x04\x00\x00\x00")]),
    fails("truncated PNG logo", PLAN, &[LOGO, Write("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00")]),
    fails("logo of 9000 × 9000 pixels", PLAN, &[LOGO, Write("logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x23\x28\0\0\x23\x28\x08\x00\x00\x00\x00\0\0\0\0")]),
    fails("logo outside the content directory", PLAN, &[Replace(PLAN, "keywords:", "logo: {file: ../logo.png, alt: Logotyp}\nkeywords:")]),
    fails("logo linked from outside", PLAN, &[LOGO, LinkOut("logo.png", PNG)]),
    fails("logo that is a directory", PLAN, &[Replace(PLAN, "keywords:", "logo: {file: chapters, alt: Logotyp}\nkeywords:")]),
    // File names of the documents.
    passes("a 300-character nämnd name", &[Made(PLAN, long_namnd)]).split(),
    passes("a 300-character appendix label", &[Made("appendices/02-lang.yaml", long_label)]).split(),
    fails("two appendices with one file name", "appendices/02-kopia.yaml", &[Made("appendices/02-kopia.yaml", same_name)]).split(),
    fails("file names that collide once shortened", "appendices/03-b.yaml", &[Made("appendices/02-a.yaml", same_after_shortening_a), Made("appendices/03-b.yaml", same_after_shortening)]).split(),
    fails("an appendix named like the decision paper", "appendices/02-ts.yaml", &[Made("appendices/02-ts.yaml", named_like_the_paper), Made(PAPER, paper_good_date)]).split(),
    fails("an appendix listed twice", PLAN, &[Replace(PLAN, "keywords:", "decision:\n  status: forslag\n  bilagor: [bilaga-taxor, bilaga-taxor]\nkeywords:")]).split(),
    // Figures: one model of a cell; no silent wrong total, no overflow, no runaway.
    fails("a sum naming a group and a row in it", TABLE, &[Replace(TABLE, "  - {id: bibliotek", "  - {id: kultur, label: Kultur, kind: group}\n  - {id: bibliotek"), Replace(TABLE, "sum: all", "sum: [kultur, bibliotek]")]),
    fails("a sum naming one row three times", TABLE, &[Replace(TABLE, "sum: all", "sum: [bibliotek, bibliotek, bibliotek]")]),
    fails("a sub-total and its own row in one sum", TABLE, &[Replace(TABLE, "sum: all}", "sum: [bibliotek, simhall]}\n  - {id: total, label: Total, kind: sum, sum: [summa, simhall]}")]),
    passes("a sum of sub-totals", &[Replace(TABLE, "sum: all}", "sum: [bibliotek, simhall]}\n  - {id: total, label: Total, kind: sum, sum: [summa, foreningsbidrag]}")]),
    fails("the same key twice in a flow map", TABLE, &[Replace(TABLE, "values: [8750, 8900]}", "values: [~, 8900], refs: {b2031: driftbudget/bibliotek, b2031: driftbudget/foreningsbidrag}}")]),
    fails("two columns with one id", TABLE, &[Replace(TABLE, "{id: b2030, title: Budget 2030", "{id: b2031, title: Budget 2030")]),
    fails("a reference with an extra part", TABLE, &[Replace(TABLE, "values: [8750, 8900]}", "values: [~, 8900], refs: {b2031: driftbudget/bibliotek/b2031/extra}}")]),
    fails("cells in a cycle", TABLE, &[Replace(TABLE, "values: [8750, 8900]}", "values: [~, 8900], refs: {b2031: driftbudget/summa}}")]),
    fails("precision beyond any Decimal", TABLE, &[Replace(TABLE, "precision: 0}", "precision: 4294967295}")]),
    fails("an amount of 16 digits", TABLE, &[Replace(TABLE, "12500", "1000000000000000")]),
    passes("the largest amounts, converted to kr in prose", &[Replace(TABLE, "unit: tkr", "unit: mdkr"), Replace(TABLE, "12500", "999999999999999"), Replace(TABLE, "8750", "999999999999999"), Replace(CHAPTER, "Planen gäller", "Summan är {{ driftbudget/summa/b2031 | kr }}. Planen gäller")]),
    fails("a budget frame with more decimals than its cell", PLAN, &[Replace(PLAN, "keywords:", "budget_frame: {amount: 20016.4, cell: driftbudget/summa/b2031}\nkeywords:")]),
    passes("a budget frame that holds", &[Replace(PLAN, "keywords:", "budget_frame: {amount: 20016, cell: driftbudget/summa/b2031}\nkeywords:")]),
    fails("a reference across units", "tables/ovrigt.yaml", &[Replace(TABLE, "unit: tkr", "unit: mnkr"), Write("tables/ovrigt.yaml", b"id: ovrigt\nunit: tkr\ncolumns: [{id: b2031, title: B, precision: 0}]\nrows:\n  - {id: x, label: X, refs: {b2031: driftbudget/summa}}\n")]),
    fails("aliases that expand a file to hundreds of megabytes", TABLE, &[Made(TABLE, alias_bomb)]),
    fails("a figure reference with an extra part", CHAPTER, &[Replace(CHAPTER, "Planen gäller", "Summan är {{ driftbudget/summa/b2031/x }}. Planen gäller")]),
    fails("two numbers of decimals in a figure reference", CHAPTER, &[Replace(CHAPTER, "Planen gäller", "Summan är {{ driftbudget/summa/b2031 | 0 | 3 }}. Planen gäller")]),
    fails("two units in a figure reference", CHAPTER, &[Replace(CHAPTER, "Planen gäller", "Summan är {{ driftbudget/summa/b2031 | tkr | mnkr }}. Planen gäller")]),
    // Figure references where they are not expanded would be printed with their braces.
    fails("a figure reference in a chapter title", CHAPTER, &[Replace(CHAPTER, "title: Inledning", "title: Inledning {{ driftbudget/summa/b2031 }}")]),
    fails("a broken figure reference in a goal", GOALS, &[Replace(GOALS, "Fler invånare besöker", "Fler invånare {{ nope/x/y }} besöker")]),
    fails("a figure reference in an indicator", GOALS, &[Replace(GOALS, "Antalet besök ska öka jämfört med föregående år.", "\"Antalet {{ driftbudget/summa/b2031 }} besök\"")]),
    fails("a figure reference in an assignment", GOALS, &[Replace(GOALS, "Förvaltningen får", "Förvaltningen {{ driftbudget/summa/b2031 }} får")]),
    fails("a figure reference in a section title", "chapters/03-budget.yaml", &[Replace("chapters/03-budget.yaml", "title: Driftbudget", "title: Driftbudget {{ driftbudget/summa/b2031 }}")]),
    fails("a figure reference in a text-table cell", CHAPTER, &[Write(CHAPTER, b"id: inledning\ntitle: Inledning\nblocks:\n  - text_table:\n      id: tt\n      columns: [A, B]\n      rows:\n        - {id: r, cells: [x, \"{{ driftbudget/summa/b2031 }}\"]}\n")]),
    fails("a figure reference in a table note", TABLE, &[Replace(TABLE, "rows:", "notes: [\"Summa {{ driftbudget/summa/b2031 }}\"]\nrows:")]),
    fails("a figure reference in a row label", TABLE, &[Replace(TABLE, "label: Simhall,", "label: \"Simhall {{ driftbudget/summa/b2031 }}\",")]),
    // Links: only web pages, e-mail and phone numbers.
    fails("a javascript: link in a decided plan", CHAPTER, &[DECIDED, Replace(CHAPTER, "Planen gäller", "Se [sidan](javascript:alert(1)). Planen gäller")]),
    fails("a JavaScript: link", CHAPTER, &[Replace(CHAPTER, "Planen gäller", "Se [sidan](JavaScript:alert(1)). Planen gäller")]),
    fails("a file: link in a text-table cell", CHAPTER, &[Write(CHAPTER, b"id: inledning\ntitle: Inledning\nblocks:\n  - text_table:\n      id: tt\n      columns: [A, B]\n      rows:\n        - {id: r, cells: [x, \"[losen](file:///etc/passwd)\"]}\n")]),
    fails("a relative link", CHAPTER, &[Replace(CHAPTER, "Planen gäller", "Se [sidan](taxor.html). Planen gäller")]),
    fails("a javascript: autolink in the decision paper", PAPER, &[Made(PAPER, paper_javascript)]).split(),
    passes("links to web pages, e-mail and phone numbers", &[DECIDED, Replace(CHAPTER, "Planen gäller", "Se [sidan](HTTPS://www.fjallby.se), <https://www.fjallby.se>, [mejl](mailto:kultur@fjallby.se), <kultur@fjallby.se> och [ring](tel:+4612345). Planen gäller")]),
    // Dates: a year from 1900 to 2999.
    fails("decision_date in year 0", PLAN, &[Replace(PLAN, "2030-12-03", "0000-01-01")]),
    fails("decision_date in the year 9999", PLAN, &[Replace(PLAN, "2030-12-03", "9999-12-31")]),
    fails("beslutsdatum in the year 1000", PLAN, &[DECIDED, Replace(PLAN, "beslutsdatum: 2030-12-03", "beslutsdatum: 1000-12-03")]),
    passes("decision_date in 1969", &[Replace(PLAN, "2030-12-03", "1969-12-31")]),
    fails("decision_date without its leading zero", PLAN, &[Replace(PLAN, "2030-12-03", "2030-12-3")]),
    fails("impossible sammantradesdatum", PLAN, &[DECIDED, Replace(PLAN, "beslutsdatum: 2030-12-03", "sammantradesdatum: 2030-02-30\n  beslutsdatum: 2030-12-03")]),
    fails("impossible beslutsdatum in February", PLAN, &[DECIDED, Replace(PLAN, "beslutsdatum: 2030-12-03", "beslutsdatum: 2030-02-30")]),
    // A byte-order mark (Windows Notepad) is not part of the YAML.
    passes("content files saved with a byte-order mark", &[Made(PLAN, plan_with_bom), Made(TABLE, table_with_bom)]),
];

fn alias_bomb() -> String {
    let text = std::fs::read_to_string(fixture(FIXTURE).join(TABLE)).unwrap();
    format!(
        "{text}notes: [&n \"{}\", {}]\n",
        "y".repeat(100_000),
        vec!["*n"; 5000].join(", ")
    )
}

const GOALS: &str = "chapters/02-mal.yaml";

fn paper_javascript() -> String {
    paper("arendebeskrivning: \"Se <javascript:alert(1)>.\"\n")
}

fn with_bom(file: &str) -> String {
    format!(
        "\u{feff}{}",
        std::fs::read_to_string(fixture(FIXTURE).join(file)).unwrap()
    )
}

fn plan_with_bom() -> String {
    with_bom(PLAN)
}

fn table_with_bom() -> String {
    with_bom(TABLE)
}

const SECTIONED_EMPTY: &str = "id: inledning\ntitle: Inledning\nblocks:\n  - text: |\n      Text.\n\n      #\n\n      Mer text.\n";

/// Applies a case's edits to a scratch copy of the fixture.
fn scratch_for(case: &Case) -> Scratch {
    let s = Scratch::of(FIXTURE);
    for edit in case.edits {
        match *edit {
            Replace(file, from, to) => s.edit(file, from, to),
            Write(file, bytes) => s.write(file, bytes),
            Made(file, make) => s.write(file, make()),
            LinkOut(file, bytes) => {
                let outside = s.dir.path().join("outside-of-content");
                std::fs::write(&outside, bytes).unwrap();
                std::os::unix::fs::symlink(&outside, s.content().join(file)).unwrap();
            }
        }
    }
    s
}

/// What one case did: a list of complaints (empty when check and build agree as they must).
fn judge(case: &Case) -> Vec<String> {
    let s = scratch_for(case);
    let mut problems = Vec::new();
    let check = s.run("check", &[]);
    let check_err = stderr(&check);
    let mut runs = vec![("build", vec![])];
    if case.split {
        runs.push(("build --split", vec!["--split"]));
    }
    if check.status.success() != case.passes {
        problems.push(format!(
            "check exited {:?}, expected the plan to {}:\n{check_err}",
            check.status.code(),
            if case.passes { "pass" } else { "fail" }
        ));
    }
    if check.status.code() == Some(101) {
        // A panic (in a debug build: a diagnostic's value path that its file does not write).
        problems.push(format!("check panicked:\n{check_err}"));
    }
    if !check.status.success() {
        // `content/FILE:LINE`
        let needle = format!("content/{}:", case.names);
        let named = check_err.match_indices(&needle).any(|(i, _)| {
            check_err[i + needle.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        });
        if !named {
            problems.push(format!("check does not name {needle}LINE:\n{check_err}"));
        }
    }
    for (what, extra) in runs {
        let out_dir = s.dir.path().join(format!("out-{}", extra.len()));
        let mut args = vec!["--output", out_dir.to_str().unwrap()];
        args.extend(extra);
        let build = s.run("build", &args);
        if build.status.success() != check.status.success() {
            problems.push(format!(
                "check exited {:?} but {what} exited {:?}:\ncheck: {check_err}\n{what}: {}",
                check.status.code(),
                build.status.code(),
                stderr(&build)
            ));
        }
        let written: Vec<_> = std::fs::read_dir(&out_dir)
            .map(|d| d.map(|e| e.unwrap().file_name()).collect())
            .unwrap_or_default();
        if !build.status.success() && !written.is_empty() {
            problems.push(format!("the failed {what} wrote {written:?}"));
        }
        for name in &written {
            if name.len() > 255 {
                problems.push(format!("{what} wrote a file name of {} bytes", name.len()));
            }
        }
    }
    problems
}

/// `build --standard ua-1` on a draft: what PDF/UA refuses is reported at the content line,
/// before Typst is asked (a warning in `check`, which judges by the plan's status).
#[test]
fn a_standard_given_to_build_is_judged_before_typst() {
    let s = Scratch::of(FIXTURE);
    s.write(
        CHAPTER,
        "id: inledning\ntitle: Inledning\nblocks:\n  - text: |\n      Text.\n\n      # Bakgrund\n",
    );
    let check = s.run("check", &[]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(
        stderr(&check).contains("warning: this Markdown heading"),
        "{}",
        stderr(&check)
    );
    let out = s.run("build", &["--standard", "ua-1", "--output", "out"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/chapters/01-inledning.yaml:7:7"),
        "{err}"
    );
    assert!(err.contains("which PDF/UA forbids"), "{err}");
    assert!(!s.dir.path().join("out").exists());
}

#[test]
fn check_fails_if_and_only_if_build_fails() {
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(4);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(case) = CASES.get(i) else { break };
                let problems = judge(case);
                if !problems.is_empty() {
                    failures.lock().unwrap().push(format!(
                        "case `{}`:\n{}",
                        case.name,
                        problems.join("\n")
                    ));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A Typst error that only the build finds (here: made by broken templates) is reported at the
/// content file and line that produced the failing part of the generated source, whether the
/// error is in the generated source itself or inside a part of the house style
/// (`templates/vplan/goals.typ`), called from there.
#[test]
fn typst_errors_name_the_content_line() {
    let s = Scratch::of(FIXTURE);
    let templates = s.dir.path().join("templates");
    copy_dir(&root().join("templates"), &templates);
    let edit = |file: &str, from: &str, to: &str| {
        let path = templates.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file}: {from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    let build = || {
        let out = vplan_timed(
            s.dir.path(),
            &["build", "--templates", "templates", "--output", "out"],
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(!s.dir.path().join("out").exists());
        stderr(&out)
    };
    // In the generated source: the assignment of chapters/02-mal.yaml, line 11.
    edit(
        "blocks.typ.j2",
        "#vp-assignment[{{ bl.item.text }}]",
        "#vp-assignment[{{ bl.item.text }}]#nope",
    );
    let err = build();
    assert!(err.contains("unknown variable: nope"), "{err}");
    assert!(err.contains("content/chapters/02-mal.yaml:11:"), "{err}");
    assert!(
        err.contains("generated by blocks.typ.j2: assignment"),
        "{err}"
    );
    // Inside the house style's goals part, called for the goal of chapters/02-mal.yaml, line 6.
    edit(
        "blocks.typ.j2",
        "#vp-assignment[{{ bl.item.text }}]#nope",
        "#vp-assignment[{{ bl.item.text }}]",
    );
    edit(
        "vplan/goals.typ",
        "#let vp-goal(label: none, body, indicators-title: [Indikatorer], indicators: ()) = {",
        "#let vp-goal(label: none, body, indicators-title: [Indikatorer], indicators: ()) = {\n  assert(false, message: \"broken goal template\")",
    );
    let err = build();
    assert!(err.contains("broken goal template"), "{err}");
    assert!(err.contains("content/chapters/02-mal.yaml:6:"), "{err}");
    // A goal inside an appendix: the call of `vp-goal` sits inside the call of `vp-appendix`;
    // the innermost call in the generated source is the one that names the content. (The
    // goals of goals.yaml, placed in chapter 4, go too, so the appendix's goal is the first.)
    s.write(
        "chapters/02-mal.yaml",
        "id: mal\ntitle: Mål och uppdrag\nblocks:\n  - text: Inga mål.\n",
    );
    s.edit("chapters/04-styrning.yaml", "  - perspectives\n", "");
    s.edit(
        "appendices/01-bilaga.yaml",
        "        - text: |",
        "        - goal: {id: bilaga-mal, text: Ett mål i bilagan.}\n        - text: |",
    );
    let err = build();
    assert!(
        err.contains("content/appendices/01-bilaga.yaml:10:"),
        "{err}"
    );
    assert!(
        err.contains("templates/vplan/goals.typ:"),
        "names the template too: {err}"
    );
}
