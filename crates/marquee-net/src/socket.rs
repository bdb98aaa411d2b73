//! WebSockets: a thread per socket speaking tungstenite's protocol over our own TCP (and rustls)
//! stream, so the origins, the deadline to connect and the trusted roots are fetch's.
//!
//! The thread connects within the policy's deadline, then alternates between what the app sent
//! (queued by [`Client::send`](crate::Client::send)) and what the server sends (a short read
//! timeout makes the read give way), until either side closes. A message past
//! [`Policy::max_message`] fails the socket with code 1009 rather than growing without bound.
//! Everything the socket does reaches the app as [`SocketEvent`]s, in order.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tungstenite::protocol::WebSocketConfig;
use tungstenite::protocol::frame::CloseFrame;
use tungstenite::{ClientRequestBuilder, Message, WebSocket};
use url::Url;

use crate::{Failure, Policy, Shared};

/// How long a read waits before the thread looks at what the app queued.
const POLL: Duration = Duration::from_millis(20);

/// What a socket did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SocketEvent {
    /// Connected; the subprotocol the server chose (empty: none).
    Open {
        /// The server's choice among the ones asked for.
        protocol: String,
    },
    /// A text message.
    Text(String),
    /// A binary message.
    Binary(Vec<u8>),
    /// Something failed (a `Closed` follows).
    Error(String),
    /// The socket is closed; nothing follows.
    Closed {
        /// The close code (1005: none was given, 1006: the connection was lost).
        code: u16,
        /// The reason the closing side gave.
        reason: String,
        /// Whether both sides closed properly.
        clean: bool,
    },
}

/// What the app asked a socket to do.
#[derive(Debug)]
pub(crate) enum Out {
    Text(String),
    Binary(Vec<u8>),
    Close(u16, String),
}

trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

/// A connected socket: the protocol over a plain or TLS stream, and its TCP stream (to set
/// timeouts on).
type Connected = (WebSocket<Box<dyn Stream>>, TcpStream);

/// The http(s) URL whose origin a ws(s) URL shares.
pub(crate) fn http_equivalent(url: &Url) -> Option<Url> {
    let mut u = url.clone();
    let scheme = match url.scheme() {
        "ws" => "http",
        "wss" => "https",
        _ => return None,
    };
    u.set_scheme(scheme).ok()?;
    Some(u)
}

/// The socket thread's body: connects, then carries messages both ways until it closes.
pub(crate) fn run(shared: &Arc<Shared>, id: u64, url: &Url, protocols: &[String]) {
    let event = |e: SocketEvent| {
        let mut state = shared.lock();
        if state.closed {
            return;
        }
        state.socket_events.push((id, e));
        drop(state);
        (shared.wake)();
    };
    // The socket leaves the open ones as its last event is queued, under one lock: whoever sees
    // `Closed` sees it gone.
    let finish = |e: SocketEvent| {
        let mut state = shared.lock();
        state.sockets.remove(&id);
        if !state.closed {
            state.socket_events.push((id, e));
        }
        drop(state);
        (shared.wake)();
    };
    let (mut ws, tcp) = match connect(&shared.policy, url, protocols) {
        Ok(((ws, tcp), protocol)) => {
            event(SocketEvent::Open { protocol });
            (ws, tcp)
        }
        Err(why) => {
            event(SocketEvent::Error(why.to_string()));
            return finish(SocketEvent::Closed { code: 1006, reason: String::new(), clean: false });
        }
    };
    let _ = tcp.set_read_timeout(Some(POLL));
    let mut received_close: Option<CloseFrame> = None;
    loop {
        let outs: Vec<Out> = {
            let mut state = shared.lock();
            if state.closed {
                // The app is gone: say goodbye, without waiting for the answer.
                let _ = ws.close(None);
                let _ = ws.flush();
                return;
            }
            match state.sockets.get_mut(&id) {
                Some(queue) => queue.drain(..).collect(),
                None => return,
            }
        };
        for out in outs {
            let size = match &out {
                Out::Text(t) => t.len(),
                Out::Binary(b) => b.len(),
                Out::Close(..) => 0,
            };
            if size as u64 > shared.policy.max_message {
                let why = format!("a message of {size} bytes, past the limit of {}", shared.policy.max_message);
                event(SocketEvent::Error(why));
                let _ = ws.close(Some(CloseFrame { code: 1009.into(), reason: "message too big".into() }));
                let _ = ws.flush();
                return finish(SocketEvent::Closed { code: 1009, reason: "message too big".into(), clean: false });
            }
            let sent = match out {
                Out::Text(t) => ws.send(Message::Text(t.into())),
                Out::Binary(b) => ws.send(Message::Binary(b.into())),
                Out::Close(code, reason) => ws.close(Some(CloseFrame { code: code.into(), reason: reason.into() })),
            };
            if let Err(e) = sent.or_else(ignore_would_block) {
                if matches!(e, tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) {
                    continue;
                }
                event(SocketEvent::Error(e.to_string()));
                return finish(SocketEvent::Closed { code: 1006, reason: String::new(), clean: false });
            }
        }
        match ws.read() {
            Ok(Message::Text(t)) => event(SocketEvent::Text(t.as_str().to_owned())),
            Ok(Message::Binary(b)) => event(SocketEvent::Binary(b.to_vec())),
            // tungstenite answers the close; the read after it ends the connection.
            Ok(Message::Close(frame)) => {
                received_close = frame.or(Some(CloseFrame { code: 1005.into(), reason: "".into() }))
            }
            Ok(_) => {}
            Err(tungstenite::Error::Io(e)) if would_block(&e) => {
                let _ = ws.flush();
            }
            Err(tungstenite::Error::ConnectionClosed) => {
                let (code, reason) =
                    received_close.map_or((1005, String::new()), |f| (f.code.into(), f.reason.as_str().to_owned()));
                return finish(SocketEvent::Closed { code, reason, clean: true });
            }
            Err(tungstenite::Error::Capacity(e)) => {
                event(SocketEvent::Error(format!(
                    "a message past the limit of {} bytes: {e}",
                    shared.policy.max_message
                )));
                let _ = ws.close(Some(CloseFrame { code: 1009.into(), reason: "message too big".into() }));
                let _ = ws.flush();
                return finish(SocketEvent::Closed { code: 1009, reason: "message too big".into(), clean: false });
            }
            Err(e) => {
                event(SocketEvent::Error(e.to_string()));
                return finish(SocketEvent::Closed { code: 1006, reason: String::new(), clean: false });
            }
        }
    }
}

fn would_block(e: &std::io::Error) -> bool {
    matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)
}

/// A write that would block is queued by tungstenite and flushed later: not a failure.
fn ignore_would_block(e: tungstenite::Error) -> Result<(), tungstenite::Error> {
    match e {
        tungstenite::Error::Io(io) if would_block(&io) => Ok(()),
        other => Err(other),
    }
}

/// Connects within the policy's deadline: TCP, TLS for wss (the policy's roots, else Mozilla's),
/// the handshake. Returns the socket and the chosen subprotocol.
fn connect(policy: &Policy, url: &Url, protocols: &[String]) -> Result<(Connected, String), Failure> {
    let deadline = Instant::now() + policy.timeout;
    let left = || deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero());
    let timed_out = || Failure::Timeout(format!("{url}: no connection within {:?}", policy.timeout));
    let host = url.host_str().ok_or_else(|| Failure::Invalid(format!("{url}: no host")))?;
    let port = url.port_or_known_default().ok_or_else(|| Failure::Invalid(format!("{url}: no port")))?;
    let addrs = (host, port).to_socket_addrs().map_err(|e| Failure::Network(format!("{url}: {e}")))?;
    let mut tcp = Err(Failure::Network(format!("{url}: no address")));
    for addr in addrs {
        let remaining = left().ok_or_else(timed_out)?;
        tcp = TcpStream::connect_timeout(&addr, remaining).map_err(|e| Failure::Network(format!("{url}: {e}")));
        if tcp.is_ok() {
            break;
        }
    }
    let tcp = tcp?;
    let remaining = left().ok_or_else(timed_out)?;
    let io = |e: std::io::Error| Failure::Network(format!("{url}: {e}"));
    tcp.set_read_timeout(Some(remaining)).map_err(io)?;
    tcp.set_write_timeout(Some(remaining)).map_err(io)?;
    tcp.set_nodelay(true).map_err(io)?;
    let handle = tcp.try_clone().map_err(io)?;
    let stream: Box<dyn Stream> = if url.scheme() == "wss" {
        let config = tls_config(policy.roots.as_deref())?;
        let name = rustls::pki_types::ServerName::try_from(host.to_owned())
            .map_err(|e| Failure::Invalid(format!("{url}: {e}")))?;
        let conn = rustls::ClientConnection::new(config, name).map_err(|e| Failure::Network(format!("{url}: {e}")))?;
        Box::new(rustls::StreamOwned::new(conn, tcp))
    } else {
        Box::new(tcp)
    };
    let uri: tungstenite::http::Uri = url.as_str().parse().map_err(|e| Failure::Invalid(format!("{url}: {e}")))?;
    let mut request = ClientRequestBuilder::new(uri);
    for p in protocols {
        request = request.with_sub_protocol(p.clone());
    }
    let limit = usize::try_from(policy.max_message).unwrap_or(usize::MAX);
    let config = WebSocketConfig::default().max_message_size(Some(limit)).max_frame_size(Some(limit));
    let (ws, response) =
        tungstenite::client::client_with_config(request, stream, Some(config)).map_err(|e| match e {
            tungstenite::HandshakeError::Failure(tungstenite::Error::Io(io)) if would_block(&io) => timed_out(),
            tungstenite::HandshakeError::Failure(e) => Failure::Network(format!("{url}: {e}")),
            tungstenite::HandshakeError::Interrupted(_) => timed_out(),
        })?;
    let protocol =
        response.headers().get("sec-websocket-protocol").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    Ok(((ws, handle), protocol))
}

/// rustls's client configuration: exactly the PEM roots given, else Mozilla's.
fn tls_config(roots: Option<&[u8]>) -> Result<Arc<rustls::ClientConfig>, Failure> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut store = rustls::RootCertStore::empty();
    match roots {
        Some(pem) => {
            for cert in CertificateDer::pem_slice_iter(pem).flatten() {
                store.add(cert).map_err(|e| Failure::Invalid(format!("a trusted root: {e}")))?;
            }
        }
        None => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Failure::Invalid(e.to_string()))?
        .with_root_certificates(store)
        .with_no_client_auth();
    Ok(Arc::new(config))
}
