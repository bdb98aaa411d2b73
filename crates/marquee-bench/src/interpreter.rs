//! engine.wasm in wasmi, an interpreter: the stand-in for devices whose Wasm runtime has no JIT.
//!
//! Only the benchmark runs engine.wasm this way, so this is the ABI's host side reduced to what
//! a scene needs (see `marquee-engine-wasmtime` for the full one, with budgets and poisoning):
//! the same imports and names (`marquee_engine_contract::abi`), the same calls, every pointer the
//! guest returns checked against its memory.

use marquee_engine_contract::abi::{self, export, import};
use marquee_engine_contract::{ABI_VERSION, Error as EngineError, Stat};
use marquee_protocol::{ImageError, Key, KeyAction};
use marquee_text::SharedText;
use wasmi::{Caller, Engine, Linker, Memory, Module, Store, TypedFunc};

use crate::{Error, Runner};

/// engine.wasm in wasmi, validated and translated once for every scene.
pub struct Wasmi {
    engine: Engine,
    module: Module,
    text: SharedText,
}

impl Wasmi {
    /// Prepares `wasm` for every scene.
    pub fn new(wasm: &[u8], text: SharedText) -> Result<Wasmi, Error> {
        let engine = Engine::default();
        let module = Module::new(&engine, wasm).map_err(|e| Error(format!("engine.wasm in wasmi: {e}")))?;
        Ok(Wasmi { engine, module, text })
    }
}

struct Host {
    text: SharedText,
    origin: std::time::Instant,
}

/// A failed call: wasmi traps and errors, as the contract's trap.
fn trap(e: impl std::fmt::Display) -> EngineError {
    EngineError::Trap(format!("engine.wasm in wasmi: {e}"))
}

fn fail(e: impl std::fmt::Display) -> Error {
    Error(format!("engine.wasm in wasmi: {e}"))
}

impl Runner for Wasmi {
    fn name(&self) -> &'static str {
        "wasmi"
    }
    fn start(&self) -> Result<Box<dyn marquee_engine_contract::Engine>, Error> {
        let mut store = Store::new(&self.engine, Host { text: self.text.clone(), origin: std::time::Instant::now() });
        let mut linker = Linker::<Host>::new(&self.engine);
        let module = abi::IMPORT_MODULE;
        linker
            .func_wrap(module, import::TEXT_SET, |mut caller: Caller<'_, Host>, run: u32, ptr: u32, len: u32| {
                let Some(memory) = caller.get_export(export::MEMORY).and_then(|e| e.into_memory()) else { return };
                let (data, host) = memory.data_and_store_mut(&mut caller);
                abi::text_set(&mut host.text, data, run, ptr, len);
            })
            .map_err(fail)?;
        linker
            .func_wrap(module, import::TEXT_REMOVE, |mut caller: Caller<'_, Host>, run: u32| {
                marquee_display_list::text::TextLayout::remove(&mut caller.data_mut().text, run);
            })
            .map_err(fail)?;
        linker
            .func_wrap(module, import::TEXT_MEASURE, |mut caller: Caller<'_, Host>, run: u32, max_width: f32| -> u64 {
                abi::text_measure(&mut caller.data_mut().text, run, max_width)
            })
            .map_err(fail)?;
        linker
            .func_wrap(module, import::CLOCK, |caller: Caller<'_, Host>| -> f64 {
                caller.data().origin.elapsed().as_secs_f64() * 1000.0
            })
            .map_err(fail)?;
        let instance = linker.instantiate_and_start(&mut store, &self.module).map_err(fail)?;
        let memory = instance.get_memory(&store, export::MEMORY).ok_or_else(|| fail("no memory export"))?;
        macro_rules! func {
            ($name:expr) => {
                instance.get_typed_func(&store, $name).map_err(|e| fail(format!("{}: {e}", $name)))?
            };
        }
        let version: TypedFunc<(), u32> = func!(export::ABI_VERSION);
        let found = version.call(&mut store, ()).map_err(fail)?;
        if found != ABI_VERSION {
            return Err(EngineError::AbiMismatch { expected: ABI_VERSION, found }.into());
        }
        Ok(Box::new(WasmiInstance {
            alloc: func!(export::ALLOC),
            free: func!(export::FREE),
            apply: func!(export::APPLY),
            frame: func!(export::FRAME),
            key: func!(export::KEY),
            stat: func!(export::STAT),
            image_ready: func!(export::IMAGE_READY),
            image_failed: func!(export::IMAGE_FAILED),
            texture_budget: func!(export::SET_TEXTURE_BUDGET),
            profile: func!(export::PROFILE),
            invalidate: func!(export::INVALIDATE),
            store,
            memory,
        }))
    }
}

struct WasmiInstance {
    store: Store<Host>,
    memory: Memory,
    alloc: TypedFunc<u32, u32>,
    free: TypedFunc<(u32, u32), ()>,
    apply: TypedFunc<(u32, u32), u32>,
    frame: TypedFunc<f64, u64>,
    key: TypedFunc<(u32, u32), u32>,
    stat: TypedFunc<u32, u64>,
    image_ready: TypedFunc<(u32, u32, u32), u32>,
    image_failed: TypedFunc<(u32, u32), u32>,
    texture_budget: TypedFunc<(u32, u32), ()>,
    profile: TypedFunc<u32, ()>,
    invalidate: TypedFunc<(), ()>,
}

impl marquee_engine_contract::Engine for WasmiInstance {
    fn apply(&mut self, batch: &[u8]) -> Result<u32, EngineError> {
        let len = u32::try_from(batch.len()).map_err(|_| EngineError::OutOfMemory)?;
        let ptr = self.alloc.call(&mut self.store, len).map_err(trap)?;
        if ptr == 0 && len != 0 {
            return Err(EngineError::OutOfMemory);
        }
        self.memory.write(&mut self.store, ptr as usize, batch).map_err(|_| EngineError::BadOutput)?;
        let rejected = self.apply.call(&mut self.store, (ptr, len)).map_err(trap)?;
        self.free.call(&mut self.store, (ptr, len)).map_err(trap)?;
        Ok(rejected)
    }

    fn frame_into(&mut self, time_ms: f64, out: &mut Vec<u8>) -> Result<(), EngineError> {
        let packed = self.frame.call(&mut self.store, time_ms).map_err(trap)?;
        let bytes = abi::output(self.memory.data(&self.store), packed)?;
        out.clear();
        out.extend_from_slice(bytes);
        Ok(())
    }

    fn key(&mut self, key: Key, action: KeyAction) -> Result<bool, EngineError> {
        self.key.call(&mut self.store, (key as u32, action as u32)).map(|used| used != 0).map_err(trap)
    }

    fn image_ready(&mut self, image: u32, width: u32, height: u32) -> Result<bool, EngineError> {
        self.image_ready.call(&mut self.store, (image, width, height)).map(|used| used != 0).map_err(trap)
    }

    fn image_failed(&mut self, image: u32, reason: ImageError) -> Result<bool, EngineError> {
        self.image_failed.call(&mut self.store, (image, reason as u32)).map(|used| used != 0).map_err(trap)
    }

    fn set_texture_budget(&mut self, bytes: u64) -> Result<(), EngineError> {
        self.texture_budget.call(&mut self.store, abi::split_u64(bytes)).map_err(trap)
    }

    fn stat(&mut self, which: Stat) -> Result<u64, EngineError> {
        self.stat.call(&mut self.store, which as u32).map_err(trap)
    }

    fn set_profiling(&mut self, on: bool) -> Result<(), EngineError> {
        self.profile.call(&mut self.store, u32::from(on)).map_err(trap)
    }

    fn memory_bytes(&mut self) -> Result<Option<usize>, EngineError> {
        Ok(Some(self.memory.data_size(&self.store)))
    }

    fn invalidate(&mut self) -> Result<(), EngineError> {
        self.invalidate.call(&mut self.store, ()).map_err(trap)
    }
}
