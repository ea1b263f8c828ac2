//! Word-level differences of two texts (`similar`), merged into runs.

use serde::Serialize;
use similar::{capture_diff_slices, Algorithm, ChangeTag, DiffOp, TextDiff};

/// A run of words that are the same in both texts, only in the old, or only in the new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    pub op: Op,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Equal,
    Delete,
    Insert,
}

/// The word differences of `old` and `new`, as runs in reading order (deletions before the
/// insertions that replace them). Whitespace between changed words joins the change.
pub fn diff(old: &str, new: &str) -> Vec<Run> {
    let d = TextDiff::from_words(old, new);
    let mut runs: Vec<Run> = Vec::new();
    for change in d.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => Op::Equal,
            ChangeTag::Delete => Op::Delete,
            ChangeTag::Insert => Op::Insert,
        };
        let text = change.value();
        match runs.last_mut() {
            Some(last) if last.op == op => last.text.push_str(text),
            _ => runs.push(Run {
                op,
                text: text.to_string(),
            }),
        }
    }
    merge_changes(runs)
}

/// Joins changes separated only by whitespace into one deletion and one insertion:
/// `[-kommunfullmäktiges budget-]{+kommunstyrelsens förslag+}` rather than word by word.
fn merge_changes(runs: Vec<Run>) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut i = 0;
    while i < runs.len() {
        if runs[i].op == Op::Equal {
            out.push(runs[i].clone());
            i += 1;
            continue;
        }
        // A group: changes and whitespace-only equal runs, ending with a change.
        let mut end = i;
        let mut j = i;
        while j < runs.len() {
            match runs[j].op {
                Op::Equal if runs[j].text.trim().is_empty() => {}
                Op::Equal => break,
                _ => end = j,
            }
            j += 1;
        }
        let (mut del, mut ins) = (String::new(), String::new());
        for r in &runs[i..=end] {
            match r.op {
                Op::Delete => del.push_str(&r.text),
                Op::Insert => ins.push_str(&r.text),
                Op::Equal => {
                    del.push_str(&r.text);
                    ins.push_str(&r.text);
                }
            }
        }
        for (op, text) in [(Op::Delete, del), (Op::Insert, ins)] {
            if !text.trim().is_empty() {
                out.push(Run { op, text });
            }
        }
        i = end + 1;
    }
    out
}

/// The runs with long unchanged stretches cut to a few words of context around each change.
pub fn with_context(runs: &[Run], words: usize) -> Vec<Run> {
    let n = runs.len();
    runs.iter()
        .enumerate()
        .map(|(i, r)| {
            if r.op != Op::Equal {
                return r.clone();
            }
            let w: Vec<&str> = r.text.split_whitespace().collect();
            let before = i > 0; // a change precedes
            let after = i + 1 < n; // a change follows
            let keep = |k: usize| w.len() > 2 * words + 1 && k > 0;
            let text = match (before, after) {
                (false, true) if keep(1) => format!("… {} ", w[w.len() - words..].join(" ")),
                (true, false) if keep(1) => format!(" {} …", w[..words].join(" ")),
                (true, true) if keep(1) => format!(
                    " {} … {} ",
                    w[..words].join(" "),
                    w[w.len() - words..].join(" ")
                ),
                _ => r.text.clone(),
            };
            Run {
                op: Op::Equal,
                text,
            }
        })
        .collect()
}

/// How the paragraphs of two versions of a text correspond.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Para {
    /// New paragraph `n` is unchanged.
    Same(usize),
    /// Old paragraph `o` became new paragraph `n`.
    Changed(usize, usize),
    /// Old paragraph `o` was removed; it stood where new paragraph `n` now stands.
    Removed(usize, usize),
    /// New paragraph `n` was added.
    Added(usize),
}

/// Aligns two lists of paragraphs (patience diff); replaced paragraphs are paired in order,
/// the rest are added or removed.
pub fn align(old: &[String], new: &[String]) -> Vec<Para> {
    let mut out = Vec::new();
    for op in capture_diff_slices(Algorithm::Patience, old, new) {
        match op {
            DiffOp::Equal { new_index, len, .. } => {
                out.extend((new_index..new_index + len).map(Para::Same))
            }
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => out.extend((old_index..old_index + old_len).map(|o| Para::Removed(o, new_index))),
            DiffOp::Insert {
                new_index, new_len, ..
            } => out.extend((new_index..new_index + new_len).map(Para::Added)),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let paired = old_len.min(new_len);
                out.extend((0..paired).map(|k| Para::Changed(old_index + k, new_index + k)));
                out.extend(
                    (old_index + paired..old_index + old_len)
                        .map(|o| Para::Removed(o, new_index + paired)),
                );
                out.extend((new_index + paired..new_index + new_len).map(Para::Added));
            }
        }
    }
    out
}

/// The ids that changed place among the others: of the ids in both orders, those off the
/// longest common subsequence (so moving one row down reports that row, not every row it
/// passed).
pub fn reordered<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<&'a str> {
    let in_old: std::collections::HashSet<&str> = old.iter().copied().collect();
    let in_new: std::collections::HashSet<&str> = new.iter().copied().collect();
    let o: Vec<&str> = old
        .iter()
        .copied()
        .filter(|id| in_new.contains(id))
        .collect();
    let n: Vec<&str> = new
        .iter()
        .copied()
        .filter(|id| in_old.contains(id))
        .collect();
    let mut moved = Vec::new();
    for op in capture_diff_slices(Algorithm::Patience, &o, &n) {
        match op {
            DiffOp::Insert {
                new_index, new_len, ..
            }
            | DiffOp::Replace {
                new_index, new_len, ..
            } => moved.extend_from_slice(&n[new_index..new_index + new_len]),
            _ => {}
        }
    }
    moved
}

/// `after X` (X the item before `id` in `order`), or `first`.
pub fn position(order: &[&str], id: &str, name: impl Fn(&str) -> String) -> String {
    match order.iter().position(|x| *x == id) {
        Some(0) | None => "first".into(),
        Some(i) => format!("after {}", name(order[i - 1])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_word_is_a_deletion_and_an_insertion() {
        let runs = diff("Budgeten är preliminär.", "Budgeten är fastställd.");
        assert_eq!(
            runs,
            vec![
                Run {
                    op: Op::Equal,
                    text: "Budgeten är ".into()
                },
                Run {
                    op: Op::Delete,
                    text: "preliminär.".into()
                },
                Run {
                    op: Op::Insert,
                    text: "fastställd.".into()
                },
            ]
        );
    }

    #[test]
    fn neighbouring_changed_words_are_one_change() {
        let runs = diff(
            "bygger på kommunfullmäktiges budget.",
            "bygger på kommunstyrelsens förslag.",
        );
        assert_eq!(
            runs,
            vec![
                Run {
                    op: Op::Equal,
                    text: "bygger på ".into()
                },
                Run {
                    op: Op::Delete,
                    text: "kommunfullmäktiges budget.".into()
                },
                Run {
                    op: Op::Insert,
                    text: "kommunstyrelsens förslag.".into()
                },
            ]
        );
    }

    #[test]
    fn a_row_moved_down_is_the_one_reordered() {
        assert_eq!(
            reordered(&["a", "b", "c", "d"], &["b", "c", "a", "d"]),
            vec!["a"]
        );
        assert_eq!(reordered(&["a", "b"], &["x", "a", "b"]), Vec::<&str>::new());
    }

    #[test]
    fn context_is_cut_around_changes() {
        let old = "a b c d e f g h i j k l m n o p";
        let new = "a b c d e f g h X j k l m n o p";
        let runs = with_context(&diff(old, new), 2);
        let text: String = runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(text, "… g h iX j k …");
    }
}
