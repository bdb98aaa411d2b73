//! The device's bundle state machine, kept crash-safe on disk.
//!
//! ```text
//! check → staged ──launch──▶ trial ──healthy──▶ active (last-known-good)
//!                              │
//!                              └─ failed, or not confirmed by the next launch ─▶ failed (never again)
//! ```
//!
//! The trial is written to disk before the bundle starts (as Android's A/B slots decrement their
//! tries before booting), so a crash, a hang that gets the process killed, or a power cut during
//! the trial all look the same at the next launch: a trial nobody confirmed, which failed.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use marquee_bundle::{BundleId, Store, WasmRollout, verify_dir};
use serde::{Deserialize, Serialize};

use crate::{Error, io};

const STATE_FORMAT: u32 = 1;

/// What the device knows about its bundles.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// The state file's format.
    pub format: u32,
    /// The last-known-good bundle: confirmed healthy on this device.
    pub active: Option<String>,
    /// The one before it, kept until the next confirmation.
    pub previous: Option<String>,
    /// Started on trial and not confirmed yet.
    pub trial: Option<String>,
    /// Installed and verified, to be tried at the next launch.
    pub staged: Option<String>,
    /// Being downloaded (its objects are kept when garbage is collected).
    pub downloading: Option<String>,
    /// Bundles that failed here, with why: never launched or downloaded again.
    pub failed: Vec<(String, String)>,
    /// The channel's engine.wasm rollout, as last read: applied at the next launch.
    pub wasm: Option<WasmRollout>,
}

impl State {
    /// The failed bundles' ids.
    pub fn failed_ids(&self) -> BTreeSet<BundleId> {
        self.failed.iter().map(|(id, _)| BundleId(id.clone())).collect()
    }

    fn is_failed(&self, id: &str) -> bool {
        self.failed.iter().any(|(f, _)| f == id)
    }
}

/// What to run at this launch.
#[derive(Debug, Clone, PartialEq)]
pub enum Launch {
    /// An installed bundle, verified just now.
    Bundle {
        /// Its id.
        id: BundleId,
        /// Its directory.
        dir: PathBuf,
        /// On trial: confirm it once healthy, or fail it.
        trial: bool,
        /// A trial that was found unconfirmed at this launch, and why it counts as failed.
        rolled_back: Option<(BundleId, String)>,
    },
    /// Nothing installed is usable: the bundle the host was shipped with.
    Factory {
        /// As for `Bundle`.
        rolled_back: Option<(BundleId, String)>,
    },
}

impl Launch {
    /// A trial found unconfirmed at this launch.
    pub fn rolled_back(&self) -> Option<&(BundleId, String)> {
        match self {
            Launch::Bundle { rolled_back, .. } | Launch::Factory { rolled_back } => rolled_back.as_ref(),
        }
    }
}

/// A device's update directory.
#[derive(Debug)]
pub struct Device {
    dir: PathBuf,
    // The host's launcher and the background check both change the state; one at a time.
    lock: Mutex<()>,
}

impl Device {
    /// Opens (creating) the device directory.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Device, Error> {
        let dir = dir.into();
        for sub in ["tuf", "installed"] {
            let d = dir.join(sub);
            fs::create_dir_all(&d).map_err(io(&d))?;
        }
        Ok(Device { dir, lock: Mutex::new(()) })
    }

    /// Its directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Verified objects and manifests.
    pub fn store(&self) -> Store {
        Store::new(&self.dir)
    }

    /// Where bundle `id` is installed.
    pub fn installed(&self, id: &BundleId) -> PathBuf {
        self.dir.join("installed").join(&id.0)
    }

    /// The state on disk (the default when there is none yet).
    pub fn state(&self) -> Result<State, Error> {
        let path = self.state_path();
        match fs::read(&path) {
            Ok(bytes) => {
                let s: State =
                    serde_json::from_slice(&bytes).map_err(|e| Error::State(format!("{}: {e}", path.display())))?;
                if s.format != STATE_FORMAT {
                    return Err(Error::State(format!(
                        "{}: format {}, expected {STATE_FORMAT}",
                        path.display(),
                        s.format
                    )));
                }
                for id in [&s.active, &s.previous, &s.trial, &s.staged].into_iter().flatten() {
                    BundleId::parse(id).map_err(|e| Error::State(e.to_string()))?;
                }
                Ok(s)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok(State { format: STATE_FORMAT, ..State::default() })
            }
            Err(e) => Err(Error::Io(path, e)),
        }
    }

    /// Changes the state: read, change, write, fsync, rename, under the lock.
    pub(crate) fn update<T>(&self, change: impl FnOnce(&mut State) -> T) -> Result<T, Error> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut state = self.state()?;
        let out = change(&mut state);
        self.write(&state)?;
        Ok(out)
    }

    /// Decides what this launch runs, recording a trial before it starts.
    pub fn launch(&self) -> Result<Launch, Error> {
        let launch = {
            let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
            // An unreadable state file must not brick the device: start over from the factory
            // bundle (the TUF metadata, which guards against rollback, is kept apart in tuf/).
            let mut state = self.state().unwrap_or(State { format: STATE_FORMAT, ..State::default() });
            let launch = self.decide(&mut state);
            self.write(&state)?;
            launch
        };
        // Failed and superseded bundles go; nothing else is running yet.
        self.collect_garbage()?;
        Ok(launch)
    }

    fn decide(&self, state: &mut State) -> Launch {
        let mut rolled_back = None;
        if let Some(trial) = state.trial.take() {
            let why = "its trial run ended before it was confirmed healthy (crash, hang or kill)".to_string();
            state.failed.push((trial.clone(), why.clone()));
            rolled_back = Some((BundleId(trial), why));
        }
        if let Some(staged) = state.staged.take()
            && !state.is_failed(&staged)
        {
            let id = BundleId(staged.clone());
            let dir = self.installed(&id);
            if verify_dir(&dir).is_ok() {
                state.trial = Some(staged);
                return Launch::Bundle { id, dir, trial: true, rolled_back };
            }
        }
        for candidate in [state.active.clone(), state.previous.clone()].into_iter().flatten() {
            let id = BundleId(candidate.clone());
            let dir = self.installed(&id);
            if !state.is_failed(&candidate) && verify_dir(&dir).is_ok() {
                // If the last-known-good bundle was damaged on disk, this falls back a step.
                state.active = Some(candidate);
                return Launch::Bundle { id, dir, trial: false, rolled_back };
            }
        }
        state.active = None;
        Launch::Factory { rolled_back }
    }

    /// The trial of `id` stayed healthy: it becomes the last-known-good bundle. Bundles and
    /// objects nothing refers to any more are removed.
    pub fn confirm(&self, id: &BundleId) -> Result<(), Error> {
        self.update(|s| {
            if s.trial.as_deref() == Some(&id.0) {
                s.trial = None;
                if s.active.as_deref() != Some(&id.0) {
                    s.previous = s.active.replace(id.0.clone());
                }
            }
        })?;
        self.collect_garbage()
    }

    /// The trial of `id` failed (`why`): it is never launched again; the next launch runs the
    /// last-known-good bundle.
    pub fn fail(&self, id: &BundleId, why: &str) -> Result<(), Error> {
        self.update(|s| {
            if s.trial.as_deref() == Some(&id.0) {
                s.trial = None;
            }
            if !s.is_failed(&id.0) {
                s.failed.push((id.0.clone(), why.to_string()));
            }
        })?;
        self.collect_garbage()
    }

    /// The run ended cleanly before the trial could be confirmed (the user quit early): the
    /// bundle is not at fault, so it is staged again for the next launch.
    pub fn retry_trial(&self, id: &BundleId) -> Result<(), Error> {
        self.update(|s| {
            if s.trial.as_deref() == Some(&id.0) {
                s.trial = None;
                s.staged = Some(id.0.clone());
            }
        })
    }

    fn state_path(&self) -> PathBuf {
        self.dir.join("state.json")
    }

    fn write(&self, state: &State) -> Result<(), Error> {
        let path = self.state_path();
        let tmp = self.dir.join(".state.json.tmp");
        let bytes = serde_json::to_vec_pretty(state).map_err(|e| Error::State(e.to_string()))?;
        let write = || -> std::io::Result<()> {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            fs::rename(&tmp, &path)?;
            fs::File::open(&self.dir)?.sync_all()
        };
        write().map_err(io(&path))
    }

    /// Removes installed bundles, manifests and objects that no kept bundle refers to.
    fn collect_garbage(&self) -> Result<(), Error> {
        let state = self.state()?;
        let keep: BTreeSet<String> = [&state.active, &state.previous, &state.trial, &state.staged, &state.downloading]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        let store = self.store();
        let mut objects = BTreeSet::new();
        for id in &keep {
            if let Ok(m) = store.manifest(&BundleId(id.clone())) {
                objects.extend(m.files.values().map(|f| f.sha256.clone()));
            }
        }
        let installed = self.dir.join("installed");
        for entry in fs::read_dir(&installed).map_err(io(&installed))?.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            // Leftover staging directories of other bundles go too.
            let id = name.trim_start_matches('.').trim_end_matches(".staging");
            if !keep.contains(id) {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
        for (sub, keep_name) in [("bundles", &keep), ("objects", &objects), ("partial", &objects)] {
            let dir = self.dir.join(sub);
            let Ok(entries) = fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                let stem = name.strip_suffix(".json").unwrap_or(&name).to_string();
                if !keep_name.contains(&stem) {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
        Ok(())
    }
}
