//! Golden vectors of the frame format (docs/frame.md): frames built here op by op must encode to
//! the committed bytes (`tests/vectors/NAME.hex`), and the committed bytes, applied in order to a
//! backend's layer tree, must flatten to the committed display list (`NAME.txt`). A change to the
//! encoder or the decoder that moves a byte fails here; `UPDATE_EXPECT=1` rewrites the files after
//! a deliberate format change (which also bumps `VERSION`).

use std::path::PathBuf;

use marquee_display_list::frame::{self, Frame, Request};
use marquee_display_list::layers::{self, LayerTree, Props};
use marquee_display_list::{Color, Encoder, IntRect, Op, Radii, Rect, Transform};
use marquee_protocol::hex_form;

fn list(ops: &[Op]) -> Vec<u8> {
    let mut e = Encoder::default();
    ops.iter().for_each(|op| e.push(op));
    e.bytes().to_vec()
}

fn shift(tx: f32, ty: f32) -> Transform {
    Transform { sx: 1.0, sy: 1.0, tx, ty }
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
    let scrolled =
        Props { clip: Some((r(0.0, 80.0, 1280.0, 400.0), Radii::ZERO)), transform: shift(0.0, 0.0), opacity: 1.0 };

    let mut full = Vec::new();
    layers::write_content(&mut full, 0, &every_op);
    layers::write_content(&mut full, 4, &rail);
    layers::write_content(&mut full, 7, &tile);
    layers::write_props(&mut full, 4, &scrolled);
    layers::write_props(&mut full, 7, &Props { clip: None, transform: shift(4.0, 0.0), opacity: 0.75 });
    let mut requests = Vec::new();
    Request::Load { image: 3, src: "posters/1.png" }.encode(&mut requests);
    let events = b"MQEV\x02\x00\x00\x00\x00\x00\x00\x00";
    let whole = IntRect { x: 0, y: 0, w: 1280, h: 720 };

    // The next frame: the rail scrolls, the tile moves and fades (props only).
    let mut moved = Vec::new();
    layers::write_props(&mut moved, 4, &Props { transform: shift(-240.0, 0.0), ..scrolled });
    layers::write_props(&mut moved, 7, &Props { clip: None, transform: shift(12.0, 0.0), opacity: 1.0 });

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

    let frame = |full: bool, layers: &[u8], damage: &[IntRect], requests: &[u8]| {
        let mut out = Vec::new();
        frame::write(&mut out, full, layers, damage, events, requests);
        out
    };
    vec![
        ("1-full", frame(true, &full, &[whole], &requests)),
        (
            "2-props",
            frame(
                false,
                &moved,
                &[IntRect { x: 0, y: 80, w: 1280, h: 400 }, IntRect { x: 604, y: 500, w: 48, h: 40 }],
                &[],
            ),
        ),
        ("3-remove", frame(false, &demoted, &[IntRect { x: 0, y: 0, w: 1280, h: 720 }], &[])),
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
        tree.flatten(&mut ops);
        let mut text = format!("full {}\ndamage {:?}\n", f.full, f.damage);
        for r in frame::requests(f.requests).unwrap() {
            text += &format!("request {r:?}\n");
        }
        text += &ops.iter().map(|op| format!("{op}\n")).collect::<String>();
        check(&dir().join(format!("{name}.txt")), &text);
    }
}
