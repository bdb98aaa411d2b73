// @marquee/sdk/testing: apps tested without an engine. `modelEngine()` is a host binding that
// decodes every batch the SDK sends into commands and applies them to a small scene (tree, styles,
// text, sources), and sends events back as the engine would (`node-freed` after a destroy, focus
// moves, keys, image loads, scroll offsets, layout answers, an engine reset). It does not lay out or move focus by
// the arrows: that is the engine's, tested by its own suite. `@marquee/react/testing` renders
// components into one.

import { OP, PROPERTIES, STATES, KEYS, KEY_ACTIONS, VERSION } from './wire.js';

const NAMES = new Map(Object.entries(OP).map(([name, code]) => [code, name]));
const PROPERTY = new Map(PROPERTIES.map(([code, name]) => [code, name]));
const KINDS = ['view', 'image', 'text'];
const NO_PARENT = 0xffffffff;
const decoder = new TextDecoder();

/** One event, as `[opcode, payload bytes]`, into an event batch. */
function eventBatch(list) {
  const size = 12 + list.reduce((n, [, payload]) => n + 6 + payload.length, 0);
  const bytes = new Uint8Array(size);
  const v = new DataView(bytes.buffer);
  bytes.set([0x4d, 0x51, 0x45, 0x56]);
  v.setUint16(4, VERSION, true);
  v.setUint32(8, list.length, true);
  let pos = 12;
  for (const [op, payload] of list) {
    v.setUint16(pos, op, true);
    v.setUint32(pos + 2, payload.length, true);
    bytes.set(payload, pos + 6);
    pos += 6 + payload.length;
  }
  return bytes;
}

/** Little-endian fields into bytes: `[['u32', 5], ['u8', 1]]`. */
function fields(list) {
  const size = list.reduce((n, [t]) => n + { u8: 1, u16: 2, u32: 4, f32: 4 }[t], 0);
  const bytes = new Uint8Array(size);
  const v = new DataView(bytes.buffer);
  let p = 0;
  for (const [t, x] of list) {
    if (t === 'u8') v.setUint8(p, x);
    else if (t === 'u16') v.setUint16(p, x, true);
    else if (t === 'u32') v.setUint32(p, x, true);
    else v.setFloat32(p, x, true);
    p += { u8: 1, u16: 2, u32: 4, f32: 4 }[t];
  }
  return bytes;
}

/** A style value as the model keeps it: a number (px, %, number, int), a colour as `#rrggbbaa`, or a keyword index. */
function readValue(v, p) {
  const tag = v.getUint8(p);
  if (tag === 1 || tag === 2 || tag === 3) return Math.round(v.getFloat32(p + 1, true) * 1000) / 1000;
  if (tag === 4)
    return `#${v
      .getUint32(p + 1, true)
      .toString(16)
      .padStart(8, '0')}`;
  if (tag === 0) return 'auto';
  return v.getUint32(p + 1, true) | 0;
}

/** The model engine's scene and the host binding the SDK talks to. */
export function modelEngine() {
  const nodes = new Map([[0, { kind: 'view', parent: null, children: [], style: {}, states: {} }]]);
  const engine = {
    nodes,
    /** Every command decoded, in order: `{ op, id, ... }`. */
    commands: [],
    batches: 0,
    bytes: 0,
    /** Reusable styles defined, by id: their declarations' bytes in hex. */
    styles: new Map(),
    viewport: { width: 1280, height: 720 },
    send(batch) {
      engine.batches += 1;
      engine.bytes += batch.length;
      const freed = apply(batch);
      if (freed.length > 0) engine.deliver(eventBatch(freed.map((id) => [0x0005, fields([['u32', id]])])));
    },
    listen(fn) {
      engine.deliver = fn;
    },
    /** Commands sent since the last call. */
    take() {
      const list = engine.commands;
      engine.commands = [];
      return list;
    },
    /** The subtree under `id` as nested `[kind, text or src, ...children]` arrays. */
    tree(id = 0) {
      const n = nodes.get(id);
      const out = [n.kind];
      if (n.text !== undefined) out.push(n.text);
      if (n.src !== undefined) out.push(n.src);
      for (const c of n.children) out.push(engine.tree(c));
      return out;
    },
    /**
     * Everything the subtree under `id` shows, node ids left out: kind, style, state styles,
     * reusable styles used (by their declarations), text, font, source, children.
     */
    scene(id = 0) {
      const n = nodes.get(id);
      const sorted = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
      return {
        kind: n.kind,
        style: sorted(n.style),
        states: sorted(n.states),
        used: (n.used ?? []).map((s) => engine.styles.get(s)),
        text: n.text,
        font: n.font,
        src: n.src,
        children: n.children.map((c) => engine.scene(c)),
      };
    },
    /** The ids under `id`, depth first. */
    ids(id = 0) {
      return nodes.get(id).children.flatMap((c) => [c, ...engine.ids(c)]);
    },
    focus(from, to) {
      engine.deliver(
        eventBatch([
          [
            0x0006,
            fields([
              ['u32', from ?? NO_PARENT],
              ['u32', to ?? NO_PARENT],
            ]),
          ],
        ]),
      );
    },
    key(key, target, action = 'press') {
      const payload = fields([
        ['u16', KEYS.indexOf(key)],
        ['u8', KEY_ACTIONS.indexOf(action)],
        ['u32', target],
      ]);
      engine.deliver(eventBatch([[0x0003, payload]]));
    },
    text(text, target) {
      const events = [...text].map((c) => [
        0x000b,
        fields([
          ['u32', c.codePointAt(0)],
          ['u32', target ?? NO_PARENT],
        ]),
      ]);
      engine.deliver(eventBatch(events));
    },
    imageLoaded(id, width, height) {
      engine.deliver(
        eventBatch([
          [
            0x0008,
            fields([
              ['u32', id],
              ['u32', width],
              ['u32', height],
            ]),
          ],
        ]),
      );
    },
    scroll(id, x, y) {
      engine.deliver(
        eventBatch([
          [
            0x000c,
            fields([
              ['u32', id],
              ['f32', x],
              ['f32', y],
            ]),
          ],
        ]),
      );
    },
    layout(id, x, y, width, height) {
      const box = [x, y, width, height].map((n) => ['f32', n]);
      engine.deliver(eventBatch([[0x0002, fields([['u32', id], ...box])]]));
    },
    animationEnd(id, tag, code, finished) {
      const payload = fields([
        ['u32', id],
        ['u32', tag],
        ['u16', code],
        ['u8', finished ? 1 : 0],
      ]);
      engine.deliver(eventBatch([[0x0007, payload]]));
    },
    /** Empties the scene and tells the app, as a host does after replacing a trapped engine. */
    reset() {
      for (const id of [...nodes.keys()]) if (id !== 0) nodes.delete(id);
      nodes.get(0).children = [];
      engine.deliver(eventBatch([[0x0004, fields([['u16', 1]])]]));
    },
  };

  const detach = (id) => {
    const n = nodes.get(id);
    if (n.parent !== null) {
      const p = nodes.get(n.parent);
      p.children.splice(p.children.indexOf(id), 1);
      n.parent = null;
    }
  };
  const attach = (parent, id, before) => {
    if (!nodes.has(parent) || !nodes.has(id)) throw new Error(`attach ${id} under ${parent}: no such node`);
    detach(id);
    const list = nodes.get(parent).children;
    const at = before === undefined ? -1 : list.indexOf(before);
    if (at >= 0) list.splice(at, 0, id);
    else list.push(id);
    nodes.get(id).parent = parent;
  };

  function apply(batch) {
    const v = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
    const count = v.getUint32(8, true);
    const freed = [];
    let pos = 12;
    for (let i = 0; i < count; i++) {
      const code = v.getUint16(pos, true);
      const len = v.getUint32(pos + 2, true);
      const p = pos + 6;
      const op = NAMES.get(code);
      const id = len >= 4 ? v.getUint32(p, true) : null;
      const command = { op, id };
      const node = nodes.get(id);
      switch (op) {
        case 'createStyled': {
          if (nodes.has(id)) throw new Error(`create ${id}: exists`);
          const kind = KINDS[v.getUint8(p + 4)];
          nodes.set(id, { kind, parent: null, children: [], style: {}, states: {}, used: [] });
          command.kind = kind;
          command.styleId = v.getUint32(p + 5, true);
          if (command.styleId !== 0) nodes.get(id).used.push(command.styleId);
          const parent = v.getUint32(p + 9, true);
          if (parent !== NO_PARENT) {
            command.parent = parent;
            attach(parent, id);
          }
          break;
        }
        case 'destroyNode': {
          detach(id);
          const gone = [id];
          for (let k = 0; k < gone.length; k++) gone.push(...nodes.get(gone[k]).children);
          for (const g of gone) nodes.delete(g);
          freed.push(...gone);
          break;
        }
        case 'appendChild':
          command.child = v.getUint32(p + 4, true);
          attach(id, command.child);
          break;
        case 'insertBefore':
          command.child = v.getUint32(p + 4, true);
          command.before = v.getUint32(p + 8, true);
          attach(id, command.child, command.before);
          break;
        case 'removeChild':
          detach(v.getUint32(p + 4, true));
          break;
        case 'setStyle':
          command.name = PROPERTY.get(v.getUint16(p + 4, true));
          command.value = readValue(v, p + 6);
          node.style[command.name] = command.value;
          break;
        case 'clearStyle':
          command.name = PROPERTY.get(v.getUint16(p + 4, true));
          delete node.style[command.name];
          break;
        case 'useStyle':
          command.styleId = v.getUint32(p + 4, true);
          node.used.push(command.styleId);
          break;
        case 'setStateStyle':
        case 'clearStateStyle': {
          const state = STATES[v.getUint8(p + 4)];
          command.name = `${state}:${PROPERTY.get(v.getUint16(p + 5, true))}`;
          if (op === 'setStateStyle') {
            command.value = readValue(v, p + 7);
            node.states[command.name] = command.value;
          } else delete node.states[command.name];
          break;
        }
        case 'setText':
          command.text = decoder.decode(batch.subarray(p + 4, p + len));
          node.text = command.text;
          break;
        case 'setFontFamily':
          node.font = decoder.decode(batch.subarray(p + 4, p + len));
          break;
        case 'setImage':
          command.src = decoder.decode(batch.subarray(p + 4, p + len));
          node.src = command.src;
          break;
        case 'animate':
          command.tag = v.getUint32(p + 4, true);
          command.name = PROPERTY.get(v.getUint16(p + 8, true));
          break;
        case 'defineStyle':
          command.styleId = id;
          engine.styles.set(
            id,
            Array.from(batch.subarray(p + 4, p + len), (b) => b.toString(16).padStart(2, '0')).join(''),
          );
          break;
        default:
          break;
      }
      engine.commands.push(command);
      pos = p + len;
    }
    return freed;
  }
  return engine;
}

/** Lets queued microtasks and timers run (React's scheduler, the SDK's flush). */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
