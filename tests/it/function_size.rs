//! Functions a reader can hold: every `fn` in `src/` (free functions, methods, trait default
//! methods and functions nested in other functions; items under `#[cfg(test)]` are not
//! measured) has at most [`MAX_LINES`] lines and at most [`MAX_DEPTH`] levels of nesting,
//! unless a comment directly above it (above its attributes, or in its doc) says why, starting
//! `// Long:` (or `/// Long:` in the doc), e.g. `// Long: one arm per diagnostic code, a table
//! read top to bottom`.
//!
//! **Lines** are the lines strictly between the line of the body's opening `{` and the line of
//! its closing `}` that hold code: blank lines and lines holding only comments do not count; a
//! line inside a multi-line string literal counts. A nested function's lines count in the
//! function around it too.
//!
//! **Depth** is the deepest nesting of blocks in the body. The body itself is level 0; each
//! `{`-block inside it adds one: the braces of `if`, `else`, `match`, `loop`, `while`, `for`, a
//! match arm's block, a closure's block body, `unsafe`/`async` blocks, a bare or labelled block,
//! a `let … else` block and a nested function's body. Braces that are not blocks add nothing:
//! struct literals and struct patterns (`Foo { a }`), `use` groups, macro bodies written with
//! braces (`m! { … }`), and the bodies of items declared inside a function (`struct`, `enum`,
//! `impl`, `trait`; a method inside such an `impl` is a nested function). So
//! `match x { A => { if y { … } } }` reaches level 3 inside the `if`.
//!
//! The source is read by a lexer (comments, string, raw string, byte string and char literals,
//! lifetimes and labels), not by `syn`: `syn` gives line numbers only with proc-macro2's
//! `span-locations` feature, which the build's proc-macros do not enable, so proc-macro2, quote
//! and syn (`full`) would compile a second time for this test alone (measured: about 58 s of
//! one core under load). A block is told from a struct literal as the compiler does: the first
//! `{` after the condition of `if`/`while`/`match` (after the pattern of `if let`/`while let`
//! and `for`) is the block; elsewhere a `{` after a name or a path is a literal, a `{` after an
//! operator, `=>`, `=`, `,`, `;`, a closure's `|…|` or an opening bracket is a block.
//!
//! `cargo test --test it function_size -- --nocapture` prints the ten longest and the ten
//! deepest functions.

use crate::common::root;

/// The longest body a reader holds at once, in lines of code.
const MAX_LINES: usize = 80;
/// The deepest nesting of blocks a reader follows.
const MAX_DEPTH: usize = 5;

/// One measured function.
#[derive(Debug, Clone)]
struct Func {
    /// Path below `src/`.
    file: String,
    /// The name, qualified by the type of its `impl`/`trait` and the functions around it:
    /// `Report::tables`, `outer::inner`.
    name: String,
    /// The line of its `fn` keyword (1-based).
    line: usize,
    /// Lines of code in the body (see the module doc).
    lines: usize,
    /// Deepest nesting of blocks in the body (see the module doc).
    depth: usize,
    /// A `// Long:` reason stands above it.
    reason: bool,
    /// It has a body (a trait's `fn f(&self);` has none).
    body: bool,
}

impl Func {
    /// Over the length or the depth a reader holds.
    fn over(&self) -> bool {
        self.lines > MAX_LINES || self.depth > MAX_DEPTH
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Ident,
    Punct,
    Literal,
    Lifetime,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    text: String,
    /// First and last line (1-based) the token spans.
    line: usize,
    end_line: usize,
}

/// Punctuation read as one token, longest first.
const PUNCTS: &[&str] = &[
    "..=", "...", "<<=", ">>=", "=>", "->", "::", "||", "&&", "==", "!=", "<=", ">=", "..", "+=",
    "-=", "*=", "/=", "%=", "^=", "&=", "|=", "<<", ">>",
];

/// The tokens of a Rust source, without comments.
fn lex(text: &str) -> Vec<Token> {
    let b: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let start = i;
        let start_line = line;
        let kind;
        if c == '\n' {
            line += 1;
            i += 1;
            continue;
        } else if c.is_whitespace() {
            i += 1;
            continue;
        } else if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
            continue;
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
                    if b[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
            continue;
        } else if let Some(hashes) = raw_string_at(&b, i) {
            // A raw string: ends at `"` followed by as many `#` as it opened with.
            i += b[i..].iter().position(|&q| q == '"').unwrap() + 1;
            while i < b.len() {
                if b[i] == '"' && b[i + 1..].iter().take_while(|&&h| h == '#').count() >= hashes {
                    i += 1 + hashes;
                    break;
                }
                if b[i] == '\n' {
                    line += 1;
                }
                i += 1;
            }
            kind = Kind::Literal;
        } else if c == '"' || ((c == 'b' || c == 'c') && next == Some('"')) {
            i += if c == '"' { 1 } else { 2 };
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                if b.get(i) == Some(&'\n') {
                    line += 1;
                }
                i += 1;
            }
            i += 1;
            kind = Kind::Literal;
        } else if c == '\'' || (c == 'b' && next == Some('\'')) {
            // A char literal ('x', '\n', '\u{..}', b'x'), or a lifetime or label ('a).
            let q = if c == '\'' { i } else { i + 1 };
            let is_char = b.get(q + 1) == Some(&'\\') || b.get(q + 2) == Some(&'\'');
            if is_char {
                i = q + 1;
                while i < b.len() && b[i] != '\'' {
                    if b[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                kind = Kind::Literal;
            } else {
                i = q + 1;
                while i < b.len() && ident(b[i]) {
                    i += 1;
                }
                kind = Kind::Lifetime;
            }
        } else if c.is_ascii_digit() {
            while i < b.len()
                && (ident(b[i])
                    || (b[i] == '.' && b.get(i + 1).is_some_and(|d| d.is_ascii_digit())))
            {
                i += 1;
            }
            kind = Kind::Literal;
        } else if ident(c) {
            while i < b.len() && ident(b[i]) {
                i += 1;
            }
            kind = Kind::Ident;
        } else {
            let rest: String = b[i..(i + 3).min(b.len())].iter().collect();
            let len = PUNCTS
                .iter()
                .find(|p| rest.starts_with(**p))
                .map_or(1, |p| p.len());
            i += len;
            kind = Kind::Punct;
        }
        tokens.push(Token {
            kind,
            text: b[start..i.min(b.len())].iter().collect(),
            line: start_line,
            end_line: line,
        });
    }
    tokens
}

/// The number of `#` of a raw string (`r"…"`, `r#"…"#`, `br"…"`, `cr"…"`) starting at `i`.
fn raw_string_at(b: &[char], i: usize) -> Option<usize> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    if i > 0 && ident(b[i - 1]) {
        return None;
    }
    let start = match (b[i], b.get(i + 1)) {
        ('r', _) => i + 1,
        ('b' | 'c', Some('r')) => i + 2,
        _ => return None,
    };
    let hashes = b[start..].iter().take_while(|&&h| h == '#').count();
    (b.get(start + hashes) == Some(&'"')).then_some(hashes)
}

/// The tokens without each item that `#[cfg(test)]` (or `#[cfg(all(test, …))]`) marks: the
/// item runs to its closing brace, or to its `;`.
fn without_test_items(tokens: Vec<Token>) -> Vec<Token> {
    let text = |k: usize| tokens.get(k).map_or("", |t: &Token| t.text.as_str());
    let mut out = Vec::with_capacity(tokens.len());
    let mut k = 0;
    while k < tokens.len() {
        let test_attr = text(k) == "#"
            && text(k + 1) == "["
            && text(k + 2) == "cfg"
            && text(k + 3) == "("
            && (text(k + 4) == "test" || (text(k + 4) == "all" && text(k + 6) == "test"));
        if !test_attr {
            out.push(tokens[k].clone());
            k += 1;
            continue;
        }
        // Past the attribute's `]`, then past the item.
        while text(k) != "]" {
            k += 1;
        }
        k += 1;
        let mut depth = 0usize;
        while k < tokens.len() {
            match text(k) {
                "{" => depth += 1,
                "}" => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                ";" if depth == 0 => break,
                _ => {}
            }
            k += 1;
        }
        k += 1;
    }
    out
}

/// What the next `{` of a bracket level opens, as far as the tokens before it say.
#[derive(Debug, Clone, PartialEq)]
enum Next {
    /// Nothing known: the token before the `{` decides.
    Unknown,
    /// A block (after `if`, `while`, `match`, `loop`, `else`, `unsafe`, `async`).
    Block,
    /// A pattern until this token (`=` of `if let`, `in` of `for`), then a block.
    PatternUntil(&'static str),
    /// The body of the function with this index.
    Body(usize),
    /// The body of an item (`impl`, `trait`, `mod`, `struct`, `enum`), named so.
    Item(Option<String>),
}

struct Frame {
    /// `{`, `(` or `[`.
    open: String,
    /// A block: counts one level.
    block: bool,
    /// What this frame's next `{` opens.
    next: Next,
    /// The function whose body this is.
    body_of: Option<usize>,
    /// The name this frame gives the functions inside it (a type, a module, a function).
    owner: Option<String>,
}

/// Tokens after which a `{` opens a block, not a struct literal.
fn block_follows(prev: Option<&Token>) -> bool {
    let Some(prev) = prev else { return true };
    match prev.kind {
        Kind::Literal => false,
        Kind::Lifetime => false,
        Kind::Ident => matches!(
            prev.text.as_str(),
            "else" | "loop" | "unsafe" | "async" | "move" | "return" | "break" | "in"
        ),
        Kind::Punct => !matches!(prev.text.as_str(), "::" | ">" | "!" | "]" | "?" | "#"),
    }
}

/// The type an `impl` block is for: the last name of the path after `for`, or after the
/// generics of `impl<…>`, without its own generics.
fn impl_name(tokens: &[Token]) -> Option<String> {
    let mut rest: &[Token] = tokens;
    if let Some(f) = rest.iter().position(|t| t.text == "for") {
        rest = &rest[f + 1..];
    } else if rest.first().is_some_and(|t| t.text == "<") {
        let mut depth = 0i32;
        let end = rest.iter().position(|t| {
            depth += match t.text.as_str() {
                "<" => 1,
                ">" => -1,
                ">>" => -2,
                _ => 0,
            };
            depth <= 0
        })?;
        rest = &rest[end + 1..];
    }
    let mut depth = 0i32;
    let mut name = None;
    for t in rest {
        match t.text.as_str() {
            "where" if depth == 0 => break,
            "<" => depth += 1,
            ">" => depth -= 1,
            ">>" => depth -= 2,
            _ if depth == 0 && t.kind == Kind::Ident => name = Some(t.text.clone()),
            _ => {}
        }
    }
    name
}

/// Measures every function of one file (`source`, named `file`).
fn measure(file: &str, source: &str) -> Vec<Func> {
    let tokens = without_test_items(lex(source));
    let raw_lines: Vec<&str> = source.lines().collect();
    let mut code_line = vec![false; raw_lines.len() + 2];
    for t in &tokens {
        for l in t.line..=t.end_line {
            code_line[l.min(raw_lines.len() + 1)] = true;
        }
    }
    let mut funcs: Vec<Func> = Vec::new();
    // For each function: its body's opening line and the depth its body stands at.
    let mut open: Vec<(usize, usize, usize)> = Vec::new();
    let mut stack: Vec<Frame> = vec![Frame {
        open: String::new(),
        block: false,
        next: Next::Unknown,
        body_of: None,
        owner: None,
    }];
    let mut depth = 0usize;
    let mut item_start = 0usize;
    for (k, t) in tokens.iter().enumerate() {
        let top = stack.last_mut().unwrap();
        match t.text.as_str() {
            "fn" if t.kind == Kind::Ident
                && tokens.get(k + 1).is_some_and(|n| n.kind == Kind::Ident) =>
            {
                let owners: Vec<&str> = stack.iter().filter_map(|f| f.owner.as_deref()).collect();
                let name = tokens[k + 1].text.clone();
                let qualified = owners
                    .iter()
                    .copied()
                    .chain([name.as_str()])
                    .collect::<Vec<_>>()
                    .join("::");
                funcs.push(Func {
                    file: file.to_string(),
                    name: qualified,
                    line: t.line,
                    lines: 0,
                    depth: 0,
                    reason: has_reason(&tokens, k, &raw_lines),
                    body: false,
                });
                stack.last_mut().unwrap().next = Next::Body(funcs.len() - 1);
            }
            "impl" | "trait" | "mod" | "struct" | "enum"
                if t.kind == Kind::Ident && matches!(top.next, Next::Unknown | Next::Block) =>
            {
                item_start = k;
                top.next = Next::Item(None);
            }
            "if" | "while" | "match" | "loop" | "else" | "unsafe" | "async"
                if !matches!(top.next, Next::Body(_) | Next::Item(_)) =>
            {
                top.next = Next::Block;
            }
            "let" if top.next == Next::Block => top.next = Next::PatternUntil("="),
            "for" if !matches!(top.next, Next::Body(_) | Next::Item(_)) => {
                top.next = Next::PatternUntil("in");
            }
            "=" | "in"
                if top.next == Next::PatternUntil(if t.text == "=" { "=" } else { "in" }) =>
            {
                top.next = Next::Block;
            }
            ";" => top.next = Next::Unknown,
            "," | "=>" if matches!(top.next, Next::Block | Next::PatternUntil(_)) => {
                top.next = Next::Unknown;
            }
            "{" => {
                let next = std::mem::replace(&mut top.next, Next::Unknown);
                let (block, body_of, owner) = match next {
                    Next::Body(f) => {
                        funcs[f].body = true;
                        let name = funcs[f].name.rsplit("::").next().unwrap().to_string();
                        (true, Some(f), Some(name))
                    }
                    Next::Item(_) => {
                        let words = &tokens[item_start + 1..k];
                        let owner = if tokens[item_start].text == "impl" {
                            impl_name(words)
                        } else {
                            words.first().map(|w| w.text.clone())
                        };
                        (false, None, owner)
                    }
                    Next::Block => (true, None, None),
                    Next::PatternUntil(_) => {
                        top.next = next;
                        (false, None, None)
                    }
                    Next::Unknown => (
                        block_follows(k.checked_sub(1).map(|p| &tokens[p])),
                        None,
                        None,
                    ),
                };
                if block {
                    depth += 1;
                }
                if let Some(f) = body_of {
                    open.push((f, t.line, depth));
                }
                for &(f, _, base) in &open {
                    funcs[f].depth = funcs[f].depth.max(depth - base);
                }
                stack.push(Frame {
                    open: "{".into(),
                    block,
                    next: Next::Unknown,
                    body_of,
                    owner,
                });
            }
            "(" | "[" => stack.push(Frame {
                open: t.text.clone(),
                block: false,
                next: Next::Unknown,
                body_of: None,
                owner: None,
            }),
            "}" | ")" | "]" => {
                let frame = stack.pop().expect("unbalanced brackets");
                let want = match t.text.as_str() {
                    "}" => "{",
                    ")" => "(",
                    _ => "[",
                };
                assert_eq!(frame.open, want, "{file}:{}: unbalanced brackets", t.line);
                if frame.block {
                    depth -= 1;
                }
                if let Some(f) = frame.body_of {
                    let (_, from, _) = open.pop().unwrap();
                    funcs[f].lines = (from + 1..t.line).filter(|&l| code_line[l]).count();
                }
            }
            _ => {}
        }
    }
    funcs.retain(|f| f.body);
    funcs
}

/// Whether a `// Long:` reason stands directly above the function whose `fn` is token `k`:
/// in the comment lines above its attributes and qualifiers, or among them.
fn has_reason(tokens: &[Token], k: usize, raw_lines: &[&str]) -> bool {
    // Back over `pub(crate)`, `const`, `async`, `unsafe`, `extern "C"` and `#[…]`.
    let mut first = k;
    while let Some(p) = first.checked_sub(1) {
        let t = &tokens[p];
        let qualifier = matches!(
            t.text.as_str(),
            "pub" | "const" | "async" | "unsafe" | "extern" | "default"
        ) || (t.kind == Kind::Literal && p > 0 && tokens[p - 1].text == "extern");
        if qualifier {
            first = p;
        } else if t.text == ")"
            && tokens[..p]
                .iter()
                .rev()
                .nth(2)
                .is_some_and(|x| x.text == "pub")
        {
            // `pub(crate)`, `pub(super)`.
            first = p - 3;
        } else if t.text == "]" {
            let mut depth = 0;
            let mut q = p;
            loop {
                match tokens[q].text.as_str() {
                    "]" => depth += 1,
                    "[" => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                q -= 1;
            }
            if q == 0 || tokens[q - 1].text != "#" {
                break;
            }
            first = q - 1;
        } else {
            break;
        }
    }
    let from = tokens[first].line;
    let to = tokens[k].line;
    let long = |l: &str| {
        let l = l.trim_start();
        let reason = l
            .strip_prefix("// Long:")
            .or_else(|| l.strip_prefix("/// Long:"));
        reason.is_some_and(|r| !r.trim().is_empty())
    };
    let above = raw_lines[..from - 1]
        .iter()
        .rev()
        .take_while(|l| l.trim_start().starts_with("//"));
    let among = raw_lines[from - 1..to].iter();
    above.chain(among).any(|l| long(l))
}

fn sources() -> Vec<(String, String)> {
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
        out.push((rel, std::fs::read_to_string(path).unwrap()));
    }
    out.sort();
    out
}

fn describe(f: &Func) -> String {
    format!(
        "src/{}:{} {} ({} lines, depth {}{})",
        f.file,
        f.line,
        f.name,
        f.lines,
        f.depth,
        if f.reason { ", Long:" } else { "" }
    )
}

#[test]
fn every_function_is_short_and_shallow_or_says_why() {
    let funcs: Vec<Func> = sources()
        .iter()
        .flat_map(|(file, text)| measure(file, text))
        .collect();
    let mut longest = funcs.clone();
    longest.sort_by(|a, b| b.lines.cmp(&a.lines).then(b.depth.cmp(&a.depth)));
    eprintln!("{} functions; the ten longest:", funcs.len());
    for f in longest.iter().take(10) {
        eprintln!("  {}", describe(f));
    }
    let mut deepest = funcs.clone();
    deepest.sort_by(|a, b| b.depth.cmp(&a.depth).then(b.lines.cmp(&a.lines)));
    eprintln!("the ten deepest:");
    for f in deepest.iter().take(10) {
        eprintln!("  {}", describe(f));
    }
    let over: Vec<String> = funcs
        .iter()
        .filter(|f| f.over() && !f.reason)
        .map(describe)
        .collect();
    eprintln!("over {MAX_LINES} lines or depth {MAX_DEPTH}, each with a `// Long:` reason:");
    for f in funcs.iter().filter(|f| f.over() && f.reason) {
        eprintln!("  {}", describe(f));
    }
    assert!(
        over.is_empty(),
        "functions over {MAX_LINES} lines or {MAX_DEPTH} levels deep: split them into named \
         steps, or say why above them in a comment starting `// Long:`\n{}",
        over.join("\n")
    );
}

/// A synthetic source: the measure sees what a reader sees.
#[test]
fn the_measure_bites() {
    let long_body: String = (0..MAX_LINES + 1)
        .map(|i| format!("    let x{i} = {i};\n\n    // a comment\n"))
        .collect();
    let source = format!(
        r##"
/// Short.
pub fn short() {{
    let s = "{{ {{ {{ {{ {{ {{ }}";
    let c = '{{';
    let r = r#"{{"{{"#;
}}

fn long() {{
{long_body}}}

// Long: a table read top to bottom.
#[allow(clippy::too_many_lines)]
pub(crate) fn long_with_reason() {{
{long_body}}}

fn at_the_limit() {{
{}}}

impl<'a> Report<'a> {{
    /// Six deep: if, match, arm, closure, loop, bare block.
    fn deep(&self) {{
        if a {{
            match b {{
                X => {{
                    let f = |y| {{
                        loop {{
                            {{ 1 }}
                        }}
                    }};
                }}
                _ => {{}}
            }}
        }}
    }}

    fn literals_are_not_blocks(&self) -> Self {{
        if let Some(Point {{ x, y }}) = p {{
            Report {{ a: Inner {{ b: Deeper {{ c: Deepest {{ d: More {{ e: 1 }} }} }} }} }}
        }} else {{
            for Point {{ x, .. }} in points {{ use_it(x); }}
            todo!()
        }}
    }}
}}

fn outer() {{
    fn inner<'a>(s: &'a str) -> &'a str {{ s }}
}}

#[cfg(test)]
mod tests {{
    fn huge() {{
{long_body}    }}
}}
"##,
        "    x;\n".repeat(MAX_LINES)
    );
    let funcs = measure("synthetic.rs", &source);
    let find = |name: &str| {
        funcs
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name} not measured: {funcs:#?}"))
    };
    assert_eq!(
        find("short").lines,
        3,
        "braces in strings and chars are not code"
    );
    assert_eq!(find("short").depth, 0);
    assert_eq!(
        find("long").lines,
        MAX_LINES + 1,
        "blank and comment lines do not count"
    );
    assert!(find("long").over() && !find("long").reason);
    assert!(find("long_with_reason").over() && find("long_with_reason").reason);
    assert!(!find("at_the_limit").over());
    assert_eq!(find("Report::deep").depth, 6);
    assert!(find("Report::deep").over());
    assert_eq!(
        find("Report::literals_are_not_blocks").depth,
        2,
        "struct literals and patterns are not blocks"
    );
    assert_eq!(find("outer::inner").lines, 0);
    assert_eq!(
        find("outer").depth,
        1,
        "a nested function's body is a block"
    );
    assert!(
        funcs
            .iter()
            .all(|f| f.name != "huge" && f.name != "tests::huge"),
        "#[cfg(test)] items are not measured"
    );
    let over: Vec<&str> = funcs
        .iter()
        .filter(|f| f.over() && !f.reason)
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(over, ["long", "Report::deep"]);
}
