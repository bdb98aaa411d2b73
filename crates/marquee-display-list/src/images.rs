//! Images: the contract between the host, which decodes them and holds their pixels, and the
//! backends, which draw them by the handle an `Op::Image` names.

/// A borrowed image: premultiplied RGBA, `width × height` pixels, rows top to bottom.
#[derive(Debug, Clone, Copy)]
pub struct Pixels<'a> {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height × 4` bytes.
    pub data: &'a [u8],
}

/// Decoded images the host holds, by the handle the engine uses.
pub trait Images {
    /// The pixels for `handle`, or `None` if the handle is unknown (the operation then draws
    /// nothing).
    fn image(&self, handle: u32) -> Option<Pixels<'_>>;

    /// A number no other image this source held or holds has (a handle loaded again gets a new
    /// one): what a backend keeps of an image (a resampled copy, a texture) is good while this
    /// is. `None`, the default, lets it keep nothing, which draws the same pixels, slower.
    fn serial(&self, _handle: u32) -> Option<u64> {
        None
    }
}

/// No images at all.
pub struct NoImages;

impl Images for NoImages {
    fn image(&self, _: u32) -> Option<Pixels<'_>> {
        None
    }
}
