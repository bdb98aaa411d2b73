// The React demo builds the scene the SDK demo builds: both apps run in Node against the model
// engine of @marquee/react's tests, offline, and their scenes (every node's kind, style, state
// styles, reusable styles by their declarations, text and source) must be equal — at start,
// and after the same focus moves and keys (the language key too). The golden screenshots (crates/marquee-host's tests)
// then hold the React demo to the same pixels.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { modelEngine, settle } from '@marquee/react/testing';
import { OFFLINE, WORDS, archiveItem } from '@marquee/demo/page';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

/** The React demo compiled as `marquee run` compiles it (esbuild, automatic JSX, production React). */
function compiled() {
  const out = join(mkdtempSync(join(tmpdir(), 'demo-react-')), 'app.mjs');
  const code = execFileSync(here('../../../node_modules/.bin/esbuild'), [
    here('../main.jsx'),
    '--bundle',
    '--format=esm',
    '--platform=neutral',
    '--main-fields=module,main',
    '--jsx=automatic',
    '--define:process.env.NODE_ENV="production"',
    '--log-level=warning',
  ]);
  writeFileSync(out, code);
  return pathToFileURL(out).href;
}

/** Runs the app module at `url` against a fresh model engine; returns the engine. */
async function run(url) {
  const engine = modelEngine();
  const stored = new Map();
  globalThis.__marqueeHost = engine;
  globalThis.localStorage = {
    getItem: (k) => stored.get(k) ?? null,
    setItem: (k, v) => stored.set(k, String(v)),
  };
  await import(url);
  // The catalogue API is not there: both apps stay on the offline catalogue.
  for (let i = 0; i < 20; i++) await settle();
  return engine;
}

/** Back pressed on the details overlay's Close button, as the remote would. */
function back(engine) {
  const close = engine
    .ids()
    .find((id) => engine.nodes.get(id).children.some((c) => engine.nodes.get(c).text === 'Close'));
  engine.key('back', close);
}

test('the React demo builds the same scene as the SDK demo, and changes it the same way', async () => {
  const sdk = await run(pathToFileURL(here('../../demo/main.js')).href);
  const react = await run(compiled());
  assert.deepEqual(react.scene(), sdk.scene());

  // The first tile of the second rail: open its details, then close them.
  const tileOf = (engine) => {
    const page = engine.nodes.get(engine.nodes.get(0).children[0]).children[1];
    const rail = engine.nodes.get(engine.nodes.get(page).children[2]);
    return engine.nodes.get(rail.children[1]).children[0];
  };
  for (const engine of [sdk, react]) {
    const tile = tileOf(engine);
    engine.focus(null, tile);
    engine.key('enter', tile);
  }
  await settle();
  assert.deepEqual(react.scene(), sdk.scene(), 'details open');
  assert.equal(react.nodes.get(0).children.length, 1);
  for (const engine of [sdk, react]) back(engine);
  await settle();
  const focusOf = (engine) =>
    engine
      .take()
      .filter((c) => c.op === 'focus')
      .map(() => 'focus');
  assert.deepEqual(focusOf(react), focusOf(sdk), 'focus went back the same way');
  assert.deepEqual(react.scene(), sdk.scene(), 'details closed');

  // The archive: focus steps through its first 30 episodes (its window of slots moves from the
  // 13th on), then Enter opens the 30th's details and Back closes them.
  const episode = (engine, index) => {
    const caption = archiveItem(OFFLINE, WORDS.en, index).title;
    const text = engine.ids().find((id) => engine.nodes.get(id).text === caption);
    assert.ok(text !== undefined, `episode ${index} is shown`);
    return engine.nodes.get(text).parent;
  };
  const at = new Map();
  for (let index = 0; index < 30; index++) {
    for (const engine of [sdk, react]) {
      const tile = episode(engine, index);
      engine.focus(at.get(engine) ?? null, tile);
      at.set(engine, tile);
    }
    await settle();
    assert.deepEqual(react.scene(), sdk.scene(), `focus on episode ${index}`);
  }
  for (const engine of [sdk, react]) engine.key('enter', at.get(engine));
  await settle();
  assert.deepEqual(react.scene(), sdk.scene(), 'details of an episode open');
  const heading = archiveItem(OFFLINE, WORDS.en, 29).title;
  assert.ok(sdk.ids().filter((id) => sdk.nodes.get(id).text === heading).length === 2, 'the details name the episode');
  for (const engine of [sdk, react]) back(engine);
  await settle();
  assert.deepEqual(react.scene(), sdk.scene(), 'details of an episode closed');

  // The yellow key: the page again in Arabic, right to left, and the language remembered.
  for (const engine of [sdk, react]) engine.key('yellow', tileOf(engine));
  await settle();
  assert.deepEqual(react.scene(), sdk.scene(), 'in Arabic');
  const texts = (engine) => engine.ids().map((id) => engine.nodes.get(id).text);
  assert.ok(texts(sdk).includes('تشغيل'), 'the Play button speaks Arabic');
  const root = (engine) => engine.nodes.get(engine.nodes.get(0).children[0]);
  assert.equal(root(sdk).style.direction, 1, 'direction rtl (its keyword on the wire)');
  assert.equal(globalThis.localStorage.getItem('demo.language'), 'ar');
});
