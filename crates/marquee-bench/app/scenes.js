// The app-side scenes: what an app's own JavaScript spends building and changing pages through
// the SDK, measured in whatever runtime imports this module — the native host's QuickJS (through
// marquee-bench's `app_side` module, which runs `main.js` here as an app) or Node (`../js/app-side.mjs`).
//
// Each scene runs RUNS times; each run is timed with performance.now() around the loop and the
// flush that sends its batch, so the figure is the app thread's whole cost up to the engine's
// door. The bytes and commands each run sent are counted at the host binding. A run is marked in
// the console (`mark NAME`) after its batch went out, so a host that applies the batches can say
// which scene each one belongs to.

import { createApp } from '@marquee/sdk';
import { buildPage, OFFLINE } from '@marquee/demo/page';
import { createElement as h } from 'react';
import { createRoot } from '@marquee/react';
import { Page } from '@marquee/demo-react/page';

/** Runs of each scene; the medians are reported. */
export const RUNS = 10;
/** Nodes in the grid scenes. */
export const GRID = 1000;

/** The three properties the grid's views carry, as a new app would write them. */
const CELL = { width: 100, height: 50, backgroundColor: '#ff0000' };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs every scene and returns `{ runtime, runs, scenes: [{ name, ms, bytes, commands, nodes }] }`:
 * median app-thread milliseconds, and the bytes and commands one run sent (the same every run).
 * `mark(name)` is called after each run's batch has gone out.
 */
export function runScenes(runtime, mark = () => {}) {
  const real = globalThis.__marqueeHost;
  let bytes = 0;
  let commands = 0;
  const host = {
    send(batch) {
      bytes += batch.length;
      commands += batch[8] | (batch[9] << 8) | (batch[10] << 16) | (batch[11] << 24);
      real.send(batch);
    },
    listen: (fn) => real.listen(fn),
    get viewport() {
      return real.viewport;
    },
  };
  const app = createApp({ host });
  const out = [];
  /** Times `body` (which returns how many nodes it touched) RUNS times as scene `name`. */
  const scene = (name, body, setup = () => {}, teardown = () => {}) => {
    const times = [];
    let sent;
    for (let r = 0; r < RUNS; r++) {
      const state = setup(r);
      app.flush();
      mark(`setup ${name}`);
      bytes = 0;
      commands = 0;
      const t0 = performance.now();
      const nodes = body(state, r);
      app.flush();
      times.push(performance.now() - t0);
      sent = { bytes, commands, nodes };
      mark(name);
      teardown(state);
      app.flush();
      mark(`teardown ${name}`);
    }
    out.push({ name, ms: median(times), ...sent });
  };

  const grid = () => {
    const g = app.view({ flexDirection: 'row', flexWrap: 'wrap' });
    app.root.append(g);
    return g;
  };
  const filled = () => {
    const g = grid();
    const cells = [];
    for (let i = 0; i < GRID; i++) {
      const c = app.view(CELL);
      g.append(c);
      cells.push(c);
    }
    return { g, cells };
  };
  const gone = ({ g }) => g.destroy();

  scene('create-1000', (g) => {
    for (let i = 0; i < GRID; i++) g.append(app.view(CELL));
    return GRID;
  }, grid, (g) => g.destroy());
  // The same views with one reusable style: defined once (in the first run), used by id.
  const cell = app.style(CELL);
  scene('create-1000-styled', (g) => {
    for (let i = 0; i < GRID; i++) g.append(app.view(cell));
    return GRID;
  }, grid, (g) => g.destroy());
  scene('update-1000', ({ cells }, r) => {
    for (let i = 0; i < GRID; i++) cells[i].set('width', 101 + r);
    return GRID;
  }, filled, gone);
  scene('destroy-1000', ({ cells }) => {
    for (let i = 0; i < GRID; i++) cells[i].destroy();
    return GRID;
  }, filled, gone);
  scene('home', (page) => {
    const first = app.nextId;
    page.ui = buildPage(app, { ...OFFLINE, updated: null });
    app.root.append(page.ui.root);
    return app.nextId - first;
  }, () => ({}), (page) => page.ui.root.destroy());
  // The same page from the React demo's components (`apps/demo-react`): the same nodes.
  const catalogue = { ...OFFLINE, updated: null };
  scene('home-react', (page) => {
    const first = app.nextId;
    page.root = createRoot(app, { node: page.holder });
    page.root.render(h(Page, { catalogue }));
    return app.nextId - first;
  }, () => {
    const holder = app.view({ width: '100%', height: '100%' });
    app.root.append(holder);
    return { holder };
  }, (page) => {
    page.root.unmount();
    page.holder.destroy();
  });
  // A row of tiles rendered again with one tile's colour changed: React diffs the props, and
  // only that one property of that one node goes to the engine.
  const Row = ({ colours }) =>
    h('view', { focusGroup: 'row' }, colours.map((c, i) => h('view', { key: i, focusable: true, style: [cell, { backgroundColor: c }] })));
  const colours = Array.from({ length: 100 }, (_, i) => `#${(i * 0x020202).toString(16).padStart(6, '0')}`);
  scene('rerender-one-tile', (state, r) => {
    state.root.render(h(Row, { colours: colours.map((c, i) => (i === 50 ? `#ff00${(r + 16).toString(16)}` : c)) }));
    return 1;
  }, () => {
    const holder = app.view();
    app.root.append(holder);
    const root = createRoot(app, { node: holder });
    root.render(h(Row, { colours }));
    return { root, holder };
  }, ({ root, holder }) => {
    root.unmount();
    holder.destroy();
  });
  return { runtime, runs: RUNS, scenes: out };
}
