//! The debug overlay on the engine thread: when it shows, what it remembers between frames,
//! and the damage it adds.
//!
//! Shown (`Options::overlay`, [`Input::Overlay`](crate::Input::Overlay), F12 in a window, or
//! [`TOGGLE_SEQUENCE`] on a remote), each frame builds the panels from the host's figures
//! (`marquee_overlay`), adds where they draw — and where they drew the frame before — to the
//! frame's damage, so the app's layers are drawn again there, and the backend draws the panels
//! over them. Hidden, nothing of it runs but the remote-key matcher; hiding it damages where
//! it was once, and the app's pixels come back. The overlay reads the host's figures and the
//! engine's counters; it never enters the engine, and the engine cannot tell it is there.

use std::collections::VecDeque;
use std::time::Instant;

use marquee_display_list::IntRect;
use marquee_overlay::{Drawing, Overlay};
use marquee_protocol::Key;

/// The remote keys that show or hide the overlay on a device without a keyboard, pressed
/// within [`SEQUENCE_MS`]: Menu three times, then Up. The keys also reach the engine and the
/// app as ever; the overlay only watches them go by.
pub const TOGGLE_SEQUENCE: [Key; 4] = [Key::Menu, Key::Menu, Key::Menu, Key::Up];

/// How quickly [`TOGGLE_SEQUENCE`] must be pressed, first key to last, in ms of frame time.
pub const SEQUENCE_MS: f64 = 3000.0;

/// Key-to-frame latencies kept (the last ones).
const LATENCIES: usize = 6;

pub(crate) struct DebugOverlay {
    /// The panels' state, made the first time they show.
    overlay: Option<Overlay>,
    size: (u32, u32),
    pub(crate) shown: bool,
    /// Where the panels drew in the last frame drawn with them: damage in the next (they may
    /// shrink or go).
    last_area: IntRect,
    /// The last presses, with their frame times, for the remote sequence.
    presses: VecDeque<(Key, f64)>,
    /// When each key pressed since the last frame was presented arrived.
    waiting_keys: Vec<Instant>,
    /// The last key-to-frame latencies, in ms.
    pub(crate) latencies: VecDeque<f64>,
    /// The last rejections, in words.
    pub(crate) rejections: VecDeque<String>,
}

impl DebugOverlay {
    pub(crate) fn new(size: (u32, u32), shown: bool) -> DebugOverlay {
        DebugOverlay {
            overlay: None,
            size,
            shown,
            last_area: IntRect::default(),
            presses: VecDeque::new(),
            waiting_keys: Vec::new(),
            latencies: VecDeque::new(),
            rejections: VecDeque::new(),
        }
    }

    /// Shows the overlay if hidden, hides it if shown.
    pub(crate) fn toggle(&mut self) {
        self.shown = !self.shown;
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
            self.toggle();
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

    /// The panels' state, made if they have never shown.
    pub(crate) fn panels(&mut self) -> &mut Overlay {
        let (w, h) = self.size;
        self.overlay.get_or_insert_with(|| Overlay::new(w, h))
    }

    /// The panels' state, if they have shown.
    pub(crate) fn state(&self) -> Option<&Overlay> {
        self.overlay.as_ref()
    }

    /// The damage the overlay adds to a frame drawn with `drawing` (`None`: hidden): where it
    /// draws now and where it drew last.
    pub(crate) fn damage(&mut self, drawing: Option<&Drawing>) -> IntRect {
        let now = drawing.map_or(IntRect::default(), |d| d.area);
        std::mem::replace(&mut self.last_area, now).union(&now)
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
        assert_eq!(press(&mut overlay, &TOGGLE_SEQUENCE, 0.0, 200.0), [false, false, false, true]);
        assert!(overlay.shown);
        // Too slow: nothing.
        press(&mut overlay, &TOGGLE_SEQUENCE, 10_000.0, 1100.0);
        assert!(overlay.shown);
        // Other keys first, then the sequence: hides.
        press(&mut overlay, &[Key::Down, Key::Menu, Key::Left], 20_000.0, 100.0);
        press(&mut overlay, &TOGGLE_SEQUENCE, 21_000.0, 100.0);
        assert!(!overlay.shown);
        // Four Menus then Up is the sequence too (the last four keys match).
        press(&mut overlay, &[Key::Menu, Key::Menu, Key::Menu, Key::Menu, Key::Up], 30_000.0, 100.0);
        assert!(overlay.shown);
    }

    #[test]
    fn damage_covers_where_the_panels_are_and_were() {
        let mut overlay = DebugOverlay::new((1280, 720), true);
        let drawing = |area| Drawing { meshes: Vec::new(), area, uploads: Vec::new(), free: Vec::new() };
        let big = IntRect { x: 800, y: 10, w: 400, h: 500 };
        let small = IntRect { x: 800, y: 10, w: 400, h: 300 };
        assert_eq!(overlay.damage(Some(&drawing(big))), big);
        assert_eq!(overlay.damage(Some(&drawing(small))), big, "the part it left is drawn again");
        assert_eq!(overlay.damage(Some(&drawing(small))), small);
        assert_eq!(overlay.damage(None), small, "hidden: where it was, once");
        assert!(overlay.damage(None).is_empty());
    }
}
