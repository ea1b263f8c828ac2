//! Typed amounts: which spellings are amounts, read exactly from the scalar's characters into a
//! `Decimal` (never through `f64`), and the JSON Schema that says the same to an editor.
//!
//! An amount is written as a decimal number: `2380`, `-12`, `2394.5` (a point for decimals),
//! plain or quoted. YAML 1.2 also reads the plain scalars `0x1DB`, `0o17`, `1e3`, `.5` and `12.`
//! as numbers; an editor (and the schema it checks with) sees only the number YAML made of
//! them, so they are read as that same number here too, and `vplan check` warns that they are
//! spelled unusually (`check::amounts`). In quotes only the decimal spelling is an amount
//! ([`PATTERN`]; `check::amounts` refuses a quoted `"0x1DB"`, which [`parse`] alone cannot tell
//! from a plain one). Everything else (`12,4`, `2 380`, `1_000`, `.inf`, `.nan`, `true`,
//! `12 tkr`) is not an amount: an error at its line.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};

/// How an amount is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    /// `2380`, `-12`, `+3`, `2394.5`: the way to write an amount.
    Decimal,
    /// `0x1DB`
    Hexadecimal,
    /// `0o17`
    Octal,
    /// `1e3`, `2.5E-1`
    Exponent,
    /// `.5`, `12.`
    BarePoint,
}

impl Spelling {
    /// What the spelling is, in words, when it is not the usual one.
    pub fn unusual(self) -> Option<&'static str> {
        match self {
            Spelling::Decimal => None,
            Spelling::Hexadecimal => Some("a hexadecimal number"),
            Spelling::Octal => Some("an octal number"),
            Spelling::Exponent => Some("a number with an exponent"),
            Spelling::BarePoint => Some("a decimal point without a digit on both sides"),
        }
    }
}

/// The pattern of an amount given as a string (quoted), for the schema: the
/// [`Spelling::Decimal`] of [`parse`], with at most `figures::MAX_INTEGER_DIGITS` (15) digits
/// before the point.
pub const PATTERN: &str = r"^[-+]?0*[0-9]{1,15}(\.[0-9]+)?$";

/// The schema's bound on amounts given as numbers: below 10^15 either way, as
/// `figures::MAX_INTEGER_DIGITS` allows (and so no `.inf`).
const BOUND: i64 = 1_000_000_000_000_000;

/// Reads an amount from the characters of its YAML scalar, exactly.
pub fn parse(text: &str) -> Result<(Decimal, Spelling), String> {
    let not = || format!("`{text}` is not an amount");
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if let Some(hex) = text.strip_prefix("0x") {
        return radix(hex, 16, Spelling::Hexadecimal).ok_or_else(not);
    }
    if let Some(oct) = text.strip_prefix("0o") {
        return radix(oct, 8, Spelling::Octal).ok_or_else(not);
    }
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let unsigned = mantissa.strip_prefix(['-', '+']).unwrap_or(mantissa);
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let well_formed = match frac {
        None => digits(int, 10),
        Some(f) => {
            (digits(int, 10) && (f.is_empty() || digits(f, 10)))
                || (int.is_empty() && digits(f, 10))
        }
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    if !well_formed || !exponent_ok {
        return Err(not());
    }
    let negative = mantissa.starts_with('-');
    let plain = format!(
        "{}{}{}",
        if negative { "-" } else { "" },
        if int.is_empty() { "0" } else { int },
        match frac {
            Some(f) if !f.is_empty() => format!(".{f}"),
            _ => String::new(),
        }
    );
    let spelling = if exponent.is_some() {
        Spelling::Exponent
    } else if int.is_empty() || frac == Some("") {
        Spelling::BarePoint
    } else {
        Spelling::Decimal
    };
    if exponent.is_some() && int.trim_start_matches('0').len() + frac.map_or(0, str::len) > 28 {
        return Err(format!(
            "{}: it has more digits than an amount may have",
            not()
        ));
    }
    let value = match exponent {
        None => Decimal::from_str(&plain),
        Some(e) => Decimal::from_scientific(&format!("{plain}e{e}")),
    };
    let value = value.map_err(|_| format!("{}: it is too large or too small", not()))?;
    // `Decimal` rounds what has more digits than it holds: such a text is refused, not rounded.
    if exponent.is_none() && !same_digits(&plain, value) {
        return Err(format!(
            "{}: it has more digits than an amount may have",
            not()
        ));
    }
    Ok((value, spelling))
}

/// Whether `value` holds exactly the digits of the decimal text `plain`.
fn same_digits(plain: &str, value: Decimal) -> bool {
    let canonical = |s: &str| {
        let s = s.trim_start_matches('-');
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.')
        } else {
            s
        };
        match s.trim_start_matches('0') {
            "" => "0".to_string(),
            t if t.starts_with('.') => format!("0{t}"),
            t => t.to_string(),
        }
    };
    canonical(plain) == canonical(&value.to_string())
}

fn radix(digits: &str, radix: u32, spelling: Spelling) -> Option<(Decimal, Spelling)> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let n = i128::from_str_radix(digits, radix).ok()?;
    Some((Decimal::try_from_i128_with_scale(n, 0).ok()?, spelling))
}

/// What to write instead of `text`, which is not an amount.
pub fn hint(text: &str) -> String {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let fix = |s: String| format!("write `{s}`");
    let general = "write amounts as decimal numbers: 1234.5 or -23.2 (a point for decimals, no spaces, at most 28 digits); `~` for an empty cell";
    if matches!(
        lower.trim_start_matches(['-', '+']),
        ".inf" | ".nan" | "inf" | "nan" | "infinity"
    ) {
        return format!("an amount is a finite number; {general}");
    }
    let digits_and = |extra: &[char]| {
        !t.is_empty()
            && t.chars().any(|c| c.is_ascii_digit())
            && t.chars().all(|c| c.is_ascii_digit() || extra.contains(&c))
    };
    let sign = if t.starts_with(['-', '\u{2212}']) {
        "-"
    } else {
        ""
    };
    let body = t.trim_start_matches(['-', '+', '\u{2212}']);
    if digits_and(&['-', '+', '\u{2212}', ',']) && body.matches(',').count() == 1 {
        let (int, frac) = body.split_once(',').unwrap_or((body, ""));
        if frac.len() == 3 && !int.is_empty() {
            // `8,610`: a decimal comma, or a thousands separator (an English spreadsheet's).
            return format!(
                "write `{sign}{int}.{frac}` if it is a decimal (a point, not a comma), or `{sign}{int}{frac}` if the comma separates thousands"
            );
        }
        return format!(
            "{} (a point for decimals, not a comma)",
            fix(format!("{sign}{}", body.replace(',', ".")))
        );
    }
    if digits_and(&[
        '-', '+', '\u{2212}', ' ', '\u{a0}', '\u{202f}', '_', ',', '.',
    ]) {
        let grouped: String = body
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_'))
            .collect();
        if grouped.len() < body.len() && grouped.matches(',').count() <= 1 && !grouped.contains('.')
        {
            return format!(
                "{} (no spaces or underscores between the digits, a point for decimals)",
                fix(format!("{sign}{}", grouped.replace(',', ".")))
            );
        }
    }
    if t.starts_with('\u{2212}') && parse(&format!("-{body}")).is_ok() {
        return format!(
            "{} (the minus is the ASCII hyphen-minus `-`)",
            fix(format!("-{body}"))
        );
    }
    general.to_string()
}

/// Reads an amount from the characters of its scalar (quoted or not) with [`parse`].
struct Amount(Decimal);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Amount;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an amount")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Amount, E> {
                if v.is_empty() {
                    return Err(E::custom(
                        "no amount given (`~` is an empty cell only in `values` and `control`)",
                    ));
                }
                parse(v).map(|(d, _)| Amount(d)).map_err(E::custom)
            }
        }
        // `serde_yaml` gives the scalar's characters (not its YAML type) to `deserialize_str`.
        d.deserialize_str(V)
    }
}

/// `deserialize_with` for one amount.
pub fn one<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    Amount::deserialize(d).map(|a| a.0)
}

/// `deserialize_with` for a row's `values` or `control`: one amount per column, `~` for none.
pub fn list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Option<Decimal>>>, D::Error> {
    let list: Option<Vec<Option<Amount>>> = Deserialize::deserialize(d)?;
    Ok(list.map(|l| l.into_iter().map(|a| a.map(|a| a.0)).collect()))
}

/// `deserialize_with` for an optional amount (`~`, or the key left out, for none).
pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    let amount: Option<Amount> = Deserialize::deserialize(d)?;
    Ok(amount.map(|a| a.0))
}

/// `deserialize_with` for a seasonal profile: a list of amounts, every one given.
pub fn optional_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Decimal>>, D::Error> {
    let list: Option<Vec<Amount>> = Deserialize::deserialize(d)?;
    Ok(list.map(|l| l.into_iter().map(|a| a.0).collect()))
}

/// The schema of a seasonal profile: twelve monthly weights, none negative.
pub fn profile_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut item = schema(g);
    item.remove("description");
    item.remove("exclusiveMinimum");
    item.remove("not");
    item.insert("minimum".into(), serde_json::json!(0));
    // No minus: a weight is never negative.
    item.insert(
        "pattern".into(),
        serde_json::json!(PATTERN.replacen("[-+]?", "[+]?", 1)),
    );
    item.insert(
        "patternErrorMessage".into(),
        serde_json::json!(
            "not a weight: write a number of 0 or more such as 8 or 8.5 (a point for decimals)"
        ),
    );
    schemars::json_schema!({
        "description": "Twelve monthly weights, January to December (any scale: percent, days), by which the annual budget is spread over the year",
        "type": ["array", "null"],
        "minItems": 12,
        "maxItems": 12,
        "items": item,
    })
}

/// The schema of one amount: a number (a finite one, below 10^15 either way) or a string spelled
/// as [`parse`] reads it.
pub fn schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "description": "An amount: a decimal number such as 1234.5 or -3 (a point for decimals; read exactly, never rounded)",
        "type": ["number", "string"],
        "exclusiveMinimum": -BOUND,
        "exclusiveMaximum": BOUND,
        // NaN (`.nan`) passes every bound, since every comparison with it is false: this is
        // false for it (and for numbers below the bound), so `not` refuses it.
        "not": { "type": "number", "exclusiveMaximum": -BOUND },
        "pattern": PATTERN,
        // What yaml-language-server says instead of quoting the pattern.
        "patternErrorMessage": "not an amount: write a decimal number such as 1234.5 or -23 (a point for decimals, no spaces)",
    })
}

/// The schema of an optional amount: an amount, or `~`.
pub fn optional_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut item = schema(g);
    item.insert(
        "type".into(),
        serde_json::json!(["number", "string", "null"]),
    );
    item
}

/// The schema of a row's `values` or `control`: one amount per column, `~` for an empty cell.
pub fn list_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut item = schema(g);
    item.insert(
        "type".into(),
        serde_json::json!(["number", "string", "null"]),
    );
    item.remove("description");
    schemars::json_schema!({
        "description": "One amount per column, `~` for an empty cell",
        "type": ["array", "null"],
        "items": item,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        let ok = |t: &str, v: &str, s: Spelling| {
            assert_eq!(parse(t), Ok((Decimal::from_str(v).unwrap(), s)), "{t}");
        };
        ok("2380", "2380", Spelling::Decimal);
        ok("-12", "-12", Spelling::Decimal);
        ok("+12", "12", Spelling::Decimal);
        ok("2394.5", "2394.5", Spelling::Decimal);
        ok(
            "0.1000000000000000000000000001",
            "0.1000000000000000000000000001",
            Spelling::Decimal,
        );
        ok("0x1DB", "475", Spelling::Hexadecimal);
        ok("0o17", "15", Spelling::Octal);
        ok("1e3", "1000", Spelling::Exponent);
        ok("-2.5E-1", "-0.25", Spelling::Exponent);
        ok(".5", "0.5", Spelling::BarePoint);
        ok("12.", "12", Spelling::BarePoint);
        for bad in [
            "",
            "12,4",
            "2 380",
            "1_000",
            ".inf",
            "-.inf",
            ".nan",
            "true",
            "~",
            "0b101",
            "12 tkr",
            "-0x10",
            "0x",
            "1e",
            ".",
            "-",
            "1.2.3",
            " 12",
            "12 ",
            "\u{2212}12",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        for too_many in [
            "1.00000000000000000000000000001",
            "79228162514264337593543950336",
        ] {
            let err = parse(too_many).unwrap_err();
            assert!(
                err.starts_with(&format!("`{too_many}` is not an amount: ")),
                "{err}"
            );
        }
    }

    #[test]
    fn hints() {
        assert!(hint("12,4").contains("`12.4`"), "{}", hint("12,4"));
        assert!(
            hint("-1 234,5").contains("`-1234.5`"),
            "{}",
            hint("-1 234,5")
        );
        assert!(hint("1_000").contains("`1000`"));
        assert_eq!(
            hint("8,610"),
            "write `8.610` if it is a decimal (a point, not a comma), or `8610` if the comma separates thousands"
        );
        assert!(hint(".inf").contains("finite"));
        assert!(hint("\u{2212}12").contains("`-12`"));
    }
}
