//! The thin native host: the app's JavaScript and the engine side by side, on two threads.
//!
//! ```text
//!   app thread (QuickJS)                       engine thread (wasmtime)
//!   app.js + SDK ── command batches ────────▶  engine.wasm: apply, frame(t)
//!                ◀── event batches, frames ──  raster → Presenter
//!                                    input ──▶ (keys, from the front end)
//! ```
//!
//! The engine thread owns the frame loop: every frame it drains the batches and input that
//! arrived, runs the engine's frame at the frame time, rasterizes the damage and hands the canvas
//! to a [`Presenter`]. It never waits for the app thread, which is the architecture's promise: an
//! app stuck in a long callback does not stop frames. JS values stay on the app thread and Wasm
//! values on the engine thread; only bytes cross, over channels.
//!
//! The engine thread also contains failures: a trap or a hang (epoch interruption) in the engine
//! replaces the instance with a fresh one and tells the app with an `EngineReset` event, so the
//! app can build its scene again. The app thread's failures (exceptions, interrupts, heap
//! exhaustion) are logged and the app carries on with its next callback.

mod app_thread;
mod backlog;
mod engine_thread;
mod gpu;
mod images;
mod log;
mod messages;
mod network;

mod problem;
mod selection;
mod start;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use backlog::MAX_QUEUED_BYTES;
pub use engine_thread::APPLY_BUDGET;
pub use gpu::{GpuWindow, RendererChoice};
pub use log::{MAX_BYTES as MAX_LOG_BYTES, MAX_ECHO_PER_SECOND, MAX_LINE_BYTES, MAX_LINES as MAX_LOG_LINES};
pub use marquee_bundle::WasmRollout;
pub use marquee_display_list::{Color, IntRect};
pub use marquee_image::Limits as ImageLimits;
pub use marquee_js::{Level, Limits as JsLimits};
pub use marquee_overlay::session::{
    REFRESH_MS as OVERLAY_REFRESH_MS, SEQUENCE_MS as OVERLAY_SEQUENCE_MS, TOGGLE_SEQUENCE as OVERLAY_SEQUENCE,
};
pub use marquee_protocol::{Key, KeyAction};
pub use marquee_raster::Canvas;
pub use selection::{EngineChoice, Selection};

/// The texture budget of a host that is not given one: 128 MiB of decoded images, a 1080p
/// home page's posters several times over.
pub const DEFAULT_TEXTURE_BUDGET: u64 = 128 << 20;

/// Everything a run needs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The app's directory (an npm package whose `main` is its entry module).
    pub app_dir: PathBuf,
    /// The module to run instead of `main`, inside `app_dir`: the app compiled for running
    /// (`marquee_bundle::compile`), for an app in JSX or TypeScript.
    pub entry: Option<PathBuf>,
    /// The engine module's bytes.
    pub engine_wasm: Vec<u8>,
    /// engine.js's source, for devices (or rollouts, or developers) that run the engine without
    /// Wasm; `None` if this host has none.
    pub engine_js: Option<String>,
    /// engine.wasm, engine.js, or decide (see [`WasmRollout`]).
    pub engine: EngineChoice,
    /// The Wasm rollout; `None` reads it from the app's `package.json` (`marquee.wasm`).
    pub rollout: Option<WasmRollout>,
    /// This device's id: its place in staged rollouts.
    pub device_id: String,
    /// Where compiled modules are cached; `None` compiles every time.
    pub cache_dir: Option<PathBuf>,
    /// Where apps' storage persists (`storage/` in the device's state directory, for the CLI):
    /// an app's `localStorage` is `<dir>/<app>/local-storage.json`, `<app>` being its package
    /// name (see [`storage_file`]); `None` keeps it in memory for the run.
    pub storage_dir: Option<PathBuf>,
    /// The device's languages, most preferred first, as BCP 47 tags (`navigator.languages`).
    pub languages: Vec<String>,
    /// PEM certificates the app's HTTPS requests must chain to, instead of Mozilla's roots (a
    /// development server's, or a private deployment's CA); `None` trusts Mozilla's.
    pub ca_certs: Option<Vec<u8>>,
    /// A device without a network: the app's requests to the origins its manifest allows fail
    /// as network errors, as when the network is down (its own files still load). Runs that
    /// must not depend on what listens on this machine (golden images, benchmarks) set it.
    pub offline: bool,
    /// The surface size in pixels.
    pub size: (u32, u32),
    /// The display rate. Frames are paced to it unless `unpaced`.
    pub fps: f64,
    /// Run frames back to back, as fast as they render (benchmarks).
    pub unpaced: bool,
    /// Frame times advance by exactly 1/fps per frame instead of following the clock, so a
    /// headless run renders the same frames on any machine: a frame waits for the images asked
    /// for, and a scripted key for the app to have handled what it was sent.
    pub virtual_time: bool,
    /// When to stop.
    pub stop: Stop,
    /// Keys to press at given frame numbers (counted from 0).
    pub script: Vec<(u64, Key)>,
    /// The colour behind the scene.
    pub background: Color,
    /// The engine's linear-memory cap.
    pub engine_memory: usize,
    /// The longest one call into the engine may run.
    pub engine_call_budget: Duration,
    /// The app's JavaScript limits.
    pub js: JsLimits,
    /// Echo console lines to stderr (they are always kept in the [`Report`]).
    pub echo_console: bool,
    /// The texture memory the engine keeps decoded images within, in bytes. Images out of view
    /// are released, least recently seen first, to stay under it. Twice the budget is a hard
    /// cap on decoded images, those in view and those on their way included (the room between
    /// lets new images arrive while the engine releases old ones): a load that would pass it
    /// fails with `too-many-pixels`.
    pub texture_budget: u64,
    /// The bytes of layer pixels the canvas keeps between frames (least recently used go first;
    /// a layer not kept is rasterized again when it is drawn, to the same pixels).
    pub layer_budget: usize,
    /// Which backend draws: the CPU (the default), the GPU (OpenGL ES 2.0 in a headless EGL
    /// context, read back into the canvas), or the GPU when a context can be made.
    pub renderer: RendererChoice,
    /// The front end's X11 window, for the GPU backend to present frames in directly (an EGL
    /// window surface) instead of reading them back for the presenter; `None`: read back.
    pub gpu_window: Option<GpuWindow>,
    /// The largest texture the GPU backend may use, pixels a side, when a device profile holds
    /// it below what the driver takes (images past it are drawn reduced).
    pub gpu_max_texture: Option<u32>,
    /// Test hook: the GPU backend fails this frame with a real GL error (the run must go on).
    #[doc(hidden)]
    pub gpu_fault_at: Option<u64>,
    /// Test hook: the GPU backend's context is destroyed before this frame, as a driver reset
    /// does (the run must go on).
    #[doc(hidden)]
    pub gpu_lose_at: Option<u64>,
    /// What one image may be: encoded size, dimensions, fetch time.
    pub image_limits: ImageLimits,
    /// Directories `file:` image URLs may name files in (the device's, never the app's choice);
    /// empty: `file:` URLs are refused.
    pub file_dirs: Vec<PathBuf>,
    /// Write every input the engine gets to this file, for `marquee replay`.
    pub record: Option<PathBuf>,
    /// Show the debug overlay from the first frame (`marquee run --overlay`); it can be shown
    /// and hidden at run time anyway ([`Input::Overlay`], [`OVERLAY_SEQUENCE`] on a remote).
    pub overlay: bool,
    /// Live health figures, for a watcher on another thread (the updater confirms a trial
    /// bundle from them).
    pub vitals: Arc<Vitals>,
}

/// A run's health as it goes: read from any thread while the host runs, and waited on
/// ([`wait`](Self::wait)) by a watcher that must not poll — the updater confirms a trial bundle
/// from it.
#[derive(Debug, Default)]
pub struct Vitals {
    /// Frames drawn and presented that applied a batch from the app: its content reached the
    /// screen.
    pub content_frames: AtomicU64,
    /// Frames drawn and presented (a frame the backend refused does not count).
    pub frames: AtomicU64,
    /// Engine instances replaced after a trap or a hang.
    pub engine_resets: AtomicU32,
    /// Reloads ([`InputSender::reload`]) whose app started and replaced the running one.
    pub reloads: AtomicU64,
    /// Reloads whose app failed to load or threw while it started (the running app stayed).
    pub failed_reloads: AtomicU64,
    /// Edits applied in the running app in place ([`InputSender::refresh`]), whether React
    /// could render them or not.
    pub refreshes: AtomicU64,
    /// The app's JavaScript heap in use, in bytes, after the app thread's last wake.
    pub app_heap_bytes: AtomicU64,
    /// The app's timers waiting, after its last wake.
    pub app_timers: AtomicU32,
    /// The app's `requestAnimationFrame` callbacks waiting, after its last wake.
    pub app_frame_callbacks: AtomicU32,
    /// The debug overlay shows: the app thread keeps the three figures above (hidden, it costs
    /// the app thread nothing).
    overlay_shown: AtomicBool,
    /// When the first content frame was presented.
    content_since: Mutex<Option<Instant>>,
    /// Whether the run has ended.
    ended: AtomicBool,
    /// Bumped at every change a watcher waits for (the first content frame, a reset, a reload,
    /// an edit applied in place, the end).
    changes: Mutex<u64>,
    changed: Condvar,
}

impl Vitals {
    /// When the app's content first reached the screen, if it has.
    pub fn content_since(&self) -> Option<Instant> {
        *self.content_since.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the run has ended.
    pub fn ended(&self) -> bool {
        self.ended.load(Ordering::SeqCst)
    }

    /// How many changes a watcher may wait for (the first content frame, engine resets, reloads,
    /// edits applied in place, the end of the run) there have been: read it before looking at
    /// the figures, then [`wait`](Self::wait) past it, and no change can slip between the two.
    pub fn changes(&self) -> u64 {
        *self.changes.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Blocks until there have been more than `seen` changes, or `timeout` has passed.
    pub fn wait(&self, seen: u64, timeout: Duration) {
        let changes = self.changes.lock().unwrap_or_else(|e| e.into_inner());
        let _ = self.changed.wait_timeout_while(changes, timeout, |now| *now == seen);
    }

    /// A frame was presented (`content`: it showed a batch from the app).
    pub(crate) fn frame_presented(&self, content: bool) {
        self.frames.fetch_add(1, Ordering::Relaxed);
        if content && self.content_frames.fetch_add(1, Ordering::Relaxed) == 0 {
            *self.content_since.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
            self.notify();
        }
    }

    /// The engine was reset.
    pub(crate) fn engine_reset(&self) {
        self.engine_resets.fetch_add(1, Ordering::Relaxed);
        self.notify();
    }

    /// A reload ended: its app replaced the running one (`started`), or failed to.
    pub(crate) fn reload_ended(&self, started: bool) {
        let count = if started { &self.reloads } else { &self.failed_reloads };
        count.fetch_add(1, Ordering::Relaxed);
        self.notify();
    }

    /// The app thread woke and ran: its heap and what it has waiting, for the debug overlay.
    pub(crate) fn app_ran(&self, app: &mut marquee_js::AppRuntime) {
        if !self.overlay_shown.load(Ordering::Relaxed) {
            return;
        }
        let (heap_bytes, (timers, frame_callbacks)) = (app.heap_bytes(), app.waiting());
        self.app_heap_bytes.store(heap_bytes, Ordering::Relaxed);
        self.app_timers.store(timers, Ordering::Relaxed);
        self.app_frame_callbacks.store(frame_callbacks, Ordering::Relaxed);
    }

    /// The debug overlay shows or not (see `overlay_shown`).
    pub(crate) fn overlay_shown(&self, shown: bool) {
        self.overlay_shown.store(shown, Ordering::Relaxed);
    }

    /// An edit was applied in place.
    pub(crate) fn refreshed(&self) {
        self.refreshes.fetch_add(1, Ordering::Relaxed);
        self.notify();
    }

    /// The run is over. The engine thread says so when its loop ends; a front end whose host
    /// never started says so itself, so that a watcher waiting on the run does not wait on.
    pub fn end(&self) {
        self.ended.store(true, Ordering::SeqCst);
        self.notify();
    }

    fn notify(&self) {
        *self.changes.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.changed.notify_all();
    }
}

impl Options {
    /// Defaults for `app_dir` with `engine_wasm`: 1280×720 at 60 fps, until the app is idle.
    pub fn new(app_dir: impl Into<PathBuf>, engine_wasm: Vec<u8>) -> Options {
        Options {
            app_dir: app_dir.into(),
            entry: None,
            engine_wasm,
            engine_js: None,
            engine: EngineChoice::Auto,
            rollout: None,
            device_id: "local".into(),
            cache_dir: None,
            storage_dir: None,
            ca_certs: None,
            languages: vec!["en-US".into()],
            offline: false,
            size: (1280, 720),
            fps: 60.0,
            unpaced: false,
            virtual_time: false,
            stop: Stop::default(),
            script: Vec::new(),
            background: Color(0x000000ff),
            engine_memory: marquee_engine_wasmtime::DEFAULT_MEMORY_LIMIT,
            engine_call_budget: marquee_engine_wasmtime::DEFAULT_CALL_BUDGET,
            js: JsLimits::default(),
            echo_console: true,
            texture_budget: DEFAULT_TEXTURE_BUDGET,
            layer_budget: marquee_raster::DEFAULT_BUDGET,
            renderer: RendererChoice::Cpu,
            gpu_window: None,
            gpu_max_texture: None,
            gpu_fault_at: None,
            gpu_lose_at: None,
            image_limits: ImageLimits::default(),
            file_dirs: Vec::new(),
            record: None,
            overlay: false,
            vitals: Arc::default(),
        }
    }
}

/// When a run ends (whichever comes first; a front end can also send [`Input::Quit`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stop {
    /// After this many frames.
    pub frames: Option<u64>,
    /// Once the app is idle (no timers, no frame callbacks, every event handled), no command is
    /// in flight, no scripted key is left, and a frame drew nothing.
    pub when_idle: bool,
    /// After this long, whatever happens.
    pub timeout: Option<Duration>,
}

impl Default for Stop {
    fn default() -> Self {
        Stop { frames: None, when_idle: true, timeout: Some(Duration::from_secs(60)) }
    }
}

/// Receives each frame's pixels on the engine thread.
pub trait Presenter: Send {
    /// Shows `canvas`; only `damage` changed since the last call. Returns false to stop the run
    /// (the window was closed).
    fn present(&mut self, canvas: &Canvas, damage: &[IntRect]) -> bool;
}

/// A presenter that shows nothing: headless runs read the canvas from the [`Report`].
#[derive(Debug, Default)]
pub struct Headless;

impl Presenter for Headless {
    fn present(&mut self, _canvas: &Canvas, _damage: &[IntRect]) -> bool {
        true
    }
}

/// Input from a front end to the engine thread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Input {
    /// A remote key.
    Key(Key, KeyAction),
    /// A character typed on a keyboard (text input; a key a remote has comes as that key).
    Text(char),
    /// The debug overlay's next step: hidden, shown, inspecting (keys go to its inspector),
    /// hidden (F12 in a window).
    Overlay,
    /// A click on the screen at `x, y` pixels: with the overlay shown, its inspector takes the
    /// node shown there.
    Pick {
        /// Pixels from the left.
        x: f32,
        /// Pixels from the top.
        y: f32,
    },
    /// End the run.
    Quit,
}

/// Sends input to a running host from any thread.
#[derive(Debug, Clone)]
pub struct InputSender {
    engine: mpsc::Sender<messages::ToEngine>,
    app: mpsc::Sender<messages::ToApp>,
}

impl InputSender {
    /// Queues input for the next frame; false once the run has ended.
    pub fn send(&self, input: Input) -> bool {
        self.engine.send(messages::ToEngine::Input(input)).is_ok()
    }

    /// Starts the app again from its entry module as it is on disk now, in the running host
    /// (`marquee dev`): if it starts, it replaces the running app on a fresh engine instance
    /// (the screen changes at once to its first frame, and any problem shown goes); if its
    /// module fails to load or throws, the running app stays and the screen shows why. False
    /// once the run has ended.
    pub fn reload(&self) -> bool {
        self.app.send(messages::ToApp::Reload).is_ok()
    }

    /// Applies an edit to the running app in place (`marquee dev`'s Fast Refresh): `update`
    /// is a script that defines the app's changed modules on the module runtime the app was
    /// built on and evaluates to how applying them went — `"refreshed"`, `"failed: why"` (the
    /// screen shows why), or anything else, which reloads the app ([`reload`](Self::reload)),
    /// as a script that throws does. False once the run has ended.
    pub fn refresh(&self, update: String) -> bool {
        self.app.send(messages::ToApp::Refresh(update)).is_ok()
    }

    /// Shows `problem` over the app's frames (an edit that does not build), or clears it
    /// (`None`). The running app is not touched. False once the run has ended.
    pub fn show_problem(&self, problem: Option<String>) -> bool {
        self.engine.send(messages::ToEngine::Problem(problem)).is_ok()
    }
}

/// What went wrong starting or running the host.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The engine (engine.wasm or engine.js) could not be loaded or instantiated.
    Engine(marquee_engine_contract::Error),
    /// The app could not be loaded (its entry module failed).
    App(marquee_js::Error),
    /// The surface could not be created.
    Surface(String),
    /// The engine kept failing right after each restart.
    EngineFailing(String),
    /// A host thread could not be started or died.
    Thread(String),
    /// The recording file could not be created.
    Record(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Engine(e) => write!(f, "{e}"),
            Error::App(e) => write!(f, "{e}"),
            Error::Surface(e) => write!(f, "cannot create the surface: {e}"),
            Error::EngineFailing(e) => write!(f, "the engine fails again after every restart: {e}"),
            Error::Thread(e) => write!(f, "host thread: {e}"),
            Error::Record(e) => write!(f, "cannot record: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// Per-frame timings, measured on the engine thread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrameStat {
    /// When the frame started.
    pub at: Instant,
    /// The frame time given to the engine, in ms.
    pub time_ms: f64,
    /// Applying batches and running the engine's frame.
    pub engine: Duration,
    /// Rasterizing the damage (the debug overlay's drawing included, when it shows).
    pub raster: Duration,
    /// Building the debug overlay's panels (zero when hidden, and between its builds).
    pub overlay: Duration,
    /// The presenter.
    pub present: Duration,
    /// Pixels redrawn (the damage).
    pub pixels: u64,
    /// Pixels of layers rasterized for this frame (layers whose content or scale changed).
    pub pixels_rasterized: u64,
    /// Pixels copied from kept layer pixels onto the canvas.
    pub pixels_composited: u64,
    /// Command batches from the app applied in this frame.
    pub batches: u32,
    /// Decoded image pixels held by the host when this frame was drawn, in bytes.
    pub texture_bytes: u64,
    /// Layer pixels the canvas kept after this frame, in bytes (within its layer budget).
    pub layer_bytes: u64,
    /// Bytes of those batches.
    pub batch_bytes: u64,
    /// Whether the frame reached the screen: false when the backend refused its display list
    /// (the screen kept the previous frame).
    pub drawn: bool,
    /// The GPU backend's draw calls (0 on the CPU).
    pub draw_calls: u32,
    /// Images the GPU backend uploaded.
    pub image_uploads: u32,
    /// Glyphs it uploaded into its atlas.
    pub glyph_uploads: u32,
    /// Bytes it uploaded.
    pub bytes_uploaded: u64,
}

/// How the engine module was obtained at start-up.
pub use marquee_engine_wasmtime::cache::Source as ModuleSource;

/// A POSIX locale name (`en_US.UTF-8`, `de_DE@euro`, `pt_BR`) as a BCP 47 language tag
/// (`en-US`), or `None` for one that names no language (`C`, `POSIX`, empty) or is not a locale
/// name at all.
pub fn language_tag(posix: &str) -> Option<String> {
    let name = posix.split(['.', '@']).next().unwrap_or_default();
    if name.is_empty() || name == "C" || name == "POSIX" {
        return None;
    }
    let mut parts = name.split(['_', '-']);
    let language = parts.next().filter(|l| (2..=8).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic()))?;
    let mut tag = language.to_ascii_lowercase();
    for part in parts {
        if part.is_empty() || part.len() > 8 || !part.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        tag.push('-');
        // Regions are upper case, scripts title case (`zh-Hant-TW`), as BCP 47 writes them.
        match part.len() {
            2 => tag.push_str(&part.to_ascii_uppercase()),
            4 => tag.push_str(&(part[..1].to_ascii_uppercase() + &part[1..].to_ascii_lowercase())),
            _ => tag.push_str(part),
        }
    }
    Some(tag)
}

/// Where the app in `app_dir` keeps its `localStorage` under the storage directory `state`:
/// `<state>/<name>/local-storage.json`, `<name>` being its package name (so a bundle update
/// keeps the app's storage, and two apps never share one), with every character but ASCII
/// letters, digits, `.`, `-` and `_` written as `_` (`@acme/tv` is `_acme_tv`). An app with no
/// name goes by its directory's.
pub fn storage_file(state: &Path, app_dir: &Path) -> PathBuf {
    let name = std::fs::read_to_string(app_dir.join("package.json"))
        .ok()
        .and_then(|m| serde_json::from_str::<serde_json::Value>(&m).ok())
        .and_then(|m| m.get("name")?.as_str().map(String::from))
        .filter(|n| !n.is_empty())
        .or_else(|| app_dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "app".into());
    let safe: String = name
        .chars()
        .take(128)
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    // `.` and `..` name no directory of their own.
    let safe = if safe.chars().all(|c| c == '.') { format!("_{safe}") } else { safe };
    state.join(safe).join("local-storage.json")
}

/// What a run did.
pub struct Report {
    /// The last frame's pixels.
    pub canvas: Canvas,
    /// Every frame, in order.
    pub frames: Vec<FrameStat>,
    /// Console lines and host messages, with when they were written: the latest
    /// [`MAX_LOG_LINES`] lines and [`MAX_LOG_BYTES`] bytes.
    pub log: Vec<(Instant, Level, String)>,
    /// Log lines let go to stay within those bounds.
    pub log_dropped: u64,
    /// Times the app's thread waited because [`MAX_QUEUED_BYTES`] of its batches were not yet
    /// applied (back-pressure).
    pub app_waits: u64,
    /// When the host started.
    pub started: Instant,
    /// From start to the end of the first presented frame.
    pub first_frame: Option<Duration>,
    /// Where the engine module came from.
    pub module: ModuleSource,
    /// Time to obtain the module (compile or load from cache).
    pub module_time: Duration,
    /// The node the debug overlay's inspector last showed, as the engine answered it.
    pub inspected: Option<marquee_engine_contract::debug::NodeInfo>,
    /// Engine instances replaced after a failure.
    pub engine_resets: u32,
    /// Live nodes in the engine at the end (root included).
    pub nodes: u64,
    /// Commands the engine rejected.
    pub command_errors: u64,
    /// Which engine build ran, and why.
    pub engine: Selection,
    /// Which backend drew the frames and why (`gpu: llvmpipe …`, `cpu: no GPU: …`); a GPU that
    /// failed mid-run says when.
    pub renderer: String,
    /// The most decoded image pixels the host held at any point, in bytes: including images
    /// that had just arrived, before the engine released others to get back under its budget.
    pub texture_high_water: u64,
    /// Why the run ended.
    pub ended: Ended,
}

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The frame count was reached.
    Frames,
    /// The app went idle.
    Idle,
    /// The timeout passed.
    Timeout,
    /// The front end asked (window closed, Quit).
    Quit,
}

impl Report {
    /// Frames that did not reach the screen (see [`FrameStat::drawn`]).
    pub fn frames_not_drawn(&self) -> usize {
        self.frames.iter().filter(|f| !f.drawn).count()
    }

    /// Console lines containing `needle`.
    pub fn said(&self, needle: &str) -> Vec<&str> {
        self.log.iter().filter(|(_, _, m)| m.contains(needle)).map(|(_, _, m)| m.as_str()).collect()
    }
}

/// A running host.
pub struct Host {
    input: InputSender,
    engine: JoinHandle<Result<Report, Error>>,
}

impl Host {
    /// Starts the engine thread and the app thread. Returns once both are running; the app's
    /// entry module runs on its thread while the first frames are drawn.
    pub fn start(options: Options, presenter: Box<dyn Presenter>) -> Result<Host, Error> {
        let started = Instant::now();
        let log = log::Log::default();
        let backlog = Arc::new(backlog::Backlog::default());
        let (to_engine, engine_rx) = mpsc::channel();
        let (to_app, app_rx) = mpsc::channel();
        let app =
            app_thread::spawn(&options, (app_rx, to_app.clone()), to_engine.clone(), log.clone(), backlog.clone())?;
        let ends = messages::EngineEnds { rx: engine_rx, to_app: to_app.clone(), log, backlog };
        let engine = engine_thread::spawn(options, presenter, ends, app, started)?;
        Ok(Host { input: InputSender { engine: to_engine, app: to_app }, engine })
    }

    /// A handle for sending input to this run.
    pub fn input(&self) -> InputSender {
        self.input.clone()
    }

    /// Waits for the run to end.
    pub fn join(self) -> Result<Report, Error> {
        self.engine.join().map_err(|_| Error::Thread("the engine thread panicked".into()))?
    }

    /// Starts a run and waits for it.
    pub fn run(options: Options, presenter: Box<dyn Presenter>) -> Result<Report, Error> {
        Host::start(options, presenter)?.join()
    }
}
