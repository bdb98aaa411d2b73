//! The compositor: moving, fading and scrolling a layer copies its kept pixels instead of
//! rasterizing it again, and whatever the compositor kept or dropped, a frame's pixels are those
//! of a fresh canvas drawing the same tree.

use marquee_display_list::layers::{LayerTree, Props, write_content, write_props};
use marquee_display_list::motion::{Easing, Lane, Timing, Track};
use marquee_display_list::{Color, Encoder, IntRect, Op, Radii, Rect};
use marquee_raster::{Canvas, DrawStats, NoGlyphs, NoImages};

const SIZE: (u32, u32) = (320, 200);

fn list(ops: &[Op]) -> Vec<u8> {
    let mut e = Encoder::default();
    ops.iter().for_each(|op| e.push(op));
    e.bytes().to_vec()
}

fn fill(x: f32, y: f32, w: f32, h: f32, color: u32) -> Op {
    Op::FillRect { rect: Rect::new(x, y, w, h), radii: Radii([6.0; 4]), color: Color(color) }
}

fn shifted(tx: f32, ty: f32, opacity: f32, clip: Option<(Rect, Radii)>) -> Props {
    Props { clip, opacity, ..Props::shift(tx, ty) }
}

/// A root with a background and a clipped, scrolled rail (layer 2) of 40 tiles, and a tile that
/// moves and fades on its own (layer 1).
fn scene() -> Vec<u8> {
    let mut u = Vec::new();
    write_content(
        &mut u,
        0,
        &list(&[fill(0.0, 0.0, 320.0, 200.0, 0x101820ff), Op::DrawLayer { layer: 2 }, Op::DrawLayer { layer: 1 }]),
    );
    let tiles: Vec<Op> =
        (0..40).map(|i| fill(10.0 + 60.0 * i as f32, 60.0, 50.0, 80.0, 0x3060a0ff + (i << 16))).collect();
    write_content(&mut u, 2, &list(&tiles));
    write_content(&mut u, 1, &list(&[fill(20.0, 150.0, 40.0, 30.0, 0xe0c020ff)]));
    write_props(&mut u, 2, &shifted(0.0, 0.0, 1.0, Some((Rect::new(0.0, 50.0, 320.0, 100.0), Radii::ZERO))), &[]);
    u
}

fn draw(canvas: &mut Canvas, tree: &LayerTree, damage: &[IntRect]) -> DrawStats {
    canvas.draw(tree, damage, &NoImages, &mut NoGlyphs).unwrap()
}

fn fresh(tree: &LayerTree) -> Vec<u8> {
    let mut c = Canvas::new(SIZE.0, SIZE.1, Color(0x000000ff)).unwrap();
    let all = c.bounds();
    draw(&mut c, tree, &[all]);
    c.pixmap().data().to_vec()
}

#[test]
fn moving_fading_and_scrolling_reuse_kept_pixels() {
    let mut tree = LayerTree::default();
    tree.apply(&scene(), true).unwrap();
    let mut canvas = Canvas::new(SIZE.0, SIZE.1, Color(0x000000ff)).unwrap();
    let all = canvas.bounds();
    let first = draw(&mut canvas, &tree, &[all]);
    assert_eq!(first.layers_rasterized, 3);
    assert!(canvas.layer_bytes() > 0);

    // Frames that change only props: nothing is rasterized, the pixels are a fresh canvas's.
    for (n, (scroll, tx, opacity)) in
        [(-30.5, 4.0, 0.8), (-61.0, 9.25, 0.5), (-200.0, 12.0, 1.0)].into_iter().enumerate()
    {
        let mut u = Vec::new();
        write_props(
            &mut u,
            2,
            &shifted(scroll, 0.0, 1.0, Some((Rect::new(0.0, 50.0, 320.0, 100.0), Radii::ZERO))),
            &[],
        );
        write_props(&mut u, 1, &shifted(tx, -2.0, opacity, None), &[]);
        tree.apply(&u, false).unwrap();
        let stats = draw(&mut canvas, &tree, &[all]);
        assert_eq!(stats.layers_rasterized, 0, "frame {n}");
        assert!(stats.pixels_composited > 0, "frame {n}");
        assert!(canvas.pixmap().data() == fresh(&tree).as_slice(), "frame {n} differs from a fresh canvas");
    }

    // Scrolling far past what the rail's surface covers rasterizes it again, at the same pixels.
    let mut u = Vec::new();
    write_props(&mut u, 2, &shifted(-2000.0, 0.0, 1.0, Some((Rect::new(0.0, 50.0, 320.0, 100.0), Radii::ZERO))), &[]);
    tree.apply(&u, false).unwrap();
    let stats = draw(&mut canvas, &tree, &[all]);
    assert_eq!(stats.layers_rasterized, 1);
    assert!(canvas.pixmap().data() == fresh(&tree).as_slice());

    // A new list for one layer rasterizes that layer alone.
    let mut u = Vec::new();
    write_content(&mut u, 1, &list(&[fill(20.0, 150.0, 60.0, 30.0, 0x20e0c0ff)]));
    tree.apply(&u, false).unwrap();
    assert_eq!(draw(&mut canvas, &tree, &[all]).layers_rasterized, 1);
    assert!(canvas.pixmap().data() == fresh(&tree).as_slice());

    // A new list whose runs are the old ones (a child layer added after them) keeps their pixels:
    // only the new child is rasterized.
    let mut u = Vec::new();
    write_content(&mut u, 3, &list(&[fill(100.0, 160.0, 30.0, 30.0, 0xc02060ff)]));
    let root = [fill(0.0, 0.0, 320.0, 200.0, 0x101820ff), Op::DrawLayer { layer: 2 }, Op::DrawLayer { layer: 1 }];
    write_content(&mut u, 0, &list(&[&root[..], &[Op::DrawLayer { layer: 3 }]].concat()));
    tree.apply(&u, false).unwrap();
    assert_eq!(draw(&mut canvas, &tree, &[all]).layers_rasterized, 1);
    assert!(canvas.pixmap().data() == fresh(&tree).as_slice());

    // One tile of the rail on screen (it is scrolled by 2,000 px) changes colour: the rail's
    // surface is rasterized again only where that tile is (its 50 × 80 pixels and the pixel
    // around for anti-aliasing).
    let mut u = Vec::new();
    let mut tiles: Vec<Op> =
        (0..40).map(|i| fill(10.0 + 60.0 * i as f32, 60.0, 50.0, 80.0, 0x3060a0ff + (i << 16))).collect();
    tiles[34] = fill(2050.0, 60.0, 50.0, 80.0, 0xffffffff);
    write_content(&mut u, 2, &list(&tiles));
    tree.apply(&u, false).unwrap();
    let stats = draw(&mut canvas, &tree, &[all]);
    assert_eq!((stats.layers_rasterized, stats.pixels_rasterized), (1, 52 * 82));
    assert!(canvas.pixmap().data() == fresh(&tree).as_slice());
}

/// A layer the backend animates (sliding, growing about its centre and fading, while the rail
/// under it scrolls): each frame redraws only the damage [`LayerTree::advance`] returns, and its
/// pixels are a fresh canvas's; so are they when the engine ends the animation where it stands.
#[test]
fn animated_layers_redraw_exactly_their_motion_damage() {
    let mut tree = LayerTree::default();
    tree.apply(&scene(), true).unwrap();
    let mut canvas = Canvas::new(SIZE.0, SIZE.1, Color(0x000000ff)).unwrap();
    let all = canvas.bounds();
    draw(&mut canvas, &tree, &[all]);
    let timing = |duration_ms, iterations, alternate| Timing { delay_ms: 50.0, duration_ms, iterations, alternate };
    let tracks = [
        Track {
            lane: Lane::TranslateX,
            from: 0.0,
            to: 150.5,
            start: 0.0,
            timing: timing(1000.0, f32::INFINITY, true),
            easing: Easing::EaseInOut,
        },
        Track {
            lane: Lane::ScaleX,
            from: 1.0,
            to: 1.3,
            start: 0.0,
            timing: timing(700.0, 1.0, false),
            easing: Easing::Linear,
        },
        Track {
            lane: Lane::Opacity,
            from: 1.0,
            to: 0.3,
            start: 0.0,
            timing: timing(400.0, 3.5, true),
            easing: Easing::Ease,
        },
    ];
    let base = Props { origin: [40.0, 165.0], ..shifted(0.0, 0.0, 1.0, None) };
    let mut u = Vec::new();
    write_props(&mut u, 1, &base, &tracks);
    tree.apply(&u, false).unwrap();
    let mut last = 0.0;
    for k in 0..45 {
        let t = f64::from(k) * 37.0;
        let mut damage = tree.advance(t);
        if k % 10 == 5 {
            // The engine scrolls the rail (its own damage: the rail's clip).
            let mut u = Vec::new();
            let clip = Some((Rect::new(0.0, 50.0, 320.0, 100.0), Radii::ZERO));
            write_props(&mut u, 2, &shifted(-3.0 * k as f32, 0.0, 1.0, clip), &[]);
            tree.apply(&u, false).unwrap();
            damage.extend(tree.advance(t));
            damage.push(IntRect { x: 0, y: 50, w: 320, h: 100 });
        }
        assert!(t < 50.0 || !damage.is_empty(), "frame {k}: it moves after its delay");
        draw(&mut canvas, &tree, &damage);
        assert!(canvas.pixmap().data() == fresh(&tree).as_slice(), "frame {k} (t = {t}) differs from a fresh canvas");
        last = t;
    }
    // The engine ends it where it stands: the props it sends are the last sample's.
    let mut u = Vec::new();
    write_props(&mut u, 1, &base.at(&tracks, last), &[]);
    tree.apply(&u, false).unwrap();
    let damage = tree.advance(last + 16.0);
    assert!(!tree.animating() && !damage.is_empty());
    draw(&mut canvas, &tree, &damage);
    assert!(canvas.pixmap().data() == fresh(&tree).as_slice());
}

/// With no budget nothing is kept and every frame rasterizes what it shows, to the same pixels.
#[test]
fn the_budget_bounds_what_is_kept_not_what_is_drawn() {
    let mut tree = LayerTree::default();
    tree.apply(&scene(), true).unwrap();
    let (mut kept, mut none) = (
        Canvas::new(SIZE.0, SIZE.1, Color(0x000000ff)).unwrap(),
        Canvas::new(SIZE.0, SIZE.1, Color(0x000000ff)).unwrap(),
    );
    none.set_layer_budget(0);
    let all = kept.bounds();
    for step in 0..4 {
        let mut u = Vec::new();
        write_props(&mut u, 1, &shifted(step as f32 * 7.5, 0.0, 1.0, None), &[]);
        tree.apply(&u, false).unwrap();
        let (a, b) = (draw(&mut kept, &tree, &[all]), draw(&mut none, &tree, &[all]));
        assert!(b.layers_rasterized >= 3 && (step == 0 || a.layers_rasterized == 0), "step {step}: {a:?} {b:?}");
        assert!(kept.pixmap().data() == none.pixmap().data(), "step {step}");
    }
    assert_eq!(none.layer_bytes(), 0);
}

/// Damage bounds the work: a frame damaging a corner composites about that corner's pixels.
#[test]
fn compositing_stays_inside_the_damage() {
    let mut tree = LayerTree::default();
    tree.apply(&scene(), true).unwrap();
    let mut canvas = Canvas::new(SIZE.0, SIZE.1, Color(0x000000ff)).unwrap();
    let all = canvas.bounds();
    draw(&mut canvas, &tree, &[all]);
    let corner = IntRect { x: 10, y: 10, w: 20, h: 20 };
    let stats = draw(&mut canvas, &tree, &[corner]);
    // The damage grows by a pixel on each side; the background and the rail's clip meet it.
    assert!(stats.pixels_composited <= 2 * 22 * 22, "{stats:?}");
    assert!(canvas.pixmap().data() == fresh(&tree).as_slice());
}

/// A child layer under two rounded clips — one its parent's list opens around it, one of its own
/// — fading over frames drawn a part at a time: each clip's mask covers only the part of the
/// damage it needs, and the pixels are still a fresh canvas's.
#[test]
fn rounded_clips_around_a_layer_mask_only_what_is_damaged() {
    let mut u = Vec::new();
    write_content(
        &mut u,
        0,
        &list(&[
            fill(0.0, 0.0, 320.0, 200.0, 0x101820ff),
            Op::PushClip { rect: Rect::new(40.5, 30.0, 200.0, 120.0), radii: Radii([12.0; 4]) },
            fill(40.0, 30.0, 200.0, 120.0, 0x3060a0ff),
            Op::DrawLayer { layer: 1 },
            Op::PopClip,
        ]),
    );
    write_content(&mut u, 1, &list(&[fill(0.0, 0.0, 320.0, 200.0, 0xe0c020ff)]));
    let clip = Some((Rect::new(100.0, 60.0, 180.0, 110.0), Radii([20.0; 4])));
    write_props(&mut u, 1, &shifted(0.0, 0.0, 0.3, clip), &[]);
    let mut tree = LayerTree::default();
    tree.apply(&u, true).unwrap();
    let mut canvas = Canvas::new(SIZE.0, SIZE.1, Color(0x000000ff)).unwrap();
    let all = canvas.bounds();
    draw(&mut canvas, &tree, &[all]);
    assert!(canvas.pixmap().data() == fresh(&tree).as_slice());
    for opacity in [0.55, 0.8, 1.0] {
        let mut u = Vec::new();
        write_props(&mut u, 1, &shifted(0.0, 0.0, opacity, clip), &[]);
        tree.apply(&u, false).unwrap();
        // Two frames, each redrawing a part of what the fade changed, with corners in both.
        for part in [IntRect { x: 95, y: 55, w: 90, h: 120 }, IntRect { x: 185, y: 55, w: 100, h: 120 }] {
            let stats = draw(&mut canvas, &tree, &[part]);
            assert_eq!(stats.layers_rasterized, 0);
            assert!(stats.pixels_composited <= 3 * part.area() as u64, "{stats:?}");
        }
        assert!(canvas.pixmap().data() == fresh(&tree).as_slice(), "opacity {opacity}");
    }
}

/// A text op names its paragraph, not its text: a paragraph set anew under the same handle and
/// box (a label's new words, a reloaded app's page) must be drawn anew, whether the layer's list
/// comes back the same or with another op changed beside it.
#[test]
fn a_paragraph_changed_behind_an_equal_text_op_is_drawn_again() {
    use marquee_display_list::text::{Paragraph, TextLayout, TextStyle};
    let mut text = marquee_test_support::text_service();
    let style = TextStyle { size: 30.0, ..TextStyle::default() };
    let set = |text: &mut marquee_text::SharedText, words: &str| {
        text.lock().set(7, &Paragraph { family: "", text: words, style });
    };
    let label = Op::Text { run: 7, rect: Rect::new(10.0, 10.0, 300.0, 40.0), overhang: 15.0, color: Color(0xffffffff) };
    let page = |swatch: u32| {
        let mut u = Vec::new();
        write_content(
            &mut u,
            0,
            &list(&[fill(0.0, 0.0, 320.0, 200.0, 0x101820ff), label, fill(10.0, 120.0, 40.0, 40.0, swatch)]),
        );
        let mut tree = LayerTree::default();
        tree.apply(&u, true).unwrap();
        tree
    };
    let fresh_with = |tree: &LayerTree, text: &mut marquee_text::SharedText| {
        let mut c = Canvas::new(SIZE.0, SIZE.1, Color(0x000000ff)).unwrap();
        let all = c.bounds();
        c.draw(tree, &[all], &NoImages, text).unwrap();
        c.pixmap().data().to_vec()
    };
    set(&mut text, "Choose a tile");
    let mut canvas = Canvas::new(SIZE.0, SIZE.1, Color(0x000000ff)).unwrap();
    let all = canvas.bounds();
    canvas.draw(&page(0xff0000ff), &[all], &NoImages, &mut text).unwrap();
    let before = canvas.pixmap().data().to_vec();

    // The same list, anew (a new version), over new words.
    set(&mut text, "You chose Oceans");
    let tree = page(0xff0000ff);
    canvas.draw(&tree, &[all], &NoImages, &mut text).unwrap();
    assert_ne!(canvas.pixmap().data(), &before[..]);
    assert_eq!(canvas.pixmap().data(), &fresh_with(&tree, &mut text)[..]);

    // Another op changed beside the label, whose words changed too.
    set(&mut text, "Deserts");
    let tree = page(0x00ff00ff);
    canvas.draw(&tree, &[all], &NoImages, &mut text).unwrap();
    assert_eq!(canvas.pixmap().data(), &fresh_with(&tree, &mut text)[..]);
}
