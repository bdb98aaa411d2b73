//! Devices updating through the real `marquee` command: a release that throws at start and one
//! whose engine traps are rolled back at the next launch, and `kill -9` at random moments of an
//! update never leaves the device without a runnable bundle.

use std::collections::BTreeMap;
use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use marquee_bundle::{BundleId, FileEntry, Manifest, Store, verify_dir};
use marquee_update::{Device, Launch};

const MARQUEE: &str = env!("CARGO_BIN_EXE_marquee");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Setup {
    dir: PathBuf,
    url: String,
    _server: marquee_serve::Server,
}

fn marquee(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(MARQUEE).args(args).current_dir(dir).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let (success, text) = marquee(dir, args);
    assert!(success, "marquee {args:?} failed:\n{text}");
    text
}

/// Keys, a repository served on loopback, and the demo bundled into `store`.
fn setup(name: &str) -> (Setup, BundleId) {
    let dir = std::env::temp_dir().join(format!("marquee-cli-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    ok(&dir, &["keys", "init"]);
    let demo = bundle(&dir, &root().join("apps/demo"), &[]);
    let server = marquee_serve::Server::start(&dir.join("repo"), SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
    let url = format!("http://{}/", server.addr());
    (Setup { dir, url, _server: server }, demo)
}

fn bundle(dir: &Path, app: &Path, extra: &[&str]) -> BundleId {
    let mut args = vec!["bundle", app.to_str().unwrap(), "--out", "store"];
    args.extend_from_slice(extra);
    let text = ok(dir, &args);
    let id = text.lines().find_map(|l| l.strip_prefix("bundle ")).unwrap().split(':').next().unwrap();
    BundleId::parse(id).unwrap()
}

impl Setup {
    fn publish(&self, id: &BundleId) {
        ok(&self.dir, &["publish", &format!("store/bundles/{id}.json"), "--channel", "stable"]);
    }

    /// One launch of the device: headless, trials confirmed after 0.3 s of content on screen.
    fn launch(&self) -> (bool, String) {
        marquee(&self.dir, &self.device_args("run"))
    }

    fn device_args<'a>(&'a self, command: &'a str) -> Vec<&'a str> {
        let mut args = vec![command];
        if command == "run" {
            args.extend(["--headless", "--quiet", "--confirm-after", "0.3", "--timeout", "5"]);
        }
        args.extend([
            "--update-url",
            &self.url,
            "--device-id",
            "tv",
            "--state",
            "device",
            "--root",
            "repo/metadata/1.root.json",
        ]);
        args
    }
}

fn short(id: &BundleId) -> &str {
    &id.0[..12]
}

/// engine.wasm that loads, answers its ABI version and traps at the first frame.
fn trapping_engine(dir: &Path) -> PathBuf {
    let wasm = wat::parse_str(
        r#"(module (memory (export "memory") 1)
        (func (export "mq_abi_version") (result i32) i32.const 4)
        (func (export "mq_protocol_version") (result i32) i32.const 2)
        (func (export "mq_alloc") (param i32) (result i32) i32.const 8192)
        (func (export "mq_free") (param i32 i32))
        (func (export "mq_apply") (param i32 i32) (result i32) i32.const 0)
        (func (export "mq_frame") (param f64) (result i64) unreachable)
        (func (export "mq_key") (param i32 i32) (result i32) i32.const 0)
        (func (export "mq_stat") (param i32) (result i64) i64.const 0)
        (func (export "mq_image_ready") (param i32 i32 i32) (result i32) i32.const 0)
        (func (export "mq_image_failed") (param i32 i32) (result i32) i32.const 0)
        (func (export "mq_set_texture_budget") (param i32 i32))
        (func (export "mq_profile") (param i32)))"#,
    )
    .unwrap();
    let path = dir.join("trap/engine.wasm");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, wasm).unwrap();
    path
}

#[test]
fn releases_that_throw_or_trap_are_rolled_back_at_the_next_launch() {
    let (s, demo) = setup("rollback");
    s.publish(&demo);
    let text = s.launch().1;
    assert!(text.contains("running the factory bundle") && text.contains("update: staged 0.1.0"), "{text}");
    let text = ok(&s.dir, &s.device_args("run"));
    assert!(text.contains(&format!("{} confirmed healthy", short(&demo))), "{text}");

    let throws = bundle(&s.dir, &root().join("examples/demo-broken"), &[]);
    let traps =
        bundle(&s.dir, &root().join("apps/demo"), &["--engine-wasm", trapping_engine(&s.dir).to_str().unwrap()]);
    for (bad, why) in [(&throws, "demo 0.2.0 fails at start"), (&traps, "engine")] {
        s.publish(bad);
        let text = ok(&s.dir, &s.device_args("run"));
        assert!(text.contains(&format!("running {} (last-known-good)", short(&demo))), "{text}");
        assert!(text.contains("update: staged"), "{text}");
        let (success, text) = s.launch();
        assert!(!success, "the trial run must fail:\n{text}");
        assert!(text.contains(&format!("trial of {} failed", short(bad))) && text.contains(why), "{text}");
        for _ in 0..2 {
            let text = ok(&s.dir, &s.device_args("run"));
            assert!(text.contains(&format!("running {} (last-known-good)", short(&demo))), "{text}");
            assert!(!text.contains("staged"), "a failed release is not fetched again:\n{text}");
        }
    }
    let device = Device::open(s.dir.join("device")).unwrap();
    let failed = device.state().unwrap().failed_ids();
    assert!(failed.contains(&throws) && failed.contains(&traps) && !failed.contains(&demo));
    fs::remove_dir_all(&s.dir).unwrap();
}

/// A new release of the demo: its app.js tagged with `n` and a 1 MiB asset of its own, so every
/// release has something to download.
fn release(store: &Store, base: &Manifest, n: u32) -> BundleId {
    let mut m = base.clone();
    let app = fs::read(store.object_path(&base.files[&base.entry].sha256)).unwrap();
    let mut app = app.clone();
    app.extend(format!("\n// release {n}\n").bytes());
    let mut x = 0x2545_f491_u32.wrapping_add(n);
    let pad: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    let mut files = BTreeMap::new();
    for (path, bytes) in [(m.entry.clone(), app), ("assets/pad.bin".to_string(), pad)] {
        let sha256 = store.put_object(&bytes).unwrap();
        files.insert(path, FileEntry { size: bytes.len() as u64, sha256 });
    }
    m.files.extend(files);
    m.version = format!("0.1.{n}");
    store.put_manifest(&m).unwrap()
}

#[test]
fn kill_9_at_random_moments_never_leaves_the_device_without_a_runnable_bundle() {
    let (s, demo) = setup("kill");
    s.publish(&demo);
    ok(&s.dir, &s.device_args("update"));
    ok(&s.dir, &s.device_args("run"));
    let store = Store::new(s.dir.join("store"));
    let base = store.manifest(&demo).unwrap();
    // A reproducible spread of kill times from 0 to 1.2 s: a launch and trial take ~0.5 s, a
    // download of a release ~0.1–0.5 s.
    let mut x = 0x1234_5678_u32;
    let mut outcomes = BTreeMap::<&str, u32>::new();
    for n in 1..=30 {
        let id = release(&store, &base, n);
        s.publish(&id);
        let mut child = Command::new(MARQUEE)
            .args(s.device_args("run"))
            .current_dir(&s.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        std::thread::sleep(Duration::from_millis(u64::from(x % 1200)));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // Boot as the device would next: it must find a bundle that verifies, never fall back to
        // the factory bundle, since a confirmed one is on the device. (A trial this boot starts
        // is handed back, as by a clean quit, so the next run tries it and can be killed in it.)
        let device = Device::open(s.dir.join("device")).unwrap();
        let state = device.state().unwrap();
        *outcomes
            .entry(if state.trial.is_some() {
                "killed in a trial"
            } else if state.staged.is_some() {
                "staged"
            } else if state.downloading.is_some() {
                "killed downloading"
            } else {
                "other"
            })
            .or_default() += 1;
        match device.launch().unwrap() {
            Launch::Bundle { id, dir, trial, .. } => {
                verify_dir(&dir).unwrap();
                if trial {
                    device.retry_trial(&id).unwrap();
                }
            }
            Launch::Factory { .. } => panic!("kill {n}: the device lost its last-known-good bundle: {state:?}"),
        }
    }
    eprintln!("kill -9 outcomes: {outcomes:?}");
    assert!(outcomes.len() >= 2, "the kills all landed in the same phase: {outcomes:?}");
    fs::remove_dir_all(&s.dir).unwrap();
}
