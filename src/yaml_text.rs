//! Text that vplan writes into YAML files (`vplan init`, `vplan new-year`): every value that
//! comes from a user is written as a double-quoted YAML scalar by [`quote`], never pasted, so
//! any name (a `#`, a colon, quotes, a leading `-` or `*`, `yes`, `~`, `12`, a newline, …)
//! loads back as exactly the same string. Text that lands in Markdown prose goes through
//! [`markdown_literal`] first, so it is shown as typed and never read as markup or as a figure
//! reference.
//!
//! [`row_list`] finds a row's one-line list (`values: [...]`, `control: [...]`) in a table
//! file's text, for the commands that rewrite amounts in place (`vplan import`, `vplan new-year`).

use std::path::Path;

use crate::error::{Context, Result};

use crate::diag::Pos;

/// A double-quoted YAML scalar holding `text` exactly (YAML 1.1 and 1.2 escapes only, so
/// both `serde_yaml` and `saphyr` read it back).
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if printable(c) => out.push(c),
            c if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02X}", c as u32)),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// YAML's printable characters, less the byte-order mark (which a parser may drop).
fn printable(c: char) -> bool {
    matches!(c as u32,
        0x20..=0x7e | 0xa0..=0xd7ff | 0xe000..=0xfefe | 0xff00..=0xfffd | 0x1_0000..=0x10_ffff)
}

/// `text` as Markdown that shows it literally on one line: every ASCII punctuation character
/// is escaped with a backslash (CommonMark), which also keeps `{{` from being read as a figure
/// reference; line breaks and tabs become spaces.
pub fn markdown_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '\n' | '\r' | '\t' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The byte range of row `r`'s `key: [...]` list (`values`, `control`) in a table's YAML text,
/// and its items as typed. `at` is the list's position (`Plan::pos` of `rows.{r}.{key}`).
pub fn row_list<'t>(
    at: Option<Pos>,
    file: &Path,
    text: &'t str,
    r: usize,
    key: &str,
) -> Result<((usize, usize), Vec<&'t str>)> {
    let span = locate_list(at, text).with_context(|| {
        format!(
            "{}: the {key} of row {} are not written as `{key}: [...]` on one line",
            file.display(),
            r + 1
        )
    })?;
    let tokens = text[span.0 + 1..span.1 - 1]
        .split(',')
        .map(str::trim)
        .collect();
    Ok((span, tokens))
}

/// Byte range of the one-line flow list `[...]` at `pos` of a content file's YAML text.
pub fn locate_list(pos: Option<Pos>, text: &str) -> Option<(usize, usize)> {
    let pos = pos?;
    let line_start: usize = text
        .split_inclusive('\n')
        .take(pos.line - 1)
        .map(str::len)
        .sum();
    let line = text[line_start..].lines().next()?;
    let from = line
        .char_indices()
        .nth(pos.column - 1)
        .map(|(i, _)| i)
        .unwrap_or(line.len());
    let open = line[from..].find('[')? + from;
    let close = line[open..].find(']')? + open;
    Some((line_start + open, line_start + close + 1))
}

/// The byte offsets of the `{` and `}` of a sequence entry written as a one-line flow map,
/// `- {id: a, utfall: 5}  # comment`, on line `line` (1-based) of `text`; `None` when the line
/// is anything else (the map goes on over more lines, or the line has more after it).
pub fn flow_map_line(text: &str, line: usize) -> Option<(usize, usize)> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let l = text[start..].lines().next()?;
    let body = l.trim_start_matches(' ');
    let rest = body.strip_prefix('-')?.trim_start_matches(' ');
    if !rest.starts_with('{') {
        return None;
    }
    let open = start + (l.len() - rest.len());
    let close = open + flow_end(&text[open..start + l.len()])?;
    let after = text[close + 1..start + l.len()].trim();
    (after.is_empty() || after.starts_with('#')).then_some((open, close))
}

/// The offset of the `}` or `]` that closes the flow collection `s` starts with, quotes
/// respected; `None` when it is not closed in `s`.
fn flow_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some(q) if c == q => {
                // `''` inside a single-quoted scalar is a quote.
                if q == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                    chars.next();
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None => match c {
                '"' | '\'' => quote = Some(c),
                '{' | '[' => depth += 1,
                '}' | ']' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                '#' if i > 0 && s[..i].ends_with([' ', '\t']) => return None,
                _ => {}
            },
        }
    }
    None
}

/// The byte range of the plain scalar at `pos` inside a one-line flow map (up to the next `,`
/// or `}`, trailing spaces excluded); `None` for a quoted or nested value.
pub fn flow_map_value(pos: Pos, text: &str) -> Option<(usize, usize)> {
    let start: usize = text
        .split_inclusive('\n')
        .take(pos.line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let l = text[start..].lines().next()?;
    let from = l.char_indices().nth(pos.column.checked_sub(1)?)?.0;
    let rest = &l[from..];
    if rest.starts_with(['"', '\'', '{', '[']) {
        return None;
    }
    let len = rest.find([',', '}'])?;
    let value = rest[..len].trim_end();
    (!value.is_empty()).then_some((start + from, start + from + value.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &[&str] = &[
        "Nämnd #1",
        "Nämnd: Bygg",
        "\"Citat\"",
        "a\nb",
        "- lista",
        "*stjärna",
        "&ankare",
        "!tagg",
        "%direktiv",
        "@snabel",
        "`bakfnutt`",
        "yes",
        "no",
        "~",
        "null",
        "12",
        "0x1F",
        "1e3",
        ".inf",
        "{{ x/y/z }}",
        "[Vägledning]",
        "{a: b}",
        "back\\slash",
        " lead and trail ",
        "tab\there",
        "cr\r\nlf",
        "nel\u{85}ls\u{2028}ps\u{2029}",
        "nbsp\u{a0}x",
        "bom\u{feff}x",
        "bell\u{7}del\u{7f}c1\u{9b}",
        "nul\0x",
        "\u{fffe}\u{ffff}",
        "emoji 👩‍👩‍👧 ℵ",
        "",
        "'",
        "---",
        "...",
        "? q",
        "| block",
        "> fold",
    ];

    fn back_serde(scalar: &str) -> String {
        let doc = format!("k: {scalar}\n");
        let map: std::collections::BTreeMap<String, String> =
            serde_yaml::from_str(&doc).unwrap_or_else(|e| panic!("{doc:?}: {e}"));
        map["k"].clone()
    }

    fn back_saphyr(scalar: &str) -> String {
        use saphyr_parser::{Event, Parser};
        let doc = format!("k: {scalar}\n");
        let mut scalars = Vec::new();
        for event in Parser::new_from_str(&doc) {
            let (event, _) = event.unwrap_or_else(|e| panic!("{doc:?}: {e}"));
            if let Event::Scalar(value, ..) = event {
                scalars.push(value.to_string());
            }
        }
        scalars.pop().unwrap()
    }

    #[test]
    fn hostile_names_round_trip() {
        for name in HOSTILE {
            let q = quote(name);
            assert!(!q.contains('\n'), "one line: {q:?}");
            assert_eq!(back_serde(&q), *name, "serde_yaml, {q}");
            assert_eq!(back_saphyr(&q), *name, "saphyr, {q}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_round_trips(name in "\\PC*|[\\x00-\\x{ff}\\u{2028}\\u{feff}\\u{fffe}]*") {
            let q = quote(&name);
            proptest::prop_assert_eq!(back_serde(&q), name.clone());
            proptest::prop_assert_eq!(back_saphyr(&q), name);
        }
    }

    #[test]
    fn markdown_literal_escapes_markup_and_references() {
        assert_eq!(markdown_literal("*a* {{ x }}"), "\\*a\\* \\{\\{ x \\}\\}");
        assert_eq!(markdown_literal("a\nb"), "a b");
        assert!(crate::figures::refs::find(&markdown_literal("{{ t/r/c }}")).is_empty());
    }

    #[test]
    fn a_one_line_flow_map_and_its_values_are_found_quotes_respected() {
        let text =
            "rows:\n  - {id: a, utfall: 5 , k: \"x, }\"}  # c\n  - {id: b,\n     utfall: 1}\n";
        let (open, close) = flow_map_line(text, 2).unwrap();
        assert_eq!(&text[open..=close], "{id: a, utfall: 5 , k: \"x, }\"}");
        assert_eq!(flow_map_line(text, 3), None, "a map over two lines");
        assert_eq!(flow_map_line(text, 1), None);
        let (s, e) = flow_map_value(
            Pos {
                line: 2,
                column: 21,
            },
            text,
        )
        .unwrap();
        assert_eq!(&text[s..e], "5");
        assert_eq!(
            flow_map_value(
                Pos {
                    line: 2,
                    column: 28
                },
                text
            ),
            None
        );
    }
}
