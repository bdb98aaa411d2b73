// Types for @marquee/react/testing (src/testing.js).

import type { ReactNode } from 'react';
import type { App } from '@marquee/sdk';
import type { ModelEngine } from '@marquee/sdk/testing';
import type { Root } from './index.js';

export { modelEngine, settle } from '@marquee/sdk/testing';
export type { ModelEngine, ModelNode } from '@marquee/sdk/testing';

export interface Rendered {
  engine: ModelEngine;
  app: App;
  root: Root;
  /** Every text shown, in tree order. */
  text(): string[];
  /** The node showing `text` (the box around it when the text is alone in one); throws when none does. */
  find(text: string): number;
  /** Moves focus to node `id`, as the engine would tell the app. */
  focus(id: number): void;
  /** A key at node `id` (default: the focused one); resolves once what it changed was sent. */
  press(key: KeyName, id?: number): Promise<void>;
  settle(): Promise<void>;
}

/** Renders `element` into a model engine and waits until it was sent. */
export declare function render(
  element: ReactNode,
  options?: { viewport?: { width: number; height: number } },
): Promise<Rendered>;
