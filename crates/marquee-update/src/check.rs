//! The background check: TUF refresh, release choice, download, verification, staging.
//!
//! Trust flows one way: the device's root.json → timestamp → snapshot → targets (tough checks
//! signatures, thresholds, versions against what the device saw before, expiry, and each file's
//! length and hash) → the channel and the bundle's manifest, which are targets → each object,
//! checked against the size and SHA-256 its manifest gives. Nothing is read past its signed
//! length, nothing unverified reaches the store, and a failure anywhere leaves the device as it
//! was.

use std::time::Duration;

use futures_util::StreamExt;
use marquee_bundle::channel::{Device as Fleet, bundle_target, channel_target, version_at_least};
use marquee_bundle::{BundleId, Channel, WasmRollout, install};
use sha2::{Digest, Sha256};
use tough::{
    HttpTransport, HttpTransportBuilder, IntoVec, Limits, Repository, RepositoryLoader, TargetName, Transport,
};
use url::Url;

use crate::{Device, Error, chain, io};

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
    NoRelease,
    /// The device already runs (or has staged, or is trying) the release picked.
    UpToDate(BundleId),
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

impl Device {
    /// Runs one check against the repository (blocking; run it on a background thread).
    pub fn check(&self, config: &Config) -> Result<Outcome, Error> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Download(format!("tokio: {e}")))?;
        rt.block_on(self.check_async(config))
    }

    async fn check_async(&self, config: &Config) -> Result<Outcome, Error> {
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
        let repo = self.load(config, transport.clone()).await?;

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
        self.update(|s| s.wasm = Some(wasm))?;
        let Some(id) = picked else { return Ok(Outcome::NoRelease) };
        if [&state.active, &state.trial, &state.staged].into_iter().flatten().any(|s| *s == id.0) {
            return Ok(Outcome::UpToDate(id));
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

        self.update(|s| s.downloading = Some(id.0.clone()))?;
        let fetched = self.fetch_objects(config, &transport, &manifest).await.and_then(|downloaded| {
            // install() checks every byte again while it copies: the store on disk is not trusted.
            install(&store, &id, &self.dir().join("installed"))?;
            Ok(downloaded)
        });
        let staged = fetched.is_ok();
        self.update(|s| {
            s.downloading = None;
            if staged {
                s.staged = Some(id.0.clone());
            }
        })?;
        let downloaded = fetched?;
        Ok(Outcome::Staged { id, version: manifest.version, downloaded })
    }

    /// Downloads the objects of `manifest` the store lacks, each checked before it is kept;
    /// returns the bytes downloaded.
    async fn fetch_objects(
        &self,
        config: &Config,
        transport: &HttpTransport,
        manifest: &marquee_bundle::Manifest,
    ) -> Result<u64, Error> {
        let store = self.store();
        let mut downloaded = 0;
        for entry in manifest.files.values() {
            if store.object_path(&entry.sha256).is_file() {
                continue;
            }
            let url = config
                .url
                .join(&format!("objects/{}", entry.sha256))
                .map_err(|e| Error::Download(format!("object URL: {e}")))?;
            let bytes = fetch_capped(transport, url, entry.size).await?;
            let sha = hex(&Sha256::digest(&bytes));
            if bytes.len() as u64 != entry.size || sha != entry.sha256 {
                return Err(Error::Download(format!(
                    "object {}: got {} bytes with SHA-256 {sha}, the signed manifest says {} bytes",
                    entry.sha256,
                    bytes.len(),
                    entry.size
                )));
            }
            store.put_verified_object(&entry.sha256, &bytes)?;
            downloaded += entry.size;
        }
        Ok(downloaded)
    }

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
        RepositoryLoader::new(&root, join("metadata/")?, join("targets/")?)
            .transport(transport)
            .limits(limits())
            .datastore(&datastore)
            .load()
            .await
            .map_err(|e| Error::Tuf(chain(&e)))
    }
}

/// A target's verified bytes, or `None` when it is not signed for.
async fn read_target(repo: &Repository, name: &str) -> Result<Option<Vec<u8>>, Error> {
    let target = TargetName::new(name).map_err(|e| Error::Tuf(chain(&e)))?;
    let Some(stream) = repo.read_target(&target).await.map_err(|e| Error::Tuf(chain(&e)))? else {
        return Ok(None);
    };
    // tough checks the length as it reads and the hash at the end; any error voids the bytes.
    stream.into_vec().await.map(Some).map_err(|e| Error::Tuf(format!("{name}: {}", chain(&e))))
}

/// Downloads `url`, refusing more than `size` bytes.
async fn fetch_capped(transport: &HttpTransport, url: Url, size: u64) -> Result<Vec<u8>, Error> {
    let mut stream =
        transport.fetch(url.clone()).await.map_err(|e| Error::Download(format!("{url}: {}", chain(&e))))?;
    let mut bytes = Vec::with_capacity(size.min(64 << 20) as usize);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Error::Download(format!("{url}: {}", chain(&e))))?;
        if (bytes.len() + chunk.len()) as u64 > size {
            return Err(Error::Download(format!("{url}: longer than the {size} bytes its manifest signs for")));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
