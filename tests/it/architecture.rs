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
        "diag" | "error" | "files" | "progress" | "numfmt" | "suggest" | "yaml_text" => Foundation,
        "content" | "figures" | "check" | "render" | "typeset" | "output" => Stage,
        "pipeline" => Orchestration,
        "diff" | "sheets" | "roll" | "skeleton" | "bench" => Feature,
        "main" | "cli" | "cmd" => Face,
        _ => return None,
    })
}

/// The stages a stage may import: each only earlier ones, in pipeline order; `typeset` and
/// `output` none.
fn stage_may_import(from: &str, to: &str) -> bool {
    match from {
        "content" | "typeset" | "output" => false,
        "figures" => to == "content",
        "check" => matches!(to, "content" | "figures" | "typeset"),
        "render" => matches!(to, "content" | "figures"),
        _ => false,
    }
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

/// The code of a file without comments, the contents of string and char literals, and the
/// items under `#[cfg(test)]` (tests may reach across layers to build their cases).
fn strip(text: &str) -> String {
    let code = without_comments_and_strings(text);
    without_test_items(&code)
}

fn without_comments_and_strings(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            // Block comments nest.
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if (c == 'r' || ((c == 'b' || c == 'c') && next == Some('r')))
            && !(i > 0 && ident(b[i - 1]))
            && {
                let start = if c == 'r' { i + 1 } else { i + 2 };
                let hashes = b[start..].iter().take_while(|&&h| h == '#').count();
                b.get(start + hashes) == Some(&'"')
            }
        {
            // A raw string: ends at `"` followed by as many `#` as it opened with.
            let start = if c == 'r' { i + 1 } else { i + 2 };
            let hashes = b[start..].iter().take_while(|&&h| h == '#').count();
            i = start + hashes + 1;
            while i < b.len() {
                if b[i] == '"'
                    && b[i + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|&&h| h == '#')
                        .count()
                        == hashes
                {
                    i += 1 + hashes;
                    break;
                }
                i += 1;
            }
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}', '"'), not a lifetime ('a).
            let is_char = next == Some('\\') || b.get(i + 2) == Some(&'\'');
            if is_char {
                i += 1;
                while i < b.len() && b[i] != '\'' {
                    if b[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The code without each item that `#[cfg(test)]` (or `#[cfg(all(test, …))]`) marks: the
/// item runs to its closing brace, or to its `;`.
fn without_test_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    loop {
        let at = ["#[cfg(test)]", "#[cfg(all(test"]
            .iter()
            .filter_map(|m| rest.find(m))
            .min();
        let Some(at) = at else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        // Past the attribute, then past the item.
        let after = &rest[at..];
        let attr_end = after.find(']').map_or(after.len(), |e| e + 1);
        let mut depth = 0usize;
        let mut end = after.len();
        for (k, ch) in after[attr_end..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = attr_end + k + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = attr_end + k + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
}

/// The names a `use` group (the text after its `{`) brings in: the first segment of each item
/// at the group's own level.
fn group_items(group: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for ch in group.chars() {
        match ch {
            '{' => {
                depth += 1;
                current.push(ch);
            }
            '}' if depth == 0 => break,
            '}' => {
                depth -= 1;
                current.push(ch);
            }
            ',' if depth == 0 => items.push(std::mem::take(&mut current)),
            _ => current.push(ch),
        }
    }
    items.push(current);
    items
        .iter()
        .map(|i| {
            i.trim()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

/// The top-level modules a file imports: `crate::x` (and `use crate::{x, y::z}`), and
/// `super::…` that reaches the crate root, in the library; `vplan::x` in the binary.
fn imports(file: &SourceFile, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let face = layer(&file.module) == Some(Layer::Face);
    let mut found = BTreeSet::new();
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let prefixes: &[&str] = if face {
        &["vplan::"]
    } else {
        &["crate::", "super::"]
    };
    // How deep the file's module is: `x.rs`, `x/mod.rs` → 1; `x/y.rs`, `x/y/mod.rs` → 2.
    let depth = file.rel.split('/').count() - usize::from(file.rel.ends_with("mod.rs"));
    for prefix in prefixes {
        let code = file.code.as_str();
        for (i, _) in code.match_indices(prefix) {
            if code[..i].chars().last().is_some_and(is_ident) {
                continue;
            }
            let mut rest = &code[i + prefix.len()..];
            if *prefix == "super::" {
                // `super::` (repeated) from this depth: only a path back to the root names
                // another top-level module.
                let mut level = depth - 1;
                while let Some(r) = rest.strip_prefix("super::") {
                    level = level.saturating_sub(1);
                    rest = r;
                }
                if level != 0 {
                    continue;
                }
            }
            if let Some(group) = rest.strip_prefix('{') {
                found.extend(group_items(group));
            } else {
                found.insert(rest.chars().take_while(|c| is_ident(*c)).collect());
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
            let stage_order =
                from != Layer::Stage || to != Layer::Stage || stage_may_import(module, dep);
            if !may_import(from, to) || !stage_order {
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
    // A float type, a conversion to or from one (`to_f64`, `from_f64_retain`, `ToPrimitive`),
    // anywhere but in the spreadsheet code (Excel holds doubles, compared in Decimal) and the
    // benchmarks (timings). Durations in seconds (`as_secs_f64`) are not money. The loader's
    // serde adapter (`content/strict.rs`) must name serde's `deserialize_f64` to pass it on; it
    // reads no number itself.
    let float = |word: &str| {
        word != "as_secs_f64"
            && (["f64", "f32"].contains(&word)
                || ["_f64", "_f32", "f64_", "f32_"]
                    .iter()
                    .any(|p| word.contains(p))
                || ["ToPrimitive", "FromPrimitive"].contains(&word))
    };
    let files: Vec<String> = sources()
        .into_iter()
        .filter(|f| !f.rel.starts_with("bench/") && !f.rel.starts_with("sheets/"))
        .filter(|f| f.rel != "content/strict.rs")
        .filter(|f| {
            f.code
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(float)
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
        "stdout()",
        "stderr()",
        "process::exit",
        "process::abort",
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

#[test]
fn only_the_terminal_prints_and_only_the_face_reads_the_environment() {
    // The binary prints through `cmd::Terminal` alone, so `-q` holds everywhere.
    let face = |rel: &str| rel == "main.rs" || rel == "cli.rs" || rel.starts_with("cmd/");
    let printing: Vec<String> = sources()
        .into_iter()
        .filter(|f| face(&f.rel) && f.rel != "cmd/terminal.rs")
        .filter(|f| {
            [
                "print!",
                "println!",
                "eprint!",
                "eprintln!",
                "dbg!",
                "stdout()",
                "stderr()",
            ]
            .iter()
            .any(|what| {
                f.code.match_indices(what).any(|(i, _)| {
                    !f.code[..i]
                        .chars()
                        .last()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
            })
        })
        .map(|f| f.rel)
        .collect();
    assert!(
        printing.is_empty(),
        "printing outside cmd/terminal.rs: {printing:?}"
    );
    // The library is told (`SOURCE_DATE_EPOCH` comes in the options); it reads no variable.
    // (`env!` is the compiler's, and `bench` finding its own executable is no setting.)
    for what in ["env::var", "env::set_var", "env::remove_var", "env::args"] {
        let files = found_outside(what, &["main.rs", "cli.rs", "cmd/"]);
        assert!(files.is_empty(), "{what} in the library: {files:?}");
    }
}
