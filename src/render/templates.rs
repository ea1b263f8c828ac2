//! Where the templates come from: the built-in set, compiled into the binary from the
//! repository's `templates/`, with a project's own templates directory laid over it file by
//! file (as mdBook's themes and zola's built-in templates are): a file in the directory is used
//! instead of the built-in file of the same name, every other file comes from the built-in set.
//! So `vplan` builds anywhere with nothing but its binary, and a project changes only the files
//! it needs to. A file of the directory that is a symbolic link is followed when it resolves to
//! a file inside the project (the directory that holds the templates directory), and refused
//! with its name otherwise; any other file that is not a regular file is refused too.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::error::{Context, IoContext, Result};

/// The built-in templates, by name: the files of the repository's `templates/`, compiled in,
/// sorted by name. `vplan.typ`, the house style, gathers its parts under `vplan/` (each a file a
/// project may replace on its own; docs/templates.md). (A test checks that this is exactly
/// that directory's list of files.)
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
    (
        "vplan/changes.typ",
        include_str!("../../templates/vplan/changes.typ"),
    ),
    (
        "vplan/charts.typ",
        include_str!("../../templates/vplan/charts.typ"),
    ),
    (
        "vplan/goals.typ",
        include_str!("../../templates/vplan/goals.typ"),
    ),
    (
        "vplan/letters.typ",
        include_str!("../../templates/vplan/letters.typ"),
    ),
    (
        "vplan/page.typ",
        include_str!("../../templates/vplan/page.typ"),
    ),
    (
        "vplan/style.typ",
        include_str!("../../templates/vplan/style.typ"),
    ),
    (
        "vplan/tables.typ",
        include_str!("../../templates/vplan/tables.typ"),
    ),
    (
        "vplan/text.typ",
        include_str!("../../templates/vplan/text.typ"),
    ),
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
            let project = project_dir(dir)?;
            for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
                let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
                let path = entry.path();
                let kind = entry.file_type();
                if kind.is_dir() {
                    continue;
                }
                if kind.is_symlink() {
                    followed(path, &project)?;
                } else if !kind.is_file() {
                    // A FIFO or a device is never read (it could wait or never end), and
                    // never passed over for the built-in file without a word.
                    let meta = std::fs::symlink_metadata(path).at("read", path)?;
                    crate::usage!(
                        "cannot read the template {}: it is {}, not a regular file; a template must be a file: remove it from the templates directory",
                        path.display(),
                        crate::files::kind(&meta)
                    );
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

/// The project directory of a templates directory, canonical: the directory that holds it
/// (`templates/`'s project is the working directory). A template that is a link must resolve
/// inside it.
fn project_dir(dir: &Path) -> Result<PathBuf> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    parent
        .canonicalize()
        .at("read the project directory of the templates", parent)
}

/// A template file that is a symbolic link: followed when it resolves to a regular file inside
/// the project directory `project`; refused (a usage error naming it) when it points outside,
/// at nothing, or at what is not a file, never passed over for the built-in file of its name.
fn followed(path: &Path, project: &Path) -> Result<()> {
    let Ok(real) = path.canonicalize() else {
        crate::usage!(
            "template {} is a symbolic link to a file that does not exist: point it at a file in the project, or remove it to use the built-in template",
            path.display()
        );
    };
    if !real.starts_with(project) {
        crate::usage!(
            "template {} is a symbolic link to {}, outside the project directory {}: a build reads no template from outside the project; copy the file into the templates directory instead",
            path.display(),
            real.display(),
            project.display()
        );
    }
    if !std::fs::metadata(&real).at("read", path)?.is_file() {
        crate::usage!(
            "template {} is a symbolic link to {}, which is not a regular file",
            path.display(),
            real.display()
        );
    }
    Ok(())
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
        let mut expected: Vec<&str> = BUILT_IN.iter().map(|(name, _)| *name).collect();
        expected.push("img/extra.svg");
        expected.sort();
        assert_eq!(names, expected);
        let own = files.get("vplan.typ").unwrap();
        assert_eq!(&*own.bytes, b"// mine");
        assert_eq!(own.shown, dir.path().join("vplan.typ"));
        let built_in = files.get("plan.typ.j2").unwrap();
        assert_eq!(built_in.shown, Path::new("(built-in) plan.typ.j2"));
        assert_eq!(files.shown, dir.path());
        let statics: Vec<&str> = files.statics().map(|f| f.name.as_str()).collect();
        assert_eq!(
            statics,
            [
                "img/extra.svg",
                "vplan.typ",
                "vplan/changes.typ",
                "vplan/charts.typ",
                "vplan/goals.typ",
                "vplan/letters.typ",
                "vplan/page.typ",
                "vplan/style.typ",
                "vplan/tables.typ",
                "vplan/text.typ"
            ]
        );
    }

    /// A template that is a link is followed inside the project and refused with its name
    /// outside it (it used to be passed over for the built-in file without a word).
    #[cfg(unix)]
    #[test]
    fn a_linked_template_is_followed_inside_the_project_and_refused_outside() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        let project = tempfile::tempdir().unwrap();
        let dir = project.path().join("templates");
        std::fs::create_dir(&dir).unwrap();
        std::fs::create_dir(project.path().join("shared")).unwrap();
        std::fs::write(project.path().join("shared/house.typ"), "// shared").unwrap();
        symlink("../shared/house.typ", dir.join("vplan.typ")).unwrap();
        let files = Templates::with_dir(&dir).unwrap().read().unwrap();
        let own = files.get("vplan.typ").unwrap();
        assert_eq!(&*own.bytes, b"// shared");
        assert_eq!(own.shown, dir.join("vplan.typ"));
        std::fs::write(outside.path().join("plan.typ.j2"), "{# theirs #}").unwrap();
        symlink(outside.path().join("plan.typ.j2"), dir.join("plan.typ.j2")).unwrap();
        let err = Templates::with_dir(&dir).unwrap().read().unwrap_err();
        assert!(matches!(err, crate::Error::Usage(_)), "{err:?}");
        let err = err.to_string();
        assert!(
            err.contains(&format!("template {}", dir.join("plan.typ.j2").display()))
                && err.contains("outside the project directory"),
            "{err}"
        );
        std::fs::remove_file(dir.join("plan.typ.j2")).unwrap();
        symlink("nowhere.typ", dir.join("blocks.typ.j2")).unwrap();
        let err = Templates::with_dir(&dir).unwrap().read().unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
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
