//! The host's half of image nodes: loads the engine asks for, pixels it draws from.
//!
//! The engine decides which images should be in memory (it sees what is painted and keeps the
//! texture budget); the host obeys. Each frame's `Load` requests go to the loader's worker
//! threads and each `Release` frees the pixels at once; finished loads are answered before the
//! next frame, so an image appears one frame after it arrives, never half-way through one.
//! Handles are the engine's and may be reused after a release, so every load carries a ticket
//! and a late answer for a ticket nobody waits for any more is dropped (a queued one is
//! cancelled before it is fetched).
//!
//! Images that arrive together are handed over a few at a time: each frame takes in at most
//! [`Textures::new`]'s `per_frame` pixels of new images (the host gives a quarter of its screen;
//! always at least one image), the rest wait for the next frames, in handle order. A rail of posters arriving at once would otherwise
//! make one frame resample, and re-cut the layers of, every one of them; spread over a few
//! frames, it appears as quickly and no frame runs long. (Chromium and the web TV renderers bound
//! the images a frame decodes or uploads the same way.)
//!
//! Decoded pixels are held within a hard cap, a [`PixelBudget`] every load reserves against
//! from its header: the engine's texture budget releases images out of view to stay under it,
//! and when the images in view alone would pass it, the next load fails (`too-many-pixels`)
//! instead of the device running out of memory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use marquee_display_list::frame::{self, Request};
use marquee_display_list::images::{Images, Pixels};
use marquee_image::{Error, Fetcher, Image, Limits, Loader, PixelBudget};

/// A finished load for the engine.
pub(crate) enum Answer {
    /// `handle` is loaded, `width × height` pixels.
    Ready { handle: u32, width: u32, height: u32 },
    /// `handle` could not be loaded.
    Failed { handle: u32, src: String, error: Error },
}

impl Answer {
    fn handle(&self) -> u32 {
        match self {
            Answer::Ready { handle, .. } | Answer::Failed { handle, .. } => *handle,
        }
    }
}

pub(crate) struct Textures {
    loader: Loader,
    /// Loads the engine waits for: handle → (ticket, source).
    pending: HashMap<u32, (u64, String)>,
    /// Loaded images by handle, each with its serial: loads so far, counted when it arrived
    /// (the raster keeps resampled copies of an image under its serial, and a handle the engine
    /// reuses is another image).
    resident: HashMap<u32, (u64, Image)>,
    /// Loaded images not handed to the engine yet, in the order they will be.
    held: std::collections::VecDeque<(u32, Image)>,
    /// Pixels of new images a frame takes in.
    per_frame: u64,
    loaded: u64,
    bytes: u64,
    budget: Arc<PixelBudget>,
}

impl Textures {
    /// Loads for the app in `app_dir`, `file:` URLs allowed in `file_dirs` only, decoded pixels
    /// held within `cap` bytes, at most `per_frame` pixels of new images handed over a frame.
    pub(crate) fn new(
        app_dir: &Path,
        limits: Limits,
        file_dirs: Vec<PathBuf>,
        (cap, per_frame): (u64, u64),
    ) -> std::io::Result<Textures> {
        let budget = Arc::new(PixelBudget::new(cap));
        let fetcher = Fetcher::new(app_dir, limits).allow_file_dirs(file_dirs);
        let loader = Loader::new(fetcher, Some(budget.clone()))?;
        let (pending, resident, held) = (HashMap::new(), HashMap::new(), Default::default());
        Ok(Textures { loader, pending, resident, held, per_frame, loaded: 0, bytes: 0, budget })
    }

    /// Drops a loaded image not handed over yet.
    fn drop_held(&mut self, handle: u32) {
        if let Some(i) = self.held.iter().position(|(h, _)| *h == handle)
            && let Some((_, image)) = self.held.remove(i)
        {
            self.bytes -= image.bytes();
            self.budget.give_back(image.bytes());
        }
    }

    /// Frees a resident image's pixels.
    fn free(&mut self, handle: u32) {
        if let Some((_, old)) = self.resident.remove(&handle) {
            self.bytes -= old.bytes();
            self.budget.give_back(old.bytes());
        }
    }

    /// Carries out a frame's requests.
    pub(crate) fn apply(&mut self, requests: &[u8]) -> Result<(), marquee_display_list::Error> {
        for request in frame::requests(requests)? {
            match request {
                Request::Load { image, src } => {
                    self.drop_held(image);
                    let ticket = self.loader.request(image, src);
                    if let Some((old, _)) = self.pending.insert(image, (ticket, src.to_owned())) {
                        self.loader.cancel(old);
                    }
                }
                Request::Release { image } => {
                    if let Some((ticket, _)) = self.pending.remove(&image) {
                        self.loader.cancel(ticket);
                    }
                    self.drop_held(image);
                    self.free(image);
                }
            }
        }
        Ok(())
    }

    /// Loads that finished, as far as this frame takes them in (see the module's notes). With
    /// `wait_until`, blocks until every pending load has finished or that moment has passed
    /// (each load is bounded by its fetch timeout) — frames under virtual time must not depend on
    /// how fast the disk or the network was, and a run's own deadline still holds.
    pub(crate) fn answers(&mut self, wait_until: Option<Instant>) -> Vec<Answer> {
        let mut out = Vec::new();
        let mut arrived = Vec::new();
        loop {
            let left = wait_until.and_then(|t| t.checked_duration_since(Instant::now()));
            let done = match left {
                Some(left) if !self.pending.is_empty() => match self.loader.next_timeout(left) {
                    Some(done) => done,
                    None => break,
                },
                _ => match self.loader.try_next() {
                    Some(done) => done,
                    None => break,
                },
            };
            let wanted = self.pending.get(&done.key).is_some_and(|(ticket, _)| *ticket == done.ticket);
            if !wanted {
                if let Ok(image) = &done.result {
                    self.budget.give_back(image.bytes());
                }
                continue;
            }
            let (_, src) = self.pending.remove(&done.key).unwrap_or_default();
            match done.result {
                Ok(image) => arrived.push((done.key, image)),
                Err(error) => out.push(Answer::Failed { handle: done.key, src, error }),
            }
        }
        // In handle order, whichever finished first: the frames are the same run after run.
        arrived.sort_unstable_by_key(|(handle, _)| *handle);
        self.bytes += arrived.iter().map(|(_, image)| image.bytes()).sum::<u64>();
        self.held.extend(arrived);
        let mut taken = 0u64;
        while let Some((_, image)) = self.held.front() {
            let pixels = u64::from(image.width) * u64::from(image.height);
            if taken > 0 && taken + pixels > self.per_frame {
                break;
            }
            taken += pixels;
            let Some((handle, image)) = self.held.pop_front() else { break };
            let (width, height) = (image.width, image.height);
            self.free(handle);
            self.loaded += 1;
            self.resident.insert(handle, (self.loaded, image));
            out.push(Answer::Ready { handle, width, height });
        }
        // Failures and arrivals alike in handle order: the app hears of them in the same order
        // on every run, whichever load finished first.
        out.sort_by_key(Answer::handle);
        out
    }

    /// Frees the pixels of an image the engine did not take (it was released meanwhile).
    pub(crate) fn discard(&mut self, handle: u32) {
        self.free(handle);
    }

    /// Forgets everything: a new engine instance knows none of these handles.
    pub(crate) fn clear(&mut self) {
        for (_, (ticket, _)) in self.pending.drain() {
            self.loader.cancel(ticket);
        }
        let handles: Vec<u32> = self.resident.keys().copied().collect();
        for handle in handles {
            self.free(handle);
        }
        for (_, image) in std::mem::take(&mut self.held) {
            self.bytes -= image.bytes();
            self.budget.give_back(image.bytes());
        }
    }

    /// Loads in flight or loaded but not handed over, that the engine waits for.
    pub(crate) fn pending(&self) -> usize {
        self.pending.len() + self.held.len()
    }

    /// Decoded pixels held (handed over or not yet), in bytes.
    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }
}

impl Images for Textures {
    fn image(&self, handle: u32) -> Option<Pixels<'_>> {
        let (_, image) = self.resident.get(&handle)?;
        Some(Pixels { width: image.width, height: image.height, data: &image.pixels })
    }

    fn serial(&self, handle: u32) -> Option<u64> {
        self.resident.get(&handle).map(|&(serial, _)| serial)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// Loads `src` as `handle` and waits for it.
    fn load(textures: &mut Textures, handle: u32, src: &str) {
        let mut requests = Vec::new();
        Request::Load { image: handle, src }.encode(&mut requests);
        textures.apply(&requests).unwrap();
        let answers = textures.answers(Some(Instant::now() + Duration::from_secs(20)));
        assert!(matches!(answers[..], [Answer::Ready { handle: h, .. }] if h == handle));
    }

    /// A handle the engine releases and loads again is another image to the raster, which keeps
    /// resampled copies of images by serial.
    #[test]
    fn every_load_gets_a_serial_of_its_own() {
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../apps/demo");
        let mut textures = Textures::new(&demo, Limits::default(), Vec::new(), (64 << 20, 1 << 20)).unwrap();
        load(&mut textures, 1, "assets/posters/01.jpg");
        load(&mut textures, 2, "assets/posters/02.jpg");
        let (one, two) = (textures.serial(1).unwrap(), textures.serial(2).unwrap());
        assert_ne!(one, two);
        let mut release = Vec::new();
        Request::Release { image: 1 }.encode(&mut release);
        textures.apply(&release).unwrap();
        assert_eq!(textures.serial(1), None);
        load(&mut textures, 1, "assets/posters/03.jpg");
        let again = textures.serial(1).unwrap();
        assert!(again != one && again != two, "{again} after {one}, {two}");
        assert_eq!(textures.serial(2), Some(two));
    }

    /// Images arriving together are handed over a frame's worth at a time, in handle order, and
    /// one released before its turn is dropped.
    #[test]
    fn a_frame_takes_in_a_frames_worth_of_new_images() {
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../apps/demo");
        // Each poster is 320 × 180: two fit a frame.
        let mut textures = Textures::new(&demo, Limits::default(), Vec::new(), (64 << 20, 2 * 320 * 180)).unwrap();
        let mut requests = Vec::new();
        for (handle, src) in [(4, "01"), (2, "02"), (9, "03"), (7, "04"), (5, "05")] {
            Request::Load { image: handle, src: &format!("assets/posters/{src}.jpg") }.encode(&mut requests);
        }
        textures.apply(&requests).unwrap();
        let ready = |answers: Vec<Answer>| -> Vec<u32> {
            answers
                .iter()
                .filter_map(|a| if let Answer::Ready { handle, .. } = a { Some(*handle) } else { None })
                .collect()
        };
        let first = ready(textures.answers(Some(Instant::now() + Duration::from_secs(20))));
        assert_eq!(first, [2, 4]);
        assert_eq!(textures.pending(), 3, "three loaded, not handed over");
        let held = textures.bytes();
        let mut release = Vec::new();
        Request::Release { image: 7 }.encode(&mut release);
        textures.apply(&release).unwrap();
        assert_eq!(textures.bytes(), held - 320 * 180 * 4, "a released image's pixels go at once");
        assert_eq!(ready(textures.answers(None)), [5, 9]);
        assert_eq!((textures.pending(), ready(textures.answers(None)).len()), (0, 0));
        assert!(textures.serial(7).is_none() && textures.serial(9).is_some());
    }
}
