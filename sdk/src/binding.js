// The one place the SDK touches its host. Everything else in the SDK is plain ECMAScript, so it
// runs unchanged in the native host (QuickJS), in Node and in a browser; only this module knows
// how a host is found.
//
// A host binding is an object with:
//   send(batch: Uint8Array)        post one command batch to the engine thread
//   listen(fn: (Uint8Array) => void)  receive event batches from the engine thread
//   viewport: { width, height }    the surface size the engine lays out into
//
// The native host installs it as `globalThis.__marqueeHost` before the app's first module runs.
// Tests and other embedders pass their own to `createApp({ host })`.

export function hostBinding() {
  const host = globalThis.__marqueeHost;
  if (!host) throw new Error('@marquee/sdk: no Marquee host in this environment; pass createApp({ host })');
  return host;
}
