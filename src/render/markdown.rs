//! Markdown prose (from YAML block scalars) to Typst markup, with `pulldown-cmark`.
//!
//! Supported: paragraphs, `*emphasis*`, `**strong**`, bullet and numbered lists (nested),
//! hard line breaks, block quotes, inline code, links and minor headings. Everything else
//! (raw HTML included) is printed as literal text. All text goes through [`escape_markup`].

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::escape::{escape_marked, escape_markup, string_literal, Mark};

/// Converts Markdown to Typst markup.
pub fn to_typst(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 4);
    let mut list_depth = 0usize;
    let mut in_code_block = false;
    let mut link_stack: Vec<String> = Vec::new();
    // A redline mark (inserted or deleted words) may span several text pieces.
    let mut mark = Mark::None;
    for event in Parser::new_ext(markdown, Options::empty()) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => {}
                Tag::Heading { level, .. } => {
                    let level = match level {
                        HeadingLevel::H1 | HeadingLevel::H2 => 1,
                        _ => 2,
                    };
                    out.push_str(&format!("#vp-minor-heading(level: {level})["));
                }
                Tag::BlockQuote(_) => out.push_str("#quote(block: true)["),
                Tag::CodeBlock(_) => {
                    in_code_block = true;
                    out.push_str("#block[");
                }
                Tag::List(start) => {
                    list_depth += 1;
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
                    link_stack.push(dest_url.clone());
                    out.push_str(&format!("#link({})[", string_literal(&dest_url)));
                }
                Tag::Image { .. } => link_stack.push(String::new()),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => out.push_str("\n\n"),
                TagEnd::Heading(_) => out.push_str("];\n\n"),
                TagEnd::BlockQuote(_) => out.push_str("];\n\n"),
                TagEnd::CodeBlock => {
                    in_code_block = false;
                    out.push_str("];\n\n");
                }
                TagEnd::List(_) => {
                    list_depth -= 1;
                    out.push_str(");");
                    if list_depth == 0 {
                        out.push_str("\n\n");
                    }
                }
                TagEnd::Item => {
                    trim_trailing_breaks(&mut out);
                    out.push_str("], ");
                }
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => out.push_str("];"),
                TagEnd::Link => {
                    link_stack.pop();
                    out.push_str("];");
                }
                TagEnd::Image => {
                    link_stack.pop();
                }
                _ => {}
            },
            Event::Text(text) => {
                if in_code_block {
                    for line in text.lines() {
                        out.push_str(&escape_markup(line));
                        out.push_str(" \\\n");
                    }
                } else {
                    out.push_str(&escape_marked(&text, &mut mark));
                }
            }
            Event::Code(code) => {
                out.push_str(&format!("#raw({});", string_literal(&code)));
            }
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
    trim_trailing_breaks(&mut out);
    out
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
    fn html_is_text() {
        assert_eq!(to_typst("<b>x</b>"), "\\<b\\>x\\<\\/b\\>");
    }
}
