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

use marquee_display_list::text::{Glyphs, Paragraph, Placement, TextLayout};
use marquee_display_list::{IntRect, decode};
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

/// Checks that a frame the engine wrote is well formed in every part.
fn check_frame(bytes: &[u8]) {
    let frame = marquee_display_list::frame::Frame::parse(bytes).expect("the engine wrote a frame that does not parse");
    decode(frame.display_list).expect("the engine wrote a display list that does not decode");
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
    engine.apply(data);
    check_frame(engine.frame(0.0));
    for key in [Key::Right, Key::Down, Key::Enter] {
        engine.key(key, KeyAction::Press);
    }
    check_frame(engine.frame(16.0));
    engine.apply(data);
    check_frame(engine.frame(1000.0));
}

/// Bytes as a whole frame and as a bare display list, drawn on a small canvas.
pub fn display_list(data: &[u8]) {
    let mut canvas =
        marquee_raster::Canvas::new(64, 48, marquee_display_list::Color(0x000000ff)).expect("a 64×48 canvas");
    let bounds = IntRect { x: 0, y: 0, w: 64, h: 48 };
    if let Ok(frame) = marquee_display_list::frame::Frame::parse(data) {
        let _ = marquee_display_list::frame::requests(frame.requests);
        let damage: Vec<IntRect> = frame.damage.iter().take(16).copied().collect();
        let _ = canvas.draw(frame.display_list, &damage, &marquee_raster::NoImages, &mut marquee_raster::NoGlyphs);
    }
    let _ = canvas.draw(data, &[bounds], &marquee_raster::NoImages, &mut marquee_raster::NoGlyphs);
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
