//! The one walk over blocks. Every pass that looks into blocks (the checks, figure references
//! in prose, the plan's items, `diff`'s flattening and the redline) walks them with this
//! module, so that a new kind of [`Block`] is a compiler error in one place — [`children`]
//! and [`for_each_text`] — and, where a pass matches on the kinds itself, in that pass's own
//! exhaustive `match`, never a `_ => {}` that lets a new kind's texts slip by.
//!
//! - [`walk`] yields every block of a list and of the sections inside it, in reading order (a
//!   section before its blocks), with its value path, depth and container; [`walk_mut`] the
//!   same for changing blocks in place, [`lists_mut`] each list, inner ones first, for
//!   inserting blocks into it.
//! - [`for_each_text`] yields every text a block carries itself (not its section's blocks),
//!   with its value path and how it is printed ([`Printed`]).
//! - [`lists`] yields the block lists of a plan that nothing else holds: the chapters',
//!   the appendices', and the perspectives' and strategies' of `goals.yaml`.

use std::path::Path;

use super::{Block, OrgNode, Plan, ValuePath};

/// Where a block stands.
#[derive(Debug, Clone, Copy)]
pub struct At<'p> {
    /// The block's value path in its file (`blocks.2`, `blocks.0.section.blocks.1`).
    pub path: &'p ValuePath,
    /// 0 for a block of the list walked, one more inside each section.
    pub depth: usize,
    /// The id of the container whose list holds the block: the one the walk began with
    /// (a chapter, appendix, perspective or strategy), or the section it stands in.
    pub container: &'p str,
}

/// What sees each block of a [`walk`]: a closure `|block, at| …`, or a pass of its own that
/// walks further lists from inside (the goal structure where `- perspectives` places it).
pub trait Visit<'a> {
    fn block(&mut self, block: &'a Block, at: At<'_>);
}

impl<'a, F: FnMut(&'a Block, At<'_>)> Visit<'a> for F {
    fn block(&mut self, block: &'a Block, at: At<'_>) {
        self(block, at)
    }
}

/// Every block of `list` (whose value path is `path`, held by `container`) and of the
/// sections inside it, in reading order: a section, then its blocks.
pub fn walk<'a>(list: &'a [Block], path: &ValuePath, container: &str, v: &mut impl Visit<'a>) {
    walk_at(list, path, container, 0, v);
}

fn walk_at<'a>(
    list: &'a [Block],
    path: &ValuePath,
    container: &str,
    depth: usize,
    v: &mut impl Visit<'a>,
) {
    for (i, block) in list.iter().enumerate() {
        let bp = path.index(i);
        v.block(
            block,
            At {
                path: &bp,
                depth,
                container,
            },
        );
        if let Some((id, inner)) = children(block) {
            walk_at(inner, &inner_path(&bp), id, depth + 1, v);
        }
    }
}

/// [`walk`] for changing blocks in place: `f` sees a section before its blocks (as they are
/// after `f`).
pub fn walk_mut(
    list: &mut [Block],
    path: &ValuePath,
    container: &str,
    f: &mut dyn FnMut(&mut Block, At<'_>),
) {
    walk_mut_at(list, path, container, 0, f);
}

fn walk_mut_at(
    list: &mut [Block],
    path: &ValuePath,
    container: &str,
    depth: usize,
    f: &mut dyn FnMut(&mut Block, At<'_>),
) {
    for (i, block) in list.iter_mut().enumerate() {
        let bp = path.index(i);
        f(
            block,
            At {
                path: &bp,
                depth,
                container,
            },
        );
        if let Some((id, inner)) = children_mut(block) {
            walk_mut_at(inner, &inner_path(&bp), &id, depth + 1, f);
        }
    }
}

/// Every list of blocks in `list` and `list` itself, each with the id of its container, the
/// inner ones first (a section's blocks before the list that holds the section), so that `f`
/// may insert blocks into a list without seeing them again.
pub fn lists_mut(list: &mut Vec<Block>, container: &str, f: &mut dyn FnMut(&str, &mut Vec<Block>)) {
    for block in list.iter_mut() {
        if let Some((id, inner)) = children_mut(block) {
            lists_mut(inner, &id, f);
        }
    }
    f(container, list);
}

/// The path of a section's blocks under the block's path: `blocks.0.section.blocks`.
pub fn inner_path(block: &ValuePath) -> ValuePath {
    block.key("section").key("blocks")
}

/// The blocks a block holds, with the id of their container: a section's. Every kind is
/// named: a new kind that holds blocks must say so here, or its blocks are never walked.
pub fn children(block: &Block) -> Option<(&str, &[Block])> {
    match block {
        Block::Section(s) => Some((&s.id, &s.blocks)),
        Block::Text(_)
        | Block::Goal(_)
        | Block::Assignment(_)
        | Block::Table(_)
        | Block::TextTable(_)
        | Block::Matrix(_)
        | Block::Perspectives
        | Block::InternalControl
        | Block::OrgChart(_) => None,
    }
}

fn children_mut(block: &mut Block) -> Option<(String, &mut Vec<Block>)> {
    match block {
        Block::Section(s) => Some((s.id.clone(), &mut s.blocks)),
        Block::Text(_)
        | Block::Goal(_)
        | Block::Assignment(_)
        | Block::Table(_)
        | Block::TextTable(_)
        | Block::Matrix(_)
        | Block::Perspectives
        | Block::InternalControl
        | Block::OrgChart(_) => None,
    }
}

/// How a text of a block is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Printed {
    /// A text block: Markdown, its figure references (`{{ … }}`) expanded.
    Prose,
    /// Markdown printed as written, without figure references: a text table's cells.
    Markdown,
    /// Printed as it stands: a heading, a goal, a label, a caption, a column title.
    Plain,
    /// Not printed on the page: an organisation chart's alternative text.
    Unprinted,
}

/// A text a block carries.
#[derive(Debug, Clone)]
pub struct BlockText<'a> {
    /// Its value path in the block's file.
    pub path: ValuePath,
    pub text: &'a str,
    pub printed: Printed,
}

/// Every text `block` (at value path `path`) carries itself, in the order it is written; a
/// section's blocks are blocks of their own ([`walk`] yields them), a table placed by id has
/// its texts in its own file. Every kind is named: a new kind with text must list it here.
pub fn for_each_text<'a>(block: &'a Block, path: &ValuePath, f: &mut dyn FnMut(BlockText<'a>)) {
    let mut put = |path: ValuePath, text: &'a str, printed: Printed| {
        f(BlockText {
            path,
            text,
            printed,
        })
    };
    match block {
        Block::Text(t) => put(path.key("text"), t, Printed::Prose),
        Block::Section(s) => put(path.key("section").key("title"), &s.title, Printed::Plain),
        Block::Goal(g) => {
            let gp = path.key("goal");
            put(gp.key("text"), &g.text, Printed::Plain);
            for (i, ind) in g.indicators.iter().enumerate() {
                let ip = gp.key("indicators").index(i);
                put(ip.key("text"), &ind.text, Printed::Plain);
                if let Some(target) = &ind.target {
                    put(ip.key("target"), target, Printed::Plain);
                }
            }
        }
        Block::Assignment(a) => put(path.key("assignment").key("text"), &a.text, Printed::Plain),
        Block::TextTable(t) => {
            let tp = path.key("text_table");
            if let Some(caption) = &t.caption {
                put(tp.key("caption"), caption, Printed::Plain);
            }
            for (k, c) in t.columns.iter().enumerate() {
                put(tp.key("columns").index(k), c, Printed::Plain);
            }
            for (j, row) in t.rows.iter().enumerate() {
                let cells = tp.key("rows").index(j).key("cells");
                for (k, cell) in row.cells.iter().enumerate() {
                    put(cells.index(k), cell, Printed::Markdown);
                }
            }
        }
        Block::Matrix(m) => {
            let mp = path.key("matrix");
            for (k, c) in m.columns.iter().enumerate() {
                put(mp.key("columns").index(k), c, Printed::Plain);
            }
            if let Some(heading) = &m.heading {
                put(mp.key("heading"), heading, Printed::Plain);
            }
            for (j, row) in m.rows.iter().enumerate() {
                put(
                    mp.key("rows").index(j).key("label"),
                    &row.label,
                    Printed::Plain,
                );
            }
        }
        Block::OrgChart(o) => {
            let op = path.key("org_chart");
            put(op.key("alt"), &o.alt, Printed::Unprinted);
            org_texts(&o.root, &op.key("root"), &mut put);
        }
        Block::Table(_) | Block::Perspectives | Block::InternalControl => {}
    }
}

fn org_texts<'a>(
    node: &'a OrgNode,
    path: &ValuePath,
    put: &mut dyn FnMut(ValuePath, &'a str, Printed),
) {
    put(path.key("label"), &node.label, Printed::Plain);
    for (i, s) in node.staff.iter().enumerate() {
        org_texts(s, &path.key("staff").index(i), put);
    }
    for (i, c) in node.children.iter().enumerate() {
        org_texts(c, &path.key("children").index(i), put);
    }
}

/// A list of blocks that a plan's file holds at its top: a chapter's, an appendix's, a
/// perspective's or a strategy's.
#[derive(Debug, Clone)]
pub struct List<'a> {
    pub file: &'a Path,
    /// The list's value path in the file (`blocks`, `perspectives.0.strategies.1.blocks`).
    pub path: ValuePath,
    /// The id of the chapter, appendix, perspective or strategy.
    pub container: &'a str,
    pub blocks: &'a [Block],
}

/// The plan's top lists of blocks, in the order of the files: chapters, appendices, then the
/// perspectives of `goals.yaml`, each followed by its strategies. (Where `goals.yaml` is
/// printed is a block of its own, `- perspectives`; passes that follow the printed order
/// walk its lists there.)
pub fn lists<'a>(plan: &'a Plan, mut f: impl FnMut(List<'a>)) {
    for c in &plan.chapters {
        f(List {
            file: &c.file,
            path: ValuePath::of("blocks"),
            container: &c.value.id,
            blocks: &c.value.blocks,
        });
    }
    for a in &plan.appendices {
        f(List {
            file: &a.file,
            path: ValuePath::of("blocks"),
            container: &a.value.id,
            blocks: &a.value.blocks,
        });
    }
    let Some(goals) = &plan.goals else { return };
    for (i, p) in goals.value.perspectives.iter().enumerate() {
        let perspective = ValuePath::of("perspectives").index(i);
        f(List {
            file: &goals.file,
            path: perspective.key("blocks"),
            container: &p.id,
            blocks: &p.blocks,
        });
        for (j, s) in p.strategies.iter().enumerate() {
            f(List {
                file: &goals.file,
                path: perspective.key("strategies").index(j).key("blocks"),
                container: &s.id,
                blocks: &s.blocks,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Every kind of block with every field set.
    const SAMPLE: &str = r#"
- text: Inledning.
- section:
    id: s
    title: Avsnitt
    numbered: true
    style: minor
    blocks:
      - text: Inne i avsnittet.
      - section: {id: s2, title: Djupare, blocks: [{assignment: {id: u, text: Ett uppdrag}}]}
- goal:
    id: g
    kind: effektmal
    number: 3
    text: Ett mål
    indicators: [{id: i, text: En indikator, target: minst 85 %}]
- table: driftbudget
- assignment: {id: a, text: Ett uppdrag till}
- text_table:
    id: tt
    caption: Bildtext
    columns: [A, B]
    rows: [{id: r, cells: [Cell 1, Cell 2], header: true}]
- matrix:
    id: m
    columns: [X, Y]
    heading: Rubrik
    rows: [{id: mr, label: Rad, marks: [true, false]}]
- perspectives
- internal_control
- org_chart:
    id: o
    alt: Beskrivning
    root: {label: Topp, staff: [{label: Stab}], children: [{label: Under, children: [{label: Längst ned}]}]}
"#;

    fn sample() -> Vec<Block> {
        serde_yaml::from_str(SAMPLE).unwrap()
    }

    /// Every string value of `v` at its path, but ids, the words of an enum and a table's id.
    fn strings(v: &serde_json::Value, path: &str, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::String(_) => {
                let last = path.rsplit('.').next().unwrap();
                let word = last.parse::<usize>().is_ok() && path.matches('.').count() == 1;
                if !["id", "kind", "style", "table"].contains(&last) && !word {
                    out.insert(path.to_string());
                }
            }
            serde_json::Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    strings(x, &format!("{path}.{i}"), out);
                }
            }
            serde_json::Value::Object(o) => {
                for (k, x) in o {
                    strings(x, &format!("{path}.{k}"), out);
                }
            }
            _ => {}
        }
    }

    fn keys(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
            serde_json::Value::Object(o) => {
                for (k, x) in o {
                    out.insert(k.clone());
                    keys(x, out);
                }
            }
            _ => {}
        }
    }

    /// The sample sets every field a block may have: a field added to a kind of block fails
    /// here until the sample has it (and, when it is text, `for_each_text` yields it).
    #[test]
    fn the_sample_has_every_kind_and_every_field() {
        let sample = serde_json::to_value(sample()).unwrap();
        let mut written = BTreeSet::new();
        keys(&sample, &mut written);
        let schema = schemars::schema_for!(Block).to_value();
        let mut fields = BTreeSet::new();
        keys_of_properties(&schema, &mut fields);
        let missing: Vec<_> = fields.difference(&written).collect();
        assert!(missing.is_empty(), "the sample lacks {missing:?}");
        let kinds: BTreeSet<String> = sample
            .as_array()
            .unwrap()
            .iter()
            .map(|b| match b {
                serde_json::Value::String(s) => s.clone(),
                b => b.as_object().unwrap().keys().next().unwrap().clone(),
            })
            .collect();
        let all: BTreeSet<String> = crate::content::BLOCK_KINDS
            .iter()
            .map(|k| k.to_string())
            .collect();
        assert_eq!(kinds, all);
    }

    fn keys_of_properties(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Array(a) => a.iter().for_each(|x| keys_of_properties(x, out)),
            serde_json::Value::Object(o) => {
                if let Some(serde_json::Value::Object(p)) = o.get("properties") {
                    out.extend(p.keys().cloned());
                }
                o.values().for_each(|x| keys_of_properties(x, out));
            }
            _ => {}
        }
    }

    /// `walk` and `for_each_text` together yield every text of the blocks, at the path
    /// `spans` knows it by.
    #[test]
    fn every_text_of_every_block_is_yielded_at_its_path() {
        let blocks = sample();
        let mut expected = BTreeSet::new();
        strings(
            &serde_json::to_value(&blocks).unwrap(),
            "blocks",
            &mut expected,
        );
        let mut yielded = BTreeSet::new();
        walk(&blocks, &ValuePath::of("blocks"), "ch", &mut |b: &Block,
                                                            at: At<
            '_,
        >| {
            for_each_text(b, at.path, &mut |t| {
                assert!(yielded.insert(t.path.to_string()), "yielded twice");
            })
        });
        assert_eq!(yielded, expected);
    }

    #[test]
    fn walks_in_reading_order_with_depth_and_container() {
        let blocks = sample();
        let mut seen = Vec::new();
        walk(&blocks, &ValuePath::of("blocks"), "ch", &mut |_: &Block,
                                                            at: At<
            '_,
        >| {
            seen.push(format!("{} {} {}", at.path, at.depth, at.container))
        });
        assert_eq!(
            seen[..6],
            [
                "blocks.0 0 ch",
                "blocks.1 0 ch",
                "blocks.1.section.blocks.0 1 s",
                "blocks.1.section.blocks.1 1 s",
                "blocks.1.section.blocks.1.section.blocks.0 2 s2",
                "blocks.2 0 ch",
            ]
        );
        assert_eq!(seen.len(), 13);
        let mut blocks = blocks;
        let mut paths = Vec::new();
        walk_mut(&mut blocks, &ValuePath::of("blocks"), "ch", &mut |_, at| {
            paths.push(at.path.to_string())
        });
        let walked: Vec<String> = seen
            .iter()
            .map(|s| s.split(' ').next().unwrap().to_string())
            .collect();
        assert_eq!(paths, walked);
        let mut order = Vec::new();
        lists_mut(&mut blocks, "ch", &mut |c, list| {
            order.push(format!("{c} {}", list.len()))
        });
        assert_eq!(order, ["s2 1", "s 2", "ch 10"]);
    }

    /// No `match` over blocks outside this file lets a kind through with `_ =>` (or a name
    /// that takes any block), and none picks one kind with `if let`/`let … else`: a new kind
    /// must be a compiler error wherever blocks are matched.
    #[test]
    fn every_match_over_blocks_names_every_kind() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.unwrap();
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let at = format!("{}:{}", path.display(), i + 1);
                let t = line.trim_start();
                if t.contains(&["let ", "Block::"].concat()) {
                    found.push(at);
                } else if wildcard_arm(t) && sibling_arms_match_blocks(&lines, i) {
                    found.push(format!("{at}: {t}"));
                }
            }
        }
        assert!(
            found.is_empty(),
            "blocks matched without naming every kind: {found:#?}"
        );
    }

    /// `_ =>`, `_ if … =>` or a bare name binding anything (`other =>`).
    fn wildcard_arm(t: &str) -> bool {
        let Some((pattern, _)) = t.split_once("=>") else {
            return false;
        };
        let pattern = pattern.split(" if ").next().unwrap().trim();
        pattern == "_"
            || (!pattern.is_empty() && pattern.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
    }

    /// Whether an arm before line `i`, at its indentation in the same `match`, is a block's.
    fn sibling_arms_match_blocks(lines: &[&str], i: usize) -> bool {
        let indent = |l: &str| l.len() - l.trim_start().len();
        let own = indent(lines[i]);
        for l in lines[..i].iter().rev() {
            if l.trim().is_empty() {
                continue;
            }
            if indent(l) < own {
                return false;
            }
            let t = l.trim_start();
            if indent(l) == own && (t.starts_with("Block::") || t.starts_with("| Block::")) {
                return true;
            }
        }
        false
    }
}
