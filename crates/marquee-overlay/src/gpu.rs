//! The overlay drawn by the GPU backend: egui's texture changes uploaded and its meshes drawn
//! with `marquee_gl`'s mesh program, over a frame the renderer has just drawn into its target.

use crate::{Drawing, Overlay, texture_key};

/// Makes `drawing`'s texture changes, draws its meshes over `target`, then frees the textures
/// egui is done with. Returns the draw calls made. A renderer that has none of the overlay's
/// textures yet (`fresh`: new, or on a new context after a failure) gets each whole, as
/// `overlay` holds it now, instead of the frame's changes.
pub fn draw(
    renderer: &mut marquee_gl::Renderer,
    target: &marquee_gl::Target,
    (overlay, drawing): (&Overlay, &Drawing),
    fresh: bool,
) -> Result<u32, String> {
    let mut set = |key, at, size: [u32; 2], pixels: &[u8]| {
        renderer.set_mesh_texture(key, at, size, pixels).map_err(|e| e.to_string())
    };
    if fresh {
        for (id, texture) in &overlay.textures.0 {
            let pixels: Vec<u8> = texture.pixels.iter().flat_map(|c| c.to_array()).collect();
            set(texture_key(*id), None, texture.size.map(|side| side as u32), &pixels)?;
        }
    } else {
        for upload in &drawing.uploads {
            set(upload.texture, upload.at, upload.size, &upload.pixels)?;
        }
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
    let draws = renderer.draw_meshes(target, &meshes).map_err(|e| e.to_string())?;
    for key in &drawing.free {
        renderer.free_mesh_texture(*key);
    }
    Ok(draws)
}
