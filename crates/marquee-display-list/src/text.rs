//! Text: the contract between the engine, the host's text service and the backends.
//!
//! The engine carries no font code (fonts, shaping, bidi and line breaking would triple the size
//! of `engine.wasm`). Each text node's content and style go to the host's text service as a
//! [`Paragraph`] under a handle, the node's id; during layout the engine asks the service how big
//! the paragraph is at a width ([`TextLayout::measure`]), and paint emits an `Op::Text` with the
//! handle and the box. A backend then asks the same service for the paragraph's glyphs at that
//! box's width ([`Glyphs`]). Because the native engine, `engine.wasm` and `engine.js` all talk to
//! the same service, text lays out identically in each.
//!
//! In Wasm the paragraph crosses the boundary in the binary form below (`Paragraph::encode`);
//! natively the service receives it as a value.
//!
//! ```text
//! paragraph := size:f32 line_height:f32 letter_spacing:f32 max_lines:u32 weight:u16 align:u8
//!              flags:u8 family_len:u16 family[family_len] text[rest]     (flags: 1 italic, 2 ellipsis)
//! ```

use crate::Error;

/// Where lines sit horizontally in their box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum TextAlign {
    /// At the start of the paragraph's direction: left for Latin, right for Arabic and Hebrew.
    #[default]
    Start = 0,
    /// Centred.
    Center = 1,
    /// At the end of the paragraph's direction.
    End = 2,
    /// At the left, whatever the direction.
    Left = 3,
    /// At the right, whatever the direction.
    Right = 4,
}

impl TextAlign {
    /// Every alignment, in wire order.
    pub const ALL: [TextAlign; 5] =
        [TextAlign::Start, TextAlign::Center, TextAlign::End, TextAlign::Left, TextAlign::Right];
}

/// How a paragraph is set: everything but the family and the text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    /// Font size in logical pixels.
    pub size: f32,
    /// Line height as a multiple of the size.
    pub line_height: f32,
    /// Extra space after each character, in logical pixels.
    pub letter_spacing: f32,
    /// The most lines shown; 0 for no limit.
    pub max_lines: u32,
    /// Font weight, 100–900.
    pub weight: u16,
    /// Horizontal alignment.
    pub align: TextAlign,
    /// Italic (or oblique) face.
    pub italic: bool,
    /// End the last shown line with "…" when lines were cut.
    pub ellipsis: bool,
}

impl Default for TextStyle {
    /// CSS's defaults: 16 px, `normal` line height (1.2), weight 400, start-aligned.
    fn default() -> Self {
        TextStyle {
            size: 16.0,
            line_height: 1.2,
            letter_spacing: 0.0,
            max_lines: 0,
            weight: 400,
            align: TextAlign::Start,
            italic: false,
            ellipsis: false,
        }
    }
}

/// One text node's content as the text service sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paragraph<'a> {
    /// The font family's name; empty, or a family the service does not have, means its default.
    pub family: &'a str,
    /// The text, UTF-8. A newline starts a new line.
    pub text: &'a str,
    /// How it is set.
    pub style: TextStyle,
}

const FIXED_LEN: usize = 22;

impl<'a> Paragraph<'a> {
    /// Appends the binary form to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let s = &self.style;
        let flags = u8::from(s.italic) | u8::from(s.ellipsis) << 1;
        // Family names are short; a longer one is cut at a character boundary rather than refused.
        let mut family_len = self.family.len().min(u16::MAX as usize);
        while !self.family.is_char_boundary(family_len) {
            family_len -= 1;
        }
        out.reserve(FIXED_LEN + family_len + self.text.len());
        for v in [s.size, s.line_height, s.letter_spacing] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&s.max_lines.to_le_bytes());
        out.extend_from_slice(&s.weight.to_le_bytes());
        out.extend_from_slice(&[s.align as u8, flags]);
        out.extend_from_slice(&(family_len as u16).to_le_bytes());
        out.extend_from_slice(&self.family.as_bytes()[..family_len]);
        out.extend_from_slice(self.text.as_bytes());
    }

    /// Reads the binary form, checking every field: the bytes come out of a guest.
    pub fn decode(bytes: &'a [u8]) -> Result<Paragraph<'a>, Error> {
        let bad = |reason| Error::BadText { reason };
        if bytes.len() < FIXED_LEN {
            return Err(Error::Truncated { offset: bytes.len() });
        }
        let f32_at = |i: usize| f32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let (size, line_height, letter_spacing) = (f32_at(0), f32_at(4), f32_at(8));
        let max_lines = u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]);
        let weight = u16::from_le_bytes([bytes[16], bytes[17]]);
        let align = *TextAlign::ALL.get(bytes[18] as usize).ok_or(bad("unknown alignment"))?;
        let flags = bytes[19];
        let family_len = u16::from_le_bytes([bytes[20], bytes[21]]) as usize;
        if !(size.is_finite() && size > 0.0 && size <= 4096.0) {
            return Err(bad("font size outside (0, 4096]"));
        }
        if !(0.0..=100.0).contains(&line_height) {
            return Err(bad("line height outside [0, 100]"));
        }
        if !(letter_spacing.is_finite() && letter_spacing.abs() <= 4096.0) {
            return Err(bad("letter spacing outside [-4096, 4096]"));
        }
        if !(1..=1000).contains(&weight) || flags > 3 {
            return Err(bad("weight or flags out of range"));
        }
        let rest = &bytes[FIXED_LEN..];
        let Some((family, text)) = rest.split_at_checked(family_len) else {
            return Err(Error::Truncated { offset: bytes.len() });
        };
        let utf8 = |b| std::str::from_utf8(b).map_err(|_| bad("not UTF-8"));
        Ok(Paragraph {
            family: utf8(family)?,
            text: utf8(text)?,
            style: TextStyle {
                size,
                line_height,
                letter_spacing,
                max_lines,
                weight,
                align,
                italic: flags & 1 != 0,
                ellipsis: flags & 2 != 0,
            },
        })
    }
}

/// A paragraph's size at a width, in logical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TextSize {
    /// The widest line.
    pub width: f32,
    /// All shown lines.
    pub height: f32,
}

/// What the engine needs from the text service: keep paragraphs by handle, and measure them.
///
/// Answers must depend only on the paragraphs and the widths asked for (and the fonts), never
/// on the order or number of calls: the engine may cache them, and the native and Wasm engines
/// ask in different patterns.
pub trait TextLayout {
    /// Stores (or replaces) the paragraph under `run`.
    fn set(&mut self, run: u32, paragraph: &Paragraph<'_>);
    /// Forgets the paragraph under `run`; unknown handles are ignored.
    fn remove(&mut self, run: u32);
    /// The paragraph's size when its lines may be at most `max_width` wide (`f32::INFINITY`: no
    /// limit; 0: break at every opportunity). An unknown handle measures as zero.
    fn measure(&mut self, run: u32, max_width: f32) -> TextSize;
}

/// A text service that knows no fonts: every paragraph measures as zero. The engine's default,
/// so that a host without text still runs everything else.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoText;

impl TextLayout for NoText {
    fn set(&mut self, _: u32, _: &Paragraph<'_>) {}
    fn remove(&mut self, _: u32) {}
    fn measure(&mut self, _: u32, _: f32) -> TextSize {
        TextSize::default()
    }
}

/// How a glyph's pixels are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlyphFormat {
    /// One coverage byte per pixel, to be filled with the text colour.
    Alpha,
    /// Four bytes per pixel, straight RGBA (colour emoji), drawn as they are.
    Rgba,
}

/// One rasterized glyph, placed in device pixels.
#[derive(Debug, Clone, Copy)]
pub struct GlyphMask<'a> {
    /// Left edge, device pixels.
    pub x: i32,
    /// Top edge, device pixels.
    pub y: i32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Pixel format of `data`.
    pub format: GlyphFormat,
    /// `width × height` pixels, rows top to bottom.
    pub data: &'a [u8],
}

/// Which paragraph a backend wants drawn, and where: paragraph `run` laid out at `width`, its
/// box's top-left at `origin` (device pixels), `scale` device pixels per logical pixel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// The paragraph's handle.
    pub run: u32,
    /// The width it is laid out at, in logical pixels.
    pub width: f32,
    /// Its box's top-left, in device pixels.
    pub origin: [f32; 2],
    /// Device pixels per logical pixel.
    pub scale: f32,
}

/// What a backend needs from the text service: the glyphs of a paragraph, ready to composite.
pub trait Glyphs {
    /// Calls `sink` with each glyph of the paragraph placed `at`. Returns false if the handle is
    /// unknown.
    fn glyphs(&mut self, at: Placement, sink: &mut dyn FnMut(GlyphMask<'_>)) -> bool;

    /// The paragraph's revision: it changes whenever its text or style does, and never repeats
    /// in a process (a new engine instance reuses handles). A text op names its paragraph, not
    /// its text, so what a backend keeps of a text op's pixels is good only while this is the
    /// same. 0 for a service that keeps none (nothing to tell apart).
    fn revision(&self, run: u32) -> u64 {
        let _ = run;
        0
    }
}

/// No text service: text operations are skipped.
pub struct NoGlyphs;

impl Glyphs for NoGlyphs {
    fn glyphs(&mut self, _: Placement, _: &mut dyn FnMut(GlyphMask<'_>)) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paragraph_survives_its_binary_form() {
        let p = Paragraph {
            family: "Inter",
            text: "שלום, world — 你好",
            style: TextStyle { max_lines: 2, ellipsis: true, align: TextAlign::End, ..TextStyle::default() },
        };
        let mut bytes = Vec::new();
        p.encode(&mut bytes);
        assert_eq!(Paragraph::decode(&bytes), Ok(p));
    }

    #[test]
    fn bad_paragraphs_are_refused() {
        let mut good = Vec::new();
        Paragraph { family: "Inter", text: "hi", style: TextStyle::default() }.encode(&mut good);
        for (at, byte, reason) in [(3, 0xff, "size"), (18, 9, "align"), (19, 8, "flags"), (21, 0xff, "length")] {
            let mut b = good.clone();
            b[at] = byte;
            assert!(Paragraph::decode(&b).is_err(), "{reason}");
        }
        let mut b = good.clone();
        *b.last_mut().unwrap() = 0xff;
        assert_eq!(Paragraph::decode(&b), Err(Error::BadText { reason: "not UTF-8" }));
        assert!(Paragraph::decode(&good[..10]).is_err());
    }
}
