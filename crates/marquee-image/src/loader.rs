//! Loading off the caller's thread: a small pool of workers fetching and decoding.
//!
//! The engine thread must never wait on a disk or a network, so it hands each load to the pool
//! and collects what finished at the start of its next frames. Every request gets a ticket; the
//! caller keeps the ticket it is waiting for and ignores a result whose ticket it no longer
//! wants (the image was released, or its key reused, while it loaded). Dropping the loader lets
//! the workers finish the load they are on and stop; nothing waits for them.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use marquee_protocol::ImageError;

use crate::{Error, Fetcher, Image};

struct Job {
    key: u32,
    ticket: u64,
    src: String,
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

/// Worker threads loading images with one [`Fetcher`].
pub struct Loader {
    jobs: Sender<Job>,
    done: Receiver<Done>,
    next_ticket: u64,
}

impl Loader {
    /// Starts `workers` threads (at least one). Fails only if the system refuses a thread.
    pub fn new(fetcher: Fetcher, workers: usize) -> std::io::Result<Loader> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let (report, done) = mpsc::channel();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..workers.max(1) {
            let (queue, report, fetcher) = (queue.clone(), report.clone(), fetcher.clone());
            // Workers are not joined: each ends when the queue closes (the loader is dropped),
            // after its current load, which the fetch timeout bounds.
            std::thread::Builder::new().name(format!("marquee-image-{i}")).spawn(move || {
                loop {
                    // The lock is held only while waiting for the next job, never while loading.
                    let job = match queue.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    let Ok(Job { key, ticket, src }) = job else { return };
                    // A decoder bug must not take the worker (and every later load) with it.
                    let result =
                        std::panic::catch_unwind(AssertUnwindSafe(|| fetcher.load(&src))).unwrap_or_else(|_| {
                            Err(Error::new(ImageError::Corrupt, format!("{src:?}: the decoder failed")))
                        });
                    if report.send(Done { key, ticket, result }).is_err() {
                        return;
                    }
                }
            })?;
        }
        Ok(Loader { jobs, done, next_ticket: 1 })
    }

    /// Queues a load of `src` under `key`; returns its ticket.
    pub fn request(&mut self, key: u32, src: &str) -> u64 {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        // Workers only stop once `jobs` is dropped, so the send cannot fail while we hold it.
        let _ = self.jobs.send(Job { key, ticket, src: src.to_owned() });
        ticket
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
