//! Marquee's UI engine.
//!
//! The engine owns the scene: it applies command batches from the app, lays the scene out with
//! taffy, and at every frame returns one buffer holding the display list, the damage since the
//! previous frame and the events for the app (see `marquee_display_list::frame`).
//!
//! **The engine is sans-IO and deterministic.** It reads no clock, starts no thread, touches no
//! file or socket; time arrives as an argument to [`Engine::frame`]. The same command stream gives
//! byte-identical frames natively, as `engine.wasm` and as `engine.js`, which is what the parity
//! tests check.
//!
//! **Nothing from outside can panic it.** Each command is validated before it mutates anything; a
//! rejected command becomes a `CommandError` event and the rest of the batch still applies.
//!
//! A frame runs its systems in a fixed order: commands (already applied by [`Engine::apply`]) →
//! layout (incremental: taffy re-lays out only dirty subtrees) → paint and culling → damage →
//! events.

mod damage;
mod paint;
mod scene;
mod style;

use marquee_display_list::{Encoder, IntRect, frame};
use marquee_protocol::{Command, Error, Event, EventEncoder, NodeId, decode_batch};

use crate::damage::Record;
use crate::scene::Scene;

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
    /// Operations in the last display list.
    pub ops: u32,
    /// Whether the last frame ran layout.
    pub laid_out: bool,
}

/// One engine instance: a scene and what the last frame painted.
pub struct Engine {
    scene: Scene,
    viewport: (f32, f32),
    /// Layout must run before the next paint.
    layout_dirty: bool,
    /// Something visible may have changed since the last frame.
    paint_dirty: bool,
    /// The next frame must report the whole viewport as damaged.
    full_damage: bool,
    queries: Vec<NodeId>,
    events: EventEncoder,
    list: Encoder,
    records: [Vec<Option<Record>>; 2],
    painted: [Vec<u32>; 2],
    output: Vec<u8>,
    stats: Stats,
}

impl Default for Engine {
    fn default() -> Self {
        let (w, h) = DEFAULT_VIEWPORT;
        Engine {
            scene: Scene::new(w, h),
            viewport: (w, h),
            layout_dirty: true,
            paint_dirty: true,
            full_damage: true,
            queries: Vec::new(),
            events: EventEncoder::default(),
            list: Encoder::default(),
            records: [Vec::new(), Vec::new()],
            painted: [Vec::new(), Vec::new()],
            output: Vec::new(),
            stats: Stats::default(),
        }
    }
}

impl Engine {
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
                        self.execute(cmd).map_err(|kind| Error { offset, opcode: Some(cmd.opcode()), kind })
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

    fn execute(&mut self, cmd: Command) -> Result<(), marquee_protocol::ErrorKind> {
        let s = &mut self.scene;
        let layout = match cmd {
            Command::CreateNode { id, kind } => {
                s.create(id, kind)?;
                // A detached node paints nothing and changes no layout until it is attached.
                return Ok(());
            }
            Command::DestroyNode { id } => {
                // The SDK allocates ids and reuses them once told they are free: the engine alone
                // knows a subtree's members, so it names each one.
                let events = &mut self.events;
                s.destroy(id, |freed| events.push(&Event::NodeFreed { id: freed })).map(|_| true)?
            }
            Command::AppendChild { parent, child } => s.attach(parent, child, None).map(|_| true)?,
            Command::InsertBefore { parent, child, before } => s.attach(parent, child, Some(before)).map(|_| true)?,
            Command::RemoveChild { parent, child } => s.remove_child(parent, child).map(|_| true)?,
            Command::SetStyle { id, decl } => s.set_style(id, decl, false)?,
            Command::ClearStyle { id, property } => s.clear_style(id, property)?,
            Command::SetViewport { width, height } => {
                if (width, height) != self.viewport {
                    s.set_viewport(width, height);
                    self.viewport = (width, height);
                    self.full_damage = true;
                }
                true
            }
            Command::QueryLayout { id } => {
                if !s.exists(id) {
                    return Err(marquee_protocol::ErrorKind::UnknownNode(id.0));
                }
                self.queries.push(id);
                return Ok(());
            }
        };
        self.layout_dirty |= layout;
        self.paint_dirty = true;
        Ok(())
    }

    /// Runs one frame at `time_ms` (the host's frame clock) and returns the frame buffer: display
    /// list, damage and events. The buffer stays valid until the next call. Nothing reads the time
    /// yet; animations will.
    pub fn frame(&mut self, _time_ms: f64) -> &[u8] {
        self.stats.laid_out = false;
        let (vw, vh) = self.viewport;
        if self.layout_dirty {
            let space =
                taffy::Size { width: taffy::AvailableSpace::Definite(vw), height: taffy::AvailableSpace::Definite(vh) };
            let root = self.scene.layout_id[0];
            let _ = self.scene.layout.compute_layout(root, space);
            self.layout_dirty = false;
            self.stats.laid_out = true;
        }

        let mut damage: Vec<IntRect> = Vec::new();
        if self.paint_dirty || self.full_damage {
            // Swap so [0] holds the previous frame's records and [1] receives this frame's.
            self.records.swap(0, 1);
            self.painted.swap(0, 1);
            let [prev, next] = &mut self.records;
            let [prev_painted, painted] = &mut self.painted;
            paint::paint(&self.scene, paint::viewport_rect(vw, vh), &mut self.list, next, painted);
            let viewport = paint::viewport_int(vw, vh);
            damage = if self.full_damage {
                if viewport.is_empty() { Vec::new() } else { vec![viewport] }
            } else {
                damage::diff(prev, prev_painted, next, painted, viewport)
            };
            self.paint_dirty = false;
            self.full_damage = false;
        }

        for id in self.queries.drain(..) {
            if let Ok((x, y, width, height)) = self.scene.absolute_box(id) {
                self.events.push(&Event::LayoutResult { id: id.0, x, y, width, height });
            }
        }

        self.stats.nodes = self.scene.len() as u32;
        self.stats.ops = self.list.len();
        self.output.clear();
        frame::write(&mut self.output, self.list.bytes(), &damage, self.events.bytes());
        self.events.clear();
        &self.output
    }

    /// Counters for budgets and benchmarks.
    pub fn stats(&self) -> Stats {
        self.stats
    }
}
