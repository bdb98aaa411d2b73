// Proxy nodes against a model engine: a proxy reaches its own node or throws "node was
// destroyed", whatever the app does with ids, destroys, moves and late `node-freed` events.
//
// The model engine applies each batch as the real one does for the commands used here (a tree of
// ids; destroy frees a whole subtree and announces each id with `node-freed`, delivered some
// operations later, as frames do). Every style set writes `width = the proxy's serial`, so the
// model can tell which proxy a command came from: a node that takes a width from a proxy other
// than the one that created it is aliasing, the bug this test exists for.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../src/index.js';
import { VERSION, STYLE } from '../src/protocol.js';
import { rng } from './random-commands.js';

const WIDTH = STYLE.width.code;
const MAX_DEPTH = 256;

/** An engine model that decodes batches synchronously and queues `node-freed` events. */
function modelEngine() {
  const nodes = new Map([[0, { owner: 0, parent: -1, children: new Set() }]]);
  const pendingFreed = [];
  const engine = {
    nodes,
    pendingFreed,
    /** Appends made by filling in a create's parent field. */
    filled: 0,
    viewport: { width: 1280, height: 720 },
    listen(fn) {
      engine.deliver = fn;
    },
    send(batch) {
      const v = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
      let pos = 12;
      for (let i = 0; i < v.getUint32(8, true); i++) {
        const op = v.getUint16(pos, true);
        const p = pos + 6;
        pos = p + v.getUint32(pos + 2, true);
        const u32 = (k) => v.getUint32(p + 4 * k, true);
        const node = (id) => {
          const n = nodes.get(id);
          assert.ok(n, `a command reached node ${id}, which does not exist`);
          return n;
        };
        const detach = (id) => {
          const n = node(id);
          if (n.parent >= 0) node(n.parent).children.delete(id);
          n.parent = -1;
        };
        const depth = (id) => {
          let d = 0;
          for (let at = id; at >= 0; at = nodes.get(at).parent) d++;
          return d;
        };
        switch (op) {
          case 0x0001:
            assert.ok(!nodes.has(u32(0)), `id ${u32(0)} created while still in use`);
            nodes.set(u32(0), { owner: null, parent: -1, children: new Set() });
            break;
          case 0x0002: {
            const stack = [u32(0)];
            detach(u32(0));
            while (stack.length) {
              const id = stack.pop();
              stack.push(...node(id).children);
              nodes.delete(id);
              pendingFreed.push(id);
            }
            break;
          }
          case 0x0006: {
            // createStyled: id, kind:u8, style, parent (0xffffffff: none).
            const [id, style, parent] = [u32(0), v.getUint32(p + 5, true), v.getUint32(p + 9, true)];
            assert.ok(!nodes.has(id), `id ${id} created while still in use`);
            assert.equal(style, 0, 'no styles here');
            nodes.set(id, { owner: null, parent: -1, children: new Set() });
            if (parent !== 0xffffffff && depth(parent) + 1 <= MAX_DEPTH) {
              engine.filled += 1;
              nodes.get(id).parent = parent;
              node(parent).children.add(id);
            }
            break;
          }
          case 0x0003: {
            const [parent, child] = [u32(0), u32(1)];
            node(parent);
            for (let at = parent; at >= 0; at = nodes.get(at).parent)
              assert.notEqual(at, child, 'a cycle reached the engine');
            if (depth(parent) + 1 > MAX_DEPTH) break;
            detach(child);
            node(child).parent = parent;
            node(parent).children.add(child);
            break;
          }
          case 0x0004: {
            const [parent, child, before] = [u32(0), u32(1), u32(2)];
            assert.equal(node(before).parent, parent, 'insert before a node that is not a child');
            if (child === before) break;
            detach(child);
            const order = [...node(parent).children];
            order.splice(order.indexOf(before), 0, child);
            node(parent).children = new Set(order);
            node(child).parent = parent;
            break;
          }
          case 0x0005: {
            const [parent, child] = [u32(0), u32(1)];
            if (node(child).parent === parent) detach(child);
            break;
          }
          case 0x0100: {
            assert.equal(v.getUint16(p + 4, true), WIDTH);
            const serial = v.getFloat32(p + 7, true);
            const n = node(u32(0));
            if (n.owner === null) n.owner = serial;
            assert.equal(serial, n.owner, `node ${u32(0)} (made by proxy ${n.owner}) restyled by proxy ${serial}`);
            break;
          }
          default:
            assert.fail(`unexpected opcode ${op}`);
        }
      }
    },
    /** Delivers the oldest `count` pending node-freed events as one event batch. */
    free(count) {
      const ids = pendingFreed.splice(0, count);
      if (ids.length === 0) return;
      const bytes = new Uint8Array(12 + ids.length * 10);
      const v = new DataView(bytes.buffer);
      bytes.set([0x4d, 0x51, 0x45, 0x56]);
      v.setUint16(4, VERSION, true);
      v.setUint32(8, ids.length, true);
      ids.forEach((id, i) => {
        v.setUint16(12 + i * 10, 0x0005, true);
        v.setUint32(14 + i * 10, 4, true);
        v.setUint32(18 + i * 10, id, true);
      });
      engine.deliver(bytes);
    },
  };
  return engine;
}

const destroyed = /node was destroyed/;

test('random create, destroy, move and id reuse never alias a proxy to another node', () => {
  let calls = 0;
  let refused = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const r = rng(seed);
    const engine = modelEngine();
    const app = createApp({ host: engine });
    const proxies = [];
    const alive = (serial) => [...engine.nodes.values()].some((n) => n.owner === serial);
    const pick = () => proxies[Math.floor(r() * proxies.length)];
    for (let step = 0; step < 300; step++) {
      const roll = r();
      if (roll < 0.3 || proxies.length < 2) {
        const node = app.view();
        const serial = proxies.length + 1;
        proxies.push({ node, serial });
        node.set('width', serial);
        if (r() < 0.7) app.root.append(node);
      } else if (roll < 0.55) {
        const [a, b] = [pick(), pick()];
        try {
          a.node.append(b.node);
        } catch (e) {
          if (!destroyed.test(e.message)) assert.match(e.message, /own ancestor/);
        }
      } else if (roll < 0.65) {
        const p = pick();
        if (alive(p.serial)) p.node.destroy();
        else assert.throws(() => p.node.destroy(), destroyed);
      } else if (roll < 0.9) {
        const p = pick();
        calls += 1;
        if (alive(p.serial)) p.node.set('width', p.serial);
        else {
          refused += 1;
          assert.throws(
            () => p.node.set('width', p.serial),
            destroyed,
            `seed ${seed} step ${step}: proxy ${p.serial} is gone but its call went out`,
          );
          assert.equal(p.node.id, -1);
        }
      } else {
        engine.free(Math.floor(r() * 8));
      }
      app.flush();
    }
  }
  assert.ok(calls > 1000 && refused > 100, `${calls} calls, ${refused} refused: too few to mean anything`);
});

test('children of a destroyed node are dead at once, before the engine frees them', async () => {
  const engine = modelEngine();
  const app = createApp({ host: engine });
  const parent = app.view();
  const child = app.view();
  const grandchild = app.text();
  parent.append(child);
  child.append(grandchild);
  app.root.append(parent);
  parent.destroy();
  assert.throws(() => child.set('backgroundColor', '#ff0000'), destroyed);
  assert.throws(() => grandchild.text('x'), destroyed);
  assert.throws(() => app.root.append(child), destroyed, 'appending a destroyed node says so');
  assert.equal(child.id, -1);
  app.flush();
  engine.free(3);
  // The ids come back for new nodes; the old proxies still refuse.
  const fresh = [app.view(), app.view(), app.view()];
  assert.deepEqual(fresh.map((n) => n.id).sort(), [1, 2, 3]);
  assert.throws(() => child.set('width', 1), destroyed);
});

test('a detached child survives the destruction of its old parent', () => {
  const engine = modelEngine();
  const app = createApp({ host: engine });
  const parent = app.view();
  const child = app.view();
  parent.append(child);
  parent.remove(child);
  parent.destroy();
  child.set('width', 1);
  app.flush();
  assert.equal(engine.nodes.get(child.id).owner, 1);
});

test('a turn that writes more than a batch holds is sent as several batches, none lost', () => {
  const engine = modelEngine();
  const batches = [];
  const send = engine.send;
  engine.send = (batch) => {
    batches.push(batch.length);
    send(batch);
  };
  const app = createApp({ host: engine });
  let made = 0;
  assert.throws(() => {
    for (let i = 0; i < 1_000_000; i++) {
      app.view().set('width', 7);
      made += 1;
    }
  }, /no free node id/);
  app.flush();
  assert.equal(made, 65535);
  assert.equal(engine.nodes.size, 65536, 'every node made before the throw reached the engine');
  assert.ok(batches.length > 1 && batches.every((n) => n <= 16 << 20));
});

test('appends filled into creates, and creates under a parent, build the same tree as appendChild would, in any order of calls', () => {
  let filled = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const r = rng(seed);
    const engine = modelEngine();
    const app = createApp({ host: engine });
    // What the calls mean: children in order, by node id (no id is freed, so none is reused).
    const tree = new Map([[0, []]]);
    const proxies = [app.root];
    const parentOf = (id) => [...tree].find(([, kids]) => kids.includes(id))?.[0];
    const detach = (id) => {
      const p = parentOf(id);
      if (p !== undefined) tree.get(p).splice(tree.get(p).indexOf(id), 1);
    };
    const pick = () => proxies[Math.floor(r() * proxies.length)];
    for (let step = 0; step < 200; step++) {
      const roll = r();
      const [a, b] = [pick(), pick()];
      try {
        if (roll < 0.35) {
          // Created detached, appended after, or created under its parent in one command.
          const how = r();
          const n = how < 0.3 ? app.create('view', undefined, a) : app.view();
          tree.set(n.id, []);
          proxies.push(n);
          if (how < 0.3) tree.get(a.id).push(n.id);
          else if (how < 0.65) {
            a.append(n);
            tree.get(a.id).push(n.id);
          }
        } else if (roll < 0.6 && b !== app.root) {
          a.append(b);
          detach(b.id);
          tree.get(a.id).push(b.id);
        } else if (roll < 0.7 && b !== app.root && tree.get(a.id).length > 0) {
          const kids = tree.get(a.id);
          const kid = kids[Math.floor(r() * kids.length)];
          const before = proxies.find((p) => p.id === kid);
          a.insertBefore(b, before);
          if (b.id !== before.id) {
            detach(b.id);
            kids.splice(kids.indexOf(before.id), 0, b.id);
          }
        } else if (roll < 0.75 && b !== app.root && parentOf(b.id) !== undefined) {
          const p = parentOf(b.id);
          proxies.find((x) => x.id === p).remove(b);
          detach(b.id);
        } else if (roll < 0.8 && b !== app.root) {
          const gone = [b.id];
          for (let i = 0; i < gone.length; i++) gone.push(...tree.get(gone[i]));
          detach(b.id);
          b.destroy();
          for (const id of gone) tree.delete(id);
          proxies.splice(0, proxies.length, ...proxies.filter((p) => tree.has(p.id)));
        } else if (roll < 0.9) {
          app.flush();
        }
      } catch (e) {
        assert.match(e.message, /own ancestor/, `seed ${seed} step ${step}`);
      }
    }
    app.flush();
    assert.deepEqual(
      [...engine.nodes.keys()].sort((x, y) => x - y),
      [...tree.keys()].sort((x, y) => x - y),
      `seed ${seed}: the nodes alive`,
    );
    for (const [id, kids] of tree) {
      assert.deepEqual([...engine.nodes.get(id).children], kids, `seed ${seed}: the children of node ${id}`);
    }
    filled += engine.filled;
  }
  assert.ok(filled > 500, `only ${filled} appends filled in: the test does not exercise them`);
});

test('children appended in another order than created, or before their parent was, keep the calls’ meaning', () => {
  const engine = modelEngine();
  const app = createApp({ host: engine });
  const [a, b, c] = [app.view(), app.view(), app.view()];
  // Reverse order: c is filled in, b and a are written out as appends.
  app.root.append(c, b, a);
  // A parent made after its child: the child cannot be attached where it was created.
  const child = app.view();
  const parent = app.view();
  parent.append(child);
  a.append(parent);
  app.flush();
  assert.deepEqual([...engine.nodes.get(0).children], [c.id, b.id, a.id]);
  assert.deepEqual([...engine.nodes.get(a.id).children], [parent.id]);
  assert.deepEqual([...engine.nodes.get(parent.id).children], [child.id]);
  assert.equal(engine.filled, 1, 'c was filled in; the rest went out as appendChild');
});

test('a node created under its parent keeps its place before a child appended after it', () => {
  for (const old of [false, true]) {
    const engine = modelEngine();
    const app = createApp({ host: engine });
    const parent = app.view();
    app.root.append(parent);
    // A parent from an earlier batch, or from this one.
    if (old) app.flush();
    const later = app.view();
    const under = app.create('view', undefined, parent);
    parent.append(later);
    app.flush();
    assert.deepEqual([...engine.nodes.get(parent.id).children], [under.id, later.id], `parent from before: ${old}`);
    // The next batch starts afresh: a node made there and appended at once is filled in.
    const filled = engine.filled;
    const next = app.view();
    parent.append(next);
    app.flush();
    assert.equal(engine.filled, filled + 1, `parent from before: ${old}`);
    assert.deepEqual([...engine.nodes.get(parent.id).children], [under.id, later.id, next.id]);
  }
});
