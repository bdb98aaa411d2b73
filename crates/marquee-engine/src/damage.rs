//! Damage: which pixels may differ from the previous frame.
//!
//! Each node that paints leaves a [`Record`] in its layer: its visible bounds in the layer's
//! coordinates and a hash of everything that decides its pixels (its own paint ops, the
//! transform, clip and opacity inside the layer, and its place in paint order). When a layer is
//! re-recorded, a node whose record changed, appeared or vanished damages its old and new bounds;
//! when a layer's transform, clip or opacity on screen changes, its whole bounds are damaged
//! where it was and where it is (`layers.rs`). Over-reporting costs some raster time;
//! under-reporting would leave stale pixels, so when in doubt this module reports more.

use marquee_display_list::{IntRect, Rect};

/// What one node painted in one frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Record {
    /// Visible bounds in the layer's coordinates, text ink included.
    pub(crate) bounds: Rect,
    pub(crate) hash: u64,
}

/// Beyond this many rectangles the damage is reported as their bounding box: backends redraw
/// rectangles one by one, and past a handful the overhead beats the saving.
const MAX_RECTS: usize = 8;

/// While merging, past this many rectangles they become their bounding box at once: merging is
/// quadratic in the rectangles kept, and a frame where thousands of nodes move would otherwise
/// spend milliseconds here to end up with one box anyway.
const MAX_WORKING: usize = 4 * MAX_RECTS;

/// Clips to the viewport, merges touching rectangles, and caps the count.
pub(crate) fn merge(rects: Vec<IntRect>, viewport: IntRect) -> Vec<IntRect> {
    if rects.len() > 16 * MAX_WORKING {
        // Thousands of moving layers: their bounding box, without merging one by one.
        let all = rects.iter().map(|r| r.intersect(&viewport)).fold(IntRect::default(), |a, r| a.union(&r));
        return if all.is_empty() { Vec::new() } else { vec![all] };
    }
    let mut out: Vec<IntRect> = Vec::new();
    for r in rects {
        let mut r = r.intersect(&viewport);
        if r.is_empty() {
            continue;
        }
        // Absorb every rectangle this one touches; a grown rectangle may touch more, so repeat.
        while let Some(j) = out.iter().position(|o| o.touches(&r)) {
            r = r.union(&out.swap_remove(j));
        }
        out.push(r);
        if out.len() > MAX_WORKING {
            let all = out.iter().fold(IntRect::default(), |a, r| a.union(r));
            out = vec![all];
        }
    }
    if out.len() > MAX_RECTS {
        let all = out.iter().fold(IntRect::default(), |a, r| a.union(r));
        out = vec![all];
    }
    out.sort_by_key(|r| (r.y, r.x, r.w, r.h));
    out
}
