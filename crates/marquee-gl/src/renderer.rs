//! Drawing a layer tree with GL, retained: each layer's list is recorded as quads once
//! (`record.rs`) and placed on every frame at the layer's translation, so a frame that moves,
//! scrolls or fades layers costs a walk over the tree and a few draw calls, not a new raster.
//!
//! The walk goes down the tree from the root with each layer's transform, clip and opacity.
//! A layer's scale is part of its recording; its translation is rounded to whole pixels and
//! added when its quads are placed (as the CPU compositor composites its surfaces, so the two
//! agree); the clips of the layers above cut its quads in the shader. An opacity that one quad
//! takes in its colour (a layer or group with a single quad and no child) is folded in; any
//! other opacity group is drawn into a texture covering only the group's bounds (kept in a pool
//! across frames) and composited with one textured quad, batched with the rest.
//!
//! Images are textures uploaded once per handle and serial (and deleted when the host no longer
//! holds the image), uploaded when first drawn on screen; the batch binds [`IMAGE_UNITS`]
//! textures at once, so posters do not each end a draw call. Glyphs come from the glyph atlas
//! (`atlas.rs`), on a unit of its own.

use std::rc::Rc;

use rustc_hash::FxHashMap as HashMap;

use crate::gl::{self, HasContext};
use marquee_display_list::images::Images;
use marquee_display_list::layers::{Layer, LayerTree, ROOT};
use marquee_display_list::text::{GlyphMask, Glyphs};
use marquee_display_list::{Color, IntRect, Rect, Transform};

use crate::atlas::{self, Atlas, Placed};
use crate::batch::{self, Clip, Placing, Quad};
use crate::bindings::Bindings;
use crate::clock::{Duration, Instant};
use crate::meshes::{Mesh, MeshProgram};
use crate::record::{self, GlyphSlot, Item, MAX_COORD, Recorded};
use crate::shader::{self, ATLAS_UNIT, IMAGE_UNITS, Program};

/// Why the backend cannot draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<String> for Error {
    fn from(s: String) -> Self {
        Error(s)
    }
}

/// The most opacity groups open at once; deeper ones are flattened (their opacity multiplies
/// what is drawn inside), as the CPU raster does past its own bound.
pub const MAX_GROUPS: usize = 16;

/// `GL_CONTEXT_LOST` (KHR_robustness): the driver reset the context.
const CONTEXT_LOST: u32 = 0x0507;

/// Group textures are made in multiples of this many pixels a side, so a group whose bounds
/// change a little from frame to frame (a zoom) finds one in the pool.
const GROUP_STEP: u32 = 64;

/// Group textures kept in the pool between frames.
const POOL: usize = 8;

/// What one frame cost: the same on every machine for the same frames and GL limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Draw calls issued.
    pub draw_calls: u32,
    /// Quads drawn.
    pub quads: u32,
    /// Opacity groups drawn through a texture.
    pub groups: u32,
    /// Layers whose list was recorded as quads (new, changed, rescaled, or its glyphs gone
    /// with the atlas); the others were placed as kept.
    pub layers_recorded: u32,
    /// Operations not drawn as asked: geometry out of range, images the host does not hold or
    /// larger than the device's textures, paragraphs the text service does not know, groups
    /// past [`MAX_GROUPS`] (flattened).
    pub skipped: u32,
    /// Rounded clips inside another rounded clip: the outer one clips by its bounds.
    pub approximated_clips: u32,
    /// Images uploaded (each once per host serial).
    pub image_uploads: u32,
    /// Glyphs uploaded into the atlas (each once until the atlas starts over).
    pub glyph_uploads: u32,
    /// Bytes uploaded into textures (vertices are not counted).
    pub bytes_uploaded: u64,
    /// Times the glyph atlas filled up and started over.
    pub atlas_resets: u32,
}

/// Where one frame's time went, on this thread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timing {
    /// The whole of the last [`Renderer::draw_area`] (or [`Renderer::present`]).
    pub total: Duration,
    /// Inside GL calls (the driver's own work, and on a software driver its raster).
    pub gl: Duration,
}

impl Timing {
    /// The backend's own CPU time: walking the tree, recording and placing quads.
    pub fn backend(&self) -> Duration {
        self.total.saturating_sub(self.gl)
    }
}

/// An image's texture, good while the host's serial for it is the same.
#[derive(Clone, Copy)]
struct ImageTexture {
    serial: Option<u64>,
    texture: gl::Texture,
    size: (u32, u32),
}

/// Something to draw into: a texture with a framebuffer, or the default framebuffer (a window).
pub struct Target {
    framebuffer: Option<gl::Framebuffer>,
    texture: Option<gl::Texture>,
    width: u32,
    height: u32,
}

impl Target {
    /// The default framebuffer of `width × height` pixels: a window's (see [`crate::Window`]).
    pub fn window(width: u32, height: u32) -> Target {
        Target { framebuffer: None, texture: None, width, height }
    }

    /// The target's size in pixels.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }
}

/// What draws go into: a framebuffer of `size` pixels whose top-left is device pixel `origin`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bound {
    framebuffer: Option<gl::Framebuffer>,
    /// The texture behind the framebuffer (`None`: the window).
    texture: Option<gl::Texture>,
    size: (u32, u32),
    origin: (i32, i32),
}

/// An open opacity group: drawn into `surface`, whose top-left is at `bounds`'s, composited at
/// `opacity` when it closes.
struct Group {
    surface: Target,
    bounds: IntRect,
    opacity: f32,
}

/// When the renderer reads GL errors (see [`Renderer::read_errors_every`]).
#[derive(Debug, Clone, Copy)]
enum Checks {
    /// Before each frame and after each step of it.
    EachStep,
    /// Before every `frames`-th frame; `until` more frames go unchecked.
    Every { frames: u32, until: u32 },
}

/// The GL side: the program, buffers, textures and the batch being built.
struct Gpu {
    gl: gl::Context,
    program: Program,
    vertex_buffer: gl::Buffer,
    index_buffer: gl::Buffer,
    /// The batch: vertices of the quads not yet drawn, and the textures they sample, by unit.
    vertices: Vec<f32>,
    units: Vec<gl::Texture>,
    /// Where the batch draws.
    bound: Bound,
    /// The frame's target, the area of it drawn this frame, and the groups open in it.
    frame: Bound,
    area: IntRect,
    groups: Vec<Group>,
    /// Group textures not in use; and those composited in the batch, free once it is drawn.
    pool: Vec<Target>,
    retiring: Vec<Target>,
    max_texture: u32,
    stats: Stats,
    atlas: Atlas,
    atlas_texture: gl::Texture,
    /// Counts the atlas's fresh starts: quads recorded with an older one point at glyphs gone.
    atlas_generation: u64,
    images: HashMap<u32, ImageTexture>,
    /// Time inside GL calls this frame.
    gl_time: Duration,
    /// When GL errors are read.
    checks: Checks,
    /// The texture bindings made, so that none is made twice.
    bindings: Bindings,
    /// The texture an overlay is uploaded into when a frame is presented with one.
    overlay_texture: Option<gl::Texture>,
    /// The mesh program, made when meshes are first drawn, and the meshes' textures by the
    /// host's keys, with their sizes.
    meshes: Option<MeshProgram>,
    mesh_textures: HashMap<u64, (gl::Texture, (u32, u32))>,
}

/// Pixels drawn over a frame as it is presented, not part of it (a host's problem panel over an
/// app under development): premultiplied RGBA, top row first, the size of `area`.
#[derive(Debug, Clone, Copy)]
pub struct Overlay<'a> {
    /// The pixels.
    pub pixels: &'a [u8],
    /// Where they go in the window, in its pixels.
    pub area: IntRect,
}

/// The GL backend: the GL side, and each layer as recorded.
pub struct Renderer {
    gpu: Gpu,
    layers: HashMap<u32, Rc<Recorded>>,
    timing: Timing,
}

/// What a frame's walk reads.
struct Sources<'a> {
    tree: &'a LayerTree,
    images: &'a dyn Images,
    glyphs: &'a mut dyn Glyphs,
}

impl Renderer {
    /// A renderer on `gl` (its context current on this thread): compiles the program and makes
    /// the buffers.
    pub fn new(gl: gl::Context) -> Result<Renderer, Error> {
        let program = Program::new(&gl)?;
        // SAFETY: plain GL calls on the current context.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        let (vertex_buffer, index_buffer, max_texture) = unsafe {
            let vertex_buffer = gl.create_buffer()?;
            let index_buffer = gl.create_buffer()?;
            gl.bind_buffer(gl::ELEMENT_ARRAY_BUFFER, Some(index_buffer));
            let indices = batch::indices();
            gl.buffer_data_u8_slice(gl::ELEMENT_ARRAY_BUFFER, bytemuck::cast_slice(&indices), gl::STATIC_DRAW);
            point_attributes(&gl, vertex_buffer);
            gl.enable(gl::BLEND);
            // Premultiplied colours: source over.
            gl.blend_func(gl::ONE, gl::ONE_MINUS_SRC_ALPHA);
            gl.disable(gl::DEPTH_TEST);
            (vertex_buffer, index_buffer, gl.get_parameter_i32(gl::MAX_TEXTURE_SIZE).max(64) as u32)
        };
        let side = atlas::SIDE.min(max_texture);
        let mut bindings = Bindings::default();
        let atlas_texture = texture(&gl, &mut bindings, side, side, gl::NEAREST)?;
        let nowhere = Bound { framebuffer: None, texture: None, size: (1, 1), origin: (0, 0) };
        Ok(Renderer {
            gpu: Gpu {
                atlas: Atlas::new(side),
                atlas_texture,
                atlas_generation: 0,
                images: HashMap::default(),
                gl,
                program,
                vertex_buffer,
                index_buffer,
                vertices: Vec::new(),
                units: Vec::new(),
                bound: nowhere,
                frame: nowhere,
                area: IntRect::default(),
                groups: Vec::new(),
                pool: Vec::new(),
                retiring: Vec::new(),
                max_texture,
                stats: Stats::default(),
                gl_time: Duration::ZERO,
                checks: Checks::EachStep,
                bindings,
                overlay_texture: None,
                meshes: None,
                mesh_textures: HashMap::default(),
            },
            layers: HashMap::default(),
            timing: Timing::default(),
        })
    }

    /// Reads GL errors only before every `frames`-th frame (1: before each), not after drawing
    /// and presenting: for a GL whose `glGetError` waits for the GPU to run everything queued —
    /// WebGL, where it is a round trip to the browser's GPU process (1.1 ms a frame in Chromium
    /// with SwiftShader here when read after each step, 0.4 ms of waiting and 0.05 ms of CPU
    /// when read once). An error, or a lost context, then fails a later frame rather than this
    /// one, and the host redraws whole as it would have; GL keeps an error until it is read, so
    /// none is missed. (Drawing on a lost WebGL context does nothing; the canvas also tells the
    /// page at once, with its `webglcontextlost` event.)
    pub fn read_errors_every(&mut self, frames: u32) {
        self.gpu.checks = Checks::Every { frames: frames.max(1), until: 0 };
    }

    /// Makes the renderer bind every texture anew: it keeps track of the textures it bound and
    /// binds none twice, which holds while it alone binds textures on the context. A host that
    /// draws with the context itself between frames (an overlay) calls this after.
    pub fn forget_bindings(&mut self) {
        self.gpu.bindings.forget();
    }

    /// The largest texture side the device takes.
    pub fn max_texture_size(&self) -> u32 {
        self.gpu.max_texture
    }

    /// Holds textures to `side` pixels a side (when the device allows more), as a device of
    /// that class would: targets past it are refused and images reduced to fit.
    pub fn limit_texture_size(&mut self, side: u32) {
        self.gpu.max_texture = self.gpu.max_texture.min(side.max(64));
    }

    /// The GL implementation, as its driver names it (`llvmpipe …, OpenGL ES 3.2 Mesa …`).
    pub fn describe(&self) -> String {
        let gl = &self.gpu.gl;
        // SAFETY: reading two strings of the current context.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            let renderer = gl.get_parameter_string(gl::RENDERER);
            let version = gl.get_parameter_string(gl::VERSION);
            format!("{renderer}, {version}")
        }
    }

    /// Where the last frame's time went.
    pub fn timing(&self) -> Timing {
        self.timing
    }

    /// Waits until the GPU has done everything asked of it (benchmarks time frames one by one;
    /// a renderer never waits otherwise).
    pub fn finish(&self) {
        // SAFETY: glFinish on the current context.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            self.gpu.gl.finish();
        }
    }

    /// Makes the next frame fail with a real GL error (an invalid enum), for tests of what a
    /// host does when the driver fails mid-session.
    #[doc(hidden)]
    pub fn inject_gl_error(&self) {
        // SAFETY: an invalid enum is refused by GL with GL_INVALID_ENUM and changes nothing.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            self.gpu.gl.enable(0xDEAD);
        }
    }

    /// An offscreen target of `width × height` pixels (what headless runs draw into).
    pub fn offscreen(&mut self, width: u32, height: u32) -> Result<Target, Error> {
        self.gpu.offscreen(width, height)
    }

    /// Frees a target's texture and framebuffer.
    pub fn release(&mut self, target: Target) {
        self.gpu.release(target);
    }

    /// Draws the whole tree into `target` over `background`, with the host's images and text.
    pub fn draw(
        &mut self,
        tree: &LayerTree,
        target: &Target,
        background: Color,
        images: &dyn Images,
        glyphs: &mut dyn Glyphs,
    ) -> Result<Stats, Error> {
        let (w, h) = target.size();
        let whole = IntRect { x: 0, y: 0, w: w as i32, h: h as i32 };
        self.draw_area(tree, target, whole, background, images, glyphs)
    }

    /// Draws the tree into `area` of `target` (a frame's damage), leaving the target's other
    /// pixels as the last frame left them: only what shows in the area is placed, and the GPU
    /// touches no pixel outside it.
    pub fn draw_area(
        &mut self,
        tree: &LayerTree,
        target: &Target,
        area: IntRect,
        background: Color,
        images: &dyn Images,
        glyphs: &mut dyn Glyphs,
    ) -> Result<Stats, Error> {
        let started = Instant::now();
        self.gpu.stats = Stats::default();
        self.gpu.gl_time = Duration::ZERO;
        // An error left by earlier calls (or a lost context) fails this frame before it starts
        // (or the first frame that reads errors: `read_errors_every`).
        self.gpu.check_frame()?;
        self.gpu.bind_atlas();
        let (w, h) = target.size();
        let area = area.intersect(&IntRect { x: 0, y: 0, w: w as i32, h: h as i32 });
        let frame =
            Bound { framebuffer: target.framebuffer, texture: target.texture, size: target.size(), origin: (0, 0) };
        self.gpu.frame = frame;
        self.gpu.area = area;
        self.gpu.bind(frame, Some(background));
        // The area is the root's clip: what falls outside it is not placed, and the shader cuts
        // what straddles it (its edges are whole pixels, so coverage is exact).
        let screen = Clip {
            square: [area.x as f32, area.y as f32, (area.x + area.w) as f32, (area.y + area.h) as f32],
            rounded: None,
        };
        let mut sources = Sources { tree, images, glyphs };
        let result = match tree.get(ROOT).filter(|_| !area.is_empty()) {
            Some(root) => self.layer(&mut sources, ROOT, root, Transform::IDENTITY, screen, 1.0, 0),
            None => Ok(()),
        };
        // A failed walk may leave groups open: close them, so their textures go back.
        while !self.gpu.groups.is_empty() {
            self.gpu.close_group();
        }
        self.gpu.flush();
        self.gpu.trim_pool();
        // Textures of images the host no longer holds (or holds anew) go, and recordings of
        // layers the tree no longer holds as they were.
        self.gpu.forget_images(images);
        // (A layer kept but changed is recorded anew when next drawn: only those gone are looked
        // for, and only when there are some.)
        if self.layers.len() > tree.len() {
            self.layers.retain(|id, _| tree.get(*id).is_some());
        }
        let result = result.and_then(|()| self.gpu.check_step("drawing the frame"));
        self.timing = Timing { total: started.elapsed(), gl: self.gpu.gl_time };
        result.map(|()| self.gpu.stats)
    }

    /// Copies `frame` (an offscreen target holding a whole frame) into `window` (the default
    /// framebuffer) with one quad, for a buffer swap to show: the frame itself is drawn where
    /// its damage is, and stays whole for the next.
    pub fn present(&mut self, frame: &Target, window: &Target) -> Result<(), Error> {
        self.present_over(frame, window, None)
    }

    /// [`present`](Self::present), with `overlay` drawn over the frame in the window only: the
    /// frame keeps none of it.
    pub fn present_over(&mut self, frame: &Target, window: &Target, overlay: Option<Overlay<'_>>) -> Result<(), Error> {
        let started = Instant::now();
        self.gpu.gl_time = Duration::ZERO;
        let Some(texture) = frame.texture else {
            return Err(Error("only a frame drawn into a texture can be presented".into()));
        };
        let (w, h) = window.size();
        let bound = Bound { framebuffer: window.framebuffer, texture: window.texture, size: (w, h), origin: (0, 0) };
        self.gpu.frame = bound;
        self.gpu.area = IntRect { x: 0, y: 0, w: w as i32, h: h as i32 };
        self.gpu.bind(bound, Some(Color(0x000000ff)));
        let (fw, fh) = frame.size();
        let quad = Quad {
            rect: Rect::new(0.0, 0.0, fw as f32, fh as f32),
            radii: [0.0; 4],
            border: 0.0,
            mode: shader::mode::TEXTURE,
            color: [0.0, 0.0, 0.0, 1.0],
            uv: [0.0, 0.0, 1.0, 1.0],
        };
        self.gpu.textured(&quad, texture);
        if let Some(overlay) = overlay {
            self.gpu.overlay(overlay)?;
        }
        self.gpu.flush();
        self.timing = Timing { total: started.elapsed(), gl: self.gpu.gl_time };
        self.gpu.check_step("presenting the frame")
    }

    /// Sets the texture meshes name by `key`: the whole of it, `size` texels (`at` is `None`), or
    /// a patch of `size` at `at` of the one set before. `pixels` are premultiplied RGBA, row by
    /// row.
    pub fn set_mesh_texture(
        &mut self,
        key: u64,
        at: Option<[u32; 2]>,
        size: [u32; 2],
        pixels: &[u8],
    ) -> Result<(), Error> {
        let [w, h] = size;
        if pixels.len() as u64 != u64::from(w) * u64::from(h) * 4 {
            return Err(Error(format!("{} bytes are not {w}x{h} RGBA texels", pixels.len())));
        }
        let gpu = &mut self.gpu;
        let started = Instant::now();
        let texture = match (at, gpu.mesh_textures.get(&key)) {
            (None, Some(&(texture, _))) => texture,
            (None, None) => texture(&gpu.gl, &mut gpu.bindings, 1, 1, gl::LINEAR)?,
            (Some([x, y]), Some(&(texture, (tw, th)))) => {
                if u64::from(x) + u64::from(w) > u64::from(tw) || u64::from(y) + u64::from(h) > u64::from(th) {
                    return Err(Error(format!("a {w}x{h} patch at {x},{y} is outside the {tw}x{th} texture")));
                }
                texture
            }
            (Some(_), None) => return Err(Error(format!("no mesh texture {key} to patch"))),
        };
        gpu.bindings.select(&gpu.gl, 0, texture);
        // SAFETY: uploading `w × h` RGBA texels (the length checked above) into a texture this
        // renderer made, within it for a patch (checked above).
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            gpu.gl.pixel_store_i32(gl::UNPACK_ALIGNMENT, 1);
            let data = gl::PixelUnpackData::Slice(Some(pixels));
            match at {
                None => {
                    let (w, h) = (w as i32, h as i32);
                    gpu.gl.tex_image_2d(gl::TEXTURE_2D, 0, gl::RGBA as i32, w, h, 0, gl::RGBA, gl::UNSIGNED_BYTE, data);
                }
                Some([x, y]) => {
                    let (x, y, w, h) = (x as i32, y as i32, w as i32, h as i32);
                    gpu.gl.tex_sub_image_2d(gl::TEXTURE_2D, 0, x, y, w, h, gl::RGBA, gl::UNSIGNED_BYTE, data);
                }
            }
        }
        if at.is_none() {
            gpu.mesh_textures.insert(key, (texture, (w, h)));
        }
        gpu.stats.bytes_uploaded += pixels.len() as u64;
        gpu.gl_time += started.elapsed();
        gpu.check_step("uploading a mesh texture")
    }

    /// Frees the mesh texture `key` (nothing if there is none).
    pub fn free_mesh_texture(&mut self, key: u64) {
        if let Some((texture, _)) = self.gpu.mesh_textures.remove(&key) {
            self.gpu.bindings.deleted(texture);
            // SAFETY: deleting a texture this renderer made; it is no longer bound.
            #[allow(unsafe_code, reason = "GL calls are FFI")]
            unsafe {
                self.gpu.gl.delete_texture(texture);
            }
        }
    }

    /// Draws `meshes` over what `target` holds (a host's overlay over a frame just drawn),
    /// each within its clip, with the textures set for them; a mesh whose texture is not set
    /// is left out. Returns the draw calls made.
    pub fn draw_meshes(&mut self, target: &Target, meshes: &[Mesh<'_>]) -> Result<u32, Error> {
        let started = Instant::now();
        let gpu = &mut self.gpu;
        gpu.flush();
        if gpu.meshes.is_none() {
            gpu.meshes = Some(MeshProgram::new(&gpu.gl)?);
        }
        let Some(program) = gpu.meshes.as_mut() else { return Ok(0) };
        gpu.bindings.unbind(&gpu.gl, target.texture);
        // SAFETY: plain GL calls on the current context; the target is this renderer's.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            gpu.gl.bind_framebuffer(gl::FRAMEBUFFER, target.framebuffer);
            gpu.gl.viewport(0, 0, target.width as i32, target.height as i32);
        }
        let textures = &gpu.mesh_textures;
        let top_down = target.framebuffer.is_some();
        let drawn = program.draw(&gpu.gl, target.size(), top_down, meshes, |key| textures.get(&key).map(|t| t.0));
        // The display list's program, its attributes and texture bindings back as they were.
        point_attributes(&gpu.gl, gpu.vertex_buffer);
        // SAFETY: rebinding the renderer's own index buffer.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            gpu.gl.bind_buffer(gl::ELEMENT_ARRAY_BUFFER, Some(gpu.index_buffer));
        }
        gpu.bindings.forget();
        gpu.bound = Bound { framebuffer: None, texture: None, size: (1, 1), origin: (0, 0) };
        let draws = drawn?;
        gpu.stats.draw_calls += draws;
        gpu.gl_time += started.elapsed();
        gpu.check_step("drawing meshes")?;
        Ok(draws)
    }

    /// The target's pixels, premultiplied RGBA, top row first; the GL error if reading failed.
    pub fn read_checked(&self, target: &Target) -> Result<Vec<u8>, Error> {
        let pixels = self.read(target);
        self.gpu.check("reading the frame back")?;
        Ok(pixels)
    }

    /// The target's pixels, premultiplied RGBA, top row first.
    pub fn read(&self, target: &Target) -> Vec<u8> {
        let (w, h) = target.size();
        self.read_area(target, IntRect { x: 0, y: 0, w: w as i32, h: h as i32 })
    }

    /// The pixels of `area` of the target (within it), premultiplied RGBA, top row first, into
    /// `out` (its allocation reused frame after frame); the GL error if reading failed.
    pub fn read_area_checked(&self, target: &Target, area: IntRect, out: &mut Vec<u8>) -> Result<(), Error> {
        self.read_area_into(target, area, out);
        self.gpu.check("reading the frame back")
    }

    /// The pixels of `area` of the target (cut to it), premultiplied RGBA, top row first.
    pub fn read_area(&self, target: &Target, area: IntRect) -> Vec<u8> {
        let mut pixels = Vec::new();
        self.read_area_into(target, area, &mut pixels);
        pixels
    }

    /// [`read_area`](Self::read_area) into `pixels`, replacing what it held.
    fn read_area_into(&self, target: &Target, area: IntRect, pixels: &mut Vec<u8>) {
        let area = area.intersect(&IntRect { x: 0, y: 0, w: target.width as i32, h: target.height as i32 });
        let (w, h) = (area.w.max(0) as usize, area.h.max(0) as usize);
        pixels.clear();
        pixels.resize(w * h * 4, 0);
        if pixels.is_empty() {
            return;
        }
        // A window's row 0 is its bottom; a texture target's, its top (see `bind`).
        let y = if target.framebuffer.is_none() { target.height as i32 - area.y - area.h } else { area.y };
        // SAFETY: reading `w × h` pixels of the bound framebuffer into a buffer of that size.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            let gl = &self.gpu.gl;
            gl.bind_framebuffer(gl::FRAMEBUFFER, target.framebuffer);
            gl.pixel_store_i32(gl::PACK_ALIGNMENT, 1);
            gl.read_pixels(
                area.x,
                y,
                w as i32,
                h as i32,
                gl::RGBA,
                gl::UNSIGNED_BYTE,
                gl::PixelPackData::Slice(Some(pixels.as_mut_slice())),
            );
        }
        if target.framebuffer.is_none() {
            // A window's row 0 is its bottom: rows swapped end for end.
            let row = w * 4;
            for y in 0..h / 2 {
                let (top, bottom) = pixels.split_at_mut((h - 1 - y) * row);
                top[y * row..(y + 1) * row].swap_with_slice(&mut bottom[..row]);
            }
        }
    }

    /// Draws `layer` (`id`) under transform `t` (its props included), cut by `clip`, its
    /// colours times `opacity` (folded in from above).
    #[allow(clippy::too_many_arguments, reason = "the walk's state, passed down the tree")]
    fn layer(
        &mut self,
        sources: &mut Sources<'_>,
        id: u32,
        layer: &Layer,
        t: Transform,
        clip: Clip,
        opacity: f32,
        depth: usize,
    ) -> Result<(), Error> {
        let Some(placing) = self.placing(layer, &t, clip, opacity) else { return Ok(()) };
        self.with_recorded(sources, id, layer, [t.sx, t.sy], |r, sources, recorded| {
            r.walk(sources, recorded, placing, depth)
        })
    }

    /// How `layer`'s quads land under `t`; `None` when nothing of it can show.
    fn placing(&mut self, layer: &Layer, t: &Transform, clip: Clip, opacity: f32) -> Option<Placing> {
        if layer.ops.is_empty() || !(t.sx > 0.0 && t.sy > 0.0 && t.sx.is_finite() && t.sy.is_finite()) {
            // Scaled to nothing (or to nonsense): nothing shows.
            return None;
        }
        let (dx, dy) = (t.tx.round(), t.ty.round());
        if !(dx.abs() <= MAX_COORD && dy.abs() <= MAX_COORD) {
            self.gpu.stats.skipped += 1;
            return None;
        }
        Some(Placing { dx, dy, clip, opacity })
    }

    /// Runs `f` with layer `id` as recorded at `scale`, recording it first if what was kept no
    /// longer holds (shared, so the walk below it is free to record others).
    fn with_recorded<T>(
        &mut self,
        sources: &mut Sources<'_>,
        id: u32,
        layer: &Layer,
        scale: [f32; 2],
        f: impl FnOnce(&mut Self, &mut Sources<'_>, &Recorded) -> T,
    ) -> T {
        let generation = self.gpu.atlas_generation;
        let kept = self.layers.get(&id).filter(|r| {
            r.version == layer.version && r.scale == scale && !r.incomplete && r.atlas.is_none_or(|g| g == generation)
        });
        let recorded = match kept {
            Some(r) => Rc::clone(r),
            None => {
                let r = Rc::new(self.gpu.record(layer, scale, &mut *sources.glyphs));
                self.layers.insert(id, Rc::clone(&r));
                r
            }
        };
        self.gpu.stats.skipped += recorded.skipped;
        self.gpu.stats.approximated_clips += recorded.approximated;
        f(self, sources, &recorded)
    }

    /// Places a layer's recorded items: its quads, its children, its own groups.
    fn walk(
        &mut self,
        sources: &mut Sources<'_>,
        recorded: &Recorded,
        mut placing: Placing,
        depth: usize,
    ) -> Result<(), Error> {
        // The list's own groups, each folded (the opacity before it, to go back to) or drawn in a
        // texture (`None`).
        let mut groups: Vec<Option<f32>> = Vec::new();
        for item in &recorded.items {
            match *item {
                Item::Quads(ref range) => self.quads(sources.images, recorded, range.clone(), &placing)?,
                Item::Child { layer: child, transform, clip: site } => {
                    let site = Site { transform, clip: site, dx: placing.dx, dy: placing.dy };
                    self.child(sources, child, &site, &placing, depth)?;
                }
                Item::Group { opacity: o, quads, children } => {
                    let bounds = placing.clip.bound(self.gpu.frame_rect()).map(round_out).unwrap_or_default();
                    if (quads <= 1 && !children) || !self.gpu.open_group(bounds, o)? {
                        groups.push(Some(placing.opacity));
                        placing.opacity *= o;
                    } else {
                        groups.push(None);
                    }
                }
                Item::EndGroup => match groups.pop() {
                    Some(Some(before)) => placing.opacity = before,
                    Some(None) => self.gpu.close_group(),
                    None => {}
                },
            }
        }
        Ok(())
    }

    /// Places quads `range` of a layer.
    fn quads(
        &mut self,
        images: &dyn Images,
        recorded: &Recorded,
        range: std::ops::Range<usize>,
        placing: &Placing,
    ) -> Result<(), Error> {
        for q in range {
            let quad = recorded.quad(q);
            if batch::shown(quad, placing).is_none() {
                continue;
            }
            let (unit, uv_scale) = match recorded.images[q] {
                None => (0.0, [1.0; 2]),
                Some(handle) => match self.gpu.image(handle, images)? {
                    Some(image) => {
                        let unit = self.gpu.unit(image.texture);
                        (unit, [1.0 / image.size.0 as f32, 1.0 / image.size.1 as f32])
                    }
                    None => {
                        self.gpu.stats.skipped += 1;
                        continue;
                    }
                },
            };
            self.gpu.place(quad, placing, unit, uv_scale);
        }
        Ok(())
    }

    /// Draws child layer `id` where its parent's list draws it (`site`).
    fn child(
        &mut self,
        sources: &mut Sources<'_>,
        id: u32,
        site: &Site,
        placing: &Placing,
        depth: usize,
    ) -> Result<(), Error> {
        let Some(child) = sources.tree.get(id) else { return Ok(()) };
        if depth >= marquee_display_list::layers::MAX_DEPTH {
            return Ok(());
        }
        let p = child.props;
        let at = site.transform.then(&Transform { sx: 1.0, sy: 1.0, tx: site.dx, ty: site.dy });
        let (mut clip, approximated) = site.clip.translated(site.dx, site.dy).within(&placing.clip);
        self.gpu.stats.approximated_clips += u32::from(approximated);
        if let Some((rect, radii)) = p.clip {
            clip = if record::drawable(&rect, &radii.0, &at) {
                let device = at.map_rect(&rect);
                let (inner, approximated) = clip.push(device, record::device_radii(&rect, radii, &at, &device));
                self.gpu.stats.approximated_clips += u32::from(approximated);
                inner
            } else {
                Clip { square: [0.0; 4], rounded: None }
            };
        }
        // Nothing of it can show: its list is neither recorded nor walked.
        let Some(shown) = clip.bound(self.gpu.frame_rect()) else { return Ok(()) };
        let t = p.transform().then(&at);
        let o = p.opacity.clamp(0.0, 1.0) * placing.opacity;
        if o <= 0.0 {
            return Ok(());
        }
        if p.opacity >= 1.0 {
            return self.layer(sources, id, child, t, clip, o, depth + 1);
        }
        // An opacity of its own: folded into its one quad, or drawn through a texture over
        // what it covers.
        let Some(placing) = self.placing(child, &t, clip, o) else { return Ok(()) };
        self.with_recorded(sources, id, child, [t.sx, t.sy], |r, sources, recorded| {
            if recorded.foldable() {
                return r.walk(sources, recorded, placing, depth + 1);
            }
            let rounded = Transform { tx: placing.dx, ty: placing.dy, ..t };
            let covers = sources.tree.bounds(id).map(|b| rounded.map_rect(&b)).unwrap_or_default();
            let bounds = round_out([covers.x - 1.0, covers.y - 1.0, covers.right() + 1.0, covers.bottom() + 1.0])
                .intersect(&round_out(shown));
            if bounds.is_empty() {
                return Ok(());
            }
            if !r.gpu.open_group(bounds, o)? {
                return r.walk(sources, recorded, placing, depth + 1);
            }
            let drawn = r.walk(sources, recorded, Placing { opacity: 1.0, ..placing }, depth + 1);
            r.gpu.close_group();
            drawn
        })
    }
}

/// Where a list draws a child layer: the transform and clip open there (at the parent's
/// scale), and the parent's translation on the frame.
struct Site {
    transform: Transform,
    clip: Clip,
    dx: f32,
    dy: f32,
}

impl Gpu {
    /// The first GL error since the last check, if any: drawing with errors pending, or a lost
    /// context (`GL_CONTEXT_LOST`), is a failed frame the host recovers from.
    fn check(&self, doing: &str) -> Result<(), Error> {
        // SAFETY: glGetError on the current context.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        let error = unsafe { self.gl.get_error() };
        match error {
            gl::NO_ERROR => Ok(()),
            CONTEXT_LOST => Err(Error(format!("the GL context was lost while {doing}"))),
            e => Err(Error(format!("GL error {e:#06x} while {doing}"))),
        }
    }

    /// [`check`](Self::check) after a step, unless errors are read only before some frames.
    fn check_step(&self, doing: &str) -> Result<(), Error> {
        match self.checks {
            Checks::EachStep => self.check(doing),
            Checks::Every { .. } => Ok(()),
        }
    }

    /// [`check`](Self::check) before a frame, unless errors are read before every so many
    /// frames and this is not one of them.
    fn check_frame(&mut self) -> Result<(), Error> {
        if let Checks::Every { frames, until } = &mut self.checks {
            if *until > 0 {
                *until -= 1;
                return Ok(());
            }
            *until = *frames - 1;
        }
        self.check("starting a frame")
    }

    /// Binds the glyph atlas to its unit, unless it is.
    fn bind_atlas(&mut self) {
        self.bindings.bind(&self.gl, ATLAS_UNIT as usize, Some(self.atlas_texture));
    }

    /// The frame's target as `x0, y0, x1, y1`.
    fn frame_rect(&self) -> [f32; 4] {
        [0.0, 0.0, self.frame.size.0 as f32, self.frame.size.1 as f32]
    }

    fn offscreen(&mut self, width: u32, height: u32) -> Result<Target, Error> {
        if width == 0 || height == 0 || width > self.max_texture || height > self.max_texture {
            return Err(Error(format!(
                "a {width}×{height} target: each side must be 1 to {} pixels here",
                self.max_texture
            )));
        }
        let started = Instant::now();
        let texture = texture(&self.gl, &mut self.bindings, width, height, gl::NEAREST)?;
        let gl = &self.gl;
        // SAFETY: plain GL calls on the current context with objects created here.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        let made = unsafe {
            let framebuffer = gl.create_framebuffer()?;
            gl.bind_framebuffer(gl::FRAMEBUFFER, Some(framebuffer));
            gl.framebuffer_texture_2d(gl::FRAMEBUFFER, gl::COLOR_ATTACHMENT0, gl::TEXTURE_2D, Some(texture), 0);
            let status = gl.check_framebuffer_status(gl::FRAMEBUFFER);
            // What the batch draws into stays bound.
            gl.bind_framebuffer(gl::FRAMEBUFFER, self.bound.framebuffer);
            if status == gl::FRAMEBUFFER_COMPLETE {
                Ok(Target { framebuffer: Some(framebuffer), texture: Some(texture), width, height })
            } else {
                gl.delete_framebuffer(framebuffer);
                gl.delete_texture(texture);
                self.bindings.deleted(texture);
                Err(Error(format!("a {width}×{height} framebuffer is incomplete (status {status:#x})")))
            }
        };
        self.gl_time += started.elapsed();
        made
    }

    fn release(&mut self, target: Target) {
        // SAFETY: deleting objects this renderer made.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            if let Some(f) = target.framebuffer {
                self.gl.delete_framebuffer(f);
            }
            if let Some(t) = target.texture {
                self.gl.delete_texture(t);
                self.bindings.deleted(t);
            }
        }
    }

    /// Records `layer`'s list at `scale`, once more if the atlas started over while it did
    /// (the glyphs placed before that are gone).
    fn record(&mut self, layer: &Layer, scale: [f32; 2], glyphs: &mut dyn Glyphs) -> Recorded {
        self.stats.layers_recorded += 1;
        let mut attempt = 0;
        loop {
            let generation = self.atlas_generation;
            let mut used_atlas = false;
            let mut recorded = record::record(&layer.ops, layer.version, scale, glyphs, &mut |glyph| {
                used_atlas = true;
                self.glyph(glyph)
            });
            if used_atlas {
                recorded.atlas = Some(self.atlas_generation);
            }
            attempt += 1;
            if generation == self.atlas_generation {
                return recorded;
            }
            if attempt == 2 {
                // The layer's own glyphs do not fit the atlas: drawn as they are, and recorded
                // again next frame.
                recorded.incomplete = true;
                return recorded;
            }
        }
    }

    /// A glyph's place in the atlas, placing and uploading it if it is new; when the atlas is
    /// full, what is pending is drawn and the atlas starts over.
    fn glyph(&mut self, glyph: &GlyphMask<'_>) -> GlyphSlot {
        let mut placed = self.atlas.place(glyph);
        if let Placed::Full = placed {
            // Everything queued is drawn before the atlas is reused.
            self.flush();
            self.atlas.clear();
            self.atlas_generation += 1;
            self.stats.atlas_resets += 1;
            placed = self.atlas.place(glyph);
        }
        let slot = match placed {
            Placed::Found(slot) => slot,
            Placed::New(slot, pixels) => {
                let started = Instant::now();
                self.bindings.select(&self.gl, ATLAS_UNIT as usize, self.atlas_texture);
                // SAFETY: `pixels` is the glyph's `width × height` RGBA, inside the atlas.
                #[allow(unsafe_code, reason = "GL calls are FFI")]
                unsafe {
                    let gl = &self.gl;
                    gl.tex_sub_image_2d(
                        gl::TEXTURE_2D,
                        0,
                        slot.x as i32,
                        slot.y as i32,
                        glyph.width as i32,
                        glyph.height as i32,
                        gl::RGBA,
                        gl::UNSIGNED_BYTE,
                        gl::PixelUnpackData::Slice(Some(&pixels)),
                    );
                }
                self.gl_time += started.elapsed();
                self.stats.glyph_uploads += 1;
                self.stats.bytes_uploaded += pixels.len() as u64;
                slot
            }
            Placed::Full | Placed::Unfit => return None,
        };
        let side = self.atlas.side() as f32;
        let (u, v) = (slot.x as f32 / side, slot.y as f32 / side);
        Some([u, v, u + glyph.width as f32 / side, v + glyph.height as f32 / side])
    }

    /// The unit `texture` is on in this batch, drawing the batch first if every unit is taken.
    fn unit(&mut self, texture: gl::Texture) -> f32 {
        if let Some(i) = self.units.iter().position(|t| *t == texture) {
            return i as f32;
        }
        if self.units.len() == IMAGE_UNITS {
            self.flush();
        }
        self.units.push(texture);
        (self.units.len() - 1) as f32
    }

    /// Queues a recorded quad, drawing the batch first if it is full.
    fn place(&mut self, quad: &[f32], placing: &Placing, unit: f32, uv_scale: [f32; 2]) {
        if self.vertices.len() / batch::QUAD >= batch::MAX_QUADS {
            // The unit stays the quad's: the batch's textures stay bound for the next.
            let units = self.units.clone();
            self.flush();
            self.units = units;
        }
        self.stats.approximated_clips += u32::from(batch::place(&mut self.vertices, quad, placing, unit, uv_scale));
        self.stats.quads += 1;
    }

    /// Opens an opacity group over `bounds` (device pixels) in a texture from the pool; `false`
    /// past [`MAX_GROUPS`], where the caller multiplies the opacity into what is drawn inside.
    fn open_group(&mut self, bounds: IntRect, opacity: f32) -> Result<bool, Error> {
        if self.groups.len() >= MAX_GROUPS {
            self.stats.skipped += 1;
            return Ok(false);
        }
        let (w, h) = (bounds.w.max(1) as u32, bounds.h.max(1) as u32);
        // What is pending goes where it was meant to before the target changes.
        self.flush();
        let pooled = self
            .pool
            .iter()
            .enumerate()
            .filter(|(_, t)| t.width >= w && t.height >= h)
            .min_by_key(|(_, t)| t.width * t.height)
            .map(|(i, _)| i);
        let surface = match pooled {
            Some(i) => self.pool.swap_remove(i),
            None => {
                let step = |v: u32| v.div_ceil(GROUP_STEP) * GROUP_STEP;
                self.offscreen(step(w).min(self.max_texture), step(h).min(self.max_texture))?
            }
        };
        let bound = Bound {
            framebuffer: surface.framebuffer,
            texture: surface.texture,
            size: surface.size(),
            origin: (bounds.x, bounds.y),
        };
        self.bind(bound, Some(Color(0)));
        self.groups.push(Group { surface, bounds, opacity });
        self.stats.groups += 1;
        Ok(true)
    }

    /// Closes the innermost group: queues its texture, as one quad, into what encloses it.
    fn close_group(&mut self) {
        let Some(Group { surface, bounds, opacity }) = self.groups.pop() else { return };
        self.flush();
        let into = self.drawing_into();
        self.bind(into, None);
        let (tw, th) = (surface.width as f32, surface.height as f32);
        let quad = Quad {
            rect: Rect::new(bounds.x as f32, bounds.y as f32, bounds.w as f32, bounds.h as f32),
            radii: [0.0; 4],
            border: 0.0,
            mode: shader::mode::TEXTURE,
            color: [0.0, 0.0, 0.0, opacity],
            // Row 0 of a texture target is the top: v runs with y.
            uv: [0.0, 0.0, bounds.w as f32 / tw, bounds.h as f32 / th],
        };
        if let Some(texture) = surface.texture {
            self.textured(&quad, texture);
        }
        // Free for another group once the batch sampling it is drawn.
        self.retiring.push(surface);
    }

    /// Queues `overlay`'s pixels, uploaded into the overlay texture, as a quad over what is
    /// queued.
    fn overlay(&mut self, overlay: Overlay<'_>) -> Result<(), Error> {
        let IntRect { x, y, w, h } = overlay.area;
        if w <= 0 || h <= 0 || overlay.pixels.len() != w as usize * h as usize * 4 {
            return Err(Error(format!(
                "an overlay of {} bytes does not fill its {w}x{h} pixels",
                overlay.pixels.len()
            )));
        }
        let texture = match self.overlay_texture {
            Some(texture) => texture,
            None => *self.overlay_texture.insert(texture(&self.gl, &mut self.bindings, 1, 1, gl::NEAREST)?),
        };
        let started = Instant::now();
        self.bindings.select(&self.gl, 0, texture);
        // SAFETY: uploading `w × h` RGBA pixels (their length checked above) into a texture
        // this renderer made.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            self.gl.tex_image_2d(
                gl::TEXTURE_2D,
                0,
                gl::RGBA as i32,
                w,
                h,
                0,
                gl::RGBA,
                gl::UNSIGNED_BYTE,
                gl::PixelUnpackData::Slice(Some(overlay.pixels)),
            );
        }
        self.gl_time += started.elapsed();
        let quad = Quad {
            rect: Rect::new(x as f32, y as f32, w as f32, h as f32),
            radii: [0.0; 4],
            border: 0.0,
            mode: shader::mode::TEXTURE,
            color: [0.0, 0.0, 0.0, 1.0],
            uv: [0.0, 0.0, 1.0, 1.0],
        };
        self.textured(&quad, texture);
        Ok(())
    }

    /// Queues `quad` (device pixels, unclipped) sampling `texture`.
    fn textured(&mut self, quad: &Quad, texture: gl::Texture) {
        let mut recorded = Vec::with_capacity(batch::QUAD);
        if batch::push(&mut recorded, quad, &Clip::NONE) {
            let unit = self.unit(texture);
            let placing = Placing { dx: 0.0, dy: 0.0, clip: Clip::NONE, opacity: 1.0 };
            self.place(&recorded, &placing, unit, [1.0; 2]);
        }
    }

    /// What draws go into now: the innermost group drawn in a texture, or the frame's target.
    fn drawing_into(&self) -> Bound {
        self.groups.last().map_or(self.frame, |g| Bound {
            framebuffer: g.surface.framebuffer,
            texture: g.surface.texture,
            size: g.surface.size(),
            origin: (g.bounds.x, g.bounds.y),
        })
    }

    /// Binds `bound` for drawing, clearing it to `clear` if given.
    fn bind(&mut self, bound: Bound, clear: Option<Color>) {
        let started = Instant::now();
        self.bound = bound;
        self.bindings.unbind(&self.gl, bound.texture);
        let gl = &self.gl;
        // SAFETY: plain GL calls on the current context.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            gl.bind_framebuffer(gl::FRAMEBUFFER, bound.framebuffer);
            gl.viewport(0, 0, bound.size.0 as i32, bound.size.1 as i32);
            gl.use_program(Some(self.program.program));
            let (w, h) = (bound.size.0 as f32, bound.size.1 as f32);
            gl.uniform_4_f32(self.program.target.as_ref(), w, h, bound.origin.0 as f32, bound.origin.1 as f32);
            let flip = if bound.framebuffer.is_some() { 1.0 } else { -1.0 };
            gl.uniform_1_f32(self.program.flip.as_ref(), flip);
            // The frame's target is drawn (and cleared) within the frame's area alone; a group's
            // texture is all the group's.
            if bound == self.frame {
                let a = self.area;
                let y = if bound.framebuffer.is_some() { a.y } else { bound.size.1 as i32 - a.y - a.h };
                gl.enable(gl::SCISSOR_TEST);
                gl.scissor(a.x, y, a.w.max(0), a.h.max(0));
            } else {
                gl.disable(gl::SCISSOR_TEST);
            }
            if let Some(c) = clear {
                let [r, g, b, a] = batch::premultiplied(c, 1.0);
                gl.clear_color(r, g, b, a);
                gl.clear(gl::COLOR_BUFFER_BIT);
            }
        }
        self.gl_time += started.elapsed();
    }

    /// Draws the pending quads into what is bound.
    fn flush(&mut self) {
        let quads = self.vertices.len() / batch::QUAD;
        if quads > 0 {
            let started = Instant::now();
            for (unit, texture) in self.units.iter().enumerate() {
                self.bindings.bind(&self.gl, unit, Some(*texture));
            }
            let gl = &self.gl;
            // SAFETY: the buffers and program are this renderer's; the vertex data is exactly
            // `quads` quads and the index buffer holds MAX_QUADS quads' indices.
            #[allow(unsafe_code, reason = "GL calls are FFI")]
            unsafe {
                gl.bind_buffer(gl::ARRAY_BUFFER, Some(self.vertex_buffer));
                gl.bind_buffer(gl::ELEMENT_ARRAY_BUFFER, Some(self.index_buffer));
                gl.buffer_data_u8_slice(gl::ARRAY_BUFFER, bytemuck::cast_slice(&self.vertices), gl::STREAM_DRAW);
                gl.draw_elements(gl::TRIANGLES, (quads * 6) as i32, gl::UNSIGNED_SHORT, 0);
            }
            self.gl_time += started.elapsed();
            self.stats.draw_calls += 1;
            self.vertices.clear();
        }
        self.units.clear();
        self.pool.append(&mut self.retiring);
    }

    /// Frees group textures past what the pool keeps (the largest first).
    fn trim_pool(&mut self) {
        if self.pool.len() > POOL {
            self.pool.sort_by_key(|t| t.width * t.height);
            for target in self.pool.split_off(POOL) {
                self.release(target);
            }
        }
    }

    /// Deletes the textures of images the host no longer holds, or holds anew.
    fn forget_images(&mut self, images: &dyn Images) {
        let (gl, bindings) = (&self.gl, &mut self.bindings);
        self.images.retain(|&handle, kept| {
            let keep = kept.serial.is_some() && images.serial(handle) == kept.serial;
            if !keep {
                // SAFETY: deleting a texture this renderer made; no draw is pending.
                #[allow(unsafe_code, reason = "GL calls are FFI")]
                unsafe {
                    gl.delete_texture(kept.texture);
                }
                bindings.deleted(kept.texture);
            }
            keep
        });
    }

    /// The texture of image `handle` (uploaded now if the host's serial changed or it has
    /// none), or `None` when the host does not hold it or the device cannot hold it.
    fn image(&mut self, handle: u32, images: &dyn Images) -> Result<Option<ImageTexture>, Error> {
        let serial = images.serial(handle);
        if let Some(kept) = self.images.get(&handle)
            && kept.serial.is_some()
            && kept.serial == serial
        {
            return Ok(Some(*kept));
        }
        let Some(pixels) = images.image(handle) else { return Ok(None) };
        let (w, h) = (pixels.width, pixels.height);
        if w == 0 || h == 0 || pixels.data.len() != (w as usize) * (h as usize) * 4 {
            return Ok(None);
        }
        // Larger than the device's textures: uploaded reduced to fit (texture coordinates are
        // fractions of the image, so they hold for the smaller copy).
        let reduced = (w > self.max_texture || h > self.max_texture).then(|| reduce(pixels, self.max_texture));
        let (tw, th, data) = match &reduced {
            Some((tw, th, data)) => (*tw, *th, data.as_slice()),
            None => (w, h, pixels.data),
        };
        // Quads queued may sample the texture about to be replaced.
        if self.images.get(&handle).is_some_and(|old| self.units.contains(&old.texture)) {
            self.flush();
        }
        let started = Instant::now();
        let texture = match self.images.remove(&handle) {
            Some(old) => old.texture,
            None => texture(&self.gl, &mut self.bindings, 1, 1, gl::LINEAR)?,
        };
        self.bindings.select(&self.gl, 0, texture);
        // SAFETY: uploading `tw × th` RGBA pixels (checked above) into a texture this renderer made.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            let gl = &self.gl;
            gl.tex_image_2d(
                gl::TEXTURE_2D,
                0,
                gl::RGBA as i32,
                tw as i32,
                th as i32,
                0,
                gl::RGBA,
                gl::UNSIGNED_BYTE,
                gl::PixelUnpackData::Slice(Some(data)),
            );
        }
        self.gl_time += started.elapsed();
        self.stats.image_uploads += 1;
        self.stats.bytes_uploaded += data.len() as u64;
        let kept = ImageTexture { serial, texture, size: (w, h) };
        self.images.insert(handle, kept);
        Ok(Some(kept))
    }
}

/// The pixels `x0, y0, x1, y1` touches.
fn round_out(r: [f32; 4]) -> IntRect {
    Rect::new(r[0], r[1], r[2] - r[0], r[3] - r[1]).round_out()
}

/// A `width × height` RGBA texture, clamped, filtered by `filter` (made on unit 0).
/// Points the program's attributes into `vertex_buffer`, in the layout `batch::push` writes.
fn point_attributes(gl: &gl::Context, vertex_buffer: gl::Buffer) {
    // SAFETY: plain GL calls on the current context; the buffer is the renderer's.
    #[allow(unsafe_code, reason = "GL calls are FFI")]
    unsafe {
        gl.bind_buffer(gl::ARRAY_BUFFER, Some(vertex_buffer));
        let stride = (batch::FLOATS * 4) as i32;
        let mut offset = 0;
        for (location, (_, size)) in shader::ATTRIBUTES.iter().enumerate() {
            gl.enable_vertex_attrib_array(location as u32);
            gl.vertex_attrib_pointer_f32(location as u32, *size, gl::FLOAT, false, stride, offset);
            offset += size * 4;
        }
    }
}

fn texture(
    gl: &gl::Context,
    bindings: &mut Bindings,
    width: u32,
    height: u32,
    filter: u32,
) -> Result<gl::Texture, Error> {
    // SAFETY: plain GL calls on the current context with the texture created here.
    #[allow(unsafe_code, reason = "GL calls are FFI")]
    unsafe {
        let texture = gl.create_texture()?;
        bindings.select(gl, 0, texture);
        gl.tex_image_2d(
            gl::TEXTURE_2D,
            0,
            gl::RGBA as i32,
            width as i32,
            height as i32,
            0,
            gl::RGBA,
            gl::UNSIGNED_BYTE,
            gl::PixelUnpackData::Slice(None),
        );
        for (key, value) in [
            (gl::TEXTURE_MIN_FILTER, filter),
            (gl::TEXTURE_MAG_FILTER, filter),
            (gl::TEXTURE_WRAP_S, gl::CLAMP_TO_EDGE),
            (gl::TEXTURE_WRAP_T, gl::CLAMP_TO_EDGE),
        ] {
            gl.tex_parameter_i32(gl::TEXTURE_2D, key, value as i32);
        }
        Ok(texture)
    }
}

/// `image` reduced by the smallest whole factor that brings both sides within `max`, each pixel
/// the mean of the block it stands for (premultiplied, so edges do not darken).
fn reduce(image: marquee_display_list::images::Pixels<'_>, max: u32) -> (u32, u32, Vec<u8>) {
    let factor = image.width.max(image.height).div_ceil(max);
    let (w, h) = (image.width.div_ceil(factor), image.height.div_ceil(factor));
    let mut out = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let (mut sum, mut n) = ([0u32; 4], 0u32);
            for sy in y * factor..((y + 1) * factor).min(image.height) {
                for sx in x * factor..((x + 1) * factor).min(image.width) {
                    let at = ((sy * image.width + sx) * 4) as usize;
                    for (c, v) in sum.iter_mut().zip(&image.data[at..at + 4]) {
                        *c += u32::from(*v);
                    }
                    n += 1;
                }
            }
            out.extend(sum.map(|c| ((c + n / 2) / n.max(1)) as u8));
        }
    }
    (w, h, out)
}
