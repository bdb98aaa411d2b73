//! The GL the renderer calls, by glow's names. Natively that is glow over the driver's GLES;
//! in a browser (`wasm32`) it is [`webgl`](crate::webgl): the same calls with the same
//! signatures, as imports the page binds to WebGL. glow's own browser path goes through
//! wasm-bindgen, which Marquee's Wasm modules do without (integers and bytes in linear memory,
//! callable from any runtime and from wasm2js's JavaScript), so the renderer is written once and
//! this module picks the GL under it.

#[cfg(not(target_arch = "wasm32"))]
pub(crate) use glow::*;

#[cfg(target_arch = "wasm32")]
pub(crate) use crate::webgl::*;
