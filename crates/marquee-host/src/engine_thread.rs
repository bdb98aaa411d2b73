//! The engine thread: the frame loop, the engine instance, the canvas and the presenter.
//!
//! One iteration is one frame: drain whatever the app and the front end sent (command batches,
//! keys), run the engine's frame, rasterize the damage, present, forward the frame's events to
//! the app. Nothing here ever blocks on the app thread. A failed engine call (trap or hang)
//! replaces the instance; the replacement gets the viewport and the app gets an `EngineReset`
//! event so it rebuilds its scene.
//!
//! The engine is engine.wasm in wasmtime or engine.js in QuickJS, as [`crate::vm`] decides at
//! start-up; this loop does not care which.
//!
//! Images load on the loader's threads (see [`crate::images`]); the loop answers finished loads
//! before each frame and carries out the frame's load and release requests after it.
//!
//! A frame's engine work is bounded as a whole, not only call by call: batches are applied
//! until [`APPLY_BUDGET`] has passed (at least one per frame), and the rest wait for the next
//! frame, in order, while the app's thread waits for room (see [`crate::backlog`]).

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use marquee_display_list::frame::Frame;
use marquee_engine_contract::stream::Recorder;
use marquee_engine_contract::{Engine, Stat, Step};
use marquee_engine_quickjs::JsEngine;
use marquee_engine_wasmtime::cache::{ModuleCache, Source};
use marquee_engine_wasmtime::{Module, Runtime};
use marquee_js::Level;
use marquee_protocol::{Command, Event, EventEncoder, KeyAction, ResetReason, encode_batch};
use marquee_raster::Canvas;
use marquee_text::{SharedText, TextSystem};

use crate::app_thread::ToApp;
use crate::backlog::Backlog;
use crate::images::{Answer, Textures};
use crate::log::Log;
use crate::vm::{self, Rollout, Selection};
use crate::{Ended, Error, FrameStat, Input, Options, Presenter, Report};

/// How long one frame may spend applying the app's batches, all together: past it, the batches
/// still waiting are applied in the next frames (one call may still take up to the engine's
/// call budget). A flood of batches makes frames of about this length, not of its sum.
pub const APPLY_BUDGET: Duration = Duration::from_millis(50);

/// Messages to the engine thread, from the app thread and the front end.
pub(crate) enum ToEngine {
    /// A command batch from the SDK.
    Batch(Vec<u8>),
    /// The app has handled `handled` event batches, is idle or not, and waits for a frame or not.
    AppState { handled: u64, idle: bool, wants_frame: bool },
    /// The app's entry module failed; the run cannot go on.
    AppFailed(marquee_js::Error),
    /// Input from the front end.
    Input(Input),
}

/// An event batch of this size is a bare header: no events.
const BATCH_HEADER: usize = 12;

/// Restarts in a row, each failing before a frame completes, after which the host gives up.
const MAX_FAILED_RESTARTS: u32 = 3;

/// The engine thread's ends of the inter-thread connections.
pub(crate) struct Threads {
    pub(crate) rx: Receiver<ToEngine>,
    pub(crate) to_app: Sender<ToApp>,
    pub(crate) log: Log,
    pub(crate) backlog: Arc<Backlog>,
}

/// What new engine instances are made from.
enum Build {
    Wasm { runtime: Runtime, module: Module },
    Js { source: String, limits: marquee_engine_quickjs::Limits },
}

/// The engine build and its current instance.
struct Instance {
    build: Build,
    engine: Box<dyn Engine>,
    memory: usize,
    viewport: Vec<u8>,
    /// The text service: the engine measures through it, the canvas draws through it.
    text: SharedText,
    texture_budget: u64,
}

impl Build {
    /// A new instance, sized to the viewport, measuring text with `text`, keeping to the texture
    /// budget.
    fn instantiate(
        &self,
        memory: usize,
        viewport: &[u8],
        text: &SharedText,
        texture_budget: u64,
    ) -> Result<Box<dyn Engine>, marquee_engine_contract::Error> {
        let mut engine: Box<dyn Engine> = match self {
            Build::Wasm { runtime, module } => {
                Box::new(runtime.instantiate_with_text(module, memory, Box::new(text.clone()))?)
            }
            Build::Js { source, limits } => Box::new(JsEngine::new(source, Box::new(text.clone()), *limits)?),
        };
        engine.apply(viewport)?;
        engine.set_texture_budget(texture_budget)?;
        Ok(engine)
    }
}

impl Instance {
    fn fresh(&self) -> Result<Box<dyn Engine>, marquee_engine_contract::Error> {
        self.build.instantiate(self.memory, &self.viewport, &self.text, self.texture_budget)
    }

    /// The memory limit of the running build, in bytes.
    fn memory_limit(&self) -> usize {
        match &self.build {
            Build::Wasm { .. } => self.memory,
            Build::Js { limits, .. } => limits.memory,
        }
    }
}

/// The native stack the engine thread needs for either build.
fn engine_thread_stack() -> usize {
    let wasm = marquee_engine_wasmtime::MIN_THREAD_STACK;
    let js = marquee_engine_quickjs::Limits::default().stack + marquee_engine_quickjs::STACK_HEADROOM;
    wasm.max(js) + (1 << 20)
}

pub(crate) fn spawn(
    options: Options,
    presenter: Box<dyn Presenter>,
    threads: Threads,
    app: JoinHandle<()>,
    started: Instant,
) -> Result<JoinHandle<Result<Report, Error>>, Error> {
    let (to_app, backlog) = (threads.to_app.clone(), threads.backlog.clone());
    std::thread::Builder::new()
        .name("marquee-engine".into())
        .stack_size(engine_thread_stack())
        .spawn(move || {
            let result = Loop::new(options, presenter, threads, started).and_then(Loop::run);
            // An app thread waiting for room in the backlog goes on; its batches go nowhere.
            backlog.close();
            let _ = to_app.send(ToApp::Quit);
            // The app thread ends at Quit, or at its next wake if it is busy; a stuck app is
            // bounded by its time budget.
            let _ = app.join();
            result
        })
        .map_err(|e| Error::Thread(format!("cannot start the engine thread: {e}")))
}

struct Loop {
    options: Options,
    presenter: Box<dyn Presenter>,
    rx: Receiver<ToEngine>,
    to_app: Sender<ToApp>,
    log: Log,
    backlog: Arc<Backlog>,
    /// A message taken from `rx` and left for the next frame (the frame's apply budget ran
    /// out): it goes first.
    deferred: Option<ToEngine>,
    /// Live nodes after the last frame: what an out-of-memory reset reports.
    nodes: u64,
    /// The last reason a frame was not drawn, so that a failure repeated every frame is logged
    /// once.
    not_drawn_why: Option<String>,
    /// Whether flattened layers have been reported (once is enough).
    flattening_reported: bool,
    instance: Instance,
    canvas: Canvas,
    textures: Textures,
    texture_high_water: u64,
    recorder: Recorder,
    report_module: (Source, Duration),
    selection: Selection,
    started: Instant,
    frames: Vec<FrameStat>,
    resets: u32,
    command_errors: u64,
    /// The kinds of rejection (opcode, code) already logged: each is logged once.
    rejections_logged: std::collections::HashSet<(u16, u16)>,
}

impl Loop {
    fn new(
        options: Options,
        presenter: Box<dyn Presenter>,
        Threads { rx, to_app, log, backlog }: Threads,
        started: Instant,
    ) -> Result<Loop, Error> {
        let mut notes = Vec::new();
        let rollout = match options.rollout {
            Some(r) => r,
            None => match std::fs::read_to_string(options.app_dir.join("package.json")) {
                Ok(text) => Rollout::from_manifest(&text).unwrap_or_else(|e| {
                    notes.push(format!("rollout setting ignored: {e}"));
                    Rollout::default()
                }),
                Err(_) => Rollout::default(),
            },
        };
        // engine.wasm is loaded (compiled or from the cache) and instantiated once as the
        // capability self-test, only if the rollout wants it.
        let runtime = Runtime::with_call_budget(options.engine_call_budget);
        let t = Instant::now();
        let load_wasm = || -> Result<(Module, Source), marquee_engine_wasmtime::Error> {
            let loaded = match &options.cache_dir {
                Some(dir) => ModuleCache::new(dir).load(&runtime, &options.engine_wasm)?,
                None => (runtime.compile(&options.engine_wasm)?, Source::Uncached("no cache".into())),
            };
            runtime.instantiate(&loaded.0, options.engine_memory)?;
            Ok(loaded)
        };
        let mut wasm = None;
        let selection = vm::select(options.engine, rollout, &options.device_id, || {
            let loaded = load_wasm().map_err(|e| e.to_string())?;
            wasm = Some(loaded);
            Ok(())
        });
        let (build, source) = if selection.js {
            let source = options.engine_js.clone().ok_or_else(|| {
                Error::Engine(marquee_engine_contract::Error::Instantiate(format!(
                    "engine.js is needed ({}) but was not given",
                    selection.reason
                )))
            })?;
            let limits = marquee_engine_quickjs::Limits::default();
            (Build::Js { source, limits }, Source::Uncached("engine.js is not compiled".into()))
        } else {
            let (module, source) = match wasm {
                Some(loaded) => loaded,
                None => load_wasm().map_err(Error::Engine)?,
            };
            (Build::Wasm { runtime, module }, source)
        };
        let module_time = t.elapsed();
        let (w, h) = options.size;
        let viewport = encode_batch(&[Command::SetViewport { width: w as f32, height: h as f32 }]);
        let memory = options.engine_memory;
        // The app's fonts: every font file in its `assets/fonts`. A bad one is reported and
        // skipped; text then falls back to the built-in fonts.
        let (fonts, font_errors) = TextSystem::with_fonts_in(&options.app_dir.join("assets/fonts"));
        let text = SharedText::new(fonts);
        let texture_budget = options.texture_budget;
        let engine = build.instantiate(memory, &viewport, &text, texture_budget).map_err(Error::Engine)?;
        // A recording starts with what instantiation gave the engine: the viewport and budget.
        let mut recorder = match &options.record {
            Some(path) => {
                let file =
                    std::fs::File::create(path).map_err(|e| Error::Record(format!("{}: {e}", path.display())))?;
                let header = format!("marquee recording: replay with `marquee replay {}`", path.display());
                Recorder::new(Box::new(std::io::BufWriter::new(file)), &header)
            }
            None => Recorder::off(),
        };
        recorder.batch(&viewport);
        recorder.step(&Step::Budget(texture_budget));
        let instance = Instance { build, engine, memory, viewport, text, texture_budget };
        let canvas = Canvas::new(w, h, options.background).map_err(|e| Error::Surface(e.to_string()))?;
        let cap = texture_budget.saturating_mul(2);
        let textures = Textures::new(&options.app_dir, options.image_limits, options.file_dirs.clone(), cap)
            .map_err(|e| Error::Thread(format!("cannot start the image loader: {e}")))?;
        let this = Loop {
            options,
            presenter,
            rx,
            to_app,
            log,
            backlog,
            deferred: None,
            nodes: 0,
            not_drawn_why: None,
            flattening_reported: false,
            instance,
            canvas,
            textures,
            texture_high_water: 0,
            recorder,
            report_module: (source, module_time),
            selection,
            started,
            frames: Vec::new(),
            resets: 0,
            command_errors: 0,
            rejections_logged: Default::default(),
        };
        for e in font_errors {
            this.say(Level::Warn, format!("font skipped: {e}"));
        }
        for note in notes {
            this.say(Level::Warn, note);
        }
        let build = if this.selection.js { "engine.js (QuickJS)" } else { "engine.wasm (wasmtime)" };
        this.say(Level::Info, format!("running {build}: {}", this.selection.reason));
        Ok(this)
    }

    /// Logs the first rejection of each kind (opcode and code) in the frame's events, in the
    /// words the SDK's `command-error` events carry; the report counts them all.
    fn log_rejections(&mut self, events: &[u8]) {
        let Ok(decoder) = marquee_protocol::decode_events(events) else { return };
        for event in decoder.flatten() {
            if let Event::CommandError { opcode, code, node, .. } = event
                && self.rejections_logged.insert((opcode, code as u16))
            {
                let words =
                    marquee_protocol::describe_rejection(opcode, code as u16, (node != u32::MAX).then_some(node));
                self.say(Level::Warn, format!("command rejected: {words} (more like it are counted, not logged)"));
            }
        }
    }

    fn say(&self, level: Level, message: String) {
        self.log.push(level, &message, self.options.echo_console.then_some("[host]"));
    }

    /// Replaces a failed engine instance and queues the event that tells the app.
    fn reset(&mut self, why: &marquee_engine_contract::Error, host_events: &mut EventEncoder) -> Result<(), Error> {
        let reason = if why.is_hang() { ResetReason::Hang } else { ResetReason::Trap };
        if why.is_out_of_memory() {
            let limit = self.instance.memory_limit();
            self.say(
                Level::Error,
                format!(
                    "engine ran out of memory with {} nodes in the scene ({why}); starting a fresh instance",
                    self.nodes
                ),
            );
            host_events.push(&Event::EngineReset { reason });
            host_events.push(&Event::EngineOutOfMemory {
                nodes: u32::try_from(self.nodes).unwrap_or(u32::MAX),
                limit: u32::try_from(limit).unwrap_or(u32::MAX),
            });
        } else {
            self.say(Level::Error, format!("engine failed ({why}); starting a fresh instance"));
            host_events.push(&Event::EngineReset { reason });
        }
        self.resets += 1;
        self.options.vitals.engine_resets.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.instance.engine = self.instance.fresh().map_err(|e| Error::EngineFailing(e.to_string()))?;
        self.textures.clear();
        // What follows runs on a fresh instance, which a replay of one instance cannot reproduce.
        self.recorder.comment("the engine failed and was replaced here; the recording ends");
        self.recorder.finish();
        self.nodes = 0;
        Ok(())
    }

    fn run(mut self) -> Result<Report, Error> {
        let interval = Duration::from_secs_f64(1.0 / self.options.fps.max(1.0));
        let mut script = self.options.script.clone();
        script.sort_by_key(|(frame, _)| std::cmp::Reverse(*frame));
        let mut output = Vec::new();
        let mut host_events = EventEncoder::default();
        let (mut sent, mut handled, mut app_idle, mut app_wants_frame) = (0u64, 0u64, false, false);
        let mut failed_restarts = 0;
        let mut first_frame = None;
        let clock = Instant::now();
        let mut n = 0u64;
        let ended = loop {
            let frame_start = Instant::now();
            if let Some(limit) = self.options.stop.timeout
                && frame_start.duration_since(self.started) >= limit
            {
                break Ended::Timeout;
            }
            if self.options.stop.frames.is_some_and(|limit| n >= limit) {
                break Ended::Frames;
            }

            // Input and commands that arrived since the last frame.
            let mut batches = 0;
            let mut rejected_now = 0;
            let mut quit = false;
            while let Some(&(_, key)) = script.last().filter(|(at, _)| *at <= n) {
                script.pop();
                for action in [KeyAction::Press, KeyAction::Release] {
                    self.recorder.step(&Step::Key(key, action));
                    if let Err(e) = self.instance.engine.key(key, action) {
                        self.reset(&e, &mut host_events)?;
                    }
                }
            }
            let applying = Instant::now();
            while let Some(message) = self.deferred.take().or_else(|| self.rx.try_recv().ok()) {
                match message {
                    ToEngine::Batch(batch) if batches > 0 && applying.elapsed() >= APPLY_BUDGET => {
                        self.deferred = Some(ToEngine::Batch(batch));
                        break;
                    }
                    ToEngine::Batch(batch) => {
                        batches += 1;
                        self.recorder.batch(&batch);
                        let applied = self.instance.engine.apply(&batch);
                        self.backlog.applied(batch.len());
                        match applied {
                            Ok(rejected) => {
                                self.command_errors += u64::from(rejected);
                                rejected_now += rejected;
                            }
                            Err(e) => self.reset(&e, &mut host_events)?,
                        }
                    }
                    ToEngine::AppState { handled: h, idle, wants_frame } => {
                        (handled, app_idle, app_wants_frame) = (h, idle, wants_frame);
                    }
                    ToEngine::AppFailed(e) => return Err(Error::App(e)),
                    // Keys go to the engine, on this thread: focus moves in the next frame even
                    // while the app's thread is busy. Keys focus does not use reach the app as
                    // events with that frame.
                    ToEngine::Input(Input::Key(key, action)) => {
                        self.recorder.step(&Step::Key(key, action));
                        if let Err(e) = self.instance.engine.key(key, action) {
                            self.reset(&e, &mut host_events)?;
                        }
                    }
                    ToEngine::Input(Input::Quit) => quit = true,
                }
            }
            if quit {
                break Ended::Quit;
            }

            // Images that finished loading; under virtual time, every one asked for so far (as
            // long as a load may take, and never past the run's end).
            let wait_until = self.options.virtual_time.then(|| {
                let patience = Instant::now() + self.options.image_limits.timeout + Duration::from_secs(5);
                match self.options.stop.timeout {
                    Some(limit) => patience.min(self.started + limit),
                    None => patience,
                }
            });
            for answer in self.textures.answers(wait_until) {
                let result = match &answer {
                    Answer::Ready { handle, width, height } => {
                        self.recorder.step(&Step::Image(*handle, Ok((*width, *height))));
                        self.instance.engine.image_ready(*handle, *width, *height)
                    }
                    Answer::Failed { handle, src, error } => {
                        self.say(Level::Warn, format!("image {src:?} failed: {error}"));
                        self.recorder.step(&Step::Image(*handle, Err(error.reason)));
                        self.instance.engine.image_failed(*handle, error.reason)
                    }
                };
                match (result, answer) {
                    (Ok(false), Answer::Ready { handle, .. }) => self.textures.discard(handle),
                    (Ok(_), _) => {}
                    (Err(e), _) => self.reset(&e, &mut host_events)?,
                }
            }
            self.texture_high_water = self.texture_high_water.max(self.textures.bytes());

            let time_ms = if self.options.virtual_time {
                n as f64 * interval.as_secs_f64() * 1000.0
            } else {
                clock.elapsed().as_secs_f64() * 1000.0
            };
            self.recorder.step(&Step::Frame(time_ms));
            if let Err(e) = self.instance.engine.frame_into(time_ms, &mut output) {
                failed_restarts += 1;
                if failed_restarts > MAX_FAILED_RESTARTS {
                    return Err(Error::EngineFailing(e.to_string()));
                }
                self.reset(&e, &mut host_events)?;
                continue;
            }
            failed_restarts = 0;
            let engine_time = frame_start.elapsed();

            let frame = Frame::parse(&output).map_err(|e| Error::EngineFailing(format!("malformed frame: {e}")))?;
            if let Err(e) = self.textures.apply(frame.requests) {
                self.say(Level::Error, format!("frame {n}: malformed image requests: {e}"));
            }
            let t = Instant::now();
            let mut glyphs = self.instance.text.clone();
            // The backend draws what downloaded code painted: a panic in it (tiny-skia on some
            // geometry no check foresaw) fails this frame, not the device.
            let draw = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.canvas.draw(frame.display_list, &frame.damage, &self.textures, &mut glyphs)
            }))
            .map_err(|_| "the backend panicked".to_owned())
            .and_then(|drawn| drawn.map_err(|e| e.to_string()));
            let (drawn, ok) = match draw {
                Ok(stats) => {
                    self.not_drawn_why = None;
                    if stats.flattened > 0 && !self.flattening_reported {
                        self.flattening_reported = true;
                        self.say(
                            Level::Warn,
                            format!(
                                "frame {n}: opacity layers nested deeper than {} or clips deeper than {} are flattened",
                                marquee_raster::MAX_LAYERS,
                                marquee_raster::MAX_CLIPS
                            ),
                        );
                    }
                    (stats, true)
                }
                Err(why) => {
                    if self.not_drawn_why.as_ref() != Some(&why) {
                        self.say(
                            Level::Error,
                            format!("frame {n} not drawn: {why} (the same failure again is counted)"),
                        );
                        self.not_drawn_why = Some(why);
                    }
                    (Default::default(), false)
                }
            };
            let raster_time = t.elapsed();
            for failure in self.instance.text.lock().take_failures() {
                self.say(Level::Warn, failure);
            }
            let t = Instant::now();
            let keep_going = self.presenter.present(&self.canvas, &frame.damage);
            let present_time = t.elapsed();
            if first_frame.is_none() {
                first_frame = Some(self.started.elapsed());
            }
            let vitals = &self.options.vitals;
            if ok {
                vitals.frames.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if batches > 0 {
                    vitals.content_frames.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
            self.frames.push(FrameStat {
                at: frame_start,
                time_ms,
                engine: engine_time,
                raster: raster_time,
                present: present_time,
                pixels: drawn.pixels,
                batches,
                texture_bytes: self.textures.bytes(),
                drawn: ok,
            });
            self.nodes = self.instance.engine.stat(Stat::Nodes).unwrap_or(self.nodes);

            if rejected_now > 0 {
                self.log_rejections(frame.events);
            }
            // Events: the engine's own, then the host's (keys, resets).
            for events in [frame.events, host_events.bytes()] {
                if events.len() > BATCH_HEADER && self.to_app.send(ToApp::Events(events.to_vec())).is_ok() {
                    sent += 1;
                }
            }
            let had_host_events = !host_events.is_empty();
            host_events.clear();
            if app_wants_frame {
                let _ = self.to_app.send(ToApp::Frame(time_ms));
            }
            n += 1;

            if !keep_going {
                break Ended::Quit;
            }
            let quiet =
                frame.damage.is_empty() && frame.events.len() <= BATCH_HEADER && batches == 0 && !had_host_events;
            if self.options.stop.when_idle
                && quiet
                && app_idle
                && handled == sent
                && script.is_empty()
                && self.deferred.is_none()
                && self.textures.pending() == 0
                && self.instance.engine.stat(Stat::Animations).is_ok_and(|a| a == 0)
            {
                break Ended::Idle;
            }
            if !self.options.unpaced {
                std::thread::sleep(interval.saturating_sub(frame_start.elapsed()));
            }
        };

        self.recorder.finish();
        if let Some(why) = self.recorder.stopped.take() {
            self.say(Level::Warn, why);
        }
        let nodes = self.instance.engine.stat(Stat::Nodes).unwrap_or(0);
        Ok(Report {
            canvas: self.canvas,
            frames: self.frames,
            log: self.log.lines(),
            log_dropped: self.log.dropped(),
            app_waits: self.backlog.waits(),
            started: self.started,
            first_frame,
            module: self.report_module.0,
            module_time: self.report_module.1,
            engine_resets: self.resets,
            nodes,
            command_errors: self.command_errors,
            engine: self.selection,
            texture_high_water: self.texture_high_water,
            ended,
        })
    }
}
