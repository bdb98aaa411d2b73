//! The clock the renderer times its frames with: the system's monotonic clock, and none in a
//! browser (`std::time::Instant` panics on `wasm32-unknown-unknown`, where the browser host
//! times frames itself).

pub(crate) use std::time::Duration;

#[cfg(not(target_arch = "wasm32"))]
pub(crate) use std::time::Instant;

/// No clock: every span is zero.
#[cfg(target_arch = "wasm32")]
#[derive(Debug, Clone, Copy)]
pub(crate) struct Instant;

#[cfg(target_arch = "wasm32")]
impl Instant {
    pub(crate) fn now() -> Instant {
        Instant
    }

    pub(crate) fn elapsed(&self) -> Duration {
        Duration::ZERO
    }
}
