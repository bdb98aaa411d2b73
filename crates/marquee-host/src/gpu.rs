//! The GPU backend on the engine thread (`--renderer gpu|auto`): `marquee-gl` drawing each frame's
//! damage into an offscreen target. Headless, in an EGL context of its own, that area is read
//! back into the canvas, so presenters, screenshots and reports see the same pixels whichever
//! backend drew them. Given the front end's X11 window ([`GpuWindow`]), the context draws into
//! the window: each frame is copied to its back buffer with one quad and swapped, never read
//! back, and the canvas is brought up to date only for the report at the end.
//!
//! A frame the GPU fails (a GL error, a lost context, a panic in the driver's path) is drawn
//! again with a new context, its resources recreated (layers recorded anew, images uploaded
//! again) — once a run; a second failure, or a context that cannot be made, leaves the GPU for
//! the CPU, which draws that frame and the rest. The log says which, and why.

use marquee_display_list::images::Images;
use marquee_display_list::layers::LayerTree;
use marquee_display_list::text::Glyphs;
use marquee_display_list::{Color, IntRect};
use marquee_raster::Canvas;

/// Which backend draws frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RendererChoice {
    /// tiny-skia on the CPU.
    #[default]
    Cpu,
    /// OpenGL ES 2.0; the run fails to start if no context can be made.
    Gpu,
    /// The GPU when a context can be made, else the CPU.
    Auto,
}

/// The front end's X11 window, for the GPU backend to present frames in directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GpuWindow {
    /// The Xlib connection (`Display*`), initialised for threads.
    pub xlib_display: usize,
    /// The window's XID.
    pub window: u64,
}

/// Where frames go.
enum Output {
    /// Read back into the canvas.
    Canvas(marquee_gl::Headless),
    /// Presented in a window (its default framebuffer as the target).
    Window(marquee_gl::Window, marquee_gl::Target),
}

impl Output {
    fn check(&self) -> Result<(), String> {
        match self {
            Output::Canvas(c) => c.check(),
            Output::Window(w, _) => w.check(),
        }
        .map_err(|e| e.to_string())
    }
}

/// A context, the renderer and the frame's target.
pub(crate) struct Gpu {
    // Dropped before the context: the GL objects belong to it.
    renderer: marquee_gl::Renderer,
    target: marquee_gl::Target,
    output: Output,
    /// The driver, as it names itself, and where frames go.
    pub(crate) description: String,
    /// Nothing drawn yet: the target holds no frame, the first draw covers it all.
    fresh: bool,
    /// Frames went to the window since the canvas last had them.
    canvas_behind: bool,
    /// The last area read back (its allocation kept from frame to frame).
    pixels: Vec<u8>,
    /// The renderer holds the debug overlay's textures.
    overlay_textures: bool,
}

impl Gpu {
    /// A GPU backend drawing `size` frames, its textures held to `max_texture` pixels a side if
    /// given (a device class's limit), or why there is none.
    pub(crate) fn new(size: (u32, u32), max_texture: Option<u32>, window: Option<GpuWindow>) -> Result<Gpu, String> {
        let (output, gl) = match window {
            Some(w) => {
                // SAFETY: the front end that gave the handles keeps its X connection and its
                // window open until the host's threads have ended (it joins them first), and
                // opened the connection for threads (winit calls XInitThreads).
                #[allow(unsafe_code, reason = "the EGL window surface takes the front end's X11 handles")]
                let made = unsafe { marquee_gl::Window::x11(w.xlib_display as *mut std::ffi::c_void, w.window) };
                let (window, gl) = made.map_err(|e| e.to_string())?;
                (Output::Window(window, marquee_gl::Target::window(size.0, size.1)), gl)
            }
            None => {
                let (context, gl) = marquee_gl::Headless::new().map_err(|e| e.to_string())?;
                (Output::Canvas(context), gl)
            }
        };
        let mut renderer = marquee_gl::Renderer::new(gl).map_err(|e| e.to_string())?;
        if let Some(side) = max_texture {
            renderer.limit_texture_size(side);
        }
        let target = renderer.offscreen(size.0, size.1).map_err(|e| e.to_string())?;
        let mut description = renderer.describe();
        if let Output::Window(..) = output {
            description += ", presenting in the X11 window (EGL)";
        }
        Ok(Gpu {
            renderer,
            target,
            output,
            description,
            fresh: true,
            canvas_behind: false,
            pixels: Vec::new(),
            overlay_textures: false,
        })
    }

    /// Draws the whole target at the next frame (what the canvas shows was drawn over by the
    /// host: a problem panel that went).
    pub(crate) fn redraw_all(&mut self) {
        self.fresh = true;
    }

    /// Whether frames go to a window rather than the canvas.
    pub(crate) fn presents(&self) -> bool {
        matches!(self.output, Output::Window(..))
    }

    /// Brings the canvas up to date with the last frame, if frames went to the window.
    pub(crate) fn sync_canvas(&mut self, canvas: &mut Canvas) -> Result<(), String> {
        if std::mem::take(&mut self.canvas_behind) {
            let pixels = self.renderer.read_checked(&self.target).map_err(|e| e.to_string())?;
            canvas.load_pixels(&pixels).map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Draws the tree where `damage` is (all of it, the first time) and the debug overlay's
    /// panels over it, then reads that area back into `canvas`, or presents the frame in the
    /// window with `problem` over it (the host's problem panel, which the canvas path draws
    /// into the canvas instead).
    pub(crate) fn draw(
        &mut self,
        tree: &LayerTree,
        damage: &[IntRect],
        background: Color,
        (images, glyphs): (&dyn Images, &mut dyn Glyphs),
        canvas: &mut Canvas,
        (overlay, problem): (
            Option<(&mut marquee_overlay::Overlay, &marquee_overlay::Drawing)>,
            Option<marquee_gl::Overlay<'_>>,
        ),
    ) -> Result<marquee_gl::Stats, String> {
        // A lost context draws nothing and reports no GL error: asked before and after.
        self.output.check()?;
        let area = match std::mem::take(&mut self.fresh) {
            true => canvas.bounds(),
            false => marquee_display_list::damage::area(damage, canvas.bounds()),
        };
        let drawn = self.renderer.draw_area(tree, &self.target, area, background, images, glyphs);
        let mut stats = drawn.map_err(|e| {
            // What the target holds is no longer a frame.
            self.fresh = true;
            e.to_string()
        })?;
        if let Some(overlay) = overlay {
            let fresh = !std::mem::replace(&mut self.overlay_textures, true);
            let drawn = marquee_overlay::gpu::draw(&mut self.renderer, &self.target, overlay, fresh);
            stats.draw_calls += drawn.inspect_err(|_| self.fresh = true)?;
        }
        match &self.output {
            Output::Canvas(_) => {
                let pixels = &mut self.pixels;
                self.renderer.read_area_checked(&self.target, area, pixels).map_err(|e| e.to_string())?;
                self.output.check()?;
                canvas.load_pixels_in(area, pixels).map_err(|e| e.to_string())?;
            }
            Output::Window(window, target) => {
                self.renderer.present_over(&self.target, target, problem).map_err(|e| e.to_string())?;
                window.swap().map_err(|e| e.to_string())?;
                self.output.check()?;
                self.canvas_behind = true;
            }
        }
        Ok(stats)
    }

    /// Makes the next frame fail with a real GL error (tests of the recovery).
    pub(crate) fn inject_gl_error(&self) {
        self.renderer.inject_gl_error();
    }

    /// Destroys the context under the renderer, as a driver reset does (tests of the recovery;
    /// headless only).
    pub(crate) fn lose_context(&mut self) {
        if let Output::Canvas(context) = &mut self.output {
            context.lose();
        }
    }
}
