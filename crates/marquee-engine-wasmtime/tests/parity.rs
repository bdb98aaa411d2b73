//! `engine.wasm` in wasmtime against the native engine: the same commands must give
//! byte-identical frames (display list, damage, events) — on every scene fixture, on the home
//! page, and on seeded random command streams. Also: hostile input never traps the module, and
//! the ABI is checked.
//!
//! The module is built by `cargo xtask wasm` (which `cargo xtask test` runs first); its path comes
//! from `marquee_engine_contract::paths`.

use std::path::Path;
use std::sync::OnceLock;

use marquee_engine::Engine;
use marquee_engine_contract::{Engine as _, paths};
use marquee_engine_wasmtime::{Error, Runtime, WasmEngine};
use marquee_protocol::{Command, NodeId, StyleDecl, encode_batch};
use marquee_test_support::scene;
use marquee_test_support::{check_expect, guest, home, run_fixtures, streams};
use proptest::prelude::*;

fn shared() -> &'static (Runtime, wasmtime::Module) {
    static MODULE: OnceLock<(Runtime, wasmtime::Module)> = OnceLock::new();
    MODULE.get_or_init(|| {
        let bytes = paths::read_engine_wasm().unwrap_or_else(|e| panic!("{e}"));
        let rt = Runtime::default();
        let module = rt.compile(&bytes).expect("engine.wasm compiles");
        (rt, module)
    })
}

fn instance() -> WasmEngine {
    let (rt, module) = shared();
    let text = Box::new(marquee_test_support::text_service());
    rt.instantiate_with_text(module, marquee_engine_wasmtime::DEFAULT_MEMORY_LIMIT, text)
        .expect("engine.wasm instantiates")
}

/// The native engine, measuring text with the fixtures' text service.
fn native() -> Engine {
    Engine::with_text(Box::new(marquee_test_support::text_service()))
}

fn assert_same(steps: &[scene::Step]) -> Result<Vec<Vec<u8>>, String> {
    let native = scene::run(&mut native(), steps);
    let wasm = scene::run(&mut instance(), steps);
    for (n, (a, b)) in native.iter().zip(&wasm).enumerate() {
        if a != b {
            let (a, b) = (scene::describe(a)?, scene::describe(b)?);
            return Err(format!("frame {} differs:\nnative {a:#?}\nwasm {b:#?}", n + 1));
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
            let wasm = assert_same(&scene::parse(&src)?)?;
            // Identical to native, and so to the committed expectation; checked anyway, so a
            // stale expectation shows up here too.
            check_expect(
                &path.with_extension("expected"),
                &scene::render_sections(&wasm, &scene::shown_sections(&src))?,
            )
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

proptest! {
    // Seeded by proptest's default deterministic RNG per test name, so failures reproduce.
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_streams_are_byte_identical(steps in streams::stream()) {
        assert_same(&steps).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn hostile_bytes_never_trap(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut e = instance();
        e.apply(&bytes).expect("no trap");
        let frame = e.frame(0.0).expect("no trap");
        prop_assert!(scene::describe(&frame).is_ok());
    }
}

#[test]
fn abi_is_checked() {
    let rt = Runtime::default();
    // A module with the right export names but another ABI version is refused.
    let wat = r#"(module (memory (export "memory") 1)
        (func (export "mq_abi_version") (result i32) i32.const 99))"#;
    let module = rt.compile(&wat::parse_str(wat).unwrap()).unwrap();
    assert!(matches!(
        rt.instantiate(&module, 1 << 20),
        Err(Error::AbiMismatch { expected: marquee_engine_contract::ABI_VERSION, found: 99 })
    ));
    // A module missing exports is refused, not called.
    let module = rt.compile(&wat::parse_str(r#"(module (memory (export "memory") 1))"#).unwrap()).unwrap();
    assert!(matches!(rt.instantiate(&module, 1 << 20), Err(Error::MissingExport(_))));
    // Garbage is a compile error.
    assert!(matches!(rt.compile(b"\0asm\x01\0\0\0garbage"), Err(Error::Compile(_))));
}

#[test]
fn memory_cap_is_enforced() {
    // 64 KiB is below what the engine needs to start (its data and stack), so instantiation
    // fails cleanly instead of growing past the cap.
    let (rt, module) = shared();
    assert!(matches!(rt.instantiate(module, 64 << 10), Err(Error::Instantiate(_))));
}

/// A stand-in guest with the full ABI whose `mq_frame` returns `frame_body`'s result.
fn fake_guest(frame_body: &str) -> WasmEngine {
    let rt = Runtime::default();
    let module = rt.compile(&wat::parse_str(guest::wat("i32.const 0", frame_body, "")).unwrap()).unwrap();
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
    // Grows by 100 pages past the 1 MiB limit (refused: memory.grow returns -1), then aborts as
    // Rust does when an allocation fails.
    let mut e = fake_guest("(drop (memory.grow (i32.const 100))) unreachable");
    let err = e.frame(0.0).unwrap_err();
    assert!(matches!(err, Error::MemoryLimit { memory: 65536, wanted: 6619136, limit: 1048576 }), "{err:?}");
    assert!(err.to_string().contains("1.0 MiB limit"), "{err}");
    // A refusal the guest survived does not colour a later, unrelated trap.
    let mut e = fake_guest("(if (i32.eqz (i32.const 0)) (then (drop (memory.grow (i32.const 100))))) i64.const 0");
    assert!(e.frame(0.0).is_ok());
}

#[test]
fn the_real_engine_out_of_memory_says_so() {
    let (rt, module) = shared();
    let mut e = rt.instantiate(module, 4 << 20).unwrap();
    let mut failed = None;
    for chunk in 0..64u32 {
        let cmds: Vec<Command> = (0..1000)
            .flat_map(|i| {
                let id = NodeId(chunk * 1000 + i + 1);
                [
                    Command::CreateNode { id, kind: marquee_protocol::NodeKind::View },
                    Command::AppendChild { parent: NodeId(0), child: id },
                ]
            })
            .collect();
        if let Err(err) = e.apply(&encode_batch(&cmds)).and_then(|_| e.frame(0.0).map(drop)) {
            failed = Some(err);
            break;
        }
    }
    let err = failed.expect("64,000 nodes fit in 4 MiB?");
    assert!(matches!(err, Error::MemoryLimit { limit: 4194304, .. }), "{err:?}");
}

#[test]
fn out_of_bounds_output_is_refused() {
    // ptr 65000, len 4096: runs past the single 64 KiB page.
    let mut e = fake_guest("i64.const 0x100000000FDE8");
    assert_eq!(e.frame(0.0), Err(Error::BadOutput));
}

#[test]
fn the_deepest_allowed_tree_fits_the_wasm_stack() {
    // Layout recursion runs on the guest's stack: a chain at the depth limit must lay out and
    // paint in engine.wasm exactly as natively, without exhausting it.
    let mut cmds = Vec::new();
    for i in 1..marquee_protocol::limits::MAX_TREE_DEPTH as u32 {
        cmds.push(Command::CreateNode { id: NodeId(i), kind: marquee_protocol::NodeKind::View });
        cmds.push(Command::SetStyle {
            id: NodeId(i),
            decl: StyleDecl::PaddingLeft(marquee_protocol::LengthPercentage::Px(1.0)),
        });
        cmds.push(Command::SetStyle {
            id: NodeId(i),
            decl: StyleDecl::BackgroundColor(marquee_protocol::Color(0x10203040 + i)),
        });
        cmds.push(Command::AppendChild { parent: NodeId(i - 1), child: NodeId(i) });
    }
    let steps = vec![scene::Step::Batch(cmds), scene::Step::Frame(0.0)];
    let frames = assert_same(&steps).unwrap();
    assert!(scene::describe(&frames[0]).unwrap().errors.is_empty());
}

#[test]
fn a_guest_that_never_returns_is_interrupted() {
    let wat = guest::wat("(loop $l (br $l)) i32.const 0", "i64.const 0", "");
    let rt = Runtime::with_call_budget(std::time::Duration::from_millis(50));
    let module = rt.compile(&wat::parse_str(wat).unwrap()).unwrap();
    let mut e = rt.instantiate(&module, 1 << 20).unwrap();
    // Calls that return are unaffected by the deadline, however many are made.
    for _ in 0..3 {
        assert_eq!(e.frame(0.0), Ok(Vec::new()));
    }
    assert_eq!(e.apply(&encode_batch(&[])), Err(Error::Interrupted));
    assert_eq!(e.frame(0.0), Err(Error::Poisoned));
    // A fresh instance of the same module works: the interruption was local to the store.
    let mut e = rt.instantiate(&module, 1 << 20).unwrap();
    assert_eq!(e.frame(0.0), Ok(Vec::new()));
}

#[test]
fn the_module_cache_loads_only_what_it_wrote() {
    use marquee_engine_wasmtime::cache::{ModuleCache, Source};
    let dir = std::env::temp_dir().join(format!("marquee-cache-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (rt, _) = shared();
    let wasm = paths::read_engine_wasm().unwrap();
    let cache = ModuleCache::new(&dir);
    let run = |module: &wasmtime::Module| {
        let mut e = rt.instantiate(module, marquee_engine_wasmtime::DEFAULT_MEMORY_LIMIT).unwrap();
        e.apply(&encode_batch(&[Command::SetViewport { width: 100.0, height: 100.0 }])).unwrap();
        e.frame(0.0).unwrap()
    };
    let (cold, source) = cache.load(rt, &wasm).unwrap();
    assert_eq!(source, Source::Compiled);
    let (warm, source) = cache.load(rt, &wasm).unwrap();
    assert_eq!(source, Source::Cache);
    assert_eq!(run(&cold), run(&warm));

    // A flipped byte deep in the machine code: refused before loading, replaced.
    let path = cache.path_for(rt, &wasm);
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x40;
    std::fs::write(&path, &bytes).unwrap();
    let (module, source) = cache.load(rt, &wasm).unwrap();
    assert_eq!(source, Source::Recompiled("checksum mismatch".into()));
    assert_eq!(run(&module), run(&cold));
    assert_eq!(cache.load(rt, &wasm).unwrap().1, Source::Cache);

    // A truncated file and a file of something else are refused the same way.
    for bad in [&bytes[..20], &b"\x7fELF not ours at all, not ours at all, not ours"[..]] {
        std::fs::write(&path, bad).unwrap();
        assert!(matches!(cache.load(rt, &wasm).unwrap().1, Source::Recompiled(_)));
    }
    // Another module never gets this one's file.
    let other = wat::parse_str(r#"(module (memory (export "memory") 1))"#).unwrap();
    assert_ne!(cache.path_for(rt, &other), path);
    std::fs::remove_dir_all(&dir).unwrap();
}
