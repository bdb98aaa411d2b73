//! An app's network: the HTTP requests behind `fetch`, made off the app thread.
//!
//! A [`Client`] takes requests ([`Client::start`]) and runs them on a few worker threads of its
//! own, so the app thread never waits on the network; finished ones are collected with
//! [`Client::take_done`], and the client calls its `wake` function whenever one finishes, so the
//! app thread can sleep until then. Requests are bounded the way a device needs:
//!
//! - **Origins**: only the origins the app's manifest lists ([`Policy::origins`]) are reached. A
//!   request elsewhere is refused before any connection, and so is a redirect elsewhere — the
//!   client follows redirects itself, checking each hop, rather than letting the HTTP library.
//! - **Limits**: a body past [`Policy::max_body`] is cut and the request fails with
//!   [`Failure::TooLarge`]; every request has a deadline (its own timeout, never past
//!   [`Policy::timeout`]) covering connection, redirects and body; at most
//!   [`Policy::concurrent`] run at once and [`Policy::max_pending`] wait.
//! - **Abort**: an aborted request is dropped from the queue, or its answer thrown away when it
//!   comes (a worker reading a body stops at its next chunk). A running request, once aborted,
//!   no longer holds one of the [`Policy::concurrent`] places: a worker still waiting on its
//!   server (for as long as its deadline allows) does not hold up the requests queued behind
//!   it. Those lingering workers are bounded too, by as many again.
//!
//! Whatever a server sends — no answer, an endless body, a reset, a malformed response — ends as
//! a [`Failure`] for that request and nothing else.

mod socket;

pub use socket::SocketEvent;

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::io::Read;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use url::Url;

/// What the app may reach, and the limits on it.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The origins requests may go to, as the manifest writes them (`https://api.example.com`,
    /// `http://127.0.0.1:8080`): scheme, host and port, no path.
    pub origins: Vec<String>,
    /// The most bytes of one response body.
    pub max_body: u64,
    /// The most redirects one request follows.
    pub max_redirects: u32,
    /// The longest one request may take, start to end of its body.
    pub timeout: Duration,
    /// Requests running at once (worker threads).
    pub concurrent: usize,
    /// Requests waiting or running, past which [`Client::start`] refuses more.
    pub max_pending: usize,
    /// The most bytes of one WebSocket message, either way.
    pub max_message: u64,
    /// WebSockets open at once.
    pub max_sockets: usize,
    /// The app's own directory, which `app:` URLs read from (`app://app/data/rails.json`; the
    /// runtime resolves an app's relative URLs against `app://app/`): only regular files inside
    /// it, as module imports are; `None` refuses them.
    pub app_dir: Option<std::path::PathBuf>,
    /// The certificates HTTPS servers must chain to, PEM: `None` trusts Mozilla's roots (the
    /// webpki-roots the device carries); `Some` trusts exactly these, for a development server
    /// or a private deployment with a CA of its own.
    pub roots: Option<Vec<u8>>,
    /// The device has no network: requests to the permitted origins fail as a network error
    /// before any connection is tried (the others are refused as ever); the app's files load.
    pub offline: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            origins: Vec::new(),
            max_body: 16 << 20,
            max_redirects: 10,
            timeout: Duration::from_secs(30),
            concurrent: 6,
            max_pending: 1024,
            max_message: 1 << 20,
            max_sockets: 16,
            app_dir: None,
            roots: None,
            offline: false,
        }
    }
}

/// How a request treats a redirect (fetch's `redirect` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Redirect {
    /// Follow it (within the permitted origins).
    #[default]
    Follow,
    /// Fail the request.
    Error,
    /// Answer with the redirect itself.
    Manual,
}

/// One request.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `GET`, `POST`…, as the app wrote it (methods are case-sensitive but for the standard
    /// ones, which fetch upper-cases before they get here).
    pub method: String,
    /// An absolute `http:` or `https:` URL.
    pub url: String,
    /// Header names and values, in order (a name may come more than once).
    pub headers: Vec<(String, String)>,
    /// The bytes sent (none for a GET).
    pub body: Vec<u8>,
    /// Its own deadline, if shorter than the policy's.
    pub timeout: Option<Duration>,
    /// What a redirect does.
    pub redirect: Redirect,
}

/// One response, its body read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The status's standard reason phrase (empty for one without).
    pub status_text: String,
    /// Header names (lower case) and values, in the order received.
    pub headers: Vec<(String, String)>,
    /// The whole body.
    pub body: Vec<u8>,
    /// The URL it came from, after redirects.
    pub url: String,
    /// Whether a redirect was followed.
    pub redirected: bool,
}

/// Why a request did not get a response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// Not a request this client makes: a malformed URL, method or header, a scheme other than
    /// http(s).
    Invalid(String),
    /// The origin is not one the app may reach (the request, or a redirect of it).
    Refused(String),
    /// The body passed the limit (its size when known, the limit).
    TooLarge(String),
    /// The deadline passed.
    Timeout(String),
    /// The connection failed, was reset, or the server's answer was not HTTP.
    Network(String),
    /// Too many requests are waiting already.
    Busy(usize),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Invalid(why) => write!(f, "{why}"),
            Failure::Refused(origin) => {
                write!(f, "{origin} is not an origin this app may reach (its manifest's marquee.permissions.network)")
            }
            Failure::TooLarge(why) => write!(f, "the response is too large: {why}"),
            Failure::Timeout(why) => write!(f, "timed out: {why}"),
            Failure::Network(why) => write!(f, "network error: {why}"),
            Failure::Busy(n) => write!(f, "too many requests: {n} are already waiting"),
        }
    }
}

impl std::error::Error for Failure {}

/// What a finished request gave.
pub type Outcome = Result<Response, Failure>;

/// The origin of `url` as the policy compares it: `scheme://host[:port]`, the port only when not
/// the scheme's default.
fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

impl Policy {
    /// Whether `url` may be reached, or why not.
    fn check(&self, url: &Url) -> Result<(), Failure> {
        if url.scheme() == APP_SCHEME {
            return match (&self.app_dir, url.host_str()) {
                (Some(_), Some(APP_HOST)) => Ok(()),
                (Some(_), _) => {
                    Err(Failure::Invalid(format!("{url}: the app's files are at {APP_SCHEME}://{APP_HOST}/")))
                }
                (None, _) => Err(Failure::Invalid(format!("{url}: this app's files cannot be fetched here"))),
            };
        }
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Failure::Invalid(format!("{url}: only http:, https: and the app's own URLs can be fetched")));
        }
        let o = origin(url);
        let allowed = self.origins.iter().any(|a| Url::parse(a).is_ok_and(|a| origin(&a) == o));
        match (allowed, self.offline) {
            (false, _) => Err(Failure::Refused(o)),
            (true, true) => Err(Failure::Network(format!("{o}: the device is offline"))),
            (true, false) => Ok(()),
        }
    }
}

struct State {
    /// What the app queued for each open socket.
    sockets: HashMap<u64, VecDeque<socket::Out>>,
    socket_events: Vec<(u64, SocketEvent)>,
    waiting: VecDeque<(u64, Request)>,
    running: HashSet<u64>,
    aborted: HashSet<u64>,
    done: Vec<(u64, Outcome)>,
    next: u64,
    workers: usize,
    closed: bool,
}

struct Shared {
    policy: Policy,
    /// One agent for every request, so connections to an origin are kept and reused.
    agent: ureq::Agent,
    state: Mutex<State>,
    more: Condvar,
    wake: Box<dyn Fn() + Send + Sync>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Runs an app's requests; dropping it lets its workers go once their requests end.
pub struct Client {
    shared: Arc<Shared>,
}

impl Client {
    /// A client within `policy`; `wake` is called (on a worker thread) whenever a request ends.
    /// Fails only when [`Policy::roots`] holds no certificate.
    pub fn new(policy: Policy, wake: Box<dyn Fn() + Send + Sync>) -> Result<Client, Failure> {
        let state = State {
            sockets: HashMap::new(),
            socket_events: Vec::new(),
            waiting: VecDeque::new(),
            running: HashSet::new(),
            aborted: HashSet::new(),
            done: Vec::new(),
            next: 1,
            workers: 0,
            closed: false,
        };
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(pem) = &policy.roots {
            let certs: Vec<_> = ureq::tls::parse_pem(pem)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect();
            if certs.is_empty() {
                return Err(Failure::Invalid("the trusted roots hold no PEM certificate".into()));
            }
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
        }
        let agent = ureq::Agent::config_builder()
            .tls_config(tls.build())
            .max_redirects(0)
            .http_status_as_error(false)
            .allow_non_standard_methods(true)
            .user_agent(concat!("marquee/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Ok(Client { shared: Arc::new(Shared { policy, agent, state: Mutex::new(state), more: Condvar::new(), wake }) })
    }

    /// The policy it runs within.
    pub fn policy(&self) -> &Policy {
        &self.shared.policy
    }

    /// Queues `request` and returns its id, or says at once why it cannot be made (nothing is
    /// sent then).
    pub fn start(&self, request: Request) -> Result<u64, Failure> {
        let url = Url::parse(&request.url).map_err(|e| Failure::Invalid(format!("{}: {e}", request.url)))?;
        self.shared.policy.check(&url)?;
        ureq::http::Method::from_bytes(request.method.as_bytes())
            .map_err(|_| Failure::Invalid(format!("{:?} is not a valid method", request.method)))?;
        for (name, value) in &request.headers {
            ureq::http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Failure::Invalid(format!("{name:?} is not a valid header name")))?;
            ureq::http::HeaderValue::from_str(value)
                .map_err(|_| Failure::Invalid(format!("the value of header {name} is not valid")))?;
        }
        let mut state = self.shared.lock();
        let pending = state.waiting.len() + state.running.len();
        if pending >= self.shared.policy.max_pending {
            return Err(Failure::Busy(pending));
        }
        let id = state.next;
        state.next += 1;
        state.waiting.push_back((id, request));
        self.hire(&mut state);
        drop(state);
        self.shared.more.notify_one();
        Ok(id)
    }

    /// Drops request `id`: it leaves the queue, or its answer is thrown away when it comes.
    pub fn abort(&self, id: u64) {
        let mut state = self.shared.lock();
        let before = state.waiting.len();
        state.waiting.retain(|(i, _)| *i != id);
        if state.waiting.len() == before && state.running.contains(&id) {
            // Its worker may wait on a silent server until the request's deadline; the requests
            // queued behind it get a worker of their own meanwhile.
            state.aborted.insert(id);
            self.hire(&mut state);
        }
        state.done.retain(|(i, _)| *i != id);
    }

    /// Starts a worker when a request waits and every working one is busy, within the policy's
    /// `concurrent` (workers of aborted requests not counted, up to as many again).
    fn hire(&self, state: &mut State) {
        let concurrent = self.shared.policy.concurrent.max(1);
        let working = state.workers - state.aborted.len();
        let busy = state.running.len() - state.aborted.len();
        if state.waiting.is_empty() || working >= concurrent || working > busy || state.workers >= 2 * concurrent {
            return;
        }
        state.workers += 1;
        let shared = self.shared.clone();
        if std::thread::Builder::new().name("marquee-net".into()).spawn(move || work(&shared)).is_err() {
            state.workers -= 1;
        }
    }

    /// The requests that ended since the last call, in the order they ended.
    pub fn take_done(&self) -> Vec<(u64, Outcome)> {
        std::mem::take(&mut self.shared.lock().done)
    }

    /// Requests waiting, running or ended and not yet taken (aborted ones not counted), open
    /// sockets, and socket events not yet taken.
    pub fn pending(&self) -> usize {
        let state = self.shared.lock();
        state.waiting.len() + state.running.len() - state.aborted.len()
            + state.done.len()
            + state.sockets.len()
            + state.socket_events.len()
    }

    /// Opens a WebSocket to `url` (`ws:` or `wss:`, within the policy's origins, which it shares
    /// with their `http:` and `https:` twins) asking for `protocols`; its events come through
    /// [`Client::take_socket_events`], `Open` or `Error` first and `Closed` last.
    pub fn open_socket(&self, url: &str, protocols: &[String]) -> Result<u64, Failure> {
        let parsed = Url::parse(url).map_err(|e| Failure::Invalid(format!("{url}: {e}")))?;
        let twin = socket::http_equivalent(&parsed)
            .ok_or_else(|| Failure::Invalid(format!("{url}: a WebSocket URL is ws: or wss:")))?;
        self.shared.policy.check(&twin)?;
        let mut state = self.shared.lock();
        if state.sockets.len() >= self.shared.policy.max_sockets {
            return Err(Failure::Busy(state.sockets.len()));
        }
        let id = state.next;
        state.next += 1;
        state.sockets.insert(id, VecDeque::new());
        drop(state);
        let (shared, protocols) = (self.shared.clone(), protocols.to_vec());
        let spawned = std::thread::Builder::new()
            .name("marquee-ws".into())
            .spawn(move || socket::run(&shared, id, &parsed, &protocols));
        if let Err(e) = spawned {
            self.shared.lock().sockets.remove(&id);
            return Err(Failure::Network(format!("cannot start a socket thread: {e}")));
        }
        Ok(id)
    }

    /// Queues a text message on socket `id` (nothing if it is closed).
    pub fn send_text(&self, id: u64, text: String) {
        self.queue(id, socket::Out::Text(text));
    }

    /// Queues a binary message on socket `id` (nothing if it is closed).
    pub fn send_binary(&self, id: u64, bytes: Vec<u8>) {
        self.queue(id, socket::Out::Binary(bytes));
    }

    /// Starts closing socket `id` with `code` and `reason`.
    pub fn close_socket(&self, id: u64, code: u16, reason: String) {
        self.queue(id, socket::Out::Close(code, reason));
    }

    fn queue(&self, id: u64, out: socket::Out) {
        if let Some(q) = self.shared.lock().sockets.get_mut(&id) {
            q.push_back(out);
        }
    }

    /// What the sockets did since the last call, in order.
    pub fn take_socket_events(&self) -> Vec<(u64, SocketEvent)> {
        std::mem::take(&mut self.shared.lock().socket_events)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.closed = true;
        state.waiting.clear();
        state.socket_events.clear();
        let running: Vec<u64> = state.running.iter().copied().collect();
        state.aborted.extend(running);
        drop(state);
        self.shared.more.notify_all();
    }
}

/// A worker: takes requests until the client is dropped, or none came for a while.
fn work(shared: &Shared) {
    loop {
        let mut state = shared.lock();
        let next = loop {
            if state.closed {
                state.workers -= 1;
                return;
            }
            if let Some(next) = state.waiting.pop_front() {
                break next;
            }
            let (s, timeout) = shared
                .more
                .wait_timeout(state, Duration::from_secs(10))
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            state = s;
            if timeout.timed_out() && state.waiting.is_empty() {
                state.workers -= 1;
                return;
            }
        };
        let (id, request) = next;
        state.running.insert(id);
        drop(state);
        let aborted = || shared.lock().aborted.contains(&id);
        let outcome = execute((&shared.policy, &shared.agent), &request, &aborted);
        let mut state = shared.lock();
        state.running.remove(&id);
        let aborted = state.aborted.remove(&id);
        // A worker hired while this one was held by an aborted request keeps the count within
        // the policy: one of them goes.
        let surplus = state.workers > shared.policy.concurrent.max(1) + state.aborted.len();
        if surplus {
            state.workers -= 1;
        }
        if !aborted && !state.closed {
            state.done.push((id, outcome));
            drop(state);
            (shared.wake)();
        }
        if surplus {
            return;
        }
    }
}

/// The scheme and host of the app's own files: `app://app/path`.
pub const APP_SCHEME: &str = "app";
/// See [`APP_SCHEME`].
pub const APP_HOST: &str = "app";

/// A file of the app's directory as a response: 200 with a type by its extension, 404 when it
/// is not there; refused when it is outside the app or not a regular file.
fn app_file(dir: &std::path::Path, url: &Url, max: u64) -> Outcome {
    let path = url
        .path_segments()
        .map(|segments| {
            segments
                .map(|s| percent_decode(s).ok_or_else(|| Failure::Invalid(format!("{url}: not a UTF-8 path"))))
                .collect::<Result<std::path::PathBuf, _>>()
        })
        .unwrap_or_else(|| Err(Failure::Invalid(format!("{url}: no path"))))?;
    let files = marquee_app_files::Dir::new(dir).map_err(|e| Failure::Network(e.to_string()))?;
    let (status, status_text, body) = match files.read(&path, max) {
        Ok(bytes) => (200, "OK", bytes),
        Err(marquee_app_files::Error::NotFound(_)) => (404, "Not Found", Vec::new()),
        Err(marquee_app_files::Error::TooLarge { size, max, .. }) => {
            return Err(Failure::TooLarge(format!("{url}: {size} bytes, over the limit of {max}")));
        }
        Err(e) => return Err(Failure::Invalid(format!("{url}: {e}"))),
    };
    let kind = match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("json") => "application/json",
        Some("js" | "mjs") => "text/javascript",
        Some("txt") => "text/plain; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        _ => "application/octet-stream",
    };
    let headers = if status == 200 { vec![("content-type".to_string(), kind.to_string())] } else { Vec::new() };
    Ok(Response { status, status_text: status_text.into(), headers, body, url: url.to_string(), redirected: false })
}

/// A percent-encoded path segment as text (`%20` → ` `), or `None` when the bytes are not UTF-8.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The bytes read from a body at a time, between checks for an abort and the deadline.
const CHUNK: usize = 64 << 10;

/// Makes `request`, following redirects within the policy.
fn execute((policy, agent): (&Policy, &ureq::Agent), request: &Request, aborted: &dyn Fn() -> bool) -> Outcome {
    let limit = request.timeout.map_or(policy.timeout, |t| t.min(policy.timeout));
    let deadline = Instant::now() + limit;
    let left = || deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero());
    let timed_out = || Failure::Timeout(format!("{} took longer than {limit:?}", request.url));
    let mut url = Url::parse(&request.url).map_err(|e| Failure::Invalid(e.to_string()))?;
    if url.scheme() == APP_SCHEME {
        policy.check(&url)?;
        if !matches!(request.method.as_str(), "GET" | "HEAD") {
            return Err(Failure::Invalid(format!("{url}: the app's files can only be read (GET)")));
        }
        let dir = policy.app_dir.as_deref().ok_or_else(|| Failure::Invalid(format!("{url}: no app directory")))?;
        return app_file(dir, &url, policy.max_body);
    }
    let (mut method, mut body) = (request.method.clone(), request.body.clone());
    let mut redirected = false;
    for hop in 0..=policy.max_redirects {
        policy.check(&url)?;
        let send = || {
            let mut builder = ureq::http::Request::builder().method(method.as_str()).uri(url.as_str());
            for (name, value) in &request.headers {
                builder = builder.header(name.as_str(), value.as_str());
            }
            let req = builder.body(body.clone()).map_err(|e| Failure::Invalid(e.to_string()))?;
            let remaining = left().ok_or_else(timed_out)?;
            Ok(agent.run(agent.configure_request(req).timeout_global(Some(remaining)).build()))
        };
        let mut response = match send()? {
            // A kept connection the server closed fails the request sent on it. RFC 9112 (9.3.1)
            // lets a client send an idempotent request again on a new connection, as browsers do.
            Err(e) if matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS") && closed_under(&e) => send()?,
            other => other,
        }
        .map_err(|e| failure(e, &url, &timed_out))?;
        let status = response.status().as_u16();
        let location = response.headers().get("location").and_then(|l| l.to_str().ok()).map(String::from);
        if let (true, Some(location)) = ((300..400).contains(&status) && status != 304, location) {
            match request.redirect {
                Redirect::Error => {
                    return Err(Failure::Network(format!("{url} redirects, and redirects were refused")));
                }
                Redirect::Manual => {}
                Redirect::Follow if hop == policy.max_redirects => {
                    return Err(Failure::Network(format!(
                        "{}: more than {} redirects",
                        request.url, policy.max_redirects
                    )));
                }
                Redirect::Follow => {
                    url = url.join(&location).map_err(|e| Failure::Network(format!("{url}: bad redirect: {e}")))?;
                    if !matches!(url.scheme(), "http" | "https") {
                        return Err(Failure::Refused(format!(
                            "{url} (a server's redirect may not leave http and https)"
                        )));
                    }
                    // 303, and 301/302 after a POST, go on as a GET without a body (fetch's rule).
                    if status == 303 || (matches!(status, 301 | 302) && method == "POST") {
                        (method, body) = ("GET".into(), Vec::new());
                    }
                    redirected = true;
                    continue;
                }
            }
        }
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let status_text = response.status().canonical_reason().unwrap_or("").to_string();
        if let Some(length) = response.body().content_length()
            && length > policy.max_body
        {
            return Err(Failure::TooLarge(format!("{url}: {length} bytes, over the limit of {}", policy.max_body)));
        }
        let mut reader = response.body_mut().with_config().limit(u64::MAX).reader();
        let mut bytes = Vec::new();
        let mut chunk = vec![0; CHUNK];
        loop {
            if aborted() {
                return Err(Failure::Network("aborted".into()));
            }
            left().ok_or_else(timed_out)?;
            let n = reader.read(&mut chunk).map_err(|e| read_failure(&e, &url, &timed_out))?;
            if n == 0 {
                break;
            }
            if bytes.len() as u64 + n as u64 > policy.max_body {
                return Err(Failure::TooLarge(format!("{url}: more than the limit of {} bytes", policy.max_body)));
            }
            bytes.extend_from_slice(&chunk[..n]);
        }
        return Ok(Response { status, status_text, headers, body: bytes, url: url.to_string(), redirected });
    }
    Err(Failure::Network(format!("{}: more than {} redirects", request.url, policy.max_redirects)))
}

/// A ureq error as a [`Failure`].
fn failure(e: ureq::Error, url: &Url, timed_out: &dyn Fn() -> Failure) -> Failure {
    match e {
        ureq::Error::Timeout(_) => timed_out(),
        ureq::Error::Io(io) => read_failure(&io, url, timed_out),
        ureq::Error::BadUri(why) => Failure::Invalid(format!("{url}: {why}")),
        other => Failure::Network(format!("{url}: {other}")),
    }
}

/// Whether a request failed because its connection was closed under it (before any answer).
fn closed_under(e: &ureq::Error) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof};
    match e {
        ureq::Error::Io(io) => matches!(io.kind(), BrokenPipe | ConnectionAborted | ConnectionReset | UnexpectedEof),
        _ => false,
    }
}

/// An error reading a body as a [`Failure`]; ureq reports its timeouts through `io::Error`s that
/// carry a `ureq::Error`.
fn read_failure(e: &std::io::Error, url: &Url, timed_out: &dyn Fn() -> Failure) -> Failure {
    let timeout = matches!(e.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock)
        || e.get_ref()
            .and_then(|inner| inner.downcast_ref::<ureq::Error>())
            .is_some_and(|u| matches!(u, ureq::Error::Timeout(_)));
    if timeout { timed_out() } else { Failure::Network(format!("{url}: {e}")) }
}
