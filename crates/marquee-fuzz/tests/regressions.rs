//! Every fuzz target over its seeds and over every past finding in `fuzz/regressions/TARGET/`:
//! what the fuzzer once crashed on must not crash again, on the normal toolchain, in
//! `cargo test`.

use std::path::Path;

#[test]
fn every_target_passes_its_seeds_and_past_findings() {
    let regressions = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    for (target, run) in marquee_fuzz::TARGETS {
        let seeds = marquee_fuzz::seeds(target);
        assert!(seeds.len() >= 2, "{target}: only {} seeds", seeds.len());
        for (name, input) in &seeds {
            let outcome = std::panic::catch_unwind(|| run(input));
            assert!(outcome.is_ok(), "{target}: seed {name} fails");
        }
        let Ok(dir) = std::fs::read_dir(regressions.join(target)) else { continue };
        for entry in dir {
            let path = entry.unwrap().path();
            let input = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&input));
            assert!(outcome.is_ok(), "{target}: past finding {} fails again", path.display());
        }
    }
}
