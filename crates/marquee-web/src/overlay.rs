//! The debug overlay in a page: the same session and panels as the native host's
//! (`marquee_overlay::Session`), kept by the instance that draws. The page's engine worker
//! hands it what only the page knows — each frame's times, the engine's counters, which build
//! runs and why, the app worker's batches and console — as JSON ([`PageFigures`]) when the
//! panels are due, and asks the engine's debug query for it through an import (see `abi`).
//! Everything else (the remote sequence, the inspector's keys, the outlines, what the panels
//! add to a frame's damage) is the session's, as on a device.

use marquee_display_list::IntRect;
use marquee_overlay::panels::{HISTORY, Severity};
use marquee_overlay::session::Engine;
use marquee_overlay::{AppFigures, EngineFigures, Figures, FrameTimes, LogLine};
use marquee_protocol::{Key, KeyAction};
use serde::Deserialize;

use crate::{Draw, Web};

/// What the page knows for the panels, as its engine worker sends it (JSON, snake case).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFigures {
    /// The frame's number.
    pub frame: u64,
    /// The run has virtual time: the panels show no durations.
    #[serde(default)]
    pub virtual_time: bool,
    /// The last frames' times, oldest first: engine, render and present, in ms.
    #[serde(default)]
    pub frames: Vec<[f32; 3]>,
    /// Which build runs (engine.wasm, engine.js).
    pub build: String,
    /// Why it was chosen.
    pub why: String,
    /// What draws (the GL the browser gives).
    pub renderer: String,
    /// The engine's node count.
    pub nodes: u64,
    /// Its layer count.
    pub layers: u64,
    /// Its running animations.
    pub animations: u64,
    /// Its heap in use, in bytes.
    pub heap_bytes: u64,
    /// The most heap it has used, in bytes.
    pub heap_peak: u64,
    /// engine.wasm's linear memory, or engine.js's heap view, in bytes.
    pub linear_memory: Option<u64>,
    /// The engine's texture budget, in bytes.
    pub texture_budget: u64,
    /// Engine instances replaced after a failure.
    pub resets: u32,
    /// Batches applied over the last second.
    pub batches: u64,
    /// Their bytes.
    pub batch_bytes: u64,
    /// Commands the engine rejected since the start.
    pub rejected: u64,
    /// The app's last console lines: `[level, text]`, level `info`, `warn` or `error`.
    #[serde(default)]
    pub console: Vec<(String, String)>,
    /// The app's `requestAnimationFrame` callbacks waiting, if the page knows.
    pub frame_callbacks: Option<u32>,
}

impl Web {
    /// The overlay's next step: hidden, shown, inspecting, hidden (F12, `?overlay`).
    pub fn overlay_cycle(&mut self) {
        self.overlay.cycle();
    }

    /// Where the overlay is: 0 hidden, 1 shown, 2 inspecting (the inspector has the keys).
    pub fn overlay_state(&self) -> u32 {
        u32::from(self.overlay.shown) + u32::from(self.overlay.inspecting)
    }

    /// The node the inspector has picked, while it has the keys.
    pub fn overlay_inspected(&self) -> Option<u32> {
        self.overlay.picked.filter(|_| self.overlay.inspecting)
    }

    /// Runs `f` with the session, and says in the log why the engine's answers are missing
    /// when that changes (as the native host does).
    fn asking<T>(&mut self, f: impl FnOnce(&mut marquee_overlay::Session) -> T) -> T {
        let out = f(&mut self.overlay);
        if let Some(why) = self.overlay.new_problem() {
            self.say(format!("debug query: {why}"));
        }
        out
    }

    /// A key the page got, at frame time `time_ms` and `now_ms` on its clock: matched against
    /// the remote's sequence, and taken by the inspector while it has the keys. Returns whether
    /// it was taken (the engine is not to see it). A failed debug query call is the page's to
    /// handle, as a failed engine call.
    pub fn overlay_key<E>(
        &mut self,
        (key, action): (Key, KeyAction),
        (time_ms, now_ms): (f64, f64),
        engine: &mut Engine<'_, E>,
    ) -> Result<bool, E> {
        if action == KeyAction::Press && self.overlay.pressed(key, time_ms, now_ms) {
            let state = self.overlay.state();
            self.say(format!("debug overlay {state} (the remote's Menu, Menu, Menu, Up)"));
        }
        if !self.overlay.inspecting {
            return Ok(false);
        }
        if action != KeyAction::Release {
            self.asking(|session| session.inspect_key(key, engine))?;
        }
        Ok(true)
    }

    /// A click at `x, y` of the page's canvas: the inspector takes the node there.
    pub fn overlay_pick<E>(&mut self, x: f32, y: f32, engine: &mut Engine<'_, E>) -> Result<(), E> {
        self.asking(|session| session.pick(x, y, engine))
    }

    /// Whether the panels are to be built at frame time `time_ms` (they show, and
    /// `marquee_overlay::session::REFRESH_MS` have passed).
    pub fn overlay_due(&self, time_ms: f64) -> bool {
        self.overlay.due(time_ms)
    }

    /// Builds the panels at frame time `time_ms` from the page's figures (JSON, see
    /// [`PageFigures`]) and the engine's answers; figures that do not parse are said in the log
    /// and build nothing.
    pub fn build_overlay<E>(&mut self, json: &[u8], time_ms: f64, engine: &mut Engine<'_, E>) -> Result<(), E> {
        let page: PageFigures = match serde_json::from_slice(json) {
            Ok(page) => page,
            Err(e) => {
                self.say(format!("debug overlay: the page's figures do not parse ({e})"));
                return Ok(());
            }
        };
        self.asking(|session| session.ask_for_panels(engine))?;
        let frames: Vec<FrameTimes> = page.frames[page.frames.len().saturating_sub(HISTORY)..]
            .iter()
            .map(|&[engine_ms, raster_ms, present_ms]| FrameTimes { engine_ms, raster_ms, present_ms })
            .collect();
        let console: Vec<LogLine> = page
            .console
            .iter()
            .map(|(level, text)| LogLine {
                severity: match level.as_str() {
                    "error" => Severity::Error,
                    "warn" => Severity::Warn,
                    _ => Severity::Info,
                },
                text: text.clone(),
            })
            .collect();
        let placed = if self.overlay.outline.layers() { self.layers.on_screen() } else { Vec::new() };
        let figures = Figures {
            time_ms,
            frame: page.frame,
            frames: &frames,
            virtual_time: page.virtual_time,
            // The session fills in what it keeps: latencies, rejections, the inspector.
            key_latencies_ms: &[],
            engine: EngineFigures {
                build: &page.build,
                why: &page.why,
                renderer: &page.renderer,
                nodes: page.nodes,
                layers: page.layers,
                animations: page.animations,
                linear_memory: page.linear_memory,
                heap_bytes: page.heap_bytes,
                heap_peak: page.heap_peak,
                texture_bytes: self.image_bytes(),
                texture_budget: page.texture_budget,
                // The page's GPU backend keeps no layer pixels apart.
                layer_bytes: 0,
                layer_budget: 0,
                resets: page.resets,
            },
            app: AppFigures {
                batches_per_second: page.batches as f64,
                bytes_per_batch: if page.batches == 0 { 0.0 } else { page.batch_bytes as f64 / page.batches as f64 },
                rejected: page.rejected,
                rejections: &[],
                console: &console,
                // The app's JavaScript runs in the browser's engine, whose heap and timers a
                // page cannot see.
                heap: None,
                timers: None,
                frame_callbacks: page.frame_callbacks,
            },
            inspector: marquee_overlay::Inspector::default(),
        };
        self.overlay.build(figures, &placed, time_ms);
        Ok(())
    }

    /// A frame reached the screen at `now_ms` on the page's clock (key-to-frame latency).
    pub fn overlay_presented(&mut self, now_ms: f64) {
        self.overlay.presented(now_ms);
    }

    /// What the overlay adds to a draw of `damage`, the frame's.
    pub(crate) fn overlay_cover(&mut self, damage: Option<IntRect>) -> Option<Draw> {
        let app: Vec<IntRect> = damage.into_iter().collect();
        self.overlay.drew(&app);
        let (covered, panels) = self.overlay.cover(&app);
        let area = match (damage, covered.is_empty()) {
            (damage, true) => damage?,
            (Some(damage), false) => damage.union(&covered),
            (None, false) => covered,
        };
        Some(Draw { area, app: damage.is_some(), panels })
    }
}

#[cfg(test)]
mod tests {
    use marquee_display_list::Color;
    use marquee_overlay::session::TOGGLE_SEQUENCE;

    use super::*;

    const FIGURES: &str = r#"{"frame": 30, "virtual_time": true, "frames": [[0.2, 1.5, 0.0], [0.3, 1.2, 0.0]],
        "build": "engine.wasm", "why": "the browser runs WebAssembly", "renderer": "WebGL 2",
        "nodes": 40, "layers": 3, "animations": 0, "heap_bytes": 300000, "heap_peak": 400000,
        "linear_memory": 1703936, "texture_budget": 134217728, "resets": 0, "batches": 2,
        "batch_bytes": 512, "rejected": 0, "console": [["warn", "a poster failed"]],
        "frame_callbacks": 1}"#;

    #[test]
    fn the_remote_sequence_shows_panels_built_from_the_pages_figures() {
        let mut web = Web::new(1280, 720, Color(0xff), 1 << 20);
        let whole = IntRect { x: 0, y: 0, w: 1280, h: 720 };
        assert_eq!(web.take_draw(), Some(Draw { area: whole, app: true, panels: false }), "the first draw");
        let mut none = |_| Ok::<_, ()>(None);
        for (i, key) in TOGGLE_SEQUENCE.iter().enumerate() {
            let at = i as f64 * 100.0;
            assert_eq!(web.overlay_key((*key, KeyAction::Press), (at, at), &mut none), Ok(false), "the engine's");
        }
        assert_eq!(web.overlay_state(), 1);
        assert!(web.take_log().iter().any(|l| l.contains("debug overlay shown")));
        assert!(web.overlay_due(400.0));
        web.build_overlay(FIGURES.as_bytes(), 400.0, &mut none).unwrap();
        assert!(!web.overlay_due(500.0));
        assert_eq!(web.overlay.problem.as_deref(), Some("this engine build has no debug query"));
        assert_eq!(web.take_log(), ["debug query: this engine build has no debug query"], "said once");
        let Some(Draw { area, app: false, panels: true }) = web.take_draw() else { panic!("the panels alone draw") };
        assert!(area.x > 700 && area.x + area.w <= 1280, "{area:?}");
        assert_eq!(web.take_draw(), None, "nothing changed: nothing drawn");
        // Inspecting, the keys are the inspector's.
        web.overlay_cycle();
        assert_eq!(web.overlay_key((Key::Down, KeyAction::Press), (900.0, 900.0), &mut none), Ok(true));
        assert_eq!(web.overlay_key((Key::Down, KeyAction::Release), (901.0, 901.0), &mut none), Ok(true));
        // Hidden, the area it covered is drawn once more, without it.
        web.overlay_cycle();
        assert_eq!(web.overlay_state(), 0);
        assert_eq!(web.take_draw(), Some(Draw { area, app: false, panels: false }));
        assert_eq!(web.overlay_key((Key::Down, KeyAction::Press), (950.0, 950.0), &mut none), Ok(false));
    }

    #[test]
    fn figures_that_do_not_parse_build_nothing_and_say_why() {
        let mut web = Web::new(640, 360, Color(0xff), 1 << 20);
        web.overlay_cycle();
        let mut asked = 0;
        let mut engine = |_| {
            asked += 1;
            Ok::<_, ()>(None)
        };
        for bad in [&b"{"[..], b"[]", br#"{"frame": "thirty"}"#, b"\xff"] {
            web.build_overlay(bad, 0.0, &mut engine).unwrap();
            assert!(web.overlay_due(0.0), "nothing built");
            let log = web.take_log();
            assert!(log.len() == 1 && log[0].contains("do not parse"), "{log:?}");
        }
        assert_eq!(asked, 0, "the engine is not asked for panels that will not be built");
    }
}
