//! Batches of messages: the encoder and decoder shared by commands and events, which differ only
//! in their magic bytes and in how one record's payload reads and writes.

use std::marker::PhantomData;

use crate::error::{Error, ErrorKind};
use crate::wire::{Framer, Writer};

/// How a message reads and writes one record; private, so only this crate's messages exist.
pub(crate) trait Sealed: Sized {
    /// The magic bytes that open a batch of this kind.
    const MAGIC: [u8; 4];
    fn encode(&self, w: &mut Writer);
    fn decode(opcode: u16, payload: &[u8]) -> Result<Self, ErrorKind>;
}

/// A kind of record that travels in batches: [`Command`](crate::Command) or
/// [`Event`](crate::Event).
#[allow(private_bounds, reason = "sealed: no other crate may add message kinds")]
pub trait Message: Sealed {}

impl<T: Sealed> Message for T {}

/// Builds a batch incrementally.
#[derive(Debug, Clone)]
pub struct Encoder<T> {
    writer: Writer,
    kind: PhantomData<T>,
}

impl<T: Message> Default for Encoder<T> {
    fn default() -> Self {
        Encoder { writer: Writer::new(T::MAGIC), kind: PhantomData }
    }
}

impl<T: Message> Encoder<T> {
    /// Appends one message.
    pub fn push(&mut self, message: &T) {
        message.encode(&mut self.writer);
    }

    /// Messages appended so far.
    pub fn len(&self) -> u32 {
        self.writer.count()
    }

    /// Whether nothing was appended.
    pub fn is_empty(&self) -> bool {
        self.writer.count() == 0
    }

    /// Bytes written so far, header included.
    pub fn byte_len(&self) -> usize {
        self.writer.len()
    }

    /// The finished batch.
    pub fn finish(self) -> Vec<u8> {
        self.writer.finish()
    }

    /// The batch so far, ready to send; the encoder keeps it until [`clear`](Self::clear).
    /// This is how the engine reuses one event buffer every frame without allocating.
    pub fn bytes(&mut self) -> &[u8] {
        self.writer.bytes()
    }

    /// Empties the batch, keeping its allocation.
    pub fn clear(&mut self) {
        self.writer.clear();
    }
}

/// Iterates over the messages of a batch (see `decode_batch` for the skip/stop rules).
#[derive(Debug, Clone)]
pub struct Decoder<'a, T> {
    framer: Framer<'a>,
    last_offset: u32,
    kind: PhantomData<T>,
}

impl<'a, T: Message> Decoder<'a, T> {
    pub(crate) fn open(bytes: &'a [u8]) -> Result<Self, Error> {
        Ok(Decoder { framer: Framer::open(bytes, T::MAGIC)?, last_offset: 0, kind: PhantomData })
    }

    /// The number of messages the header declares.
    pub fn declared(&self) -> u32 {
        self.framer.declared()
    }

    /// Byte offset of the message most recently returned, for errors found while acting on it.
    pub fn last_offset(&self) -> u32 {
        self.last_offset
    }
}

impl<T: Message> Iterator for Decoder<'_, T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let record = match self.framer.next()? {
            Ok(r) => r,
            Err(e) => return Some(Err(e)),
        };
        self.last_offset = record.offset;
        Some(T::decode(record.opcode, record.payload).map_err(|kind| Error {
            offset: record.offset,
            opcode: Some(record.opcode),
            kind,
        }))
    }
}
