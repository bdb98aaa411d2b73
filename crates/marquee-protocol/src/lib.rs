//! The wire format between a Marquee app and its engine.
//!
//! The app (JavaScript, on the app thread) never calls the engine directly: it appends
//! [`Command`]s to a binary batch and posts one batch per tick to the engine thread. The engine
//! answers with a batch of [`Event`]s. Both directions share one framing (see `docs/protocol.md`),
//! little-endian, every command prefixed by its opcode and payload length, so that a decoder can
//! skip a command it cannot use and keep the meaning of the rest of the batch.
//!
//! Decoding treats every byte as hostile: it never panics, never allocates more than the input
//! justifies, and reports each problem as an [`Error`] naming the byte offset and the reason.
//! The same bytes are produced by the SDK's JavaScript encoder; the golden vectors in
//! `tests/vectors/` hold the two together.
//!
//! Besides the binary form there is a line-oriented text form ([`text`]) used by test fixtures,
//! recorded streams and humans.

mod batch;
mod command;
mod error;
mod event;
pub mod hex_form;
mod key;
mod style;
pub mod text;
mod timing;
mod wire;
mod wire_enum;

pub use batch::{Decoder, Encoder, Message};
pub use command::{Command, NodeId, NodeKind, State, StyleEntry, StyleId, command_name, decode_batch, encode_batch};
pub use error::{Error, ErrorCode, ErrorKind, describe_rejection, rejection};
pub use event::{Event, ImageError, ResetReason, SCROLL_EVENT_INTERVAL_MS, decode_events, encode_events};
pub use key::{Key, KeyAction, LONG_PRESS_MS};

/// Builds a command batch.
pub type BatchEncoder = Encoder<Command>;
/// Reads a command batch (see [`decode_batch`]).
pub type BatchDecoder<'a> = Decoder<'a, Command>;
/// Builds an event batch; the engine keeps one and reuses it every frame.
pub type EventEncoder = Encoder<Event>;
/// Reads an event batch (see [`decode_events`]).
pub type EventDecoder<'a> = Decoder<'a, Event>;
pub use style::tag;
pub use style::{
    AlignItems, Bounds, Color, Dimension, Direction, Display, EasingName, FlexDirection, FlexWrap, FocusGroup,
    FocusRestore, FontStyle, JustifyContent, Length, LengthPercentage, ObjectFit, Overflow, Position, ScrollAlign,
    StyleDecl, StyleProperty, TextAlign, TextOverflow, Toggle, ValueKind,
};
pub use timing::{Easing, Timing};

/// The protocol version carried in every batch header.
///
/// A batch whose version differs is rejected whole: the app's SDK and the engine ship in the same
/// bundle, so a mismatch means a broken bundle, not an old peer. Adding an opcode does not change
/// the version (older decoders skip unknown opcodes); changing a payload does.
pub const VERSION: u16 = 2;

/// The bytes of a batch header (`magic version:u16 flags:u16 count:u32`), command or event: a
/// batch this long holds nothing.
pub const BATCH_HEADER_LEN: usize = wire::HEADER_LEN;

/// Hard limits on what a batch may ask for. Each is checked by the decoder or the engine and
/// tested at limit + 1.
pub mod limits {
    /// The largest node id; the SDK reuses ids of destroyed nodes, so ids stay below the number of
    /// live nodes and the engine can keep its tables dense.
    pub const MAX_NODE_ID: u32 = 65_535;
    /// The largest batch the engine accepts, in bytes.
    pub const MAX_BATCH_BYTES: usize = 16 << 20;
    /// The most commands one batch may hold.
    pub const MAX_COMMANDS_PER_BATCH: u32 = 100_000;
    /// The deepest tree the engine builds; recursion depth is what kills a Wasm stack.
    pub const MAX_TREE_DEPTH: usize = 256;
    /// The largest viewport side, in pixels.
    pub const MAX_VIEWPORT_SIDE: f32 = 16_384.0;
    /// The longest text a text node may hold, in UTF-8 bytes.
    pub const MAX_TEXT_BYTES: usize = 64 << 10;
    /// The longest font family name, in bytes.
    pub const MAX_FAMILY_BYTES: usize = 256;
    /// The longest image source, in bytes.
    pub const MAX_SRC_BYTES: usize = 4096;
    /// The largest reusable style id (the SDK numbers its styles from 1).
    pub const MAX_STYLE_ID: u32 = 65_535;
    /// The most declarations one reusable style may hold.
    pub const MAX_STYLE_ENTRIES: usize = 256;
}
