//! `marquee-bench`: the benchmark suite's command (see `lib.rs` and docs/benchmarks.md). A
//! binary of its own, not a `marquee` subcommand, so that the `marquee` command devices and
//! developers run links no benchmark-only runtime (wasmi, Winch, plotters) and no test code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use marquee_bench::{
    Compiler, Native, NodeJs, QuickJs, Runner, Wasmtime, app_side, charts, compressed_sizes, counters_table,
    counters_text, host, json, layout, measure, scenes, table,
};
use marquee_engine_contract::paths;
use marquee_text::{SharedText, TextSystem};

/// Run the benchmark scenes in every engine build and compare them (see docs/benchmarks.md).
#[derive(Parser)]
#[command(name = "marquee-bench", version)]
struct BenchArgs {
    /// Smaller stress scenes: the whole suite in well under a minute.
    #[arg(long)]
    quick: bool,
    /// Only these scenes (comma-separated; `startup` runs the whole host, `marquee run`;
    /// `layout` compares our layout with Yoga's in Node; `app-side` times the SDK and React in
    /// QuickJS; `hot-reload` times `marquee dev`'s save-to-frame on the React demo).
    #[arg(long, value_delimiter = ',')]
    scenes: Vec<String>,
    /// All scenes but these (comma-separated): `--skip startup` runs without the `marquee`
    /// command, as `cargo xtask bench` does.
    #[arg(long, value_delimiter = ',')]
    skip: Vec<String>,
    /// Only these runners (comma-separated: native, wasmtime, winch, wasmi, quickjs, node,
    /// browser, browser-js).
    #[arg(long, value_delimiter = ',')]
    runners: Vec<String>,
    /// Also write the results, every frame time included, as JSON.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Also write each scene's counters (what its frames sent: layers recorded, props, damaged
    /// pixels…; and, from the native runner, what the software compositor rasterized and
    /// composited) as `SCENE NAME VALUE` lines: the same on every machine.
    #[arg(long, value_name = "FILE")]
    counters: Option<PathBuf>,
    /// Do not draw the native runner's frames with the software compositor (no raster counters):
    /// what `cargo xtask bench` asks when it counts the engine's instructions.
    #[arg(long)]
    no_raster: bool,
    /// Do not draw the native runner's frames with the GPU backend (no GPU counters).
    #[arg(long)]
    no_gpu: bool,
    /// Also draw each scene's frame-time distribution per runner, as DIR/SCENE.svg.
    #[arg(long, value_name = "DIR")]
    charts: Option<PathBuf>,
    /// Run each scene this many times, reporting the last (instruction counts take the
    /// difference of two repeat counts, which cancels start-up).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    repeat: u32,
    /// engine.wasm (engine.js is read from beside it; default: `MARQUEE_ENGINE_WASM`, or the
    /// one `cargo xtask wasm` built).
    #[arg(long, value_name = "WASM")]
    engine_wasm: Option<PathBuf>,
    /// Keep engine.wasm compiled in DIR (the host's module cache) and load it from there when
    /// it is: the wasmtime runners then start without compiling (`cargo xtask bench` uses it so
    /// that runs under valgrind do not compile with Cranelift each time).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
}

fn main() -> ExitCode {
    match bench(BenchArgs::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("marquee-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bench(args: BenchArgs) -> Result<(), String> {
    let engine = args.engine_wasm.clone().unwrap_or_else(paths::engine_wasm);
    let wasm =
        std::fs::read(&engine).map_err(|e| format!("{}: {e} (build it with `cargo xtask wasm`)", engine.display()))?;
    let js_path = engine.with_file_name("engine.js");
    let js = std::fs::read_to_string(&js_path).map_err(|e| format!("{}: {e}", js_path.display()))?;
    let text = SharedText::new(TextSystem::with_fonts_in(&paths::demo_app().join("assets/fonts")).0);
    let wanted = |name: &str| args.runners.is_empty() || args.runners.iter().any(|n| n == name);
    // Only the runners asked for are made: compiling engine.wasm is not free.
    let mut runners: Vec<Box<dyn Runner>> = Vec::new();
    if wanted("native") {
        runners.push(Box::new(Native { text: text.clone(), raster: !args.no_raster, gpu: !args.no_gpu }));
    }
    if wanted("wasmtime") {
        let runner = Wasmtime::with_compiler(&wasm, text.clone(), Compiler::Cranelift, args.cache.as_deref());
        runners.push(Box::new(runner.map_err(|e| e.to_string())?));
    }
    if wanted("winch") {
        let runner = Wasmtime::with_compiler(&wasm, text.clone(), Compiler::Winch, args.cache.as_deref());
        runners.push(Box::new(runner.map_err(|e| e.to_string())?));
    }
    if wanted("wasmi") {
        runners.push(Box::new(marquee_bench::interpreter::Wasmi::new(&wasm, text.clone()).map_err(|e| e.to_string())?));
    }
    if wanted("quickjs") {
        runners.push(Box::new(QuickJs { source: js, text: text.clone() }));
    }
    // engine.js under Node, when there is a Node to run it.
    let node = std::process::Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    if wanted("node") && node {
        runners.push(Box::new(NodeJs { engine_js: js_path.clone(), text: text.clone() }));
    } else if wanted("node") {
        eprintln!("marquee-bench: no `node` on the PATH; the node runner is skipped");
    }
    // The browser host in headless Chromium: engine.wasm with web.wasm, and engine.js with
    // web.js in a page without WebAssembly.
    let chromium = std::env::var_os("CHROMIUM").map_or(PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let web_wasm = engine.with_file_name("web.wasm");
    for (name, js) in [("browser", false), ("browser-js", true)] {
        if !wanted(name) {
            continue;
        }
        if !node || !chromium.is_file() || !web_wasm.is_file() {
            eprintln!(
                "marquee-bench: the {name} runner needs node, Chromium ({}) and web.wasm ({}); skipped",
                chromium.display(),
                web_wasm.display()
            );
            continue;
        }
        runners.push(Box::new(marquee_bench::browser::Browser {
            web_wasm: web_wasm.clone(),
            engine_wasm: engine.clone(),
            fonts: marquee_bench::browser::Browser::fonts_in(&paths::demo_app().join("assets/fonts")),
            text: text.clone(),
            js,
        }));
    }
    let wanted_scene = |name: &str| {
        (args.scenes.is_empty() || args.scenes.iter().any(|n| n == name)) && !args.skip.iter().any(|n| n == name)
    };
    let scenes: Vec<_> = scenes::all(args.quick).into_iter().filter(|s| wanted_scene(s.name)).collect();
    let startup = wanted_scene("startup");
    let app_side = wanted_scene("app-side");
    // Twenty edits take half a minute of paced frames: the full suite, or when named.
    let hot_reload = wanted_scene("hot-reload") && (!args.quick || !args.scenes.is_empty());
    if (scenes.is_empty() || runners.is_empty()) && !startup && !wanted_scene("layout") && !app_side && !hot_reload {
        return Err("no scene or no runner left to run".into());
    }
    let total = scenes.len() * runners.len();
    let mut outcomes = Vec::new();
    let started = std::time::Instant::now();
    for scene in &scenes {
        for runner in &runners {
            eprint!("[{}/{total}] {} in {} ... ", outcomes.len() + 1, scene.name, runner.name());
            let t = std::time::Instant::now();
            let mut outcome = measure(scene, runner.as_ref()).map_err(|e| e.to_string())?;
            for _ in 1..args.repeat {
                outcome = measure(scene, runner.as_ref()).map_err(|e| e.to_string())?;
            }
            eprintln!("{} frames, {:.1} s", outcome.frames.len(), t.elapsed().as_secs_f64());
            outcomes.push(outcome);
        }
    }

    // Layout alone, ours and Yoga's, in one Node process.
    let mut layouts = Vec::new();
    if wanted_scene("layout") && node {
        eprint!("[layout] our layout and Yoga in Node ... ");
        let t = std::time::Instant::now();
        let trees = layout::trees(args.quick);
        layouts = layout::run(&engine, &trees, if args.quick { 20 } else { 60 })
            .map_err(|e| format!("{e} (is `npm ci` done? yoga-layout comes from npm)"))?;
        eprintln!("{:.1} s", t.elapsed().as_secs_f64());
    } else if wanted_scene("layout") && !args.scenes.is_empty() {
        eprintln!("marquee-bench: no `node` on the PATH; the layout comparison with Yoga is skipped");
    }

    // The app's side: the SDK in QuickJS (its batches applied to the native engine) and in Node.
    let mut sides = Vec::new();
    if app_side {
        eprint!("[app side] the SDK's scenes in QuickJS ... ");
        let t = std::time::Instant::now();
        sides.push(app_side::quickjs(&text).map_err(|e| e.to_string())?);
        if node {
            sides.push(app_side::node().map_err(|e| e.to_string())?);
        }
        eprintln!("{:.1} s", t.elapsed().as_secs_f64());
    }

    // `marquee dev`'s loop on the React demo: save to changed frame.
    let mut reloads = None;
    if hot_reload {
        eprint!("[hot reload] 20 edits of the React demo ... ");
        let t = std::time::Instant::now();
        let scratch = std::env::temp_dir().join(format!("marquee-bench-reload-{}", std::process::id()));
        let measured = marquee_bench::reload::run(wasm.clone(), &scratch, 20);
        host::clean(&scratch);
        reloads = Some(measured?);
        eprintln!("{:.1} s", t.elapsed().as_secs_f64());
    }

    // The whole host, in child processes: start-up cold and warm, then its frames.
    let mut host_runs = Vec::new();
    if startup {
        // The `marquee` command, built beside this one.
        let marquee = std::env::current_exe().map_err(|e| format!("this executable: {e}"))?.with_file_name("marquee");
        if !marquee.is_file() {
            return Err(format!(
                "{}: no such file (build it: `cargo build --release -p marquee-cli`)",
                marquee.display()
            ));
        }
        let h = host::Host { marquee, app: paths::demo_app(), engine_wasm: engine.clone(), scratch: host::scratch() };
        // Each run takes ~5 s (paced at 60 Hz); the quick suite does one cold and one warm.
        // The full suite also draws on the GPU with the debug overlay hidden and shown, turn about.
        let (cold, warm, js, gpu) = if args.quick { (1, 1, 0, 0) } else { (3, 5, 1, 3) };
        let mut plan = vec![(host::Start::Cold, cold), (host::Start::Warm, warm), (host::Start::Js, js)];
        for _ in 0..gpu {
            plan.extend([(host::Start::Gpu, 1), (host::Start::GpuOverlay, 1)]);
        }
        let runs: usize = plan.iter().map(|(_, n)| n).sum();
        for (start, n) in plan {
            for _ in 0..n {
                eprint!("[host {}/{runs}] startup, {} ... ", host_runs.len() + 1, start.name());
                let run = h.run(start);
                let run = run.map_err(|e| {
                    host::clean(&h.scratch);
                    e.to_string()
                })?;
                eprintln!("{:.1} ms to the first frame", run.startup_ms);
                host_runs.push(run);
            }
        }
        host::clean(&h.scratch);
    }

    if !outcomes.is_empty() {
        println!("{}", table(&outcomes));
        println!("{}", counters_table(&outcomes));
    }
    let gpu = marquee_bench::gpu::table(&outcomes);
    if !gpu.is_empty() {
        println!("{gpu}");
    }
    let browser = marquee_bench::browser::table(&outcomes);
    if !browser.is_empty() {
        println!("{browser}");
    }
    if !sides.is_empty() {
        println!("{}", app_side::table(&sides));
    }
    if let Some(path) = &args.counters {
        // QuickJS's figures: Node's sends the same bytes.
        let app = sides.first().map(app_side::counters).unwrap_or_default();
        std::fs::write(path, counters_text(&outcomes) + &app).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if !layouts.is_empty() {
        println!("{}", layout::table(&layouts));
    }
    if !host_runs.is_empty() {
        println!("{}", host::table(&host_runs));
    }
    if let Some(reloads) = &reloads {
        println!("{}", marquee_bench::reload::table(reloads));
    }
    let wasm_size = wasm.len();
    let js_bytes = std::fs::read(&js_path).map_err(|e| format!("{}: {e}", js_path.display()))?;
    for (name, bytes) in [("engine.wasm", &wasm), ("engine.js", &js_bytes)] {
        // Brotli at quality 11 takes seconds on engine.js (minutes under valgrind): the quick
        // suite and a run of chosen scenes skip it.
        if args.quick || !args.scenes.is_empty() {
            println!("{name}: {} bytes raw", bytes.len());
        } else {
            let (gzip, brotli) = compressed_sizes(bytes);
            println!("{name}: {} bytes raw, {gzip} gzip, {brotli} brotli", bytes.len());
        }
    }
    println!("{:.1} s in all", started.elapsed().as_secs_f64());
    if let Some(dir) = &args.charts {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for scene in &scenes {
            let path = dir.join(format!("{}.svg", scene.name));
            let svg = charts::svg(scene.name, &outcomes).map_err(|e| e.to_string())?;
            std::fs::write(&path, svg).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        println!("charts: {}", dir.display());
    }
    if let Some(path) = &args.json {
        let context = serde_json::json!({
            "quick": args.quick,
            "engine_wasm_bytes": wasm_size,
            "scenes": scenes.iter().map(|s| serde_json::json!({"name": s.name, "what": s.what})).collect::<Vec<_>>(),
            "host": host_runs.iter().map(|r| serde_json::json!({
                "start": r.start.name(), "startup_ms": r.startup_ms,
                "module": r.module.as_ref().map(|m| &m.0), "module_ms": r.module.as_ref().map(|m| m.1),
                "engine_ms": r.engine, "raster_ms": r.raster, "present_ms": r.present, "latency_frames": r.latency,
                "all_frames_ms": r.all_frames_ms, "peak_rss_bytes": r.peak_rss,
            })).collect::<Vec<_>>(),
            "app_side": sides.iter().map(|s| serde_json::json!({
                "runtime": s.runtime,
                "scenes": s.scenes.iter().map(|c| serde_json::json!({
                    "name": c.name, "app_ms": c.app_ms, "engine_ms": c.engine_ms,
                    "bytes": c.bytes, "commands": c.commands, "nodes": c.nodes,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "layout": layouts.iter().map(|l| serde_json::json!({
                "tree": l.tree, "nodes": l.nodes, "ours_ms": l.ours, "yoga_ms": l.yoga,
            })).collect::<Vec<_>>(),
        });
        let text = serde_json::to_string_pretty(&json(&outcomes, context)).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("results: {}", path.display());
    }
    Ok(())
}
