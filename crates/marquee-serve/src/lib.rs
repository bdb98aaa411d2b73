//! `marquee serve`: an update repository served as static files.
//!
//! Everything a device fetches — signed metadata, bundle manifests, content-addressed objects —
//! is a plain file, so any CDN or object store can serve a repository at scale; this server is
//! for development, tests and small deployments. It is tower-http's `ServeDir` on axum: range
//! requests (a device resumes an interrupted download), `ETag` and `Last-Modified`, no directory
//! listings, nothing outside the directory. Caching follows what may change: files named by their
//! hash (`objects/`, `bundles/`) are immutable and cached for a year; everything else (the
//! metadata, which a release or a refreshed timestamp replaces) must be revalidated.
//!
//! [`Server::start`] runs it on a thread of its own and stops it when dropped, so a test's server
//! never outlives the test.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::{HeaderValue, Request, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::services::ServeDir;

/// What can go wrong starting a server.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The directory does not exist or is not a directory.
    NotADirectory(PathBuf),
    /// The address could not be bound.
    Bind(SocketAddr, std::io::Error),
    /// The server's runtime or thread could not start.
    Runtime(std::io::Error),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NotADirectory(p) => write!(f, "{}: not a directory", p.display()),
            Error::Bind(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
            Error::Runtime(e) => write!(f, "cannot start the server: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// Immutable files: named by the SHA-256 of what they hold.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else may be replaced by the next publish: revalidate every time.
const REVALIDATE: &str = "no-cache";

/// The repository's routes: the directory, with cache headers by path.
pub fn router(dir: &Path) -> Router {
    let files = ServeDir::new(dir).append_index_html_on_directories(false);
    Router::new().fallback_service(files).layer(middleware::from_fn(cache_control))
}

/// The routes of [`router`], with every response saying that the site is cross-origin isolated
/// (`Cross-Origin-Opener-Policy: same-origin`, `Cross-Origin-Embedder-Policy: require-corp`):
/// the pages the browser host serves, whose workers then get 5-µs timers rather than 100-µs
/// ones, and `performance.measureUserAgentSpecificMemory`. The page's own files are
/// same-origin; an app's requests to other origins are CORS requests, which the embedder policy
/// lets through when the server allows them — as a cross-origin `fetch` needs anyway.
pub fn isolated_router(dir: &Path) -> Router {
    router(dir).layer(middleware::from_fn(isolate))
}

async fn isolate(request: Request<axum::body::Body>, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    headers.insert("cross-origin-embedder-policy", HeaderValue::from_static("require-corp"));
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    response
}

async fn cache_control(request: Request<axum::body::Body>, next: Next) -> Response {
    let path = request.uri().path();
    let immutable = path.starts_with("/objects/") || path.starts_with("/bundles/");
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == axum::http::StatusCode::PARTIAL_CONTENT {
        let value = if immutable { IMMUTABLE } else { REVALIDATE };
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// A server running on a thread of its own; dropping it stops it.
pub struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Serves `dir` on `addr` (port 0: any free port; see [`addr`](Self::addr)).
    pub fn start(dir: &Path, addr: SocketAddr) -> Result<Server, Error> {
        Server::start_router(dir, addr, router)
    }

    /// Serves `dir` on `addr` as a cross-origin-isolated site (see [`isolated_router`]).
    pub fn start_isolated(dir: &Path, addr: SocketAddr) -> Result<Server, Error> {
        Server::start_router(dir, addr, isolated_router)
    }

    fn start_router(dir: &Path, addr: SocketAddr, routes: fn(&Path) -> Router) -> Result<Server, Error> {
        if !dir.is_dir() {
            return Err(Error::NotADirectory(dir.to_path_buf()));
        }
        let runtime = tokio::runtime::Builder::new_current_thread().enable_io().build().map_err(Error::Runtime)?;
        let listener = runtime.block_on(tokio::net::TcpListener::bind(addr)).map_err(|e| Error::Bind(addr, e))?;
        let addr = listener.local_addr().map_err(|e| Error::Bind(addr, e))?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = routes(dir);
        let thread = std::thread::Builder::new()
            .name("marquee-serve".into())
            .spawn(move || {
                // Without TCP_NODELAY a response's last small write waits for the client's
                // delayed ACK: ~40 ms per request on loopback.
                let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
                    let _ = tcp.set_nodelay(true);
                });
                let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                    let _ = stopped.await;
                });
                // An I/O error on the listener ends the server; requests in flight are dropped.
                let _ = runtime.block_on(async move { serve.await });
            })
            .map_err(Error::Runtime)?;
        Ok(Server { addr, stop: Some(stop), thread: Some(thread) })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until the process ends (the `marquee serve` command).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
