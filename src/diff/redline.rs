//! `vplan build --redline REV`: the new plan with its changes since `REV` marked in place,
//! like `latexdiff`: inserted words underlined, deleted words struck through, a changed amount
//! with its old value struck through before the new one.
//!
//! The marks are private-use characters ([`crate::render::escape`]) put into a copy of the
//! new plan's texts; the escaper turns them into `#vp-ins[…]` / `#vp-del[…]`.

use std::collections::HashMap;

use super::flatten::{flatten, paragraphs};
use super::words::{self, Op, Para};
use crate::content::{Block, Goal, Item, Plan};
use crate::pipeline::Checked;
use crate::render::escape::{DEL_CLOSE, DEL_OPEN, INS_CLOSE, INS_OPEN};
use crate::render::view::OldCells;

/// The new plan with its texts marked, and the old values of the changed cells.
pub fn redline(old: &Checked, new: &Checked) -> (Plan, OldCells) {
    let of = flatten(&old.plan);
    let old_items: HashMap<(&str, &str), &[(&'static str, String)]> = of
        .items
        .iter()
        .map(|i| ((i.kind, i.id.as_str()), i.fields.as_slice()))
        .collect();
    let old_text = text_blocks(&old.plan);
    let mut plan = new.plan.clone();
    let m = Marker {
        old_items: &old_items,
        old_text: &old_text,
    };
    for ch in &mut plan.chapters {
        let ch = &mut ch.value;
        m.field("chapter", &ch.id, "title", &mut ch.title);
        m.blocks(&ch.id.clone(), &mut ch.blocks);
    }
    for a in &mut plan.appendices {
        let a = &mut a.value;
        m.field("appendix", &a.id, "title", &mut a.title);
        m.blocks(&a.id.clone(), &mut a.blocks);
    }
    if let Some(goals) = &mut plan.goals {
        for p in &mut goals.value.perspectives {
            m.field("perspective", &p.id, "title", &mut p.title);
            m.blocks(&p.id.clone(), &mut p.blocks);
            m.goals(&mut p.goals);
            m.items("assignment", &mut p.assignments);
            for s in &mut p.strategies {
                m.field("strategy", &s.id, "title", &mut s.title);
                m.blocks(&s.id.clone(), &mut s.blocks);
                m.goals(&mut s.goals);
                m.items("assignment", &mut s.assignments);
            }
        }
    }
    if let Some(ic) = &mut plan.internal_control {
        for area in &mut ic.value.areas {
            m.field("area", &area.id, "area", &mut area.area);
            for risk in &mut area.risks {
                m.field("risk", &risk.id, "risk", &mut risk.risk);
                m.items("measure", &mut risk.measures);
            }
        }
    }
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
    (plan, cells)
}

/// The text blocks of each container, in order.
fn text_blocks(plan: &Plan) -> HashMap<String, Vec<String>> {
    fn walk(container: &str, blocks: &[Block], out: &mut HashMap<String, Vec<String>>) {
        for b in blocks {
            match b {
                Block::Text(t) => out
                    .entry(container.to_string())
                    .or_default()
                    .push(t.clone()),
                Block::Section(s) => walk(&s.id, &s.blocks, out),
                _ => {}
            }
        }
    }
    let mut out = HashMap::new();
    for c in &plan.chapters {
        walk(&c.value.id, &c.value.blocks, &mut out);
    }
    for a in &plan.appendices {
        walk(&a.value.id, &a.value.blocks, &mut out);
    }
    if let Some(g) = &plan.goals {
        for p in &g.value.perspectives {
            walk(&p.id, &p.blocks, &mut out);
            for s in &p.strategies {
                walk(&s.id, &s.blocks, &mut out);
            }
        }
    }
    out
}

struct Marker<'a> {
    old_items: &'a HashMap<(&'a str, &'a str), &'a [(&'static str, String)]>,
    old_text: &'a HashMap<String, Vec<String>>,
}

impl Marker<'_> {
    /// Marks a field of an item against its old version (all inserted if the item is new).
    fn field(&self, kind: &str, id: &str, field: &str, text: &mut String) {
        let old = self.old_items.get(&(kind, id)).map(|fields| {
            fields
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, t)| t.as_str())
                .unwrap_or("")
        });
        *text = match old {
            Some(old) => marked(old, text),
            None => wrap(text, INS_OPEN, INS_CLOSE),
        };
    }

    fn items(&self, kind: &str, items: &mut [Item]) {
        for it in items {
            self.field(kind, &it.id.clone(), "text", &mut it.text);
        }
    }

    fn goals(&self, goals: &mut [Goal]) {
        for g in goals {
            self.field("goal", &g.id.clone(), "text", &mut g.text);
            self.items("indicator", &mut g.indicators);
        }
    }

    fn blocks(&self, container: &str, blocks: &mut [Block]) {
        let mut k = 0;
        for b in blocks {
            match b {
                Block::Text(t) => {
                    let old = self
                        .old_text
                        .get(container)
                        .and_then(|v| v.get(k))
                        .map(String::as_str)
                        .unwrap_or("");
                    *t = marked_prose(old, t);
                    k += 1;
                }
                Block::Section(s) => {
                    self.field("section", &s.id.clone(), "title", &mut s.title);
                    self.blocks(&s.id.clone(), &mut s.blocks);
                }
                Block::Goal(g) => self.goals(std::slice::from_mut(g)),
                Block::Assignment(a) => self.items("assignment", std::slice::from_mut(a)),
                _ => {}
            }
        }
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
fn wrap(text: &str, open: char, close: char) -> String {
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
fn fix_line_starts(text: &str) -> String {
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
    fn removed_paragraphs_are_struck_in_place() {
        let out = marked_prose("Ett.\n\nTvå.\n\nTre.", "Ett.\n\nTre.");
        assert_eq!(show(&out), "Ett.\n\n[-Två.-]\n\nTre.");
    }
}
