//! Where the templates come from: the built-in set, compiled into the binary from the
//! repository's `templates/`, with a project's own templates directory laid over it file by
//! file (as mdBook's themes and zola's built-in templates are): a file in the directory is used
//! instead of the built-in file of the same name, every other file comes from the built-in set.
//! So `vplan` builds anywhere with nothing but its binary, and a project changes only the files
//! it needs to.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::error::{Context, IoContext, Result};

/// The built-in templates, by name: the files of the repository's `templates/`, compiled in.
/// (A test checks that this is exactly that directory's list of files.)
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "blocks.typ.j2",
        include_str!("../../templates/blocks.typ.j2"),
    ),
    ("diff.typ.j2", include_str!("../../templates/diff.typ.j2")),
    ("plan.typ.j2", include_str!("../../templates/plan.typ.j2")),
    (
        "tjansteskrivelse.typ.j2",
        include_str!("../../templates/tjansteskrivelse.typ.j2"),
    ),
    ("vplan.typ", include_str!("../../templates/vplan.typ")),
];

/// The project's templates directory when none is named: `templates`, relative to the working
/// directory (as the content's `content` is).
pub const DEFAULT_DIR: &str = "templates";

/// Largest file of a project's templates directory vplan reads (a template is a few
/// kilobytes; an image or a font beside the templates may be a few megabytes).
pub const MAX_TEMPLATE_BYTES: u64 = 64 * 1024 * 1024;

/// The source of a build's templates: the built-in set, and optionally a directory whose files
/// replace the built-in ones of the same name (and may add files of their own, such as a
/// static Typst file a changed template imports).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Templates {
    dir: Option<PathBuf>,
}

impl Templates {
    /// The built-in templates alone.
    pub fn built_in() -> Self {
        Templates { dir: None }
    }

    /// The built-in templates with the files of `dir` over them. `dir` must be a directory: a
    /// directory that was named and is missing is a typo, never a silent fall-back to the
    /// built-in set.
    pub fn with_dir(dir: &Path) -> Result<Self> {
        if !dir.is_dir() {
            if dir.exists() {
                crate::usage!("templates directory {} is not a directory", dir.display());
            }
            crate::usage!(
                "templates directory {} does not exist: check the name, or leave out --templates to build with the built-in templates (`vplan templates --out DIR` writes them for customising)",
                dir.display()
            );
        }
        Ok(Templates {
            dir: Some(dir.to_path_buf()),
        })
    }

    /// The templates of a command: the directory given (which must exist), or else
    /// [`DEFAULT_DIR`] over the built-in set when it exists, or else the built-in set alone.
    pub fn locate(given: Option<&Path>) -> Result<Self> {
        match given {
            Some(dir) => Self::with_dir(dir),
            None if Path::new(DEFAULT_DIR).exists() => Self::with_dir(Path::new(DEFAULT_DIR)),
            None => Ok(Self::built_in()),
        }
    }

    /// The directory laid over the built-in set, if any.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Reads every file: the built-in ones, and the directory's in place of those of the same
    /// name. The files are read now, once: a build sees one consistent set.
    pub fn read(&self) -> Result<TemplateFiles> {
        let mut files: Vec<TemplateFile> = BUILT_IN
            .iter()
            .map(|(name, text)| TemplateFile {
                name: (*name).to_string(),
                bytes: Cow::Borrowed(text.as_bytes()),
                shown: built_in_name(name),
            })
            .collect();
        if let Some(dir) = &self.dir {
            for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
                let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
                let path = entry.path();
                let kind = entry.file_type();
                if !kind.is_file() && !kind.is_dir() && !kind.is_symlink() {
                    // A FIFO or a device is never read (it could wait or never end), and
                    // never passed over for the built-in file without a word.
                    let meta = std::fs::symlink_metadata(path).at("read", path)?;
                    crate::usage!(
                        "cannot read the template {}: it is {}, not a regular file",
                        path.display(),
                        crate::files::kind(&meta)
                    );
                }
                if !kind.is_file() {
                    continue;
                }
                let name = path
                    .strip_prefix(dir)
                    .expect("walkdir yields paths under its root")
                    .to_string_lossy()
                    .replace('\\', "/");
                let file = TemplateFile {
                    bytes: Cow::Owned(crate::files::read(
                        path,
                        MAX_TEMPLATE_BYTES,
                        "a template file",
                    )?),
                    shown: path.to_path_buf(),
                    name,
                };
                match files.iter_mut().find(|f| f.name == file.name) {
                    Some(built_in) => *built_in = file,
                    None => files.push(file),
                }
            }
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(TemplateFiles {
            files,
            shown: match &self.dir {
                Some(dir) => dir.clone(),
                None => PathBuf::from("(built-in templates)"),
            },
        })
    }
}

/// How an error message names a built-in file: `(built-in) plan.typ.j2`.
fn built_in_name(name: &str) -> PathBuf {
    PathBuf::from(format!("(built-in) {name}"))
}

/// One file of the templates, as read.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// Its name: the path relative to the templates, with `/` (`plan.typ.j2`, `vplan.typ`).
    pub name: String,
    pub bytes: Cow<'static, [u8]>,
    /// The file as error messages name it: its path in the project's directory
    /// (`templates/plan.typ.j2`), or `(built-in) plan.typ.j2`.
    pub shown: PathBuf,
}

impl TemplateFile {
    /// A minijinja template (`*.j2`), rendered into Typst source; every other file is a static
    /// file the Typst world serves.
    pub fn is_template(&self) -> bool {
        self.name.ends_with(".j2")
    }
}

/// The templates of a build, read: every file by name, the directory's in place of the
/// built-in ones.
#[derive(Debug, Clone)]
pub struct TemplateFiles {
    /// Sorted by name.
    pub files: Vec<TemplateFile>,
    /// The templates as a whole, as error messages name them: the directory, or
    /// `(built-in templates)`.
    pub shown: PathBuf,
}

impl TemplateFiles {
    /// The file of a name.
    pub fn get(&self, name: &str) -> Option<&TemplateFile> {
        self.files.iter().find(|f| f.name == name)
    }

    /// The static files (everything that is not a `.j2` template), for the Typst world.
    pub fn statics(&self) -> impl Iterator<Item = &TemplateFile> {
        self.files.iter().filter(|f| !f.is_template())
    }

    /// The project's files that are not the built-in ones: changed, or added. (A project's
    /// copy of an unchanged built-in file is not among them.)
    pub fn changed(&self) -> impl Iterator<Item = &TemplateFile> {
        self.files.iter().filter(|f| {
            matches!(f.bytes, Cow::Owned(_))
                && BUILT_IN
                    .iter()
                    .find(|(name, _)| *name == f.name)
                    .is_none_or(|(_, text)| text.as_bytes() != f.bytes.as_ref())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in set is exactly the repository's `templates/`, file for file: a template
    /// added there and not here would be missing from every installed binary.
    #[test]
    fn the_built_in_set_is_the_repository_templates_directory() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        on_disk.sort();
        let built_in: Vec<String> = BUILT_IN.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(
            built_in, on_disk,
            "render::templates::BUILT_IN must list every file of templates/ (sorted by name)"
        );
        for (name, text) in BUILT_IN {
            assert_eq!(
                std::fs::read_to_string(dir.join(name)).unwrap(),
                *text,
                "{name}"
            );
        }
    }

    #[test]
    fn a_directory_replaces_file_by_file_and_may_add_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("vplan.typ"), "// mine").unwrap();
        std::fs::create_dir(dir.path().join("img")).unwrap();
        std::fs::write(dir.path().join("img/extra.svg"), "<svg/>").unwrap();
        let files = Templates::with_dir(dir.path()).unwrap().read().unwrap();
        let names: Vec<&str> = files.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "blocks.typ.j2",
                "diff.typ.j2",
                "img/extra.svg",
                "plan.typ.j2",
                "tjansteskrivelse.typ.j2",
                "vplan.typ"
            ]
        );
        let own = files.get("vplan.typ").unwrap();
        assert_eq!(&*own.bytes, b"// mine");
        assert_eq!(own.shown, dir.path().join("vplan.typ"));
        let built_in = files.get("plan.typ.j2").unwrap();
        assert_eq!(built_in.shown, Path::new("(built-in) plan.typ.j2"));
        assert_eq!(files.shown, dir.path());
        assert_eq!(
            files.statics().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            ["img/extra.svg", "vplan.typ"]
        );
    }

    #[test]
    fn a_named_directory_must_exist() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("templaets");
        let err = Templates::with_dir(&missing).unwrap_err().to_string();
        assert!(err.contains("does not exist"), "{err}");
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        let err = Templates::locate(Some(&file)).unwrap_err().to_string();
        assert!(err.contains("is not a directory"), "{err}");
        assert_eq!(
            Templates::built_in().read().unwrap().files.len(),
            BUILT_IN.len()
        );
    }
}
