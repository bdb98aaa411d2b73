//! The development loop end to end: a real host runs an app from a scratch directory, the test
//! edits the app's files as an editor would, and the frames the host presents must show each
//! edit; an edit that does not build, or throws while the app starts, must leave the last good
//! app on screen with the problem drawn over it, until the next good edit takes both away.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use marquee_dev::{Dev, Rebuild};
use marquee_engine_contract::paths;
use marquee_host::{Canvas, Host, Input, IntRect, Options, Presenter, Stop, Vitals};

const SIZE: (u32, u32) = (640, 360);

/// Where the app paints its colour, and where the problem panel sits (the bottom edge).
const APP_PIXEL: (i32, i32) = (20, 20);
const PANEL_PIXEL: (i32, i32) = (40, 330);

/// Hands the test every presented frame's two sample pixels.
struct Sampler(mpsc::Sender<([u8; 4], [u8; 4])>);

fn pixel(canvas: &Canvas, (x, y): (i32, i32)) -> [u8; 4] {
    let at = (y as usize * canvas.bounds().w as usize + x as usize) * 4;
    canvas.pixmap().data()[at..at + 4].try_into().unwrap()
}

impl Presenter for Sampler {
    fn present(&mut self, canvas: &Canvas, _damage: &[IntRect]) -> bool {
        let _ = self.0.send((pixel(canvas, APP_PIXEL), pixel(canvas, PANEL_PIXEL)));
        true
    }
}

/// A running host with the loop attached.
struct Session {
    dir: PathBuf,
    frames: mpsc::Receiver<([u8; 4], [u8; 4])>,
    rebuilds: Arc<Mutex<Vec<Rebuild>>>,
    vitals: Arc<Vitals>,
    host: Option<Host>,
    dev: Option<Dev>,
}

impl Session {
    fn start(app: &Path, tools: marquee_bundle::Tools) -> Session {
        let wasm = paths::read_engine_wasm().unwrap_or_else(|e| panic!("{e}"));
        let mut options = Options::new(app, wasm);
        options.size = SIZE;
        options.echo_console = false;
        options.stop = Stop { frames: None, when_idle: false, timeout: Some(Duration::from_secs(60)) };
        if marquee_bundle::needs_compile(app) {
            options.entry = Some(marquee_bundle::compile(app, &tools).unwrap());
        }
        let vitals = options.vitals.clone();
        let (tx, frames) = mpsc::channel();
        let host = Host::start(options, Box::new(Sampler(tx))).unwrap();
        let rebuilds = Arc::new(Mutex::new(Vec::new()));
        let heard = rebuilds.clone();
        let dev = Dev::start(app, tools, host.input(), move |r| heard.lock().unwrap().push(r.clone())).unwrap();
        Session { dir: app.to_path_buf(), frames, rebuilds, vitals, host: Some(host), dev: Some(dev) }
    }

    /// Waits for a frame whose samples satisfy `ok`; panics with the last ones after 20 s.
    fn until(&self, what: &str, ok: impl Fn([u8; 4], [u8; 4]) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut last = None;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.frames.recv_timeout(left) {
                Ok((app, panel)) if ok(app, panel) => return,
                Ok(seen) => last = Some(seen),
                Err(_) => break,
            }
        }
        panic!("no frame showed {what}; the last showed {last:?}; rebuilds: {:?}", self.rebuilds.lock().unwrap());
    }

    /// Saves `text` to the app's `file` and waits until the host has loaded it: the app started,
    /// or failed to. Waiting for the load, not for a frame, keeps the next save from racing the
    /// host's read of this one (a failed load looks like the one before it on screen).
    fn load(&self, file: &str, text: &str) {
        let loads = || self.vitals.reloads.load(Ordering::Relaxed) + self.vitals.failed_reloads.load(Ordering::Relaxed);
        let before = loads();
        save(&self.dir.join(file), text);
        let deadline = Instant::now() + Duration::from_secs(20);
        while loads() == before {
            let seen = self.vitals.changes();
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                panic!("the host did not load the edit of {file}; rebuilds: {:?}", self.rebuilds.lock().unwrap());
            };
            if loads() == before {
                self.vitals.wait(seen, left);
            }
        }
    }

    /// Ends the run; returns its log.
    fn finish(mut self) -> Vec<String> {
        let host = self.host.take().unwrap();
        host.input().send(Input::Quit);
        let report = host.join().unwrap();
        drop(self.dev.take());
        report.log.into_iter().map(|(_, _, line)| line).collect()
    }
}

fn rgb(c: [u8; 4]) -> [u8; 3] {
    [c[0], c[1], c[2]]
}

/// The problem panel's dark red (see `marquee_host`'s problem panel).
fn is_panel(c: [u8; 4]) -> bool {
    (80..100).contains(&c[0]) && c[1] < 30 && c[2] < 30
}

fn scratch(name: &str) -> PathBuf {
    let dir = paths::target_dir().join("tmp").join(format!("dev-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `text` as a save does: a new file renamed over the old one.
fn save(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp~");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn plain_app(color: &str) -> String {
    format!(
        "import {{ createApp }} from '@marquee/sdk';\n\
         const app = createApp();\n\
         app.root.append(app.view({{ width: 640, height: 360, backgroundColor: '{color}' }}));\n"
    )
}

#[test]
fn an_edit_reloads_the_app_and_a_failing_one_keeps_it_with_the_problem_shown() {
    let app = scratch("plain");
    std::fs::write(app.join("package.json"), r#"{ "name": "dev-plain", "main": "main.js" }"#).unwrap();
    std::fs::write(app.join("main.js"), plain_app("#ff0000")).unwrap();
    let s = Session::start(&app, marquee_bundle::Tools::default());
    s.until("the first app", |a, _| rgb(a) == [255, 0, 0]);

    s.load("main.js", &plain_app("#00ff00"));
    s.until("the edit", |a, p| rgb(a) == [0, 255, 0] && rgb(p) == [0, 255, 0]);

    // Throws while it starts: the green app stays, with the problem over it.
    s.load("main.js", "throw new Error('the edit is broken');\n");
    s.until("the problem", |a, p| rgb(a) == [0, 255, 0] && is_panel(p));

    // A syntax error is the same.
    s.load("main.js", "const = ;\n");
    s.until("the problem, still", |a, p| rgb(a) == [0, 255, 0] && is_panel(p));

    s.load("main.js", &plain_app("#0000ff"));
    s.until("the fixed edit, without the problem", |a, p| rgb(a) == [0, 0, 255] && rgb(p) == [0, 0, 255]);

    let loads = (s.vitals.reloads.load(Ordering::Relaxed), s.vitals.failed_reloads.load(Ordering::Relaxed));
    assert_eq!(loads, (2, 2), "reloads that started, and that failed");
    let rebuilds = s.rebuilds.lock().unwrap().clone();
    assert!(rebuilds.iter().all(|r| r.changed == [PathBuf::from("main.js")] && r.failed.is_none()), "{rebuilds:?}");
    let log = s.finish();
    assert!(log.iter().any(|l| l.contains("the edit is broken")), "{log:#?}");
    assert!(log.iter().any(|l| l.contains("SyntaxError")), "{log:#?}");
    assert_eq!(log.iter().filter(|l| l.starts_with("reloaded the app")).count(), 2, "{log:#?}");
    let _ = std::fs::remove_dir_all(&app);
}

#[test]
fn an_edit_that_does_not_build_shows_the_compilers_error_and_keeps_the_app() {
    let app = scratch("tsx");
    let tsx = |color: &str| {
        format!(
            "import {{ createApp }} from '@marquee/sdk';\n\
             const tint = (c: string): string => c;\n\
             const app = createApp();\n\
             app.root.append(app.view({{ width: 640, height: 360, backgroundColor: tint('{color}') }}));\n"
        )
    };
    // TypeScript: esbuild strips the types.
    std::fs::write(app.join("package.json"), r#"{ "name": "dev-tsx", "main": "main.tsx" }"#).unwrap();
    std::fs::write(app.join("main.tsx"), tsx("#ff0000")).unwrap();
    let tools = marquee_bundle::Tools { esbuild: None, toolchain: Some(paths::workspace_root().join("node_modules")) };
    let s = Session::start(&app, tools);
    s.until("the first app", |a, _| rgb(a) == [255, 0, 0]);

    save(&app.join("main.tsx"), "const broken = <;\n");
    s.until("the build error", |a, p| rgb(a) == [255, 0, 0] && is_panel(p));
    let failed = s.rebuilds.lock().unwrap().iter().find_map(|r| r.failed.clone()).unwrap();
    assert!(failed.contains("main.tsx"), "{failed}");

    s.load("main.tsx", &tsx("#00ff00"));
    s.until("the fixed edit", |a, p| rgb(a) == [0, 255, 0] && rgb(p) == [0, 255, 0]);
    let log = s.finish();
    assert!(log.iter().any(|l| l.contains("The app does not build")), "{log:#?}");
    let _ = std::fs::remove_dir_all(&app);
}

#[test]
fn a_react_app_is_rebuilt_and_reloaded() {
    let app = scratch("react");
    std::fs::write(
        app.join("package.json"),
        r#"{ "name": "dev-react", "main": "main.jsx", "dependencies": { "@marquee/react": "*", "react": "*" } }"#,
    )
    .unwrap();
    std::fs::write(
        app.join("main.jsx"),
        "import { createApp } from '@marquee/sdk';\n\
         import { createRoot } from '@marquee/react';\n\
         import { Page } from './page.jsx';\n\
         createRoot(createApp()).render(<Page />);\n",
    )
    .unwrap();
    let page = |color: &str| {
        format!(
            "import {{ View, Text }} from '@marquee/react';\n\
             export const Page = () => (\n\
               <View style={{{{ width: 640, height: 360, backgroundColor: '{color}' }}}}>\n\
                 <Text style={{{{ fontSize: 30, color: '#ffffff' }}}}>Hello</Text>\n\
               </View>\n\
             );\n"
        )
    };
    std::fs::write(app.join("page.jsx"), page("#ff0000")).unwrap();
    let tools = marquee_bundle::Tools { esbuild: None, toolchain: Some(paths::workspace_root().join("node_modules")) };
    let s = Session::start(&app, tools);
    s.until("the first app", |a, _| rgb(a) == [255, 0, 0]);
    s.load("page.jsx", &page("#00ff00"));
    s.until("the edit", |a, _| rgb(a) == [0, 255, 0]);
    let rebuilds = s.rebuilds.lock().unwrap().clone();
    assert_eq!(rebuilds.last().unwrap().changed, [PathBuf::from("page.jsx")]);
    assert!(rebuilds.iter().all(|r| r.failed.is_none()), "{rebuilds:?}");
    s.finish();
    let _ = std::fs::remove_dir_all(&app);
}
