//! The two sides of a diff: a directory, or a git revision read with the `git` program into
//! a temporary directory (the working tree and the index are never touched).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::{Context, Error, IoContext, Result};

use crate::pipeline::{self, Checked};

/// Where one side of the diff comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    /// A content directory on disk (the working tree when none was named).
    Dir(PathBuf),
    /// A git revision, read from the repository that holds the content directory.
    Rev(String),
}

impl Side {
    /// A name for the report: `HEAD`, `v1`, a directory path, or `working tree`.
    pub fn label(&self, content: &Path) -> String {
        match self {
            Side::Rev(r) => r.clone(),
            Side::Dir(d) if d == content => "working tree".into(),
            Side::Dir(d) => d.display().to_string(),
        }
    }
}

/// Resolves the `[OLD] [NEW]` arguments: none compares `HEAD` with the working tree, one
/// compares it with the working tree, two compare each other. An argument that is a
/// directory is a content directory (or a project directory with `content/`); anything else
/// is a git revision.
pub fn sides(content: &Path, old: Option<&str>, new: Option<&str>) -> Result<(Side, Side)> {
    let side = |arg: &str| -> Result<Side> {
        let path = Path::new(arg);
        if path.is_dir() {
            if path.join("plan.yaml").is_file() {
                return Ok(Side::Dir(path.to_path_buf()));
            }
            if path.join("content/plan.yaml").is_file() {
                return Ok(Side::Dir(path.join("content")));
            }
            crate::usage!("{arg} is a directory without plan.yaml or content/plan.yaml");
        }
        Ok(Side::Rev(arg.to_string()))
    };
    let work = Side::Dir(content.to_path_buf());
    Ok(match (old, new) {
        (None, _) => (Side::Rev("HEAD".into()), work),
        (Some(o), None) => (side(o)?, work),
        (Some(o), Some(n)) => (side(o)?, side(n)?),
    })
}

/// A loaded side, with the temporary directory that holds a revision's files.
pub struct Loaded {
    pub checked: Checked,
    pub label: String,
    _tmp: Option<tempfile::TempDir>,
}

/// Loads, checks and computes one side. Content errors are printed (with the revision's
/// paths as `REV:path`) and returned as a plain error: for `diff`, any error is exit 2.
pub fn load(side: &Side, content: &Path) -> Result<Loaded> {
    let quiet = crate::progress::Silent;
    let label = side.label(content);
    let (dir, tmp, shown_as) = match side {
        Side::Dir(d) => (d.clone(), None, None),
        Side::Rev(rev) => {
            let (tmp, dir, prefix) = export(rev, content)?;
            let shown = format!("{rev}:{prefix}");
            (dir, Some(tmp), Some(shown))
        }
    };
    // A revision's files are shown as `REV:path`, not as the temporary copy.
    let shown = |diagnostics: &mut [crate::diag::Diagnostic]| {
        if let Some(shown) = &shown_as {
            for d in diagnostics {
                if let Some(rel) = d.file.as_deref().and_then(|f| f.strip_prefix(&dir).ok()) {
                    d.file = Some(PathBuf::from(format!("{shown}{}", rel.display())));
                }
            }
        }
    };
    match pipeline::load(&dir, &Default::default(), &quiet) {
        Ok(mut checked) => {
            // A report with errors stops only a diff that names it (`--report`).
            for draft in &mut checked.drafts {
                shown(&mut draft.diagnostics);
            }
            Ok(Loaded {
                checked,
                label,
                _tmp: tmp,
            })
        }
        Err(Error::Content(mut diagnostics)) => {
            shown(&mut diagnostics);
            Err(Error::Side {
                what: format!("the plan in {label}"),
                diagnostics,
            })
        }
        Err(e) => Err(e.context(format!("cannot load the plan in {label}"))),
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("cannot run git (is it installed?); it is needed to read revisions")?;
    if !out.status.success() {
        crate::usage!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .trim_end_matches('\n')
        .to_string())
}

/// Writes the content directory as it is in `rev` into a temporary directory. Returns the
/// directory, the content directory in it, and the content's path in the repository.
fn export(rev: &str, content: &Path) -> Result<(tempfile::TempDir, PathBuf, String)> {
    let (top, prefix) = repository_of(content)?;
    let commit = commit_of(&top, rev)?;
    let blobs = blobs_under(&top, &commit, &prefix)?;
    if !blobs.iter().any(|(rel, _)| rel == "plan.yaml") {
        crate::usage!("revision `{rev}` has no {prefix}plan.yaml");
    }
    let tmp = tempfile::tempdir().context("cannot create a temporary directory")?;
    let dir = tmp.path().join("content");
    write_blobs(&top, &blobs, &dir)?;
    Ok((tmp, dir, prefix))
}

/// The top of the repository that holds the content directory (or, if it no longer exists,
/// the nearest existing parent), and the content's path in it (`a/b/`, empty at the top).
fn repository_of(content: &Path) -> Result<(PathBuf, String)> {
    let abs = std::path::absolute(content).at("resolve", content)?;
    let mut probe = abs.as_path();
    while !probe.is_dir() {
        probe = probe.parent().ok_or_else(|| {
            crate::error::usage_error!("{} is not in a git repository", content.display())
        })?;
    }
    let top = PathBuf::from(
        git(probe, &["rev-parse", "--show-toplevel"])
            .map_err(|e| e.context(format!("{} is not in a git repository", content.display())))?,
    );
    let top = fs::canonicalize(&top).unwrap_or(top);
    let canonical_probe = fs::canonicalize(probe).at("read", probe)?;
    let rest = abs.strip_prefix(probe).unwrap_or(Path::new(""));
    let content_in_repo = canonical_probe.join(rest);
    let prefix = content_in_repo
        .strip_prefix(&top)
        .map_err(|_| {
            crate::error::usage_error!(
                "{} is outside the git repository {}",
                content.display(),
                top.display()
            )
        })?
        .to_string_lossy()
        .replace('\\', "/");
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    };
    Ok((top, prefix))
}

/// The commit `rev` names in the repository at `top`.
fn commit_of(top: &Path, rev: &str) -> Result<String> {
    git(
        top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )
    .map_err(|_| {
        crate::error::usage_error!(
            "`{rev}` is neither a directory nor a revision of the git repository {}",
            top.display()
        )
    })
}

/// The regular files under `prefix` in `commit`: each one's path below `prefix` and its
/// blob's hash.
fn blobs_under(top: &Path, commit: &str, prefix: &str) -> Result<Vec<(String, String)>> {
    let listing = git(
        top,
        &["ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix],
    )?;
    let mut blobs = Vec::new();
    for entry in listing.split('\0').filter(|e| !e.is_empty()) {
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split(' ');
        let (mode, kind, hash) = (meta.next(), meta.next(), meta.next());
        // Regular files only: no symlinks (120000), no submodules.
        if kind != Some("blob") || mode == Some("120000") {
            continue;
        }
        let Some(rel) = path.strip_prefix(prefix) else {
            continue;
        };
        if rel.split('/').any(|c| c == ".." || c.is_empty()) {
            continue;
        }
        blobs.push((rel.to_string(), hash.unwrap_or_default().to_string()));
    }
    Ok(blobs)
}

/// Writes each blob at its path under `dir`.
fn write_blobs(top: &Path, blobs: &[(String, String)], dir: &Path) -> Result<()> {
    let contents = cat_blobs(top, blobs.iter().map(|(_, h)| h.as_str()))?;
    for ((rel, _), bytes) in blobs.iter().zip(contents) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).at("create", parent)?;
        }
        fs::write(&path, bytes).at("write", &path)?;
    }
    Ok(())
}

/// The contents of blobs, read with one `git cat-file --batch`.
fn cat_blobs<'a>(top: &Path, hashes: impl Iterator<Item = &'a str>) -> Result<Vec<Vec<u8>>> {
    let hashes: Vec<&str> = hashes.collect();
    let mut child = Command::new("git")
        .current_dir(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot run git cat-file")?;
    let mut stdin = child.stdin.take().expect("piped");
    let input = hashes.join("\n") + "\n";
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut out = Vec::new();
    child
        .stdout
        .take()
        .expect("piped")
        .read_to_end(&mut out)
        .context("cannot read the output of git cat-file")?;
    writer
        .join()
        .map_err(|_| crate::error::usage_error!("git cat-file: writer failed"))?
        .context("cannot write to git cat-file")?;
    child.wait().context("git cat-file failed")?;
    let mut blobs = Vec::new();
    let mut rest = out.as_slice();
    for _ in &hashes {
        let nl = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or_else(|| crate::error::usage_error!("git cat-file: short output"))?;
        let header = String::from_utf8_lossy(&rest[..nl]).to_string();
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| crate::error::usage_error!("git cat-file: unexpected `{header}`"))?;
        let body = rest
            .get(nl + 1..nl + 1 + size)
            .ok_or_else(|| crate::error::usage_error!("git cat-file: short output"))?;
        blobs.push(body.to_vec());
        rest = rest.get(nl + 2 + size..).unwrap_or(&[]);
    }
    Ok(blobs)
}
