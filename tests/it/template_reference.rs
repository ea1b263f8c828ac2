//! `docs/templates-reference.md` against the templates and the program: every field the
//! built-in templates use is listed there; every field listed is one the program gives (in the
//! serialised view of the default plan, the fixture plan and the fixture reports; in the view
//! struct's source for the decision paper and the change report); and every field the program
//! gives is listed.
//!
//! minijinja has no public syntax tree, so the templates are read by a small tokenizer that
//! knows the constructs they are written with: `{% for x in y %}`, `{% set x = y %}`,
//! `{% macro m(a, b) %}` (a parameter takes the types of the arguments of every call),
//! `{% import … as b %}`, `{% if %}`, filters, tests and attribute chains. A construct it does not
//! know fails the test, so that it is taught rather than skipped.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::{copy_dir, fixture, root};

// ---------------------------------------------------------------------------------------------
// The reference page: named types with their fields.

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Ty {
    Scalar,
    Named(String),
    List(Box<Ty>),
    Tuple(Vec<Ty>),
    Union(Vec<Ty>),
    Unknown,
}

fn union(types: impl IntoIterator<Item = Ty>) -> Ty {
    let mut all = BTreeSet::new();
    for t in types {
        match t {
            Ty::Union(ts) => all.extend(ts),
            Ty::Unknown => {}
            t => {
                all.insert(t);
            }
        }
    }
    match all.len() {
        0 => Ty::Unknown,
        1 => all.into_iter().next().unwrap(),
        _ => Ty::Union(all.into_iter().collect()),
    }
}

/// A type as the page writes it: `text`, `T?`, `[T]`, `(A, B)`, `A or B`, `Name`.
fn parse_type(text: &str) -> Ty {
    let t = text.trim().trim_end_matches('?');
    let top_level = |sep: &str| -> Vec<String> {
        let mut parts = vec![String::new()];
        let mut depth = 0;
        let mut rest = t;
        while let Some(c) = rest.chars().next() {
            if depth == 0 && rest.starts_with(sep) {
                parts.push(String::new());
                rest = &rest[sep.len()..];
                continue;
            }
            match c {
                '[' | '(' => depth += 1,
                ']' | ')' => depth -= 1,
                _ => {}
            }
            parts.last_mut().unwrap().push(c);
            rest = &rest[c.len_utf8()..];
        }
        parts
    };
    let alternatives = top_level(" or ");
    if alternatives.len() > 1 {
        return union(alternatives.iter().map(|a| parse_type(a)));
    }
    if let Some(inner) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        return Ty::List(Box::new(parse_type(inner)));
    }
    if let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        let mut parts = vec![String::new()];
        let mut depth = 0;
        for c in inner.chars() {
            match c {
                ',' if depth == 0 => {
                    parts.push(String::new());
                    continue;
                }
                '[' | '(' => depth += 1,
                ']' | ')' => depth -= 1,
                _ => {}
            }
            parts.last_mut().unwrap().push(c);
        }
        return Ty::Tuple(parts.iter().map(|p| parse_type(p)).collect());
    }
    match t {
        "text" | "number" | "bool" => Ty::Scalar,
        name if name.starts_with(char::is_uppercase) => Ty::Named(name.to_string()),
        other => panic!("docs/templates-reference.md: unknown type `{other}`"),
    }
}

/// The types of the page, each with its fields in order (name, type).
type Reference = BTreeMap<String, Vec<(String, Ty)>>;

fn reference() -> Reference {
    let text = std::fs::read_to_string(root().join("docs/templates-reference.md")).unwrap();
    let mut types: Reference = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("### ") {
            let name = h
                .split('`')
                .nth(1)
                .expect("a type's heading names it in backticks");
            assert!(
                types.insert(name.to_string(), Vec::new()).is_none(),
                "{name} twice"
            );
            current = Some(name.to_string());
        } else if line.starts_with("## ") {
            current = None;
        } else if let (Some(name), Some(row)) = (&current, line.strip_prefix("| `")) {
            let cells: Vec<&str> = row.trim_end().trim_end_matches('|').split(" | ").collect();
            assert!(cells.len() >= 2, "{name}: a row without a type: {line}");
            let field = cells[0].trim_end_matches('`');
            let ty = parse_type(cells[1].trim_matches('`'));
            types.get_mut(name).unwrap().push((field.to_string(), ty));
        }
    }
    // Every named type is described.
    fn names(t: &Ty, out: &mut Vec<String>) {
        match t {
            Ty::Named(n) => out.push(n.clone()),
            Ty::List(t) => names(t, out),
            Ty::Tuple(ts) | Ty::Union(ts) => ts.iter().for_each(|t| names(t, out)),
            Ty::Scalar | Ty::Unknown => {}
        }
    }
    for (name, fields) in &types {
        assert!(!fields.is_empty(), "{name} lists no field");
        for (field, ty) in fields {
            let mut used = Vec::new();
            names(ty, &mut used);
            for u in used {
                assert!(
                    types.contains_key(&u),
                    "{name}.{field}: {u} is not described"
                );
            }
        }
    }
    types
}

fn field<'r>(r: &'r Reference, ty: &str, name: &str) -> Option<&'r Ty> {
    r.get(ty)?.iter().find(|(f, _)| f == name).map(|(_, t)| t)
}

// ---------------------------------------------------------------------------------------------
// The templates: tokens, scopes, and the fields they read.

/// The templates of each context and the type of its variables.
const CONTEXTS: &[(&[&str], &str)] = &[
    (&["plan.typ.j2", "blocks.typ.j2"], "DocView"),
    (&["tjansteskrivelse.typ.j2"], "PaperView"),
    (&["diff.typ.j2"], "DiffView"),
];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num,
    Punct(String),
}

fn tokens(text: &str) -> Vec<Tok> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_alphabetic() || c == '_' {
            let s = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
            {
                i += 1;
            }
            out.push(Tok::Ident(chars[s..i].iter().collect()));
        } else if c.is_ascii_digit() {
            while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
            out.push(Tok::Num);
        } else if c == '"' || c == '\'' {
            let s = i + 1;
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            out.push(Tok::Str(chars[s..i.min(chars.len())].iter().collect()));
            i += 1;
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if ["==", "!=", "<=", ">="].contains(&two.as_str()) {
                out.push(Tok::Punct(two));
                i += 2;
            } else {
                out.push(Tok::Punct(c.to_string()));
                i += 1;
            }
        }
    }
    out
}

/// The tags of a template: (`{{` or `{%`, its inside), comments left out.
fn tags(text: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('{') {
        let after = &rest[at + 1..];
        let close = match after.chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            Some('#') => "#}",
            _ => {
                rest = after;
                continue;
            }
        };
        let end = after.find(close).expect("an unclosed tag");
        let inner = after[1..end].trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace());
        if close != "#}" {
            out.push((close == "%}", inner.to_string()));
        }
        rest = &after[end + 2..];
    }
    out
}

const KEYWORDS: &[&str] = &[
    "if", "else", "and", "or", "not", "in", "is", "none", "true", "false",
];

/// A walk over the templates of one context.
struct Reader<'r> {
    reference: &'r Reference,
    root: &'static str,
    /// The macros of the context, with their parameters.
    macros: BTreeMap<String, Vec<String>>,
    /// What each macro parameter was called with, in the walk before.
    params: BTreeMap<(String, usize), Ty>,
    /// What it is called with in this walk.
    calls: BTreeMap<(String, usize), Ty>,
    /// Import aliases (`b` of `import "blocks.typ.j2" as b`).
    aliases: BTreeSet<String>,
    scopes: Vec<BTreeMap<String, Ty>>,
    /// Field paths the templates read: `Type.field`.
    used: BTreeSet<String>,
    /// Fields read that the reference does not list, with where.
    missing: BTreeSet<String>,
    template: String,
}

impl Reader<'_> {
    fn lookup(&mut self, name: &str) -> Ty {
        if let Some(t) = self.scopes.iter().rev().find_map(|s| s.get(name)) {
            return t.clone();
        }
        self.access(&Ty::Named(self.root.to_string()), name)
    }

    /// `ty.name`: recorded as used, or as missing.
    fn access(&mut self, ty: &Ty, name: &str) -> Ty {
        let members: Vec<Ty> = match ty {
            Ty::Union(ts) => ts.clone(),
            t => vec![t.clone()],
        };
        let mut found = Vec::new();
        for m in &members {
            if let Ty::Named(n) = m {
                if let Some(t) = field(self.reference, n, name) {
                    self.used.insert(format!("{n}.{name}"));
                    found.push(t.clone());
                }
            }
        }
        if found.is_empty() {
            self.missing
                .insert(format!("{ty:?}.{name} (in {})", self.template));
            return Ty::Unknown;
        }
        union(found)
    }

    /// An expression up to one of `stop` at its own depth; its type when it is one chain
    /// (possibly `chain if … else …`), else a scalar.
    fn expr(&mut self, toks: &[Tok], i: &mut usize, stop: &[&str]) -> Ty {
        let start = *i;
        let mut first: Option<(Ty, usize)> = None;
        while *i < toks.len() {
            match &toks[*i] {
                Tok::Punct(p) if stop.contains(&p.as_str()) => break,
                Tok::Ident(name) if !KEYWORDS.contains(&name.as_str()) => {
                    let at = *i;
                    let t = self.primary(toks, i);
                    if at == start {
                        first = Some((t, *i));
                    }
                }
                Tok::Ident(kw) if kw == "is" => {
                    *i += 1;
                    if toks.get(*i) == Some(&Tok::Ident("not".into())) {
                        *i += 1;
                    }
                    *i += 1; // the test's name
                }
                Tok::Punct(p) if p == "|" => {
                    *i += 1;
                    let filter = match toks.get(*i) {
                        Some(Tok::Ident(f)) => f.clone(),
                        other => panic!("a filter name expected, got {other:?}"),
                    };
                    *i += 1;
                    if toks.get(*i) == Some(&Tok::Punct("(".into())) {
                        let lhs = first.as_ref().map(|(t, _)| t.clone());
                        self.filter_args(toks, i, &filter, lhs);
                    }
                }
                Tok::Punct(p) if p == "(" || p == "[" => {
                    let close = if p == "(" { ")" } else { "]" };
                    *i += 1;
                    while *i < toks.len() && toks[*i] != Tok::Punct(close.into()) {
                        self.expr(toks, i, &[",", close]);
                        if toks.get(*i) == Some(&Tok::Punct(",".into())) {
                            *i += 1;
                        }
                    }
                    *i += 1;
                }
                _ => *i += 1,
            }
        }
        match first {
            Some((t, end)) if end == *i || toks.get(end) == Some(&Tok::Ident("if".into())) => t,
            _ => Ty::Scalar,
        }
    }

    /// The arguments of a filter; `map(attribute="x")` reads `x` of the list's items.
    fn filter_args(&mut self, toks: &[Tok], i: &mut usize, filter: &str, lhs: Option<Ty>) {
        *i += 1;
        while *i < toks.len() && toks[*i] != Tok::Punct(")".into()) {
            if let (Some(Tok::Ident(k)), Some(Tok::Punct(eq)), Some(Tok::Str(v))) =
                (toks.get(*i), toks.get(*i + 1), toks.get(*i + 2))
            {
                if eq == "=" {
                    if filter == "map" && k == "attribute" {
                        if let Some(Ty::List(item)) = &lhs {
                            self.access(item, v);
                        } else {
                            self.missing.insert(format!("map over {lhs:?}"));
                        }
                    }
                    *i += 3;
                    continue;
                }
            }
            self.expr(toks, i, &[",", ")"]);
            if toks.get(*i) == Some(&Tok::Punct(",".into())) {
                *i += 1;
            }
        }
        *i += 1;
    }

    /// A variable with its attributes and indexes, or a call.
    fn primary(&mut self, toks: &[Tok], i: &mut usize) -> Ty {
        let Tok::Ident(name) = &toks[*i] else {
            unreachable!()
        };
        let name = name.clone();
        *i += 1;
        let is = |i: usize, p: &str| toks.get(i) == Some(&Tok::Punct(p.into()));
        if name == "loop" {
            while is(*i, ".") {
                *i += 2;
            }
            return Ty::Scalar;
        }
        let in_scope = self.scopes.iter().any(|s| s.contains_key(&name));
        if !in_scope && self.aliases.contains(&name) && is(*i, ".") {
            // `b.blocks(…)`: a macro of an imported template.
            let Some(Tok::Ident(m)) = toks.get(*i + 1) else {
                panic!("a macro name expected after {name}.")
            };
            let m = m.clone();
            *i += 2;
            self.call(toks, i, &m);
            return Ty::Scalar;
        }
        if !in_scope && is(*i, "(") {
            self.call(toks, i, &name);
            return Ty::Scalar;
        }
        let mut ty = self.lookup(&name);
        loop {
            if is(*i, ".") {
                let Some(Tok::Ident(f)) = toks.get(*i + 1) else {
                    panic!("an attribute expected after `.`")
                };
                let f = f.clone();
                *i += 2;
                ty = self.access(&ty, &f);
            } else if is(*i, "[") {
                *i += 1;
                let literal = matches!(toks.get(*i), Some(Tok::Num)) && is(*i + 1, "]");
                let slice = toks[*i..]
                    .iter()
                    .take_while(|t| **t != Tok::Punct("]".into()))
                    .any(|t| *t == Tok::Punct(":".into()));
                let index = self.expr(toks, i, &["]", ":"]);
                let _ = index;
                while *i < toks.len() && !is(*i, "]") {
                    *i += 1;
                }
                *i += 1;
                ty = match (&ty, slice) {
                    (_, true) => ty,
                    (Ty::List(item), false) => (**item).clone(),
                    (Ty::Tuple(items), false) if literal => {
                        let Some(Tok::Num) = toks.get(*i - 2) else {
                            unreachable!()
                        };
                        // Pairs are read as x[0] and x[1]; both are scalars on this page.
                        union(items.iter().cloned())
                    }
                    (other, false) => {
                        self.missing
                            .insert(format!("an index of {other:?} (in {})", self.template));
                        Ty::Unknown
                    }
                };
            } else {
                return ty;
            }
        }
    }

    /// A call: a macro's arguments are recorded as its parameters' types.
    fn call(&mut self, toks: &[Tok], i: &mut usize, name: &str) {
        assert_eq!(toks.get(*i), Some(&Tok::Punct("(".into())), "{name}(");
        *i += 1;
        let mut k = 0;
        while *i < toks.len() && toks[*i] != Tok::Punct(")".into()) {
            let t = self.expr(toks, i, &[",", ")"]);
            if self.macros.contains_key(name) {
                let slot = self
                    .calls
                    .entry((name.to_string(), k))
                    .or_insert(Ty::Unknown);
                *slot = union([slot.clone(), t]);
            }
            k += 1;
            if toks.get(*i) == Some(&Tok::Punct(",".into())) {
                *i += 1;
            }
        }
        *i += 1;
    }

    /// `for x in list [if condition]`: `x` is an item of the list; the condition sees it.
    fn for_loop(&mut self, toks: &[Tok]) {
        let Some(Tok::Ident(var)) = toks.get(1) else {
            panic!("for what?")
        };
        assert_eq!(toks.get(2), Some(&Tok::Ident("in".into())), "for {var} in");
        let cond = toks
            .iter()
            .position(|t| *t == Tok::Ident("if".into()))
            .unwrap_or(toks.len());
        let mut i = 3;
        let over = self.expr(&toks[..cond], &mut i, &[]);
        let lists = match &over {
            Ty::Union(ts) => ts.clone(),
            t => vec![t.clone()],
        };
        let mut item = Vec::new();
        for t in lists {
            match t {
                Ty::List(t) => item.push(*t),
                Ty::Scalar => item.push(Ty::Scalar), // range(…)
                other => {
                    self.missing
                        .insert(format!("for over {other:?} (in {})", self.template));
                }
            }
        }
        self.scopes
            .push(BTreeMap::from([(var.clone(), union(item))]));
        if cond < toks.len() {
            let mut k = cond + 1;
            self.expr(toks, &mut k, &[]);
        }
    }

    /// `macro name(a, b=…)`: the parameters take what the macro was called with.
    fn macro_body(&mut self, toks: &[Tok]) {
        let Some(Tok::Ident(name)) = toks.get(1) else {
            panic!("macro what?")
        };
        let params = self.macros[name].clone();
        let scope = params
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let t = self
                    .params
                    .get(&(name.clone(), k))
                    .cloned()
                    .unwrap_or(Ty::Unknown);
                (p.clone(), t)
            })
            .collect();
        self.scopes.push(scope);
        // Default values.
        let mut i = 2;
        self.expr(toks, &mut i, &[]);
    }

    fn statement(&mut self, toks: &[Tok]) {
        let Some(Tok::Ident(kw)) = toks.first() else {
            panic!("a statement expected: {toks:?}")
        };
        let mut i = 1;
        match kw.as_str() {
            "for" => self.for_loop(toks),
            "endfor" | "endmacro" => {
                self.scopes.pop();
            }
            "macro" => self.macro_body(toks),
            "set" => {
                let Some(Tok::Ident(var)) = toks.get(1) else {
                    panic!("set what?")
                };
                assert_eq!(toks.get(2), Some(&Tok::Punct("=".into())), "set {var} =");
                i = 3;
                let t = self.expr(toks, &mut i, &[]);
                self.scopes.last_mut().unwrap().insert(var.clone(), t);
            }
            "if" | "elif" => {
                self.expr(toks, &mut i, &[]);
            }
            "else" | "endif" => {}
            "import" => {
                let Some(Tok::Ident(alias)) = toks.last() else {
                    panic!("import as what?")
                };
                self.aliases.insert(alias.clone());
            }
            other => panic!("the reader does not know `{{% {other} %}}`: teach it"),
        }
    }

    fn read(&mut self, name: &str, text: &str) {
        self.template = name.to_string();
        self.scopes = vec![BTreeMap::new()];
        for (statement, inside) in tags(text) {
            let toks = tokens(&inside);
            if statement {
                self.statement(&toks);
            } else {
                let mut i = 0;
                self.expr(&toks, &mut i, &[]);
            }
        }
    }
}

/// The macros of some templates with their parameters.
fn macros_of(texts: &[(String, String)]) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for (_, text) in texts {
        for (statement, inside) in tags(text) {
            let toks = tokens(&inside);
            if !statement || toks.first() != Some(&Tok::Ident("macro".into())) {
                continue;
            }
            let Some(Tok::Ident(name)) = toks.get(1) else {
                continue;
            };
            let mut params = Vec::new();
            let mut depth = 0;
            for (k, t) in toks.iter().enumerate().skip(2) {
                match t {
                    Tok::Punct(p) if p == "(" => depth += 1,
                    Tok::Punct(p) if p == ")" => depth -= 1,
                    Tok::Ident(p) if depth == 1 => {
                        let before = &toks[k - 1];
                        if *before == Tok::Punct("(".into()) || *before == Tok::Punct(",".into()) {
                            params.push(p.clone());
                        }
                    }
                    _ => {}
                }
            }
            out.insert(name.clone(), params);
        }
    }
    out
}

/// The field paths (`Type.field`) the built-in templates read, and those the reference does
/// not list.
fn used_by_templates(reference: &Reference) -> (BTreeSet<String>, BTreeSet<String>) {
    let dir = root().join("templates");
    let mut all = BTreeSet::new();
    let mut missing = BTreeSet::new();
    let mut covered = BTreeSet::new();
    for (names, root_type) in CONTEXTS {
        let texts: Vec<(String, String)> = names
            .iter()
            .map(|n| (n.to_string(), std::fs::read_to_string(dir.join(n)).unwrap()))
            .collect();
        covered.extend(names.iter().map(|n| n.to_string()));
        let mut params = BTreeMap::new();
        // Until what the macros are called with settles.
        for _ in 0..10 {
            let mut reader = Reader {
                reference,
                root: root_type,
                macros: macros_of(&texts),
                params: params.clone(),
                calls: BTreeMap::new(),
                aliases: BTreeSet::new(),
                scopes: Vec::new(),
                used: BTreeSet::new(),
                missing: BTreeSet::new(),
                template: String::new(),
            };
            for (name, text) in &texts {
                reader.read(name, text);
            }
            let settled = reader.calls == params;
            params = reader.calls;
            if settled {
                all.extend(reader.used);
                missing.extend(reader.missing);
                break;
            }
        }
    }
    // Every built-in template belongs to a context.
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".j2"))
        .collect();
    assert_eq!(on_disk, covered, "a template in no context of CONTEXTS");
    (all, missing)
}

#[test]
fn every_field_the_templates_use_is_in_the_reference() {
    let reference = reference();
    let (used, missing) = used_by_templates(&reference);
    assert!(
        missing.is_empty(),
        "the built-in templates read fields docs/templates-reference.md does not list:\n{}",
        missing.into_iter().collect::<Vec<_>>().join("\n")
    );
    eprintln!(
        "the templates read {} of the reference's {} fields",
        used.len(),
        reference.values().map(Vec::len).sum::<usize>()
    );
    // The reader sees what it must: a field deep in the blocks' macros, a macro's parameter,
    // a loop over a loop, the decision paper's and the change report's.
    for path in [
        "DocView.chapters",
        "BlockView.kind",
        "TableView.widest",
        "Bar.segments",
        "OrgNodeView.staff",
        "IcRiskView.measures",
        "ItemView.text",
        "AssessmentView.word",
        "ControlResultView.span",
        "DecisionView.beslutsinstans",
        "PaperOrigins.forslag_till_beslut",
        "SignatoryView.namn",
        "DiffRowView.cells",
        "DiffChangeView.moved_from",
    ] {
        assert!(
            used.contains(path),
            "{path} not seen in the templates: {used:?}"
        );
    }
}

#[test]
fn the_reader_fails_on_a_field_the_reference_does_not_list() {
    let reference = reference();
    let texts = vec![(
        "blocks.typ.j2".to_string(),
        "{% macro goal(g) %}{{ g.text }}{{ g.txet }}{% endmacro %}\
         {% for ch in chapters %}{% for bl in ch.blocks %}{{ goal(bl.goal) }}{% endfor %}{% endfor %}"
            .to_string(),
    )];
    let mut params = BTreeMap::new();
    let mut missing = BTreeSet::new();
    for _ in 0..3 {
        let mut reader = Reader {
            reference: &reference,
            root: "DocView",
            macros: macros_of(&texts),
            params: params.clone(),
            calls: BTreeMap::new(),
            aliases: BTreeSet::new(),
            scopes: Vec::new(),
            used: BTreeSet::new(),
            missing: BTreeSet::new(),
            template: String::new(),
        };
        reader.read("blocks.typ.j2", &texts[0].1);
        params = reader.calls;
        missing = reader.missing;
    }
    assert_eq!(
        missing.into_iter().collect::<Vec<_>>(),
        ["Named(\"GoalView\").txet (in blocks.typ.j2)"]
    );
}

// ---------------------------------------------------------------------------------------------
// The program: the serialised views, and the view structs' source.

/// Walks a serialised view along the reference's type: every key must be listed (else
/// `unlisted`), and every listed field met is marked `seen`.
fn walk(
    r: &Reference,
    value: &serde_json::Value,
    ty: &Ty,
    at: &str,
    seen: &mut BTreeSet<String>,
    unlisted: &mut BTreeSet<String>,
) {
    use serde_json::Value;
    match (ty, value) {
        (_, Value::Null) | (Ty::Scalar, _) => {}
        (Ty::Named(name), Value::Object(map)) => {
            for (key, v) in map {
                match field(r, name, key) {
                    Some(t) => {
                        seen.insert(format!("{name}.{key}"));
                        walk(r, v, t, &format!("{at}.{key}"), seen, unlisted);
                    }
                    None => {
                        unlisted.insert(format!("{name}.{key} (at {at})"));
                    }
                }
            }
        }
        (Ty::List(item), Value::Array(items)) => {
            for (k, v) in items.iter().enumerate() {
                walk(r, v, item, &format!("{at}[{k}]"), seen, unlisted);
            }
        }
        (Ty::Tuple(types), Value::Array(items)) if types.len() == items.len() => {
            for (t, v) in types.iter().zip(items) {
                walk(r, v, t, at, seen, unlisted);
            }
        }
        (Ty::Union(members), Value::Object(map)) => {
            // The member that lists every key, the closest first.
            let best = members
                .iter()
                .filter_map(|m| match m {
                    Ty::Named(n) => Some(n),
                    _ => None,
                })
                .filter(|n| map.keys().all(|k| field(r, n, k).is_some()))
                .min_by_key(|n| r[*n].len());
            match best {
                Some(n) => walk(r, value, &Ty::Named(n.clone()), at, seen, unlisted),
                None => {
                    unlisted.insert(format!(
                        "{at}: none of {members:?} lists all of {:?}",
                        map.keys()
                    ));
                }
            }
        }
        (ty, v) => {
            unlisted.insert(format!("{at}: {ty:?} is not {v}"));
        }
    }
}

/// The serialised views of the default plan (whole, and one appendix on its own), the fixture
/// plan and every fixture report.
fn views() -> Vec<(String, serde_json::Value)> {
    use vplan::pipeline;
    use vplan::render::view::{build_scoped, Scope};
    let dir = tempfile::tempdir().unwrap();
    let fk = dir.path().join("content");
    copy_dir(&fixture("fjallkommun_2031"), &fk);
    copy_dir(&fixture("fjallkommun_2031_reports"), &fk);
    // With a logo and a budget frame, which neither plan has.
    let plan = std::fs::read_to_string(fk.join("plan.yaml")).unwrap();
    assert!(plan.contains("\nkeywords:"), "{plan}");
    let extra = "\nlogo: {file: logo.svg, alt: Logotyp}\n\
                 budget_frame: {amount: 20016, cell: driftbudget/summa/b2031}\nkeywords:";
    std::fs::write(fk.join("plan.yaml"), plan.replacen("\nkeywords:", extra, 1)).unwrap();
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>"#;
    std::fs::write(fk.join("logo.svg"), svg).unwrap();
    let mut out = Vec::new();
    for content in [root().join("content"), fk] {
        let options = pipeline::LoadOptions {
            every_report: true,
            ..Default::default()
        };
        let checked = pipeline::load(&content, &options, &vplan::progress::Silent).unwrap();
        let view = build_scoped(&checked.plan, &checked.computed, None, Scope::Whole);
        out.push((
            content.display().to_string(),
            serde_json::to_value(&view).unwrap(),
        ));
        if let Some(a) = checked.plan.appendices.first() {
            let view = build_scoped(
                &checked.plan,
                &checked.computed,
                None,
                Scope::Appendix(&a.value.id),
            );
            out.push((a.value.id.clone(), serde_json::to_value(&view).unwrap()));
        }
        for r in &checked.reports {
            let p = &r.projection;
            let view = vplan::render::followup::view(&p.plan, &p.figures, &r.source);
            out.push((r.id.clone(), serde_json::to_value(&view).unwrap()));
        }
    }
    assert!(
        out.len() >= 5,
        "{:?}",
        out.iter().map(|v| &v.0).collect::<Vec<_>>()
    );
    out
}

/// The named types reached from `from`.
fn reached(r: &Reference, from: &str) -> BTreeSet<String> {
    fn go(r: &Reference, t: &Ty, out: &mut BTreeSet<String>) {
        match t {
            Ty::Named(n) => {
                if out.insert(n.clone()) {
                    for (_, t) in &r[n] {
                        go(r, t, out);
                    }
                }
            }
            Ty::List(t) => go(r, t, out),
            Ty::Tuple(ts) | Ty::Union(ts) => ts.iter().for_each(|t| go(r, t, out)),
            Ty::Scalar | Ty::Unknown => {}
        }
    }
    let mut out = BTreeSet::new();
    go(r, &Ty::Named(from.to_string()), &mut out);
    out
}

#[test]
fn the_reference_lists_exactly_what_the_plan_and_report_views_give() {
    let reference = reference();
    let mut seen = BTreeSet::new();
    let mut unlisted = BTreeSet::new();
    for (name, value) in views() {
        walk(
            &reference,
            &value,
            &Ty::Named("DocView".into()),
            &name,
            &mut seen,
            &mut unlisted,
        );
    }
    assert!(
        unlisted.is_empty(),
        "the view gives fields docs/templates-reference.md does not list:\n{}",
        unlisted.into_iter().collect::<Vec<_>>().join("\n")
    );
    let listed: BTreeSet<String> = reached(&reference, "DocView")
        .into_iter()
        .flat_map(|t| {
            reference[&t]
                .iter()
                .map(move |(f, _)| format!("{t}.{f}"))
                .collect::<Vec<_>>()
        })
        .collect();
    let never: Vec<&String> = listed.difference(&seen).collect();
    assert!(
        never.is_empty(),
        "docs/templates-reference.md lists fields no view of the default plan, the fixture plan \
         or its reports has: {never:?}"
    );
}

/// The fields of `struct name` in `code` (comments and strings already gone).
fn struct_fields(code: &str, name: &str) -> Option<BTreeSet<String>> {
    let at = code.find(&format!("struct {name}"))?;
    let rest = &code[at..];
    let open = rest.find('{')?;
    let mut depth = 0;
    let mut fields = BTreeSet::new();
    let mut word = String::new();
    let chars: Vec<char> = rest[open..].chars().collect();
    for (k, &c) in chars.iter().enumerate() {
        match c {
            '{' | '<' | '(' | '[' => depth += 1,
            '}' | '>' | ')' | ']' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            break;
        }
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        let colon = c == ':' && chars.get(k + 1) != Some(&':') && chars[k - 1] != ':';
        if colon && depth == 1 && !word.is_empty() {
            fields.insert(word.clone());
        }
        word.clear();
    }
    Some(fields)
}

#[test]
fn the_reference_lists_exactly_the_fields_of_the_paper_and_change_report_views() {
    let reference = reference();
    let read = |rel: &str| std::fs::read_to_string(root().join("src").join(rel)).unwrap();
    // Only comments matter here: a field's doc comment holds no `name:` at depth one of a
    // struct, but strip `//` lines to be sure.
    let code = |rel: &str| {
        read(rel)
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let sources: Vec<String> = walkdir::WalkDir::new(root().join("src"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            let rel = p.strip_prefix(root().join("src")).unwrap();
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect();
    let mut checked = 0;
    for root_type in ["PaperView", "DiffView"] {
        for t in reached(&reference, root_type) {
            let listed: BTreeSet<String> = reference[&t].iter().map(|(f, _)| f.clone()).collect();
            if t == "PaperOrigins" {
                // A map made from a list of names: each name is there.
                let text = sources
                    .iter()
                    .map(|f| read(f))
                    .find(|t| t.contains("struct PaperView"))
                    .expect("the decision paper's view");
                for f in &listed {
                    assert!(text.contains(&format!("\"{f}\"")), "PaperOrigins.{f}");
                }
                continue;
            }
            // The change report's types are `diff/pdf.rs`'s (`DiffRowView` is its `RowView`);
            // every other is the one struct of that name in `src/`.
            let (files, rust) = match t.strip_prefix("Diff") {
                Some(rest) => (vec!["diff/pdf.rs".to_string()], rest.to_string()),
                None => (sources.clone(), t.clone()),
            };
            let found: Vec<(String, BTreeSet<String>)> = files
                .iter()
                .filter_map(|file| {
                    let text = code(file);
                    let fields = struct_fields(&text, &format!("{rust}<"))
                        .or_else(|| struct_fields(&text, &format!("{rust} ")))?;
                    Some((file.clone(), fields))
                })
                .collect();
            let [(file, fields)] = &found[..] else {
                panic!("{t}: not one struct {rust} in src/: {found:?}")
            };
            assert_eq!(
                &listed, fields,
                "{t} (src/{file}: {rust}) and the reference differ"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked}");
}
