//! The manifest: what a bundle is and every file in it, as canonical JSON.
//!
//! The bytes are canonical (keys sorted, no whitespace, no timestamp) so that building the same
//! app twice gives the same bundle id; reading is strict (unknown fields refused, every limit
//! checked, every path validated) because a manifest comes off the network.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Error, limits};

/// The manifest format this crate writes and reads.
pub const MANIFEST_FORMAT: u32 = 1;

/// One file in a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Its size in bytes.
    pub size: u64,
    /// The SHA-256 of its bytes, lowercase hex: also its object's name in a [`Store`](crate::Store).
    pub sha256: String,
}

/// What a bundle is and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`MANIFEST_FORMAT`].
    pub format: u32,
    /// The app's name (its package.json `name`).
    pub app: String,
    /// The app's version (its package.json `version`).
    pub version: String,
    /// The engine ABI engine.wasm speaks (`mq_abi_version`); a host speaking another cannot run it.
    pub engine_abi: u32,
    /// The command protocol version the SDK in app.js encodes.
    pub protocol: u32,
    /// The oldest host version that can run this bundle.
    pub min_host: String,
    /// The app's entry module, a path in `files`.
    pub entry: String,
    /// Every file, by path relative to the bundle's root.
    pub files: BTreeMap<String, FileEntry>,
}

impl Manifest {
    /// The canonical bytes: what the bundle id hashes.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Fields serialize in declaration order and `files` is sorted: the output is canonical.
        // A struct of strings, numbers and maps always serializes.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads and checks a manifest: format, limits, paths, hashes' shape.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, Error> {
        if bytes.len() as u64 > limits::MAX_MANIFEST_BYTES {
            return Err(Error::Manifest(format!("{} bytes, more than {}", bytes.len(), limits::MAX_MANIFEST_BYTES)));
        }
        let m: Manifest = serde_json::from_slice(bytes).map_err(|e| Error::Manifest(e.to_string()))?;
        if m.format != MANIFEST_FORMAT {
            return Err(Error::Manifest(format!("format {}, this host reads {MANIFEST_FORMAT}", m.format)));
        }
        if m.files.len() > limits::MAX_FILES {
            return Err(Error::Manifest(format!("{} files, more than {}", m.files.len(), limits::MAX_FILES)));
        }
        let mut total = 0u64;
        for (path, f) in &m.files {
            check_path(path)?;
            if f.size > limits::MAX_FILE_BYTES {
                return Err(Error::Manifest(format!("{path}: {} bytes, more than {}", f.size, limits::MAX_FILE_BYTES)));
            }
            if f.sha256.len() != 64 || !f.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
                return Err(Error::Manifest(format!("{path}: sha256 is not 64 lowercase hex digits")));
            }
            total += f.size;
        }
        if total > limits::MAX_BUNDLE_BYTES {
            return Err(Error::Manifest(format!("{total} bytes in all, more than {}", limits::MAX_BUNDLE_BYTES)));
        }
        if !m.files.contains_key(&m.entry) {
            return Err(Error::Manifest(format!("the entry {:?} is not in the bundle", m.entry)));
        }
        Ok(m)
    }
}

/// Accepts only a plain relative path: `/`-separated, non-empty parts that are not `.` or `..`,
/// no backslash, colon or control character, no leading `/`, at most
/// [`MAX_PATH_BYTES`](limits::MAX_PATH_BYTES). Such a path stays inside the directory it is joined
/// to on every platform.
pub fn check_path(path: &str) -> Result<(), Error> {
    let bad = |why: &str| Err(Error::Path(format!("{path:?}: {why}")));
    if path.is_empty() || path.len() > limits::MAX_PATH_BYTES {
        return bad("empty or too long");
    }
    if path.chars().any(|c| c.is_control() || c == '\\' || c == ':') {
        return bad("a backslash, colon or control character");
    }
    for part in path.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return bad("not a plain relative path");
        }
    }
    Ok(())
}
