//! The engine thread: the frame loop, the engine instance, the canvas and the presenter.
//!
//! One iteration is one frame, in named steps ([`Loop::run`]): scripted keys, then whatever the
//! app and the front end sent (command batches, keys), finished image loads, the engine's frame,
//! the frame's image requests, rasterizing the damage, presenting, the frame's figures, and the
//! frame's events to the app. Nothing here ever blocks on the app thread. A failed engine call
//! (trap or hang) replaces the instance; the replacement gets the viewport and the app gets an
//! `EngineReset` event so it rebuilds its scene.
//!
//! The engine is engine.wasm in wasmtime or engine.js in QuickJS, as start-up
//! ([`crate::start`]) decided; this loop does not care which.
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

use marquee_display_list::IntRect;
use marquee_display_list::frame::Frame;
use marquee_display_list::layers::LayerTree;
use marquee_engine_contract::stream::Recorder;
use marquee_engine_contract::{Stat, Step};
use marquee_engine_wasmtime::cache::Source;
use marquee_js::Level;
use marquee_protocol::{BATCH_HEADER_LEN, Event, EventEncoder, Key, KeyAction, ResetReason};
use marquee_raster::{Canvas, DrawStats};

use crate::backlog::Backlog;
use crate::images::{Answer, Textures};
use crate::log::Log;
use crate::messages::{EngineEnds, Era, ToApp, ToEngine};
use crate::selection::Selection;
use crate::start::{self, Instance};
use crate::{Ended, Error, FrameStat, Input, Options, Presenter, RendererChoice, Report};

/// How long one frame may spend applying the app's batches, all together: past it, the batches
/// still waiting are applied in the next frames (one call may still take up to the engine's
/// call budget). A flood of batches makes frames of about this length, not of its sum.
pub const APPLY_BUDGET: Duration = Duration::from_millis(50);

/// Restarts in a row, each failing before a frame completes, after which the host gives up.
const MAX_FAILED_RESTARTS: u32 = 3;

pub(crate) fn spawn(
    options: Options,
    presenter: Box<dyn Presenter>,
    ends: EngineEnds,
    app: JoinHandle<()>,
    started: Instant,
) -> Result<JoinHandle<Result<Report, Error>>, Error> {
    let (to_app, backlog) = (ends.to_app.clone(), ends.backlog.clone());
    std::thread::Builder::new()
        .name("marquee-engine".into())
        .stack_size(start::engine_thread_stack())
        .spawn(move || {
            let vitals = options.vitals.clone();
            let result = Loop::new(options, presenter, ends, started).and_then(Loop::run);
            vitals.end();
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

/// What the app thread last said about itself, and what it has been sent.
#[derive(Default)]
struct AppSide {
    /// Event batches sent to it.
    sent: u64,
    /// Event batches it has handled.
    handled: u64,
    /// It has no timers or frame callbacks waiting.
    idle: bool,
    /// It waits for a frame (`requestAnimationFrame`).
    wants_frame: bool,
}

/// What one frame took from the messages.
#[derive(Default)]
struct Inbox {
    /// Batches applied.
    batches: u32,
    /// Their bytes.
    bytes: u64,
    /// Commands the engine rejected in them.
    rejected: u32,
    /// The front end asked to end the run.
    quit: bool,
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
    /// Scripted keys (`Options::script`), the next one last.
    script: Vec<(u64, Key)>,
    app: AppSide,
    /// Events the host adds to the engine's (resets), sent with the next frame.
    host_events: EventEncoder,
    /// The frame buffer, reused.
    output: Vec<u8>,
    /// Frames made; the next frame's number.
    n: u64,
    /// Engine frames that failed in a row, each followed by a reset.
    failed_restarts: u32,
    /// Live nodes after the last frame: what an out-of-memory reset reports.
    nodes: u64,
    /// The last reason a frame was not drawn, so that a failure repeated every frame is logged
    /// once.
    not_drawn_why: Option<String>,
    /// Whether flattened layers have been reported (once is enough).
    flattening_reported: bool,
    /// Whether an engine that takes no typed text has been reported (once is enough).
    text_refused_reported: bool,
    instance: Instance,
    canvas: Canvas,
    /// The GPU backend, when it draws (`Options::renderer`); `None`: the canvas draws.
    gpu: Option<crate::gpu::Gpu>,
    /// Which backend draws and why, for the report.
    renderer: String,
    /// The next frame is drawn whole: the canvas draws after the GPU drew the last frames, or a
    /// problem panel came or went.
    redraw_whole: bool,
    /// What the GPU's last frame cost.
    gpu_stats: marquee_gl::Stats,
    /// Whether the GPU backend has already been given a new context once this run.
    gpu_recovered: bool,
    /// The layers the canvas draws, as the engine's frames left them.
    layers: LayerTree,
    textures: Textures,
    texture_high_water: u64,
    recorder: Recorder,
    report_module: (Source, Duration),
    selection: Selection,
    started: Instant,
    /// The origin of real frame times.
    clock: Instant,
    first_frame: Option<Duration>,
    frames: Vec<FrameStat>,
    /// Engine instances replaced after a failure.
    resets: u32,
    /// New instances made so far, for failures and reloads (see `Era`).
    era: Era,
    /// The problem the screen shows (`marquee dev`), and whether it has been drawn yet.
    problem: Option<(crate::problem::Panel, bool)>,
    /// The debug overlay, shown or not.
    overlay: marquee_overlay::Session,
    /// Which engine build runs, in words.
    build: &'static str,
    /// The era whose stale batches were last reported dropped (each reset's, once).
    stale_logged: Era,
    command_errors: u64,
    /// The kinds of rejection (opcode, code) already logged: each is logged once.
    rejections_logged: std::collections::HashSet<(u16, u16)>,
}

impl Loop {
    fn new(
        options: Options,
        presenter: Box<dyn Presenter>,
        EngineEnds { rx, to_app, log, backlog }: EngineEnds,
        started: Instant,
    ) -> Result<Loop, Error> {
        let start::Started { instance, recorder, module, selection, warnings } = start::start(&options)?;
        let (w, h) = options.size;
        let mut canvas = Canvas::new(w, h, options.background).map_err(|e| Error::Surface(e.to_string()))?;
        canvas.set_layer_budget(options.layer_budget);
        let cap = options.texture_budget.saturating_mul(2);
        // A quarter of a screen of new image pixels a frame (see `images.rs`).
        let per_frame = u64::from(w) * u64::from(h) / 4;
        let textures =
            Textures::new(&options.app_dir, options.image_limits, options.file_dirs.clone(), (cap, per_frame))
                .map_err(|e| Error::Thread(format!("cannot start the image loader: {e}")))?;
        let mut script = options.script.clone();
        script.sort_by_key(|(frame, _)| std::cmp::Reverse(*frame));
        let (gpu, renderer) = match options.renderer {
            RendererChoice::Cpu => (None, "cpu".to_owned()),
            choice => match crate::gpu::Gpu::new((w, h), options.gpu_max_texture, options.gpu_window) {
                Ok(gpu) => {
                    let renderer = format!("gpu: {}", gpu.description);
                    (Some(gpu), renderer)
                }
                Err(why) if choice == RendererChoice::Gpu => {
                    return Err(Error::Surface(format!("the GPU backend cannot start: {why}")));
                }
                Err(why) => (None, format!("cpu: no GPU ({why})")),
            },
        };
        let build = match (selection.js, selection.interpreted) {
            (true, _) => "engine.js (QuickJS)",
            (false, true) => "engine.wasm (wasmi, interpreted)",
            (false, false) => "engine.wasm (wasmtime)",
        };
        let overlay = marquee_overlay::Session::new((w, h), options.overlay);
        let this = Loop {
            options,
            presenter,
            rx,
            to_app,
            log,
            backlog,
            deferred: None,
            script,
            app: AppSide::default(),
            host_events: EventEncoder::default(),
            output: Vec::new(),
            n: 0,
            failed_restarts: 0,
            nodes: 0,
            not_drawn_why: None,
            flattening_reported: false,
            text_refused_reported: false,
            instance,
            canvas,
            gpu,
            renderer,
            redraw_whole: false,
            gpu_stats: marquee_gl::Stats::default(),
            gpu_recovered: false,
            layers: LayerTree::default(),
            textures,
            texture_high_water: 0,
            recorder,
            report_module: module,
            selection,
            started,
            clock: Instant::now(),
            first_frame: None,
            frames: Vec::new(),
            resets: 0,
            era: 0,
            problem: None,
            overlay,
            build,
            stale_logged: 0,
            command_errors: 0,
            rejections_logged: Default::default(),
        };
        for warning in warnings {
            this.say(Level::Warn, warning);
        }
        this.say(Level::Info, format!("running {build}: {}", this.selection.reason));
        this.say(Level::Info, format!("drawing with the {}", this.renderer));
        Ok(this)
    }

    /// The frame loop, until the run ends.
    fn run(mut self) -> Result<Report, Error> {
        let interval = Duration::from_secs_f64(1.0 / self.options.fps.max(1.0));
        self.clock = Instant::now();
        let ended = loop {
            let frame_start = Instant::now();
            if let Some(ended) = self.limit_reached(frame_start) {
                break ended;
            }
            self.press_scripted_keys()?;
            let inbox = self.take_messages()?;
            if inbox.quit {
                break Ended::Quit;
            }
            self.answer_images()?;
            let time_ms = self.frame_time(interval);
            if !self.engine_frame(time_ms)? {
                continue;
            }
            let engine_time = frame_start.elapsed();
            // The frame borrows the buffer while the steps below need `self`.
            let output = std::mem::take(&mut self.output);
            let frame = Frame::parse(&output).map_err(|e| Error::EngineFailing(format!("malformed frame: {e}")))?;
            self.request_images(&frame);
            let t = Instant::now();
            self.build_overlay(time_ms);
            let overlay_time = t.elapsed();
            let t = Instant::now();
            self.gpu_stats = marquee_gl::Stats::default();
            let (drawn, mut damage, app_quiet) = self.draw(&frame);
            if let Some((panel, shown)) = &mut self.problem
                && panel.cover(&mut self.canvas, &damage, !*shown)
            {
                *shown = true;
                damage.push(panel.area);
            }
            let raster_time = t.elapsed();
            let t = Instant::now();
            // A frame the GPU presented in the window itself has nothing for the presenter.
            let shown: &[IntRect] = if self.gpu.as_ref().is_some_and(|g| g.presents()) { &[] } else { &damage };
            let keep_going = self.presenter.present(&self.canvas, shown);
            let present_time = t.elapsed();
            if drawn.is_some() {
                self.overlay.presented(self.clock.elapsed().as_secs_f64() * 1000.0);
            }
            self.count_frame(FrameStat {
                at: frame_start,
                time_ms,
                engine: engine_time,
                raster: raster_time,
                overlay: overlay_time,
                present: present_time,
                pixels: drawn.as_ref().map_or(0, |d| d.pixels),
                pixels_rasterized: drawn.as_ref().map_or(0, |d| d.pixels_rasterized),
                pixels_composited: drawn.as_ref().map_or(0, |d| d.pixels_composited),
                batches: inbox.batches,
                batch_bytes: inbox.bytes,
                texture_bytes: self.textures.bytes(),
                layer_bytes: self.canvas.layer_bytes() as u64,
                drawn: drawn.is_some(),
                draw_calls: self.gpu_stats.draw_calls,
                image_uploads: self.gpu_stats.image_uploads,
                glyph_uploads: self.gpu_stats.glyph_uploads,
                bytes_uploaded: self.gpu_stats.bytes_uploaded,
            });
            let host_events = self.send_events(&frame, inbox.rejected, time_ms);
            let idle = self.is_idle(&frame, app_quiet, inbox.batches, host_events);
            self.output = output;
            self.n += 1;
            if !keep_going {
                break Ended::Quit;
            }
            if idle {
                break Ended::Idle;
            }
            if !self.options.unpaced {
                std::thread::sleep(interval.saturating_sub(frame_start.elapsed()));
            }
        };
        Ok(self.finish(ended))
    }

    /// The run's timeout or frame count, if reached.
    fn limit_reached(&self, now: Instant) -> Option<Ended> {
        if let Some(limit) = self.options.stop.timeout
            && now.duration_since(self.started) >= limit
        {
            return Some(Ended::Timeout);
        }
        self.options.stop.frames.is_some_and(|limit| self.n >= limit).then_some(Ended::Frames)
    }

    /// The keys `--keys` scripted for this frame: a press and a release each. Under virtual
    /// time a key waits until the app has handled every event sent to it (its batches, sent
    /// before it says so, are applied by then): which screen a key lands on must not depend on
    /// how busy the machine is (a Back the app has not handled yet would send the next key to
    /// the screen it closes).
    fn press_scripted_keys(&mut self) -> Result<(), Error> {
        if self.options.virtual_time && self.app.handled != self.app.sent {
            return Ok(());
        }
        while let Some(&(_, key)) = self.script.last().filter(|(at, _)| *at <= self.n) {
            self.script.pop();
            for action in [KeyAction::Press, KeyAction::Release] {
                self.key(key, action)?;
            }
        }
        Ok(())
    }

    /// Hands the engine a key, on this thread: focus moves in the next frame even while the
    /// app's thread is busy. Keys focus does not use reach the app as events with that frame.
    fn key(&mut self, key: Key, action: KeyAction) -> Result<(), Error> {
        let clock_ms = self.clock.elapsed().as_secs_f64() * 1000.0;
        if action == KeyAction::Press && self.overlay.pressed(key, self.now_ms(), clock_ms) {
            let now = self.overlay.state();
            self.say(Level::Info, format!("debug overlay {now} (the remote's Menu, Menu, Menu, Up)"));
        }
        // The inspector has the keys: neither the engine nor the app sees them.
        if self.overlay.inspecting {
            if action != KeyAction::Release {
                self.with_debug_query(|session, engine| session.inspect_key(key, engine))?;
            }
            return Ok(());
        }
        self.recorder.step(&Step::Key(key, action));
        match self.instance.engine.key(key, action) {
            Ok(_) => Ok(()),
            Err(e) => self.reset(&e),
        }
    }

    /// Hands the engine a typed character, unless the inspector has the keys. An engine from
    /// before text input cannot take one: said once.
    fn text(&mut self, character: char) -> Result<(), Error> {
        if self.overlay.inspecting {
            return Ok(());
        }
        self.recorder.step(&Step::Text(character));
        match self.instance.engine.text(character) {
            Ok(true) => Ok(()),
            Ok(false) => {
                if !std::mem::replace(&mut self.text_refused_reported, true) {
                    self.say(Level::Warn, "this engine build takes no typed text (it predates text input)".into());
                }
                Ok(())
            }
            Err(e) => self.reset(&e),
        }
    }

    /// Runs `f` with the overlay session and the engine's debug query. A call that fails
    /// replaces the engine, as any call does (the session asks no more this run); an answer
    /// that does not decode is said once in the log.
    fn with_debug_query(
        &mut self,
        f: impl FnOnce(
            &mut marquee_overlay::Session,
            &mut marquee_overlay::session::Engine<'_, marquee_engine_contract::Error>,
        ) -> Result<(), marquee_engine_contract::Error>,
    ) -> Result<(), Error> {
        let engine = &mut self.instance.engine;
        let asked = f(&mut self.overlay, &mut |query| engine.debug_query(query));
        if let Err(e) = asked {
            return self.reset(&e);
        }
        if let Some(why) = self.overlay.new_problem() {
            self.say(Level::Warn, format!("debug query: {why}"));
        }
        Ok(())
    }

    /// Input and commands that arrived since the last frame, batches within [`APPLY_BUDGET`].
    fn take_messages(&mut self) -> Result<Inbox, Error> {
        let mut inbox = Inbox::default();
        let applying = Instant::now();
        while let Some(message) = self.deferred.take().or_else(|| self.rx.try_recv().ok()) {
            match message {
                ToEngine::Batch(batch, era) if era < self.era => {
                    // Written for the scene of an instance that is gone (see `Era`).
                    self.backlog.applied(batch.len());
                    if self.stale_logged != self.era {
                        self.stale_logged = self.era;
                        self.say(
                            Level::Warn,
                            "dropping the app's batches sent before it heard of the engine reset".into(),
                        );
                    }
                }
                ToEngine::Batch(batch, era) if inbox.batches > 0 && applying.elapsed() >= APPLY_BUDGET => {
                    self.deferred = Some(ToEngine::Batch(batch, era));
                    break;
                }
                ToEngine::Batch(batch, _) => {
                    self.apply(&batch, &mut inbox)?;
                    self.backlog.applied(batch.len());
                }
                ToEngine::AppState { handled, idle, wants_frame } => {
                    (self.app.handled, self.app.idle, self.app.wants_frame) = (handled, idle, wants_frame);
                }
                ToEngine::AppFailed(e) => return Err(Error::App(e)),
                ToEngine::Input(Input::Key(key, action)) => self.key(key, action)?,
                ToEngine::Input(Input::Text(character)) => self.text(character)?,
                ToEngine::Input(Input::Quit) => inbox.quit = true,
                ToEngine::Input(Input::Overlay) => self.overlay.cycle(),
                ToEngine::Input(Input::Pick { x, y }) => {
                    self.with_debug_query(|session, engine| session.pick(x, y, engine))?
                }
                ToEngine::Reloaded(batches, took) => self.reloaded(batches, took, &mut inbox)?,
                ToEngine::ReloadFailed(why) => {
                    self.show_problem(Some(format!("The app failed to start\n\n{why}")));
                    self.options.vitals.reload_ended(false);
                }
                ToEngine::Refreshed(took, failed) => {
                    match failed {
                        Some(why) => self.show_problem(Some(format!("The app failed to render the edit\n\n{why}"))),
                        None => {
                            self.show_problem(None);
                            let ms = took.as_secs_f64() * 1000.0;
                            self.say(Level::Info, format!("refreshed the app in place (in {ms:.0} ms)"));
                        }
                    }
                    self.options.vitals.refreshed();
                }
                ToEngine::Problem(problem) => self.show_problem(problem),
            }
        }
        Ok(inbox)
    }

    /// The app was started again (see `app_thread`): a fresh instance, its first batches, and
    /// the new era for the app thread, whose batches wait for it.
    fn reloaded(&mut self, batches: Vec<Vec<u8>>, took: Duration, inbox: &mut Inbox) -> Result<(), Error> {
        self.fresh_instance("the app was reloaded")?;
        self.show_problem(None);
        // The new app's first batches go in whole: they were written for this instance only.
        for batch in batches {
            self.apply(&batch, inbox)?;
        }
        let _ = self.to_app.send(ToApp::Reloaded(self.era));
        self.say(Level::Info, format!("reloaded the app (started in {:.0} ms)", took.as_secs_f64() * 1000.0));
        self.options.vitals.reload_ended(true);
        Ok(())
    }

    /// Shows `problem` over the app's frames from the next one on, or takes the one shown away.
    fn show_problem(&mut self, problem: Option<String>) {
        if let Some(message) = &problem {
            self.say(Level::Error, message.clone());
        }
        // What was under a panel that goes is drawn again; a window the GPU presents in shows a
        // panel that comes at once, not at the next damage.
        self.redraw_whole |= self.problem.take().is_some() || problem.is_some();
        self.problem = problem
            .and_then(|m| crate::problem::Panel::new(&m, self.canvas.bounds(), &self.instance.text))
            .map(|panel| (panel, false));
    }

    /// Images that finished loading; under virtual time, every one asked for so far (as long as
    /// a load may take, and never past the run's end).
    fn answer_images(&mut self) -> Result<(), Error> {
        let wait_until = self.options.virtual_time.then(|| {
            let patience = Instant::now() + self.options.image_limits.timeout + Duration::from_secs(5);
            match self.options.stop.timeout {
                Some(limit) => patience.min(self.started + limit),
                None => patience,
            }
        });
        for answer in self.textures.answers(wait_until) {
            let (handle, result) = match &answer {
                Answer::Ready { handle, width, height } => (*handle, Ok((*width, *height))),
                Answer::Failed { handle, src, error } => {
                    self.say(Level::Warn, format!("image {src:?} failed: {error}"));
                    (*handle, Err(error.reason))
                }
            };
            self.recorder.step(&Step::Image(handle, result));
            match (self.instance.engine.answer_image(handle, result), answer) {
                (Ok(false), Answer::Ready { handle, .. }) => self.textures.discard(handle),
                (Ok(_), _) => {}
                (Err(e), _) => self.reset(&e)?,
            }
        }
        self.texture_high_water = self.texture_high_water.max(self.textures.bytes());
        Ok(())
    }

    /// The time now in the frames' clock, in ms: this frame's under virtual time.
    fn now_ms(&self) -> f64 {
        self.frame_time(Duration::from_secs_f64(1.0 / self.options.fps.max(1.0)))
    }

    /// This frame's time in ms: `n` intervals under virtual time, else the clock.
    fn frame_time(&self, interval: Duration) -> f64 {
        if self.options.virtual_time {
            self.n as f64 * interval.as_secs_f64() * 1000.0
        } else {
            self.clock.elapsed().as_secs_f64() * 1000.0
        }
    }

    /// Runs the engine's frame into `output`; false if it failed (the engine was reset, and the
    /// loop goes on to the next frame), an error after too many failures in a row.
    fn engine_frame(&mut self, time_ms: f64) -> Result<bool, Error> {
        self.recorder.step(&Step::Frame(time_ms));
        match self.instance.engine.frame_into(time_ms, &mut self.output) {
            Ok(()) => {
                self.failed_restarts = 0;
                Ok(true)
            }
            Err(e) => {
                self.failed_restarts += 1;
                if self.failed_restarts > MAX_FAILED_RESTARTS {
                    return Err(Error::EngineFailing(e.to_string()));
                }
                self.reset(&e)?;
                Ok(false)
            }
        }
    }

    /// Carries out the frame's image loads and releases.
    fn request_images(&mut self, frame: &Frame<'_>) {
        if let Err(e) = self.textures.apply(frame.requests) {
            self.say(Level::Error, format!("frame {}: malformed image requests: {e}", self.n));
        }
    }

    /// Builds the debug overlay's panels if they are due, from the figures after the engine's
    /// frame: the last frames' times, the engine's counters, the app's batches, the rejections
    /// and the app's console.
    fn build_overlay(&mut self, time_ms: f64) {
        use marquee_overlay::panels::{HISTORY, Severity};
        use marquee_overlay::{AppFigures, EngineFigures, Figures, FrameTimes, LogLine};
        self.options.vitals.overlay_shown(self.overlay.shown);
        if !self.overlay.due(time_ms) {
            return;
        }
        let ms = |d: Duration| d.as_secs_f32() * 1000.0;
        let frames: Vec<FrameTimes> = self.frames[self.frames.len().saturating_sub(HISTORY)..]
            .iter()
            .map(|f| FrameTimes { engine_ms: ms(f.engine), raster_ms: ms(f.raster), present_ms: ms(f.present) })
            .collect();
        // Batches over the last second of frame time.
        let (batches, bytes) = self
            .frames
            .iter()
            .rev()
            .take_while(|f| f.time_ms > time_ms - 1000.0)
            .fold((0u64, 0u64), |(n, bytes), f| (n + u64::from(f.batches), bytes + f.batch_bytes));
        let console: Vec<LogLine> = self
            .log
            .console(marquee_overlay::panels::CONSOLE_LINES)
            .into_iter()
            .map(|(level, text)| LogLine {
                severity: match level {
                    Level::Debug | Level::Info => Severity::Info,
                    Level::Warn => Severity::Warn,
                    Level::Error => Severity::Error,
                },
                text,
            })
            .collect();
        let mut stat = |which| self.instance.engine.stat(which).unwrap_or(0);
        let (nodes, layers, animations) = (stat(Stat::Nodes), stat(Stat::Layers), stat(Stat::Animations));
        let (heap_bytes, heap_peak) = (stat(Stat::HeapBytes), stat(Stat::HeapPeak));
        let linear_memory = self.instance.engine.memory_bytes().ok().flatten().map(|m| m as u64);
        // The engine's answers. A failed call resets the engine and the overlay goes on (a
        // reset that fails too is met by the frame's own engine call).
        let _ = self.with_debug_query(|session, engine| session.ask_for_panels(engine));
        let placed = if self.overlay.outline.layers() { self.layers.on_screen() } else { Vec::new() };
        let vitals = &self.options.vitals;
        let load = |n: &std::sync::atomic::AtomicU32| n.load(std::sync::atomic::Ordering::Relaxed);
        let heap = vitals.app_heap_bytes.load(std::sync::atomic::Ordering::Relaxed);
        let figures = Figures {
            time_ms,
            frame: self.n,
            frames: &frames,
            virtual_time: self.options.virtual_time,
            // The session fills in what it keeps: latencies, rejections, the inspector.
            key_latencies_ms: &[],
            engine: EngineFigures {
                build: self.build,
                why: &self.selection.reason,
                renderer: &self.renderer,
                nodes,
                layers,
                animations,
                linear_memory,
                heap_bytes,
                heap_peak,
                texture_bytes: self.textures.bytes(),
                texture_budget: self.options.texture_budget,
                layer_bytes: self.canvas.layer_bytes() as u64,
                layer_budget: self.options.layer_budget as u64,
                resets: self.resets,
            },
            app: AppFigures {
                batches_per_second: batches as f64,
                bytes_per_batch: if batches == 0 { 0.0 } else { bytes as f64 / batches as f64 },
                rejected: self.command_errors,
                rejections: &[],
                console: &console,
                // Nothing until the app thread has run with the overlay shown.
                heap: (heap > 0).then_some((heap, self.options.js.memory as u64)),
                timers: (heap > 0).then(|| load(&vitals.app_timers)),
                frame_callbacks: (heap > 0).then(|| load(&vitals.app_frame_callbacks)),
            },
            inspector: marquee_overlay::Inspector::default(),
        };
        self.overlay.build(figures, &placed, time_ms);
    }

    /// Applies the frame's layer updates, samples the layers the backend animates at the frame's
    /// time and rasterizes the damage (the engine's and the animations'); returns what was drawn
    /// (`None` if it could not be, said once per reason) and the damage. Updates that do not make
    /// a tree change nothing: the previous frame stays on screen and the engine is asked to
    /// restate the whole tree.
    fn draw(&mut self, frame: &Frame<'_>) -> (Option<DrawStats>, Vec<IntRect>, bool) {
        let mut glyphs = self.instance.text.clone();
        let mut damage = Vec::new();
        let mut app_quiet = true;
        let draw = match self.layers.apply_frame(frame, self.canvas.bounds()) {
            Err(e) => {
                if let Err(e) = self.instance.engine.invalidate() {
                    self.say(Level::Error, format!("frame {}: the engine cannot restate its layers: {e}", self.n));
                }
                Err(format!("layer updates refused: {e}"))
            }
            // The backend draws what downloaded code painted: a panic in it (tiny-skia on some
            // geometry no check foresaw) fails this frame, not the device.
            Ok(d) => {
                damage = d;
                app_quiet = damage.is_empty();
                if std::mem::take(&mut self.redraw_whole) {
                    damage = vec![self.canvas.bounds()];
                    if let Some(gpu) = self.gpu.as_mut() {
                        gpu.redraw_all();
                    }
                }
                // The app is drawn again where the overlay is and was, and the overlay over it.
                self.overlay.drew(&damage);
                let (covered, panels) = self.overlay.cover(&damage);
                if !covered.is_empty() {
                    damage.push(covered);
                }
                if !damage.is_empty() && self.gpu.is_some() {
                    self.draw_gpu(&damage, &mut glyphs, panels);
                }
                if self.gpu.is_some() {
                    Ok(DrawStats { pixels: damage.iter().map(|r| r.area() as u64).sum(), ..DrawStats::default() })
                } else {
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        self.canvas.draw(&self.layers, &damage, &self.textures, &mut glyphs)
                    }))
                    .map_err(|_| "the backend panicked".to_owned())
                    .and_then(|drawn| drawn.map_err(|e| e.to_string()))
                    .and_then(|drawn| {
                        if panels {
                            let width = self.canvas.bounds().w as u32;
                            self.overlay.paint_cpu(self.canvas.pixels_mut(), width)?;
                        }
                        Ok(drawn)
                    })
                }
            }
        };
        for failure in self.instance.text.lock().take_failures() {
            self.say(Level::Warn, failure);
        }
        let drawn = match draw {
            Ok(stats) => {
                self.not_drawn_why = None;
                if stats.flattened > 0 && !self.flattening_reported {
                    self.flattening_reported = true;
                    let (layers, clips) = (marquee_raster::MAX_LAYERS, marquee_raster::MAX_CLIPS);
                    let n = self.n;
                    self.say(
                        Level::Warn,
                        format!("frame {n}: opacity layers nested deeper than {layers} or clips deeper than {clips} are flattened"),
                    );
                }
                Some(stats)
            }
            Err(why) => {
                if self.not_drawn_why.as_ref() != Some(&why) {
                    self.say(
                        Level::Error,
                        format!("frame {} not drawn: {why} (the same failure again is counted)", self.n),
                    );
                    self.not_drawn_why = Some(why);
                }
                None
            }
        };
        (drawn, damage, app_quiet)
    }

    /// Draws the frame with the GPU. When that fails, the first time a run it draws the frame
    /// again with a new context (everything the renderer kept is made anew); after that, or if
    /// no context can be made, it leaves the GPU for the CPU, which draws this frame and the
    /// rest. The log says which, and why.
    fn draw_gpu(&mut self, damage: &[IntRect], glyphs: &mut marquee_text::SharedText, panels: bool) {
        let Some(gpu) = self.gpu.as_mut() else { return };
        if self.options.gpu_fault_at == Some(self.n) {
            gpu.inject_gl_error();
        }
        if self.options.gpu_lose_at == Some(self.n) {
            gpu.lose_context();
        }
        let Err(why) = self.try_draw_gpu(damage, glyphs, panels) else { return };
        let n = self.n;
        // The old context goes first: making the new one current must not be undone by it.
        self.gpu = None;
        self.gpu_stats = marquee_gl::Stats::default();
        if !self.gpu_recovered {
            self.gpu_recovered = true;
            let size = (self.canvas.bounds().w as u32, self.canvas.bounds().h as u32);
            match crate::gpu::Gpu::new(size, self.options.gpu_max_texture, self.options.gpu_window) {
                Ok(gpu) => {
                    self.gpu = Some(gpu);
                    // A new target holds nothing: its first frame is drawn whole.
                    match self.try_draw_gpu(damage, glyphs, panels) {
                        Ok(()) => {
                            self.say(
                                Level::Warn,
                                format!("frame {n}: the GPU backend failed ({why}); drawing with a new GL context"),
                            );
                            self.renderer = format!("{}; new GL context at frame {n} ({why})", self.renderer);
                            return;
                        }
                        Err(again) => {
                            self.gpu = None;
                            self.gpu_stats = marquee_gl::Stats::default();
                            return self.fall_back(format!("{why}; with a new context: {again}"));
                        }
                    }
                }
                Err(no) => return self.fall_back(format!("{why}; no new context: {no}")),
            }
        }
        self.fall_back(why);
    }

    /// One GPU draw of the frame, a panic in the driver's path taken as a failure.
    fn try_draw_gpu(
        &mut self,
        damage: &[IntRect],
        glyphs: &mut marquee_text::SharedText,
        panels: bool,
    ) -> Result<(), String> {
        let Some(gpu) = self.gpu.as_mut() else { return Err("no GPU backend".into()) };
        let (tree, background, textures, canvas) =
            (&self.layers, self.options.background, &self.textures, &mut self.canvas);
        let problem = self.problem.as_ref().map(|(panel, _)| panel.overlay());
        let overlay = if panels { self.overlay.gpu_parts() } else { None };
        let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            gpu.draw(tree, damage, background, (textures, glyphs), canvas, (overlay, problem))
        }))
        .unwrap_or_else(|_| Err("the GPU backend panicked".into()));
        self.gpu_stats = drawn?;
        Ok(())
    }

    /// Leaves the GPU for the CPU, which draws this frame (whole) and the rest.
    fn fall_back(&mut self, why: String) {
        let n = self.n;
        self.say(Level::Warn, format!("frame {n}: the GPU backend failed ({why}); drawing with the CPU from now on"));
        self.renderer = format!("{}; cpu from frame {n} ({why})", self.renderer);
        self.gpu = None;
        self.gpu_stats = marquee_gl::Stats::default();
        self.redraw_whole = true;
    }

    /// The frame's figures: the report's, the vitals the updater watches, the node count.
    fn count_frame(&mut self, stat: FrameStat) {
        if self.first_frame.is_none() {
            self.first_frame = Some(self.started.elapsed());
        }
        if stat.drawn {
            self.options.vitals.frame_presented(stat.batches > 0);
        }
        self.frames.push(stat);
        self.nodes = self.instance.engine.stat(Stat::Nodes).unwrap_or(self.nodes);
    }

    /// Sends the frame's events to the app — the engine's own, then the host's (resets) — and
    /// the frame itself if the app waits for one. Returns whether the host had events.
    fn send_events(&mut self, frame: &Frame<'_>, rejected: u32, time_ms: f64) -> bool {
        if rejected > 0 {
            self.log_rejections(frame.events);
        }
        for events in [frame.events, self.host_events.bytes()] {
            if events.len() > BATCH_HEADER_LEN && self.to_app.send(ToApp::Events(events.to_vec(), self.era)).is_ok() {
                self.app.sent += 1;
            }
        }
        let had_host_events = !self.host_events.is_empty();
        self.host_events.clear();
        if self.app.wants_frame {
            let _ = self.to_app.send(ToApp::Frame(time_ms));
        }
        had_host_events
    }

    /// Whether a run that stops when idle may stop after this frame: nothing of the app's changed
    /// on screen (`app_quiet`: the debug overlay does not count) or was said, the app has handled everything and waits for nothing, no key, batch or image
    /// is still to come, and no animation runs.
    fn is_idle(&mut self, frame: &Frame<'_>, app_quiet: bool, batches: u32, had_host_events: bool) -> bool {
        let quiet = app_quiet && frame.events.len() <= BATCH_HEADER_LEN && batches == 0 && !had_host_events;
        self.options.stop.when_idle
            && quiet
            && self.app.idle
            && self.app.handled == self.app.sent
            && self.script.is_empty()
            && self.deferred.is_none()
            && self.textures.pending() == 0
            && self.instance.engine.stat(Stat::Animations).is_ok_and(|a| a == 0)
            // Layers still to be folded back move their content by under half a pixel when they
            // are: without this, where a run stopped (and its screenshot) depended on when the
            // app's real-time timers let it go quiet.
            // (An engine older than the counter answers u64::MAX: none.)
            && self.instance.engine.stat(Stat::Settling).is_ok_and(|s| s == 0 || s == u64::MAX)
    }

    /// Logs the first rejection of each kind (opcode and code) in the frame's events, in the
    /// words the SDK's `command-error` events carry; the report counts them all, and the debug
    /// overlay shows the last ones.
    fn log_rejections(&mut self, events: &[u8]) {
        let Ok(decoder) = marquee_protocol::decode_events(events) else { return };
        for event in decoder.flatten() {
            if let Event::CommandError { opcode, code, node, .. } = event {
                let words =
                    marquee_protocol::describe_rejection(opcode, code as u16, (node != u32::MAX).then_some(node));
                if self.rejections_logged.insert((opcode, code as u16)) {
                    self.say(Level::Warn, format!("command rejected: {words} (more like it are counted, not logged)"));
                }
                self.overlay.rejected(words);
            }
        }
    }

    fn say(&self, level: Level, message: String) {
        self.log.push(level, &message, self.options.echo_console.then_some("[host]"));
    }

    /// Replaces a failed engine instance and queues the event that tells the app.
    fn reset(&mut self, why: &marquee_engine_contract::Error) -> Result<(), Error> {
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
            self.host_events.push(&Event::EngineReset { reason });
            self.host_events.push(&Event::EngineOutOfMemory {
                nodes: u32::try_from(self.nodes).unwrap_or(u32::MAX),
                limit: u32::try_from(limit).unwrap_or(u32::MAX),
            });
        } else {
            self.say(Level::Error, format!("engine failed ({why}); starting a fresh instance"));
            self.host_events.push(&Event::EngineReset { reason });
        }
        self.resets += 1;
        self.options.vitals.engine_reset();
        self.fresh_instance("the engine failed and was replaced")
    }

    /// Replaces the instance with a fresh one (an empty scene), in a new era (see `Era`): after
    /// a failure, or for a reloaded app. `why` goes into the recording, which ends here.
    fn fresh_instance(&mut self, why: &str) -> Result<(), Error> {
        self.era += 1;
        self.instance.replace().map_err(|e| Error::EngineFailing(e.to_string()))?;
        self.textures.clear();
        // What follows runs on a fresh instance, which a replay of one instance cannot reproduce.
        self.recorder.comment(&format!("{why} here; the recording ends"));
        self.recorder.finish();
        self.nodes = 0;
        Ok(())
    }

    /// Applies one of the app's batches, counting it and what the engine rejected in it; a
    /// failed call resets the engine.
    fn apply(&mut self, batch: &[u8], inbox: &mut Inbox) -> Result<(), Error> {
        inbox.batches += 1;
        inbox.bytes += batch.len() as u64;
        self.recorder.batch(batch);
        match self.instance.engine.apply(batch) {
            Ok(rejected) => {
                self.command_errors += u64::from(rejected);
                inbox.rejected += rejected;
                Ok(())
            }
            Err(e) => self.reset(&e),
        }
    }

    /// The run's report.
    fn finish(mut self, ended: Ended) -> Report {
        self.recorder.finish();
        // The report's canvas is the last frame, wherever the GPU presented it.
        if let Some(gpu) = self.gpu.as_mut()
            && let Err(why) = gpu.sync_canvas(&mut self.canvas)
        {
            self.say(Level::Warn, format!("the last frame could not be read back from the GPU: {why}"));
        }
        if let Some(why) = self.recorder.stopped.take() {
            self.say(Level::Warn, why);
        }
        let nodes = self.instance.engine.stat(Stat::Nodes).unwrap_or(0);
        Report {
            canvas: self.canvas,
            frames: self.frames,
            log: self.log.lines(),
            log_dropped: self.log.dropped(),
            app_waits: self.backlog.waits(),
            started: self.started,
            first_frame: self.first_frame,
            module: self.report_module.0,
            module_time: self.report_module.1,
            engine_resets: self.resets,
            inspected: self.overlay.node.take(),
            nodes,
            command_errors: self.command_errors,
            engine: self.selection,
            renderer: self.renderer,
            texture_high_water: self.texture_high_water,
            ended,
        }
    }
}
