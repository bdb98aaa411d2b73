//! The browser host's Rust half, built as `web.wasm` (`cargo xtask wasm`): what the native host
//! does around the engine, for a page. The engine worker of a page (`web/src/engine-worker.js`)
//! holds one instance beside the engine (engine.wasm, or engine.js without WebAssembly): the
//! engine's text imports call its text service, each frame the engine returns is copied in and
//! applied to the layer tree it keeps, and its GPU backend (`marquee-gl` on WebGL) draws the
//! frame's damage. The page's image workers hold instances of their own that only decode, with
//! the native host's decoder, so a poster is the same pixels in a browser as on a device.
//!
//! [`Web`] is that state, in plain Rust (tested natively); `abi` puts it behind C-ABI exports
//! over integers and bytes in linear memory, as the engine's ABI does — no wasm-bindgen, so
//! wasm2js can compile the module for browsers without WebAssembly too.

#[cfg(target_arch = "wasm32")]
pub mod abi;
#[cfg(feature = "overlay")]
mod overlay;
mod web;

#[cfg(feature = "overlay")]
pub use overlay::PageFigures;
pub use web::{Decoded, Draw, FrameOut, Web};
