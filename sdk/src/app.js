// The app-facing SDK: createApp, proxy nodes and event subscription.
//
// A proxy node is a node id plus methods; calling a method appends a command to the current
// batch and nothing else. The SDK keeps no copy of the scene: styles, layout and the tree live in
// the engine. Ids are allocated here, so creating a node never waits for the engine; an id is
// reused only after the engine reports it freed (a `node-freed` event), because only the engine
// knows which nodes a destroyed subtree held.
//
// Commands issued during one turn of the event loop go out as one batch: the first command of a
// turn schedules a flush as a microtask.

import { BatchEncoder, MAX_NODE_ID, STYLE } from './protocol.js';
import { decodeEvents } from './events.js';
import { hostBinding } from './binding.js';

const QUERY_LAYOUT = 0x0601;
const defer = globalThis.queueMicrotask ?? ((fn) => Promise.resolve().then(fn));

const propertyNames = new Map();

/** `backgroundColor` → `background-color`; kebab-case names pass through. */
function propertyName(name) {
  let wire = propertyNames.get(name);
  if (wire === undefined) {
    wire = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (!STYLE[wire]) throw new TypeError(`${name} is not a style property`);
    propertyNames.set(name, wire);
  }
  return wire;
}

/** A node in the engine's scene, seen from the app: an id and methods. */
export class Node {
  constructor(app, id) {
    this.app = app;
    this.id = id;
  }

  /** Sets style properties from an object (`{ width: 100, backgroundColor: '#ff0000' }`). */
  style(properties) {
    for (const [name, value] of Object.entries(properties)) this.set(name, value);
    return this;
  }

  /** Sets one style property. */
  set(name, value) {
    this.app.command((enc) => enc.setStyle(this.id, propertyName(name), value));
    return this;
  }

  /** Returns a property to its default. */
  clear(name) {
    this.app.command((enc) => enc.clearStyle(this.id, propertyName(name)));
    return this;
  }

  /** Appends children in order (moving them if they have a parent). */
  append(...children) {
    for (const child of children) this.app.command((enc) => enc.appendChild(this.id, child.id));
    return this;
  }

  /** Inserts `child` before `before`, an existing child of this node. */
  insertBefore(child, before) {
    this.app.command((enc) => enc.insertBefore(this.id, child.id, before.id));
    return this;
  }

  /** Detaches `child` from this node; it stays alive and can be attached again. */
  remove(child) {
    this.app.command((enc) => enc.removeChild(this.id, child.id));
    return this;
  }

  /** Destroys this node and its subtree. The proxy is dead afterwards. */
  destroy() {
    this.app.command((enc) => enc.destroyNode(this.id));
    this.id = -1;
  }

  /**
   * Sets paint properties for while the node is in `state` (`focused` or `focusWithin`); the
   * engine switches between them itself, with a `focusDuration` transition.
   */
  stateStyle(state, properties) {
    const wire = state === 'focusWithin' ? 'focus-within' : state;
    for (const [name, value] of Object.entries(properties)) {
      this.app.command((enc) => enc.setStateStyle(this.id, wire, propertyName(name), value));
    }
    return this;
  }

  /** Sets a text node's text. */
  text(text) {
    this.app.command((enc) => enc.setText(this.id, String(text)));
    return this;
  }

  /** Sets a text node's font family ('' for the app's default: its first font). */
  font(family) {
    this.app.command((enc) => enc.setFontFamily(this.id, family));
    return this;
  }

  /**
   * Sets an image node's source: a path in the app's bundle (`posters/1.png`), a `file:` or an
   * `http(s):` URL. The engine loads it when the node comes into view; `image-loaded` and
   * `image-failed` events tell the app how it went.
   */
  src(src) {
    this.app.command((enc) => enc.setImage(this.id, src));
    return this;
  }

  /** Moves focus to this node (or into it, if it is a focus group). */
  focus() {
    this.app.command((enc) => enc.focus(this.id));
    return this;
  }

  /**
   * Animates paint properties to new values (`{ translateX: 40, opacity: 0.5 }`) with
   * `{ duration, delay, easing, repeat, alternate }`. Resolves to `{ finished }` when every one
   * has ended: `finished` is false if any was cancelled or replaced.
   */
  animate(properties, options = {}) {
    const ends = Object.entries(properties).map(([name, value]) => {
      const tag = this.app.nextTag();
      this.app.command((enc) => enc.animate(this.id, tag, propertyName(name), value, options));
      return new Promise((resolve) => this.app.animations.set(tag, resolve));
    });
    return Promise.all(ends).then((results) => ({ finished: results.every(Boolean) }));
  }

  /** Stops an animation where it is; that value becomes the style. */
  cancelAnimation(name) {
    this.app.command((enc) => enc.cancelAnimation(this.id, propertyName(name)));
    return this;
  }

  /** This node's border box in root coordinates after the next layout. */
  layout() {
    const id = this.id;
    return new Promise((resolve, reject) => {
      this.app.command((enc) => enc.queryLayout(id));
      const waiting = this.app.layoutQueries.get(id) ?? [];
      waiting.push({ resolve, reject });
      this.app.layoutQueries.set(id, waiting);
    });
  }
}

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
    this.resetIds();
    /** The root node: the engine's surface, sized to the viewport. */
    this.root = new Node(this, 0);
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

  /** Creates a view (a box with a background, border and children). */
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

  create(kind, style) {
    const id = this.freeIds.length > 0 ? this.freeIds.pop() : this.nextId;
    if (id > MAX_NODE_ID) throw new RangeError(`no free node id: ${MAX_NODE_ID} nodes are alive`);
    this.command((enc) => enc.createNode(id, kind));
    if (id === this.nextId) this.nextId += 1;
    const node = new Node(this, id);
    if (style) node.style(style);
    return node;
  }

  /** Appends one command to this turn's batch; the encoder validates before it writes. */
  command(write) {
    write(this.encoder);
    if (!this.scheduled) {
      this.scheduled = true;
      defer(() => this.flush());
    }
  }

  /** Sends the pending commands now (normally done once per turn, automatically). */
  flush() {
    this.scheduled = false;
    if (this.encoder.length > 0) this.host.send(this.encoder.finish());
  }

  /**
   * Subscribes to events: `focus` (`{ from, to }` node ids), `key` (keys focus did not use, with
   * the focused node as `target`), `animation-end`, `image-loaded` (`{ id, width, height }`),
   * `image-failed` (`{ id, reason }`), `command-error`, `layout`, `node-freed` and
   * `engine-reset` (the engine was restarted after a failure and the scene is empty: build it
   * again). Returns a function that unsubscribes.
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
          this.freeIds.push(event.id);
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
          if (event.opcode === QUERY_LAYOUT && event.node !== null) {
            this.settle(event.node, (q) => q.reject(new Error(`layout query for node ${event.node} failed (code ${event.code})`)));
          }
          break;
        case 'engine-reset':
          // Everything the app built is gone; so are the ids and the queries in flight.
          this.resetIds();
          this.encoder.reset();
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
        console.error(`${event.type} listener threw: ${e?.stack ?? e}`);
      }
    }
  }
}

/** Connects to the host (or to `options.host`) and returns the app. */
export function createApp(options = {}) {
  return new App(options.host ?? hostBinding());
}
