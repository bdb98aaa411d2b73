// The two Wasm (or wasm2js) modules a page runs, behind small adapters: web.wasm, the browser
// host's Rust half (text service, layer tree, image decoding, the GPU backend; see marquee-web's
// abi.rs), and the engine — engine.wasm through the page's WebAssembly, or engine.js, the same
// engine compiled to JavaScript — called as the native hosts call it (marquee-engine-quickjs's
// glue.js is the same adapter for QuickJS). Bytes cross by copying into a buffer the module
// allocates; 64-bit results are BigInts from WebAssembly and a low half plus wasm2js's tempRet.

const MAX_PARAGRAPH_BYTES = 1 << 20;

// web.wasm's `debug.query` answers that are not lengths: no debug query, the call failed.
const NO_QUERY = 0xffffffff;
const QUERY_FAILED = 0xfffffffe;

const utf8Encoder = new TextEncoder();

// One decoder for every string a module returns (one a call would be made every frame).
const utf8 = new TextDecoder();

/** `ptr | len << 32` as [ptr, len]. */
function split(packed) {
  const v = BigInt.asUintN(64, BigInt(packed));
  return [Number(v & 0xffffffffn), Number(v >> 32n)];
}

/** Copies `bytes` into a fresh buffer of `exports` (`alloc`/`free` named by `prefix`) and calls `f(ptr, len)`. */
function withBytes(exports, prefix, bytes, f) {
  const len = bytes.length;
  const ptr = len === 0 ? 0 : exports[`${prefix}_alloc`](len) >>> 0;
  if (len !== 0 && ptr === 0) throw new Error('out of memory');
  if (len !== 0) new Uint8Array(exports.memory.buffer).set(bytes, ptr);
  try {
    return f(ptr, len);
  } finally {
    if (len !== 0) exports[`${prefix}_free`](ptr, len);
  }
}

/** web.wasm compiled, or, in a browser without WebAssembly, web.js's factory. */
export async function webSource(config) {
  if (typeof WebAssembly === 'object') return WebAssembly.compileStreaming(fetch(config.web));
  return (await import(new URL(config.webJs, location.href).href)).instantiate;
}

/**
 * web.wasm (a compiled `WebAssembly.Module`) or web.js (its wasm2js factory, `instantiate`)
 * instantiated with `gl` imports (none: a decoding-only instance, for image workers).
 */
export async function loadWeb(source, gl) {
  let exports = null;
  let high = 0; // wasm2js passes the high half of a 64-bit value through here
  // The engine's debug query, for the overlay (`setDebugQuery`): the answer's bytes or null.
  let ask = null;
  const imports = {
    gl: gl ? gl(() => exports.memory) : new Proxy({}, { get: () => () => 0 }),
    env: {
      setTempRet0: (v) => {
        high = v | 0;
      },
      getTempRet0: () => high,
    },
    debug: {
      query(kind, a, b, ptr, cap) {
        let answer = null;
        try {
          answer = ask?.(kind >>> 0, a >>> 0, b >>> 0);
        } catch {
          return QUERY_FAILED | 0;
        }
        if (!answer) return NO_QUERY | 0;
        const n = Math.min(answer.length, cap >>> 0);
        new Uint8Array(exports.memory.buffer, ptr >>> 0, n).set(answer.subarray(0, n));
        return answer.length | 0;
      },
    },
  };
  const wasm = typeof source !== 'function';
  exports = wasm
    ? (await WebAssembly.instantiate(source, { gl: imports.gl, debug: imports.debug })).exports
    : source(imports);
  const wide = (v) => (wasm ? split(v) : [v >>> 0, high >>> 0]);
  const overlay = typeof exports.mw_overlay_cycle === 'function';
  const view = (packed) => {
    const [ptr, len] = wide(packed);
    return new Uint8Array(exports.memory.buffer, ptr, len);
  };
  const string = (packed) => utf8.decode(view(packed));
  return {
    wasm,
    start(width, height, background, imageCap) {
      const cap = BigInt(imageCap);
      exports.mw_new(width, height, background >>> 0, Number(cap & 0xffffffffn), Number(cap >> 32n));
    },
    font: (bytes) => withBytes(exports, 'mw', bytes, (p, l) => exports.mw_font(p, l) === 1),
    textSet: (run, bytes) => withBytes(exports, 'mw', bytes, (p, l) => exports.mw_text_set(run, p, l)),
    textRemove: (run) => exports.mw_text_remove(run),
    textMeasure: (run, maxWidth) => wide(exports.mw_text_measure(run, maxWidth)),
    /** Applies a frame; returns { invalidate, events (a copy), requests }. */
    frame(bytes) {
      const invalidate = withBytes(exports, 'mw', bytes, (p, l) => exports.mw_frame(p, l)) === 1;
      // Most frames ask for no image: `[]` is not parsed.
      const requests = view(exports.mw_requests());
      return {
        invalidate,
        events: view(exports.mw_events()).slice(),
        requests: requests.length > 2 ? JSON.parse(utf8.decode(requests)) : [],
      };
    },
    /** Decodes an image: { width, height, pixels } or { reason, detail }. */
    decode(bytes) {
      const reason = withBytes(exports, 'mw', bytes, (p, l) => exports.mw_decode(p, l));
      if (reason !== 0) return { reason, detail: string(exports.mw_log()) };
      const [width, height] = wide(exports.mw_decoded_size());
      return { width, height, pixels: view(exports.mw_decoded()).slice() };
    },
    imagePut: (handle, width, height, pixels) =>
      withBytes(exports, 'mw', pixels, (p, l) => exports.mw_image_put(handle, width, height, p, l)),
    imageDrop: (handle) => exports.mw_image_drop(handle),
    gpu: (maxTexture) => exports.mw_gpu(maxTexture) === 1,
    draw: () => exports.mw_draw(),
    read: () => view(exports.mw_read()).slice(),
    stat: (which) => exports.mw_stat(which),
    memoryBytes: () => exports.memory.buffer.byteLength,
    log: () => string(exports.mw_log()),
    describe: () => string(exports.mw_describe()),
    // The debug overlay (marquee-web's abi/overlay.rs), in web.wasm; web.js is built without
    // it, and there each call is a no-op. 2 from a call means the debug query failed.
    hasOverlay: overlay,
    setDebugQuery(f) {
      ask = f;
    },
    overlayCycle: () => (overlay ? exports.mw_overlay_cycle() : 0),
    overlayKey: (key, action, time, now) => (overlay ? exports.mw_overlay_key(key, action, time, now) : 0),
    overlayPick: (x, y) => (overlay ? exports.mw_overlay_pick(x, y) : 0),
    overlayDue: (time) => overlay && exports.mw_overlay_due(time) === 1,
    overlayBuild: (figures, time) =>
      withBytes(exports, 'mw', utf8Encoder.encode(JSON.stringify(figures)), (p, l) =>
        exports.mw_overlay_build(p, l, time),
      ),
    overlayPresented: (now) => overlay && exports.mw_overlay_presented(now),
    /** The node the inspector has picked, or null. */
    overlayInspected() {
      const id = overlay ? exports.mw_overlay_inspected() >>> 0 : 0xffffffff;
      return id === 0xffffffff ? null : id;
    },
  };
}

/** engine.js's factory (`instantiate`), from its source: imported as a module from a blob URL. */
export async function engineJs(source) {
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  try {
    return (await import(url)).instantiate;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The engine from a compiled engine.wasm (a `WebAssembly.Module`) or engine.js's factory. */
export function startEngine(source, text, clock) {
  if (typeof source === 'function')
    return makeEngine((imports) => ({ wasm: false, exports: source(imports) }), text, clock);
  return makeEngine(
    (imports) => ({ wasm: true, exports: new WebAssembly.Instance(source, imports).exports }),
    text,
    clock,
  );
}

/**
 * The engine: `instantiate(imports)` returns its exports — engine.js's factory, or a
 * WebAssembly module's instantiation; `text` is web.wasm's text service.
 */
export function makeEngine(instantiate, text, clock) {
  let high = 0; // wasm2js passes the high half of a 64-bit value through here
  let e = null;
  const bytesAt = (ptr, len) => new Uint8Array(e.memory.buffer, ptr >>> 0, len >>> 0);
  const imports = {
    env: {
      setTempRet0: (v) => {
        high = v | 0;
      },
      getTempRet0: () => high,
    },
    marquee: {
      text_set(run, ptr, len) {
        ptr >>>= 0;
        len >>>= 0;
        if (len > MAX_PARAGRAPH_BYTES || ptr + len > e.memory.buffer.byteLength) text.textRemove(run >>> 0);
        else text.textSet(run >>> 0, bytesAt(ptr, len));
      },
      text_remove: (run) => text.textRemove(run >>> 0),
      text_measure(run, maxWidth) {
        const [w, h] = text.textMeasure(run >>> 0, maxWidth);
        if (wasm) return BigInt(w) | (BigInt(h) << 32n);
        high = h | 0;
        return w | 0;
      },
      clock,
    },
  };
  const made = instantiate(imports);
  const wasm = made.wasm;
  e = made.exports;
  const wide = (v) => {
    if (wasm) return split(v);
    return [v >>> 0, high >>> 0];
  };
  return {
    wasm,
    abi: () => e.mq_abi_version() >>> 0,
    apply: (bytes) => withBytes(e, 'mq', bytes, (p, l) => e.mq_apply(p, l) >>> 0),
    /** The frame buffer, copied out. */
    frame(time) {
      const [ptr, len] = wide(e.mq_frame(time));
      if (ptr + len > e.memory.buffer.byteLength) throw new Error('the engine returned a frame outside its memory');
      return bytesAt(ptr, len).slice();
    },
    key: (key, action) => e.mq_key(key, action) !== 0,
    /** A typed character (its code point); false from a build without text input. */
    text: (character) => typeof e.mq_text === 'function' && e.mq_text(character) !== 0,
    stat(which) {
      const [low, hi] = wide(e.mq_stat(which));
      return low + hi * 4294967296;
    },
    imageReady: (image, width, height) => e.mq_image_ready(image, width, height) !== 0,
    imageFailed: (image, reason) => e.mq_image_failed(image, reason) !== 0,
    setTextureBudget: (bytes) => e.mq_set_texture_budget(bytes % 4294967296, Math.floor(bytes / 4294967296)),
    profile: (on) => e.mq_profile(on),
    invalidate: () => e.mq_invalidate(),
    memoryBytes: () => e.memory.buffer.byteLength,
    /** The debug query's answer (docs/debug.md), copied out; null for a build without it. */
    debugQuery(kind, a, b) {
      if (typeof e.mq_debug_query !== 'function') return null;
      const [ptr, len] = wide(e.mq_debug_query(kind, a, b));
      if (ptr + len > e.memory.buffer.byteLength) throw new Error('the engine answered outside its memory');
      return bytesAt(ptr, len).slice();
    },
  };
}
