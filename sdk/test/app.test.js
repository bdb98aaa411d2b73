// The app layer (createApp, proxy nodes, events) against a recording host: what it sends must be
// exactly what the encoder would write for the same calls, once per turn, and the events it gets
// back must reach the right callbacks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, BatchEncoder } from '../src/index.js';
import { VERSION, compileStyle } from '../src/protocol.js';

/** A host binding that records batches and lets the test deliver events. */
function recordingHost() {
  const host = {
    batches: [],
    viewport: { width: 1280, height: 720 },
    send(batch) {
      host.batches.push(batch);
    },
    listen(fn) {
      host.deliver = fn;
    },
  };
  return host;
}

/** An event batch; each event is `[opcode, (view, offset) => void, payloadLength]`. */
function events(...list) {
  const size = 12 + list.reduce((n, [, , len]) => n + 6 + len, 0);
  const bytes = new Uint8Array(size);
  const v = new DataView(bytes.buffer);
  bytes.set([0x4d, 0x51, 0x45, 0x56]);
  v.setUint16(4, VERSION, true);
  v.setUint32(8, list.length, true);
  let pos = 12;
  for (const [op, write, len] of list) {
    v.setUint16(pos, op, true);
    v.setUint32(pos + 2, len, true);
    write(v, pos + 6);
    pos += 6 + len;
  }
  return bytes;
}
const freed = (id) => [0x0005, (v, p) => v.setUint32(p, id, true), 4];
const layout = (id, x, y, w, h) => [
  0x0002,
  (v, p) => {
    v.setUint32(p, id, true);
    for (const [i, n] of [x, y, w, h].entries()) v.setFloat32(p + 4 + 4 * i, n, true);
  },
  20,
];
/** A `CommandError` event: `opcode` rejected with `code`, on `node`. */
const commandError = (opcode, code, node) => [
  0x0001,
  (v, p) => {
    v.setUint16(p + 8, opcode, true);
    v.setUint16(p + 10, code, true);
    v.setUint32(p + 12, node, true);
  },
  16,
];
const queryError = (id) => commandError(0x0601, 32, id);
const reset = [0x0004, (v, p) => v.setUint16(p, 2, true), 2];
const key = [
  0x0003,
  (v, p) => {
    v.setUint16(p, 5, true);
    v.setUint8(p + 2, 0);
    v.setUint32(p + 3, 7, true);
  },
  7,
];

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

test('one turn of commands is one batch, byte for byte what the encoder writes', async () => {
  const host = recordingHost();
  const app = createApp({ host });
  const rail = app.view({ flexDirection: 'row', columnGap: 24, height: '40%' });
  const tile = app.view({ width: 320, 'background-color': '#336699' });
  rail.append(tile);
  app.root.append(rail);
  tile.clear('backgroundColor');
  assert.equal(host.batches.length, 0, 'nothing is sent before the turn ends');
  await turn();
  assert.equal(host.batches.length, 1);

  // Both appends are made by filling in the parent fields of the creates.
  const enc = new BatchEncoder();
  enc.createStyled(1, 'view', 0, 0);
  enc.setStyle(1, 'flex-direction', 'row');
  enc.setStyle(1, 'column-gap', 24);
  enc.setStyle(1, 'height', '40%');
  enc.createStyled(2, 'view', 0, 1);
  enc.setStyle(2, 'width', 320);
  enc.setStyle(2, 'background-color', '#336699');
  enc.clearStyle(2, 'background-color');
  assert.deepEqual(host.batches[0], enc.finish());

  await turn();
  assert.equal(host.batches.length, 1, 'an idle turn sends nothing');
});

test('bad calls throw at the call site and send nothing', async () => {
  const host = recordingHost();
  const app = createApp({ host });
  const v = app.view();
  assert.throws(() => v.set('colour', '#fff'), TypeError);
  assert.throws(() => v.style({ opacity: 3 }), RangeError);
  assert.throws(() => v.set('width', 'wide'), TypeError);
  await turn();
  assert.equal(host.batches.length, 1);
  const only = new BatchEncoder();
  only.createStyled(1, 'view', 0, null);
  assert.deepEqual(host.batches[0], only.finish());
});

test('ids are reused only after the engine frees them', async () => {
  const host = recordingHost();
  const app = createApp({ host });
  const a = app.view();
  const b = app.view();
  assert.deepEqual([a.id, b.id], [1, 2]);
  a.destroy();
  assert.equal(a.id, -1, 'a destroyed proxy is dead');
  assert.equal(app.view().id, 3, 'not reused before the engine says so');
  host.deliver(events(freed(1), freed(7)));
  const ids = [app.view().id, app.view().id, app.view().id];
  assert.deepEqual(
    ids.sort((x, y) => x - y),
    [1, 4, 5],
    'a free of an id never given out is ignored',
  );
});

test('layout queries resolve from layout events and reject on errors', async () => {
  const host = recordingHost();
  const app = createApp({ host });
  const a = app.view();
  const b = app.view();
  const pa = a.layout();
  const pb = b.layout();
  host.deliver(events(layout(1, 10, 20, 300, 40.5), queryError(2)));
  assert.deepEqual(await pa, { x: 10, y: 20, width: 300, height: 40.5 });
  await assert.rejects(pb, /node 2/);
});

test('an engine reset empties the id space and is announced', async () => {
  const host = recordingHost();
  const app = createApp({ host });
  app.view();
  app.view();
  const pending = app.view().layout();
  const seen = [];
  app.on('engine-reset', (e) => seen.push(e.reason));
  host.deliver(events(reset));
  assert.deepEqual(seen, ['hang']);
  await assert.rejects(pending, /engine reset/);
  assert.equal(app.view().id, 1);
});

test('listeners get their events; one that throws does not stop the others', () => {
  const host = recordingHost();
  const app = createApp({ host });
  const got = [];
  const errors = [];
  const log = console.error;
  console.error = (m) => errors.push(m);
  try {
    app.on('key', () => {
      throw new Error('boom');
    });
    const off = app.on('key', (e) => got.push(`${e.key}:${e.action}`));
    host.deliver(events(key));
    off();
    host.deliver(events(key));
  } finally {
    console.error = log;
  }
  assert.deepEqual(got, ['enter:press']);
  assert.equal(errors.length, 2);
});

test('without a host binding createApp says what is missing', () => {
  assert.throws(() => createApp(), /no Marquee host/);
});

test('focus, state styles and animations encode as the encoder would', async () => {
  const host = recordingHost();
  const app = createApp({ host });
  const tile = app.view({ focusable: 'yes' });
  tile.stateStyle('focused', { scaleX: 1.1 }).stateStyle('focusWithin', { borderColor: '#ffffff' });
  tile.stateStyle('itemFocused', { opacity: 0.8 }).clearState('itemFocused', 'opacity');
  tile.focus();
  tile.animate({ translateX: 40 }, { duration: 300, easing: 'spring' });
  tile.cancelAnimation('translateX');
  await Promise.resolve();
  const enc = new BatchEncoder();
  enc.createStyled(1, 'view', 0, null);
  enc.setStyle(1, 'focusable', 'yes');
  enc.setStateStyle(1, 'focused', 'scale-x', 1.1);
  enc.setStateStyle(1, 'focus-within', 'border-color', '#ffffff');
  enc.setStateStyle(1, 'item-focused', 'opacity', 0.8);
  enc.clearStateStyle(1, 'item-focused', 'opacity');
  enc.focus(1);
  enc.animate(1, 1, 'translate-x', 40, { duration: 300, easing: 'spring' });
  enc.cancelAnimation(1, 'translate-x');
  assert.deepEqual(host.batches, [enc.finish()]);
  assert.throws(() => tile.animate({ zIndex: 2 }), /not animatable/);
  assert.throws(() => tile.animate({ opacity: 0 }, { easing: 'bouncy' }), /not an easing/);
  assert.throws(() => tile.stateStyle('focused', { width: 10 }), /not a paint property/);
  assert.throws(() => tile.stateStyle('hovered', { opacity: 1 }), /hovered is not a state/);
});

test('animate resolves when its animations end; focus events track the focused node', async () => {
  const host = recordingHost();
  const app = createApp({ host });
  const node = app.view();
  const done = node.animate({ opacity: 0, translateY: 10 }, { duration: 100 });
  const end = (tag, finished) => [
    0x0007,
    (v, p) => {
      v.setUint32(p, node.id, true);
      v.setUint32(p + 4, tag, true);
      v.setUint16(p + 8, 0x46, true);
      v.setUint8(p + 10, finished ? 1 : 0);
    },
    11,
  ];
  const focus = [
    0x0006,
    (v, p) => {
      v.setUint32(p, 0xffffffff, true);
      v.setUint32(p + 4, 1, true);
    },
    8,
  ];
  const seen = [];
  app.on('focus', (e) => seen.push(e));
  host.deliver(events(end(1, true), focus));
  assert.deepEqual(seen, [{ type: 'focus', from: null, to: 1 }]);
  assert.equal(app.focused, 1);
  host.deliver(events(end(2, false)));
  assert.deepEqual(await done, { finished: false });
});

test('names that are not style properties are refused, whatever Object.prototype holds', async () => {
  const host = recordingHost();
  const app = createApp({ host });
  const v = app.view();
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
    assert.throws(() => v.set(name, 1), /is not a style property/, name);
    assert.throws(() => app.create(name), /is not a node kind/, name);
  }
  await turn();
  assert.equal(host.batches.length, 1, 'only the create went out');
});

test('a command for another kind of node throws at the call site, naming both', () => {
  const app = createApp({ host: recordingHost() });
  const v = app.view();
  assert.throws(() => v.text('hello'), /text\(\) applies to text nodes; node 1 is a view/);
  assert.throws(() => v.set('fontSize', 20), /fontSize applies to text nodes; node 1 is a view/);
  assert.throws(() => app.text().src('a.png'), /src\(\) applies to image nodes; node 2 is a text/);
  app.text({ fontSize: 20 }).text('fine');
});

test('command-error events say in words what was rejected, and on which kind of node', () => {
  const host = recordingHost();
  const app = createApp({ host });
  app.view();
  const seen = [];
  app.on('command-error', (e) => seen.push(e));
  const wrongKind = commandError(0x0200, 38, 1);
  const framing = commandError(0xffff, 1, 0xffffffff);
  host.deliver(events(wrongKind, framing));
  assert.deepEqual(
    seen.map((e) => [e.command, e.reason, e.message]),
    [
      ['setText', 'not a text node', 'setText on node 1, a view: not a text node'],
      ['command 0xffff', 'the batch is truncated', 'command 0xffff: the batch is truncated'],
    ],
  );
});

test('an exception from a listener is logged with its message, not only its stack', () => {
  const app = createApp({ host: recordingHost() });
  const errors = [];
  const log = console.error;
  console.error = (m) => errors.push(m);
  try {
    app.on('node-freed', () => {
      // QuickJS's `stack` holds only the frames: the message must come from the error itself.
      const e = new TypeError("cannot read property 'title' of null");
      e.stack = '    at <anonymous> (main.js:8:80)\n';
      throw e;
    });
    app.view();
    app.host.deliver(events(freed(1)));
  } finally {
    console.error = log;
  }
  assert.deepEqual(errors, [
    "node-freed listener threw: TypeError: cannot read property 'title' of null\n    at <anonymous> (main.js:8:80)",
  ]);
});

test('a reusable style is checked once, sent once, used by id, and sent again after an engine reset', async () => {
  const host = recordingHost();
  const app = createApp({ host });
  assert.throws(() => app.style({ opacity: 2 }), RangeError, 'a bad value throws where the style is made');
  assert.throws(() => app.style({ focused: { width: 10 } }), /not a paint property/);
  assert.throws(() => app.style({ focused: 1.1 }), /not an object of paint properties/);
  const card = app.style({ width: 240, height: 136, backgroundColor: '#336699', focused: { scaleX: 1.1 } });
  const label = app.style({ fontSize: 18, color: '#ffffff' });
  assert.equal(host.batches.length, 0, 'making a style sends nothing');
  const a = app.view(card);
  app.root.append(a);
  const b = app.view([card, { backgroundColor: '#993366' }]);
  a.append(b);
  assert.throws(() => app.view(label), /text nodes/, 'a style with text properties on a view throws at the call');
  assert.throws(() => createApp({ host: recordingHost() }).view(card), /another app/);
  await turn();

  const enc = new BatchEncoder();
  const compiled = compileStyle([
    [null, 'width', 240],
    [null, 'height', 136],
    [null, 'background-color', '#336699'],
    ['focused', 'scale-x', 1.1],
  ]);
  enc.defineStyle(1, compiled);
  enc.createStyled(1, 'view', 1, 0);
  enc.createStyled(2, 'view', 1, 1);
  enc.setStyle(2, 'background-color', '#993366');
  assert.deepEqual(host.batches, [enc.finish()], 'defined once, before its first use');

  const c = app.text(label);
  c.style(label);
  await turn();
  enc.defineStyle(
    2,
    compileStyle([
      [null, 'font-size', 18],
      [null, 'color', '#ffffff'],
    ]),
  );
  enc.createStyled(3, 'text', 2, null);
  enc.useStyle(3, 2);
  assert.deepEqual(host.batches[1], enc.finish());

  host.deliver(events(reset));
  app.root.append(app.view(card));
  await turn();
  enc.defineStyle(1, compiled);
  enc.createStyled(1, 'view', 1, 0);
  assert.deepEqual(host.batches[2], enc.finish(), 'the new engine is sent the style again');
});
