//! The page's engine choice (`web/select.js`) against the native host's: the same device ids
//! fall in the same Wasm rollout buckets (marquee-bundle's `wasm_bucket`), and the rules run in
//! the same order. Run in Node, which has the page's `crypto.subtle`.

use std::process::Command;

use marquee_engine_contract::paths;

/// Runs `body` (an async function body given `select.js`'s exports as `m`) in Node; its stdout.
fn node(body: &str) -> String {
    let select = paths::workspace_root().join("crates/marquee-browser/web/select.js");
    let script = format!(
        "const m = await import({:?});\nconst out = await (async () => {{ {body} }})();\nprocess.stdout.write(JSON.stringify(out));",
        select.to_str().unwrap()
    );
    let output = Command::new("node").args(["--input-type=module", "-e", &script]).output().expect("node runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn device_ids_fall_in_the_native_hosts_rollout_buckets() {
    let ids: Vec<String> =
        (0..300).map(|i| format!("device-{i:04}")).chain(["", "tv", "é🙂"].map(String::from)).collect();
    let json = serde_json::to_string(&ids).unwrap();
    let buckets: Vec<u32> =
        serde_json::from_str(&node(&format!("return Promise.all({json}.map((id) => m.wasmBucket(id)));"))).unwrap();
    let native: Vec<u32> = ids.iter().map(|id| marquee_bundle::wasm_bucket(id)).collect();
    assert_eq!(buckets, native);
}

#[test]
fn the_choice_follows_override_then_rollout_then_capability() {
    let out = node(
        r#"
        const works = async () => {};
        const broken = async () => { throw new Error('no Wasm VM'); };
        const all = { percent: 100, killSwitch: false };
        return [
          await m.select('auto', all, 'tv', works),
          await m.select('auto', { percent: 0, killSwitch: false }, 'tv', works),
          await m.select('auto', { percent: 100, killSwitch: true }, 'tv', works),
          await m.select('auto', all, 'tv', broken),
          await m.select('js', all, 'tv', works),
          await m.select('wasm', { percent: 0, killSwitch: true }, 'tv', broken),
          m.rolloutOf({ name: 'app' }),
          m.rolloutOf({ marquee: { wasm: { percent: 25 } } }),
          (() => { try { m.rolloutOf({ marquee: { wasm: { percent: 140 } } }); return 'accepted'; } catch (e) { return e.message; } })(),
        ];
        "#,
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let js = |i: usize| v[i]["js"].as_bool().unwrap();
    assert!(!js(0), "{v}");
    assert!(js(1) && v[1]["reason"].as_str().unwrap().contains("outside the Wasm rollout"), "{v}");
    assert!(js(2) && v[2]["reason"].as_str().unwrap().contains("kill switch"), "{v}");
    assert!(js(3) && v[3]["reason"].as_str().unwrap().contains("no Wasm VM"), "{v}");
    assert!(js(4) && !js(5), "{v}");
    assert_eq!(v[6], serde_json::json!({ "percent": 100, "killSwitch": false }));
    assert_eq!(v[7], serde_json::json!({ "percent": 25, "killSwitch": false }));
    assert!(v[8].as_str().unwrap().contains("0–100"), "{v}");
}
