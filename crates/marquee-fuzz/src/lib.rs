//! The bodies of Marquee's fuzz targets, one function per surface that takes bytes from outside:
//!
//! | target | what it feeds | what must hold |
//! |---|---|---|
//! | `protocol_engine` | a command batch (twice, with frames and keys between) into the native engine | no panic; every frame the engine writes parses, with its display list, events and requests |
//! | `display_list` | a frame or display list into the parser and the tiny-skia backend | no panic; errors are errors |
//! | `text` | a paragraph (the engine's binary form) into the text service | no panic, and no paragraph dropped because cosmic-text panicked (the service contains that on devices; here it is a finding) |
//! | `image` | a PNG or JPEG file into the decoder | no panic; a decoded image has `width × height × 4` bytes |
//! | `bundle` | a manifest and a channel file into their strict readers | no panic; what is read writes back and reads the same |
//!
//! The functions panic on a broken property, which is what a fuzzer reports. `fuzz/` holds the
//! libFuzzer binaries (one line each, runnable with `cargo fuzz`); `cargo xtask fuzz` builds them
//! on the stable toolchain with coverage instrumentation and runs them from [`seeds`]: golden
//! vectors and fixtures of the repository. `tests/regressions.rs` replays every seed and every
//! input in `fuzz/regressions/TARGET/` (past findings) through the same functions in
//! `cargo test`, so a fixed crash stays fixed.

mod seeds;

use std::cell::RefCell;

use marquee_display_list::layers::LayerTree;
use marquee_display_list::text::{Glyphs, Paragraph, Placement, TextLayout};
use marquee_display_list::{Color, IntRect, decode};
use marquee_protocol::{Key, KeyAction};

pub use seeds::seeds;

/// A target's body: bytes in, a panic on a broken property.
pub type Target = fn(&[u8]);

/// Every target, by name.
pub const TARGETS: &[(&str, Target)] = &[
    ("protocol_engine", protocol_engine),
    ("display_list", display_list),
    ("text", text),
    ("image", image),
    ("bundle", bundle),
];

/// Checks that a frame the engine wrote is well formed in every part, and that its layer updates
/// apply to the tree the earlier frames left.
fn check_frame(tree: &mut LayerTree, bytes: &[u8]) {
    let frame = marquee_display_list::frame::Frame::parse(bytes).expect("the engine wrote a frame that does not parse");
    let device = IntRect { x: 0, y: 0, w: 1920, h: 1080 };
    if let Err(e) = tree.apply_frame(&frame, device) {
        panic!("the engine wrote layer updates the backend refuses: {e}");
    }
    marquee_display_list::frame::requests(frame.requests).expect("the engine wrote requests that do not decode");
    let events =
        marquee_protocol::decode_events(frame.events).expect("the engine wrote an event batch that does not decode");
    for event in events {
        event.expect("the engine wrote an event that does not decode");
    }
}

/// A command batch, applied twice with frames and key presses between: the engine never panics
/// and everything it writes is well formed.
pub fn protocol_engine(data: &[u8]) {
    let mut engine = marquee_engine::Engine::default();
    let mut tree = LayerTree::default();
    engine.apply(data);
    check_frame(&mut tree, engine.frame(0.0));
    for key in [Key::Right, Key::Down, Key::Enter] {
        engine.key(key, KeyAction::Press);
    }
    check_frame(&mut tree, engine.frame(16.0));
    engine.apply(data);
    check_frame(&mut tree, engine.frame(1000.0));
    check_frame(&mut tree, engine.frame(3000.0));
}

/// Bytes as a whole frame, as layer updates (on their own and over a tree that holds layers) and
/// as a bare display list, drawn on a small canvas. A refused update leaves the tree as it was.
pub fn display_list(data: &[u8]) {
    let mut canvas = marquee_raster::Canvas::new(64, 48, Color(0x000000ff)).expect("a 64×48 canvas");
    let bounds = IntRect { x: 0, y: 0, w: 64, h: 48 };
    let (none, mut glyphs) = (&marquee_raster::NoImages, marquee_raster::NoGlyphs);
    let mut tree = LayerTree::default();
    if let Ok(frame) = marquee_display_list::frame::Frame::parse(data) {
        let _ = marquee_display_list::frame::requests(frame.requests);
        if let Ok(damage) = tree.apply_frame(&frame, bounds) {
            let _ = canvas.draw(&tree, &damage, none, &mut glyphs);
        }
    }
    for full in [true, false] {
        let mut tree = seeded_tree();
        let before = tree.clone();
        match tree.apply(data, full) {
            Ok(_) => {
                // Sampled where animated props may stand: before, during and long after.
                for t in [-1e3, 250.0, 1e12] {
                    let mut damage = tree.advance(t);
                    damage.truncate(16);
                    damage.push(bounds);
                    let _ = canvas.draw(&tree, &damage, none, &mut glyphs);
                }
            }
            Err(_) => assert!(tree == before, "a refused update changed the tree"),
        }
    }
    if let Ok(ops) = decode(data) {
        let _ = canvas.draw_ops(&ops, &[bounds], none, &mut glyphs);
    }
}

/// A small tree with a root, a child layer and a grandchild, for updates to land on.
fn seeded_tree() -> LayerTree {
    use marquee_display_list::layers::{Props, write_content, write_props};
    use marquee_display_list::motion::{Easing, Lane, Timing, Track};
    use marquee_display_list::{Encoder, Op, Rect};
    let list = |ops: &[Op]| {
        let mut e = Encoder::default();
        ops.iter().for_each(|op| e.push(op));
        e.bytes().to_vec()
    };
    let fill =
        Op::FillRect { rect: Rect::new(4.0, 4.0, 20.0, 10.0), radii: Default::default(), color: Color(0xff0000ff) };
    let mut updates = Vec::new();
    write_content(&mut updates, 0, &list(&[fill, Op::DrawLayer { layer: 1 }]));
    write_content(&mut updates, 1, &list(&[fill, Op::DrawLayer { layer: 2 }]));
    write_content(&mut updates, 2, &list(&[fill]));
    let props = Props { opacity: 0.5, origin: [14.0, 9.0], ..Props::shift(8.0, 4.0) };
    let timing = Timing { delay_ms: 0.0, duration_ms: 500.0, iterations: f32::INFINITY, alternate: true };
    let grow = Track { lane: Lane::ScaleX, from: 1.0, to: 1.5, start: 0.0, timing, easing: Easing::EaseInOut };
    write_props(&mut updates, 1, &props, &[grow]);
    let mut tree = LayerTree::default();
    tree.apply(&updates, true).expect("the seed tree is well formed");
    tree
}

thread_local! {
    /// One text service for every input: loading its fonts costs more than an input.
    static TEXT: RefCell<marquee_text::TextSystem> = RefCell::new(marquee_text::TextSystem::new());
}

/// A paragraph in the engine's binary form, measured at several widths and drawn.
pub fn text(data: &[u8]) {
    let Ok(paragraph) = Paragraph::decode(data) else { return };
    TEXT.with_borrow_mut(|t| {
        t.set(1, &paragraph);
        for width in [f32::INFINITY, 300.0, 40.0, 0.0] {
            let size = t.measure(1, width);
            assert!(size.width.is_finite() && size.height.is_finite(), "{size:?}");
        }
        t.glyphs(Placement { run: 1, width: 300.0, origin: [0.0, 0.0], scale: 1.5 }, &mut |_| {});
        let failures = t.take_failures();
        assert!(!failures.iter().any(|f| f.contains("dropped")), "the text library failed: {failures:?}");
        t.remove(1);
    });
}

/// A file through the PNG and JPEG decoders, under limits small enough for many runs a second.
pub fn image(data: &[u8]) {
    let limits = marquee_image::Limits { max_pixels: 1 << 20, max_dimension: 4096, ..marquee_image::Limits::default() };
    if let Ok(image) = marquee_image::decode(data, &limits) {
        assert_eq!(image.pixels.len() as u64, u64::from(image.width) * u64::from(image.height) * 4);
    }
}

/// Bytes as a bundle manifest and as a channel file: refused, or read, written and read again
/// to the same value.
pub fn bundle(data: &[u8]) {
    if let Ok(manifest) = marquee_bundle::Manifest::parse(data) {
        let again = marquee_bundle::Manifest::parse(&manifest.to_bytes()).expect("a manifest's own bytes read back");
        assert_eq!(again, manifest);
    }
    if let Ok(channel) = marquee_bundle::Channel::parse(data) {
        let again = marquee_bundle::Channel::parse(&channel.to_bytes()).expect("a channel's own bytes read back");
        assert_eq!(again, channel);
    }
}
