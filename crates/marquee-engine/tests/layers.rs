//! Retained layers: what the engine keeps must always be what it would record afresh.
//!
//! Two engines get the same input; before each frame the second is told its backend lost
//! everything (`invalidate`), so it re-records every layer and restates the tree. Applied to a
//! backend's `LayerTree` each, both frames must flatten to the very same display list — for every
//! scene fixture and for generated streams — so a change the engine forgot to mark dirty shows up
//! as a stale list. The counters show the other half: frames where only transforms, opacity or
//! scrolling change re-record nothing.

use std::path::Path;

use marquee_display_list::frame::Frame;
use marquee_display_list::layers::LayerTree;
use marquee_engine::Engine;
use marquee_engine_contract::Step;
use marquee_engine_contract::frame_text::describe;
use marquee_protocol::text;
use marquee_test_support::{run_fixtures, scene, streams};
use proptest::prelude::*;

fn native() -> Engine {
    Engine::with_text(Box::new(marquee_test_support::text_service()))
}

/// Plays `steps` (then frames long after, when animations have ended and layers been demoted)
/// through a retained and a fresh engine; the first frame that differs, in words.
fn compare(steps: &[Step]) -> Result<(), String> {
    let (mut kept, mut fresh) = (native(), native());
    let (mut kept_tree, mut fresh_tree) = (LayerTree::default(), LayerTree::default());
    let (mut kept_ops, mut fresh_ops) = (Vec::new(), Vec::new());
    let last = steps.iter().filter_map(|s| if let Step::Frame(t) = s { Some(*t) } else { None }).fold(0.0, f64::max);
    let later = [500.0, 1200.0, 2500.0, 6000.0].map(|d| Step::Frame(last + d));
    let (mut out_kept, mut out_fresh) = (Vec::new(), Vec::new());
    let mut n = 0;
    for step in steps.iter().chain(&later) {
        if let Step::Frame(_) = step {
            fresh.invalidate();
        }
        step.apply_to(&mut kept, &mut out_kept).map_err(|e| e.to_string())?;
        step.apply_to(&mut fresh, &mut out_fresh).map_err(|e| e.to_string())?;
        let Step::Frame(t) = step else { continue };
        n += 1;
        for (out, tree, ops) in
            [(&out_kept, &mut kept_tree, &mut kept_ops), (&out_fresh, &mut fresh_tree, &mut fresh_ops)]
        {
            let frame = Frame::parse(out).map_err(|e| e.to_string())?;
            tree.apply(frame.layers, frame.full).map_err(|e| format!("frame {n}: {e}"))?;
            tree.advance(frame.time);
            tree.flatten(ops);
        }
        if kept_ops != fresh_ops {
            let text = |ops: &[marquee_display_list::Op]| ops.iter().map(|o| format!("  {o}\n")).collect::<String>();
            return Err(format!(
                "frame {n} (t = {t}): the retained layers differ from a fresh recording\nretained:\n{}fresh:\n{}last retained frame:\n{}",
                text(&kept_ops),
                text(&fresh_ops),
                describe(&out_kept).map(|t| t.paint).unwrap_or_default()
            ));
        }
    }
    Ok(())
}

#[test]
fn retained_layers_equal_a_fresh_recording_in_every_fixture() {
    for dir in ["scenes", "focus", "animation", "images", "text"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests").join(dir);
        run_fixtures(&dir, "scene", |path| {
            let src = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
            compare(&scene::parse(&src)?)
        });
    }
}

/// Cases the generated streams rarely reach: a layer of its own changing its `z-index` (the
/// layer drawing it must re-record), a scroll container's clip changing while it scrolls, and a
/// promoted node moved to another parent.
#[test]
fn retained_layers_follow_order_clip_and_moves() {
    let steps = |src: &str| -> Vec<Step> {
        src.split("---")
            .enumerate()
            .flat_map(|(n, batch)| [Step::Batch(text::parse(batch).unwrap()), Step::Frame(n as f64 * 16.0)])
            .collect()
    };
    let cases = [
        "create 1 view\nappend 0 1\ncreate 2 view\nappend 1 2\ncreate 3 view\nappend 1 3\n\
         style 2 width 50px\nstyle 2 height 50px\nstyle 2 background-color #ff0000ff\n\
         style 3 width 50px\nstyle 3 height 50px\nstyle 3 margin-left -25px\nstyle 3 background-color #00ff00ff\n\
         animate 2 translate-x 10px duration 5000\nanimate 3 translate-x 10px duration 5000\n\
         ---\n---\nstyle 2 z-index 1\n---\nstyle 2 background-color #0000ffff\n---\nclear 2 z-index\n",
        "create 1 view\nappend 0 1\nstyle 1 width 100px\nstyle 1 height 60px\nstyle 1 overflow scroll\n\
         create 2 view\nappend 1 2\nstyle 2 width 300px\nstyle 2 height 60px\nstyle 2 background-color #ff0000ff\n\
         ---\nstyle 1 border-top-left-radius 12px\n---\nstyle 1 border-width 4px\n---\nstyle 1 border-top-left-radius 0px\n",
        "create 1 view\nappend 0 1\ncreate 2 view\nappend 0 2\ncreate 3 view\nappend 1 3\n\
         style 3 width 40px\nstyle 3 height 40px\nstyle 3 background-color #ffffffff\n\
         animate 3 opacity 0.5 duration 5000\n---\n---\nappend 2 3\n---\nremove 2 3\n---\nappend 1 3\n",
    ];
    for (n, src) in cases.iter().enumerate() {
        if let Err(e) = compare(&steps(src)) {
            panic!("case {n}: {e}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn retained_layers_equal_a_fresh_recording(steps in streams::stream()) {
        compare(&steps).map_err(TestCaseError::fail)?;
    }
}

fn script(src: &str) -> Vec<u8> {
    marquee_protocol::encode_batch(&text::parse(src).unwrap())
}

/// 200 boxes animating translate and opacity in a scroll container: once they are layers, their
/// animations are the backend's to sample, and a frame re-records and sends nothing at all.
#[test]
fn moving_and_scrolling_re_record_nothing() {
    let mut s = String::from(
        "create 1 view\nappend 0 1\nstyle 1 width 400px\nstyle 1 height 200px\nstyle 1 overflow scroll\n\
         style 1 flex-wrap wrap\n",
    );
    for i in 2..202 {
        s += &format!(
            "create {i} view\nappend 1 {i}\nstyle {i} width 20px\nstyle {i} height 20px\nstyle {i} background-color #336699ff\n\
             animate {i} translate-x 8px duration 1000 repeat infinite alternate\n\
             animate {i} opacity 0.5 duration 700 repeat infinite alternate\n"
        );
    }
    let mut engine = native();
    engine.apply(&script(&s));
    engine.frame(0.0);
    engine.frame(16.0);
    let stats = engine.stats();
    assert_eq!(stats.layers, 202, "the root, the scroll container's children and each box");
    for t in [32.0, 48.0, 64.0, 5000.0] {
        let frame = engine.frame(t).to_vec();
        let stats = engine.stats();
        assert_eq!((stats.layers_recorded, stats.ops, stats.animations), (0, 0, 400), "at {t} ms");
        let f = Frame::parse(&frame).unwrap();
        assert!(f.layers.is_empty() && f.damage.is_empty(), "at {t} ms the backend samples the boxes");
    }
    // Nothing changes in an idle scene.
    let mut still = native();
    still.apply(&script(
        "create 1 view\nappend 0 1\nstyle 1 width 10px\nstyle 1 height 10px\nstyle 1 background-color #ffffffff\n",
    ));
    still.frame(0.0);
    let idle = still.frame(16.0).to_vec();
    let f = Frame::parse(&idle).unwrap();
    assert!(f.layers.is_empty() && f.damage.is_empty(), "an idle frame sends nothing");
}

/// A rail of ten posters sharing two sources, four in view: when the sources load, only the
/// posters on screen fade in, each as a picture layer of its own, so a frame of the fade sends
/// props and records nothing; the posters out of sight are simply there.
#[test]
fn only_posters_on_screen_fade_and_a_fade_records_nothing() {
    let mut s =
        String::from("create 1 view\nappend 0 1\nstyle 1 width 400px\nstyle 1 height 100px\nstyle 1 overflow scroll\n");
    for i in 2..12 {
        s += &format!(
            "create {i} image\nappend 1 {i}\nstyle {i} width 100px\nstyle {i} height 100px\nstyle {i} flex-shrink 0\n\
             style {i} fade-in-duration 200\nimage {i} \"posters/{}.jpg\"\n",
            i % 2
        );
    }
    let mut engine = native();
    engine.apply(&script(&s));
    engine.frame(0.0);
    engine.frame(16.0);
    assert!(engine.image_ready(1, 320, 180) && engine.image_ready(2, 320, 180));
    assert_eq!(engine.stats().animations, 0, "no frame has sampled a fade yet");
    engine.frame(32.0);
    let stats = engine.stats();
    assert_eq!(stats.animations, 4, "the four posters in view fade, the six out of it do not");
    assert_eq!(stats.layers, 2 + 4, "the root, the rail and four pictures");
    for t in [48.0, 64.0, 80.0, 96.0] {
        let frame = engine.frame(t).to_vec();
        let stats = engine.stats();
        assert_eq!((stats.layers_recorded, stats.ops), (0, 0), "at {t} ms");
        let updates = marquee_display_list::layers::updates(Frame::parse(&frame).unwrap().layers).unwrap();
        assert_eq!(updates.len(), 4, "at {t} ms: one props update a picture");
    }
    engine.frame(400.0);
    engine.frame(416.0);
    let stats = engine.stats();
    assert_eq!((stats.animations, stats.layers), (0, 2), "faded in: the pictures are part of the rail again");
}

/// A rail of 100 tiles, 4 in view, scrolled to its end with an animated scroll: its layer records
/// the tiles near its window, not all of them; the window steps on as it scrolls, and what is
/// kept is always what a fresh recording gives.
#[test]
fn long_rails_record_what_is_near_their_window() {
    let mut s = String::from(
        "viewport 400 200\ncreate 1 view\nappend 0 1\nstyle 1 width 400px\nstyle 1 height 100px\n\
         style 1 overflow scroll\nstyle 1 scroll-align start\nstyle 1 scroll-duration 100\nstyle 1 focus-group row\n",
    );
    for i in 2..102 {
        s += &format!(
            "create {i} view\nappend 1 {i}\nstyle {i} width 100px\nstyle {i} height 100px\nstyle {i} flex-shrink 0\n\
             style {i} focusable yes\nstyle {i} background-color #{:06x}ff\n",
            i * 2_654_435 % 0xffffff
        );
    }
    let mut engine = native();
    engine.apply(&script(&s));
    engine.frame(0.0);
    let first = engine.stats().ops;
    assert!(first < 25, "the first frame records the tiles near the window, not 100: {first} ops");
    // Right to the end, a frame every 16 ms: the window steps on several times, each step
    // re-recording about as much as the first frame did.
    let mut scene = s.clone() + "frame\n";
    let (mut t, mut steps, mut most) = (0.0, 0, 0);
    for _ in 0..99 {
        engine.key(marquee_protocol::Key::Right, marquee_protocol::KeyAction::Press);
        scene += "key right\n";
        for _ in 0..4 {
            t += 16.0;
            engine.frame(t);
            scene += "frame\n";
            let stats = engine.stats();
            steps += u32::from(stats.layers_recorded > 0);
            most = most.max(stats.ops);
        }
    }
    assert!(steps >= 10, "the window stepped on {steps} times");
    assert!(most <= first + 10, "a step records about a window's worth: {most} ops against {first}");
    compare(&scene::parse(&scene).unwrap()).unwrap();
}
