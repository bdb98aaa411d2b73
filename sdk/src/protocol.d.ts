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

export declare class BatchEncoder {
  constructor(capacity?: number);
  readonly length: number;
  createNode(id: number, kind: NodeKindName): void;
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
