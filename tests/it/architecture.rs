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
        "diag" | "error" | "files" | "progress" | "numfmt" | "suggest" | "yaml_text"
        | "measure" => Foundation,
        "content" | "figures" | "check" | "render" | "typeset" | "output" => Stage,
        "pipeline" => Orchestration,
        "diff" | "sheets" | "roll" | "skeleton" | "bench" | "preview" => Feature,
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
    // benchmarks (timings), and the geometry of a page the preview draws and is clicked on
    // (points: `typeset/draw.rs`, `typeset/click.rs`, `preview/`). Durations in seconds
    // (`as_secs_f64`) are not money. The loader's
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
        .filter(|f| !f.rel.starts_with("preview/"))
        .filter(|f| {
            !["content/strict.rs", "typeset/draw.rs", "typeset/click.rs"].contains(&f.rel.as_str())
        })
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
    for krate in [
        "typst::",
        "typst_pdf::",
        "typst_layout::",
        "typst_kit::",
        "typst_svg::",
        "typst_ide::",
    ] {
        let files = found_outside(krate, &["typeset/"]);
        assert!(files.is_empty(), "{krate} outside typeset/: {files:?}");
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

// ---------------------------------------------------------------------------------------------
// File level: every `src/**/*.rs` a node, an edge where a file names a path into another.

/// How many floors an import chain may stand on, a floor a top-level module: face (`main.rs`
/// counted), feature, pipeline, the stages in their order, foundations (`main → cmd → cli →
/// pipeline → render → figures → content → error → diag`), each module entered by whichever
/// of its files.
const MAX_FLOORS: usize = 9;

/// How many files a chain of imports may pass through: a ratchet at what the source measures
/// (`--nocapture` prints the chain). A floor is a module; within the face and the pipeline the
/// files stand on each other (`cmd/watch.rs → cmd/build.rs → cli.rs → pipeline/build.rs →
/// pipeline/load.rs → pipeline/documents.rs → pipeline/subject.rs`). Lower it as chains get
/// shorter; never raise it.
const MAX_FILE_CHAIN: usize = 14;

/// Whether a file (below `src/`) belongs to the binary crate.
fn in_binary(rel: &str) -> bool {
    rel == "main.rs" || rel == "cli.rs" || rel.starts_with("cmd/")
}

/// The module a file defines: `a/b.rs` and `a/b/mod.rs` → `[a, b]`; a crate's root → `[]`.
fn module_of(rel: &str) -> Vec<String> {
    let rel = rel.trim_end_matches(".rs");
    let mut path: Vec<String> = rel.split('/').map(str::to_string).collect();
    if matches!(
        path.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        path.pop();
    }
    path
}

/// The paths a `use` tree (the text after `crate::`, `super::` …) names, each as its
/// segments, groups expanded: `a::{b, c::{d, self}}` → `a::b`, `a::c::d`, `a::c`.
fn use_paths(text: &str) -> Vec<Vec<String>> {
    fn tree(chars: &[char], at: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
        let mut path = prefix.to_vec();
        loop {
            while chars.get(*at).is_some_and(|c| c.is_whitespace()) {
                *at += 1;
            }
            if chars.get(*at) == Some(&'{') {
                *at += 1;
                group(chars, at, &path, out);
                return;
            }
            let start = *at;
            while chars
                .get(*at)
                .is_some_and(|&c| c.is_alphanumeric() || c == '_')
            {
                *at += 1;
            }
            let segment: String = chars[start..*at].iter().collect();
            if !segment.is_empty() && segment != "self" {
                path.push(segment);
            }
            if chars.get(*at) == Some(&':') && chars.get(*at + 1) == Some(&':') {
                *at += 2;
            } else {
                out.push(path);
                return;
            }
        }
    }
    fn group(chars: &[char], at: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
        loop {
            tree(chars, at, prefix, out);
            // Past `as name` and anything else up to the item's end.
            while let Some(&c) = chars.get(*at) {
                if c == ',' || c == '}' {
                    break;
                }
                *at += 1;
            }
            match chars.get(*at) {
                Some(',') => *at += 1,
                _ => {
                    *at += 1;
                    return;
                }
            }
            while chars.get(*at).is_some_and(|c| c.is_whitespace()) {
                *at += 1;
            }
            if matches!(chars.get(*at), Some('}') | None) {
                *at += 1;
                return;
            }
        }
    }
    let chars: Vec<char> = text.chars().take(4000).collect();
    let mut out = Vec::new();
    tree(&chars, &mut 0, &[], &mut out);
    out
}

/// The modules of one crate by path, each with the file that defines it, and the items its
/// root re-exports or defines as macros (`crate::Error`, `crate::usage!`) by the file they
/// come from.
struct ModuleTree {
    files: BTreeMap<Vec<String>, String>,
    root_items: BTreeMap<String, String>,
}

impl ModuleTree {
    /// The file a path names: the longest prefix of it that is a module; an item of the crate
    /// root by where it comes from.
    fn resolve(&self, path: &[String]) -> Option<&String> {
        let longest = (1..=path.len())
            .rev()
            .find_map(|n| self.files.get(&path[..n]));
        longest.or_else(|| self.root_items.get(path.first()?))
    }
}

/// The module tree of the library, or of the binary.
fn module_tree(files: &[(String, String)], binary: bool) -> ModuleTree {
    let mut t = ModuleTree {
        files: BTreeMap::new(),
        root_items: BTreeMap::new(),
    };
    for (rel, code) in files.iter().filter(|(rel, _)| in_binary(rel) == binary) {
        t.files.insert(module_of(rel), rel.clone());
        for (i, _) in code.match_indices("macro_rules!") {
            let name: String = code[i + 12..]
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            t.root_items.insert(name, rel.clone());
        }
    }
    // `pub use x::{A, B}` at the root.
    let root = if binary { "main.rs" } else { "lib.rs" };
    if let Some((_, code)) = files.iter().find(|(rel, _)| rel == root) {
        for (i, _) in code.match_indices("pub use ") {
            for path in use_paths(&code[i + 8..]) {
                if let (Some(first), Some(last)) = (path.first(), path.last()) {
                    if let Some(file) = t.files.get(std::slice::from_ref(first)) {
                        t.root_items.insert(last.clone(), file.clone());
                    }
                }
            }
        }
    }
    t.files.remove(&Vec::new());
    t
}

/// The files a crate root's code names through the modules it declares (`mod cmd;` …
/// `cmd::build::run`).
fn root_module_paths(code: &str, tree: &ModuleTree) -> BTreeSet<String> {
    let declared: Vec<String> = code
        .match_indices("mod ")
        .filter(|(i, _)| !code[..*i].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
        .map(|(i, _)| {
            code[i + 4..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        })
        .filter(|name: &String| !name.is_empty())
        .collect();
    let mut out = BTreeSet::new();
    for name in declared {
        let prefix = format!("{name}::");
        for (i, _) in code.match_indices(&prefix) {
            let before = code[..i].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            for path in use_paths(&code[i + prefix.len()..]) {
                let full: Vec<String> = std::iter::once(name.clone()).chain(path).collect();
                out.extend(tree.resolve(&full).cloned());
            }
        }
    }
    out
}

/// The file-level import graph of `files` (`(path below src/, code)`): every file a node; an
/// edge where a file names a path into another file's module, through `crate::` (`vplan::` in
/// the binary for the library), `super::` or `self::`.
fn file_graph(files: &[(String, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let (library, binary) = (module_tree(files, false), module_tree(files, true));
    let mut graph = BTreeMap::new();
    for (rel, code) in files {
        let own = module_of(rel);
        let mut deps = BTreeSet::new();
        let crates: &[(&str, &ModuleTree)] = if in_binary(rel) {
            &[
                ("vplan::", &library),
                ("crate::", &binary),
                ("super::", &binary),
                ("self::", &binary),
            ]
        } else {
            &[
                ("crate::", &library),
                ("super::", &library),
                ("self::", &library),
            ]
        };
        for &(prefix, tree) in crates {
            for (i, _) in code.match_indices(prefix) {
                let before = code[..i].chars().last();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                    continue;
                }
                let mut rest = &code[i + prefix.len()..];
                let mut base = match prefix {
                    "super::" => own[..own.len().saturating_sub(1)].to_vec(),
                    "self::" => own.clone(),
                    _ => Vec::new(),
                };
                while let Some(r) = rest.strip_prefix("super::") {
                    base.pop();
                    rest = r;
                }
                for path in use_paths(rest) {
                    let full: Vec<String> = base.iter().cloned().chain(path).collect();
                    if let Some(file) = tree.resolve(&full) {
                        if file != rel {
                            deps.insert(file.clone());
                        }
                    }
                }
            }
        }
        // The binary's root names its modules by their bare names (`cmd::build::run`): the
        // face's top floor stands on them.
        if rel == "main.rs" {
            deps.extend(root_module_paths(code, &binary));
        }
        graph.insert(rel.clone(), deps);
    }
    graph
}

/// How a chain of files is measured.
#[derive(Clone, Copy)]
enum Measure {
    /// Every file a floor.
    Files,
    /// Every top-level module a floor: a step to another file of the same module (from
    /// `render/followup.rs` to `render/view.rs`) stands on the same floor.
    Modules,
}

impl Measure {
    /// What a step from file `from` to file `to` adds.
    fn step(self, from: &str, to: &str) -> usize {
        let top = |f: &str| {
            f.split('/')
                .next()
                .unwrap_or(f)
                .trim_end_matches(".rs")
                .to_string()
        };
        match self {
            Measure::Files => 1,
            Measure::Modules => usize::from(top(from) != top(to)),
        }
    }
}

/// The longest import chain of `graph` by `measure`, with its height; an error naming the
/// cycle when files import each other, or naming the chain when it stands higher than `max`.
fn judge_files(
    graph: &BTreeMap<String, BTreeSet<String>>,
    measure: Measure,
    max: usize,
) -> Result<(usize, Vec<String>), String> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    struct Walk<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        measure: Measure,
        mark: BTreeMap<&'g str, Mark>,
        stack: Vec<&'g str>,
        /// Per file done: the height of the highest chain from it, and that chain.
        highest: BTreeMap<&'g str, (usize, Vec<&'g str>)>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, node: &'g str) -> Result<(), String> {
            self.mark.insert(node, Mark::Open);
            self.stack.push(node);
            let mut best = (1, vec![node]);
            for dep in self.graph.get(node).into_iter().flatten() {
                match self.mark.get(dep.as_str()) {
                    Some(Mark::Open) => {
                        let from = self.stack.iter().position(|n| n == dep).unwrap();
                        let cycle = self.stack[from..].join(" → ");
                        return Err(format!("import cycle between files: {cycle} → {dep}"));
                    }
                    Some(Mark::Done) => {}
                    None => self.visit(dep)?,
                }
                let (height, chain) = &self.highest[dep.as_str()];
                let height = height + self.measure.step(node, dep);
                if height > best.0 || (height == best.0 && chain.len() + 1 > best.1.len()) {
                    best = (
                        height,
                        std::iter::once(node).chain(chain.iter().copied()).collect(),
                    );
                }
            }
            self.stack.pop();
            self.mark.insert(node, Mark::Done);
            self.highest.insert(node, best);
            Ok(())
        }
    }
    let mut walk = Walk {
        graph,
        measure,
        mark: BTreeMap::new(),
        stack: Vec::new(),
        highest: BTreeMap::new(),
    };
    for node in graph.keys() {
        if !walk.mark.contains_key(node.as_str()) {
            walk.visit(node)?;
        }
    }
    let (height, chain) = walk
        .highest
        .values()
        .max_by_key(|(h, c)| (*h, c.len()))
        .map(|(h, c)| (*h, c.iter().map(|s| s.to_string()).collect::<Vec<_>>()))
        .unwrap_or_default();
    if height > max {
        return Err(format!(
            "an import chain {height} floors high (at most {max}): {}",
            chain.join(" → ")
        ));
    }
    Ok((height, chain))
}

/// Every file below `src/` with its code (comments, strings and test items left out).
fn source_files() -> Vec<(String, String)> {
    let src = root().join("src");
    let mut out: Vec<(String, String)> = sources().into_iter().map(|f| (f.rel, f.code)).collect();
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    out.push(("lib.rs".to_string(), strip(&lib)));
    out.sort();
    out
}

#[test]
fn files_import_without_cycle_on_at_most_nine_floors() {
    let graph = file_graph(&source_files());
    let (floors, chain) =
        judge_files(&graph, Measure::Modules, MAX_FLOORS).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "{} files, no import cycle between them; the highest chain stands on {floors} modules: {}",
        graph.len(),
        chain.join(" → ")
    );
    let (files, chain) = judge_files(&graph, Measure::Files, MAX_FILE_CHAIN)
        .unwrap_or_else(|e| panic!("{e} (files; see MAX_FILE_CHAIN)"));
    eprintln!(
        "the longest chain of files ({files}): {}",
        chain.join(" → ")
    );
}

#[test]
fn the_file_rule_fails_on_a_cycle_and_on_a_tenth_floor() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    // Two files of one module that import each other.
    let cycle = graph(&[
        ("cli.rs", "render/view.rs"),
        ("render/view.rs", "render/followup.rs"),
        ("render/followup.rs", "render/view.rs"),
    ]);
    for measure in [Measure::Files, Measure::Modules] {
        let e = judge_files(&cycle, measure, MAX_FLOORS).unwrap_err();
        let named =
            "import cycle between files: render/view.rs → render/followup.rs → render/view.rs";
        assert!(e.contains(named), "{e}");
    }
    // A chain of `n` files, each in a module of its own (`m0/x.rs` → `m1/x.rs` → …), or all
    // in one module.
    let chain = |n: usize, own_modules: bool| {
        let names: Vec<String> = (0..n)
            .map(|i| {
                if own_modules {
                    format!("m{i}/x.rs")
                } else {
                    format!("m/x{i}.rs")
                }
            })
            .collect();
        let edges: Vec<(&str, &str)> = names
            .windows(2)
            .map(|w| (w[0].as_str(), w[1].as_str()))
            .collect();
        graph(&edges)
    };
    let (floors, path) = judge_files(&chain(9, true), Measure::Modules, MAX_FLOORS).unwrap();
    assert_eq!((floors, path.len()), (9, 9));
    for n in [10, 11] {
        let e = judge_files(&chain(n, true), Measure::Modules, MAX_FLOORS).unwrap_err();
        assert!(
            e.contains(&format!("{n} floors high (at most 9): m0/x.rs → m1/x.rs")),
            "{e}"
        );
    }
    // Files of one module stand on one floor; counted by files, the chain is capped too.
    assert_eq!(
        judge_files(&chain(12, false), Measure::Modules, MAX_FLOORS)
            .unwrap()
            .0,
        1
    );
    let n = MAX_FILE_CHAIN + 1;
    let e = judge_files(&chain(n, false), Measure::Files, MAX_FILE_CHAIN).unwrap_err();
    assert!(e.contains(&format!("{n} floors high")), "{e}");
}

#[test]
fn paths_resolve_to_the_file_of_their_module() {
    let files: Vec<(String, String)> = [
        ("lib.rs", "pub use error::{Error, Result};"),
        ("error.rs", "macro_rules! usage { () => {} }"),
        ("a/mod.rs", "use crate::{b::{c::C, self}, Error};"),
        (
            "a/x.rs",
            "use super::y::Y; fn f() -> super::super::b::B { self::z::f() }",
        ),
        ("a/y.rs", "pub fn g() { crate::usage!(); }"),
        ("a/x/z.rs", ""),
        ("b/mod.rs", ""),
        ("b/c.rs", "use crate::Result;"),
        ("main.rs", "use vplan::a::x::X; use crate::cli::Cli;"),
        ("cli.rs", "use vplan::b::c;"),
    ]
    .iter()
    .map(|(r, c)| (r.to_string(), c.to_string()))
    .collect();
    let g = file_graph(&files);
    let deps = |f: &str| g[f].iter().map(String::as_str).collect::<Vec<_>>();
    assert_eq!(deps("a/mod.rs"), ["b/c.rs", "b/mod.rs", "error.rs"]);
    assert_eq!(deps("a/x.rs"), ["a/x/z.rs", "a/y.rs", "b/mod.rs"]);
    assert_eq!(deps("a/y.rs"), ["error.rs"]);
    assert_eq!(deps("b/c.rs"), ["error.rs"]);
    assert_eq!(deps("main.rs"), ["a/x.rs", "cli.rs"]);
    assert_eq!(deps("cli.rs"), ["b/c.rs"]);
}

/// The items of `code` that derive `Serialize`, each with its name and the text of its body
/// (the fields, or the variants with theirs).
fn serialized_items(code: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices("#[derive(") {
        let attr = &code[i..];
        let attr_end = attr.find(')').unwrap_or(attr.len());
        if !attr[..attr_end].contains("Serialize") {
            continue;
        }
        // The item: past its other attributes to `struct Name` or `enum Name`.
        let rest = &attr[attr_end..];
        let Some(kw) = ["struct ", "enum "]
            .iter()
            .filter_map(|k| rest.find(k).map(|at| at + k.len()))
            .min()
        else {
            continue;
        };
        let name: String = rest[kw..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let body_at = rest[kw..]
            .find(['{', '(', ';'])
            .map_or(rest.len(), |b| kw + b);
        let (open, close) = match rest[body_at..].chars().next() {
            Some('{') => ('{', '}'),
            Some('(') => ('(', ')'),
            _ => continue,
        };
        let mut depth = 0;
        let mut end = rest.len();
        for (k, ch) in rest[body_at..].char_indices() {
            if ch == open {
                depth += 1;
            } else if ch == close {
                depth -= 1;
                if depth == 0 {
                    end = body_at + k + 1;
                    break;
                }
            }
        }
        out.push((name, rest[body_at..end].to_string()));
    }
    out
}

/// The identifiers of an item's body that name types: every word but the field names (before
/// `:`) and the variant names (before `{`, `(`, or standing alone between `,`s at the top).
fn type_names(body: &str) -> Vec<String> {
    let chars: Vec<char> = body.chars().collect();
    let next_sign = |mut k: usize| {
        while chars.get(k).is_some_and(|c| c.is_whitespace()) {
            k += 1;
        }
        chars.get(k).copied()
    };
    let mut out = Vec::new();
    let mut depth = 0;
    let mut last_sign = ' ';
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let after = next_sign(i);
            let field = after == Some(':') && chars.get(i + 1) != Some(&':');
            let variant = matches!(after, Some('{' | '('))
                || (depth == 1
                    && matches!(last_sign, '{' | ',')
                    && matches!(after, Some(',' | '}')));
            if !field && !variant {
                out.push(word);
            }
            continue;
        }
        match c {
            '{' | '(' | '<' | '[' => depth += 1,
            '}' | ')' | '>' | ']' => depth -= 1,
            _ => {}
        }
        if !c.is_whitespace() {
            last_sign = c;
        }
        i += 1;
    }
    out
}

#[test]
fn templates_never_get_the_content_model() {
    // The content model's types: every struct and enum of `src/content/`.
    let files = sources();
    let mut model = BTreeSet::new();
    for f in files.iter().filter(|f| f.module == "content") {
        for kw in ["struct ", "enum "] {
            for (i, _) in f.code.match_indices(kw) {
                let before = f.code[..i].chars().last();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let name: String = f.code[i + kw.len()..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                model.insert(name);
            }
        }
    }
    assert!(
        model.contains("Goal") && model.contains("PlanMeta"),
        "{model:?}"
    );
    // What the templates are given: every serialised type of `render/` and of a file that
    // implements `TemplateContext` (the decision paper's view, the change report's).
    let contexts =
        |f: &&SourceFile| f.rel.starts_with("render/") || f.code.contains("TemplateContext");
    let mut wrong = Vec::new();
    let mut seen = 0;
    for f in files.iter().filter(contexts) {
        for (name, body) in serialized_items(&f.code) {
            seen += 1;
            let held: Vec<String> = type_names(&body)
                .into_iter()
                .filter(|w| model.contains(w))
                .collect();
            if !held.is_empty() || body.contains("content::") {
                wrong.push(format!("{}: {name} holds {held:?}", f.rel));
            }
        }
    }
    assert!(seen > 20, "only {seen} serialised view types found");
    // The rule sees a model type in a field, not a variant named like one.
    let enum_body = "{ Goal { goal: &'a Goal, }, Text { markdown: Cow<'a, str> }, Perspectives, }";
    let names = type_names(enum_body);
    assert_eq!(
        names.iter().filter(|n| *n == "Goal").count(),
        1,
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n == "Text" || n == "Perspectives"),
        "{names:?}"
    );
    assert!(type_names("{ plan: &'a PlanMeta, x: Vec<Goal> }").contains(&"PlanMeta".to_string()));
    assert!(
        wrong.is_empty(),
        "a view the templates get holds a type of the content model (make a view struct in \
         render/parts.rs and document it in docs/templates-reference.md):\n{}",
        wrong.join("\n")
    );
    // And only such views are rendered: `Renderer::render` takes a `TemplateContext`, which
    // the content does not implement.
    let content_impls = found_outside("TemplateContext", &["render/", "pipeline/", "diff/"]);
    assert!(content_impls.is_empty(), "{content_impls:?}");
}

#[test]
fn a_report_is_its_own_subject() {
    // A follow-up report's document is a `pipeline::Subject::Report`, chosen once where a
    // command decides what it builds or compares; the code that makes or compares documents
    // asks the subject by its kind. Nothing asks a plan whether it is a report in disguise: a
    // field marking a projection, or the plan's first (or only) report taken as the report.
    for probe in [
        "projection_of",
        "plan.reports.first()",
        "plan.reports.as_slice()",
    ] {
        let files = found_outside(probe, &[]);
        assert!(
            files.is_empty(),
            "`{probe}`: a plan asked whether it is a report, in {files:?}"
        );
    }
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
