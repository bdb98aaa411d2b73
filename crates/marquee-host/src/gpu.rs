//! The GPU backend on the engine thread (`--renderer gpu|auto`): `marquee-gl` drawing each frame's
//! damage into an offscreen target in a headless EGL context, that area read back into the
//! canvas, so presenters, screenshots and reports see the same pixels whichever backend drew
//! them.
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

/// A context, the renderer and the frame's target.
pub(crate) struct Gpu {
    // Dropped last: the GL objects belong to this context.
    renderer: marquee_gl::Renderer,
    target: marquee_gl::Target,
    context: marquee_gl::Headless,
    /// The driver, as it names itself.
    pub(crate) description: String,
    /// Nothing drawn yet: the target holds no frame, the first draw covers it all.
    fresh: bool,
}

impl Gpu {
    /// A GPU backend drawing `size` frames, its textures held to `max_texture` pixels a side if
    /// given (a device class's limit), or why there is none.
    pub(crate) fn new(size: (u32, u32), max_texture: Option<u32>) -> Result<Gpu, String> {
        let (context, gl) = marquee_gl::Headless::new().map_err(|e| e.to_string())?;
        let mut renderer = marquee_gl::Renderer::new(gl).map_err(|e| e.to_string())?;
        if let Some(side) = max_texture {
            renderer.limit_texture_size(side);
        }
        let target = renderer.offscreen(size.0, size.1).map_err(|e| e.to_string())?;
        let description = renderer.describe();
        Ok(Gpu { renderer, target, context, description, fresh: true })
    }

    /// Draws the tree where `damage` is (all of it, the first time) and reads that area back
    /// into `canvas`.
    pub(crate) fn draw(
        &mut self,
        tree: &LayerTree,
        damage: &[IntRect],
        background: Color,
        (images, glyphs): (&dyn Images, &mut dyn Glyphs),
        canvas: &mut Canvas,
    ) -> Result<marquee_gl::Stats, String> {
        // A lost context draws nothing and reports no GL error: asked before and after.
        self.context.check().map_err(|e| e.to_string())?;
        // The damage's bounds, grown by a pixel as the CPU compositor grows it (layers sit on
        // the pixel grid, content moves by under half a pixel).
        let area = match std::mem::take(&mut self.fresh) {
            true => canvas.bounds(),
            false => damage.iter().fold(IntRect::default(), |a, r| a.union(r)),
        };
        let grown = IntRect {
            x: area.x.saturating_sub(1),
            y: area.y.saturating_sub(1),
            w: area.w.saturating_add(2),
            h: area.h.saturating_add(2),
        };
        let area = grown.intersect(&canvas.bounds());
        let drawn = self.renderer.draw_area(tree, &self.target, area, background, images, glyphs);
        let stats = drawn.map_err(|e| {
            // What the target holds is no longer a frame.
            self.fresh = true;
            e.to_string()
        })?;
        let pixels = self.renderer.read_area_checked(&self.target, area).map_err(|e| e.to_string())?;
        self.context.check().map_err(|e| e.to_string())?;
        canvas.load_pixels_in(area, &pixels).map_err(|e| e.to_string())?;
        Ok(stats)
    }

    /// Makes the next frame fail with a real GL error (tests of the recovery).
    pub(crate) fn inject_gl_error(&self) {
        self.renderer.inject_gl_error();
    }

    /// Destroys the context under the renderer, as a driver reset does (tests of the recovery).
    pub(crate) fn lose_context(&mut self) {
        self.context.lose();
    }
}
