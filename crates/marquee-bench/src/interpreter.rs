//! engine.wasm in wasmi, an interpreter: the stand-in for devices whose Wasm runtime has no JIT.
//!
//! Only the benchmark runs engine.wasm this way, so this is the ABI's host side reduced to what
//! a scene needs (see `marquee-engine-wasmtime` for the full one, with budgets and poisoning):
//! the same imports, the same calls, every pointer the guest returns checked against its memory.

use marquee_display_list::text::{Paragraph, TextLayout};
use marquee_text::SharedText;
use wasmi::{Caller, Engine, Linker, Memory, Module, Store, TypedFunc};

use crate::{Error, Instance, Runner};

/// The longest paragraph a guest may hand over (as in the wasmtime host).
const MAX_PARAGRAPH_BYTES: u32 = 1 << 20;

/// The ABI version this runner speaks.
const ABI_VERSION: u32 = 4;

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

fn fail(e: impl std::fmt::Display) -> Error {
    Error(format!("engine.wasm in wasmi: {e}"))
}

impl Runner for Wasmi {
    fn name(&self) -> &'static str {
        "wasmi"
    }
    fn start(&self) -> Result<Box<dyn Instance>, Error> {
        let mut store = Store::new(&self.engine, Host { text: self.text.clone(), origin: std::time::Instant::now() });
        let mut linker = Linker::<Host>::new(&self.engine);
        linker
            .func_wrap("marquee", "text_set", |mut caller: Caller<'_, Host>, run: u32, ptr: u32, len: u32| {
                let Some(memory) = caller.get_export("memory").and_then(|e| e.into_memory()) else { return };
                let (data, host) = memory.data_and_store_mut(&mut caller);
                let bytes = (len <= MAX_PARAGRAPH_BYTES)
                    .then(|| data.get(ptr as usize..(ptr as usize).checked_add(len as usize)?))
                    .flatten();
                match bytes.map(Paragraph::decode) {
                    Some(Ok(p)) => host.text.set(run, &p),
                    _ => host.text.remove(run),
                }
            })
            .map_err(fail)?;
        linker
            .func_wrap("marquee", "text_remove", |mut caller: Caller<'_, Host>, run: u32| {
                caller.data_mut().text.remove(run);
            })
            .map_err(fail)?;
        linker
            .func_wrap("marquee", "text_measure", |mut caller: Caller<'_, Host>, run: u32, max_width: f32| -> u64 {
                let size = caller.data_mut().text.measure(run, max_width);
                size.width.to_bits() as u64 | (size.height.to_bits() as u64) << 32
            })
            .map_err(fail)?;
        linker
            .func_wrap("marquee", "clock", |caller: Caller<'_, Host>| -> f64 {
                caller.data().origin.elapsed().as_secs_f64() * 1000.0
            })
            .map_err(fail)?;
        let instance = linker.instantiate_and_start(&mut store, &self.module).map_err(fail)?;
        let memory = instance.get_memory(&store, "memory").ok_or_else(|| fail("no memory export"))?;
        macro_rules! func {
            ($name:literal) => {
                instance.get_typed_func(&store, $name).map_err(|e| fail(format!("{}: {e}", $name)))?
            };
        }
        let version: TypedFunc<(), u32> = func!("mq_abi_version");
        let found = version.call(&mut store, ()).map_err(fail)?;
        if found != ABI_VERSION {
            return Err(fail(format!("engine.wasm speaks ABI {found}, this runner {ABI_VERSION}")));
        }
        Ok(Box::new(WasmiInstance {
            alloc: func!("mq_alloc"),
            free: func!("mq_free"),
            apply: func!("mq_apply"),
            frame: func!("mq_frame"),
            key: func!("mq_key"),
            stat: func!("mq_stat"),
            image_ready: func!("mq_image_ready"),
            texture_budget: func!("mq_set_texture_budget"),
            profile: func!("mq_profile"),
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
    texture_budget: TypedFunc<(u32, u32), ()>,
    profile: TypedFunc<u32, ()>,
}

impl Instance for WasmiInstance {
    fn apply(&mut self, batch: &[u8]) -> Result<(), Error> {
        let len = u32::try_from(batch.len()).map_err(fail)?;
        let ptr = self.alloc.call(&mut self.store, len).map_err(fail)?;
        if ptr == 0 && len != 0 {
            return Err(fail("out of memory"));
        }
        self.memory.write(&mut self.store, ptr as usize, batch).map_err(fail)?;
        self.apply.call(&mut self.store, (ptr, len)).map_err(fail)?;
        self.free.call(&mut self.store, (ptr, len)).map_err(fail)
    }
    fn key(&mut self, key: marquee_protocol::Key, action: marquee_protocol::KeyAction) -> Result<(), Error> {
        self.key.call(&mut self.store, (key as u32, action as u32)).map(drop).map_err(fail)
    }
    fn image_ready(&mut self, handle: u32, width: u32, height: u32) -> Result<(), Error> {
        self.image_ready.call(&mut self.store, (handle, width, height)).map(drop).map_err(fail)
    }
    fn budget(&mut self, bytes: u64) -> Result<(), Error> {
        self.texture_budget.call(&mut self.store, (bytes as u32, (bytes >> 32) as u32)).map_err(fail)
    }
    fn frame(&mut self, time_ms: f64, out: &mut Vec<u8>) -> Result<(), Error> {
        let packed = self.frame.call(&mut self.store, time_ms).map_err(fail)?;
        let (ptr, len) = ((packed & 0xffff_ffff) as usize, (packed >> 32) as usize);
        let data = self.memory.data(&self.store);
        let bytes = ptr.checked_add(len).and_then(|end| data.get(ptr..end)).ok_or_else(|| fail("bad frame buffer"))?;
        out.clear();
        out.extend_from_slice(bytes);
        Ok(())
    }
    fn memory(&mut self) -> Option<usize> {
        Some(self.memory.data_size(&self.store))
    }
    fn profile(&mut self) -> bool {
        self.profile.call(&mut self.store, 1).is_ok()
    }
    fn phase_ns(&mut self) -> Option<[u64; 3]> {
        let mut phases = [0; 3];
        for (p, which) in phases.iter_mut().zip(crate::PHASE_STATS) {
            *p = self.stat.call(&mut self.store, which).ok()?;
        }
        Some(phases)
    }
}
