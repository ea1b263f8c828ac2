//! `vplan preview`, driven from the binary over HTTP and its WebSocket as the page's script
//! uses them: the pages on connecting, only the changed pages after an edit (to every open
//! tab), the errors of a broken file with their place and editor link, the pages back after
//! the fix, what a click on a total comes from and how it was computed; a report and a
//! redline; and the refusals of foreign hosts, origins, methods and paths. The same in a real
//! browser: `.ci/preview-browser-test.py`, which `.ci/run` runs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, WebSocket};

use crate::common::*;

const DRIFT: &str = "tables/6-4-driftbudget.yaml";

/// A running `vplan preview`.
struct Preview {
    child: Child,
    port: u16,
}

impl Preview {
    /// Starts `vplan preview --content CONTENT EXTRA…` and waits for its address.
    fn start(dir: &Path, content: &Path, extra: &[&str]) -> Preview {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vplan"))
            .current_dir(dir)
            .arg("preview")
            .arg("--content")
            .arg(content)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("vplan preview starts");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut seen = String::new();
        let port = loop {
            let line = rx
                .recv_timeout(Duration::from_secs(120))
                .unwrap_or_else(|_| panic!("no address printed:\n{seen}"));
            if let Some(rest) = line.split("preview at http://127.0.0.1:").nth(1) {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
            seen.push_str(&line);
            seen.push('\n');
        };
        Preview { child, port }
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// A raw HTTP/1.1 request (`method path`, extra headers; the Host given or this server's):
    /// the status and the whole response.
    fn request(&self, method_path: &str, headers: &[(&str, &str)]) -> (u16, String) {
        let mut stream = TcpStream::connect(self.host()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut text = format!("{method_path} HTTP/1.1\r\nConnection: close\r\n");
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            text.push_str(&format!("Host: {}\r\n", self.host()));
        }
        for (k, v) in headers {
            text.push_str(&format!("{k}: {v}\r\n"));
        }
        text.push_str("\r\n");
        stream.write_all(text.as_bytes()).unwrap();
        // Everything to the end; a 101 keeps the connection open: its head only.
        let mut response = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            let n = stream.read(&mut chunk).unwrap_or(0);
            response.extend_from_slice(&chunk[..n]);
            let upgraded = response.starts_with(b"HTTP/1.1 101")
                && response.windows(4).any(|w| w == b"\r\n\r\n");
            if n == 0 || upgraded {
                break;
            }
        }
        let response = String::from_utf8_lossy(&response).to_string();
        let status = response
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {response:?}"));
        (status, response)
    }

    fn get(&self, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
        self.request(&format!("GET {path}"), headers)
    }

    /// A WebSocket as the page opens it (with the page's origin).
    fn socket(&self) -> WebSocket<TcpStream> {
        let stream = TcpStream::connect(self.host()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        let mut request = format!("ws://{}/ws", self.host())
            .into_client_request()
            .unwrap();
        let origin = format!("http://{}", self.host()).parse().unwrap();
        request.headers_mut().insert("Origin", origin);
        tungstenite::client(request, stream).unwrap().0
    }

    /// `/api/source` at a point of a page.
    fn source(&self, page: usize, x: f64, y: f64) -> Value {
        let (status, response) = self.get(&format!("/api/source?page={page}&x={x}&y={y}"), &[]);
        assert_eq!(status, 200, "{response}");
        let body = response.split("\r\n\r\n").nth(1).unwrap();
        serde_json::from_str(body).unwrap()
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The next message of a type other than a ping's.
fn message(ws: &mut WebSocket<TcpStream>) -> Value {
    loop {
        match ws.read().expect("a message from the preview") {
            Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            Message::Close(_) => panic!("the preview closed the socket"),
            _ => {}
        }
    }
}

/// The text of a page's text layer, spaces as plain spaces.
fn layer_text(svg: &str) -> String {
    svg.split("<text ")
        .skip(1)
        .filter_map(|t| t.split_once('>').map(|(_, rest)| rest))
        .filter_map(|rest| rest.split_once("</text>").map(|(text, _)| text))
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['\u{a0}', '\u{202f}', '\u{2009}'], " ")
}

/// The text layers of every page of a message.
fn doc_text(message: &Value) -> String {
    message["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| layer_text(p["svg"].as_str().unwrap()))
        .collect()
}

/// Where the text layer sets `text` on a page: the point of its baseline's start, in points.
fn place_of(svg: &str, text: &str) -> Option<(f64, f64)> {
    svg.split("<text ").skip(1).find_map(|t| {
        let (attrs, rest) = t.split_once('>')?;
        let shown = rest.split_once("</text>")?.0.replace('\u{a0}', " ");
        if shown != text {
            return None;
        }
        let matrix = attrs.split("matrix(").nth(1)?.split(')').next()?;
        let m: Vec<f64> = matrix.split(' ').filter_map(|n| n.parse().ok()).collect();
        Some((m[4], m[5]))
    })
}

/// The page (1-based) and point of `text` among the pages of a message.
fn find(pages: &[Value], text: &str) -> Option<(usize, f64, f64)> {
    pages.iter().find_map(|p| {
        let (x, y) = place_of(p["svg"].as_str()?, text)?;
        Some((p["page"].as_u64()? as usize, x, y))
    })
}

/// The default plan in a scratch project.
fn default_plan() -> Scratch {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("content"), &dir.path().join("content"));
    Scratch { dir }
}

/// Waits for the next message of type `kind` (skipping others), at most two minutes.
fn until(ws: &mut WebSocket<TcpStream>, kind: &str) -> Value {
    let start = Instant::now();
    loop {
        let m = message(ws);
        if m["type"] == kind {
            return m;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no {kind} message"
        );
    }
}

#[test]
fn preview_follows_edits_errors_and_fixes_and_tells_where_a_total_comes_from() {
    let plan = default_plan();
    let preview = Preview::start(plan.dir.path(), &plan.content(), &[]);
    let mut tab = preview.socket();
    let mut other_tab = preview.socket();

    let doc = message(&mut tab);
    assert_eq!(doc["type"], "doc");
    let pages = doc["pages"].as_array().unwrap();
    let count = doc["count"].as_u64().unwrap() as usize;
    assert!(
        count > 10 && pages.len() == count,
        "{count} pages, {} sent",
        pages.len()
    );
    assert!(doc["diagnostics"].as_array().unwrap().is_empty());
    let all: String = pages
        .iter()
        .map(|p| layer_text(p["svg"].as_str().unwrap()))
        .collect();
    assert!(
        all.contains("Driftbudget servicenämnd") && all.contains("2 380,0"),
        "the text layer"
    );
    assert_eq!(message(&mut other_tab)["type"], "doc");

    // An amount edited: only the pages that changed are sent, to every tab, with the new total.
    plan.edit(
        DRIFT,
        "values: [370, 0, 386.6, 0]",
        "values: [371.5, 0, 386.6, 0]",
    );
    let update = until(&mut tab, "update");
    let changed = update["pages"].as_array().unwrap();
    assert!(
        !changed.is_empty() && changed.len() < count,
        "{} of {count} pages sent",
        changed.len()
    );
    assert_eq!(update["count"].as_u64().unwrap() as usize, count);
    let (page, x, y) = find(changed, "2 381,5").expect("the new total on a page sent");
    assert_eq!(
        until(&mut other_tab, "update")["version"],
        update["version"]
    );

    // The total clicked: the sum row of the table file, and every term of the sum.
    let found = preview.source(page, x + 2.0, y - 3.0);
    assert_eq!(found["where"]["file"], DRIFT, "{found:#}");
    assert_eq!(found["where"]["line"], 18, "{found:#}");
    assert!(found["where"]["url"]
        .as_str()
        .unwrap()
        .starts_with("vscode://file/"));
    let derivation = &found["figure"]["derivation"];
    assert_eq!(derivation["kind"], "sum", "{found:#}");
    let formula = derivation["formula"]
        .as_str()
        .unwrap()
        .replace('\u{a0}', " ");
    assert!(
        formula
            .starts_with("Summa 2 381,5 = Område fastigheter 1 135,0 + Område försörjning 371,5 +"),
        "{formula}"
    );
    let terms = derivation["terms"].as_array().unwrap();
    assert_eq!(terms.len(), 7, "{found:#}");
    assert_eq!(terms[1]["label"], "Område försörjning");
    assert_eq!(terms[1]["where"]["file"], DRIFT);
    assert_eq!(terms[1]["where"]["line"], 12);

    // A broken file: the errors with their place, the pages kept; fixed: the errors gone.
    let good = std::fs::read_to_string(plan.content().join(DRIFT)).unwrap();
    plan.write(
        DRIFT,
        good.replace(
            "  - {id: it, label: Område IT,",
            "  - {id: it label: [Område IT,",
        ),
    );
    let errors = until(&mut tab, "errors");
    assert!(errors["pages"].as_array().unwrap().is_empty());
    let diagnostics = errors["diagnostics"].as_array().unwrap();
    let d = diagnostics
        .iter()
        .find(|d| d["file"] == DRIFT)
        .unwrap_or_else(|| panic!("{errors:#}"));
    assert!(d["line"].as_u64().is_some_and(|l| l >= 14), "{d:#}");
    assert!(
        d["url"].as_str().unwrap().contains("6-4-driftbudget.yaml:"),
        "{d:#}"
    );
    plan.write(DRIFT, &good);
    let fixed = until(&mut tab, "update");
    assert!(
        fixed["diagnostics"].as_array().unwrap().is_empty(),
        "{fixed:#}"
    );
    assert_eq!(fixed["count"].as_u64().unwrap() as usize, count);
}

#[test]
fn preview_refuses_foreign_hosts_origins_methods_and_paths() {
    let plan = default_plan();
    let preview = Preview::start(plan.dir.path(), &plan.content(), &[]);
    let own = format!("http://{}", preview.host());
    let upgrade = [
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ("Sec-WebSocket-Version", "13"),
    ];
    let with = |extra: &[(&'static str, &str)]| -> Vec<(&'static str, String)> {
        upgrade
            .iter()
            .map(|(k, v)| (*k, v.to_string()))
            .chain(extra.iter().map(|(k, v)| (*k, v.to_string())))
            .collect()
    };
    let ask = |path: &str, headers: &[(&'static str, String)]| {
        let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        preview.get(path, &h)
    };
    let mut responses = Vec::new();
    let mut expect = |status: u16, (got, response): (u16, String)| {
        assert_eq!(got, status, "{response}");
        responses.push(response);
    };
    expect(200, preview.get("/", &[]));
    let localhost = format!("localhost:{}", preview.port);
    expect(200, preview.get("/", &[("Host", &localhost)]));
    // DNS rebinding: another name that resolves to this computer.
    let rebound = format!("evil.example:{}", preview.port);
    expect(403, preview.get("/", &[("Host", &rebound)]));
    expect(
        403,
        preview.get("/api/source?page=1&x=1&y=1", &[("Host", &rebound)]),
    );
    expect(403, preview.get("/", &[("Host", "127.0.0.1:1")]));
    expect(403, preview.get("/", &[("Origin", "http://evil.example")]));
    // WebSocket upgrades: only from the preview's own page.
    expect(403, ask("/ws", &with(&[("Origin", "http://evil.example")])));
    expect(403, ask("/ws", &with(&[])));
    expect(101, ask("/ws", &with(&[("Origin", &own)])));
    // Only its own assets: never a file by a path.
    for path in [
        "/../Cargo.toml",
        "/assets/../../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/content/plan.yaml",
        "/assets/",
        "/etc/passwd",
        "//etc/passwd",
    ] {
        expect(404, preview.get(path, &[]));
    }
    expect(405, preview.request("POST /", &[("Content-Length", "0")]));
    expect(405, preview.request("OPTIONS /", &[("Origin", &own)]));
    for r in &responses {
        assert!(
            !r.to_ascii_lowercase().contains("access-control-"),
            "a CORS header: {r}"
        );
    }
}

#[test]
fn preview_shows_a_report_and_a_redline() {
    // The fixture's delårsrapport, with its computed figures.
    let report = Scratch::of("fjallkommun_2031");
    copy_dir(&fixture("fjallkommun_2031_reports"), &report.content());
    let preview = Preview::start(
        report.dir.path(),
        &report.content(),
        &["--report", "2031-delar"],
    );
    let doc = message(&mut preview.socket());
    let text = doc_text(&doc);
    assert!(
        text.contains("Delårsrapport"),
        "{}",
        &text[..text.len().min(400)]
    );
    assert!(doc["diagnostics"].as_array().unwrap().is_empty(), "{doc:#}");
    drop(preview);

    // A redline against the plan as it was: the changed amount with its old value.
    let plan = default_plan();
    let old = plan.dir.path().join("old");
    copy_dir(&plan.content(), &old);
    plan.edit(
        DRIFT,
        "values: [370, 0, 386.6, 0]",
        "values: [371.5, 0, 386.6, 0]",
    );
    let preview = Preview::start(
        plan.dir.path(),
        &plan.content(),
        &["--redline", old.to_str().unwrap()],
    );
    let doc = message(&mut preview.socket());
    let text = doc_text(&doc);
    assert!(
        text.contains("371,5") && text.contains("370,0"),
        "both values of the changed amount"
    );
}

/// A rebuild in a long-lived typesetter (`preview`, `watch`: each first round of words kept
/// whole compiled beside the second, guessed from the last rebuild) writes exactly the PDF a
/// fresh build of the edited plan writes, for an edit that keeps the words a page broke and
/// for one that moves a page break.
#[test]
fn a_rebuild_after_an_edit_is_the_build_of_the_edited_plan() {
    use vplan::pipeline::build::{build, BuildOptions};
    use vplan::pipeline::Typesetter;
    let plan = default_plan();
    let templates = vplan::render::Templates::locate(None).unwrap();
    let out = plan.dir.path().join("out");
    let mut warm = Typesetter::new(&templates).unwrap();
    let quiet = vplan::progress::Silent;
    build(&plan.content(), &BuildOptions::new(&out), &mut warm, &quiet).unwrap();
    let edits = [
        (
            DRIFT,
            "values: [370, 0, 386.6, 0]",
            "values: [371.5, 0, 386.6, 0]",
        ),
        (
            "chapters/01-inledning.yaml",
            "Servicenämnden",
            "Servicenämnden med en längre text som flyttar raderna",
        ),
    ];
    for (file, from, to) in edits {
        plan.edit(file, from, to);
        let rebuilt = build(&plan.content(), &BuildOptions::new(&out), &mut warm, &quiet).unwrap();
        let fresh_out = plan.dir.path().join("fresh");
        let mut fresh = Typesetter::new(&templates).unwrap();
        let fresh_build = build(
            &plan.content(),
            &BuildOptions::new(&fresh_out),
            &mut fresh,
            &quiet,
        )
        .unwrap();
        let a = std::fs::read(&rebuilt.written[0]).unwrap();
        let b = std::fs::read(&fresh_build.written[0]).unwrap();
        assert!(
            a == b,
            "after editing {file}: the rebuilt PDF differs from a fresh build's"
        );
    }
}
