//! Over-the-air updates from the command line: the publisher's commands (`keys`, `publish`,
//! `channel`, `timestamp`) and the device's (`update`, and `run --update-url`).
//!
//! A device run is a `marquee_update::Session` around the host: what to launch is decided from
//! the device directory (never waiting on the network), the check runs in the background, and a
//! trial bundle is confirmed from the host's vitals once its content has been on screen, without
//! an engine reset, for `--confirm-after` seconds; it fails if the app or engine fails first.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use marquee_bundle::{BundleId, Store};
use marquee_host::Vitals;
use marquee_repo::{ChannelEdit, InitOptions, Keys, Repo, RoleType};
use marquee_update::{Config, Device, Health, Launch, Outcome, Session};

/// Where the repository and its keys are.
#[derive(Args, Clone)]
pub(crate) struct RepoArgs {
    /// The repository directory (what `marquee serve` serves).
    #[arg(long, default_value = "repo")]
    repo: PathBuf,
    /// The key directory (never served, never shipped).
    #[arg(long, default_value = "keys")]
    keys: PathBuf,
}

impl RepoArgs {
    fn open(&self) -> Repo {
        Repo::new(&self.repo, Keys::new(&self.keys))
    }
}

#[derive(Subcommand)]
pub(crate) enum KeysCommand {
    /// Create keys for every role and an empty repository signed with them.
    Init {
        #[command(flatten)]
        at: RepoArgs,
        /// Root keys to create.
        #[arg(long, default_value_t = 1)]
        root_keys: usize,
        /// Root signatures a new root.json needs.
        #[arg(long, default_value_t = 1)]
        root_threshold: u64,
        /// Print the result as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Replace a role's keys (root, targets, snapshot or timestamp); devices follow by the
    /// new root.json, which the old root keys sign.
    Rotate {
        /// The role.
        role: String,
        #[command(flatten)]
        at: RepoArgs,
        /// Print the result as one JSON object.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub(crate) struct PublishArgs {
    /// The bundle's manifest, `STORE/bundles/ID.json` (from `marquee bundle`).
    manifest: PathBuf,
    /// The channel.
    #[arg(long, default_value = "stable")]
    channel: String,
    /// The share of devices it is offered to, in percent.
    #[arg(long, default_value_t = 100.0)]
    rollout: f64,
    #[command(flatten)]
    at: RepoArgs,
    /// Print the result as one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub(crate) struct ChannelArgs {
    /// The channel.
    channel: String,
    /// Which release the change is for (an id or its prefix; default: the newest).
    #[arg(long, value_name = "ID")]
    release: Option<String>,
    /// Offer the release to this share of devices.
    #[arg(long, value_name = "PERCENT")]
    rollout: Option<f64>,
    /// Stop the release's rollout where it is.
    #[arg(long)]
    halt: bool,
    /// Let a halted release roll out again.
    #[arg(long)]
    resume: bool,
    /// Withdraw the release: its devices go back to the newest release they can have.
    #[arg(long)]
    withdraw: bool,
    /// The share of devices that run engine.wasm (the rest run engine.js).
    #[arg(long, value_name = "PERCENT")]
    wasm_rollout: Option<f64>,
    /// `on`: every device runs engine.js; `off`: back to the Wasm rollout.
    #[arg(long, value_name = "on|off", value_parser = ["on", "off"])]
    wasm_kill_switch: Option<String>,
    #[command(flatten)]
    at: RepoArgs,
    /// Print the result as one JSON object.
    #[arg(long)]
    json: bool,
}

/// A device's update settings.
#[derive(Args, Clone, Default)]
pub(crate) struct DeviceArgs {
    /// The update repository's URL; with it, the device runs its last-known-good bundle and
    /// checks for a new one in the background.
    #[arg(long, value_name = "URL")]
    pub(crate) update_url: Option<String>,
    /// The channel to follow.
    #[arg(long, default_value = "stable")]
    channel: String,
    /// The device's state directory: its bundles and update state, and apps' localStorage
    /// (default: ~/.cache/marquee/device).
    #[arg(long, value_name = "DIR")]
    state: Option<PathBuf>,
    /// The repository's root.json to trust, needed the first time only (the device keeps the
    /// newest it has verified).
    #[arg(long, value_name = "FILE")]
    root: Option<PathBuf>,
    /// Confirm a trial bundle after its content has been on screen this long, healthy.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub(crate) confirm_after: f64,
}

pub(crate) fn keys(command: KeysCommand) -> Result<(), String> {
    match command {
        KeysCommand::Init { at, root_keys, root_threshold, json } => {
            let s = at.open().init(InitOptions { root_keys, root_threshold }).map_err(|e| e.to_string())?;
            let trust = at.repo.join("metadata/1.root.json");
            if json {
                let mut out = summary_json(&s);
                out["keys"] = at.keys.display().to_string().into();
                out["repo"] = at.repo.display().to_string().into();
                out["trusted_root"] = trust.display().to_string().into();
                println!("{out}");
            } else {
                println!("keys: {} ({root_keys} root keys, threshold {root_threshold})", at.keys.display());
                println!(
                    "repository: {} (root v{}, timestamp expires {})",
                    at.repo.display(),
                    s.root,
                    s.timestamp_expires
                );
                println!("devices trust {}", trust.display());
            }
        }
        KeysCommand::Rotate { role, at, json } => {
            let role = match role.as_str() {
                "root" => RoleType::Root,
                "targets" => RoleType::Targets,
                "snapshot" => RoleType::Snapshot,
                "timestamp" => RoleType::Timestamp,
                other => return Err(format!("{other:?}: a role is root, targets, snapshot or timestamp")),
            };
            let s = at.open().rotate(role).map_err(|e| e.to_string())?;
            if json {
                let mut out = summary_json(&s);
                out["rotated"] = marquee_repo::role_name(role).into();
                println!("{out}");
            } else {
                println!("rotated {role:?} keys: root v{}, targets v{}, timestamp v{}", s.root, s.targets, s.timestamp);
            }
        }
    }
    Ok(())
}

fn summary_json(s: &marquee_repo::Summary) -> serde_json::Value {
    serde_json::json!({
        "root": s.root,
        "targets": s.targets,
        "snapshot": s.snapshot,
        "timestamp": s.timestamp,
        "timestamp_expires": s.timestamp_expires.to_string(),
    })
}

pub(crate) fn publish(args: PublishArgs) -> Result<(), String> {
    let (store, id) = bundle_in_store(&args.manifest)?;
    let channel = args.at.open().publish(&store, &id, &args.channel, args.rollout).map_err(|e| e.to_string())?;
    if args.json {
        let mut out = channel_json(&channel);
        out["published"] = id.0.clone().into();
        println!("{out}");
    } else {
        println!("published {id} on {} to {}% of devices", args.channel, args.rollout);
        print_channel(&channel);
    }
    Ok(())
}

pub(crate) fn channel(args: ChannelArgs) -> Result<(), String> {
    let repo = args.at.open();
    let release = args.release.clone();
    let mut edits = Vec::new();
    if let Some(percent) = args.rollout {
        edits.push(ChannelEdit::Rollout { bundle: release.clone(), percent });
    }
    if args.halt {
        edits.push(ChannelEdit::Halt(release.clone()));
    }
    if args.resume {
        edits.push(ChannelEdit::Resume(release.clone()));
    }
    if args.withdraw {
        edits.push(ChannelEdit::Withdraw(release.clone()));
    }
    if let Some(p) = args.wasm_rollout {
        edits.push(ChannelEdit::WasmRollout(p));
    }
    if let Some(s) = &args.wasm_kill_switch {
        edits.push(ChannelEdit::WasmKillSwitch(s == "on"));
    }
    if release.is_some() && edits.iter().all(|e| e.release().is_none()) {
        return Err("--release names the release for --rollout, --halt, --resume or --withdraw; none was given".into());
    }
    let (channel, notes) = if edits.is_empty() {
        let c = repo.channel(&args.channel).map_err(|e| e.to_string())?;
        (c.ok_or(format!("no channel {:?}", args.channel))?, Vec::new())
    } else {
        repo.edit_channel(&args.channel, &edits).map_err(|e| e.to_string())?
    };
    if args.json {
        let mut out = channel_json(&channel);
        out["changes"] = notes.into();
        println!("{out}");
    } else {
        for note in &notes {
            println!("{note}");
        }
        print_channel(&channel);
    }
    Ok(())
}

/// `marquee verify`: every signed file and object of the repository, as a device checks them.
pub(crate) fn verify(at: RepoArgs, json: bool) -> Result<(), String> {
    let v = at.open().verify().map_err(|e| e.to_string())?;
    if json {
        let out = serde_json::json!({
            "targets": v.targets, "channels": v.channels, "bundles": v.bundles, "objects": v.objects,
            "problems": v.problems,
        });
        println!("{out}");
    } else {
        for p in &v.problems {
            println!("{p}");
        }
        let verdict = match v.problems.len() {
            0 => "all verified".to_string(),
            1 => "1 problem".to_string(),
            n => format!("{n} problems"),
        };
        println!(
            "{}: signed targets {}, channels {}, bundles {}, objects {}: {verdict}",
            at.repo.display(),
            v.targets,
            v.channels,
            v.bundles,
            v.objects,
        );
    }
    match v.problems.is_empty() {
        true => Ok(()),
        false => Err(format!("{}: devices would refuse what the problems touch", at.repo.display())),
    }
}

pub(crate) fn timestamp(at: RepoArgs) -> Result<(), String> {
    let s = at.open().refresh_timestamp().map_err(|e| e.to_string())?;
    println!("timestamp v{} signed, expires {}", s.timestamp, s.timestamp_expires);
    Ok(())
}

fn print_channel(c: &marquee_bundle::Channel) {
    println!(
        "channel {}: engine.wasm on {}%{}",
        c.name,
        c.wasm.percent,
        if c.wasm.kill_switch { " (kill switch on: everyone on engine.js)" } else { "" }
    );
    for r in &c.releases {
        println!("  {}  {:<10} {:>5}%  {:?}", &r.bundle[..12], r.version, r.rollout, r.status);
    }
}

fn channel_json(c: &marquee_bundle::Channel) -> serde_json::Value {
    serde_json::json!({
        "channel": c.name,
        "wasm": { "percent": c.wasm.percent, "kill_switch": c.wasm.kill_switch },
        "releases": c.releases.iter().map(|r| serde_json::json!({
            "bundle": r.bundle, "version": r.version, "rollout": r.rollout,
            "status": format!("{:?}", r.status).to_lowercase(),
        })).collect::<Vec<_>>(),
    })
}

/// The store and id of `STORE/bundles/ID.json`, after checking that the file is one: each way it
/// is not gets its own message.
pub(crate) fn bundle_in_store(manifest: &Path) -> Result<(Store, BundleId), String> {
    let shown = manifest.display();
    let meta = std::fs::metadata(manifest).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            format!("{shown}: no such file (a bundle manifest is STORE/bundles/ID.json, from `marquee bundle`)")
        }
        _ => format!("{shown}: {e}"),
    })?;
    if meta.is_dir() {
        return Err(format!("{shown}: a directory, not a bundle manifest (STORE/bundles/ID.json)"));
    }
    let bytes = std::fs::read(manifest).map_err(|e| format!("{shown}: {e}"))?;
    marquee_bundle::Manifest::parse(&bytes).map_err(|e| match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Err(json) if bytes.starts_with(&[0xff, 0xd8]) || bytes.starts_with(b"\x89PNG") => {
            format!("{shown}: an image, not a bundle manifest ({json})")
        }
        Err(json) => format!("{shown}: not a bundle manifest: not valid JSON ({json})"),
        Ok(_) => format!("{shown}: not a bundle manifest: {e}"),
    })?;
    let stem = manifest.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let id = BundleId::parse(stem).map_err(|_| {
        format!(
            "{shown}: a manifest must keep its name, STORE/bundles/ID.json with ID its SHA-256 ({})",
            BundleId::of(&bytes)
        )
    })?;
    if BundleId::of(&bytes) != id {
        return Err(format!(
            "{shown}: hash mismatch: the file's bytes hash to {}, not to its name",
            BundleId::of(&bytes)
        ));
    }
    let store = manifest.parent().and_then(Path::parent).ok_or_else(|| format!("{shown}: not inside a store"))?;
    Ok((Store::new(store), id))
}

impl DeviceArgs {
    fn config(&self, url: &str, device_id: &str) -> Result<Config, String> {
        let url = url::Url::parse(&if url.ends_with('/') { url.to_string() } else { format!("{url}/") })
            .map_err(|e| format!("--update-url {url}: {e}"))?;
        let mut config =
            Config::new(url, &self.channel, device_id, env!("CARGO_PKG_VERSION"), marquee_engine_contract::ABI_VERSION);
        config.initial_root = self.root.clone();
        Ok(config)
    }

    /// The device's state directory: `--state`, else `marquee/device` in the user's cache.
    pub(crate) fn dir(&self) -> Option<PathBuf> {
        self.state.clone().or_else(|| Some(crate::user_cache()?.join("marquee/device")))
    }

    fn device(&self) -> Result<Device, String> {
        let dir = self.dir().ok_or("no cache directory (set HOME, or pass --state)")?;
        Device::open(dir).map_err(|e| e.to_string())
    }
}

/// `marquee update`'s exit status for each outcome (1 is a failed check, 2 a usage error).
pub(crate) const UPDATE_EXIT_CODES: &str = "Exit status: 0 staged a new bundle, 3 up to date, 4 no release for this device, \
5 a staged bundle was unstaged (withdrawn or halted), 1 the check failed (nothing changed), 2 usage error.";

/// `marquee update`: one check, as a device does in the background; the exit status tells the
/// outcome (see [`UPDATE_EXIT_CODES`]).
pub(crate) fn update(args: DeviceArgs, device_id: &str, json: bool) -> Result<u8, String> {
    let url = args.update_url.clone().ok_or("--update-url is needed")?;
    let device = args.device()?;
    let started = Instant::now();
    let outcome = device.check(&args.config(&url, device_id)?).map_err(|e| e.to_string())?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if json {
        let mut out = outcome_json(&outcome);
        out["ms"] = (ms.round() as u64).into();
        println!("{out}");
    } else {
        println!("{outcome} ({ms:.0} ms)");
    }
    Ok(match outcome {
        Outcome::Staged { .. } => 0,
        Outcome::UpToDate(_) => 3,
        Outcome::NoRelease { .. } => 4,
        Outcome::Unstaged { .. } => 5,
    })
}

fn outcome_json(outcome: &Outcome) -> serde_json::Value {
    match outcome {
        Outcome::NoRelease { why } => serde_json::json!({ "outcome": "no-release", "why": why }),
        Outcome::UpToDate(id) => serde_json::json!({ "outcome": "up-to-date", "bundle": id.0 }),
        Outcome::Staged { id, version, downloaded } => {
            serde_json::json!({ "outcome": "staged", "bundle": id.0, "version": version, "downloaded": downloaded })
        }
        Outcome::Unstaged { unstaged, runs } => {
            serde_json::json!({ "outcome": "unstaged", "bundle": unstaged.0, "runs": runs.as_ref().map(|r| r.0.clone()) })
        }
    }
}

/// The host's vitals as the update session's [`Health`].
struct HostHealth(Arc<Vitals>);

impl Health for HostHealth {
    fn content_since(&self) -> Option<Instant> {
        self.0.content_since()
    }
    fn engine_failures(&self) -> u64 {
        u64::from(self.0.engine_resets.load(Ordering::Relaxed))
    }
    fn ended(&self) -> bool {
        self.0.ended()
    }
    fn changes(&self) -> u64 {
        self.0.changes()
    }
    fn wait(&self, seen: u64, timeout: Duration) {
        self.0.wait(seen, timeout);
    }
}

/// A device run's update session beside the host (see `marquee_update::Session`).
pub(crate) struct DeviceRun {
    session: Session,
    health: HostHealth,
}

/// Picks what to launch and starts the update session. Returns the app directory to run
/// (`None`: the factory app), the Wasm rollout to apply, and the run to finish.
pub(crate) fn start(
    args: &DeviceArgs,
    url: &str,
    device_id: &str,
    vitals: Arc<Vitals>,
) -> Result<(Option<PathBuf>, Option<marquee_bundle::WasmRollout>, DeviceRun), String> {
    let device = Arc::new(args.device()?);
    let config = args.config(url, device_id)?;
    let confirm_after = Duration::from_secs_f64(args.confirm_after.max(0.0));
    let say: marquee_update::Say = Arc::new(|line| println!("{line}"));
    let health = Arc::new(HostHealth(vitals.clone()));
    let session = Session::start(device.clone(), config, health, confirm_after, say).map_err(|e| e.to_string())?;
    let app = match session.launch() {
        Launch::Bundle { dir, .. } => Some(dir.clone()),
        Launch::Factory { .. } => None,
    };
    let wasm = device.state().ok().and_then(|s| s.wasm);
    Ok((app, wasm, DeviceRun { session, health: HostHealth(vitals) }))
}

impl DeviceRun {
    /// Whether this launch is a trial.
    pub(crate) fn on_trial(&self) -> bool {
        self.session.on_trial()
    }

    /// Settles the trial from how the run went, then waits for the background check.
    pub(crate) fn finish(self, outcome: &Result<(), String>) {
        // The host may have failed before its engine thread ran (and said the run was over).
        self.health.0.end();
        self.session.finish(outcome.as_ref().err().cloned(), &self.health);
    }
}
