//! PNG and JPEG to premultiplied RGBA, with the size checked before anything is allocated.
//!
//! The format is told by the first bytes, never by a file name or a content type, which lie.
//! Both decoders read the header first; its width and height are checked against [`Limits`]
//! and only then is the output buffer allocated, so a 1 KB file claiming 100 000 × 100 000
//! pixels is rejected as `too-many-pixels` having cost nothing. The decoders' own allocation
//! limits stay on as a second fence. Given a [`PixelBudget`], the pixels are also reserved
//! against it from the header, so a host's decoded images never exceed its cap, not even for a
//! moment while a load is on its way.

use std::io::Cursor;

use marquee_protocol::ImageError;
use zune_jpeg::JpegDecoder;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;

use crate::{Error, Image, Limits, PixelBudget};

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG_MAGIC: &[u8] = &[0xff, 0xd8, 0xff];

/// Decodes a PNG or JPEG file held in memory.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Image, Error> {
    decode_within(bytes, limits, None)
}

/// Decodes a PNG or JPEG file, first reserving its pixels in `budget` (if any). On success the
/// image's [`bytes`](Image::bytes) stay reserved until the caller gives them back; on failure
/// nothing stays reserved.
pub fn decode_within(bytes: &[u8], limits: &Limits, budget: Option<&PixelBudget>) -> Result<Image, Error> {
    let mut reserved = Reserved { budget, bytes: 0 };
    let image = decode_reserving(bytes, limits, &mut reserved)?;
    reserved.bytes = 0; // the image holds them now
    Ok(image)
}

/// Pixels reserved for an image being decoded; given back if the decode fails.
struct Reserved<'a> {
    budget: Option<&'a PixelBudget>,
    bytes: u64,
}

impl Reserved<'_> {
    fn take(&mut self, width: u64, height: u64) -> Result<(), Error> {
        if let Some(budget) = self.budget {
            budget.reserve(width * height * 4)?;
            self.bytes = width * height * 4;
        }
        Ok(())
    }
}

impl Drop for Reserved<'_> {
    fn drop(&mut self) {
        if let Some(budget) = self.budget {
            budget.give_back(self.bytes);
        }
    }
}

fn decode_reserving(bytes: &[u8], limits: &Limits, reserved: &mut Reserved<'_>) -> Result<Image, Error> {
    if bytes.len() as u64 > limits.max_encoded_bytes {
        return Err(Error::new(
            ImageError::TooLarge,
            format!("{} bytes, over the limit of {}", bytes.len(), limits.max_encoded_bytes),
        ));
    }
    if bytes.starts_with(PNG_MAGIC) {
        png(bytes, limits, reserved)
    } else if bytes.starts_with(JPEG_MAGIC) {
        jpeg(bytes, limits, reserved)
    } else if bytes.is_empty() {
        Err(Error::new(ImageError::Corrupt, "empty file"))
    } else {
        let head: Vec<String> = bytes.iter().take(4).map(|b| format!("{b:02x}")).collect();
        Err(Error::new(ImageError::Unsupported, format!("not a PNG or JPEG file (starts with {})", head.join(" "))))
    }
}

/// Rejects sizes the limits do not allow, before their pixels are allocated.
fn check_size(width: u64, height: u64, limits: &Limits) -> Result<(), Error> {
    if width == 0 || height == 0 {
        return Err(Error::new(ImageError::Corrupt, format!("{width}×{height} pixels")));
    }
    let max = u64::from(limits.max_dimension);
    if width > max || height > max || width * height > limits.max_pixels {
        return Err(Error::new(
            ImageError::TooManyPixels,
            format!("{width}×{height} pixels; the limits are {max} on a side and {} in all", limits.max_pixels),
        ));
    }
    Ok(())
}

/// Checks the chunks before the image data for what png 0.18 indexes without checking: a
/// palette whose length is not a whole number of RGB entries panics when it is expanded.
fn check_png_chunks(bytes: &[u8]) -> Result<(), Error> {
    let mut at = PNG_MAGIC.len();
    while let Some(head) = bytes.get(at..at + 8) {
        let length = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        match &head[4..8] {
            b"PLTE" if !length.is_multiple_of(3) || length > 256 * 3 => {
                return Err(Error::new(ImageError::Corrupt, format!("png: a palette of {length} bytes")));
            }
            b"IDAT" | b"IEND" => return Ok(()),
            _ => {}
        }
        at = at.saturating_add(12).saturating_add(length);
    }
    Ok(())
}

fn png(bytes: &[u8], limits: &Limits, reserved: &mut Reserved<'_>) -> Result<Image, Error> {
    check_png_chunks(bytes)?;
    let fail = |e: png::DecodingError| match e {
        png::DecodingError::LimitsExceeded => Error::new(ImageError::TooManyPixels, "png: decoder memory limit"),
        png::DecodingError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::new(ImageError::Corrupt, "png: truncated")
        }
        e => Error::new(ImageError::Corrupt, format!("png: {e}")),
    };
    // The decoder's own budget: the output frame plus room for its row buffers and metadata.
    let budget = usize::try_from(limits.max_pixels.saturating_mul(8).saturating_add(1 << 20)).unwrap_or(usize::MAX);
    let mut decoder = png::Decoder::new_with_limits(Cursor::new(bytes), png::Limits { bytes: budget });
    // Palette and low bit depths expanded, 16-bit stripped: every output is 8-bit gray, gray +
    // alpha, RGB or RGBA.
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let header = decoder.read_header_info().map_err(fail)?;
    check_size(u64::from(header.width), u64::from(header.height), limits)?;
    reserved.take(u64::from(header.width), u64::from(header.height))?;
    let mut reader = decoder.read_info().map_err(fail)?;
    let size = reader.output_buffer_size().ok_or_else(|| Error::new(ImageError::TooManyPixels, "png: frame size"))?;
    let mut buffer = vec![0; size];
    // An animated PNG shows its first frame, as browsers do with animation off.
    let frame = reader.next_frame(&mut buffer).map_err(fail)?;
    let data = &buffer[..frame.buffer_size()];
    let pixels = match frame.color_type {
        // In place: a 4096² image costs its 64 MiB once, not twice.
        png::ColorType::Rgba => {
            buffer.truncate(frame.buffer_size());
            premultiply_in_place(&mut buffer);
            buffer
        }
        png::ColorType::Rgb => premultiplied(data.chunks_exact(3).map(|p| [p[0], p[1], p[2], 255])),
        png::ColorType::GrayscaleAlpha => premultiplied(data.chunks_exact(2).map(|p| [p[0], p[0], p[0], p[1]])),
        png::ColorType::Grayscale => premultiplied(data.iter().map(|&g| [g, g, g, 255])),
        png::ColorType::Indexed => return Err(Error::new(ImageError::Unsupported, "png: palette not expanded")),
    };
    image(frame.width, frame.height, pixels)
}

fn jpeg(bytes: &[u8], limits: &Limits, reserved: &mut Reserved<'_>) -> Result<Image, Error> {
    let fail = |e: zune_jpeg::errors::DecodeErrors| match e {
        zune_jpeg::errors::DecodeErrors::LargeDimensions(_) => {
            Error::new(ImageError::TooManyPixels, format!("jpeg: {e}"))
        }
        zune_jpeg::errors::DecodeErrors::Unsupported(_) => Error::new(ImageError::Unsupported, format!("jpeg: {e}")),
        e => Error::new(ImageError::Corrupt, format!("jpeg: {e}")),
    };
    // The decoder's own size limits would turn a bomb into a format error: open them to JPEG's
    // maximum and check the header below. Strict mode: a truncated file is an error, not an
    // image with a grey bottom half.
    let side = usize::from(u16::MAX);
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::RGBA)
        .set_max_width(side)
        .set_max_height(side)
        .set_strict_mode(true);
    let mut decoder = JpegDecoder::new_with_options(Cursor::new(bytes), options);
    decoder.decode_headers().map_err(fail)?;
    let (width, height) =
        decoder.dimensions().ok_or_else(|| Error::new(ImageError::Corrupt, "jpeg: no frame header"))?;
    check_size(width as u64, height as u64, limits)?;
    reserved.take(width as u64, height as u64)?;
    let pixels = decoder.decode().map_err(fail)?;
    // JPEG has no alpha: RGBA output is opaque, hence already premultiplied.
    image(width as u32, height as u32, pixels)
}

fn image(width: u32, height: u32, pixels: Vec<u8>) -> Result<Image, Error> {
    if pixels.len() as u64 != u64::from(width) * u64::from(height) * 4 {
        return Err(Error::new(ImageError::Corrupt, format!("{} bytes of pixels for {width}×{height}", pixels.len())));
    }
    Ok(Image { width, height, pixels })
}

/// `c × a / 255`, rounded as tiny-skia rounds, so that drawing an opaque image and a translucent
/// one agree with the backend's own blending.
fn mul(c: u8, a: u8) -> u8 {
    let prod = u32::from(c) * u32::from(a) + 128;
    ((prod + (prod >> 8)) >> 8) as u8
}

/// Straight RGBA to premultiplied.
fn premultiplied(pixels: impl Iterator<Item = [u8; 4]>) -> Vec<u8> {
    pixels.flat_map(|[r, g, b, a]| [mul(r, a), mul(g, a), mul(b, a), a]).collect()
}

/// Straight RGBA to premultiplied, in place.
fn premultiply_in_place(pixels: &mut [u8]) {
    for p in pixels.chunks_exact_mut(4) {
        let a = p[3];
        for c in &mut p[..3] {
            *c = mul(*c, a);
        }
    }
}
