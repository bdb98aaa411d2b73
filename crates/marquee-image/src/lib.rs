//! The host's image loader: from an image node's source to premultiplied pixels.
//!
//! The engine names an image by its source string and never sees a pixel; the host answers with
//! a size or a reason for failing. This crate is that answer, in three steps each with its own
//! module: [`Source::parse`] reads the string (an asset path inside the app's directory, a
//! `file:` URL or an `http(s):` URL), [`Fetcher`] reads the bytes without ever holding more
//! than [`Limits::max_encoded_bytes`], and [`decode`] turns PNG or JPEG into pixels after checking
//! the dimensions in the header against [`Limits`], so a decompression bomb fails before it
//! allocates. [`Loader`] runs the three on worker threads so that nothing here ever blocks the
//! engine's frame loop.
//!
//! Every failure is an [`Error`] whose [`reason`](Error::reason) is the protocol's
//! [`ImageError`], which is what the app hears in its `image-failed` event; the detail is for
//! the host's log.

mod decode;
mod loader;
mod source;

use std::time::Duration;

pub use marquee_protocol::ImageError;

pub use decode::decode;
pub use loader::{Done, Loader};
pub use source::{Fetcher, Source};

/// What the loader accepts. The defaults suit a 1080p TV: posters and backdrops up to 4K.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes read for one image (file size or HTTP body).
    pub max_encoded_bytes: u64,
    /// The widest or tallest image accepted, in pixels.
    pub max_dimension: u32,
    /// The most pixels (width × height) one image may have; each costs 4 bytes once decoded.
    pub max_pixels: u64,
    /// The longest one HTTP fetch may take, from connecting to the last byte.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_encoded_bytes: 16 << 20,
            max_dimension: 8192,
            max_pixels: 4096 * 4096,
            timeout: Duration::from_secs(10),
        }
    }
}

/// Decoded pixels: `width × height`, row-major, premultiplied RGBA, 8 bits per channel — what the
/// raster backend draws from without converting.
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    /// Width in pixels, at least 1.
    pub width: u32,
    /// Height in pixels, at least 1.
    pub height: u32,
    /// `width × height × 4` bytes.
    pub pixels: Vec<u8>,
}

impl Image {
    /// The texture memory this image costs.
    pub fn bytes(&self) -> u64 {
        self.pixels.len() as u64
    }
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Image({}×{})", self.width, self.height)
    }
}

/// Why an image could not be loaded: the reason the app is told, and a detail for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The protocol's reason, sent to the app.
    pub reason: ImageError,
    /// What exactly happened, for people.
    pub detail: String,
}

impl Error {
    pub(crate) fn new(reason: ImageError, detail: impl Into<String>) -> Error {
        Error { reason, detail: detail.into() }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.reason.name(), self.detail)
    }
}

impl std::error::Error for Error {}
