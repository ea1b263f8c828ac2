//! `vplan preview`: the document in the browser, rebuilt on every save (src/preview/).

use vplan::diag::Code;
use vplan::diff::{redline, source};
use vplan::error::Result;
use vplan::pipeline::subject::Marked;
use vplan::pipeline::{LoadOptions, Typesetter};
use vplan::preview::server::Server;
use vplan::preview::watch::Watcher;
use vplan::preview::{Mark, Options, Rebuilt, Session, VSCODE};
use vplan::progress::Progress;

use super::Terminal;
use crate::cli::PreviewArgs;

pub fn run(args: &PreviewArgs, progress: &Terminal) -> Result<()> {
    let content = &args.project.content;
    if !content.is_dir() {
        vplan::usage!(
            "{} is not a directory: give the plan's content with --content",
            content.display()
        );
    }
    let templates = args.project.templates()?;
    let ts = Typesetter::new(&templates)?.with_source_date(args.source_date.date()?);
    let options = Options {
        load: LoadOptions {
            status: args.status.map(Into::into),
            reports: args.report.iter().cloned().collect(),
            ..LoadOptions::default()
        },
        report: args.report.clone(),
        editor: args.editor.clone().unwrap_or_else(|| VSCODE.to_string()),
    };
    let mark = marks(args, progress)?;
    // Watching starts before the first build, so that no save during it goes unseen.
    let watcher = Watcher::new(content, templates.dir())?;
    let session = Session::start(content, options, mark, ts);
    // A usage error (a report that is not there) stops it; a content error is shown.
    if let [d] = session.errors() {
        if d.code == Code::Usage {
            return Err(vplan::Error::Usage(d.message.clone()));
        }
    }
    tell(&session, progress);
    let server = Server::start(session, args.bind, args.port)?;
    let url = server.url();
    // The address is what the command makes: with `-q`, it alone is printed, on stdout.
    if progress.quiet {
        progress.out(&format!("{url}\n"));
    } else {
        progress.say(format_args!("preview at {url} (Ctrl-C to stop)"));
    }
    if !args.bind.is_loopback() {
        progress.warn(format_args!(
            "listening on {}: anyone who can reach this computer can read the plan",
            args.bind
        ));
    }
    if args.open {
        match super::open::open(std::ffi::OsStr::new(&url)) {
            Ok(()) => progress.say(format_args!("opened {url} in the browser")),
            Err(e) => progress.warn(format_args!("cannot open {url}: {e}")),
        }
    }
    let mut rebuilds = 0;
    while let Some(change) = watcher.next(None) {
        let rebuilt = server.rebuild(change.templates);
        say(&rebuilt, &server, progress);
        rebuilds += 1;
        if args.max_rebuilds.is_some_and(|max| rebuilds >= max) {
            break;
        }
    }
    server.stop();
    Ok(())
}

/// The redline's marks (`--redline REV`): the old side loaded once, marked against every
/// rebuild of the new.
fn marks(args: &PreviewArgs, progress: &Terminal) -> Result<Box<Mark>> {
    let Some(rev) = &args.redline else {
        return Ok(Box::new(|_| Ok(None)));
    };
    let content = &args.project.content;
    let (side, _) = source::sides(content, Some(rev), None)?;
    progress.say(format_args!(
        "loading {} for the redline",
        side.label(content)
    ));
    let old = source::load(&side, content)?;
    Ok(Box::new(move |checked| {
        let (plan, old_cells) = redline::redline(&old.checked, checked);
        Ok(Some(Marked {
            plan,
            old_cells,
            since: old.label.clone(),
        }))
    }))
}

/// Says what the first build found: the errors the page shows, on the terminal too.
fn tell(session: &Session, progress: &Terminal) {
    if !session.errors().is_empty() {
        progress.error(&vplan::Error::Content(session.errors().to_vec()));
    }
}

/// Says what a rebuild did.
fn say(rebuilt: &Rebuilt, server: &Server, progress: &Terminal) {
    match rebuilt {
        Rebuilt::Pages { changed, count } => progress.say(format_args!(
            "rebuilt: {} of {count} pages changed",
            changed.len()
        )),
        Rebuilt::Failed => {
            progress.error(&vplan::Error::Content(server.session().errors().to_vec()))
        }
        Rebuilt::Same => {}
    }
}
