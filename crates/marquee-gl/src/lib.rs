//! The GPU backend: a frame's layer tree drawn with OpenGL ES 2.0, the feature set of nearly
//! every TV, set-top box and stick (and WebGL 1 in their browsers).
//!
//! It is written against glow's calls, the well-kept GL abstraction of the Rust ecosystem
//! (wgpu's own GL backend uses it): natively glow itself over the driver's GLES; in a browser
//! (`wasm32`, the browser host's web.wasm) the same calls as imports the page binds to WebGL
//! (`webgl.rs`; `gl.rs` picks), since glow's browser path needs wasm-bindgen. So the browser
//! draws with this same code. Nothing past GLES 2.0 is required; faster paths for newer devices
//! come later, each with this baseline as its fallback.
//!
//! [`Renderer`] draws a [`LayerTree`](marquee_display_list::layers::LayerTree) into a
//! [`Target`]: each layer's list recorded as quads once and placed at the layer's translation
//! every frame (`record.rs`), boxes, borders and clips anti-aliased in one shader
//! (`shader.rs`), batched so a frame is a few draw calls (`batch.rs`), opacity groups folded
//! into colours or drawn through textures, images as textures uploaded once (`renderer.rs`),
//! glyphs from an atlas (`atlas.rs`); a frame may be drawn only where its damage is
//! ([`Renderer::draw_area`]). [`Headless`] makes a context without a window or display server
//! (EGL, Mesa's surfaceless platform), for tests, screenshots and benchmarks; [`Window`] one
//! drawing into an X11 window, where [`Renderer::present`] copies a frame from its texture and a
//! buffer swap shows it.

mod atlas;
mod batch;
mod bindings;
mod clock;
#[cfg(not(target_arch = "wasm32"))]
mod egl;
mod gl;
mod meshes;
mod record;
mod renderer;
mod shader;
#[cfg(any(test, target_arch = "wasm32"))]
mod webgl;

#[cfg(not(target_arch = "wasm32"))]
pub use egl::{Error as ContextError, Headless, Window};
pub use meshes::{Mesh, MeshVertex};
pub use renderer::{Error, MAX_GROUPS, Overlay, Renderer, Stats, Target, Timing};
/// The page's WebGL context, which [`Renderer::new`] takes in a browser.
#[cfg(target_arch = "wasm32")]
pub use webgl::Context as WebGl;
