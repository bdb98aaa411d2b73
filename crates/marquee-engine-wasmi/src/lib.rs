//! `engine.wasm` in wasmi, an interpreter, behind the same calls as the native engine: what a
//! device whose Wasm runtime has no JIT (no executable memory for generated code, or no
//! compiler for its CPU) runs, and what `marquee run --engine wasmi` simulates.
//!
//! It is the host's side of the engine ABI as `marquee-engine-wasmtime` is, with the same
//! checks: the module's exports and ABI version, every pointer the guest returns against its
//! memory, a linear-memory cap. A guest that traps, runs out of memory or returns nonsense
//! yields an [`Error`] and poisons the instance; the host starts a fresh one.
//!
//! An interpreter has no epoch to interrupt it, so a call's budget is **fuel**: wasmi counts the
//! instructions it executes and stops a call that spends its allowance. The budget is given as
//! time and turned into fuel at [`FUEL_PER_MS`], a rate above what an interpreter executes, so a
//! call is stopped no sooner than its budget and, unlike a clock, the same call is stopped at
//! the same instruction on every device.

use std::time::Duration;

use marquee_display_list::text::{NoText, TextLayout};
use marquee_engine_contract::ABI_VERSION;
use marquee_engine_contract::abi::{self, export, import};
use wasmi::{Caller, Linker, Memory, Store, StoreLimits, StoreLimitsBuilder, TypedFunc};

/// The engine contract's error: what can go wrong loading, starting or calling the module.
pub use marquee_engine_contract::Error;

/// Fuel a call may spend per millisecond of its budget: a billion instructions a second, more
/// than an interpreter runs on the fastest of the devices (wasmi runs engine.wasm at some
/// hundreds of millions on a desktop core).
pub const FUEL_PER_MS: u64 = 1_000_000;

/// The longest a single call into the guest may run unless told otherwise (as fuel: see the
/// module docs). The first frame of a large scene takes tens of milliseconds interpreted.
pub const DEFAULT_CALL_BUDGET: Duration = Duration::from_millis(500);

/// How much linear memory an instance may use unless told otherwise.
pub const DEFAULT_MEMORY_LIMIT: usize = 64 << 20;

/// The interpreter, and the budget every call gets.
pub struct Runtime {
    engine: wasmi::Engine,
    fuel: u64,
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime::with_call_budget(DEFAULT_CALL_BUDGET)
    }
}

/// A validated module, ready to instantiate any number of times.
pub struct Module(wasmi::Module);

impl Runtime {
    /// A runtime whose calls may each spend `budget`'s worth of fuel.
    pub fn with_call_budget(budget: Duration) -> Runtime {
        let mut config = wasmi::Config::default();
        config.consume_fuel(true);
        let fuel = (budget.as_millis() as u64).max(1).saturating_mul(FUEL_PER_MS);
        Runtime { engine: wasmi::Engine::new(&config), fuel }
    }

    /// Validates and translates a module (no machine code: the interpreter runs wasmi's own
    /// instructions).
    pub fn load(&self, wasm: &[u8]) -> Result<Module, Error> {
        wasmi::Module::new(&self.engine, wasm).map(Module).map_err(|e| Error::Compile(e.to_string()))
    }

    /// Starts an instance of `module` whose linear memory may not exceed `memory_limit`, with no
    /// text service (every paragraph measures as zero).
    pub fn instantiate(&self, module: &Module, memory_limit: usize) -> Result<WasmiEngine, Error> {
        WasmiEngine::new(self, module, memory_limit, Box::new(NoText))
    }

    /// Like [`instantiate`](Self::instantiate), with `text` answering the module's text imports.
    pub fn instantiate_with_text(
        &self,
        module: &Module,
        memory_limit: usize,
        text: Box<dyn TextLayout + Send>,
    ) -> Result<WasmiEngine, Error> {
        WasmiEngine::new(self, module, memory_limit, text)
    }
}

/// What the store holds for the host's imports.
struct Host {
    limits: Limiter,
    text: Box<dyn TextLayout + Send>,
    origin: std::time::Instant,
}

/// The store's limits, remembering the last growth they refused: a trap right after one is the
/// guest running out of memory, which the host reports as such.
struct Limiter {
    limits: StoreLimits,
    memory_limit: usize,
    /// (current, desired) of a memory growth refused during the current call.
    refused: Option<(usize, usize)>,
}

impl wasmi::ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool, wasmi_core::LimiterError> {
        let allowed = self.limits.memory_growing(current, desired, maximum)?;
        if !allowed {
            self.refused = Some((current, desired));
        }
        Ok(allowed)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool, wasmi_core::LimiterError> {
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

/// Turns a failed guest call into the error it deserves.
fn call_error(e: &wasmi::Error) -> Error {
    match e.as_trap_code() {
        Some(wasmi::TrapCode::OutOfFuel) => Error::Interrupted,
        _ => Error::Trap(e.to_string()),
    }
}

/// Defines the `marquee` imports with the contract's host side (`marquee_engine_contract::abi`):
/// they never trap on bad input, a paragraph outside memory or malformed is no paragraph.
fn link(engine: &wasmi::Engine) -> Result<Linker<Host>, Error> {
    let mut linker = Linker::new(engine);
    let fail = |e: wasmi::errors::LinkerError| Error::Instantiate(e.to_string());
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
    linker
        .func_wrap(module, import::CLOCK, |caller: Caller<'_, Host>| -> f64 {
            caller.data().origin.elapsed().as_secs_f64() * 1000.0
        })
        .map_err(fail)?;
    Ok(linker)
}

/// One running engine instance.
pub struct WasmiEngine {
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
    fuel: u64,
    poisoned: bool,
}

impl WasmiEngine {
    fn new(
        runtime: &Runtime,
        module: &Module,
        memory_limit: usize,
        text: Box<dyn TextLayout + Send>,
    ) -> Result<WasmiEngine, Error> {
        let limits = StoreLimitsBuilder::new().memory_size(memory_limit).instances(1).build();
        let limits = Limiter { limits, memory_limit, refused: None };
        let host = Host { limits, text, origin: std::time::Instant::now() };
        let mut store = Store::new(&runtime.engine, host);
        store.limiter(|h| &mut h.limits);
        // Instantiation runs the module's start function, if any: fuelled like every call.
        store.set_fuel(runtime.fuel).map_err(|e| Error::Instantiate(e.to_string()))?;
        let instance = link(&runtime.engine)?
            .instantiate_and_start(&mut store, &module.0)
            .map_err(|e| Error::Instantiate(e.to_string()))?;
        let memory = instance.get_memory(&store, export::MEMORY).ok_or(Error::MissingExport(export::MEMORY))?;
        macro_rules! func {
            ($name:expr) => {
                instance.get_typed_func(&store, $name).map_err(|_| Error::MissingExport($name))?
            };
        }
        let version: TypedFunc<(), u32> = func!(export::ABI_VERSION);
        store.set_fuel(runtime.fuel).map_err(|e| Error::Instantiate(e.to_string()))?;
        let found = version.call(&mut store, ()).map_err(|e| call_error(&e))?;
        if found != ABI_VERSION {
            return Err(Error::AbiMismatch { expected: ABI_VERSION, found });
        }
        Ok(WasmiEngine {
            alloc: func!(export::ALLOC),
            free: func!(export::FREE),
            apply: func!(export::APPLY),
            frame: func!(export::FRAME),
            key: func!(export::KEY),
            text: instance.get_typed_func(&store, export::TEXT).ok(),
            stat: func!(export::STAT),
            image_ready: func!(export::IMAGE_READY),
            image_failed: func!(export::IMAGE_FAILED),
            texture_budget: func!(export::SET_TEXTURE_BUDGET),
            profile: func!(export::PROFILE),
            invalidate: func!(export::INVALIDATE),
            debug_query: instance.get_typed_func(&store, export::DEBUG_QUERY).ok(),
            fuel: runtime.fuel,
            store,
            memory,
            poisoned: false,
        })
    }

    fn guard<T>(&mut self, r: Result<T, wasmi::Error>) -> Result<T, Error> {
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

    /// Refuses a poisoned instance, and fuels the call about to be made.
    fn check(&mut self) -> Result<(), Error> {
        if self.poisoned {
            return Err(Error::Poisoned);
        }
        self.store.data_mut().limits.refused = None;
        if self.store.set_fuel(self.fuel).is_err() {
            // Fuel is on for every store of this runtime; a store that refuses it cannot be
            // stopped, and is not called.
            self.poisoned = true;
            return Err(Error::Poisoned);
        }
        Ok(())
    }

    /// The size of the guest's linear memory, in bytes.
    pub fn linear_memory(&self) -> usize {
        self.memory.data_size(&self.store)
    }
}

marquee_engine_contract::wasm_engine_contract!(WasmiEngine);
