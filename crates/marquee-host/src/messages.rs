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
    /// The app thread started the app again (see [`ToApp::Reload`]): these batches, which the
    /// new app sent while it started, build its scene on a fresh engine instance; starting it
    /// took this long.
    Reloaded(Vec<Vec<u8>>, std::time::Duration),
    /// The app could not be started again; the old one runs on. Shown on screen.
    ReloadFailed(String),
    /// An edit was applied in the running app (see [`ToApp::Refresh`]), in this long; with
    /// what went wrong when React could not render it (shown on screen).
    Refreshed(std::time::Duration, Option<String>),
    /// A problem for the screen from the front end (an edit that does not build), or `None`
    /// to clear it.
    Problem(Option<String>),
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
    /// Start the app again from its entry module, as it is on disk now, keeping the old one
    /// if the new one fails (`marquee dev`).
    Reload,
    /// The engine thread made a fresh instance for the reloaded app, at this era.
    Reloaded(Era),
    /// Apply an edit in the running app: a script from `marquee dev` that defines the modules
    /// that changed and says how applying them went (Fast Refresh). One that cannot be applied
    /// in place becomes a [`Reload`](Self::Reload).
    Refresh(String),
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
