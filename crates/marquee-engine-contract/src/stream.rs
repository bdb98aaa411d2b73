//! The engine's input as a stream of [`Step`]s, and the recording format that stores one.
//!
//! Everything an engine gets — command batches, keys, image answers, the texture budget and
//! frames — is a [`Step`]; [`play`] drives any [`Engine`] through a list of them
//! and collects the frames. Scene fixtures, benchmark scenes and recordings are all such lists.
//!
//! A recording (`marquee run --record FILE`, written by [`Recorder`], read by [`parse`]) has one
//! line per input, in the order the engine got them:
//!
//! ```text
//! # comment
//! raw 4d51434202000000…      a command batch, its exact bytes in hex (malformed ones included)
//! key down press             a remote key
//! text U+00E9                a typed character, by code point
//! image-ready 3 320 180      the host's answer to an image request
//! image-failed 4 corrupt
//! budget 8388608             the texture budget
//! frame 16.667               a frame at this time, in ms
//! ```
//!
//! Unlike a scene fixture nothing is added: no implicit batches, no layout queries, so a replay
//! gives the engine exactly the calls it had, and the same frames.

use std::io::Write;

use marquee_protocol::{Command, ImageError, Key, KeyAction, encode_batch};

use crate::{Engine, Error};

/// One input to an engine.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A batch of commands (encoded when played).
    Batch(Vec<Command>),
    /// A batch as raw bytes, exactly as an app sent it (recordings; it may be malformed).
    Raw(Vec<u8>),
    /// A frame at this time, in ms.
    Frame(f64),
    /// A remote key.
    Key(Key, KeyAction),
    /// A typed character.
    Text(char),
    /// The host's answer to an image request.
    Image(u32, Result<(u32, u32), ImageError>),
    /// A texture budget, in bytes.
    Budget(u64),
}

impl Step {
    /// Gives this input to `engine`; a frame's buffer is left in `out`.
    pub fn apply_to(&self, engine: &mut dyn Engine, out: &mut Vec<u8>) -> Result<(), Error> {
        match self {
            Step::Batch(cmds) => engine.apply(&encode_batch(cmds)).map(drop),
            Step::Raw(bytes) => engine.apply(bytes).map(drop),
            Step::Frame(time_ms) => engine.frame_into(*time_ms, out),
            Step::Key(key, action) => engine.key(*key, *action).map(drop),
            Step::Text(character) => engine.text(*character).map(drop),
            Step::Image(image, result) => engine.answer_image(*image, *result).map(drop),
            Step::Budget(bytes) => engine.set_texture_budget(*bytes),
        }
    }
}

/// Plays `steps` through `engine`; returns every frame buffer, in order, or the first failure
/// with the number of frames made before it.
pub fn play(engine: &mut dyn Engine, steps: &[Step]) -> Result<Vec<Vec<u8>>, (usize, Error)> {
    let mut frames = Vec::new();
    let mut out = Vec::new();
    for step in steps {
        step.apply_to(engine, &mut out).map_err(|e| (frames.len(), e))?;
        if matches!(step, Step::Frame(_)) {
            frames.push(std::mem::take(&mut out));
        }
    }
    Ok(frames)
}

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
            Some(&"raw") => {
                Step::Raw(hex::decode(words.get(1).copied().unwrap_or("")).map_err(|e| bad(&format!("batch ({e})")))?)
            }
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
                let reason = words.get(2).and_then(|r| ImageError::from_name(r)).ok_or_else(|| bad("reason"))?;
                Step::Image(number(1, "handle")? as u32, Err(reason))
            }
            Some(&"text") => Step::Text(
                words
                    .get(1)
                    .and_then(|w| w.strip_prefix("U+"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .and_then(char::from_u32)
                    .ok_or_else(|| bad("character"))?,
            ),
            Some(&"budget") => Step::Budget(number(1, "budget")?),
            Some(&"frame") => Step::Frame(words.get(1).and_then(|t| t.parse().ok()).ok_or_else(|| bad("frame time"))?),
            Some(_) => return Err(bad("line")),
        };
        steps.push(step);
    }
    Ok(steps)
}

/// Writes a recording as the engine gets its input. A failed write stops the recording (the run
/// goes on) and is kept as [`stopped`](Self::stopped).
pub struct Recorder {
    out: Option<Box<dyn Write + Send>>,
    /// Why recording stopped, once it has.
    pub stopped: Option<String>,
}

impl Recorder {
    /// A recording into `out`, starting with a comment line `header`.
    pub fn new(mut out: Box<dyn Write + Send>, header: &str) -> Recorder {
        let stopped = writeln!(out, "# {header}").err().map(|e| format!("cannot write the recording: {e}"));
        Recorder { out: stopped.is_none().then_some(out), stopped }
    }

    /// A recorder that records nothing.
    pub fn off() -> Recorder {
        Recorder { out: None, stopped: None }
    }

    /// Records one input.
    pub fn step(&mut self, step: &Step) {
        let Some(out) = &mut self.out else { return };
        let written = match step {
            Step::Batch(cmds) => writeln!(out, "raw {}", hex::encode(encode_batch(cmds))),
            Step::Raw(bytes) => writeln!(out, "raw {}", hex::encode(bytes)),
            Step::Frame(time_ms) => writeln!(out, "frame {time_ms}"),
            Step::Key(key, action) => writeln!(out, "key {} {}", key.name(), action.name()),
            Step::Text(character) => writeln!(out, "text U+{:04X}", *character as u32),
            Step::Image(image, Ok((w, h))) => writeln!(out, "image-ready {image} {w} {h}"),
            Step::Image(image, Err(reason)) => writeln!(out, "image-failed {image} {}", reason.name()),
            Step::Budget(bytes) => writeln!(out, "budget {bytes}"),
        };
        self.check(written);
    }

    /// Records a batch without copying it into a [`Step`].
    pub fn batch(&mut self, bytes: &[u8]) {
        if let Some(out) = &mut self.out {
            let written = writeln!(out, "raw {}", hex::encode(bytes));
            self.check(written);
        }
    }

    /// Writes a comment line.
    pub fn comment(&mut self, text: &str) {
        if let Some(out) = &mut self.out {
            let written = writeln!(out, "# {text}");
            self.check(written);
        }
    }

    /// Flushes and closes the recording; nothing more is written.
    pub fn finish(&mut self) {
        if let Some(mut out) = self.out.take() {
            let flushed = out.flush();
            self.check(flushed);
        }
    }

    fn check(&mut self, written: std::io::Result<()>) {
        if let Err(e) = written {
            self.out = None;
            self.stopped = Some(format!("cannot write the recording: {e}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A `Write` the test can read back after the recorder is done with it.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().map_err(|_| std::io::ErrorKind::Other)?.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_recording_reads_back_as_what_was_recorded() {
        let steps = vec![
            Step::Raw(vec![0x4d, 0x51, 0x43, 0x42, 0, 0xff]),
            Step::Key(Key::Down, KeyAction::Press),
            Step::Key(Key::Enter, KeyAction::LongPress),
            Step::Text('é'),
            Step::Text('😀'),
            Step::Image(3, Ok((320, 180))),
            Step::Image(4, Err(ImageError::Corrupt)),
            Step::Budget(8 << 20),
            Step::Frame(16.667),
        ];
        let sink = Shared::default();
        let mut recorder = Recorder::new(Box::new(sink.clone()), "a test");
        for step in &steps {
            recorder.step(step);
        }
        recorder.finish();
        assert_eq!(recorder.stopped, None);
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert!(text.starts_with("# a test\nraw 4d514342") && text.contains("image-failed 4 corrupt"), "{text}");
        assert_eq!(parse(&text), Ok(steps));
    }

    #[test]
    fn a_malformed_recording_names_its_line() {
        for (text, said) in [
            ("frame 1\nkey sideways press\n", "line 2: bad key"),
            ("raw 4d5\n", "line 1: bad batch"),
            ("image-failed 3 melted\n", "line 1: bad reason"),
            ("jump 3\n", "line 1: bad line"),
            ("text é\n", "line 1: bad character"),
            ("text U+D800\n", "line 1: bad character"),
            ("text U+110000\n", "line 1: bad character"),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.starts_with(said), "{text:?}: {e}");
        }
    }
}
