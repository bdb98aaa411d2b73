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
//!   kind 2 props:   flags:u8 sx sy tx ty:f32 opacity:f32
//!                   [x y w h:f32 radii:f32×4   when flags bit 0: a clip]
//!   kind 3 remove
//! ```
//!
//! A frame whose header says *full* restates every layer; the backend drops what it kept first.
//! Otherwise updates apply to the tree kept from earlier frames: `content` makes a layer (with
//! the default props) or replaces its list, `props` changes an existing layer's, `remove` drops
//! one. After a frame the layers must again form one tree under layer 0 — every `DrawLayer` names
//! a layer, every layer but the root is drawn exactly once, nothing draws itself — no deeper than
//! [`MAX_DEPTH`] and no more than [`MAX_LAYERS`]. [`LayerTree::apply`] checks all of that before it
//! changes anything: a frame that fails keeps the previous tree whole, and the host asks the
//! engine for a full frame next.

use std::collections::HashMap;

use crate::geometry::{Radii, Rect, Transform};
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
/// list that draws the layer), then the transform, then the opacity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Props {
    /// Restricts the layer to a (rounded) rectangle; scroll containers clip their contents.
    pub clip: Option<(Rect, Radii)>,
    /// Applies to everything the layer draws (a scroll offset is a translation).
    pub transform: Transform,
    /// Multiplies the layer's pixels, composited as a group, in 0..=1.
    pub opacity: f32,
}

impl Default for Props {
    fn default() -> Self {
        Props { clip: None, transform: Transform::IDENTITY, opacity: 1.0 }
    }
}

impl std::fmt::Display for Props {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some((rect, radii)) = self.clip {
            write!(f, "clip {rect}{radii} ")?;
        }
        write!(f, "{} opacity {}", self.transform, self.opacity)
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

/// Appends a `props` update to `out`.
pub fn write_props(out: &mut Vec<u8>, layer: u32, props: &Props) {
    out.push(kind::PROPS);
    out.extend_from_slice(&layer.to_le_bytes());
    out.push(u8::from(props.clip.is_some()));
    let Transform { sx, sy, tx, ty } = props.transform;
    for v in [sx, sy, tx, ty, props.opacity] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    if let Some((r, Radii(radii))) = props.clip {
        for v in [r.x, r.y, r.w, r.h].into_iter().chain(radii) {
            out.extend_from_slice(&v.to_le_bytes());
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
                let flags = take(&mut at, 1)?[0];
                if flags > 1 {
                    return Err(Error::BadValue { offset: start });
                }
                let n = if flags == 1 { 13 } else { 5 };
                let mut v = [0f32; 13];
                for (i, c) in take(&mut at, n * 4)?.chunks_exact(4).enumerate() {
                    v[i] = f32::from_bits(word(c));
                    if !v[i].is_finite() {
                        return Err(Error::BadValue { offset: start });
                    }
                }
                if !(0.0..=1.0).contains(&v[4]) {
                    return Err(Error::BadValue { offset: start });
                }
                let clip =
                    (flags == 1).then(|| (Rect::new(v[5], v[6], v[7], v[8]), Radii([v[9], v[10], v[11], v[12]])));
                let transform = Transform { sx: v[0], sy: v[1], tx: v[2], ty: v[3] };
                Update::Props { layer, props: Props { clip, transform, opacity: v[4] } }
            }
            kind::REMOVE => Update::Remove { layer },
            tag => return Err(Error::UnknownOp { tag, offset: start }),
        });
    }
    Ok(out)
}

/// One layer a backend keeps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layer {
    /// Its display list, decoded.
    pub ops: Vec<Op>,
    /// Its clip, transform and opacity.
    pub props: Props,
    /// The layers its list draws, in paint order.
    pub children: Vec<u32>,
    /// Changes whenever its list is replaced, and never repeats in a process, whatever tree the
    /// layer is in: what a backend keeps of the list's pixels is good while this is.
    pub version: u64,
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
        let mut staged: HashMap<u32, Option<Layer>> = HashMap::new();
        let mut props_of: Vec<(u32, Props)> = Vec::new();
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
                    // A new list keeps the layer's props; a new layer starts with the defaults.
                    let props = if full { None } else { self.layers.get(&layer).map(|l| l.props) };
                    let props = props.unwrap_or_default();
                    staged.insert(layer, Some(Layer { ops, props, children, version: 0 }));
                    applied.contents += 1;
                    structural = true;
                }
                Update::Props { layer, props } if exists => {
                    props_of.push((layer, props));
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
            let mut seen: HashMap<u32, ()> = HashMap::with_capacity(total);
            let mut stack = vec![(ROOT, 0usize)];
            if lookup(ROOT).is_none() {
                return Err(bad("no root layer".into()));
            }
            seen.insert(ROOT, ());
            while let Some((id, depth)) = stack.pop() {
                reached += 1;
                let Some(layer) = lookup(id) else {
                    return Err(bad(format!("layer {id} is drawn but does not exist")));
                };
                for &c in &layer.children {
                    if seen.insert(c, ()).is_some() {
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
        }
        for (id, layer) in staged {
            match layer {
                Some(mut l) => {
                    l.version = VERSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    self.layers.insert(id, l)
                }
                None => self.layers.remove(&id),
            };
        }
        for (id, props) in props_of {
            if let Some(l) = self.layers.get_mut(&id) {
                l.props = props;
            }
        }
        Ok(applied)
    }

    /// Forgets every layer (after a failed frame, until the next full one).
    pub fn clear(&mut self) {
        self.layers.clear();
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
            if !p.transform.is_identity() {
                out.push(Op::PushTransform { transform: p.transform });
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
