//! Rules on the loaded content that the types alone cannot express: ids are unique, every
//! reference points at something that exists, rows have as many cells as their table has
//! columns.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::content::{Block, Goal, Item, Plan};
use crate::diag::Diagnostic;

/// Checks a plan; returns every problem found.
pub fn check(plan: &Plan) -> Vec<Diagnostic> {
    let mut c = Checker {
        plan,
        ids: HashMap::new(),
        diags: Vec::new(),
    };
    for ch in &plan.chapters {
        c.id(&ch.file, "chapter", &ch.value.id);
        c.blocks(&ch.file, &ch.value.blocks);
    }
    for a in &plan.appendices {
        c.id(&a.file, "appendix", &a.value.id);
        c.blocks(&a.file, &a.value.blocks);
    }
    if let Some(goals) = &plan.goals {
        for p in &goals.value.perspectives {
            c.id(&goals.file, "perspective", &p.id);
            c.blocks(&goals.file, &p.blocks);
            c.goals(&goals.file, &p.goals, &p.assignments);
            for s in &p.strategies {
                c.id(&goals.file, "strategy", &s.id);
                c.blocks(&goals.file, &s.blocks);
                c.goals(&goals.file, &s.goals, &s.assignments);
            }
        }
    }
    if let Some(ic) = &plan.internal_control {
        for area in &ic.value.areas {
            c.id(&ic.file, "internal-control area", &area.id);
            for risk in &area.risks {
                c.id(&ic.file, "risk", &risk.id);
                for m in &risk.measures {
                    c.id(&ic.file, "measure", &m.id);
                }
            }
        }
    }
    c.diags
}

struct Checker<'a> {
    plan: &'a Plan,
    /// Every id seen, with the file it was first seen in.
    ids: HashMap<String, PathBuf>,
    diags: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn id(&mut self, file: &Path, what: &str, id: &str) {
        if id.trim().is_empty() {
            self.diags
                .push(Diagnostic::error(file, format!("a {what} has an empty id")));
            return;
        }
        if let Some(first) = self.ids.get(id) {
            self.diags.push(
                Diagnostic::error(file, format!("duplicate id `{id}` ({what})"))
                    .with_hint(format!("`{id}` is already used in {}", first.display())),
            );
        } else {
            self.ids.insert(id.to_string(), file.to_path_buf());
        }
    }

    fn goals(&mut self, file: &Path, goals: &[Goal], assignments: &[Item]) {
        for g in goals {
            self.goal(file, g);
        }
        for a in assignments {
            self.id(file, "assignment", &a.id);
        }
    }

    fn goal(&mut self, file: &Path, g: &Goal) {
        self.id(file, "goal", &g.id);
        for i in &g.indicators {
            self.id(file, "indicator", &i.id);
        }
    }

    fn blocks(&mut self, file: &Path, blocks: &[Block]) {
        for b in blocks {
            match b {
                Block::Text(_) => {}
                Block::Section(s) => {
                    self.id(file, "section", &s.id);
                    self.blocks(file, &s.blocks);
                }
                Block::Goal(g) => self.goal(file, g),
                Block::Assignment(a) => self.id(file, "assignment", &a.id),
                Block::Table(id) => {
                    if !self.plan.tables.contains_key(id) {
                        let known: Vec<&str> =
                            self.plan.tables.keys().map(String::as_str).collect();
                        let mut d = Diagnostic::error(
                            file,
                            format!("refers to table `{id}`, which does not exist"),
                        );
                        if let Some(close) = closest(id, &known) {
                            d = d.with_hint(format!("did you mean `{close}`?"));
                        }
                        self.diags.push(d);
                    }
                }
                Block::TextTable(t) => {
                    self.id(file, "table", &t.id);
                    for row in &t.rows {
                        if row.cells.len() != t.columns.len() {
                            self.diags.push(Diagnostic::error(
                                file,
                                format!(
                                    "table `{}`, row `{}`: {} cells but {} columns",
                                    t.id,
                                    row.id,
                                    row.cells.len(),
                                    t.columns.len()
                                ),
                            ));
                        }
                    }
                }
                Block::Matrix(m) => {
                    self.id(file, "matrix", &m.id);
                    for row in &m.rows {
                        if row.marks.len() != m.columns.len() {
                            self.diags.push(Diagnostic::error(
                                file,
                                format!(
                                    "matrix `{}`, row `{}`: {} marks but {} columns",
                                    m.id,
                                    row.id,
                                    row.marks.len(),
                                    m.columns.len()
                                ),
                            ));
                        }
                    }
                }
                Block::Perspectives => {
                    if self.plan.goals.is_none() {
                        self.diags.push(Diagnostic::error(
                            file,
                            "places the goal structure (`perspectives`), but there is no goals.yaml",
                        ));
                    }
                }
                Block::InternalControl => {
                    if self.plan.internal_control.is_none() {
                        self.diags.push(Diagnostic::error(
                            file,
                            "places the internal-control plan, but there is no internkontroll.yaml",
                        ));
                    }
                }
                Block::OrgChart(o) => {
                    self.id(file, "organisation chart", &o.id);
                    if o.alt.trim().is_empty() {
                        self.diags.push(Diagnostic::error(
                            file,
                            format!("organisation chart `{}` needs an alternative text (`alt`)", o.id),
                        ));
                    }
                }
            }
        }
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (levenshtein(word, c), *c))
        .filter(|(d, c)| *d <= (c.chars().count().max(word.chars().count()) / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
