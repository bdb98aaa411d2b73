//! The host's half of image nodes: loads the engine asks for, pixels it draws from.
//!
//! The engine decides which images should be in memory (it sees what is painted and keeps the
//! texture budget); the host obeys. Each frame's `Load` requests go to the loader's worker
//! threads and each `Release` frees the pixels at once; finished loads are answered before the
//! next frame, so an image appears one frame after it arrives, never half-way through one.
//! Handles are the engine's and may be reused after a release, so every load carries a ticket
//! and a late answer for a ticket nobody waits for any more is dropped.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use marquee_display_list::frame::{self, Request};
use marquee_image::{Error, Fetcher, Image, Limits, Loader};
use marquee_raster::PixmapRef;

/// A finished load for the engine.
pub(crate) enum Answer {
    /// `handle` is loaded, `width × height` pixels.
    Ready { handle: u32, width: u32, height: u32 },
    /// `handle` could not be loaded.
    Failed { handle: u32, src: String, error: Error },
}

pub(crate) struct Textures {
    loader: Loader,
    limits: Limits,
    /// Loads the engine waits for: handle → (ticket, source).
    pending: HashMap<u32, (u64, String)>,
    resident: HashMap<u32, Image>,
    bytes: u64,
}

impl Textures {
    pub(crate) fn new(app_dir: &Path, limits: Limits) -> std::io::Result<Textures> {
        // Two workers: one slow server does not hold up the app's own assets.
        let loader = Loader::new(Fetcher::new(app_dir, limits), 2)?;
        Ok(Textures { loader, limits, pending: HashMap::new(), resident: HashMap::new(), bytes: 0 })
    }

    /// Carries out a frame's requests.
    pub(crate) fn apply(&mut self, requests: &[u8]) -> Result<(), marquee_display_list::Error> {
        for request in frame::requests(requests)? {
            match request {
                Request::Load { image, src } => {
                    let ticket = self.loader.request(image, src);
                    self.pending.insert(image, (ticket, src.to_owned()));
                }
                Request::Release { image } => {
                    self.pending.remove(&image);
                    if let Some(old) = self.resident.remove(&image) {
                        self.bytes -= old.bytes();
                    }
                }
            }
        }
        Ok(())
    }

    /// Loads that finished. With `wait`, blocks until every pending load has finished (each
    /// bounded by the fetch timeout) — frames under virtual time must not depend on how fast
    /// the disk or the network was.
    pub(crate) fn answers(&mut self, wait: bool) -> Vec<Answer> {
        let mut out = Vec::new();
        // A load cannot take longer than its fetch timeout plus decoding; the margin covers the
        // decoding and a busy machine.
        let patience = self.limits.timeout + Duration::from_secs(5);
        loop {
            let done = if wait && !self.pending.is_empty() {
                match self.loader.next_timeout(patience) {
                    Some(done) => done,
                    None => break,
                }
            } else {
                match self.loader.try_next() {
                    Some(done) => done,
                    None => break,
                }
            };
            let wanted = self.pending.get(&done.key).is_some_and(|(ticket, _)| *ticket == done.ticket);
            if !wanted {
                continue;
            }
            let (_, src) = self.pending.remove(&done.key).unwrap_or_default();
            out.push(match done.result {
                Ok(image) => {
                    let (width, height) = (image.width, image.height);
                    self.bytes += image.bytes();
                    if let Some(old) = self.resident.insert(done.key, image) {
                        self.bytes -= old.bytes();
                    }
                    Answer::Ready { handle: done.key, width, height }
                }
                Err(error) => Answer::Failed { handle: done.key, src, error },
            });
        }
        out
    }

    /// Frees the pixels of an image the engine did not take (it was released meanwhile).
    pub(crate) fn discard(&mut self, handle: u32) {
        if let Some(old) = self.resident.remove(&handle) {
            self.bytes -= old.bytes();
        }
    }

    /// Forgets everything: a new engine instance knows none of these handles.
    pub(crate) fn clear(&mut self) {
        self.pending.clear();
        self.resident.clear();
        self.bytes = 0;
    }

    /// Loads in flight that the engine waits for.
    pub(crate) fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Decoded pixels held, in bytes.
    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }
}

impl marquee_raster::Images for Textures {
    fn image(&self, handle: u32) -> Option<PixmapRef<'_>> {
        let image = self.resident.get(&handle)?;
        PixmapRef::from_bytes(&image.pixels, image.width, image.height)
    }
}
