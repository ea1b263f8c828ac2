//! Rules on the loaded content that the types alone cannot express: ids are unique, every
//! reference points at something that exists, rows have as many cells as their table has
//! columns.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::content::dates::{date_problem, is_date};
use crate::content::marks::{fingerprint, is_placeholder, split_mark, CARRIED, GUIDANCE};
use crate::content::walk::{walk, At};
use crate::content::{Block, Goal, Item, OrgChart, Plan, ValuePath};
use crate::diag::{Code, Diagnostic};

pub mod amounts;
pub mod charts;
pub mod followup;
pub mod logo;
pub mod markdown;
pub mod prose;
use crate::suggest::{did_you_mean, did_you_mean_or_list};

/// Checks a plan; returns every problem found (errors and warnings).
pub fn check(plan: &Plan) -> Vec<Diagnostic> {
    let mut c = Checker {
        plan,
        ids: HashMap::new(),
        placed: HashSet::new(),
        places_goals: false,
        places_internal_control: false,
        diags: Vec::new(),
    };
    c.diags.extend(plan.unread.iter().cloned());
    c.title(
        &plan.meta.file,
        &ValuePath::of("title"),
        "the plan",
        &plan.meta.value.title,
    );
    c.chapters();
    c.appendices();
    c.goal_file();
    c.diags.extend(amounts::check(plan));
    c.decision();
    c.logo();
    c.paper();
    c.unfinished();
    c.internal_control_ids();
    c.tables();
    c.unplaced_files();
    c.diags
}

/// The dates of a `decision:` (plan.yaml's, or a report's) are dates, its names are not
/// placeholders, and a decided one names its date and paragraph. `what` names the document
/// for the message ("a plan").
pub(crate) fn decision(
    plan: &Plan,
    file: &Path,
    d: &crate::content::Decision,
    what: &str,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let error = |code: Code, key: &str, message: String| {
        Diagnostic::error(code, file, message)
            .at_pos(plan.pos(file, &ValuePath::of("decision").key(key)))
    };
    for (key, value) in [
        ("sammantradesdatum", &d.sammantradesdatum),
        ("beslutsdatum", &d.beslutsdatum),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !is_date(v)) {
            out.push(error(
                Code::InvalidDate,
                key,
                format!("decision.{key}: {}", date_problem(v)),
            ));
        }
    }
    let decided = d.status == crate::content::Status::Beslutad;
    for (key, value) in [
        ("arende", &d.arende),
        ("diarienummer", &d.diarienummer),
        ("beslutsinstans", &d.beslutsinstans),
        ("paragraf", &d.paragraf),
    ] {
        if let Some(v) = value.as_deref().filter(|v| is_placeholder(v)) {
            // A decided document prints it on its cover, footer and decision paper, as
            // PDF/A: an error there, a warning while the document is prepared.
            let message = format!("decision.{key} is still the placeholder `{v}`");
            let (diag, hint) = if decided {
                (
                    Diagnostic::error(
                        Code::Unfinished,
                        file,
                        format!("{message}, and {what} with status `beslutad` prints it"),
                    ),
                    "fill in the real value, or set `status: forslag` until it is known",
                )
            } else {
                (
                    Diagnostic::warning(Code::Unfinished, file, message),
                    "fill in the real value before the document is published",
                )
            };
            out.push(
                diag.at_pos(plan.pos(file, &ValuePath::of("decision").key(key)))
                    .with_hint(hint),
            );
        }
    }
    if d.status == crate::content::Status::Beslutad {
        let missing: Vec<String> = [("beslutsdatum", &d.beslutsdatum), ("paragraf", &d.paragraf)]
            .into_iter()
            .filter(|(_, v)| v.as_deref().is_none_or(|v| v.trim().is_empty()))
            .map(|(k, _)| format!("`{k}`"))
            .collect();
        if !missing.is_empty() {
            out.push(
                Diagnostic::error(
                    Code::Decision,
                    file,
                    format!(
                        "{what} with status `beslutad` needs {} in `decision`",
                        missing.join(" and ")
                    ),
                )
                // `--status beslutad` decides a plan whose file does not say so.
                .at_pos(plan.pos_or_ancestor(file, &ValuePath::of("decision").key("status")))
                .with_hint("give the date and the paragraph of the minutes (e.g. `paragraf: § 84`), or set `status: forslag` until the meeting"),
            );
        }
    }
    out
}

struct Checker<'a> {
    plan: &'a Plan,
    /// Every id seen, with the file and the path in it where it was first seen.
    ids: HashMap<String, (PathBuf, ValuePath)>,
    /// Tables placed by a block.
    placed: HashSet<&'a str>,
    /// Whether a `- perspectives` block places goals.yaml.
    places_goals: bool,
    /// Whether an `- internal_control` block places internkontroll.yaml.
    places_internal_control: bool,
    diags: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    /// Each chapter's id, title and blocks.
    fn chapters(&mut self) {
        let plan = self.plan;
        for ch in &plan.chapters {
            self.id(&ch.file, &ValuePath::of("id"), "chapter", &ch.value.id);
            self.title(
                &ch.file,
                &ValuePath::of("title"),
                "a chapter",
                &ch.value.title,
            );
            self.blocks(&ch.file, &ValuePath::of("blocks"), &ch.value.blocks);
        }
    }

    /// Each appendix's id, title, title block and blocks.
    fn appendices(&mut self) {
        let plan = self.plan;
        for a in &plan.appendices {
            self.id(&a.file, &ValuePath::of("id"), "appendix", &a.value.id);
            self.title(
                &a.file,
                &ValuePath::of("title"),
                "an appendix",
                &a.value.title,
            );
            if let Some(first) = a.value.title_block.first() {
                self.title(
                    &a.file,
                    &ValuePath::of("title_block").index(0),
                    "an appendix's title block",
                    first,
                );
            }
            self.blocks(&a.file, &ValuePath::of("blocks"), &a.value.blocks);
        }
    }

    /// goals.yaml's perspectives and their strategies: ids, titles, blocks and goals.
    fn goal_file(&mut self) {
        let plan = self.plan;
        let Some(goals) = &plan.goals else { return };
        let f = &goals.file;
        for (i, p) in goals.value.perspectives.iter().enumerate() {
            let pp = ValuePath::of("perspectives").index(i);
            self.id(f, &pp.key("id"), "perspective", &p.id);
            self.title(f, &pp.key("title"), "a perspective", &p.title);
            self.blocks(f, &pp.key("blocks"), &p.blocks);
            self.goals(f, &pp, &p.goals, &p.assignments);
            for (j, s) in p.strategies.iter().enumerate() {
                let sp = pp.key("strategies").index(j);
                self.id(f, &sp.key("id"), "strategy", &s.id);
                self.title(f, &sp.key("title"), "a strategy", &s.title);
                self.blocks(f, &sp.key("blocks"), &s.blocks);
                self.goals(f, &sp, &s.goals, &s.assignments);
            }
        }
    }

    /// The ids of internkontroll.yaml's areas, their risks and the risks' measures.
    fn internal_control_ids(&mut self) {
        let plan = self.plan;
        let Some(ic) = &plan.internal_control else {
            return;
        };
        let f = &ic.file;
        for (i, area) in ic.value.areas.iter().enumerate() {
            let ap = ValuePath::of("areas").index(i);
            self.id(f, &ap.key("id"), "internal-control area", &area.id);
            for (j, risk) in area.risks.iter().enumerate() {
                let rp = ap.key("risks").index(j);
                self.id(f, &rp.key("id"), "risk", &risk.id);
                for (k, m) in risk.measures.iter().enumerate() {
                    self.id(f, &rp.key("measures").index(k).key("id"), "measure", &m.id);
                }
            }
        }
    }

    /// Each table's id is a slug, and each table is placed by a block.
    fn tables(&mut self) {
        let plan = self.plan;
        for (id, table) in &plan.tables {
            if !crate::content::slug::is_slug(id) {
                self.error(Code::InvalidId, &table.file, &ValuePath::of("id"), format!("the table id `{id}` is not a slug"))
                    .hint = Some(format!(
                    "ids use a-z, 0-9, `-` and `_` (a `/` would break `table/row/column` references), e.g. `{}`",
                    crate::content::slug::slug(id)
                ));
            }
            if !self.placed.contains(id.as_str()) {
                let pos = plan.pos(&table.file, &ValuePath::of("id"));
                self.diags.push(
                    Diagnostic::warning(
                        Code::Unfinished,
                        &table.file,
                        format!("table `{id}` is not placed in any chapter or appendix"),
                    )
                    .at_pos(pos)
                    .with_hint(format!("place it with `- table: {id}`, or delete the file")),
                );
            }
        }
    }

    /// A decided plan names its decision: the date and the paragraph of the minutes. Dates
    /// are `YYYY-MM-DD`.
    fn decision(&mut self) {
        let meta = &self.plan.meta;
        let file = meta.file.clone();
        let year = meta.value.year;
        let years = crate::content::dates::YEARS;
        if !u32::try_from(year).is_ok_and(|y| years.contains(&y)) {
            self.error(
                Code::InvalidDate,
                &file,
                &ValuePath::of("year"),
                format!(
                    "year: {year} is not a plan year (a year from {} to {})",
                    years.start(),
                    years.end()
                ),
            )
            .hint = Some("write the year the plan is for, e.g. `2031`".into());
        }
        let date = &meta.value.decision_date;
        if !is_date(date) {
            self.error(
                Code::InvalidDate,
                &file,
                &ValuePath::of("decision_date"),
                format!("decision_date: {}", date_problem(date)),
            )
            .hint = Some("write the date as YYYY-MM-DD, e.g. `2030-12-03`".into());
        }
        let decided = meta
            .value
            .decision
            .as_ref()
            .is_some_and(|d| d.status == crate::content::Status::Beslutad);
        for (key, value) in [
            ("namnd", &meta.value.namnd),
            ("organisation", &meta.value.organisation),
        ] {
            if is_placeholder(value) {
                let pos = self.plan.pos(&file, &ValuePath::of(key));
                let message = format!("{key} is still the placeholder `{value}`");
                // A decided plan prints it on its cover, as PDF/A: an error there.
                let diag = if decided {
                    Diagnostic::error(
                        Code::Unfinished,
                        &file,
                        format!("{message}, and a plan with status `beslutad` prints it"),
                    )
                } else {
                    Diagnostic::warning(Code::Unfinished, &file, message)
                };
                self.diags.push(
                    diag.at_pos(pos)
                        .with_hint("write the name as it is to be printed"),
                );
            }
        }
        let Some(d) = &meta.value.decision else {
            return;
        };
        self.diags.extend(decision(self.plan, &file, d, "a plan"));
        if let Some(bilagor) = &d.bilagor {
            let known: Vec<&str> = self
                .plan
                .appendices
                .iter()
                .map(|a| a.value.id.as_str())
                .collect();
            for (i, id) in bilagor.iter().enumerate() {
                if !known.contains(&id.as_str()) {
                    self.error(
                        Code::UnknownReference,
                        &file,
                        &ValuePath::of("decision").key("bilagor").index(i),
                        format!("decision.bilagor: there is no appendix `{id}`"),
                    )
                    .hint = Some(did_you_mean_or_list(id, &known, "the appendices are: "));
                }
            }
        }
    }

    /// A skeleton's leftovers (`vplan init`): guidance texts still in place, and data rows
    /// without amounts, so that nobody publishes a skeleton by mistake.
    fn unfinished(&mut self) {
        let mut files: Vec<(&PathBuf, &str)> =
            self.plan.spans.iter().map(|(f, s)| (f, s.text())).collect();
        files.sort();
        for (file, text) in files {
            if let Some((rest, fp)) = split_mark(text) {
                if fingerprint(&rest) == fp {
                    let line = text
                        .lines()
                        .position(|l| l.starts_with(CARRIED))
                        .unwrap_or(0);
                    self.diags.push(
                        Diagnostic::warning(
                            Code::Unfinished,
                            file,
                            "carried over from last year's plan and not yet confirmed".to_string(),
                        )
                        .at(line + 1, 1)
                        .with_hint("check the file for the new year, then delete this line (or edit the file)"),
                    );
                }
            }
            for (n, line) in text.lines().enumerate() {
                if let Some(col) = line.find(GUIDANCE) {
                    self.diags.push(
                        Diagnostic::warning(
                            Code::Unfinished,
                            file,
                            "guidance text still in place".to_string(),
                        )
                        .at(n + 1, line[..col].chars().count() + 1)
                        .with_hint("replace it with the plan's own text"),
                    );
                }
            }
        }
        for table in self.plan.tables.values() {
            let t = &table.value;
            if !t.sum_of.is_empty() {
                continue;
            }
            for (i, row) in t.rows.iter().enumerate() {
                let data = row.kind == crate::content::RowKind::Data;
                if data && row.values.is_none() && row.refs.is_empty() {
                    let pos = self.plan.pos(&table.file, &ValuePath::of("rows").index(i));
                    self.diags.push(
                        Diagnostic::warning(
                            Code::Unfinished,
                            &table.file,
                            format!("table `{}`, row `{}`: no amounts yet", t.id, row.id),
                        )
                        .at_pos(pos)
                        .with_hint("give `values: [...]`, one per column (`~` for a cell left empty on purpose)"),
                    );
                }
            }
        }
    }

    /// Every image has a text alternative: the logo's `alt` (the organisation chart's is
    /// checked with its block).
    fn logo(&mut self) {
        let meta = &self.plan.meta;
        if let Err(d) = logo::read(self.plan) {
            self.diags.push(*d);
        }
        if let Some(logo) = &meta.value.logo {
            if logo.alt.trim().is_empty() {
                let file = meta.file.clone();
                self.error(
                    Code::EmptyText,
                    &file,
                    &ValuePath::of("logo").key("alt"),
                    "the logo needs an alternative text (`logo.alt`)".into(),
                )
                .hint = Some(
                    "e.g. `alt: Region Exempels logotyp`: screen readers read it instead of the image"
                        .into(),
                );
            }
        }
    }

    /// The decision paper's date is a date; it has something to propose.
    fn paper(&mut self) {
        let Some(paper) = &self.plan.paper else {
            return;
        };
        let file = paper.file.clone();
        if let Some(date) = &paper.value.datum {
            if !is_date(date) {
                self.error(
                    Code::InvalidDate,
                    &file,
                    &ValuePath::of("datum"),
                    format!("datum: {}", date_problem(date)),
                );
            }
        }
        if let Some(rubrik) = &paper.value.rubrik {
            self.title(
                &file,
                &ValuePath::of("rubrik"),
                "the decision paper (`rubrik`)",
                rubrik,
            );
        }
        if paper.value.forslag_till_beslut.is_empty() {
            self.error(
                Code::Decision,
                &file,
                &ValuePath::of("forslag_till_beslut"),
                "the decision paper proposes nothing: `forslag_till_beslut` is empty".into(),
            )
            .hint = Some("list the att-satser, one item each".into());
        }
    }

    /// A title that becomes a heading (or the document's title) is not empty: PDF/UA refuses
    /// an empty heading and a document without a title, and a reader gets nothing from one.
    fn title(&mut self, file: &Path, path: &ValuePath, what: &str, title: &str) {
        if title.trim().is_empty() {
            self.error(
                Code::EmptyText,
                file,
                path,
                format!("the title of {what} is empty"),
            )
            .hint = Some(
                "give it a title: it is printed as a heading and listed in the table of contents"
                    .into(),
            );
        }
    }

    fn error(
        &mut self,
        code: Code,
        file: &Path,
        path: &ValuePath,
        message: String,
    ) -> &mut Diagnostic {
        let pos = self.plan.pos(file, path);
        self.diags
            .push(Diagnostic::error(code, file, message).at_pos(pos));
        self.diags.last_mut().expect("just pushed")
    }

    fn id(&mut self, file: &Path, path: &ValuePath, what: &str, id: &str) {
        if !crate::content::slug::is_slug(id) {
            self.error(
                Code::InvalidId,
                file,
                path,
                format!("the {what} id `{id}` is not a slug"),
            )
            .hint = Some("ids use a-z, 0-9 and `-`, e.g. `strategi-digitalisering`".into());
            return;
        }
        if let Some((first, first_path)) = self.ids.get(id).cloned() {
            // Positions are looked up only for a duplicate: a clean check never indexes them.
            let at = match self.plan.pos(&first, &first_path) {
                Some(p) => format!("{}:{}", first.display(), p.line),
                None => first.display().to_string(),
            };
            self.error(
                Code::DuplicateId,
                file,
                path,
                format!("duplicate id `{id}` ({what})"),
            )
            .hint = Some(format!(
                "`{id}` is already used at {at}; ids must be unique in the plan"
            ));
        } else {
            self.ids
                .insert(id.to_string(), (file.to_path_buf(), path.clone()));
        }
    }

    fn goals(&mut self, file: &Path, path: &ValuePath, goals: &[Goal], assignments: &[Item]) {
        for (i, g) in goals.iter().enumerate() {
            self.goal(file, &path.key("goals").index(i), g);
        }
        for (i, a) in assignments.iter().enumerate() {
            self.id(
                file,
                &path.key("assignments").index(i).key("id"),
                "assignment",
                &a.id,
            );
        }
    }

    fn goal(&mut self, file: &Path, path: &ValuePath, g: &Goal) {
        self.id(file, &path.key("id"), "goal", &g.id);
        for (i, ind) in g.indicators.iter().enumerate() {
            self.id(
                file,
                &path.key("indicators").index(i).key("id"),
                "indicator",
                &ind.id,
            );
        }
    }

    fn blocks(&mut self, file: &Path, path: &ValuePath, blocks: &'a [Block]) {
        walk(blocks, path, "", &mut |b: &'a Block, at: At<'_>| {
            self.block(file, at.path, b)
        });
    }

    /// The checks of one block, by its kind.
    fn block(&mut self, file: &Path, bp: &ValuePath, b: &'a Block) {
        match b {
            // Its Markdown is checked by `prose`, its figure references by `figures::refs`.
            Block::Text(_) => {}
            Block::Section(s) => {
                self.id(file, &bp.key("section").key("id"), "section", &s.id);
                self.title(file, &bp.key("section").key("title"), "a section", &s.title);
            }
            Block::Goal(g) => self.goal(file, &bp.key("goal"), g),
            Block::Assignment(a) => {
                self.id(file, &bp.key("assignment").key("id"), "assignment", &a.id)
            }
            Block::Table(id) => self.table(file, bp, id),
            Block::TextTable(t) => {
                self.id(file, &bp.key("text_table").key("id"), "table", &t.id);
                for (j, row) in t.rows.iter().enumerate() {
                    self.width(
                        file,
                        &bp.key("text_table").key("rows").index(j).key("cells"),
                        ("table", &t.id),
                        &row.id,
                        row.cells.len(),
                        t.columns.len(),
                        "cells",
                    );
                }
            }
            Block::Matrix(m) => {
                self.id(file, &bp.key("matrix").key("id"), "matrix", &m.id);
                for (j, row) in m.rows.iter().enumerate() {
                    self.width(
                        file,
                        &bp.key("matrix").key("rows").index(j).key("marks"),
                        ("matrix", &m.id),
                        &row.id,
                        row.marks.len(),
                        m.columns.len(),
                        "marks",
                    );
                }
            }
            Block::Perspectives => {
                self.places_goals = true;
                if self.plan.goals.is_none() {
                    self.error(
                        Code::MissingFile,
                        file,
                        bp,
                        "places the goal structure (`perspectives`), but there is no goals.yaml"
                            .into(),
                    );
                }
            }
            Block::InternalControl => {
                self.places_internal_control = true;
                if self.plan.internal_control.is_none() {
                    self.error(
                        Code::MissingFile,
                        file,
                        bp,
                        "places the internal-control plan, but there is no internkontroll.yaml"
                            .into(),
                    );
                }
            }
            Block::OrgChart(o) => self.org_chart(file, bp, o),
        }
    }

    /// A table placed by id: it exists.
    fn table(&mut self, file: &Path, bp: &ValuePath, id: &'a str) {
        self.placed.insert(id);
        if !self.plan.tables.contains_key(id) {
            let known: Vec<&str> = self.plan.tables.keys().map(String::as_str).collect();
            self.error(
                Code::UnknownReference,
                file,
                &bp.key("table"),
                format!("refers to table `{id}`, which does not exist"),
            )
            .hint = did_you_mean(id, &known);
        }
    }

    /// An organisation chart: its id, and an alternative text.
    fn org_chart(&mut self, file: &Path, bp: &ValuePath, o: &OrgChart) {
        self.id(
            file,
            &bp.key("org_chart").key("id"),
            "organisation chart",
            &o.id,
        );
        if o.alt.trim().is_empty() {
            self.error(
                Code::EmptyText,
                file,
                &bp.key("org_chart").key("alt"),
                format!(
                    "organisation chart `{}` needs an alternative text (`alt`)",
                    o.id
                ),
            )
            .hint = Some("describe what the chart shows, for readers who cannot see it".into());
        }
    }

    /// goals.yaml and internkontroll.yaml print only where a block places them: one that
    /// nothing places would be missing from the document without a word.
    fn unplaced_files(&mut self) {
        let goals = (!self.places_goals)
            .then_some(
                self.plan
                    .goals
                    .as_ref()
                    .map(|g| (&g.file, "perspectives", "perspectives")),
            )
            .flatten();
        let ic = (!self.places_internal_control)
            .then_some(
                self.plan
                    .internal_control
                    .as_ref()
                    .map(|g| (&g.file, "internal_control", "areas")),
            )
            .flatten();
        for (file, block, key) in goals.into_iter().chain(ic) {
            let pos = self.plan.pos(file, &ValuePath::of(key));
            let name = file.file_name().unwrap_or_default().to_string_lossy();
            self.diags.push(
                Diagnostic::warning(
                    Code::Unfinished,
                    file,
                    format!("{name} is not printed: no chapter or appendix places it"),
                )
                .at_pos(pos)
                .with_hint(format!(
                    "put `- {block}` in the blocks of the chapter (or section) where it belongs"
                )),
            );
        }
    }

    /// A row of a text table or matrix has as many cells as the table has columns.
    #[allow(clippy::too_many_arguments)]
    fn width(
        &mut self,
        file: &Path,
        path: &ValuePath,
        (what, id): (&str, &str),
        row: &str,
        given: usize,
        columns: usize,
        unit: &str,
    ) {
        if given != columns {
            self.error(
                Code::TableShape,
                file,
                path,
                format!("{what} `{id}`, row `{row}`: {given} {unit} but {columns} columns"),
            );
        }
    }
}
