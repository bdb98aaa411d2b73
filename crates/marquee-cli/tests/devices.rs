//! `marquee run --device NAME` through the real command: each built-in profile's screen, engine
//! runtime and renderer reach the run (its report says so), a flag given as well wins over the
//! profile, and an unknown profile or a bad profile file is refused with what is wrong; the demo
//! runs in a window (under Xvfb) drawn by the GPU backend with the GPU profiles.

use std::path::{Path, PathBuf};
use std::process::Command;

const MARQUEE: &str = env!("CARGO_BIN_EXE_marquee");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs the demo headless on `device` with `extra` flags, for 20 frames; the report as JSON.
fn run(name: &str, device: &str, extra: &[&str]) -> Result<serde_json::Value, String> {
    let dir = std::env::temp_dir().join(format!("marquee-devices-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let report = dir.join("report.json");
    let out = Command::new(MARQUEE)
        .arg("run")
        .arg(root().join("apps/demo"))
        .args(["--headless", "--quiet", "--offline", "--no-storage", "--virtual-time", "--frames", "20"])
        .args(["--device", device])
        .args(extra)
        .arg("--cache")
        .arg(dir.join("modules"))
        .arg("--report")
        .arg(&report)
        .output()
        .map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(&report);
    let _ = std::fs::remove_dir_all(&dir);
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    serde_json::from_str(&text.map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

#[test]
fn each_profile_sets_the_screen_the_engine_and_the_renderer() {
    // (profile, size, engine, renderer starts with)
    let cases = [
        ("stick-720p", [1280, 720], "wasmi", "gpu"),
        ("legacy-no-wasm", [1280, 720], "js", "cpu"),
        ("tv-1080p", [1920, 1080], "wasm", "gpu"),
    ];
    for (device, size, engine, renderer) in cases {
        let r = run(device, device, &[]).unwrap_or_else(|e| panic!("{device}: {e}"));
        assert_eq!(r["engine"], engine, "{device}: {r:#}");
        assert!(r["renderer"].as_str().is_some_and(|s| s.starts_with(renderer)), "{device}: {}", r["renderer"]);
        assert_eq!(r["size"], serde_json::json!(size), "{device}");
        assert!(r["frames"].as_array().is_some_and(|f| !f.is_empty()), "{device}");
    }
    // A flag wins over the profile.
    let r = run("override", "stick-720p", &["--engine", "wasm", "--renderer", "cpu", "--size", "640x360"]).unwrap();
    assert_eq!((r["engine"].as_str(), r["renderer"].as_str()), (Some("wasm"), Some("cpu")));
    assert_eq!(r["size"], serde_json::json!([640, 360]));
}

#[test]
fn an_unknown_profile_or_a_bad_file_is_refused() {
    let e = run("unknown", "fridge", &[]).unwrap_err();
    assert!(e.contains("no device profile `fridge`") && e.contains("stick-720p"), "{e}");
    let dir = std::env::temp_dir().join(format!("marquee-devices-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("odd.toml");
    std::fs::write(&file, "description = \"odd\"\n[display]\nsize = [1280, 720]\nrefresh = 60\nvsync = true\n")
        .unwrap();
    let e = run("bad", file.to_str().unwrap(), &[]).unwrap_err();
    assert!(e.contains("device profile odd") && e.contains("vsync"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An X server of its own (Xvfb, which `.ci/run` installs) on a free display number, stopped
/// when dropped.
struct Xvfb(std::process::Child, String);

impl Xvfb {
    fn start() -> Xvfb {
        for n in 90..120 {
            if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() || Path::new(&format!("/tmp/.X{n}-lock")).exists() {
                continue;
            }
            let display = format!(":{n}");
            let child = Command::new("Xvfb")
                .args([display.as_str(), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("Xvfb: {e} (install Debian's xvfb)"));
            // Owned (and so stopped) from here on; up when its socket is there.
            let x = Xvfb(child, display);
            for _ in 0..100 {
                if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                    return x;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            panic!("Xvfb {} did not start", x.1);
        }
        panic!("no free X display number");
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_demo_runs_in_a_window_on_the_gpu_with_each_gpu_profile() {
    let x = Xvfb::start();
    for device in ["stick-720p", "tv-1080p"] {
        let dir = std::env::temp_dir().join(format!("marquee-devices-window-{}-{device}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (report, shot) = (dir.join("report.json"), dir.join("window.png"));
        let out = Command::new(MARQUEE)
            .env("DISPLAY", &x.1)
            .env_remove("WAYLAND_DISPLAY")
            .arg("run")
            .arg(root().join("apps/demo"))
            .args(["--quiet", "--offline", "--no-storage", "--virtual-time", "--frames", "60", "--device", device])
            .arg("--cache")
            .arg(dir.join("modules"))
            .arg("--report")
            .arg(&report)
            .arg("--screenshot")
            .arg(&shot)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{device}: {stderr}");
        let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
        assert_eq!(r["front_end"], "window", "{device}: {stderr}");
        assert!(r["renderer"].as_str().is_some_and(|s| s.starts_with("gpu")), "{device}: {}", r["renderer"]);
        let drew: u64 = r["frames"].as_array().unwrap().iter().filter_map(|f| f["draw_calls"].as_u64()).sum();
        assert!(drew > 0, "{device}: no draw call");
        // The window was the profile's screen: so is the frame it showed.
        let png = std::fs::read(&shot).unwrap();
        let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
        assert_eq!(
            [size(16), size(20)],
            r["size"].as_array().map(|s| [s[0].as_u64().unwrap() as u32, s[1].as_u64().unwrap() as u32]).unwrap()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
