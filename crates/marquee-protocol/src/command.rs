//! Commands: what the app asks the engine to do.
//!
//! Opcodes are grouped in ranges so that later features get room next to their kin:
//! `0x00xx` tree, `0x01xx` style, `0x02xx` text, `0x03xx` images, `0x04xx` focus and input,
//! `0x05xx` animation, `0x06xx` viewport and system. The table with every payload is in
//! `docs/protocol.md`.

use crate::error::{Error, ErrorKind};
use crate::limits;
use crate::style::{StyleDecl, StyleProperty};
use crate::timing::{TIMING_LEN, Timing};
use crate::wire::{Fields, Writer};

/// The magic bytes that open a command batch.
pub(crate) const MAGIC: [u8; 4] = *b"MQCB";

/// A node, named by the id the SDK gave it. Id 0 is the root, which always exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The root of the scene: sized to the viewport, never destroyed.
    pub const ROOT: NodeId = NodeId(0);
}

/// A reusable style, named by the id the SDK gave it when it defined it (1 ..=
/// [`limits::MAX_STYLE_ID`]; 0 is "no style" where a command allows none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StyleId(pub u32);

/// One declaration of a reusable style: a property's value, plain or for while the node is in a
/// state (what [`Command::SetStyle`] and [`Command::SetStateStyle`] would set).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StyleEntry {
    /// `None` for the plain style; a state for a paint property's state value.
    pub state: Option<State>,
    /// The property and its value.
    pub decl: StyleDecl,
}

crate::wire_enum! {
    /// What a node is. Views are boxes; images and text are views with content.
    pub enum NodeKind: u8 {
        /// A box: background, border, children.
        View = 0 "view",
        /// A box showing an image.
        Image = 1 "image",
        /// A box showing text.
        Text = 2 "text",
    }
}

crate::wire_enum! {
    /// A state a node can be in, with style declarations that apply only while it holds
    /// (see [`Command::SetStateStyle`]).
    #[derive(PartialOrd, Ord)]
    pub enum State: u8 {
        /// The node has focus.
        Focused = 0 "focused",
        /// The node or one of its descendants has focus.
        FocusWithin = 1 "focus-within",
        /// The item the node belongs to has focus: the nearest focusable node at or above it (a
        /// programme's title, under its focusable tile, while the tile is focused).
        ItemFocused = 2 "item-focused",
    }
}

/// One command from the app to the engine.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Creates a detached node. The id must be free.
    CreateNode {
        /// The new node's id, chosen by the SDK.
        id: NodeId,
        /// What the node is.
        kind: NodeKind,
    },
    /// Creates a node with a reusable style, attached as the last child of `parent`: what
    /// `CreateNode`, `UseStyle` and `AppendChild` would do, in one command that is applied whole
    /// or not at all. The SDK writes it for every node it creates.
    CreateStyled {
        /// The new node's id, chosen by the SDK.
        id: NodeId,
        /// What the node is.
        kind: NodeKind,
        /// Its style, if any.
        style: Option<StyleId>,
        /// Its parent, if it is attached at once.
        parent: Option<NodeId>,
    },
    /// Destroys a node and its whole subtree, detaching it first; their ids become free.
    DestroyNode {
        /// The subtree's root.
        id: NodeId,
    },
    /// Makes `child` the last child of `parent`, detaching it from any previous parent.
    AppendChild {
        /// The new parent.
        parent: NodeId,
        /// The node to move.
        child: NodeId,
    },
    /// Makes `child` a child of `parent` just before `before`, detaching it first.
    InsertBefore {
        /// The new parent.
        parent: NodeId,
        /// The node to move.
        child: NodeId,
        /// An existing child of `parent`.
        before: NodeId,
    },
    /// Detaches `child` from `parent`; the node stays alive and can be attached again.
    RemoveChild {
        /// The current parent.
        parent: NodeId,
        /// The node to detach.
        child: NodeId,
    },
    /// Sets one style property.
    SetStyle {
        /// The node to style.
        id: NodeId,
        /// The property and its value.
        decl: StyleDecl,
    },
    /// Returns one style property to its default.
    ClearStyle {
        /// The node to style.
        id: NodeId,
        /// The property to reset.
        property: StyleProperty,
    },
    /// Defines (or redefines) a reusable style: declarations the engine keeps, checked once here,
    /// and sets on every node that uses it. Redefining a style changes only the nodes that use
    /// it afterwards.
    DefineStyle {
        /// The style's id.
        style: StyleId,
        /// Its declarations (at most [`limits::MAX_STYLE_ENTRIES`]), set in order.
        entries: Vec<StyleEntry>,
    },
    /// Sets a reusable style's declarations on a node, as `SetStyle` and `SetStateStyle` would
    /// one by one; the node does not follow later redefinitions. Commands after it override it.
    UseStyle {
        /// The node to style.
        id: NodeId,
        /// A defined style.
        style: StyleId,
    },
    /// Sets a paint property for while the node is in `state`; the engine switches between the
    /// plain and the state value itself, with a transition of the node's `focus-duration`.
    SetStateStyle {
        /// The node to style.
        id: NodeId,
        /// When the declaration applies.
        state: State,
        /// A paint property and its value.
        decl: StyleDecl,
    },
    /// Removes a state's declaration of one property.
    ClearStateStyle {
        /// The node to style.
        id: NodeId,
        /// Which state.
        state: State,
        /// The property to remove.
        property: StyleProperty,
    },
    /// Moves focus to the node, or into it if it is a focus group. Answered by a `FocusChanged`
    /// event when focus moves.
    Focus {
        /// A focusable node or a focus group.
        id: NodeId,
    },
    /// Animates a paint property from its current value to `to`, which becomes its style value.
    /// An animation already running on the property is replaced and continues from where it is.
    Animate {
        /// The node to animate.
        id: NodeId,
        /// The app's name for this animation, echoed in its `AnimationEnd` event.
        tag: u32,
        /// The property (an animatable one) and its final value.
        to: StyleDecl,
        /// Duration, delay, easing and repetition.
        timing: Timing,
    },
    /// Stops an animation where it is; the value it reached becomes the property's style value.
    CancelAnimation {
        /// The animated node.
        id: NodeId,
        /// The animated property.
        property: StyleProperty,
    },
    /// Sets a text node's content (UTF-8, at most [`limits::MAX_TEXT_BYTES`]).
    SetText {
        /// A text node.
        id: NodeId,
        /// The text; a newline starts a new line.
        text: String,
    },
    /// Sets a text node's font family (at most [`limits::MAX_FAMILY_BYTES`]); empty for the
    /// default family. A family the host does not have falls back to the default.
    SetFontFamily {
        /// A text node.
        id: NodeId,
        /// The family's name.
        family: String,
    },
    /// Sets an image node's source (at most [`limits::MAX_SRC_BYTES`]): a path inside the bundle,
    /// a `file:` or an `http(s):` URL; empty for none. The engine asks the host for the image when
    /// the node comes into view and answers with `ImageLoaded` or `ImageFailed`.
    SetImage {
        /// An image node.
        id: NodeId,
        /// Where the image comes from.
        src: String,
    },
    /// Asks for the node's layout box; answered by [`Event::LayoutResult`](crate::Event::LayoutResult)
    /// after the next frame's layout.
    QueryLayout {
        /// The node to measure.
        id: NodeId,
    },
    /// Sets the size of the root, in logical pixels.
    SetViewport {
        /// Width, at least 0 and at most [`limits::MAX_VIEWPORT_SIDE`].
        width: f32,
        /// Height, at least 0 and at most [`limits::MAX_VIEWPORT_SIDE`].
        height: f32,
    },
}

pub(crate) mod op {
    pub(crate) const CREATE_NODE: u16 = 0x0001;
    pub(crate) const DESTROY_NODE: u16 = 0x0002;
    pub(crate) const APPEND_CHILD: u16 = 0x0003;
    pub(crate) const INSERT_BEFORE: u16 = 0x0004;
    pub(crate) const REMOVE_CHILD: u16 = 0x0005;
    pub(crate) const CREATE_STYLED: u16 = 0x0006;
    pub(crate) const SET_STYLE: u16 = 0x0100;
    pub(crate) const CLEAR_STYLE: u16 = 0x0101;
    pub(crate) const DEFINE_STYLE: u16 = 0x0102;
    pub(crate) const USE_STYLE: u16 = 0x0103;
    pub(crate) const SET_TEXT: u16 = 0x0200;
    pub(crate) const SET_FONT_FAMILY: u16 = 0x0201;
    pub(crate) const SET_IMAGE: u16 = 0x0300;
    pub(crate) const SET_STATE_STYLE: u16 = 0x0400;
    pub(crate) const CLEAR_STATE_STYLE: u16 = 0x0401;
    pub(crate) const FOCUS: u16 = 0x0402;
    pub(crate) const ANIMATE: u16 = 0x0500;
    pub(crate) const CANCEL_ANIMATION: u16 = 0x0501;
    pub(crate) const SET_VIEWPORT: u16 = 0x0600;
    pub(crate) const QUERY_LAYOUT: u16 = 0x0601;
}

/// The parent field of [`Command::CreateStyled`] for a node left detached.
const NO_PARENT: u32 = u32::MAX;
/// The bytes of one [`StyleEntry`] on the wire: `when:u8 property:u16 tag:u8 bits:u32`.
const ENTRY_LEN: usize = 8;

/// A command's name by opcode, as the SDK names its encoder methods (`setText`): the words
/// rejections are reported in, by the host's log and by the SDK's `command-error` events.
pub fn command_name(opcode: u16) -> Option<&'static str> {
    Some(match opcode {
        op::CREATE_NODE => "createNode",
        op::DESTROY_NODE => "destroyNode",
        op::APPEND_CHILD => "appendChild",
        op::INSERT_BEFORE => "insertBefore",
        op::REMOVE_CHILD => "removeChild",
        op::CREATE_STYLED => "createStyled",
        op::SET_STYLE => "setStyle",
        op::CLEAR_STYLE => "clearStyle",
        op::DEFINE_STYLE => "defineStyle",
        op::USE_STYLE => "useStyle",
        op::SET_TEXT => "setText",
        op::SET_FONT_FAMILY => "setFontFamily",
        op::SET_IMAGE => "setImage",
        op::SET_STATE_STYLE => "setStateStyle",
        op::CLEAR_STATE_STYLE => "clearStateStyle",
        op::FOCUS => "focus",
        op::ANIMATE => "animate",
        op::CANCEL_ANIMATION => "cancelAnimation",
        op::SET_VIEWPORT => "setViewport",
        op::QUERY_LAYOUT => "queryLayout",
        _ => return None,
    })
}

impl Command {
    /// The command's opcode.
    pub fn opcode(&self) -> u16 {
        match self {
            Command::CreateNode { .. } => op::CREATE_NODE,
            Command::DestroyNode { .. } => op::DESTROY_NODE,
            Command::AppendChild { .. } => op::APPEND_CHILD,
            Command::InsertBefore { .. } => op::INSERT_BEFORE,
            Command::RemoveChild { .. } => op::REMOVE_CHILD,
            Command::CreateStyled { .. } => op::CREATE_STYLED,
            Command::SetStyle { .. } => op::SET_STYLE,
            Command::ClearStyle { .. } => op::CLEAR_STYLE,
            Command::DefineStyle { .. } => op::DEFINE_STYLE,
            Command::UseStyle { .. } => op::USE_STYLE,
            Command::SetText { .. } => op::SET_TEXT,
            Command::SetFontFamily { .. } => op::SET_FONT_FAMILY,
            Command::SetImage { .. } => op::SET_IMAGE,
            Command::SetStateStyle { .. } => op::SET_STATE_STYLE,
            Command::ClearStateStyle { .. } => op::CLEAR_STATE_STYLE,
            Command::Focus { .. } => op::FOCUS,
            Command::Animate { .. } => op::ANIMATE,
            Command::CancelAnimation { .. } => op::CANCEL_ANIMATION,
            Command::SetViewport { .. } => op::SET_VIEWPORT,
            Command::QueryLayout { .. } => op::QUERY_LAYOUT,
        }
    }

    fn encode(&self, w: &mut Writer) {
        w.record(self.opcode(), |p| match *self {
            Command::CreateStyled { id, kind, style, parent } => {
                p.u32(id.0).u8(kind as u8).u32(style.map_or(0, |s| s.0)).u32(parent.map_or(NO_PARENT, |n| n.0));
            }
            Command::DefineStyle { style, ref entries } => {
                p.u32(style.0);
                for e in entries {
                    let (tag, bits) = e.decl.to_wire();
                    p.u8(e.state.map_or(0, |s| s as u8 + 1)).u16(e.decl.property() as u16).u8(tag).u32(bits);
                }
            }
            Command::UseStyle { id, style } => {
                p.u32(id.0).u32(style.0);
            }
            Command::SetText { id, text: ref s }
            | Command::SetFontFamily { id, family: ref s }
            | Command::SetImage { id, src: ref s } => {
                p.u32(id.0).bytes(s.as_bytes());
            }
            Command::CreateNode { id, kind } => {
                p.u32(id.0).u8(kind as u8);
            }
            Command::DestroyNode { id } | Command::QueryLayout { id } | Command::Focus { id } => {
                p.u32(id.0);
            }
            Command::AppendChild { parent, child } | Command::RemoveChild { parent, child } => {
                p.u32(parent.0).u32(child.0);
            }
            Command::InsertBefore { parent, child, before } => {
                p.u32(parent.0).u32(child.0).u32(before.0);
            }
            Command::SetStyle { id, decl } => {
                let (tag, bits) = decl.to_wire();
                p.u32(id.0).u16(decl.property() as u16).u8(tag).u32(bits);
            }
            Command::ClearStyle { id, property } | Command::CancelAnimation { id, property } => {
                p.u32(id.0).u16(property as u16);
            }
            Command::SetStateStyle { id, state, decl } => {
                let (tag, bits) = decl.to_wire();
                p.u32(id.0).u8(state as u8).u16(decl.property() as u16).u8(tag).u32(bits);
            }
            Command::ClearStateStyle { id, state, property } => {
                p.u32(id.0).u8(state as u8).u16(property as u16);
            }
            Command::Animate { id, tag, to, timing } => {
                let (vtag, bits) = to.to_wire();
                p.u32(id.0).u32(tag).u16(to.property() as u16).u8(vtag).u32(bits);
                timing.encode(p);
            }
            Command::SetViewport { width, height } => {
                p.f32(width).f32(height);
            }
        });
    }

    fn decode(opcode: u16, payload: &[u8]) -> Result<Command, ErrorKind> {
        let node = |f: &mut Fields<'_>| -> Result<NodeId, ErrorKind> {
            let id = f.u32();
            if id > limits::MAX_NODE_ID { Err(ErrorKind::NodeIdOutOfRange(id)) } else { Ok(NodeId(id)) }
        };
        let property = |f: &mut Fields<'_>| -> Result<StyleProperty, ErrorKind> {
            StyleProperty::from_u16(f.u16()).ok_or(ErrorKind::BadValue("unknown style property"))
        };
        let decl = |f: &mut Fields<'_>, p: StyleProperty| -> Result<StyleDecl, ErrorKind> {
            let (tag, bits) = (f.u8(), f.u32());
            StyleDecl::from_wire(p, tag, bits).map_err(ErrorKind::BadValue)
        };
        let state = |f: &mut Fields<'_>| State::from_code(f.u8()).ok_or(ErrorKind::BadValue("unknown state"));
        let style = |f: &mut Fields<'_>| -> Result<StyleId, ErrorKind> {
            match f.u32() {
                s @ 1..=limits::MAX_STYLE_ID => Ok(StyleId(s)),
                _ => Err(ErrorKind::BadValue("style id outside 1..=65535")),
            }
        };
        Ok(match opcode {
            op::CREATE_STYLED => {
                let mut f = Fields::exact(payload, 13)?;
                let id = node(&mut f)?;
                let kind = NodeKind::from_code(f.u8()).ok_or(ErrorKind::BadValue("unknown node kind"))?;
                let style = match f.u32() {
                    0 => None,
                    s @ 1..=limits::MAX_STYLE_ID => Some(StyleId(s)),
                    _ => return Err(ErrorKind::BadValue("style id outside 0..=65535")),
                };
                let parent = match f.u32() {
                    NO_PARENT => None,
                    p if p > limits::MAX_NODE_ID => return Err(ErrorKind::NodeIdOutOfRange(p)),
                    p => Some(NodeId(p)),
                };
                Command::CreateStyled { id, kind, style, parent }
            }
            op::DEFINE_STYLE => {
                let n = payload.len().saturating_sub(4) / ENTRY_LEN;
                if payload.len() < 4 || payload.len() != 4 + n * ENTRY_LEN {
                    // The next whole number of declarations.
                    let expected = 4 + payload.len().saturating_sub(4).div_ceil(ENTRY_LEN) * ENTRY_LEN;
                    return Err(ErrorKind::BadLength { expected: expected as u32, actual: payload.len() as u32 });
                }
                if n > limits::MAX_STYLE_ENTRIES {
                    return Err(ErrorKind::BadValue("a style of more than 256 declarations"));
                }
                let mut f = Fields::exact(payload, payload.len())?;
                let id = style(&mut f)?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let state = match f.u8() {
                        0 => None,
                        s => Some(State::from_code(s - 1).ok_or(ErrorKind::BadValue("unknown state"))?),
                    };
                    let p = property(&mut f)?;
                    if state.is_some() && !p.is_paint() {
                        return Err(ErrorKind::BadValue("state styles take paint properties only"));
                    }
                    entries.push(StyleEntry { state, decl: decl(&mut f, p)? });
                }
                Command::DefineStyle { style: id, entries }
            }
            op::USE_STYLE => {
                let mut f = Fields::exact(payload, 8)?;
                Command::UseStyle { id: node(&mut f)?, style: style(&mut f)? }
            }
            op::CREATE_NODE => {
                let mut f = Fields::exact(payload, 5)?;
                let id = node(&mut f)?;
                let kind = NodeKind::from_code(f.u8()).ok_or(ErrorKind::BadValue("unknown node kind"))?;
                Command::CreateNode { id, kind }
            }
            op::DESTROY_NODE => {
                let mut f = Fields::exact(payload, 4)?;
                Command::DestroyNode { id: node(&mut f)? }
            }
            op::APPEND_CHILD => {
                let mut f = Fields::exact(payload, 8)?;
                Command::AppendChild { parent: node(&mut f)?, child: node(&mut f)? }
            }
            op::INSERT_BEFORE => {
                let mut f = Fields::exact(payload, 12)?;
                Command::InsertBefore { parent: node(&mut f)?, child: node(&mut f)?, before: node(&mut f)? }
            }
            op::REMOVE_CHILD => {
                let mut f = Fields::exact(payload, 8)?;
                Command::RemoveChild { parent: node(&mut f)?, child: node(&mut f)? }
            }
            op::SET_STYLE => {
                let mut f = Fields::exact(payload, 11)?;
                let id = node(&mut f)?;
                let p = property(&mut f)?;
                Command::SetStyle { id, decl: decl(&mut f, p)? }
            }
            op::CLEAR_STYLE => {
                let mut f = Fields::exact(payload, 6)?;
                Command::ClearStyle { id: node(&mut f)?, property: property(&mut f)? }
            }
            op::SET_TEXT | op::SET_FONT_FAMILY | op::SET_IMAGE => {
                let (head, rest) = payload
                    .split_at_checked(4)
                    .ok_or(ErrorKind::BadLength { expected: 4, actual: payload.len() as u32 })?;
                let id = node(&mut Fields::exact(head, 4)?)?;
                let max = match opcode {
                    op::SET_TEXT => limits::MAX_TEXT_BYTES,
                    op::SET_FONT_FAMILY => limits::MAX_FAMILY_BYTES,
                    _ => limits::MAX_SRC_BYTES,
                };
                if rest.len() > max {
                    return Err(ErrorKind::BadValue("string longer than its limit"));
                }
                let s = std::str::from_utf8(rest).map_err(|_| ErrorKind::BadValue("string is not UTF-8"))?.to_owned();
                match opcode {
                    op::SET_TEXT => Command::SetText { id, text: s },
                    op::SET_FONT_FAMILY => Command::SetFontFamily { id, family: s },
                    _ => Command::SetImage { id, src: s },
                }
            }
            op::SET_STATE_STYLE => {
                let mut f = Fields::exact(payload, 12)?;
                let (id, state) = (node(&mut f)?, state(&mut f)?);
                let p = property(&mut f)?;
                if !p.is_paint() {
                    return Err(ErrorKind::BadValue("state styles take paint properties only"));
                }
                Command::SetStateStyle { id, state, decl: decl(&mut f, p)? }
            }
            op::CLEAR_STATE_STYLE => {
                let mut f = Fields::exact(payload, 7)?;
                Command::ClearStateStyle { id: node(&mut f)?, state: state(&mut f)?, property: property(&mut f)? }
            }
            op::FOCUS => {
                let mut f = Fields::exact(payload, 4)?;
                Command::Focus { id: node(&mut f)? }
            }
            op::ANIMATE => {
                let mut f = Fields::exact(payload, 15 + TIMING_LEN)?;
                let (id, tag) = (node(&mut f)?, f.u32());
                let p = property(&mut f)?;
                if !p.is_animatable() {
                    return Err(ErrorKind::BadValue("property is not animatable"));
                }
                let to = decl(&mut f, p)?;
                let timing = Timing::decode(&mut f).map_err(ErrorKind::BadValue)?;
                Command::Animate { id, tag, to, timing }
            }
            op::CANCEL_ANIMATION => {
                let mut f = Fields::exact(payload, 6)?;
                Command::CancelAnimation { id: node(&mut f)?, property: property(&mut f)? }
            }
            op::SET_VIEWPORT => {
                let mut f = Fields::exact(payload, 8)?;
                let (width, height) = (f.f32(), f.f32());
                let ok = |v: f32| (0.0..=limits::MAX_VIEWPORT_SIDE).contains(&v);
                if !ok(width) || !ok(height) {
                    return Err(ErrorKind::BadValue("viewport side outside 0..=16384"));
                }
                Command::SetViewport { width, height }
            }
            op::QUERY_LAYOUT => {
                let mut f = Fields::exact(payload, 4)?;
                Command::QueryLayout { id: node(&mut f)? }
            }
            _ => return Err(ErrorKind::UnknownOpcode),
        })
    }
}

impl crate::batch::Sealed for Command {
    const MAGIC: [u8; 4] = MAGIC;

    fn encode(&self, w: &mut Writer) {
        Command::encode(self, w);
    }

    fn decode(opcode: u16, payload: &[u8]) -> Result<Command, ErrorKind> {
        Command::decode(opcode, payload)
    }
}

/// Encodes `commands` as one batch.
pub fn encode_batch(commands: &[Command]) -> Vec<u8> {
    let mut enc = crate::BatchEncoder::default();
    for c in commands {
        enc.push(c);
    }
    enc.finish()
}

/// Opens a command batch; fails if the header is unusable (nothing in the batch is applied).
///
/// A command whose framing is intact but whose payload is bad yields an error and decoding goes
/// on with the next command (*skip*). A broken frame — a length running past the end, a count
/// that disagrees — yields an error and ends the iteration (*stop*), because nothing after it
/// can be trusted.
pub fn decode_batch(bytes: &[u8]) -> Result<crate::BatchDecoder<'_>, Error> {
    crate::batch::Decoder::open(bytes)
}
