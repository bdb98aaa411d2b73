//! The app thread: runs the app's JavaScript and nothing else.
//!
//! It sleeps until something is due — an event batch or a frame from the engine thread, or the
//! app's next timer — then runs it. Command batches leave through the SDK's `send`, straight
//! onto the engine thread's channel. After each wake it tells the engine thread how many event
//! batches it has handled and whether it has anything left to do, which is how a headless run
//! knows the app is idle without guessing.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use marquee_js::{AppRuntime, Level};

use crate::backlog::Backlog;
use crate::log::Log;
use crate::messages::{Era, ToApp, ToEngine};
use crate::{Error, Options};

/// The app thread's stack: QuickJS's own limit plus room for the host's frames.
const STACK: usize = 16 << 20;

/// After a wake whose timers failed, the app thread waits at least this long before running
/// timers again: a timer that fails every time (its heap full, say) must not spin the thread.
const FAILED_TIMERS_PAUSE: Duration = Duration::from_millis(50);

/// Where the app's console and send go.
struct Sink {
    to_engine: Sender<ToEngine>,
    backlog: Arc<Backlog>,
    log: Log,
    echo: bool,
    storage: Option<PathBuf>,
    network: Arc<marquee_net::Client>,
    languages: Vec<String>,
    /// The engine resets the app has been told of (the era of the last events delivered).
    era: Era,
}

impl marquee_js::Host for Sink {
    fn send(&mut self, batch: Vec<u8>) {
        // Waits while the engine is behind (see `Backlog`). A closed backlog or channel means
        // the run is ending; the batch has nowhere to go.
        if self.backlog.admit(batch.len()) {
            let _ = self.to_engine.send(ToEngine::Batch(batch, self.era));
        }
    }

    fn log(&mut self, level: Level, message: &str) {
        let prefix = format!("[app {level:?}]");
        self.log.push(level, message, self.echo.then_some(prefix.as_str()));
    }

    fn local_storage(&self) -> Option<PathBuf> {
        self.storage.clone()
    }

    fn network(&self) -> Option<Arc<marquee_net::Client>> {
        Some(self.network.clone())
    }

    fn languages(&self) -> Vec<String> {
        self.languages.clone()
    }
}

pub(crate) fn spawn(
    options: &Options,
    (rx, to_app): (Receiver<ToApp>, Sender<ToApp>),
    to_engine: Sender<ToEngine>,
    log: Log,
    backlog: Arc<Backlog>,
) -> Result<JoinHandle<()>, Error> {
    let app_dir = options.app_dir.clone();
    let entry = options.entry.clone().unwrap_or_else(|| marquee_js::entry_module(&app_dir));
    let viewport = (options.size.0 as f32, options.size.1 as f32);
    let limits = options.js;
    let echo = options.echo_console;
    let storage = options.storage_dir.as_deref().map(|dir| crate::storage_file(dir, &app_dir));
    let (mut policy, warnings) = crate::network::policy(&app_dir);
    for w in &warnings {
        log.push(Level::Warn, w, echo.then_some("[host]"));
    }
    policy.roots = options.ca_certs.clone();
    policy.app_dir = Some(app_dir.clone());
    policy.offline = options.offline;
    // The network's workers wake the app thread when a request ends.
    let waker = Arc::new(std::sync::Mutex::new(to_app));
    let wake = move || {
        let waker = waker.clone();
        Box::new(move || drop(waker.lock().map(|tx| tx.send(ToApp::Network)))) as Box<dyn Fn() + Send + Sync>
    };
    let network = match marquee_net::Client::new(policy.clone(), wake()) {
        Ok(client) => client,
        Err(e) => {
            log.push(Level::Error, &format!("the app's HTTPS keeps Mozilla's roots: {e}"), echo.then_some("[host]"));
            marquee_net::Client::new(marquee_net::Policy { roots: None, ..policy }, wake())
                .map_err(|e| Error::Thread(e.to_string()))?
        }
    };
    let network = Arc::new(network);
    let languages = options.languages.clone();
    std::thread::Builder::new()
        .name("marquee-app".into())
        .stack_size(STACK)
        .spawn(move || {
            let sink = Rc::new(RefCell::new(Sink {
                to_engine: to_engine.clone(),
                backlog,
                log,
                echo,
                storage,
                network,
                languages,
                era: 0,
            }));
            match AppRuntime::start(&app_dir, &entry, viewport, limits, sink.clone()) {
                Ok(app) => run(app, &rx, &to_engine, &sink),
                Err(e) => {
                    let _ = to_engine.send(ToEngine::AppFailed(e));
                }
            }
        })
        .map_err(|e| Error::Thread(format!("cannot start the app thread: {e}")))
}

fn run(mut app: AppRuntime, rx: &Receiver<ToApp>, to_engine: &Sender<ToEngine>, sink: &Rc<RefCell<Sink>>) {
    let mut handled = 0u64;
    let mut reported = None;
    let report = |r: Result<(), marquee_js::Error>| {
        if let Err(e) = r {
            marquee_js::Host::log(&mut *sink.borrow_mut(), Level::Error, &e.to_string());
        }
    };
    loop {
        let next_timer = match app.run_timers() {
            Ok(next) => next,
            Err(e) => {
                report(Err(e));
                app.next_timer().map(|at| at.max(Instant::now() + FAILED_TIMERS_PAUSE))
            }
        };
        let wants_frame = app.wants_frame();
        let idle = next_timer.is_none() && !wants_frame && !app.network_pending();
        if reported != Some((handled, idle, wants_frame)) {
            reported = Some((handled, idle, wants_frame));
            if to_engine.send(ToEngine::AppState { handled, idle, wants_frame }).is_err() {
                return;
            }
        }

        let wait = next_timer.map(|at| at.saturating_duration_since(Instant::now()));
        let first = match wait {
            Some(d) => rx.recv_timeout(d),
            None => rx.recv_timeout(Duration::from_secs(3600)),
        };
        let mut frame = None;
        let mut messages = match first {
            Ok(m) => vec![m],
            Err(RecvTimeoutError::Timeout) => Vec::new(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        // Take everything that is already waiting: a busy app catches up in one pass, and only
        // the latest frame matters.
        messages.extend(rx.try_iter());
        for message in messages {
            match message {
                ToApp::Events(bytes, era) => {
                    // What the app sends from here on was written knowing of these resets.
                    sink.borrow_mut().era = era;
                    report(app.deliver(&bytes));
                    handled += 1;
                }
                ToApp::Frame(t) => frame = Some(t),
                ToApp::Network => report(app.run_network()),
                ToApp::Quit => return,
            }
        }
        if let Some(t) = frame
            && app.wants_frame()
        {
            report(app.run_frame(t));
        }
    }
}
