//! Records one layer's display list from the scene and the computed layout, and what each node
//! in it painted, so the next recording can say what changed.
//!
//! A layer (see `layers.rs`) is the root, the contents of a scroll container, a node whose
//! transform or opacity animates, or the picture of an image fading in. Recording one walks its
//! part of the tree: where the walk meets a node that is a layer of its own, or a scroll
//! container's children, it writes a `DrawLayer` and goes no further, noting where the child
//! layer is drawn ([`Place`]); a fading picture is drawn by a `DrawLayer` over its placeholder.
//!
//! Coordinates are root coordinates with no scroll offset applied: scrolling and a layer's own
//! transform are the layer's props, so they change without re-recording. The walk is iterative
//! (an explicit stack), so tree depth costs heap, not Wasm stack. Paint order is tree order with
//! siblings stably sorted by `z-index`. A node whose box, after transforms, falls outside the
//! clip paints nothing (culling) — in the root layer the viewport is that clip, in a clipping
//! scroll container's layer the part of its content near its box ([`window`]); node layers move,
//! so only the clips inside them cull. When a clipping node is itself outside, its
//! whole subtree is skipped. Push operations whose scope paints nothing are taken back.

use marquee_display_list::layers::Props;
use marquee_display_list::sort::sort_by_key;
use marquee_display_list::{Checkpoint, Color, Encoder, Op, Radii, Rect, Transform};
use marquee_protocol::ObjectFit;

use crate::damage::Record;
use crate::image::{Images, Load};
use crate::scene::{Content, Scene};

/// The clip of a layer that is not the root: nothing culls but the clips inside it.
pub(crate) const UNBOUNDED: Rect = Rect::new(-1e9, -1e9, 2e9, 2e9);

/// Which part of the scene a layer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Everything not in another layer.
    Root,
    /// A node whose transform or opacity animates, and its subtree.
    Node(usize),
    /// A scroll container's children (scrolled by the layer's transform).
    Scroll(usize),
    /// An image node's picture while it fades in, the fade being the layer's opacity: a fade
    /// then moves no other pixels (its placeholder stays in the layer drawing the node).
    Picture(usize),
}

impl Kind {
    /// The layer id the frame uses.
    pub(crate) fn id(self) -> u32 {
        match self {
            Kind::Root => 0,
            Kind::Node(n) => 3 * n as u32 + 1,
            Kind::Scroll(n) => 3 * n as u32 + 2,
            Kind::Picture(n) => 3 * n as u32 + 3,
        }
    }

    pub(crate) fn of(id: u32) -> Kind {
        let n = (id as usize).wrapping_sub(1) / 3;
        match id {
            0 => Kind::Root,
            _ => match (id - 1) % 3 {
                0 => Kind::Node(n),
                1 => Kind::Scroll(n),
                _ => Kind::Picture(n),
            },
        }
    }
}

/// Which nodes are layers of their own, as a recording sees them.
pub(crate) trait Promoted {
    /// Node `n` and its subtree are a layer.
    fn node(&self, n: usize) -> bool;
    /// Image node `n`'s picture is a layer.
    fn picture(&self, n: usize) -> bool;
}

/// What a node inherits from its ancestors within its layer during the walk.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    /// The parent's border-box origin in root coordinates (pre-transform, unscrolled).
    origin: (f32, f32),
    /// Root coordinates → the layer's coordinates.
    device: Transform,
    /// The clip in the layer's coordinates.
    clip: Rect,
    /// Product of the opacities inside the layer.
    opacity: f32,
    /// Identifies the node's position in paint order; changes when siblings are reordered.
    order: u64,
}

/// Where a layer's parent draws it: the state of the parent's list at its `DrawLayer`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Place {
    /// The origin its node's box is laid out from (the node's parent's border-box origin).
    pub(crate) origin: (f32, f32),
    /// Its node's border box, in root coordinates.
    pub(crate) bx: Rect,
    /// The transforms the parent's list has pushed around it.
    pub(crate) transform: Transform,
    /// The parent's clip around it, in the parent's coordinates.
    pub(crate) clip: Rect,
    /// The opacities the parent's list has pushed around it.
    pub(crate) opacity: f32,
}

/// What recording one layer found.
#[derive(Debug, Default)]
pub(crate) struct Recording {
    /// Each painting node's record, in paint order.
    pub(crate) records: Vec<(u32, Record)>,
    /// The layers drawn by this one, in paint order, and where.
    pub(crate) children: Vec<(u32, Place)>,
    /// The images shown: handle, node and where (in the layer's coordinates, clipped).
    pub(crate) images: Vec<(u32, u32, Rect)>,
}

/// The pushes a node made, undone in reverse when its subtree is done.
#[derive(Debug, Clone, Copy, Default)]
struct Scopes {
    transform: Option<(Checkpoint, Checkpoint)>,
    opacity: Option<(Checkpoint, Checkpoint)>,
    clip: Option<(Checkpoint, Checkpoint)>,
}

enum Step {
    Enter(u32, Ctx),
    Exit(Scopes),
}

/// FNV-1a: tiny, deterministic on every target, good enough to tell paint states apart.
pub(crate) fn hash(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

const HASH_SEED: u64 = 0xcbf2_9ce4_8422_2325;

fn hash_f32s(h: u64, vs: &[f32]) -> u64 {
    vs.iter().fold(h, |h, v| hash(h, &v.to_bits().to_le_bytes()))
}

/// A node's transform (scale about the box centre, CSS's default transform-origin, then
/// translate) as a layer's props carry it, the opacity left at 1.
pub(crate) fn node_props(scene: &Scene, i: usize, bx: Rect) -> Props {
    let v = &scene.visual[i];
    let origin = [bx.x + bx.w / 2.0, bx.y + bx.h / 2.0];
    Props { scale: v.scale, translate: v.translate, origin, ..Props::default() }
}

/// A node's transform, or `None` when it has none.
pub(crate) fn node_transform(scene: &Scene, i: usize, bx: Rect) -> Option<Transform> {
    let v = &scene.visual[i];
    let moved = v.translate != [0.0, 0.0] || v.scale != [1.0, 1.0];
    moved.then(|| node_props(scene, i, bx).transform())
}

/// Whether node `i`'s children form a scroll layer.
pub(crate) fn scrolls(scene: &Scene, i: usize) -> bool {
    scene.visual[i].scroll && !scene.tree[i].children.is_empty()
}

/// Records layer `kind` into `out` (cleared first). `place` is where its parent draws it (unused
/// for the root); `promoted` says which nodes are layers of their own.
pub(crate) fn record(
    scene: &Scene,
    images: &Images,
    promoted: &dyn Promoted,
    kind: Kind,
    place: Option<&Place>,
    viewport: Rect,
    out: &mut Encoder,
) -> Recording {
    out.clear();
    let mut rec = Recording::default();
    let base = Ctx { origin: (0.0, 0.0), device: Transform::IDENTITY, clip: UNBOUNDED, opacity: 1.0, order: HASH_SEED };
    let mut stack = Vec::new();
    let mut order: Vec<u32> = Vec::new();
    let own = match (kind, place) {
        (Kind::Root, _) => {
            stack.push(Step::Enter(0, Ctx { clip: viewport, ..base }));
            None
        }
        (Kind::Node(n), Some(p)) => {
            stack.push(Step::Enter(n as u32, Ctx { origin: p.origin, ..base }));
            Some(n)
        }
        (Kind::Scroll(n), Some(p)) => {
            children_in_order(scene, n, &mut order);
            let clip = window(scene, n, p.bx).unwrap_or(UNBOUNDED);
            let ctx = Ctx { origin: (p.bx.x, p.bx.y), clip, ..base };
            for (k, &c) in order.iter().enumerate().rev() {
                stack.push(Step::Enter(c, Ctx { order: hash(HASH_SEED, &(k as u32).to_le_bytes()), ..ctx }));
            }
            None
        }
        (Kind::Picture(n), Some(p)) => {
            picture(scene, images, n, p.bx, out, &mut rec);
            return rec;
        }
        _ => return rec,
    };
    while let Some(step) = stack.pop() {
        let (i, ctx) = match step {
            Step::Exit(scopes) => {
                close(out, scopes);
                continue;
            }
            Step::Enter(i, ctx) => (i as usize, ctx),
        };
        let v = &scene.visual[i];
        let layer = own != Some(i) && promoted.node(i);
        // A layer's own opacity is a prop: at 0 it is still recorded, to be shown as it fades in.
        if !v.display || (v.opacity <= 0.0 && !layer && own != Some(i)) {
            continue;
        }
        let (lx, ly, w, h) = scene.paint_box(i);
        let bx = Rect::new(ctx.origin.0 + lx, ctx.origin.1 + ly, w, h);
        if layer {
            let id = Kind::Node(i).id();
            out.push(&Op::DrawLayer { layer: id });
            let place = Place { origin: ctx.origin, bx, transform: ctx.device, clip: ctx.clip, opacity: ctx.opacity };
            rec.children.push((id, place));
            continue;
        }
        let mut scopes = Scopes::default();
        let mut device = ctx.device;
        let mut opacity = ctx.opacity;
        // A layer's own transform and opacity are its props, not part of its list.
        if own != Some(i) {
            if let Some(t) = node_transform(scene, i, bx) {
                device = t.then(&ctx.device);
                scopes.transform = Some(open(out, Op::PushTransform { transform: t }));
            }
            if v.opacity < 1.0 {
                opacity *= v.opacity;
                scopes.opacity = Some(open(out, Op::PushOpacity { opacity: v.opacity }));
            }
        }

        let visible = device.map_rect(&bx).intersect(&ctx.clip);
        if !visible.is_empty() {
            let before = out.checkpoint();
            let radii = Radii(v.radii);
            if !v.background.is_transparent() {
                out.push(&Op::FillRect { rect: bx, radii, color: Color(v.background.0) });
            }
            if v.border_width > 0.0 && !v.border_color.is_transparent() {
                out.push(&Op::Border { rect: bx, radii, width: v.border_width, color: Color(v.border_color.0) });
            }
            let mut revision = 0;
            let mut bounds = visible;
            match &scene.content[i] {
                Content::None => {}
                Content::Text(t) => {
                    if !t.text.is_empty() && !v.color.is_transparent() {
                        let rect = content_box(scene, i, bx);
                        // Half an em holds accents, descenders and italic overhang even at a
                        // tight line height.
                        let overhang = (t.style.size / 2.0).ceil();
                        out.push(&Op::Text { run: i as u32, rect, overhang, color: Color(v.color.0) });
                        revision = t.revision;
                        let ink = Rect::new(
                            rect.x - overhang,
                            rect.y - overhang,
                            rect.w + 2.0 * overhang,
                            rect.h + 2.0 * overhang,
                        );
                        bounds = bounds.union(&device.map_rect(&ink).intersect(&ctx.clip));
                    }
                }
                Content::Image(n) => {
                    if n.handle != 0 {
                        rec.images.push((n.handle, i as u32, visible));
                    }
                    let own_picture = promoted.picture(i);
                    let part = if own_picture { Part::Placeholder } else { Part::Both };
                    image_content(out, images, scene, i, bx, part);
                    if own_picture {
                        let id = Kind::Picture(i).id();
                        out.push(&Op::DrawLayer { layer: id });
                        let place = Place { origin: ctx.origin, bx, transform: device, clip: ctx.clip, opacity };
                        rec.children.push((id, place));
                    }
                }
            }
            let painted = out.since(before);
            if !painted.is_empty() {
                let d = device;
                let c = ctx.clip;
                // The op names the paragraph, not its text: the revision tells texts apart.
                let mut h = hash(hash(ctx.order, painted), &revision.to_le_bytes());
                h = hash_f32s(h, &[d.sx, d.sy, d.tx, d.ty, c.x, c.y, c.w, c.h, opacity]);
                rec.records.push((i as u32, Record { bounds, hash: h }));
            }
        }

        if scrolls(scene, i) {
            // The children are a layer of their own, clipped and scrolled by its props — none
            // at all while the clipping container is out of this layer's sight.
            if v.clip && visible.is_empty() {
                close(out, scopes);
                continue;
            }
            let id = Kind::Scroll(i).id();
            out.push(&Op::DrawLayer { layer: id });
            let place = Place { origin: ctx.origin, bx, transform: device, clip: ctx.clip, opacity };
            rec.children.push((id, place));
            close(out, scopes);
            continue;
        }
        let children = &scene.tree[i].children;
        let mut clip = ctx.clip;
        if !children.is_empty() && v.clip {
            // Overflow is clipped at the padding box with the inner radii (CSS): children never
            // cover the node's own border ring.
            let (rect, radii) = padding_box(bx, v.radii, v.border_width);
            clip = device.map_rect(&rect).intersect(&ctx.clip);
            if !clip.is_empty() {
                scopes.clip = Some(open(out, Op::PushClip { rect, radii }));
            }
        }
        if children.is_empty() || clip.is_empty() {
            close(out, scopes);
            continue;
        }
        stack.push(Step::Exit(scopes));
        children_in_order(scene, i, &mut order);
        let base = Ctx { origin: (bx.x, bx.y), device, clip, opacity, order: 0 };
        for (n, &c) in order.iter().enumerate().rev() {
            let child = Ctx { order: hash(ctx.order, &(n as u32).to_le_bytes()), ..base };
            stack.push(Step::Enter(c, child));
        }
    }
    rec
}

/// What a scroll layer records of a clipping container `n` laid out at `bx`: its padding box
/// where the scroll offset has brought it, plus a margin of half the box (at least
/// [`MIN_MARGIN`]) on every side, on a grid of that margin, so a long rail or page costs what
/// is near its window and scrolling re-records only when the window steps to the next cell.
/// The grid makes the window a function of the offset alone: a layer kept from earlier frames
/// records exactly what a fresh one would. `None` for a container that does not clip (its
/// content may show anywhere).
pub(crate) fn window(scene: &Scene, n: usize, bx: Rect) -> Option<Rect> {
    let v = &scene.visual[n];
    if !v.clip {
        return None;
    }
    let (rect, _) = padding_box(bx, v.radii, v.border_width);
    let [sx, sy] = scene.scroll[n];
    let axis = |start: f32, size: f32, offset: f32| {
        let cell = (size / 2.0).max(MIN_MARGIN);
        let k = (offset / cell).floor();
        (start + (k - 1.0) * cell, size + 3.0 * cell)
    };
    let (x, w) = axis(rect.x, rect.w, sx);
    let (y, h) = axis(rect.y, rect.h, sy);
    Some(Rect::new(x, y, w, h))
}

/// The least margin a scroll layer records around its window, in pixels.
const MIN_MARGIN: f32 = 128.0;

/// `i`'s children in paint order: tree order, stably sorted by `z-index`.
fn children_in_order(scene: &Scene, i: usize, order: &mut Vec<u32>) {
    let children = &scene.tree[i].children;
    let z = |c: u32| scene.visual[c as usize].z_index;
    order.clear();
    if children.iter().all(|&c| z(c) == 0) {
        order.extend_from_slice(children);
        return;
    }
    // Positions in tree order, keyed by (z-index, position): unique keys, so the engine's one
    // unstable sort orders them as a stable sort by z-index would.
    order.extend(0..children.len() as u32);
    sort_by_key(order, |&p| (z(children[p as usize]), p));
    for p in order.iter_mut() {
        *p = children[*p as usize];
    }
}

/// The border box less the border, with each corner's radius less the border width: where CSS
/// clips overflow and a rounded image.
pub(crate) fn padding_box(bx: Rect, radii: [f32; 4], border: f32) -> (Rect, Radii) {
    let b = border.max(0.0);
    let rect = Rect::new(bx.x + b, bx.y + b, (bx.w - 2.0 * b).max(0.0), (bx.h - 2.0 * b).max(0.0));
    (rect, Radii(radii.map(|r| (r - b).max(0.0))))
}

/// The border box less border and padding: where text and images go.
fn content_box(scene: &Scene, i: usize, bx: Rect) -> Rect {
    let [l, r, t, b] = scene.insets(i);
    Rect::new(bx.x + l, bx.y + t, (bx.w - l - r).max(0.0), (bx.h - t - b).max(0.0))
}

/// Records a picture layer: image node `n`'s image at full opacity (its fade is the layer's),
/// in its border box `bx`.
fn picture(scene: &Scene, images: &Images, n: usize, bx: Rect, out: &mut Encoder, rec: &mut Recording) {
    let Content::Image(img) = &scene.content[n] else { return };
    let c = content_box(scene, n, bx);
    image_content(out, images, scene, n, bx, Part::Picture);
    let painted = out.bytes();
    if !painted.is_empty() {
        let hash = hash(HASH_SEED, painted);
        rec.records.push((n as u32, Record { bounds: c, hash }));
        rec.images.push((img.handle, n as u32, c));
    }
}

/// Which part of an image node's content to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Both,
    /// What sits under the picture: the placeholder, unless the picture covers it.
    Placeholder,
    /// The picture alone, at full opacity.
    Picture,
}

/// Image node `i`'s content in its border box `bx`, clipped by its rounded corners at the inner
/// border edge as CSS does for an `<img>` (a round avatar needs no wrapper).
fn image_content(out: &mut Encoder, images: &Images, scene: &Scene, i: usize, bx: Rect, part: Part) {
    let Content::Image(n) = &scene.content[i] else { return };
    let v = &scene.visual[i];
    let rounded = !Radii(v.radii).is_zero();
    let clip = rounded.then(|| {
        let (rect, radii) = padding_box(bx, v.radii, v.border_width);
        open(out, Op::PushClip { rect, radii })
    });
    image(out, images, *n, v.fit, v.placeholder, content_box(scene, i, bx), part);
    close(out, Scopes { clip, ..Scopes::default() });
}

/// An image node's content: the placeholder until the image has fully faded in (and under a
/// letterboxed image), then the image placed by `object-fit`.
fn image(
    out: &mut Encoder,
    images: &Images,
    n: crate::scene::ImageNode,
    fit: ObjectFit,
    placeholder: marquee_protocol::Color,
    c: Rect,
    part: Part,
) {
    let ready = match images.load(n.handle) {
        Load::Ready { width, height } if width > 0 && height > 0 => Some((width as f32, height as f32)),
        _ => None,
    };
    let covered = ready.is_some() && n.fade >= 1.0 && fit != ObjectFit::Contain;
    if part != Part::Picture && !covered && !placeholder.is_transparent() && !c.is_empty() {
        out.push(&Op::FillRect { rect: c, radii: Radii::ZERO, color: Color(placeholder.0) });
    }
    let Some((iw, ih)) = ready else { return };
    let opacity = if part == Part::Picture { 1.0 } else { n.fade.min(1.0) };
    if c.is_empty() || opacity <= 0.0 || part == Part::Placeholder {
        return;
    }
    let full = Rect::new(0.0, 0.0, iw, ih);
    let (src, dst) = match fit {
        ObjectFit::Fill => (full, c),
        ObjectFit::Contain => {
            let s = (c.w / iw).min(c.h / ih);
            let (w, h) = (iw * s, ih * s);
            (full, Rect::new(c.x + (c.w - w) / 2.0, c.y + (c.h - h) / 2.0, w, h))
        }
        ObjectFit::Cover => {
            let s = (c.w / iw).max(c.h / ih);
            let (w, h) = (c.w / s, c.h / s);
            (Rect::new((iw - w) / 2.0, (ih - h) / 2.0, w, h), c)
        }
    };
    out.push(&Op::Image { handle: n.handle, src, dst, opacity });
}

fn open(out: &mut Encoder, op: Op) -> (Checkpoint, Checkpoint) {
    let before = out.checkpoint();
    out.push(&op);
    (before, out.checkpoint())
}

fn close(out: &mut Encoder, s: Scopes) {
    for (scope, pop) in [(s.clip, Op::PopClip), (s.opacity, Op::PopOpacity), (s.transform, Op::PopTransform)] {
        if let Some((before, after)) = scope {
            if out.checkpoint() == after {
                out.rollback(before);
            } else {
                out.push(&pop);
            }
        }
    }
}
