//! Events: what the engine tells the app after a frame.
//!
//! Events share the command framing with their own magic (`MQEV`) and opcode space. The engine
//! writes them; the SDK reads them on the app thread and dispatches them to callbacks.

use crate::error::{Error, ErrorCode, ErrorKind};
use crate::key::{Key, KeyAction};
use crate::style::StyleProperty;
use crate::wire::{Fields, Writer};

pub(crate) const MAGIC: [u8; 4] = *b"MQEV";

mod op {
    pub(crate) const COMMAND_ERROR: u16 = 0x0001;
    pub(crate) const LAYOUT_RESULT: u16 = 0x0002;
    pub(crate) const KEY: u16 = 0x0003;
    pub(crate) const ENGINE_RESET: u16 = 0x0004;
    pub(crate) const NODE_FREED: u16 = 0x0005;
    pub(crate) const FOCUS_CHANGED: u16 = 0x0006;
    pub(crate) const ANIMATION_END: u16 = 0x0007;
    pub(crate) const IMAGE_LOADED: u16 = 0x0008;
    pub(crate) const IMAGE_FAILED: u16 = 0x0009;
    pub(crate) const ENGINE_OUT_OF_MEMORY: u16 = 0x000a;
    pub(crate) const TEXT: u16 = 0x000b;
    pub(crate) const SCROLL: u16 = 0x000c;
}

/// How often, at most, a scroll container mid-scroll reports its offset ([`Event::Scroll`]), in
/// ms of frame time: about every sixth frame at 60 Hz, enough for an app to follow (a guide's
/// "now" line, a rail's page count) without an event a frame on the app thread.
pub const SCROLL_EVENT_INTERVAL_MS: f64 = 100.0;

crate::wire_enum! {
    /// Why an image could not be shown (see [`Event::ImageFailed`]). The host decides; the engine
    /// passes the reason on.
    pub enum ImageError: u8 {
        /// The source is not a bundle path, `file:` or `http(s):` URL, or leaves the bundle.
        BadSource = 1 "bad-source",
        /// No file or resource at the source (a missing file, HTTP 404).
        NotFound = 2 "not-found",
        /// The server could not be reached, or the transfer failed or timed out.
        Unreachable = 3 "unreachable",
        /// The encoded image is larger than the host's limit.
        TooLarge = 4 "too-large",
        /// The image's dimensions exceed the host's pixel limit (a decompression bomb is refused
        /// from its header, before any pixel is allocated).
        TooManyPixels = 5 "too-many-pixels",
        /// The bytes are not a PNG or JPEG the host can decode (corrupt or truncated).
        Corrupt = 6 "corrupt",
        /// A format the host does not decode.
        Unsupported = 7 "unsupported",
    }
}

crate::wire_enum! {
    /// Why the host replaced the engine instance (see [`Event::EngineReset`]).
    pub enum ResetReason: u16 {
        /// The engine trapped (a bug in the engine, or a resource limit it hit).
        Trap = 1 "trap",
        /// A call into the engine ran past its time budget.
        Hang = 2 "hang",
    }
}

/// One event from the engine to the app.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event {
    /// A command was rejected and skipped (or, for a framing error, the rest of its batch).
    CommandError {
        /// Which batch, counted from 0 since the engine started.
        batch: u32,
        /// Byte offset of the command in that batch.
        offset: u32,
        /// The command's opcode, or `0xffff` when the framing broke before it could be read.
        opcode: u16,
        /// Why.
        code: ErrorCode,
        /// The node involved, or `u32::MAX`.
        node: u32,
    },
    /// The answer to a `QueryLayout`: the node's border box in root coordinates, before any
    /// transform, after this frame's layout.
    LayoutResult {
        /// The node queried.
        id: u32,
        /// Left edge.
        x: f32,
        /// Top edge.
        y: f32,
        /// Width.
        width: f32,
        /// Height.
        height: f32,
    },
    /// A remote key focus did not use: Enter, Back, media keys, and arrows at the edge of the
    /// focusable world.
    Key {
        /// Which key.
        key: Key,
        /// Press, repeat or release.
        action: KeyAction,
        /// The focused node when the key came, or `u32::MAX` when nothing had focus.
        target: u32,
    },
    /// A character typed on a keyboard (or a remote's keyboard, or an input method), for the
    /// focused node: text input, beside the remote keys (a key a remote has, such as a digit,
    /// comes as that key instead).
    Text {
        /// The character.
        character: char,
        /// The focused node when it came, or `u32::MAX` when nothing had focus.
        target: u32,
    },
    /// Focus moved. `u32::MAX` stands for "nothing".
    FocusChanged {
        /// The node that lost focus.
        from: u32,
        /// The node that has it now.
        to: u32,
    },
    /// An animation the app started ended.
    AnimationEnd {
        /// The animated node.
        id: u32,
        /// The tag the app gave the animation.
        tag: u32,
        /// The animated property.
        property: StyleProperty,
        /// `true` when it ran to the end; `false` when it was cancelled, replaced by another
        /// animation of the property, overridden by a `SetStyle`, or its node was destroyed.
        finished: bool,
    },
    /// An image node's image is ready and shown (fading in).
    ImageLoaded {
        /// The image node.
        id: u32,
        /// The image's width in pixels.
        width: u32,
        /// The image's height in pixels.
        height: u32,
    },
    /// An image node's image could not be shown; the node keeps its placeholder.
    ImageFailed {
        /// The image node.
        id: u32,
        /// Why.
        reason: ImageError,
    },
    /// A node was destroyed (itself or as part of a destroyed subtree): its id may be reused.
    NodeFreed {
        /// The id now free.
        id: u32,
    },
    /// The host replaced a failed engine instance with a fresh one: the scene is empty again
    /// and the app must build it anew. Sent by the host, never by the engine itself.
    EngineReset {
        /// What went wrong with the old instance.
        reason: ResetReason,
    },
    /// A scroll container's shown offset moved: sent from the first frame it has moved in, at
    /// most every [`SCROLL_EVENT_INTERVAL_MS`] while it glides, and in the frame it comes to rest.
    Scroll {
        /// The scroll container.
        id: u32,
        /// How far its content is scrolled left, in px.
        x: f32,
        /// How far its content is scrolled up, in px.
        y: f32,
    },
    /// Follows an `EngineReset { reason: Trap }` when the trap was the engine running out of
    /// memory: how many nodes the scene had and the limit it reached. Sent by the host. (A
    /// separate event rather than a new reset reason, so that SDKs that predate it still see the
    /// reset and rebuild.)
    EngineOutOfMemory {
        /// Live nodes in the scene when it last drew a frame.
        nodes: u32,
        /// The engine's memory limit, in bytes.
        limit: u32,
    },
}

impl Event {
    /// The event for a command error.
    pub fn from_error(batch: u32, e: &Error) -> Event {
        Event::CommandError {
            batch,
            offset: e.offset,
            opcode: e.opcode.unwrap_or(0xffff),
            code: e.kind.code(),
            node: e.kind.node().unwrap_or(u32::MAX),
        }
    }

    fn encode(&self, w: &mut Writer) {
        match *self {
            Event::CommandError { batch, offset, opcode, code, node } => {
                w.record(op::COMMAND_ERROR, |p| {
                    p.u32(batch).u32(offset).u16(opcode).u16(code as u16).u32(node);
                });
            }
            Event::LayoutResult { id, x, y, width, height } => {
                w.record(op::LAYOUT_RESULT, |p| {
                    p.u32(id).f32(x).f32(y).f32(width).f32(height);
                });
            }
            Event::Key { key, action, target } => {
                w.record(op::KEY, |p| {
                    p.u16(key as u16).u8(action as u8).u32(target);
                });
            }
            Event::Text { character, target } => {
                w.record(op::TEXT, |p| {
                    p.u32(character as u32).u32(target);
                });
            }
            Event::FocusChanged { from, to } => {
                w.record(op::FOCUS_CHANGED, |p| {
                    p.u32(from).u32(to);
                });
            }
            Event::AnimationEnd { id, tag, property, finished } => {
                w.record(op::ANIMATION_END, |p| {
                    p.u32(id).u32(tag).u16(property as u16).u8(finished as u8);
                });
            }
            Event::ImageLoaded { id, width, height } => {
                w.record(op::IMAGE_LOADED, |p| {
                    p.u32(id).u32(width).u32(height);
                });
            }
            Event::ImageFailed { id, reason } => {
                w.record(op::IMAGE_FAILED, |p| {
                    p.u32(id).u8(reason as u8);
                });
            }
            Event::NodeFreed { id } => {
                w.record(op::NODE_FREED, |p| {
                    p.u32(id);
                });
            }
            Event::Scroll { id, x, y } => {
                w.record(op::SCROLL, |p| {
                    p.u32(id).f32(x).f32(y);
                });
            }
            Event::EngineOutOfMemory { nodes, limit } => {
                w.record(op::ENGINE_OUT_OF_MEMORY, |p| {
                    p.u32(nodes).u32(limit);
                });
            }
            Event::EngineReset { reason } => {
                w.record(op::ENGINE_RESET, |p| {
                    p.u16(reason as u16);
                });
            }
        }
    }

    fn decode(opcode: u16, payload: &[u8]) -> Result<Event, ErrorKind> {
        match opcode {
            op::COMMAND_ERROR => {
                let mut f = Fields::exact(payload, 16)?;
                Ok(Event::CommandError {
                    batch: f.u32(),
                    offset: f.u32(),
                    opcode: f.u16(),
                    code: ErrorCode::from_u16(f.u16()),
                    node: f.u32(),
                })
            }
            op::LAYOUT_RESULT => {
                let mut f = Fields::exact(payload, 20)?;
                Ok(Event::LayoutResult { id: f.u32(), x: f.f32(), y: f.f32(), width: f.f32(), height: f.f32() })
            }
            op::KEY => {
                let mut f = Fields::exact(payload, 7)?;
                let key = Key::from_code(f.u16()).ok_or(ErrorKind::BadValue("key"))?;
                let action = KeyAction::from_code(f.u8()).ok_or(ErrorKind::BadValue("key action"))?;
                Ok(Event::Key { key, action, target: f.u32() })
            }
            op::TEXT => {
                let mut f = Fields::exact(payload, 8)?;
                let character = char::from_u32(f.u32()).ok_or(ErrorKind::BadValue("character"))?;
                Ok(Event::Text { character, target: f.u32() })
            }
            op::FOCUS_CHANGED => {
                let mut f = Fields::exact(payload, 8)?;
                Ok(Event::FocusChanged { from: f.u32(), to: f.u32() })
            }
            op::ANIMATION_END => {
                let mut f = Fields::exact(payload, 11)?;
                let (id, tag) = (f.u32(), f.u32());
                let property = StyleProperty::from_u16(f.u16()).ok_or(ErrorKind::BadValue("style property"))?;
                let finished = match f.u8() {
                    0 => false,
                    1 => true,
                    _ => return Err(ErrorKind::BadValue("finished flag")),
                };
                Ok(Event::AnimationEnd { id, tag, property, finished })
            }
            op::IMAGE_LOADED => {
                let mut f = Fields::exact(payload, 12)?;
                Ok(Event::ImageLoaded { id: f.u32(), width: f.u32(), height: f.u32() })
            }
            op::IMAGE_FAILED => {
                let mut f = Fields::exact(payload, 5)?;
                let id = f.u32();
                let reason = ImageError::from_code(f.u8()).ok_or(ErrorKind::BadValue("image error"))?;
                Ok(Event::ImageFailed { id, reason })
            }
            op::NODE_FREED => Ok(Event::NodeFreed { id: Fields::exact(payload, 4)?.u32() }),
            op::SCROLL => {
                let mut f = Fields::exact(payload, 12)?;
                Ok(Event::Scroll { id: f.u32(), x: f.f32(), y: f.f32() })
            }
            op::ENGINE_RESET => {
                let mut f = Fields::exact(payload, 2)?;
                let reason = ResetReason::from_code(f.u16()).ok_or(ErrorKind::BadValue("reset reason"))?;
                Ok(Event::EngineReset { reason })
            }
            op::ENGINE_OUT_OF_MEMORY => {
                let mut f = Fields::exact(payload, 8)?;
                Ok(Event::EngineOutOfMemory { nodes: f.u32(), limit: f.u32() })
            }
            _ => Err(ErrorKind::UnknownOpcode),
        }
    }
}

impl crate::batch::Sealed for Event {
    const MAGIC: [u8; 4] = MAGIC;

    fn encode(&self, w: &mut Writer) {
        Event::encode(self, w);
    }

    fn decode(opcode: u16, payload: &[u8]) -> Result<Event, ErrorKind> {
        Event::decode(opcode, payload)
    }
}

/// Encodes events as one event batch.
pub fn encode_events(events: &[Event]) -> Vec<u8> {
    let mut enc = crate::EventEncoder::default();
    for e in events {
        enc.push(e);
    }
    enc.finish()
}

/// Opens an event batch, with the same skip/stop rules as [`crate::decode_batch`].
pub fn decode_events(bytes: &[u8]) -> Result<crate::EventDecoder<'_>, Error> {
    crate::batch::Decoder::open(bytes)
}
