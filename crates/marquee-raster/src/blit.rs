//! Compositing a kept surface onto the canvas: premultiplied source-over, pixel for pixel.
//!
//! Surfaces sit on the pixel grid (see `composite.rs`), so compositing one never resamples: each
//! canvas pixel takes the surface pixel under it, faded by the layer's opacity and a clip mask's
//! coverage. That is a plain loop over rows, a pixel's four channels at a time in one `u64`,
//! several times faster than tiny-skia's pattern shader, which runs its whole raster pipeline
//! per pixel for the same copy. Rounding is exact (`x / 255` to the nearest), so a pixel composited twice
//! from the same surface is the same pixel. A kept surface carries, per row, the runs of pixels
//! that are not empty ([`Kept`]), so the empty parts of a layer (between tiles, around text) cost
//! nothing to composite.
//!
//! The same loops draw what lands on whole pixels while rasterizing: boxes ([`fill`]), resampled
//! images (`resample.rs`) and glyphs' ink ([`pixels_over`]), through the clip's coverage.

use marquee_display_list::IntRect;
use tiny_skia as sk;

/// A clip's coverage over `rect` of the canvas, row after row; nothing is covered outside it.
#[derive(Clone, Copy)]
pub(crate) struct Coverage<'m> {
    pub(crate) data: &'m [u8],
    pub(crate) rect: IntRect,
}

impl<'m> Coverage<'m> {
    /// A tiny-skia mask's coverage, over the mask's own size (a painter's masks are its
    /// target's).
    pub(crate) fn of(mask: &'m sk::Mask) -> Coverage<'m> {
        Coverage { data: mask.data(), rect: IntRect { x: 0, y: 0, w: mask.width() as i32, h: mask.height() as i32 } }
    }

    /// The coverage of pixels `x..x + w` of row `y` (all inside `rect`), unless it covers every
    /// one fully: then drawing is as if there were no mask.
    fn partial(&self, y: i32, x: i32, w: usize) -> Option<&'m [u8]> {
        let at = (y - self.rect.y) as usize * self.rect.w as usize + (x - self.rect.x) as usize;
        Some(&self.data[at..at + w]).filter(|c| c.iter().any(|&v| v != 255))
    }
}

/// What a drawing of `rect` onto `dst` touches: its part on `dst` and inside `mask`'s rectangle;
/// `None` when that is empty, or when the mask holds fewer bytes than its rectangle says.
fn drawn(dst: &sk::Pixmap, rect: IntRect, mask: Option<Coverage<'_>>) -> Option<IntRect> {
    let mut r = rect.intersect(&IntRect { x: 0, y: 0, w: dst.width() as i32, h: dst.height() as i32 });
    if let Some(m) = mask {
        r = r.intersect(&m.rect);
        if m.data.len() < m.rect.area().max(0) as usize {
            return None;
        }
    }
    (!r.is_empty()).then_some(r)
}

/// The low byte of each 16-bit lane.
const LANES: u64 = 0x00ff_00ff_00ff_00ff;

/// A pixel's four bytes, one to each 16-bit lane of a `u64` (red, blue, green, alpha), so that
/// one multiplication scales them all.
#[inline]
pub(crate) fn spread(p: u32) -> u64 {
    (u64::from(p) & 0x00ff_00ff) | ((u64::from(p) & 0xff00_ff00) << 24)
}

/// The pixel [`spread`] made.
#[inline]
pub(crate) fn gather(x: u64) -> u32 {
    ((x & 0x00ff_00ff) | ((x >> 24) & 0xff00_ff00)) as u32
}

/// `x / 255`, rounded, in each 16-bit lane (each at most 255 × 255).
#[inline]
fn div255_lanes(x: u64) -> u64 {
    let x = x + 0x0080_0080_0080_0080;
    ((x + ((x >> 8) & LANES)) >> 8) & LANES
}

/// `a` and `b` (spread pixels) mixed, `b` weighing `weight / 256`, rounded.
#[inline]
pub(crate) fn lerp_lanes(a: u64, b: u64, weight: u32) -> u64 {
    let w = u64::from(weight.min(256));
    // Each lane at most 255 × 256: no lane carries into the next.
    ((a * (256 - w) + b * w + 0x0080_0080_0080_0080) >> 8) & LANES
}

/// A spread pixel times `c / 255`, rounded.
#[inline]
pub(crate) fn scale_lanes(x: u64, c: u32) -> u64 {
    div255_lanes(x * u64::from(c))
}

/// A premultiplied pixel times `c / 255`.
#[inline]
fn scale(p: u32, c: u32) -> u32 {
    gather(div255_lanes(spread(p) * u64::from(c)))
}

/// `s` over `d`, both premultiplied (so no channel can carry into the next).
#[inline]
fn over(s: u32, d: u32) -> u32 {
    match 255 - (s >> 24) {
        0 => s,
        255 if s == 0 => d,
        inv => s + scale(d, inv),
    }
}

/// A surface's pixels, with each row's runs of pixels that are not empty, told apart as opaque
/// or not: the rest of a row adds nothing to the canvas (layers of text and tiles are mostly
/// empty), and an opaque run is copied whole.
pub(crate) struct Kept {
    pub(crate) pixmap: sk::Pixmap,
    /// Runs as (first, one past the last, with [`OPAQUE`] set when every pixel is), row after row.
    runs: Vec<(u32, u32)>,
    /// By row: where its runs start in `runs` (plus one entry for the end).
    rows: Vec<u32>,
}

/// Marks a run whose pixels are all opaque.
const OPAQUE: u32 = 1 << 31;

impl Kept {
    pub(crate) fn new(pixmap: sk::Pixmap) -> Kept {
        let mut kept = Kept { pixmap, runs: Vec::new(), rows: Vec::new() };
        kept.scan();
        kept
    }

    /// Draws `rect` (in the surface's pixels) again: clears it, lets `draw` paint the whole
    /// surface through a mask of `rect` (nothing outside it changes), and finds the runs anew.
    pub(crate) fn repaint(
        &mut self,
        rect: IntRect,
        draw: impl FnOnce(&mut sk::Pixmap, sk::Mask, marquee_display_list::Rect) -> Result<(), crate::Error>,
    ) -> Result<(), crate::Error> {
        let bounds = IntRect { x: 0, y: 0, w: self.pixmap.width() as i32, h: self.pixmap.height() as i32 };
        let rect = rect.intersect(&bounds);
        if rect.is_empty() {
            return Ok(());
        }
        let w = bounds.w as usize;
        for row in self.pixmap.data_mut().chunks_exact_mut(w * 4).skip(rect.y as usize).take(rect.h as usize) {
            row[rect.x as usize * 4..(rect.x + rect.w) as usize * 4].fill(0);
        }
        let mask = crate::damage_mask(&[rect], bounds)?;
        let cull = marquee_display_list::Rect::new(rect.x as f32, rect.y as f32, rect.w as f32, rect.h as f32);
        draw(&mut self.pixmap, mask, cull)?;
        self.rescan(rect.y as usize, (rect.y + rect.h) as usize);
        Ok(())
    }

    /// Finds every row's runs.
    fn scan(&mut self) {
        let w = self.pixmap.width() as usize;
        self.runs.clear();
        self.rows.clear();
        for row in self.pixmap.data().chunks_exact(w * 4) {
            self.rows.push(self.runs.len() as u32);
            row_runs(row, &mut self.runs);
        }
        self.rows.push(self.runs.len() as u32);
    }

    /// Finds the runs of rows `y0..y1` again, the others' staying.
    fn rescan(&mut self, y0: usize, y1: usize) {
        let w = self.pixmap.width() as usize;
        let (from, to) = (self.rows[y0] as usize, self.rows[y1] as usize);
        let mut fresh = Vec::new();
        let mut starts = Vec::with_capacity(y1 - y0);
        for row in self.pixmap.data()[y0 * w * 4..y1 * w * 4].chunks_exact(w * 4) {
            starts.push((from + fresh.len()) as u32);
            row_runs(row, &mut fresh);
        }
        let shift = fresh.len() as i64 - (to - from) as i64;
        self.runs.splice(from..to, fresh);
        self.rows[y0..y1].copy_from_slice(&starts);
        for start in &mut self.rows[y1..] {
            *start = (i64::from(*start) + shift) as u32;
        }
    }

    /// Bytes of pixels kept.
    pub(crate) fn bytes(&self) -> usize {
        self.pixmap.data().len()
    }

    /// Row `y`'s runs: first pixel, one past the last, whether all are opaque.
    fn runs(&self, y: usize) -> impl Iterator<Item = (u32, u32, bool)> + '_ {
        let runs = &self.runs[self.rows[y] as usize..self.rows[y + 1] as usize];
        runs.iter().map(|&(a, b)| (a, b & !OPAQUE, b & OPAQUE != 0))
    }
}

/// Appends a row's runs (see [`Kept`]) to `runs`.
fn row_runs(row: &[u8], runs: &mut Vec<(u32, u32)>) {
    let (pixels, _) = row.as_chunks::<4>();
    let word = |p: &[u8; 4]| u32::from_le_bytes(*p);
    let w = pixels.len();
    let mut x = 0;
    while x < w {
        // Past the empty pixels, then to the end of a run of the same kind.
        x += pixels[x..].iter().position(|p| word(p) != 0).unwrap_or(w - x);
        if x == w {
            break;
        }
        let start = x;
        let opaque = word(&pixels[x]) >> 24 == 255;
        x += if opaque {
            pixels[x..].iter().position(|p| word(p) >> 24 != 255)
        } else {
            pixels[x..].iter().position(|p| word(p) == 0 || word(p) >> 24 == 255)
        }
        .unwrap_or(w - x);
        runs.push((start as u32, x as u32 | if opaque { OPAQUE } else { 0 }));
    }
}

/// Composites `src`, its top-left pixel at `origin` on `dst`, over `dst` inside `rect`, faded
/// by `opacity` and by `mask` when there is one (nothing shows outside the mask's rectangle).
/// Pixels of `rect` outside either pixmap are left alone.
pub(crate) fn source_over(
    dst: &mut sk::Pixmap,
    src: &Kept,
    origin: (i32, i32),
    rect: IntRect,
    opacity: f32,
    mask: Option<Coverage<'_>>,
) {
    let (sw, sh) = (src.pixmap.width() as i32, src.pixmap.height() as i32);
    let on_src = IntRect { x: origin.0, y: origin.1, w: sw, h: sh };
    let Some(r) = drawn(dst, rect.intersect(&on_src), mask) else { return };
    let dw = dst.width() as i32;
    let alpha = (opacity.clamp(0.0, 1.0) * 255.0).round() as u32;
    if alpha == 0 {
        return;
    }
    let sw = src.pixmap.width() as usize;
    let pixels = src.pixmap.data();
    let dst = dst.data_mut();
    for y in r.y..r.y + r.h {
        for (a, b, opaque) in src.runs((y - origin.1) as usize) {
            let x0 = r.x.max(origin.0 + a as i32);
            let x1 = (r.x + r.w).min(origin.0 + b as i32);
            if x0 < x1 {
                let at = y as usize * dw as usize + x0 as usize;
                let from = (y - origin.1) as usize * sw + (x0 - origin.0) as usize;
                let w = (x1 - x0) as usize;
                // Inside a rounded clip most of a row is fully covered: the same pixels as no
                // mask, which copies opaque runs whole.
                let coverage = mask.and_then(|m| m.partial(y, x0, w));
                let (d, s) = (&mut dst[at * 4..(at + w) * 4], &pixels[from * 4..(from + w) * 4]);
                if opaque && alpha == 255 && coverage.is_none() {
                    d.copy_from_slice(s);
                } else {
                    span(d, s, alpha, coverage);
                }
            }
        }
    }
}

/// Fills `rect` of `dst` (whole pixels) with the premultiplied `color`, source-over, faded by
/// `mask` when there is one: what tiny-skia's pipeline does for a box, a pixel's channels at a
/// time in one `u64`, and an opaque colour written straight where nothing fades it.
pub(crate) fn fill(dst: &mut sk::Pixmap, rect: IntRect, color: u32, mask: Option<Coverage<'_>>) {
    let Some(r) = drawn(dst, rect, mask).filter(|_| color != 0) else { return };
    let dw = dst.width() as i32;
    let dst = dst.data_mut();
    let w = r.w as usize;
    for y in r.y..r.y + r.h {
        let at = y as usize * dw as usize + r.x as usize;
        let row = &mut dst[at * 4..(at + w) * 4];
        match mask.and_then(|m| m.partial(y, r.x, w)) {
            None if color >> 24 == 255 => {
                for px in row.as_chunks_mut::<4>().0 {
                    *px = color.to_le_bytes();
                }
            }
            None => {
                for px in row.as_chunks_mut::<4>().0 {
                    *px = over(color, u32::from_le_bytes(*px)).to_le_bytes();
                }
            }
            Some(c) => {
                for (px, &c) in row.as_chunks_mut::<4>().0.iter_mut().zip(c) {
                    if c > 0 {
                        *px = over(scale(color, u32::from(c)), u32::from_le_bytes(*px)).to_le_bytes();
                    }
                }
            }
        }
    }
}

/// Composites `pixels` (premultiplied, `width` a row), their top-left pixel at `origin` on
/// `dst`, over `dst` inside `rect`, faded by `mask` when there is one: a glyph's ink.
pub(crate) fn pixels_over(
    dst: &mut sk::Pixmap,
    (pixels, width): (&[u8], u32),
    origin: (i32, i32),
    rect: IntRect,
    mask: Option<Coverage<'_>>,
) {
    let height = (pixels.len() / 4 / width.max(1) as usize) as i32;
    let on_src = IntRect { x: origin.0, y: origin.1, w: width as i32, h: height };
    let Some(r) = drawn(dst, rect.intersect(&on_src), mask) else { return };
    let dw = dst.width() as i32;
    let dst = dst.data_mut();
    let w = r.w as usize;
    for y in r.y..r.y + r.h {
        let at = y as usize * dw as usize + r.x as usize;
        let from = (y - origin.1) as usize * width as usize + (r.x - origin.0) as usize;
        let coverage = mask.and_then(|m| m.partial(y, r.x, w));
        span(&mut dst[at * 4..(at + w) * 4], &pixels[from * 4..(from + w) * 4], 255, coverage);
    }
}

/// Composites one run of pixels: `s` over `d`, faded by `alpha` (0–255) and `coverage`.
fn span(d_row: &mut [u8], s_row: &[u8], alpha: u32, coverage: Option<&[u8]>) {
    let pixels = d_row.chunks_exact_mut(4).zip(s_row.chunks_exact(4));
    let word = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    match coverage {
        None if alpha == 255 => {
            for (d, s) in pixels {
                // Most of a surface is either empty or opaque: neither reads the canvas.
                match word(s) {
                    0 => {}
                    s if s >> 24 == 255 => d.copy_from_slice(&s.to_le_bytes()),
                    s => d.copy_from_slice(&over(s, word(d)).to_le_bytes()),
                }
            }
        }
        None => {
            for (d, s) in pixels {
                let s = word(s);
                if s != 0 {
                    d.copy_from_slice(&over(scale(s, alpha), word(d)).to_le_bytes());
                }
            }
        }
        Some(m) => {
            for ((d, s), &m) in pixels.zip(m) {
                let (s, c) = (word(s), (alpha * u32::from(m) + 127) / 255);
                if c > 0 && s != 0 {
                    d.copy_from_slice(&over(scale(s, c), word(d)).to_le_bytes());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgba(r: u8, g: u8, b: u8, a: u8) -> u32 {
        u32::from_le_bytes([r, g, b, a])
    }

    #[test]
    fn division_by_255_rounds_to_nearest_everywhere() {
        for x in 0..=255 * 255u64 {
            let want = (x as f64 / 255.0).round() as u64;
            for lane in 0..4 {
                // The lane alone, and beside full neighbours that must not carry into it.
                let others = (0xfe01_fe01_fe01_fe01u64) & !(0xffff << (16 * lane));
                assert_eq!((div255_lanes(x << (16 * lane)) >> (16 * lane)) & 0xffff, want, "{x} in lane {lane}");
                assert_eq!(
                    (div255_lanes((x << (16 * lane)) | others) >> (16 * lane)) & 0xffff,
                    want,
                    "{x} in lane {lane}"
                );
            }
        }
    }

    #[test]
    fn scaling_a_pixel_scales_each_channel_rounded() {
        let mut x: u32 = 0x1234_5678;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let (p, c) = (x, x.rotate_left(11) & 0xff);
            let want = p.to_le_bytes().map(|b| ((u32::from(b) * c + 127) / 255) as u8);
            assert_eq!(scale(p, c).to_le_bytes(), want, "{p:08x} × {c}");
        }
    }

    #[test]
    fn source_over_matches_the_formula() {
        // (source, destination, expected): opaque, transparent, and half-covered sources.
        let cases = [
            (rgba(10, 20, 30, 255), rgba(200, 100, 50, 255), rgba(10, 20, 30, 255)),
            (0, rgba(200, 100, 50, 255), rgba(200, 100, 50, 255)),
            (rgba(64, 0, 32, 128), rgba(200, 100, 50, 255), rgba(64 + 100, 50, 32 + 25, 255)),
            (rgba(128, 128, 128, 128), 0, rgba(128, 128, 128, 128)),
        ];
        for (s, d, want) in cases {
            assert_eq!(over(s, d).to_le_bytes(), want.to_le_bytes(), "{s:08x} over {d:08x}");
        }
        assert_eq!(scale(rgba(255, 128, 0, 255), 128).to_le_bytes(), [128, 64, 0, 128]);
    }

    #[test]
    fn only_the_overlap_is_touched() {
        let mut dst = sk::Pixmap::new(8, 8).unwrap();
        dst.fill(sk::Color::from_rgba8(0, 0, 255, 255));
        let mut src = sk::Pixmap::new(4, 4).unwrap();
        src.fill(sk::Color::from_rgba8(255, 0, 0, 255));
        // The surface at (6, 6) hangs off the canvas; the rectangle reaches past both.
        source_over(&mut dst, &Kept::new(src), (6, 6), IntRect { x: 0, y: 0, w: 100, h: 100 }, 1.0, None);
        let red = dst.pixels().iter().filter(|p| p.red() == 255).count();
        assert_eq!(red, 4);
        assert_eq!(dst.pixel(7, 7).map(|p| p.red()), Some(255));
        assert_eq!(dst.pixel(5, 5).map(|p| p.blue()), Some(255));
    }

    #[test]
    fn rows_keep_the_runs_of_what_they_show() {
        let mut src = sk::Pixmap::new(64, 3).unwrap();
        let paint =
            sk::Paint { shader: sk::Shader::SolidColor(sk::Color::from_rgba8(255, 0, 0, 255)), ..Default::default() };
        // Row 1: opaque pixels 2–6, 10–11 and 40–41, half-transparent ones 12–14.
        for (x, w) in [(2.0, 5.0), (10.0, 2.0), (40.0, 2.0)] {
            let r = sk::Rect::from_xywh(x, 1.0, w, 1.0).unwrap();
            src.fill_rect(r, &paint, sk::Transform::identity(), None);
        }
        let half =
            sk::Paint { shader: sk::Shader::SolidColor(sk::Color::from_rgba8(0, 0, 255, 128)), ..Default::default() };
        src.fill_rect(sk::Rect::from_xywh(12.0, 1.0, 3.0, 1.0).unwrap(), &half, sk::Transform::identity(), None);
        let kept = Kept::new(src);
        let runs = |y| kept.runs(y).collect::<Vec<_>>();
        assert_eq!(runs(0), []);
        assert_eq!(runs(1), [(2, 7, true), (10, 12, true), (12, 15, false), (40, 42, true)]);
        assert_eq!(runs(2), []);
    }

    #[test]
    fn a_repaint_finds_the_runs_a_fresh_scan_finds() {
        let mut src = sk::Pixmap::new(40, 8).unwrap();
        let paint = |c| sk::Paint { shader: sk::Shader::SolidColor(c), ..Default::default() };
        let rect = |x, y, w, h| sk::Rect::from_xywh(x, y, w, h).unwrap();
        let (red, half) = (sk::Color::from_rgba8(255, 0, 0, 255), sk::Color::from_rgba8(0, 0, 255, 100));
        src.fill_rect(rect(2.0, 0.0, 30.0, 8.0), &paint(red), sk::Transform::identity(), None);
        let mut kept = Kept::new(src);
        // Rows 2–4 get a translucent hole and a run more; the rows around keep theirs.
        kept.repaint(IntRect { x: 5, y: 2, w: 30, h: 3 }, |pixmap, mask, _| {
            pixmap.fill_rect(rect(10.0, 0.0, 20.0, 8.0), &paint(half), sk::Transform::identity(), Some(&mask));
            Ok(())
        })
        .unwrap();
        let fresh = Kept::new(kept.pixmap.clone());
        for y in 0..8 {
            assert_eq!(kept.runs(y).collect::<Vec<_>>(), fresh.runs(y).collect::<Vec<_>>(), "row {y}");
        }
        assert_eq!(kept.runs(3).collect::<Vec<_>>(), [(2, 5, true), (10, 30, false)]);
    }
}
