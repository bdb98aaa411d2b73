//! The texture bindings the renderer last made, so that a bind that changes nothing is not made
//! again. In WebGL every GL call is validated and serialized for the browser's GPU process, and
//! rebinding every unit around every batch was most of a frame's calls (about 70 of 100 on the
//! home page). What is not known is bound anew: nothing at first, and nothing after the host
//! says it drew with the context itself (`Renderer::forget_bindings`).

use crate::gl::{self, HasContext};
use crate::shader::{ATLAS_UNIT, IMAGE_UNITS};

/// The units the renderer binds: the images' and the glyph atlas's.
const UNITS: usize = ATLAS_UNIT as usize + 1;

/// What is bound, as far as the renderer knows.
#[derive(Debug, Default)]
pub(crate) struct Bindings {
    /// Per unit: `None` unknown; `Some(texture)` bound (`Some(None)`: nothing).
    units: [Option<Option<gl::Texture>>; UNITS],
    /// The active unit, if known.
    active: Option<usize>,
    /// Whether `UNPACK_ALIGNMENT` is known to be 1 (uploads are tightly packed rows).
    unpack_packed: bool,
}

// SAFETY (every method): plain GL calls on the current context, binding textures the renderer
// made (or none).
#[allow(unsafe_code, reason = "GL calls are FFI")]
impl Bindings {
    /// Knows nothing: everything is bound anew.
    pub(crate) fn forget(&mut self) {
        *self = Bindings::default();
    }

    /// Binds `texture` on `unit` unless it is bound there already.
    pub(crate) fn bind(&mut self, gl: &gl::Context, unit: usize, texture: Option<gl::Texture>) {
        if self.units[unit] == Some(texture) {
            return;
        }
        self.activate(gl, unit);
        // SAFETY: see above.
        unsafe { gl.bind_texture(gl::TEXTURE_2D, texture) };
        self.units[unit] = Some(texture);
    }

    /// Binds `texture` on `unit` and makes that unit the active one: for the calls that act on
    /// the texture bound there (uploads, parameters), with uploads' rows tightly packed.
    pub(crate) fn select(&mut self, gl: &gl::Context, unit: usize, texture: gl::Texture) {
        self.bind(gl, unit, Some(texture));
        self.activate(gl, unit);
        if !self.unpack_packed {
            // SAFETY: see above.
            unsafe { gl.pixel_store_i32(gl::UNPACK_ALIGNMENT, 1) };
            self.unpack_packed = true;
        }
    }

    /// Unbinds `target`, a texture about to be drawn into, from every image unit that holds it
    /// or may: drawing into a texture a sampler may read is a feedback loop, undefined in GL ES
    /// and refused by WebGL (`INVALID_OPERATION`) — the frame's texture after `present`, a pooled
    /// group's after its composite. The window (`None`) is no texture: nothing to unbind.
    pub(crate) fn unbind(&mut self, gl: &gl::Context, target: Option<gl::Texture>) {
        if target.is_none() {
            return;
        }
        for unit in 0..IMAGE_UNITS {
            match self.units[unit] {
                Some(None) => {}
                Some(Some(t)) if Some(t) != target => {}
                _ => self.bind(gl, unit, None),
            }
        }
    }

    /// `texture` is deleted: GL unbinds it from every unit of this context, and may give its
    /// name to the next texture made.
    pub(crate) fn deleted(&mut self, texture: gl::Texture) {
        for unit in &mut self.units {
            if *unit == Some(Some(texture)) {
                *unit = Some(None);
            }
        }
    }

    fn activate(&mut self, gl: &gl::Context, unit: usize) {
        if self.active != Some(unit) {
            // SAFETY: see above.
            unsafe { gl.active_texture(gl::TEXTURE0 + unit as u32) };
            self.active = Some(unit);
        }
    }
}
