//! The app thread's JavaScript: QuickJS (through rquickjs) with what a Marquee app expects.
//!
//! An [`AppRuntime`] loads the app's entry module from its directory (ES modules, `node_modules`
//! packages such as `@marquee/sdk`), and installs the web-style globals apps are written against:
//! `console`, `setTimeout`/`setInterval`, `requestAnimationFrame`, `performance.now`, the host
//! binding the SDK looks for (`globalThis.__marqueeHost`), and the web platform's small pieces
//! (`web.js`: `DOMException`, `queueMicrotask`, `atob`/`btoa`, `TextEncoder`/`TextDecoder`,
//! `structuredClone`, `crypto.getRandomValues`/`randomUUID`, `URL`/`URLSearchParams`,
//! `localStorage`/`sessionStorage`). It does not own a thread or a clock:
//! the host's app thread drives it — deliver events, run due timers, run a frame — and every
//! such entry into JavaScript runs the promise jobs it queued before returning.
//!
//! Untrusted app code is bounded four ways: a heap limit (QuickJS throws `out of memory` and the
//! runtime survives), a stack limit, a time budget per entry enforced by QuickJS's interrupt
//! handler, which raises an uncatchable exception in code that runs too long (`for (;;) {}`),
//! and at most 10,000 timers and 10,000 frame callbacks waiting (scheduling more throws a
//! `RangeError`). Console lines are bounded by the host that keeps them.
//! Whatever goes wrong inside an entry is returned as an [`Error`] and the runtime stays usable.

mod loader;

use std::cell::RefCell;
use std::fmt;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use marquee_intl::Intl;
use marquee_net::Client;
use marquee_quickjs::Watchdog;
use marquee_storage::Storage;
use rquickjs::convert::Coerced;
use rquickjs::function::{Func, This};
use rquickjs::{Context, Ctx, Exception, Function, Module, Object, Persistent, Promise, Runtime, TypedArray, Value};
use url::{Url, quirks};

pub use loader::MAX_MODULE_BYTES;

/// Bounds on what app code may use.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The JavaScript heap, in bytes.
    pub memory: usize,
    /// The JavaScript stack, in bytes (the app thread needs this plus its own frames).
    pub stack: usize,
    /// The longest one entry into JavaScript (a callback and its promise jobs) may run.
    pub budget: Duration,
    /// What `localStorage` and `sessionStorage` may each hold, in bytes (UTF-16 code units of
    /// keys and values, two bytes each, as browsers count).
    pub storage: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory: 64 << 20,
            stack: 1 << 20,
            budget: Duration::from_secs(5),
            storage: marquee_storage::DEFAULT_QUOTA,
        }
    }
}

/// How severe a console message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// `console.debug`.
    Debug,
    /// `console.log` and `console.info`.
    Info,
    /// `console.warn`.
    Warn,
    /// `console.error`, and errors the runtime reports (a throwing callback).
    Error,
}

/// What the runtime hands to its host.
pub trait Host {
    /// One command batch from the SDK, to be posted to the engine thread.
    fn send(&mut self, batch: Vec<u8>);
    /// A console line.
    fn log(&mut self, level: Level, message: &str);
    /// The file `localStorage` persists in (the device's state directory for this app); `None`,
    /// the default, keeps it in memory for the run, like a private window.
    fn local_storage(&self) -> Option<PathBuf> {
        None
    }
    /// The client `fetch` makes its requests through (the app's permissions and the device's
    /// limits are its policy); `None`, the default, has every `fetch` reject.
    fn network(&self) -> Option<Arc<Client>> {
        None
    }
    /// The device's languages, most preferred first, as BCP 47 tags (`navigator.languages`);
    /// the default is `en-US` alone.
    fn languages(&self) -> Vec<String> {
        vec!["en-US".into()]
    }
}

/// What went wrong inside an entry into JavaScript.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The app's directory or entry module cannot be used.
    Load(String),
    /// JavaScript threw (message and stack).
    Exception(String),
    /// The entry ran past its time budget and was stopped.
    Interrupted(Duration),
    /// The heap limit was reached.
    OutOfMemory,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Load(why) => write!(f, "cannot load the app: {why}"),
            Error::Exception(e) => write!(f, "uncaught exception: {e}"),
            Error::Interrupted(budget) => write!(f, "app code ran longer than {budget:?} and was interrupted"),
            Error::OutOfMemory => f.write_str("app code ran out of JavaScript heap"),
        }
    }
}

impl std::error::Error for Error {}

/// At most this many unhandled rejections are logged per entry; the rest are counted.
const MAX_REJECTIONS_LOGGED: usize = 16;

/// Promises rejected with no handler during the current entry, and how each was rejected. They
/// are reported when the entry ends if no handler was attached meanwhile (as browsers do after a
/// microtask checkpoint), so a rejection handled a moment later is not reported, and a failure
/// the entry itself returns is not reported twice.
#[derive(Default)]
struct Rejections {
    pending: Vec<(Persistent<Value<'static>>, String)>,
    /// Rejections past what `pending` keeps.
    more: usize,
}

/// One app's JavaScript world.
pub struct AppRuntime {
    // Field order is drop order: the control object and the pending rejections must go before
    // their context and runtime.
    control: Persistent<Object<'static>>,
    rejections: Rc<RefCell<Rejections>>,
    host: Rc<RefCell<dyn Host>>,
    context: Context,
    runtime: Runtime,
    watchdog: Arc<Watchdog>,
    epoch: Instant,
    limits: Limits,
    next_timer: Option<f64>,
    net: Option<Arc<Client>>,
}

impl Drop for AppRuntime {
    fn drop(&mut self) {
        // The tracker's copy of `rejections` lives as long as the runtime: let go of the
        // JavaScript values in it before the runtime goes.
        self.rejections.borrow_mut().pending.clear();
    }
}

impl AppRuntime {
    /// Creates the runtime, installs the globals and runs the app's entry module `entry` (a
    /// file inside `app_dir`) with its imports. `viewport` is what the SDK reports as the
    /// surface size.
    pub fn start(
        app_dir: &Path,
        entry: &Path,
        viewport: (f32, f32),
        limits: Limits,
        host: Rc<RefCell<dyn Host>>,
    ) -> Result<AppRuntime, Error> {
        let runtime = marquee_quickjs::limited_runtime(limits.memory, limits.stack)
            .map_err(|e| Error::Load(format!("QuickJS: {e}")))?;
        let modules =
            loader::AppModules::new(app_dir).map_err(|e| Error::Load(format!("{}: {e}", app_dir.display())))?;
        runtime.set_loader(modules.clone(), modules);

        let watchdog = Watchdog::install(&runtime);
        let epoch = Instant::now();
        let rejections = Rc::new(RefCell::new(Rejections::default()));
        let tracked = rejections.clone();
        runtime.set_host_promise_rejection_tracker(Some(Box::new(move |ctx, promise, reason, handled| {
            let mut r = tracked.borrow_mut();
            if handled {
                r.pending.retain(|(p, _)| p.clone().restore(&ctx).map_or(true, |p| p != promise));
            } else if r.pending.len() < MAX_REJECTIONS_LOGGED {
                r.pending.push((Persistent::save(&ctx, promise), show(&reason)));
            } else {
                r.more += 1;
            }
        })));

        let context = Context::full(&runtime).map_err(|e| Error::Load(format!("QuickJS context: {e}")))?;
        let storage = Rc::new(RefCell::new(open_storage(&host, limits.storage)));
        let (net, languages) = {
            let h = host.borrow();
            (h.network(), h.languages())
        };
        let control = context
            .with(|ctx| install(&ctx, (viewport, epoch, languages), host.clone(), storage, net.clone()))
            .map_err(|e| Error::Load(format!("installing the globals: {e}")))?;
        let mut app =
            AppRuntime { control, rejections, host, context, runtime, watchdog, epoch, limits, next_timer: None, net };

        let entry = entry.canonicalize().map_err(|e| Error::Load(format!("{}: {e}", entry.display())))?;
        let name = entry.to_string_lossy().into_owned();
        let started = app
            .enter(|ctx, _| {
                let promise: Promise = Module::import(&ctx, name.as_str())?;
                // Its failure is returned from here, so it is not an unhandled rejection as well.
                let ignore = Function::new(ctx.clone(), || ())?;
                promise.get::<_, Function>("catch")?.call::<_, Value>((This(promise.clone()), ignore))?;
                Ok(Some(Persistent::save(&ctx, promise)))
            })
            .and_then(|promise| {
                // The module body runs as promise jobs of the first entry: an interrupt there
                // rejects the promise, which the second entry only reads.
                let interrupted = app.watchdog.fired();
                match app.settle(promise) {
                    Err(Error::Exception(_)) if interrupted => Err(Error::Interrupted(app.limits.budget)),
                    other => other,
                }
            });
        app.report_rejections(started.as_ref().err());
        started?;
        Ok(app)
    }

    /// Milliseconds since the runtime started: the clock `performance.now()` reads.
    pub fn now_ms(&self) -> f64 {
        self.epoch.elapsed().as_secs_f64() * 1000.0
    }

    /// Hands an event batch to the SDK's listener.
    pub fn deliver(&mut self, events: &[u8]) -> Result<(), Error> {
        self.entry(|ctx, control| {
            let bytes = TypedArray::<u8>::new_copy(ctx.clone(), events)?;
            let deliver: Function = control.get("deliver")?;
            deliver.call::<_, ()>((bytes,))?;
            Ok(())
        })
    }

    /// Runs the timers due now. Returns when the next one is due, if any.
    pub fn run_timers(&mut self) -> Result<Option<Instant>, Error> {
        let now = self.now_ms();
        let next: f64 = self.entry(|_, control| control.get::<_, Function>("runTimers")?.call((now,)))?;
        self.next_timer = (next >= 0.0).then_some(next);
        Ok(self.next_timer())
    }

    /// When the earliest timer is due, as of the last [`run_timers`](Self::run_timers).
    pub fn next_timer(&self) -> Option<Instant> {
        self.next_timer.map(|ms| self.epoch + Duration::from_secs_f64(ms / 1000.0))
    }

    /// Runs the `requestAnimationFrame` callbacks with the frame's time.
    pub fn run_frame(&mut self, time_ms: f64) -> Result<(), Error> {
        self.entry(|_, control| control.get::<_, Function>("runFrame")?.call((time_ms,)))
    }

    /// Settles the `fetch` promises whose requests ended and fires the events of the sockets
    /// that did something (the host calls it when the network client wakes it).
    pub fn run_network(&mut self) -> Result<(), Error> {
        let Some(net) = self.net.clone() else { return Ok(()) };
        let (done, events) = (net.take_done(), net.take_socket_events());
        if done.is_empty() && events.is_empty() {
            return Ok(());
        }
        self.entry(move |ctx, control| {
            let socket_event: Function = control.get("socketEvent")?;
            for (id, event) in events {
                let id = id as f64;
                match event {
                    marquee_net::SocketEvent::Open { protocol } => {
                        socket_event.call::<_, ()>((id, "open", protocol))?
                    }
                    marquee_net::SocketEvent::Text(text) => socket_event.call::<_, ()>((id, "message", text))?,
                    marquee_net::SocketEvent::Binary(bytes) => {
                        socket_event.call::<_, ()>((id, "message", TypedArray::<u8>::new(ctx.clone(), bytes)?))?
                    }
                    marquee_net::SocketEvent::Error(why) => socket_event.call::<_, ()>((id, "error", why))?,
                    marquee_net::SocketEvent::Closed { code, reason, clean } => {
                        socket_event.call::<_, ()>((id, "close", code, reason, clean))?
                    }
                }
            }
            let fetch_done: Function = control.get("fetchDone")?;
            for (id, outcome) in done {
                match outcome {
                    Ok(r) => {
                        let o = Object::new(ctx.clone())?;
                        o.set("status", r.status)?;
                        o.set("statusText", r.status_text)?;
                        let headers: Vec<Vec<String>> = r.headers.into_iter().map(|(k, v)| vec![k, v]).collect();
                        o.set("headers", headers)?;
                        o.set("body", TypedArray::<u8>::new(ctx.clone(), r.body)?)?;
                        o.set("url", r.url)?;
                        o.set("redirected", r.redirected)?;
                        fetch_done.call::<_, ()>((id as f64, Value::new_null(ctx.clone()), o))?;
                    }
                    Err(e) => fetch_done.call::<_, ()>((id as f64, e.to_string()))?,
                }
            }
            Ok(())
        })
    }

    /// Whether `fetch` requests are under way (the app is not idle while they are).
    pub fn network_pending(&self) -> bool {
        self.net.as_ref().is_some_and(|n| n.pending() > 0)
    }

    /// Whether a frame callback is waiting.
    pub fn wants_frame(&mut self) -> bool {
        self.entry(|_, control| control.get::<_, Function>("wantsFrame")?.call(())).unwrap_or(false)
    }

    /// Evaluates a script in the app's global scope (for tools and tests).
    pub fn eval(&mut self, source: &str) -> Result<(), Error> {
        let source = source.to_string();
        self.entry(move |ctx, _| ctx.eval::<(), _>(source))
    }

    /// Evaluates a script in the app's global scope and returns its value as a string
    /// (`marquee dev`'s edits, applied in the running app, say so how they went).
    pub fn eval_string(&mut self, source: &str) -> Result<String, Error> {
        let source = source.to_string();
        self.entry(move |ctx, _| ctx.eval::<Coerced<String>, _>(source).map(|value| value.0))
    }

    /// The timers and the frame callbacks waiting (the debug overlay shows them).
    pub fn waiting(&mut self) -> (u32, u32) {
        let waiting = self.entry(|_, control| control.get::<_, Function>("waiting")?.call::<_, Vec<u32>>(()));
        match waiting.as_deref() {
            Ok(&[timers, frames]) => (timers, frames),
            _ => (0, 0),
        }
    }

    /// The JavaScript heap in use, in bytes.
    pub fn heap_bytes(&self) -> u64 {
        self.runtime.memory_usage().memory_used_size.max(0) as u64
    }

    /// Runs `f` as one entry (see [`enter`](Self::enter)), then reports the promises it left
    /// rejected with no handler.
    fn entry<T>(&mut self, f: impl for<'js> FnOnce(Ctx<'js>, Object<'js>) -> rquickjs::Result<T>) -> Result<T, Error> {
        let result = self.enter(f);
        self.report_rejections(result.as_ref().err());
        result
    }

    /// Logs the rejections still unhandled, except one that is the entry's own failure `fatal`
    /// (the host reports that one).
    fn report_rejections(&self, fatal: Option<&Error>) {
        let (pending, more) = {
            let mut r = self.rejections.borrow_mut();
            (std::mem::take(&mut r.pending), std::mem::take(&mut r.more))
        };
        let fatal = match fatal {
            Some(Error::Exception(text)) => Some(text.as_str()),
            _ => None,
        };
        let mut host = self.host.borrow_mut();
        for (_, reason) in pending.iter().filter(|(_, reason)| Some(reason.as_str()) != fatal) {
            host.log(Level::Error, &format!("unhandled promise rejection: {reason}"));
        }
        if more > 0 {
            host.log(Level::Error, &format!("… and {more} more unhandled promise rejections"));
        }
    }

    /// Runs `f` as one entry: armed with the time budget, followed by the promise jobs it
    /// queued, with any exception turned into an [`Error`].
    fn enter<T>(&mut self, f: impl for<'js> FnOnce(Ctx<'js>, Object<'js>) -> rquickjs::Result<T>) -> Result<T, Error> {
        self.watchdog.arm(self.limits.budget);
        let control = self.control.clone();
        let result = self.context.with(|ctx| {
            let control = control.restore(&ctx)?;
            f(ctx.clone(), control).map_err(|e| caught(&ctx, e))
        });
        let result = result.and_then(|v| self.run_jobs().map(|()| v));
        self.watchdog.disarm();
        result.map_err(|e| self.classify(e))
    }

    fn run_jobs(&self) -> Result<(), rquickjs::Error> {
        loop {
            match self.runtime.execute_pending_job() {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(job) => {
                    let message = job.0.with(|ctx| show(&ctx.catch()));
                    return Err(rquickjs::Error::new_loading_message("promise job", message));
                }
            }
        }
    }

    /// Waits for the entry module's evaluation promise (top-level await runs as jobs).
    fn settle(&mut self, promise: Option<Persistent<Promise<'static>>>) -> Result<(), Error> {
        let Some(promise) = promise else { return Ok(()) };
        self.enter(|ctx, _| {
            let promise = promise.restore(&ctx)?;
            match promise.result::<Value>() {
                Some(Err(e)) => Err(caught(&ctx, e)),
                _ => Ok(()),
            }
        })
    }

    fn classify(&self, e: rquickjs::Error) -> Error {
        if self.watchdog.take_fired() {
            return Error::Interrupted(self.limits.budget);
        }
        let text = match e {
            rquickjs::Error::Loading { message: Some(m), .. } => m,
            rquickjs::Error::Resolving { base, name, message } => {
                return Error::Load(format!("cannot import {name} from {base}: {}", message.unwrap_or_default()));
            }
            other => other.to_string(),
        };
        // QuickJS reports loader failures as a ReferenceError whose message says what failed.
        let message =
            text.split_once(": ").filter(|(name, _)| name.ends_with("Error")).map_or(text.as_str(), |(_, m)| m);
        // At the heap limit QuickJS throws `InternalError: out of memory`, or `null` when it
        // cannot allocate even that error: a bare `null` with the heap nearly full is the same.
        let heap_full = self.heap_bytes() >= self.limits.memory as u64 / 4 * 3;
        if text.contains("out of memory") || (text == "null" && heap_full) {
            Error::OutOfMemory
        } else if message.starts_with("Error resolving module") || message.starts_with("Error loading module") {
            Error::Load(message.to_string())
        } else {
            Error::Exception(text)
        }
    }
}

/// Turns a pending JavaScript exception into an error carrying its message and stack.
fn caught(ctx: &Ctx<'_>, e: rquickjs::Error) -> rquickjs::Error {
    if e.is_exception() {
        let shown = show(&ctx.catch());
        return rquickjs::Error::new_loading_message("exception", shown);
    }
    e
}

/// A JavaScript value as a message: an error's name, message and stack (`TypeError: cannot
/// read property 'title' of null` and the frames), or what `String(value)` gives.
fn show(value: &Value<'_>) -> String {
    if let Some(e) = value.as_exception() {
        let name = e.get::<_, Coerced<String>>("name").map(|n| n.0).unwrap_or_default();
        let message = e.message().unwrap_or_default();
        let head = match (name.is_empty(), message.is_empty()) {
            (false, false) => format!("{name}: {message}"),
            (false, true) => name,
            (true, _) => message,
        };
        return match e.stack() {
            Some(stack) if !stack.trim().is_empty() => format!("{head}\n{}", stack.trim_end()),
            _ => head,
        };
    }
    value.get::<Coerced<String>>().map(|s| s.0).unwrap_or_else(|_| format!("{value:?}"))
}

/// `localStorage` where the host keeps it, and `sessionStorage`. A persisted storage that
/// cannot be opened (its file unreadable) is kept in memory for the run instead, and the host
/// hears why; a damaged file moved aside is reported too.
fn open_storage(host: &Rc<RefCell<dyn Host>>, quota: usize) -> [Storage; 2] {
    let session = Storage::in_memory(quota);
    let Some(file) = host.borrow().local_storage() else { return [Storage::in_memory(quota), session] };
    let local = match Storage::open(&file, quota) {
        Ok((local, warning)) => {
            if let Some(w) = warning {
                host.borrow_mut().log(Level::Warn, &format!("localStorage: {w}"));
            }
            local
        }
        Err(e) => {
            host.borrow_mut().log(Level::Error, &format!("localStorage is kept in memory for this run: {e}"));
            Storage::in_memory(quota)
        }
    };
    [local, session]
}

/// Evaluates the prelude and calls it with the native functions; returns its control object.
fn install(
    ctx: &Ctx<'_>,
    (viewport, epoch, languages): ((f32, f32), Instant, Vec<String>),
    host: Rc<RefCell<dyn Host>>,
    storage: Rc<RefCell<[Storage; 2]>>,
    net: Option<Arc<Client>>,
) -> rquickjs::Result<Persistent<Object<'static>>> {
    let native = Object::new(ctx.clone())?;
    let sender = host.clone();
    native.set(
        "send",
        Func::from(move |batch: TypedArray<'_, u8>| -> rquickjs::Result<()> {
            let mut bytes = Vec::new();
            if !marquee_quickjs::copy_bytes(&batch, &mut bytes) {
                return Err(rquickjs::Error::new_from_js("detached", "Uint8Array"));
            }
            sender.borrow_mut().send(bytes);
            Ok(())
        }),
    )?;
    native.set(
        "log",
        Func::from(move |level: i32, message: String| {
            let level = match level {
                0 => Level::Debug,
                1 => Level::Info,
                2 => Level::Warn,
                _ => Level::Error,
            };
            host.borrow_mut().log(level, &message);
        }),
    )?;
    native.set("now", Func::from(move || epoch.elapsed().as_secs_f64() * 1000.0))?;
    native.set("utf8Encode", Func::from(utf8_encode))?;
    native.set(
        "utf8Decode",
        Func::from(|bytes: TypedArray<'_, u8>, fatal: bool| -> rquickjs::Result<Option<String>> {
            let mut copy = Vec::new();
            if !marquee_quickjs::copy_bytes(&bytes, &mut copy) {
                return Err(rquickjs::Error::new_from_js("detached", "Uint8Array"));
            }
            // Rust's lossy decoding replaces each maximal invalid subpart with one U+FFFD, as
            // the Encoding Standard's UTF-8 decoder does.
            Ok(match String::from_utf8(copy) {
                Ok(text) => Some(text),
                Err(_) if fatal => None,
                Err(e) => Some(String::from_utf8_lossy(e.as_bytes()).into_owned()),
            })
        }),
    )?;
    native.set("random", Func::from(random))?;
    install_storage(&native, &storage)?;
    install_url(&native)?;
    install_fetch(&native, net)?;
    let prelude: Function = ctx.eval(include_str!("prelude.js"))?;
    let control: Object = prelude.call((native.clone(), vec![f64::from(viewport.0), f64::from(viewport.1)]))?;
    install_intl(&native, languages.first().map_or("en-US", String::as_str))?;
    native.set("languages", languages)?;
    let web: Function = ctx.eval(include_str!("web.js"))?;
    web.call::<_, ()>((native.clone(),))?;
    let fetch: Function = ctx.eval(include_str!("fetch.js"))?;
    fetch.call::<_, ()>((native.clone(), control.clone()))?;
    let intl: Function = ctx.eval(include_str!("intl.js"))?;
    intl.call::<_, ()>((native,))?;
    Ok(Persistent::save(ctx, control))
}

/// The native side of `localStorage` (0) and `sessionStorage` (1): `web.js` wraps them in the
/// `Storage` interface. A refused change comes back as a string saying why, which `web.js`
/// throws as a `QuotaExceededError` (`quota: …`) or an `Error`.
fn install_storage(native: &Object<'_>, storage: &Rc<RefCell<[Storage; 2]>>) -> rquickjs::Result<()> {
    let which = |n: u32| (n as usize).min(1);
    let s = storage.clone();
    native
        .set("storageGet", Func::from(move |n: u32, key: String| s.borrow()[which(n)].get(&key).map(String::from)))?;
    let s = storage.clone();
    native.set(
        "storageSet",
        Func::from(move |n: u32, key: String, value: String| {
            s.borrow_mut()[which(n)].set(&key, &value).err().map(|e| match e {
                marquee_storage::Error::Quota { .. } => format!("quota: {e}"),
                _ => e.to_string(),
            })
        }),
    )?;
    let s = storage.clone();
    native.set(
        "storageRemove",
        Func::from(move |n: u32, key: String| s.borrow_mut()[which(n)].remove(&key).err().map(|e| e.to_string())),
    )?;
    let s = storage.clone();
    native
        .set("storageClear", Func::from(move |n: u32| s.borrow_mut()[which(n)].clear().err().map(|e| e.to_string())))?;
    let s = storage.clone();
    native.set(
        "storageKey",
        Func::from(move |n: u32, i: f64| {
            let s = s.borrow();
            (i >= 0.0 && i.fract() == 0.0).then(|| s[which(n)].key(i as usize).map(String::from)).flatten()
        }),
    )?;
    let s = storage.clone();
    native.set("storageLength", Func::from(move |n: u32| s.borrow()[which(n)].len() as u32))?;
    let s = storage.clone();
    native.set(
        "storageKeys",
        Func::from(move |n: u32| {
            let s = s.borrow();
            let s = &s[which(n)];
            (0..s.len()).filter_map(|i| s.key(i).map(String::from)).collect::<Vec<_>>()
        }),
    )?;
    Ok(())
}

/// The native side of `fetch` and `WebSocket`: `fetchStart` hands a request to the network
/// client and returns its id, or 0 when it was not sent, `fetchRefusal` then saying why
/// (`fetch.js` rejects with it); `fetchAbort` drops one. `socketOpen` (0 and `fetchRefusal`
/// likewise), `socketSend`, `socketSendBytes` and `socketClose` drive sockets.
fn install_fetch(native: &Object<'_>, net: Option<Arc<Client>>) -> rquickjs::Result<()> {
    let refusal = Rc::new(RefCell::new(None::<String>));
    let (client, why) = (net.clone(), refusal.clone());
    native.set(
        "fetchStart",
        Func::from(
            move |method: String,
                  url: String,
                  headers: Vec<Vec<String>>,
                  body: TypedArray<'_, u8>,
                  redirect: u32|
                  -> rquickjs::Result<f64> {
                let Some(client) = &client else {
                    *why.borrow_mut() = Some("this host gives apps no network".into());
                    return Ok(0.0);
                };
                let mut bytes = Vec::new();
                if !marquee_quickjs::copy_bytes(&body, &mut bytes) {
                    return Err(rquickjs::Error::new_from_js("detached", "Uint8Array"));
                }
                let request = marquee_net::Request {
                    method,
                    url,
                    headers: headers
                        .into_iter()
                        .filter_map(|p| <[String; 2]>::try_from(p).ok())
                        .map(|[k, v]| (k, v))
                        .collect(),
                    body: bytes,
                    timeout: None,
                    redirect: match redirect {
                        1 => marquee_net::Redirect::Error,
                        2 => marquee_net::Redirect::Manual,
                        _ => marquee_net::Redirect::Follow,
                    },
                };
                Ok(match client.start(request) {
                    Ok(id) => id as f64,
                    Err(e) => {
                        *why.borrow_mut() = Some(e.to_string());
                        0.0
                    }
                })
            },
        ),
    )?;
    let (client, why) = (net.clone(), refusal.clone());
    native.set(
        "socketOpen",
        Func::from(move |url: String, protocols: Vec<String>| -> f64 {
            let Some(client) = &client else {
                *why.borrow_mut() = Some("this host gives apps no network".into());
                return 0.0;
            };
            match client.open_socket(&url, &protocols) {
                Ok(id) => id as f64,
                Err(e) => {
                    *why.borrow_mut() = Some(e.to_string());
                    0.0
                }
            }
        }),
    )?;
    let client = net.clone();
    native.set(
        "socketSend",
        Func::from(move |id: f64, text: String| {
            if let Some(c) = &client {
                c.send_text(id as u64, text);
            }
        }),
    )?;
    let client = net.clone();
    native.set(
        "socketSendBytes",
        Func::from(move |id: f64, bytes: TypedArray<'_, u8>| -> rquickjs::Result<()> {
            let mut copy = Vec::new();
            if !marquee_quickjs::copy_bytes(&bytes, &mut copy) {
                return Err(rquickjs::Error::new_from_js("detached", "Uint8Array"));
            }
            if let Some(c) = &client {
                c.send_binary(id as u64, copy);
            }
            Ok(())
        }),
    )?;
    let client = net.clone();
    native.set(
        "socketClose",
        Func::from(move |id: f64, code: u16, reason: String| {
            if let Some(c) = &client {
                c.close_socket(id as u64, code, reason);
            }
        }),
    )?;
    native.set("fetchRefusal", Func::from(move || refusal.borrow_mut().take()))?;
    let client = net;
    native.set(
        "fetchAbort",
        Func::from(move |id: f64| {
            if let Some(c) = &client {
                c.abort(id as u64);
            }
        }),
    )
}

/// The native side of `URL` and `URLSearchParams`: WHATWG URL parsing, the setters' rules and
/// the form encoding, all the url crate's (Servo's).
fn install_url(native: &Object<'_>) -> rquickjs::Result<()> {
    native.set(
        "urlParse",
        Func::from(|input: String, base: Option<String>| -> Option<String> {
            let base = match base {
                Some(b) => Some(Url::parse(&b).ok()?),
                None => None,
            };
            Url::options().base_url(base.as_ref()).parse(&input).ok().map(String::from)
        }),
    )?;
    native.set(
        "urlGet",
        Func::from(|href: String, part: String| -> String {
            let Ok(url) = Url::parse(&href) else { return String::new() };
            match part.as_str() {
                "origin" => quirks::origin(&url),
                "protocol" => quirks::protocol(&url).into(),
                "username" => quirks::username(&url).into(),
                "password" => quirks::password(&url).into(),
                "host" => quirks::host(&url).into(),
                "hostname" => quirks::hostname(&url).into(),
                "port" => quirks::port(&url).into(),
                "pathname" => quirks::pathname(&url).into(),
                "search" => quirks::search(&url).into(),
                "hash" => quirks::hash(&url).into(),
                // The query as stored, without its `?` (what URLSearchParams parses).
                "query" => url.query().unwrap_or_default().into(),
                _ => String::new(),
            }
        }),
    )?;
    native.set(
        "urlSet",
        Func::from(|href: String, part: String, value: String| -> String {
            let Ok(mut url) = Url::parse(&href) else { return href };
            // A value the standard's setter rejects leaves the URL as it was, silently.
            match part.as_str() {
                "protocol" => drop(quirks::set_protocol(&mut url, &value)),
                "username" => drop(quirks::set_username(&mut url, &value)),
                "password" => drop(quirks::set_password(&mut url, &value)),
                "host" => drop(quirks::set_host(&mut url, &value)),
                "hostname" => drop(quirks::set_hostname(&mut url, &value)),
                "port" => drop(quirks::set_port(&mut url, &value)),
                "pathname" => quirks::set_pathname(&mut url, &value),
                "search" => quirks::set_search(&mut url, &value),
                "hash" => quirks::set_hash(&mut url, &value),
                // URLSearchParams' update steps: an empty list leaves no query at all.
                "query" => url.set_query(Some(value.as_str()).filter(|q| !q.is_empty())),
                _ => {}
            }
            url.into()
        }),
    )?;
    native.set(
        "formParse",
        Func::from(|query: String| -> Vec<Vec<String>> {
            url::form_urlencoded::parse(query.as_bytes()).map(|(k, v)| vec![k.into_owned(), v.into_owned()]).collect()
        }),
    )?;
    native.set(
        "formSerialize",
        Func::from(|pairs: Vec<Vec<String>>| -> String {
            let mut out = url::form_urlencoded::Serializer::new(String::new());
            for pair in &pairs {
                if let [k, v] = pair.as_slice() {
                    out.append_pair(k, v);
                }
            }
            out.finish()
        }),
    )?;
    Ok(())
}

/// The native side of `Intl` (`intl.js`): the formatters marquee-intl builds from a spec and
/// keeps, and its errors thrown as the `RangeError` / `TypeError` ECMA-402 names.
fn install_intl(native: &Object<'_>, default_locale: &str) -> rquickjs::Result<()> {
    fn throw(ctx: &Ctx<'_>, e: marquee_intl::Error) -> rquickjs::Error {
        match e {
            marquee_intl::Error::Range(m) => Exception::throw_range(ctx, &m),
            marquee_intl::Error::Type(m) => Exception::throw_type(ctx, &m),
        }
    }
    let intl = Rc::new(RefCell::new(Intl::new(default_locale)));
    let i = intl.clone();
    native.set(
        "intlResolve",
        Func::from(move |ctx: Ctx<'_>, spec: String| i.borrow_mut().resolve(&spec).map_err(|e| throw(&ctx, e))),
    )?;
    let i = intl.clone();
    native.set(
        "intlFormat",
        Func::from(move |ctx: Ctx<'_>, spec: String, value: f64| {
            i.borrow_mut().format(&spec, value).map_err(|e| throw(&ctx, e))
        }),
    )?;
    let i = intl.clone();
    native.set(
        "intlParts",
        Func::from(move |ctx: Ctx<'_>, spec: String, value: f64| -> rquickjs::Result<Vec<Vec<String>>> {
            let parts = i.borrow_mut().format_to_parts(&spec, value).map_err(|e| throw(&ctx, e))?;
            Ok(parts.into_iter().map(|p| vec![p.kind.to_owned(), p.value]).collect())
        }),
    )?;
    let i = intl.clone();
    native.set(
        "intlSelect",
        Func::from(move |ctx: Ctx<'_>, spec: String, n: f64| {
            i.borrow_mut().select(&spec, n).map_err(|e| throw(&ctx, e))
        }),
    )?;
    native.set(
        "intlCompare",
        Func::from(move |ctx: Ctx<'_>, spec: String, a: String, b: String| {
            intl.borrow_mut().compare(&spec, &a, &b).map(|o| o as i32).map_err(|e| throw(&ctx, e))
        }),
    )?;
    native.set(
        "intlLocales",
        Func::from(|ctx: Ctx<'_>, tags: Vec<String>, supported: bool| {
            let list =
                if supported { marquee_intl::supported_locales(&tags) } else { marquee_intl::canonical_locales(&tags) };
            list.map_err(|e| throw(&ctx, e))
        }),
    )?;
    Ok(())
}

/// `text` as UTF-8 (`web.js` hands it well-formed).
fn utf8_encode<'js>(ctx: Ctx<'js>, text: String) -> rquickjs::Result<TypedArray<'js, u8>> {
    TypedArray::new(ctx, text.into_bytes())
}

/// `n` bytes from the system's random source (`web.js` asks for at most 65,536, getRandomValues'
/// limit).
fn random<'js>(ctx: Ctx<'js>, n: usize) -> rquickjs::Result<TypedArray<'js, u8>> {
    let mut bytes = vec![0; n.min(65_536)];
    getrandom::fill(&mut bytes)
        .map_err(|e| rquickjs::Error::new_from_js_message("random source", "bytes", e.to_string()))?;
    TypedArray::new(ctx, bytes)
}

/// The app's entry module: `main` of its `package.json` if set, else `main.js`.
pub fn entry_module(app_dir: &Path) -> PathBuf {
    let main = std::fs::read_to_string(app_dir.join("package.json"))
        .ok()
        .and_then(|m| serde_json::from_str::<serde_json::Value>(&m).ok())
        .and_then(|m| m.get("main")?.as_str().map(String::from));
    app_dir.join(main.unwrap_or_else(|| "main.js".into()))
}
