// <VirtualList> against the SDK's `app.virtualList`, both on the model engine: a rail of 10,000
// items stepped through by focus (forwards, then back), the two scenes equal after each
// step (the same nodes, in the same order, with the same styles and texts), at most `live` items
// rendered; each step forwards at the window's edge moves one item, not the window; bad props throw.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement as h } from 'react';
import { createApp } from '@marquee/sdk';
import { VirtualList, createRoot } from '../src/index.js';
import { modelEngine, settle } from '../src/testing.js';

const COUNT = 10_000;
const SHAPE = { size: 240, gap: 20, ahead: 4, style: { height: 160, paddingInline: 64 } };
const ITEM = { width: 240, height: 136, focusable: 'yes' };

/** The SDK's list of COUNT items, each a view holding its index's text. */
function sdkList() {
  const engine = modelEngine();
  const app = createApp({ host: engine });
  const list = app.virtualList({
    count: COUNT,
    ...SHAPE,
    create: (app) => {
      const title = app.text({ fontSize: 18 });
      return { node: app.view(ITEM).append(title), title };
    },
    render: ({ title }, index) => title.text(`item ${index}`),
  });
  app.root.append(list.node);
  return engine;
}

/** The same list as a component. */
function reactList(props = {}) {
  const engine = modelEngine();
  const root = createRoot(createApp({ host: engine }));
  root.render(
    h(VirtualList, {
      count: COUNT,
      ...SHAPE,
      item: (index) => h('view', { style: ITEM }, h('text', { style: { fontSize: 18 } }, `item ${index}`)),
      ...props,
    }),
  );
  return { engine, root };
}

/** The node showing `item N` in `engine`'s scene. */
const itemNode = (engine, n) =>
  engine.nodes.get(engine.ids().find((id) => engine.nodes.get(id).text === `item ${n}`)).parent;

test('<VirtualList> builds the scene the SDK list builds, and moves its window the same way', async () => {
  const sdk = sdkList();
  const { engine: react } = reactList();
  await settle();
  assert.deepEqual(react.scene(), sdk.scene(), 'at start');
  const list = (engine) => engine.nodes.get(engine.nodes.get(0).children[0]);
  assert.equal(list(react).children.length, 2 * SHAPE.ahead + 1 + 2, 'live items and two spacers');

  const focused = { sdk: null, react: null };
  const focus = async (n) => {
    for (const [name, engine] of [
      ['sdk', sdk],
      ['react', react],
    ]) {
      const to = itemNode(engine, n);
      engine.focus(focused[name], to);
      focused[name] = to;
    }
    await settle();
  };
  // Forwards past the window's edge, and back past its other edge.
  const steps = [...Array.from({ length: 14 }, (_, i) => i + 1), ...Array.from({ length: 9 }, (_, i) => 13 - i)];
  for (const n of steps) {
    await focus(n);
    assert.deepEqual(react.scene(), sdk.scene(), `focus on item ${n}`);
    assert.ok(list(react).children.length <= 2 * SHAPE.ahead + 3, 'never more than live items');
  }

  // One step forwards at the edge: one item moves to the other end, the others are left alone.
  react.take();
  await focus(6);
  for (let n = 7; n <= 10; n++) await focus(n);
  react.take();
  await focus(11);
  const sent = react.take();
  const moves = sent.filter((c) => c.op === 'insertBefore' || c.op === 'appendChild');
  assert.equal(moves.length, 1, `one move: ${JSON.stringify(moves)}`);
  assert.deepEqual(react.scene(), sdk.scene(), 'focus on item 11');
});

test('<VirtualList> refuses what app.virtualList refuses, and an item that is not an element', () => {
  // React reports a render's error and unmounts; the error itself reaches the root's handler.
  for (const [props, message] of [
    [{ size: -1 }, /size -1 is not a size/],
    [{ axis: 'diagonal' }, /axis diagonal is row or column/],
    [{ count: 1.5 }, /count 1.5 is not a count/],
    [{ style: [{ height: 1 }] }, /style is a style object/],
    [{ item: (i) => `item ${i}` }, /item\(0\) is not an element/],
  ]) {
    const errors = [];
    const log = console.error;
    console.error = (m) => errors.push(String(m));
    try {
      reactList(props);
    } finally {
      console.error = log;
    }
    assert.ok(
      errors.some((e) => message.test(e)),
      `${JSON.stringify(props)}: ${errors.join('\n')}`,
    );
  }
});
