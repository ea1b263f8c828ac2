//! Characters the embedded fonts cannot draw. Typst prints such a character as an empty box;
//! in a PDF/A or PDF/UA document (a decided plan) it refuses to export at all. So `check`
//! finds them first, at their line and column in the content: an error when the plan is
//! built to those standards, else a warning.

use std::collections::HashMap;

use crate::content::Plan;
use crate::diag::Diagnostic;
use crate::typeset::displayable;

/// Every character of the content files' values that no embedded font has, once per file and
/// character. YAML comments are skipped (they are never printed).
pub fn check(plan: &Plan, strict: bool) -> Vec<Diagnostic> {
    let mut known: HashMap<char, bool> = HashMap::new();
    let mut diags = Vec::new();
    let mut files: Vec<_> = plan.spans.keys().collect();
    files.sort();
    for file in files {
        let Some(text) = plan.source(file) else {
            continue;
        };
        let mut seen = Vec::new();
        for (i, line) in text.lines().enumerate() {
            for (col, c) in printed_part(line).chars().enumerate() {
                let ok = *known.entry(c).or_insert_with(|| displayable(c));
                if ok || seen.contains(&c) {
                    continue;
                }
                seen.push(c);
                let message = format!(
                    "the character `{c}` (U+{:04X}) is in none of the embedded fonts",
                    c as u32
                );
                let d = if strict {
                    Diagnostic::error(file, message).with_hint(
                        "a decided plan is built as PDF/A and PDF/UA, which cannot hold a character without a glyph: remove it or write it in words",
                    )
                } else {
                    Diagnostic::warning(file, message)
                        .with_hint("it prints as an empty box: remove it or write it in words")
                };
                diags.push(d.at(i + 1, col + 1));
            }
        }
    }
    diags
}

/// A line without its YAML comment: from a `#` at the start or after a space, outside quotes.
fn printed_part(line: &str) -> &str {
    let (mut single, mut double) = (false, false);
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single && prev != '\\' => double = !double,
            '#' if !single && !double && prev.is_whitespace() => return &line[..i],
            _ => {}
        }
        prev = c;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_not_printed() {
        assert_eq!(printed_part("# 🦀"), "");
        assert_eq!(printed_part("a: b # 🦀"), "a: b ");
        assert_eq!(printed_part("a: \"b # c\" # d"), "a: \"b # c\" ");
        assert_eq!(printed_part("a: Nämnd#1"), "a: Nämnd#1");
    }

    #[test]
    fn fonts_cover_swedish_but_not_crabs() {
        for c in "åäöÅÄÖé–—−…„”’€§■‣ ".chars() {
            assert!(displayable(c), "{c}");
        }
        assert!(!displayable('🦀'));
        assert!(displayable('\u{202e}'));
    }
}
