// The page's main thread: it only takes input and shows frames. It reads the page's config,
// checks the bundle's manifest, starts the engine worker (handing it the canvas as an
// OffscreenCanvas), the app worker and the image workers, joins them with MessageChannels, and
// forwards keys. In a browser without OffscreenCanvas it draws the frames itself: web.wasm's GPU
// backend on the canvas's WebGL here, given each frame buffer and image by the engine worker. Errors are shown over the canvas. `window.marquee` is what a test or the
// headless driver reads: the log, and the report and last frame once a run ends. Under
// `marquee web --dev` the page also follows the app's edits (`followEdits`).

import { appFonts, bundleFile, loadManifest } from './bundle.js';
import { glImports, webglContext } from './gl.js';
import { ACTIONS, keyOf } from './keys.js';
import { loadWeb, webSource } from './modules.js';

const IMAGE_WORKERS = 2;
/** How often a page under `marquee web --dev` looks for edits. */
const EDIT_POLL_MS = 50;
const DEVICE_ID_KEY = 'marquee:device-id';

const log = [];
let settle;
const done = new Promise((resolve) => {
  settle = resolve;
});
window.marquee = { log, done };

function show(text) {
  const box = document.getElementById('error');
  box.textContent = text;
  box.hidden = false;
}

function hide() {
  document.getElementById('error').hidden = true;
}

function say(level, text, at = performance.timeOrigin + performance.now()) {
  log.push({ level, text, at });
  (level === 'error' ? console.error : level === 'warn' ? console.warn : console.info)(`marquee: ${text}`);
}

function fail(text) {
  say('error', text);
  show(text);
  settle({ error: text, log });
}

/** A stable id for this browser (its place in rollouts), kept in the page's storage. */
function deviceId(config) {
  if (config.deviceId) return config.deviceId;
  let id = localStorage.getItem(DEVICE_ID_KEY);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(DEVICE_ID_KEY, id);
  }
  return id;
}

/** The app's localStorage, kept in the page's under the app's name. */
function storageFor(app) {
  const prefix = `marquee:app:${app}:`;
  const snapshot = {};
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key.startsWith(prefix)) snapshot[key.slice(prefix.length)] = localStorage.getItem(key);
  }
  const apply = (m) => {
    if (m.set) localStorage.setItem(prefix + m.set[0], m.set[1]);
    if (m.remove !== undefined) localStorage.removeItem(prefix + m.remove);
    if (m.clear) for (const key of Object.keys(snapshot)) localStorage.removeItem(prefix + key);
  };
  return { snapshot, apply };
}

/**
 * The renderer on this thread, for a browser without OffscreenCanvas: web.wasm (`source`) with
 * the app's fonts for its glyphs, drawing with the GPU backend on the canvas's WebGL.
 */
async function mainThreadScreen(config, bundle, canvas, source) {
  const gl = webglContext(canvas);
  const web = await loadWeb(source, (memory) => glImports(gl, memory));
  web.start(config.size[0], config.size[1], config.background, config.textureBudget * 2);
  for (const path of appFonts(bundle)) {
    if (!web.font(await bundleFile(bundle, path))) say('warn', `font ${path}: ${web.log()}`);
  }
  if (!web.gpu(config.maxTexture)) throw new Error(`no GPU backend: ${web.log()}`);
  say('info', `no OffscreenCanvas: the main thread draws (${web.describe()})`);
  const frames = [];
  return {
    frame(bytes, damaged) {
      const started = performance.now();
      web.frame(bytes);
      if (damaged && web.draw() === 2) say('error', web.log());
      for (const line of web.log().split('\n')) if (line) say('warn', line);
      frames.push(performance.now() - started);
    },
    textSet: (run, bytes) => web.textSet(run, bytes),
    textRemove: (run) => web.textRemove(run),
    image: (m) => web.imagePut(m.handle, m.width, m.height, m.pixels),
    drop: (handle) => web.imageDrop(handle),
    /** The run's report with what was drawn here: the renderer, its times, the last frame. */
    done(data) {
      const report = { ...data.report, renderer: `${web.describe()} (main thread)` };
      report.frameTimes = report.frameTimes.map((f, i) => ({ ...f, render: frames[i] ?? 0 }));
      return { ...data, report, pixels: web.read() };
    },
  };
}

/** A JSON file of the server's, as it is now; null when there is none. */
async function read(path) {
  const reply = await fetch(path, { cache: 'no-store' }).catch(() => null);
  return reply?.ok ? reply.json() : null;
}

/**
 * Under `marquee web --dev`: takes each edit the server writes into `dev/` (`Site::tell`), in
 * order — a script of changed modules for the app worker (Fast Refresh), a reload of the page
 * with the new bundle, or a problem to show over the app — every one after the first `told`,
 * which are in the bundle the page loaded.
 */
async function followEdits(app, told) {
  const refreshed = [];
  app.addEventListener('message', ({ data }) => {
    if (data.type === 'refreshed') refreshed.shift()?.(data.result);
  });
  const refresh = (script) =>
    new Promise((resolve) => {
      refreshed.push(resolve);
      app.postMessage({ type: 'refresh', script });
    });
  let taken = told;
  for (;;) {
    const last = (await read('dev/last.json'))?.last ?? taken;
    while (taken < last) {
      taken += 1;
      const edit = await read(`dev/${taken}.json`);
      if (edit?.kind === 'problem') {
        if (edit.text) show(edit.text);
        else hide();
      } else if (edit?.kind === 'reload') {
        location.reload();
        return;
      } else if (edit?.kind === 'refresh') {
        const result = await refresh(edit.script);
        if (result === 'refreshed') {
          hide();
          say('info', 'refreshed the app in place');
        } else if (result.startsWith('failed: ')) {
          const text = `The app failed to render the edit\n\n${result.slice('failed: '.length)}`;
          say('error', text);
          show(text);
        } else {
          say('info', `the edit cannot be applied in place (${result}): the page loads again`);
          location.reload();
          return;
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, EDIT_POLL_MS));
  }
}

async function main() {
  // Read before the config: an edit told after this is in the bundle the config names, or
  // comes as an edit (the server bundles it before it tells it).
  const told = (await read('dev/last.json'))?.last ?? 0;
  const config = await (await fetch('config.json', { cache: 'no-store' })).json();
  config.overlay ||= new URLSearchParams(location.search).has('overlay');
  const canvas = document.getElementById('screen');
  [canvas.width, canvas.height] = config.size;
  const bundle = await loadManifest(config.manifest);
  say('info', `bundle ${bundle.id}: ${bundle.manifest.app} ${bundle.manifest.version}`);
  const storage = storageFor(bundle.manifest.app);

  const engine = new Worker('engine-worker.js', { type: 'module', name: 'marquee-engine' });
  const app = new Worker('app-worker.js', { type: 'module', name: 'marquee-app' });
  const appChannel = new MessageChannel();
  const loaders = [];
  // Compiled once for every image worker (a browser without WebAssembly loads web.js in each).
  const webModule = typeof WebAssembly === 'object' ? await WebAssembly.compileStreaming(fetch(config.web)) : null;
  for (let i = 0; i < IMAGE_WORKERS; i++) {
    const worker = new Worker('image-worker.js', { type: 'module', name: `marquee-images-${i}` });
    const channel = new MessageChannel();
    worker.postMessage({ module: webModule, config, bundle, port: channel.port1 }, [channel.port1]);
    loaders.push(channel.port2);
  }
  const offscreen = typeof canvas.transferControlToOffscreen === 'function';
  const screen = offscreen
    ? null
    : await mainThreadScreen(config, bundle, canvas, webModule ?? (await webSource(config)));
  const onMessage = ({ data }) => {
    if (data.type === 'log') say(data.level, data.text, data.at);
    else if (data.type === 'failed') fail(data.error);
    else if (data.type === 'storage') storage.apply(data);
    else if (data.type === 'frame') screen.frame(data.bytes, data.draw);
    else if (data.type === 'text-set') screen.textSet(data.run, data.bytes);
    else if (data.type === 'text-remove') screen.textRemove(data.run);
    else if (data.type === 'image') screen.image(data);
    else if (data.type === 'image-drop') screen.drop(data.handle);
    else if (data.type === 'done') settle({ ...(screen ? screen.done(data) : data), log });
  };
  engine.onmessage = onMessage;
  app.onmessage = onMessage;
  engine.onerror = (e) => fail(`the engine worker failed: ${e.message}`);
  app.onerror = (e) => fail(`the app worker failed: ${e.message}`);
  const surface = offscreen ? canvas.transferControlToOffscreen() : null;
  engine.postMessage(
    {
      type: 'start',
      config,
      bundle,
      canvas: surface,
      app: appChannel.port1,
      images: loaders,
      deviceId: deviceId(config),
    },
    [...(surface ? [surface] : []), appChannel.port1, ...loaders],
  );
  app.postMessage({ type: 'start', config, bundle, port: appChannel.port2, storage: storage.snapshot }, [
    appChannel.port2,
  ]);
  const key = (action) => (event) => {
    const k = keyOf(event);
    if (!k) {
      // Not a remote's key: one character typed (no shortcut with Ctrl, Alt or Meta) is text input.
      const typed = [...event.key];
      if (action === ACTIONS.press && typed.length === 1 && !event.ctrlKey && !event.altKey && !event.metaKey) {
        event.preventDefault();
        engine.postMessage({ type: 'text', character: typed[0].codePointAt(0) });
      }
      return;
    }
    event.preventDefault();
    engine.postMessage({
      type: 'key',
      key: k,
      action: event.repeat && action === ACTIONS.press ? ACTIONS.repeat : action,
    });
  };
  window.addEventListener('keydown', key(ACTIONS.press));
  window.addEventListener('keyup', key(ACTIONS.release));
  // The debug overlay: F12 moves it on (hidden, shown, inspecting), a click picks the node under
  // it for the inspector; `?overlay` in the address shows it from the start.
  window.addEventListener('keydown', (event) => {
    if (event.key !== 'F12' || event.repeat) return;
    event.preventDefault();
    engine.postMessage({ type: 'overlay' });
  });
  canvas.addEventListener('click', (event) => {
    const box = canvas.getBoundingClientRect();
    const x = ((event.clientX - box.left) * canvas.width) / box.width;
    const y = ((event.clientY - box.top) * canvas.height) / box.height;
    engine.postMessage({ type: 'pick', x, y });
  });
  if (config.dev) followEdits(app, told).catch((e) => say('error', `following edits: ${e.message ?? e}`));
}

main().catch((e) => fail(e.message ?? String(e)));
