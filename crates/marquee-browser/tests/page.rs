//! The demo in headless Chromium (Debian's, SwiftShader's WebGL): its bundle built as
//! `marquee bundle` builds it, served as `marquee web` serves it, and driven as `marquee web
//! --headless` drives it. Its frames must match the native host's goldens within the GPU
//! backend's tolerance, and its display lists the native engine's byte for byte.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use marquee_browser::{Config, Lacks, Outcome, Site, Typing};
use marquee_engine_contract::paths;
use marquee_test_support::golden;

fn root() -> PathBuf {
    paths::workspace_root()
}

/// `app` built into a bundle as `marquee bundle` builds it; returns its manifest.
fn bundle(app: &std::path::Path) -> PathBuf {
    bundle_with(app, paths::engine_wasm(), Some(paths::engine_js()))
}

/// `app` built into a bundle with `engine_wasm` (and `engine_js`, if any).
fn bundle_with(app: &std::path::Path, engine_wasm: PathBuf, engine_js: Option<PathBuf>) -> PathBuf {
    // A store of its own: tests build at once.
    let name = app.file_name().unwrap().to_string_lossy();
    let store_dir = std::env::temp_dir().join(format!("marquee-browser-store-{name}-{}", std::process::id()));
    let options = marquee_bundle::BuildOptions {
        engine_wasm,
        engine_js,
        engine_abi: marquee_engine_contract::ABI_VERSION,
        protocol: u32::from(marquee_protocol::VERSION),
        min_host: env!("CARGO_PKG_VERSION").into(),
        tools: marquee_bundle::Tools { esbuild: None, toolchain: Some(root().join("node_modules")) },
        app_js: None,
    };
    let store = marquee_bundle::Store::new(&store_dir);
    let (id, _) = marquee_bundle::build(app, &store, &options).unwrap();
    store.manifest_path(&id)
}

/// The demo's bundle, built once for every test here.
fn demo_manifest() -> PathBuf {
    static MANIFEST: OnceLock<PathBuf> = OnceLock::new();
    MANIFEST.get_or_init(|| bundle(&paths::demo_app())).clone()
}

/// The demo's sessions as the native host's tests run them: virtual time, offline, until idle.
fn config(keys: &[(u64, u16)]) -> Config {
    Config {
        virtual_time: true,
        offline: true,
        keys: keys.to_vec(),
        stop_when_idle: true,
        device_id: Some("test-device".into()),
        ..Config::default()
    }
}

/// A page's directory, unique to this call.
fn site_dir(name: &str) -> PathBuf {
    static RUNS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("marquee-browser-{name}-{}-{run}", std::process::id()))
}

/// Runs the page of the bundle at `manifest` with `config` in headless Chromium without what
/// `lacks` names.
fn run_bundle(name: &str, manifest: &std::path::Path, config: &Config, lacks: Lacks) -> Result<Outcome, String> {
    run_typing(name, manifest, config, lacks, None)
}

/// [`run_bundle`], with `typing` on the page's keyboard.
fn run_typing(
    name: &str,
    manifest: &std::path::Path,
    config: &Config,
    lacks: Lacks,
    typing: Option<&Typing>,
) -> Result<Outcome, String> {
    let dir = site_dir(name);
    let site = Site::assemble(&dir, manifest, &paths::web_wasm(), config).unwrap();
    let server = marquee_browser::serve(&site, "127.0.0.1:0".parse().unwrap()).unwrap();
    let url = format!("http://{}/index.html", server.addr());
    let outcome = marquee_browser::drive_typing(&url, Duration::from_secs(180), lacks, typing);
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

/// Runs the demo's page with `config` in headless Chromium.
fn run_page(name: &str, config: &Config, lacks: Lacks) -> Outcome {
    run_bundle(name, &demo_manifest(), config, lacks).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The page's log lines of `level`.
fn said<'a>(outcome: &'a Outcome, level: &str) -> Vec<&'a serde_json::Value> {
    let log = outcome.report["log"].as_array().map(Vec::as_slice).unwrap_or_default();
    log.iter().filter(|l| l["level"] == level).collect()
}

fn check_golden(name: &str, outcome: &Outcome) {
    let path = root().join(format!("tests/snapshots/host/{name}.png"));
    let s = golden::similarity(&path, outcome.size.0, outcome.size.1, &outcome.pixels).unwrap();
    if s.within < 0.995 || s.mean_error > 0.5 {
        let out = std::env::temp_dir().join(format!("{name}-browser.png"));
        marquee_browser::write_png(&out, outcome.size, &outcome.pixels).unwrap();
        panic!("{name} in the browser: {s:?}; the page's frame is {}", out.display());
    }
}

/// The native host's scripted sessions (`marquee-host`'s `demo_sessions_on`): a key every 12
/// frames from frame 10, each ending in a screenshot once everything has settled.
fn sessions() -> Vec<(&'static str, Vec<(u64, u16)>)> {
    use marquee_protocol::Key::{Back, Down, Enter, Right};
    let rails = [Down, Down, Right, Right, Right, Right, Right, Down];
    let at = |keys: Vec<marquee_protocol::Key>| {
        keys.into_iter().enumerate().map(|(i, k)| (10 + 12 * i as u64, k as u16)).collect()
    };
    vec![
        ("demo-home", vec![]),
        ("demo-rails", at(rails.to_vec())),
        ("demo-details", at([&rails[..], &[Enter]].concat())),
        ("demo-back", at([&rails[..], &[Enter, Back, Right]].concat())),
    ]
}

/// The page's recording replayed through the native engine with the app's fonts: every frame
/// buffer — the display lists the renderer drew — must be the page's byte for byte, so the
/// page's text measurements (web.wasm's text service) are the native host's.
fn check_native_replay(name: &str, outcome: &Outcome) {
    use sha2::Digest;
    let recording = marquee_browser::recording(&outcome.report).unwrap_or_else(|e| panic!("{name}: {e}"));
    let fonts = paths::demo_app().join("assets/fonts");
    let text = marquee_text::SharedText::new(marquee_text::TextSystem::with_fonts_in(&fonts).0);
    let mut engine = marquee_engine::Engine::with_text(Box::new(text));
    let frames = marquee_engine_contract::stream::play(&mut engine, &recording.steps)
        .unwrap_or_else(|(n, e)| panic!("{name}: the native engine failed at frame {n}: {e}"));
    assert_eq!(frames.len(), recording.frames.len(), "{name}: frames made");
    assert!(frames.len() > 30, "{name}: only {} frames", frames.len());
    for (n, (native, page)) in frames.iter().zip(&recording.frames).enumerate() {
        let native = hex::encode(sha2::Sha256::digest(native));
        assert_eq!(&native, page, "{name}: frame {n} differs from the native engine's");
    }
}

fn demo_sessions(engine: &str, lacks: Lacks, only: &[&str]) {
    for (name, keys) in sessions().into_iter().filter(|(name, _)| only.is_empty() || only.contains(name)) {
        let mut config = config(&keys);
        config.engine = engine.into();
        config.record = true;
        let outcome = run_page(name, &config, lacks);
        let report = &outcome.report;
        assert_eq!(report["ended"], "idle", "{name}: {report:#}");
        assert_eq!(report["commandErrors"], 0, "{name}: {report:#}");
        assert_eq!(report["engine"]["js"], engine == "js", "{name}: {report:#}");
        assert!(said(&outcome, "error").is_empty(), "{name}: {:#?}", report["log"]);
        check_golden(name, &outcome);
        check_native_replay(name, &outcome);
        let on_main_thread = outcome.report["renderer"].as_str().is_some_and(|r| r.ends_with("(main thread)"));
        assert_eq!(on_main_thread, lacks.offscreen_canvas, "{name}: drawn by {}", outcome.report["renderer"]);
    }
}

#[test]
fn the_demo_in_chromium_matches_the_native_goldens_with_engine_wasm() {
    demo_sessions("wasm", Lacks::default(), &[]);
}

/// engine.js in a page without WebAssembly: web.js (web.wasm through wasm2js) beside it.
#[test]
fn the_demo_in_chromium_matches_the_native_goldens_with_engine_js_and_no_webassembly() {
    demo_sessions("js", Lacks { webassembly: true, ..Lacks::default() }, &[]);
}

/// A browser without OffscreenCanvas: the main thread draws with its own web.wasm, given each
/// frame buffer and image by the engine worker (two sessions: images, text and focus moves).
#[test]
fn the_demo_in_chromium_without_offscreen_canvas_draws_on_the_main_thread() {
    demo_sessions("wasm", Lacks { offscreen_canvas: true, ..Lacks::default() }, &["demo-rails", "demo-details"]);
}

/// A key pressed while the app worker is stuck in a two-second loop moves focus in the very
/// next frame, and frames keep coming meanwhile (the native host's
/// `a_key_moves_focus_in_the_next_frame_while_the_app_thread_is_stuck`, in a page).
#[test]
fn a_key_moves_focus_in_the_next_frame_while_the_app_worker_is_stuck() {
    const KEY_FRAME: usize = 40;
    let manifest = bundle(&root().join("crates/marquee-host/tests/apps/focus-busy"));
    let config = Config {
        size: (640, 360),
        keys: vec![(KEY_FRAME as u64, marquee_protocol::Key::Right as u16)],
        stop_when_idle: true,
        ..Config::default()
    };
    let outcome = run_bundle("focus-busy", &manifest, &config, Lacks::default()).unwrap();
    let when = |text: &str| {
        let line = said(&outcome, "app").into_iter().find(|l| l["text"] == text);
        line.unwrap_or_else(|| panic!("no {text:?} in {:#?}", outcome.report["log"]))["at"].as_f64().unwrap()
    };
    let (start, end) = (when("busy start"), when("busy end"));
    let frames = outcome.report["frameTimes"].as_array().unwrap();
    let at = |i: usize| frames[i]["at"].as_f64().unwrap();
    let focused = |i: usize| frames[i]["focused"].as_u64().unwrap();
    assert!(start < at(KEY_FRAME) && at(KEY_FRAME) < end, "the key must arrive while the app worker is stuck");
    assert_ne!(focused(KEY_FRAME), focused(KEY_FRAME - 1), "focus did not move in the frame of the key");
    // Frames went on while it was stuck: the key's and more (a count, not a rate: CI is busy).
    let during = (0..frames.len()).filter(|&i| start < at(i) && at(i) < end).count();
    assert!(during >= 2, "only {during} frames in the app's two stuck seconds");
    // Focus used the arrow, so the app never heard it.
    assert!(said(&outcome, "app").iter().all(|l| !l["text"].as_str().unwrap().contains("key reached")));
}

/// Typed text in a page: a keyboard's characters (é and an emoji too, which no US layout has)
/// reach the app as `text` events on the focused tile, in order beside a digit, which is a
/// remote's key (the native host's `typed_text_reaches_the_app_in_order_beside_the_keys`).
#[test]
fn typed_text_reaches_the_app_in_a_page_in_order_beside_the_keys() {
    let manifest = bundle(&root().join("crates/marquee-host/tests/apps/typing"));
    let config = Config { size: (320, 180), stop_when_idle: true, ..Config::default() };
    let typing = Typing { after: "the tile has focus".into(), keys: "aé5😀".into() };
    let outcome = run_typing("typing", &manifest, &config, Lacks::default(), Some(&typing)).unwrap();
    let lines: Vec<&str> = said(&outcome, "app")
        .into_iter()
        .filter_map(|l| l["text"].as_str())
        .filter(|t| t.starts_with("typed") || t.starts_with("key"))
        .collect();
    assert_eq!(
        lines,
        ["typed a on the tile", "typed é on the tile", "key 5 press", "key 5 release", "typed 😀 on the tile"],
        "{:#?}",
        outcome.report["log"]
    );
}

/// A batch that is not a batch and a command the engine refuses are answered with error events
/// to the app, and the page goes on.
#[test]
fn a_hostile_batch_is_an_error_event_and_the_page_goes_on() {
    let manifest = bundle(&root().join("crates/marquee-host/tests/apps/malformed"));
    let config = Config { size: (320, 180), stop_when_idle: true, ..Config::default() };
    let outcome = run_bundle("malformed", &manifest, &config, Lacks::default()).unwrap();
    assert_eq!(outcome.report["ended"], "idle", "{:#}", outcome.report);
    assert_eq!(outcome.report["commandErrors"], 2);
    assert_eq!(outcome.report["nodes"], 2, "the good commands around the bad ones were applied");
    let heard: Vec<_> = said(&outcome, "app").iter().map(|l| l["text"].as_str().unwrap().to_owned()).collect();
    assert!(heard.iter().any(|t| t.starts_with("command-error code 1 batch 1")), "{heard:?}");
    assert!(heard.iter().any(|t| t.starts_with("command-error code 32")), "{heard:?}");
}

/// An engine build that traps (here: on any batch over 100 bytes) is replaced by a fresh instance,
/// the app is told with an `engine-reset` event and rebuilds, and frames go on (the native host's
/// `a_hung_engine_is_interrupted_and_replaced`, for a trap, in a page).
#[test]
fn an_engine_that_traps_is_replaced_and_the_app_told() {
    let mut frame = Vec::new();
    let head = marquee_display_list::frame::Head { full: false, time: 0.0 };
    marquee_display_list::frame::write(&mut frame, head, &[], &[], &marquee_protocol::encode_events(&[]), &[]);
    let packed = 2048u64 | (frame.len() as u64) << 32;
    let trap = "(if (i32.gt_u (local.get 1) (i32.const 100)) (then unreachable)) i32.const 0";
    let wat = marquee_test_support::guest::wat(
        trap,
        &format!("i64.const {packed}"),
        &marquee_test_support::guest::data(&frame),
    );
    let engine = std::env::temp_dir().join(format!("marquee-browser-trap-{}.wasm", std::process::id()));
    std::fs::write(&engine, wat::parse_str(wat).unwrap()).unwrap();
    let manifest = bundle_with(&root().join("crates/marquee-host/tests/apps/hang"), engine.clone(), None);
    let config = Config { size: (320, 180), engine: "wasm".into(), stop_when_idle: true, ..Config::default() };
    let outcome = run_bundle("trap", &manifest, &config, Lacks::default()).unwrap();
    let _ = std::fs::remove_file(&engine);
    let report = &outcome.report;
    assert_eq!(report["ended"], "idle", "{report:#}");
    assert_eq!(report["engineResets"], 1, "{:#?}", report["log"]);
    assert_eq!(said(&outcome, "app").iter().filter(|l| l["text"] == "engine-reset trap").count(), 1);
    let failed: Vec<_> = said(&outcome, "error")
        .into_iter()
        .filter(|l| {
            l["text"].as_str().unwrap().contains("engine failed")
                && l["text"].as_str().unwrap().contains("starting a fresh instance")
        })
        .collect();
    assert_eq!(failed.len(), 1, "{:#?}", report["log"]);
    // Frames went on after the reset.
    let reset = failed[0]["at"].as_f64().unwrap();
    let frames = report["frameTimes"].as_array().unwrap();
    assert!(frames.iter().filter(|f| f["at"].as_f64().unwrap() > reset).count() > 5, "{report:#}");
}

/// A bundle file that differs from its manifest is refused before anything runs, with an error
/// the page shows; so is a manifest that does not match its id.
#[test]
fn a_tampered_bundle_is_refused_with_a_visible_error() {
    let manifest = demo_manifest();
    let text = std::fs::read_to_string(&manifest).unwrap();
    let files: serde_json::Value = serde_json::from_str(&text).unwrap();
    let app_js = files["files"]["app.js"]["sha256"].as_str().unwrap().to_owned();
    let dir = site_dir("tampered");
    let site = Site::assemble(&dir, &manifest, &paths::web_wasm(), &config(&[])).unwrap();
    let object = site.object(&app_js);
    let mut bytes = std::fs::read(&object).unwrap();
    bytes.extend_from_slice(b"\nglobalThis.stolen = true;\n");
    std::fs::write(&object, bytes).unwrap();
    let server = marquee_browser::serve(&site, "127.0.0.1:0".parse().unwrap()).unwrap();
    let url = format!("http://{}/index.html", server.addr());
    let error = marquee_browser::drive(&url, Duration::from_secs(120), Lacks::default()).unwrap_err();
    assert!(error.contains("app.js was refused: it does not match the bundle's manifest"), "{error}");
    // The manifest itself, one byte changed: it no longer hashes to the id it is named by.
    let id = manifest.file_stem().unwrap().to_str().unwrap();
    let served = dir.join(format!("bundle/bundles/{id}.json"));
    std::fs::write(&served, text.replacen("\"version\":\"0.1.0\"", "\"version\":\"0.1.1\"", 1)).unwrap();
    let error = marquee_browser::drive(&url, Duration::from_secs(120), Lacks::default()).unwrap_err();
    assert!(error.contains("the bundle manifest does not match its id"), "{error}");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Images that fail in every way a device meets are reported to the app with the native host's
/// reasons and keep their placeholders; the one that loads is the only one held (the native
/// host's `images_that_fail_report_why_and_keep_their_placeholder`, in a page).
#[test]
fn images_that_fail_report_the_native_reasons_and_keep_their_placeholders() {
    let manifest = bundle(&root().join("crates/marquee-host/tests/apps/images"));
    let config = Config { size: (640, 96), virtual_time: true, stop_when_idle: true, ..Config::default() };
    let outcome = run_bundle("images", &manifest, &config, Lacks::default()).unwrap();
    let heard: Vec<_> = said(&outcome, "app").iter().map(|l| l["text"].as_str().unwrap().to_owned()).collect();
    for line in marquee_test_support::images::IMAGES_APP_SAYS {
        assert_eq!(heard.iter().filter(|h| *h == line).count(), 1, "`{line}` not in {heard:?}");
    }
    let pixel = |x: usize, y: usize| {
        let i = (y * outcome.size.0 as usize + x) * 4;
        [outcome.pixels[i], outcome.pixels[i + 1], outcome.pixels[i + 2]]
    };
    assert_ne!(pixel(32, 24), [255, 0, 0], "the photo did not replace its placeholder");
    for (k, colour) in marquee_test_support::images::IMAGES_APP_PLACEHOLDERS.into_iter().enumerate() {
        assert_eq!(pixel(64 * (k + 1) + 32, 24), colour, "placeholder of image {}", k + 1);
    }
    assert_eq!(outcome.report["imageBytes"], 32 * 24 * 4, "only the photo's pixels are held");
}

/// The debug overlay in a page, as on a device: shown from the first frame (`?overlay`,
/// `marquee web --overlay`), its panels along the right edge over the demo, which shows as the
/// native golden everywhere else; the remote's sequence moves it on to the inspector, whose
/// pick follows the arrows through the engine's debug query (the node after the focused one,
/// as the native engine answers for the page's own input), and hides it again: the app's
/// pixels come back exactly as in a run that never showed it.
#[test]
fn the_debug_overlay_shows_over_the_demo_and_the_remote_moves_it_on() {
    use marquee_engine_contract::debug::{Answer, Query};
    use marquee_engine_contract::stream::Step;
    use marquee_protocol::Key::{Down, Menu, Right, Up};
    let sequence = [Menu, Menu, Menu, Up];
    let at = |keys: &[marquee_protocol::Key], spacing: u64| -> Vec<(u64, u16)> {
        keys.iter().enumerate().map(|(i, k)| (10 + spacing * i as u64, *k as u16)).collect()
    };
    let said_starting = |outcome: &Outcome, start: &str| {
        said(outcome, "warn")
            .iter()
            .chain(&said(outcome, "info"))
            .any(|l| l["text"].as_str().unwrap().starts_with(start))
    };

    // Shown: the panels on the right, the demo's home everywhere else.
    let shown = run_page("overlay-shown", &Config { overlay: true, ..config(&[]) }, Lacks::default());
    assert_eq!(shown.report["ended"], "idle", "{:#}", shown.report);
    assert!(said_starting(&shown, "debug overlay shown"), "{:#?}", shown.report["log"]);
    let (w, h) = (shown.size.0 as usize, shown.size.1 as usize);
    let column = w - marquee_overlay::WIDTH as usize - 20;
    let (_, golden) = golden::read(&root().join("tests/snapshots/host/demo-home.png")).unwrap();
    let mut masked = shown.pixels.clone();
    let mut changed = 0;
    for y in 0..h {
        let (from, to) = ((y * w + column) * 4, (y + 1) * w * 4);
        let native = &golden[from..to];
        changed += masked[from..to].chunks(4).zip(native.chunks(4)).filter(|(a, b)| a != b).count();
        masked[from..to].copy_from_slice(native);
    }
    let s = golden::similarity_of(&golden, &masked);
    assert!(s.within >= 0.995 && s.mean_error <= 0.5, "outside the panels: {s:?}");
    assert!(changed > (w - column) * h / 5, "the panels changed only {changed} pixels");

    // Inspecting (the sequence; its last key is the inspector's), then Right: the inspector
    // picks the focused node's next sibling, and neither key reaches the engine.
    let keys = at(&[&sequence[..], &[Right]].concat(), 6);
    let config_inspecting = Config { overlay: true, record: true, ..config(&keys) };
    let inspecting = run_page("overlay-inspecting", &config_inspecting, Lacks::default());
    let log = &inspecting.report["log"];
    assert!(said_starting(&inspecting, "debug overlay inspecting"), "{log:#?}");
    assert!(!said_starting(&inspecting, "debug query"), "{log:#?}");
    let recording = marquee_browser::recording(&inspecting.report).unwrap();
    let recorded_keys = recording.steps.iter().filter(|s| matches!(s, Step::Key(..))).count();
    assert_eq!(recorded_keys, 2 * 3, "a press and a release of each Menu, and no more");
    let fonts = paths::demo_app().join("assets/fonts");
    let text = marquee_text::SharedText::new(marquee_text::TextSystem::with_fonts_in(&fonts).0);
    let mut engine = marquee_engine::Engine::with_text(Box::new(text));
    marquee_engine_contract::stream::play(&mut engine, &recording.steps).unwrap();
    let mut ask = |query| {
        let bytes = marquee_engine_contract::Engine::debug_query(&mut engine, query).unwrap().unwrap();
        marquee_engine_contract::debug::decode(&bytes).unwrap()
    };
    let Answer::Focus(focus) = ask(Query::Focus) else { panic!("no focus answer") };
    let focused = focus.focused.expect("a focused tile");
    let Answer::Node(node) = ask(Query::Node(focused)) else { panic!("no node answer") };
    let Answer::Node(parent) = ask(Query::Node(node.parent.unwrap())) else { panic!("no parent answer") };
    let next = parent.child_ids[parent.child_ids.iter().position(|&c| c == focused).unwrap() + 1];
    assert_eq!(inspecting.report["inspected"], next, "{log:#?}");

    // Hidden again (the second sequence; its last key reaches the app, as Down after it): the
    // same pixels as a run whose keys came too slowly to move the overlay on.
    let keys = at(&[&sequence[..], &sequence[..], &[Down]].concat(), 6);
    let hidden = run_page("overlay-hidden", &Config { overlay: true, ..config(&keys) }, Lacks::default());
    assert!(said_starting(&hidden, "debug overlay hidden"), "{:#?}", hidden.report["log"]);
    let slow = at(&[&sequence[..], &[Down]].concat(), 70);
    let never = run_page("overlay-never", &config(&slow), Lacks::default());
    assert!(!said_starting(&never, "debug overlay"), "{:#?}", never.report["log"]);
    let differ = hidden.pixels.chunks(4).zip(never.pixels.chunks(4)).filter(|(a, b)| a != b).count();
    assert_eq!(differ, 0, "pixels differ after the overlay went");
}
