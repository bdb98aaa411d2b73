//! The device's side of over-the-air updates: what to launch, and how a new bundle gets there.
//!
//! A device keeps everything under one directory:
//!
//! ```text
//! DEVICE/state.json        which bundle is last-known-good, on trial, staged, failed
//! DEVICE/tuf/              the trusted TUF metadata (tough's datastore: rollback protection)
//! DEVICE/verified_time.json the time of the last check whose metadata verified (clock policy)
//! DEVICE/partial/<sha256>  objects being downloaded, kept across checks and kills
//! DEVICE/objects/<sha256>  verified downloaded files, shared between bundles
//! DEVICE/bundles/<id>.json verified manifests
//! DEVICE/installed/<id>/   installed bundles, each complete or absent
//! ```
//!
//! Launching ([`Device::launch`]) never waits for the network: it picks the staged bundle for a
//! trial run, else the last-known-good one, else the factory bundle the host was shipped with.
//! Checking ([`Device::check`]) runs in the background: it refreshes the TUF metadata, reads the
//! channel, picks the release for this device, downloads what the store lacks (resuming cut
//! downloads), verifies every byte and installs the bundle as staged. A [`Session`] runs one
//! launch with both and settles the trial: confirmed once the app has shown its content and
//! stayed healthy; a trial that failed, crashed, hung or was killed before that is recorded as
//! failed at the next launch and never tried again.
//!
//! State changes are write, fsync, rename, and the trial is recorded *before* it starts, so a
//! kill at any moment leaves a state that boots: the worst case is one failed trial.

mod check;
mod clock;
mod download;
mod session;
mod state;

pub use check::{Config, Outcome};
pub use session::{CHECK_GRACE, Health, Say, Session};
pub use state::{Device, Launch, State};

use std::fmt;
use std::path::PathBuf;

/// What can go wrong updating.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    Io(PathBuf, std::io::Error),
    /// The device state file is unreadable.
    State(String),
    /// TUF verification failed, or the repository could not be reached: nothing was installed.
    Tuf(String),
    /// A download failed or its bytes were not the ones signed for.
    Download(String),
    /// A bundle or channel is malformed or does not verify.
    Bundle(marquee_bundle::Error),
    /// The release picked cannot run on this host.
    Incompatible(String),
    /// The device has no trusted root to start from.
    NoRoot(PathBuf),
    /// The clock reads earlier than the last verified check (see the clock policy in
    /// `clock.rs`): nothing is trusted until it is set right.
    Clock(String),
    /// A thread of the update session could not be started.
    Thread(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(path, e) => write!(f, "{}: {e}", path.display()),
            Error::State(why) => write!(f, "device state: {why}"),
            Error::Tuf(why) => write!(f, "update metadata rejected: {why}"),
            Error::Download(why) => write!(f, "download: {why}"),
            Error::Bundle(e) => write!(f, "{e}"),
            Error::Incompatible(why) => write!(f, "incompatible release: {why}"),
            Error::Clock(why) => write!(f, "device clock: {why}"),
            Error::Thread(why) => f.write_str(why),
            Error::NoRoot(path) => {
                write!(
                    f,
                    "no trusted root.json at {} (give the repository's 1.root.json once, with --root)",
                    path.display()
                )
            }
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

pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |e| Error::Io(path, e)
}
