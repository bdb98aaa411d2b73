//! Every runner does the same work: the quick scenes run natively and in engine.wasm, frame for
//! frame identical (by digest), every frame timed, on the 60 Hz clock.

use std::path::{Path, PathBuf};

use marquee_bench::scenes::{self, FRAME_MS};
use marquee_bench::{Native, NodeJs, Wasmtime, measure};
use marquee_test_support::scene::Step;

fn engine_wasm() -> Vec<u8> {
    let path = std::env::var_os("MARQUEE_ENGINE_WASM")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/engine/engine.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}; run `cargo xtask wasm`", path.display()))
}

#[test]
fn every_scene_runs_the_same_in_every_runner() {
    let text = marquee_test_support::text_service();
    let native = Native { text: text.clone() };
    let wasm = Wasmtime::new(&engine_wasm(), text).unwrap();
    let all = scenes::all(true);
    assert_eq!(
        all.iter().map(|s| s.name).collect::<Vec<_>>(),
        ["home", "home-large", "stress-transform", "stress-layout", "build", "text", "images"]
    );
    for scene in &all {
        let frames = scene.steps.iter().filter(|s| matches!(s, Step::Frame(_))).count();
        let n = measure(scene, &native).unwrap();
        let w = measure(scene, &wasm).unwrap();
        let expected = if scene.first_frame_counts { frames } else { frames - 1 };
        assert_eq!((n.frames.len(), w.frames.len()), (expected, expected), "{}", scene.name);
        assert_eq!(n.digest, w.digest, "{}: native and engine.wasm drew different frames", scene.name);
        assert!(n.frames.iter().all(|t| t.is_finite() && *t >= 0.0), "{}", scene.name);
        // Frame times follow the 60 Hz clock: the last frame is at (frames - 1) / 60 s.
        let last = scene.steps.iter().rev().find_map(|s| if let Step::Frame(t) = s { Some(*t) } else { None });
        assert_eq!(last, Some((frames - 1) as f64 * FRAME_MS), "{}", scene.name);
    }
}

#[test]
fn engine_js_under_node_times_every_frame() {
    let text = marquee_test_support::text_service();
    let wasm = std::env::var_os("MARQUEE_ENGINE_WASM")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/engine/engine.wasm"));
    let node = NodeJs { engine_js: wasm.with_file_name("engine.js"), text: text.clone() };
    let scene = scenes::all(true).into_iter().find(|s| s.name == "images").unwrap();
    let n = measure(&scene, &Native { text }).unwrap();
    let j = measure(&scene, &node).unwrap();
    assert_eq!(j.frames.len(), n.frames.len());
    assert!(j.frames.iter().all(|t| t.is_finite() && *t >= 0.0) && j.frames.iter().any(|t| *t > 0.0), "{:?}", j.frames);
}
