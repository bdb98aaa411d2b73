//! Motion a backend samples itself: the timing of an animation of a layer's transform or
//! opacity, so that a layer moving or fading for seconds costs the engine two frames (the one
//! that starts it and the one that ends it) instead of props every frame.
//!
//! The engine and every backend sample the same animation to the same bits: this module is the
//! one home of the arithmetic (`f64`, with `libm` for the functions a platform's own maths
//! library may round differently), and the engine's own animations use it too. A [`Track`] is
//! what a layer's props carry on the wire (see [`crate::layers`]); [`Timing`] and [`Curve`] are
//! the pieces the engine shares.

use std::fmt;

/// The largest magnitude an animated value may take on the way: far past any screen coordinate,
/// scale or colour, well inside `f32`. A sample beyond it (or not finite) is replaced by the
/// animation's target.
pub const MAX_ANIMATED: f32 = 1e7;

/// A timing curve a backend can sample: CSS's named curves and `cubic-bezier()`. (Springs are
/// the engine's alone: it samples them itself.)
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Easing {
    /// Progress as it is.
    Linear,
    /// CSS `ease`.
    Ease,
    /// CSS `ease-in`.
    EaseIn,
    /// CSS `ease-out`.
    EaseOut,
    /// CSS `ease-in-out`.
    EaseInOut,
    /// CSS `cubic-bezier(x1, y1, x2, y2)`, `x1` and `x2` in 0–1.
    CubicBezier([f32; 4]),
}

impl Easing {
    /// The curve's wire code (see docs/frame.md).
    pub(crate) fn code(&self) -> u8 {
        match self {
            Easing::Linear => 0,
            Easing::Ease => 1,
            Easing::EaseIn => 2,
            Easing::EaseOut => 3,
            Easing::EaseInOut => 4,
            Easing::CubicBezier(_) => 5,
        }
    }
}

impl fmt::Display for Easing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Easing::Linear => f.write_str("linear"),
            Easing::Ease => f.write_str("ease"),
            Easing::EaseIn => f.write_str("ease-in"),
            Easing::EaseOut => f.write_str("ease-out"),
            Easing::EaseInOut => f.write_str("ease-in-out"),
            Easing::CubicBezier([a, b, c, d]) => write!(f, "cubic-bezier({a},{b},{c},{d})"),
        }
    }
}

/// An easing resolved for sampling: a cubic-bézier's polynomial, computed once rather than at
/// every sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Curve {
    /// Progress as it is.
    Linear,
    /// A cubic-bézier.
    Bezier(Bezier),
}

impl Curve {
    /// Resolves `e`.
    pub fn of(e: Easing) -> Curve {
        match e {
            Easing::Linear => Curve::Linear,
            Easing::Ease => Curve::Bezier(Bezier::new([0.25, 0.1, 0.25, 1.0])),
            Easing::EaseIn => Curve::Bezier(Bezier::new([0.42, 0.0, 1.0, 1.0])),
            Easing::EaseOut => Curve::Bezier(Bezier::new([0.0, 0.0, 0.58, 1.0])),
            Easing::EaseInOut => Curve::Bezier(Bezier::new([0.42, 0.0, 0.58, 1.0])),
            Easing::CubicBezier(c) => Curve::Bezier(Bezier::new(c.map(f64::from))),
        }
    }

    /// Progress of the value at progress `p` (0–1) through an iteration.
    pub fn ease(&self, p: f64) -> f64 {
        match self {
            Curve::Linear => p,
            Curve::Bezier(b) => b.solve(p),
        }
    }

    /// The most the eased progress can stray from 0–1 either way: a bézier's curve stays inside
    /// the hull of its control points.
    pub fn reach(&self) -> f64 {
        match self {
            Curve::Linear => 1.0,
            Curve::Bezier(b) => b.reach,
        }
    }
}

/// CSS `cubic-bezier()` as the polynomials `((a·t + b)·t + c)·t` of x and y.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bezier {
    ax: f64,
    bx: f64,
    cx: f64,
    ay: f64,
    by: f64,
    cy: f64,
    /// The largest magnitude of 1 and the control points' y.
    reach: f64,
}

impl Bezier {
    /// The curve through (0, 0), (`x1`, `y1`), (`x2`, `y2`) and (1, 1).
    pub fn new([x1, y1, x2, y2]: [f64; 4]) -> Bezier {
        let coeffs = |p1: f64, p2: f64| {
            let c = 3.0 * p1;
            let b = 3.0 * (p2 - p1) - c;
            (1.0 - c - b, b, c)
        };
        let (ax, bx, cx) = coeffs(x1, x2);
        let (ay, by, cy) = coeffs(y1, y2);
        Bezier { ax, bx, cx, ay, by, cy, reach: y1.abs().max(y2.abs()).max(1.0) }
    }

    /// Finds the curve parameter whose x is `x` (Newton, then bisection as a fallback, as
    /// browsers do), and returns its y.
    pub fn solve(&self, x: f64) -> f64 {
        if x <= 0.0 || x >= 1.0 {
            return x.clamp(0.0, 1.0);
        }
        let Bezier { ax, bx, cx, ay, by, cy, .. } = *self;
        let sample_x = |t: f64| ((ax * t + bx) * t + cx) * t;
        let slope_x = |t: f64| (3.0 * ax * t + 2.0 * bx) * t + cx;
        const EPS: f64 = 1e-7;
        let mut t = x;
        let mut solved = false;
        for _ in 0..8 {
            let err = sample_x(t) - x;
            if err.abs() < EPS {
                solved = true;
                break;
            }
            let d = slope_x(t);
            if d.abs() < 1e-6 {
                break;
            }
            t -= err / d;
        }
        if !solved || !(0.0..=1.0).contains(&t) {
            let (mut lo, mut hi) = (0.0, 1.0);
            t = x;
            for _ in 0..40 {
                let v = sample_x(t);
                if (v - x).abs() < EPS {
                    break;
                }
                if x > v {
                    lo = t;
                } else {
                    hi = t;
                }
                t = lo + (hi - lo) / 2.0;
            }
        }
        ((ay * t + by) * t + cy) * t
    }
}

/// When an animation runs and how it repeats, from its first sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// Milliseconds before the first iteration.
    pub delay_ms: f32,
    /// Milliseconds per iteration.
    pub duration_ms: f64,
    /// Iterations, above 0: fractional, or infinite.
    pub iterations: f32,
    /// Every other iteration runs backwards.
    pub alternate: bool,
}

/// Where an animation stands some time after its start.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Phase {
    /// In its delay: it shows where it starts.
    Delay,
    /// In iteration `k` (a whole number), `frac` of the way through it.
    At(f64, f64),
    /// Over: it shows where its last iteration ends ([`Timing::last`]).
    Ended,
}

impl Timing {
    /// The phase `since` ms after the first sample.
    pub fn phase(&self, since: f64) -> Phase {
        let elapsed = since - f64::from(self.delay_ms);
        if elapsed < 0.0 {
            return Phase::Delay;
        }
        let iterations = f64::from(self.iterations);
        let d = self.duration_ms;
        if d <= 0.0 || (iterations.is_finite() && elapsed >= iterations * d) {
            return Phase::Ended;
        }
        let cycles = elapsed / d;
        let k = libm::floor(cycles);
        Phase::At(k, cycles - k)
    }

    /// Where the last iteration ends, as the iteration and the fraction through it; `None` for
    /// an animation that never ends (it has no last iteration).
    pub fn last(&self) -> Option<(f64, f64)> {
        let iterations = f64::from(self.iterations);
        if !iterations.is_finite() {
            return None;
        }
        let k = libm::ceil(iterations) - 1.0;
        Some((k, iterations - k))
    }

    /// Progress through the curve at `frac` of iteration `k`: odd iterations of an alternating
    /// animation run backwards.
    pub fn directed(&self, k: f64, frac: f64) -> f64 {
        // Halving is exact, and cheaper than `fmod`, which would run once per animation per frame.
        let backwards = self.alternate && k >= 0.0 && libm::floor(k * 0.5) != k * 0.5;
        if backwards { 1.0 - frac } else { frac }
    }

    /// A time (ms after the first sample) before which the animation has surely not ended:
    /// infinite for one that never does. A millisecond short of the exact end, so that rounding
    /// never makes it late.
    pub fn runs_until(&self) -> f64 {
        let iterations = f64::from(self.iterations);
        if self.duration_ms <= 0.0 {
            return f64::NEG_INFINITY;
        }
        if !iterations.is_finite() {
            return f64::INFINITY;
        }
        f64::from(self.delay_ms) + iterations * self.duration_ms - 1.0
    }
}

/// `a` to `b` at eased progress `e`, in `f64` as every build computes it.
pub fn lerp(a: f32, b: f32, e: f64) -> f32 {
    let (x, y) = (f64::from(a), f64::from(b));
    (x + (y - x) * e) as f32
}

/// The part of a layer's props a track animates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lane {
    /// The horizontal scale, about the props' origin; never below 0.
    ScaleX,
    /// The vertical scale, about the props' origin; never below 0.
    ScaleY,
    /// The horizontal translation.
    TranslateX,
    /// The vertical translation.
    TranslateY,
    /// The opacity, held in 0–1.
    Opacity,
}

impl Lane {
    /// Every lane, in wire order.
    pub const ALL: [Lane; 5] = [Lane::ScaleX, Lane::ScaleY, Lane::TranslateX, Lane::TranslateY, Lane::Opacity];

    /// The lane's wire code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The lane a wire code names.
    pub fn from_code(code: u8) -> Option<Lane> {
        Lane::ALL.get(usize::from(code)).copied()
    }

    /// The name fixtures print.
    pub fn name(self) -> &'static str {
        match self {
            Lane::ScaleX => "scale-x",
            Lane::ScaleY => "scale-y",
            Lane::TranslateX => "translate-x",
            Lane::TranslateY => "translate-y",
            Lane::Opacity => "opacity",
        }
    }

    /// A sampled value made valid for the lane.
    pub fn hold(self, v: f32) -> f32 {
        match self {
            Lane::ScaleX | Lane::ScaleY => v.max(0.0),
            Lane::Opacity => v.clamp(0.0, 1.0),
            Lane::TranslateX | Lane::TranslateY => v,
        }
    }
}

/// An animation of one lane of a layer's props, sampled by the backend at each frame's time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Track {
    /// What it animates.
    pub lane: Lane,
    /// The value it starts from.
    pub from: f32,
    /// The value it heads for.
    pub to: f32,
    /// The frame time of its first sample, in ms.
    pub start: f64,
    /// Its delay, duration and repetition.
    pub timing: Timing,
    /// Its curve.
    pub easing: Easing,
}

impl Track {
    /// The value at frame time `t` (ms), held valid for its lane.
    pub fn sample(&self, t: f64) -> f32 {
        let curve = Curve::of(self.easing);
        let at = |(k, frac): (f64, f64)| lerp(self.from, self.to, curve.ease(self.timing.directed(k, frac)));
        let v = match self.timing.phase(t - self.start) {
            Phase::Delay => self.from,
            Phase::At(k, frac) => at((k, frac)),
            Phase::Ended => self.timing.last().map_or(self.to, at),
        };
        let v = if v.is_finite() && v.abs() <= MAX_ANIMATED { v } else { self.to };
        self.lane.hold(v)
    }
}

impl fmt::Display for Track {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Timing { delay_ms, duration_ms, iterations, alternate } = self.timing;
        write!(f, "{} {} -> {} from {} for {}", self.lane.name(), self.from, self.to, self.start, duration_ms)?;
        if delay_ms > 0.0 {
            write!(f, " delay {delay_ms}")?;
        }
        if iterations != 1.0 {
            write!(f, " repeat {iterations}")?;
        }
        if alternate {
            f.write_str(" alternate")?;
        }
        write!(f, " {}", self.easing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_curves_hit_known_points() {
        // Reference values from the CSS definitions, to four places.
        let ease_half = Curve::of(Easing::Ease).ease(0.5);
        assert!((ease_half - 0.8024).abs() < 1e-3, "{ease_half}");
        let in_out = Curve::of(Easing::EaseInOut).ease(0.5);
        assert!((in_out - 0.5).abs() < 1e-6, "{in_out}");
        for e in [Easing::Ease, Easing::EaseIn, Easing::EaseOut, Easing::Linear] {
            assert_eq!(Curve::of(e).ease(0.0), 0.0);
            assert_eq!(Curve::of(e).ease(1.0), 1.0);
        }
    }

    fn track(iterations: f32, alternate: bool) -> Track {
        let timing = Timing { delay_ms: 100.0, duration_ms: 1000.0, iterations, alternate };
        Track { lane: Lane::TranslateX, from: 0.0, to: 100.0, start: 50.0, timing, easing: Easing::Linear }
    }

    #[test]
    fn tracks_sample_delay_iterations_and_ends() {
        // (iterations, alternate, frame time, value)
        let cases = [
            (1.0, false, 0.0, 0.0),
            (1.0, false, 150.0, 0.0),
            (1.0, false, 650.0, 50.0),
            (1.0, false, 5000.0, 100.0),
            (2.0, true, 1400.0, 75.0),
            (2.5, true, 9000.0, 50.0),
            (2.0, true, 9000.0, 0.0),
            (f32::INFINITY, true, 10_150.0 + 250.0, 25.0),
            (f32::INFINITY, false, 10_150.0 + 250.0, 25.0),
        ];
        for (iterations, alternate, t, want) in cases {
            let got = track(iterations, alternate).sample(t);
            assert!((got - want).abs() < 1e-3, "{iterations} {alternate} at {t}: {got}, not {want}");
        }
    }

    #[test]
    fn samples_stay_valid_for_their_lane() {
        let wild = Easing::CubicBezier([0.5, 1e30, 0.5, -1e30]);
        let mut t = Track { easing: wild, ..track(1.0, false) };
        assert_eq!(t.sample(600.0), 100.0, "beyond MAX_ANIMATED: the target");
        t = Track { lane: Lane::Opacity, from: 0.0, to: 1.0, easing: Easing::CubicBezier([0.5, 3.0, 0.5, 3.0]), ..t };
        assert_eq!(t.sample(600.0), 1.0, "opacity is held in 0-1");
        t = Track { lane: Lane::ScaleX, from: 1.0, to: -1.0, easing: Easing::Linear, ..t };
        assert_eq!(t.sample(5000.0), 0.0, "a scale never goes below 0");
    }

    #[test]
    fn runs_until_is_never_late() {
        for (iterations, duration) in [(1.0, 1000.0), (3.5, 333.3), (7.0, 16.7), (0.25, 100.0)] {
            let timing = Timing { delay_ms: 12.5, duration_ms: duration, iterations, alternate: false };
            let until = timing.runs_until();
            assert!(matches!(timing.phase(until), Phase::At(..)), "{iterations} × {duration}");
        }
        let never = Timing { delay_ms: 0.0, duration_ms: 100.0, iterations: f32::INFINITY, alternate: true };
        assert_eq!(never.runs_until(), f64::INFINITY);
    }
}
