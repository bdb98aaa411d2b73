// The renderer against a model engine: what a render sends, what a re-render sends (only what
// changed), moves, unmounts, events, hooks and an engine reset.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement as h, useState, useRef, useEffect, Component } from 'react';
import { createApp } from '@marquee/sdk';
import { createRoot, flushSync, useFocused, useLayout, useAnimate, useApp } from '../src/index.js';
import { modelEngine, settle } from '../src/testing.js';
import { MAX_TEXT_BYTES } from '@marquee/sdk/wire';

/** A root on a fresh model engine, rendered with `element`. */
function mount(element) {
  const engine = modelEngine();
  const app = createApp({ host: engine });
  const root = createRoot(app);
  root.render(element);
  return { engine, app, root };
}

/** Runs `body` with console.error collected into the list it is given, then puts it back. */
async function withErrors(body) {
  const errors = [];
  const log = console.error;
  console.error = (m) => errors.push(String(m));
  try {
    await body(errors);
  } finally {
    console.error = log;
  }
}

/** The ops of `commands`, as `op id` strings (the node's id; `op id name` for styles). */
const ops = (commands) => commands.map((c) => [c.op, c.id, c.name].filter((x) => x !== undefined).join(' '));

test('a tree mounts parent first, each node created attached in one command', async () => {
  const { engine } = mount(
    h('view', { style: { flexDirection: 'row', width: 300 } }, [
      h('text', { key: 'a', style: { fontSize: 20 } }, 'Hello ', 'world'),
      h('image', { key: 'b', src: 'posters/1.jpg' }),
    ]),
  );
  await settle();
  assert.deepEqual(engine.tree(), ['view', ['view', ['text', 'Hello world'], ['image', 'posters/1.jpg']]]);
  const commands = engine.take();
  const creates = commands.filter((c) => c.op === 'createStyled');
  assert.equal(creates.length, 3);
  assert.ok(
    creates.every((c) => c.parent !== undefined),
    'every create names its parent',
  );
  assert.equal(commands.filter((c) => c.op === 'appendChild').length, 0, 'no separate appends');
  assert.equal(engine.batches, 1, 'one batch for the render');
  const view = engine.nodes.get(creates[0].id);
  assert.deepEqual(view.style, { 'flex-direction': 2 - 2, width: 300 });
});

test('a re-render sends only the declarations that changed, and clears the ones gone', async () => {
  let set;
  function Tile() {
    const [n, setN] = useState(0);
    set = setN;
    return h(
      'view',
      {
        style:
          n === 0
            ? { width: 100, backgroundColor: '#ff0000', opacity: 0.5 }
            : { width: 100, backgroundColor: '#00ff00' },
      },
      h('text', null, `count ${n}`),
    );
  }
  const { engine } = mount(h(Tile));
  await settle();
  engine.take();
  flushSync(() => set(1));
  await settle();
  const [tile, text] = engine.ids();
  assert.deepEqual(
    ops(engine.take()).sort(),
    [`clearStyle ${tile} opacity`, `setStyle ${tile} background-color`, `setText ${text}`].sort(),
  );
  assert.deepEqual(engine.nodes.get(tile).style, { width: 100, 'background-color': '#00ff00ff' });
  // The same values again: nothing at all.
  flushSync(() => set(1));
  await settle();
  assert.deepEqual(engine.take(), []);
});

test('shorthands are compared as the longhands they set', async () => {
  let set;
  function Tile() {
    const [n, setN] = useState(0);
    set = setN;
    return h('view', {
      style: n === 0 ? [{ padding: [8, 16] }, { paddingLeft: 0 }] : { padding: [8, 16], focused: { borderRadius: 4 } },
    });
  }
  const { engine } = mount(h(Tile));
  await settle();
  const [tile] = engine.ids();
  assert.deepEqual(engine.nodes.get(tile).style, {
    'padding-top': 8,
    'padding-right': 16,
    'padding-bottom': 8,
    'padding-left': 0,
  });
  engine.take();
  flushSync(() => set(1));
  await settle();
  // Only the side the override had set changes; the corners are four state declarations.
  assert.deepEqual(ops(engine.take()).sort(), [
    `setStateStyle ${tile} focused:border-bottom-left-radius`,
    `setStateStyle ${tile} focused:border-bottom-right-radius`,
    `setStateStyle ${tile} focused:border-top-left-radius`,
    `setStateStyle ${tile} focused:border-top-right-radius`,
    `setStyle ${tile} padding-left`,
  ]);
  assert.equal(engine.nodes.get(tile).style['padding-left'], 16);
});

test('state styles and focus props are declarations too', async () => {
  let set;
  function Item() {
    const [on, setOn] = useState(true);
    set = setOn;
    return h('view', {
      focusable: on,
      focusGroup: on ? 'row' : undefined,
      style: {
        focused: on ? { borderColor: '#ffffff', scaleX: 1.1 } : { borderColor: '#ffffff' },
        itemFocused: on ? { opacity: 0.9 } : {},
      },
    });
  }
  const { engine } = mount(h(Item));
  await settle();
  const [id] = engine.ids();
  const node = engine.nodes.get(id);
  assert.deepEqual(node.states, {
    'focused:border-color': '#ffffffff',
    'focused:scale-x': 1.1,
    'item-focused:opacity': 0.9,
  });
  assert.equal(node.style.focusable, 1);
  assert.equal(node.style['focus-group'], 1);
  engine.take();
  flushSync(() => set(false));
  await settle();
  assert.deepEqual(
    ops(engine.take()).sort(),
    [
      `clearStateStyle ${id} focused:scale-x`,
      `clearStateStyle ${id} item-focused:opacity`,
      `clearStyle ${id} focus-group`,
      `setStyle ${id} focusable`,
    ].sort(),
  );
  assert.equal(node.style.focusable, 0);
});

test('reusable styles go by id; swapping one clears what only the old one set', async () => {
  const engine = modelEngine();
  const app = createApp({ host: engine });
  const big = app.style({ width: 200, height: 100, backgroundColor: '#111111' });
  const small = app.style({ width: 50, backgroundColor: '#222222' });
  let set;
  function Box() {
    const [which, setWhich] = useState(big);
    set = setWhich;
    return h('view', { style: [which, { opacity: 0.5 }] });
  }
  createRoot(app).render(h(Box));
  await settle();
  const [id] = engine.ids();
  const first = engine.take();
  assert.equal(first.filter((c) => c.op === 'createStyled')[0].styleId, big.id, 'the style in the create');
  flushSync(() => set(small));
  await settle();
  const swap = ops(engine.take());
  assert.ok(swap.includes(`clearStyle ${id} height`), swap.join(', '));
  assert.ok(swap.includes(`useStyle ${id}`), swap.join(', '));
  assert.ok(!swap.includes(`clearStyle ${id} width`), 'width is set by both');
  assert.ok(swap.indexOf(`setStyle ${id} opacity`) > swap.indexOf(`useStyle ${id}`), 'the object after the style wins');
});

test('a property taken from the overrides falls back to the reusable style', async () => {
  const engine = modelEngine();
  const app = createApp({ host: engine });
  const base = app.style({ width: 200 });
  let set;
  function Box() {
    const [wide, setWide] = useState(true);
    set = setWide;
    return h('view', { style: [base, wide ? { width: 400 } : {}] });
  }
  createRoot(app).render(h(Box));
  await settle();
  const [id] = engine.ids();
  engine.take();
  flushSync(() => set(false));
  await settle();
  assert.deepEqual(ops(engine.take()), [`useStyle ${id}`], 'the style again, not a clear');
});

test('keyed children reorder by moves, and unmounting destroys once; ids come back only once freed', async () => {
  let set;
  function List() {
    const [items, setItems] = useState(['a', 'b', 'c']);
    set = setItems;
    return h(
      'view',
      null,
      items.map((k) => h('text', { key: k }, k)),
    );
  }
  const { engine, app } = mount(h(List));
  await settle();
  const texts = () =>
    engine
      .tree()[1]
      .slice(1)
      .map((t) => t[1]);
  assert.deepEqual(texts(), ['a', 'b', 'c']);
  engine.take();
  flushSync(() => set(['c', 'a', 'b']));
  await settle();
  assert.deepEqual(texts(), ['c', 'a', 'b']);
  const moved = engine.take();
  // React keeps `c` and moves the two after it: moves only, nothing made again.
  assert.deepEqual(
    moved.map((c) => c.op),
    ['appendChild', 'appendChild'],
  );
  const before = engine.ids();
  flushSync(() => set(['a']));
  await settle();
  assert.deepEqual(texts(), ['a']);
  assert.equal(engine.take().filter((c) => c.op === 'destroyNode').length, 2);
  // The engine freed the two; the next nodes may reuse their ids, and only those.
  flushSync(() => set(['a', 'x', 'y', 'z']));
  await settle();
  const now = engine.ids();
  assert.equal(new Set(now).size, now.length, 'ids unique');
  assert.ok(
    now.every((id) => id <= Math.max(...before) + 1),
    `ids reused: ${now}`,
  );
  assert.equal(app.focused, null);
});

test('an unmounted subtree goes with one destroy of its top node', async () => {
  let set;
  function Page() {
    const [open, setOpen] = useState(true);
    set = setOpen;
    return h('view', null, open ? h('view', { style: { width: 10 } }, h('view', null, h('text', null, 'deep'))) : null);
  }
  const { engine } = mount(h(Page));
  await settle();
  assert.equal(engine.ids().length, 4);
  engine.take();
  flushSync(() => set(false));
  await settle();
  assert.deepEqual(
    engine.take().map((c) => c.op),
    ['destroyNode'],
  );
  assert.equal(engine.ids().length, 1);
});

test('focus, blur, keys and select reach the instances and bubble', async () => {
  const seen = [];
  const { engine } = mount(
    h(
      'view',
      { onFocus: (e) => seen.push(`row focus ${e.target.props.name}`), onKey: (e) => seen.push(`row key ${e.key}`) },
      h('view', {
        name: 'a',
        focusable: true,
        onFocus: () => seen.push('a focus'),
        onBlur: () => seen.push('a blur'),
        onSelect: (e) => seen.push(`a select ${e.target.props.name}`),
      }),
      h('view', {
        name: 'b',
        focusable: true,
        onKey: (e) => {
          seen.push(`b key ${e.key}`);
          e.stopPropagation();
        },
      }),
    ),
  );
  await settle();
  const [, a, b] = engine.ids();
  engine.focus(null, a);
  engine.key('enter', a);
  engine.focus(a, b);
  engine.key('play-pause', b);
  assert.deepEqual(seen, [
    'a focus',
    'row focus a',
    'row key enter',
    'a select a',
    'a blur',
    'row focus b',
    'b key play-pause',
  ]);
});

test('state set in event handlers is rendered and sent within the turn, in one render', async () => {
  let renders = 0;
  function Counter() {
    const [n, setN] = useState(0);
    renders += 1;
    return h('view', { focusable: true, onSelect: () => setN((x) => x + 1) }, h('text', null, `n=${n}`));
  }
  const { engine } = mount(h(Counter));
  await settle();
  const [tile] = engine.ids();
  engine.key('enter', tile);
  engine.key('enter', tile);
  // Microtasks only: a discrete update does not wait for the scheduler's next task.
  for (let i = 0; i < 5; i++) await null;
  assert.equal(engine.tree()[1][1][1], 'n=2');
  assert.equal(renders, 2, 'the two events in one batch render once');
});

test('useFocused re-renders only its component when focus moves', async () => {
  let outer = 0;
  function Tile({ name }) {
    const ref = useRef(null);
    const focused = useFocused(ref);
    return h('view', { ref, focusable: true }, h('text', null, `${name}${focused ? '*' : ''}`));
  }
  function Row() {
    outer += 1;
    return h('view', null, h(Tile, { name: 'a' }), h(Tile, { name: 'b' }));
  }
  const { engine } = mount(h(Row));
  await settle();
  const [, a, , b] = engine.ids();
  engine.focus(null, a);
  await settle();
  const labels = () =>
    engine
      .tree()[1]
      .slice(1)
      .map((t) => t[1][1]);
  assert.deepEqual(labels(), ['a*', 'b']);
  engine.focus(a, b);
  await settle();
  assert.deepEqual(labels(), ['a', 'b*']);
  assert.equal(outer, 1, 'the row never re-rendered');
});

test('useLayout answers with the engine box; useAnimate resolves when the animation ends', async () => {
  let box;
  let animate;
  function Panel() {
    const ref = useRef(null);
    box = useLayout(ref);
    animate = useAnimate(ref);
    return h('view', { ref, style: { width: 100, height: 50 } });
  }
  const { engine } = mount(h(Panel));
  await settle();
  const [id] = engine.ids();
  const query = engine.take().find((c) => c.op === 'queryLayout');
  assert.equal(query?.id, id);
  engine.layout(id, 10, 20, 100, 50);
  await settle();
  assert.deepEqual(box, { x: 10, y: 20, width: 100, height: 50 });
  const done = animate({ opacity: 0.5 }, { duration: 100 });
  await settle();
  const anim = engine.take().find((c) => c.op === 'animate');
  assert.deepEqual([anim?.id, anim?.name], [id, 'opacity']);
  engine.animationEnd(id, anim.tag, 0x46, true);
  assert.deepEqual(await done, { finished: true });
});

test('useAnimate on a ref with no node rejects, saying so', async () => {
  let animate;
  function Nothing() {
    animate = useAnimate(useRef(null));
    return null;
  }
  mount(h(Nothing));
  await assert.rejects(animate({ opacity: 1 }), /no mounted node/);
});

test('images report loads to their instance', async () => {
  const loads = [];
  const { engine } = mount(h('image', { src: 'a.png', onLoad: (e) => loads.push(e) }));
  await settle();
  const [id] = engine.ids();
  engine.imageLoaded(id, 64, 32);
  assert.deepEqual(loads, [{ width: 64, height: 32 }]);
});

test('scroll containers report their offset to their instance, and only theirs', async () => {
  const scrolls = [];
  const { engine } = mount(
    h(
      'view',
      { style: { overflow: 'scroll' }, onScroll: (e) => scrolls.push(e) },
      h('view', { style: { overflow: 'scroll' } }),
    ),
  );
  await settle();
  const [outer, inner] = engine.ids();
  engine.scroll(outer, 120, 0);
  engine.scroll(inner, 0, 40);
  assert.deepEqual(scrolls, [{ x: 120, y: 0 }]);
});

test('after an engine reset the scene is made again from the instances, and state survives', async () => {
  let set;
  function Page() {
    const [n, setN] = useState(0);
    set = setN;
    return h('view', { style: { width: 100 } }, h('text', null, `n=${n}`), h('image', { src: 'p.png' }));
  }
  const { engine } = mount(h(Page));
  await settle();
  flushSync(() => set(7));
  await settle();
  const before = engine.tree();
  engine.reset();
  await settle();
  assert.deepEqual(engine.tree(), before);
  assert.equal(engine.tree()[1][1][1], 'n=7');
  flushSync(() => set(8));
  await settle();
  assert.equal(engine.tree()[1][1][1], 'n=8', 'updates reach the new nodes');
});

test('mistakes in the tree are errors that reach the boundaries', async () => {
  await withErrors(async () => {
    class Boundary extends Component {
      constructor(props) {
        super(props);
        this.state = { error: null };
      }
      static getDerivedStateFromError(error) {
        return { error };
      }
      render() {
        return this.state.error ? h('text', null, `failed: ${this.state.error.message}`) : this.props.children;
      }
    }
    const cases = [
      [() => h('view', null, 'loose text'), /outside <text>/],
      [() => h('text', null, h('view')), /inside <text>/],
      [() => h('rect'), /<rect> is not a Marquee component/],
    ];
    for (const [element, message] of cases) {
      const { engine } = mount(h(Boundary, null, element()));
      await settle();
      const shown = engine.tree()[1]?.[1] ?? '';
      assert.match(shown, message);
    }
  });
});

test('a style the SDK refuses is logged and skipped, on a new node as on an update; the rest is sent', async () => {
  await withErrors(async (errors) => {
    const cases = [
      [{ style: { colour: 'red', width: 10 } }, /colour "red": colour is not a style property/],
      [{ style: [{ width: 10 }, { height: 'tall' }] }, /height "tall"/],
      [{ style: { fontSize: 12, width: 10 } }, /fontSize 12: fontSize applies to text nodes/],
      [{ style: { width: 10, focused: { height: 12 } } }, /focused height 12/],
      [{ focusGroup: 'diagonal', style: { width: 10 } }, /focus-group "diagonal"/],
    ];
    for (const [props, message] of cases) {
      errors.length = 0;
      const { engine } = mount(h('view', props));
      await settle();
      const [id] = engine.ids();
      assert.equal(engine.nodes.get(id).style.width, 10, `${message}: the rest applied`);
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.match(errors[0], message);
    }
  });
});

test('a text over the protocol limit is logged; the node is made without it', async () => {
  await withErrors(async (errors) => {
    const { engine } = mount(h('text', { style: { fontSize: 20 } }, 'x'.repeat(MAX_TEXT_BYTES + 1)));
    await settle();
    const [id] = engine.ids();
    assert.equal(engine.nodes.get(id).style['font-size'], 20);
    assert.equal(engine.nodes.get(id).text, undefined);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /a <text>: text is \d+ bytes, more than/);
  });
});

test('a bad value in an update is logged and skipped; the rest of the update is sent', async () => {
  let set;
  function Box() {
    const [bad, setBad] = useState(false);
    set = setBad;
    return h('view', { style: bad ? { width: 'wide', height: 20 } : { width: 10, height: 10 } });
  }
  await withErrors(async (errors) => {
    const { engine } = mount(h(Box));
    await settle();
    const [id] = engine.ids();
    engine.take();
    flushSync(() => set(true));
    await settle();
    assert.deepEqual(ops(engine.take()), [`setStyle ${id} height`]);
    assert.equal(errors.length, 1);
    assert.match(errors[0], new RegExp(`node ${id}: width "wide"`));
  });
});

test('useApp gives the SDK app; a root renders into a node of its own', async () => {
  const engine = modelEngine();
  const app = createApp({ host: engine });
  const host = app.view({ width: 10 });
  app.root.append(host);
  let seen;
  function Probe() {
    seen = useApp();
    useEffect(() => {}, []);
    return h('text', null, 'inside');
  }
  const root = createRoot(app, { node: host });
  root.render(h(Probe));
  await settle();
  assert.equal(seen, app);
  assert.deepEqual(engine.tree(), ['view', ['view', ['text', 'inside']]]);
  root.unmount();
  await settle();
  assert.deepEqual(engine.tree(), ['view', ['view']]);
});

test('after an engine reset a root in a node of the app is left empty until rendered again', async () => {
  const engine = modelEngine();
  const app = createApp({ host: engine });
  const host = app.view();
  app.root.append(host);
  createRoot(app, { node: host }).render(h('text', null, 'inside'));
  await settle();
  engine.reset();
  await settle();
  assert.deepEqual(engine.tree(), ['view'], 'nothing made under a node that is gone');
  // The app makes its node again and renders into it: the tree comes back.
  const again = app.view();
  app.root.append(again);
  createRoot(app, { node: again }).render(h('text', null, 'inside'));
  await settle();
  assert.deepEqual(engine.tree(), ['view', ['view', ['text', 'inside']]]);
});
