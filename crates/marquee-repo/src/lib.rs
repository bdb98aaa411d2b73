//! The publisher's side of over-the-air updates: a TUF repository of bundles and channels.
//!
//! Devices trust nothing but a root of keys they were shipped with; everything they download is
//! checked against metadata signed under it (The Update Framework, through the `tough` crate), so
//! a compromised server or mirror cannot install anything, roll a device back to an old release,
//! or freeze it on one. The repository is plain static files:
//!
//! ```text
//! REPO/metadata/N.root.json           root role, every version (devices walk the chain)
//! REPO/metadata/timestamp.json        short-lived, re-signed by the online key
//! REPO/metadata/N.snapshot.json       consistent snapshot: which targets.json is current
//! REPO/metadata/N.targets.json        every target's length and SHA-256
//! REPO/targets/<sha256>.bundle.<id>.json    a bundle's manifest (a target)
//! REPO/targets/<sha256>.channel.<name>.json a channel: releases, rollouts, Wasm share (a target)
//! REPO/objects/<sha256>               the bundles' files, pinned by the signed manifests
//! ```
//!
//! Every name is content-addressed or versioned except `timestamp.json`, so files are written
//! before the metadata that names them and a CDN can cache all of them forever but that one.
//! A bundle's files are not targets themselves: the manifest that lists their hashes is, which
//! keeps targets.json at one entry per release instead of one per file.

mod keys;
mod repo;

pub use keys::{Keys, PemKey, ROLES, role_name};
pub use repo::{ChannelEdit, Expiry, InitOptions, Repo, Summary, Verified};
pub use tough::schema::RoleType;

use std::fmt;
use std::path::PathBuf;

/// What can go wrong keeping a repository.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    Io(PathBuf, std::io::Error),
    /// A key is missing or unusable.
    Keys(String),
    /// tough refused to load, edit or sign the metadata.
    Tuf(String),
    /// The bundle to publish is not in the store, or is malformed.
    Bundle(marquee_bundle::Error),
    /// The request does not fit the repository (unknown channel or release, bad percentage…).
    Refused(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(path, e) => write!(f, "{}: {e}", path.display()),
            Error::Keys(why) => write!(f, "keys: {why}"),
            Error::Tuf(why) => write!(f, "TUF: {why}"),
            Error::Bundle(e) => write!(f, "bundle: {e}"),
            Error::Refused(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(_, e) => Some(e),
            Error::Bundle(e) => Some(e),
            _ => None,
        }
    }
}

impl From<marquee_bundle::Error> for Error {
    fn from(e: marquee_bundle::Error) -> Self {
        Error::Bundle(e)
    }
}

impl From<tough::error::Error> for Error {
    fn from(e: tough::error::Error) -> Self {
        Error::Tuf(marquee_bundle::error_chain(&e))
    }
}

pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |e| Error::Io(path, e)
}
