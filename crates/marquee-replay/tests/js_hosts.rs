//! engine.js outside QuickJS: in Node and in headless Chromium, each with no `WebAssembly`
//! object, every scene fixture and a set of generated streams give the native engine's frames
//! byte for byte.

use std::path::PathBuf;

use marquee_engine_contract::paths;
use marquee_test_support::scene::{self, Step};
use marquee_test_support::streams;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

fn root() -> PathBuf {
    paths::workspace_root()
}

fn engine_js() -> PathBuf {
    paths::engine_js()
}

fn fixtures() -> Vec<Vec<Step>> {
    let mut all = Vec::new();
    for dir in ["scenes", "focus", "animation", "text", "images"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests").join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "scene"))
            .collect();
        files.sort();
        for f in files {
            all.push(scene::parse(&std::fs::read_to_string(&f).unwrap()).unwrap());
        }
    }
    assert!(all.len() > 30, "fixtures missing");
    all
}

/// A JavaScript host of engine.js: `marquee_replay::node` or `browser`.
type JsHost =
    fn(&std::path::Path, &[Vec<Step>], fn() -> marquee_text::SharedText) -> Result<usize, marquee_replay::Error>;

/// Every fixture and `generated` seeded streams through `host`: at least `min_frames` frames
/// compared, all identical to the native engine's.
fn matches_native(host: JsHost, generated: usize, min_frames: usize) {
    // The same seeded runner as proptest's own tests: the same streams every run.
    let mut runner = TestRunner::deterministic();
    let mut streams: Vec<Vec<Step>> = fixtures();
    streams.extend((0..generated).map(|_| streams::stream().new_tree(&mut runner).unwrap().current()));
    let compared = host(&engine_js(), &streams, marquee_test_support::text_service).unwrap_or_else(|e| panic!("{e}"));
    assert!(compared > min_frames, "only {compared} frames compared");
}

#[test]
fn engine_js_in_node_matches_the_native_engine() {
    matches_native(marquee_replay::node, 200, 900);
}

#[test]
fn engine_js_in_a_browser_without_wasm_matches_the_native_engine() {
    // Fewer generated streams than in Node: the point is the browser, not the volume.
    matches_native(marquee_replay::browser, 50, 300);
}
