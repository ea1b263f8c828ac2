//! Opening a file or an address in the program the system has for it (`watch --open`'s PDF,
//! `preview --open`'s page). Imports nothing of vplan's: the callers say what happened.

use std::ffi::OsStr;

/// Opens `target` (a file or a URL) with the system's program for it, without waiting.
pub fn open(target: &OsStr) -> std::io::Result<()> {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(target).spawn().map(drop)
}
