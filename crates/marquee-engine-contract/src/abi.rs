//! engine.wasm's ABI as data: the names, the version, the counters, the limits, and the host's
//! side of the `marquee` imports. `marquee-engine-abi` implements the exports with these names and
//! codes; the wasmtime and wasmi hosts look them up and answer the imports with the functions
//! here, so the two sides cannot disagree. The table of signatures is in `marquee-engine-abi`'s
//! documentation and docs/protocol.md.

use marquee_display_list::text::{Paragraph, TextLayout, TextSize};

/// Bumped on any change to the exports' names, signatures or meaning, or to the imports. An
/// optional export (one a host looks up and does without, as [`export::DEBUG_QUERY`]) does not
/// bump it: engines with and without it run on hosts of either kind.
pub const ABI_VERSION: u32 = 6;

/// The module every import comes from.
pub const IMPORT_MODULE: &str = "marquee";

/// The export names, as the guest defines them and hosts look them up.
pub mod export {
    /// `() -> u32`: [`ABI_VERSION`](super::ABI_VERSION).
    pub const ABI_VERSION: &str = "mq_abi_version";
    /// `() -> u32`: the command/event protocol version.
    pub const PROTOCOL_VERSION: &str = "mq_protocol_version";
    /// `(len) -> ptr`: a buffer of `len` bytes, or 0.
    pub const ALLOC: &str = "mq_alloc";
    /// `(ptr, len)`: releases a buffer from `mq_alloc`.
    pub const FREE: &str = "mq_free";
    /// `(ptr, len) -> rejected`: applies a batch.
    pub const APPLY: &str = "mq_apply";
    /// `(time_ms: f64) -> u64`: runs a frame; the frame buffer as [`pack_buffer`](super::pack_buffer).
    pub const FRAME: &str = "mq_frame";
    /// `(key, action) -> used`: a remote key.
    pub const KEY: &str = "mq_key";
    /// `(character) -> taken`, optional: a typed character, as a Unicode scalar value. A host
    /// does without it when an engine lacks it (typed text is then not delivered).
    pub const TEXT: &str = "mq_text";
    /// `(which) -> u64`: a [`Stat`](super::Stat).
    pub const STAT: &str = "mq_stat";
    /// `(image, width, height) -> used`.
    pub const IMAGE_READY: &str = "mq_image_ready";
    /// `(image, reason) -> used`.
    pub const IMAGE_FAILED: &str = "mq_image_failed";
    /// `(low, high)`: the texture budget, as [`split_u64`](super::split_u64).
    pub const SET_TEXTURE_BUDGET: &str = "mq_set_texture_budget";
    /// `(on)`: per-phase timing with the `clock` import.
    pub const PROFILE: &str = "mq_profile";
    /// `()`: the backend lost the layers it kept; the next frame restates the whole tree.
    pub const INVALIDATE: &str = "mq_invalidate";
    /// `(kind, a, b) -> u64`, optional: a debug query
    /// ([`debug::Query::to_args`](crate::debug::Query::to_args)); the answer's bytes as
    /// [`pack_buffer`](super::pack_buffer). A host does without it when an engine lacks it.
    pub const DEBUG_QUERY: &str = "mq_debug_query";
    /// The linear memory.
    pub const MEMORY: &str = "memory";
}

/// The import names, all from [`IMPORT_MODULE`].
pub mod import {
    /// `(run, ptr, len)`: stores the paragraph encoded at `ptr..ptr+len` under `run`.
    pub const TEXT_SET: &str = "text_set";
    /// `(run)`: forgets `run`.
    pub const TEXT_REMOVE: &str = "text_remove";
    /// `(run, max_width: f32) -> u64`: the size at that width, as [`pack_size`](super::pack_size).
    pub const TEXT_MEASURE: &str = "text_measure";
    /// `() -> f64`: a monotonic time in ms, called only while profiling.
    pub const CLOCK: &str = "clock";
}

/// The longest paragraph a guest may hand to `text_set`: the protocol's text limit plus the
/// family and the fixed fields, with room to spare.
pub const MAX_PARAGRAPH_BYTES: u32 = 1 << 20;

marquee_protocol::wire_enum! {
    /// Counters readable through `mq_stat` (and [`Engine::stat`](crate::Engine::stat)).
    pub enum Stat: u32 {
        /// Heap bytes in use.
        HeapBytes = 0 "heap-bytes",
        /// Most heap bytes ever in use.
        HeapPeak = 1 "heap-peak",
        /// Live nodes, root included.
        Nodes = 2 "nodes",
        /// Operations in the layer lists the last frame sent.
        Ops = 3 "ops",
        /// Commands rejected since start.
        Errors = 4 "errors",
        /// Animations running after the last frame.
        Animations = 5 "animations",
        /// The focused node, or `u32::MAX`.
        Focused = 6 "focused",
        /// Bytes of texture memory the loaded images take.
        TextureBytes = 7 "texture-bytes",
        /// Images asked for and not answered yet.
        ImagesLoading = 8 "images-loading",
        /// The last frame's layout phase in ns, while profiling (`mq_profile`).
        LayoutNs = 9 "layout-ns",
        /// The last frame's animation phase in ns, while profiling.
        AnimationNs = 10 "animation-ns",
        /// The last frame's display-list phase (paint and damage) in ns, while profiling.
        DisplayListNs = 11 "display-list-ns",
        /// Layers alive after the last frame.
        Layers = 12 "layers",
        /// Layers the last frame re-recorded and sent.
        LayersRecorded = 13 "layers-recorded",
        /// Bytes of layer lists and damage records the engine keeps.
        RetainedBytes = 14 "retained-bytes",
        /// Layers kept after their animation ended and still to be folded back into their
        /// parent by a later frame (which moves their content by under half a pixel): a host
        /// that stops when idle waits for none to be left, so where it stops does not depend on
        /// when the app went quiet. An engine older than this counter answers `u64::MAX`, as
        /// for any code it does not know: none.
        Settling = 15 "settling",
    }
}

impl Stat {
    /// The frame phases' counters, in the order of `marquee_engine::PHASES`.
    pub const PHASES: [Stat; 3] = [Stat::LayoutNs, Stat::AnimationNs, Stat::DisplayListNs];
}

/// A buffer in linear memory as one `u64`: `ptr | len << 32` (what `mq_frame` returns).
pub fn pack_buffer(ptr: u32, len: u32) -> u64 {
    u64::from(ptr) | u64::from(len) << 32
}

/// The `(ptr, len)` of a [`pack_buffer`] value.
pub fn unpack_buffer(packed: u64) -> (usize, usize) {
    ((packed & 0xffff_ffff) as usize, (packed >> 32) as usize)
}

/// The frame buffer `mq_frame` returned (`packed`, see [`pack_buffer`]) in the guest's `memory`;
/// [`Error::BadOutput`](crate::Error::BadOutput) if it does not lie inside.
pub fn output(memory: &[u8], packed: u64) -> Result<&[u8], crate::Error> {
    let (ptr, len) = unpack_buffer(packed);
    ptr.checked_add(len).and_then(|end| memory.get(ptr..end)).ok_or(crate::Error::BadOutput)
}

/// A `u64` as the two `u32` halves `(low, high)` a 32-bit ABI passes it in.
pub fn split_u64(value: u64) -> (u32, u32) {
    (value as u32, (value >> 32) as u32)
}

/// The `u64` of [`split_u64`]'s halves.
pub fn join_u64(low: u32, high: u32) -> u64 {
    u64::from(high) << 32 | u64::from(low)
}

/// A measured size as `text_measure` returns it: width bits `|` height bits `<< 32`.
pub fn pack_size(size: TextSize) -> u64 {
    u64::from(size.width.to_bits()) | u64::from(size.height.to_bits()) << 32
}

/// The size of a [`pack_size`] value. A non-finite or negative dimension reads as zero: the guest
/// trusts the host's numbers no more than the host trusts the guest's.
pub fn unpack_size(packed: u64) -> TextSize {
    let ok = |v: f32| if v.is_finite() && v >= 0.0 { v } else { 0.0 };
    TextSize { width: ok(f32::from_bits(packed as u32)), height: ok(f32::from_bits((packed >> 32) as u32)) }
}

/// The host's `text_set`: stores the paragraph the guest encoded at `ptr..ptr+len` of `memory`
/// under `run`. It never fails the guest: a paragraph that is too long, outside memory or
/// malformed is treated as no paragraph (the run is removed, and measures as zero).
pub fn text_set(text: &mut dyn TextLayout, memory: &[u8], run: u32, ptr: u32, len: u32) {
    let bytes = (len <= MAX_PARAGRAPH_BYTES)
        .then(|| memory.get(ptr as usize..(ptr as usize).checked_add(len as usize)?))
        .flatten();
    text_set_bytes(text, run, bytes);
}

/// [`text_set`] for a host that already holds the paragraph's bytes (engine.js hands them over as
/// a typed array); `None` when they could not be read.
pub fn text_set_bytes(text: &mut dyn TextLayout, run: u32, bytes: Option<&[u8]>) {
    match bytes.filter(|b| b.len() <= MAX_PARAGRAPH_BYTES as usize).map(Paragraph::decode) {
        Some(Ok(p)) => text.set(run, &p),
        _ => text.remove(run),
    }
}

/// The host's `text_measure`.
pub fn text_measure(text: &mut dyn TextLayout, run: u32, max_width: f32) -> u64 {
    pack_size(text.measure(run, max_width))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stat_reads_back_from_its_code() {
        for (code, stat) in Stat::ALL.into_iter().enumerate() {
            assert_eq!(stat as u32, code as u32);
            assert_eq!(Stat::from_code(code as u32), Some(stat));
            assert_eq!(Stat::from_name(stat.name()), Some(stat));
        }
        assert_eq!(Stat::from_code(Stat::ALL.len() as u32), None);
    }

    #[test]
    fn packed_values_round_trip() {
        assert_eq!(unpack_buffer(pack_buffer(0xdead_beef, 17)), (0xdead_beef, 17));
        assert_eq!(split_u64(join_u64(7, 9)), (7, 9));
        let size = TextSize { width: 12.5, height: 30.0 };
        assert_eq!(unpack_size(pack_size(size)), size);
        let hostile = pack_buffer(f32::NAN.to_bits(), (-3.0f32).to_bits());
        assert_eq!(unpack_size(hostile), TextSize::default());
    }
}
