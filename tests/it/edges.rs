//! Numbers, environment and leftovers at their edges (issue 24, item 7): a plan `year` is
//! bounded like dates, `new-year` never writes a year out of bounds, a `SOURCE_DATE_EPOCH`
//! that is no timestamp is a usage error naming it (the library is given the date, it reads no
//! environment), and temporary files of killed runs are removed from the content directory by
//! the next run that writes there.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use crate::common::*;

/// Every file under a directory with its bytes, in path order; the lock file that a command
/// writing into content takes (`.vplan.lock`, empty, ignored by the loader and git) aside.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file() && e.file_name() != ".vplan.lock")
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

#[test]
fn a_year_near_the_integer_limit_is_an_error_at_its_line() {
    let s = Scratch::of("fjallkommun_2031");
    s.edit("plan.yaml", "year: 2031", "year: 2147483647");
    let content = s.content();
    let out = s.run("check", &["--content", content.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("plan.yaml:3:7") && err.contains("year: 2147483647 is not a plan year"),
        "{err}"
    );
    // `build` refuses it as `check` does, and new-year cannot wrap it round.
    let before = files(&content);
    let out = vplan(
        s.dir.path(),
        &[
            "new-year",
            "--content",
            content.to_str().unwrap(),
            "--",
            "-2147483648",
        ],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("plan.yaml:3:7"), "{err}");
    assert_eq!(files(&content), before, "nothing written");
    for year in ["1899", "3000"] {
        s.edit("plan.yaml", "year: 2147483647", &format!("year: {year}"));
        let out = s.run("check", &["--content", content.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{year}: {}", stderr(&out));
        s.edit("plan.yaml", &format!("year: {year}"), "year: 2147483647");
    }
}

#[test]
fn new_year_never_writes_a_year_out_of_bounds() {
    let s = Scratch::of("fjallkommun_2031");
    s.edit("plan.yaml", "year: 2031", "year: 2999");
    let content = s.content();
    let before = files(&content);
    let out = vplan(
        s.dir.path(),
        &["new-year", "3000", "--content", content.to_str().unwrap()],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("new-year 3000") && err.contains("2999"),
        "{err}"
    );
    assert_eq!(files(&content), before, "nothing written");
    let to = s.dir.path().join("next");
    let out = vplan(
        s.dir.path(),
        &[
            "new-year",
            "3000",
            "--content",
            content.to_str().unwrap(),
            "--to",
            to.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!to.exists());
}

fn with_epoch(dir: &Path, epoch: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vplan"))
        .current_dir(dir)
        .args(args)
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .expect("the vplan binary runs")
}

#[test]
fn a_source_date_epoch_that_is_no_timestamp_is_a_usage_error_naming_it() {
    let s = Scratch::of("fjallkommun_2031");
    let content = s.content();
    let output = s.dir.path().join("output");
    let templates = root().join("templates");
    let build = [
        "build",
        "--content",
        content.to_str().unwrap(),
        "--templates",
        templates.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ];
    for epoch in [
        "soon",
        "",
        "1.5e9",
        "-86400",
        "99999999999999",
        "32503680000",
    ] {
        for args in [
            &build[..],
            &["check", "--content", content.to_str().unwrap()][..],
        ] {
            let out = with_epoch(s.dir.path(), epoch, args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{epoch:?} {args:?}: {err}");
            assert!(
                err.contains("SOURCE_DATE_EPOCH") && !err.contains("decision_date"),
                "{epoch:?}: {err}"
            );
        }
        assert!(!output.join("").exists() || pdfs_in(&output).is_empty());
    }
    // The last second of 2999 is a date; so is today's.
    let out = with_epoch(s.dir.path(), "32503679999", &build);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// A temporary file (or directory) of a killed run: its pid is gone (4294967295 is above
/// any pid_max) and it is two minutes old.
fn plant_stale(dir: &Path, name: &str, is_dir: bool) -> PathBuf {
    let path = dir.join(format!(".vplan-tmp-4294967295-{name}.tmp"));
    if is_dir {
        std::fs::create_dir_all(path.join("content")).unwrap();
        std::fs::write(path.join("content/plan.yaml"), "year: 2031\n").unwrap();
    } else {
        std::fs::write(&path, "half a file").unwrap();
    }
    let old = SystemTime::now() - Duration::from_secs(120);
    let f = std::fs::File::open(&path).unwrap();
    f.set_modified(old).unwrap();
    path
}

#[test]
fn report_init_removes_what_killed_runs_left_in_the_content_directory() {
    if !Path::new("/proc/self").exists() {
        return; // without /proc a dead pid is not known; only age (ten minutes) tells
    }
    let s = Scratch::of("fjallkommun_2031");
    let content = s.content();
    let stale = [
        plant_stale(&content, "top", false),
        plant_stale(&content.join("tables"), "table", false),
        plant_stale(&content, "dir", true),
    ];
    let out = vplan(
        s.dir.path(),
        &[
            "report",
            "init",
            "2031-t1",
            "--kind",
            "tertial",
            "--content",
            content.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for f in &stale {
        assert!(!f.exists(), "{} is left", f.display());
    }
}

#[test]
fn new_year_in_place_and_init_remove_what_killed_runs_left() {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let s = Scratch::of("fjallkommun_2031");
    let content = s.content();
    let stale = plant_stale(&content.join("chapters"), "chapter", false);
    let out = vplan(
        s.dir.path(),
        &["new-year", "2032", "--content", content.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stale.exists());
    // `init` killed while it filled an existing empty directory: the next `init` there
    // goes ahead (the directory holds only the leftover) and removes it.
    let project = s.dir.path().join("ny");
    std::fs::create_dir(&project).unwrap();
    let stale = plant_stale(&project, "init", true);
    let out = vplan(s.dir.path(), &["init", project.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stale.exists());
    // and `init` of a new directory, killed, left a sibling.
    let sibling = plant_stale(s.dir.path(), "sibling", true);
    let out = vplan(
        s.dir.path(),
        &["init", s.dir.path().join("ny2").to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!sibling.exists());
}

/// `xlsx` with one text replaced in one of its XML parts.
fn edit_xml(xlsx: &[u8], part: &str, from: &str, to: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name == part {
            let text = String::from_utf8(bytes).unwrap();
            assert!(text.contains(from), "{part} has no {from:?}");
            bytes = text.replace(from, to).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn import_into_a_report_removes_what_killed_runs_left_in_the_content_directory() {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let s = Scratch::of("fjallkommun_2031");
    crate::common::copy_dir(&fixture("fjallkommun_2031_reports"), &s.content());
    let content = s.content();
    let file = s.dir.path().join("t1.xlsx");
    let out = s.run(
        "export",
        &["-q", "--report", "2031-t1", "--out", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Bibliotek's outcome 4 300 → 4 410 in the sheet (sheet1 is driftbudget).
    let edited = edit_xml(
        &std::fs::read(&file).unwrap(),
        "xl/worksheets/sheet1.xml",
        "<c r=\"E3\" s=\"3\"><v>4300</v></c>",
        "<c r=\"E3\" s=\"3\"><v>4410</v></c>",
    );
    std::fs::write(&file, edited).unwrap();
    let stale = [
        plant_stale(&content, "top", false),
        plant_stale(&content.join("tables"), "table", false),
    ];
    let out = s.run(
        "import",
        &[
            file.to_str().unwrap(),
            "--report",
            "2031-t1",
            "--table",
            "driftbudget",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("changed"), "{}", stderr(&out));
    for f in &stale {
        assert!(!f.exists(), "{} is left", f.display());
    }
}

/// The library is given the PDF's date (the command line reads `SOURCE_DATE_EPOCH`, the
/// library no environment): a build in process is dated by its typesetter, else by the plan's
/// decision date, whatever the test's environment holds.
#[test]
fn the_pdf_date_is_given_to_the_library() {
    use std::ffi::OsStr;
    let err = vplan::pipeline::source_date(OsStr::new("soon")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("SOURCE_DATE_EPOCH=\"soon\" is not a timestamp"),
        "{err}"
    );
    let date = vplan::pipeline::source_date(OsStr::new("1700000000")).unwrap();
    let created = |date| {
        let out = tempfile::tempdir().unwrap();
        let templates = vplan::render::Templates::built_in();
        let mut ts = vplan::pipeline::Typesetter::new(&templates)
            .unwrap()
            .with_source_date(date);
        let options = vplan::pipeline::build::BuildOptions::new(out.path());
        let content = fixture("fjallkommun_2031");
        let built =
            vplan::pipeline::build::build(&content, &options, &mut ts, &vplan::progress::Silent)
                .unwrap();
        let doc = lopdf::Document::load(&built.written[0]).unwrap();
        let xmp = xmp(&doc);
        let at = xmp.find("<xmp:CreateDate>").expect("a creation date") + 16;
        xmp[at..at + 10].to_string()
    };
    assert_eq!(created(Some(date)), "2023-11-14");
    assert_eq!(created(None), "2030-12-03", "the decision date");
}
