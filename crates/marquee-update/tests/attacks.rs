//! The TUF attack matrix: each attack on the repository or the wire is refused, nothing new is
//! installed, and the device keeps its last-known-good bundle. Key rotations must go through.

mod common;

use std::fs;
use std::num::NonZeroU64;
use std::path::PathBuf;

use aws_lc_rs::rand::SystemRandom;
use common::{Fixture, adopt, tree};
use marquee_bundle::BundleId;
use marquee_repo::{ChannelEdit, Expiry, InitOptions, Keys, RoleType};
use marquee_update::{Config, Device, Launch, Outcome};
use tough::editor::signed::SignedRole;
use tough::key_source::KeySource;
use tough::schema::{Hashes, KeyHolder, Metafile, Role, Root, Signed, Snapshot, Timestamp};

/// A device running v1 as last-known-good, with v2 published and not fetched yet.
struct Scene {
    fx: Fixture,
    device: Device,
    config: Config,
    v1: BundleId,
}

fn scene(name: &str, options: InitOptions) -> Scene {
    let fx = Fixture::with(name, options);
    fx.publish("1.0.0", "stable", 100.0);
    let (device, config) = fx.device("tv", "stable");
    device.check(&config).unwrap();
    let v1 = adopt(&device);
    Scene { fx, device, config, v1 }
}

impl Scene {
    fn publish_v2(&self) -> BundleId {
        self.fx.publish("2.0.0", "stable", 100.0)
    }

    /// Publishes v2 and has the device run it: it has now seen newer metadata to roll back from.
    fn advance(self) -> Scene {
        let v2 = self.publish_v2();
        assert!(matches!(self.device.check(&self.config).unwrap(), Outcome::Staged { id, .. } if id == v2));
        assert_eq!(adopt(&self.device), v2);
        Scene { v1: v2, ..self }
    }

    /// The check fails for `reason` (words its error must contain), nothing on the device
    /// changes, and it still launches v1.
    fn refused(&self, attack: &str, reason: &str) {
        let before = (self.device.state().unwrap(), tree(&self.device.dir().join("installed")));
        let err = match self.device.check(&self.config) {
            Err(e) => e.to_string(),
            Ok(outcome) => panic!("{attack}: accepted ({outcome:?})"),
        };
        let after = (self.device.state().unwrap(), tree(&self.device.dir().join("installed")));
        assert_eq!(before, after, "{attack}: the device changed");
        let Launch::Bundle { id, trial: false, .. } = self.device.launch().unwrap() else { panic!("{attack}") };
        assert_eq!(id, self.v1, "{attack}");
        assert!(err.contains(reason), "{attack}: refused, but not because {reason:?}: {err}");
    }

    fn metadata(&self, name: &str) -> PathBuf {
        self.fx.metadata(name)
    }

    fn keys(&self, role: RoleType) -> Vec<Box<dyn KeySource>> {
        Keys::new(self.fx.dir.join("keys")).sources(role).unwrap()
    }

    fn root(&self) -> Root {
        let (path, _) = self.fx.repo.latest_root().unwrap();
        serde_json::from_slice::<Signed<Root>>(&fs::read(path).unwrap()).unwrap().signed
    }

    fn read<T: serde::de::DeserializeOwned>(&self, name: &str) -> Signed<T> {
        serde_json::from_slice(&fs::read(self.metadata(name)).unwrap()).unwrap()
    }

    /// Signs `role` with `keys` as the current root allows, and writes it as `name`.
    fn sign<T: Role + serde::Serialize>(&self, name: &str, role: T, keys: &[Box<dyn KeySource>], holder: &Root) {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let signed =
            rt.block_on(SignedRole::new(role, &KeyHolder::Root(holder.clone()), keys, &SystemRandom::new())).unwrap();
        fs::write(self.metadata(name), signed.buffer()).unwrap();
    }

    fn version(&self, role: &str) -> u64 {
        let v: serde_json::Value = serde_json::from_slice(&fs::read(self.metadata(role)).unwrap()).unwrap();
        v["signed"]["version"].as_u64().unwrap()
    }

    /// The current targets file named like `*.NAME`.
    fn target_file(&self, name: &str) -> PathBuf {
        let targets: Signed<tough::schema::Targets> = self.read(&format!("{}.targets.json", self.targets_version()));
        let t = targets.signed.targets.iter().find(|(n, _)| n.raw() == name).unwrap().1;
        let sha = hex::encode(&t.hashes.sha256);
        self.fx.repo.dir().join("targets").join(format!("{sha}.{name}"))
    }

    fn targets_version(&self) -> u64 {
        (1..).take_while(|v| self.metadata(&format!("{v}.targets.json")).exists()).last().unwrap()
    }
}

fn metafile(bytes: &[u8], version: u64) -> Metafile {
    let sha = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes).as_ref().to_vec();
    Metafile {
        length: Some(bytes.len() as u64),
        hashes: Some(Hashes { sha256: sha.into(), _extra: Default::default() }),
        version: NonZeroU64::new(version).unwrap(),
        _extra: Default::default(),
    }
}

#[test]
fn a_tampered_channel_or_manifest_is_refused() {
    let s = scene("tampered-target", InitOptions::default());
    let v2 = s.publish_v2();
    let channel = s.target_file("channel.stable.json");
    let clean = fs::read(&channel).unwrap();
    fs::write(&channel, String::from_utf8(clean.clone()).unwrap().replace("\"1.0.0\"", "\"1.0.1\"")).unwrap();
    s.refused("channel edited", "Hash mismatch");
    fs::write(&channel, &clean).unwrap();

    let manifest = s.target_file(&format!("bundle.{v2}.json"));
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, text.replace("\"min_host\":\"0.1.0\"", "\"min_host\":\"0.0.1\"")).unwrap();
    s.refused("manifest edited", "Hash mismatch");
}

#[test]
fn metadata_signed_by_an_attackers_keys_is_refused() {
    let s = scene("foreign-keys", InitOptions::default());
    // An attacker runs a repository of their own, with far higher versions, and serves its
    // metadata in place of ours.
    let evil = Fixture::new("foreign-keys-attacker");
    for i in 0..4 {
        evil.publish(&format!("6.6.{i}"), "stable", 100.0);
    }
    for name in ["timestamp.json", "5.snapshot.json", "5.targets.json"] {
        fs::copy(evil.metadata(name), s.metadata(name)).unwrap();
    }
    for entry in fs::read_dir(evil.repo.dir().join("targets")).unwrap().flatten() {
        fs::copy(entry.path(), s.fx.repo.dir().join("targets").join(entry.file_name())).unwrap();
    }
    s.refused("foreign keys", "Signature threshold of 1 not met for role timestamp (0 valid signatures)");
}

#[test]
fn a_root_below_its_threshold_is_refused_and_one_that_meets_it_is_taken() {
    let s = scene("threshold", InitOptions { root_keys: 3, root_threshold: 2 });
    let old = s.root();
    let mut next = old.clone();
    next.version = NonZeroU64::new(2).unwrap();
    let keys = s.keys(RoleType::Root);
    s.sign("2.root.json", next.clone(), &keys[..1], &old);
    s.refused("one signature of the two needed", "Signature threshold of 2 not met for role root (1 valid signatures)");
    s.sign("2.root.json", next, &keys[1..], &old);
    assert!(s.device.check(&s.config).is_ok(), "two of three signatures must do");
}

#[test]
fn targets_signed_with_a_valid_key_but_edited_afterwards_are_refused() {
    let s = scene("edited-metadata", InitOptions::default());
    s.publish_v2();
    let name = format!("{}.targets.json", s.targets_version());
    let text = fs::read_to_string(s.metadata(&name)).unwrap();
    // Still valid JSON of the same length, still the same signature: the signed content changed.
    // A target's length, its first digit changed (1 → 2, 9 → 1): the same number of bytes.
    let at = text.find("\"length\": ").expect("a target length") + "\"length\": ".len();
    let digit = text.as_bytes()[at] - b'0';
    let edited = format!("{}{}{}", &text[..at], digit % 9 + 1, &text[at + 1..]);
    assert!(edited != text && edited.len() == text.len());
    fs::write(s.metadata(&name), edited).unwrap();
    s.refused("edited targets.json", "Hash mismatch");
}

#[test]
fn each_role_rolled_back_is_refused() {
    // timestamp: an old, validly signed timestamp.json.
    let s = scene("rollback-timestamp", InitOptions::default());
    let old_timestamp = fs::read(s.metadata("timestamp.json")).unwrap();
    let s = s.advance();
    fs::write(s.metadata("timestamp.json"), &old_timestamp).unwrap();
    s.refused("timestamp rollback", "Found version 2 of timestamp metadata when we had previously fetched version 3");

    // snapshot: a new timestamp, properly signed, naming an older snapshot.
    let s = scene("rollback-snapshot", InitOptions::default());
    let old_version = s.version("timestamp.json");
    let old_snapshot = fs::read(s.metadata(&format!("{old_version}.snapshot.json"))).unwrap();
    let s = s.advance();
    let mut ts: Signed<Timestamp> = s.read("timestamp.json");
    ts.signed.version = ts.signed.version.checked_add(1).unwrap();
    ts.signed.meta.insert("snapshot.json".into(), metafile(&old_snapshot, old_version));
    s.sign("timestamp.json", ts.signed, &s.keys(RoleType::Timestamp), &s.root());
    s.refused("snapshot rollback", "Snapshot version 2 in timestamp 4 is less than 3 in timestamp 3");

    // targets: new timestamp and snapshot, properly signed, naming an older targets.json.
    let s = scene("rollback-targets", InitOptions::default());
    let old_targets = s.targets_version();
    let s = s.advance();
    let mut snap: Signed<Snapshot> = s.read(&format!("{}.snapshot.json", s.version("timestamp.json")));
    let new_snapshot_version = snap.signed.version.get() + 1;
    snap.signed.version = NonZeroU64::new(new_snapshot_version).unwrap();
    let old_bytes = fs::read(s.metadata(&format!("{old_targets}.targets.json"))).unwrap();
    snap.signed.meta.insert("targets.json".into(), metafile(&old_bytes, old_targets));
    s.sign(&format!("{new_snapshot_version}.snapshot.json"), snap.signed, &s.keys(RoleType::Snapshot), &s.root());
    let mut ts: Signed<Timestamp> = s.read("timestamp.json");
    ts.signed.version = ts.signed.version.checked_add(1).unwrap();
    let snap_bytes = fs::read(s.metadata(&format!("{new_snapshot_version}.snapshot.json"))).unwrap();
    ts.signed.meta.insert("snapshot.json".into(), metafile(&snap_bytes, new_snapshot_version));
    s.sign("timestamp.json", ts.signed, &s.keys(RoleType::Timestamp), &s.root());
    s.refused("targets rollback", "Role targets.json version 3 in snapshot 3 is greater than version 2 in snapshot 4");

    // root: after a rotation to root v2, an old root served as v3.
    let s = scene("rollback-root", InitOptions::default());
    s.fx.repo.rotate(RoleType::Root).unwrap();
    s.device.check(&s.config).unwrap();
    fs::copy(s.metadata("1.root.json"), s.metadata("3.root.json")).unwrap();
    s.refused("root rollback", "Signature threshold of 1 not met for role root (0 valid signatures)");
}

#[test]
fn expired_metadata_is_refused() {
    let s = scene("freeze-timestamp", InitOptions::default());
    let past = jiff::SignedDuration::from_hours(-1);
    let expired = |e: Expiry| s.fx.repo.clone().with_expiry(e);
    expired(Expiry { timestamp: past, ..Expiry::default() }).refresh_timestamp().unwrap();
    s.refused("expired timestamp", "timestamp metadata is expired");
    let problems = s.fx.repo.verify().unwrap().problems;
    assert!(
        problems.iter().any(|p| p.starts_with("timestamp.json expired")),
        "the publisher sees it too: {problems:?}"
    );

    let s = scene("freeze-snapshot", InitOptions::default());
    s.fx.repo
        .clone()
        .with_expiry(Expiry { snapshot: past, ..Expiry::default() })
        .edit_channel("stable", &[ChannelEdit::WasmRollout(50.0)])
        .unwrap();
    s.refused("expired snapshot", "snapshot metadata is expired");

    let s = scene("freeze-targets", InitOptions::default());
    s.fx.repo
        .clone()
        .with_expiry(Expiry { targets: past, ..Expiry::default() })
        .edit_channel("stable", &[ChannelEdit::WasmRollout(50.0)])
        .unwrap();
    s.refused("expired targets", "targets metadata is expired");
}

#[test]
fn an_older_targets_file_under_the_current_name_is_refused() {
    let s = scene("mix-and-match", InitOptions::default());
    s.publish_v2();
    let n = s.targets_version();
    fs::copy(s.metadata(&format!("{}.targets.json", n - 1)), s.metadata(&format!("{n}.targets.json"))).unwrap();
    s.refused("mix and match", "Hash mismatch");
}

#[test]
fn endless_data_is_cut_off() {
    let s = scene("endless", InitOptions::default());
    let v2 = s.publish_v2();
    let path = s.metadata("timestamp.json");
    let clean = fs::read(&path).unwrap();
    let mut padded = clean.clone();
    padded.extend(std::iter::repeat_n(b' ', 1 << 20));
    fs::write(&path, &padded).unwrap();
    s.refused("1 MiB timestamp.json", "Maximum size 16384 (specified by max_timestamp_size argument) exceeded");
    fs::write(&path, &clean).unwrap();

    let channel = s.target_file("channel.stable.json");
    let clean_channel = fs::read(&channel).unwrap();
    let mut longer = clean_channel.clone();
    longer.extend(std::iter::repeat_n(b' ', 1 << 20));
    fs::write(&channel, &longer).unwrap();
    s.refused("a channel longer than signed", "(specified by targets.json) exceeded");
    fs::write(&channel, &clean_channel).unwrap();

    let manifest = s.fx.store.manifest(&v2).unwrap();
    let object = s.fx.repo.dir().join("objects").join(&manifest.files["engine.wasm"].sha256);
    let mut bytes = fs::read(&object).unwrap();
    bytes.extend(std::iter::repeat_n(0u8, 8 << 20));
    fs::write(&object, &bytes).unwrap();
    s.refused("an object longer than its manifest says", "longer than the 4096 bytes its manifest signs for");
}

#[test]
fn key_rotations_go_through() {
    let s = scene("rotation", InitOptions { root_keys: 3, root_threshold: 2 });
    for role in [RoleType::Timestamp, RoleType::Snapshot, RoleType::Targets, RoleType::Root] {
        s.fx.repo.rotate(role).unwrap();
        assert!(s.device.check(&s.config).is_ok(), "after rotating {role:?}");
    }
    let v2 = s.publish_v2();
    assert!(matches!(s.device.check(&s.config).unwrap(), Outcome::Staged { id, .. } if id == v2));
    // The device now trusts root v5 and nothing signed by the retired keys.
    assert_eq!(s.fx.repo.status().unwrap().root, 5);
}
