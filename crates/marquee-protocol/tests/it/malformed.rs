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
