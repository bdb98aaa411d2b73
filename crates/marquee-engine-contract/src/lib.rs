//! The contract between Marquee's hosts and its engine builds, in one place both sides import.
//!
//! The engine runs as four builds — native Rust, engine.wasm in wasmtime, engine.wasm in wasmi
//! (an interpreter, for devices without a JIT) and engine.js in QuickJS — and is driven by the host, the
//! benchmark, the parity harness and the tests. They all meet here:
//!
//! - [`abi`]: what engine.wasm exports and imports — names, [`ABI_VERSION`], the [`Stat`]
//!   counters, the limits a host holds the guest to, and the host's side of the text imports;
//! - [`Engine`]: one trait every build implements (apply, key, frame, image answers, texture
//!   budget, counters, profiling), with one [`Error`] type (`is_hang` and `is_out_of_memory`
//!   say what the host tells the app);
//! - [`stream`]: the engine's input as a list of [`Step`]s, the recording format hosts write with
//!   `--record` and replays read, and [`stream::play`], which drives any build through a stream;
//! - [`debug`]: the debug query's questions and answers, for a host's debug overlay;
//! - [`frame_text`]: a frame buffer in words, for fixtures and for showing where two builds
//!   differ;
//! - [`paths`]: where a checkout keeps engine.wasm, engine.js (as `cargo xtask wasm` leaves them)
//!   and the demo app, for the tools and tests that need them;
//! - [`wasm_engine_contract!`]: [`Engine`] over an engine.wasm instance, written once for the
//!   Wasm runtimes hosts embed (`wasm_host.rs`).
//!
//! It is small and has no heavy dependency, because engine.wasm links it too (for the version
//! and the counter codes): what the guest answers and what the host expects come from one
//! definition.

pub mod abi;
pub mod debug;
mod error;
pub mod frame_text;
pub mod paths;
pub mod stream;
mod wasm_host;

pub use abi::{ABI_VERSION, Stat};
pub use error::Error;
pub use stream::Step;

use marquee_protocol::{ImageError, Key, KeyAction};

/// For [`wasm_engine_contract!`]'s expansion in crates that name the protocol otherwise.
#[doc(hidden)]
pub use marquee_protocol as protocol;

/// One engine instance of any build, as every host and harness drives it.
///
/// A call that fails returns an [`Error`], and the host does not use the instance again: it
/// starts a fresh one (the wasmtime and QuickJS hosts refuse later calls on a failed instance with
/// [`Error::Poisoned`]). The native build never fails.
pub trait Engine {
    /// Applies a command batch; returns how many commands the engine rejected (each is reported
    /// as a `CommandError` event in the next frame).
    fn apply(&mut self, batch: &[u8]) -> Result<u32, Error>;

    /// Runs a frame at `time_ms` and leaves the frame buffer in `out` (its old content is
    /// replaced; its allocation is reused).
    fn frame_into(&mut self, time_ms: f64, out: &mut Vec<u8>) -> Result<(), Error>;

    /// Hands the engine a remote key; returns whether focus used it (else the app gets a `Key`
    /// event with the next frame).
    fn key(&mut self, key: Key, action: KeyAction) -> Result<bool, Error>;

    /// Hands the engine a character typed on a keyboard (the app gets a `Text` event with the
    /// next frame); returns whether the engine took it: `false` from a build older than text
    /// input, which has no way to.
    fn text(&mut self, character: char) -> Result<bool, Error>;

    /// Image `image` (named in a `Load` request) is loaded, `width × height` pixels; returns
    /// whether the engine still wanted it.
    fn image_ready(&mut self, image: u32, width: u32, height: u32) -> Result<bool, Error>;

    /// Image `image` could not be loaded; returns whether the engine still wanted it.
    fn image_failed(&mut self, image: u32, reason: ImageError) -> Result<bool, Error>;

    /// Sets the texture budget in bytes.
    fn set_texture_budget(&mut self, bytes: u64) -> Result<(), Error>;

    /// Reads a counter; one the build does not keep reads as `u64::MAX`.
    fn stat(&mut self, which: Stat) -> Result<u64, Error>;

    /// Turns per-phase frame timing on or off (see [`Stat::PHASES`]).
    fn set_profiling(&mut self, on: bool) -> Result<(), Error>;

    /// The engine's own memory in bytes — linear memory, or engine.js's heap view — or `None`
    /// for the native build, which shares the host's heap.
    fn memory_bytes(&mut self) -> Result<Option<usize>, Error>;

    /// The backend lost the layers it kept (it refused a frame, or was replaced): the next frame
    /// restates the whole layer tree.
    fn invalidate(&mut self) -> Result<(), Error>;

    /// Answers a debug query (a host's debug overlay): the answer's bytes, to read with
    /// [`debug::decode`] (they come from the engine: decode them, never trust them); `None` if
    /// this build has no debug query (an engine from before it). Answering changes nothing.
    fn debug_query(&mut self, query: debug::Query) -> Result<Option<Vec<u8>>, Error>;

    /// Runs a frame and returns the frame buffer.
    fn frame(&mut self, time_ms: f64) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        self.frame_into(time_ms, &mut out)?;
        Ok(out)
    }

    /// Answers an image request either way.
    fn answer_image(&mut self, image: u32, result: Result<(u32, u32), ImageError>) -> Result<bool, Error> {
        match result {
            Ok((width, height)) => self.image_ready(image, width, height),
            Err(reason) => self.image_failed(image, reason),
        }
    }

    /// The last frame's time in each phase (`marquee_engine::PHASES`), in ns, while profiling.
    fn phase_ns(&mut self) -> Result<[u64; 3], Error> {
        let [a, b, c] = Stat::PHASES;
        Ok([self.stat(a)?, self.stat(b)?, self.stat(c)?])
    }
}
