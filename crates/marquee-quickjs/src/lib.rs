//! QuickJS as Marquee runs it, for both of its QuickJS users: the app's runtime (`marquee-js`)
//! and engine.js on devices without Wasm (`marquee-engine-quickjs`).
//!
//! Both run code they do not trust to be well-behaved — an app that loops, an engine with a bug —
//! on a thread that must keep going. So both need the same three things, which live here once:
//! a runtime with its heap and stack bounded ([`limited_runtime`]), a [`Watchdog`] that
//! interrupts a call running past its time budget (through QuickJS's interrupt handler, which
//! the interpreter polls), and a safe copy of a typed array's bytes ([`copy_bytes`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rquickjs::{Runtime, TypedArray};

/// A QuickJS runtime whose heap may not pass `memory` bytes and whose JavaScript stack may not
/// pass `stack` bytes (the calling thread needs that much native stack and some headroom).
pub fn limited_runtime(memory: usize, stack: usize) -> rquickjs::Result<Runtime> {
    let runtime = Runtime::new()?;
    runtime.set_memory_limit(memory);
    runtime.set_max_stack_size(stack);
    Ok(runtime)
}

/// Interrupts JavaScript that runs past a deadline. [`install`](Watchdog::install) it on a
/// runtime, [`arm`](Watchdog::arm) it before each call, [`disarm`](Watchdog::disarm) it after.
/// QuickJS asks the interrupt handler every few thousand instructions; once the deadline has
/// passed the handler says stop, the running code gets an uncatchable interrupt, and the call
/// returns an error.
pub struct Watchdog {
    epoch: Instant,
    /// Microseconds since `epoch` after which to interrupt; 0 while disarmed.
    deadline_us: AtomicU64,
    fired: AtomicBool,
}

impl Watchdog {
    /// A disarmed watchdog, installed as `runtime`'s interrupt handler.
    pub fn install(runtime: &Runtime) -> Arc<Watchdog> {
        let dog =
            Arc::new(Watchdog { epoch: Instant::now(), deadline_us: AtomicU64::new(0), fired: AtomicBool::new(false) });
        let handler = dog.clone();
        runtime.set_interrupt_handler(Some(Box::new(move || handler.late())));
        dog
    }

    /// Whether the deadline has passed; remembers that it fired.
    fn late(&self) -> bool {
        let deadline = self.deadline_us.load(Ordering::Relaxed);
        let late = deadline != 0 && self.epoch.elapsed().as_micros() as u64 > deadline;
        if late {
            self.fired.store(true, Ordering::Relaxed);
        }
        late
    }

    /// Starts the clock: JavaScript running `budget` from now is interrupted.
    pub fn arm(&self, budget: Duration) {
        let deadline = self.epoch.elapsed() + budget;
        self.deadline_us.store(deadline.as_micros().max(1) as u64, Ordering::Relaxed);
        self.fired.store(false, Ordering::Relaxed);
    }

    /// Stops the clock.
    pub fn disarm(&self) {
        self.deadline_us.store(0, Ordering::Relaxed);
    }

    /// Whether it interrupted something since it was last armed.
    pub fn fired(&self) -> bool {
        self.fired.load(Ordering::Relaxed)
    }

    /// [`fired`](Self::fired), and forgets it.
    pub fn take_fired(&self) -> bool {
        self.fired.swap(false, Ordering::Relaxed)
    }
}

/// Appends a typed array's bytes to `out`; false if its buffer is gone (detached).
#[allow(unsafe_code, reason = "rquickjs exposes typed-array bytes only through an unsafe borrow")]
pub fn copy_bytes(array: &TypedArray<'_, u8>, out: &mut Vec<u8>) -> bool {
    // SAFETY: the borrow ends inside this function and no JavaScript runs while it lives (the
    // bytes are copied at once), so nothing can detach or resize the buffer under it.
    match unsafe { array.as_bytes() } {
        Some(bytes) => {
            out.extend_from_slice(bytes);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use rquickjs::Context;

    use super::*;

    #[test]
    fn a_call_past_its_budget_is_interrupted_and_the_runtime_goes_on() {
        let runtime = limited_runtime(16 << 20, 1 << 20).unwrap();
        let dog = Watchdog::install(&runtime);
        let context = Context::full(&runtime).unwrap();
        dog.arm(Duration::from_millis(20));
        let looped = context.with(|ctx| ctx.eval::<(), _>("for (;;) {}").is_err());
        dog.disarm();
        assert!(looped && dog.take_fired());
        assert!(!dog.fired(), "take_fired forgets");
        // Disarmed, a long (finite) computation runs to its end.
        let sum: f64 = context.with(|ctx| ctx.eval("let s = 0; for (let i = 0; i < 1e6; i++) s += i; s")).unwrap();
        assert_eq!(sum, 499999500000.0);
    }

    #[test]
    fn typed_arrays_copy_out_and_a_detached_one_says_so() {
        let runtime = limited_runtime(16 << 20, 1 << 20).unwrap();
        let context = Context::full(&runtime).unwrap();
        context.with(|ctx| {
            let array: TypedArray<u8> = ctx.eval("new Uint8Array([1, 2, 3])").unwrap();
            let mut out = vec![0];
            assert!(copy_bytes(&array, &mut out));
            assert_eq!(out, [0, 1, 2, 3]);
            let detached: TypedArray<u8> = ctx.eval("const a = new Uint8Array(4); a.buffer.transfer(); a").unwrap();
            assert!(!copy_bytes(&detached, &mut out));
        });
    }
}
