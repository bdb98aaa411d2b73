//! The overlay drawn by the GPU backend: egui's texture changes uploaded and its meshes drawn
//! with `marquee_gl`'s mesh program, over a frame the renderer has just drawn into its target.

use crate::{Drawing, Overlay, texture_key};

/// Gives the renderer the texture changes since it last drew the overlay, and draws
/// `drawing`'s meshes over `target`. Returns the draw calls made. A renderer that has none of
/// the overlay's textures yet (`fresh`: new, or on a new context after a failure) gets each
/// whole, as the overlay holds it now.
pub fn draw(
    renderer: &mut marquee_gl::Renderer,
    target: &marquee_gl::Target,
    (overlay, drawing): (&mut Overlay, &Drawing),
    fresh: bool,
) -> Result<u32, String> {
    let mut set = |key, at, size: [u32; 2], pixels: &[u8]| {
        renderer.set_mesh_texture(key, at, size, pixels).map_err(|e| e.to_string())
    };
    if fresh || overlay.gpu_stale {
        for (id, texture) in &overlay.textures.0 {
            let pixels: Vec<u8> = texture.pixels.iter().flat_map(|c| c.to_array()).collect();
            set(texture_key(*id), None, texture.size.map(|side| side as u32), &pixels)?;
        }
    } else {
        for upload in &overlay.pending {
            set(upload.texture, upload.at, upload.size, &upload.pixels)?;
        }
    }
    overlay.pending.clear();
    overlay.gpu_stale = false;
    for key in overlay.pending_free.drain(..) {
        renderer.free_mesh_texture(key);
    }
    let meshes: Vec<marquee_gl::Mesh<'_>> = drawing
        .meshes
        .iter()
        .map(|m| marquee_gl::Mesh {
            // egui's vertex and the renderer's have one layout (position, texture coordinates,
            // premultiplied colour): the cast copies nothing.
            vertices: bytemuck::cast_slice(&m.mesh.vertices),
            indices: &m.mesh.indices,
            clip: m.clip,
            texture: texture_key(m.mesh.texture_id),
        })
        .collect();
    renderer.draw_meshes(target, &meshes).map_err(|e| e.to_string())
}
