//! Compiled engine modules kept on disk, so a warm start skips Cranelift.
//!
//! Compiling `engine.wasm` takes hundreds of milliseconds on a TV-class CPU, more than the whole
//! start-up budget. wasmtime can serialize a compiled module and load it back, but loading is
//! `unsafe`: the bytes become machine code. So the cache only ever loads what it wrote itself,
//! unchanged:
//!
//! - A cached file is named by the SHA-256 of the module's Wasm bytes and by a fingerprint of
//!   the compiler's settings, so an updated engine or host never picks up a stale compilation.
//! - Its content is `MQMC`, then the SHA-256 of the serialized module, then the serialized
//!   module. The digest is checked before wasmtime sees a byte: a truncated or corrupted file
//!   (a power cut mid-write, a bad flash block) is deleted and the module compiled again.
//! - Files are written to a temporary name and renamed into place, so a reader never sees half
//!   a file.
//!
//! The cache directory is the host's private storage; the digest guards against accidents, not
//! against an attacker who can already write the host's files.

use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::Module;

use crate::{Error, Runtime};

const MAGIC: &[u8; 4] = b"MQMC";
const HEADER: usize = MAGIC.len() + 32;

/// How a module was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Loaded from a cache file this host wrote earlier.
    Cache,
    /// Compiled, because no cache file existed; the compilation was stored.
    Compiled,
    /// Compiled, because the cache file was unusable (the reason); it was replaced.
    Recompiled(String),
    /// Compiled, but storing it failed (the reason); the module runs anyway.
    Uncached(String),
}

/// A directory of compiled modules.
#[derive(Debug, Clone)]
pub struct ModuleCache {
    dir: PathBuf,
}

impl ModuleCache {
    /// A cache in `dir` (created when first written).
    pub fn new(dir: impl Into<PathBuf>) -> ModuleCache {
        ModuleCache { dir: dir.into() }
    }

    /// The file that holds (or would hold) the compilation of `wasm` by `runtime`.
    pub fn path_for(&self, runtime: &Runtime, wasm: &[u8]) -> PathBuf {
        let mut settings = std::collections::hash_map::DefaultHasher::new();
        runtime.engine().precompile_compatibility_hash().hash(&mut settings);
        self.dir.join(format!("{}-{:016x}.cwasm", hex::encode(Sha256::digest(wasm)), settings.finish()))
    }

    /// The module for `wasm`: from the cache when a sound entry exists, otherwise compiled (and
    /// stored). A cache problem never stops the module from loading, only costs a compilation.
    pub fn load(&self, runtime: &Runtime, wasm: &[u8]) -> Result<(Module, Source), Error> {
        let path = self.path_for(runtime, wasm);
        let problem = match fs::read(&path) {
            Ok(bytes) => match deserialize(runtime, &bytes) {
                Ok(module) => return Ok((module, Source::Cache)),
                Err(why) => {
                    // Best effort: a file that cannot be removed is overwritten below anyway.
                    let _ = fs::remove_file(&path);
                    Some(why)
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => Some(format!("cannot read {}: {e}", path.display())),
        };
        let module = runtime.compile(wasm)?;
        let source = match self.store(&path, &module) {
            Err(why) => Source::Uncached(why),
            Ok(()) => problem.map_or(Source::Compiled, Source::Recompiled),
        };
        Ok((module, source))
    }

    fn store(&self, path: &Path, module: &Module) -> Result<(), String> {
        let payload = module.serialize().map_err(|e| format!("cannot serialize: {e:#}"))?;
        fs::create_dir_all(&self.dir).map_err(|e| format!("cannot create {}: {e}", self.dir.display()))?;
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(MAGIC)?;
            f.write_all(&Sha256::digest(&payload))?;
            f.write_all(&payload)?;
            f.sync_all()?;
            fs::rename(&tmp, path)
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&tmp);
            format!("cannot write {}: {e}", path.display())
        })
    }
}

fn deserialize(runtime: &Runtime, bytes: &[u8]) -> Result<Module, String> {
    if bytes.len() < HEADER || &bytes[..4] != MAGIC {
        return Err("not a Marquee module cache file".into());
    }
    let (digest, payload) = bytes[4..].split_at(32);
    if Sha256::digest(payload).as_slice() != digest {
        return Err("checksum mismatch".into());
    }
    load_checked(runtime, payload).map_err(|e| format!("wasmtime refused it: {e:#}"))
}

/// Loads a serialized module whose bytes are exactly what [`ModuleCache::store`] wrote.
#[allow(unsafe_code, reason = "loading a compiled module is unsafe; the caller checked its digest")]
fn load_checked(runtime: &Runtime, payload: &[u8]) -> wasmtime::Result<Module> {
    // SAFETY: `payload` is byte for byte what `Module::serialize` produced in this host (the
    // SHA-256 written next to it matches), and wasmtime itself checks that it was compiled by
    // this wasmtime version with compatible settings.
    unsafe { Module::deserialize(runtime.engine(), payload) }
}
