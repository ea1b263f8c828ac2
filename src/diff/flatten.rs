//! A plan as a flat list of identified items, so that two versions can be compared by id
//! rather than by line: a moved block is the same item in another place, a renamed row the
//! same row with another label.

use std::collections::HashMap;

use crate::content::items::PlanItems;
use crate::content::walk::{walk, At};
use crate::content::{
    Block, FollowUp, Goal, GoalKind, Item as IdText, Matrix, OrgNode, Plan, TextTable, ValuePath,
};

/// One identified thing of the plan (chapter, section, goal, indicator, assignment, risk …).
#[derive(Debug, Clone)]
pub struct Item {
    /// What it is, in words: `goal`, `indicator`, `section` …
    pub kind: &'static str,
    pub id: String,
    /// Id of the container it sits in (chapter, section, strategy, goal, risk …).
    pub parent: String,
    /// Titles from the top-level chapter or appendix down to the item's container.
    pub place: Vec<String>,
    /// Its contents, compared field by field; the first field is its main text.
    pub fields: Vec<(&'static str, String)>,
}

/// The prose of one container (chapter, section, appendix, perspective, strategy): its
/// paragraphs in order, compared as a sequence.
#[derive(Debug, Clone)]
pub struct Prose {
    pub container: String,
    pub place: Vec<String>,
    pub paragraphs: Vec<String>,
}

/// The flattened plan.
#[derive(Debug, Clone, Default)]
pub struct Flat {
    pub items: Vec<Item>,
    pub prose: Vec<Prose>,
    /// Where each table is placed: the titles of its chapter and sections.
    pub table_place: HashMap<String, Vec<String>>,
    /// Top-level sections (chapters, appendices) in document order.
    pub sections: Vec<String>,
    /// A follow-up report's entries rather than a plan's: their order in the report's file
    /// is not the order they are printed in (the plan's), so it is not compared.
    pub report: bool,
}

/// The headings of a follow-up report's document (as `render::followup` heads its chapters):
/// its changes are grouped under them.
pub const SAMMANFATTNING: &str = "Sammanfattning";
pub const MALUPPFYLLELSE: &str = "Måluppfyllelse";
pub const EKONOMI: &str = "Ekonomi";
pub const HANDLINGSPLAN: &str = "Handlingsplanens genomförande";
pub const INTERN_KONTROLL: &str = "Intern kontroll";
pub const TJANSTESKRIVELSE: &str = "Tjänsteskrivelse";

/// Flattens a follow-up report's document by the report's own headings: `projection` is the
/// plan projected onto the report.
pub fn flatten_report(projection: &Plan, report: &FollowUp) -> Flat {
    let mut w = Walker {
        plan: projection,
        flat: Flat::default(),
    };
    w.flat.report = true;
    w.report(report);
    if let Some(paper) = &projection.paper {
        w.paper(&paper.value);
    }
    w.flat
}

/// Flattens a plan. Its reports are not part of it: `diff` compares each report as a
/// document of its own ([`flatten_report`]).
pub fn flatten(plan: &Plan) -> Flat {
    let mut w = Walker {
        plan,
        flat: Flat::default(),
    };
    for (i, ch) in plan.chapters.iter().enumerate() {
        let ch = &ch.value;
        let label = format!("{} {}", i + 1, ch.title);
        w.flat.sections.push(label.clone());
        w.item(
            "chapter",
            &ch.id,
            "",
            &[],
            vec![("title", ch.title.clone())],
        );
        w.blocks(&ch.id, &[label], &ch.blocks);
    }
    for a in &plan.appendices {
        let a = &a.value;
        let label = a.label.clone();
        w.flat.sections.push(label.clone());
        w.item(
            "appendix",
            &a.id,
            "",
            &[],
            vec![
                ("label", a.label.clone()),
                ("title", a.title.clone()),
                ("title block", a.title_block.join(" / ")),
            ],
        );
        w.blocks(&a.id, &[label], &a.blocks);
    }
    if let Some(paper) = &plan.paper {
        w.paper(&paper.value);
    }
    w.flat
}

/// Splits Markdown prose into paragraphs (blank-line separated), whitespace normalised.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n"));
    }
    out
}

struct Walker<'a> {
    plan: &'a Plan,
    flat: Flat,
}

fn with(place: &[String], title: &str) -> Vec<String> {
    let mut p = place.to_vec();
    p.push(title.to_string());
    p
}

/// A goal's text shortened for a breadcrumb.
fn short(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= 8 {
        words.join(" ")
    } else {
        format!("{} …", words[..8].join(" "))
    }
}

/// A report's text if it is given (not blank).
fn given(t: &Option<String>) -> Option<String> {
    t.clone().filter(|t| !t.trim().is_empty())
}

/// One item a part that is given: (kind, text).
fn parts(list: &[(&'static str, Option<String>)]) -> Vec<(&'static str, String)> {
    list.iter()
        .filter_map(|(k, v)| v.clone().map(|v| (*k, v)))
        .collect()
}

/// The title of the plan's group (perspective) `g`, empty if there is none.
fn group_title(known: &PlanItems<'_>, g: usize) -> String {
    known
        .groups
        .get(g)
        .map_or(String::new(), |g| g.title.to_string())
}

/// A seasonal profile in words, `profil: [w, …]`.
fn profile(p: &Option<Vec<rust_decimal::Decimal>>) -> Option<String> {
    p.as_ref().map(|p| {
        let weights: Vec<String> = p.iter().map(|w| w.normalize().to_string()).collect();
        format!("profil: [{}]", weights.join(", "))
    })
}

impl Walker<'_> {
    /// The decision paper (the plan's, or a report's) under "Tjänsteskrivelse".
    fn paper(&mut self, p: &crate::content::DecisionPaper) {
        let label = TJANSTESKRIVELSE.to_string();
        self.flat.sections.push(label.clone());
        let place = [label];
        self.item(
            "decision paper",
            "tjansteskrivelse",
            "",
            &place,
            vec![
                ("rubrik", p.rubrik.clone().unwrap_or_default()),
                ("avsändare", p.avsandare.clone().unwrap_or_default()),
                ("datum", p.datum.clone().unwrap_or_default()),
                ("skickas till", p.skickas_till.join(", ")),
            ],
        );
        self.prose("tjansteskrivelse-sammanfattning", &place, &p.sammanfattning);
        if let Some(text) = &p.arendebeskrivning {
            self.prose("tjansteskrivelse-arendebeskrivning", &place, text);
        }
        for (i, att) in p.forslag_till_beslut.iter().enumerate() {
            self.item(
                "att-sats",
                &format!("att-sats-{}", i + 1),
                "tjansteskrivelse",
                &place,
                vec![("text", att.clone())],
            );
        }
        for (i, s) in p.underskrifter.iter().enumerate() {
            self.item(
                "signatory",
                &format!("underskrift-{}", i + 1),
                "tjansteskrivelse",
                &place,
                vec![
                    ("titel", s.titel.clone()),
                    ("namn", s.namn.clone().unwrap_or_default()),
                ],
            );
        }
    }

    /// A follow-up report's own entries, each under the heading of the report it is printed
    /// under and named for what it holds: a goal's or indicator's `assessment`, an indicator's
    /// `outcome`, an assignment's `status`, a risk's control `result`, and the `text` of each;
    /// the report's texts as prose. An entry's parts that are not given are left out, so a
    /// part given later is an addition. Places are the plan's titles (perspective, goal,
    /// risk), as the report prints them. The tables are placed under their headings: the
    /// goals per assessment under Sammanfattning, the Handlingsplan's under its own chapter,
    /// every other table under Ekonomi.
    fn report(&mut self, f: &crate::content::FollowUp) {
        let known = crate::content::items::items(self.plan);
        for heading in [
            SAMMANFATTNING,
            MALUPPFYLLELSE,
            EKONOMI,
            HANDLINGSPLAN,
            INTERN_KONTROLL,
        ] {
            self.flat.sections.push(heading.to_string());
        }
        self.report_texts(f);
        for g in &f.goals {
            self.goal_entry(&known, g);
        }
        for a in &f.assignments {
            self.assignment_entry(&known, a);
        }
        for r in &f.internal_control {
            self.risk_entry(r);
        }
        self.place_tables(f);
        for e in &f.tables {
            self.table_settings(e);
        }
    }

    /// The report's texts, as prose under the heading each is printed under.
    fn report_texts(&mut self, f: &crate::content::FollowUp) {
        let text_heading = |key: &str| match key {
            "sammanfattning" => SAMMANFATTNING,
            "maluppfyllelse" => MALUPPFYLLELSE,
            "handlingsplan" => HANDLINGSPLAN,
            "intern_kontroll" => INTERN_KONTROLL,
            _ => EKONOMI,
        };
        for (key, t) in f.texts.all() {
            if let Some(t) = t {
                self.prose(&format!("texts-{key}"), &[text_heading(key).into()], t);
            }
        }
    }

    /// A goal's entry and its indicators', under the goal's perspective and text.
    fn goal_entry(&mut self, known: &PlanItems<'_>, g: &crate::content::GoalFollowUp) {
        let (gplace, goal) = match known.goal(&g.id) {
            Some(p) => (
                vec![
                    MALUPPFYLLELSE.to_string(),
                    group_title(known, p.group),
                    short(&p.item.text),
                ],
                Some(p.item),
            ),
            None => (vec![MALUPPFYLLELSE.to_string(), g.id.clone()], None),
        };
        for (kind, value) in parts(&[
            ("assessment", g.assessment.map(|a| a.label().to_string())),
            ("text", given(&g.text)),
        ]) {
            self.item(kind, &g.id, "", &gplace, vec![(kind, value)]);
        }
        for i in &g.indicators {
            let ind = goal.and_then(|goal| goal.indicators.iter().find(|x| x.id == i.id));
            let iplace = with(&gplace, &ind.map_or(i.id.clone(), |x| short(&x.text)));
            for (kind, value) in parts(&[
                ("outcome", given(&i.outcome)),
                ("assessment", i.assessment.map(|a| a.label().to_string())),
                ("text", given(&i.text)),
            ]) {
                self.item(kind, &i.id, &g.id, &iplace, vec![(kind, value)]);
            }
        }
    }

    /// An assignment's entry, under its perspective and text.
    fn assignment_entry(&mut self, known: &PlanItems<'_>, a: &crate::content::AssignmentFollowUp) {
        let place = match known.assignment(&a.id) {
            Some(p) => vec![
                MALUPPFYLLELSE.to_string(),
                group_title(known, p.group),
                short(&p.item.text),
            ],
            None => vec![MALUPPFYLLELSE.to_string(), a.id.clone()],
        };
        for (kind, value) in parts(&[
            ("status", a.status.map(|s| s.label().to_string())),
            ("text", given(&a.text)),
        ]) {
            self.item(kind, &a.id, "", &place, vec![(kind, value)]);
        }
    }

    /// A risk's control result, under its area and risk in the plan's internal control.
    fn risk_entry(&mut self, r: &crate::content::RiskFollowUp) {
        let areas = self
            .plan
            .internal_control
            .as_ref()
            .map(|ic| ic.value.areas.as_slice())
            .unwrap_or_default();
        let place = areas
            .iter()
            .find_map(|area| {
                let risk = area.risks.iter().find(|x| x.id == r.id)?;
                Some(vec![
                    INTERN_KONTROLL.to_string(),
                    area.area.clone(),
                    short(&risk.risk),
                ])
            })
            .unwrap_or_else(|| vec![INTERN_KONTROLL.to_string(), r.id.clone()]);
        for (kind, value) in parts(&[
            ("result", r.result.map(|x| x.label().to_string())),
            ("text", given(&r.text)),
        ]) {
            self.item(kind, &r.id, "", &place, vec![(kind, value)]);
        }
    }

    /// Where the report prints each table of the plan (its comments are a text column of the
    /// table): chapter and heading.
    fn place_tables(&mut self, f: &crate::content::FollowUp) {
        use crate::figures::followup::GOALS_TABLE;
        let plan = self.plan;
        let handlingsplan = f
            .handlingsplan
            .as_deref()
            .and_then(|id| plan.tables.get(id))
            .map(|t| &t.value);
        // The headings as the report prints them (told apart among the tables it prints);
        // a table it does not print by its heading among all.
        let mut printed: Vec<&str> = f.tables.iter().map(|e| e.id.as_str()).collect();
        if let Some(h) = handlingsplan {
            printed.extend(h.sum_of.iter().map(String::as_str));
        }
        let ids: Vec<&str> = plan.tables.keys().map(String::as_str).collect();
        let mut headings = crate::render::followup::headings(plan, &ids);
        headings.extend(crate::render::followup::headings(plan, &printed));
        for id in &ids {
            let place = if *id == GOALS_TABLE {
                vec![SAMMANFATTNING.to_string(), MALUPPFYLLELSE.to_string()]
            } else {
                let heading = f
                    .tables
                    .iter()
                    .find(|e| e.id == *id)
                    .and_then(|e| e.title.clone())
                    .or_else(|| headings.get(*id).cloned())
                    .unwrap_or_else(|| id.to_string());
                let in_handlingsplan =
                    handlingsplan.is_some_and(|h| h.id == *id || h.sum_of.iter().any(|s| s == id));
                let chapter = if in_handlingsplan {
                    HANDLINGSPLAN
                } else {
                    EKONOMI
                };
                vec![chapter.to_string(), heading]
            };
            self.flat.table_place.insert(id.to_string(), place);
        }
    }

    /// What a table entry says of its figures (what the amounts are, the deviation's sign,
    /// the seasonal profile, the column followed), and a row's own profile: a change of any
    /// of them moves the report's figures, so it is a change of its own.
    fn table_settings(&mut self, e: &crate::content::TableFollowUp) {
        let place = self
            .flat
            .table_place
            .get(&e.id)
            .cloned()
            .unwrap_or_else(|| vec![EKONOMI.to_string(), e.id.clone()]);
        let settings: Vec<String> = [
            e.budget.as_ref().map(|b| format!("budget: {b}")),
            e.belopp.map(|b| format!("belopp: {}", b.as_str())),
            e.avvikelse.map(|a| format!("avvikelse: {}", a.as_str())),
            profile(&e.profil),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !settings.is_empty() {
            self.item(
                "setting",
                &e.id,
                "",
                &place,
                vec![("setting", settings.join("; "))],
            );
        }
        for r in &e.rows {
            if let Some(p) = profile(&r.profil) {
                let row = self
                    .plan
                    .tables
                    .get(&e.id)
                    .and_then(|t| t.value.rows.iter().find(|x| x.id == r.id))
                    .map_or(r.id.clone(), |x| x.label.clone());
                self.item(
                    "setting",
                    &format!("{}/{}", e.id, r.id),
                    "",
                    &with(&place, &row),
                    vec![("setting", p)],
                );
            }
        }
    }

    fn item(
        &mut self,
        kind: &'static str,
        id: &str,
        parent: &str,
        place: &[String],
        fields: Vec<(&'static str, String)>,
    ) {
        self.flat.items.push(Item {
            kind,
            id: id.to_string(),
            parent: parent.to_string(),
            place: place.to_vec(),
            fields,
        });
    }

    fn prose(&mut self, container: &str, place: &[String], text: &str) {
        let paras = paragraphs(text);
        if let Some(p) = self
            .flat
            .prose
            .iter_mut()
            .find(|p| p.container == container)
        {
            p.paragraphs.extend(paras);
        } else {
            self.flat.prose.push(Prose {
                container: container.to_string(),
                place: place.to_vec(),
                paragraphs: paras,
            });
        }
    }

    fn blocks(&mut self, parent: &str, place: &[String], blocks: &[Block]) {
        // The place of each depth: the container's, then each section's inside it.
        let mut places = vec![place.to_vec()];
        walk(
            blocks,
            &ValuePath::ROOT,
            parent,
            &mut |b: &Block, at: At<'_>| {
                places.truncate(at.depth + 1);
                if let Some(inner) = self.block(at.container, &places[at.depth].clone(), b) {
                    places.push(inner);
                }
            },
        );
    }

    /// One block, in `parent` at `place`; a section's place for its blocks.
    fn block(&mut self, parent: &str, place: &[String], b: &Block) -> Option<Vec<String>> {
        match b {
            Block::Text(t) => self.prose(parent, place, t),
            Block::Section(s) => {
                self.item(
                    "section",
                    &s.id,
                    parent,
                    place,
                    vec![("title", s.title.clone())],
                );
                return Some(with(place, &s.title));
            }
            Block::Goal(g) => self.goal(parent, place, g),
            Block::Assignment(a) => self.text_item("assignment", parent, place, a),
            Block::Table(id) => {
                self.flat
                    .table_place
                    .entry(id.clone())
                    .or_insert_with(|| place.to_vec());
            }
            Block::TextTable(tt) => self.text_table(parent, place, tt),
            Block::Matrix(m) => self.matrix(parent, place, m),
            Block::OrgChart(o) => {
                let mut units = Vec::new();
                org_units(&o.root, 0, &mut units);
                self.item(
                    "org chart",
                    &o.id,
                    parent,
                    place,
                    vec![("units", units.join("; ")), ("alt", o.alt.clone())],
                );
            }
            Block::Perspectives => self.perspectives(parent, place),
            Block::InternalControl => self.internal_control(parent, place),
        }
        None
    }

    fn text_table(&mut self, parent: &str, place: &[String], tt: &TextTable) {
        let title = tt.caption.clone().unwrap_or_else(|| tt.columns.join(" | "));
        self.item(
            "text table",
            &tt.id,
            parent,
            place,
            vec![
                ("caption", tt.caption.clone().unwrap_or_default()),
                ("columns", tt.columns.join(" | ")),
            ],
        );
        let inner = with(place, &title);
        for row in &tt.rows {
            let cells = row
                .cells
                .iter()
                .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
                .join(" | ");
            self.item(
                "text table row",
                &row.id,
                &tt.id,
                &inner,
                vec![("cells", cells)],
            );
        }
    }

    fn matrix(&mut self, parent: &str, place: &[String], m: &Matrix) {
        self.item(
            "matrix",
            &m.id,
            parent,
            place,
            vec![
                ("heading", m.heading.clone().unwrap_or_default()),
                ("columns", m.columns.join(" | ")),
            ],
        );
        let inner = with(place, m.heading.as_deref().unwrap_or(&m.id));
        for row in &m.rows {
            let marks = row
                .marks
                .iter()
                .map(|&m| if m { "■" } else { "–" })
                .collect::<Vec<_>>()
                .join(" ");
            self.item(
                "matrix row",
                &row.id,
                &m.id,
                &inner,
                vec![("label", row.label.clone()), ("marks", marks)],
            );
        }
    }

    fn text_item(&mut self, kind: &'static str, parent: &str, place: &[String], it: &IdText) {
        self.item(kind, &it.id, parent, place, vec![("text", it.text.clone())]);
    }

    fn goal(&mut self, parent: &str, place: &[String], g: &Goal) {
        let kind = match (g.kind, g.number) {
            (GoalKind::Mal, _) => "mål".to_string(),
            (GoalKind::Effektmal, Some(n)) => format!("effektmål {n}"),
            (GoalKind::Effektmal, None) => "effektmål".to_string(),
        };
        self.item(
            "goal",
            &g.id,
            parent,
            place,
            vec![("text", g.text.clone()), ("kind", kind)],
        );
        let inner = with(place, &short(&g.text));
        for ind in &g.indicators {
            let mut fields = vec![("text", ind.text.clone())];
            if let Some(target) = &ind.target {
                fields.push(("target", target.clone()));
            }
            self.item("indicator", &ind.id, &g.id, &inner, fields);
        }
    }

    fn perspectives(&mut self, parent: &str, place: &[String]) {
        let plan = self.plan;
        let Some(goals) = &plan.goals else { return };
        for p in &goals.value.perspectives {
            self.item(
                "perspective",
                &p.id,
                parent,
                place,
                vec![("title", p.title.clone())],
            );
            let pp = with(place, &p.title);
            self.blocks(&p.id, &pp, &p.blocks);
            for g in &p.goals {
                self.goal(&p.id, &pp, g);
            }
            for a in &p.assignments {
                self.text_item("assignment", &p.id, &pp, a);
            }
            for s in &p.strategies {
                self.item(
                    "strategy",
                    &s.id,
                    &p.id,
                    &pp,
                    vec![("title", s.title.clone())],
                );
                let sp = with(&pp, &s.title);
                self.blocks(&s.id, &sp, &s.blocks);
                for g in &s.goals {
                    self.goal(&s.id, &sp, g);
                }
                for a in &s.assignments {
                    self.text_item("assignment", &s.id, &sp, a);
                }
            }
        }
    }

    fn internal_control(&mut self, parent: &str, place: &[String]) {
        let plan = self.plan;
        let Some(ic) = &plan.internal_control else {
            return;
        };
        for area in &ic.value.areas {
            self.item(
                "area",
                &area.id,
                parent,
                place,
                vec![("area", area.area.clone())],
            );
            let ap = with(place, &area.area);
            for risk in &area.risks {
                self.item(
                    "risk",
                    &risk.id,
                    &area.id,
                    &ap,
                    vec![("risk", risk.risk.clone())],
                );
                let rp = with(&ap, &short(&risk.risk));
                for m in &risk.measures {
                    self.text_item("measure", &risk.id, &rp, m);
                }
            }
        }
    }
}

fn org_units(node: &OrgNode, depth: usize, out: &mut Vec<String>) {
    out.push(format!("{}{}", "› ".repeat(depth), node.label));
    for s in &node.staff {
        out.push(format!("{}{} (stab)", "› ".repeat(depth + 1), s.label));
    }
    for c in &node.children {
        org_units(c, depth + 1, out);
    }
}
