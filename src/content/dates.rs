//! Dates in the content (`decision_date`, `beslutsdatum`, …): one parser, so that `check`
//! accepts exactly the dates a build can put into the PDF.

/// Years a date of the plan may have: a plan is decided and printed in the present, and a
/// PDF's dates (`D:YYYY…`) need a real year; 0000-01-01 or 9999-12-31 is a typing slip.
pub const YEARS: std::ops::RangeInclusive<u32> = 1900..=2999;

/// A calendar date written `YYYY-MM-DD` (a year in [`YEARS`], two-digit month and
/// day, the day within its month, 29 February only in a leap year): `(year, month, day)`.
/// The one date parser of vplan: `check` and the PDF's creation date use it both, so `check`
/// accepts exactly the dates `build` can use.
pub fn parse_date(s: &str) -> Option<(i32, u8, u8)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r.clone()]
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| s[r].parse().ok())
            .flatten()
    };
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    if !YEARS.contains(&y) || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some((y as i32, m as u8, d as u8))
}

/// The number of days of a month (1–12) of a year (in range of [`parse_date`]).
pub fn month_days(year: i32, month: u8) -> u8 {
    days_in_month(year.unsigned_abs(), u32::from(month)) as u8
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

pub fn is_date(s: &str) -> bool {
    parse_date(s).is_some()
}

/// Why a date is refused, for the message.
pub fn date_problem(s: &str) -> String {
    match s.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d]
            if y.len() == 4
                && m.len() == 2
                && d.len() == 2
                && s.chars().all(|c| c.is_ascii_digit() || c == '-') =>
        {
            match y.parse::<u32>() {
                Ok(year) if !YEARS.contains(&year) => format!(
                    "`{s}`: the year must be from {} to {}",
                    YEARS.start(),
                    YEARS.end()
                ),
                _ => format!("`{s}` is not a date in the calendar"),
            }
        }
        _ => format!("`{s}` is not a date of the form YYYY-MM-DD"),
    }
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    ((if m <= 2 { y + 1 } else { y }) as i32, m as u8, d as u8)
}

/// The months' names in Swedish, January first.
pub const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

#[cfg(test)]
mod tests {
    use super::{civil_from_days, parse_date};

    #[test]
    fn epoch_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_682), (2023, 11, 21));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        // Years turn at New Year and keep leap days.
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_088), (2024, 12, 31));
        assert_eq!(civil_from_days(20_089), (2025, 1, 1));
        assert_eq!(civil_from_days(47_176), (2099, 3, 1));
    }

    #[test]
    fn calendar_dates() {
        assert_eq!(parse_date("2030-12-03"), Some((2030, 12, 3)));
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_date("2000-02-29"), Some((2000, 2, 29)));
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2023-02-30",
            "2023-04-31",
            "2023-13-01",
            "2023-00-10",
            "2023-01-00",
            "2023-1-01",
            "23-01-01",
            "2023-01-01 ",
            "0999-01-01",
            "0000-01-01",
            "1899-12-31",
            "3000-01-01",
            "２０２３-01-01",
            "2023/01/01",
            "",
            "+023-01-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
