//! The GPU backend against the CPU raster's golden images: every fixture (`tests/scenes`: boxes,
//! borders, clips, opacity, transforms, scrolling; `tests/text`; `tests/images`, with the same
//! synthetic pictures) run through the native engine and its final layer tree drawn by
//! `marquee-gl` in a headless context (Mesa's llvmpipe in CI). At least 99.5 % of the pixels must
//! be within 3/255 per channel of the CPU's, and the mean error at most 0.5/255. The differences
//! left are at curved edges (the shader solves circles where tiny-skia flattens Béziers) and
//! inside scaled images (bilinear filtering, where the CPU resamples); glyphs are the same
//! pixels.

use std::path::Path;

use marquee_display_list::Color;
use marquee_gl::{Headless, Renderer};
use marquee_test_support::images::Synthetic;
use marquee_test_support::{golden, run_fixtures, scene};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The engine's viewport when a script sets none.
const DEFAULT_VIEWPORT: (u32, u32) = (1280, 720);

#[test]
fn scenes_match_the_cpu_golden_images() {
    draw_dir("scenes", "", Color(0x000000ff));
}

#[test]
fn text_matches_the_cpu_golden_images() {
    draw_dir("text", "text-", Color(0xffffffff));
}

#[test]
fn images_match_the_cpu_golden_images() {
    draw_dir("images", "images-", Color(0x202020ff));
}

/// Draws every fixture in `tests/{dir}` and compares it with the CPU's `{prefix}{name}.png`.
fn draw_dir(dir: &str, prefix: &str, background: Color) {
    let (_context, gl) = Headless::new().unwrap_or_else(|e| panic!("a headless GL context: {e} (install Mesa's EGL)"));
    let mut renderer = Renderer::new(gl).unwrap();
    let text = marquee_test_support::text_service();
    run_fixtures(&root().join("tests").join(dir), "scene", |path| {
        let steps = scene::parse(&std::fs::read_to_string(path).map_err(|e| e.to_string())?)?;
        let mut engine = marquee_engine::Engine::with_text(Box::new(text.clone()));
        let frames = scene::run(&mut engine, &steps);
        let tree = scene::final_tree(&frames)?;
        let (w, h) = scene::viewport(&steps).unwrap_or(DEFAULT_VIEWPORT);
        let images = Synthetic::from_steps(&steps);
        let target = renderer.offscreen(w, h).map_err(|e| e.to_string())?;
        let stats = renderer.draw(&tree, &target, background, &images, &mut text.clone()).map_err(|e| e.to_string())?;
        let pixels = renderer.read(&target);
        renderer.release(target);
        let name = path.file_stem().and_then(|s| s.to_str()).ok_or("bad name")?;
        let png = root().join("tests/snapshots/raster").join(format!("{prefix}{name}.png"));
        let s = golden::similarity(&png, w, h, &pixels)?;
        if s.within < 0.995 || s.mean_error > 0.5 {
            return Err(format!(
                "{:.3} % of pixels within 3/255 (need 99.5), mean error {:.3} (at most 0.5); {stats:?}",
                s.within * 100.0,
                s.mean_error
            ));
        }
        Ok(())
    });
}
