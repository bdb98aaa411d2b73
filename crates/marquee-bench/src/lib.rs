//! `marquee-bench`: the same scenes, with the same scripted input on a fixed 60 Hz clock, in
//! every engine build, timed side by side in one run so the builds compare as ratios.
//!
//! A runner plays a scene's steps (see [`scenes`]) as a host would — commands, keys, and every
//! image load answered before the next frame — and times each frame: everything the engine did
//! from the previous frame to the end of this one. Results are per scene and runner: median,
//! p90, p99 and max frame time, frames over the 16.7 ms budget, the engine's memory, and the
//! first frame (building the scene) apart; each frame's time split by phase (commands, then the
//! engine's own layout, animation and display-list phases, timed with its profiling clock); and
//! input-to-frame latency: frames from a key press to the first frame that shows a change.
//!
//! The full host — raster, present, start-up — is measured apart, in [`host`], and so is
//! hot reload's latency, in [`reload`].

pub mod app_side;
pub mod browser;
pub mod charts;
pub mod gpu;
pub mod host;
pub mod interpreter;
pub mod layout;
pub mod reload;
pub mod scenes;

use std::time::Instant;

use marquee_display_list::Color;
use marquee_display_list::frame::{Frame, Request, requests};
use marquee_display_list::layers::{LayerTree, Update};
use marquee_engine::Engine;
use marquee_engine_contract::Step;
use marquee_engine_quickjs::JsEngine;
use marquee_engine_wasmtime::{DEFAULT_CALL_BUDGET, DEFAULT_MEMORY_LIMIT, Module, Runtime};
use marquee_raster::{Canvas, NoGlyphs, NoImages};
use marquee_text::SharedText;

pub use marquee_engine_wasmtime::Compiler;
pub use scenes::Scene;

/// The phases a frame's time is split into: the commands, keys and image answers before the
/// frame, then the engine's own phases.
pub const PHASES: [&str; 4] =
    ["commands", marquee_engine::PHASES[0], marquee_engine::PHASES[1], marquee_engine::PHASES[2]];

/// A poster's size, for the host's answers to image loads.
const POSTER: (u32, u32) = (320, 180);

/// Why a benchmark could not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// An engine build the scenes run in.
pub trait Runner {
    /// Its name in the results.
    fn name(&self) -> &'static str;
    /// The most frames it runs of a stress scene, if it is too slow to run them all (an
    /// interpreter): the first frames of the script, the same work as in the other runners up
    /// to there.
    fn frame_cap(&self) -> Option<usize> {
        None
    }
    /// Measures a whole scene itself, for a runner whose engine lives outside this process.
    fn measure_whole(&self, _scene: &Scene) -> Option<Result<Outcome, Error>> {
        None
    }
    /// A fresh engine for a scene.
    fn start(&self) -> Result<Box<dyn marquee_engine_contract::Engine>, Error>;
    /// Whether `measure` also draws its frames with the software compositor, outside the timed
    /// span, for the raster counters: one runner is enough, the counters being the same in all.
    fn rasters(&self) -> bool {
        false
    }
    /// The text service to draw its frames with on the GPU too ([`gpu`]), outside the timed
    /// span, for a runner that rasters and does.
    fn gpu(&self) -> Option<SharedText> {
        None
    }
}

impl From<marquee_engine_contract::Error> for Error {
    fn from(e: marquee_engine_contract::Error) -> Self {
        Error(e.to_string())
    }
}

/// What one scene did in one runner.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The scene's name.
    pub scene: &'static str,
    /// The runner's name.
    pub runner: &'static str,
    /// Per-frame time in ms, in frame order (the first frame excluded unless the scene counts it).
    pub frames: Vec<f64>,
    /// Building the scene: the first frame, in ms.
    pub first_frame: f64,
    /// Engine memory at the end, in bytes.
    pub memory: Option<usize>,
    /// A hash of every frame buffer: runners that did the same work have the same digest.
    pub digest: u64,
    /// Per-frame time in ms of each of [`PHASES`] (with `frames`'s frames), when the runner
    /// can split it.
    pub phases: Option<[Vec<f64>; 4]>,
    /// For each key press: the frames until one showed a change (1: the next frame did).
    pub latency: Vec<u32>,
    /// What the frames sent, summed over `frames`'s frames: the same on every machine, and in
    /// every runner that did the same work (`None` for a runner that cannot see its frames).
    pub counters: Option<Counters>,
    /// What the software compositor did with the frames, for a runner that rasters them.
    pub drawn: Option<Drawn>,
    /// What the GPU backend did with the frames, for a runner that draws them with it.
    pub gpu: Option<gpu::GpuDrawn>,
    /// What the browser measured, for the browser runners.
    pub browser: Option<browser::BrowserRun>,
}

/// What a scene's frames sent the backend, summed: machine-independent, so CI compares them
/// exactly (`cargo xtask bench`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Layers whose display list was (re)recorded and sent.
    pub layers_recorded: u64,
    /// Operations in those lists.
    pub ops_recorded: u64,
    /// Layer props updates (transform, opacity, clip, scroll).
    pub props: u64,
    /// Layers removed.
    pub removed: u64,
    /// Damaged pixels: what a backend redrawing the damage rasterizes.
    pub damage_pixels: u64,
}

/// What the software compositor did with a scene's frames, summed (see [`Runner::rasters`]):
/// machine-independent too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drawn {
    /// Layer surfaces rasterized.
    pub layers_rasterized: u64,
    /// Pixels of those surfaces.
    pub pixels_rasterized: u64,
    /// Pixels copied from kept surfaces onto the canvas.
    pub pixels_composited: u64,
}

impl Drawn {
    /// The names and values, in a fixed order.
    pub fn named(&self) -> [(&'static str, u64); 3] {
        [
            ("layers-rasterized", self.layers_rasterized),
            ("pixels-rasterized", self.pixels_rasterized),
            ("pixels-composited", self.pixels_composited),
        ]
    }
}

impl Counters {
    /// The names and values, in a fixed order.
    pub fn named(&self) -> [(&'static str, u64); 5] {
        [
            ("layers-recorded", self.layers_recorded),
            ("ops-recorded", self.ops_recorded),
            ("props", self.props),
            ("removed", self.removed),
            ("damage-pixels", self.damage_pixels),
        ]
    }

    /// Adds one frame's.
    fn add(&mut self, frame: &Frame<'_>) -> Result<(), Error> {
        for u in marquee_display_list::layers::updates(frame.layers).map_err(|e| Error(e.to_string()))? {
            match u {
                Update::Content { list, .. } => {
                    self.layers_recorded += 1;
                    self.ops_recorded +=
                        marquee_display_list::decode(list).map_err(|e| Error(e.to_string()))?.len() as u64;
                }
                Update::Props { .. } => self.props += 1,
                Update::Remove { .. } => self.removed += 1,
            }
        }
        self.damage_pixels += frame.damage.iter().map(|r| r.area().max(0) as u64).sum::<u64>();
        Ok(())
    }
}

/// `bytes` compressed as a CDN would serve them: (gzip -9, brotli quality 11) sizes.
pub fn compressed_sizes(bytes: &[u8]) -> (usize, usize) {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let gzip = gz.write_all(bytes).and_then(|()| gz.finish()).map_or(0, |v| v.len());
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    let brotli = brotli::BrotliCompress(&mut &bytes[..], &mut br, &params).map_or(0, |_| br.len());
    (gzip, brotli)
}

/// Percentile `q` (0–1) of sorted values.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

impl Outcome {
    /// Median, p90, p99 and max frame time in ms, and frames over 16.7 ms.
    pub fn summary(&self) -> (f64, f64, f64, f64, usize) {
        let mut v = self.frames.clone();
        v.sort_by(f64::total_cmp);
        let over = v.iter().filter(|&&t| t > scenes::FRAME_MS).count();
        (percentile(&v, 0.5), percentile(&v, 0.9), percentile(&v, 0.99), percentile(&v, 1.0), over)
    }
}

/// Plays `scene` in `runner` and times every frame.
pub fn measure(scene: &Scene, runner: &dyn Runner) -> Result<Outcome, Error> {
    if let Some(outcome) = runner.measure_whole(scene) {
        return outcome;
    }
    let mut engine = runner.start()?;
    let profiling = engine.set_profiling(true).is_ok();
    let mut out = Vec::new();
    let mut loads: Vec<u32> = Vec::new();
    let mut times = Vec::new();
    let mut phases: [Vec<f64>; 4] = Default::default();
    let mut commands = std::time::Duration::ZERO;
    // Frames since the oldest key press still waiting for a change on screen.
    let (mut latency, mut waiting) = (Vec::new(), None::<u32>);
    let mut digest: u64 = 0xcbf2_9ce4_8422_2325;
    let mut counters = Counters::default();
    let mut raster = Drawn::default();
    // The software compositor, drawing without images or glyphs: what it rasterizes and
    // composites depends on the layers' bounds and the damage, not on their content.
    let mut backend = match runner.rasters() {
        true => Some((LayerTree::default(), Canvas::new(1280, 720, Color(0x000000ff)).map_err(raster_error)?)),
        false => None,
    };
    // The GPU backend on the same tree, when a context can be made.
    let mut gpu = match runner.gpu().filter(|_| backend.is_some()).map(gpu::GpuRun::new) {
        Some(Ok(g)) => Some(g),
        Some(Err(e)) => {
            eprintln!("marquee-bench: no GPU counters: {e} (install Mesa's EGL and GLES)");
            None
        }
        None => None,
    };
    let skip = usize::from(!scene.first_frame_counts);
    let mut start = Instant::now();
    let cap = runner.frame_cap().filter(|_| scene.stress);
    for step in &scene.steps {
        if cap.is_some_and(|cap| times.len() > cap) {
            break;
        }
        let t = Instant::now();
        match step {
            Step::Frame(time) => {
                // The host answers last frame's loads before this one, as the native host does.
                for handle in loads.drain(..) {
                    engine.image_ready(handle, POSTER.0, POSTER.1)?;
                    if let Some(g) = gpu.as_mut() {
                        g.loaded(handle, POSTER.0, POSTER.1);
                    }
                }
                commands += t.elapsed();
                engine.frame_into(*time, &mut out)?;
                times.push(start.elapsed().as_secs_f64() * 1000.0);
                // Outside the timed span, like everything below.
                let split = if profiling { engine.phase_ns().ok() } else { None };
                if let Some(ns) = split {
                    phases[0].push(commands.as_secs_f64() * 1000.0);
                    for (phase, ns) in phases[1..].iter_mut().zip(ns) {
                        phase.push(ns as f64 / 1e6);
                    }
                }
                commands = std::time::Duration::ZERO;
                digest = out.iter().fold(digest, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
                let frame = Frame::parse(&out).map_err(|e| Error(format!("{}: bad frame: {e}", runner.name())))?;
                let drawn = match backend.as_mut() {
                    Some((tree, canvas)) => {
                        let damage = tree
                            .apply_frame(&frame, canvas.bounds())
                            .map_err(|e| Error(format!("layer updates: {e}")))?;
                        // A host draws a frame with damage, on either backend.
                        if let Some(g) = gpu.as_mut().filter(|_| !damage.is_empty()) {
                            if times.len() > skip {
                                g.count();
                            }
                            g.draw(tree, &damage)?;
                        }
                        Some(canvas.draw(tree, &damage, &NoImages, &mut NoGlyphs).map_err(raster_error)?)
                    }
                    None => None,
                };
                if times.len() > skip {
                    counters.add(&frame)?;
                    if let Some(d) = drawn {
                        raster.layers_rasterized += u64::from(d.layers_rasterized);
                        raster.pixels_rasterized += d.pixels_rasterized;
                        raster.pixels_composited += d.pixels_composited;
                    }
                }
                if let Some(n) = waiting.as_mut() {
                    *n += 1;
                    if !frame.damage.is_empty() {
                        latency.push(*n);
                        waiting = None;
                    }
                }
                for r in requests(frame.requests).map_err(|e| Error(e.to_string()))? {
                    match r {
                        Request::Load { image, .. } => loads.push(image),
                        Request::Release { image } => {
                            if let Some(g) = gpu.as_mut() {
                                g.released(image);
                            }
                        }
                    }
                }
                start = Instant::now();
                continue;
            }
            other => {
                if let Step::Key(_, marquee_protocol::KeyAction::Press) = other {
                    waiting = waiting.or(Some(0));
                }
                other.apply_to(engine.as_mut(), &mut out)?;
            }
        }
        commands += t.elapsed();
    }
    let first_frame = times.first().copied().unwrap_or(f64::NAN);
    let frames = times.into_iter().skip(skip).collect();
    let phases = (profiling && phases[0].len() > skip).then(|| phases.map(|p| p.into_iter().skip(skip).collect()));
    let memory = engine.memory_bytes().ok().flatten();
    let counters = Some(counters);
    let drawn = backend.is_some().then_some(raster);
    let gpu = gpu.map(|g| g.drawn);
    Ok(Outcome {
        scene: scene.name,
        runner: runner.name(),
        frames,
        first_frame,
        memory,
        digest,
        phases,
        latency,
        counters,
        drawn,
        gpu,
        browser: None,
    })
}

fn raster_error(e: marquee_raster::Error) -> Error {
    Error(format!("raster: {e}"))
}

/// The native engine (the reference the builds are compared with).
pub struct Native {
    /// The text service it measures with.
    pub text: SharedText,
    /// Whether it also draws its frames with the software compositor, for the raster counters
    /// (see [`Runner::rasters`]); instruction counts leave it out, to count the engine alone.
    pub raster: bool,
    /// Whether it draws them with the GPU backend too (see [`Runner::gpu`]).
    pub gpu: bool,
}

impl Runner for Native {
    fn name(&self) -> &'static str {
        "native"
    }
    fn rasters(&self) -> bool {
        self.raster
    }
    fn gpu(&self) -> Option<SharedText> {
        (self.raster && self.gpu).then(|| self.text.clone())
    }
    fn start(&self) -> Result<Box<dyn marquee_engine_contract::Engine>, Error> {
        Ok(Box::new(Engine::with_text(Box::new(self.text.clone()))))
    }
}

/// engine.wasm in wasmtime, compiled before the clock starts (as the host's module cache would
/// have it): with Cranelift as hosts run it, or with Winch, wasmtime's baseline compiler.
pub struct Wasmtime {
    runtime: Runtime,
    module: Module,
    text: SharedText,
    compiler: Compiler,
}

impl Wasmtime {
    /// Compiles `wasm` with Cranelift once for every scene.
    pub fn new(wasm: &[u8], text: SharedText) -> Result<Wasmtime, Error> {
        Wasmtime::with_compiler(wasm, text, Compiler::Cranelift, None)
    }

    /// Compiles `wasm` with `compiler` once for every scene, or loads it from the module cache
    /// in `cache` (storing it there when it was not).
    pub fn with_compiler(
        wasm: &[u8],
        text: SharedText,
        compiler: Compiler,
        cache: Option<&std::path::Path>,
    ) -> Result<Wasmtime, Error> {
        let runtime =
            Runtime::with_compiler(compiler, DEFAULT_CALL_BUDGET).map_err(|e| Error(format!("wasmtime: {e}")))?;
        let module = match cache {
            Some(dir) => marquee_engine_wasmtime::cache::ModuleCache::new(dir).load(&runtime, wasm).map(|(m, _)| m),
            None => runtime.compile(wasm),
        };
        let module = module.map_err(|e| Error(format!("engine.wasm: {e}")))?;
        Ok(Wasmtime { runtime, module, text, compiler })
    }
}

impl Runner for Wasmtime {
    fn name(&self) -> &'static str {
        match self.compiler {
            Compiler::Cranelift => "wasmtime",
            Compiler::Winch => "winch",
        }
    }
    fn start(&self) -> Result<Box<dyn marquee_engine_contract::Engine>, Error> {
        let e = self
            .runtime
            .instantiate_with_text(&self.module, DEFAULT_MEMORY_LIMIT, Box::new(self.text.clone()))
            .map_err(|e| Error(format!("engine.wasm: {e}")))?;
        Ok(Box::new(e))
    }
}

/// engine.js in QuickJS.
pub struct QuickJs {
    /// engine.js.
    pub source: String,
    /// The text service it measures with.
    pub text: SharedText,
}

impl Runner for QuickJs {
    fn name(&self) -> &'static str {
        "quickjs"
    }
    fn frame_cap(&self) -> Option<usize> {
        // Over half a second a frame at 10,000 nodes: 20 frames say enough.
        Some(20)
    }
    fn start(&self) -> Result<Box<dyn marquee_engine_contract::Engine>, Error> {
        // Ten seconds a call: a 10,000-node scene's first frame is slow in an interpreter.
        let limits = marquee_engine_quickjs::Limits {
            budget: std::time::Duration::from_secs(10),
            memory: 512 << 20,
            ..Default::default()
        };
        let e = JsEngine::new(&self.source, Box::new(self.text.clone()), limits)
            .map_err(|e| Error(format!("engine.js: {e}")))?;
        Ok(Box::new(e))
    }
}

/// Each scene's counters and what the compositor did with its frames (each from its first
/// runner that has them).
fn per_scene(outcomes: &[Outcome]) -> Vec<(&Outcome, Counters, Option<Drawn>)> {
    let mut out: Vec<(&Outcome, Counters, Option<Drawn>)> = Vec::new();
    for o in outcomes {
        let Some(c) = o.counters else { continue };
        if !out.iter().any(|(s, ..)| s.scene == o.scene) {
            let drawn = outcomes.iter().filter(|x| x.scene == o.scene).find_map(|x| x.drawn);
            out.push((o, c, drawn));
        }
    }
    out
}

/// Each scene's counters per frame, as a table.
pub fn counters_table(outcomes: &[Outcome]) -> String {
    let mut s = format!(
        "{:<17} {:>6} {:>16} {:>12} {:>10} {:>8} {:>12} {:>11} {:>13} {:>13}\n",
        "counters/frame",
        "frames",
        "layers recorded",
        "ops recorded",
        "props",
        "removed",
        "damage px",
        "rasterized",
        "rasterized px",
        "composited px"
    );
    for (o, c, drawn) in per_scene(outcomes) {
        if o.frames.is_empty() {
            continue;
        }
        let n = o.frames.len() as f64;
        let [a, b, p, r, d] = c.named().map(|(_, v)| v as f64 / n);
        s += &format!("{:<17} {:>6} {a:>16.2} {b:>12.1} {p:>10.1} {r:>8.2} {d:>12.0}", o.scene, o.frames.len());
        match drawn {
            Some(w) => {
                let [lr, pr, pc] = w.named().map(|(_, v)| v as f64 / n);
                s += &format!(" {lr:>11.2} {pr:>13.0} {pc:>13.0}\n");
            }
            None => s += &format!(" {:>11} {:>13} {:>13}\n", "-", "-", "-"),
        }
    }
    s
}

/// Each scene's counters as `SCENE NAME VALUE` lines, the form `cargo xtask bench` keeps its
/// baseline in.
pub fn counters_text(outcomes: &[Outcome]) -> String {
    let mut s = String::new();
    for (o, c, drawn) in per_scene(outcomes) {
        let gpu = outcomes.iter().filter(|x| x.scene == o.scene).find_map(|x| x.gpu.as_ref());
        let named = c.named().into_iter().chain(drawn.iter().flat_map(Drawn::named));
        for (name, v) in named.chain(gpu.iter().flat_map(|g| g.named())) {
            s += &format!("{} {name} {v}\n", o.scene);
        }
    }
    s
}

/// The results as a terminal table: one row per scene and runner, with each runner's median as
/// a multiple of engine.wasm's (in wasmtime with Cranelift, over the same frames) and the slowest
/// key-to-screen latency; then each frame's split by phase.
pub fn table(outcomes: &[Outcome]) -> String {
    let mut s = format!(
        "{:<17} {:<9} {:>6} {:>9} {:>9} {:>9} {:>9} {:>6} {:>10} {:>9} {:>8} {:>7}\n",
        "scene",
        "runner",
        "frames",
        "median ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        ">16.7",
        "first ms",
        "memory",
        "vs wasm",
        "latency"
    );
    for o in outcomes {
        let (median, p90, p99, max, over) = o.summary();
        // A runner that ran only the first frames (a capped stress scene) is compared with
        // engine.wasm's same frames: a scene's early frames may be heavier than the rest.
        let wasm = outcomes.iter().find(|w| w.scene == o.scene && w.runner == "wasmtime").map(|w| {
            let mut same: Vec<f64> = w.frames.iter().take(o.frames.len()).copied().collect();
            same.sort_by(f64::total_cmp);
            percentile(&same, 0.5)
        });
        let ratio = wasm.map_or(String::from("-"), |w| format!("{:.2}×", median / w));
        let memory = o.memory.map_or(String::from("-"), |m| format!("{:.1} MiB", m as f64 / 1048576.0));
        let latency = o.latency.iter().max().map_or(String::from("-"), |m| format!("≤{m} fr"));
        s += &format!(
            "{:<17} {:<9} {:>6} {median:>9.4} {p90:>9.4} {p99:>9.4} {max:>9.3} {over:>6} {:>10.2} {memory:>9} {ratio:>8} {latency:>7}\n",
            o.scene,
            o.runner,
            o.frames.len(),
            o.first_frame
        );
    }
    s += &format!("\n{:<17} {:<9}", "phases (ms)", "runner");
    for phase in PHASES {
        s += &format!(" {:>21}", format!("{phase} p50/p99"));
    }
    s.push('\n');
    for o in outcomes {
        let Some(phases) = &o.phases else { continue };
        s += &format!("{:<17} {:<9}", o.scene, o.runner);
        for p in phases {
            let mut v = p.clone();
            v.sort_by(f64::total_cmp);
            s += &format!(" {:>21}", format!("{:.4}/{:.4}", percentile(&v, 0.5), percentile(&v, 0.99)));
        }
        s.push('\n');
    }
    s
}

/// The results as JSON.
pub fn json(outcomes: &[Outcome], context: serde_json::Value) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| {
            let (median, p90, p99, max, over) = o.summary();
            serde_json::json!({
                "scene": o.scene, "runner": o.runner, "frames": o.frames.len(),
                "median_ms": median, "p90_ms": p90, "p99_ms": p99, "max_ms": max, "over_budget": over,
                "first_frame_ms": o.first_frame, "memory_bytes": o.memory, "digest": format!("{:016x}", o.digest),
                "latency_frames": o.latency, "frame_ms": o.frames,
                "counters": o.counters.map(|c| c.named().into_iter().map(|(k, v)| (k.to_string(), serde_json::json!(v))).collect::<serde_json::Map<_, _>>()),
                "drawn": o.drawn.map(|c| c.named().into_iter().map(|(k, v)| (k.to_string(), serde_json::json!(v))).collect::<serde_json::Map<_, _>>()),
                "gpu": o.gpu.as_ref().map(|g| serde_json::json!({
                    "renderer": g.renderer,
                    "counters": g.named().into_iter().map(|(k, v)| (k.to_string(), serde_json::json!(v))).collect::<serde_json::Map<_, _>>(),
                    "backend_ms": g.backend_ms, "frame_ms": g.frame_ms,
                })),
                "browser": o.browser.as_ref().map(|b| serde_json::json!({
                    "render_ms": b.render_ms, "cpu_ms": b.cpu_ms, "traced": b.traced, "main_thread_ms_per_frame": b.main_ms, "fps": b.fps,
                    "main_heap_bytes": b.main_heap, "worker_heap_bytes": b.worker_heap,
                    "web_memory_bytes": b.web_memory, "renderer": b.renderer, "user_agent": b.user_agent,
                    "isolated": b.isolated,
                })),
                "phase_ms": o.phases.as_ref().map(|p| {
                    PHASES.iter().zip(p).map(|(name, v)| (name.to_string(), serde_json::json!(v))).collect::<serde_json::Map<_, _>>()
                }),
            })
        })
        .collect();
    serde_json::json!({ "context": context, "results": rows })
}

/// The scene's steps with the host's answers to image loads written out, as the native engine
/// asked for them, for a runner whose engine plays a stream elsewhere; up to `cap` frames.
pub(crate) fn with_loads(text: &SharedText, scene: &Scene, cap: Option<usize>) -> Vec<Step> {
    let mut engine = Engine::with_text(Box::new(text.clone()));
    let mut steps = Vec::with_capacity(scene.steps.len());
    let mut loads = Vec::new();
    let mut frames = 0;
    for step in &scene.steps {
        match step {
            Step::Frame(_) if cap.is_some_and(|cap| frames > cap) => break,
            Step::Frame(t) => {
                frames += 1;
                for handle in loads.drain(..) {
                    engine.image_ready(handle, POSTER.0, POSTER.1);
                    steps.push(Step::Image(handle, Ok(POSTER)));
                }
                let out = engine.frame(*t);
                if let Ok(frame) = Frame::parse(out) {
                    for r in requests(frame.requests).unwrap_or_default() {
                        if let Request::Load { image, .. } = r {
                            loads.push(image);
                        }
                    }
                }
            }
            // The native build never fails a call.
            other => {
                let _ = other.apply_to(&mut engine, &mut Vec::new());
            }
        }
        steps.push(step.clone());
    }
    steps
}

/// engine.js under Node (V8), in a child process: the scene's steps, with the image loads the
/// native engine asked for answered explicitly and its text measurements logged (Node has no
/// text service), are played by `js/node.mjs`, which times every frame. Its frames are checked
/// against the native engine by `marquee-replay`'s tests, so its digest here is 0.
pub struct NodeJs {
    /// engine.js's path.
    pub engine_js: std::path::PathBuf,
    /// The text service the native run measures with.
    pub text: SharedText,
}

impl Runner for NodeJs {
    fn name(&self) -> &'static str {
        "node"
    }
    fn frame_cap(&self) -> Option<usize> {
        // Up to 0.15 s a frame at 10,000 nodes: a second of animation says enough.
        Some(60)
    }
    fn start(&self) -> Result<Box<dyn marquee_engine_contract::Engine>, Error> {
        Err(Error("engine.js in Node runs in a child process: use measure_whole".into()))
    }
    fn measure_whole(&self, scene: &Scene) -> Option<Result<Outcome, Error>> {
        Some((|| {
            let steps = with_loads(&self.text, scene, self.frame_cap().filter(|_| scene.stress));
            let (_, measures) = marquee_replay::native_with_measures(&steps, self.text.clone());
            let file = std::env::temp_dir().join(format!("marquee-bench-{}-{}.json", std::process::id(), scene.name));
            std::fs::write(&file, marquee_replay::stream_json(&steps, &measures))
                .map_err(|e| Error(format!("{}: {e}", file.display())))?;
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/js/node.mjs");
            let out = std::process::Command::new("node").arg(script).arg(&self.engine_js).arg(&file).output();
            let _ = std::fs::remove_file(&file);
            let out = out.map_err(|e| Error(format!("node: {e}")))?;
            if !out.status.success() {
                return Err(Error(format!("engine.js in Node: {}", String::from_utf8_lossy(&out.stderr))));
            }
            let result: serde_json::Value =
                serde_json::from_slice(&out.stdout).map_err(|e| Error(format!("node's output: {e}")))?;
            let times: Vec<f64> = result["frames"]
                .as_array()
                .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
                .unwrap_or_default();
            let mut phases: [Vec<f64>; 4] = Default::default();
            for split in result["phases"].as_array().into_iter().flatten() {
                for (phase, ms) in phases.iter_mut().zip(split.as_array().into_iter().flatten()) {
                    phase.push(ms.as_f64().unwrap_or(f64::NAN));
                }
            }
            let first_frame = times.first().copied().unwrap_or(f64::NAN);
            let skip = usize::from(!scene.first_frame_counts);
            let whole = phases.iter().all(|p| p.len() == times.len()) && times.len() > skip;
            let phases = whole.then(|| phases.map(|p| p.into_iter().skip(skip).collect()));
            let frames = times.into_iter().skip(skip).collect();
            // Latency is the engine's (the same code in every build): the native runs measure it.
            let latency = Vec::new();
            Ok(Outcome {
                scene: scene.name,
                runner: "node",
                frames,
                first_frame,
                memory: None,
                digest: 0,
                phases,
                latency,
                counters: None,
                drawn: None,
                gpu: None,
                browser: None,
            })
        })())
    }
}
