//! Images as resources: who needs which image, what is loaded, and the texture budget.
//!
//! The engine never sees pixels. An image node names a source; nodes naming the same source
//! share one entry, whose handle is what the display list and the host use. The engine asks the
//! host for an image (a `Load` request in the frame) the first time a node showing it is painted
//! inside the viewport, and the host answers later with [`Images::ready`] or [`Images::failed`].
//!
//! **The budget.** Every loaded image costs `width × height × 4` bytes of texture memory. After
//! each paint, while the loaded images cost more than the budget, the one seen least recently is
//! released (a `Release` request, after which the host frees its pixels) — but never one painted
//! in this frame. A released image is requested again when a node showing it comes back into view.
//! Deciding here rather than in the host keeps eviction deterministic and identical in the native
//! and Wasm engines.

use std::collections::BTreeMap;

use marquee_display_list::frame::Request;
use marquee_protocol::ImageError;

/// Where an image is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Load {
    /// Not asked for yet, or released to keep within the budget.
    Idle,
    /// Asked for; the host is fetching and decoding it.
    Loading,
    /// In the host's memory, `width × height` pixels.
    Ready { width: u32, height: u32 },
    /// The host could not load it; it is not asked for again until a node names it anew.
    Failed(ImageError),
}

#[derive(Debug, Clone)]
struct Entry {
    src: String,
    /// Image nodes naming this source.
    users: u32,
    load: Load,
    /// The frame in which a node showing it was last painted in view.
    seen: u64,
}

/// Every image the scene names.
#[derive(Debug, Clone)]
pub(crate) struct Images {
    /// By handle − 1; `None` marks a free handle.
    entries: Vec<Option<Entry>>,
    by_src: BTreeMap<String, u32>,
    budget: u64,
    resident: u64,
    frame: u64,
    requests: Vec<u8>,
    evicted: Vec<u32>,
}

impl Default for Images {
    fn default() -> Self {
        Images {
            entries: Vec::new(),
            by_src: BTreeMap::new(),
            budget: u64::MAX,
            resident: 0,
            frame: 0,
            requests: Vec::new(),
            evicted: Vec::new(),
        }
    }
}

fn bytes(width: u32, height: u32) -> u64 {
    width as u64 * height as u64 * 4
}

impl Images {
    /// The handle for `src`, shared with every other node naming it; counts one more user.
    pub(crate) fn acquire(&mut self, src: &str) -> u32 {
        if let Some(&h) = self.by_src.get(src) {
            if let Some(e) = self.entry_mut(h) {
                e.users += 1;
            }
            return h;
        }
        let entry = Entry { src: src.to_owned(), users: 1, load: Load::Idle, seen: 0 };
        let h = match self.entries.iter().position(Option::is_none) {
            Some(free) => {
                self.entries[free] = Some(entry);
                free as u32 + 1
            }
            None => {
                self.entries.push(Some(entry));
                self.entries.len() as u32
            }
        };
        self.by_src.insert(src.to_owned(), h);
        h
    }

    /// One user fewer; the last one frees the entry and tells the host to drop the image.
    pub(crate) fn release(&mut self, handle: u32) {
        let Some(e) = self.entry_mut(handle) else { return };
        e.users = e.users.saturating_sub(1);
        if e.users > 0 {
            return;
        }
        let (load, src) = (e.load, std::mem::take(&mut e.src));
        self.unload(handle, load);
        self.by_src.remove(&src);
        self.entries[handle as usize - 1] = None;
    }

    fn entry_mut(&mut self, handle: u32) -> Option<&mut Entry> {
        self.entries.get_mut((handle as usize).checked_sub(1)?)?.as_mut()
    }

    /// The state of the image under `handle`.
    pub(crate) fn load(&self, handle: u32) -> Load {
        let e = (handle as usize).checked_sub(1).and_then(|i| self.entries.get(i)).and_then(Option::as_ref);
        e.map_or(Load::Idle, |e| e.load)
    }

    fn unload(&mut self, handle: u32, load: Load) {
        match load {
            Load::Ready { width, height } => {
                self.resident -= bytes(width, height);
                Request::Release { image: handle }.encode(&mut self.requests);
            }
            Load::Loading => Request::Release { image: handle }.encode(&mut self.requests),
            Load::Idle | Load::Failed(_) => {}
        }
    }

    /// The host has the image. Returns false when nothing is waiting for it (released since).
    pub(crate) fn ready(&mut self, handle: u32, width: u32, height: u32) -> bool {
        let Some(e) = self.entry_mut(handle).filter(|e| e.load == Load::Loading) else { return false };
        e.load = Load::Ready { width, height };
        self.resident += bytes(width, height);
        true
    }

    /// The host could not load the image. Returns false when nothing is waiting for it.
    pub(crate) fn failed(&mut self, handle: u32, reason: ImageError) -> bool {
        let Some(e) = self.entry_mut(handle).filter(|e| e.load == Load::Loading) else { return false };
        e.load = Load::Failed(reason);
        true
    }

    /// Sets the texture budget in bytes.
    pub(crate) fn set_budget(&mut self, budget: u64) {
        self.budget = budget;
    }

    /// After paint: `seen` are the handles painted in view this frame. Requests the ones not
    /// loaded, then releases the least recently seen others while over budget.
    pub(crate) fn after_paint(&mut self, seen: impl Iterator<Item = u32>) {
        self.frame += 1;
        let now = self.frame;
        for h in seen {
            let Some(e) = self.entries.get_mut((h as usize).wrapping_sub(1)).and_then(Option::as_mut) else { continue };
            e.seen = now;
            if e.load == Load::Idle && !e.src.is_empty() {
                e.load = Load::Loading;
                Request::Load { image: h, src: &e.src }.encode(&mut self.requests);
            }
        }
        while self.resident > self.budget {
            let victim = self
                .entries
                .iter()
                .enumerate()
                .filter_map(|(i, e)| e.as_ref().map(|e| (i as u32 + 1, e)))
                .filter(|(_, e)| matches!(e.load, Load::Ready { .. }) && e.seen < now)
                .min_by_key(|(h, e)| (e.seen, *h));
            let Some((h, _)) = victim else { break };
            let load = self.load(h);
            self.unload(h, load);
            if let Some(e) = self.entry_mut(h) {
                e.load = Load::Idle;
            }
            self.evicted.push(h);
        }
    }

    /// The images evicted since the last call: nodes showing them paint their placeholder again.
    pub(crate) fn take_unready(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.evicted)
    }

    /// The requests for the host since the last frame; cleared by the caller after writing them.
    pub(crate) fn requests(&mut self) -> &mut Vec<u8> {
        &mut self.requests
    }

    /// Bytes of texture memory the loaded images take.
    pub(crate) fn resident(&self) -> u64 {
        self.resident
    }

    /// Images asked for and not answered yet.
    pub(crate) fn loading(&self) -> u32 {
        self.entries.iter().flatten().filter(|e| e.load == Load::Loading).count() as u32
    }
}
