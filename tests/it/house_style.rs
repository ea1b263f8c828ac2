//! The house style in parts (`templates/vplan.typ` and `templates/vplan/*.typ`,
//! docs/house-style.md): the page lists every part with what it exports and imports, as the
//! files have it; each part imports by name what it uses of another and nothing else; and a
//! project that overrides only the style part builds with its look while every other part stays
//! built in.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use crate::common::{pdf_text, pdfs_in, root, stderr, vplan_timed, Scratch};

const FIXTURE: &str = "fjallkommun_2031";

/// A part of the house style as its file has it: the names it defines (in order), and per part
/// it imports the names it imports (`*` for all).
#[derive(Debug, Default, PartialEq)]
struct Part {
    exports: Vec<String>,
    imports: BTreeMap<String, Vec<String>>,
}

/// The parts, by name (`style` for `templates/vplan/style.typ`).
fn parts() -> BTreeMap<String, Part> {
    let dir = root().join("templates/vplan");
    let mut parts = BTreeMap::new();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let name = name
            .strip_suffix(".typ")
            .unwrap_or_else(|| panic!("templates/vplan/ holds only parts (*.typ), not {name}"));
        parts.insert(name.to_string(), part(&fs::read_to_string(&path).unwrap()));
    }
    parts
}

fn part(text: &str) -> Part {
    let mut part = Part::default();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("#let ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '-')
                .collect();
            part.exports.push(name);
        } else if let Some(rest) = line.strip_prefix("#import \"") {
            let (file, names) = rest.split_once("\":").expect("#import \"FILE\": NAMES");
            let from = file.strip_suffix(".typ").expect("a part imports parts");
            let names = names.split(',').map(|n| n.trim().to_string()).collect();
            part.imports.insert(from.to_string(), names);
        }
    }
    part
}

/// The names of the house style (`vp-…`) a part's code uses, comments left out (a label
/// `<vp-…>` is not a name).
fn used_names(text: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for line in text.lines() {
        if line.trim_start().starts_with("//") || line.starts_with("#import") {
            continue;
        }
        let code = line.split(" // ").next().unwrap();
        let mut rest = code;
        while let Some(at) = rest.find("vp-") {
            let before = rest[..at].chars().next_back();
            let name: String = rest[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '-')
                .collect();
            if !matches!(before, Some('<' | '-' | '"') | Some('a'..='z')) {
                used.insert(name.trim_end_matches('-').to_string());
            }
            rest = &rest[at + name.len().max(3)..];
        }
    }
    used
}

/// The parts as docs/house-style.md lists them: each `### \`vplan/NAME.typ\`` heading, its
/// `Imports:` line (the parts named in backticks) and its list of exports (`- \`vp-…\`: …`).
fn documented() -> BTreeMap<String, (BTreeSet<String>, Vec<String>)> {
    let doc = fs::read_to_string(root().join("docs/house-style.md")).unwrap();
    let mut parts: BTreeMap<String, (BTreeSet<String>, Vec<String>)> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            current = heading
                .strip_prefix("`vplan/")
                .and_then(|h| h.strip_suffix(".typ`"))
                .map(str::to_string);
            if let Some(name) = &current {
                parts.insert(name.clone(), Default::default());
            }
        } else if line.starts_with("## ") {
            current = None;
        } else if let Some(name) = &current {
            let entry = parts.get_mut(name).unwrap();
            if let Some(imports) = line.strip_prefix("Imports: ") {
                entry.0 = imports
                    .split('`')
                    .skip(1)
                    .step_by(2)
                    .filter(|n| !n.starts_with("vp-"))
                    .map(str::to_string)
                    .collect();
            } else if let Some(item) = line.strip_prefix("- `") {
                entry.1.push(item.split('`').next().unwrap().to_string());
            }
        }
    }
    parts
}

#[test]
fn the_docs_list_every_part_with_what_it_exports_and_imports() {
    let parts = parts();
    let documented = documented();
    assert_eq!(
        parts.keys().collect::<Vec<_>>(),
        documented.keys().collect::<Vec<_>>(),
        "docs/house-style.md has a `### \\`vplan/NAME.typ\\`` section for each part, and no other"
    );
    for (name, part) in &parts {
        let (imports, exports) = &documented[name];
        assert_eq!(
            exports, &part.exports,
            "docs/house-style.md lists every #let of vplan/{name}.typ, in the file's order"
        );
        assert_eq!(
            imports,
            &part.imports.keys().cloned().collect::<BTreeSet<_>>(),
            "docs/house-style.md's `Imports:` of vplan/{name}.typ"
        );
    }
    // Every exported name is defined once, in one part.
    let mut owner = BTreeMap::new();
    for (name, part) in &parts {
        for export in &part.exports {
            if let Some(other) = owner.insert(export.clone(), name.clone()) {
                panic!("{export} is defined in vplan/{other}.typ and vplan/{name}.typ");
            }
        }
    }
}

/// `vplan.typ` is the entry: it defines nothing and imports every part, whole, so that the
/// `.j2` templates' `#import "vplan.typ": *` sees every function.
#[test]
fn the_entry_imports_every_part_and_defines_nothing() {
    let entry = fs::read_to_string(root().join("templates/vplan.typ")).unwrap();
    let mut imported = BTreeSet::new();
    for line in entry.lines() {
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        let part = line
            .strip_prefix("#import \"vplan/")
            .and_then(|l| l.strip_suffix(".typ\": *"))
            .unwrap_or_else(|| panic!("vplan.typ only imports the parts: {line}"));
        imported.insert(part.to_string());
    }
    assert_eq!(
        imported,
        parts().into_keys().collect::<BTreeSet<_>>(),
        "vplan.typ imports every part"
    );
}

/// Each part imports, by name, what it uses of another part, and nothing it does not use; the
/// style imports nothing, and no part imports the page furniture, the goals, the charts, the
/// letters or the change reports (the parts a project may override), so that overriding one
/// of those changes nothing else.
#[test]
fn each_part_imports_what_it_uses_and_nothing_else() {
    let dir = root().join("templates/vplan");
    let parts = parts();
    let owner: BTreeMap<&str, &str> = parts
        .iter()
        .flat_map(|(name, p)| p.exports.iter().map(move |e| (e.as_str(), name.as_str())))
        .collect();
    for (name, part) in &parts {
        let text = fs::read_to_string(dir.join(format!("{name}.typ"))).unwrap();
        let used = used_names(&text);
        let mut needed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for u in &used {
            match owner.get(u.as_str()) {
                Some(o) if o != name => {
                    needed.entry(o.to_string()).or_default().insert(u.clone());
                }
                Some(_) => {}
                None => panic!("vplan/{name}.typ uses {u}, which no part defines"),
            }
        }
        let imported: BTreeMap<String, BTreeSet<String>> = part
            .imports
            .iter()
            .map(|(from, names)| (from.clone(), names.iter().cloned().collect()))
            .collect();
        assert_eq!(
            imported, needed,
            "vplan/{name}.typ imports by name exactly what it uses of the other parts"
        );
        for from in imported.keys() {
            assert!(
                ["style", "text", "tables"].contains(&from.as_str()),
                "vplan/{name}.typ imports vplan/{from}.typ, a part a project may override"
            );
        }
    }
    assert!(
        parts["style"].imports.is_empty(),
        "the style imports nothing"
    );
}

/// The colours a PDF fills and strokes with (DeviceRGB or ICC-based RGB operands of
/// `rg`/`RG`/`sc`/`scn`/`SC`/`SCN`), as 8-bit RGB.
fn colours(pdf: &Path) -> BTreeSet<[u8; 3]> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let mut colours = BTreeSet::new();
    for page in doc.get_pages().into_values() {
        let content = lopdf::content::Content::decode(&doc.get_page_content(page))
            .unwrap_or_else(|e| panic!("{}: {e}", pdf.display()));
        for op in &content.operations {
            if !["rg", "RG", "sc", "scn", "SC", "SCN"].contains(&op.operator.as_str()) {
                continue;
            }
            let values: Vec<f32> = op
                .operands
                .iter()
                .filter_map(|o| o.as_float().ok())
                .collect();
            if let [r, g, b] = values[..] {
                colours.insert([r, g, b].map(|v| (v * 255.0).round() as u8));
            }
        }
    }
    colours
}

/// A project that overrides only the style part (here: the accent colour) builds, and its
/// colour is in the PDF where the built-in one was; every other part stays built in (`check`
/// names only the style as the project's), and the text is the same.
#[test]
fn a_project_overrides_the_style_part_alone() {
    let built_in_accent = [0x1f, 0x4e, 0x79];
    let own_accent = [0xb0, 0x30, 0x6a];
    let style = fs::read_to_string(root().join("templates/vplan/style.typ")).unwrap();
    let from = "#let vp-accent = rgb(\"#1f4e79\")";
    assert!(style.contains(from), "the built-in accent: {from}");

    let plain = Scratch::of(FIXTURE);
    let build = vplan_timed(plain.dir.path(), &["build", "-q"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    let plain_pdf = &pdfs_in(&plain.dir.path().join("output"))[0];
    let plain_colours = colours(plain_pdf);
    assert!(
        plain_colours.contains(&built_in_accent),
        "{plain_colours:?}"
    );
    assert!(!plain_colours.contains(&own_accent), "{plain_colours:?}");

    let s = Scratch::of(FIXTURE);
    let dir = s.dir.path().join("templates/vplan");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("style.typ"),
        style.replace(from, "#let vp-accent = rgb(\"#b0306a\")"),
    )
    .unwrap();
    let check = vplan_timed(s.dir.path(), &["check"]);
    let err = stderr(&check);
    assert_eq!(check.status.code(), Some(0), "{err}");
    assert!(
        err.contains("with the project's templates (templates/vplan/style.typ)"),
        "only the style part is the project's: {err}"
    );
    let build = vplan_timed(s.dir.path(), &["build", "-q"]);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    let pdf = &pdfs_in(&s.dir.path().join("output"))[0];
    let own = colours(pdf);
    assert!(own.contains(&own_accent), "the project's accent: {own:?}");
    assert!(!own.contains(&built_in_accent), "{own:?}");
    assert_eq!(pdf_text(pdf), pdf_text(plain_pdf), "only the look changed");

    // A style part that lacks a name another part imports is an error at that part's import
    // line, where the name stands (here the built-in charts part's).
    let sum_fill = "#let vp-sum-fill =";
    assert!(style.contains(sum_fill));
    fs::write(
        dir.join("style.typ"),
        style.replace(sum_fill, "#let vp-sum-colour ="),
    )
    .unwrap();
    let check = vplan_timed(s.dir.path(), &["check"]);
    let err = stderr(&check);
    assert_eq!(check.status.code(), Some(1), "{err}");
    let charts = fs::read_to_string(root().join("templates/vplan/charts.typ")).unwrap();
    let line = charts
        .lines()
        .position(|l| l.starts_with("#import \"style.typ\"") && l.contains("vp-sum-fill"))
        .unwrap()
        + 1;
    assert!(err.contains("unresolved import"), "{err}");
    assert!(
        err.contains(&format!("(built-in) vplan/charts.typ:{line}")),
        "{err}"
    );
}

/// `vplan templates` writes every part beside the entry, each as built in.
#[test]
fn vplan_templates_writes_every_part() {
    let dir = tempfile::tempdir().unwrap();
    let out = vplan_timed(dir.path(), &["templates", "--out", "t"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let repo = root().join("templates");
    for entry in walkdir::WalkDir::new(&repo) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(&repo).unwrap();
        assert_eq!(
            fs::read(dir.path().join("t").join(rel)).ok(),
            Some(fs::read(entry.path()).unwrap()),
            "{}",
            rel.display()
        );
    }
    assert!(dir.path().join("t/vplan/tables.typ").is_file());
}

/// `build --trace` names each span by the part of the house style it is in, and its line there.
#[test]
fn the_trace_names_the_parts_and_their_lines() {
    let s = Scratch::of(FIXTURE);
    let out = vplan_timed(s.dir.path(), &["build", "-q", "--trace", "trace.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let trace: serde_json::Value =
        serde_json::from_slice(&fs::read(s.dir.path().join("trace.json")).unwrap()).unwrap();
    let events = trace
        .as_array()
        .or_else(|| trace["traceEvents"].as_array())
        .expect("a list of events");
    let mut seen = BTreeSet::new();
    for event in events {
        let (Some(file), Some(line)) = (
            event["args"]["file"].as_str(),
            event["args"]["line"].as_u64(),
        ) else {
            continue;
        };
        if let Some(part) = file.strip_prefix("vplan/") {
            let text = fs::read_to_string(root().join("templates/vplan").join(part)).unwrap();
            let lines = text.lines().count() as u64;
            assert!((1..=lines).contains(&line), "{file}:{line}");
            seen.insert(file.to_string());
        }
    }
    for part in ["vplan/tables.typ", "vplan/page.typ", "vplan/text.typ"] {
        assert!(seen.contains(part), "{part} is not in the trace: {seen:?}");
    }
}
