//! The background check: TUF refresh, release choice, download, verification, staging.
//!
//! Trust flows one way: the device's root.json → timestamp → snapshot → targets (tough checks
//! signatures, thresholds, versions against what the device saw before, expiry, and each file's
//! length and hash) → the channel and the bundle's manifest, which are targets → each object,
//! checked against the size and SHA-256 its manifest gives. Nothing is read past its signed
//! length, nothing unverified reaches the store, and a failure anywhere leaves the device as it
//! was.

use std::time::Duration;

use marquee_bundle::channel::{Device as Fleet, bundle_target, channel_target, version_at_least};
use marquee_bundle::{BundleId, Channel, WasmRollout, install};
use tough::{HttpTransport, HttpTransportBuilder, IntoVec, Limits, Repository, RepositoryLoader, TargetName};
use url::Url;

use crate::{Device, Error, download, io};

/// Where and what a device asks for.
#[derive(Debug, Clone)]
pub struct Config {
    /// The repository's base URL: `metadata/`, `targets/` and `objects/` are under it.
    pub url: Url,
    /// The channel to follow.
    pub channel: String,
    /// This device's id: its place in rollouts.
    pub device_id: String,
    /// The host's version.
    pub host_version: String,
    /// The engine ABI the host speaks.
    pub engine_abi: u32,
    /// The root.json to trust when the device has none yet (the first check).
    pub initial_root: Option<std::path::PathBuf>,
    /// A request that stalls for this long fails (slow-retrieval attacks).
    pub timeout: Duration,
    /// Tries per file; cut downloads resume where they stopped.
    pub tries: u32,
}

impl Config {
    /// A configuration with the usual timeouts.
    pub fn new(url: Url, channel: &str, device_id: &str, host_version: &str, engine_abi: u32) -> Config {
        Config {
            url,
            channel: channel.into(),
            device_id: device_id.into(),
            host_version: host_version.into(),
            engine_abi,
            initial_root: None,
            timeout: Duration::from_secs(30),
            tries: 8,
        }
    }
}

/// What a check did.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The channel has no release for this device (or only ones that failed on it).
    NoRelease {
        /// Why, in words: what keeps the newest release from this device.
        why: String,
    },
    /// The device already runs (or has staged, or is trying) the release picked.
    UpToDate(BundleId),
    /// The bundle staged by an earlier check is no longer what the channel picks for this device
    /// (withdrawn, or halted before the device ran it): it was unstaged, and the device keeps
    /// running what it runs.
    Unstaged {
        /// The bundle that will not be launched.
        unstaged: BundleId,
        /// The release the channel picks now, which the device already runs (`None`: none).
        runs: Option<BundleId>,
    },
    /// A new bundle is installed and staged for the next launch.
    Staged {
        /// Its id.
        id: BundleId,
        /// The app's version.
        version: String,
        /// Bytes downloaded for it (objects the device had are not fetched again).
        downloaded: u64,
    },
}

/// A bundle id as the device's log shows it.
pub(crate) fn short(id: &BundleId) -> &str {
    &id.0[..12]
}

impl std::fmt::Display for Outcome {
    /// The outcome as the device's log says it (`update: …`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::NoRelease { why } => write!(f, "update: no release for this device: {why}"),
            Outcome::UpToDate(id) => write!(f, "update: up to date ({})", short(id)),
            Outcome::Staged { id, version, downloaded } => write!(
                f,
                "update: staged {version} ({}), {downloaded} bytes downloaded; it runs at the next launch",
                short(id)
            ),
            Outcome::Unstaged { unstaged, runs } => {
                write!(f, "update: unstaged {}: the channel no longer offers it to this device; ", short(unstaged))?;
                match runs {
                    Some(id) => write!(f, "it keeps running {}", short(id)),
                    None => f.write_str("it keeps running what it runs"),
                }
            }
        }
    }
}

/// The limits on signed metadata: far above what a repository of bundles needs, far below what
/// would hurt a TV (endless-data attacks).
fn limits() -> Limits {
    Limits {
        max_root_size: 64 << 10,
        max_targets_size: 8 << 20,
        max_timestamp_size: 16 << 10,
        max_snapshot_size: 64 << 10,
        max_root_updates: 256,
    }
}

/// What the signed metadata decided: an outcome already, or a bundle to fetch.
enum Decision {
    Done(Outcome),
    Fetch(BundleId, marquee_bundle::Manifest),
}

impl Device {
    /// Runs one check against the repository (blocking; run it on a background thread).
    pub fn check(&self, config: &Config) -> Result<Outcome, Error> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Download(format!("tokio: {e}")))?;
        let (id, manifest) = match rt.block_on(self.decide_release(config))? {
            Decision::Done(outcome) => return Ok(outcome),
            Decision::Fetch(id, manifest) => (id, manifest),
        };
        self.update(|s| s.downloading = Some(id.0.clone()))?;
        let fetched = self.fetch_objects(config, &manifest).and_then(|downloaded| {
            // install() checks every byte again while it copies: the store on disk is not trusted.
            install(&self.store(), &id, &self.dir().join("installed"))?;
            Ok(downloaded)
        });
        // A download cut short keeps its partial files and stays `downloading`, so they survive
        // the next launch's clean-up and the next check resumes them; any other failure leaves
        // the device as it was.
        let resumable = fetched.is_err()
            && manifest.files.values().any(|f| download::partial_path(self.dir(), &f.sha256).is_file());
        self.update(|s| {
            if !resumable {
                s.downloading = None;
            }
            if fetched.is_ok() {
                s.staged = Some(id.0.clone());
            }
        })?;
        let downloaded = fetched?;
        Ok(Outcome::Staged { id, version: manifest.version, downloaded })
    }

    /// Refreshes the metadata, reads the channel and decides what this device should run.
    async fn decide_release(&self, config: &Config) -> Result<Decision, Error> {
        let transport = HttpTransportBuilder::new()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .tries(config.tries)
            // tough waits the backoff before every request, the first one too: keep it short
            // and let it grow fast (5, 20, 80, 320 ms… up to 2 s) for retries.
            .initial_backoff(Duration::from_millis(5))
            .backoff_factor(4.0)
            .max_backoff(Duration::from_secs(2))
            .build();
        let repo = self.load(config, transport).await?;

        let channel_bytes = read_target(&repo, &channel_target(&config.channel))
            .await?
            .ok_or_else(|| Error::Tuf(format!("the repository has no channel {:?}", config.channel)))?;
        let channel = Channel::parse(&channel_bytes)?;
        if channel.name != config.channel {
            return Err(Error::Tuf(format!("channel file {:?} says it is {:?}", config.channel, channel.name)));
        }
        let state = self.state()?;
        let current = state.trial.as_ref().or(state.active.as_ref()).map(|c| BundleId(c.clone()));
        let failed = state.failed_ids();
        let fleet = Fleet {
            id: &config.device_id,
            host_version: &config.host_version,
            engine_abi: config.engine_abi,
            current: current.as_ref(),
            failed: &failed,
        };
        let picked = channel.select(&fleet);
        let wasm: WasmRollout = channel.wasm;
        // A staged bundle is the channel's decision of an earlier check: if the channel now picks
        // something else (the release was withdrawn, or halted before this device ran it), it
        // must not start at the next launch.
        let unstaged = state.staged.clone().filter(|s| picked.as_ref().is_none_or(|p| p.0 != *s));
        self.update(|s| {
            s.wasm = Some(wasm);
            if unstaged.is_some() && s.staged == unstaged {
                s.staged = None;
            }
        })?;
        let unstaged = unstaged.map(BundleId);
        let Some(id) = picked else {
            return Ok(Decision::Done(match unstaged {
                Some(unstaged) => Outcome::Unstaged { unstaged, runs: None },
                None => Outcome::NoRelease { why: channel.why_none(&fleet) },
            }));
        };
        if [&state.active, &state.trial, &state.staged].into_iter().flatten().any(|s| *s == id.0) {
            return Ok(Decision::Done(match unstaged {
                Some(unstaged) => Outcome::Unstaged { unstaged, runs: Some(id) },
                None => Outcome::UpToDate(id),
            }));
        }

        let manifest_bytes = read_target(&repo, &bundle_target(&id))
            .await?
            .ok_or_else(|| Error::Tuf(format!("the channel names bundle {id}, which is not a signed target")))?;
        if BundleId::of(&manifest_bytes) != id {
            return Err(Error::Tuf(format!("target {} is not bundle {id}", bundle_target(&id))));
        }
        let store = self.store();
        let (_, manifest) = store.put_manifest_bytes(&manifest_bytes)?;
        if manifest.engine_abi != config.engine_abi {
            return Err(Error::Incompatible(format!(
                "bundle {id} needs engine ABI {}, this host speaks {}",
                manifest.engine_abi, config.engine_abi
            )));
        }
        if !version_at_least(&config.host_version, &manifest.min_host) {
            return Err(Error::Incompatible(format!(
                "bundle {id} needs host {} or newer, this is {}",
                manifest.min_host, config.host_version
            )));
        }

        Ok(Decision::Fetch(id, manifest))
    }

    /// Downloads the objects of `manifest` the store lacks, each checked before it is kept;
    /// returns the bytes downloaded.
    fn fetch_objects(&self, config: &Config, manifest: &marquee_bundle::Manifest) -> Result<u64, Error> {
        let store = self.store();
        let policy = download::Policy { tries: config.tries, timeout: config.timeout };
        let mut downloaded = 0;
        for entry in manifest.files.values() {
            if store.object_path(&entry.sha256).is_file() {
                continue;
            }
            let url = config
                .url
                .join(&format!("objects/{}", entry.sha256))
                .map_err(|e| Error::Download(format!("object URL: {e}")))?;
            let partial = download::partial_path(self.dir(), &entry.sha256);
            let bytes = download::object(&url, &partial, entry.size, &entry.sha256, policy)?;
            store.put_verified_object(&entry.sha256, &bytes)?;
            let _ = std::fs::remove_file(&partial);
            downloaded += entry.size;
        }
        Ok(downloaded)
    }

    /// Loads the repository through tough, under the device's clock policy (see
    /// [`crate::clock`]).
    async fn load(&self, config: &Config, transport: HttpTransport) -> Result<Repository, Error> {
        let datastore = self.dir().join("tuf");
        // tough keeps the newest trusted root in its datastore; the first check starts from the
        // root the device was provisioned with.
        let kept = datastore.join("root.json");
        let root_path = if kept.is_file() {
            kept
        } else {
            config.initial_root.clone().ok_or_else(|| Error::NoRoot(kept.clone()))?
        };
        let root = std::fs::read(&root_path).map_err(io(&root_path))?;
        let join = |p: &str| config.url.join(p).map_err(|e| Error::Tuf(format!("{}: {e}", config.url)));
        let clock = crate::clock::Clock::new(self.dir());
        clock.before_check()?;
        let loaded = RepositoryLoader::new(&root, join("metadata/")?, join("targets/")?)
            .transport(transport)
            .limits(limits())
            .datastore(&datastore)
            .load()
            .await;
        match loaded {
            Ok(repo) => {
                clock.verified()?;
                Ok(repo)
            }
            Err(tough::error::Error::SystemTimeSteppedBackward { sys_time, latest_known_time, .. }) => {
                Err(Error::Clock(format!(
                    "the clock reads {sys_time}, earlier than the last verified check at {latest_known_time}: \
                     set the clock; updates resume at the first check after it is right"
                )))
            }
            Err(e) => Err(Error::Tuf(marquee_bundle::error_chain(&e))),
        }
    }
}

/// A target's verified bytes, or `None` when it is not signed for.
async fn read_target(repo: &Repository, name: &str) -> Result<Option<Vec<u8>>, Error> {
    let target = TargetName::new(name).map_err(|e| Error::Tuf(marquee_bundle::error_chain(&e)))?;
    let Some(stream) = repo.read_target(&target).await.map_err(|e| Error::Tuf(marquee_bundle::error_chain(&e)))? else {
        return Ok(None);
    };
    // tough checks the length as it reads and the hash at the end; any error voids the bytes.
    stream.into_vec().await.map(Some).map_err(|e| Error::Tuf(format!("{name}: {}", marquee_bundle::error_chain(&e))))
}
