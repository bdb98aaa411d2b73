//! Drawing a layer tree with GL: the tree flattened to one list, walked once, boxes and borders
//! batched into as few draw calls as the list's opacity groups allow.
//!
//! Transforms (scale and translate) are applied to the vertices here; clips travel in the
//! vertices (`batch::Clip`); an opacity group is drawn into a texture of the target's size
//! (kept in a pool across frames) and composited with one textured quad. An image is a texture
//! uploaded once per handle and serial (and deleted when the host no longer holds that image);
//! glyphs come from the glyph atlas (`atlas.rs`), on a texture unit of its own so text does not
//! end a batch.

use std::collections::HashMap;

use glow::HasContext;
use marquee_display_list::images::Images;
use marquee_display_list::layers::LayerTree;
use marquee_display_list::text::{GlyphFormat, GlyphMask, Glyphs, Placement};
use marquee_display_list::{Color, Op, Radii, Rect, Transform};

use crate::atlas::{self, Atlas, Placed};
use crate::batch::{self, Clip, Quad};
use crate::shader::{self, Program};

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

/// Geometry past this (pixels, before and after the transform) is far off any screen: the
/// operation is skipped, as the CPU raster skips it.
const MAX_COORD: f32 = 1e6;

/// What one frame cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Draw calls issued.
    pub draw_calls: u32,
    /// Quads drawn.
    pub quads: u32,
    /// Opacity groups drawn through a texture.
    pub groups: u32,
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
    /// Bytes uploaded.
    pub bytes_uploaded: u64,
    /// Times the glyph atlas filled up and started over.
    pub atlas_resets: u32,
}

/// An image's texture, good while the host's serial for it is the same.
#[derive(Clone, Copy)]
struct ImageTexture {
    serial: Option<u64>,
    texture: glow::Texture,
    size: (u32, u32),
}

/// Something to draw into: a texture with a framebuffer, or the default framebuffer (a window).
pub struct Target {
    framebuffer: Option<glow::Framebuffer>,
    texture: Option<glow::Texture>,
    width: u32,
    height: u32,
}

impl Target {
    /// The target's size in pixels.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }
}

/// The GL backend: the program, the buffers and the textures it keeps between frames.
pub struct Renderer {
    gl: glow::Context,
    program: Program,
    vertex_buffer: glow::Buffer,
    index_buffer: glow::Buffer,
    vertices: Vec<f32>,
    /// The texture the pending quads sample, if any.
    texture: Option<glow::Texture>,
    /// Group textures not in use, by size.
    pool: Vec<Target>,
    max_texture: u32,
    ops: Vec<Op>,
    stats: Stats,
    atlas: Atlas,
    atlas_texture: glow::Texture,
    images: HashMap<u32, ImageTexture>,
}

/// An open opacity group.
enum Group {
    /// Drawn into its own texture, composited at this opacity when it closes.
    Texture(Target, f32),
    /// Past [`MAX_GROUPS`]: its opacity multiplies what is drawn inside.
    Flat(f32),
}

/// The state of the walk: transforms, clips and groups as the list pushed them.
struct Walk {
    transforms: Vec<Transform>,
    clips: Vec<Clip>,
    groups: Vec<Group>,
}

impl Walk {
    /// The innermost group drawn into a texture, or the frame's target.
    fn drawing_into<'a>(&'a self, target: &'a Target) -> &'a Target {
        self.groups
            .iter()
            .rev()
            .find_map(|g| match g {
                Group::Texture(t, _) => Some(t),
                Group::Flat(_) => None,
            })
            .unwrap_or(target)
    }

    /// The product of the flattened groups' opacities.
    fn flat(&self) -> f32 {
        self.groups.iter().map(|g| if let Group::Flat(o) = g { *o } else { 1.0 }).product()
    }
}

impl Renderer {
    /// A renderer on `gl` (its context current on this thread): compiles the program and makes
    /// the buffers.
    pub fn new(gl: glow::Context) -> Result<Renderer, Error> {
        let program = Program::new(&gl)?;
        // SAFETY: plain GL calls on the current context.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        let (vertex_buffer, index_buffer, max_texture) = unsafe {
            let vertex_buffer = gl.create_buffer()?;
            let index_buffer = gl.create_buffer()?;
            gl.bind_buffer(glow::ELEMENT_ARRAY_BUFFER, Some(index_buffer));
            let indices = batch::indices();
            gl.buffer_data_u8_slice(glow::ELEMENT_ARRAY_BUFFER, bytemuck::cast_slice(&indices), glow::STATIC_DRAW);
            gl.bind_buffer(glow::ARRAY_BUFFER, Some(vertex_buffer));
            let stride = (batch::FLOATS * 4) as i32;
            let mut offset = 0;
            for (location, (_, size)) in shader::ATTRIBUTES.iter().enumerate() {
                gl.enable_vertex_attrib_array(location as u32);
                gl.vertex_attrib_pointer_f32(location as u32, *size, glow::FLOAT, false, stride, offset);
                offset += size * 4;
            }
            gl.enable(glow::BLEND);
            // Premultiplied colours: source over.
            gl.blend_func(glow::ONE, glow::ONE_MINUS_SRC_ALPHA);
            gl.disable(glow::DEPTH_TEST);
            (vertex_buffer, index_buffer, gl.get_parameter_i32(glow::MAX_TEXTURE_SIZE).max(64) as u32)
        };
        let side = atlas::SIDE.min(max_texture);
        let atlas_texture = texture(&gl, side, side, glow::NEAREST)?;
        // SAFETY: binding the atlas, made above, to the unit the shader reads it from.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            gl.active_texture(glow::TEXTURE1);
            gl.bind_texture(glow::TEXTURE_2D, Some(atlas_texture));
            gl.active_texture(glow::TEXTURE0);
        }
        Ok(Renderer {
            atlas: Atlas::new(side),
            atlas_texture,
            images: HashMap::new(),
            gl,
            program,
            vertex_buffer,
            index_buffer,
            vertices: Vec::new(),
            texture: None,
            pool: Vec::new(),
            max_texture,
            ops: Vec::new(),
            stats: Stats::default(),
        })
    }

    /// The largest texture side the device takes.
    pub fn max_texture_size(&self) -> u32 {
        self.max_texture
    }

    /// Holds textures to `side` pixels a side (when the device allows more), as a device of
    /// that class would: targets past it are refused and images reduced to fit.
    pub fn limit_texture_size(&mut self, side: u32) {
        self.max_texture = self.max_texture.min(side.max(64));
    }

    /// The GL implementation, as its driver names it (`llvmpipe …, OpenGL ES 3.2 Mesa …`).
    pub fn describe(&self) -> String {
        // SAFETY: reading two strings of the current context.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            let renderer = self.gl.get_parameter_string(glow::RENDERER);
            let version = self.gl.get_parameter_string(glow::VERSION);
            format!("{renderer}, {version}")
        }
    }

    /// Makes the next frame fail with a real GL error (an invalid enum), for tests of what a
    /// host does when the driver fails mid-session.
    #[doc(hidden)]
    pub fn inject_gl_error(&self) {
        // SAFETY: an invalid enum is refused by GL with GL_INVALID_ENUM and changes nothing.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            self.gl.enable(0xDEAD);
        }
    }

    /// The first GL error since the last check, if any: drawing with errors pending, or a lost
    /// context (`GL_CONTEXT_LOST`), is a failed frame the host recovers from.
    fn check(&self, doing: &str) -> Result<(), Error> {
        // SAFETY: glGetError on the current context.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        let error = unsafe { self.gl.get_error() };
        match error {
            glow::NO_ERROR => Ok(()),
            CONTEXT_LOST => Err(Error(format!("the GL context was lost while {doing}"))),
            e => Err(Error(format!("GL error {e:#06x} while {doing}"))),
        }
    }

    /// An offscreen target of `width × height` pixels (what headless runs draw into).
    pub fn offscreen(&mut self, width: u32, height: u32) -> Result<Target, Error> {
        if width == 0 || height == 0 || width > self.max_texture || height > self.max_texture {
            return Err(Error(format!(
                "a {width}×{height} target: each side must be 1 to {} pixels here",
                self.max_texture
            )));
        }
        let texture = texture(&self.gl, width, height, glow::NEAREST)?;
        let gl = &self.gl;
        // SAFETY: plain GL calls on the current context with objects created here.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            let framebuffer = gl.create_framebuffer()?;
            gl.bind_framebuffer(glow::FRAMEBUFFER, Some(framebuffer));
            gl.framebuffer_texture_2d(glow::FRAMEBUFFER, glow::COLOR_ATTACHMENT0, glow::TEXTURE_2D, Some(texture), 0);
            let status = gl.check_framebuffer_status(glow::FRAMEBUFFER);
            if status != glow::FRAMEBUFFER_COMPLETE {
                gl.delete_framebuffer(framebuffer);
                gl.delete_texture(texture);
                return Err(Error(format!("a {width}×{height} framebuffer is incomplete (status {status:#x})")));
            }
            Ok(Target { framebuffer: Some(framebuffer), texture: Some(texture), width, height })
        }
    }

    /// Frees a target's texture and framebuffer.
    pub fn release(&mut self, target: Target) {
        // SAFETY: deleting objects this renderer made.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            if let Some(f) = target.framebuffer {
                self.gl.delete_framebuffer(f);
            }
            if let Some(t) = target.texture {
                self.gl.delete_texture(t);
            }
        }
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
        let mut ops = std::mem::take(&mut self.ops);
        tree.flatten(&mut ops);
        let mut walk = Walk { transforms: vec![Transform::IDENTITY], clips: vec![Clip::NONE], groups: Vec::new() };
        self.stats = Stats::default();
        // An error left by earlier calls (or a lost context) fails this frame before it starts.
        self.check("starting a frame")?;
        // SAFETY: binding the atlas, this renderer's, to the unit the shader reads it from.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            self.gl.active_texture(glow::TEXTURE1);
            self.gl.bind_texture(glow::TEXTURE_2D, Some(self.atlas_texture));
            self.gl.active_texture(glow::TEXTURE0);
        }
        self.bind(target, Some(background));
        let mut result = Ok(());
        for op in &ops {
            result = self.op(op, target, &mut walk, (images, &mut *glyphs));
            if result.is_err() {
                break;
            }
        }
        // A list the tree accepted is balanced; close anything left open all the same, and
        // give the group textures back to the pool.
        while !walk.groups.is_empty() {
            self.pop_group(target, &mut walk);
        }
        self.flush(target);
        self.ops = ops;
        // Textures of images the host no longer holds (or holds anew) go.
        let gl = &self.gl;
        self.images.retain(|&handle, kept| {
            let keep = kept.serial.is_some() && images.serial(handle) == kept.serial;
            if !keep {
                // SAFETY: deleting a texture this renderer made; no draw is pending.
                #[allow(unsafe_code, reason = "GL calls are FFI")]
                unsafe {
                    gl.delete_texture(kept.texture);
                }
            }
            keep
        });
        result?;
        self.check("drawing the frame")?;
        Ok(self.stats)
    }

    /// The target's pixels, premultiplied RGBA, top row first; the GL error if reading failed.
    pub fn read_checked(&self, target: &Target) -> Result<Vec<u8>, Error> {
        let pixels = self.read(target);
        self.check("reading the frame back")?;
        Ok(pixels)
    }

    /// The target's pixels, premultiplied RGBA, top row first.
    pub fn read(&self, target: &Target) -> Vec<u8> {
        let (w, h) = (target.width as usize, target.height as usize);
        let mut pixels = vec![0u8; w * h * 4];
        // SAFETY: reading the bound framebuffer into a buffer of its size.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            self.gl.bind_framebuffer(glow::FRAMEBUFFER, target.framebuffer);
            self.gl.pixel_store_i32(glow::PACK_ALIGNMENT, 1);
            self.gl.read_pixels(
                0,
                0,
                w as i32,
                h as i32,
                glow::RGBA,
                glow::UNSIGNED_BYTE,
                glow::PixelPackData::Slice(Some(&mut pixels)),
            );
        }
        if target.framebuffer.is_none() {
            // A window's row 0 is its bottom.
            let row = w * 4;
            let flipped: Vec<u8> = pixels.chunks_exact(row).rev().flatten().copied().collect();
            return flipped;
        }
        pixels
    }

    fn op(
        &mut self,
        op: &Op,
        target: &Target,
        walk: &mut Walk,
        (images, glyphs): (&dyn Images, &mut dyn Glyphs),
    ) -> Result<(), Error> {
        let t = *walk.transforms.last().unwrap_or(&Transform::IDENTITY);
        let clip = *walk.clips.last().unwrap_or(&Clip::NONE);
        match *op {
            Op::FillRect { rect, radii, color } | Op::Border { rect, radii, color, .. } => {
                if !drawable(&rect, &radii.0, &t) {
                    self.stats.skipped += 1;
                    return Ok(());
                }
                let (border, mode) = match *op {
                    Op::Border { width, .. } if width > 0.0 && width.is_finite() && width < MAX_COORD => {
                        (width * t.sx.min(t.sy), shader::mode::BORDER)
                    }
                    Op::Border { .. } => return Ok(()),
                    _ => (0.0, shader::mode::FILL),
                };
                let device = t.map_rect(&rect);
                let quad = Quad {
                    rect: device,
                    radii: device_radii(&rect, radii, &t, &device),
                    border,
                    mode,
                    color: batch::premultiplied(color, walk.flat()),
                    uv: [0.0; 4],
                };
                self.quad(&quad, &clip, None, walk.drawing_into(target));
            }
            Op::Image { handle, src, dst, opacity } => {
                if !drawable(&dst, &[src.x, src.y, src.w, src.h], &t) || src.w <= 0.0 || src.h <= 0.0 {
                    self.stats.skipped += 1;
                    return Ok(());
                }
                let into = walk.drawing_into(target);
                let Some(ImageTexture { texture, size: (w, h), .. }) = self.image(handle, images, into)? else {
                    self.stats.skipped += 1;
                    return Ok(());
                };
                let (w, h) = (w as f32, h as f32);
                let quad = Quad {
                    rect: t.map_rect(&dst),
                    radii: [0.0; 4],
                    border: 0.0,
                    mode: shader::mode::TEXTURE,
                    color: [0.0, 0.0, 0.0, opacity.clamp(0.0, 1.0) * walk.flat()],
                    uv: [src.x / w, src.y / h, src.right() / w, src.bottom() / h],
                };
                self.quad(&quad, &clip, Some(texture), into);
            }
            Op::Text { run, rect, overhang, color } => {
                if !drawable(&rect, &[overhang], &t) {
                    self.stats.skipped += 1;
                    return Ok(());
                }
                // Glyphs are rasterized at the horizontal scale, placed in device pixels, and
                // cut to the box and its overhang as on the CPU.
                let o = overhang.max(0.0);
                let keep = t.map_rect(&Rect::new(rect.x - o, rect.y - o, rect.w + 2.0 * o, rect.h + 2.0 * o));
                let (x0, y0) = (keep.x.floor(), keep.y.floor());
                let keep = Rect::new(x0, y0, keep.right().ceil() - x0, keep.bottom().ceil() - y0);
                let (text_clip, _) = clip.push(keep, [0.0; 4]);
                let into = walk.drawing_into(target);
                let color = batch::premultiplied(color, walk.flat());
                let at =
                    Placement { run, width: rect.w, origin: [t.sx * rect.x + t.tx, t.sy * rect.y + t.ty], scale: t.sx };
                let known = glyphs.glyphs(at, &mut |glyph| self.glyph(&glyph, color, &text_clip, into));
                if !known {
                    self.stats.skipped += 1;
                }
            }
            Op::PushClip { rect, radii } => {
                let next = if drawable(&rect, &radii.0, &t) {
                    let device = t.map_rect(&rect);
                    let (next, approximated) = clip.push(device, device_radii(&rect, radii, &t, &device));
                    self.stats.approximated_clips += u32::from(approximated);
                    next
                } else {
                    // A clip out of range hides what it clips, as on the CPU.
                    Clip { square: [0.0; 4], rounded: None }
                };
                walk.clips.push(next);
            }
            Op::PopClip => {
                if walk.clips.len() > 1 {
                    walk.clips.pop();
                }
            }
            Op::PushTransform { transform } => walk.transforms.push(transform.then(&t)),
            Op::PopTransform => {
                if walk.transforms.len() > 1 {
                    walk.transforms.pop();
                }
            }
            Op::PushOpacity { opacity } => self.push_group(opacity.clamp(0.0, 1.0), target, walk)?,
            Op::PopOpacity => self.pop_group(target, walk),
            Op::DrawLayer { .. } => {}
        }
        Ok(())
    }

    fn push_group(&mut self, opacity: f32, target: &Target, walk: &mut Walk) -> Result<(), Error> {
        if walk.groups.iter().filter(|g| matches!(g, Group::Texture(..))).count() >= MAX_GROUPS {
            self.stats.skipped += 1;
            walk.groups.push(Group::Flat(opacity));
            return Ok(());
        }
        self.flush(walk.drawing_into(target));
        let (w, h) = target.size();
        let group = match self.pool.iter().position(|g| g.size() == (w, h)) {
            Some(i) => self.pool.swap_remove(i),
            None => self.offscreen(w, h)?,
        };
        self.bind(&group, Some(Color(0)));
        walk.groups.push(Group::Texture(group, opacity));
        self.stats.groups += 1;
        Ok(())
    }

    /// Closes the innermost group: composites its texture into what encloses it.
    fn pop_group(&mut self, target: &Target, walk: &mut Walk) {
        let Some(Group::Texture(group, opacity)) = walk.groups.pop() else { return };
        self.flush(&group);
        let into = walk.drawing_into(target);
        self.bind(into, None);
        let (w, h) = group.size();
        let quad = Quad {
            rect: Rect::new(0.0, 0.0, w as f32, h as f32),
            radii: [0.0; 4],
            border: 0.0,
            mode: shader::mode::TEXTURE,
            color: [0.0, 0.0, 0.0, opacity * walk.flat()],
            // Row 0 of a texture target is the top: v runs with y.
            uv: [0.0, 0.0, 1.0, 1.0],
        };
        self.quad(&quad, &Clip::NONE, group.texture, into);
        self.flush(into);
        self.pool.push(group);
    }

    /// The texture of image `handle` (uploaded now if the host's serial changed or it has
    /// none), or `None` when the host does not hold it or the device cannot hold it.
    fn image(&mut self, handle: u32, images: &dyn Images, target: &Target) -> Result<Option<ImageTexture>, Error> {
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
        self.flush(target);
        let texture = match self.images.remove(&handle) {
            Some(old) => old.texture,
            None => texture(&self.gl, 1, 1, glow::LINEAR)?,
        };
        // SAFETY: uploading `tw × th` RGBA pixels (checked above) into a texture this renderer made.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            let gl = &self.gl;
            gl.active_texture(glow::TEXTURE0);
            gl.bind_texture(glow::TEXTURE_2D, Some(texture));
            gl.pixel_store_i32(glow::UNPACK_ALIGNMENT, 1);
            gl.tex_image_2d(
                glow::TEXTURE_2D,
                0,
                glow::RGBA as i32,
                tw as i32,
                th as i32,
                0,
                glow::RGBA,
                glow::UNSIGNED_BYTE,
                glow::PixelUnpackData::Slice(Some(data)),
            );
        }
        self.stats.image_uploads += 1;
        self.stats.bytes_uploaded += data.len() as u64;
        let kept = ImageTexture { serial, texture, size: (w, h) };
        self.images.insert(handle, kept);
        Ok(Some(kept))
    }

    /// Queues one glyph from the atlas, placing it there first if it is new.
    fn glyph(&mut self, glyph: &GlyphMask<'_>, color: [f32; 4], clip: &Clip, target: &Target) {
        if glyph.width == 0 || glyph.height == 0 {
            // A space: nothing to draw.
            return;
        }
        let mut placed = self.atlas.place(glyph);
        if let Placed::Full = placed {
            // Everything queued is drawn before the atlas is reused.
            self.flush(target);
            self.atlas.clear();
            self.stats.atlas_resets += 1;
            placed = self.atlas.place(glyph);
        }
        let slot = match placed {
            Placed::Found(slot) => slot,
            Placed::New(slot, pixels) => {
                // SAFETY: `pixels` is the glyph's `width × height` RGBA, inside the atlas.
                #[allow(unsafe_code, reason = "GL calls are FFI")]
                unsafe {
                    let gl = &self.gl;
                    gl.active_texture(glow::TEXTURE1);
                    gl.pixel_store_i32(glow::UNPACK_ALIGNMENT, 1);
                    gl.tex_sub_image_2d(
                        glow::TEXTURE_2D,
                        0,
                        slot.x as i32,
                        slot.y as i32,
                        glyph.width as i32,
                        glyph.height as i32,
                        glow::RGBA,
                        glow::UNSIGNED_BYTE,
                        glow::PixelUnpackData::Slice(Some(&pixels)),
                    );
                    gl.active_texture(glow::TEXTURE0);
                }
                self.stats.glyph_uploads += 1;
                self.stats.bytes_uploaded += pixels.len() as u64;
                slot
            }
            Placed::Full | Placed::Unfit => {
                self.stats.skipped += 1;
                return;
            }
        };
        let side = self.atlas.side() as f32;
        let (x, y, w, h) = (glyph.x as f32, glyph.y as f32, glyph.width as f32, glyph.height as f32);
        let (u, v) = (slot.x as f32 / side, slot.y as f32 / side);
        let quad = Quad {
            rect: Rect::new(x, y, w, h),
            radii: [0.0; 4],
            border: 0.0,
            mode: if glyph.format == GlyphFormat::Rgba { shader::mode::COLOR_GLYPH } else { shader::mode::GLYPH },
            color,
            uv: [u, v, u + w / side, v + h / side],
        };
        self.quad(&quad, clip, None, target);
    }

    /// Queues a quad, flushing first when it samples another texture or the batch is full.
    fn quad(&mut self, quad: &Quad, clip: &Clip, texture: Option<glow::Texture>, target: &Target) {
        let full = self.vertices.len() / (4 * batch::FLOATS) >= batch::MAX_QUADS;
        if full || (texture.is_some() && self.texture.is_some() && texture != self.texture) {
            self.flush(target);
        }
        if texture.is_some() {
            self.texture = texture;
        }
        if batch::push(&mut self.vertices, quad, clip) {
            self.stats.quads += 1;
        }
    }

    /// Binds `target` for drawing, clearing it to `clear` if given.
    fn bind(&mut self, target: &Target, clear: Option<Color>) {
        let gl = &self.gl;
        // SAFETY: plain GL calls on the current context.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            gl.bind_framebuffer(glow::FRAMEBUFFER, target.framebuffer);
            gl.viewport(0, 0, target.width as i32, target.height as i32);
            gl.use_program(Some(self.program.program));
            let flip = if target.framebuffer.is_some() { 1.0 } else { -1.0 };
            gl.uniform_3_f32(self.program.target.as_ref(), target.width as f32, target.height as f32, flip);
            if let Some(c) = clear {
                let [r, g, b, a] = batch::premultiplied(c, 1.0);
                gl.clear_color(r, g, b, a);
                gl.clear(glow::COLOR_BUFFER_BIT);
            }
        }
    }

    /// Draws the pending quads into `target`.
    fn flush(&mut self, target: &Target) {
        let quads = self.vertices.len() / (4 * batch::FLOATS);
        if quads == 0 {
            return;
        }
        let gl = &self.gl;
        // SAFETY: the buffers and program are this renderer's; the vertex data is exactly
        // `quads` quads and the index buffer holds MAX_QUADS quads' indices.
        #[allow(unsafe_code, reason = "GL calls are FFI")]
        unsafe {
            gl.bind_framebuffer(glow::FRAMEBUFFER, target.framebuffer);
            gl.bind_buffer(glow::ARRAY_BUFFER, Some(self.vertex_buffer));
            gl.bind_buffer(glow::ELEMENT_ARRAY_BUFFER, Some(self.index_buffer));
            gl.buffer_data_u8_slice(glow::ARRAY_BUFFER, bytemuck::cast_slice(&self.vertices), glow::STREAM_DRAW);
            gl.active_texture(glow::TEXTURE0);
            gl.bind_texture(glow::TEXTURE_2D, self.texture);
            gl.draw_elements(glow::TRIANGLES, (quads * 6) as i32, glow::UNSIGNED_SHORT, 0);
        }
        self.stats.draw_calls += 1;
        self.vertices.clear();
        self.texture = None;
    }
}

/// Whether geometry is within what the backend draws (finite, and within [`MAX_COORD`] before
/// and after the transform).
fn drawable(rect: &Rect, extra: &[f32], t: &Transform) -> bool {
    let d = t.map_rect(rect);
    [rect.x, rect.y, rect.w, rect.h, d.x, d.y, d.w, d.h]
        .iter()
        .chain(extra)
        .all(|v| v.is_finite() && v.abs() <= MAX_COORD)
}

/// A box's radii in device pixels (scaled by the smaller of the transform's scales, so a corner
/// stays round), fitted to the device box.
fn device_radii(rect: &Rect, radii: Radii, t: &Transform, device: &Rect) -> [f32; 4] {
    let scale = t.sx.min(t.sy);
    Radii(radii.fitted(rect).map(|r| r * scale)).fitted(device)
}

/// A `width × height` RGBA texture, clamped, filtered by `filter`.
fn texture(gl: &glow::Context, width: u32, height: u32, filter: u32) -> Result<glow::Texture, Error> {
    // SAFETY: plain GL calls on the current context with the texture created here.
    #[allow(unsafe_code, reason = "GL calls are FFI")]
    unsafe {
        let texture = gl.create_texture()?;
        gl.active_texture(glow::TEXTURE0);
        gl.bind_texture(glow::TEXTURE_2D, Some(texture));
        gl.tex_image_2d(
            glow::TEXTURE_2D,
            0,
            glow::RGBA as i32,
            width as i32,
            height as i32,
            0,
            glow::RGBA,
            glow::UNSIGNED_BYTE,
            glow::PixelUnpackData::Slice(None),
        );
        for (key, value) in [
            (glow::TEXTURE_MIN_FILTER, filter),
            (glow::TEXTURE_MAG_FILTER, filter),
            (glow::TEXTURE_WRAP_S, glow::CLAMP_TO_EDGE),
            (glow::TEXTURE_WRAP_T, glow::CLAMP_TO_EDGE),
        ] {
            gl.tex_parameter_i32(glow::TEXTURE_2D, key, value as i32);
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
