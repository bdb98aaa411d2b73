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
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use marquee_display_list::text::{Paragraph, TextLayout};
use rquickjs::function::Func;
use rquickjs::{Context, Ctx, Function, Module, Object, Persistent, Runtime, TypedArray, Value};

/// The `mq_stat` counters of the frame phases (`marquee_engine_abi::Stat::LayoutNs` and on).
pub const PHASE_STATS: [u32; 3] = [9, 10, 11];

/// The ABI version this host speaks (`marquee_engine_abi::ABI_VERSION`).
pub const ABI_VERSION: u32 = 4;

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

/// Why an instance could not be made or a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// engine.js did not load or instantiate.
    Load(String),
    /// engine.js speaks another ABI version.
    AbiMismatch {
        /// What this host speaks.
        expected: u32,
        /// What engine.js reported.
        found: u32,
    },
    /// The engine threw (its Wasm trap) or failed otherwise; the instance must not be used again.
    Trap(String),
    /// A call ran past its time budget and was interrupted.
    Interrupted,
    /// The heap limit was reached, or the engine could not allocate a buffer for a batch.
    OutOfMemory,
    /// The engine returned a buffer outside its memory.
    BadOutput,
    /// An earlier error poisoned this instance.
    Poisoned,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Load(e) => write!(f, "engine.js does not load: {e}"),
            Error::AbiMismatch { expected, found } => {
                write!(f, "engine.js speaks ABI {found}, this host speaks {expected}")
            }
            Error::Trap(e) => write!(f, "engine.js failed: {e}"),
            Error::Interrupted => f.write_str("engine.js ran past its time budget and was interrupted"),
            Error::OutOfMemory => f.write_str("engine.js ran out of memory"),
            Error::BadOutput => f.write_str("engine.js returned a buffer outside its memory"),
            Error::Poisoned => f.write_str("this engine instance failed earlier and cannot be used"),
        }
    }
}

impl std::error::Error for Error {}

/// When the running call must end; read by QuickJS's interrupt handler.
#[derive(Default)]
struct Watchdog {
    /// Microseconds since the instance's epoch; 0 while no call runs.
    deadline_us: AtomicU64,
    fired: AtomicBool,
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
    epoch: Instant,
    budget: Duration,
    poisoned: bool,
}

impl JsEngine {
    /// Loads `source` (engine.js) into a new QuickJS runtime and instantiates it, measuring text
    /// with `text`.
    pub fn new(source: &str, text: Box<dyn TextLayout>, limits: Limits) -> Result<JsEngine, Error> {
        let runtime = Runtime::new().map_err(|e| Error::Load(format!("QuickJS: {e}")))?;
        runtime.set_memory_limit(limits.memory);
        runtime.set_max_stack_size(limits.stack);
        let watchdog = Arc::new(Watchdog::default());
        let epoch = Instant::now();
        let dog = watchdog.clone();
        runtime.set_interrupt_handler(Some(Box::new(move || {
            let deadline = dog.deadline_us.load(Ordering::Relaxed);
            let late = deadline != 0 && epoch.elapsed().as_micros() as u64 > deadline;
            if late {
                dog.fired.store(true, Ordering::Relaxed);
            }
            late
        })));
        let context = Context::full(&runtime).map_err(|e| Error::Load(format!("QuickJS context: {e}")))?;
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
            load().map_err(|e| Error::Load(caught(&ctx, e)))
        });
        let (engine, make) = loaded?;
        let mut this = JsEngine {
            engine,
            make,
            context,
            _runtime: runtime,
            watchdog,
            epoch,
            budget: limits.budget,
            poisoned: false,
        };
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
        let deadline = self.epoch.elapsed() + self.budget;
        self.watchdog.deadline_us.store(deadline.as_micros().max(1) as u64, Ordering::Relaxed);
        self.watchdog.fired.store(false, Ordering::Relaxed);
        let engine = self.engine.clone();
        let result: Result<R, String> = self.context.with(|ctx| {
            let engine = engine.restore(&ctx).map_err(|e| caught(&ctx, e))?;
            f(&ctx, engine).map_err(|e| caught(&ctx, e))
        });
        self.watchdog.deadline_us.store(0, Ordering::Relaxed);
        result.map_err(|text| {
            self.poisoned = true;
            if self.watchdog.fired.swap(false, Ordering::Relaxed) {
                Error::Interrupted
            } else if text.contains("out of memory") {
                Error::OutOfMemory
            } else {
                Error::Trap(text)
            }
        })
    }

    /// Applies a command batch; returns how many commands the engine rejected.
    pub fn apply(&mut self, batch: &[u8]) -> Result<u32, Error> {
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

    /// Runs a frame and copies the frame buffer out.
    pub fn frame(&mut self, time_ms: f64) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        self.frame_into(time_ms, &mut out)?;
        Ok(out)
    }

    /// Like [`frame`](Self::frame), reusing `out`'s allocation.
    pub fn frame_into(&mut self, time_ms: f64, out: &mut Vec<u8>) -> Result<(), Error> {
        let copied = self.with(|_, engine| {
            let view: Option<TypedArray<u8>> = engine.get::<_, Function>("frame")?.call((time_ms,))?;
            out.clear();
            Ok(view.map(|v| copy_into(&v, out)))
        })?;
        if copied != Some(true) {
            self.poisoned = true;
            return Err(Error::BadOutput);
        }
        Ok(())
    }

    /// Hands the engine a remote key; returns whether focus used it.
    pub fn key(&mut self, key: marquee_protocol::Key, action: marquee_protocol::KeyAction) -> Result<bool, Error> {
        self.call("key", (key as u32, action as u32))
    }

    /// Reads an engine counter (see `marquee_engine_abi::Stat`).
    pub fn stat(&mut self, which: u32) -> Result<u64, Error> {
        self.call::<_, f64>("stat", (which,)).map(|v| v as u64)
    }

    /// Tells the engine that image `image` is loaded, `width × height` pixels; returns whether
    /// it still wanted it.
    pub fn image_ready(&mut self, image: u32, width: u32, height: u32) -> Result<bool, Error> {
        self.call("imageReady", (image, width, height))
    }

    /// Tells the engine that image `image` could not be loaded; returns whether it wanted it.
    pub fn image_failed(&mut self, image: u32, reason: marquee_protocol::ImageError) -> Result<bool, Error> {
        self.call("imageFailed", (image, reason as u32))
    }

    /// Sets the texture budget in bytes.
    pub fn set_texture_budget(&mut self, bytes: u64) -> Result<(), Error> {
        self.call("setTextureBudget", (bytes as u32, (bytes >> 32) as u32))
    }

    /// Turns per-phase frame timing on or off (see `marquee_engine_abi::Stat::LayoutNs`).
    pub fn set_profiling(&mut self, on: bool) -> Result<(), Error> {
        self.call("profile", (u32::from(on),))
    }

    /// The last frame's time in each phase (`marquee_engine::PHASES`), in ns, while profiling.
    pub fn phase_ns(&mut self) -> Result<[u64; 3], Error> {
        Ok([self.stat(PHASE_STATS[0])?, self.stat(PHASE_STATS[1])?, self.stat(PHASE_STATS[2])?])
    }

    /// The size of the engine's memory, in bytes.
    pub fn memory_bytes(&mut self) -> Result<usize, Error> {
        self.call::<_, f64>("memoryBytes", ()).map(|v| v as usize)
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
            let ok = copy_into(&bytes, &mut paragraph);
            let mut text = t.borrow_mut();
            match Paragraph::decode(&paragraph) {
                Ok(p) if ok => text.set(run, &p),
                _ => text.remove(run),
            }
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

/// Copies a typed array's bytes into `out`; false if its buffer is gone (detached).
#[allow(unsafe_code, reason = "rquickjs exposes typed-array bytes only through an unsafe borrow")]
fn copy_into(array: &TypedArray<'_, u8>, out: &mut Vec<u8>) -> bool {
    // SAFETY: the borrow ends inside this function and no JavaScript runs while it lives (the
    // bytes are copied at once), so nothing can detach or resize the buffer under it.
    match unsafe { array.as_bytes() } {
        Some(bytes) => {
            out.extend_from_slice(bytes);
            true
        }
        None => false,
    }
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
