//! Our layout against Yoga's, on the same flex trees in the same Node process.
//!
//! Yoga (npm `yoga-layout`, Meta's layout engine behind React Native, compiled to Wasm) is the
//! layout engine the peers use. Each tree here is described once and written both as a Marquee
//! command script and as a list of Yoga styles; `js/layout.mjs` builds both in Node — engine.wasm
//! through `WebAssembly`, Yoga from its package — then changes the root's width again and again
//! and times each relayout: Yoga's `calculateLayout`, and the engine's layout phase (its profiling
//! clock, `mq_profile`), which is layout alone, not paint.
//!
//! The trees use only what both engines mean the same way (flex direction, wrap, fixed sizes,
//! padding, margin, gaps, grow and shrink, alignment); [`native_boxes`] lays a tree out in the
//! native engine so a test can check Yoga puts the same boxes in the same places.

use marquee_engine::Engine;
use marquee_protocol::{Event, decode_events, encode_batch, text};

use crate::Error;

/// One style property both engines have.
#[derive(Debug, Clone, Copy)]
pub enum Prop {
    /// `flex-direction: row` (default column, as in both).
    Row,
    /// `flex-wrap: wrap`.
    Wrap,
    /// Width in px.
    Width(f32),
    /// Height in px.
    Height(f32),
    /// Padding on every side, px.
    Padding(f32),
    /// Margin on every side, px.
    Margin(f32),
    /// Row and column gap, px.
    Gap(f32),
    /// `flex-grow`.
    Grow(f32),
    /// `flex-shrink`.
    Shrink(f32),
    /// `align-items: center`.
    AlignCenter,
    /// `justify-content: space-between`.
    SpaceBetween,
}

/// A tree: node 0 is the root (the viewport); every other node names its parent, which comes
/// before it.
pub struct Tree {
    /// Its name in the results.
    pub name: &'static str,
    /// `(parent, style)` of nodes 1…; the root's style is `root`.
    pub nodes: Vec<(u32, Vec<Prop>)>,
    /// The root's style.
    pub root: Vec<Prop>,
}

const PADDING: [&str; 4] = ["padding-top", "padding-right", "padding-bottom", "padding-left"];
const MARGIN: [&str; 4] = ["margin-top", "margin-right", "margin-bottom", "margin-left"];

/// The root's height; its width changes every iteration.
pub const HEIGHT: f32 = 720.0;

/// The root width of iteration `i`: never the same twice in a row, so every iteration is a
/// whole relayout.
pub fn width(i: usize) -> f32 {
    1280.0 - (i % 7) as f32 * 37.0
}

/// The trees: `rails` (the home page's shape at ~3,300 nodes, tiles shrinking with the width),
/// `wrap` (boxes wrapping into rows) and `nested` (nested rows and columns sharing space).
pub fn trees(quick: bool) -> Vec<Tree> {
    let scale = if quick { 5 } else { 1 };
    let mut rails = Vec::new();
    for _ in 0..40 / scale {
        let rail = rails.len() as u32 + 1;
        rails.push((0, vec![Prop::Row, Prop::Padding(16.0), Prop::Gap(12.0), Prop::Shrink(0.0)]));
        for _ in 0..27 {
            let tile = rails.len() as u32 + 1;
            rails.push((rail, vec![Prop::Width(240.0), Prop::Height(180.0), Prop::Shrink(1.0)]));
            rails.push((tile, vec![Prop::Grow(1.0), Prop::Margin(2.0)]));
            rails.push((tile, vec![Prop::Height(24.0), Prop::Row, Prop::AlignCenter, Prop::SpaceBetween]));
        }
    }
    let wrap =
        (0..10_000 / scale).map(|_| (0, vec![Prop::Width(100.0), Prop::Height(40.0), Prop::Margin(2.0)])).collect();
    let mut nested = Vec::new();
    let mut level: Vec<u32> = vec![0];
    for depth in 0..if quick { 6 } else { 8 } {
        let mut next = Vec::new();
        for &parent in &level {
            for _ in 0..3 {
                let mut style = vec![Prop::Grow(1.0), Prop::Padding(1.0), Prop::Shrink(1.0)];
                if depth % 2 == 0 {
                    style.push(Prop::Row);
                }
                nested.push((parent, style));
                next.push(nested.len() as u32);
            }
        }
        level = next;
    }
    vec![
        Tree { name: "rails", nodes: rails, root: vec![] },
        Tree { name: "wrap", nodes: wrap, root: vec![Prop::Row, Prop::Wrap] },
        Tree { name: "nested", nodes: nested, root: vec![Prop::Row] },
    ]
}

impl Tree {
    /// The command script that builds it in the engine (after `viewport` at iteration 0's width).
    pub fn script(&self) -> String {
        let mut s = format!("viewport {} {HEIGHT}\n", width(0));
        let style = |s: &mut String, id: u32, props: &[Prop]| {
            // Said outright: the defaults are CSS's here and Yoga's own in Yoga (see layout.mjs).
            if !props.iter().any(|p| matches!(p, Prop::Row)) {
                *s += &format!("style {id} flex-direction column\n");
            }
            if !props.iter().any(|p| matches!(p, Prop::Shrink(_))) {
                *s += &format!("style {id} flex-shrink 0\n");
            }
            for p in props {
                let lines: Vec<(&str, String)> = match *p {
                    Prop::Row => vec![("flex-direction", "row".into())],
                    Prop::Wrap => vec![("flex-wrap", "wrap".into())],
                    Prop::Width(v) => vec![("width", format!("{v}px"))],
                    Prop::Height(v) => vec![("height", format!("{v}px"))],
                    Prop::Padding(v) => PADDING.iter().map(|&side| (side, format!("{v}px"))).collect(),
                    Prop::Margin(v) => MARGIN.iter().map(|&side| (side, format!("{v}px"))).collect(),
                    Prop::Gap(v) => vec![("row-gap", format!("{v}px")), ("column-gap", format!("{v}px"))],
                    Prop::Grow(v) => vec![("flex-grow", format!("{v}"))],
                    Prop::Shrink(v) => vec![("flex-shrink", format!("{v}"))],
                    Prop::AlignCenter => vec![("align-items", "center".into())],
                    Prop::SpaceBetween => vec![("justify-content", "space-between".into())],
                };
                for (name, value) in lines {
                    *s += &format!("style {id} {name} {value}\n");
                }
            }
        };
        style(&mut s, 0, &self.root);
        for (i, (parent, props)) in self.nodes.iter().enumerate() {
            let id = i as u32 + 1;
            s += &format!("create {id} view\nappend {parent} {id}\n");
            style(&mut s, id, props);
        }
        s
    }

    /// The same tree for Yoga: `{root: [[name, value]…], nodes: [[parent, [[name, value]…]]…]}`
    /// with the names `js/layout.mjs` maps onto Yoga's setters.
    pub fn yoga(&self) -> serde_json::Value {
        let style = |props: &[Prop]| -> serde_json::Value {
            props
                .iter()
                .map(|p| match *p {
                    Prop::Row => serde_json::json!(["row", 0]),
                    Prop::Wrap => serde_json::json!(["wrap", 0]),
                    Prop::Width(v) => serde_json::json!(["width", v]),
                    Prop::Height(v) => serde_json::json!(["height", v]),
                    Prop::Padding(v) => serde_json::json!(["padding", v]),
                    Prop::Margin(v) => serde_json::json!(["margin", v]),
                    Prop::Gap(v) => serde_json::json!(["gap", v]),
                    Prop::Grow(v) => serde_json::json!(["grow", v]),
                    Prop::Shrink(v) => serde_json::json!(["shrink", v]),
                    Prop::AlignCenter => serde_json::json!(["alignCenter", 0]),
                    Prop::SpaceBetween => serde_json::json!(["spaceBetween", 0]),
                })
                .collect()
        };
        let nodes: Vec<_> =
            self.nodes.iter().map(|(parent, props)| serde_json::json!([parent, style(props)])).collect();
        serde_json::json!({ "name": self.name, "root": style(&self.root), "nodes": nodes })
    }

    /// What `js/layout.mjs` needs for this tree: the Yoga description, the engine's script as a
    /// batch (hex), one `viewport` batch per iteration, and the nodes whose boxes it reports.
    pub fn job(&self, iterations: usize) -> Result<serde_json::Value, Error> {
        let batch = |script: &str| -> Result<String, Error> { Ok(hex::encode(encode_batch(&self.commands(script)?))) };
        // A batch holds at most `MAX_COMMANDS_PER_BATCH` commands: big trees take several.
        let build: Vec<String> =
            self.commands(&self.script())?.chunks(50_000).map(|c| hex::encode(encode_batch(c))).collect();
        let widths: Vec<String> =
            (1..=iterations).map(|i| batch(&format!("viewport {} {HEIGHT}", width(i)))).collect::<Result<_, _>>()?;
        Ok(serde_json::json!({
            "yoga": self.yoga(), "build": build, "widths": widths, "nodes": self.nodes.len() + 1,
            "width": (1..=iterations).map(width).collect::<Vec<_>>(), "height": HEIGHT, "probe": self.probe(),
        }))
    }

    fn commands(&self, script: &str) -> Result<Vec<marquee_protocol::Command>, Error> {
        text::parse(script).map_err(|e| Error(format!("layout tree {}: {e}", self.name)))
    }

    /// A few nodes spread through the tree, whose boxes are compared.
    pub fn probe(&self) -> Vec<u32> {
        let n = self.nodes.len() as u32;
        vec![1, n / 3, n / 2, n - 1, n]
    }
}

/// The boxes `(x, y, width, height)` of `tree`'s [`Tree::probe`] nodes in the native engine, with
/// the root `width` wide, relative to the root.
pub fn native_boxes(tree: &Tree, width: f32) -> Result<Vec<[f32; 4]>, Error> {
    let mut engine = Engine::default();
    let mut script = tree.script();
    script += &format!("viewport {width} {HEIGHT}\n");
    for id in tree.probe() {
        script += &format!("query-layout {id}\n");
    }
    for batch in tree.commands(&script)?.chunks(50_000) {
        engine.apply(&encode_batch(batch));
    }
    let out = engine.frame(0.0).to_vec();
    if engine.stats().nodes as usize != tree.nodes.len() + 1 {
        return Err(Error(format!("layout tree {}: the engine refused part of it", tree.name)));
    }
    let frame = marquee_display_list::frame::Frame::parse(&out).map_err(|e| Error(e.to_string()))?;
    let mut boxes = Vec::new();
    for event in decode_events(frame.events).map_err(|e| Error(e.to_string()))? {
        if let Ok(Event::LayoutResult { x, y, width, height, .. }) = event {
            boxes.push([x, y, width, height]);
        }
    }
    Ok(boxes)
}

/// One tree's result: relayout times in ms, ours and Yoga's, and Yoga's probe boxes at the
/// last width.
#[derive(Debug, Clone)]
pub struct LayoutOutcome {
    /// The tree's name.
    pub tree: &'static str,
    /// Its nodes, root included.
    pub nodes: usize,
    /// The engine's layout phase per iteration, ms.
    pub ours: Vec<f64>,
    /// Yoga's `calculateLayout` per iteration, ms.
    pub yoga: Vec<f64>,
    /// Yoga's boxes of the probe nodes at the last iteration's width.
    pub yoga_boxes: Vec<[f32; 4]>,
}

/// Runs every tree through `js/layout.mjs` under Node.
pub fn run(engine_wasm: &std::path::Path, trees: &[Tree], iterations: usize) -> Result<Vec<LayoutOutcome>, Error> {
    let jobs: Vec<_> = trees.iter().map(|t| t.job(iterations)).collect::<Result<_, _>>()?;
    let file = std::env::temp_dir().join(format!("marquee-bench-layout-{}.json", std::process::id()));
    std::fs::write(&file, serde_json::Value::Array(jobs).to_string())
        .map_err(|e| Error(format!("{}: {e}", file.display())))?;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/js/layout.mjs");
    let out = std::process::Command::new("node").arg(script).arg(engine_wasm).arg(&file).output();
    let _ = std::fs::remove_file(&file);
    let out = out.map_err(|e| Error(format!("node: {e}")))?;
    if !out.status.success() {
        return Err(Error(format!("layout in Node: {}", String::from_utf8_lossy(&out.stderr).trim())));
    }
    let results: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| Error(format!("layout.mjs's output: {e}")))?;
    let numbers = |v: &serde_json::Value| -> Vec<f64> {
        v.as_array().map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect()).unwrap_or_default()
    };
    let results = results.as_array().cloned().unwrap_or_default();
    for (tree, r) in trees.iter().zip(&results) {
        if r["nodes"].as_u64() != Some(tree.nodes.len() as u64 + 1) {
            return Err(Error(format!("layout tree {}: engine.wasm built {} of its nodes", tree.name, r["nodes"])));
        }
    }
    Ok(trees
        .iter()
        .zip(&results)
        .map(|(tree, r)| LayoutOutcome {
            tree: tree.name,
            nodes: tree.nodes.len() + 1,
            ours: numbers(&r["ours"]),
            yoga: numbers(&r["yoga"]),
            yoga_boxes: r["boxes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|b| {
                    let v = numbers(b);
                    [0, 1, 2, 3].map(|k| v.get(k).copied().unwrap_or(f64::NAN) as f32)
                })
                .collect(),
        })
        .collect())
}

/// The layout results as a terminal table.
pub fn table(outcomes: &[LayoutOutcome]) -> String {
    let mut s = format!(
        "{:<10} {:>6} {:>22} {:>22} {:>13}\n",
        "layout", "nodes", "ours p50/p99 ms", "yoga p50/p99 ms", "yoga / ours"
    );
    for o in outcomes {
        let p = |v: &[f64]| {
            let mut v = v.to_vec();
            v.sort_by(f64::total_cmp);
            (crate::percentile(&v, 0.5), crate::percentile(&v, 0.99))
        };
        let (ours, yoga) = (p(&o.ours), p(&o.yoga));
        s += &format!(
            "{:<10} {:>6} {:>22} {:>22} {:>12.2}×\n",
            o.tree,
            o.nodes,
            format!("{:.3}/{:.3}", ours.0, ours.1),
            format!("{:.3}/{:.3}", yoga.0, yoga.1),
            yoga.0 / ours.0
        );
    }
    s
}
