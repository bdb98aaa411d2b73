//! Errors found while decoding bytes or applying commands.
//!
//! Every error that can reach the app travels as an [`ErrorCode`] inside an
//! [`Event::CommandError`](crate::Event::CommandError), so the codes are part of the wire format
//! and listed in `docs/protocol.md`. Codes are never renumbered.

use std::borrow::Cow;
use std::fmt;

/// What went wrong with one command or one batch, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Byte offset in the batch of the command (or header field) at fault.
    pub offset: u32,
    /// The command's opcode, when the framing got far enough to read it.
    pub opcode: Option<u16>,
    /// The reason.
    pub kind: ErrorKind,
}

/// The reason for an [`Error`], with the details a developer needs to fix the sender.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The batch is shorter than its header, or a command header runs past the end.
    Truncated,
    /// The batch does not start with the expected magic bytes.
    BadMagic,
    /// The batch was written for another protocol version.
    UnsupportedVersion(u16),
    /// The batch is larger than [`limits::MAX_BATCH_BYTES`](crate::limits::MAX_BATCH_BYTES) or
    /// holds more commands than allowed.
    BatchTooLarge,
    /// The header's command count disagrees with the commands found.
    CountMismatch {
        /// The count in the header.
        declared: u32,
        /// The commands actually framed.
        found: u32,
    },
    /// No command has this opcode (the sender is newer than this engine, or corrupt).
    UnknownOpcode,
    /// The payload length differs from what the opcode requires.
    BadLength {
        /// What the opcode requires.
        expected: u32,
        /// What the command header says.
        actual: u32,
    },
    /// A field holds a value outside its domain.
    BadValue(&'static str),
    /// A node id above [`limits::MAX_NODE_ID`](crate::limits::MAX_NODE_ID).
    NodeIdOutOfRange(u32),
    /// The command names a node that does not exist.
    UnknownNode(u32),
    /// A node with this id already exists.
    NodeExists(u32),
    /// The command would make a node its own ancestor.
    Cycle,
    /// The child is not a child of the named parent.
    NotAChild {
        /// The parent named by the command.
        parent: u32,
        /// The child named by the command.
        child: u32,
    },
    /// The root node cannot be destroyed, re-parented or hidden from layout.
    RootImmutable,
    /// The tree would become deeper than [`limits::MAX_TREE_DEPTH`](crate::limits::MAX_TREE_DEPTH).
    TooDeep,
    /// A text/image/… command aimed at a node of another kind.
    WrongKind(u32),
    /// The command names a reusable style that was never defined.
    UnknownStyle(u32),
    /// A line of the text form could not be read; `Error::offset` is the line number.
    Syntax(String),
}

/// The stable numeric form of an [`ErrorKind`] on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
#[non_exhaustive]
pub enum ErrorCode {
    /// See [`ErrorKind::Truncated`].
    Truncated = 1,
    /// See [`ErrorKind::BadMagic`].
    BadMagic = 2,
    /// See [`ErrorKind::UnsupportedVersion`].
    UnsupportedVersion = 3,
    /// See [`ErrorKind::BatchTooLarge`].
    BatchTooLarge = 4,
    /// See [`ErrorKind::CountMismatch`].
    CountMismatch = 5,
    /// See [`ErrorKind::UnknownOpcode`].
    UnknownOpcode = 6,
    /// See [`ErrorKind::BadLength`].
    BadLength = 7,
    /// See [`ErrorKind::BadValue`].
    BadValue = 8,
    /// See [`ErrorKind::NodeIdOutOfRange`].
    NodeIdOutOfRange = 9,
    /// See [`ErrorKind::UnknownNode`].
    UnknownNode = 32,
    /// See [`ErrorKind::NodeExists`].
    NodeExists = 33,
    /// See [`ErrorKind::Cycle`].
    Cycle = 34,
    /// See [`ErrorKind::NotAChild`].
    NotAChild = 35,
    /// See [`ErrorKind::RootImmutable`].
    RootImmutable = 36,
    /// See [`ErrorKind::TooDeep`].
    TooDeep = 37,
    /// See [`ErrorKind::WrongKind`].
    WrongKind = 38,
    /// See [`ErrorKind::UnknownStyle`].
    UnknownStyle = 39,
    /// A code this decoder does not know (sent by a newer engine).
    Other = 0xffff,
}

impl ErrorCode {
    /// Maps a wire value back to a code; unknown values become [`ErrorCode::Other`].
    pub fn from_u16(v: u16) -> ErrorCode {
        use ErrorCode::*;
        const ALL: [ErrorCode; 17] = [
            Truncated,
            BadMagic,
            UnsupportedVersion,
            BatchTooLarge,
            CountMismatch,
            UnknownOpcode,
            BadLength,
            BadValue,
            NodeIdOutOfRange,
            UnknownNode,
            NodeExists,
            Cycle,
            NotAChild,
            RootImmutable,
            TooDeep,
            WrongKind,
            UnknownStyle,
        ];
        ALL.into_iter().find(|c| *c as u16 == v).unwrap_or(Other)
    }
}

impl ErrorKind {
    /// The wire code for this kind.
    pub fn code(&self) -> ErrorCode {
        match self {
            ErrorKind::Truncated => ErrorCode::Truncated,
            ErrorKind::BadMagic => ErrorCode::BadMagic,
            ErrorKind::UnsupportedVersion(_) => ErrorCode::UnsupportedVersion,
            ErrorKind::BatchTooLarge => ErrorCode::BatchTooLarge,
            ErrorKind::CountMismatch { .. } => ErrorCode::CountMismatch,
            ErrorKind::UnknownOpcode => ErrorCode::UnknownOpcode,
            ErrorKind::BadLength { .. } => ErrorCode::BadLength,
            ErrorKind::BadValue(_) => ErrorCode::BadValue,
            ErrorKind::NodeIdOutOfRange(_) => ErrorCode::NodeIdOutOfRange,
            ErrorKind::UnknownNode(_) => ErrorCode::UnknownNode,
            ErrorKind::NodeExists(_) => ErrorCode::NodeExists,
            ErrorKind::Cycle => ErrorCode::Cycle,
            ErrorKind::NotAChild { .. } => ErrorCode::NotAChild,
            ErrorKind::RootImmutable => ErrorCode::RootImmutable,
            ErrorKind::TooDeep => ErrorCode::TooDeep,
            ErrorKind::WrongKind(_) => ErrorCode::WrongKind,
            ErrorKind::UnknownStyle(_) => ErrorCode::UnknownStyle,
            ErrorKind::Syntax(_) => ErrorCode::BadValue,
        }
    }

    /// The node the error is about, if any; carried in the error event.
    pub fn node(&self) -> Option<u32> {
        match *self {
            ErrorKind::NodeIdOutOfRange(n)
            | ErrorKind::UnknownNode(n)
            | ErrorKind::NodeExists(n)
            | ErrorKind::WrongKind(n) => Some(n),
            ErrorKind::NotAChild { child, .. } => Some(child),
            _ => None,
        }
    }
}

/// Why the engine rejected a command with `opcode`, given the wire `code` of its
/// [`Event::CommandError`](crate::Event::CommandError): the words the host logs and the SDK's
/// `command-error` events carry (`sdk/src/protocol.js` has the same table;
/// `tests/events/rejections.txt` holds the two together).
pub fn rejection(opcode: u16, code: u16) -> Cow<'static, str> {
    use crate::command::op;
    Cow::Borrowed(match ErrorCode::from_u16(code) {
        ErrorCode::Truncated => "the batch is truncated",
        ErrorCode::BadMagic => "not a command batch (bad magic bytes)",
        ErrorCode::UnsupportedVersion => "a protocol version this engine does not speak",
        ErrorCode::BatchTooLarge => "the batch is too large",
        ErrorCode::CountMismatch => "the command count disagrees with the batch header",
        ErrorCode::UnknownOpcode => "no such command (an SDK newer than the engine?)",
        ErrorCode::BadLength => "the payload has the wrong length",
        ErrorCode::BadValue => "a value outside its domain",
        ErrorCode::NodeIdOutOfRange => "node id out of range",
        ErrorCode::UnknownNode => "no such node (destroyed, or never created)",
        ErrorCode::NodeExists => "a node with this id already exists",
        ErrorCode::Cycle => "it would make a node its own ancestor",
        ErrorCode::NotAChild => "not a child of that parent",
        ErrorCode::RootImmutable => "the root node cannot be changed this way",
        ErrorCode::TooDeep => "the tree would be deeper than 256 levels",
        ErrorCode::WrongKind => match opcode {
            op::SET_TEXT | op::SET_FONT_FAMILY => "not a text node",
            op::SET_IMAGE => "not an image node",
            _ => "a text property on a node that is not text",
        },
        ErrorCode::UnknownStyle => "no such style (never defined)",
        ErrorCode::Other => return Cow::Owned(format!("error code {code}")),
    })
}

/// A rejected command in words: `setText on node 2: not a text node`.
pub fn describe_rejection(opcode: u16, code: u16, node: Option<u32>) -> String {
    let command = match crate::command::command_name(opcode) {
        Some(name) => Cow::Borrowed(name),
        None => Cow::Owned(format!("command 0x{opcode:04x}")),
    };
    match node {
        Some(node) => format!("{command} on node {node}: {}", rejection(opcode, code)),
        None => format!("{command}: {}", rejection(opcode, code)),
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Truncated => f.write_str("truncated"),
            ErrorKind::BadMagic => f.write_str("bad magic bytes"),
            ErrorKind::UnsupportedVersion(v) => write!(f, "unsupported protocol version {v}"),
            ErrorKind::BatchTooLarge => f.write_str("batch too large"),
            ErrorKind::CountMismatch { declared, found } => {
                write!(f, "header declares {declared} commands, batch holds {found}")
            }
            ErrorKind::UnknownOpcode => f.write_str("unknown opcode"),
            ErrorKind::BadLength { expected, actual } => {
                write!(f, "payload is {actual} bytes, opcode requires {expected}")
            }
            ErrorKind::BadValue(what) => write!(f, "bad value: {what}"),
            ErrorKind::NodeIdOutOfRange(n) => write!(f, "node id {n} out of range"),
            ErrorKind::UnknownNode(n) => write!(f, "no node {n}"),
            ErrorKind::NodeExists(n) => write!(f, "node {n} already exists"),
            ErrorKind::Cycle => f.write_str("would make a node its own ancestor"),
            ErrorKind::NotAChild { parent, child } => write!(f, "node {child} is not a child of {parent}"),
            ErrorKind::RootImmutable => f.write_str("the root node cannot be changed this way"),
            ErrorKind::TooDeep => f.write_str("tree too deep"),
            ErrorKind::WrongKind(n) => write!(f, "node {n} is of the wrong kind for this command"),
            ErrorKind::UnknownStyle(s) => write!(f, "no style {s}"),
            ErrorKind::Syntax(msg) => f.write_str(msg),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.opcode {
            Some(op) => write!(f, "command 0x{op:04x} at byte {}: {}", self.offset, self.kind),
            None => write!(f, "batch at byte {}: {}", self.offset, self.kind),
        }
    }
}

impl std::error::Error for Error {}
