//! One Markdown text inspected on its own: the nesting, links and images no template can lay
//! out ([`inspect`]) and its headings ([`md_headings`]). `prose` applies these to every text of
//! the plan and judges headings per document.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

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
}

/// The problems of one Markdown text that no template can lay out (headings are judged in
/// their document by [`super::prose::headings`]).
pub fn inspect(markdown: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut blocks = 0usize;
    let mut inline = 0usize;
    let mut too_deep = false;
    for (event, range) in Parser::new_ext(markdown, Options::empty()).into_offset_iter() {
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
    out
}

fn links_and_images(markdown: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for (event, range) in Parser::new_ext(markdown, Options::empty()).into_offset_iter() {
        match event {
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                ..
            }) => {
                if link_type == pulldown_cmark::LinkType::Email {
                    // `<namn@example.se>`: printed as a `mailto:` link.
                } else if let Some(problem) = link_scheme_problem(&dest_url) {
                    out.push(Finding {
                        offset: range.start,
                        message: problem,
                        hint: "link only to web pages, e-mail and phone numbers: `https://…`, `http://…`, `mailto:…`, `tel:…`",
                    });
                } else if dest_url.trim().is_empty() {
                    out.push(Finding {
                        offset: range.start,
                        message: "a link without a target: `[…]()`".into(),
                        hint: "write the address in the parentheses, e.g. `[Kommunen](https://www.example.se)`, or remove the brackets",
                    });
                } else if dest_url.len() > MAX_URL_BYTES {
                    out.push(Finding {
                        offset: range.start,
                        message: format!(
                            "a link target of {} bytes; at most {MAX_URL_BYTES} are allowed",
                            dest_url.len()
                        ),
                        hint: "link to a shorter address (the page itself, not a search result)",
                    });
                }
            }
            Event::Start(Tag::Image { .. }) => out.push(Finding {
                offset: range.start,
                message: "an image (`![…](…)`) in prose: the templates cannot place images in text"
                    .into(),
                hint: "remove it; the logo is `logo:` in plan.yaml, charts belong to their table (`chart:`)",
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
    for (event, range) in Parser::new_ext(markdown, Options::empty()).into_offset_iter() {
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
