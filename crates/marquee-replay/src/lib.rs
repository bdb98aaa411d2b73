//! The parity harness: one input stream through the native engine, engine.wasm (wasmtime) and
//! engine.js (QuickJS), compared frame by frame, byte for byte — display list, damage, events
//! and requests.
//!
//! The stream is a recording (`marquee run --record`, read by
//! `marquee_engine_contract::stream::parse`) or any list of steps. Each build measures text with
//! its own copy of the same text service, as a device would. `marquee replay` is the command-line
//! face of [`replay`].
//!
//! [`node`] runs engine.js in Node as well (and `js/replay.mjs` in a browser): a JavaScript host
//! has no text service, so it answers the engine's measurements from the native run's log,
//! which the engine asks for in the same order in every build.

use std::fmt;

use marquee_display_list::text::TextLayout;
use marquee_engine::Engine;
use marquee_engine_contract::frame_text::describe;
use marquee_engine_contract::{Step, stream};
use marquee_engine_quickjs::JsEngine;
use marquee_engine_wasmtime::{DEFAULT_MEMORY_LIMIT, Runtime};
use marquee_text::SharedText;

/// Where a replay went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A build could not be loaded.
    Load(String),
    /// A build failed a call (the message names it).
    Failed(String),
    /// Two builds gave different frames.
    Diverged {
        /// The frame, counted from 1.
        frame: usize,
        /// The build that differs from the native engine.
        build: &'static str,
        /// The native frame and the other one, as text.
        native: String,
        /// The other build's frame, as text.
        other: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Load(e) => write!(f, "cannot load: {e}"),
            Error::Failed(e) => write!(f, "{e}"),
            Error::Diverged { frame, build, native, other } => {
                write!(
                    f,
                    "frame {frame}: {build} differs from the native engine\n--- native\n{native}\n--- {build}\n{other}"
                )
            }
        }
    }
}

impl std::error::Error for Error {}

/// Replays `steps` through the three builds; returns the number of frames, all identical.
/// `text` makes a text service (one per build, all alike).
pub fn replay(steps: &[Step], wasm: &[u8], js: &str, text: impl Fn() -> SharedText) -> Result<usize, Error> {
    let rt = Runtime::default();
    let module = rt.compile(wasm).map_err(|e| Error::Load(format!("engine.wasm: {e}")))?;
    let wasm = rt
        .instantiate_with_text(&module, DEFAULT_MEMORY_LIMIT, Box::new(text()))
        .map_err(|e| Error::Load(format!("engine.wasm: {e}")))?;
    let js = JsEngine::new(js, Box::new(text()), marquee_engine_quickjs::Limits::default())
        .map_err(|e| Error::Load(format!("engine.js: {e}")))?;
    let native = play("native", &mut Engine::with_text(Box::new(text())), steps)?;
    let builds: [(&'static str, Box<dyn marquee_engine_contract::Engine>); 2] =
        [("engine.wasm", Box::new(wasm)), ("engine.js", Box::new(js))];
    for (name, mut build) in builds {
        let frames = play(name, &mut *build, steps)?;
        if frames.len() != native.len() {
            return Err(Error::Failed(format!("{name}: {} frames, native {}", frames.len(), native.len())));
        }
        if let Some(i) = (0..native.len()).find(|&i| native[i] != frames[i]) {
            return Err(Error::Diverged {
                frame: i + 1,
                build: name,
                native: show(&native[i]),
                other: show(&frames[i]),
            });
        }
    }
    Ok(native.len())
}

/// Plays `steps` through one build; a failed call is an error that names the build and frame.
fn play(name: &str, engine: &mut dyn marquee_engine_contract::Engine, steps: &[Step]) -> Result<Vec<Vec<u8>>, Error> {
    stream::play(engine, steps).map_err(|(frames, e)| Error::Failed(format!("{name}: {e} (after {frames} frames)")))
}

/// A frame as text, or why it cannot be read.
fn show(frame: &[u8]) -> String {
    describe(frame).map(|t| format!("{t:?}")).unwrap_or_else(|e| e)
}

/// Text measurements as the engine asked for them: `[run, max width bits, width bits, height
/// bits]`, in order.
pub type Measures = Vec<[u32; 4]>;

/// A text service that logs every measurement it answers.
struct Logging<T> {
    inner: T,
    log: std::rc::Rc<std::cell::RefCell<Measures>>,
}

impl<T: TextLayout> TextLayout for Logging<T> {
    fn set(&mut self, run: u32, paragraph: &marquee_display_list::text::Paragraph<'_>) {
        self.inner.set(run, paragraph);
    }
    fn remove(&mut self, run: u32) {
        self.inner.remove(run);
    }
    fn measure(&mut self, run: u32, max_width: f32) -> marquee_display_list::text::TextSize {
        let size = self.inner.measure(run, max_width);
        self.log.borrow_mut().push([run, max_width.to_bits(), size.width.to_bits(), size.height.to_bits()]);
        size
    }
}

/// Runs `steps` through the native engine measuring with `text`, and returns its frames and the
/// measurements it asked for.
pub fn native_with_measures(steps: &[Step], text: impl TextLayout + 'static) -> (Vec<Vec<u8>>, Measures) {
    let log = std::rc::Rc::default();
    let mut engine = Engine::with_text(Box::new(Logging { inner: text, log: std::rc::Rc::clone(&log) }));
    // The native build never fails a call.
    let frames = stream::play(&mut engine, steps).unwrap_or_default();
    drop(engine);
    let measures = std::rc::Rc::try_unwrap(log).map(std::cell::RefCell::into_inner).unwrap_or_default();
    (frames, measures)
}

/// A stream as `js/replay.mjs` reads it (JSON): the steps, and the measurements to answer.
pub fn stream_json(steps: &[Step], measures: &Measures) -> String {
    let steps: Vec<String> = steps
        .iter()
        .map(|step| match step {
            Step::Batch(cmds) => format!("{{\"raw\":\"{}\"}}", hex::encode(marquee_protocol::encode_batch(cmds))),
            Step::Raw(bytes) => format!("{{\"raw\":\"{}\"}}", hex::encode(bytes)),
            Step::Key(k, a) => format!("{{\"key\":[{},{}]}}", *k as u32, *a as u32),
            Step::Text(c) => format!("{{\"text\":{}}}", *c as u32),
            Step::Image(h, Ok((w, ht))) => format!("{{\"ready\":[{h},{w},{ht}]}}"),
            Step::Image(h, Err(reason)) => format!("{{\"failed\":[{h},{}]}}", *reason as u32),
            Step::Budget(b) => format!("{{\"budget\":[{},{}]}}", *b as u32, b >> 32),
            // Frame times are whole or short decimals in streams; `{:?}` prints them so that
            // JavaScript reads back the same double.
            Step::Frame(t) => format!("{{\"frame\":{t:?}}}"),
        })
        .collect();
    let measures: Vec<String> = measures.iter().map(|m| format!("[{},{},{},{}]", m[0], m[1], m[2], m[3])).collect();
    format!("{{\"steps\":[{}],\"measures\":[{}]}}", steps.join(","), measures.join(","))
}

/// Replays each stream through engine.js under Node (`node` on the PATH, WebAssembly removed)
/// and compares every frame with the native engine's. Returns the number of frames compared.
pub fn node(engine_js: &std::path::Path, streams: &[Vec<Step>], text: impl Fn() -> SharedText) -> Result<usize, Error> {
    js_host("engine.js in Node", "node.mjs", engine_js, streams, text)
}

/// Like [`node`], in headless Chromium with no WebAssembly object (`js/browser.mjs`: Debian's
/// Chromium, or `CHROMIUM`, driven by the workspace's playwright-core).
pub fn browser(
    engine_js: &std::path::Path,
    streams: &[Vec<Step>],
    text: impl Fn() -> SharedText,
) -> Result<usize, Error> {
    js_host("engine.js in Chromium", "browser.mjs", engine_js, streams, text)
}

/// Runs `js/RUNNER` under Node on the streams and compares what it prints with the native frames.
fn js_host(
    build: &'static str,
    runner: &str,
    engine_js: &std::path::Path,
    streams: &[Vec<Step>],
    text: impl Fn() -> SharedText,
) -> Result<usize, Error> {
    let mut natives = Vec::new();
    let mut json = Vec::new();
    for steps in streams {
        let (frames, measures) = native_with_measures(steps, text());
        json.push(stream_json(steps, &measures));
        natives.push(frames);
    }
    // A file of its own per call: the Node and Chromium replays run at once in one test process,
    // and a name from the process id alone let one delete the other's streams.
    let mut file = tempfile::Builder::new()
        .prefix("marquee-streams-")
        .suffix(".json")
        .tempfile()
        .map_err(|e| Error::Load(format!("a temporary file for the streams: {e}")))?;
    std::io::Write::write_all(&mut file, format!("[{}]", json.join(",")).as_bytes())
        .map_err(|e| Error::Load(format!("{}: {e}", file.path().display())))?;
    let runner = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("js").join(runner);
    let out = std::process::Command::new("node").arg(runner).arg(engine_js).arg(file.path()).output();
    let out = out.map_err(|e| Error::Load(format!("node: {e}")))?;
    if !out.status.success() {
        return Err(Error::Failed(format!("{build}: {}", String::from_utf8_lossy(&out.stderr))));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut outputs = text.split("--\n");
    let mut compared = 0;
    for (s, native) in natives.iter().enumerate() {
        let frames: Vec<&str> = outputs.next().unwrap_or("").lines().collect();
        if frames.len() != native.len() {
            return Err(Error::Failed(format!(
                "stream {s}: {build} gave {} frames, native {}",
                frames.len(),
                native.len()
            )));
        }
        for (i, (n, j)) in native.iter().zip(frames).enumerate() {
            if hex::encode(n) != j {
                let other = hex::decode(j).map(|b| show(&b)).unwrap_or_else(|e| e.to_string());
                return Err(Error::Diverged { frame: i + 1, build, native: show(n), other });
            }
            compared += 1;
        }
    }
    Ok(compared)
}
