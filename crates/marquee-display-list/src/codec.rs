//! The binary form of a display list.
//!
//! ```text
//! list := "MQDL" version:u16 flags:u16 count:u32 op*
//! op   := tag:u8 fields
//! ```
//!
//! Every field is a little-endian `f32` or `u32`, and each tag has a fixed size, so the list can
//! be read straight out of Wasm linear memory without a schema. Unlike commands, ops carry no
//! length prefix: the engine and the backend agree on the version, and a list that fails to
//! decode is dropped whole (the host keeps the previous frame on screen).

use crate::geometry::{Color, Radii, Rect, Transform};
use crate::{Error, Op, VERSION};

const MAGIC: [u8; 4] = *b"MQDL";
const HEADER_LEN: usize = 12;

mod tag {
    pub(super) const FILL_RECT: u8 = 1;
    pub(super) const BORDER: u8 = 2;
    pub(super) const IMAGE: u8 = 3;
    pub(super) const TEXT: u8 = 4;
    pub(super) const PUSH_CLIP: u8 = 5;
    pub(super) const POP_CLIP: u8 = 6;
    pub(super) const PUSH_OPACITY: u8 = 7;
    pub(super) const POP_OPACITY: u8 = 8;
    pub(super) const PUSH_TRANSFORM: u8 = 9;
    pub(super) const POP_TRANSFORM: u8 = 10;
    pub(super) const DRAW_LAYER: u8 = 11;
}

/// Writes a display list.
#[derive(Debug, Clone)]
pub struct Encoder {
    buf: Vec<u8>,
    count: u32,
}

impl Default for Encoder {
    fn default() -> Self {
        let mut e = Encoder { buf: Vec::with_capacity(4096), count: 0 };
        e.clear();
        e
    }
}

impl Encoder {
    /// Empties the list, keeping its allocation for the next frame.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.buf.extend_from_slice(&MAGIC);
        self.buf.extend_from_slice(&VERSION.to_le_bytes());
        self.buf.extend_from_slice(&0u16.to_le_bytes());
        self.buf.extend_from_slice(&0u32.to_le_bytes());
        self.count = 0;
    }

    /// Appends one operation.
    pub fn push(&mut self, op: &Op) {
        self.count += 1;
        match *op {
            Op::FillRect { rect, radii, color } => {
                self.u8(tag::FILL_RECT).rect(rect).radii(radii).u32(color.0);
            }
            Op::Border { rect, radii, width, color } => {
                self.u8(tag::BORDER).rect(rect).radii(radii).f32(width).u32(color.0);
            }
            Op::Image { handle, src, dst, opacity } => {
                self.u8(tag::IMAGE).u32(handle).rect(src).rect(dst).f32(opacity);
            }
            Op::Text { run, rect, overhang, color } => {
                self.u8(tag::TEXT).u32(run).rect(rect).f32(overhang).u32(color.0);
            }
            Op::PushClip { rect, radii } => {
                self.u8(tag::PUSH_CLIP).rect(rect).radii(radii);
            }
            Op::PopClip => {
                self.u8(tag::POP_CLIP);
            }
            Op::PushOpacity { opacity } => {
                self.u8(tag::PUSH_OPACITY).f32(opacity);
            }
            Op::PopOpacity => {
                self.u8(tag::POP_OPACITY);
            }
            Op::PushTransform { transform: t } => {
                self.u8(tag::PUSH_TRANSFORM).f32(t.sx).f32(t.sy).f32(t.tx).f32(t.ty);
            }
            Op::PopTransform => {
                self.u8(tag::POP_TRANSFORM);
            }
            Op::DrawLayer { layer } => {
                self.u8(tag::DRAW_LAYER).u32(layer);
            }
        }
    }

    /// Operations written so far.
    pub fn len(&self) -> u32 {
        self.count
    }

    /// Whether no operation was written.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// A point to [`rollback`](Self::rollback) to.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint { len: self.buf.len(), count: self.count }
    }

    /// Forgets everything written since `cp`; used to drop a push whose scope painted nothing.
    pub fn rollback(&mut self, cp: Checkpoint) {
        self.buf.truncate(cp.len);
        self.count = cp.count;
    }

    /// The bytes written since `cp`.
    pub fn since(&self, cp: Checkpoint) -> &[u8] {
        self.buf.get(cp.len..).unwrap_or(&[])
    }

    /// The finished list, header included.
    pub fn bytes(&mut self) -> &[u8] {
        self.buf[8..12].copy_from_slice(&self.count.to_le_bytes());
        &self.buf
    }

    fn u8(&mut self, v: u8) -> &mut Self {
        self.buf.push(v);
        self
    }
    fn u32(&mut self, v: u32) -> &mut Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn f32(&mut self, v: f32) -> &mut Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }
    fn rect(&mut self, r: Rect) -> &mut Self {
        self.f32(r.x).f32(r.y).f32(r.w).f32(r.h)
    }
    fn radii(&mut self, r: Radii) -> &mut Self {
        let [a, b, c, d] = r.0;
        self.f32(a).f32(b).f32(c).f32(d)
    }
}

/// A position in an [`Encoder`]'s output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    len: usize,
    count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Clip,
    Opacity,
    Transform,
}

/// Reads a display list op by op, checking every value and the push/pop nesting.
#[derive(Debug, Clone)]
pub struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
    remaining: u32,
    stack: Vec<Scope>,
    failed: bool,
}

impl<'a> Decoder<'a> {
    /// Checks the header and starts reading.
    pub fn new(bytes: &'a [u8]) -> Result<Decoder<'a>, Error> {
        crate::check_header(bytes, MAGIC, HEADER_LEN)?;
        let remaining = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        Ok(Decoder { bytes, pos: HEADER_LEN, remaining, stack: Vec::new(), failed: false })
    }

    fn fields<const N: usize>(&mut self, at: usize) -> Result<[f32; N], Error> {
        let mut out = [0.0; N];
        for v in &mut out {
            *v = f32::from_bits(self.u32(at)?);
            if !v.is_finite() {
                return Err(Error::BadValue { offset: at });
            }
        }
        Ok(out)
    }

    fn u32(&mut self, at: usize) -> Result<u32, Error> {
        let b = self.bytes.get(self.pos..self.pos + 4).ok_or(Error::Truncated { offset: at })?;
        self.pos += 4;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn pop(&mut self, scope: Scope, at: usize) -> Result<(), Error> {
        if self.stack.pop() == Some(scope) { Ok(()) } else { Err(Error::Unbalanced { offset: at }) }
    }

    fn op(&mut self) -> Result<Op, Error> {
        let at = self.pos;
        let tag = *self.bytes.get(at).ok_or(Error::Truncated { offset: at })?;
        self.pos += 1;
        let rect = |[x, y, w, h]: [f32; 4]| Rect { x, y, w, h };
        Ok(match tag {
            tag::FILL_RECT => {
                let r = self.fields::<4>(at)?;
                let radii = self.fields::<4>(at)?;
                Op::FillRect { rect: rect(r), radii: Radii(radii), color: Color(self.u32(at)?) }
            }
            tag::BORDER => {
                let r = self.fields::<4>(at)?;
                let radii = self.fields::<4>(at)?;
                let [width] = self.fields::<1>(at)?;
                Op::Border { rect: rect(r), radii: Radii(radii), width, color: Color(self.u32(at)?) }
            }
            tag::IMAGE => {
                let handle = self.u32(at)?;
                let src = self.fields::<4>(at)?;
                let dst = self.fields::<4>(at)?;
                let [opacity] = self.fields::<1>(at)?;
                Op::Image { handle, src: rect(src), dst: rect(dst), opacity }
            }
            tag::TEXT => {
                let run = self.u32(at)?;
                let r = self.fields::<4>(at)?;
                let [overhang] = self.fields::<1>(at)?;
                Op::Text { run, rect: rect(r), overhang, color: Color(self.u32(at)?) }
            }
            tag::PUSH_CLIP => {
                let r = self.fields::<4>(at)?;
                let radii = self.fields::<4>(at)?;
                self.stack.push(Scope::Clip);
                Op::PushClip { rect: rect(r), radii: Radii(radii) }
            }
            tag::POP_CLIP => {
                self.pop(Scope::Clip, at)?;
                Op::PopClip
            }
            tag::PUSH_OPACITY => {
                let [opacity] = self.fields::<1>(at)?;
                self.stack.push(Scope::Opacity);
                Op::PushOpacity { opacity }
            }
            tag::POP_OPACITY => {
                self.pop(Scope::Opacity, at)?;
                Op::PopOpacity
            }
            tag::PUSH_TRANSFORM => {
                let [sx, sy, tx, ty] = self.fields::<4>(at)?;
                self.stack.push(Scope::Transform);
                Op::PushTransform { transform: Transform { sx, sy, tx, ty } }
            }
            tag::POP_TRANSFORM => {
                self.pop(Scope::Transform, at)?;
                Op::PopTransform
            }
            tag::DRAW_LAYER => Op::DrawLayer { layer: self.u32(at)? },
            tag => return Err(Error::UnknownOp { tag, offset: at }),
        })
    }
}

impl Iterator for Decoder<'_> {
    type Item = Result<Op, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let item = if self.remaining == 0 {
            if self.pos != self.bytes.len() {
                Err(Error::BadValue { offset: self.pos })
            } else if !self.stack.is_empty() {
                Err(Error::Unbalanced { offset: self.pos })
            } else {
                return None;
            }
        } else {
            self.remaining -= 1;
            self.op()
        };
        self.failed = item.is_err();
        Some(item)
    }
}

/// Decodes a whole list, or says why it is unusable.
pub fn decode(bytes: &[u8]) -> Result<Vec<Op>, Error> {
    Decoder::new(bytes)?.collect()
}
