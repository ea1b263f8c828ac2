//! Markdown prose that the templates cannot lay out, or that PDF/UA forbids, found by `check`
//! at its own line and column before `build` could fail on it in Typst.
//!
//! - **Nesting.** Lists and block quotes become nested Typst calls, and Typst stops at a fixed
//!   depth of nested calls and show rules, with an error that points into `templates/`. Prose
//!   may nest lists and quotes [`MAX_NESTING`] levels deep, far below where Typst stops (see
//!   the measurement at the constant).
//! - **Links.** An empty link target (`[text]()`) is refused by Typst; a target longer than
//!   [`MAX_URL_BYTES`] is refused here (no reader follows it, and PDF strings have limits).
//! - **Images.** `![alt](file)` has no place in prose: the templates print only its text, so
//!   the image would silently disappear. Logos and charts have their own keys.
//! - **Headings.** `#`–`##` in prose become level-4 headings and `###`–`######` level-5
//!   headings (`vp-minor-heading` in `templates/vplan/page.typ`). PDF/UA (every decided plan) refuses
//!   a document whose heading levels skip one (a level-4 heading right after a chapter's level-1
//!   heading) and an empty heading. [`headings`] walks each document's headings in reading
//!   order, as the templates print them, and reports such a heading: an error when the plan is
//!   exported as PDF/UA, a warning otherwise (it fails as soon as the plan is decided).

use std::path::Path;

use crate::content::walk::{for_each_text, walk, At, Printed, Visit};
use crate::content::{Block, Plan, ValuePath};
use crate::diag::Pos;
use crate::diag::{direction_control, Code, Diagnostic};

pub use super::markdown::{
    inspect, link_scheme_problem, looks_like_amount, md_headings, Finding, MdHeading, LINK_SCHEMES,
    MAX_INLINE_NESTING, MAX_NESTING, MAX_URL_BYTES,
};

/// A prose text of the content: file, path of the value in it, and the Markdown.
pub struct Text<'a> {
    pub file: &'a Path,
    pub path: ValuePath,
    pub text: &'a str,
}

/// Every text of the plan that is printed as Markdown (`| md` in the templates): text blocks,
/// text-table cells, the notes of the tables placed, and the decision paper's texts.
pub fn markdown_texts(plan: &Plan) -> Vec<Text<'_>> {
    let mut out = Vec::new();
    let mut walk = Walk {
        plan,
        out: &mut out,
        headings: None,
        file: Path::new(""),
        level: 0,
    };
    walk.document();
    if let Some(paper) = &plan.paper {
        for (path, text) in paper_texts(&paper.value) {
            out.push(Text {
                file: &paper.file,
                path,
                text,
            });
        }
    }
    for report in &plan.reports {
        let file = &report.file;
        for (path, text, _) in report.value.markdown() {
            out.push(Text { file, path, text });
        }
        if let Some(paper) = &report.value.tjansteskrivelse {
            for (path, text) in paper_texts(paper) {
                let path = ValuePath::of("tjansteskrivelse").join(&path);
                out.push(Text { file, path, text });
            }
        }
    }
    out
}

fn paper_texts(p: &crate::content::DecisionPaper) -> Vec<(ValuePath, &str)> {
    let mut v = vec![(ValuePath::of("sammanfattning"), p.sammanfattning.as_str())];
    if let Some(a) = &p.arendebeskrivning {
        v.push((ValuePath::of("arendebeskrivning"), a.as_str()));
    }
    for (i, att) in p.forslag_till_beslut.iter().enumerate() {
        v.push((ValuePath::of("forslag_till_beslut").index(i), att.as_str()));
    }
    v
}

/// Checks every Markdown text: structure ([`inspect`]) and, per document, heading levels; and
/// every printed text for characters no font has, and titles for their length. `ua` is
/// whether the plan is exported as PDF/UA (heading problems are errors then), `archival`
/// whether as PDF/A (characters without a glyph are errors under either). `judged` says whose
/// document it is: the plan's, or a report's (`plan` is then the report's projection).
pub fn check(plan: &Plan, judged: Judged, ua: bool, archival: bool) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for t in markdown_texts(plan) {
        for f in inspect(t.text) {
            let d = if f.warning {
                Diagnostic::warning(Code::Markdown, t.file, f.message)
            } else {
                Diagnostic::error(Code::Markdown, t.file, f.message)
            };
            diags.push(
                d.at_pos(locate(plan, t.file, &t.path, t.text, f.offset))
                    .with_hint(f.hint),
            );
        }
    }
    diags.extend(headings(plan, judged, ua));
    diags.extend(glyphs(
        plan,
        judged,
        ua || archival,
        crate::typeset::has_glyph,
    ));
    diags.extend(lengths(plan));
    diags.extend(invisible(plan));
    diags
}

/// The name of an invisible character that has no business between two digits: a line may
/// break at a zero-width space (`12` on one line, `500` on the next) and a soft hyphen (`12-`),
/// and any of them stays in the PDF's text, so the number is not found by a search and is no
/// number when copied.
fn invisible_in_number(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00AD}' => "SOFT HYPHEN",
        '\u{180E}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{2060}' => "WORD JOINER",
        '\u{2061}' => "FUNCTION APPLICATION",
        '\u{2062}' => "INVISIBLE TIMES",
        '\u{2063}' => "INVISIBLE SEPARATOR",
        '\u{2064}' => "INVISIBLE PLUS",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE",
        _ => return None,
    })
}

/// A private-use character (U+E000–U+F8FF and the planes 15 and 16): no standard meaning, no
/// glyph in the documents' fonts, and the range of the redline's marks (`render::escape`),
/// which content must not be able to type.
pub fn is_private_use(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x10_0000..=0x10_FFFD)
}

/// Invisible characters that change what is printed, in any value of the content (comments
/// aside): an error at the character for every direction control ([`crate::diag::direction_control`]: a
/// right-to-left override prints `15` as `51`, and `check` could not tell), for an
/// invisible character between two digits ([`invisible_in_number`]), and for every
/// private-use character ([`is_private_use`]: U+E000–U+E003 are the redline's marks, and typed
/// in content they printed as struck-through or underlined words). Characters that are
/// harmless where they are (a zero-width space or soft hyphen in a long word, a joiner between
/// letters) are left alone.
pub fn invisible(plan: &Plan) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let suspect = |c: char| {
        direction_control(c).is_some() || invisible_in_number(c).is_some() || is_private_use(c)
    };
    if !plan.spans.values().any(|s| s.text().chars().any(suspect)) {
        return diags; // (most plans: no file is parsed again)
    }
    crate::content::spans::for_each_value(plan, |file, text, _, value, at| {
        let chars: Vec<char> = value.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let code = format!("U+{:04X}", c as u32);
            let found = if let Some(name) = direction_control(c) {
                let pos = find_in_file(text, at, &c.to_string(), value);
                Some((
                    pos,
                    format!("an invisible direction control, {code} {name}: it changes the order in which the text around it is printed (a `15` can print as `51`)"),
                ))
            } else if is_private_use(c) {
                let pos = find_in_file(text, at, &c.to_string(), value);
                Some((
                    pos,
                    format!("a private-use character, {code}: it has no meaning of its own and no font of the documents prints it (vplan keeps such characters for its own marks)"),
                ))
            } else if let Some(name) = invisible_in_number(c) {
                let digit = |j: Option<usize>| {
                    j.and_then(|j| chars.get(j))
                        .is_some_and(char::is_ascii_digit)
                };
                if !(digit(i.checked_sub(1)) && digit(Some(i + 1))) {
                    continue;
                }
                let needle: String = chars[i - 1..=i + 1].iter().collect();
                let pos = find_in_file(text, at, &needle, value).map(|(l, c)| (l, c + 1));
                let number: String = chars[..i]
                    .iter()
                    .rev()
                    .take_while(|c| c.is_ascii_digit())
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .chain(chars[i + 1..].iter().take_while(|c| c.is_ascii_digit()))
                    .copied()
                    .collect();
                Some((
                    pos,
                    format!("an invisible {code} {name} inside the number `{number}`: the number may be printed broken in two or with a hyphen, and its text in the PDF is no number"),
                ))
            } else {
                None
            };
            let Some((pos, message)) = found else {
                continue;
            };
            let (line, col) = pos.unwrap_or(at);
            diags.push(
                Diagnostic::error(Code::Glyph, file, message)
                    .at(line, col)
                    .with_hint(format!("delete the character ({code}) at this column: most editors do not show it, so delete the characters around it and type them again")),
            );
        }
    });
    diags
}

/// Line and column of `needle` in a file's `text`, searched from a value's position `at` over
/// the lines the value can take (a quoted value that writes the character as an escape does
/// not hold it: `None` then).
fn find_in_file(
    text: &str,
    at: (usize, usize),
    needle: &str,
    value: &str,
) -> Option<(usize, usize)> {
    let (line, col) = at;
    let span = value.matches(['\n', ' ']).count() + 2;
    let mut lines = text
        .lines()
        .enumerate()
        .skip(line.checked_sub(1)?)
        .take(span);
    let (i, first) = lines.next()?;
    let skip = first
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(first.len(), |(b, _)| b);
    if let Some(b) = first[skip..].find(needle) {
        return Some((i + 1, first[..skip + b].chars().count() + 1));
    }
    lines.find_map(|(i, l)| l.find(needle).map(|b| (i + 1, l[..b].chars().count() + 1)))
}

/// Keys whose values are never printed as text (alternative texts and PDF metadata), so need
/// no glyph.
pub const NOT_PRINTED: &[&str] = &["alt", "keywords", "author", "subject"];

/// Whether a character is printed with a glyph (not [`needs_no_glyph`]).
pub fn needs_glyph(c: char) -> bool {
    !needs_no_glyph(c)
}

/// Characters that need no glyph: spaces, controls, zero-width and format characters,
/// variation selectors, private-use characters (an error of their own, [`invisible`]).
fn needs_no_glyph(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c as u32,
            0x00AD | 0x034F | 0x061C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
            | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
            | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF)
        || is_private_use(c)
}

/// Whose document the texts are judged as: the plan's, or a follow-up report's (the texts
/// then those of its projection, the plan's with the report's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judged {
    Plan,
    Report,
}

/// Whether the document a file of the content belongs to is exported as PDF/A or PDF/UA: a
/// follow-up report's file when the report is decided (or, judged as the report's document,
/// when that is `strict`), any other file when `strict` (the standard of the document
/// judged). A report is a document of its own: the plan's status does not make it strict, nor
/// its own the plan.
fn strict_for(plan: &Plan, judged: Judged, file: &Path, strict: bool) -> bool {
    match plan.reports.iter().find(|r| r.file == file) {
        Some(r) => {
            r.value.status() == crate::content::Status::Beslutad
                || (strict && judged == Judged::Report)
        }
        None => strict,
    }
}

/// Characters in the content that no font of the documents has (an emoji, a CJK character):
/// they would print as an empty box, and PDF/A and PDF/UA refuse a document with one. An error
/// at the character when its document is strict ([`strict_for`]: the plan's files when
/// `strict`, a report's when it is decided, or when `strict` and `judged` is the report's
/// document), else a warning. Each scalar value of every content
/// file is read (comments are not), except the values of [`NOT_PRINTED`] keys. (A value of
/// the plan that a decided report prints is judged with the report: `pipeline::load`.)
pub fn glyphs(
    plan: &Plan,
    judged: Judged,
    strict: bool,
    has_glyph: impl Fn(char) -> bool,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    crate::content::spans::for_each_value(plan, |file, text, key, value, (line, col)| {
        if NOT_PRINTED.contains(&key) {
            return;
        }
        let strict = strict_for(plan, judged, file, strict);
        let Some(c) = value.chars().find(|&c| !needs_no_glyph(c) && !has_glyph(c)) else {
            return;
        };
        let at = text
            .lines()
            .enumerate()
            .skip(line.saturating_sub(1))
            .find_map(|(i, l)| l.find(c).map(|b| (i + 1, l[..b].chars().count() + 1)));
        let what = format!(
            "`{c}` (U+{:04X}): no font of the documents has this character",
            c as u32
        );
        let d = if strict {
            Diagnostic::error(
                Code::Glyph,
                file,
                format!("{what}; PDF/A and PDF/UA refuse text that cannot be displayed"),
            )
        } else {
            Diagnostic::warning(
                Code::Glyph,
                file,
                format!("{what}, so it prints as an empty box (and a decided plan fails to build)"),
            )
        };
        let (line, col) = at.unwrap_or((line, col));
        diags.push(d.at(line, col).with_hint(
            "write it in words, or use a character from the Latin alphabet (emoji and symbols are not in the fonts)",
        ));
    });
    diags
}

/// Keys whose values become strings of the PDF itself (the document's title and author, the
/// bookmarks made from headings, alternative texts), which PDF/A limits to 32 767 bytes.
const PDF_STRINGS: &[&str] = &[
    "title",
    "subtitle",
    "label",
    "alt",
    "author",
    "subject",
    "namnd",
    "organisation",
    "rubrik",
    "arende",
    "title_block",
];

/// Longest title, label or alternative text, in characters. A PDF/A string holds at most
/// 32 767 bytes, and a document's title joins up to three such values (an appendix's label and
/// title and the plan's title); 1 000 characters is far beyond any real title.
pub const MAX_TITLE_CHARS: usize = 1000;

/// Titles, labels and alternative texts longer than [`MAX_TITLE_CHARS`]: an error (a paste
/// gone wrong; the build of a decided plan fails on them in the PDF exporter).
pub fn lengths(plan: &Plan) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    crate::content::spans::for_each_value(plan, |file, _, key, value, (line, col)| {
        let n = value.chars().count();
        if PDF_STRINGS.contains(&key) && n > MAX_TITLE_CHARS {
            diags.push(
                Diagnostic::error(
                    Code::TextLength,
                    file,
                    format!("`{key}` is {n} characters long; a title, label or alternative text may have at most {MAX_TITLE_CHARS}"),
                )
                .at(line, col)
                .with_hint("shorten it; longer text belongs in a text block"),
            );
        }
    });
    diags
}

/// Heading levels in reading order, per document: the plan (chapters, then the appendices
/// printed in it), and the decision paper.
pub fn headings(plan: &Plan, judged: Judged, strict: bool) -> Vec<Diagnostic> {
    let mut seq = Headings {
        plan,
        last: 1, // the table of contents' title
        strict,
        diags: Vec::new(),
    };
    let mut texts = Vec::new();
    let mut walk = Walk {
        plan,
        out: &mut texts,
        headings: Some(&mut seq),
        file: Path::new(""),
        level: 0,
    };
    walk.document();
    let mut diags = seq.diags;
    if let Some(paper) = &plan.paper {
        let mut seq = Headings {
            plan,
            last: 1, // the paper's rubrik
            strict,
            diags: Vec::new(),
        };
        for (path, text) in paper_texts(&paper.value) {
            if !path.as_str().starts_with("forslag_till_beslut.") || path.last() == "0" {
                seq.template(2);
            }
            seq.prose(&paper.file, &path, text);
        }
        diags.extend(seq.diags);
    }
    for report in &plan.reports {
        // A report is a document of its own, strict when it is decided (as the plan).
        let strict = strict_for(plan, judged, &report.file, strict);
        let mut seq = Headings {
            plan,
            last: 1,
            strict,
            diags: Vec::new(),
        };
        for (path, text, level) in report.value.markdown() {
            seq.template(level);
            seq.prose(&report.file, &path, text);
        }
        if let Some(paper) = &report.value.tjansteskrivelse {
            for (path, text) in paper_texts(paper) {
                seq.template(2);
                seq.prose(
                    &report.file,
                    &ValuePath::of("tjansteskrivelse").join(&path),
                    text,
                );
            }
        }
        diags.extend(seq.diags);
    }
    diags
}

struct Headings<'p> {
    plan: &'p Plan,
    last: usize,
    strict: bool,
    diags: Vec<Diagnostic>,
}

impl Headings<'_> {
    fn template(&mut self, level: usize) {
        self.last = level;
    }

    fn prose(&mut self, file: &Path, path: &ValuePath, text: &str) {
        for h in md_headings(text) {
            let at = locate(self.plan, file, path, text, h.offset);
            let problem = if h.empty {
                Some("an empty Markdown heading (`#` without text)".to_string())
            } else if h.level > self.last + 1 {
                Some(format!(
                    "this Markdown heading is printed at level {}, right after a level-{} heading: the heading levels skip {}",
                    h.level,
                    self.last,
                    if h.level == self.last + 2 { "a level" } else { "levels" }
                ))
            } else {
                None
            };
            self.last = h.level;
            let Some(problem) = problem else { continue };
            let d = if self.strict {
                Diagnostic::error(
                    Code::Heading,
                    file,
                    format!("{problem}, which PDF/UA forbids"),
                )
            } else {
                Diagnostic::warning(
                    Code::Heading,
                    file,
                    format!("{problem}; PDF/UA forbids that, so the build fails once the plan is `beslutad`"),
                )
            };
            self.diags.push(d.at_pos(at).with_hint(
                "make it a section (`- section: {id: …, title: …, blocks: […]}`), or write the line in **bold** instead of as a heading",
            ));
        }
    }
}

/// Walks the plan's blocks in the order the templates print them, collecting Markdown texts
/// and, when asked, following heading levels (the levels of `render::view`).
struct Walk<'a, 'h, 'p> {
    plan: &'a Plan,
    out: &'h mut Vec<Text<'a>>,
    headings: Option<&'h mut Headings<'p>>,
    /// The file of the blocks walked.
    file: &'a Path,
    /// The heading level of a section of the list walked (one more inside each section).
    level: usize,
}

impl<'a> Walk<'a, '_, '_> {
    fn document(&mut self) {
        let plan = self.plan;
        for ch in &plan.chapters {
            self.heading(1);
            self.blocks(&ch.file, &ValuePath::of("blocks"), &ch.value.blocks, 2);
        }
        for a in &plan.appendices {
            self.heading(1);
            self.blocks(&a.file, &ValuePath::of("blocks"), &a.value.blocks, 2);
        }
    }

    fn heading(&mut self, level: usize) {
        if let Some(h) = self.headings.as_deref_mut() {
            h.template(level);
        }
    }

    fn text(&mut self, file: &'a Path, path: ValuePath, text: &'a str) {
        if let Some(h) = self.headings.as_deref_mut() {
            h.prose(file, &path, text);
        }
        self.out.push(Text { file, path, text });
    }

    /// The blocks of `list` (of `file`, at `path`), a section of it at heading `level`.
    fn blocks(&mut self, file: &'a Path, path: &ValuePath, list: &'a [Block], level: usize) {
        let outer = (self.file, self.level);
        (self.file, self.level) = (file, level);
        walk(list, path, "", self);
        (self.file, self.level) = outer;
    }

    /// The goal structure where `- perspectives` places it, a perspective at `level`.
    fn perspectives(&mut self, level: usize) {
        let Some(goals) = &self.plan.goals else {
            return;
        };
        for (pi, p) in goals.value.perspectives.iter().enumerate() {
            let pp = ValuePath::of("perspectives").index(pi);
            self.heading(level);
            self.blocks(&goals.file, &pp.key("blocks"), &p.blocks, level + 1);
            for (si, s) in p.strategies.iter().enumerate() {
                self.heading(level + 1);
                let sp = pp.key("strategies").index(si).key("blocks");
                self.blocks(&goals.file, &sp, &s.blocks, level + 2);
            }
        }
    }
}

impl<'a> Visit<'a> for Walk<'a, '_, '_> {
    fn block(&mut self, block: &'a Block, at: At<'_>) {
        let level = self.level + at.depth;
        match block {
            Block::Section(_) => self.heading(level),
            Block::Table(id) => {
                if let Some(t) = self.plan.tables.get(id) {
                    for (j, note) in t.value.notes.iter().enumerate() {
                        self.text(&t.file, ValuePath::of("notes").index(j), note);
                    }
                }
            }
            Block::Perspectives => self.perspectives(level),
            // Their Markdown is among their texts, below.
            Block::Text(_)
            | Block::Goal(_)
            | Block::Assignment(_)
            | Block::TextTable(_)
            | Block::Matrix(_)
            | Block::InternalControl
            | Block::OrgChart(_) => {}
        }
        let file = self.file;
        for_each_text(block, at.path, &mut |t| match t.printed {
            Printed::Prose | Printed::Markdown => self.text(file, t.path, t.text),
            Printed::Plain | Printed::Unprinted => {}
        });
    }
}

/// Line and column in the content file of byte `offset` of a text at `path`: the text's lines
/// are matched, in order, with the file's lines from the value's own line on (a block scalar
/// holds them indented). Falls back to the value's position.
pub fn locate(
    plan: &Plan,
    file: &Path,
    path: &ValuePath,
    text: &str,
    offset: usize,
) -> Option<Pos> {
    let pos = plan.pos(file, path)?;
    let fallback = Some(pos);
    let Some(source) = plan.source(file) else {
        return fallback;
    };
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let wanted = text[..offset].matches('\n').count();
    let mut src = source.lines().enumerate().skip(pos.line - 1);
    let mut found = None;
    for (n, line) in text.lines().enumerate().take(wanted + 1) {
        let hit = src.find(|(_, s)| {
            if line.trim().is_empty() {
                s.trim().is_empty() || s.trim_end().ends_with(['|', '>', '-', '+'])
            } else {
                s.ends_with(line) && s[..s.len() - line.len()].trim().is_empty()
                    || n == 0 && s.ends_with(line)
            }
        });
        match hit {
            Some((i, s)) => found = Some((i, s.len() - line.len())),
            None => return fallback,
        }
    }
    let (i, indent) = found?;
    let col = source.lines().nth(i)?[..indent].chars().count()
        + text[line_start..offset].chars().count()
        + 1;
    Some(Pos {
        line: i + 1,
        column: col,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_schemes() {
        for ok in [
            "https://www.example.se",
            "HTTP://example.se",
            "mailto:a@b.se",
            "tel:+4612345",
        ] {
            assert_eq!(link_scheme_problem(ok), None, "{ok}");
        }
        for (bad, says) in [
            ("javascript:alert(1)", "`javascript:`"),
            ("JavaScript:alert(1)", "`JavaScript:`"),
            ("file:///etc/passwd", "`file:`"),
            ("data:text/html,x", "`data:`"),
            ("sida.html", "no scheme"),
            ("//example.se", "no scheme"),
            ("#ankare", "no scheme"),
        ] {
            let p = link_scheme_problem(bad).unwrap_or_default();
            assert!(p.contains(says), "{bad}: {p}");
        }
        let f = inspect("Se <namn@example.se> och [x](javascript:alert(1)).");
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].message.contains("`javascript:`"));
    }

    #[test]
    fn nesting_links_images() {
        assert!(inspect("- a\n  - b\n\n> c\n\n[x](https://example.se)").is_empty());
        let deep: String = (0..14)
            .map(|i| format!("{}- x\n", "  ".repeat(i)))
            .collect();
        assert_eq!(inspect(&deep).len(), 1);
        let quotes = format!("{} x\n", ">".repeat(7));
        assert!(inspect(&format!("{} x\n", ">".repeat(6))).is_empty());
        assert!(inspect(&quotes)[0].message.contains("nested"));
        assert!(inspect("se [här]()")[0]
            .message
            .contains("without a target"));
        let long = format!("[x](https://e.se/{})", "a".repeat(2100));
        assert!(inspect(&long)[0].message.contains("at most 2000"));
        assert!(inspect("![logga](logo.png)")[0].message.contains("image"));
    }

    #[test]
    fn heading_levels() {
        let h = md_headings("# A\n\ntext\n\n### B\n\n#\n");
        assert_eq!(
            h.iter().map(|h| (h.level, h.empty)).collect::<Vec<_>>(),
            vec![(4, false), (5, false), (4, true)]
        );
    }
}
