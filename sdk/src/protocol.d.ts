// Types for the Marquee command encoder (src/protocol.js).

export declare const VERSION: 1;
export declare const MAX_NODE_ID: 65535;

export type NodeKindName = 'view' | 'image' | 'text';
export declare const NodeKind: Readonly<Record<NodeKindName, number>>;

/** A length: a number of px, `'12px'`, `'50%'` or `'auto'` where the property allows it. */
export type StyleValue = number | string;

export interface StyleInfo {
  readonly code: number;
  readonly kind: 'dim' | 'lp' | 'len' | 'num' | 'color' | 'int' | readonly string[];
  readonly min?: number;
  readonly max?: number;
}

export declare const STYLE: Readonly<Record<string, StyleInfo>>;

export declare function parseColor(value: string): number;
export declare function styleValue(name: string, value: StyleValue): [tag: number, value: number];

/** A reusable style's declarations, checked and encoded once (see `BatchEncoder.defineStyle`). */
export interface CompiledStyle {
  readonly bytes: Uint8Array;
  /** Whether it sets a text property (it then fits text nodes only). */
  readonly text: boolean;
}

/** `[state, name, value]`: `state` null for the plain style, else `'focused'` or `'focus-within'`. */
export declare function compileStyle(
  declarations: ReadonlyArray<[state: 'focused' | 'focus-within' | null, name: string, value: StyleValue]>,
): CompiledStyle;

export declare class BatchEncoder {
  constructor(capacity?: number);
  readonly length: number;
  createNode(id: number, kind: NodeKindName): void;
  /**
   * Creates a node with style `style` (0: none) as the last child of `parent` (null: detached).
   * Returns the offset of its parent field, for `adopt` while the batch is open.
   */
  createStyled(id: number, kind: NodeKindName, style: number, parent: number | null): number;
  /** Fills in the parent field of a `createStyled` written in this batch (at its return). */
  adopt(at: number, parent: number): void;
  defineStyle(style: number, compiled: CompiledStyle): void;
  useStyle(id: number, style: number): void;
  destroyNode(id: number): void;
  appendChild(parent: number, child: number): void;
  insertBefore(parent: number, child: number, before: number): void;
  removeChild(parent: number, child: number): void;
  setStyle(id: number, name: string, value: StyleValue): void;
  clearStyle(id: number, name: string): void;
  setViewport(width: number, height: number): void;
  queryLayout(id: number): void;
  /** The finished batch; the encoder starts over empty. */
  finish(): Uint8Array;
}
