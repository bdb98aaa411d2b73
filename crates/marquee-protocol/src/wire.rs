//! Framing shared by command and event batches.
//!
//! ```text
//! batch  := magic[4] version:u16 flags:u16 count:u32 record*
//! record := opcode:u16 length:u32 payload[length]
//! ```
//!
//! All integers are little-endian; nothing is aligned, because the JavaScript encoder writes
//! through a `DataView` and the engine copies the batch before reading it. The length prefix is
//! what lets a decoder skip a record it cannot decode while keeping the rest of the batch.

use crate::error::{Error, ErrorKind};
use crate::{VERSION, limits};

pub(crate) const HEADER_LEN: usize = 12;
pub(crate) const RECORD_HEADER_LEN: usize = 6;

/// Builds one batch: a header, then records whose lengths are patched in when they end.
#[derive(Debug, Clone)]
pub(crate) struct Writer {
    buf: Vec<u8>,
    count: u32,
}

impl Writer {
    pub(crate) fn new(magic: [u8; 4]) -> Writer {
        let mut buf = Vec::with_capacity(256);
        buf.extend_from_slice(&magic);
        buf.extend_from_slice(&VERSION.to_le_bytes());
        buf.extend_from_slice(&0u16.to_le_bytes());
        buf.extend_from_slice(&0u32.to_le_bytes());
        Writer { buf, count: 0 }
    }

    pub(crate) fn record(&mut self, opcode: u16, payload: impl FnOnce(&mut Payload<'_>)) {
        self.buf.extend_from_slice(&opcode.to_le_bytes());
        let len_at = self.buf.len();
        self.buf.extend_from_slice(&0u32.to_le_bytes());
        payload(&mut Payload(&mut self.buf));
        let len = (self.buf.len() - len_at - 4) as u32;
        self.buf[len_at..len_at + 4].copy_from_slice(&len.to_le_bytes());
        self.count += 1;
    }

    pub(crate) fn count(&self) -> u32 {
        self.count
    }

    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    /// The batch so far, header count included.
    pub(crate) fn bytes(&mut self) -> &[u8] {
        self.buf[8..12].copy_from_slice(&self.count.to_le_bytes());
        &self.buf
    }

    /// Drops every record, keeping the header and the allocation.
    pub(crate) fn clear(&mut self) {
        self.buf.truncate(HEADER_LEN);
        self.count = 0;
    }

    pub(crate) fn finish(mut self) -> Vec<u8> {
        self.bytes();
        self.buf
    }
}

/// Appends the fields of one record.
pub(crate) struct Payload<'a>(&'a mut Vec<u8>);

impl Payload<'_> {
    pub(crate) fn u8(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }
    pub(crate) fn u16(&mut self, v: u16) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub(crate) fn u32(&mut self, v: u32) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub(crate) fn f32(&mut self, v: f32) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// Raw bytes running to the end of the record; their length is the record's.
    pub(crate) fn bytes(&mut self, v: &[u8]) -> &mut Self {
        self.0.extend_from_slice(v);
        self
    }
}

/// One framed record: where it starts, its opcode and its payload bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Record<'a> {
    pub(crate) offset: u32,
    pub(crate) opcode: u16,
    pub(crate) payload: &'a [u8],
}

/// Walks the records of a batch, checking the header and every length against the bytes.
#[derive(Debug, Clone)]
pub(crate) struct Framer<'a> {
    bytes: &'a [u8],
    pos: usize,
    declared: u32,
    found: u32,
    done: bool,
}

impl<'a> Framer<'a> {
    pub(crate) fn open(bytes: &'a [u8], magic: [u8; 4]) -> Result<Framer<'a>, Error> {
        let fail = |offset: u32, kind| Err(Error { offset, opcode: None, kind });
        if bytes.len() > limits::MAX_BATCH_BYTES {
            return fail(0, ErrorKind::BatchTooLarge);
        }
        if bytes.len() < HEADER_LEN {
            return fail(0, ErrorKind::Truncated);
        }
        if bytes[0..4] != magic {
            return fail(0, ErrorKind::BadMagic);
        }
        let version = u16::from_le_bytes([bytes[4], bytes[5]]);
        if version != VERSION {
            return fail(4, ErrorKind::UnsupportedVersion(version));
        }
        let declared = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        if declared > limits::MAX_COMMANDS_PER_BATCH {
            return fail(8, ErrorKind::BatchTooLarge);
        }
        Ok(Framer { bytes, pos: HEADER_LEN, declared, found: 0, done: false })
    }

    /// The number of records the header declares.
    pub(crate) fn declared(&self) -> u32 {
        self.declared
    }
}

impl<'a> Iterator for Framer<'a> {
    type Item = Result<Record<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let offset = self.pos as u32;
        let rest = &self.bytes[self.pos..];
        if rest.is_empty() {
            self.done = true;
            if self.found != self.declared {
                let kind = ErrorKind::CountMismatch { declared: self.declared, found: self.found };
                return Some(Err(Error { offset, opcode: None, kind }));
            }
            return None;
        }
        if self.found >= self.declared {
            // More bytes than the header admits: report once and stop, since the sender's idea of
            // the batch and ours already differ.
            self.done = true;
            let kind = ErrorKind::CountMismatch { declared: self.declared, found: self.found + 1 };
            return Some(Err(Error { offset, opcode: None, kind }));
        }
        if rest.len() < RECORD_HEADER_LEN {
            self.done = true;
            return Some(Err(Error { offset, opcode: None, kind: ErrorKind::Truncated }));
        }
        let opcode = u16::from_le_bytes([rest[0], rest[1]]);
        let len = u32::from_le_bytes([rest[2], rest[3], rest[4], rest[5]]) as usize;
        let Some(payload) = rest.get(RECORD_HEADER_LEN..RECORD_HEADER_LEN.saturating_add(len)) else {
            self.done = true;
            return Some(Err(Error { offset, opcode: Some(opcode), kind: ErrorKind::Truncated }));
        };
        self.pos += RECORD_HEADER_LEN + len;
        self.found += 1;
        Some(Ok(Record { offset, opcode, payload }))
    }
}

/// Reads the fields of one payload whose length has already been checked.
pub(crate) struct Fields<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Fields<'a> {
    /// Starts reading `payload`, which must be exactly `expected` bytes long.
    pub(crate) fn exact(payload: &'a [u8], expected: usize) -> Result<Fields<'a>, ErrorKind> {
        if payload.len() != expected {
            return Err(ErrorKind::BadLength { expected: expected as u32, actual: payload.len() as u32 });
        }
        Ok(Fields { bytes: payload, pos: 0 })
    }

    fn take<const N: usize>(&mut self) -> [u8; N] {
        // Lengths are checked in `exact`, and the decoders read exactly that many bytes; a short
        // read here would be a bug in this crate, so fail soft with zeroes rather than panic.
        let mut out = [0u8; N];
        if let Some(src) = self.bytes.get(self.pos..self.pos + N) {
            out.copy_from_slice(src);
        }
        self.pos += N;
        out
    }

    pub(crate) fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }
    pub(crate) fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.take())
    }
    pub(crate) fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }
    pub(crate) fn f32(&mut self) -> f32 {
        f32::from_le_bytes(self.take())
    }
}
