//! web.wasm's exports: [`Web`] over integers and bytes in linear memory, the engine ABI's way.
//! The page writes bytes into buffers from `mw_alloc`; what the module hands back (a frame's
//! events, the log, pixels) is `ptr | len << 32` into a buffer it keeps until the next call of
//! the same export.
//!
//! | export | signature | meaning |
//! |---|---|---|
//! | `mw_alloc` / `mw_free` | `(len) -> ptr` / `(ptr, len)` | buffers for the page to write into |
//! | `mw_new` | `(width, height, rgba, cap_low, cap_high)` | the page's state, its image cap `high << 32 \| low` bytes |
//! | `mw_font` | `(ptr, len) -> u32` | an app font; 1 loaded, 0 refused (logged) |
//! | `mw_text_set` / `mw_text_remove` / `mw_text_measure` | as the engine's `marquee` imports | the text service |
//! | `mw_frame` | `(ptr, len) -> u32` | applies an engine frame; 1: refused, call the engine's `mq_invalidate` |
//! | `mw_events` / `mw_requests` | `() -> u64` | the last frame's event batch; its image requests as JSON |
//! | `mw_decode` | `(ptr, len) -> u32` | decodes an image: 0, or the protocol's `ImageError` code |
//! | `mw_decoded` | `() -> u64` | the decoded pixels (premultiplied RGBA); `mw_decoded_size`: `width \| height << 32` |
//! | `mw_image_put` | `(handle, width, height, ptr, len) -> u32` | holds decoded pixels: 0, or an `ImageError` code |
//! | `mw_image_drop` | `(handle)` | frees them |
//! | `mw_gpu` | `(max_texture) -> u32` | the GPU backend on the page's WebGL context (`gl` imports); 1 ready |
//! | `mw_draw` | `() -> u32` | draws the damage and presents: 0 nothing to draw, 1 drawn, 2 failed (logged), 3 damage but no GPU backend here (another instance draws: the page's main thread), 4 drawn for the debug overlay alone (the app's pixels did not change) |
//! | `mw_read` | `() -> u64` | the whole frame's pixels, RGBA rows top to bottom |
//! | `mw_stat` | `(which) -> f64` | the last draw's draw calls (0), quads (1), image uploads (2), glyph uploads (3), bytes uploaded (4), layers recorded (5); image bytes held (6) |
//! | `mw_log` / `mw_describe` | `() -> u64` | lines for the console, `\n`-separated; the GL the backend runs on |
//!
//! With the `overlay` feature (web.wasm; web.js is built without it), the debug overlay
//! (`abi/overlay.rs`):
//!
//! | export | signature | meaning |
//! |---|---|---|
//! | `mw_overlay_cycle` | `() -> u32` | the debug overlay's next step; its state after: 0 hidden, 1 shown, 2 inspecting |
//! | `mw_overlay_key` | `(key, action, time_ms: f64, now_ms: f64) -> u32` | a key, for the remote's sequence and the inspector: 0 the engine's, 1 taken by the inspector, 2 taken and the debug query call failed (the page replaces the engine) |
//! | `mw_overlay_pick` | `(x: f32, y: f32) -> u32` | a click: the inspector takes the node there; 0, or 2 as above |
//! | `mw_overlay_due` | `(time_ms: f64) -> u32` | 1: the panels are to be built at this frame |
//! | `mw_overlay_build` | `(ptr, len, time_ms: f64) -> u32` | builds them from the page's figures (JSON, `PageFigures`); 0, or 2 as above |
//! | `mw_overlay_presented` | `(now_ms: f64)` | a frame reached the screen (key-to-frame latency) |
//! | `mw_overlay_inspected` | `() -> u32` | the node the inspector has picked; `0xffffffff`: none, or not inspecting |
//!
//! There it imports the engine's debug query from the page (`debug.query(kind, a, b, ptr, cap) ->
//! len`: the answer's length, its first `cap` bytes written at `ptr`; `0xffffffff` the engine
//! has none, `0xfffffffe` the call failed). The overlay draws over the frame in `mw_draw`.
//!
//! A panic is a trap (the module is built with `panic = "abort"`); the page treats a trap as a
//! lost backend and starts a new instance.

#![allow(unsafe_code, reason = "an FFI boundary: pointers from the page are the point of this module")]

use std::alloc::Layout;
use std::cell::RefCell;

use marquee_display_list::Color;
use marquee_display_list::text::TextLayout;
use marquee_engine_contract::abi;

use crate::web::Web;

/// The GPU backend drawing into the page's canvas: frames drawn where damaged into `frame`,
/// then copied whole to the canvas (`window`), whose contents WebGL does not keep.
pub(crate) struct Gpu {
    renderer: marquee_gl::Renderer,
    frame: marquee_gl::Target,
    window: marquee_gl::Target,
    stats: marquee_gl::Stats,
    /// The renderer holds the debug overlay's textures.
    #[cfg(feature = "overlay")]
    overlay_textures: bool,
}

/// What the exports hand back, kept until the next call that replaces it.
#[derive(Default)]
struct Out {
    events: Vec<u8>,
    requests: String,
    decoded: Option<marquee_image::Image>,
    pixels: Vec<u8>,
    /// Lines not yet handed to the page, and the ones last handed.
    log: Vec<String>,
    shown: String,
    describe: String,
}

thread_local! {
    // One page state per instance; Wasm has one thread, and nothing here calls back into the
    // module, so the RefCells are never contended.
    static WEB: RefCell<Option<Web>> = const { RefCell::new(None) };
    static OUT: RefCell<Out> = RefCell::new(Out::default());
}

const BUFFER_ALIGN: usize = 8;

#[cfg(feature = "overlay")]
pub mod overlay;

/// Frames between reads of WebGL's errors (see `marquee_gl::Renderer::read_errors_every`): half
/// a second at 60 frames a second.
const ERRORS_READ_EVERY: u32 = 30;

fn pack(ptr: *const u8, len: usize) -> u64 {
    ptr as usize as u64 | (len as u64) << 32
}

/// The bytes at `ptr..ptr+len`, from a buffer of `mw_alloc`'s.
///
/// # Safety
/// The range lies within a live buffer from `mw_alloc`.
unsafe fn bytes<'a>(ptr: u32, len: u32) -> &'a [u8] {
    if ptr == 0 || len == 0 {
        return &[];
    }
    // SAFETY: the caller's contract.
    unsafe { std::slice::from_raw_parts(ptr as usize as *const u8, len as usize) }
}

fn with_web<T>(default: T, f: impl FnOnce(&mut Web) -> T) -> T {
    WEB.with_borrow_mut(|web| web.as_mut().map_or(default, f))
}

/// A buffer of `len` bytes for the page to write into; 0 when `len` is 0 or memory is exhausted.
#[unsafe(no_mangle)]
pub extern "C" fn mw_alloc(len: u32) -> u32 {
    let Ok(layout) = Layout::from_size_align(len as usize, BUFFER_ALIGN) else { return 0 };
    if layout.size() == 0 {
        return 0;
    }
    // SAFETY: the layout has a non-zero size.
    unsafe { std::alloc::alloc(layout) as usize as u32 }
}

/// Frees a buffer from [`mw_alloc`].
///
/// # Safety
/// `ptr` and `len` come from one earlier `mw_alloc` call, freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mw_free(ptr: u32, len: u32) {
    let Ok(layout) = Layout::from_size_align(len as usize, BUFFER_ALIGN) else { return };
    if ptr == 0 || layout.size() == 0 {
        return;
    }
    // SAFETY: the caller's contract.
    unsafe { std::alloc::dealloc(ptr as usize as *mut u8, layout) }
}

/// Makes the page's state: `width × height` on `rgba`, images held within `cap` bytes.
#[unsafe(no_mangle)]
pub extern "C" fn mw_new(width: u32, height: u32, rgba: u32, cap_low: u32, cap_high: u32) {
    let cap = u64::from(cap_high) << 32 | u64::from(cap_low);
    WEB.set(Some(Web::new(width.max(1), height.max(1), Color(rgba), cap)));
}

/// Loads an app font; 1 when it loaded.
///
/// # Safety
/// The range lies within a live buffer from [`mw_alloc`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mw_font(ptr: u32, len: u32) -> u32 {
    // SAFETY: the caller's contract.
    let font = unsafe { bytes(ptr, len) }.to_vec();
    with_web(0, |web| match web.load_font("an app font", font) {
        Ok(_) => 1,
        Err(e) => {
            web.say(e);
            0
        }
    })
}

/// The engine's `text_set`, the paragraph copied out of the engine's memory into a buffer here.
///
/// # Safety
/// The range lies within a live buffer from [`mw_alloc`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mw_text_set(run: u32, ptr: u32, len: u32) {
    // SAFETY: the caller's contract.
    let paragraph = unsafe { bytes(ptr, len) };
    with_web((), |web| abi::text_set_bytes(&mut web.text, run, Some(paragraph)));
}

/// The engine's `text_remove`.
#[unsafe(no_mangle)]
pub extern "C" fn mw_text_remove(run: u32) {
    with_web((), |web| web.text.remove(run));
}

/// The engine's `text_measure`.
#[unsafe(no_mangle)]
pub extern "C" fn mw_text_measure(run: u32, max_width: f32) -> u64 {
    with_web(0, |web| abi::text_measure(&mut web.text, run, max_width))
}

/// Applies an engine frame; 1 when the page must call the engine's `mq_invalidate`.
///
/// # Safety
/// The range lies within a live buffer from [`mw_alloc`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mw_frame(ptr: u32, len: u32) -> u32 {
    // SAFETY: the caller's contract.
    let frame = unsafe { bytes(ptr, len) };
    let Some(out) = WEB.with_borrow_mut(|web| web.as_mut().map(|w| w.frame(frame))) else { return 1 };
    let invalidate = out.invalidate;
    OUT.with_borrow_mut(|o| {
        o.events = out.events;
        o.requests = out.requests;
    });
    invalidate.into()
}

/// The last frame's event batch.
#[unsafe(no_mangle)]
pub extern "C" fn mw_events() -> u64 {
    OUT.with_borrow(|o| pack(o.events.as_ptr(), o.events.len()))
}

/// The last frame's image requests, as JSON.
#[unsafe(no_mangle)]
pub extern "C" fn mw_requests() -> u64 {
    OUT.with_borrow(|o| pack(o.requests.as_ptr(), o.requests.len()))
}

/// Decodes an image; 0, or the protocol's reason it could not be.
///
/// # Safety
/// The range lies within a live buffer from [`mw_alloc`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mw_decode(ptr: u32, len: u32) -> u32 {
    // SAFETY: the caller's contract.
    let encoded = unsafe { bytes(ptr, len) };
    let (decoded, code) = match Web::decode(encoded) {
        Ok(image) => (Some(image), 0),
        Err(e) => {
            OUT.with_borrow_mut(|o| o.log.push(e.to_string()));
            (None, e.reason as u32)
        }
    };
    OUT.with_borrow_mut(|o| o.decoded = decoded);
    code
}

/// The last decoded image's pixels.
#[unsafe(no_mangle)]
pub extern "C" fn mw_decoded() -> u64 {
    OUT.with_borrow(|o| o.decoded.as_ref().map_or(0, |i| pack(i.pixels.as_ptr(), i.pixels.len())))
}

/// The last decoded image's size, `width | height << 32`.
#[unsafe(no_mangle)]
pub extern "C" fn mw_decoded_size() -> u64 {
    OUT.with_borrow(|o| o.decoded.as_ref().map_or(0, |i| u64::from(i.width) | u64::from(i.height) << 32))
}

/// Holds decoded pixels for `handle`: 0, or the protocol's reason they were refused.
///
/// # Safety
/// The range lies within a live buffer from [`mw_alloc`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mw_image_put(handle: u32, width: u32, height: u32, ptr: u32, len: u32) -> u32 {
    // SAFETY: the caller's contract.
    let pixels = unsafe { bytes(ptr, len) };
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) * 4 != pixels.len() as u64 {
        return marquee_image::ImageError::Corrupt as u32;
    }
    let image = marquee_image::Image { width, height, pixels: pixels.to_vec() };
    with_web(marquee_image::ImageError::TooManyPixels as u32, |web| match web.put_image(handle, image) {
        Ok(()) => 0,
        Err(reason) => reason as u32,
    })
}

/// Frees the pixels of `handle`.
#[unsafe(no_mangle)]
pub extern "C" fn mw_image_drop(handle: u32) {
    with_web((), |web| web.drop_image(handle));
}

/// Starts the GPU backend on the page's WebGL context, its textures held to `max_texture`
/// pixels a side when not 0; 1 when ready.
#[unsafe(no_mangle)]
pub extern "C" fn mw_gpu(max_texture: u32) -> u32 {
    with_web(0, |web| {
        let (w, h) = web.size();
        let made = marquee_gl::Renderer::new(marquee_gl::WebGl::from_page()).and_then(|mut renderer| {
            if max_texture > 0 {
                renderer.limit_texture_size(max_texture);
            }
            // WebGL's getError waits for the GPU process to run all that is queued: read
            // twice a second.
            renderer.read_errors_every(ERRORS_READ_EVERY);
            let frame = renderer.offscreen(w, h)?;
            let window = marquee_gl::Target::window(w, h);
            Ok(Gpu {
                renderer,
                frame,
                window,
                stats: Default::default(),
                #[cfg(feature = "overlay")]
                overlay_textures: false,
            })
        });
        match made {
            Ok(gpu) => {
                OUT.with_borrow_mut(|o| o.describe = gpu.renderer.describe());
                web.gpu = Some(gpu);
                web.redraw_all();
                1
            }
            Err(e) => {
                web.say(format!("no GPU backend: {e}"));
                0
            }
        }
    })
}

/// Draws the damage since the last draw and presents the frame: 0 nothing to draw, 1 drawn, 2
/// failed (logged; the next draw is whole), 3 damage but no GPU backend in this instance (the
/// page's main thread draws, with one of its own).
#[unsafe(no_mangle)]
pub extern "C" fn mw_draw() -> u32 {
    with_web(2, |web| {
        let Some(crate::Draw { area, app, panels }) = web.take_draw() else { return 0 };
        let Some(mut gpu) = web.gpu.take() else { return 3 };
        let background = web.background();
        let drawn = {
            let (tree, images, glyphs) = (&web.layers, &web.images, &mut web.text);
            #[cfg_attr(not(feature = "overlay"), expect(unused_mut, reason = "only the overlay draws over it"))]
            let mut stats =
                gpu.renderer.draw_area(tree, &gpu.frame, area, background, images, glyphs).map_err(|e| e.to_string());
            // The panels over the frame's pixels, before it is presented.
            #[cfg(feature = "overlay")]
            if panels && let Ok(drawn) = stats {
                stats = overlay::draw(&mut gpu, &mut web.overlay, drawn);
            }
            #[cfg(not(feature = "overlay"))]
            let _ = panels;
            stats.and_then(|stats| {
                gpu.renderer.present(&gpu.frame, &gpu.window).map(|()| stats).map_err(|e| e.to_string())
            })
        };
        let code = match drawn {
            Ok(stats) => {
                gpu.stats = stats;
                if app { 1 } else { 4 }
            }
            Err(e) => {
                web.say(format!("the GPU backend failed: {e}"));
                web.redraw_all();
                2
            }
        };
        web.gpu = Some(gpu);
        code
    })
}

/// The whole frame's pixels.
#[unsafe(no_mangle)]
pub extern "C" fn mw_read() -> u64 {
    let pixels = with_web(Vec::new(), |web| web.gpu.as_ref().map(|g| g.renderer.read(&g.frame)).unwrap_or_default());
    OUT.with_borrow_mut(|o| {
        o.pixels = pixels;
        pack(o.pixels.as_ptr(), o.pixels.len())
    })
}

/// A figure of the last draw (see the table above).
#[unsafe(no_mangle)]
pub extern "C" fn mw_stat(which: u32) -> f64 {
    with_web(0.0, |web| {
        let stats = web.gpu.as_ref().map(|g| g.stats).unwrap_or_default();
        match which {
            0 => stats.draw_calls as f64,
            1 => stats.quads as f64,
            2 => stats.image_uploads as f64,
            3 => stats.glyph_uploads as f64,
            4 => stats.bytes_uploaded as f64,
            5 => stats.layers_recorded as f64,
            6 => web.image_bytes() as f64,
            _ => 0.0,
        }
    })
}

/// The lines kept for the console since the last call.
#[unsafe(no_mangle)]
pub extern "C" fn mw_log() -> u64 {
    let lines = with_web(Vec::new(), Web::take_log);
    OUT.with_borrow_mut(|o| {
        let mut pending = std::mem::take(&mut o.log);
        pending.extend(lines);
        o.shown = pending.join("\n");
        pack(o.shown.as_ptr(), o.shown.len())
    })
}

/// The GL the backend runs on, as the browser names it.
#[unsafe(no_mangle)]
pub extern "C" fn mw_describe() -> u64 {
    OUT.with_borrow(|o| pack(o.describe.as_ptr(), o.describe.len()))
}
