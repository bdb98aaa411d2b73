// A bundle in the page: its manifest (named by its own SHA-256) and its files (content-addressed
// objects), each checked against the manifest before anything uses it. A byte that differs is
// refused with an error that says which file, and nothing of it runs.

export class BundleError extends Error {}

// The platform's fetch, taken before the app worker wraps the global one with the app's origins.
const platformFetch = globalThis.fetch.bind(globalThis);

/** Bytes (an ArrayBuffer or a typed array) as lowercase hex. */
export const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');

export async function sha256(bytes) {
  return hex(await crypto.subtle.digest('SHA-256', bytes));
}

/** The app's fonts, in name order as the native host loads them (the first is the default). */
export function appFonts(bundle) {
  return Object.keys(bundle.manifest.files)
    .filter((p) => /^assets\/fonts\/[^/]+\.(ttf|otf|ttc|otc)$/i.test(p))
    .sort();
}

/** Fetches `url` whole, or throws a BundleError saying what failed. */
async function fetchBytes(url, what) {
  let reply;
  try {
    reply = await platformFetch(url);
  } catch (e) {
    throw new BundleError(`${what}: ${e.message}`);
  }
  if (!reply.ok) throw new BundleError(`${what}: HTTP ${reply.status}`);
  return new Uint8Array(await reply.arrayBuffer());
}

/** The manifest at `url` (`STORE/bundles/ID.json`), checked against the id its name carries. */
export async function loadManifest(url) {
  const bytes = await fetchBytes(url, 'the bundle manifest');
  const id = url
    .split('/')
    .pop()
    .replace(/\.json$/, '');
  const digest = await sha256(bytes);
  if (/^[0-9a-f]{64}$/.test(id) && digest !== id) {
    throw new BundleError(`the bundle manifest does not match its id (${digest} is not ${id})`);
  }
  const manifest = JSON.parse(new TextDecoder().decode(bytes));
  if (manifest.format !== 1 || typeof manifest.files !== 'object') throw new BundleError('not a bundle manifest');
  return { id, manifest, objects: new URL('../objects/', new URL(url, location.href)).href };
}

/** The bytes of `path` in the bundle, checked against the manifest's size and SHA-256. */
export async function bundleFile(bundle, path) {
  const entry = bundle.manifest.files[path];
  if (!entry) throw new BundleError(`${path} is not in the bundle`);
  const bytes = await fetchBytes(bundle.objects + entry.sha256, path);
  if (bytes.length !== entry.size || (await sha256(bytes)) !== entry.sha256) {
    throw new BundleError(`${path} was refused: it does not match the bundle's manifest`);
  }
  return bytes;
}

/** The bundle's path for an image source naming one of its files, or null. */
export function bundlePath(bundle, src) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(src)) return null;
  const path = src.replace(/^\.?\//, '');
  return Object.hasOwn(bundle.manifest.files, path) ? path : null;
}
