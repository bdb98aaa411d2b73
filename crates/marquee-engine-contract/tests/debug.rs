//! The debug query's answers: golden vectors for each kind, round trips for any answer, and a
//! clean error — never a panic — for any corrupt one (the bytes come out of an engine the host
//! does not trust).

use std::path::PathBuf;

use marquee_engine_contract::debug::{self, Answer, DecodeError, FocusInfo, FocusStep, Look, NodeInfo, Query, flags};
use marquee_protocol::hex_form;
use marquee_protocol::{Color, StyleDecl};
use proptest::prelude::*;

fn node() -> NodeInfo {
    NodeInfo {
        id: 42,
        kind: 0,
        parent: Some(7),
        children: 3,
        child_ids: vec![43, 44, 45],
        border_box: [64.0, 120.5, 240.0, 135.0],
        margin: [0.0, 20.0, 0.0, 0.0],
        padding: [12.0, 12.0, 8.0, 8.0],
        border: [2.0; 4],
        flags: flags::FOCUSABLE | flags::FOCUSED | flags::FOCUS_WITHIN | flags::ATTACHED,
        group: 0,
        layer: Some(9),
        animations: 1,
        base: Look {
            background: 0x2a2a40ff,
            border_color: 0,
            opacity: 1.0,
            translate: [0.0; 2],
            scale: [1.0; 2],
            radii: [10.0; 4],
            z_index: 0,
        },
        shown: Look {
            background: 0x2a2a40ff,
            border_color: 0xffffffff,
            opacity: 1.0,
            translate: [0.0; 2],
            scale: [1.03, 1.03],
            radii: [10.0; 4],
            z_index: 1,
        },
        focused: vec![StyleDecl::BorderColor(Color(0xffffffff)), StyleDecl::ScaleX(1.06), StyleDecl::ScaleY(1.06)],
        focus_within: Vec::new(),
    }
}

fn focus() -> FocusInfo {
    FocusInfo {
        focused: Some(42),
        path: vec![
            FocusStep { node: 0, group: 0, remembered: None },
            FocusStep { node: 5, group: 2, remembered: Some(7) },
            FocusStep { node: 7, group: 1, remembered: Some(42) },
        ],
    }
}

fn vector(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors").join(name)
}

#[test]
fn answers_match_their_golden_vectors() {
    let cases = [
        ("debug-node.hex", Answer::Node(Box::new(node()))),
        ("debug-focus.hex", Answer::Focus(focus())),
        ("debug-nothing.hex", Answer::Nothing),
    ];
    for (name, answer) in cases {
        let mut bytes = Vec::new();
        debug::encode(&answer, &mut bytes);
        let path = vector(name);
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&path, hex_form::write(&bytes)).unwrap();
        }
        let golden = hex_form::read(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(bytes, golden, "{name}: the encoding changed (bump debug::VERSION and the docs)");
        assert_eq!(debug::decode(&golden).unwrap(), answer, "{name}");
    }
}

#[test]
fn every_truncation_and_every_trailing_byte_is_an_error() {
    for answer in [Answer::Node(Box::new(node())), Answer::Focus(focus())] {
        let mut bytes = Vec::new();
        debug::encode(&answer, &mut bytes);
        for len in 0..bytes.len() {
            assert!(debug::decode(&bytes[..len]).is_err(), "{len} of {} bytes decoded", bytes.len());
        }
        bytes.push(0);
        assert_eq!(debug::decode(&bytes).unwrap_err().why, "bytes after the answer");
    }
}

#[test]
fn corrupt_answers_say_where_and_why() {
    let mut node_bytes = Vec::new();
    debug::encode(&Answer::Node(Box::new(node())), &mut node_bytes);
    let corrupt = |at: usize, with: &[u8]| {
        let mut b = node_bytes.clone();
        b[at..at + with.len()].copy_from_slice(with);
        debug::decode(&b).unwrap_err()
    };
    assert_eq!(corrupt(0, &[2]), DecodeError { at: 0, why: "an answer of another format version" });
    assert_eq!(corrupt(1, &[9]).why, "an unknown answer tag");
    // The border box's x (after version, tag, id, kind, parent, children and the three child
    // ids with their count): NaN.
    assert_eq!(corrupt(31, &f32::NAN.to_le_bytes()), DecodeError { at: 31, why: "a number that is not finite" });
    // The focused list's length (before its 3 declarations of 7 bytes and the empty
    // focus-within list's 4): far past the answer.
    let count_at = node_bytes.len() - 4 - 3 * 7 - 4;
    assert_eq!(corrupt(count_at, &u32::MAX.to_le_bytes()).why, "a list longer than the answer or its limit");
    // A declaration of a property that does not exist.
    assert_eq!(corrupt(count_at + 4, &[0xff, 0xff]).why, "an unknown style property");
    let mut focus_bytes = Vec::new();
    debug::encode(&Answer::Focus(focus()), &mut focus_bytes);
    focus_bytes[6..10].copy_from_slice(&(debug::MAX_LIST as u32 + 1).to_le_bytes());
    assert!(debug::decode(&focus_bytes).is_err());
}

#[test]
fn queries_cross_as_three_numbers() {
    for q in [Query::Node(7), Query::At { x: 12.5, y: -3.0 }, Query::Focus] {
        let (kind, a, b) = q.to_args();
        assert_eq!(Query::from_args(kind, a, b), Some(q));
    }
    assert_eq!(Query::from_args(3, 0, 0), None);
}

fn look() -> impl Strategy<Value = Look> {
    (any::<u32>(), any::<u32>(), 0.0f32..=1.0, prop::array::uniform4(-1e4f32..1e4), any::<i32>()).prop_map(
        |(background, border_color, opacity, v, z_index)| Look {
            background,
            border_color,
            opacity,
            translate: [v[0], v[1]],
            scale: [v[2], v[3]],
            radii: [v[0].abs(); 4],
            z_index,
        },
    )
}

fn answer() -> impl Strategy<Value = Answer> {
    let quad = || prop::array::uniform4(-1e5f32..1e5);
    let decls = || prop::collection::vec((0.0f64..1.0).prop_map(|o| StyleDecl::Opacity(o as f32)), 0..4);
    let node = (
        (
            any::<u32>(),
            0u8..3,
            any::<Option<u32>>(),
            prop::collection::vec(any::<u32>(), 0..5),
            quad(),
            quad(),
            quad(),
            quad(),
        ),
        (any::<u8>(), 0u8..4, any::<Option<u32>>(), any::<u32>(), look(), look(), decls(), decls()),
    )
        .prop_map(
            |((id, kind, parent, children, b, m, p, bo), (flags, group, layer, animations, base, shown, f, w))| {
                Answer::Node(Box::new(NodeInfo {
                    id,
                    kind,
                    parent: parent.filter(|&p| p != u32::MAX),
                    children: children.len() as u32,
                    child_ids: children,
                    border_box: b,
                    margin: m,
                    padding: p,
                    border: bo,
                    flags,
                    group,
                    layer: layer.filter(|&l| l != u32::MAX),
                    animations,
                    base,
                    shown,
                    focused: f,
                    focus_within: w,
                }))
            },
        );
    let step = (0u32..1000, 0u8..4, any::<Option<u32>>()).prop_map(|(node, group, remembered)| FocusStep {
        node,
        group,
        remembered: remembered.filter(|&r| r != u32::MAX),
    });
    let focus = (any::<Option<u32>>(), prop::collection::vec(step, 0..8))
        .prop_map(|(focused, path)| Answer::Focus(FocusInfo { focused: focused.filter(|&f| f != u32::MAX), path }));
    prop_oneof![Just(Answer::Nothing), node, focus]
}

proptest! {
    #[test]
    fn any_answer_round_trips(answer in answer()) {
        let mut bytes = Vec::new();
        debug::encode(&answer, &mut bytes);
        prop_assert_eq!(debug::decode(&bytes).unwrap(), answer);
    }

    #[test]
    fn any_bytes_decode_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = debug::decode(&bytes);
        // Most random bytes fail at the version; these reach the tags and lists.
        let mut b = vec![debug::VERSION];
        b.extend(&bytes);
        let _ = debug::decode(&b);
    }
}
