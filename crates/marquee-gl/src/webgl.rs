//! WebGL for the renderer in a browser: the GL calls it makes, by glow's names and signatures,
//! as imports from the Wasm module `gl` that the page binds to a WebGL context
//! (`web/src/gl.js`). Objects cross as small integers (0 is none) the page maps to its WebGL
//! objects; bytes and strings as a pointer and a length into this module's memory; a string the
//! page returns (a shader log, the renderer's name) is measured by one import and copied in by a
//! second. The constants are GL's, the same numbers glow names (checked by a test on the native
//! build, where glow is at hand).

#![allow(unsafe_code, reason = "the WebGL calls are imports from the page")]
#![allow(clippy::missing_safety_doc, reason = "glow's contract: every call is on the current context")]
#![allow(clippy::too_many_arguments, reason = "GL's signatures, as glow writes them")]

/// GL's enums the renderer names (GLES 2.0 and WebGL 1 share them).
#[allow(missing_docs, reason = "GL's own names")]
#[cfg(any(test, target_arch = "wasm32"))]
mod consts {
    pub(crate) const ARRAY_BUFFER: u32 = 0x8892;
    pub(crate) const ELEMENT_ARRAY_BUFFER: u32 = 0x8893;
    pub(crate) const BLEND: u32 = 0x0BE2;
    pub(crate) const CLAMP_TO_EDGE: u32 = 0x812F;
    pub(crate) const COLOR_ATTACHMENT0: u32 = 0x8CE0;
    pub(crate) const COLOR_BUFFER_BIT: u32 = 0x4000;
    pub(crate) const DEPTH_TEST: u32 = 0x0B71;
    pub(crate) const FLOAT: u32 = 0x1406;
    pub(crate) const FRAGMENT_SHADER: u32 = 0x8B30;
    pub(crate) const VERTEX_SHADER: u32 = 0x8B31;
    pub(crate) const FRAMEBUFFER: u32 = 0x8D40;
    pub(crate) const FRAMEBUFFER_COMPLETE: u32 = 0x8CD5;
    pub(crate) const LINEAR: u32 = 0x2601;
    pub(crate) const NEAREST: u32 = 0x2600;
    pub(crate) const MAX_TEXTURE_SIZE: u32 = 0x0D33;
    pub(crate) const NO_ERROR: u32 = 0;
    pub(crate) const ONE: u32 = 1;
    pub(crate) const ONE_MINUS_SRC_ALPHA: u32 = 0x0303;
    pub(crate) const PACK_ALIGNMENT: u32 = 0x0D05;
    pub(crate) const UNPACK_ALIGNMENT: u32 = 0x0CF5;
    pub(crate) const RENDERER: u32 = 0x1F01;
    pub(crate) const VERSION: u32 = 0x1F02;
    pub(crate) const RGBA: u32 = 0x1908;
    pub(crate) const SCISSOR_TEST: u32 = 0x0C11;
    pub(crate) const STATIC_DRAW: u32 = 0x88E4;
    pub(crate) const STREAM_DRAW: u32 = 0x88E0;
    pub(crate) const TEXTURE0: u32 = 0x84C0;
    pub(crate) const TEXTURE_2D: u32 = 0x0DE1;
    pub(crate) const TEXTURE_MAG_FILTER: u32 = 0x2800;
    pub(crate) const TEXTURE_MIN_FILTER: u32 = 0x2801;
    pub(crate) const TEXTURE_WRAP_S: u32 = 0x2802;
    pub(crate) const TEXTURE_WRAP_T: u32 = 0x2803;
    pub(crate) const TRIANGLES: u32 = 0x0004;
    pub(crate) const UNSIGNED_BYTE: u32 = 0x1401;
    pub(crate) const UNSIGNED_SHORT: u32 = 0x1403;
}

#[cfg(target_arch = "wasm32")]
pub use browser::Context;
#[cfg(target_arch = "wasm32")]
pub(crate) use browser::{
    Buffer, Framebuffer, HasContext, PixelPackData, PixelUnpackData, Program, Texture, UniformLocation,
};
#[cfg(target_arch = "wasm32")]
pub(crate) use consts::*;

#[cfg(target_arch = "wasm32")]
mod browser {
    use std::num::NonZeroU32;

    macro_rules! handles {
        ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub(crate) struct $name(NonZeroU32);

            impl $name {
                fn made(id: u32, what: &str) -> Result<$name, String> {
                    NonZeroU32::new(id).map($name).ok_or_else(|| format!("WebGL could not create a {what}"))
                }
            }
        )*};
    }

    handles! {
        /// A `WebGLTexture` the page holds.
        Texture,
        /// A `WebGLBuffer`.
        Buffer,
        /// A `WebGLFramebuffer`.
        Framebuffer,
        /// A `WebGLProgram`.
        Program,
        /// A `WebGLShader`.
        Shader,
    }

    /// A `WebGLUniformLocation` (looked up, not made: absent is not an error).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub(crate) struct UniformLocation(NonZeroU32);

    fn id<T: Into<u32>>(handle: Option<T>) -> u32 {
        handle.map_or(0, Into::into)
    }

    macro_rules! into_u32 {
        ($($name:ident),*) => {$(
            impl From<$name> for u32 {
                fn from(h: $name) -> u32 {
                    h.0.get()
                }
            }
        )*};
    }
    into_u32!(Texture, Buffer, Framebuffer, Program, Shader, UniformLocation);

    /// Pixels read from the framebuffer, as glow takes them.
    pub(crate) enum PixelPackData<'a> {
        /// Into this slice.
        Slice(Option<&'a mut [u8]>),
    }

    /// Pixels given to a texture, as glow takes them (`None`: allocate, undefined contents).
    pub(crate) enum PixelUnpackData<'a> {
        /// From this slice.
        Slice(Option<&'a [u8]>),
    }

    #[link(wasm_import_module = "gl")]
    unsafe extern "C" {
        fn create(kind: u32, arg: u32) -> u32;
        fn delete(kind: u32, id: u32);
        fn bind_buffer(target: u32, id: u32);
        fn buffer_data(target: u32, ptr: *const u8, len: usize, usage: u32);
        fn enable_vertex_attrib_array(index: u32);
        fn disable_vertex_attrib_array(index: u32);
        fn vertex_attrib_pointer(index: u32, size: i32, ty: u32, normalized: u32, stride: i32, offset: i32);
        fn enable(cap: u32);
        fn disable(cap: u32);
        fn blend_func(src: u32, dst: u32);
        fn get_parameter_i32(name: u32) -> i32;
        fn active_texture(unit: u32);
        fn bind_texture(target: u32, id: u32);
        fn finish();
        fn bind_framebuffer(target: u32, id: u32);
        fn pixel_store_i32(name: u32, value: i32);
        fn read_pixels(x: i32, y: i32, w: i32, h: i32, format: u32, ty: u32, ptr: *mut u8, len: usize);
        fn get_error() -> u32;
        fn framebuffer_texture_2d(target: u32, attachment: u32, textarget: u32, texture: u32, level: i32);
        fn check_framebuffer_status(target: u32) -> u32;
        fn tex_image_2d(
            target: u32,
            level: i32,
            internal: i32,
            w: i32,
            h: i32,
            border: i32,
            format: u32,
            ty: u32,
            ptr: *const u8,
            len: usize,
        );
        fn tex_sub_image_2d(
            target: u32,
            level: i32,
            x: i32,
            y: i32,
            w: i32,
            h: i32,
            format: u32,
            ty: u32,
            ptr: *const u8,
            len: usize,
        );
        fn tex_parameter_i32(target: u32, name: u32, value: i32);
        fn viewport(x: i32, y: i32, w: i32, h: i32);
        fn scissor(x: i32, y: i32, w: i32, h: i32);
        fn use_program(id: u32);
        fn uniform_1_i32(location: u32, x: i32);
        fn uniform_1_f32(location: u32, x: f32);
        fn uniform_4_f32(location: u32, x: f32, y: f32, z: f32, w: f32);
        fn clear_color(r: f32, g: f32, b: f32, a: f32);
        fn clear(mask: u32);
        fn draw_elements(mode: u32, count: i32, ty: u32, offset: i32);
        fn shader_source(shader: u32, ptr: *const u8, len: usize);
        fn compile_shader(shader: u32);
        fn attach_shader(program: u32, shader: u32);
        fn detach_shader(program: u32, shader: u32);
        fn link_program(program: u32);
        fn bind_attrib_location(program: u32, index: u32, ptr: *const u8, len: usize);
        fn get_uniform_location(program: u32, ptr: *const u8, len: usize) -> u32;
        fn status(kind: u32, id: u32) -> u32;
        fn string(kind: u32, arg: u32) -> usize;
        fn take_string(ptr: *mut u8, len: usize);
    }

    /// What `create` and `delete` make or drop.
    const TEXTURE: u32 = 1;
    const BUFFER: u32 = 2;
    const FRAMEBUFFER: u32 = 3;
    const PROGRAM: u32 = 4;
    const SHADER: u32 = 5;

    /// What `status` asks.
    const COMPILED: u32 = 1;
    const LINKED: u32 = 2;

    /// What `string` asks: a `getParameter` string, a shader's log, a program's log.
    const PARAMETER: u32 = 1;
    const SHADER_LOG: u32 = 2;
    const PROGRAM_LOG: u32 = 3;

    /// A string the page has ready, copied into this module.
    unsafe fn page_string(kind: u32, arg: u32) -> String {
        // SAFETY: the page copies exactly the `len` bytes it measured into the buffer.
        unsafe {
            let len = string(kind, arg);
            let mut bytes = vec![0u8; len];
            take_string(bytes.as_mut_ptr(), len);
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }

    /// The page's WebGL context (there is one per module instance).
    #[derive(Debug)]
    pub struct Context(());

    impl Context {
        /// The context the page bound to this module's `gl` imports.
        pub fn from_page() -> Context {
            Context(())
        }
    }

    /// glow's calls, as far as the renderer makes them.
    pub(crate) trait HasContext {
        unsafe fn create_texture(&self) -> Result<Texture, String>;
        unsafe fn delete_texture(&self, texture: Texture);
        unsafe fn create_buffer(&self) -> Result<Buffer, String>;
        unsafe fn create_framebuffer(&self) -> Result<Framebuffer, String>;
        unsafe fn delete_framebuffer(&self, framebuffer: Framebuffer);
        unsafe fn create_program(&self) -> Result<Program, String>;
        unsafe fn delete_program(&self, program: Program);
        unsafe fn create_shader(&self, kind: u32) -> Result<Shader, String>;
        unsafe fn delete_shader(&self, shader: Shader);
        unsafe fn bind_buffer(&self, target: u32, buffer: Option<Buffer>);
        unsafe fn buffer_data_u8_slice(&self, target: u32, data: &[u8], usage: u32);
        unsafe fn enable_vertex_attrib_array(&self, index: u32);
        unsafe fn disable_vertex_attrib_array(&self, index: u32);
        unsafe fn vertex_attrib_pointer_f32(
            &self,
            index: u32,
            size: i32,
            ty: u32,
            normalized: bool,
            stride: i32,
            offset: i32,
        );
        unsafe fn enable(&self, cap: u32);
        unsafe fn disable(&self, cap: u32);
        unsafe fn blend_func(&self, src: u32, dst: u32);
        unsafe fn get_parameter_i32(&self, name: u32) -> i32;
        unsafe fn get_parameter_string(&self, name: u32) -> String;
        unsafe fn active_texture(&self, unit: u32);
        unsafe fn bind_texture(&self, target: u32, texture: Option<Texture>);
        unsafe fn finish(&self);
        unsafe fn bind_framebuffer(&self, target: u32, framebuffer: Option<Framebuffer>);
        unsafe fn pixel_store_i32(&self, name: u32, value: i32);
        unsafe fn read_pixels(&self, x: i32, y: i32, w: i32, h: i32, format: u32, ty: u32, pixels: PixelPackData<'_>);
        unsafe fn get_error(&self) -> u32;
        unsafe fn framebuffer_texture_2d(
            &self,
            target: u32,
            attachment: u32,
            textarget: u32,
            texture: Option<Texture>,
            level: i32,
        );
        unsafe fn check_framebuffer_status(&self, target: u32) -> u32;
        unsafe fn tex_image_2d(
            &self,
            target: u32,
            level: i32,
            internal: i32,
            w: i32,
            h: i32,
            border: i32,
            format: u32,
            ty: u32,
            pixels: PixelUnpackData<'_>,
        );
        unsafe fn tex_sub_image_2d(
            &self,
            target: u32,
            level: i32,
            x: i32,
            y: i32,
            w: i32,
            h: i32,
            format: u32,
            ty: u32,
            pixels: PixelUnpackData<'_>,
        );
        unsafe fn tex_parameter_i32(&self, target: u32, name: u32, value: i32);
        unsafe fn viewport(&self, x: i32, y: i32, w: i32, h: i32);
        unsafe fn scissor(&self, x: i32, y: i32, w: i32, h: i32);
        unsafe fn use_program(&self, program: Option<Program>);
        unsafe fn uniform_1_i32(&self, location: Option<&UniformLocation>, x: i32);
        unsafe fn uniform_1_f32(&self, location: Option<&UniformLocation>, x: f32);
        unsafe fn uniform_4_f32(&self, location: Option<&UniformLocation>, x: f32, y: f32, z: f32, w: f32);
        unsafe fn clear_color(&self, r: f32, g: f32, b: f32, a: f32);
        unsafe fn clear(&self, mask: u32);
        unsafe fn draw_elements(&self, mode: u32, count: i32, ty: u32, offset: i32);
        unsafe fn shader_source(&self, shader: Shader, source: &str);
        unsafe fn compile_shader(&self, shader: Shader);
        unsafe fn get_shader_compile_status(&self, shader: Shader) -> bool;
        unsafe fn get_shader_info_log(&self, shader: Shader) -> String;
        unsafe fn attach_shader(&self, program: Program, shader: Shader);
        unsafe fn detach_shader(&self, program: Program, shader: Shader);
        unsafe fn bind_attrib_location(&self, program: Program, index: u32, name: &str);
        unsafe fn link_program(&self, program: Program);
        unsafe fn get_program_link_status(&self, program: Program) -> bool;
        unsafe fn get_program_info_log(&self, program: Program) -> String;
        unsafe fn get_uniform_location(&self, program: Program, name: &str) -> Option<UniformLocation>;
    }

    // SAFETY (every call below): the imports take integers, and pointers with the length of
    // the slice or string they come from, which the page reads or writes within.
    impl HasContext for Context {
        unsafe fn create_texture(&self) -> Result<Texture, String> {
            Texture::made(unsafe { create(TEXTURE, 0) }, "texture")
        }
        unsafe fn delete_texture(&self, texture: Texture) {
            unsafe { delete(TEXTURE, texture.into()) }
        }
        unsafe fn create_buffer(&self) -> Result<Buffer, String> {
            Buffer::made(unsafe { create(BUFFER, 0) }, "buffer")
        }
        unsafe fn create_framebuffer(&self) -> Result<Framebuffer, String> {
            Framebuffer::made(unsafe { create(FRAMEBUFFER, 0) }, "framebuffer")
        }
        unsafe fn delete_framebuffer(&self, framebuffer: Framebuffer) {
            unsafe { delete(FRAMEBUFFER, framebuffer.into()) }
        }
        unsafe fn create_program(&self) -> Result<Program, String> {
            Program::made(unsafe { create(PROGRAM, 0) }, "program")
        }
        unsafe fn delete_program(&self, program: Program) {
            unsafe { delete(PROGRAM, program.into()) }
        }
        unsafe fn create_shader(&self, kind: u32) -> Result<Shader, String> {
            Shader::made(unsafe { create(SHADER, kind) }, "shader")
        }
        unsafe fn delete_shader(&self, shader: Shader) {
            unsafe { delete(SHADER, shader.into()) }
        }
        unsafe fn bind_buffer(&self, target: u32, buffer: Option<Buffer>) {
            unsafe { bind_buffer(target, id(buffer)) }
        }
        unsafe fn buffer_data_u8_slice(&self, target: u32, data: &[u8], usage: u32) {
            unsafe { buffer_data(target, data.as_ptr(), data.len(), usage) }
        }
        unsafe fn enable_vertex_attrib_array(&self, index: u32) {
            unsafe { enable_vertex_attrib_array(index) }
        }
        unsafe fn disable_vertex_attrib_array(&self, index: u32) {
            unsafe { disable_vertex_attrib_array(index) }
        }
        unsafe fn vertex_attrib_pointer_f32(
            &self,
            index: u32,
            size: i32,
            ty: u32,
            normalized: bool,
            stride: i32,
            offset: i32,
        ) {
            unsafe { vertex_attrib_pointer(index, size, ty, normalized.into(), stride, offset) }
        }
        unsafe fn enable(&self, cap: u32) {
            unsafe { enable(cap) }
        }
        unsafe fn disable(&self, cap: u32) {
            unsafe { disable(cap) }
        }
        unsafe fn blend_func(&self, src: u32, dst: u32) {
            unsafe { blend_func(src, dst) }
        }
        unsafe fn get_parameter_i32(&self, name: u32) -> i32 {
            unsafe { get_parameter_i32(name) }
        }
        unsafe fn get_parameter_string(&self, name: u32) -> String {
            unsafe { page_string(PARAMETER, name) }
        }
        unsafe fn active_texture(&self, unit: u32) {
            unsafe { active_texture(unit) }
        }
        unsafe fn bind_texture(&self, target: u32, texture: Option<Texture>) {
            unsafe { bind_texture(target, id(texture)) }
        }
        unsafe fn finish(&self) {
            unsafe { finish() }
        }
        unsafe fn bind_framebuffer(&self, target: u32, framebuffer: Option<Framebuffer>) {
            unsafe { bind_framebuffer(target, id(framebuffer)) }
        }
        unsafe fn pixel_store_i32(&self, name: u32, value: i32) {
            unsafe { pixel_store_i32(name, value) }
        }
        unsafe fn read_pixels(&self, x: i32, y: i32, w: i32, h: i32, format: u32, ty: u32, pixels: PixelPackData<'_>) {
            let PixelPackData::Slice(Some(out)) = pixels else { return };
            unsafe { read_pixels(x, y, w, h, format, ty, out.as_mut_ptr(), out.len()) }
        }
        unsafe fn get_error(&self) -> u32 {
            unsafe { get_error() }
        }
        unsafe fn framebuffer_texture_2d(
            &self,
            target: u32,
            attachment: u32,
            textarget: u32,
            texture: Option<Texture>,
            level: i32,
        ) {
            unsafe { framebuffer_texture_2d(target, attachment, textarget, id(texture), level) }
        }
        unsafe fn check_framebuffer_status(&self, target: u32) -> u32 {
            unsafe { check_framebuffer_status(target) }
        }
        unsafe fn tex_image_2d(
            &self,
            target: u32,
            level: i32,
            internal: i32,
            w: i32,
            h: i32,
            border: i32,
            format: u32,
            ty: u32,
            pixels: PixelUnpackData<'_>,
        ) {
            let PixelUnpackData::Slice(data) = pixels;
            let (ptr, len) = data.map_or((std::ptr::null(), 0), |d| (d.as_ptr(), d.len()));
            unsafe { tex_image_2d(target, level, internal, w, h, border, format, ty, ptr, len) }
        }
        unsafe fn tex_sub_image_2d(
            &self,
            target: u32,
            level: i32,
            x: i32,
            y: i32,
            w: i32,
            h: i32,
            format: u32,
            ty: u32,
            pixels: PixelUnpackData<'_>,
        ) {
            let PixelUnpackData::Slice(Some(data)) = pixels else { return };
            unsafe { tex_sub_image_2d(target, level, x, y, w, h, format, ty, data.as_ptr(), data.len()) }
        }
        unsafe fn tex_parameter_i32(&self, target: u32, name: u32, value: i32) {
            unsafe { tex_parameter_i32(target, name, value) }
        }
        unsafe fn viewport(&self, x: i32, y: i32, w: i32, h: i32) {
            unsafe { viewport(x, y, w, h) }
        }
        unsafe fn scissor(&self, x: i32, y: i32, w: i32, h: i32) {
            unsafe { scissor(x, y, w, h) }
        }
        unsafe fn use_program(&self, program: Option<Program>) {
            unsafe { use_program(id(program)) }
        }
        unsafe fn uniform_1_i32(&self, location: Option<&UniformLocation>, x: i32) {
            unsafe { uniform_1_i32(id(location.copied()), x) }
        }
        unsafe fn uniform_1_f32(&self, location: Option<&UniformLocation>, x: f32) {
            unsafe { uniform_1_f32(id(location.copied()), x) }
        }
        unsafe fn uniform_4_f32(&self, location: Option<&UniformLocation>, x: f32, y: f32, z: f32, w: f32) {
            unsafe { uniform_4_f32(id(location.copied()), x, y, z, w) }
        }
        unsafe fn clear_color(&self, r: f32, g: f32, b: f32, a: f32) {
            unsafe { clear_color(r, g, b, a) }
        }
        unsafe fn clear(&self, mask: u32) {
            unsafe { clear(mask) }
        }
        unsafe fn draw_elements(&self, mode: u32, count: i32, ty: u32, offset: i32) {
            unsafe { draw_elements(mode, count, ty, offset) }
        }
        unsafe fn shader_source(&self, shader: Shader, source: &str) {
            unsafe { shader_source(shader.into(), source.as_ptr(), source.len()) }
        }
        unsafe fn compile_shader(&self, shader: Shader) {
            unsafe { compile_shader(shader.into()) }
        }
        unsafe fn get_shader_compile_status(&self, shader: Shader) -> bool {
            unsafe { status(COMPILED, shader.into()) != 0 }
        }
        unsafe fn get_shader_info_log(&self, shader: Shader) -> String {
            unsafe { page_string(SHADER_LOG, shader.into()) }
        }
        unsafe fn attach_shader(&self, program: Program, shader: Shader) {
            unsafe { attach_shader(program.into(), shader.into()) }
        }
        unsafe fn detach_shader(&self, program: Program, shader: Shader) {
            unsafe { detach_shader(program.into(), shader.into()) }
        }
        unsafe fn bind_attrib_location(&self, program: Program, index: u32, name: &str) {
            unsafe { bind_attrib_location(program.into(), index, name.as_ptr(), name.len()) }
        }
        unsafe fn link_program(&self, program: Program) {
            unsafe { link_program(program.into()) }
        }
        unsafe fn get_program_link_status(&self, program: Program) -> bool {
            unsafe { status(LINKED, program.into()) != 0 }
        }
        unsafe fn get_program_info_log(&self, program: Program) -> String {
            unsafe { page_string(PROGRAM_LOG, program.into()) }
        }
        unsafe fn get_uniform_location(&self, program: Program, name: &str) -> Option<UniformLocation> {
            let location = unsafe { get_uniform_location(program.into(), name.as_ptr(), name.len()) };
            NonZeroU32::new(location).map(UniformLocation)
        }
    }
}

#[cfg(test)]
mod tests {
    /// The enums the browser build names are glow's (GL's) numbers.
    #[test]
    fn the_constants_are_gls() {
        use super::consts as ours;
        let pairs = [
            (ours::ARRAY_BUFFER, glow::ARRAY_BUFFER),
            (ours::ELEMENT_ARRAY_BUFFER, glow::ELEMENT_ARRAY_BUFFER),
            (ours::BLEND, glow::BLEND),
            (ours::CLAMP_TO_EDGE, glow::CLAMP_TO_EDGE),
            (ours::COLOR_ATTACHMENT0, glow::COLOR_ATTACHMENT0),
            (ours::COLOR_BUFFER_BIT, glow::COLOR_BUFFER_BIT),
            (ours::DEPTH_TEST, glow::DEPTH_TEST),
            (ours::FLOAT, glow::FLOAT),
            (ours::FRAGMENT_SHADER, glow::FRAGMENT_SHADER),
            (ours::VERTEX_SHADER, glow::VERTEX_SHADER),
            (ours::FRAMEBUFFER, glow::FRAMEBUFFER),
            (ours::FRAMEBUFFER_COMPLETE, glow::FRAMEBUFFER_COMPLETE),
            (ours::LINEAR, glow::LINEAR),
            (ours::NEAREST, glow::NEAREST),
            (ours::MAX_TEXTURE_SIZE, glow::MAX_TEXTURE_SIZE),
            (ours::NO_ERROR, glow::NO_ERROR),
            (ours::ONE, glow::ONE),
            (ours::ONE_MINUS_SRC_ALPHA, glow::ONE_MINUS_SRC_ALPHA),
            (ours::PACK_ALIGNMENT, glow::PACK_ALIGNMENT),
            (ours::UNPACK_ALIGNMENT, glow::UNPACK_ALIGNMENT),
            (ours::RENDERER, glow::RENDERER),
            (ours::VERSION, glow::VERSION),
            (ours::RGBA, glow::RGBA),
            (ours::SCISSOR_TEST, glow::SCISSOR_TEST),
            (ours::STATIC_DRAW, glow::STATIC_DRAW),
            (ours::STREAM_DRAW, glow::STREAM_DRAW),
            (ours::TEXTURE0, glow::TEXTURE0),
            (ours::TEXTURE_2D, glow::TEXTURE_2D),
            (ours::TEXTURE_MAG_FILTER, glow::TEXTURE_MAG_FILTER),
            (ours::TEXTURE_MIN_FILTER, glow::TEXTURE_MIN_FILTER),
            (ours::TEXTURE_WRAP_S, glow::TEXTURE_WRAP_S),
            (ours::TEXTURE_WRAP_T, glow::TEXTURE_WRAP_T),
            (ours::TRIANGLES, glow::TRIANGLES),
            (ours::UNSIGNED_BYTE, glow::UNSIGNED_BYTE),
            (ours::UNSIGNED_SHORT, glow::UNSIGNED_SHORT),
        ];
        for (i, (ours, glows)) in pairs.into_iter().enumerate() {
            assert_eq!(ours, glows, "constant {i}");
        }
    }
}
