//! A synthetic region-wide plan: N nämnder's worth of chapters, goals and tables, for measuring
//! how vplan scales. Each nämnd gets a chapter with prose, sections with goals, indicators and
//! assignments, a resultatbudget with groups and sums, a driftbudget and an investment table,
//! and a sentence quoting a computed total: about a dozen pages per nämnd.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use crate::error::{IoContext, Result};

const WORDS: &[&str] = &[
    "verksamheten",
    "nämnden",
    "invånarna",
    "utveckling",
    "uppföljning",
    "samverkan",
    "kvalitet",
    "ekonomi",
    "digitalisering",
    "hållbarhet",
    "service",
    "tillgänglighet",
    "medarbetare",
    "planering",
    "budget",
    "åtgärder",
    "regionen",
    "förvaltningen",
    "arbetet",
    "resultat",
];

/// A deterministic paragraph of `n` words, varied by `seed`.
pub fn paragraph(seed: usize, n: usize) -> String {
    let mut out = String::new();
    let mut x = seed.wrapping_mul(2_654_435_761) % 1_000_003 + 1;
    for i in 0..n {
        x = (x * 48_271) % 2_147_483_647;
        let w = WORDS[x % WORDS.len()];
        if i == 0 {
            let mut c = w.chars();
            let first = c.next().map(|f| f.to_uppercase().collect::<String>());
            out.push_str(&first.unwrap_or_default());
            out.push_str(c.as_str());
        } else {
            out.push(' ');
            out.push_str(w);
        }
        if i % 14 == 13 && i + 1 < n {
            out.push(',');
        }
    }
    out.push('.');
    out
}

/// Writes a content directory for a plan of `n` nämnder into `dir`.
pub fn generate(dir: &Path, n: usize) -> Result<()> {
    generate_from(dir, 1, n, "Regionen")
}

/// Writes a plan of the nämnder numbered `first..first + n` (different numbers give different
/// texts and figures), for the organisation part `name`.
pub fn generate_from(dir: &Path, first: usize, n: usize, name: &str) -> Result<()> {
    let write = |rel: &str, text: String| -> Result<()> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).at("create", parent)?;
        }
        fs::write(&path, text).at("write", &path)
    };
    write(
        "plan.yaml",
        format!(
            "organisation: Region Exempel\n\
             namnd: {name}\n\
             year: 2031\n\
             title: Verksamhetsplaner med budget 2031\n\
             subtitle: {name}\n\
             decision_date: 2030-11-20\n"
        ),
    )?;
    for i in first..first + n {
        write(&format!("chapters/{i:03}.yaml"), chapter(i))?;
        write(&format!("tables/n{i}-resultat.yaml"), resultat(i))?;
        write(&format!("tables/n{i}-drift.yaml"), drift(i))?;
        write(&format!("tables/n{i}-invest.yaml"), invest(i))?;
    }
    Ok(())
}

/// A YAML double-quoted scalar.
fn q(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

fn block_text(out: &mut String, indent: usize, text: &str) {
    let pad = " ".repeat(indent);
    let _ = writeln!(out, "{pad}- text: |");
    for line in text.lines() {
        let _ = writeln!(out, "{pad}    {line}");
    }
}

fn chapter(i: usize) -> String {
    let mut out = format!("id: n{i}\ntitle: Nämnd {i}\nblocks:\n");
    let intro = (0..5)
        .map(|p| paragraph(i * 100 + p, 140))
        .collect::<Vec<_>>()
        .join("\n\n");
    block_text(&mut out, 2, &intro);
    for s in 1..=6 {
        let _ = write!(
            out,
            "  - section:\n      id: n{i}-s{s}\n      title: Område {s}\n      blocks:\n"
        );
        let body = (0..3)
            .map(|p| paragraph(i * 1000 + s * 10 + p, 150))
            .collect::<Vec<_>>()
            .join("\n\n");
        block_text(&mut out, 8, &body);
        let _ = write!(
            out,
            "        - goal:\n            id: n{i}-s{s}-mal\n            text: {}\n            indicators:\n",
            q(&paragraph(i * 7 + s, 12))
        );
        for k in 1..=3 {
            let _ = writeln!(
                out,
                "              - {{id: n{i}-s{s}-ind{k}, text: {}}}",
                q(&paragraph(i * 13 + s * 3 + k, 9))
            );
        }
        let _ = writeln!(
            out,
            "        - assignment: {{id: n{i}-s{s}-uppdrag, text: {}}}",
            q(&paragraph(i * 17 + s, 16))
        );
    }
    let _ = write!(
        out,
        "  - section:\n      id: n{i}-budget\n      title: Budget\n      blocks:\n"
    );
    block_text(
        &mut out,
        8,
        &format!(
            "Resultatet för 2031 beräknas till {{{{ n{i}-resultat/resultat/b2031 }}}} miljoner kronor och investeringarna till {{{{ n{i}-invest/summa/belopp }}}} miljoner kronor."
        ),
    );
    for t in ["resultat", "drift", "invest"] {
        let _ = writeln!(out, "        - table: n{i}-{t}");
    }
    out
}

fn amount(i: usize, k: usize, base: i64) -> String {
    let v = base + ((i * 37 + k * 11) % 97) as i64;
    format!("{}.{}", v, (i + k) % 10)
}

/// `count` rows of three amounts each around `bases`, with ids `{id}-{k}` and labels
/// `{label} {k}`, negated when `sign` is "-".
fn detail_rows(
    out: &mut String,
    i: usize,
    (id, label, sign): (&str, &str, &str),
    count: usize,
    bases: [i64; 3],
) {
    for k in 0..count {
        let v: Vec<String> = bases
            .iter()
            .enumerate()
            .map(|(c, &base)| format!("{sign}{}", amount(i, k + 2 * c, base)))
            .collect();
        let _ = writeln!(
            out,
            "  - {{id: {id}-{k}, label: {label} {k}, values: [{}]}}",
            v.join(", ")
        );
    }
}

fn resultat(i: usize) -> String {
    let mut out = format!(
        "id: n{i}-resultat\nunit: mnkr\ncaption: Belopp i mnkr\ncolumns:\n  - {{id: b2031, title: Budget 2031, precision: 1}}\n  - {{id: p2030, title: Prognos 2030, precision: 1}}\n  - {{id: b2030, title: Budget 2030, precision: 1}}\nrows:\n"
    );
    out.push_str("  - {id: intakter, label: Verksamhetens intäkter, kind: group}\n");
    detail_rows(&mut out, i, ("intakt", "Intäkt", ""), 3, [400, 390, 380]);
    out.push_str("  - {id: summa-intakter, label: Summa intäkter, kind: sum, sum: [intakter]}\n");
    out.push_str("  - {id: kostnader, label: Verksamhetens kostnader, kind: group}\n");
    detail_rows(&mut out, i, ("kostnad", "Kostnad", "-"), 5, [200, 195, 190]);
    out.push_str(
        "  - {id: summa-kostnader, label: Summa kostnader, kind: sum, sum: [kostnader]}\n\
         - {id: finansnetto, label: Finansnetto, values: [-4.5, -4.0, -3.5]}\n\
         - {id: resultat, label: Resultat, kind: sum, sum: [summa-intakter, summa-kostnader, finansnetto]}\n"
            .replace("\n-", "\n  -")
            .as_str(),
    );
    out
}

fn drift(i: usize) -> String {
    let mut out = format!(
        "id: n{i}-drift\nunit: mnkr\ncaption: Område\ncolumns:\n  - {{id: oms, title: Omsättning, precision: 1}}\n  - {{id: ram, title: Varav budgetram, precision: 1}}\nrows:\n"
    );
    for k in 0..8 {
        let _ = writeln!(
            out,
            "  - {{id: omrade-{k}, label: Område {k}, values: [{}, {}]}}",
            amount(i, k, 150),
            amount(i, k + 1, 20)
        );
    }
    out.push_str("  - {id: summa, label: Summa, kind: sum, sum: all}\n");
    out
}

fn invest(i: usize) -> String {
    let mut out = format!(
        "id: n{i}-invest\nunit: mnkr\ncaption: Investering\ncolumns:\n  - {{id: belopp, title: Belopp, precision: 1}}\nrows:\n"
    );
    for g in 0..3 {
        let _ = writeln!(out, "  - {{id: grupp-{g}, label: Grupp {g}, kind: group}}");
        for k in 0..7 {
            let _ = writeln!(
                out,
                "  - {{id: objekt-{g}-{k}, label: Objekt {g}.{k}, values: [{}]}}",
                amount(i, g * 7 + k, 1)
            );
        }
    }
    out.push_str("  - {id: summa, label: Summa investeringar, kind: sum, sum: all}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_plan_checks_clean() {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), 2).unwrap();
        let checked = crate::bench::load_clean(dir.path());
        assert_eq!(checked.plan.chapters.len(), 2);
        assert_eq!(checked.plan.tables.len(), 6);
    }
}
