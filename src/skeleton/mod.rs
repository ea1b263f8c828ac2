//! `vplan init`: a new plan project that builds anywhere with nothing but the `vplan` binary:
//! the skeleton of the plan in `content/` (every file a plan needs, with guidance texts
//! (`[Vägledning] …`) where the nämnd writes its own, and no amounts; `check` warns about each
//! guidance text and empty row until they are filled in), the editor schemas, and the files
//! of a git repository: `.gitattributes` (the textconv driver for content), `.gitignore`
//! (`output/`) and a short `LÄSMIG.md` in Swedish.

pub mod report;

use std::fs;
use std::path::Path;

use crate::content::marks::GUIDANCE;
use crate::content::schema;
use crate::error::{IoContext, Result};

/// The content directory of a project, relative to the project (where `build` and `check` look
/// by default).
pub const CONTENT_DIR: &str = "content";

/// The files of a project beside its content, by path relative to the project.
pub const PROJECT_FILES: [(&str, &str); 3] = [
    (".gitattributes", GITATTRIBUTES),
    (".gitignore", GITIGNORE),
    ("LÄSMIG.md", LASMIG),
];

/// Marks the content files for the textconv driver of `vplan textconv`.
const GITATTRIBUTES: &str = "\
# Innehållsfilerna visas i `git diff` genom vplan textconv: ett värde per rad, en mening per
# rad, oberoende av formatering. Slå på det en gång i varje klon (se LÄSMIG.md):
#   git config diff.vplan.textconv \"vplan textconv\"
content/**/*.yaml diff=vplan
content/**/*.yml diff=vplan
";

/// What a build writes is made again from the content: not versioned.
const GITIGNORE: &str = "\
# vplan build skriver PDF:erna hit; de byggs alltid om från content/.
/output/
# vplans låsfil: ett kommando som skriver i mappen håller den medan det skriver.
.vplan.lock
";

/// The three commands, the textconv driver and the templates, in Swedish.
const LASMIG: &str = "\
# Verksamhetsplan med budget

Planen skrivs i YAML-filerna under `content/`, och `vplan` gör en PDF av dem. Alla summor
räknas ut från raderna: skriv bara in beloppen på raderna, aldrig en summa.

## Tre kommandon

Kör dem i den här mappen:

```sh
vplan check    # kontrollerar planen: varje fel och allt som återstår, med fil och rad
vplan build    # bygger PDF:en i output/
vplan watch    # bygger om PDF:en varje gång en fil sparas (avsluta med Ctrl-C)
```

`vplan check` varnar för varje text märkt `[Vägledning]` och varje rad utan belopp tills de är
ifyllda. `vplan build --split` bygger också bilagorna och tjänsteskrivelsen som egna PDF:er.

## git diff på innehållet

Lägg mappen i git (`git init`, `git add .`, `git commit`). `.gitattributes` kopplar
innehållsfilerna till vplans jämförelse, så att `git diff` visar ändrade värden och meningar i
stället för omformateringar. Slå på den en gång i varje klon:

```sh
git config diff.vplan.textconv \"vplan textconv\"
```

`vplan diff` visar vad som ändrats sedan senaste incheckningen, med summorna som följer med.

## Egen layout

Mallarna som formar PDF:en är inbyggda i vplan. För att ändra dem:

```sh
vplan templates --out templates
```

skriver de inbyggda mallarna till `templates/`. En fil där används i stället för den inbyggda
med samma namn; ta bort filerna ni inte ändrar, så följer de med när vplan uppdateras.

## I editorn

Varje innehållsfil pekar på sitt JSON-schema i `content/schemas/`: i VS Code med tillägget
*YAML* (Red Hat) kompletteras nycklarna och fel markeras medan du skriver.
";

/// Writes a plan project for a new nämnd into `dir` (missing or empty), made whole before it
/// appears: the skeleton's content files with their schema lines in `dir/content/`, the JSON
/// Schemas for editors in `dir/content/schemas/`, and [`PROJECT_FILES`]. Returns the number of
/// content files.
pub fn write(dir: &Path, namnd: &str, organisation: &str, year: i32) -> Result<usize> {
    // An existing directory is locked while it is found empty and filled (`output::lock`):
    // a second `init` into it waits, then finds it not empty. (A missing one is made whole
    // under a temporary name and renamed, which fails if another made it meanwhile.)
    // Whenever the directory is not empty, the lock file goes: any `init` that waited for it
    // (or makes a new one) finds the directory not empty all the same.
    let not_empty = "vplan init makes a new plan project in a new or empty directory";
    crate::output::ensure_empty(dir, not_empty)?;
    let lock = crate::output::lock_if_dir(dir)?;
    if let Err(e) = crate::output::ensure_empty(dir, not_empty) {
        if let Some(lock) = lock {
            let _ = fs::remove_file(lock.path());
        }
        return Err(e);
    }
    // The skeleton's decision_date is in the year before; dates are years 1900–2999.
    let years = crate::content::dates::YEARS;
    if !u32::try_from(year).is_ok_and(|y| (years.start() + 1..=years.end() + 1).contains(&y)) {
        crate::usage!(
            "--year {}: give a year like 2031 (from {} to {})",
            year,
            years.start() + 1,
            years.end() + 1
        );
    }
    for (flag, name) in [("--namnd", namnd), ("--organisation", organisation)] {
        if name.trim().is_empty() {
            crate::usage!("{flag} is empty: give the name as it is to be printed");
        }
        if !crate::figures::refs::find(name).is_empty() {
            crate::usage!(
                "{flag} {name:?}: `{{{{` starts a figure reference, which a name cannot hold; write the name without it"
            );
        }
    }
    let files = skeleton(namnd, organisation, year);
    crate::output::make_dir(dir, |project| {
        for (rel, text) in PROJECT_FILES {
            let path = project.join(rel);
            fs::write(&path, text).at("write", &path)?;
        }
        let content = project.join(CONTENT_DIR);
        for (rel, text) in &files {
            let path = content.join(rel);
            let parent = path.parent().expect("a file has a parent");
            fs::create_dir_all(parent).at("create", parent)?;
            let text = match schema::modeline(rel) {
                Some(line) => format!("{line}\n{text}"),
                None => text.clone(),
            };
            fs::write(&path, text).at("write", &path)?;
        }
        let schemas = content.join("schemas");
        fs::create_dir_all(&schemas).at("create", &schemas)?;
        for (name, text) in schema::files()? {
            let path = schemas.join(name);
            fs::write(&path, text).at("write", &path)?;
        }
        Ok(())
    })?;
    if let Some(lock) = lock {
        let _ = fs::remove_file(lock.path());
    }
    Ok(files.len())
}

/// The nämnd of `vplan init` without `--namnd`: a placeholder that `check` warns about.
pub const NAMND_PLACEHOLDER: &str = "[Nämnd]";
/// The organisation of `vplan init` without `--organisation`.
pub const ORGANISATION_PLACEHOLDER: &str = "[Organisation]";

/// The year after this one (by the system clock): a plan is made the year before it runs.
pub fn next_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    crate::content::dates::civil_from_days(days).0 + 1
}

/// A value as a YAML scalar that loads back as exactly `text`.
fn q(text: &str) -> String {
    crate::yaml_text::quote(text)
}

/// A name inside a sentence: `Kulturnämnden` → `kulturnämnden` (Swedish writes a nämnd's name
/// in lower case mid-sentence); a name that starts with an abbreviation (`IT-nämnden`,
/// `KS`) or with no letter is kept as it is.
pub fn in_sentence(name: &str) -> String {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => first
            .to_lowercase()
            .chain(name[first.len_utf8()..].chars())
            .collect(),
        _ => name.to_string(),
    }
}

fn guidance(text: &str) -> String {
    format!("{GUIDANCE} {text}")
}

/// A chapter with one guidance paragraph and extra blocks.
fn chapter(id: &str, title: &str, guide: &str, extra: &str) -> String {
    format!(
        "id: {id}\ntitle: {}\nblocks:\n  - text: |\n      {}\n{extra}",
        q(title),
        guidance(guide)
    )
}

/// Every file of the skeleton, by path relative to the content directory.
// Long: one `add` per file of the skeleton, each file's text written out, read top to bottom.
pub fn skeleton(namnd: &str, organisation: &str, year: i32) -> Vec<(String, String)> {
    let prev = year - 1;
    let next = year + 1;
    let mut files = Vec::new();
    let mut add = |rel: &str, text: String| files.push((rel.to_string(), text));
    add(
        "plan.yaml",
        format!(
            "# Plan metadata: what the document is and who decides it.\n\
             organisation: {org}\n\
             namnd: {namnd_q}\n\
             year: {year}\n\
             title: {title}\n\
             subtitle: {namnd_q}\n\
             # The planned decision date (also the PDF's date): change it to the meeting's.\n\
             decision_date: {prev}-11-30\n\
             author: {author}\n\
             keywords: [verksamhetsplan, budget]\n\
             decision:\n  \
               arende: {arende}\n  \
               beslutsinstans: {namnd_q}\n  \
               status: utkast\n",
            org = q(organisation),
            namnd_q = q(namnd),
            title = q(&format!("Verksamhetsplan med budget {year}")),
            author = q(&format!("{namnd}, {organisation}")),
            arende = q(&format!(
                "Verksamhetsplan med budget {year} för {}",
                in_sentence(namnd)
            )),
        ),
    );
    add(
        "chapters/01-inledning.yaml",
        chapter(
            "inledning",
            "Inledning",
            "Beskriv vad verksamhetsplanen är: nämndens styrdokument för året, vad nämnden ansvarar för och hur planen hänger ihop med fullmäktiges budget.",
            "",
        ),
    );
    add(
        "chapters/02-vision-och-vardegrund.yaml",
        chapter(
            "vision-och-vardegrund",
            "Vision och värdegrund",
            "Återge organisationens vision och värdegrund, till exempel som en punktlista med värdeorden och en mening om vad vart och ett betyder.",
            "",
        ),
    );
    add(
        "chapters/03-syfte-och-roll.yaml",
        chapter(
            "syfte-och-roll",
            "Syfte och roll",
            "Beskriv nämndens och förvaltningens uppdrag och roll i organisationen.",
            "",
        ),
    );
    add(
        "chapters/04-omvarld.yaml",
        chapter(
            "omvarld",
            "Omvärld, nuvarande situation och framtida utmaningar",
            &format!("Beskriv läget inför {year} och de största utmaningarna under planperioden {year}–{}.", year + 2),
            "",
        ),
    );
    add(
        "chapters/05-mal-strategier-uppdrag.yaml",
        chapter(
            "mal-strategier-uppdrag",
            "Mål, strategier och uppdrag",
            "Inled med hur målen är ordnade: perspektiv, strategier, mål med indikatorer och uppdrag. Själva målen skrivs i goals.yaml.",
            "  - perspectives\n",
        ),
    );
    add(
        "chapters/06-budget.yaml",
        chapter(
            "budget",
            "Budget",
            &format!("Beskriv förutsättningarna för budget {year}: ram, förändringar mot {prev} och de viktigaste åtgärderna. Belopp i text skrivs som referenser, till exempel \\{{{{ resultatbudget/resultat/b{year} }}}} när tabellen har sina belopp."),
                "  - section:\n      id: resultatbudget-avsnitt\n      title: Resultatbudget\n      blocks:\n        - table: resultatbudget\n\
                 \x20 - section:\n      id: driftbudget-avsnitt\n      title: Driftbudget\n      blocks:\n        - table: driftbudget\n\
                 \x20 - section:\n      id: investeringsbudget-avsnitt\n      title: Investeringsbudget\n      blocks:\n        - table: investeringsbudget\n"
        ),
    );
    add(
        "chapters/07-organisation.yaml",
        chapter(
            "organisation",
            "Organisation",
            "Beskriv förvaltningens organisation: områden, stab och ledning. Ett organisationsschema kan ritas med ett block `org_chart` (med alternativtext).",
            "",
        ),
    );
    add(
        "chapters/08-uppfoljning.yaml",
        chapter(
            "uppfoljning",
            "Uppföljning",
            "Beskriv hur mål, uppdrag, ekonomi och internkontroll följs upp under året: delårsrapport, verksamhetsberättelse och periodrapporter.",
            "",
        ),
    );
    add(
        "chapters/09-intern-styrning-och-kontroll.yaml",
        chapter(
            "intern-styrning-och-kontroll",
            "Intern styrning och kontroll",
            "Beskriv arbetet med intern styrning och kontroll och hur riskerna i internkontrollplanen har valts.",
            "  - section:\n      id: internkontrollplan\n      title: Internkontrollplan\n      blocks:\n        - internal_control\n",
        ),
    );
    let mut goals = String::from("perspectives:\n");
    for (id, title) in [
        ("invanare-och-samhalle", "Perspektiv: Invånare och samhälle"),
        ("process", "Perspektiv: Process"),
        ("resurs", "Perspektiv: Resurs"),
    ] {
        goals.push_str(&format!(
            "  - id: {id}\n    title: {}\n    blocks:\n      - text: |\n          {}\n    goals:\n      - id: {id}-mal-1\n        text: {}\n        indicators:\n          - {{id: {id}-indikator-1, text: {}}}\n    assignments:\n      - {{id: {id}-uppdrag-1, text: {}}}\n",
            q(title),
            guidance("Beskriv perspektivet och vilka strategier som gäller för det."),
            q(&guidance("Formulera nämndens mål.")),
            q(&guidance("Hur målet mäts, med målvärde.")),
            q(&guidance("Ett uppdrag till förvaltningen, eller ta bort raden.")),
        ));
    }
    add("goals.yaml", goals);
    add(
        "internkontroll.yaml",
        format!(
            "columns: [Verksamhet, Risk, Åtgärd]\nareas:\n  - id: ik-omrade-1\n    area: {}\n    risks:\n      - id: ik-risk-1\n        risk: {}\n        measures:\n          - {{id: ik-atgard-1, text: {}}}\n",
            q(&guidance("Verksamhet")),
            q(&guidance("Beskriv risken.")),
            q(&guidance("Åtgärd som minskar risken.")),
        ),
    );
    let years = format!(
        "columns:\n  - {{id: b{year}, title: Budget {year}, precision: 1}}\n  - {{id: p{prev}, title: Prognos {prev}, precision: 1}}\n  - {{id: b{prev}, title: Budget {prev}, precision: 1}}\n"
    );
    add(
        "tables/resultatbudget.yaml",
        format!(
            "id: resultatbudget\nunit: mnkr\ncaption: Belopp i mnkr\n{years}rows:\n\
             \x20 - {{id: intakter, label: Verksamhetens intäkter, kind: group}}\n\
             \x20 - {{id: ovriga-intakter, label: Övriga intäkter}}\n\
             \x20 - {{id: summa-intakter, label: Summa intäkter, kind: sum, sum: [intakter]}}\n\
             \x20 - {{id: kostnader, label: Verksamhetens kostnader, kind: group}}\n\
             \x20 - {{id: personalkostnader, label: Personalkostnader}}\n\
             \x20 - {{id: ovriga-kostnader, label: Övriga kostnader}}\n\
             \x20 - {{id: avskrivningar, label: Avskrivningar}}\n\
             \x20 - {{id: summa-kostnader, label: Summa kostnader, kind: sum, sum: [kostnader]}}\n\
             \x20 - {{id: nettokostnader, label: Verksamhetens nettokostnader, kind: sum, sum: [summa-intakter, summa-kostnader]}}\n\
             \x20 - {{id: finansnetto, label: Finansnetto}}\n\
             \x20 - {{id: resultat, label: Resultat, kind: sum, sum: [nettokostnader, finansnetto]}}\n"
        ),
    );
    add(
        "tables/driftbudget.yaml",
        format!(
            "# One row per område or verksamhet: rename, add and remove rows as the nämnd is organised.\n\
             id: driftbudget\nunit: mnkr\ncaption: Belopp i mnkr\n\
             columns:\n  - {{id: b{year}, title: Budget {year}, precision: 1}}\n  - {{id: b{prev}, title: Budget {prev}, precision: 1}}\n\
             rows:\n\
             \x20 - {{id: omrade-1, label: Område 1}}\n\
             \x20 - {{id: omrade-2, label: Område 2}}\n\
             \x20 - {{id: gemensamt, label: Gemensamt}}\n\
             \x20 - {{id: summa, label: Summa, kind: sum, sum: all}}\n"
        ),
    );
    add(
        "tables/investeringsbudget.yaml",
        format!(
            "# Budget {year} of each category is the total of its table in Bilaga 1.\n\
             id: investeringsbudget\nunit: mnkr\ncaption: Belopp i mnkr\n{years}rows:\n\
             \x20 - id: byggnadsinvesteringar\n    label: Byggnadsinvesteringar\n    refs: {{b{year}: bilaga-1-investeringar/summa-fastigheter/belopp}}\n\
             \x20 - id: utrustning\n    label: Utrustning\n    refs: {{b{year}: bilaga-1-investeringar/summa-utrustning/belopp}}\n\
             \x20 - {{id: summa, label: Summa, kind: sum, sum: all}}\n"
        ),
    );
    add(
        "tables/bilaga-1-investeringar.yaml",
        format!(
            "id: bilaga-1-investeringar\nunit: mnkr\ncaption: Investering\n\
             columns:\n  - {{id: belopp, title: Belopp {year}, precision: 1}}\n\
             rows:\n\
             \x20 - {{id: fastigheter, label: Fastigheter, kind: group}}\n\
             \x20 - {{id: fastighet-1, label: Fastighetsinvestering 1}}\n\
             \x20 - {{id: summa-fastigheter, label: Summa fastigheter, kind: sum, sum: [fastigheter]}}\n\
             \x20 - {{id: utrustning, label: Utrustning, kind: group}}\n\
             \x20 - {{id: utrustning-1, label: Utrustning 1}}\n\
             \x20 - {{id: summa-utrustning, label: Summa utrustning, kind: sum, sum: [utrustning]}}\n\
             \x20 - {{id: summa, label: Summa investeringar {year}, kind: sum, sum: [summa-fastigheter, summa-utrustning]}}\n"
        ),
    );
    add(
        "appendices/01-bilaga-1-investeringar.yaml",
        format!(
            "id: bilaga-1\nlabel: Bilaga 1\ntitle: {}\nshort_title: Investeringar\nblocks:\n  - text: |\n      {}\n  - table: bilaga-1-investeringar\n",
            q(&format!("Investeringar {year}")),
            guidance("Beskriv investeringarna och hur de har prioriterats."),
        ),
    );
    add(
        "tjansteskrivelse.yaml",
        format!(
            "sammanfattning: |\n  {}\nforslag_till_beslut:\n  - {}\nunderskrifter:\n  - titel: Förvaltningschef\n",
            guidance(&format!("Sammanfatta planen för {year}–{next}. Belopp skrivs som referenser, till exempel \\{{{{ investeringsbudget/summa/b{year} }}}} miljoner kronor.")),
            // Markdown prose: the name is shown as typed, never read as markup.
            q(&format!(
                "att fastställa verksamhetsplan med budget {year} för {},",
                crate::yaml_text::markdown_literal(&in_sentence(namnd))
            )),
        ),
    );
    files
}
