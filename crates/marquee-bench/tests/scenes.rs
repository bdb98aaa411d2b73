//! Every runner does the same work: the quick scenes run natively and in engine.wasm, frame for
//! frame identical (by digest and counters), every frame timed, on the 60 Hz clock.

use marquee_bench::interpreter::Wasmi;
use marquee_bench::scenes::{self, FRAME_MS};
use marquee_bench::{Compiler, Native, NodeJs, Outcome, Wasmtime, measure};
use marquee_engine_contract::{Step, paths};

fn engine_wasm() -> Vec<u8> {
    paths::read_engine_wasm().unwrap_or_else(|e| panic!("{e}"))
}

/// Each frame's phases were timed, and add up to no more than the frame (they are inside it;
/// the slack covers the two clocks' granularity).
fn check_phases(o: &Outcome) {
    let phases = o.phases.as_ref().unwrap_or_else(|| panic!("{} in {}: no phase split", o.scene, o.runner));
    for (k, frame) in o.frames.iter().enumerate() {
        let sum: f64 = phases.iter().map(|p| p[k]).sum();
        assert!(phases.iter().all(|p| p[k] >= 0.0), "{} in {}: frame {k}", o.scene, o.runner);
        assert!(sum <= frame + 0.05, "{} in {}: frame {k} took {frame} ms, its phases {sum} ms", o.scene, o.runner);
    }
    // Some frame did some work in the engine's phases.
    assert!(phases[1..].iter().flatten().any(|t| *t > 0.0), "{} in {}", o.scene, o.runner);
}

#[test]
fn every_scene_runs_the_same_in_every_runner() {
    let text = marquee_test_support::text_service();
    let native = Native { text: text.clone(), raster: true, gpu: false };
    let wasm = engine_wasm();
    let builds = [
        Wasmtime::new(&wasm, text.clone()).map(|w| Box::new(w) as Box<dyn marquee_bench::Runner>),
        Wasmtime::with_compiler(&wasm, text.clone(), Compiler::Winch, None).map(|w| Box::new(w) as _),
        Wasmi::new(&wasm, text).map(|w| Box::new(w) as _),
    ];
    let builds: Vec<_> = builds.into_iter().map(Result::unwrap).collect();
    assert_eq!(builds.iter().map(|b| b.name()).collect::<Vec<_>>(), ["wasmtime", "winch", "wasmi"]);
    let all = scenes::all(true);
    assert_eq!(
        all.iter().map(|s| s.name).collect::<Vec<_>>(),
        [
            "home",
            "home-large",
            "stress-transform",
            "stress-idle",
            "stress-layout",
            "build",
            "text",
            "images",
            "virtual-list"
        ]
    );
    for scene in &all {
        let frames = scene.steps.iter().filter(|s| matches!(s, Step::Frame(_))).count();
        let expected = if scene.first_frame_counts { frames } else { frames - 1 };
        let n = measure(scene, &native).unwrap();
        assert_eq!(n.frames.len(), expected, "{}", scene.name);
        assert!(n.frames.iter().all(|t| t.is_finite() && *t >= 0.0), "{}", scene.name);
        check_phases(&n);
        // The native runner composites its frames: the home page's rasterize and composite
        // (the stress scenes' only composite after their first frame, stress-idle nothing).
        let drawn = n.drawn.unwrap_or_else(|| panic!("{}: the native runner drew nothing", scene.name));
        if scene.name == "home" {
            assert!(drawn.layers_rasterized > 0 && drawn.pixels_composited > 0, "{drawn:?}");
        }
        for build in &builds {
            let w = measure(scene, build.as_ref()).unwrap();
            assert_eq!(w.frames.len(), expected, "{} in {}", scene.name, w.runner);
            assert_eq!(n.digest, w.digest, "{}: native and {} drew different frames", scene.name, w.runner);
            assert_eq!(n.latency, w.latency, "{} in {}", scene.name, w.runner);
            assert_eq!(n.counters, w.counters, "{} in {}", scene.name, w.runner);
            check_phases(&w);
        }
        // Frame times follow the 60 Hz clock: the last frame is at (frames - 1) / 60 s.
        let last = scene.steps.iter().rev().find_map(|s| if let Step::Frame(t) = s { Some(*t) } else { None });
        assert_eq!(last, Some((frames - 1) as f64 * FRAME_MS), "{}", scene.name);
    }
}

/// The virtual-list scene (10,000 programmes through `app.virtualList`'s window) keeps its node
/// count far under 300 on every frame, and focus moves on every key: the window, moved by the
/// app a frame behind, always has the next programme in it.
#[test]
fn the_virtual_list_scene_keeps_a_window_of_nodes_and_focus_never_waits() {
    use marquee_engine_contract::{Engine as _, Stat};
    let scene = scenes::all(true).into_iter().find(|s| s.name == "virtual-list").unwrap();
    let mut engine = marquee_engine::Engine::with_text(Box::new(marquee_test_support::text_service()));
    let (mut out, mut most, mut moves) = (Vec::new(), 0, 0);
    for step in &scene.steps {
        step.apply_to(&mut engine, &mut out).unwrap();
        if let Step::Frame(_) = step {
            most = most.max(engine.stat(Stat::Nodes).unwrap());
            let frame = marquee_display_list::frame::Frame::parse(&out).unwrap();
            let events = marquee_protocol::decode_events(frame.events).unwrap();
            moves += events.flatten().filter(|e| matches!(e, marquee_protocol::Event::FocusChanged { .. })).count();
        }
    }
    assert!(most <= 60, "{most} nodes alive at once");
    let keys = scene.steps.iter().filter(|s| matches!(s, Step::Key(..))).count();
    // The scene's own focus command, then one move a key.
    assert_eq!(moves, keys + 1, "focus stopped moving along the list");
}

#[test]
fn a_key_press_shows_in_the_next_frame() {
    let text = marquee_test_support::text_service();
    let home = scenes::all(true).into_iter().find(|s| s.name == "home").unwrap();
    let presses = home.steps.iter().filter(|s| matches!(s, Step::Key(_, marquee_protocol::KeyAction::Press))).count();
    let n = measure(&home, &Native { text, raster: false, gpu: false }).unwrap();
    // Focus moves in the engine: every press changes the very next frame.
    assert_eq!(n.latency, vec![1; presses]);
}

#[test]
fn engine_js_under_node_times_every_frame() {
    let text = marquee_test_support::text_service();
    let node = NodeJs { engine_js: paths::engine_js(), text: text.clone() };
    let scene = scenes::all(true).into_iter().find(|s| s.name == "images").unwrap();
    let n = measure(&scene, &Native { text, raster: false, gpu: false }).unwrap();
    let j = measure(&scene, &node).unwrap();
    assert_eq!(j.frames.len(), n.frames.len());
    assert!(j.frames.iter().all(|t| t.is_finite() && *t >= 0.0) && j.frames.iter().any(|t| *t > 0.0), "{:?}", j.frames);
    check_phases(&j);
}

/// The browser runners play a scene in headless Chromium — engine.wasm with web.wasm, and
/// engine.js with web.js without WebAssembly — every frame timed in the worker, split by phase,
/// and each frame's CPU time traced.
#[test]
fn the_browser_runners_play_a_scene_in_chromium() {
    let text = marquee_test_support::text_service();
    let scene = scenes::all(true).into_iter().find(|s| s.name == "build").unwrap();
    let n = measure(&scene, &Native { text: text.clone(), raster: false, gpu: false }).unwrap();
    for js in [false, true] {
        let runner = marquee_bench::browser::Browser {
            web_wasm: paths::web_wasm(),
            engine_wasm: paths::engine_wasm(),
            fonts: marquee_bench::browser::Browser::fonts_in(&paths::demo_app().join("assets/fonts")),
            text: text.clone(),
            js,
        };
        let b = measure(&scene, &runner).unwrap();
        assert_eq!(b.frames.len(), n.frames.len(), "js: {js}");
        check_phases(&b);
        let run = b.browser.as_ref().unwrap();
        assert!(run.isolated, "the page is cross-origin isolated");
        assert!(run.traced && !run.cpu_ms.is_empty(), "js: {js}: no frame traced");
        assert!(run.cpu_ms.iter().all(|t| t.is_finite() && *t >= 0.0) && run.cpu_ms.iter().any(|t| *t > 0.0));
        assert_eq!(run.render_ms.len(), b.frames.len());
        let table = marquee_bench::browser::table(std::slice::from_ref(&b));
        assert!(table.contains(if js { "browser-js" } else { "browser " }), "{table}");
    }
}

/// The GPU backend's targets in what it is asked to do, the same on every machine: the home page
/// in at most 20 draw calls a frame, the stress scene's moving and fading boxes in at most 50;
/// a frame at rest after the first draws nothing new into a texture.
#[test]
fn the_gpu_backend_draws_the_scenes_in_a_few_draw_calls() {
    let text = marquee_test_support::text_service();
    let native = Native { text, raster: true, gpu: true };
    for scene in scenes::all(true).iter().filter(|s| ["home", "stress-transform"].contains(&s.name)) {
        let n = measure(scene, &native).unwrap();
        let gpu = n.gpu.unwrap_or_else(|| panic!("{}: no GPU counters (install Mesa's EGL and GLES)", scene.name));
        assert!(gpu.frames > 0, "{}: no frame drawn", scene.name);
        let most = if scene.name == "home" { 20 } else { 50 };
        assert!(gpu.max_draw_calls <= most, "{}: {} draw calls in a frame", scene.name, gpu.max_draw_calls);
        assert_eq!(gpu.frames as usize, gpu.backend_ms.len());
        if scene.name == "stress-transform" {
            // Boxes that only move and fade: placed as recorded, nothing uploaded.
            assert_eq!((gpu.layers_recorded, gpu.bytes_uploaded), (0, 0), "{gpu:?}");
        } else {
            assert!(gpu.image_uploads > 0 && gpu.glyph_uploads > 0, "{gpu:?}");
            assert!(gpu.upload_frames < gpu.frames, "{gpu:?}");
        }
    }
}
