//! The path of a value in a content file, as the span index ([`super::spans::SpanIndex`]) knows
//! it: mapping keys and sequence indices from the document down, joined with `.`
//! (`perspectives.0.goals.2.indicators.1.id`; the document itself is the empty path).
//!
//! Diagnostics find their file, line and column through a path. A path is built one segment at
//! a time, a key with [`ValuePath::key`] and an index with [`ValuePath::index`], never formatted
//! as a string: the segments are the serde names of the model's fields. Whether a key is spelt
//! as the file writes it is checked where the path is looked up: in a debug build
//! [`super::Plan::pos`] asserts that the value is written at exactly that path, so a misspelt
//! key fails every test that reports there instead of falling back silently to an ancestor's
//! line. A value that may legitimately be absent (a required key left out, a default) is looked
//! up with [`super::Plan::pos_or_ancestor`], which says so.

use std::fmt;

/// A value's path in its file (see the module's documentation). Displayed as the span index
/// writes it, which is also the form of the `// @content PATH FILE` markers of generated Typst.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ValuePath(String);

impl ValuePath {
    /// The document itself.
    pub const ROOT: ValuePath = ValuePath(String::new());

    /// The value of the document's key `key`: `ValuePath::of("id")`.
    pub fn of(key: &str) -> Self {
        Self::ROOT.key(key)
    }

    /// The value of this mapping's key `key` (one segment: the serde name of a field, or a
    /// key of a map such as a column id).
    pub fn key(&self, key: &str) -> Self {
        self.push(key)
    }

    /// The `i`th item (0-based) of this sequence.
    pub fn index(&self, i: usize) -> Self {
        self.push(i)
    }

    /// `rest` (a path relative to this value) below this value.
    pub fn join(&self, rest: &ValuePath) -> Self {
        if rest.0.is_empty() {
            return self.clone();
        }
        self.push(&rest.0)
    }

    /// A path as it is written out, read back (the `// @content` markers of generated Typst).
    pub fn parse(text: &str) -> Self {
        ValuePath(text.to_string())
    }

    /// The path as the span index writes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last segment (the key or index the value has in its parent); `""` for the document.
    pub fn last(&self) -> &str {
        self.0.rsplit('.').next().unwrap_or("")
    }

    fn push(&self, segment: impl fmt::Display) -> Self {
        if self.0.is_empty() {
            ValuePath(segment.to_string())
        } else {
            ValuePath(format!("{}.{segment}", self.0))
        }
    }
}

impl fmt::Display for ValuePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::ValuePath;

    #[test]
    fn displays_as_the_span_index_writes_paths() {
        let p = ValuePath::of("perspectives")
            .index(0)
            .key("goals")
            .index(2)
            .key("indicators")
            .index(1)
            .key("id");
        assert_eq!(p.to_string(), "perspectives.0.goals.2.indicators.1.id");
        assert_eq!(ValuePath::ROOT.as_str(), "");
        assert_eq!(ValuePath::ROOT.index(3).as_str(), "3");
        assert_eq!(p.last(), "id");
        let rest = ValuePath::of("texts").key("sammanfattning");
        assert_eq!(
            ValuePath::of("tjansteskrivelse").join(&rest).as_str(),
            "tjansteskrivelse.texts.sammanfattning"
        );
        assert_eq!(rest.join(&ValuePath::ROOT), rest);
    }
}
