//! Swedish number formatting: `−1 234,5`.
//!
//! - thousands grouped with a no-break space (U+00A0), so an amount never wraps;
//! - decimal comma;
//! - a real minus sign (U+2212);
//! - a fixed number of decimals per column, rounded half away from zero (as in accounting).

use rust_decimal::{Decimal, RoundingStrategy};

/// Separator between groups of thousands.
pub const GROUP_SEP: char = '\u{00A0}';
/// The minus sign.
pub const MINUS: char = '\u{2212}';

/// Most decimals a `Decimal` can have; a larger `precision` prints this many.
pub const MAX_DECIMALS: u32 = 28;

/// Formats an amount with `precision` decimals (at most [`MAX_DECIMALS`]), Swedish style.
pub fn format_amount(value: Decimal, precision: u32) -> String {
    let precision = precision.min(MAX_DECIMALS);
    let rounded = value.round_dp_with_strategy(precision, RoundingStrategy::MidpointAwayFromZero);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let text = rounded.abs().to_string();
    let (int_part, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
    // Exactly `precision` decimals: pad what rounding left shorter.
    let mut frac_part = frac.to_string();
    while (frac_part.len() as u32) < precision {
        frac_part.push('0');
    }
    let mut out = String::with_capacity(text.len() + text.len() / 3 + 4);
    if negative {
        out.push(MINUS);
    }
    let digits = int_part.len();
    for (i, ch) in int_part.chars().enumerate() {
        if i > 0 && (digits - i) % 3 == 0 {
            out.push(GROUP_SEP);
        }
        out.push(ch);
    }
    if precision > 0 {
        out.push(',');
        out.push_str(&frac_part);
    }
    out
}

/// An amount in machine form, for programs: exact (never rounded), `.` as the decimal point,
/// an ASCII `-`, no grouping, and at least `precision` decimals (`2380` with precision 1 is
/// `2380.0`), as a JSON or CSV reader parses it into a decimal type.
pub fn plain_amount(value: Decimal, precision: u32) -> String {
    let mut v = value.normalize();
    let precision = precision.min(MAX_DECIMALS);
    if v.scale() < precision {
        // Padding with zeros never changes the value; a mantissa too large for all of them
        // keeps as many as fit.
        v.rescale(precision);
        if v != value {
            v = value.normalize();
        }
    }
    v.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn f(s: &str, p: u32) -> String {
        format_amount(Decimal::from_str(s).unwrap(), p)
    }

    #[test]
    fn groups_thousands_with_no_break_space() {
        assert_eq!(f("2380", 1), "2\u{a0}380,0");
        assert_eq!(f("1234567", 0), "1\u{a0}234\u{a0}567");
        assert_eq!(f("999", 0), "999");
        assert_eq!(f("1000", 0), "1\u{a0}000");
    }

    #[test]
    fn decimal_comma_and_fixed_precision() {
        assert_eq!(f("2394.5", 1), "2\u{a0}394,5");
        assert_eq!(f("70", 1), "70,0");
        assert_eq!(f("30.5", 1), "30,5");
        assert_eq!(f("0.25", 1), "0,3");
        assert_eq!(f("0.35", 1), "0,4");
    }

    #[test]
    fn real_minus_sign_and_no_negative_zero() {
        assert_eq!(f("-2199", 1), "\u{2212}2\u{a0}199,0");
        assert_eq!(f("-0.04", 1), "0,0");
        assert_eq!(f("-0.05", 1), "\u{2212}0,1");
        assert_eq!(f("0", 0), "0");
    }

    #[test]
    fn plain_amounts_are_exact_with_the_column_decimals() {
        let p = |s: &str, precision| plain_amount(Decimal::from_str(s).unwrap(), precision);
        assert_eq!(p("2380", 1), "2380.0");
        assert_eq!(p("2380.00", 1), "2380.0");
        assert_eq!(p("-2.5", 0), "-2.5", "never rounded");
        assert_eq!(p("0.25", 1), "0.25");
        assert_eq!(p("-0", 2), "0.00");
        assert_eq!(p("12345678901234567890.12", 2), "12345678901234567890.12");
        // 29 digits are all a Decimal holds: one zero of the three fits.
        assert_eq!(
            p("7922816251426433759354395033", 3),
            "7922816251426433759354395033.0"
        );
    }

    #[test]
    fn large_values_survive_exactly() {
        assert_eq!(
            f("12345678901234567890", 0),
            "12\u{a0}345\u{a0}678\u{a0}901\u{a0}234\u{a0}567\u{a0}890"
        );
    }
}
