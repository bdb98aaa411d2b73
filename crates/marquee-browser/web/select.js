// Which engine build a page runs, by the native host's rules (marquee-host's selection.rs),
// strongest first: the override (`--engine wasm|js`), the app's Wasm rollout (a kill switch, and
// a share of devices by a stable hash of the device id: SHA-256, first eight bytes, modulo 10,000,
// as marquee-bundle's `wasm_bucket`), and the capability self-test (engine.wasm compiles,
// instantiates and answers its ABI version).

/** The rollout in a package.json's `marquee.wasm`, as marquee-bundle reads it. */
export function rolloutOf(packageJson) {
  const wasm = packageJson?.marquee?.wasm ?? {};
  const percent = wasm.percent ?? 100;
  const killSwitch = wasm.killSwitch ?? false;
  if (typeof percent !== 'number' || !(percent >= 0 && percent <= 100))
    throw new Error('marquee.wasm.percent is not 0–100');
  if (typeof killSwitch !== 'boolean') throw new Error('marquee.wasm.killSwitch is not a boolean');
  return { percent, killSwitch };
}

/** A device's place in the engine.wasm rollout, 0–9,999. */
export async function wasmBucket(deviceId) {
  const digest = new DataView(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(deviceId)));
  return Number(digest.getBigUint64(0, false) % 10000n);
}

/** { js, reason }; `wasmWorks()` (async, throws why not) is asked only when the rollout wants Wasm. */
export async function select(choice, rollout, deviceId, wasmWorks) {
  if (choice === 'js') return { js: true, reason: '--engine js' };
  if (choice === 'wasm') return { js: false, reason: '--engine wasm' };
  if (rollout.killSwitch) return { js: true, reason: 'the Wasm kill switch is on' };
  const bucket = await wasmBucket(deviceId);
  if (bucket >= Math.round(rollout.percent * 100)) {
    return { js: true, reason: `device bucket ${bucket} is outside the Wasm rollout (${rollout.percent}%)` };
  }
  try {
    await wasmWorks();
  } catch (e) {
    return { js: true, reason: `engine.wasm does not run here (${e.message})` };
  }
  return { js: false, reason: `in the Wasm rollout (${rollout.percent}%, bucket ${bucket})` };
}
