//! engine.wasm in wasmi, an interpreter (`marquee-engine-wasmi`, what hosts run with
//! `--engine wasmi`): the stand-in for devices whose Wasm runtime has no JIT.

use std::time::Duration;

use marquee_engine_wasmi::{DEFAULT_MEMORY_LIMIT, Module, Runtime};
use marquee_text::SharedText;

use crate::{Error, Runner};

/// The fuel a call may spend, as time (see `marquee_engine_wasmi::FUEL_PER_MS`): a stress scene's
/// first frame builds 10,000 nodes, which takes the interpreter well over a host's budget.
const CALL_BUDGET: Duration = Duration::from_secs(60);

/// engine.wasm in wasmi, validated and translated once for every scene.
pub struct Wasmi {
    runtime: Runtime,
    module: Module,
    text: SharedText,
}

impl Wasmi {
    /// Prepares `wasm` for every scene.
    pub fn new(wasm: &[u8], text: SharedText) -> Result<Wasmi, Error> {
        let runtime = Runtime::with_call_budget(CALL_BUDGET);
        let module = runtime.load(wasm).map_err(|e| Error(format!("engine.wasm in wasmi: {e}")))?;
        Ok(Wasmi { runtime, module, text })
    }
}

impl Runner for Wasmi {
    fn name(&self) -> &'static str {
        "wasmi"
    }
    fn start(&self) -> Result<Box<dyn marquee_engine_contract::Engine>, Error> {
        let e = self
            .runtime
            .instantiate_with_text(&self.module, DEFAULT_MEMORY_LIMIT, Box::new(self.text.clone()))
            .map_err(|e| Error(format!("engine.wasm in wasmi: {e}")))?;
        Ok(Box::new(e))
    }
}
