//! The client against a real HTTP server on 127.0.0.1 that misbehaves on request: statuses,
//! bodies of every size, redirects within and out of the app's origins, silence, endless and
//! cut bodies. The server's threads stop by themselves.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use marquee_net::{Client, Failure, Outcome, Policy, Redirect, Request, SocketEvent};

/// The longest any server thread lives.
const LIFETIME: Duration = Duration::from_secs(30);

struct Server {
    port: u16,
    connections: Arc<AtomicUsize>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = connections.clone();
        named(move || {
            let end = Instant::now() + LIFETIME;
            while Instant::now() < end {
                match listener.accept() {
                    Ok((stream, _)) => {
                        counted.fetch_add(1, Ordering::SeqCst);
                        named(move || serve(stream, port));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server { port, connections }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

fn serve(stream: TcpStream, port: u16) {
    stream.set_nonblocking(false).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut head = String::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if line == "\r\n" {
            break;
        }
        head += &line;
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let mut out = stream;
    let first = head.lines().next().unwrap_or_default().to_string();
    let method = first.split(' ').next().unwrap_or_default().to_string();
    let path = first.split(' ').nth(1).unwrap_or_default().to_string();
    let reply = |out: &mut TcpStream, status: &str, headers: &str, body: &[u8]| {
        let _ =
            write!(out, "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n{headers}\r\n", body.len());
        let _ = out.write_all(body);
    };
    match path.as_str() {
        "/json" => reply(&mut out, "200 OK", "content-type: application/json\r\n", br#"{"rails":[1,2]}"#),
        "/bin" => reply(&mut out, "200 OK", "", &(0..=255u8).collect::<Vec<_>>()),
        "/echo" => {
            let test = head.lines().find_map(|l| l.strip_prefix("x-test: ")).unwrap_or("-");
            let text = format!("{method} {test} {}", String::from_utf8_lossy(&body));
            reply(&mut out, "200 OK", "x-echo: yes\r\n", text.as_bytes());
        }
        "/missing" => reply(&mut out, "404 Not Found", "", b"no"),
        "/broken" => reply(&mut out, "500 Internal Server Error", "", b""),
        "/big" => reply(&mut out, "200 OK", "", &vec![7; 1001]),
        "/redirect" => reply(&mut out, "302 Found", "location: /json\r\n", b""),
        "/away" => reply(&mut out, "302 Found", &format!("location: http://localhost:{port}/json\r\n"), b""),
        "/loop" => reply(&mut out, "302 Found", "location: /loop\r\n", b""),
        "/into-app" => reply(&mut out, "302 Found", "location: app://app/data/rails%20one.json\r\n", b""),
        "/see-other" => reply(&mut out, "303 See Other", "location: /echo\r\n", b""),
        "/endless" => {
            // No length, no end: bytes until the client hangs up.
            let _ = write!(out, "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n");
            let end = Instant::now() + LIFETIME;
            while Instant::now() < end && out.write_all(&[b'x'; 4096]).is_ok() {}
        }
        "/cut" => {
            let _ = write!(out, "HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n0123456789");
        }
        "/garbage" => {
            let _ = out.write_all(b"SMTP ready\r\n\r\n");
        }
        // Silence until the client gives up (its read fails) or the server's lifetime ends.
        _ => {
            let end = Instant::now() + LIFETIME;
            let mut byte = [0];
            out.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
            while Instant::now() < end {
                if matches!(reader.get_mut().read(&mut byte), Ok(0)) {
                    return;
                }
            }
        }
    }
}

fn client(server: &Server, policy: Policy) -> (Client, Receiver<()>) {
    let (tx, rx) = channel();
    let tx = Mutex::new(tx);
    let policy = Policy { origins: vec![format!("http://127.0.0.1:{}", server.port)], ..policy };
    let client = Client::new(
        policy,
        Box::new(move || {
            let _ = tx.lock().unwrap().send(());
        }),
    )
    .unwrap();
    (client, rx)
}

/// Outcomes taken from a client while waiting for another request's, by client and id (every
/// request a test here starts is waited for, so none is left behind for a later client at the
/// same address).
static STASH: Mutex<Vec<(usize, u64, Outcome)>> = Mutex::new(Vec::new());

/// Waits for request `id` to end. Requests end in any order: outcomes of others taken meanwhile
/// are kept for when they are asked for.
fn outcome(client: &Client, wake: &Receiver<()>, id: u64) -> Outcome {
    let key = client as *const Client as usize;
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        let mut stash = STASH.lock().unwrap();
        stash.extend(client.take_done().into_iter().map(|(i, o)| (key, i, o)));
        if let Some(at) = stash.iter().position(|(k, i, _)| *k == key && *i == id) {
            return stash.remove(at).2;
        }
        drop(stash);
        assert!(Instant::now() < end, "request {id} never ended");
        let _ = wake.recv_timeout(Duration::from_millis(200));
    }
}

fn get(url: String) -> Request {
    Request { method: "GET".into(), url, ..Request::default() }
}

#[test]
fn responses_whatever_their_status() {
    let server = Server::start();
    let (c, wake) = client(&server, Policy::default());
    let json = outcome(&c, &wake, c.start(get(server.url("/json"))).unwrap()).unwrap();
    assert_eq!((json.status, json.status_text.as_str(), json.redirected), (200, "OK", false));
    assert_eq!(json.body, br#"{"rails":[1,2]}"#);
    assert!(json.headers.contains(&("content-type".into(), "application/json".into())));
    let bin = outcome(&c, &wake, c.start(get(server.url("/bin"))).unwrap()).unwrap();
    assert_eq!(bin.body, (0..=255u8).collect::<Vec<_>>());
    let post = Request {
        method: "POST".into(),
        url: server.url("/echo"),
        headers: vec![("x-test".into(), "42".into())],
        body: b"hello".to_vec(),
        ..Request::default()
    };
    let echo = outcome(&c, &wake, c.start(post).unwrap()).unwrap();
    assert_eq!(String::from_utf8(echo.body).unwrap(), "POST 42 hello");
    for (path, status) in [("/missing", 404), ("/broken", 500)] {
        let r = outcome(&c, &wake, c.start(get(server.url(path))).unwrap()).unwrap();
        assert_eq!(r.status, status, "{path}");
    }
    assert_eq!(c.pending(), 0);
}

#[test]
fn other_origins_are_refused_before_any_connection_redirects_included() {
    let server = Server::start();
    let (c, wake) = client(&server, Policy::default());
    let other = format!("http://localhost:{}/json", server.port);
    assert_eq!(c.start(get(other)).unwrap_err(), Failure::Refused(format!("http://localhost:{}", server.port)));
    assert!(matches!(c.start(get("ftp://127.0.0.1/x".into())), Err(Failure::Invalid(_))));
    assert!(matches!(c.start(get("not a url".into())), Err(Failure::Invalid(_))));
    let bad_header = Request { headers: vec![("bad header".into(), "x".into())], ..get(server.url("/json")) };
    assert!(matches!(c.start(bad_header), Err(Failure::Invalid(_))));
    assert_eq!(server.connections.load(Ordering::SeqCst), 0, "nothing was sent");
    // The redirect to another origin is refused when it comes: one connection, the first.
    let away = outcome(&c, &wake, c.start(get(server.url("/away"))).unwrap());
    assert!(matches!(away, Err(Failure::Refused(ref o)) if o.starts_with("http://localhost")), "{away:?}");
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[test]
fn redirects_are_followed_within_bounds_and_as_asked() {
    let server = Server::start();
    let (c, wake) = client(&server, Policy { max_redirects: 3, ..Policy::default() });
    let r = outcome(&c, &wake, c.start(get(server.url("/redirect"))).unwrap()).unwrap();
    assert_eq!((r.status, r.redirected, r.url), (200, true, server.url("/json")));
    let post = Request { method: "POST".into(), body: b"gone".to_vec(), ..get(server.url("/see-other")) };
    let r = outcome(&c, &wake, c.start(post).unwrap()).unwrap();
    assert_eq!(r.body, b"GET - ", "a 303 goes on as a GET without the body");
    let looping = outcome(&c, &wake, c.start(get(server.url("/loop"))).unwrap());
    assert!(matches!(looping, Err(Failure::Network(ref why)) if why.contains("more than 3 redirects")), "{looping:?}");
    let manual = Request { redirect: Redirect::Manual, ..get(server.url("/redirect")) };
    assert_eq!(outcome(&c, &wake, c.start(manual).unwrap()).unwrap().status, 302);
    let refused = Request { redirect: Redirect::Error, ..get(server.url("/redirect")) };
    assert!(matches!(outcome(&c, &wake, c.start(refused).unwrap()), Err(Failure::Network(_))));
}

#[test]
fn what_a_server_does_wrong_ends_that_request_only() {
    let server = Server::start();
    let policy = Policy { max_body: 1000, timeout: Duration::from_secs(10), ..Policy::default() };
    let (c, wake) = client(&server, policy);
    let quick = Duration::from_millis(300);
    type Expected = fn(&Failure) -> bool;
    let cases: [(&str, Option<Duration>, Expected); 5] = [
        ("/big", None, |f| matches!(f, Failure::TooLarge(_))),
        ("/endless", None, |f| matches!(f, Failure::TooLarge(_))),
        ("/silent", Some(quick), |f| matches!(f, Failure::Timeout(_))),
        ("/cut", None, |f| matches!(f, Failure::Network(_))),
        ("/garbage", None, |f| matches!(f, Failure::Network(_))),
    ];
    let ids: Vec<_> = cases
        .iter()
        .map(|(path, timeout, _)| c.start(Request { timeout: *timeout, ..get(server.url(path)) }).unwrap())
        .collect();
    for ((path, _, expected), id) in cases.iter().zip(ids) {
        let o = outcome(&c, &wake, id);
        assert!(o.as_ref().is_err_and(expected), "{path}: {o:?}");
    }
    // The client is as good as new.
    assert_eq!(outcome(&c, &wake, c.start(get(server.url("/json"))).unwrap()).unwrap().status, 200);
}

/// With one request at a time, a running request the server never answers is aborted: the one
/// queued behind it is answered at once, not after the aborted one's deadline (the policy's 30
/// seconds, past `outcome`'s 20).
#[test]
fn aborted_and_excess_requests_leave_nothing_behind() {
    let server = Server::start();
    let (c, wake) = client(&server, Policy { concurrent: 1, max_pending: 3, ..Policy::default() });
    let silent = c.start(get(server.url("/silent"))).unwrap();
    let end = Instant::now() + Duration::from_secs(20);
    while server.connections.load(Ordering::SeqCst) == 0 {
        assert!(Instant::now() < end, "the silent request never reached the server");
        std::thread::sleep(Duration::from_millis(5));
    }
    let queued = c.start(get(server.url("/json"))).unwrap();
    let third = c.start(get(server.url("/json"))).unwrap();
    assert_eq!(c.start(get(server.url("/json"))).unwrap_err(), Failure::Busy(3));
    c.abort(queued);
    c.abort(silent);
    assert_eq!(outcome(&c, &wake, third).unwrap().status, 200);
    assert!(c.take_done().is_empty(), "aborted requests answer nothing");
    assert_eq!(c.pending(), 0);
}

/// Aborting does not buy an app more threads than twice its `concurrent`: with one allowed, two
/// aborted requests still waiting on their silent server hold the request after them back.
#[test]
fn aborted_requests_lingering_on_their_server_are_bounded() {
    let server = Server::start();
    let (c, _wake) = client(&server, Policy { concurrent: 1, ..Policy::default() });
    let reached = |n| {
        let end = Instant::now() + Duration::from_secs(20);
        while server.connections.load(Ordering::SeqCst) < n {
            assert!(Instant::now() < end, "request {n} never reached the server");
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    for n in 1..=2 {
        let silent = c.start(get(server.url("/silent"))).unwrap();
        reached(n);
        c.abort(silent);
    }
    c.start(get(server.url("/json"))).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(server.connections.load(Ordering::SeqCst), 2, "a third worker started");
    assert_eq!(c.pending(), 1, "the request waits");
}

/// Spawns a named thread (the house rule: a thread in a backtrace says what it is).
fn named(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().name("test-server".into()).spawn(f).unwrap();
}

/// HTTPS to a server on 127.0.0.1 with a certificate of its own (`tests/tls`, made with openssl,
/// valid for a century): refused with Mozilla's roots, answered when the policy trusts exactly
/// that certificate.
#[test]
fn https_trusts_mozillas_roots_or_exactly_the_ones_given() {
    let cert = include_bytes!("tls/cert.pem");
    let key = include_bytes!("tls/key.pem");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let config = {
        use rustls::pki_types::pem::PemObject;
        let certs = rustls::pki_types::CertificateDer::pem_slice_iter(cert).collect::<Result<Vec<_>, _>>().unwrap();
        let key = rustls::pki_types::PrivateKeyDer::from_pem_slice(key).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap()
    };
    let config = Arc::new(config);
    named(move || {
        // Two connections: the refused handshake and the answered request.
        for stream in listener.incoming().take(2).flatten() {
            let Ok(conn) = rustls::ServerConnection::new(config.clone()) else { return };
            let mut tls = rustls::StreamOwned::new(conn, stream);
            let mut head = Vec::new();
            let mut byte = [0];
            while !head.ends_with(b"\r\n\r\n") && tls.read(&mut byte).is_ok_and(|n| n == 1) {
                head.push(byte[0]);
            }
            let _ = tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 6\r\nconnection: close\r\n\r\nsecure");
            let _ = tls.flush();
        }
    });
    let origin = format!("https://127.0.0.1:{port}");
    let policy = |roots: Option<Vec<u8>>| Policy { origins: vec![origin.clone()], roots, ..Policy::default() };
    let (tx, wake) = channel();
    let tx = Arc::new(Mutex::new(tx));
    let waker = move || {
        let _ = tx.lock().unwrap().send(());
    };
    let mozilla = Client::new(policy(None), Box::new(waker.clone())).unwrap();
    let refused = outcome(&mozilla, &wake, mozilla.start(get(format!("{origin}/"))).unwrap());
    assert!(
        matches!(refused, Err(Failure::Network(ref why)) if why.contains("certificate") || why.contains("Certificate")),
        "{refused:?}"
    );
    let ours = Client::new(policy(Some(cert.to_vec())), Box::new(waker)).unwrap();
    let answered = outcome(&ours, &wake, ours.start(get(format!("{origin}/"))).unwrap()).unwrap();
    assert_eq!((answered.status, answered.body.as_slice()), (200, &b"secure"[..]));
    assert!(matches!(Client::new(policy(Some(b"no pem here".to_vec())), Box::new(|| ())), Err(Failure::Invalid(_))));
}

/// The app's own files, at `app://app/`: read from its directory (regular files inside it only,
/// within the body limit), 404 when missing, never written, never reached by a server's redirect.
#[test]
fn the_apps_own_files_are_read_from_its_directory_only() {
    let server = Server::start();
    let root = std::env::temp_dir().join(format!("marquee-net-app-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let app = root.join("app");
    std::fs::create_dir_all(app.join("data")).unwrap();
    std::fs::write(app.join("data/rails one.json"), br#"{"rails":[]}"#).unwrap();
    std::fs::write(app.join("big.bin"), vec![0; 2000]).unwrap();
    std::fs::write(root.join("secret.txt"), b"outside").unwrap();
    std::os::unix::fs::symlink(root.join("secret.txt"), app.join("link.txt")).unwrap();
    let policy = Policy { app_dir: Some(app.clone()), max_body: 1000, ..Policy::default() };
    let (c, wake) = client(&server, policy);
    let fetch = |url: &str| outcome(&c, &wake, c.start(get(url.into())).unwrap());
    let json = fetch("app://app/data/rails%20one.json").unwrap();
    assert_eq!((json.status, json.body.as_slice()), (200, &br#"{"rails":[]}"#[..]));
    assert!(json.headers.contains(&("content-type".into(), "application/json".into())));
    assert_eq!(fetch("app://app/data/missing.json").unwrap().status, 404);
    // `..` is resolved by the URL parser before it gets here: it cannot climb out.
    assert_eq!(fetch("app://app/../secret.txt").unwrap().status, 404);
    assert!(
        matches!(fetch("app://app/link.txt"), Err(Failure::Invalid(ref why)) if why.contains("leaves the directory"))
    );
    assert!(matches!(fetch("app://app/big.bin"), Err(Failure::TooLarge(_))));
    assert!(matches!(fetch("app://app/data"), Err(Failure::Invalid(_))), "a directory is not a file");
    assert!(matches!(c.start(get("app://other/x".into())), Err(Failure::Invalid(_))));
    let post = Request { method: "POST".into(), ..get("app://app/data/rails%20one.json".into()) };
    assert!(matches!(outcome(&c, &wake, c.start(post).unwrap()), Err(Failure::Invalid(_))));
    // A server cannot redirect into them.
    let into = fetch(&server.url("/into-app"));
    assert!(matches!(into, Err(Failure::Refused(ref why)) if why.contains("may not leave http")), "{into:?}");
    // A client without an app directory refuses them.
    let (none, _) = client(&server, Policy::default());
    assert!(matches!(none.start(get("app://app/x".into())), Err(Failure::Invalid(_))));
    let _ = std::fs::remove_dir_all(&root);
}

/// A WebSocket server on 127.0.0.1: echoes text and binary messages, answers `big` with more
/// than the client takes, closes on `bye` with 4001, and chooses the `chat` subprotocol when
/// asked for it.
fn echo_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    named(move || {
        for stream in listener.incoming().take(8).flatten() {
            named(move || {
                #[allow(clippy::result_large_err, reason = "the handshake callback's type is tungstenite's")]
                let choose = |req: &tungstenite::handshake::server::Request,
                              mut res: tungstenite::handshake::server::Response| {
                    let asked = req.headers().get("sec-websocket-protocol").and_then(|v| v.to_str().ok()).unwrap_or("");
                    if asked.split(',').any(|p| p.trim() == "chat") {
                        res.headers_mut().insert("sec-websocket-protocol", "chat".parse().unwrap());
                    }
                    Ok(res)
                };
                let Ok(mut ws) = tungstenite::accept_hdr(stream, choose) else { return };
                while let Ok(message) = ws.read() {
                    let reply = match message {
                        tungstenite::Message::Text(t) if t.as_str() == "big" => {
                            tungstenite::Message::Binary(vec![1; 2048].into())
                        }
                        tungstenite::Message::Text(t) if t.as_str() == "bye" => {
                            let frame = tungstenite::protocol::CloseFrame { code: 4001.into(), reason: "done".into() };
                            let _ = ws.close(Some(frame));
                            continue;
                        }
                        m @ (tungstenite::Message::Text(_) | tungstenite::Message::Binary(_)) => m,
                        _ => continue,
                    };
                    if ws.send(reply).is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}

/// Waits for socket `id`'s events until it closes.
fn socket_events(c: &Client, wake: &Receiver<()>, id: u64, until: impl Fn(&[SocketEvent]) -> bool) -> Vec<SocketEvent> {
    let end = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    while !until(&seen) {
        assert!(Instant::now() < end, "socket {id}: {seen:?}");
        let _ = wake.recv_timeout(Duration::from_millis(100));
        seen.extend(c.take_socket_events().into_iter().filter(|(i, _)| *i == id).map(|(_, e)| e));
    }
    seen
}

#[test]
fn websockets_carry_messages_both_ways_and_close_as_asked() {
    let port = echo_server();
    let origin = format!("http://127.0.0.1:{port}");
    let (tx, wake) = channel();
    let tx = Mutex::new(tx);
    let policy = Policy { origins: vec![origin], max_message: 1024, ..Policy::default() };
    let c = Client::new(
        policy,
        Box::new(move || {
            let _ = tx.lock().unwrap().send(());
        }),
    )
    .unwrap();
    let url = format!("ws://127.0.0.1:{port}/live");
    // Messages both ways, then the server closes.
    let id = c.open_socket(&url, &["chat".into(), "v2".into()]).unwrap();
    c.send_text(id, "hello".into());
    c.send_binary(id, vec![1, 2, 3]);
    c.send_text(id, "bye".into());
    let closed = |e: &[SocketEvent]| e.iter().any(|e| matches!(e, SocketEvent::Closed { .. }));
    let seen = socket_events(&c, &wake, id, closed);
    assert_eq!(
        seen,
        [
            SocketEvent::Open { protocol: "chat".into() },
            SocketEvent::Text("hello".into()),
            SocketEvent::Binary(vec![1, 2, 3]),
            SocketEvent::Closed { code: 4001, reason: "done".into(), clean: true },
        ]
    );
    // The client closes.
    let id = c.open_socket(&url, &[]).unwrap();
    c.close_socket(id, 1000, "leaving".into());
    assert_eq!(
        socket_events(&c, &wake, id, closed),
        [
            SocketEvent::Open { protocol: String::new() },
            SocketEvent::Closed { code: 1000, reason: "leaving".into(), clean: true }
        ]
    );
    // A message past the limit, either way, fails the socket with 1009.
    for (ask, what) in [("big", "the server's"), ("x".repeat(2000).as_str(), "the app's")] {
        let id = c.open_socket(&url, &[]).unwrap();
        c.send_text(id, ask.to_string());
        let seen = socket_events(&c, &wake, id, closed);
        assert!(matches!(seen[1], SocketEvent::Error(ref why) if why.contains("limit")), "{what}: {seen:?}");
        assert!(matches!(seen[2], SocketEvent::Closed { code: 1009, clean: false, .. }), "{what}: {seen:?}");
    }
    assert_eq!(c.pending(), 0, "closed sockets leave nothing behind");
}

#[test]
fn websockets_reach_only_permitted_origins_and_report_failures() {
    let port = echo_server();
    let (tx, wake) = channel();
    let tx = Mutex::new(tx);
    let policy = Policy { origins: vec![format!("http://127.0.0.1:{port}")], max_sockets: 1, ..Policy::default() };
    let c = Client::new(
        policy,
        Box::new(move || {
            let _ = tx.lock().unwrap().send(());
        }),
    )
    .unwrap();
    assert_eq!(
        c.open_socket(&format!("ws://localhost:{port}/"), &[]).unwrap_err(),
        Failure::Refused(format!("http://localhost:{port}"))
    );
    assert!(matches!(c.open_socket("wss://127.0.0.1:1/", &[]), Err(Failure::Refused(_))), "wss is https's origin");
    assert!(matches!(c.open_socket(&format!("http://127.0.0.1:{port}/"), &[]), Err(Failure::Invalid(_))));
    let id = c.open_socket(&format!("ws://127.0.0.1:{port}/"), &[]).unwrap();
    assert!(matches!(c.open_socket(&format!("ws://127.0.0.1:{port}/"), &[]), Err(Failure::Busy(1))));
    c.close_socket(id, 1000, String::new());
    socket_events(&c, &wake, id, |e| e.iter().any(|e| matches!(e, SocketEvent::Closed { .. })));
    // Nothing listening: an error, then a close that was not clean.
    let dead = TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_port = dead.local_addr().unwrap().port();
    drop(dead);
    let policy = Policy { origins: vec![format!("http://127.0.0.1:{dead_port}")], ..Policy::default() };
    let (tx, wake) = channel();
    let tx = Mutex::new(tx);
    let c = Client::new(
        policy,
        Box::new(move || {
            let _ = tx.lock().unwrap().send(());
        }),
    )
    .unwrap();
    let id = c.open_socket(&format!("ws://127.0.0.1:{dead_port}/"), &[]).unwrap();
    let seen = socket_events(&c, &wake, id, |e| e.iter().any(|e| matches!(e, SocketEvent::Closed { .. })));
    assert!(matches!(seen[0], SocketEvent::Error(_)), "{seen:?}");
    assert_eq!(seen[1], SocketEvent::Closed { code: 1006, reason: String::new(), clean: false });
}

/// A server that answers one request a connection and closes it without saying so (no
/// `connection: close`): a client that kept the connection finds it closed under its next
/// request, and sends a GET again on a new one (RFC 9112, 9.3.1) instead of failing it.
#[test]
fn a_kept_connection_the_server_closed_is_retried_for_a_get() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    named(move || {
        for stream in listener.incoming().take(60).flatten() {
            counted.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let mut out = stream;
            let _ = out.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
            let _ = out.flush();
            // Closed without a word, a moment later: after the client has sent its next request
            // on this connection, believing it kept.
            std::thread::sleep(Duration::from_millis(30));
        }
    });
    let server = Server { port, connections };
    let (c, wake) = client(&server, Policy::default());
    for n in 0..20 {
        let id = c.start(get(format!("http://127.0.0.1:{port}/{n}"))).unwrap();
        let response = outcome(&c, &wake, id).unwrap_or_else(|e| panic!("request {n}: {e}"));
        assert_eq!((response.status, response.body.as_slice()), (200, &b"ok"[..]), "request {n}");
    }
    // One connection a request answered, whatever was tried on the closed ones.
    assert_eq!(server.connections.load(Ordering::SeqCst), 20);
}
