//! The native build behind the engine contract (`marquee_engine_contract::Engine`), so hosts,
//! the benchmark and the parity tests drive it exactly as they drive engine.wasm and engine.js.
//! It never fails: every call returns `Ok`.

use marquee_engine_contract::{Error, Stat};
use marquee_protocol::{ImageError, Key, KeyAction};

use crate::{Engine, Stats};

impl Stats {
    /// The counter `which`, as `mq_stat` reports it; `None` for the heap counters, which only
    /// engine.wasm's allocator keeps.
    pub fn get(&self, which: Stat) -> Option<u64> {
        Some(match which {
            Stat::HeapBytes | Stat::HeapPeak => return None,
            Stat::Nodes => self.nodes.into(),
            Stat::Ops => self.ops.into(),
            Stat::Errors => self.errors.into(),
            Stat::Animations => self.animations.into(),
            Stat::Focused => self.focused.into(),
            Stat::TextureBytes => self.texture_bytes,
            Stat::ImagesLoading => self.images_loading.into(),
            Stat::LayoutNs => self.phase_ns[0],
            Stat::AnimationNs => self.phase_ns[1],
            Stat::DisplayListNs => self.phase_ns[2],
            Stat::Layers => self.layers.into(),
            Stat::LayersRecorded => self.layers_recorded.into(),
            Stat::RetainedBytes => self.retained_bytes.into(),
            Stat::Settling => self.settling.into(),
        })
    }
}

impl marquee_engine_contract::Engine for Engine {
    fn apply(&mut self, batch: &[u8]) -> Result<u32, Error> {
        Ok(Engine::apply(self, batch))
    }

    fn frame_into(&mut self, time_ms: f64, out: &mut Vec<u8>) -> Result<(), Error> {
        out.clear();
        out.extend_from_slice(Engine::frame(self, time_ms));
        Ok(())
    }

    fn key(&mut self, key: Key, action: KeyAction) -> Result<bool, Error> {
        Ok(Engine::key(self, key, action))
    }

    fn text(&mut self, character: char) -> Result<bool, Error> {
        Ok(Engine::text(self, character))
    }

    fn image_ready(&mut self, image: u32, width: u32, height: u32) -> Result<bool, Error> {
        Ok(Engine::image_ready(self, image, width, height))
    }

    fn image_failed(&mut self, image: u32, reason: ImageError) -> Result<bool, Error> {
        Ok(Engine::image_failed(self, image, reason))
    }

    fn set_texture_budget(&mut self, bytes: u64) -> Result<(), Error> {
        Engine::set_texture_budget(self, bytes);
        Ok(())
    }

    fn stat(&mut self, which: Stat) -> Result<u64, Error> {
        Ok(self.stats().get(which).unwrap_or(u64::MAX))
    }

    /// Times phases with the process's monotonic clock. (engine.wasm's `mq_profile` uses the
    /// host's `clock` import instead: `Instant` does not exist in a Wasm guest, and this is never
    /// called there.)
    fn set_profiling(&mut self, on: bool) -> Result<(), Error> {
        let clock: Option<crate::Clock> = on.then(|| {
            let origin = std::time::Instant::now();
            Box::new(move || origin.elapsed().as_secs_f64() * 1000.0) as crate::Clock
        });
        self.set_clock(clock);
        Ok(())
    }

    fn memory_bytes(&mut self) -> Result<Option<usize>, Error> {
        Ok(None)
    }

    fn debug_query(&mut self, query: marquee_engine_contract::debug::Query) -> Result<Option<Vec<u8>>, Error> {
        Ok(Some(Engine::debug_query(self, Some(query)).to_vec()))
    }

    fn invalidate(&mut self) -> Result<(), Error> {
        Engine::invalidate(self);
        Ok(())
    }
}
