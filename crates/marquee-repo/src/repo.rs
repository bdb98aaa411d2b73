//! Creating and changing the repository: init, publish, channel edits, timestamp refresh, key
//! rotation.
//!
//! Every change is one new set of metadata: new files are written first (objects, targets), then
//! the metadata into a pending directory, then renamed into `metadata/` in the order a client
//! reads them backwards — root, targets, snapshot, and timestamp last — so a device fetching
//! during a publish sees either the old repository or the new one. tough does the signing; the
//! publisher reads its own repository with expiry checks off, since it must be able to repair one
//! whose timestamp has run out.

use std::collections::HashMap;
use std::fs;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};

use aws_lc_rs::rand::SystemRandom;
use jiff::{SignedDuration, Timestamp};
use marquee_bundle::channel::{bundle_target, channel_target};
use marquee_bundle::{BundleId, Channel, Release, Status, Store, write_atomic};
use tough::editor::RepositoryEditor;
use tough::editor::signed::SignedRole;
use tough::key_source::KeySource;
use tough::schema::{KeyHolder, RoleKeys, RoleType, Root, Target, Timestamp as TufTimestamp};
use tough::{ExpirationEnforcement, FilesystemTransport, Repository, RepositoryLoader};
use url::Url;

use crate::{Error, Keys, ROLES, io};

/// How long each role's metadata stays valid after it is signed.
#[derive(Debug, Clone, Copy)]
pub struct Expiry {
    /// root.json: rotated rarely, by hand.
    pub root: SignedDuration,
    /// targets.json: re-signed at every publish.
    pub targets: SignedDuration,
    /// snapshot.json: re-signed at every publish.
    pub snapshot: SignedDuration,
    /// timestamp.json: re-signed by `refresh_timestamp` (a cron job) well before this.
    pub timestamp: SignedDuration,
}

impl Default for Expiry {
    fn default() -> Self {
        let days = |d: i64| SignedDuration::from_hours(24 * d);
        Expiry { root: days(365), targets: days(90), snapshot: days(30), timestamp: days(1) }
    }
}

/// How the root role is keyed.
#[derive(Debug, Clone, Copy)]
pub struct InitOptions {
    /// Root keys to create.
    pub root_keys: usize,
    /// Signatures a root.json needs.
    pub root_threshold: u64,
}

impl Default for InitOptions {
    fn default() -> Self {
        InitOptions { root_keys: 1, root_threshold: 1 }
    }
}

/// A change to a channel.
#[derive(Debug, Clone, PartialEq)]
pub enum ChannelEdit {
    /// Offer `bundle` (default: the newest release) to this share of devices.
    Rollout {
        /// The release's bundle id; `None` is the newest.
        bundle: Option<String>,
        /// Percent, 0–100.
        percent: f64,
    },
    /// Stop a release's rollout where it is.
    Halt(Option<String>),
    /// Send a release's devices back to the newest release they can have.
    Withdraw(Option<String>),
    /// Let a halted release roll out again.
    Resume(Option<String>),
    /// The share of devices that run engine.wasm.
    WasmRollout(f64),
    /// Everyone to engine.js (true), or back to the Wasm rollout (false).
    WasmKillSwitch(bool),
}

impl ChannelEdit {
    /// The release this edit is for (`Some(None)`: the newest), or `None` for a channel-wide edit.
    pub fn release(&self) -> Option<Option<&str>> {
        match self {
            ChannelEdit::Rollout { bundle, .. }
            | ChannelEdit::Halt(bundle)
            | ChannelEdit::Withdraw(bundle)
            | ChannelEdit::Resume(bundle) => Some(bundle.as_deref()),
            ChannelEdit::WasmRollout(_) | ChannelEdit::WasmKillSwitch(_) => None,
        }
    }

    /// The `marquee channel` flag that asks for this edit.
    pub fn flag(&self) -> &'static str {
        match self {
            ChannelEdit::Rollout { .. } => "--rollout",
            ChannelEdit::Halt(_) => "--halt",
            ChannelEdit::Withdraw(_) => "--withdraw",
            ChannelEdit::Resume(_) => "--resume",
            ChannelEdit::WasmRollout(_) => "--wasm-rollout",
            ChannelEdit::WasmKillSwitch(_) => "--wasm-kill-switch",
        }
    }
}

/// What [`Repo::verify`] checked, and what it found wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verified {
    /// Signed targets read and checked.
    pub targets: usize,
    /// Channels read.
    pub channels: usize,
    /// Bundle manifests read.
    pub bundles: usize,
    /// Objects checked (an object shared by bundles counts once per bundle).
    pub objects: usize,
    /// Each problem, in words; empty when the repository is sound.
    pub problems: Vec<String>,
}

/// Versions after a change, for the publisher to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// root.json's version.
    pub root: u64,
    /// targets.json's version.
    pub targets: u64,
    /// snapshot.json's version.
    pub snapshot: u64,
    /// timestamp.json's version.
    pub timestamp: u64,
    /// When timestamp.json expires.
    pub timestamp_expires: Timestamp,
}

/// A repository directory and the keys that sign it.
#[derive(Debug, Clone)]
pub struct Repo {
    dir: PathBuf,
    keys: Keys,
    expiry: Expiry,
}

fn check_channel_name(name: &str) -> Result<(), Error> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok { Ok(()) } else { Err(Error::Refused(format!("{name:?}: a channel name is 1–64 of a-z 0-9 - _"))) }
}

fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread().build().map_err(|e| Error::Tuf(format!("tokio: {e}")))
}

fn file_url(path: &Path) -> Result<Url, Error> {
    let abs = fs::canonicalize(path).map_err(io(path))?;
    // A base URL must end in a slash for `join` to append to it.
    Url::from_directory_path(&abs).map_err(|()| Error::Refused(format!("{}: not a usable path", abs.display())))
}

fn version(v: u64) -> NonZeroU64 {
    NonZeroU64::new(v.max(1)).unwrap_or(NonZeroU64::MIN)
}

impl Repo {
    /// The repository at `dir`, signed with the keys in `keys`.
    pub fn new(dir: impl Into<PathBuf>, keys: Keys) -> Repo {
        Repo { dir: dir.into(), keys, expiry: Expiry::default() }
    }

    /// Signs with these lifetimes from now on (tests use expired ones).
    pub fn with_expiry(mut self, expiry: Expiry) -> Repo {
        self.expiry = expiry;
        self
    }

    /// Its directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn metadata(&self) -> PathBuf {
        self.dir.join("metadata")
    }

    fn targets_dir(&self) -> PathBuf {
        self.dir.join("targets")
    }

    /// The newest root.json and its version.
    pub fn latest_root(&self) -> Result<(PathBuf, u64), Error> {
        let dir = self.metadata();
        let mut best = None;
        for entry in fs::read_dir(&dir).map_err(io(&dir))? {
            let name = entry.map_err(io(&dir))?.file_name();
            let v = name.to_str().and_then(|n| n.strip_suffix(".root.json")).and_then(|n| n.parse::<u64>().ok());
            if let Some(v) = v
                && best.as_ref().is_none_or(|(_, b)| v > *b)
            {
                best = Some((dir.join(&name), v));
            }
        }
        best.ok_or_else(|| Error::Refused(format!("{}: no root.json (run `marquee keys init`)", dir.display())))
    }

    /// Creates keys for every role and a repository with no targets. Refuses to overwrite either.
    pub fn init(&self, options: InitOptions) -> Result<Summary, Error> {
        if options.root_threshold == 0 || options.root_threshold as usize > options.root_keys {
            return Err(Error::Refused(format!(
                "a root threshold of {} with {} root keys can never or always be met",
                options.root_threshold, options.root_keys
            )));
        }
        if self.metadata().exists() {
            return Err(Error::Refused(format!("{}: a repository is already there", self.dir.display())));
        }
        if self.keys.files(RoleType::Root).is_ok() {
            return Err(Error::Refused(format!("{}: keys are already there", self.keys.dir().display())));
        }
        for role in ROLES {
            self.keys.generate(role, if role == RoleType::Root { options.root_keys } else { 1 })?;
        }
        let rt = runtime()?;
        rt.block_on(async {
            let mut root = Root {
                spec_version: "1.0.0".into(),
                consistent_snapshot: true,
                version: version(1),
                expires: self.expires(self.expiry.root)?,
                keys: HashMap::new(),
                roles: HashMap::new(),
                _extra: HashMap::new(),
            };
            for role in ROLES {
                let threshold = if role == RoleType::Root { options.root_threshold } else { 1 };
                self.set_role_keys(&mut root, role, threshold).await?;
            }
            let signed = sign_root(root, None, &self.keys.sources(RoleType::Root)?, &[]).await?;
            let pending = self.pending()?;
            signed.write(&pending, true).await?;
            let root_path = pending.join("1.root.json");
            let mut editor = RepositoryEditor::new(&root_path).await?;
            self.set_versions(&mut editor, 1, 1, 1)?;
            self.commit(editor, &pending).await
        })
    }

    /// Publishes bundle `id` from `store` on `channel`, offered to `rollout` percent of devices.
    pub fn publish(&self, store: &Store, id: &BundleId, channel: &str, rollout: f64) -> Result<Channel, Error> {
        check_channel_name(channel)?;
        check_percent(rollout)?;
        let manifest = store.manifest(id)?;
        let mut c = self.channel(channel)?.unwrap_or_else(|| Channel::new(channel));
        if c.releases.iter().any(|r| r.bundle == id.0) {
            return Err(Error::Refused(format!("bundle {id} is already released on {channel}")));
        }
        // Objects first: nothing names them until the manifest is a target. Each is checked
        // against the manifest before anything is signed: a corrupt object signed for would be
        // refused by every device.
        let objects = self.dir.join("objects");
        fs::create_dir_all(&objects).map_err(io(&objects))?;
        for (path, entry) in &manifest.files {
            let to = objects.join(&entry.sha256);
            if to.exists() {
                marquee_bundle::read_verified(path, &to, entry).map_err(|e| {
                    Error::Refused(format!("{e} (in the repository's {}; remove it and publish again)", to.display()))
                })?;
            } else {
                let from = store.object_path(&entry.sha256);
                let bytes = marquee_bundle::read_verified(path, &from, entry).map_err(|e| {
                    Error::Refused(format!("{e} (in the store's {}; nothing was published)", from.display()))
                })?;
                write_atomic(&to, &bytes)?;
            }
        }
        c.releases.push(Release {
            bundle: id.0.clone(),
            version: manifest.version.clone(),
            engine_abi: manifest.engine_abi,
            min_host: manifest.min_host.clone(),
            rollout,
            status: Status::Active,
        });
        let manifest_bytes = manifest.to_bytes();
        self.write_targets(vec![(bundle_target(id), manifest_bytes), (channel_target(channel), c.to_bytes())])?;
        Ok(c)
    }

    /// Changes a channel with `edits`, all at once (one new set of metadata); returns it as
    /// published and what the change does, in words. Contradictory edits (halt and resume,
    /// withdraw and anything else for the same release), an empty or ambiguous release name and
    /// resuming a withdrawn release are refused before anything is signed.
    pub fn edit_channel(&self, channel: &str, edits: &[ChannelEdit]) -> Result<(Channel, Vec<String>), Error> {
        check_channel_name(channel)?;
        let mut c = self.channel(channel)?.ok_or_else(|| Error::Refused(format!("no channel {channel:?}")))?;
        // Each release edit's release, found once; contradictions refused before any applies.
        let mut touched: Vec<(usize, &ChannelEdit)> = Vec::new();
        for edit in edits {
            let Some(bundle) = edit.release() else { continue };
            let i = find_release(&c, channel, bundle)?;
            if let Some((_, other)) = touched.iter().find(|(j, other)| *j == i && contradict(edit, other)) {
                return Err(Error::Refused(format!(
                    "{} and {} contradict each other for release {}",
                    other.flag(),
                    edit.flag(),
                    short(&c.releases[i].bundle)
                )));
            }
            touched.push((i, edit));
        }
        let mut releases = touched.iter().map(|(i, _)| *i);
        let mut notes = Vec::new();
        for edit in edits {
            notes.push(match *edit {
                ChannelEdit::WasmRollout(p) => {
                    check_percent(p)?;
                    let before = std::mem::replace(&mut c.wasm.percent, p);
                    format!("engine.wasm rollout {before}% → {p}% (from each device's next launch)")
                }
                ChannelEdit::WasmKillSwitch(true) => {
                    c.wasm.kill_switch = true;
                    "kill switch on: every device runs engine.js from its next launch".into()
                }
                ChannelEdit::WasmKillSwitch(false) => {
                    c.wasm.kill_switch = false;
                    format!("kill switch off: {}% of devices run engine.wasm again", c.wasm.percent)
                }
                _ => {
                    let i = releases.next().ok_or_else(|| Error::Refused("internal: edit without a release".into()))?;
                    edit_release(&mut c.releases[i], edit)?
                }
            });
        }
        self.write_targets(vec![(channel_target(channel), c.to_bytes())])?;
        Ok((c, notes))
    }

    /// Checks the whole repository as a device would trust it: every signed target's bytes
    /// against its signed length and hash, every channel's releases naming signed bundles, and
    /// every object of every bundle against its manifest. Returns what was checked and what is
    /// wrong (an empty `problems` is a repository every device accepts).
    pub fn verify(&self) -> Result<Verified, Error> {
        let rt = runtime()?;
        let repo = rt.block_on(self.load())?;
        let mut out = Verified::default();
        let now = Timestamp::now();
        for (role, expires, cure) in [
            ("root.json", repo.root().signed.expires, "rotate the root keys"),
            ("targets.json", repo.targets().signed.expires, "publish or change a channel"),
            ("snapshot.json", repo.snapshot().signed.expires, "publish or change a channel"),
            ("timestamp.json", repo.timestamp().signed.expires, "run `marquee timestamp`"),
        ] {
            if expires <= now {
                out.problems.push(format!("{role} expired at {expires}: devices refuse the repository ({cure})"));
            }
        }
        let mut bundles = Vec::new();
        let mut channels = Vec::new();
        let mut signed = std::collections::BTreeSet::new();
        for (name, target) in repo.all_targets() {
            let name = name.raw().to_string();
            signed.insert(name.clone());
            let path = self.targets_dir().join(format!("{}.{name}", hex::encode(&target.hashes.sha256)));
            let bytes = match fs::read(&path) {
                Ok(b) => b,
                Err(e) => {
                    out.problems.push(format!("target {name}: {}: {e}", path.display()));
                    continue;
                }
            };
            out.targets += 1;
            if bytes.len() as u64 != target.length || sha256(&bytes) != *target.hashes.sha256 {
                out.problems
                    .push(format!("target {name}: hash mismatch: {} is not the file signed for", path.display()));
                continue;
            }
            if name.starts_with("channel.") {
                channels.push((name, bytes));
            } else if name.starts_with("bundle.") {
                bundles.push((name, bytes));
            }
        }
        for (name, bytes) in &channels {
            match Channel::parse(bytes) {
                Ok(c) => {
                    out.channels += 1;
                    for r in c.releases.iter().filter(|r| r.status != Status::Withdrawn) {
                        let id = BundleId(r.bundle.clone());
                        if !signed.contains(&bundle_target(&id)) {
                            out.problems.push(format!(
                                "{name}: release {} names a bundle that is not signed",
                                short(&r.bundle)
                            ));
                        }
                    }
                }
                Err(e) => out.problems.push(format!("{name}: {e}")),
            }
        }
        let objects = self.dir.join("objects");
        for (name, bytes) in &bundles {
            let manifest = match marquee_bundle::Manifest::parse(bytes) {
                Ok(m) => m,
                Err(e) => {
                    out.problems.push(format!("{name}: {e}"));
                    continue;
                }
            };
            out.bundles += 1;
            for (path, entry) in &manifest.files {
                out.objects += 1;
                if let Err(e) = marquee_bundle::read_verified(path, &objects.join(&entry.sha256), entry) {
                    out.problems.push(format!("{name}: {e}"));
                }
            }
        }
        Ok(out)
    }

    /// The channel as currently published, if there is one.
    pub fn channel(&self, name: &str) -> Result<Option<Channel>, Error> {
        check_channel_name(name)?;
        let rt = runtime()?;
        let repo = rt.block_on(self.load())?;
        let target = channel_target(name);
        let Some((_, t)) = repo.all_targets().find(|(n, _)| n.raw() == target) else { return Ok(None) };
        let path = self.targets_dir().join(format!("{}.{target}", hex::encode(&t.hashes.sha256)));
        let bytes = fs::read(&path).map_err(io(&path))?;
        Ok(Some(Channel::parse(&bytes)?))
    }

    /// Re-signs timestamp.json with a new version and expiry, using the timestamp key only.
    pub fn refresh_timestamp(&self) -> Result<Summary, Error> {
        let rt = runtime()?;
        rt.block_on(async {
            let repo = self.load().await?;
            let old = &repo.timestamp().signed;
            let mut timestamp = TufTimestamp::new(
                old.spec_version.clone(),
                version(old.version.get() + 1),
                self.expires(self.expiry.timestamp)?,
            );
            timestamp.meta = old.meta.clone();
            let root = KeyHolder::Root(repo.root().signed.clone());
            let signed =
                SignedRole::new(timestamp, &root, &self.keys.sources(RoleType::Timestamp)?, &SystemRandom::new())
                    .await?;
            let pending = self.pending()?;
            signed.write(&pending, true).await?;
            self.promote(&pending)?;
            self.summary().await
        })
    }

    /// Replaces `role`'s keys with new ones: a new root.json lists them, signed by the old root
    /// keys and (for root) the new ones too, and the other roles are re-signed with them.
    pub fn rotate(&self, role: RoleType) -> Result<Summary, Error> {
        let rt = runtime()?;
        rt.block_on(async {
            let repo = self.load().await?;
            let old_root = repo.root().signed.clone();
            let old_root_keys = self.keys.sources(RoleType::Root)?;
            let count = old_root.roles.get(&role).map_or(1, |r| r.keyids.len());
            let threshold = old_root.roles.get(&role).map_or(1, |r| r.threshold.get());
            self.keys.generate(role, count)?;
            let mut root = old_root.clone();
            root.version = version(old_root.version.get() + 1);
            root.expires = self.expires(self.expiry.root)?;
            self.set_role_keys(&mut root, role, threshold).await?;
            // Keys no role uses any more go.
            let used: std::collections::HashSet<_> =
                root.roles.values().flat_map(|r| r.keyids.iter().cloned()).collect();
            root.keys.retain(|id, _| used.contains(id));
            let new_root_keys = self.keys.sources(RoleType::Root)?;
            let signed = sign_root(root, Some(&old_root), &new_root_keys, &old_root_keys).await?;
            let pending = self.pending()?;
            signed.write(&pending, true).await?;
            let root_path = pending.join(format!("{}.root.json", old_root.version.get() + 1));
            let mut editor = RepositoryEditor::from_repo(&root_path, repo.clone()).await?;
            self.bump(&mut editor, &repo)?;
            self.commit(editor, &pending).await
        })
    }

    /// The current versions.
    pub fn status(&self) -> Result<Summary, Error> {
        runtime()?.block_on(self.summary())
    }

    async fn summary(&self) -> Result<Summary, Error> {
        let repo = self.load().await?;
        Ok(Summary {
            root: repo.root().signed.version.get(),
            targets: repo.targets().signed.version.get(),
            snapshot: repo.snapshot().signed.version.get(),
            timestamp: repo.timestamp().signed.version.get(),
            timestamp_expires: repo.timestamp().signed.expires,
        })
    }

    /// Adds or replaces targets (name, bytes) and re-signs targets, snapshot and timestamp.
    fn write_targets(&self, targets: Vec<(String, Vec<u8>)>) -> Result<(), Error> {
        let rt = runtime()?;
        rt.block_on(async {
            let repo = self.load().await?;
            let (root_path, _) = self.latest_root()?;
            let mut editor = RepositoryEditor::from_repo(&root_path, repo.clone()).await?;
            let dir = self.targets_dir();
            for (name, bytes) in targets {
                let sha = hex::encode(sha256(&bytes));
                let path = dir.join(format!("{sha}.{name}"));
                write_atomic(&path, &bytes)?;
                let target = Target::from_path(&path).await.map_err(|e| Error::Tuf(e.to_string()))?;
                editor.add_target(name.as_str(), target)?;
            }
            self.bump(&mut editor, &repo)?;
            let pending = self.pending()?;
            self.commit(editor, &pending).await?;
            Ok(())
        })
    }

    fn bump(&self, editor: &mut RepositoryEditor, repo: &Repository) -> Result<(), Error> {
        self.set_versions(
            editor,
            repo.targets().signed.version.get() + 1,
            repo.snapshot().signed.version.get() + 1,
            repo.timestamp().signed.version.get() + 1,
        )
    }

    fn set_versions(
        &self,
        editor: &mut RepositoryEditor,
        targets: u64,
        snapshot: u64,
        timestamp: u64,
    ) -> Result<(), Error> {
        editor.targets_version(version(targets))?.targets_expires(self.expires(self.expiry.targets)?)?;
        editor.snapshot_version(version(snapshot)).snapshot_expires(self.expires(self.expiry.snapshot)?);
        editor.timestamp_version(version(timestamp)).timestamp_expires(self.expires(self.expiry.timestamp)?);
        Ok(())
    }

    /// Signs the editor's metadata, writes it to `pending` and moves it into place.
    async fn commit(&self, editor: RepositoryEditor, pending: &Path) -> Result<Summary, Error> {
        let mut keys = self.keys.sources(RoleType::Targets)?;
        keys.extend(self.keys.sources(RoleType::Snapshot)?);
        keys.extend(self.keys.sources(RoleType::Timestamp)?);
        let signed = editor.sign(&keys).await?;
        signed.write(pending).await?;
        self.promote(pending)?;
        self.summary().await
    }

    /// A fresh directory to write metadata into before it goes live.
    fn pending(&self) -> Result<PathBuf, Error> {
        let dir = self.dir.join(format!(".pending-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(io(&dir))?;
        }
        fs::create_dir_all(&dir).map_err(io(&dir))?;
        Ok(dir)
    }

    /// Moves pending metadata into `metadata/`: root, targets, snapshot, timestamp last.
    fn promote(&self, pending: &Path) -> Result<(), Error> {
        let metadata = self.metadata();
        fs::create_dir_all(&metadata).map_err(io(&metadata))?;
        let mut files: Vec<PathBuf> =
            fs::read_dir(pending).map_err(io(pending))?.filter_map(|e| e.ok().map(|e| e.path())).collect();
        let rank = |p: &PathBuf| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            ["root.json", "targets.json", "snapshot.json", "timestamp.json"].iter().position(|s| name.ends_with(s))
        };
        files.sort_by_key(rank);
        for file in &files {
            fs::File::open(file).and_then(|f| f.sync_all()).map_err(io(file))?;
            let to = metadata.join(file.file_name().unwrap_or_default());
            fs::rename(file, &to).map_err(io(&to))?;
        }
        fs::File::open(&metadata).and_then(|d| d.sync_all()).map_err(io(&metadata))?;
        fs::remove_dir_all(pending).map_err(io(pending))
    }

    async fn load(&self) -> Result<Repository, Error> {
        let (root_path, _) = self.latest_root()?;
        let root = fs::read(&root_path).map_err(io(&root_path))?;
        let targets = self.targets_dir();
        fs::create_dir_all(&targets).map_err(io(&targets))?;
        Ok(RepositoryLoader::new(&root, file_url(&self.metadata())?, file_url(&targets)?)
            .transport(FilesystemTransport)
            .expiration_enforcement(ExpirationEnforcement::Unsafe)
            .load()
            .await?)
    }

    /// Lists `role`'s keys (from the key directory) in `root` with `threshold`.
    async fn set_role_keys(&self, root: &mut Root, role: RoleType, threshold: u64) -> Result<(), Error> {
        let mut keyids = Vec::new();
        for source in self.keys.sources(role)? {
            let sign = source.as_sign().await.map_err(|e| Error::Keys(e.to_string()))?;
            let key = sign.tuf_key();
            let id = key.key_id().map_err(|e| Error::Keys(e.to_string()))?;
            root.keys.insert(id.clone(), key);
            keyids.push(id);
        }
        let threshold = NonZeroU64::new(threshold).unwrap_or(NonZeroU64::MIN);
        root.roles.insert(role, RoleKeys { keyids, threshold, _extra: HashMap::new() });
        Ok(())
    }

    fn expires(&self, lifetime: SignedDuration) -> Result<Timestamp, Error> {
        // Whole seconds: TUF writes expiry as RFC 3339 without fractions.
        let t = Timestamp::now().checked_add(lifetime).map_err(|e| Error::Refused(format!("expiry: {e}")))?;
        Timestamp::from_second(t.as_second()).map_err(|e| Error::Refused(format!("expiry: {e}")))
    }
}

/// Signs a root with `keys` as listed in it, and — for a rotation — with the previous root's
/// keys too, so a device trusting the old root can verify the new one.
async fn sign_root(
    root: Root,
    previous: Option<&Root>,
    keys: &[Box<dyn KeySource>],
    previous_keys: &[Box<dyn KeySource>],
) -> Result<SignedRole<Root>, Error> {
    let rng = SystemRandom::new();
    let holder = KeyHolder::Root(root.clone());
    let mut signed = SignedRole::new(root.clone(), &holder, keys, &rng).await?;
    if let Some(previous) = previous {
        let old = SignedRole::new(root, &KeyHolder::Root(previous.clone()), previous_keys, &rng).await?;
        let have: Vec<_> = signed.signed().signatures.iter().map(|s| s.keyid.clone()).collect();
        let extra = old.signed().signatures.iter().filter(|s| !have.contains(&s.keyid)).cloned().collect();
        signed = signed.add_old_signatures(extra)?;
    }
    Ok(signed)
}

/// The release `bundle` names (an id or a prefix of one; `None`: the newest), refusing an empty
/// or ambiguous name.
fn find_release(c: &Channel, channel: &str, bundle: Option<&str>) -> Result<usize, Error> {
    let Some(b) = bundle else {
        return c.releases.len().checked_sub(1).ok_or_else(|| Error::Refused(format!("{channel} has no release")));
    };
    if b.is_empty() {
        return Err(Error::Refused("an empty release name matches every release: give the bundle id".into()));
    }
    let matches: Vec<usize> = (0..c.releases.len()).filter(|&i| c.releases[i].bundle.starts_with(b)).collect();
    match matches.as_slice() {
        [i] => Ok(*i),
        [] => Err(Error::Refused(format!("{channel} has no release {b}"))),
        many => Err(Error::Refused(format!(
            "{b} matches {} releases on {channel} ({}): give more of the id",
            many.len(),
            many.iter().map(|&i| short(&c.releases[i].bundle)).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// Whether two edits of the same release cannot both be meant.
fn contradict(a: &ChannelEdit, b: &ChannelEdit) -> bool {
    use ChannelEdit::*;
    matches!(
        (a, b),
        (Halt(_), Resume(_))
            | (Resume(_), Halt(_))
            | (Withdraw(_), Rollout { .. } | Halt(_) | Resume(_))
            | (Rollout { .. } | Halt(_) | Resume(_), Withdraw(_))
    )
}

/// Applies a release's edit; returns what it does, in words.
fn edit_release(r: &mut Release, edit: &ChannelEdit) -> Result<String, Error> {
    let name = format!("{} ({})", short(&r.bundle), r.version);
    Ok(match *edit {
        ChannelEdit::Rollout { percent, .. } => {
            check_percent(percent)?;
            if r.status == Status::Withdrawn {
                return Err(Error::Refused(format!("{name} is withdrawn: publish a new release instead")));
            }
            let before = std::mem::replace(&mut r.rollout, percent);
            let halted = if r.status == Status::Halted { " (it is halted: this applies once resumed)" } else { "" };
            if percent < before {
                format!(
                    "{name}: rollout {before}% → {percent}%: it is offered to no new device beyond {percent}%, but \
                     devices that have it keep it (--halt stops new ones, --withdraw sends them back){halted}"
                )
            } else if percent > before {
                format!(
                    "{name}: rollout {before}% → {percent}%: {}% more of the devices are offered it{halted}",
                    percent - before
                )
            } else {
                format!("{name}: rollout stays at {percent}%: nothing changes")
            }
        }
        ChannelEdit::Halt(_) => match r.status {
            Status::Halted => format!("{name} was halted already: nothing changes"),
            Status::Withdrawn => {
                return Err(Error::Refused(format!("{name} is withdrawn: halting it would send devices to it again")));
            }
            Status::Active => {
                r.status = Status::Halted;
                format!("{name} halted: no new device takes it; devices that have it keep it")
            }
        },
        ChannelEdit::Withdraw(_) => match std::mem::replace(&mut r.status, Status::Withdrawn) {
            Status::Withdrawn => format!("{name} was withdrawn already: nothing changes"),
            _ => {
                format!("{name} withdrawn: its devices go back to the newest release they can have at their next check")
            }
        },
        ChannelEdit::Resume(_) => match r.status {
            Status::Withdrawn => {
                return Err(Error::Refused(format!(
                    "{name} is withdrawn, and a withdrawal is final: publish a new release instead"
                )));
            }
            Status::Active => format!("{name} is not halted: nothing changes"),
            Status::Halted => {
                r.status = Status::Active;
                format!("{name} resumed: offered again to {}% of devices", r.rollout)
            }
        },
        ChannelEdit::WasmRollout(_) | ChannelEdit::WasmKillSwitch(_) => String::new(),
    })
}

/// The first 12 hex digits of a bundle id: enough to tell releases apart in messages.
fn short(bundle: &str) -> &str {
    bundle.get(..12).unwrap_or(bundle)
}

fn check_percent(p: f64) -> Result<(), Error> {
    if p.is_finite() && (0.0..=100.0).contains(&p) {
        Ok(())
    } else {
        Err(Error::Refused(format!("{p}: not a percentage")))
    }
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes).as_ref().to_vec()
}
