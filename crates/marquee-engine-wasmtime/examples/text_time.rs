//! Times laying out a 50-word paragraph, natively and as `engine.wasm` in wasmtime, both measuring
//! through the same host text service (cosmic-text with the demo's Inter), in one process.
//!
//! - *new text*: the paragraph changes (one word differs each run) and a frame runs: the engine
//!   sends the paragraph to the service, which shapes it, and measures it in taffy's measure
//!   callback at the box's width;
//! - *new width*: the box's width alternates between two values the caches have not kept: the
//!   service re-wraps the shaped paragraph without shaping it again.
//!
//! Both include the frame's paint and damage diff (one text node on a page of one view).
//!
//! ```sh
//! cargo xtask wasm
//! cargo run --release -p marquee-engine-wasmtime --example text_time
//! ```
//!
//! Wall-clock figures on a shared VM are noisy: read medians, and compare only within one run.

use std::time::Instant;

use marquee_engine::Engine;
use marquee_engine_contract::{Engine as _, paths};
use marquee_engine_wasmtime::{DEFAULT_MEMORY_LIMIT, Runtime};
use marquee_protocol::{Command, Dimension, Length, NodeId, NodeKind, StyleDecl, encode_batch};

const RUNS: usize = 1000;
const WORDS: &str = "On a rock at the edge of the charts a keeper who has not spoken to anyone in eleven years \
                     finds a stranger washed up below the lamp and a logbook in the stranger's hand that records \
                     storms which have not happened yet as the winter closes in for days";
const TEXT: NodeId = NodeId(1);

fn summary(name: &str, mut us: Vec<f64>) {
    us.sort_by(f64::total_cmp);
    let at = |q: f64| us[((us.len() - 1) as f64 * q).round() as usize];
    println!("{name:<28} median {:>8.1} µs   p90 {:>8.1} µs   p99 {:>8.1} µs", at(0.5), at(0.9), at(0.99));
}

fn page() -> Vec<u8> {
    encode_batch(&[
        Command::SetViewport { width: 1280.0, height: 720.0 },
        Command::CreateNode { id: TEXT, kind: NodeKind::Text },
        Command::SetStyle { id: TEXT, decl: StyleDecl::Width(Dimension::Px(520.0)) },
        Command::SetStyle { id: TEXT, decl: StyleDecl::FontSize(Length(16.0)) },
        Command::AppendChild { parent: NodeId::ROOT, child: TEXT },
    ])
}

/// The paragraph with its `i`-th word capitalised, so every run's text is new to the caches.
fn new_text(i: usize) -> Vec<u8> {
    let words: Vec<String> =
        WORDS.split(' ').enumerate().map(|(k, w)| if k == i % 50 { w.to_uppercase() } else { w.to_owned() }).collect();
    encode_batch(&[Command::SetText { id: TEXT, text: words.join(" ") }])
}

/// A width no cache holds: 40 widths in turn, more than the engine's and the service's caches.
fn new_width(i: usize) -> Vec<u8> {
    let width = 400.0 + (i % 40) as f32 * 5.0;
    encode_batch(&[Command::SetStyle { id: TEXT, decl: StyleDecl::Width(Dimension::Px(width)) }])
}

/// Applies `batch(i)` and runs a frame, `RUNS` times, timing each.
fn time(mut step: impl FnMut(&[u8], f64), batch: fn(usize) -> Vec<u8>) -> Vec<f64> {
    (0..RUNS)
        .map(|i| {
            let b = batch(i);
            let t = Instant::now();
            step(&b, i as f64);
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect()
}

fn main() {
    assert_eq!(WORDS.split(' ').count(), 50);
    let text = marquee_test_support::text_service();

    let mut native = Engine::with_text(Box::new(text.clone()));
    native.apply(&page());
    native.apply(&new_text(0));
    native.frame(0.0);
    summary("native new text", time(|b, t| _ = (native.apply(b), native.frame(t)), new_text));
    summary("native new width", time(|b, t| _ = (native.apply(b), native.frame(t)), new_width));

    let bytes = paths::read_engine_wasm().unwrap_or_else(|e| panic!("{e}"));
    let rt = Runtime::default();
    let module = rt.compile(&bytes).expect("module compiles");
    let mut wasm = rt.instantiate_with_text(&module, DEFAULT_MEMORY_LIMIT, Box::new(text)).expect("instantiates");
    let mut out = Vec::new();
    wasm.apply(&page()).expect("no trap");
    wasm.apply(&new_text(0)).expect("no trap");
    wasm.frame_into(0.0, &mut out).expect("no trap");
    let mut step = |b: &[u8], t: f64| {
        wasm.apply(b).expect("no trap");
        wasm.frame_into(t, &mut out).expect("no trap");
    };
    summary("wasmtime new text", time(&mut step, new_text));
    summary("wasmtime new width", time(&mut step, new_width));
}
