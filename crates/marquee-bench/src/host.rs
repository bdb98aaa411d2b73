//! The full host, as a device runs it: `marquee run` in a child process on an app, timed from
//! the moment it is spawned to the first frame with the app's content on screen (the `startup`
//! scene), with the rest of the run's frames split into engine, raster and present time and
//! each scripted key's latency to the screen.
//!
//! Start-up is measured cold (an empty module cache: engine.wasm is compiled) and warm (the
//! compiled module loaded from the cache), and with engine.js, which has no compile step. The
//! child reports its first presented frame as wall-clock time (`marquee run --report`), so the
//! figure includes process start, loading the app and the engine, and the first raster.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use crate::Error;

/// Remote keys the host run presses once the app is up, with the frame each is pressed at: down
/// to the first rail, down again, along it, down. Paced at 60 Hz, the first comes 1.5 s after
/// start, well after the demo's first content frame on this machine (~0.3 s); they are 45
/// frames apart so the last one's scrolling has settled and each key's latency is its own.
pub const KEYS: &str = "90:down,135:down,180:right,225:right,270:down";

/// How a host run starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// engine.wasm, with an empty module cache: compiled at start.
    Cold,
    /// engine.wasm, its compilation loaded from the cache a cold run wrote.
    Warm,
    /// engine.js in QuickJS (no compile step, no cache).
    Js,
    /// engine.wasm warm, drawn by the GPU backend (EGL: Mesa's llvmpipe will do), the debug
    /// overlay hidden: the baseline for the next.
    Gpu,
    /// The same with the debug overlay shown (`--overlay`): the difference is its cost.
    GpuOverlay,
}

impl Start {
    /// Its name in the results.
    pub fn name(self) -> &'static str {
        match self {
            Start::Cold => "wasm cold",
            Start::Warm => "wasm warm",
            Start::Js => "engine.js",
            Start::Gpu => "gpu",
            Start::GpuOverlay => "gpu+overlay",
        }
    }
}

/// One `marquee run`.
#[derive(Debug, Clone)]
pub struct HostRun {
    /// How it started.
    pub start: Start,
    /// From spawning the process to the end of presenting the first frame with the app's
    /// content, in ms.
    pub startup_ms: f64,
    /// Where engine.wasm's compiled module came from (`Cache`, `Compiled`, …) and how long that
    /// took, in ms; `None` for engine.js.
    pub module: Option<(String, f64)>,
    /// Per-frame engine, raster and present time in ms, of the frames after the first content
    /// frame that drew anything (most frames of a run at rest draw nothing and cost nothing).
    pub engine: Vec<f64>,
    /// See `engine`.
    pub raster: Vec<f64>,
    /// See `engine`.
    pub present: Vec<f64>,
    /// The mean CPU time of every frame after the first content frame, drawn or not: engine,
    /// raster, present and building the debug overlay, in ms.
    pub all_frames_ms: f64,
    /// For each key: frames from the one it was pressed before to the first that drew pixels
    /// (1: that very frame).
    pub latency: Vec<u32>,
    /// The host process's peak resident memory, in bytes (both VMs, canvas, images), when the
    /// platform reports it.
    pub peak_rss: Option<u64>,
}

/// Runs the `marquee` executable on `app`.
pub struct Host {
    /// The `marquee` executable.
    pub marquee: PathBuf,
    /// The app's directory.
    pub app: PathBuf,
    /// engine.wasm (engine.js beside it).
    pub engine_wasm: PathBuf,
    /// A directory of its own for the module cache and reports (emptied for cold runs).
    pub scratch: PathBuf,
}

impl Host {
    /// Runs the host once, started as `start`.
    pub fn run(&self, start: Start) -> Result<HostRun, Error> {
        let cache = self.scratch.join("modules");
        if start == Start::Cold && cache.exists() {
            std::fs::remove_dir_all(&cache).map_err(|e| Error(format!("{}: {e}", cache.display())))?;
        }
        std::fs::create_dir_all(&self.scratch).map_err(|e| Error(format!("{}: {e}", self.scratch.display())))?;
        let report = self.scratch.join("report.json");
        let _ = std::fs::remove_file(&report);
        let mut cmd = Command::new(&self.marquee);
        cmd.arg("run")
            .arg(&self.app)
            // No state directory: every run starts as the first, whatever the app stores; no
            // network: the demo's catalogue is its own, whatever listens on this machine.
            .args([
                "--headless",
                "--quiet",
                "--virtual-time",
                "--keys",
                KEYS,
                "--timeout",
                "30",
                "--no-storage",
                "--offline",
            ])
            .args(["--engine", if start == Start::Js { "js" } else { "wasm" }])
            .args(match start {
                Start::Gpu => &["--renderer", "gpu"][..],
                Start::GpuOverlay => &["--renderer", "gpu", "--overlay"][..],
                _ => &[],
            })
            .arg("--engine-wasm")
            .arg(&self.engine_wasm)
            .arg("--cache")
            .arg(&cache)
            .arg("--report")
            .arg(&report)
            .stdout(std::process::Stdio::null());
        let spawned = SystemTime::now();
        let out = cmd.output().map_err(|e| Error(format!("{}: {e}", self.marquee.display())))?;
        if !out.status.success() {
            return Err(Error(format!("marquee run: {}", String::from_utf8_lossy(&out.stderr).trim())));
        }
        let spawned_ms =
            spawned.duration_since(SystemTime::UNIX_EPOCH).map_err(|e| Error(e.to_string()))?.as_secs_f64() * 1000.0;
        let text = std::fs::read_to_string(&report).map_err(|e| Error(format!("{}: {e}", report.display())))?;
        parse(start, &text, spawned_ms)
    }
}

/// Reads a `marquee run --report` file; `spawned_ms` is when the process was spawned, in ms since
/// the Unix epoch.
pub fn parse(start: Start, report: &str, spawned_ms: f64) -> Result<HostRun, Error> {
    let r: serde_json::Value = serde_json::from_str(report).map_err(|e| Error(format!("host report: {e}")))?;
    let shown = r["first_content_unix_ms"].as_f64().ok_or_else(|| Error("the app never drew a frame".into()))?;
    let frames = r["frames"].as_array().cloned().unwrap_or_default();
    let first = frames.iter().position(|f| f["batches"].as_u64().unwrap_or(0) > 0).unwrap_or(0);
    let drew: Vec<bool> = frames.iter().map(|f| f["pixels"].as_u64().unwrap_or(0) > 0).collect();
    let series = |key: &str| -> Vec<f64> {
        let after = frames.iter().zip(&drew).skip(first + 1);
        after.filter(|(_, d)| **d).filter_map(|(f, _)| f[key].as_f64()).collect()
    };
    let all: Vec<f64> = frames
        .iter()
        .skip(first + 1)
        .map(|f| ["engine_ms", "raster_ms", "present_ms", "overlay_ms"].iter().filter_map(|k| f[k].as_f64()).sum())
        .collect();
    let all_frames_ms = all.iter().sum::<f64>() / all.len().max(1) as f64;
    let latency = KEYS
        .split(',')
        .filter_map(|k| k.split_once(':')?.0.parse::<usize>().ok())
        .filter_map(|at| Some(drew.get(at..)?.iter().position(|&d| d)? as u32 + 1))
        .collect();
    Ok(HostRun {
        start,
        startup_ms: shown - spawned_ms,
        module: (r["engine"] == "wasm")
            .then(|| (r["module"].as_str().unwrap_or("?").to_string(), r["module_ms"].as_f64().unwrap_or(f64::NAN))),
        engine: series("engine_ms"),
        raster: series("raster_ms"),
        present: series("present_ms"),
        all_frames_ms,
        latency,
        peak_rss: r["peak_rss_bytes"].as_u64(),
    })
}

/// The host runs as a terminal table: start-up, then median and p99 of each frame phase.
pub fn table(runs: &[HostRun]) -> String {
    let mut s = format!(
        "{:<11} {:>10} {:>22} {:>15} {:>15} {:>15} {:>10} {:>8} {:>9}  (frame times: ms, of frames that drew; all: mean of every frame)\n",
        "host",
        "startup ms",
        "engine module",
        "engine p50/p99",
        "raster p50/p99",
        "present p50/p99",
        "all ms",
        "latency",
        "peak RSS"
    );
    for r in runs {
        let p = |v: &[f64]| {
            let mut v = v.to_vec();
            v.sort_by(f64::total_cmp);
            format!("{:.2}/{:.2}", crate::percentile(&v, 0.5), crate::percentile(&v, 0.99))
        };
        let latency = r.latency.iter().max().map_or(String::from("-"), |m| format!("≤{m} fr"));
        let rss = r.peak_rss.map_or(String::from("-"), |b| format!("{:.0} MiB", b as f64 / 1048576.0));
        s += &format!(
            "{:<11} {:>10.1} {:>22} {:>15} {:>15} {:>15} {:>10.3} {:>8} {rss:>9}\n",
            r.start.name(),
            r.startup_ms,
            r.module.as_ref().map_or(String::from("-"), |(source, ms)| format!("{source} {ms:.1} ms")),
            p(&r.engine),
            p(&r.raster),
            p(&r.present),
            r.all_frames_ms,
            latency
        );
    }
    s
}

/// A scratch directory for host runs under the system's temporary directory.
pub fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!("marquee-bench-host-{}", std::process::id()))
}

/// Removes a scratch directory (best effort: it is temporary anyway).
pub fn clean(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report as `marquee run --report` writes it: `drew` frames drew pixels; frame 2 is the
    /// first with the app's content.
    fn report(frames: usize, drew: &[usize]) -> String {
        let frames: Vec<_> = (0..frames)
            .map(|n| {
                serde_json::json!({
                    "batches": u32::from(n == 2), "pixels": if drew.contains(&n) { 100 } else { 0 },
                    "engine_ms": n as f64, "raster_ms": 2.0 * n as f64, "present_ms": 0.5, "overlay_ms": 0.25,
                })
            })
            .collect();
        serde_json::json!({
            "engine": "wasm", "module": "Cache", "module_ms": 1.5, "first_content_unix_ms": 1000.0 + 250.0,
            "peak_rss_bytes": 123 << 20,
            "frames": frames,
        })
        .to_string()
    }

    #[test]
    fn a_report_gives_startup_frame_times_and_each_keys_latency() {
        // Keys at 90, 135, 180, 225, 270: the first shows a frame late, the rest at once, the
        // last never (the run ended).
        let drew = [2, 3, 91, 92, 135, 180, 181, 225];
        let run = parse(Start::Warm, &report(272, &drew), 1000.0).unwrap();
        assert_eq!(run.startup_ms, 250.0);
        assert_eq!(run.module, Some(("Cache".to_string(), 1.5)));
        // Frames after the first content frame that drew: 3, 91, 92, 135, 180, 181, 225.
        assert_eq!(run.engine, [3.0, 91.0, 92.0, 135.0, 180.0, 181.0, 225.0]);
        assert_eq!(run.raster[0], 6.0);
        // Every frame after the first content frame, 3 to 271, drawn or not: n + 2n + 0.5 + 0.25.
        assert_eq!(run.all_frames_ms, 3.0 * 137.0 + 0.75);
        assert_eq!(run.latency, [2, 1, 1, 1]);
        assert_eq!(run.peak_rss, Some(123 << 20));
    }

    #[test]
    fn a_run_that_never_drew_the_app_is_an_error() {
        let mut r: serde_json::Value = serde_json::from_str(&report(10, &[])).unwrap();
        r["first_content_unix_ms"] = serde_json::Value::Null;
        assert!(parse(Start::Cold, &r.to_string(), 0.0).is_err());
        assert!(parse(Start::Cold, "not json", 0.0).is_err());
    }
}
