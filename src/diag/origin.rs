//! Source markers: the generated Typst source carries, before each piece of content, a comment
//! naming the content file and the value's path, so that an error Typst reports in the
//! generated source can be traced back to the YAML line it came from. `render` writes them,
//! `typeset` reads them.

use std::path::Path;

/// Prefix of the source markers in the generated Typst source.
pub const ORIGIN_MARKER: &str = "// @content ";

/// A source marker: the path of a value in a content file and the file (relative to the
/// content directory `root`, so that the generated source does not depend on where the plan
/// is), as `PATH FILE` with the file percent-encoded (only `A-Z a-z 0-9 . _ / -` stay as they
/// are), so that no file name can end the Typst comment the templates print it in or add to it.
pub fn origin(root: &Path, file: &Path, path: &str) -> String {
    let file = file.strip_prefix(root).unwrap_or(file);
    let mut out = String::with_capacity(path.len() + 64);
    out.push_str(if path.is_empty() { "." } else { path });
    out.push(' ');
    for b in file.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reads a source marker (the text after [`ORIGIN_MARKER`]): the file and the value's path.
pub fn parse_origin(marker: &str) -> Option<(std::path::PathBuf, String)> {
    let (path, file) = marker.trim().split_once(' ')?;
    let mut bytes = Vec::with_capacity(file.len());
    let mut it = file.bytes();
    while let Some(b) = it.next() {
        if b == b'%' {
            let hex = [it.next()?, it.next()?];
            bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    let path = if path == "." { "" } else { path };
    Some((String::from_utf8(bytes).ok()?.into(), path.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_round_trip_and_stay_on_their_line() {
        let file = Path::new("content/chapters/01 a\nb\u{2028}%ä.yaml");
        let marker = origin(
            Path::new("/x/content"),
            &Path::new("/x/content").join(file),
            "blocks.3.text",
        );
        assert!(
            marker.chars().all(|c| c.is_ascii_graphic() || c == ' '),
            "{marker}"
        );
        assert_eq!(
            parse_origin(&marker),
            Some((file.to_path_buf(), "blocks.3.text".to_string()))
        );
        assert_eq!(
            parse_origin(&origin(Path::new(""), Path::new("plan.yaml"), "")),
            Some(("plan.yaml".into(), String::new()))
        );
    }
}
