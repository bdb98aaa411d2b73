//! Recordings: everything a host gave its engine during a run, to replay it headlessly.
//!
//! `marquee run --record FILE` writes one line per input, in the order the engine got them:
//!
//! ```text
//! # comment
//! raw 4d51434202000000…      a command batch, its exact bytes in hex (malformed ones included)
//! key down press             a remote key
//! image-ready 3 320 180      the host's answer to an image request
//! image-failed 4 corrupt
//! budget 8388608             the texture budget
//! frame 16.667               a frame at this time, in ms
//! ```
//!
//! Unlike a scene fixture nothing is added: no implicit batches, no layout queries, so a replay
//! gives the engine exactly the calls it had, and the same frames.

use marquee_protocol::{ImageError, Key, KeyAction};

use crate::scene::Step;

/// Reads a recording.
pub fn parse(src: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    for (n, line) in src.lines().enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let bad = |what: &str| format!("line {}: bad {what}: {line:?}", n + 1);
        let number = |i: usize, what: &str| -> Result<u64, String> {
            words.get(i).and_then(|w| w.parse().ok()).ok_or_else(|| bad(what))
        };
        let step = match words.first() {
            None => continue,
            Some(w) if w.starts_with('#') => continue,
            Some(&"raw") => Step::Raw(crate::unhex(words.get(1).copied().unwrap_or("")).map_err(|e| bad(&e))?),
            Some(&"key") => {
                let key = words.get(1).and_then(|k| Key::from_name(k)).ok_or_else(|| bad("key"))?;
                let action = words.get(2).and_then(|a| KeyAction::from_name(a)).ok_or_else(|| bad("key action"))?;
                Step::Key(key, action)
            }
            Some(&"image-ready") => {
                let (h, w, ht) = (number(1, "handle")?, number(2, "width")?, number(3, "height")?);
                Step::Image(h as u32, Ok((w as u32, ht as u32)))
            }
            Some(&"image-failed") => {
                let reason = words.get(2).and_then(|r| ImageError::ALL.into_iter().find(|e| e.name() == *r));
                Step::Image(number(1, "handle")? as u32, Err(reason.ok_or_else(|| bad("reason"))?))
            }
            Some(&"budget") => Step::Budget(number(1, "budget")?),
            Some(&"frame") => Step::Frame(words.get(1).and_then(|t| t.parse().ok()).ok_or_else(|| bad("frame time"))?),
            Some(_) => return Err(bad("line")),
        };
        steps.push(step);
    }
    Ok(steps)
}
