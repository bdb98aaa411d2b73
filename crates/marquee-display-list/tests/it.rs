//! The display list's binary form: round trips for any well-formed list, clean errors for any
//! corrupt one (the bytes come out of a guest VM the host does not trust).

use marquee_display_list::layers::{self, LayerTree, Props};
use marquee_display_list::motion::{Easing, Lane, Timing, Track};
use marquee_display_list::{Color, Encoder, IntRect, Op, Radii, Rect, Transform, decode, frame};
use proptest::prelude::*;

fn rect() -> impl Strategy<Value = Rect> {
    (-2000.0f32..2000.0, -2000.0f32..2000.0, 0.0f32..2000.0, 0.0f32..2000.0).prop_map(|(x, y, w, h)| Rect {
        x,
        y,
        w,
        h,
    })
}

fn radii() -> impl Strategy<Value = Radii> {
    prop::array::uniform4(0.0f32..50.0).prop_map(Radii)
}

fn leaf() -> impl Strategy<Value = Op> {
    prop_oneof![
        (rect(), radii(), any::<u32>()).prop_map(|(rect, radii, c)| Op::FillRect { rect, radii, color: Color(c) }),
        (rect(), radii(), 0.0f32..20.0, any::<u32>()).prop_map(|(rect, radii, width, c)| Op::Border {
            rect,
            radii,
            width,
            color: Color(c)
        }),
        (any::<u32>(), rect(), rect(), 0.0f32..=1.0).prop_map(|(handle, src, dst, opacity)| Op::Image {
            handle,
            src,
            dst,
            opacity
        }),
        (any::<u32>(), rect(), -1e6f32..1e6, any::<u32>()).prop_map(|(run, rect, overhang, c)| Op::Text {
            run,
            rect,
            overhang,
            color: Color(c)
        }),
        any::<u32>().prop_map(|layer| Op::DrawLayer { layer }),
    ]
}

/// A balanced list: leaves, wrapped in random push/pop pairs.
fn ops() -> impl Strategy<Value = Vec<Op>> {
    leaf().prop_map(|op| vec![op]).prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(|v| v.concat()),
            (inner.clone(), rect(), radii()).prop_map(|(body, rect, radii)| {
                let mut v = vec![Op::PushClip { rect, radii }];
                v.extend(body);
                v.push(Op::PopClip);
                v
            }),
            (inner.clone(), 0.0f32..=1.0).prop_map(|(body, opacity)| {
                let mut v = vec![Op::PushOpacity { opacity }];
                v.extend(body);
                v.push(Op::PopOpacity);
                v
            }),
            (inner, 0.1f32..3.0, -500.0f32..500.0).prop_map(|(body, s, t)| {
                let mut v = vec![Op::PushTransform { transform: Transform { sx: s, sy: s, tx: t, ty: -t } }];
                v.extend(body);
                v.push(Op::PopTransform);
                v
            }),
        ]
    })
}

fn encode(ops: &[Op]) -> Vec<u8> {
    let mut e = Encoder::default();
    for op in ops {
        e.push(op);
    }
    e.bytes().to_vec()
}

proptest! {
    #[test]
    fn round_trips(ops in ops()) {
        prop_assert_eq!(decode(&encode(&ops)).unwrap(), ops);
    }

    #[test]
    fn corrupt_lists_give_errors_not_panics(ops in ops(), flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)) {
        let mut bytes = encode(&ops);
        for (i, v) in flips {
            let at = i.index(bytes.len());
            bytes[at] ^= v;
        }
        let _ = decode(&bytes);
        let _ = decode(&bytes[..bytes.len() / 2]);
    }

    #[test]
    fn frames_round_trip(
        ops in ops(),
        damage in prop::collection::vec(any::<(i32, i32, i32, i32)>(), 0..5),
        events in prop::collection::vec(any::<u8>(), 0..40),
        full in any::<bool>(),
        time in -1e9f64..1e9,
        loads in prop::collection::vec((any::<u32>(), "[a-z/.:é]{0,20}", any::<bool>()), 0..5),
    ) {
        let mut layers = Vec::new();
        layers::write_content(&mut layers, 0, &encode(&ops));
        let damage: Vec<IntRect> = damage.into_iter().map(|(x, y, w, h)| IntRect { x, y, w, h }).collect();
        let requests: Vec<frame::Request<'_>> = loads
            .iter()
            .map(|(image, src, load)| if *load { frame::Request::Load { image: *image, src } } else { frame::Request::Release { image: *image } })
            .collect();
        let mut request_bytes = Vec::new();
        for r in &requests {
            r.encode(&mut request_bytes);
        }
        let mut buf = Vec::new();
        frame::write(&mut buf, frame::Head { full, time }, &layers, &damage, &events, &request_bytes);
        let f = frame::Frame::parse(&buf).unwrap();
        prop_assert_eq!(f.layers, &layers[..]);
        prop_assert_eq!(f.full, full);
        prop_assert_eq!(f.time, time);
        prop_assert_eq!(f.damage, damage);
        prop_assert_eq!(f.events, &events[..]);
        prop_assert_eq!(frame::requests(f.requests).unwrap(), requests);
        if !request_bytes.is_empty() {
            prop_assert!(frame::requests(&request_bytes[..request_bytes.len() - 1]).is_err());
        }
        prop_assert!(frame::Frame::parse(&buf[..buf.len() - 1]).is_err());
    }
}

#[test]
fn unbalanced_lists_are_rejected() {
    let cases: [&[Op]; 3] = [
        &[Op::PopClip],
        &[Op::PushOpacity { opacity: 0.5 }],
        &[Op::PushClip { rect: Rect::new(0.0, 0.0, 1.0, 1.0), radii: Radii::ZERO }, Op::PopOpacity],
    ];
    for ops in cases {
        assert!(decode(&encode(ops)).is_err(), "{ops:?} decoded");
    }
}

#[test]
fn non_finite_values_are_rejected() {
    let ops = [Op::FillRect { rect: Rect::new(f32::NAN, 0.0, 1.0, 1.0), radii: Radii::ZERO, color: Color(0) }];
    assert!(matches!(decode(&encode(&ops)), Err(marquee_display_list::Error::BadValue { offset: 12 })));
}

fn fill(x: f32) -> Op {
    Op::FillRect { rect: Rect::new(x, 0.0, 1.0, 1.0), radii: Radii::ZERO, color: Color(0xffffffff) }
}

/// One frame's updates in a compact test form: `(layer, Some(ops))` is a new list, `(layer,
/// None)` a removal.
fn updates(contents: &[(u32, Option<Vec<Op>>)], props: &[(u32, Props)]) -> Vec<u8> {
    animated(contents, props, &[])
}

/// As [`updates`], with tracks for the last props.
fn animated(contents: &[(u32, Option<Vec<Op>>)], props: &[(u32, Props)], tracks: &[Track]) -> Vec<u8> {
    let mut out = Vec::new();
    for (layer, ops) in contents {
        match ops {
            Some(ops) => layers::write_content(&mut out, *layer, &encode(ops)),
            None => layers::write_remove(&mut out, *layer),
        }
    }
    for (k, (layer, p)) in props.iter().enumerate() {
        layers::write_props(&mut out, *layer, p, if k + 1 == props.len() { tracks } else { &[] });
    }
    out
}

fn moved(tx: f32) -> Props {
    Props::shift(tx, 0.0)
}

/// A linear slide of `lane` from 0 to 100 over a second, starting at 0 ms.
fn slide(lane: Lane) -> Track {
    let timing = Timing { delay_ms: 0.0, duration_ms: 1000.0, iterations: 1.0, alternate: false };
    Track { lane, from: 0.0, to: 100.0, start: 0.0, timing, easing: Easing::Linear }
}

/// A root drawing layers 1 and 2, layer 1 drawing layer 3.
fn base() -> LayerTree {
    let mut tree = LayerTree::default();
    let frame = updates(
        &[
            (0, Some(vec![fill(0.0), Op::DrawLayer { layer: 1 }, Op::DrawLayer { layer: 2 }])),
            (1, Some(vec![fill(1.0), Op::DrawLayer { layer: 3 }])),
            (2, Some(vec![fill(2.0)])),
            (3, Some(vec![fill(3.0)])),
        ],
        &[(1, moved(10.0))],
    );
    tree.apply(&frame, true).unwrap();
    tree
}

#[test]
fn layer_updates_apply_over_the_kept_tree() {
    let mut tree = base();
    // Props alone, a new list, a layer moved from one parent to another, a removal.
    let frame = updates(
        &[
            (2, Some(vec![fill(2.0), Op::DrawLayer { layer: 3 }])),
            (1, Some(vec![fill(1.5)])),
            (0, Some(vec![Op::DrawLayer { layer: 2 }, Op::DrawLayer { layer: 1 }])),
        ],
        &[(3, moved(5.0))],
    );
    let applied = tree.apply(&frame, false).unwrap();
    assert_eq!((applied.contents, applied.props, applied.removed), (3, 1, 0));
    assert_eq!(tree.get(1).unwrap().props, moved(10.0), "a new list keeps the layer's props");
    assert_eq!(tree.get(3).unwrap().props, moved(5.0));
    let mut ops = Vec::new();
    tree.flatten(&mut ops);
    let t = |tx| Op::PushTransform { transform: Transform { sx: 1.0, sy: 1.0, tx, ty: 0.0 } };
    assert_eq!(ops, vec![fill(2.0), t(5.0), fill(3.0), Op::PopTransform, t(10.0), fill(1.5), Op::PopTransform]);
    let gone = updates(&[(2, None), (3, None), (0, Some(vec![Op::DrawLayer { layer: 1 }]))], &[]);
    tree.apply(&gone, false).unwrap();
    assert_eq!(tree.len(), 2);
}

/// Updates that would leave no single tree, or that name what is not there, are refused whole.
#[test]
fn bad_layer_updates_change_nothing() {
    let deep: Vec<(u32, Option<Vec<Op>>)> = (0..=layers::MAX_DEPTH as u32 + 1)
        .map(|i| (i, Some(vec![Op::DrawLayer { layer: i + 1 }])))
        .chain([(layers::MAX_DEPTH as u32 + 2, Some(vec![]))])
        .collect();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("props for a layer that is not there", updates(&[], &[(9, Props::default())])),
        ("removing the root", updates(&[(0, None)], &[])),
        ("removing a layer that is still drawn", updates(&[(2, None)], &[])),
        ("a layer nobody draws", updates(&[(7, Some(vec![fill(7.0)]))], &[])),
        ("drawing a layer that is not there", updates(&[(2, Some(vec![Op::DrawLayer { layer: 8 }]))], &[])),
        ("drawing a layer twice", updates(&[(2, Some(vec![Op::DrawLayer { layer: 3 }]))], &[])),
        ("a layer drawing itself", updates(&[(2, Some(vec![Op::DrawLayer { layer: 2 }]))], &[])),
        ("a cycle", updates(&[(3, Some(vec![Op::DrawLayer { layer: 1 }]))], &[])),
        ("nesting past the limit", updates(&deep, &[])),
        ("a list that does not decode", {
            let mut u = Vec::new();
            layers::write_content(&mut u, 2, b"MQDL\x04\x00\x00\x00\x01\x00\x00\x00\x63");
            u
        }),
        ("an opacity above 1", updates(&[], &[(1, Props { opacity: 1.5, ..Props::default() })])),
        ("a non-finite transform", updates(&[], &[(1, moved(f32::NAN))])),
        ("an unknown update kind", vec![9, 0, 0, 0, 0]),
        (
            "a lane animated twice",
            animated(&[], &[(1, moved(0.0))], &[slide(Lane::TranslateX), slide(Lane::TranslateX)]),
        ),
        ("a track with no iterations", {
            let t = slide(Lane::Opacity);
            animated(&[], &[(1, moved(0.0))], &[Track { timing: Timing { iterations: 0.0, ..t.timing }, ..t }])
        }),
        ("a track with a negative duration", {
            let t = slide(Lane::Opacity);
            animated(&[], &[(1, moved(0.0))], &[Track { timing: Timing { duration_ms: -1.0, ..t.timing }, ..t }])
        }),
        ("a track that starts at no time", {
            animated(&[], &[(1, moved(0.0))], &[Track { start: f64::NAN, ..slide(Lane::Opacity) }])
        }),
        ("a cubic-bezier with x outside 0-1", {
            let bent = Easing::CubicBezier([1.5, 0.0, 0.5, 1.0]);
            animated(&[], &[(1, moved(0.0))], &[Track { easing: bent, ..slide(Lane::ScaleX) }])
        }),
        ("an unknown lane", {
            let mut u = animated(&[], &[(1, moved(0.0))], &[slide(Lane::TranslateX)]);
            let at = u.len() - 31;
            u[at] = 9;
            u
        }),
        ("a negative scale", updates(&[], &[(1, Props { scale: [-1.0, 1.0], ..Props::default() })])),
        ("a truncated update", updates(&[(2, Some(vec![fill(2.0)]))], &[])[..12].to_vec()),
    ];
    for (what, frame) in cases {
        let mut tree = base();
        let before = tree.clone();
        assert!(tree.apply(&frame, false).is_err(), "{what}: accepted");
        assert_eq!(tree, before, "{what}: changed the tree");
    }
    // A full frame must bring its own root.
    let mut tree = base();
    let before = tree.clone();
    assert!(tree.apply(&updates(&[(1, Some(vec![]))], &[]), true).is_err());
    assert_eq!(tree, before);
}

#[test]
fn a_full_frame_replaces_the_tree() {
    let mut tree = base();
    tree.apply(&updates(&[(0, Some(vec![fill(9.0)]))], &[]), true).unwrap();
    assert_eq!(tree.len(), 1);
    let mut ops = Vec::new();
    tree.flatten(&mut ops);
    assert_eq!(ops, vec![fill(9.0)]);
}

/// Tracks are sampled by the backend at each frame's time; the damage they make covers where an
/// animated layer (and what it draws) was and is, and where it was when it stops or goes.
#[test]
fn animated_props_are_sampled_and_damage_where_the_layer_was_and_is() {
    let mut tree = base();
    // Layer 1 (a unit square at x = 1, drawing layer 3's at x = 3) slides right by 100 px.
    tree.apply(&animated(&[], &[(1, moved(10.0))], &[slide(Lane::TranslateX)]), false).unwrap();
    assert!(tree.animating());
    let rect = |x, w| IntRect { x, y: 0, w, h: 1 };
    assert_eq!(tree.advance(0.0), vec![rect(1, 3)], "where it first shows");
    assert_eq!(tree.get(1).unwrap().props, moved(0.0));
    assert_eq!(tree.advance(250.0), vec![rect(1, 3), rect(26, 3)]);
    assert_eq!(tree.get(1).unwrap().props, moved(25.0));
    assert_eq!(tree.advance(250.0), vec![], "nothing moved");
    // Its parent moves it too: the damage follows what shows.
    tree.apply(
        &updates(
            &[(
                0,
                Some(vec![
                    Op::PushTransform { transform: Transform { sx: 2.0, sy: 1.0, tx: 0.0, ty: 0.0 } },
                    Op::DrawLayer { layer: 1 },
                    Op::PopTransform,
                    Op::DrawLayer { layer: 2 },
                ]),
            )],
            &[],
        ),
        false,
    )
    .unwrap();
    assert_eq!(tree.advance(500.0), vec![rect(26, 3), rect(102, 6)]);
    // A new list for it, its parent's unchanged: it is still drawn where (and as) it was.
    tree.apply(&updates(&[(1, Some(vec![fill(1.0), Op::DrawLayer { layer: 3 }]))], &[]), false).unwrap();
    assert_eq!(tree.advance(500.0), vec![]);
    // The engine ends the animation: the layer's last place is owed.
    tree.apply(&updates(&[], &[(1, moved(100.0))]), false).unwrap();
    assert!(!tree.animating());
    assert_eq!(tree.get(1).unwrap().props, moved(100.0));
    assert_eq!(tree.advance(520.0), vec![rect(102, 6)]);
    // A layer that goes while it animates owes its last place too.
    tree.apply(&animated(&[], &[(3, moved(0.0))], &[slide(Lane::Opacity)]), false).unwrap();
    assert_eq!(tree.advance(600.0), vec![rect(206, 2)]);
    assert_eq!(tree.get(3).unwrap().props.opacity, 60.0_f32.clamp(0.0, 1.0));
    tree.apply(&updates(&[(1, Some(vec![fill(1.0)]))], &[]), false).unwrap_err();
    tree.apply(&updates(&[(3, None), (1, Some(vec![fill(1.0)]))], &[]), false).unwrap();
    assert_eq!(tree.advance(700.0), vec![rect(206, 2)]);
    assert!(!tree.animating());
}

/// Each layer on screen, as its parents place it: what the debug overlay outlines.
#[test]
fn layers_on_screen_are_placed_by_their_parents() {
    let mut tree = base();
    let rect = |x, w| IntRect { x, y: 0, w, h: 1 };
    // The root covers its own square and both children; layer 1 sits 10 px right and carries
    // layer 3 with it; layer 2 is where its list draws.
    assert_eq!(tree.on_screen(), vec![(0, rect(0, 14)), (1, rect(11, 3)), (2, rect(2, 1)), (3, rect(13, 1))]);
    // Invisible: left out, with what it draws.
    let hidden = Props { opacity: 0.0, ..moved(10.0) };
    tree.apply(&updates(&[], &[(1, hidden)]), false).unwrap();
    let ids: Vec<u32> = tree.on_screen().into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, [0, 2]);
}
