//! The overlay drawn by the CPU: egui's triangles rasterized into premultiplied RGBA pixels.
//!
//! The CPU backend (tiny-skia) fills paths, not textured triangles with a colour per vertex,
//! which is all egui draws; the egui backends that exist draw through a GPU API or pull in a
//! second 2D library. So the overlay brings the few lines that do it: each triangle is walked
//! over the pixel centres inside its bounding box, cut to its clip, with edge functions; the
//! colour and the texture coordinate are interpolated, the texel sampled (nearest: at one pixel
//! per point egui places glyphs on whole texels), multiplied by the colour and composited
//! source-over, in sRGB as egui's colours are. Pixels on an edge two triangles share belong to
//! one of them (the top-left rule), so a translucent quad made of two triangles covers each
//! pixel once.

use egui::Color32;
use egui::epaint::Vertex;
use marquee_display_list::IntRect;

use crate::{Drawing, Overlay, Texture};

/// Draws `drawing` over `pixels`: premultiplied RGBA, `width × height`, top row first.
pub fn paint(overlay: &Overlay, drawing: &Drawing, pixels: &mut [u8], width: u32, height: u32) -> Result<(), String> {
    paint_in(overlay, drawing, pixels, IntRect { x: 0, y: 0, w: width as i32, h: height as i32 })
}

/// Draws the part of `drawing` inside `area` of the screen over `pixels`, which hold that area
/// alone (premultiplied RGBA, `area`'s size, top row first): the panels kept apart, to be
/// [`composite`]d over frames until they change.
pub fn paint_in(overlay: &Overlay, drawing: &Drawing, pixels: &mut [u8], area: IntRect) -> Result<(), String> {
    if area.is_empty() || pixels.len() != area.w as usize * area.h as usize * 4 {
        return Err(format!("{} bytes are not {}x{} RGBA pixels", pixels.len(), area.w, area.h));
    }
    let mut target = Target { pixels, width: area.w as usize, origin: egui::vec2(area.x as f32, area.y as f32) };
    let local = IntRect { x: 0, y: 0, ..area };
    for mesh in &drawing.meshes {
        let Some(texture) = overlay.texture(mesh.mesh.texture_id) else { continue };
        let clip = IntRect { x: mesh.clip.x - area.x, y: mesh.clip.y - area.y, ..mesh.clip }.intersect(&local);
        let vertices = &mesh.mesh.vertices;
        for triangle in mesh.mesh.indices.chunks_exact(3) {
            let corner = |i: u32| vertices.get(i as usize).copied();
            if let (Some(a), Some(b), Some(c)) = (corner(triangle[0]), corner(triangle[1]), corner(triangle[2])) {
                target.triangle([a, b, c], clip, texture);
            }
        }
    }
    Ok(())
}

/// Composites `source` (premultiplied RGBA, `area`'s size) over `area` of `pixels`
/// (premultiplied RGBA, `width` wide): source over, the part inside `pixels`.
pub fn composite(source: &[u8], area: IntRect, pixels: &mut [u8], width: u32) -> Result<(), String> {
    let height = pixels.len() / (width.max(1) as usize * 4);
    let inside = area.intersect(&IntRect { x: 0, y: 0, w: width as i32, h: height as i32 });
    if source.len() != area.w.max(0) as usize * area.h.max(0) as usize * 4 {
        return Err(format!("{} bytes are not {}x{} RGBA pixels", source.len(), area.w, area.h));
    }
    for y in inside.y..inside.y + inside.h {
        let from = ((y - area.y) as usize * area.w as usize + (inside.x - area.x) as usize) * 4;
        let to = (y as usize * width as usize + inside.x as usize) * 4;
        let len = inside.w as usize * 4;
        for (s, d) in source[from..from + len].chunks_exact(4).zip(pixels[to..to + len].chunks_exact_mut(4)) {
            // Integer source-over: d = s + d × (255 − sa) / 255, rounded.
            let keep = 255 - u32::from(s[3]);
            if keep == 255 {
                continue;
            }
            for k in 0..4 {
                let t = u32::from(d[k]) * keep + 128;
                d[k] = (u32::from(s[k]) + ((t + (t >> 8)) >> 8)).min(255) as u8;
            }
        }
    }
    Ok(())
}

struct Target<'a> {
    pixels: &'a mut [u8],
    width: usize,
    /// The screen position of the pixels' top-left corner.
    origin: egui::Vec2,
}

/// Twice the signed area of `a b p`: positive when `p` is right of `a → b` on a y-down screen.
fn orient(a: egui::Pos2, b: egui::Pos2, p: egui::Pos2) -> f32 {
    (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
}

/// Whether the edge `a → b` of a triangle of positive orientation is a top or a left edge: the
/// pixels exactly on it are the triangle's.
fn top_left(a: egui::Pos2, b: egui::Pos2) -> bool {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    (dy == 0.0 && dx > 0.0) || dy < 0.0
}

impl Target<'_> {
    fn triangle(&mut self, [mut a, mut b, mut c]: [Vertex; 3], clip: IntRect, texture: &Texture) {
        for v in [&mut a, &mut b, &mut c] {
            v.pos -= self.origin;
        }
        let (a, b, c) = match orient(a.pos, b.pos, c.pos) {
            area if area > 0.0 => (a, b, c),
            area if area < 0.0 => (a, c, b),
            // Degenerate (or not finite): covers nothing.
            _ => return,
        };
        let area = orient(a.pos, b.pos, c.pos);
        let min_x = a.pos.x.min(b.pos.x).min(c.pos.x).floor().max(clip.x as f32) as i32;
        let min_y = a.pos.y.min(b.pos.y).min(c.pos.y).floor().max(clip.y as f32) as i32;
        let max_x = a.pos.x.max(b.pos.x).max(c.pos.x).ceil().min((clip.x + clip.w) as f32) as i32;
        let max_y = a.pos.y.max(b.pos.y).max(c.pos.y).ceil().min((clip.y + clip.h) as f32) as i32;
        // Each weight belongs to the corner opposite its edge.
        let edges = [(b.pos, c.pos), (c.pos, a.pos), (a.pos, b.pos)];
        let owned = edges.map(|(from, to)| top_left(from, to));
        let colors = [a.color, b.color, c.color].map(|c| c.to_array().map(f32::from));
        let uvs = [a.uv, b.uv, c.uv];
        let same_color = a.color == b.color && b.color == c.color;
        for y in min_y..max_y {
            for x in min_x..max_x {
                let p = egui::pos2(x as f32 + 0.5, y as f32 + 0.5);
                let w = edges.map(|(from, to)| orient(from, to, p));
                if (0..3).any(|i| w[i] < 0.0 || (w[i] == 0.0 && !owned[i])) {
                    continue;
                }
                let w = w.map(|w| w / area);
                let color = if same_color {
                    colors[0]
                } else {
                    std::array::from_fn(|k| w[0] * colors[0][k] + w[1] * colors[1][k] + w[2] * colors[2][k])
                };
                let u = w[0] * uvs[0].x + w[1] * uvs[1].x + w[2] * uvs[2].x;
                let v = w[0] * uvs[0].y + w[1] * uvs[1].y + w[2] * uvs[2].y;
                let texel = sample(texture, u, v).to_array().map(f32::from);
                let source: [f32; 4] = std::array::from_fn(|k| texel[k] * color[k] / 255.0);
                self.blend(x as usize, y as usize, source);
            }
        }
    }

    /// Composites a premultiplied colour over the pixel at `x, y`: source over.
    fn blend(&mut self, x: usize, y: usize, source: [f32; 4]) {
        let at = (y * self.width + x) * 4;
        let pixel = &mut self.pixels[at..at + 4];
        let keep = 1.0 - source[3] / 255.0;
        for k in 0..4 {
            pixel[k] = (source[k] + f32::from(pixel[k]) * keep).round().clamp(0.0, 255.0) as u8;
        }
    }
}

/// The texel at texture coordinates `u, v` (0 to 1; outside, the edge's).
fn sample(texture: &Texture, u: f32, v: f32) -> Color32 {
    let [w, h] = texture.size;
    if w == 0 || h == 0 {
        return Color32::TRANSPARENT;
    }
    let x = ((u * w as f32) as isize).clamp(0, w as isize - 1) as usize;
    let y = ((v * h as f32) as isize).clamp(0, h as isize - 1) as usize;
    texture.pixels.get(y * w + x).copied().unwrap_or(Color32::TRANSPARENT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::epaint::{Mesh as EguiMesh, TextureId};

    fn white() -> Texture {
        Texture { size: [1, 1], pixels: vec![Color32::WHITE] }
    }

    fn vertex(x: f32, y: f32, color: Color32) -> Vertex {
        Vertex { pos: egui::pos2(x, y), uv: egui::pos2(0.0, 0.0), color }
    }

    /// Paints `mesh` into a `w × h` buffer of `background`, with `texture` as its texture.
    fn paint_one(mesh: EguiMesh, clip: IntRect, texture: Texture, (w, h): (u32, u32), background: [u8; 4]) -> Vec<u8> {
        let mut overlay = Overlay::new(w, h);
        overlay.textures.0.insert(mesh.texture_id, texture);
        let drawing = Drawing { meshes: vec![crate::Mesh { clip, mesh }], area: clip };
        let mut pixels = background.repeat((w * h) as usize);
        paint(&overlay, &drawing, &mut pixels, w, h).unwrap();
        pixels
    }

    fn at(pixels: &[u8], w: u32, x: u32, y: u32) -> [u8; 4] {
        let i = ((y * w + x) * 4) as usize;
        pixels[i..i + 4].try_into().unwrap()
    }

    #[test]
    fn a_translucent_quad_of_two_triangles_covers_each_pixel_once() {
        // Half-transparent white over black, split along either diagonal, at whole and half
        // pixel corners: every pixel inside is 50 % grey (a pixel drawn twice would be 75 %),
        // every pixel outside black.
        let half = Color32::from_white_alpha(128);
        for (x0, y0, x1, y1) in [(2.0, 3.0, 12.0, 9.0), (2.5, 3.5, 12.5, 9.5)] {
            for diagonal in [[0, 1, 2, 0, 2, 3], [0, 1, 3, 1, 2, 3]] {
                let mut mesh = EguiMesh::with_texture(TextureId::Managed(0));
                for (x, y) in [(x0, y0), (x1, y0), (x1, y1), (x0, y1)] {
                    mesh.vertices.push(vertex(x, y, half));
                }
                mesh.indices = diagonal.to_vec();
                let screen = IntRect { x: 0, y: 0, w: 16, h: 12 };
                let pixels = paint_one(mesh, screen, white(), (16, 12), [0, 0, 0, 255]);
                for y in 0..12 {
                    for x in 0..16 {
                        let (cx, cy) = (x as f32 + 0.5, y as f32 + 0.5);
                        let inside = cx >= x0 && cx < x1 && cy >= y0 && cy < y1;
                        let want = if inside { [128, 128, 128, 255] } else { [0, 0, 0, 255] };
                        assert_eq!(at(&pixels, 16, x, y), want, "pixel {x},{y} of {x0},{y0}-{x1},{y1} {diagonal:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn colours_interpolate_and_the_clip_cuts() {
        // A quad red on the left, blue on the right, clipped to its right half.
        let mut mesh = EguiMesh::with_texture(TextureId::Managed(0));
        for (x, y, c) in
            [(0.0, 0.0, Color32::RED), (10.0, 0.0, Color32::BLUE), (10.0, 4.0, Color32::BLUE), (0.0, 4.0, Color32::RED)]
        {
            mesh.vertices.push(vertex(x, y, c));
        }
        mesh.indices = vec![0, 1, 2, 0, 2, 3];
        let clip = IntRect { x: 5, y: 0, w: 5, h: 4 };
        let pixels = paint_one(mesh, clip, white(), (10, 4), [0, 0, 0, 0]);
        assert_eq!(at(&pixels, 10, 2, 1), [0, 0, 0, 0], "left of the clip stays");
        let [r, _, b, a] = at(&pixels, 10, 5, 1);
        assert_eq!(a, 255);
        // Its centre, 5.5, is 55 % of the way to the blue edge.
        assert!(r.abs_diff(115) <= 1 && b.abs_diff(140) <= 1, "{r} {b}");
        let [r, _, b, _] = at(&pixels, 10, 9, 1);
        assert!(r < 20 && b > 235, "the right edge is blue: {r} {b}");
    }

    #[test]
    fn texels_are_multiplied_by_the_colour() {
        // A 2×1 texture: opaque white, then transparent; a green quad samples it left and right.
        let texture = Texture { size: [2, 1], pixels: vec![Color32::WHITE, Color32::TRANSPARENT] };
        let mut mesh = EguiMesh::with_texture(TextureId::User(7));
        let green = Color32::from_rgb(0, 200, 0);
        for (x, y, u) in [(0.0, 0.0, 0.0), (8.0, 0.0, 1.0), (8.0, 2.0, 1.0), (0.0, 2.0, 0.0)] {
            mesh.vertices.push(Vertex { pos: egui::pos2(x, y), uv: egui::pos2(u, 0.5), color: green });
        }
        mesh.indices = vec![0, 1, 2, 0, 2, 3];
        let pixels = paint_one(mesh, IntRect { x: 0, y: 0, w: 8, h: 2 }, texture, (8, 2), [10, 10, 10, 255]);
        assert_eq!(at(&pixels, 8, 1, 0), [0, 200, 0, 255]);
        assert_eq!(at(&pixels, 8, 6, 1), [10, 10, 10, 255], "a transparent texel leaves the pixel");
    }

    #[test]
    fn bad_meshes_draw_nothing_and_a_wrong_buffer_is_refused() {
        let mut mesh = EguiMesh::with_texture(TextureId::Managed(0));
        mesh.vertices.push(vertex(0.0, 0.0, Color32::WHITE));
        mesh.vertices.push(vertex(f32::NAN, 1.0, Color32::WHITE));
        mesh.vertices.push(vertex(4.0, 4.0, Color32::WHITE));
        // A NaN corner, an index past the vertices, a degenerate triangle.
        mesh.indices = vec![0, 1, 2, 0, 2, 9, 0, 0, 2];
        let pixels = paint_one(mesh, IntRect { x: 0, y: 0, w: 4, h: 4 }, white(), (4, 4), [0, 0, 0, 255]);
        assert!(pixels.chunks(4).all(|p| p == [0, 0, 0, 255]));
        let overlay = Overlay::new(4, 4);
        let drawing = Drawing { meshes: Vec::new(), area: IntRect::default() };
        assert!(paint(&overlay, &drawing, &mut [0; 12], 4, 4).is_err());
    }

    #[test]
    fn panels_painted_apart_and_composited_equal_panels_painted_in_place() {
        let mut mesh = EguiMesh::with_texture(TextureId::Managed(0));
        let colors = [Color32::from_rgba_premultiplied(200, 0, 0, 200), Color32::from_rgba_premultiplied(0, 0, 90, 90)];
        for (x, y, c) in [(3.0, 2.0, colors[0]), (14.5, 3.0, colors[1]), (12.0, 11.0, colors[0]), (2.0, 9.5, colors[1])]
        {
            mesh.vertices.push(vertex(x, y, c));
        }
        mesh.indices = vec![0, 1, 2, 0, 2, 3];
        let (w, h) = (16u32, 12u32);
        let background = [30, 90, 40, 255];
        let in_place = paint_one(mesh.clone(), IntRect { x: 0, y: 0, w: 16, h: 12 }, white(), (w, h), background);
        let mut overlay = Overlay::new(w, h);
        overlay.textures.0.insert(mesh.texture_id, white());
        let clip = IntRect { x: 0, y: 0, w: 16, h: 12 };
        let drawing = Drawing { meshes: vec![crate::Mesh { clip, mesh }], area: clip };
        let area = IntRect { x: 1, y: 1, w: 15, h: 11 };
        let mut apart = vec![0; (area.w * area.h * 4) as usize];
        paint_in(&overlay, &drawing, &mut apart, area).unwrap();
        let mut frame = background.repeat((w * h) as usize);
        composite(&apart, area, &mut frame, w).unwrap();
        let worst = frame.iter().zip(&in_place).map(|(a, b)| a.abs_diff(*b)).max().unwrap();
        assert!(worst <= 1, "off by {worst}");
        assert_ne!(frame, background.repeat((w * h) as usize));
        assert!(composite(&apart, area, &mut frame, w + 1).is_ok(), "a frame of another width is cut to");
        assert!(composite(&apart[4..], area, &mut frame, w).is_err());
    }
}
