//! Which engine build runs: engine.wasm in wasmtime, or engine.js in QuickJS (or, asked for by
//! name as a device without a JIT would, engine.wasm in the wasmi interpreter).
//!
//! The choice is made once at start-up from three inputs, strongest first: the developer's
//! override (`marquee run --engine wasm|js`), the device's capability (engine.wasm must compile,
//! instantiate and answer its ABI version — the self-test is simply loading it), and the rollout
//! (a kill switch, and a percentage of devices chosen by a stable hash of the device id). The
//! rollout comes with the app — its `package.json`'s `marquee.wasm` — until the update service
//! delivers it. Both builds are the same Rust engine, so the app cannot tell which one runs.

use marquee_bundle::{WasmRollout, wasm_bucket as bucket};

/// The developer's choice of engine build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EngineChoice {
    /// Decide by capability and rollout.
    #[default]
    Auto,
    /// engine.wasm, whatever the rollout says (fails if the device cannot run it).
    Wasm,
    /// engine.wasm in wasmi, an interpreter: what a device whose Wasm runtime has no JIT runs.
    Wasmi,
    /// engine.js.
    Js,
}

/// Which build runs, and why: for the report and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// engine.js rather than engine.wasm.
    pub js: bool,
    /// engine.wasm interpreted (wasmi) rather than compiled (wasmtime).
    pub interpreted: bool,
    /// Why, in words.
    pub reason: String,
}

/// Decides before anything is loaded; `wasm_works` is asked only when the rollout wants Wasm.
pub(crate) fn select(
    choice: EngineChoice,
    rollout: WasmRollout,
    device_id: &str,
    wasm_works: impl FnOnce() -> Result<(), String>,
) -> Selection {
    let js = |reason: String| Selection { js: true, interpreted: false, reason };
    match choice {
        EngineChoice::Js => js("--engine js".into()),
        EngineChoice::Wasm => Selection { js: false, interpreted: false, reason: "--engine wasm".into() },
        EngineChoice::Wasmi => Selection { js: false, interpreted: true, reason: "--engine wasmi".into() },
        EngineChoice::Auto if rollout.kill_switch => js("the Wasm kill switch is on".into()),
        EngineChoice::Auto if !rollout.wants_wasm(device_id) => {
            js(format!("device bucket {} is outside the Wasm rollout ({}%)", bucket(device_id), rollout.percent))
        }
        EngineChoice::Auto => match wasm_works() {
            Ok(()) => Selection {
                js: false,
                interpreted: false,
                reason: format!("in the Wasm rollout ({}%, bucket {})", rollout.percent, bucket(device_id)),
            },
            Err(why) => js(format!("engine.wasm does not run here ({why})")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> impl Iterator<Item = String> {
        (0..100_000).map(|i| format!("device-{i:06}"))
    }

    #[test]
    fn the_wasm_share_follows_the_percentage() {
        for percent in [0.0, 1.0, 12.5, 50.0, 90.0, 100.0] {
            let rollout = WasmRollout { percent, kill_switch: false };
            let on = ids().filter(|id| rollout.wants_wasm(id)).count();
            let share = on as f64 / 1000.0;
            assert!((share - percent).abs() <= 0.5, "{percent}%: {share}% of 100,000 devices on Wasm");
        }
    }

    #[test]
    fn raising_the_percentage_only_adds_devices() {
        let steps = [0.0, 5.0, 20.0, 21.0, 60.0, 100.0];
        for pair in steps.windows(2) {
            let (low, high) = (
                WasmRollout { percent: pair[0], kill_switch: false },
                WasmRollout { percent: pair[1], kill_switch: false },
            );
            let dropped = ids().filter(|id| low.wants_wasm(id) && !high.wants_wasm(id)).count();
            assert_eq!(dropped, 0, "going from {}% to {}% took {dropped} devices off Wasm", pair[0], pair[1]);
        }
    }

    #[test]
    fn the_kill_switch_takes_everyone_off_wasm() {
        let rollout = WasmRollout { percent: 100.0, kill_switch: true };
        assert_eq!(ids().filter(|id| rollout.wants_wasm(id)).count(), 0);
        let chosen = select(EngineChoice::Auto, rollout, "any", || panic!("no self-test when killed"));
        assert!(chosen.js, "{chosen:?}");
    }

    #[test]
    fn the_choice_follows_override_then_rollout_then_capability() {
        let everyone = WasmRollout::default();
        let nobody = WasmRollout { percent: 0.0, kill_switch: false };
        assert!(!select(EngineChoice::Auto, everyone, "tv", || Ok(())).js);
        assert!(select(EngineChoice::Auto, nobody, "tv", || Ok(())).js);
        let broken = select(EngineChoice::Auto, everyone, "tv", || Err("no Wasm VM".into()));
        assert!(broken.js && broken.reason.contains("no Wasm VM"), "{broken:?}");
        assert!(select(EngineChoice::Js, everyone, "tv", || Ok(())).js);
        assert!(!select(EngineChoice::Wasm, nobody, "tv", || Err("unused".into())).js);
        let interpreted = select(EngineChoice::Wasmi, nobody, "tv", || panic!("no self-test when chosen"));
        assert!(!interpreted.js && interpreted.interpreted, "{interpreted:?}");
    }

    #[test]
    fn the_rollout_is_read_from_the_manifest() {
        let read = WasmRollout::from_manifest;
        assert_eq!(read(r#"{"name": "app"}"#), Ok(WasmRollout::default()));
        assert_eq!(
            read(r#"{"marquee": {"wasm": {"percent": 25}}}"#),
            Ok(WasmRollout { percent: 25.0, kill_switch: false })
        );
        assert_eq!(
            read(r#"{"marquee": {"wasm": {"killSwitch": true}}}"#),
            Ok(WasmRollout { percent: 100.0, kill_switch: true })
        );
        assert!(read(r#"{"marquee": {"wasm": {"percent": 140}}}"#).is_err());
        assert!(read(r#"{"marquee": {"wasm": {"killSwitch": "yes"}}}"#).is_err());
        assert!(read("not json").is_err());
    }
}
