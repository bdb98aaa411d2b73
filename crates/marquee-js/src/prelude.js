// The app thread's web-style globals, installed before the app's first module runs.
//
// Evaluated as a script with the host's native functions in `native` (send, log, now) and the
// viewport; returns the control object the Rust side drives (timers, frames, event delivery).
// Callbacks run inside try/catch so one failing callback is reported and the others still run;
// an interrupt (the app overran its time budget) is uncatchable and ends the whole entry.
(function (native, viewport) {
  'use strict';
  // Timers and frame callbacks an app may have waiting at once: far more than a UI uses, few
  // enough that running them stays cheap. Past it, scheduling throws (the app hears why).
  const MAX_TIMERS = 10000;
  const timers = new Map();
  let nextTimer = 1;
  let frames = new Map();
  let nextFrame = 1;
  let listener = null;

  function show(value) {
    if (typeof value === 'string') return value;
    if (value instanceof Error) return value.stack ? `${value}\n${value.stack}` : String(value);
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return String(value);
    }
  }
  const log = (level) => (...args) => native.log(level, args.map(show).join(' '));
  function report(what, e) {
    native.log(3, `${what} threw: ${show(e)}`);
  }

  globalThis.console = Object.freeze({ debug: log(0), log: log(1), info: log(1), warn: log(2), error: log(3) });
  globalThis.performance = Object.freeze({ now: () => native.now() });

  function schedule(fn, ms, args, repeat) {
    if (typeof fn !== 'function') throw new TypeError('timer callback is not a function');
    if (timers.size >= MAX_TIMERS) throw new RangeError(`too many timers: ${MAX_TIMERS} are already waiting`);
    const delay = Math.max(0, Number(ms) || 0);
    const id = nextTimer++;
    timers.set(id, { fn, args, at: native.now() + delay, every: repeat ? Math.max(1, delay) : 0 });
    return id;
  }
  globalThis.setTimeout = (fn, ms, ...args) => schedule(fn, ms, args, false);
  globalThis.setInterval = (fn, ms, ...args) => schedule(fn, ms, args, true);
  globalThis.clearTimeout = (id) => void timers.delete(id);
  globalThis.clearInterval = (id) => void timers.delete(id);
  globalThis.requestAnimationFrame = (fn) => {
    if (typeof fn !== 'function') throw new TypeError('frame callback is not a function');
    if (frames.size >= MAX_TIMERS) throw new RangeError(`too many frame callbacks: ${MAX_TIMERS} are already waiting`);
    const id = nextFrame++;
    frames.set(id, fn);
    return id;
  };
  globalThis.cancelAnimationFrame = (id) => void frames.delete(id);

  globalThis.__marqueeHost = Object.freeze({
    send: (batch) => native.send(batch),
    listen: (fn) => {
      listener = fn;
    },
    viewport: Object.freeze({ width: viewport[0], height: viewport[1] }),
  });

  return {
    /** Runs the timers due at `now`, earliest first; returns the next due time, or -1. */
    runTimers(now) {
      const due = [...timers].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
      for (const [id, t] of due) {
        if (timers.get(id) !== t) continue; // cleared by an earlier callback
        if (t.every) t.at = now + t.every;
        else timers.delete(id);
        try {
          t.fn(...t.args);
        } catch (e) {
          report('timer', e);
        }
      }
      let next = -1;
      for (const t of timers.values()) if (next < 0 || t.at < next) next = t.at;
      return next;
    },
    /** Runs the frame callbacks registered before this frame. */
    runFrame(time) {
      const now = frames;
      frames = new Map();
      for (const fn of now.values()) {
        try {
          fn(time);
        } catch (e) {
          report('frame callback', e);
        }
      }
    },
    wantsFrame: () => frames.size > 0,
    /** The timers and frame callbacks waiting, for the host's debug overlay. */
    waiting: () => [timers.size, frames.size],
    /** Hands an event batch to the SDK. */
    deliver(bytes) {
      if (!listener) return;
      try {
        listener(bytes);
      } catch (e) {
        report('event listener', e);
      }
    },
  };
});
