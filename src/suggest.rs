//! "Did you mean …?": the known name closest to a mistyped one, for every diagnostic that
//! names something that does not exist (a key, a block kind, a table, a row, a column, an
//! appendix).

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (levenshtein(word, c), *c))
        .filter(|(d, c)| *d <= (c.chars().count().max(word.chars().count()) / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

/// "did you mean `x`?" when a candidate is close to `word`.
pub fn did_you_mean(word: &str, candidates: &[&str]) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// "did you mean `x`?" when a candidate is close to `word`, else the whole list:
/// `{list_intro}a, b, c` (e.g. "the columns are: ").
pub fn did_you_mean_or_list(word: &str, candidates: &[&str], list_intro: &str) -> String {
    did_you_mean(word, candidates)
        .unwrap_or_else(|| format!("{list_intro}{}", candidates.join(", ")))
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_finds_its_word_and_a_stranger_finds_nothing() {
        let known = ["perspectives", "goals", "internal_control"];
        assert_eq!(closest("perspektives", &known), Some("perspectives"));
        assert_eq!(closest("gols", &known), Some("goals"));
        assert_eq!(closest("budget", &known), None);
        assert_eq!(
            did_you_mean_or_list("x", &["a", "bcd"], "known: "),
            "did you mean `a`?"
        );
        assert_eq!(
            did_you_mean_or_list("xyzzy", &["a", "bcd"], "known: "),
            "known: a, bcd"
        );
    }
}
