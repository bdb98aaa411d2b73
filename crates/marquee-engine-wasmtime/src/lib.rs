//! `engine.wasm` inside wasmtime, behind the same calls as the native engine.
//!
//! The host runs the engine as a downloaded Wasm module so it can be updated without a native
//! release. This crate is the host's side of the engine ABI (see `marquee-engine-abi`): it checks
//! the module's exports and ABI version, copies command batches into linear memory, and copies
//! each frame buffer out, checking every pointer the guest returns against the memory bounds. A
//! guest that traps, runs out of memory or returns nonsense yields an [`Error`]; the instance is
//! then poisoned and the host starts a fresh one.
//!
//! A guest that never returns is stopped by epoch interruption: the [`Runtime`] owns a ticker
//! thread that advances wasmtime's epoch every [`EPOCH_TICK`], and every call into the guest is
//! armed with a deadline of the runtime's call budget first. Compiling is slow on a TV, so
//! [`cache`] keeps compiled modules on disk.

pub mod cache;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use marquee_display_list::text::{NoText, TextLayout};
use marquee_engine_contract::ABI_VERSION;
use marquee_engine_contract::abi::{self, export, import};
use wasmtime::{Caller, Linker, Memory, Store, StoreLimits, StoreLimitsBuilder, TypedFunc};

/// The engine contract's error: what can go wrong compiling, starting or calling the module.
pub use marquee_engine_contract::Error;

/// A compiled engine module, shareable by any number of instances.
pub use wasmtime::Module;

/// How much linear memory an engine instance may use unless told otherwise: the design's budget
/// for the home page is 4 MiB, and this leaves room for much larger scenes.
pub const DEFAULT_MEMORY_LIMIT: usize = 64 << 20;

/// The native stack a guest call may use. Layout recursion is what uses it: at the engine's
/// depth limit (256 levels) wasmtime's default of 512 KiB traps with "call stack exhausted",
/// while 1 MiB holds (see the `the_deepest_allowed_tree_fits_the_wasm_stack` test). The calling
/// thread must have this much stack plus its own frames: [`MIN_THREAD_STACK`].
pub const MAX_WASM_STACK: usize = 1 << 20;

/// The stack a thread that calls into the engine needs (Rust's default for spawned threads).
pub const MIN_THREAD_STACK: usize = MAX_WASM_STACK + (1 << 20);

/// How often the runtime's ticker advances the epoch: the granularity of call budgets.
pub const EPOCH_TICK: Duration = Duration::from_millis(5);

/// The longest a single call into the guest may run unless told otherwise. A frame of the home
/// page takes well under a millisecond; this is the hang detector, not a frame budget.
pub const DEFAULT_CALL_BUDGET: Duration = Duration::from_millis(500);

/// Compiles engine modules; one per process, shared by every instance.
pub struct Runtime {
    engine: wasmtime::Engine,
    budget_ticks: u64,
    ticker: Arc<Ticker>,
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime::with_call_budget(DEFAULT_CALL_BUDGET)
    }
}

/// The epoch ticker thread's off switch: it runs while the runtime or any instance lives.
struct Ticker(Arc<AtomicBool>);

impl Drop for Ticker {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The compiler that turns engine.wasm into machine code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compiler {
    /// Cranelift: optimizing, what hosts use.
    Cranelift,
    /// Winch: a baseline compiler, fast to compile, slower code (needs wasmtime's `winch`
    /// feature; the benchmark enables it).
    Winch,
}

impl Runtime {
    /// A runtime whose instances interrupt any call into the guest that runs longer than
    /// `budget` (rounded up to whole [`EPOCH_TICK`]s, plus one for the tick in progress).
    pub fn with_call_budget(budget: Duration) -> Runtime {
        // A config built from defaults plus these settings cannot be invalid; fall back to the
        // default engine rather than fail if wasmtime ever disagrees (calls then cannot be
        // interrupted, which the deadline armed before each call makes harmless).
        Runtime::with_compiler(Compiler::Cranelift, budget)
            .unwrap_or_else(|_| Runtime::start(wasmtime::Engine::default(), budget))
    }

    /// Like [`with_call_budget`](Self::with_call_budget), compiling with `compiler`; fails when
    /// this build of wasmtime lacks it.
    pub fn with_compiler(compiler: Compiler, budget: Duration) -> Result<Runtime, Error> {
        let mut config = wasmtime::Config::new();
        config.max_wasm_stack(MAX_WASM_STACK);
        config.epoch_interruption(true);
        config.strategy(match compiler {
            Compiler::Cranelift => wasmtime::Strategy::Cranelift,
            Compiler::Winch => wasmtime::Strategy::Winch,
        });
        let engine = wasmtime::Engine::new(&config).map_err(|e| Error::Compile(format!("{compiler:?}: {e:#}")))?;
        Ok(Runtime::start(engine, budget))
    }

    fn start(engine: wasmtime::Engine, budget: Duration) -> Runtime {
        let ticker_stop = Arc::new(AtomicBool::new(false));
        let (stop, ticking) = (ticker_stop.clone(), engine.clone());
        // The ticker holds only a clone of the engine handle and ends once the runtime drops.
        // If the thread cannot start, calls are never interrupted: hosts still run.
        let _ = std::thread::Builder::new().name("marquee-epoch".into()).spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(EPOCH_TICK);
                ticking.increment_epoch();
            }
        });
        let budget_ticks = budget.as_micros().div_ceil(EPOCH_TICK.as_micros()) as u64 + 1;
        Runtime { engine, budget_ticks, ticker: Arc::new(Ticker(ticker_stop)) }
    }

    /// Compiles a module from its bytes.
    pub fn compile(&self, wasm: &[u8]) -> Result<Module, Error> {
        Module::new(&self.engine, wasm).map_err(|e| Error::Compile(format!("{e:#}")))
    }

    /// Starts an engine instance of `module` whose linear memory may not exceed `memory_limit`,
    /// with no text service (every paragraph measures as zero).
    pub fn instantiate(&self, module: &Module, memory_limit: usize) -> Result<WasmEngine, Error> {
        WasmEngine::new(self, module, memory_limit, Box::new(NoText))
    }

    /// Like [`instantiate`](Self::instantiate), with `text` answering the module's text imports.
    pub fn instantiate_with_text(
        &self,
        module: &Module,
        memory_limit: usize,
        text: Box<dyn TextLayout + Send>,
    ) -> Result<WasmEngine, Error> {
        WasmEngine::new(self, module, memory_limit, text)
    }

    pub(crate) fn engine(&self) -> &wasmtime::Engine {
        &self.engine
    }
}

/// Turns a failed guest call into the error it deserves.
fn call_error(e: &wasmtime::Error) -> Error {
    match e.downcast_ref::<wasmtime::Trap>() {
        Some(wasmtime::Trap::Interrupt) => Error::Interrupted,
        _ => Error::Trap(format!("{e:#}")),
    }
}

/// What the store holds for the host's imports.
struct Host {
    limits: Limiter,
    text: Box<dyn TextLayout + Send>,
}

/// wasmtime's store limits, remembering the last growth they refused: a trap right after one is
/// the guest running out of memory, which the host reports as such.
struct Limiter {
    limits: StoreLimits,
    memory_limit: usize,
    /// (current, desired) of a memory growth refused during the current call.
    refused: Option<(usize, usize)>,
}

impl wasmtime::ResourceLimiter for Limiter {
    fn memory_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        let allowed = self.limits.memory_growing(current, desired, maximum)?;
        if !allowed {
            self.refused = Some((current, desired));
        }
        Ok(allowed)
    }

    fn table_growing(&mut self, current: usize, desired: usize, maximum: Option<usize>) -> wasmtime::Result<bool> {
        self.limits.table_growing(current, desired, maximum)
    }

    fn instances(&self) -> usize {
        self.limits.instances()
    }

    fn tables(&self) -> usize {
        self.limits.tables()
    }

    fn memories(&self) -> usize {
        self.limits.memories()
    }
}

/// Defines the `marquee` imports with the contract's host side (`marquee_engine_contract::abi`):
/// they never trap on bad input, a paragraph outside memory or malformed is no paragraph.
fn link(engine: &wasmtime::Engine) -> Result<Linker<Host>, Error> {
    let mut linker = Linker::new(engine);
    let fail = |e: wasmtime::Error| Error::Instantiate(format!("{e:#}"));
    let module = abi::IMPORT_MODULE;
    linker
        .func_wrap(module, import::TEXT_SET, |mut caller: Caller<'_, Host>, run: u32, ptr: u32, len: u32| {
            let Some(memory) = caller.get_export(export::MEMORY).and_then(|e| e.into_memory()) else { return };
            let (data, host) = memory.data_and_store_mut(&mut caller);
            abi::text_set(&mut *host.text, data, run, ptr, len);
        })
        .map_err(fail)?;
    linker
        .func_wrap(module, import::TEXT_REMOVE, |mut caller: Caller<'_, Host>, run: u32| {
            caller.data_mut().text.remove(run);
        })
        .map_err(fail)?;
    linker
        .func_wrap(module, import::TEXT_MEASURE, |mut caller: Caller<'_, Host>, run: u32, max_width: f32| -> u64 {
            abi::text_measure(&mut *caller.data_mut().text, run, max_width)
        })
        .map_err(fail)?;
    let origin = std::time::Instant::now();
    linker.func_wrap(module, import::CLOCK, move || origin.elapsed().as_secs_f64() * 1000.0).map_err(fail)?;
    Ok(linker)
}

/// One running engine instance.
pub struct WasmEngine {
    store: Store<Host>,
    memory: Memory,
    alloc: TypedFunc<u32, u32>,
    free: TypedFunc<(u32, u32), ()>,
    apply: TypedFunc<(u32, u32), u32>,
    frame: TypedFunc<f64, u64>,
    key: TypedFunc<(u32, u32), u32>,
    text: Option<TypedFunc<u32, u32>>,
    stat: TypedFunc<u32, u64>,
    image_ready: TypedFunc<(u32, u32, u32), u32>,
    image_failed: TypedFunc<(u32, u32), u32>,
    texture_budget: TypedFunc<(u32, u32), ()>,
    profile: TypedFunc<u32, ()>,
    invalidate: TypedFunc<(), ()>,
    /// Optional: an engine from before the debug query lacks it (or has it otherwise).
    debug_query: Option<TypedFunc<(u32, u32, u32), u64>>,
    budget_ticks: u64,
    poisoned: bool,
    /// Keeps the epoch advancing while this instance lives, even if its runtime is dropped.
    _ticker: Arc<Ticker>,
}

impl WasmEngine {
    fn new(
        runtime: &Runtime,
        module: &Module,
        memory_limit: usize,
        text: Box<dyn TextLayout + Send>,
    ) -> Result<WasmEngine, Error> {
        let (engine, budget_ticks) = (&runtime.engine, runtime.budget_ticks);
        let limits = StoreLimitsBuilder::new().memory_size(memory_limit).instances(1).build();
        let limits = Limiter { limits, memory_limit, refused: None };
        let mut store = Store::new(engine, Host { limits, text });
        store.limiter(|h| &mut h.limits);
        // Instantiation runs the module's start function, if any: armed like every other call.
        store.set_epoch_deadline(budget_ticks);
        let instance =
            link(engine)?.instantiate(&mut store, module).map_err(|e| Error::Instantiate(format!("{e:#}")))?;
        let memory = instance.get_memory(&mut store, export::MEMORY).ok_or(Error::MissingExport(export::MEMORY))?;
        macro_rules! func {
            ($name:expr) => {
                instance.get_typed_func(&mut store, $name).map_err(|_| Error::MissingExport($name))?
            };
        }
        let version: TypedFunc<(), u32> = func!(export::ABI_VERSION);
        store.set_epoch_deadline(budget_ticks);
        let found = version.call(&mut store, ()).map_err(|e| call_error(&e))?;
        if found != ABI_VERSION {
            return Err(Error::AbiMismatch { expected: ABI_VERSION, found });
        }
        Ok(WasmEngine {
            alloc: func!(export::ALLOC),
            free: func!(export::FREE),
            apply: func!(export::APPLY),
            frame: func!(export::FRAME),
            key: func!(export::KEY),
            text: instance.get_typed_func(&mut store, export::TEXT).ok(),
            stat: func!(export::STAT),
            image_ready: func!(export::IMAGE_READY),
            image_failed: func!(export::IMAGE_FAILED),
            texture_budget: func!(export::SET_TEXTURE_BUDGET),
            profile: func!(export::PROFILE),
            invalidate: func!(export::INVALIDATE),
            debug_query: instance.get_typed_func(&mut store, export::DEBUG_QUERY).ok(),
            budget_ticks,
            _ticker: runtime.ticker.clone(),
            store,
            memory,
            poisoned: false,
        })
    }

    fn guard<T>(&mut self, r: wasmtime::Result<T>) -> Result<T, Error> {
        r.map_err(|e| {
            self.poisoned = true;
            let limiter = &self.store.data().limits;
            match (call_error(&e), limiter.refused) {
                (Error::Trap(_), Some((memory, wanted))) => {
                    Error::MemoryLimit { memory, wanted, limit: limiter.memory_limit }
                }
                (other, _) => other,
            }
        })
    }

    /// Refuses a poisoned instance, and arms the deadline for the call about to be made.
    fn check(&mut self) -> Result<(), Error> {
        if self.poisoned {
            return Err(Error::Poisoned);
        }
        self.store.data_mut().limits.refused = None;
        self.store.set_epoch_deadline(self.budget_ticks);
        Ok(())
    }

    /// The size of the guest's linear memory, in bytes.
    pub fn linear_memory(&self) -> usize {
        self.memory.data_size(&self.store)
    }
}

marquee_engine_contract::wasm_engine_contract!(WasmEngine);
