//! Markdown prose (from YAML block scalars) to Typst markup, with `pulldown-cmark` and the
//! options of [`crate::content::MARKDOWN`].
//!
//! Printed: paragraphs, `*emphasis*`, `**strong**`, bullet and numbered lists (nested), task
//! list items (☐/☒), hard line breaks, block quotes, links, minor headings, horizontal rules,
//! inline code and code blocks (literally, in the monospace face of `raw`) and tables (a Typst
//! `table` with its header row as `table.header` and the columns aligned as the delimiter row
//! says). `check::markdown` refuses the rest before anything is rendered: images and raw HTML
//! (handled here only as a fallback: alternative text printed, HTML escaped), and
//! strikethrough and footnotes, which these options do not parse (their marks would be
//! printed as text). All text goes through [`escape_marked`] or, in code, [`string_literal`].

use pulldown_cmark::{Alignment, Event, HeadingLevel, Tag, TagEnd};

use super::escape::{
    escape_marked, escape_markup, string_literal, Mark, DEL_CLOSE, DEL_OPEN, INS_CLOSE, INS_OPEN,
};
use crate::content::MARKDOWN;

/// Converts Markdown to Typst markup.
pub fn to_typst(markdown: &str) -> String {
    let mut writer = Writer {
        out: String::with_capacity(markdown.len() + markdown.len() / 4),
        list_depth: 0,
        code_block: None,
        table: None,
        in_head: false,
        head_cell: 0,
        mark: Mark::None,
    };
    for event in pulldown_cmark::Parser::new_ext(markdown, MARKDOWN) {
        writer.event(event);
    }
    trim_trailing_breaks(&mut writer.out);
    writer.out
}

/// The Typst markup written so far, and where in the Markdown's blocks the writer is.
struct Writer {
    out: String,
    list_depth: usize,
    /// The text of the code block being read.
    code_block: Option<String>,
    /// The table being read: its number of columns and the cells of the current row so far.
    table: Option<(usize, usize)>,
    in_head: bool,
    /// Where the header cell being written starts in `out`.
    head_cell: usize,
    /// A redline mark (inserted or deleted words) may span several text pieces.
    mark: Mark,
}

impl Writer {
    /// Writes one event of the Markdown.
    fn event(&mut self, event: Event) {
        let out = &mut self.out;
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => match self.code_block.as_mut() {
                Some(code) => code.push_str(&text),
                None => out.push_str(&escape_marked(&text, &mut self.mark)),
            },
            Event::Code(code) => out.push_str(&raw(&code, false, &mut self.mark)),
            Event::Html(html) | Event::InlineHtml(html) => {
                out.push_str(&escape_markup(&html));
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str(" \\\n"),
            Event::Rule => out.push_str("#line(length: 100%);\n\n"),
            Event::FootnoteReference(r) => out.push_str(&escape_markup(&r)),
            Event::TaskListMarker(done) => out.push_str(if done { "☒ " } else { "☐ " }),
            Event::InlineMath(m) | Event::DisplayMath(m) => out.push_str(&escape_markup(&m)),
        }
    }

    /// Opens a block or an inline span.
    fn start(&mut self, tag: Tag) {
        let out = &mut self.out;
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { level, .. } => {
                let level = match level {
                    HeadingLevel::H1 | HeadingLevel::H2 => 1,
                    _ => 2,
                };
                out.push_str(&format!("#vp-minor-heading(level: {level})["));
            }
            Tag::BlockQuote(_) => out.push_str("#quote(block: true)["),
            Tag::CodeBlock(_) => self.code_block = Some(String::new()),
            Tag::List(start) => {
                self.list_depth += 1;
                match start {
                    Some(n) => out.push_str(&format!("#enum(start: {n}, ")),
                    None => out.push_str("#list("),
                }
            }
            Tag::Item => out.push('['),
            Tag::Emphasis => out.push_str("#emph["),
            Tag::Strong => out.push_str("#strong["),
            Tag::Strikethrough => out.push_str("#strike["),
            Tag::Link {
                dest_url,
                link_type,
                ..
            } => {
                // `<namn@example.se>` is an e-mail address without its scheme.
                let dest_url = if link_type == pulldown_cmark::LinkType::Email {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.to_string()
                };
                out.push_str(&format!("#link({})[", string_literal(&dest_url)));
            }
            // Refused by `check` (the templates cannot place an image in text); the
            // alternative text is printed.
            Tag::Image { .. } => {}
            Tag::Table(alignments) => self.start_table(&alignments),
            Tag::TableHead => {
                self.in_head = true;
                out.push_str("table.header(");
            }
            Tag::TableRow => {
                if let Some((_, cells)) = self.table.as_mut() {
                    *cells = 0;
                }
            }
            Tag::TableCell => self.start_cell(),
            _ => {}
        }
    }

    /// Opens a table, laid out like a text table (`text_table` in blocks.typ.j2).
    fn start_table(&mut self, alignments: &[Alignment]) {
        let out = &mut self.out;
        out.push_str("#vp-amount-table(columns: (auto, ");
        for _ in 1..alignments.len() {
            out.push_str("1fr, ");
        }
        out.push_str("), align: (");
        for a in alignments {
            out.push_str(match a {
                Alignment::None | Alignment::Left => "left + top, ",
                Alignment::Center => "center + top, ",
                Alignment::Right => "right + top, ",
            });
        }
        out.push_str("), stroke: 0.5pt + vp-rule, ");
        self.table = Some((alignments.len(), 0));
    }

    /// Opens a table cell, counting it in its row and noting where a header cell starts.
    fn start_cell(&mut self) {
        if let Some((_, cells)) = self.table.as_mut() {
            *cells += 1;
        }
        self.head_cell = self.out.len();
        self.out
            .push_str(if self.in_head { "[#vp-th[" } else { "[" });
    }

    /// Closes a block or an inline span.
    fn end(&mut self, tag: TagEnd) {
        let out = &mut self.out;
        match tag {
            TagEnd::Paragraph => out.push_str("\n\n"),
            TagEnd::Heading(_) => out.push_str("];\n\n"),
            TagEnd::BlockQuote(_) => out.push_str("];\n\n"),
            TagEnd::CodeBlock => {
                let code = self.code_block.take().unwrap_or_default();
                out.push_str(&raw(code.trim_end_matches('\n'), true, &mut self.mark));
                out.push_str("\n\n");
            }
            TagEnd::List(_) => {
                self.list_depth -= 1;
                out.push_str(");");
                if self.list_depth == 0 {
                    out.push_str("\n\n");
                }
            }
            TagEnd::Item => {
                trim_trailing_breaks(out);
                out.push_str("], ");
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link => {
                out.push_str("];")
            }
            TagEnd::TableCell => self.end_cell(),
            TagEnd::TableHead => {
                self.in_head = false;
                out.push_str("), ");
            }
            TagEnd::TableRow => {
                // A row with fewer cells than the header is filled with empty ones.
                if let Some((columns, cells)) = self.table {
                    for _ in cells..columns {
                        out.push_str("[], ");
                    }
                }
            }
            TagEnd::Table => {
                self.table = None;
                out.push_str(");\n\n");
            }
            _ => {}
        }
    }

    /// Closes a table cell.
    fn end_cell(&mut self) {
        let out = &mut self.out;
        // An empty header cell is a data cell: a screen reader would otherwise head the cells
        // below it with silence.
        if self.in_head && out[self.head_cell + "[#vp-th[".len()..].trim().is_empty() {
            out.truncate(self.head_cell);
            out.push_str("pdf.data-cell[], ");
        } else {
            out.push_str(if self.in_head { "];], " } else { "], " });
        }
    }
}

/// Code, printed literally in the monospace face: a Typst string literal given to `raw`, so
/// no character of it is markup. Control characters other than tabs and line breaks are
/// dropped (like [`escape_marked`] does). A redline mark inside the code or open where it
/// begins marks the whole code; the mark state after it is the one the code leaves.
fn raw(code: &str, block: bool, mark: &mut Mark) -> String {
    let mut wrap = *mark;
    let mut text = String::with_capacity(code.len());
    for ch in code.chars() {
        let next = match ch {
            INS_OPEN => Mark::Ins,
            DEL_OPEN => Mark::Del,
            INS_CLOSE | DEL_CLOSE => Mark::None,
            '\t' | '\n' => {
                text.push(ch);
                continue;
            }
            c if c.is_control() => continue,
            c => {
                text.push(c);
                continue;
            }
        };
        if wrap == Mark::None {
            wrap = next;
        }
        *mark = next;
    }
    let call = if block {
        format!("#raw(block: true, {});", string_literal(&text))
    } else {
        format!("#raw({});", string_literal(&text))
    };
    match wrap {
        Mark::None => call,
        m => format!("{}{call}];", m.open()),
    }
}

fn trim_trailing_breaks(out: &mut String) {
    while out.ends_with('\n') {
        out.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::to_typst;

    #[test]
    fn paragraphs_and_emphasis() {
        assert_eq!(
            to_typst("Region **vision**:\n\n*Tillsammans*"),
            "Region #strong[vision];:\n\n#emph[Tillsammans];"
        );
    }

    #[test]
    fn nested_lists() {
        assert_eq!(
            to_typst("- a\n- b\n  - c\n"),
            "#list([a], [b#list([c], );], );"
        );
    }

    #[test]
    fn email_autolinks_are_mailto() {
        assert!(to_typst("<namn@example.se>").contains("#link(\"mailto:namn@example.se\")["));
    }

    #[test]
    fn tables_are_typst_tables_with_a_header() {
        assert_eq!(
            to_typst("| Post | *Belopp* | Mitt |\n|:--|--:|:-:|\n| a ] | 1 200 |\n"),
            "#vp-amount-table(columns: (auto, 1fr, 1fr, ), \
             align: (left + top, right + top, center + top, ), stroke: 0.5pt + vp-rule, \
             table.header([#vp-th[Post];], [#vp-th[#emph[Belopp];];], [#vp-th[Mitt];], ), \
             [a \\]], [1 200], [], );"
        );
    }

    #[test]
    fn an_empty_header_cell_is_a_data_cell() {
        assert!(to_typst("| | Belopp |\n|--|--:|\n| a | 1 |\n")
            .contains("table.header(pdf.data-cell[], [#vp-th[Belopp];], ), "));
    }

    #[test]
    fn code_is_a_string_given_to_raw() {
        assert_eq!(
            to_typst("a `#x $ \\ ] {{ y }} \"` b"),
            "a #raw(\"#x $ \\\\ ] {{ y }} \\\"\"); b"
        );
        assert_eq!(
            to_typst("```\n#a\n  ]\n```\n\n    indragen\n"),
            "#raw(block: true, \"#a\\n  ]\");\n\n#raw(block: true, \"indragen\");"
        );
        // A redline mark inside code marks all of it and is not printed.
        assert_eq!(
            to_typst("x `a\u{E000}b\u{E001}` y"),
            "x #vp-ins[#raw(\"ab\");]; y"
        );
    }

    #[test]
    fn task_lists() {
        assert_eq!(to_typst("- [ ] a\n- [x] b\n"), "#list([☐ a], [☒ b], );");
    }

    #[test]
    fn html_is_text() {
        assert_eq!(to_typst("<b>x</b>"), "\\<b\\>x\\<\\/b\\>");
    }
}
