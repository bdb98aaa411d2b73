//! Back-pressure on the app's command batches: the bytes sent and not yet applied are bounded.
//!
//! The app thread may produce batches faster than the engine applies them (a loop sending the
//! same large batch, a runaway render). Without a bound they pile up in the channel until the
//! device runs out of memory. With one, the app's `send` waits while [`MAX_QUEUED_BYTES`] are
//! queued, until the engine thread has applied enough of them: the app slows to the engine's
//! pace, which is what a browser's main thread does when it is the one doing the work. Nothing
//! is dropped, so a scene is never half-applied. The engine thread never waits here; it only
//! releases bytes, and closes the backlog when the run ends so a waiting app thread goes on
//! (its batches then have nowhere to go).

use std::sync::{Condvar, Mutex, MutexGuard};

/// The most bytes of command batches sent by the app and not yet applied; one batch larger than
/// this is let through alone.
pub const MAX_QUEUED_BYTES: usize = 16 << 20;

#[derive(Default)]
struct State {
    queued: usize,
    closed: bool,
    /// Times the app had to wait.
    waits: u64,
}

#[derive(Default)]
pub(crate) struct Backlog {
    state: Mutex<State>,
    drained: Condvar,
}

impl Backlog {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// On the app thread: counts `bytes` about to be sent, first waiting while the backlog is
    /// full. Returns false once the run has ended.
    pub(crate) fn admit(&self, bytes: usize) -> bool {
        let mut state = self.state();
        let full = |s: &State| !s.closed && s.queued > 0 && s.queued + bytes > MAX_QUEUED_BYTES;
        if full(&state) {
            state.waits += 1;
        }
        while full(&state) {
            state = self.drained.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        state.queued += bytes;
        !state.closed
    }

    /// On the engine thread: `bytes` were applied (or dropped).
    pub(crate) fn applied(&self, bytes: usize) {
        let mut state = self.state();
        state.queued = state.queued.saturating_sub(bytes);
        drop(state);
        self.drained.notify_all();
    }

    /// The run is over: nobody waits any more.
    pub(crate) fn close(&self) {
        self.state().closed = true;
        self.drained.notify_all();
    }

    /// Times the app's thread waited for the engine.
    pub(crate) fn waits(&self) -> u64 {
        self.state().waits
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn the_sender_waits_for_the_engine_and_never_holds_more_than_the_bound() {
        let backlog = Arc::new(Backlog::default());
        let sent = Arc::new(AtomicUsize::new(0));
        let chunk = MAX_QUEUED_BYTES / 4;
        let app = {
            let (backlog, sent) = (backlog.clone(), sent.clone());
            std::thread::Builder::new()
                .name("test-app".into())
                .spawn(move || {
                    for _ in 0..12 {
                        assert!(backlog.admit(chunk));
                        sent.fetch_add(1, Ordering::SeqCst);
                    }
                })
                .unwrap()
        };
        // The app gets four batches in, then waits: nothing is applied yet.
        while backlog.waits() == 0 {
            std::thread::yield_now();
        }
        assert_eq!(sent.load(Ordering::SeqCst), 4);
        // Each batch applied lets one more in.
        for applied in 1..=8 {
            backlog.applied(chunk);
            while sent.load(Ordering::SeqCst) < 4 + applied {
                std::thread::yield_now();
            }
            assert!(backlog.state().queued <= MAX_QUEUED_BYTES);
        }
        app.join().unwrap();
        assert!(backlog.waits() >= 1);
    }

    #[test]
    fn closing_releases_a_waiting_sender() {
        let backlog = Arc::new(Backlog::default());
        assert!(backlog.admit(MAX_QUEUED_BYTES));
        let waiting = {
            let backlog = backlog.clone();
            std::thread::Builder::new().name("test-app".into()).spawn(move || backlog.admit(1)).unwrap()
        };
        backlog.close();
        assert!(!waiting.join().unwrap(), "after the run ends the batch has nowhere to go");
    }
}
