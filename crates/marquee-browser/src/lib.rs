//! The browser host: an app's bundle run in a web page, with the same engine build and the same
//! GPU backend as on a device.
//!
//! The page (`web/`, plain ES modules embedded here) runs as a device host does, on threads:
//! the main thread takes input and shows frames; the engine worker runs the engine (engine.wasm,
//! or engine.js where there is no WebAssembly, chosen by the native host's rules) beside
//! `web.wasm` (`marquee-web`: the text service, the layer tree, and `marquee-gl` drawing with
//! WebGL on an OffscreenCanvas); the app worker runs the app's JavaScript with the SDK's host
//! binding; image workers fetch and decode. Every bundle file is checked against the manifest's
//! SHA-256 in the page before it is used.
//!
//! [`Site::assemble`] writes what a page needs into a directory — the page, `web.wasm`, the
//! bundle (its manifest and objects) and the run's [`Config`] — which [`serve`] serves on
//! 127.0.0.1 (`marquee web`); [`drive`] opens it in headless Chromium and returns the run's
//! report and last frame (`marquee web --headless`). A run that records gives the engine's
//! input and every frame's digest ([`recording`]), for comparing with the native engine.

mod drive;
mod recording;
mod site;

pub use drive::{Lacks, Outcome, Typing, drive, drive_typing, write_png};
pub use recording::{Recording, recording};
pub use site::{BenchConfig, Config, Edit, Site, serve};
