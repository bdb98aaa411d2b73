// Types for @marquee/sdk/testing (src/testing.js).

import type { HostBinding, KeyName, KeyActionName } from './index.js';

/** A node of the model engine's scene. */
export interface ModelNode {
  kind: 'view' | 'image' | 'text';
  parent: number | null;
  children: number[];
  /** Style properties set, by kebab-case name: numbers, colours as `#rrggbbaa`, keyword indices. */
  style: Record<string, number | string>;
  /** State styles set, as `focused:name`. */
  states: Record<string, number | string>;
  text?: string;
  src?: string;
  font?: string;
}

/** A host binding that applies what the SDK sends to a model scene and answers as an engine would. */
export interface ModelEngine extends HostBinding {
  readonly nodes: Map<number, ModelNode>;
  /** Commands decoded since the last `take()`: `{ op, id, ... }`. */
  take(): Array<{ op: string; id: number | null; [field: string]: unknown }>;
  batches: number;
  bytes: number;
  /** The node ids under `id` (default: the root), depth first. */
  ids(id?: number): number[];
  focus(from: number | null, to: number | null): void;
  key(key: KeyName, target: number, action?: KeyActionName): void;
  /** Delivers `text` as typed, a `text` event per character, for `target` (null: nothing focused). */
  text(text: string, target: number | null): void;
  imageLoaded(id: number, width: number, height: number): void;
  /** Tells the app scroll container `id` is scrolled to `x`, `y`, as the engine does while it glides. */
  scroll(id: number, x: number, y: number): void;
  layout(id: number, x: number, y: number, width: number, height: number): void;
  animationEnd(id: number, tag: number, property: number, finished: boolean): void;
  /** Empties the scene and tells the app, as a host does after replacing a failed engine. */
  reset(): void;
}

export declare function modelEngine(): ModelEngine;
/** Lets queued microtasks and timers run. */
export declare function settle(): Promise<void>;
