// node drive.mjs URL OUT_DIR TIMEOUT_S [--no-wasm] [--no-offscreen-canvas] [--type AFTER KEYS]: opens a Marquee page
// in headless Chromium (Debian's, or CHROMIUM; driven by the workspace's playwright-core), waits
// until its run ends (`window.marquee.done`), and writes OUT_DIR/report.json and
// OUT_DIR/frame.rgba (the last frame, RGBA rows top to bottom), or OUT_DIR/error.txt (what the
// page showed) and exits 2. The page's console goes to stderr as it comes. With --no-wasm the
// page has no WebAssembly object, and with --no-offscreen-canvas no OffscreenCanvas, as on
// browsers without them. The report gains what only the browser can tell: the main thread's busy
// time over the run (the DevTools protocol's Performance metrics; from `window.marquee.started`
// on, where the page has it, else from loading) and, in a cross-origin-isolated page, each
// thread's JavaScript heap (measureUserAgentSpecificMemory). A page with `window.marquee.started`
// (the benchmark page) is also traced from then on: the CPU time — not wall time, which counts
// waiting on the GPU process — of each animation frame in its worker, and of its main thread.
// With --type, once the page's log has a line containing AFTER, each character of KEYS is
// pressed and released on a keyboard: a DOM keydown and keyup naming it, as a keyboard of any
// layout sends them (playwright's own typing sends only an input event for a character its US
// layout lacks, such as é).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

// Trace categories for the threads' CPU time (`tdur`) per task and animation frame.
const TRACE = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', '__metadata'];

/**
 * From a trace: the CPU ms of each animation frame in the page's dedicated worker that ran the
 * most of them, and of the renderer's main thread's top-level tasks, summed.
 */
function threadCpu(events) {
  const names = events.filter((e) => e.ph === 'M' && e.name === 'thread_name');
  const main = names.find((e) => e.args.name === 'CrRendererMain');
  const workers = names.filter((e) => e.args.name === 'DedicatedWorker thread' && e.pid === main?.pid);
  const on = (thread, name) =>
    events.filter((e) => e.ph === 'X' && e.pid === thread.pid && e.tid === thread.tid && e.name === name);
  const frames = workers
    .map((w) => on(w, 'FireAnimationFrame').map((e) => (e.tdur ?? 0) / 1000))
    .sort((a, b) => b.length - a.length)[0];
  const mainMs = main ? on(main, 'RunTask').reduce((sum, e) => sum + (e.tdur ?? 0) / 1000, 0) : 0;
  return { workerFrames: frames ?? [], mainMs };
}

const [url, out, timeout, ...flags] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  // No GPU here: WebGL runs on SwiftShader, Chromium's software GL.
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--enable-unsafe-swiftshader',
    '--disable-background-networking',
    // measureUserAgentSpecificMemory answers at once rather than at the next GC.
    '--enable-blink-features=ForceEagerMeasureMemory',
  ],
});
const timer = setTimeout(() => {
  process.stderr.write(`drive.mjs: the page did not finish within ${timeout} s\n`);
  process.exit(3);
}, Number(timeout) * 1000);
try {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'UTC' });
  page.on('console', (m) => process.stderr.write(`page ${m.type()}: ${m.text()}\n`));
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
  if (flags.includes('--no-wasm')) await page.addInitScript(() => delete globalThis.WebAssembly);
  if (flags.includes('--no-offscreen-canvas')) {
    await page.addInitScript(() => {
      delete HTMLCanvasElement.prototype.transferControlToOffscreen;
      delete globalThis.OffscreenCanvas;
    });
  }
  const devtools = await page.context().newCDPSession(page);
  await devtools.send('Performance.enable');
  await page.goto(url);
  const typing = flags.indexOf('--type');
  if (typing >= 0) {
    const [after, keys] = flags.slice(typing + 1, typing + 3);
    await page.waitForFunction((text) => window.marquee?.log.some((l) => l.text.includes(text)), after, {
      polling: 20,
      timeout: 0,
    });
    for (const key of keys) {
      for (const type of ['keyDown', 'keyUp']) {
        await devtools.send('Input.dispatchKeyEvent', { type, key, text: type === 'keyDown' ? key : undefined });
      }
    }
  }
  const metrics = async () => {
    const { metrics } = await devtools.send('Performance.getMetrics');
    const ms = (name) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
    return { taskMs: ms('TaskDuration'), scriptMs: ms('ScriptDuration') };
  };
  let tracing = false;
  const since = page
    .evaluate(() => window.marquee.started?.then(() => true))
    .then(async (started) => {
      if (!started) return null;
      await browser.startTracing(page, { categories: TRACE });
      tracing = true;
      return metrics();
    })
    .catch(() => null);
  const result = await page.evaluate(async () => {
    const r = await window.marquee.done;
    if (r.error) return { error: r.error, log: r.log };
    let binary = '';
    for (let i = 0; i < r.pixels.length; i += 0x8000)
      binary += String.fromCharCode(...r.pixels.subarray(i, i + 0x8000));
    const memory = crossOriginIsolated ? await performance.measureUserAgentSpecificMemory() : null;
    const heap = memory && { total: memory.bytes, main: 0, workers: {} };
    for (const part of memory?.breakdown ?? []) {
      for (const a of part.attribution) {
        if (a.scope === 'Window') heap.main += part.bytes;
        else heap.workers[a.url] = (heap.workers[a.url] ?? 0) + part.bytes;
      }
    }
    return { report: { ...r.report, size: r.size, log: r.log, heap }, pixels: btoa(binary) };
  });
  if (result.report) {
    const [end, start] = [await metrics(), (await since) ?? { taskMs: 0, scriptMs: 0 }];
    result.report.mainThread = { taskMs: end.taskMs - start.taskMs, scriptMs: end.scriptMs - start.scriptMs };
    if (tracing) result.report.cpu = threadCpu(JSON.parse((await browser.stopTracing()).toString()).traceEvents);
  }
  if (result.error) {
    writeFileSync(join(out, 'error.txt'), result.error);
    process.exitCode = 2;
  } else {
    writeFileSync(join(out, 'report.json'), JSON.stringify(result.report));
    writeFileSync(join(out, 'frame.rgba'), Buffer.from(result.pixels, 'base64'));
  }
} finally {
  clearTimeout(timer);
  await browser.close();
}
