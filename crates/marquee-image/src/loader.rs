//! Loading off the caller's thread: workers fetching and decoding, in lanes that cannot starve
//! each other.
//!
//! The engine thread must never wait on a disk or a network, so it hands each load to the
//! workers and collects what finished at the start of its next frames. Every request gets a
//! ticket; the caller keeps the ticket it is waiting for and ignores a result whose ticket it no
//! longer wants (the image was released, or its key reused, while it loaded).
//!
//! Loads wait in lanes. The app's own files (assets, allowed `file:` URLs) have
//! [`LOCAL_WORKERS`] workers of their own, so a slow or hanging server never delays them.
//! HTTP loads share [`REMOTE_WORKERS`] workers, at most [`PER_ORIGIN`] of them on one origin:
//! thousands of hanging URLs on one server hold two workers (each for at most the fetch
//! timeout), and the other servers' images still come. Decoding, the step that allocates, runs
//! at most [`DECODING`] at a time whatever the lanes, so the memory in flight is bounded too.
//! A queued load that is no longer wanted can be [`cancel`](Loader::cancel)led.
//!
//! Dropping the loader lets the workers finish the load they are on and stop; nothing waits for
//! them.

use std::collections::{HashMap, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use marquee_protocol::ImageError;

use crate::{Error, Fetcher, Image, PixelBudget, Source, decode_within};

/// Workers for the app's own files.
pub const LOCAL_WORKERS: usize = 2;
/// Workers for HTTP loads, all origins together.
pub const REMOTE_WORKERS: usize = 4;
/// The most HTTP loads from one origin (scheme, host, port) at a time.
pub const PER_ORIGIN: usize = 2;
/// The most images decoding at a time.
pub const DECODING: usize = 2;

struct Job {
    key: u32,
    ticket: u64,
    src: String,
    source: Source,
}

/// A finished load.
#[derive(Debug)]
pub struct Done {
    /// The key it was requested under.
    pub key: u32,
    /// The ticket [`Loader::request`] returned for it.
    pub ticket: u64,
    /// The pixels, or why there are none.
    pub result: Result<Image, Error>,
}

#[derive(Default)]
struct Queues {
    local: VecDeque<Job>,
    remote: VecDeque<(String, Job)>,
    /// HTTP loads running, by origin.
    busy: HashMap<String, usize>,
    closed: bool,
}

struct Shared {
    queues: Mutex<Queues>,
    /// Signalled when a job is queued, an origin frees a slot, or the loader closes.
    wake: Condvar,
    /// Decodes running now, up to [`DECODING`].
    decoding: Mutex<usize>,
    decoded: Condvar,
    fetcher: Fetcher,
    budget: Option<Arc<PixelBudget>>,
}

impl Shared {
    fn queues(&self) -> MutexGuard<'_, Queues> {
        // A worker never panics while holding the lock (loads run outside it).
        self.queues.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The next job for a worker of the given lane, waiting for one; `None` once closed.
    fn next(&self, remote: bool) -> Option<(Option<String>, Job)> {
        let mut q = self.queues();
        loop {
            if q.closed {
                return None;
            }
            if !remote {
                if let Some(job) = q.local.pop_front() {
                    return Some((None, job));
                }
            } else {
                let free =
                    q.remote.iter().position(|(origin, _)| q.busy.get(origin).copied().unwrap_or(0) < PER_ORIGIN);
                if let Some((origin, job)) = free.and_then(|i| q.remote.remove(i)) {
                    *q.busy.entry(origin.clone()).or_default() += 1;
                    return Some((Some(origin), job));
                }
            }
            q = self.wake.wait(q).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    fn finished(&self, origin: Option<String>) {
        if let Some(origin) = origin {
            let mut q = self.queues();
            if let Some(n) = q.busy.get_mut(&origin) {
                *n -= 1;
                if *n == 0 {
                    q.busy.remove(&origin);
                }
            }
            drop(q);
            self.wake.notify_all();
        }
    }

    /// Fetches and decodes `job`; decoding waits for a free decoding slot.
    fn load(&self, job: &Job) -> Result<Image, Error> {
        let bytes = self.fetcher.fetch(&job.source)?;
        let mut running = self.decoding.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while *running >= DECODING {
            running = self.decoded.wait(running).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        *running += 1;
        drop(running);
        let result = decode_within(&bytes, self.fetcher.limits(), self.budget.as_deref());
        *self.decoding.lock().unwrap_or_else(std::sync::PoisonError::into_inner) -= 1;
        self.decoded.notify_one();
        result.map_err(|e| Error::new(e.reason, format!("{:?}: {}", job.src, e.detail)))
    }
}

/// Worker threads loading images with one [`Fetcher`].
pub struct Loader {
    shared: Arc<Shared>,
    report: Sender<Done>,
    done: Receiver<Done>,
    next_ticket: u64,
}

impl Loader {
    /// Starts the workers. With a `budget`, every decoded image's pixels are reserved in it
    /// (see [`PixelBudget`]); the caller gives them back when it frees the image. Fails only if
    /// the system refuses a thread.
    pub fn new(fetcher: Fetcher, budget: Option<Arc<PixelBudget>>) -> std::io::Result<Loader> {
        let (report, done) = mpsc::channel();
        let shared = Arc::new(Shared {
            queues: Mutex::default(),
            wake: Condvar::new(),
            decoding: Mutex::new(0),
            decoded: Condvar::new(),
            fetcher,
            budget,
        });
        let lanes = std::iter::repeat_n(false, LOCAL_WORKERS).chain(std::iter::repeat_n(true, REMOTE_WORKERS));
        for (i, remote) in lanes.enumerate() {
            let (shared, report) = (shared.clone(), report.clone());
            let name = if remote { format!("marquee-image-http-{i}") } else { format!("marquee-image-local-{i}") };
            // Workers are not joined: each ends when the loader closes, after its current load,
            // which the fetch timeout bounds.
            std::thread::Builder::new().name(name).spawn(move || {
                while let Some((origin, job)) = shared.next(remote) {
                    // A decoder bug must not take the worker (and every later load) with it.
                    let result =
                        std::panic::catch_unwind(AssertUnwindSafe(|| shared.load(&job))).unwrap_or_else(|_| {
                            Err(Error::new(ImageError::Corrupt, format!("{:?}: the decoder failed", job.src)))
                        });
                    shared.finished(origin);
                    if report.send(Done { key: job.key, ticket: job.ticket, result }).is_err() {
                        return;
                    }
                }
            })?;
        }
        Ok(Loader { shared, report, done, next_ticket: 1 })
    }

    /// Queues a load of `src` under `key`; returns its ticket. A source that does not parse is
    /// answered at once.
    pub fn request(&mut self, key: u32, src: &str) -> u64 {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        let source = match Source::parse(src) {
            Ok(source) => source,
            Err(error) => {
                // The receiver is ours: the send cannot fail.
                let _ = self.report.send(Done { key, ticket, result: Err(error) });
                return ticket;
            }
        };
        let job = Job { key, ticket, src: src.to_owned(), source };
        let mut q = self.shared.queues();
        match job.source.origin() {
            None => q.local.push_back(job),
            Some(origin) => q.remote.push_back((origin, job)),
        }
        drop(q);
        self.shared.wake.notify_all();
        ticket
    }

    /// Drops the load with `ticket` if it has not started; true if it was dropped.
    pub fn cancel(&mut self, ticket: u64) -> bool {
        let mut q = self.shared.queues();
        if let Some(i) = q.local.iter().position(|j| j.ticket == ticket) {
            q.local.remove(i);
            return true;
        }
        if let Some(i) = q.remote.iter().position(|(_, j)| j.ticket == ticket) {
            q.remote.remove(i);
            return true;
        }
        false
    }

    /// Loads queued and not started.
    pub fn queued(&self) -> usize {
        let q = self.shared.queues();
        q.local.len() + q.remote.len()
    }

    /// A finished load, if one is ready now.
    pub fn try_next(&self) -> Option<Done> {
        self.done.try_recv().ok()
    }

    /// The next finished load, waiting up to `timeout` for one.
    pub fn next_timeout(&self, timeout: Duration) -> Option<Done> {
        self.done.recv_timeout(timeout).ok()
    }
}

impl Drop for Loader {
    fn drop(&mut self) {
        self.shared.queues().closed = true;
        self.shared.wake.notify_all();
    }
}
