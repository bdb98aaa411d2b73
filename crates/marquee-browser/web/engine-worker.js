// The engine worker: the engine (engine.wasm, or engine.js without WebAssembly), web.wasm beside
// it (its text service answers the engine's measurements; it keeps the layer tree and draws with
// the GPU backend on WebGL into the page's canvas, an OffscreenCanvas transferred here), and the
// frame loop. In a browser without OffscreenCanvas the main thread draws: each frame buffer, the
// paragraphs and each image's pixels go to its own web.wasm, and web.wasm here keeps the tree for
// the damage. Batches come straight from the app worker and events go straight back (transferred
// ArrayBuffers on a MessageChannel); keys come from the page. Nothing here waits on the app
// worker: a busy app does not stop frames, animations or focus.

import { appFonts, bundleFile, hex, sha256 } from './bundle.js';
import { glImports, webglContext } from './gl.js';
import { engineJs, loadWeb, startEngine, webSource } from './modules.js';
import { rolloutOf, select } from './select.js';

// Frames in a row with nothing to do before a run that stops when idle ends.
const QUIET_FRAMES = 10;

// The debug overlay's timeline and console (as the native host's: marquee-overlay's HISTORY and
// CONSOLE_LINES).
const OVERLAY_FRAMES = 112;
const OVERLAY_CONSOLE = 8;

/**
 * The engine with every call that gives it input written down, when the run records (the
 * recording format's steps as arrays — see marquee-browser's `recording`), and every frame
 * buffer kept for its digest: what the native engine, replaying the same input, must match
 * byte for byte.
 */
function recorded(engine, steps, frames) {
  if (!steps) return engine;
  return {
    ...engine,
    apply(bytes) {
      steps.push(['raw', hex(bytes)]);
      return engine.apply(bytes);
    },
    key(key, action) {
      steps.push(['key', key, action]);
      return engine.key(key, action);
    },
    text(character) {
      steps.push(['text', character]);
      return engine.text(character);
    },
    imageReady(image, width, height) {
      steps.push(['ready', image, width, height]);
      return engine.imageReady(image, width, height);
    },
    imageFailed(image, reason) {
      steps.push(['failed', image, reason]);
      return engine.imageFailed(image, reason);
    },
    setTextureBudget(bytes) {
      steps.push(['budget', bytes]);
      return engine.setTextureBudget(bytes);
    },
    frame(time) {
      // As a string: JavaScript writes the shortest text that reads back as the same double,
      // and Rust reads text exactly (a JSON number may come back a bit off).
      steps.push(['frame', String(time)]);
      const bytes = engine.frame(time);
      frames.push(bytes);
      return bytes;
    },
  };
}

/**
 * web.wasm's text service, with the paragraphs the engine sets and removes sent on to the main
 * thread's instance too, when it draws: its glyphs come from the same paragraphs. They arrive
 * before the frame that shows them (messages keep their order).
 */
function mirrored(web) {
  return {
    ...web,
    textSet(run, bytes) {
      self.postMessage({ type: 'text-set', run, bytes: bytes.slice() });
      return web.textSet(run, bytes);
    },
    textRemove(run) {
      self.postMessage({ type: 'text-remove', run });
      return web.textRemove(run);
    },
  };
}

let run = null;

function say(level, text) {
  self.postMessage({ type: 'log', level, text, at: performance.timeOrigin + performance.now() });
}

/** engine.wasm or engine.js from the bundle, chosen by the native host's rules. */
async function loadEngine(config, bundle, deviceId, text) {
  const packageJson = JSON.parse(new TextDecoder().decode(await bundleFile(bundle, 'package.json')));
  let module = null;
  const wasmWorks = async () => {
    if (typeof WebAssembly !== 'object') throw new Error('this browser has no WebAssembly');
    module = await WebAssembly.compile(await bundleFile(bundle, 'engine.wasm'));
  };
  const choice = await select(config.engine, rolloutOf(packageJson), deviceId, wasmWorks);
  if (!choice.js && !module) await wasmWorks();
  const source = choice.js ? await engineJs(await bundleFile(bundle, 'engine.js')) : module;
  const fresh = () => {
    const engine = startEngine(source, text, () => performance.now());
    // Sized to the page before the app's first batch, as the native host does.
    engine.apply(new Uint8Array(config.viewport));
    engine.setTextureBudget(config.textureBudget);
    return engine;
  };
  const engine = startEngine(source, text, () => performance.now());
  if (engine.abi() !== config.abi)
    throw new Error(`the engine's ABI is ${engine.abi()}, this page speaks ${config.abi}`);
  return { engine, choice, fresh };
}

async function start({ config, bundle, canvas, app, images, deviceId }) {
  const [width, height] = config.size;
  // No canvas: the main thread draws (a browser without OffscreenCanvas).
  const gl = canvas && webglContext(canvas);
  const web = await loadWeb(await webSource(config), gl && ((memory) => glImports(gl, memory)));
  web.start(width, height, config.background, config.textureBudget * 2);
  for (const path of appFonts(bundle)) {
    if (!web.font(await bundleFile(bundle, path))) say('warn', `font ${path}: ${web.log()}`);
  }
  const recording = config.record ? { steps: [], frames: [] } : null;
  const loaded = await loadEngine(config, bundle, deviceId, gl ? web : mirrored(web));
  const { choice } = loaded;
  const engine = recorded(loaded.engine, recording?.steps, recording?.frames);
  // Sized to the page before the app's first batch, as the native host does (and as `fresh`
  // makes a replacement).
  engine.apply(new Uint8Array(config.viewport));
  engine.setTextureBudget(config.textureBudget);
  if (gl && !web.gpu(config.maxTexture)) throw new Error(`no GPU backend: ${web.log()}`);
  const renderer = gl ? web.describe() : 'on the main thread';
  say('info', `engine: ${choice.js ? 'engine.js' : 'engine.wasm'} (${choice.reason}); renderer: ${renderer}`);
  // The debug overlay lives in the instance that draws: here, with OffscreenCanvas.
  if (gl) web.setDebugQuery((kind, a, b) => run.engine.debugQuery(kind, a, b));
  if (config.overlay) showOverlay(web, Boolean(gl));
  run = {
    config,
    web,
    drawsHere: Boolean(gl),
    engine,
    fresh: loaded.fresh,
    resets: 0,
    held: new Set(),
    choice,
    recording,
    app,
    images,
    n: 0,
    started: performance.now(),
    batches: [],
    keys: [],
    answers: [],
    loads: new Map(),
    ticket: 0,
    nextLoader: 0,
    sent: 0,
    handled: 0,
    wantsFrame: false,
    appStarted: false,
    quiet: 0,
    frames: [],
    script: [...config.keys].sort((a, b) => b[0] - a[0]),
    firstFrame: null,
    commandErrors: 0,
    // The app's last console lines, for the overlay: [level, text].
    console: [],
  };
  app.onmessage = ({ data }) => {
    if (data instanceof ArrayBuffer) run.batches.push(new Uint8Array(data));
    else if (data.type === 'console') run.console = [...run.console, [data.level, data.text]].slice(-OVERLAY_CONSOLE);
    else if (data.type === 'handled') run.handled = data.n;
    else if (data.type === 'started') run.appStarted = true;
    else if (data.type === 'wants-frame') run.wantsFrame = data.on;
  };
  for (const port of images) port.onmessage = ({ data }) => data.ready || run.answers.push(data);
  app.postMessage({ type: 'ready' });
  tick();
}

/** The overlay's next step (F12, `?overlay`), where this worker draws. */
function showOverlay(web, drawsHere) {
  if (!drawsHere) {
    say('warn', 'the debug overlay is drawn with OffscreenCanvas, which this browser lacks');
    return;
  }
  if (!web.hasOverlay) {
    say('warn', 'the debug overlay is in web.wasm, and this browser runs web.js (it has no WebAssembly)');
    return;
  }
  const state = ['hidden', 'shown', 'inspecting'][web.overlayCycle()];
  say('info', `debug overlay ${state}`);
}

/** What only the page knows, for the overlay's panels (marquee-web's `PageFigures`). */
function overlayFigures(r, time) {
  const stat = (which) => r.engine.stat(which);
  // The last second's frames, from the end: the run keeps every frame for its report.
  let first = r.frames.length;
  while (first > 0 && r.frames[first - 1].time > time - 1000) first -= 1;
  const recent = r.frames.slice(first);
  return {
    frame: r.n,
    virtual_time: r.config.virtualTime,
    frames: r.frames.slice(-OVERLAY_FRAMES).map((f) => [f.engine, f.render, 0]),
    build: r.choice.js ? 'engine.js' : 'engine.wasm',
    why: r.choice.reason,
    renderer: r.web.describe(),
    nodes: stat(r.config.stat.nodes),
    layers: stat(r.config.stat.layers),
    animations: stat(r.config.stat.animations),
    heap_bytes: stat(r.config.stat.heapBytes),
    heap_peak: stat(r.config.stat.heapPeak),
    linear_memory: r.engine.memoryBytes(),
    texture_budget: r.config.textureBudget,
    resets: r.resets,
    batches: recent.reduce((n, f) => n + f.batches, 0),
    batch_bytes: recent.reduce((n, f) => n + f.batchBytes, 0),
    rejected: r.commandErrors,
    console: r.console,
    frame_callbacks: null,
  };
}

/** An overlay call's code: 2 says the engine's debug query failed, a failure of the engine's. */
function overlayCall(code) {
  if (code === 2) {
    run.failed = true;
    throw new Error('the debug query failed');
  }
  return code;
}

/** Loads and releases the frame asks for. */
function request(requests) {
  for (const r of requests) {
    if (r[0] === 1) {
      const ticket = ++run.ticket;
      run.loads.set(r[1], ticket);
      const loader = run.images[run.nextLoader++ % run.images.length];
      loader.postMessage({ handle: r[1], ticket, src: r[2] });
    } else {
      run.loads.delete(r[1]);
      dropImage(r[1]);
    }
  }
}

function dropImage(handle) {
  run.held.delete(handle);
  run.web.imageDrop(handle);
  if (!run.drawsHere) self.postMessage({ type: 'image-drop', handle });
}

/** Finished loads, for the engine: the pixels go to web.wasm, the size or reason to the engine. */
function answerImages() {
  for (const a of run.answers.splice(0)) {
    if (run.loads.get(a.handle) !== a.ticket) continue; // released, or asked again since
    run.loads.delete(a.handle);
    let reason = a.reason ?? 0;
    if (!reason) reason = run.web.imagePut(a.handle, a.width, a.height, a.pixels);
    if (reason) {
      say('warn', `image ${JSON.stringify(a.src)} failed: ${a.detail ?? run.web.log()}`);
      run.engine.imageFailed(a.handle, reason);
    } else if (!run.engine.imageReady(a.handle, a.width, a.height)) {
      dropImage(a.handle);
    } else if (run.held.add(a.handle) && !run.drawsHere) {
      self.postMessage({ type: 'image', handle: a.handle, width: a.width, height: a.height, pixels: a.pixels }, [
        a.pixels.buffer,
      ]);
    }
  }
}

/**
 * Replaces an engine that failed (a trap: a bug in it, or a limit it hit) with a fresh instance
 * and tells the app with an `EngineReset` event so it rebuilds its scene, as the native host
 * does. The images the old one held go; a recording ends here (what follows runs on an instance
 * a replay of one cannot reproduce).
 */
function reset(r, error) {
  say('error', `engine failed (${error.message ?? error}); starting a fresh instance`);
  r.engine = r.fresh();
  r.resets += 1;
  r.recording = null;
  for (const handle of [...r.held]) dropImage(handle);
  r.loads.clear();
  r.answers = [];
  const events = new Uint8Array(r.config.resetEvent);
  r.app.postMessage(events.buffer, [events.buffer]);
  r.sent += 1;
}

/** One frame, the engine's failure contained: a failed engine is replaced and frames go on. */
function tick() {
  try {
    frame();
  } catch (e) {
    if (!run.failed) throw e;
    run.failed = false;
    reset(run, e);
    setTimeout(tick, 0);
  }
}

/** Calls the engine; an exception from it is the engine's failure (see `tick`). */
function engineCall(f) {
  try {
    return f();
  } catch (e) {
    run.failed = true;
    throw e;
  }
}

function frame() {
  const r = run;
  const interval = 1000 / r.config.fps;
  // Under virtual time a frame waits for every image asked for, as the native host does, so
  // runs are reproducible.
  if (r.config.virtualTime && r.loads.size > 0 && r.answers.length < r.loads.size) {
    setTimeout(tick, 1);
    return;
  }
  const began = performance.now();
  const time = r.config.virtualTime ? r.n * interval : performance.now() - r.started;
  let rejected = 0;
  let batches = 0;
  let batchBytes = 0;
  // One at a time: those after a batch the engine fails on go to its replacement.
  while (r.batches.length > 0) {
    const batch = r.batches.shift();
    batches += 1;
    batchBytes += batch.length;
    rejected += engineCall(() => r.engine.apply(batch));
  }
  r.commandErrors += rejected;
  // Under virtual time a scripted key waits for the app to have handled what it was sent, as
  // on the native host: which screen a key lands on must not depend on the machine's load.
  const appCaughtUp = !r.config.virtualTime || r.handled === r.sent;
  while (appCaughtUp && r.script.length > 0 && r.script.at(-1)[0] <= r.n) {
    const [, key] = r.script.pop();
    r.keys.push([key, 0], [key, 2]);
  }
  for (const [key, action, character] of r.keys.splice(0)) {
    if (key === 0) {
      // Typed text; the inspector, while it has the keys, takes none. An engine from before
      // text input takes none either: said once.
      if (r.drawsHere && r.web.overlayInspected() !== null) continue;
      if (!engineCall(() => r.engine.text(character)) && !r.textRefused) {
        r.textRefused = true;
        say('warn', 'this engine build takes no typed text (it predates text input)');
      }
      continue;
    }
    // The overlay sees each key first (the remote's sequence); the inspector keeps those it takes.
    if (r.drawsHere && overlayCall(r.web.overlayKey(key, action, time, performance.now())) !== 0) continue;
    engineCall(() => r.engine.key(key, action));
  }
  engineCall(answerImages);
  const bytes = engineCall(() => r.engine.frame(time));
  const engineMs = performance.now() - began;
  const out = r.web.frame(bytes);
  if (out.invalidate) engineCall(() => r.engine.invalidate());
  request(out.requests);
  if (r.drawsHere && r.web.overlayDue(time)) overlayCall(r.web.overlayBuild(overlayFigures(r, time), time));
  const drawStarted = performance.now();
  // Without a GPU backend here, 3 says there was damage: the main thread draws the frame.
  const drew = r.web.draw();
  const renderMs = performance.now() - drawStarted;
  if (drew === 1 || drew === 4) r.web.overlayPresented(performance.now());
  if (drew === 2) say('error', r.web.log());
  if (!r.drawsHere) {
    const copy = bytes.slice();
    self.postMessage({ type: 'frame', bytes: copy, draw: drew === 3 }, [copy.buffer]);
  }
  const hasEvents = out.events.length > r.config.batchHeader;
  if (hasEvents) {
    r.app.postMessage(out.events.buffer, [out.events.buffer]);
    r.sent += 1;
  }
  if (r.wantsFrame) r.app.postMessage({ type: 'frame', time });
  for (const line of r.web.log().split('\n')) if (line) say('warn', line);
  r.firstFrame ??= performance.now() - r.started;
  r.frames.push({
    at: performance.timeOrigin + began,
    engine: engineMs,
    render: renderMs,
    drawCalls: r.web.stat(0),
    focused: r.engine.stat(r.config.stat.focused),
    time,
    batches,
    batchBytes,
  });
  const quiet =
    r.appStarted &&
    // The debug overlay's own redraws (4) leave the app as quiet as it was.
    (drew === 0 || drew === 4) &&
    !hasEvents &&
    rejected === 0 &&
    r.handled === r.sent &&
    r.loads.size === 0 &&
    r.batches.length === 0 &&
    r.script.length === 0 &&
    r.engine.stat(r.config.stat.animations) === 0 &&
    // An engine older than the counter answers 2^64 - 1: none.
    [0, 2 ** 64 - 1].includes(r.engine.stat(r.config.stat.settling));
  r.quiet = quiet ? r.quiet + 1 : 0;
  r.n += 1;
  const stop = r.config.frames ? r.n >= r.config.frames : r.config.stopWhenIdle && r.quiet >= QUIET_FRAMES;
  if (stop) {
    finish(r.quiet >= QUIET_FRAMES ? 'idle' : 'frames').catch((e) =>
      self.postMessage({ type: 'failed', error: e.message ?? String(e) }),
    );
    return;
  }
  setTimeout(tick, r.config.unpaced ? 0 : Math.max(0, interval - (performance.now() - began)));
}

async function finish(ended) {
  const r = run;
  const recording = r.recording && {
    steps: r.recording.steps,
    frames: await Promise.all(r.recording.frames.map(sha256)),
  };
  // Drawn on the main thread: it reads its own.
  const pixels = r.drawsHere ? r.web.read() : new Uint8Array(0);
  const report = {
    ended,
    frames: r.n,
    firstFrameMs: r.firstFrame,
    seconds: (performance.now() - r.started) / 1000,
    engine: { js: r.choice.js, reason: r.choice.reason },
    renderer: r.drawsHere ? r.web.describe() : null,
    nodes: r.engine.stat(r.config.stat.nodes),
    commandErrors: r.commandErrors,
    engineResets: r.resets,
    frameTimes: r.frames,
    imageBytes: r.web.stat(6),
    // The node the debug overlay's inspector shows, if it has the keys.
    inspected: r.drawsHere ? r.web.overlayInspected() : null,
    recording,
  };
  self.postMessage({ type: 'done', report, pixels, size: r.config.size }, [pixels.buffer]);
}

self.onmessage = ({ data }) => {
  if (data.type === 'start') {
    start(data).catch((e) => self.postMessage({ type: 'failed', error: e.message ?? String(e) }));
  } else if (data.type === 'key' && run) {
    run.keys.push([data.key, data.action]);
  } else if (data.type === 'text' && run) {
    // In the keys' queue, as key 0 (no key has it), so text and keys reach the engine in order.
    run.keys.push([0, 0, data.character]);
  } else if (data.type === 'overlay' && run) {
    showOverlay(run.web, run.drawsHere);
  } else if (data.type === 'pick' && run?.drawsHere) {
    try {
      overlayCall(run.web.overlayPick(data.x, data.y));
    } catch (e) {
      run.failed = false;
      reset(run, e);
    }
  }
};
