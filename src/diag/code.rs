//! The stable code of every kind of diagnostic: an id (`VP001`) that tools may match on and
//! that is never reused for another kind, a short kebab-case name (`yaml-syntax`) and a
//! one-line summary. `docs/diagnostics.md` lists them all (a test keeps the two in step).

use std::fmt;

use serde::{Serialize, Serializer};

/// The severity a kind of diagnostic usually has (some kinds are an error or a warning by the
/// plan's status or by what is at stake).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usual {
    Error,
    Warning,
    Either,
}

impl Usual {
    pub fn as_str(self) -> &'static str {
        match self {
            Usual::Error => "error",
            Usual::Warning => "warning",
            Usual::Either => "error or warning",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $id:literal, $name:literal, $usual:ident, $summary:literal;)*) => {
        /// The kind of a diagnostic. Ids are unique and never reused: a kind that goes away
        /// leaves its id unused.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in the order of their ids.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable id, `VP001`.
            pub fn id(self) -> &'static str {
                match self {
                    $(Code::$variant => $id,)*
                }
            }

            /// The short kebab-case name, `yaml-syntax`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// The severity diagnostics of this kind usually have.
            pub fn usual(self) -> Usual {
                match self {
                    $(Code::$variant => Usual::$usual,)*
                }
            }

            /// One line on what the kind is.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }
        }
    };
}

codes! {
    YamlSyntax = "VP001", "yaml-syntax", Error,
        "The file is not YAML vplan reads: a syntax error, nesting too deep, aliases that expand too far, a second document or a tag.";
    DuplicateKey = "VP002", "duplicate-key", Error,
        "A key given twice in one mapping.";
    UnknownKey = "VP003", "unknown-key", Error,
        "A key the content format does not have.";
    WrongType = "VP004", "wrong-type", Error,
        "A value of the wrong type: a list where a text belongs, a text where a number does.";
    InvalidValue = "VP005", "invalid-value", Error,
        "A value not among the allowed ones, or out of its range.";
    MissingKey = "VP006", "missing-key", Error,
        "A key that must be given is missing.";
    MissingFile = "VP007", "missing-file", Error,
        "A file or folder the plan needs is missing.";
    FileNotRead = "VP008", "file-not-read", Warning,
        "A file or folder in the content directory that vplan does not read.";
    UnreadableFile = "VP009", "unreadable-file", Error,
        "A file that cannot be read: not UTF-8, too large, not a regular file, a link out of the content directory.";
    DuplicateId = "VP010", "duplicate-id", Error,
        "An id (of a table, row, column, chapter, report, entry, …) used twice, or an item followed up twice.";
    InvalidId = "VP011", "invalid-id", Error,
        "An id that is not a slug, or one vplan reserves for itself.";
    UnknownReference = "VP012", "unknown-reference", Error,
        "A reference to a table, column, row, appendix, goal, assignment or risk that does not exist.";
    ControlMismatch = "VP013", "control-mismatch", Error,
        "A typed total (a control figure) that disagrees with the one computed from the rows.";
    UnitMismatch = "VP014", "unit-mismatch", Error,
        "Figures of different units added, compared or referred to together.";
    Precision = "VP015", "precision", Error,
        "An amount with more decimals than its column prints, or more digits than an amount may have.";
    BudgetFrame = "VP016", "budget-frame", Error,
        "The budget frame and the figure it bounds disagree, or the frame itself is wrong.";
    AmountSpelling = "VP017", "amount-spelling", Either,
        "An amount written in a form that is not read as it is written (quoted, `1e3`, `[12,4]`).";
    TableShape = "VP018", "table-shape", Error,
        "A table of the wrong shape: a row of the wrong width, too many rows or columns, a sum row without a sum, typed values where they are computed.";
    Computation = "VP019", "computation", Error,
        "Figures that cannot be computed: a cycle, a figure counted twice, a sum over nothing, an overflow.";
    InvalidDate = "VP020", "invalid-date", Error,
        "A date that is not a date (YYYY-MM-DD), or a year or period out of place.";
    Decision = "VP021", "decision", Error,
        "The decision (beslut) or the decision paper (tjänsteskrivelse) is incomplete or contradicts itself.";
    Unfinished = "VP022", "unfinished", Either,
        "Something still to do: a placeholder (an error where a decided document prints it), guidance text or a carried-over mark, a table without amounts, something not placed.";
    EmptyText = "VP023", "empty-text", Error,
        "A title, label or alternative text that is empty where one is printed.";
    Glyph = "VP024", "glyph", Either,
        "A character the fonts lack or PDF/UA forbids: invisible direction controls, characters inside numbers, private-use characters.";
    Markdown = "VP025", "markdown", Either,
        "Markdown in prose that is not printed as written: HTML, strikethrough, footnotes, broken links, images.";
    Heading = "VP026", "heading", Either,
        "Headings in prose that break the document's outline.";
    TextLength = "VP027", "text-length", Error,
        "A title, label or alternative text longer than may be printed.";
    FigureReference = "VP028", "figure-reference", Error,
        "A figure reference in prose (`{{ table/row/column }}`) that cannot be resolved or printed.";
    Chart = "VP029", "chart", Either,
        "A chart that breaks the chart rules.";
    Logo = "VP030", "logo", Error,
        "The cover logo cannot be read or used.";
    ReportIncomplete = "VP031", "report-incomplete", Warning,
        "A follow-up report that leaves something out: a goal not assessed, an item without an entry, no outcome yet.";
    ReportMismatch = "VP032", "report-mismatch", Either,
        "A follow-up report that does not fit its plan or period: profiles, periods, outcomes, texts it cannot print.";
    Template = "VP033", "template", Error,
        "A template (minijinja) that fails to render.";
    Typeset = "VP034", "typeset", Error,
        "Typst fails to typeset the rendered document.";
    FileName = "VP035", "file-name", Error,
        "Two documents would be written to the same file, or a document's file name is not usable.";
    SheetImport = "VP036", "sheet-import", Error,
        "A spreadsheet that cannot be imported into the content.";
    Usage = "VP037", "usage", Error,
        "The command line cannot be carried out (exit 2): a missing content directory, conflicting options.";
    Io = "VP038", "io", Error,
        "A file could not be read or written (exit 2).";
}

/// Ids of kinds that went away: never given to another kind. (A kind removed from [`Code`]
/// adds its id here and to the retired list of `docs/diagnostics.md`.)
pub const RETIRED: &[&str] = &[];

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A code serializes as its id.
impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        for (i, c) in Code::ALL.iter().enumerate() {
            assert!(ids.insert(c.id()), "{c:?}");
            assert!(names.insert(c.name()), "{c:?}");
            assert!(i == 0 || Code::ALL[i - 1].id() < c.id(), "ids in order");
            assert!(c.id().len() == 5 && c.id().starts_with("VP"), "{c:?}");
            assert!(!RETIRED.contains(&c.id()), "{c:?} reuses a retired id");
            assert!(c
                .name()
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch == '-'));
            assert!(!c.summary().contains('\n'));
        }
    }

    #[test]
    fn the_schema_validator_has_its_four_codes() {
        for (code, name) in [
            (Code::UnknownKey, "unknown-key"),
            (Code::WrongType, "wrong-type"),
            (Code::InvalidValue, "invalid-value"),
            (Code::MissingKey, "missing-key"),
        ] {
            assert_eq!(code.name(), name);
        }
    }
}
