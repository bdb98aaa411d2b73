//! The browser runner: a scene in headless Chromium, as the browser host runs an app — the
//! engine (engine.wasm, or engine.js with web.js in a page without WebAssembly) in a worker
//! beside web.wasm, which measures text with the scene's fonts and draws every frame with the
//! GPU backend on WebGL into an OffscreenCanvas. Chromium runs with `--disable-gpu`, so WebGL is
//! SwiftShader's: a CPU drawing, in Chromium's GPU process, what a GPU would.
//!
//! The scene's steps, with the host's answers to image loads written out as for the Node
//! runner, are played by `marquee-browser`'s benchmark page one frame per animation frame
//! (`web/bench-worker.js`). Per frame it times, in the worker, the engine's part (as every
//! runner times it, with the engine's phase split) and the renderer's (applying the frame to
//! the layer tree and drawing it); the page is cross-origin isolated, so those clocks read to
//! 5 µs. They are wall time, which counts a WebGL call waiting on the GPU process; the CPU time
//! of each frame's task in the worker, and of the main thread, comes from a trace of the run
//! (the DevTools protocol, `js/drive.mjs`). Each thread's JavaScript heap comes from
//! `measureUserAgentSpecificMemory`, and frames a second from the animation frames the page
//! showed.

use std::path::PathBuf;
use std::time::Duration;

use marquee_text::SharedText;

use crate::{Error, Outcome, POSTER, Runner, Scene};

/// Engine + render CPU per frame (median, ms) the browser runner should stay within on the
/// development VM, by scene: about twice as fast as the strongest web TV renderer measured
/// here on the same scenes.
pub const TARGETS: [(&str, f64); 3] = [("home", 0.5), ("stress-transform", 7.0), ("build", 1.0)];

/// What the browser measured of a scene beyond the engine's frame times.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BrowserRun {
    /// Each frame's renderer time in the worker (frame applied to the layer tree, drawn), ms.
    pub render_ms: Vec<f64>,
    /// Each frame's CPU time in the worker, ms: its animation frame's task in the trace (the
    /// frames traced: tracing starts as the scene does), else the engine's and renderer's time.
    pub cpu_ms: Vec<f64>,
    /// Whether `cpu_ms` and `main_ms` come from the trace.
    pub traced: bool,
    /// The main thread's time per frame while the scene played, ms: CPU time in the trace, else
    /// its tasks' duration (DevTools `TaskDuration`).
    pub main_ms: f64,
    /// Frames the page showed a second.
    pub fps: Option<f64>,
    /// The main thread's JavaScript heap at the end, bytes.
    pub main_heap: Option<u64>,
    /// The engine worker's JavaScript heap at the end, bytes (its modules' memories included).
    pub worker_heap: Option<u64>,
    /// web.wasm's memory, bytes.
    pub web_memory: u64,
    /// The renderer, as the GL driver names it.
    pub renderer: String,
    /// The browser.
    pub user_agent: String,
    /// Whether the page was cross-origin isolated (5-µs clocks).
    pub isolated: bool,
}

/// A scene in headless Chromium (see the module's documentation).
pub struct Browser {
    /// web.wasm (web.js beside it).
    pub web_wasm: PathBuf,
    /// engine.wasm (engine.js beside it).
    pub engine_wasm: PathBuf,
    /// The scene's fonts, in the order the host loads them.
    pub fonts: Vec<PathBuf>,
    /// The text service the native engine measures with (to write out the image answers).
    pub text: SharedText,
    /// engine.js and web.js in a page without WebAssembly.
    pub js: bool,
}

impl Browser {
    /// The fonts in `dir` as a host loads an app's: by name.
    pub fn fonts_in(dir: &std::path::Path) -> Vec<PathBuf> {
        let mut fonts: Vec<PathBuf> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let ext = p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
                matches!(ext.as_deref(), Some("ttf" | "otf" | "ttc" | "otc"))
            })
            .collect();
        fonts.sort();
        fonts
    }

    fn run(&self, scene: &Scene) -> Result<Outcome, Error> {
        let steps = crate::with_loads(&self.text, scene, self.frame_cap().filter(|_| scene.stress));
        let stream = marquee_replay::stream_json(&steps, &Vec::new());
        let dir = std::env::temp_dir().join(format!("marquee-bench-browser-{}-{}", std::process::id(), scene.name));
        let config =
            marquee_browser::BenchConfig { size: (1280, 720), background: 0x000000ff, js: self.js, poster: POSTER };
        let site = marquee_browser::Site::bench(&dir, &self.web_wasm, &self.engine_wasm, &self.fonts, &stream, &config)
            .map_err(Error)?;
        let outcome = (|| {
            let server =
                marquee_browser::serve(&site, std::net::SocketAddr::from(([127, 0, 0, 1], 0))).map_err(Error)?;
            let url = format!("http://{}/bench.html", server.addr());
            let lacks = marquee_browser::Lacks { webassembly: self.js, ..Default::default() };
            marquee_browser::drive(&url, Duration::from_secs(600), lacks).map_err(Error)
        })();
        let _ = std::fs::remove_dir_all(&dir);
        let report = outcome?.report;
        let frames = report["frames"].as_array().ok_or_else(|| Error("the page's report has no frames".into()))?;
        let each = |key: &str| -> Vec<f64> { frames.iter().map(|f| f[key].as_f64().unwrap_or(f64::NAN)).collect() };
        let (engine, render) = (each("engine"), each("render"));
        let skip = usize::from(!scene.first_frame_counts);
        let mut phases: [Vec<f64>; 4] = Default::default();
        for f in frames.iter().skip(skip) {
            for (phase, ms) in phases.iter_mut().zip(f["phases"].as_array().into_iter().flatten()) {
                phase.push(ms.as_f64().unwrap_or(f64::NAN));
            }
        }
        let whole = phases.iter().all(|p| p.len() + skip == frames.len()) && frames.len() > skip;
        let traced: Vec<f64> = report["cpu"]["workerFrames"]
            .as_array()
            .map(|f| f.iter().filter_map(serde_json::Value::as_f64).collect())
            .unwrap_or_default();
        let played = frames.len().saturating_sub(skip).max(1) as f64;
        let was_traced = !traced.is_empty();
        let (cpu, main_ms) = match was_traced {
            true => {
                let main = report["cpu"]["mainMs"].as_f64().unwrap_or(f64::NAN) / traced.len() as f64;
                (traced, main)
            }
            false => (
                engine.iter().zip(&render).map(|(e, r)| e + r).skip(skip).collect(),
                report["mainThread"]["taskMs"].as_f64().unwrap_or(f64::NAN) / played,
            ),
        };
        let worker = report["heap"]["workers"]
            .as_object()
            .and_then(|w| w.iter().find(|(url, _)| url.ends_with("/bench-worker.js")).and_then(|(_, b)| b.as_u64()));
        let run = BrowserRun {
            render_ms: render.iter().copied().skip(skip).collect(),
            cpu_ms: cpu,
            traced: was_traced,
            main_ms,
            fps: report["fps"].as_f64(),
            main_heap: report["heap"]["main"].as_u64(),
            worker_heap: worker,
            web_memory: report["webMemory"].as_u64().unwrap_or(0),
            renderer: report["renderer"].as_str().unwrap_or_default().to_owned(),
            user_agent: report["userAgent"].as_str().unwrap_or_default().to_owned(),
            isolated: report["isolated"] == true,
        };
        Ok(Outcome {
            scene: scene.name,
            runner: self.name(),
            first_frame: engine.first().copied().unwrap_or(f64::NAN),
            frames: engine.into_iter().skip(skip).collect(),
            memory: report["engineMemory"].as_u64().map(|b| b as usize),
            // Its frames are the engine's: marquee-browser's tests compare a page's with the
            // native engine's byte for byte.
            digest: 0,
            phases: whole.then_some(phases),
            // Latency is the engine's (the same code in every build): the native runs measure it.
            latency: Vec::new(),
            counters: None,
            drawn: None,
            gpu: None,
            browser: Some(run),
        })
    }
}

impl Runner for Browser {
    fn name(&self) -> &'static str {
        if self.js { "browser-js" } else { "browser" }
    }
    fn frame_cap(&self) -> Option<usize> {
        // engine.js and web.js: as slow as the Node runner at 10,000 nodes, and slower drawing.
        self.js.then_some(60)
    }
    fn start(&self) -> Result<Box<dyn marquee_engine_contract::Engine>, Error> {
        Err(Error("the browser runner plays scenes in a page: use measure_whole".into()))
    }
    fn measure_whole(&self, scene: &Scene) -> Option<Result<Outcome, Error>> {
        Some(self.run(scene))
    }
}

/// The browser runs' table: per scene and runner, the engine's and the renderer's time per
/// frame in the worker, their sum against the scene's target, the main thread's busy time per
/// frame, frames a second, and memory.
pub fn table(outcomes: &[Outcome]) -> String {
    let runs: Vec<(&Outcome, &BrowserRun)> =
        outcomes.iter().filter_map(|o| o.browser.as_ref().map(|b| (o, b))).collect();
    let Some((_, first)) = runs.first() else { return String::new() };
    let mut s = format!(
        "browser: {} ({}cross-origin isolated), --disable-gpu: WebGL on SwiftShader ({}); cpu and main: {}\n",
        first.user_agent,
        if first.isolated { "" } else { "not " },
        first.renderer,
        if first.traced { "CPU time per frame, traced" } else { "wall time per frame in the worker (no trace)" }
    );
    s += &format!(
        "{:<17} {:<10} {:>6} {:>10} {:>10} {:>19} {:>8} {:>10} {:>6} {:>17} {:>9}\n",
        "browser/frame",
        "runner",
        "frames",
        "engine p50",
        "render p50",
        "cpu ms p50/p99",
        "target",
        "main ms",
        "fps",
        "heap main/worker",
        "wasm MiB"
    );
    let p = |v: &[f64], q: f64| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        crate::percentile(&v, q)
    };
    let mib = |b: Option<u64>| b.map_or(String::from("-"), |b| format!("{:.1}", b as f64 / 1048576.0));
    for (o, b) in runs {
        let cpu = p(&b.cpu_ms, 0.5);
        let target = TARGETS
            .iter()
            .find(|(scene, _)| *scene == o.scene)
            .map_or(String::from("-"), |(_, t)| format!("{}{t}", if cpu <= *t { "≤" } else { ">" }));
        let wasm = (o.memory.unwrap_or(0) as u64 + b.web_memory) as f64 / 1048576.0;
        s += &format!(
            "{:<17} {:<10} {:>6} {:>10.4} {:>10.4} {:>19} {:>8} {:>10.4} {:>6} {:>17} {:>9.1}\n",
            o.scene,
            o.runner,
            o.frames.len(),
            p(&o.frames, 0.5),
            p(&b.render_ms, 0.5),
            format!("{cpu:.4}/{:.4}", p(&b.cpu_ms, 0.99)),
            target,
            b.main_ms,
            b.fps.map_or(String::from("-"), |f| format!("{f:.1}")),
            format!("{}/{}", mib(b.main_heap), mib(b.worker_heap)),
            wasm
        );
    }
    s
}
