//! Where each value of a YAML file is: an index from a value's path (`rows.3.values.1`) to its
//! line and column, built from `saphyr-parser`'s events. `serde_yaml` reports positions only for
//! the errors it finds itself; every later error (a sum that does not add up, a reference that
//! does not resolve) finds its position here.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser};

pub use crate::diag::Pos;

use super::path::ValuePath;

/// Positions of the values of one YAML document, by path.
#[derive(Debug, Clone, Default)]
pub struct SpanIndex {
    values: HashMap<String, Pos>,
    extents: HashMap<String, Extent>,
    /// The paths of aliases (`*name`): the values below one are written at its anchor.
    aliases: HashSet<String>,
}

/// Where a mapping's key is written: its position, and the indices of its first character and
/// just after its last (quotes included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyAt {
    pub pos: Pos,
    pub start: usize,
    pub end: usize,
}

/// Where a value is written, in characters of the text (0-based, as `saphyr-parser` counts):
/// its key, when it is the value of a mapping key, and the end of the value's last character.
/// What [`super::validate`] blanks out to read a file without a key it cannot take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extent {
    /// The key, when the value is a mapping's.
    pub key: Option<KeyAt>,
    /// The index of the value's first character.
    pub start: usize,
    /// The index just after the value's last character.
    pub end: usize,
}

impl SpanIndex {
    /// Indexes a YAML text. A text with syntax errors is indexed up to the error (serde_yaml
    /// reports the error itself).
    pub fn new(text: &str) -> Self {
        let mut builder = Builder::default();
        for item in Parser::new_from_str(text) {
            let Ok((event, span)) = item else { break };
            builder.event(event, span);
        }
        SpanIndex {
            values: builder.values,
            extents: builder.extents,
            aliases: builder.aliases,
        }
    }

    /// Where the value at `path` is written, with its key (see [`Extent`]).
    pub fn extent(&self, path: &str) -> Option<Extent> {
        self.extents.get(path).copied()
    }

    /// Position of the key of the value at `path`, when it is a mapping's value.
    pub fn key(&self, path: &str) -> Option<Pos> {
        self.extents.get(path)?.key.map(|k| k.pos)
    }

    /// Position of the value at `path` (segments joined with `.`; `""` is the document).
    pub fn get(&self, path: &str) -> Option<Pos> {
        self.values.get(path).copied()
    }

    /// Position of the value at `path`, which is written in the file: a diagnostic's location.
    /// A debug build asserts that it is (a path misspelt would otherwise fall back silently to
    /// an ancestor's line); a release build falls back as [`SpanIndex::at_or_ancestor`] does.
    pub fn at(&self, path: &ValuePath) -> Option<Pos> {
        debug_assert!(
            self.values.contains_key(path.as_str()) || self.through_alias(path.as_str()),
            "the value path `{path}` is not written in the file (misspelt? or, if the value may be left out, look it up with `at_or_ancestor`)"
        );
        self.nearest(path.as_str())
    }

    /// Whether the value at `path` is below an alias (`values: *v`): written at the anchor, it
    /// is found at the alias.
    fn through_alias(&self, path: &str) -> bool {
        let mut p = path;
        while let Some(i) = p.rfind('.') {
            p = &p[..i];
            if self.aliases.contains(p) {
                return true;
            }
        }
        false
    }

    /// Position of the value at `path` or, when it is not written (a required key left out, a
    /// value taken from a default), of its nearest written ancestor.
    pub fn at_or_ancestor(&self, path: &ValuePath) -> Option<Pos> {
        self.nearest(path.as_str())
    }

    /// Position of the value at `path`, or of its nearest ancestor that has one.
    pub fn nearest(&self, path: &str) -> Option<Pos> {
        let mut p = path;
        loop {
            if let Some(pos) = self.get(p) {
                return Some(pos);
            }
            match p.rfind('.') {
                Some(i) => p = &p[..i],
                None => return self.get(""),
            }
        }
    }
}

/// Deepest nesting a content file may have; a real plan needs fewer than 15 levels.
pub const MAX_DEPTH: usize = 64;

/// Finds the first place where the YAML text nests deeper than `max` levels, reading no
/// further than that (YAML parsers slow down quadratically on deep flow nesting, so this runs
/// before the full parse).
pub fn too_deep(text: &str, max: usize) -> Option<Pos> {
    match prescan(text, max) {
        Some(Problem::TooDeep(pos)) => Some(pos),
        _ => None,
    }
}

/// What the scan before the full parse found wrong with a YAML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Nested deeper than allowed, from here.
    TooDeep(Pos),
    /// A mapping has the same key twice (serde_yaml keeps the last one of a map silently).
    DuplicateKey { key: String, at: Pos, first: Pos },
    /// Aliases (`*name`) expand the document beyond [`MAX_EXPANDED_BYTES`], from here.
    TooLarge(Pos),
    /// A second document starts here (its `---`): a content file is one document.
    SecondDocument(Pos),
    /// A node has an explicit tag (`!!int 0x10`, `!!binary aGk=`, `!foo`), as written.
    Tag { tag: String, at: Pos },
}

/// A tag as it is written: `!!int` for the core schema's, `!foo` for a local one, the full
/// `!<…>` form for any other.
fn tag_text(tag: &saphyr_parser::Tag) -> String {
    match tag.handle.as_str() {
        "" if tag.suffix == "!" => "!".into(),
        "tag:yaml.org,2002:" => format!("!!{}", tag.suffix),
        "!" | "!!" => format!("{}{}", tag.handle, tag.suffix),
        h if h.starts_with('!') && h.ends_with('!') => format!("{h}{}", tag.suffix),
        h => format!("!<{h}{}>", tag.suffix),
    }
}

/// Most bytes of scalar text a content file may expand to once its aliases are replaced by
/// what they name: four times the largest file. A "billion laughs" of long strings stops here
/// instead of filling the memory of the build.
pub const MAX_EXPANDED_BYTES: u64 = 4 * crate::content::MAX_FILE_BYTES;

/// One pass over the YAML events before the full parse: nesting deeper than `max` (checked
/// first, reading no further than that) and duplicate keys in any mapping. Syntax errors are
/// left to the full parse, which reports them.
pub fn prescan(text: &str, max: usize) -> Option<Problem> {
    let mut scan = Prescan::new(max);
    for item in Parser::new_from_str(text) {
        let (event, span) = match item {
            Ok(ok) => ok,
            // The scanner gives up on deep flow nesting by itself.
            Err(e) if e.info().contains("recursion limit") => {
                return Some(Problem::TooDeep(Pos {
                    line: e.marker().line(),
                    column: e.marker().col() + 1,
                }));
            }
            Err(_) => return None,
        };
        let pos = Pos {
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        if let Some(problem) = tagged(text, &event, pos) {
            return Some(problem);
        }
        if let Some(problem) = scan.event(event, pos) {
            return Some(problem);
        }
    }
    None
}

/// A node with an explicit tag, at `pos`: the problem it is.
fn tagged(text: &str, event: &Event<'_>, pos: Pos) -> Option<Problem> {
    match event {
        Event::Scalar(_, _, _, Some(tag))
        | Event::SequenceStart(_, Some(tag))
        | Event::MappingStart(_, Some(tag)) => Some(Problem::Tag {
            tag: tag_text(tag),
            at: tag_pos(text, pos),
        }),
        _ => None,
    }
}

/// Per open container of [`prescan`]: for a mapping, its keys so far and whether a key comes
/// next.
enum Open {
    Map {
        keys: HashMap<String, Pos>,
        expect_key: bool,
    },
    Seq,
}

/// What [`prescan`] knows of the events read so far.
struct Prescan {
    /// The deepest nesting allowed.
    max: usize,
    /// The open containers, outermost first (those inside a mapping key are not tracked).
    stack: Vec<Open>,
    /// Depth of containers that are themselves a mapping key (not tracked).
    complex_key: usize,
    /// Bytes of scalar text so far with every alias expanded.
    expanded: u64,
    /// The size of each anchor.
    anchors: HashMap<usize, u64>,
    /// For each open container: its anchor (0 for none) and `expanded` at its start.
    open: Vec<(usize, u64)>,
    /// Documents started so far.
    documents: usize,
}

impl Prescan {
    /// Nothing read yet.
    fn new(max: usize) -> Self {
        Prescan {
            max,
            stack: Vec::new(),
            complex_key: 0,
            expanded: 0,
            anchors: HashMap::new(),
            open: Vec::new(),
            documents: 0,
        }
    }

    /// Reads one event at `pos`: the first problem it shows, if any.
    fn event(&mut self, event: Event<'_>, pos: Pos) -> Option<Problem> {
        if let Event::DocumentStart(_) = event {
            self.documents += 1;
            if self.documents > 1 {
                return Some(Problem::SecondDocument(pos));
            }
        }
        self.expand(&event);
        if self.expanded > MAX_EXPANDED_BYTES {
            return Some(Problem::TooLarge(pos));
        }
        self.nest(event, pos)
    }

    /// Counts the bytes the event adds with its aliases expanded, and the size of its anchor.
    fn expand(&mut self, event: &Event<'_>) {
        match event {
            Event::Scalar(value, _, anchor, _) => {
                let size = value.len() as u64 + 1;
                self.expanded = self.expanded.saturating_add(size);
                if *anchor > 0 {
                    self.anchors.insert(*anchor, size);
                }
            }
            Event::Alias(id) => {
                let size = self.anchors.get(id).copied().unwrap_or(0);
                self.expanded = self.expanded.saturating_add(size);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.open.push((*anchor, self.expanded));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, start)) = self.open.pop() {
                    if anchor > 0 {
                        self.anchors.insert(anchor, self.expanded - start);
                    }
                }
            }
            _ => {}
        }
    }

    /// Follows the nesting and the keys of each mapping: too deep, or a key a second time.
    fn nest(&mut self, event: Event<'_>, pos: Pos) -> Option<Problem> {
        match event {
            Event::SequenceStart(..) => self.start(Open::Seq, pos),
            Event::MappingStart(..) => self.start(
                Open::Map {
                    keys: HashMap::new(),
                    expect_key: true,
                },
                pos,
            ),
            Event::SequenceEnd | Event::MappingEnd => {
                self.end();
                None
            }
            Event::Scalar(value, ..) => self.scalar(value, pos),
            Event::Alias(_) if self.complex_key == 0 => {
                self.value_done();
                None
            }
            _ => None,
        }
    }

    /// A container starts at `pos`: too deep, or one more level (untracked in a key).
    fn start(&mut self, container: Open, pos: Pos) -> Option<Problem> {
        if self.stack.len() + self.complex_key >= self.max {
            return Some(Problem::TooDeep(pos));
        }
        let at_key = matches!(
            self.stack.last(),
            Some(Open::Map {
                expect_key: true,
                ..
            })
        );
        if self.complex_key > 0 || at_key {
            self.complex_key += 1;
        } else {
            self.stack.push(container);
        }
        None
    }

    /// A container ends: the value it is (or the complex key it is) is done.
    fn end(&mut self) {
        if self.complex_key > 0 {
            self.complex_key -= 1;
            if self.complex_key == 0 {
                self.value_done(); // the complex key is done; its value follows
            }
            return;
        }
        self.stack.pop();
        self.value_done();
    }

    /// A scalar at `pos`: a mapping's key a second time, or a key or value done.
    fn scalar(&mut self, value: Cow<'_, str>, pos: Pos) -> Option<Problem> {
        if self.complex_key > 0 {
            return None;
        }
        if let Some(Open::Map {
            keys,
            expect_key: true,
        }) = self.stack.last_mut()
        {
            if let Some(first) = keys.get(value.as_ref()) {
                return Some(Problem::DuplicateKey {
                    key: value.into_owned(),
                    at: pos,
                    first: *first,
                });
            }
            keys.insert(value.into_owned(), pos);
        }
        self.value_done();
        None
    }

    /// A key or a value is done: in a mapping, a value or a key comes next.
    fn value_done(&mut self) {
        if let Some(Open::Map { expect_key, .. }) = self.stack.last_mut() {
            *expect_key = !*expect_key;
        }
    }
}

/// Where the tag of a node at `pos` is written: the last `!` on the node's line before it (the
/// parser gives the node's own position, after its tag), else the node's position.
fn tag_pos(text: &str, pos: Pos) -> Pos {
    let Some(line) = text.lines().nth(pos.line.saturating_sub(1)) else {
        return pos;
    };
    let before: String = line.chars().take(pos.column.saturating_sub(1)).collect();
    // The tag ends at the whitespace before the node; its `!` starts it.
    let trimmed = before.trim_end();
    match trimmed.rfind(char::is_whitespace).map_or(0, |i| i + 1) {
        start if trimmed[start..].starts_with('!') => Pos {
            line: pos.line,
            column: trimmed[..start].chars().count() + 1,
        },
        _ => pos,
    }
}

enum Frame {
    Map {
        key: Option<String>,
        expect_key: bool,
    },
    Seq {
        index: usize,
    },
}

#[derive(Default)]
struct Builder {
    values: HashMap<String, Pos>,
    extents: HashMap<String, Extent>,
    /// The key just read, waiting for its value.
    pending_key: Option<KeyAt>,
    /// The end of the last token read (a scalar, or a flow collection's closing bracket).
    last_end: usize,
    /// The full paths of the open containers (the root's is `""`).
    open: Vec<String>,
    stack: Vec<Frame>,
    /// Path segments of the open containers below the document root.
    path: Vec<String>,
    /// Nesting depth of containers that are mapping keys (ignored).
    in_complex_key: usize,
    aliases: HashSet<String>,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: saphyr_parser::Span) {
        let pos = Pos {
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        let (start, end) = (span.start.index(), span.end.index());
        match event {
            Event::Scalar(value, ..) => {
                if self.in_complex_key > 0 {
                    return;
                }
                if let Some(Frame::Map { key, expect_key }) = self.stack.last_mut() {
                    if *expect_key {
                        *key = Some(value.into_owned());
                        *expect_key = false;
                        self.pending_key = Some(KeyAt { pos, start, end });
                        self.last_end = end;
                        return;
                    }
                }
                let (_, full) = self.record(pos, start);
                self.last_end = end;
                self.close(&full);
                self.value_done();
            }
            Event::Alias(_) if self.in_complex_key == 0 && !self.at_key() => {
                let (_, full) = self.record(pos, start);
                self.aliases.insert(full.clone());
                self.last_end = end;
                self.close(&full);
                self.value_done();
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if self.in_complex_key > 0 || self.at_key() {
                    self.in_complex_key += 1;
                    return;
                }
                let (segment, full) = self.record(pos, start);
                self.open.push(full);
                if let Some(seg) = segment {
                    self.path.push(seg);
                }
                self.stack
                    .push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Map {
                            key: None,
                            expect_key: true,
                        }
                    } else {
                        Frame::Seq { index: 0 }
                    });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if self.in_complex_key > 0 {
                    self.in_complex_key -= 1;
                    if self.in_complex_key == 0 {
                        // The complex key is done; its value follows.
                        if let Some(Frame::Map { key, expect_key }) = self.stack.last_mut() {
                            *key = Some("?".to_string());
                            *expect_key = false;
                        }
                    }
                    return;
                }
                // A flow collection ends at its bracket; a block one at its last value (its
                // end event stands where the next token starts).
                if end > start {
                    self.last_end = end;
                }
                if let Some(full) = self.open.pop() {
                    self.close(&full);
                }
                self.stack.pop();
                if !self.stack.is_empty() {
                    self.path.pop();
                }
                self.value_done();
            }
            _ => {}
        }
    }

    /// The value at `full` ends where the last token read ends.
    fn close(&mut self, full: &str) {
        if let Some(extent) = self.extents.get_mut(full) {
            if extent.end <= extent.start {
                extent.end = self.last_end.max(extent.start);
            }
        }
    }

    fn at_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::Map {
                expect_key: true,
                ..
            })
        )
    }

    /// Records the position of the value starting here; returns its path segment (`None` for
    /// the document root) and its full path.
    fn record(&mut self, pos: Pos, start: usize) -> (Option<String>, String) {
        let segment = match self.stack.last() {
            None => None,
            Some(Frame::Map { key, .. }) => Some(key.clone().unwrap_or_default()),
            Some(Frame::Seq { index }) => Some(index.to_string()),
        };
        let mut full = self.path.join(".");
        if let Some(seg) = &segment {
            if !full.is_empty() {
                full.push('.');
            }
            full.push_str(seg);
        }
        self.values.entry(full.clone()).or_insert(pos);
        let key = self.pending_key.take();
        self.extents.entry(full.clone()).or_insert(Extent {
            key,
            start,
            end: start,
        });
        (segment, full)
    }

    fn value_done(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Map { expect_key, .. }) => *expect_key = true,
            Some(Frame::Seq { index }) => *index += 1,
            None => {}
        }
    }
}

/// Calls `f(file, file text, key, value, (line, column))` for every scalar value of every
/// content file, with the key it is under (for a value in a sequence, the sequence's key).
/// Keys themselves and comments are not values.
pub fn for_each_value<'p>(
    plan: &'p super::Plan,
    mut f: impl FnMut(&'p std::path::Path, &'p str, &str, &str, (usize, usize)),
) {
    use saphyr_parser::{Event as Y, Parser as YamlParser};
    let mut files: Vec<&std::path::PathBuf> = plan.spans.keys().collect();
    files.sort();
    for file in files {
        let Some(text) = plan.source(file) else {
            continue;
        };
        // Per open collection: whether it is a mapping expecting a key next, and the key its
        // values are under (a sequence's: the key of the sequence itself).
        struct Level {
            mapping: bool,
            expect_key: bool,
            key: String,
        }
        let mut stack: Vec<Level> = Vec::new();
        for item in YamlParser::new_from_str(text) {
            let Ok((event, span)) = item else { break };
            match event {
                Y::MappingStart(..) | Y::SequenceStart(..) => {
                    let key = stack.last().map(|l| l.key.clone()).unwrap_or_default();
                    if let Some(top) = stack.last_mut() {
                        top.expect_key = top.mapping;
                    }
                    stack.push(Level {
                        mapping: matches!(event, Y::MappingStart(..)),
                        expect_key: true,
                        key,
                    });
                }
                Y::MappingEnd | Y::SequenceEnd => {
                    stack.pop();
                }
                Y::Alias(..) => {
                    if let Some(top) = stack.last_mut() {
                        top.expect_key = top.mapping && !top.expect_key;
                    }
                }
                Y::Scalar(value, ..) => {
                    let Some(top) = stack.last_mut() else {
                        continue;
                    };
                    if top.mapping && top.expect_key {
                        top.key = value.to_string();
                        top.expect_key = false;
                        continue;
                    }
                    top.expect_key = top.mapping;
                    let key = top.key.clone();
                    f(
                        file,
                        text,
                        &key,
                        &value,
                        (span.start.line(), span.start.col() + 1),
                    );
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_written_is_found_and_one_left_out_at_its_ancestor() {
        let ix = SpanIndex::new("id: t\nrows:\n  - {id: a, values: [1, 2.5]}\n");
        let row = ValuePath::of("rows").index(0);
        assert_eq!(
            ix.at(&row.key("values").index(1)),
            Some(Pos {
                line: 3,
                column: 25
            })
        );
        assert_eq!(ix.at_or_ancestor(&row.key("control")), ix.at(&row));
    }

    #[test]
    fn a_value_below_an_alias_is_found_at_the_alias() {
        let ix = SpanIndex::new("a: &v [1, 2]\nb: *v\n");
        assert_eq!(
            ix.at(&ValuePath::of("b").index(1)),
            Some(Pos { line: 2, column: 4 })
        );
    }

    /// A misspelt key would find the row's line: a debug build refuses it.
    #[cfg(debug_assertions)]
    #[test]
    #[should_panic(expected = "the value path `rows.0.valeus` is not written in the file")]
    fn a_misspelt_path_is_caught() {
        let ix = SpanIndex::new("id: t\nrows:\n  - {id: a, values: [1, 2.5]}\n");
        ix.at(&ValuePath::of("rows").index(0).key("valeus"));
    }

    #[test]
    fn finds_nested_values() {
        let text =
            "id: t\nrows:\n  - {id: a, values: [1, 2.5]}\n  - id: b\n    values:\n      - 3\n";
        let ix = SpanIndex::new(text);
        assert_eq!(ix.get("id"), Some(Pos { line: 1, column: 5 }));
        assert_eq!(ix.get("rows.0"), Some(Pos { line: 3, column: 5 }));
        assert_eq!(
            ix.get("rows.0.values.1"),
            Some(Pos {
                line: 3,
                column: 25
            })
        );
        assert_eq!(ix.get("rows.1.id"), Some(Pos { line: 4, column: 9 }));
        assert_eq!(ix.get("rows.1.values.0"), Some(Pos { line: 6, column: 9 }));
        assert_eq!(
            ix.nearest("rows.1.values.7"),
            Some(Pos { line: 6, column: 7 })
        );
    }

    #[test]
    fn finds_deep_nesting_quickly() {
        let deep = format!("a: {}{}", "[".repeat(200_000), "]".repeat(200_000));
        let start = std::time::Instant::now();
        assert!(too_deep(&deep, 64).is_some());
        let block = (0..70)
            .map(|i| format!("{}a:\n", "  ".repeat(i)))
            .collect::<String>();
        assert_eq!(too_deep(&block, 64).map(|p| p.line), Some(65));
        assert!(start.elapsed().as_secs() < 5);
        assert_eq!(too_deep("a: [[1]]", 64), None);
    }

    #[test]
    fn finds_duplicate_keys_anywhere() {
        let dup = |t: &str| match prescan(t, 64) {
            Some(Problem::DuplicateKey { key, at, first }) => Some((key, at.line, first.line)),
            _ => None,
        };
        assert_eq!(dup("a: 1\nb: 2\na: 3\n"), Some(("a".into(), 3, 1)));
        assert_eq!(
            dup("rows:\n  - id: x\n    refs: {b2024: t/a, b2024: t/b}\n"),
            Some(("b2024".into(), 3, 3))
        );
        assert_eq!(dup("- {a: 1}\n- {a: 2}\n"), None, "same key in two maps");
        assert_eq!(dup("a: {b: 1}\nc: {b: 2}\n"), None);
        assert_eq!(
            dup("a: [x, x, x]\n"),
            None,
            "repeated list items are not keys"
        );
        assert_eq!(dup("? [k]\n: 1\nb: 2\nb: 3\n"), Some(("b".into(), 4, 3)));
        assert_eq!(dup("a: &x 1\nb: *x\nc: 2\n"), None);
    }

    #[test]
    fn aliases_may_not_expand_a_file_beyond_the_limit() {
        let long = "y".repeat(100_000);
        let aliases = vec!["*n"; 5000].join(", ");
        let text = format!("notes: [&n \"{long}\", {aliases}]\n");
        assert!(matches!(
            prescan(&text, 64),
            Some(Problem::TooLarge(Pos { line: 1, .. }))
        ));
        // Nested anchors count what they expand to.
        let text = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
        assert!(matches!(prescan(text, 64), Some(Problem::TooLarge(_))));
        assert_eq!(prescan("a: &x [1, 2]\nb: *x\n", 64), None);
    }

    #[test]
    fn tags_are_found_as_written() {
        let tag = |t: &str| match prescan(t, 64) {
            Some(Problem::Tag { tag, at }) => Some((tag, at.line, at.column)),
            _ => None,
        };
        assert_eq!(
            tag("id: t\nrows:\n  - {id: a, values: [!!int 0x10, 2]}\n"),
            Some(("!!int".into(), 3, 22))
        );
        assert_eq!(
            tag("label: !!binary aGk=\n"),
            Some(("!!binary".into(), 1, 8))
        );
        assert_eq!(tag("a: !foo x\n"), Some(("!foo".into(), 1, 4)));
        assert_eq!(tag("a: !!str 5\n"), Some(("!!str".into(), 1, 4)));
        assert_eq!(tag("a: !!map\n  b: 1\n"), Some(("!!map".into(), 1, 4)));
        assert_eq!(tag("a: ! x\n").map(|t| t.0), Some("!".into()));
        assert_eq!(tag("a: \"!!int 5\" # !!x\nb: x!y\n"), None, "no tag");
    }

    #[test]
    fn a_second_document_is_found_at_its_marker() {
        let second = |t: &str| match prescan(t, 64) {
            Some(Problem::SecondDocument(at)) => Some((at.line, at.column)),
            _ => None,
        };
        assert_eq!(second("a: 1\n---\nb: 2\n"), Some((2, 1)));
        assert_eq!(second("---\na: 1\n...\n---\nb: 2\n"), Some((4, 1)));
        assert_eq!(second("a: 1\n--- \n"), Some((2, 1)));
        assert_eq!(
            second("---\na: 1\n"),
            None,
            "one document, its start marked"
        );
        assert_eq!(second("a: 1\n...\n"), None);
        assert_eq!(
            second("a: |\n  ---\n  x\n"),
            None,
            "--- inside a block scalar"
        );
    }

    #[test]
    fn survives_broken_yaml() {
        let ix = SpanIndex::new("a: [1, 2\nb: {");
        assert!(ix.get("b").is_none());
    }
}
