// node browser.mjs ENGINE_JS STREAMS_JSON: like node.mjs, in headless Chromium (Debian's, driven
// by playwright-core): a page with no WebAssembly object imports engine.js and replay.mjs from a
// server on 127.0.0.1 and replays every stream. Prints the frames in node.mjs's format.
// CHROMIUM overrides the browser's path (default /usr/bin/chromium).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const [enginePath, streamsPath] = process.argv.slice(2);
const files = {
  '/': ['text/html', '<!doctype html><title>engine.js</title>'],
  '/engine.js': ['text/javascript', readFileSync(enginePath)],
  '/replay.mjs': ['text/javascript', readFileSync(fileURLToPath(new URL('./replay.mjs', import.meta.url)))],
  '/streams.json': ['application/json', readFileSync(streamsPath)],
};
const server = createServer((req, res) => {
  const file = files[req.url];
  res.writeHead(file ? 200 : 404, { 'content-type': file ? file[0] : 'text/plain' });
  res.end(file ? file[1] : 'not found');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  const results = await page.evaluate(async () => {
    delete globalThis.WebAssembly;
    const { instantiate } = await import('/engine.js');
    const { replay } = await import('/replay.mjs');
    const streams = await (await fetch('/streams.json')).json();
    return { wasm: typeof WebAssembly, frames: streams.map((s) => replay(instantiate, s)) };
  });
  if (results.wasm !== 'undefined') throw new Error('the page still had WebAssembly');
  for (const frames of results.frames) process.stdout.write(frames.map((f) => `${f}\n`).join('') + '--\n');
} finally {
  await browser.close();
  server.close();
}
