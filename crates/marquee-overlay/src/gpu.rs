//! The overlay drawn by the GPU backend: egui's texture changes uploaded and its meshes drawn
//! with `marquee_gl`'s mesh program, over a frame the renderer has just drawn into its target.

use crate::{Drawing, texture_key};

/// Makes `drawing`'s texture changes, draws its meshes over `target`, then frees the textures
/// egui is done with. Returns the draw calls made.
pub fn draw(
    renderer: &mut marquee_gl::Renderer,
    target: &marquee_gl::Target,
    drawing: &Drawing,
) -> Result<u32, String> {
    for upload in &drawing.uploads {
        renderer.set_mesh_texture(upload.texture, upload.at, upload.size, &upload.pixels).map_err(|e| e.to_string())?;
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
