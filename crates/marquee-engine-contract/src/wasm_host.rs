//! The engine contract over an instance of engine.wasm, written once for every Wasm runtime a
//! host embeds (wasmtime, wasmi): their typed functions are called alike
//! (`func.call(&mut store, args)`), and so is their linear memory (`write`, `data`), so the
//! calls, the copying in and out and the pointer checks differ only in the types.
//!
//! [`wasm_engine_contract!`](crate::wasm_engine_contract) implements [`crate::Engine`] for a
//! type with the fields `store`, `memory`, `poisoned` and one typed function per export
//! (`alloc`, `free`, `apply`, `frame`, `key`, `stat`, `image_ready`, `image_failed`,
//! `texture_budget`, `profile`, `invalidate`; `text` and `debug_query` `Option`s, those exports
//! being optional), and the methods `check(&mut self) -> Result<(),
//! Error>` (refuses a poisoned instance and arms the call's budget), `guard(&mut self, result)
//! -> Result<T, Error>` (turns a failed call into the contract's error and poisons the
//! instance) and `linear_memory(&self) -> usize`.

/// Implements [`crate::Engine`] for a Wasm runtime's engine instance (see the module docs).
#[macro_export]
macro_rules! wasm_engine_contract {
    ($engine:ty) => {
        impl $crate::Engine for $engine {
            fn apply(&mut self, batch: &[u8]) -> Result<u32, $crate::Error> {
                self.check()?;
                let len = u32::try_from(batch.len()).map_err(|_| $crate::Error::OutOfMemory)?;
                let r = self.alloc.call(&mut self.store, len);
                let ptr = self.guard(r)?;
                if ptr == 0 && len != 0 {
                    return Err($crate::Error::OutOfMemory);
                }
                if self.memory.write(&mut self.store, ptr as usize, batch).is_err() {
                    self.poisoned = true;
                    return Err($crate::Error::BadOutput);
                }
                self.check()?;
                let r = self.apply.call(&mut self.store, (ptr, len));
                let rejected = self.guard(r)?;
                self.check()?;
                let r = self.free.call(&mut self.store, (ptr, len));
                self.guard(r)?;
                Ok(rejected)
            }

            fn frame_into(&mut self, time_ms: f64, out: &mut Vec<u8>) -> Result<(), $crate::Error> {
                self.check()?;
                let r = self.frame.call(&mut self.store, time_ms);
                let packed = self.guard(r)?;
                let bytes = $crate::abi::output(self.memory.data(&self.store), packed)?;
                out.clear();
                out.extend_from_slice(bytes);
                Ok(())
            }

            fn key(
                &mut self,
                key: $crate::protocol::Key,
                action: $crate::protocol::KeyAction,
            ) -> Result<bool, $crate::Error> {
                self.check()?;
                let r = self.key.call(&mut self.store, (key as u32, action as u32));
                self.guard(r).map(|used| used != 0)
            }

            fn text(&mut self, character: char) -> Result<bool, $crate::Error> {
                let Some(text) = self.text.clone() else { return Ok(false) };
                self.check()?;
                let r = text.call(&mut self.store, character as u32);
                self.guard(r).map(|taken| taken != 0)
            }

            fn image_ready(&mut self, image: u32, width: u32, height: u32) -> Result<bool, $crate::Error> {
                self.check()?;
                let r = self.image_ready.call(&mut self.store, (image, width, height));
                self.guard(r).map(|used| used != 0)
            }

            fn image_failed(
                &mut self,
                image: u32,
                reason: $crate::protocol::ImageError,
            ) -> Result<bool, $crate::Error> {
                self.check()?;
                let r = self.image_failed.call(&mut self.store, (image, reason as u32));
                self.guard(r).map(|used| used != 0)
            }

            fn set_texture_budget(&mut self, bytes: u64) -> Result<(), $crate::Error> {
                self.check()?;
                let r = self.texture_budget.call(&mut self.store, $crate::abi::split_u64(bytes));
                self.guard(r)
            }

            fn stat(&mut self, which: $crate::Stat) -> Result<u64, $crate::Error> {
                self.check()?;
                let r = self.stat.call(&mut self.store, which as u32);
                self.guard(r)
            }

            fn set_profiling(&mut self, on: bool) -> Result<(), $crate::Error> {
                self.check()?;
                let r = self.profile.call(&mut self.store, u32::from(on));
                self.guard(r)
            }

            fn memory_bytes(&mut self) -> Result<Option<usize>, $crate::Error> {
                Ok(Some(self.linear_memory()))
            }

            fn invalidate(&mut self) -> Result<(), $crate::Error> {
                self.check()?;
                let r = self.invalidate.call(&mut self.store, ());
                self.guard(r)
            }

            fn debug_query(&mut self, query: $crate::debug::Query) -> Result<Option<Vec<u8>>, $crate::Error> {
                let Some(debug_query) = self.debug_query.clone() else { return Ok(None) };
                self.check()?;
                let r = debug_query.call(&mut self.store, query.to_args());
                let packed = self.guard(r)?;
                let bytes = $crate::abi::output(self.memory.data(&self.store), packed)?;
                Ok(Some(bytes.to_vec()))
            }
        }
    };
}
