//! The one shader program every quad is drawn with, in GLSL ES 1.00 (OpenGL ES 2.0, WebGL 1).
//!
//! One program for boxes, borders and textured quads means a frame is a few draw calls, however
//! many kinds of thing it holds: what a quad is travels in its vertices (`mode`), and so does its
//! clip. Shapes are anti-aliased analytically, with no tessellated paths: a pixel's coverage is
//! what a scanline rasterizer four times finer finds, four sub-scanlines each covered from one
//! quarter-pixel edge to the other, with a rounded box's edges solved exactly on each. That is
//! the CPU raster's (tiny-skia's) method, so the two backends agree at edges as well as inside.
//! The clips are two more boxes whose coverage multiplies in: the innermost rounded clip and the
//! intersection of the square ones.
//!
//! Textures (images, opacity groups) are bound to [`IMAGE_UNITS`] units at once, and each quad
//! names its unit, so a batch ends only when a frame shows more textures than that; the glyph
//! atlas has a unit of its own ([`ATLAS_UNIT`]). OpenGL ES 2.0 promises eight units to fragment
//! shaders, and GLSL ES 1.00 indexes samplers only by constants, so the unit is chosen by a
//! chain of comparisons (the same for every pixel of a quad).

use crate::gl::{self, HasContext};

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
    ("a_uv_unit", 4),
];

/// Texture units for images and group textures: 0 to 6.
pub(crate) const IMAGE_UNITS: usize = 7;

/// The glyph atlas's unit, after the images'.
pub(crate) const ATLAS_UNIT: u32 = 7;

/// What a quad draws (`a_size_border_mode.w`).
pub(crate) mod mode {
    /// A (rounded) box in its colour.
    pub(crate) const FILL: f32 = 0.0;
    /// The ring inside a (rounded) box's edge, `border` thick.
    pub(crate) const BORDER: f32 = 1.0;
    /// A premultiplied texture, times the colour's alpha (images, opacity groups).
    pub(crate) const TEXTURE: f32 = 2.0;
    /// A glyph's coverage from the atlas, in the colour.
    pub(crate) const GLYPH: f32 = 3.0;
    /// A colour glyph from the atlas, times the colour's alpha.
    pub(crate) const COLOR_GLYPH: f32 = 4.0;

    /// Whether a quad of this mode samples a texture (and so has no anti-aliased fringe).
    pub(crate) fn textured(mode: f32) -> bool {
        mode > 1.5
    }
}

/// What the vertex shader hands the fragment shader, declared alike in both.
const VARYINGS: &str = r"
varying vec2 v_device;
varying vec2 v_local;
varying vec4 v_shape;
varying vec4 v_radii;
varying vec4 v_color;
varying vec4 v_clip;
varying vec4 v_clip_radii;
varying vec4 v_square;
varying vec3 v_uv_unit;
";

const VERTEX: &str = r"
attribute vec4 a_pos_local;
attribute vec4 a_size_border_mode;
attribute vec4 a_radii;
attribute vec4 a_color;
attribute vec4 a_clip;
attribute vec4 a_clip_radii;
attribute vec4 a_square;
attribute vec4 a_uv_unit;
uniform vec4 u_target; // the target's width, height and top-left corner, device pixels
uniform float u_flip;  // 1 when row 0 is the top (textures), -1 when it is the bottom (windows)
void main() {
    vec2 ndc = (a_pos_local.xy - u_target.zw) / u_target.xy * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, ndc.y * u_flip, 0.0, 1.0);
    v_device = a_pos_local.xy;
    v_local = a_pos_local.zw;
    v_shape = a_size_border_mode;
    v_radii = a_radii;
    v_color = a_color;
    v_clip = a_clip;
    v_clip_radii = a_clip_radii;
    v_square = a_square;
    v_uv_unit = a_uv_unit.xyz;
}
";

/// Fragment shaders have no default float precision; `highp` is optional in OpenGL ES 2.0.
const FRAGMENT_PRECISION: &str = r"
#ifdef GL_FRAGMENT_PRECISION_HIGH
precision highp float;
#else
precision mediump float;
#endif
";

const FRAGMENT: &str = r"
uniform sampler2D u_image0;
uniform sampler2D u_image1;
uniform sampler2D u_image2;
uniform sampler2D u_image3;
uniform sampler2D u_image4;
uniform sampler2D u_image5;
uniform sampler2D u_image6;
uniform sampler2D u_atlas;

// The texture on image unit `unit` at `uv`.
vec4 image(float unit, vec2 uv) {
    if (unit < 0.5) return texture2D(u_image0, uv);
    if (unit < 1.5) return texture2D(u_image1, uv);
    if (unit < 2.5) return texture2D(u_image2, uv);
    if (unit < 3.5) return texture2D(u_image3, uv);
    if (unit < 4.5) return texture2D(u_image4, uv);
    if (unit < 5.5) return texture2D(u_image5, uv);
    return texture2D(u_image6, uv);
}

// The part of the line at height y inside a box of this size with these corner radii (top-left,
// top-right, bottom-right, bottom-left), as (left, right); empty when left >= right.
vec2 span(float y, vec2 size, vec4 r) {
    if (y < 0.0 || y > size.y) {
        return vec2(1.0, 0.0);
    }
    float left = 0.0;
    float right = size.x;
    if (y < r.x) {
        float d = r.x - y;
        left = r.x - sqrt(max(r.x * r.x - d * d, 0.0));
    } else if (y > size.y - r.w) {
        float d = y - (size.y - r.w);
        left = r.w - sqrt(max(r.w * r.w - d * d, 0.0));
    }
    if (y < r.y) {
        float d = r.y - y;
        right = size.x - r.y + sqrt(max(r.y * r.y - d * d, 0.0));
    } else if (y > size.y - r.z) {
        float d = y - (size.y - r.z);
        right = size.x - r.z + sqrt(max(r.z * r.z - d * d, 0.0));
    }
    return vec2(left, right);
}

// How much of the pixel whose top-left corner is p (relative to the box's) the box covers: the
// pixel cut into four rows, each row's covered width exact, as a scanline rasterizer with four
// sub-scanlines (the CPU raster's) computes it.
float coverage(vec2 p, vec2 size, vec4 r) {
    float c = 0.0;
    for (int i = 0; i < 4; i++) {
        // Edges fall on quarter pixels, as in a rasterizer four times finer.
        vec2 s = floor(span(p.y + (float(i) + 0.5) * 0.25, size, r) * 4.0 + 0.5) * 0.25;
        c += clamp(min(s.y, p.x + 1.0) - max(s.x, p.x), 0.0, 1.0);
    }
    return c * 0.25;
}

void main() {
    // The pixel's top-left corner, from its centre.
    vec2 pixel = floor(v_device);
    vec2 local = pixel - (v_device - v_local);
    vec4 color = v_color;
    float a = 1.0;
    if (v_shape.w < 1.5) {
        a = coverage(local, v_shape.xy, v_radii);
        if (v_shape.w > 0.5) {
            float w = v_shape.z;
            vec2 inner = v_shape.xy - 2.0 * w;
            if (inner.x > 0.0 && inner.y > 0.0) {
                a -= coverage(local - w, inner, max(v_radii - w, 0.0));
            }
        }
    } else if (v_shape.w < 2.5) {
        color = image(v_uv_unit.z, v_uv_unit.xy) * v_color.a;
    } else if (v_shape.w < 3.5) {
        color = v_color * texture2D(u_atlas, v_uv_unit.xy).a;
    } else {
        color = texture2D(u_atlas, v_uv_unit.xy) * v_color.a;
    }
    a *= coverage(pixel - v_clip.xy, v_clip.zw - v_clip.xy, v_clip_radii);
    a *= coverage(pixel - v_square.xy, v_square.zw - v_square.xy, vec4(0.0));
    gl_FragColor = color * a;
}
";

/// The linked program and its uniforms.
pub(crate) struct Program {
    pub(crate) program: gl::Program,
    pub(crate) target: Option<gl::UniformLocation>,
    pub(crate) flip: Option<gl::UniformLocation>,
}

impl Program {
    /// Compiles and links the program; the error carries the driver's log.
    pub(crate) fn new(gl: &gl::Context) -> Result<Program, String> {
        let vertex = format!("{VARYINGS}{VERTEX}");
        // The precision statement comes first: it sets the varyings' precision too.
        let fragment = format!("{FRAGMENT_PRECISION}{VARYINGS}{FRAGMENT}");
        let names = ATTRIBUTES.map(|(name, _)| name);
        let program = link(gl, &vertex, &fragment, &names)?;
        // SAFETY: plain GL calls on the current context with the program linked here.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            gl.use_program(Some(program));
            for unit in 0..IMAGE_UNITS {
                let image = gl.get_uniform_location(program, &format!("u_image{unit}"));
                gl.uniform_1_i32(image.as_ref(), unit as i32);
            }
            let atlas = gl.get_uniform_location(program, "u_atlas");
            gl.uniform_1_i32(atlas.as_ref(), ATLAS_UNIT as i32);
            Ok(Program {
                target: gl.get_uniform_location(program, "u_target"),
                flip: gl.get_uniform_location(program, "u_flip"),
                program,
            })
        }
    }
}

/// Compiles and links a program from its two shaders, the attributes at the locations of their
/// order in `attributes`; the error carries the driver's log.
pub(crate) fn link(gl: &gl::Context, vertex: &str, fragment: &str, attributes: &[&str]) -> Result<gl::Program, String> {
    // SAFETY: plain GL calls on the current context with objects created here.
    #[allow(unsafe_code, reason = "GL calls are FFI")]
    unsafe {
        let program = gl.create_program()?;
        let mut shaders = Vec::new();
        for (kind, source) in [(gl::VERTEX_SHADER, vertex), (gl::FRAGMENT_SHADER, fragment)] {
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
        for (location, name) in attributes.iter().enumerate() {
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
        Ok(program)
    }
}
