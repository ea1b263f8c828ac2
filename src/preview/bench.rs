//! `vplan bench --preview`: how long the preview takes from a file's save to the changed
//! pages being sent, measured as a browser sees it. A copy of the plan is previewed by the
//! real server, watched by the real watcher; a WebSocket client (as the page's script) waits
//! for each update after an edit is written: alternately a word of a chapter and an amount of
//! a table, each edit a new text (the word with a number after it, the amount one more), as a
//! person types. Then the memory over many more edits, and the server's CPU time while nothing
//! changes.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, WebSocket};

use super::server::Server;
use super::watch::Watcher;
use super::{Options as PreviewOptions, Session, VSCODE};
use crate::error::{Context, IoContext, Result};
use crate::measure::{cpu_time, memory_kib, Toggle};
use crate::pipeline::Typesetter;
use crate::render::Templates;

/// What to measure.
pub struct Options {
    /// The plan previewed (copied first: the edits never touch it).
    pub content: PathBuf,
    pub templates: Templates,
    /// Edits timed (half of words, half of amounts).
    pub edits: usize,
    /// Edits made for the memory figure.
    pub memory_edits: usize,
}

/// Longest wait for an update after an edit before the benchmark gives up.
const PATIENCE: Duration = Duration::from_secs(30);

type Client = WebSocket<TcpStream>;

/// Runs the benchmark and writes its report to `report`.
pub fn run(options: &Options, report: &mut dyn Write) -> Result<()> {
    let scratch = tempfile::tempdir().context("cannot create a scratch directory")?;
    let work = scratch.path().join("content");
    crate::output::copy_tree(&options.content, &work)?;
    let word = Toggle::word(&work)?;
    let amount = Toggle::amount(&work)?;
    let ts = Typesetter::new(&options.templates)?;
    let preview = PreviewOptions {
        load: Default::default(),
        report: None,
        editor: VSCODE.to_string(),
    };
    let watcher = Watcher::new(&work, None)?;
    let session = Session::start(&work, preview, Box::new(|_| Ok(None)), ts);
    if !session.errors().is_empty() {
        return Err(crate::Error::Content(session.errors().to_vec()));
    }
    let pages = session.pages().len();
    let server = Arc::new(Server::start(session, IpAddr::V4(Ipv4Addr::LOCALHOST), 0)?);
    let rebuilding = Arc::clone(&server);
    std::thread::spawn(move || {
        while let Some(change) = watcher.next(None) {
            rebuilding.rebuild(change.templates);
        }
    });
    let mut client = connect(&server)?;
    next_message(&mut client)?;

    // Every edit is a new one (the word with a number after it, the amount plus one more):
    // as a person typing, never a source Typst has seen before.
    let (mut words, mut amounts) = (Vec::new(), Vec::new());
    let mut phases: Vec<(&'static str, Vec<Duration>)> = Vec::new();
    for i in 0..options.edits {
        let (toggle, times) = if i % 2 == 0 {
            (&word, &mut words)
        } else {
            (&amount, &mut amounts)
        };
        times.push(edit_and_wait(toggle, i / 2 + 1, &mut client)?);
        for &(phase, took) in server.session().timings() {
            match phases.iter_mut().find(|(p, _)| *p == phase) {
                Some((_, all)) => all.push(took),
                None => phases.push((phase, vec![took])),
            }
        }
    }

    let mut memory = vec![(0, memory_kib().0)];
    for i in 1..=options.memory_edits {
        edit_and_wait(&word, options.edits + i, &mut client)?;
        if i % 100 == 0 || i == options.memory_edits {
            memory.push((i, memory_kib().0));
        }
    }
    let idle = idle_cpu(Duration::from_secs(5));
    let measured = Measured {
        pages,
        word: (&word, &words),
        amount: (&amount, &amounts),
        phases: &phases,
        memory: &memory,
        idle,
    };
    write_report(report, &measured)
}

/// Connects to the server as the page does (with its origin), as a WebSocket client.
fn connect(server: &Server) -> Result<Client> {
    let addr = server.addr();
    let stream = TcpStream::connect(addr).at("connect to", addr.to_string())?;
    stream
        .set_read_timeout(Some(PATIENCE))
        .at("configure", addr.to_string())?;
    let mut request = format!("ws://{addr}/ws")
        .into_client_request()
        .map_err(|e| crate::usage_error!("{e}"))?;
    let origin = format!("http://{addr}")
        .parse()
        .map_err(|e| crate::usage_error!("{e}"))?;
    request.headers_mut().insert("Origin", origin);
    let (client, _) = tungstenite::client(request, stream)
        .map_err(|e| crate::usage_error!("cannot open the preview's WebSocket: {e}"))?;
    Ok(client)
}

/// The next text message, its type (`doc`, `update`, `errors`).
fn next_message(client: &mut Client) -> Result<String> {
    loop {
        let message = client
            .read()
            .map_err(|e| crate::usage_error!("no message from the preview: {e}"))?;
        if let Message::Text(text) = message {
            let value: serde_json::Value =
                serde_json::from_str(&text).context("a message that is not JSON")?;
            return Ok(value["type"].as_str().unwrap_or_default().to_string());
        }
    }
}

/// Writes the `n`-th edit and waits for the update it causes: the time from the save to the
/// changed pages received.
fn edit_and_wait(toggle: &Toggle, n: usize, client: &mut Client) -> Result<Duration> {
    toggle.apply_nth(n)?;
    let saved = Instant::now();
    loop {
        match next_message(client)?.as_str() {
            "update" => return Ok(saved.elapsed()),
            "errors" => crate::usage!("the edit {} made the plan fail", toggle.describe()),
            _ => {}
        }
    }
}

/// The share of one core this process used over `span` while nothing changed.
fn idle_cpu(span: Duration) -> Option<f64> {
    let before = cpu_time()?;
    std::thread::sleep(span);
    let used = cpu_time()?.checked_sub(before)?;
    Some(used.as_secs_f64() / span.as_secs_f64())
}

/// The `q`-quantile of `times` (nearest rank).
fn quantile(times: &[Duration], q: f64) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len().max(1));
    sorted.get(rank - 1).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// What [`run`] measured.
struct Measured<'a> {
    pages: usize,
    /// Each edit's time from the save to its update, by kind.
    word: (&'a Toggle, &'a [Duration]),
    amount: (&'a Toggle, &'a [Duration]),
    /// Within each rebuild: the session's phases.
    phases: &'a [(&'static str, Vec<Duration>)],
    /// Resident memory after so many edits.
    memory: &'a [(usize, Option<u64>)],
    /// The share of a core used while nothing changed.
    idle: Option<f64>,
}

fn write_report(out: &mut dyn Write, m: &Measured<'_>) -> Result<()> {
    let (pages, memory, idle) = (m.pages, m.memory, m.idle);
    let ((word, words), (amount, amounts)) = (m.word, m.amount);
    let all: Vec<Duration> = words.iter().chain(amounts).copied().collect();
    let mut text = format!(
        "vplan preview: from a file's save to the changed pages received by a WebSocket client\n\
         (the default plan, {pages} pages; the real server and file watcher, in this process)\n\n"
    );
    for (what, times) in [
        (
            format!("text   ({}, {} edits)", word.describe(), words.len()),
            words,
        ),
        (
            format!("amount ({}, {} edits)", amount.describe(), amounts.len()),
            amounts,
        ),
        (format!("all    ({} edits)", all.len()), &all[..]),
    ] {
        if times.is_empty() {
            continue;
        }
        text.push_str(&format!(
            "  {what:<44} p50 {:>9}  p95 {:>9}  max {:>9}\n",
            ms(quantile(times, 0.5)),
            ms(quantile(times, 0.95)),
            ms(quantile(times, 1.0)),
        ));
    }
    text.push_str("  targets: p50 ≤ 150 ms, p95 ≤ 300 ms\n  within a rebuild, p50:");
    for (phase, times) in m.phases {
        text.push_str(&format!(" {phase} {};", ms(quantile(times, 0.5))));
    }
    text.pop();
    text.push_str(" (the rest: the watcher's settling, the message, the socket)\n\n  memory (resident) after edits:");
    for (n, kib) in memory {
        let shown = kib.map_or("n/a".into(), |k| format!("{:.0} MiB", k as f64 / 1024.0));
        text.push_str(&format!(" {n}: {shown};"));
    }
    text.pop();
    text.push('\n');
    let idle = idle.map_or("n/a".into(), |c| format!("{:.2} % of a core", c * 100.0));
    text.push_str(&format!(
        "  CPU while idle (5 s, nothing changed): {idle}\n"
    ));
    out.write_all(text.as_bytes()).at("write", "the report")
}
