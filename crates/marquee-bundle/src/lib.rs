//! App bundles: what a device downloads to run an app, immutable and content-addressed.
//!
//! A bundle is a manifest plus the files it names. The manifest says what the bundle is (app,
//! version, the engine ABI and protocol it needs, the oldest host that can run it) and lists
//! every file by path with its size and SHA-256. Files live in a [`Store`] under their hash, so
//! releases share what did not change (an app update several times a day reuses engine.wasm),
//! and the bundle's id is the SHA-256 of its manifest's bytes: one id, one exact set of bytes.
//!
//! Building ([`build`]) bundles the app's JavaScript with esbuild, adds engine.wasm, engine.js and
//! the app's assets, and writes objects and manifest. Installing ([`install`]) checks every byte
//! against the manifest before anything becomes visible: the files are written to a staging
//! directory, synced, and renamed into place in one step, so a reader (the host at launch) sees
//! the whole bundle or none of it, and a bad object leaves nothing behind.
//!
//! A [`Channel`] says which bundle each device of a fleet should run: releases with staged
//! rollouts, halts and withdrawals, and the engine.wasm rollout.
//!
//! Signing is not this crate's job: the update repository (TUF) signs the manifest's hash and
//! length; this crate makes sure the bytes behind a trusted manifest are the ones it names.

mod build;
pub mod channel;
mod install;
mod manifest;
mod store;

pub use build::{
    BuildOptions, COMPILED_DIR, Runs, Tools, build, compile, compile_module, entry, needs_compile, run_esbuild,
    uses_react,
};
pub use channel::{Channel, Release, Status, WasmRollout, wasm_bucket};
pub use install::{MANIFEST_FILE, install, read_verified, verify_dir};
pub use manifest::{FileEntry, MANIFEST_FORMAT, Manifest, check_path};
pub use store::{BundleId, Store, write_atomic};

use std::fmt;
use std::path::PathBuf;

/// Upper bounds on what a manifest may describe: a manifest is read before anything it names,
/// so it must not be able to ask for unbounded work.
pub mod limits {
    /// The manifest's own size, in bytes.
    pub const MAX_MANIFEST_BYTES: u64 = 1 << 20;
    /// Files in a bundle.
    pub const MAX_FILES: usize = 10_000;
    /// One file's size, in bytes.
    pub const MAX_FILE_BYTES: u64 = 64 << 20;
    /// All files together, in bytes.
    pub const MAX_BUNDLE_BYTES: u64 = 512 << 20;
    /// A path's length, in bytes.
    pub const MAX_PATH_BYTES: usize = 255;
}

/// What can go wrong building, reading or installing a bundle.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    Io(PathBuf, std::io::Error),
    /// The app directory is not a bundleable app (no package.json, no entry, bad JSON…).
    App(String),
    /// esbuild is missing or failed.
    Esbuild(String),
    /// The manifest is malformed or breaks a limit.
    Manifest(String),
    /// A path in the manifest is not a plain relative path inside the bundle.
    Path(String),
    /// The manifest's bytes do not hash to the bundle id they were asked for by.
    IdMismatch {
        /// The id asked for.
        expected: String,
        /// What the bytes hash to.
        found: String,
    },
    /// A channel file is malformed.
    Channel(String),
    /// A file's bytes are not what the manifest says (size or SHA-256).
    Corrupt {
        /// The file's path in the bundle.
        path: String,
        /// What differs.
        why: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(path, e) => write!(f, "{}: {e}", path.display()),
            Error::App(why) => write!(f, "not a bundleable app: {why}"),
            Error::Esbuild(why) => write!(f, "esbuild: {why}"),
            Error::Manifest(why) => write!(f, "bad manifest: {why}"),
            Error::Path(why) => write!(f, "bad path in the manifest: {why}"),
            Error::Channel(why) => write!(f, "bad channel: {why}"),
            Error::IdMismatch { expected, found } => {
                write!(f, "manifest is not bundle {expected} (its bytes hash to {found})")
            }
            Error::Corrupt { path, why } => write!(f, "{path}: {why}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(_, e) => Some(e),
            _ => None,
        }
    }
}

/// `Io` with the path it happened at.
pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |e| Error::Io(path, e)
}

/// An error and all its causes on one line, each cause once: how the publisher
/// (`marquee-repo`) and the device (`marquee-update`) report tough's errors, which nest the
/// reason several levels deep.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}
