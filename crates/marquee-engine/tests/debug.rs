//! The debug query: a node's answer holds what layout and style gave it (its box is what
//! `query-layout` answers), the node at a point is the deepest one shown there, the focus path
//! names each group with what it remembers, and answering changes nothing the engine draws.

use marquee_engine::Engine;
use marquee_engine_contract::debug::{self, Answer, NodeInfo, Query, flags};
use marquee_protocol::{Event, StyleDecl};
use marquee_test_support::scene;

const SCENE: &str = "
viewport 640 360
create 1 view
style 1 flex-direction row
style 1 column-gap 12px
style 1 padding-left 20px
style 1 margin-top 10px
style 1 focus-group row
append 0 1
create 2 view
create 3 view
create 4 text
text 4 \"Three\"
append 3 4
append 1 2
append 1 3
style 2 width 120px
style 2 height 80px
style 2 focusable yes
style 3 width 120px
style 3 height 80px
style 3 focusable yes
style 3 padding-top 6px
style 3 border-width 4px
style 3 background-color #223344ff
state 3 focused scale-x 1.1
frame
key right
frame 1000
frame 2000
query-layout 2
query-layout 3
frame 2016
";

fn engine() -> (Engine, Vec<Vec<u8>>) {
    let mut engine = Engine::with_text(Box::new(marquee_test_support::text_service()));
    let steps = scene::parse(SCENE).unwrap_or_else(|e| panic!("{e}"));
    let frames = scene::run(&mut engine, &steps);
    (engine, frames)
}

fn ask(engine: &mut Engine, query: Query) -> Answer {
    debug::decode(engine.debug_query(Some(query))).unwrap()
}

fn node(engine: &mut Engine, id: u32) -> NodeInfo {
    match ask(engine, Query::Node(id)) {
        Answer::Node(n) => *n,
        other => panic!("node {id}: {other:?}"),
    }
}

#[test]
fn a_nodes_answer_holds_its_layout_and_style() {
    let (mut engine, frames) = engine();
    let last = marquee_display_list::frame::Frame::parse(frames.last().unwrap()).unwrap();
    let layouts: Vec<Event> = marquee_protocol::decode_events(last.events).unwrap().flatten().collect();
    let mut checked = 0;
    for event in layouts {
        if let Event::LayoutResult { id, x, y, width, height } = event {
            assert_eq!(node(&mut engine, id).border_box, [x, y, width, height], "node {id}");
            checked += 1;
        }
    }
    assert!(checked >= 2, "{checked} layout answers");
    let three = node(&mut engine, 3);
    assert_eq!((three.id, three.kind, three.parent, three.children), (3, 0, Some(1), 1));
    assert_eq!(three.padding, [0.0, 0.0, 6.0, 0.0]);
    assert_eq!(three.border, [4.0; 4]);
    assert_eq!(three.flags & flags::FOCUSED, flags::FOCUSED, "focus moved right, onto it");
    assert_eq!(three.base.background, 0x223344ff);
    assert_eq!((three.base.scale, three.shown.scale), ([1.0, 1.0], [1.1, 1.0]), "focused: its state style shows");
    assert_eq!(three.focused, [StyleDecl::ScaleX(1.1)]);
    assert!(three.layer.is_some());
    let row = node(&mut engine, 1);
    assert_eq!((row.margin[2], row.padding[0], row.group), (10.0, 20.0, 1));
    assert_eq!(row.flags & (flags::FOCUS_WITHIN | flags::FOCUSED), flags::FOCUS_WITHIN);
    assert_eq!(ask(&mut engine, Query::Node(99)), Answer::Nothing);
    assert_eq!(ask(&mut engine, Query::Node(u32::MAX)), Answer::Nothing);
}

#[test]
fn the_node_at_a_point_is_the_deepest_shown_there() {
    let (mut engine, _) = engine();
    let [x, y, w, h] = node(&mut engine, 3).border_box;
    let text = node(&mut engine, 4).border_box;
    let at = |engine: &mut Engine, x: f32, y: f32| match ask(engine, Query::At { x, y }) {
        Answer::Node(n) => Some(n.id),
        _ => None,
    };
    assert_eq!(at(&mut engine, text[0] + 1.0, text[1] + 1.0), Some(4));
    assert_eq!(at(&mut engine, x + w - 2.0, y + h - 2.0), Some(3));
    assert_eq!(at(&mut engine, 5.0, 200.0), Some(1), "the row, stretched to the screen's height");
    assert_eq!(at(&mut engine, 5.0, 5.0), Some(0), "the root, in the row's top margin");
    assert_eq!(at(&mut engine, 700.0, 10.0), None, "off the screen");
    assert_eq!(at(&mut engine, f32::NAN, 10.0), None);
}

#[test]
fn the_focus_path_names_each_group_and_what_it_remembers() {
    let (mut engine, _) = engine();
    let Answer::Focus(focus) = ask(&mut engine, Query::Focus) else { panic!() };
    assert_eq!(focus.focused, Some(3));
    let steps: Vec<_> = focus.path.iter().map(|s| (s.node, s.group, s.remembered)).collect();
    assert_eq!(steps, [(0, 0, Some(3)), (1, 1, Some(3))]);
}

#[test]
fn asking_changes_nothing_the_engine_draws() {
    let (mut asked, _) = engine();
    let (mut quiet, _) = engine();
    for id in 0..6 {
        asked.debug_query(Some(Query::Node(id)));
        asked.debug_query(Some(Query::At { x: id as f32 * 50.0, y: 40.0 }));
    }
    asked.debug_query(Some(Query::Focus));
    asked.debug_query(None);
    for t in [2100.0, 2200.0, 3000.0] {
        assert_eq!(asked.frame(t).to_vec(), quiet.frame(t).to_vec());
    }
}

/// What animates on a node is named in its answer, a bit each, while it runs and not after.
#[test]
fn a_nodes_answer_names_what_animates_on_it() {
    let scene = "
viewport 100 100
create 1 view
append 0 1
style 1 width 40px
style 1 height 40px
frame 0
animate 1 background-color #ff8000ff tag 1 duration 100 easing linear
animate 1 border-top-left-radius 20px tag 2 duration 100 easing linear
animate 1 border-top-right-radius 20px tag 3 duration 100 easing linear
animate 1 scale-x 2 tag 4 duration 100 easing linear
frame 0
frame 50
";
    let mut engine = Engine::with_text(Box::new(marquee_test_support::text_service()));
    scene::run(&mut engine, &scene::parse(scene).unwrap());
    let names = |bits: u32| -> Vec<&str> {
        debug::ANIMATING.iter().enumerate().filter(|(b, _)| bits & 1 << b != 0).map(|(_, n)| *n).collect()
    };
    assert_eq!(names(node(&mut engine, 1).animations), ["background-color", "radius", "scale-x"]);
    scene::run(&mut engine, &scene::parse("frame 200").unwrap());
    assert_eq!(node(&mut engine, 1).animations, 0, "finished");
}
