//! The compositor: each layer's pixels are kept between frames and rasterized again only where
//! its list or its scale changes; a frame composites them, moved, faded and clipped by their
//! props, into the damage.
//!
//! A layer's list is cut into **pieces** at its `DrawLayer` ops: runs of paint ops, each kept as a
//! [`Surface`], and the child layers between them, composited in paint order. A surface holds
//! the run's pixels at the layer's scale with no translation; it is composited at the layer's
//! translation rounded to whole pixels, so moving or scrolling a layer copies pixels and never
//! resamples them. (Layers therefore sit on the pixel grid — content moves by under half a
//! pixel — and the damage is grown by a pixel to cover that.) Whether a frame reuses a surface or
//! rasterizes it afresh gives the same pixels: a surface's pixels depend only on the layer's list
//! and scale, and one dropped to stay within the budget is rasterized again the same way.
//!
//! A new list does not throw every surface of the layer away: a run whose ops are the same as a
//! kept surface's (a scroll window stepped on, a child layer came or went elsewhere in the list)
//! keeps that surface, and a run where only a stretch of ops changed (a focus style, a label) is
//! rasterized again only over what those ops, old and new, draw ([`changed`]): the surface's
//! other pixels are those the same ops would draw afresh, and the stretch is drawn through a
//! mask of its area, which leaves every pixel outside untouched and every pixel inside as a
//! fresh raster makes it.
//!
//! Compositing a surface is a copy with blending (`blit.rs`), and a child layer's clip that is a
//! rectangle on the pixel grid narrows the damage it is drawn into rather than building a mask
//! (see [`Clip`]): a frame that damages a few pixels costs a few pixels, however many layers
//! there are.
//!
//! Surfaces cover the part of the layer near the screen ([`MARGIN`] around the viewport), not
//! the whole layer, so a long rail costs a screen's worth of pixels; scrolling past what a surface
//! covers rasterizes a new one. They are kept within a byte budget, least recently used first.
//!
//! Some lists cannot be cut: a child layer inside an opacity group of its parent's list, or a
//! layer with both children and an opacity of its own (a group that needs an offscreen buffer).
//! Those subtrees are drawn directly, op by op, as one list.

use std::collections::HashMap;

use marquee_display_list::layers::{Layer, LayerTree, ROOT};
use marquee_display_list::{IntRect, Op};
use tiny_skia as sk;

use crate::{Error, Painter, Sources};

/// How far beyond the viewport a surface covers, in pixels: a scroll of up to this much reuses
/// it.
pub const MARGIN: i32 = 256;

/// The bytes of layer pixels a canvas keeps by default.
pub const DEFAULT_BUDGET: usize = 64 << 20;

/// What one composite did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Work {
    /// Surfaces rasterized.
    pub(crate) rasterized: u32,
    /// Pixels of those surfaces.
    pub(crate) pixels_rasterized: u64,
    /// Pixels copied from surfaces onto the canvas.
    pub(crate) pixels_composited: u64,
    /// Operations drawn directly (subtrees that cannot be composited).
    pub(crate) direct_ops: u32,
    /// Operations skipped (see `DrawStats::skipped`).
    pub(crate) skipped: u32,
    /// Layers flattened (see `DrawStats::flattened`).
    pub(crate) flattened: u32,
}

/// A rasterized run of one layer's list.
struct Surface {
    /// The layer's content version it was rasterized from.
    version: u64,
    /// The scale it was rasterized at.
    scale: (f32, f32),
    /// What it covers, in the layer's pixels (device pixels before the layer's translation).
    area: IntRect,
    /// All the run's pixels, of which `area` is the part `near` the screen when rasterized.
    bounds: IntRect,
    near: IntRect,
    /// What it was rasterized from: the pushes open at the run's start, then the run. A new list
    /// whose run is the same (a scroll window that stepped on, a child layer added elsewhere in
    /// the list) keeps these pixels.
    ops: Vec<Op>,
    /// The text service's revision of each op's paragraph (0 for other ops): a text op names
    /// its paragraph, not its text, so equal ops over a paragraph that changed are not the same
    /// pixels.
    revisions: Vec<u64>,
    kept: crate::blit::Kept,
    /// The frame it was last composited in.
    used: u64,
}

/// One piece of a layer's list.
enum Piece {
    /// `ops[start..end]`, drawn after replaying the clips and transforms open at `start`.
    Run { start: usize, end: usize, open: Vec<Op> },
    /// A child layer, drawn under the clips and transforms open where it is.
    Child { id: u32, open: Vec<Op> },
}

/// Cuts a layer's list into pieces, or `None` when a child sits inside an opacity group.
fn pieces(ops: &[Op]) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    let mut open: Vec<Op> = Vec::new();
    let mut start = 0;
    let mut start_open = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        match *op {
            Op::PushClip { .. } | Op::PushTransform { .. } | Op::PushOpacity { .. } => open.push(*op),
            Op::PopClip | Op::PopTransform | Op::PopOpacity => {
                open.pop();
            }
            Op::DrawLayer { layer } => {
                if open.iter().any(|o| matches!(o, Op::PushOpacity { .. })) {
                    return None;
                }
                if i > start {
                    out.push(Piece::Run { start, end: i, open: std::mem::take(&mut start_open) });
                }
                out.push(Piece::Child { id: layer, open: open.clone() });
                start = i + 1;
                start_open = open.clone();
            }
            _ => {}
        }
    }
    if ops.len() > start {
        out.push(Piece::Run { start, end: ops.len(), open: start_open });
    }
    Some(out)
}

/// Where a layer lands: its transform to device pixels, its clip (a mask; `None`: none) and its
/// opacity. Drawing never leaves `damage`.
struct Place<'m> {
    transform: sk::Transform,
    mask: Option<&'m Mask>,
    opacity: f32,
    damage: &'m [IntRect],
}

/// The clips and transforms open where a child layer is drawn, as the walk applies them.
///
/// A clip that is a rectangle on the pixel grid (the usual scroll container or `overflow: clip`
/// box) only narrows the damage, which drawing never leaves: the same pixels as a mask, without
/// a mask per child layer per frame. Rounded or fractional clips build a [`Mask`] over the part
/// of the damage they cover (a rounded tile's picture costs its tile's pixels, not the canvas's).
struct Clip {
    transform: sk::Transform,
    damage: Vec<IntRect>,
    /// A mask of its own, once a clip needed one (it starts from the parent's).
    mask: Option<Mask>,
}

/// A clip's coverage over `rect` (canvas pixels); nothing is covered outside it.
pub(crate) struct Mask {
    pub(crate) mask: sk::Mask,
    pub(crate) rect: IntRect,
}

impl Mask {
    fn coverage(&self) -> crate::blit::Coverage<'_> {
        crate::blit::Coverage { data: self.mask.data(), rect: self.rect }
    }

    /// The coverage of canvas pixel (`x`, `y`).
    fn at(&self, x: i32, y: i32) -> u8 {
        let r = &self.rect;
        if x < r.x || y < r.y || x >= r.x + r.w || y >= r.y + r.h {
            return 0;
        }
        self.mask.data()[(y - r.y) as usize * r.w as usize + (x - r.x) as usize]
    }
}

impl Clip {
    fn then(&mut self, t: marquee_display_list::Transform) {
        self.transform = self.transform.pre_concat(sk::Transform::from_row(t.sx, 0.0, 0.0, t.sy, t.tx, t.ty));
    }

    fn clip(
        &mut self,
        rect: marquee_display_list::Rect,
        radii: marquee_display_list::Radii,
        parent: Option<&Mask>,
    ) -> Result<(), Error> {
        let t = self.transform;
        if !crate::drawable(rect, &radii.0, t) {
            self.damage.clear();
            return Ok(());
        }
        if let Some(r) = on_grid(rect, t).filter(|_| radii.0 == [0.0; 4]) {
            self.narrow(&r);
            return Ok(());
        }
        // The mask covers the clip's bounds (a pixel more for anti-aliasing) within the damage
        // and within the mask already in force.
        let bounds = on_device(rect, t).round_out();
        let grown = IntRect { x: bounds.x - 1, y: bounds.y - 1, w: bounds.w + 2, h: bounds.h + 2 };
        let outer = self.mask.as_ref().or(parent);
        let mut area = self.damage.iter().fold(IntRect::default(), |a, d| a.union(d)).intersect(&grown);
        if let Some(m) = outer {
            area = area.intersect(&m.rect);
        }
        if area.is_empty() {
            self.damage.clear();
            return Ok(());
        }
        let mut mask = sk::Mask::new(area.w as u32, area.h as u32)
            .ok_or(Error::BadSize { width: area.w as u32, height: area.h as u32 })?;
        match outer {
            // `area` lies inside the outer mask's rectangle: copy its rows.
            Some(m) => {
                let (w, mw) = (area.w as usize, m.rect.w as usize);
                for (y, row) in mask.data_mut().chunks_exact_mut(w).enumerate() {
                    let from = (area.y - m.rect.y) as usize * mw + y * mw + (area.x - m.rect.x) as usize;
                    row.copy_from_slice(&m.mask.data()[from..from + w]);
                }
            }
            None => mask.data_mut().fill(255),
        }
        match crate::rounded_rect(rect, radii) {
            Some(path) => {
                let local = t.post_translate(-area.x as f32, -area.y as f32);
                mask.intersect_path(&path, sk::FillRule::Winding, true, local);
            }
            None => mask.data_mut().fill(0),
        }
        self.narrow(&area);
        self.mask = Some(Mask { mask, rect: area });
        Ok(())
    }

    fn narrow(&mut self, r: &IntRect) {
        self.damage.iter_mut().for_each(|d| *d = d.intersect(r));
        self.damage.retain(|d| !d.is_empty());
    }
}

/// `rect` through `t`, a scale and a translation (the only transforms layers have).
fn on_device(rect: marquee_display_list::Rect, t: sk::Transform) -> marquee_display_list::Rect {
    let (x0, x1) = (t.sx * rect.x + t.tx, t.sx * (rect.x + rect.w) + t.tx);
    let (y0, y1) = (t.sy * rect.y + t.ty, t.sy * (rect.y + rect.h) + t.ty);
    marquee_display_list::Rect::new(x0.min(x1), y0.min(y1), (x1 - x0).abs(), (y1 - y0).abs())
}

/// `rect` through `t` (a scale and a translation) when every edge lands on a whole pixel.
pub(crate) fn on_grid(rect: marquee_display_list::Rect, t: sk::Transform) -> Option<IntRect> {
    if t.kx != 0.0 || t.ky != 0.0 {
        return None;
    }
    let r = on_device(rect, t);
    let whole = |v: f32| v == v.round();
    [r.x, r.y, r.x + r.w, r.y + r.h].into_iter().all(whole).then(|| r.round_out())
}

/// What a composite draws onto and with, and what it did: the walk passes it down whole.
struct Draw<'a, 's> {
    canvas: &'a mut sk::Pixmap,
    sources: Sources<'s>,
    work: Work,
}

/// The kept surfaces and their budget.
pub(crate) struct Compositor {
    surfaces: HashMap<(u32, u32), Surface>,
    budget: usize,
    bytes: usize,
    frame: u64,
}

impl Compositor {
    pub(crate) fn new(budget: usize) -> Compositor {
        Compositor { surfaces: HashMap::new(), budget, bytes: 0, frame: 0 }
    }

    /// Bytes of surfaces kept.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(crate) fn set_budget(&mut self, budget: usize) {
        self.budget = budget;
        self.trim();
    }

    /// Composites `tree` onto `canvas` inside the `damage` rectangles (on the canvas, not empty).
    pub(crate) fn composite(
        &mut self,
        tree: &LayerTree,
        canvas: &mut sk::Pixmap,
        damage: &[IntRect],
        sources: Sources<'_>,
    ) -> Result<Work, Error> {
        self.frame += 1;
        let mut d = Draw { canvas, sources, work: Work::default() };
        let place = Place { transform: sk::Transform::identity(), mask: None, opacity: 1.0, damage };
        if tree.get(ROOT).is_some() {
            self.layer(&mut d, tree, ROOT, &place, 0)?;
        }
        let work = d.work;
        // Surfaces of layers that are gone, or not composited for a while, go first.
        let frame = self.frame;
        let before = self.surfaces.len();
        self.surfaces.retain(|&(id, _), s| tree.get(id).is_some_and(|l| l.version == s.version) || s.used + 60 > frame);
        if self.surfaces.len() != before {
            self.bytes = self.surfaces.values().map(|s| s.kept.bytes()).sum();
        }
        self.trim();
        Ok(work)
    }

    /// Drops the least recently used surfaces until the kept ones fit the budget.
    fn trim(&mut self) {
        while self.bytes > self.budget {
            let Some((&key, _)) = self.surfaces.iter().min_by_key(|(k, s)| (s.used, **k)) else { break };
            if let Some(s) = self.surfaces.remove(&key) {
                self.bytes -= s.kept.bytes();
            }
        }
    }

    fn layer(
        &mut self,
        d: &mut Draw<'_, '_>,
        tree: &LayerTree,
        id: u32,
        place: &Place<'_>,
        depth: usize,
    ) -> Result<(), Error> {
        let Some(layer) = tree.get(id) else { return Ok(()) };
        if place.opacity <= 0.0 || layer.ops.is_empty() {
            return Ok(());
        }
        let cut = if layer.children.is_empty() || place.opacity >= 1.0 { pieces(&layer.ops) } else { None };
        let Some(pieces) = cut.filter(|_| depth < marquee_display_list::layers::MAX_DEPTH) else {
            return self.direct(d, tree, id, place);
        };
        for (k, piece) in pieces.iter().enumerate() {
            match piece {
                Piece::Run { start, end, open } => {
                    self.run(d, (id, k as u32), layer, (*start, *end, open), place)?;
                }
                Piece::Child { id: child, open } => {
                    let Some(c) = tree.get(*child) else { continue };
                    let mut clip = Clip { transform: place.transform, damage: place.damage.to_vec(), mask: None };
                    for op in open {
                        match *op {
                            Op::PushTransform { transform: t } => clip.then(t),
                            Op::PushClip { rect, radii } => clip.clip(rect, radii, place.mask)?,
                            _ => {}
                        }
                    }
                    let p = c.props;
                    if let Some((rect, radii)) = p.clip {
                        clip.clip(rect, radii, place.mask)?;
                    }
                    if clip.damage.is_empty() {
                        continue;
                    }
                    clip.then(p.transform());
                    let inner = Place {
                        transform: clip.transform,
                        mask: clip.mask.as_ref().or(place.mask),
                        opacity: place.opacity * p.opacity,
                        damage: &clip.damage,
                    };
                    self.layer(d, tree, *child, &inner, depth + 1)?;
                }
            }
        }
        Ok(())
    }

    /// Composites run `k` of layer `id` (`ops[start..end]` after the `open` pushes), rasterizing
    /// it first unless a surface of the same content and scale covers what is needed.
    fn run(
        &mut self,
        d: &mut Draw<'_, '_>,
        (id, k): (u32, u32),
        layer: &Layer,
        (start, end, open): (usize, usize, &[Op]),
        place: &Place<'_>,
    ) -> Result<(), Error> {
        let Draw { canvas, sources, work } = d;
        let t = place.transform;
        let scale = (t.sx, t.sy);
        if !(scale.0 > 0.0 && scale.1 > 0.0 && t.tx.is_finite() && t.ty.is_finite()) || t.kx != 0.0 || t.ky != 0.0 {
            return Ok(());
        }
        if t.tx.abs() > crate::MAX_COORD || t.ty.abs() > crate::MAX_COORD {
            return Ok(());
        }
        // The layer sits on the pixel grid: its translation, rounded, places its surfaces.
        let (dx, dy) = (t.tx.round() as i32, t.ty.round() as i32);
        let (w, h) = (canvas.width() as i32, canvas.height() as i32);
        // What the canvas can show of this layer, in its pixels.
        let near = IntRect { x: -dx - MARGIN, y: -dy - MARGIN, w: w + 2 * MARGIN, h: h + 2 * MARGIN };
        let onscreen = IntRect { x: -dx, y: -dy, w, h };
        let key = (id, k);
        let covers = |s: &Surface| s.scale == scale && contains(&s.near, &onscreen.intersect(&s.bounds));
        let run = || open.iter().chain(&layer.ops[start..end]);
        // Whether a kept surface drew the paragraphs as they are now (compared without
        // collecting them: this runs for every run composited, every frame).
        let glyphs: &dyn marquee_display_list::text::Glyphs = &*sources.glyphs;
        let same_text = |s: &Surface| s.revisions.iter().copied().eq(run().map(|op| revision(op, glyphs)));
        let mut fresh =
            self.surfaces.get(&key).is_some_and(|s| s.version == layer.version && covers(s) && same_text(s));
        if !fresh && self.surfaces.get(&key).is_none_or(|s| s.version != layer.version || !same_text(s)) {
            // The list changed: a kept run of this layer with the same ops is still good.
            let same = self.surfaces.iter().find(|((l, _), s)| {
                *l == id
                    && s.version != layer.version
                    && covers(s)
                    && s.ops.len() == open.len() + end - start
                    && s.ops.iter().eq(run())
                    && same_text(s)
            });
            if let Some((&old, _)) = same
                && let Some(mut s) = self.surfaces.remove(&old)
            {
                s.version = layer.version;
                if let Some(displaced) = self.surfaces.insert(key, s) {
                    self.bytes -= displaced.kept.bytes();
                }
                fresh = true;
            }
        }
        if !fresh {
            let bounds = bounds(&layer.ops[start..end], open, scale);
            let ops: Vec<Op> = run().copied().collect();
            let revisions: Vec<u64> = run().map(|op| revision(op, &*sources.glyphs)).collect();
            // The same piece at the same scale over the same pixels, with a few ops changed (a
            // focus style, a label): only what they cover is rasterized again.
            if let Some(s) = self.surfaces.get_mut(&key).filter(|s| {
                s.scale == scale
                    && contains(&s.near, &onscreen.intersect(&bounds))
                    && bounds.intersect(&s.near) == s.area
            }) && let Some(region) = changed(s, (&ops, &revisions), scale)
            {
                let local = IntRect { x: region.x - s.area.x, y: region.y - s.area.y, ..region };
                let base = surface_base(scale, s.area);
                s.kept.repaint(local, |pixmap, mask, cull| {
                    replay(pixmap, &ops, (base, Some(mask), cull), sources, work)
                })?;
                if !region.is_empty() {
                    work.rasterized += 1;
                    work.pixels_rasterized += region.area().max(0) as u64;
                }
                (s.version, s.bounds, s.ops, s.revisions) = (layer.version, bounds, ops, revisions);
            } else {
                let area = bounds.intersect(&near);
                if let Some(old) = self.surfaces.remove(&key) {
                    self.bytes -= old.kept.bytes();
                }
                if area.is_empty() {
                    return Ok(());
                }
                let mut pixmap = sk::Pixmap::new(area.w as u32, area.h as u32)
                    .ok_or(Error::BadSize { width: area.w as u32, height: area.h as u32 })?;
                let cull = marquee_display_list::Rect::new(0.0, 0.0, area.w as f32, area.h as f32);
                replay(&mut pixmap, &ops, (surface_base(scale, area), None, cull), sources, work)?;
                work.rasterized += 1;
                work.pixels_rasterized += (area.w as u64) * (area.h as u64);
                let kept = crate::blit::Kept::new(pixmap);
                self.bytes += kept.bytes();
                let surface = Surface {
                    version: layer.version,
                    scale,
                    area,
                    bounds,
                    near,
                    ops,
                    revisions,
                    kept,
                    used: self.frame,
                };
                self.surfaces.insert(key, surface);
            }
        }
        let Some(s) = self.surfaces.get_mut(&key) else { return Ok(()) };
        s.used = self.frame;
        let (x, y) = (s.area.x + dx, s.area.y + dy);
        let at = IntRect { x, y, w: s.area.w, h: s.area.h };
        // Whole pixels, no filtering: the surface is copied, never resampled.
        for d in place.damage {
            let r = at.intersect(d);
            if !r.is_empty() {
                crate::blit::source_over(canvas, &s.kept, (x, y), r, place.opacity, place.mask.map(Mask::coverage));
                work.pixels_composited += r.area().max(0) as u64;
            }
        }
        Ok(())
    }

    /// Draws layer `id` and everything under it op by op, straight onto the canvas.
    fn direct(&mut self, d: &mut Draw<'_, '_>, tree: &LayerTree, id: u32, place: &Place<'_>) -> Result<(), Error> {
        let Draw { canvas, sources, work } = d;
        let mut ops = Vec::new();
        tree.flatten_from(id, &mut ops);
        let t = place.transform;
        let base = sk::Transform::from_row(t.sx, 0.0, 0.0, t.sy, t.tx.round(), t.ty.round());
        let (w, h) = (canvas.width(), canvas.height());
        let mut mask = crate::damage_mask(place.damage, IntRect { x: 0, y: 0, w: w as i32, h: h as i32 })?;
        if let Some(clip) = place.mask {
            let coverage = (0..h as i32).flat_map(|y| (0..w as i32).map(move |x| (x, y))).map(|(x, y)| clip.at(x, y));
            for (d, c) in mask.data_mut().iter_mut().zip(coverage) {
                *d = ((u16::from(*d) * u16::from(c) + 127) / 255) as u8;
            }
        }
        let all = place.damage.iter().fold(IntRect::default(), |a, r| a.union(r));
        let cull = marquee_display_list::Rect::new(all.x as f32, all.y as f32, all.w as f32, all.h as f32);
        let group = place.opacity < 1.0;
        let open = Op::PushOpacity { opacity: place.opacity };
        let close = Op::PopOpacity;
        let all = group.then_some(&open).into_iter().chain(&ops).chain(group.then_some(&close));
        work.direct_ops += (ops.len() + 2 * usize::from(group)) as u32;
        replay(canvas, all, (base, Some(mask), cull), sources, work)
    }
}

/// Where a surface covering `area` (layer pixels at `scale`) draws from: the layer's list at that
/// scale, moved so that the area's corner is the pixmap's.
fn surface_base(scale: (f32, f32), area: IntRect) -> sk::Transform {
    sk::Transform::from_row(scale.0, 0.0, 0.0, scale.1, -area.x as f32, -area.y as f32)
}

/// Draws `ops` onto `pixmap` from `base`, through `mask`, skipping shapes wholly outside `cull`,
/// and counts in `work` what was skipped and flattened.
fn replay<'o>(
    pixmap: &mut sk::Pixmap,
    ops: impl IntoIterator<Item = &'o Op>,
    (base, mask, cull): (sk::Transform, Option<sk::Mask>, marquee_display_list::Rect),
    sources: &mut Sources<'_>,
    work: &mut Work,
) -> Result<(), Error> {
    let mut painter = Painter::new(pixmap.width(), pixmap.height(), base, mask, cull);
    for op in ops {
        if !painter.op(pixmap, op, sources)? {
            work.skipped += 1;
        }
    }
    work.flattened += painter.flattened;
    Ok(())
}

/// Whether `outer` covers `inner` (an empty `inner` is covered).
fn contains(outer: &IntRect, inner: &IntRect) -> bool {
    inner.is_empty()
        || (inner.x >= outer.x
            && inner.y >= outer.y
            && inner.x + inner.w <= outer.x + outer.w
            && inner.y + inner.h <= outer.y + outer.h)
}

/// The pixels `ops` (after `open`) may touch at `scale`, before any translation: every shape's
/// rectangle through the transforms in effect, text with its overhang, plus a pixel for
/// anti-aliasing. Clips are ignored (the result only needs to cover).
fn bounds(ops: &[Op], open: &[Op], scale: (f32, f32)) -> IntRect {
    let mut out = IntRect::default();
    each_bounds(open.iter().chain(ops), scale, |_, r| out = out.union(&r));
    out
}

/// Calls `each` with the position and the pixels (as [`bounds`] counts them) of every op of
/// `ops` that draws.
fn each_bounds<'a>(ops: impl Iterator<Item = &'a Op>, scale: (f32, f32), mut each: impl FnMut(usize, IntRect)) {
    let mut stack = vec![sk::Transform::from_row(scale.0, 0.0, 0.0, scale.1, 0.0, 0.0)];
    let add = |r: marquee_display_list::Rect, grow: f32, t: &sk::Transform| {
        let (x0, y0) = (t.sx * (r.x - grow) + t.tx, t.sy * (r.y - grow) + t.ty);
        let (x1, y1) = (t.sx * (r.x + r.w + grow) + t.tx, t.sy * (r.y + r.h + grow) + t.ty);
        let ok = |v: f32| v.is_finite() && v.abs() <= crate::MAX_COORD;
        [x0, y0, x1, y1].into_iter().all(ok).then(|| {
            let (w, h) = ((x1 - x0).abs() + 2.0, (y1 - y0).abs() + 2.0);
            marquee_display_list::Rect::new(x0.min(x1) - 1.0, y0.min(y1) - 1.0, w, h).round_out()
        })
    };
    for (i, op) in ops.enumerate() {
        let t = stack.last().copied().unwrap_or_default();
        let r = match *op {
            Op::FillRect { rect, .. } | Op::Border { rect, .. } => add(rect, 0.0, &t),
            Op::Image { dst, .. } => add(dst, 0.0, &t),
            Op::Text { rect, overhang, .. } => add(rect, overhang.max(0.0), &t),
            Op::PushTransform { transform: p } => {
                stack.push(t.pre_concat(sk::Transform::from_row(p.sx, 0.0, 0.0, p.sy, p.tx, p.ty)));
                None
            }
            Op::PopTransform if stack.len() > 1 => {
                stack.pop();
                None
            }
            _ => None,
        };
        if let Some(r) = r {
            each(i, r);
        }
    }
}

/// Whether the scopes (clips, transforms, opacity groups) `ops` open, they close, and none they
/// close was open before them: then they change nothing drawn outside them.
fn balanced(ops: &[Op]) -> bool {
    let mut depth = 0u32;
    for op in ops {
        match op {
            Op::PushClip { .. } | Op::PushTransform { .. } | Op::PushOpacity { .. } => depth += 1,
            Op::PopClip | Op::PopTransform | Op::PopOpacity => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}

/// What the text service says of `op`'s paragraph (see [`Surface::revisions`]); 0 for other ops.
fn revision(op: &Op, glyphs: &dyn marquee_display_list::text::Glyphs) -> u64 {
    match op {
        Op::Text { run, .. } => glyphs.revision(*run),
        _ => 0,
    }
}

/// Where a run's new ops differ from the ones `s` was rasterized from, in the surface's pixels:
/// the ops between their common start and common end, old and new (an op over a paragraph whose
/// revision changed differs). `None` when those open or close a scope of the ops around them
/// (everything inside it would change) or the change covers so much of the surface that
/// rasterizing it whole is as cheap.
fn changed(s: &Surface, (new, revisions): (&[Op], &[u64]), scale: (f32, f32)) -> Option<IntRect> {
    let old = &s.ops;
    let same = |i: usize, j: usize| old[i] == new[j] && s.revisions.get(i) == revisions.get(j);
    let p = (0..old.len().min(new.len())).take_while(|&i| same(i, i)).count();
    let q = (1..=(old.len() - p).min(new.len() - p)).take_while(|&k| same(old.len() - k, new.len() - k)).count();
    let (old_mid, new_mid) = (p..old.len() - q, p..new.len() - q);
    if !balanced(&old[old_mid.clone()]) || !balanced(&new[new_mid.clone()]) {
        return None;
    }
    let mut region = IntRect::default();
    each_bounds(old.iter(), scale, |i, r| {
        if old_mid.contains(&i) {
            region = region.union(&r);
        }
    });
    each_bounds(new.iter(), scale, |i, r| {
        if new_mid.contains(&i) {
            region = region.union(&r);
        }
    });
    let region = region.intersect(&s.area);
    (region.area() * 2 <= s.area.area()).then_some(region)
}

#[cfg(test)]
mod tests {
    use marquee_display_list::Rect;

    use super::*;

    #[test]
    fn only_clips_on_whole_pixels_narrow_the_damage() {
        let at = |sx, sy, tx, ty| sk::Transform::from_row(sx, 0.0, 0.0, sy, tx, ty);
        let cases = [
            (Rect::new(10.0, 20.0, 30.0, 40.0), at(1.0, 1.0, 0.0, 0.0), Some((10, 20, 30, 40))),
            (Rect::new(10.0, 20.0, 30.0, 40.0), at(1.0, 1.0, 5.0, -7.0), Some((15, 13, 30, 40))),
            (Rect::new(10.0, 20.0, 30.0, 40.0), at(2.0, 0.5, 0.0, 0.0), Some((20, 10, 60, 20))),
            // A fractional edge is anti-aliased by the mask: no shortcut.
            (Rect::new(10.5, 20.0, 30.0, 40.0), at(1.0, 1.0, 0.0, 0.0), None),
            (Rect::new(10.0, 20.0, 30.0, 40.0), at(1.06, 1.06, 0.0, 0.0), None),
            (Rect::new(10.0, 20.0, 30.0, 40.0), at(1.0, 1.0, 0.25, 0.0), None),
        ];
        for (rect, t, want) in cases {
            let got = on_grid(rect, t).map(|r| (r.x, r.y, r.w, r.h));
            assert_eq!(got, want, "{rect:?} through {t:?}");
        }
        let skewed = sk::Transform::from_row(1.0, 0.1, 0.0, 1.0, 0.0, 0.0);
        assert_eq!(on_grid(Rect::new(0.0, 0.0, 10.0, 10.0), skewed), None);
    }
}
