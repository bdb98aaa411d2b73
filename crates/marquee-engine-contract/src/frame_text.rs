//! A frame buffer in words: the display list, damage, events and requests of one frame as text,
//! one item a line. Scene fixtures' expectations are made of it, and a replay or parity test that
//! finds two builds' frames differ shows both this way.

use std::fmt::Write;

use marquee_display_list::layers::{Update, updates};
use marquee_display_list::{decode, frame, frame::Frame};
use marquee_protocol::{Event, decode_events};

/// The sections of one frame in text form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrameText {
    /// `id: x,y wxh` per queried node.
    pub layout: String,
    /// The layer updates: each new list with one paint op per line, props, removals; `full`
    /// first when they restate the tree.
    pub paint: String,
    /// One damage rectangle per line.
    pub damage: String,
    /// One rejected command per line.
    pub errors: String,
    /// Ids freed by `destroy`, one per line.
    pub freed: String,
    /// Focus changes, unused keys, ended animations and image events, one per line.
    pub events: String,
    /// Image loads and releases the engine asked of the host, one per line.
    pub requests: String,
}

fn node_name(id: u32) -> String {
    if id == u32::MAX { "none".into() } else { id.to_string() }
}

/// Splits and decodes a frame buffer into text, failing on anything malformed.
pub fn describe(frame: &[u8]) -> Result<FrameText, String> {
    let f = Frame::parse(frame).map_err(|e| e.to_string())?;
    let mut t = FrameText::default();
    if f.full {
        writeln!(t.paint, "    full").ok();
    }
    for u in updates(f.layers).map_err(|e| e.to_string())? {
        match u {
            Update::Content { layer, list } => {
                writeln!(t.paint, "    layer {layer}:").ok();
                for op in decode(list).map_err(|e| e.to_string())? {
                    writeln!(t.paint, "      {op}").ok();
                }
            }
            Update::Props { layer, props, tracks } => {
                writeln!(t.paint, "    layer {layer} props {props}").ok();
                for track in tracks {
                    writeln!(t.paint, "      animate {track}").ok();
                }
            }
            Update::Remove { layer } => {
                writeln!(t.paint, "    layer {layer} removed").ok();
            }
        }
    }
    for r in &f.damage {
        writeln!(t.damage, "    {r}").ok();
    }
    for r in frame::requests(f.requests).map_err(|e| e.to_string())? {
        match r {
            frame::Request::Load { image, src } => writeln!(t.requests, "    load {image} {src:?}").ok(),
            frame::Request::Release { image } => writeln!(t.requests, "    release {image}").ok(),
        };
    }
    for e in decode_events(f.events).map_err(|e| e.to_string())? {
        match e.map_err(|e| e.to_string())? {
            Event::LayoutResult { id, x, y, width, height } => {
                writeln!(t.layout, "    {id}: {x},{y} {width}x{height}").ok();
            }
            Event::CommandError { opcode: 0x0601, .. } => {}
            Event::CommandError { batch, offset, opcode, code, node } => {
                let node = if node == u32::MAX { String::new() } else { format!(" node {node}") };
                writeln!(t.errors, "    batch {batch} byte {offset} op 0x{opcode:04x}: {code:?}{node}").ok();
            }
            Event::NodeFreed { id } => {
                writeln!(t.freed, "    {id}").ok();
            }
            Event::Key { key, action, target } => {
                writeln!(t.events, "    key {} {} on {}", key.name(), action.name(), node_name(target)).ok();
            }
            Event::Text { character, target } => {
                writeln!(t.events, "    text U+{:04X} {character:?} on {}", character as u32, node_name(target)).ok();
            }
            Event::FocusChanged { from, to } => {
                writeln!(t.events, "    focus {} -> {}", node_name(from), node_name(to)).ok();
            }
            Event::AnimationEnd { id, tag, property, finished } => {
                let how = if finished { "finished" } else { "cancelled" };
                writeln!(t.events, "    animation {tag} on {id} {} {how}", property.name()).ok();
            }
            Event::ImageLoaded { id, width, height } => {
                writeln!(t.events, "    image {id} loaded {width}x{height}").ok();
            }
            Event::Scroll { id, x, y } => {
                writeln!(t.events, "    scroll {id} {x},{y}").ok();
            }
            Event::ImageFailed { id, reason } => {
                writeln!(t.events, "    image {id} failed: {}", reason.name()).ok();
            }
            // Host-made; an engine frame never carries it.
            e @ (Event::EngineReset { .. } | Event::EngineOutOfMemory { .. }) => {
                return Err(format!("engine emitted {e:?}"));
            }
        }
    }
    Ok(t)
}
