//! The preview's server: HTTP with `tiny_http`, WebSocket with `tungstenite` over the upgraded
//! connection. It serves the page and its two assets (compiled into the binary), the pages of
//! the document over a WebSocket (all of them on connecting, then what each rebuild changed),
//! and answers what a point of a page comes from (`/api/source`). Nothing else: no file is
//! ever read by a path a request names.
//!
//! Safe by default: it listens on loopback unless told otherwise; a request whose `Host` is a
//! name other than `localhost` (DNS rebinding: a page of another site that resolves its own
//! name to 127.0.0.1) is refused, as is a request whose `Origin` is not the preview's own and a
//! WebSocket upgrade without one; no CORS header is ever sent, so another site's script can
//! read nothing.

use std::io::Cursor;
use std::net::{IpAddr, SocketAddr};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};
use tungstenite::protocol::Role;
use tungstenite::{Message, WebSocket};

use super::{assets, Rebuilt, Session};
use crate::error::Result;

/// How often a quiet WebSocket is pinged (a closed tab is noticed and its thread ends).
const PING_EVERY: Duration = Duration::from_secs(20);

/// A running preview server.
pub struct Server {
    shared: Arc<Shared>,
    addr: SocketAddr,
    thread: Option<JoinHandle<()>>,
}

/// What the server's threads share: the session, the open WebSockets and the port.
struct Shared {
    http: tiny_http::Server,
    session: Mutex<Session>,
    clients: Mutex<Vec<Sender<Arc<str>>>>,
    port: u16,
    /// Whether it listens on loopback only: then only loopback addresses and `localhost` are
    /// acceptable hosts.
    loopback: bool,
}

impl Server {
    /// Starts serving `session` on `bind`:`port` (0: a free port).
    pub fn start(session: Session, bind: IpAddr, port: u16) -> Result<Server> {
        let http = tiny_http::Server::http(SocketAddr::new(bind, port))
            .map_err(|e| crate::usage_error!("cannot listen on {bind}:{port}: {e}"))?;
        let addr = http
            .server_addr()
            .to_ip()
            .ok_or_else(|| crate::usage_error!("cannot listen on {bind}:{port}"))?;
        let shared = Arc::new(Shared {
            http,
            session: Mutex::new(session),
            clients: Mutex::new(Vec::new()),
            port: addr.port(),
            loopback: bind.is_loopback(),
        });
        let serving = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("vplan-preview-http".into())
            .spawn(move || serve(&serving))
            .map_err(|e| crate::usage_error!("cannot start the preview server: {e}"))?;
        Ok(Server {
            shared,
            addr,
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The page's address, as the browser opens it.
    pub fn url(&self) -> String {
        let host = match self.addr.ip() {
            ip if ip.is_unspecified() => "127.0.0.1".to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        };
        format!("http://{host}:{}/", self.addr.port())
    }

    /// The session, for reading (the errors of the last build).
    pub fn session(&self) -> MutexGuard<'_, Session> {
        lock(&self.shared.session)
    }

    /// Rebuilds, and sends what changed to every open page.
    pub fn rebuild(&self, templates_changed: bool) -> Rebuilt {
        let mut session = lock(&self.shared.session);
        if templates_changed {
            if let Err(e) = session.typesetter().reload() {
                session.fail(e);
                let rebuilt = Rebuilt::Failed;
                broadcast(&self.shared, &session, &rebuilt);
                return rebuilt;
            }
        }
        let rebuilt = session.rebuild();
        broadcast(&self.shared, &session, &rebuilt);
        session.tidy();
        rebuilt
    }

    /// Open WebSockets.
    pub fn clients(&self) -> usize {
        lock(&self.shared.clients).len()
    }

    /// Stops serving.
    pub fn stop(mut self) {
        self.shared.http.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A lock that a panicking thread did not spoil (the data is still whole: every change to it is
/// one assignment).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Sends a rebuild's message to every open page; a page whose socket is gone is forgotten.
fn broadcast(shared: &Shared, session: &Session, rebuilt: &Rebuilt) {
    let Some(message) = session.update_message(rebuilt) else {
        return;
    };
    let message: Arc<str> = message.into();
    lock(&shared.clients).retain(|tx| tx.send(Arc::clone(&message)).is_ok());
}

fn serve(shared: &Arc<Shared>) {
    for request in shared.http.incoming_requests() {
        match refusal(shared, &request) {
            Some((status, why)) => respond(request, text(status, &why)),
            None => route(shared, request),
        }
    }
}

/// Why a request is refused, if it is: a method other than GET or HEAD, a `Host` that is not
/// this server's, an `Origin` of another site.
fn refusal(shared: &Shared, request: &Request) -> Option<(u16, String)> {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return Some((405, format!("method {} not allowed", request.method())));
    }
    let host = header(request, "Host").unwrap_or_default();
    if !host_allowed(host, shared.port, shared.loopback) {
        return Some((403, format!("refused: Host {host:?} is not this preview")));
    }
    match header(request, "Origin") {
        Some(origin) if origin != format!("http://{host}") => Some((
            403,
            format!("refused: Origin {origin:?} is not this preview"),
        )),
        None if is_upgrade(request) => Some((
            403,
            "refused: a WebSocket needs the preview's Origin".into(),
        )),
        _ => None,
    }
}

/// Whether `host` (a `Host` header) names this server: `localhost` or an IP address (a
/// loopback one when it listens on loopback), with this port. Any other name is refused,
/// whatever it resolves to.
pub fn host_allowed(host: &str, port: u16, loopback: bool) -> bool {
    let (name, given_port) = match host.rsplit_once(':') {
        Some((name, p)) if !name.ends_with(':') && !p.contains(']') => (name, Some(p)),
        _ => (host, None),
    };
    if given_port.is_some_and(|p| p != port.to_string()) {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let ip = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    match ip.parse::<IpAddr>() {
        Ok(ip) => !loopback || ip.is_loopback(),
        Err(_) => false,
    }
}

fn route(shared: &Arc<Shared>, request: Request) {
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    match path {
        "/ws" => websocket(shared, request),
        "/api/source" => {
            let body = source_at(shared, query);
            respond(request, typed(200, "application/json", body.into_bytes()))
        }
        _ => match assets::get(path) {
            Some((mime, bytes)) => respond(request, typed(200, mime, bytes.to_vec())),
            None => respond(request, text(404, "not found")),
        },
    }
}

/// `/api/source?page=P&x=X&y=Y`: what the point comes from, as JSON.
fn source_at(shared: &Shared, query: &str) -> String {
    let mut page = None;
    let mut x = None;
    let mut y = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "page" => page = value.parse::<usize>().ok(),
            "x" => x = value.parse::<f64>().ok().filter(|v| v.is_finite()),
            "y" => y = value.parse::<f64>().ok().filter(|v| v.is_finite()),
            _ => {}
        }
    }
    let found = match (page, x, y) {
        (Some(page), Some(x), Some(y)) => lock(&shared.session).source_at(page, x, y),
        _ => super::Found::default(),
    };
    serde_json::to_string(&found).unwrap_or_else(|_| "{\"found\":false}".into())
}

/// Upgrades to a WebSocket, sends the whole state, then every rebuild's message.
fn websocket(shared: &Arc<Shared>, request: Request) {
    let key = header(&request, "Sec-WebSocket-Key").map(str::to_string);
    let (Some(key), true) = (key, is_upgrade(&request)) else {
        return respond(request, text(400, "a WebSocket upgrade was expected"));
    };
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    let response = Response::empty(StatusCode(101)).with_header(
        Header::from_bytes("Sec-WebSocket-Accept", accept.as_bytes()).expect("a valid header"),
    );
    let stream = request.upgrade("websocket", response);
    let mut ws = WebSocket::from_raw_socket(stream, Role::Server, None);
    let (tx, rx) = mpsc::channel::<Arc<str>>();
    // The first message and the registration under the session's lock: no rebuild between.
    let first = {
        let session = lock(&shared.session);
        lock(&shared.clients).push(tx);
        session.doc_message()
    };
    let _ = std::thread::Builder::new()
        .name("vplan-preview-ws".into())
        .spawn(move || {
            if ws.send(Message::text(first)).is_err() {
                return;
            }
            loop {
                let sent = match rx.recv_timeout(PING_EVERY) {
                    Ok(message) => ws.send(Message::text(message.to_string())),
                    Err(RecvTimeoutError::Timeout) => ws.send(Message::Ping(Vec::new().into())),
                    Err(RecvTimeoutError::Disconnected) => break,
                };
                if sent.is_err() {
                    break;
                }
            }
            let _ = ws.close(None);
        });
}

fn is_upgrade(request: &Request) -> bool {
    header(request, "Upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket"))
}

fn header<'r>(request: &'r Request, name: &'static str) -> Option<&'r str> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

type Body = Response<Cursor<Vec<u8>>>;

fn typed(status: u16, mime: &str, body: Vec<u8>) -> Body {
    let mut response = Response::from_data(body).with_status_code(status);
    for (name, value) in [
        ("Content-Type", mime),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Content-Security-Policy", assets::CSP),
    ] {
        response.add_header(Header::from_bytes(name, value).expect("a valid header"));
    }
    response
}

fn text(status: u16, message: &str) -> Body {
    typed(
        status,
        "text/plain; charset=utf-8",
        format!("vplan preview: {message}\n").into_bytes(),
    )
}

fn respond(request: Request, response: Body) {
    // A browser that went away is no error of the preview's.
    let _ = request.respond(response);
}

#[cfg(test)]
mod tests {
    use super::host_allowed;

    #[test]
    fn only_this_servers_names_are_hosts() {
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST",
            "[::1]:8080",
            "127.0.0.2:8080",
        ] {
            assert!(host_allowed(ok, 8080, true), "{ok}");
        }
        for refused in [
            "evil.example:8080",
            "127.0.0.1.nip.io:8080",
            "localhost:8081",
            "192.168.1.2:8080",
            "",
            "localhost.:8080",
            "[::1]:8081",
        ] {
            assert!(!host_allowed(refused, 8080, true), "{refused}");
        }
        // Listening on every interface (`--bind 0.0.0.0`): any address, still no names.
        assert!(host_allowed("192.168.1.2:8080", 8080, false));
        assert!(!host_allowed("evil.example:8080", 8080, false));
    }
}
