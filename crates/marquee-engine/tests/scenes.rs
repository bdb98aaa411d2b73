//! Scene fixtures through the native engine (at the workspace root):
//! - `tests/scenes/*.scene`: every frame's layout, paint, damage and errors must match
//!   `*.expected`, and the final frame of a multi-frame script must lay out and paint exactly like
//!   a fresh engine given the whole script at once — incremental layout may skip work, never
//!   change the result;
//! - `tests/focus/*.scene` and `tests/animation/*.scene`: keys and frame times drive focus and
//!   animations; each frame must match `*.expected` (no fresh-engine comparison: their result
//!   depends on time and input, not only on the final tree).

use std::path::Path;

use marquee_engine::Engine;
use marquee_test_support::scene;
use marquee_test_support::{check_expect, run_fixtures};

/// The native engine, measuring text with the fixtures' text service.
fn native() -> Engine {
    Engine::with_text(Box::new(marquee_test_support::text_service()))
}

fn fixtures_dir(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests").join(name)
}

/// Runs every script in `dir` and compares the sections it shows with its expectation.
fn check_timed(dir: &str) {
    run_fixtures(&fixtures_dir(dir), "scene", |path| {
        let src = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        let steps = scene::parse(&src)?;
        let frames = scene::run(&mut native(), &steps);
        check_expect(&path.with_extension("expected"), &scene::render_sections(&frames, &scene::shown_sections(&src))?)
    });
}

#[test]
fn focus() {
    check_timed("focus");
}

#[test]
fn animation() {
    check_timed("animation");
}

#[test]
fn text() {
    check_timed("text");
}

#[test]
fn images() {
    check_timed("images");
}

#[test]
fn scenes() {
    let dir = fixtures_dir("scenes");
    run_fixtures(&dir, "scene", |path| {
        let steps = scene::parse(&std::fs::read_to_string(path).map_err(|e| e.to_string())?)?;
        let frames = scene::run(&mut native(), &steps);
        check_expect(&path.with_extension("expected"), &scene::render(&frames)?)?;

        let fresh_frames = scene::run(&mut native(), &scene::collapse(&steps));
        let (incremental, fresh) = (scene::describe(frames.last().unwrap())?, scene::describe(&fresh_frames[0])?);
        if incremental.layout != fresh.layout {
            return Err(format!(
                "incremental layout differs from fresh:\n{}\nvs\n{}",
                incremental.layout, fresh.layout
            ));
        }
        let (incremental, fresh) = (scene::final_paint(&frames)?, scene::final_paint(&fresh_frames)?);
        if incremental != fresh {
            return Err(format!("incremental paint differs from fresh:\n{incremental}\nvs\n{fresh}"));
        }
        Ok(())
    });
}
