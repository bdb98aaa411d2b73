//! The debug overlay: what the host knows about a running app — its frames' times, which engine
//! build runs and why, the scene's size, memory against its budgets, the focus, the app
//! thread's batches, rejected commands and console, and an inspector of one node — as panels
//! drawn over the app's frames.
//!
//! The panels are built with egui, the Rust immediate-mode GUI library (the system Marquee
//! re-creates overlays its debugger information with it too), from [`Figures`] the host fills
//! in ([`panels`]). egui tessellates them into triangle meshes, which either backend draws over
//! the frame: the CPU backend with this crate's rasterizer ([`cpu`]), the GPU backend with its
//! mesh program ([`gpu`], `marquee_gl::Renderer::draw_meshes`). The overlay never enters the
//! engine and the engine never sees it: the host redraws the app under the panels' area in any
//! frame that draws them, and no pixel of them stays in what the backend keeps.
//!
//! One build of the panels is one egui pass and its tessellation ([`Overlay::frame`]); the host
//! decides how often (and, hidden, never).

pub mod cpu;
pub mod gpu;
pub mod panels;
pub mod session;

use std::collections::HashMap;

use egui::epaint::{ClippedPrimitive, ImageDelta, Primitive, TextureId};
use marquee_display_list::IntRect;

pub use panels::{AppFigures, EngineFigures, Figures, FrameTimes, Inspector, LogLine, Outline};
pub use session::Session;

/// The overlay's state between frames: egui's context (its fonts, its texture atlas), the
/// pixels of each texture egui has given it (for the CPU rasterizer), and the changes to them a
/// GPU has not been given yet.
pub struct Overlay {
    ctx: egui::Context,
    textures: Textures,
    size: (u32, u32),
    /// Texture changes since a GPU last drew the overlay (new textures, patches of old ones), in
    /// order, and textures freed since.
    pending: Vec<Upload>,
    pending_free: Vec<u64>,
    /// The pending changes grew past [`MAX_PENDING_BYTES`] (no GPU draws the overlay): they were
    /// let go, and a GPU is given every texture whole instead.
    gpu_stale: bool,
}

/// The most bytes of texture changes kept for a GPU that has not drawn the overlay: past it,
/// they are let go and the textures given whole when it does.
const MAX_PENDING_BYTES: usize = 8 << 20;

/// One frame of the overlay, tessellated.
pub struct Drawing {
    /// The meshes, in paint order, each with its clip, in pixels.
    pub meshes: Vec<Mesh>,
    /// The smallest rectangle holding every pixel the meshes may touch (empty if none).
    pub area: IntRect,
}

/// A change to one of the overlay's textures, for a GPU that keeps its own copies.
pub struct Upload {
    /// The texture, as [`texture_key`] names it.
    pub texture: u64,
    /// Where the pixels go, in texels; `None`: they are the whole texture, of `size`.
    pub at: Option<[u32; 2]>,
    /// Their width and height in texels.
    pub size: [u32; 2],
    /// Premultiplied RGBA, row by row.
    pub pixels: Vec<u8>,
}

/// An egui texture's id as one number: a backend's key for it.
pub fn texture_key(id: TextureId) -> u64 {
    match id {
        TextureId::Managed(n) => n << 1,
        TextureId::User(n) => (n << 1) | 1,
    }
}

/// A triangle mesh of the overlay: egui's, with the clip it draws in.
pub struct Mesh {
    /// Where it may draw, in pixels, within the screen.
    pub clip: IntRect,
    /// egui's mesh: vertices in pixels with texture coordinates (0 to 1) and premultiplied
    /// sRGB colours, triangles as index triples, and the texture sampled.
    pub mesh: egui::epaint::Mesh,
}

/// A texture egui has given the overlay: premultiplied RGBA, row by row.
pub struct Texture {
    /// Width and height in texels.
    pub size: [usize; 2],
    /// The texels.
    pub pixels: Vec<egui::Color32>,
}

/// The textures egui has given the overlay, by id.
#[derive(Default)]
struct Textures(HashMap<TextureId, Texture>);

impl Textures {
    /// Applies egui's changes to the textures: a whole new image, or a patch of an old one (a
    /// patch outside the texture is cut to it).
    fn set(&mut self, id: TextureId, delta: &ImageDelta) {
        let egui::ImageData::Color(image) = &delta.image;
        match delta.pos {
            None => {
                self.0.insert(id, Texture { size: image.size, pixels: image.pixels.clone() });
            }
            Some([x0, y0]) => {
                let Some(texture) = self.0.get_mut(&id) else { return };
                let [w, h] = texture.size;
                if x0 >= w {
                    return;
                }
                for row in 0..image.size[1].min(h.saturating_sub(y0)) {
                    let from = &image.pixels[row * image.size[0]..][..image.size[0].min(w.saturating_sub(x0))];
                    let at = (y0 + row) * w + x0;
                    texture.pixels[at..at + from.len()].copy_from_slice(from);
                }
            }
        }
    }
}

/// The width of the overlay's column of panels, in pixels.
pub const WIDTH: f32 = 380.0;

impl Overlay {
    /// An overlay for a screen of `width × height` pixels, its text set in the host's fallback
    /// font (the platform's own UI font, so the overlay needs none of its own).
    pub fn new(width: u32, height: u32) -> Overlay {
        let ctx = egui::Context::default();
        let mut fonts = egui::FontDefinitions::empty();
        fonts
            .font_data
            .insert("ui".into(), std::sync::Arc::new(egui::FontData::from_static(marquee_text::FALLBACK_FONT)));
        for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            fonts.families.insert(family, vec!["ui".into()]);
        }
        ctx.set_fonts(fonts);
        ctx.set_visuals(egui::Visuals::dark());
        ctx.global_style_mut(|style| {
            // Nothing in the overlay animates: a frame shows the figures as they are.
            style.animation_time = 0.0;
            style.spacing.item_spacing = egui::vec2(6.0, 3.0);
        });
        Overlay {
            ctx,
            textures: Textures::default(),
            size: (width, height),
            pending: Vec::new(),
            pending_free: Vec::new(),
            gpu_stale: false,
        }
    }

    /// Runs one pass of the panels over `figures` and tessellates it.
    pub fn frame(&mut self, figures: &Figures<'_>) -> Drawing {
        let (w, h) = self.size;
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w as f32, h as f32))),
            // The frame's time, so that egui's own clock is as virtual as the run's.
            time: Some(figures.time_ms / 1000.0),
            focused: true,
            ..egui::RawInput::default()
        };
        let mut output = self.ctx.run_ui(input, |ui| panels::show(ui, figures));
        for (id, deltas) in &output.textures_delta.set {
            for delta in deltas {
                self.textures.set(*id, delta);
                let egui::ImageData::Color(image) = &delta.image;
                self.pending.push(Upload {
                    texture: texture_key(*id),
                    at: delta.pos.map(|[x, y]| [x as u32, y as u32]),
                    size: image.size.map(|side| side as u32),
                    pixels: image.pixels.iter().flat_map(|c| c.to_array()).collect(),
                });
            }
        }
        // egui frees a texture only when the frame it sends does not use it.
        for id in &output.textures_delta.free {
            self.textures.0.remove(id);
            self.pending_free.push(texture_key(*id));
        }
        if self.pending.iter().map(|u| u.pixels.len()).sum::<usize>() > MAX_PENDING_BYTES {
            self.pending.clear();
            self.gpu_stale = true;
        }
        // Taken above: egui checks that no change is dropped untaken.
        output.textures_delta.clear();
        let screen = IntRect { x: 0, y: 0, w: w as i32, h: h as i32 };
        let mut area = IntRect::default();
        let mut meshes = Vec::new();
        for ClippedPrimitive { clip_rect, primitive } in self.ctx.tessellate(output.shapes, 1.0) {
            let Primitive::Mesh(mesh) = primitive else { continue };
            let clip = pixels(clip_rect).intersect(&screen);
            if mesh.is_empty() || clip.is_empty() {
                continue;
            }
            let bounds = pixels(mesh.calc_bounds()).intersect(&clip);
            area = area.union(&bounds);
            meshes.push(Mesh { clip, mesh });
        }
        Drawing { meshes, area }
    }

    /// The texture `id`, as egui last set it.
    pub fn texture(&self, id: TextureId) -> Option<&Texture> {
        self.textures.0.get(&id)
    }
}

/// The whole pixels `rect` touches.
fn pixels(rect: egui::Rect) -> IntRect {
    if !(rect.min.x.is_finite() && rect.min.y.is_finite() && rect.max.x.is_finite() && rect.max.y.is_finite()) {
        return IntRect::default();
    }
    let (x0, y0) = (rect.min.x.floor() as i32, rect.min.y.floor() as i32);
    let (x1, y1) = (rect.max.x.ceil() as i32, rect.max.y.ceil() as i32);
    IntRect { x: x0, y: y0, w: (x1 - x0).max(0), h: (y1 - y0).max(0) }
}
