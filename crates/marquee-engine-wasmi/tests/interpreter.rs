//! `engine.wasm` in wasmi against the native engine: the same commands give byte-identical
//! frames on every scene fixture and on the home page while it scrolls; and the host's side of
//! the ABI holds as in wasmtime — the ABI version and exports are checked, a trap poisons the
//! instance, running out of memory says so, output out of bounds is refused, a guest that never
//! returns runs out of fuel, and the deepest tree the protocol allows fits the interpreter.
//!
//! The module is built by `cargo xtask wasm` (which `cargo xtask test` runs first).

use std::path::Path;
use std::sync::OnceLock;

use marquee_engine::Engine;
use marquee_engine_contract::{Engine as _, paths};
use marquee_engine_wasmi::{Error, Module, Runtime, WasmiEngine};
use marquee_protocol::{Command, NodeId, StyleDecl, encode_batch};
use marquee_test_support::{guest, home, run_fixtures, scene};

fn shared() -> &'static (Runtime, Module) {
    static MODULE: OnceLock<(Runtime, Module)> = OnceLock::new();
    MODULE.get_or_init(|| {
        let bytes = paths::read_engine_wasm().unwrap_or_else(|e| panic!("{e}"));
        let rt = Runtime::default();
        let module = rt.load(&bytes).expect("engine.wasm loads");
        (rt, module)
    })
}

fn instance() -> WasmiEngine {
    let (rt, module) = shared();
    let text = Box::new(marquee_test_support::text_service());
    rt.instantiate_with_text(module, marquee_engine_wasmi::DEFAULT_MEMORY_LIMIT, text)
        .expect("engine.wasm instantiates")
}

fn assert_same(steps: &[scene::Step]) -> Result<Vec<Vec<u8>>, String> {
    let native = scene::run(&mut Engine::with_text(Box::new(marquee_test_support::text_service())), steps);
    let wasm = scene::run(&mut instance(), steps);
    for (n, (a, b)) in native.iter().zip(&wasm).enumerate() {
        if a != b {
            let (a, b) = (scene::describe(a)?, scene::describe(b)?);
            return Err(format!("frame {} differs:\nnative {a:#?}\nwasmi {b:#?}", n + 1));
        }
    }
    if native.len() != wasm.len() {
        return Err("frame counts differ".into());
    }
    Ok(wasm)
}

#[test]
fn scene_fixtures_are_byte_identical() {
    for dir in ["scenes", "focus", "animation", "text", "images"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests").join(dir);
        run_fixtures(&dir, "scene", |path| {
            let src = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
            assert_same(&scene::parse(&src)?).map(drop)
        });
    }
}

#[test]
fn home_page_with_scrolling_is_byte_identical() {
    let mut steps = vec![scene::Step::Batch(home::home_page(8, 12)), scene::Step::Frame(0.0)];
    for i in 1..30 {
        let scroll = Command::SetStyle {
            id: NodeId(home::FIRST_TILE),
            decl: StyleDecl::MarginLeft(marquee_protocol::Dimension::Px(-(i as f32) * 26.4)),
        };
        steps.push(scene::Step::Batch(vec![scroll]));
        steps.push(scene::Step::Frame(i as f64 * 16.667));
    }
    assert_same(&steps).unwrap();
}

#[test]
fn abi_is_checked() {
    let rt = Runtime::default();
    let wat = r#"(module (memory (export "memory") 1)
        (func (export "mq_abi_version") (result i32) i32.const 99))"#;
    let module = rt.load(&wat::parse_str(wat).unwrap()).unwrap();
    assert!(matches!(
        rt.instantiate(&module, 1 << 20),
        Err(Error::AbiMismatch { expected: marquee_engine_contract::ABI_VERSION, found: 99 })
    ));
    let module = rt.load(&wat::parse_str(r#"(module (memory (export "memory") 1))"#).unwrap()).unwrap();
    assert!(matches!(rt.instantiate(&module, 1 << 20), Err(Error::MissingExport(_))));
    assert!(matches!(rt.load(b"\0asm\x01\0\0\0garbage"), Err(Error::Compile(_))));
}

#[test]
fn memory_cap_is_enforced() {
    let (rt, module) = shared();
    assert!(matches!(rt.instantiate(module, 64 << 10), Err(Error::Instantiate(_))));
}

/// A stand-in guest with the full ABI whose `mq_frame` returns `frame_body`'s result.
fn fake_guest(frame_body: &str) -> WasmiEngine {
    let rt = Runtime::default();
    let module = rt.load(&wat::parse_str(guest::wat("i32.const 0", frame_body, "")).unwrap()).unwrap();
    rt.instantiate(&module, 1 << 20).unwrap()
}

#[test]
fn a_trap_is_contained_and_poisons_the_instance() {
    let mut e = fake_guest("unreachable");
    assert_eq!(e.apply(&encode_batch(&[])), Ok(0));
    assert!(matches!(e.frame(0.0), Err(Error::Trap(_))));
    assert_eq!(e.apply(&encode_batch(&[])), Err(Error::Poisoned));
}

#[test]
fn a_trap_after_a_refused_growth_is_out_of_memory() {
    let mut e = fake_guest("(drop (memory.grow (i32.const 100))) unreachable");
    let err = e.frame(0.0).unwrap_err();
    assert!(matches!(err, Error::MemoryLimit { memory: 65536, wanted: 6619136, limit: 1048576 }), "{err:?}");
    let mut e = fake_guest("(if (i32.eqz (i32.const 0)) (then (drop (memory.grow (i32.const 100))))) i64.const 0");
    assert!(e.frame(0.0).is_ok());
}

#[test]
fn out_of_bounds_output_is_refused() {
    let mut e = fake_guest("i64.const 0x100000000FDE8");
    assert_eq!(e.frame(0.0), Err(Error::BadOutput));
}

#[test]
fn the_deepest_allowed_tree_fits_the_interpreter() {
    let mut cmds = Vec::new();
    for i in 1..marquee_protocol::limits::MAX_TREE_DEPTH as u32 {
        cmds.push(Command::CreateNode { id: NodeId(i), kind: marquee_protocol::NodeKind::View });
        cmds.push(Command::SetStyle {
            id: NodeId(i),
            decl: StyleDecl::PaddingLeft(marquee_protocol::LengthPercentage::Px(1.0)),
        });
        cmds.push(Command::AppendChild { parent: NodeId(i - 1), child: NodeId(i) });
    }
    let steps = vec![scene::Step::Batch(cmds), scene::Step::Frame(0.0)];
    let frames = assert_same(&steps).unwrap();
    assert!(scene::describe(&frames[0]).unwrap().errors.is_empty());
}

#[test]
fn a_guest_that_never_returns_runs_out_of_fuel() {
    let wat = guest::wat("(loop $l (br $l)) i32.const 0", "i64.const 0", "");
    let rt = Runtime::with_call_budget(std::time::Duration::from_millis(5));
    let module = rt.load(&wat::parse_str(wat).unwrap()).unwrap();
    let mut e = rt.instantiate(&module, 1 << 20).unwrap();
    // Calls that return are unaffected, however many are made: each gets its own fuel.
    for _ in 0..3 {
        assert_eq!(e.frame(0.0), Ok(Vec::new()));
    }
    assert_eq!(e.apply(&encode_batch(&[])), Err(Error::Interrupted));
    assert_eq!(e.frame(0.0), Err(Error::Poisoned));
    let mut e = rt.instantiate(&module, 1 << 20).unwrap();
    assert_eq!(e.frame(0.0), Ok(Vec::new()));
}
