//! Damage: which pixels may differ from the previous frame, as a few rectangles that never
//! overlap.
//!
//! The engine finds its damage node by node, a backend adds where the layers it animates moved
//! (`LayerTree::advance`); both end up here, merged into a handful of rectangles that do not touch,
//! so that a backend drawing them one by one never draws a pixel twice (a translucent layer
//! blended twice would be wrong, not just slow), or into their bounding box when there are many.

use crate::geometry::IntRect;

/// Beyond this many rectangles the damage is reported as their bounding box: backends redraw
/// rectangles one by one, and past a handful the overhead beats the saving.
const MAX_RECTS: usize = 8;

/// While merging, past this many rectangles they become their bounding box at once: merging is
/// quadratic in the rectangles kept, and a frame where thousands of nodes move would otherwise
/// spend milliseconds here to end up with one box anyway.
const MAX_WORKING: usize = 4 * MAX_RECTS;

/// Past this many rectangles a frame's damage is their bounding box, without merging one by one.
const MAX_KEPT: usize = 16 * MAX_WORKING;

/// A frame's damage as it is found: the rectangles, until there are so many (thousands of moving
/// layers) that only their bounding box in the viewport will matter, and from then on that box.
#[derive(Debug, Default)]
pub struct Damage {
    rects: Vec<IntRect>,
    /// The bounding box in the viewport, once past [`MAX_KEPT`] rectangles.
    bbox: Option<IntRect>,
}

impl Damage {
    /// Adds `r`, as far as it lies in `viewport`.
    pub fn add(&mut self, r: IntRect, viewport: &IntRect) {
        match &mut self.bbox {
            Some(b) => *b = b.union(&r.intersect(viewport)),
            None if self.rects.len() < MAX_KEPT => self.rects.push(r),
            None => {
                let all = self.rects.drain(..).chain([r]).map(|r| r.intersect(viewport));
                self.bbox = Some(all.fold(IntRect::default(), |a, r| a.union(&r)));
            }
        }
    }

    /// The damage in the viewport: merged rectangles, or their bounding box.
    pub fn finish(self, viewport: IntRect) -> Vec<IntRect> {
        match self.bbox {
            Some(all) if all.is_empty() => Vec::new(),
            Some(all) => vec![all],
            None => merge(self.rects, viewport),
        }
    }
}

/// The one area a backend redraws for a frame's `damage` when it draws it as one (a GPU's scissor):
/// the damage's bounding box grown by a pixel — layers sit on the pixel grid, so content moves
/// by under half a pixel (as the CPU compositor grows each rectangle) — within `bounds`.
pub fn area(damage: &[IntRect], bounds: IntRect) -> IntRect {
    let all = damage.iter().fold(IntRect::default(), |a, r| a.union(r));
    if all.is_empty() {
        return IntRect::default();
    }
    all.outset(1).intersect(&bounds)
}

/// Clips to the viewport, merges touching rectangles, and caps the count.
pub fn merge(rects: Vec<IntRect>, viewport: IntRect) -> Vec<IntRect> {
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
    // Rects with equal keys are equal: unstable orders them as stable would.
    crate::sort::sort_by_key(&mut out, |r| (r.y, r.x, r.w, r.h));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(x: i32, y: i32, w: i32, h: i32) -> IntRect {
        IntRect { x, y, w, h }
    }

    #[test]
    fn the_area_is_the_bounds_grown_by_a_pixel_within_the_screen() {
        let screen = r(0, 0, 100, 50);
        assert_eq!(area(&[r(10, 10, 5, 5), r(30, 20, 10, 4)], screen), r(9, 9, 32, 16));
        assert_eq!(area(&[r(0, 0, 100, 50)], screen), screen, "cut to the screen");
        assert!(area(&[], screen).is_empty(), "no damage, no area");
        assert_eq!(r(i32::MAX - 1, 0, 1, 1).outset(1), r(i32::MAX - 2, -1, 3, 3), "computed wide: no overflow");
    }
}
