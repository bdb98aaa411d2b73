//! `--record`: every input the engine gets, written as it gets it, so that a run — a bug seen on
//! a device — can be replayed headlessly through any engine build (`marquee replay`). The format
//! is `marquee_test_support::recording`'s: one line per batch (hex), key, image answer, budget
//! and frame.
//!
//! A recording ends at an engine reset: what follows ran on a fresh instance, which a replay
//! of one instance cannot reproduce.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use marquee_protocol::{ImageError, Key, KeyAction};

pub(crate) struct Recorder {
    out: Option<BufWriter<File>>,
    /// Why recording stopped, once it has.
    pub(crate) stopped: Option<String>,
}

impl Recorder {
    pub(crate) fn create(path: &Path) -> std::io::Result<Recorder> {
        let mut out = BufWriter::new(File::create(path)?);
        writeln!(out, "# marquee recording: replay with `marquee replay {}`", path.display())?;
        Ok(Recorder { out: Some(out), stopped: None })
    }

    /// A recorder that records nothing.
    pub(crate) fn off() -> Recorder {
        Recorder { out: None, stopped: None }
    }

    fn line(&mut self, line: std::fmt::Arguments<'_>) {
        let Some(out) = &mut self.out else { return };
        if let Err(e) = writeln!(out, "{line}") {
            self.out = None;
            self.stopped = Some(format!("cannot write the recording: {e}"));
        }
    }

    pub(crate) fn batch(&mut self, bytes: &[u8]) {
        if self.out.is_some() {
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            self.line(format_args!("raw {hex}"));
        }
    }

    pub(crate) fn key(&mut self, key: Key, action: KeyAction) {
        self.line(format_args!("key {} {}", key.name(), action.name()));
    }

    pub(crate) fn image(&mut self, handle: u32, result: Result<(u32, u32), ImageError>) {
        match result {
            Ok((w, h)) => self.line(format_args!("image-ready {handle} {w} {h}")),
            Err(reason) => self.line(format_args!("image-failed {handle} {}", reason.name())),
        }
    }

    pub(crate) fn budget(&mut self, bytes: u64) {
        self.line(format_args!("budget {bytes}"));
    }

    pub(crate) fn frame(&mut self, time_ms: f64) {
        self.line(format_args!("frame {time_ms}"));
    }

    /// Ends the recording at an engine reset.
    pub(crate) fn reset(&mut self) {
        self.line(format_args!("# the engine failed and was replaced here; the recording ends"));
        self.finish();
    }

    pub(crate) fn finish(&mut self) {
        if let Some(mut out) = self.out.take()
            && let Err(e) = out.flush()
        {
            self.stopped = Some(format!("cannot write the recording: {e}"));
        }
    }
}
