//! `marquee web`: an app in a web page. The app (a directory, built into a bundle first, or a
//! bundle's manifest) is put with the page and web.wasm into a directory (`marquee_browser::Site`)
//! served on 127.0.0.1; `--open` opens it in the desktop's browser, `--headless` runs it in
//! headless Chromium with `marquee run`'s options and report. With `--dev` the page follows the
//! app's edits as `marquee dev` does ([`Page`]): each rebuild is bundled again, and the page
//! takes the edit in place (Fast Refresh, in the app worker) or loads again.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use marquee_device::Profile;

use marquee_bundle::BuildOptions;

use crate::{Keys, build_bundle, bundle_options, demo_dir, parse_keys, parse_size, tools};

#[derive(Args)]
pub(crate) struct WebArgs {
    /// The app's directory (bundled first), or a bundle's manifest (`STORE/bundles/ID.json`);
    /// default: the demo app.
    app: Option<PathBuf>,
    /// The port to serve the page on, on 127.0.0.1 (0: any free one).
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Open the page in the desktop's browser (xdg-open).
    #[arg(long)]
    open: bool,
    /// Run the page in headless Chromium (CHROMIUM, else /usr/bin/chromium) and report, as
    /// `marquee run --headless` does; without it the page is served until interrupted.
    #[arg(long)]
    headless: bool,
    /// Stop after this many frames (headless default: when the app is idle).
    #[arg(long)]
    frames: Option<u64>,
    /// Remote keys at frame numbers: `30:right,45:right,60:enter`.
    #[arg(long, value_parser = parse_keys, default_value = "")]
    keys: Keys,
    /// Write the last frame as a PNG (headless).
    #[arg(long, value_name = "PNG")]
    screenshot: Option<PathBuf>,
    /// Surface size (default: the device profile's, else 1280x720).
    #[arg(long, value_parser = parse_size)]
    size: Option<(u32, u32)>,
    /// Which engine build the page runs: engine.wasm through the browser's WebAssembly, engine.js
    /// (the page also runs as a browser without WebAssembly would), or auto: the app's Wasm
    /// rollout and the browser's capability decide. Default: the device profile's, else auto.
    #[arg(long, value_enum)]
    engine: Option<WebEngine>,
    /// Simulate a class of device (see `marquee run --device`): its screen, frame rate, engine
    /// build, texture budget and GL texture limit.
    #[arg(long, value_name = "NAME|FILE")]
    device: Option<String>,
    /// Display rate in frames per second (default: the device profile's, else 60).
    #[arg(long)]
    fps: Option<f64>,
    /// Advance frame time by exactly 1/fps per frame (reproducible runs).
    #[arg(long)]
    virtual_time: bool,
    /// The app's requests fail as with no network.
    #[arg(long)]
    offline: bool,
    /// This browser's id in rollouts (default: one the page keeps in its storage).
    #[arg(long)]
    device_id: Option<String>,
    /// End a headless run after this many seconds (default 120).
    #[arg(long)]
    timeout: Option<f64>,
    /// Also write the page's report as JSON.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Record every input the page's engine got (headless), as `marquee run --record` does:
    /// `marquee replay FILE` then plays it through the native engine, engine.wasm and engine.js.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Follow the app's edits, as `marquee dev` does: each save is built and applied in the page,
    /// in place with its state kept for a React app (Fast Refresh), else by loading the page
    /// again with the new bundle; an edit that does not build is shown over the app.
    #[arg(long)]
    dev: bool,
    /// Show the debug overlay from the first frame, as `marquee run --overlay` does (F12, or
    /// Menu Menu Menu Up on a remote, moves it on: hidden, shown, inspecting).
    #[arg(long)]
    overlay: bool,
    /// engine.wasm to bundle an app directory with (engine.js from beside it).
    #[arg(long, value_name = "WASM")]
    engine_wasm: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum WebEngine {
    Auto,
    Wasm,
    Js,
}

pub(crate) fn web(args: WebArgs) -> Result<(), String> {
    let app = args.app.clone().unwrap_or_else(demo_dir);
    let work = std::env::temp_dir().join(format!("marquee-web-{}", std::process::id()));
    let result = serve_app(&args, &app, &work);
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn serve_app(args: &WebArgs, app: &std::path::Path, work: &std::path::Path) -> Result<(), String> {
    let store = marquee_bundle::Store::new(work.join("store"));
    let mut dev = None;
    let manifest = if args.dev {
        if !app.is_dir() {
            return Err(format!("{}: --dev follows an app's directory, not a bundle", app.display()));
        }
        let build = marquee_dev::Build::new(app, tools(None)).map_err(|e| format!("{}: {e}", app.display()))?;
        if let Some(why) = &build.without_refresh {
            eprintln!("dev: Fast Refresh is off, and each edit loads the page again: {why}");
        }
        let options = BuildOptions { app_js: build.entry(), ..bundle_options(args.engine_wasm.clone(), None, None)? };
        let (id, _) = marquee_bundle::build(app, &store, &options).map_err(|e| e.to_string())?;
        dev = Some((build, options));
        store.manifest_path(&id)
    } else if app.is_dir() {
        let (id, _) = build_bundle(app, &store, args.engine_wasm.clone(), None, None)?;
        store.manifest_path(&id)
    } else if app.is_file() {
        app.to_path_buf()
    } else {
        return Err(format!("{}: no such app directory or bundle manifest", app.display()));
    };
    let profile = args.device.as_deref().map(Profile::load).transpose().map_err(|e| e.to_string())?;
    let engine = match args.engine {
        Some(WebEngine::Auto) => "auto",
        Some(WebEngine::Wasm) => "wasm",
        Some(WebEngine::Js) => "js",
        None => match profile.as_ref().map(|p| p.engine.runtime) {
            Some(marquee_device::Runtime::Js) => "js",
            // A browser has one WebAssembly: an interpreter-class device is the browser's Wasm.
            Some(marquee_device::Runtime::Wasm | marquee_device::Runtime::Wasmi) => "wasm",
            Some(marquee_device::Runtime::Auto) | None => "auto",
        },
    };
    let config = marquee_browser::Config {
        size: args.size.or(profile.as_ref().map(|p| (p.display.size[0], p.display.size[1]))).unwrap_or((1280, 720)),
        fps: args.fps.or(profile.as_ref().map(|p| p.display.refresh)).unwrap_or(60.0),
        engine: engine.into(),
        texture_budget: profile
            .as_ref()
            .map_or(marquee_host::DEFAULT_TEXTURE_BUDGET, |p| Profile::bytes(p.renderer.texture_budget_mib)),
        max_texture: profile.as_ref().map_or(0, |p| p.renderer.max_texture_size),
        virtual_time: args.virtual_time,
        offline: args.offline,
        keys: args.keys.0.iter().map(|&(at, key)| (at, key as u16)).collect(),
        frames: args.frames,
        stop_when_idle: args.headless && args.frames.is_none(),
        device_id: args.device_id.clone(),
        record: args.record.is_some(),
        dev: args.dev,
        overlay: args.overlay,
        ..marquee_browser::Config::default()
    };
    let web_wasm = marquee_engine_contract::paths::web_wasm();
    let site = marquee_browser::Site::assemble(&work.join("site"), &manifest, &web_wasm, &config)?;
    let port = if args.headless { 0 } else { args.port };
    let server = marquee_browser::serve(&site, std::net::SocketAddr::from(([127, 0, 0, 1], port)))?;
    let url = format!("http://{}/index.html", server.addr());
    // Dropped when the run ends: the loop stops.
    let _dev_loop = match dev {
        Some((build, options)) => {
            let page = Page { site, store, app: build.app().to_path_buf(), options, config };
            let running = marquee_dev::Dev::start(build, page, |r| crate::say_rebuild(r, false))
                .map_err(|e| format!("{e}; edits would not reach the page"))?;
            println!("dev: watching {} for changes", app.display());
            Some(running)
        }
        None => None,
    };
    if !args.headless {
        println!("serving {} on {url} (Ctrl-C to stop)", app.display());
        if args.open {
            std::process::Command::new("xdg-open").arg(&url).status().map_err(|e| format!("xdg-open: {e}"))?;
        }
        loop {
            std::thread::park();
        }
    }
    let timeout = Duration::from_secs_f64(args.timeout.unwrap_or(120.0).max(1.0));
    let lacks = marquee_browser::Lacks { webassembly: engine == "js", ..Default::default() };
    let outcome = marquee_browser::drive(&url, timeout, lacks)?;
    print_report(&outcome.report);
    if let Some(path) = &args.report {
        std::fs::write(path, outcome.report.to_string()).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if let Some(path) = &args.screenshot {
        marquee_browser::write_png(path, outcome.size, &outcome.pixels)?;
        println!("screenshot: {}", path.display());
    }
    if let Some(path) = &args.record {
        let recording = marquee_browser::recording(&outcome.report)?;
        let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let header = format!("marquee web {}: {} frames", app.display(), recording.frames.len());
        let mut recorder =
            marquee_engine_contract::stream::Recorder::new(Box::new(std::io::BufWriter::new(file)), &header);
        for step in &recording.steps {
            recorder.step(step);
        }
        recorder.finish();
        if let Some(e) = recorder.stopped {
            return Err(format!("{}: {e}", path.display()));
        }
        println!("recording: {}", path.display());
    }
    Ok(())
}

/// The page under `marquee web --dev`, as the loop's host: each edit is bundled again (what the
/// page loads next), then told to the page.
struct Page {
    site: marquee_browser::Site,
    store: marquee_bundle::Store,
    app: PathBuf,
    options: BuildOptions,
    config: marquee_browser::Config,
}

impl Page {
    /// Bundles the app as it is now and tells the page `edit`; false when the page can no
    /// longer be told.
    fn tell(&self, edit: marquee_browser::Edit) -> bool {
        let bundled = marquee_bundle::build(&self.app, &self.store, &self.options)
            .map_err(|e| e.to_string())
            .and_then(|(id, _)| self.site.put_bundle(&self.store.manifest_path(&id), &self.config));
        let edit = match bundled {
            Ok(()) => edit,
            Err(why) => marquee_browser::Edit::Problem(Some(format!("The app does not bundle\n\n{why}"))),
        };
        self.say(&edit)
    }

    /// Tells the page `edit` as it is; false when the page can no longer be told.
    fn say(&self, edit: &marquee_browser::Edit) -> bool {
        match self.site.tell(edit) {
            Ok(()) => true,
            Err(e) => {
                eprintln!("marquee: the page cannot be told of edits any more: {e}");
                false
            }
        }
    }
}

impl marquee_dev::Target for Page {
    fn refresh(&self, update: String) -> bool {
        self.tell(marquee_browser::Edit::Refresh(update))
    }

    fn reload(&self) -> bool {
        self.tell(marquee_browser::Edit::Reload)
    }

    fn show_problem(&self, problem: Option<String>) -> bool {
        self.say(&marquee_browser::Edit::Problem(problem))
    }
}

/// The page's run in words: how it ended, the builds chosen, frames a second, the engine's and
/// the renderer's time per frame, the first frame.
fn print_report(report: &serde_json::Value) {
    let times = |key: &str| -> Vec<f64> {
        let mut v: Vec<f64> = report["frameTimes"]
            .as_array()
            .map(|frames| frames.iter().filter_map(|f| f[key].as_f64()).collect())
            .unwrap_or_default();
        v.sort_by(f64::total_cmp);
        v
    };
    let at = |v: &[f64], q: f64| v.get(((v.len() as f64 - 1.0) * q).round().max(0.0) as usize).copied().unwrap_or(0.0);
    let frames = report["frames"].as_u64().unwrap_or(0);
    let seconds = report["seconds"].as_f64().unwrap_or(0.0);
    let engine = if report["engine"]["js"] == true { "engine.js" } else { "engine.wasm" };
    println!("ended: {} after {frames} frames in {seconds:.2} s", report["ended"].as_str().unwrap_or("?"));
    println!("engine: {engine} ({})", report["engine"]["reason"].as_str().unwrap_or(""));
    println!("renderer: {}", report["renderer"].as_str().unwrap_or(""));
    if seconds > 0.0 {
        println!("frames per second: {:.1}", frames as f64 / seconds);
    }
    for (name, key) in [("engine", "engine"), ("render", "render")] {
        let v = times(key);
        println!("{name} ms per frame: median {:.3}, p95 {:.3}, max {:.3}", at(&v, 0.5), at(&v, 0.95), at(&v, 1.0));
    }
    if let Some(ms) = report["mainThread"]["taskMs"].as_f64().filter(|_| frames > 0) {
        println!("main thread: {ms:.1} ms busy over the run, {:.3} ms a frame", ms / frames as f64);
    }
    if let Some(bytes) = report["heap"]["total"].as_u64() {
        println!("JavaScript heap, every thread: {:.1} MiB", bytes as f64 / 1048576.0);
    }
    println!("first frame: {:.1} ms after the engine started", report["firstFrameMs"].as_f64().unwrap_or(0.0));
    println!("nodes: {}, command errors: {}", report["nodes"], report["commandErrors"]);
}
