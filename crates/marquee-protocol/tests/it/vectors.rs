//! Golden vectors: a command sequence in the text form (`NAME.txt`) and its exact bytes
//! (`NAME.hex`, one line for the header and one per command). The SDK's JavaScript encoder is
//! tested against the same files, which is what keeps the two encoders byte-identical.

use marquee_protocol::hex_form::{read as unhex, write as hex};
use marquee_protocol::{decode_batch, encode_batch, text};
use marquee_test_support::{check_expect, run_fixtures};

/// Formats a batch one record per line, so a diff points at the command that changed.
fn layout_hex(bytes: &[u8]) -> String {
    let mut out = format!("{}\n", hex(&bytes[..12]));
    let mut pos = 12;
    while pos + 6 <= bytes.len() {
        let len = u32::from_le_bytes([bytes[pos + 2], bytes[pos + 3], bytes[pos + 4], bytes[pos + 5]]) as usize;
        let end = (pos + 6 + len).min(bytes.len());
        out.push_str(&hex(&bytes[pos..end]));
        out.push('\n');
        pos = end;
    }
    out
}

#[test]
fn golden_vectors() {
    run_fixtures(&super::dir("vectors"), "txt", |path| {
        let src = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        let commands = text::parse(&src).map_err(|e| format!("line {}: {}", e.offset, e.kind))?;
        let bytes = encode_batch(&commands);
        check_expect(&path.with_extension("hex"), &layout_hex(&bytes))?;

        // The committed bytes decode back to the same commands, and print back to the source.
        let committed = unhex(&std::fs::read_to_string(path.with_extension("hex")).map_err(|e| e.to_string())?)?;
        let decoded: Result<Vec<_>, _> = decode_batch(&committed).map_err(|e| e.to_string())?.collect();
        let decoded = decoded.map_err(|e| e.to_string())?;
        if decoded != commands {
            return Err("committed bytes decode to other commands".into());
        }
        let reparsed = text::parse(&text::print(&decoded)).map_err(|e| e.to_string())?;
        if reparsed != commands {
            return Err("text form does not round-trip".into());
        }
        Ok(())
    });
}
