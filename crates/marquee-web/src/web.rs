//! The state a page keeps around its engine: fonts and paragraphs, the layer tree the engine's
//! frames build, the damage not yet drawn, decoded images by the engine's handle, and (in a
//! browser) the GPU backend drawing on the page's WebGL context.
//!
//! It mirrors the native host's engine thread, minus the threads and the clock, which are the
//! page's: a frame the engine returns is applied whole or not at all (updates that do not make
//! one tree change nothing and ask the engine to restate it, as natively); images are held
//! within a hard cap of decoded bytes, past which a load fails `too-many-pixels` instead of the
//! page running out of memory.

use std::collections::HashMap;

use marquee_display_list::frame::{self, Frame, Request};
use marquee_display_list::images::{Images, Pixels};
use marquee_display_list::layers::LayerTree;
use marquee_display_list::{Color, IntRect};
use marquee_image::{ImageError, Limits};
use marquee_text::TextSystem;

/// What a frame leaves for the page: the app's events and the image requests.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FrameOut {
    /// The engine's event batch for the app, as it sent it.
    pub events: Vec<u8>,
    /// The image requests as JSON, for the page's loaders: `[[1, image, "src"], [2, image]]`
    /// (1 loads, 2 releases).
    pub requests: String,
    /// The frame's layer updates were refused: the page calls the engine's `invalidate`, and
    /// the next frame restates the whole tree.
    pub invalidate: bool,
}

/// What one draw covers ([`Web::take_draw`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Draw {
    /// The area drawn.
    pub area: IntRect,
    /// The app's pixels changed in it (otherwise only the overlay's did: a page that stops when
    /// idle does not count it).
    pub app: bool,
    /// The overlay's panels draw over it.
    pub panels: bool,
}

/// An image decoded by [`Web::decode`]: premultiplied RGBA, or the protocol's reason.
pub type Decoded = Result<marquee_image::Image, marquee_image::Error>;

/// The page's side of one engine.
pub struct Web {
    pub(crate) text: TextSystem,
    pub(crate) layers: LayerTree,
    bounds: IntRect,
    background: Color,
    /// Damage since the last draw, as its bounding box within the surface: the backend draws
    /// one area (see `damage::area`), so rectangles are unioned as they come rather than kept
    /// and merged — a frame where 10,000 layers move makes 20,000.
    damage: IntRect,
    /// Nothing drawn yet: the first draw covers the whole surface.
    fresh: bool,
    pub(crate) images: Store,
    /// Lines for the page's console (refused frames, image failures, text failures).
    log: Vec<String>,
    frames: u64,
    /// The debug overlay (see `overlay`).
    #[cfg(feature = "overlay")]
    pub(crate) overlay: marquee_overlay::Session,
    #[cfg(target_arch = "wasm32")]
    pub(crate) gpu: Option<crate::abi::Gpu>,
}

/// Decoded images by the engine's handle, each with a serial the backend keys its texture by.
#[derive(Default)]
pub(crate) struct Store {
    resident: HashMap<u32, (u64, marquee_image::Image)>,
    next_serial: u64,
    bytes: u64,
    cap: u64,
}

impl Images for Store {
    fn image(&self, handle: u32) -> Option<Pixels<'_>> {
        let (_, image) = self.resident.get(&handle)?;
        Some(Pixels { width: image.width, height: image.height, data: &image.pixels })
    }

    fn serial(&self, handle: u32) -> Option<u64> {
        self.resident.get(&handle).map(|&(serial, _)| serial)
    }
}

impl Web {
    /// A page of `width × height` pixels on `background`, holding at most `image_cap` bytes of
    /// decoded images (the native host's cap: twice the engine's texture budget).
    pub fn new(width: u32, height: u32, background: Color, image_cap: u64) -> Web {
        Web {
            text: TextSystem::new(),
            layers: LayerTree::default(),
            bounds: IntRect { x: 0, y: 0, w: width as i32, h: height as i32 },
            background,
            damage: IntRect::default(),
            fresh: true,
            images: Store { cap: image_cap, ..Store::default() },
            log: Vec::new(),
            frames: 0,
            #[cfg(feature = "overlay")]
            overlay: marquee_overlay::Session::new((width, height), false),
            #[cfg(target_arch = "wasm32")]
            gpu: None,
        }
    }

    /// The surface's size.
    pub fn size(&self) -> (u32, u32) {
        (self.bounds.w as u32, self.bounds.h as u32)
    }

    /// The colour under everything.
    pub fn background(&self) -> Color {
        self.background
    }

    /// Adds an app font (`name` for errors); returns its families. The page loads an app's
    /// `assets/fonts` in name order, as the native host does, so the default family is the same.
    pub fn load_font(&mut self, name: &str, bytes: Vec<u8>) -> Result<Vec<String>, String> {
        self.text.load_font(name, bytes).map_err(|e| e.to_string())
    }

    /// Applies one frame buffer from the engine: its layer updates (all or nothing), the damage
    /// its animations make at its time; returns the events and image requests for the page.
    pub fn frame(&mut self, bytes: &[u8]) -> FrameOut {
        self.frames += 1;
        let n = self.frames;
        let frame = match Frame::parse(bytes) {
            Ok(f) => f,
            Err(e) => {
                self.say(format!("frame {n}: malformed frame ({e}); the engine restates its layers"));
                return FrameOut { invalidate: true, ..FrameOut::default() };
            }
        };
        let mut out = FrameOut { events: frame.events.to_vec(), requests: requests_json(&frame), invalidate: false };
        if out.requests.is_empty() {
            self.say(format!("frame {n}: malformed image requests"));
            out.requests = "[]".into();
        }
        let (bounds, damage) = (self.bounds, &mut self.damage);
        if let Err(e) = self.layers.apply_frame_with(&frame, &mut |r| *damage = damage.union(&r.intersect(&bounds))) {
            self.say(format!("frame {n}: layer updates refused ({e}); the engine restates its layers"));
            out.invalidate = true;
        }
        for failure in self.text.take_failures() {
            self.say(failure);
        }
        out
    }

    /// The area to draw next, and forgets it: the merged damage since the last draw (all of
    /// the surface the first time), or `None` when nothing changed.
    pub fn take_damage(&mut self) -> Option<IntRect> {
        let damage = std::mem::take(&mut self.damage);
        if std::mem::take(&mut self.fresh) {
            return Some(self.bounds);
        }
        (!damage.is_empty()).then(|| marquee_display_list::damage::area(&[damage], self.bounds))
    }

    /// What to draw next, and forgets it: [`take_damage`](Self::take_damage) with what the
    /// debug overlay adds (see `marquee_overlay::Session::cover`); `None` when nothing changed.
    pub fn take_draw(&mut self) -> Option<Draw> {
        let damage = self.take_damage();
        #[cfg(feature = "overlay")]
        return self.overlay_cover(damage);
        #[cfg(not(feature = "overlay"))]
        damage.map(|area| Draw { area, app: true, panels: false })
    }

    /// Draw the whole surface next time (a new context, a lost one).
    pub fn redraw_all(&mut self) {
        self.fresh = true;
    }

    /// Decodes an image's bytes as the native host does (PNG or JPEG, the header checked against
    /// the default limits before anything is allocated).
    pub fn decode(bytes: &[u8]) -> Decoded {
        marquee_image::decode(bytes, &Limits::default())
    }

    /// Holds `image` under the engine's `handle`, replacing what it held; refused with
    /// `too-many-pixels` when it would take the held bytes past the cap.
    pub fn put_image(&mut self, handle: u32, image: marquee_image::Image) -> Result<(), ImageError> {
        self.drop_image(handle);
        if self.images.bytes + image.bytes() > self.images.cap {
            self.say(format!(
                "image {handle}: {} bytes of pixels would pass the cap of {} (holding {})",
                image.bytes(),
                self.images.cap,
                self.images.bytes
            ));
            return Err(ImageError::TooManyPixels);
        }
        self.images.next_serial += 1;
        self.images.bytes += image.bytes();
        self.images.resident.insert(handle, (self.images.next_serial, image));
        Ok(())
    }

    /// Frees the pixels of `handle` (the engine released it).
    pub fn drop_image(&mut self, handle: u32) {
        if let Some((_, old)) = self.images.resident.remove(&handle) {
            self.images.bytes -= old.bytes();
        }
    }

    /// Bytes of decoded images held.
    pub fn image_bytes(&self) -> u64 {
        self.images.bytes
    }

    /// Keeps a line for the page's console.
    pub(crate) fn say(&mut self, line: String) {
        // A page that never reads the log keeps only the latest lines.
        if self.log.len() >= 64 {
            self.log.remove(0);
        }
        self.log.push(line);
    }

    /// The lines kept since the last call.
    pub fn take_log(&mut self) -> Vec<String> {
        std::mem::take(&mut self.log)
    }
}

/// The frame's requests as JSON (see [`FrameOut::requests`]), or empty when they are malformed.
fn requests_json(frame: &Frame<'_>) -> String {
    let Ok(requests) = frame::requests(frame.requests) else { return String::new() };
    let mut out = String::from("[");
    for (i, request) in requests.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match request {
            Request::Load { image, src } => {
                out.push_str(&format!("[1,{image},"));
                json_string(&mut out, src);
                out.push(']');
            }
            Request::Release { image } => out.push_str(&format!("[2,{image}]")),
        }
    }
    out.push(']');
    out
}

/// `s` as a JSON string literal.
fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use marquee_display_list::frame::Request;

    use super::*;

    fn frame_with(requests: &[Request<'_>], events: &[u8]) -> Vec<u8> {
        let mut encoded = Vec::new();
        for r in requests {
            r.encode(&mut encoded);
        }
        let mut out = Vec::new();
        frame::write(&mut out, frame::Head { full: false, time: 16.0 }, &[], &[], events, &encoded);
        out
    }

    #[test]
    fn requests_reach_the_page_as_json_whatever_the_source_holds() {
        let mut web = Web::new(64, 32, Color(0xff), 1 << 20);
        let srcs = ["posters/01.jpg", "we\"ird\\\n\u{2028}é.png"];
        let requests = [
            Request::Load { image: 3, src: srcs[0] },
            Request::Release { image: 9 },
            Request::Load { image: 4, src: srcs[1] },
        ];
        let out = web.frame(&frame_with(&requests, b"events"));
        assert_eq!(out.events, b"events");
        assert!(!out.invalidate);
        assert_eq!(out.requests, r#"[[1,3,"posters/01.jpg"],[2,9],[1,4,"we\"ird\\\u000a\u2028é.png"]]"#);
    }

    #[test]
    fn a_malformed_frame_changes_nothing_and_asks_for_the_whole_tree() {
        let mut web = Web::new(64, 32, Color(0xff), 1 << 20);
        assert_eq!(web.take_damage(), Some(IntRect { x: 0, y: 0, w: 64, h: 32 }), "the first draw is whole");
        let out = web.frame(b"MQFR garbage");
        assert!(out.invalidate);
        assert_eq!(web.take_damage(), None);
        assert_eq!(web.take_log().len(), 1);
        // Updates that remove a layer nobody has are refused whole; the page asks for the tree.
        let mut updates = Vec::new();
        marquee_display_list::layers::write_remove(&mut updates, 7);
        let mut bytes = Vec::new();
        frame::write(&mut bytes, frame::Head { full: false, time: 16.0 }, &updates, &[], &[], &[]);
        assert!(web.frame(&bytes).invalidate);
        assert_eq!(web.take_damage(), None);
    }

    #[test]
    fn images_are_held_within_the_cap_and_freed_when_released() {
        let image =
            |side: u32| marquee_image::Image { width: side, height: side, pixels: vec![9; (side * side * 4) as usize] };
        let mut web = Web::new(8, 8, Color(0xff), 1000);
        web.put_image(1, image(10)).unwrap();
        assert_eq!(web.image_bytes(), 400);
        let first = web.images.serial(1).unwrap();
        web.put_image(1, image(12)).unwrap();
        assert_eq!(web.image_bytes(), 576, "a handle loaded again replaces its pixels");
        assert_ne!(web.images.serial(1), Some(first), "and gets a new serial");
        assert_eq!(web.put_image(2, image(12)), Err(ImageError::TooManyPixels));
        assert_eq!(web.image_bytes(), 576, "a refused image holds nothing");
        web.drop_image(1);
        assert_eq!(web.image_bytes(), 0);
        web.put_image(2, image(12)).unwrap();
        assert!(web.images.image(2).is_some() && web.images.image(1).is_none());
    }

    #[test]
    fn images_that_do_not_decode_say_why_in_the_protocols_words() {
        let poster =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../apps/demo/assets/posters/01.jpg")).unwrap();
        let image = Web::decode(&poster).unwrap();
        assert_eq!(image.pixels.len() as u64, u64::from(image.width) * u64::from(image.height) * 4);
        assert_eq!(Web::decode(b"\x89PNG\r\n\x1a\nnot really").unwrap_err().reason, ImageError::Corrupt);
        assert_eq!(Web::decode(b"GIF89a").unwrap_err().reason, ImageError::Unsupported);
    }
}
