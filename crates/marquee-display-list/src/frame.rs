//! One frame's output as a single buffer: layer updates, damage, events and resource requests.
//!
//! ```text
//! frame   := "MQFR" version:u16 flags:u16 time:f64 layers_len:u32 damage_count:u32
//!            events_len:u32 requests_len:u32 layers[layers_len] damage[damage_count]
//!            events[events_len] requests[requests_len]
//! time    := the frame time in ms the engine drew for; backends sample animated props at it
//! flags   := bit 0: full — the layer updates restate the whole tree (other bits are 0)
//! layers  := the layer updates (see [`crate::layers`])
//! damage  := x:i32 y:i32 w:i32 h:i32
//! request := kind:u8 image:u32 src_len:u16 src[src_len]        (kind 1 load, 2 release)
//! ```
//!
//! The engine writes it; the host copies it out of Wasm memory in one read and splits it here.
//! The events are protocol bytes for the app that this crate passes through unread, so backends
//! stay ignorant of the protocol. The requests are for the host itself: images to load and to
//! drop (see [`Request`]).

use crate::geometry::IntRect;
use crate::{Error, VERSION};

const MAGIC: [u8; 4] = *b"MQFR";
const HEADER_LEN: usize = 32;

/// Something the engine needs the host to do with a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request<'a> {
    /// Fetch and decode the image at `src`, then tell the engine its size (or why it failed).
    Load {
        /// The engine's handle for the image.
        image: u32,
        /// A bundle path, a `file:` or an `http(s):` URL.
        src: &'a str,
    },
    /// Drop the image's pixels (and any load in flight): it is out of view and over budget, or
    /// no node names it any more.
    Release {
        /// The engine's handle for the image.
        image: u32,
    },
}

impl Request<'_> {
    /// Appends the request's binary form to `out`. Sources longer than 65,535 bytes are cut at a
    /// character boundary (the protocol limits them to 4 KiB).
    pub fn encode(&self, out: &mut Vec<u8>) {
        let (kind, image, src) = match *self {
            Request::Load { image, src } => (1u8, image, src),
            Request::Release { image } => (2u8, image, ""),
        };
        let mut len = src.len().min(u16::MAX as usize);
        while !src.is_char_boundary(len) {
            len -= 1;
        }
        out.push(kind);
        out.extend_from_slice(&image.to_le_bytes());
        out.extend_from_slice(&(len as u16).to_le_bytes());
        out.extend_from_slice(&src.as_bytes()[..len]);
    }
}

/// Reads a frame's requests, checking every length and string.
pub fn requests(bytes: &[u8]) -> Result<Vec<Request<'_>>, Error> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let head = bytes.get(at..at + 7).ok_or(Error::Truncated { offset: bytes.len() })?;
        let image = u32::from_le_bytes([head[1], head[2], head[3], head[4]]);
        let len = u16::from_le_bytes([head[5], head[6]]) as usize;
        let src = bytes.get(at + 7..at + 7 + len).ok_or(Error::Truncated { offset: bytes.len() })?;
        let src = std::str::from_utf8(src).map_err(|_| Error::BadValue { offset: at })?;
        out.push(match head[0] {
            1 => Request::Load { image, src },
            2 if len == 0 => Request::Release { image },
            tag => return Err(Error::UnknownOp { tag, offset: at }),
        });
        at += 7 + len;
    }
    Ok(out)
}

/// The header flag of a frame whose layer updates restate the whole tree.
pub const FULL: u16 = 1;

/// The header of a frame: whether it restates the tree, and its time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Head {
    /// The layer updates restate every layer.
    pub full: bool,
    /// The frame time in ms.
    pub time: f64,
}

/// Appends a frame made of its four parts to `out`.
pub fn write(out: &mut Vec<u8>, head: Head, layers: &[u8], damage: &[IntRect], events: &[u8], requests: &[u8]) {
    out.reserve(HEADER_LEN + layers.len() + damage.len() * 16 + events.len() + requests.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(if head.full { FULL } else { 0 }).to_le_bytes());
    out.extend_from_slice(&head.time.to_le_bytes());
    for n in [layers.len(), damage.len(), events.len(), requests.len()] {
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }
    out.extend_from_slice(layers);
    for r in damage {
        for v in [r.x, r.y, r.w, r.h] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out.extend_from_slice(events);
    out.extend_from_slice(requests);
}

/// A frame split into its parts; the layer updates and events still need decoding.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame<'a> {
    /// Whether the layer updates restate the whole tree.
    pub full: bool,
    /// The frame time in ms (finite): animated props are sampled at it.
    pub time: f64,
    /// The layer updates' bytes (see [`crate::layers`]).
    pub layers: &'a [u8],
    /// The regions that changed since the previous frame, in device pixels.
    pub damage: Vec<IntRect>,
    /// Event batch bytes for the app.
    pub events: &'a [u8],
    /// Requests for the host (see [`requests`]).
    pub requests: &'a [u8],
}

impl<'a> Frame<'a> {
    /// Splits a frame buffer, checking that the declared lengths match the bytes exactly.
    pub fn parse(bytes: &'a [u8]) -> Result<Frame<'a>, Error> {
        crate::check_header(bytes, MAGIC, HEADER_LEN)?;
        let flags = u16::from_le_bytes([bytes[6], bytes[7]]);
        if flags & !FULL != 0 {
            return Err(Error::BadValue { offset: 6 });
        }
        let mut time = [0; 8];
        time.copy_from_slice(&bytes[8..16]);
        let time = f64::from_le_bytes(time);
        if !time.is_finite() {
            return Err(Error::BadValue { offset: 8 });
        }
        let word = |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize;
        let (list_len, damage_count, events_len, requests_len) = (word(16), word(20), word(24), word(28));
        let damage_len = damage_count.checked_mul(16).ok_or(Error::BadValue { offset: 20 })?;
        let total = HEADER_LEN
            .checked_add(list_len)
            .and_then(|n| n.checked_add(damage_len))
            .and_then(|n| n.checked_add(events_len))
            .and_then(|n| n.checked_add(requests_len))
            .ok_or(Error::BadValue { offset: 16 })?;
        if total != bytes.len() {
            return Err(Error::Truncated { offset: bytes.len().min(total) });
        }
        let list_end = HEADER_LEN + list_len;
        let damage_end = list_end + damage_len;
        let damage = bytes[list_end..damage_end]
            .chunks_exact(16)
            .map(|c| {
                let v = |i: usize| i32::from_le_bytes([c[i], c[i + 1], c[i + 2], c[i + 3]]);
                IntRect { x: v(0), y: v(4), w: v(8), h: v(12) }
            })
            .collect();
        let events_end = damage_end + events_len;
        Ok(Frame {
            full: flags & FULL != 0,
            time,
            layers: &bytes[HEADER_LEN..list_end],
            damage,
            events: &bytes[damage_end..events_end],
            requests: &bytes[events_end..],
        })
    }
}
