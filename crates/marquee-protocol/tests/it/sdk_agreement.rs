//! The SDK's JavaScript encoder against this crate's decoder on seeded random command sequences
//! (the golden vectors cover each command; this covers their mixtures and value ranges). Runs
//! `node sdk/test/random-commands.js SEED COUNT`, which prints each batch's bytes and the text form
//! of the commands it encoded; every batch must decode to exactly those commands.

use std::process::Command;

use marquee_protocol::hex_form::read as unhex;
use marquee_protocol::{decode_batch, text};

#[test]
fn sdk_batches_decode_to_the_commands_they_name() {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sdk/test/random-commands.js");
    let out = Command::new("node")
        .arg(&script)
        .args(["20261122", "400"])
        .output()
        .unwrap_or_else(|e| panic!("node {}: {e} (Node.js is needed for the SDK tests)", script.display()));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut commands_seen = 0;
    for (n, line) in stdout.lines().enumerate() {
        let (hex, src) = line.split_once('\t').unwrap_or_else(|| panic!("batch {n}: no tab"));
        let expected = text::parse(&src.replace(';', "\n")).unwrap_or_else(|e| panic!("batch {n}: {e:?}"));
        let bytes = unhex(hex).unwrap();
        let decoded: Result<Vec<_>, _> = decode_batch(&bytes).unwrap().collect();
        assert_eq!(decoded.unwrap_or_else(|e| panic!("batch {n}: {e}")), expected, "batch {n}");
        commands_seen += expected.len();
    }
    assert_eq!(stdout.lines().count(), 400);
    assert!(commands_seen > 4000, "only {commands_seen} commands generated");
}
