//! Golden images: every scene fixture (`tests/scenes`, `tests/text`, `tests/images`) is run
//! through the native engine and drawn frame by frame, redrawing only each frame's damage. Text is
//! shaped and drawn by the fixtures' text service (the demo's fonts); an image answered with
//! `image-ready H W H` is a synthetic `W × H` picture whose quadrants and gradient show how it was
//! scaled and cropped. The layer tree the frames' updates build is drawn, and the result must
//! equal, pixel for pixel, a fresh full redraw of the final tree (so damage is never
//! under-reported, retained layers are never stale and partial redraw never leaves stale pixels), and must match the committed PNG in
//! `tests/snapshots/raster/` within a small tolerance. `UPDATE_EXPECT=1` rewrites the PNGs.

use std::path::Path;

use marquee_display_list::layers::LayerTree;
use marquee_display_list::{Color, Op, Radii, Rect, frame::Frame};
use marquee_engine::Engine;
use marquee_raster::{Canvas, Images, NoGlyphs, NoImages, Pixels};
use marquee_test_support::images::Synthetic;
use marquee_test_support::{golden, run_fixtures, scene};

const BACKGROUND: Color = Color(0x000000ff);

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn scenes_render_to_their_golden_images() {
    render_dir("scenes", "", BACKGROUND);
}

#[test]
fn text_renders_to_its_golden_images() {
    render_dir("text", "text-", Color(0xffffffff));
}

#[test]
fn images_render_to_their_golden_images() {
    render_dir("images", "images-", Color(0x202020ff));
}

fn render_dir(dir: &str, prefix: &str, background: Color) {
    let text = marquee_test_support::text_service();
    run_fixtures(&root().join("tests").join(dir), "scene", |path| {
        let steps = scene::parse(&std::fs::read_to_string(path).map_err(|e| e.to_string())?)?;
        let mut engine = Engine::with_text(Box::new(text.clone()));
        let mut images = Synthetic::default();
        let mut glyphs = text.clone();
        let mut viewport = None;
        let mut canvas: Option<Canvas> = None;
        let mut tree = LayerTree::default();
        for step in &steps {
            match step {
                scene::Step::Batch(cmds) => {
                    for c in cmds {
                        if let marquee_protocol::Command::SetViewport { width, height } = c {
                            viewport = Some((*width as u32, *height as u32));
                        }
                    }
                    engine.apply(&marquee_protocol::encode_batch(cmds));
                }
                scene::Step::Key(key, action) => {
                    engine.key(*key, *action);
                }
                scene::Step::Text(character) => {
                    engine.text(*character);
                }
                scene::Step::Image(handle, Ok((w, h))) => {
                    if engine.image_ready(*handle, *w, *h) {
                        images.make(*handle, *w, *h);
                    }
                }
                scene::Step::Image(handle, Err(reason)) => {
                    engine.image_failed(*handle, *reason);
                }
                scene::Step::Budget(bytes) => engine.set_texture_budget(*bytes),
                scene::Step::Raw(bytes) => {
                    engine.apply(bytes);
                }
                scene::Step::Frame(t) => {
                    let bytes = engine.frame(*t).to_vec();
                    let frame = Frame::parse(&bytes).map_err(|e| e.to_string())?;
                    // The canvas is the viewport the script set (a new one when it changes), or
                    // else the engine's default viewport, which the first frame's damage covers.
                    let current = canvas.as_ref().map(|c| (c.bounds().w as u32, c.bounds().h as u32));
                    let full = frame.damage.first().map(|d| (d.w as u32, d.h as u32));
                    let Some((w, h)) = viewport.or(current).or(full) else { continue };
                    if canvas.as_ref().is_none_or(|c| (c.bounds().w, c.bounds().h) != (w as i32, h as i32)) {
                        canvas = Some(Canvas::new(w, h, background).map_err(|e| e.to_string())?);
                    }
                    let c = canvas.as_mut().ok_or("no canvas")?;
                    let damage = tree.apply_frame(&frame, c.bounds()).map_err(|e| e.to_string())?;
                    c.draw(&tree, &damage, &images, &mut glyphs).map_err(|e| e.to_string())?;
                }
            }
        }
        let canvas = canvas.ok_or("no frame")?;
        let mut fresh =
            Canvas::new(canvas.bounds().w as u32, canvas.bounds().h as u32, background).map_err(|e| e.to_string())?;
        fresh.draw(&tree, &[fresh.bounds()], &images, &mut glyphs).map_err(|e| e.to_string())?;
        if fresh.pixmap().data() != canvas.pixmap().data() {
            let width = canvas.bounds().w as usize;
            let differ = fresh.pixmap().data().chunks(4).zip(canvas.pixmap().data().chunks(4)).enumerate();
            let first: Vec<String> = differ
                .filter(|(_, (a, b))| a != b)
                .take(4)
                .map(|(i, (a, b))| format!("({}, {}) {a:?} ≠ {b:?}", i % width, i / width))
                .collect();
            return Err(format!("drawing only the damage gave other pixels than a full redraw: {}", first.join(", ")));
        }

        let name = path.file_stem().and_then(|s| s.to_str()).ok_or("bad name")?;
        golden::check_png(&root().join("tests/snapshots/raster").join(format!("{prefix}{name}.png")), &canvas)
    });
}

struct Checker(tiny_skia::Pixmap);

impl Images for Checker {
    fn image(&self, handle: u32) -> Option<Pixels<'_>> {
        (handle == 7).then(|| Pixels { width: self.0.width(), height: self.0.height(), data: self.0.data() })
    }

    fn serial(&self, handle: u32) -> Option<u64> {
        (handle == 7).then_some(7)
    }
}

fn list(ops: &[Op]) -> LayerTree {
    LayerTree::single(ops.to_vec()).unwrap()
}

#[test]
fn images_are_scaled_from_source_to_destination() {
    // A 2x2 image: red, green / blue, white. Drawn 2x up at 10,10, each texel covers 2x2 pixels.
    let mut img = tiny_skia::Pixmap::new(2, 2).unwrap();
    for (i, c) in [[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255], [255, 255, 255, 255]].iter().enumerate() {
        img.data_mut()[i * 4..i * 4 + 4].copy_from_slice(c);
    }
    let mut canvas = Canvas::new(20, 20, BACKGROUND).unwrap();
    let op =
        Op::Image { handle: 7, src: Rect::new(0.0, 0.0, 2.0, 2.0), dst: Rect::new(10.0, 10.0, 8.0, 8.0), opacity: 1.0 };
    let stats = canvas.draw(&list(&[op]), &[canvas.bounds()], &Checker(img), &mut NoGlyphs).unwrap();
    assert_eq!(stats.skipped, 0);
    let px = |x, y| {
        let p = canvas.pixmap().pixel(x, y).unwrap();
        [p.red(), p.green(), p.blue()]
    };
    assert_eq!(px(11, 11), [255, 0, 0]);
    assert_eq!(px(16, 11), [0, 255, 0]);
    assert_eq!(px(11, 16), [0, 0, 255]);
    assert_eq!(px(5, 5), [0, 0, 0]);
    // An unknown handle is skipped, not an error.
    let missing =
        Op::Image { handle: 8, src: Rect::new(0.0, 0.0, 2.0, 2.0), dst: Rect::new(0.0, 0.0, 4.0, 4.0), opacity: 1.0 };
    assert_eq!(canvas.draw(&list(&[missing]), &[canvas.bounds()], &NoImages, &mut NoGlyphs).unwrap().skipped, 1);
}

/// Updates that do not decode or do not make a tree change nothing: the tree, and so the canvas
/// drawn from it, stay as the last good frame left them.
#[test]
fn a_corrupt_frame_is_refused_and_keeps_the_last_frame() {
    use marquee_display_list::layers::write_content;
    let mut canvas = Canvas::new(10, 10, BACKGROUND).unwrap();
    let fill = Op::FillRect { rect: Rect::new(0.0, 0.0, 10.0, 10.0), radii: Radii::ZERO, color: Color(0xff0000ff) };
    let mut tree = list(&[fill]);
    canvas.draw(&tree, &[canvas.bounds()], &NoImages, &mut NoGlyphs).unwrap();
    let before = (tree.clone(), canvas.pixmap().data().to_vec());
    let bytes = |ops: &[Op]| {
        let mut e = marquee_display_list::Encoder::default();
        ops.iter().for_each(|op| e.push(op));
        e.bytes().to_vec()
    };
    let unbalanced = bytes(&[Op::PushClip { rect: Rect::new(0.0, 0.0, 5.0, 5.0), radii: Radii::ZERO }]);
    let mut bad = Vec::new();
    write_content(&mut bad, 0, &unbalanced);
    assert!(tree.apply(&bad, false).is_err());
    let mut orphan = Vec::new();
    write_content(&mut orphan, 0, &bytes(&[Op::DrawLayer { layer: 9 }]));
    assert!(tree.apply(&orphan, false).is_err());
    canvas.draw(&tree, &[canvas.bounds()], &NoImages, &mut NoGlyphs).unwrap();
    assert_eq!((tree, canvas.pixmap().data().to_vec()), before);
}

#[test]
fn damage_outside_the_canvas_is_ignored() {
    let mut canvas = Canvas::new(10, 10, BACKGROUND).unwrap();
    let fill = Op::FillRect { rect: Rect::new(0.0, 0.0, 10.0, 10.0), radii: Radii::ZERO, color: Color(0xff0000ff) };
    let far = marquee_display_list::IntRect { x: 100, y: 100, w: 10, h: 10 };
    let stats = canvas.draw(&list(&[fill]), &[far], &NoImages, &mut NoGlyphs).unwrap();
    assert_eq!((stats.ops, stats.pixels), (0, 0));
    assert_eq!(canvas.pixmap().pixel(5, 5).unwrap().red(), 0);
}

/// 250 nested opacity layers and clips (a scene an app can build): at most `MAX_LAYERS` layer
/// pixmaps and `MAX_CLIPS` masks are made, deeper ones are flattened, and the result is still
/// the right colour: one fill under 250 layers at 0.99 is 0.99^250 ≈ 8% opaque either way.
#[test]
fn deep_layers_and_clips_are_bounded() {
    let depth = 250;
    let mut ops = Vec::new();
    for i in 0..depth {
        let inset = i as f32 * 0.1;
        ops.push(Op::PushOpacity { opacity: 0.99 });
        ops.push(Op::PushClip {
            rect: Rect::new(inset, inset, 100.0 - 2.0 * inset, 100.0 - 2.0 * inset),
            radii: Radii::ZERO,
        });
    }
    ops.push(Op::FillRect { rect: Rect::new(0.0, 0.0, 100.0, 100.0), radii: Radii::ZERO, color: Color(0xffffffff) });
    for _ in 0..depth {
        ops.push(Op::PopClip);
        ops.push(Op::PopOpacity);
    }
    let mut canvas = Canvas::new(100, 100, BACKGROUND).unwrap();
    let stats = canvas.draw(&list(&ops), &[canvas.bounds()], &NoImages, &mut NoGlyphs).unwrap();
    let flattened = (depth - marquee_raster::MAX_LAYERS) + (depth - marquee_raster::MAX_CLIPS);
    assert_eq!(stats.flattened as usize, flattened);
    let centre = canvas.pixmap().pixel(50, 50).unwrap();
    let expected = 255.0 * 0.99f32.powi(depth as i32);
    assert!((f32::from(centre.red()) - expected).abs() <= 4.0, "{} vs {expected}", centre.red());
    // The 32 outer clips still apply: the corner is outside the 32nd inset.
    assert_eq!(canvas.pixmap().pixel(1, 1).unwrap().red(), 0);
}

/// Boxes whose edges land on whole pixels fill exactly their pixels, square or rounded (the
/// corners anti-aliased, the rest not), and those off the grid are anti-aliased all round.
#[test]
fn boxes_on_whole_pixels_fill_exactly_their_pixels() {
    let red = Color(0xff0000ff);
    for radius in [0.0, 6.0] {
        let mut canvas = Canvas::new(40, 40, BACKGROUND).unwrap();
        let op = Op::FillRect { rect: Rect::new(5.0, 7.0, 20.0, 16.0), radii: Radii([radius; 4]), color: red };
        canvas.draw(&list(&[op]), &[canvas.bounds()], &NoImages, &mut NoGlyphs).unwrap();
        let red_at = |x, y| canvas.pixmap().pixel(x, y).unwrap().red();
        for y in 0..40 {
            for x in 0..40 {
                let inside = (5..25).contains(&x) && (7..23).contains(&y);
                let corner = !(11..19).contains(&x) && !(13..17).contains(&y);
                match (inside, radius > 0.0 && corner) {
                    (false, _) => assert_eq!(red_at(x, y), 0, "r {radius}: ({x}, {y}) outside"),
                    (true, false) => assert_eq!(red_at(x, y), 255, "r {radius}: ({x}, {y}) inside"),
                    (true, true) => {}
                }
            }
        }
        if radius > 0.0 {
            // The corner pixel itself is outside the curve; the middle of its square's far edge inside.
            assert_eq!(red_at(5, 7), 0);
            assert!(red_at(5, 14) == 255 && red_at(10, 7) == 255);
            assert!((1..255).contains(&red_at(6, 8)), "an edge pixel of the curve is partly covered");
        }
    }
}
