//! The software backend: a display list in, pixels out, with tiny-skia.
//!
//! This crate knows only `marquee-display-list` (a backend never sees the engine). [`Canvas`]
//! keeps the pixels of the last frame and redraws only the frame's damage rectangles: each is
//! cleared to the background and every operation is drawn through a mask of the damaged area, so
//! an incremental frame is pixel-identical to drawing the whole list afresh (the golden tests
//! check this on every scene fixture).
//!
//! Opacity layers are drawn into an offscreen pixmap and composited; clips become tiny-skia masks
//! (anti-aliased, with rounded corners); transforms are scale-and-translate. Each layer and each
//! clip costs a canvas-sized buffer, so their nesting is bounded whatever the scene: past
//! [`MAX_LAYERS`] nested opacity layers, deeper ones are flattened (their opacity multiplies
//! what is drawn inside instead of applying to the group), and past [`MAX_CLIPS`] nested clips,
//! deeper ones are not applied (the outer ones still are). [`DrawStats::flattened`] counts both. Images come from the
//! host through [`Images`] and are drawn from copies resampled once for the size they land at
//! (`resample.rs`); text comes as glyph masks from the host's text service through [`Glyphs`],
//! already rasterized at the device scale, and is composited in the text colour. Boxes, images
//! and glyphs on whole pixels are blended by `blit.rs` rather than tiny-skia's pipeline; edges
//! that are not on whole pixels, clips and paths go through tiny-skia.

use marquee_display_list::layers::LayerTree;
mod blit;
mod composite;
mod resample;

pub use composite::{DEFAULT_BUDGET, MARGIN};
pub use resample::STEPS;

use marquee_display_list::text::{GlyphFormat, GlyphMask, Glyphs, Placement};
use marquee_display_list::{Color, IntRect, Op, Radii, Rect, Transform};
use tiny_skia as sk;

/// The most opacity layers drawn as groups at once (each a canvas-sized pixmap).
pub const MAX_LAYERS: usize = 16;

/// The most clips applied at once (each a canvas-sized mask).
pub const MAX_CLIPS: usize = 32;

/// The largest coordinate, size, radius or border width drawn, in pixels before and after the
/// transform. Display lists come from downloaded code; geometry past this is far off any screen
/// and outside what tiny-skia's fixed-point edge walker is built for, so an operation using it is
/// skipped (a clip using it hides what it clips).
pub const MAX_COORD: f32 = 1e6;

pub use marquee_display_list::images::{Images, NoImages, Pixels};
pub use marquee_display_list::text::NoGlyphs;

/// What drawing takes besides the list: the host's images and text, and the images resampled
/// in earlier frames.
pub(crate) struct Sources<'s> {
    pub(crate) images: &'s dyn Images,
    pub(crate) glyphs: &'s mut dyn Glyphs,
    pub(crate) pictures: &'s mut resample::Resampled,
}

/// Why a frame could not be drawn. The canvas keeps the previous frame's pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The display list does not decode.
    DisplayList(marquee_display_list::Error),
    /// A width or height of zero, or too large to allocate.
    BadSize {
        /// Requested width.
        width: u32,
        /// Requested height.
        height: u32,
    },
    /// PNG encoding failed.
    Png(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::DisplayList(e) => write!(f, "display list: {e}"),
            Error::BadSize { width, height } => write!(f, "cannot make a {width}x{height} canvas"),
            Error::Png(e) => write!(f, "png: {e}"),
        }
    }
}

impl std::error::Error for Error {}

/// What one draw did, for frame statistics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DrawStats {
    /// Operations drawn.
    pub ops: u32,
    /// Pixels inside the damage.
    pub pixels: u64,
    /// Operations the backend could not draw (an unknown image, a text run before the text
    /// service exists).
    pub skipped: u32,
    /// Opacity layers flattened and clips not applied because they nested deeper than
    /// [`MAX_LAYERS`] and [`MAX_CLIPS`].
    pub flattened: u32,
    /// Layer surfaces rasterized (a layer's list changed, its scale did, or it scrolled past
    /// what its surface covered).
    pub layers_rasterized: u32,
    /// Pixels of those surfaces.
    pub pixels_rasterized: u64,
    /// Pixels copied from layer surfaces onto the canvas.
    pub pixels_composited: u64,
}

/// A frame buffer that persists across frames, and the layer pixels kept to draw the next one.
pub struct Canvas {
    pixmap: sk::Pixmap,
    background: sk::Color,
    compositor: composite::Compositor,
    pictures: resample::Resampled,
}

impl Canvas {
    /// A canvas filled with `background`.
    pub fn new(width: u32, height: u32, background: Color) -> Result<Canvas, Error> {
        let mut pixmap = sk::Pixmap::new(width, height).ok_or(Error::BadSize { width, height })?;
        let background = color(background, 1.0);
        pixmap.fill(background);
        let (compositor, pictures) =
            (composite::Compositor::new(DEFAULT_BUDGET), resample::Resampled::new(DEFAULT_BUDGET / 2));
        Ok(Canvas { pixmap, background, compositor, pictures })
    }

    /// The pixels, premultiplied RGBA.
    pub fn pixmap(&self) -> &sk::Pixmap {
        &self.pixmap
    }

    /// The pixels to draw over, premultiplied RGBA, top row first: what a host draws over a
    /// frame after the canvas drew it (the debug overlay). What it draws stays until a frame's
    /// damage covers it, so it draws only where the frame was damaged.
    pub fn pixels_mut(&mut self) -> &mut [u8] {
        self.pixmap.data_mut()
    }

    /// Replaces the pixels with another backend's (premultiplied RGBA, the canvas's size, top
    /// row first), so what shows and screenshots read is that frame. Its next `draw` must then
    /// cover the whole canvas: what it keeps of its own layers no longer matches the pixels.
    pub fn load_pixels(&mut self, rgba: &[u8]) -> Result<(), Error> {
        let data = self.pixmap.data_mut();
        if rgba.len() != data.len() {
            let (width, height) = (self.pixmap.width(), self.pixmap.height());
            return Err(Error::BadSize { width, height });
        }
        data.copy_from_slice(rgba);
        Ok(())
    }

    /// Replaces the pixels of `area` (within the canvas) with another backend's (premultiplied
    /// RGBA, `area`'s size, top row first), as [`load_pixels`](Self::load_pixels) does for all
    /// of them.
    pub fn load_pixels_in(&mut self, area: IntRect, rgba: &[u8]) -> Result<(), Error> {
        let (width, height) = (self.pixmap.width(), self.pixmap.height());
        let inside = area.x >= 0 && area.y >= 0 && area.w >= 0 && area.h >= 0;
        let fits = inside && area.x + area.w <= width as i32 && area.y + area.h <= height as i32;
        let row = area.w.max(0) as usize * 4;
        if !fits || rgba.len() != row * area.h.max(0) as usize {
            return Err(Error::BadSize { width, height });
        }
        let stride = width as usize * 4;
        let data = self.pixmap.data_mut();
        for (y, src) in rgba.chunks_exact(row.max(1)).enumerate().take(area.h as usize) {
            let at = (area.y as usize + y) * stride + area.x as usize * 4;
            data[at..at + row].copy_from_slice(src);
        }
        Ok(())
    }

    /// The whole canvas as a damage rectangle.
    pub fn bounds(&self) -> IntRect {
        IntRect { x: 0, y: 0, w: self.pixmap.width() as i32, h: self.pixmap.height() as i32 }
    }

    /// Encodes the canvas as PNG.
    pub fn encode_png(&self) -> Result<Vec<u8>, Error> {
        self.pixmap.encode_png().map_err(|e| Error::Png(e.to_string()))
    }

    /// Redraws the `damage` rectangles (grown by a pixel: layers sit on the pixel grid, see
    /// `composite`; merged where they touch) from the layer tree, compositing each layer's kept pixels and rasterizing
    /// only the layers whose list or scale changed. Pixels outside the damage keep the last
    /// frame's.
    pub fn draw(
        &mut self,
        layers: &LayerTree,
        damage: &[IntRect],
        images: &dyn Images,
        glyphs: &mut dyn Glyphs,
    ) -> Result<DrawStats, Error> {
        let bounds = self.bounds();
        let grown = damage.iter().map(|r| r.outset(1));
        // Rectangles that do not touch: each pixel is drawn once (a translucent layer composited
        // twice where two overlapped would come out wrong).
        let damage = marquee_display_list::damage::merge(grown.collect(), bounds);
        let mut stats =
            DrawStats { pixels: damage.iter().map(IntRect::area).sum::<i64>() as u64, ..DrawStats::default() };
        if damage.is_empty() {
            return Ok(stats);
        }
        self.clear(&damage);
        let sources = Sources { images, glyphs, pictures: &mut self.pictures };
        let work = self.compositor.composite(layers, &mut self.pixmap, &damage, sources)?;
        stats.ops = work.direct_ops;
        stats.skipped = work.skipped;
        stats.flattened = work.flattened;
        stats.layers_rasterized = work.rasterized;
        stats.pixels_rasterized = work.pixels_rasterized;
        stats.pixels_composited = work.pixels_composited;
        Ok(stats)
    }

    /// Bytes of pixels the canvas keeps between frames: layer surfaces and resampled images.
    pub fn layer_bytes(&self) -> usize {
        self.compositor.bytes() + self.pictures.bytes()
    }

    /// Sets how many bytes of layer surfaces the canvas may keep, and half as many of resampled
    /// images (least recently used go first; what is not kept is made again when needed, to the
    /// same pixels).
    pub fn set_layer_budget(&mut self, bytes: usize) {
        self.compositor.set_budget(bytes);
        self.pictures.set_budget(bytes / 2);
    }

    /// Clears the damage to the background.
    fn clear(&mut self, damage: &[IntRect]) {
        let mut clear = sk::Paint::default();
        clear.set_color(self.background);
        clear.blend_mode = sk::BlendMode::Source;
        for r in damage {
            if let Some(rect) = sk::Rect::from_xywh(r.x as f32, r.y as f32, r.w as f32, r.h as f32) {
                self.pixmap.fill_rect(rect, &clear, sk::Transform::identity(), None);
            }
        }
    }

    /// Redraws the `damage` rectangles from one display list's operations.
    pub fn draw_ops(
        &mut self,
        ops: &[Op],
        damage: &[IntRect],
        images: &dyn Images,
        glyphs: &mut dyn Glyphs,
    ) -> Result<DrawStats, Error> {
        let bounds = self.bounds();
        let damage: Vec<IntRect> = damage.iter().map(|r| r.intersect(&bounds)).filter(|r| !r.is_empty()).collect();
        let mut stats =
            DrawStats { pixels: damage.iter().map(IntRect::area).sum::<i64>() as u64, ..DrawStats::default() };
        if damage.is_empty() {
            return Ok(stats);
        }
        // Full redraws go through a mask as partial ones do: tiny-skia rounds anti-aliased edges
        // differently with and without a mask, and a partial redraw must give the very pixels a
        // full one does.
        let base = Some(damage_mask(&damage, bounds)?);
        self.clear(&damage);
        let all = damage.iter().fold(IntRect::default(), |a, r| a.union(r));
        let cull = Rect::new(all.x as f32, all.y as f32, all.w as f32, all.h as f32);
        let mut p = Painter::new(bounds.w as u32, bounds.h as u32, sk::Transform::identity(), base, cull);
        let mut sources = Sources { images, glyphs, pictures: &mut self.pictures };
        for op in ops {
            stats.ops += 1;
            if !p.op(&mut self.pixmap, op, &mut sources)? {
                stats.skipped += 1;
            }
        }
        stats.flattened = p.flattened;
        Ok(stats)
    }
}

pub(crate) fn damage_mask(damage: &[IntRect], bounds: IntRect) -> Result<sk::Mask, Error> {
    let mut mask = sk::Mask::new(bounds.w as u32, bounds.h as u32)
        .ok_or(Error::BadSize { width: bounds.w as u32, height: bounds.h as u32 })?;
    let mut pb = sk::PathBuilder::new();
    for r in damage {
        if let Some(rect) = sk::Rect::from_xywh(r.x as f32, r.y as f32, r.w as f32, r.h as f32) {
            pb.push_rect(rect);
        }
    }
    if let Some(path) = pb.finish() {
        // Damage is on the pixel grid: no anti-aliasing, so a pixel is redrawn fully or not at all.
        mask.fill_path(&path, sk::FillRule::Winding, false, sk::Transform::identity());
    }
    Ok(mask)
}

fn color(c: Color, opacity: f32) -> sk::Color {
    let [r, g, b, a] = c.rgba();
    let mut c = sk::Color::from_rgba8(r, g, b, a);
    c.apply_opacity(opacity);
    c
}

/// The drawing state of one frame: stacks of transforms, clip masks and opacity layers.
struct Painter {
    /// The damage's bounding box: drawing wholly outside it is skipped (retained layers hold
    /// content scrolled out of view, and shaping a paragraph nobody sees costs).
    damage: Rect,
    /// Offscreen layers for `PushOpacity`, with their opacity; drawing goes to the top one.
    layers: Vec<(sk::Pixmap, f32)>,
    /// Opacities of layers nested past [`MAX_LAYERS`], applied to each drawing instead.
    flat: Vec<f32>,
    transforms: Vec<sk::Transform>,
    masks: Vec<Option<sk::Mask>>,
    /// Clips nested past [`MAX_CLIPS`], not applied (their pops are skipped likewise).
    unclipped: u32,
    /// Layers flattened and clips not applied in this draw.
    flattened: u32,
    width: u32,
    height: u32,
}

impl Painter {
    /// A painter for a `width × height` target whose drawing starts under `base` and `mask`;
    /// shapes wholly outside `cull` are skipped.
    fn new(width: u32, height: u32, base: sk::Transform, mask: Option<sk::Mask>, cull: Rect) -> Painter {
        Painter {
            damage: cull,
            layers: Vec::new(),
            flat: Vec::new(),
            transforms: vec![base],
            masks: vec![mask],
            unclipped: 0,
            flattened: 0,
            width,
            height,
        }
    }

    /// The opacity of flattened layers that every drawing takes.
    fn flat_opacity(&self) -> f32 {
        self.flat.iter().product()
    }

    /// Whether `rect` grown by `grow`, transformed, meets the damage.
    fn touches_damage(&self, rect: Rect, grow: f32, t: sk::Transform) -> bool {
        let (x0, y0) = (t.sx * (rect.x - grow) + t.tx, t.sy * (rect.y - grow) + t.ty);
        let (x1, y1) = (t.sx * (rect.x + rect.w + grow) + t.tx, t.sy * (rect.y + rect.h + grow) + t.ty);
        let d = self.damage;
        // Anti-aliasing reaches a pixel past the edge.
        x0.min(x1) < d.x + d.w + 1.0 && x0.max(x1) > d.x - 1.0 && y0.min(y1) < d.y + d.h + 1.0 && y0.max(y1) > d.y - 1.0
    }

    fn transform(&self) -> sk::Transform {
        self.transforms.last().copied().unwrap_or_default()
    }

    fn mask(&self) -> Option<&sk::Mask> {
        self.masks.last().and_then(Option::as_ref)
    }

    /// Draws one operation; returns false when it had to be skipped.
    fn op(&mut self, base: &mut sk::Pixmap, op: &Op, sources: &mut Sources<'_>) -> Result<bool, Error> {
        let transform = self.transform();
        match *op {
            Op::FillRect { rect, radii, .. } | Op::Border { rect, radii, .. } | Op::PushClip { rect, radii }
                if !drawable(rect, &radii.0, transform) =>
            {
                if let Op::PushClip { .. } = op {
                    self.masks.push(Some(
                        sk::Mask::new(self.width, self.height)
                            .ok_or(Error::BadSize { width: self.width, height: self.height })?,
                    ));
                    return Ok(true);
                }
                return Ok(false);
            }
            Op::Border { width, .. } if !(width.is_finite() && width.abs() <= MAX_COORD) => return Ok(false),
            Op::Image { src, dst, .. } if !drawable(dst, &[src.x, src.y, src.w, src.h], transform) => {
                return Ok(false);
            }
            Op::Text { rect, overhang, .. } if !drawable(rect, &[overhang], transform) => return Ok(false),
            Op::FillRect { rect, .. } | Op::Border { rect, .. } | Op::Image { dst: rect, .. }
                if !self.touches_damage(rect, 0.0, transform) =>
            {
                return Ok(true);
            }
            Op::Text { rect, overhang, .. } if !self.touches_damage(rect, overhang.max(0.0), transform) => {
                return Ok(true);
            }
            Op::FillRect { rect, radii, color: c } => {
                let mut paint = sk::Paint::default();
                paint.set_color(color(c, self.flat_opacity()));
                paint.anti_alias = true;
                let mask = self.masks.last().and_then(Option::as_ref);
                let to = target(&mut self.layers, base);
                if !fill_on_grid(to, rect, radii, transform, &paint, mask)
                    && let Some(path) = rounded_rect(rect, radii)
                {
                    to.fill_path(&path, &paint, sk::FillRule::Winding, transform, mask);
                }
            }
            Op::Border { rect, radii, width, color: c } => {
                if let Some(path) = border(rect, radii, width) {
                    let mut paint = sk::Paint::default();
                    paint.set_color(color(c, self.flat_opacity()));
                    paint.anti_alias = true;
                    let mask = self.masks.last().and_then(Option::as_ref);
                    target(&mut self.layers, base).fill_path(&path, &paint, sk::FillRule::EvenOdd, transform, mask);
                }
            }
            Op::Image { handle, src, dst, opacity } => {
                let Some(image) =
                    sources.images.image(handle).and_then(|p| sk::PixmapRef::from_bytes(p.data, p.width, p.height))
                else {
                    return Ok(false);
                };
                let (Some(path), true) = (rounded_rect(dst, Radii::ZERO), src.w > 0.0 && src.h > 0.0) else {
                    return Ok(true);
                };
                let (serial, opacity) = (sources.images.serial(handle), opacity * self.flat_opacity());
                let mask = self.masks.last().and_then(Option::as_ref);
                let to = target(&mut self.layers, base);
                if sources.pictures.draw(to, (image, serial), (src, dst), transform, (opacity, mask))? {
                    return Ok(true);
                }
                // Mirrored or huge: drawn directly, the source rectangle mapped onto the destination.
                let (sx, sy) = (dst.w / src.w, dst.h / src.h);
                let to_dst = sk::Transform::from_row(sx, 0.0, 0.0, sy, dst.x - src.x * sx, dst.y - src.y * sy);
                let shader = sk::Pattern::new(image, sk::SpreadMode::Pad, sk::FilterQuality::Bilinear, opacity, to_dst);
                let paint = sk::Paint { shader, anti_alias: true, ..sk::Paint::default() };
                to.fill_path(&path, &paint, sk::FillRule::Winding, transform, mask);
            }
            Op::Text { run, rect, overhang, color: c } => {
                // Transforms are scale-and-translate: the box's corner maps to a device point and
                // glyphs are rasterized at the horizontal scale, so zoomed text stays sharp.
                let origin = [transform.sx * rect.x + transform.tx, transform.sy * rect.y + transform.ty];
                let o = overhang.max(0.0);
                let (x0, y0) = (transform.sx * (rect.x - o) + transform.tx, transform.sy * (rect.y - o) + transform.ty);
                let (x1, y1) = (
                    transform.sx * (rect.x + rect.w + o) + transform.tx,
                    transform.sy * (rect.y + rect.h + o) + transform.ty,
                );
                let (kx, ky) = (x0.floor() as i32, y0.floor() as i32);
                let keep = IntRect { x: kx, y: ky, w: x1.ceil() as i32 - kx, h: y1.ceil() as i32 - ky };
                let scale = transform.sx;
                let [r, g, b, a] = c.rgba();
                let a = if self.flat.is_empty() { a } else { (f32::from(a) * self.flat_opacity()).round() as u8 };
                let target = target(&mut self.layers, base);
                let coverage = self.masks.last().and_then(Option::as_ref).map(blit::Coverage::of);
                let mut ink = Vec::new();
                let known = sources.glyphs.glyphs(Placement { run, width: rect.w, origin, scale }, &mut |glyph| {
                    let at = IntRect { x: glyph.x, y: glyph.y, w: glyph.width as i32, h: glyph.height as i32 };
                    let shown = at.intersect(&keep);
                    if !shown.is_empty() && glyph_pixels(&glyph, [r, g, b, a], &mut ink) {
                        blit::pixels_over(target, (&ink, glyph.width), (glyph.x, glyph.y), shown, coverage);
                    }
                });
                return Ok(known);
            }
            Op::PushClip { .. } if self.masks.len() > MAX_CLIPS => {
                self.unclipped += 1;
                self.flattened += 1;
            }
            Op::PopClip if self.unclipped > 0 => self.unclipped -= 1,
            Op::PushClip { rect, radii } => {
                let next = match rounded_rect(rect, radii) {
                    Some(path) => {
                        let mut m = match self.mask() {
                            Some(m) => m.clone(),
                            None => full_mask(self.width, self.height)?,
                        };
                        m.intersect_path(&path, sk::FillRule::Winding, true, transform);
                        m
                    }
                    // An empty clip hides everything inside it.
                    None => sk::Mask::new(self.width, self.height)
                        .ok_or(Error::BadSize { width: self.width, height: self.height })?,
                };
                self.masks.push(Some(next));
            }
            Op::PopClip => {
                self.masks.pop();
            }
            Op::PushOpacity { opacity } if self.layers.len() >= MAX_LAYERS => {
                self.flat.push(opacity);
                self.flattened += 1;
            }
            Op::PopOpacity if !self.flat.is_empty() => {
                self.flat.pop();
            }
            Op::PushOpacity { opacity } => {
                let layer = sk::Pixmap::new(self.width, self.height)
                    .ok_or(Error::BadSize { width: self.width, height: self.height })?;
                self.layers.push((layer, opacity));
            }
            Op::PopOpacity => {
                if let Some((layer, opacity)) = self.layers.pop() {
                    let paint = sk::PixmapPaint { opacity, ..sk::PixmapPaint::default() };
                    target(&mut self.layers, base).draw_pixmap(
                        0,
                        0,
                        layer.as_ref(),
                        &paint,
                        sk::Transform::identity(),
                        None,
                    );
                }
            }
            Op::PushTransform { transform: Transform { sx, sy, tx, ty } } => {
                let inner = sk::Transform::from_row(sx, 0.0, 0.0, sy, tx, ty);
                self.transforms.push(transform.pre_concat(inner));
            }
            Op::PopTransform => {
                self.transforms.pop();
            }
            // A flattened tree has none; a list drawn as it is skips them.
            Op::DrawLayer { .. } => return Ok(false),
        }
        Ok(true)
    }
}

/// Writes `glyph`'s pixels in colour `[r, g, b, a]`, premultiplied, into `out`; false when its
/// mask is shorter than its size says.
fn glyph_pixels(glyph: &GlyphMask<'_>, [r, g, b, a]: [u8; 4], out: &mut Vec<u8>) -> bool {
    let Some(n) = (glyph.width as usize).checked_mul(glyph.height as usize) else { return false };
    out.clear();
    match glyph.format {
        GlyphFormat::Alpha => {
            let Some(mask) = glyph.data.get(..n) else { return false };
            for &cov in mask {
                let alpha = (cov as u32 * a as u32 + 127) / 255;
                let pm = |ch: u8| ((ch as u32 * alpha + 127) / 255) as u8;
                out.extend_from_slice(&[pm(r), pm(g), pm(b), alpha as u8]);
            }
        }
        GlyphFormat::Rgba => {
            let Some(pixels) = glyph.data.get(..n * 4) else { return false };
            for px in pixels.chunks_exact(4) {
                let alpha = px[3] as u32 * a as u32 / 255;
                let pm = |ch: u8| ((ch as u32 * alpha + 127) / 255) as u8;
                out.extend_from_slice(&[pm(px[0]), pm(px[1]), pm(px[2]), alpha as u8]);
            }
        }
    }
    true
}

fn target<'a>(layers: &'a mut [(sk::Pixmap, f32)], base: &'a mut sk::Pixmap) -> &'a mut sk::Pixmap {
    match layers.last_mut() {
        Some((layer, _)) => layer,
        None => base,
    }
}

fn full_mask(width: u32, height: u32) -> Result<sk::Mask, Error> {
    let mut m = sk::Mask::new(width, height).ok_or(Error::BadSize { width, height })?;
    m.data_mut().fill(255);
    Ok(m)
}

/// Cubic-Bézier approximation constant for a quarter circle.
const KAPPA: f32 = 0.552_284_8;

fn push_rounded(pb: &mut sk::PathBuilder, r: Rect, radii: [f32; 4]) {
    let [tl, tr, br, bl] = radii;
    let (x0, y0, x1, y1) = (r.x, r.y, r.right(), r.bottom());
    let k = 1.0 - KAPPA;
    pb.move_to(x0 + tl, y0);
    pb.line_to(x1 - tr, y0);
    if tr > 0.0 {
        pb.cubic_to(x1 - tr * k, y0, x1, y0 + tr * k, x1, y0 + tr);
    }
    pb.line_to(x1, y1 - br);
    if br > 0.0 {
        pb.cubic_to(x1, y1 - br * k, x1 - br * k, y1, x1 - br, y1);
    }
    pb.line_to(x0 + bl, y1);
    if bl > 0.0 {
        pb.cubic_to(x0 + bl * k, y1, x0, y1 - bl * k, x0, y1 - bl);
    }
    pb.line_to(x0, y0 + tl);
    if tl > 0.0 {
        pb.cubic_to(x0, y0 + tl * k, x0 + tl * k, y0, x0 + tl, y0);
    }
    pb.close();
}

/// Whether `rect` and `extra` values are within [`MAX_COORD`], and the rectangle's corners too
/// once transformed.
fn drawable(rect: Rect, extra: &[f32], t: sk::Transform) -> bool {
    let ok = |v: f32| v.is_finite() && v.abs() <= MAX_COORD;
    let corners = [(rect.x, rect.y), (rect.x + rect.w, rect.y + rect.h)];
    [rect.x, rect.y, rect.w, rect.h].into_iter().chain(extra.iter().copied()).all(ok)
        && corners.iter().all(|&(x, y)| ok(t.sx * x + t.kx * y + t.tx) && ok(t.ky * x + t.sy * y + t.ty))
}

/// Fills `rect` with rounded corners `radii` under `t` when its edges land on whole pixels
/// (most boxes of a layout at an integer scale): the rows and columns clear of the corners are
/// whole pixels, filled as they are, and only the four corner squares go through the
/// anti-aliasing path filler, several times slower a pixel. The pieces meet on pixel edges, so
/// each pixel is drawn once. Returns false, having drawn nothing, for any other rectangle.
fn fill_on_grid(
    to: &mut sk::Pixmap,
    rect: Rect,
    radii: Radii,
    t: sk::Transform,
    paint: &sk::Paint<'_>,
    mask: Option<&sk::Mask>,
) -> bool {
    // Upright (a mirrored box's corners would swap), every edge on a whole pixel.
    let Some(on) = composite::on_grid(rect, t).filter(|_| t.sx > 0.0 && t.sy > 0.0 && !rect.is_empty()) else {
        return false;
    };
    let (x0, y0, x1, y1) = (on.x as f32, on.y as f32, (on.x + on.w) as f32, (on.y + on.h) as f32);
    let [tl, tr, br, bl] = radii.fitted(&rect);
    // The corner squares' side: every corner's radius, horizontal and vertical, fits in it.
    let side = [tl, tr, br, bl].iter().fold(0.0f32, |m, r| m.max(r * t.sx).max(r * t.sy)).ceil();
    if 2.0 * side > (x1 - x0).min(y1 - y0) {
        return false;
    }
    // The colour, premultiplied: a solid paint's shader is its colour.
    let sk::Shader::SolidColor(c) = paint.shader else { return false };
    let px = c.premultiply().to_color_u8();
    let color = u32::from_le_bytes([px.red(), px.green(), px.blue(), px.alpha()]);
    let coverage = mask.map(blit::Coverage::of);
    let mut fill = |x: f32, y: f32, w: f32, h: f32| {
        blit::fill(to, IntRect { x: x as i32, y: y as i32, w: w as i32, h: h as i32 }, color, coverage);
    };
    fill(x0 + side, y0, x1 - x0 - 2.0 * side, side);
    fill(x0, y0 + side, x1 - x0, y1 - y0 - 2.0 * side);
    fill(x0 + side, y1 - side, x1 - x0 - 2.0 * side, side);
    if side == 0.0 {
        return true;
    }
    // Each corner: its square, less what lies outside the corner's quarter ellipse (the same
    // curve `push_rounded` draws, through `t`).
    let k = 1.0 - KAPPA;
    let corners = [
        // (corner, its radius, the directions into the rectangle)
        ((x0, y0), tl, (1.0, 1.0)),
        ((x1, y0), tr, (-1.0, 1.0)),
        ((x1, y1), br, (-1.0, -1.0)),
        ((x0, y1), bl, (1.0, -1.0)),
    ];
    for ((cx, cy), r, (dx, dy)) in corners {
        let (rx, ry) = (r * t.sx * dx, r * t.sy * dy);
        let (sx, sy) = (side * dx, side * dy);
        let mut pb = sk::PathBuilder::new();
        pb.move_to(cx, cy + sy);
        pb.line_to(cx, cy + ry);
        if r > 0.0 {
            pb.cubic_to(cx, cy + ry * k, cx + rx * k, cy, cx + rx, cy);
        }
        pb.line_to(cx + sx, cy);
        pb.line_to(cx + sx, cy + sy);
        pb.close();
        if let Some(path) = pb.finish() {
            to.fill_path(&path, paint, sk::FillRule::Winding, sk::Transform::identity(), mask);
        }
    }
    true
}

fn rounded_rect(r: Rect, radii: Radii) -> Option<sk::Path> {
    if r.is_empty() {
        return None;
    }
    let mut pb = sk::PathBuilder::new();
    push_rounded(&mut pb, r, radii.fitted(&r));
    pb.finish()
}

/// The ring between a rounded rectangle and its inset by `width`, filled even-odd.
fn border(r: Rect, radii: Radii, width: f32) -> Option<sk::Path> {
    if r.is_empty() || width <= 0.0 {
        return None;
    }
    let outer = radii.fitted(&r);
    let mut pb = sk::PathBuilder::new();
    push_rounded(&mut pb, r, outer);
    let inner = Rect::new(r.x + width, r.y + width, r.w - 2.0 * width, r.h - 2.0 * width);
    if !inner.is_empty() {
        push_rounded(&mut pb, inner, Radii(outer.map(|v| (v - width).max(0.0))).fitted(&inner));
    }
    pb.finish()
}
