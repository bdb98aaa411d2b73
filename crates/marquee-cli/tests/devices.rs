//! `marquee run --device NAME` through the real command: each built-in profile's screen, engine
//! runtime and renderer reach the run (its report says so), a flag given as well wins over the
//! profile, and an unknown profile or a bad profile file is refused with what is wrong.

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
