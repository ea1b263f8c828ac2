//! The plan's goals, assignments and risks in one list each, in document order, with where each
//! stands (file, YAML path, the group it is printed under). The follow-up reports refer to them
//! by id: their checks, their skeleton (`vplan report init`) and their document all walk the
//! plan through this one index.

use std::path::Path;

use super::walk::{walk, At};
use super::{Block, Goal, IcRisk, Item, Plan, ValuePath};

/// An item of the plan and where it is.
#[derive(Debug, Clone)]
pub struct Placed<'a, T> {
    pub item: &'a T,
    pub file: &'a Path,
    /// The item's YAML path in its file, e.g. `perspectives.0.goals.1`.
    pub path: ValuePath,
    /// The index of its group in [`PlanItems::groups`].
    pub group: usize,
}

/// What goals and assignments are printed under: a perspective of `goals.yaml`, or the chapter
/// (or appendix) whose blocks hold them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group<'a> {
    pub id: &'a str,
    pub title: &'a str,
}

/// Every goal, assignment and internal-control risk of a plan.
#[derive(Debug, Default)]
pub struct PlanItems<'a> {
    pub groups: Vec<Group<'a>>,
    pub goals: Vec<Placed<'a, Goal>>,
    pub assignments: Vec<Placed<'a, Item>>,
    /// The risks of `internkontroll.yaml` (their `group` is 0: they are printed by area, not
    /// under a group of goals).
    pub risks: Vec<Placed<'a, IcRisk>>,
}

impl<'a> PlanItems<'a> {
    /// The goal with this id.
    pub fn goal(&self, id: &str) -> Option<&Placed<'a, Goal>> {
        self.goals.iter().find(|g| g.item.id == id)
    }

    /// The goal an indicator belongs to.
    pub fn goal_of_indicator(&self, id: &str) -> Option<&Placed<'a, Goal>> {
        self.goals
            .iter()
            .find(|g| g.item.indicators.iter().any(|i| i.id == id))
    }

    pub fn assignment(&self, id: &str) -> Option<&Placed<'a, Item>> {
        self.assignments.iter().find(|a| a.item.id == id)
    }

    pub fn risk(&self, id: &str) -> Option<&Placed<'a, IcRisk>> {
        self.risks.iter().find(|r| r.item.id == id)
    }
}

/// The plan's items in document order: the chapters' and appendices' blocks in order (sections
/// included), `goals.yaml` where a `- perspectives` block places it (at the end when none
/// does), and the risks of `internkontroll.yaml`.
pub fn items(plan: &Plan) -> PlanItems<'_> {
    let mut raw = Raw::default();
    let mut placed_goals = false;
    let docs = plan
        .chapters
        .iter()
        .map(|c| {
            (
                &c.file,
                c.value.id.as_str(),
                c.value.title.as_str(),
                &c.value.blocks,
            )
        })
        .chain(plan.appendices.iter().map(|a| {
            (
                &a.file,
                a.value.id.as_str(),
                a.value.title.as_str(),
                &a.value.blocks,
            )
        }));
    for (file, id, title, blocks) in docs {
        let group = raw.group(id, title);
        raw.blocks(
            plan,
            file,
            &ValuePath::of("blocks"),
            blocks,
            group,
            &mut placed_goals,
        );
    }
    if !placed_goals {
        raw.goals_yaml(plan);
    }
    if let Some(ic) = &plan.internal_control {
        for (i, area) in ic.value.areas.iter().enumerate() {
            for (j, risk) in area.risks.iter().enumerate() {
                raw.risks.push((
                    risk,
                    &ic.file,
                    ValuePath::of("areas").index(i).key("risks").index(j),
                    0,
                ));
            }
        }
    }
    raw.finish()
}

#[derive(Default)]
struct Raw<'a> {
    groups: Vec<Group<'a>>,
    goals: Vec<(&'a Goal, &'a Path, ValuePath, usize)>,
    assignments: Vec<(&'a Item, &'a Path, ValuePath, usize)>,
    risks: Vec<(&'a IcRisk, &'a Path, ValuePath, usize)>,
}

impl<'a> Raw<'a> {
    fn group(&mut self, id: &'a str, title: &'a str) -> usize {
        self.groups.push(Group { id, title });
        self.groups.len() - 1
    }

    fn blocks(
        &mut self,
        plan: &'a Plan,
        file: &'a Path,
        path: &ValuePath,
        blocks: &'a [Block],
        group: usize,
        placed_goals: &mut bool,
    ) {
        walk(blocks, path, "", &mut |block: &'a Block, at: At<'_>| {
            let p = at.path;
            match block {
                Block::Goal(g) => self.goals.push((g, file, p.key("goal"), group)),
                Block::Assignment(a) => {
                    self.assignments.push((a, file, p.key("assignment"), group))
                }
                Block::Perspectives if !*placed_goals => {
                    *placed_goals = true;
                    self.goals_yaml(plan);
                }
                // Placed again: its items stand where it was first placed.
                Block::Perspectives => {}
                // No items: the risks of `internkontroll.yaml` are listed after the rest, a
                // section's blocks are walked.
                Block::Text(_)
                | Block::Section(_)
                | Block::Table(_)
                | Block::TextTable(_)
                | Block::Matrix(_)
                | Block::InternalControl
                | Block::OrgChart(_) => {}
            }
        });
    }

    fn goals_yaml(&mut self, plan: &'a Plan) {
        let Some(goals) = &plan.goals else { return };
        let file = goals.file.as_path();
        for (i, p) in goals.value.perspectives.iter().enumerate() {
            let group = self.group(&p.id, &p.title);
            let pp = ValuePath::of("perspectives").index(i);
            let mut ignore = true;
            self.blocks(plan, file, &pp.key("blocks"), &p.blocks, group, &mut ignore);
            self.owned(file, &pp, &p.goals, &p.assignments, group);
            for (j, s) in p.strategies.iter().enumerate() {
                let sp = pp.key("strategies").index(j);
                self.blocks(plan, file, &sp.key("blocks"), &s.blocks, group, &mut ignore);
                self.owned(file, &sp, &s.goals, &s.assignments, group);
            }
        }
    }

    fn owned(
        &mut self,
        file: &'a Path,
        path: &ValuePath,
        goals: &'a [Goal],
        assignments: &'a [Item],
        group: usize,
    ) {
        for (k, g) in goals.iter().enumerate() {
            self.goals
                .push((g, file, path.key("goals").index(k), group));
        }
        for (k, a) in assignments.iter().enumerate() {
            self.assignments
                .push((a, file, path.key("assignments").index(k), group));
        }
    }

    fn finish(self) -> PlanItems<'a> {
        PlanItems {
            groups: self.groups,
            goals: self.goals.into_iter().map(place).collect(),
            assignments: self.assignments.into_iter().map(place).collect(),
            risks: self.risks.into_iter().map(place).collect(),
        }
    }
}

fn place<'a, T>((item, file, path, group): (&'a T, &'a Path, ValuePath, usize)) -> Placed<'a, T> {
    Placed {
        item,
        file,
        path,
        group,
    }
}

/// Where each table is placed, in document order: its id and the titles from its chapter (or
/// appendix) down to the innermost section that holds it. Tables placed twice are listed once,
/// where they first stand; unplaced tables are not listed.
pub fn table_places(plan: &Plan) -> Vec<(&str, Vec<&str>)> {
    fn places<'a>(
        blocks: &'a [Block],
        titles: &mut Vec<&'a str>,
        out: &mut Vec<(&'a str, Vec<&'a str>)>,
    ) {
        let top = titles.len();
        walk(
            blocks,
            &ValuePath::of("blocks"),
            "",
            &mut |b: &'a Block, at: At<'_>| {
                titles.truncate(top + at.depth);
                match b {
                    Block::Table(id) if !out.iter().any(|(t, _)| t == id) => {
                        out.push((id.as_str(), titles.clone()));
                    }
                    Block::Section(s) => titles.push(&s.title),
                    // Placed twice: listed where it first stands.
                    Block::Table(_) => {}
                    Block::Text(_)
                    | Block::Goal(_)
                    | Block::Assignment(_)
                    | Block::TextTable(_)
                    | Block::Matrix(_)
                    | Block::Perspectives
                    | Block::InternalControl
                    | Block::OrgChart(_) => {}
                }
            },
        );
    }
    let mut out = Vec::new();
    let docs = plan
        .chapters
        .iter()
        .map(|c| (c.value.title.as_str(), &c.value.blocks))
        .chain(
            plan.appendices
                .iter()
                .map(|a| (a.value.title.as_str(), &a.value.blocks)),
        );
    for (title, blocks) in docs {
        let mut titles = vec![title];
        places(blocks, &mut titles, &mut out);
    }
    out
}

/// The ids of the Handlingsplan summaries: the tables with `sum_of`.
pub fn summary_tables(plan: &Plan) -> Vec<&str> {
    plan.tables
        .values()
        .filter(|t| !t.value.sum_of.is_empty())
        .map(|t| t.value.id.as_str())
        .collect()
}
