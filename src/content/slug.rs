//! File-name-safe ASCII slugs of names (`Kulturnämnden` → `kulturnamnden`): the ids of rows
//! and columns must be slugs, and document file names are made of them.

/// The spelling of an id that must be a slug (a chapter's, a goal's, a row's, …): a-z, 0-9,
/// `-` and `_`. The schemas state it as this pattern; [`is_slug`] is the same rule.
pub const PATTERN: &str = "^[a-z0-9_-]+$";

/// Whether `id` is spelled as an id must be ([`PATTERN`]).
pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// [`slug`] cut to at most `max` bytes, at the end of a word when one ends in the second half:
/// the same name always gives the same stem.
pub fn short_slug(text: &str, max: usize) -> String {
    let s = slug(text);
    if s.len() <= max {
        return s;
    }
    // A slug is ASCII: every byte is a character.
    let cut = &s[..max];
    match cut.rfind('-') {
        Some(i) if i >= max / 2 => cut[..i].to_string(),
        _ => cut.trim_end_matches('-').to_string(),
    }
}

/// A file-name-safe ASCII slug: `Kulturnämnden` → `kulturnamnden`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for ch in text.to_lowercase().chars() {
        let mapped = match ch {
            'å' | 'ä' | 'à' | 'á' | 'â' => 'a',
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' => 'u',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if mapped == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(mapped);
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("plan");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Kulturnämnden"), "kulturnamnden");
        assert_eq!(slug("Nämnden för Öst & Väst"), "namnden-for-ost-vast");
        assert_eq!(slug("!!!"), "plan");
        let long = short_slug(&"Nämnden för långa namn ".repeat(20), 60);
        assert!(long.len() <= 60 && long.starts_with("namnden-for-langa-namn-"));
        assert!(!long.ends_with('-'));
        assert_eq!(short_slug(&"x".repeat(300), 60).len(), 60);
    }

    #[test]
    fn short_slugs_end_at_a_word() {
        assert_eq!(short_slug("Kulturnämnden", 80), "kulturnamnden");
        let long = "Nämnden för ".repeat(30);
        let s = short_slug(&long, 80);
        assert!(s.len() <= 80 && !s.ends_with('-'), "{s}");
        assert!(s.ends_with("for") || s.ends_with("namnden"), "{s}");
        assert_eq!(short_slug(&"x".repeat(300), 40), "x".repeat(40));
    }
}
