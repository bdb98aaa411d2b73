//! The GPU backend on the scenes' frames: the native runner's layer tree, as the software
//! compositor gets it, drawn by `marquee-gl` into a 1280×720 offscreen target in a headless
//! context (Mesa's llvmpipe on machines without a GPU) where each frame's damage is, as the host
//! draws it, with the scene's posters as synthetic images and glyphs from the runner's text
//! service.
//!
//! What is counted is what a GPU is asked to do, the same on every machine: draw calls, quads,
//! opacity groups through textures, layers recorded, texture uploads and their bytes. What is
//! timed is the backend's own CPU time per frame — walking the tree, recording and placing
//! quads — apart from the time inside GL calls ([`marquee_gl::Timing`]), and the whole frame
//! with the GPU's work waited for (`glFinish`): under llvmpipe that is a CPU pretending to be a
//! GPU, reported, never judged.

use marquee_display_list::layers::LayerTree;
use marquee_display_list::{Color, IntRect};
use marquee_gl::{Headless, Renderer, Target};
use marquee_test_support::images::Synthetic;
use marquee_text::SharedText;

use crate::Error;

/// The target's size.
pub const SIZE: (u32, u32) = (1280, 720);

/// What the GPU backend did with a scene's frames: counters summed over the frames it drew, and
/// each frame's times.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GpuDrawn {
    /// The GL implementation, as its driver names it.
    pub renderer: String,
    /// Frames drawn (those with damage, as a host draws).
    pub frames: u64,
    /// Draw calls.
    pub draw_calls: u64,
    /// The most draw calls one frame took.
    pub max_draw_calls: u64,
    /// Quads drawn.
    pub quads: u64,
    /// Opacity groups drawn through a texture.
    pub groups: u64,
    /// Layers recorded as quads (the rest were placed as kept).
    pub layers_recorded: u64,
    /// Images uploaded.
    pub image_uploads: u64,
    /// Glyphs uploaded to the atlas.
    pub glyph_uploads: u64,
    /// Bytes uploaded into textures.
    pub bytes_uploaded: u64,
    /// Frames that uploaded anything.
    pub upload_frames: u64,
    /// Each frame's backend CPU time, ms.
    pub backend_ms: Vec<f64>,
    /// Each frame's whole time with the GPU's work waited for, ms.
    pub frame_ms: Vec<f64>,
}

impl GpuDrawn {
    /// The machine-independent counters, named, in a fixed order.
    pub fn named(&self) -> [(&'static str, u64); 10] {
        [
            ("gpu-frames", self.frames),
            ("gpu-draw-calls", self.draw_calls),
            ("gpu-draw-calls-max", self.max_draw_calls),
            ("gpu-quads", self.quads),
            ("gpu-groups", self.groups),
            ("gpu-layers-recorded", self.layers_recorded),
            ("gpu-image-uploads", self.image_uploads),
            ("gpu-glyph-uploads", self.glyph_uploads),
            ("gpu-bytes-uploaded", self.bytes_uploaded),
            ("gpu-upload-frames", self.upload_frames),
        ]
    }
}

/// A headless context, the renderer, its target, and the scene's images.
pub struct GpuRun {
    // Dropped last: the GL objects belong to this context.
    renderer: Renderer,
    target: Target,
    _context: Headless,
    images: Synthetic,
    text: SharedText,
    /// Whether counted frames have started (after the first, which builds the scene).
    counting: bool,
    /// Nothing drawn yet: the first frame is drawn whole.
    fresh: bool,
    /// What was counted.
    pub drawn: GpuDrawn,
}

impl GpuRun {
    /// A renderer in a headless context, or why there is none.
    pub fn new(text: SharedText) -> Result<GpuRun, Error> {
        let (context, gl) = Headless::new().map_err(|e| Error(format!("a headless GL context: {e}")))?;
        let mut renderer = Renderer::new(gl).map_err(|e| Error(format!("the GL renderer: {e}")))?;
        let target = renderer.offscreen(SIZE.0, SIZE.1).map_err(|e| Error(e.to_string()))?;
        let drawn = GpuDrawn { renderer: renderer.describe(), ..GpuDrawn::default() };
        Ok(GpuRun {
            renderer,
            target,
            _context: context,
            images: Synthetic::default(),
            text,
            counting: false,
            fresh: true,
            drawn,
        })
    }

    /// The host decoded image `handle` (`width × height`).
    pub fn loaded(&mut self, handle: u32, width: u32, height: u32) {
        self.images.make(handle, width, height);
    }

    /// The host dropped image `handle`.
    pub fn released(&mut self, handle: u32) {
        self.images.remove(handle);
    }

    /// From the next frame on, frames are counted.
    pub fn count(&mut self) {
        self.counting = true;
    }

    /// Draws `tree` where `damage` is (its area, as the host draws it) and waits for the GPU to
    /// finish.
    pub fn draw(&mut self, tree: &LayerTree, damage: &[IntRect]) -> Result<(), Error> {
        let started = std::time::Instant::now();
        let mut glyphs = self.text.clone();
        let screen = IntRect { x: 0, y: 0, w: SIZE.0 as i32, h: SIZE.1 as i32 };
        let area = match std::mem::take(&mut self.fresh) {
            true => screen,
            false => marquee_display_list::damage::area(damage, screen),
        };
        let stats = self
            .renderer
            .draw_area(tree, &self.target, area, Color(0x000000ff), &self.images, &mut glyphs)
            .map_err(|e| Error(format!("the GPU backend: {e}")))?;
        self.renderer.finish();
        let wall = started.elapsed().as_secs_f64() * 1000.0;
        if !self.counting {
            return Ok(());
        }
        let d = &mut self.drawn;
        d.frames += 1;
        d.draw_calls += u64::from(stats.draw_calls);
        d.max_draw_calls = d.max_draw_calls.max(u64::from(stats.draw_calls));
        d.quads += u64::from(stats.quads);
        d.groups += u64::from(stats.groups);
        d.layers_recorded += u64::from(stats.layers_recorded);
        d.image_uploads += u64::from(stats.image_uploads);
        d.glyph_uploads += u64::from(stats.glyph_uploads);
        d.bytes_uploaded += stats.bytes_uploaded;
        d.upload_frames += u64::from(stats.image_uploads + stats.glyph_uploads > 0);
        d.backend_ms.push(self.renderer.timing().backend().as_secs_f64() * 1000.0);
        d.frame_ms.push(wall);
        Ok(())
    }
}

/// Each scene's GPU counters per frame and its frame times, as a table.
pub fn table(outcomes: &[crate::Outcome]) -> String {
    let mut s = String::new();
    let mut seen: Vec<&str> = Vec::new();
    for o in outcomes {
        let Some(g) = o.gpu.as_ref().filter(|g| g.frames > 0) else { continue };
        if seen.contains(&o.scene) {
            continue;
        }
        if seen.is_empty() {
            s += &format!("GPU backend: {}\n", g.renderer);
            s += &format!(
                "{:<17} {:>6} {:>11} {:>9} {:>10} {:>8} {:>9} {:>13} {:>11} {:>20} {:>20}\n",
                "gpu/frame",
                "frames",
                "draw calls",
                "max calls",
                "quads",
                "groups",
                "recorded",
                "uploads i/g",
                "KiB up",
                "backend ms p50/p99/max",
                "frame ms p50/p99/max"
            );
        }
        seen.push(o.scene);
        let n = g.frames as f64;
        let p = |v: &[f64]| {
            let mut v = v.to_vec();
            v.sort_by(f64::total_cmp);
            format!(
                "{:.3}/{:.3}/{:.3}",
                crate::percentile(&v, 0.5),
                crate::percentile(&v, 0.99),
                crate::percentile(&v, 1.0)
            )
        };
        s += &format!(
            "{:<17} {:>6} {:>11.1} {:>9} {:>10.0} {:>8.2} {:>9.2} {:>13} {:>11.1} {:>20} {:>20}\n",
            o.scene,
            g.frames,
            g.draw_calls as f64 / n,
            g.max_draw_calls,
            g.quads as f64 / n,
            g.groups as f64 / n,
            g.layers_recorded as f64 / n,
            format!("{}/{}", g.image_uploads, g.glyph_uploads),
            g.bytes_uploaded as f64 / n / 1024.0,
            p(&g.backend_ms),
            p(&g.frame_ms)
        );
    }
    s
}
