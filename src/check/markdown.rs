//! One Markdown text inspected on its own: the nesting, links and images no template can lay
//! out, and the Markdown the templates do not print as written ([`inspect`]); its headings
//! ([`md_headings`]). `prose` applies these to every text of the plan and judges headings per
//! document.
//!
//! The Markdown of prose is [`MARKDOWN`]: CommonMark with tables and task lists. Everything
//! it has is printed (`render::markdown`) except images and raw HTML, which are errors here.
//! Syntax of other Markdown dialects that the parser would print as written is found with a
//! second parse that knows it ([`DIALECTS`]): strikethrough and footnotes are errors, since
//! their marks would be printed, and so is a table row with more cells than its header (the
//! parser drops the extra cells). What prints, but not as the writer may think, is a warning:
//! an indented code block (text indented four spaces), an unmatched backtick, and a Markdown
//! table holding amounts (nothing sums or checks them; they belong in `tables/`).

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::content::MARKDOWN;

/// Markdown of other dialects, parsed only to be reported: `~~strikethrough~~` and footnotes
/// (`[^1]` with its `[^1]: note`).
const DIALECTS: Options = MARKDOWN
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_FOOTNOTES);

/// Deepest nesting of lists and block quotes in one prose text, a block quote counting as two
/// levels: lists nest at most 12 levels, quotes at most 6. Measured with typst 0.15.1 and
/// these templates: lists nested 30 levels deep build and 35 fail, block quotes 14 build and
/// 16 fail ("maximum show rule depth exceeded", reported inside `templates/`). The limit is
/// far below that and far beyond what a plan needs (two or three levels).
pub const MAX_NESTING: usize = 12;

/// Deepest nesting of inline markup (`*`, `**`, `~~`, links) in one prose text.
pub const MAX_INLINE_NESTING: usize = 12;

/// Longest link target accepted, in bytes.
pub const MAX_URL_BYTES: usize = 2000;

/// A problem in one prose text, at a byte offset of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub offset: usize,
    pub message: String,
    pub hint: &'static str,
    /// A warning (the text prints, though not as its writer may expect), not an error.
    pub warning: bool,
}

/// The problems of one Markdown text that no template can lay out (headings are judged in
/// their document by [`super::prose::headings`]).
pub fn inspect(markdown: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut blocks = 0usize;
    let mut inline = 0usize;
    let mut too_deep = false;
    for (event, range) in Parser::new_ext(markdown, MARKDOWN).into_offset_iter() {
        match event {
            Event::Start(tag @ (Tag::List(_) | Tag::BlockQuote(_))) => {
                blocks += if matches!(tag, Tag::BlockQuote(_)) {
                    2
                } else {
                    1
                };
                if blocks > MAX_NESTING && !too_deep {
                    too_deep = true;
                    out.push(Finding {
                        offset: range.start,
                        message: format!(
                            "lists and block quotes are nested too deep (at most {MAX_NESTING} levels of lists, {} of quotes)",
                            MAX_NESTING / 2
                        ),
                        hint: "flatten the list: a plan's lists need two or three levels",
                        warning: false,
                    });
                }
            }
            Event::End(TagEnd::List(_)) => blocks -= 1,
            Event::End(TagEnd::BlockQuote(_)) => blocks -= 2,
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. }) => {
                inline += 1;
                if inline > MAX_INLINE_NESTING && !too_deep {
                    too_deep = true;
                    out.push(Finding {
                        offset: range.start,
                        message: format!(
                            "emphasis and links are nested more than {MAX_INLINE_NESTING} levels deep"
                        ),
                        hint: "remove the extra `*`, `_` or `[`",
                        warning: false,
                    });
                }
            }
            Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
            ) => inline -= 1,
            _ => {}
        }
    }
    out.extend(links_and_images(markdown));
    out.extend(unprinted(markdown));
    out.sort_by_key(|f| f.offset);
    out
}

/// Markdown that is not printed as written: table rows wider than their header, raw HTML,
/// strikethrough and footnotes (errors);
/// indented code blocks, unmatched backticks and tables of amounts (warnings). Each kind is
/// reported once per text, at its first occurrence, with the number of occurrences.
fn unprinted(markdown: &str) -> Vec<Finding> {
    let mut scan = Scan::default();
    for (event, range) in Parser::new_ext(markdown, DIALECTS).into_offset_iter() {
        scan.event(markdown, event, range);
    }
    findings(scan.seen)
}

/// What [`unprinted`] has seen so far in a text, and where it is in a table.
#[derive(Default)]
struct Scan {
    /// (first offset, occurrences, what) per kind, in the order of `KINDS`.
    seen: [Option<(usize, usize, String)>; KINDS.len()],
    /// The offset and text of the body cell being read.
    cell: Option<(usize, String)>,
    in_head: bool,
    table_reported: bool,
    columns: usize,
}

impl Scan {
    /// Counts an occurrence of `kind`, remembering the first one's offset and `what`.
    fn note(&mut self, kind: Kind, offset: usize, what: String) {
        let slot = &mut self.seen[kind as usize];
        match slot {
            Some((_, n, _)) => *n += 1,
            None => *slot = Some((offset, 1, what)),
        }
    }

    /// Notes what one event of the text at `range` of `markdown` holds.
    fn event(&mut self, markdown: &str, event: Event, range: std::ops::Range<usize>) {
        let source = &markdown[range.clone()];
        match event {
            Event::Start(Tag::HtmlBlock) => self.note(Kind::Html, range.start, html_what(source)),
            Event::InlineHtml(html) => self.note(Kind::Html, range.start, html_what(&html)),
            Event::Start(Tag::Strikethrough) if source.starts_with("~~") => {
                self.note(Kind::Strike, range.start, String::new())
            }
            Event::Start(Tag::FootnoteDefinition(_)) | Event::FootnoteReference(_) => {
                self.note(Kind::Footnote, range.start, String::new())
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => {
                self.note(Kind::Indented, range.start, String::new())
            }
            Event::Text(text) if text.contains('`') && source.contains('`') => {
                // An escaped backtick (`\``) is a text event of its own, after the backslash.
                let at = range.start + source.find('`').unwrap_or(0);
                let backslashes = markdown[..at].chars().rev().take_while(|&c| c == '\\');
                if backslashes.count() % 2 == 0 {
                    self.note(Kind::Backtick, at, String::new());
                }
                if let Some((_, t)) = self.cell.as_mut() {
                    t.push_str(&text);
                }
            }
            Event::Start(Tag::Table(alignments)) => {
                self.table_reported = false;
                self.columns = alignments.len();
            }
            Event::Start(Tag::TableRow) => {
                let cells = row_cells(source);
                let columns = self.columns;
                if cells > columns {
                    self.note(
                        Kind::Cells,
                        range.start,
                        format!("{cells} cells in a table of {columns} columns"),
                    );
                }
            }
            Event::Start(Tag::TableHead) => self.in_head = true,
            Event::End(TagEnd::TableHead) => self.in_head = false,
            Event::Start(Tag::TableCell) if !self.in_head => {
                let blank = source.len() - source.trim_start().len();
                self.cell = Some((range.start + blank, String::new()));
            }
            Event::Text(text) => {
                if let Some((_, t)) = self.cell.as_mut() {
                    t.push_str(&text);
                }
            }
            Event::End(TagEnd::TableCell) => self.cell_end(),
            _ => {}
        }
    }

    /// The end of a body cell: the first cell of a table that looks like an amount is noted.
    fn cell_end(&mut self) {
        if let Some((at, text)) = self.cell.take() {
            if !self.table_reported && looks_like_amount(&text) {
                self.table_reported = true;
                self.note(Kind::Amounts, at, text.trim().to_string());
            }
        }
    }
}

/// A finding per kind seen, in the order of `KINDS`, with the number of its occurrences.
fn findings(seen: [Option<(usize, usize, String)>; KINDS.len()]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (kind, slot) in KINDS.iter().zip(seen) {
        let Some((offset, n, what)) = slot else {
            continue;
        };
        let (mut message, hint, warning) = kind.describe(&what);
        if n > 1 {
            message.push_str(&format!(
                " ({n} {} in this text)",
                if *kind == Kind::Amounts {
                    "tables"
                } else {
                    "times"
                }
            ));
        }
        out.push(Finding {
            offset,
            message,
            hint,
            warning,
        });
    }
    out
}

/// The cells a table row of the source has: its unescaped `|` separate them (in code spans
/// too, as in GitHub's tables), a leading and a trailing one excepted.
fn row_cells(row: &str) -> usize {
    let row = row.trim();
    let mut pipes = Vec::new();
    let mut escaped = false;
    for (i, c) in row.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => pipes.push(i),
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    let mut cells = pipes.len() + 1;
    if pipes.first() == Some(&0) {
        cells -= 1;
    }
    if pipes.last().is_some_and(|&i| i + 1 == row.len()) && row.len() > 1 {
        cells -= 1;
    }
    cells
}

/// What an HTML element is, for its message: a comment, or its first tag.
fn html_what(html: &str) -> String {
    let html = html.trim_start();
    if html.starts_with("<!--") {
        return "an HTML comment (`<!-- … -->`)".into();
    }
    let tag: String = html.chars().take_while(|c| *c != '>').take(40).collect();
    format!("HTML (`{tag}>`)")
}

/// Kinds of Markdown that [`unprinted`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Cells,
    Html,
    Strike,
    Footnote,
    Indented,
    Backtick,
    Amounts,
}

const KINDS: [Kind; 7] = [
    Kind::Cells,
    Kind::Html,
    Kind::Strike,
    Kind::Footnote,
    Kind::Indented,
    Kind::Backtick,
    Kind::Amounts,
];

impl Kind {
    /// Message, hint and whether it is only a warning.
    fn describe(self, what: &str) -> (String, &'static str, bool) {
        match self {
            Kind::Cells => (
                format!("a table row with more cells than its header ({what}): the cells beyond the header's would not be printed"),
                "add the missing column titles to the header row (the first line of the table), or write `\\|` for a `|` inside a cell",
                false,
            ),
            Kind::Html => (
                format!("{what} in prose: HTML is not rendered, its tags would be printed as text"),
                "use Markdown (`**fet**`, `*kursiv*`, a blank line for a new paragraph), a YAML comment (`# …`) for a note to editors, or write `\\<` to print a `<`",
                false,
            ),
            Kind::Strike => (
                "strikethrough (`~~…~~`) is not supported: the tildes would be printed".into(),
                "struck-out words read as deleted (the redline marks deletions so): remove the words, or write `\\~\\~` to print tildes",
                false,
            ),
            Kind::Footnote => (
                "a footnote (`[^…]`) is not supported: its marker and its note would be printed as written".into(),
                "write the note as a sentence, or in parentheses where it belongs",
                false,
            ),
            Kind::Indented => (
                "text indented four spaces or more is a code block: it is printed in a monospace face with its line breaks, not as a paragraph".into(),
                "remove the indentation; to show code on purpose, fence it with ``` lines",
                true,
            ),
            Kind::Backtick => (
                "a backtick (`) without its closing one opens no code span: it is printed as a backtick, and the text after it as plain text".into(),
                "close the code span with a second backtick (`kod`), or write \\` to print the character",
                true,
            ),
            Kind::Amounts => (
                format!("a Markdown table holding an amount (`{what}`): nothing sums or checks the amounts of a table written in prose"),
                "put amounts in a table file (tables/*.yaml, placed with `- table: ID`), where sums are computed and checked; quote a computed figure in prose with `{{ table/row/column }}`",
                true,
            ),
        }
    }
}

/// Money units that make a number in a table cell an amount.
/// (Longer units first: `tkr` before `kr`.)
const MONEY_UNITS: &[&str] = &[
    "kronor", "mnkr", "mdkr", "tsek", "msek", "tkr", "mkr", "mdr", "sek", "kr.", "kr", ":-",
];

/// Whether a table cell's text is an amount: a number with a money unit (`1 200 tkr`,
/// `12,5 mnkr`), a number with thousands groups (`1 200`, `−3 400,5`), or one of five digits
/// or more (`12000`). Years (`2024`), small counts and percentages are not.
pub fn looks_like_amount(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    let (number, unit) = match MONEY_UNITS
        .iter()
        .find(|u| t.ends_with(*u) && t.len() > u.len())
    {
        Some(u) => (t[..t.len() - u.len()].trim_end(), true),
        None => (t.as_str(), false),
    };
    let number = number
        .strip_prefix(['-', '−', '+', '–'])
        .unwrap_or(number)
        .trim_start();
    let (int, frac) = match number.split_once([',', '.']) {
        Some((i, f)) => (i, Some(f)),
        None => (number, None),
    };
    if frac.is_some_and(|f| f.is_empty() || !f.chars().all(|c| c.is_ascii_digit())) {
        return false;
    }
    let groups: Vec<&str> = int.split([' ', '\u{a0}', '\u{202f}', '\u{2009}']).collect();
    let well_formed = !groups[0].is_empty()
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
        && (groups.len() == 1 || groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    if !well_formed {
        return false;
    }
    unit || groups.len() > 1 || groups[0].len() >= 5
}

fn links_and_images(markdown: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for (event, range) in Parser::new_ext(markdown, MARKDOWN).into_offset_iter() {
        match event {
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                ..
            }) => {
                if link_type == pulldown_cmark::LinkType::Email {
                    // `<namn@example.se>`: printed as a `mailto:` link.
                } else if markdown[range.clone()].starts_with("[^") {
                    // A footnote (`[^1]` with `[^1]: …`), which CommonMark reads as a link:
                    // reported as a footnote by `unprinted`.
                } else if let Some(problem) = link_scheme_problem(&dest_url) {
                    out.push(Finding {
                        offset: range.start,
                        message: problem,
                        hint: "link only to web pages, e-mail and phone numbers: `https://…`, `http://…`, `mailto:…`, `tel:…`",
                        warning: false,
                    });
                } else if dest_url.trim().is_empty() {
                    out.push(Finding {
                        offset: range.start,
                        message: "a link without a target: `[…]()`".into(),
                        hint: "write the address in the parentheses, e.g. `[Kommunen](https://www.example.se)`, or remove the brackets",
                        warning: false,
                    });
                } else if dest_url.len() > MAX_URL_BYTES {
                    out.push(Finding {
                        offset: range.start,
                        message: format!(
                            "a link target of {} bytes; at most {MAX_URL_BYTES} are allowed",
                            dest_url.len()
                        ),
                        hint: "link to a shorter address (the page itself, not a search result)",
                        warning: false,
                    });
                }
            }
            Event::Start(Tag::Image { .. }) => out.push(Finding {
                offset: range.start,
                message: "an image (`![…](…)`) in prose: the templates cannot place images in text"
                    .into(),
                hint: "remove it; the logo is `logo:` in plan.yaml, charts belong to their table (`chart:`)",
                warning: false,
            }),
            _ => {}
        }
    }
    out
}

/// Link schemes a PDF may point at: web pages, e-mail and phone numbers. Anything else
/// (`javascript:`, `file:`, `data:`, …) would be a live link into the reader's machine, and a
/// relative link means nothing in a PDF.
pub const LINK_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Why a link target is refused, if it is: a scheme not in [`LINK_SCHEMES`], or none.
pub fn link_scheme_problem(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() {
        return None; // reported as a link without a target
    }
    let scheme = url.find(':').map(|i| &url[..i]).filter(|s| {
        s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    match scheme {
        Some(s) if LINK_SCHEMES.contains(&s.to_ascii_lowercase().as_str()) => None,
        Some(s) => Some(format!(
            "a link to a `{s}:` address; a PDF may link only to http, https, mailto and tel addresses"
        )),
        None => Some(format!(
            "a link to `{}`, which has no scheme: a relative link means nothing in a PDF",
            url.chars().take(60).collect::<String>()
        )),
    }
}

/// A heading written in Markdown: its byte offset, the level Typst prints it at and whether
/// its text is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MdHeading {
    pub offset: usize,
    pub level: usize,
    pub empty: bool,
}

/// The headings of a Markdown text, at the levels the templates print them
/// (`vp-minor-heading`: 3 + 1 for `#` and `##`, 3 + 2 below).
pub fn md_headings(markdown: &str) -> Vec<MdHeading> {
    let mut out: Vec<MdHeading> = Vec::new();
    let mut open: Option<usize> = None;
    for (event, range) in Parser::new_ext(markdown, MARKDOWN).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let level = match level {
                    HeadingLevel::H1 | HeadingLevel::H2 => 4,
                    _ => 5,
                };
                open = Some(out.len());
                out.push(MdHeading {
                    offset: range.start,
                    level,
                    empty: true,
                });
            }
            Event::End(TagEnd::Heading(_)) => open = None,
            Event::Text(t) | Event::Code(t) if !t.trim().is_empty() => {
                if let Some(i) = open {
                    out[i].empty = false;
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (message, offset, warning) of each finding.
    fn found(md: &str) -> Vec<(String, usize, bool)> {
        inspect(md)
            .into_iter()
            .map(|f| (f.message, f.offset, f.warning))
            .collect()
    }

    /// The one finding of `md`: its message, offset and whether it is a warning.
    fn one(md: &str) -> (String, usize, bool) {
        let f = found(md);
        assert_eq!(f.len(), 1, "{md:?}: {f:?}");
        f.into_iter().next().unwrap()
    }

    #[test]
    fn what_is_printed_is_not_reported() {
        for md in [
            "Stycke med *kursiv*, **fet**, `kod` och [länk](https://example.se).",
            "- a\n- b\n  1. c\n",
            "- [ ] att göra\n- [x] klart\n",
            "> citat\n",
            "# Rubrik\n\ntext\n",
            "Rad ett\\\nrad två",
            "***\n",
            "```\nkod # $ \\ ] {{ x }}\n```\n",
            "| Post | Antal |\n|:--|--:|\n| Lokaler | 12 |\n| År | 2024 |\n| Andel | 12 % |\n",
            "ca ~5 % och ~7 %",
            "pris < 5 kr och a > b",
            "escapad \\` backtick och \\~\\~ tilde, \\\\\\` också",
            "[^1] utan definition",
            "&amp; &nbsp;",
        ] {
            assert_eq!(found(md), vec![], "{md:?}");
        }
    }

    #[test]
    fn html_is_an_error() {
        let (m, at, warning) = one("Text <b>fet</b> och <br> slut");
        assert!(
            m.contains("HTML (`<b>`)") && m.contains("(3 times in this text)"),
            "{m}"
        );
        assert_eq!((at, warning), (5, false));
        let (m, at, _) = one("Stycke\n\n<div>\nx\n</div>\n");
        assert!(m.contains("`<div>`"), "{m}");
        assert_eq!(at, 8);
        assert!(one("a <!-- anteckning --> b").0.contains("HTML comment"));
    }

    #[test]
    fn strikethrough_and_footnotes_are_errors() {
        let (m, at, warning) = one("Det är ~~fel~~ rätt.");
        assert!(m.contains("strikethrough"), "{m}");
        assert_eq!((at, warning), ("Det är ".len(), false));
        let f = found("Se not[^1].\n\n[^1]: Noten.\n");
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].0.contains("footnote") && f[0].0.contains("2 times"),
            "{f:?}"
        );
        assert_eq!((f[0].1, f[0].2), (6, false));
    }

    #[test]
    fn indented_code_and_lone_backticks_are_warnings() {
        let (m, at, warning) = one("Stycke.\n\n    indraget stycke\n");
        assert!(m.contains("indented four spaces"), "{m}");
        assert_eq!((at, warning), (13, true));
        let (m, at, warning) = one("Skriv x`y här.");
        assert!(m.contains("backtick"), "{m}");
        assert_eq!((at, warning), (7, true));
        // An escaped backslash does not escape the backtick after it.
        assert_eq!(one("a \\\\` b").1, 4);
    }

    #[test]
    fn a_row_wider_than_its_header_is_an_error() {
        let md = "| a | b |\n|---|---|\n| 1 | 2 |\n| 1 | 2 | 3 |\n| x \\| y | `z` |\n";
        let (m, at, warning) = one(md);
        assert!(m.contains("(3 cells in a table of 2 columns)"), "{m}");
        assert_eq!((&md[at..at + 4], warning), ("| 1 ", false));
        assert_eq!(found("| a | b |\n|---|---|\n| 1 |\nx | y\n"), vec![]);
        for (row, n) in [
            ("| a | b |", 2),
            ("a | b", 2),
            ("| a |", 1),
            ("a \\| b", 1),
            ("||", 1),
        ] {
            assert_eq!(row_cells(row), n, "{row}");
        }
    }

    #[test]
    fn tables_of_amounts_are_warnings() {
        let md =
            "Text.\n\n| Post | Belopp |\n|---|--:|\n| Lokaler | 1 200 |\n| Personal | 3 400 |\n";
        let (m, at, warning) = one(md);
        assert!(m.contains("`1 200`"), "{m}");
        assert_eq!((&md[at..at + 5], warning), ("1 200", true));
        for amount in [
            "1 200",
            "−3 400,5",
            "12000",
            "12 tkr",
            "1,5 mnkr",
            "450 kr",
            "1\u{a0}200",
        ] {
            assert!(looks_like_amount(amount), "{amount}");
        }
        for not in [
            "2024", "12", "12 %", "1.", "a 1 200", "1 20", "12,", "Lokaler", "", "kr",
        ] {
            assert!(!looks_like_amount(not), "{not}");
        }
    }
}
