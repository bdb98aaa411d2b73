//! A publisher, a server and devices in one scratch directory.

#![allow(dead_code, reason = "each test file uses part of the fixture")]

use std::collections::BTreeMap;
use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use marquee_bundle::{BundleId, FileEntry, MANIFEST_FORMAT, Manifest, Store};
use marquee_repo::{InitOptions, Keys, Repo};
use marquee_serve::Server;
use marquee_update::{Config, Device, Launch};
use url::Url;

pub(crate) const ABI: u32 = 4;

pub(crate) struct Fixture {
    pub(crate) dir: PathBuf,
    pub(crate) repo: Repo,
    pub(crate) store: Store,
    pub(crate) url: Url,
    _server: Server,
}

/// A scratch directory of its own per test.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("marquee-update-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

impl Fixture {
    pub(crate) fn new(name: &str) -> Fixture {
        Fixture::with(name, InitOptions::default())
    }

    pub(crate) fn with(name: &str, options: InitOptions) -> Fixture {
        let dir = scratch(name);
        let repo = Repo::new(dir.join("repo"), Keys::new(dir.join("keys")));
        repo.init(options).unwrap();
        let server = Server::start(repo.dir(), SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
        let url = Url::parse(&format!("http://{}/", server.addr())).unwrap();
        Fixture { store: Store::new(dir.join("store")), dir, repo, url, _server: server }
    }

    /// A bundle whose files are made from `version`, with a `size`-byte engine.wasm.
    pub(crate) fn bundle(&self, version: &str, size: usize) -> BundleId {
        let mut files = BTreeMap::new();
        let app = format!("console.log('app {version}');\n").into_bytes();
        // Deterministic, incompressible-looking bytes: a download test needs real volume.
        let seed = version.bytes().fold(0x9e37_79b9_u32, |h, b| h.rotate_left(5) ^ u32::from(b));
        let engine = marquee_test_support::guest::noise(seed, size);
        for (path, bytes) in [("app.js", app), ("engine.wasm", engine)] {
            let sha256 = self.store.put_object(&bytes).unwrap();
            files.insert(path.to_string(), FileEntry { size: bytes.len() as u64, sha256 });
        }
        let manifest = Manifest {
            format: MANIFEST_FORMAT,
            app: "test".into(),
            version: version.into(),
            engine_abi: ABI,
            protocol: 2,
            min_host: "0.1.0".into(),
            entry: "app.js".into(),
            files,
        };
        self.store.put_manifest(&manifest).unwrap()
    }

    pub(crate) fn publish(&self, version: &str, channel: &str, rollout: f64) -> BundleId {
        let id = self.bundle(version, 4096);
        self.repo.publish(&self.store, &id, channel, rollout).unwrap();
        id
    }

    pub(crate) fn device(&self, name: &str, channel: &str) -> (Device, Config) {
        let device = Device::open(self.dir.join("devices").join(name)).unwrap();
        let mut config = Config::new(self.url.clone(), channel, name, "0.1.0", ABI);
        config.initial_root = Some(self.repo.dir().join("metadata/1.root.json"));
        config.timeout = std::time::Duration::from_secs(5);
        (device, config)
    }

    pub(crate) fn metadata(&self, name: &str) -> PathBuf {
        self.repo.dir().join("metadata").join(name)
    }
}

/// Launches and confirms whatever is staged: the device now runs it as last-known-good.
pub(crate) fn adopt(device: &Device) -> BundleId {
    match device.launch().unwrap() {
        Launch::Bundle { id, trial: true, .. } => {
            device.confirm(&id).unwrap();
            id
        }
        other => panic!("nothing staged to adopt: {other:?}"),
    }
}

/// The files of a directory tree, for "nothing changed" checks.
pub(crate) fn tree(dir: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), fs::metadata(&p).unwrap().len()));
            }
        }
    }
    out.sort();
    out
}
