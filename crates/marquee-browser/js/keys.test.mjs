// The page's key map (web/keys.js) over the protocol's codes (the SDK's generated wire.js, which
// the page serves beside it): keyboards, TV browsers' DOM key names, and their vendor key codes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { KEYS as CODES, KEY_ACTIONS } from '../../../sdk/src/wire.js';

/** keys.js as the page has it: beside wire.js. */
async function pageKeys() {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-keys-'));
  try {
    const here = (p) => fileURLToPath(new URL(p, import.meta.url));
    copyFileSync(here('../web/keys.js'), join(dir, 'keys.js'));
    copyFileSync(here('../../../sdk/src/wire.js'), join(dir, 'wire.js'));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    return await import(pathToFileURL(join(dir, 'keys.js')).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `[what the browser says, the key]`: `key` strings, then bare `keyCode`s. */
const CASES = [
  [{ key: 'ArrowUp' }, 'up'],
  [{ key: 'ArrowDown' }, 'down'],
  [{ key: 'ArrowLeft' }, 'left'],
  [{ key: 'ArrowRight' }, 'right'],
  [{ key: 'Enter' }, 'enter'],
  [{ key: 'Escape' }, 'back'],
  [{ key: 'Backspace' }, 'back'],
  [{ key: 'Unidentified', keyCode: 10009 }, 'back'],
  [{ key: '', keyCode: 461 }, 'back'],
  [{ key: '0' }, '0'],
  [{ key: '9', keyCode: 57 }, '9'],
  [{ key: 'Unidentified', keyCode: 52 }, '4'],
  [{ key: 'PageUp' }, 'channel-up'],
  [{ key: 'ChannelDown' }, 'channel-down'],
  [{ key: '', keyCode: 427 }, 'channel-up'],
  [{ key: 'F1' }, 'red'],
  [{ key: 'ColorF1Green' }, 'green'],
  [{ key: '', keyCode: 405 }, 'yellow'],
  [{ key: '', keyCode: 406 }, 'blue'],
  [{ key: 'MediaPlayPause' }, 'play-pause'],
  [{ key: ' ', keyCode: 32 }, 'play-pause'],
  [{ key: 'MediaPlay' }, 'play'],
  [{ key: '', keyCode: 19 }, 'pause'],
  [{ key: '', keyCode: 413 }, 'stop'],
  [{ key: 'MediaRewind' }, 'rewind'],
  [{ key: '', keyCode: 417 }, 'fast-forward'],
  [{ key: 'F5' }, 'info'],
  [{ key: '', keyCode: 458 }, 'guide'],
  [{ key: 'ContextMenu' }, 'menu'],
  ...[1, 2, 3, 5, 6, 7, 8].map((d) => [{ key: String(d) }, String(d)]),
];

test('keyboard and remote keys map onto the protocol codes', async () => {
  const { keyOf, KEYS, ACTIONS } = await pageKeys();
  for (const [event, name] of CASES) {
    assert.equal(CODES[keyOf(event)], name, JSON.stringify(event));
  }
  // Letters, a key the browser names but no remote has, a key code no remote sends, and a name
  // that only looks like a prototype's.
  for (const event of [
    { key: 'a', keyCode: 65 },
    { key: 'Tab', keyCode: 9 },
    { key: '', keyCode: 999 },
    { key: 'toString' },
  ]) {
    assert.equal(keyOf(event), 0, JSON.stringify(event));
  }
  // Every key the protocol has is reached above, and the tables are the protocol's.
  const reached = new Set(CASES.map(([, name]) => name));
  for (const name of CODES.filter(Boolean)) {
    assert.ok(reached.has(name), `no case reaches ${name}`);
    assert.equal(CODES[KEYS[name]], name);
  }
  assert.deepEqual(Object.keys(ACTIONS), KEY_ACTIONS);
});
