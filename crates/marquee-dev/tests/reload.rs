//! The development loop end to end: a real host runs an app from a scratch directory, the test
//! edits the app's files as an editor would, and the frames the host presents must show each
//! edit; an edit that does not build, or throws while the app starts, must leave the last good
//! app on screen with the problem drawn over it, until the next good edit takes both away.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use marquee_dev::{Build, Dev, Rebuild};
use marquee_engine_contract::paths;
use marquee_host::{Canvas, Host, Input, IntRect, Key, KeyAction, Options, Presenter, Stop, Vitals};

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
        let build = Build::new(app, tools).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(build.without_refresh, None);
        options.entry = build.entry();
        let vitals = options.vitals.clone();
        let (tx, frames) = mpsc::channel();
        let host = Host::start(options, Box::new(Sampler(tx))).unwrap();
        let rebuilds = Arc::new(Mutex::new(Vec::new()));
        let heard = rebuilds.clone();
        let dev = Dev::start(build, host.input(), move |r| heard.lock().unwrap().push(r.clone())).unwrap();
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
    /// or failed to, or took the edit in place. Waiting for the load, not for a frame, keeps the next save from racing the
    /// host's read of this one (a failed load looks like the one before it on screen).
    fn load(&self, file: &str, text: &str) {
        let loads = || {
            let v = &self.vitals;
            [&v.reloads, &v.failed_reloads, &v.refreshes].iter().map(|n| n.load(Ordering::Relaxed)).sum::<u64>()
        };
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

    /// Saves `text` to the app's `file` and waits until the loop has rebuilt the app (for an
    /// edit that never reaches the app: one that does not build, or undoes one).
    fn rebuild(&self, file: &str, text: &str) {
        let before = self.rebuilds.lock().unwrap().len();
        save(&self.dir.join(file), text);
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.rebuilds.lock().unwrap().len() == before {
            assert!(Instant::now() < deadline, "no rebuild after the edit of {file}");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Presses and releases Enter.
    fn press_enter(&self) {
        let input = self.host.as_ref().unwrap().input();
        input.send(Input::Key(Key::Enter, KeyAction::Press));
        input.send(Input::Key(Key::Enter, KeyAction::Release));
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

/// A React page whose state is a count, shown as one of `palette.js`'s colours; Enter counts.
/// `extra` goes at the top of the component (a hook added, or a throw).
fn counter_page(extra: &str) -> String {
    format!(
        "import {{ useState, useRef }} from 'react';\n\
         import {{ View }} from '@marquee/react';\n\
         import {{ PALETTE }} from './palette.js';\n\
         function Fill({{ color }}) {{\n\
           return <View style={{{{ width: 640, height: 360, backgroundColor: color }}}} />;\n\
         }}\n\
         export function Page() {{\n\
           {extra}\n\
           const [count, setCount] = useState(0);\n\
           return (\n\
             <View focusable autoFocus onSelect={{() => setCount(count + 1)}} style={{{{ width: 640, height: 360 }}}}>\n\
               <Fill color={{PALETTE[count % 3]}} />\n\
             </View>\n\
           );\n\
         }}\n"
    )
}

/// The colours, in a module of their own: not a component's, so an edit to it runs the page's
/// module again too.
fn palette(colours: [&str; 3]) -> String {
    let [a, b, c] = colours;
    format!("export const PALETTE = ['{a}', '{b}', '{c}'];\n")
}

const FIRST: [&str; 3] = ["#ff0000", "#00ff00", "#0000ff"];
const SECOND: [&str; 3] = ["#ff00ff", "#ffff00", "#00ffff"];

#[test]
fn a_react_app_takes_an_edit_in_place_and_keeps_its_state() {
    let app = scratch("react");
    std::fs::write(
        app.join("package.json"),
        r#"{ "name": "dev-react", "main": "main.jsx", "dependencies": { "@marquee/react": "*", "react": "*" } }"#,
    )
    .unwrap();
    let main = |key: &str| {
        format!(
            "import {{ createApp }} from '@marquee/sdk';\n\
             import {{ createRoot }} from '@marquee/react';\n\
             import {{ Page }} from './page.jsx';\n\
             createRoot(createApp()).render(<Page key='{key}' />);\n"
        )
    };
    std::fs::write(app.join("main.jsx"), main("first")).unwrap();
    std::fs::write(app.join("page.jsx"), counter_page("")).unwrap();
    std::fs::write(app.join("palette.js"), palette(FIRST)).unwrap();
    let tools = marquee_bundle::Tools { esbuild: None, toolchain: Some(paths::workspace_root().join("node_modules")) };
    let s = Session::start(&app, tools);
    s.until("the first app", |a, _| rgb(a) == [255, 0, 0]);
    s.press_enter();
    s.until("the count at 1", |a, _| rgb(a) == [0, 255, 0]);

    // The palette changes (in a module that is not a component's, so the page runs again too);
    // the count stays 1.
    s.load("palette.js", &palette(SECOND));
    s.until("the new palette at the same count", |a, _| rgb(a) == [255, 255, 0]);

    // An edit that does not build, then undone: the app never changed, and keeps its count.
    s.rebuild("page.jsx", &counter_page("const = ;"));
    s.until("the build error", |a, p| rgb(a) == [255, 255, 0] && is_panel(p));
    s.rebuild("page.jsx", &counter_page(""));
    s.until("the app without the problem", |a, p| rgb(a) == [255, 255, 0] && rgb(p) == [255, 255, 0]);

    // A hook added: the component starts afresh rather than get state of another shape.
    s.load("page.jsx", &counter_page("const seen = useRef(0);"));
    s.until("the count from 0", |a, _| rgb(a) == [255, 0, 255]);
    s.press_enter();
    s.until("the count at 1 again", |a, _| rgb(a) == [255, 255, 0]);

    // A render that throws: the screen says so, and React unmounts the app; the fix mounts it
    // again, from a count of 0.
    s.load("page.jsx", &counter_page("if (PALETTE) throw new Error('the render is broken');"));
    s.until("the problem", |_, p| is_panel(p));
    s.load("page.jsx", &counter_page(""));
    s.until("the app again, without the problem", |a, p| rgb(a) == [255, 0, 255] && rgb(p) == [255, 0, 255]);
    s.press_enter();
    s.until("the count at 1 once more", |a, _| rgb(a) == [255, 255, 0]);

    // An edit to the entry cannot be applied in place: the app starts again, from 0.
    s.load("main.jsx", &main("second"));
    s.until("the app started again", |a, _| rgb(a) == [255, 0, 255]);

    // Each edit that built was sent to be taken in place; the app found it could not take the
    // last.
    let rebuilds = s.rebuilds.lock().unwrap().clone();
    let seen: Vec<(bool, bool)> = rebuilds.iter().map(|r| (r.failed.is_some(), r.hot)).collect();
    let (built, failed) = ((false, true), (true, false));
    assert_eq!(seen, [built, failed, built, built, built, built, built], "{rebuilds:?}");
    let v = &s.vitals;
    assert_eq!((v.refreshes.load(Ordering::Relaxed), v.reloads.load(Ordering::Relaxed)), (4, 1));
    let log = s.finish();
    assert!(
        log.iter().any(|l| l.contains("The app failed to render the edit") && l.contains("the render is broken")),
        "{log:#?}"
    );
    assert_eq!(log.iter().filter(|l| l.starts_with("refreshed the app in place")).count(), 3, "{log:#?}");
    let _ = std::fs::remove_dir_all(&app);
}
