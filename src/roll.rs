//! Rolling a plan forward one year (`vplan new-year YYYY`), editing the YAML text so comments
//! and order stay:
//!
//! - `plan.yaml`: the year, and the year in the title, subtitle, subject, keywords and ärende,
//!   follow; the decision date moves a year; the status returns to `utkast` and the decision
//!   data (diarienummer, sammanträde, paragraf, beslutsdatum) are cleared.
//! - every table whose column ids carry a year (`b2024`, `p2023`, `y2026`, `b2024-omsattning`)
//!   shifts them a year; each new column takes the values of the old column with the same id,
//!   so this year's budget becomes last year's, the prognosis column is emptied for the new
//!   figures, and the plan-period years move on with a new empty last year. Years in column
//!   titles, labels and captions follow.
//! - a figure reference in prose whose column no longer exists moves a year.
//! - every file except `plan.yaml` is marked as carried over, with a fingerprint of its text;
//!   `check` warns about each until someone confirms it (deletes the mark) or edits it.

use std::path::Path;

use std::fs;

use crate::error::{Context, Error, IoContext, Result};

use crate::content::marks::mark_carried;
use crate::content::{Plan, ValuePath};

/// Adds `+1` to every plausible year (old year ± 10) in a text, as whole 4-digit numbers.
pub fn shift_years(text: &str, year: i32) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 {
            let before = i.checked_sub(1).map(|j| bytes[j]);
            let word = &text[i..i + digits];
            let alone = digits == 4 && !before.is_some_and(|b| b.is_ascii_digit() || b == b'.');
            let after = bytes.get(i + digits).copied();
            let decimal = after == Some(b'.')
                || after == Some(b',') && bytes.get(i + digits + 1).is_some_and(u8::is_ascii_digit);
            match word.parse::<i32>() {
                Ok(y) if alone && !decimal && (y - year).abs() <= 10 => {
                    let next = y + 1;
                    // 29 February moves to the 28th in a year that has none.
                    let leap_day = !is_leap(next)
                        && text[i + digits..].starts_with("-02-29")
                        && !bytes.get(i + digits + 6).is_some_and(u8::is_ascii_digit);
                    if !is_leap(next) {
                        written_leap_day_to_28th(&mut out);
                    }
                    out.push_str(&next.to_string());
                    if leap_day {
                        out.push_str("-02-28");
                        i += 6;
                    }
                }
                _ => out.push_str(word),
            }
            i += digits;
        } else {
            let ch = text[i..].chars().next().expect("in bounds");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// `29 februari ` (or `29 feb. `, `29 feb `) written at the end of `out` made the 28th.
fn written_leap_day_to_28th(out: &mut String) {
    for written in ["29 februari ", "29 feb. ", "29 feb "] {
        let Some(at) = out.len().checked_sub(written.len()) else {
            continue;
        };
        if out.is_char_boundary(at)
            && out[at..].eq_ignore_ascii_case(written)
            && !out[..at].ends_with(char::is_alphanumeric)
        {
            out.replace_range(at..at + 2, "28");
            break;
        }
    }
}

/// A Gregorian leap year.
pub fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Whether `y-m-d` is a day of the Gregorian calendar.
pub fn is_calendar_date(y: i32, m: u32, d: u32) -> bool {
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// Every `YYYY-MM-DD` in the text (outside comment lines) that is not a day of the calendar:
/// (line, column, the text).
pub fn impossible_dates(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        let b = line.as_bytes();
        let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
        for i in 0..b.len() {
            let shape = (0..10).all(|k| {
                if k == 4 || k == 7 {
                    b.get(i + k) == Some(&b'-')
                } else {
                    digit(i + k)
                }
            });
            if !shape || (i > 0 && digit(i - 1)) || digit(i + 10) {
                continue;
            }
            let date = &line[i..i + 10];
            let y = date[..4].parse().unwrap_or(0);
            let m = date[5..7].parse().unwrap_or(0);
            let d = date[8..].parse().unwrap_or(0);
            if !is_calendar_date(y, m, d) {
                out.push((n + 1, line[..i].chars().count() + 1, date.to_string()));
            }
        }
    }
    out
}

/// The rolled text of every content file of a plan: (file, new text).
pub fn roll(
    plan: &Plan,
    computed: &crate::figures::Figures,
    to_year: i32,
) -> Result<Vec<(std::path::PathBuf, String)>> {
    let year = plan.meta.value.year;
    // A year out of bounds is never written (nor wrapped round): `check` refuses such a plan
    // before this, and the year after 2999 is refused here.
    let years = crate::content::dates::YEARS;
    let in_bounds = |y: i32| u32::try_from(y).is_ok_and(|y| years.contains(&y));
    crate::ensure_usage!(
        in_bounds(to_year),
        "new-year {to_year}: a plan's year is from {} to {} (nothing written)",
        years.start(),
        years.end()
    );
    crate::ensure_usage!(
        year.checked_add(1) == Some(to_year),
        "the plan is for {year}: new-year rolls one year at a time, to {}",
        year.saturating_add(1)
    );
    let mut out = Vec::new();
    out.push((
        plan.meta.file.clone(),
        roll_meta(read(plan, &plan.meta.file)?, year),
    ));
    let mut dropped_columns = std::collections::HashSet::new();
    for table in plan.tables.values() {
        let (text, dropped) = roll_table(plan, computed, &table.file, &table.value, year)?;
        dropped_columns.extend(dropped.into_iter().map(|c| (table.value.id.clone(), c)));
        out.push((table.file.clone(), mark_carried(&text, year)));
    }
    let mut others: Vec<&Path> = plan.chapters.iter().map(|c| c.file.as_path()).collect();
    others.extend(plan.appendices.iter().map(|a| a.file.as_path()));
    others.extend(plan.goals.iter().map(|g| g.file.as_path()));
    others.extend(plan.internal_control.iter().map(|g| g.file.as_path()));
    others.extend(plan.paper.iter().map(|g| g.file.as_path()));
    for file in others {
        let text = roll_refs(read(plan, file)?, &dropped_columns, year);
        out.push((file.to_path_buf(), mark_carried(&text, year)));
    }
    // Never write a date that does not exist (a 30 February typed in the old plan).
    let mut bad = Vec::new();
    for (file, text) in &out {
        for (line, column, date) in impossible_dates(text) {
            bad.push(
                crate::diag::Diagnostic::error(
                    crate::diag::Code::InvalidDate,
                    file,
                    format!("`{date}` is not a day of the calendar: new-year would write it on"),
                )
                .at(line, column)
                .with_hint(
                    "correct the date in this plan and run new-year again; nothing was written",
                ),
            );
        }
    }
    if !bad.is_empty() {
        return Err(Error::Content(bad));
    }
    Ok(out)
}

/// A content file's text as the plan was loaded from it.
fn read<'p>(plan: &'p Plan, file: &Path) -> Result<&'p str> {
    plan.source(file)
        .with_context(|| format!("{} was not loaded with the plan", file.display()))
}

fn roll_meta(text: &str, year: i32) -> String {
    const CLEARED: &[&str] = &[
        "diarienummer:",
        "sammantradesdatum:",
        "paragraf:",
        "beslutsdatum:",
    ];
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let key = line.trim_start();
        if CLEARED.iter().any(|k| key.starts_with(k)) && line.starts_with(' ') {
            continue;
        }
        let rolled = if key.starts_with("status:") && line.starts_with(' ') {
            let indent = &line[..line.len() - key.len()];
            format!("{indent}status: utkast\n")
        } else if key.starts_with("year:") {
            format!("year: {}\n", year + 1)
        } else if key.starts_with('#') {
            line.to_string()
        } else {
            shift_years(line, year)
        };
        out.push_str(&rolled);
    }
    out
}

/// A table's text rolled forward, and the ids of the old columns that are gone.
fn roll_table(
    plan: &Plan,
    computed: &crate::figures::Figures,
    file: &Path,
    t: &crate::content::Table,
    year: i32,
) -> Result<(String, Vec<String>)> {
    let text = read(plan, file)?;
    let old: Vec<&str> = t.columns.iter().map(|c| c.id.as_str()).collect();
    let new: Vec<String> = old.iter().map(|id| shift_years(id, year)).collect();
    if new.iter().zip(&old).all(|(n, o)| n == o) {
        return Ok((text.to_string(), Vec::new()));
    }
    // New column c takes the old column with its (new) id.
    let source: Vec<Option<usize>> = new
        .iter()
        .map(|id| old.iter().position(|o| o == id))
        .collect();
    let dropped = old
        .iter()
        .filter(|o| !new.iter().any(|n| n == *o))
        .map(|o| o.to_string())
        .collect();
    // Lists of amounts are reordered; everything else has its years shifted.
    let mut lists = Vec::new();
    for (r, row) in t.rows.iter().enumerate() {
        for (key, present) in [
            ("values", row.values.is_some()),
            ("control", row.control.is_some()),
        ] {
            if !present {
                continue;
            }
            let at = plan.pos(file, &ValuePath::of("rows").index(r).key(key));
            let (span, tokens) = crate::yaml_text::row_list(at, file, text, r, key)?;
            // A cell taken from another table keeps, in the column it moves to, the figure it
            // had: its reference moves on with the new year's column.
            let list: Vec<String> = source
                .iter()
                .map(|s| match s {
                    Some(j) if key == "values" && row.refs.contains_key(old[*j]) => computed
                        .get(&t.id, &row.id, old[*j])
                        .map_or("~".to_string(), |v| v.to_string()),
                    Some(j) => tokens.get(*j).copied().unwrap_or("~").to_string(),
                    None => "~".to_string(),
                })
                .collect();
            lists.push((span, format!("[{}]", list.join(", "))));
        }
    }
    lists.sort_by_key(|(span, _)| span.0);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for ((start, end), list) in lists {
        out.push_str(&shift_outside_comments(&text[at..start], year));
        out.push_str(&list);
        at = end;
    }
    out.push_str(&shift_outside_comments(&text[at..], year));
    Ok((out, dropped))
}

/// Shifts years in a piece of YAML, leaving comment lines alone.
fn shift_outside_comments(text: &str, year: i32) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            if line.trim_start().starts_with('#') {
                line.to_string()
            } else {
                shift_years(line, year)
            }
        })
        .collect()
}

/// Moves a year the column of every figure reference whose column is gone.
fn roll_refs(
    text: &str,
    dropped: &std::collections::HashSet<(String, String)>,
    year: i32,
) -> String {
    let refs = crate::figures::refs::find(text);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in refs {
        out.push_str(&text[at..r.start]);
        let whole = &text[r.start..r.end];
        let written = r.inner.split('|').next().unwrap_or("").trim();
        match crate::figures::CellRef::parse(written) {
            Ok(mut cell) if dropped.contains(&(cell.table.clone(), cell.column.clone())) => {
                cell.column = shift_years(&cell.column, year);
                out.push_str(&whole.replacen(written, &cell.to_string(), 1));
            }
            _ => out.push_str(whole),
        }
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Rolls the plan in `content` forward to `year` and writes it: in place (every file staged
/// before any is replaced), or into a new directory `to` made whole before it appears.
/// Returns the directory written and the number of files rolled.
pub fn roll_into(
    content: &Path,
    year: i32,
    to: Option<&Path>,
) -> Result<(std::path::PathBuf, usize)> {
    // In place, the content is locked from reading to writing (`output::lock`).
    let _lock = match to {
        None => crate::output::lock_if_dir(content)?,
        Some(_) => None,
    };
    let checked = crate::pipeline::load(content, &Default::default(), &crate::progress::Silent)?;
    let rolled = roll(&checked.plan, &checked.computed, year)?;
    // Every file is staged before any is replaced (in place), or the new directory is made
    // whole before it appears (`--to`).
    let target = match to {
        // A report file with errors is a report too (a draft of one).
        None if !checked.plan.reports.is_empty() || !checked.drafts.is_empty() => crate::usage!(
            "{} holds reports that follow up the {} plan: roll into a new directory with --to (the reports stay with the plan they follow up)",
            content.join("uppfoljning").display(),
            checked.plan.meta.value.year
        ),
        None => {
            let files: Vec<(&Path, &str, &[u8])> = rolled
                .iter()
                .map(|(file, text)| {
                    (
                        file.as_path(),
                        checked.plan.source(file).unwrap_or_default(),
                        text.as_bytes(),
                    )
                })
                .collect();
            crate::output::rewrite_content(content, &files)?;
            content.to_path_buf()
        }
        Some(to) => {
            crate::output::ensure_empty(to, "give a new or empty directory")?;
            // A copy inside the content directory would copy itself without end.
            let real = fs::canonicalize(content).at("read", content)?;
            if crate::output::resolved(to).starts_with(&real) {
                crate::usage!(
                    "--to {}: give a directory outside the content directory {}",
                    to.display(),
                    content.display()
                );
            }
            crate::output::make_dir(to, |tmp| {
                crate::output::copy_tree(content, tmp)?;
                // The reports follow up this year's plan, not the next one's.
                let reports = tmp.join("uppfoljning");
                if reports.exists() {
                    fs::remove_dir_all(&reports).at("remove the copied reports", &reports)?;
                }
                for (file, text) in &rolled {
                    let rel = file.strip_prefix(content).unwrap_or(file);
                    crate::output::write(&tmp.join(rel), text.as_bytes())?;
                }
                Ok(())
            })?;
            to.to_path_buf()
        }
    };
    Ok((target, rolled.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_shift_but_amounts_do_not() {
        assert_eq!(shift_years("b2024-omsattning", 2024), "b2025-omsattning");
        assert_eq!(
            shift_years("Budget 2024, Prognos 2023", 2024),
            "Budget 2025, Prognos 2024"
        );
        assert_eq!(
            shift_years("2380.5 12024 2024.5 1999", 2024),
            "2380.5 12024 2024.5 1999"
        );
        assert_eq!(shift_years("2024-11-21", 2024), "2025-11-21");
    }

    #[test]
    fn a_leap_day_moves_to_the_28th_in_a_common_year() {
        assert_eq!(
            shift_years("decision_date: 2024-02-29\n", 2024),
            "decision_date: 2025-02-28\n"
        );
        assert_eq!(
            shift_years("2027-02-29", 2028),
            "2028-02-29",
            "into a leap year: kept"
        );
        assert_eq!(
            shift_years("2024-02-290", 2024),
            "2025-02-290",
            "not a date"
        );
        assert_eq!(
            shift_years("den 29 februari 2024", 2024),
            "den 28 februari 2025"
        );
        assert_eq!(shift_years("129 februari 2024", 2024), "129 februari 2025");
        assert_eq!(shift_years("2024-02-28", 2024), "2025-02-28");
        assert!(is_leap(2024) && is_leap(2000) && !is_leap(2100) && !is_leap(2025));
        assert_eq!(
            impossible_dates(
                "a: 2025-02-29\n# 2025-02-30\nb: 2024-02-29 x2025-13-01 12025-01-011\n"
            ),
            vec![
                (1, 4, "2025-02-29".to_string()),
                (3, 16, "2025-13-01".to_string())
            ]
        );
    }
}
