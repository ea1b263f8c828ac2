//! The rules of ARCHITECTURE.md, checked on the source: every module in a layer, imports only
//! downwards, no import cycle, and the invariants a grep can see (no float near money outside
//! the spreadsheet code, Typst only in `typeset`, minijinja only in `render`, no printing in
//! the library).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::root;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    Foundation,
    Stage,
    Orchestration,
    Feature,
    Face,
}

/// The layer of each top-level module (a file `src/x.rs` or a folder `src/x/`).
fn layer(module: &str) -> Option<Layer> {
    use Layer::*;
    Some(match module {
        "diag" | "error" | "progress" | "numfmt" | "suggest" | "yaml_text" => Foundation,
        "content" | "figures" | "check" | "render" | "typeset" | "output" => Stage,
        "pipeline" => Orchestration,
        "diff" | "sheets" | "roll" | "skeleton" | "bench" => Feature,
        "main" | "cli" | "cmd" => Face,
        _ => return None,
    })
}

/// Whether a module of layer `from` may import one of layer `to`.
fn may_import(from: Layer, to: Layer) -> bool {
    use Layer::*;
    match from {
        Foundation => to == Foundation,
        Stage => matches!(to, Foundation | Stage),
        Orchestration => matches!(to, Foundation | Stage),
        Feature => matches!(to, Foundation | Stage | Orchestration),
        Face => true,
    }
}

struct SourceFile {
    /// Path below `src/`, with `/` separators.
    rel: String,
    /// The top-level module it belongs to.
    module: String,
    /// The code without comments, string contents and `#[cfg(test)]` modules.
    code: String,
}

fn sources() -> Vec<SourceFile> {
    let src = root().join("src");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "lib.rs" {
            continue;
        }
        let module = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        out.push(SourceFile {
            module,
            code: strip(&std::fs::read_to_string(path).unwrap()),
            rel,
        });
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// The code of a file without comments, the contents of string literals and unit-test
/// modules (tests may reach across layers to build their cases).
fn strip(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                out.push('"');
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push('"');
            }
            // A char literal such as '"' must not open a string.
            '\'' => {
                out.push('\'');
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with("\\") || rest.chars().nth(1) == Some('\'') {
                    for c in chars.by_ref() {
                        if c == '\'' {
                            break;
                        }
                    }
                    out.push('\'');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The top-level modules a file imports: `crate::x` (and `use crate::{x, y::z}`) in the
/// library, `vplan::x` in the binary.
fn imports(file: &SourceFile, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for prefix in ["crate::", "vplan::"] {
        let mut rest = file.code.as_str();
        while let Some(i) = rest.find(prefix) {
            let before = rest[..i].chars().last();
            rest = &rest[i + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    found.insert(name);
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                found.insert(name);
            }
        }
    }
    found
        .into_iter()
        .filter(|m| modules.contains(m) && *m != file.module)
        .collect()
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let files = sources();
    let modules: BTreeSet<String> = files.iter().map(|f| f.module.clone()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        graph
            .entry(f.module.clone())
            .or_default()
            .extend(imports(f, &modules));
    }
    graph
}

#[test]
fn every_module_has_a_layer_and_imports_only_downwards() {
    let graph = graph();
    let mut wrong = Vec::new();
    for (module, deps) in &graph {
        let Some(from) = layer(module) else {
            wrong.push(format!(
                "src/{module} is in no layer: add it to `layer` here and to ARCHITECTURE.md"
            ));
            continue;
        };
        for dep in deps {
            let to = layer(dep).unwrap_or(Layer::Face);
            if !may_import(from, to) {
                wrong.push(format!("{module} ({from:?}) imports {dep} ({to:?})"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The library's face has no command line.
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    assert!(
        !lib.contains("mod cli") && !lib.contains("mod cmd"),
        "{lib}"
    );
}

#[test]
fn the_import_graph_has_no_cycle() {
    let graph = graph();
    // Depth-first search with colours; a grey node reached again closes a cycle.
    fn visit<'g>(
        node: &'g str,
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<&'g str, u8>,
        stack: &mut Vec<&'g str>,
        depth: &mut BTreeMap<&'g str, Vec<&'g str>>,
    ) {
        state.insert(node, 1);
        stack.push(node);
        let mut longest = vec![node];
        for dep in graph.get(node).into_iter().flatten() {
            match state.get(dep.as_str()) {
                Some(1) => {
                    let from = stack.iter().position(|n| n == dep).unwrap();
                    panic!("import cycle: {} → {dep}", stack[from..].join(" → "));
                }
                Some(_) => {}
                None => visit(dep, graph, state, stack, depth),
            }
            let below = &depth[dep.as_str()];
            if below.len() + 1 > longest.len() {
                longest = std::iter::once(node).chain(below.iter().copied()).collect();
            }
        }
        stack.pop();
        state.insert(node, 2);
        depth.insert(node, longest);
    }
    let mut state = BTreeMap::new();
    let mut depth = BTreeMap::new();
    for node in graph.keys() {
        if !state.contains_key(node.as_str()) {
            visit(node, &graph, &mut state, &mut Vec::new(), &mut depth);
        }
    }
    let chain = depth.values().max_by_key(|c| c.len()).unwrap();
    eprintln!(
        "{} modules, no import cycle; longest chain ({} levels): {}",
        graph.len(),
        chain.len(),
        chain.join(" → ")
    );
    // Face → feature → pipeline → stages → foundations: a newcomer can keep it in mind.
    assert!(chain.len() <= 9, "{}", chain.join(" → "));
}

/// Files (below `src/`) where `pattern` appears in code, outside `allowed`.
fn found_outside(pattern: &str, allowed: &[&str]) -> Vec<String> {
    sources()
        .into_iter()
        .filter(|f| !allowed.iter().any(|a| f.rel.starts_with(a)))
        .filter(|f| {
            f.code.match_indices(pattern).any(|(i, _)| {
                let before = f.code[..i].chars().last();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
        .map(|f| f.rel)
        .collect()
}

#[test]
fn money_never_passes_through_a_float() {
    // Time is measured in seconds as f64 (`as_secs_f64`); that is not money.
    let files: Vec<String> = sources()
        .into_iter()
        .filter(|f| !f.rel.starts_with("bench/") && !f.rel.starts_with("sheets/"))
        .filter(|f| {
            let code = f.code.replace("as_secs_f64", "");
            ["f64", "f32"].iter().any(|t| {
                code.match_indices(t).any(|(i, _)| {
                    let before = code[..i].chars().last();
                    let after = code[i + 3..].chars().next();
                    !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                        && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
            })
        })
        .map(|f| f.rel)
        .collect();
    assert!(
        files.is_empty(),
        "a float outside the spreadsheet code and the benchmarks: {files:?}"
    );
}

#[test]
fn typst_is_only_in_typeset_and_minijinja_only_in_render() {
    for krate in ["typst::", "typst_pdf::", "typst_layout::", "typst_kit::"] {
        let files = found_outside(krate, &["typeset.rs"]);
        assert!(files.is_empty(), "{krate} outside typeset.rs: {files:?}");
    }
    let files = found_outside("minijinja::", &["render/"]);
    assert!(files.is_empty(), "minijinja outside render/: {files:?}");
}

#[test]
fn the_library_never_prints_or_exits() {
    let face = ["main.rs", "cli.rs", "cmd/"];
    for what in [
        "println!",
        "eprintln!",
        "print!",
        "eprint!",
        "dbg!",
        "std::process::exit",
        "clap::",
    ] {
        let files = found_outside(what, &face);
        assert!(files.is_empty(), "{what} in the library: {files:?}");
    }
}

#[test]
fn the_architecture_document_names_every_module() {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let modules: BTreeSet<String> = sources().into_iter().map(|f| f.module).collect();
    for m in modules {
        let named = [format!("src/{m}.rs"), format!("src/{m}/")]
            .iter()
            .any(|p| doc.contains(p.as_str()));
        assert!(named, "ARCHITECTURE.md does not name src/{m}");
    }
    assert!(Path::new(&root().join("ARCHITECTURE.md")).is_file());
}
