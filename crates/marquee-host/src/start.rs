//! Start-up on the engine thread, before the first frame: which build runs (see
//! [`crate::selection`]), engine.wasm compiled or loaded from the module cache, the app's fonts,
//! the recorder, and the first engine instance. The frame loop ([`crate::engine_thread`]) gets the
//! result as an [`Instance`] and never asks how it was made.

use std::time::{Duration, Instant};

use marquee_engine_contract::stream::Recorder;
use marquee_engine_contract::{Engine, Step};
use marquee_engine_quickjs::JsEngine;
use marquee_engine_wasmtime::cache::{ModuleCache, Source};
use marquee_engine_wasmtime::{Module, Runtime};
use marquee_protocol::{Command, encode_batch};
use marquee_text::{SharedText, TextSystem};

use marquee_bundle::WasmRollout;

use crate::selection::{self, Selection};
use crate::{Error, Options};

/// What new engine instances are made from.
enum Build {
    Wasm { runtime: Runtime, module: Module },
    Wasmi { runtime: marquee_engine_wasmi::Runtime, module: marquee_engine_wasmi::Module },
    Js { source: String, limits: marquee_engine_quickjs::Limits },
}

impl Build {
    /// A new instance, sized to the viewport, measuring text with `text`, keeping to the texture
    /// budget.
    fn instantiate(
        &self,
        memory: usize,
        viewport: &[u8],
        text: &SharedText,
        texture_budget: u64,
    ) -> Result<Box<dyn Engine>, marquee_engine_contract::Error> {
        let mut engine: Box<dyn Engine> = match self {
            Build::Wasm { runtime, module } => {
                Box::new(runtime.instantiate_with_text(module, memory, Box::new(text.clone()))?)
            }
            Build::Wasmi { runtime, module } => {
                Box::new(runtime.instantiate_with_text(module, memory, Box::new(text.clone()))?)
            }
            Build::Js { source, limits } => Box::new(JsEngine::new(source, Box::new(text.clone()), *limits)?),
        };
        engine.apply(viewport)?;
        engine.set_texture_budget(texture_budget)?;
        Ok(engine)
    }
}

/// The engine build and its current instance.
pub(crate) struct Instance {
    build: Build,
    pub(crate) engine: Box<dyn Engine>,
    memory: usize,
    viewport: Vec<u8>,
    /// The text service: the engine measures through it, the canvas draws through it.
    pub(crate) text: SharedText,
    texture_budget: u64,
}

impl Instance {
    /// Replaces the engine with a fresh instance of the same build: an empty scene with the
    /// viewport and texture budget the first one had.
    pub(crate) fn replace(&mut self) -> Result<(), marquee_engine_contract::Error> {
        self.engine = self.build.instantiate(self.memory, &self.viewport, &self.text, self.texture_budget)?;
        Ok(())
    }

    /// The memory limit of the running build, in bytes.
    pub(crate) fn memory_limit(&self) -> usize {
        match &self.build {
            Build::Wasm { .. } | Build::Wasmi { .. } => self.memory,
            Build::Js { limits, .. } => limits.memory,
        }
    }
}

/// The native stack the engine thread needs for either build.
pub(crate) fn engine_thread_stack() -> usize {
    let wasm = marquee_engine_wasmtime::MIN_THREAD_STACK;
    let js = marquee_engine_quickjs::Limits::default().stack + marquee_engine_quickjs::STACK_HEADROOM;
    wasm.max(js) + (1 << 20)
}

/// What start-up made.
pub(crate) struct Started {
    pub(crate) instance: Instance,
    pub(crate) recorder: Recorder,
    /// How engine.wasm was obtained (compiled, from the cache, …) and how long it took.
    pub(crate) module: (Source, Duration),
    pub(crate) selection: Selection,
    /// What the log should say before the first frame (a rollout setting ignored, a font
    /// skipped).
    pub(crate) warnings: Vec<String>,
}

/// Chooses the build, loads it, and makes the first instance.
pub(crate) fn start(options: &Options) -> Result<Started, Error> {
    let mut warnings = Vec::new();
    let rollout = match options.rollout {
        Some(r) => r,
        None => match std::fs::read_to_string(options.app_dir.join("package.json")) {
            Ok(text) => WasmRollout::from_manifest(&text).unwrap_or_else(|e| {
                warnings.push(format!("rollout setting ignored: {e}"));
                WasmRollout::default()
            }),
            Err(_) => WasmRollout::default(),
        },
    };
    // engine.wasm is loaded (compiled or from the cache) and instantiated once as the capability
    // self-test, only if the rollout wants it.
    let runtime = Runtime::with_call_budget(options.engine_call_budget);
    let t = Instant::now();
    let load_wasm = || -> Result<(Module, Source), marquee_engine_contract::Error> {
        let loaded = match &options.cache_dir {
            Some(dir) => ModuleCache::new(dir).load(&runtime, &options.engine_wasm)?,
            None => (runtime.compile(&options.engine_wasm)?, Source::Uncached("no cache".into())),
        };
        runtime.instantiate(&loaded.0, options.engine_memory)?;
        Ok(loaded)
    };
    let mut wasm = None;
    let selection = selection::select(options.engine, rollout, &options.device_id, || {
        let loaded = load_wasm().map_err(|e| e.to_string())?;
        wasm = Some(loaded);
        Ok(())
    });
    let (build, source) = if selection.js {
        let source = options.engine_js.clone().ok_or_else(|| {
            Error::Engine(marquee_engine_contract::Error::Instantiate(format!(
                "engine.js is needed ({}) but was not given",
                selection.reason
            )))
        })?;
        let limits = marquee_engine_quickjs::Limits::default();
        (Build::Js { source, limits }, Source::Uncached("engine.js is not compiled".into()))
    } else if selection.interpreted {
        let runtime = marquee_engine_wasmi::Runtime::with_call_budget(options.engine_call_budget);
        let module = runtime.load(&options.engine_wasm).map_err(Error::Engine)?;
        (Build::Wasmi { runtime, module }, Source::Uncached("wasmi interprets engine.wasm: nothing is compiled".into()))
    } else {
        let (module, source) = match wasm {
            Some(loaded) => loaded,
            None => load_wasm().map_err(Error::Engine)?,
        };
        (Build::Wasm { runtime, module }, source)
    };
    let module_time = t.elapsed();

    // The app's fonts: every font file in its `assets/fonts`. A bad one is reported and skipped;
    // text then falls back to the built-in fonts.
    let (fonts, font_errors) = TextSystem::with_fonts_in(&options.app_dir.join("assets/fonts"));
    warnings.extend(font_errors.into_iter().map(|e| format!("font skipped: {e}")));
    let text = SharedText::new(fonts);

    let (w, h) = options.size;
    let viewport = encode_batch(&[Command::SetViewport { width: w as f32, height: h as f32 }]);
    let (memory, texture_budget) = (options.engine_memory, options.texture_budget);
    let engine = build.instantiate(memory, &viewport, &text, texture_budget).map_err(Error::Engine)?;

    // A recording starts with what instantiation gave the engine: the viewport and budget.
    let mut recorder = match &options.record {
        Some(path) => {
            let file = std::fs::File::create(path).map_err(|e| Error::Record(format!("{}: {e}", path.display())))?;
            let header = format!("marquee recording: replay with `marquee replay {}`", path.display());
            Recorder::new(Box::new(std::io::BufWriter::new(file)), &header)
        }
        None => Recorder::off(),
    };
    recorder.batch(&viewport);
    recorder.step(&Step::Budget(texture_budget));

    let instance = Instance { build, engine, memory, viewport, text, texture_budget };
    Ok(Started { instance, recorder, module: (source, module_time), selection, warnings })
}
