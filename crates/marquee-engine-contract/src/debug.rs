//! The debug query: what an engine tells a host's debug overlay about its scene — a node's box,
//! margins, padding and border, its base and shown look, its state styles, its layer and
//! animations; the node under a point; the focus path with what each group remembers.
//!
//! It is an optional export (`mq_debug_query`): an engine without it still runs, and the
//! overlay says it has no inspector for it. The answer is bytes in the engine's memory, which
//! the host decodes here, trusting nothing: a hostile or broken engine's answer is a
//! [`DecodeError`], never a panic or a read past the end. The format is specified in
//! docs/debug.md and held by the golden vectors in `tests/vectors/debug-*.hex`.
//!
//! Every answer starts with [`VERSION`] and a tag; numbers are little-endian; a node id of
//! `u32::MAX` means none.

use marquee_protocol::{StyleDecl, StyleProperty};

/// The format's version: bumped on any change to an answer's layout.
pub const VERSION: u8 = 1;

/// The most steps of a focus path, and state declarations of one state, an answer may hold.
pub const MAX_LIST: usize = 4096;

/// "No node" in an answer.
const NONE: u32 = u32::MAX;

/// What the host asks (`mq_debug_query(kind, a, b)`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Query {
    /// Node `id` (kind 0, `a` = id).
    Node(u32),
    /// The deepest node shown at a point of the screen, in pixels (kind 1, `a` and `b` the
    /// bits of `x` and `y` as `f32`).
    At {
        /// Pixels from the left.
        x: f32,
        /// Pixels from the top.
        y: f32,
    },
    /// The focused node and the focus path (kind 2).
    Focus,
}

impl Query {
    /// The query as the export's three arguments.
    pub fn to_args(self) -> (u32, u32, u32) {
        match self {
            Query::Node(id) => (0, id, 0),
            Query::At { x, y } => (1, x.to_bits(), y.to_bits()),
            Query::Focus => (2, 0, 0),
        }
    }

    /// The query of the export's arguments, `None` for a kind this build does not know.
    pub fn from_args(kind: u32, a: u32, b: u32) -> Option<Query> {
        match kind {
            0 => Some(Query::Node(a)),
            1 => Some(Query::At { x: f32::from_bits(a), y: f32::from_bits(b) }),
            2 => Some(Query::Focus),
            _ => None,
        }
    }
}

/// An answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// No such node, no node there, or a query the engine does not know (tag 0).
    Nothing,
    /// A node (tag 1).
    Node(Box<NodeInfo>),
    /// The focus (tag 2).
    Focus(FocusInfo),
}

/// One node, as the engine has it after the last frame.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeInfo {
    /// Its id.
    pub id: u32,
    /// `view`, `image` or `text` (the protocol's `NodeKind` code).
    pub kind: u8,
    /// Its parent, if attached.
    pub parent: Option<u32>,
    /// How many children it has.
    pub children: u32,
    /// Their ids, in order: the first [`MAX_LIST`].
    pub child_ids: Vec<u32>,
    /// Its border box in screen pixels (scroll offsets applied, transforms not): x, y, width,
    /// height.
    pub border_box: [f32; 4],
    /// Margin, padding and border widths from the last layout: left, right, top, bottom.
    pub margin: [f32; 4],
    /// See `margin`.
    pub padding: [f32; 4],
    /// See `margin`.
    pub border: [f32; 4],
    /// Bits: [`flags::FOCUSABLE`], [`flags::FOCUSED`], [`flags::FOCUS_WITHIN`],
    /// [`flags::ATTACHED`], [`flags::SCROLLS`], [`flags::HIDDEN`].
    pub flags: u8,
    /// Its focus group: 0 none, 1 row, 2 column, 3 grid.
    pub group: u8,
    /// The layer whose list draws it (or that it is), if any.
    pub layer: Option<u32>,
    /// What animates on it now: bit `n` is [`ANIMATING`]`[n]`.
    pub animations: u32,
    /// Its look as the app set it.
    pub base: Look,
    /// Its look as shown now: state styles and animations applied.
    pub shown: Look,
    /// The declarations that apply while it is focused, and while focus is within it.
    pub focused: Vec<StyleDecl>,
    /// See `focused`.
    pub focus_within: Vec<StyleDecl>,
}

/// The `flags` bits of a [`NodeInfo`].
pub mod flags {
    /// Focus can land on it.
    pub const FOCUSABLE: u8 = 1;
    /// It has focus.
    pub const FOCUSED: u8 = 2;
    /// Focus is on it or below it.
    pub const FOCUS_WITHIN: u8 = 4;
    /// It is attached to the root (laid out).
    pub const ATTACHED: u8 = 8;
    /// It is a scroll container.
    pub const SCROLLS: u8 = 16;
    /// `display: none`.
    pub const HIDDEN: u8 = 32;
}

/// What can animate on a node, by the bit of [`NodeInfo::animations`] that says it does: the
/// animatable style properties (the four corner radii as one), the engine's own fade-in of a
/// loaded image, a scroll container's offset, and a layout transition's box. A decoder ignores
/// bits past these (a later engine may animate more).
pub const ANIMATING: [&str; 14] = [
    "background-color",
    "border-color",
    "color",
    "placeholder-color",
    "image fade-in",
    "radius",
    "opacity",
    "translate-x",
    "translate-y",
    "scale-x",
    "scale-y",
    "scroll-x",
    "scroll-y",
    "layout box",
];

/// How a node looks: the paint properties of its style.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Look {
    /// Background, RGBA.
    pub background: u32,
    /// Border colour, RGBA.
    pub border_color: u32,
    /// Opacity, 0 to 1.
    pub opacity: f32,
    /// Translation, pixels.
    pub translate: [f32; 2],
    /// Scale.
    pub scale: [f32; 2],
    /// Corner radii: top-left, top-right, bottom-right, bottom-left.
    pub radii: [f32; 4],
    /// Z-index among its siblings.
    pub z_index: i32,
}

/// The focus.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FocusInfo {
    /// The focused node, if any.
    pub focused: Option<u32>,
    /// The focus groups from the root down to the focused node, each with the member it
    /// remembers (the one focused last inside it).
    pub path: Vec<FocusStep>,
}

/// A group on the focus path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FocusStep {
    /// The group's node.
    pub node: u32,
    /// Its kind: 0 none (the root), 1 row, 2 column, 3 grid.
    pub group: u8,
    /// The node focused last inside it, if any.
    pub remembered: Option<u32>,
}

/// An answer that does not decode: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// The byte offset.
    pub at: usize,
    /// What was wrong.
    pub why: &'static str,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed debug answer at byte {}: {}", self.at, self.why)
    }
}

impl std::error::Error for DecodeError {}

/// Writes `answer` into `out` (replacing what it held).
pub fn encode(answer: &Answer, out: &mut Vec<u8>) {
    out.clear();
    out.push(VERSION);
    match answer {
        Answer::Nothing => out.push(0),
        Answer::Node(n) => {
            out.push(1);
            put_u32(out, n.id);
            out.push(n.kind);
            put_u32(out, n.parent.unwrap_or(NONE));
            put_u32(out, n.children);
            let ids = &n.child_ids[..n.child_ids.len().min(MAX_LIST)];
            put_u32(out, ids.len() as u32);
            ids.iter().for_each(|id| put_u32(out, *id));
            for quad in [n.border_box, n.margin, n.padding, n.border] {
                quad.iter().for_each(|v| put_f32(out, *v));
            }
            out.extend_from_slice(&[n.flags, n.group]);
            put_u32(out, n.layer.unwrap_or(NONE));
            put_u32(out, n.animations);
            for look in [&n.base, &n.shown] {
                put_u32(out, look.background);
                put_u32(out, look.border_color);
                put_f32(out, look.opacity);
                look.translate.iter().chain(&look.scale).chain(&look.radii).for_each(|v| put_f32(out, *v));
                out.extend_from_slice(&look.z_index.to_le_bytes());
            }
            for decls in [&n.focused, &n.focus_within] {
                let decls = &decls[..decls.len().min(MAX_LIST)];
                put_u32(out, decls.len() as u32);
                for d in decls {
                    let (kind, bits) = d.to_wire();
                    out.extend_from_slice(&(d.property() as u16).to_le_bytes());
                    out.push(kind);
                    put_u32(out, bits);
                }
            }
        }
        Answer::Focus(f) => {
            out.push(2);
            put_u32(out, f.focused.unwrap_or(NONE));
            let path = &f.path[..f.path.len().min(MAX_LIST)];
            put_u32(out, path.len() as u32);
            for step in path {
                put_u32(out, step.node);
                out.push(step.group);
                put_u32(out, step.remembered.unwrap_or(NONE));
            }
        }
    }
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_f32(out: &mut Vec<u8>, v: f32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Reads an answer. Every length is checked before it is used, every number must be finite,
/// and nothing may follow the answer.
pub fn decode(bytes: &[u8]) -> Result<Answer, DecodeError> {
    let mut r = Reader { bytes, at: 0 };
    if r.u8()? != VERSION {
        return Err(r.error(0, "an answer of another format version"));
    }
    let answer = match r.u8()? {
        0 => Answer::Nothing,
        1 => {
            let mut n =
                NodeInfo { id: r.u32()?, kind: r.u8()?, parent: r.node()?, children: r.u32()?, ..NodeInfo::default() };
            for _ in 0..r.count()? {
                n.child_ids.push(r.u32()?);
            }
            for quad in [&mut n.border_box, &mut n.margin, &mut n.padding, &mut n.border] {
                *quad = r.f32s()?;
            }
            (n.flags, n.group) = (r.u8()?, r.u8()?);
            (n.layer, n.animations) = (r.node()?, r.u32()?);
            for look in [&mut n.base, &mut n.shown] {
                (look.background, look.border_color, look.opacity) = (r.u32()?, r.u32()?, r.f32()?);
                look.translate = [r.f32()?, r.f32()?];
                look.scale = [r.f32()?, r.f32()?];
                look.radii = r.f32s()?;
                look.z_index = r.u32()? as i32;
            }
            for decls in [&mut n.focused, &mut n.focus_within] {
                let count = r.count()?;
                for _ in 0..count {
                    let at = r.at;
                    let property = StyleProperty::from_u16(u16::from_le_bytes([r.u8()?, r.u8()?]))
                        .ok_or_else(|| r.error(at, "an unknown style property"))?;
                    let (kind, bits) = (r.u8()?, r.u32()?);
                    decls.push(StyleDecl::from_wire(property, kind, bits).map_err(|why| r.error(at, why))?);
                }
            }
            Answer::Node(Box::new(n))
        }
        2 => {
            let focused = r.node()?;
            let count = r.count()?;
            let mut path = Vec::with_capacity(count);
            for _ in 0..count {
                path.push(FocusStep { node: r.u32()?, group: r.u8()?, remembered: r.node()? });
            }
            Answer::Focus(FocusInfo { focused, path })
        }
        _ => return Err(r.error(1, "an unknown answer tag")),
    };
    if r.at != bytes.len() {
        return Err(r.error(r.at, "bytes after the answer"));
    }
    Ok(answer)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn error(&self, at: usize, why: &'static str) -> DecodeError {
        DecodeError { at, why }
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let end = self.at.checked_add(N).filter(|&end| end <= self.bytes.len());
        let end = end.ok_or_else(|| self.error(self.at, "the answer ends early"))?;
        let mut out = [0; N];
        out.copy_from_slice(&self.bytes[self.at..end]);
        self.at = end;
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.take()?))
    }

    fn node(&mut self) -> Result<Option<u32>, DecodeError> {
        Ok(Some(self.u32()?).filter(|&id| id != NONE))
    }

    fn f32(&mut self) -> Result<f32, DecodeError> {
        let at = self.at;
        let v = f32::from_le_bytes(self.take()?);
        if v.is_finite() { Ok(v) } else { Err(self.error(at, "a number that is not finite")) }
    }

    fn f32s(&mut self) -> Result<[f32; 4], DecodeError> {
        Ok([self.f32()?, self.f32()?, self.f32()?, self.f32()?])
    }

    /// A list's length, within [`MAX_LIST`] and what bytes are left could hold.
    fn count(&mut self) -> Result<usize, DecodeError> {
        let at = self.at;
        let n = self.u32()? as usize;
        if n > MAX_LIST || n > self.bytes.len() - self.at {
            return Err(self.error(at, "a list longer than the answer or its limit"));
        }
        Ok(n)
    }
}
