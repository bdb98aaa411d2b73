// The virtualised list against the model engine: focus stepping through 10,000 items (forwards,
// back, and jumps) keeps at most `live` item nodes, each item sits where it would in a list of
// real nodes (the lead spacer plus its place in the window, in strides), the focused item is
// always in the window with `ahead` items beyond it where the list has them, and a step inside
// the window sends nothing. A shorter count hides slots, a longer one makes them; bad options
// throw.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../src/index.js';
import { modelEngine } from '../src/testing.js';

const SIZE = 240;
const GAP = 20;
const STRIDE = SIZE + GAP;

/** An app on the model engine with a list of `count` items; each item is a view with a text. */
function listOf(count, options = {}) {
  const engine = modelEngine();
  const app = createApp({ host: engine });
  const list = app.virtualList({
    count,
    size: SIZE,
    gap: GAP,
    style: { height: 160 },
    create: (app) => {
      const title = app.text({ fontSize: 18 });
      return { node: app.view({ width: SIZE, height: 136, focusable: 'yes' }).append(title), title };
    },
    render: ({ title }, index) => title.text(`item ${index}`),
    ...options,
  });
  app.root.append(list.node);
  return { engine, app, list };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** What the model engine holds under the list: each item's text and main-axis start, and the extent. */
function laidOut(engine, list) {
  const container = engine.nodes.get(list.node.id);
  const [lead, ...rest] = container.children;
  const tail = rest.pop();
  let at = engine.nodes.get(lead).style.width ?? 0;
  const items = [];
  for (const id of rest) {
    const n = engine.nodes.get(id);
    if (n.style.display === 1) continue; // `none`: a slot the list has no item for
    items.push({ id, text: engine.nodes.get(n.children[0]).text, at });
    at += SIZE + (n.style['margin-inline-end'] ?? 0);
  }
  return { items, extent: at + (engine.nodes.get(tail).style.width ?? 0), slots: rest.length };
}

/** Checks the list's invariants with focus on item `focused`. */
function check(engine, list, count, focused) {
  const { items, extent, slots } = laidOut(engine, list);
  assert.ok(slots <= list.live, `${slots} slots, live ${list.live}`);
  assert.equal(extent, count * STRIDE, 'the content is as long as every item');
  for (const { text, at } of items) {
    const index = Number(text.split(' ')[1]);
    assert.equal(at, index * STRIDE, `${text} is where a real list would have it`);
  }
  const indices = items.map(({ text }) => Number(text.split(' ')[1]));
  const [first, last] = [indices[0], indices.at(-1)];
  assert.deepEqual(
    indices,
    Array.from({ length: indices.length }, (_, i) => first + i),
  );
  assert.ok(first <= Math.max(0, focused - list.ahead), `window from ${first}, focus on ${focused}`);
  assert.ok(last >= Math.min(count - 1, focused + list.ahead), `window to ${last}, focus on ${focused}`);
}

/** The node showing item `index`, from the model engine's scene. */
const nodeOf = (engine, list, index) => laidOut(engine, list).items.find((i) => i.text === `item ${index}`)?.id;

test('focus steps through 10,000 items with a window of nodes', async () => {
  const count = 10_000;
  const { engine, list } = listOf(count);
  await flush();
  check(engine, list, count, 0);
  const created = engine.commands.filter((c) => c.op === 'create').length;
  assert.ok(created <= list.live * 2 + 3, `${created} nodes created`);
  engine.take();
  let focused = 0;
  const step = async (to) => {
    const target = nodeOf(engine, list, to);
    assert.ok(target !== undefined, `item ${to} has no node when focus reaches it from ${focused}`);
    engine.focus(nodeOf(engine, list, focused), target);
    await flush();
    focused = to;
    check(engine, list, count, focused);
  };
  // Inside the window's first half, a step sends nothing.
  for (let i = 1; i <= list.ahead; i++) await step(i);
  assert.deepEqual(engine.take(), [], 'steps inside the window');
  for (let i = focused + 1; i <= 300; i++) await step(i);
  const sent = engine.take();
  assert.equal(sent.filter((c) => c.op === 'create').length, 0, 'no node made while scrolling');
  assert.ok(sent.length / 300 < 8, `${sent.length} commands for 300 steps`);
  for (let i = focused - 1; i >= 250; i--) await step(i);
  // A jump (the app focusing an item far away), then on to the end.
  list.focus(9_990);
  await flush();
  check(engine, list, count, 9_990);
  focused = 9_990;
  for (let i = focused + 1; i < count; i++) await step(i);
  assert.equal(engine.nodes.get(list.node.id).children.length, list.live + 2);
});

test('a shorter list hides the slots it has no items for; a longer one makes more', async () => {
  const { engine, list } = listOf(5, { ahead: 4 });
  await flush();
  check(engine, list, 5, 0);
  assert.equal(laidOut(engine, list).items.length, 5);
  list.setCount(100);
  await flush();
  check(engine, list, 100, 0);
  assert.equal(laidOut(engine, list).items.length, list.live);
  list.focus(60);
  await flush();
  list.setCount(3);
  await flush();
  check(engine, list, 3, 0);
  assert.equal(laidOut(engine, list).items.length, 3);
  list.setCount(0);
  await flush();
  assert.deepEqual(laidOut(engine, list).items, []);
});

test('refresh fills an item in the window again and leaves the others alone', async () => {
  let label = 'item';
  const { engine, list } = listOf(50, { render: ({ title }, index) => title.text(`${label} ${index}`) });
  await flush();
  engine.take();
  label = 'changed';
  list.refresh(3);
  list.refresh(49); // outside the window: nothing
  await flush();
  assert.deepEqual(
    engine.take().map((c) => c.op),
    ['setText'],
  );
  const texts = laidOut(engine, list).items.map(({ text }) => text);
  assert.deepEqual(texts.slice(2, 5), ['item 2', 'changed 3', 'item 4']);
});

test('a list destroyed with its page stops following focus, though its ids name new nodes', async () => {
  const { engine, app, list } = listOf(100);
  await flush();
  const page = app.view();
  app.root.append(page);
  page.append(list.node);
  const slot = laidOut(engine, list).items[0].id;
  page.destroy();
  await flush();
  // The freed ids go to new nodes; focus lands on the one with the first slot's id.
  const fresh = Array.from({ length: 80 }, () => app.view({ focusable: 'yes' }));
  app.root.append(...fresh);
  await flush();
  assert.ok(
    fresh.some((n) => n.id === slot),
    'an id of the old list is reused',
  );
  const errors = [];
  const log = console.error;
  console.error = (m) => errors.push(String(m));
  try {
    engine.focus(null, slot);
    engine.focus(slot, fresh[1].id);
  } finally {
    console.error = log;
  }
  assert.deepEqual(errors, []);
  assert.equal(app.listeners.get('focus').size, 0, 'the list unsubscribed');
});

test('bad options and indices throw', () => {
  const app = createApp({ host: modelEngine() });
  const make = () => app.view();
  const render = () => {};
  const bad = [
    [{ count: 10, size: -1, create: make, render }, /size -1 is not a size/],
    [{ count: 10, size: 10, axis: 'diagonal', create: make, render }, /axis diagonal is row or column/],
    [{ count: 10, size: 10, render }, /create\(app\) and render\(slot, index\)/],
    [{ count: 1.5, size: 10, create: make, render }, /count 1.5 is not a count/],
    [{ count: 10, size: 10, live: 0, create: make, render }, /live 0 is not a count/],
  ];
  for (const [options, message] of bad) assert.throws(() => app.virtualList(options), message);
  const list = app.virtualList({ count: 10, size: 10, create: make, render });
  assert.throws(() => list.focus(10), /item 10 is not one of its 10/);
  assert.throws(() => list.refresh(-1), RangeError);
});
