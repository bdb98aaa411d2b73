//! Quads into vertices: every box, border and texture of a frame becomes four vertices that
//! carry everything the shader needs (shape, colour, clips, texture coordinates, the texture
//! unit), so quads of any kind share one draw call until the target changes or the batch needs
//! more textures than there are units.
//!
//! A layer's quads are written once, at the layer's scale with no translation ([`push`]), and
//! placed on each frame ([`place`]): moved by the layer's translation, faded by the opacity
//! folded into it, cut by the clips of the layers above it, and given their texture's unit.

use marquee_display_list::{Color, Rect};

/// Floats per vertex: the attributes of [`crate::shader::ATTRIBUTES`] back to back.
pub(crate) const FLOATS: usize = 32;

/// Floats per quad.
pub(crate) const QUAD: usize = 4 * FLOATS;

/// Where the fields [`place`] changes sit in a vertex.
mod at {
    pub(super) const POS: usize = 0;
    pub(super) const COLOR: usize = 12;
    pub(super) const CLIP: usize = 16;
    pub(super) const CLIP_RADII: usize = 20;
    pub(super) const SQUARE: usize = 24;
    pub(super) const UV: usize = 28;
    pub(super) const UNIT: usize = 30;
}

/// The most quads one draw call takes: 16-bit indices (all OpenGL ES 2.0 guarantees) reach
/// 65,536 vertices.
pub(crate) const MAX_QUADS: usize = 16384;

/// A clip nothing reaches past: ±30,000 px stays exact in the 16-bit floats of `mediump`
/// fragment shaders, and no texture is that large.
pub(crate) const FAR: f32 = 30_000.0;

/// The clips in effect, in device pixels: the innermost rounded clip, and the intersection of
/// the square ones (and of rounded ones further out, by their bounds: the shader has room for
/// one rounded clip).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Clip {
    /// `x0, y0, x1, y1`.
    pub(crate) square: [f32; 4],
    /// `x0, y0, x1, y1` and the radii (top-left, top-right, bottom-right, bottom-left).
    pub(crate) rounded: Option<([f32; 4], [f32; 4])>,
}

impl Clip {
    /// Clips nothing.
    pub(crate) const NONE: Clip = Clip { square: [-FAR, -FAR, FAR, FAR], rounded: None };

    /// This clip further restricted to `rect` with `radii` (device pixels, radii fitted); the
    /// flag says an outer rounded clip had to become its bounds.
    pub(crate) fn push(&self, rect: Rect, radii: [f32; 4]) -> (Clip, bool) {
        let edges = [rect.x, rect.y, rect.right(), rect.bottom()];
        if radii.iter().all(|r| *r <= 0.0) {
            return (Clip { square: intersect(self.square, edges), ..*self }, false);
        }
        match self.rounded {
            None => (Clip { rounded: Some((edges, radii)), ..*self }, false),
            Some((outer, _)) => (Clip { square: intersect(self.square, outer), rounded: Some((edges, radii)) }, true),
        }
    }

    /// This clip moved by (`dx`, `dy`).
    pub(crate) fn translated(&self, dx: f32, dy: f32) -> Clip {
        Clip {
            square: shift(self.square, dx, dy),
            rounded: self.rounded.map(|(edges, radii)| (shift(edges, dx, dy), radii)),
        }
    }

    /// This clip (inner) inside `outer`: the square ones intersect, the inner rounded clip
    /// stays and an outer one becomes its bounds (the flag says so) when both are rounded.
    pub(crate) fn within(&self, outer: &Clip) -> (Clip, bool) {
        let square = intersect(self.square, outer.square);
        match (self.rounded, outer.rounded) {
            (Some(inner), Some((edges, _))) => (Clip { square: intersect(square, edges), rounded: Some(inner) }, true),
            (inner, outer) => (Clip { square, rounded: inner.or(outer) }, false),
        }
    }

    /// The part of `rect` (`x0, y0, x1, y1`) this clip may let through, or `None`.
    pub(crate) fn bound(&self, rect: [f32; 4]) -> Option<[f32; 4]> {
        let mut r = intersect(rect, self.square);
        if let Some((edges, _)) = self.rounded {
            r = intersect(r, edges);
        }
        (r[0] < r[2] && r[1] < r[3]).then_some(r)
    }
}

fn intersect(a: [f32; 4], b: [f32; 4]) -> [f32; 4] {
    [a[0].max(b[0]), a[1].max(b[1]), a[2].min(b[2]), a[3].min(b[3])]
}

/// Edges moved by (`dx`, `dy`), held within ±[`FAR`] (so "no clip" stays that).
fn shift(e: [f32; 4], dx: f32, dy: f32) -> [f32; 4] {
    [e[0] + dx, e[1] + dy, e[2] + dx, e[3] + dy].map(|v| v.clamp(-FAR, FAR))
}

/// One quad's shape: a box (filled, or its border), or a textured rectangle.
pub(crate) struct Quad {
    /// The box, device pixels.
    pub(crate) rect: Rect,
    /// Its corner radii, device pixels, fitted.
    pub(crate) radii: [f32; 4],
    /// Border width (device pixels) for borders.
    pub(crate) border: f32,
    /// [`crate::shader::mode`].
    pub(crate) mode: f32,
    /// Premultiplied colour (a texture: only its alpha counts).
    pub(crate) color: [f32; 4],
    /// Texture coordinates of the rectangle's corners, `u0, v0, u1, v1`.
    pub(crate) uv: [f32; 4],
}

/// `c` premultiplied, times `opacity`, as floats.
pub(crate) fn premultiplied(c: Color, opacity: f32) -> [f32; 4] {
    let [r, g, b, a] = c.rgba().map(|v| f32::from(v) / 255.0);
    let a = a * opacity;
    [r * a, g * a, b * a, a]
}

/// Appends `quad`'s four vertices to `out`, cut to what `clip` lets through (plus a pixel for
/// the anti-aliased edge), on texture unit 0; `false` when nothing of it shows.
pub(crate) fn push(out: &mut Vec<f32>, quad: &Quad, clip: &Clip) -> bool {
    let r = quad.rect;
    // Anti-aliasing reaches half a pixel out; a whole one keeps the edge's fringe.
    let fringe = if crate::shader::mode::textured(quad.mode) { 0.0 } else { 1.0 };
    let grown = [r.x - fringe, r.y - fringe, r.right() + fringe, r.bottom() + fringe];
    let Some([x0, y0, x1, y1]) = clip
        .bound([grown[0] - 1.0, grown[1] - 1.0, grown[2] + 1.0, grown[3] + 1.0])
        .map(|b| intersect(b, grown))
        .filter(|b| b[0] < b[2] && b[1] < b[3])
    else {
        return false;
    };
    let (rounded, rounded_radii) = clip.rounded.unwrap_or(([-FAR, -FAR, FAR, FAR], [0.0; 4]));
    let [u0, v0, u1, v1] = quad.uv;
    for (x, y) in [(x0, y0), (x1, y0), (x1, y1), (x0, y1)] {
        // Texture coordinates follow the position across the cut quad.
        let (u, v) = if r.w > 0.0 && r.h > 0.0 {
            (u0 + (u1 - u0) * (x - r.x) / r.w, v0 + (v1 - v0) * (y - r.y) / r.h)
        } else {
            (u0, v0)
        };
        out.extend_from_slice(&[x, y, x - r.x, y - r.y]);
        out.extend_from_slice(&[r.w, r.h, quad.border, quad.mode]);
        out.extend_from_slice(&quad.radii);
        out.extend_from_slice(&quad.color);
        out.extend_from_slice(&rounded);
        out.extend_from_slice(&rounded_radii);
        out.extend_from_slice(&clip.square);
        out.extend_from_slice(&[u, v, 0.0, 0.0]);
    }
    true
}

/// How a layer's recorded quads land on a frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Placing {
    /// The layer's translation, whole device pixels.
    pub(crate) dx: f32,
    pub(crate) dy: f32,
    /// The clips of the layers above, device pixels.
    pub(crate) clip: Clip,
    /// The opacity folded into the quads' colours.
    pub(crate) opacity: f32,
}

/// The bounds (`x0, y0, x1, y1`) a recorded quad covers once moved by `placing`, if its clips
/// let any of it through.
pub(crate) fn shown(quad: &[f32], placing: &Placing) -> Option<[f32; 4]> {
    let (dx, dy) = (placing.dx, placing.dy);
    // Vertex 0 is the top-left corner, vertex 2 the bottom-right.
    let bounds = [quad[at::POS] + dx, quad[at::POS + 1] + dy, quad[2 * FLOATS] + dx, quad[2 * FLOATS + 1] + dy];
    placing.clip.bound(bounds)
}

/// Appends a recorded quad (its four vertices) to `out` placed by `placing`, sampling texture
/// unit `unit` with its texture coordinates scaled by `uv_scale` (an image's are recorded in
/// its pixels); the flag says two rounded clips met (the outer one clips by its bounds).
pub(crate) fn place(out: &mut Vec<f32>, quad: &[f32], placing: &Placing, unit: f32, uv_scale: [f32; 2]) -> bool {
    let (dx, dy) = (placing.dx, placing.dy);
    let read = |at: usize| -> [f32; 4] { [quad[at], quad[at + 1], quad[at + 2], quad[at + 3]] };
    let radii = read(at::CLIP_RADII);
    let own =
        Clip { square: read(at::SQUARE), rounded: radii.iter().any(|r| *r > 0.0).then(|| (read(at::CLIP), radii)) };
    let (clip, approximated) = own.translated(dx, dy).within(&placing.clip);
    let (rounded, rounded_radii) = clip.rounded.unwrap_or(([-FAR, -FAR, FAR, FAR], [0.0; 4]));
    let start = out.len();
    out.extend_from_slice(&quad[..QUAD]);
    for v in out[start..].chunks_exact_mut(FLOATS) {
        v[at::POS] += dx;
        v[at::POS + 1] += dy;
        for c in &mut v[at::COLOR..at::COLOR + 4] {
            *c *= placing.opacity;
        }
        v[at::CLIP..at::CLIP + 4].copy_from_slice(&rounded);
        v[at::CLIP_RADII..at::CLIP_RADII + 4].copy_from_slice(&rounded_radii);
        v[at::SQUARE..at::SQUARE + 4].copy_from_slice(&clip.square);
        v[at::UV] *= uv_scale[0];
        v[at::UV + 1] *= uv_scale[1];
        v[at::UNIT] = unit;
    }
    approximated
}

/// The index list drawing `MAX_QUADS` quads as two triangles each.
pub(crate) fn indices() -> Vec<u16> {
    (0..MAX_QUADS as u32)
        .flat_map(|q| {
            let v = (q * 4) as u16;
            [v, v + 1, v + 2, v, v + 2, v + 3]
        })
        .collect()
}
