//! Figure references in prose: `{{ table/row/column }}` in a text block (or in the decision
//! paper) is replaced by the computed value of that cell, formatted like the table prints it,
//! so a sentence that quotes a total can never disagree with the table.
//!
//! A literal `{{` is written `\{{`. Filters after `|` convert or round:
//! `{{ handlingsplan-summering/totalsumma/2024 | mnkr }}` prints a tkr cell in mnkr (one
//! decimal unless told; a figure with more decimals than that is an error, so a conversion is
//! never rounded unasked), `| 2` prints two decimals, rounding the exact figure once, half away
//! from zero.
//!
//! References are checked with the rest of the content ([`check`]): an unknown table, row or
//! column, an empty cell, a bad filter or a unit that cannot be converted is an error at the
//! reference's own line and column.

use std::path::Path;

use rust_decimal::Decimal;

use crate::content::walk::{for_each_text, lists, walk, At, Printed};
use crate::content::{DecisionPaper, FollowUp, Plan, Sourced, ValuePath};
use crate::diag::{Code, Diagnostic};
use crate::figures::{CellRef, Figures};
use crate::numfmt::format_amount;

const OPEN: &str = "{{";
/// The most decimals a reference prints (`| 6`).
const MAX_DECIMALS: u32 = 6;
const CLOSE: &str = "}}";

/// A reference found in a text: its byte range and what is inside the braces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref<'t> {
    pub start: usize,
    pub end: usize,
    /// Everything between `{{` and `}}`, trimmed.
    pub inner: &'t str,
}

/// A parsed reference: the cell and how to print it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Spec {
    cell: CellRef,
    unit: Option<Money>,
    decimals: Option<u32>,
}

/// Money units a reference can convert between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Money {
    Kr,
    Tkr,
    Mnkr,
    Mdkr,
}

impl Money {
    fn parse(s: &str) -> Option<Money> {
        match s.trim().to_lowercase().as_str() {
            "kr" | "kronor" => Some(Money::Kr),
            "tkr" => Some(Money::Tkr),
            "mnkr" | "mkr" => Some(Money::Mnkr),
            "mdkr" | "mdr" => Some(Money::Mdkr),
            _ => None,
        }
    }

    fn kronor(self) -> Decimal {
        match self {
            Money::Kr => Decimal::ONE,
            Money::Tkr => Decimal::from(1_000),
            Money::Mnkr => Decimal::from(1_000_000),
            Money::Mdkr => Decimal::from(1_000_000_000),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Money::Kr => "kr",
            Money::Tkr => "tkr",
            Money::Mnkr => "mnkr",
            Money::Mdkr => "mdkr",
        }
    }

    /// Decimals printed when converting into this unit and none are asked for.
    fn default_decimals(self) -> u32 {
        match self {
            Money::Kr | Money::Tkr => 0,
            Money::Mnkr | Money::Mdkr => 1,
        }
    }
}

/// Every `{{ … }}` in a text, in order. An opening `{{` without its `}}` is returned as a
/// reference running to the end of the text (and fails to parse).
pub fn find(text: &str) -> Vec<Ref<'_>> {
    find_outside(text, &[])
}

/// The references of a Markdown prose text: [`find`], except that a `{{` in code
/// (`` `{{ x }}` `` or a code block) is not a reference, since code prints literally.
pub fn find_in_prose(text: &str) -> Vec<Ref<'_>> {
    if !text.contains(OPEN) {
        return Vec::new();
    }
    find_outside(text, &code_ranges(text))
}

fn find_outside<'t>(text: &'t str, code: &[std::ops::Range<usize>]) -> Vec<Ref<'t>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(OPEN) {
        let start = from + i;
        // `\{{` is a literal `{{` (Markdown drops the backslash).
        if text[..start].ends_with('\\') {
            from = start + OPEN.len();
            continue;
        }
        if let Some(r) = code.iter().find(|r| r.contains(&start)) {
            from = r.end.max(start + OPEN.len());
            continue;
        }
        let inner_start = start + OPEN.len();
        match text[inner_start..].find(CLOSE) {
            Some(j) => {
                let end = inner_start + j + CLOSE.len();
                out.push(Ref {
                    start,
                    end,
                    inner: text[inner_start..inner_start + j].trim(),
                });
                from = end;
            }
            None => {
                out.push(Ref {
                    start,
                    end: text.len(),
                    inner: text[inner_start..].trim(),
                });
                break;
            }
        }
    }
    out
}

/// Byte ranges of the code spans and code blocks of a Markdown text.
fn code_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    use pulldown_cmark::{Event, Parser, Tag};
    if !text.contains('`') && !text.contains('~') && !text.contains("    ") && !text.contains('\t')
    {
        return Vec::new();
    }
    Parser::new_ext(text, crate::content::MARKDOWN)
        .into_offset_iter()
        .filter(|(e, _)| matches!(e, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, r)| r)
        .collect()
}

fn parse(inner: &str) -> Result<Spec, String> {
    if inner.contains(OPEN) || inner.contains('\n') {
        return Err("`{{` without its closing `}}`".into());
    }
    let mut parts = inner.split('|');
    let cell = CellRef::parse(parts.next().unwrap_or(""))?;
    let mut spec = Spec {
        cell,
        unit: None,
        decimals: None,
    };
    for filter in parts {
        let f = filter.trim();
        if let Ok(n) = f.parse::<u32>() {
            if n > MAX_DECIMALS {
                return Err(format!("`| {f}`: at most {MAX_DECIMALS} decimals"));
            }
            if let Some(first) = spec.decimals {
                return Err(format!(
                    "two numbers of decimals (`| {first}` and `| {n}`): give one"
                ));
            }
            spec.decimals = Some(n);
        } else if let Some(unit) = Money::parse(f) {
            if let Some(first) = spec.unit {
                return Err(format!(
                    "two units (`| {}` and `| {f}`): give one",
                    first.name()
                ));
            }
            spec.unit = Some(unit);
        } else {
            return Err(format!(
                "unknown filter `| {f}`: use a unit (`kr`, `tkr`, `mnkr`, `mdkr`) or a number of decimals"
            ));
        }
    }
    Ok(spec)
}

/// Whose figures a text quotes: the plan's, or a follow-up report's (`plan` is then the
/// report's projection, whose sums stay empty until every figure they depend on is given).
/// `explain` may give a wrong reference's cell in a report a hint of its own (a plan column the
/// report does not follow).
pub enum Quoting<'a> {
    Plan,
    Report {
        explain: &'a dyn Fn(&CellRef) -> Option<String>,
    },
}

/// The formatted value of a reference, or what is wrong with it.
pub fn resolve(plan: &Plan, computed: Option<&Figures>, inner: &str) -> Result<String, String> {
    resolve_quoting(plan, computed, inner, &Quoting::Plan)
}

/// [`resolve`], saying what is wrong in the words of the document that quotes it.
fn resolve_quoting(
    plan: &Plan,
    computed: Option<&Figures>,
    inner: &str,
    quoting: &Quoting,
) -> Result<String, String> {
    let spec = parse(inner)?;
    let (t, row, column) = quoted_cell(plan, &spec.cell)?;
    let (scale, precision) = scale_and_precision(&spec, t, column)?;
    let Some(computed) = computed else {
        // Checked without figures: the reference is well-formed and points at a cell.
        return Ok(String::new());
    };
    quoted_value(&spec, row, computed, scale, precision, quoting)
}

/// The table, row and column a reference's cell names, or which of them there is not.
fn quoted_cell<'p>(
    plan: &'p Plan,
    cell: &CellRef,
) -> Result<
    (
        &'p crate::content::Table,
        &'p crate::content::Row,
        &'p crate::content::Column,
    ),
    String,
> {
    let Some(table) = plan.tables.get(&cell.table) else {
        let known: Vec<&str> = plan.tables.keys().map(String::as_str).collect();
        return Err(with_guess(
            format!("there is no table `{}`", cell.table),
            &cell.table,
            &known,
        ));
    };
    let t = &table.value;
    let Some(row) = t.rows.iter().find(|r| r.id == cell.row) else {
        let known: Vec<&str> = t.rows.iter().map(|r| r.id.as_str()).collect();
        return Err(with_guess(
            format!("table `{}` has no row `{}`", cell.table, cell.row),
            &cell.row,
            &known,
        ));
    };
    let Some(column) = t.columns.iter().find(|c| c.id == cell.column) else {
        let known: Vec<&str> = t.columns.iter().map(|c| c.id.as_str()).collect();
        let guess = crate::suggest::did_you_mean(&cell.column, &known)
            .map(|g| format!("{g} "))
            .unwrap_or_default();
        return Err(format!(
            "table `{}` has no column `{}`; {guess}its columns are: {}",
            cell.table,
            cell.column,
            known
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    };
    Ok((t, row, column))
}

/// The factor a reference's unit converts its column's figures by, and the decimals it
/// prints.
fn scale_and_precision(
    spec: &Spec,
    t: &crate::content::Table,
    column: &crate::content::Column,
) -> Result<(Decimal, u32), String> {
    let cell = &spec.cell;
    let from = column.unit(t);
    let mut precision = column.precision;
    let scale = match spec.unit {
        None => Decimal::ONE,
        Some(to) => {
            let Some(from_unit) = Money::parse(from) else {
                return Err(format!(
                    "column `{}` of `{}` is in `{from}`, which cannot be converted to an amount of money",
                    cell.column, cell.table
                ));
            };
            precision = to.default_decimals();
            from_unit
                .kronor()
                .checked_div(to.kronor())
                .ok_or("the unit conversion cannot be computed")?
        }
    };
    if let Some(d) = spec.decimals {
        precision = d;
    }
    Ok((scale, precision))
}

/// The quoted cell's figure formatted, or why it cannot be printed as the reference asks.
fn quoted_value(
    spec: &Spec,
    row: &crate::content::Row,
    computed: &Figures,
    scale: Decimal,
    precision: u32,
    quoting: &Quoting,
) -> Result<String, String> {
    let cell = &spec.cell;
    match computed.value(cell) {
        Some(value) => match convert(value, scale) {
            // A conversion is printed exactly: when its figure has more decimals than the
            // unit's default, the reference says how many to print (and so asks for the
            // rounding).
            Some(Ok(v)) if spec.unit.is_some() && spec.decimals.is_none() && v.normalize().scale() > precision => {
                let unit = spec.unit.map(Money::name).unwrap_or_default();
                let exact = v.normalize().scale();
                let exactly = if exact <= MAX_DECIMALS {
                    format!("write `| {unit} | {exact}` for the exact figure or ")
                } else {
                    format!("it has more decimals than a reference prints ({MAX_DECIMALS}): quote it in a smaller unit for the exact figure, or write ")
                };
                Err(format!(
                    "cell `{cell}` ({}) is {} {unit}, which cannot be printed exactly with {precision} {}; {exactly}`| {unit} | {precision}` to round it (half away from zero)",
                    row.label,
                    format_amount(v, exact),
                    if precision == 1 { "decimal" } else { "decimals" },
                ))
            }
            Some(Ok(v)) => Ok(format_amount(v, precision)),
            Some(Err(())) => Err(format!(
                "cell `{cell}` ({}) cannot be converted to {} exactly: it has more digits than an amount can hold",
                row.label,
                spec.unit.map(Money::name).unwrap_or("")
            )),
            None => Err(format!(
                "cell `{cell}` ({}) is too large to convert to {}",
                row.label,
                spec.unit.map(Money::name).unwrap_or("")
            )),
        },
        None if matches!(quoting, Quoting::Report { .. }) => Err(format!(
            "cell `{cell}` ({}) is empty: in a report a sum, deviation or share stays empty until every figure it depends on is given (an outcome or forecast of a row with a budget is missing)",
            row.label
        )),
        None => Err(format!("cell `{cell}` ({}) is empty", row.label)),
    }
}

/// `value × scale`, exactly: `None` when it overflows, `Err` when rust_decimal would round it
/// (it rounds a product with more than 28 digits instead of failing). With the limits of a
/// column (15 digits before the point, 10 after) and the units' powers of ten every
/// conversion is exact; this keeps it so if the limits change.
fn convert(value: Decimal, scale: Decimal) -> Option<Result<Decimal, ()>> {
    let product = value.checked_mul(scale)?;
    Some(if product.checked_div(scale) == Some(value) {
        Ok(product)
    } else {
        Err(())
    })
}

fn with_guess(message: String, word: &str, known: &[&str]) -> String {
    match crate::suggest::did_you_mean(word, known) {
        Some(hint) => format!("{message}; {hint}"),
        None => message,
    }
}

/// A text with every reference replaced by its value. References that do not resolve are left
/// as they are (`check` has reported them before anything is rendered).
pub fn expand(text: &str, plan: &Plan, computed: &Figures) -> String {
    let refs = find_in_prose(text);
    if refs.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in refs {
        out.push_str(&text[at..r.start]);
        match resolve(plan, Some(computed), r.inner) {
            Ok(value) => out.push_str(&value),
            Err(_) => out.push_str(&text[r.start..r.end]),
        }
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A text of the content that may hold references: its file, its path in the file and the text.
pub struct Prose<'a> {
    pub file: &'a Path,
    pub path: ValuePath,
    pub text: &'a str,
}

/// Every prose text of the plan: text blocks of chapters, appendices and the goal structure.
/// (A text table's cells, titles and labels are printed as they stand: a reference in them is
/// an error, [`misplaced`].)
pub fn prose(plan: &Plan) -> Vec<Prose<'_>> {
    let mut out = Vec::new();
    lists(plan, |list| {
        walk(list.blocks, &list.path, list.container, &mut |b,
                                                            at: At<
            '_,
        >| {
            for_each_text(b, at.path, &mut |t| match t.printed {
                Printed::Prose => out.push(Prose {
                    file: list.file,
                    path: t.path,
                    text: t.text,
                }),
                Printed::Markdown | Printed::Plain | Printed::Unprinted => {}
            })
        })
    });
    if let Some(paper) = &plan.paper {
        paper_prose(&paper.file, &ValuePath::ROOT, &paper.value, &mut out);
    }
    out
}

/// A decision paper's texts, their paths under `prefix`.
fn paper_prose<'a>(
    file: &'a Path,
    prefix: &ValuePath,
    p: &'a DecisionPaper,
    out: &mut Vec<Prose<'a>>,
) {
    out.push(Prose {
        file,
        path: prefix.key("sammanfattning"),
        text: &p.sammanfattning,
    });
    if let Some(text) = &p.arendebeskrivning {
        out.push(Prose {
            file,
            path: prefix.key("arendebeskrivning"),
            text,
        });
    }
    for (i, att) in p.forslag_till_beslut.iter().enumerate() {
        out.push(Prose {
            file,
            path: prefix.key("forslag_till_beslut").index(i),
            text: att,
        });
    }
}

/// `{{ … }}` in a value that is printed as it stands (a title, a label, a goal, a table cell,
/// a note): an error at the reference, since the reader would see the braces.
///
/// A value is one of the expanded texts of [`prose`] when its text is; only when a file holds
/// the same text more often than as prose are the values' positions compared (so a clean plan
/// does not index positions).
fn misplaced(plan: &Plan) -> Vec<Diagnostic> {
    use std::collections::HashMap;
    if !plan.spans.values().any(|s| s.text().contains(OPEN)) {
        return Vec::new();
    }
    let mut texts = prose(plan);
    for report in &plan.reports {
        texts.extend(report_prose(report));
    }
    let mut expanded: HashMap<(&Path, &str), Vec<&Prose>> = HashMap::new();
    for p in &texts {
        expanded.entry((p.file, p.text)).or_default().push(p);
    }
    struct Candidate<'p> {
        file: &'p Path,
        source: &'p str,
        key: String,
        value: String,
        at: (usize, usize),
    }
    let mut found: Vec<Candidate> = Vec::new();
    crate::content::spans::for_each_value(plan, |file, source, key, value, at| {
        if !find(value).is_empty() {
            found.push(Candidate {
                file,
                source,
                key: key.to_string(),
                value: value.to_string(),
                at,
            });
        }
    });
    let mut seen: HashMap<(&Path, &str), usize> = HashMap::new();
    for c in &found {
        *seen.entry((c.file, c.value.as_str())).or_default() += 1;
    }
    let mut diags = Vec::new();
    for c in &found {
        let same = expanded
            .get(&(c.file, c.value.as_str()))
            .map_or(&[][..], Vec::as_slice);
        let is_prose = if seen[&(c.file, c.value.as_str())] <= same.len() {
            true
        } else {
            same.iter().any(|p| {
                // The text may be left out (the decision paper's `sammanfattning`).
                plan.pos_or_ancestor(p.file, &p.path)
                    .is_some_and(|pos| (pos.line, pos.column) == c.at)
            })
        };
        if is_prose {
            continue;
        }
        let r = &find(&c.value)[0];
        let needle = &c.value[r.start..r.end];
        let (line, col) = locate(Some(c.source), Some(c.at.0), needle).unwrap_or(c.at);
        diags.push(
            Diagnostic::error(
                Code::FigureReference,
                c.file,
                format!(
                    "figure references are expanded only in text blocks and the decision paper's texts; `{}` in `{}` would be printed as it stands",
                    needle.lines().next().unwrap_or(needle),
                    c.key
                ),
            )
            .at(line, col)
            .with_hint("quote the figure in a text block (`- text: …`) next to it, or remove the braces"),
        );
    }
    diags
}

/// Checks every reference of the plan's prose; with `computed`, also that each cell has a
/// value. References where they are not expanded are errors too. (A report's prose quotes the
/// report's figures: it is checked against its projection, with [`check_prose`].)
pub fn check(plan: &Plan, computed: Option<&Figures>) -> Vec<Diagnostic> {
    let mut diags = misplaced(plan);
    diags.extend(check_prose(&prose(plan), plan, computed, &Quoting::Plan));
    diags
}

/// Every prose text of a follow-up report, whose references quote the report's figures: its
/// Markdown texts and its decision paper's.
pub fn report_prose(report: &Sourced<FollowUp>) -> Vec<Prose<'_>> {
    let file = report.file.as_path();
    let mut out: Vec<Prose> = report
        .value
        .markdown()
        .into_iter()
        .map(|(path, text, _)| Prose { file, path, text })
        .collect();
    if let Some(paper) = &report.value.tjansteskrivelse {
        paper_prose(file, &ValuePath::of("tjansteskrivelse"), paper, &mut out);
    }
    out
}

/// Checks the references of these texts against `plan` and its figures, as `quoting` says
/// (a report's hint of its own for a wrong reference's cell; otherwise the hint says how a
/// reference is written).
pub fn check_prose(
    texts: &[Prose],
    plan: &Plan,
    computed: Option<&Figures>,
    quoting: &Quoting,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for p in texts {
        for r in find_in_prose(p.text) {
            let Err(problem) = resolve_quoting(plan, computed, r.inner, quoting) else {
                continue;
            };
            let pos = plan.pos(p.file, &p.path);
            let at = locate(
                plan.source(p.file),
                pos.map(|p| p.line),
                &p.text[r.start..r.end],
            );
            let d = Diagnostic::error(
                Code::FigureReference,
                p.file,
                format!("figure reference: {problem}"),
            );
            let d = match (at, pos) {
                (Some((line, col)), _) => d.at(line, col),
                (None, pos) => d.at_pos(pos),
            };
            let cell = r
                .inner
                .split('|')
                .next()
                .and_then(|c| CellRef::parse(c).ok());
            let explained = match quoting {
                Quoting::Plan => None,
                Quoting::Report { explain } => cell.as_ref().and_then(explain),
            };
            diags.push(d.with_hint(explained.unwrap_or_else(|| {
                "a reference is `{{ table/row/column }}`, optionally `| mnkr` or `| 1` (decimals)"
                    .to_string()
            })));
        }
    }
    diags
}

/// Line and column (1-based) of `needle` in the source, searching from line `from` on.
fn locate(source: Option<&str>, from: Option<usize>, needle: &str) -> Option<(usize, usize)> {
    let source = source?;
    let first = needle.lines().next()?;
    let from = from.unwrap_or(1);
    for (i, line) in source.lines().enumerate().skip(from.saturating_sub(1)) {
        if let Some(col) = line.find(first) {
            return Some((i + 1, line[..col].chars().count() + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_references() {
        let text = "Summa {{ a/b/c }} och {{a/b/d|mnkr}}, \\{{ ej }}, slut {{ öppen";
        let refs = find(text);
        assert_eq!(refs.len(), 3, "{refs:?}");
        assert_eq!(refs[0].inner, "a/b/c");
        assert_eq!(&text[refs[0].start..refs[0].end], "{{ a/b/c }}");
        assert_eq!(refs[1].inner, "a/b/d|mnkr");
        assert_eq!(refs[2].end, text.len());
    }

    #[test]
    fn code_is_not_a_reference() {
        let text = "Skriv `{{ a/b/c }}` så, {{ a/b/d }}\n\n```\n{{ x }}\n```\n\n    {{ y }}\n";
        let refs = find_in_prose(text);
        assert_eq!(refs.len(), 1, "{refs:?}");
        assert_eq!(refs[0].inner, "a/b/d");
        assert_eq!(find(text).len(), 4);
    }

    #[test]
    fn parses_filters() {
        let s = parse("t/r/c | mnkr | 2").unwrap();
        assert_eq!(s.cell, CellRef::new("t", "r", "c"));
        assert_eq!(s.unit, Some(Money::Mnkr));
        assert_eq!(s.decimals, Some(2));
        assert!(parse("t/r").unwrap_err().contains("table/row/column"));
        assert!(parse("t/r/c/extra")
            .unwrap_err()
            .contains("table/row/column"));
        assert!(parse("t//c").is_err());
        assert!(parse("t/r/c | procent")
            .unwrap_err()
            .contains("unknown filter"));
        assert!(parse("t/r/c | 9").is_err());
    }

    #[test]
    fn conversions_are_exact_or_refused() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        // mdkr → kr: exact.
        assert_eq!(
            convert(d("999999999999999.9999999999"), d("1000000000")),
            Some(Ok(d("999999999999999999999999.9")))
        );
        // kr → mdkr with 28 decimals: the product would need 37; rounded, so refused.
        assert_eq!(
            convert(d("1.1234567890123456789012345678"), d("0.000000001")),
            Some(Err(()))
        );
        // A product beyond any Decimal.
        assert_eq!(convert(Decimal::MAX, d("1000")), None);
    }

    #[test]
    fn conflicting_filters_are_refused() {
        assert!(parse("t/r/c | 0 | 3")
            .unwrap_err()
            .contains("two numbers of decimals"));
        assert!(parse("t/r/c | tkr | mnkr")
            .unwrap_err()
            .contains("two units"));
        assert!(parse("t/r/c | tkr | 2").is_ok());
    }

    #[test]
    fn locates_in_source() {
        let src = "a: 1\ntext: |\n  Det är {{ x/y/z }} kr.\n";
        assert_eq!(locate(Some(src), Some(2), "{{ x/y/z }}"), Some((3, 10)));
    }
}
