//! One frame's output as a single buffer: display list, damage and events.
//!
//! ```text
//! frame := "MQFR" version:u16 flags:u16 list_len:u32 damage_count:u32 events_len:u32
//!          list[list_len] damage[damage_count] events[events_len]
//! damage := x:i32 y:i32 w:i32 h:i32
//! ```
//!
//! The engine writes it; the host copies it out of Wasm memory in one read and splits it here.
//! The events are protocol bytes that this crate passes through unread, so backends stay
//! ignorant of the protocol.

use crate::geometry::IntRect;
use crate::{Error, VERSION};

const MAGIC: [u8; 4] = *b"MQFR";
const HEADER_LEN: usize = 20;

/// Appends a frame made of its three parts to `out`.
pub fn write(out: &mut Vec<u8>, list: &[u8], damage: &[IntRect], events: &[u8]) {
    out.reserve(HEADER_LEN + list.len() + damage.len() * 16 + events.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    for n in [list.len(), damage.len(), events.len()] {
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }
    out.extend_from_slice(list);
    for r in damage {
        for v in [r.x, r.y, r.w, r.h] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out.extend_from_slice(events);
}

/// A frame split into its parts; the display list and events still need decoding.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame<'a> {
    /// The display list bytes (see [`crate::decode`]).
    pub display_list: &'a [u8],
    /// The regions that changed since the previous frame, in device pixels.
    pub damage: Vec<IntRect>,
    /// Event batch bytes for the app.
    pub events: &'a [u8],
}

impl<'a> Frame<'a> {
    /// Splits a frame buffer, checking that the declared lengths match the bytes exactly.
    pub fn parse(bytes: &'a [u8]) -> Result<Frame<'a>, Error> {
        crate::check_header(bytes, MAGIC, HEADER_LEN)?;
        let word = |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize;
        let (list_len, damage_count, events_len) = (word(8), word(12), word(16));
        let damage_len = damage_count.checked_mul(16).ok_or(Error::BadValue { offset: 12 })?;
        let total = HEADER_LEN
            .checked_add(list_len)
            .and_then(|n| n.checked_add(damage_len))
            .and_then(|n| n.checked_add(events_len))
            .ok_or(Error::BadValue { offset: 8 })?;
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
        Ok(Frame { display_list: &bytes[HEADER_LEN..list_end], damage, events: &bytes[damage_end..] })
    }
}
