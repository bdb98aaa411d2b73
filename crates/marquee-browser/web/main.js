// The page's main thread: it only takes input and shows frames. It reads the page's config,
// checks the bundle's manifest, starts the engine worker (handing it the canvas as an
// OffscreenCanvas), the app worker and the image workers, joins them with MessageChannels, and
// forwards keys. Errors are shown over the canvas. `window.marquee` is what a test or the
// headless driver reads: the log, and the report and last frame once a run ends.

import { loadManifest } from './bundle.js';
import { ACTIONS, keyOf } from './keys.js';

const IMAGE_WORKERS = 2;
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

async function main() {
  const config = await (await fetch('config.json')).json();
  const canvas = document.getElementById('screen');
  [canvas.width, canvas.height] = config.size;
  if (typeof canvas.transferControlToOffscreen !== 'function') {
    throw new Error('this browser has no OffscreenCanvas: the engine worker cannot draw');
  }
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
  const onMessage = ({ data }) => {
    if (data.type === 'log') say(data.level, data.text, data.at);
    else if (data.type === 'failed') fail(data.error);
    else if (data.type === 'storage') storage.apply(data);
    else if (data.type === 'done') settle({ ...data, log });
  };
  engine.onmessage = onMessage;
  app.onmessage = onMessage;
  engine.onerror = (e) => fail(`the engine worker failed: ${e.message}`);
  app.onerror = (e) => fail(`the app worker failed: ${e.message}`);
  const offscreen = canvas.transferControlToOffscreen();
  engine.postMessage(
    {
      type: 'start',
      config,
      bundle,
      canvas: offscreen,
      app: appChannel.port1,
      images: loaders,
      deviceId: deviceId(config),
    },
    [offscreen, appChannel.port1, ...loaders],
  );
  app.postMessage({ type: 'start', config, bundle, port: appChannel.port2, storage: storage.snapshot }, [
    appChannel.port2,
  ]);
  const key = (action) => (event) => {
    const k = keyOf(event);
    if (!k) return;
    event.preventDefault();
    engine.postMessage({
      type: 'key',
      key: k,
      action: event.repeat && action === ACTIONS.press ? ACTIONS.repeat : action,
    });
  };
  window.addEventListener('keydown', key(ACTIONS.press));
  window.addEventListener('keyup', key(ACTIONS.release));
}

main().catch((e) => fail(e.message ?? String(e)));
