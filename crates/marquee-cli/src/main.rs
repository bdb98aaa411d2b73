//! `marquee`: the developer's command.
//!
//! `marquee run [APP_DIR]` starts the native host on an app directory (the bundled demo when
//! none is given): in a desktop window when there is a display, headless otherwise. A headless
//! run renders until the app is idle (or `--frames`), can write a screenshot, and prints frame
//! statistics; `--keys` scripts remote presses at frame numbers, so a session can be replayed.
//! `marquee bundle` builds an app into a content-addressed bundle, and `marquee run` given a
//! bundle's manifest installs it (every byte verified) and runs it with the engine it carries;
//! `marquee serve` serves a repository or store over HTTP. `marquee new` starts an app from a
//! template and `marquee test` runs its tests (see `scaffold`); `marquee dev` runs an app as
//! `run` does and reloads it whenever its files change (see `marquee_dev`). `keys`, `publish`,
//! `channel` and `timestamp` keep a signed update repository; `run --update-url` runs a device
//! that updates from one (see `ota`).

mod ota;
mod scaffold;
mod web;
#[cfg(feature = "window")]
mod window;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use marquee_device::Profile;
use marquee_engine_contract::{paths, stream};
use marquee_host::{Ended, EngineChoice, Headless, Host, Key, Options, Report, Stop};

#[derive(Parser)]
#[command(name = "marquee", version, about = "Build and run Marquee TV apps")]
struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Subcommand)]
enum Commands {
    /// Run an app (an npm package directory); the bundled demo by default.
    Run(Box<RunArgs>),
    /// Run an app as `run` does, and reload it in the same window (or headless run) whenever
    /// its files change: JSX, TypeScript and React are rebuilt with esbuild. An edit that does
    /// not build, or throws while the app starts, shows the error on screen and keeps the last
    /// good app running.
    Dev(Box<RunArgs>),
    /// Create an app from a template: TypeScript, with React (default) or the SDK's proxy nodes.
    New(scaffold::NewArgs),
    /// Run an app's tests (`test/*.test.{js,mjs,jsx,ts,tsx}`, compiled for Node) with node --test.
    Test(scaffold::TestArgs),
    /// Replay a recording (`run --record`) through the native engine, engine.wasm and engine.js
    /// and compare every frame byte for byte.
    Replay(ReplayArgs),
    /// Build a bundle of an app (its JavaScript through esbuild, engine.wasm, engine.js, assets)
    /// into a content-addressed store; `marquee run STORE/bundles/ID.json` runs it.
    Bundle(BundleArgs),
    /// Run an app in a web page (the same bundle and engine build, in Workers, drawn with
    /// WebGL): served on 127.0.0.1 for a desktop browser, or run in headless Chromium.
    Web(Box<web::WebArgs>),
    /// Serve an update repository (or a bundle store) over HTTP: static files with range
    /// requests, ETags and cache headers, on 127.0.0.1 unless told otherwise.
    Serve(ServeArgs),
    /// Create or rotate the update repository's signing keys.
    #[command(subcommand)]
    Keys(ota::KeysCommand),
    /// Publish a bundle on a channel of the update repository, to a share of devices.
    Publish(ota::PublishArgs),
    /// Show or change a channel: a release's rollout, halt, resume or withdrawal; the
    /// engine.wasm rollout and kill switch.
    Channel(ota::ChannelArgs),
    /// Re-sign the repository's timestamp (run it well within its 1-day expiry, e.g. hourly).
    Timestamp(ota::RepoArgs),
    /// Check for an update once, as a device does in the background, and stage it.
    #[command(after_help = ota::UPDATE_EXIT_CODES)]
    Update(UpdateArgs),
    /// Check the whole update repository as devices will: every signed file against its
    /// signature, every object of every bundle against its manifest (run it before and after a
    /// publish, and on the CDN's copy).
    Verify(VerifyArgs),
}

#[derive(Args)]
struct UpdateArgs {
    #[command(flatten)]
    device: ota::DeviceArgs,
    /// This device's id, which places it in staged rollouts.
    #[arg(long, default_value = "local")]
    device_id: String,
    /// Print the outcome as one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct VerifyArgs {
    #[command(flatten)]
    at: ota::RepoArgs,
    /// Print the result as one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct ServeArgs {
    /// The directory to serve.
    dir: PathBuf,
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// Stop after this many seconds (default: serve until interrupted).
    #[arg(long, value_name = "SECONDS")]
    r#for: Option<f64>,
}

#[derive(Args)]
struct BundleArgs {
    /// The app's directory; default: the demo app.
    app: Option<PathBuf>,
    /// The store the bundle is written to (objects/ and bundles/).
    #[arg(long, default_value = "bundles")]
    out: PathBuf,
    /// engine.wasm (engine.js is taken from beside it when there).
    #[arg(long, value_name = "WASM")]
    engine_wasm: Option<PathBuf>,
    /// The oldest host version that may run the bundle (default: this one).
    #[arg(long, value_name = "VERSION")]
    min_host: Option<String>,
    /// The esbuild executable (default: node_modules/.bin/esbuild at or above the app, then
    /// esbuild on the PATH, then the one installed beside Marquee).
    #[arg(long, value_name = "PATH")]
    esbuild: Option<PathBuf>,
    /// Print only the bundle's id (for scripts: `ID=$(marquee bundle APP --print-id)`).
    #[arg(long)]
    print_id: bool,
}

#[derive(Args)]
struct ReplayArgs {
    /// The recording.
    file: PathBuf,
    /// The app that was recorded, for its fonts (default: the demo app).
    #[arg(long)]
    app: Option<PathBuf>,
    /// engine.wasm (engine.js is read from beside it).
    #[arg(long, value_name = "WASM")]
    engine_wasm: Option<PathBuf>,
}

#[derive(Args)]
struct RunArgs {
    /// The app's directory, or a bundle's manifest (`STORE/bundles/ID.json`, see `marquee
    /// bundle`), which is verified and installed first; default: the demo app.
    app: Option<PathBuf>,
    /// Where bundles are installed (default: ~/.cache/marquee/apps).
    #[arg(long, value_name = "DIR")]
    install_dir: Option<PathBuf>,
    /// Render without a window.
    #[arg(long)]
    headless: bool,
    /// Stop after this many frames (default: when the app is idle).
    #[arg(long)]
    frames: Option<u64>,
    /// Write the last frame as a PNG.
    #[arg(long, value_name = "PNG")]
    screenshot: Option<PathBuf>,
    /// Simulate a class of device: a built-in profile (desktop, tv-1080p, tv-4k, stick-720p,
    /// legacy-no-wasm) or a profile file (NAME.toml): its screen, renderer and GL limits,
    /// budgets, engine runtime and memory caps. Flags given as well override it.
    #[arg(long, value_name = "NAME|FILE")]
    device: Option<String>,
    /// Surface size (default: the device profile's, else 1280x720).
    #[arg(long, value_parser = parse_size)]
    size: Option<(u32, u32)>,
    /// Remote keys at frame numbers: `30:right,45:right,60:enter`.
    #[arg(long, value_parser = parse_keys, default_value = "")]
    keys: Keys,
    /// Display rate in frames per second (default: the device profile's, else 60).
    #[arg(long)]
    fps: Option<f64>,
    /// Render frames back to back instead of pacing them (for measuring).
    #[arg(long)]
    unpaced: bool,
    /// Advance frame time by exactly 1/fps per frame (reproducible runs).
    #[arg(long)]
    virtual_time: bool,
    /// engine.wasm (default: `MARQUEE_ENGINE_WASM`, or the one `cargo xtask wasm` built);
    /// engine.js is read from beside it.
    #[arg(long, value_name = "WASM")]
    engine_wasm: Option<PathBuf>,
    /// Which engine build runs: `wasm` (engine.wasm in wasmtime), `wasmi` (engine.wasm in the
    /// wasmi interpreter, as on devices without a JIT), `js` (engine.js in QuickJS, as on
    /// devices without Wasm), or `auto`: decided by the device's capability and the app's Wasm
    /// rollout (`marquee.wasm` in its package.json). Default: the device profile's, else auto.
    #[arg(long, value_enum)]
    engine: Option<Build>,
    /// This device's id, which places it in staged rollouts.
    #[arg(long, default_value = "local")]
    device_id: String,
    /// Where compiled engine modules are cached (default: ~/.cache/marquee/modules).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Compile the engine module every time.
    #[arg(long)]
    no_cache: bool,
    /// The device's languages, most preferred first, as BCP 47 tags (`he-IL,en-US`): what the
    /// app reads as `navigator.languages` (default: from LC_ALL, LC_MESSAGES or LANG, else en-US).
    #[arg(long, value_name = "TAGS", value_delimiter = ',')]
    locale: Vec<String>,
    /// Trust only the certificates in this PEM file for the app's HTTPS requests (a development
    /// server's, or a private CA's), instead of Mozilla's roots.
    #[arg(long, value_name = "PEM")]
    ca_file: Option<PathBuf>,
    /// Keep the app's localStorage in memory for this run only (by default it persists in the
    /// device's state directory, `--state`, under `storage/<app>/`).
    #[arg(long)]
    no_storage: bool,
    /// Run as a device without a network: the app's requests fail as when the network is down
    /// (to see its offline path; the demo then shows its bundled catalogue).
    #[arg(long)]
    offline: bool,
    /// End the run after this many seconds (headless default: 60; a window stays until closed).
    #[arg(long)]
    timeout: Option<f64>,
    /// Texture memory for decoded images, in MiB: images out of view are released, least
    /// recently seen first, to stay within it, and twice it is a hard cap that images in view
    /// do not pass either (default: 128).
    #[arg(long, value_name = "MIB")]
    texture_budget: Option<f64>,
    /// Layer pixels the canvas keeps between frames, in MiB: the least recently drawn go first,
    /// and are rasterized again when shown (default: 64).
    #[arg(long, value_name = "MIB")]
    layer_budget: Option<f64>,
    /// Which backend draws frames: the CPU (tiny-skia), the GPU (OpenGL ES 2.0 through EGL:
    /// presented in the window itself on X11, read back headless and for the screenshot), or
    /// the GPU when a context can be made (default: the device profile's, else the CPU).
    #[arg(long, value_enum)]
    renderer: Option<Renderer>,
    /// Show the debug overlay from the first frame: the frame timeline, the engine's build and
    /// counters, memory against its budgets, the app's batches, rejected commands and console,
    /// drawn over the app (in a window F12 shows and hides it; on a remote, Menu Menu Menu Up).
    #[arg(long)]
    overlay: bool,
    /// A directory whose files `file:` image URLs may name (repeatable; default: none, and
    /// `file:` URLs are refused).
    #[arg(long, value_name = "DIR")]
    allow_file_dir: Vec<PathBuf>,
    /// Write every input the engine gets to FILE, for `marquee replay`.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Print only errors, warnings and update decisions: no app console, no run report.
    #[arg(long)]
    quiet: bool,
    /// Also write the run's report as JSON: every frame's timings, the start-up figures and
    /// the first presented frame as wall-clock time (for `marquee-bench`'s start-up scene).
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    #[command(flatten)]
    updates: ota::DeviceArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Renderer {
    Cpu,
    Gpu,
    Auto,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Build {
    Auto,
    Wasm,
    Wasmi,
    Js,
}

#[derive(Clone, Default)]
struct Keys(Vec<(u64, Key)>);

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s.split_once('x').ok_or("expected WIDTHxHEIGHT, e.g. 1280x720")?;
    let side = |v: &str| match v.parse::<u32>() {
        Ok(n) if (1..=16384).contains(&n) => Ok(n),
        _ => Err(format!("`{v}` is not a side between 1 and 16384")),
    };
    Ok((side(w)?, side(h)?))
}

fn parse_keys(s: &str) -> Result<Keys, String> {
    let mut keys = Vec::new();
    for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (frame, key) = item.split_once(':').ok_or_else(|| format!("`{item}`: expected FRAME:KEY"))?;
        let frame = frame.parse().map_err(|_| format!("`{frame}` is not a frame number"))?;
        let names = Key::ALL.map(Key::name).join(", ");
        let key = Key::from_name(key).ok_or_else(|| format!("`{key}` is not a key ({names})"))?;
        keys.push((frame, key));
    }
    Ok(Keys(keys))
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Commands::Run(args) => run(*args, false),
        Commands::Dev(args) => run(*args, true),
        Commands::Replay(args) => replay(args),
        Commands::Bundle(args) => bundle(args),
        Commands::New(args) => scaffold::new(args),
        Commands::Test(args) => scaffold::test(args),
        Commands::Serve(args) => serve(args),
        Commands::Web(args) => web::web(*args),
        Commands::Keys(command) => ota::keys(command),
        Commands::Publish(args) => ota::publish(args),
        Commands::Channel(args) => ota::channel(args),
        Commands::Timestamp(args) => ota::timestamp(args),
        Commands::Verify(args) => ota::verify(args.at, args.json),
        Commands::Update(args) => {
            return match ota::update(args.device, &args.device_id, args.json) {
                Ok(code) => ExitCode::from(code),
                Err(e) => failed(&e),
            };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => failed(&e),
    }
}

fn failed(e: &str) -> ExitCode {
    eprintln!("marquee: {e}");
    ExitCode::FAILURE
}

/// The repository's demo app, for `run` without an argument.
fn demo_dir() -> PathBuf {
    paths::demo_app()
}

/// The engine module: the flag, else `MARQUEE_ENGINE_WASM`, else where `cargo xtask wasm` wrote
/// it in this checkout.
fn engine_path(flag: Option<PathBuf>) -> PathBuf {
    flag.unwrap_or_else(paths::engine_wasm)
}

/// The user's cache directory: `$XDG_CACHE_HOME`, else `~/.cache`.
pub(crate) fn user_cache() -> Option<PathBuf> {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
}

/// Installs the bundle whose manifest is `manifest` (`STORE/bundles/ID.json`) from its store;
/// returns the installed directory.
fn install_bundle(manifest: &Path, install_dir: Option<PathBuf>) -> Result<PathBuf, String> {
    let (store, id) = ota::bundle_in_store(manifest)?;
    let dest = install_dir
        .or_else(|| user_cache().map(|c| c.join("marquee/apps")))
        .ok_or("no cache directory (set HOME or XDG_CACHE_HOME, or pass --install-dir)")?;
    std::fs::create_dir_all(&dest).map_err(|e| format!("{}: {e}", dest.display()))?;
    marquee_bundle::install(&store, &id, &dest).map_err(|e| e.to_string())
}

fn bundle(args: BundleArgs) -> Result<(), String> {
    let app = args.app.unwrap_or_else(demo_dir);
    let store = marquee_bundle::Store::new(&args.out);
    let (id, manifest) = build_bundle(&app, &store, args.engine_wasm, args.esbuild, args.min_host)?;
    if args.print_id {
        println!("{id}");
        return Ok(());
    }
    let total: u64 = manifest.files.values().map(|f| f.size).sum();
    for (path, f) in manifest.files.iter().filter(|(p, _)| !p.starts_with("assets/")) {
        println!("{path:>14}  {:>9} bytes  {}", f.size, &f.sha256[..16]);
    }
    let assets = manifest.files.keys().filter(|p| p.starts_with("assets/")).count();
    println!("{:>14}  {assets} files", "assets/");
    println!("bundle {id}: {} {}, {} files, {total} bytes", manifest.app, manifest.version, manifest.files.len());
    println!("manifest: {}", store.manifest_path(&id).display());
    Ok(())
}

fn serve(args: ServeArgs) -> Result<(), String> {
    let server = marquee_serve::Server::start(&args.dir, args.addr).map_err(|e| e.to_string())?;
    println!("serving {} on http://{}", args.dir.display(), server.addr());
    match args.r#for {
        Some(seconds) if seconds.is_finite() && seconds >= 0.0 => {
            std::thread::sleep(Duration::from_secs_f64(seconds));
            drop(server);
        }
        Some(seconds) => return Err(format!("--for {seconds}: expected a number of seconds")),
        None => server.wait(),
    }
    Ok(())
}

fn cache_dir(args: &RunArgs) -> Option<PathBuf> {
    if args.no_cache {
        return None;
    }
    args.cache.clone().or_else(|| Some(user_cache()?.join("marquee/modules")))
}

/// The device's languages: `--locale`, else the environment's locale, else `en-US`.
fn languages(locale: &[String]) -> Result<Vec<String>, String> {
    if !locale.is_empty() {
        // A tag is letters and digits in parts of up to eight, the first a language.
        let valid = |t: &str| {
            let mut parts = t.split('-');
            parts.next().is_some_and(|l| (2..=8).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic()))
                && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
        };
        return match locale.iter().find(|t| !valid(t)) {
            Some(bad) => Err(format!("--locale {bad}: not a BCP 47 language tag (like en-US or zh-Hant-TW)")),
            None => Ok(locale.to_vec()),
        };
    }
    let from_env = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .next()
        .and_then(|posix| marquee_host::language_tag(&posix));
    Ok(vec![from_env.unwrap_or_else(|| "en-US".into())])
}

/// Where apps' localStorage persists: `storage/` in the device's state directory.
fn storage_dir(args: &RunArgs) -> Option<PathBuf> {
    if args.no_storage {
        return None;
    }
    Some(args.updates.dir()?.join("storage"))
}

/// `marquee run`, or `marquee dev` (`dev`: the app is reloaded when its files change).
fn run(args: RunArgs, dev: bool) -> Result<(), String> {
    if dev && (args.updates.update_url.is_some() || args.app.as_ref().is_some_and(|a| a.is_file())) {
        return Err("marquee dev runs an app directory, not a bundle or an update channel".into());
    }
    let mut app = args.app.clone().unwrap_or_else(demo_dir);
    let mut engine_flag = args.engine_wasm.clone();
    let vitals = std::sync::Arc::new(marquee_host::Vitals::default());
    let mut device = None;
    let mut rollout = None;
    let mut trial = None;
    if let Some(url) = &args.updates.update_url {
        let (launched, wasm, run) = ota::start(&args.updates, url, &args.device_id, vitals.clone())?;
        if let Some(dir) = launched {
            engine_flag = engine_flag.or_else(|| Some(dir.join("engine.wasm")));
            app = dir;
        }
        rollout = wasm;
        // A trial must run long enough to be confirmed, idle or not.
        trial = run.on_trial().then_some(args.updates.confirm_after + 0.5);
        device = Some(run);
    }
    let result = run_host(&args, app, engine_flag, rollout, vitals.clone(), trial, dev);
    if let Some(device) = device {
        device.finish(&result);
    }
    result
}

fn run_host(
    args: &RunArgs,
    mut app: PathBuf,
    mut engine_flag: Option<PathBuf>,
    rollout: Option<marquee_host::WasmRollout>,
    vitals: std::sync::Arc<marquee_host::Vitals>,
    trial_seconds: Option<f64>,
    dev: bool,
) -> Result<(), String> {
    // A path ending in .json is a bundle manifest, there or not: say what is wrong with it.
    if app.is_file() || app.extension().is_some_and(|e| e == "json") {
        let installed = install_bundle(&app, args.install_dir.clone())?;
        if !args.quiet {
            println!("bundle: installed and verified in {}", installed.display());
        }
        // A bundle brings its own engine unless one is asked for.
        engine_flag = engine_flag.or_else(|| Some(installed.join("engine.wasm")));
        app = installed;
    }
    if !app.exists() {
        return Err(format!("{}: no such app directory or bundle manifest", app.display()));
    }
    if !app.join("package.json").is_file() {
        return Err(format!("{}: not an app directory (no package.json)", app.display()));
    }
    let engine = engine_path(engine_flag);
    let wasm = std::fs::read(&engine)
        .map_err(|e| format!("{}: {e} (build it with `cargo xtask wasm`, or pass --engine-wasm)", engine.display()))?;

    // engine.js is built beside engine.wasm; a host without it can only run Wasm.
    let engine_js = std::fs::read_to_string(engine.with_file_name("engine.js")).ok();
    let mut options = Options::new(&app, wasm);
    options.engine_js = engine_js;
    // `marquee dev` builds the app its own way (a React app as modules, for Fast Refresh).
    let mut dev_build = None;
    if dev {
        let build = marquee_dev::Build::new(&app, tools(None)).map_err(|e| format!("{}: {e}", app.display()))?;
        if let Some(why) = &build.without_refresh {
            eprintln!("dev: Fast Refresh is off, and each edit restarts the app: {why}");
        }
        if let Some(entry) = build.entry() {
            if !args.quiet {
                println!("app: compiled into {}", entry.display());
            }
            options.entry = Some(entry);
        }
        dev_build = Some(build);
    }
    // JSX, TypeScript and React run compiled into one module, as in a bundle.
    else if marquee_bundle::needs_compile(&app) {
        let compiled = marquee_bundle::compile(&app, &tools(None)).map_err(|e| format!("{}: {e}", app.display()))?;
        if !args.quiet {
            println!("app: compiled into {}", compiled.display());
        }
        options.entry = Some(compiled);
    }
    let profile = args.device.as_deref().map(Profile::load).transpose().map_err(|e| e.to_string())?;
    if let Some(p) = &profile
        && !args.quiet
    {
        println!("device: {} — {}", p.name, p.description);
    }
    options.engine = match args.engine {
        Some(Build::Auto) => EngineChoice::Auto,
        Some(Build::Wasm) => EngineChoice::Wasm,
        Some(Build::Wasmi) => EngineChoice::Wasmi,
        Some(Build::Js) => EngineChoice::Js,
        None => match profile.as_ref().map(|p| p.engine.runtime) {
            Some(marquee_device::Runtime::Wasm) => EngineChoice::Wasm,
            Some(marquee_device::Runtime::Wasmi) => EngineChoice::Wasmi,
            Some(marquee_device::Runtime::Js) => EngineChoice::Js,
            Some(marquee_device::Runtime::Auto) | None => EngineChoice::Auto,
        },
    };
    options.device_id = args.device_id.clone();
    options.rollout = rollout;
    options.vitals = vitals;
    options.record = args.record.clone();
    options.cache_dir = cache_dir(args);
    options.storage_dir = storage_dir(args);
    options.languages = languages(&args.locale)?;
    options.offline = args.offline;
    options.ca_certs = match &args.ca_file {
        Some(path) => {
            let pem = std::fs::read(path).map_err(|e| format!("--ca-file {}: {e}", path.display()))?;
            if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
                return Err(format!("--ca-file {}: no PEM certificate in it", path.display()));
            }
            Some(pem)
        }
        None => None,
    };
    options.size =
        args.size.or(profile.as_ref().map(|p| (p.display.size[0], p.display.size[1]))).unwrap_or((1280, 720));
    options.fps = args.fps.or(profile.as_ref().map(|p| p.display.refresh)).unwrap_or(60.0);
    if let Some(p) = &profile {
        options.engine_memory = Profile::bytes(p.engine.memory_mib) as usize;
        options.js.memory = Profile::bytes(p.js.heap_mib) as usize;
        options.gpu_max_texture = Some(p.renderer.max_texture_size);
    }
    options.unpaced = args.unpaced;
    options.virtual_time = args.virtual_time;
    options.overlay = args.overlay;
    options.script = args.keys.0.clone();
    options.echo_console = !args.quiet;
    options.texture_budget = match args.texture_budget {
        Some(mib) if mib.is_finite() && mib >= 0.0 => (mib * 1048576.0) as u64,
        Some(mib) => return Err(format!("--texture-budget {mib}: expected a size in MiB")),
        None => profile
            .as_ref()
            .map_or(marquee_host::DEFAULT_TEXTURE_BUDGET, |p| Profile::bytes(p.renderer.texture_budget_mib)),
    };
    options.layer_budget = match args.layer_budget {
        Some(mib) if mib.is_finite() && mib >= 0.0 => (mib * 1048576.0) as usize,
        Some(mib) => return Err(format!("--layer-budget {mib}: expected a size in MiB")),
        None => profile.as_ref().map_or(options.layer_budget, |p| Profile::bytes(p.renderer.layer_budget_mib) as usize),
    };
    let backend = profile.as_ref().map(|p| match p.renderer.backend {
        marquee_device::Backend::Cpu => Renderer::Cpu,
        marquee_device::Backend::Gpu => Renderer::Gpu,
        marquee_device::Backend::Auto => Renderer::Auto,
    });
    options.renderer = match args.renderer.or(backend).unwrap_or(Renderer::Cpu) {
        Renderer::Cpu => marquee_host::RendererChoice::Cpu,
        Renderer::Gpu => marquee_host::RendererChoice::Gpu,
        Renderer::Auto => marquee_host::RendererChoice::Auto,
    };
    options.file_dirs = args.allow_file_dir.clone();
    let timeout = |default: Option<f64>| args.timeout.or(default).map(|s| Duration::from_secs_f64(s.max(0.1)));
    // A window is interactive: it stays open until closed (or the frame count / timeout asked).
    options.stop = Stop { frames: args.frames, when_idle: false, timeout: timeout(None) };
    // `marquee dev`'s loop, attached to the host once it runs.
    let mut dev_loop = None;
    let mut attach = |input: marquee_host::InputSender| {
        let Some(build) = dev_build.take() else { return };
        let quiet = args.quiet;
        match marquee_dev::Dev::start(build, input, move |r| say_rebuild(r, quiet)) {
            Ok(running) => {
                println!("dev: watching {} for changes", app.display());
                dev_loop = Some(running);
            }
            Err(e) => eprintln!("marquee: {e}; edits will not be reloaded"),
        }
    };
    let report = if args.headless { None } else { windowed(&options, &mut attach)? };
    let front_end = if report.is_some() { "window" } else { "headless" };
    let report = match report {
        Some(report) => report,
        None => {
            options.stop = match trial_seconds {
                Some(s) => Stop { frames: args.frames, when_idle: false, timeout: timeout(Some(s)) },
                // An app under development runs until it is stopped.
                None if dev => Stop { frames: args.frames, when_idle: false, timeout: timeout(None) },
                None => Stop { frames: args.frames, when_idle: args.frames.is_none(), timeout: timeout(Some(60.0)) },
            };
            let host = Host::start(options, Box::new(Headless)).map_err(|e| e.to_string())?;
            attach(host.input());
            host.join().map_err(|e| e.to_string())?
        }
    };
    drop(dev_loop);
    if !args.quiet {
        print_report(&report);
    }
    if let Some(path) = &args.report {
        let mut json = report_json(&report);
        json["front_end"] = serde_json::json!(front_end);
        let text = serde_json::to_string(&json).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if let Some(path) = &args.screenshot {
        let png = report.canvas.encode_png().map_err(|e| e.to_string())?;
        std::fs::write(path, png).map_err(|e| format!("{}: {e}", path.display()))?;
        if !args.quiet {
            println!("screenshot: {}", path.display());
        }
    }
    Ok(())
}

fn replay(args: ReplayArgs) -> Result<(), String> {
    let text = std::fs::read_to_string(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let steps = stream::parse(&text).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let engine = engine_path(args.engine_wasm);
    let wasm = std::fs::read(&engine).map_err(|e| format!("{}: {e}", engine.display()))?;
    let js_path = engine.with_file_name("engine.js");
    let js = std::fs::read_to_string(&js_path).map_err(|e| format!("{}: {e}", js_path.display()))?;
    let app = args.app.unwrap_or_else(demo_dir);
    // The app's fonts, as the host loaded them when it recorded (a font that fails is skipped).
    let service =
        || marquee_text::SharedText::new(marquee_text::TextSystem::with_fonts_in(&app.join("assets/fonts")).0);
    let frames = marquee_replay::replay(&steps, &wasm, &js, service).map_err(|e| e.to_string())?;
    println!("{frames} frames identical in the native engine, engine.wasm and engine.js");
    Ok(())
}

/// esbuild (`esbuild`, or found as [`marquee_bundle::Tools`] says) and, for apps that do not
/// install their own packages, the `node_modules` of the checkout this marquee was built from
/// (`npm ci` brings esbuild, the SDK and `@marquee/react`).
pub(crate) fn tools(esbuild: Option<PathBuf>) -> marquee_bundle::Tools {
    let toolchain = Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules")).filter(|p| p.is_dir());
    marquee_bundle::Tools { esbuild, toolchain }
}

/// Builds `app` into `store` with `engine_wasm` (engine.js from beside it; see
/// [`bundle_options`]).
fn build_bundle(
    app: &Path,
    store: &marquee_bundle::Store,
    engine_wasm: Option<PathBuf>,
    esbuild: Option<PathBuf>,
    min_host: Option<String>,
) -> Result<(marquee_bundle::BundleId, marquee_bundle::Manifest), String> {
    let options = bundle_options(engine_wasm, esbuild, min_host)?;
    marquee_bundle::build(app, store, &options).map_err(|e| e.to_string())
}

/// What a bundle is built with: the engine, checked — it compiles and answers this host's ABI
/// version (a bundle names the ABI its engine speaks, and devices choose releases by it) — the
/// oldest host it runs on, the tools.
pub(crate) fn bundle_options(
    engine_wasm: Option<PathBuf>,
    esbuild: Option<PathBuf>,
    min_host: Option<String>,
) -> Result<marquee_bundle::BuildOptions, String> {
    let engine = engine_path(engine_wasm);
    let wasm = std::fs::read(&engine)
        .map_err(|e| format!("{}: {e} (build it with `cargo xtask wasm`, or pass --engine-wasm)", engine.display()))?;
    let runtime = marquee_engine_wasmtime::Runtime::default();
    let module = runtime.compile(&wasm).map_err(|e| format!("{}: {e}", engine.display()))?;
    runtime
        .instantiate(&module, marquee_engine_wasmtime::DEFAULT_MEMORY_LIMIT)
        .map_err(|e| format!("{}: {e}", engine.display()))?;
    let engine_js = Some(engine.with_file_name("engine.js")).filter(|p| p.is_file());
    Ok(marquee_bundle::BuildOptions {
        engine_wasm: engine.clone(),
        engine_js,
        engine_abi: marquee_engine_contract::ABI_VERSION,
        protocol: u32::from(marquee_protocol::VERSION),
        min_host: min_host.unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_string()),
        tools: tools(esbuild),
        app_js: None,
    })
}

/// What `marquee dev` says of a rebuild.
pub(crate) fn say_rebuild(r: &marquee_dev::Rebuild, quiet: bool) {
    let changed = r.changed.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
    let ms = r.build.as_secs_f64() * 1000.0;
    match &r.failed {
        // The host's log says why, unless it is quiet.
        Some(why) if quiet => eprintln!("dev: {changed} changed; the build failed (the app runs on):\n{why}"),
        Some(_) => eprintln!("dev: {changed} changed; the build failed (the error is on screen; the app runs on)"),
        None if !quiet => {
            let how = if r.hot { "applying it in place" } else { "reloading" };
            println!("dev: {changed} changed; built in {ms:.0} ms, {how}");
        }
        None => {}
    }
}

/// Runs in a window; `None` when there is no display (the caller runs headless instead).
/// `started` hears of the host once it runs.
#[cfg(feature = "window")]
fn windowed(options: &Options, started: &mut dyn FnMut(marquee_host::InputSender)) -> Result<Option<Report>, String> {
    match window::run(options.clone(), started) {
        Err(window::Error::NoDisplay(why)) => {
            eprintln!("marquee: no display ({why}); running headless");
            Ok(None)
        }
        Err(window::Error::Host(e)) => Err(e.to_string()),
        Ok(report) => Ok(Some(report)),
    }
}

#[cfg(not(feature = "window"))]
fn windowed(_options: &Options, _started: &mut dyn FnMut(marquee_host::InputSender)) -> Result<Option<Report>, String> {
    eprintln!("marquee: built without the window feature; running headless");
    Ok(None)
}

/// When the first frame with the app's content was on screen: the end of its present.
fn first_content(r: &Report) -> Option<std::time::Instant> {
    r.frames.iter().find(|f| f.batches > 0).map(|f| f.at + f.engine + f.raster + f.present)
}

/// The report as JSON. Instants become ms after the host started; the first content frame is
/// also given as wall-clock time (ms since the Unix epoch), so a parent process can measure from
/// the moment it spawned this one.
fn report_json(r: &Report) -> serde_json::Value {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let unix_ms = |at: std::time::Instant| {
        let wall = std::time::SystemTime::now().checked_sub(at.elapsed())?;
        Some(ms(wall.duration_since(std::time::UNIX_EPOCH).ok()?))
    };
    let frames: Vec<_> = r
        .frames
        .iter()
        .map(|f| {
            serde_json::json!({
                "at_ms": ms(f.at.duration_since(r.started)), "time_ms": f.time_ms,
                "engine_ms": ms(f.engine), "raster_ms": ms(f.raster), "present_ms": ms(f.present), "overlay_ms": ms(f.overlay),
                "pixels": f.pixels, "pixels_rasterized": f.pixels_rasterized, "pixels_composited": f.pixels_composited,
                "batches": f.batches, "texture_bytes": f.texture_bytes, "layer_bytes": f.layer_bytes,
                "drawn": f.drawn, "draw_calls": f.draw_calls, "image_uploads": f.image_uploads, "glyph_uploads": f.glyph_uploads,
                "bytes_uploaded": f.bytes_uploaded,
            })
        })
        .collect();
    serde_json::json!({
        "engine": match (r.engine.js, r.engine.interpreted) {
            (true, _) => "js",
            (false, true) => "wasmi",
            (false, false) => "wasm",
        },
        "engine_reason": r.engine.reason,
        "renderer": r.renderer,
        "size": [r.canvas.bounds().w, r.canvas.bounds().h],
        "module": format!("{:?}", r.module),
        "module_ms": ms(r.module_time),
        "first_frame_ms": r.first_frame.map(ms),
        "first_content_ms": first_content(r).map(|at| ms(at.duration_since(r.started))),
        "first_content_unix_ms": first_content(r).and_then(unix_ms),
        "nodes": r.nodes,
        "peak_rss_bytes": peak_rss(),
        "command_errors": r.command_errors,
        "engine_resets": r.engine_resets,
        "frames_not_drawn": r.frames_not_drawn(),
        "longest_frame_gap_ms": longest_gap(r).map(ms),
        "log_lines": r.log.len(),
        "log_dropped": r.log_dropped,
        "app_waits": r.app_waits,
        "ended": ended(r.ended),
        "log": r.log.iter().map(|(_, level, line)| format!("{level:?}: {line}")).collect::<Vec<_>>(),
        "frames": frames,
    })
}

/// This process's peak resident memory (Linux's `VmHWM`), in bytes: everything the host holds —
/// both VMs, the raster canvas, decoded images — at its largest.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(kib * 1024)
}

/// Why the run ended, in words.
fn ended(ended: Ended) -> &'static str {
    match ended {
        Ended::Frames => "frame count reached",
        Ended::Idle => "app idle",
        Ended::Timeout => "timeout",
        Ended::Quit => "quit",
    }
}

/// The longest time between the starts of two frames, or from the start to the first frame.
fn longest_gap(r: &Report) -> Option<Duration> {
    let starts = std::iter::once(r.started).chain(r.frames.iter().map(|f| f.at));
    starts.clone().zip(starts.skip(1)).map(|(a, b)| b.duration_since(a)).max()
}

fn print_report(r: &Report) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let frames = r.frames.len();
    let not_drawn = r.frames_not_drawn();
    println!("frames: {frames} ({}), {not_drawn} not drawn", ended(r.ended));
    // The rate is of frames that reached the screen, over the whole span.
    if let (Some(first), Some(last)) = (r.frames.first(), r.frames.last())
        && frames > 1
    {
        let span = last.at.duration_since(first.at).as_secs_f64();
        let drawn = (frames - not_drawn).saturating_sub(1);
        println!("rate: {:.1} frames drawn/s over {:.2} s", drawn as f64 / span.max(1e-9), span);
    }
    if let Some(gap) = longest_gap(r) {
        println!("longest frame gap: {:.1} ms", ms(gap));
    }
    if r.log_dropped > 0 || r.app_waits > 0 {
        println!("log lines dropped: {}, app waits for the engine: {}", r.log_dropped, r.app_waits);
    }
    let overlay_shown = r.frames.iter().any(|f| !f.overlay.is_zero());
    for name in ["engine", "raster", "present", "overlay"] {
        if name == "overlay" && !overlay_shown {
            continue;
        }
        let phase = |f: &marquee_host::FrameStat| match name {
            "engine" => f.engine,
            "raster" => f.raster,
            "overlay" => f.overlay,
            _ => f.present,
        };
        let mut v: Vec<f64> = r.frames.iter().map(|f| ms(phase(f))).collect();
        if v.is_empty() {
            continue;
        }
        v.sort_by(f64::total_cmp);
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let p = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        println!("{name:>8}: mean {mean:.3} ms, p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms", p(0.5), p(0.99), p(1.0));
    }
    let build = match (r.engine.js, r.engine.interpreted) {
        (true, _) => "engine.js in QuickJS",
        (false, true) => "engine.wasm in wasmi (interpreted)",
        (false, false) => "engine.wasm in wasmtime",
    };
    println!("engine build: {build} ({})", r.engine.reason);
    println!("engine module: {:?} in {:.1} ms", r.module, ms(r.module_time));
    println!("renderer: {}", r.renderer);
    if r.frames.iter().any(|f| f.draw_calls > 0) {
        let drawn: Vec<&marquee_host::FrameStat> = r.frames.iter().filter(|f| f.draw_calls > 0).collect();
        let calls = drawn.iter().map(|f| u64::from(f.draw_calls)).sum::<u64>() as f64 / drawn.len() as f64;
        let uploaded: u64 = r.frames.iter().map(|f| f.bytes_uploaded).sum();
        println!(
            "gpu: {calls:.1} draw calls a drawn frame; {} images and {} glyphs uploaded, {:.2} MiB",
            r.frames.iter().map(|f| u64::from(f.image_uploads)).sum::<u64>(),
            r.frames.iter().map(|f| u64::from(f.glyph_uploads)).sum::<u64>(),
            uploaded as f64 / 1048576.0
        );
    }
    if let Some(first) = r.first_frame {
        println!("first frame: {:.1} ms after start", ms(first));
    }
    // The first frame that applied a batch from the app: its scene reached the screen.
    if let Some(shown) = first_content(r) {
        println!("first frame with the app's content: {:.1} ms after start", ms(shown.duration_since(r.started)));
    }
    println!("nodes: {}, rejected commands: {}, engine restarts: {}", r.nodes, r.command_errors, r.engine_resets);
    let mib = |b: u64| b as f64 / 1048576.0;
    let at_end = r.frames.last().map_or(0, |f| f.texture_bytes);
    let drawn_peak = r.frames.iter().map(|f| f.texture_bytes).max().unwrap_or(0);
    println!(
        "textures: {:.2} MiB at the end, {:.2} MiB peak while drawing, {:.2} MiB high-water",
        mib(at_end),
        mib(drawn_peak),
        mib(r.texture_high_water)
    );
    let layers_peak = r.frames.iter().map(|f| f.layer_bytes).max().unwrap_or(0);
    let rasterized: u64 = r.frames.iter().map(|f| f.pixels_rasterized).sum();
    let composited: u64 = r.frames.iter().map(|f| f.pixels_composited).sum();
    println!(
        "layers: {:.2} MiB of kept pixels at the end, {:.2} MiB peak; {rasterized} pixels rasterized, {composited} composited",
        mib(r.frames.last().map_or(0, |f| f.layer_bytes)),
        mib(layers_peak)
    );
}
