// Adapts engine.js's ABI to the calls the Rust host makes, so that each one crosses between Rust
// and JavaScript once: byte buffers in and out of the engine's memory, 64-bit results put back
// together. Evaluated as a script; `makeEngine(instantiate, host)` is called once per instance.
//
// `host` is the text service: textSet(run, bytes), textRemove(run), textMeasure(run, maxWidth)
// -> [widthBits, heightBits]; and clock() -> ms, read only while profiling. Like the wasmtime host, the imports never throw on bad input: a
// paragraph outside memory or too large is treated as no paragraph.
function makeEngine(instantiate, host) {
  const MAX_PARAGRAPH_BYTES = 1 << 20;
  let high = 0; // wasm2js passes the high half of a 64-bit value through here
  let e = null;
  e = instantiate({
    env: {
      setTempRet0(v) { high = v | 0; },
      getTempRet0() { return high; },
    },
    marquee: {
      text_set(run, ptr, len) {
        ptr >>>= 0;
        len >>>= 0;
        const buffer = e.memory.buffer;
        if (len > MAX_PARAGRAPH_BYTES || ptr + len > buffer.byteLength) host.textRemove(run >>> 0);
        else host.textSet(run >>> 0, new Uint8Array(buffer, ptr, len));
      },
      text_remove(run) { host.textRemove(run >>> 0); },
      text_measure(run, maxWidth) {
        const size = host.textMeasure(run >>> 0, maxWidth);
        high = size[1] | 0;
        return size[0] | 0;
      },
      clock: () => host.clock(),
    },
  });
  return {
    abi: () => e.mq_abi_version() >>> 0,
    protocol: () => e.mq_protocol_version() >>> 0,
    // The batch goes into a buffer the engine allocates; -1 if it cannot.
    apply(bytes) {
      const len = bytes.length;
      const ptr = e.mq_alloc(len) >>> 0;
      if (ptr === 0 && len !== 0) return -1;
      new Uint8Array(e.memory.buffer).set(bytes, ptr);
      const rejected = e.mq_apply(ptr, len) >>> 0;
      e.mq_free(ptr, len);
      return rejected;
    },
    // A view of the frame buffer, or null if the engine pointed outside its memory.
    frame(time) {
      const ptr = e.mq_frame(time) >>> 0;
      const len = high >>> 0;
      const buffer = e.memory.buffer;
      return ptr + len <= buffer.byteLength ? new Uint8Array(buffer, ptr, len) : null;
    },
    key: (key, action) => e.mq_key(key, action) !== 0,
    // Optional: an engine.js from before text input lacks it (false: not taken).
    text: (character) => typeof e.mq_text === 'function' && e.mq_text(character) !== 0,
    // As a number: counters stay far below 2^53.
    stat(which) {
      const low = e.mq_stat(which) >>> 0;
      return low + (high >>> 0) * 4294967296;
    },
    imageReady: (image, width, height) => e.mq_image_ready(image, width, height) !== 0,
    imageFailed: (image, reason) => e.mq_image_failed(image, reason) !== 0,
    setTextureBudget: (low, high) => e.mq_set_texture_budget(low, high),
    profile: (on) => e.mq_profile(on),
    invalidate: () => e.mq_invalidate(),
    // Optional: an engine.js from before the debug query lacks it (undefined: none). Else a
    // view of the answer, or null if the engine pointed outside its memory.
    debugQuery(kind, a, b) {
      if (typeof e.mq_debug_query !== 'function') return undefined;
      const ptr = e.mq_debug_query(kind, a, b) >>> 0;
      const len = high >>> 0;
      const buffer = e.memory.buffer;
      return ptr + len <= buffer.byteLength ? new Uint8Array(buffer, ptr, len) : null;
    },
    memoryBytes: () => e.memory.buffer.byteLength,
  };
}
