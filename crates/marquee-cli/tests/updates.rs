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

mod common;

use common::{MARQUEE, marquee, ok};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Setup {
    dir: PathBuf,
    url: String,
    _server: marquee_serve::Server,
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
    let wasm = wat::parse_str(marquee_test_support::guest::wat("i32.const 0", "unreachable", "")).unwrap();
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
    let pad = marquee_test_support::guest::noise(0x2545_f491_u32.wrapping_add(n), 1 << 20);
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

/// `marquee ARGS` in `dir`: exit code and everything printed.
fn status(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(MARQUEE).args(args).current_dir(dir).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// `marquee update --json` for the test device: exit code and the outcome object.
fn update_json(s: &Setup) -> (i32, serde_json::Value) {
    let mut args = s.device_args("update");
    args.push("--json");
    let (code, text) = status(&s.dir, &args);
    let json = serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}"));
    (code, json)
}

#[test]
fn a_withdrawn_or_halted_release_is_unstaged_at_the_next_check() {
    let (s, demo) = setup("unstage");
    for (edit, outcome) in [("--withdraw", "unstaged"), ("--halt", "unstaged")] {
        let _ = fs::remove_dir_all(s.dir.join("device"));
        let _ = fs::remove_dir_all(s.dir.join("repo"));
        let _ = fs::remove_dir_all(s.dir.join("keys"));
        ok(&s.dir, &["keys", "init"]);
        s.publish(&demo);
        let (code, json) = update_json(&s);
        assert_eq!((code, json["outcome"].as_str()), (0, Some("staged")), "{json}");
        ok(&s.dir, &["channel", "stable", edit]);
        let (code, json) = update_json(&s);
        assert_eq!((code, json["outcome"].as_str()), (5, Some(outcome)), "{edit}: {json}");
        assert_eq!(json["bundle"].as_str(), Some(demo.0.as_str()));
        let device = Device::open(s.dir.join("device")).unwrap();
        assert_eq!(device.state().unwrap().staged, None, "{edit}");
        // The next launch runs what the device had (the factory app), not the release.
        let text = ok(&s.dir, &s.device_args("run"));
        assert!(text.contains("running the factory bundle") && !text.contains("on trial"), "{edit}: {text}");
    }
    fs::remove_dir_all(&s.dir).unwrap();
}

#[test]
fn a_wrong_clock_reading_does_not_lock_the_device_out_but_winding_it_back_is_refused() {
    let (s, demo) = setup("clock");
    s.publish(&demo);
    assert_eq!(update_json(&s).0, 0);
    let verified = s.dir.join("device/verified_time.json");
    assert!(verified.is_file(), "a verified check records its time");
    // What tough leaves behind after a check with the clock at 2040 (which fails: every piece of
    // metadata has expired by then). Before the clock policy, every later check failed until 2040.
    fs::write(s.dir.join("device/tuf/latest_known_time.json"), "\"2040-01-01T00:00:00Z\"").unwrap();
    let (code, json) = update_json(&s);
    assert_eq!((code, json["outcome"].as_str()), (3, Some("up-to-date")), "the first check with the right clock works");
    // A clock wound back before the last *verified* check is still refused, and says so.
    fs::write(&verified, "\"2040-01-01T00:00:00Z\"").unwrap();
    let (code, text) = status(&s.dir, &s.device_args("update"));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("device clock: the clock reads") && text.contains("set the clock"), "{text}");
    fs::remove_dir_all(&s.dir).unwrap();
}

/// Flips one bit of `path`.
fn flip(path: &Path) {
    let mut bytes = fs::read(path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x10;
    fs::write(path, bytes).unwrap();
}

#[test]
fn publish_refuses_a_corrupt_object_and_verify_checks_the_whole_repository() {
    let (s, demo) = setup("corrupt");
    let store = Store::new(s.dir.join("store"));
    let manifest = store.manifest(&demo).unwrap();
    let object = store.object_path(&manifest.files["engine.wasm"].sha256);
    flip(&object);
    let (code, text) = status(&s.dir, &["publish", &format!("store/bundles/{demo}.json"), "--channel", "stable"]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("engine.wasm: hash mismatch") && text.contains("nothing was published"), "{text}");
    assert!(status(&s.dir, &["channel", "stable"]).1.contains("no channel"), "nothing was signed");
    flip(&object);
    s.publish(&demo);
    let text = ok(&s.dir, &["verify"]);
    assert!(text.contains("channels 1, bundles 1") && text.contains("all verified"), "{text}");
    flip(&s.dir.join("repo/objects").join(&manifest.files["app.js"].sha256));
    let (code, text) = status(&s.dir, &["verify"]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("app.js: hash mismatch") && text.contains(": 1 problem"), "{text}");
    fs::remove_dir_all(&s.dir).unwrap();
}

#[test]
fn channel_refuses_contradictions_and_says_what_a_change_does() {
    let (s, demo) = setup("channel");
    s.publish(&demo);
    let before = ok(&s.dir, &["channel", "stable", "--json"]);
    for (args, says) in [
        (&["--halt", "--resume"][..], "--halt and --resume contradict"),
        (&["--withdraw", "--rollout", "10"][..], "--rollout and --withdraw contradict"),
        (&["--release", "", "--halt"][..], "empty release name"),
        (&["--release", "0000", "--halt"][..], "no release 0000"),
        (&["--release", &demo.0[..8]][..], "--release names the release for"),
    ] {
        let mut all = vec!["channel", "stable"];
        all.extend_from_slice(args);
        let (code, text) = status(&s.dir, &all);
        assert_eq!(code, 1, "{args:?}: {text}");
        assert!(text.contains(says), "{args:?}: {text}");
    }
    assert_eq!(ok(&s.dir, &["channel", "stable", "--json"]), before, "a refused change signs nothing");
    let text = ok(&s.dir, &["channel", "stable", "--rollout", "10"]);
    assert!(text.contains("rollout 100% → 10%") && text.contains("devices that have it keep it"), "{text}");
    let text = ok(&s.dir, &["channel", "stable", "--withdraw"]);
    assert!(text.contains("withdrawn: its devices go back"), "{text}");
    let (code, text) = status(&s.dir, &["channel", "stable", "--resume"]);
    assert_eq!(code, 1);
    assert!(text.contains("withdrawal is final"), "{text}");
    fs::remove_dir_all(&s.dir).unwrap();
}

#[test]
fn scripts_get_exit_codes_json_and_the_bare_bundle_id() {
    let (s, demo) = setup("scripts");
    let id = ok(&s.dir, &["bundle", root().join("apps/demo").to_str().unwrap(), "--out", "store", "--print-id"]);
    assert_eq!(id, format!("{demo}\n"), "--print-id prints the id alone");
    let json = |text: String| -> serde_json::Value {
        serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}"))
    };
    let init = json(ok(&s.dir, &["keys", "init", "--repo", "repo2", "--keys", "keys2", "--json"]));
    assert_eq!(init["root"], 1, "{init}");
    assert!(init["trusted_root"].as_str().unwrap().ends_with("metadata/1.root.json"), "{init}");
    let rotated = json(ok(&s.dir, &["keys", "rotate", "timestamp", "--repo", "repo2", "--keys", "keys2", "--json"]));
    assert_eq!((rotated["rotated"].as_str(), rotated["root"].as_u64()), (Some("timestamp"), Some(2)), "{rotated}");
    let text = ok(&s.dir, &["publish", &format!("store/bundles/{demo}.json"), "--rollout", "0", "--json"]);
    let json: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(
        (json["published"].as_str(), json["releases"][0]["rollout"].as_f64()),
        (Some(demo.0.as_str()), Some(0.0))
    );
    let (code, json) = update_json(&s);
    assert_eq!((code, json["outcome"].as_str()), (4, Some("no-release")), "{json}");
    assert!(json["why"].as_str().unwrap().contains("offered to 0% of devices"), "{json}");
    let text = ok(&s.dir, &["channel", "stable", "--rollout", "100", "--json"]);
    let json: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(json["changes"].as_array().map(Vec::len), Some(1), "{json}");
    assert_eq!(update_json(&s).0, 0, "staged");
    assert_eq!(update_json(&s).0, 3, "up to date");
    fs::remove_dir_all(&s.dir).unwrap();
}

#[test]
fn messages_say_what_is_wrong() {
    let (s, demo) = setup("messages");
    let bundles = s.dir.join("store/bundles");
    fs::create_dir_all(s.dir.join("dir.json")).unwrap();
    let manifest = fs::read(bundles.join(format!("{demo}.json"))).unwrap();
    fs::write(s.dir.join("truncated.json"), &manifest[..manifest.len() / 2]).unwrap();
    fs::write(s.dir.join("photo.json"), b"\xff\xd8\xff\xe0\0\x10JFIF\0").unwrap();
    for (path, says) in [
        ("nope.json", "nope.json: no such file"),
        ("dir.json", "a directory, not a bundle manifest"),
        ("truncated.json", "not valid JSON (EOF while parsing"),
        ("photo.json", "an image, not a bundle manifest"),
    ] {
        for command in ["publish", "run"] {
            let (code, text) = status(&s.dir, &[command, path, "--headless"][..if command == "run" { 3 } else { 2 }]);
            assert_eq!(code, 1, "{command} {path}: {text}");
            assert!(text.contains(says), "{command} {path}: {text}");
        }
    }
    let (_, text) = status(&s.dir, &["run", "nope", "--headless"]);
    assert!(text.contains("nope: no such app directory or bundle manifest"), "{text}");

    // A release for a newer host: the device says so instead of "no release".
    let newer = bundle(&s.dir, &root().join("apps/demo"), &["--min-host", "99.0.0"]);
    s.publish(&newer);
    let (code, json) = update_json(&s);
    assert_eq!(code, 4, "{json}");
    assert!(json["why"].as_str().unwrap().contains("needs host 99.0.0 or newer, this is"), "{json}");

    // --quiet: nothing but what went wrong and the update decisions.
    let (code, text) = status(&s.dir, &["run", "--headless", "--quiet", "--frames", "3"]);
    assert_eq!((code, text.as_str()), (0, ""), "--quiet printed:\n{text}");
    fs::remove_dir_all(&s.dir).unwrap();
}

#[test]
fn an_app_outside_the_checkout_bundles_with_the_toolchain_beside_marquee() {
    let dir = std::env::temp_dir().join(format!("marquee-cli-{}-outside", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let app = dir.join("myapp");
    fs::create_dir_all(&app).unwrap();
    fs::write(app.join("package.json"), r#"{"name":"myapp","version":"1.0.0","main":"main.js"}"#).unwrap();
    fs::write(
        app.join("main.js"),
        "import { createApp } from '@marquee/sdk';\nconst app = createApp();\napp.root.append(app.view({ width: 10 }));\n",
    )
    .unwrap();
    // No npm install in the app, and no esbuild on the PATH: what a new user has.
    let out = Command::new(MARQUEE)
        .args(["bundle", app.to_str().unwrap(), "--out", "store", "--print-id"])
        .current_dir(&dir)
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    let id = BundleId::parse(text.trim()).unwrap();
    let store = Store::new(dir.join("store"));
    let manifest = store.manifest(&id).unwrap();
    let app_js = fs::read(store.object_path(&manifest.files["app.js"].sha256)).unwrap();
    assert!(String::from_utf8_lossy(&app_js).contains("__marqueeHost"), "the SDK is bundled in");
    fs::remove_dir_all(&dir).unwrap();
}

/// A static file server on loopback, written by hand so a test can drop its connection at a
/// chosen byte: the first response for an object stops half-way and the connection closes; then
/// the server is gone for `down` (connections refused), or, with `down: None`, answers every
/// object with 404 until healed. It records each object request's `Range` start.
struct Cutter {
    addr: SocketAddr,
    ranges: std::sync::Arc<std::sync::Mutex<Vec<u64>>>,
    healed: std::sync::Arc<std::sync::atomic::AtomicBool>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Cutter {
    fn start(root: PathBuf, down: Option<Duration>) -> Cutter {
        use std::io::{BufRead, BufReader, Write};
        use std::sync::atomic::{AtomicBool, Ordering};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let ranges = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (healed, stop) = (std::sync::Arc::new(AtomicBool::new(false)), std::sync::Arc::new(AtomicBool::new(false)));
        let c = Cutter { addr, ranges: ranges.clone(), healed: healed.clone(), stop: stop.clone() };
        std::thread::Builder::new()
            .name("test-server".into())
            .spawn(move || {
                let mut listener = Some(listener);
                let mut cut = false;
                // Bounded: the server stops with its test, or after a minute at most.
                let deadline = std::time::Instant::now() + Duration::from_secs(60);
                while !stop.load(Ordering::Relaxed) && std::time::Instant::now() < deadline {
                    let l = listener.get_or_insert_with(|| std::net::TcpListener::bind(addr).unwrap());
                    l.set_nonblocking(true).unwrap();
                    let Ok((stream, _)) = l.accept() else {
                        std::thread::sleep(Duration::from_millis(2));
                        continue;
                    };
                    stream.set_nonblocking(false).unwrap();
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut head = Vec::new();
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                            break;
                        }
                        head.push(line);
                    }
                    let path = head.first().and_then(|l| l.split(' ').nth(1)).unwrap_or("/").to_string();
                    let start: u64 = head
                        .iter()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("range: bytes=")
                                .map(|r| r.trim().trim_end_matches('-').to_string())
                        })
                        .and_then(|r| r.parse().ok())
                        .unwrap_or(0);
                    let mut out = stream;
                    let object = path.starts_with("/objects/");
                    let body = fs::read(root.join(path.trim_start_matches('/'))).ok();
                    let Some(body) =
                        body.filter(|_| !(object && cut && down.is_none() && !healed.load(Ordering::Relaxed)))
                    else {
                        let _ =
                            out.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                        continue;
                    };
                    if object {
                        ranges.lock().unwrap().push(start);
                    }
                    let rest = &body[start.min(body.len() as u64) as usize..];
                    let status = if start > 0 { "206 Partial Content" } else { "200 OK" };
                    let _ = write!(
                        out,
                        "HTTP/1.1 {status}\r\ncontent-length: {}\r\naccept-ranges: bytes\r\nconnection: close\r\n\r\n",
                        rest.len()
                    );
                    if object && !cut && rest.len() > 1 {
                        cut = true;
                        let _ = out.write_all(&rest[..rest.len() / 2]);
                        let _ = out.flush();
                        drop(out);
                        if let Some(down) = down {
                            listener = None;
                            std::thread::sleep(down);
                        }
                        continue;
                    }
                    let _ = out.write_all(rest);
                }
            })
            .unwrap();
        c
    }
}

impl Drop for Cutter {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

#[test]
fn a_dropped_connection_is_resumed_within_the_check_and_across_checks() {
    let (mut s, demo) = setup("dropped");
    s.publish(&demo);
    let store = Store::new(s.dir.join("store"));
    let size = |sha: &str| fs::metadata(store.object_path(sha)).unwrap().len();
    let first_object = |ranges: &[u64]| ranges.first().copied();

    // The server closes mid-body and is back 0.3 s later: the same check resumes with a Range.
    let server = Cutter::start(s.dir.join("repo"), Some(Duration::from_millis(300)));
    s.url = format!("http://{}/", server.addr);
    let (code, json) = update_json(&s);
    assert_eq!((code, json["outcome"].as_str()), (0, Some("staged")), "{json}");
    let ranges = server.ranges.lock().unwrap().clone();
    assert_eq!(first_object(&ranges), Some(0));
    assert!(ranges.iter().any(|&r| r > 0), "the cut object was resumed with a Range request: {ranges:?}");
    drop(server);

    // The server cuts and then fails for the rest of the check: the next check resumes the
    // partial file instead of starting over.
    let _ = fs::remove_dir_all(s.dir.join("device"));
    let server = Cutter::start(s.dir.join("repo"), None);
    s.url = format!("http://{}/", server.addr);
    let (code, text) = status(&s.dir, &s.device_args("update"));
    assert_eq!(code, 1, "{text}");
    let partial: Vec<_> = fs::read_dir(s.dir.join("device/partial")).unwrap().flatten().collect();
    assert_eq!(partial.len(), 1, "the cut object is kept");
    let kept = partial[0].metadata().unwrap().len();
    let sha = partial[0].file_name().to_string_lossy().to_string();
    assert!(kept > 0 && kept < size(&sha), "{kept} of {} bytes kept", size(&sha));
    server.healed.store(true, std::sync::atomic::Ordering::Relaxed);
    let (code, json) = update_json(&s);
    assert_eq!((code, json["outcome"].as_str()), (0, Some("staged")), "{json}");
    assert!(server.ranges.lock().unwrap().contains(&kept), "the next check asked for bytes {kept}-");
    assert!(!s.dir.join("device/partial").join(&sha).exists(), "a finished object leaves no partial file");
    drop(server);
    fs::remove_dir_all(&s.dir).unwrap();
}
