//! The problem panel: what went wrong with the app under development, drawn by the host over
//! the app's frames.
//!
//! `marquee dev` keeps the last good app running when an edit fails to build or throws; the
//! developer must still see why, on the screen they are looking at, without the app's help (the
//! app that failed cannot draw it, and the one that runs does not know). The host rasterizes
//! the panel once, into pixels of its own, with its own text service paragraph, and copies
//! them over every frame whose damage touches them. The panel is opaque, so a copy is exactly
//! what compositing it would give, and the app's layers and caches never see it. Where the GPU
//! presents in a window itself, the canvas is not what shows: the panel goes over each frame
//! as the GPU presents it instead (`marquee_gl::Renderer::present_over`).

use marquee_display_list::images::NoImages;
use marquee_display_list::text::{Paragraph, TextLayout, TextStyle};
use marquee_display_list::{Color, IntRect, Op, Radii, Rect};
use marquee_raster::Canvas;
use marquee_text::SharedText;

/// The text service paragraph the panel's message is set in: a handle no node has (node ids
/// stop short of it: it means "no node" on the wire).
const RUN: u32 = u32::MAX;

/// Lines of the message shown; the rest is in the log.
const MAX_LINES: u32 = 12;

const MARGIN: f32 = 24.0;
const PADDING: f32 = 20.0;
const TEXT_SIZE: f32 = 18.0;
const BACKGROUND: Color = Color(0x5a1010f0);
const TEXT: Color = Color(0xffffffff);

/// A problem on screen: where, and its pixels.
pub(crate) struct Panel {
    /// Where it draws, on the canvas.
    pub(crate) area: IntRect,
    /// Premultiplied RGBA, `area`'s size.
    pixels: Vec<u8>,
}

impl Panel {
    /// The panel for `message` on a canvas of `bounds`, along its bottom edge; `None` if the
    /// screen is too small for one (the log still says it).
    pub(crate) fn new(message: &str, bounds: IntRect, text: &SharedText) -> Option<Panel> {
        let width = bounds.w as f32 - 2.0 * MARGIN;
        if width < 4.0 * PADDING || bounds.h < 120 {
            return None;
        }
        let style = TextStyle { size: TEXT_SIZE, max_lines: MAX_LINES, ellipsis: true, ..TextStyle::default() };
        let inner = width - 2.0 * PADDING;
        let measured = {
            let mut text = text.lock();
            text.set(RUN, &Paragraph { family: "", text: message, style });
            text.measure(RUN, inner)
        };
        let height = (measured.height + 2.0 * PADDING).min(bounds.h as f32 - 2.0 * MARGIN).ceil();
        let area = IntRect {
            x: MARGIN as i32,
            y: bounds.h - MARGIN as i32 - height as i32,
            w: width.ceil() as i32,
            h: height as i32,
        };
        let mut canvas = Canvas::new(area.w as u32, area.h as u32, Color(0)).ok()?;
        let ops = [
            Op::FillRect {
                rect: Rect::new(0.0, 0.0, area.w as f32, area.h as f32),
                radii: Radii::ZERO,
                color: BACKGROUND,
            },
            Op::Text {
                run: RUN,
                rect: Rect::new(PADDING, PADDING, inner, height - 2.0 * PADDING),
                overhang: PADDING / 2.0,
                color: TEXT,
            },
        ];
        let mut glyphs = text.clone();
        let drawn = canvas.draw_ops(&ops, &[canvas.bounds()], &NoImages, &mut glyphs);
        text.lock().remove(RUN);
        drawn.ok()?;
        Some(Panel { area, pixels: canvas.pixmap().data().to_vec() })
    }

    /// The panel as the GPU draws it over a frame it presents in a window.
    pub(crate) fn overlay(&self) -> marquee_gl::Overlay<'_> {
        marquee_gl::Overlay { pixels: &self.pixels, area: self.area }
    }

    /// Draws the panel over `canvas` if `damage` touches it (or `always`); returns whether it
    /// did (the panel's area is then damage too).
    pub(crate) fn cover(&self, canvas: &mut Canvas, damage: &[IntRect], always: bool) -> bool {
        let touched = always || damage.iter().any(|d| !d.intersect(&self.area).is_empty());
        touched && canvas.load_pixels_in(self.area, &self.pixels).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text() -> SharedText {
        SharedText::new(marquee_text::TextSystem::new())
    }

    fn pixel(canvas: &Canvas, x: i32, y: i32) -> [u8; 4] {
        let at = (y as usize * canvas.bounds().w as usize + x as usize) * 4;
        canvas.pixmap().data()[at..at + 4].try_into().unwrap()
    }

    #[test]
    fn a_panel_sits_along_the_bottom_and_holds_its_text() {
        let bounds = IntRect { x: 0, y: 0, w: 1280, h: 720 };
        let panel = Panel::new("SyntaxError: unexpected token\n  at page.jsx:3", bounds, &text()).unwrap();
        assert_eq!((panel.area.x, panel.area.w), (24, 1232));
        assert_eq!(panel.area.y + panel.area.h, 720 - 24);
        // Two lines of 18 px text, padded: well under a screen.
        assert!((60..200).contains(&panel.area.h), "{:?}", panel.area);
        let mut canvas = Canvas::new(1280, 720, Color(0x000000ff)).unwrap();
        assert!(panel.cover(&mut canvas, &[bounds], false));
        // The background shows where no glyph is, and some glyph pixels are lighter.
        let corner = pixel(&canvas, panel.area.x + 2, panel.area.y + 2);
        assert!(corner[0] > 70 && corner[1] < 30, "{corner:?}");
        let lit = (0..panel.area.w)
            .flat_map(|x| (0..panel.area.h).map(move |y| (x, y)))
            .filter(|&(x, y)| pixel(&canvas, panel.area.x + x, panel.area.y + y)[1] > 200)
            .count();
        assert!(lit > 100, "{lit} glyph pixels");
        // Outside the panel, nothing changed.
        assert_eq!(pixel(&canvas, 5, 5), [0, 0, 0, 255]);
    }

    #[test]
    fn a_panel_is_drawn_only_where_the_frame_damaged_it() {
        let bounds = IntRect { x: 0, y: 0, w: 640, h: 360 };
        let panel = Panel::new("ReferenceError: x is not defined", bounds, &text()).unwrap();
        let mut canvas = Canvas::new(640, 360, Color(0x000000ff)).unwrap();
        assert!(!panel.cover(&mut canvas, &[IntRect { x: 0, y: 0, w: 50, h: 50 }], false));
        assert_eq!(pixel(&canvas, panel.area.x + 2, panel.area.y + 2), [0, 0, 0, 255]);
        assert!(panel.cover(&mut canvas, &[IntRect { x: 100, y: 300, w: 10, h: 10 }], false));
        assert!(panel.cover(&mut canvas, &[], true));
    }

    #[test]
    fn a_screen_too_small_gets_no_panel() {
        assert!(Panel::new("x", IntRect { x: 0, y: 0, w: 100, h: 100 }, &text()).is_none());
    }
}
