//! `vplan build --redline REV`: the new plan with its changes since `REV` marked in place,
//! like `latexdiff`: inserted words underlined, deleted words struck through, a changed amount
//! with its old value struck through before the new one.
//!
//! The marks are private-use characters ([`crate::render::escape`]) put into a copy of the
//! new plan's texts; the escaper turns them into `#vp-ins[…]` / `#vp-del[…]`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::flatten::{flatten, paragraphs};
use super::words::{self, Op, Para};
use crate::content::walk::{lists, lists_mut, walk, walk_mut, At};
use crate::content::{
    Appendix, Block, Chapter, Goal, IcArea, IcRisk, Indicator, InternalControl, Item, Matrix,
    MatrixRow, OrgChart, OrgNode, Perspective, Plan, Sourced, Strategy, TextRow, TextTable,
    ValuePath,
};
use crate::pipeline::Checked;
use crate::render::escape::{DEL_CLOSE, DEL_OPEN, INS_CLOSE, INS_OPEN};
use crate::render::view::{content_root, OldCells, RemovedRow};

/// The new plan with its texts marked and what it no longer has put back struck through
/// where it stood (chapters, sections, goals, indicators, assignments …), and the old values
/// of the changed cells and the removed table rows.
pub fn redline(old: &Checked, new: &Checked) -> (Plan, OldCells) {
    let of = flatten(&old.plan);
    let old_items: HashMap<(&str, &str), &[(&'static str, String)]> = of
        .items
        .iter()
        .map(|i| ((i.kind, i.id.as_str()), i.fields.as_slice()))
        .collect();
    let old_blocks = OldBlocks::of(&old.plan);
    let mut plan = new.plan.clone();
    let m = Marker {
        old_items: &old_items,
        old: &old_blocks,
    };
    m.plan(&mut plan);
    // Row labels and changed cells.
    let mut cells = OldCells::new();
    for (tid, t) in &mut plan.tables {
        let Some(ot) = old.plan.tables.get(tid) else {
            continue;
        };
        for row in &mut t.value.rows {
            if let Some(orow) = ot.value.rows.iter().find(|r| r.id == row.id) {
                row.label = marked(&orow.label, &row.label);
            } else {
                row.label = wrap(&row.label, INS_OPEN, INS_CLOSE);
            }
            for col in &t.value.columns {
                let a = old.computed.get(tid, &row.id, &col.id);
                let b = new.computed.get(tid, &row.id, &col.id);
                let existed = ot.value.rows.iter().any(|r| r.id == row.id);
                if existed && a != b {
                    cells.insert((tid.clone(), row.id.clone(), col.id.clone()), a);
                }
            }
        }
    }
    removed_rows(old, &plan, &mut cells);
    // Tables removed: the old table, struck through, for the blocks put back to show.
    for (tid, ot) in &old.plan.tables {
        if plan.tables.contains_key(tid) || !old.computed.has_table(tid) {
            continue;
        }
        let mut t = ot.clone();
        let tv = &mut t.value;
        tv.caption = del(&tv.caption);
        tv.notes = tv.notes.iter().map(|n| del(n)).collect();
        for row in &mut tv.rows {
            row.label = del(&row.label);
            for v in row.text.values_mut() {
                *v = del(v);
            }
        }
        let values = (0..tv.rows.len())
            .map(|r| {
                (0..tv.columns.len())
                    .map(|k| old.computed.at(tid, r, k))
                    .collect()
            })
            .collect();
        cells.removed_tables.insert(tid.clone(), values);
        plan.tables.insert(tid.clone(), t);
    }
    let r = Restorer::new(&old.plan, &new.plan);
    r.plan(&old.plan, &mut plan, &mut cells);
    cells.removed_sections = r.removed_sections.into_inner();
    (plan, cells)
}

/// Rows removed from a table that is still there: struck through, with their old figures,
/// after the row they followed.
fn removed_rows(old: &Checked, plan: &Plan, cells: &mut OldCells) {
    for (tid, t) in &plan.tables {
        let Some(ot) = old.plan.tables.get(tid) else {
            continue;
        };
        let mut after: Option<String> = None;
        let mut removed = Vec::new();
        for orow in &ot.value.rows {
            if t.value.rows.iter().any(|r| r.id == orow.id) {
                after = Some(orow.id.clone());
                continue;
            }
            removed.push(RemovedRow {
                after: after.clone(),
                label: wrap(&orow.label, DEL_OPEN, DEL_CLOSE),
                texts: t
                    .value
                    .text_columns
                    .iter()
                    .map(|tc| wrap(orow.text_in(&tc.id), DEL_OPEN, DEL_CLOSE))
                    .collect(),
                kind: orow.kind,
                values: t
                    .value
                    .columns
                    .iter()
                    .map(|c| old.computed.get(tid, &orow.id, &c.id))
                    .collect(),
            });
        }
        if !removed.is_empty() {
            cells.removed_rows.insert(tid.clone(), removed);
        }
    }
}

/// A thing's kind and id, as [`flatten`] names it; `text` blocks by their ordinal.
type Key = (&'static str, String);

/// Puts what the new plan no longer has back into the marked plan, struck through, where it
/// stood: after the thing it followed in the old version that the new one still has.
struct Restorer<'a> {
    /// What the new plan has, anywhere: a thing that is not in it was removed (one that was
    /// moved is shown where it now is, not struck where it was).
    present: HashSet<(&'static str, String)>,
    old_blocks: HashMap<&'a str, &'a [Block]>,
    old_goals: HashMap<&'a str, &'a Goal>,
    /// The old plan's text tables and matrices, by id: their removed rows are put back.
    old_tables: OldBlocks<'a>,
    old_strategies: HashMap<&'a str, &'a Strategy>,
    old_perspectives: HashMap<&'a str, &'a Perspective>,
    old_areas: HashMap<&'a str, &'a IcArea>,
    old_risks: HashMap<&'a str, &'a IcRisk>,
    /// The ids of the sections and strategies put back.
    removed_sections: std::cell::RefCell<HashSet<String>>,
    /// The ids of the new plan's tables.
    new_tables: HashSet<&'a str>,
    /// The new content directory: a restored chapter's file is named as if it were there.
    new_root: &'a Path,
    old_root: &'a Path,
}

/// The kinds of things put back when removed.
const RESTORED: &[&str] = &[
    "perspective",
    "chapter",
    "appendix",
    "table",
    "section",
    "goal",
    "indicator",
    "assignment",
    "strategy",
    "text table",
    "matrix",
    "org chart",
    "area",
    "risk",
    "measure",
];

fn block_keys(blocks: &[Block]) -> Vec<Option<Key>> {
    let mut texts = 0;
    blocks
        .iter()
        .map(|b| {
            Some(match b {
                Block::Text(_) => {
                    texts += 1;
                    ("text", texts.to_string())
                }
                Block::Section(s) => ("section", s.id.clone()),
                Block::Goal(g) => ("goal", g.id.clone()),
                Block::Assignment(a) => ("assignment", a.id.clone()),
                Block::Table(id) => ("table", id.clone()),
                Block::TextTable(t) => ("text table", t.id.clone()),
                Block::Matrix(m) => ("matrix", m.id.clone()),
                Block::OrgChart(o) => ("org chart", o.id.clone()),
                Block::Perspectives => ("perspectives", String::new()),
                Block::InternalControl => ("internal control", String::new()),
            })
        })
        .collect()
}

fn keys<T>(items: &[T], kind: &'static str, id: impl Fn(&T) -> &str) -> Vec<Option<Key>> {
    items
        .iter()
        .map(|t| Some((kind, id(t).to_string())))
        .collect()
}

/// Inserts the struck copies of the old things that are gone into `new`, each after the last
/// thing before it in `old` that `new` still has (at the start when there is none).
fn restore<T>(
    old: &[T],
    old_keys: &[Option<Key>],
    new: &mut Vec<T>,
    new_keys: &[Option<Key>],
    gone: &dyn Fn(&Key) -> bool,
    strike: &mut dyn FnMut(&T) -> T,
) {
    let mut slots: Vec<Vec<T>> = (0..=new.len()).map(|_| Vec::new()).collect();
    let mut slot = 0;
    for (o, k) in old.iter().zip(old_keys) {
        let Some(k) = k else { continue };
        if let Some(pos) = new_keys.iter().position(|n| n.as_ref() == Some(k)) {
            slot = slot.max(pos + 1);
        } else if gone(k) {
            slots[slot].push(strike(o));
        }
    }
    if slots.iter().all(Vec::is_empty) {
        return;
    }
    let kept = std::mem::take(new);
    let mut slots = slots.into_iter();
    new.extend(slots.next().into_iter().flatten());
    for (n, s) in kept.into_iter().zip(slots) {
        new.push(n);
        new.extend(s);
    }
}

fn del(text: &str) -> String {
    wrap(text, DEL_OPEN, DEL_CLOSE)
}

impl<'a> Restorer<'a> {
    fn new(old: &'a Plan, new: &'a Plan) -> Self {
        let mut r = Restorer {
            present: flatten(new)
                .items
                .into_iter()
                .map(|i| (i.kind, i.id))
                .collect(),
            old_blocks: HashMap::new(),
            old_goals: HashMap::new(),
            old_tables: OldBlocks::of(old),
            old_strategies: HashMap::new(),
            old_perspectives: HashMap::new(),
            old_areas: HashMap::new(),
            old_risks: HashMap::new(),
            removed_sections: Default::default(),
            new_tables: new.tables.keys().map(String::as_str).collect(),
            new_root: content_root(new),
            old_root: content_root(old),
        };
        lists(old, |list| {
            r.old_blocks.insert(list.container, list.blocks);
            walk(
                list.blocks,
                &ValuePath::ROOT,
                "",
                &mut |b: &'a Block, _: At<'_>| match b {
                    Block::Section(s) => {
                        r.old_blocks.insert(&s.id, &s.blocks);
                    }
                    Block::Goal(g) => {
                        r.old_goals.insert(&g.id, g);
                    }
                    // What else is put back is found by its container's list; text tables and
                    // matrices (their rows) in `old_tables`.
                    Block::Text(_)
                    | Block::Assignment(_)
                    | Block::Table(_)
                    | Block::TextTable(_)
                    | Block::Matrix(_)
                    | Block::Perspectives
                    | Block::InternalControl
                    | Block::OrgChart(_) => {}
                },
            )
        });
        if let Some(g) = &old.goals {
            for p in &g.value.perspectives {
                r.old_perspectives.insert(&p.id, p);
                for g in &p.goals {
                    r.old_goals.insert(&g.id, g);
                }
                for s in &p.strategies {
                    r.old_strategies.insert(&s.id, s);
                    for g in &s.goals {
                        r.old_goals.insert(&g.id, g);
                    }
                }
            }
        }
        if let Some(ic) = &old.internal_control {
            for a in &ic.value.areas {
                r.old_areas.insert(&a.id, a);
                for risk in &a.risks {
                    r.old_risks.insert(&risk.id, risk);
                }
            }
        }
        r
    }

    fn gone(&self, k: &Key) -> bool {
        if k.0 == "table" {
            return !self.new_tables.contains(k.1.as_str());
        }
        RESTORED.contains(&k.0) && !self.present.contains(&(k.0, k.1.clone()))
    }

    /// Restores what was removed throughout `plan`: inside the containers it still has first,
    /// then its removed chapters, appendices, perspectives and internal control's parts.
    fn plan(&self, old: &Plan, plan: &mut Plan, cells: &mut OldCells) {
        for c in &mut plan.chapters {
            let c = &mut c.value;
            self.blocks(&c.id.clone(), &mut c.blocks);
        }
        for a in &mut plan.appendices {
            let a = &mut a.value;
            self.blocks(&a.id.clone(), &mut a.blocks);
        }
        self.removed_chapters(old, plan, cells);
        self.removed_appendices(old, plan);
        if let Some(g) = &mut plan.goals {
            for p in &mut g.value.perspectives {
                self.perspective(p);
            }
        }
        if let (Some(g), Some(og)) = (&mut plan.goals, &old.goals) {
            self.removed_perspectives(&og.value.perspectives, &mut g.value.perspectives);
        }
        if let Some(ic) = &mut plan.internal_control {
            let old_ic = old.internal_control.as_ref().map(|oic| &oic.value);
            self.internal_control(old_ic, &mut ic.value);
        }
    }

    /// The removed chapters, struck through where they stood (noted in `cells`).
    fn removed_chapters(&self, old: &Plan, plan: &mut Plan, cells: &mut OldCells) {
        let new_keys = keys(&plan.chapters, "chapter", |c| &c.value.id);
        restore(
            &old.chapters,
            &keys(&old.chapters, "chapter", |c| &c.value.id),
            &mut plan.chapters,
            &new_keys,
            &|k: &Key| self.gone(k),
            &mut |c: &Sourced<Chapter>| {
                cells.removed_chapters.insert(c.value.id.clone());
                Sourced {
                    file: self.rebased(&c.file),
                    value: Chapter {
                        id: c.value.id.clone(),
                        title: del(&c.value.title),
                        blocks: self.struck_blocks(&c.value.blocks),
                    },
                }
            },
        );
    }

    /// The removed appendices, struck through where they stood.
    fn removed_appendices(&self, old: &Plan, plan: &mut Plan) {
        let new_keys = keys(&plan.appendices, "appendix", |a| &a.value.id);
        restore(
            &old.appendices,
            &keys(&old.appendices, "appendix", |a| &a.value.id),
            &mut plan.appendices,
            &new_keys,
            &|k: &Key| self.gone(k),
            &mut |a: &Sourced<Appendix>| Sourced {
                file: self.rebased(&a.file),
                value: Appendix {
                    label: del(&a.value.label),
                    title: del(&a.value.title),
                    title_block: a.value.title_block.iter().map(|l| del(l)).collect(),
                    short_title: a.value.short_title.as_deref().map(del),
                    blocks: self.struck_blocks(&a.value.blocks),
                    ..a.value.clone()
                },
            },
        );
    }

    /// What was removed inside a perspective that is still there: in its blocks, goals,
    /// assignments and strategies, and its removed strategies.
    fn perspective(&self, p: &mut Perspective) {
        self.blocks(&p.id.clone(), &mut p.blocks);
        let op = self.old_perspectives.get(p.id.as_str()).copied();
        self.goals(op.map(|o| o.goals.as_slice()), &mut p.goals);
        self.assignments(op.map(|o| o.assignments.as_slice()), &mut p.assignments);
        for s in &mut p.strategies {
            self.blocks(&s.id.clone(), &mut s.blocks);
            let os = self.old_strategies.get(s.id.as_str()).copied();
            self.goals(os.map(|o| o.goals.as_slice()), &mut s.goals);
            self.assignments(os.map(|o| o.assignments.as_slice()), &mut s.assignments);
        }
        if let Some(op) = op {
            let new_keys = keys(&p.strategies, "strategy", |s| &s.id);
            restore(
                &op.strategies,
                &keys(&op.strategies, "strategy", |s| &s.id),
                &mut p.strategies,
                &new_keys,
                &|k: &Key| self.gone(k),
                &mut |s: &Strategy| self.struck_strategy(s),
            );
        }
    }

    /// The removed perspectives, struck through where they stood, with their removed
    /// strategies.
    fn removed_perspectives(&self, old_ps: &[Perspective], ps: &mut Vec<Perspective>) {
        let new_keys = keys(ps, "perspective", |p| &p.id);
        restore(
            old_ps,
            &keys(old_ps, "perspective", |p| &p.id),
            ps,
            &new_keys,
            &|k: &Key| self.gone(k),
            &mut |p: &Perspective| Perspective {
                id: self.removed_section(&p.id),
                title: del(&p.title),
                blocks: self.struck_blocks(&p.blocks),
                goals: self.struck_goals(&p.goals),
                assignments: self.struck_items("assignment", &p.assignments),
                strategies: p
                    .strategies
                    .iter()
                    .filter(|s| self.gone(&("strategy", s.id.clone())))
                    .map(|s| self.struck_strategy(s))
                    .collect(),
            },
        );
    }

    /// What was removed from the internal control: inside each area still there, then the
    /// removed areas with their removed risks.
    fn internal_control(&self, old: Option<&InternalControl>, ic: &mut InternalControl) {
        for area in &mut ic.areas {
            self.area(area);
        }
        if let Some(oic) = old {
            let new_keys = keys(&ic.areas, "area", |a| &a.id);
            restore(
                &oic.areas,
                &keys(&oic.areas, "area", |a| &a.id),
                &mut ic.areas,
                &new_keys,
                &|k: &Key| self.gone(k),
                &mut |a: &IcArea| IcArea {
                    id: a.id.clone(),
                    area: del(&a.area),
                    risks: a
                        .risks
                        .iter()
                        .filter(|r| self.gone(&("risk", r.id.clone())))
                        .map(|r| self.struck_risk(r))
                        .collect(),
                },
            );
        }
    }

    /// An area still there: the removed measures of its risks, then its removed risks.
    fn area(&self, area: &mut IcArea) {
        for risk in &mut area.risks {
            if let Some(or) = self.old_risks.get(risk.id.as_str()) {
                let new_keys = keys(&risk.measures, "measure", |m| &m.id);
                restore(
                    &or.measures,
                    &keys(&or.measures, "measure", |m| &m.id),
                    &mut risk.measures,
                    &new_keys,
                    &|k: &Key| self.gone(k),
                    &mut |m: &Item| struck_item(m),
                );
            }
        }
        if let Some(oa) = self.old_areas.get(area.id.as_str()) {
            let new_keys = keys(&area.risks, "risk", |r| &r.id);
            restore(
                &oa.risks,
                &keys(&oa.risks, "risk", |r| &r.id),
                &mut area.risks,
                &new_keys,
                &|k: &Key| self.gone(k),
                &mut |r: &IcRisk| self.struck_risk(r),
            );
        }
    }

    /// Notes a section or strategy as put back; its id.
    fn removed_section(&self, id: &str) -> String {
        self.removed_sections.borrow_mut().insert(id.to_string());
        id.to_string()
    }

    fn rebased(&self, file: &Path) -> std::path::PathBuf {
        match file.strip_prefix(self.old_root) {
            Ok(rel) => self.new_root.join(rel),
            Err(_) => file.to_path_buf(),
        }
    }

    /// Restores what was removed from a container's blocks (and, first, inside the sections,
    /// goals, text tables and matrices it still has).
    fn blocks(&self, container: &str, blocks: &mut Vec<Block>) {
        lists_mut(blocks, container, &mut |container, list| {
            self.list(container, list)
        });
    }

    /// One list of blocks, the lists inside its sections done.
    fn list(&self, container: &str, blocks: &mut Vec<Block>) {
        for b in blocks.iter_mut() {
            match b {
                Block::Goal(g) => self.indicators(g),
                Block::TextTable(t) => self.text_rows(t),
                Block::Matrix(m) => self.matrix_rows(m),
                // A section's blocks are a list of their own.
                Block::Section(_) => {}
                // Removed boxes are not put back: see `org_node`.
                Block::OrgChart(_) => {}
                Block::Text(_)
                | Block::Assignment(_)
                | Block::Table(_)
                | Block::Perspectives
                | Block::InternalControl => {}
            }
        }
        let Some(old) = self.old_blocks.get(container) else {
            return;
        };
        let new_keys = block_keys(blocks);
        restore(
            old,
            &block_keys(old),
            blocks,
            &new_keys,
            &|k| self.gone(k),
            &mut |b| self.struck_block(b),
        );
    }

    /// The rows removed from a text table that is still there, struck through where they
    /// stood (a row's id is its table's: a row not in the table is gone from it).
    fn text_rows(&self, t: &mut TextTable) {
        let Some(old) = self.old_tables.text_tables.get(t.id.as_str()) else {
            return;
        };
        let new_keys = keys(&t.rows, "text table row", |r| &r.id);
        restore(
            &old.rows,
            &keys(&old.rows, "text table row", |r| &r.id),
            &mut t.rows,
            &new_keys,
            &|_| true,
            &mut |r| struck_text_row(r),
        );
    }

    /// The rows removed from a matrix that is still there, struck through where they stood.
    fn matrix_rows(&self, m: &mut Matrix) {
        let Some(old) = self.old_tables.matrices.get(m.id.as_str()) else {
            return;
        };
        let new_keys = keys(&m.rows, "matrix row", |r| &r.id);
        restore(
            &old.rows,
            &keys(&old.rows, "matrix row", |r| &r.id),
            &mut m.rows,
            &new_keys,
            &|_| true,
            &mut |r| MatrixRow {
                label: del(&r.label),
                ..r.clone()
            },
        );
    }

    fn indicators(&self, g: &mut Goal) {
        if let Some(og) = self.old_goals.get(g.id.as_str()) {
            let new_keys = keys(&g.indicators, "indicator", |i| &i.id);
            restore(
                &og.indicators,
                &keys(&og.indicators, "indicator", |i| &i.id),
                &mut g.indicators,
                &new_keys,
                &|k| self.gone(k),
                &mut |i| struck_indicator(i),
            );
        }
    }

    fn goals(&self, old: Option<&[Goal]>, goals: &mut Vec<Goal>) {
        for g in goals.iter_mut() {
            self.indicators(g);
        }
        if let Some(old) = old {
            let new_keys = keys(goals, "goal", |g| &g.id);
            restore(
                old,
                &keys(old, "goal", |g| &g.id),
                goals,
                &new_keys,
                &|k| self.gone(k),
                &mut |g| self.struck_goal(g),
            );
        }
    }

    fn assignments(&self, old: Option<&[Item]>, items: &mut Vec<Item>) {
        if let Some(old) = old {
            let new_keys = keys(items, "assignment", |i| &i.id);
            restore(
                old,
                &keys(old, "assignment", |i| &i.id),
                items,
                &new_keys,
                &|k| self.gone(k),
                &mut |i| struck_item(i),
            );
        }
    }

    /// The blocks of a removed container, struck through; what of it the new plan still has
    /// elsewhere left out.
    fn struck_blocks(&self, blocks: &[Block]) -> Vec<Block> {
        blocks
            .iter()
            .zip(block_keys(blocks))
            .filter(|(b, k)| {
                matches!(b, Block::Text(_)) || k.as_ref().is_some_and(|k| self.gone(k))
            })
            .map(|(b, _)| self.struck_block(b))
            .collect()
    }

    fn struck_block(&self, b: &Block) -> Block {
        match b {
            Block::Text(t) => Block::Text(marked_prose(t, "")),
            Block::Section(s) => Block::Section(crate::content::Section {
                id: self.removed_section(&s.id),
                title: del(&s.title),
                // Unnumbered, so the new plan's numbering stands.
                numbered: Some(false),
                style: s.style,
                blocks: self.struck_blocks(&s.blocks),
            }),
            Block::Goal(g) => Block::Goal(self.struck_goal(g)),
            Block::Assignment(a) => Block::Assignment(struck_item(a)),
            Block::TextTable(t) => {
                let mut t = t.clone();
                t.caption = t.caption.as_deref().map(del);
                t.rows = t.rows.iter().map(struck_text_row).collect();
                Block::TextTable(t)
            }
            Block::Matrix(m) => {
                let mut m = m.clone();
                m.heading = m.heading.as_deref().map(del);
                for r in &mut m.rows {
                    r.label = del(&r.label);
                }
                Block::Matrix(m)
            }
            Block::OrgChart(o) => {
                fn node(n: &mut OrgNode) {
                    n.label = del(&n.label);
                    n.staff.iter_mut().for_each(node);
                    n.children.iter_mut().for_each(node);
                }
                let mut o = o.clone();
                node(&mut o.root);
                Block::OrgChart(o)
            }
            // No text of their own: a table's is struck with the table (`redline`), the
            // goal structure and the internal-control plan are struck where they stand.
            Block::Table(_) | Block::Perspectives | Block::InternalControl => b.clone(),
        }
    }

    fn struck_strategy(&self, s: &Strategy) -> Strategy {
        Strategy {
            id: self.removed_section(&s.id),
            title: del(&s.title),
            blocks: self.struck_blocks(&s.blocks),
            goals: self.struck_goals(&s.goals),
            assignments: self.struck_items("assignment", &s.assignments),
        }
    }

    fn struck_goal(&self, g: &Goal) -> Goal {
        Goal {
            text: del(&g.text),
            indicators: g
                .indicators
                .iter()
                .filter(|i| self.gone(&("indicator", i.id.clone())))
                .map(struck_indicator)
                .collect(),
            ..g.clone()
        }
    }

    fn struck_goals(&self, goals: &[Goal]) -> Vec<Goal> {
        goals
            .iter()
            .filter(|g| self.gone(&("goal", g.id.clone())))
            .map(|g| self.struck_goal(g))
            .collect()
    }

    fn struck_items(&self, kind: &'static str, items: &[Item]) -> Vec<Item> {
        items
            .iter()
            .filter(|i| self.gone(&(kind, i.id.clone())))
            .map(struck_item)
            .collect()
    }

    fn struck_risk(&self, r: &IcRisk) -> IcRisk {
        IcRisk {
            id: r.id.clone(),
            risk: del(&r.risk),
            measures: self.struck_items("measure", &r.measures),
        }
    }
}

fn struck_indicator(i: &Indicator) -> Indicator {
    Indicator {
        id: i.id.clone(),
        text: del(&i.text),
        target: i.target.as_deref().map(del),
    }
}

fn struck_text_row(r: &TextRow) -> TextRow {
    TextRow {
        cells: r.cells.iter().map(|c| del(c)).collect(),
        ..r.clone()
    }
}

fn struck_item(i: &Item) -> Item {
    Item {
        id: i.id.clone(),
        text: del(&i.text),
    }
}

/// What of the old plan's blocks the marker compares the new ones with: the text blocks of
/// each container in order, and the text tables, matrices and organisation charts by id.
/// (Sections, goals and assignments are compared as `diff` flattens them, by id.)
#[derive(Default)]
struct OldBlocks<'a> {
    texts: HashMap<String, Vec<&'a str>>,
    text_tables: HashMap<&'a str, &'a TextTable>,
    matrices: HashMap<&'a str, &'a Matrix>,
    org_charts: HashMap<&'a str, &'a OrgChart>,
}

impl<'a> OldBlocks<'a> {
    fn of(plan: &'a Plan) -> Self {
        let mut old = OldBlocks::default();
        lists(plan, |list| {
            walk(
                list.blocks,
                &list.path,
                list.container,
                &mut |b: &'a Block, at: At<'_>| old.block(b, at),
            )
        });
        old
    }

    fn block(&mut self, b: &'a Block, at: At<'_>) {
        match b {
            Block::Text(t) => self.texts.entry(at.container.into()).or_default().push(t),
            Block::TextTable(t) => {
                self.text_tables.insert(&t.id, t);
            }
            Block::Matrix(m) => {
                self.matrices.insert(&m.id, m);
            }
            Block::OrgChart(o) => {
                self.org_charts.insert(&o.id, o);
            }
            Block::Section(_) | Block::Goal(_) | Block::Assignment(_) => {}
            Block::Table(_) | Block::Perspectives | Block::InternalControl => {}
        }
    }
}

struct Marker<'a> {
    old_items: &'a HashMap<(&'a str, &'a str), &'a [(&'static str, String)]>,
    old: &'a OldBlocks<'a>,
}

impl Marker<'_> {
    /// Marks every text of the new plan but its tables' (which `redline` marks with their
    /// cells).
    fn plan(&self, plan: &mut Plan) {
        for ch in &mut plan.chapters {
            let ch = &mut ch.value;
            self.field("chapter", &ch.id, "title", &mut ch.title);
            self.blocks(&ch.id.clone(), &mut ch.blocks);
        }
        for a in &mut plan.appendices {
            let a = &mut a.value;
            self.field("appendix", &a.id, "title", &mut a.title);
            self.blocks(&a.id.clone(), &mut a.blocks);
        }
        if let Some(goals) = &mut plan.goals {
            for p in &mut goals.value.perspectives {
                self.field("perspective", &p.id, "title", &mut p.title);
                self.blocks(&p.id.clone(), &mut p.blocks);
                self.goals(&mut p.goals);
                self.items("assignment", &mut p.assignments);
                for s in &mut p.strategies {
                    self.field("strategy", &s.id, "title", &mut s.title);
                    self.blocks(&s.id.clone(), &mut s.blocks);
                    self.goals(&mut s.goals);
                    self.items("assignment", &mut s.assignments);
                }
            }
        }
        if let Some(ic) = &mut plan.internal_control {
            for area in &mut ic.value.areas {
                self.field("area", &area.id, "area", &mut area.area);
                for risk in &mut area.risks {
                    self.field("risk", &risk.id, "risk", &mut risk.risk);
                    self.items("measure", &mut risk.measures);
                }
            }
        }
    }

    /// The old text of a field of an item: `None` if the item is new, `""` if the old item
    /// had no such field.
    fn old_field(&self, kind: &str, id: &str, field: &str) -> Option<&str> {
        self.old_items.get(&(kind, id)).map(|fields| {
            fields
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, t)| t.as_str())
                .unwrap_or("")
        })
    }

    /// Marks a field of an item against its old version (all inserted if the item is new).
    fn field(&self, kind: &str, id: &str, field: &str, text: &mut String) {
        *text = match self.old_field(kind, id, field) {
            Some(old) => marked(old, text),
            None => wrap(text, INS_OPEN, INS_CLOSE),
        };
    }

    fn items(&self, kind: &str, items: &mut [Item]) {
        for it in items {
            self.field(kind, &it.id.clone(), "text", &mut it.text);
        }
    }

    /// An indicator's text and target marked; a target set or removed since the old version
    /// is marked as such.
    fn indicators(&self, indicators: &mut [Indicator]) {
        for ind in indicators {
            let id = ind.id.clone();
            self.field("indicator", &id, "text", &mut ind.text);
            let had = self
                .old_field("indicator", &id, "target")
                .is_some_and(|t| !t.is_empty());
            if ind.target.is_some() || had {
                let mut target = ind.target.clone().unwrap_or_default();
                self.field("indicator", &id, "target", &mut target);
                ind.target = Some(target);
            }
        }
    }

    fn goals(&self, goals: &mut [Goal]) {
        for g in goals {
            self.field("goal", &g.id.clone(), "text", &mut g.text);
            self.indicators(&mut g.indicators);
        }
    }

    /// Marks the texts of a container's blocks, and of the sections in them.
    fn blocks(&self, container: &str, blocks: &mut [Block]) {
        // The text blocks of each container seen so far: the next is compared with the old
        // container's text block of that ordinal.
        let mut texts: HashMap<String, usize> = HashMap::new();
        walk_mut(blocks, &ValuePath::ROOT, container, &mut |b, at| match b {
            Block::Text(t) => {
                let k = texts.entry(at.container.to_string()).or_default();
                let old = self.old.texts.get(at.container).and_then(|v| v.get(*k));
                *t = marked_prose(old.copied().unwrap_or(""), t);
                *k += 1;
            }
            Block::Section(s) => self.field("section", &s.id.clone(), "title", &mut s.title),
            Block::Goal(g) => self.goals(std::slice::from_mut(g)),
            Block::Assignment(a) => self.items("assignment", std::slice::from_mut(a)),
            Block::TextTable(t) => self.text_table(t),
            Block::Matrix(m) => self.matrix(m),
            Block::OrgChart(o) => {
                let old = self.old.org_charts.get(o.id.as_str()).map(|o| &o.root);
                // Its alternative text is not printed: a mark in it would be read aloud.
                org_node(old, &mut o.root);
            }
            // A table's texts are in its own file, marked with its rows; the goal structure
            // and the internal-control plan are marked where the plan holds them.
            Block::Table(_) | Block::Perspectives | Block::InternalControl => {}
        });
    }

    /// A text table's caption, column titles and cells, a row's cells against the old row of
    /// its id (all inserted in a new row or table).
    fn text_table(&self, t: &mut TextTable) {
        let old = self.old.text_tables.get(t.id.as_str()).copied();
        optional(old.and_then(|o| o.caption.as_deref()), &mut t.caption);
        columns(old.map(|o| o.columns.as_slice()), &mut t.columns);
        for row in &mut t.rows {
            let orow = old.and_then(|o| o.rows.iter().find(|r| r.id == row.id));
            for (k, cell) in row.cells.iter_mut().enumerate() {
                *cell = match orow.and_then(|r| r.cells.get(k)) {
                    // As `diff` compares cells: whitespace aside.
                    Some(o) if words_of(o) == words_of(cell) => cell.clone(),
                    Some(o) => marked_prose(o, cell),
                    None => wrap(cell, INS_OPEN, INS_CLOSE),
                };
            }
        }
    }

    /// A matrix's heading, column titles and row labels. (Its marks are not text: a mark set
    /// or cleared is a `diff` change of the row that the redline cannot mark in the cell.)
    fn matrix(&self, m: &mut Matrix) {
        let old = self.old.matrices.get(m.id.as_str()).copied();
        optional(old.and_then(|o| o.heading.as_deref()), &mut m.heading);
        columns(old.map(|o| o.columns.as_slice()), &mut m.columns);
        for row in &mut m.rows {
            let orow = old.and_then(|o| o.rows.iter().find(|r| r.id == row.id));
            row.label = against(orow.map(|r| r.label.as_str()), &row.label);
        }
    }
}

/// `new` marked against `old`; all inserted when there was none.
fn against(old: Option<&str>, new: &str) -> String {
    match old {
        Some(old) => marked(old, new),
        None => wrap(new, INS_OPEN, INS_CLOSE),
    }
}

/// An optional text marked against the old one: set, changed, or removed (struck through).
fn optional(old: Option<&str>, new: &mut Option<String>) {
    *new = match (old, new.as_deref()) {
        (old, Some(text)) => Some(against(old, text)),
        (Some(old), None) if !old.trim().is_empty() => Some(del(old)),
        (_, None) => None,
    };
}

/// Column titles against the old ones at the same place.
fn columns(old: Option<&[String]>, new: &mut [String]) {
    for (k, c) in new.iter_mut().enumerate() {
        *c = against(old.and_then(|o| o.get(k)).map(String::as_str), c);
    }
}

fn words_of(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

/// A box of an organisation chart and the boxes under it against the old box in its place
/// ([`org_nodes`]); a box that was removed is not put back (`diff` reports the chart's boxes
/// as one list, and a struck box would still be drawn as one of the chart's).
fn org_node(old: Option<&OrgNode>, new: &mut OrgNode) {
    new.label = against(old.map(|o| o.label.as_str()), &new.label);
    org_nodes(old.map_or(&[], |o| &o.staff), &mut new.staff);
    org_nodes(old.map_or(&[], |o| &o.children), &mut new.children);
}

/// Boxes side by side: each against the old box of the same label, else the old box at its
/// place when that one's label is gone, else as new.
fn org_nodes(old: &[OrgNode], new: &mut [OrgNode]) {
    let labels: Vec<String> = new.iter().map(|n| n.label.clone()).collect();
    for (i, n) in new.iter_mut().enumerate() {
        let same = old.iter().find(|o| o.label == n.label);
        let placed = old.get(i).filter(|o| !labels.contains(&o.label));
        org_node(same.or(placed), n);
    }
}

/// `new` with the words changed since `old` marked.
pub fn marked(old: &str, new: &str) -> String {
    if old == new {
        return new.to_string();
    }
    let mut out = String::new();
    for run in words::diff(old, new) {
        match run.op {
            Op::Equal => out.push_str(&run.text),
            Op::Delete => out.push_str(&wrap(&run.text, DEL_OPEN, DEL_CLOSE)),
            Op::Insert => out.push_str(&wrap(&run.text, INS_OPEN, INS_CLOSE)),
        }
    }
    fix_line_starts(&out)
}

/// Markdown prose with changed paragraphs marked word by word, new paragraphs inserted and
/// removed paragraphs struck through in place.
pub fn marked_prose(old: &str, new: &str) -> String {
    if old == new {
        return new.to_string();
    }
    let (o, n) = (paragraphs(old), paragraphs(new));
    let mut out: Vec<String> = Vec::new();
    for pair in words::align(&o, &n) {
        out.push(match pair {
            Para::Same(k) => n[k].clone(),
            Para::Changed(a, b) => marked(&o[a], &n[b]),
            Para::Removed(a, _) => wrap(&o[a], DEL_OPEN, DEL_CLOSE),
            Para::Added(b) => wrap(&n[b], INS_OPEN, INS_CLOSE),
        });
    }
    out.join("\n\n")
}

/// Text between marks, each line marked on its own (after any list marker), so a marked
/// list stays a list.
pub(crate) fn wrap(text: &str, open: char, close: char) -> String {
    if text.is_empty() || text.trim().is_empty() {
        return text.to_string();
    }
    let s: String = text
        .split('\n')
        .map(|line| {
            if line.trim().is_empty() {
                line.to_string()
            } else {
                format!("{open}{line}{close}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    fix_line_starts(&s)
}

fn is_mark(c: char) -> bool {
    matches!(c, INS_OPEN | INS_CLOSE | DEL_OPEN | DEL_CLOSE)
}

/// Moves marks that stand before a list marker (`- `, `* `, `1. `) or a heading (`# `) at the
/// start of a line to after it, so the Markdown structure is unchanged.
pub(crate) fn fix_line_starts(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            let indent_len = line.len() - line.trim_start_matches([' ', '\t']).len();
            let (indent, rest) = line.split_at(indent_len);
            let marks: String = rest.chars().take_while(|&c| is_mark(c)).collect();
            let body = &rest[marks.len()..];
            let marker_len = list_marker_len(body);
            if marks.is_empty() || marker_len == 0 {
                return line.to_string();
            }
            format!(
                "{indent}{}{marks}{}",
                &body[..marker_len],
                &body[marker_len..]
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn list_marker_len(s: &str) -> usize {
    for m in ["- ", "* ", "+ "] {
        if s.starts_with(m) {
            return m.len();
        }
    }
    let digits = s.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && (s[digits..].starts_with(". ") || s[digits..].starts_with(") ")) {
        return digits + 2;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(s: &str) -> String {
        s.replace(INS_OPEN, "{+")
            .replace(INS_CLOSE, "+}")
            .replace(DEL_OPEN, "[-")
            .replace(DEL_CLOSE, "-]")
    }

    #[test]
    fn words_are_marked() {
        assert_eq!(
            show(&marked(
                "Budgeten är preliminär.",
                "Budgeten är fastställd."
            )),
            "Budgeten är [-preliminär.-]{+fastställd.+}"
        );
    }

    #[test]
    fn list_items_stay_list_items() {
        let out = marked_prose("Intro.\n\n- a\n- b", "Intro.\n\n- a\n- b\n- c");
        assert!(show(&out).ends_with("- b\n- {+c+}"), "{}", show(&out));
        let out = marked_prose("Intro.", "Intro.\n\n- ny\n- punkt");
        assert_eq!(show(&out), "Intro.\n\n- {+ny+}\n- {+punkt+}");
    }

    #[test]
    fn removed_things_go_back_after_what_they_followed() {
        let k = |ids: &[&str]| -> Vec<Option<Key>> {
            ids.iter().map(|i| Some(("goal", i.to_string()))).collect()
        };
        // a, b, c, d, e became c, a, e (b and d removed, c moved first); x and y are gone
        // from here but `x` is still elsewhere in the plan.
        let old = ["x", "b", "a", "c", "d", "y", "e"];
        let mut new = vec!["c".to_string(), "a".to_string(), "e".to_string()];
        let new_keys = k(&["c", "a", "e"]);
        restore(
            &old.map(String::from),
            &k(&old),
            &mut new,
            &new_keys,
            &|key| key.1 != "x",
            &mut |s| format!("-{s}"),
        );
        assert_eq!(new, ["-b", "c", "a", "-d", "-y", "e"]);
    }

    #[test]
    fn removed_paragraphs_are_struck_in_place() {
        let out = marked_prose("Ett.\n\nTvå.\n\nTre.", "Ett.\n\nTre.");
        assert_eq!(show(&out), "Ett.\n\n[-Två.-]\n\nTre.");
    }
}
