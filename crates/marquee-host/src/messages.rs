//! What the host's threads say to each other: the whole contract between the app thread, the
//! engine thread and the front end. Both threads import this module and not each other.
//!
//! Only bytes and small values cross: JavaScript values stay on the app thread, engine values on
//! the engine thread.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};

use crate::Input;
use crate::backlog::Backlog;
use crate::log::Log;

/// How many times the engine was reset. A batch the app sent before it heard of the latest
/// reset was written for the scene that died with the old instance — its ids are the ones the
/// SDK gives out again — so the engine thread drops it rather than apply it to the new one.
pub(crate) type Era = u32;

/// Messages to the engine thread, from the app thread and the front end.
pub(crate) enum ToEngine {
    /// A command batch from the SDK, sent after the app had heard of `era` engine resets.
    Batch(Vec<u8>, Era),
    /// The app has handled `handled` event batches, is idle or not, and waits for a frame or not.
    AppState { handled: u64, idle: bool, wants_frame: bool },
    /// The app's entry module failed; the run cannot go on.
    AppFailed(marquee_js::Error),
    /// Input from the front end.
    Input(Input),
}

/// Messages to the app thread, from the engine thread.
pub(crate) enum ToApp {
    /// An event batch (counted: see `ToEngine::AppState`), sent after `era` engine resets.
    Events(Vec<u8>, Era),
    /// A frame was presented at this frame time (not counted, and sent only while the app has
    /// said it waits for one, so an app without frame callbacks is not woken every vsync).
    Frame(f64),
    /// A `fetch` request ended (not counted): the app thread settles its promise.
    Network,
    /// The run is over.
    Quit,
}

/// The engine thread's ends of the connections.
pub(crate) struct EngineEnds {
    pub(crate) rx: Receiver<ToEngine>,
    pub(crate) to_app: Sender<ToApp>,
    pub(crate) log: Log,
    pub(crate) backlog: Arc<Backlog>,
}
