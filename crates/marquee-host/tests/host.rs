//! The host end to end: real app JavaScript on the app thread, engine.wasm (or a stand-in
//! module) on the engine thread. The architecture's promises are checked here: frames go on while
//! the app thread is stuck, bad batches become error events, a hung engine or a hung app is
//! interrupted and the host recovers, and the demo renders to its golden image.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use marquee_engine_contract::paths;
use marquee_host::{
    Canvas, Ended, EngineChoice, Headless, Host, Input, IntRect, JsLimits, Key, KeyAction, Options, Presenter, Report,
    Stop, WasmRollout,
};
use marquee_test_support::{golden, guest};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn engine_wasm() -> Vec<u8> {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| paths::read_engine_wasm().unwrap_or_else(|e| panic!("{e}"))).clone()
}

/// engine.js, built beside engine.wasm.
fn engine_js() -> String {
    static JS: OnceLock<String> = OnceLock::new();
    JS.get_or_init(|| paths::read_engine_js().unwrap_or_else(|e| panic!("{e}"))).clone()
}

/// Host tests run one at a time: several of them check timing (frames while the app thread is
/// stuck, an interrupt after its budget), which a neighbour rendering the demo on the other core
/// of a 2-core machine would starve.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn options(app: &str, wasm: Vec<u8>) -> Options {
    options_at(&root().join(app), wasm)
}

fn options_at(app: &Path, wasm: Vec<u8>) -> Options {
    let mut o = Options::new(app, wasm);
    o.size = (640, 360);
    o.echo_console = false;
    o.stop = Stop { frames: None, when_idle: true, timeout: Some(Duration::from_secs(20)) };
    o
}

fn run(options: Options) -> Report {
    match Host::run(options, Box::new(Headless)) {
        Ok(report) => report,
        Err(e) => panic!("host failed: {e}"),
    }
}

fn when(report: &Report, needle: &str) -> Instant {
    report
        .log
        .iter()
        .find(|(_, _, m)| m.contains(needle))
        .unwrap_or_else(|| panic!("no `{needle}` in {:?}", report.log))
        .0
}

#[test]
fn frames_go_on_while_the_app_thread_is_stuck() {
    let _serial = serial();
    let report = run(options("crates/marquee-host/tests/apps/busy", engine_wasm()));
    assert_eq!(report.ended, Ended::Idle);
    let (start, end) = (when(&report, "busy start"), when(&report, "busy end"));
    let stuck = end.duration_since(start);
    assert!(stuck >= Duration::from_millis(990), "the app was stuck for {stuck:?}");
    // Frames presented while the app thread was known to be blocked: an engine thread that
    // waited for the app could present at most the one frame already under way. The count, not
    // the rate, is the promise (rates belong in `marquee-bench`; this machine may be busy).
    let during = report.frames.iter().filter(|f| f.at > start && f.at < end).count();
    assert!(during >= 5, "only {during} frames while the app thread was stuck for {stuck:?}");
    // Nothing the app sent was lost: root, the box and its 50 children.
    assert_eq!(report.nodes, 52);
    assert_eq!(report.command_errors, 0);
}

/// Records whether the second tile of `apps/focus-busy` shows its focused (white) style, frame by
/// frame.
struct SecondTileWatcher(Arc<Mutex<Vec<bool>>>);

impl Presenter for SecondTileWatcher {
    fn present(&mut self, canvas: &Canvas, _: &[IntRect]) -> bool {
        let white = canvas.pixmap().pixel(170, 50).is_some_and(|p| p.red() == 255 && p.green() == 255);
        self.0.lock().unwrap().push(white);
        true
    }
}

#[test]
fn a_key_moves_focus_in_the_next_frame_while_the_app_thread_is_stuck() {
    let _serial = serial();
    const KEY_FRAME: u64 = 40;
    let mut o = options("crates/marquee-host/tests/apps/focus-busy", engine_wasm());
    o.script = vec![(KEY_FRAME, Key::Right)];
    let seen = Arc::new(Mutex::new(Vec::new()));
    let report = match Host::run(o, Box::new(SecondTileWatcher(seen.clone()))) {
        Ok(r) => r,
        Err(e) => panic!("host failed: {e}"),
    };
    let (start, end) = (when(&report, "busy start"), when(&report, "busy end"));
    let key_frame = &report.frames[KEY_FRAME as usize];
    assert!(start < key_frame.at && key_frame.at < end, "the key must arrive while the app thread is stuck");
    let seen = seen.lock().unwrap();
    let k = KEY_FRAME as usize;
    assert!(!seen[k - 1], "the second tile was focused before the key");
    assert!(seen[k], "focus did not move in the frame right after the key");
    // Focus used the arrow, so the app never heard it.
    assert!(report.said("key reached the app").is_empty(), "{:?}", report.log);
}

#[test]
fn typed_text_reaches_the_app_in_order_beside_the_keys() {
    use std::sync::atomic::Ordering;
    let _serial = serial();
    let mut o = options("crates/marquee-host/tests/apps/typing", engine_wasm());
    // Ended by the test once the app has seen everything: an idle run could end before the input.
    o.stop.when_idle = false;
    let vitals = o.vitals.clone();
    let host = Host::start(o, Box::new(Headless)).unwrap_or_else(|e| panic!("host failed: {e}"));
    // The app's tile on screen (focused in that frame), and then the app's answer to the last
    // character (it recolours the tile): each a frame with the app's content.
    let content_frames = |more_than: u64| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while vitals.content_frames.load(Ordering::Relaxed) <= more_than {
            assert!(Instant::now() < deadline, "no frame with the app's content after {more_than}");
            std::thread::sleep(Duration::from_millis(10));
        }
        vitals.content_frames.load(Ordering::Relaxed)
    };
    let shown = content_frames(0);
    let input = host.input();
    for c in "aé".chars() {
        assert!(input.send(Input::Text(c)));
    }
    for action in [KeyAction::Press, KeyAction::Release] {
        assert!(input.send(Input::Key(Key::Digit5, action)));
    }
    assert!(input.send(Input::Text('😀')));
    content_frames(shown);
    input.send(Input::Quit);
    let report = host.join().unwrap_or_else(|e| panic!("host failed: {e}"));
    let said: Vec<&str> = report
        .log
        .iter()
        .map(|(_, _, m)| m.as_str())
        .filter(|m| m.starts_with("typed") || m.starts_with("key"))
        .collect();
    assert_eq!(
        said,
        ["typed a on the tile", "typed é on the tile", "key 5 press", "key 5 release", "typed 😀 on the tile"]
    );
}

#[test]
fn a_malformed_batch_from_js_is_an_error_event_and_the_host_goes_on() {
    let _serial = serial();
    let report = run(options("crates/marquee-host/tests/apps/malformed", engine_wasm()));
    assert_eq!(report.ended, Ended::Idle);
    assert_eq!(report.said("command-error code 1 batch 1 node null").len(), 1, "{:?}", report.log);
    assert_eq!(report.said("command-error code 32").len(), 1, "{:?}", report.log);
    assert_eq!(report.nodes, 2, "the good commands around the bad one were applied");
    assert_eq!(report.command_errors, 2);
}

#[test]
fn rejected_commands_are_said_in_words_to_the_app_and_once_per_kind_in_the_log() {
    let _serial = serial();
    let report = run(options("crates/marquee-host/tests/apps/rejected", engine_wasm()));
    assert_eq!(report.command_errors, 4);
    for heard in [
        "app heard: setText on node 1, a view: not a text node",
        "app heard: setStyle on node 1, a view: a text property on a node that is not text",
        "app heard: appendChild on node 4242: no such node (destroyed, or never created)",
    ] {
        let times = if heard.contains("setText") { 2 } else { 1 };
        assert_eq!(report.said(heard).len(), times, "{heard}: {:?}", report.log);
    }
    for logged in [
        "command rejected: setText on node 1: not a text node",
        "command rejected: setStyle on node 1: a text property on a node that is not text",
        "command rejected: appendChild on node 4242: no such node",
    ] {
        assert_eq!(report.said(logged).len(), 1, "{logged}, once: {:?}", report.log);
    }
}

/// A stand-in engine: answers every call like engine.wasm, with empty frames, except that a
/// batch over 100 bytes sends `mq_apply` into an endless loop.
fn hanging_engine() -> Vec<u8> {
    let mut frame = Vec::new();
    let head = marquee_display_list::frame::Head { full: false, time: 0.0 };
    marquee_display_list::frame::write(&mut frame, head, &[], &[], &marquee_protocol::encode_events(&[]), &[]);
    let packed = 2048u64 | (frame.len() as u64) << 32;
    let spin = "(if (i32.gt_u (local.get 1) (i32.const 100)) (then (loop $spin (br $spin)))) i32.const 0";
    wat::parse_str(guest::wat(spin, &format!("i64.const {packed}"), &guest::data(&frame))).unwrap()
}

/// A stand-in engine whose every frame draws a layer that does not exist.
fn broken_layers_engine() -> Vec<u8> {
    use marquee_display_list::{Encoder, Op, layers};
    let mut list = Encoder::default();
    list.push(&Op::DrawLayer { layer: 9 });
    let mut updates = Vec::new();
    layers::write_content(&mut updates, 0, list.bytes());
    let mut frame = Vec::new();
    let damage = [IntRect { x: 0, y: 0, w: 640, h: 360 }];
    let head = marquee_display_list::frame::Head { full: true, time: 0.0 };
    marquee_display_list::frame::write(&mut frame, head, &updates, &damage, &marquee_protocol::encode_events(&[]), &[]);
    let packed = 2048u64 | (frame.len() as u64) << 32;
    wat::parse_str(guest::wat("i32.const 0", &format!("i64.const {packed}"), &guest::data(&frame))).unwrap()
}

/// A hostile engine build's layer updates that do not make a tree are refused by the backend:
/// no frame is drawn from them (the canvas keeps the last good pixels, here the background), the
/// failure is said once, and the host runs on to its end.
#[test]
fn frames_with_a_broken_layer_tree_are_refused() {
    let _serial = serial();
    let mut o = options("crates/marquee-host/tests/apps/hang", broken_layers_engine());
    o.stop = Stop { frames: Some(20), when_idle: false, timeout: Some(Duration::from_secs(20)) };
    let report = run(o);
    assert_eq!(report.ended, Ended::Frames);
    assert!(report.frames.iter().all(|f| !f.drawn), "a frame was drawn from a broken tree");
    assert_eq!(report.said("layer updates refused").len(), 1, "{:?}", report.log);
    assert!(report.said("is drawn but does not exist").len() == 1, "{:?}", report.log);
    let pixels = report.canvas.pixmap().data();
    assert!(pixels.chunks(4).all(|p| p == &pixels[..4]), "the canvas changed");
}

#[test]
fn a_hung_engine_is_interrupted_and_replaced() {
    let _serial = serial();
    let mut o = options("crates/marquee-host/tests/apps/hang", hanging_engine());
    o.engine_call_budget = Duration::from_millis(100);
    let report = run(o);
    assert_eq!(report.ended, Ended::Idle);
    assert_eq!(report.engine_resets, 1);
    assert_eq!(report.said("engine-reset hang").len(), 1, "{:?}", report.log);
    assert_eq!(report.said("ran past its time budget").len(), 1, "{:?}", report.log);
    // Frames continued after the reset, and the small batch that followed it was applied.
    let reset = when(&report, "engine-reset hang");
    assert!(report.frames.iter().any(|f| f.at > reset));
}

#[test]
fn an_endless_js_loop_is_interrupted_and_the_app_goes_on() {
    let _serial = serial();
    let mut o = options("crates/marquee-host/tests/apps/loop", engine_wasm());
    o.js = JsLimits { budget: Duration::from_millis(200), ..JsLimits::default() };
    o.script = vec![(3, Key::Enter)];
    let report = run(o);
    assert_eq!(report.ended, Ended::Idle);
    assert_eq!(report.said("spinning").len(), 1);
    assert_eq!(report.said("interrupted").len(), 1, "{:?}", report.log);
    assert!(report.said("never reached").is_empty());
    assert!(when(&report, "alive") > when(&report, "interrupted"), "{:?}", report.log);
    // The engine thread did not wait for the stuck app: frames were drawn meanwhile (more than
    // the one that may have been under way when the app got stuck).
    let (spin, stop) = (when(&report, "spinning"), when(&report, "interrupted"));
    assert!(report.frames.iter().filter(|f| f.at > spin && f.at < stop).count() >= 2);
}

/// An app's localStorage outlives its run in the device's state directory, under the app's
/// name; without one it lasts the run.
#[test]
fn local_storage_persists_between_runs_in_the_storage_directory() {
    let _serial = serial();
    let state = std::env::temp_dir().join(format!("marquee-host-state-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&state);
    let app = root().join("crates/marquee-host/tests/apps/storage");
    let said = |state: Option<&Path>| {
        let mut o = options_at(&app, engine_wasm());
        o.storage_dir = state.map(Path::to_path_buf);
        let report = run(o);
        assert_eq!(report.ended, Ended::Idle);
        report.log.iter().find(|(_, _, m)| m.starts_with("run ")).map(|(_, _, m)| m.clone()).unwrap_or_default()
    };
    assert_eq!(said(Some(&state)), "run 1, session 0");
    assert_eq!(said(Some(&state)), "run 2, session 0");
    assert_eq!(said(None), "run 1, session 0");
    let file = marquee_host::storage_file(&state, &app);
    assert_eq!(file, state.join("storage/local-storage.json"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), r#"{"runs":"2"}"#);
    let _ = std::fs::remove_dir_all(&state);
}

/// An app's state directory is named for its package, written so that no name can reach out
/// of the state directory or into another app's.
#[test]
fn storage_files_are_named_for_the_app_and_stay_in_the_storage_directory() {
    let dir = std::env::temp_dir().join(format!("marquee-host-names-{}", std::process::id()));
    for (name, want) in [
        (Some("@acme/tv"), "_acme_tv"),
        (Some("../../etc"), ".._.._etc"),
        (Some(".."), "_.."),
        (Some("a b\\c"), "a_b_c"),
        (Some("été"), "_t_"),
        (Some(""), "the-app"),
        (None, "the-app"),
    ] {
        let app = dir.join("the-app");
        let _ = std::fs::remove_dir_all(&app);
        std::fs::create_dir_all(&app).unwrap();
        if let Some(name) = name {
            std::fs::write(app.join("package.json"), serde_json::json!({ "name": name }).to_string()).unwrap();
        }
        let file = marquee_host::storage_file(Path::new("/state"), &app);
        assert_eq!(file, Path::new("/state").join(want).join("local-storage.json"), "{name:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The environment's locale names as the language tags apps read from `navigator`.
#[test]
fn posix_locales_become_language_tags() {
    for (posix, tag) in [
        ("en_US.UTF-8", Some("en-US")),
        ("de_DE@euro", Some("de-DE")),
        ("he_IL", Some("he-IL")),
        ("zh_hant_tw.UTF-8", Some("zh-Hant-TW")),
        ("ar", Some("ar")),
        ("C.UTF-8", None),
        ("POSIX", None),
        ("", None),
        ("../../x", None),
        ("en_US!", None),
    ] {
        assert_eq!(marquee_host::language_tag(posix).as_deref(), tag, "{posix:?}");
    }
}

/// `fetch` in a running app: a response from a server on 127.0.0.1 the manifest allows, a
/// refusal for an origin it does not, an abort, and one of the app's own files by a relative
/// URL; the run is not idle while requests are out.
#[test]
fn fetch_reaches_the_origins_the_manifest_allows_and_no_others() {
    use std::io::{BufRead, BufReader, Write};
    let _serial = serial();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Answers /json after 300 ms (the app must wait for it) and leaves /silent unanswered; it
    // stops after the two connections the app makes (the refused request makes none).
    named(move || {
        for stream in listener.incoming().take(2).flatten() {
            named(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut first = String::new();
                reader.read_line(&mut first).unwrap();
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let mut out = stream;
                if first.contains("/json") {
                    std::thread::sleep(Duration::from_millis(300));
                    let body = r#"{"rails":["new","top"]}"#;
                    // This server answers one request a connection, and says so: a client that
                    // pooled the connection would find it closed under its next request.
                    let _ = write!(
                        out,
                        "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                } else {
                    std::thread::sleep(Duration::from_secs(5));
                }
            });
        }
    });
    let dir = networked_app(
        "fetcher",
        port,
        &format!(
            "const base = 'http://127.0.0.1:{port}';\n\
             const r = await fetch(`${{base}}/json`);\n\
             console.log('got', r.status, r.ok, (await r.json()).rails.join(' '));\n\
             await fetch('https://example.com/').catch((e) => console.log('refused', e.name, e.message));\n\
             const c = new AbortController();\n\
             setTimeout(() => c.abort(), 50);\n\
             await fetch(`${{base}}/silent`, {{ signal: c.signal }}).catch((e) => console.log('aborted', e.name));\n\
             const own = await fetch('data/rails.json');\n\
             console.log('own', own.url, own.headers.get('content-type'), (await own.json()).rails.length);\n"
        ),
    );
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("data/rails.json"), r#"{ "rails": [1, 2, 3] }"#).unwrap();
    let report = run(options_at(&dir, engine_wasm()));
    assert_eq!(report.ended, Ended::Idle);
    let said: Vec<&str> = report.log.iter().map(|(_, _, m)| m.as_str()).collect();
    assert!(said.contains(&"got 200 true new top"), "{said:?}");
    assert!(
        said.iter().any(|m| m.starts_with("refused TypeError")
            && m.contains("https://example.com is not an origin this app may reach")),
        "{said:?}"
    );
    assert!(said.contains(&"aborted AbortError"), "{said:?}");
    assert!(said.contains(&"own app://app/data/rails.json application/json 3"), "{said:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fetch storm: 10,000 requests of 64 KiB each, 200 at a time, from an app that also draws.
/// Every request is answered, the host's memory stays bounded (the requests' bytes pass through
/// a bounded queue and a bounded heap; kept whole they would be 640 MiB) and frames keep coming.
#[test]
fn a_fetch_storm_leaves_memory_bounded_and_frames_coming() {
    use std::io::{BufRead, BufReader, Write};
    let _serial = serial();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    // Keep-alive connections, each answering requests until the client closes it; the server
    // stops accepting after a minute.
    named(move || {
        let end = Instant::now() + Duration::from_secs(60);
        while Instant::now() < end {
            let Ok((stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(2));
                continue;
            };
            named(move || {
                stream.set_nonblocking(false).unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut out = stream;
                let body = vec![b'x'; 64 << 10];
                loop {
                    let mut line = String::new();
                    let mut head = 0;
                    while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                        head += 1;
                        if line == "\r\n" {
                            break;
                        }
                        line.clear();
                    }
                    if head == 0 || line != "\r\n" {
                        return;
                    }
                    let ok = write!(out, "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", body.len()).is_ok()
                        && out.write_all(&body).is_ok();
                    if !ok {
                        return;
                    }
                }
            });
        }
    });
    // The app spins a box while it fetches.
    let dir = networked_app(
        "storm",
        port,
        &format!(
            "import {{ createApp }} from '@marquee/sdk';\n\
             const app = createApp();\n\
             const box = app.view({{ width: 100, height: 100, backgroundColor: '#ff0000' }});\n\
             app.root.append(box);\n\
             let angle = 0, frames = 0, spinning = true;\n\
             let storm;\n\
             const started = new Promise((resolve) => (storm = resolve));\n\
             requestAnimationFrame(function spin() {{\n\
               box.style({{ translateX: (angle += 3) % 500 }});\n\
               if (++frames === 3) storm();\n\
               if (spinning) requestAnimationFrame(spin);\n\
             }});\n\
             // Frames are coming (the engine may still be compiling when the app starts): storm.\n\
             await started;\n\
             let sent = 0, ok = 0, failed = 0;\n\
             async function worker() {{\n\
               while (sent < 10000) {{\n\
                 sent++;\n\
                 try {{ const r = await fetch('http://127.0.0.1:{port}/n'); if ((await r.arrayBuffer()).byteLength === 65536) ok++; else failed++; }}\n\
                 catch (e) {{ if (failed++ < 3) console.log('failed', e.message); }}\n\
               }}\n\
             }}\n\
             console.log('storm start');\n\
             await Promise.all(Array.from({{ length: 200 }}, worker));\n\
             console.log(`storm end ${{ok}} ${{failed}}`);\n\
             spinning = false;\n"
        ),
    );
    // The peak resident size from here on (writing 5 to clear_refs resets it).
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let rss = |field: &str| -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with(field)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() << 10
    };
    let before = rss("VmRSS:");
    let mut o = options_at(&dir, engine_wasm());
    o.stop.timeout = Some(Duration::from_secs(60));
    let report = run(o);
    let peak = rss("VmHWM:");
    assert_eq!(report.ended, Ended::Idle);
    let said: Vec<&str> = report.log.iter().map(|(_, _, m)| m.as_str()).collect();
    assert!(said.contains(&"storm end 10000 0"), "{said:?}");
    let grew = peak.saturating_sub(before);
    assert!(grew < 256 << 20, "the host grew by {} MiB during the storm", grew >> 20);
    let (start, end) = (when(&report, "storm start"), when(&report, "storm end"));
    let frames: Vec<Instant> = report.frames.iter().map(|f| f.at).filter(|&at| at > start && at < end).collect();
    // Frames in every quarter of the storm: counts over its own span, not a rate.
    let span = end - start;
    for q in 0..4u32 {
        let (from, to) = (start + span * q / 4, start + span * (q + 1) / 4);
        let n = frames.iter().filter(|&&at| at >= from && at < to).count();
        assert!(n >= 1, "no frame in quarter {q} of the {span:?} storm ({} frames in all)", frames.len());
    }
    assert!(frames.len() >= 10, "{} frames in {span:?} of storm", frames.len());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_demo_renders_its_golden_images() {
    let _serial = serial();
    demo_sessions(EngineChoice::Wasm);
}

/// The promise of engine.js: the same engine, so the same pixels, on devices without Wasm.
#[test]
fn the_demo_renders_the_same_images_with_engine_js() {
    let _serial = serial();
    demo_sessions(EngineChoice::Js);
}

/// The promise of the interpreter: a device without a JIT runs engine.wasm in wasmi, and shows
/// the same pixels.
#[test]
fn the_demo_renders_the_same_images_with_engine_wasm_interpreted() {
    let _serial = serial();
    demo_sessions(EngineChoice::Wasmi);
}

/// Every demo golden drawn by the GPU backend (Mesa's llvmpipe in CI): within the backends'
/// tolerance of the CPU's images, as the raster fixtures are (`marquee-gl`'s `tests/golden.rs`).
#[test]
fn the_demo_renders_its_golden_images_on_the_gpu() {
    let _serial = serial();
    demo_sessions_on(EngineChoice::Wasm, marquee_host::RendererChoice::Gpu);
}

/// The demo written in React (`apps/demo-react`, compiled as `marquee run` compiles it) shows
/// the same pixels as the demo written with the SDK's proxy nodes, session for session.
#[test]
fn the_react_demo_renders_the_demo_golden_images() {
    let _serial = serial();
    let tools = marquee_bundle::Tools { esbuild: None, toolchain: Some(root().join("node_modules")) };
    let entry = marquee_bundle::compile(&root().join("apps/demo-react"), &tools).unwrap();
    demo_app_sessions("apps/demo-react", Some(entry), EngineChoice::Wasm, marquee_host::RendererChoice::Cpu);
}

fn demo_sessions(engine: EngineChoice) {
    demo_sessions_on(engine, marquee_host::RendererChoice::Cpu);
}

fn demo_sessions_on(engine: EngineChoice, renderer: marquee_host::RendererChoice) {
    demo_app_sessions("apps/demo", None, engine, renderer);
}

/// The demo's scripted sessions in the app at `app` (run from `entry` when given), each checked
/// against its golden image.
fn demo_app_sessions(app: &str, entry: Option<PathBuf>, engine: EngineChoice, renderer: marquee_host::RendererChoice) {
    use Key::{Back, Down, Enter, Left, Right, Yellow};
    // Scripted remote sessions, a key every 12 frames (200 ms of virtual time), each ending in a
    // screenshot once everything has settled. From the start, focus is on the first nav item.
    let rails = [Down, Down, Right, Right, Right, Right, Right, Down];
    // In Arabic (the yellow key) the page reads from the right: Left goes on along a rail.
    let arabic = [Yellow, Down, Down, Left, Left, Left, Left, Left, Down, Enter];
    let sessions: [(&str, Vec<Key>); 5] = [
        ("demo-home", vec![]),
        ("demo-rails", rails.to_vec()),
        ("demo-details", [&rails[..], &[Enter]].concat()),
        ("demo-back", [&rails[..], &[Enter, Back, Right]].concat()),
        ("demo-arabic", arabic.to_vec()),
    ];
    for (name, keys) in sessions {
        let mut o = options(app, engine_wasm());
        o.entry = entry.clone();
        o.size = (1280, 720);
        o.virtual_time = true;
        // Its bundled catalogue, whatever listens on this machine's port 8080.
        o.offline = true;
        o.script = keys.into_iter().enumerate().map(|(i, k)| (10 + 12 * i as u64, k)).collect();
        o.engine = engine;
        o.engine_js = Some(engine_js());
        o.renderer = renderer;
        if renderer != marquee_host::RendererChoice::Cpu {
            // llvmpipe draws on this machine's busy CPU cores.
            o.stop.timeout = Some(Duration::from_secs(120));
        }
        let report = run(o);
        assert_eq!(report.ended, Ended::Idle, "{name}");
        assert_eq!(report.engine.js, engine == EngineChoice::Js, "{name}: {:?}", report.engine);
        assert_eq!(report.engine.interpreted, engine == EngineChoice::Wasmi, "{name}: {:?}", report.engine);
        assert_eq!(report.command_errors, 0, "{name}: {:?}", report.log);
        check_golden(name, &report, renderer);
    }
}

/// The run's last frame against the golden image `name` (`tests/snapshots/host`): exactly (within
/// the raster's tolerance) when the CPU drew it; drawn by the GPU (and still by the GPU at the
/// end), within the GPU backend's tolerance. `UPDATE_EXPECT=1` writes it.
fn check_golden(name: &str, report: &Report, renderer: marquee_host::RendererChoice) {
    let golden_path = root().join(format!("tests/snapshots/host/{name}.png"));
    if renderer == marquee_host::RendererChoice::Cpu || marquee_test_support::updating() {
        golden::check_png(&golden_path, &report.canvas).unwrap_or_else(|e| panic!("{name}: {e}"));
    } else {
        assert!(report.renderer.starts_with("gpu: ") && !report.renderer.contains("cpu from"), "{}", report.renderer);
        let s = golden::similarity(&golden_path, 1280, 720, report.canvas.pixmap().data()).unwrap();
        assert!(s.within >= 0.995 && s.mean_error <= 0.5, "{name} on the GPU: {s:?}");
    }
}

/// The debug overlay over the demo (`marquee run --overlay`): its panels over the rails, the
/// figures virtual time keeps the same from run to run (no host durations), on the CPU (a golden
/// image) and on the GPU (its own golden, within the GPU's tolerance); and its inspector on the
/// focused tile; then with the layers outlined too (play-pause three times in the inspector:
/// damage and layers, though the app has drawn nothing since the last build). The app thread's
/// heap reaches the panel. The overlay does not keep a run from ending
/// idle.
#[test]
fn the_overlay_shows_over_the_demo_on_both_backends() {
    use Key::{Down, PlayPause, Right};
    use marquee_host::RendererChoice::{Cpu, Gpu};
    let _serial = serial();
    let rails = [Down, Down, Right, Right];
    // The inspector too, over the focused tile: its box, margins and padding on screen.
    let inspecting = [&rails[..], &marquee_host::OVERLAY_SEQUENCE[..]].concat();
    let outlined = [&inspecting[..], &[PlayPause, PlayPause, PlayPause]].concat();
    for (renderer, golden_name, keys) in [
        (Cpu, "demo-overlay", &rails[..]),
        (Gpu, "demo-overlay-gpu", &rails[..]),
        (Cpu, "demo-inspector", &inspecting),
        (Cpu, "demo-outlines", &outlined),
    ] {
        let mut o = options("apps/demo", engine_wasm());
        o.size = (1280, 720);
        o.virtual_time = true;
        o.offline = true;
        o.overlay = true;
        o.renderer = renderer;
        o.stop.timeout = Some(Duration::from_secs(120));
        o.script = keys.iter().enumerate().map(|(i, k)| (10 + 12 * i as u64, *k)).collect();
        let vitals = o.vitals.clone();
        let report = run(o);
        assert_eq!(report.ended, Ended::Idle, "{:?}", report.log);
        assert_eq!(report.command_errors, 0, "{:?}", report.log);
        assert!(vitals.app_heap_bytes.load(std::sync::atomic::Ordering::Relaxed) > 100_000);
        check_golden(golden_name, &report, renderer);
    }
}

/// The remote's sequence (Menu, Menu, Menu, Up, within three seconds) moves a shown overlay on
/// to its inspector, and again to hidden; the app's pixels come back where it was. The screen
/// ends as a run that got the first sequence's keys too slowly to do anything, with no overlay
/// ever shown (the second sequence's keys went to the inspector, not to the app).
#[test]
fn the_remote_sequence_hides_the_overlay_and_the_app_shows_again() {
    let _serial = serial();
    let sequence = marquee_host::OVERLAY_SEQUENCE;
    let mut screens = Vec::new();
    for (shown, keys, spacing) in [(true, [sequence, sequence].concat(), 12), (false, sequence.to_vec(), 70)] {
        let mut o = options("apps/demo", engine_wasm());
        o.size = (1280, 720);
        o.virtual_time = true;
        o.offline = true;
        o.overlay = shown;
        o.script = keys.iter().enumerate().map(|(i, k)| (20 + spacing * i as u64, *k)).collect();
        let vitals = o.vitals.clone();
        let report = run(o);
        assert_eq!(report.ended, Ended::Idle, "{:?}", report.log);
        // Never shown, the app thread never measured its heap for it.
        let heap = vitals.app_heap_bytes.load(std::sync::atomic::Ordering::Relaxed);
        assert_eq!(heap > 0, shown, "{heap}");
        for step in ["inspecting", "hidden"] {
            let said = report.said(&format!("debug overlay {step}")).len();
            assert_eq!(said, usize::from(shown), "{step}: {:?}", report.log);
        }
        assert!(report.said("debug overlay shown").is_empty(), "{:?}", report.log);
        screens.push(report.canvas.pixmap().data().to_vec());
    }
    let differ = screens[0].chunks(4).zip(screens[1].chunks(4)).filter(|(a, b)| a != b).count();
    assert_eq!(differ, 0, "pixels differ after the overlay went");
}

/// The inspector (the overlay's second step) takes the keys: it starts at the focused tile and
/// Right takes it to the next, while the app's focus stays. The node it shows has the box the
/// engine's `query-layout` gives the app, and the tile's margin, padding and border.
#[test]
fn the_inspector_shows_a_picked_nodes_box_as_query_layout_answers_it() {
    let _serial = serial();
    let mut o = options("crates/marquee-host/tests/apps/inspect", engine_wasm());
    o.virtual_time = true;
    o.overlay = true;
    let keys = marquee_host::OVERLAY_SEQUENCE.iter().chain(&[Key::Right]);
    o.script = keys.enumerate().map(|(i, k)| (20 + 6 * i as u64, *k)).collect();
    let report = run(o);
    assert_eq!(report.ended, Ended::Idle, "{:?}", report.log);
    assert_eq!(report.said("debug overlay inspecting").len(), 1, "{:?}", report.log);
    let node = report.inspected.clone().expect("the inspector showed a node");
    let said = report.said(&format!("layout {}:", node.id));
    assert_eq!(said.len(), 1, "no layout line for node {}: {:?}", node.id, report.log);
    let numbers: Vec<f32> = said[0].split(' ').skip(2).map(|n| n.parse().unwrap()).collect();
    assert_eq!(numbers, node.border_box, "{node:?}");
    // The second tile: its own margin, padding and border, not focused (Right went to the
    // inspector, not to focus).
    assert_eq!((node.margin[1], node.padding[2], node.border), (8.0, 6.0, [3.0; 4]), "{node:?}");
    assert_eq!(node.flags & marquee_engine_contract::debug::flags::FOCUSED, 0, "{node:?}");
    assert!(report.said("key reached the app").is_empty());
}

/// A stand-in engine whose debug query answers `answer` (WAT leaving an `i64`), else empty
/// frames.
fn debug_answering_engine(answer: &str) -> Vec<u8> {
    let mut frame = Vec::new();
    let head = marquee_display_list::frame::Head { full: false, time: 0.0 };
    marquee_display_list::frame::write(&mut frame, head, &[], &[], &marquee_protocol::encode_events(&[]), &[]);
    let packed = 2048u64 | (frame.len() as u64) << 32;
    let mut data = frame.clone();
    data.extend(guest::noise(7, 64));
    let module = guest::wat("i32.const 0", &format!("i64.const {packed}"), &guest::data(&data));
    let debug = format!(r#"(func (export "mq_debug_query") (param i32 i32 i32) (result i64) {answer}))"#);
    wat::parse_str(format!("{}{debug}", module.strip_suffix(')').unwrap())).unwrap()
}

/// A hostile engine build's debug answers cannot crash the host: bytes that do not decode are
/// a problem the overlay shows (the engine runs on), and an answer outside the engine's memory
/// is a failed call, whose instance is replaced as any other's, once: the overlay asks no more.
#[test]
fn malformed_debug_answers_cannot_crash_the_host() {
    let _serial = serial();
    let noise_at = 2048u64 + 60;
    for (answer, resets) in [(format!("i64.const {}", noise_at | 64 << 32), false), ("i64.const -1".to_owned(), true)] {
        let mut o = options("crates/marquee-host/tests/apps/hang", debug_answering_engine(&answer));
        o.overlay = true;
        o.stop = Stop { frames: Some(40), when_idle: false, timeout: Some(Duration::from_secs(20)) };
        let report = run(o);
        assert_eq!(report.ended, Ended::Frames, "{answer}: {} frames, {:?}", report.frames.len(), report.log);
        if resets {
            assert_eq!(report.engine_resets, 1, "{answer}: {:?}", report.log);
        } else {
            assert_eq!(report.engine_resets, 0, "{answer}: {:?}", report.log);
            assert!(!report.said("debug query: malformed debug answer").is_empty(), "{:?}", report.log);
        }
        assert!(report.inspected.is_none());
    }
}

#[test]
fn the_demo_runs_the_same_from_its_bundle() {
    let _serial = serial();
    // Bundled (app.js through esbuild, the engine and the assets), installed and verified, then
    // run from the installed directory with the engine it carries: the same pixels as the app
    // directory gives (the golden the sessions above check).
    let dir = std::env::temp_dir().join(format!("marquee-host-bundle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let options = marquee_bundle::BuildOptions {
        engine_js: Some(paths::engine_js()),
        engine_wasm: paths::engine_wasm(),
        engine_abi: marquee_engine_contract::ABI_VERSION,
        protocol: u32::from(marquee_protocol::VERSION),
        min_host: "0.1.0".into(),
        tools: marquee_bundle::Tools { esbuild: None, toolchain: None },
        app_js: None,
    };
    let store = marquee_bundle::Store::new(dir.join("store"));
    let (id, manifest) = marquee_bundle::build(&root().join("apps/demo"), &store, &options).unwrap();
    assert!(manifest.files.contains_key("assets/fonts/Inter-Regular.otf"), "{:?}", manifest.files.keys());
    let installed = marquee_bundle::install(&store, &id, &dir.join("apps")).unwrap();
    let mut o = options_at(&installed, std::fs::read(installed.join("engine.wasm")).unwrap());
    o.size = (1280, 720);
    o.virtual_time = true;
    o.offline = true;
    let rails = [Key::Down, Key::Down, Key::Right, Key::Right, Key::Right, Key::Right, Key::Right, Key::Down];
    o.script = rails.into_iter().enumerate().map(|(i, k)| (10 + 12 * i as u64, k)).collect();
    let report = run(o);
    assert_eq!(report.ended, Ended::Idle);
    assert_eq!(report.command_errors, 0, "{:?}", report.log);
    golden::check_png(&root().join("tests/snapshots/host/demo-rails.png"), &report.canvas).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn images_that_fail_report_why_and_keep_their_placeholder() {
    let _serial = serial();
    let mut o = options("crates/marquee-host/tests/apps/images", engine_wasm());
    o.virtual_time = true;
    o.image_limits.timeout = Duration::from_secs(2);
    let report = run(o);
    assert_eq!(report.ended, Ended::Idle);
    assert_eq!(report.command_errors, 0, "{:?}", report.log);
    for line in marquee_test_support::images::IMAGES_APP_SAYS {
        assert_eq!(report.said(line).len(), 1, "`{line}` not in {:?}", report.log);
    }
    // The host logs each failure with its detail.
    assert_eq!(
        report.said("failed: too-many-pixels: \"assets/bomb.png\": 100000×100000 pixels").len(),
        1,
        "{:?}",
        report.log
    );
    // Node k is drawn at x = 64k: the loaded photo replaced its red placeholder, every failed
    // one still shows its colour.
    let pixel = |x: u32, y: u32| {
        let p = report.canvas.pixmap().pixel(x, y).unwrap();
        [p.red(), p.green(), p.blue()]
    };
    assert_ne!(pixel(32, 24), [255, 0, 0], "the photo did not replace its placeholder");
    for (k, colour) in marquee_test_support::images::IMAGES_APP_PLACEHOLDERS.into_iter().enumerate() {
        assert_eq!(pixel(64 * (k as u32 + 1) + 32, 24), colour, "placeholder of image {}", k + 1);
    }
    // The photo's pixels are the only ones held: 32 × 24 × 4 bytes.
    assert_eq!(report.frames.last().map(|f| f.texture_bytes), Some(32 * 24 * 4));
}

#[test]
fn a_killed_rollout_runs_engine_js_and_the_app_cannot_tell() {
    let _serial = serial();
    let mut o = options("crates/marquee-host/tests/apps/busy", engine_wasm());
    o.engine_js = Some(engine_js());
    o.rollout = Some(WasmRollout { percent: 100.0, kill_switch: true });
    let report = run(o);
    assert!(report.engine.js, "{:?}", report.engine);
    assert_eq!(report.said("running engine.js (QuickJS): the Wasm kill switch is on").len(), 1, "{:?}", report.log);
    assert_eq!((report.ended, report.nodes, report.command_errors), (Ended::Idle, 52, 0));
}

#[test]
fn a_device_that_cannot_run_engine_wasm_falls_back_to_engine_js() {
    let _serial = serial();
    // A module that does not compile stands for a device without a working Wasm VM.
    let mut o = options("crates/marquee-host/tests/apps/busy", b"\0asm broken".to_vec());
    o.engine_js = Some(engine_js());
    let report = run(o);
    assert!(report.engine.js && report.engine.reason.contains("does not run here"), "{:?}", report.engine);
    assert_eq!((report.ended, report.nodes), (Ended::Idle, 52));
}

/// The parity harness on a real session: the demo's navigation, focus and scroll animations,
/// text, posters and the details overlay, recorded by the host and replayed through the native
/// engine, engine.wasm and engine.js — identical frames, every one.
#[test]
fn a_recorded_demo_session_replays_identically_in_all_three_engines() {
    let _serial = serial();
    use Key::{Down, Enter, Right};
    let path = std::env::temp_dir().join(format!("marquee-demo-{}.rec", std::process::id()));
    let mut o = options("apps/demo", engine_wasm());
    o.size = (1280, 720);
    o.virtual_time = true;
    o.record = Some(path.clone());
    o.offline = true;
    o.script =
        [Down, Down, Right, Right, Down, Enter].into_iter().enumerate().map(|(i, k)| (10 + 12 * i as u64, k)).collect();
    let report = run(o);
    assert_eq!(report.ended, Ended::Idle);
    let recording = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let steps = marquee_engine_contract::stream::parse(&recording).unwrap();
    let frames = marquee_replay::replay(&steps, &engine_wasm(), &engine_js(), marquee_test_support::text_service)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(frames, report.frames.len());
    assert!(recording.contains("image-ready") && recording.contains("key enter press"), "a thin recording");
}

/// The demo drawn by the GPU backend (Mesa's llvmpipe in CI), read back for the report: within
/// the backends' tolerance of the CPU's golden images (as `marquee-gl`'s fixtures are), the
/// textures uploaded once. A context lost mid-run is replaced by a new one, everything drawn
/// anew; a second failure (a GL error after the loss) moves the run to the CPU, which then draws
/// the same frame the CPU alone would have.
#[test]
fn the_demo_draws_with_the_gpu_and_survives_a_lost_context_and_gl_errors() {
    let _serial = serial();
    use Key::{Down, Enter, Right};
    let rails = [Down, Down, Right, Right, Right, Right, Right, Down, Enter];
    let session = |lose: Option<u64>, fault: Option<u64>| {
        let mut o = options("apps/demo", engine_wasm());
        o.size = (1280, 720);
        o.virtual_time = true;
        o.offline = true;
        o.renderer = marquee_host::RendererChoice::Gpu;
        o.gpu_lose_at = lose;
        o.gpu_fault_at = fault;
        // llvmpipe draws every frame on this machine's busy CPU cores.
        o.stop.timeout = Some(Duration::from_secs(120));
        o.script = rails.iter().enumerate().map(|(i, &k)| (10 + 12 * i as u64, k)).collect();
        let report = run(o);
        assert_eq!((report.ended, report.command_errors), (Ended::Idle, 0), "{:?}", report.log);
        report
    };
    let gpu = session(None, None);
    assert!(gpu.renderer.starts_with("gpu: "), "{}", gpu.renderer);
    let golden_path = root().join("tests/snapshots/host/demo-details.png");
    let s = golden::similarity(&golden_path, 1280, 720, gpu.canvas.pixmap().data()).unwrap();
    assert!(s.within >= 0.995 && s.mean_error <= 0.5, "{s:?}");
    // Each image is uploaded once: no more uploads than the demo has pictures (44 posters, the
    // hero's backdrop, the details overlay's poster).
    let images: u32 = gpu.frames.iter().map(|f| f.image_uploads).sum();
    assert!((1..=46).contains(&images), "{images} image uploads");
    // A frame that changed nothing on screen is not drawn at all.
    assert!(gpu.frames.iter().filter(|f| f.pixels == 0).all(|f| f.draw_calls == 0));

    // The context lost at frame 40: a new one draws that frame and the rest, as well as before.
    let recovered = session(Some(40), None);
    assert!(
        recovered.renderer.contains("new GL context at frame 40") && recovered.renderer.contains("lost"),
        "{}",
        recovered.renderer
    );
    assert!(!recovered.renderer.contains("cpu from"), "{}", recovered.renderer);
    let s = golden::similarity(&golden_path, 1280, 720, recovered.canvas.pixmap().data()).unwrap();
    assert!(s.within >= 0.995 && s.mean_error <= 0.5, "{s:?}");
    assert!(recovered.frames.iter().skip(41).any(|f| f.draw_calls > 0), "the new context drew");

    // Lost at 40, then a GL error at 60: the second failure leaves the GPU for the CPU.
    let fallen = session(Some(40), Some(60));
    assert!(
        fallen.renderer.contains("new GL context at frame 40")
            && fallen.renderer.contains("cpu from frame 60")
            && fallen.renderer.contains("GL error"),
        "{}",
        fallen.renderer
    );
    assert!(fallen.log.iter().any(|(_, _, m)| m.contains("drawing with the CPU from now on")));
    golden::check_png(&golden_path, &fallen.canvas).unwrap();
}

/// The demo's catalogue over HTTP. A copy of the demo pointed at a server on a free port (its
/// config.js and its manifest's permission) shows the catalogue the server gives, two rails in
/// place of its bundled five; the same demo on a device that is offline keeps its bundled one,
/// and says why.
#[test]
fn the_demo_shows_its_apis_catalogue_and_its_own_when_offline() {
    let _serial = serial();
    let api = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("demo-api-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&api);
    std::fs::create_dir_all(&api).unwrap();
    let tile = |title: &str, n: u32| serde_json::json!({ "title": title, "colour": "#336699", "poster": format!("assets/posters/{n:02}.jpg"), "released": "2026-11-01" });
    let catalogue = serde_json::json!({
        "updated": "2026-11-27T10:00:00Z",
        "hero": { "title": "From the API", "synopsis": "Served over HTTP.", "backdrop": "assets/posters/hero.jpg", "colour": "#112233" },
        "rails": [
            { "name": "Served today", "tiles": [tile("One", 1), tile("Two", 2), tile("Three", 3)] },
            { "name": "Also served", "tiles": [tile("Four", 4), tile("Five", 5)] },
        ],
    });
    std::fs::write(api.join("catalogue.json"), catalogue.to_string()).unwrap();
    let server = marquee_serve::Server::start(&api, "127.0.0.1:0".parse().unwrap()).unwrap();
    let origin = format!("http://{}", server.addr());
    let demo = demo_copy("demo-networked", &origin);

    let said = |report: &Report, prefix: &str| {
        report.log.iter().map(|(_, _, m)| m.clone()).find(|m| m.starts_with(prefix)).unwrap_or_default()
    };
    let online = run(options_at(&demo, engine_wasm()));
    assert_eq!((online.ended, online.command_errors), (Ended::Idle, 0), "{:?}", online.log);
    assert_eq!(
        said(&online, "catalogue:"),
        format!("catalogue: 2 rails from {origin}/catalogue.json, updated 2026-11-27T10:00:00Z")
    );
    let mut o = options_at(&demo, engine_wasm());
    o.offline = true;
    let offline = run(o);
    assert_eq!((offline.ended, offline.command_errors), (Ended::Idle, 0), "{:?}", offline.log);
    let why = said(&offline, "catalogue:");
    assert!(why.starts_with("catalogue: the offline one") && why.contains("the device is offline"), "{why}");
    // The page was built again from the API's five tiles: far fewer nodes than the bundled 44.
    assert!(online.nodes + 100 < offline.nodes, "{} nodes online, {} offline", online.nodes, offline.nodes);

    // A malformed reply leaves the bundled catalogue too, saying what is wrong.
    std::fs::write(api.join("catalogue.json"), r#"{"updated":"2026-11-27T10:00:00Z","rails":[]}"#).unwrap();
    let malformed = run(options_at(&demo, engine_wasm()));
    assert_eq!(malformed.nodes, offline.nodes);
    assert!(said(&malformed, "catalogue:").contains("catalogue: no hero"), "{:?}", malformed.log);
    drop(server);
    let _ = std::fs::remove_dir_all(&api);
    let _ = std::fs::remove_dir_all(&demo);
}

/// The demo keeps the rail the viewer last focused in localStorage, and focus starts there on the
/// next run: the screen it opens on is the one the first run ended on.
#[test]
fn the_demo_starts_on_the_rail_it_was_left_on() {
    let _serial = serial();
    let state = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("demo-state-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&state);
    let demo = root().join("apps/demo");
    let session = |keys: &[Key], storage: Option<&Path>| {
        let mut o = options_at(&demo, engine_wasm());
        o.size = (1280, 720);
        o.virtual_time = true;
        o.offline = true;
        o.storage_dir = storage.map(Path::to_path_buf);
        o.script = keys.iter().enumerate().map(|(i, &k)| (10 + 12 * i as u64, k)).collect();
        let report = run(o);
        assert_eq!((report.ended, report.command_errors), (Ended::Idle, 0), "{:?}", report.log);
        report.canvas.pixmap().data().to_vec()
    };
    // From the nav, down to the hero's Play button, down to the second rail.
    let left = session(&[Key::Down, Key::Down, Key::Down], Some(&state));
    let file = marquee_host::storage_file(&state, &demo);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), r#"{"demo.rail":"1"}"#);
    assert!(session(&[], Some(&state)) == left, "the second run does not open where the first ended");
    assert!(session(&[], None) != left, "without storage the demo opens on the nav");
    let _ = std::fs::remove_dir_all(&state);
}

/// A copy of the demo (inside the checkout, so it finds the SDK) that asks `origin` for its
/// catalogue.
fn demo_copy(name: &str, origin: &str) -> PathBuf {
    let from = root().join("apps/demo");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["assets/fonts", "assets/posters"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for entry in std::fs::read_dir(from.join(sub)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.join(sub).join(entry.file_name())).unwrap();
        }
    }
    // Its modules (config.js is written below).
    for entry in std::fs::read_dir(&from).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "js") && !path.ends_with("config.js") {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    let config = std::fs::read_to_string(from.join("config.js")).unwrap();
    assert!(config.contains("'http://127.0.0.1:8080/catalogue.json'"), "the demo's config.js changed: {config}");
    std::fs::write(
        dir.join("config.js"),
        config.replace("'http://127.0.0.1:8080/catalogue.json'", &format!("'{origin}/catalogue.json'")),
    )
    .unwrap();
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(from.join("package.json")).unwrap()).unwrap();
    manifest["marquee"]["permissions"]["network"] = serde_json::json!([origin]);
    std::fs::write(dir.join("package.json"), manifest.to_string()).unwrap();
    dir
}

/// Spawns a named thread (the house rule: a thread in a backtrace says what it is).
fn named(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().name("test-server".into()).spawn(f).unwrap();
}

/// An app named `name` whose manifest lets it reach `http://127.0.0.1:{port}`, its entry module
/// `main_js`; made inside the checkout (Cargo's target directory), so it finds the SDK.
fn networked_app(name: &str, port: u16, main_js: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let origin = format!("http://127.0.0.1:{port}");
    let manifest = serde_json::json!({ "name": name, "marquee": { "permissions": { "network": [origin] } } });
    std::fs::write(dir.join("package.json"), manifest.to_string()).unwrap();
    std::fs::write(dir.join("main.js"), main_js).unwrap();
    dir
}
