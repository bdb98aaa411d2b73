//! A host's overlay session: whether the panels show and have the keys, what the inspector
//! has picked and what the engine last answered about it, when the panels are built and where
//! they draw, and the remote-key sequence that toggles them.
//!
//! Shown (`marquee run --overlay`, F12 in a window, [`TOGGLE_SEQUENCE`] on a remote, `?overlay`
//! in a browser), the panels are built from the host's figures every [`REFRESH_MS`] of frame
//! time, and kept between. The panels are drawn in a frame only over the whole of their area,
//! redrawn by the app first: the frame they are built in damages where they are and where they
//! were, and so does any frame whose own damage touches them; any other frame leaves their
//! pixels as they are, and costs nothing. So no pixel is ever composited twice. The CPU backend
//! composites the panels from pixels rasterized once a build; the GPU draws the build's meshes.
//! Hidden, nothing of it runs but the remote-key matcher; hiding it damages where it was once,
//! and the app's pixels come back. The session reads the host's figures and asks the engine
//! through the debug query; it never enters the engine, and the engine cannot tell it is there.
//!
//! Every host keeps one: the native host's engine thread and the browser host's web.wasm. Time
//! comes in as ms from the host's own clock, and the engine's answers through a closure, so
//! the same session runs on a device and in a page.

use std::collections::VecDeque;

use marquee_display_list::IntRect;
use marquee_engine_contract::debug::{self, Answer, FocusInfo, NodeInfo, Query};
use marquee_protocol::Key;

use crate::{Drawing, Outline, Overlay};

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

/// The engine's debug query as a host reaches it: the answer's bytes, `None` when the engine
/// has no such export, an error when the call failed (a trap, a hang).
pub type Engine<'a, E> = dyn FnMut(Query) -> Result<Option<Vec<u8>>, E> + 'a;

/// Key-to-frame latencies kept (the last ones).
const LATENCIES: usize = 6;

/// Damage rectangles kept between builds for the outlines; past this many, the last grows to
/// cover the rest (a frame where every tile moves makes hundreds).
const DAMAGE_KEPT: usize = 64;

/// One host's overlay: see the module docs.
pub struct Session {
    /// The panels' state, made the first time they show.
    overlay: Option<Overlay>,
    size: (u32, u32),
    /// The panels show.
    pub shown: bool,
    /// Keys go to the inspector (the panels show).
    pub inspecting: bool,
    /// The node the inspector shows.
    pub picked: Option<u32>,
    /// The engine's last answer about it.
    pub node: Option<NodeInfo>,
    /// The engine's last answer about the focus.
    pub focus: Option<FocusInfo>,
    /// Why an answer is missing (no debug query in this engine, an answer that did not decode).
    pub problem: Option<String>,
    /// The problem last handed to the host's log (see [`new_problem`](Self::new_problem)).
    told: Option<String>,
    /// A debug query call failed (the host replaced the engine): none is made again.
    pub query_failed: bool,
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
    /// When each key pressed since the last frame was presented arrived (ms, host clock).
    waiting_keys: Vec<f64>,
    /// The last key-to-frame latencies, in ms.
    latencies: VecDeque<f64>,
    /// The last rejections, in words.
    rejections: VecDeque<String>,
    /// What the inspector outlines (play-pause moves it on).
    pub outline: Outline,
    /// The frames' damage since the panels were last built, when it outlines damage.
    pub damage: Vec<IntRect>,
}

impl Session {
    /// A session for a screen of `size` pixels, shown from the start or not.
    pub fn new(size: (u32, u32), shown: bool) -> Session {
        Session {
            overlay: None,
            size,
            shown,
            inspecting: false,
            picked: None,
            node: None,
            focus: None,
            problem: None,
            told: None,
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
            outline: Outline::None,
            damage: Vec::new(),
        }
    }

    /// The next step of hidden, shown, inspecting (keys go to the inspector), hidden.
    pub fn cycle(&mut self) {
        (self.shown, self.inspecting) = match (self.shown, self.inspecting) {
            (false, _) => (true, false),
            (true, false) => (true, true),
            (true, true) => (false, false),
        };
        // Shown anew, or into the inspector: built at once.
        self.current = None;
    }

    /// Where the session is, in a word: hidden, shown or inspecting.
    pub fn state(&self) -> &'static str {
        match (self.shown, self.inspecting) {
            (false, _) => "hidden",
            (true, false) => "shown",
            (true, true) => "inspecting",
        }
    }

    /// The panels are built at the next frame, whatever the time (the inspector moved).
    pub fn refresh(&mut self) {
        self.built_at = f64::NEG_INFINITY;
    }

    /// A key was pressed at frame time `time_ms`, `now_ms` on the host's clock: timed until
    /// its frame is presented, and matched against [`TOGGLE_SEQUENCE`] (a match toggles the
    /// overlay; returns whether it did).
    pub fn pressed(&mut self, key: Key, time_ms: f64, now_ms: f64) -> bool {
        self.waiting_keys.push(now_ms);
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

    /// A frame reached the screen at `now_ms` (host clock): the keys waiting for one have their
    /// latency.
    pub fn presented(&mut self, now_ms: f64) {
        for arrived in self.waiting_keys.drain(..) {
            self.latencies.push_back(now_ms - arrived);
        }
        while self.latencies.len() > LATENCIES {
            self.latencies.pop_front();
        }
    }

    /// A command was rejected, in these words.
    pub fn rejected(&mut self, words: String) {
        self.rejections.push_back(words);
        while self.rejections.len() > crate::panels::REJECTIONS {
            self.rejections.pop_front();
        }
    }

    /// A frame drew `damage` (the app's, not the overlay's own): kept for the outlines when
    /// they show it.
    pub fn drew(&mut self, damage: &[IntRect]) {
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

    /// Asks the engine through `engine` (its debug query: the answer's bytes, `None` when it has
    /// none). Undecodable bytes and an engine without the query give `None`, the reason in
    /// [`problem`](Self::problem); a call that fails is the host's to handle (it replaces the
    /// engine, as after any failed call), and none is made again this session: a build whose
    /// debug query breaks it would otherwise be replaced four times a second.
    pub fn ask<E>(&mut self, query: Query, engine: &mut Engine<'_, E>) -> Result<Option<Answer>, E> {
        if self.query_failed {
            return Ok(None);
        }
        let answer = match engine(query) {
            Ok(Some(bytes)) => debug::decode(&bytes).map_err(|e| e.to_string()),
            Ok(None) => Err("this engine build has no debug query".to_owned()),
            Err(e) => {
                self.query_failed = true;
                self.problem = Some("the debug query failed; not asked again".to_owned());
                return Err(e);
            }
        };
        match answer {
            Ok(answer) => {
                self.problem = None;
                Ok(Some(answer))
            }
            Err(why) => {
                self.problem = Some(why);
                Ok(None)
            }
        }
    }

    /// Why the engine's answers are missing, when that changed since the last call: for the
    /// host's log, which says it once rather than four times a second.
    pub fn new_problem(&mut self) -> Option<String> {
        if self.problem == self.told {
            return None;
        }
        self.told.clone_from(&self.problem);
        self.problem.clone()
    }

    /// The node the engine has as `id`, if it answers one.
    fn ask_node<E>(&mut self, id: u32, engine: &mut Engine<'_, E>) -> Result<Option<NodeInfo>, E> {
        Ok(match self.ask(Query::Node(id), engine)? {
            Some(Answer::Node(node)) => Some(*node),
            _ => None,
        })
    }

    /// A key for the inspector: Up the parent, Down the first child, Left and Right the
    /// siblings, Enter the focused node, play-pause the next outline, Back out of the inspector
    /// (keys go to the app again).
    pub fn inspect_key<E>(&mut self, key: Key, engine: &mut Engine<'_, E>) -> Result<(), E> {
        self.refresh();
        let node = match self.picked {
            Some(id) => self.ask_node(id, engine)?,
            None => None,
        };
        let picked = match key {
            Key::Back => {
                self.inspecting = false;
                return Ok(());
            }
            Key::PlayPause => {
                self.outline = self.outline.next();
                self.damage.clear();
                return Ok(());
            }
            Key::Up => node.and_then(|n| n.parent),
            Key::Down => node.and_then(|n| n.child_ids.first().copied()),
            Key::Left | Key::Right => {
                let Some(n) = node else { return Ok(()) };
                let siblings = match n.parent {
                    Some(p) => self.ask_node(p, engine)?.map(|p| p.child_ids).unwrap_or_default(),
                    None => Vec::new(),
                };
                let at = siblings.iter().position(|&c| c == n.id);
                let next = match (key, at) {
                    (Key::Left, Some(i)) => i.checked_sub(1),
                    (_, Some(i)) => Some(i + 1),
                    _ => None,
                };
                next.and_then(|i| siblings.get(i).copied())
            }
            Key::Enter => match self.ask(Query::Focus, engine)? {
                Some(Answer::Focus(focus)) => focus.focused,
                _ => None,
            },
            _ => None,
        };
        if picked.is_some() {
            self.picked = picked;
        }
        Ok(())
    }

    /// A click at `x, y` on the screen: the inspector takes the node shown there (and the keys).
    pub fn pick<E>(&mut self, x: f32, y: f32, engine: &mut Engine<'_, E>) -> Result<(), E> {
        if !self.shown {
            return Ok(());
        }
        if let Some(Answer::Node(node)) = self.ask(Query::At { x, y }, engine)? {
            (self.picked, self.inspecting) = (Some(node.id), true);
            self.refresh();
        }
        Ok(())
    }

    /// The answers the panels show, asked anew before a build: the focus always, the picked
    /// node while inspecting (the focused one when none is picked yet).
    pub fn ask_for_panels<E>(&mut self, engine: &mut Engine<'_, E>) -> Result<(), E> {
        if let Some(Answer::Focus(focus)) = self.ask(Query::Focus, engine)? {
            if self.inspecting && self.picked.is_none() {
                self.picked = focus.focused.or(Some(0));
            }
            self.focus = Some(focus);
        }
        self.node = match (self.inspecting, self.picked) {
            (true, Some(id)) => self.ask_node(id, engine)?,
            _ => None,
        };
        Ok(())
    }

    /// Whether the panels are to be built at frame time `time_ms`: they show, and were never
    /// built, or [`REFRESH_MS`] ago (or the clock went back: a new run of virtual time).
    pub fn due(&self, time_ms: f64) -> bool {
        self.shown && (self.current.is_none() || !(0.0..REFRESH_MS).contains(&(time_ms - self.built_at)))
    }

    /// Builds the panels from `figures` at frame time `time_ms` (made the first time they
    /// show): they draw in this frame. What the session keeps is its own to fill in: the key
    /// latencies, the rejections, and the inspector (its answers, its outline and the damage
    /// since the last build, with `placed`, each layer on screen, wanted when
    /// [`Outline::layers`]).
    pub fn build(&mut self, figures: crate::Figures<'_>, placed: &[(u32, IntRect)], time_ms: f64) {
        let (w, h) = self.size;
        let overlay = self.overlay.get_or_insert_with(|| Overlay::new(w, h));
        let mut figures = figures;
        figures.key_latencies_ms = self.latencies.make_contiguous();
        figures.app.rejections = self.rejections.make_contiguous();
        figures.inspector = crate::Inspector {
            inspecting: self.inspecting,
            node: self.node.as_ref(),
            focus: self.focus.as_ref(),
            problem: self.problem.as_deref(),
            outline: self.outline,
            damage: &self.damage,
            layers: placed,
        };
        let drawing = overlay.frame(&figures);
        self.built(drawing, time_ms);
    }

    /// The panels were built at `time_ms`: they draw in this frame.
    fn built(&mut self, drawing: Drawing, time_ms: f64) {
        (self.current, self.built_at, self.rebuilt, self.pixels) = (Some(drawing), time_ms, true, None);
        self.damage.clear();
    }

    /// What the overlay adds to a frame whose own damage is `damage`, and whether the panels
    /// draw in it. They draw over their whole area or not at all: built this frame (damage:
    /// where they are and were), or touched by the frame's damage (damage: where they are).
    /// Hidden, where they were is damage once, and they are let go.
    pub fn cover(&mut self, damage: &[IntRect]) -> (IntRect, bool) {
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

    /// Composites the current panels over `frame` (RGBA rows `width` pixels wide), rasterizing
    /// them first if this build has not been yet.
    pub fn paint_cpu(&mut self, frame: &mut [u8], width: u32) -> Result<(), String> {
        let (Some(overlay), Some(drawing)) = (self.overlay.as_ref(), self.current.as_ref()) else { return Ok(()) };
        let area = drawing.area;
        if area.is_empty() {
            return Ok(());
        }
        let pixels = match &mut self.pixels {
            Some(pixels) => pixels,
            None => {
                let mut pixels = vec![0; area.w as usize * area.h as usize * 4];
                crate::cpu::paint_in(overlay, drawing, &mut pixels, area)?;
                self.pixels.insert(pixels)
            }
        };
        crate::cpu::composite(pixels, area, frame, width)
    }

    /// The panels' state and the current build, for the GPU backend to draw.
    pub fn gpu_parts(&mut self) -> Option<(&mut Overlay, &Drawing)> {
        self.overlay.as_mut().zip(self.current.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_remote_sequence_toggles_only_when_pressed_in_time() {
        let mut overlay = Session::new((1280, 720), false);
        let now = 0.0;
        let press = |o: &mut Session, keys: &[Key], start: f64, step: f64| {
            keys.iter().enumerate().map(|(i, k)| o.pressed(*k, start + i as f64 * step, now)).collect::<Vec<_>>()
        };
        let mode = |o: &Session| (o.shown, o.inspecting);
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
    fn bad_answers_leave_a_reason_and_a_failed_call_stops_the_asking() {
        let mut session = Session::new((1280, 720), true);
        let focus = Answer::Focus(FocusInfo { focused: Some(7), path: Vec::new() });
        let mut bytes = Vec::new();
        debug::encode(&focus, &mut bytes);
        let mut good = |_| Ok::<_, ()>(Some(bytes.clone()));
        assert_eq!(session.ask(Query::Focus, &mut good), Ok(Some(focus.clone())));
        assert_eq!(session.problem, None);
        assert_eq!(session.new_problem(), None);
        let mut garbage = |_| Ok::<_, ()>(Some(vec![1, 9, 9]));
        assert_eq!(session.ask(Query::Focus, &mut garbage), Ok(None));
        assert!(session.problem.is_some(), "the reason is kept for the panels");
        assert_eq!(session.new_problem(), session.problem, "the log says it once");
        assert_eq!(session.ask(Query::Focus, &mut garbage), Ok(None));
        assert_eq!(session.new_problem(), None);
        let mut none = |_| Ok::<_, ()>(None);
        assert_eq!(session.ask(Query::Focus, &mut none), Ok(None));
        assert_eq!(session.problem.as_deref(), Some("this engine build has no debug query"));
        // Inspecting with nothing picked starts at the focused node.
        session.cycle();
        session.ask_for_panels(&mut good).unwrap();
        assert_eq!((session.picked, session.focus.as_ref().and_then(|f| f.focused)), (Some(7), Some(7)));
        // A call that fails is the host's to handle, once: nothing is asked after it.
        let mut calls = 0;
        let mut failing = |_| {
            calls += 1;
            Err::<Option<Vec<u8>>, _>("trap")
        };
        assert_eq!(session.ask(Query::Focus, &mut failing), Err("trap"));
        assert_eq!(session.inspect_key(Key::Enter, &mut failing), Ok(()));
        assert_eq!(session.ask_for_panels(&mut failing), Ok(()));
        assert_eq!(calls, 1);
        assert!(session.query_failed);
    }

    #[test]
    fn damage_is_kept_for_the_outlines_only_when_they_show_it_and_within_a_cap() {
        let mut overlay = Session::new((1280, 720), true);
        let r = |x| IntRect { x, y: 0, w: 10, h: 10 };
        overlay.drew(&[r(0)]);
        assert!(overlay.damage.is_empty(), "outlines off: nothing kept");
        overlay.outline = Outline::Layers;
        overlay.drew(&[r(0)]);
        assert!(overlay.damage.is_empty(), "layers only: nothing kept");
        overlay.outline = Outline::Damage;
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
        let mut overlay = Session::new((1280, 720), true);
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
