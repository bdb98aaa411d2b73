//! Helpers for data-driven tests: fixtures in, expected output out.
//!
//! A test computes its actual output as text and calls [`check_expect`] with the path of the
//! committed expectation. When they differ the test fails with a diff-friendly message; run the
//! tests with `UPDATE_EXPECT=1` to rewrite the expectations instead, then review them with
//! `git diff` like any other change.

pub mod golden;
pub mod guest;
pub mod home;
pub mod images;
pub mod scene;
pub mod servers;
pub mod streams;

/// The text service fixtures use: the built-in fallback fonts and the demo app's fonts, so text
/// fixtures look like the demo (Inter as the default family).
pub fn text_service() -> marquee_text::SharedText {
    let fonts = marquee_engine_contract::paths::demo_app().join("assets/fonts");
    let (t, errors) = marquee_text::TextSystem::with_fonts_in(&fonts);
    assert!(fonts.is_dir() && errors.is_empty(), "demo fonts in {} do not load: {errors:?}", fonts.display());
    marquee_text::SharedText::new(t)
}

use std::path::{Path, PathBuf};

/// Whether expectation files should be rewritten rather than compared.
pub fn updating() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v != "0")
}

/// Compares `actual` with the file at `path`, or writes it when [`updating`].
///
/// Returns a description of the mismatch, so a runner can check every fixture and report all
/// failures at once.
pub fn check_expect(path: &Path, actual: &str) -> Result<(), String> {
    if updating() {
        std::fs::write(path, actual).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: {e} (run with UPDATE_EXPECT=1 to create it)", path.display()))?;
    if expected == actual {
        return Ok(());
    }
    let first = expected.lines().zip(actual.lines()).position(|(a, b)| a != b);
    let line = first.unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    Err(format!(
        "{} differs at line {}:\n  expected: {}\n  actual:   {}\n(run with UPDATE_EXPECT=1 to accept)",
        path.display(),
        line + 1,
        expected.lines().nth(line).unwrap_or("<end>"),
        actual.lines().nth(line).unwrap_or("<end>"),
    ))
}

/// Runs `check` on every file with extension `ext` under `dir`, sorted, and panics once with all
/// failures listed. Panics too if there are no fixtures, so a moved folder cannot pass silently.
pub fn run_fixtures(dir: &Path, ext: &str, mut check: impl FnMut(&Path) -> Result<(), String>) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.{ext} fixtures in {}", dir.display());
    let failures: Vec<String> =
        files.iter().filter_map(|f| check(f).err().map(|e| format!("--- {}\n{e}", f.display()))).collect();
    assert!(failures.is_empty(), "{} of {} fixtures failed:\n{}", failures.len(), files.len(), failures.join("\n"));
}
