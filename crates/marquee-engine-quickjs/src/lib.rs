//! engine.js in QuickJS: the engine for hosts without a Wasm VM, behind the same calls as
//! `marquee-engine-wasmtime`.
//!
//! engine.js is engine.wasm compiled to JavaScript by binaryen's wasm2js (`cargo xtask wasm`
//! writes both), so it is the same Rust engine instruction for instruction and cannot drift
//! from it; the parity tests compare their frames byte for byte. This crate gives each instance
//! its own QuickJS runtime, links the text-service imports to the host's [`TextLayout`], and
//! wraps the ABI's calls so that one Rust call is one entry into JavaScript (`src/glue.js` moves
//! the bytes in and out of the engine's memory and puts 64-bit results back together).
//!
//! Like the Wasm host it contains failures: an exception (a Rust panic in the engine becomes
//! wasm2js's `abort`), a call that runs past its time budget (QuickJS's interrupt handler), the
//! heap limit, or a buffer pointing outside memory end in an [`Error`] and poison the instance;
//! the host replaces it.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use marquee_display_list::text::TextLayout;
use marquee_engine_contract::{ABI_VERSION, Stat, abi};
use marquee_protocol::{ImageError, Key, KeyAction};
use marquee_quickjs::{Watchdog, copy_bytes};
use rquickjs::function::Func;
use rquickjs::{Context, Ctx, Function, Module, Object, Persistent, Runtime, TypedArray, Value};

/// The engine contract's error: what can go wrong loading or calling engine.js.
pub use marquee_engine_contract::Error;

/// The adapter between Rust and engine.js (see the crate documentation).
const GLUE: &str = include_str!("glue.js");

/// Bounds on one instance.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The QuickJS heap, engine memory included, in bytes.
    pub memory: usize,
    /// The JavaScript stack, in bytes; the calling thread needs this and [`STACK_HEADROOM`].
    pub stack: usize,
    /// The longest one call into the engine may run.
    pub budget: Duration,
}

/// Native stack the calling thread needs beyond [`Limits::stack`].
pub const STACK_HEADROOM: usize = 1 << 20;

impl Default for Limits {
    /// 128 MiB of heap (the engine's 64 MiB memory cap and the interpreter's own), 4 MiB of
    /// stack, and two seconds a call: engine.js is an interpreted fallback, several times slower
    /// than engine.wasm.
    fn default() -> Self {
        Limits { memory: 128 << 20, stack: 4 << 20, budget: Duration::from_secs(2) }
    }
}

/// One engine.js instance.
pub struct JsEngine {
    // Field order is drop order: JavaScript values go before their context and runtime.
    engine: Persistent<Object<'static>>,
    /// `makeEngine` bound to engine.js's `instantiate` and the text service: a fresh instance.
    make: Persistent<Function<'static>>,
    context: Context,
    _runtime: Runtime,
    watchdog: Arc<Watchdog>,
    budget: Duration,
    poisoned: bool,
}

impl JsEngine {
    /// Loads `source` (engine.js) into a new QuickJS runtime and instantiates it, measuring text
    /// with `text`.
    pub fn new(source: &str, text: Box<dyn TextLayout>, limits: Limits) -> Result<JsEngine, Error> {
        let runtime = marquee_quickjs::limited_runtime(limits.memory, limits.stack)
            .map_err(|e| Error::Instantiate(format!("QuickJS: {e}")))?;
        let watchdog = Watchdog::install(&runtime);
        let context = Context::full(&runtime).map_err(|e| Error::Instantiate(format!("QuickJS context: {e}")))?;
        let text = Rc::new(RefCell::new(text));
        let loaded = context.with(|ctx| {
            let load = || -> rquickjs::Result<_> {
                let module = Module::declare(ctx.clone(), "engine.js", source)?;
                let (module, promise) = module.eval()?;
                promise.finish::<()>()?;
                let instantiate: Function = module.get("instantiate")?;
                let glue: Function = ctx.eval(format!("{GLUE}\nmakeEngine"))?;
                let make: Function = glue.get::<_, Function>("bind")?.call((
                    rquickjs::function::This(glue.clone()),
                    Value::new_undefined(ctx.clone()),
                    instantiate,
                    host(&ctx, text)?,
                ))?;
                let engine: Object = make.call(())?;
                Ok((Persistent::save(&ctx, engine), Persistent::save(&ctx, make)))
            };
            load().map_err(|e| Error::Compile(caught(&ctx, e)))
        });
        let (engine, make) = loaded?;
        let mut this =
            JsEngine { engine, make, context, _runtime: runtime, watchdog, budget: limits.budget, poisoned: false };
        let found: u32 = this.call("abi", ())?;
        if found != ABI_VERSION {
            return Err(Error::AbiMismatch { expected: ABI_VERSION, found });
        }
        Ok(this)
    }

    /// Replaces this instance with a fresh one: an empty scene, as after start-up. engine.js is
    /// not loaded again, so this is cheap; it is how a host recovers from a failed call.
    pub fn reset(&mut self) -> Result<(), Error> {
        self.poisoned = false;
        let make = self.make.clone();
        let engine = self.with(|ctx, _| {
            let engine: Object = make.restore(ctx)?.call(())?;
            Ok(Persistent::save(ctx, engine))
        })?;
        self.engine = engine;
        Ok(())
    }

    /// Calls the glue's method `name` with `args` under the time budget.
    fn call<A, R>(&mut self, name: &str, args: A) -> Result<R, Error>
    where
        A: for<'js> rquickjs::function::IntoArgs<'js>,
        R: for<'js> rquickjs::FromJs<'js>,
    {
        self.with(|_, engine| engine.get::<_, Function>(name)?.call(args))
    }

    /// Runs `f` with the engine object, under the time budget; a failure poisons the instance.
    fn with<R>(&mut self, f: impl for<'js> FnOnce(&Ctx<'js>, Object<'js>) -> rquickjs::Result<R>) -> Result<R, Error> {
        if self.poisoned {
            return Err(Error::Poisoned);
        }
        self.watchdog.arm(self.budget);
        let engine = self.engine.clone();
        let result: Result<R, String> = self.context.with(|ctx| {
            let engine = engine.restore(&ctx).map_err(|e| caught(&ctx, e))?;
            f(&ctx, engine).map_err(|e| caught(&ctx, e))
        });
        self.watchdog.disarm();
        result.map_err(|text| {
            self.poisoned = true;
            if self.watchdog.take_fired() {
                Error::Interrupted
            } else if text.contains("out of memory") {
                Error::OutOfMemory
            } else {
                Error::Trap(text)
            }
        })
    }

    /// The size of the engine's memory, in bytes.
    pub fn linear_memory(&mut self) -> Result<usize, Error> {
        self.call::<_, f64>("memoryBytes", ()).map(|v| v as usize)
    }
}

impl marquee_engine_contract::Engine for JsEngine {
    fn apply(&mut self, batch: &[u8]) -> Result<u32, Error> {
        let rejected: f64 = self.with(|ctx, engine| {
            let bytes = TypedArray::<u8>::new_copy(ctx.clone(), batch)?;
            engine.get::<_, Function>("apply")?.call((bytes,))
        })?;
        if rejected < 0.0 {
            self.poisoned = true;
            return Err(Error::OutOfMemory);
        }
        Ok(rejected as u32)
    }

    fn frame_into(&mut self, time_ms: f64, out: &mut Vec<u8>) -> Result<(), Error> {
        let copied = self.with(|_, engine| {
            let view: Option<TypedArray<u8>> = engine.get::<_, Function>("frame")?.call((time_ms,))?;
            out.clear();
            Ok(view.map(|v| copy_bytes(&v, out)))
        })?;
        if copied != Some(true) {
            self.poisoned = true;
            return Err(Error::BadOutput);
        }
        Ok(())
    }

    fn key(&mut self, key: Key, action: KeyAction) -> Result<bool, Error> {
        self.call("key", (key as u32, action as u32))
    }

    fn text(&mut self, character: char) -> Result<bool, Error> {
        self.call("text", (character as u32,))
    }

    fn image_ready(&mut self, image: u32, width: u32, height: u32) -> Result<bool, Error> {
        self.call("imageReady", (image, width, height))
    }

    fn image_failed(&mut self, image: u32, reason: ImageError) -> Result<bool, Error> {
        self.call("imageFailed", (image, reason as u32))
    }

    fn set_texture_budget(&mut self, bytes: u64) -> Result<(), Error> {
        self.call("setTextureBudget", abi::split_u64(bytes))
    }

    fn stat(&mut self, which: Stat) -> Result<u64, Error> {
        self.call::<_, f64>("stat", (which as u32,)).map(|v| v as u64)
    }

    fn set_profiling(&mut self, on: bool) -> Result<(), Error> {
        self.call("profile", (u32::from(on),))
    }

    fn memory_bytes(&mut self) -> Result<Option<usize>, Error> {
        self.linear_memory().map(Some)
    }

    fn invalidate(&mut self) -> Result<(), Error> {
        self.call("invalidate", ())
    }

    fn debug_query(&mut self, query: marquee_engine_contract::debug::Query) -> Result<Option<Vec<u8>>, Error> {
        let (kind, a, b) = query.to_args();
        let mut out = Vec::new();
        let answer = self.with(|_, engine| {
            let view: Value = engine.get::<_, Function>("debugQuery")?.call((kind, a, b))?;
            if view.is_undefined() {
                return Ok(None);
            }
            let view: Option<TypedArray<u8>> = rquickjs::FromJs::from_js(view.ctx(), view.clone())?;
            Ok(Some(view.is_some_and(|v| copy_bytes(&v, &mut out))))
        })?;
        match answer {
            None => Ok(None),
            Some(true) => Ok(Some(out)),
            Some(false) => {
                self.poisoned = true;
                Err(Error::BadOutput)
            }
        }
    }
}

/// The text service as the glue sees it: `textSet`, `textRemove`, `textMeasure`.
fn host<'js>(ctx: &Ctx<'js>, text: Rc<RefCell<Box<dyn TextLayout>>>) -> rquickjs::Result<Object<'js>> {
    let host = Object::new(ctx.clone())?;
    let t = text.clone();
    host.set(
        "textSet",
        Func::from(move |run: u32, bytes: TypedArray<'_, u8>| {
            let mut paragraph = Vec::new();
            let ok = copy_bytes(&bytes, &mut paragraph);
            abi::text_set_bytes(&mut **t.borrow_mut(), run, ok.then_some(&paragraph[..]));
        }),
    )?;
    let t = text.clone();
    host.set("textRemove", Func::from(move |run: u32| t.borrow_mut().remove(run)))?;
    host.set(
        "textMeasure",
        Func::from(move |run: u32, max_width: f64| {
            let size = text.borrow_mut().measure(run, max_width as f32);
            // Bit patterns as signed 32-bit numbers, what wasm2js expects of an i32.
            vec![size.width.to_bits() as i32, size.height.to_bits() as i32]
        }),
    )?;
    let origin = Instant::now();
    host.set("clock", Func::from(move || origin.elapsed().as_secs_f64() * 1000.0))?;
    Ok(host)
}

/// A pending exception as text: its message and stack.
fn caught(ctx: &Ctx<'_>, e: rquickjs::Error) -> String {
    if !e.is_exception() {
        return e.to_string();
    }
    let value: Value = ctx.catch();
    if let Some(ex) = value.as_exception() {
        let message = ex.message().unwrap_or_default();
        return match ex.stack() {
            Some(stack) if !stack.is_empty() => format!("{message}\n{}", stack.trim_end()),
            _ => message,
        };
    }
    value.clone().try_into_string().ok().and_then(|s| s.to_string().ok()).unwrap_or_else(|| format!("{value:?}"))
}
