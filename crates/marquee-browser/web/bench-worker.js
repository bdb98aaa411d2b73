// The benchmark's engine worker: a scene's stream (marquee-replay's JSON: batches, keys, image
// answers and frames, the host's answers written out) played through the engine — engine.wasm,
// or engine.js with web.js where the page has no WebAssembly — beside web.wasm, which measures
// text with the scene's fonts, keeps the layer tree and draws every frame with the GPU backend
// on WebGL into the page's canvas, as the app page's engine worker does. One frame per
// animation frame, so what the page can show is what it shows.
//
// Each frame is timed here (performance.now, 5 µs in a cross-origin-isolated page): the
// engine's part (the steps before it and the frame call, as every runner times it, with the
// engine's own phase split) and the renderer's (applying the frame to the layer tree and
// drawing it). Batches are decoded before the clock starts, and the scene's images are made
// (synthetic posters, as the native GPU runner makes them) outside the timed spans; uploading
// them is the renderer's work and is timed.

import { glImports, webglContext } from './gl.js';
import { engineJs, loadWeb, startEngine, webSource } from './modules.js';

const unhex = (s) => Uint8Array.from(s.match(/../g) ?? [], (h) => Number.parseInt(h, 16));

/** An opaque poster of `width × height` premultiplied RGBA pixels, a different shade per image. */
function poster(handle, width, height) {
  const pixels = new Uint8Array(width * height * 4);
  const shade = (handle * 37) % 200;
  for (let i = 0; i < pixels.length; i += 4) {
    pixels[i] = shade;
    pixels[i + 1] = (i >> 10) % 256;
    pixels[i + 2] = 255 - shade;
    pixels[i + 3] = 255;
  }
  return pixels;
}

async function start({ config, canvas }) {
  const [width, height] = config.size;
  const gl = webglContext(canvas);
  const web = await loadWeb(await webSource(config), (memory) => glImports(gl, memory));
  web.start(width, height, config.background, 2 ** 40);
  for (const url of config.fonts) {
    if (!web.font(new Uint8Array(await (await fetch(url)).arrayBuffer()))) throw new Error(`font ${url}: ${web.log()}`);
  }
  const wasm = typeof WebAssembly === 'object' && config.engine === 'wasm';
  const source = wasm
    ? await WebAssembly.compileStreaming(fetch(config.engineWasm))
    : await engineJs(await (await fetch(config.engineJs)).text());
  const engine = startEngine(source, web, () => performance.now());
  if (engine.abi() !== config.abi)
    throw new Error(`the engine's ABI is ${engine.abi()}, this page speaks ${config.abi}`);
  if (!web.gpu(0)) throw new Error(`no GPU backend: ${web.log()}`);
  engine.profile(1);
  const stream = await (await fetch(config.stream)).json();
  const steps = stream.steps.map((s) => (s.raw === undefined ? s : { batch: unhex(s.raw) }));
  return { config, web, engine, steps, wasm };
}

/** Plays the steps up to and including the next frame, timed; null when there are none left. */
function frame(run, next) {
  const { engine, web, steps } = run;
  const began = performance.now();
  let commands = 0;
  while (next.step < steps.length) {
    const step = steps[next.step++];
    const t = performance.now();
    if (step.batch) engine.apply(step.batch);
    else if (step.key) engine.key(step.key[0], step.key[1]);
    else if (step.ready) engine.imageReady(...step.ready);
    else if (step.failed) engine.imageFailed(...step.failed);
    else if (step.budget) engine.setTextureBudget(step.budget[0] + step.budget[1] * 2 ** 32);
    else if (step.frame !== undefined) {
      const bytes = engine.frame(step.frame);
      const engineMs = performance.now() - began;
      const split = [commands, ...run.config.phaseStats.map((s) => engine.stat(s) / 1e6)];
      const applied = performance.now();
      const out = web.frame(bytes);
      const applyMs = performance.now() - applied;
      // The images it asked for, made outside the timed spans (a device's image workers decode).
      for (const [kind, handle] of out.requests) {
        if (kind === 1) web.imagePut(handle, run.config.poster[0], run.config.poster[1], run.poster(handle));
        else web.imageDrop(handle);
      }
      const drawn = performance.now();
      if (web.draw() === 2) throw new Error(`the renderer: ${web.log()}`);
      const renderMs = applyMs + (performance.now() - drawn);
      return { engine: engineMs, render: renderMs, phases: split, drawCalls: web.stat(0) };
    }
    commands += performance.now() - t;
  }
  return null;
}

async function play(run) {
  const frames = [];
  const presented = [];
  const next = { step: 0 };
  const posters = new Map();
  run.poster = (handle) => {
    if (!posters.has(handle)) posters.set(handle, poster(handle, ...run.config.poster));
    return posters.get(handle);
  };
  self.postMessage({ type: 'playing' });
  await new Promise((resolve, reject) => {
    const tick = (at) => {
      try {
        presented.push(at);
        const f = frame(run, next);
        if (!f) return resolve();
        frames.push(f);
        requestAnimationFrame(tick);
      } catch (e) {
        reject(e);
      }
    };
    requestAnimationFrame(tick);
  });
  const seconds = (presented.at(-1) - presented[0]) / 1000;
  return {
    frames,
    fps: seconds > 0 ? (presented.length - 1) / seconds : null,
    engineMemory: run.engine.memoryBytes(),
    webMemory: run.web.memoryBytes(),
    engine: run.wasm ? 'engine.wasm' : 'engine.js',
    renderer: run.web.describe(),
    isolated: self.crossOriginIsolated,
    userAgent: navigator.userAgent,
  };
}

self.onmessage = ({ data }) => {
  start(data)
    .then(async (run) => {
      const report = await play(run);
      const pixels = run.web.read();
      self.postMessage({ type: 'done', report, pixels, size: run.config.size }, [pixels.buffer]);
    })
    .catch((e) => self.postMessage({ type: 'failed', error: e.message ?? String(e) }));
};
