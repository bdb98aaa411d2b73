//! Golden event vectors: one event batch holding every event kind (`events/all.hex`) and the
//! objects the SDK must decode it into (`events/all.json`). The SDK's event decoder is tested
//! against the same two files.

use marquee_protocol::hex_form::write as hex;
use marquee_protocol::{
    ErrorCode, Event, ImageError, Key, KeyAction, ResetReason, StyleProperty, decode_events, encode_events,
};
use marquee_test_support::check_expect;

fn events() -> Vec<Event> {
    let mut out = vec![
        Event::CommandError { batch: 3, offset: 40, opcode: 0x0100, code: ErrorCode::UnknownNode, node: 7 },
        Event::CommandError { batch: 0, offset: 12, opcode: 0xffff, code: ErrorCode::Truncated, node: u32::MAX },
        Event::LayoutResult { id: 9, x: 12.5, y: -3.0, width: 1280.0, height: 0.25 },
        Event::NodeFreed { id: 65535 },
        Event::EngineReset { reason: ResetReason::Trap },
        Event::EngineReset { reason: ResetReason::Hang },
        Event::EngineOutOfMemory { nodes: 41234, limit: 64 << 20 },
        Event::FocusChanged { from: u32::MAX, to: 12 },
        Event::FocusChanged { from: 12, to: 40 },
        Event::AnimationEnd { id: 5, tag: 77, property: StyleProperty::TranslateX, finished: true },
        Event::AnimationEnd { id: 6, tag: 0, property: StyleProperty::BackgroundColor, finished: false },
        Event::ImageLoaded { id: 8, width: 300, height: 450 },
        Event::Scroll { id: 14, x: 780.0, y: 0.0 },
        Event::Scroll { id: 3, x: 12.5, y: 1440.25 },
    ];
    out.extend(ImageError::ALL.into_iter().map(|reason| Event::ImageFailed { id: 9, reason }));
    for (i, key) in Key::ALL.into_iter().enumerate() {
        let action = [KeyAction::Press, KeyAction::Repeat, KeyAction::Release][i % 3];
        let target = if i == 0 { u32::MAX } else { 100 + i as u32 };
        out.push(Event::Key { key, action, target });
    }
    // Every action: the keys above cycle through the first three.
    out.push(Event::Key { key: Key::Enter, action: KeyAction::LongPress, target: 7 });
    // Typed text: ASCII, a quote JSON escapes, two bytes and four bytes of UTF-8.
    for (character, target) in [('a', 7), ('"', 7), ('é', u32::MAX), ('😀', 8)] {
        out.push(Event::Text { character, target });
    }
    out
}

/// The SDK's object for an event, as one JSON line.
fn json(e: &Event) -> String {
    match *e {
        Event::CommandError { batch, offset, opcode, code, node } => {
            let node = if node == u32::MAX { "null".to_string() } else { node.to_string() };
            format!(
                r#"{{"type":"command-error","batch":{batch},"offset":{offset},"opcode":{opcode},"code":{},"node":{node}}}"#,
                code as u16
            )
        }
        Event::LayoutResult { id, x, y, width, height } => {
            format!(r#"{{"type":"layout","id":{id},"x":{x},"y":{y},"width":{width},"height":{height}}}"#)
        }
        Event::Key { key, action, target } => {
            let action = action.name();
            let target = if target == u32::MAX { "null".to_string() } else { target.to_string() };
            format!(r#"{{"type":"key","key":"{}","action":"{action}","target":{target}}}"#, key.name())
        }
        Event::Text { character, target } => {
            let target = if target == u32::MAX { "null".to_string() } else { target.to_string() };
            // JSON escapes the quote and the backslash; the rest goes as it is.
            let text = match character {
                '"' | '\\' => format!("\\{character}"),
                c => c.to_string(),
            };
            format!(r#"{{"type":"text","text":"{text}","target":{target}}}"#)
        }
        Event::FocusChanged { from, to } => {
            let id = |v: u32| if v == u32::MAX { "null".to_string() } else { v.to_string() };
            format!(r#"{{"type":"focus","from":{},"to":{}}}"#, id(from), id(to))
        }
        Event::AnimationEnd { id, tag, property, finished } => format!(
            r#"{{"type":"animation-end","id":{id},"tag":{tag},"property":"{}","finished":{finished}}}"#,
            property.name()
        ),
        Event::NodeFreed { id } => format!(r#"{{"type":"node-freed","id":{id}}}"#),
        Event::Scroll { id, x, y } => format!(r#"{{"type":"scroll","id":{id},"x":{x},"y":{y}}}"#),
        Event::ImageLoaded { id, width, height } => {
            format!(r#"{{"type":"image-loaded","id":{id},"width":{width},"height":{height}}}"#)
        }
        Event::ImageFailed { id, reason } => {
            format!(r#"{{"type":"image-failed","id":{id},"reason":"{}"}}"#, reason.name())
        }
        Event::EngineOutOfMemory { nodes, limit } => {
            format!(r#"{{"type":"engine-out-of-memory","nodes":{nodes},"limit":{limit}}}"#)
        }
        Event::EngineReset { reason } => {
            let reason = match reason {
                ResetReason::Trap => "trap",
                ResetReason::Hang => "hang",
            };
            format!(r#"{{"type":"engine-reset","reason":"{reason}"}}"#)
        }
    }
}

#[test]
fn golden_events() {
    let events = events();
    let bytes = encode_events(&events);
    let dir = super::dir("events");
    check_expect(&dir.join("all.hex"), &format!("{}\n", hex(&bytes))).unwrap();
    let lines: Vec<String> = events.iter().map(json).collect();
    check_expect(&dir.join("all.json"), &format!("[\n{}\n]\n", lines.join(",\n"))).unwrap();

    let decoded: Result<Vec<Event>, _> = decode_events(&bytes).unwrap().collect();
    assert_eq!(decoded.unwrap(), events);
}

#[test]
fn unknown_keys_and_reasons_are_refused() {
    // A key past the last, an action past the last, a reset reason past the last, a surrogate
    // and a number past U+10FFFF as typed characters.
    let (surrogate, beyond) = ([0u8, 0xd8, 0, 0, 1, 0, 0, 0], [0u8, 0, 0x11, 0, 1, 0, 0, 0]);
    for (op, payload) in [(3u16, &[99u8, 0, 0][..]), (3, &[1, 0, 9]), (4, &[7, 0]), (0x0b, &surrogate), (0x0b, &beyond)]
    {
        let mut bytes = encode_events(&[]);
        bytes[8] = 1;
        bytes.extend_from_slice(&op.to_le_bytes());
        bytes.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        bytes.extend_from_slice(payload);
        let first = decode_events(&bytes).unwrap().next().unwrap();
        assert!(first.is_err(), "{op:#x} {payload:?} decoded as {first:?}");
    }
}

/// Every command × every error code in words (`opcode code node<TAB>message`): the host logs these
/// and the SDK's `command-error` events carry the same ones, checked against this file by the
/// SDK's tests.
#[test]
fn golden_rejection_words() {
    let opcodes = (0..0x0700u16).filter(|&op| marquee_protocol::command_name(op).is_some()).chain([0x0999]);
    let codes: Vec<u16> = (0..0x100).filter(|&c| ErrorCode::from_u16(c) != ErrorCode::Other).chain([200]).collect();
    assert_eq!(codes.len(), 18, "a new error code needs its words here and in sdk/src/protocol.js");
    let mut out = String::new();
    for op in opcodes {
        for &code in &codes {
            for node in [Some(7), None] {
                let message = marquee_protocol::describe_rejection(op, code, node);
                let node = node.map_or("null".to_string(), |n| n.to_string());
                out.push_str(&format!("{op} {code} {node}\t{message}\n"));
            }
        }
    }
    check_expect(&super::dir("events").join("rejections.txt"), &out).unwrap();
}
