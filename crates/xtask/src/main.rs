//! Build automation that is more than one cargo command, written in Rust so it runs wherever
//! cargo does.
//!
//! - `cargo xtask wasm [--opt-level 3|s|z] [--wasm-opt O3|Os|Oz|none]` builds `engine.wasm` into
//!   `target/engine/`, and `engine.js` from it with wasm2js, and the browser host's `web.wasm`
//!   (and `web.js`) beside them; prints their raw/gzip/brotli sizes and fails if engine.wasm is over budget.
//! - `cargo xtask wasm-matrix` builds every combination of those options and prints a table, so
//!   the choice of defaults can be re-checked when the engine grows.
//! - `cargo xtask run [ARGS]` builds `engine.wasm` and the `marquee` command (release), then runs
//!   `marquee run ARGS`: with no arguments, the demo app.
//! - `cargo xtask bench [--update]` runs the quick benchmark (without the host's start-up scene)
//!   and checks the `home` scene's instruction counts against the committed baseline (or rewrites
//!   it).
//! - `cargo xtask test` builds `engine.wasm` and `engine.js`, then runs every test in the
//!   workspace: the Rust crates' and the SDK's (`node --test`). It needs Chromium (the browser
//!   parity test) and says how to install it when it is missing.
//! - `cargo xtask codegen` writes the SDK's protocol tables (`sdk/src/wire.js`, `style.d.ts`) and the style
//!   table in docs/protocol.md from `marquee-protocol` (see `codegen.rs`).
//! - `cargo xtask fuzz [--seconds N] [TARGET…]` builds the libFuzzer targets in `fuzz/` with
//!   coverage instrumentation on the stable toolchain and runs each for N seconds (default 30)
//!   from its seed corpus; fails on a crash, leaving the input in `target/fuzz/artifacts/`.

mod codegen;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The engine.wasm budget (see "Building engine.wasm" in ARCHITECTURE.md).
const MAX_RAW: usize = 400 * 1024;
const MAX_BROTLI: usize = 100 * 1024;

/// Chosen from `cargo xtask wasm-matrix`: see ARCHITECTURE.md, "Building engine.wasm".
const DEFAULT_OPT_LEVEL: &str = "3";
const DEFAULT_WASM_OPT: &str = "O3";

/// The Wasm features rustc 1.95 emits for wasm32-unknown-unknown; binaryen must be told, or it
/// rejects e.g. `memory.copy`. Every runtime Marquee targets supports them.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-call-indirect-overlong",
];

type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("wasm") => wasm(&args[1..]).map(|_| ()),
        Some("wasm-matrix") => matrix(),
        Some("test") => test(&args[1..]),
        Some("run") => run_app(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("fuzz") => fuzz(&args[1..]),
        Some("codegen") => codegen::write(&root()).map(|written| {
            for path in written {
                println!("wrote {}", path.display());
            }
        }),
        _ => Err("usage: cargo xtask <wasm [--opt-level 3|s|z] [--wasm-opt O3|Os|Oz|none] | wasm-matrix | run [marquee run args] | test [cargo test args] | bench [--update] | fuzz [--seconds N] [TARGET...] | codegen>".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap_or_else(|_| PathBuf::from("."))
}

/// Cargo's target directory: `CARGO_TARGET_DIR` when set, else `target/` in the workspace.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().map_err(|e| format!("{cmd:?}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{cmd:?} failed: {status}")) }
}

/// `make`s `out` unless it was made last from the same `inputs`. The steps that take minutes
/// (wasm-opt and wasm2js over web.wasm) leave a stamp of their inputs beside their output, so
/// `cargo xtask bench`, which builds the modules again after `cargo xtask test`, skips those
/// whose inputs did not change. The old stamp goes before `make` runs: a run stopped halfway leaves
/// no output to trust.
fn unless_made(out: &Path, inputs: &[&[u8]], make: impl FnOnce() -> Result<()>) -> Result<()> {
    let stamp = beside(out, "stamp");
    let print = fingerprint(inputs);
    if out.exists() && std::fs::read_to_string(&stamp).is_ok_and(|last| last == print) {
        return Ok(());
    }
    let _ = std::fs::remove_file(&stamp);
    make()?;
    std::fs::write(&stamp, print).map_err(|e| format!("{}: {e}", stamp.display()))
}

/// `{path}.{ext}`: a file kept beside `path` about it.
fn beside(path: &Path, ext: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

/// A fingerprint of `inputs`, for the caches above. std's hasher may change with the toolchain:
/// then a cache misses once, which costs time and nothing else.
fn fingerprint(inputs: &[&[u8]]) -> String {
    use std::hash::Hasher;
    let mut h = std::hash::DefaultHasher::new();
    for input in inputs {
        h.write_usize(input.len());
        h.write(input);
    }
    format!("{:016x}", h.finish())
}

fn flag<'a>(args: &'a [String], name: &str, default: &'a str) -> Result<&'a str> {
    match args.iter().position(|a| a == name) {
        Some(i) => args.get(i + 1).map(String::as_str).ok_or_else(|| format!("{name} needs a value")),
        None => Ok(default),
    }
}

/// Sizes of one module.
struct Sizes {
    raw: usize,
    gzip: usize,
    brotli: usize,
}

/// The sizes of the module in `path`, kept beside it in `{path}.sizes` with the fingerprint of its
/// bytes: brotli at quality 11 takes most of a minute over web.js, which is mostly the same module
/// from one build to the next.
fn sizes_of(path: &Path) -> Result<Sizes> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let kept = beside(path, "sizes");
    let print = fingerprint(&[&bytes]);
    let known = std::fs::read_to_string(&kept).ok().and_then(|text| {
        let words: Vec<&str> = text.split_whitespace().collect();
        match words[..] {
            [of, raw, gzip, brotli] if of == print => {
                Some(Sizes { raw: raw.parse().ok()?, gzip: gzip.parse().ok()?, brotli: brotli.parse().ok()? })
            }
            _ => None,
        }
    });
    if let Some(known) = known {
        return Ok(known);
    }
    let s = sizes(&bytes)?;
    std::fs::write(&kept, format!("{print} {} {} {}\n", s.raw, s.gzip, s.brotli))
        .map_err(|e| format!("{}: {e}", kept.display()))?;
    Ok(s)
}

fn sizes(bytes: &[u8]) -> Result<Sizes> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).map_err(|e| e.to_string())?;
    let gzip = gz.finish().map_err(|e| e.to_string())?.len();
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut br, &params).map_err(|e| e.to_string())?;
    Ok(Sizes { raw: bytes.len(), gzip, brotli: br.len() })
}

/// Installs what a fresh machine lacks: the wasm32 target and binaryen from npm.
fn ensure_tools(root: &Path) -> Result<()> {
    let installed = Command::new("rustup").args(["target", "list", "--installed"]).current_dir(root).output();
    if !installed.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown")) {
        run(Command::new("rustup").current_dir(root).args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    // One `npm ci` brings both: binaryen, and the workspace links apps use to import the SDK.
    if !root.join("node_modules/.bin/wasm-opt").exists() || !root.join("node_modules/@marquee/sdk").exists() {
        run(Command::new("npm").current_dir(root).args(["ci", "--no-audit", "--no-fund"]))?;
    }
    Ok(())
}

/// binaryen's version, as its package.json says: wasm-opt's and wasm2js's output follows it.
fn binaryen(root: &Path) -> Vec<u8> {
    std::fs::read(root.join("node_modules/binaryen/package.json")).unwrap_or_default()
}

/// Builds engine.wasm with the given options and returns its path and sizes.
fn build(opt_level: &str, wasm_opt: &str) -> Result<(PathBuf, Sizes)> {
    ensure_tools(&root())?;
    wasm_module("marquee-engine-abi", &[], (opt_level, wasm_opt), "engine.wasm")
}

/// Builds web.wasm, the browser host's Rust half (`marquee-web`, with the debug overlay),
/// beside engine.wasm, for speed (it draws every frame).
fn build_web() -> Result<(PathBuf, Sizes)> {
    wasm_module("marquee-web", &[], ("3", "O3"), "web.wasm")
}

/// Builds `marquee-web` without the debug overlay, for web.js: browsers without WebAssembly are
/// the oldest and shortest of memory, and egui with its font stack would double the module.
fn build_web_plain() -> Result<(PathBuf, Sizes)> {
    wasm_module("marquee-web", &["--no-default-features"], ("3", "O3"), "web-plain.wasm")
}

/// Builds `package` (with `cargo_args`) for wasm32 as Marquee's downloaded modules are built,
/// then runs `wasm-opt -{wasm_opt}` over it (`none`: copies it) into `target/engine/{name}`.
fn wasm_module(
    package: &str,
    cargo_args: &[&str],
    (opt_level, wasm_opt): (&str, &str),
    name: &str,
) -> Result<(PathBuf, Sizes)> {
    let root = root();
    let started = std::time::Instant::now();
    run(Command::new(env!("CARGO"))
        .current_dir(&root)
        .args(["build", "--quiet", "--release", "--target", "wasm32-unknown-unknown", "-p", package])
        .args(cargo_args)
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", opt_level)
        // The modules are downloaded: whole-program LTO on one codegen unit for size and speed,
        // and abort on panic (Wasm has no unwinding here; a panic is a trap the host contains).
        // The host's release profile differs on all three.
        .env("CARGO_PROFILE_RELEASE_LTO", "fat")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
        .env("CARGO_PROFILE_RELEASE_PANIC", "abort"))?;
    let built = target_dir().join(format!("wasm32-unknown-unknown/release/{}.wasm", package.replace('-', "_")));
    let out_dir = target_dir().join("engine");
    std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    let out = out_dir.join(name);
    if wasm_opt == "none" {
        let _ = std::fs::remove_file(beside(&out, "stamp"));
        std::fs::copy(&built, &out).map_err(|e| e.to_string())?;
    } else {
        let input = std::fs::read(&built).map_err(|e| format!("{}: {e}", built.display()))?;
        unless_made(&out, &[&binaryen(&root), wasm_opt.as_bytes(), &input], || {
            run(Command::new(root.join("node_modules/.bin/wasm-opt"))
                .arg(format!("-{wasm_opt}"))
                .args(WASM_FEATURES)
                .arg("--strip-debug")
                .arg(&built)
                .arg("-o")
                .arg(&out))
        })?;
    }
    let sizes = sizes_of(&out)?;
    // Each step's time, for CI's log: the run must stay under an hour.
    println!("xtask: {name} built in {:.1} s", started.elapsed().as_secs_f64());
    Ok((out, sizes))
}

fn wasm(args: &[String]) -> Result<PathBuf> {
    let (path, s) = build(flag(args, "--opt-level", DEFAULT_OPT_LEVEL)?, flag(args, "--wasm-opt", DEFAULT_WASM_OPT)?)?;
    let (js, js_sizes) = engine_js(&path)?;
    println!("{}: {} bytes raw, {} gzip, {} brotli", js.display(), js_sizes.raw, js_sizes.gzip, js_sizes.brotli);
    let (web, web_sizes) = build_web()?;
    println!("{}: {} bytes raw, {} gzip, {} brotli", web.display(), web_sizes.raw, web_sizes.gzip, web_sizes.brotli);
    let (plain, _) = build_web_plain()?;
    let (js, js_sizes) = web_js(&plain)?;
    println!("{}: {} bytes raw, {} gzip, {} brotli", js.display(), js_sizes.raw, js_sizes.gzip, js_sizes.brotli);
    println!(
        "{}: {} bytes raw, {} gzip, {} brotli (budget {} raw, {} brotli)",
        path.display(),
        s.raw,
        s.gzip,
        s.brotli,
        MAX_RAW,
        MAX_BROTLI
    );
    if s.raw > MAX_RAW || s.brotli > MAX_BROTLI {
        return Err("engine.wasm is over its size budget".into());
    }
    Ok(path)
}

/// Compiles `wasm` to `engine.js` beside it with binaryen's wasm2js: the same engine for devices
/// without WebAssembly. wasm2js writes an ES module that imports its imports as modules
/// (`import * as marquee from 'marquee'`) and instantiates at load; [`as_factory`] turns it into
/// one that exports `instantiate(imports)`, like `WebAssembly.instantiate`, so a host can make
/// as many instances as it likes and give each its own text service.
fn engine_js(wasm: &Path) -> Result<(PathBuf, Sizes)> {
    to_js(
        wasm,
        "engine.js",
        "// engine.js: the Marquee engine, compiled from engine.wasm by binaryen's wasm2js.\n\
         // Generated by `cargo xtask wasm`; do not edit. `instantiate(imports)` takes the imports\n\
         // engine.wasm takes (`marquee`: the text service; `env`: wasm2js's getTempRet0/setTempRet0,\n\
         // which carry the high half of 64-bit values) and returns its exports.\n",
    )
}

/// Compiles web.wasm (built without the overlay) to `web.js` beside it, as [`engine_js`] does
/// engine.wasm: the browser host for browsers without WebAssembly.
fn web_js(wasm: &Path) -> Result<(PathBuf, Sizes)> {
    to_js(
        wasm,
        "web.js",
        "// web.js: the browser host's Rust half (marquee-web), compiled from web.wasm by binaryen's\n\
         // wasm2js for browsers without WebAssembly (built without the debug overlay). Generated by\n\
         // `cargo xtask wasm`; do not edit.\n\
         // `instantiate(imports)` takes web.wasm's imports (`gl`: WebGL; `env`: wasm2js's\n\
         // getTempRet0/setTempRet0, which carry the high half of 64-bit values) and returns its exports.\n",
    )
}

/// `wasm` through wasm2js into `name` beside it, as a module exporting `instantiate(imports)`.
fn to_js(wasm: &Path, name: &str, header: &str) -> Result<(PathBuf, Sizes)> {
    let root = root();
    let started = std::time::Instant::now();
    let raw = wasm.with_extension("wasm2js.mjs");
    let input = std::fs::read(wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
    // wasm2js takes minutes over web.wasm.
    unless_made(&raw, &[&binaryen(&root), &input], || {
        // -Oz: the smallest output; wasm2js's own optimisations do not change what the code does.
        run(Command::new(root.join("node_modules/.bin/wasm2js"))
            .arg("-Oz")
            .args(WASM_FEATURES)
            .arg(wasm)
            .arg("-o")
            .arg(&raw))
    })?;
    let js = std::fs::read_to_string(&raw).map_err(|e| format!("{}: {e}", raw.display()))?;
    let out = wasm.with_file_name(name);
    let module = as_factory(&js, header)?;
    std::fs::write(&out, &module).map_err(|e| format!("{}: {e}", out.display()))?;
    // Node reads `.js` files as CommonJS unless told; these are ES modules.
    let package = wasm.with_file_name("package.json");
    std::fs::write(&package, "{ \"type\": \"module\" }\n").map_err(|e| format!("{}: {e}", package.display()))?;
    let sizes = sizes_of(&out)?;
    println!("xtask: {name} built in {:.1} s", started.elapsed().as_secs_f64());
    Ok((out, sizes))
}

/// wasm2js's module with its `import * as X from 'X'` lines and its instantiation and `export`
/// tail replaced by `export function instantiate(imports)`, after `header`.
fn as_factory(js: &str, header: &str) -> Result<String> {
    const TAIL: &str = "var retasmFunc = asmFunc(";
    let tail = js.find(TAIL).ok_or("wasm2js output changed shape: no `var retasmFunc = asmFunc(`")?;
    let mut names = Vec::new();
    let mut body = String::with_capacity(js.len());
    for line in js[..tail].lines() {
        match line.strip_prefix("import * as ").and_then(|l| l.split_once(' ')) {
            Some((name, _)) => names.push(name.to_owned()),
            None => {
                body.push_str(line);
                body.push('\n');
            }
        }
    }
    let imports: Vec<String> = names.iter().map(|n| format!("{n}: imports.{n}")).collect();
    Ok(format!(
        "{header}{body}\nexport function instantiate(imports) {{\n  return asmFunc({{ {} }});\n}}\n",
        imports.join(", ")
    ))
}

/// Builds every variant, keeping each as `target/engine/matrix/engine-LEVEL-PASS.wasm` so their
/// speed can be compared (`cargo run --release -p marquee-engine-wasmtime --example layout_time`).
fn matrix() -> Result<()> {
    let dir = target_dir().join("engine/matrix");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    println!("| opt-level | wasm-opt | raw | gzip | brotli |\n|---|---|---|---|---|");
    for level in ["3", "s", "z"] {
        for pass in ["none", "O3", "Oz"] {
            let (path, s) = build(level, pass)?;
            std::fs::copy(&path, dir.join(format!("engine-{level}-{pass}.wasm"))).map_err(|e| e.to_string())?;
            println!("| {level} | {pass} | {} | {} | {} |", s.raw, s.gzip, s.brotli);
        }
    }
    // Leave the default build in place.
    build(DEFAULT_OPT_LEVEL, DEFAULT_WASM_OPT).map(|_| ())
}

/// Builds what the demo needs and runs `marquee run` with `args`.
fn run_app(args: &[String]) -> Result<()> {
    let wasm = wasm(&[])?;
    run(Command::new(env!("CARGO"))
        .current_dir(root())
        .args(["run", "--quiet", "--release", "--package", "marquee-cli", "--bin", "marquee", "--", "run"])
        .args(args)
        .env("MARQUEE_ENGINE_WASM", wasm))
}

/// The committed instruction counts `cargo xtask bench` checks against.
const INSTRUCTIONS: &str = "crates/marquee-bench/instructions.txt";
/// Each quick scene's counters (layers recorded, props, damaged pixels…), compared exactly.
const COUNTERS: &str = "crates/marquee-bench/counters.txt";
/// How far a count may move before the check fails: instruction counts are stable to well under
/// this across runs; a real regression in a scene's frames moves them more.
const INSTRUCTION_TOLERANCE: f64 = 0.02;

/// The quick benchmark (all but the start-up scene, which needs the `marquee` command) with its
/// structural counters checked exactly against `COUNTERS` (what the frames sent: layers
/// recorded, ops, props, damaged pixels — the same on every machine), then the instruction-count
/// check: the `home` scene's instructions in the native engine and in
/// engine.wasm under wasmtime, measured by callgrind as the difference between running the scene
/// 6 times and once (which cancels start-up, font loading and loading the module; a run under
/// valgrind before them fills the module cache for valgrind's CPU), against `INSTRUCTIONS`. `--update` (or `UPDATE_EXPECT=1`) rewrites it.
fn bench(args: &[String]) -> Result<()> {
    let update = args.iter().any(|a| a == "--update") || std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v != "0");
    require("valgrind", "valgrind", "the instruction counts")?;
    let wasm = wasm(&[])?;
    // The bench alone: the host's start-up scene, which runs the `marquee` command, is left to
    // full runs (building the command in release, its TLS and update stack included, costs CI
    // minutes and gates nothing).
    run(Command::new(env!("CARGO")).current_dir(root()).args([
        "build",
        "--quiet",
        "--release",
        "-p",
        "marquee-bench",
    ]))?;
    let bench = target_dir().join("release/marquee-bench");
    // Compiled engine.wasm is kept here: the quick run compiles it once, a first run under
    // valgrind once more where valgrind's CPU differs, and the counted runs load it (Cranelift
    // under valgrind takes minutes, and would not cancel out of the count).
    let cache = target_dir().join("bench-modules");
    let counters = target_dir().join("bench-counters.txt");
    // Every runner but the browser's, which gate nothing here and take minutes at SwiftShader's
    // pace (marquee-bench's tests play a scene in them).
    run(Command::new(&bench)
        .args([
            "--quick",
            "--skip",
            "startup",
            "--runners",
            "native,wasmtime,winch,wasmi,quickjs,node",
            "--engine-wasm",
        ])
        .arg(&wasm)
        .arg("--cache")
        .arg(&cache)
        .arg("--counters")
        .arg(&counters))?;
    let counted = std::fs::read_to_string(&counters).map_err(|e| format!("{}: {e}", counters.display()))?;
    let counters_path = root().join(COUNTERS);
    let mut failures = Vec::new();
    if update {
        std::fs::write(
            &counters_path,
            format!("# what the quick scenes' frames sent (cargo xtask bench --update)\n{counted}"),
        )
        .map_err(|e| format!("{}: {e}", counters_path.display()))?;
    } else {
        let baseline = std::fs::read_to_string(&counters_path)
            .map_err(|e| format!("{}: {e} (run `cargo xtask bench --update`)", counters_path.display()))?;
        let expected: Vec<&str> = baseline.lines().filter(|l| !l.starts_with('#')).collect();
        let now: Vec<&str> = counted.lines().collect();
        for line in &now {
            if !expected.contains(line) {
                failures.push(format!("counter `{line}` is not the baseline's"));
            }
        }
        if expected.len() != now.len() {
            failures.push(format!("{} counters, the baseline has {}", now.len(), expected.len()));
        }
        println!("{} structural counters checked against {COUNTERS}", now.len());
    }

    let count = |runner: &str, repeat: u32| -> Result<u64> {
        let out = target_dir().join(format!("callgrind.{runner}.{repeat}.out"));
        let status = Command::new("valgrind")
            .args(["--tool=callgrind", "--smc-check=all-non-file"])
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(&bench)
            .args(["--scenes", "home", "--runners", runner, "--no-raster", "--repeat", &repeat.to_string()])
            .arg("--engine-wasm")
            .arg(&wasm)
            .arg("--cache")
            .arg(&cache)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .map_err(|e| format!("valgrind: {e}"))?;
        if !status.success() {
            return Err(format!("valgrind on `marquee-bench --runners {runner}` failed"));
        }
        let text = std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        let _ = std::fs::remove_file(&out);
        text.lines()
            .find_map(|l| l.strip_prefix("summary:").or_else(|| l.strip_prefix("totals:")))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .ok_or_else(|| format!("{}: no instruction total", out.display()))
    };
    let mut measured = Vec::new();
    // Under valgrind the CPU reports other features than it does natively, and compiled modules
    // are cached per feature set: on some machines the quick run's module does not fit, and the
    // first run under valgrind would compile one (billions of instructions, counted once but not
    // six times). A run before the counted ones makes sure both load it from the cache.
    count("wasmtime", 1)?;
    for runner in ["native", "wasmtime"] {
        let (once, six) = (count(runner, 1)?, count(runner, 6)?);
        measured.push((runner, six.saturating_sub(once) / 5));
    }
    let path = root().join(INSTRUCTIONS);
    let text: String = measured.iter().map(|(r, n)| format!("home {r} {n}\n")).collect();
    if update {
        std::fs::write(&path, format!("# instructions per run of the home scene (cargo xtask bench --update)\n{text}"))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        print!("instruction counts written to {INSTRUCTIONS}:\n{text}");
        return Ok(());
    }
    let baseline = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: {e} (run `cargo xtask bench --update`)", path.display()))?;
    for (runner, now) in &measured {
        let then = baseline.lines().find_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w.len() == 3 && w[0] == "home" && w[1] == *runner).then(|| w[2].parse::<u64>().ok()).flatten()
        });
        let Some(then) = then else {
            failures.push(format!("no baseline for home in {runner}"));
            continue;
        };
        let change = *now as f64 / then as f64 - 1.0;
        println!("home in {runner}: {now} instructions per run, baseline {then} ({:+.2}%)", change * 100.0);
        if change.abs() > INSTRUCTION_TOLERANCE {
            failures.push(format!(
                "home in {runner} moved {:+.2}% (tolerance ±{}%)",
                change * 100.0,
                INSTRUCTION_TOLERANCE * 100.0
            ));
        }
    }
    if failures.is_empty() { Ok(()) } else { Err(failures.join("; ")) }
}

/// The fuzz targets, as `fuzz/Cargo.toml` names its binaries.
const FUZZ_TARGETS: &[&str] = &["protocol_engine", "display_list", "text", "image", "bundle"];

/// What cargo-fuzz passes rustc for `--sanitizer none`, which works on stable: libFuzzer's
/// coverage counters and comparison tracing, the `fuzzing` cfg, and the checks a fuzzer should
/// trip on.
const FUZZ_RUSTFLAGS: &[&str] = &[
    "-Cpasses=sancov-module",
    "-Cllvm-args=-sanitizer-coverage-level=4",
    "-Cllvm-args=-sanitizer-coverage-inline-8bit-counters",
    "-Cllvm-args=-sanitizer-coverage-pc-table",
    "-Cllvm-args=-sanitizer-coverage-trace-compares",
    "--cfg=fuzzing",
    "-Cdebug-assertions",
    "-Coverflow-checks",
];

/// Builds the fuzz targets and runs each for `--seconds` from its seeds; prints each target's
/// executions and fails on the first crash.
fn fuzz(args: &[String]) -> Result<()> {
    let seconds: u64 = flag(args, "--seconds", "30")?.parse().map_err(|_| "--seconds needs a whole number")?;
    // The other arguments name targets; `--seconds` and its value do not.
    let value_at = args.iter().position(|a| a == "--seconds").map(|i| i + 1);
    let named: Vec<&str> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| *a != "--seconds" && Some(*i) != value_at)
        .map(|(_, a)| a.as_str())
        .collect();
    if let Some(unknown) = named.iter().find(|t| !FUZZ_TARGETS.contains(t)) {
        return Err(format!("{unknown} is not a fuzz target ({})", FUZZ_TARGETS.join(", ")));
    }
    let targets = if named.is_empty() { FUZZ_TARGETS.to_vec() } else { named };
    let root = root();
    let dir = target_dir().join("fuzz");
    // The host triple, so that the flags reach the targets and not build scripts.
    let rustc = Command::new("rustc").arg("-vV").output().map_err(|e| format!("rustc -vV: {e}"))?;
    let host = String::from_utf8_lossy(&rustc.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .ok_or("rustc -vV names no host")?;
    run(Command::new(env!("CARGO"))
        .current_dir(root.join("fuzz"))
        .args(["build", "--quiet", "--release", "--bins", "--target", &host])
        .env("CARGO_TARGET_DIR", &dir)
        .env("RUSTFLAGS", FUZZ_RUSTFLAGS.join(" ")))?;
    let seeds = dir.join("seeds");
    run(Command::new(env!("CARGO"))
        .current_dir(&root)
        .args(["run", "--quiet", "-p", "marquee-fuzz", "--bin", "marquee-fuzz-seeds", "--"])
        .arg(&seeds))?;
    for target in targets {
        let corpus = dir.join("corpus").join(target);
        let artifacts = dir.join("artifacts").join(target);
        for d in [&corpus, &artifacts] {
            std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
        }
        let out = Command::new(dir.join(&host).join("release").join(target))
            .arg(&corpus)
            .arg(seeds.join(target))
            .arg(format!("-max_total_time={seconds}"))
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .args(["-max_len=65536", "-rss_limit_mb=2048", "-timeout=10", "-print_final_stats=1"])
            .output()
            .map_err(|e| format!("{target}: {e}"))?;
        let log = String::from_utf8_lossy(&out.stderr);
        let runs = log.lines().find_map(|l| l.strip_prefix("stat::number_of_executed_units:")).map(str::trim);
        let units = std::fs::read_dir(&corpus).map(|d| d.count()).unwrap_or(0);
        println!("fuzz {target}: {} runs in {seconds} s, corpus {units} inputs", runs.unwrap_or("?"));
        if !out.status.success() {
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            return Err(format!(
                "fuzz target {target} crashed (input in {}):\n{}",
                artifacts.display(),
                tail.join("\n")
            ));
        }
    }
    Ok(())
}

/// Fails with the command that installs `package` (Debian's) if `command` is missing. Tests do
/// not install system packages as a side effect; `.ci/run` installs them on CI.
fn require(command: &str, package: &str, what: &str) -> Result<()> {
    let found =
        Command::new("sh").args(["-c", &format!("command -v {command}")]).output().is_ok_and(|o| o.status.success());
    if found {
        return Ok(());
    }
    Err(format!("`{command}` is missing ({what}): install it with `sudo apt-get install {package}`"))
}

/// Chromium, for the test that runs engine.js in a browser: `CHROMIUM`, or Debian's.
fn require_chromium() -> Result<()> {
    if std::env::var_os("CHROMIUM").is_some() {
        return Ok(());
    }
    require("chromium", "chromium", "the test that runs engine.js in a browser; or set CHROMIUM")
}

/// Runs the workspace's tests against a fresh engine.wasm and ends with one line totalling every
/// test binary, since cargo's own last line speaks only of the last binary.
fn test(extra: &[String]) -> Result<()> {
    use std::io::BufRead;
    require_chromium()?;
    let path = wasm(&[])?;
    let mut child = Command::new(env!("CARGO"))
        .current_dir(root())
        .args(["test", "--workspace"])
        .args(extra)
        .env("MARQUEE_ENGINE_WASM", path)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cargo test: {e}"))?;
    let (mut passed, mut failed) = (0u64, 0u64);
    if let Some(out) = child.stdout.take() {
        for line in std::io::BufReader::new(out).lines() {
            let line = line.map_err(|e| e.to_string())?;
            println!("{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                let count = |word: &str| {
                    rest.split(';')
                        .find_map(|part| part.trim().strip_suffix(word)?.trim().rsplit(' ').next()?.parse().ok())
                };
                passed += count(" passed").unwrap_or(0);
                failed += count(" failed").unwrap_or(0);
            }
        }
    }
    let cargo_ok = child.wait().map_err(|e| e.to_string())?.success();

    // The SDK's tests (its encoder against the same golden vectors, its app layer against a
    // recording host), @marquee/react's (the renderer against a model engine), the apps' (the
    // demo's catalogue API; the React demo's scene against the SDK demo's) and the browser
    // page's (its key map). Named explicitly:
    // `node --test DIR` would also run the helper modules.
    let mut files = Vec::new();
    for dir in ["sdk/test", "react/test", "apps/demo/test", "apps/demo-react/test", "crates/marquee-browser/js"] {
        let entries = std::fs::read_dir(root().join(dir)).map_err(|e| format!("{dir}: {e}"))?;
        files.extend(
            entries
                .filter_map(|e| Some(format!("{dir}/{}", e.ok()?.file_name().into_string().ok()?)))
                .filter(|name| name.ends_with(".test.js") || name.ends_with(".test.mjs")),
        );
    }
    files.sort();
    let node = Command::new("node")
        .current_dir(root())
        .arg("--test")
        .args(&files)
        .output()
        .map_err(|e| format!("node --test: {e}"))?;
    let report = String::from_utf8_lossy(&node.stdout);
    print!("{report}");
    eprint!("{}", String::from_utf8_lossy(&node.stderr));
    let tally = |key: &str| report.lines().find_map(|l| l.strip_prefix(key)?.trim().parse::<u64>().ok()).unwrap_or(0);
    passed += tally("# pass ");
    failed += tally("# fail ");

    println!("workspace: {passed} passed, {failed} failed");
    match (cargo_ok, node.status.success()) {
        (true, true) => Ok(()),
        (false, _) => Err("cargo test failed".into()),
        (_, false) => Err("node --test failed".into()),
    }
}
