//! The display list: the contract between the engine and every backend.
//!
//! The engine ends each frame by writing the changes to a tree of retained [`layers`] — each a list
//! of paint operations ([`Op`]) in a compact binary form, plus its transform, opacity and clip —
//! and the damage rectangles that changed since the previous frame, into one [`frame`] buffer. The host copies that buffer out of Wasm memory in one go and hands it to a backend
//! (the tiny-skia raster today, GPU backends later). Backends depend on this crate alone and never
//! see the engine, which is what lets the engine change every few hours while backends change
//! every few years.
//!
//! Coordinates are logical pixels in the space set up by the enclosing `PushTransform`s. Stack
//! operations (`Push*`/`Pop*`) always come in matched pairs in a list the engine wrote; decoding
//! checks that, since the bytes come from a guest the host does not trust.

mod codec;
pub mod damage;
pub mod frame;
mod geometry;
pub mod images;
pub mod layers;
pub mod motion;
pub mod sort;
pub mod text;

pub use codec::{Checkpoint, Decoder, Encoder, decode};
pub use geometry::{Color, IntRect, Point, Radii, Rect, Transform};

use std::fmt;

/// The version written in every display-list header.
pub const VERSION: u16 = 4;

/// One paint operation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    /// Fills a rectangle, with rounded corners when `radii` is not zero.
    FillRect {
        /// Where.
        rect: Rect,
        /// Corner radii.
        radii: Radii,
        /// Fill colour.
        color: Color,
    },
    /// Strokes the inside of a rectangle's edge, `width` thick.
    Border {
        /// The outer edge.
        rect: Rect,
        /// Corner radii of the outer edge.
        radii: Radii,
        /// Thickness, inward.
        width: f32,
        /// Stroke colour.
        color: Color,
    },
    /// Draws (part of) a decoded image the host holds.
    Image {
        /// The host's image handle.
        handle: u32,
        /// The part of the image to draw, in image pixels.
        src: Rect,
        /// Where to draw it.
        dst: Rect,
        /// Opacity multiplied into the image.
        opacity: f32,
    },
    /// Draws a paragraph the host's text service holds (see [`text`]), laid out at the box's width.
    Text {
        /// The paragraph's handle: the text node's id.
        run: u32,
        /// The content box: the paragraph is laid out at its width, from its top-left corner.
        rect: Rect,
        /// How far beyond `rect`, on every side, glyphs may draw: room for accents, descenders
        /// and overhanging italics, and lines that do not fit the box's height. Ink beyond it is
        /// cut, so the engine's damage rectangles (which include it) always cover the text.
        overhang: f32,
        /// Text colour.
        color: Color,
    },
    /// Restricts drawing to a (rounded) rectangle until the matching `PopClip`.
    PushClip {
        /// The clip.
        rect: Rect,
        /// Corner radii.
        radii: Radii,
    },
    /// Ends the innermost clip.
    PopClip,
    /// Draws everything until the matching `PopOpacity` into a layer, then composites it.
    PushOpacity {
        /// Layer opacity in 0..=1.
        opacity: f32,
    },
    /// Composites the innermost opacity layer.
    PopOpacity,
    /// Applies a transform to everything until the matching `PopTransform`.
    PushTransform {
        /// The transform, composed with the enclosing ones.
        transform: Transform,
    },
    /// Ends the innermost transform.
    PopTransform,
    /// Draws child layer `layer` here, under the clips, transforms and opacity in effect (see
    /// [`layers`]). Each layer but the root is drawn by exactly one `DrawLayer`.
    DrawLayer {
        /// The child layer's id.
        layer: u32,
    },
}

/// Why a buffer could not be read as a display list or frame.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The buffer ends inside a header or an operation.
    Truncated {
        /// Byte offset where more bytes were needed.
        offset: usize,
    },
    /// The buffer does not start with the expected magic bytes.
    BadMagic,
    /// Written by an engine with another display-list version.
    UnsupportedVersion(u16),
    /// No operation has this tag.
    UnknownOp {
        /// The tag.
        tag: u8,
        /// Its byte offset.
        offset: usize,
    },
    /// A `Pop*` without its `Push*`, a mismatched pair, or pushes left open at the end.
    Unbalanced {
        /// Byte offset of the offending operation (or the end).
        offset: usize,
    },
    /// A number that is not finite, or a count that disagrees with the contents.
    BadValue {
        /// Byte offset of the operation.
        offset: usize,
    },
    /// A text paragraph (see [`text::Paragraph`]) with a field out of range.
    BadText {
        /// What was wrong.
        reason: &'static str,
    },
    /// Layer updates that do not make a tree (see [`layers::LayerTree::apply`]).
    BadLayers {
        /// What was wrong.
        reason: String,
    },
}

/// Checks the `magic version:u16 flags:u16` prefix both binary forms share; `header_len` is the
/// whole header's length, so the caller may read its remaining fields without further checks.
pub(crate) fn check_header(bytes: &[u8], magic: [u8; 4], header_len: usize) -> Result<(), Error> {
    if bytes.len() < header_len {
        return Err(Error::Truncated { offset: bytes.len() });
    }
    if bytes[0..4] != magic {
        return Err(Error::BadMagic);
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if version != VERSION {
        return Err(Error::UnsupportedVersion(version));
    }
    Ok(())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated { offset } => write!(f, "display list truncated at byte {offset}"),
            Error::BadMagic => f.write_str("not a display list (bad magic)"),
            Error::UnsupportedVersion(v) => write!(f, "unsupported display list version {v}"),
            Error::UnknownOp { tag, offset } => write!(f, "unknown paint op {tag} at byte {offset}"),
            Error::Unbalanced { offset } => write!(f, "unbalanced push/pop at byte {offset}"),
            Error::BadValue { offset } => write!(f, "bad value in op at byte {offset}"),
            Error::BadText { reason } => write!(f, "bad text paragraph: {reason}"),
            Error::BadLayers { reason } => write!(f, "bad layer tree: {reason}"),
        }
    }
}

impl std::error::Error for Error {}

impl fmt::Display for Op {
    /// The text form used by fixtures: one operation per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::FillRect { rect, radii, color } => write!(f, "fill {rect} {color}{radii}"),
            Op::Border { rect, radii, width, color } => write!(f, "border {rect} {width} {color}{radii}"),
            Op::Image { handle, src, dst, opacity } => write!(f, "image {handle} {src} -> {dst} opacity {opacity}"),
            Op::Text { run, rect, overhang, color } => write!(f, "text {run} {rect} {color} overhang {overhang}"),
            Op::PushClip { rect, radii } => write!(f, "clip {rect}{radii}"),
            Op::PopClip => f.write_str("end-clip"),
            Op::PushOpacity { opacity } => write!(f, "opacity {opacity}"),
            Op::PopOpacity => f.write_str("end-opacity"),
            Op::PushTransform { transform } => write!(f, "transform {transform}"),
            Op::PopTransform => f.write_str("end-transform"),
            Op::DrawLayer { layer } => write!(f, "layer {layer}"),
        }
    }
}
