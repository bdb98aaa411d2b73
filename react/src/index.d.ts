// Types for @marquee/react (src/index.js).
//
// TypeScript knows the host components as `View`, `Text` and `Image`: React's own JSX types
// already claim the lowercase `<text>` and `<image>` for SVG, with other props, so the lowercase
// names are for JavaScript. At run time the two spellings are the same component.

import type { ComponentType, ReactElement, ReactNode, Ref, RefObject } from 'react';
import type {
  App,
  Box,
  KeyName,
  KeyActionName,
  AnimationOptions,
  ReusableStyle,
  StyleProperties,
  PaintProperties,
  AnimatableProperties,
  ShorthandProperties,
  PaintShorthandProperties,
  VirtualListOptions,
} from '@marquee/sdk';

/**
 * A style object: properties, and paint properties for while the node is focused, holds focus,
 * or belongs to the item that has focus (the nearest focusable node at or above it).
 */
export interface StyleObject extends StyleProperties, ShorthandProperties {
  focused?: PaintProperties & PaintShorthandProperties;
  focusWithin?: PaintProperties & PaintShorthandProperties;
  itemFocused?: PaintProperties & PaintShorthandProperties;
}

/** What `style` takes: an object, a reusable style (`app.style(...)`), or a list (later ones win). */
export type StyleProp = StyleObject | ReusableStyle | null | undefined | false | ReadonlyArray<StyleProp>;

/** A mounted host component, as a `ref` holds it. */
export interface MarqueeInstance {
  readonly type: 'view' | 'text' | 'image';
  /** The node's id; -1 while it has none. */
  readonly id: number;
  /** The props it was last rendered with. */
  readonly props: Readonly<Record<string, unknown>>;
  focus(): void;
  animate(
    properties: AnimatableProperties & PaintShorthandProperties,
    options?: AnimationOptions,
  ): Promise<{ finished: boolean }>;
  cancelAnimation(name: keyof (AnimatableProperties & PaintShorthandProperties)): void;
  layout(): Promise<Box>;
}

/** An event that bubbles up the instances; `stopPropagation()` ends it. */
interface BubblingEvent<T extends string> {
  type: T;
  /** Where it happened. */
  target: MarqueeInstance;
  /** Whose handler is running. */
  currentTarget: MarqueeInstance;
  stopPropagation(): void;
}
export interface FocusEvent extends BubblingEvent<'focus' | 'blur'> {
  /** The node focus came from (focus) or went to (blur), when it is one of this root's. */
  relatedTarget: MarqueeInstance | null;
}
export interface KeyEvent extends BubblingEvent<'key'> {
  key: KeyName;
  action: KeyActionName;
}
export type SelectEvent = BubblingEvent<'select'>;

/** Props every host component takes. */
export interface CommonProps {
  style?: StyleProp;
  /** Whether focus may land here (`focusable: 'yes'`). */
  focusable?: boolean;
  /** Arrows move focus among the children along a row, a column or a grid. */
  focusGroup?: 'none' | 'row' | 'column' | 'grid';
  /** Focus may not leave the subtree by the arrows. */
  focusTrap?: boolean;
  /** When focus comes back into the group: to the child focused `last`, or the `nearest`. */
  focusRestore?: 'last' | 'nearest';
  /** Focus goes here when this subtree appears and nothing else has it. */
  autoFocus?: boolean;
  /** Focus arrived at this node or below it. */
  onFocus?: (event: FocusEvent) => void;
  /** Focus left this node or one below it. */
  onBlur?: (event: FocusEvent) => void;
  /** A key focus movement did not use, at the focused node or below. */
  onKey?: (event: KeyEvent) => void;
  /** Enter pressed at the focused node or below. */
  onSelect?: (event: SelectEvent) => void;
  ref?: Ref<MarqueeInstance>;
  key?: string | number;
}
export interface ViewProps extends CommonProps {
  children?: ReactNode;
  /** This scroll container's offset (px its content is scrolled left and up): at most every
   * 100 ms while it glides, and where it comes to rest. */
  onScroll?: (event: { x: number; y: number }) => void;
}
export interface TextProps extends CommonProps {
  /** The text: strings and numbers only. */
  children?: string | number | ReadonlyArray<string | number | null | undefined | boolean> | null;
  /** The font family ('' or unset: the app's first font). */
  font?: string;
}
export interface ImageProps extends CommonProps {
  /** A path in the app's bundle, a `file:` or an `http(s):` URL. */
  src?: string;
  onLoad?: (event: { width: number; height: number }) => void;
  onError?: (event: {
    reason: 'bad-source' | 'not-found' | 'unreachable' | 'too-large' | 'too-many-pixels' | 'corrupt' | 'unsupported';
  }) => void;
}

export declare const View: ComponentType<ViewProps>;
export declare const Text: ComponentType<TextProps>;
export declare const Image: ComponentType<ImageProps>;

export interface Root {
  readonly app: App;
  /** Renders `element` at once (the first frame shows it); later updates are React's to schedule. */
  render(element: ReactNode): void;
  unmount(): void;
}

/** A root rendering into `options.node` (default: the app's root node) of `app` (default: a new app). */
export declare function createRoot(app?: App, options?: { node?: import('@marquee/sdk').Node }): Root;
/** Runs `fn` and commits the updates it makes before returning. */
export declare function flushSync<T>(fn: () => T): T;
/** The SDK app this tree renders into. */
export declare function useApp(): App;
/** A function animating the node `ref` holds; resolves when every property has ended. */
export declare function useAnimate(
  ref: RefObject<MarqueeInstance | null>,
): (
  properties: AnimatableProperties & PaintShorthandProperties,
  options?: AnimationOptions,
) => Promise<{ finished: boolean }>;
/** The node's border box in root coordinates, asked after mount and when `deps` change; null until known. */
export declare function useLayout(ref: RefObject<MarqueeInstance | null>, deps?: ReadonlyArray<unknown>): Box | null;
/** Whether the node `ref` holds has focus; only this component re-renders when it changes. */
export declare function useFocused(ref: RefObject<MarqueeInstance | null>): boolean;

/** What `<VirtualList>` takes: `app.virtualList`'s options, with `item` for `create` and `render`. */
export interface VirtualListProps extends Omit<VirtualListOptions<never>, 'create' | 'render' | 'style'> {
  /** The container's own style: its size, padding, `scrollAlign` … */
  style?: StyleObject;
  /** The element for item `index`: a focusable view, for the arrows to reach it. */
  item(index: number): ReactElement;
}

/**
 * A virtualised list: `count` items in a row or column, of which only a window around the
 * focused one is rendered; the engine scrolls it as it would a list of every item.
 */
export declare function VirtualList(props: VirtualListProps): ReactElement;
