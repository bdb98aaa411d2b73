//! Golden images: a rendered canvas against a committed PNG, within a small tolerance.
//!
//! Rasterization may differ by a rounding step across CPUs (SIMD paths), so a pixel counts as
//! different only beyond [`CHANNEL_TOLERANCE`] per channel, and an image fails only when more
//! than [`PIXEL_TOLERANCE`] of its pixels differ. `UPDATE_EXPECT=1` rewrites the PNG instead.

use std::path::Path;

use marquee_raster::Canvas;

/// Per-channel difference tolerated before a pixel counts as different.
pub const CHANNEL_TOLERANCE: u8 = 2;
/// Share of pixels allowed to differ beyond that.
pub const PIXEL_TOLERANCE: f64 = 0.001;

/// Compares `canvas` with the PNG at `path` (or writes it when updating).
pub fn check_png(path: &Path, canvas: &Canvas) -> Result<(), String> {
    if crate::updating() {
        let png = canvas.encode_png().map_err(|e| e.to_string())?;
        return std::fs::write(path, png).map_err(|e| format!("{}: {e}", path.display()));
    }
    let expected = tiny_skia::Pixmap::load_png(path)
        .map_err(|e| format!("{}: {e} (run with UPDATE_EXPECT=1 to create it)", path.display()))?;
    let actual = canvas.pixmap();
    if (actual.width(), actual.height()) != (expected.width(), expected.height()) {
        return Err(format!(
            "size {}x{} != expected {}x{}",
            actual.width(),
            actual.height(),
            expected.width(),
            expected.height()
        ));
    }
    let differing = actual
        .data()
        .chunks_exact(4)
        .zip(expected.data().chunks_exact(4))
        .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| x.abs_diff(*y) > CHANNEL_TOLERANCE))
        .count();
    let allowed = (actual.width() as f64 * actual.height() as f64 * PIXEL_TOLERANCE) as usize;
    if differing > allowed {
        // What was drawn, beside the golden's name, for a person to compare.
        let name = path.file_stem().map_or("actual".into(), |s| s.to_string_lossy().into_owned());
        let out = std::env::temp_dir().join(format!("{name}-actual.png"));
        let saved = canvas.encode_png().ok().and_then(|png| std::fs::write(&out, png).ok());
        let shown = if saved.is_some() { format!("; drawn: {}", out.display()) } else { String::new() };
        Err(format!("{}: {differing} pixels differ (allowed {allowed}){shown}", path.display()))
    } else {
        Ok(())
    }
}

/// How close another backend's pixels come to a golden image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    /// The share of pixels whose every channel is within [`BACKEND_CHANNEL_TOLERANCE`].
    pub within: f64,
    /// The mean absolute difference per channel, in 0..=255.
    pub mean_error: f64,
}

/// What another backend (the GPU's) may differ by, per channel, from the CPU's golden images:
/// anti-aliasing computed in a shader rounds differently at edges.
pub const BACKEND_CHANNEL_TOLERANCE: u8 = 3;

/// Compares premultiplied RGBA pixels (`width × height`, top row first) with the PNG at `path`.
pub fn similarity(path: &Path, width: u32, height: u32, pixels: &[u8]) -> Result<Similarity, String> {
    let (size, expected) = read(path)?;
    if (width, height) != size || pixels.len() != expected.len() {
        return Err(format!("size {width}x{height} != expected {}x{}", size.0, size.1));
    }
    Ok(similarity_of(&expected, pixels))
}

/// The PNG at `path`: its size, and its pixels as premultiplied RGBA, top row first.
pub fn read(path: &Path) -> Result<((u32, u32), Vec<u8>), String> {
    let image = tiny_skia::Pixmap::load_png(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(((image.width(), image.height()), image.data().to_vec()))
}

/// How close `pixels` are to `expected`, two images of one size (premultiplied RGBA).
pub fn similarity_of(expected: &[u8], pixels: &[u8]) -> Similarity {
    let (mut within, mut error) = (0usize, 0u64);
    for (a, b) in pixels.chunks_exact(4).zip(expected.chunks_exact(4)) {
        let diffs = [0, 1, 2, 3].map(|i| a[i].abs_diff(b[i]));
        within += usize::from(diffs.iter().all(|d| *d <= BACKEND_CHANNEL_TOLERANCE));
        error += diffs.iter().map(|d| u64::from(*d)).sum::<u64>();
    }
    let n = (expected.len() / 4).max(1) as f64;
    Similarity { within: within as f64 / n, mean_error: error as f64 / (n * 4.0) }
}
