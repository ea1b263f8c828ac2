//! A plan as a flat list of identified items, so that two versions can be compared by id
//! rather than by line: a moved block is the same item in another place, a renamed row the
//! same row with another label.

use std::collections::HashMap;

use crate::content::{Block, Goal, GoalKind, Item as IdText, OrgNode, Plan};

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
}

/// Flattens a plan.
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
        let p = &paper.value;
        let label = "Tjänsteskrivelse".to_string();
        w.flat.sections.push(label.clone());
        let place = [label];
        w.item(
            "decision paper",
            "tjansteskrivelse",
            "",
            &[],
            vec![
                ("rubrik", p.rubrik.clone().unwrap_or_default()),
                ("avsändare", p.avsandare.clone().unwrap_or_default()),
                ("datum", p.datum.clone().unwrap_or_default()),
                ("skickas till", p.skickas_till.join(", ")),
            ],
        );
        w.prose("tjansteskrivelse-sammanfattning", &place, &p.sammanfattning);
        if let Some(text) = &p.arendebeskrivning {
            w.prose("tjansteskrivelse-arendebeskrivning", &place, text);
        }
        for (i, att) in p.forslag_till_beslut.iter().enumerate() {
            w.item(
                "att-sats",
                &format!("att-sats-{}", i + 1),
                "tjansteskrivelse",
                &place,
                vec![("text", att.clone())],
            );
        }
        for (i, s) in p.underskrifter.iter().enumerate() {
            w.item(
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
    for report in &plan.reports {
        // A projection (one report as a document) names its entries by the plan's ids, so two
        // reports (T1 and delår) line up; a plan with several reports prefixes them.
        let prefix = if plan.projection_of.is_some() {
            String::new()
        } else {
            format!("{}/", report.value.id)
        };
        w.report(&report.value, &prefix);
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

impl Walker<'_> {
    /// A follow-up report's entries: assessments, indicator outcomes, assignment statuses,
    /// control results, and its prose, under "Uppföljning".
    fn report(&mut self, f: &crate::content::FollowUp, prefix: &str) {
        let label = if prefix.is_empty() {
            "Uppföljning".to_string()
        } else {
            format!("Uppföljning {}", f.id)
        };
        self.flat.sections.push(label.clone());
        let place = [label];
        // The generated table of goals per assessment is printed under Sammanfattning.
        self.flat.table_place.insert(
            crate::figures::followup::GOALS_TABLE.to_string(),
            vec![place[0].clone(), "Måluppfyllelse".to_string()],
        );
        let text = |t: &Option<String>| t.clone().unwrap_or_default();
        self.item(
            "report",
            &format!("{prefix}report"),
            "",
            &place,
            vec![
                ("label", f.label.clone()),
                ("kind", f.kind.as_str().to_string()),
                ("period end", f.period_end.clone()),
            ],
        );
        for (key, t) in f.texts.all() {
            if let Some(t) = t {
                self.prose(&format!("{prefix}texts-{key}"), &place, t);
            }
        }
        for g in &f.goals {
            let id = format!("{prefix}{}", g.id);
            self.item(
                "assessment",
                &id,
                "",
                &place,
                vec![
                    (
                        "assessment",
                        g.assessment.map_or("", |a| a.label()).to_string(),
                    ),
                    ("text", text(&g.text)),
                ],
            );
            for i in &g.indicators {
                self.item(
                    "indicator outcome",
                    &format!("{prefix}{}", i.id),
                    &id,
                    &place,
                    vec![
                        ("outcome", text(&i.outcome)),
                        (
                            "assessment",
                            i.assessment.map_or("", |a| a.label()).to_string(),
                        ),
                        ("text", text(&i.text)),
                    ],
                );
            }
        }
        for a in &f.assignments {
            self.item(
                "assignment status",
                &format!("{prefix}{}", a.id),
                "",
                &place,
                vec![
                    ("status", a.status.map_or("", |s| s.label()).to_string()),
                    ("text", text(&a.text)),
                ],
            );
        }
        for r in &f.internal_control {
            self.item(
                "control result",
                &format!("{prefix}{}", r.id),
                "",
                &place,
                vec![
                    ("result", r.result.map_or("", |x| x.label()).to_string()),
                    ("text", text(&r.text)),
                ],
            );
        }
        for t in &f.tables {
            for row in &t.rows {
                if let Some(k) = &row.kommentar {
                    self.item(
                        "outcome comment",
                        &format!("{prefix}{}/{}", t.id, row.id),
                        "",
                        &place,
                        vec![("kommentar", k.clone())],
                    );
                }
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
        for b in blocks {
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
                    self.blocks(&s.id, &with(place, &s.title), &s.blocks);
                }
                Block::Goal(g) => self.goal(parent, place, g),
                Block::Assignment(a) => self.text_item("assignment", parent, place, a),
                Block::Table(id) => {
                    self.flat
                        .table_place
                        .entry(id.clone())
                        .or_insert_with(|| place.to_vec());
                }
                Block::TextTable(tt) => {
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
                Block::Matrix(m) => {
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
