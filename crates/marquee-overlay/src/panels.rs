//! The panels: what the overlay shows, from the figures the host gives it each frame.
//!
//! A column along the screen's right edge, over the app: the frame timeline (each frame's
//! engine, raster and present time against the 16.7 ms line, frames over it, key-to-frame
//! latency), the engine (which build runs and why, the scene's size, memory against its
//! budgets) and the app thread (batches, rejected commands and why, its console). The column
//! is translucent: the app stays visible under it. Everything shown comes from [`Figures`];
//! nothing here reads the clock, so the same figures always draw the same pixels.

use egui::{Align2, Color32, FontId, Pos2, Rect, RichText, Sense, Stroke, Ui, vec2};
use marquee_display_list::IntRect;
use marquee_engine_contract::debug::{self, FocusInfo, Look, NodeInfo, flags};

/// Frames shown in the timeline, the newest last.
pub const HISTORY: usize = 112;

/// The frame budget at 60 frames a second, in ms: the timeline's line.
const BUDGET_MS: f32 = 1000.0 / 60.0;

/// The timeline's height in pixels, and the ms its top stands for (twice the budget).
const TIMELINE_HEIGHT: f32 = 64.0;
const TIMELINE_MS: f32 = 2.0 * BUDGET_MS;

/// Console lines shown, the newest last.
pub const CONSOLE_LINES: usize = 8;

/// Rejections shown, the newest last.
pub const REJECTIONS: usize = 3;

const ENGINE_COLOR: Color32 = Color32::from_rgb(86, 156, 255);
const RASTER_COLOR: Color32 = Color32::from_rgb(96, 200, 120);
const PRESENT_COLOR: Color32 = Color32::from_rgb(240, 170, 70);
const OVER_COLOR: Color32 = Color32::from_rgb(240, 80, 80);
const WARN_COLOR: Color32 = Color32::from_rgb(240, 200, 90);
const DIM: Color32 = Color32::from_gray(150);
const DAMAGE_COLOR: Color32 = Color32::from_rgb(255, 64, 160);
const LAYER_COLOR: Color32 = Color32::from_rgb(64, 224, 255);

/// Everything the overlay shows, as the host has it after the last frame.
pub struct Figures<'a> {
    /// The frame's time in ms (virtual or real, as the run's).
    pub time_ms: f64,
    /// The frame's number.
    pub frame: u64,
    /// The last frames' times, oldest first (the last [`HISTORY`] are shown).
    pub frames: &'a [FrameTimes],
    /// The run has virtual time: durations measured on the host's clock differ from run to
    /// run, so the overlay shows none (and its image is the same every run).
    pub virtual_time: bool,
    /// The time from each of the last key presses to the end of the frame that showed it, in
    /// ms, oldest first.
    pub key_latencies_ms: &'a [f64],
    /// The engine's side.
    pub engine: EngineFigures<'a>,
    /// The app thread's side.
    pub app: AppFigures<'a>,
    /// What the engine's debug query said.
    pub inspector: Inspector<'a>,
}

/// The engine's answers to the debug query, for the focus panel and the inspector.
#[derive(Default)]
pub struct Inspector<'a> {
    /// Keys go to the inspector: it shows the picked node (and the app's panel gives way).
    pub inspecting: bool,
    /// The picked node.
    pub node: Option<&'a NodeInfo>,
    /// The focus.
    pub focus: Option<&'a FocusInfo>,
    /// Why an answer is missing: the engine has no debug query, or its answer did not decode.
    pub problem: Option<&'a str>,
    /// What is outlined on screen besides the picked node.
    pub outline: Outline,
    /// The damage drawn since the panels were last built, in screen pixels (outlined when
    /// [`Outline::damage`]).
    pub damage: &'a [IntRect],
    /// Each layer and where it lands on screen (outlined when [`Outline::layers`]).
    pub layers: &'a [(u32, IntRect)],
}

/// What the inspector outlines on screen, besides the picked node: nothing, the frames'
/// damage, the layers, or both (play-pause in the inspector moves to the next).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Outline {
    /// Nothing.
    #[default]
    None,
    /// Where the frames since the last build were drawn.
    Damage,
    /// Where each layer lands.
    Layers,
    /// Both.
    Both,
}

impl Outline {
    /// The next setting: none, damage, layers, both, none.
    pub fn next(self) -> Outline {
        match self {
            Outline::None => Outline::Damage,
            Outline::Damage => Outline::Layers,
            Outline::Layers => Outline::Both,
            Outline::Both => Outline::None,
        }
    }

    /// Whether the damage is outlined.
    pub fn damage(self) -> bool {
        matches!(self, Outline::Damage | Outline::Both)
    }

    /// Whether the layers are outlined.
    pub fn layers(self) -> bool {
        matches!(self, Outline::Layers | Outline::Both)
    }

    fn words(self) -> &'static str {
        match self {
            Outline::None => "nothing",
            Outline::Damage => "damage",
            Outline::Layers => "layers",
            Outline::Both => "damage and layers",
        }
    }
}

/// One frame's times, in ms.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FrameTimes {
    /// Applying batches and the engine's frame.
    pub engine_ms: f32,
    /// Drawing the damage.
    pub raster_ms: f32,
    /// Presenting it.
    pub present_ms: f32,
}

impl FrameTimes {
    fn total(&self) -> f32 {
        self.engine_ms + self.raster_ms + self.present_ms
    }
}

/// The engine's figures.
pub struct EngineFigures<'a> {
    /// Which build runs (engine.wasm in wasmtime or wasmi, engine.js), and why.
    pub build: &'a str,
    /// Why that build.
    pub why: &'a str,
    /// Which backend draws, and why.
    pub renderer: &'a str,
    /// Live nodes, layers and running animations.
    pub nodes: u64,
    /// Layers alive.
    pub layers: u64,
    /// Animations running.
    pub animations: u64,
    /// The engine's own memory (engine.wasm's linear memory, engine.js's heap view), in bytes;
    /// `None` for the native build, which shares the host's.
    pub linear_memory: Option<u64>,
    /// The engine's heap in use, in bytes.
    pub heap_bytes: u64,
    /// The most heap ever in use, in bytes.
    pub heap_peak: u64,
    /// Decoded image bytes held, and their budget.
    pub texture_bytes: u64,
    /// The texture budget, in bytes.
    pub texture_budget: u64,
    /// Layer pixels kept by the backend, and their budget, in bytes.
    pub layer_bytes: u64,
    /// The layer budget, in bytes.
    pub layer_budget: u64,
    /// Instances replaced after a failure.
    pub resets: u32,
}

/// The app thread's figures.
pub struct AppFigures<'a> {
    /// Batches applied a second, over the last second of frames.
    pub batches_per_second: f64,
    /// Their mean size in bytes.
    pub bytes_per_batch: f64,
    /// Commands the engine rejected since the start.
    pub rejected: u64,
    /// The last kinds of rejection, in words (opcode, error, node), oldest first.
    pub rejections: &'a [String],
    /// The app's last console lines, oldest first.
    pub console: &'a [LogLine],
    /// Its JavaScript heap in use and the heap's limit, in bytes (`None` where the host cannot
    /// tell).
    pub heap: Option<(u64, u64)>,
    /// Its timers waiting (`None` where the host cannot tell).
    pub timers: Option<u32>,
    /// Its `requestAnimationFrame` callbacks waiting (`None` where the host cannot tell).
    pub frame_callbacks: Option<u32>,
}

/// A line of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    /// How bad.
    pub severity: Severity,
    /// What it says.
    pub text: String,
}

/// How bad a log line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Information, debug output.
    Info,
    /// A warning.
    Warn,
    /// An error.
    Error,
}

/// Shows the column of panels for `figures`.
pub(crate) fn show(ui: &mut Ui, figures: &Figures<'_>) {
    let screen = ui.ctx().content_rect();
    let at = Pos2::new(screen.max.x - crate::WIDTH - 12.0, screen.min.y + 12.0);
    // A child of the root ui where the column goes (not an `Area`, which hides itself for a
    // sizing pass the first time it shows: the first frame of the overlay would be empty).
    let column = Rect::from_min_size(at, vec2(crate::WIDTH, screen.height() - 24.0));
    ui.scope_builder(egui::UiBuilder::new().max_rect(column), |ui| {
        egui::Frame::new()
            .fill(Color32::from_black_alpha(232))
            .stroke(Stroke::new(1.0, Color32::from_gray(70)))
            .corner_radius(6.0)
            .inner_margin(10.0)
            .show(ui, |ui| {
                let width = crate::WIDTH - 20.0;
                ui.set_width(width);
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                frames(ui, figures, width);
                ui.separator();
                engine(ui, &figures.engine);
                ui.separator();
                focus(ui, &figures.inspector);
                ui.separator();
                if figures.inspector.inspecting {
                    inspector(ui, &figures.inspector);
                } else {
                    app(ui, &figures.app);
                }
            });
    });
    outlines(ui, &figures.inspector);
    if let Some(node) = figures.inspector.node.filter(|_| figures.inspector.inspecting) {
        highlight(ui, node);
    }
}

/// The damage and the layers on screen, as [`Inspector::outline`] has it: each a one-pixel
/// line inside its rectangle, the layers labelled with their ids.
fn outlines(ui: &Ui, inspector: &Inspector<'_>) {
    let outline = inspector.outline;
    if outline == Outline::None {
        return;
    }
    let painter =
        ui.ctx().layer_painter(egui::LayerId::new(egui::Order::Foreground, egui::Id::unique("marquee-outlines")));
    let rect = |r: &IntRect| Rect::from_min_size(Pos2::new(r.x as f32, r.y as f32), vec2(r.w as f32, r.h as f32));
    let screen = ui.ctx().content_rect();
    if outline.layers() {
        for (id, r) in inspector.layers {
            let r = rect(r).intersect(screen);
            if r.is_positive() {
                painter.rect_stroke(r, 0.0, Stroke::new(1.0, LAYER_COLOR), egui::StrokeKind::Inside);
                let at = r.min + vec2(2.0, 1.0);
                painter.text(at, Align2::LEFT_TOP, id.to_string(), FontId::proportional(10.0), LAYER_COLOR);
            }
        }
    }
    if outline.damage() {
        for r in inspector.damage {
            let r = rect(r).intersect(screen);
            if r.is_positive() {
                painter.rect_stroke(r, 0.0, Stroke::new(2.0, DAMAGE_COLOR), egui::StrokeKind::Inside);
            }
        }
    }
}

/// The focused node and the focus path, each group with the member it remembers.
fn focus(ui: &mut Ui, inspector: &Inspector<'_>) {
    let Some(focus) = inspector.focus else {
        heading(ui, "Focus", inspector.problem.unwrap_or("no answer").to_owned());
        return;
    };
    let focused = focus.focused.map_or("nothing focused".to_owned(), |f| format!("node {f} focused"));
    heading(ui, "Focus", focused);
    let path: Vec<String> = focus
        .path
        .iter()
        .map(|s| {
            let remembers = s.remembered.map_or(String::new(), |r| format!(" (remembers {r})"));
            format!("{} {}{remembers}", GROUPS[usize::from(s.group.min(3))], s.node)
        })
        .collect();
    ui.add(egui::Label::new(RichText::new(path.join(" > ")).size(12.0)).wrap());
}

const GROUPS: [&str; 4] = ["root", "row", "column", "grid"];
const KINDS: [&str; 3] = ["view", "image", "text"];

/// The picked node: its place in the tree, its box, its look as set and as shown, its state
/// styles.
fn inspector(ui: &mut Ui, inspector: &Inspector<'_>) {
    let Some(n) = inspector.node else {
        heading(ui, "Inspector", inspector.problem.unwrap_or("no node picked").to_owned());
        return;
    };
    let kind = KINDS.get(usize::from(n.kind)).copied().unwrap_or("?");
    heading(ui, "Inspector", format!("node {} · {kind}", n.id));
    let parent = n.parent.map_or("no parent".to_owned(), |p| format!("parent {p}"));
    let layer = n.layer.map_or("no layer".to_owned(), |l| format!("layer {l}"));
    ui.label(format!("{parent} · {} children · {layer}", n.children));
    let animating: Vec<&str> = debug::ANIMATING
        .iter()
        .enumerate()
        .filter(|(bit, _)| n.animations & 1 << bit != 0)
        .map(|(_, name)| *name)
        .collect();
    if !animating.is_empty() {
        ui.label(RichText::new(format!("animating: {}", animating.join(", "))).color(WARN_COLOR));
    }
    let [x, y, w, h] = n.border_box;
    ui.label(format!("box {x:.1}, {y:.1}  {w:.1} × {h:.1}"));
    for (name, [l, r, t, b]) in [("margin", n.margin), ("padding", n.padding), ("border", n.border)] {
        ui.label(RichText::new(format!("{name} {l:.1} {r:.1} {t:.1} {b:.1}  (left right top bottom)")).size(12.0));
    }
    let states: Vec<&str> = [
        (flags::FOCUSABLE, "focusable"),
        (flags::FOCUSED, "focused"),
        (flags::FOCUS_WITHIN, "focus within"),
        (flags::SCROLLS, "scrolls"),
        (flags::HIDDEN, "hidden"),
    ]
    .into_iter()
    .filter(|(bit, _)| n.flags & bit != 0)
    .map(|(_, name)| name)
    .collect();
    let group = if n.group == 0 { String::new() } else { format!(" · {} group", GROUPS[usize::from(n.group.min(3))]) };
    ui.label(format!("{}{group}", if states.is_empty() { "not focusable".to_owned() } else { states.join(", ") }));
    look(ui, &n.base, &n.shown);
    for (state, decls) in [("focused", &n.focused), ("focus-within", &n.focus_within)] {
        if !decls.is_empty() {
            let text: Vec<String> = decls.iter().map(|d| d.to_string()).collect();
            ui.label(RichText::new(format!("{state}: {}", text.join("; "))).size(12.0));
        }
    }
    ui.label(
        RichText::new("arrows: parent, child, siblings · Enter: the focused node · Back: leave").color(DIM).size(11.0),
    );
    ui.label(
        RichText::new(format!("play-pause: outline damage, layers (now {})", inspector.outline.words()))
            .color(DIM)
            .size(11.0),
    );
}

/// The look as set and as shown, a line a property, where they differ marked.
fn look(ui: &mut Ui, base: &Look, shown: &Look) {
    let hex = |c: u32| format!("#{c:08x}");
    let pair = |v: [f32; 2]| format!("{:.2}, {:.2}", v[0], v[1]);
    let rows = [
        ("background", hex(base.background), hex(shown.background)),
        ("border colour", hex(base.border_color), hex(shown.border_color)),
        ("opacity", format!("{:.2}", base.opacity), format!("{:.2}", shown.opacity)),
        ("translate", pair(base.translate), pair(shown.translate)),
        ("scale", pair(base.scale), pair(shown.scale)),
        ("radius", format!("{:.1}", base.radii[0]), format!("{:.1}", shown.radii[0])),
        ("z-index", base.z_index.to_string(), shown.z_index.to_string()),
    ];
    for (name, set, now) in rows {
        let text = if set == now { format!("{name} {set}") } else { format!("{name} {set} -> {now}") };
        let color = if set == now { Color32::LIGHT_GRAY } else { WARN_COLOR };
        ui.label(RichText::new(text).color(color).size(12.0));
    }
}

/// The picked node on screen: its margin box, border box and content box, as a browser's
/// inspector shows them.
fn highlight(ui: &Ui, n: &NodeInfo) {
    let [x, y, w, h] = n.border_box;
    let border = Rect::from_min_size(Pos2::new(x, y), vec2(w, h));
    let [ml, mr, mt, mb] = n.margin;
    let margin = Rect::from_min_max(Pos2::new(x - ml, y - mt), Pos2::new(x + w + mr, y + h + mb));
    let [pl, pr, pt, pb] = n.padding;
    let [bl, br, bt, bb] = n.border;
    let content = Rect::from_min_max(
        Pos2::new(x + bl + pl, y + bt + pt),
        Pos2::new((x + w - br - pr).max(x + bl + pl), (y + h - bb - pb).max(y + bt + pt)),
    );
    let painter =
        ui.ctx().layer_painter(egui::LayerId::new(egui::Order::Foreground, egui::Id::unique("marquee-highlight")));
    painter.rect_filled(margin, 0.0, Color32::from_rgba_unmultiplied(246, 178, 107, 70));
    painter.rect_filled(border, 0.0, Color32::from_rgba_unmultiplied(147, 196, 125, 80));
    painter.rect_filled(content, 0.0, Color32::from_rgba_unmultiplied(111, 168, 220, 90));
    painter.rect_stroke(border, 0.0, Stroke::new(1.0, Color32::WHITE), egui::StrokeKind::Inside);
}

fn heading(ui: &mut Ui, title: &str, detail: String) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(title).strong().color(Color32::WHITE).size(15.0));
        ui.label(RichText::new(detail).color(DIM));
    });
}

/// The timeline and what it sums up.
fn frames(ui: &mut Ui, figures: &Figures<'_>, width: f32) {
    let shown = &figures.frames[figures.frames.len().saturating_sub(HISTORY)..];
    heading(ui, "Frames", format!("frame {}", figures.frame));
    let (rect, _) = ui.allocate_exact_size(vec2(width, TIMELINE_HEIGHT), Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, Color32::from_black_alpha(120));
    let y_of = |ms: f32| rect.max.y - (ms / TIMELINE_MS).min(1.0) * rect.height();
    if figures.virtual_time {
        painter.text(
            rect.center_bottom() - vec2(0.0, 16.0),
            Align2::CENTER_CENTER,
            "virtual time: host durations not shown",
            FontId::proportional(12.0),
            DIM,
        );
    } else {
        let bar = width / HISTORY as f32;
        for (i, times) in shown.iter().enumerate() {
            let x = rect.min.x + (HISTORY - shown.len() + i) as f32 * bar;
            let mut ms = 0.0;
            for (part, color) in
                [(times.engine_ms, ENGINE_COLOR), (times.raster_ms, RASTER_COLOR), (times.present_ms, PRESENT_COLOR)]
            {
                let (bottom, top) = (y_of(ms), y_of(ms + part));
                ms += part;
                if bottom - top >= 0.5 {
                    painter.rect_filled(Rect::from_x_y_ranges(x..=x + bar - 0.5, top..=bottom), 0.0, color);
                }
            }
            if ms > BUDGET_MS {
                painter.rect_filled(
                    Rect::from_x_y_ranges(x..=x + bar - 0.5, rect.min.y..=rect.min.y + 3.0),
                    0.0,
                    OVER_COLOR,
                );
            }
        }
    }
    let line = y_of(BUDGET_MS);
    painter.hline(rect.x_range(), line, Stroke::new(1.0, Color32::from_white_alpha(90)));
    painter.text(
        Pos2::new(rect.max.x - 3.0, line - 2.0),
        Align2::RIGHT_BOTTOM,
        "16.7 ms",
        FontId::proportional(11.0),
        DIM,
    );
    if figures.virtual_time {
        ui.label(format!("{} frames shown · times are virtual", shown.len()));
        return;
    }
    let median = |part: fn(&FrameTimes) -> f32| {
        let mut values: Vec<f32> = shown.iter().map(part).collect();
        values.sort_by(f32::total_cmp);
        values.get(values.len() / 2).copied().unwrap_or(0.0)
    };
    ui.horizontal(|ui| {
        for (name, color, value) in [
            ("engine", ENGINE_COLOR, median(|t| t.engine_ms)),
            ("raster", RASTER_COLOR, median(|t| t.raster_ms)),
            ("present", PRESENT_COLOR, median(|t| t.present_ms)),
        ] {
            ui.label(RichText::new(format!("{name} {value:.2}")).color(color));
        }
        ui.label(RichText::new("ms, median").color(DIM));
    });
    let over = shown.iter().filter(|t| t.total() > BUDGET_MS).count();
    let color = if over > 0 { OVER_COLOR } else { Color32::LIGHT_GRAY };
    ui.label(RichText::new(format!("{over} of the last {} frames over 16.7 ms", shown.len())).color(color));
    let keys = figures.key_latencies_ms.iter().map(|ms| format!("{ms:.1}")).collect::<Vec<_>>();
    let keys = if keys.is_empty() { "none yet".to_owned() } else { format!("{} ms", keys.join(", ")) };
    ui.label(format!("key to frame: {keys}"));
}

fn engine(ui: &mut Ui, e: &EngineFigures<'_>) {
    heading(ui, "Engine", e.build.to_owned());
    ui.label(RichText::new(e.why).color(DIM));
    ui.label(RichText::new(e.renderer).color(DIM));
    ui.label(format!("{} nodes · {} layers · {} animations", e.nodes, e.layers, e.animations));
    let memory = e.linear_memory.map_or(String::new(), |m| format!("memory {} · ", mib(m)));
    ui.label(format!("{memory}heap {} (peak {})", mib(e.heap_bytes), mib(e.heap_peak)));
    budget(ui, "textures", e.texture_bytes, e.texture_budget);
    // A backend that keeps no layer pixels apart (the page's) has no layer budget.
    if e.layer_budget > 0 {
        budget(ui, "layers", e.layer_bytes, e.layer_budget);
    }
    if e.resets > 0 {
        ui.label(RichText::new(format!("{} engine resets", e.resets)).color(OVER_COLOR));
    }
}

/// A figure against its budget, with a bar.
fn budget(ui: &mut Ui, name: &str, used: u64, budget: u64) {
    ui.horizontal(|ui| {
        let fraction = if budget == 0 { 0.0 } else { (used as f64 / budget as f64).min(1.0) as f32 };
        let (rect, _) = ui.allocate_exact_size(vec2(60.0, 10.0), Sense::hover());
        ui.painter().rect_filled(rect, 2.0, Color32::from_gray(60));
        let color = if fraction > 0.9 { OVER_COLOR } else { RASTER_COLOR };
        let filled = Rect::from_min_size(rect.min, vec2(rect.width() * fraction, rect.height()));
        ui.painter().rect_filled(filled, 2.0, color);
        ui.label(format!("{name} {} of {}", mib(used), mib(budget)));
    });
}

fn app(ui: &mut Ui, a: &AppFigures<'_>) {
    heading(ui, "App", format!("{:.0} batches/s · {:.0} bytes each", a.batches_per_second, a.bytes_per_batch));
    if let Some((used, limit)) = a.heap {
        budget(ui, "JavaScript heap", used, limit);
    }
    let count = |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let waiting: Vec<String> =
        [(a.timers, "timer", "timers"), (a.frame_callbacks, "frame callback", "frame callbacks")]
            .into_iter()
            .filter_map(|(n, one, many)| Some(count(n?, one, many)))
            .collect();
    if !waiting.is_empty() {
        ui.label(format!("{} waiting", waiting.join(" · ")));
    }
    let color = if a.rejected > 0 { WARN_COLOR } else { Color32::LIGHT_GRAY };
    ui.label(RichText::new(format!("{} commands rejected", a.rejected)).color(color));
    for words in &a.rejections[a.rejections.len().saturating_sub(REJECTIONS)..] {
        ui.label(RichText::new(words).color(WARN_COLOR).size(12.0));
    }
    ui.label(RichText::new("console").color(DIM));
    if a.console.is_empty() {
        ui.label(RichText::new("nothing logged").color(DIM).size(12.0));
    }
    for line in &a.console[a.console.len().saturating_sub(CONSOLE_LINES)..] {
        let color = match line.severity {
            Severity::Info => Color32::LIGHT_GRAY,
            Severity::Warn => WARN_COLOR,
            Severity::Error => OVER_COLOR,
        };
        ui.label(RichText::new(&line.text).color(color).size(12.0));
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}
