//! A page drawn for the browser: Typst's own SVG of the page (`typst-svg`, the same layout the
//! PDF is exported from) with a text layer over it, so that the browser can select its text
//! and find it (Ctrl-F): every run of text the page sets, as a transparent SVG `<text>` where
//! the glyphs stand, stretched to their width.

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use typst::layout::{Frame, FrameItem, Point, Transform};
use typst::model::Destination;
use typst::text::TextItem;
use typst_layout::Page;

/// A page as the preview shows it.
#[derive(Debug, Clone)]
pub struct Drawn {
    /// What the page shows, hashed ([`hash`]): a page whose hash is unchanged looks the same.
    pub hash: u128,
    /// The page as SVG, with its text layer.
    pub svg: Arc<str>,
    /// Width and height in points.
    pub width: f64,
    pub height: f64,
}

/// A hash of what a page shows: equal hashes, equal drawings. Not Typst's hash of the page,
/// which also covers where in the source each glyph came from (spans, which move when the
/// generated source above them changes) and the introspection tags: pages that look the same
/// after an edit elsewhere are not drawn and sent again.
pub fn hash(page: &Page) -> u128 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    page.fill.hash(&mut h);
    shown(&page.frame, &mut h);
    let low = h.finish();
    // A second pass with another seed makes the hash 128 bits wide.
    let mut h2 = std::collections::hash_map::DefaultHasher::new();
    0x5eed_u16.hash(&mut h2);
    low.hash(&mut h2);
    page.frame.size().hash(&mut h2);
    shown(&page.frame, &mut h2);
    (u128::from(h2.finish()) << 64) | u128::from(low)
}

/// Hashes what `frame` shows: every item's place and look, no span, no tag.
fn shown(frame: &Frame, h: &mut impl Hasher) {
    frame.size().hash(h);
    for (pos, item) in frame.items() {
        pos.hash(h);
        match item {
            FrameItem::Group(group) => {
                0u8.hash(h);
                group.transform.hash(h);
                group.clip.hash(h);
                shown(&group.frame, h);
            }
            FrameItem::Text(text) => {
                1u8.hash(h);
                text.font.hash(h);
                text.size.hash(h);
                text.fill.hash(h);
                text.stroke.hash(h);
                text.text.hash(h);
                for g in &text.glyphs {
                    (
                        g.id,
                        g.x_advance,
                        g.x_offset,
                        g.y_advance,
                        g.y_offset,
                        &g.range,
                    )
                        .hash(h);
                }
            }
            FrameItem::Shape(shape, _) => {
                2u8.hash(h);
                shape.hash(h);
            }
            FrameItem::Image(image, size, _) => {
                3u8.hash(h);
                image.hash(h);
                size.hash(h);
            }
            FrameItem::Link(dest, size) => {
                4u8.hash(h);
                size.hash(h);
                // Only a link out of the document is drawn with its target.
                if let Destination::Url(url) = dest {
                    url.as_str().hash(h);
                }
            }
            FrameItem::Tag(_) => {}
        }
    }
}

/// Draws a page: its SVG with the text layer (see the module's documentation).
pub fn draw(page: &Page) -> Drawn {
    let svg = typst_svg::svg(page, &typst_svg::SvgOptions::default());
    let mut layer = String::from(r#"<g class="tl" aria-hidden="false">"#);
    text_layer(&page.frame, Transform::identity(), &mut layer);
    layer.push_str("</g>");
    let end = svg.rfind("</svg>").unwrap_or(svg.len());
    let mut out = String::with_capacity(svg.len() + layer.len() + 8);
    out.push_str(&svg[..end]);
    out.push_str(&layer);
    out.push_str(&svg[end..]);
    Drawn {
        hash: hash(page),
        svg: out.into(),
        width: page.frame.width().to_pt(),
        height: page.frame.height().to_pt(),
    }
}

/// Adds a `<text>` for every text run of `frame` (placed by `ts`) to `out`.
fn text_layer(frame: &Frame, ts: Transform, out: &mut String) {
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(group) => {
                let ts = ts
                    .pre_concat(Transform::translate(pos.x, pos.y))
                    .pre_concat(group.transform);
                text_layer(&group.frame, ts, out);
            }
            FrameItem::Text(text) => text_run(text, ts, *pos, out),
            FrameItem::Shape(..) | FrameItem::Image(..) | FrameItem::Link(..) => {}
            FrameItem::Tag(..) => {}
        }
    }
}

/// One run of text: transparent, where its glyphs are, as wide as they are.
fn text_run(text: &TextItem, ts: Transform, pos: Point, out: &mut String) {
    let shown = text.text.trim_end_matches(['\u{ad}', '\n']);
    if shown.trim().is_empty() {
        return;
    }
    let ts = ts.pre_concat(Transform::translate(pos.x, pos.y));
    let width = text.width().to_pt();
    let _ = write!(
        out,
        r#"<text transform="matrix({} {} {} {} {} {})" font-size="{:.2}" textLength="{:.2}" lengthAdjust="spacingAndGlyphs">"#,
        num(ts.sx.get()),
        num(ts.ky.get()),
        num(ts.kx.get()),
        num(ts.sy.get()),
        num(ts.tx.to_pt()),
        num(ts.ty.to_pt()),
        text.size.to_pt(),
        width.max(0.01),
    );
    escape_into(shown, out);
    out.push_str("</text>");
}

/// A number for SVG: at most three decimals, no trailing zeros.
fn num(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// Text as XML character data; characters XML does not allow are left out.
fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || matches!(c, '\u{fffe}' | '\u{ffff}') => {}
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_numbers_are_short() {
        let mut out = String::new();
        escape_into("a < b & c > d\u{1}\te", &mut out);
        assert_eq!(out, "a &lt; b &amp; c &gt; d e");
        assert_eq!(num(1.0), "1");
        assert_eq!(num(12.3456), "12.346");
        assert_eq!(num(-0.0001), "0");
    }
}
