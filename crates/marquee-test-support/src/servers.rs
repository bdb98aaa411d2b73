//! Servers on 127.0.0.1 for tests of what the host does with the network; each stops by itself.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Sender, TryRecvError};
use std::time::{Duration, Instant};

/// A server that accepts connections and answers none of them, holding them open.
pub struct Hanging {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Connections accepted so far.
    pub accepted: Arc<AtomicUsize>,
    /// Send to it, or drop it, to close every connection and stop.
    pub release: Sender<()>,
}

impl Hanging {
    /// Starts one that stops by itself after `lifetime` at the latest.
    pub fn start(lifetime: Duration) -> Hanging {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port on 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("its address"));
        listener.set_nonblocking(true).expect("a non-blocking listener");
        let (release, released) = mpsc::channel::<()>();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        std::thread::Builder::new()
            .name("test-hanging-server".into())
            .spawn(move || {
                let deadline = Instant::now() + lifetime;
                let mut held = Vec::new();
                while Instant::now() < deadline && matches!(released.try_recv(), Err(TryRecvError::Empty)) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            count.fetch_add(1, Ordering::SeqCst);
                            held.push(stream);
                        }
                        // Nothing waiting: a non-blocking listener has no way to wait for the
                        // next connection and the release at once.
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
            .expect("the server's thread");
        Hanging { url, accepted, release }
    }
}
