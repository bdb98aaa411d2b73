//! The debug overlay on the engine thread: when it shows, what it remembers between frames,
//! and the damage it adds.
//!
//! Shown (`Options::overlay`, [`Input::Overlay`](crate::Input::Overlay), F12 in a window, or
//! [`TOGGLE_SEQUENCE`] on a remote), the panels are built from the host's figures
//! (`marquee_overlay`) every [`REFRESH_MS`] of frame time, and kept between. The panels are
//! drawn in a frame only over the whole of their area, redrawn by the app first: the frame they
//! are built in damages where they are and where they were, and so does any frame whose own
//! damage touches them; any other frame leaves their pixels as they are, and costs nothing. So
//! no pixel is ever composited twice. The CPU backend composites the panels from pixels
//! rasterized once a build; the GPU draws the build's meshes. Hidden, nothing of it runs but the
//! remote-key matcher; hiding it damages where it was once, and the app's pixels come back. The
//! overlay reads the host's figures and the engine's counters; it never enters the engine, and
//! the engine cannot tell it is there.

use std::collections::VecDeque;
use std::time::Instant;

use marquee_display_list::IntRect;
use marquee_overlay::{Drawing, Overlay};
use marquee_protocol::Key;

/// The remote keys that move the overlay on (as F12 does: hidden, shown, inspecting, hidden) on
/// a device without a keyboard, pressed within [`SEQUENCE_MS`]: Menu three times, then Up. The
/// keys also reach the engine and the app as ever, unless the inspector has them; the overlay
/// only watches them go by.
pub const TOGGLE_SEQUENCE: [Key; 4] = [Key::Menu, Key::Menu, Key::Menu, Key::Up];

/// How quickly [`TOGGLE_SEQUENCE`] must be pressed, first key to last, in ms of frame time.
pub const SEQUENCE_MS: f64 = 3000.0;

/// How often the panels are built anew while they show, in ms of frame time: a figure that
/// changed every frame could not be read anyway, and frames between builds cost nothing.
pub const REFRESH_MS: f64 = 250.0;

/// Key-to-frame latencies kept (the last ones).
const LATENCIES: usize = 6;

/// Damage rectangles kept between builds for the outlines; past this many, the last grows to
/// cover the rest (a frame where every tile moves makes hundreds).
const DAMAGE_KEPT: usize = 64;

pub(crate) struct DebugOverlay {
    /// The panels' state, made the first time they show.
    overlay: Option<Overlay>,
    size: (u32, u32),
    pub(crate) shown: bool,
    /// Keys go to the inspector (the overlay shows).
    pub(crate) inspecting: bool,
    /// The node the inspector shows, and the engine's last answers about it and the focus.
    pub(crate) picked: Option<u32>,
    pub(crate) node: Option<marquee_engine_contract::debug::NodeInfo>,
    pub(crate) focus: Option<marquee_engine_contract::debug::FocusInfo>,
    /// Why an answer is missing (no debug query in this engine, an answer that did not decode).
    pub(crate) problem: Option<String>,
    /// A debug query call failed (and the engine was replaced): none is made again.
    pub(crate) query_failed: bool,
    /// The panels as last built, when (frame time), and whether that was this frame.
    current: Option<Drawing>,
    built_at: f64,
    rebuilt: bool,
    /// The current panels rasterized apart, their area's size (the CPU backend's; made when
    /// first drawn).
    pixels: Option<Vec<u8>>,
    /// Where the panels are on screen, as last drawn (empty once hidden and drawn over).
    area: IntRect,
    /// The last presses, with their frame times, for the remote sequence.
    presses: VecDeque<(Key, f64)>,
    /// When each key pressed since the last frame was presented arrived.
    waiting_keys: Vec<Instant>,
    /// The last key-to-frame latencies, in ms.
    pub(crate) latencies: VecDeque<f64>,
    /// The last rejections, in words.
    pub(crate) rejections: VecDeque<String>,
    /// What the inspector outlines (play-pause moves it on), and the frames' damage since the
    /// panels were last built, when it outlines damage.
    pub(crate) outline: marquee_overlay::Outline,
    pub(crate) damage: Vec<IntRect>,
}

impl DebugOverlay {
    pub(crate) fn new(size: (u32, u32), shown: bool) -> DebugOverlay {
        DebugOverlay {
            overlay: None,
            size,
            shown,
            inspecting: false,
            picked: None,
            node: None,
            focus: None,
            problem: None,
            query_failed: false,
            current: None,
            built_at: 0.0,
            rebuilt: false,
            pixels: None,
            area: IntRect::default(),
            presses: VecDeque::new(),
            waiting_keys: Vec::new(),
            latencies: VecDeque::new(),
            rejections: VecDeque::new(),
            outline: marquee_overlay::Outline::None,
            damage: Vec::new(),
        }
    }

    /// The next step of hidden, shown, inspecting (keys go to the inspector), hidden.
    pub(crate) fn cycle(&mut self) {
        (self.shown, self.inspecting) = match (self.shown, self.inspecting) {
            (false, _) => (true, false),
            (true, false) => (true, true),
            (true, true) => (false, false),
        };
        // Shown anew, or into the inspector: built at once.
        self.current = None;
    }

    /// The panels are built at the next frame, whatever the time (the inspector moved).
    pub(crate) fn refresh(&mut self) {
        self.built_at = f64::NEG_INFINITY;
    }

    /// A key was pressed at frame time `time_ms`: timed until its frame is presented, and
    /// matched against [`TOGGLE_SEQUENCE`] (a match toggles the overlay; returns whether it did).
    pub(crate) fn pressed(&mut self, key: Key, time_ms: f64, now: Instant) -> bool {
        self.waiting_keys.push(now);
        self.presses.push_back((key, time_ms));
        while self.presses.len() > TOGGLE_SEQUENCE.len() {
            self.presses.pop_front();
        }
        let matched = self.presses.iter().map(|(k, _)| *k).eq(TOGGLE_SEQUENCE)
            && self
                .presses
                .back()
                .zip(self.presses.front())
                .is_some_and(|(last, first)| last.1 - first.1 <= SEQUENCE_MS);
        if matched {
            self.presses.clear();
            self.cycle();
        }
        matched
    }

    /// A frame reached the screen at `now`: the keys waiting for one have their latency.
    pub(crate) fn presented(&mut self, now: Instant) {
        for arrived in self.waiting_keys.drain(..) {
            self.latencies.push_back(now.duration_since(arrived).as_secs_f64() * 1000.0);
        }
        while self.latencies.len() > LATENCIES {
            self.latencies.pop_front();
        }
    }

    /// A command was rejected, in these words.
    pub(crate) fn rejected(&mut self, words: String) {
        self.rejections.push_back(words);
        while self.rejections.len() > marquee_overlay::panels::REJECTIONS {
            self.rejections.pop_front();
        }
    }

    /// A frame drew `damage` (the app's, not the overlay's own): kept for the outlines when
    /// they show it.
    pub(crate) fn drew(&mut self, damage: &[IntRect]) {
        if !(self.shown && self.outline.damage()) {
            return;
        }
        for r in damage {
            if self.damage.len() < DAMAGE_KEPT {
                self.damage.push(*r);
            } else if let Some(last) = self.damage.last_mut() {
                *last = last.union(r);
            }
        }
    }

    /// Whether the panels are to be built at frame time `time_ms`: they show, and were never
    /// built, or [`REFRESH_MS`] ago (or the clock went back: a new run of virtual time).
    pub(crate) fn due(&self, time_ms: f64) -> bool {
        self.shown && (self.current.is_none() || !(0.0..REFRESH_MS).contains(&(time_ms - self.built_at)))
    }

    /// The panels' state, made if they have never shown.
    pub(crate) fn panels(&mut self) -> &mut Overlay {
        let (w, h) = self.size;
        self.overlay.get_or_insert_with(|| Overlay::new(w, h))
    }

    /// The panels were built at `time_ms`: they draw in this frame.
    pub(crate) fn built(&mut self, drawing: Drawing, time_ms: f64) {
        (self.current, self.built_at, self.rebuilt, self.pixels) = (Some(drawing), time_ms, true, None);
    }

    /// What the overlay adds to a frame whose own damage is `damage`, and whether the panels
    /// draw in it. They draw over their whole area or not at all: built this frame (damage:
    /// where they are and were), or touched by the frame's damage (damage: where they are).
    /// Hidden, where they were is damage once, and they are let go.
    pub(crate) fn cover(&mut self, damage: &[IntRect]) -> (IntRect, bool) {
        let rebuilt = std::mem::take(&mut self.rebuilt);
        if !self.shown {
            self.current = None;
            self.pixels = None;
            return (std::mem::take(&mut self.area), false);
        }
        let Some(now) = self.current.as_ref().map(|d| d.area) else { return (IntRect::default(), false) };
        if rebuilt {
            return (std::mem::replace(&mut self.area, now).union(&now), true);
        }
        let touched = damage.iter().any(|d| !d.intersect(&now).is_empty());
        (if touched { now } else { IntRect::default() }, touched)
    }

    /// Composites the current panels over `canvas`, rasterizing them first if this build has
    /// not been yet.
    pub(crate) fn paint_cpu(&mut self, canvas: &mut marquee_raster::Canvas) -> Result<(), String> {
        let (Some(overlay), Some(drawing)) = (self.overlay.as_ref(), self.current.as_ref()) else { return Ok(()) };
        let area = drawing.area;
        if area.is_empty() {
            return Ok(());
        }
        let pixels = match &mut self.pixels {
            Some(pixels) => pixels,
            None => {
                let mut pixels = vec![0; area.w as usize * area.h as usize * 4];
                marquee_overlay::cpu::paint_in(overlay, drawing, &mut pixels, area)?;
                self.pixels.insert(pixels)
            }
        };
        let width = canvas.bounds().w as u32;
        marquee_overlay::cpu::composite(pixels, area, canvas.pixels_mut(), width)
    }

    /// The panels' state and the current build, for the GPU backend to draw.
    pub(crate) fn gpu_parts(&mut self) -> Option<(&mut Overlay, &Drawing)> {
        self.overlay.as_mut().zip(self.current.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_remote_sequence_toggles_only_when_pressed_in_time() {
        let mut overlay = DebugOverlay::new((1280, 720), false);
        let now = Instant::now();
        let press = |o: &mut DebugOverlay, keys: &[Key], start: f64, step: f64| {
            keys.iter().enumerate().map(|(i, k)| o.pressed(*k, start + i as f64 * step, now)).collect::<Vec<_>>()
        };
        let mode = |o: &DebugOverlay| (o.shown, o.inspecting);
        assert_eq!(press(&mut overlay, &TOGGLE_SEQUENCE, 0.0, 200.0), [false, false, false, true]);
        assert_eq!(mode(&overlay), (true, false));
        // Too slow: nothing.
        press(&mut overlay, &TOGGLE_SEQUENCE, 10_000.0, 1100.0);
        assert_eq!(mode(&overlay), (true, false));
        // Other keys first, then the sequence: on to the inspector, then hidden.
        press(&mut overlay, &[Key::Down, Key::Menu, Key::Left], 20_000.0, 100.0);
        press(&mut overlay, &TOGGLE_SEQUENCE, 21_000.0, 100.0);
        assert_eq!(mode(&overlay), (true, true));
        press(&mut overlay, &TOGGLE_SEQUENCE, 22_000.0, 100.0);
        assert_eq!(mode(&overlay), (false, false));
        // Four Menus then Up is the sequence too (the last four keys match).
        press(&mut overlay, &[Key::Menu, Key::Menu, Key::Menu, Key::Menu, Key::Up], 30_000.0, 100.0);
        assert_eq!(mode(&overlay), (true, false));
    }

    #[test]
    fn damage_is_kept_for_the_outlines_only_when_they_show_it_and_within_a_cap() {
        let mut overlay = DebugOverlay::new((1280, 720), true);
        let r = |x| IntRect { x, y: 0, w: 10, h: 10 };
        overlay.drew(&[r(0)]);
        assert!(overlay.damage.is_empty(), "outlines off: nothing kept");
        overlay.outline = marquee_overlay::Outline::Layers;
        overlay.drew(&[r(0)]);
        assert!(overlay.damage.is_empty(), "layers only: nothing kept");
        overlay.outline = marquee_overlay::Outline::Damage;
        let many: Vec<IntRect> = (0..100).map(|i| r(i * 10)).collect();
        overlay.drew(&many);
        assert_eq!(overlay.damage.len(), DAMAGE_KEPT);
        assert_eq!(overlay.damage[..DAMAGE_KEPT - 1], many[..DAMAGE_KEPT - 1]);
        assert_eq!(overlay.damage.last(), Some(&IntRect { x: (DAMAGE_KEPT as i32 - 1) * 10, y: 0, w: 370, h: 10 }));
        overlay.damage.clear();
        overlay.shown = false;
        overlay.drew(&[r(0)]);
        assert!(overlay.damage.is_empty(), "hidden: nothing kept");
    }

    #[test]
    fn panels_draw_whole_when_built_or_touched_and_leave_damage_when_hidden() {
        let mut overlay = DebugOverlay::new((1280, 720), true);
        let drawing = |area| Drawing { meshes: Vec::new(), area };
        let big = IntRect { x: 800, y: 10, w: 400, h: 500 };
        let small = IntRect { x: 800, y: 10, w: 400, h: 300 };
        let elsewhere = [IntRect { x: 0, y: 0, w: 100, h: 100 }];
        let under = [IntRect { x: 900, y: 100, w: 10, h: 10 }];
        assert!(overlay.due(0.0));
        overlay.built(drawing(big), 0.0);
        assert_eq!(overlay.cover(&elsewhere), (big, true), "built: drawn");
        assert!(!overlay.due(100.0));
        assert_eq!(overlay.cover(&elsewhere), (IntRect::default(), false), "untouched: left alone");
        assert_eq!(overlay.cover(&under), (big, true), "touched: drawn whole");
        assert!(overlay.due(250.0));
        overlay.built(drawing(small), 250.0);
        assert_eq!(overlay.cover(&[]), (big, true), "the part it left is drawn again");
        assert_eq!(overlay.cover(&under), (small, true));
        overlay.cycle();
        overlay.cycle();
        assert!(!overlay.due(600.0));
        assert_eq!(overlay.cover(&under), (small, false), "hidden: where it was, once");
        assert_eq!(overlay.cover(&under), (IntRect::default(), false));
        // Shown again: built anew at once, whatever the time.
        overlay.cycle();
        assert!(overlay.due(601.0));
    }
}
