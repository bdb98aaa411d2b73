//! The app thread: runs the app's JavaScript and nothing else.
//!
//! It sleeps until something is due — an event batch or a frame from the engine thread, or the
//! app's next timer — then runs it. Command batches leave through the SDK's `send`, straight
//! onto the engine thread's channel. After each wake it tells the engine thread how many event
//! batches it has handled and whether it has anything left to do, which is how a headless run
//! knows the app is idle without guessing.
//!
//! `marquee dev` reloads the app ([`ToApp::Reload`]): a second runtime starts from the entry
//! module as it now is, its batches held back, while the first stays as it was. If the new one
//! fails, it is dropped with a message for the screen and the old one carries on; if it
//! starts, the engine thread gets its held batches for a fresh instance and answers with the
//! new era, and the old runtime goes.
//!
//! A React app under `marquee dev` takes most edits in place instead ([`ToApp::Refresh`]): a
//! script evaluated in the running runtime swaps the changed modules and lets React Refresh
//! re-render, keeping its state. One it cannot take becomes a reload.

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
#[derive(Clone)]
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
    /// Batches held back while a reloaded app starts: they go to a fresh engine instance, and
    /// only if the app starts.
    held: Option<Vec<Vec<u8>>>,
}

impl Sink {
    /// The sink of a reloaded app, holding its batches back until it has started.
    ///
    /// The network client is shared: a request of the old app that ends later is settled by
    /// nobody (its id is unknown to the new one), which is what the old app's going means.
    fn holding(&self) -> Sink {
        Sink { held: Some(Vec::new()), ..self.clone() }
    }

    fn report(&mut self, result: Result<(), marquee_js::Error>) {
        if let Err(e) = result {
            marquee_js::Host::log(self, Level::Error, &e.to_string());
        }
    }
}

impl marquee_js::Host for Sink {
    fn send(&mut self, batch: Vec<u8>) {
        if let Some(held) = &mut self.held {
            held.push(batch);
            return;
        }
        // Waits while the engine is behind (see `Backlog`). A closed backlog or channel means
        // the run is ending; the batch has nowhere to go.
        if self.backlog.admit(batch.len()) {
            let _ = self.to_engine.send(ToEngine::Batch(batch, self.era));
        }
    }

    fn log(&mut self, level: Level, message: &str) {
        let prefix = format!("[app {level:?}]");
        self.log.push_console(level, message, self.echo.then_some(prefix.as_str()));
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
    let launch =
        Launch { app_dir, entry, viewport: (options.size.0 as f32, options.size.1 as f32), limits: options.js };
    let app_dir = &launch.app_dir;
    let echo = options.echo_console;
    let storage = options.storage_dir.as_deref().map(|dir| crate::storage_file(dir, app_dir));
    let (mut policy, warnings) = crate::network::policy(app_dir);
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
    let vitals = options.vitals.clone();
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
                held: None,
            }));
            match launch.start(sink.clone()) {
                Ok(app) => run(app, &rx, &to_engine, sink, &launch, &vitals),
                Err(e) => {
                    let _ = to_engine.send(ToEngine::AppFailed(e));
                }
            }
        })
        .map_err(|e| Error::Thread(format!("cannot start the app thread: {e}")))
}

/// What starting the app takes, kept for reloads.
struct Launch {
    app_dir: PathBuf,
    entry: PathBuf,
    viewport: (f32, f32),
    limits: marquee_js::Limits,
}

impl Launch {
    fn start(&self, sink: Rc<RefCell<Sink>>) -> Result<AppRuntime, marquee_js::Error> {
        AppRuntime::start(&self.app_dir, &self.entry, self.viewport, self.limits, sink)
    }
}

/// The app thread's loop, until the run ends.
fn run(
    mut app: AppRuntime,
    rx: &Receiver<ToApp>,
    to_engine: &Sender<ToEngine>,
    mut sink: Rc<RefCell<Sink>>,
    launch: &Launch,
    vitals: &crate::Vitals,
) {
    let mut handled = 0u64;
    let mut reported = None;
    loop {
        let report = |r: Result<(), marquee_js::Error>| sink.borrow_mut().report(r);
        let next_timer = match app.run_timers() {
            Ok(next) => next,
            Err(e) => {
                report(Err(e));
                app.next_timer().map(|at| at.max(Instant::now() + FAILED_TIMERS_PAUSE))
            }
        };
        let wants_frame = app.wants_frame();
        vitals.app_ran(&mut app);
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
        let mut reload = false;
        let mut refreshes = Vec::new();
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
                ToApp::Reload => reload = true,
                ToApp::Refresh(update) => refreshes.push(update),
                // Answers a reload, which waits for it (see `reload`).
                ToApp::Reloaded(_) => {}
                ToApp::Quit => return,
            }
        }
        // In order, each after the one before; a reload starts from the app as it is on disk,
        // which has every edit in it, so none is applied after one.
        for update in refreshes {
            if reload {
                break;
            }
            reload = refresh(&mut app, &update, &sink, to_engine);
        }
        let reloading = reload;
        while reload {
            reload = false;
            match self::reload(launch, &sink, rx, to_engine, &mut handled) {
                Ok(Some(reloaded)) => {
                    // The old runtime goes here, after the new one has taken the screen.
                    (app, sink) = (reloaded.app, reloaded.sink);
                    reload = reloaded.again;
                    if reloaded.network {
                        let ran = app.run_network();
                        sink.borrow_mut().report(ran);
                    }
                }
                Ok(None) => {}
                Err(Gone) => return,
            }
        }
        if reloading {
            reported = None;
            continue;
        }
        if let Some(t) = frame
            && app.wants_frame()
        {
            // (Run before the sink is borrowed: the app sends through it as it runs.)
            let ran = app.run_frame(t);
            sink.borrow_mut().report(ran);
        }
    }
}

/// Applies an edit in the running app (see [`ToApp::Refresh`]); true when it cannot be, and the
/// app is to be reloaded.
fn refresh(app: &mut AppRuntime, update: &str, sink: &Rc<RefCell<Sink>>, to_engine: &Sender<ToEngine>) -> bool {
    let started = Instant::now();
    let failed = match app.eval_string(update) {
        Ok(said) if said == "refreshed" => None,
        Ok(said) => match said.strip_prefix("failed: ") {
            Some(why) => Some(why.to_string()),
            None => return true,
        },
        Err(e) => {
            let why = format!("the edit could not be applied in place, so the app starts again: {e}");
            marquee_js::Host::log(&mut *sink.borrow_mut(), Level::Warn, &why);
            return true;
        }
    };
    let _ = to_engine.send(ToEngine::Refreshed(started.elapsed(), failed));
    false
}

/// The run ended while a reload waited for the engine thread.
struct Gone;

/// A reloaded app, running.
struct Reloaded {
    app: AppRuntime,
    sink: Rc<RefCell<Sink>>,
    /// A request of the new app ended while it waited: its promise is to be settled.
    network: bool,
    /// Another reload was asked for while it waited (the app changed again).
    again: bool,
}

/// Starts the app again from its entry module (see the module docs). `Ok(None)`: the new app
/// failed, the old one runs on.
fn reload(
    launch: &Launch,
    sink: &Rc<RefCell<Sink>>,
    rx: &Receiver<ToApp>,
    to_engine: &Sender<ToEngine>,
    handled: &mut u64,
) -> Result<Option<Reloaded>, Gone> {
    let started = Instant::now();
    let new_sink = Rc::new(RefCell::new(sink.borrow().holding()));
    let app = match launch.start(new_sink.clone()) {
        Ok(app) => app,
        Err(e) => {
            // The engine thread logs it as it shows it.
            let _ = to_engine.send(ToEngine::ReloadFailed(e.to_string()));
            return Ok(None);
        }
    };
    let held = new_sink.borrow_mut().held.take().unwrap_or_default();
    to_engine.send(ToEngine::Reloaded(held, started.elapsed())).map_err(|_| Gone)?;
    // The new app's batches must carry the era of the fresh instance, which only the engine
    // thread knows: nothing runs on this thread until it answers (within a frame).
    let (mut network, mut again) = (false, false);
    loop {
        match rx.recv().map_err(|_| Gone)? {
            ToApp::Reloaded(era) => {
                new_sink.borrow_mut().era = era;
                break;
            }
            // Written for the old scene, which is gone: handled by nobody, but handled.
            ToApp::Events(..) => *handled += 1,
            ToApp::Network => network = true,
            // Made for the old app; the new one started from the app on disk, and the edit is
            // on disk too: start it again.
            ToApp::Reload | ToApp::Refresh(_) => again = true,
            ToApp::Quit => return Err(Gone),
            // The new app asks for frames itself.
            ToApp::Frame(_) => {}
        }
    }
    Ok(Some(Reloaded { app, sink: new_sink, network, again }))
}
