//! Times the engine on the reference home page (`home_page(8, 12)`, 420 nodes, 1280×720), natively
//! and as `engine.wasm` in wasmtime (Cranelift), in one process so the figures compare.
//!
//! - *build*: apply the whole page's commands to a fresh engine and run the first frame (full
//!   layout, paint, damage);
//! - *relayout*: change one tile's width and run a frame (incremental layout of the dirty path,
//!   full paint and damage diff).
//!
//! ```sh
//! cargo xtask wasm
//! cargo run --release -p marquee-engine-wasmtime --example layout_time [WASM...]
//! ```
//!
//! With several WASM paths (e.g. the `cargo xtask wasm-matrix` variants) each is timed in turn.
//! Wall-clock figures on a shared VM are noisy: read medians, and compare only within one run.

use std::time::Instant;

use marquee_engine::Engine;
use marquee_engine_contract::{Engine as _, Stat, paths};
use marquee_engine_wasmtime::{DEFAULT_MEMORY_LIMIT, Runtime};
use marquee_protocol::{Command, Dimension, NodeId, StyleDecl, encode_batch};
use marquee_test_support::home;

const BUILD_RUNS: usize = 200;
const RELAYOUT_RUNS: usize = 2000;

fn summary(name: &str, mut us: Vec<f64>) {
    us.sort_by(f64::total_cmp);
    let at = |q: f64| us[((us.len() - 1) as f64 * q).round() as usize];
    println!("{name:<34} median {:>8.1} µs   p90 {:>8.1} µs   p99 {:>8.1} µs", at(0.5), at(0.9), at(0.99));
}

fn relayout_batch(i: usize) -> Vec<u8> {
    let width = if i.is_multiple_of(2) { 250.0 } else { 240.0 };
    encode_batch(&[Command::SetStyle { id: NodeId(home::FIRST_TILE), decl: StyleDecl::Width(Dimension::Px(width)) }])
}

fn main() {
    let page = encode_batch(&home::home_page(8, 12));
    let mut native = Engine::default();
    native.apply(&page);
    native.frame(0.0);
    println!("home page: {} nodes, {} paint ops", native.stats().nodes, native.stats().ops);

    summary(
        "native build",
        (0..BUILD_RUNS)
            .map(|_| {
                let mut e = Engine::default();
                let t = Instant::now();
                e.apply(&page);
                e.frame(0.0);
                t.elapsed().as_secs_f64() * 1e6
            })
            .collect(),
    );
    summary(
        "native relayout",
        (0..RELAYOUT_RUNS)
            .map(|i| {
                let b = relayout_batch(i);
                let t = Instant::now();
                native.apply(&b);
                native.frame(i as f64);
                t.elapsed().as_secs_f64() * 1e6
            })
            .collect(),
    );

    let mut modules: Vec<String> = std::env::args().skip(1).collect();
    if modules.is_empty() {
        modules.push(paths::engine_wasm().to_string_lossy().into_owned());
    }
    let rt = Runtime::default();
    for path in modules {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let module = rt.compile(&bytes).expect("module compiles");
        let name = std::path::Path::new(&path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(path);
        let mut out = Vec::new();
        summary(
            &format!("{name} build"),
            (0..BUILD_RUNS)
                .map(|_| {
                    let mut e = rt.instantiate(&module, DEFAULT_MEMORY_LIMIT).expect("instantiates");
                    let t = Instant::now();
                    e.apply(&page).expect("no trap");
                    e.frame_into(0.0, &mut out).expect("no trap");
                    t.elapsed().as_secs_f64() * 1e6
                })
                .collect(),
        );
        let mut e = rt.instantiate(&module, DEFAULT_MEMORY_LIMIT).expect("instantiates");
        e.apply(&page).expect("no trap");
        e.frame_into(0.0, &mut out).expect("no trap");
        summary(
            &format!("{name} relayout"),
            (0..RELAYOUT_RUNS)
                .map(|i| {
                    let b = relayout_batch(i);
                    let t = Instant::now();
                    e.apply(&b).expect("no trap");
                    e.frame_into(i as f64, &mut out).expect("no trap");
                    t.elapsed().as_secs_f64() * 1e6
                })
                .collect(),
        );
        println!(
            "{name:<34} linear memory {} KiB, heap in use {} KiB, heap peak {} KiB",
            e.linear_memory() / 1024,
            e.stat(Stat::HeapBytes).unwrap_or(0) / 1024,
            e.stat(Stat::HeapPeak).unwrap_or(0) / 1024
        );
    }
}
