//! What the tests that run the real `marquee` command share.

use std::path::Path;
use std::process::Command;

/// The `marquee` binary cargo built for these tests.
pub(crate) const MARQUEE: &str = env!("CARGO_BIN_EXE_marquee");

/// Runs `marquee ARGS` in `dir`: whether it succeeded, and its output (stdout, then stderr).
pub(crate) fn marquee(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(MARQUEE).args(args).current_dir(dir).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// Runs `marquee ARGS` in `dir`, which must succeed; its output.
pub(crate) fn ok(dir: &Path, args: &[&str]) -> String {
    let (success, text) = marquee(dir, args);
    assert!(success, "marquee {args:?} failed:\n{text}");
    text
}
