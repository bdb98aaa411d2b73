//! Scene fixtures: a command script in, every frame's layout, paint, damage and errors out.
//!
//! A `.scene` file is the protocol's text form plus these directives:
//! - `frame [TIME_MS]` ends a batch and runs a frame (commands after the last `frame` get an
//!   implicit one; without a time, frames are 1/60 s apart);
//! - `key NAME [press|repeat|release|long-press]` ends a batch and hands the engine a remote key
//!   (a press unless told otherwise);
//! - `type TEXT` ends a batch and hands the engine the rest of the line as typed text, a
//!   character at a time;
//! - `show SECTION...` limits the expectation to some of `layout paint damage errors freed
//!   events requests`, so a focus fixture can show just where focus went;
//! - `image-ready HANDLE WIDTH HEIGHT` and `image-failed HANDLE REASON` answer the engine's image
//!   requests as the host would (reasons by name: `corrupt`, `not-found`, …);
//! - `budget BYTES` sets the texture budget.
//!
//! Before each frame the runner appends a `query-layout` for every node the script has created
//! and not destroyed (unless `show` leaves layout out), so the expectation shows every box;
//! errors from those queries (a node whose creation was rejected, say) are the runner's own and
//! are left out of the text.
//!
//! The runner drives any engine build through the contract's trait
//! (`marquee_engine_contract::Engine`) — the native engine, engine.wasm, engine.js — so one set
//! of fixtures tests them all.

use std::collections::BTreeSet;
use std::fmt::Write;

use marquee_engine_contract::{Engine, stream};
use marquee_protocol::{Command, ImageError, Key, KeyAction, NodeId, text};

/// Every section of a frame's text, in the order they print.
pub const SECTIONS: [&str; 8] = ["layout", "paint", "motion", "damage", "errors", "freed", "events", "requests"];

/// The sections a script's `show` directive asks for; all of them without one.
pub fn shown_sections(src: &str) -> Vec<String> {
    src.lines()
        .find_map(|l| l.trim().strip_prefix("show "))
        .map(|rest| rest.split_whitespace().map(str::to_string).collect())
        .unwrap_or_else(|| SECTIONS.iter().map(|s| s.to_string()).collect())
}

pub use marquee_engine_contract::Step;

/// Parses a `.scene` script into batches and frames, adding the layout queries.
pub fn parse(src: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    let mut batch = Vec::new();
    let mut live = BTreeSet::new();
    live.insert(0u32);
    let mut time = 0.0;
    let queries = shown_sections(src).iter().any(|s| s == "layout");
    let flush = |batch: &mut Vec<Command>, live: &BTreeSet<u32>, steps: &mut Vec<Step>, t: f64| {
        if queries {
            batch.extend(live.iter().map(|&id| Command::QueryLayout { id: NodeId(id) }));
        }
        steps.push(Step::Batch(std::mem::take(batch)));
        steps.push(Step::Frame(t));
    };
    let mut pending = false;
    for (n, line) in src.lines().enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.first() == Some(&"show") {
            continue;
        }
        if words.first() == Some(&"key") {
            let key = words.get(1).and_then(|k| Key::from_name(k)).ok_or(format!("line {}: bad key", n + 1))?;
            let action = match words.get(2) {
                Some(a) => KeyAction::from_name(a).ok_or(format!("line {}: bad key action", n + 1))?,
                None => KeyAction::Press,
            };
            steps.push(Step::Batch(std::mem::take(&mut batch)));
            steps.push(Step::Key(key, action));
            continue;
        }
        // `type TEXT`: the rest of the line typed on a keyboard, a character at a time.
        if let Some(typed) = line.strip_prefix("type ") {
            steps.push(Step::Batch(std::mem::take(&mut batch)));
            steps.extend(typed.chars().map(Step::Text));
            continue;
        }
        let bad = |what: &str| format!("line {}: bad {what}", n + 1);
        let number = |i: usize, what: &str| -> Result<u64, String> {
            words.get(i).and_then(|w| w.parse().ok()).ok_or_else(|| bad(what))
        };
        match words.first() {
            Some(&"image-ready") => {
                let (h, w, ht) = (number(1, "handle")?, number(2, "width")?, number(3, "height")?);
                steps.push(Step::Batch(std::mem::take(&mut batch)));
                steps.push(Step::Image(h as u32, Ok((w as u32, ht as u32))));
                continue;
            }
            Some(&"image-failed") => {
                let h = number(1, "handle")?;
                let reason = words.get(2).and_then(|r| ImageError::from_name(r));
                steps.push(Step::Batch(std::mem::take(&mut batch)));
                steps.push(Step::Image(h as u32, Err(reason.ok_or_else(|| bad("reason"))?)));
                continue;
            }
            Some(&"budget") => {
                let b = number(1, "budget")?;
                steps.push(Step::Batch(std::mem::take(&mut batch)));
                steps.push(Step::Budget(b));
                continue;
            }
            _ => {}
        }
        if words.first() == Some(&"frame") {
            time = match words.get(1) {
                Some(t) => t.parse().map_err(|_| format!("line {}: bad frame time", n + 1))?,
                None => time + 1000.0 / 60.0,
            };
            flush(&mut batch, &live, &mut steps, time);
            pending = false;
            continue;
        }
        let cmd = text::parse_line(line).map_err(|e| format!("line {}: {e}", n + 1))?;
        if let Some(cmd) = cmd {
            match cmd {
                Command::CreateNode { id, .. } | Command::CreateStyled { id, .. } => {
                    live.insert(id.0);
                }
                Command::DestroyNode { id } if id.0 != 0 => {
                    live.remove(&id.0);
                }
                _ => {}
            }
            batch.push(cmd);
            pending = true;
        }
    }
    if pending || steps.is_empty() {
        flush(&mut batch, &live, &mut steps, time + 1000.0 / 60.0);
    }
    Ok(steps)
}

/// Runs a script and returns every frame buffer; panics if the engine fails a call (a fixture
/// must run cleanly in every build).
pub fn run(engine: &mut dyn Engine, steps: &[Step]) -> Vec<Vec<u8>> {
    stream::play(engine, steps).unwrap_or_else(|(frames, e)| panic!("the engine failed after {frames} frames: {e}"))
}

pub use marquee_engine_contract::frame_text::{FrameText, describe};

/// The layer tree a backend holds after `frames`: their layer updates applied in turn.
pub fn final_tree(frames: &[Vec<u8>]) -> Result<marquee_display_list::layers::LayerTree, String> {
    let mut tree = marquee_display_list::layers::LayerTree::default();
    for (n, bytes) in frames.iter().enumerate() {
        let f = marquee_display_list::frame::Frame::parse(bytes).map_err(|e| format!("frame {}: {e}", n + 1))?;
        tree.apply(f.layers, f.full).map_err(|e| format!("frame {}: {e}", n + 1))?;
        tree.advance(f.time);
    }
    Ok(tree)
}

/// The display list a backend holds after `frames`: [`final_tree`] flattened, one op a line.
pub fn final_paint(frames: &[Vec<u8>]) -> Result<String, String> {
    let mut ops = Vec::new();
    final_tree(frames)?.flatten(&mut ops);
    Ok(ops.iter().map(|op| format!("    {op}\n")).collect())
}

/// The viewport a script sets last (`viewport W H`), if it sets one.
pub fn viewport(steps: &[Step]) -> Option<(u32, u32)> {
    steps
        .iter()
        .flat_map(|s| match s {
            Step::Batch(commands) => commands.as_slice(),
            _ => &[],
        })
        .filter_map(|c| match c {
            Command::SetViewport { width, height } => Some((*width as u32, *height as u32)),
            _ => None,
        })
        .next_back()
}

/// The expectation text for a run.
pub fn render(frames: &[Vec<u8>]) -> Result<String, String> {
    let all: Vec<String> = SECTIONS.iter().map(|s| s.to_string()).collect();
    render_sections(frames, &all)
}

/// The expectation text for a run, showing only the named sections. Besides a frame's own
/// sections (`FrameText`), `motion` shows the props of every layer the backend animates, as a
/// backend samples them at the frame's time.
pub fn render_sections(frames: &[Vec<u8>], show: &[String]) -> Result<String, String> {
    let mut out = String::new();
    let mut tree = marquee_display_list::layers::LayerTree::default();
    for (n, frame) in frames.iter().enumerate() {
        let t = describe(frame)?;
        let f = marquee_display_list::frame::Frame::parse(frame).map_err(|e| e.to_string())?;
        tree.apply(f.layers, f.full).map_err(|e| format!("frame {}: {e}", n + 1))?;
        tree.advance(f.time);
        let motion: String = tree.moving().map(|(id, l)| format!("    layer {id} {}\n", l.props)).collect();
        writeln!(out, "frame {}", n + 1).ok();
        for (name, body) in [
            ("layout", &t.layout),
            ("paint", &t.paint),
            ("motion", &motion),
            ("damage", &t.damage),
            ("errors", &t.errors),
            ("freed", &t.freed),
            ("events", &t.events),
            ("requests", &t.requests),
        ] {
            if !body.is_empty() && show.iter().any(|s| s == name) {
                writeln!(out, "  {name}\n{body}", body = body.trim_end_matches('\n')).ok();
            }
        }
    }
    Ok(out)
}

/// The same script with all its commands in one batch and one frame: what a fresh engine makes
/// of the final tree. Incremental layout must agree with it.
pub fn collapse(steps: &[Step]) -> Vec<Step> {
    let mut all = Vec::new();
    let mut last_queries = Vec::new();
    for step in steps {
        if let Step::Batch(cmds) = step {
            last_queries = cmds.iter().filter(|c| matches!(c, Command::QueryLayout { .. })).cloned().collect();
            all.extend(cmds.iter().filter(|c| !matches!(c, Command::QueryLayout { .. })).cloned());
        }
    }
    all.extend(last_queries);
    vec![Step::Batch(all), Step::Frame(0.0)]
}
