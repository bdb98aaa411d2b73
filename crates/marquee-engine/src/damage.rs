//! Damage: which pixels may differ from the previous frame.
//!
//! Each node that paints leaves a [`Record`] in its layer: its visible bounds in the layer's
//! coordinates and a hash of everything that decides its pixels (its own paint ops, the
//! transform, clip and opacity inside the layer, and its place in paint order). When a layer is
//! re-recorded, a node whose record changed, appeared or vanished damages its old and new bounds;
//! when a layer's transform, clip or opacity on screen changes, its whole bounds are damaged
//! where it was and where it is (`layers.rs`). Over-reporting costs some raster time;
//! under-reporting would leave stale pixels, so when in doubt this module reports more.

use marquee_display_list::Rect;

/// What one node painted in one frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Record {
    /// Visible bounds in the layer's coordinates, text ink included.
    pub(crate) bounds: Rect,
    pub(crate) hash: u64,
}
