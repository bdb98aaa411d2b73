//! Damage: which pixels may differ from the previous frame.
//!
//! Each node that paints leaves a [`Record`]: its visible device bounds and a hash of everything
//! that decides its pixels (its own paint ops, its transform, clip and inherited opacity, and its
//! place in paint order). A node whose record changed, appeared or vanished damages its old and
//! new bounds. Over-reporting costs some raster time; under-reporting would leave stale pixels,
//! so when in doubt this module reports more.

use marquee_display_list::IntRect;

/// What one node painted in one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) bounds: IntRect,
    pub(crate) hash: u64,
}

/// Beyond this many rectangles the damage is reported as their bounding box: backends redraw
/// rectangles one by one, and past a handful the overhead beats the saving.
const MAX_RECTS: usize = 8;

/// Compares two frames' records and returns the merged damage, clipped to `viewport`.
/// `prev`/`next` are indexed by node id; `prev_painted`/`painted` list their filled entries.
pub(crate) fn diff(
    prev: &[Option<Record>],
    prev_painted: &[u32],
    next: &[Option<Record>],
    painted: &[u32],
    viewport: IntRect,
) -> Vec<IntRect> {
    let get = |v: &[Option<Record>], id: u32| v.get(id as usize).copied().flatten();
    let mut rects = Vec::new();
    for &id in painted {
        let (old, new) = (get(prev, id), get(next, id));
        if old != new {
            rects.extend(old.map(|r| r.bounds));
            rects.extend(new.map(|r| r.bounds));
        }
    }
    for &id in prev_painted {
        if get(next, id).is_none() {
            rects.extend(get(prev, id).map(|r| r.bounds));
        }
    }
    merge(rects, viewport)
}

/// Clips to the viewport, merges touching rectangles, and caps the count.
pub(crate) fn merge(rects: Vec<IntRect>, viewport: IntRect) -> Vec<IntRect> {
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
    }
    if out.len() > MAX_RECTS {
        let all = out.iter().fold(IntRect::default(), |a, r| a.union(r));
        out = vec![all];
    }
    out.sort_by_key(|r| (r.y, r.x, r.w, r.h));
    out
}
