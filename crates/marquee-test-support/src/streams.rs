//! Generated command streams: proptest strategies for sequences of batches, keys, image answers
//! and frames that exercise every part of the engine — the tree, layout and paint styles, focus,
//! scrolling, animations, text and images. Parity tests feed the same stream to every engine
//! build and compare the frames byte for byte; proptest's runner is seeded, so a run is
//! reproducible and a failure shrinks to a small stream.

use marquee_protocol::{
    Color, Command, Dimension, Easing, FocusGroup, ImageError, Key, KeyAction, Length, NodeId, NodeKind, Overflow,
    State, StyleDecl, StyleEntry, StyleId, Timing,
};
use proptest::prelude::*;

use crate::scene::Step;

/// One command, mostly valid: node ids are drawn from a small range so commands meet the same
/// nodes, and some refer to nodes that do not exist, which the engines must refuse alike.
pub fn command() -> impl Strategy<Value = Command> {
    let node = || (0u32..20).prop_map(NodeId);
    let dim = prop_oneof![
        Just(Dimension::Auto),
        (-50.0f32..300.0).prop_map(Dimension::Px),
        (0.0f32..120.0).prop_map(Dimension::Percent)
    ];
    let decl = prop_oneof![
        dim.clone().prop_map(StyleDecl::Width),
        dim.clone().prop_map(StyleDecl::Height),
        dim.clone().prop_map(StyleDecl::MarginLeft),
        dim.prop_map(StyleDecl::FlexBasis),
        (0.0f32..3.0).prop_map(StyleDecl::FlexGrow),
        any::<u32>().prop_map(|c| StyleDecl::BackgroundColor(Color(c))),
        (0.0f32..=1.0).prop_map(StyleDecl::Opacity),
        (0.1f32..2.0).prop_map(StyleDecl::ScaleX),
        (-100.0f32..100.0).prop_map(|v| StyleDecl::TranslateX(Length(v))),
        (0.0f32..20.0).prop_map(|v| StyleDecl::RadiusTopLeft(Length(v))),
        Just(StyleDecl::Overflow(Overflow::Clip)),
        (-2i32..3).prop_map(StyleDecl::ZIndex),
        Just(StyleDecl::FlexWrap(marquee_protocol::FlexWrap::Wrap)),
        Just(StyleDecl::FlexDirection(marquee_protocol::FlexDirection::Column)),
        Just(StyleDecl::Position(marquee_protocol::Position::Absolute)),
        Just(StyleDecl::Focusable(marquee_protocol::Toggle::Yes)),
        prop_oneof![Just(FocusGroup::Row), Just(FocusGroup::Column), Just(FocusGroup::Grid)]
            .prop_map(StyleDecl::FocusGroup),
        Just(StyleDecl::Overflow(Overflow::Scroll)),
        (0.0f32..400.0).prop_map(StyleDecl::LayoutDuration),
        (0.0f32..400.0).prop_map(StyleDecl::ScrollDuration),
        (0i32..3).prop_map(StyleDecl::ScrollLink),
        (4.0f32..60.0).prop_map(|v| StyleDecl::FontSize(Length(v))),
        (0i32..4).prop_map(StyleDecl::MaxLines),
        Just(StyleDecl::TextOverflow(marquee_protocol::TextOverflow::Ellipsis)),
        Just(StyleDecl::TextAlign(marquee_protocol::TextAlign::Center)),
        any::<u32>().prop_map(|c| StyleDecl::Color(Color(c))),
        any::<u32>().prop_map(|c| StyleDecl::PlaceholderColor(Color(c))),
        Just(StyleDecl::ObjectFit(marquee_protocol::ObjectFit::Cover)),
        Just(StyleDecl::ObjectFit(marquee_protocol::ObjectFit::Contain)),
        (0.0f32..300.0).prop_map(StyleDecl::FadeInDuration),
    ];
    let easing = prop_oneof![
        Just(Easing::Named(marquee_protocol::EasingName::EaseInOut)),
        (0.0f32..1.0, -1.0f32..2.0).prop_map(|(x, y)| Easing::CubicBezier([x, y, 1.0 - x, 1.0])),
        (10.0f32..400.0, 0.0f32..40.0).prop_map(|(stiffness, damping)| Easing::Spring {
            stiffness,
            damping,
            mass: 1.0,
            velocity: 0.0
        }),
    ];
    let timing = (0.0f32..500.0, 0.0f32..100.0, easing, 0.5f32..3.0, any::<bool>()).prop_map(
        |(duration_ms, delay_ms, easing, iterations, alternate)| Timing {
            duration_ms,
            delay_ms,
            easing,
            iterations,
            alternate,
        },
    );
    let animated = prop_oneof![
        (0.0f32..=1.0).prop_map(StyleDecl::Opacity),
        (-100.0f32..100.0).prop_map(|v| StyleDecl::TranslateX(Length(v))),
        any::<u32>().prop_map(|c| StyleDecl::BackgroundColor(Color(c))),
    ];
    let src = (0u32..6).prop_map(|n| format!("posters/{n}.jpg"));
    // Reusable styles: a few ids (some never defined), plain declarations and state ones.
    let style = || (1u32..5).prop_map(StyleId);
    let entry = prop_oneof![
        3 => decl.clone().prop_map(|decl| StyleEntry { state: None, decl }),
        1 => (proptest::sample::select(&State::ALL[..]), animated.clone())
            .prop_map(|(state, decl)| StyleEntry { state: Some(state), decl }),
    ];
    let entries = prop::collection::vec(entry, 0..5);
    prop_oneof![
        1 => (style(), entries).prop_map(|(style, entries)| Command::DefineStyle { style, entries }),
        1 => (node(), style()).prop_map(|(id, style)| Command::UseStyle { id, style }),
        2 => (node(), kind(), prop::option::of(style()), prop::option::of(node()))
            .prop_map(|(id, kind, style, parent)| Command::CreateStyled { id, kind, style, parent }),
        3 => (node(), kind()).prop_map(|(id, kind)| Command::CreateNode { id, kind }),
        1 => node().prop_map(|id| Command::DestroyNode { id }),
        4 => (node(), node()).prop_map(|(parent, child)| Command::AppendChild { parent, child }),
        1 => (node(), node(), node()).prop_map(|(parent, child, before)| Command::InsertBefore { parent, child, before }),
        6 => (node(), decl).prop_map(|(id, decl)| Command::SetStyle { id, decl }),
        1 => node().prop_map(|id| Command::QueryLayout { id }),
        1 => node().prop_map(|id| Command::Focus { id }),
        2 => (node(), animated, timing).prop_map(|(id, to, timing)| Command::Animate { id, tag: id.0, to, timing }),
        2 => (node(), words()).prop_map(|(id, text)| Command::SetText { id, text }),
        1 => (node(), src).prop_map(|(id, src)| Command::SetImage { id, src }),
    ]
}

fn kind() -> impl Strategy<Value = NodeKind> {
    prop_oneof![3 => Just(NodeKind::View), 1 => Just(NodeKind::Text), 1 => Just(NodeKind::Image)]
}

/// A few words in several scripts, and the odd line break.
fn words() -> impl Strategy<Value = String> {
    let word = prop::sample::select(vec!["keeper", "lamp", "storm", "שלום", "مرحبا", "灯台", "café", "the", "a", "\n"]);
    prop::collection::vec(word, 0..12).prop_map(|w| w.join(" "))
}

/// A starting tree: nodes 1–19, each a view, a text with words or an image with a source,
/// appended to an earlier node (or the root), with a size some of the time. Random commands
/// then meet real nodes instead of failing on missing ones.
fn skeleton() -> impl Strategy<Value = Vec<Command>> {
    let node = (kind(), any::<prop::sample::Index>(), prop::option::of((20.0f32..300.0, 10.0f32..200.0)), words());
    prop::collection::vec(node, 19).prop_map(|nodes| {
        let mut cmds = vec![Command::SetViewport { width: 640.0, height: 360.0 }];
        for (i, (kind, parent, size, text)) in nodes.into_iter().enumerate() {
            let id = NodeId(i as u32 + 1);
            cmds.push(Command::CreateNode { id, kind });
            cmds.push(Command::AppendChild { parent: NodeId(parent.index(i + 1) as u32), child: id });
            if let Some((w, h)) = size {
                cmds.push(Command::SetStyle { id, decl: StyleDecl::Width(Dimension::Px(w)) });
                cmds.push(Command::SetStyle { id, decl: StyleDecl::Height(Dimension::Px(h)) });
            }
            match kind {
                NodeKind::Text => cmds.push(Command::SetText { id, text }),
                NodeKind::Image => cmds.push(Command::SetImage { id, src: format!("posters/{}.jpg", i % 6) }),
                NodeKind::View => {}
            }
        }
        cmds
    })
}

/// A remote key.
pub fn key() -> impl Strategy<Value = Key> {
    prop::sample::select(Key::ALL.to_vec())
}

/// The host's answer to an image request: a size, or a reason. Handles are small, so answers
/// meet the engine's requests (or arrive for nothing, which must change nothing).
pub fn image_answer() -> impl Strategy<Value = Step> {
    (
        1u32..6,
        prop_oneof![(1u32..400, 1u32..400).prop_map(Ok), prop::sample::select(ImageError::ALL.to_vec()).prop_map(Err)],
    )
        .prop_map(|(handle, result)| Step::Image(handle, result))
}

/// A stream: a starting tree, then up to eight rounds of a batch, perhaps a key, perhaps some
/// image answers, perhaps a texture budget, and a frame 1/60 s after the last.
pub fn stream() -> impl Strategy<Value = Vec<Step>> {
    let round = (
        prop::collection::vec(command(), 0..30),
        prop::option::of(key()),
        prop::collection::vec(image_answer(), 0..3),
        prop::option::of(0u64..400_000),
    );
    (skeleton(), prop::collection::vec(round, 1..8)).prop_map(|(skeleton, rounds)| {
        let mut steps = vec![Step::Batch(skeleton)];
        for (n, (batch, key, answers, budget)) in rounds.into_iter().enumerate() {
            steps.push(Step::Batch(batch));
            steps.extend(key.map(|k| Step::Key(k, KeyAction::Press)));
            steps.extend(answers);
            steps.extend(budget.map(Step::Budget));
            steps.push(Step::Frame(n as f64 * 16.667));
        }
        steps
    })
}
