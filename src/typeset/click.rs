//! Click to source: where a point of a page comes from. Typst's own click to source
//! (`typst_ide::jump_from_click`) gives the place in the generated Typst source that set the
//! text clicked; the source markers vplan writes there say which content it was made from:
//! `// @content PATH FILE` before each block (the file and the value's path), and
//! `// @row TABLE ROW` at the end of each line of an amount table's cells, which with the
//! cell's place on its line names the table cell ([`Clicked::cell`]).

use std::num::NonZeroUsize;
use std::ops::Range;
use std::path::PathBuf;

use typst::introspection::PagedPosition;
use typst::layout::{Abs, Point};
use typst::syntax::{ast, LinkedNode, Side, Source, SyntaxKind};
use typst_ide::Jump;

use super::{PagedDocument, PlanWorld};
use crate::diag::origin::{parse_origin, ORIGIN_MARKER};

/// The marker at the end of a line of an amount table's cells.
pub const ROW_MARKER: &str = "// @row ";
/// The function of the house style every table is set by.
const TABLE_FUNCTION: &str = "vp-amount-table";

/// What a click on a page landed on.
#[derive(Debug, Clone, PartialEq)]
pub enum Clicked {
    /// Text made from the content: the content file (relative to the content directory) and
    /// the value's path, as the nearest marker before it says; in an amount table's cell, the
    /// table's and the row's id and the cell's index on its row (0 is the row's label).
    Content {
        file: PathBuf,
        path: String,
        cell: Option<(String, String, usize)>,
    },
    /// Text the templates set themselves: the template's file (relative to the templates) and
    /// line (1-based).
    Template { file: String, line: usize },
    /// A link within the document: the page (1-based) and the height on it, in points.
    Page { page: usize, y: f64 },
    /// A link out of the document.
    Url(String),
}

/// What the point (`x`, `y` in points from the top left corner) of page `page` (1-based)
/// shows, if it is text or a link.
pub fn clicked(
    world: &PlanWorld,
    doc: &PagedDocument,
    page: usize,
    x: f64,
    y: f64,
) -> Option<Clicked> {
    let position = PagedPosition {
        page: NonZeroUsize::new(page)?,
        point: Point::new(Abs::pt(x), Abs::pt(y)),
    };
    match typst_ide::jump_from_click(world, doc, &position)? {
        Jump::File(id, offset) => {
            let main = world.main_source();
            if id == main.id() {
                content_at(main, offset)
            } else {
                let source = typst::World::source(world, id).ok()?;
                let line = source.lines().byte_to_line(offset)? + 1;
                let file = id.vpath().get_without_slash().to_string();
                Some(Clicked::Template { file, line })
            }
        }
        Jump::Url(url) => Some(Clicked::Url(url.as_str().to_string())),
        Jump::Position(pos) => Some(Clicked::Page {
            page: pos.page.get(),
            y: pos.point.y.to_pt(),
        }),
    }
}

/// The content the generated source at `offset` was made from.
fn content_at(main: &Source, offset: usize) -> Option<Clicked> {
    let text = main.text();
    let (file, path) = marker_before(text, offset)?;
    let cell = cell_at(main, offset).and_then(|(k, line)| {
        let (table, row) = row_marker(&text[line])?;
        Some((table, row, k))
    });
    Some(Clicked::Content { file, path, cell })
}

/// The last `// @content` marker before `offset`.
fn marker_before(text: &str, offset: usize) -> Option<(PathBuf, String)> {
    let before = text.get(..offset)?;
    let mut end = before.len();
    loop {
        let start = before[..end].rfind(ORIGIN_MARKER)?;
        let at_line_start = start == 0 || before.as_bytes()[start - 1] == b'\n';
        if at_line_start {
            let line_end = text[start..].find('\n').map_or(text.len(), |n| start + n);
            return parse_origin(&text[start + ORIGIN_MARKER.len()..line_end]);
        }
        end = start;
    }
}

/// When `offset` is in a cell of a table (a content block given to [`TABLE_FUNCTION`]): the
/// cell's index among the cells of its line, and the line's byte range.
fn cell_at(main: &Source, offset: usize) -> Option<(usize, Range<usize>)> {
    let root = LinkedNode::new(main.root());
    let mut node = root.leaf_at(offset, Side::After)?;
    loop {
        let parent = node.parent()?.clone();
        if node.kind() == SyntaxKind::ContentBlock
            && parent.kind() == SyntaxKind::Args
            && parent
                .parent()
                .is_some_and(|call| calls(call, TABLE_FUNCTION))
        {
            let lines = main.lines();
            let line = lines.byte_to_line(node.offset())?;
            let index = parent
                .children()
                .filter(|c| c.kind() == SyntaxKind::ContentBlock && c.offset() < node.offset())
                .filter(|c| lines.byte_to_line(c.offset()) == Some(line))
                .count();
            return Some((index, lines.line_to_range(line)?));
        }
        node = parent;
    }
}

/// Whether `node` is a call of the function named `name`.
fn calls(node: &LinkedNode, name: &str) -> bool {
    node.kind() == SyntaxKind::FuncCall
        && node.children().next().is_some_and(|callee| {
            callee.kind() == SyntaxKind::Ident && callee.get().leaf_text() == name
        })
}

/// The table's and the row's id of a line of cells that ends in a [`ROW_MARKER`].
fn row_marker(line: &str) -> Option<(String, String)> {
    let at = line.rfind(ROW_MARKER)?;
    let code = typst::syntax::parse_code(&line[at + ROW_MARKER.len()..]);
    let mut ids = code
        .children()
        .filter_map(|n| n.cast::<ast::Str>())
        .map(|s| s.get().to_string());
    Some((ids.next()?, ids.next()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::syntax::{FileId, RootedPath, VirtualPath, VirtualRoot};

    fn source(text: &str) -> Source {
        let path = RootedPath::new(VirtualRoot::Project, VirtualPath::new("/main.typ").unwrap());
        Source::new(FileId::unique(path), text.to_string())
    }

    #[test]
    fn a_cell_is_found_by_its_line_and_place() {
        let text = "// @content . tables/a%20b.yaml\n#vp-amount-table(\n  amounts: 2,\n  table.header([#vp-th[X];], [Y], [Z]),\n  [Första \\] rad], [1 135,0], [#strong[2 380,0];], // @row \"t-1\" \"summa\"\n  [Andra], [3,0], [4,0], // @row \"t-1\" \"b\"\n)\n";
        let main = source(text);
        let at = text.find("2 380").unwrap() + 2;
        assert_eq!(
            content_at(&main, at),
            Some(Clicked::Content {
                file: PathBuf::from("tables/a b.yaml"),
                path: String::new(),
                cell: Some(("t-1".into(), "summa".into(), 2)),
            })
        );
        let at = text.find("Andra").unwrap();
        let Some(Clicked::Content { cell, .. }) = content_at(&main, at) else {
            panic!("no content")
        };
        assert_eq!(cell, Some(("t-1".into(), "b".into(), 0)));
        // A header cell is on a line without a row marker: the table, no cell.
        let at = text.find("[Y]").unwrap() + 1;
        let Some(Clicked::Content { cell, .. }) = content_at(&main, at) else {
            panic!("no content")
        };
        assert_eq!(cell, None);
    }

    #[test]
    fn the_marker_must_start_its_line() {
        let text = "// @content blocks.1 a.yaml\nText // @content blocks.9 b.yaml\nmore";
        assert_eq!(
            marker_before(text, text.len() - 1),
            Some((PathBuf::from("a.yaml"), "blocks.1".into()))
        );
        assert_eq!(marker_before("no markers", 3), None);
    }
}
