//! The app-side scenes: what the app's own JavaScript costs to build and change pages, in the
//! runtime TV apps run in (the native host's QuickJS, through `marquee-js` as `marquee run` embeds
//! it) and in Node for comparison, with what the SDK sent and what applying it cost the engine.
//!
//! The scenes are JavaScript (`app/scenes.js`), timed inside the runtime with `performance.now()`
//! around each loop and its flush; `app/main.js` runs them as an app, compiled into one module as
//! `marquee run` compiles an app that uses React ([`compiled`]). Here the host side of that
//! app keeps every batch it is sent and the `mark` lines that divide them between scenes, then
//! applies the batches in order to the native engine, timing the ones each scene's timed runs
//! sent (the setup and teardown around them are applied too, untimed, with a frame after each, so
//! the engine holds what the app built, as it would).

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use marquee_display_list::frame::Frame;
use marquee_engine::Engine;
use marquee_js::{AppRuntime, Level, Limits};
use marquee_protocol::{Key, KeyAction};
use marquee_text::SharedText;

use crate::{Error, percentile};

/// One scene in one runtime.
#[derive(Debug, Clone, PartialEq)]
pub struct AppScene {
    /// The scene's name (`create-1000`, `home`, …).
    pub name: String,
    /// The app thread's time for one run, median, in ms.
    pub app_ms: f64,
    /// What one run sent.
    pub bytes: u64,
    /// Commands one run sent.
    pub commands: u64,
    /// Nodes one run created, changed or destroyed.
    pub nodes: u64,
    /// The native engine's time to apply one run's batches, median, in ms (QuickJS runs only:
    /// Node's batches are the same bytes).
    pub engine_ms: Option<f64>,
}

/// The scenes in one runtime.
#[derive(Debug, Clone, PartialEq)]
pub struct AppSide {
    /// `quickjs`, or `node` and its version.
    pub runtime: String,
    /// The scenes, in the order they ran.
    pub scenes: Vec<AppScene>,
}

/// The benchmark app's directory.
pub fn app_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("app")
}

/// The benchmark app compiled into one module (`app/.marquee/app.js`) by esbuild, with the
/// packages of this checkout's `node_modules`: once a process, for QuickJS and Node alike.
pub fn compiled() -> Result<PathBuf, Error> {
    static COMPILED: std::sync::OnceLock<Result<PathBuf, String>> = std::sync::OnceLock::new();
    COMPILED
        .get_or_init(|| {
            let toolchain = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules");
            let tools = marquee_bundle::Tools { esbuild: None, toolchain: Some(toolchain) };
            marquee_bundle::compile(&app_dir(), &tools).map_err(|e| format!("the app-side scenes: {e} (run `npm ci`)"))
        })
        .clone()
        .map_err(Error)
}

/// What the app sent and logged, in order.
#[derive(Default)]
struct Recorded {
    items: Vec<Item>,
    results: Option<String>,
    errors: Vec<String>,
}

enum Item {
    Batch(Vec<u8>),
    Mark(String),
}

struct Recorder(Rc<RefCell<Recorded>>);

impl marquee_js::Host for Recorder {
    fn send(&mut self, batch: Vec<u8>) {
        self.0.borrow_mut().items.push(Item::Batch(batch));
    }

    fn log(&mut self, level: Level, message: &str) {
        let mut r = self.0.borrow_mut();
        if let Some(name) = message.strip_prefix("mark ") {
            r.items.push(Item::Mark(name.to_string()));
        } else if let Some(json) = message.strip_prefix("results ") {
            r.results = Some(json.to_string());
        } else if level >= Level::Warn {
            r.errors.push(message.to_string());
        }
    }
}

/// Runs the scenes in QuickJS, then applies what they sent to the native engine.
pub fn quickjs(text: &SharedText) -> Result<AppSide, Error> {
    let recorded = Rc::new(RefCell::new(Recorded::default()));
    let dir = app_dir();
    // The scenes run in the module's body, one entry into JavaScript: more than an app's budget.
    let limits = Limits { budget: Duration::from_secs(120), memory: 256 << 20, ..Limits::default() };
    let host: Rc<RefCell<dyn marquee_js::Host>> = Rc::new(RefCell::new(Recorder(recorded.clone())));
    let runtime = AppRuntime::start(&dir, &compiled()?, (1280.0, 720.0), limits, host)
        .map_err(|e| Error(format!("the app-side scenes in QuickJS: {e}")))?;
    drop(runtime);
    let recorded = std::mem::take(&mut *recorded.borrow_mut());
    if let Some(e) = recorded.errors.first() {
        return Err(Error(format!("the app-side scenes in QuickJS: {e}")));
    }
    let json = recorded.results.ok_or_else(|| Error("the app-side scenes printed no results".into()))?;
    let mut side = parse(&json)?;
    let applied = apply(&recorded.items, text)?;
    for scene in &mut side.scenes {
        scene.engine_ms = applied.iter().find(|(name, _)| *name == scene.name).map(|(_, ms)| *ms);
    }
    side.scenes.push(rail_scroll(text)?);
    Ok(side)
}

/// Keys of the `rail-scroll` scene: down from the nav into the first rail, then along it.
const RAIL_KEYS: [Key; 14] = [
    Key::Down,
    Key::Down,
    Key::Down,
    Key::Right,
    Key::Right,
    Key::Right,
    Key::Right,
    Key::Right,
    Key::Right,
    Key::Right,
    Key::Right,
    Key::Right,
    Key::Right,
    Key::Right,
];

/// The `rail-scroll` scene: the demo app itself (`apps/demo`, offline) in QuickJS with the
/// native engine; arrows move focus in the engine, and each frame's events go to the app as the
/// host would deliver them. Times the app's handling of each key's frame (its `focus` listener,
/// and whatever it sends back), median over the keys, and what it sent in all: focus moving
/// through a page should cost the app nothing but its listeners.
pub fn rail_scroll(text: &SharedText) -> Result<AppScene, Error> {
    let recorded = Rc::new(RefCell::new(Recorded::default()));
    let dir = marquee_engine_contract::paths::demo_app();
    let host: Rc<RefCell<dyn marquee_js::Host>> = Rc::new(RefCell::new(Recorder(recorded.clone())));
    let fail = |e: marquee_js::Error| Error(format!("the demo in QuickJS: {e}"));
    let mut app = AppRuntime::start(&dir, &marquee_js::entry_module(&dir), (1280.0, 720.0), Limits::default(), host)
        .map_err(fail)?;
    let mut engine = Engine::with_text(Box::new(text.clone()));
    let mut time = 0.0;
    // Applies what the app sent, runs a frame and hands its events to the app; the app's time.
    let mut delivered = 0;
    let mut step = |engine: &mut Engine, app: &mut AppRuntime| -> Result<Duration, Error> {
        for item in std::mem::take(&mut recorded.borrow_mut().items) {
            if let Item::Batch(batch) = item
                && engine.apply(&batch) > 0
            {
                return Err(Error("the engine rejected the demo's commands".into()));
            }
        }
        time += 1000.0 / 60.0;
        let events =
            Frame::parse(engine.frame(time)).map_err(|e| Error(format!("the engine's frame: {e}")))?.events.to_vec();
        delivered += events.get(8..12).map_or(0, |c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
        let t = Instant::now();
        app.deliver(&events).map_err(fail)?;
        app.run_timers().map_err(fail)?;
        Ok(t.elapsed())
    };
    // The page built and shown; the first key's frame then starts from a settled scene.
    for _ in 0..3 {
        step(&mut engine, &mut app)?;
    }
    let mut times = Vec::new();
    let mut bytes = 0;
    for key in RAIL_KEYS {
        engine.key(key, KeyAction::Press);
        let took = step(&mut engine, &mut app)?;
        times.push(took.as_secs_f64() * 1000.0);
        // What the app sent in answer goes out with the next frame.
        bytes += recorded
            .borrow()
            .items
            .iter()
            .map(|i| if let Item::Batch(b) = i { b.len() as u64 } else { 0 })
            .sum::<u64>();
    }
    if let Some(e) = recorded.borrow().errors.first() {
        return Err(Error(format!("the demo in QuickJS: {e}")));
    }
    // Each key moved focus (the demo's page has room for all of them), so each frame told the app.
    if delivered < RAIL_KEYS.len() as u32 {
        return Err(Error(format!("{} keys gave the app {delivered} events: focus did not move", RAIL_KEYS.len())));
    }
    times.sort_by(f64::total_cmp);
    Ok(AppScene {
        name: "rail-scroll".into(),
        app_ms: percentile(&times, 0.5),
        bytes,
        commands: 0,
        nodes: RAIL_KEYS.len() as u64,
        engine_ms: None,
    })
}

/// Runs the scenes in Node (`js/app-side.mjs`).
pub fn node() -> Result<AppSide, Error> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("js/app-side.mjs");
    let out = std::process::Command::new("node")
        .arg(&script)
        .arg(compiled()?)
        .output()
        .map_err(|e| Error(format!("node {}: {e}", script.display())))?;
    if !out.status.success() {
        return Err(Error(format!("node {}: {}", script.display(), String::from_utf8_lossy(&out.stderr).trim())));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let results = stdout
        .lines()
        .find_map(|l| l.strip_prefix("results "))
        .ok_or_else(|| Error(format!("node {}: no results line in {}", script.display(), stdout.trim())))?;
    parse(results)
}

/// Reads the scenes' `{ runtime, scenes: [{ name, ms, bytes, commands, nodes }] }`.
fn parse(json: &str) -> Result<AppSide, Error> {
    let v: serde_json::Value =
        serde_json::from_str(json).map_err(|e| Error(format!("the app-side scenes' results: {e}")))?;
    let runtime = v["runtime"].as_str().unwrap_or("?").to_string();
    let scenes = v["scenes"]
        .as_array()
        .ok_or_else(|| Error("the app-side results hold no scenes".into()))?
        .iter()
        .map(|s| AppScene {
            name: s["name"].as_str().unwrap_or("?").to_string(),
            app_ms: s["ms"].as_f64().unwrap_or(f64::NAN),
            bytes: s["bytes"].as_u64().unwrap_or(0),
            commands: s["commands"].as_u64().unwrap_or(0),
            nodes: s["nodes"].as_u64().unwrap_or(0),
            engine_ms: None,
        })
        .collect();
    Ok(AppSide { runtime, scenes })
}

/// Applies the batches in order to a native engine; each scene's median time to apply one timed
/// run's batches. A command the engine rejects is an error: the SDK must never send one.
fn apply(items: &[Item], text: &SharedText) -> Result<Vec<(String, f64)>, Error> {
    let mut engine = Engine::with_text(Box::new(text.clone()));
    let mut runs: Vec<(String, Vec<f64>)> = Vec::new();
    let (mut spent, mut time) = (Duration::ZERO, 0.0);
    for item in items {
        match item {
            Item::Batch(batch) => {
                let t = Instant::now();
                let rejected = engine.apply(batch);
                spent += t.elapsed();
                if rejected > 0 {
                    return Err(Error(format!("the engine rejected {rejected} of the app-side scenes' commands")));
                }
            }
            Item::Mark(name) => {
                if !name.starts_with("setup ") && !name.starts_with("teardown ") {
                    let ms = spent.as_secs_f64() * 1000.0;
                    match runs.iter_mut().find(|(n, _)| n == name) {
                        Some((_, v)) => v.push(ms),
                        None => runs.push((name.clone(), vec![ms])),
                    }
                }
                spent = Duration::ZERO;
                // A frame between steps, untimed: layout and events, as a host would run them.
                time += 1000.0 / 60.0;
                engine.frame(time);
            }
        }
    }
    Ok(runs
        .into_iter()
        .map(|(name, mut v)| {
            v.sort_by(f64::total_cmp);
            (name, percentile(&v, 0.5))
        })
        .collect())
}

/// The scenes side by side: each runtime's app-thread time, and what a node or an update cost
/// on the wire.
pub fn table(sides: &[AppSide]) -> String {
    let mut s = format!(
        "{:<16} {:<14} {:>10} {:>10} {:>8} {:>10} {:>12}\n",
        "app side", "runtime", "app ms", "engine ms", "nodes", "B/node", "cmds/node"
    );
    for side in sides {
        for c in &side.scenes {
            let per = |v: u64| v as f64 / c.nodes.max(1) as f64;
            s += &format!(
                "{:<16} {:<14} {:>10.3} {:>10} {:>8} {:>10.1} {:>12.2}\n",
                c.name,
                side.runtime.split(' ').next().unwrap_or("?"),
                c.app_ms,
                c.engine_ms.map_or("—".into(), |ms| format!("{ms:.3}")),
                c.nodes,
                per(c.bytes),
                per(c.commands),
            );
        }
    }
    s
}

/// The machine-independent figures (bytes and commands per node) as `counters.txt` lines.
pub fn counters(side: &AppSide) -> String {
    let mut s = String::new();
    for c in &side.scenes {
        s += &format!("app-side {} bytes {}\napp-side {} commands {}\n", c.name, c.bytes, c.name, c.commands);
    }
    s
}
