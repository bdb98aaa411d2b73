//! Malformed batches (`NAME.hex`) and what decoding them yields (`NAME.out`): for every record
//! either the command in text form or the error with its offset. These pin down the skip/stop
//! rules of `docs/protocol.md`.

use marquee_protocol::decode_batch;
use marquee_protocol::hex_form::read as unhex;
use marquee_test_support::{check_expect, run_fixtures};

#[test]
fn malformed_batches() {
    run_fixtures(&super::dir("malformed"), "hex", |path| {
        let bytes = unhex(&std::fs::read_to_string(path).map_err(|e| e.to_string())?)?;
        let mut out = String::new();
        match decode_batch(&bytes) {
            Err(e) => out.push_str(&format!("rejected: {e}\n")),
            Ok(dec) => {
                for item in dec {
                    match item {
                        Ok(c) => out.push_str(&format!("ok: {c}\n")),
                        Err(e) => out.push_str(&format!("error: {e}\n")),
                    }
                }
            }
        }
        check_expect(&path.with_extension("out"), &out)
    });
}

/// A style of `MAX_STYLE_ENTRIES` declarations decodes; one more is refused, alone.
#[test]
fn a_style_holds_at_most_256_declarations() {
    use marquee_protocol::limits::MAX_STYLE_ENTRIES;
    use marquee_protocol::{Command, StyleDecl, StyleEntry, StyleId, encode_batch};
    let style = |n: usize| Command::DefineStyle {
        style: StyleId(1),
        entries: vec![StyleEntry { state: None, decl: StyleDecl::Opacity(0.5) }; n],
    };
    let bytes = encode_batch(&[style(MAX_STYLE_ENTRIES), style(MAX_STYLE_ENTRIES + 1), style(0)]);
    let decoded: Vec<_> = decode_batch(&bytes).unwrap().collect();
    assert_eq!(decoded[0], Ok(style(MAX_STYLE_ENTRIES)));
    let e = decoded[1].as_ref().unwrap_err();
    assert_eq!(e.kind, marquee_protocol::ErrorKind::BadValue("a style of more than 256 declarations"));
    assert_eq!(decoded[2], Ok(style(0)));
}

/// The text form of a create with a style and a parent reads its words in that order only.
#[test]
fn a_styled_create_reads_style_then_parent() {
    use marquee_protocol::text::parse_line;
    use marquee_protocol::{Command, NodeId, NodeKind, StyleId};
    let both =
        Command::CreateStyled { id: NodeId(5), kind: NodeKind::View, style: Some(StyleId(1)), parent: Some(NodeId(4)) };
    assert_eq!(parse_line("create 5 view style 1 in 4"), Ok(Some(both)));
    for bad in ["create 5 view in 4 style 1", "create 5 view style", "create 5 view in", "create 5 view at 4"] {
        assert!(parse_line(bad).is_err(), "{bad} was read");
    }
}
