// The page in a model engine (@marquee/react/testing): what it shows, and what Enter changes.
// `marquee test .` compiles and runs every `test/*.test.{ts,tsx,js,jsx}` with node --test.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from '@marquee/react/testing';
import { App } from '../src/App.js';

test('the page asks for a choice, and Enter on a tile makes it', async () => {
  const page = await render(<App />);
  assert.deepEqual(page.text(), ['Choose a tile', 'Mountains', 'Oceans', 'Forests', 'Deserts']);
  const tile = page.find('Forests');
  page.focus(tile);
  await page.press('enter');
  assert.equal(page.text()[0], 'You chose Forests');
  assert.equal(page.engine.nodes.get(tile)?.style['background-color'], '#1fb6ffff');
});
