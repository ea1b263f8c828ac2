//! `vplan textconv FILE`: a content file in a normalised form, one value a line, for
//! `git diff` (a textconv driver). Lists of items with ids are keyed by id, so a reformatted
//! file shows only what really changed; the keys of a mapping are printed in one canonical
//! order (the order the model declares its fields in, see [`KeyOrder`]), so reordering keys
//! shows nothing, while lists keep their order (the order of rows, goals and blocks is what
//! the plan prints). An amount table's row prints its amounts one a line, each named by its
//! column (`rows[it].values[Budget 2024 › Omsättning]: 475`), so a changed amount is a line
//! that says where it is. Prose is printed a sentence a line, so a changed word shows as one
//! changed sentence. Numbers are printed as written (never through a float). A file that is
//! not valid YAML is printed as it is.

use std::fmt::Write as _;
use std::path::Path;

use saphyr_parser::{Event, Parser};
use vplan::error::Result;

use super::Terminal;
use crate::cli::TextconvArgs;

pub fn run(args: &TextconvArgs, term: &Terminal) -> Result<()> {
    term.out(&convert_file(&args.file)?);
    Ok(())
}

/// The normalised text of a file.
pub fn convert_file(path: &Path) -> Result<String> {
    // Only a regular file, and no more than a content file may have: a FIFO or `/dev/zero`
    // given by mistake is refused at once instead of read forever.
    let bytes = vplan::files::read(path, vplan::diag::MAX_FILE_BYTES, "a content file")?;
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
    emit(&mut out, "", &root, &KeyOrder::of_model());
    Some(out)
}

/// The canonical order of a mapping's keys: the field order of the model's struct that the
/// mapping is (a table: `id`, `unit`, `caption`, …, `rows`; a row: `id`, `label`, `kind`,
/// `values`, …), taken from the model's own `Deserialize` (so a new field has its place
/// without a list here to keep up to date). The struct is chosen by the set of keys alone,
/// never by their order: the smallest struct that has them all, else the one that has most
/// of them. Keys no struct has (column ids under `refs`, a misspelt key) follow in
/// alphabetical order.
struct KeyOrder {
    structs: Vec<&'static [&'static str]>,
}

impl KeyOrder {
    fn of_model() -> Self {
        use vplan::content::*;
        KeyOrder {
            structs: vec![
                fields::<PlanMeta>(),
                fields::<Logo>(),
                fields::<BudgetFrame>(),
                fields::<Decision>(),
                fields::<DecisionPaper>(),
                fields::<Signatory>(),
                fields::<Chapter>(),
                fields::<Appendix>(),
                fields::<Section>(),
                fields::<Goals>(),
                fields::<Perspective>(),
                fields::<Strategy>(),
                fields::<Goal>(),
                fields::<Indicator>(),
                fields::<Item>(),
                fields::<TextTable>(),
                fields::<TextRow>(),
                fields::<Matrix>(),
                fields::<MatrixRow>(),
                fields::<OrgChart>(),
                fields::<OrgNode>(),
                fields::<InternalControl>(),
                fields::<IcArea>(),
                fields::<IcRisk>(),
                fields::<Table>(),
                fields::<Chart>(),
                fields::<TextColumn>(),
                fields::<Column>(),
                fields::<Row>(),
                fields::<FollowUp>(),
                fields::<FollowUpTexts>(),
                fields::<GoalFollowUp>(),
                fields::<IndicatorFollowUp>(),
                fields::<AssignmentFollowUp>(),
                fields::<TableFollowUp>(),
                fields::<RowFollowUp>(),
                fields::<FollowUpChart>(),
                fields::<RiskFollowUp>(),
            ],
        }
    }

    /// The entries of a mapping in canonical order.
    fn sorted<'a>(&self, entries: &'a [(String, Node)]) -> Vec<&'a (String, Node)> {
        let has = |f: &[&str], k: &str| f.contains(&k);
        let known = |f: &[&str]| entries.iter().filter(|(k, _)| has(f, k)).count();
        let order: &[&str] = self
            .structs
            .iter()
            .filter(|f| known(f) > 0)
            // Most keys known first, then the smallest struct, then the first listed.
            .min_by_key(|f| (entries.len() - known(f), f.len()))
            .copied()
            .unwrap_or(&[]);
        let rank = |k: &str| order.iter().position(|f| *f == k).unwrap_or(order.len());
        let mut sorted: Vec<&(String, Node)> = entries.iter().collect();
        sorted.sort_by(|(a, _), (b, _)| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
        sorted
    }
}

/// The fields of a struct of the model, in declaration order, as its derived `Deserialize`
/// lists them when it refuses an unknown key (every struct of the model denies unknown
/// fields): it is given a map with one key no struct has and the error keeps the list.
fn fields<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::value::MapDeserializer;
    let map = MapDeserializer::<_, Noted>::new(std::iter::once(("\u{0}", ())));
    match T::deserialize(map) {
        Err(Noted(Some(fields))) => fields,
        _ => &[],
    }
}

/// The error of [`fields`]: the field names of an unknown-field error, if that was it.
#[derive(Debug)]
struct Noted(Option<&'static [&'static str]>);

impl std::fmt::Display for Noted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a struct of the model")
    }
}

impl std::error::Error for Noted {}

impl serde::de::Error for Noted {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Noted(None)
    }

    fn unknown_field(_: &str, expected: &'static [&'static str]) -> Self {
        Noted(Some(expected))
    }
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

fn emit(out: &mut String, path: &str, node: &Node, order: &KeyOrder) {
    emit_in(out, path, node, order, None);
}

/// Emits a node; `row_of` is the names of the columns when the node is a row of an amount
/// table (an item of `rows` beside `columns`), whose `values` are then printed one a line,
/// each named by its column.
fn emit_in(out: &mut String, path: &str, node: &Node, order: &KeyOrder, row_of: Option<&[String]>) {
    match node {
        Node::Scalar(s) => emit_scalar(out, path, s),
        Node::Alias => {
            let _ = writeln!(out, "{path}: *alias");
        }
        Node::Map(entries) => {
            let columns = column_names(entries);
            for (k, v) in order.sorted(entries) {
                let path = join(path, k);
                match (k.as_str(), v, row_of, &columns) {
                    ("values", Node::Seq(items), Some(names), _)
                        if scalar_list(items).is_some() =>
                    {
                        emit_values(out, &path, items, names);
                    }
                    ("rows", Node::Seq(_), _, Some(names)) => {
                        emit_seq(out, &path, v, order, Some(names))
                    }
                    _ => emit_in(out, &path, v, order, None),
                }
            }
        }
        Node::Seq(_) => emit_seq(out, path, node, order, None),
    }
}

/// A list: scalars on one line, anything else an item at a time, each keyed by its id where it
/// has one. `row_of`: the columns of the table whose rows these are.
fn emit_seq(
    out: &mut String,
    path: &str,
    node: &Node,
    order: &KeyOrder,
    row_of: Option<&[String]>,
) {
    let Node::Seq(items) = node else {
        return emit_in(out, path, node, order, None);
    };
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
        emit_in(out, &join(path, &key), inner, order, row_of);
    }
}

/// A row's amounts, one a line, each named by its column as every output names a column
/// (`Column::name`: `rows[it].values[Budget 2024 › Omsättning]: 475`), so that a changed
/// amount is a line that says which column it is in, in `git diff` and `--word-diff` alike.
/// A value beyond the columns is named by its position.
fn emit_values(out: &mut String, path: &str, items: &[Node], names: &[String]) {
    for (i, item) in items.iter().enumerate() {
        let value = match item {
            Node::Scalar(s) if s.is_empty() => "~",
            Node::Scalar(s) => s.as_str(),
            _ => "*alias",
        };
        let name = names.get(i).cloned().unwrap_or_else(|| (i + 1).to_string());
        let _ = writeln!(out, "{path}[{name}]: {value}");
    }
}

/// The names of an amount table's columns, when the mapping is one (`columns` a list of
/// mappings with an id): each as `Column::name` gives it, or by its id when it has no title;
/// a name two columns share is told apart by the id (`Budget (b2031)`).
fn column_names(entries: &[(String, Node)]) -> Option<Vec<String>> {
    let (_, Node::Seq(columns)) = entries.iter().find(|(k, _)| k == "columns")? else {
        return None;
    };
    let text = |c: &Node, key: &str| match c {
        Node::Map(e) => e.iter().find_map(|(k, v)| match v {
            Node::Scalar(s) if k == key => Some(s.trim().to_string()),
            _ => None,
        }),
        _ => None,
    };
    let named: Vec<(String, String)> = columns
        .iter()
        .map(|c| {
            let id = id_of(c)?.to_string();
            let column = vplan::content::Column {
                id: id.clone(),
                title: text(c, "title").unwrap_or_default(),
                group: text(c, "group"),
                precision: 0,
                unit: None,
            };
            let name = column.name();
            Some((
                id,
                if name.trim().is_empty() {
                    column.id
                } else {
                    name
                },
            ))
        })
        .collect::<Option<_>>()?;
    let shared = |name: &str| named.iter().filter(|(_, n)| n == name).count() > 1;
    Some(
        named
            .iter()
            .map(|(id, name)| {
                if shared(name) {
                    format!("{name} ({id})")
                } else {
                    name.clone()
                }
            })
            .collect(),
    )
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
    fn key_order_makes_no_difference() {
        // A table, its columns and rows, with every mapping's keys in another order.
        let a = "id: t\nunit: tkr\ncaption: Tkr\ncolumns:\n  - {id: b, title: Budget, group: År 1, precision: 0}\nrows:\n  - {id: a, label: A, values: [1, 2], refs: {x: t/y, b: t/z}}\n  - id: s\n    label: Summa\n    kind: sum\n    sum: all\nnotes: [En not.]\n";
        let b = "rows:\n  - {refs: {b: t/z, x: t/y}, values: [1, 2], label: A, id: a}\n  - sum: all\n    kind: sum\n    id: s\n    label: Summa\nnotes: [En not.]\ncolumns:\n  - {precision: 0, group: År 1, title: Budget, id: b}\ncaption: Tkr\nunit: tkr\nid: t\n";
        let text = convert(a).unwrap();
        assert_eq!(text, convert(b).unwrap());
        // The model's order: a table's, a column's, a row's fields as declared.
        assert_eq!(
            text,
            "id: t\nunit: tkr\ncaption: Tkr\ncolumns[b].id: b\ncolumns[b].title: Budget\ncolumns[b].group: År 1\ncolumns[b].precision: 0\nrows[a].id: a\nrows[a].label: A\nrows[a].values[År 1 › Budget]: 1\nrows[a].values[2]: 2\nrows[a].refs.b: t/z\nrows[a].refs.x: t/y\nrows[s].id: s\nrows[s].label: Summa\nrows[s].kind: sum\nrows[s].sum: all\nnotes: En not.\n"
        );
        // Goals: perspectives, their goals and indicators; an unknown key goes last.
        let a = "perspectives:\n  - id: p\n    title: P\n    goals:\n      - id: g\n        kind: goal\n        text: Mål.\n        indicators:\n          - {id: i, text: I}\n        zz: 1\n";
        let b = "perspectives:\n  - goals:\n      - zz: 1\n        indicators:\n          - {text: I, id: i}\n        text: Mål.\n        id: g\n        kind: goal\n    title: P\n    id: p\n";
        let text = convert(a).unwrap();
        assert_eq!(text, convert(b).unwrap());
        assert!(
            text.ends_with("perspectives[p].goals[g].id: g\nperspectives[p].goals[g].kind: goal\nperspectives[p].goals[g].text: Mål.\nperspectives[p].goals[g].indicators[i].id: i\nperspectives[p].goals[g].indicators[i].text: I\nperspectives[p].goals[g].zz: 1\n"),
            "{text}"
        );
    }

    #[test]
    fn every_struct_of_the_schemas_has_its_key_order() {
        // Each object the JSON Schemas describe has the fields of a struct listed in
        // `KeyOrder`, so no key of a content file falls back to alphabetical order.
        let order = KeyOrder::of_model();
        assert!(order.structs.iter().all(|f| !f.is_empty()));
        for (kind, schema) in vplan::content::schema::all() {
            let value = schema.as_value();
            let mut objects = vec![("root".to_string(), value)];
            for key in ["definitions", "$defs"] {
                if let Some(defs) = value.get(key).and_then(|d| d.as_object()) {
                    objects.extend(defs.iter().map(|(k, v)| (k.clone(), v)));
                }
            }
            for (name, object) in objects {
                let Some(props) = object.get("properties").and_then(|p| p.as_object()) else {
                    continue;
                };
                let mut keys: Vec<&str> = props.keys().map(String::as_str).collect();
                keys.sort_unstable();
                assert!(
                    order.structs.iter().any(|f| {
                        let mut f = f.to_vec();
                        f.sort_unstable();
                        f == keys
                    }),
                    "{kind}: {name} {keys:?} is no struct of KeyOrder"
                );
            }
        }
    }

    #[test]
    fn each_amount_is_named_by_its_column() {
        let yaml = "id: t\ncolumns:\n  - {id: b2024, title: Omsättning, group: Budget 2024, precision: 0}\n  - {id: p, title: Prognos, precision: 1}\n  - {id: x, title: Prognos, precision: 0}\n  - {id: e, title: '', precision: 0}\nrows:\n  - {id: it, label: IT, values: [475, ~, 487.0, 0]}\n  - {id: s, label: Summa, kind: sum, sum: all}\n";
        let text = convert(yaml).unwrap();
        assert!(
            text.contains("rows[it].label: IT\nrows[it].values[Budget 2024 › Omsättning]: 475\nrows[it].values[Prognos (p)]: ~\nrows[it].values[Prognos (x)]: 487.0\nrows[it].values[e]: 0\nrows[s].id: s\n"),
            "{text}"
        );
        // A text table's columns are titles alone, its rows have cells: as before.
        let yaml = "blocks:\n  - text_table:\n      id: tt\n      columns: [A, B]\n      rows:\n        - {id: r, cells: [x, y]}\n";
        let text = convert(yaml).unwrap();
        assert!(
            text.contains("blocks[text_table tt].rows[r].cells: x | y\n"),
            "{text}"
        );
        // A row's values given by an alias stay one line.
        let yaml = "id: t\ncolumns:\n  - {id: a, title: A, precision: 0}\nrows:\n  - {id: r, label: R, values: &v [1]}\n  - {id: q, label: Q, values: *v}\n";
        let text = convert(yaml).unwrap();
        assert!(text.contains("rows[r].values[A]: 1\n"), "{text}");
        assert!(text.contains("rows[q].values: *alias\n"), "{text}");
    }

    #[test]
    fn invalid_yaml_is_none() {
        assert!(convert("a: [1, 2").is_none());
    }
}
