//! Marquee's UI engine.
//!
//! The engine owns the scene: it applies command batches from the app, lays the scene out with
//! taffy, and at every frame returns one buffer holding the changes to its retained layers, the
//! damage since the previous frame and the events for the app (see `marquee_display_list::frame`).
//! A frame costs what changed: only layers whose content changed are re-recorded, and transform,
//! opacity and scroll changes are layer props (`layers.rs`).
//!
//! **The engine is sans-IO and deterministic.** It reads no clock, starts no thread, touches no
//! file or socket; time arrives as an argument to [`Engine::frame`]. The same command stream gives
//! byte-identical frames natively, as `engine.wasm` and as `engine.js`, which is what the parity
//! tests check.
//!
//! **Nothing from outside can panic it.** Each command is validated before it mutates anything; a
//! rejected command becomes a `CommandError` event and the rest of the batch still applies.
//!
//! **Input lands here, not in the app.** The host hands remote keys to [`Engine::key`] on the
//! engine thread; arrows move focus at once and the next frame shows it, however busy the app's
//! thread is. Keys focus does not use go to the app as events.
//!
//! A frame runs its systems in a fixed order: commands (already applied by [`Engine::apply`]) →
//! layout (incremental: taffy re-lays out only dirty subtrees) and layout transitions → focus
//! (requests, lost focus, scrolling into view) → animations at the frame time → layers (promotion,
//! recording the dirty ones, props) and damage → events.

mod anim;
mod contract;
mod damage;
mod debug;
mod focus;
mod image;
mod layers;
mod paint;
mod scene;
mod style;
mod text;

use marquee_display_list::frame;
use marquee_display_list::text::{NoText, TextLayout};
use marquee_protocol::{
    Command, Error, ErrorKind, Event, EventEncoder, ImageError, Key, KeyAction, LONG_PRESS_MS, NodeId, NodeKind,
    SCROLL_EVENT_INTERVAL_MS, State, StyleEntry, StyleId, decode_batch,
};

use crate::anim::{Animation, Animations, Channel};
use crate::focus::Dir;
use crate::image::{Images, Load};
use crate::paint::Kind;
use crate::scene::{Content, Scene};

const NONE: u32 = u32::MAX;

/// The viewport before the host sets one: 1280×720, the most common TV UI resolution.
const DEFAULT_VIEWPORT: (f32, f32) = (1280.0, 720.0);

/// Counters the host reads for budgets and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Live nodes, root included.
    pub nodes: u32,
    /// Command batches applied since start.
    pub batches: u32,
    /// Commands rejected since start.
    pub errors: u32,
    /// Operations in the layer lists the last frame sent.
    pub ops: u32,
    /// Layers alive after the last frame.
    pub layers: u32,
    /// Layers the last frame re-recorded and sent.
    pub layers_recorded: u32,
    /// Bytes of layer lists and damage records the engine keeps.
    pub retained_bytes: u32,
    /// Whether the last frame ran layout.
    pub laid_out: bool,
    /// Animations running after the last frame (app animations, transitions, scrolling).
    pub animations: u32,
    /// Layers waiting out their linger after their animation ended (see `Stat::Settling`).
    pub settling: u32,
    /// The focused node, or `u32::MAX`.
    pub focused: u32,
    /// Bytes of texture memory the loaded images take (width × height × 4 each).
    pub texture_bytes: u64,
    /// Images asked for and not answered yet.
    pub images_loading: u32,
    /// Time the last frame spent in each of its [`PHASES`], in ns; zero unless a
    /// [`Clock`] is set.
    pub phase_ns: [u64; 3],
}

/// The phases of a frame, in the order [`Stats::phase_ns`] reports them: layout (with focus
/// settling and reveal), animation, display list (paint and damage).
pub const PHASES: [&str; 3] = ["layout", "animation", "display list"];

/// Nanoseconds from `from` to `to` (ms). Built from two 32-bit conversions because wasm2js
/// cannot lower a float-to-u64 conversion (`i64.trunc_sat_f64_u`): engine.js would not build.
fn elapsed_ns(from: f64, to: f64) -> u64 {
    const HALF: f64 = 4_294_967_296.0;
    let ns = ((to - from) * 1e6).max(0.0);
    let high = (ns / HALF) as u32;
    let low = (ns - f64::from(high) * HALF) as u32;
    u64::from(high) << 32 | u64::from(low)
}

/// A monotonic clock in ms, for profiling only: the engine never reads time otherwise (frame
/// time comes from the host), and nothing it draws depends on what this returns.
pub type Clock = Box<dyn FnMut() -> f64>;

/// One engine instance: a scene and what the last frame painted.
pub struct Engine {
    scene: Scene,
    viewport: (f32, f32),
    /// Layout must run before the next paint.
    layout_dirty: bool,
    /// Something visible may have changed since the last frame.
    paint_dirty: bool,
    layers: layers::Layers,
    queries: Vec<NodeId>,
    events: EventEncoder,
    output: Vec<u8>,
    stats: Stats,
    anims: Animations,
    /// The last frame's time: animations the backend samples stand where they were then for
    /// whatever asks between frames.
    time: f64,
    focused: Option<usize>,
    /// Per group: the node focused last inside it (`NONE` if none yet).
    memory: Vec<u32>,
    /// A `Focus` command waiting for the next layout.
    requested: Option<usize>,
    /// The scene changed: the focused node may no longer be able to hold focus.
    focus_check: bool,
    /// Focus moved: scroll containers must bring it into view.
    reveal: bool,
    /// The host's text service (measuring only; the backend draws through the host's own handle).
    text: Box<dyn TextLayout>,
    images: Images,
    seen: Vec<u32>,
    /// Nodes whose transform or opacity animates (a buffer kept between frames).
    moving: Vec<u32>,
    /// The image nodes fading in (kept with `moving`).
    fading: Vec<u32>,
    /// The animations' generation `moving` and `fading` were listed at.
    layered: Option<u64>,
    clock: Option<Clock>,
    /// The app's reusable styles, by id (`DefineStyle`); `None` where none is defined.
    styles: Vec<Option<Box<[StyleEntry]>>>,
    /// The last debug query's answer (`debug.rs`).
    debug: Vec<u8>,
    /// The key held down, and the frame time it went down at, until its release or its
    /// long-press (see `long_press`).
    held: Option<(Key, f64)>,
    /// The scroll containers mid-scroll, each with the frame time and offset of its last
    /// `Scroll` event (see `report_scrolls`).
    scrolls: Vec<(u32, f64, [f32; 2])>,
}

impl Default for Engine {
    fn default() -> Self {
        let (w, h) = DEFAULT_VIEWPORT;
        Engine {
            scene: Scene::new(w, h),
            viewport: (w, h),
            layout_dirty: true,
            paint_dirty: true,
            layers: layers::Layers::new(),
            queries: Vec::new(),
            events: EventEncoder::default(),
            output: Vec::new(),
            stats: Stats { focused: NONE, ..Stats::default() },
            anims: Animations::default(),
            time: 0.0,
            focused: None,
            memory: Vec::new(),
            requested: None,
            focus_check: true,
            reveal: false,
            text: Box::new(NoText),
            images: Images::default(),
            seen: Vec::new(),
            moving: Vec::new(),
            layered: None,
            fading: Vec::new(),
            clock: None,
            styles: Vec::new(),
            debug: Vec::new(),
            held: None,
            scrolls: Vec::new(),
        }
    }
}

impl Engine {
    /// An engine that measures text with `text`, the host's text service. Without one
    /// ([`Engine::default`]) every paragraph measures as zero.
    pub fn with_text(text: Box<dyn TextLayout>) -> Engine {
        Engine { text, ..Engine::default() }
    }

    /// Sets the texture budget: loaded images beyond it are released, least recently seen first,
    /// never one in view. The default is no limit.
    pub fn set_texture_budget(&mut self, bytes: u64) {
        self.images.set_budget(bytes);
    }

    /// The host has loaded image `handle` (from a `Load` request), `width × height` pixels.
    /// Nodes showing it fade it in and their app hears `ImageLoaded`. An answer nobody waits for
    /// (the image was released meanwhile) is ignored; returns whether it was used.
    pub fn image_ready(&mut self, handle: u32, width: u32, height: u32) -> bool {
        if !self.images.ready(handle, width, height) {
            return false;
        }
        for i in self.image_users(handle) {
            // Only an image on screen fades in: one loaded out of sight (a poster shared with
            // nodes further down the page) is simply there when it comes into view.
            let fades = self.layers.on_screen(&self.scene, i);
            if let Content::Image(n) = &mut self.scene.content[i] {
                n.fade = if fades { 0.0 } else { 1.0 };
            }
            self.layers.touch(&self.scene, i);
            if fades {
                let fade = self.scene.behaviour[i].fade_in_duration;
                let easing = marquee_protocol::EasingName::Linear;
                let t = Animation::transition(anim::number(0.0), anim::number(1.0), fade, easing);
                self.anims.start(i, Channel::ImageFade, t);
            }
            self.events.push(&Event::ImageLoaded { id: i as u32, width, height });
        }
        self.paint_dirty = true;
        true
    }

    /// The host could not load image `handle`: nodes showing it keep their placeholder and their
    /// app hears `ImageFailed`. Returns whether anything waited for it.
    pub fn image_failed(&mut self, handle: u32, reason: ImageError) -> bool {
        if !self.images.failed(handle, reason) {
            return false;
        }
        for i in self.image_users(handle) {
            self.events.push(&Event::ImageFailed { id: i as u32, reason });
        }
        true
    }

    /// Image nodes showing `handle`, in id order.
    fn image_users(&self, handle: u32) -> Vec<usize> {
        let content = &self.scene.content;
        (0..content.len()).filter(|&i| matches!(content[i], Content::Image(n) if n.handle == handle)).collect()
    }
    /// Applies one command batch. Bad commands are skipped and reported as events in the next
    /// frame; the return value is how many were rejected.
    pub fn apply(&mut self, batch: &[u8]) -> u32 {
        let seq = self.stats.batches;
        self.stats.batches = self.stats.batches.wrapping_add(1);
        let mut rejected = 0;
        match decode_batch(batch) {
            Err(e) => {
                self.reject(seq, &e);
                rejected += 1;
            }
            Ok(mut commands) => {
                while let Some(item) = commands.next() {
                    let offset = commands.last_offset();
                    let result = item.and_then(|cmd| {
                        let opcode = cmd.opcode();
                        self.execute(cmd).map_err(|kind| Error { offset, opcode: Some(opcode), kind })
                    });
                    if let Err(e) = result {
                        self.reject(seq, &e);
                        rejected += 1;
                    }
                }
            }
        }
        rejected
    }

    fn reject(&mut self, batch: u32, e: &Error) {
        self.stats.errors = self.stats.errors.wrapping_add(1);
        self.events.push(&Event::from_error(batch, e));
    }

    fn execute(&mut self, cmd: Command) -> Result<(), ErrorKind> {
        self.focus_check = true;
        // A `z-index` moves the node in its parent's paint order.
        let order = match &cmd {
            Command::SetStyle { decl, .. } | Command::SetStateStyle { decl, .. } => {
                decl.property() == marquee_protocol::StyleProperty::ZIndex
            }
            Command::ClearStyle { property, .. } | Command::ClearStateStyle { property, .. } => {
                *property == marquee_protocol::StyleProperty::ZIndex
            }
            Command::UseStyle { style, .. } => self.style(*style).is_ok_and(|entries| {
                entries.iter().any(|e| e.decl.property() == marquee_protocol::StyleProperty::ZIndex)
            }),
            _ => false,
        };
        // The node whose paint the command may change (tree and layout changes re-record all).
        let node = match &cmd {
            Command::SetStyle { id, .. }
            | Command::ClearStyle { id, .. }
            | Command::SetImage { id, .. }
            | Command::SetStateStyle { id, .. }
            | Command::ClearStateStyle { id, .. }
            | Command::Animate { id, .. }
            | Command::CancelAnimation { id, .. }
            | Command::UseStyle { id, .. } => Some(id.0 as usize),
            _ => None,
        };
        let s = &mut self.scene;
        let layout = match cmd {
            Command::CreateNode { id, kind } => {
                s.create(id, kind)?;
                // A detached node paints nothing and changes no layout until it is attached.
                return Ok(());
            }
            Command::CreateStyled { id, kind, style, parent } => {
                // Everything is checked before anything changes: the command applies whole or not.
                if let Some(style) = style
                    && kind != NodeKind::Text
                    && self.style(style)?.iter().any(|e| style::is_text(e.decl.property()))
                {
                    return Err(ErrorKind::WrongKind(id.0));
                }
                if let Some(parent) = parent {
                    self.scene.can_adopt(parent)?;
                }
                self.scene.create(id, kind)?;
                if let Some(style) = style {
                    self.use_style(id, style)?;
                }
                match parent {
                    Some(parent) => self.scene.attach(parent, id, None).map(|_| true)?,
                    // A detached node paints nothing and changes no layout until it is attached.
                    None => return Ok(()),
                }
            }
            Command::DefineStyle { style, entries } => {
                let i = style.0 as usize;
                if i >= self.styles.len() {
                    self.styles.resize(i + 1, None);
                }
                self.styles[i] = Some(entries.into_boxed_slice());
                return Ok(());
            }
            Command::UseStyle { id, style } => self.use_style(id, style)?,
            Command::DestroyNode { id } => {
                // The SDK allocates ids and reuses them once told they are free: the engine alone
                // knows a subtree's members, so it names each one.
                let (events, anims, images, text) =
                    (&mut self.events, &mut self.anims, &mut self.images, &mut self.text);
                s.destroy(id, |freed, content| {
                    anims.stop_node(freed as usize, |c, a| ended(events, freed as usize, c, &a, false));
                    match content {
                        Content::Text(_) => text.remove(freed),
                        Content::Image(n) => images.release(n.handle),
                        Content::None => {}
                    }
                    events.push(&Event::NodeFreed { id: freed });
                })
                .map(|_| true)?
            }
            Command::AppendChild { parent, child } => s.attach(parent, child, None).map(|_| true)?,
            Command::InsertBefore { parent, child, before } => s.attach(parent, child, Some(before)).map(|_| true)?,
            Command::RemoveChild { parent, child } => s.remove_child(parent, child).map(|_| true)?,
            Command::SetStyle { id, decl } => {
                let layout = s.set_style(id, decl, false)?;
                self.restyle(id.0 as usize, self.channel(id.0 as usize, decl.property()), false);
                layout
            }
            Command::ClearStyle { id, property } => {
                let layout = s.clear_style(id, property)?;
                self.restyle(id.0 as usize, self.channel(id.0 as usize, property), false);
                layout
            }
            Command::SetText { id, text } => s.set_text(id, text, false)?,
            Command::SetFontFamily { id, family } => s.set_text(id, family, true)?,
            Command::SetImage { id, src } => {
                self.set_image(id, src)?;
                false
            }
            Command::SetStateStyle { id, state, decl } => {
                let i = s.set_state_style(id, state, decl.property(), Some(decl))?;
                self.restyle(i, self.channel(i, decl.property()), false);
                false
            }
            Command::ClearStateStyle { id, state, property } => {
                let i = s.set_state_style(id, state, property, None)?;
                self.restyle(i, self.channel(i, property), false);
                false
            }
            Command::Focus { id } => {
                if !s.exists(id) {
                    return Err(ErrorKind::UnknownNode(id.0));
                }
                // Resolved after the next layout: the node may have been created in this batch.
                self.requested = Some(id.0 as usize);
                return Ok(());
            }
            Command::Animate { id, tag, to, timing } => {
                let i = id.0 as usize;
                if !s.exists(id) {
                    return Err(ErrorKind::UnknownNode(id.0));
                }
                let Some(c) = self.channel(i, to.property()) else {
                    return Err(ErrorKind::BadValue("property is not animatable"));
                };
                let from = self.current(i, c);
                let s = &mut self.scene;
                s.set_style(id, to, false)?;
                let states = self.states_of(i);
                let target = self.scene.resting(i, states).get(c);
                self.scene.visual[i].set(c, from);
                let replaced = self.anims.start(i, c, Animation::new(from, target, timing, Some(tag)));
                if let Some(old) = replaced {
                    ended(&mut self.events, i, c, &old, false);
                }
                false
            }
            Command::CancelAnimation { id, property } => {
                if !s.exists(id) {
                    return Err(ErrorKind::UnknownNode(id.0));
                }
                let i = id.0 as usize;
                if let Some(c) = self.channel(i, property)
                    && let reached = self.current(i, c)
                    && let Some(old) = self.anims.stop(i, c)
                {
                    // Where it stopped becomes the style, so nothing jumps.
                    self.scene.visual[i].set(c, reached);
                    self.scene.base[i].set(c, reached);
                    ended(&mut self.events, i, c, &old, false);
                }
                false
            }
            Command::SetViewport { width, height } => {
                if (width, height) != self.viewport {
                    s.set_viewport(width, height);
                    self.viewport = (width, height);
                    self.layers.invalidate();
                }
                true
            }
            Command::QueryLayout { id } => {
                if !s.exists(id) {
                    return Err(ErrorKind::UnknownNode(id.0));
                }
                self.queries.push(id);
                return Ok(());
            }
        };
        self.layout_dirty |= layout;
        self.paint_dirty = true;
        match node {
            Some(n) if order => self.layers.touch_order(&self.scene, n),
            Some(n) => self.layers.touch(&self.scene, n),
            None => {}
        }
        Ok(())
    }

    /// A defined style's declarations.
    fn style(&self, style: StyleId) -> Result<&[StyleEntry], ErrorKind> {
        match self.styles.get(style.0 as usize) {
            Some(Some(entries)) => Ok(entries),
            _ => Err(ErrorKind::UnknownStyle(style.0)),
        }
    }

    /// Sets style `style` on node `id` (see [`Scene::use_style`]) and brings each paint channel it
    /// sets to its new value, as `SetStyle` and `SetStateStyle` do. Returns whether layout is
    /// affected.
    fn use_style(&mut self, id: NodeId, style: StyleId) -> Result<bool, ErrorKind> {
        self.style(style)?;
        // Taken out while the scene changes (and put back whatever happens): the engine is
        // borrowed whole by `restyle`.
        let entries = self.styles[style.0 as usize].take().unwrap_or_default();
        let layout = self.scene.use_style(id, &entries);
        if layout.is_ok() {
            for e in entries.iter() {
                self.restyle(id.0 as usize, self.channel(id.0 as usize, e.decl.property()), false);
            }
        }
        self.styles[style.0 as usize] = Some(entries);
        layout
    }

    /// Points an image node at `src`, sharing the image with other nodes that name it.
    fn set_image(&mut self, id: NodeId, src: String) -> Result<(), ErrorKind> {
        let i = id.0 as usize;
        if !self.scene.exists(id) {
            return Err(ErrorKind::UnknownNode(id.0));
        }
        let Content::Image(old) = self.scene.content[i] else { return Err(ErrorKind::WrongKind(id.0)) };
        let handle = if src.is_empty() { 0 } else { self.images.acquire(&src) };
        // Release after acquiring, so re-setting the same source keeps the loaded image.
        self.images.release(old.handle);
        self.anims.stop(i, Channel::ImageFade);
        let mut fade = 0.0;
        match self.images.load(handle) {
            Load::Ready { width, height } if handle != 0 => {
                // Already on screen elsewhere: shown at once, and the app hears so at once.
                fade = 1.0;
                self.events.push(&Event::ImageLoaded { id: id.0, width, height });
            }
            Load::Failed(reason) if handle != 0 => self.events.push(&Event::ImageFailed { id: id.0, reason }),
            _ => {}
        }
        self.scene.content[i] = Content::Image(scene::ImageNode { handle, fade });
        Ok(())
    }

    /// Takes a remote key. Arrows (press and repeat) move focus when they can; every other key,
    /// and an arrow focus cannot use, goes to the app as a `Key` event naming the focused node.
    /// Arrow releases are dropped: the press already moved focus or reached the app. Any other
    /// key held for `LONG_PRESS_MS` from its press also goes to the app once as a long-press, at
    /// the first frame that late (a host's own long-presses are dropped: the engine alone sends
    /// them, on every host alike). Returns whether focus used the key.
    pub fn key(&mut self, key: Key, action: KeyAction) -> bool {
        match action {
            KeyAction::LongPress => return false,
            KeyAction::Press if !key.is_arrow() => self.held = Some((key, self.time)),
            KeyAction::Release if self.held.is_some_and(|(k, _)| k == key) => self.held = None,
            _ => {}
        }
        let dir = match key {
            Key::Up => Some(Dir::Up),
            Key::Right => Some(Dir::Right),
            Key::Down => Some(Dir::Down),
            Key::Left => Some(Dir::Left),
            _ => None,
        };
        if dir.is_some() && action == KeyAction::Release {
            return false;
        }
        // Navigate on the geometry the next frame will show.
        self.update_layout();
        self.settle_focus();
        if let (Some(dir), Some(from)) = (dir, self.focused)
            && let Some(to) = focus::navigate(&self.scene, &self.memory, from, dir)
        {
            self.set_focus(Some(to));
            return true;
        }
        self.events.push(&Event::Key { key, action, target: self.focused_id() });
        false
    }

    /// Takes a character typed on a keyboard: it goes to the app as a `Text` event naming the
    /// focused node (focus never moves on text). Returns `true`: it always takes it.
    pub fn text(&mut self, character: char) -> bool {
        self.events.push(&Event::Text { character, target: self.focused_id() });
        true
    }

    /// The focused node's id as events and stats carry it (`NONE`: nothing has focus).
    fn focused_id(&self) -> u32 {
        self.focused.map_or(NONE, |f| f as u32)
    }

    /// Sends the held key's long-press once it has been down `LONG_PRESS_MS` at `time_ms`.
    fn long_press(&mut self, time_ms: f64) {
        if let Some((key, since)) = self.held
            && time_ms - since >= LONG_PRESS_MS
        {
            self.held = None;
            self.events.push(&Event::Key { key, action: KeyAction::LongPress, target: self.focused_id() });
        }
    }

    /// Runs one frame at `time_ms` (the host's frame clock) and returns the frame buffer: display
    /// list, damage and events. The buffer stays valid until the next call.
    pub fn frame(&mut self, time_ms: f64) -> &[u8] {
        let start = self.now();
        self.stats.laid_out = self.update_layout();
        self.settle_focus();
        if std::mem::take(&mut self.reveal)
            && let Some(f) = self.focused
        {
            let mut changed = focus::reveal(&mut self.scene, f);
            focus::link(&mut self.scene, &mut changed);
            for a in changed {
                let b = self.scene.behaviour[a];
                for (axis, c) in [Channel::ScrollX, Channel::ScrollY].into_iter().enumerate() {
                    let (from, to) = (self.scene.scroll[a][axis], self.scene.scroll_target[a][axis]);
                    if from != to {
                        let t =
                            Animation::transition(anim::number(from), anim::number(to), b.scroll_duration, b.easing);
                        self.anims.start(a, c, t);
                    }
                }
            }
        }
        let laid_out = self.now();
        self.time = time_ms;
        self.long_press(time_ms);
        self.animate(time_ms);
        let animated = self.now();
        // Which nodes animate changes only when an animation starts or ends.
        let generation = Some(self.anims.generation());
        let lists = if self.layered != generation {
            self.layered = generation;
            self.anims.layered(&mut self.moving, &mut self.fading);
            Some((&self.moving[..], &self.fading[..]))
        } else {
            None
        };
        self.layers.promote(&self.scene, lists, time_ms);

        let mut damage = Vec::new();
        let mut full = false;
        let mut updates: &[u8] = &[];
        let mut counts = layers::Counts::default();
        if self.paint_dirty || self.layers.pending() {
            let parts = (&self.scene, &self.anims, &self.images);
            (full, damage) = self.layers.frame(parts, time_ms, self.viewport, &mut self.seen);
            self.images.after_paint(self.seen.iter().copied());
            for i in self.images.take_unready() {
                // An evicted image shows its placeholder again: its nodes repaint.
                for n in self.image_users(i) {
                    self.layers.touch(&self.scene, n);
                    self.paint_dirty = true;
                }
            }
            updates = self.layers.updates();
            counts = self.layers.counts();
            self.paint_dirty = false;
        }
        for id in self.queries.drain(..) {
            if let Ok((x, y, width, height)) = self.scene.absolute_box(id) {
                self.events.push(&Event::LayoutResult { id: id.0, x, y, width, height });
            }
        }

        self.stats.nodes = self.scene.len() as u32;
        self.stats.animations = self.anims.len() as u32;
        self.stats.settling = self.layers.settling() as u32;
        self.stats.focused = self.focused_id();
        self.stats.ops = counts.ops;
        self.stats.layers_recorded = counts.recorded;
        if counts.layers > 0 {
            self.stats.layers = counts.layers;
            self.stats.retained_bytes = self.layers.retained_bytes().min(u32::MAX as usize) as u32;
        }
        self.stats.texture_bytes = self.images.resident();
        self.stats.images_loading = self.images.loading();
        self.output.clear();
        let requests = self.images.requests();
        let head = frame::Head { full, time: time_ms };
        frame::write(&mut self.output, head, updates, &damage, self.events.bytes(), requests);
        requests.clear();
        self.events.clear();
        let end = self.now();
        if let (Some(a), Some(b), Some(c), Some(d)) = (start, laid_out, animated, end) {
            self.stats.phase_ns = [elapsed_ns(a, b), elapsed_ns(b, c), elapsed_ns(c, d)];
        }
        &self.output
    }

    /// The backend lost the layers it kept (it refused a frame, or is new): the next frame
    /// restates the whole tree.
    pub fn invalidate(&mut self) {
        self.layers.invalidate();
        self.paint_dirty = true;
    }

    /// Times each frame's phases with `clock` (see [`Stats::phase_ns`]); `None` stops it.
    pub fn set_clock(&mut self, clock: Option<Clock>) {
        self.clock = clock;
        self.stats.phase_ns = [0; 3];
    }

    fn now(&mut self) -> Option<f64> {
        self.clock.as_mut().map(|c| c())
    }

    /// Counters for budgets and benchmarks.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Lays out if anything changed, and starts layout transitions for nodes that moved.
    /// Returns whether layout ran.
    fn update_layout(&mut self) -> bool {
        if !self.layout_dirty {
            return false;
        }
        let (vw, vh) = self.viewport;
        let space =
            taffy::Size { width: taffy::AvailableSpace::Definite(vw), height: taffy::AvailableSpace::Definite(vh) };
        let root = self.scene.layout_id[0];
        let s = &mut self.scene;
        let service = &mut *self.text;
        for i in s.unsent.drain(..) {
            if let Some(Content::Text(t)) = s.content.get_mut(i as usize) {
                t.queued = false;
                t.send(i, service);
            }
        }
        let content = &mut s.content;
        let _ = s.layout.compute_layout_with_measure(root, space, |inputs, _, ctx, style| {
            taffy::compute_leaf_layout(
                inputs,
                style,
                |_, _| 0.0,
                |known, available| match ctx {
                    Some(&mut i) => match content.get_mut(i as usize) {
                        Some(Content::Text(t)) => t.measure(i, known, available, service),
                        _ => taffy::Size::ZERO,
                    },
                    None => taffy::Size::ZERO,
                },
            )
        });
        self.layout_dirty = false;
        self.paint_dirty = true;
        // Boxes may have moved anywhere: every layer is recorded again.
        self.layers.touch_all();

        let s = &mut self.scene;
        for i in 0..s.kind.len() {
            let b = s.behaviour[i];
            if s.kind[i].is_none() || b.layout_duration <= 0.0 {
                continue;
            }
            let (x, y, w, h) = s.local_box(i);
            let new = [x, y, w, h];
            let Some(old) = s.last_box[i].replace(new) else { continue };
            if old == new {
                continue;
            }
            let from = s.shown_box[i].unwrap_or(old);
            s.shown_box[i] = Some(from);
            let channels = [Channel::BoxX, Channel::BoxY, Channel::BoxW, Channel::BoxH];
            for (k, c) in channels.into_iter().enumerate() {
                let t = Animation::transition(anim::number(from[k]), anim::number(new[k]), b.layout_duration, b.easing);
                self.anims.start(i, c, t);
            }
        }
        true
    }

    /// Resolves a focus request, and moves focus on if its node can no longer hold it (or to the
    /// first focusable node if nothing has focus).
    fn settle_focus(&mut self) {
        if !std::mem::take(&mut self.focus_check) {
            return;
        }
        let s = &self.scene;
        let src = self.focused.filter(|&f| s.kind.get(f).is_some_and(Option::is_some)).map(|f| focus::nav_rect(s, f));
        let requested = self.requested.take().and_then(|r| focus::enter(s, &self.memory, r, src));
        let still = self.focused.filter(|&f| focus::can_focus(s, f));
        let next = requested.or(still).or_else(|| focus::enter(s, &self.memory, 0, None));
        self.set_focus(next);
    }

    fn set_focus(&mut self, next: Option<usize>) {
        let old = self.focused;
        if old == next {
            return;
        }
        self.focused = next;
        let id = |n: Option<usize>| n.map_or(NONE, |n| n as u32);
        self.events.push(&Event::FocusChanged { from: id(old), to: id(next) });
        let s = &self.scene;
        if self.memory.len() < s.kind.len() {
            self.memory.resize(s.kind.len(), NONE);
        }
        let chain = |n: Option<usize>| {
            let mut out = Vec::new();
            let mut at = n.filter(|&n| s.kind.get(n).is_some_and(Option::is_some));
            while let Some(x) = at {
                out.push(x);
                at = s.parent(x);
            }
            out
        };
        let (before, after) = (chain(old), chain(next));
        if let Some(n) = next {
            for &a in &after[1..] {
                self.memory[a] = n as u32;
            }
        }
        // The nodes whose states may have changed: the focused nodes' ancestors (focus-within)
        // and the members of their items (item-focused).
        let mut members = Vec::new();
        for item in old.into_iter().chain(next).filter(|&n| s.kind.get(n).is_some_and(Option::is_some)) {
            focus::item_members(s, item, &mut members);
        }
        for i in before.into_iter().chain(after).chain(members) {
            if let Some(states) = &self.scene.states[i] {
                let channels: Vec<Channel> =
                    states.iter().flatten().filter_map(|d| self.channel(i, d.property())).collect();
                for c in channels {
                    self.restyle(i, Some(c), true);
                }
                // z-index and object-fit have no channel: they switch at once.
                let resting = self.scene.resting(i, self.states_of(i));
                let v = &mut self.scene.visual[i];
                if (v.z_index, v.fit) != (resting.z_index, resting.fit) {
                    (v.z_index, v.fit) = (resting.z_index, resting.fit);
                    self.layers.touch_order(&self.scene, i);
                }
            }
        }
        self.reveal = true;
        self.paint_dirty = true;
    }

    /// Which of `i`'s states hold, indexed by [`State`].
    fn states_of(&self, i: usize) -> [bool; 3] {
        let mut out = [false; 3];
        if let Some(f) = self.focused {
            out[State::Focused as usize] = f == i;
            out[State::FocusWithin as usize] = self.scene.contains(i, f);
            out[State::ItemFocused as usize] = focus::item(&self.scene, i) == Some(f);
        }
        out
    }

    /// Brings channel `c` of node `i` to its resting value: with a transition of the node's
    /// `focus-duration` when `smooth`, else at once (ending any animation of it).
    fn restyle(&mut self, i: usize, c: Option<Channel>, smooth: bool) {
        let Some(c) = c else { return };
        let to = self.scene.resting(i, self.states_of(i)).get(c);
        let from = self.current(i, c);
        let b = self.scene.behaviour[i];
        let replaced = if smooth && b.focus_duration > 0.0 {
            let heading = self.anims.heading(i, c);
            if heading == Some(to) || (heading.is_none() && from == to) {
                return;
            }
            self.anims.start(i, c, Animation::transition(from, to, b.focus_duration, b.easing))
        } else {
            self.scene.visual[i].set(c, to);
            self.anims.stop(i, c)
        };
        if let Some(old) = replaced {
            ended(&mut self.events, i, c, &old, false);
        }
        self.layers.touch(&self.scene, i);
        self.paint_dirty = true;
    }

    /// The animation channel a command on property `p` of node `i` drives: a logical property's
    /// is the side it stands for in the node's direction.
    fn channel(&self, i: usize, p: marquee_protocol::StyleProperty) -> Option<Channel> {
        Channel::of(self.scene.physical(i, p))
    }

    /// Where channel `c` of node `i` stands as of the last frame: the engine's copy, or for an
    /// animation the backend samples, the value at that frame's time.
    fn current(&self, i: usize, c: Channel) -> anim::Value {
        match self.anims.get(i, c) {
            Some(a) => a.peek(self.time),
            None => self.scene.visual[i].get(c),
        }
    }

    /// Samples every running animation at `t` and writes the values where paint reads them.
    fn animate(&mut self, t: f64) {
        if self.anims.is_empty() {
            return;
        }
        let (s, events, layers) = (&mut self.scene, &mut self.events, &mut self.layers);
        let mut boxes_done = Vec::new();
        let mut touched = Vec::new();
        let mut moved_boxes = false;
        let mut sampled = false;
        let mut scrolled = Vec::new();
        self.anims.step(t, |i, c, v, done| {
            sampled = true;
            // Transform and opacity of a layer, a scroll layer's offset and a picture's fade are
            // props; boxes may move whole subtrees; anything else repaints the node.
            match c {
                c if c.moves() && layers.moved(s, Kind::Node(i)) => {}
                Channel::ScrollX | Channel::ScrollY if layers.moved(s, Kind::Scroll(i)) => {}
                Channel::ImageFade if layers.moved(s, Kind::Picture(i)) => {}
                Channel::BoxX | Channel::BoxY | Channel::BoxW | Channel::BoxH => moved_boxes = true,
                _ => touched.push(i),
            }
            match c {
                Channel::ScrollX | Channel::ScrollY => {
                    s.scroll[i][(c == Channel::ScrollY) as usize] = v[0];
                    scrolled.push(i as u32);
                }
                Channel::BoxX | Channel::BoxY | Channel::BoxW | Channel::BoxH => {
                    let k = match c {
                        Channel::BoxX => 0,
                        Channel::BoxY => 1,
                        Channel::BoxW => 2,
                        _ => 3,
                    };
                    if let Some(b) = &mut s.shown_box[i] {
                        b[k] = v[0];
                    }
                    if done.is_some() {
                        boxes_done.push(i);
                    }
                }
                Channel::ImageFade => {
                    if let Content::Image(n) = &mut s.content[i] {
                        n.fade = v[0];
                    }
                }
                _ => s.visual[i].set(c, v),
            }
            if let Some((a, finished)) = done
                && a.tag.is_some()
            {
                // An alternating or fractional animation may end away from its target: that end
                // is the style from now on. (A broken one ends on its target.)
                s.base[i].set(c, v);
                ended(events, i, c, a, finished);
            }
        });
        self.paint_dirty |= sampled;
        if moved_boxes {
            self.layers.touch_all();
        }
        for i in touched {
            self.layers.touch(&self.scene, i);
        }
        // Once a layout transition's last channel ends, paint goes back to the laid-out box.
        for i in boxes_done {
            let box_channels = [Channel::BoxX, Channel::BoxY, Channel::BoxW, Channel::BoxH];
            if box_channels.iter().all(|&c| self.anims.heading(i, c).is_none()) {
                self.scene.shown_box[i] = None;
            }
        }
        self.report_scrolls(t, scrolled);
    }

    /// Tells the app where the containers in `scrolled` (sampled at `t`, an axis at a time) have
    /// scrolled to: at most every [`SCROLL_EVENT_INTERVAL_MS`] of frame time while one glides
    /// (from the first frame it has moved in), and in the frame it comes to rest.
    fn report_scrolls(&mut self, t: f64, mut scrolled: Vec<u32>) {
        let anims = &self.anims;
        let gliding =
            |n: u32| [Channel::ScrollX, Channel::ScrollY].iter().any(|&c| anims.heading(n as usize, c).is_some());
        // Only gliding containers are kept: one that came to rest is reported below, one destroyed
        // mid-glide never is.
        self.scrolls.retain(|&(n, ..)| gliding(n));
        scrolled.dedup();
        for n in scrolled {
            let offset = self.scene.scroll[n as usize];
            let at = self.scrolls.iter().position(|&(s, ..)| s == n);
            let report = match at {
                _ if !gliding(n) => true,
                // A glide's first sample is where it starts from, where the container rests.
                None => {
                    self.scrolls.push((n, f64::NEG_INFINITY, offset));
                    false
                }
                Some(k) => {
                    let (_, last, sent) = &mut self.scrolls[k];
                    let due = t - *last >= SCROLL_EVENT_INTERVAL_MS && *sent != offset;
                    if due {
                        (*last, *sent) = (t, offset);
                    }
                    due
                }
            };
            if report {
                self.events.push(&Event::Scroll { id: n, x: offset[0], y: offset[1] });
            }
        }
    }
}

/// Reports the end of an app animation; the engine's own transitions end silently.
fn ended(events: &mut EventEncoder, node: usize, c: Channel, a: &Animation, finished: bool) {
    if let (Some(tag), Some(property)) = (a.tag, c.property()) {
        events.push(&Event::AnimationEnd { id: node as u32, tag, property, finished });
    }
}
