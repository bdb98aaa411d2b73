//! Signing keys: ed25519, one PEM file each, in a directory that never leaves the publisher.
//!
//! ```text
//! KEYS/root-1.pem … root-N.pem   the root role's keys (kept offline in a real deployment)
//! KEYS/targets.pem               signs which bundles and channels exist
//! KEYS/snapshot.pem              signs the consistent view of all metadata
//! KEYS/timestamp.pem             the online key: re-signs the timestamp every few hours
//! KEYS/retired/                  keys replaced by a rotation, kept for the record
//! ```
//!
//! Files are PKCS#8 in PEM (`openssl pkey -in root-1.pem -text` reads them) and are created with
//! mode 0600. tough reads ed25519 keys as DER only, hence the small [`KeySource`] here.

use std::fs;
use std::path::{Path, PathBuf};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::Ed25519KeyPair;
use tough::key_source::KeySource;
use tough::schema::RoleType;
use tough::sign::{Sign, parse_keypair};

use crate::{Error, io};

/// The key files of a repository's roles.
#[derive(Debug, Clone)]
pub struct Keys {
    dir: PathBuf,
}

/// One role's key, read from its file, as tough signs with it. The bytes are read when the key
/// is listed, so a rotation can still sign with keys it has just retired.
#[derive(Clone)]
pub struct PemKey {
    /// The PEM file it was read from.
    pub path: PathBuf,
    pem: Vec<u8>,
}

impl std::fmt::Debug for PemKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key itself.
        f.debug_struct("PemKey").field("path", &self.path).finish_non_exhaustive()
    }
}

impl PemKey {
    /// Reads the key file at `path`.
    pub fn read(path: &Path) -> Result<PemKey, Error> {
        Ok(PemKey { path: path.to_path_buf(), pem: fs::read(path).map_err(io(path))? })
    }
}

#[tough::async_trait]
impl KeySource for PemKey {
    async fn as_sign(&self) -> Result<Box<dyn Sign>, Box<dyn std::error::Error + Send + Sync + 'static>> {
        let der = pem::parse(&self.pem).map_err(|e| format!("{}: {e}", self.path.display()))?;
        Ok(Box::new(parse_keypair(der.contents())?))
    }

    async fn write(
        &self,
        value: &str,
        _key_id: &str,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync + 'static>> {
        Ok(fs::write(&self.path, value)?)
    }
}

/// A role's name as its key files are named.
pub fn role_name(role: RoleType) -> &'static str {
    match role {
        RoleType::Root => "root",
        RoleType::Targets => "targets",
        RoleType::Snapshot => "snapshot",
        RoleType::Timestamp => "timestamp",
        // Delegated roles are not used: one targets role signs everything.
        _ => "delegated",
    }
}

impl Keys {
    /// The key directory at `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Keys {
        Keys { dir: dir.into() }
    }

    /// Its directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key files of `role`, in order (root has several).
    pub fn files(&self, role: RoleType) -> Result<Vec<PathBuf>, Error> {
        let name = role_name(role);
        if role != RoleType::Root {
            let path = self.dir.join(format!("{name}.pem"));
            return if path.is_file() { Ok(vec![path]) } else { Err(missing(&path)) };
        }
        let mut files = Vec::new();
        for i in 1.. {
            let path = self.dir.join(format!("root-{i}.pem"));
            if !path.is_file() {
                break;
            }
            files.push(path);
        }
        if files.is_empty() {
            return Err(missing(&self.dir.join("root-1.pem")));
        }
        Ok(files)
    }

    /// Key sources for `role`.
    pub fn sources(&self, role: RoleType) -> Result<Vec<Box<dyn KeySource>>, Error> {
        self.files(role)?.iter().map(|path| Ok(Box::new(PemKey::read(path)?) as Box<dyn KeySource>)).collect()
    }

    /// Key sources for every role.
    pub fn all(&self) -> Result<Vec<Box<dyn KeySource>>, Error> {
        let mut all = Vec::new();
        for role in ROLES {
            all.extend(self.sources(role)?);
        }
        Ok(all)
    }

    /// Creates `count` new keys for `role` (moving the old ones to `retired/`); returns their files.
    pub fn generate(&self, role: RoleType, count: usize) -> Result<Vec<PathBuf>, Error> {
        fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        if let Ok(old) = self.files(role) {
            let retired = self.dir.join("retired");
            fs::create_dir_all(&retired).map_err(io(&retired))?;
            let stamp = jiff::Timestamp::now().as_second();
            for path in old {
                let name = path.file_stem().and_then(|n| n.to_str()).unwrap_or("key");
                let to = retired.join(format!("{name}-{stamp}.pem"));
                fs::rename(&path, &to).map_err(io(&path))?;
            }
        }
        let name = role_name(role);
        (1..=count)
            .map(|i| {
                let path = match role {
                    RoleType::Root => self.dir.join(format!("root-{i}.pem")),
                    _ => self.dir.join(format!("{name}.pem")),
                };
                write_key(&path)?;
                Ok(path)
            })
            .collect()
    }
}

/// The four top-level roles, in the order keys are listed.
pub const ROLES: [RoleType; 4] = [RoleType::Root, RoleType::Targets, RoleType::Snapshot, RoleType::Timestamp];

fn missing(path: &Path) -> Error {
    Error::Keys(format!("{}: no such key (create keys with `marquee keys init`)", path.display()))
}

fn write_key(path: &Path) -> Result<(), Error> {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
        .map_err(|e| Error::Keys(format!("cannot generate an ed25519 key: {e}")))?;
    let text = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8.as_ref().to_vec()));
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    use std::io::Write;
    let mut file = options.open(path).map_err(io(path))?;
    file.write_all(text.as_bytes()).and_then(|()| file.sync_all()).map_err(io(path))
}
