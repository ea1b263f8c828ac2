//! All of a file's mistakes at once: a content file that `serde` cannot read is walked against
//! its JSON Schema (the one `schema.rs` derives from the very types the loader reads into, and
//! editors check against), and every value the schema refuses is a finding at its path: an
//! unknown key, a value of the wrong type, a value that is not one of those allowed, a missing
//! key. `serde` stops at the first of them; an author fixing a file wants them all.
//!
//! The walker reads the schema keywords `schemars` writes: `type`, `properties`, `required`,
//! `additionalProperties`, `enum`, `const`, `oneOf`/`anyOf`/`allOf`, `not`, `$ref`, `items`,
//! `minItems`/`maxItems`, the numeric bounds and the integer `format`s, and an amount's pattern
//! (by `content::amount`, as the loader reads it). Other keywords (`pattern` of ids, which
//! `check` judges with its own words) are left to the checks after loading. A union
//! (`oneOf`/`anyOf`) is walked along the branch the value names (a block's one key, a bare
//! word), so a mistake inside a block is reported inside it.
//!
//! Each finding says whether the key it is at can be left out ([`Finding::removable`]): the
//! loader blanks those keys out of the text (keeping every line and column) and reads the file
//! again, so the plan's later checks still run on a file whose mistakes are all of that kind.

use serde_json::{Map, Value as Json};
use serde_yaml::Value as Yaml;

use crate::diag::Code;

/// One value the schema refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The value's path (`rows.3.values.1`; `""` for the document).
    pub path: String,
    /// The finding is about the key (unknown key), not the value.
    pub on_key: bool,
    pub code: Code,
    pub message: String,
    pub hint: Option<String>,
    /// The value at `path` is a mapping's value that the mapping may do without: reading the
    /// file without that key would not make it wrong in another way.
    pub removable: bool,
    /// For an unknown key that is a misspelling of a key the mapping must have and lacks:
    /// that key. The file is read with the key so spelled.
    pub meant: Option<String>,
}

/// Walks `doc` against `schema` (a root schema with its `definitions`). `written` gives the
/// scalar at a path as written in the file (for messages, and amounts, which are read from
/// their characters).
pub fn validate(
    schema: &Json,
    doc: &Yaml,
    written: &dyn Fn(&str) -> Option<String>,
) -> Vec<Finding> {
    let mut walker = Walker {
        root: schema,
        written,
        out: Vec::new(),
    };
    walker.walk(schema, doc, &Place::root(), false);
    walker.out
}

/// Most findings reported of one file: a file pasted from somewhere else may have thousands,
/// and the first screenful says what is wrong with it.
pub const MAX_FINDINGS: usize = 100;

/// The findings of a file's text against `schema`, with the index of its positions; `None`
/// when the text is not YAML that can be walked (its syntax error is the one problem then).
pub fn findings_in(schema: &Json, text: &str) -> Option<(Vec<Finding>, super::spans::SpanIndex)> {
    let doc: Yaml = serde_yaml::from_str(text).ok()?;
    let index = super::spans::SpanIndex::new(text);
    // Where each line starts: a value's line is found at once, however many there are.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let written = |p: &str| -> Option<String> {
        let pos = index.get(p)?;
        let start = *starts.get(pos.line.checked_sub(1)?)?;
        let end = starts.get(pos.line).map_or(text.len(), |&e| e - 1);
        let line = text[start..end].trim_end_matches('\r');
        super::scalar_at(line, pos.column).map(str::to_string)
    };
    let findings = validate(schema, &doc, &written);
    Some((findings, index))
}

/// The findings of a content file's text of `kind` (`table`, `chapter`, …: `schema::kind_of`).
pub fn findings_of_kind(kind: &str, text: &str) -> Option<Vec<Finding>> {
    let (_, schema) = super::schema::all().into_iter().find(|(k, _)| *k == kind)?;
    findings_in(&schema.to_value(), text).map(|(f, _)| f)
}

/// Where a value is, for its path and for messages.
#[derive(Clone)]
struct Place {
    path: String,
    /// The key the value is under (for a list's item, the list's key).
    key: Option<String>,
    /// The value is an item of a list.
    item: bool,
}

impl Place {
    fn root() -> Self {
        Place {
            path: String::new(),
            key: None,
            item: false,
        }
    }

    fn child(&self, segment: &str, key: Option<&str>, item: bool) -> Self {
        Place {
            path: if self.path.is_empty() {
                segment.to_string()
            } else {
                format!("{}.{segment}", self.path)
            },
            key: key.map(str::to_string),
            item,
        }
    }

    /// The value, in words: "`year`", "an item of `values`", "the file".
    fn subject(&self) -> String {
        match (&self.key, self.item) {
            (Some(k), true) => format!("an item of `{k}`"),
            (Some(k), false) => format!("`{k}`"),
            (None, true) => "an item of the list".to_string(),
            (None, false) => "the file".to_string(),
        }
    }

    /// The mapping, in words, as the place where keys are: "in `decision`", "in an item of
    /// `rows`", "" for the file.
    fn within(&self) -> String {
        match (&self.key, self.item, self.path.is_empty()) {
            (_, _, true) => String::new(),
            (Some(k), true, _) => format!(" in an item of `{k}`"),
            (Some(k), false, _) => format!(" in `{k}`"),
            (None, _, _) => " here".to_string(),
        }
    }
}

struct Walker<'a> {
    root: &'a Json,
    written: &'a dyn Fn(&str) -> Option<String>,
    out: Vec<Finding>,
}

/// The JSON type of a YAML value, as a schema's `type` names it.
fn json_type(v: &Yaml) -> &'static str {
    match v {
        Yaml::Null => "null",
        Yaml::Bool(_) => "boolean",
        Yaml::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Yaml::Number(_) => "number",
        Yaml::String(_) => "string",
        Yaml::Sequence(_) => "array",
        Yaml::Mapping(_) => "object",
        Yaml::Tagged(t) => json_type(&t.value),
    }
}

/// A type in words.
fn type_words(t: &str) -> &'static str {
    match t {
        "integer" => "a whole number",
        "number" => "a number",
        "string" => "text",
        "boolean" => "`true` or `false`",
        "array" => "a list",
        "object" => "a map of keys and values",
        "null" => "empty",
        _ => "a value",
    }
}

/// What was found, in words: "the text `tjugo`", "a list", "the number 5".
fn found_words(v: &Yaml, written: Option<&str>) -> String {
    match v {
        Yaml::Null => "nothing".to_string(),
        Yaml::Bool(b) => match written.filter(|w| *w != b.to_string()) {
            Some(w) => format!("the boolean {b} (written `{w}`)"),
            None => format!("the boolean {b}"),
        },
        Yaml::Number(n) => match written.filter(|w| *w != n.to_string()) {
            Some(w) => format!("the number {n} (written `{w}`)"),
            None => format!("the number {n}"),
        },
        Yaml::String(s) => format!("the text `{s}`"),
        Yaml::Sequence(_) => "a list".to_string(),
        Yaml::Mapping(_) => "a map of keys and values".to_string(),
        Yaml::Tagged(t) => found_words(&t.value, written),
    }
}

/// The value as JSON, to compare with `enum` and `const`.
fn to_json(v: &Yaml) -> Json {
    serde_json::to_value(v).unwrap_or(Json::Null)
}

/// The allowed types of a schema's `type`, if it has one.
fn types(s: &Map<String, Json>) -> Option<Vec<&str>> {
    match s.get("type")? {
        Json::String(t) => Some(vec![t.as_str()]),
        Json::Array(ts) => Some(ts.iter().filter_map(Json::as_str).collect()),
        _ => None,
    }
}

fn type_allows(types: &[&str], actual: &str) -> bool {
    types.contains(&actual) || (actual == "integer" && types.contains(&"number"))
}

/// A scalar as a short text for messages.
fn scalar_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl<'a> Walker<'a> {
    /// The schema a `$ref` names (`#/definitions/X` or `#/$defs/X`).
    fn resolve(&self, s: &'a Json) -> &'a Json {
        let mut s = s;
        for _ in 0..32 {
            let Some(r) = s.get("$ref").and_then(Json::as_str) else {
                return s;
            };
            let Some(pointer) = r.strip_prefix('#') else {
                return s;
            };
            match self.root.pointer(pointer) {
                Some(target) => s = target,
                None => return s,
            }
        }
        s
    }

    fn push(
        &mut self,
        place: &Place,
        code: Code,
        message: String,
        hint: Option<String>,
        removable: bool,
    ) {
        self.out.push(Finding {
            path: place.path.clone(),
            on_key: code == Code::UnknownKey,
            code,
            message,
            hint,
            removable,
            meant: None,
        });
    }

    /// What walking `v` against `s` would find, without reporting it (a union's branch, a
    /// `not`).
    fn findings(&self, s: &'a Json, v: &Yaml, place: &Place, removable: bool) -> Vec<Finding> {
        let mut inner = Walker {
            root: self.root,
            written: self.written,
            out: Vec::new(),
        };
        inner.walk(s, v, place, removable);
        inner.out
    }

    /// Walks `v` at `place` against `s`. `removable`: the key `v` is under may be left out.
    fn walk(&mut self, schema: &'a Json, v: &Yaml, place: &Place, removable: bool) {
        let s = self.resolve(schema);
        let whole = s;
        let Some(s) = s.as_object() else {
            if s == &Json::Bool(false) {
                let message = format!("{} is not allowed here", place.subject());
                self.push(place, Code::InvalidValue, message, None, removable);
            }
            return;
        };
        if let Yaml::Tagged(t) = v {
            return self.walk(whole, &t.value, place, removable);
        }
        if let Some(all) = s.get("allOf").and_then(Json::as_array) {
            for branch in all {
                self.walk(branch, v, place, removable);
            }
        }
        for union in ["oneOf", "anyOf"] {
            if let Some(branches) = s.get(union).and_then(Json::as_array) {
                if !self.union(branches, v, place, removable) {
                    return;
                }
            }
        }
        // An amount is read from its characters, as the loader reads it (its schema's
        // pattern, bounds and `not` say the same for editors).
        if s.contains_key("patternErrorMessage") && matches!(v, Yaml::Number(_) | Yaml::String(_)) {
            return self.amount(v, place, removable);
        }
        if let Some(not) = s.get("not") {
            if self.findings(not, v, place, removable).is_empty() {
                let message = match s.get("patternErrorMessage").and_then(Json::as_str) {
                    Some(m) => format!("{}: {m}", place.subject()),
                    None => format!("{} is not allowed here", place.subject()),
                };
                self.push(place, Code::InvalidValue, message, None, removable);
                return;
            }
        }
        let actual = json_type(v);
        if let Some(types) = types(s) {
            if !type_allows(&types, actual) {
                self.wrong_type(s, &types, v, place, removable);
                return;
            }
        }
        if let Some(options) = s.get("enum").and_then(Json::as_array) {
            let value = to_json(v);
            if !options.contains(&value) {
                self.not_one_of(options, v, place, removable);
                return;
            }
        }
        if let Some(c) = s.get("const") {
            if &to_json(v) != c {
                self.not_one_of(std::slice::from_ref(c), v, place, removable);
                return;
            }
        }
        match v {
            Yaml::Number(n) => self.bounds(s, n, place, removable),
            Yaml::Sequence(items) => self.list(s, items, place),
            Yaml::Mapping(map) => self.map(s, map, place),
            _ => {}
        }
    }

    /// A union: the branch the value names, else the one branch of its type, else any branch
    /// that takes it. Returns whether the caller goes on with the schema's other keywords.
    fn union(&mut self, branches: &'a [Json], v: &Yaml, place: &Place, removable: bool) -> bool {
        let resolved: Vec<&'a Json> = branches.iter().map(|b| self.resolve(b)).collect();
        // A branch that takes the value as it is ends the matter.
        let mut tried: Vec<Vec<Finding>> = Vec::new();
        for b in &resolved {
            let found = self.findings(b, v, place, removable);
            if found.is_empty() {
                return true;
            }
            tried.push(found);
        }
        let names = branch_names(&resolved);
        let of_type = branches_of_type(&resolved, v);
        // The branch the value names, else the one branch of its type.
        let read_as = named_branch(&names, v).or(match of_type[..] {
            [only] => Some(only),
            _ => None,
        });
        if let Some(branch) = read_as {
            self.out.append(&mut tried[branch]);
            return false;
        }
        // No branch takes a value of this type: the types they take.
        if of_type.is_empty() && self.types_of_union(&resolved, v, place, removable) {
            return false;
        }
        // A closed list of words (`status: utkast | forslag | beslutad`).
        if resolved.iter().all(|b| b.get("const").is_some()) {
            let options: Vec<Json> = resolved
                .iter()
                .filter_map(|b| b.get("const").cloned())
                .collect();
            self.not_one_of(&options, v, place, removable);
            return false;
        }
        if !names.is_empty() {
            self.unknown_kind(&names, v, place, removable);
            return false;
        }
        // Nothing names a branch: the fewest findings are the likeliest reading.
        if let Some(best) = tried.into_iter().min_by_key(Vec::len) {
            self.out.extend(best);
        }
        false
    }

    /// A value no branch of a union takes by type: the types they take, when they say any.
    /// Returns whether it reported.
    fn types_of_union(
        &mut self,
        resolved: &[&'a Json],
        v: &Yaml,
        place: &Place,
        removable: bool,
    ) -> bool {
        let mut all: Vec<&str> = Vec::new();
        for b in resolved {
            let ts = branch_types(b).unwrap_or_default();
            for t in ts {
                if !all.contains(&t) {
                    all.push(t);
                }
            }
        }
        if all.is_empty() {
            return false;
        }
        let union = Map::from_iter([("type".to_string(), Json::from(all.clone()))]);
        self.wrong_type(&union, &all, v, place, removable);
        true
    }

    /// A value of a union of kinds that names none of them: the kind it names, or what it is.
    fn unknown_kind(
        &mut self,
        names: &[(usize, String)],
        v: &Yaml,
        place: &Place,
        removable: bool,
    ) {
        let kinds: Vec<&str> = names.iter().map(|(_, n)| n.as_str()).collect();
        let written = match v {
            Yaml::Mapping(m) if m.len() == 1 => {
                m.keys().next().and_then(Yaml::as_str).map(str::to_string)
            }
            Yaml::String(s) => Some(s.clone()),
            _ => None,
        };
        let list = kinds
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let (message, hint) = match written {
            Some(w) => (
                format!("{} is of an unknown kind, `{w}`: the kinds are {list}", place.subject()),
                crate::suggest::did_you_mean(&w, &kinds),
            ),
            None => (
                format!(
                    "{} must be one of the kinds {list} (a map with one key naming its kind, or a bare word for the kinds without data); found {}",
                    place.subject(),
                    found_words(v, (self.written)(&place.path).as_deref())
                ),
                None,
            ),
        };
        self.push(place, Code::InvalidValue, message, hint, removable);
    }

    fn wrong_type(
        &mut self,
        s: &Map<String, Json>,
        types: &[&str],
        v: &Yaml,
        place: &Place,
        removable: bool,
    ) {
        let written = (self.written)(&place.path);
        let wanted: Vec<&str> = types
            .iter()
            .filter(|t| **t != "null")
            .map(|t| type_words(t))
            .collect();
        let mut wanted = if wanted.is_empty() {
            "empty".to_string()
        } else {
            wanted.join(" or ")
        };
        if let Some(example) = s
            .get("examples")
            .and_then(Json::as_array)
            .and_then(|e| e.first())
        {
            wanted.push_str(&format!(" like {}", scalar_text(example)));
        }
        let message = if place.path.is_empty() && v.is_null() {
            format!("the file is empty: it must be {wanted}")
        } else {
            format!(
                "{} must be {wanted}; found {}",
                place.subject(),
                found_words(v, written.as_deref())
            )
        };
        let hint = match (types.contains(&"string"), v) {
            (true, Yaml::Number(_) | Yaml::Bool(_)) => written
                .filter(|w| !w.contains(['"', '\\']))
                .map(|w| format!("if it is meant as text, put it in quotes: \"{w}\"")),
            (_, Yaml::Null) if place.path.is_empty() => {
                let required: Vec<String> = s
                    .get("required")
                    .and_then(Json::as_array)
                    .map(|r| {
                        r.iter()
                            .filter_map(Json::as_str)
                            .map(|k| format!("`{k}:`"))
                            .collect()
                    })
                    .unwrap_or_default();
                (!required.is_empty())
                    .then(|| format!("the file must have {}", required.join(", ")))
            }
            (_, Yaml::Null) => Some("write a value after the colon, or remove the key".to_string()),
            (false, Yaml::String(text)) if type_allows(types, "integer") && text.contains(',') => {
                Some("write numbers with a point for decimals and no spaces".to_string())
            }
            _ => None,
        };
        self.push(place, Code::WrongType, message, hint, removable);
    }

    fn not_one_of(&mut self, options: &[Json], v: &Yaml, place: &Place, removable: bool) {
        let allowed: Vec<String> = options
            .iter()
            .filter(|o| !o.is_null())
            .map(scalar_text)
            .collect();
        let written = match v {
            Yaml::String(s) => Some(s.clone()),
            _ => (self.written)(&place.path),
        };
        let list = allowed
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let message = match &written {
            Some(w) => format!("{} must be one of {list}; found `{w}`", place.subject()),
            None => format!("{} must be one of {list}", place.subject()),
        };
        let refs: Vec<&str> = allowed.iter().map(String::as_str).collect();
        let hint = written.and_then(|w| crate::suggest::did_you_mean(&w, &refs));
        self.push(place, Code::InvalidValue, message, hint, removable);
    }

    /// An amount, read from its characters as the loader reads it.
    fn amount(&mut self, v: &Yaml, place: &Place, removable: bool) {
        let text = match v {
            Yaml::String(s) => s.clone(),
            _ => match (self.written)(&place.path) {
                Some(w) => w,
                None => return,
            },
        };
        if let Err(message) = super::amount::parse(text.trim()) {
            let hint = super::amount::hint(&text);
            self.push(
                place,
                Code::InvalidValue,
                format!("{}: {message}", place.subject()),
                Some(hint),
                removable,
            );
        }
    }

    /// A whole number against the schema's bounds and integer format (a number with decimals
    /// is left to the loader, which names its type).
    fn bounds(
        &mut self,
        s: &Map<String, Json>,
        n: &serde_yaml::Number,
        place: &Place,
        removable: bool,
    ) {
        let whole = |j: &Json| {
            j.as_i64()
                .map(i128::from)
                .or_else(|| j.as_u64().map(i128::from))
        };
        let Some(x) = n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
        else {
            return;
        };
        let bound = |k: &str| s.get(k).and_then(whole);
        let (mut min, mut max) = (bound("minimum"), bound("maximum"));
        if let Some(m) = bound("exclusiveMinimum") {
            min = Some(min.map_or(m + 1, |x| x.max(m + 1)));
        }
        if let Some(m) = bound("exclusiveMaximum") {
            max = Some(max.map_or(m - 1, |x| x.min(m - 1)));
        }
        let (lo, hi) = match s.get("format").and_then(Json::as_str) {
            Some("uint8") => (0, i128::from(u8::MAX)),
            Some("uint16") => (0, i128::from(u16::MAX)),
            Some("uint32") => (0, i128::from(u32::MAX)),
            Some("uint64" | "uint") => (0, i128::from(u64::MAX)),
            Some("int8") => (i128::from(i8::MIN), i128::from(i8::MAX)),
            Some("int16") => (i128::from(i16::MIN), i128::from(i16::MAX)),
            Some("int32") => (i128::from(i32::MIN), i128::from(i32::MAX)),
            _ => (i128::MIN, i128::MAX),
        };
        let min = min.map_or(lo, |m| m.max(lo));
        let max = max.map_or(hi, |m| m.min(hi));
        if x < min || x > max {
            let range = match (min > i128::from(i64::MIN), max < i128::from(u64::MAX)) {
                (true, true) => format!("between {min} and {max}"),
                (true, false) => format!("at least {min}"),
                (false, true) => format!("at most {max}"),
                (false, false) => "within its range".to_string(),
            };
            let message = format!("{} must be {range}; found {n}", place.subject());
            self.push(place, Code::InvalidValue, message, None, removable);
        }
    }

    fn list(&mut self, s: &'a Map<String, Json>, items: &[Yaml], place: &Place) {
        let count = |k: &str| s.get(k).and_then(Json::as_u64).map(|n| n as usize);
        if let Some(min) = count("minItems").filter(|&m| items.len() < m) {
            let message = format!(
                "{} needs at least {min} items; it has {}",
                place.subject(),
                items.len()
            );
            self.push(place, Code::InvalidValue, message, None, false);
        }
        if let Some(max) = count("maxItems").filter(|&m| items.len() > m) {
            let message = format!(
                "{} takes at most {max} items; it has {}",
                place.subject(),
                items.len()
            );
            self.push(place, Code::InvalidValue, message, None, false);
        }
        let key = place.key.as_deref();
        match s.get("items") {
            Some(Json::Array(tuple)) => {
                for (i, (item, schema)) in items.iter().zip(tuple).enumerate() {
                    self.walk(schema, item, &place.child(&i.to_string(), key, true), false);
                }
            }
            Some(schema) => {
                for (i, item) in items.iter().enumerate() {
                    self.walk(schema, item, &place.child(&i.to_string(), key, true), false);
                }
            }
            None => {}
        }
    }

    /// A mapping: each key against its schema (or as an unknown key), then the keys it lacks.
    fn map(&mut self, s: &'a Map<String, Json>, map: &serde_yaml::Mapping, place: &Place) {
        static EMPTY: std::sync::OnceLock<Map<String, Json>> = std::sync::OnceLock::new();
        let properties = s
            .get("properties")
            .and_then(Json::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new));
        let required: Vec<&str> = s
            .get("required")
            .and_then(Json::as_array)
            .map(|r| r.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        let present = |r: &str| map.keys().any(|k| k.as_str() == Some(r));
        let mut keys = Keys {
            properties,
            known: properties.keys().map(String::as_str).collect(),
            missing: required.iter().copied().filter(|r| !present(r)).collect(),
            meant: Vec::new(),
        };
        for (k, value) in map {
            let key = key_text(k);
            let child = place.child(&key, Some(&key), false);
            let removable = !required.contains(&key.as_str());
            if let Some(schema) = properties.get(&key) {
                self.walk(schema, value, &child, removable);
                continue;
            }
            match s.get("additionalProperties") {
                Some(Json::Bool(false)) => self.unknown_key(&key, value, place, &mut keys),
                Some(schema @ Json::Object(_)) => self.walk(schema, value, &child, true),
                _ => {}
            }
        }
        for r in &keys.missing {
            if !keys.meant.contains(r) {
                self.missing_key(properties, r, place);
            }
        }
    }

    /// A key the mapping at `place` may not have: a misspelling of a key it lacks (its value
    /// then checked as that key's), else unknown, with the known keys.
    fn unknown_key(&mut self, key: &str, value: &Yaml, place: &Place, keys: &mut Keys<'a>) {
        let child = place.child(key, Some(key), false);
        let message = format!("unknown key `{key}`{}", place.within());
        // A misspelt key the mapping must have is one mistake, not two (an unknown key and a
        // missing one): the unknown key says which it is meant to be.
        let misspelt =
            crate::suggest::closest(key, &keys.missing).filter(|m| !keys.meant.contains(m));
        if let Some(m) = misspelt {
            keys.meant.push(m);
            let hint = format!(
                "did you mean `{m}`? {} must have `{m}`.",
                if place.path.is_empty() {
                    "The file".to_string()
                } else {
                    capitalized(&place.subject())
                }
            );
            self.push(&child, Code::UnknownKey, message, Some(hint), true);
            if let Some(last) = self.out.last_mut() {
                last.meant = Some(m.to_string());
            }
            // What the key holds is checked as the key it is meant to be.
            if let Some(schema) = keys.properties.get(m) {
                self.walk(schema, value, &place.child(key, Some(m), false), false);
            }
            return;
        }
        let hint = if keys.known.is_empty() {
            None
        } else {
            Some(crate::suggest::did_you_mean_or_list(
                key,
                &keys.known,
                "known keys: ",
            ))
        };
        self.push(&child, Code::UnknownKey, message, hint, true);
    }

    /// A required key `r` the mapping at `place` lacks, with what its schema says it is.
    fn missing_key(&mut self, properties: &'a Map<String, Json>, r: &str, place: &Place) {
        let message = if place.path.is_empty() {
            format!("`{r}` is missing: the file must have it")
        } else {
            format!("{} has no `{r}`, which it must have", place.subject())
        };
        let description = properties
            .get(r)
            .map(|p| self.resolve(p))
            .and_then(|p| p.get("description"))
            .and_then(Json::as_str)
            .map(|d| {
                format!(
                    "`{r}`: {}",
                    d.split("\n\n").next().unwrap_or(d).replace('\n', " ")
                )
            });
        self.push(place, Code::MissingKey, message, description, false);
    }
}

/// The keys a mapping's schema names, and those of them the mapping lacks.
struct Keys<'a> {
    /// The schema of each key the mapping may have.
    properties: &'a Map<String, Json>,
    /// The keys the mapping may have.
    known: Vec<&'a str>,
    /// The required keys the mapping lacks.
    missing: Vec<&'a str>,
    /// The missing keys an unknown key was taken for (misspelt).
    meant: Vec<&'a str>,
}

/// A mapping's key as text: a scalar as written, `~` for null, `?` for any other.
fn key_text(k: &Yaml) -> String {
    match k {
        Yaml::String(s) => s.clone(),
        Yaml::Number(n) => n.to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Null => "~".to_string(),
        _ => "?".to_string(),
    }
}

/// The branch of a union the value names: a map whose one key is a branch's one required
/// key, or a bare word that is a branch's `const`.
fn named_branch(names: &[(usize, String)], v: &Yaml) -> Option<usize> {
    let named = match v {
        Yaml::Mapping(m) if m.len() == 1 => m
            .keys()
            .next()
            .and_then(Yaml::as_str)
            .and_then(|k| names.iter().position(|(_, n)| n == k)),
        Yaml::String(word) => names.iter().position(|(_, n)| n == word),
        _ => None,
    };
    named.map(|i| names[i].0)
}

/// The branches of a union that take a value of `v`'s type (a nullable value's one non-null
/// branch).
fn branches_of_type(resolved: &[&Json], v: &Yaml) -> Vec<usize> {
    let actual = json_type(v);
    resolved
        .iter()
        .enumerate()
        .filter(|(_, b)| branch_types(b).is_none_or(|ts| type_allows(&ts, actual)))
        .map(|(i, _)| i)
        .collect()
}

/// The types a union's branch takes: its `type`, or for a branch that is only a `not` of
/// types (`{"not": {"type": [...]}}`, an optional choice's "empty only", shaped so editors do
/// not offer `null`) the types it leaves.
fn branch_types(b: &Json) -> Option<Vec<&'static str>> {
    const ALL: [&str; 7] = [
        "null", "boolean", "integer", "number", "string", "array", "object",
    ];
    let o = b.as_object()?;
    let named = |ts: Vec<&str>| -> Vec<&'static str> {
        ALL.iter().copied().filter(|a| ts.contains(a)).collect()
    };
    if let Some(ts) = types(o) {
        return Some(named(ts));
    }
    let not = o.get("not")?.as_object()?;
    if o.len() != 1 {
        return None;
    }
    let excluded = types(not)?;
    Some(
        ALL.iter()
            .copied()
            .filter(|a| !type_allows(&excluded, a))
            .collect(),
    )
}

/// For each branch that a value can name, the branch's index and its name: the one required
/// key of a map branch, the `const` of a bare word.
fn branch_names(branches: &[&Json]) -> Vec<(usize, String)> {
    branches
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            if let Some(c) = b.get("const").and_then(Json::as_str) {
                return Some((i, c.to_string()));
            }
            let required = b.get("required")?.as_array()?;
            match &required[..] {
                [Json::String(key)]
                    if b.get("properties")
                        .and_then(|p| p.as_object())
                        .is_some_and(|p| p.len() == 1) =>
                {
                    Some((i, key.clone()))
                }
                _ => None,
            }
        })
        .collect()
}

/// What the loader changes in a file's text to read it without its mistakes: a key and its
/// value blanked out, or a misspelt key spelled as meant.
pub enum Repair<'p> {
    Remove(&'p str),
    Rename(&'p str, &'p str),
}

/// The text with the repairs made: a removed key and its value replaced by spaces, line breaks
/// kept (so every other value stays on its line), with a comma that separated it in a flow
/// collection; a renamed key written as meant. `None` when one of them cannot be made safely
/// (it is not a key's value, or sits after a `- ` item marker that would then hold nothing).
pub fn repaired(text: &str, index: &super::spans::SpanIndex, repairs: &[Repair]) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    // (start, end, replacement) in characters; `None` blanks the range.
    let mut edits: Vec<(usize, usize, Option<&str>)> = Vec::new();
    for repair in repairs {
        let path = match repair {
            Repair::Remove(p) | Repair::Rename(p, _) => *p,
        };
        let extent = index.extent(path)?;
        let key = extent.key?;
        if let Repair::Rename(_, to) = repair {
            if key.end <= key.start || key.end > chars.len() {
                return None;
            }
            edits.push((key.start, key.end, Some(to)));
            continue;
        }
        let mut start = key.start;
        let mut end = extent.end.max(extent.start);
        if end > chars.len() || start > end {
            return None;
        }
        let mut after = end;
        while after < chars.len() && matches!(chars[after], ' ' | '\t') {
            after += 1;
        }
        let line_start = chars[..start]
            .iter()
            .rposition(|&c| c == '\n')
            .map_or(0, |i| i + 1);
        let before_on_line: String = chars[line_start..start].iter().collect();
        let in_flow =
            before_on_line.contains(['{', ',']) || matches!(chars.get(after), Some(',' | '}'));
        if in_flow {
            // A flow collection's separator goes with the entry: the comma after it, or else
            // the one before it.
            if chars.get(after) == Some(&',') {
                end = after + 1;
            } else {
                let mut before = start;
                while before > 0 && chars[before - 1].is_whitespace() {
                    before -= 1;
                }
                if before > 0 && chars[before - 1] == ',' {
                    start = before - 1;
                }
            }
        } else if before_on_line.trim_start().starts_with('-') {
            return None;
        }
        edits.push((start, end, None));
    }
    edits.sort_by_key(|e| e.0);
    if edits.windows(2).any(|w| w[0].1 > w[1].0) {
        return None; // overlapping
    }
    // One pass over the text, however many edits.
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, replacement) in edits {
        out.extend(&chars[at..start]);
        match replacement {
            Some(to) => out.push_str(to),
            None => out.extend(chars[start..end].iter().map(|&c| {
                if c == '\n' || c == '\r' {
                    c
                } else {
                    ' '
                }
            })),
        }
        at = end;
    }
    out.extend(&chars[at..]);
    Some(out)
}

/// `an item of …` → `An item of …`.
fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::spans::SpanIndex;

    fn table_findings(text: &str) -> Vec<Finding> {
        findings_of_kind("table", text).expect("YAML")
    }

    const TABLE: &str = "id: t\nunit: tkr\ncolumns:\n  - {id: a, title: A, precision: 0}\nrows:\n  - {id: r, label: R, values: [12]}\n  - id: s\n    label: S\n    kind: sum\n    sum: all\n";

    #[test]
    fn a_valid_file_has_no_findings() {
        assert_eq!(table_findings(TABLE), vec![]);
    }

    #[test]
    fn every_mistake_of_a_file_with_its_path_and_kind() {
        let text = TABLE
            .replace("unit: tkr", "unitt: tkr")
            .replace("precision: 0", "precision: noll")
            .replace("kind: sum", "kind: summa")
            .replace("label: R,", "label: R, colour: red,");
        let found: Vec<(String, Code, bool)> = table_findings(&text)
            .into_iter()
            .map(|f| (f.path, f.code, f.removable))
            .collect();
        assert_eq!(
            found,
            vec![
                ("unitt".into(), Code::UnknownKey, true),
                // A column must have its precision: read without it, it would be wrong anew.
                ("columns.0.precision".into(), Code::WrongType, false),
                ("rows.0.colour".into(), Code::UnknownKey, true),
                ("rows.1.kind".into(), Code::InvalidValue, true),
            ]
        );
        let misspelt = &table_findings(&text)[0];
        assert_eq!(misspelt.meant.as_deref(), Some("unit"));
    }

    #[test]
    fn a_missing_key_and_a_block_of_an_unknown_kind() {
        let chapter =
            "id: c\nblocks:\n  - txt: Hej\n  - section: {id: s, titel: S}\n  - perspectives\n";
        let found = findings_of_kind("chapter", chapter).unwrap();
        let messages: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
        assert!(
            messages.contains(&"`title` is missing: the file must have it"),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("an item of `blocks` is of an unknown kind, `txt`")),
            "{messages:?}"
        );
        // The section is walked as a section: its misspelt title is one mistake inside it.
        let titel = found
            .iter()
            .find(|f| f.path == "blocks.1.section.titel")
            .unwrap();
        assert_eq!(titel.meant.as_deref(), Some("title"));
        assert_eq!(found.len(), 3, "{messages:?}");
    }

    #[test]
    fn a_repaired_text_keeps_every_other_value_where_it_was() {
        let text = "id: t\nunitt: tkr\ncaption: |\n  två\n  rader\nrows:\n  - {id: r, colour: red, label: R}\n  - {id: s, label: S, colour: blå}\n";
        let index = SpanIndex::new(text);
        let out = repaired(
            text,
            &index,
            &[
                Repair::Rename("unitt", "unit"),
                Repair::Remove("caption"),
                Repair::Remove("rows.0.colour"),
                Repair::Remove("rows.1.colour"),
            ],
        )
        .unwrap();
        assert_eq!(
            out,
            "id: t\nunit: tkr\n          \n     \n       \nrows:\n  - {id: r,              label: R}\n  - {id: s, label: S             }\n"
        );
        let value: serde_yaml::Value = serde_yaml::from_str(&out).unwrap();
        assert_eq!(value["rows"][1]["label"], serde_yaml::Value::from("S"));
        assert!(value.get("caption").is_none());
        assert_eq!(out.lines().count(), text.lines().count());
    }

    #[test]
    fn a_first_key_of_an_item_is_not_blanked_out() {
        let text = "rows:\n  - colour: red\n    id: r\n";
        let index = SpanIndex::new(text);
        assert_eq!(
            repaired(text, &index, &[Repair::Remove("rows.0.colour")]),
            None
        );
    }
}
