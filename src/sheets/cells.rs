//! A spreadsheet cell read as an amount: a typed number or text through its shortest decimal
//! form into `Decimal`, never rounded; a formula, an error value, a truth value, a date, or a
//! number a double or the column cannot hold exactly is an error. Also whether a cell the
//! import does not read agrees with the value vplan computes there.

use rust_decimal::Decimal;

/// Most significant digits a spreadsheet number (a double) holds exactly.
const DOUBLE_DIGITS: u32 = 15;
/// Most digits a `Decimal` holds.
const DECIMAL_DIGITS: u32 = 28;

/// An amount for a column with `precision` decimals, from a cell (and its formula, when it
/// has one). Never invents: a formula, an error value, a truth value, a date, a number a
/// double or the column cannot hold exactly, or one beyond the plan's bound on amounts
/// ([`crate::figures::max_amount`]) is an error, not an amount or an empty cell.
pub(super) fn read_amount(
    cell: &calamine::Data,
    formula: Option<&str>,
    number_format: Option<&str>,
    precision: u32,
) -> Result<Option<Decimal>, String> {
    if let (calamine::Data::Float(_) | calamine::Data::Int(_), Some(code)) =
        (cell, number_format.filter(|c| percent(c)))
    {
        if formula.is_none_or(|f| f.trim().is_empty()) {
            let value = match cell {
                calamine::Data::Float(f) => Decimal::from_scientific(&format!("{f:e}")).ok(),
                calamine::Data::Int(i) => Some(Decimal::from(*i)),
                _ => None,
            };
            let (value, shown) = value.map_or_else(
                || (cell.to_string(), String::new()),
                |v| {
                    (
                        v.normalize().to_string(),
                        format!(" shows {}%", (v * Decimal::ONE_HUNDRED).normalize()),
                    )
                },
            );
            return Err(format!(
                "the cell has the percent format `{code}`, which{shown} for the value {value}: vplan reads the value, not what the cell shows, so the amount is unclear; give the cell a number format (and type the amount as the table means it, 10 for ten percent)"
            ));
        }
    }
    let v = read_cell(cell, formula, precision)?;
    match v {
        Some(v) if v.abs() > crate::figures::max_amount() => Err(format!(
            "{} is too large for an amount: amounts are below 10^15 (1 000 000 000 000 000) in magnitude",
            v.normalize()
        )),
        _ => Ok(v),
    }
}

/// [`read_amount`] without the bound on amounts.
fn read_cell(
    cell: &calamine::Data,
    formula: Option<&str>,
    precision: u32,
) -> Result<Option<Decimal>, String> {
    use calamine::Data;
    if let Some(f) = formula.map(str::trim).filter(|f| !f.is_empty()) {
        let f = if f.starts_with('=') {
            f.to_string()
        } else {
            format!("={f}")
        };
        return Err(match cell {
            Data::Empty => format!("the formula `{f}` has no stored result (the program that saved the file did not calculate it); type the amount, or paste the cells as values"),
            Data::String(s) if s.is_empty() => format!("the formula `{f}` has no stored result (the program that saved the file did not calculate it); type the amount, or paste the cells as values"),
            Data::Error(e) => format!("the formula `{f}` gives the error {e} in the spreadsheet, not an amount"),
            _ => format!("the formula `{f}` is not an amount: vplan reads typed amounts only, as it cannot recompute a formula nor trust the result a program stored for it; paste the cells as values"),
        });
    }
    match cell {
        Data::Empty => Ok(None),
        Data::Int(i) => fits(Decimal::from(*i), precision).map(Some),
        Data::Float(f) => from_double(*f, precision).map(Some),
        Data::String(s) if s.trim().is_empty() => Ok(None),
        Data::String(s) => {
            let (negative, int, frac) = plain_number(s).ok_or_else(|| {
                format!("`{s}` is not an amount (a number with a point or comma for decimals, its thousands grouped by spaces: `1 234,5`)")
            })?;
            // As in the YAML: trailing zeros are no decimals (`12.50` in a column of 1).
            let frac = frac.trim_end_matches('0');
            if frac.len() > precision as usize {
                return Err(format!("`{s}` has more than {}", decimals_text(precision)));
            }
            let int = int.trim_start_matches('0');
            let int_digits = int.len().max(1) as u32;
            if int_digits + precision > DECIMAL_DIGITS {
                return Err(format!("`{s}` is too large for an amount"));
            }
            let sign = if negative { "-" } else { "" };
            let int = if int.is_empty() { "0" } else { int };
            let normal = if frac.is_empty() {
                format!("{sign}{int}")
            } else {
                format!("{sign}{int}.{frac}")
            };
            normal
                .parse::<Decimal>()
                .map(|v| Some(if v.is_zero() { Decimal::ZERO } else { v }))
                .map_err(|_| format!("`{s}` is not an amount"))
        }
        Data::Bool(b) => Err(format!(
            "{} is a truth value, not an amount",
            if *b { "TRUE" } else { "FALSE" }
        )),
        Data::DateTime(d) if d.is_duration() => Err(format!(
            "a duration (Excel value {d}), not an amount: give the cell a number format"
        )),
        Data::DateTime(d) => Err(format!(
            "a date (Excel value {d}), not an amount: give the cell a number format"
        )),
        Data::DateTimeIso(d) => Err(format!("a date ({d}), not an amount")),
        Data::DurationIso(d) => Err(format!("a duration ({d}), not an amount")),
        Data::Error(e) => Err(format!(
            "the error value {e}, not an amount (a formula failed in the spreadsheet)"
        )),
    }
}

/// `1 decimal`, `2 decimals`; `no decimals`.
fn decimals_text(precision: u32) -> String {
    match precision {
        0 => "no decimals (the column has whole numbers)".into(),
        1 => "1 decimal".into(),
        n => format!("{n} decimals"),
    }
}

/// An amount that a column with `precision` decimals holds within a `Decimal`.
fn fits(v: Decimal, precision: u32) -> Result<Decimal, String> {
    let v = v.normalize();
    if v.scale() > precision {
        return Err(format!("{v} has more than {}", decimals_text(precision)));
    }
    let int_digits = v
        .trunc()
        .abs()
        .to_string()
        .trim_start_matches('0')
        .len()
        .max(1) as u32;
    if int_digits + precision > DECIMAL_DIGITS {
        return Err(format!("{v} is too large for an amount"));
    }
    Ok(v)
}

/// A double as the decimal number typed into the spreadsheet: its shortest round-trip text,
/// never an `as` conversion. A double with more than 15 significant digits is not a number
/// anyone typed (`0.1+0.2` gives `0.30000000000000004`; Excel keeps 15 digits of a typed
/// number) and is refused rather than rounded; so is one with more decimals than the column,
/// one too large for a `Decimal`, a subnormal, an infinity or a NaN.
pub fn from_double(f: f64, precision: u32) -> Result<Decimal, String> {
    if !f.is_finite() {
        return Err(format!("{f} is not an amount"));
    }
    if f == 0.0 {
        return Ok(Decimal::ZERO);
    }
    if f.is_subnormal() {
        return Err(format!("{f:e} is too small to be an amount"));
    }
    // Shortest round-trip digits and exponent: `1.2345e3`.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` has an exponent");
    let exp: i32 = exp.parse().expect("an integer exponent");
    let digits = mantissa.replace('.', "").len() as i32;
    let shown = if (-7..=21).contains(&exp) {
        format!("{f}")
    } else {
        format!("{f:e}")
    };
    if digits > DOUBLE_DIGITS as i32 {
        return Err(format!(
            "{shown} has {digits} significant digits, more than a spreadsheet number holds exactly ({DOUBLE_DIGITS}); write it as text to keep every digit"
        ));
    }
    let decimals = (digits - 1 - exp).max(0);
    if decimals > precision as i32 {
        return Err(format!(
            "{shown} has more than {}",
            decimals_text(precision)
        ));
    }
    let int_digits = (exp + 1).max(1);
    if int_digits + precision as i32 > DECIMAL_DIGITS as i32 {
        return Err(format!("{shown} is too large for an amount"));
    }
    format!("{f}")
        .parse::<Decimal>()
        .map_err(|_| format!("{shown} is not an amount"))
}

/// Spaces that group the digits of a number: a space, a no-break space, a narrow no-break
/// space (Swedish Excel's), a thin space.
const GROUP_SPACES: [char; 4] = [' ', '\u{a0}', '\u{202f}', '\u{2009}'];

/// A number as a Swedish spreadsheet may show it (`−1 234,5`, `1234.5`, `+12`) as its sign,
/// integer digits and decimal digits; `None` if it is not one. Spaces may only group the
/// integer digits in thousands (`1 234 567`, one space between groups of three), so that
/// `12 3` or `1 2 3 4` (two amounts in one cell, or a typo) is not read as one number.
fn plain_number(s: &str) -> Option<(bool, String, String)> {
    let s = s.trim_matches(|c: char| c.is_whitespace() || GROUP_SPACES.contains(&c));
    let (negative, digits) = match s.chars().next()? {
        '-' | '\u{2212}' => (true, &s[s.chars().next()?.len_utf8()..]),
        '+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = match digits.split_once(['.', ',']) {
        Some((int, frac)) => {
            if frac.is_empty() {
                return None;
            }
            (int, frac)
        }
        None => (digits, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let groups: Vec<&str> = int.split(GROUP_SPACES).collect();
    let grouped = groups.len() > 1;
    for (i, g) in groups.iter().enumerate() {
        let ok = g.bytes().all(|b| b.is_ascii_digit())
            && if !grouped {
                true
            } else if i == 0 {
                (1..=3).contains(&g.len())
            } else {
                g.len() == 3
            };
        if !ok {
            return None;
        }
    }
    Some((negative, groups.concat(), frac.to_string()))
}

/// Whether a number format shows the value as a percentage (`0%`, `0.0 %`): a `%` outside
/// quotes, escapes and brackets in any of its sections.
fn percent(code: &str) -> bool {
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => return true,
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => {
                for q in chars.by_ref() {
                    if q == ']' {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether a cell the import does not read (no formula in it) agrees with `want`, the value
/// vplan computes there: an empty cell says nothing; a number must be `want` to the 15
/// significant digits a spreadsheet shows. `Err` tells what the cell has instead.
pub(super) fn holds(cell: &calamine::Data, want: Option<Decimal>) -> Result<(), String> {
    use calamine::Data;
    let same = match cell {
        Data::Empty => true,
        Data::String(s) if s.trim().is_empty() => true,
        Data::Int(i) => want.is_some_and(|w| w.normalize() == Decimal::from(*i).normalize()),
        // As Excel shows it (15 significant digits): a sum Excel recalculated in doubles and
        // pasted as a value may be off in the 17th digit, and is still vplan's value.
        // The double's shortest text, read as a Decimal: the amount never becomes a double.
        Data::Float(f) => want.is_some_and(|w| {
            let sheet = Decimal::from_scientific(&format!("{f:e}")).ok();
            let shown = |v: Decimal| v.round_sf(DOUBLE_DIGITS).map(|v| v.normalize());
            sheet.is_some_and(|v| shown(v).is_some() && shown(v) == shown(w))
        }),
        Data::String(s) => match (plain_number(s), want) {
            (Some((negative, int, frac)), Some(w)) => {
                let sign = if negative { "-" } else { "" };
                let int = if int.is_empty() { "0" } else { &int };
                let frac = if frac.is_empty() { "0" } else { &frac };
                format!("{sign}{int}.{frac}")
                    .parse::<Decimal>()
                    .is_ok_and(|v| v.normalize() == w.normalize())
            }
            _ => false,
        },
        _ => false,
    };
    if same {
        return Ok(());
    }
    Err(match cell {
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::String(s) => format!("`{s}`"),
        other => read_cell(other, None, 0)
            .err()
            .unwrap_or_else(|| other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_become_the_decimals_typed_or_an_error() {
        let ok = |f: f64, p: u32| from_double(f, p).unwrap().to_string();
        assert_eq!(ok(1234.5, 1), "1234.5");
        assert_eq!(ok(-0.0, 0), "0");
        assert_eq!(ok(1e20, 0), "100000000000000000000");
        assert_eq!(ok(0.001, 3), "0.001");
        assert_eq!(ok(123456789012345.0, 0), "123456789012345");
        let err = |f: f64, p: u32| from_double(f, p).unwrap_err();
        assert!(err(5e-324, 9).contains("too small"));
        assert!(err(1e300, 0).contains("too large"));
        assert!(err(1e28, 1).contains("too large"));
        assert!(err(f64::NAN, 0).contains("not an amount"));
        assert!(err(f64::INFINITY, 0).contains("not an amount"));
        assert!(err(0.1 + 0.2, 2).contains("17 significant digits"));
        assert!(err(1234567890123456.0, 0).contains("16 significant digits"));
        assert!(err(1.25, 1).contains("more than 1 decimal"));
        assert!(err(1e-30, 2).contains("more than 2 decimals"));
    }

    #[test]
    fn spaces_group_thousands_only() {
        let plain = |s: &str| {
            plain_number(s).map(|(n, i, f)| format!("{}{i}.{f}", if n { "-" } else { "" }))
        };
        assert_eq!(plain("1 234 567,5").as_deref(), Some("1234567.5"));
        assert_eq!(plain("\u{2212}1\u{202f}234").as_deref(), Some("-1234."));
        assert_eq!(plain("+12").as_deref(), Some("12."));
        assert_eq!(plain(",5").as_deref(), Some(".5"));
        for bad in [
            "12 3",
            "1 2 3 4",
            "1234 567",
            "1  234",
            "1 234,5 6",
            "5.",
            "-",
            "1.2.3",
            "1,234.5",
            "- 12",
            "1 234 5",
        ] {
            assert_eq!(plain(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn percent_formats() {
        for yes in ["0%", "0.00%", "0.0 %", "#,##0%;[Red]-#,##0%", "0;0%"] {
            assert!(percent(yes), "{yes}");
        }
        for no in [
            "General",
            "0.0",
            "0.0\" %\"",
            "0\\%",
            "[$%-41D]0.0",
            "#,##0.0_%",
        ] {
            assert!(!percent(no), "{no}");
        }
    }
}
