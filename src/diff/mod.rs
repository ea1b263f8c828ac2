//! `vplan diff`: what changed between two versions of a plan, by stable id, and what each
//! changed amount did to the computed totals.
//!
//! Both versions are loaded, checked and computed like a build. Chapters, sections, goals,
//! indicators, assignments, risks and measures are matched by id (a changed text is a change,
//! a new parent a move); the prose of each container is compared paragraph by paragraph and
//! word by word; every typed amount that changed is reported with the totals it moved, found
//! by recomputing the old plan with that one amount changed.

pub mod flatten;
pub mod output;
pub mod pdf;
pub mod redline;
pub mod source;
pub mod tables;
pub mod words;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::pipeline::{Checked, CheckedReport, Subject};
use flatten::{flatten, flatten_report, Flat, Item};
use words::Run;

/// The differences between two versions of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// What the old side is (a revision or a directory).
    pub old: String,
    /// What the new side is.
    pub new: String,
    pub changes: Vec<Change>,
}

/// Added, removed, changed or moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
    Moved,
}

/// One difference.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// The follow-up report it is in, when a plain diff of two versions lists a report's
    /// changes; none for the plan's own (and in a diff of reports, `--report`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportName>,
    /// The chapter or appendix it is in (`6 Budget`, `Bilaga 1`), or `Metadata`; in a report,
    /// the report's heading it is printed under (`Ekonomi`, `Måluppfyllelse`).
    pub section: String,
    pub change: ChangeKind,
    /// What changed: `paragraph`, `goal`, `amount`, `total`, `row` …
    pub kind: String,
    /// The item's id (for a paragraph: its container's id and number).
    pub id: String,
    /// Where it is: titles from the chapter down to the item.
    pub place: Vec<String>,
    /// The field that changed (`text`, `title`, `label`, a column title …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// Word-level differences of a changed text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<Run>,
    /// For a move: where it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<Vec<String>>,
    /// For an amount or a total: the difference (new − old) and the unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// For an amount or a total: the same values in machine form, with the column's decimals.
    #[serde(flatten)]
    pub exact: Option<Exact>,
    /// For a row added or removed: its amounts, one per column.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<CellValue>,
    /// For a table added or removed: its rows with their amounts (every column); for a column
    /// added or removed: every row but the group headings, with its amount in that column.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowValues>,
    /// For a changed amount: the computed totals it moved.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub totals: Vec<Total>,
}

/// A follow-up report, as the changes in it are grouped under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportName {
    /// The report's id (`2031-delar`).
    pub id: String,
    /// Its title and period: `Delårsrapport 2031 (Januari–augusti 2031)`.
    pub title: String,
}

impl ReportName {
    fn of(f: &crate::content::FollowUp, year: i32) -> Self {
        ReportName {
            id: f.id.clone(),
            title: format!("{} ({})", f.title(year), f.label),
        }
    }
}

/// An amount change in machine form, beside its display strings (`old`, `new`, `difference`
/// are Swedish: `2 380,0`, `−2,5`): exact decimals with `.` and an ASCII `-` (`2380.0`,
/// `-2.5`), at least `precision` decimals, never rounded; `None` (JSON `null`) for an empty
/// cell, or a difference too large to compute.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Exact {
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub difference_value: Option<String>,
    /// The decimals the column declares (`precision:`).
    pub precision: u32,
}

/// One amount of a row added or removed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CellValue {
    /// The column's id.
    pub column: String,
    /// The column by group and title: `Budget 2024 › Omsättning`.
    pub name: String,
    /// The amount as printed (`1 135,0`, `–` for an empty cell) and in machine form (`1135.0`,
    /// `null`).
    pub display: String,
    pub value: Option<String>,
    pub unit: String,
    pub precision: u32,
}

/// A row of a table or a column added or removed, with its amounts as computed (sum rows and
/// references included).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RowValues {
    /// The row's id.
    pub id: String,
    pub label: String,
    /// `data`, `sum` or `group` (a heading row: no cells).
    pub kind: &'static str,
    pub cells: Vec<CellValue>,
}

/// A computed total moved by a changed amount.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Total {
    /// The cell: `table/row/column`.
    pub id: String,
    pub place: Vec<String>,
    pub old: Option<String>,
    pub new: Option<String>,
    pub difference: Option<String>,
    pub unit: String,
    /// The same values in machine form.
    #[serde(flatten)]
    pub exact: Exact,
}

impl Change {
    pub(crate) fn new(
        section: &str,
        change: ChangeKind,
        kind: &str,
        id: &str,
        place: Vec<String>,
    ) -> Self {
        Change {
            report: None,
            section: section.to_string(),
            change,
            kind: kind.to_string(),
            id: id.to_string(),
            place,
            field: None,
            old: None,
            new: None,
            words: Vec::new(),
            moved_from: None,
            difference: None,
            unit: None,
            exact: None,
            cells: Vec::new(),
            rows: Vec::new(),
            totals: Vec::new(),
        }
    }
}

impl Change {
    /// An amount or a total (old and new values with their difference), whatever it is named.
    pub fn is_amount(&self) -> bool {
        self.exact.is_some()
    }

    /// The heading it is listed under: its section, in a report after the report's title
    /// (`Delårsrapport 2031 (Januari–augusti 2031) › Ekonomi`).
    pub fn group(&self) -> String {
        match &self.report {
            Some(r) => format!("{} › {}", r.title, self.section),
            None => self.section.clone(),
        }
    }
}

impl Report {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Counts per section (a report's after its title, see [`Change::group`]), in report
    /// order: (section, added, removed, changed, moved).
    pub fn stat(&self) -> Vec<(String, [usize; 4])> {
        let mut out: Vec<(String, [usize; 4])> = Vec::new();
        for c in &self.changes {
            let group = c.group();
            let i = match out.iter().position(|(s, _)| s == &group) {
                Some(i) => i,
                None => {
                    out.push((group, [0; 4]));
                    out.len() - 1
                }
            };
            out[i].1[c.change as usize] += 1;
        }
        out
    }
}

/// Compares two checked plans with their reports: each report both versions have is
/// compared as a document, its changes named with the report ([`Change::report`]); a report
/// only one version has is an addition or a removal.
pub fn compare(old: &Checked, new: &Checked, old_label: &str, new_label: &str) -> Report {
    let mut changes = document(old.subject(), new.subject());
    changes.extend(reports(old, new));
    Report {
        old: old_label.to_string(),
        new: new_label.to_string(),
        changes,
    }
}

/// Compares two follow-up reports as documents (their projections: `--report`): one report
/// in two versions, or two reports.
pub fn compare_reports(
    old: &CheckedReport,
    new: &CheckedReport,
    old_label: &str,
    new_label: &str,
) -> Report {
    Report {
        old: old_label.to_string(),
        new: new_label.to_string(),
        changes: document(old.subject(), new.subject()),
    }
}

/// The document of a subject, flattened: the plan, or a report by the report's own headings.
fn flat(subject: Subject<'_>) -> Flat {
    match subject {
        Subject::Plan { .. } | Subject::Redline { .. } => flatten(subject.model()),
        Subject::Report { report, projection } => flatten_report(&projection.plan, &report.value),
    }
}

/// The changes of one document (a plan, or a report's projection), by section.
fn document(old: Subject<'_>, new: Subject<'_>) -> Vec<Change> {
    let of = flat(old);
    let nf = flat(new);
    let mut changes = Vec::new();
    changes.extend(metadata(old, new));
    changes.extend(items(&of, &nf));
    changes.extend(prose(&of, &nf));
    changes.extend(tables::changes(old, new, &of, &nf));
    // Group by section in the new document's order; sections only in the old one after.
    let mut rank: HashMap<&str, usize> = HashMap::new();
    rank.insert("Metadata", 0);
    for s in nf.sections.iter().chain(&of.sections) {
        let next = rank.len();
        rank.entry(s.as_str()).or_insert(next);
    }
    let unplaced = rank.len();
    let mut keyed: Vec<(usize, usize, Change)> = changes
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            (
                rank.get(c.section.as_str()).copied().unwrap_or(unplaced),
                i,
                c,
            )
        })
        .collect();
    keyed.sort_by_key(|(r, i, _)| (*r, *i));
    keyed.into_iter().map(|(_, _, c)| c).collect()
}

/// The section of the reports added or removed.
const REPORTS: &str = "Uppföljning";

/// The changes of the follow-up reports of two plans: the reports added or removed first
/// (under "Uppföljning"), then report by report in the new plan's order. What a report changed is told apart from what the plan
/// changed under it: the old report is projected onto the new plan, so a changed budget is
/// the plan's change (listed once, under the plan) and a report lists what its own file
/// changed, with the totals that moved. Should the old report not project onto the new plan
/// (a table it follows is gone), the two versions' own projections are compared.
fn reports(old: &Checked, new: &Checked) -> Vec<Change> {
    let year = new.plan.meta.value.year;
    let mut out = Vec::new();
    for r in &new.reports {
        if !old.reports.iter().any(|o| o.id == r.id) {
            let name = ReportName::of(&r.source.value, year);
            let mut c = Change::new(
                REPORTS,
                ChangeKind::Added,
                "report",
                &r.id,
                vec![REPORTS.into()],
            );
            c.new = Some(name.title);
            out.push(c);
        }
    }
    for o in &old.reports {
        if !new.reports.iter().any(|r| r.id == o.id) {
            let name = ReportName::of(&o.source.value, old.plan.meta.value.year);
            let mut c = Change::new(
                REPORTS,
                ChangeKind::Removed,
                "report",
                &o.id,
                vec![REPORTS.into()],
            );
            c.old = Some(name.title);
            out.push(c);
        }
    }
    for r in &new.reports {
        let name = ReportName::of(&r.source.value, year);
        let Some(o) = old.reports.iter().find(|o| o.id == r.id) else {
            continue;
        };
        let reprojected =
            crate::figures::followup::project(&new.plan, &new.computed, &o.source).ok();
        let before = match &reprojected {
            Some(projection) => Subject::Report {
                report: &o.source,
                projection,
            },
            None => o.subject(),
        };
        out.extend(document(before, r.subject()).into_iter().map(|mut c| {
            c.report = Some(name.clone());
            c
        }));
    }
    out
}

/// The section of a place: its first title, or the item's own title at the top level.
fn section_of(place: &[String], own: &str) -> String {
    place.first().cloned().unwrap_or_else(|| own.to_string())
}

/// Nested metadata as dotted keys: `decision.status` → `forslag`.
fn flat_json(prefix: &str, value: serde_json::Value, into: &mut BTreeMap<String, String>) {
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Object(o) => {
            for (k, v) in o {
                let key = if prefix.is_empty() {
                    k
                } else {
                    format!("{prefix}.{k}")
                };
                flat_json(&key, v, into);
            }
        }
        serde_json::Value::String(s) => {
            into.insert(prefix.to_string(), s);
        }
        other => {
            into.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// The metadata of a plan (`plan.yaml`) field by field; of a report's projection, the
/// report's own (its title, kind, period, dates and decision: what the document's metadata is
/// made from), never its id (which `--report` names) nor its entries (compared one by one).
fn metadata(old: Subject<'_>, new: Subject<'_>) -> Vec<Change> {
    let as_map = |c: Subject<'_>| -> BTreeMap<String, String> {
        let mut map = BTreeMap::new();
        match c {
            Subject::Report { report, projection } => {
                let f = &report.value;
                let mut value = serde_json::to_value(f).unwrap_or_default();
                if let Some(o) = value.as_object_mut() {
                    for key in [
                        "id",
                        "title",
                        "texts",
                        "goals",
                        "assignments",
                        "tables",
                        "internal_control",
                        "tjansteskrivelse",
                    ] {
                        o.remove(key);
                    }
                }
                map.insert("title".into(), f.title(projection.plan.meta.value.year));
                flat_json("", value, &mut map);
            }
            Subject::Plan { .. } | Subject::Redline { .. } => {
                let value = serde_json::to_value(&c.model().meta.value).unwrap_or_default();
                flat_json("", value, &mut map);
            }
        }
        map
    };
    let (o, n) = (as_map(old), as_map(new));
    let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for k in keys {
        let (a, b) = (o.get(k), n.get(k));
        if a == b {
            continue;
        }
        let kind = match (a, b) {
            (None, Some(_)) => ChangeKind::Added,
            (Some(_), None) => ChangeKind::Removed,
            _ => ChangeKind::Changed,
        };
        let mut c = Change::new("Metadata", kind, "metadata", k, vec!["plan.yaml".into()]);
        c.field = Some(k.clone());
        c.old = a.cloned();
        c.new = b.cloned();
        out.push(c);
    }
    out
}

fn items(of: &Flat, nf: &Flat) -> Vec<Change> {
    let old_by_id: HashMap<(&str, &str), &Item> = of
        .items
        .iter()
        .map(|i| ((i.kind, i.id.as_str()), i))
        .collect();
    let new_ids: HashMap<(&str, &str), &Item> = nf
        .items
        .iter()
        .map(|i| ((i.kind, i.id.as_str()), i))
        .collect();
    let mut out = Vec::new();
    for n in &nf.items {
        let own = n.fields.first().map(|f| f.1.as_str()).unwrap_or(&n.id);
        let section = section_of(&n.place, &top_label(n, nf));
        match old_by_id.get(&(n.kind, n.id.as_str())) {
            None => {
                let mut c =
                    Change::new(&section, ChangeKind::Added, n.kind, &n.id, n.place.clone());
                c.new = Some(own.to_string());
                out.push(c);
            }
            Some(o) => {
                if o.parent != n.parent {
                    let mut c =
                        Change::new(&section, ChangeKind::Moved, n.kind, &n.id, n.place.clone());
                    c.moved_from = Some(o.place.clone());
                    c.new = Some(own.to_string());
                    out.push(c);
                }
                for (field, new_text) in &n.fields {
                    let old_text = o
                        .fields
                        .iter()
                        .find(|(f, _)| f == field)
                        .map(|(_, t)| t.as_str())
                        .unwrap_or("");
                    if old_text == new_text {
                        continue;
                    }
                    let mut c = Change::new(
                        &section,
                        ChangeKind::Changed,
                        n.kind,
                        &n.id,
                        n.place.clone(),
                    );
                    c.field = Some(field.to_string());
                    c.old = Some(old_text.to_string());
                    c.new = Some(new_text.clone());
                    c.words = words::diff(old_text, new_text);
                    out.push(c);
                }
            }
        }
    }
    if !nf.report {
        out.extend(reorders(of, nf));
    }
    for o in &of.items {
        if !new_ids.contains_key(&(o.kind, o.id.as_str())) {
            let own = o.fields.first().map(|f| f.1.as_str()).unwrap_or(&o.id);
            let section = section_of(&o.place, &top_label(o, of));
            let mut c = Change::new(
                &section,
                ChangeKind::Removed,
                o.kind,
                &o.id,
                o.place.clone(),
            );
            c.old = Some(own.to_string());
            out.push(c);
        }
    }
    out
}

/// Items that stayed in their container but changed place among their siblings of the same
/// kind.
fn reorders(of: &Flat, nf: &Flat) -> Vec<Change> {
    let mut out = Vec::new();
    let mut groups: Vec<(&str, &str)> = Vec::new();
    for i in &nf.items {
        if !groups.contains(&(i.parent.as_str(), i.kind)) {
            groups.push((i.parent.as_str(), i.kind));
        }
    }
    let text = |flat: &Flat, kind: &str, id: &str| -> String {
        flat.items
            .iter()
            .find(|i| i.kind == kind && i.id == id)
            .and_then(|i| i.fields.first())
            .map(|f| {
                let words: Vec<&str> = f.1.split_whitespace().take(6).collect();
                words.join(" ")
            })
            .unwrap_or_else(|| id.to_string())
    };
    for (parent, kind) in groups {
        let (o, n) = (siblings(of, parent, kind), siblings(nf, parent, kind));
        for id in words::reordered(&o, &n) {
            let Some(item) = nf.items.iter().find(|i| i.kind == kind && i.id == id) else {
                continue;
            };
            let section = section_of(&item.place, &top_label(item, nf));
            let mut c = Change::new(&section, ChangeKind::Moved, kind, id, item.place.clone());
            c.field = Some("position".into());
            c.old = Some(words::position(&o, id, |x| text(of, kind, x)));
            c.new = Some(words::position(&n, id, |x| text(nf, kind, x)));
            out.push(c);
        }
    }
    out
}

/// The ids of the items of a kind in a container, in order.
fn siblings<'a>(flat: &'a Flat, parent: &str, kind: &str) -> Vec<&'a str> {
    flat.items
        .iter()
        .filter(|i| i.parent == parent && i.kind == kind)
        .map(|i| i.id.as_str())
        .collect()
}

/// The section label of a top-level item (a chapter's `N Title`, an appendix's label).
fn top_label(item: &Item, flat: &Flat) -> String {
    match item.kind {
        "chapter" => {
            let title = item.fields.first().map(|f| f.1.as_str()).unwrap_or("");
            flat.sections
                .iter()
                .find(|s| s.split_once(' ').is_some_and(|(_, t)| t == title))
                .cloned()
                .unwrap_or_else(|| title.to_string())
        }
        _ => item
            .fields
            .first()
            .map(|f| f.1.clone())
            .unwrap_or_else(|| item.id.clone()),
    }
}

fn prose(of: &Flat, nf: &Flat) -> Vec<Change> {
    let old_by: HashMap<&str, &flatten::Prose> =
        of.prose.iter().map(|p| (p.container.as_str(), p)).collect();
    let new_ids: HashMap<&str, ()> = nf
        .prose
        .iter()
        .map(|p| (p.container.as_str(), ()))
        .collect();
    let empty: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut containers: Vec<(&flatten::Prose, &[String])> = nf
        .prose
        .iter()
        .map(|p| {
            let old = old_by
                .get(p.container.as_str())
                .map(|o| o.paragraphs.as_slice());
            (p, old.unwrap_or(&empty))
        })
        .collect();
    // Containers removed with all their prose.
    let removed: Vec<flatten::Prose> = of
        .prose
        .iter()
        .filter(|p| !new_ids.contains_key(p.container.as_str()))
        .map(|p| flatten::Prose {
            container: p.container.clone(),
            place: p.place.clone(),
            paragraphs: Vec::new(),
        })
        .collect();
    let removed_old: Vec<(&flatten::Prose, &[String])> = removed
        .iter()
        .map(|p| (p, old_by[p.container.as_str()].paragraphs.as_slice()))
        .collect();
    containers.extend(removed_old);
    for (p, old) in containers {
        let new = &p.paragraphs;
        let section = section_of(&p.place, &p.container);
        let para = |n: usize| format!("{}#{}", p.container, n + 1);
        let mut push = |kind: ChangeKind, n: usize, o: Option<&String>, nw: Option<&String>| {
            let mut c = Change::new(&section, kind, "paragraph", &para(n), p.place.clone());
            c.field = Some(format!("paragraph {}", n + 1));
            c.old = o.cloned();
            c.new = nw.cloned();
            if let (Some(o), Some(nw)) = (o, nw) {
                c.words = words::diff(o, nw);
            }
            out.push(c);
        };
        for pair in words::align(old, new) {
            match pair {
                words::Para::Same(_) => {}
                words::Para::Changed(o, n) => {
                    push(ChangeKind::Changed, n, Some(&old[o]), Some(&new[n]))
                }
                words::Para::Removed(o, n) => push(ChangeKind::Removed, n, Some(&old[o]), None),
                words::Para::Added(n) => push(ChangeKind::Added, n, None, Some(&new[n])),
            }
        }
    }
    out
}
