//! The renderer's promises beyond pixels: a frame of many boxes is one draw call, opacity groups
//! and clips nest without bound and without failing, geometry out of range is skipped as on the
//! CPU, a target the device cannot hold is an error, not a crash; and what it keeps between
//! frames (recorded layers, textures) gives the pixels a fresh renderer gives, with no
//! recording or upload a frame does not need.

use marquee_display_list::Encoder;
use marquee_display_list::images::NoImages;
use marquee_display_list::layers::{self, LayerTree, Props};
use marquee_display_list::text::NoGlyphs;
use marquee_display_list::{Color, IntRect, Op, Radii, Rect, Transform};
use marquee_gl::{Headless, MAX_GROUPS, Overlay, Renderer};
use marquee_test_support::images::Synthetic;

fn renderer() -> (Headless, Renderer) {
    let (context, gl) = Headless::new().unwrap_or_else(|e| panic!("a headless GL context: {e} (install Mesa's EGL)"));
    (context, Renderer::new(gl).unwrap())
}

fn boxed(x: f32, y: f32, color: u32) -> Op {
    Op::FillRect { rect: Rect::new(x, y, 8.0, 8.0), radii: Radii([2.0; 4]), color: Color(color) }
}

#[test]
fn a_thousand_boxes_are_one_draw_call() {
    let (_context, mut r) = renderer();
    let ops: Vec<Op> = (0..1000).map(|i| boxed((i % 40) as f32 * 10.0, (i / 40) as f32 * 10.0, 0xff0000ff)).collect();
    let target = r.offscreen(400, 250).unwrap();
    let stats = r.draw(&LayerTree::single(ops).unwrap(), &target, Color(0x000000ff), &NoImages, &mut NoGlyphs).unwrap();
    assert_eq!((stats.draw_calls, stats.quads), (1, 1000));
    let pixels = r.read(&target);
    let at = |x: usize, y: usize| &pixels[(y * 400 + x) * 4..][..4];
    assert_eq!(at(4, 4), [255, 0, 0, 255], "inside the first box");
    assert_eq!(at(9, 4), [0, 0, 0, 255], "between boxes");
}

#[test]
fn groups_and_clips_nest_past_their_bounds() {
    let (_context, mut r) = renderer();
    let mut ops = Vec::new();
    for i in 0..40 {
        ops.push(Op::PushOpacity { opacity: 0.99 });
        ops.push(Op::PushClip { rect: Rect::new(i as f32, i as f32, 200.0, 200.0), radii: Radii([10.0; 4]) });
    }
    // Two boxes that overlap: no group can take its opacity in one colour.
    ops.push(boxed(50.0, 50.0, 0x00ff00ff));
    ops.push(boxed(56.0, 50.0, 0x00ff00ff));
    for _ in 0..40 {
        ops.push(Op::PopClip);
        ops.push(Op::PopOpacity);
    }
    let target = r.offscreen(256, 256).unwrap();
    let stats = r.draw(&LayerTree::single(ops).unwrap(), &target, Color(0x000000ff), &NoImages, &mut NoGlyphs).unwrap();
    assert_eq!(stats.groups as usize, MAX_GROUPS);
    assert_eq!(stats.skipped as usize, 40 - MAX_GROUPS, "the groups past the bound are flattened");
    assert_eq!(stats.approximated_clips, 39, "each rounded clip inside another");
    let pixels = r.read(&target);
    let green = pixels[(54 * 256 + 52) * 4 + 1];
    // 0.99^40 of full green: every opacity applied, flattened or not.
    assert!((i32::from(green) - (255.0 * 0.99f32.powi(40)).round() as i32).abs() <= 3, "{green}");
}

#[test]
fn geometry_out_of_range_is_skipped_and_a_target_too_large_refused() {
    let (_context, mut r) = renderer();
    let far = Op::FillRect { rect: Rect::new(1e9, 0.0, 10.0, 10.0), radii: Radii::ZERO, color: Color(0xffffffff) };
    let scaled = [
        Op::PushTransform { transform: Transform { sx: 1e7, sy: 1e7, tx: 0.0, ty: 0.0 } },
        boxed(0.0, 0.0, 0xffffffff),
        Op::PopTransform,
    ];
    // (NaN never gets this far: the display list's decoder refuses it.)
    let ops: Vec<Op> = [far].into_iter().chain(scaled).collect();
    let target = r.offscreen(32, 32).unwrap();
    let stats = r.draw(&LayerTree::single(ops).unwrap(), &target, Color(0x000000ff), &NoImages, &mut NoGlyphs).unwrap();
    assert_eq!((stats.skipped, stats.quads), (2, 0));
    assert!(r.read(&target).chunks(4).all(|p| p == [0, 0, 0, 255]));
    let side = r.max_texture_size() + 1;
    assert!(r.offscreen(side, 16).is_err());
    assert!(r.offscreen(0, 16).is_err());
}

#[test]
fn a_gl_error_fails_the_frame_and_the_next_frame_draws() {
    let (_context, mut r) = renderer();
    let tree = LayerTree::single(vec![boxed(0.0, 0.0, 0x00ff00ff)]).unwrap();
    let target = r.offscreen(16, 16).unwrap();
    r.inject_gl_error();
    let failed = r.draw(&tree, &target, Color(0x000000ff), &NoImages, &mut NoGlyphs);
    assert!(failed.as_ref().is_err_and(|e| e.0.contains("GL error 0x0500")), "{failed:?}");
    // The error was reported once; the renderer goes on.
    r.draw(&tree, &target, Color(0x000000ff), &NoImages, &mut NoGlyphs).unwrap();
    assert_eq!(&r.read_checked(&target).unwrap()[(4 * 16 + 4) * 4..][..4], [0, 255, 0, 255]);
}

/// An error left between drawing and presenting fails the present where every step is checked;
/// read before every so many frames (WebGL's way) it fails the first frame read before instead —
/// none is missed — and the frame after that draws.
#[test]
fn errors_read_before_some_frames_only_fail_a_later_frame() {
    for every in [None, Some(1), Some(3)] {
        let (_context, mut r) = renderer();
        if let Some(frames) = every {
            r.read_errors_every(frames);
        }
        let tree = LayerTree::single(vec![boxed(0.0, 0.0, 0x00ff00ff)]).unwrap();
        let (frame, copy) = (r.offscreen(16, 16).unwrap(), r.offscreen(16, 16).unwrap());
        let draw = |r: &mut Renderer| r.draw(&tree, &frame, Color(0x000000ff), &NoImages, &mut NoGlyphs).map(drop);
        // Frame 1 is read before.
        draw(&mut r).unwrap();
        r.inject_gl_error();
        let presented = r.present(&frame, &copy);
        let (failed, doing) = match every {
            None => (presented.and_then(|()| draw(&mut r)), "presenting the frame"),
            Some(frames) => {
                assert!(presented.is_ok(), "{presented:?}");
                // Frames 2 to `frames` are not read before; frame `frames + 1` is.
                for _ in 1..frames {
                    draw(&mut r).unwrap();
                }
                (draw(&mut r), "starting a frame")
            }
        };
        let e = failed.unwrap_err();
        assert!(e.0.contains(&format!("GL error 0x0500 while {doing}")), "{every:?}: {e:?}");
        draw(&mut r).unwrap();
        r.present(&frame, &copy).unwrap();
        assert_eq!(&r.read_checked(&copy).unwrap()[(4 * 16 + 4) * 4..][..4], [0, 255, 0, 255]);
    }
}

/// Two colours side by side, `w × h`, premultiplied.
struct Halves(Vec<u8>, u32, u32);

impl marquee_display_list::images::Images for Halves {
    fn image(&self, handle: u32) -> Option<marquee_display_list::images::Pixels<'_>> {
        (handle == 1).then(|| marquee_display_list::images::Pixels { width: self.1, height: self.2, data: &self.0 })
    }
    fn serial(&self, handle: u32) -> Option<u64> {
        (handle == 1).then_some(1)
    }
}

#[test]
fn an_image_larger_than_the_device_takes_is_drawn_reduced() {
    let (_context, mut r) = renderer();
    r.limit_texture_size(64);
    let (w, h) = (300, 100);
    let pixels: Vec<u8> =
        (0..w * h).flat_map(|i| if i % w < w / 2 { [255, 0, 0, 255] } else { [0, 0, 255, 255] }).collect();
    let image = Op::Image {
        handle: 1,
        src: Rect::new(0.0, 0.0, w as f32, h as f32),
        dst: Rect::new(0.0, 0.0, 60.0, 20.0),
        opacity: 1.0,
    };
    let target = r.offscreen(64, 32).unwrap();
    let stats = r
        .draw(
            &LayerTree::single(vec![image]).unwrap(),
            &target,
            Color(0x000000ff),
            &Halves(pixels, w, h),
            &mut NoGlyphs,
        )
        .unwrap();
    assert_eq!((stats.image_uploads, stats.skipped), (1, 0));
    assert!(stats.bytes_uploaded <= 64 * 64 * 4, "{} bytes uploaded", stats.bytes_uploaded);
    let px = r.read(&target);
    let at = |x: usize, y: usize| &px[(y * 64 + x) * 4..][..4];
    assert_eq!(at(10, 10), [255, 0, 0, 255]);
    assert_eq!(at(50, 10), [0, 0, 255, 255]);
    assert!(r.offscreen(65, 10).is_err(), "targets are held to the limit too");
}

/// Layer updates: `content` lists by layer, then `props` by layer.
fn updates(content: &[(u32, Vec<Op>)], props: &[(u32, Props)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (layer, ops) in content {
        let mut enc = Encoder::default();
        for op in ops {
            enc.push(op);
        }
        layers::write_content(&mut out, *layer, enc.bytes());
    }
    for (layer, p) in props {
        layers::write_props(&mut out, *layer, p, &[]);
    }
    out
}

/// A root drawing 40 layers, each a tile of two boxes (layer 1 to 40), in a scrolled row.
fn tiles() -> LayerTree {
    let mut content = vec![(0, (1..=40).map(|layer| Op::DrawLayer { layer }).collect::<Vec<_>>())];
    for layer in 1..=40u32 {
        let x = (layer - 1) as f32 * 30.0;
        content.push((layer, vec![boxed(x, 10.0, 0xff8000ff), boxed(x + 4.0, 14.0, 0x0080ffff)]));
    }
    let mut tree = LayerTree::default();
    tree.apply(&updates(&content, &[]), true).unwrap();
    tree
}

/// Panics, saying where, unless `a` and `b` are the same pixels (`w` wide).
fn same(a: &[u8], b: &[u8], w: usize) {
    assert_eq!(a.len(), b.len());
    let differ: Vec<(usize, usize)> =
        a.chunks(4).zip(b.chunks(4)).enumerate().filter(|(_, (p, q))| p != q).map(|(i, _)| (i % w, i / w)).collect();
    assert!(differ.is_empty(), "{} pixels differ, the first at {:?}", differ.len(), &differ[..differ.len().min(5)]);
}

/// `tree` drawn by a renderer that has drawn nothing before (on a thread of its own: a
/// context is current on the thread that made it, and the test's stays current on its own).
fn fresh(tree: &LayerTree, w: u32, h: u32, images: &(dyn marquee_display_list::images::Images + Sync)) -> Vec<u8> {
    std::thread::scope(|s| {
        s.spawn(|| {
            let (_context, mut r) = renderer();
            let target = r.offscreen(w, h).unwrap();
            r.draw(tree, &target, Color(0x000000ff), images, &mut NoGlyphs).unwrap();
            r.read(&target)
        })
        .join()
        .unwrap()
    })
}

#[test]
fn moved_layers_are_placed_as_recorded_and_draw_what_a_fresh_renderer_draws() {
    let (_context, mut r) = renderer();
    let mut tree = tiles();
    let target = r.offscreen(320, 64).unwrap();
    let first = r.draw(&tree, &target, Color(0x000000ff), &NoImages, &mut NoGlyphs).unwrap();
    assert_eq!(first.layers_recorded, 41);
    // Every tile moves right by a hundred pixels and a fraction: nothing is recorded again.
    let moved: Vec<(u32, Props)> = (1..=40).map(|l| (l, Props::shift(100.4 + l as f32 * 0.3, 3.6))).collect();
    tree.apply(&updates(&[], &moved), false).unwrap();
    let second = r.draw(&tree, &target, Color(0x000000ff), &NoImages, &mut NoGlyphs).unwrap();
    assert_eq!((second.layers_recorded, second.draw_calls), (0, 1));
    assert!(second.quads < first.quads, "tiles moved off the target are not drawn");
    same(&r.read(&target), &fresh(&tree, 320, 64, &NoImages), 320);
    // A new scale is a new recording of that layer alone.
    tree.apply(&updates(&[], &[(3, Props { scale: [1.5, 1.5], ..Props::default() })]), false).unwrap();
    let third = r.draw(&tree, &target, Color(0x000000ff), &NoImages, &mut NoGlyphs).unwrap();
    assert_eq!(third.layers_recorded, 1);
    same(&r.read(&target), &fresh(&tree, 320, 64, &NoImages), 320);
}

#[test]
fn an_opacity_one_quad_can_take_is_folded_and_any_other_drawn_through_a_texture() {
    let (_context, mut r) = renderer();
    let mut tree = tiles();
    // Layer 1 (two overlapping boxes) fades: a group; layer 2 holds one box: folded.
    tree.apply(&updates(&[(2, vec![boxed(30.0, 10.0, 0xff8000ff)])], &[]), false).unwrap();
    let faded = |o: f32| Props { opacity: o, ..Props::default() };
    tree.apply(&updates(&[], &[(1, faded(0.5)), (2, faded(0.5))]), false).unwrap();
    let target = r.offscreen(320, 64).unwrap();
    let stats = r.draw(&tree, &target, Color(0x000000ff), &NoImages, &mut NoGlyphs).unwrap();
    assert_eq!(stats.groups, 1);
    let pixels = r.read(&target);
    same(&pixels, &fresh(&tree, 320, 64, &NoImages), 320);
    let at = |x: usize, y: usize| &pixels[(y * 320 + x) * 4..][..4];
    // Where layer 1's boxes overlap only the top one shows, at half: the group drew them first.
    assert_eq!(at(9, 16), [0, 64, 128, 255]);
    // Layer 2's box at half.
    assert_eq!(at(33, 13), [128, 64, 0, 255]);
}

#[test]
fn textures_share_a_batch_up_to_the_units_and_are_uploaded_once() {
    let (_context, mut r) = renderer();
    let mut images = Synthetic::default();
    let image = |handle: u32| Op::Image {
        handle,
        src: Rect::new(0.0, 0.0, 16.0, 16.0),
        dst: Rect::new(handle as f32 * 20.0, 0.0, 16.0, 16.0),
        opacity: 1.0,
    };
    for handle in 0..10 {
        images.make(handle, 16, 16);
    }
    let ops: Vec<Op> = (0..10).map(image).collect();
    let tree = LayerTree::single(ops).unwrap();
    let target = r.offscreen(200, 16).unwrap();
    let first = r.draw(&tree, &target, Color(0x000000ff), &images, &mut NoGlyphs).unwrap();
    // Seven units a batch: ten images are two draw calls.
    assert_eq!((first.draw_calls, first.image_uploads, first.bytes_uploaded), (2, 10, 10 * 16 * 16 * 4));
    let again = r.draw(&tree, &target, Color(0x000000ff), &images, &mut NoGlyphs).unwrap();
    assert_eq!((again.image_uploads, again.glyph_uploads, again.bytes_uploaded), (0, 0, 0));
    same(&r.read(&target), &fresh(&tree, 200, 16, &images), 200);
    // A new picture for one handle is one upload.
    images.make(4, 16, 16);
    let changed = r.draw(&tree, &target, Color(0x000000ff), &images, &mut NoGlyphs).unwrap();
    assert_eq!(changed.image_uploads, 1);
}

/// The renderer binds no texture twice across frames (`bindings.rs`): images deleted and made
/// anew, moving between units, a group's texture composited in one frame and drawn into in the
/// next must still draw what a fresh renderer draws. (Mesa neither gives a deleted texture's
/// name to the next one at once nor refuses a feedback loop, as WebGL does: the page's tests in
/// Chromium hold those.)
#[test]
fn textures_kept_bound_across_frames_draw_what_a_fresh_renderer_draws() {
    let (_context, mut r) = renderer();
    let mut images = Synthetic::default();
    let image = |handle: u32, x: f32| Op::Image {
        handle,
        src: Rect::new(0.0, 0.0, 8.0 + handle as f32, 8.0 + handle as f32),
        dst: Rect::new(x, 0.0, 16.0, 16.0),
        opacity: 1.0,
    };
    // Layer 1 draws images in a row; layer 2, two overlapping boxes at half opacity (a group).
    let frame = |handles: &[u32]| {
        let row: Vec<Op> = handles.iter().enumerate().map(|(i, &h)| image(h, i as f32 * 20.0)).collect();
        let content = [
            (0, vec![Op::DrawLayer { layer: 1 }, Op::DrawLayer { layer: 2 }]),
            (1, row),
            (2, vec![boxed(10.0, 20.0, 0xff8000ff), boxed(14.0, 22.0, 0x0080ffff)]),
        ];
        let mut tree = LayerTree::default();
        tree.apply(&updates(&content, &[(2, Props { opacity: 0.5, ..Props::default() })]), true).unwrap();
        tree
    };
    let target = r.offscreen(200, 32).unwrap();
    let draw = |r: &mut Renderer, images: &Synthetic, handles: &[u32]| {
        let tree = frame(handles);
        let stats = r.draw(&tree, &target, Color(0x000000ff), images, &mut NoGlyphs).unwrap();
        assert_eq!(stats.groups, 1);
        same(&r.read(&target), &fresh(&tree, 200, 32, images), 200);
    };
    for handle in 0..9 {
        images.make(handle, 8 + handle, 8 + handle);
    }
    draw(&mut r, &images, &[0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // Images 0 to 4 go (their textures deleted after the frame); 9 to 13 come (made anew, on
    // the names just freed), drawn on the units the old ones held.
    for handle in 0..5 {
        images.remove(handle);
    }
    draw(&mut r, &images, &[5, 6, 7, 8]);
    for handle in 9..14 {
        images.make(handle, 8 + handle, 8 + handle);
    }
    draw(&mut r, &images, &[9, 10, 11, 12, 13, 5, 6, 7, 8]);
    // The same images in another order: each on another unit.
    draw(&mut r, &images, &[8, 7, 6, 5, 13, 12, 11, 10, 9]);
    // After the host drew with the context itself, everything is bound anew.
    r.forget_bindings();
    draw(&mut r, &images, &[13, 5]);
}

#[test]
fn a_lost_context_says_so_and_a_new_one_draws() {
    let (mut context, r) = renderer();
    assert!(context.check().is_ok());
    context.lose();
    let e = context.check().unwrap_err();
    assert!(e.0.contains("lost"), "{e}");
    drop(r);
    drop(context);
    // A context made after it (on the same display) draws as the first did.
    let (context, mut r) = renderer();
    assert!(context.check().is_ok());
    let tree = LayerTree::single(vec![boxed(0.0, 0.0, 0x00ff00ff)]).unwrap();
    let target = r.offscreen(16, 16).unwrap();
    r.draw(&tree, &target, Color(0x000000ff), &NoImages, &mut NoGlyphs).unwrap();
    assert_eq!(&r.read_checked(&target).unwrap()[(4 * 16 + 4) * 4..][..4], [0, 255, 0, 255]);
}

#[test]
fn a_frame_drawn_only_where_it_changed_is_the_frame_drawn_whole() {
    let (_context, mut r) = renderer();
    let mut tree = tiles();
    let target = r.offscreen(320, 64).unwrap();
    r.draw(&tree, &target, Color(0x000000ff), &NoImages, &mut NoGlyphs).unwrap();
    // Tile 2 (at x 30) moves 45 pixels right: the damage is where it was and where it is.
    tree.apply(&updates(&[], &[(2, Props::shift(45.0, 0.0))]), false).unwrap();
    let damage = IntRect { x: 29, y: 9, w: 45 + 16, h: 18 };
    let stats = r.draw_area(&tree, &target, damage, Color(0x000000ff), &NoImages, &mut NoGlyphs).unwrap();
    assert!(stats.quads < 10, "only what shows in the damage is placed: {stats:?}");
    same(&r.read(&target), &fresh(&tree, 320, 64, &NoImages), 320);
    // Reading an area back gives those pixels of the whole.
    let whole = r.read(&target);
    let part = r.read_area(&target, IntRect { x: 30, y: 10, w: 4, h: 2 });
    assert_eq!(&part[..16], &whole[(10 * 320 + 30) * 4..][..16]);
    assert_eq!(&part[16..], &whole[(11 * 320 + 30) * 4..][..16]);
    // Outside the area nothing is touched: tile 3 (at x 60) goes, but the damage named is
    // elsewhere, so its pixels stay.
    tree.apply(&updates(&[], &[(3, Props { opacity: 0.0, ..Props::default() })]), false).unwrap();
    let elsewhere = IntRect { x: 200, y: 0, w: 20, h: 20 };
    r.draw_area(&tree, &target, elsewhere, Color(0x000000ff), &NoImages, &mut NoGlyphs).unwrap();
    assert_eq!(r.read(&target), whole);
}

/// An overlay is drawn over the frame where it is presented, the right way up, and the frame
/// keeps none of it: presented again without one, the frame shows whole.
#[test]
fn an_overlay_goes_over_the_presented_frame_only() {
    let (_context, mut r) = renderer();
    let tree = LayerTree::single(vec![boxed(0.0, 0.0, 0x00ff00ff)]).unwrap();
    let (frame, window) = (r.offscreen(16, 16).unwrap(), r.offscreen(16, 16).unwrap());
    r.draw(&tree, &frame, Color(0x00ff00ff), &NoImages, &mut NoGlyphs).unwrap();
    // 8×8 at (4, 4): red rows on top, blue below.
    let pixels: Vec<u8> = (0..8 * 8).flat_map(|i| if i < 32 { [255, 0, 0, 255] } else { [0, 0, 255, 255] }).collect();
    let area = IntRect { x: 4, y: 4, w: 8, h: 8 };
    r.present_over(&frame, &window, Some(Overlay { pixels: &pixels, area })).unwrap();
    let shown = r.read_checked(&window).unwrap();
    let at = |x: usize, y: usize| <[u8; 4]>::try_from(&shown[(y * 16 + x) * 4..][..4]).unwrap();
    assert_eq!(
        [at(1, 1), at(5, 5), at(5, 10), at(14, 14)],
        [[0, 255, 0, 255], [255, 0, 0, 255], [0, 0, 255, 255], [0, 255, 0, 255]]
    );
    r.present(&frame, &window).unwrap();
    assert_eq!(&r.read_checked(&window).unwrap()[(5 * 16 + 5) * 4..][..4], [0, 255, 0, 255]);
    // Pixels that do not fill the area are refused.
    let e = r.present_over(&frame, &window, Some(Overlay { pixels: &pixels[4..], area })).unwrap_err();
    assert!(e.0.contains("does not fill"), "{e:?}");
}
