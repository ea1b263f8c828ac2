//! Bad input never breaks vplan: every case gives a clear error naming the file, exit 1 or 2,
//! and no panic, hang or unbounded allocation (`vplan_timed` fails the test on a panic, on an
//! exit code outside 0–2 and after 60 s).

mod common;

use common::*;

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
    fails_with("plan.yaml", "", &["missing field `organisation`"]);
    fails_with(CHAPTER, "", &["missing field `id`"]);
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
    fails_with(CHAPTER, lines.join("\n"), &["error"]);

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
    fails_with(CHAPTER, doc, &["unknown field `extra`"]);
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
    fails_with(
        TABLE,
        table_with_amount("0x1F"),
        &["`0x1F` is not an amount"],
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
