//! The texture budget under a long scroll: three rails of forty 320×180 posters (230 400 bytes
//! each) in a 1280×720 viewport, with a budget of twenty posters, scrolled forward and back
//! in uneven steps. The host is simulated exactly: every load requested in a frame is answered
//! before the next one. At every frame the engine must keep within the budget, never release an
//! image it paints in that frame, and paint every poster in view once its image is loaded.

use std::collections::{BTreeMap, BTreeSet};

use marquee_display_list::Op;
use marquee_display_list::frame::{Frame, Request, requests};
use marquee_display_list::layers::LayerTree;
use marquee_engine::Engine;
use marquee_protocol::{
    Color, Command, Dimension, FlexDirection, NodeId, NodeKind, ObjectFit, Overflow, StyleDecl as S, encode_batch,
};

const RAILS: u32 = 3;
const TILES: u32 = 40;
const TILE_W: f32 = 240.0;
const GAP: f32 = 20.0;
const POSTER: (u32, u32) = (320, 180);
const POSTER_BYTES: u64 = POSTER.0 as u64 * POSTER.1 as u64 * 4;
const BUDGET: u64 = 20 * POSTER_BYTES;

fn node(cmds: &mut Vec<Command>, id: u32, kind: NodeKind, parent: u32, styles: &[S]) {
    cmds.push(Command::CreateNode { id: NodeId(id), kind });
    cmds.extend(styles.iter().map(|&decl| Command::SetStyle { id: NodeId(id), decl }));
    cmds.push(Command::AppendChild { parent: NodeId(parent), child: NodeId(id) });
}

/// The rail with index `r` is node `1 + r`; its tiles are `100 × (r + 1) + t`.
fn page() -> Vec<Command> {
    let mut cmds = vec![
        Command::SetViewport { width: 1280.0, height: 720.0 },
        Command::SetStyle { id: NodeId::ROOT, decl: S::FlexDirection(FlexDirection::Column) },
    ];
    for r in 0..RAILS {
        let rail = 1 + r;
        let styles = [S::Height(Dimension::Px(200.0)), S::FlexShrink(0.0), S::Overflow(Overflow::Clip)];
        node(&mut cmds, rail, NodeKind::View, 0, &styles);
        for t in 0..TILES {
            let id = 100 * (r + 1) + t;
            let styles = [
                S::Width(Dimension::Px(TILE_W)),
                S::Height(Dimension::Px(136.0)),
                S::FlexShrink(0.0),
                S::MarginRight(Dimension::Px(GAP)),
                S::ObjectFit(ObjectFit::Cover),
                S::PlaceholderColor(Color(0x333333ff)),
                S::FadeInDuration(0.0),
            ];
            node(&mut cmds, id, NodeKind::Image, rail, &styles);
            cmds.push(Command::SetImage { id: NodeId(id), src: format!("posters/{r}-{t}.jpg") });
        }
    }
    cmds
}

/// Posters of a rail scrolled by `offset` that overlap the viewport.
fn in_view(offset: f32) -> usize {
    (0..TILES)
        .filter(|&t| {
            let x = t as f32 * (TILE_W + GAP) - offset;
            x + TILE_W > 0.0 && x < 1280.0
        })
        .count()
}

#[test]
fn scrolling_past_more_posters_than_the_budget_holds() {
    let mut engine = Engine::default();
    engine.set_texture_budget(BUDGET);
    engine.apply(&encode_batch(&page()));

    // Forward through every rail in uneven steps, then most of the way back.
    let max = (TILES as f32) * (TILE_W + GAP) - 1280.0;
    let mut offsets: Vec<[f32; 3]> =
        (0..=24).map(|i| [i as f32 * 397.0 % max, i as f32 * 211.0, i as f32 * 433.0]).collect();
    offsets.extend((0..=12).rev().map(|i| [i as f32 * 350.0, i as f32 * 211.0, 0.0]));
    for o in &mut offsets {
        for v in o.iter_mut() {
            *v = v.min(max);
        }
    }

    let mut waiting: Vec<u32> = Vec::new();
    let mut state: BTreeMap<u32, &str> = BTreeMap::new();
    let (mut loads, mut releases, mut peak) = (0, 0, 0);
    let mut time = 0.0;
    let (mut tree, mut ops) = (LayerTree::default(), Vec::new());
    for (step, offset) in offsets.iter().enumerate() {
        // The first tile's negative margin scrolls the rail.
        let margins: Vec<Command> = (0..RAILS)
            .map(|r| Command::SetStyle {
                id: NodeId(100 * (r + 1)),
                decl: S::MarginLeft(Dimension::Px(-offset[r as usize])),
            })
            .collect();
        engine.apply(&encode_batch(&margins));
        // Two frames per position: the first asks for what came into view, the host answers,
        // the second paints it.
        for pass in 0..2 {
            for handle in waiting.drain(..) {
                assert!(engine.image_ready(handle, POSTER.0, POSTER.1), "step {step}: load {handle} was not awaited");
                state.insert(handle, "ready");
            }
            time += 16.0;
            let bytes = engine.frame(time).to_vec();
            let frame = Frame::parse(&bytes).unwrap();
            tree.apply(frame.layers, frame.full).unwrap();
            tree.flatten(&mut ops);
            let painted: BTreeSet<u32> = ops
                .iter()
                .filter_map(|op| match *op {
                    Op::Image { handle, .. } => Some(handle),
                    _ => None,
                })
                .collect();
            for request in requests(frame.requests).unwrap() {
                match request {
                    Request::Load { image, .. } => {
                        loads += 1;
                        waiting.push(image);
                        state.insert(image, "loading");
                    }
                    Request::Release { image } => {
                        releases += 1;
                        assert!(!painted.contains(&image), "step {step}: released {image}, which is on screen");
                        state.insert(image, "released");
                    }
                }
            }
            for h in &painted {
                assert_eq!(state.get(h), Some(&"ready"), "step {step}: painted {h} without its pixels");
            }
            let used = engine.stats().texture_bytes;
            peak = peak.max(used);
            assert!(used <= BUDGET, "step {step}: {used} bytes of textures, over the budget of {BUDGET}");
            if pass == 1 {
                let expected: usize = offset.iter().map(|&o| in_view(o)).sum();
                assert_eq!(painted.len(), expected, "step {step}: posters in view vs posters painted");
            }
        }
    }
    // The scroll really went past more than the budget holds, and came back for released ones.
    assert!(loads > 3 * 20, "only {loads} loads");
    assert!(releases > 20, "only {releases} releases");
    assert!(peak > BUDGET / 2, "peak {peak}");
}
