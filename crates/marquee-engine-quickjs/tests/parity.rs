//! engine.js in QuickJS against the native engine and engine.wasm: every scene fixture (scenes,
//! focus, animation, text, images) and 1,000 generated command streams give byte-identical
//! frames in all three; bad sources and failures are contained.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use marquee_engine::Engine;
use marquee_engine_contract::paths;
use marquee_engine_quickjs::{Error, JsEngine, Limits};
use marquee_engine_wasmtime::WasmEngine;
use marquee_test_support::scene;
use marquee_test_support::{check_expect, run_fixtures, streams};
use proptest::prelude::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// engine.js as `cargo xtask wasm` writes it.
fn source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| paths::read_engine_js().unwrap_or_else(|e| panic!("{e}")))
}

fn js() -> JsEngine {
    JsEngine::new(source(), Box::new(marquee_test_support::text_service()), Limits::default()).expect("engine.js loads")
}

/// The native engine, measuring text with the fixtures' text service.
fn native() -> Engine {
    Engine::with_text(Box::new(marquee_test_support::text_service()))
}

#[test]
fn scene_fixtures_are_byte_identical() {
    let mut engine = js();
    for dir in ["scenes", "focus", "animation", "text", "images"] {
        run_fixtures(&root().join("tests").join(dir), "scene", |path| {
            let src = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
            let steps = scene::parse(&src)?;
            engine.reset().map_err(|e| e.to_string())?;
            let js = scene::run(&mut engine, &steps);
            let native = scene::run(&mut native(), &steps);
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

fn wasm() -> WasmEngine {
    use marquee_engine_wasmtime::{DEFAULT_MEMORY_LIMIT, Module, Runtime};
    static MODULE: OnceLock<(Runtime, Module)> = OnceLock::new();
    let (rt, module) = MODULE.get_or_init(|| {
        let bytes = paths::read_engine_wasm().unwrap_or_else(|e| panic!("{e}"));
        let rt = Runtime::default();
        let module = rt.compile(&bytes).expect("engine.wasm compiles");
        (rt, module)
    });
    let text = Box::new(marquee_test_support::text_service());
    rt.instantiate_with_text(module, DEFAULT_MEMORY_LIMIT, text).expect("instantiates")
}

thread_local! {
    static JS: std::cell::RefCell<Option<JsEngine>> = const { std::cell::RefCell::new(None) };
}

proptest! {
    // proptest's runner is seeded: the same 1,000 streams every run.
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn generated_streams_are_byte_identical_in_all_three(steps in streams::stream()) {
        let native = scene::run(&mut native(), &steps);
        let wasm = scene::run(&mut wasm(), &steps);
        let js = JS.with_borrow_mut(|js| {
            let js = js.get_or_insert_with(self::js);
            js.reset().expect("a fresh instance");
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
    assert!(matches!(broken, Err(Error::Compile(_))), "{:?}", broken.err());
    let other_abi = "export function instantiate() { return { mq_abi_version: () => 2 }; }";
    let wrong = JsEngine::new(other_abi, text(), Limits::default()).err();
    // The glue calls more than the ABI version while binding; either way it is refused.
    assert!(
        matches!(wrong, Some(Error::AbiMismatch { expected: marquee_engine_contract::ABI_VERSION, found: 2 })),
        "{wrong:?}"
    );
}

/// The debug query answers alike in every build: after a focus fixture, each node, points over
/// the screen and the focus path give the same bytes natively, in engine.wasm and in engine.js.
#[test]
fn debug_answers_are_byte_identical() {
    use marquee_engine_contract::Engine as Contract;
    use marquee_engine_contract::debug::{self, Answer, Query};
    let src = std::fs::read_to_string(root().join("tests/focus/rails.scene")).unwrap();
    let steps = scene::parse(&src).unwrap();
    let (mut native, mut wasm, mut js) = (native(), wasm(), js());
    scene::run(&mut native, &steps);
    scene::run(&mut wasm, &steps);
    scene::run(&mut js, &steps);
    let mut queries: Vec<Query> = (0..64).map(Query::Node).collect();
    queries.extend((0..12).flat_map(|i| (0..8).map(move |j| Query::At { x: i as f32 * 53.0, y: j as f32 * 47.0 })));
    queries.push(Query::Focus);
    let mut nodes = 0;
    for q in queries {
        let expected = Contract::debug_query(&mut native, q).unwrap().expect("the native build answers");
        assert_eq!(wasm.debug_query(q).unwrap().as_ref(), Some(&expected), "engine.wasm, {q:?}");
        assert_eq!(js.debug_query(q).unwrap().as_ref(), Some(&expected), "engine.js, {q:?}");
        if let Answer::Node(_) = debug::decode(&expected).unwrap() {
            nodes += 1;
        }
    }
    assert!(nodes > 40, "{nodes} answers were nodes");
}
