//! Glyph masks: rasterized from the fonts' outlines as cosmic-text's `SwashCache` rasterizes
//! them — the same swash calls, so the same pixels — and kept in a bounded cache.
//!
//! One scaler draws every glyph of a run that shares a font, weight, size and flags, where
//! `SwashCache` builds one a glyph: building a scaler reads the font's outline tables (a CFF
//! font's dictionaries and subroutine index), which took more of a frame than drawing the
//! glyphs themselves when a caption scales in or out of focus (a new size, so new masks, every
//! frame of the animation).

use cosmic_text::{CacheKey, CacheKeyFlags, FontSystem, SwashImage};
use rustc_hash::FxHashMap as HashMap;
use swash::scale::{Render, ScaleContext, Source, StrikeWith};
use swash::zeno::{Angle, Format, Transform, Vector};

/// Draws glyph masks, keeping swash's scaling context (its buffers) from one call to the next.
#[derive(Default)]
pub(crate) struct Rasterizer {
    context: ScaleContext,
}

impl Rasterizer {
    /// Rasterizes `keys`, handing each one's mask (`None`: its font is gone or it draws
    /// nothing) to `out`; consecutive keys of one run (see [`same_run`]) share a scaler.
    pub(crate) fn rasterize(
        &mut self,
        fonts: &mut FontSystem,
        keys: &[CacheKey],
        out: &mut dyn FnMut(CacheKey, Option<SwashImage>),
    ) {
        for run in keys.chunk_by(same_run) {
            let first = run[0];
            let Some(font) = fonts.get_font(first.font_id, first.font_weight) else {
                run.iter().for_each(|key| out(*key, None));
                continue;
            };
            let font = font.as_swash();
            let weight = swash::Tag::from_be_bytes(*b"wght");
            let mut builder = self
                .context
                .builder(font)
                .size(f32::from_bits(first.font_size_bits))
                .hint(!first.flags.contains(CacheKeyFlags::DISABLE_HINTING));
            if let Some(axis) = font.variations().find_by_tag(weight) {
                let value = f32::from(first.font_weight.0).clamp(axis.min_value(), axis.max_value());
                builder = builder.normalized_coords(font.variations().normalized_coords([(weight, value)]));
            }
            let mut scaler = builder.build();
            for key in run {
                out(*key, render(&mut scaler, key));
            }
        }
    }

    /// One glyph's mask.
    pub(crate) fn one(&mut self, fonts: &mut FontSystem, key: CacheKey) -> Option<SwashImage> {
        let mut mask = None;
        self.rasterize(fonts, &[key], &mut |_, m| mask = m);
        mask
    }
}

/// Whether two glyphs are drawn by one scaler: the same font, weight, size and flags.
pub(crate) fn same_run(a: &CacheKey, b: &CacheKey) -> bool {
    (a.font_id, a.font_weight, a.font_size_bits, a.flags) == (b.font_id, b.font_weight, b.font_size_bits, b.flags)
}

/// `key`'s glyph drawn by `scaler` (made for its run), as `SwashCache` draws it.
fn render(scaler: &mut swash::scale::Scaler<'_>, key: &CacheKey) -> Option<SwashImage> {
    let offset = if key.flags.contains(CacheKeyFlags::PIXEL_FONT) {
        Vector::new(key.x_bin.as_float().round(), key.y_bin.as_float().round())
    } else {
        Vector::new(key.x_bin.as_float(), key.y_bin.as_float())
    };
    let italic = key
        .flags
        .contains(CacheKeyFlags::FAKE_ITALIC)
        .then(|| Transform::skew(Angle::from_degrees(14.0), Angle::from_degrees(0.0)));
    // Colour outlines first, then colour bitmaps, then plain outlines.
    Render::new(&[Source::ColorOutline(0), Source::ColorBitmap(StrikeWith::BestFit), Source::Outline])
        .format(Format::Alpha)
        .offset(offset)
        .transform(italic)
        .render(scaler, key.glyph_id)
}

/// Glyph masks by cache key, in two generations: a lookup moves a mask from the old generation
/// to the new, and when the new one is full the old one is dropped, so the masks still in use
/// stay and the cache never holds much more than its cap. Keys are hashed with
/// FxHash, not SipHash: they are looked up for every glyph drawn, and a key an app could aim
/// at another's only slows its own text, in a cache of bounded size.
pub(crate) struct GlyphCache {
    new: HashMap<CacheKey, Option<SwashImage>>,
    old: HashMap<CacheKey, Option<SwashImage>>,
    new_bytes: usize,
    /// The most mask bytes held, about.
    cap: usize,
}

impl GlyphCache {
    /// An empty cache of at most about `cap` bytes of masks.
    pub(crate) fn new(cap: usize) -> GlyphCache {
        GlyphCache { new: HashMap::default(), old: HashMap::default(), new_bytes: 0, cap }
    }

    /// Whether `key`'s mask is held.
    pub(crate) fn holds(&self, key: &CacheKey) -> bool {
        self.new.contains_key(key) || self.old.contains_key(key)
    }

    /// `key`'s mask, from `raster` if it is not held.
    pub(crate) fn get(&mut self, key: CacheKey, raster: impl FnOnce() -> Option<SwashImage>) -> Option<&SwashImage> {
        if !self.new.contains_key(&key) {
            let image = match self.old.remove(&key) {
                Some(image) => image,
                None => raster(),
            };
            self.put(key, image);
        }
        self.new.get(&key)?.as_ref()
    }

    /// Holds `image` as `key`'s mask, in the new generation.
    pub(crate) fn put(&mut self, key: CacheKey, image: Option<SwashImage>) {
        let bytes = image.as_ref().map_or(0, |i| i.data.len()) + 64;
        if self.new_bytes + bytes > self.cap / 2 {
            self.old = std::mem::take(&mut self.new);
            self.new_bytes = 0;
        }
        self.new_bytes += bytes;
        self.new.insert(key, image);
    }

    /// Mask bytes held.
    pub(crate) fn bytes(&self) -> usize {
        let held = |m: &HashMap<CacheKey, Option<SwashImage>>| {
            m.values().map(|i| i.as_ref().map_or(0, |i| i.data.len())).sum::<usize>()
        };
        held(&self.new) + held(&self.old)
    }
}

#[cfg(test)]
mod tests {
    use cosmic_text::{Attrs, Buffer, Metrics, Shaping, SwashCache};

    use super::*;

    /// The masks must be cosmic-text's, pixel for pixel: the GPU backend's and the CPU
    /// compositor's goldens were drawn with them.
    #[test]
    fn a_scaler_shared_by_a_run_draws_what_cosmic_texts_cache_draws_a_glyph_at_a_time() {
        let mut text = crate::TextSystem::new();
        let fonts = &mut text.fonts;
        let mut buffer = Buffer::new(fonts, Metrics::new(18.0, 22.0));
        buffer.set_text("Title 0-5, مرحبا, 你好", &Attrs::new(), Shaping::Advanced, None);
        buffer.shape_until_scroll(fonts, false);
        // Two fonts (the CJK fallback), three sizes (a caption scaling into focus), a fraction
        // of a pixel of offset.
        let mut keys = Vec::new();
        for scale in [1.0, 1.03, 1.06] {
            for line in buffer.layout_runs() {
                keys.extend(line.glyphs.iter().map(|g| g.physical((0.3, 0.6), scale).cache_key));
            }
        }
        let mut shared = Vec::new();
        Rasterizer::default().rasterize(fonts, &keys, &mut |key, mask| shared.push((key, mask)));
        assert_eq!(shared.len(), keys.len());
        assert!(keys.chunk_by(same_run).count() >= 6, "runs of each font at each size");
        let mut swash = SwashCache::new();
        let drawn = |mask: Option<SwashImage>| {
            mask.map(|m| (m.content, m.placement.left, m.placement.top, m.placement.width, m.placement.height, m.data))
        };
        let inked = shared.iter().filter(|(_, m)| m.as_ref().is_some_and(|m| m.data.iter().any(|&a| a > 0))).count();
        assert!(inked * 10 >= keys.len() * 8, "only {inked} of {} glyphs have ink", keys.len());
        for (key, mask) in shared {
            let alone = swash.get_image_uncached(fonts, key);
            assert!(drawn(mask) == drawn(alone), "glyph {key:?} differs");
        }
    }
}
