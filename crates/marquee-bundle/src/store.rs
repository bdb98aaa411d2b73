//! A store: objects named by their SHA-256, and manifests named by bundle id.
//!
//! ```text
//! STORE/objects/<sha256>        a file's bytes
//! STORE/bundles/<id>.json       a manifest; <id> is the SHA-256 of these bytes
//! ```
//!
//! Everything is written once and never changed: writing an object that exists is a no-op, and
//! files appear by rename, so a reader (a web server, a device) never sees half an object. The
//! layout is plain static files, which any CDN or object store can serve.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Error, Manifest, io, limits};

/// A bundle's id: the SHA-256 of its manifest's bytes, lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BundleId(pub String);

impl std::fmt::Display for BundleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl BundleId {
    /// The id of a manifest's bytes.
    pub fn of(manifest: &[u8]) -> BundleId {
        BundleId(hex::encode(Sha256::digest(manifest)))
    }

    /// Accepts 64 lowercase hex digits only (it becomes a file name).
    pub fn parse(s: &str) -> Result<BundleId, Error> {
        let ok = s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if ok { Ok(BundleId(s.to_string())) } else { Err(Error::Manifest(format!("{s:?} is not a bundle id"))) }
    }
}

/// A directory of objects and manifests.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// The store at `root` (created when first written).
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    /// Its directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the object with this SHA-256 (lowercase hex) lives.
    pub fn object_path(&self, sha256: &str) -> PathBuf {
        self.root.join("objects").join(sha256)
    }

    /// Where bundle `id`'s manifest lives.
    pub fn manifest_path(&self, id: &BundleId) -> PathBuf {
        self.root.join("bundles").join(format!("{id}.json"))
    }

    /// Stores `bytes` as an object; returns its SHA-256.
    pub fn put_object(&self, bytes: &[u8]) -> Result<String, Error> {
        let sha = hex::encode(Sha256::digest(bytes));
        let path = self.object_path(&sha);
        if !path.exists() {
            write_atomic(&path, bytes)?;
        }
        Ok(sha)
    }

    /// Stores a manifest; returns the bundle's id.
    pub fn put_manifest(&self, manifest: &Manifest) -> Result<BundleId, Error> {
        let bytes = manifest.to_bytes();
        let id = BundleId::of(&bytes);
        let path = self.manifest_path(&id);
        if !path.exists() {
            write_atomic(&path, &bytes)?;
        }
        Ok(id)
    }

    /// Stores a manifest's bytes as they came (from an update repository): they must parse, and
    /// their hash becomes the bundle's id.
    pub fn put_manifest_bytes(&self, bytes: &[u8]) -> Result<(BundleId, Manifest), Error> {
        let manifest = Manifest::parse(bytes)?;
        let id = BundleId::of(bytes);
        let path = self.manifest_path(&id);
        if !path.exists() {
            write_atomic(&path, bytes)?;
        }
        Ok((id, manifest))
    }

    /// Stores an object's bytes under the SHA-256 the caller has already checked they have.
    pub fn put_verified_object(&self, sha256: &str, bytes: &[u8]) -> Result<(), Error> {
        let path = self.object_path(sha256);
        if path.exists() { Ok(()) } else { write_atomic(&path, bytes) }
    }

    /// Reads bundle `id`'s manifest, checking that its bytes are the ones the id names.
    pub fn manifest(&self, id: &BundleId) -> Result<Manifest, Error> {
        let path = self.manifest_path(id);
        let bytes = read_capped(&path, limits::MAX_MANIFEST_BYTES)?;
        let found = BundleId::of(&bytes);
        if &found != id {
            return Err(Error::IdMismatch { expected: id.0.clone(), found: found.0 });
        }
        Manifest::parse(&bytes)
    }

    /// Every bundle in the store, by id.
    pub fn bundles(&self) -> Result<Vec<BundleId>, Error> {
        let dir = self.root.join("bundles");
        let mut ids = Vec::new();
        for entry in fs::read_dir(&dir).map_err(io(&dir))? {
            let name = entry.map_err(io(&dir))?.file_name();
            if let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".json")).and_then(|n| BundleId::parse(n).ok())
            {
                ids.push(id);
            }
        }
        ids.sort();
        Ok(ids)
    }
}

/// Reads a file, refusing one longer than `cap` bytes without reading past it.
pub(crate) fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let file = fs::File::open(path).map_err(io(path))?;
    let mut bytes = Vec::new();
    file.take(cap + 1).read_to_end(&mut bytes).map_err(io(path))?;
    if bytes.len() as u64 > cap {
        return Err(Error::Manifest(format!("{}: longer than {cap} bytes", path.display())));
    }
    Ok(bytes)
}

/// Writes `bytes` to a temporary name beside `path`, syncs, and renames it into place: a reader
/// sees the old file or the new one, never half of it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io(dir))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::Io(path.to_path_buf(), e)
    })
}
