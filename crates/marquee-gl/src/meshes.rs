//! Triangle meshes drawn over a frame: a host's debug overlay (egui's output), which is textured
//! triangles with a colour per vertex rather than the display list's boxes and glyphs.
//!
//! A second, small program draws them: positions in target pixels, texture coordinates, and a
//! premultiplied colour per vertex that multiplies the texel, composited source-over as
//! everything else is. Each mesh names a texture by the host's key; the host uploads and frees
//! them ([`Renderer::set_mesh_texture`](crate::Renderer::set_mesh_texture)). Vertices travel
//! as floats and indices as 16 bits, which is all WebGL 1 and OpenGL ES 2.0 promise; a mesh
//! with more vertices than 16 bits index is refused. The program shares attribute locations
//! with the display list's, so the renderer points them back at its own buffer after.

use marquee_display_list::IntRect;

use crate::gl::{self, HasContext};

/// A vertex: position in the target's pixels, texture coordinates (0 to 1), and a
/// premultiplied sRGB colour (0 to 255 per channel), as egui's `Vertex` is laid out.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
pub struct MeshVertex {
    /// x, y in pixels from the target's top-left corner.
    pub pos: [f32; 2],
    /// u, v.
    pub uv: [f32; 2],
    /// Premultiplied red, green, blue, alpha.
    pub color: [u8; 4],
}

/// Triangles to draw: vertices, index triples into them, where they may draw, and the texture
/// they sample (a key given to `set_mesh_texture`).
#[derive(Debug, Clone, Copy)]
pub struct Mesh<'a> {
    /// The vertices.
    pub vertices: &'a [MeshVertex],
    /// Three indices a triangle; each below `vertices.len()` and 65,536.
    pub indices: &'a [u32],
    /// The pixels of the target it may touch.
    pub clip: IntRect,
    /// The texture's key.
    pub texture: u64,
}

/// Floats a vertex takes in the buffer: position, texture coordinates, colour.
const FLOATS: usize = 8;

const VERTEX: &str = r"
attribute vec2 a_pos;
attribute vec2 a_uv;
attribute vec4 a_color;
uniform vec4 u_target; // width, height, flip (1: row 0 is the top)
varying vec2 v_uv;
varying vec4 v_color;
void main() {
    vec2 ndc = a_pos / u_target.xy * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, ndc.y * u_target.z, 0.0, 1.0);
    v_uv = a_uv;
    v_color = a_color / 255.0;
}
";

const FRAGMENT: &str = r"
precision mediump float;
uniform sampler2D u_texture;
varying vec2 v_uv;
varying vec4 v_color;
void main() {
    gl_FragColor = v_color * texture2D(u_texture, v_uv);
}
";

/// The mesh program and its buffers.
pub(crate) struct MeshProgram {
    program: gl::Program,
    target: Option<gl::UniformLocation>,
    vertex_buffer: gl::Buffer,
    index_buffer: gl::Buffer,
    /// Scratch space, reused from frame to frame.
    vertices: Vec<f32>,
    indices: Vec<u16>,
}

impl MeshProgram {
    pub(crate) fn new(gl: &gl::Context) -> Result<MeshProgram, String> {
        let program = crate::shader::link(gl, VERTEX, FRAGMENT, &["a_pos", "a_uv", "a_color"])?;
        // SAFETY: plain GL calls on the current context with objects created here.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            gl.use_program(Some(program));
            let sampler = gl.get_uniform_location(program, "u_texture");
            gl.uniform_1_i32(sampler.as_ref(), 0);
            Ok(MeshProgram {
                target: gl.get_uniform_location(program, "u_target"),
                program,
                vertex_buffer: gl.create_buffer()?,
                index_buffer: gl.create_buffer()?,
                vertices: Vec::new(),
                indices: Vec::new(),
            })
        }
    }

    /// Draws `meshes` into what is bound (a framebuffer of `size`, row 0 the top when `top_down`),
    /// each with its texture from `texture`; returns the draw calls made. The caller restores
    /// its own program, buffers and attribute pointers after.
    pub(crate) fn draw(
        &mut self,
        gl: &gl::Context,
        size: (u32, u32),
        top_down: bool,
        meshes: &[Mesh<'_>],
        mut texture: impl FnMut(u64) -> Option<gl::Texture>,
    ) -> Result<u32, String> {
        let mut draws = 0;
        let screen = IntRect { x: 0, y: 0, w: size.0 as i32, h: size.1 as i32 };
        // SAFETY: plain GL calls on the current context; each draw's indices are checked below
        // to lie within the vertices uploaded for it.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            gl.use_program(Some(self.program));
            let flip = if top_down { 1.0 } else { -1.0 };
            gl.uniform_4_f32(self.target.as_ref(), size.0 as f32, size.1 as f32, flip, 0.0);
            gl.bind_buffer(gl::ARRAY_BUFFER, Some(self.vertex_buffer));
            gl.bind_buffer(gl::ELEMENT_ARRAY_BUFFER, Some(self.index_buffer));
            let stride = (FLOATS * 4) as i32;
            for (location, (size, offset)) in [(2, 0), (2, 8), (4, 16)].into_iter().enumerate() {
                gl.enable_vertex_attrib_array(location as u32);
                gl.vertex_attrib_pointer_f32(location as u32, size, gl::FLOAT, false, stride, offset);
            }
            for location in 3..crate::shader::ATTRIBUTES.len() as u32 {
                gl.disable_vertex_attrib_array(location);
            }
            gl.enable(gl::SCISSOR_TEST);
            for mesh in meshes {
                let clip = mesh.clip.intersect(&screen);
                let Some(sampled) = texture(mesh.texture) else { continue };
                if clip.is_empty() || mesh.indices.len() < 3 {
                    continue;
                }
                if mesh.vertices.len() > usize::from(u16::MAX) + 1 {
                    return Err(format!(
                        "a mesh of {} vertices is more than 16-bit indices reach",
                        mesh.vertices.len()
                    ));
                }
                self.indices.clear();
                for triangle in mesh.indices.chunks_exact(3) {
                    if triangle.iter().all(|&i| (i as usize) < mesh.vertices.len()) {
                        self.indices.extend(triangle.iter().map(|&i| i as u16));
                    }
                }
                self.vertices.clear();
                for v in mesh.vertices {
                    let [r, g, b, a] = v.color.map(f32::from);
                    self.vertices.extend_from_slice(&[v.pos[0], v.pos[1], v.uv[0], v.uv[1], r, g, b, a]);
                }
                let y = if top_down { clip.y } else { size.1 as i32 - clip.y - clip.h };
                gl.scissor(clip.x, y, clip.w, clip.h);
                gl.active_texture(gl::TEXTURE0);
                gl.bind_texture(gl::TEXTURE_2D, Some(sampled));
                gl.buffer_data_u8_slice(gl::ARRAY_BUFFER, bytemuck::cast_slice(&self.vertices), gl::STREAM_DRAW);
                gl.buffer_data_u8_slice(gl::ELEMENT_ARRAY_BUFFER, bytemuck::cast_slice(&self.indices), gl::STREAM_DRAW);
                gl.draw_elements(gl::TRIANGLES, self.indices.len() as i32, gl::UNSIGNED_SHORT, 0);
                draws += 1;
            }
        }
        Ok(draws)
    }
}
