// An image worker: fetches an image the engine asked for (a bundle file, checked against the
// manifest, or an http(s) URL), decodes it with web.wasm — the native host's decoder, so the
// pixels are the same — and hands the premultiplied pixels to the engine worker. Off the engine
// worker, so a large poster never delays a frame. Failures carry the protocol's reasons.

import { BundleError, bundleFile, bundlePath } from './bundle.js';
import { loadWeb, webSource } from './modules.js';

const NOT_FOUND = 2;
const UNREACHABLE = 3;
const TOO_LARGE = 4;
const BAD_SOURCE = 1;
const CORRUPT = 6;
// marquee-image's defaults: the most bytes one image may take, the longest one fetch may.
const MAX_ENCODED = 16 << 20;
const FETCH_TIMEOUT_MS = 10000;

let web = null;
let bundle = null;
let port = null;

async function fetchImage(src) {
  // A path that climbs out of the bundle, or names it from the root, is refused as the native
  // host refuses it, whether or not such a file exists.
  if (
    !/^[a-z][a-z0-9+.-]*:/i.test(src) &&
    (src.startsWith('/') || src.includes('\\') || src.split('/').includes('..'))
  ) {
    throw Object.assign(new Error(`${src}: outside the app`), { reason: BAD_SOURCE });
  }
  const path = bundlePath(bundle, src);
  if (path) return bundleFile(bundle, path);
  if (!/^https?:/i.test(src)) {
    const reason = /^[a-z][a-z0-9+.-]*:/i.test(src) ? BAD_SOURCE : NOT_FOUND;
    throw Object.assign(new Error(`${src}: not in the bundle`), { reason });
  }
  let reply;
  try {
    reply = await fetch(src, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (e) {
    throw Object.assign(new Error(`${src}: ${e.message}`), { reason: UNREACHABLE });
  }
  if (!reply.ok)
    throw Object.assign(new Error(`${src}: HTTP ${reply.status}`), {
      reason: reply.status === 404 ? NOT_FOUND : UNREACHABLE,
    });
  const bytes = new Uint8Array(await reply.arrayBuffer());
  if (bytes.length > MAX_ENCODED)
    throw Object.assign(new Error(`${src}: ${bytes.length} bytes`), { reason: TOO_LARGE });
  return bytes;
}

async function load({ handle, ticket, src }) {
  try {
    const decoded = web.decode(await fetchImage(src));
    if (decoded.reason) {
      port.postMessage({ handle, ticket, src, reason: decoded.reason, detail: decoded.detail });
    } else {
      port.postMessage({ handle, ticket, src, ...decoded }, [decoded.pixels.buffer]);
    }
  } catch (e) {
    const reason = e.reason ?? (e instanceof BundleError ? CORRUPT : UNREACHABLE);
    port.postMessage({ handle, ticket, src, reason, detail: e.message });
  }
}

self.onmessage = async ({ data }) => {
  ({ bundle, port } = data);
  web = await loadWeb(data.module ?? (await webSource(data.config)), null);
  port.onmessage = ({ data: request }) => load(request);
  port.postMessage({ ready: true });
};
