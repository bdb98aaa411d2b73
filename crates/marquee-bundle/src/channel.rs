//! Channels: which release each device of a fleet should run, as one signed file per channel.
//!
//! A channel (`stable`, `beta`…) is a list of releases, oldest first. Each release names a bundle
//! and the share of devices it is offered to; a device's place in that share is a stable hash of
//! its id salted with the bundle's id, so raising a percentage only ever adds devices, and each
//! release draws its early devices from a different part of the fleet. A device never leaves the
//! release it runs for an older one unless that release is withdrawn: halting stops a rollout
//! where it is, withdrawing sends its devices back. The channel also carries the share of devices
//! that run engine.wasm rather than engine.js, and a kill switch for it.
//!
//! The file is a TUF target, so it is trusted exactly as far as the repository's signatures go;
//! reading is strict anyway, because a bad file must be refused, not half-understood.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{BundleId, Error};

/// The channel format this crate writes and reads.
pub const CHANNEL_FORMAT: u32 = 1;

/// A channel's releases and Wasm rollout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// [`CHANNEL_FORMAT`].
    pub format: u32,
    /// Its name, as devices ask for it.
    pub name: String,
    /// Releases, oldest first.
    pub releases: Vec<Release>,
    /// Which devices run engine.wasm.
    pub wasm: WasmRollout,
}

/// One bundle offered on a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Release {
    /// The bundle's id (its manifest's SHA-256).
    pub bundle: String,
    /// The app's version, for people reading the channel.
    pub version: String,
    /// The bundle's engine ABI: a host that speaks another skips the release.
    pub engine_abi: u32,
    /// The oldest host that can run it.
    pub min_host: String,
    /// The share of devices it is offered to, in percent (0–100).
    pub rollout: f64,
    /// Whether it is still rolling out, halted or withdrawn.
    pub status: Status,
}

/// Where a release stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Offered to its rollout share.
    Active,
    /// No device moves to it any more; devices that run it keep it.
    Halted,
    /// Devices that run it leave it for the newest release they can have.
    Withdrawn,
}

/// The engine.wasm rollout on a channel.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WasmRollout {
    /// The share of devices that run engine.wasm, in percent; the others run engine.js.
    pub percent: f64,
    /// Everyone runs engine.js, whatever the percentage.
    pub kill_switch: bool,
}

impl Default for WasmRollout {
    fn default() -> Self {
        WasmRollout { percent: 100.0, kill_switch: false }
    }
}

impl WasmRollout {
    /// Reads `marquee.wasm` (`{ "percent": 50, "killSwitch": false }`) from an app's
    /// `package.json` text: the rollout an app carries until the update service delivers one.
    /// The default (everyone on Wasm) when it is absent.
    pub fn from_manifest(package_json: &str) -> Result<WasmRollout, String> {
        let manifest: serde_json::Value =
            serde_json::from_str(package_json).map_err(|e| format!("package.json: {e}"))?;
        let Some(wasm) = manifest.get("marquee").and_then(|m| m.get("wasm")) else {
            return Ok(WasmRollout::default());
        };
        let percent = match wasm.get("percent") {
            None => 100.0,
            Some(p) => p
                .as_f64()
                .filter(|p| (0.0..=100.0).contains(p))
                .ok_or_else(|| format!("marquee.wasm.percent: {p} is not a number from 0 to 100"))?,
        };
        let kill_switch = match wasm.get("killSwitch") {
            None => false,
            Some(k) => k.as_bool().ok_or_else(|| format!("marquee.wasm.killSwitch: {k} is not true or false"))?,
        };
        Ok(WasmRollout { percent, kill_switch })
    }

    /// Whether the device `device_id` is in the Wasm share. A device's place in the fleet is
    /// fixed by its id's hash ([`wasm_bucket`]), so raising the percentage only ever adds devices.
    pub fn wants_wasm(&self, device_id: &str) -> bool {
        !self.kill_switch && wasm_bucket(device_id) < (self.percent * 100.0).round() as u32
    }
}

/// What a device brings to the choice of release.
#[derive(Debug, Clone, Copy)]
pub struct Device<'a> {
    /// Its id: its place in every rollout.
    pub id: &'a str,
    /// The host's version.
    pub host_version: &'a str,
    /// The engine ABI the host speaks.
    pub engine_abi: u32,
    /// The bundle it runs now, if it runs one from this channel.
    pub current: Option<&'a BundleId>,
    /// Bundles that failed on it: never tried again.
    pub failed: &'a BTreeSet<BundleId>,
}

impl Channel {
    /// An empty channel: no release, everyone on engine.wasm.
    pub fn new(name: &str) -> Channel {
        Channel { format: CHANNEL_FORMAT, name: name.to_string(), releases: Vec::new(), wasm: WasmRollout::default() }
    }

    /// The file's bytes (pretty JSON: people read channels when a rollout goes wrong).
    pub fn to_bytes(&self) -> Vec<u8> {
        // A struct of strings, numbers and lists always serializes.
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// Reads and checks a channel file.
    pub fn parse(bytes: &[u8]) -> Result<Channel, Error> {
        let bad = |why: String| Error::Channel(why);
        if bytes.len() > 1 << 20 {
            return Err(bad(format!("{} bytes, more than 1 MiB", bytes.len())));
        }
        let c: Channel = serde_json::from_slice(bytes).map_err(|e| bad(e.to_string()))?;
        if c.format != CHANNEL_FORMAT {
            return Err(bad(format!("format {}, this host reads {CHANNEL_FORMAT}", c.format)));
        }
        let percent = |p: f64| p.is_finite() && (0.0..=100.0).contains(&p);
        if !percent(c.wasm.percent) {
            return Err(bad(format!("Wasm rollout {} is not a percentage", c.wasm.percent)));
        }
        let mut seen = BTreeSet::new();
        for r in &c.releases {
            BundleId::parse(&r.bundle)?;
            if !seen.insert(&r.bundle) {
                return Err(bad(format!("bundle {} is released twice", r.bundle)));
            }
            if !percent(r.rollout) {
                return Err(bad(format!("release {}: rollout {} is not a percentage", r.version, r.rollout)));
            }
        }
        Ok(c)
    }

    /// The release `bundle`, if the channel has it.
    pub fn release_mut(&mut self, bundle: &str) -> Option<&mut Release> {
        self.releases.iter_mut().find(|r| r.bundle == bundle)
    }

    /// The bundle this device should run, or `None` when no release is for it (it keeps what it
    /// runs). The newest release wins among those that are compatible, not failed on the device,
    /// not withdrawn, and either run by the device already or offered to it (active and its
    /// bucket inside the rollout). A device leaves its bundle for an older one only when its
    /// bundle is withdrawn: the signed instruction to roll back.
    pub fn select(&self, device: &Device<'_>) -> Option<BundleId> {
        let current = device.current.map(|c| c.0.as_str());
        let position = |bundle: &str| self.releases.iter().position(|r| r.bundle == bundle);
        let floor = match current.and_then(|c| position(c).map(|i| (i, &self.releases[i]))) {
            Some((i, r)) if r.status != Status::Withdrawn => i,
            _ => 0,
        };
        self.releases
            .iter()
            .enumerate()
            .rev()
            .filter(|&(i, _)| i >= floor)
            .map(|(_, r)| r)
            .find(|r| {
                let runs_it = current == Some(r.bundle.as_str());
                let offered = r.status == Status::Active && in_rollout(device.id, &r.bundle, r.rollout);
                r.status != Status::Withdrawn
                    && r.engine_abi == device.engine_abi
                    && version_at_least(device.host_version, &r.min_host)
                    && !device.failed.contains(&BundleId(r.bundle.clone()))
                    && (runs_it || offered)
            })
            .and_then(|r| BundleId::parse(&r.bundle).ok())
    }
}

impl Channel {
    /// Why [`select`](Channel::select) finds no release for `device`, in words: the reason the
    /// newest release is not for it (`release 0.3.0 (1a2b…) needs host 2.0.0 or newer, this is
    /// 0.1.0`).
    pub fn why_none(&self, device: &Device<'_>) -> String {
        let Some(r) = self.releases.last() else { return format!("channel {} has no release", self.name) };
        let name = format!("release {} ({})", r.version, r.bundle.get(..12).unwrap_or(&r.bundle));
        if r.status == Status::Withdrawn {
            format!("{name} is withdrawn")
        } else if r.engine_abi != device.engine_abi {
            format!("{name} needs engine ABI {}, this host speaks {}", r.engine_abi, device.engine_abi)
        } else if !version_at_least(device.host_version, &r.min_host) {
            format!("{name} needs host {} or newer, this is {}", r.min_host, device.host_version)
        } else if device.failed.contains(&BundleId(r.bundle.clone())) {
            format!("{name} failed on this device before")
        } else if r.status == Status::Halted {
            format!("{name} is halted: it is offered to no new device")
        } else {
            format!("{name} is offered to {}% of devices, and this one is not among them yet", r.rollout)
        }
    }
}

/// The TUF target name of a bundle's manifest in an update repository.
pub fn bundle_target(id: &BundleId) -> String {
    format!("bundle.{id}.json")
}

/// The TUF target name of a channel in an update repository.
pub fn channel_target(name: &str) -> String {
    format!("channel.{name}.json")
}

/// A device's place in a release's rollout: 0–9,999, uniform over ids, fixed for an id and a
/// salt (the release).
pub fn bucket(device_id: &str, salt: &str) -> u32 {
    place(&Sha256::new().chain_update(salt.as_bytes()).chain_update([0]).chain_update(device_id.as_bytes()).finalize())
}

/// A device's place in the engine.wasm rollout: 0–9,999, uniform over ids, the same on every run.
pub fn wasm_bucket(device_id: &str) -> u32 {
    place(&Sha256::digest(device_id.as_bytes()))
}

/// 0–9,999 from a digest's first eight bytes.
fn place(digest: &[u8]) -> u32 {
    let mut head = [0u8; 8];
    head.copy_from_slice(&digest[..8]);
    // 2^64 is so much larger than 10,000 that the remainder's bias is below 10^-15.
    (u64::from_be_bytes(head) % 10_000) as u32
}

/// Whether `device_id` is inside a `percent` rollout of `bundle`.
pub fn in_rollout(device_id: &str, bundle: &str, percent: f64) -> bool {
    bucket(device_id, bundle) < (percent * 100.0).round() as u32
}

/// Compares dotted numeric versions (`0.1.10` ≥ `0.1.9`); a part that is not a number counts as 0,
/// and missing parts as 0 (`1.2` = `1.2.0`); pre-release and build suffixes are ignored.
pub fn version_at_least(version: &str, minimum: &str) -> bool {
    let parts = |v: &str| -> Vec<u64> {
        let core = v.split(['-', '+']).next().unwrap_or("");
        core.split('.').map(|p| p.parse().unwrap_or(0)).collect()
    };
    let (a, b) = (parts(version), parts(minimum));
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i).copied().unwrap_or(0), b.get(i).copied().unwrap_or(0));
        if x != y {
            return x > y;
        }
    }
    true
}
