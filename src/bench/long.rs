//! `vplan bench --long`: the measured plan (its chapters, tables, charts and appendices) with
//! one more chapter of about 2 MB of ordinary prose (some 470 pages), built with the house
//! style (`vplan.typ`); the same long chapter alone with the house style and with a plain
//! Typst preamble (same font, size, justification, Swedish hyphenation and a footer with *Sida
//! X av Y*). All through the same in-process path, each in its own child process so that each
//! has its own peak memory. What the house style costs a long plan is the plan's time over the
//! plain preamble's: the tables, headings and references of the plan must not make every page
//! of the prose dearer.
//!
//! The prose is the plain paragraphs of the measured plan's chapters (those without Markdown
//! markup), repeated; a plan without any gets generated Swedish sentences.

use std::fs;
use std::path::Path;

use crate::error::{Context, IoContext, Result};
use crate::render::Templates;

/// Bytes of prose in the long chapter.
pub const PROSE_BYTES: usize = 2_000_000;

/// The plain preamble: `vp-document` redefined after the house style's (a later `#let` of the
/// same name is the one a module exports), everything else of `vplan.typ` kept so that the
/// generated main file still finds every function it calls.
const PLAIN_DOCUMENT: &str = r#"
// vplan bench --long: a plain Typst preamble in place of the house style.
#let vp-document(footer-title: none, watermark: none, status: none, body) = {
  set page(paper: "a4", margin: vp-margin, footer: {
    set text(size: 8.5pt)
    footer-title
    h(1fr)
    context [Sida #counter(page).display() av #counter(page).final().first()]
  })
  set text(font: "Noto Sans", size: 10pt, lang: "sv", region: "SE", hyphenate: true)
  set par(justify: true, leading: 0.62em, spacing: 1.05em)
  set heading(numbering: "1.1")
  body
}
"#;

/// The plain paragraphs of the chapters of the plan in `content`: prose without Markdown
/// markup, joined lines.
fn prose_of(content: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(content.join("chapters")) else {
        return out;
    };
    let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    for file in files {
        let is_yaml = file.extension().is_some_and(|e| e == "yaml" || e == "yml");
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        if let (true, Ok(v)) = (is_yaml, serde_yaml::from_str::<serde_yaml::Value>(&text)) {
            collect_prose(&v, &mut out);
        }
    }
    out
}

/// The long plain paragraphs of every `text:` in a chapter's YAML value, into `out`.
fn collect_prose(v: &serde_yaml::Value, out: &mut Vec<String>) {
    match v {
        serde_yaml::Value::Mapping(m) => {
            for (k, v) in m {
                match (k.as_str(), v.as_str()) {
                    (Some("text"), Some(text)) => plain_paragraphs(text, out),
                    _ => collect_prose(v, out),
                }
            }
        }
        serde_yaml::Value::Sequence(s) => s.iter().for_each(|v| collect_prose(v, out)),
        _ => {}
    }
}

/// The paragraphs of `text` longer than 200 bytes without Markdown markup, lines joined,
/// into `out`.
fn plain_paragraphs(text: &str, out: &mut Vec<String>) {
    for p in text.split("\n\n") {
        let p = p.trim().replace('\n', " ");
        let plain = !p.contains(|c: char| "{}#*[]|<>_`\\$@".contains(c))
            && !p.starts_with(|c: char| c == '-' || c.is_ascii_digit());
        if p.len() > 200 && plain {
            out.push(p);
        }
    }
}

/// The children of a `--long` run: the measured plan with the long chapter in the house style,
/// as `vplan build` sets it (a word a page would break kept whole, which may take Typst a
/// second compile) and compiled once, as Typst sets it; the long chapter alone in the house
/// style and in the plain preamble, each compiled once. The house style's cost is the one
/// compile's over the plain preamble's.
pub const CHILDREN: [Child; 4] = [
    Child {
        name: "built",
        what: "the plan + the long chapter, as built",
        with_plan: true,
        plain: false,
        whole_words: true,
    },
    Child {
        name: "plan",
        what: "the plan + the long chapter, one compile",
        with_plan: true,
        plain: false,
        whole_words: false,
    },
    Child {
        name: "house",
        what: "the long chapter alone, one compile",
        with_plan: false,
        plain: false,
        whole_words: false,
    },
    Child {
        name: "plain",
        what: "the long chapter alone, plain preamble",
        with_plan: false,
        plain: true,
        whole_words: false,
    },
];

/// One build of a `--long` run.
pub struct Child {
    /// Its name on the command line (`--long-child`).
    pub name: &'static str,
    /// What it builds, as the report says.
    pub what: &'static str,
    /// The measured plan with the long chapter, or the chapter alone.
    with_plan: bool,
    /// The plain preamble in place of the house style.
    plain: bool,
    /// A word a page would break kept whole, as `vplan build` does.
    whole_words: bool,
}

/// The long chapter's file name: after every chapter of a plan.
const CHAPTER_FILE: &str = "zz-bench-lang.yaml";

/// Writes the long plan into `dir`: a chapter of about [`PROSE_BYTES`] of the prose of the plan
/// in `source` (or of generated sentences); with the plan in `source` itself (`with_plan`), or
/// with a plan file of its own.
pub fn generate(dir: &Path, source: &Path, with_plan: bool) -> Result<()> {
    let mut paragraphs = prose_of(source);
    if paragraphs.is_empty() {
        paragraphs = (0..40).map(|i| super::scale::paragraph(i, 120)).collect();
    }
    let mut chapter = String::from("id: bench-lang\ntitle: Lång text\nblocks:\n  - text: |\n");
    let mut bytes = 0;
    for p in paragraphs.iter().cycle() {
        if bytes >= PROSE_BYTES {
            break;
        }
        chapter.push_str("      ");
        chapter.push_str(p);
        chapter.push_str("\n\n");
        bytes += p.len() + 2;
    }
    if with_plan {
        crate::output::copy_tree(source, dir)?;
    } else {
        fs::create_dir_all(dir).at("create", dir)?;
        let plan = dir.join("plan.yaml");
        fs::write(
            &plan,
            "organisation: Region Exempel\nnamnd: Regionen\nyear: 2031\n\
             title: Verksamhetsplaner med budget 2031\nsubtitle: Regionen\ndecision_date: 2030-11-20\n",
        )
        .at("write", &plan)?;
    }
    let chapters = dir.join("chapters");
    fs::create_dir_all(&chapters).at("create", &chapters)?;
    let file = chapters.join(CHAPTER_FILE);
    fs::write(&file, chapter).at("write", &file)
}

/// Templates that are `templates` with the plain preamble of [`PLAIN_DOCUMENT`], written into
/// `dir`.
fn plain_templates(templates: &Templates, dir: &Path) -> Result<Templates> {
    if let Some(own) = templates.dir() {
        crate::output::copy_tree(own, dir)?;
    }
    let files = templates.read()?;
    let house = files
        .get("vplan.typ")
        .context("the templates have no vplan.typ")?;
    let mut text = String::from_utf8_lossy(&house.bytes).into_owned();
    text.push_str(PLAIN_DOCUMENT);
    fs::create_dir_all(dir).at("create", dir)?;
    let file = dir.join("vplan.typ");
    fs::write(&file, text).at("write", &file)?;
    Templates::with_dir(dir)
}

/// The child `style` of a `--long` run (one of [`CHILDREN`]): builds its plan and prints one
/// line of figures.
pub fn child(
    templates: &Templates,
    source: &Path,
    style: &str,
    report: &mut dyn std::io::Write,
) -> Result<()> {
    let Some(child) = CHILDREN.iter().find(|c| c.name == style) else {
        crate::usage!("unknown --long-child `{style}`");
    };
    let scratch = tempfile::tempdir().context("cannot create a scratch directory")?;
    let content = scratch.path().join("content");
    generate(&content, source, child.with_plan)?;
    let templates = if child.plain {
        plain_templates(templates, &scratch.path().join("templates"))?
    } else {
        templates.clone()
    };
    let (built, total, peak) =
        super::timed_build(&content, &templates, scratch.path(), child.whole_words)?;
    writeln!(
        report,
        "pages={} total_ms={:.1} peak_kib={peak}",
        built.pages,
        total.as_secs_f64() * 1000.0
    )
    .at("write", "the report")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_long_plan_is_the_default_plans_plain_prose_and_checks_clean() {
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let prose = prose_of(&source);
        assert!(!prose.is_empty(), "the default plan has plain paragraphs");
        assert!(prose.iter().all(|p| !p.contains('*') && !p.contains('\n')));
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), &source, false).unwrap();
        let chapter = fs::read_to_string(dir.path().join("chapters").join(CHAPTER_FILE)).unwrap();
        assert!(chapter.len() >= PROSE_BYTES, "{} bytes", chapter.len());
        let checked = crate::bench::load_clean(dir.path());
        assert_eq!(checked.plan.chapters.len(), 1);
        // With the plan: its chapters, tables and appendices, the long chapter last.
        let with = tempfile::tempdir().unwrap();
        generate(with.path(), &source, true).unwrap();
        let plan = crate::bench::load_clean(with.path()).plan;
        let own = crate::bench::load_clean(&source).plan;
        assert_eq!(plan.chapters.len(), own.chapters.len() + 1);
        assert_eq!(plan.tables.len(), own.tables.len());
        assert_eq!(plan.appendices.len(), own.appendices.len());
        assert_eq!(plan.chapters.last().unwrap().value.id, "bench-lang");
    }

    #[test]
    fn the_plain_preamble_redefines_only_the_document_setup() {
        let dir = tempfile::tempdir().unwrap();
        let plain = plain_templates(&Templates::built_in(), &dir.path().join("t")).unwrap();
        let files = plain.read().unwrap();
        let text = String::from_utf8_lossy(&files.get("vplan.typ").unwrap().bytes).into_owned();
        assert!(text.ends_with(PLAIN_DOCUMENT));
        // The house functions stay: the entry still gathers the parts.
        assert!(
            text.contains("#import \"vplan/page.typ\": *"),
            "the house functions stay"
        );
    }
}
