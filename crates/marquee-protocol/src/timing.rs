//! Timing of animations: easing curves and how an animation repeats, as the `Animate` command
//! carries them.
//!
//! The engine evaluates these (see `marquee-engine`'s `anim` module); this module only says what
//! they are, checks their ranges, and reads and writes them. On the wire a timing is
//! `duration:f32 delay:f32 easing:u8 p1..p4:f32 iterations:f32 alternate:u8`, 30 bytes, where
//! `p1..p4` are the easing's parameters (zero for the named curves).

use std::fmt;

use crate::style::EasingName;
use crate::wire::{Fields, Payload};

/// A timing curve: how progress through an animation maps to progress of the value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Easing {
    /// One of CSS's named curves.
    Named(EasingName),
    /// CSS `cubic-bezier(x1, y1, x2, y2)`; `x1` and `x2` lie in 0–1.
    CubicBezier([f32; 4]),
    /// A damped spring pulling the value to its target, in physical time: the animation lasts
    /// its duration, or until the spring settles when the duration is 0.
    Spring {
        /// Spring constant, above 0.
        stiffness: f32,
        /// Damping coefficient, 0 or more.
        damping: f32,
        /// Mass, above 0.
        mass: f32,
        /// Initial velocity in units of the whole change per second.
        velocity: f32,
    },
}

impl Default for Easing {
    fn default() -> Self {
        Easing::Named(EasingName::Ease)
    }
}

/// When an animation runs and how it repeats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// Milliseconds per iteration, 0–600,000.
    pub duration_ms: f32,
    /// Milliseconds before the first iteration starts, 0–600,000.
    pub delay_ms: f32,
    /// The timing curve of each iteration.
    pub easing: Easing,
    /// How many iterations, above 0; may be fractional, or infinite.
    pub iterations: f32,
    /// Whether every other iteration runs backwards.
    pub alternate: bool,
}

impl Default for Timing {
    fn default() -> Self {
        Timing { duration_ms: 0.0, delay_ms: 0.0, easing: Easing::default(), iterations: 1.0, alternate: false }
    }
}

/// Bytes a [`Timing`] takes on the wire.
pub(crate) const TIMING_LEN: usize = 30;

const CUBIC_BEZIER: u8 = 5;
const SPRING: u8 = 6;
const MAX_MS: f32 = 600_000.0;

impl Timing {
    pub(crate) fn encode(&self, p: &mut Payload<'_>) {
        let (kind, params) = match self.easing {
            Easing::Named(n) => (n as u8, [0.0; 4]),
            Easing::CubicBezier(c) => (CUBIC_BEZIER, c),
            Easing::Spring { stiffness, damping, mass, velocity } => (SPRING, [stiffness, damping, mass, velocity]),
        };
        p.f32(self.duration_ms).f32(self.delay_ms).u8(kind);
        for v in params {
            p.f32(v);
        }
        p.f32(self.iterations).u8(self.alternate as u8);
    }

    pub(crate) fn decode(f: &mut Fields<'_>) -> Result<Timing, &'static str> {
        let (duration_ms, delay_ms, kind) = (f.f32(), f.f32(), f.u8());
        let params = [f.f32(), f.f32(), f.f32(), f.f32()];
        let (iterations, alternate) = (f.f32(), f.u8());
        let easing = match kind {
            CUBIC_BEZIER => Easing::CubicBezier(params),
            SPRING => {
                let [stiffness, damping, mass, velocity] = params;
                Easing::Spring { stiffness, damping, mass, velocity }
            }
            k => Easing::Named(EasingName::from_index(k).ok_or("unknown easing")?),
        };
        let alternate = match alternate {
            0 => false,
            1 => true,
            _ => return Err("alternate is not 0 or 1"),
        };
        let t = Timing { duration_ms, delay_ms, easing, iterations, alternate };
        t.check()?;
        Ok(t)
    }

    /// Checks every field's range; the text parser and the decoder both call it.
    pub(crate) fn check(&self) -> Result<(), &'static str> {
        let ms = |v: f32| (0.0..=MAX_MS).contains(&v);
        if !ms(self.duration_ms) || !ms(self.delay_ms) {
            return Err("duration and delay must lie in 0..=600000 ms");
        }
        if self.iterations.is_nan() || self.iterations <= 0.0 {
            return Err("iterations must be above 0");
        }
        match self.easing {
            Easing::Named(_) => {}
            Easing::CubicBezier([x1, y1, x2, y2]) => {
                if ![y1, y2].iter().all(|v| v.is_finite()) || !(0.0..=1.0).contains(&x1) || !(0.0..=1.0).contains(&x2) {
                    return Err("cubic-bezier x1 and x2 must lie in 0..=1, y1 and y2 be finite");
                }
            }
            Easing::Spring { stiffness, damping, mass, velocity } => {
                let positive = |v: f32| v > 0.0 && v.is_finite();
                if !(positive(stiffness) && positive(mass) && damping >= 0.0 && damping.is_finite()) {
                    return Err("spring stiffness and mass must be above 0, damping 0 or more");
                }
                if !velocity.is_finite() {
                    return Err("spring velocity must be finite");
                }
            }
        }
        Ok(())
    }

    /// Reads the options of the text form, `[duration MS] [delay MS] [easing E] [repeat N|infinite]
    /// [alternate]`, starting from the defaults.
    pub(crate) fn parse(words: &[&str]) -> Result<Timing, String> {
        let mut t = Timing::default();
        let mut i = 0;
        let num = |w: Option<&&str>, what: &str| -> Result<f32, String> {
            let w = w.ok_or_else(|| format!("`{what}` needs a value"))?;
            if *w == "infinite" && what == "repeat" {
                return Ok(f32::INFINITY);
            }
            w.parse::<f32>().map_err(|_| format!("`{w}` is not a number"))
        };
        while i < words.len() {
            match words[i] {
                "duration" => t.duration_ms = num(words.get(i + 1), "duration")?,
                "delay" => t.delay_ms = num(words.get(i + 1), "delay")?,
                "repeat" => t.iterations = num(words.get(i + 1), "repeat")?,
                "easing" => t.easing = parse_easing(words.get(i + 1).ok_or("`easing` needs a value")?)?,
                "alternate" => {
                    t.alternate = true;
                    i += 1;
                    continue;
                }
                w => return Err(format!("`{w}` is not an animation option")),
            }
            i += 2;
        }
        t.check()?;
        Ok(t)
    }
}

fn parse_easing(w: &str) -> Result<Easing, String> {
    let call = |name: &str| -> Option<Result<[f32; 4], String>> {
        let args = w.strip_prefix(name)?.strip_prefix('(')?.strip_suffix(')')?;
        let vs: Result<Vec<f32>, _> = args.split(',').map(|a| a.trim().parse::<f32>()).collect();
        Some(match vs {
            Ok(v) if v.len() == 4 => Ok([v[0], v[1], v[2], v[3]]),
            _ => Err(format!("`{w}` needs four numbers")),
        })
    };
    if let Some(p) = call("cubic-bezier") {
        return Ok(Easing::CubicBezier(p?));
    }
    if let Some(p) = call("spring") {
        let [stiffness, damping, mass, velocity] = p?;
        return Ok(Easing::Spring { stiffness, damping, mass, velocity });
    }
    EasingName::from_name(w).map(Easing::Named).ok_or_else(|| format!("`{w}` is not an easing"))
}

impl fmt::Display for Easing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Easing::Named(n) => f.write_str(n.name()),
            Easing::CubicBezier([a, b, c, d]) => write!(f, "cubic-bezier({a},{b},{c},{d})"),
            Easing::Spring { stiffness, damping, mass, velocity } => {
                write!(f, "spring({stiffness},{damping},{mass},{velocity})")
            }
        }
    }
}

impl fmt::Display for Timing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "duration {} delay {} easing {}", self.duration_ms, self.delay_ms, self.easing)?;
        if self.iterations.is_infinite() {
            f.write_str(" repeat infinite")?;
        } else {
            write!(f, " repeat {}", self.iterations)?;
        }
        if self.alternate {
            f.write_str(" alternate")?;
        }
        Ok(())
    }
}
