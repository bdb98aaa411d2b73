//! The GPU backend: a frame's layer tree drawn with OpenGL ES 2.0, the feature set of nearly
//! every TV, set-top box and stick (and WebGL 1 in their browsers).
//!
//! It is written against glow, the well-kept GL abstraction of the Rust ecosystem (wgpu's own
//! GL backend uses it): one set of calls for native GL ES and for WebGL in a browser, so the
//! browser host draws with this same code. Nothing past GLES 2.0 is required; faster paths for
//! newer devices come later, each with this baseline as its fallback.
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
mod clock;
#[cfg(not(target_arch = "wasm32"))]
mod egl;
mod record;
mod renderer;
mod shader;

#[cfg(not(target_arch = "wasm32"))]
pub use egl::{Error as ContextError, Headless, Window};
pub use renderer::{Error, MAX_GROUPS, Renderer, Stats, Target, Timing};
