// The app worker: the app's JavaScript and the SDK, with the host binding the SDK looks for
// (`globalThis.__marqueeHost`, as the native host installs it), on a thread of their own.
// Batches go straight to the engine worker and events come straight back, as transferred
// ArrayBuffers; `requestAnimationFrame` runs with the engine's frames. What a device app may use
// and a worker lacks or has otherwise is made as on the native host: `localStorage` (kept in the
// page's storage under the app's name), and `fetch` within the app's permitted origins, `app:`
// URLs reading the bundle's own files (checked against its manifest). Under `marquee web --dev`
// it also takes edits to the running app (`refresh`).

import { bundleFile } from './bundle.js';

const APP_BASE = 'app://app/';
const MAX_FRAME_CALLBACKS = 10000;

function installStorage(page, snapshot) {
  const items = new Map(Object.entries(snapshot));
  const storage = {
    get length() {
      return items.size;
    },
    key: (i) => [...items.keys()][i] ?? null,
    getItem: (k) => items.get(String(k)) ?? null,
    setItem(k, v) {
      items.set(String(k), String(v));
      page.postMessage({ type: 'storage', set: [String(k), String(v)] });
    },
    removeItem(k) {
      items.delete(String(k));
      page.postMessage({ type: 'storage', remove: String(k) });
    },
    clear() {
      items.clear();
      page.postMessage({ type: 'storage', clear: true });
    },
  };
  Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true });
}

function installFetch(bundle, origins, offline) {
  const real = globalThis.fetch.bind(globalThis);
  globalThis.fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url, APP_BASE);
    if (url.protocol === 'app:') {
      const path = decodeURIComponent(url.pathname.replace(/^\//, ''));
      const bytes = await bundleFile(bundle, path).catch(() => null);
      return new Response(bytes, { status: bytes ? 200 : 404 });
    }
    if (!origins.includes(url.origin)) throw new TypeError(`${url.origin} is not among the app's permitted origins`);
    if (offline) throw new TypeError(`${url.origin}: the device is offline`);
    return real(url.href, init);
  };
}

self.onmessage = ({ data }) => {
  if (data.type === 'start')
    start(data).catch((e) => self.postMessage({ type: 'failed', error: `the app worker: ${e.message ?? e}` }));
  else if (data.type === 'refresh') self.postMessage({ type: 'refreshed', result: refresh(data.script) });
};

/**
 * An edit under `marquee web --dev`: a script that defines the app's changed modules on the
 * module runtime its build runs on and says how applying them went (`refreshed`, `failed: why`,
 * or anything else: the page loads again). Evaluated in the worker's global scope, as the
 * native host evaluates it.
 */
function refresh(script) {
  try {
    // biome-ignore lint/security/noGlobalEval: the edit is the app's own code, from the dev server the page came from, evaluated as the native host evaluates it.
    return String(globalThis.eval(script));
  } catch (e) {
    return `it threw: ${e}`;
  }
}

/**
 * The app's console, also in the page's log with the time it was said (as the native host keeps
 * it), and to the engine worker on `port`, whose debug overlay shows the last lines.
 */
function forwardConsole(port) {
  for (const [method, level] of [
    ['debug', 'debug'],
    ['log', 'app'],
    ['info', 'app'],
    ['warn', 'warn'],
    ['error', 'error'],
  ]) {
    const original = console[method].bind(console);
    console[method] = (...args) => {
      original(...args);
      const text = args
        .map((a) => (typeof a === 'string' ? a : a instanceof Error ? String(a) : JSON.stringify(a)))
        .join(' ');
      self.postMessage({ type: 'log', level, text, at: performance.timeOrigin + performance.now() });
      port.postMessage({ type: 'console', level: level === 'app' || level === 'debug' ? 'info' : level, text });
    };
  }
}

async function start({ config, bundle, port, storage }) {
  forwardConsole(port);
  const packageJson = JSON.parse(new TextDecoder().decode(await bundleFile(bundle, 'package.json')));
  installStorage(self, storage);
  installFetch(bundle, packageJson?.marquee?.permissions?.network ?? [], config.offline);

  let listener = null;
  let handled = 0;
  let frames = new Map();
  let nextFrame = 1;
  globalThis.requestAnimationFrame = (fn) => {
    if (typeof fn !== 'function') throw new TypeError('frame callback is not a function');
    if (frames.size >= MAX_FRAME_CALLBACKS) throw new RangeError('too many frame callbacks');
    if (frames.size === 0) port.postMessage({ type: 'wants-frame', on: true });
    frames.set(nextFrame, fn);
    return nextFrame++;
  };
  globalThis.cancelAnimationFrame = (id) => void frames.delete(id);
  globalThis.__marqueeHost = Object.freeze({
    send(batch) {
      const copy = new Uint8Array(batch);
      port.postMessage(copy.buffer, [copy.buffer]);
    },
    listen(fn) {
      listener = fn;
    },
    viewport: Object.freeze({ width: config.size[0], height: config.size[1] }),
  });
  port.onmessage = ({ data: message }) => {
    if (message instanceof ArrayBuffer) {
      try {
        listener?.(new Uint8Array(message));
      } catch (e) {
        console.error('event listener threw:', e);
      }
      handled += 1;
      port.postMessage({ type: 'handled', n: handled });
    } else if (message.type === 'frame') {
      const now = frames;
      frames = new Map();
      port.postMessage({ type: 'wants-frame', on: false });
      for (const fn of now.values()) {
        try {
          fn(message.time);
        } catch (e) {
          console.error('frame callback threw:', e);
        }
      }
    }
  };
  const source = await bundleFile(bundle, bundle.manifest.entry);
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    await import(url);
    // The app's module has run (its first batches are ahead of this on the port): until now a
    // quiet engine is not an idle app.
    port.postMessage({ type: 'started' });
  } catch (e) {
    self.postMessage({ type: 'failed', error: `the app failed to start: ${e.stack ?? e}` });
  }
}
