//! The display list's binary form: round trips for any well-formed list, clean errors for any
//! corrupt one (the bytes come out of a guest VM the host does not trust).

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
        loads in prop::collection::vec((any::<u32>(), "[a-z/.:é]{0,20}", any::<bool>()), 0..5),
    ) {
        let list = encode(&ops);
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
        frame::write(&mut buf, &list, &damage, &events, &request_bytes);
        let f = frame::Frame::parse(&buf).unwrap();
        prop_assert_eq!(f.display_list, &list[..]);
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
