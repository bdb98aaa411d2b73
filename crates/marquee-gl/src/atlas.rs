//! The glyph atlas: one texture holding the glyphs a frame draws, each uploaded once.
//!
//! The text service hands a backend each glyph already rasterized and placed (`Glyphs`), so a
//! glyph is known by its pixels: the same glyph at the same size and sub-pixel offset gives the
//! same mask, and the atlas keys entries by a hash of the mask. Glyphs are packed in shelves
//! (rows as tall as their tallest glyph); when a glyph does not fit, the renderer draws what is
//! pending and the atlas starts over empty, so the glyphs of one frame never wait on another's.
//! Coverage masks are stored as premultiplied white (the shader multiplies in the text colour)
//! and colour glyphs (emoji) as premultiplied RGBA, so one RGBA texture holds both.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use marquee_display_list::text::{GlyphFormat, GlyphMask};

/// The atlas's side in pixels (or the device's largest texture, if smaller).
pub(crate) const SIDE: u32 = 1024;

/// Room left around each glyph, so linear filtering never reads a neighbour.
const PAD: u32 = 1;

/// Where a glyph sits in the atlas, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    pub(crate) x: u32,
    pub(crate) y: u32,
}

/// A shelf: a row of glyphs `height` tall, filled left to right up to `used`.
struct Shelf {
    y: u32,
    height: u32,
    used: u32,
}

/// The packing and the entries of the atlas texture (the texture is the renderer's).
pub(crate) struct Atlas {
    side: u32,
    shelves: Vec<Shelf>,
    entries: HashMap<u64, Slot>,
}

/// What placing a glyph gave.
pub(crate) enum Placed {
    /// Already there.
    Found(Slot),
    /// Newly placed: upload these premultiplied RGBA pixels at the slot.
    New(Slot, Vec<u8>),
    /// No room: empty the atlas and try again.
    Full,
    /// Larger than the atlas itself, or malformed: not drawn.
    Unfit,
}

impl Atlas {
    pub(crate) fn new(side: u32) -> Atlas {
        Atlas { side, shelves: Vec::new(), entries: HashMap::new() }
    }

    pub(crate) fn side(&self) -> u32 {
        self.side
    }

    /// Forgets every glyph (the texture's pixels stay until overwritten).
    pub(crate) fn clear(&mut self) {
        self.shelves.clear();
        self.entries.clear();
    }

    /// Finds or places `glyph`.
    pub(crate) fn place(&mut self, glyph: &GlyphMask<'_>) -> Placed {
        let (w, h) = (glyph.width, glyph.height);
        let bytes = match glyph.format {
            GlyphFormat::Alpha => 1,
            GlyphFormat::Rgba => 4,
        };
        if w == 0 || h == 0 || w + 2 * PAD > self.side || h + 2 * PAD > self.side {
            return Placed::Unfit;
        }
        if glyph.data.len() != (w as usize) * (h as usize) * bytes {
            return Placed::Unfit;
        }
        let key = key(glyph);
        if let Some(slot) = self.entries.get(&key) {
            return Placed::Found(*slot);
        }
        let Some(slot) = self.pack(w + 2 * PAD, h + 2 * PAD) else { return Placed::Full };
        let slot = Slot { x: slot.x + PAD, y: slot.y + PAD };
        self.entries.insert(key, slot);
        Placed::New(slot, rgba(glyph))
    }

    /// A free rectangle of `w × h`: on the first shelf tall enough (and not much taller) with
    /// room, else on a new shelf.
    fn pack(&mut self, w: u32, h: u32) -> Option<Slot> {
        for shelf in &mut self.shelves {
            if h <= shelf.height && h * 4 >= shelf.height * 3 && shelf.used + w <= self.side {
                let slot = Slot { x: shelf.used, y: shelf.y };
                shelf.used += w;
                return Some(slot);
            }
        }
        let y = self.shelves.last().map_or(0, |s| s.y + s.height);
        if y + h > self.side {
            return None;
        }
        self.shelves.push(Shelf { y, height: h, used: w });
        Some(Slot { x: 0, y })
    }
}

/// The glyph's identity: its format, size and pixels.
fn key(glyph: &GlyphMask<'_>) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (glyph.format == GlyphFormat::Rgba, glyph.width, glyph.height).hash(&mut h);
    glyph.data.hash(&mut h);
    h.finish()
}

/// The glyph as premultiplied RGBA: a coverage mask as white, a colour glyph premultiplied.
fn rgba(glyph: &GlyphMask<'_>) -> Vec<u8> {
    match glyph.format {
        GlyphFormat::Alpha => glyph.data.iter().flat_map(|&a| [a, a, a, a]).collect(),
        GlyphFormat::Rgba => glyph
            .data
            .chunks_exact(4)
            .flat_map(|p| {
                let a = u16::from(p[3]);
                let m = |c: u8| ((u16::from(c) * a + 127) / 255) as u8;
                [m(p[0]), m(p[1]), m(p[2]), p[3]]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(width: u32, height: u32, value: u8) -> Vec<u8> {
        vec![value; (width * height) as usize]
    }

    fn glyph(data: &[u8], width: u32, height: u32) -> GlyphMask<'_> {
        GlyphMask { x: 0, y: 0, width, height, format: GlyphFormat::Alpha, data }
    }

    #[test]
    fn a_glyph_is_placed_once_and_found_after() {
        let mut atlas = Atlas::new(64);
        let a = mask(10, 12, 200);
        let Placed::New(slot, pixels) = atlas.place(&glyph(&a, 10, 12)) else { panic!("not placed") };
        assert_eq!(pixels.len(), 10 * 12 * 4);
        assert_eq!(&pixels[..4], &[200, 200, 200, 200]);
        assert!(matches!(atlas.place(&glyph(&a, 10, 12)), Placed::Found(s) if s == slot));
        // Other pixels are another glyph.
        let b = mask(10, 12, 100);
        assert!(matches!(atlas.place(&glyph(&b, 10, 12)), Placed::New(s, _) if s != slot));
    }

    #[test]
    fn a_full_atlas_says_so_and_starts_over() {
        let mut atlas = Atlas::new(32);
        let mut placed = 0;
        loop {
            let data = mask(8, 8, placed as u8);
            match atlas.place(&glyph(&data, 8, 8)) {
                Placed::New(..) => placed += 1,
                Placed::Full => break,
                _ => panic!("an 8x8 glyph fits a 32x32 atlas"),
            }
        }
        // 10x10 cells with their padding: three a row, three rows.
        assert_eq!(placed, 9);
        atlas.clear();
        assert!(matches!(atlas.place(&glyph(&mask(8, 8, 0), 8, 8)), Placed::New(..)));
        assert!(matches!(atlas.place(&glyph(&mask(40, 8, 0), 40, 8)), Placed::Unfit));
        assert!(matches!(atlas.place(&glyph(&[1, 2, 3], 8, 8)), Placed::Unfit), "too few bytes");
    }
}
