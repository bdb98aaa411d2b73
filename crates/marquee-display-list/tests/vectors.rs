//! Golden vectors of the frame format (docs/frame.md): frames built here op by op must encode to
//! the committed bytes (`tests/vectors/NAME.hex`), and the committed bytes, applied in order to a
//! backend's layer tree, must flatten to the committed display list (`NAME.txt`). A change to the
//! encoder or the decoder that moves a byte fails here; `UPDATE_EXPECT=1` rewrites the files after
//! a deliberate format change (which also bumps `VERSION`).

use std::path::PathBuf;

use marquee_display_list::frame::Head;
use marquee_display_list::frame::{self, Frame, Request};
use marquee_display_list::layers::{self, LayerTree, Props};
use marquee_display_list::motion::{Easing, Lane, Timing, Track};
use marquee_display_list::{Color, Encoder, IntRect, Op, Radii, Rect, Transform};
use marquee_protocol::hex_form;

fn list(ops: &[Op]) -> Vec<u8> {
    let mut e = Encoder::default();
    ops.iter().for_each(|op| e.push(op));
    e.bytes().to_vec()
}

/// The vectors, in the order a backend receives them.
fn vectors() -> Vec<(&'static str, Vec<u8>)> {
    let r = |x, y, w, h| Rect::new(x, y, w, h);
    let every_op = list(&[
        Op::FillRect { rect: r(0.0, 0.0, 1280.0, 720.0), radii: Radii::ZERO, color: Color(0x0b0e14ff) },
        Op::Border {
            rect: r(8.0, 8.0, 100.0, 60.0),
            radii: Radii([4.0, 4.0, 0.0, 0.0]),
            width: 2.0,
            color: Color(0xffffff80),
        },
        Op::PushClip { rect: r(0.0, 80.0, 1280.0, 400.0), radii: Radii::ZERO },
        Op::PushTransform { transform: Transform { sx: 1.1, sy: 1.1, tx: -6.4, ty: -3.2 } },
        Op::PushOpacity { opacity: 0.5 },
        Op::Image { handle: 3, src: r(0.0, 0.0, 300.0, 450.0), dst: r(64.0, 100.0, 200.0, 300.0), opacity: 1.0 },
        Op::Text { run: 12, rect: r(64.0, 410.0, 200.0, 24.0), overhang: 10.0, color: Color(0xeeeeeeff) },
        Op::PopOpacity,
        Op::PopTransform,
        Op::DrawLayer { layer: 4 },
        Op::PopClip,
        Op::DrawLayer { layer: 7 },
    ]);
    let rail =
        list(&[Op::FillRect { rect: r(64.0, 100.0, 2000.0, 300.0), radii: Radii::ZERO, color: Color(0x223344ff) }]);
    let tile =
        list(&[Op::FillRect { rect: r(600.0, 500.0, 40.0, 40.0), radii: Radii([8.0; 4]), color: Color(0xff0000ff) }]);
    let scrolled = Props { clip: Some((r(0.0, 80.0, 1280.0, 400.0), Radii::ZERO)), ..Props::default() };

    let mut full = Vec::new();
    layers::write_content(&mut full, 0, &every_op);
    layers::write_content(&mut full, 4, &rail);
    layers::write_content(&mut full, 7, &tile);
    layers::write_props(&mut full, 4, &scrolled, &[]);
    layers::write_props(&mut full, 7, &Props { opacity: 0.75, ..Props::shift(4.0, 0.0) }, &[]);
    let mut requests = Vec::new();
    Request::Load { image: 3, src: "posters/1.png" }.encode(&mut requests);
    let events = b"MQEV\x02\x00\x00\x00\x00\x00\x00\x00";
    let whole = IntRect { x: 0, y: 0, w: 1280, h: 720 };

    // The next frame: the rail scrolls, the tile moves and fades (props only).
    let mut moved = Vec::new();
    layers::write_props(&mut moved, 4, &Props { translate: [-240.0, 0.0], ..scrolled }, &[]);
    layers::write_props(&mut moved, 7, &Props::shift(12.0, 0.0), &[]);

    // The tile scales about its centre to 1.1 and slides right, forever, sampled by the backend:
    // the flattened list is the frame at 250 ms, a quarter of the way through the slide.
    let mut animated = Vec::new();
    let timing = Timing { delay_ms: 0.0, duration_ms: 1000.0, iterations: f32::INFINITY, alternate: true };
    let slide = Track { lane: Lane::TranslateX, from: 12.0, to: 52.0, start: 0.0, timing, easing: Easing::Linear };
    let grow = Track {
        lane: Lane::ScaleX,
        from: 1.0,
        to: 1.1,
        start: 0.0,
        timing: Timing { duration_ms: 500.0, iterations: 1.0, alternate: false, ..timing },
        easing: Easing::CubicBezier([0.25, 0.1, 0.25, 1.0]),
    };
    let centred = Props { origin: [620.0, 520.0], ..Props::shift(12.0, 0.0) };
    layers::write_props(&mut animated, 7, &centred, &[slide, grow]);

    // Then the tile stops being a layer: the root is recorded again with it inline, its layer goes.
    let mut demoted = Vec::new();
    layers::write_remove(&mut demoted, 7);
    layers::write_content(
        &mut demoted,
        0,
        &list(&[
            Op::DrawLayer { layer: 4 },
            Op::FillRect { rect: r(612.0, 500.0, 40.0, 40.0), radii: Radii([8.0; 4]), color: Color(0xff0000ff) },
        ]),
    );

    let frame = |full: bool, time: f64, layers: &[u8], damage: &[IntRect], requests: &[u8]| {
        let mut out = Vec::new();
        frame::write(&mut out, Head { full, time }, layers, damage, events, requests);
        out
    };
    vec![
        ("1-full", frame(true, 0.0, &full, &[whole], &requests)),
        (
            "2-props",
            frame(
                false,
                16.5,
                &moved,
                &[IntRect { x: 0, y: 80, w: 1280, h: 400 }, IntRect { x: 604, y: 500, w: 48, h: 40 }],
                &[],
            ),
        ),
        ("3-motion", frame(false, 250.0, &animated, &[], &[])),
        ("4-remove", frame(false, 300.0, &demoted, &[IntRect { x: 0, y: 0, w: 1280, h: 720 }], &[])),
    ]
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

fn updating() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some()
}

/// Compares `actual` with the file, or rewrites it under `UPDATE_EXPECT`.
fn check(path: &PathBuf, actual: &str) {
    if updating() {
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(expected, actual, "{} differs (UPDATE_EXPECT=1 rewrites it)", path.display());
}

#[test]
fn frames_encode_to_the_golden_bytes_and_decode_to_the_golden_tree() {
    let mut tree = LayerTree::default();
    let mut ops = Vec::new();
    for (name, bytes) in vectors() {
        let hex = dir().join(format!("{name}.hex"));
        check(&hex, &hex_form::write(&bytes));
        // Decode what is committed, not what was just built: the files are the contract.
        let committed = hex_form::read(&std::fs::read_to_string(&hex).unwrap()).unwrap();
        let f = Frame::parse(&committed).unwrap();
        tree.apply(f.layers, f.full).unwrap();
        let motion = tree.advance(f.time);
        tree.flatten(&mut ops);
        let mut text = format!("full {} time {}\ndamage {:?}\nmotion damage {motion:?}\n", f.full, f.time, f.damage);
        for r in frame::requests(f.requests).unwrap() {
            text += &format!("request {r:?}\n");
        }
        text += &ops.iter().map(|op| format!("{op}\n")).collect::<String>();
        check(&dir().join(format!("{name}.txt")), &text);
    }
}
