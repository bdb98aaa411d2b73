//! The panels drawn from figures: where they go, that they draw the same pixels for the same
//! figures, and what virtual time leaves out.

use marquee_display_list::IntRect;
use marquee_overlay::panels::Severity;
use marquee_overlay::{AppFigures, EngineFigures, Figures, FrameTimes, LogLine, Overlay, cpu};

fn figures<'a>(
    frames: &'a [FrameTimes],
    console: &'a [LogLine],
    rejections: &'a [String],
    virtual_time: bool,
) -> Figures<'a> {
    Figures {
        time_ms: 1000.0,
        frame: 60,
        frames,
        virtual_time,
        key_latencies_ms: &[12.5, 8.25],
        engine: EngineFigures {
            build: "engine.wasm (wasmtime)",
            why: "the device runs WebAssembly",
            renderer: "cpu",
            nodes: 221,
            layers: 9,
            animations: 1,
            linear_memory: Some(16 << 20),
            heap_bytes: 3 << 20,
            heap_peak: 4 << 20,
            texture_bytes: 20 << 20,
            texture_budget: 64 << 20,
            layer_bytes: 60 << 20,
            layer_budget: 64 << 20,
            resets: 0,
        },
        app: AppFigures {
            batches_per_second: 2.0,
            bytes_per_batch: 180.0,
            rejected: rejections.len() as u64,
            rejections,
            console,
            heap: Some((5 << 20, 64 << 20)),
            timers: Some(3),
            frame_callbacks: Some(1),
        },
        inspector: marquee_overlay::Inspector::default(),
    }
}

fn draw(overlay: &mut Overlay, figures: &Figures<'_>) -> (Vec<u8>, IntRect) {
    let drawing = overlay.frame(figures);
    let mut pixels = [20u8, 20, 60, 255].repeat(1280 * 720);
    cpu::paint(overlay, &drawing, &mut pixels, 1280, 720).unwrap();
    (pixels, drawing.area)
}

fn frames() -> Vec<FrameTimes> {
    (0..200)
        .map(|i| FrameTimes {
            engine_ms: 0.1 + (i % 7) as f32 * 0.05,
            raster_ms: 2.0 + (i % 13) as f32,
            present_ms: 0.5,
        })
        .collect()
}

#[test]
fn the_panels_sit_on_the_right_and_draw_only_there() {
    let frames = frames();
    let console = [LogLine { severity: Severity::Warn, text: "image \"poster.png\" failed: not found".into() }];
    let mut overlay = Overlay::new(1280, 720);
    let (pixels, area) = draw(&mut overlay, &figures(&frames, &console, &[], false));
    assert!(area.x >= 1280 - marquee_overlay::WIDTH as i32 - 20 && area.x + area.w <= 1280, "{area:?}");
    assert!(area.y >= 0 && area.h > 200 && area.y + area.h <= 720, "{area:?}");
    let background = [20u8, 20, 60, 255];
    for (i, pixel) in pixels.chunks(4).enumerate() {
        let (x, y) = ((i % 1280) as i32, (i / 1280) as i32);
        let inside = x >= area.x && x < area.x + area.w && y >= area.y && y < area.y + area.h;
        if !inside {
            assert_eq!(pixel, background, "pixel {x},{y} outside {area:?}");
        }
    }
    // Text and bars: bright pixels inside, and the timeline's colours.
    let bright = pixels.chunks(4).filter(|p| p[0] > 200 && p[1] > 200 && p[2] > 200).count();
    assert!(bright > 500, "{bright} bright pixels");
    let green_bars = pixels.chunks(4).filter(|p| p[1] > 150 && p[0] < 130 && p[2] < 150).count();
    assert!(green_bars > 200, "{green_bars} raster-bar pixels");
    if let Ok(path) = std::env::var("MARQUEE_OVERLAY_PNG") {
        save(&path, &pixels);
    }
}

#[test]
fn the_same_figures_draw_the_same_pixels_and_virtual_time_shows_no_durations() {
    let (fast, slow) =
        (frames(), frames().iter().map(|t| FrameTimes { raster_ms: t.raster_ms * 2.0, ..*t }).collect::<Vec<_>>());
    let mut overlay = Overlay::new(1280, 720);
    let first = draw(&mut overlay, &figures(&fast, &[], &[], false));
    let again = draw(&mut overlay, &figures(&fast, &[], &[], false));
    assert!(first == again, "the same figures drew different pixels");
    let slower = draw(&mut overlay, &figures(&slow, &[], &[], false));
    assert!(first != slower, "different times drew the same timeline");
    // Under virtual time the measured durations do not show: any times draw the same.
    let virtual_fast = draw(&mut overlay, &figures(&fast, &[], &[], true));
    let virtual_slow = draw(&mut overlay, &figures(&slow, &[], &[], true));
    assert!(virtual_fast == virtual_slow);
    assert!(virtual_fast != first);
}

#[test]
fn rejections_and_the_console_show_their_lines() {
    let frames = frames();
    let mut overlay = Overlay::new(1280, 720);
    let quiet = draw(&mut overlay, &figures(&frames, &[], &[], false));
    let rejections = ["set-style: UnknownProperty (node 12, view)".to_owned()];
    let console = [LogLine { severity: Severity::Error, text: "TypeError: x is undefined".into() }];
    let loud = draw(&mut overlay, &figures(&frames, &console, &rejections, false));
    assert!(loud.1.h > quiet.1.h, "two more lines make the column taller: {:?} {:?}", loud.1, quiet.1);
    let red = |pixels: &[u8]| pixels.chunks(4).filter(|p| p[0] > 180 && p[1] < 110 && p[2] < 110).count();
    assert!(red(&loud.0) > red(&quiet.0) + 50, "the error line is red");
}

fn save(path: &str, pixels: &[u8]) {
    let file = std::fs::File::create(path).unwrap();
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), 1280, 720);
    encoder.set_color(png::ColorType::Rgba);
    encoder.write_header().unwrap().write_image_data(pixels).unwrap();
}

#[test]
fn the_gpu_draws_the_panels_as_the_cpu_does_and_keeps_the_display_lists_state() {
    use marquee_display_list::images::NoImages;
    use marquee_display_list::layers::LayerTree;
    use marquee_display_list::text::NoGlyphs;
    use marquee_display_list::{Color, Op, Radii, Rect};

    let (_context, gl) =
        marquee_gl::Headless::new().unwrap_or_else(|e| panic!("a headless GL context: {e} (install Mesa's EGL)"));
    let mut renderer = marquee_gl::Renderer::new(gl).unwrap();
    let target = renderer.offscreen(1280, 720).unwrap();
    let background = Color(0x14143cff);
    let empty = LayerTree::single(Vec::new()).unwrap();
    renderer.draw(&empty, &target, background, &NoImages, &mut NoGlyphs).unwrap();
    let frames = frames();
    let console = [LogLine { severity: Severity::Error, text: "TypeError: x is undefined".into() }];
    let figures = figures(&frames, &console, &[], false);
    let mut overlay = Overlay::new(1280, 720);
    let drawing = overlay.frame(&figures);
    let draws = marquee_overlay::gpu::draw(&mut renderer, &target, (&mut overlay, &drawing), false).unwrap();
    assert!(draws >= 1);
    let gpu = renderer.read_checked(&target).unwrap();
    let mut cpu = [20u8, 20, 60, 255].repeat(1280 * 720);
    cpu::paint(&overlay, &drawing, &mut cpu, 1280, 720).unwrap();
    let differ =
        gpu.chunks(4).zip(cpu.chunks(4)).filter(|(g, c)| g.iter().zip(*c).any(|(a, b)| a.abs_diff(*b) > 24)).count();
    let area = drawing.area.area() as usize;
    assert!(differ * 200 < area, "{differ} of the overlay's {area} pixels differ");
    // A second frame draws the same, on this renderer and on a fresh one given every texture
    // whole; and the display list draws as before after the meshes (its program, buffers and
    // bindings restored).
    let drawing = overlay.frame(&figures);
    renderer.draw(&empty, &target, background, &NoImages, &mut NoGlyphs).unwrap();
    marquee_overlay::gpu::draw(&mut renderer, &target, (&mut overlay, &drawing), false).unwrap();
    assert!(renderer.read_checked(&target).unwrap() == gpu);
    let (_second, gl) = marquee_gl::Headless::new().unwrap();
    let mut fresh = marquee_gl::Renderer::new(gl).unwrap();
    let fresh_target = fresh.offscreen(1280, 720).unwrap();
    fresh.draw(&empty, &fresh_target, background, &NoImages, &mut NoGlyphs).unwrap();
    marquee_overlay::gpu::draw(&mut fresh, &fresh_target, (&mut overlay, &drawing), true).unwrap();
    assert!(fresh.read_checked(&fresh_target).unwrap() == gpu, "a fresh renderer draws the same");
    drop((fresh, fresh_target));
    let square = LayerTree::single(vec![Op::FillRect {
        rect: Rect::new(10.0, 10.0, 20.0, 20.0),
        radii: Radii::ZERO,
        color: Color(0xff0000ff),
    }])
    .unwrap();
    renderer.draw(&square, &target, background, &NoImages, &mut NoGlyphs).unwrap();
    let after = renderer.read_checked(&target).unwrap();
    let pixel = |x: usize, y: usize| after[(y * 1280 + x) * 4..][..4].to_vec();
    assert_eq!(pixel(15, 15), [255, 0, 0, 255]);
    assert_eq!(pixel(1000, 300), [20, 20, 60, 255], "the whole target drawn again, the overlay gone");
}

#[test]
fn the_inspector_outlines_its_node_on_screen_and_replaces_the_app_panel() {
    use marquee_engine_contract::debug::NodeInfo;
    let frames = frames();
    let node = NodeInfo {
        id: 34,
        border_box: [100.0, 200.0, 240.0, 130.0],
        margin: [10.0, 10.0, 10.0, 10.0],
        padding: [8.0; 4],
        border: [4.0; 4],
        ..NodeInfo::default()
    };
    let mut overlay = Overlay::new(1280, 720);
    let plain = draw(&mut overlay, &figures(&frames, &[], &[], false));
    let mut inspecting = figures(&frames, &[], &[], false);
    inspecting.inspector = marquee_overlay::Inspector { inspecting: true, node: Some(&node), ..Default::default() };
    let (pixels, area) = draw(&mut overlay, &inspecting);
    // The area now reaches the node's margin box, on the left of the screen.
    assert!(area.x <= 90 && area.y <= 190, "{area:?}");
    let at = |p: &[u8], x: usize, y: usize| p[(y * 1280 + x) * 4..][..4].to_vec();
    let background = [20u8, 20, 60, 255].to_vec();
    for (x, y, what) in [(95, 195, "margin"), (102, 202, "border"), (200, 260, "content")] {
        assert_ne!(at(&pixels, x, y), background, "the {what} box is not tinted");
        assert_eq!(at(&plain.0, x, y), background);
    }
    assert_eq!(at(&pixels, 80, 180), background, "outside the margin box");
    // Not inspecting, the node is not outlined even if given.
    let mut shown = figures(&frames, &[], &[], false);
    shown.inspector = marquee_overlay::Inspector { inspecting: false, node: Some(&node), ..Default::default() };
    assert_eq!(at(&draw(&mut overlay, &shown).0, 200, 260), background);
}

#[test]
fn the_inspector_outlines_damage_and_layers_as_set() {
    use marquee_overlay::Outline;
    let frames = frames();
    let damage = [IntRect { x: 40, y: 400, w: 200, h: 100 }];
    let layers = [(7, IntRect { x: 300, y: 40, w: 320, h: 180 })];
    let mut overlay = Overlay::new(1280, 720);
    let at = |p: &[u8], x: usize, y: usize| p[(y * 1280 + x) * 4..][..4].to_vec();
    let background = [20u8, 20, 60, 255].to_vec();
    // (pixel on the damage's edge, pixel on the layer's edge) for each setting.
    let mut seen = Vec::new();
    for outline in [Outline::None, Outline::Damage, Outline::Layers, Outline::Both] {
        let mut f = figures(&frames, &[], &[], false);
        f.inspector = marquee_overlay::Inspector { outline, damage: &damage, layers: &layers, ..Default::default() };
        let (pixels, _) = draw(&mut overlay, &f);
        assert_eq!(at(&pixels, 140, 450), background, "{outline:?}: inside the damage, nothing is drawn");
        assert_eq!(at(&pixels, 460, 130), background, "{outline:?}: inside the layer, nothing is drawn");
        seen.push((at(&pixels, 140, 400) != background, at(&pixels, 460, 219) != background));
    }
    assert_eq!(seen, [(false, false), (true, false), (false, true), (true, true)]);
    assert_eq!(Outline::Both.next(), Outline::None);
}
