//! One error type for every engine build, so a host handles a failed call the same way whichever
//! build made it.

use std::fmt;

/// Why an engine could not be started or a call into it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The engine's code does not compile (engine.wasm) or parse (engine.js).
    Compile(String),
    /// It compiled but could not be instantiated (missing imports, a start function that failed,
    /// a memory limit below its initial memory).
    Instantiate(String),
    /// engine.wasm lacks an export the ABI requires, or has it with another signature.
    MissingExport(&'static str),
    /// The engine speaks another ABI version.
    AbiMismatch {
        /// What this host speaks ([`ABI_VERSION`](crate::ABI_VERSION)).
        expected: u32,
        /// What the engine reported.
        found: u32,
    },
    /// The engine trapped (engine.wasm) or threw (engine.js): a bug in it, or a limit it hit.
    Trap(String),
    /// A call ran past its time budget and was interrupted.
    Interrupted,
    /// The engine could not allocate a buffer for a batch, or engine.js's heap limit was reached.
    OutOfMemory,
    /// engine.wasm trapped after its linear memory could not grow past the instance's limit: it
    /// ran out of memory (Rust aborts on a failed allocation).
    MemoryLimit {
        /// The linear memory when the growth was refused, in bytes.
        memory: usize,
        /// What it asked to grow to, in bytes.
        wanted: usize,
        /// The instance's limit, in bytes.
        limit: usize,
    },
    /// The engine returned a buffer outside its memory.
    BadOutput,
    /// An earlier error poisoned this instance.
    Poisoned,
}

impl Error {
    /// Whether the call ran past its time budget: a hang rather than a failure.
    pub fn is_hang(&self) -> bool {
        *self == Error::Interrupted
    }

    /// Whether the engine ran out of memory.
    pub fn is_out_of_memory(&self) -> bool {
        matches!(self, Error::OutOfMemory | Error::MemoryLimit { .. })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mib = |bytes: usize| bytes as f64 / 1048576.0;
        match self {
            Error::Compile(e) => write!(f, "engine does not compile: {e}"),
            Error::Instantiate(e) => write!(f, "engine does not instantiate: {e}"),
            Error::MissingExport(name) => write!(f, "engine module lacks export `{name}` (or its signature differs)"),
            Error::AbiMismatch { expected, found } => {
                write!(f, "engine speaks ABI {found}, this host speaks {expected}")
            }
            Error::Trap(e) => write!(f, "engine trapped: {e}"),
            Error::Interrupted => f.write_str("engine call ran past its time budget and was interrupted"),
            Error::OutOfMemory => f.write_str("engine ran out of memory"),
            Error::MemoryLimit { memory, wanted, limit } => write!(
                f,
                "engine ran out of memory: its linear memory of {:.1} MiB could not grow to {:.1} MiB, over its {:.1} MiB limit",
                mib(*memory),
                mib(*wanted),
                mib(*limit)
            ),
            Error::BadOutput => f.write_str("engine returned a buffer outside its memory"),
            Error::Poisoned => f.write_str("engine instance poisoned by an earlier error"),
        }
    }
}

impl std::error::Error for Error {}
