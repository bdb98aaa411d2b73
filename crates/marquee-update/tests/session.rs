//! The launch policy in `Session`: a trial is confirmed once its content has been on screen for
//! the confirmation time, failed at an engine failure, an error or a run that never showed
//! content (the next launch runs the factory bundle, never the failed one), and retried after a
//! clean run that ended too soon to tell; the session says each decision.

mod common;

use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use common::Fixture;
use marquee_update::{Health, Launch, Say, Session};

/// A host's health the test sets by hand: when content showed, engine failures, ended, and a
/// count of changes.
#[derive(Default)]
struct Scripted {
    state: Mutex<(Option<Instant>, u64, bool, u64)>,
    changed: Condvar,
}

impl Scripted {
    fn change(&self, f: impl FnOnce(&mut (Option<Instant>, u64, bool, u64))) {
        let mut state = self.state.lock().unwrap();
        f(&mut state);
        state.3 += 1;
        self.changed.notify_all();
    }
}

impl Health for Scripted {
    fn content_since(&self) -> Option<Instant> {
        self.state.lock().unwrap().0
    }
    fn engine_failures(&self) -> u64 {
        self.state.lock().unwrap().1
    }
    fn ended(&self) -> bool {
        self.state.lock().unwrap().2
    }
    fn changes(&self) -> u64 {
        self.state.lock().unwrap().3
    }
    fn wait(&self, seen: u64, timeout: Duration) {
        let state = self.state.lock().unwrap();
        let _ = self.changed.wait_timeout_while(state, timeout, |now| now.3 == seen);
    }
}

/// A device with v1 staged, a session started on it, its health, and what it says.
fn on_trial(
    name: &str,
    confirm_after: Duration,
) -> (Fixture, marquee_update::Device, Session, Arc<Scripted>, Receiver<String>) {
    let fx = Fixture::new(name);
    fx.publish("1.0.0", "stable", 100.0);
    let (device, config) = fx.device("tv", "stable");
    device.check(&config).unwrap();
    let (tx, said) = mpsc::channel();
    let tx = Mutex::new(tx);
    let say: Say = Arc::new(move |line| {
        let _ = tx.lock().unwrap().send(line);
    });
    let health = Arc::new(Scripted::default());
    let session =
        Session::start(Arc::new(fx.device("tv", "stable").0), config, health.clone(), confirm_after, say).unwrap();
    assert!(session.on_trial());
    (fx, device, session, health, said)
}

/// The next line the session says that contains `words`, within ten seconds.
fn heard(said: &Receiver<String>, words: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match said.recv_timeout(left) {
            Ok(line) if line.contains(words) => return line,
            Ok(_) => {}
            Err(e) => panic!("the session never said {words:?}: {e}"),
        }
    }
}

#[test]
fn content_on_screen_long_enough_confirms_the_trial() {
    let (_fx, device, session, health, said) = on_trial("session-confirm", Duration::from_millis(100));
    heard(&said, "on trial");
    health.change(|s| s.0 = Some(Instant::now()));
    heard(&said, "confirmed healthy");
    health.change(|s| s.2 = true);
    session.finish(None, &*health);
    assert!(matches!(device.launch().unwrap(), Launch::Bundle { trial: false, .. }), "v1 is last-known-good");
}

#[test]
fn an_engine_failure_fails_the_trial_and_the_next_launch_rolls_back() {
    let (_fx, device, session, health, said) = on_trial("session-fail", Duration::from_secs(3600));
    health.change(|s| s.0 = Some(Instant::now()));
    health.change(|s| s.1 = 1);
    health.change(|s| s.2 = true);
    session.finish(None, &*health);
    heard(&said, "the engine failed during the trial");
    let launch = device.launch().unwrap();
    assert!(matches!(launch, Launch::Factory { .. }), "{launch:?}");
}

#[test]
fn a_run_without_content_fails_and_a_short_clean_run_is_retried() {
    let (_fx, device, session, health, said) = on_trial("session-blank", Duration::from_secs(3600));
    health.change(|s| s.2 = true);
    session.finish(None, &*health);
    heard(&said, "the app never showed its content");
    assert!(matches!(device.launch().unwrap(), Launch::Factory { .. }), "v1 is never launched again");

    let (_fx, device, session, health, said) = on_trial("session-short", Duration::from_secs(3600));
    health.change(|s| s.0 = Some(Instant::now()));
    health.change(|s| s.2 = true);
    session.finish(None, &*health);
    heard(&said, "tried again next launch");
    assert!(matches!(device.launch().unwrap(), Launch::Bundle { trial: true, .. }), "retried");
}

#[test]
fn a_failed_run_fails_the_trial_with_its_reason() {
    let (_fx, device, session, health, said) = on_trial("session-error", Duration::from_secs(3600));
    health.change(|s| s.0 = Some(Instant::now()));
    health.change(|s| s.2 = true);
    session.finish(Some("the app threw".into()), &*health);
    heard(&said, "failed: the app threw");
    assert!(matches!(device.launch().unwrap(), Launch::Factory { .. }), "v1 is never launched again");
}
