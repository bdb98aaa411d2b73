//! `marquee run --device NAME` through the real command: each built-in profile's screen, engine
//! runtime and renderer reach the run (its report says so), a flag given as well wins over the
//! profile, and an unknown profile or a bad profile file is refused with what is wrong; the demo
//! runs in a window (under Xvfb) drawn by the GPU backend with the GPU profiles, and under
//! `marquee dev` that window shows the problem panel over what the GPU presents.

#[allow(dead_code, reason = "the shared helpers this file does not use")]
mod common;

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

/// An X server of its own (Xvfb, which `.ci/run` installs), stopped when dropped.
///
/// Xvfb picks the display number itself (`-displayfd`): it skips the numbers in use and takes
/// over the lock files a killed server left behind, which a scan of `/tmp` here could only skip
/// (and a machine that runs the tests often ran out of numbers that way). It writes the number
/// once it accepts connections, so nothing polls for its socket.
struct Xvfb(std::process::Child, String);

impl Xvfb {
    fn start() -> Xvfb {
        use std::io::BufRead;
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("Xvfb: {e} (install Debian's xvfb)"));
        let mut line = String::new();
        // EOF (an empty line) when the server gave up before it could listen.
        let read = std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line);
        let x = Xvfb(child, format!(":{}", line.trim()));
        match read {
            Ok(_) if line.trim().parse::<u32>().is_ok() => x,
            _ => panic!("Xvfb did not start (it said {line:?} for its display)"),
        }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        // SIGTERM, so the server removes its socket and lock file; SIGKILL only if that fails.
        let term = Command::new("kill").arg(self.0.id().to_string()).status();
        if !term.is_ok_and(|s| s.success()) {
            let _ = self.0.kill();
        }
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

/// The top-left `width × height` pixels of X display `display`'s root window, as opaque RGBA,
/// through `xwd` (Debian's x11-apps): its dump is a big-endian header, a colour map and 32-bit
/// pixels (blue, green, red, unused in memory on a little-endian server).
fn screen(display: &str, width: usize, height: usize) -> Result<Vec<u8>, String> {
    let out = Command::new("xwd")
        .args(["-root", "-silent", "-display", display])
        .output()
        .map_err(|e| format!("xwd: {e} (install Debian's x11-apps)"))?;
    let d = out.stdout;
    let word = |i: usize| d.get(i * 4..i * 4 + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let (Some(header), Some(w), Some(h), Some(bits), Some(line), Some(colours)) =
        (word(0), word(4), word(5), word(11), word(12), word(19))
    else {
        return Err("xwd wrote no header".into());
    };
    if bits != 32 || w < width || h < height {
        return Err(format!("a {w}x{h} screen of {bits}-bit pixels"));
    }
    let pixels = d.get(header + colours * 12..).ok_or("xwd wrote no pixels")?;
    let mut rgba = Vec::with_capacity(width * height * 4);
    for y in 0..height {
        let row = pixels.get(y * line..y * line + width * 4).ok_or("xwd's pixels end early")?;
        rgba.extend(row.chunks_exact(4).flat_map(|p| [p[2], p[1], p[0], 255]));
    }
    Ok(rgba)
}

/// Waits until the pixel at `(x, y)` of a 640 × 360 window on `display`, as the X server shows
/// it (RGB), passes `ok`; fails the test, naming `what`, after 30 seconds.
fn until_shown(display: &str, (x, y): (usize, usize), what: &str, ok: &dyn Fn([u8; 3]) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let at = (y * 640 + x) * 4;
        let pixel = screen(display, 640, 360).map(|s| [s[at], s[at + 1], s[at + 2]]);
        if pixel.as_ref().is_ok_and(|p| ok(*p)) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "the window never showed {what}: {pixel:?}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// What the window shows is the demo's home page as the GPU backend draws it, presented in the
/// window by EGL itself: read from the X server while the run goes on, it comes within the
/// backends' tolerance of the CPU's golden image.
#[test]
fn the_window_shows_the_frames_the_gpu_presents_in_it() {
    let x = Xvfb::start();
    let report = std::env::temp_dir().join(format!("marquee-devices-shown-{}.json", std::process::id()));
    // 600 frames paced at 60 Hz: ten seconds on screen, then a report.
    let mut run = Command::new(MARQUEE)
        .env("DISPLAY", &x.1)
        .env_remove("WAYLAND_DISPLAY")
        .arg("run")
        .arg(root().join("apps/demo"))
        .args(["--quiet", "--offline", "--no-storage", "--virtual-time", "--renderer", "gpu", "--frames", "600"])
        .arg("--report")
        .arg(&report)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let golden = root().join("tests/snapshots/host/demo-home.png");
    // No window manager: the window sits at the screen's top-left corner.
    let mut last = String::from("nothing read");
    let shown = (0..150).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(200));
        match screen(&x.1, 1280, 720)
            .and_then(|rgba| marquee_test_support::golden::similarity(&golden, 1280, 720, &rgba))
        {
            Ok(s) if s.within >= 0.995 && s.mean_error <= 0.5 => true,
            Ok(s) => {
                last = format!("{s:?}");
                false
            }
            Err(e) => {
                last = e;
                false
            }
        }
    });
    if !shown {
        let _ = run.kill();
    }
    let out = run.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(shown, "the window never showed the home page ({last}); {stderr}");
    assert!(out.status.success(), "{stderr}");
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let _ = std::fs::remove_file(&report);
    assert_eq!(r["front_end"], "window");
    let renderer = r["renderer"].as_str().unwrap_or_default();
    assert!(renderer.starts_with("gpu") && renderer.contains("presenting in the X11 window"), "{renderer}");
}

/// `marquee dev` with the GPU presenting in the window: an edit that throws puts the problem
/// panel over the frames the GPU presents (read from the X server), and the fix takes it away.
#[test]
fn the_problem_panel_shows_in_a_window_the_gpu_presents_in() {
    let x = Xvfb::start();
    // In the checkout: an app that runs from its directory finds the SDK in node_modules above.
    let dir = root().join("target/tmp").join(format!("marquee-devices-panel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let app = |color: &str| {
        format!(
            "import {{ createApp }} from '@marquee/sdk';\n\
             const app = createApp();\n\
             app.root.append(app.view({{ width: 640, height: 360, backgroundColor: '{color}' }}));\n"
        )
    };
    std::fs::write(dir.join("package.json"), r#"{ "name": "panel", "main": "main.js" }"#).unwrap();
    std::fs::write(dir.join("main.js"), app("#00ff00")).unwrap();
    let mut command = Command::new(MARQUEE);
    command.env("DISPLAY", &x.1).env_remove("WAYLAND_DISPLAY").current_dir(&dir);
    command.args([
        "dev",
        ".",
        "--renderer",
        "gpu",
        "--size",
        "640x360",
        "--offline",
        "--no-storage",
        "--timeout",
        "90",
    ]);
    let mut dev = common::Running::spawn(command);
    dev.wait_for("presenting in the X11 window");
    dev.wait_for("dev: watching");
    // A pixel of the panel's place, along the bottom edge, as the X server shows it.
    let until = |what: &str, ok: &dyn Fn([u8; 3]) -> bool| until_shown(&x.1, (40, 330), what, ok);
    until("the app", &|p| p == [0, 255, 0]);
    std::fs::write(dir.join("main.js"), "throw new Error('the edit is broken');\n").unwrap();
    dev.wait_for("the edit is broken");
    until("the panel", &|p| (70..110).contains(&p[0]) && p[1] < 40 && p[2] < 40);
    std::fs::write(dir.join("main.js"), app("#0000ff")).unwrap();
    until("the fixed app, without the panel", &|p| p == [0, 0, 255]);
    assert!(dev.running(), "`marquee dev` ended");
    dev.kill();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An app of one file, `main_js`, running in a window on `x`'s display: its directory (removed
/// by [`WindowRun::end`]) and the `marquee run` process, once it draws.
struct WindowRun {
    dir: PathBuf,
    run: common::Running,
    display: String,
}

impl WindowRun {
    fn start(x: &Xvfb, name: &str, main_js: &str) -> WindowRun {
        let dir = root().join("target/tmp").join(format!("marquee-devices-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("package.json"), format!(r#"{{ "name": "{name}", "main": "main.js" }}"#)).unwrap();
        std::fs::write(dir.join("main.js"), main_js).unwrap();
        let mut command = Command::new(MARQUEE);
        command.env("DISPLAY", &x.1).env_remove("WAYLAND_DISPLAY").current_dir(&dir);
        command.args(["run", ".", "--size", "640x360", "--offline", "--no-storage", "--timeout", "90"]);
        let mut run = common::Running::spawn(command);
        run.wait_for("drawing with the cpu");
        WindowRun { dir, run, display: x.1.clone() }
    }

    /// Presses and releases `key` (an X keysym name) in the window, through the X server as a
    /// keyboard would (xdotool).
    fn press(&self, key: &str) {
        let status = Command::new("xdotool")
            .env("DISPLAY", &self.display)
            .args(["search", "--sync", "--name", "Marquee", "windowfocus", "--sync", "key", key])
            .status()
            .unwrap_or_else(|e| panic!("xdotool: {e} (install Debian's xdotool)"));
        assert!(status.success(), "xdotool failed");
    }

    fn end(mut self) {
        assert!(self.run.running(), "`marquee run` ended");
        self.run.kill();
        std::fs::remove_dir_all(&self.dir).unwrap();
    }
}

/// F12 in a window steps the debug overlay on: shown (its panels over the app's top-right
/// corner, as the X server shows them), its inspector, hidden (the app's own pixels back). The
/// key goes through the X server as a keyboard's would (xdotool).
#[test]
fn f12_shows_and_hides_the_overlay_in_a_window() {
    let x = Xvfb::start();
    let window = WindowRun::start(
        &x,
        "overlay",
        "import { createApp } from '@marquee/sdk';\n\
         const app = createApp();\n\
         app.root.append(app.view({ width: 640, height: 360, backgroundColor: '#00ff00' }));\n",
    );
    // A pixel of the overlay's column in its margin, where no text or timeline bar goes (the
    // bars follow the frames' times), as the X server shows it.
    let until = |what: &str, ok: &dyn Fn([u8; 3]) -> bool| until_shown(&x.1, (622, 20), what, ok);
    let green = |p: [u8; 3]| p == [0, 255, 0];
    let panel = |p: [u8; 3]| p[1] < 100;
    until("the app", &green);
    window.press("F12");
    until("the overlay", &panel);
    window.press("F12");
    until("the inspector", &panel);
    window.press("F12");
    until("the app again, without the overlay", &green);
    window.end();
}

/// Typed text and the colour keys through the X server, as a keyboard gives them (xdotool):
/// `q` reaches the app as text, F1 as the red key, and the app paints what it got.
#[test]
fn a_keyboard_types_text_and_presses_remote_keys_in_a_window() {
    let x = Xvfb::start();
    let window = WindowRun::start(
        &x,
        "typing",
        "import { createApp } from '@marquee/sdk';\n\
         const app = createApp();\n\
         const screen = app.view({ width: 640, height: 360, backgroundColor: '#00ff00', focusable: 'yes' });\n\
         app.root.append(screen);\n\
         app.on('text', (e) => { if (e.text === 'q') screen.set('backgroundColor', '#0000ff'); });\n\
         app.on('key', (e) => { if (e.key === 'red' && e.action === 'press') screen.set('backgroundColor', '#ff0000'); });\n",
    );
    let until = |what: &str, want: [u8; 3]| until_shown(&x.1, (320, 180), what, &|p| p == want);
    until("the app", [0, 255, 0]);
    window.press("q");
    until("the app's answer to the text", [0, 0, 255]);
    window.press("F1");
    until("the app's answer to the red key", [255, 0, 0]);
    window.end();
}
