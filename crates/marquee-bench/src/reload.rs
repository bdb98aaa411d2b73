//! Hot reload's latency: from a file saved to the first frame on screen that shows the edit,
//! through `marquee dev`'s whole loop — the watcher, esbuild, the changed module run again in
//! the app's runtime and React Refresh's render (Fast Refresh), the frame.
//!
//! The React demo runs in the native host (headless, paced at 60 Hz, offline) from a copy in a
//! scratch directory, with [`marquee_dev::Dev`] attached as `marquee dev` attaches it. Each
//! edit waits for the screen to settle (no damage for [`QUIET`]: posters in, fades done), then
//! saves `page.jsx` with the logo's colour changed, as an editor saves (a temporary file renamed
//! over it), and times the save to the first frame presented with damage. The median and p95
//! are the figures; the build's share is given apart.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use marquee_host::{Canvas, Host, Input, IntRect, Options, Presenter, Stop};

/// How long the screen must stay still before an edit.
pub const QUIET: Duration = Duration::from_millis(300);

/// The two colours the edits alternate the logo between.
const COLOURS: [&str; 2] = ["'#1fb6ff'", "'#ff8f1f'"];

/// What the edits measured.
#[derive(Debug, Clone, Default)]
pub struct Reloads {
    /// Save to the first changed frame, per edit, in ms.
    pub latency_ms: Vec<f64>,
    /// esbuild's share of each, in ms.
    pub build_ms: Vec<f64>,
}

/// Tells the bench when each frame with damage was presented.
struct Damaged(mpsc::Sender<Instant>);

impl Presenter for Damaged {
    fn present(&mut self, _canvas: &Canvas, damage: &[IntRect]) -> bool {
        if !damage.is_empty() {
            let _ = self.0.send(Instant::now());
        }
        true
    }
}

/// Runs `edits` edits of the React demo (in a copy under `scratch`) with `engine_wasm`.
pub fn run(engine_wasm: Vec<u8>, scratch: &Path, edits: usize) -> Result<Reloads, String> {
    let root = marquee_engine_contract::paths::workspace_root();
    let app = scratch.join("demo-react");
    let _ = std::fs::remove_dir_all(&app);
    copy_dir(&root.join("apps/demo-react"), &app).map_err(|e| format!("copying the React demo: {e}"))?;
    let page = app.join("page.jsx");
    let source = std::fs::read_to_string(&page).map_err(|e| format!("{}: {e}", page.display()))?;
    if !source.contains(COLOURS[0]) {
        return Err(format!("{}: no {} to edit", page.display(), COLOURS[0]));
    }
    let tools = marquee_bundle::Tools { esbuild: None, toolchain: Some(root.join("node_modules")) };
    let build = marquee_dev::Build::new(&app, tools).map_err(|e| e.to_string())?;
    if let Some(why) = &build.without_refresh {
        return Err(format!("the React demo builds without Fast Refresh: {why}"));
    }
    let mut options = Options::new(&app, engine_wasm);
    options.entry = build.entry();
    options.echo_console = false;
    options.offline = true;
    options.stop = Stop { frames: None, when_idle: false, timeout: Some(Duration::from_secs(300)) };
    let (tx, damaged) = mpsc::channel();
    let host = Host::start(options, Box::new(Damaged(tx))).map_err(|e| e.to_string())?;
    let builds = Arc::new(Mutex::new(Vec::new()));
    let heard = builds.clone();
    let dev = marquee_dev::Dev::start(build, host.input(), move |r| {
        heard.lock().unwrap_or_else(|e| e.into_inner()).push((r.build, r.failed.clone()));
    })
    .map_err(|e| e.to_string())?;

    let mut reloads = Reloads::default();
    let measured = (|| {
        for edit in 0..edits {
            settle(&damaged)?;
            let text = source.replace(COLOURS[0], COLOURS[(edit + 1) % 2]);
            let saved = save(&page, &text)?;
            let shown = damaged.recv_timeout(Duration::from_secs(30)).map_err(|_| "no frame showed the edit")?;
            reloads.latency_ms.push(shown.duration_since(saved).as_secs_f64() * 1000.0);
        }
        Ok::<(), String>(())
    })();
    host.input().send(Input::Quit);
    let report = host.join().map_err(|e| e.to_string());
    drop(dev);
    measured?;
    // Each edit was applied in place (the damage timed was the edit's, not some other's).
    let refreshed = report?.said("refreshed the app").len();
    if refreshed != edits {
        return Err(format!("{edits} edits but {refreshed} applied in place"));
    }
    for (build, failed) in builds.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        if let Some(why) = failed {
            return Err(format!("an edit did not build: {why}"));
        }
        reloads.build_ms.push(build.as_secs_f64() * 1000.0);
    }
    let _ = std::fs::remove_dir_all(&app);
    Ok(reloads)
}

/// Waits until no frame has had damage for [`QUIET`] (at most 10 s).
fn settle(damaged: &mpsc::Receiver<Instant>) -> Result<(), String> {
    let give_up = Instant::now() + Duration::from_secs(10);
    while damaged.recv_timeout(QUIET).is_ok() {
        if Instant::now() > give_up {
            return Err("the demo's screen never settled".into());
        }
    }
    Ok(())
}

/// Saves `text` to `path` as an editor does; returns when it was there to be seen.
fn save(path: &Path, text: &str) -> Result<Instant, String> {
    let tmp = path.with_extension("jsx~");
    std::fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Instant::now())
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == ".marquee" || name == "node_modules" {
            continue;
        }
        let (src, dst): (PathBuf, PathBuf) = (entry.path(), to.join(&name));
        if entry.file_type()?.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst)?;
        }
    }
    Ok(())
}

/// The figures as the bench prints them: p50, p95, min and max.
pub fn table(r: &Reloads) -> String {
    let row = |name: &str, v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        let p = |q| crate::percentile(&v, q);
        format!("{name:<28} {:>8.1} {:>8.1} {:>8.1} {:>8.1}\n", p(0.5), p(0.95), p(0.0), p(1.0))
    };
    format!(
        "{:<28} {:>8} {:>8} {:>8} {:>8}\n{}{}",
        format!("hot reload ({} edits)", r.latency_ms.len()),
        "p50 ms",
        "p95 ms",
        "min",
        "max",
        row("save -> changed frame", &r.latency_ms),
        row("  of which esbuild", &r.build_ms),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_gives_each_figures_median_tail_and_range() {
        let r = Reloads { latency_ms: (1..=20).map(f64::from).rev().collect(), build_ms: vec![40.0; 20] };
        let table = table(&r);
        assert!(table.contains("hot reload (20 edits)"), "{table}");
        // 20 values: the median rounds to the 11th, p95 to the 19th.
        assert!(table.contains("save -> changed frame            11.0     19.0      1.0     20.0"), "{table}");
        assert!(table.contains("40.0     40.0     40.0     40.0"), "{table}");
    }

    #[test]
    fn the_demo_has_the_colour_the_edits_change() {
        let page = marquee_engine_contract::paths::workspace_root().join("apps/demo-react/page.jsx");
        assert_eq!(std::fs::read_to_string(page).unwrap().matches(COLOURS[0]).count(), 1);
    }
}
