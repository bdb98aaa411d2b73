//! The app runtime against small apps written into temporary directories: modules and packages,
//! console, timers, frames, events, and the limits that keep a bad app from taking the host down.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use marquee_js::{AppRuntime, Error, Host, Level, Limits};

#[derive(Default)]
struct Recorder {
    batches: Vec<Vec<u8>>,
    lines: Vec<(Level, String)>,
}

impl Host for Recorder {
    fn send(&mut self, batch: Vec<u8>) {
        self.batches.push(batch);
    }
    fn log(&mut self, level: Level, message: &str) {
        self.lines.push((level, message.to_string()));
    }
}

impl Recorder {
    fn said(&self) -> Vec<String> {
        self.lines.iter().map(|(_, m)| m.clone()).collect()
    }
}

/// A fresh app directory holding `files` (path, source).
fn app(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("marquee-js-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, source) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, source).unwrap();
    }
    dir
}

fn start_with(dir: &Path, limits: Limits) -> (Result<AppRuntime, Error>, Rc<RefCell<Recorder>>) {
    let rec = Rc::new(RefCell::new(Recorder::default()));
    let rt = AppRuntime::start(dir, &dir.join("main.js"), (1280.0, 720.0), limits, rec.clone());
    (rt, rec)
}

fn start(dir: &Path) -> (AppRuntime, Rc<RefCell<Recorder>>) {
    let (rt, rec) = start_with(dir, Limits::default());
    (rt.unwrap_or_else(|e| panic!("app starts: {e}; log: {:?}", rec.borrow().lines)), rec)
}

#[test]
fn modules_packages_console_and_the_host_binding() {
    let dir = app(
        "modules",
        &[
            (
                "main.js",
                "import { twice } from './lib/math.js';\nimport { hello } from '@acme/greet';\nimport { tag } from '@acme/greet/tag';\n\
                console.log(hello(), twice(21), tag);\nconsole.warn({ a: [1, 2] });\n\
                const h = globalThis.__marqueeHost;\nconsole.info(h.viewport.width, h.viewport.height);\n\
                h.send(new Uint8Array([1, 2, 3]));\nawait Promise.resolve();\nh.send(new Uint8Array(0));",
            ),
            ("lib/math.js", "export const twice = (n) => n * 2;"),
            (
                "node_modules/@acme/greet/package.json",
                r#"{ "name": "@acme/greet", "exports": { ".": { "types": "./x.d.ts", "default": "./src/index.js" }, "./tag": "./src/tag.js" } }"#,
            ),
            ("node_modules/@acme/greet/src/index.js", "export const hello = () => 'hello';"),
            ("node_modules/@acme/greet/src/tag.js", "export const tag = 'v1';"),
        ],
    );
    let (_rt, rec) = start(&dir);
    let rec = rec.borrow();
    assert_eq!(rec.said(), ["hello 42 v1", r#"{"a":[1,2]}"#, "1280 720"]);
    assert_eq!(rec.lines[1].0, Level::Warn);
    assert_eq!(rec.batches, [vec![1, 2, 3], vec![]]);
}

#[test]
fn imports_stay_inside_the_app_and_its_packages() {
    let outside = app("outside", &[("secret.js", "export const s = 1;")]);
    for (name, import, why) in [
        (
            "escape",
            format!("import '../{}/secret.js';", outside.file_name().unwrap().to_str().unwrap()),
            "outside the app",
        ),
        ("absolute", format!("import '{}';", outside.join("secret.js").display()), "absolute paths"),
        ("missing", "import './nope.js';".into(), "nope.js"),
        ("nopkg", "import 'left-pad';".into(), "package left-pad not found"),
        ("json", "import './data.json';".into(), "not a JavaScript module"),
    ] {
        let dir = app(name, &[("main.js", import.as_str()), ("data.json", "{}")]);
        let (rt, _) = start_with(&dir, Limits::default());
        match rt {
            Err(Error::Load(msg)) => assert!(msg.contains(why), "{name}: {msg}"),
            Err(e) => panic!("{name}: wrong error {e:?}"),
            Ok(_) => panic!("{name}: loaded"),
        }
    }
    // A symlink inside the app that points out of it is followed, then refused.
    let dir = app("link", &[("main.js", "import './link/secret.js';")]);
    std::os::unix::fs::symlink(&outside, dir.join("link")).unwrap();
    match start_with(&dir, Limits::default()).0 {
        Err(Error::Load(msg)) => assert!(msg.contains("outside the app"), "{msg}"),
        other => panic!("{:?}", other.err()),
    }
}

#[test]
fn a_throwing_entry_module_is_an_exception_with_its_stack() {
    let dir = app("throws", &[("main.js", "function boom() { throw new TypeError('no tiles'); }\nboom();")]);
    match start_with(&dir, Limits::default()).0 {
        Err(Error::Exception(msg)) => {
            assert!(msg.contains("no tiles"), "{msg}");
            assert!(msg.contains("boom"), "stack names the function: {msg}");
        }
        other => panic!("{:?}", other.err()),
    }
    let dir = app("syntax", &[("main.js", "export const = 1;")]);
    assert!(matches!(start_with(&dir, Limits::default()).0, Err(Error::Exception(_))));
}

#[test]
fn timers_run_in_due_order_and_can_be_cleared() {
    let dir = app(
        "timers",
        &[(
            "main.js",
            "const t0 = performance.now();\n\
             setTimeout((x) => console.log('b', x), 30, 'arg');\n\
             setTimeout(() => console.log('a'), 10);\n\
             const gone = setTimeout(() => console.log('never'), 5);\n\
             clearTimeout(gone);\n\
             let n = 0; const every = setInterval(() => { n += 1; console.log('tick', n); if (n === 3) clearInterval(every); }, 15);\n\
             setTimeout(() => { throw new Error('timer fails'); }, 1);\n\
             setTimeout(() => Promise.resolve().then(() => console.log('job after timer')), 2);",
        )],
    );
    let (mut rt, rec) = start(&dir);
    let mut waits = 0;
    while let Some(next) = rt.run_timers().unwrap() {
        std::thread::sleep(next.saturating_duration_since(std::time::Instant::now()));
        waits += 1;
        assert!(waits < 100, "timers never finish");
    }
    let said = rec.borrow().said();
    let order: Vec<&str> = said.iter().map(String::as_str).filter(|s| !s.starts_with("timer threw")).collect();
    // 'tick 1' (15 ms) falls between 'a' (10 ms) and 'b' (30 ms); the rest follow in time order.
    assert_eq!(order[..3], ["job after timer", "a", "tick 1"]);
    assert!(order.contains(&"b arg") && order.contains(&"tick 3") && !order.contains(&"never"), "{order:?}");
    assert!(said.iter().any(|s| s.starts_with("timer threw: Error: timer fails")), "{said:?}");
    assert_eq!(rt.next_timer(), None);
}

#[test]
fn frames_and_events_reach_their_callbacks() {
    let dir = app(
        "frames",
        &[(
            "main.js",
            "globalThis.__marqueeHost.listen((bytes) => console.log('events', bytes.length, bytes[0]));\n\
             requestAnimationFrame((t) => { console.log('frame', t); requestAnimationFrame((t2) => console.log('next', t2)); });\n\
             const c = requestAnimationFrame(() => console.log('cancelled'));\ncancelAnimationFrame(c);",
        )],
    );
    let (mut rt, rec) = start(&dir);
    assert!(rt.wants_frame());
    rt.run_frame(16.5).unwrap();
    assert!(rt.wants_frame(), "a callback registered during a frame waits for the next");
    rt.run_frame(33.0).unwrap();
    assert!(!rt.wants_frame());
    rt.deliver(&[77, 81, 69, 86]).unwrap();
    assert_eq!(rec.borrow().said(), ["frame 16.5", "next 33", "events 4 77"]);
}

#[test]
fn an_endless_loop_is_interrupted_and_the_app_lives_on() {
    let dir = app(
        "loop",
        &[(
            "main.js",
            "globalThis.__marqueeHost.listen(() => { for (;;) {} });\nsetTimeout(() => console.log('still here'), 0);",
        )],
    );
    let limits = Limits { budget: Duration::from_millis(100), ..Limits::default() };
    let (rt, rec) = start_with(&dir, limits);
    let mut rt = rt.unwrap();
    let started = std::time::Instant::now();
    assert_eq!(rt.deliver(&[]), Err(Error::Interrupted(Duration::from_millis(100))));
    assert!(started.elapsed() < Duration::from_secs(10));
    // try/catch cannot swallow the interrupt either.
    assert!(matches!(rt.eval("try { while (true) {} } catch (e) {}"), Err(Error::Interrupted(_))));
    // The runtime still works: timers run, and a fresh entry gets a fresh budget.
    rt.run_timers().unwrap();
    assert_eq!(rec.borrow().said(), ["still here"]);
    rt.eval("console.log(6 * 7)").unwrap();
    assert_eq!(rec.borrow().said().last().unwrap(), "42");
}

#[test]
fn the_heap_limit_stops_a_memory_bomb_and_the_app_lives_on() {
    let dir = app(
        "bomb",
        &[("main.js", "globalThis.grow = () => { const a = []; for (;;) a.push(new Array(10000).fill(1)); };")],
    );
    let limits = Limits { memory: 16 << 20, ..Limits::default() };
    let (rt, _) = start_with(&dir, limits);
    let mut rt = rt.unwrap();
    assert_eq!(rt.eval("grow()"), Err(Error::OutOfMemory));
    assert!(rt.heap_bytes() <= 16 << 20);
    rt.eval("globalThis.ok = [1, 2, 3].map((x) => x * 2).join()").unwrap();
}

#[test]
fn unhandled_rejections_are_reported() {
    let dir = app("reject", &[("main.js", "Promise.reject(new Error('lost'));")]);
    let (_rt, rec) = start(&dir);
    let said = rec.borrow().said();
    assert!(said.iter().any(|s| s.starts_with("unhandled promise rejection: Error: lost")), "{said:?}");
    assert_eq!(rec.borrow().lines[0].0, Level::Error);
}

#[test]
fn exceptions_are_reported_once_with_their_type_message_and_place() {
    // A top-level throw: the entry's error, named by its type, and no unhandled rejection too.
    let dir = app("once", &[("main.js", "const tile = null;\nconsole.log(tile.title);\n")]);
    let (rt, rec) = start_with(&dir, Limits::default());
    match rt.err() {
        Some(Error::Exception(msg)) => {
            assert!(msg.starts_with("TypeError: cannot read property 'title' of null"), "{msg}");
            assert!(msg.contains("main.js:2"), "the place: {msg}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(rec.borrow().said(), Vec::<String>::new(), "reported once, by the error alone");

    // A callback's exception is logged with its type and message, not only the frames.
    let dir = app("callback", &[("main.js", "setTimeout(() => { const t = null; t.title; }, 0);")]);
    let (mut rt, rec) = start(&dir);
    rt.run_timers().unwrap();
    let said = rec.borrow().said();
    assert!(said[0].starts_with("timer threw: TypeError: cannot read property 'title' of null"), "{said:?}");
    assert!(said[0].contains("main.js:1"), "{said:?}");

    // A thrown non-error says what it was.
    let dir = app("null", &[("main.js", "throw null;")]);
    assert_eq!(start_with(&dir, Limits::default()).0.err(), Some(Error::Exception("null".into())));
}

#[test]
fn a_top_level_endless_loop_is_reported_as_an_interrupt() {
    let dir = app("top-loop", &[("main.js", "for (;;) {}")]);
    let limits = Limits { budget: Duration::from_millis(100), ..Limits::default() };
    assert_eq!(start_with(&dir, limits).0.err(), Some(Error::Interrupted(Duration::from_millis(100))));
}

#[test]
fn a_dynamic_import_with_a_syntax_error_names_its_file_and_line() {
    let dir = app(
        "dynamic",
        &[
            ("main.js", "await import('./pages/details.js');\n"),
            ("pages/details.js", "export const a = 1;\nexport const = 2;\n"),
        ],
    );
    match start_with(&dir, Limits::default()).0.err() {
        Some(Error::Exception(msg)) => {
            assert!(msg.starts_with("SyntaxError"), "{msg}");
            assert!(msg.contains("details.js:2"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_rejection_handled_in_the_same_turn_is_not_reported() {
    let dir = app(
        "handled-later",
        &[(
            "main.js",
            "const p = Promise.reject(new Error('later'));\nawait null;\np.catch(() => console.log('handled'));\n",
        )],
    );
    let (_rt, rec) = start(&dir);
    assert_eq!(rec.borrow().said(), ["handled"]);
}

#[test]
fn a_module_that_is_a_fifo_is_refused_instead_of_blocking() {
    let dir = app("fifo", &[("main.js", "import('./pipe.js').catch((e) => console.log('refused:', String(e)));")]);
    assert!(std::process::Command::new("mkfifo").arg(dir.join("pipe.js")).status().unwrap().success());
    let (_rt, rec) = start(&dir);
    let said = rec.borrow().said();
    assert!(said.iter().any(|s| s.starts_with("refused:") && s.contains("FIFO")), "{said:?}");
    let dir = app("fifo-static", &[("main.js", "import './pipe.js';")]);
    assert!(std::process::Command::new("mkfifo").arg(dir.join("pipe.js")).status().unwrap().success());
    match start_with(&dir, Limits::default()).0 {
        Err(Error::Load(msg)) => assert!(msg.contains("FIFO"), "{msg}"),
        other => panic!("{:?}", other.err()),
    }
}

/// A timer that schedules a million more: the ten-thousand-and-first throws, the app is told,
/// and running the timers stays cheap (it used to exhaust the heap on every wake).
#[test]
fn timers_are_bounded() {
    let dir = app(
        "timer-bomb",
        &[(
            "main.js",
            "setTimeout(() => {\n\
               try { for (let i = 0; i < 1e6; i++) setTimeout(() => {}, 60000); }\n\
               catch (e) { console.log(String(e)); }\n\
               try { for (let i = 0; i < 1e6; i++) requestAnimationFrame(() => {}); }\n\
               catch (e) { console.log(String(e)); }\n\
             }, 0);",
        )],
    );
    let (mut rt, rec) = start(&dir);
    for _ in 0..3 {
        rt.run_timers().unwrap();
    }
    let said = rec.borrow().said();
    assert_eq!(
        said,
        [
            "RangeError: too many timers: 10000 are already waiting",
            "RangeError: too many frame callbacks: 10000 are already waiting"
        ]
    );
    assert!(rt.next_timer().is_some());
}
