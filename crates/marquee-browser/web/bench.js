// The benchmark page's main thread (`marquee-bench`'s browser runner): as on a device it only
// shows frames. It hands the canvas to the engine worker (bench-worker.js), which plays the
// scene, and exposes the worker's report as `window.marquee.done`, as the app page does, for
// js/drive.mjs.

const log = [];
let settle;
let playing;
const done = new Promise((resolve) => {
  settle = resolve;
});
// Resolved when the scene starts playing: the driver counts the main thread's time from there.
const started = new Promise((resolve) => {
  playing = resolve;
});
window.marquee = { log, done, started };

async function main() {
  const config = await (await fetch('bench.json')).json();
  const canvas = document.getElementById('screen');
  [canvas.width, canvas.height] = config.size;
  const offscreen = canvas.transferControlToOffscreen();
  const worker = new Worker('bench-worker.js', { type: 'module', name: 'marquee-engine' });
  worker.onmessage = ({ data }) => {
    if (data.type === 'playing') playing();
    else if (data.type === 'failed') settle({ error: data.error, log });
    else if (data.type === 'done') settle({ ...data, log });
  };
  worker.onerror = (e) => settle({ error: `the engine worker failed: ${e.message}`, log });
  worker.postMessage({ config, canvas: offscreen }, [offscreen]);
}

main().catch((e) => settle({ error: e.message ?? String(e), log }));
