// The SDK encoder against the Rust encoder: every golden vector's commands (text form, NAME.txt)
// must encode to exactly the committed bytes (NAME.hex) that crates/marquee-protocol produces.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchEncoder, STYLE } from '../src/protocol.js';
import { replay, unhex } from './support.js';

const VECTORS = join(dirname(fileURLToPath(import.meta.url)), '../../crates/marquee-protocol/tests/vectors');

const names = readdirSync(VECTORS)
  .filter((f) => f.endsWith('.txt'))
  .sort();

test('there are golden vectors to check', () => {
  assert.ok(names.length >= 4, `only ${names.length} vectors in ${VECTORS}`);
});

for (const name of names) {
  test(`vector ${name} encodes byte for byte`, () => {
    const enc = new BatchEncoder(16);
    for (const line of readFileSync(join(VECTORS, name), 'utf8').split('\n')) replay(enc, line);
    const expected = unhex(readFileSync(join(VECTORS, name.replace(/\.txt$/, '.hex')), 'utf8'));
    assert.deepEqual(enc.finish(), expected);
  });
}

test('the vectors cover every style property', () => {
  const text = names.map((n) => readFileSync(join(VECTORS, n), 'utf8')).join('\n');
  const used = new Set([...text.matchAll(/^style \d+ (\S+)/gm)].map((m) => m[1]));
  assert.deepEqual(
    [...Object.keys(STYLE)].filter((p) => !used.has(p)),
    [],
  );
});

test('bad values are refused before they reach the engine', () => {
  const enc = new BatchEncoder();
  assert.throws(() => enc.setStyle(1, 'width', '#ff0000'), TypeError);
  assert.throws(() => enc.setStyle(1, 'opacity', 2), RangeError);
  assert.throws(() => enc.setStyle(1, 'flex-direction', 'diagonal'), TypeError);
  assert.throws(() => enc.setStyle(1, 'no-such-property', 1), TypeError);
  assert.throws(() => enc.setStyle(1, 'width', Number.NaN), TypeError);
  assert.throws(() => enc.createNode(65536, 'view'), RangeError);
  assert.throws(() => enc.createNode(1, 'button'), TypeError);
  assert.throws(() => enc.setViewport(-1, 720), RangeError);
  assert.equal(enc.length, 0, 'a refused command leaves nothing behind');
});

test('the encoder grows and resets between batches', () => {
  const enc = new BatchEncoder(16);
  for (let i = 1; i <= 1000; i++) enc.createNode(i, 'view');
  const big = enc.finish();
  assert.equal(big.length, 12 + 1000 * 11);
  assert.equal(new DataView(big.buffer).getUint32(8, true), 1000);
  assert.equal(enc.finish().length, 12);
});
