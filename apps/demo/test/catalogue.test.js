// The demo's catalogue: the API tool serves what the app accepts, and the app's check refuses
// replies it could not show (falling back to its offline copy) with a reason.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCatalogue, OFFLINE } from '../catalogue.js';
import { serve } from '../tools/api.mjs';

test('the API serves the bundled catalogue with the time it was served', async () => {
  const server = await serve(0);
  try {
    const base = `http://127.0.0.1:${server.address().port}`;
    const before = Date.now();
    const reply = await fetch(`${base}/catalogue.json`);
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('cache-control'), 'no-store');
    const data = checkCatalogue(await reply.json());
    assert.deepEqual(data.rails, OFFLINE.rails);
    assert.deepEqual(data.hero, OFFLINE.hero);
    assert.ok(Date.parse(data.updated) >= before - 1000, data.updated);
    const missing = await fetch(`${base}/nothing`);
    assert.equal(missing.status, 404);
    assert.match((await missing.json()).error, /GET \/catalogue\.json/);
  } finally {
    server.close();
  }
});

test('every title has a poster, a colour and a release date, the newest first', () => {
  const tiles = OFFLINE.rails.flatMap((r) => r.tiles);
  assert.equal(tiles.length, 44);
  assert.equal(tiles[0].released, '2026-11-20');
  assert.equal(tiles[1].released, '2026-11-13');
  checkCatalogue({ updated: '2026-11-27T10:00:00Z', ...OFFLINE });
});

test('a reply the page cannot show is refused with what is wrong', () => {
  const good = () => structuredClone({ updated: '2026-11-27T10:00:00Z', ...OFFLINE });
  const cases = [
    [null, /not an object/],
    [{ ...good(), updated: 'yesterday' }, /updated is not a time/],
    [{ ...good(), hero: undefined }, /no hero/],
    [{ ...good(), rails: [] }, /rails is not a list/],
    [{ ...good(), rails: 'all of them' }, /rails is not a list/],
    [
      (() => {
        const c = good();
        c.rails[1].tiles[2].colour = 'red';
        return c;
      })(),
      /rail 1 tile 2 has no colour/,
    ],
    [
      (() => {
        const c = good();
        c.rails[0].tiles[0].poster = 'https://cdn.example/p.jpg';
        return c;
      })(),
      /rail 0 tile 0 has no poster/,
    ],
    [
      (() => {
        const c = good();
        c.rails[0].tiles[0].poster = 'assets/posters/../../secret.jpg';
        return c;
      })(),
      /has no poster/,
    ],
    [
      (() => {
        const c = good();
        c.rails[2].tiles[0].released = '2026-13-45';
        return c;
      })(),
      /rail 2 tile 0 has no release date/,
    ],
    [
      (() => {
        const c = good();
        c.rails[0].name = '';
        return c;
      })(),
      /rail 0 has no name/,
    ],
    [
      (() => {
        const c = good();
        c.rails[0].tiles[0].title = 'x'.repeat(201);
        return c;
      })(),
      /has no title/,
    ],
  ];
  for (const [reply, reason] of cases) {
    assert.throws(
      () => checkCatalogue(reply),
      (e) => e instanceof TypeError && reason.test(e.message),
      String(reason),
    );
  }
});
