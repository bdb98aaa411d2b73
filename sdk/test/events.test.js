// The SDK's event decoder against the Rust encoder: the golden event batch written by
// crates/marquee-protocol/tests/it/events.rs must decode to exactly the objects next to it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeEvents } from '../src/events.js';
import { createApp } from '../src/app.js';
import { unhex } from './support.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../crates/marquee-protocol/tests/events');
const golden = () => unhex(readFileSync(join(DIR, 'all.hex'), 'utf8'));

test('the golden event batch decodes to the golden objects', () => {
  const expected = JSON.parse(readFileSync(join(DIR, 'all.json'), 'utf8'));
  assert.deepEqual(decodeEvents(golden()), expected);
});

test('unknown events are skipped, broken framing throws', () => {
  const bytes = golden();
  const v = new DataView(bytes.buffer);
  // Turn the first event's opcode into one this SDK has never heard of.
  v.setUint16(12, 0x7777, true);
  assert.equal(decodeEvents(bytes).length, JSON.parse(readFileSync(join(DIR, 'all.json'), 'utf8')).length - 1);
  assert.throws(() => decodeEvents(bytes.subarray(0, bytes.length - 1)), /truncated/);
  assert.throws(() => decodeEvents(new Uint8Array(12)), /not an event batch/);
});

test('a text event with no character in it (a surrogate, past U+10FFFF, the wrong size) is skipped', () => {
  const text = (code, len = 8) => {
    const bytes = new Uint8Array(12 + 6 + len);
    const v = new DataView(bytes.buffer);
    bytes.set([0x4d, 0x51, 0x45, 0x56]);
    v.setUint16(4, 2, true);
    v.setUint32(8, 1, true);
    v.setUint16(12, 0x000b, true);
    v.setUint32(14, len, true);
    if (len >= 4) v.setUint32(18, code, true);
    return decodeEvents(bytes);
  };
  assert.deepEqual(text(0x1f600), [{ type: 'text', text: '😀', target: 0 }]);
  for (const [code, len] of [[0xd800], [0x110000], [0x41, 4], [0x41, 9]]) {
    assert.deepEqual(text(code, len), [], `U+${code.toString(16)} in ${len ?? 8} bytes`);
  }
});

test('rejections are described in the same words as the Rust protocol crate', () => {
  const lines = readFileSync(join(DIR, 'rejections.txt'), 'utf8').trim().split('\n');
  assert.ok(lines.length > 500, `only ${lines.length} lines`);
  const host = { viewport: { width: 1, height: 1 }, send() {}, listen() {} };
  const app = createApp({ host });
  for (const line of lines) {
    const [head, message] = line.split('\t');
    const [opcode, code, node] = head.split(' ').map((w) => (w === 'null' ? null : Number(w)));
    const event = { type: 'command-error', opcode, code, node };
    app.explain(event);
    assert.equal(event.message, message, line);
  }
});
