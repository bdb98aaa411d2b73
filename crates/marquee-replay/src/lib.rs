//! The parity harness: one input stream through the native engine, engine.wasm (wasmtime) and
//! engine.js (QuickJS), compared frame by frame, byte for byte — display list, damage, events
//! and requests.
//!
//! The stream is a recording (`marquee run --record`, read by
//! `marquee_test_support::recording`) or any list of scene steps. Each build measures text with
//! its own copy of the same text service, as a device would. `marquee replay` is the command-line
//! face of [`replay`].

use std::fmt;

use marquee_engine::Engine;
use marquee_engine_quickjs::JsEngine;
use marquee_engine_wasmtime::{DEFAULT_MEMORY_LIMIT, Runtime, WasmEngine};
use marquee_protocol::{ImageError, Key, KeyAction};
use marquee_test_support::scene::{self, Step, Target};
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
    let native = scene::run(&mut Native(Engine::with_text(Box::new(text()))), steps);
    let mut builds: [(&'static str, Box<dyn Build>); 2] =
        [("engine.wasm", Box::new(Wasm(wasm, None))), ("engine.js", Box::new(Js(js, None)))];
    for (name, build) in &mut builds {
        let frames = scene::run(build.target(), steps);
        if let Some(e) = build.failure() {
            return Err(Error::Failed(format!("{name}: {e}")));
        }
        if frames.len() != native.len() {
            return Err(Error::Failed(format!("{name}: {} frames, native {}", frames.len(), native.len())));
        }
        if let Some(i) = (0..native.len()).find(|&i| native[i] != frames[i]) {
            let show = |f: &[u8]| scene::describe(f).map(|t| format!("{t:?}")).unwrap_or_else(|e| e);
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

/// A build under replay: a scene target that remembers its first failure.
trait Build {
    fn target(&mut self) -> &mut dyn Target;
    fn failure(&self) -> Option<&str>;
}

struct Native(Engine);

impl Target for Native {
    fn apply(&mut self, batch: &[u8]) {
        self.0.apply(batch);
    }
    fn frame(&mut self, time_ms: f64) -> Vec<u8> {
        self.0.frame(time_ms).to_vec()
    }
    fn key(&mut self, key: Key, action: KeyAction) {
        self.0.key(key, action);
    }
    fn image(&mut self, handle: u32, result: Result<(u32, u32), ImageError>) {
        match result {
            Ok((w, h)) => self.0.image_ready(handle, w, h),
            Err(e) => self.0.image_failed(handle, e),
        };
    }
    fn budget(&mut self, bytes: u64) {
        self.0.set_texture_budget(bytes);
    }
}

/// Implements [`Target`] and [`Build`] for an engine handle whose calls return `Result`, keeping
/// the first error (later calls on a failed instance fail too, and frames come back empty).
macro_rules! fallible {
    ($name:ident, $engine:ty) => {
        struct $name($engine, Option<String>);

        impl $name {
            fn keep<T: Default, E: fmt::Display>(&mut self, r: Result<T, E>) -> T {
                r.unwrap_or_else(|e| {
                    self.1.get_or_insert(e.to_string());
                    T::default()
                })
            }
        }

        impl Target for $name {
            fn apply(&mut self, batch: &[u8]) {
                let r = self.0.apply(batch);
                self.keep(r);
            }
            fn frame(&mut self, time_ms: f64) -> Vec<u8> {
                let r = self.0.frame(time_ms);
                self.keep(r)
            }
            fn key(&mut self, key: Key, action: KeyAction) {
                let r = self.0.key(key, action);
                self.keep(r);
            }
            fn image(&mut self, handle: u32, result: Result<(u32, u32), ImageError>) {
                let r = match result {
                    Ok((w, h)) => self.0.image_ready(handle, w, h),
                    Err(e) => self.0.image_failed(handle, e),
                };
                self.keep(r);
            }
            fn budget(&mut self, bytes: u64) {
                let r = self.0.set_texture_budget(bytes);
                self.keep(r);
            }
        }

        impl Build for $name {
            fn target(&mut self) -> &mut dyn Target {
                self
            }
            fn failure(&self) -> Option<&str> {
                self.1.as_deref()
            }
        }
    };
}

fallible!(Wasm, WasmEngine);
fallible!(Js, JsEngine);
