//! Marks in the content that a person must clear before the plan is final: a file carried
//! over from last year's plan by `vplan new-year` (with a fingerprint of its text, so that an
//! edited file counts as confirmed), a guidance text of a skeleton from `vplan init`, and a
//! `[…]` placeholder. `check` warns about each.

/// Start of the mark of a carried-over file.
pub const CARRIED: &str = "# vplan: carried over from ";

/// A 64-bit FNV-1a fingerprint of a text, as 16 hex digits.
pub fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The text of a file without its carried-over mark, and the mark's fingerprint.
pub fn split_mark(text: &str) -> Option<(String, String)> {
    let mut rest = String::with_capacity(text.len());
    let mut mark = None;
    for line in text.split_inclusive('\n') {
        match line.trim_end().strip_prefix(CARRIED) {
            Some(m) if mark.is_none() => {
                mark = m
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix("fingerprint="))
                    .map(str::to_string)
            }
            _ => rest.push_str(line),
        }
    }
    mark.map(|m| (rest, m))
}

/// Puts the carried-over mark after the schema line (or first).
pub fn mark_carried(text: &str, year: i32) -> String {
    let body = match split_mark(text) {
        Some((rest, _)) => rest,
        None => text.to_string(),
    };
    let line = format!(
        "{CARRIED}{year} fingerprint={} — check it, then delete this line to confirm\n",
        fingerprint(&body)
    );
    match body.split_once('\n') {
        Some((first, rest)) if first.starts_with("# yaml-language-server") => {
            format!("{first}\n{line}{rest}")
        }
        _ => format!("{line}{body}"),
    }
}

/// The mark of a guidance text in a skeleton plan (`vplan init`).
pub const GUIDANCE: &str = "[Vägledning]";

/// A value written as `[…]`: a placeholder waiting for the real text.
pub fn is_placeholder(s: &str) -> bool {
    let s = s.trim();
    s.len() > 2 && s.starts_with('[') && s.ends_with(']')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_round_trip() {
        let text = "# yaml-language-server: x\nid: a\n";
        let marked = mark_carried(text, 2024);
        assert!(marked.lines().nth(1).unwrap().starts_with(CARRIED));
        let (rest, fp) = split_mark(&marked).unwrap();
        assert_eq!(rest, text);
        assert_eq!(fp, fingerprint(text));
    }
}
