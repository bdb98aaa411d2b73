//! Images resampled once: an image op draws a copy of its image made at the size and sub-pixel
//! position it lands at, kept between frames and composited at whole pixels.
//!
//! Resampling (tiny-skia's bilinear pattern: four texels and their weights a pixel) was most of
//! what rasterizing a rail of posters cost, and a poster lands at the same size every time its
//! tile is rasterized again — a rail's list cut anew when a picture starts or stops fading, a
//! surface rasterized past its margin, a page scrolled back. So every image op is drawn from a
//! [`Picture`]: the op at full opacity on a transparent pixmap just big enough for it, edges
//! anti-aliased, named by what fixes its pixels — the image (its serial, see
//! [`Images::serial`](crate::Images::serial)), the source rectangle, the size on the device
//! and the fraction of a pixel its corner lands at, to 1/[`STEPS`] px. The picture is then
//! composited at the op's whole-pixel position, faded by the op's opacity and the clip in force.
//!
//! Every image op is drawn this way, kept or not, so whether a picture was kept never changes a
//! pixel, and a picture depends only on its name, so an image draws the same wherever it lands
//! on the pixel grid. Pictures are kept within a byte budget, least recently used first; an op
//! whose picture would be larger than a 1080p screen (or that is mirrored) is drawn directly.

use std::collections::HashMap;

use marquee_display_list::Rect;
use tiny_skia as sk;

use crate::Error;
use crate::blit::{self, Coverage, Kept};

/// Steps a pixel is cut into to place a picture: its corner lands within 1/64 px of where the
/// op puts it, and the pictures of an image moving by fractions of a pixel are at most 64².
pub const STEPS: f32 = 64.0;

/// The largest picture, in bytes: a full-screen 1080p backdrop. An op whose picture would be
/// larger is drawn directly, whatever the budget (so the budget never changes a pixel).
const MAX_PICTURE: usize = 8 << 20;

/// What fixes a picture's pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Name {
    serial: u64,
    /// The source rectangle, as bits.
    src: [u32; 4],
    /// Width and height on the device, as bits.
    size: [u32; 2],
    /// Where the corner lands within its pixel, in [`STEPS`].
    at: [u8; 2],
}

struct Picture {
    kept: Kept,
    used: u64,
}

/// The pictures kept and their budget.
pub(crate) struct Resampled {
    kept: HashMap<Name, Picture>,
    bytes: usize,
    budget: usize,
    /// Counts draws, for least recently used.
    tick: u64,
}

/// Where the op lands: its picture's whole-pixel corner, the fraction of a pixel past it, its
/// size, and the picture's size in pixels.
struct Landing {
    corner: (i32, i32),
    at: [u8; 2],
    size: (f32, f32),
    pixels: (u32, u32),
}

impl Landing {
    /// Where `dst` lands under `t` (a scale and a translation), if upright and finite.
    fn of(dst: Rect, t: sk::Transform) -> Option<Landing> {
        let size = (t.sx * dst.w, t.sy * dst.h);
        let corner = (t.sx * dst.x + t.tx, t.sy * dst.y + t.ty);
        let finite = [size.0, size.1, corner.0, corner.1].iter().all(|v| v.is_finite() && v.abs() <= crate::MAX_COORD);
        if !(finite && size.0 > 0.0 && size.1 > 0.0) {
            return None;
        }
        // The whole pixel and the step within it, a step rounding up to the next pixel.
        let split = |v: f32| {
            let (whole, step) = (v.floor(), ((v - v.floor()) * STEPS).round());
            if step >= STEPS { (whole as i32 + 1, 0) } else { (whole as i32, step as u8) }
        };
        let ((x, ax), (y, ay)) = (split(corner.0), split(corner.1));
        let pixels = ((f32::from(ax) / STEPS + size.0).ceil() as u32, (f32::from(ay) / STEPS + size.1).ceil() as u32);
        Some(Landing { corner: (x, y), at: [ax, ay], size, pixels })
    }
}

impl Resampled {
    pub(crate) fn new(budget: usize) -> Resampled {
        Resampled { kept: HashMap::new(), bytes: 0, budget, tick: 0 }
    }

    /// Bytes of pictures kept.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(crate) fn set_budget(&mut self, budget: usize) {
        self.budget = budget;
        self.trim();
    }

    /// Draws `src` of `image` onto `dst` under `t` (a scale and a translation) onto `target`,
    /// faded by `opacity` and by `mask`; `serial` names the image, and
    /// without one the picture is not kept. Returns false, having drawn nothing, when the op
    /// cannot be drawn from a picture (mirrored, or larger than [`MAX_PICTURE`]): the caller
    /// draws it directly.
    pub(crate) fn draw(
        &mut self,
        target: &mut sk::Pixmap,
        (image, serial): (sk::PixmapRef<'_>, Option<u64>),
        (src, dst): (Rect, Rect),
        t: sk::Transform,
        (opacity, mask): (f32, Option<&sk::Mask>),
    ) -> Result<bool, Error> {
        let Some(land) = Landing::of(dst, t) else { return Ok(false) };
        let (w, h) = land.pixels;
        if (w as usize).saturating_mul(h as usize).saturating_mul(4) > MAX_PICTURE {
            return Ok(false);
        }
        let bounds = crate::IntRect { x: 0, y: 0, w: target.width() as i32, h: target.height() as i32 };
        let coverage = mask.map(Coverage::of);
        self.tick += 1;
        let name = serial.map(|serial| Name {
            serial,
            src: [src.x, src.y, src.w, src.h].map(f32::to_bits),
            size: [land.size.0.to_bits(), land.size.1.to_bits()],
            at: land.at,
        });
        if let Some(p) = name.and_then(|n| self.kept.get_mut(&n)) {
            p.used = self.tick;
            blit::source_over(target, &p.kept, land.corner, bounds, opacity, coverage);
            return Ok(true);
        }
        let made = picture(image, src, &land)?;
        blit::source_over(target, &made, land.corner, bounds, opacity, coverage);
        if let Some(n) = name
            && made.bytes() <= self.budget
        {
            self.bytes += made.bytes();
            self.kept.insert(n, Picture { kept: made, used: self.tick });
            self.trim();
        }
        Ok(true)
    }

    /// Drops the least recently used pictures until the kept ones fit the budget.
    fn trim(&mut self) {
        while self.bytes > self.budget {
            let Some((&name, _)) = self.kept.iter().min_by_key(|(_, p)| p.used) else { break };
            if let Some(p) = self.kept.remove(&name) {
                self.bytes -= p.kept.bytes();
            }
        }
    }
}

/// `src` of `image` resampled onto `land`'s rectangle in a pixmap of its own: bilinear, texels
/// past the image's edges clamped to them (as tiny-skia's pattern with `Pad`), and each pixel
/// the rectangle's edges cross scaled by how much of it the rectangle covers.
///
/// Two passes, each a pixel's four channels in one `u64` ([`blit::spread`](crate::blit)):
/// along each source row the two texels either side of every column, then down each column the
/// two rows either side of every row, weights in 256ths: a third or so faster than tiny-skia's
/// pipeline, which computes every pixel's texels and weights in floating point.
fn picture(image: sk::PixmapRef<'_>, src: Rect, land: &Landing) -> Result<Kept, Error> {
    let (w, h) = land.pixels;
    let mut pixmap = sk::Pixmap::new(w, h).ok_or(Error::BadSize { width: w, height: h })?;
    let offset = (f32::from(land.at[0]) / STEPS, f32::from(land.at[1]) / STEPS);
    let (iw, ih) = (image.width() as usize, image.height() as usize);
    let cols = taps(w, offset.0, land.size.0, (src.x, src.w), iw);
    let rows = taps(h, offset.1, land.size.1, (src.y, src.h), ih);
    let texels = image.data();
    let texel = |x: usize, y: usize| {
        let at = (y * iw + x) * 4;
        blit::spread(u32::from_le_bytes([texels[at], texels[at + 1], texels[at + 2], texels[at + 3]]))
    };
    // Source row `y` resampled along: one pixel a column.
    let along = |y: usize, out: &mut Vec<u64>| {
        out.clear();
        out.extend(cols.iter().map(|t| blit::lerp_lanes(texel(t.first, y), texel(t.second, y), t.weight)));
    };
    // The two source rows the last output row read, resampled along, by their index.
    let (mut upper, mut lower): ((usize, Vec<u64>), (usize, Vec<u64>)) =
        ((usize::MAX, Vec::new()), (usize::MAX, Vec::new()));
    let out = pixmap.data_mut();
    for (y, row) in rows.iter().enumerate() {
        if upper.0 != row.first {
            if lower.0 == row.first {
                std::mem::swap(&mut upper, &mut lower);
            } else {
                along(row.first, &mut upper.1);
                upper.0 = row.first;
            }
        }
        if lower.0 != row.second {
            along(row.second, &mut lower.1);
            lower.0 = row.second;
        }
        let line = &mut out[y * w as usize * 4..(y + 1) * w as usize * 4];
        for ((px, col), (a, b)) in line.chunks_exact_mut(4).zip(&cols).zip(upper.1.iter().zip(&lower.1)) {
            let mut v = blit::lerp_lanes(*a, *b, row.weight);
            let cover = (col.cover * row.cover + 127) / 255;
            if cover < 255 {
                v = blit::scale_lanes(v, cover);
            }
            px.copy_from_slice(&blit::gather(v).to_le_bytes());
        }
    }
    Ok(Kept::new(pixmap))
}

/// Where one output column (or row) reads: two texels and the second's weight, in 256ths, and
/// how much of it the rectangle covers, in 255ths.
struct Tap {
    first: usize,
    second: usize,
    weight: u32,
    cover: u32,
}

/// The taps of `n` output pixels showing source span `(start, length)` of a `texels`-long side
/// over `size` pixels from `offset`.
fn taps(n: u32, offset: f32, size: f32, (start, length): (f32, f32), texels: usize) -> Vec<Tap> {
    let step = length / size;
    let last = texels.saturating_sub(1) as f32;
    (0..n)
        .map(|i| {
            let i = i as f32;
            // The source point under the pixel's centre, less half a texel: between texel
            // centres `first` and `first + 1`.
            let u = (i + 0.5 - offset) * step + start - 0.5;
            let f = u.floor();
            let weight = ((u - f) * 256.0).round() as u32;
            let cover = ((i + 1.0).min(offset + size) - i.max(offset)).clamp(0.0, 1.0);
            Tap {
                first: f.clamp(0.0, last) as usize,
                second: (f + 1.0).clamp(0.0, last) as usize,
                weight,
                cover: (cover * 255.0).round() as u32,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checker(w: u32, h: u32) -> sk::Pixmap {
        let mut p = sk::Pixmap::new(w, h).unwrap();
        for (i, px) in p.pixels_mut().iter_mut().enumerate() {
            let (x, y) = (i as u32 % w, i as u32 / w);
            let v = if (x / 3 + y / 3) % 2 == 0 { 255 } else { 40 };
            *px = sk::PremultipliedColorU8::from_rgba(v, 255 - v, 90, 255).unwrap();
        }
        p
    }

    /// Draws `image` into a fresh 64×64 target at (`x`, `y`), through `pictures`.
    fn drawn(pictures: &mut Resampled, image: &sk::Pixmap, serial: Option<u64>, x: f32, y: f32) -> sk::Pixmap {
        let mut target = sk::Pixmap::new(64, 64).unwrap();
        let src = Rect::new(1.0, 2.0, 30.0, 20.0);
        let dst = Rect::new(0.0, 0.0, 23.5, 15.25);
        let t = sk::Transform::from_translate(x, y);
        assert!(pictures.draw(&mut target, (image.as_ref(), serial), (src, dst), t, (1.0, None)).unwrap());
        target
    }

    #[test]
    fn a_kept_picture_draws_the_pixels_a_fresh_one_does_wherever_it_lands() {
        let image = checker(32, 24);
        let mut pictures = Resampled::new(32 << 20);
        let first = drawn(&mut pictures, &image, Some(1), 3.25, 4.5);
        assert_eq!(pictures.kept.len(), 1);
        // Drawn again, from the kept picture, and drawn without keeping one.
        assert_eq!(drawn(&mut pictures, &image, Some(1), 3.25, 4.5).data(), first.data());
        assert_eq!(drawn(&mut Resampled::new(32 << 20), &image, None, 3.25, 4.5).data(), first.data());
        // Whole pixels further on, the same picture lands whole pixels further on.
        let moved = drawn(&mut pictures, &image, Some(1), 13.25, 6.5);
        assert_eq!(pictures.kept.len(), 1, "the same picture");
        for y in 0..40 {
            for x in 0..40 {
                assert_eq!(moved.pixel(x + 10, y + 2), first.pixel(x, y), "({x}, {y})");
            }
        }
        // Another fraction of a pixel is another picture.
        drawn(&mut pictures, &image, Some(1), 3.75, 4.5);
        assert_eq!(pictures.kept.len(), 2);
    }

    #[test]
    fn pictures_stay_within_the_budget_and_huge_or_mirrored_ops_are_left_to_the_caller() {
        let image = checker(32, 24);
        // Each picture is 25 × 17 pixels (1,700 bytes): three fit.
        let mut pictures = Resampled::new(3 * 1700 + 100);
        for serial in 0..10 {
            drawn(&mut pictures, &image, Some(serial), 0.0, 0.0);
            assert!(pictures.bytes() <= 3 * 1700 + 100);
        }
        assert_eq!(pictures.kept.len(), 3);
        assert!(pictures.kept.keys().all(|n| n.serial >= 7), "the least recently used went");

        let mut target = sk::Pixmap::new(8, 8).unwrap();
        let src = Rect::new(0.0, 0.0, 32.0, 24.0);
        let mut big = Resampled::new(32 << 20);
        let huge = Rect::new(0.0, 0.0, 5000.0, 5000.0);
        let t = sk::Transform::identity();
        assert!(!big.draw(&mut target, (image.as_ref(), Some(1)), (src, huge), t, (1.0, None)).unwrap());
        let mirrored = sk::Transform::from_row(-1.0, 0.0, 0.0, 1.0, 8.0, 0.0);
        let small = Rect::new(0.0, 0.0, 4.0, 4.0);
        assert!(!big.draw(&mut target, (image.as_ref(), Some(1)), (src, small), mirrored, (1.0, None)).unwrap());
        assert!(target.data().iter().all(|&b| b == 0), "nothing drawn");
    }

    /// The resampler is tiny-skia's bilinear pattern with anti-aliased edges, within rounding.
    #[test]
    fn pictures_match_tiny_skias_bilinear_pattern_within_rounding() {
        let mut image = sk::Pixmap::new(32, 24).unwrap();
        for (i, px) in image.pixels_mut().iter_mut().enumerate() {
            let (x, y) = (i as u32 % 32, i as u32 / 32);
            let a = if (x + y) % 7 == 0 { 128 } else { 255 };
            let c = |v: u32| (v * a / 255) as u8;
            *px = sk::PremultipliedColorU8::from_rgba(c(x * 8), c(y * 10), c((x * y) % 256), a as u8).unwrap();
        }
        // Down, up, stretched, a part of the image, off the pixel grid.
        let cases = [
            (Rect::new(0.0, 0.0, 32.0, 24.0), 24.0, 18.0, 0.0, 0.0),
            (Rect::new(0.0, 0.0, 32.0, 24.0), 45.0, 40.0, 0.25, 0.5),
            (Rect::new(3.5, 2.0, 20.0, 12.0), 30.0, 9.5, 0.75, 0.125),
        ];
        for (src, w, h, x, y) in cases {
            let land = Landing::of(Rect::new(x, y, w, h), sk::Transform::identity()).unwrap();
            let ours = picture(image.as_ref(), src, &land).unwrap();
            let mut theirs = sk::Pixmap::new(land.pixels.0, land.pixels.1).unwrap();
            let (sx, sy) = (w / src.w, h / src.h);
            let to = sk::Transform::from_row(sx, 0.0, 0.0, sy, x - src.x * sx, y - src.y * sy);
            let shader = sk::Pattern::new(image.as_ref(), sk::SpreadMode::Pad, sk::FilterQuality::Bilinear, 1.0, to);
            let paint = sk::Paint { shader, anti_alias: true, ..sk::Paint::default() };
            theirs.fill_rect(sk::Rect::from_xywh(x, y, w, h).unwrap(), &paint, sk::Transform::identity(), None);
            let worst = ours.pixmap.data().iter().zip(theirs.data()).map(|(a, b)| a.abs_diff(*b)).max().unwrap();
            assert!(worst <= 3, "{src:?} onto {w}×{h} at ({x}, {y}): {worst} levels apart");
        }
    }
}
