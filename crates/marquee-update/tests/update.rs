//! A device's life through releases: staging, trials, confirmation, rollback, rollouts, and
//! downloads that are cut or corrupted on the way.

mod common;

use std::fs;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use common::{Fixture, adopt};
use marquee_bundle::WasmRollout;
use marquee_bundle::channel::in_rollout;
use marquee_repo::ChannelEdit;
use marquee_update::{Error, Launch, Outcome};

#[test]
fn a_device_stages_tries_and_confirms_a_release() {
    let fx = Fixture::new("lifecycle");
    let v1 = fx.publish("1.0.0", "beta", 100.0);
    let (device, config) = fx.device("tv-1", "beta");
    assert_eq!(device.launch().unwrap(), Launch::Factory { rolled_back: None }, "nothing installed yet");

    let Outcome::Staged { id, version, downloaded } = device.check(&config).unwrap() else { panic!() };
    assert_eq!((id.clone(), version.as_str(), downloaded), (v1.clone(), "1.0.0", 4096 + 26));
    let Launch::Bundle { id, dir, trial: true, rolled_back: None } = device.launch().unwrap() else { panic!() };
    assert_eq!(id, v1);
    assert_eq!(fs::read_to_string(dir.join("app.js")).unwrap(), "console.log('app 1.0.0');\n");
    device.confirm(&v1).unwrap();
    assert!(matches!(device.launch().unwrap(), Launch::Bundle { trial: false, .. }));
    assert_eq!(device.check(&config).unwrap(), Outcome::UpToDate(v1));
}

#[test]
fn an_unconfirmed_trial_rolls_back_at_the_next_launch_and_is_never_tried_again() {
    let fx = Fixture::new("rollback");
    let v1 = fx.publish("1.0.0", "stable", 100.0);
    let (device, config) = fx.device("tv-2", "stable");
    device.check(&config).unwrap();
    adopt(&device);

    let v2 = fx.publish("2.0.0", "stable", 100.0);
    assert!(matches!(device.check(&config).unwrap(), Outcome::Staged { .. }));
    let Launch::Bundle { id, trial: true, .. } = device.launch().unwrap() else { panic!() };
    assert_eq!(id, v2);
    // The process dies here: no confirm, no fail.
    let Launch::Bundle { id, trial: false, rolled_back: Some((bad, _)), .. } = device.launch().unwrap() else {
        panic!()
    };
    assert_eq!((id, bad), (v1.clone(), v2.clone()));
    assert_eq!(
        device.check(&config).unwrap(),
        Outcome::UpToDate(v1.clone()),
        "the channel still offers v2; the device keeps v1"
    );
    assert!(device.state().unwrap().failed_ids().contains(&v2));
    assert!(!device.installed(&v2).exists(), "a failed bundle is not kept");
    assert!(matches!(device.launch().unwrap(), Launch::Bundle { trial: false, .. }));

    // A fix published after it is taken.
    let v3 = fx.publish("3.0.0", "stable", 100.0);
    assert!(matches!(device.check(&config).unwrap(), Outcome::Staged { id, .. } if id == v3));
}

#[test]
fn a_trial_that_fails_is_recorded_at_once_and_a_clean_early_quit_is_retried() {
    let fx = Fixture::new("fail");
    fx.publish("1.0.0", "beta", 100.0);
    let (device, config) = fx.device("tv-3", "beta");
    device.check(&config).unwrap();
    let Launch::Bundle { id, .. } = device.launch().unwrap() else { panic!() };
    device.retry_trial(&id).unwrap();
    let Launch::Bundle { id: again, trial: true, rolled_back: None, .. } = device.launch().unwrap() else { panic!() };
    assert_eq!(again, id);
    device.fail(&id, "the app threw at start").unwrap();
    assert_eq!(
        device.launch().unwrap(),
        Launch::Factory { rolled_back: None },
        "the factory bundle, the only good one"
    );
    assert_eq!(device.state().unwrap().failed, vec![(id.0.clone(), "the app threw at start".to_string())]);
    let outcome = device.check(&config).unwrap();
    assert!(
        matches!(&outcome, Outcome::NoRelease { why } if why.ends_with("failed on this device before")),
        "a failed release is not fetched again, and the device says why: {outcome:?}"
    );
}

#[test]
fn a_staged_rollout_reaches_its_share_and_raising_it_adds_devices() {
    let fx = Fixture::new("rollout");
    let v1 = fx.publish("1.0.0", "beta", 100.0);
    let v2 = fx.publish("2.0.0", "beta", 20.0);
    let ids: Vec<String> = (0..40).map(|i| format!("tv-{i}")).collect();
    let mut on_v2 = Vec::new();
    for id in &ids {
        let (device, config) = fx.device(id, "beta");
        let Outcome::Staged { id: got, .. } = device.check(&config).unwrap() else { panic!() };
        assert_eq!(got == v2, in_rollout(id, &v2.0, 20.0), "{id}");
        assert!(got == v2 || got == v1);
        adopt(&device);
        if got == v2 {
            on_v2.push(id.clone());
        }
    }
    fx.repo.edit_channel("beta", &[ChannelEdit::Rollout { bundle: None, percent: 60.0 }]).unwrap();
    for id in &ids {
        let (device, config) = fx.device(id, "beta");
        let outcome = device.check(&config).unwrap();
        if on_v2.contains(id) {
            assert_eq!(outcome, Outcome::UpToDate(v2.clone()), "{id} stays");
        } else if in_rollout(id, &v2.0, 60.0) {
            assert!(matches!(outcome, Outcome::Staged { ref id, .. } if *id == v2), "{id} joins");
        } else {
            assert_eq!(outcome, Outcome::UpToDate(v1.clone()), "{id}");
        }
    }
}

#[test]
fn withdrawing_a_release_sends_its_devices_back_and_the_wasm_switch_reaches_them() {
    let fx = Fixture::new("withdraw");
    let v1 = fx.publish("1.0.0", "beta", 100.0);
    let v2 = fx.publish("2.0.0", "beta", 100.0);
    let (device, config) = fx.device("tv-w", "beta");
    device.check(&config).unwrap();
    assert_eq!(adopt(&device), v2);
    assert_eq!(device.state().unwrap().wasm, Some(WasmRollout { percent: 100.0, kill_switch: false }));

    fx.repo.edit_channel("beta", &[ChannelEdit::Withdraw(None)]).unwrap();
    fx.repo.edit_channel("beta", &[ChannelEdit::WasmKillSwitch(true)]).unwrap();
    assert!(matches!(device.check(&config).unwrap(), Outcome::Staged { id, .. } if id == v1));
    assert_eq!(device.state().unwrap().wasm, Some(WasmRollout { percent: 100.0, kill_switch: true }));
}

#[test]
fn a_damaged_installed_bundle_is_not_launched() {
    let fx = Fixture::new("damaged");
    fx.publish("1.0.0", "beta", 100.0);
    let (device, config) = fx.device("tv-d", "beta");
    device.check(&config).unwrap();
    let id = adopt(&device);
    fs::write(device.installed(&id).join("app.js"), "evil()").unwrap();
    assert_eq!(device.launch().unwrap(), Launch::Factory { rolled_back: None });
}

#[test]
fn a_bit_flipped_object_is_rejected_and_nothing_is_staged() {
    let fx = Fixture::new("bitflip");
    fx.publish("1.0.0", "beta", 100.0);
    let (device, config) = fx.device("tv-b", "beta");
    device.check(&config).unwrap();
    let good = adopt(&device);
    let v2 = fx.bundle("2.0.0", 64 << 10);
    fx.repo.publish(&fx.store, &v2, "beta", 100.0).unwrap();
    let manifest = fx.store.manifest(&v2).unwrap();
    let object = fx.repo.dir().join("objects").join(&manifest.files["engine.wasm"].sha256);
    let clean = fs::read(&object).unwrap();
    for (i, offset) in [0usize, 1, 4097, 65535].into_iter().enumerate() {
        let mut bytes = clean.clone();
        bytes[offset] ^= 1 << (i % 8);
        fs::write(&object, &bytes).unwrap();
        let err = device.check(&config).unwrap_err();
        assert!(matches!(err, Error::Download(_)), "{err}");
        let state = device.state().unwrap();
        assert_eq!((state.active.as_deref(), state.staged.as_deref()), (Some(good.0.as_str()), None));
        assert!(!device.store().object_path(&manifest.files["engine.wasm"].sha256).exists());
    }
    fs::write(&object, &clean).unwrap();
    assert!(matches!(device.check(&config).unwrap(), Outcome::Staged { id, .. } if id == v2));
}

/// A server for the repository that cuts responses short at random points (after sending part
/// of the body) and honours `Range`, counting the body bytes it sent.
struct Flaky {
    addr: SocketAddr,
    sent: Arc<AtomicU64>,
    cuts: Arc<AtomicU64>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

fn flaky(root: PathBuf, cut_one_in: u64) -> Flaky {
    use axum::body::Body;
    use axum::extract::{Request, State};
    use axum::http::{HeaderMap, StatusCode, header};
    use axum::response::Response;

    #[derive(Clone)]
    struct S {
        root: PathBuf,
        sent: Arc<AtomicU64>,
        cuts: Arc<AtomicU64>,
        seq: Arc<AtomicU64>,
        cut_one_in: u64,
    }
    async fn serve(State(s): State<S>, headers: HeaderMap, req: Request) -> Response {
        let path = s.root.join(req.uri().path().trim_start_matches('/'));
        let Ok(bytes) = fs::read(&path) else {
            return Response::builder().status(StatusCode::NOT_FOUND).body(Body::empty()).unwrap();
        };
        let start = headers
            .get(header::RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("bytes="))
            .and_then(|v| v.strip_suffix('-'))
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0)
            .min(bytes.len());
        let body = bytes[start..].to_vec();
        // A cheap deterministic sequence decides which responses are cut, and where.
        let n = s.seq.fetch_add(1, Ordering::Relaxed);
        let r = n.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
        let cut = body.len() > 1 && r % s.cut_one_in == 0;
        let keep = if cut { 1 + (r >> 8) as usize % (body.len() - 1) } else { body.len() };
        s.sent.fetch_add(keep as u64, Ordering::Relaxed);
        let mut chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![Ok(body[..keep].to_vec())];
        if cut {
            s.cuts.fetch_add(1, Ordering::Relaxed);
            chunks.push(Err(std::io::Error::other("connection cut")));
        }
        let status = if start > 0 { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK };
        Response::builder()
            .status(status)
            .header(header::ACCEPT_RANGES, "bytes")
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from_stream(futures_util::stream::iter(chunks)))
            .unwrap()
    }

    let state = S { root, sent: Arc::default(), cuts: Arc::default(), seq: Arc::default(), cut_one_in };
    let (sent, cuts) = (state.sent.clone(), state.cuts.clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let addr = std_listener.local_addr().unwrap();
    std::thread::Builder::new()
        .name("test-server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
                let app = axum::Router::new().fallback(serve).with_state(state);
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        })
        .unwrap();
    Flaky { addr, sent, cuts, _stop: stop }
}

#[test]
fn downloads_cut_at_random_points_complete_by_resuming() {
    let fx = Fixture::new("resume");
    let size = 1 << 20;
    let mut total_bytes = 0u64;
    let mut ids = Vec::new();
    for i in 0..5 {
        let id = fx.bundle(&format!("1.0.{i}"), size);
        fx.repo.publish(&fx.store, &id, &format!("c{i}"), 100.0).unwrap();
        total_bytes += fx.store.manifest(&id).unwrap().files.values().map(|f| f.size).sum::<u64>();
        ids.push(id);
    }
    let server = flaky(fx.repo.dir().to_path_buf(), 3);
    let mut url_config = None;
    for (i, id) in ids.iter().enumerate() {
        let (device, mut config) = fx.device(&format!("tv-r{i}"), &format!("c{i}"));
        config.url = url::Url::parse(&format!("http://{}/", server.addr)).unwrap();
        config.tries = 20;
        let outcome = device.check(&config).unwrap();
        assert!(matches!(outcome, Outcome::Staged { id: ref got, .. } if got == id), "{outcome:?}");
        assert!(marquee_bundle::verify_dir(&device.installed(id)).is_ok());
        url_config = Some(config);
    }
    let cuts = server.cuts.load(Ordering::Relaxed);
    let sent = server.sent.load(Ordering::Relaxed);
    assert!(cuts >= 5, "only {cuts} responses were cut");
    // Resuming sends each byte about once: metadata is small next to the 5 MiB of objects.
    let ratio = sent as f64 / total_bytes as f64;
    assert!(ratio < 1.25, "{sent} bytes sent for {total_bytes} ({ratio:.2}×), {cuts} cuts");
    eprintln!("resume: {cuts} cuts, {sent} bytes sent for {total_bytes} bytes of objects ({ratio:.3}×)");
    let _ = url_config;
    let _ = fs::remove_dir_all(&fx.dir);
}
