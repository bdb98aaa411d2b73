//! The few geometric types paint needs: axis-aligned rectangles and a scale-and-translate
//! transform. Marquee has no rotation, so every transformed rectangle stays axis-aligned, which
//! keeps culling, clipping and damage exact and cheap.

use std::fmt;

/// A point in logical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// Horizontal, growing rightwards.
    pub x: f32,
    /// Vertical, growing downwards.
    pub y: f32,
}

/// An axis-aligned rectangle: origin and size.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width, never negative in a well-formed list.
    pub w: f32,
    /// Height, never negative in a well-formed list.
    pub h: f32,
}

impl Rect {
    /// A rectangle from its origin and size.
    pub const fn new(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect { x, y, w, h }
    }

    /// Right edge.
    pub fn right(&self) -> f32 {
        self.x + self.w
    }

    /// Bottom edge.
    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }

    /// Whether the rectangle covers no area.
    pub fn is_empty(&self) -> bool {
        self.w <= 0.0 || self.h <= 0.0
    }

    /// The overlap of two rectangles (empty, with zero size, when they do not meet).
    pub fn intersect(&self, other: &Rect) -> Rect {
        let x = self.x.max(other.x);
        let y = self.y.max(other.y);
        let r = self.right().min(other.right());
        let b = self.bottom().min(other.bottom());
        Rect { x, y, w: (r - x).max(0.0), h: (b - y).max(0.0) }
    }

    /// The smallest rectangle covering both; an empty one adds nothing.
    pub fn union(&self, o: &Rect) -> Rect {
        if o.is_empty() {
            return *self;
        }
        if self.is_empty() {
            return *o;
        }
        let (x, y) = (self.x.min(o.x), self.y.min(o.y));
        Rect { x, y, w: self.right().max(o.right()) - x, h: self.bottom().max(o.bottom()) - y }
    }

    /// The smallest integer rectangle covering this one.
    pub fn round_out(&self) -> IntRect {
        let x = self.x.floor();
        let y = self.y.floor();
        IntRect {
            x: x as i32,
            y: y as i32,
            w: (self.right().ceil() - x).max(0.0) as i32,
            h: (self.bottom().ceil() - y).max(0.0) as i32,
        }
    }
}

/// A rectangle on the pixel grid: what damage is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IntRect {
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width.
    pub w: i32,
    /// Height.
    pub h: i32,
}

impl IntRect {
    /// Whether the rectangle covers no pixel.
    pub fn is_empty(&self) -> bool {
        self.w <= 0 || self.h <= 0
    }

    /// The right and bottom edges, computed wide: rectangles come from downloaded code and may
    /// sit anywhere in `i32`.
    fn edges(&self) -> (i64, i64) {
        (i64::from(self.x) + i64::from(self.w), i64::from(self.y) + i64::from(self.h))
    }

    /// A rectangle from wide edges, clamped back into `i32`.
    fn from_edges(x: i64, y: i64, r: i64, b: i64) -> IntRect {
        let clamp = |v: i64| v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
        IntRect { x: clamp(x), y: clamp(y), w: clamp((r - x).max(0)), h: clamp((b - y).max(0)) }
    }

    /// The smallest rectangle covering both.
    pub fn union(&self, o: &IntRect) -> IntRect {
        if self.is_empty() {
            return *o;
        }
        if o.is_empty() {
            return *self;
        }
        let ((r1, b1), (r2, b2)) = (self.edges(), o.edges());
        let (x, y) = (i64::from(self.x.min(o.x)), i64::from(self.y.min(o.y)));
        IntRect::from_edges(x, y, r1.max(r2), b1.max(b2))
    }

    /// This rectangle grown by `by` pixels on every side (shrunk when negative), computed wide.
    pub fn outset(&self, by: i32) -> IntRect {
        let (r, b) = self.edges();
        let by = i64::from(by);
        IntRect::from_edges(i64::from(self.x) - by, i64::from(self.y) - by, r + by, b + by)
    }

    /// The overlap, empty when they do not meet.
    pub fn intersect(&self, o: &IntRect) -> IntRect {
        let ((r1, b1), (r2, b2)) = (self.edges(), o.edges());
        let (x, y) = (i64::from(self.x.max(o.x)), i64::from(self.y.max(o.y)));
        IntRect::from_edges(x, y, r1.min(r2), b1.min(b2))
    }

    /// Whether the two share at least one pixel or touch along an edge.
    pub fn touches(&self, o: &IntRect) -> bool {
        let ((r1, b1), (r2, b2)) = (self.edges(), o.edges());
        i64::from(self.x) <= r2 && i64::from(o.x) <= r1 && i64::from(self.y) <= b2 && i64::from(o.y) <= b1
    }

    /// Pixels covered.
    pub fn area(&self) -> i64 {
        if self.is_empty() { 0 } else { self.w as i64 * self.h as i64 }
    }
}

/// Corner radii: top-left, top-right, bottom-right, bottom-left.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Radii(pub [f32; 4]);

impl Radii {
    /// Square corners.
    pub const ZERO: Radii = Radii([0.0; 4]);

    /// Whether every corner is square.
    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|r| *r <= 0.0)
    }

    /// The radii drawn on `r`: negative ones square, and all scaled down together where two on
    /// one side would overlap (CSS's rule), so every backend rounds the same corners.
    pub fn fitted(&self, r: &Rect) -> [f32; 4] {
        let [tl, tr, br, bl] = self.0.map(|v| v.max(0.0));
        let mut f: f32 = 1.0;
        for (sum, side) in [(tl + tr, r.w), (bl + br, r.w), (tl + bl, r.h), (tr + br, r.h)] {
            if sum > side && sum > 0.0 {
                f = f.min(side / sum);
            }
        }
        [tl * f, tr * f, br * f, bl * f]
    }
}

/// An sRGB colour with straight alpha, packed `0xRRGGBBAA`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Color(pub u32);

impl Color {
    /// Red, green, blue, alpha.
    pub fn rgba(self) -> [u8; 4] {
        self.0.to_be_bytes()
    }
}

/// `x' = sx·x + tx`, `y' = sy·y + ty`: scale, then translate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transform {
    /// Horizontal scale.
    pub sx: f32,
    /// Vertical scale.
    pub sy: f32,
    /// Horizontal translation.
    pub tx: f32,
    /// Vertical translation.
    pub ty: f32,
}

impl Default for Transform {
    fn default() -> Self {
        Transform::IDENTITY
    }
}

impl Transform {
    /// Changes nothing.
    pub const IDENTITY: Transform = Transform { sx: 1.0, sy: 1.0, tx: 0.0, ty: 0.0 };

    /// The transform that applies `self` first, then `outer`.
    pub fn then(&self, outer: &Transform) -> Transform {
        Transform {
            sx: outer.sx * self.sx,
            sy: outer.sy * self.sy,
            tx: outer.sx * self.tx + outer.tx,
            ty: outer.sy * self.ty + outer.ty,
        }
    }

    /// Maps a rectangle (scales are never negative, so the result needs no normalising).
    pub fn map_rect(&self, r: &Rect) -> Rect {
        Rect { x: self.sx * r.x + self.tx, y: self.sy * r.y + self.ty, w: self.sx * r.w, h: self.sy * r.h }
    }

    /// Whether the transform changes nothing.
    pub fn is_identity(&self) -> bool {
        *self == Transform::IDENTITY
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.x, self.y)
    }
}

impl fmt::Display for Rect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{} {}x{}", self.x, self.y, self.w, self.h)
    }
}

impl fmt::Display for IntRect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{} {}x{}", self.x, self.y, self.w, self.h)
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:08x}", self.0)
    }
}

impl fmt::Display for Radii {
    /// Prints nothing for square corners, so most fixture lines stay short.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_zero() {
            return Ok(());
        }
        let [a, b, c, d] = self.0;
        write!(f, " radii {a},{b},{c},{d}")
    }
}

impl fmt::Display for Transform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "scale {},{} translate {},{}", self.sx, self.sy, self.tx, self.ty)
    }
}
