//! Headless Chromium on a page: `js/drive.mjs` (playwright-core with Debian's Chromium, or
//! `CHROMIUM`) opens it, waits for the run to end and leaves its report and last frame in a
//! directory, which [`drive`] reads.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// How a page's run ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The page's report: frames, timings, the engine and renderer chosen, the log.
    pub report: serde_json::Value,
    /// The last frame: RGBA, rows top to bottom.
    pub pixels: Vec<u8>,
    /// Its size.
    pub size: (u32, u32),
}

/// What the browser running a page lacks, as older TV browsers do: the page's globals are
/// deleted before it runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lacks {
    /// No `WebAssembly`: engine.js and web.js run.
    pub webassembly: bool,
    /// No `OffscreenCanvas`: the page's main thread draws.
    pub offscreen_canvas: bool,
}

/// Keys pressed on the page's keyboard once it is ready for them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Typing {
    /// A text the page's log must have a line containing first (the app saying it has focus).
    pub after: String,
    /// Pressed and released one character at a time, each a DOM key named for the character.
    pub keys: String,
}

/// Opens `url` in headless Chromium, without what `lacks` names, and waits up to `timeout` for
/// its run to end. The page's console goes to this process's stderr.
pub fn drive(url: &str, timeout: Duration, lacks: Lacks) -> Result<Outcome, String> {
    drive_typing(url, timeout, lacks, None)
}

/// [`drive`], with `typing` on the page's keyboard.
pub fn drive_typing(url: &str, timeout: Duration, lacks: Lacks, typing: Option<&Typing>) -> Result<Outcome, String> {
    let out = std::env::temp_dir().join(format!("marquee-drive-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("js/drive.mjs");
    let mut node = Command::new("node");
    node.arg(&script).arg(url).arg(&out).arg(timeout.as_secs_f64().to_string());
    if lacks.webassembly {
        node.arg("--no-wasm");
    }
    if lacks.offscreen_canvas {
        node.arg("--no-offscreen-canvas");
    }
    if let Some(t) = typing {
        node.arg("--type").arg(&t.after).arg(&t.keys);
    }
    let status = node.status().map_err(|e| format!("node: {e} (Node.js runs headless Chromium)"))?;
    let result = (|| {
        if let Ok(error) = std::fs::read_to_string(out.join("error.txt")) {
            return Err(format!("the page failed: {error}"));
        }
        if !status.success() {
            return Err(format!("headless Chromium: the run failed ({status})"));
        }
        let text = std::fs::read_to_string(out.join("report.json")).map_err(|e| format!("the report: {e}"))?;
        let report: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("the report: {e}"))?;
        let side = |i: usize| report["size"][i].as_u64().unwrap_or(0) as u32;
        let size = (side(0), side(1));
        let pixels = std::fs::read(out.join("frame.rgba")).map_err(|e| format!("the frame: {e}"))?;
        if pixels.len() as u64 != u64::from(size.0) * u64::from(size.1) * 4 {
            return Err(format!("the frame is {} bytes, not {}×{} pixels", pixels.len(), size.0, size.1));
        }
        Ok(Outcome { report, pixels, size })
    })();
    let _ = std::fs::remove_dir_all(&out);
    result
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// Writes RGBA pixels as a PNG.
pub fn write_png(path: &Path, size: (u32, u32), pixels: &[u8]) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), size.0, size.1);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| format!("{}: {e}", path.display()))?;
    writer.write_image_data(pixels).map_err(|e| format!("{}: {e}", path.display()))?;
    writer.finish().map_err(|e| format!("{}: {e}", path.display()))
}
