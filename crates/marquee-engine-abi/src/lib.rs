//! The engine's C ABI: the only place with Wasm exports, and the whole surface the host sees.
//!
//! No wasm-bindgen: a handful of `extern "C"` functions over integers keeps the module small,
//! lets any Wasm runtime (wasmtime, wasmi, a browser, wasm2js) call it without glue, and makes
//! the boundary easy to audit. Data crosses as bytes in linear memory: the host asks for a buffer
//! with [`mq_alloc`], writes a command batch into it, calls [`mq_apply`] and frees it; each
//! [`mq_frame`] returns the location of the frame buffer (display list, damage, events), which
//! stays valid until the next call into the engine.
//!
//! | export | signature | meaning |
//! |---|---|---|
//! | `mq_abi_version` | `() -> u32` | [`ABI_VERSION`]; the host refuses other values |
//! | `mq_protocol_version` | `() -> u32` | the command/event protocol version |
//! | `mq_alloc` | `(len: u32) -> u32` | a buffer of `len` bytes, or 0 |
//! | `mq_free` | `(ptr: u32, len: u32)` | releases a buffer from `mq_alloc` |
//! | `mq_apply` | `(ptr: u32, len: u32) -> u32` | applies a batch; returns commands rejected |
//! | `mq_frame` | `(time_ms: f64) -> u64` | runs a frame; `ptr | len << 32` of the output |
//! | `mq_key` | `(key: u32, action: u32) -> u32` | a remote key; 1 if focus used it |
//! | `mq_text` | `(character: u32) -> u32` | optional: a typed character (a Unicode scalar value); 1 if taken, 0 for a number that is no character |
//! | `mq_stat` | `(which: u32) -> u64` | a counter, see [`Stat`] |
//! | `mq_image_ready` | `(image: u32, width: u32, height: u32) -> u32` | the host loaded an image it was asked for; 1 if used |
//! | `mq_image_failed` | `(image: u32, reason: u32) -> u32` | it could not (`ImageError` code); 1 if used |
//! | `mq_set_texture_budget` | `(low: u32, high: u32)` | the texture budget in bytes, `high << 32 \| low` |
//! | `mq_profile` | `(on: u32)` | 1: time each frame's phases with the `clock` import (see [`Stat`]); 0: stop |
//! | `mq_invalidate` | `()` | the backend lost its layers: the next frame restates the whole tree |
//! | `mq_debug_query` | `(kind: u32, a: u32, b: u32) -> u64` | optional: a debug query (a node, the node at a point, the focus); `ptr \| len << 32` of the answer (docs/debug.md) |
//!
//! Imports, all from module `marquee` — the host's text service (see
//! `marquee_display_list::text`), so the module carries no font code, and a clock read only
//! while profiling:
//!
//! | import | signature | meaning |
//! |---|---|---|
//! | `text_set` | `(run: u32, ptr: u32, len: u32)` | stores the paragraph encoded at `ptr..ptr+len` under `run` |
//! | `text_remove` | `(run: u32)` | forgets `run` |
//! | `text_measure` | `(run: u32, max_width: f32) -> u64` | size at that width: width bits `| height bits << 32` |
//! | `clock` | `() -> f64` | a monotonic time in ms (any origin); called only after `mq_profile(1)` |

#![allow(unsafe_code, reason = "an FFI boundary: raw pointers from the host are the point of this crate")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::RefCell;
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicUsize, Ordering};

use marquee_display_list::text::{Paragraph, TextLayout, TextSize};
use marquee_engine::Engine;
use marquee_engine_contract::abi;
pub use marquee_engine_contract::{ABI_VERSION, Stat};

/// Counts heap use so the host can hold the engine to its memory budget.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: delegates to the system allocator unchanged; the counters are plain bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            let now = IN_USE.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

thread_local! {
    // One engine per instance. Wasm has one thread, and the text imports never call back into the
    // module, so the RefCell is never contended. The engine lives as long as the instance, which
    // the host drops whole: never dropping it leaves out its drop glue, 9 KB of the module.
    static ENGINE: RefCell<ManuallyDrop<Engine>> =
        RefCell::new(ManuallyDrop::new(Engine::with_text(Box::new(HostText::default()))));
}

/// The host's text service, through the module's imports. Outside Wasm (the crate is also
/// compiled natively, as part of the workspace) there is no host to import from, and it
/// measures nothing.
#[derive(Default)]
struct HostText {
    scratch: Vec<u8>,
}

#[cfg(target_arch = "wasm32")]
mod imports {
    // The module and names are `marquee_engine_contract::abi::{IMPORT_MODULE, import}`'s; an
    // attribute cannot name a constant.
    #[link(wasm_import_module = "marquee")]
    unsafe extern "C" {
        pub(crate) fn text_set(run: u32, ptr: u32, len: u32);
        pub(crate) fn text_remove(run: u32);
        pub(crate) fn text_measure(run: u32, max_width: f32) -> u64;
        pub(crate) fn clock() -> f64;
    }
}

impl TextLayout for HostText {
    fn set(&mut self, run: u32, paragraph: &Paragraph<'_>) {
        self.scratch.clear();
        paragraph.encode(&mut self.scratch);
        #[cfg(target_arch = "wasm32")]
        // SAFETY: the import only reads `len` bytes at `ptr`, which `scratch` holds.
        unsafe {
            imports::text_set(run, self.scratch.as_ptr() as u32, self.scratch.len() as u32)
        };
        #[cfg(not(target_arch = "wasm32"))]
        let _ = run;
    }

    fn remove(&mut self, run: u32) {
        #[cfg(target_arch = "wasm32")]
        // SAFETY: takes and returns integers only.
        unsafe {
            imports::text_remove(run)
        };
        #[cfg(not(target_arch = "wasm32"))]
        let _ = run;
    }

    fn measure(&mut self, run: u32, max_width: f32) -> TextSize {
        #[cfg(target_arch = "wasm32")]
        {
            // SAFETY: takes and returns plain numbers.
            let packed = unsafe { imports::text_measure(run, max_width) };
            abi::unpack_size(packed)
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = (run, max_width);
            TextSize::default()
        }
    }
}

/// Buffers handed to the host are 8-aligned so it may write any field type into them.
const BUFFER_ALIGN: usize = 8;

/// Returns [`ABI_VERSION`].
#[unsafe(no_mangle)]
pub extern "C" fn mq_abi_version() -> u32 {
    ABI_VERSION
}

/// Returns the protocol version the engine decodes.
#[unsafe(no_mangle)]
pub extern "C" fn mq_protocol_version() -> u32 {
    marquee_protocol::VERSION as u32
}

/// Allocates `len` bytes for the host to write into; 0 when `len` is 0 or memory is exhausted.
#[unsafe(no_mangle)]
pub extern "C" fn mq_alloc(len: u32) -> u32 {
    let Ok(layout) = Layout::from_size_align(len as usize, BUFFER_ALIGN) else { return 0 };
    if layout.size() == 0 {
        return 0;
    }
    // SAFETY: the layout has a non-zero size.
    unsafe { std::alloc::alloc(layout) as usize as u32 }
}

/// Frees a buffer from [`mq_alloc`]. A null pointer or zero length is ignored.
///
/// # Safety
/// `ptr` and `len` must come from one earlier `mq_alloc` call, freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mq_free(ptr: u32, len: u32) {
    let Ok(layout) = Layout::from_size_align(len as usize, BUFFER_ALIGN) else { return };
    if ptr == 0 || layout.size() == 0 {
        return;
    }
    // SAFETY: guaranteed by the caller, per this function's contract.
    unsafe { std::alloc::dealloc(ptr as usize as *mut u8, layout) }
}

/// Applies the command batch at `ptr..ptr+len`; returns how many commands were rejected.
///
/// # Safety
/// The range must lie within a live buffer from [`mq_alloc`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mq_apply(ptr: u32, len: u32) -> u32 {
    let batch: &[u8] = if ptr == 0 || len == 0 {
        &[]
    } else {
        // SAFETY: guaranteed by the caller, per this function's contract.
        unsafe { std::slice::from_raw_parts(ptr as usize as *const u8, len as usize) }
    };
    ENGINE.with_borrow_mut(|e| e.apply(batch))
}

/// Runs a frame at `time_ms` and returns the frame buffer as `ptr | len << 32`.
#[unsafe(no_mangle)]
pub extern "C" fn mq_frame(time_ms: f64) -> u64 {
    ENGINE.with_borrow_mut(|e| {
        let out = e.frame(time_ms);
        abi::pack_buffer(out.as_ptr() as usize as u32, out.len() as u32)
    })
}

/// Hands the engine a remote key (`Key` and `KeyAction` wire codes); returns 1 if focus used it.
/// Unknown codes are ignored and return 0.
#[unsafe(no_mangle)]
pub extern "C" fn mq_key(key: u32, action: u32) -> u32 {
    let key = u16::try_from(key).ok().and_then(marquee_protocol::Key::from_code);
    let action = u8::try_from(action).ok().and_then(marquee_protocol::KeyAction::from_code);
    match (key, action) {
        (Some(k), Some(a)) => ENGINE.with_borrow_mut(|e| e.key(k, a)) as u32,
        _ => 0,
    }
}

/// Hands the engine a typed character (a Unicode scalar value); returns 1 if it took it, 0 for
/// a number that is no character.
#[unsafe(no_mangle)]
pub extern "C" fn mq_text(character: u32) -> u32 {
    match char::from_u32(character) {
        Some(c) => ENGINE.with_borrow_mut(|e| e.text(c)) as u32,
        None => 0,
    }
}

/// Returns the counter named by `which` (see [`Stat`]); unknown counters read as `u64::MAX`.
#[unsafe(no_mangle)]
pub extern "C" fn mq_stat(which: u32) -> u64 {
    match Stat::from_code(which) {
        Some(Stat::HeapBytes) => IN_USE.load(Ordering::Relaxed) as u64,
        Some(Stat::HeapPeak) => PEAK.load(Ordering::Relaxed) as u64,
        Some(stat) => ENGINE.with_borrow(|e| e.stats().get(stat)).unwrap_or(u64::MAX),
        None => u64::MAX,
    }
}

/// The host loaded image `image` (named in a `Load` request), `width × height` pixels. Returns 1
/// if the engine still wanted it.
#[unsafe(no_mangle)]
pub extern "C" fn mq_image_ready(image: u32, width: u32, height: u32) -> u32 {
    ENGINE.with_borrow_mut(|e| e.image_ready(image, width, height)) as u32
}

/// The host could not load image `image`; `reason` is an `ImageError` code (unknown codes read as
/// `corrupt`). Returns 1 if the engine still wanted it.
#[unsafe(no_mangle)]
pub extern "C" fn mq_image_failed(image: u32, reason: u32) -> u32 {
    let reason = u8::try_from(reason)
        .ok()
        .and_then(marquee_protocol::ImageError::from_code)
        .unwrap_or(marquee_protocol::ImageError::Corrupt);
    ENGINE.with_borrow_mut(|e| e.image_failed(image, reason)) as u32
}

/// Sets the texture budget in bytes, given as two 32-bit halves.
#[unsafe(no_mangle)]
pub extern "C" fn mq_set_texture_budget(low: u32, high: u32) {
    ENGINE.with_borrow_mut(|e| e.set_texture_budget(abi::join_u64(low, high)));
}

/// Answers a debug query (`marquee_engine_contract::debug`: `kind` 0 a node, 1 the node at a
/// point, 2 the focus) and returns the answer as `ptr | len << 32`, valid until the next call.
/// An unknown kind answers "nothing". Optional for hosts; changes nothing in the scene.
#[unsafe(no_mangle)]
pub extern "C" fn mq_debug_query(kind: u32, a: u32, b: u32) -> u64 {
    let query = marquee_engine_contract::debug::Query::from_args(kind, a, b);
    ENGINE.with_borrow_mut(|e| {
        let out = e.debug_query(query);
        abi::pack_buffer(out.as_ptr() as usize as u32, out.len() as u32)
    })
}

/// The backend lost the layers it kept: the next frame restates the whole tree.
#[unsafe(no_mangle)]
pub extern "C" fn mq_invalidate() {
    ENGINE.with_borrow_mut(|e| e.invalidate());
}

/// Turns per-phase frame timing on (`on != 0`) or off. While on, each frame reads the host's
/// `clock` import four times; nothing the engine draws depends on it.
#[unsafe(no_mangle)]
pub extern "C" fn mq_profile(on: u32) {
    #[cfg(target_arch = "wasm32")]
    // SAFETY: the import takes nothing and returns a plain number.
    let clock: marquee_engine::Clock = Box::new(|| unsafe { imports::clock() });
    // Outside Wasm there is no host to import from: a native build times with its own clock.
    #[cfg(not(target_arch = "wasm32"))]
    let clock: marquee_engine::Clock = {
        let origin = std::time::Instant::now();
        Box::new(move || origin.elapsed().as_secs_f64() * 1000.0)
    };
    ENGINE.with_borrow_mut(|e| e.set_clock((on != 0).then_some(clock)));
}
