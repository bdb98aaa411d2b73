//! Animation: values that move between two ends over frame time.
//!
//! Everything that moves on screen goes through here — the app's `Animate` commands, the
//! transitions between a node's plain and focused styles, scrolling, and layout transitions — so
//! all of them share one set of easings and one rule for interruption: a new animation of a
//! channel starts from the value the old one had reached, so nothing ever jumps.
//!
//! Time is only ever the frame time the host passes to `Engine::frame`; an animation starts at the
//! first frame that samples it. All arithmetic is `f64` with `libm` for the transcendental
//! functions, so the native engine, `engine.wasm` and `engine.js` compute identical bits.

use marquee_display_list::motion::{self, Lane, MAX_ANIMATED, Phase, Track};
use marquee_display_list::sort::sort_by_key;
use marquee_protocol::{Color, Easing, EasingName, StyleProperty, Timing};

/// One animatable quantity of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Channel {
    Background,
    BorderColor,
    /// A text node's colour.
    TextColor,
    /// An image node's placeholder colour.
    Placeholder,
    /// An image's fade-in, 0 to 1: the engine's own, never the app's.
    ImageFade,
    Radius(u8),
    Opacity,
    TranslateX,
    TranslateY,
    ScaleX,
    ScaleY,
    /// A scroll container's offset.
    ScrollX,
    ScrollY,
    /// The box a layout transition shows, relative to the parent.
    BoxX,
    BoxY,
    BoxW,
    BoxH,
}

impl Channel {
    /// The channel a style property animates, for the animatable properties.
    pub(crate) fn of(p: StyleProperty) -> Option<Channel> {
        use StyleProperty as P;
        Some(match p {
            P::BackgroundColor => Channel::Background,
            P::BorderColor => Channel::BorderColor,
            P::Color => Channel::TextColor,
            P::PlaceholderColor => Channel::Placeholder,
            P::RadiusTopLeft => Channel::Radius(0),
            P::RadiusTopRight => Channel::Radius(1),
            P::RadiusBottomRight => Channel::Radius(2),
            P::RadiusBottomLeft => Channel::Radius(3),
            P::Opacity => Channel::Opacity,
            P::TranslateX => Channel::TranslateX,
            P::TranslateY => Channel::TranslateY,
            P::ScaleX => Channel::ScaleX,
            P::ScaleY => Channel::ScaleY,
            _ => return None,
        })
    }

    /// The channel's bit in the debug query's answer, in the order of
    /// `marquee_engine_contract::debug::ANIMATING` (the radii share one; so do a layout
    /// transition's four).
    pub(crate) fn debug_bit(self) -> u32 {
        match self {
            Channel::Background => 0,
            Channel::BorderColor => 1,
            Channel::TextColor => 2,
            Channel::Placeholder => 3,
            Channel::ImageFade => 4,
            Channel::Radius(_) => 5,
            Channel::Opacity => 6,
            Channel::TranslateX => 7,
            Channel::TranslateY => 8,
            Channel::ScaleX => 9,
            Channel::ScaleY => 10,
            Channel::ScrollX => 11,
            Channel::ScrollY => 12,
            Channel::BoxX | Channel::BoxY | Channel::BoxW | Channel::BoxH => 13,
        }
    }

    /// Whether the channel moves a node as a whole (its transform or opacity): such nodes become
    /// layers.
    pub(crate) fn moves(self) -> bool {
        self.lane().is_some()
    }

    /// The lane of a layer's props the channel is, for those that move a node.
    pub(crate) fn lane(self) -> Option<Lane> {
        Some(match self {
            Channel::Opacity => Lane::Opacity,
            Channel::TranslateX => Lane::TranslateX,
            Channel::TranslateY => Lane::TranslateY,
            Channel::ScaleX => Lane::ScaleX,
            Channel::ScaleY => Lane::ScaleY,
            _ => return None,
        })
    }

    /// The style property behind a channel, for those the app can animate.
    pub(crate) fn property(self) -> Option<StyleProperty> {
        use StyleProperty as P;
        Some(match self {
            Channel::Background => P::BackgroundColor,
            Channel::BorderColor => P::BorderColor,
            Channel::TextColor => P::Color,
            Channel::Placeholder => P::PlaceholderColor,
            Channel::Radius(0) => P::RadiusTopLeft,
            Channel::Radius(1) => P::RadiusTopRight,
            Channel::Radius(2) => P::RadiusBottomRight,
            Channel::Radius(_) => P::RadiusBottomLeft,
            Channel::Opacity => P::Opacity,
            Channel::TranslateX => P::TranslateX,
            Channel::TranslateY => P::TranslateY,
            Channel::ScaleX => P::ScaleX,
            Channel::ScaleY => P::ScaleY,
            _ => return None,
        })
    }
}

/// A channel's value: a number in `[0]`, or a colour as premultiplied RGBA in 0–255, which is
/// the space where a fade from transparent does not pass through black.
pub(crate) type Value = [f32; 4];

pub(crate) fn number(v: f32) -> Value {
    [v, 0.0, 0.0, 0.0]
}

pub(crate) fn color_value(c: Color) -> Value {
    let [r, g, b, a] = c.rgba().map(f32::from);
    let k = a / 255.0;
    [r * k, g * k, b * k, a]
}

pub(crate) fn value_color(v: Value) -> Color {
    let a = v[3].clamp(0.0, 255.0);
    let un = |c: f32| if a > 0.0 { (c * 255.0 / a).round().clamp(0.0, 255.0) as u8 } else { 0 };
    Color(u32::from_be_bytes([un(v[0]), un(v[1]), un(v[2]), a.round() as u8]))
}

/// A running animation of one channel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Animation {
    pub(crate) from: Value,
    pub(crate) to: Value,
    /// Delay, duration (a spring's settling time filled in) and repetition.
    timing: motion::Timing,
    /// The easing, resolved when the animation starts.
    curve: Curve,
    /// The easing as a backend can sample it: `None` for a spring, and for colours and curves
    /// that could overshoot past [`MAX_ANIMATED`] (the engine samples those itself).
    easing: Option<motion::Easing>,
    /// Whether the value is a colour (four lanes) rather than a number (one).
    color: bool,
    /// The frame time of the first sample.
    start: Option<f64>,
    /// The app's tag; `None` for the engine's own transitions, which raise no events.
    pub(crate) tag: Option<u32>,
}

/// Where an animation stands after a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Sample {
    Running(Value),
    Done(Value),
    /// Its curve gave a value that is not finite or beyond [`MAX_ANIMATED`] (a spring or a
    /// cubic-bézier with extreme parameters): it ends at once on its target, reported as not
    /// finished, and no such value ever reaches paint or a backend.
    Broken(Value),
}

impl Animation {
    pub(crate) fn new(from: Value, to: Value, timing: Timing, tag: Option<u32>) -> Animation {
        let mut duration_ms = f64::from(timing.duration_ms);
        if let Easing::Spring { .. } = timing.easing
            && duration_ms <= 0.0
        {
            duration_ms = settle_ms(&timing.easing);
        }
        // Numbers keep lanes 1–3 at zero at both ends, and a lerp keeps them there.
        let color = from[1..] != [0.0; 3] || to[1..] != [0.0; 3];
        let easing = match timing.easing {
            Easing::Named(EasingName::Linear) => Some(motion::Easing::Linear),
            Easing::Named(EasingName::Ease) => Some(motion::Easing::Ease),
            Easing::Named(EasingName::EaseIn) => Some(motion::Easing::EaseIn),
            Easing::Named(EasingName::EaseOut) => Some(motion::Easing::EaseOut),
            Easing::Named(EasingName::EaseInOut) => Some(motion::Easing::EaseInOut),
            Easing::CubicBezier(c) => Some(motion::Easing::CubicBezier(c)),
            Easing::Spring { .. } => None,
        };
        let curve = match easing {
            Some(e) => Curve::Motion(motion::Curve::of(e)),
            None => Curve::Spring(timing.easing),
        };
        // Numbers whose curve cannot carry them past MAX_ANIMATED on the way (a bézier stays in
        // the hull of its control points) can go to a backend.
        let (a, b) = (f64::from(from[0]), f64::from(to[0]));
        let tame = |reach: f64| a.abs().max(b.abs()) + (b - a).abs() * reach <= f64::from(MAX_ANIMATED);
        let easing = match curve {
            Curve::Motion(c) if !color && tame(c.reach()) => easing,
            _ => None,
        };
        let timing = motion::Timing {
            delay_ms: timing.delay_ms,
            duration_ms,
            iterations: timing.iterations,
            alternate: timing.alternate,
        };
        Animation { from, to, timing, curve, easing, color, start: None, tag }
    }

    /// A one-off transition of the engine's own (focus styles, scrolling, layout).
    pub(crate) fn transition(from: Value, to: Value, duration_ms: f32, easing: EasingName) -> Animation {
        let timing = Timing { duration_ms, easing: Easing::Named(easing), ..Timing::default() };
        Animation::new(from, to, timing, None)
    }

    /// The value at frame time `t` (ms); the first sample fixes the start.
    pub(crate) fn sample(&mut self, t: f64) -> Sample {
        let start = *self.start.get_or_insert(t);
        self.at(t - start)
    }

    /// The value `since` ms after the start.
    fn at(&self, since: f64) -> Sample {
        let v = match self.timing.phase(since) {
            Phase::Delay => return Sample::Running(self.from),
            Phase::Ended => return Sample::Done(self.end()),
            Phase::At(k, frac) => self.value(k, frac),
        };
        if v.iter().all(|c| c.is_finite() && c.abs() <= MAX_ANIMATED) {
            Sample::Running(v)
        } else {
            Sample::Broken(self.to)
        }
    }

    /// The value at frame time `t` without starting the animation: where it stands for whoever
    /// asks between frames (a new animation of the channel starts from there).
    pub(crate) fn peek(&self, t: f64) -> Value {
        match self.start.map(|start| self.at(t - start)) {
            Some(Sample::Running(v) | Sample::Done(v) | Sample::Broken(v)) => v,
            None => self.from,
        }
    }

    /// The value the last iteration ends on: `to`, unless an alternating animation ends on a
    /// backward or partial pass.
    pub(crate) fn end(&self) -> Value {
        self.timing.last().map_or(self.to, |(k, frac)| self.value(k, frac))
    }

    fn value(&self, k: f64, frac: f64) -> Value {
        let e = self.curve.ease(self.timing.directed(k, frac), self.timing.duration_ms / 1000.0);
        if self.color {
            lerp(self.from, self.to, e)
        } else {
            // A number: the other lanes are zero at both ends, and stay so.
            number(motion::lerp(self.from[0], self.to[0], e))
        }
    }

    /// Whether a backend samples it once it has started, when it animates `c`: a transform or
    /// opacity whose curve a backend has (see `easing`).
    fn for_backend(&self, c: Channel) -> bool {
        c.moves() && self.easing.is_some()
    }

    /// The animation as a backend samples it, once started, if a backend can (see `easing`).
    pub(crate) fn track(&self, lane: Lane) -> Option<Track> {
        let (easing, start) = (self.easing?, self.start?);
        Some(Track { lane, from: self.from[0], to: self.to[0], start, timing: self.timing, easing })
    }

    /// A frame time before which a started animation surely runs on.
    pub(crate) fn runs_until(&self) -> f64 {
        self.start.map_or(f64::NEG_INFINITY, |s| s + self.timing.runs_until())
    }
}

/// The animations of one node, by channel.
#[derive(Debug)]
struct Group {
    node: u32,
    /// Sorted by channel; never empty while the group is kept.
    running: Vec<(Channel, Animation)>,
    /// The frame time from which [`Animations::step`] must sample it again: its animations that
    /// run but need no sampling are the backend's ([`delegated`]) until they end.
    due: f64,
}

/// Whether the backend samples channel `c`'s animation `a` (its node being a layer) at frame
/// time `t`, so that the engine need not: a transform or opacity animation, started, that a
/// backend can sample and that has not ended.
fn delegated(c: Channel, a: &Animation, t: f64) -> bool {
    a.for_backend(c) && a.start.is_some() && t < a.runs_until()
}

/// The running animations, one per node and channel, sampled (and reported) in the order of
/// node and channel so every build does the same.
///
/// Stress scenes run tens of thousands, so the store is flat: a group per node in a vector, found
/// through an index by node. Groups are appended and removed by swapping, which may leave them
/// out of node order; [`Animations::step`] sorts them back first (a linear pass when none
/// moved), so lookups never search and a frame walks contiguous memory.
#[derive(Debug, Default)]
pub(crate) struct Animations {
    groups: Vec<Group>,
    /// Node → position in `groups` plus one (0: no animation).
    slot: Vec<u32>,
    /// Animations running, over all groups.
    count: usize,
    /// The groups may be out of node order.
    unsorted: bool,
    /// Changes whenever an animation starts or ends: which nodes animate may have changed.
    generation: u64,
}

impl Animations {
    fn group(&self, node: usize) -> Option<usize> {
        self.slot.get(node).and_then(|&s| s.checked_sub(1)).map(|s| s as usize)
    }

    fn find(&self, node: usize, c: Channel) -> Option<(usize, Result<usize, usize>)> {
        let g = self.group(node)?;
        Some((g, self.groups[g].running.binary_search_by_key(&c, |e| e.0)))
    }

    /// Starts `a`, returning the animation of the same channel it replaces.
    pub(crate) fn start(&mut self, node: usize, c: Channel, a: Animation) -> Option<Animation> {
        self.generation += 1;
        match self.find(node, c) {
            Some((g, Ok(i))) => {
                self.groups[g].due = f64::NEG_INFINITY;
                Some(std::mem::replace(&mut self.groups[g].running[i].1, a))
            }
            Some((g, Err(i))) => {
                self.groups[g].due = f64::NEG_INFINITY;
                self.groups[g].running.insert(i, (c, a));
                self.count += 1;
                None
            }
            None => {
                if self.slot.len() <= node {
                    self.slot.resize(node + 1, 0);
                }
                if self.groups.last().is_some_and(|l| l.node as usize > node) {
                    self.unsorted = true;
                }
                self.groups.push(Group { node: node as u32, running: vec![(c, a)], due: f64::NEG_INFINITY });
                self.slot[node] = self.groups.len() as u32;
                self.count += 1;
                None
            }
        }
    }

    /// The channels animating on `node`, as the debug query's bits (see
    /// `marquee_engine_contract::debug::ANIMATING`).
    pub(crate) fn running_on(&self, node: usize) -> u32 {
        let Some(g) = self.group(node) else { return 0 };
        self.groups[g].running.iter().fold(0, |bits, (c, _)| bits | 1 << c.debug_bit())
    }

    /// The running animation of a channel, if one runs.
    pub(crate) fn get(&self, node: usize, c: Channel) -> Option<&Animation> {
        match self.find(node, c)? {
            (g, Ok(i)) => Some(&self.groups[g].running[i].1),
            _ => None,
        }
    }

    /// Where the running animation of a channel is heading, if one runs.
    pub(crate) fn heading(&self, node: usize, c: Channel) -> Option<Value> {
        self.get(node, c).map(|a| a.to)
    }

    /// Appends to `out` the tracks a backend samples for `node`'s layer: its started transform
    /// and opacity animations that a backend can sample.
    pub(crate) fn tracks(&self, node: usize, out: &mut Vec<Track>) {
        let Some(g) = self.group(node) else { return };
        for (c, a) in &self.groups[g].running {
            if let Some(track) = c.lane().and_then(|lane| a.track(lane)) {
                out.push(track);
            }
        }
    }

    pub(crate) fn stop(&mut self, node: usize, c: Channel) -> Option<Animation> {
        let (g, Ok(i)) = self.find(node, c)? else { return None };
        self.generation += 1;
        let (_, a) = self.groups[g].running.remove(i);
        self.count -= 1;
        if self.groups[g].running.is_empty() {
            self.remove_group(g);
        }
        Some(a)
    }

    /// Stops every animation of `node`, calling `ended` for each.
    pub(crate) fn stop_node(&mut self, node: usize, mut ended: impl FnMut(Channel, Animation)) {
        let Some(g) = self.group(node) else { return };
        self.generation += 1;
        let group = self.remove_group(g);
        self.count -= group.running.len();
        for (c, a) in group.running {
            ended(c, a);
        }
    }

    /// Removes group `g` by swapping the last one into its place.
    fn remove_group(&mut self, g: usize) -> Group {
        let group = self.groups.swap_remove(g);
        self.slot[group.node as usize] = 0;
        if let Some(moved) = self.groups.get(g) {
            self.slot[moved.node as usize] = g as u32 + 1;
            self.unsorted = true;
        }
        group
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// A number that changes whenever an animation starts or ends.
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// Writes into `moving` the nodes whose transform or opacity animates and into `fading` the
    /// image nodes fading in, each once and in node order: the engine makes them (or their
    /// pictures) layers.
    pub(crate) fn layered(&self, moving: &mut Vec<u32>, fading: &mut Vec<u32>) {
        moving.clear();
        fading.clear();
        for g in &self.groups {
            if g.running.iter().any(|(c, _)| c.moves()) {
                moving.push(g.node);
            }
            if g.running.iter().any(|(c, _)| *c == Channel::ImageFade) {
                fading.push(g.node);
            }
        }
        if self.unsorted {
            sort_by_key(moving, |&n| n);
            sort_by_key(fading, |&n| n);
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// Samples every animation at `t` but those the backend samples ([`delegated`]), handing
    /// each value to `apply` with, for one that ended, the animation and whether it finished
    /// (rather than broke: see [`Sample::Broken`]); ended animations are dropped. A node whose
    /// animations all belong to the backend costs one comparison until the first of them ends.
    pub(crate) fn step(&mut self, t: f64, mut apply: impl FnMut(usize, Channel, Value, Option<(&Animation, bool)>)) {
        if std::mem::take(&mut self.unsorted) {
            // One group a node (`slot`): unstable orders them as stable would.
            sort_by_key(&mut self.groups, |g| g.node);
            self.reindex();
        }
        let mut ended = 0;
        for group in &mut self.groups {
            if t < group.due {
                continue;
            }
            let node = group.node as usize;
            let mut due = f64::INFINITY;
            group.running.retain_mut(|(c, a)| {
                if delegated(*c, a, t) {
                    due = due.min(a.runs_until());
                    return true;
                }
                let (v, end) = match a.sample(t) {
                    Sample::Running(v) => (v, None),
                    Sample::Done(v) => (v, Some(true)),
                    Sample::Broken(v) => (v, Some(false)),
                };
                apply(node, *c, v, end.map(|finished| (&*a, finished)));
                ended += usize::from(end.is_some());
                if end.is_none() {
                    // From the next frame on the backend samples it, if it can (its node is a
                    // layer from this frame on); else the engine does.
                    due = if a.for_backend(*c) { due.min(a.runs_until()) } else { f64::NEG_INFINITY };
                }
                end.is_none()
            });
            group.due = due;
        }
        if ended > 0 {
            self.generation += 1;
            self.count -= ended;
            // Dropping the emptied groups in place keeps the rest in order.
            let slot = &mut self.slot;
            self.groups.retain(|g| {
                if g.running.is_empty() {
                    slot[g.node as usize] = 0;
                }
                !g.running.is_empty()
            });
            self.reindex();
        }
    }

    /// Points the index by node at each group's place.
    fn reindex(&mut self) {
        for (i, g) in self.groups.iter().enumerate() {
            self.slot[g.node as usize] = i as u32 + 1;
        }
    }
}

fn lerp(a: Value, b: Value, t: f64) -> Value {
    let mut out = [0.0; 4];
    for i in 0..4 {
        let (x, y) = (f64::from(a[i]), f64::from(b[i]));
        out[i] = (x + (y - x) * t) as f32;
    }
    out
}

/// An easing resolved for sampling: the curves a backend shares, or a spring.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Curve {
    Motion(motion::Curve),
    Spring(Easing),
}

impl Curve {
    /// Progress of the value at progress `p` (0–1) through an iteration lasting `seconds`.
    fn ease(&self, p: f64, seconds: f64) -> f64 {
        match self {
            Curve::Motion(c) => c.ease(p),
            Curve::Spring(e) => {
                if p >= 1.0 {
                    1.0
                } else {
                    1.0 + spring_offset(e, p * seconds)
                }
            }
        }
    }
}

/// A damped spring released at 0 towards 1: the displacement from 1 after `t` seconds.
fn spring_offset(e: &Easing, t: f64) -> f64 {
    let Easing::Spring { stiffness, damping, mass, velocity } = *e else { return 0.0 };
    let (k, c, m, v0) = (f64::from(stiffness), f64::from(damping), f64::from(mass), f64::from(velocity));
    let w0 = libm::sqrt(k / m);
    let zeta = c / (2.0 * libm::sqrt(k * m));
    if (zeta - 1.0).abs() < 1e-6 {
        // Critically damped.
        let b = v0 - w0;
        (-1.0 + b * t) * libm::exp(-w0 * t)
    } else if zeta < 1.0 {
        let wd = w0 * libm::sqrt(1.0 - zeta * zeta);
        let b = (v0 - zeta * w0) / wd;
        libm::exp(-zeta * w0 * t) * (-libm::cos(wd * t) + b * libm::sin(wd * t))
    } else {
        let s = libm::sqrt(zeta * zeta - 1.0);
        let (r1, r2) = (-w0 * (zeta - s), -w0 * (zeta + s));
        let c1 = (v0 + r2) / (r1 - r2);
        c1 * libm::exp(r1 * t) + (-1.0 - c1) * libm::exp(r2 * t)
    }
}

/// How long a spring takes to come within 0.1% of its target for good, in ms (at most 10 s).
fn settle_ms(e: &Easing) -> f64 {
    const STEP: f64 = 1.0 / 240.0;
    let mut last_out = 0.0;
    let mut t = 0.0;
    while t <= 10.0 {
        if spring_offset(e, t).abs() >= 1e-3 {
            last_out = t;
        }
        t += STEP;
    }
    libm::ceil((last_out + STEP) * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn springs_settle_on_target() {
        for damping in [5.0, 26.0, 60.0] {
            let e = Easing::Spring { stiffness: 170.0, damping, mass: 1.0, velocity: 0.0 };
            let ms = settle_ms(&e);
            assert!(ms > 50.0 && ms <= 10_001.0, "damping {damping}: {ms}");
            assert!(spring_offset(&e, ms / 1000.0).abs() < 1e-3);
        }
    }

    #[test]
    fn colours_round_trip_through_values() {
        for c in [0xff8800ff, 0x00000000, 0x12345680, 0xffffff01] {
            assert_eq!(value_color(color_value(Color(c))).0 & 0xff, c & 0xff);
        }
        assert_eq!(value_color(color_value(Color(0xff8800ff))), Color(0xff8800ff));
    }
}
