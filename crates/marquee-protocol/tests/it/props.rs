//! Properties over generated input: decoding never panics, whatever the bytes, and encoding then
//! decoding any valid command gives it back.

use marquee_protocol::{
    AlignItems, Color, Command, Dimension, Display, FlexDirection, FlexWrap, JustifyContent, Length, LengthPercentage,
    NodeId, NodeKind, Overflow, Position, StyleDecl, StyleProperty, decode_batch, encode_batch, limits, text,
};
use proptest::prelude::*;

fn node() -> impl Strategy<Value = NodeId> {
    (0..=limits::MAX_NODE_ID).prop_map(NodeId)
}

fn px() -> impl Strategy<Value = f32> {
    -5000.0f32..5000.0
}

fn dimension() -> impl Strategy<Value = Dimension> {
    prop_oneof![Just(Dimension::Auto), px().prop_map(Dimension::Px), (0.0f32..200.0).prop_map(Dimension::Percent)]
}

fn length_percentage() -> impl Strategy<Value = LengthPercentage> {
    prop_oneof![px().prop_map(LengthPercentage::Px), (0.0f32..200.0).prop_map(LengthPercentage::Percent)]
}

fn decl() -> impl Strategy<Value = StyleDecl> {
    prop_oneof![
        prop_oneof![Just(Display::Flex), Just(Display::None)].prop_map(StyleDecl::Display),
        prop_oneof![Just(Position::Relative), Just(Position::Absolute)].prop_map(StyleDecl::Position),
        prop_oneof![Just(FlexDirection::Row), Just(FlexDirection::ColumnReverse)].prop_map(StyleDecl::FlexDirection),
        prop_oneof![Just(FlexWrap::Wrap), Just(FlexWrap::NoWrap)].prop_map(StyleDecl::FlexWrap),
        prop_oneof![Just(JustifyContent::SpaceEvenly), Just(JustifyContent::Center)]
            .prop_map(StyleDecl::JustifyContent),
        prop_oneof![Just(AlignItems::Baseline), Just(AlignItems::End)].prop_map(StyleDecl::AlignItems),
        length_percentage().prop_map(StyleDecl::RowGap),
        (0.0f32..10.0).prop_map(StyleDecl::FlexGrow),
        dimension().prop_map(StyleDecl::Width),
        dimension().prop_map(StyleDecl::MarginLeft),
        dimension().prop_map(StyleDecl::Top),
        length_percentage().prop_map(StyleDecl::PaddingBottom),
        prop_oneof![Just(Overflow::Clip), Just(Overflow::Visible)].prop_map(StyleDecl::Overflow),
        any::<u32>().prop_map(|c| StyleDecl::BackgroundColor(Color(c))),
        (0.0f32..100.0).prop_map(|v| StyleDecl::RadiusTopLeft(Length(v))),
        (0.0f32..=1.0).prop_map(StyleDecl::Opacity),
        px().prop_map(|v| StyleDecl::TranslateX(Length(v))),
        (0.0f32..4.0).prop_map(StyleDecl::ScaleY),
        any::<i32>().prop_map(StyleDecl::ZIndex),
    ]
}

fn command() -> impl Strategy<Value = Command> {
    let kind = prop_oneof![Just(NodeKind::View), Just(NodeKind::Image), Just(NodeKind::Text)];
    prop_oneof![
        (node(), kind).prop_map(|(id, kind)| Command::CreateNode { id, kind }),
        node().prop_map(|id| Command::DestroyNode { id }),
        (node(), node()).prop_map(|(parent, child)| Command::AppendChild { parent, child }),
        (node(), node(), node()).prop_map(|(parent, child, before)| Command::InsertBefore { parent, child, before }),
        (node(), node()).prop_map(|(parent, child)| Command::RemoveChild { parent, child }),
        (node(), decl()).prop_map(|(id, decl)| Command::SetStyle { id, decl }),
        (node(), proptest::sample::select(StyleProperty::ALL))
            .prop_map(|(id, property)| Command::ClearStyle { id, property }),
        (0.0f32..4000.0, 0.0f32..4000.0).prop_map(|(width, height)| Command::SetViewport { width, height }),
        node().prop_map(|id| Command::QueryLayout { id }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn encode_decode_round_trips(commands in prop::collection::vec(command(), 0..64)) {
        let bytes = encode_batch(&commands);
        let decoded: Result<Vec<_>, _> = decode_batch(&bytes).unwrap().collect();
        prop_assert_eq!(decoded.unwrap(), commands.clone());
        prop_assert_eq!(text::parse(&text::print(&commands)).unwrap(), commands);
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(dec) = decode_batch(&bytes) {
            for _ in dec {}
        }
    }

    #[test]
    fn mutated_batches_never_panic(
        commands in prop::collection::vec(command(), 1..32),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = encode_batch(&commands);
        for (i, v) in flips {
            let at = i.index(bytes.len());
            bytes[at] ^= v;
        }
        let end = 12 + cut.index(bytes.len() - 11);
        let bytes = &bytes[..end.min(bytes.len())];
        if let Ok(dec) = decode_batch(bytes) {
            // Decoding always ends, and never yields more items than there are bytes.
            prop_assert!(dec.count() <= bytes.len());
        }
    }

    #[test]
    fn text_parser_never_panics(line in "\\PC{0,40}") {
        let _ = text::parse_line(&line);
    }
}
