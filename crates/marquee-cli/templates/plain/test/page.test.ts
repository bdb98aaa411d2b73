// The page in a model engine (@marquee/sdk/testing): what it shows, and what Enter changes.
// `marquee test .` compiles and runs every `test/*.test.{ts,tsx,js,jsx}` with node --test.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '@marquee/sdk';
import { modelEngine, settle } from '@marquee/sdk/testing';
import { page } from '../src/page.js';

test('the page asks for a choice, and Enter on a tile makes it', async () => {
  const engine = modelEngine();
  page(createApp({ host: engine }));
  await settle();
  const texts = engine.ids().map((id) => engine.nodes.get(id)?.text).filter(Boolean);
  assert.deepEqual(texts, ['Choose a tile', 'Mountains', 'Oceans', 'Forests', 'Deserts']);
  const forests = engine.ids().find((id) => engine.nodes.get(id)?.text === 'Forests');
  const tile = engine.nodes.get(forests ?? -1)?.parent ?? -1;
  engine.focus(null, tile);
  engine.key('enter', tile);
  await settle();
  assert.equal(engine.nodes.get(engine.ids()[1])?.text, 'You chose Forests');
});
