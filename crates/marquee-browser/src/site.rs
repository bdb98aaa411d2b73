//! The directory a page is served from: the page's files, web.wasm, one bundle and the run's
//! config.
//!
//! ```text
//! index.html, main.js, …     the page (embedded in this crate)
//! config.json                 the run: size, engine choice, keys, budgets (Config)
//! web.wasm, web.js            the browser host's Rust half (`cargo xtask wasm`), and its
//!                             wasm2js build for browsers without WebAssembly
//! bundle/bundles/ID.json      the bundle's manifest, named by its SHA-256
//! bundle/objects/SHA256       its files, named by theirs
//! ```
//!
//! [`Site::bench`] writes the benchmark page instead: `bench.html` and its worker, web.wasm,
//! engine.wasm and engine.js, the scene's fonts and stream, and `bench.json`.

use std::path::{Path, PathBuf};

use marquee_engine_contract::Stat;

/// The page's files: served as they are written here.
const PAGE: [(&str, &str); 9] = [
    ("index.html", include_str!("../web/index.html")),
    ("main.js", include_str!("../web/main.js")),
    ("bundle.js", include_str!("../web/bundle.js")),
    ("keys.js", include_str!("../web/keys.js")),
    // The protocol's names and codes, generated from marquee-protocol: keys.js maps onto them.
    ("wire.js", include_str!("../../../sdk/src/wire.js")),
    ("select.js", include_str!("../web/select.js")),
    ("engine-worker.js", include_str!("../web/engine-worker.js")),
    ("app-worker.js", include_str!("../web/app-worker.js")),
    ("image-worker.js", include_str!("../web/image-worker.js")),
];

/// The benchmark page's (`marquee-bench`'s browser runner).
const BENCH_PAGE: [(&str, &str); 3] = [
    ("bench.html", include_str!("../web/bench.html")),
    ("bench.js", include_str!("../web/bench.js")),
    ("bench-worker.js", include_str!("../web/bench-worker.js")),
];

/// What both pages run: the modules' adapters and the GL imports.
const SHARED: [(&str, &str); 3] = [
    ("modules.js", include_str!("../web/modules.js")),
    ("gl.js", include_str!("../web/gl.js")),
    ("package.json", "{ \"type\": \"module\" }\n"),
];

/// One run of a page, as `marquee run`'s options describe one of the native host.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The surface, in pixels.
    pub size: (u32, u32),
    /// Frames a second.
    pub fps: f64,
    /// `auto`, `wasm` or `js`.
    pub engine: String,
    /// The colour under everything, `0xRRGGBBAA`.
    pub background: u32,
    /// The engine's texture budget in bytes; decoded images are capped at twice it.
    pub texture_budget: u64,
    /// The largest texture side the backend may use (0: the browser's limit).
    pub max_texture: u32,
    /// Frame `n` is at `n / fps` seconds, and waits for the images asked for.
    pub virtual_time: bool,
    /// The app's requests fail as with no network.
    pub offline: bool,
    /// Remote keys (the protocol's codes) at frame numbers.
    pub keys: Vec<(u64, u16)>,
    /// Stop after this many frames; `None`: when idle (headless) or never.
    pub frames: Option<u64>,
    /// Stop when nothing happens any more (headless runs).
    pub stop_when_idle: bool,
    /// Frames back to back.
    pub unpaced: bool,
    /// The device id for rollouts (`None`: the page keeps one of its own).
    pub device_id: Option<String>,
    /// Record the engine's input and each frame's SHA-256 in the report (see [`recording`]).
    ///
    /// [`recording`]: crate::recording
    pub record: bool,
    /// Under `marquee web --dev`: the page follows the edits [`Site::tell`] gives it.
    pub dev: bool,
    /// Show the debug overlay from the first frame (`marquee web --overlay`; `?overlay` in the
    /// page's address does too). F12 and the remote's sequence move it on either way.
    pub overlay: bool,
}

impl Default for Config {
    /// The native host's defaults: 1280×720 at 60 Hz, the engine chosen by rollout and
    /// capability, a 128 MiB texture budget, paced frames on the clock, run until stopped.
    fn default() -> Self {
        Config {
            size: (1280, 720),
            fps: 60.0,
            engine: "auto".into(),
            background: 0x000000ff,
            texture_budget: 128 << 20,
            max_texture: 0,
            virtual_time: false,
            offline: false,
            keys: Vec::new(),
            frames: None,
            stop_when_idle: false,
            unpaced: false,
            device_id: None,
            record: false,
            dev: false,
            overlay: false,
        }
    }
}

impl Config {
    fn json(&self, manifest: &str) -> String {
        serde_json::json!({
            "manifest": manifest,
            "web": "web.wasm",
            "webJs": "web.js",
            "size": [self.size.0, self.size.1],
            "fps": self.fps,
            "engine": self.engine,
            "background": self.background,
            "textureBudget": self.texture_budget,
            "maxTexture": self.max_texture,
            "virtualTime": self.virtual_time,
            "offline": self.offline,
            "keys": self.keys,
            "frames": self.frames,
            "stopWhenIdle": self.stop_when_idle,
            "unpaced": self.unpaced,
            "deviceId": self.device_id,
            "record": self.record,
            "dev": self.dev,
            "overlay": self.overlay,
            // What the page must agree on with the engine, from the one place both define it.
            "abi": marquee_engine_contract::ABI_VERSION,
            "stat": {
                "nodes": Stat::Nodes as u32,
                "animations": Stat::Animations as u32,
                "focused": Stat::Focused as u32,
                "settling": Stat::Settling as u32,
                "layers": Stat::Layers as u32,
                "heapBytes": Stat::HeapBytes as u32,
                "heapPeak": Stat::HeapPeak as u32,
            },
            "batchHeader": marquee_protocol::BATCH_HEADER_LEN,
            // The batch a host applies to every new engine before the app's, as natively.
            "viewport": marquee_protocol::encode_batch(&[marquee_protocol::Command::SetViewport {
                width: self.size.0 as f32,
                height: self.size.1 as f32,
            }]),
            // The events the app gets when the page replaces a failed engine, as natively.
            "resetEvent": marquee_protocol::encode_events(&[marquee_protocol::Event::EngineReset {
                reason: marquee_protocol::ResetReason::Trap,
            }]),
        })
        .to_string()
    }
}

/// A page's directory.
#[derive(Debug)]
pub struct Site {
    dir: PathBuf,
    /// The edits told so far (see [`Site::tell`]).
    told: std::sync::atomic::AtomicU64,
}

/// An edit for a page that follows them ([`Config::dev`], `marquee web --dev`).
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// A script the app worker evaluates in the running app (`marquee dev`'s Fast Refresh); its
    /// value says how it went, as the native host's `InputSender::refresh` takes it.
    Refresh(String),
    /// Load the page again, with the bundle [`Site::put_bundle`] put there last.
    Reload,
    /// Show this over the app, or take what is shown away.
    Problem(Option<String>),
}

impl Site {
    /// Writes the page, `web_wasm` (and web.js beside it), the bundle `store/bundles/ID.json` (`manifest`) with the
    /// objects it names, and `config` into `dir` (created; what it held is replaced).
    pub fn assemble(dir: &Path, manifest: &Path, web_wasm: &Path, config: &Config) -> Result<Site, String> {
        for sub in ["bundle/bundles", "bundle/objects", "dev"] {
            std::fs::create_dir_all(dir.join(sub)).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        write_page(dir, &PAGE, web_wasm)?;
        let site = Site { dir: dir.to_path_buf(), told: 0.into() };
        site.put_bundle(manifest, config)?;
        Ok(site)
    }

    /// Puts the bundle `store/bundles/ID.json` (`manifest`) with the objects it names in the
    /// page's directory, and `config` naming it: what the page loads when it next loads.
    pub fn put_bundle(&self, manifest: &Path, config: &Config) -> Result<(), String> {
        let (dir, io) = (&self.dir, |what: &Path, e: std::io::Error| format!("{}: {e}", what.display()));
        let id = manifest
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| format!("{}: not a bundle manifest (STORE/bundles/ID.json)", manifest.display()))?;
        let store = manifest.parent().and_then(Path::parent).ok_or("the manifest is not in a bundle store")?;
        let text = std::fs::read_to_string(manifest).map_err(|e| io(manifest, e))?;
        let parsed: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", manifest.display()))?;
        let files = parsed["files"].as_object().ok_or_else(|| format!("{}: no files", manifest.display()))?;
        let name = format!("bundle/bundles/{id}.json");
        std::fs::write(dir.join(&name), &text).map_err(|e| io(&dir.join(&name), e))?;
        for (path, file) in files {
            let sha = file["sha256"].as_str().filter(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()));
            let sha = sha.ok_or_else(|| format!("{}: {path} has no SHA-256", manifest.display()))?;
            let from = store.join("objects").join(sha);
            std::fs::copy(&from, dir.join("bundle/objects").join(sha)).map_err(|e| io(&from, e))?;
        }
        // Renamed into place: a page loading now reads the old config or the new, whole.
        write_whole(&dir.join("config.json"), config.json(&name).as_bytes())
    }

    /// Tells a page that follows edits of `edit`: `dev/N.json` for the Nth, then `dev/last.json`
    /// saying N, which the page polls; it takes every edit after the last it took, in order.
    pub fn tell(&self, edit: &Edit) -> Result<(), String> {
        let n = self.told.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        let json = match edit {
            Edit::Refresh(script) => serde_json::json!({ "kind": "refresh", "script": script }),
            Edit::Reload => serde_json::json!({ "kind": "reload" }),
            Edit::Problem(problem) => serde_json::json!({ "kind": "problem", "text": problem }),
        };
        write_whole(&self.dir.join(format!("dev/{n}.json")), json.to_string().as_bytes())?;
        write_whole(&self.dir.join("dev/last.json"), serde_json::json!({ "last": n }).to_string().as_bytes())
    }

    /// Writes the benchmark page into `dir` (created; what it held is replaced): the page,
    /// `web_wasm` and `engine_wasm` (with web.js and engine.js from beside them), the scene's
    /// `fonts` (loaded in this order) and its `stream` (marquee-replay's JSON, the host's answers
    /// written out), for [`BenchConfig`]'s run.
    pub fn bench(
        dir: &Path,
        web_wasm: &Path,
        engine_wasm: &Path,
        fonts: &[PathBuf],
        stream: &str,
        config: &BenchConfig,
    ) -> Result<Site, String> {
        let io = |what: &Path, e: std::io::Error| format!("{}: {e}", what.display());
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir.join("fonts")).map_err(|e| io(dir, e))?;
        write_page(dir, &BENCH_PAGE, web_wasm)?;
        let engine_js = engine_wasm.with_file_name("engine.js");
        for (from, to) in [(engine_wasm, "engine.wasm"), (&engine_js, "engine.js")] {
            std::fs::copy(from, dir.join(to))
                .map_err(|e| format!("{}: {e} (build it with `cargo xtask wasm`)", from.display()))?;
        }
        let mut urls = Vec::new();
        for (n, font) in fonts.iter().enumerate() {
            let url = format!("fonts/{n}");
            std::fs::copy(font, dir.join(&url)).map_err(|e| io(font, e))?;
            urls.push(url);
        }
        std::fs::write(dir.join("stream.json"), stream).map_err(|e| io(&dir.join("stream.json"), e))?;
        let json = serde_json::json!({
            "size": [config.size.0, config.size.1],
            "background": config.background,
            "engine": if config.js { "js" } else { "wasm" },
            "engineWasm": "engine.wasm",
            "engineJs": "engine.js",
            "web": "web.wasm",
            "webJs": "web.js",
            "fonts": urls,
            "stream": "stream.json",
            "poster": [config.poster.0, config.poster.1],
            "abi": marquee_engine_contract::ABI_VERSION,
            // The engine's phase counters (ns): layout, animation, display list.
            "phaseStats": [Stat::LayoutNs as u32, Stat::AnimationNs as u32, Stat::DisplayListNs as u32],
        });
        std::fs::write(dir.join("bench.json"), json.to_string()).map_err(|e| io(&dir.join("bench.json"), e))?;
        Ok(Site { dir: dir.to_path_buf(), told: 0.into() })
    }

    /// Where it is.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The page's path for a bundle file's object (tests tamper with it).
    pub fn object(&self, sha256: &str) -> PathBuf {
        self.dir.join("bundle/objects").join(sha256)
    }
}

/// One scene's run on the benchmark page ([`Site::bench`]).
#[derive(Debug, Clone, PartialEq)]
pub struct BenchConfig {
    /// The surface, in pixels.
    pub size: (u32, u32),
    /// The colour under everything, `0xRRGGBBAA`.
    pub background: u32,
    /// engine.js and web.js rather than engine.wasm and web.wasm (run it in a page without
    /// WebAssembly: `drive` with `Lacks::webassembly`).
    pub js: bool,
    /// The size of the posters the scene's image loads get.
    pub poster: (u32, u32),
}

/// Writes `bytes` to `path` through a file renamed over it: whoever reads it reads it whole.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), String> {
    marquee_bundle::write_atomic(path, bytes).map_err(|e| e.to_string())
}

/// Writes `files`, the shared modules, and `web_wasm` with web.js from beside it into `dir`.
fn write_page(dir: &Path, files: &[(&str, &str)], web_wasm: &Path) -> Result<(), String> {
    for (path, body) in files.iter().chain(&SHARED) {
        std::fs::write(dir.join(path), body).map_err(|e| format!("{}: {e}", dir.join(path).display()))?;
    }
    for (from, to) in [(web_wasm.to_path_buf(), "web.wasm"), (web_wasm.with_file_name("web.js"), "web.js")] {
        std::fs::copy(&from, dir.join(to))
            .map_err(|e| format!("{}: {e} (build it with `cargo xtask wasm`)", from.display()))?;
    }
    Ok(())
}

/// Serves `site` on `addr` (127.0.0.1, any port with 0) until the server is dropped, cross-origin
/// isolated: the page's timings are to 5 µs and its heap can be measured.
pub fn serve(site: &Site, addr: std::net::SocketAddr) -> Result<marquee_serve::Server, String> {
    marquee_serve::Server::start_isolated(site.dir(), addr).map_err(|e| e.to_string())
}
