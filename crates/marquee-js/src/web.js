// The web platform's small pieces that apps and libraries take for granted, as browsers define
// them: DOMException, queueMicrotask, atob/btoa, TextEncoder/TextDecoder (UTF-8), structuredClone,
// crypto's getRandomValues/randomUUID, localStorage/sessionStorage, URL and URLSearchParams,
// navigator's languages.
//
// Evaluated as a script after the prelude, with the host's native functions in `native`
// (utf8Encode, utf8Decode, random, log, storage*, url*, form*) and the device's languages. What is plain JavaScript stays here; what needs bytes
// or entropy (UTF-8 both ways, the system's random source) is native. Errors follow the
// standards' names, so code written for browsers catches what it expects.
(function (native) {
  'use strict';
  // USVString conversion: lone surrogates become U+FFFD.
  const wellFormed = (s) =>
    typeof s.toWellFormed === 'function'
      ? s.toWellFormed()
      : s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  // fetch.js, evaluated next with the same `native`, converts strings the same way.
  native.wellFormed = wellFormed;
  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });

  // The legacy codes of the names this runtime throws (WebIDL's table).
  const CODES = {
    IndexSizeError: 1,
    NotFoundError: 8,
    NotSupportedError: 9,
    InvalidStateError: 11,
    SyntaxError: 12,
    InvalidCharacterError: 5,
    TypeMismatchError: 17,
    SecurityError: 18,
    NetworkError: 19,
    AbortError: 20,
    TimeoutError: 23,
    QuotaExceededError: 22,
    DataCloneError: 25,
  };
  class DOMException extends Error {
    constructor(message = '', name = 'Error') {
      super(String(message));
      Object.defineProperty(this, 'name', { value: String(name), configurable: true, writable: true });
    }
    get code() {
      return CODES[this.name] ?? 0;
    }
  }
  define('DOMException', DOMException);

  define('queueMicrotask', (fn) => {
    if (typeof fn !== 'function') throw new TypeError('queueMicrotask: the callback is not a function');
    Promise.resolve().then(() => {
      try {
        fn();
      } catch (e) {
        native.log(3, `microtask threw: ${e instanceof Error && e.stack ? `${e}\n${e.stack}` : String(e)}`);
      }
    });
  });

  // Base64, forgiving on input as HTML's atob is (ASCII whitespace, missing padding).
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]));
  define('btoa', (data) => {
    const s = String(data);
    let out = '';
    for (let i = 0; i < s.length; i += 3) {
      const b = [0, 1, 2].map((k) => (i + k < s.length ? s.charCodeAt(i + k) : -1));
      if (b.some((c) => c > 0xff)) {
        throw new DOMException('btoa: the string has characters outside Latin-1', 'InvalidCharacterError');
      }
      const n = (b[0] << 16) | (Math.max(b[1], 0) << 8) | Math.max(b[2], 0);
      out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63];
      out += b[1] < 0 ? '=' : ALPHABET[(n >> 6) & 63];
      out += b[2] < 0 ? '=' : ALPHABET[n & 63];
    }
    return out;
  });
  define('atob', (data) => {
    let s = String(data).replace(/[\t\n\f\r ]/g, '');
    if (s.length % 4 === 0) s = s.replace(/={1,2}$/, '');
    if (s.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(s)) {
      throw new DOMException('atob: the string is not valid base64', 'InvalidCharacterError');
    }
    let out = '';
    let bits = 0;
    let n = 0;
    for (const c of s) {
      n = (n << 6) | INDEX.get(c);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += String.fromCharCode((n >> bits) & 0xff);
      }
    }
    return out;
  });

  // A view of the bytes of a BufferSource, or a TypeError.
  function bytesOf(input, what) {
    if (input instanceof ArrayBuffer) return new Uint8Array(input);
    if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    throw new TypeError(`${what}: expected an ArrayBuffer or a view of one`);
  }

  class TextEncoder {
    get encoding() {
      return 'utf-8';
    }
    encode(input = '') {
      return native.utf8Encode(wellFormed(String(input)));
    }
    encodeInto(source, destination) {
      if (!(destination instanceof Uint8Array)) throw new TypeError('encodeInto: the destination is not a Uint8Array');
      const s = wellFormed(String(source));
      let read = 0;
      let written = 0;
      // Whole code points only, as many as fit.
      for (const ch of s) {
        const bytes = native.utf8Encode(ch);
        if (written + bytes.length > destination.length) break;
        destination.set(bytes, written);
        written += bytes.length;
        read += ch.length;
      }
      return { read, written };
    }
  }
  define('TextEncoder', TextEncoder);

  // How many bytes at the end of `b` start a UTF-8 sequence the bytes do not finish.
  function unfinished(b) {
    for (let back = 1; back <= Math.min(3, b.length); back++) {
      const c = b[b.length - back];
      if ((c & 0xc0) === 0x80) continue; // a continuation byte: look further back
      const need = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 1;
      return need > back ? back : 0;
    }
    return 0;
  }

  class TextDecoder {
    #fatal;
    #ignoreBOM;
    #pending = new Uint8Array(0);
    #started = false;
    constructor(label = 'utf-8', options = {}) {
      const l = String(label).trim().toLowerCase();
      if (!['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8'].includes(l)) {
        throw new RangeError(`TextDecoder: the encoding "${label}" is not supported (only UTF-8 is)`);
      }
      this.#fatal = Boolean(options?.fatal);
      this.#ignoreBOM = Boolean(options?.ignoreBOM);
    }
    get encoding() {
      return 'utf-8';
    }
    get fatal() {
      return this.#fatal;
    }
    get ignoreBOM() {
      return this.#ignoreBOM;
    }
    decode(input, options = {}) {
      const stream = Boolean(options?.stream);
      let bytes = input === undefined ? new Uint8Array(0) : bytesOf(input, 'TextDecoder.decode');
      if (this.#pending.length > 0) {
        const all = new Uint8Array(this.#pending.length + bytes.length);
        all.set(this.#pending);
        all.set(bytes, this.#pending.length);
        bytes = all;
      }
      const keep = stream ? unfinished(bytes) : 0;
      this.#pending = bytes.slice(bytes.length - keep);
      bytes = bytes.subarray(0, bytes.length - keep);
      if (!this.#started && !this.#ignoreBOM && bytes.length >= 3) {
        if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      }
      if (bytes.length > 0 || !stream) this.#started = stream;
      const text = native.utf8Decode(bytes, this.#fatal);
      if (text == null) {
        this.#pending = new Uint8Array(0);
        this.#started = false;
        throw new TypeError('TextDecoder: the data is not valid UTF-8');
      }
      return text;
    }
  }
  define('TextDecoder', TextDecoder);

  // structuredClone: HTML's serializable values, cycles and shared references kept.
  const TYPED = [
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array,
  ];
  const ERRORS = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
  function clone(value, seen) {
    if (typeof value === 'function' || typeof value === 'symbol') {
      throw new DOMException(`structuredClone: ${String(value)} could not be cloned`, 'DataCloneError');
    }
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return seen.get(value);
    const tag = Object.prototype.toString.call(value);
    let out;
    if (value instanceof Date) out = new Date(value.getTime());
    else if (value instanceof RegExp) out = new RegExp(value.source, value.flags);
    else if (value instanceof ArrayBuffer) out = value.slice(0);
    else if (value instanceof DataView) {
      const buffer = clone(value.buffer, seen);
      out = new DataView(buffer, value.byteOffset, value.byteLength);
    } else if (ArrayBuffer.isView(value)) {
      const Type = TYPED.find((T) => value instanceof T);
      const buffer = clone(value.buffer, seen);
      out = new Type(buffer, value.byteOffset, value.length);
    } else if (tag === '[object Boolean]') out = Object(value.valueOf());
    else if (tag === '[object Number]') out = Object(value.valueOf());
    else if (tag === '[object String]') out = Object(value.valueOf());
    else if (tag === '[object BigInt]') out = Object(value.valueOf());
    if (out !== undefined) {
      seen.set(value, out);
      return out;
    }
    if (value instanceof Map) {
      out = new Map();
      seen.set(value, out);
      for (const [k, v] of value) out.set(clone(k, seen), clone(v, seen));
      return out;
    }
    if (value instanceof Set) {
      out = new Set();
      seen.set(value, out);
      for (const v of value) out.add(clone(v, seen));
      return out;
    }
    if (value instanceof Error) {
      const Type = ERRORS[value.name] ?? Error;
      out = new Type(value.message);
      seen.set(value, out);
      if (value.stack !== undefined) out.stack = String(value.stack);
      if ('cause' in value) out.cause = clone(value.cause, seen);
      return out;
    }
    if (Array.isArray(value)) {
      out = new Array(value.length);
      seen.set(value, out);
      for (const k of Object.keys(value)) out[k] = clone(value[k], seen);
      return out;
    }
    if (value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet || value instanceof WeakRef) {
      throw new DOMException(`structuredClone: a ${tag.slice(8, -1)} could not be cloned`, 'DataCloneError');
    }
    // Any other object, a class instance too, is cloned as a plain object of its own
    // enumerable properties (its prototype is not kept), as browsers do.
    out = {};
    seen.set(value, out);
    for (const k of Object.keys(value)) out[k] = clone(value[k], seen);
    return out;
  }
  define('structuredClone', (value, options) => {
    if (options?.transfer?.length) {
      throw new DOMException('structuredClone: transferring is not supported', 'DataCloneError');
    }
    return clone(value, new Map());
  });

  // crypto: the system's random source, never a seeded generator.
  const INTEGER = TYPED.filter((T) => T !== Float32Array && T !== Float64Array);
  const crypto = {
    getRandomValues(array) {
      if (!INTEGER.some((T) => array instanceof T)) {
        throw new DOMException('getRandomValues: expected an integer typed array', 'TypeMismatchError');
      }
      if (array.byteLength > 65536) {
        throw new DOMException(
          `getRandomValues: ${array.byteLength} bytes asked for, at most 65536 at a time`,
          'QuotaExceededError',
        );
      }
      new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(native.random(array.byteLength));
      return array;
    },
    randomUUID() {
      const b = native.random(16);
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  };
  define('crypto', Object.freeze(crypto));

  // Web Storage: the Storage interface over the native store (0: local, 1: session), with
  // named properties as browsers have them (`localStorage.theme = 'dark'`).
  // Keys and values cross to native code as well-formed strings (lone surrogates become U+FFFD).
  const text = (v) => wellFormed(String(v));
  function failed(why) {
    if (why == null) return;
    if (why.startsWith('quota: ')) throw new DOMException(why.slice(7), 'QuotaExceededError');
    throw new Error(why);
  }
  class Storage {
    #n;
    constructor(n) {
      this.#n = n;
    }
    get length() {
      return native.storageLength(this.#n);
    }
    key(index) {
      return native.storageKey(this.#n, Number(index)) ?? null;
    }
    getItem(key) {
      return native.storageGet(this.#n, text(key)) ?? null;
    }
    setItem(key, value) {
      failed(native.storageSet(this.#n, text(key), text(value)));
    }
    removeItem(key) {
      failed(native.storageRemove(this.#n, text(key)));
    }
    clear() {
      failed(native.storageClear(this.#n));
    }
  }
  const own = (target, key) => typeof key === 'string' && !(key in target);
  function storage(n) {
    const target = new Storage(n);
    for (const m of ['key', 'getItem', 'setItem', 'removeItem', 'clear']) {
      Object.defineProperty(target, m, { value: Storage.prototype[m].bind(target), configurable: true, writable: true });
    }
    return new Proxy(target, {
      get: (t, key) => (own(t, key) ? (native.storageGet(n, text(key)) ?? undefined) : Reflect.get(t, key)),
      set(t, key, value) {
        if (!own(t, key)) return Reflect.set(t, key, value);
        t.setItem(key, value);
        return true;
      },
      deleteProperty(t, key) {
        if (!own(t, key)) return Reflect.deleteProperty(t, key);
        t.removeItem(key);
        return true;
      },
      has: (t, key) => (own(t, key) ? native.storageGet(n, text(key)) != null : Reflect.has(t, key)),
      ownKeys: () => native.storageKeys(n),
      getOwnPropertyDescriptor(t, key) {
        if (!own(t, key)) return Reflect.getOwnPropertyDescriptor(t, key);
        const value = native.storageGet(n, text(key));
        return value == null ? undefined : { value, writable: true, enumerable: true, configurable: true };
      },
    });
  }
  define('Storage', Storage);
  define('localStorage', storage(0));
  define('sessionStorage', storage(1));

  // URL and URLSearchParams: WHATWG URL parsing and the setters' rules are the url crate's
  // (native.url*), the form encoding of a query too (native.form*); the classes keep a URL's
  // serialization and its linked search params in step.
  let link; // (params, list, update): ties a URLSearchParams to its URL (set in the class below)
  class URLSearchParams {
    #list = [];
    #update = null;
    static {
      link = (params, list, update) => {
        params.#list = list;
        params.#update = update;
      };
    }
    constructor(init = '') {
      if (typeof init === 'object' && init !== null) {
        if (typeof init[Symbol.iterator] === 'function') {
          for (const pair of init) {
            const p = [...pair];
            if (p.length !== 2) throw new TypeError('URLSearchParams: each pair must have two members');
            this.#list.push([wellFormed(String(p[0])), wellFormed(String(p[1]))]);
          }
        } else {
          for (const k of Object.keys(init)) this.#list.push([wellFormed(k), wellFormed(String(init[k]))]);
        }
      } else {
        const s = wellFormed(String(init));
        this.#list = native.formParse(s.startsWith('?') ? s.slice(1) : s);
      }
    }
    #changed() {
      this.#update?.(native.formSerialize(this.#list));
    }
    get size() {
      return this.#list.length;
    }
    append(name, value) {
      this.#list.push([wellFormed(String(name)), wellFormed(String(value))]);
      this.#changed();
    }
    delete(name, value) {
      const n = String(name);
      const v = value === undefined ? undefined : String(value);
      this.#list = this.#list.filter(([k, x]) => k !== n || (v !== undefined && x !== v));
      this.#changed();
    }
    get(name) {
      const n = String(name);
      return this.#list.find(([k]) => k === n)?.[1] ?? null;
    }
    getAll(name) {
      const n = String(name);
      return this.#list.filter(([k]) => k === n).map(([, v]) => v);
    }
    has(name, value) {
      const n = String(name);
      const v = value === undefined ? undefined : String(value);
      return this.#list.some(([k, x]) => k === n && (v === undefined || x === v));
    }
    set(name, value) {
      const n = wellFormed(String(name));
      const v = wellFormed(String(value));
      const at = this.#list.findIndex(([k]) => k === n);
      if (at < 0) this.#list.push([n, v]);
      else this.#list = this.#list.filter(([k], i) => i <= at || k !== n).map((p, i) => (i === at ? [n, v] : p));
      this.#changed();
    }
    sort() {
      // Stable, by code units, as the standard says.
      this.#list = this.#list
        .map((p, i) => [p, i])
        .sort(([a, i], [b, j]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : i - j))
        .map(([p]) => p);
      this.#changed();
    }
    forEach(fn, thisArg) {
      for (const [k, v] of this.#list) fn.call(thisArg, v, k, this);
    }
    *entries() {
      for (const [k, v] of this.#list) yield [k, v];
    }
    *keys() {
      for (const [k] of this.#list) yield k;
    }
    *values() {
      for (const [, v] of this.#list) yield v;
    }
    [Symbol.iterator]() {
      return this.entries();
    }
    toString() {
      return native.formSerialize(this.#list);
    }
  }
  define('URLSearchParams', URLSearchParams);

  const parse = (url, base) =>
    native.urlParse(wellFormed(String(url)), base === undefined ? undefined : wellFormed(String(base)));
  let setPart; // (url, part, value): a URL's setters, for the accessors defined after the class
  class URL {
    #href;
    #params = null;
    static {
      setPart = (url, part, value) => url.#set(part, value);
    }
    constructor(url, base) {
      const href = parse(url, base);
      if (href == null) throw new TypeError(`Invalid URL: ${String(url)}`);
      this.#href = href;
    }
    static canParse(url, base) {
      return parse(url, base) != null;
    }
    static parse(url, base) {
      return parse(url, base) == null ? null : new URL(url, base);
    }
    #set(part, value) {
      this.#href = native.urlSet(this.#href, part, wellFormed(String(value)));
      if (this.#params) link(this.#params, native.formParse(native.urlGet(this.#href, 'query')), this.#update);
    }
    #update = (query) => {
      this.#href = native.urlSet(this.#href, 'query', query);
    };
    get href() {
      return this.#href;
    }
    set href(value) {
      const href = parse(value);
      if (href == null) throw new TypeError(`Invalid URL: ${String(value)}`);
      this.#href = href;
      if (this.#params) link(this.#params, native.formParse(native.urlGet(href, 'query')), this.#update);
    }
    get origin() {
      return native.urlGet(this.#href, 'origin');
    }
    get searchParams() {
      if (!this.#params) {
        this.#params = new URLSearchParams();
        link(this.#params, native.formParse(native.urlGet(this.#href, 'query')), this.#update);
      }
      return this.#params;
    }
    toString() {
      return this.#href;
    }
    toJSON() {
      return this.#href;
    }
  }
  for (const part of ['protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash']) {
    Object.defineProperty(URL.prototype, part, {
      get() {
        return native.urlGet(this.href, part);
      },
      set(value) {
        setPart(this, part, value);
      },
      configurable: true,
      enumerable: true,
    });
  }
  define('URL', URL);

  // navigator: the device's languages (the host's `--locale`, else its environment's), and who
  // is asking. There is no connectivity signal yet: onLine says what browsers say by default.
  const languages = Object.freeze([...native.languages]);
  define(
    'navigator',
    Object.freeze({
      language: languages[0] ?? 'en-US',
      languages,
      userAgent: 'Marquee',
      onLine: true,
    }),
  );
});
