//! The demo in headless Chromium (Debian's, SwiftShader's WebGL): its bundle built as
//! `marquee bundle` builds it, served as `marquee web` serves it, and driven as `marquee web
//! --headless` drives it. Its frames must match the native host's goldens within the GPU
//! backend's tolerance.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use marquee_browser::{Config, Outcome, Site};
use marquee_engine_contract::paths;
use marquee_test_support::golden;

fn root() -> PathBuf {
    paths::workspace_root()
}

/// The demo's bundle, built once for every test here.
fn demo_manifest() -> PathBuf {
    static MANIFEST: OnceLock<PathBuf> = OnceLock::new();
    MANIFEST
        .get_or_init(|| {
            let store_dir = std::env::temp_dir().join(format!("marquee-browser-store-{}", std::process::id()));
            let options = marquee_bundle::BuildOptions {
                engine_wasm: paths::engine_wasm(),
                engine_js: Some(paths::engine_js()),
                engine_abi: marquee_engine_contract::ABI_VERSION,
                protocol: u32::from(marquee_protocol::VERSION),
                min_host: env!("CARGO_PKG_VERSION").into(),
                esbuild: None,
                toolchain: Some(root().join("node_modules")),
            };
            let store = marquee_bundle::Store::new(&store_dir);
            let (id, _) = marquee_bundle::build(&paths::demo_app(), &store, &options).unwrap();
            store.manifest_path(&id)
        })
        .clone()
}

fn config(keys: &[(u64, u16)]) -> Config {
    Config {
        size: (1280, 720),
        fps: 60.0,
        engine: "auto".into(),
        background: 0x000000ff,
        texture_budget: 128 << 20,
        max_texture: 0,
        virtual_time: true,
        offline: true,
        keys: keys.to_vec(),
        frames: None,
        stop_when_idle: true,
        unpaced: false,
        device_id: Some("test-device".into()),
        abi: marquee_engine_contract::ABI_VERSION,
        stat_nodes: marquee_engine_contract::Stat::Nodes as u32,
        stat_animations: marquee_engine_contract::Stat::Animations as u32,
        batch_header: marquee_protocol::BATCH_HEADER_LEN,
    }
}

/// Runs the demo's page with `config` in headless Chromium.
fn run_page(name: &str, config: &Config, wasm: bool) -> Outcome {
    static RUNS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("marquee-browser-{name}-{}-{run}", std::process::id()));
    let site = Site::assemble(&dir, &demo_manifest(), &paths::web_wasm(), config).unwrap();
    let server = marquee_browser::serve(&site, "127.0.0.1:0".parse().unwrap()).unwrap();
    let url = format!("http://{}/index.html", server.addr());
    let outcome = marquee_browser::drive(&url, Duration::from_secs(180), wasm);
    let _ = std::fs::remove_dir_all(&dir);
    outcome.unwrap_or_else(|e| panic!("{name}: {e}"))
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

fn demo_sessions(engine: &str, wasm: bool) {
    for (name, keys) in sessions() {
        let mut config = config(&keys);
        config.engine = engine.into();
        let outcome = run_page(name, &config, wasm);
        let report = &outcome.report;
        assert_eq!(report["ended"], "idle", "{name}: {report:#}");
        assert_eq!(report["commandErrors"], 0, "{name}: {report:#}");
        assert_eq!(report["engine"]["js"], engine == "js", "{name}: {report:#}");
        let log = report["log"].as_array().unwrap();
        assert!(!log.iter().any(|l| l.as_str().unwrap().starts_with("error")), "{name}: {log:#?}");
        check_golden(name, &outcome);
    }
}

#[test]
fn the_demo_in_chromium_matches_the_native_goldens_with_engine_wasm() {
    demo_sessions("wasm", true);
}

#[test]
fn the_demo_in_chromium_matches_the_native_goldens_with_engine_js() {
    demo_sessions("js", true);
}
