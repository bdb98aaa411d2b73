//! Where a checkout keeps what the tools run by default: the engine builds (`cargo xtask wasm`
//! writes engine.wasm and engine.js into `engine/` under cargo's target directory) and the demo
//! app. Tests, examples, the benchmark and the `marquee` command's defaults all find them here,
//! honouring the same overrides.

use std::path::{Path, PathBuf};

/// The environment variable that names engine.wasm explicitly (engine.js is read from beside it).
pub const ENGINE_WASM_VAR: &str = "MARQUEE_ENGINE_WASM";

/// This checkout's root (where the workspace's `Cargo.toml` is).
pub fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// The bundled demo app.
pub fn demo_app() -> PathBuf {
    workspace_root().join("apps/demo")
}

/// Cargo's target directory: `CARGO_TARGET_DIR` when set (relative to the checkout, as cargo
/// reads it from there), else `target/` in the checkout.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    }
}

/// engine.wasm: `MARQUEE_ENGINE_WASM` when set, else where `cargo xtask wasm` writes it.
pub fn engine_wasm() -> PathBuf {
    std::env::var_os(ENGINE_WASM_VAR).map(PathBuf::from).unwrap_or_else(|| target_dir().join("engine/engine.wasm"))
}

/// engine.js, beside [`engine_wasm`].
pub fn engine_js() -> PathBuf {
    engine_wasm().with_file_name("engine.js")
}

/// web.wasm, the browser host's Rust half (`marquee-web`), beside [`engine_wasm`].
pub fn web_wasm() -> PathBuf {
    engine_wasm().with_file_name("web.wasm")
}

/// Reads engine.wasm, with an error that says how to build it.
pub fn read_engine_wasm() -> Result<Vec<u8>, String> {
    let path = engine_wasm();
    std::fs::read(&path).map_err(|e| format!("{}: {e} (build it with `cargo xtask wasm`)", path.display()))
}

/// Reads engine.js, with an error that says how to build it.
pub fn read_engine_js() -> Result<String, String> {
    let path = engine_js();
    std::fs::read_to_string(&path).map_err(|e| format!("{}: {e} (build it with `cargo xtask wasm`)", path.display()))
}
