//! Hostile input: random bytes, mutated batches and random command streams never panic the
//! engine, every frame it produces decodes cleanly, and the hard limits hold at limit + 1.

use marquee_engine::Engine;
use marquee_protocol::{
    Color, Command, Dimension, ErrorCode, Event, Length, NodeId, NodeKind, StyleDecl, decode_events, encode_batch,
    limits,
};
use marquee_test_support::scene::describe;
use proptest::prelude::*;

fn small_node() -> impl Strategy<Value = NodeId> {
    (0u32..24).prop_map(NodeId)
}

fn decl() -> impl Strategy<Value = StyleDecl> {
    let dim = prop_oneof![
        Just(Dimension::Auto),
        (-50.0f32..400.0).prop_map(Dimension::Px),
        (0.0f32..150.0).prop_map(Dimension::Percent)
    ];
    prop_oneof![
        dim.clone().prop_map(StyleDecl::Width),
        dim.clone().prop_map(StyleDecl::Height),
        dim.clone().prop_map(StyleDecl::Left),
        dim.prop_map(StyleDecl::MarginTop),
        any::<u32>().prop_map(|c| StyleDecl::BackgroundColor(Color(c))),
        (0.0f32..=1.0).prop_map(StyleDecl::Opacity),
        (0.0f32..3.0).prop_map(StyleDecl::ScaleX),
        (-500.0f32..500.0).prop_map(|v| StyleDecl::TranslateY(Length(v))),
        (0.0f32..10.0).prop_map(|v| StyleDecl::BorderWidth(Length(v))),
        (-3i32..3).prop_map(StyleDecl::ZIndex),
        prop_oneof![Just(marquee_protocol::Overflow::Clip), Just(marquee_protocol::Overflow::Visible)]
            .prop_map(StyleDecl::Overflow),
        prop_oneof![Just(marquee_protocol::Display::None), Just(marquee_protocol::Display::Flex)]
            .prop_map(StyleDecl::Display),
        prop_oneof![Just(marquee_protocol::FlexWrap::Wrap), Just(marquee_protocol::FlexWrap::NoWrap)]
            .prop_map(StyleDecl::FlexWrap),
        prop_oneof![Just(marquee_protocol::Position::Absolute), Just(marquee_protocol::Position::Relative)]
            .prop_map(StyleDecl::Position),
    ]
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        3 => small_node().prop_map(|id| Command::CreateNode { id, kind: NodeKind::View }),
        1 => small_node().prop_map(|id| Command::DestroyNode { id }),
        4 => (small_node(), small_node()).prop_map(|(parent, child)| Command::AppendChild { parent, child }),
        1 => (small_node(), small_node(), small_node()).prop_map(|(parent, child, before)| Command::InsertBefore { parent, child, before }),
        1 => (small_node(), small_node()).prop_map(|(parent, child)| Command::RemoveChild { parent, child }),
        6 => (small_node(), decl()).prop_map(|(id, decl)| Command::SetStyle { id, decl }),
        1 => (0.0f32..2000.0, 0.0f32..2000.0).prop_map(|(width, height)| Command::SetViewport { width, height }),
        1 => small_node().prop_map(|id| Command::QueryLayout { id }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_streams_keep_the_engine_sound(batches in prop::collection::vec(prop::collection::vec(command(), 0..40), 1..6)) {
        let mut engine = Engine::default();
        for (n, batch) in batches.iter().enumerate() {
            engine.apply(&encode_batch(batch));
            let frame = engine.frame(n as f64 * 16.0).to_vec();
            prop_assert!(describe(&frame).is_ok(), "frame {n} does not decode: {:?}", describe(&frame));
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut engine = Engine::default();
        engine.apply(&bytes);
        let frame = engine.frame(0.0).to_vec();
        prop_assert!(describe(&frame).is_ok());
    }

    #[test]
    fn mutated_batches_never_panic(
        cmds in prop::collection::vec(command(), 1..40),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let mut bytes = encode_batch(&cmds);
        for (i, v) in flips {
            let at = i.index(bytes.len());
            bytes[at] ^= v;
        }
        let mut engine = Engine::default();
        engine.apply(&bytes);
        let frame = engine.frame(0.0).to_vec();
        prop_assert!(describe(&frame).is_ok());
    }
}

fn errors(engine: &mut Engine) -> Vec<ErrorCode> {
    let frame = engine.frame(0.0).to_vec();
    let f = marquee_display_list::frame::Frame::parse(&frame).unwrap();
    decode_events(f.events)
        .unwrap()
        .filter_map(|e| match e.unwrap() {
            Event::CommandError { code, .. } => Some(code),
            _ => None,
        })
        .collect()
}

#[test]
fn tree_depth_is_capped() {
    // A chain exactly at the limit is accepted; one more level is refused.
    let mut engine = Engine::default();
    let mut cmds = Vec::new();
    for i in 1..limits::MAX_TREE_DEPTH as u32 {
        cmds.push(Command::CreateNode { id: NodeId(i), kind: NodeKind::View });
        cmds.push(Command::AppendChild { parent: NodeId(i - 1), child: NodeId(i) });
    }
    engine.apply(&encode_batch(&cmds));
    assert_eq!(errors(&mut engine), []);
    let last = limits::MAX_TREE_DEPTH as u32;
    engine.apply(&encode_batch(&[
        Command::CreateNode { id: NodeId(last), kind: NodeKind::View },
        Command::AppendChild { parent: NodeId(last - 1), child: NodeId(last) },
    ]));
    assert_eq!(errors(&mut engine), [ErrorCode::TooDeep]);
}

#[test]
fn grafting_a_deep_subtree_is_capped_too() {
    // Depth counts the moved subtree's height, not only the new parent's depth.
    let mut engine = Engine::default();
    let half = limits::MAX_TREE_DEPTH as u32 / 2;
    let mut cmds = Vec::new();
    for i in 1..=2 * half {
        cmds.push(Command::CreateNode { id: NodeId(i), kind: NodeKind::View });
        if i != half + 1 {
            cmds.push(Command::AppendChild { parent: NodeId(if i == 1 { 0 } else { i - 1 }), child: NodeId(i) });
        }
    }
    engine.apply(&encode_batch(&cmds));
    assert_eq!(errors(&mut engine), []);
    engine.apply(&encode_batch(&[Command::AppendChild { parent: NodeId(half), child: NodeId(half + 1) }]));
    assert_eq!(errors(&mut engine), [ErrorCode::TooDeep]);
}

#[test]
fn node_ids_are_capped() {
    let mut engine = Engine::default();
    let ok = Command::CreateNode { id: NodeId(limits::MAX_NODE_ID), kind: NodeKind::View };
    engine.apply(&encode_batch(&[ok]));
    assert_eq!(errors(&mut engine), []);
    let too_big = Command::CreateNode { id: NodeId(limits::MAX_NODE_ID + 1), kind: NodeKind::View };
    engine.apply(&encode_batch(&[too_big]));
    assert_eq!(errors(&mut engine), [ErrorCode::NodeIdOutOfRange]);
}

#[test]
fn destroyed_ids_are_reusable_and_subtrees_go_whole() {
    let mut engine = Engine::default();
    let create = |id| Command::CreateNode { id: NodeId(id), kind: NodeKind::View };
    let append = |p, c| Command::AppendChild { parent: NodeId(p), child: NodeId(c) };
    engine.apply(&encode_batch(&[create(1), create(2), create(3), append(0, 1), append(1, 2), append(2, 3)]));
    assert_eq!(errors(&mut engine), []);
    assert_eq!(engine.stats().nodes, 4);
    engine.apply(&encode_batch(&[Command::DestroyNode { id: NodeId(1) }, create(1), create(2), create(3)]));
    assert_eq!(errors(&mut engine), []);
    assert_eq!(engine.stats().nodes, 4);
}

#[test]
fn paint_only_changes_skip_layout() {
    let mut engine = Engine::default();
    let id = NodeId(1);
    engine.apply(&encode_batch(&[
        Command::CreateNode { id, kind: NodeKind::View },
        Command::AppendChild { parent: NodeId::ROOT, child: id },
    ]));
    engine.frame(0.0);
    assert!(engine.stats().laid_out);
    engine.apply(&encode_batch(&[Command::SetStyle { id, decl: StyleDecl::BackgroundColor(Color(0xff0000ff)) }]));
    engine.frame(1.0);
    assert!(!engine.stats().laid_out, "a colour change must not run layout");
    engine.apply(&encode_batch(&[Command::SetStyle { id, decl: StyleDecl::Width(Dimension::Px(10.0)) }]));
    engine.frame(2.0);
    assert!(engine.stats().laid_out);
    // Re-sending the value it already has is free.
    engine.apply(&encode_batch(&[Command::SetStyle { id, decl: StyleDecl::Width(Dimension::Px(10.0)) }]));
    engine.frame(3.0);
    assert!(!engine.stats().laid_out, "re-sending an unchanged layout value must not run layout");
}
