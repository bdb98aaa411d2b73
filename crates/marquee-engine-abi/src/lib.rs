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
//! | `mq_stat` | `(which: u32) -> u64` | a counter, see [`Stat`] |
//!
//! The module imports nothing yet; the text service and logging arrive as imports with their
//! issues.

#![allow(unsafe_code, reason = "an FFI boundary: raw pointers from the host are the point of this crate")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};

use marquee_engine::Engine;

/// Bumped on any change to the exports' names, signatures or meaning.
pub const ABI_VERSION: u32 = 2;

/// Counters readable through `mq_stat`.
#[repr(u32)]
pub enum Stat {
    /// Heap bytes in use.
    HeapBytes = 0,
    /// Most heap bytes ever in use.
    HeapPeak = 1,
    /// Live nodes, root included.
    Nodes = 2,
    /// Operations in the last display list.
    Ops = 3,
    /// Commands rejected since start.
    Errors = 4,
    /// Animations running after the last frame.
    Animations = 5,
    /// The focused node, or `u32::MAX`.
    Focused = 6,
}

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
    // One engine per instance. Wasm has one thread, and no export calls back into the host while
    // holding the borrow, so the RefCell is never contended.
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::default());
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
        out.as_ptr() as usize as u64 | (out.len() as u64) << 32
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

/// Returns the counter named by `which` (see [`Stat`]); unknown counters read as `u64::MAX`.
#[unsafe(no_mangle)]
pub extern "C" fn mq_stat(which: u32) -> u64 {
    let stats = ENGINE.with_borrow(|e| e.stats());
    match which {
        w if w == Stat::HeapBytes as u32 => IN_USE.load(Ordering::Relaxed) as u64,
        w if w == Stat::HeapPeak as u32 => PEAK.load(Ordering::Relaxed) as u64,
        w if w == Stat::Nodes as u32 => stats.nodes as u64,
        w if w == Stat::Ops as u32 => stats.ops as u64,
        w if w == Stat::Errors as u32 => stats.errors as u64,
        w if w == Stat::Animations as u32 => stats.animations as u64,
        w if w == Stat::Focused as u32 => stats.focused as u64,
        _ => u64::MAX,
    }
}
