//! `vplan completions SHELL` and `vplan man`: shell completion scripts and man pages, generated
//! from the same clap definitions the parser uses (`clap_complete`, `clap_mangen`).

use std::fs;

use clap::CommandFactory;
use vplan::error::{Context, IoContext, Result};

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use vplan::progress::Progress;

use super::Terminal;

/// `vplan completions SHELL`: the script that registers vplan's completion with the shell. At
/// each TAB the shell runs vplan itself (`VPLAN_COMPLETE=bash vplan -- vplan build --only …`, see
/// [`complete_if_asked`]), which knows the options and reads the plan's ids; so the script
/// calls the `vplan` it was written by (by name when that is how it was run, else by its full
/// path).
pub fn completions(args: &CompletionsArgs, term: &Terminal) -> Result<()> {
    let name = args.shell.to_string();
    let shells = clap_complete::env::Shells::builtins();
    let Some(shell) = shells.completer(&name) else {
        vplan::usage!("no completion for the shell {name}");
    };
    let mut completer = std::path::PathBuf::from(std::env::args_os().next().unwrap_or_default());
    if completer.components().count() > 1 {
        if let Ok(dir) = std::env::current_dir() {
            completer = dir.join(completer);
        }
    }
    let mut out = Vec::new();
    shell
        .write_registration(
            COMPLETE_VAR,
            "vplan",
            "vplan",
            &completer.to_string_lossy(),
            &mut out,
        )
        .context("cannot write the completion script")?;
    std::io::Write::write_all(&mut term.writer(), &out)
        .context("cannot write the completion script")?;
    Ok(())
}

/// The variable that asks vplan for completions instead of running a command: vplan's own, so
/// that a `COMPLETE` another program set in the environment never turns a run into a
/// completion.
const COMPLETE_VAR: &str = "VPLAN_COMPLETE";

/// The shells whose completion requests vplan answers (clap_complete's names).
const SHELLS: &[&str] = &["bash", "elvish", "fish", "powershell", "zsh"];

/// When the shell asks for completions (`VPLAN_COMPLETE=SHELL` set, the words after `--`), prints
/// them and exits; otherwise returns at once. Options that take an id of the plan complete the
/// ids of the content directory that the words being completed give (`--content DIR`, else
/// `content`): `--only` the documents, `--report` the follow-up reports, `--table` the tables.
/// The plan is read only when such a value is completed, and a broken or missing one completes
/// what its files name, or nothing, in silence.
pub fn complete_if_asked() {
    // Only a shell's name asks for completions; any other value is not a request, and the
    // command runs as it would without it.
    match std::env::var(COMPLETE_VAR) {
        Ok(shell) if SHELLS.contains(&shell.as_str()) => {}
        _ => return,
    }
    let words: Vec<std::ffi::OsString> = std::env::args_os()
        .skip_while(|a| a != "--")
        .skip(1)
        .collect();
    let ids = PlanIds::new(content_dir(&words));
    clap_complete::CompleteEnv::with_factory(move || with_id_candidates(Cli::command(), &ids))
        .var(COMPLETE_VAR)
        .complete();
}

/// The content directory the words of a command line name: the value of its last `--content`
/// (`--content DIR` or `--content=DIR`; a leading `~/` as the shell would expand it), else
/// `content`.
fn content_dir(words: &[std::ffi::OsString]) -> std::path::PathBuf {
    let mut dir = None;
    for (i, word) in words.iter().enumerate() {
        let word = word.to_string_lossy();
        if word == "--content" {
            dir = words.get(i + 1).map(|w| w.to_string_lossy().into_owned());
        } else if let Some(value) = word.strip_prefix("--content=") {
            dir = Some(value.to_string());
        }
    }
    let dir = dir
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "content".into());
    match (dir.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest),
        _ => dir.into(),
    }
}

/// The plan's ids, read once, when first asked for.
#[derive(Clone)]
struct PlanIds {
    dir: std::path::PathBuf,
    ids: std::sync::Arc<std::sync::OnceLock<vplan::pipeline::ids::Ids>>,
}

impl PlanIds {
    fn new(dir: std::path::PathBuf) -> Self {
        PlanIds {
            dir,
            ids: Default::default(),
        }
    }

    fn get(&self) -> &vplan::pipeline::ids::Ids {
        self.ids.get_or_init(|| vplan::pipeline::ids::of(&self.dir))
    }
}

/// One list of [`vplan::pipeline::ids::Ids`].
type Which = fn(&vplan::pipeline::ids::Ids) -> &Vec<String>;

/// Which ids an option takes, by its clap id (the field's name in `cli.rs`).
fn ids_of_option(option: &str) -> Option<Which> {
    match option {
        "only" => Some(|ids| &ids.documents),
        "report" | "reports" => Some(|ids| &ids.reports),
        "table" => Some(|ids| &ids.tables),
        _ => None,
    }
}

/// The command with every option that takes an id of the plan, in every subcommand, completing
/// those ids.
fn with_id_candidates(mut cmd: clap::Command, ids: &PlanIds) -> clap::Command {
    use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
    let options: Vec<(String, Which)> = cmd
        .get_arguments()
        .filter(|a| !a.is_positional())
        .filter_map(|a| ids_of_option(a.get_id().as_str()).map(|f| (a.get_id().to_string(), f)))
        .collect();
    for (option, which) in options {
        let ids = ids.clone();
        cmd = cmd.mut_arg(option, move |arg| {
            arg.add(ArgValueCandidates::new(move || {
                which(ids.get())
                    .iter()
                    .map(CompletionCandidate::new)
                    .collect::<Vec<_>>()
            }))
        });
    }
    let subcommands: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subcommands {
        cmd = cmd.mut_subcommand(name, |sub| with_id_candidates(sub, ids));
    }
    cmd
}

/// Writes `vplan.1` and a page for every subcommand at every depth (`vplan-report.1`,
/// `vplan-report-init.1`, …) into the output directory. Each page's SUBCOMMANDS section names
/// its subcommands' pages, and its SEE ALSO section its parent's and `vplan(1)`: every
/// `vplan-…(1)` a page names is a page written here.
pub fn man(args: &ManArgs, progress: &Terminal) -> Result<()> {
    fs::create_dir_all(&args.out).at("create", &args.out)?;
    let mut files = Vec::new();
    for (name, page, parents) in man_pages() {
        let mut out = Vec::new();
        clap_mangen::Man::new(page)
            .render(&mut out)
            .with_context(|| format!("cannot render the man page {name}"))?;
        if !parents.is_empty() {
            // Hyphens as roff writes them (`\-`), as clap_mangen writes the SUBCOMMANDS names.
            let links: Vec<String> = parents
                .iter()
                .rev()
                .map(|p| format!("{}(1)", p.replace('-', "\\-")))
                .collect();
            out.extend_from_slice(format!(".SH \"SEE ALSO\"\n{}\n", links.join(", ")).as_bytes());
        }
        files.push((args.out.join(format!("{name}.1")), out));
    }
    vplan::output::write_all(&files)?;
    for (path, _) in &files {
        progress.say(format_args!("wrote {}", path.display()));
    }
    Ok(())
}

/// Every page: its name (`vplan-report-init`), the command (built, so that its display name is
/// that name and its usage line `vplan report init …`), and the pages above it, nearest last.
/// Hidden subcommands have no page (clap_mangen does not list them either), nor has `help`.
pub(crate) fn man_pages() -> Vec<(String, clap::Command, Vec<String>)> {
    fn walk(
        cmd: &clap::Command,
        parents: &[String],
        pages: &mut Vec<(String, clap::Command, Vec<String>)>,
    ) {
        let name = cmd
            .get_display_name()
            .unwrap_or_else(|| cmd.get_name())
            .to_string();
        pages.push((name.clone(), cmd.clone(), parents.to_vec()));
        let mut above = parents.to_vec();
        above.push(name);
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, &above, pages);
        }
    }
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    walk(&cmd, &[], &mut pages);
    pages
}
