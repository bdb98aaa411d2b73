//! Installing a bundle: every byte checked, then made visible in one rename.
//!
//! `DEST/<id>/` is the installed bundle, laid out as its manifest's paths, with the manifest
//! itself beside them as `bundle.json`. It is built in `DEST/.<id>.staging` — each object read
//! with a cap of its declared size, hashed, written and synced — and renamed into place only when
//! all of it checked out. A failure (a missing or corrupted object, a full disk, a kill) leaves at
//! most a staging directory, which the next install removes first; an installed bundle is never
//! modified.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::store::read_capped;
use crate::{BundleId, Error, Manifest, Store, io};

/// The manifest's name inside an installed bundle.
pub const MANIFEST_FILE: &str = "bundle.json";

/// Installs bundle `id` from `store` into `dest/<id>`, verifying every file; returns the
/// installed directory. Installing an installed bundle only checks it is there.
pub fn install(store: &Store, id: &BundleId, dest: &Path) -> Result<PathBuf, Error> {
    let manifest = store.manifest(id)?;
    let target = dest.join(&id.0);
    if target.join(MANIFEST_FILE).is_file() {
        return Ok(target);
    }
    let staging = dest.join(format!(".{id}.staging"));
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    let result = stage(store, &manifest, &staging).and_then(|()| {
        sync_dir(&staging)?;
        fs::rename(&staging, &target).map_err(io(&target))?;
        sync_dir(dest)
    });
    if result.is_err() {
        // Best effort: the next install removes a leftover staging directory anyway.
        let _ = fs::remove_dir_all(&staging);
    }
    result.map(|()| target)
}

fn stage(store: &Store, manifest: &Manifest, staging: &Path) -> Result<(), Error> {
    fs::create_dir_all(staging).map_err(io(staging))?;
    let mut dirs = std::collections::BTreeSet::new();
    for (path, entry) in &manifest.files {
        let bytes = read_verified(path, &store.object_path(&entry.sha256), entry)?;
        let out = staging.join(path);
        let dir = out.parent().unwrap_or(staging);
        fs::create_dir_all(dir).map_err(io(dir))?;
        write_synced(&out, &bytes)?;
        dirs.extend(dir.ancestors().take_while(|d| *d != staging).map(Path::to_path_buf));
    }
    write_synced(&staging.join(MANIFEST_FILE), &manifest.to_bytes())?;
    // Deepest first, so each directory's entry in its parent is durable before the parent is.
    for dir in dirs.iter().rev() {
        sync_dir(dir)?;
    }
    Ok(())
}

/// Checks an installed bundle's files against its manifest, byte for byte; returns the manifest.
pub fn verify_dir(dir: &Path) -> Result<Manifest, Error> {
    let manifest = Manifest::parse(&read_capped(&dir.join(MANIFEST_FILE), crate::limits::MAX_MANIFEST_BYTES)?)?;
    for (path, entry) in &manifest.files {
        read_verified(path, &dir.join(path), entry)?;
    }
    Ok(manifest)
}

/// Reads the object file `object` for the bundle file `path`, refusing it unless it has exactly
/// the size and SHA-256 `entry` gives; returns its bytes.
pub fn read_verified(path: &str, object: &Path, entry: &crate::FileEntry) -> Result<Vec<u8>, Error> {
    let bytes = read_capped(object, entry.size).map_err(|e| match e {
        Error::Manifest(_) => {
            corrupt(path, format!("size mismatch: {} is longer than {} bytes", object.display(), entry.size))
        }
        e => e,
    })?;
    check(path, &bytes, entry.size, &entry.sha256)?;
    Ok(bytes)
}

fn check(path: &str, bytes: &[u8], size: u64, sha256: &str) -> Result<(), Error> {
    if bytes.len() as u64 != size {
        return Err(corrupt(path, format!("size mismatch: {} bytes, the manifest says {size}", bytes.len())));
    }
    let found = hex::encode(Sha256::digest(bytes));
    if found != sha256 {
        return Err(corrupt(path, format!("hash mismatch: SHA-256 {found}, the manifest says {sha256}")));
    }
    Ok(())
}

fn corrupt(path: &str, why: String) -> Error {
    Error::Corrupt { path: path.to_string(), why }
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut f = fs::File::create(path).map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

/// Makes a directory's entries durable (a rename is only safe once its directory is synced).
fn sync_dir(dir: &Path) -> Result<(), Error> {
    fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))
}
