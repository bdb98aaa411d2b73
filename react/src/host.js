// React's host components as Marquee nodes: the host config react-reconciler drives.
//
// An instance (a `<view>`, `<text>` or `<image>`) is made during render, before its parent, as
// React does; its node is made only when the instance is mounted, parent first (`mount`), each
// created under its parent in one 19-byte command (`app.create(kind, style, parent)`), as the
// SDK's own `parent.append(app.view(style))` costs. The instances keep their props and children:
// after an engine reset the container makes every node again from them, and the app's component
// state survives.
//
// A re-render changes a node by what changed in its props (`props.js`): focus movement, state
// styles and animations stay in the engine, and React renders only when the app's state changes.
// Events from the engine reach the instances by node id: focus, blur, keys and select bubble up
// the instances as React DOM's do; image and layout answers go to their node.

import { createContext } from 'react';
import constants from 'react-reconciler/constants.js';
import { look, make, sameFocusProps, update, textOf } from './props.js';

const { DefaultEventPriority, DiscreteEventPriority, NoEventPriority } = constants;

/** Host component names: each is the SDK node kind it makes. */
const KINDS = new Set(['view', 'text', 'image']);

/** The app and container components read through `useApp` and the hooks. */
export const MarqueeContext = createContext(null);

/** A mounted host component: its node (once mounted), its props and its place among instances. */
export class Instance {
  constructor(container, type, props) {
    this.container = container;
    this.type = type;
    this.props = props;
    /** Its props' declarations as `look` makes them, once an update needed them; null before. */
    this.look = null;
    /** The SDK node; null until mounted, and after the instance is removed. */
    this.node = null;
    this.parent = null;
    this.children = [];
  }

  /** The node's id, or -1 while it has none. */
  get id() {
    return this.node === null ? -1 : this.node.id;
  }

  /** Moves focus to this node (`ref.current.focus()`). */
  focus() {
    this.live('focus').focus();
  }

  /** Animates paint properties (see the SDK's `node.animate`); resolves to `{ finished }`. */
  animate(properties, options) {
    return this.live('animate').animate(properties, options);
  }

  /** Stops an animation where it is. */
  cancelAnimation(name) {
    this.live('cancelAnimation').cancelAnimation(name);
  }

  /** The node's border box in root coordinates, after the next layout. */
  layout() {
    return this.live('layout').layout();
  }

  live(what) {
    if (this.node === null) throw new Error(`${what}(): the <${this.type}> is not mounted`);
    return this.node;
  }
}

/** Where a root renders: an app and the SDK node its instances go under. */
export class Container {
  constructor(app, node) {
    this.app = app;
    this.node = node;
    this.children = [];
    /** Mounted instances by node id, for the engine's events. */
    this.byId = new Map();
    /** Focus listeners of `useFocused`, by instance. */
    this.focusWatch = new Map();
    this.unsubscribe = [
      app.on('focus', (e) => this.focusMoved(e)),
      app.on('key', (e) => this.key(e)),
      app.on('image-loaded', (e) => this.byId.get(e.id)?.props.onLoad?.({ width: e.width, height: e.height })),
      app.on('image-failed', (e) => this.byId.get(e.id)?.props.onError?.({ reason: e.reason })),
      app.on('scroll', (e) => this.byId.get(e.id)?.props.onScroll?.({ x: e.x, y: e.y })),
      // The new engine has an empty scene: make every node again from the instances.
      app.on('engine-reset', () => this.remount()),
    ];
  }

  /** Makes `inst`'s node and its children's, under `parent` (an SDK node) before `before` (or last). */
  mount(inst, parent, before) {
    const node = make(this.app, inst.type, inst.props, before ? null : parent);
    inst.node = node;
    if (before) parent.insertBefore(node, before);
    content(inst, inst.props, null);
    this.byId.set(node.ref, inst);
    for (const child of inst.children) this.mount(child, node, null);
  }

  /** Forgets `inst`'s subtree's nodes (destroyed with the top one). */
  unmount(inst) {
    if (inst.node !== null) {
      this.byId.delete(inst.node.ref);
      inst.node = null;
    }
    for (const child of inst.children) this.unmount(child);
  }

  /**
   * After an engine reset: every node again, from the instances. A root rendering into a node of
   * the app's own has lost that node with the rest; it stays empty until the app renders it again
   * into the node it makes anew.
   */
  remount() {
    this.byId.clear();
    for (const inst of this.children) {
      if (this.node.alive()) this.mount(inst, this.node, null);
      else this.unmount(inst);
    }
  }

  /** Calls `handler` on `inst` and its ancestors in turn, until one stops the event. */
  bubble(inst, handler, event) {
    let stopped = false;
    event.stopPropagation = () => {
      stopped = true;
    };
    for (let at = inst; at !== null && !stopped; at = at.parent) {
      const fn = at.props[handler];
      if (typeof fn !== 'function') continue;
      event.currentTarget = at;
      fn(event);
    }
  }

  focusMoved(e) {
    withPriority(DiscreteEventPriority, () => this.focusChanged(e));
  }

  focusChanged({ from, to }) {
    const before = from === null ? undefined : this.byId.get(from);
    const after = to === null ? undefined : this.byId.get(to);
    if (before) this.bubble(before, 'onBlur', { type: 'blur', target: before, relatedTarget: after ?? null });
    if (after) this.bubble(after, 'onFocus', { type: 'focus', target: after, relatedTarget: before ?? null });
    for (const [inst, listeners] of this.focusWatch) {
      for (const fn of listeners) fn(inst === after);
    }
  }

  key({ key, action, target }) {
    const at = target === null ? undefined : this.byId.get(target);
    if (!at) return;
    withPriority(DiscreteEventPriority, () => {
      this.bubble(at, 'onKey', { type: 'key', key, action, target: at });
      if (key === 'enter' && action === 'press') this.bubble(at, 'onSelect', { type: 'select', target: at });
    });
  }

  /** Stops listening to the app (the root was unmounted). */
  close() {
    for (const off of this.unsubscribe) off();
  }
}

/**
 * Sets what a node shows besides its look: a text's text and font, an image's source. One the
 * SDK refuses (a text over the protocol's limit) is logged, as a refused style is (`props.js`).
 */
function content(inst, props, old) {
  const node = inst.node;
  const was = (name) => (old === null ? undefined : old[name]);
  try {
    if (inst.type === 'text') {
      // A new text node is empty: only a text to show is sent.
      const text = textOf(props.children);
      if (old === null ? text !== '' : text !== textOf(old.children)) node.text(text);
      if (props.font !== was('font')) node.font(props.font ?? '');
    } else if (inst.type === 'image' && props.src !== was('src')) {
      node.src(props.src ?? '');
    }
  } catch (e) {
    console.error(`@marquee/react: node ${node.id}, a <${inst.type}>: ${e.message}`);
  }
}

/** Puts `child` among `list` before `before` (or last), taking it out first if it is there. */
function place(list, child, before) {
  const at = list.indexOf(child);
  if (at >= 0) list.splice(at, 1);
  const to = before ? list.indexOf(before) : -1;
  if (to >= 0) list.splice(to, 0, child);
  else list.push(child);
}

/** Attaches `child` under `parent` (an instance or the container) before `before`, mounting it if new. */
function attach(container, parent, child, before) {
  const parentNode = parent.node;
  place(parent.children, child, before);
  child.parent = parent instanceof Instance ? parent : null;
  if (parentNode === null) return; // under an instance not mounted yet: mounted with it
  if (child.node === null) container.mount(child, parentNode, before?.node ?? null);
  else if (before) parentNode.insertBefore(child.node, before.node);
  else parentNode.append(child.node);
}

/** Takes `child` from `parent` and destroys its node (its subtree's go with it). */
function detach(container, parent, child) {
  const at = parent.children.indexOf(child);
  if (at >= 0) parent.children.splice(at, 1);
  child.parent = null;
  if (child.node?.alive()) child.node.destroy();
  container.unmount(child);
}

let priority = NoEventPriority;

/** The host config. */
export const config = {
  rendererPackageName: '@marquee/react',
  rendererVersion: '0.1.0',
  supportsMutation: true,
  supportsPersistence: false,
  supportsHydration: false,
  supportsMicrotasks: true,
  scheduleMicrotask: globalThis.queueMicrotask ?? ((fn) => Promise.resolve().then(fn)),
  isPrimaryRenderer: true,
  warnsIfNotActing: false,
  noTimeout: -1,
  scheduleTimeout: (fn, ms) => setTimeout(fn, ms),
  cancelTimeout: (id) => clearTimeout(id),

  getRootHostContext: () => ({ inText: false }),
  getChildHostContext: (_parent, type) => ({ inText: type === 'text' }),
  getPublicInstance: (inst) => inst,

  createInstance(type, props, container, context) {
    if (!KINDS.has(type)) {
      throw new TypeError(`<${type}> is not a Marquee component (view, text, image)`);
    }
    if (context.inText) throw new TypeError(`<${type}> inside <text>: a text holds only strings and numbers`);
    return new Instance(container, type, props);
  },
  createTextInstance(text) {
    throw new TypeError(`text "${text}" outside <text>: put strings in a <text>`);
  },
  shouldSetTextContent: (type, props) => type === 'text' && textOf(props.children) !== undefined,
  appendInitialChild(parent, child) {
    place(parent.children, child, null);
    child.parent = parent;
  },
  finalizeInitialChildren: () => false,

  appendChild: (parent, child) => attach(parent.container, parent, child, null),
  appendChildToContainer: (container, child) => attach(container, container, child, null),
  insertBefore: (parent, child, before) => attach(parent.container, parent, child, before),
  insertInContainerBefore: (container, child, before) => attach(container, container, child, before),
  removeChild: (parent, child) => detach(parent.container, parent, child),
  removeChildFromContainer: (container, child) => detach(container, container, child),
  clearContainer(container) {
    for (const child of [...container.children]) detach(container, container, child);
  },

  commitUpdate(inst, _type, oldProps, newProps) {
    inst.props = newProps;
    if (inst.node === null) return;
    if (oldProps.style !== newProps.style || !sameFocusProps(oldProps, newProps)) {
      const before = inst.look ?? look(oldProps);
      inst.look = look(newProps);
      update(inst.node, before, inst.look, newProps);
    }
    content(inst, newProps, oldProps);
  },
  commitTextUpdate() {},
  commitMount() {},
  resetTextContent() {},
  hideInstance: (inst) => inst.node?.set('display', 'none'),
  unhideInstance(inst) {
    if (inst.node === null) return;
    inst.look ??= look(inst.props);
    const display = inst.look.plain.get('|display');
    if (display) inst.node.set('display', display[2]);
    else inst.node.clear('display');
  },
  hideTextInstance() {},
  unhideTextInstance() {},

  prepareForCommit: () => null,
  resetAfterCommit() {},
  preparePortalMount() {},
  detachDeletedInstance() {},

  getCurrentUpdatePriority: () => priority,
  setCurrentUpdatePriority(p) {
    priority = p;
  },
  resolveUpdatePriority: () => (priority !== NoEventPriority ? priority : DefaultEventPriority),
  resolveEventType: () => null,
  resolveEventTimeStamp: () => -1.1,
  trackSchedulerEvent() {},
  shouldAttemptEagerTransition: () => false,
  requestPostPaintCallback() {},

  maySuspendCommit: () => false,
  maySuspendCommitOnUpdate: () => false,
  maySuspendCommitInSyncRender: () => false,
  preloadInstance: () => true,
  startSuspendingCommit() {},
  suspendInstance() {},
  waitForCommitToBeReady: () => null,
  getSuspendedCommitReason: () => null,

  getInstanceFromNode: () => null,
  getInstanceFromScope: () => null,
  prepareScopeUpdate() {},
  beforeActiveInstanceBlur() {},
  afterActiveInstanceBlur() {},
  setFocusIfFocusable: () => false,
  bindToConsole: (method, args) => Function.prototype.bind.call(console[method], console, ...args),

  NotPendingTransition: null,
  HostTransitionContext: createContext(null),
  resetFormInstance() {},
};

/** Runs `fn` with `p` as the update priority (events from the engine are discrete, as clicks are). */
export function withPriority(p, fn) {
  const previous = priority;
  priority = p;
  try {
    return fn();
  } finally {
    priority = previous;
  }
}
