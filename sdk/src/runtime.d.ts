// The globals of Marquee's app runtime (the native host's QuickJS; crates/marquee-js), for apps
// compiled without TypeScript's DOM library, which describes a browser Marquee is not: add
// `"types": ["@marquee/sdk/runtime"]` to tsconfig.json, or `/// <reference types="@marquee/sdk/runtime" />`.
// An app compiled with `"lib": ["dom"]` has these already and must not add this file too.
// Everything here behaves as the web platform's namesake; README.md ("The app runtime") says
// where it is narrower. `Intl` and `toLocaleString` are ECMAScript's, declared by TypeScript's
// ES library (es2022 and later).

export {};

type BufferSource = ArrayBuffer | ArrayBufferView;
type IntegerArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

declare global {
  interface Console {
    debug(...data: unknown[]): void;
    log(...data: unknown[]): void;
    info(...data: unknown[]): void;
    warn(...data: unknown[]): void;
    error(...data: unknown[]): void;
  }
  var console: Console;
  var performance: { now(): number };

  function setTimeout<A extends unknown[]>(handler: (...args: A) => void, ms?: number, ...args: A): number;
  function setInterval<A extends unknown[]>(handler: (...args: A) => void, ms?: number, ...args: A): number;
  function clearTimeout(id: number | undefined): void;
  function clearInterval(id: number | undefined): void;
  function requestAnimationFrame(callback: (time: number) => void): number;
  function cancelAnimationFrame(id: number): void;
  function queueMicrotask(callback: () => void): void;
  function atob(data: string): string;
  function btoa(data: string): string;
  function structuredClone<T>(value: T, options?: { transfer?: never[] }): T;

  class DOMException extends Error {
    constructor(message?: string, name?: string);
    readonly code: number;
  }

  class TextEncoder {
    readonly encoding: 'utf-8';
    encode(input?: string): Uint8Array;
    encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
  }
  class TextDecoder {
    /** UTF-8 only: another label throws a RangeError. */
    constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
    readonly encoding: 'utf-8';
    readonly fatal: boolean;
    readonly ignoreBOM: boolean;
    decode(input?: BufferSource, options?: { stream?: boolean }): string;
  }

  var crypto: {
    getRandomValues<T extends IntegerArray>(array: T): T;
    randomUUID(): `${string}-${string}-${string}-${string}-${string}`;
  };

  var navigator: {
    readonly language: string;
    readonly languages: readonly string[];
    readonly userAgent: string;
    readonly onLine: boolean;
  };

  class URLSearchParams implements Iterable<[string, string]> {
    constructor(init?: string | Iterable<[string, string]> | Record<string, string>);
    readonly size: number;
    append(name: string, value: string): void;
    delete(name: string, value?: string): void;
    get(name: string): string | null;
    getAll(name: string): string[];
    has(name: string, value?: string): boolean;
    set(name: string, value: string): void;
    sort(): void;
    forEach(callback: (value: string, key: string, parent: URLSearchParams) => void, thisArg?: unknown): void;
    entries(): IterableIterator<[string, string]>;
    keys(): IterableIterator<string>;
    values(): IterableIterator<string>;
    [Symbol.iterator](): IterableIterator<[string, string]>;
    toString(): string;
  }
  class URL {
    constructor(url: string | URL, base?: string | URL);
    static canParse(url: string | URL, base?: string | URL): boolean;
    static parse(url: string | URL, base?: string | URL): URL | null;
    href: string;
    readonly origin: string;
    protocol: string;
    username: string;
    password: string;
    host: string;
    hostname: string;
    port: string;
    pathname: string;
    search: string;
    hash: string;
    readonly searchParams: URLSearchParams;
    toString(): string;
    toJSON(): string;
  }

  interface Storage {
    readonly length: number;
    key(index: number): string | null;
    getItem(key: string): string | null;
    /** Throws a `QuotaExceededError` DOMException past the storage's 5 MiB. */
    setItem(key: string, value: string): void;
    removeItem(key: string): void;
    clear(): void;
    [name: string]: unknown;
  }
  var localStorage: Storage;
  var sessionStorage: Storage;

  class Event {
    constructor(type: string);
    readonly type: string;
  }
  class EventTarget {
    addEventListener(
      type: string,
      listener: ((event: Event) => void) | { handleEvent(event: Event): void } | null,
      options?: { once?: boolean } | boolean,
    ): void;
    removeEventListener(
      type: string,
      listener: ((event: Event) => void) | { handleEvent(event: Event): void } | null,
    ): void;
    dispatchEvent(event: Event): boolean;
  }
  class AbortSignal extends EventTarget {
    private constructor();
    readonly aborted: boolean;
    readonly reason: unknown;
    onabort: ((event: Event) => void) | null;
    throwIfAborted(): void;
    static abort(reason?: unknown): AbortSignal;
    static timeout(ms: number): AbortSignal;
    static any(signals: Iterable<AbortSignal>): AbortSignal;
  }
  class AbortController {
    readonly signal: AbortSignal;
    abort(reason?: unknown): void;
  }

  type HeadersInit = Headers | Iterable<[string, string]> | Record<string, string>;
  class Headers implements Iterable<[string, string]> {
    constructor(init?: HeadersInit);
    append(name: string, value: string): void;
    delete(name: string): void;
    get(name: string): string | null;
    getSetCookie(): string[];
    has(name: string): boolean;
    set(name: string, value: string): void;
    forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void;
    entries(): IterableIterator<[string, string]>;
    keys(): IterableIterator<string>;
    values(): IterableIterator<string>;
    [Symbol.iterator](): IterableIterator<[string, string]>;
  }

  class MessageEvent extends Event {
    constructor(type: string, init?: { data?: unknown });
    readonly data: unknown;
  }
  class CloseEvent extends Event {
    constructor(type: string, init?: { code?: number; reason?: string; wasClean?: boolean });
    readonly code: number;
    readonly reason: string;
    readonly wasClean: boolean;
  }
  /**
   * To the origins the app's package.json lists (a ws: URL shares its http: twin's origin; any
   * other throws a SecurityError); messages of at most 1 MiB either way. Binary messages arrive
   * as ArrayBuffers.
   */
  class WebSocket extends EventTarget {
    constructor(url: string | URL, protocols?: string | string[]);
    static readonly CONNECTING: 0;
    static readonly OPEN: 1;
    static readonly CLOSING: 2;
    static readonly CLOSED: 3;
    readonly url: string;
    readonly readyState: 0 | 1 | 2 | 3;
    readonly protocol: string;
    readonly extensions: string;
    readonly bufferedAmount: number;
    binaryType: 'arraybuffer';
    onopen: ((event: Event) => void) | null;
    onmessage: ((event: MessageEvent) => void) | null;
    onerror: ((event: Event) => void) | null;
    onclose: ((event: CloseEvent) => void) | null;
    send(data: string | BufferSource): void;
    close(code?: number, reason?: string): void;
  }

  type BodyInit = string | BufferSource | URLSearchParams;
  interface ResponseInit {
    status?: number;
    statusText?: string;
    headers?: HeadersInit;
  }
  class Response {
    constructor(body?: BodyInit | null, init?: ResponseInit);
    static json(data: unknown, init?: ResponseInit): Response;
    readonly status: number;
    readonly ok: boolean;
    readonly statusText: string;
    readonly headers: Headers;
    readonly url: string;
    readonly redirected: boolean;
    readonly type: 'basic';
    readonly bodyUsed: boolean;
    arrayBuffer(): Promise<ArrayBuffer>;
    bytes(): Promise<Uint8Array>;
    text(): Promise<string>;
    json(): Promise<unknown>;
    clone(): Response;
  }

  interface RequestInit {
    method?: string;
    headers?: HeadersInit;
    body?: BodyInit | null;
    redirect?: 'follow' | 'error' | 'manual';
    signal?: AbortSignal | null;
  }
  /**
   * Only to the origins the app's package.json lists (`marquee.permissions.network`), or, by a
   * relative URL, the app's own files; the body is read whole (16 MiB unless
   * `marquee.limits.responseBytes` says otherwise) before it resolves.
   */
  function fetch(input: string | URL | { url: string }, init?: RequestInit): Promise<Response>;
}
