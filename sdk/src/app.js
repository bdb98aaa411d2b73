// The app-facing SDK: createApp, proxy nodes and event subscription.
//
// A proxy node is a node id plus methods; calling a method appends a command to the current
// batch and nothing else. The SDK keeps no copy of the scene: styles, layout and content live in
// the engine. Ids are allocated here, so creating a node never waits for the engine; an id is
// reused only after the engine reports it freed (a `node-freed` event), because only the engine
// knows which nodes a destroyed subtree held.
//
// A proxy must never reach a node other than its own, even once its id is reused. So the SDK
// keeps, per id, a few integers in typed arrays: the node's kind, a generation that changes when
// the engine frees the id, its parent (to know at once that a node died with an ancestor) and
// whether it was destroyed. A proxy remembers the generation it was made in; a call on a proxy
// whose node is gone throws "node was destroyed" at the call site.
//
// A reusable style (`app.style({...})`) is checked and encoded once; the engine is sent it the
// first time a node uses it (again after an engine reset) and nodes name it by id. Every node is
// created with one `createStyled` command that can also attach it: while a node just created is
// appended before anything else could tell the difference (see `App.attachAt`), the SDK fills in
// that command's parent field instead of writing an `appendChild`.
//
// Shorthands (`padding`, `borderRadius`, `border`…) are expanded into their longhands wherever a
// property is named (shorthands.js): the engine knows longhands only.
//
// Commands issued during one turn of the event loop go out as one batch: the first command of a
// turn schedules a flush as a microtask. A turn that writes more than a batch may hold is sent
// as several batches, in order.

import { VirtualList } from './virtual-list.js';
import {
  BatchEncoder,
  MAX_NODE_ID,
  MAX_STYLE_ID,
  STYLE,
  NodeKind,
  commandName,
  rejection,
  compileStyle,
  styleValue,
} from './protocol.js';
import { OP, MAX_TREE_DEPTH } from './wire.js';
import { decodeEvents } from './events.js';
import { hostBinding } from './binding.js';
import { SHORTHANDS } from './shorthands.js';

const defer = globalThis.queueMicrotask ?? ((fn) => Promise.resolve().then(fn));
/** Kind names by `NodeKind` code. */
const KIND_NAMES = Object.keys(NodeKind);
/**
 * A batch is sent once it holds this many bytes or commands, well under the engine's limits
 * (16 MiB, 100,000 commands), so one busy turn never writes a batch the engine refuses whole.
 */
const FLUSH_BYTES = 1 << 20;
const FLUSH_COMMANDS = 50000;

const properties = new Map();

/**
 * A style property by SDK name (`backgroundColor`; kebab-case names pass through): its `STYLE`
 * entry, or for a shorthand its name and `SHORTHANDS` entry (`{ name, shorthand }`).
 */
function property(name) {
  let p = properties.get(name);
  if (p === undefined) {
    const kebab = String(name).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    p = STYLE[kebab];
    if (p === undefined && SHORTHANDS[kebab] !== undefined) p = { name: kebab, shorthand: SHORTHANDS[kebab] };
    if (p === undefined) throw new TypeError(`${String(name)} is not a style property`);
    properties.set(name, p);
  }
  return p;
}

/** `backgroundColor` → `background-color`; throws for a name that is not a style property or shorthand. */
export const propertyName = (name) => property(name).name;

/**
 * What setting `name` to `value` sets, as `[kebab-case name, value]` pairs: the property itself,
 * or a shorthand's longhands (`padding: [8, 16]` → `padding-top: 8`, `padding-right: 16`…).
 * Throws for a name that is not a style property, or a value of the wrong shape for a shorthand;
 * each value is checked only when it is set.
 */
export function expandStyle(name, value) {
  const p = property(name);
  return p.shorthand ? p.shorthand.expand(p.name, value) : [[p.name, value]];
}

/**
 * A shorthand's longhands for `value`, each value checked: a shorthand is set whole or not at
 * all, as one property is.
 */
function checkedLonghands(p, value) {
  const pairs = p.shorthand.expand(p.name, value);
  for (const [longhand, v] of pairs) styleValue(longhand, v);
  return pairs;
}

/** The kebab-case names of the properties `name` stands for: itself, or a shorthand's longhands. */
function longhands(name) {
  const p = property(name);
  return p.shorthand ? p.shorthand.longhands : [p.name];
}

/** An exception as a log line: its name and message, then its stack (QuickJS's `stack` lacks the message). */
export function describeError(e) {
  if (!(e instanceof Error)) return String(e);
  const head = String(e);
  const stack = typeof e.stack === 'string' ? e.stack.trimEnd() : '';
  if (!stack) return head;
  // V8's stack starts with the message already; QuickJS's is only the frames.
  return stack.startsWith(head) ? stack : `${head}\n${stack}`;
}

/** A node in the engine's scene, seen from the app: an id and methods. */
export class Node {
  constructor(app, id, kind) {
    this.app = app;
    this.ref = id;
    this.gen = app.gens[id];
    this.kind = kind;
    /** The `app.destroys` count at which this node was last seen alive through its ancestors. */
    this.checked = app.destroys;
  }

  /** The node's id; -1 once it is destroyed (by itself or with an ancestor). */
  get id() {
    return this.alive() ? this.ref : -1;
  }

  /** Whether the node still exists (or has not been destroyed yet, as far as the app knows). */
  alive() {
    const app = this.app;
    if (app.gens[this.ref] !== this.gen) return false;
    if (this.checked === app.destroys) return true;
    // Something was destroyed since the last look: walk up to see whether it was an ancestor.
    // A parent freed (or reused) since this node was attached to it took this node with it.
    let at = this.ref;
    for (let depth = 0; at >= 0 && depth <= MAX_TREE_DEPTH; depth++) {
      const parent = app.parents[at];
      if (app.dead[at] || (parent >= 0 && app.gens[parent] !== app.parentGens[at])) return false;
      at = parent;
    }
    this.checked = app.destroys;
    return true;
  }

  /** This node's id for a command, or a throw if the node is gone. */
  live() {
    if (!this.alive()) throw new Error(`node was destroyed (a ${KIND_NAMES[this.kind]}, id ${this.ref} when alive)`);
    return this.ref;
  }

  /** Throws unless this node is of `kind`, naming what the call needed. */
  expect(kind, what) {
    if (this.kind !== kind)
      throw new TypeError(
        `${what} applies to ${KIND_NAMES[kind]} nodes; node ${this.ref} is a ${KIND_NAMES[this.kind]}`,
      );
  }

  /**
   * Sets style properties: from an object (`{ width: 100, backgroundColor: '#ff0000' }`), a
   * reusable style (`app.style(...)`), or a list of both, applied in order (later ones win).
   */
  style(properties) {
    if (properties instanceof Style) {
      const id = this.live();
      this.app.encoder.useStyle(id, this.app.styleRef(properties, this.kind));
      this.app.wrote();
    } else if (Array.isArray(properties)) {
      for (const p of properties) this.style(p);
    } else {
      for (const name in properties) {
        if (Object.hasOwn(properties, name)) this.set(name, properties[name]);
      }
    }
    return this;
  }

  /** Sets one style property, or a shorthand's longhands. */
  set(name, value) {
    const id = this.live();
    const p = property(name);
    if (p.shorthand) {
      for (const [longhand, v] of checkedLonghands(p, value)) this.set(longhand, v);
      return this;
    }
    if (p.text) this.expect(NodeKind.text, name);
    this.app.encoder.style(id, p, value);
    this.app.wrote();
    return this;
  }

  /** Returns a property (a shorthand: each of its longhands) to its default. */
  clear(name) {
    const id = this.live();
    const p = property(name);
    if (p.shorthand) {
      for (const longhand of p.shorthand.longhands) this.clear(longhand);
      return this;
    }
    if (p.text) this.expect(NodeKind.text, name);
    this.app.encoder.clearStyle(id, p.name);
    this.app.wrote();
    return this;
  }

  /** Appends children in order (moving them if they have a parent). */
  append(...children) {
    const app = this.app;
    for (let i = 0; i < children.length; i++) {
      const id = this.live();
      const c = children[i].live();
      app.acyclic(id, c);
      app.attachAt(id, c);
      app.attach(c, id);
      app.wrote();
    }
    return this;
  }

  /** Inserts `child` before `before`, an existing child of this node. */
  insertBefore(child, before) {
    const id = this.live();
    const c = child.live();
    this.app.acyclic(id, c);
    const b = before.live();
    this.app.structural().insertBefore(id, c, b);
    this.app.attach(c, id);
    this.app.wrote();
    return this;
  }

  /** Detaches `child` from this node; it stays alive and can be attached again. */
  remove(child) {
    const id = this.live();
    const c = child.live();
    this.app.structural().removeChild(id, c);
    if (this.app.parents[c] === id) this.app.parents[c] = -1;
    this.app.wrote();
    return this;
  }

  /** Destroys this node and its subtree. The proxy, and those of the subtree, are dead afterwards. */
  destroy() {
    const id = this.live();
    this.app.structural().destroyNode(id);
    this.app.dead[id] = 1;
    this.app.destroys += 1;
    this.app.wrote();
  }

  /**
   * Sets paint properties for while the node is in `state` (`focused`, `focusWithin` or
   * `itemFocused`: its item, the nearest focusable node at or above it, has focus); the engine
   * switches between them itself, with a `focusDuration` transition.
   */
  stateStyle(state, properties) {
    const id = this.live();
    const wire = STYLE_STATES[state] ?? state;
    for (const [name, value] of Object.entries(properties)) {
      const p = property(name);
      if (!p.shorthand) {
        this.app.command((enc) => enc.setStateStyle(id, wire, p.name, value));
        continue;
      }
      for (const [longhand, v] of checkedLonghands(p, value)) {
        this.app.command((enc) => enc.setStateStyle(id, wire, longhand, v));
      }
    }
    return this;
  }

  /** Returns a property of `state` (`focused`, `focusWithin` or `itemFocused`) to none. */
  clearState(state, name) {
    const id = this.live();
    const wire = STYLE_STATES[state] ?? state;
    for (const longhand of longhands(name)) this.app.command((enc) => enc.clearStateStyle(id, wire, longhand));
    return this;
  }

  /** Sets a text node's text. */
  text(text) {
    const id = this.live();
    this.expect(NodeKind.text, 'text()');
    this.app.encoder.setText(id, String(text));
    this.app.wrote();
    return this;
  }

  /** Sets a text node's font family ('' for the app's default: its first font). */
  font(family) {
    const id = this.live();
    this.expect(NodeKind.text, 'font()');
    this.app.command((enc) => enc.setFontFamily(id, family));
    return this;
  }

  /**
   * Sets an image node's source: a path in the app's bundle (`posters/1.png`), a `file:` or an
   * `http(s):` URL. The engine loads it when the node comes into view; `image-loaded` and
   * `image-failed` events tell the app how it went.
   */
  src(src) {
    const id = this.live();
    this.expect(NodeKind.image, 'src()');
    this.app.encoder.setImage(id, src);
    this.app.wrote();
    return this;
  }

  /** Moves focus to this node (or into it, if it is a focus group). */
  focus() {
    const id = this.live();
    this.app.command((enc) => enc.focus(id));
    return this;
  }

  /**
   * Animates paint properties to new values (`{ translateX: 40, opacity: 0.5 }`) with
   * `{ duration, delay, easing, repeat, alternate }`. Resolves to `{ finished }` when every one
   * has ended: `finished` is false if any was cancelled or replaced.
   */
  animate(properties, options = {}) {
    const id = this.live();
    const ends = Object.entries(properties).flatMap(([name, value]) =>
      expandStyle(name, value).map(([longhand, v]) => {
        const tag = this.app.nextTag();
        this.app.command((enc) => enc.animate(id, tag, longhand, v, options));
        return new Promise((resolve) => this.app.animations.set(tag, resolve));
      }),
    );
    return Promise.all(ends).then((results) => ({ finished: results.every(Boolean) }));
  }

  /** Stops an animation where it is; that value becomes the style. */
  cancelAnimation(name) {
    const id = this.live();
    for (const longhand of longhands(name)) this.app.command((enc) => enc.cancelAnimation(id, longhand));
    return this;
  }

  /** This node's border box in root coordinates after the next layout. */
  layout() {
    const id = this.live();
    return new Promise((resolve, reject) => {
      this.app.command((enc) => enc.queryLayout(id));
      const waiting = this.app.layoutQueries.get(id) ?? [];
      waiting.push({ resolve, reject });
      this.app.layoutQueries.set(id, waiting);
    });
  }
}

/**
 * A reusable style: declarations checked and encoded once (`app.style(...)`), sent to the engine
 * once, and named by id by every node that uses it.
 */
export class Style {
  constructor(app, id, compiled, declarations) {
    this.app = app;
    this.id = id;
    this.compiled = compiled;
    /** What it declares: `[state, name]` pairs (state null for the plain style; names in kebab case). */
    this.declarations = declarations;
    /** The `app.styleEpoch` the engine was last sent this style in; -1: never. */
    this.epoch = -1;
  }
}

/**
 * The states by their names in JavaScript (and on the wire, which the SDK takes too), to their
 * wire names: `focused: {...}`, `focusWithin: {...}` and `itemFocused: {...}` in a style object
 * hold state declarations.
 */
export const STYLE_STATES = Object.freeze({
  focused: 'focused',
  focusWithin: 'focus-within',
  'focus-within': 'focus-within',
  itemFocused: 'item-focused',
  'item-focused': 'item-focused',
});

/** One app's connection to its engine. */
export class App {
  constructor(host) {
    this.host = host;
    this.encoder = new BatchEncoder();
    this.scheduled = false;
    this.listeners = new Map();
    this.layoutQueries = new Map();
    this.animations = new Map();
    this.tag = 0;
    /** The id of the focused node, or null. */
    this.focused = null;
    // Per node id: generation (bumped when the engine frees the id), kind, parent (-1: none) and
    // the parent's generation when attached, destroyed-but-not-yet-freed. See the module comment.
    this.gens = new Uint32Array(MAX_NODE_ID + 1);
    this.kinds = new Uint8Array(MAX_NODE_ID + 1);
    this.parents = new Int32Array(MAX_NODE_ID + 1).fill(-1);
    this.parentGens = new Uint32Array(MAX_NODE_ID + 1);
    this.dead = new Uint8Array(MAX_NODE_ID + 1);
    /** How many destroy() calls there have been: proxies re-check their ancestors when it moves. */
    this.destroys = 0;
    /** Styles made so far (their ids are 1 ..= this), and the engine's life they were sent in. */
    this.styles = 0;
    this.styleEpoch = 0;
    // For `attachAt`, per node id, since the last structural command: where the node's
    // `createStyled` put its parent field (plus one; 0: not created since), whether that field
    // may still be filled in, and (as a parent) where the last child filled in was created.
    this.bornAt = new Int32Array(MAX_NODE_ID + 1);
    this.fillable = new Uint8Array(MAX_NODE_ID + 1);
    this.lastFilled = new Int32Array(MAX_NODE_ID + 1);
    this.born = [];
    this.resetIds();
    /** The root node: the engine's surface, sized to the viewport. */
    this.root = new Node(this, 0, NodeKind.view);
    host.listen((bytes) => this.receive(bytes));
  }

  /** The surface size the engine lays out into: `{ width, height }`. */
  get viewport() {
    return this.host.viewport;
  }

  nextTag() {
    this.tag = (this.tag + 1) >>> 0;
    return this.tag;
  }

  resetIds() {
    this.nextId = 1;
    this.freeIds = [];
  }

  /**
   * A reusable style: `properties` as `node.style` takes them, plus `focused: {...}` and
   * `focusWithin: {...}` for paint properties while the node is in that state. Checked here
   * (a bad value throws now), sent to the engine once, and used by id:
   * `app.view(card)`, `app.view([card, { backgroundColor }])`, `node.style(card)`.
   */
  style(properties) {
    const declarations = [];
    for (const name in properties) {
      if (!Object.hasOwn(properties, name)) continue;
      const value = properties[name];
      const state = STYLE_STATES[name];
      if (state === undefined) {
        for (const [longhand, v] of expandStyle(name, value)) declarations.push([null, longhand, v]);
        continue;
      }
      if (typeof value !== 'object' || value === null) {
        throw new TypeError(`${name}: ${JSON.stringify(value)} is not an object of paint properties`);
      }
      for (const inner in value) {
        if (!Object.hasOwn(value, inner)) continue;
        for (const [longhand, v] of expandStyle(inner, value[inner])) declarations.push([state, longhand, v]);
      }
    }
    const compiled = compileStyle(declarations);
    if (this.styles >= MAX_STYLE_ID) throw new RangeError(`no free style id: ${MAX_STYLE_ID} styles exist`);
    this.styles += 1;
    const declared = Object.freeze(declarations.map(([state, name]) => Object.freeze([state, name])));
    return new Style(this, this.styles, compiled, declared);
  }

  /** `style`'s id for a node of `kind`, defining it in the engine first if it has not been. */
  styleRef(style, kind) {
    if (style.app !== this) throw new TypeError('a style made by another app');
    if (style.compiled.text && kind !== NodeKind.text) {
      throw new TypeError(`a style with text properties applies to text nodes; this node is a ${KIND_NAMES[kind]}`);
    }
    if (style.epoch !== this.styleEpoch) {
      this.encoder.defineStyle(style.id, style.compiled);
      style.epoch = this.styleEpoch;
    }
    return style.id;
  }

  /** Creates a view (a box with a background, border and children). */
  /**
   * A virtualised list: `count` items in a row or column of which only a window has nodes,
   * moving with focus (see `virtual-list.js` for the options).
   */
  virtualList(options) {
    return new VirtualList(this, options);
  }

  view(style) {
    return this.create('view', style);
  }

  /** Creates an image node. */
  image(style) {
    return this.create('image', style);
  }

  /** Creates a text node. */
  text(style) {
    return this.create('text', style);
  }

  /**
   * Creates a node of `kind` with `style`; with `parent` (a node), as its last child in the same
   * command — what `parent.append(app.create(kind, style))` does, without the append's checks (a
   * new node cannot be its parent's ancestor).
   */
  create(kind, style, parent) {
    if (typeof kind !== 'string' || !Object.hasOwn(NodeKind, kind)) {
      throw new TypeError(`${String(kind)} is not a node kind (view, image, text)`);
    }
    const k = NodeKind[kind];
    const p = parent === undefined || parent === null ? -1 : parent.live();
    const id = this.freeIds.length > 0 ? this.freeIds.pop() : this.nextId;
    if (id > MAX_NODE_ID) throw new RangeError(`no free node id: ${MAX_NODE_ID} nodes are alive`);
    // A reusable style (first in a list) goes into the create command; the rest is set after.
    let first = 0;
    let rest = style;
    if (style instanceof Style) {
      first = this.styleRef(style, k);
      rest = undefined;
    } else if (Array.isArray(style) && style[0] instanceof Style) {
      first = this.styleRef(style[0], k);
      rest = style.slice(1);
    }
    const at = this.encoder.createStyled(id, kind, first, p < 0 ? null : p);
    this.bornAt[id] = at + 1;
    this.fillable[id] = p < 0 ? 1 : 0;
    this.lastFilled[id] = 0;
    this.born.push(id);
    if (id === this.nextId) this.nextId += 1;
    this.kinds[id] = k + 1;
    this.parents[id] = -1;
    this.dead[id] = 0;
    if (p >= 0) {
      // Attached here, in creation order: a child created before it may no longer be filled in
      // under the same parent (see `attachAt`).
      if (this.bornAt[p] === 0 && this.lastFilled[p] === 0) this.born.push(p);
      this.lastFilled[p] = at + 1;
      this.attach(id, p);
    }
    const node = new Node(this, id, k);
    if (rest) node.style(rest);
    this.wrote();
    return node;
  }

  /**
   * Writes "append `c` to `parent`": by filling in the parent field of `c`'s `createStyled` when
   * that attaches it exactly as an `appendChild` here would, else as an `appendChild`.
   *
   * Attaching at creation moves the append earlier in the batch, past the commands written
   * since. That changes nothing when those commands moved no node in the tree (a structural
   * command ends every chance to fill in a create made before it), `parent` existed when `c`
   * was created (it was not created after `c` in this batch), and no child of `parent`
   * created after `c` was filled in already (children filled in keep their creation order).
   */
  attachAt(parent, c) {
    const at = this.bornAt[c];
    const p = this.bornAt[parent];
    if (this.fillable[c] && p < at && this.lastFilled[parent] < at) {
      this.encoder.adopt(at - 1, parent);
      this.fillable[c] = 0;
      // A parent from before is cleared with the born ones.
      if (p === 0 && this.lastFilled[parent] === 0) this.born.push(parent);
      this.lastFilled[parent] = at;
    } else {
      this.structural().appendChild(parent, c);
    }
  }

  /** The encoder, for a command that moves nodes in the tree: no create before it may be filled in after it. */
  structural() {
    for (const id of this.born) {
      this.bornAt[id] = 0;
      this.fillable[id] = 0;
      this.lastFilled[id] = 0;
    }
    this.born.length = 0;
    return this.encoder;
  }

  /** Throws at the call if attaching node `c` under node `id` would make a cycle. */
  acyclic(id, c) {
    for (let at = id, depth = 0; at >= 0 && depth <= MAX_TREE_DEPTH; at = this.parents[at], depth++) {
      if (at === c) throw new RangeError(`appending node ${c} under node ${id} would make it its own ancestor`);
    }
  }

  /** Records that `child` is now a child of `parent`. */
  attach(child, parent) {
    this.parents[child] = parent;
    this.parentGens[child] = this.gens[parent];
  }

  /** Appends one command to this turn's batch; the encoder validates before it writes. */
  command(write) {
    write(this.encoder);
    this.wrote();
  }

  /** A command was written to the encoder: send the batch if it is full, else once this turn ends. */
  wrote() {
    if (this.encoder.length >= FLUSH_COMMANDS || this.encoder.byteLength >= FLUSH_BYTES) {
      this.flush();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      defer(() => this.flush());
    }
  }

  /** Sends the pending commands now (normally done once per turn, automatically). */
  flush() {
    this.scheduled = false;
    // The open creates' offsets are the batch's: none can be filled in once it is gone.
    this.structural();
    if (this.encoder.length > 0) this.host.send(this.encoder.finish());
  }

  /**
   * Subscribes to events: `focus` (`{ from, to }` node ids), `key` (keys focus did not use, with
   * the focused node as `target`), `animation-end`, `image-loaded` (`{ id, width, height }`),
   * `image-failed` (`{ id, reason }`), `command-error` (with `command`, `reason` and `message`
   * in words), `scroll` (`{ id, x, y }`: a scroll container's offset while it glides, at most
   * every 100 ms, and where it comes to rest), `layout`, `node-freed` and `engine-reset` (the engine was restarted after a
   * failure and the scene is empty: build it again), followed by `engine-out-of-memory`
   * (`{ nodes, limit }`) when the failure was the scene outgrowing the engine's memory: build a
   * smaller one. Returns a function that unsubscribes.
   */
  on(type, listener) {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
    return () => set.delete(listener);
  }

  receive(bytes) {
    for (const event of decodeEvents(bytes)) {
      switch (event.type) {
        case 'node-freed':
          this.free(event.id);
          break;
        case 'layout':
          this.settle(event.id, (q) => q.resolve({ x: event.x, y: event.y, width: event.width, height: event.height }));
          break;
        case 'focus':
          this.focused = event.to;
          break;
        case 'animation-end': {
          const resolve = this.animations.get(event.tag);
          this.animations.delete(event.tag);
          resolve?.(event.finished);
          break;
        }
        case 'command-error':
          this.explain(event);
          if (event.opcode === OP.queryLayout && event.node !== null) {
            this.settle(event.node, (q) =>
              q.reject(new Error(`layout query for node ${event.node} failed: ${event.reason}`)),
            );
          }
          break;
        case 'engine-reset':
          // Everything the app built is gone; so are the ids and the queries in flight.
          for (let id = 1; id < this.nextId; id++) this.free(id);
          this.resetIds();
          this.structural();
          this.encoder.reset();
          // The new engine knows no style: each is sent again when next used.
          this.styleEpoch += 1;
          for (const id of [...this.layoutQueries.keys()]) {
            this.settle(id, (q) => q.reject(new Error(`engine reset (${event.reason})`)));
          }
          for (const resolve of this.animations.values()) resolve(false);
          this.animations.clear();
          this.focused = null;
          break;
      }
      this.emit(event);
    }
  }

  /** The engine freed `id`: proxies of the old node are dead, and the id may be given out again. */
  free(id) {
    if (id === 0 || id > MAX_NODE_ID || this.kinds[id] === 0) return;
    this.gens[id] = (this.gens[id] + 1) >>> 0;
    this.kinds[id] = 0;
    this.parents[id] = -1;
    this.dead[id] = 0;
    this.freeIds.push(id);
  }

  /** Adds `command`, `reason` and `message` (in words, with the node's kind) to a command-error. */
  explain(event) {
    const { opcode, code, node } = event;
    const kind = node !== null && node <= MAX_NODE_ID ? this.kinds[node] : 0;
    event.command = commandName(opcode);
    event.reason = rejection(opcode, code);
    const where = node === null ? '' : ` on node ${node}${kind ? `, a ${KIND_NAMES[kind - 1]}` : ''}`;
    event.message = `${event.command}${where}: ${event.reason}`;
  }

  settle(id, fn) {
    const waiting = this.layoutQueries.get(id);
    if (!waiting) return;
    this.layoutQueries.delete(id);
    waiting.forEach(fn);
  }

  emit(event) {
    for (const listener of this.listeners.get(event.type) ?? []) {
      try {
        listener(event);
      } catch (e) {
        // One failing listener must not starve the others or lose the rest of the batch.
        console.error(`${event.type} listener threw: ${describeError(e)}`);
      }
    }
  }
}

/** Connects to the host (or to `options.host`) and returns the app. */
export function createApp(options = {}) {
  return new App(options.host ?? hostBinding());
}
