//! Engine frame time during a focus-scroll across a rail, native, as engine.wasm in wasmtime and
//! as engine.js in QuickJS and in Node (V8, when `node` is on the PATH), on the same work in one
//! run: a page of 8 rails × 30 focusable tiles with focused styles, the
//! right arrow every 6 frames across the first rail, then down the rails, 192 frames at 60 Hz, each
//! with a focus move, a focus transition or a scroll running.
//!
//! ```text
//! cargo xtask wasm && cargo run --release -p marquee-engine-wasmtime --example focus-scroll
//! ```
//!
//! Prints the median, p99 and max time of `key` + `frame` per frame for each, and each build's
//! median as a multiple of engine.wasm's. `marquee bench` (issue 7) will grow out of this.

use std::time::{Duration, Instant};

use marquee_engine::Engine;
use marquee_engine_wasmtime::{DEFAULT_MEMORY_LIMIT, Runtime};
use marquee_protocol::{Command, Key, KeyAction, text};

fn scene() -> Vec<Command> {
    let mut s = String::from(
        "create 1 view\nappend 0 1\nstyle 1 width 100%\nstyle 1 height 100%\nstyle 1 flex-direction column\n\
         style 1 overflow scroll\nstyle 1 scroll-align start\nstyle 1 focus-group column\n",
    );
    let mut id = 2;
    for _ in 0..8 {
        let rail = id;
        id += 1;
        s += &format!(
            "create {rail} view\nappend 1 {rail}\nstyle {rail} flex-shrink 0\nstyle {rail} column-gap 20px\n\
             style {rail} padding-left 64px\nstyle {rail} padding-top 12px\nstyle {rail} padding-bottom 12px\n\
             style {rail} overflow scroll\nstyle {rail} scroll-align start\nstyle {rail} focus-group row\n"
        );
        for t in 0..30 {
            let tile = id;
            id += 1;
            s += &format!(
                "create {tile} view\nappend {rail} {tile}\nstyle {tile} width 240px\nstyle {tile} height 136px\n\
                 style {tile} flex-shrink 0\nstyle {tile} focusable yes\nstyle {tile} border-width 4px\n\
                 style {tile} background-color #{:06x}ff\nstate {tile} focused scale-x 1.06\n\
                 state {tile} focused scale-y 1.06\nstate {tile} focused border-color #ffffffff\n",
                0x203040 + t * 0x050301
            );
        }
    }
    text::parse(&s).expect("the scene parses")
}

fn keys(frame: usize) -> Option<Key> {
    match frame {
        f if f % 6 != 0 || f == 0 => None,
        f if f <= 6 * 25 => Some(Key::Right),
        f if f <= 6 * 32 => Some(Key::Down),
        _ => None,
    }
}

/// Prints the figures and returns the median in ms.
fn summary(name: &str, mut times: Vec<Duration>) -> f64 {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_secs_f64() * 1000.0;
    println!("{name:>10}: median {:.4} ms, p99 {:.4} ms, max {:.4} ms", at(0.5), at(0.99), at(1.0));
    at(0.5)
}

fn main() {
    let batch = marquee_protocol::encode_batch(&scene());
    // Every frame of the run has focus moving or a transition or scroll running.
    let frames = 6 * 32;

    let mut native = Engine::default();
    native.apply(&batch);
    native.frame(0.0);
    let mut t_native = Vec::new();
    for n in 1..=frames {
        let start = Instant::now();
        if let Some(k) = keys(n) {
            native.key(k, KeyAction::Press);
        }
        let out = native.frame(n as f64 * 1000.0 / 60.0);
        std::hint::black_box(out);
        t_native.push(start.elapsed());
    }

    let path = std::env::var("MARQUEE_ENGINE_WASM").unwrap_or_else(|_| "target/engine/engine.wasm".into());
    let wasm = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}; run `cargo xtask wasm`"));
    let rt = Runtime::default();
    let module = rt.compile(&wasm).expect("engine.wasm compiles");
    let mut engine = rt.instantiate(&module, DEFAULT_MEMORY_LIMIT).expect("engine.wasm instantiates");
    engine.apply(&batch).expect("apply");
    let mut out = Vec::new();
    engine.frame_into(0.0, &mut out).expect("frame");
    let mut t_wasm = Vec::new();
    for n in 1..=frames {
        let start = Instant::now();
        if let Some(k) = keys(n) {
            engine.key(k, KeyAction::Press).expect("key");
        }
        engine.frame_into(n as f64 * 1000.0 / 60.0, &mut out).expect("frame");
        t_wasm.push(start.elapsed());
    }
    let source = std::fs::read_to_string(std::path::Path::new(&path).with_file_name("engine.js"))
        .expect("engine.js beside engine.wasm; run `cargo xtask wasm`");
    let mut js = marquee_engine_quickjs::JsEngine::new(
        &source,
        Box::new(marquee_display_list::text::NoText),
        marquee_engine_quickjs::Limits::default(),
    )
    .expect("engine.js loads");
    js.apply(&batch).expect("apply");
    js.frame_into(0.0, &mut out).expect("frame");
    let mut t_js = Vec::new();
    for n in 1..=frames {
        let start = Instant::now();
        if let Some(k) = keys(n) {
            js.key(k, KeyAction::Press).expect("key");
        }
        js.frame_into(n as f64 * 1000.0 / 60.0, &mut out).expect("frame");
        t_js.push(start.elapsed());
    }
    println!("{} nodes, {frames} frames, a key every 6 frames", native.stats().nodes);
    let native = summary("native", t_native);
    let wasm = summary("wasmtime", t_wasm);
    let js = summary("quickjs", t_js);
    println!("median vs engine.wasm: native {:.2}×, engine.js in QuickJS {:.1}×", native / wasm, js / wasm);

    // engine.js under Node: the same batch and keys, timed by the script itself.
    let batch_file = std::env::temp_dir().join(format!("marquee-focus-scroll-{}.batch", std::process::id()));
    std::fs::write(&batch_file, &batch).expect("temporary file");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/focus-scroll-node.mjs");
    let engine_js = std::path::Path::new(&path).with_file_name("engine.js");
    let node = std::process::Command::new("node")
        .arg(script)
        .arg(&engine_js)
        .arg(&batch_file)
        .arg(frames.to_string())
        .output();
    let _ = std::fs::remove_file(&batch_file);
    match node {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            let field = |name: &str| -> f64 {
                let at = text.find(&format!("\"{name}\":")).map(|i| i + name.len() + 3).unwrap_or(text.len());
                text[at..].split([',', '}']).next().and_then(|v| v.trim().parse().ok()).unwrap_or(f64::NAN)
            };
            let (median, p99, max) = (field("median"), field("p99"), field("max"));
            println!("{:>10}: median {median:.4} ms, p99 {p99:.4} ms, max {max:.4} ms", "node");
            println!("median vs engine.wasm: engine.js in Node {:.1}×", median / wasm);
        }
        Ok(out) => println!("node failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => println!("node not run: {e}"),
    }
}
