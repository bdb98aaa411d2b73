//! Yoga and our layout are given the same trees: at the last width, Yoga puts the probe nodes
//! where the native engine does (to the pixel both round to), and both were timed at every width.

use marquee_bench::layout::{self, native_boxes, width};

#[test]
fn yoga_and_our_layout_place_the_same_boxes() {
    let wasm = marquee_engine_contract::paths::engine_wasm();
    let trees = layout::trees(true);
    let iterations = 8;
    let outcomes = layout::run(&wasm, &trees, iterations).unwrap();
    assert_eq!(outcomes.len(), trees.len());
    for (tree, o) in trees.iter().zip(&outcomes) {
        assert_eq!((o.ours.len(), o.yoga.len()), (iterations, iterations), "{}", tree.name);
        assert!(o.ours.iter().chain(&o.yoga).all(|t| t.is_finite() && *t >= 0.0), "{}", tree.name);
        // The engine's profiling clock ran: layout took time at every width.
        assert!(o.ours.iter().all(|t| *t > 0.0), "{}: {:?}", tree.name, o.ours);
        let ours = native_boxes(tree, width(iterations)).unwrap();
        assert_eq!(ours.len(), tree.probe().len(), "{}", tree.name);
        for ((id, a), b) in tree.probe().iter().zip(&ours).zip(&o.yoga_boxes) {
            let close = a.iter().zip(b).all(|(a, b)| (a - b).abs() <= 1.0);
            assert!(close, "{}: node {id} is {a:?} in our layout, {b:?} in Yoga", tree.name);
        }
    }
}
