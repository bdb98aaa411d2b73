// The focus-scroll of `focus-scroll.rs` in engine.js under Node (V8), for the same run's ratios:
// node focus-scroll-node.mjs ENGINE_JS BATCH FRAMES
// Prints one JSON line: the median, p99 and max time of key + frame per frame, in ms.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [enginePath, batchPath, framesArg] = process.argv.slice(2);
const { instantiate } = await import(pathToFileURL(enginePath).href);
let high = 0;
const e = instantiate({
  env: { setTempRet0(v) { high = v | 0; }, getTempRet0() { return high; } },
  // The scene has no text: the text service is never asked.
  marquee: { text_set() {}, text_remove() {}, text_measure() { high = 0; return 0; } },
});
const apply = (bytes) => {
  const ptr = e.mq_alloc(bytes.length) >>> 0;
  new Uint8Array(e.memory.buffer).set(bytes, ptr);
  e.mq_apply(ptr, bytes.length);
  e.mq_free(ptr, bytes.length);
};
const frame = (t) => {
  const ptr = e.mq_frame(t) >>> 0;
  return new Uint8Array(e.memory.buffer, ptr, high >>> 0).slice();
};
// Keys as in focus-scroll.rs: right every 6 frames across the rail, then down.
const key = (n) => (n % 6 !== 0 || n === 0 ? 0 : n <= 6 * 25 ? 4 : n <= 6 * 32 ? 2 : 0);
apply(readFileSync(batchPath));
frame(0);
const frames = Number(framesArg);
const times = [];
for (let n = 1; n <= frames; n++) {
  const start = process.hrtime.bigint();
  const k = key(n);
  if (k) e.mq_key(k, 0);
  frame((n * 1000) / 60);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.floor((times.length - 1) * q)];
console.log(JSON.stringify({ median: at(0.5), p99: at(0.99), max: at(1) }));
