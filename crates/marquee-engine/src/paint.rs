//! Builds the frame's display list from the scene and the computed layout, and remembers what
//! each node painted so the next frame can say what changed.
//!
//! The walk is iterative (an explicit stack), so tree depth costs heap, not Wasm stack. Paint
//! order is tree order with siblings stably sorted by `z-index`. A node whose box, after
//! transforms, falls outside the current clip paints nothing (culling); when a clipping node is
//! itself off-screen, its whole subtree is skipped. Push operations whose scope paints nothing
//! are taken back, so culled content leaves no empty layers in the list.

use marquee_display_list::{Checkpoint, Color, Encoder, IntRect, Op, Radii, Rect, Transform};
use marquee_protocol::ObjectFit;

use crate::damage::Record;
use crate::image::{Images, Load};
use crate::scene::{Content, Scene};

/// What a node inherits from its ancestors during the walk.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    /// The parent's border-box origin in root coordinates (pre-transform).
    origin: (f32, f32),
    /// Root coordinates → device pixels.
    device: Transform,
    /// Device-space clip.
    clip: Rect,
    /// Product of ancestors' opacities.
    opacity: f32,
    /// Identifies the node's position in paint order; changes when siblings are reordered.
    order: u64,
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

/// What paint reads besides the scene, and what it reports besides the display list.
pub(crate) struct Resources<'a> {
    pub(crate) images: &'a Images,
    /// Handles of the images shown by nodes painted in view.
    pub(crate) seen: &'a mut Vec<u32>,
}

/// Writes `scene`'s display list into `out` and each painting node's [`Record`] into `records`
/// (indexed by node id), listing those ids in `painted`.
pub(crate) fn paint(
    scene: &Scene,
    res: Resources<'_>,
    viewport: Rect,
    out: &mut Encoder,
    records: &mut Vec<Option<Record>>,
    painted: &mut Vec<u32>,
) {
    out.clear();
    res.seen.clear();
    for &id in painted.iter() {
        records[id as usize] = None;
    }
    painted.clear();
    if records.len() < scene.kind.len() {
        records.resize(scene.kind.len(), None);
    }
    let root = Ctx { origin: (0.0, 0.0), device: Transform::IDENTITY, clip: viewport, opacity: 1.0, order: HASH_SEED };
    let mut stack = vec![Step::Enter(0, root)];
    let mut order: Vec<u32> = Vec::new();
    while let Some(step) = stack.pop() {
        let (i, ctx) = match step {
            Step::Exit(scopes) => {
                close(out, scopes);
                continue;
            }
            Step::Enter(i, ctx) => (i as usize, ctx),
        };
        let v = &scene.visual[i];
        if !v.display || v.opacity <= 0.0 {
            continue;
        }
        let (lx, ly, w, h) = scene.paint_box(i);
        let bx = Rect::new(ctx.origin.0 + lx, ctx.origin.1 + ly, w, h);
        let mut scopes = Scopes::default();

        let mut device = ctx.device;
        if v.translate != [0.0, 0.0] || v.scale != [1.0, 1.0] {
            // Scale about the box centre (CSS's default transform-origin), then translate.
            let (cx, cy) = (bx.x + bx.w / 2.0, bx.y + bx.h / 2.0);
            let [sx, sy] = v.scale;
            let t = Transform { sx, sy, tx: cx - sx * cx + v.translate[0], ty: cy - sy * cy + v.translate[1] };
            device = t.then(&ctx.device);
            scopes.transform = Some(open(out, Op::PushTransform { transform: t }));
        }
        let mut opacity = ctx.opacity;
        if v.opacity < 1.0 {
            opacity *= v.opacity;
            scopes.opacity = Some(open(out, Op::PushOpacity { opacity: v.opacity }));
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
            let mut bounds = visible.round_out();
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
                        bounds = bounds.union(&device.map_rect(&ink).intersect(&ctx.clip).round_out());
                    }
                }
                Content::Image(n) => {
                    if n.handle != 0 {
                        res.seen.push(n.handle);
                    }
                    // Rounded corners cut the picture too, at the inner border edge, as CSS
                    // does for an `<img>`: a round avatar needs no wrapper.
                    let rounded = !Radii(v.radii).is_zero();
                    let clip = rounded.then(|| {
                        let (rect, radii) = padding_box(bx, v.radii, v.border_width);
                        open(out, Op::PushClip { rect, radii })
                    });
                    image(out, res.images, *n, v.fit, v.placeholder, content_box(scene, i, bx));
                    close(out, Scopes { clip, ..Scopes::default() });
                }
            }
            let own = out.since(before);
            if !own.is_empty() {
                let d = device;
                let c = ctx.clip;
                // The op names the paragraph, not its text: the revision tells texts apart.
                let mut h = hash(hash(ctx.order, own), &revision.to_le_bytes());
                h = hash_f32s(h, &[d.sx, d.sy, d.tx, d.ty, c.x, c.y, c.w, c.h, opacity]);
                records[i] = Some(Record { bounds, hash: h });
                painted.push(i as u32);
            }
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
        order.clear();
        order.extend_from_slice(children);
        if order.iter().any(|&c| scene.visual[c as usize].z_index != 0) {
            order.sort_by_key(|&c| scene.visual[c as usize].z_index);
        }
        let [sx, sy] = if v.scroll { scene.scroll[i] } else { [0.0; 2] };
        let base = Ctx { origin: (bx.x - sx, bx.y - sy), device, clip, opacity, order: 0 };
        for (n, &c) in order.iter().enumerate().rev() {
            let child = Ctx { order: hash(ctx.order, &(n as u32).to_le_bytes()), ..base };
            stack.push(Step::Enter(c, child));
        }
    }
}

/// The border box less the border, with each corner's radius less the border width: where CSS
/// clips overflow and a rounded image.
fn padding_box(bx: Rect, radii: [f32; 4], border: f32) -> (Rect, Radii) {
    let b = border.max(0.0);
    let rect = Rect::new(bx.x + b, bx.y + b, (bx.w - 2.0 * b).max(0.0), (bx.h - 2.0 * b).max(0.0));
    (rect, Radii(radii.map(|r| (r - b).max(0.0))))
}

/// The border box less border and padding: where text and images go.
fn content_box(scene: &Scene, i: usize, bx: Rect) -> Rect {
    let [l, r, t, b] = scene.insets(i);
    Rect::new(bx.x + l, bx.y + t, (bx.w - l - r).max(0.0), (bx.h - t - b).max(0.0))
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
) {
    let ready = match images.load(n.handle) {
        Load::Ready { width, height } if width > 0 && height > 0 => Some((width as f32, height as f32)),
        _ => None,
    };
    let covered = ready.is_some() && n.fade >= 1.0 && fit != ObjectFit::Contain;
    if !covered && !placeholder.is_transparent() && !c.is_empty() {
        out.push(&Op::FillRect { rect: c, radii: Radii::ZERO, color: Color(placeholder.0) });
    }
    let Some((iw, ih)) = ready else { return };
    if c.is_empty() || n.fade <= 0.0 {
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
    out.push(&Op::Image { handle: n.handle, src, dst, opacity: n.fade.min(1.0) });
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

/// The viewport as a device rectangle.
pub(crate) fn viewport_rect(w: f32, h: f32) -> Rect {
    Rect::new(0.0, 0.0, w, h)
}

/// The viewport on the pixel grid.
pub(crate) fn viewport_int(w: f32, h: f32) -> IntRect {
    viewport_rect(w, h).round_out()
}
