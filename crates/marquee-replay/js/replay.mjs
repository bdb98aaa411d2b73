// Replays an input stream through engine.js in any JavaScript host — Node, a browser, QuickJS —
// and returns every frame buffer as hex, for the Rust harness to compare with the native engine.
//
// A host without the text service answers the engine's measurements from a log of the native
// run: the engine asks in the same order in every build (it is the same code), so answer k goes
// to question k, and a question that differs from the logged one is a divergence in itself.
//
// stream = {
//   steps: [{ raw: "hex" } | { key: [key, action] } | { text: codePoint } | { ready: [image, w, h] }
//           | { failed: [image, reason] }
//           | { budget: [low, high] } | { frame: ms }],
//   measures: [[run, maxWidthBits, widthBits, heightBits], ...]
// }
export function replay(instantiate, stream) {
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  const frames = [];
  play(instantiate, stream, (bytes) => frames.push(hex(bytes)));
  return frames;
}

// Plays the stream, handing each frame buffer and the milliseconds the engine spent since the
// previous frame (steps and frame call, measured before the sink runs) to `sink`. With
// `profile`, the engine times its phases (ABI `mq_profile`) and the sink also gets the frame's
// split in ms: [commands, layout, animation, display list].
export function play(instantiate, stream, sink, profile = false) {
  let high = 0;
  let asked = 0;
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  const bits = (x) => { f32[0] = x; return u32[0]; };
  const e = instantiate({
    env: { setTempRet0(v) { high = v | 0; }, getTempRet0() { return high; } },
    marquee: {
      text_set() {},
      text_remove() {},
      text_measure(run, maxWidth) {
        const m = stream.measures[asked++];
        if (!m || m[0] !== run >>> 0 || m[1] !== bits(maxWidth)) {
          throw new Error(`measurement ${asked} differs: run ${run >>> 0} at ${maxWidth}, logged ${JSON.stringify(m)}`);
        }
        high = m[3] | 0;
        return m[2] | 0;
      },
      clock: () => performance.now(),
    },
  });
  if (profile) e.mq_profile(1);
  const stat = (which) => (e.mq_stat(which) >>> 0) + (high >>> 0) * 4294967296;
  const unhex = (s) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));
  // Batches are decoded before the clock starts: that is the host's work, not the engine's.
  const batches = stream.steps.map((step) => (step.raw !== undefined ? unhex(step.raw) : null));
  let start = performance.now();
  let commands = 0;
  stream.steps.forEach((step, i) => {
    const t = performance.now();
    if (step.raw !== undefined) {
      const bytes = batches[i];
      const ptr = e.mq_alloc(bytes.length) >>> 0;
      new Uint8Array(e.memory.buffer).set(bytes, ptr);
      e.mq_apply(ptr, bytes.length);
      e.mq_free(ptr, bytes.length);
    } else if (step.key) e.mq_key(step.key[0], step.key[1]);
    else if (step.text !== undefined) e.mq_text(step.text);
    else if (step.ready) e.mq_image_ready(...step.ready);
    else if (step.failed) e.mq_image_failed(...step.failed);
    else if (step.budget) e.mq_set_texture_budget(...step.budget);
    else if (step.frame !== undefined) {
      const ptr = e.mq_frame(step.frame) >>> 0;
      const len = high >>> 0;
      const elapsed = performance.now() - start;
      const split = profile ? [commands, stat(9) / 1e6, stat(10) / 1e6, stat(11) / 1e6] : null;
      sink(new Uint8Array(e.memory.buffer, ptr, len), elapsed, split);
      commands = 0;
      start = performance.now();
      return;
    }
    commands += performance.now() - t;
  });
}
