//! A layer's display list recorded as quads, once per version of the list and scale: the
//! frame walk (`renderer.rs`) then places the same quads frame after frame, wherever the layer
//! moves, and only a new list, a new scale or a new glyph atlas records it again.
//!
//! Quads are written at the layer's scale with no translation (the walk adds the translation,
//! in whole pixels, as the CPU compositor does), with the clips and transforms the list pushes
//! itself. What cannot be decided once — which texture unit an image lands on, whether an
//! opacity group needs a texture, what the layers above clip — is left in [`Item`]s for the walk.

use std::ops::Range;

use marquee_display_list::text::{GlyphFormat, GlyphMask, Glyphs, Placement};
use marquee_display_list::{Op, Radii, Rect, Transform};

use crate::batch::{self, Clip, Quad};
use crate::shader;

/// Geometry past this (pixels, before and after the transform) is far off any screen: the
/// operation is skipped, as the CPU raster skips it.
pub(crate) const MAX_COORD: f32 = 1e6;

/// A glyph's place in the atlas, as texture coordinates `u0, v0, u1, v1`; `None` when it could
/// not be placed.
pub(crate) type GlyphSlot = Option<[f32; 4]>;

/// What the walk does, in list order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// Draws these recorded quads.
    Quads(Range<usize>),
    /// Draws child layer `layer` under the transform (at the layer's scale, no translation) and
    /// the clip the list has open there.
    Child { layer: u32, transform: Transform, clip: Clip },
    /// Opens an opacity group of the list's own; `quads` and `children` say what it holds, up
    /// to its [`Item::EndGroup`] (one quad and no child can take the opacity in its colour).
    Group { opacity: f32, quads: usize, children: bool },
    /// Closes the innermost group.
    EndGroup,
}

/// A layer's list as quads.
#[derive(Debug, Clone, Default)]
pub(crate) struct Recorded {
    /// The layer's version recorded.
    pub(crate) version: u64,
    /// The scale it was recorded at.
    pub(crate) scale: [f32; 2],
    /// The glyph atlas's generation its glyph quads point into, if it has any.
    pub(crate) atlas: Option<u64>,
    /// Text the text service did not know: recorded again when next drawn.
    pub(crate) incomplete: bool,
    /// The quads' vertices.
    pub(crate) vertices: Vec<f32>,
    /// Each quad's image handle, if it draws one.
    pub(crate) images: Vec<Option<u32>>,
    /// What the walk does.
    pub(crate) items: Vec<Item>,
    /// Operations not drawn (see `Stats::skipped`).
    pub(crate) skipped: u32,
    /// Rounded clips inside rounded clips (see `Stats::approximated_clips`).
    pub(crate) approximated: u32,
}

impl Recorded {
    /// Quads in all.
    pub(crate) fn quads(&self) -> usize {
        self.images.len()
    }

    /// Whether the layer's own list takes an opacity in its quads' colours, exactly: one quad at
    /// most and no child layer or group (nothing can overlap).
    pub(crate) fn foldable(&self) -> bool {
        self.quads() <= 1 && self.items.iter().all(|i| matches!(i, Item::Quads(_)))
    }

    /// The quad `i`'s vertices.
    pub(crate) fn quad(&self, i: usize) -> &[f32] {
        &self.vertices[i * batch::QUAD..(i + 1) * batch::QUAD]
    }
}

/// Records `ops` at `scale`; `place` puts a glyph in the atlas (uploading it if new).
pub(crate) fn record(
    ops: &[Op],
    version: u64,
    scale: [f32; 2],
    glyphs: &mut dyn Glyphs,
    place: &mut dyn FnMut(&GlyphMask<'_>) -> GlyphSlot,
) -> Recorded {
    let mut r = Recorded { version, scale, ..Recorded::default() };
    let mut transforms = vec![Transform { sx: scale[0], sy: scale[1], tx: 0.0, ty: 0.0 }];
    let mut clips = vec![Clip::NONE];
    // Open groups: the index of their item.
    let mut groups: Vec<usize> = Vec::new();
    // Where the current run of quads started.
    let mut run = 0;
    for op in ops {
        let t = *transforms.last().unwrap_or(&Transform::IDENTITY);
        let clip = *clips.last().unwrap_or(&Clip::NONE);
        let structural = matches!(op, Op::DrawLayer { .. } | Op::PushOpacity { .. } | Op::PopOpacity);
        if structural {
            end_run(&mut r, &mut run);
        }
        match *op {
            Op::FillRect { rect, radii, color } | Op::Border { rect, radii, color, .. } => {
                if !drawable(&rect, &radii.0, &t) {
                    r.skipped += 1;
                    continue;
                }
                let (border, mode) = match *op {
                    Op::Border { width, .. } if width > 0.0 && width.is_finite() && width < MAX_COORD => {
                        (width * t.sx.min(t.sy), shader::mode::BORDER)
                    }
                    Op::Border { .. } => continue,
                    _ => (0.0, shader::mode::FILL),
                };
                let device = t.map_rect(&rect);
                let quad = Quad {
                    rect: device,
                    radii: device_radii(&rect, radii, &t, &device),
                    border,
                    mode,
                    color: batch::premultiplied(color, 1.0),
                    uv: [0.0; 4],
                };
                push(&mut r, &quad, &clip, None);
            }
            Op::Image { handle, src, dst, opacity } => {
                if !drawable(&dst, &[src.x, src.y, src.w, src.h], &t) || src.w <= 0.0 || src.h <= 0.0 {
                    r.skipped += 1;
                    continue;
                }
                // Texture coordinates in pixels of the image, made fractions by the walk (which
                // knows the image's size).
                let quad = Quad {
                    rect: t.map_rect(&dst),
                    radii: [0.0; 4],
                    border: 0.0,
                    mode: shader::mode::TEXTURE,
                    color: [0.0, 0.0, 0.0, opacity.clamp(0.0, 1.0)],
                    uv: [src.x, src.y, src.right(), src.bottom()],
                };
                push(&mut r, &quad, &clip, Some(handle));
            }
            Op::Text { run: paragraph, rect, overhang, color } => {
                if !drawable(&rect, &[overhang], &t) {
                    r.skipped += 1;
                    continue;
                }
                // Glyphs are rasterized at the horizontal scale, placed in device pixels, and
                // cut to the box and its overhang as on the CPU.
                let o = overhang.max(0.0);
                let keep = t.map_rect(&Rect::new(rect.x - o, rect.y - o, rect.w + 2.0 * o, rect.h + 2.0 * o));
                let (x0, y0) = (keep.x.floor(), keep.y.floor());
                let keep = Rect::new(x0, y0, keep.right().ceil() - x0, keep.bottom().ceil() - y0);
                let (text_clip, _) = clip.push(keep, [0.0; 4]);
                let color = batch::premultiplied(color, 1.0);
                let at = Placement {
                    run: paragraph,
                    width: rect.w,
                    origin: [t.sx * rect.x + t.tx, t.sy * rect.y + t.ty],
                    scale: t.sx,
                };
                let known = glyphs.glyphs(at, &mut |glyph| {
                    if glyph.width == 0 || glyph.height == 0 {
                        // A space: nothing to draw.
                        return;
                    }
                    let Some(uv) = place(&glyph) else {
                        r.skipped += 1;
                        return;
                    };
                    let quad = Quad {
                        rect: Rect::new(glyph.x as f32, glyph.y as f32, glyph.width as f32, glyph.height as f32),
                        radii: [0.0; 4],
                        border: 0.0,
                        mode: match glyph.format {
                            GlyphFormat::Rgba => shader::mode::COLOR_GLYPH,
                            GlyphFormat::Alpha => shader::mode::GLYPH,
                        },
                        color,
                        uv,
                    };
                    push(&mut r, &quad, &text_clip, None);
                });
                if !known {
                    r.skipped += 1;
                    r.incomplete = true;
                }
            }
            Op::PushClip { rect, radii } => {
                let next = if drawable(&rect, &radii.0, &t) {
                    let device = t.map_rect(&rect);
                    let (next, approximated) = clip.push(device, device_radii(&rect, radii, &t, &device));
                    r.approximated += u32::from(approximated);
                    next
                } else {
                    // A clip out of range hides what it clips, as on the CPU.
                    Clip { square: [0.0; 4], rounded: None }
                };
                clips.push(next);
            }
            Op::PopClip => {
                if clips.len() > 1 {
                    clips.pop();
                }
            }
            Op::PushTransform { transform } => transforms.push(transform.then(&t)),
            Op::PopTransform => {
                if transforms.len() > 1 {
                    transforms.pop();
                }
            }
            Op::PushOpacity { opacity } => {
                groups.push(r.items.len());
                r.items.push(Item::Group { opacity: opacity.clamp(0.0, 1.0), quads: r.quads(), children: false });
            }
            Op::PopOpacity => {
                // A list the tree accepted is balanced; an extra pop is ignored, as on the CPU.
                if let Some(open) = groups.pop() {
                    close_group(&mut r, open);
                }
            }
            Op::DrawLayer { layer } => r.items.push(Item::Child { layer, transform: t, clip }),
        }
    }
    end_run(&mut r, &mut run);
    // Groups left open close at the end of the list.
    for open in groups.into_iter().rev() {
        close_group(&mut r, open);
    }
    r
}

/// Closes the group whose item is at `open`: says what it holds (the quads since, whether a
/// child layer), and ends it.
fn close_group(r: &mut Recorded, open: usize) {
    let quads_now = r.quads();
    let children = r.items[open + 1..].iter().any(|i| matches!(i, Item::Child { .. }));
    if let Item::Group { quads, children: c, .. } = &mut r.items[open] {
        *quads = quads_now - *quads;
        *c = children;
    }
    r.items.push(Item::EndGroup);
}

/// Appends a quad, if any of it shows through `clip`.
fn push(r: &mut Recorded, quad: &Quad, clip: &Clip, image: Option<u32>) {
    if batch::push(&mut r.vertices, quad, clip) {
        r.images.push(image);
    }
}

/// Closes the run of quads since `run` as an item.
fn end_run(r: &mut Recorded, run: &mut usize) {
    let now = r.quads();
    if now > *run {
        r.items.push(Item::Quads(*run..now));
    }
    *run = now;
}

/// Whether geometry is within what the backend draws (finite, and within [`MAX_COORD`] before
/// and after the transform).
pub(crate) fn drawable(rect: &Rect, extra: &[f32], t: &Transform) -> bool {
    let d = t.map_rect(rect);
    [rect.x, rect.y, rect.w, rect.h, d.x, d.y, d.w, d.h]
        .iter()
        .chain(extra)
        .all(|v| v.is_finite() && v.abs() <= MAX_COORD)
}

/// A box's radii in device pixels (scaled by the smaller of the transform's scales, so a corner
/// stays round), fitted to the device box.
pub(crate) fn device_radii(rect: &Rect, radii: Radii, t: &Transform, device: &Rect) -> [f32; 4] {
    let scale = t.sx.min(t.sy);
    Radii(radii.fitted(rect).map(|r| r * scale)).fitted(device)
}

#[cfg(test)]
mod tests {
    use marquee_display_list::text::NoGlyphs;
    use marquee_display_list::{Color, Radii};

    use super::*;

    fn fill(x: f32) -> Op {
        Op::FillRect { rect: Rect::new(x, 0.0, 10.0, 10.0), radii: Radii::ZERO, color: Color(0xff0000ff) }
    }

    fn recorded(ops: &[Op]) -> Recorded {
        record(ops, 1, [1.0, 1.0], &mut NoGlyphs, &mut |_| None)
    }

    #[test]
    fn runs_of_quads_are_cut_at_child_layers_and_groups() {
        let r = recorded(&[
            fill(0.0),
            fill(20.0),
            Op::DrawLayer { layer: 7 },
            Op::PushOpacity { opacity: 0.5 },
            fill(40.0),
            Op::PopOpacity,
        ]);
        assert_eq!(r.quads(), 3);
        assert_eq!(r.items[0], Item::Quads(0..2));
        assert!(matches!(r.items[1], Item::Child { layer: 7, .. }));
        assert_eq!(r.items[2], Item::Group { opacity: 0.5, quads: 1, children: false });
        assert_eq!(r.items[3], Item::Quads(2..3));
        assert_eq!(r.items[4], Item::EndGroup);
        assert!(!r.foldable());
        assert!(recorded(&[fill(0.0)]).foldable());
        assert!(!recorded(&[fill(0.0), fill(5.0)]).foldable(), "two quads may overlap");
    }

    #[test]
    fn a_group_left_open_is_closed_and_counts_what_it_holds() {
        let r = recorded(&[Op::PushOpacity { opacity: 0.25 }, Op::DrawLayer { layer: 3 }, fill(0.0)]);
        assert_eq!(r.items[0], Item::Group { opacity: 0.25, quads: 1, children: true });
        assert_eq!(r.items.last(), Some(&Item::EndGroup));
    }

    #[test]
    fn the_scale_applies_and_geometry_out_of_range_is_skipped() {
        let r = record(&[fill(10.0), fill(f32::NAN), fill(2e6)], 1, [2.0, 3.0], &mut NoGlyphs, &mut |_| None);
        assert_eq!((r.quads(), r.skipped), (1, 2));
        // The first vertex is the box grown by the one-pixel fringe: (2·10 − 1, 3·0 − 1).
        assert_eq!(&r.quad(0)[..2], &[19.0, -1.0]);
        let text = Op::Text { run: 1, rect: Rect::new(0.0, 0.0, 50.0, 20.0), overhang: 0.0, color: Color(0xff) };
        let r = recorded(&[text]);
        assert!(r.incomplete, "text the service does not know is tried again");
    }
}
