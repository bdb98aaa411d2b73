//! The one shader program every quad is drawn with, in GLSL ES 1.00 (OpenGL ES 2.0, WebGL 1).
//!
//! One program for boxes, borders and textured quads means a frame is a few draw calls, however
//! many kinds of thing it holds: what a quad is travels in its vertices (`mode`), and so does its
//! clip. Shapes are anti-aliased analytically: the fragment's signed distance to the rounded
//! rectangle, in device pixels, gives its coverage (`0.5 − d`, the area of an upright edge in a
//! pixel, as the CPU raster computes it), so boxes need no tessellated paths. The clips are two
//! more boxes whose coverage multiplies in: the innermost rounded clip and the intersection of
//! the square ones.

use glow::HasContext;

/// Vertex attributes and their sizes, in the order `batch::push` writes them: eight, the most
/// OpenGL ES 2.0 promises.
pub(crate) const ATTRIBUTES: [(&str, i32); 8] = [
    ("a_pos_local", 4),
    ("a_size_border_mode", 4),
    ("a_radii", 4),
    ("a_color", 4),
    ("a_clip", 4),
    ("a_clip_radii", 4),
    ("a_square", 4),
    ("a_uv", 2),
];

/// What a quad draws (`a_size_border_mode.w`).
pub(crate) mod mode {
    /// A (rounded) box in its colour.
    pub(crate) const FILL: f32 = 0.0;
    /// The ring inside a (rounded) box's edge, `border` thick.
    pub(crate) const BORDER: f32 = 1.0;
    /// A premultiplied texture, times the colour's alpha (images, opacity groups).
    pub(crate) const TEXTURE: f32 = 2.0;
}

const VERTEX: &str = r"
attribute vec4 a_pos_local;
attribute vec4 a_size_border_mode;
attribute vec4 a_radii;
attribute vec4 a_color;
attribute vec4 a_clip;
attribute vec4 a_clip_radii;
attribute vec4 a_square;
attribute vec2 a_uv;
uniform vec3 u_target; // width, height, and 1 when row 0 is the top (textures) or -1 (windows)
varying vec2 v_device;
varying vec2 v_local;
varying vec4 v_shape;
varying vec4 v_radii;
varying vec4 v_color;
varying vec4 v_clip;
varying vec4 v_clip_radii;
varying vec4 v_square;
varying vec2 v_uv;
void main() {
    vec2 ndc = a_pos_local.xy / u_target.xy * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, ndc.y * u_target.z, 0.0, 1.0);
    v_device = a_pos_local.xy;
    v_local = a_pos_local.zw;
    v_shape = a_size_border_mode;
    v_radii = a_radii;
    v_color = a_color;
    v_clip = a_clip;
    v_clip_radii = a_clip_radii;
    v_square = a_square;
    v_uv = a_uv;
}
";

const FRAGMENT: &str = r"
#ifdef GL_FRAGMENT_PRECISION_HIGH
precision highp float;
#else
precision mediump float;
#endif
uniform sampler2D u_texture;
varying vec2 v_device;
varying vec2 v_local;
varying vec4 v_shape;
varying vec4 v_radii;
varying vec4 v_color;
varying vec4 v_clip;
varying vec4 v_clip_radii;
varying vec4 v_square;
varying vec2 v_uv;

// Signed distance from p (relative to the box's top-left corner) to a box of this size with
// these corner radii (top-left, top-right, bottom-right, bottom-left): negative inside.
float box_distance(vec2 p, vec2 size, vec4 r) {
    vec2 half_size = size * 0.5;
    vec2 c = p - half_size;
    float radius = c.x < 0.0 ? (c.y < 0.0 ? r.x : r.w) : (c.y < 0.0 ? r.y : r.z);
    vec2 q = abs(c) - half_size + radius;
    return min(max(q.x, q.y), 0.0) + length(max(q, 0.0)) - radius;
}

float coverage(float d) {
    return clamp(0.5 - d, 0.0, 1.0);
}

void main() {
    vec4 color = v_color;
    float a = 1.0;
    if (v_shape.w < 1.5) {
        a = coverage(box_distance(v_local, v_shape.xy, v_radii));
        if (v_shape.w > 0.5) {
            float w = v_shape.z;
            vec2 inner = v_shape.xy - 2.0 * w;
            if (inner.x > 0.0 && inner.y > 0.0) {
                a *= 1.0 - coverage(box_distance(v_local - w, inner, max(v_radii - w, 0.0)));
            }
        }
    } else {
        color = texture2D(u_texture, v_uv) * v_color.a;
    }
    a *= coverage(box_distance(v_device - v_clip.xy, v_clip.zw - v_clip.xy, v_clip_radii));
    a *= coverage(box_distance(v_device - v_square.xy, v_square.zw - v_square.xy, vec4(0.0)));
    gl_FragColor = color * a;
}
";

/// The linked program and its uniforms.
pub(crate) struct Program {
    pub(crate) program: glow::Program,
    pub(crate) target: Option<glow::UniformLocation>,
}

impl Program {
    /// Compiles and links the program; the error carries the driver's log.
    pub(crate) fn new(gl: &glow::Context) -> Result<Program, String> {
        // SAFETY: plain GL calls on the current context with objects created here.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            let program = gl.create_program()?;
            let mut shaders = Vec::new();
            for (kind, source) in [(glow::VERTEX_SHADER, VERTEX), (glow::FRAGMENT_SHADER, FRAGMENT)] {
                let shader = gl.create_shader(kind)?;
                gl.shader_source(shader, source);
                gl.compile_shader(shader);
                if !gl.get_shader_compile_status(shader) {
                    let log = gl.get_shader_info_log(shader);
                    gl.delete_shader(shader);
                    gl.delete_program(program);
                    return Err(format!("the shader does not compile: {log}"));
                }
                gl.attach_shader(program, shader);
                shaders.push(shader);
            }
            for (location, (name, _)) in ATTRIBUTES.iter().enumerate() {
                gl.bind_attrib_location(program, location as u32, name);
            }
            gl.link_program(program);
            for shader in shaders {
                gl.detach_shader(program, shader);
                gl.delete_shader(shader);
            }
            if !gl.get_program_link_status(program) {
                let log = gl.get_program_info_log(program);
                gl.delete_program(program);
                return Err(format!("the program does not link: {log}"));
            }
            gl.use_program(Some(program));
            let texture = gl.get_uniform_location(program, "u_texture");
            gl.uniform_1_i32(texture.as_ref(), 0);
            Ok(Program { target: gl.get_uniform_location(program, "u_target"), program })
        }
    }
}
