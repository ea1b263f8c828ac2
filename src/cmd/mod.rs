//! One module per subcommand, each a short orchestration of the pipeline.

pub mod bench;
pub mod build;
pub mod check;
pub mod diff;
pub mod init;
mod open;
pub mod preview;
pub mod report;
pub mod schema;
pub mod sheet;
pub mod shell;
pub mod templates;
mod terminal;
pub mod textconv;
pub mod watch;

pub use terminal::Terminal;

/// Refuses a file the user asked a command to write (`export --out`, `diff -o`) where it
/// would replace or add to a plan's content: inside one of the `content` directories, or an
/// existing `.yaml`/`.yml` file anywhere (a plan's file named by mistake). `flag` names the
/// option in the message. Paths are compared as the file system resolves them (`..`,
/// symbolic links to directories); the file itself is replaced, never followed.
pub fn refuse_content_target(
    path: &std::path::Path,
    contents: &[&std::path::Path],
    flag: &str,
) -> vplan::error::Result<()> {
    let yaml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    if yaml && std::fs::symlink_metadata(path).is_ok() {
        vplan::usage!(
            "{flag} {} is an existing YAML file: vplan never writes over one (it may be the plan's content); choose another file name",
            path.display()
        );
    }
    let target = vplan::output::resolved(path);
    for content in contents {
        if !content.is_dir() {
            continue;
        }
        let content_real = vplan::output::resolved(content);
        if target.starts_with(&content_real) {
            vplan::usage!(
                "{flag} {} is inside the content directory {}: vplan writes nothing there, so that the plan's files are never replaced; choose a file outside it (e.g. in output/)",
                path.display(),
                content.display()
            );
        }
    }
    Ok(())
}
