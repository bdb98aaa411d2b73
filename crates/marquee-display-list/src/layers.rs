//! Retained layers: what a frame changes, and the tree a backend keeps between frames.
//!
//! The engine splits the scene into **layers**: the root (id 0), the contents of every scroll
//! container, and nodes whose transform or opacity animates. A layer is a display list — recorded
//! once and kept until its content changes — and [`Props`]: a clip, a transform and an opacity
//! that apply to the whole list and change without re-recording it. A layer's list draws its
//! child layers where they belong in paint order with [`Op::DrawLayer`], under whatever clips,
//! transforms and opacity the list has pushed there, so the layers form a tree.
//!
//! A frame carries only what changed, as a list of updates:
//!
//! ```text
//! updates := update*
//! update  := kind:u8 layer:u32 body
//!   kind 1 content: len:u32 list[len]          a whole display list ("MQDL"), replacing the layer's
//!   kind 2 props:   flags:u8 sx sy tx ty ox oy:f32 opacity:f32
//!                   [x y w h:f32 radii:f32×4   when flags bit 0: a clip]
//!                   [count:u8 track*           when flags bit 1: animated lanes]
//!   kind 3 remove
//! track   := lane:u8 easing:u8 alternate:u8 from:f32 to:f32 start:f64 delay:f32 duration:f32
//!            iterations:f32 [x1 y1 x2 y2:f32   when easing is 5, cubic-bezier]
//! ```
//!
//! Props may carry **tracks**: animations of their scale, translation or opacity that the backend
//! samples at each frame's time ([`LayerTree::advance`], [`crate::motion`]), so a layer that moves
//! or fades for seconds costs the engine a frame to start it and one to end it. The backend owns
//! the damage those make: [`LayerTree::advance`] returns where animated layers were and are.
//!
//! A frame whose header says *full* restates every layer; the backend drops what it kept first.
//! Otherwise updates apply to the tree kept from earlier frames: `content` makes a layer (with
//! the default props) or replaces its list, `props` changes an existing layer's, `remove` drops
//! one. After a frame the layers must again form one tree under layer 0 — every `DrawLayer` names
//! a layer, every layer but the root is drawn exactly once, nothing draws itself — no deeper than
//! [`MAX_DEPTH`] and no more than [`MAX_LAYERS`]. [`LayerTree::apply`] checks all of that before it
//! changes anything: a frame that fails keeps the previous tree whole, and the host asks the
//! engine for a full frame next.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet};

use crate::geometry::{IntRect, Radii, Rect, Transform};
use crate::motion::{Easing, Lane, Timing, Track};
use crate::{Error, Op, decode};

/// The most layers a tree may hold.
pub const MAX_LAYERS: usize = 1 << 20;

/// The deepest a layer may nest under the root.
pub const MAX_DEPTH: usize = 256;

/// The root layer's id: the frame itself.
pub const ROOT: u32 = 0;

mod kind {
    pub(super) const CONTENT: u8 = 1;
    pub(super) const PROPS: u8 = 2;
    pub(super) const REMOVE: u8 = 3;
}

/// What applies to a layer's whole list, outermost first: the clip (in the coordinates of the
/// list that draws the layer), then the transform (a scale about `origin`, then a translation),
/// then the opacity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Props {
    /// Restricts the layer to a (rounded) rectangle; scroll containers clip their contents.
    pub clip: Option<(Rect, Radii)>,
    /// The horizontal and vertical scale, about `origin`, 0 or more.
    pub scale: [f32; 2],
    /// The translation after the scale (a scroll offset is one).
    pub translate: [f32; 2],
    /// The point the scale keeps in place.
    pub origin: [f32; 2],
    /// Multiplies the layer's pixels, composited as a group, in 0..=1.
    pub opacity: f32,
}

impl Default for Props {
    fn default() -> Self {
        Props { clip: None, scale: [1.0; 2], translate: [0.0; 2], origin: [0.0; 2], opacity: 1.0 }
    }
}

impl Props {
    /// Props that translate by (`tx`, `ty`).
    pub fn shift(tx: f32, ty: f32) -> Props {
        Props { translate: [tx, ty], ..Props::default() }
    }

    /// The transform as one scale and translation: `x' = sx·(x − ox) + ox + tx`, computed as
    /// `sx·x + (ox − sx·ox + tx)` in `f32`, the same bits in every build.
    pub fn transform(&self) -> Transform {
        let ([sx, sy], [tx, ty], [ox, oy]) = (self.scale, self.translate, self.origin);
        Transform { sx, sy, tx: ox - sx * ox + tx, ty: oy - sy * oy + ty }
    }

    /// Sets one lane.
    pub fn set_lane(&mut self, lane: Lane, v: f32) {
        match lane {
            Lane::ScaleX => self.scale[0] = v,
            Lane::ScaleY => self.scale[1] = v,
            Lane::TranslateX => self.translate[0] = v,
            Lane::TranslateY => self.translate[1] = v,
            Lane::Opacity => self.opacity = v,
        }
    }

    /// These props with `tracks` sampled at frame time `t`.
    pub fn at(&self, tracks: &[Track], t: f64) -> Props {
        let mut p = *self;
        for track in tracks {
            p.set_lane(track.lane, track.sample(t));
        }
        p
    }
}

impl std::fmt::Display for Props {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some((rect, radii)) = self.clip {
            write!(f, "clip {rect}{radii} ")?;
        }
        write!(f, "{} opacity {}", self.transform(), self.opacity)
    }
}

/// One change to the layer tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Update<'a> {
    /// The layer's new display list (undecoded), creating the layer if it is new.
    Content {
        /// The layer.
        layer: u32,
        /// Its display list's bytes.
        list: &'a [u8],
    },
    /// The layer's new props.
    Props {
        /// The layer.
        layer: u32,
        /// Its props.
        props: Props,
        /// The lanes the backend animates, each at most once.
        tracks: Vec<Track>,
    },
    /// The layer is gone.
    Remove {
        /// The layer.
        layer: u32,
    },
}

impl Update<'_> {
    /// The layer it changes.
    pub fn layer(&self) -> u32 {
        match *self {
            Update::Content { layer, .. } | Update::Props { layer, .. } | Update::Remove { layer } => layer,
        }
    }
}

/// Appends a `content` update to `out`.
pub fn write_content(out: &mut Vec<u8>, layer: u32, list: &[u8]) {
    out.push(kind::CONTENT);
    out.extend_from_slice(&layer.to_le_bytes());
    out.extend_from_slice(&(list.len() as u32).to_le_bytes());
    out.extend_from_slice(list);
}

/// Appends a `props` update to `out`, with the lanes `tracks` animate (at most one each).
pub fn write_props(out: &mut Vec<u8>, layer: u32, props: &Props, tracks: &[Track]) {
    let f32s = |out: &mut Vec<u8>, vs: &[f32]| vs.iter().for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
    out.push(kind::PROPS);
    out.extend_from_slice(&layer.to_le_bytes());
    out.push(u8::from(props.clip.is_some()) | (u8::from(!tracks.is_empty()) << 1));
    let ([sx, sy], [tx, ty], [ox, oy]) = (props.scale, props.translate, props.origin);
    f32s(out, &[sx, sy, tx, ty, ox, oy, props.opacity]);
    if let Some((r, Radii(radii))) = props.clip {
        f32s(out, &[r.x, r.y, r.w, r.h]);
        f32s(out, &radii);
    }
    if !tracks.is_empty() {
        out.push(tracks.len().min(Lane::ALL.len()) as u8);
        for t in tracks.iter().take(Lane::ALL.len()) {
            out.extend_from_slice(&[t.lane.code(), t.easing.code(), u8::from(t.timing.alternate)]);
            f32s(out, &[t.from, t.to]);
            out.extend_from_slice(&t.start.to_le_bytes());
            // Durations are whole milliseconds or come from the protocol's `f32`: exact.
            f32s(out, &[t.timing.delay_ms, t.timing.duration_ms as f32, t.timing.iterations]);
            if let Easing::CubicBezier(c) = t.easing {
                f32s(out, &c);
            }
        }
    }
}

/// Appends a `remove` update to `out`.
pub fn write_remove(out: &mut Vec<u8>, layer: u32) {
    out.push(kind::REMOVE);
    out.extend_from_slice(&layer.to_le_bytes());
}

/// Reads a frame's layer updates, checking every length and number (display lists are split out,
/// not decoded: [`LayerTree::apply`] decodes them).
pub fn updates(bytes: &[u8]) -> Result<Vec<Update<'_>>, Error> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        let take = |at: &mut usize, n: usize| -> Result<&[u8], Error> {
            let b = bytes.get(*at..*at + n).ok_or(Error::Truncated { offset: bytes.len() })?;
            *at += n;
            Ok(b)
        };
        let word = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let head = take(&mut at, 5)?;
        let layer = word(&head[1..]);
        out.push(match head[0] {
            kind::CONTENT => {
                let len = word(take(&mut at, 4)?) as usize;
                Update::Content { layer, list: take(&mut at, len)? }
            }
            kind::PROPS => {
                let bad = || Error::BadValue { offset: start };
                let flags = take(&mut at, 1)?[0];
                if flags > 3 {
                    return Err(bad());
                }
                let n = if flags & 1 == 1 { 15 } else { 7 };
                let mut v = [0f32; 15];
                for (i, c) in take(&mut at, n * 4)?.chunks_exact(4).enumerate() {
                    v[i] = f32::from_bits(word(c));
                    if !v[i].is_finite() {
                        return Err(bad());
                    }
                }
                if !(0.0..=1.0).contains(&v[6]) || v[0] < 0.0 || v[1] < 0.0 {
                    return Err(bad());
                }
                let clip =
                    (flags & 1 == 1).then(|| (Rect::new(v[7], v[8], v[9], v[10]), Radii([v[11], v[12], v[13], v[14]])));
                let props =
                    Props { clip, scale: [v[0], v[1]], translate: [v[2], v[3]], origin: [v[4], v[5]], opacity: v[6] };
                let mut tracks = Vec::new();
                if flags & 2 == 2 {
                    let count = take(&mut at, 1)?[0];
                    if count == 0 || usize::from(count) > Lane::ALL.len() {
                        return Err(bad());
                    }
                    for _ in 0..count {
                        let track = read_track(&mut |n| take(&mut at, n))
                            .map_err(|e| e.unwrap_or(Error::BadValue { offset: start }))?;
                        if tracks.iter().any(|t: &Track| t.lane == track.lane) {
                            return Err(bad());
                        }
                        tracks.push(track);
                    }
                }
                Update::Props { layer, props, tracks }
            }
            kind::REMOVE => Update::Remove { layer },
            tag => return Err(Error::UnknownOp { tag, offset: start }),
        });
    }
    Ok(out)
}

/// Reads one track (see the module docs); `Err(None)` for a bad value, `Err(Some(e))` when the
/// bytes run out.
fn read_track<'b>(take: &mut dyn FnMut(usize) -> Result<&'b [u8], Error>) -> Result<Track, Option<Error>> {
    let head = take(3)?;
    let (lane, easing, alternate) = (Lane::from_code(head[0]).ok_or(None)?, head[1], head[2]);
    if alternate > 1 || easing > 5 {
        return Err(None);
    }
    let b = take(28)?;
    let f = |i: usize| f32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let (from, to, delay, duration, iterations) = (f(0), f(4), f(16), f(20), f(24));
    let start = f64::from_le_bytes([b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]]);
    let finite = [from, to, delay, duration].iter().all(|v| v.is_finite()) && start.is_finite();
    // Iterations may be infinite (it never ends), never NaN or 0 or less.
    let some_iterations = iterations > 0.0;
    if !finite || delay < 0.0 || duration < 0.0 || !some_iterations {
        return Err(None);
    }
    let easing = match easing {
        0 => Easing::Linear,
        1 => Easing::Ease,
        2 => Easing::EaseIn,
        3 => Easing::EaseOut,
        4 => Easing::EaseInOut,
        _ => {
            let p = take(16)?;
            let c: [f32; 4] =
                std::array::from_fn(|i| f32::from_le_bytes([p[4 * i], p[4 * i + 1], p[4 * i + 2], p[4 * i + 3]]));
            if !c.iter().all(|v| v.is_finite()) || !(0.0..=1.0).contains(&c[0]) || !(0.0..=1.0).contains(&c[2]) {
                return Err(None);
            }
            Easing::CubicBezier(c)
        }
    };
    let timing = Timing { delay_ms: delay, duration_ms: f64::from(duration), iterations, alternate: alternate == 1 };
    Ok(Track { lane, from, to, start, timing, easing })
}

/// One layer a backend keeps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layer {
    /// Its display list, decoded.
    pub ops: Vec<Op>,
    /// Its clip, transform and opacity at the tree's time: [`base`](Self::base) with its
    /// [`tracks`](Self::tracks) sampled by the last [`LayerTree::advance`].
    pub props: Props,
    /// Its props as the engine sent them.
    pub base: Props,
    /// The lanes of its props the backend animates.
    pub tracks: Vec<Track>,
    /// The layers its list draws, in paint order.
    pub children: Vec<u32>,
    /// Changes whenever its list is replaced, and never repeats in a process, whatever tree the
    /// layer is in: what a backend keeps of the list's pixels is good while this is.
    pub version: u64,
    /// The layer whose list draws it (the root: itself).
    parent: u32,
    /// Where that list draws it: the transform and the clip open there.
    site: Site,
    /// What its own list's ops may cover, in its coordinates (child layers left out).
    extent: Rect,
}

/// The transform and clip a list has open where it draws a child layer.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Site {
    transform: Transform,
    clip: Rect,
}

impl Default for Site {
    fn default() -> Self {
        Site { transform: Transform::IDENTITY, clip: EVERYWHERE }
    }
}

/// A clip that clips nothing.
const EVERYWHERE: Rect = Rect { x: -1e9, y: -1e9, w: 2e9, h: 2e9 };

/// How a layer draws on the device: its transform, its clip, its opacity.
type Placed = (Transform, Rect, f32);

/// How `layer` draws, its parent drawing as `parent`: its site and props on its parent's.
fn under(layer: &Layer, (transform, mut clip, opacity): Placed) -> Placed {
    let site = layer.site.transform.then(&transform);
    clip = clip.intersect(&transform.map_rect(&layer.site.clip));
    if let Some((rect, _)) = layer.props.clip {
        clip = clip.intersect(&site.map_rect(&rect));
    }
    (layer.props.transform().then(&site), clip, opacity * layer.props.opacity)
}

/// Where an animated layer was drawn by the last [`LayerTree::advance`].
#[derive(Debug, Clone, Copy, PartialEq)]
struct Seen {
    transform: Transform,
    opacity: f32,
    rect: IntRect,
}

/// What one [`LayerTree::apply`] changed, for frame statistics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Layers whose display list was (re)placed.
    pub contents: u32,
    /// Layers whose props changed.
    pub props: u32,
    /// Layers removed.
    pub removed: u32,
}

/// The layer tree a backend keeps between frames.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayerTree {
    layers: HashMap<u32, Layer>,
    /// The layers with tracks, and where each was last drawn.
    moving: BTreeMap<u32, Option<Seen>>,
    /// Where layers that stopped animating (or went) were last drawn: the next
    /// [`advance`](Self::advance) damages it.
    owed: Vec<IntRect>,
    /// The frame time props were last sampled at.
    time: f64,
}

/// The last content version handed out (see [`Layer::version`]).
static VERSIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl LayerTree {
    /// A tree whose root draws `ops` (for tests and tools that have one list).
    pub fn single(ops: Vec<Op>) -> Result<LayerTree, Error> {
        let mut tree = LayerTree::default();
        let mut updates = Vec::new();
        let mut enc = crate::Encoder::default();
        for op in &ops {
            enc.push(op);
        }
        write_content(&mut updates, ROOT, enc.bytes());
        tree.apply(&updates, true)?;
        Ok(tree)
    }

    /// The layer `id`, if the tree has it.
    pub fn get(&self, id: u32) -> Option<&Layer> {
        self.layers.get(&id)
    }

    /// How many layers the tree holds.
    pub fn len(&self) -> usize {
        self.layers.len()
    }

    /// Whether the tree has no layer (before the first frame).
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// Applies a frame's layer updates (`full`: the frame restates every layer). Nothing changes
    /// unless the whole frame is good: every update reads, every list decodes, and the result is
    /// one tree (see the module docs).
    pub fn apply(&mut self, bytes: &[u8], full: bool) -> Result<Applied, Error> {
        let bad = |reason: String| Error::BadLayers { reason };
        let mut staged: HashMap<u32, Option<Layer>> = HashMap::default();
        let mut props_of: Vec<(u32, Props, Vec<Track>)> = Vec::new();
        let mut applied = Applied::default();
        let mut structural = full;
        for update in updates(bytes)? {
            let exists = match staged.get(&update.layer()) {
                Some(l) => l.is_some(),
                None => !full && self.layers.contains_key(&update.layer()),
            };
            match update {
                Update::Content { layer, list } => {
                    let ops = decode(list)?;
                    let children = ops
                        .iter()
                        .filter_map(|op| match op {
                            Op::DrawLayer { layer } => Some(*layer),
                            _ => None,
                        })
                        .collect();
                    // A new list keeps the layer's props, and where its parent draws it (until
                    // the parent's list changes too); a new layer starts with the defaults.
                    let kept = if full { None } else { self.layers.get(&layer) };
                    let (props, base, tracks, parent, site) =
                        kept.map(|l| (l.props, l.base, l.tracks.clone(), l.parent, l.site)).unwrap_or_default();
                    let (extent, version) = (extent(&ops), 0);
                    let layer_kept = Layer { ops, props, base, tracks, children, version, parent, site, extent };
                    staged.insert(layer, Some(layer_kept));
                    applied.contents += 1;
                    structural = true;
                }
                Update::Props { layer, props, tracks } if exists => {
                    props_of.push((layer, props, tracks));
                    applied.props += 1;
                }
                Update::Remove { layer } if exists && layer != ROOT => {
                    staged.insert(layer, None);
                    applied.removed += 1;
                    structural = true;
                }
                Update::Props { layer, .. } => return Err(bad(format!("props for unknown layer {layer}"))),
                Update::Remove { layer } => return Err(bad(format!("cannot remove layer {layer}"))),
            }
        }
        let lookup = |id: u32| -> Option<&Layer> {
            match staged.get(&id) {
                Some(l) => l.as_ref(),
                None if full => None,
                None => self.layers.get(&id),
            }
        };
        if structural {
            let total = if full {
                staged.values().filter(|l| l.is_some()).count()
            } else {
                let added = staged.iter().filter(|(id, l)| l.is_some() && !self.layers.contains_key(id)).count();
                let gone = staged.iter().filter(|(id, l)| l.is_none() && self.layers.contains_key(id)).count();
                self.layers.len() + added - gone
            };
            if total > MAX_LAYERS {
                return Err(bad(format!("{total} layers, more than {MAX_LAYERS}")));
            }
            // Walk the tree from the root: every layer reached once, none missing, none past the
            // depth limit.
            let mut reached = 0usize;
            let mut seen: FxHashSet<u32> = FxHashSet::with_capacity_and_hasher(total, Default::default());
            let mut stack = vec![(ROOT, 0usize)];
            if lookup(ROOT).is_none() {
                return Err(bad("no root layer".into()));
            }
            seen.insert(ROOT);
            while let Some((id, depth)) = stack.pop() {
                reached += 1;
                let Some(layer) = lookup(id) else {
                    return Err(bad(format!("layer {id} is drawn but does not exist")));
                };
                for &c in &layer.children {
                    if !seen.insert(c) {
                        return Err(bad(format!("layer {c} is drawn twice, or draws itself")));
                    }
                    if depth + 1 > MAX_DEPTH {
                        return Err(bad(format!("layers nest deeper than {MAX_DEPTH}")));
                    }
                    stack.push((c, depth + 1));
                }
            }
            if reached != total {
                return Err(bad(format!("{} layers are not drawn by any layer", total - reached)));
            }
        }
        if full {
            self.layers.clear();
            self.stop_all();
        }
        let mut listed = Vec::new();
        for (id, layer) in staged {
            match layer {
                Some(mut l) => {
                    l.version = VERSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    listed.push(id);
                    self.layers.insert(id, l);
                }
                None => {
                    self.layers.remove(&id);
                    self.stop(id);
                }
            };
        }
        // Where each new list draws its children.
        for id in listed {
            let Some(l) = self.layers.get(&id) else { continue };
            let sites = sites(&l.ops);
            for (child, site) in sites {
                if let Some(c) = self.layers.get_mut(&child) {
                    c.parent = id;
                    c.site = site;
                }
            }
        }
        for (id, props, tracks) in props_of {
            if let Some(l) = self.layers.get_mut(&id) {
                l.props = props.at(&tracks, self.time);
                l.base = props;
                l.tracks = tracks;
                if !l.tracks.is_empty() {
                    self.moving.entry(id).or_insert(None);
                } else {
                    self.stop(id);
                }
            }
        }
        Ok(applied)
    }

    /// Applies a whole frame the way a backend draws it: its layer updates, then its time
    /// ([`advance`](Self::advance)). Returns the frame's damage and the animations' within
    /// `bounds` (the device), merged ([`crate::damage::merge`]); a refused frame changes
    /// nothing, as [`apply`](Self::apply) says.
    pub fn apply_frame(&mut self, frame: &crate::frame::Frame<'_>, bounds: IntRect) -> Result<Vec<IntRect>, Error> {
        let mut damage = Vec::new();
        self.apply_frame_with(frame, &mut |r| damage.push(r))?;
        Ok(crate::damage::merge(damage, bounds))
    }

    /// [`apply_frame`](Self::apply_frame), handing each rectangle of the frame's damage and the
    /// animations' to `sink` unmerged and unclipped (see [`advance_with`](Self::advance_with)).
    pub fn apply_frame_with(
        &mut self,
        frame: &crate::frame::Frame<'_>,
        sink: &mut dyn FnMut(IntRect),
    ) -> Result<(), Error> {
        self.apply(frame.layers, frame.full)?;
        frame.damage.iter().copied().for_each(&mut *sink);
        self.advance_with(frame.time, sink);
        Ok(())
    }

    /// Layer `id` stopped animating, or went: where it was drawn is owed damage.
    fn stop(&mut self, id: u32) {
        if let Some(Some(seen)) = self.moving.remove(&id) {
            self.owed.push(seen.rect);
        }
    }

    fn stop_all(&mut self) {
        let moving = std::mem::take(&mut self.moving);
        self.owed.extend(moving.into_values().flatten().map(|s| s.rect));
    }

    /// Forgets every layer (after a failed frame, until the next full one).
    pub fn clear(&mut self) {
        self.layers.clear();
        self.stop_all();
    }

    /// The layers whose props animate, by id.
    pub fn moving(&self) -> impl Iterator<Item = (u32, &Layer)> {
        self.moving.keys().filter_map(|id| self.layers.get(id).map(|l| (*id, l)))
    }

    /// Whether some layer's props animate: frames change pixels even when the engine sends
    /// nothing.
    pub fn animating(&self) -> bool {
        !self.moving.is_empty()
    }

    /// Samples every animated layer's props at frame time `t` (call it after
    /// [`apply`](Self::apply), with the frame's time) and returns the damage that makes, in device
    /// pixels: where each animated layer was drawn and where it is now, when it moved or faded,
    /// and where the layers that stopped animating or went were last drawn. The engine's damage
    /// covers the rest.
    pub fn advance(&mut self, t: f64) -> Vec<IntRect> {
        let mut damage = Vec::new();
        self.advance_with(t, &mut |r| damage.push(r));
        damage
    }

    /// [`advance`](Self::advance), handing each rectangle of damage (never an empty one) to `sink`
    /// as it is found rather than collecting them: a backend that redraws one area unions them
    /// as they come, where thousands of moving layers would make a long list to merge.
    pub fn advance_with(&mut self, t: f64, sink: &mut dyn FnMut(IntRect)) {
        self.time = t;
        let mut send = |r: IntRect| {
            if !r.is_empty() {
                sink(r);
            }
        };
        std::mem::take(&mut self.owed).into_iter().for_each(&mut send);
        // Lent out while the layers are sampled and placed (placing never reads it).
        let mut moving = std::mem::take(&mut self.moving);
        for id in moving.keys() {
            if let Some(l) = self.layers.get_mut(id) {
                l.props = l.base.at(&l.tracks, t);
            }
        }
        // Where the last layer's parent draws: moving layers come in id order, and those of a
        // page are mostly siblings (a rail's tiles, a grid's cells), so most share it.
        let mut above = None;
        for (&id, was) in &mut moving {
            let seen = self.seen(id, &mut above);
            if *was != seen {
                was.map(|s| s.rect).into_iter().chain(seen.map(|s| s.rect)).for_each(&mut send);
            }
            *was = seen;
        }
        self.moving = moving;
    }

    /// Each layer, in id order, and where it and everything it draws land on the device with the
    /// props as they are (what [`advance`](Self::advance) damages for a moving one); a layer
    /// that shows nothing is left out. For tools (the debug overlay outlines the layers): it
    /// places every layer from the root.
    pub fn on_screen(&self) -> Vec<(u32, IntRect)> {
        let mut ids: Vec<u32> = self.layers.keys().copied().collect();
        ids.sort_unstable();
        let mut above = None;
        ids.into_iter()
            .filter_map(|id| Some((id, self.seen(id, &mut above)?.rect)))
            .filter(|(_, rect)| !rect.is_empty())
            .collect()
    }

    /// Where layer `id` and everything it draws land on the device with the props as they are;
    /// `above` keeps the last parent placed, and where it draws, for the next sibling.
    fn seen(&self, id: u32, above: &mut Option<(u32, Option<Placed>)>) -> Option<Seen> {
        let layer = self.layers.get(&id)?;
        let (transform, clip, opacity) = if id == ROOT {
            self.placed(id, 0)?
        } else {
            let parent = match *above {
                Some((p, placed)) if p == layer.parent => placed,
                _ => {
                    let placed = self.placed(layer.parent, 1);
                    *above = Some((layer.parent, placed));
                    placed
                }
            };
            under(layer, parent?)
        };
        let bounds = transform.map_rect(&self.reach(layer, 0)).intersect(&clip);
        Some(Seen { transform, opacity, rect: if opacity > 0.0 { bounds.round_out() } else { IntRect::default() } })
    }

    /// The transform, clip and opacity layer `id` draws with: its site and props on its
    /// parent's, from the root down (the root's own props left out). Recursive rather than a
    /// collected chain: it runs for every animated layer every frame, and allocates nothing.
    fn placed(&self, id: u32, depth: usize) -> Option<Placed> {
        if depth > MAX_DEPTH {
            return None;
        }
        if id == ROOT {
            return Some((Transform::IDENTITY, EVERYWHERE, 1.0));
        }
        let layer = self.layers.get(&id)?;
        Some(under(layer, self.placed(layer.parent, depth + 1)?))
    }

    /// What layer `id` and the layers under it may cover, in its coordinates (its own props
    /// left out): a backend's bound for an offscreen buffer holding the subtree.
    pub fn bounds(&self, id: u32) -> Option<Rect> {
        self.layers.get(&id).map(|layer| self.reach(layer, 0))
    }

    /// What `layer` and the layers under it may cover, in its coordinates.
    fn reach(&self, layer: &Layer, depth: usize) -> Rect {
        let mut out = layer.extent;
        if depth >= MAX_DEPTH {
            return out;
        }
        for &c in &layer.children {
            let Some(child) = self.layers.get(&c) else { continue };
            let inner = self.reach(child, depth + 1);
            let mut r = child.props.transform().then(&child.site.transform).map_rect(&inner);
            if let Some((clip, _)) = child.props.clip {
                r = r.intersect(&child.site.transform.map_rect(&clip));
            }
            out = out.union(&r.intersect(&child.site.clip));
        }
        out
    }

    /// The whole tree as one display list, each layer's props as push/pop pairs around its list
    /// where its parent draws it: for backends that draw a list, not layers. A layer with an
    /// empty list is left out.
    pub fn flatten(&self, out: &mut Vec<Op>) {
        self.flatten_from(ROOT, out);
    }

    /// Layer `id` and everything it draws as one display list (its own props left out, as the
    /// root's are by [`flatten`](Self::flatten)).
    pub fn flatten_from(&self, id: u32, out: &mut Vec<Op>) {
        out.clear();
        let Some(root) = self.layers.get(&id) else { return };
        // (layer, next op index, pops owed when it ends)
        let mut stack: Vec<(&Layer, usize, [Option<Op>; 3])> = vec![(root, 0, [None; 3])];
        while let Some((layer, at, pops)) = stack.last_mut() {
            let Some(op) = layer.ops.get(*at) else {
                out.extend(pops.iter().flatten().copied());
                stack.pop();
                continue;
            };
            *at += 1;
            let Op::DrawLayer { layer: id } = *op else {
                out.push(*op);
                continue;
            };
            let Some(child) = self.layers.get(&id).filter(|l| !l.ops.is_empty()) else { continue };
            let p = child.props;
            let mut owed = [None; 3];
            if let Some((rect, radii)) = p.clip {
                out.push(Op::PushClip { rect, radii });
                owed[2] = Some(Op::PopClip);
            }
            let transform = p.transform();
            if !transform.is_identity() {
                out.push(Op::PushTransform { transform });
                owed[1] = Some(Op::PopTransform);
            }
            if p.opacity < 1.0 {
                out.push(Op::PushOpacity { opacity: p.opacity });
                owed[0] = Some(Op::PopOpacity);
            }
            stack.push((child, 0, owed));
        }
    }
}

/// What `ops` may cover: every shape through the transforms open over it, text with its
/// overhang. Clips are left out (the result only needs to cover).
fn extent(ops: &[Op]) -> Rect {
    let mut stack = vec![Transform::IDENTITY];
    let mut out = Rect::new(0.0, 0.0, 0.0, 0.0);
    for op in ops {
        let t = stack.last().copied().unwrap_or_default();
        let r = match *op {
            Op::FillRect { rect, .. } | Op::Border { rect, .. } => rect,
            Op::Image { dst, .. } => dst,
            Op::Text { rect, overhang, .. } => {
                let g = overhang.max(0.0);
                Rect::new(rect.x - g, rect.y - g, rect.w + 2.0 * g, rect.h + 2.0 * g)
            }
            Op::PushTransform { transform } => {
                stack.push(transform.then(&t));
                continue;
            }
            Op::PopTransform => {
                if stack.len() > 1 {
                    stack.pop();
                }
                continue;
            }
            _ => continue,
        };
        out = out.union(&t.map_rect(&r));
    }
    out
}

/// Where `ops` draw their child layers: each child with the transform and clip open there.
fn sites(ops: &[Op]) -> Vec<(u32, Site)> {
    let mut stack = vec![Site::default()];
    let mut out = Vec::new();
    for op in ops {
        let top = stack.last().copied().unwrap_or_default();
        match *op {
            Op::PushTransform { transform } => {
                stack.push(Site { transform: transform.then(&top.transform), clip: top.clip })
            }
            Op::PushClip { rect, .. } => {
                stack.push(Site { clip: top.clip.intersect(&top.transform.map_rect(&rect)), ..top })
            }
            // Opacity groups change no geometry, but pop in turn with the rest.
            Op::PushOpacity { .. } => stack.push(top),
            Op::PopTransform | Op::PopClip | Op::PopOpacity if stack.len() > 1 => {
                stack.pop();
            }
            Op::DrawLayer { layer } => out.push((layer, top)),
            _ => {}
        }
    }
    out
}
