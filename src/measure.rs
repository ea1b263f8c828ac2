//! What the benchmarks share (`vplan bench`, `vplan bench --preview`): an edit of a content
//! file switched on and off, and what the process uses (memory, CPU time).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Context, IoContext, Result};

/// An edit of one content file that can be switched on and off, for the benchmarks (`vplan
/// bench`, `vplan bench --preview`): one word of the first chapter in upper case, or the first
/// amount of the first table plus one.
pub struct Toggle {
    file: PathBuf,
    original: String,
    edited: String,
    label: String,
    /// Where the edit is in the original text, and what stands there.
    at: std::ops::Range<usize>,
    base: Base,
}

/// What a [`Toggle`] edits.
enum Base {
    Word(String),
    Amount(rust_decimal::Decimal),
}

impl Toggle {
    pub fn word(content: &Path) -> Result<Toggle> {
        let file = first_file(&content.join("chapters"))?;
        let original = fs::read_to_string(&file).at("read", &file)?;
        // The longest line is prose; its first long word is the one edited.
        let line = original.lines().max_by_key(|l| l.len()).unwrap_or_default();
        let word = line
            .split(|c: char| !c.is_alphabetic())
            .find(|w| w.chars().count() >= 6)
            .context("no word to edit in the first chapter")?;
        let new_line = line.replacen(word, &word.to_uppercase(), 1);
        let edited = original.replacen(line, &new_line, 1);
        // Both are slices of `original`: the word's place is its offset in it.
        let start = word.as_ptr() as usize - original.as_ptr() as usize;
        Ok(Toggle {
            label: format!("“{word}”"),
            at: start..start + word.len(),
            base: Base::Word(word.to_string()),
            file,
            original,
            edited,
        })
    }

    pub fn amount(content: &Path) -> Result<Toggle> {
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(content.join("tables"))
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        files.sort();
        for file in files {
            let original = fs::read_to_string(&file).at("read", &file)?;
            let Some(at) = original.find("values: [") else {
                continue;
            };
            let start = at + "values: [".len();
            let rest = &original[start..];
            let len = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                .unwrap_or(0);
            let from = &rest[..len];
            let Ok(value) = from.parse::<rust_decimal::Decimal>() else {
                continue;
            };
            let to = (value + rust_decimal::Decimal::ONE).to_string();
            let mut edited = original.clone();
            edited.replace_range(start..start + len, &to);
            return Ok(Toggle {
                label: format!("{from} → {to}"),
                at: start..start + len,
                base: Base::Amount(value),
                file,
                original,
                edited,
            });
        }
        crate::usage!(
            "no amount to edit under {}",
            content.join("tables").display()
        )
    }

    pub fn apply(&self, on: bool) -> Result<()> {
        let text = if on { &self.edited } else { &self.original };
        fs::write(&self.file, text).at("write", &self.file)
    }

    /// Writes the `n`-th of a series of edits, each unlike all before it (0: the text as it
    /// was): the word with `n` after it, the amount plus `n`. Switched on and off, an edit
    /// gives Typst the same two sources again and again; a series of new ones is what a
    /// person typing gives it.
    pub fn apply_nth(&self, n: usize) -> Result<()> {
        let with = match &self.base {
            Base::Word(word) if n > 0 => format!("{word}{n}"),
            Base::Word(word) => word.clone(),
            Base::Amount(value) => (*value + rust_decimal::Decimal::from(n)).to_string(),
        };
        let mut text = self.original.clone();
        text.replace_range(self.at.clone(), &with);
        fs::write(&self.file, text).at("write", &self.file)
    }

    pub fn describe(&self) -> &str {
        &self.label
    }
}

fn first_file(dir: &Path) -> Result<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .at("read", dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .next()
        .with_context(|| format!("no YAML file in {}", dir.display()))
}

/// Resident and peak memory of this process in KiB, where the system tells (Linux).
pub fn memory_kib() -> (Option<u64>, Option<u64>) {
    let Ok(status) = fs::read_to_string("/proc/self/status") else {
        return (None, None);
    };
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The CPU time this process has used (user and system), where the system tells.
#[cfg(unix)]
pub fn cpu_time() -> Option<Duration> {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return None;
        }
        usage
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    Some(time(usage.ru_utime) + time(usage.ru_stime))
}

/// The CPU time this process has used: not known here.
#[cfg(not(unix))]
pub fn cpu_time() -> Option<Duration> {
    None
}
