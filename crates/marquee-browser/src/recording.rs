//! A page's recording: every input its engine got, as the recording format's steps, and the
//! SHA-256 of every frame buffer the engine made from them. Replayed through the native engine
//! with the same fonts, the same input must give the same frames byte for byte — the page's
//! text measurements (web.wasm's text service) being the native host's.
//!
//! The page writes the steps as small arrays (`["raw", HEX]`, `["key", KEY, ACTION]`,
//! `["text", CODE_POINT]`, `["ready", IMAGE, W, H]`, `["failed", IMAGE, REASON]`, `["budget", BYTES]`,
//! `["frame", "MS"]`, codes as on the wire, the time as text so that it reads back exactly); [`recording`] reads them back into [`Step`]s, which
//! `marquee_engine_contract::stream::Recorder` writes as a `marquee run --record` file.

use marquee_engine_contract::Step;
use marquee_protocol::{ImageError, Key, KeyAction};

/// A page's recording, read from its report.
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    /// What the engine got, in order.
    pub steps: Vec<Step>,
    /// Each frame buffer's SHA-256, hex, in frame order.
    pub frames: Vec<String>,
}

/// The recording in `report` (a run with [`Config::record`](crate::Config::record)), or why
/// there is none or it does not read.
pub fn recording(report: &serde_json::Value) -> Result<Recording, String> {
    let r = &report["recording"];
    let (Some(steps), Some(frames)) = (r["steps"].as_array(), r["frames"].as_array()) else {
        return Err("the report has no recording (run with record on)".into());
    };
    let steps = steps.iter().enumerate().map(|(n, s)| step(s).ok_or_else(|| format!("step {n}: bad {s}")));
    let steps = steps.collect::<Result<Vec<_>, _>>()?;
    let frames = frames.iter().map(|f| f.as_str().map(str::to_owned).ok_or_else(|| format!("bad frame digest {f}")));
    Ok(Recording { steps, frames: frames.collect::<Result<_, _>>()? })
}

fn step(s: &serde_json::Value) -> Option<Step> {
    let int = |i: usize| s[i].as_u64();
    Some(match s[0].as_str()? {
        "raw" => Step::Raw(hex::decode(s[1].as_str()?).ok()?),
        "key" => {
            Step::Key(Key::from_code(u16::try_from(int(1)?).ok()?)?, KeyAction::from_code(u8::try_from(int(2)?).ok()?)?)
        }
        "text" => Step::Text(char::from_u32(u32::try_from(int(1)?).ok()?)?),
        "ready" => Step::Image(u32::try_from(int(1)?).ok()?, Ok((int(2)? as u32, int(3)? as u32))),
        "failed" => Step::Image(u32::try_from(int(1)?).ok()?, Err(ImageError::from_code(u8::try_from(int(2)?).ok()?)?)),
        "budget" => Step::Budget(int(1)?),
        "frame" => Step::Frame(s[1].as_str()?.parse().ok()?),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_step_reads_back() {
        let report = serde_json::json!({ "recording": {
            "steps": [["raw", "4d51"], ["key", 4, 0], ["text", 233], ["ready", 3, 320, 180], ["failed", 4, 1],
                      ["budget", 8388608], ["frame", "116.66666666666667"]],
            "frames": ["ab"],
        }});
        let r = recording(&report).unwrap();
        assert_eq!(
            r.steps,
            vec![
                Step::Raw(vec![0x4d, 0x51]),
                Step::Key(Key::Right, KeyAction::Press),
                Step::Text('é'),
                Step::Image(3, Ok((320, 180))),
                Step::Image(4, Err(ImageError::from_code(1).unwrap())),
                Step::Budget(8_388_608),
                // 7 × 1000/60 in JavaScript: serde_json would read it as its neighbour.
                Step::Frame(f64::from_bits(0x405d_2aaa_aaaa_aaab)),
            ]
        );
        assert_eq!(r.frames, ["ab"]);
    }

    #[test]
    fn a_bad_step_is_an_error_that_says_which() {
        for bad in [
            serde_json::json!(["raw", "4g"]),
            serde_json::json!(["key", 999, 0]),
            serde_json::json!(["text", 55296]),
            serde_json::json!(["failed", 1, 250]),
            serde_json::json!(["frame", "soon"]),
            serde_json::json!(["frame", 16.5]),
            serde_json::json!(["paint"]),
        ] {
            let report = serde_json::json!({ "recording": { "steps": [["frame", "0"], bad], "frames": [] } });
            let e = recording(&report).unwrap_err();
            assert!(e.starts_with("step 1: bad"), "{e}");
        }
        assert!(recording(&serde_json::json!({})).is_err());
    }
}
