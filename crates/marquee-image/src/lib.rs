//! The host's image loader: from an image node's source to premultiplied pixels.
//!
//! The engine names an image by its source string and never sees a pixel; the host answers with
//! a size or a reason for failing. This crate is that answer, in three steps each with its own
//! module: [`Source::parse`] reads the string (an asset path inside the app's directory, a
//! `file:` URL or an `http(s):` URL), [`Fetcher`] reads the bytes without ever holding more
//! than [`Limits::max_encoded_bytes`], and [`decode`] turns PNG or JPEG into pixels after checking
//! the dimensions in the header against [`Limits`], so a decompression bomb fails before it
//! allocates, and against the host's [`PixelBudget`], so decoded images never exceed its cap.
//! [`Loader`] runs the three on worker threads, in lanes that keep the app's own files from
//! waiting behind a slow server, so that nothing here ever blocks the engine's frame loop.
//!
//! Every failure is an [`Error`] whose [`reason`](Error::reason) is the protocol's
//! [`ImageError`], which is what the app hears in its `image-failed` event; the detail is for
//! the host's log.
//!
//! In a browser (`wasm32`) only [`decode`] is built: the page fetches, and decodes with this same
//! code in a worker, so images are the same pixels as on a native host.

mod decode;
#[cfg(not(target_arch = "wasm32"))]
mod loader;
#[cfg(not(target_arch = "wasm32"))]
mod source;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub use marquee_protocol::ImageError;

pub use decode::{decode, decode_within};
#[cfg(not(target_arch = "wasm32"))]
pub use loader::{DECODING, Done, LOCAL_WORKERS, Loader, PER_ORIGIN, REMOTE_WORKERS};
#[cfg(not(target_arch = "wasm32"))]
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

/// The decoded-pixel memory of one host: a hard cap that every load reserves its pixels against
/// (from the image's header, before they are allocated) and that the holder gives back when it
/// frees them. A load that does not fit fails with `too-many-pixels`: on a device, running out
/// of memory ends everything, a missing poster ends nothing.
#[derive(Debug)]
pub struct PixelBudget {
    cap: u64,
    held: AtomicU64,
}

impl PixelBudget {
    /// A budget of `cap` bytes.
    pub fn new(cap: u64) -> PixelBudget {
        PixelBudget { cap, held: AtomicU64::new(0) }
    }

    /// Reserves `bytes`, or says why not.
    pub fn reserve(&self, bytes: u64) -> Result<(), Error> {
        let taken = self.held.fetch_update(Ordering::AcqRel, Ordering::Acquire, |held| {
            held.checked_add(bytes).filter(|&total| total <= self.cap)
        });
        taken.map(|_| ()).map_err(|held| {
            Error::new(
                ImageError::TooManyPixels,
                format!(
                    "{} KiB of pixels would take the decoded images to {} KiB, over the host's cap of {} KiB",
                    bytes >> 10,
                    (held + bytes) >> 10,
                    self.cap >> 10
                ),
            )
        })
    }

    /// Gives back `bytes` reserved earlier.
    pub fn give_back(&self, bytes: u64) {
        let _ = self.held.fetch_update(Ordering::AcqRel, Ordering::Acquire, |held| Some(held.saturating_sub(bytes)));
    }

    /// Bytes reserved now.
    pub fn held(&self) -> u64 {
        self.held.load(Ordering::Acquire)
    }

    /// The cap, in bytes.
    pub fn cap(&self) -> u64 {
        self.cap
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

    /// The same error with `prefix` in front of its detail.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn prefixed(mut self, prefix: &str) -> Error {
        self.detail.insert_str(0, prefix);
        self
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.reason.name(), self.detail)
    }
}

impl std::error::Error for Error {}
