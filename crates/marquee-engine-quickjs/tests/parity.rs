//! engine.js in QuickJS against the native engine and engine.wasm: every scene fixture (scenes,
//! focus, animation, text, images) and 1,000 generated command streams give byte-identical
//! frames in all three; bad sources and failures are contained.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use marquee_engine::Engine;
use marquee_engine_quickjs::{Error, JsEngine, Limits};
use marquee_protocol::{ImageError, Key, KeyAction};
use marquee_test_support::scene::{self, Target};
use marquee_test_support::{check_expect, run_fixtures, streams};
use proptest::prelude::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// engine.js as `cargo xtask wasm` writes it: beside `MARQUEE_ENGINE_WASM`, or in `target/engine`.
fn source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let wasm = std::env::var_os("MARQUEE_ENGINE_WASM")
            .map(PathBuf::from)
            .unwrap_or_else(|| root().join("target/engine/engine.wasm"));
        let path = wasm.with_file_name("engine.js");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; build it with `cargo xtask wasm`", path.display()))
    })
}

fn js() -> JsEngine {
    JsEngine::new(source(), Box::new(marquee_test_support::text_service()), Limits::default()).expect("engine.js loads")
}

struct Js(JsEngine);

impl Target for Js {
    fn apply(&mut self, batch: &[u8]) {
        self.0.apply(batch).expect("no failure");
    }
    fn frame(&mut self, time_ms: f64) -> Vec<u8> {
        self.0.frame(time_ms).expect("no failure")
    }
    fn key(&mut self, key: Key, action: KeyAction) {
        self.0.key(key, action).expect("no failure");
    }
    fn image(&mut self, handle: u32, result: Result<(u32, u32), ImageError>) {
        match result {
            Ok((w, h)) => self.0.image_ready(handle, w, h),
            Err(e) => self.0.image_failed(handle, e),
        }
        .expect("no failure");
    }
    fn budget(&mut self, bytes: u64) {
        self.0.set_texture_budget(bytes).expect("no failure");
    }
}

struct Native(Engine);

impl Target for Native {
    fn apply(&mut self, batch: &[u8]) {
        self.0.apply(batch);
    }
    fn frame(&mut self, time_ms: f64) -> Vec<u8> {
        self.0.frame(time_ms).to_vec()
    }
    fn key(&mut self, key: Key, action: KeyAction) {
        self.0.key(key, action);
    }
    fn image(&mut self, handle: u32, result: Result<(u32, u32), ImageError>) {
        match result {
            Ok((w, h)) => self.0.image_ready(handle, w, h),
            Err(e) => self.0.image_failed(handle, e),
        };
    }
    fn budget(&mut self, bytes: u64) {
        self.0.set_texture_budget(bytes);
    }
}

#[test]
fn scene_fixtures_are_byte_identical() {
    let mut engine = Js(js());
    for dir in ["scenes", "focus", "animation", "text", "images"] {
        run_fixtures(&root().join("tests").join(dir), "scene", |path| {
            let src = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
            let steps = scene::parse(&src)?;
            engine.0.reset().map_err(|e| e.to_string())?;
            let js = scene::run(&mut engine, &steps);
            let native =
                scene::run(&mut Native(Engine::with_text(Box::new(marquee_test_support::text_service()))), &steps);
            for (i, (a, b)) in native.iter().zip(&js).enumerate() {
                if a != b {
                    return Err(format!(
                        "frame {} differs:\nnative {:?}\njs {:?}",
                        i + 1,
                        scene::describe(a),
                        scene::describe(b)
                    ));
                }
            }
            check_expect(&path.with_extension("expected"), &scene::render_sections(&js, &scene::shown_sections(&src))?)
        });
    }
}

struct Wasm(marquee_engine_wasmtime::WasmEngine);

impl Target for Wasm {
    fn apply(&mut self, batch: &[u8]) {
        self.0.apply(batch).expect("no trap");
    }
    fn frame(&mut self, time_ms: f64) -> Vec<u8> {
        self.0.frame(time_ms).expect("no trap")
    }
    fn key(&mut self, key: Key, action: KeyAction) {
        self.0.key(key, action).expect("no trap");
    }
    fn image(&mut self, handle: u32, result: Result<(u32, u32), ImageError>) {
        match result {
            Ok((w, h)) => self.0.image_ready(handle, w, h),
            Err(e) => self.0.image_failed(handle, e),
        }
        .expect("no trap");
    }
    fn budget(&mut self, bytes: u64) {
        self.0.set_texture_budget(bytes).expect("no trap");
    }
}

fn wasm() -> Wasm {
    use marquee_engine_wasmtime::{DEFAULT_MEMORY_LIMIT, Module, Runtime};
    static MODULE: OnceLock<(Runtime, Module)> = OnceLock::new();
    let (rt, module) = MODULE.get_or_init(|| {
        let wasm = std::env::var_os("MARQUEE_ENGINE_WASM")
            .map(PathBuf::from)
            .unwrap_or_else(|| root().join("target/engine/engine.wasm"));
        let bytes = std::fs::read(&wasm).unwrap_or_else(|e| panic!("{}: {e}", wasm.display()));
        let rt = Runtime::default();
        let module = rt.compile(&bytes).expect("engine.wasm compiles");
        (rt, module)
    });
    let text = Box::new(marquee_test_support::text_service());
    Wasm(rt.instantiate_with_text(module, DEFAULT_MEMORY_LIMIT, text).expect("instantiates"))
}

thread_local! {
    static JS: std::cell::RefCell<Option<Js>> = const { std::cell::RefCell::new(None) };
}

proptest! {
    // proptest's runner is seeded: the same 1,000 streams every run.
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn generated_streams_are_byte_identical_in_all_three(steps in streams::stream()) {
        let native = scene::run(&mut Native(Engine::with_text(Box::new(marquee_test_support::text_service()))), &steps);
        let wasm = scene::run(&mut wasm(), &steps);
        let js = JS.with_borrow_mut(|js| {
            let js = js.get_or_insert_with(|| Js(self::js()));
            js.0.reset().expect("a fresh instance");
            scene::run(js, &steps)
        });
        prop_assert_eq!(native.len(), js.len());
        for (i, ((n, w), j)) in native.iter().zip(&wasm).zip(&js).enumerate() {
            prop_assert!(n == w, "frame {}: engine.wasm differs from native", i + 1);
            prop_assert!(n == j, "frame {}: engine.js differs from native", i + 1);
        }
    }
}

#[test]
fn bad_source_and_abi_are_refused() {
    let text = || Box::new(marquee_test_support::text_service());
    let broken = JsEngine::new("export function instantiate( {", text(), Limits::default());
    assert!(matches!(broken, Err(Error::Load(_))), "{:?}", broken.err());
    let other_abi = "export function instantiate() { return { mq_abi_version: () => 2 }; }";
    let wrong = JsEngine::new(other_abi, text(), Limits::default()).err();
    // The glue calls more than the ABI version while binding; either way it is refused.
    assert!(
        matches!(wrong, Some(Error::AbiMismatch { expected: marquee_engine_quickjs::ABI_VERSION, found: 2 })),
        "{wrong:?}"
    );
}
