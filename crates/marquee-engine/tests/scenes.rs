//! Scene fixtures (`tests/scenes/*.scene` at the workspace root) through the native engine:
//! every frame's layout, paint, damage and errors must match `*.expected`, and the final frame of
//! a multi-frame script must lay out and paint exactly like a fresh engine given the whole script
//! at once — incremental layout may skip work, never change the result.

use std::path::Path;

use marquee_engine::Engine;
use marquee_test_support::scene::{self, Target};
use marquee_test_support::{check_expect, run_fixtures};

struct Native(Engine);

impl Target for Native {
    fn apply(&mut self, batch: &[u8]) {
        self.0.apply(batch);
    }
    fn frame(&mut self, time_ms: f64) -> Vec<u8> {
        self.0.frame(time_ms).to_vec()
    }
}

#[test]
fn scenes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenes");
    run_fixtures(&dir, "scene", |path| {
        let steps = scene::parse(&std::fs::read_to_string(path).map_err(|e| e.to_string())?)?;
        let frames = scene::run(&mut Native(Engine::default()), &steps);
        check_expect(&path.with_extension("expected"), &scene::render(&frames)?)?;

        let fresh = scene::run(&mut Native(Engine::default()), &scene::collapse(&steps));
        let (incremental, fresh) = (scene::describe(frames.last().unwrap())?, scene::describe(&fresh[0])?);
        if incremental.layout != fresh.layout {
            return Err(format!(
                "incremental layout differs from fresh:\n{}\nvs\n{}",
                incremental.layout, fresh.layout
            ));
        }
        if incremental.paint != fresh.paint {
            return Err(format!("incremental paint differs from fresh:\n{}\nvs\n{}", incremental.paint, fresh.paint));
        }
        Ok(())
    });
}
