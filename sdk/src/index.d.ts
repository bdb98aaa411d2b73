// Types for @marquee/sdk (src/index.js).

import type { StyleValue, NodeKindName } from './protocol.js';
import type { Dimension, LengthPercentage, Length, Color } from './style.js';
export { BatchEncoder, STYLE, NodeKind, MAX_NODE_ID, parseColor } from './protocol.js';
export type { StyleValue, NodeKindName } from './protocol.js';
export type {
  StyleProperties,
  PaintProperties,
  AnimatableProperties,
  PaintPropertyName,
  AnimatablePropertyName,
  Dimension,
  LengthPercentage,
  Length,
  Color,
} from './style.js';

/** One value for every side, or two to four in CSS's order (top, right, bottom, left). */
export type Sides<T> = T | readonly [T] | readonly [T, T] | readonly [T, T, T] | readonly [T, T, T, T] | string;

/**
 * The shorthands the SDK expands into the protocol's longhands (docs/protocol.md, "Shorthands"):
 * sides and corners in CSS's order, as an array or a space-separated string (`'8px 16px'`).
 */
export interface ShorthandProperties {
  /** `padding-top`, `-right`, `-bottom`, `-left`. */
  padding?: Sides<LengthPercentage>;
  /** `margin-top`, `-right`, `-bottom`, `-left`. */
  margin?: Sides<Dimension>;
  /** `top`, `right`, `bottom`, `left`. */
  inset?: Sides<Dimension>;
  /** The corners from the top left, clockwise. */
  borderRadius?: Sides<Length>;
  /** `padding-inline-start`, then `-end` (one value: both). */
  paddingInline?: LengthPercentage | readonly [LengthPercentage, LengthPercentage] | string;
  /** `margin-inline-start`, then `-end` (one value: both). */
  marginInline?: Dimension | readonly [Dimension, Dimension] | string;
  /** `inset-inline-start`, then `-end` (one value: both). */
  insetInline?: Dimension | readonly [Dimension, Dimension] | string;
  /** `row-gap`, then `column-gap` (one value: both). */
  gap?: LengthPercentage | readonly [LengthPercentage, LengthPercentage] | string;
  /** `border-width` and `border-color`, either or both: `2`, `'#ffffff'`, `[2, '#ffffff']`, `'2px solid #ffffff'`. */
  border?: Length | Color | readonly [Length, Color] | { width?: Length; color?: Color };
}

/** The shorthands of paint properties only: what state styles and animations take. */
export type PaintShorthandProperties = Pick<ShorthandProperties, 'borderRadius'>;

/** A shorthand's value: a value, a list of them, or a border's `{ width, color }`. */
export type ShorthandValue = StyleValue | readonly StyleValue[] | { width?: StyleValue; color?: string };

/** Style properties and shorthands by camelCase (or kebab-case) name; see docs/protocol.md for the list. */
export type Style = Record<string, StyleValue | ShorthandValue>;

/** A state a node's state styles are for: see `StyleSheet`. */
export type StateName = 'focused' | 'focusWithin' | 'itemFocused';
/** The states by their names in JavaScript (and on the wire) to their wire names. */
export declare const STYLE_STATES: Readonly<Record<string, 'focused' | 'focus-within' | 'item-focused'>>;

/**
 * What `app.style()` takes: style properties, plus paint properties for while the node is
 * focused (`focused`), holds focus inside it (`focusWithin`), or belongs to the item that has
 * focus (`itemFocused`: the nearest focusable node at or above it).
 */
export type StyleSheet = {
  [name: string]: StyleValue | ShorthandValue | Style | undefined;
  focused?: Style;
  focusWithin?: Style;
  itemFocused?: Style;
};

/**
 * A reusable style (`app.style(...)`): its values are checked once, the engine is sent it once,
 * and every node that uses it names it by id.
 */
export declare class ReusableStyle {
  private constructor();
  readonly id: number;
  /** What it declares: `[state, name]` pairs (state null for the plain style; names in kebab case). */
  readonly declarations: ReadonlyArray<readonly [state: 'focused' | 'focus-within' | null, name: string]>;
}
/** The class of reusable styles, at run time (`value instanceof Style`). */
export declare const Style: typeof ReusableStyle;

/** `backgroundColor` → `background-color`; throws for a name that is not a style property or shorthand. */
export declare function propertyName(name: string): string;

/**
 * What setting `name` to `value` sets, as `[kebab-case name, value]` pairs: the property itself,
 * or a shorthand's longhands. Throws for an unknown name or a shorthand's value of the wrong shape.
 */
export declare function expandStyle(
  name: string,
  value: StyleValue | ShorthandValue,
): Array<[name: string, value: StyleValue]>;

/** What a node may be styled with: properties, a reusable style, or a list of both (later ones win). */
export type Styling = Style | ReusableStyle | ReadonlyArray<Style | ReusableStyle>;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A remote key (docs/protocol.md, "Keys", maps each host's keys onto these). */
export type KeyName =
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'enter'
  | 'back'
  | 'play-pause'
  | 'menu'
  | '0'
  | '1'
  | '2'
  | '3'
  | '4'
  | '5'
  | '6'
  | '7'
  | '8'
  | '9'
  | 'channel-up'
  | 'channel-down'
  | 'red'
  | 'green'
  | 'yellow'
  | 'blue'
  | 'play'
  | 'pause'
  | 'stop'
  | 'rewind'
  | 'fast-forward'
  | 'info'
  | 'guide';

/**
 * What happened to a key: pressed, repeated by the platform while held, released, or held for
 * 500 ms since its press (`long-press`, once per press, for every key but the arrows).
 */
export type KeyActionName = 'press' | 'repeat' | 'release' | 'long-press';

export type MarqueeEvent =
  | {
      type: 'command-error';
      batch: number;
      offset: number;
      opcode: number;
      code: number;
      node: number | null;
      /** The command's name (`setText`). */
      command: string;
      /** Why it was rejected (`not a text node`). */
      reason: string;
      /** Both in one line, with the node's kind: `setText on node 2, a view: not a text node`. */
      message: string;
    }
  | ({ type: 'layout'; id: number } & Box)
  | { type: 'key'; key: KeyName; action: KeyActionName; target: number | null }
  /** A character typed on a keyboard (or an input method), for the focused node (`target`). */
  | { type: 'text'; text: string; target: number | null }
  | { type: 'focus'; from: number | null; to: number | null }
  | { type: 'animation-end'; id: number; tag: number; property: string; finished: boolean }
  | { type: 'image-loaded'; id: number; width: number; height: number }
  /** A scroll container's offset (px its content is scrolled left and up): at most every
   * 100 ms while it glides, and where it comes to rest. */
  | { type: 'scroll'; id: number; x: number; y: number }
  | {
      type: 'image-failed';
      id: number;
      reason: 'bad-source' | 'not-found' | 'unreachable' | 'too-large' | 'too-many-pixels' | 'corrupt' | 'unsupported';
    }
  | { type: 'node-freed'; id: number }
  | { type: 'engine-reset'; reason: 'trap' | 'hang' }
  /** Follows an `engine-reset` when the scene outgrew the engine's memory: its node count at the
   * last frame and the limit it reached, in bytes. */
  | { type: 'engine-out-of-memory'; nodes: number; limit: number };

export type EventType = MarqueeEvent['type'];

/** Animation timing. `easing` is a CSS name, `cubic-bezier(x1,y1,x2,y2)`, `spring` or
 * `spring(stiffness,damping,mass,velocity)`. */
export interface AnimationOptions {
  duration?: number;
  delay?: number;
  easing?: string;
  repeat?: number | 'infinite';
  alternate?: boolean;
}
export type EventOf<T extends EventType> = Extract<MarqueeEvent, { type: T }>;

/** How the SDK reaches its host; the native host provides one as `globalThis.__marqueeHost`. */
export interface HostBinding {
  send(batch: Uint8Array): void;
  listen(handler: (events: Uint8Array) => void): void;
  readonly viewport: { readonly width: number; readonly height: number };
}

export declare class Node {
  /**
   * The node's id; -1 once destroyed (by `destroy()` or with an ancestor). Every method of a
   * destroyed node throws "node was destroyed".
   */
  readonly id: number;
  /** Whether the node still exists. */
  alive(): boolean;
  style(properties: Styling): this;
  set(name: string, value: StyleValue | ShorthandValue): this;
  clear(name: string): this;
  append(...children: Node[]): this;
  insertBefore(child: Node, before: Node): this;
  remove(child: Node): this;
  destroy(): void;
  layout(): Promise<Box>;
  stateStyle(state: StateName, properties: Style): this;
  /** Returns a property of `state` to none. */
  clearState(state: StateName, name: string): this;
  focus(): this;
  /** Sets a text node's text. */
  text(text: string): this;
  /** Sets a text node's font family ('' for the app's default). */
  font(family: string): this;
  /** Sets an image node's source: a bundle path, `file:` or `http(s):` URL ('' for none). */
  src(src: string): this;
  animate(properties: Style, options?: AnimationOptions): Promise<{ finished: boolean }>;
  cancelAnimation(name: string): this;
}

/** What `app.virtualList` takes. */
export interface VirtualListOptions<Slot> {
  /** How many items the list has. */
  count: number;
  /** Each item's length along the axis, in px (every item has the same). */
  size: number;
  /** Space after each item, in px. */
  gap?: number;
  /** `row` (the default) or `column`. */
  axis?: 'row' | 'column';
  /** Items kept beyond the focused one on each side (default 12): how far the app thread may lag the keys. */
  ahead?: number;
  /** Nodes at most (default `2 × ahead + 1`). */
  live?: number;
  /** The container's own style: its size, padding, `scrollAlign` … */
  style?: Style;
  /** A new slot: its (focusable) node, or an object whose `node` it is, with what `render` needs. */
  create(app: App): Slot;
  /** Fills a slot for item `index`. */
  render(slot: Slot, index: number): void;
}

/** A virtualised list (`app.virtualList`): its `node` goes where the list shows. */
export declare class VirtualList<Slot = Node> {
  /** The scroll container holding the window of items. */
  readonly node: Node;
  readonly count: number;
  /** The first item in the window. */
  readonly first: number;
  readonly live: number;
  readonly ahead: number;
  /** The number of items; the window stays where it was as far as the list reaches. */
  setCount(count: number): this;
  /** Item `index` in the window (with `ahead` items around it); its node. */
  reveal(index: number): Node;
  /** Focuses item `index`, bringing it into the window first. */
  focus(index: number): this;
  /** Fills item `index` again, if it is in the window. */
  refresh(index: number): this;
  /** The list's nodes go, and it stops following focus. */
  destroy(): void;
}

/** A virtualised list's shape, as `listOptions` checks it. */
export interface ListShape {
  size: number;
  gap: number;
  axis: 'row' | 'column';
  ahead: number;
  live: number;
}

/** Items beyond the focused one, on each side, that a virtualised list keeps by default (12). */
export declare const AHEAD: number;
/** A virtualised list's options (`count` aside) with their defaults; throws a TypeError on a bad one. */
export declare function listOptions(options: {
  size: number;
  gap?: number;
  axis?: 'row' | 'column';
  ahead?: number;
  live?: number;
}): ListShape;
/** `count` if it is a count of items; else throws a TypeError. */
export declare function checkCount(count: number): number;
/**
 * The first item of a window of `shown` items (of `count`) that shows item `index` with `ahead`
 * items beyond it on each side, moved as little as that takes from `first`.
 */
export declare function windowStart(
  index: number,
  first: number,
  list: { shown: number; ahead: number; count: number },
): number;

export declare class App {
  readonly root: Node;
  readonly viewport: { readonly width: number; readonly height: number };
  /** The focused node's id, or null. */
  readonly focused: number | null;
  /** A reusable style; throws at once on a property or value the engine would refuse. */
  style(properties: StyleSheet): ReusableStyle;
  view(style?: Styling): Node;
  /** A virtualised list: `count` items in a row or column of which only a window has nodes. */
  virtualList<Slot extends Node | { readonly node: Node }>(options: VirtualListOptions<Slot>): VirtualList<Slot>;
  image(style?: Styling): Node;
  text(style?: Styling): Node;
  /** A node of `kind`; with `parent`, created as its last child in the same command (`parent.append(app.create(kind, style))`). */
  create(kind: NodeKindName, style?: Styling, parent?: Node): Node;
  flush(): void;
  on<T extends EventType>(type: T, listener: (event: EventOf<T>) => void): () => void;
}

export declare function createApp(options?: { host?: HostBinding }): App;
export declare function decodeEvents(bytes: Uint8Array): MarqueeEvent[];
