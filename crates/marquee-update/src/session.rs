//! One launch of the app, as the update policy sees it: what runs, the check in the background,
//! and the trial of a newly staged bundle. Any host built on these libraries runs a device
//! through a [`Session`]: [`Session::start`] before the host starts, [`Session::finish`] after it
//! ends.
//!
//! A trial is confirmed once the app's content has been on screen for `confirm_after` with no
//! engine failure; it fails at the first engine failure, or at the end of a run that never showed
//! content or ended in an error; a run that ended too soon to tell leaves it to be tried again.
//! The watching thread wakes when the host's [`Health`] changes or when the confirmation is due —
//! it never polls — and both threads are named and joined.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use marquee_bundle::BundleId;

use crate::check::short;
use crate::{Config, Device, Error, Launch};

/// How long [`Session::finish`] lets a check in progress go on: leaving mid-download is safe
/// (every file and the state are written by rename) and the next launch checks again.
pub const CHECK_GRACE: Duration = Duration::from_secs(30);

/// The running app's health, as the host reports it (`marquee_host::Vitals`).
pub trait Health: Send + Sync {
    /// When the app's content first reached the screen, if it has.
    fn content_since(&self) -> Option<Instant>;
    /// Engine failures (instances replaced after a trap or a hang) so far.
    fn engine_failures(&self) -> u64;
    /// Whether the run has ended.
    fn ended(&self) -> bool;
    /// A count of the changes above so far: read before looking at them, and passed to
    /// [`wait`](Self::wait), so that a change between the two is not missed.
    fn changes(&self) -> u64;
    /// Blocks until there have been more than `seen` changes, or `timeout` has passed.
    fn wait(&self, seen: u64, timeout: Duration);
}

/// What the session tells the person or log watching the device, one line at a time.
pub type Say = Arc<dyn Fn(String) + Send + Sync>;

/// A launch in progress.
pub struct Session {
    device: Arc<Device>,
    launch: Launch,
    say: Say,
    checker: Option<(JoinHandle<()>, Receiver<()>)>,
    watcher: Option<JoinHandle<()>>,
    /// The trial's bundle, until the watcher or [`finish`](Self::finish) settles it.
    trial: Arc<Mutex<Option<BundleId>>>,
}

impl Session {
    /// Decides what runs (never waiting on the network), starts the check in the background and,
    /// for a trial, the thread that confirms it from `health`.
    pub fn start(
        device: Arc<Device>,
        config: Config,
        health: Arc<dyn Health>,
        confirm_after: Duration,
        say: Say,
    ) -> Result<Session, Error> {
        let launch = device.launch()?;
        if let Some((id, why)) = launch.rolled_back() {
            say(format!("update: bundle {} rolled back: {why}", short(id)));
        }
        let trial = match &launch {
            Launch::Bundle { id, trial, .. } => {
                say(format!("update: running {} {}", short(id), if *trial { "on trial" } else { "(last-known-good)" }));
                trial.then(|| id.clone())
            }
            Launch::Factory { .. } => {
                say("update: running the factory bundle".into());
                None
            }
        };
        let trial = Arc::new(Mutex::new(trial));
        let (done, finished) = mpsc::channel();
        let checker = {
            let (device, say) = (device.clone(), say.clone());
            std::thread::Builder::new()
                .name("marquee-update-check".into())
                .spawn(move || {
                    match device.check(&config) {
                        Ok(outcome) => say(outcome.to_string()),
                        Err(e) => say(format!("update: check failed, nothing changed: {e}")),
                    }
                    let _ = done.send(());
                })
                .map_err(|e| Error::Thread(format!("cannot start the update check: {e}")))?
        };
        let watching = trial.lock().map(|t| t.is_some()).unwrap_or(false);
        let watcher = if watching {
            let (device, say, trial) = (device.clone(), say.clone(), trial.clone());
            let thread = std::thread::Builder::new()
                .name("marquee-update-trial".into())
                .spawn(move || watch(&device, &*health, confirm_after, &trial, &say))
                .map_err(|e| Error::Thread(format!("cannot start the trial watch: {e}")))?;
            Some(thread)
        } else {
            None
        };
        Ok(Session { device, launch, say, checker: Some((checker, finished)), watcher, trial })
    }

    /// What this launch runs.
    pub fn launch(&self) -> &Launch {
        &self.launch
    }

    /// Whether this launch is a trial.
    pub fn on_trial(&self) -> bool {
        matches!(self.launch, Launch::Bundle { trial: true, .. })
    }

    /// Settles a trial the watcher has not, from how the run ended (`failure`: why it failed, if
    /// it did), then waits for the check (at most [`CHECK_GRACE`]). Call it once the host's run
    /// has ended and `health` says so (the watcher is joined only then; one still waiting finds
    /// the trial settled and does nothing).
    pub fn finish(mut self, failure: Option<String>, health: &dyn Health) {
        if let Some(watcher) = self.watcher.take()
            && health.ended()
        {
            let _ = watcher.join();
        }
        let unsettled = self.trial.lock().ok().and_then(|mut t| t.take());
        if let Some(id) = unsettled {
            let failure = failure
                .or_else(|| (health.engine_failures() > 0).then(|| "the engine failed during the trial".into()))
                .or_else(|| health.content_since().is_none().then(|| "the app never showed its content".into()));
            let result = match &failure {
                Some(why) => {
                    (self.say)(format!(
                        "update: trial of {} failed: {why}; the next launch runs the last-known-good bundle",
                        short(&id)
                    ));
                    self.device.fail(&id, why)
                }
                None => {
                    (self.say)(format!(
                        "update: the run ended before {} could be confirmed; it is tried again next launch",
                        short(&id)
                    ));
                    self.device.retry_trial(&id)
                }
            };
            if let Err(e) = result {
                (self.say)(format!("update: {e}"));
            }
        }
        if let Some((checker, finished)) = self.checker.take() {
            match finished.recv_timeout(CHECK_GRACE) {
                Ok(()) | Err(RecvTimeoutError::Disconnected) => {
                    let _ = checker.join();
                }
                Err(RecvTimeoutError::Timeout) => {
                    (self.say)("update: the check is still running; the next launch checks again".into());
                }
            }
        }
    }
}

/// Confirms the trial once content has been on screen for `after` with no engine failure; gives
/// up (leaving the decision to [`Session::finish`]) at the first failure or when the run ends.
fn watch(device: &Device, health: &dyn Health, after: Duration, trial: &Mutex<Option<BundleId>>, say: &Say) {
    loop {
        let seen = health.changes();
        if health.engine_failures() > 0 || health.ended() {
            return;
        }
        let wait = match health.content_since() {
            Some(since) => match after.checked_sub(since.elapsed()) {
                Some(left) if !left.is_zero() => left,
                _ => break,
            },
            // Until something changes: the host wakes us at the first content frame, a failure
            // or the end of the run.
            None => Duration::from_secs(3600),
        };
        health.wait(seen, wait);
    }
    let Ok(mut trial) = trial.lock() else { return };
    let Some(id) = trial.clone() else { return };
    match device.confirm(&id) {
        Ok(()) => {
            *trial = None;
            say(format!("update: {} confirmed healthy; it is the last-known-good bundle", short(&id)));
        }
        // Left on trial: the end of the run settles it.
        Err(e) => say(format!("update: could not confirm {}: {e}", short(&id))),
    }
}
