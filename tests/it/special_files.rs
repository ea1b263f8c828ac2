//! Files that are not files (issue 24, item 1): a device, a FIFO or a socket named as a
//! target is never replaced, and one named as a file to read is never read (no hang on a
//! FIFO, no endless read of `/dev/zero`). Every run goes through `vplan_timed`, so a
//! regression fails the test instead of hanging it.

#![cfg(unix)]

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

use crate::common::*;

fn mkfifo(path: &Path) {
    let c = CString::new(path.as_os_str().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

/// The character device 1,3 (`/dev/null`'s numbers) at `path`, or `false` where this user
/// may not make devices (not root, or a container without the right).
fn mknod_null(path: &Path) -> bool {
    let c = CString::new(path.as_os_str().as_bytes()).unwrap();
    let made = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) };
    if made != 0 {
        eprintln!(
            "note: mknod is not permitted here ({}); the device case is skipped",
            std::io::Error::last_os_error()
        );
    }
    made == 0
}

fn export_to(dir: &Path, out: &Path) -> std::process::Output {
    let content = root().join("content");
    let templates = root().join("templates");
    vplan_timed(
        dir,
        &[
            "export",
            "--content",
            content.to_str().unwrap(),
            "--templates",
            templates.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    )
}

fn assert_refused(out: &std::process::Output, path: &Path, kind: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&path.display().to_string()) && err.contains(kind),
        "the message names {} and says it is {kind}: {err}",
        path.display()
    );
}

#[test]
fn a_fifo_named_as_output_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("plan.xlsx");
    mkfifo(&fifo);
    let out = export_to(dir.path(), &fifo);
    assert_refused(&out, &fifo, "a FIFO");
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "nothing else written: {names:?}");
}

#[test]
fn a_device_named_as_output_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let dev = dir.path().join("n");
    if !mknod_null(&dev) {
        return;
    }
    let out = export_to(dir.path(), &dev);
    assert_refused(&out, &dev, "a device");
    assert!(std::fs::symlink_metadata(&dev)
        .unwrap()
        .file_type()
        .is_char_device());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_socket_named_as_output_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("s.csv");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let content = root().join("content");
    let out = vplan_timed(
        dir.path(),
        &[
            "export",
            "--content",
            content.to_str().unwrap(),
            "--format",
            "csv",
            "--out",
            sock.to_str().unwrap(),
        ],
    );
    assert_refused(&out, &sock, "a socket");
    assert!(std::fs::symlink_metadata(&sock)
        .unwrap()
        .file_type()
        .is_socket());
}

#[test]
fn textconv_of_a_fifo_or_dev_zero_returns_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("plan.yaml");
    mkfifo(&fifo);
    let out = vplan_timed(dir.path(), &["textconv", fifo.to_str().unwrap()]);
    assert_refused(&out, &fifo, "a FIFO");
    assert!(out.stdout.is_empty());
    let zero = Path::new("/dev/zero");
    let out = vplan_timed(dir.path(), &["textconv", "/dev/zero"]);
    assert_refused(&out, zero, "a device");
    // A directory too, and a regular file still converts.
    let out = vplan_timed(dir.path(), &["textconv", dir.path().to_str().unwrap()]);
    assert_refused(&out, dir.path(), "a directory");
    let plan = root().join("content/plan.yaml");
    let out = vplan_timed(dir.path(), &["textconv", plan.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn import_of_a_fifo_or_a_device_returns_at_once() {
    let s = Scratch::of("fjallkommun_2031");
    let before = std::fs::read(s.content().join("tables/driftbudget.yaml"));
    let fifo = s.dir.path().join("budget.xlsx");
    mkfifo(&fifo);
    let out = s.run(
        "import",
        &[
            fifo.to_str().unwrap(),
            "--content",
            s.content().to_str().unwrap(),
            "--table",
            "driftbudget",
        ],
    );
    assert_refused(&out, &fifo, "a FIFO");
    let out = s.run(
        "import",
        &[
            "/dev/zero",
            "--content",
            s.content().to_str().unwrap(),
            "--table",
            "driftbudget",
        ],
    );
    assert_refused(&out, Path::new("/dev/zero"), "a device");
    assert_eq!(
        std::fs::read(s.content().join("tables/driftbudget.yaml")).ok(),
        before.ok()
    );
}

#[test]
fn a_fifo_among_the_templates_is_refused_not_read() {
    let s = Scratch::of("fjallkommun_2031");
    let templates = s.dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    let fifo = templates.join("plan.typ.j2");
    mkfifo(&fifo);
    let content = s.content();
    let out = vplan_timed(
        s.dir.path(),
        &[
            "build",
            "--content",
            content.to_str().unwrap(),
            "--templates",
            templates.to_str().unwrap(),
            "--output",
            s.dir.path().join("output").to_str().unwrap(),
        ],
    );
    assert_refused(&out, &fifo, "a FIFO");
}

#[test]
fn a_content_file_that_is_a_fifo_is_an_error_at_its_name() {
    let s = Scratch::of("fjallkommun_2031");
    let chapter = s.content().join("chapters/99-fifo.yaml");
    mkfifo(&chapter);
    let out = s.run("check", &["--content", s.content().to_str().unwrap()]);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("99-fifo.yaml") && err.contains("a FIFO"),
        "{err}"
    );
}
