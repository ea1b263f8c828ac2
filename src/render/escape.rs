//! The one place where user text becomes Typst source.
//!
//! Text is data, never code: in markup every character that could start Typst syntax is
//! backslash-escaped (Typst treats `\` followed by any non-space character as that character),
//! so `#read("/etc/passwd")` prints those characters and evaluates nothing.

/// Characters that can start markup syntax and are always escaped.
const MARKUP_SPECIALS: &[char] = &[
    '\\', '#', '$', '*', '_', '`', '<', '>', '@', '=', '-', '+', '/', '[', ']', '~', '"', '\'',
    '{', '}',
];

/// Escapes text for Typst markup. Runs of whitespace (including line breaks) become one space,
/// so a text can never open a new paragraph, list item or heading; other control characters
/// are dropped.
///
/// Besides [`MARKUP_SPECIALS`], a `.` is escaped after a digit (`1.` would open a numbered
/// list) and next to another `.` (`...` is an ellipsis shorthand). Characters such as `(` or
/// `.` could continue a function call placed right before the text; the templates and the
/// Markdown converter therefore end every inline call with `;`.
pub fn escape_markup(text: &str) -> String {
    escape_marked(text, &mut Mark::None)
}

/// Redline marks: private-use characters that `vplan build --redline` puts around inserted
/// and deleted words. [`escape_marked`] turns each marked stretch into `#vp-ins[…];` or
/// `#vp-del[…];` (whose text is escaped like any other), so they print as underlined or struck
/// words; they never carry code. Content cannot hold them: `check` refuses every private-use
/// character at its column (`check::prose::invisible`), so only the redline puts them in.
pub const INS_OPEN: char = '\u{E000}';
pub const INS_CLOSE: char = '\u{E001}';
pub const DEL_OPEN: char = '\u{E002}';
pub const DEL_CLOSE: char = '\u{E003}';

/// Inside an inserted or deleted stretch, across the text pieces of one Markdown text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mark {
    #[default]
    None,
    Ins,
    Del,
}

impl Mark {
    pub(super) fn open(self) -> &'static str {
        match self {
            Mark::None => "",
            Mark::Ins => "#vp-ins[",
            Mark::Del => "#vp-del[",
        }
    }
}

/// [`escape_markup`] for one piece of a text whose marked stretch may have begun in an
/// earlier piece (`mark` carries the state); every piece closes what it opened, so the Typst
/// source stays well-formed whatever the nesting of the Markdown around it.
pub fn escape_marked(text: &str, mark: &mut Mark) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    out.push_str(mark.open());
    let mut in_space = false;
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        if is_collapsible_space(ch) {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
            prev = Some(' ');
            continue;
        }
        if ch.is_control() {
            continue;
        }
        let next = match ch {
            INS_OPEN => Some(Mark::Ins),
            DEL_OPEN => Some(Mark::Del),
            INS_CLOSE | DEL_CLOSE => Some(Mark::None),
            _ => None,
        };
        if let Some(next) = next {
            if *mark != Mark::None {
                out.push_str("];");
            }
            out.push_str(next.open());
            *mark = next;
            continue;
        }
        in_space = false;
        let escape = MARKUP_SPECIALS.contains(&ch)
            || (ch == '.'
                && (prev.is_some_and(|p| p.is_ascii_digit() || p == '.')
                    || chars.peek() == Some(&'.')));
        if escape {
            out.push('\\');
        }
        out.push(ch);
        prev = Some(ch);
    }
    if *mark != Mark::None {
        out.push_str("];");
    }
    out
}

/// Whitespace that separates words (no-break and thin spaces are kept as they are).
fn is_collapsible_space(ch: char) -> bool {
    ch.is_whitespace() && !matches!(ch, '\u{00A0}' | '\u{202F}' | '\u{2009}' | '\u{2007}')
}

/// A Typst string literal (with quotes) holding `text` exactly.
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_syntax_characters() {
        assert_eq!(escape_markup("#read(\"x\")"), "\\#read(\\\"x\\\")");
        assert_eq!(escape_markup("1. a... b."), "1\\. a\\.\\.\\. b.");
        assert_eq!(escape_markup("a_b*c"), "a\\_b\\*c");
        assert_eq!(escape_markup("Åäö 12"), "Åäö 12");
    }

    #[test]
    fn line_breaks_become_spaces() {
        assert_eq!(escape_markup("a\n\n= b"), "a \\= b");
    }

    #[test]
    fn string_literals() {
        assert_eq!(string_literal("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
    }
}
