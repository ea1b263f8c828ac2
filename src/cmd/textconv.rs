//! `vplan textconv FILE`: a content file in a normalised form, one value a line, for
//! `git diff` (a textconv driver). Lists of items with ids are keyed by id, so a reordered or
//! reformatted file shows only what really changed; prose is printed a sentence a line, so a
//! changed word shows as one changed sentence. Numbers are printed as written (never
//! through a float). A file that is not valid YAML is printed as it is.

use std::fmt::Write as _;
use std::path::Path;

use saphyr_parser::{Event, Parser};
use vplan::error::{IoContext, Result};

use crate::cli::TextconvArgs;

pub fn run(args: &TextconvArgs) -> Result<()> {
    print!("{}", convert_file(&args.file)?);
    Ok(())
}

/// The normalised text of a file.
pub fn convert_file(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).at("read", path)?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => convert(&text).unwrap_or(text),
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

#[derive(Debug)]
enum Node {
    Scalar(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
    Alias,
}

const MAX_DEPTH: usize = 64;

/// The normalised text of a YAML document, or `None` if it does not parse.
pub fn convert(text: &str) -> Option<String> {
    let root = parse(text)?;
    let mut out = String::new();
    emit(&mut out, "", &root);
    Some(out)
}

fn parse(text: &str) -> Option<Node> {
    // Open collections: the node and, for a map, the key waiting for its value.
    let mut stack: Vec<(Node, Option<String>)> = Vec::new();
    let mut root = None;
    for item in Parser::new_from_str(text) {
        let (event, _) = item.ok()?;
        let node = match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return None;
                }
                let node = if matches!(event, Event::SequenceStart(..)) {
                    Node::Seq(Vec::new())
                } else {
                    Node::Map(Vec::new())
                };
                stack.push((node, None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => stack.pop()?.0,
            Event::Scalar(value, ..) => Node::Scalar(value.into_owned()),
            Event::Alias(_) => Node::Alias,
            _ => continue,
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some((Node::Seq(items), _)) => items.push(node),
            Some((Node::Map(entries), key)) => match key.take() {
                None => {
                    *key = Some(match node {
                        Node::Scalar(s) => s,
                        _ => "?".into(),
                    })
                }
                Some(k) => entries.push((k, node)),
            },
            Some(_) => return None,
        }
    }
    root
}

fn scalar_list(items: &[Node]) -> Option<String> {
    items
        .iter()
        .map(|n| match n {
            Node::Scalar(s) if !s.contains('\n') && s.len() <= 80 => Some(if s.is_empty() {
                "~".to_string()
            } else {
                s.clone()
            }),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
        .map(|v| v.join(" | "))
}

fn id_of(node: &Node) -> Option<&str> {
    match node {
        Node::Map(entries) => entries.iter().find_map(|(k, v)| match v {
            Node::Scalar(s) if k == "id" => Some(s.as_str()),
            _ => None,
        }),
        _ => None,
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else if key.starts_with('[') {
        format!("{prefix}{key}")
    } else {
        format!("{prefix}.{key}")
    }
}

fn emit(out: &mut String, path: &str, node: &Node) {
    match node {
        Node::Scalar(s) => emit_scalar(out, path, s),
        Node::Alias => {
            let _ = writeln!(out, "{path}: *alias");
        }
        Node::Map(entries) => {
            for (k, v) in entries {
                emit(out, &join(path, k), v);
            }
        }
        Node::Seq(items) => {
            if let Some(list) = scalar_list(items) {
                let _ = writeln!(out, "{path}: {list}");
                return;
            }
            for (i, item) in items.iter().enumerate() {
                // An item with an id is keyed by it; a one-key block (`- section: {id: …}`)
                // by its kind and id; anything else by position.
                let (key, inner) = if let Some(id) = id_of(item) {
                    (format!("[{id}]"), item)
                } else if let Node::Map(entries) = item {
                    match entries.as_slice() {
                        [(kind, value)] => match id_of(value) {
                            Some(id) => (format!("[{kind} {id}]"), value),
                            None => (format!("[{}]", i + 1), item),
                        },
                        _ => (format!("[{}]", i + 1), item),
                    }
                } else {
                    (format!("[{}]", i + 1), item)
                };
                emit(out, &join(path, &key), inner);
            }
        }
    }
}

fn emit_scalar(out: &mut String, path: &str, s: &str) {
    if !s.contains('\n') && s.chars().count() <= 100 {
        let _ = writeln!(out, "{path}: {s}");
        return;
    }
    let _ = writeln!(out, "{path}:");
    for (i, para) in vplan::diff::flatten::paragraphs(s).iter().enumerate() {
        if i > 0 {
            out.push_str("  ¶\n");
        }
        for sentence in sentences(para) {
            let _ = writeln!(out, "  {sentence}");
        }
    }
}

/// A paragraph cut into sentences (and list items into lines).
fn sentences(para: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in para.lines() {
        let mut current = String::new();
        let words: Vec<&str> = line.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(w);
            let next_upper = words
                .get(i + 1)
                .and_then(|n| n.chars().next())
                .is_some_and(|c| c.is_uppercase());
            if (w.ends_with('.') || w.ends_with('!') || w.ends_with('?')) && next_upper {
                out.push(std::mem::take(&mut current));
            }
        }
        if !current.is_empty() {
            out.push(current);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_keyed_by_id_and_numbers_kept_as_written() {
        let yaml = "id: t\nrows:\n  - {id: a, label: A, values: [70.0, 12345678901234567890.12]}\n  - id: b\n    label: B\n";
        let text = convert(yaml).unwrap();
        assert_eq!(
            text,
            "id: t\nrows[a].id: a\nrows[a].label: A\nrows[a].values: 70.0 | 12345678901234567890.12\nrows[b].id: b\nrows[b].label: B\n"
        );
    }

    #[test]
    fn prose_is_a_sentence_a_line_and_blocks_are_keyed() {
        let yaml = "blocks:\n  - section:\n      id: s\n      title: T\n  - text: |\n      Första meningen är här. Andra meningen följer nu, och den är lång nog för att inte rymmas på en rad.\n\n      Nytt stycke.\n";
        let text = convert(yaml).unwrap();
        assert!(text.contains("blocks[section s].title: T\n"), "{text}");
        assert!(
            text.contains(
                "blocks[2].text:\n  Första meningen är här.\n  Andra meningen följer nu,"
            ),
            "{text}"
        );
        assert!(text.contains("  ¶\n  Nytt stycke.\n"), "{text}");
    }

    #[test]
    fn invalid_yaml_is_none() {
        assert!(convert("a: [1, 2").is_none());
    }
}
