// The network, as the Fetch, DOM and WebSockets standards define it: Headers, Response,
// AbortController/AbortSignal (with the small EventTarget and Event they stand on), fetch, and
// WebSocket (with MessageEvent and CloseEvent).
//
// Evaluated as a script after web.js, with the host's native functions in `native` (fetchStart,
// fetchRefusal, fetchAbort, socketOpen, socketSend, socketSendBytes, socketClose) and the
// prelude's control object, on which it puts `fetchDone` and `socketEvent`: the runtime calls
// them when a request ends and when a socket does something. Requests and sockets run on the
// host's network threads; here they wait in `pending` and `sockets` by id.
(function (native, control) {
  'use strict';
  const wellFormed = native.wellFormed; // web.js's: lone surrogates become U+FFFD
  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });

  class Event {
    #type;
    constructor(type) {
      this.#type = String(type);
    }
    get type() {
      return this.#type;
    }
  }
  class EventTarget {
    #listeners = new Map();
    addEventListener(type, listener, options) {
      if (typeof listener !== 'function' && typeof listener?.handleEvent !== 'function') return;
      const list = this.#listeners.get(type) ?? [];
      if (list.some((l) => l.listener === listener)) return;
      list.push({ listener, once: typeof options === 'object' && Boolean(options?.once) });
      this.#listeners.set(type, list);
    }
    removeEventListener(type, listener) {
      const list = this.#listeners.get(type);
      if (list) this.#listeners.set(type, list.filter((l) => l.listener !== listener));
    }
    dispatchEvent(event) {
      const list = [...(this.#listeners.get(event.type) ?? [])];
      for (const l of list) {
        if (l.once) this.removeEventListener(event.type, l.listener);
      }
      for (const fn of list.map((l) => l.listener)) {
        try {
          if (typeof fn === 'function') fn.call(this, event);
          else fn.handleEvent(event);
        } catch (e) {
          native.log(3, `event listener threw: ${e instanceof Error && e.stack ? `${e}\n${e.stack}` : String(e)}`);
        }
      }
      return true;
    }
  }
  define('Event', Event);
  define('EventTarget', EventTarget);

  const INTERNAL = Symbol('internal');
  let signalAbort; // (signal, reason): aborts a signal (set in the class below)
  // `on<type>` properties: an event handler is a listener from the moment it is first set (so it
  // runs in that place among the others), calling whatever function the property holds by then.
  function handlers(Class, types) {
    for (const type of types) {
      const slots = new WeakMap();
      Object.defineProperty(Class.prototype, `on${type}`, {
        get() {
          return slots.get(this)?.fn ?? null;
        },
        set(fn) {
          let slot = slots.get(this);
          if (!slot) {
            slot = { fn: null };
            slots.set(this, slot);
            this.addEventListener(type, (event) => slot.fn?.call(this, event));
          }
          slot.fn = typeof fn === 'function' ? fn : null;
        },
        configurable: true,
        enumerable: true,
      });
    }
  }

  class AbortSignal extends EventTarget {
    #aborted = false;
    #reason = undefined;
    static {
      signalAbort = (signal, reason) => {
        if (signal.#aborted) return;
        signal.#aborted = true;
        signal.#reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
        signal.dispatchEvent(new Event('abort'));
      };
    }
    constructor(key) {
      if (key !== INTERNAL) throw new TypeError('Illegal constructor: use AbortController or AbortSignal.abort/timeout');
      super();
    }
    get aborted() {
      return this.#aborted;
    }
    get reason() {
      return this.#reason;
    }
    throwIfAborted() {
      if (this.#aborted) throw this.#reason;
    }
    static abort(reason) {
      const s = new AbortSignal(INTERNAL);
      signalAbort(s, reason);
      return s;
    }
    static timeout(ms) {
      const s = new AbortSignal(INTERNAL);
      setTimeout(() => signalAbort(s, new DOMException('The operation timed out', 'TimeoutError')), Number(ms));
      return s;
    }
    static any(signals) {
      const s = new AbortSignal(INTERNAL);
      for (const other of signals) {
        if (other.aborted) {
          signalAbort(s, other.reason);
          return s;
        }
      }
      for (const other of signals) other.addEventListener('abort', () => signalAbort(s, other.reason), { once: true });
      return s;
    }
  }
  class AbortController {
    #signal = new AbortSignal(INTERNAL);
    get signal() {
      return this.#signal;
    }
    abort(reason) {
      signalAbort(this.#signal, reason);
    }
  }
  handlers(AbortSignal, ['abort']);
  define('AbortSignal', AbortSignal);
  define('AbortController', AbortController);

  // Header names are tokens; values have no NUL, CR or LF and lose surrounding whitespace.
  const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
  function header(name, value) {
    const n = String(name);
    if (!TOKEN.test(n)) throw new TypeError(`Headers: ${JSON.stringify(n)} is not a valid header name`);
    const v = String(value).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
    // A value is a byte string: Latin-1, without NUL, CR or LF.
    if (/[\0\r\n]|[^\x00-\xff]/.test(v)) throw new TypeError(`Headers: the value of ${n} is not a valid header value`);
    return [n.toLowerCase(), v];
  }
  class Headers {
    #list = [];
    constructor(init) {
      if (init == null) return;
      if (init instanceof Headers) {
        this.#list = init.#list.map((p) => [...p]);
      } else if (typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const p = [...pair];
          if (p.length !== 2) throw new TypeError('Headers: each pair must have two members');
          this.append(p[0], p[1]);
        }
      } else if (typeof init === 'object') {
        for (const k of Object.keys(init)) this.append(k, init[k]);
      } else {
        throw new TypeError('Headers: expected pairs or an object');
      }
    }
    append(name, value) {
      this.#list.push(header(name, value));
    }
    delete(name) {
      const [n] = header(name, '');
      this.#list = this.#list.filter(([k]) => k !== n);
    }
    get(name) {
      const [n] = header(name, '');
      const values = this.#list.filter(([k]) => k === n).map(([, v]) => v);
      return values.length ? values.join(', ') : null;
    }
    getSetCookie() {
      return this.#list.filter(([k]) => k === 'set-cookie').map(([, v]) => v);
    }
    has(name) {
      const [n] = header(name, '');
      return this.#list.some(([k]) => k === n);
    }
    set(name, value) {
      const [n, v] = header(name, value);
      const at = this.#list.findIndex(([k]) => k === n);
      if (at < 0) this.#list.push([n, v]);
      else this.#list = this.#list.filter(([k], i) => i <= at || k !== n).map((p, i) => (i === at ? [n, v] : p));
    }
    // Sorted by name, values of one name combined (set-cookie kept apart), as the standard says.
    *entries() {
      const names = [...new Set(this.#list.map(([k]) => k))].sort();
      for (const n of names) {
        if (n === 'set-cookie') for (const v of this.getSetCookie()) yield [n, v];
        else yield [n, this.get(n)];
      }
    }
    *keys() {
      for (const [k] of this.entries()) yield k;
    }
    *values() {
      for (const [, v] of this.entries()) yield v;
    }
    forEach(fn, thisArg) {
      for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
    }
    [Symbol.iterator]() {
      return this.entries();
    }
  }
  define('Headers', Headers);

  // A body as bytes and the content type it implies (null: none).
  const encoder = new TextEncoder();
  function extract(body) {
    if (body == null) return [null, null];
    if (body instanceof ArrayBuffer) return [new Uint8Array(body.slice(0)), null];
    if (ArrayBuffer.isView(body)) return [new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)), null];
    if (body instanceof URLSearchParams) {
      return [encoder.encode(body.toString()), 'application/x-www-form-urlencoded;charset=UTF-8'];
    }
    return [encoder.encode(String(body)), 'text/plain;charset=UTF-8'];
  }

  const decoder = new TextDecoder();
  let received; // (status, statusText, headers, body, url, redirected): a Response from the network
  class Response {
    #bytes;
    #used = false;
    #status;
    #statusText;
    #headers;
    #url = '';
    #redirected = false;
    static {
      // What the network gave, as a Response (fetchDone's).
      received = (status, statusText, headers, body, url, redirected) => {
        const r = new Response(null, { statusText, headers });
        r.#bytes = body; // the network's own copy: no need for another
        r.#status = status;
        r.#url = url;
        r.#redirected = redirected;
        return r;
      };
    }
    constructor(body = null, init = {}) {
      const status = init.status === undefined ? 200 : Number(init.status);
      if (!Number.isInteger(status) || status < 200 || status > 599) {
        throw new RangeError(`Response: ${init.status} is not a status in 200..599`);
      }
      const [bytes, type] = extract(body);
      this.#bytes = bytes;
      this.#status = status;
      this.#statusText = init.statusText === undefined ? '' : String(init.statusText);
      this.#headers = new Headers(init.headers);
      if (type && !this.#headers.has('content-type')) this.#headers.set('content-type', type);
    }
    static json(data, init = {}) {
      const r = new Response(JSON.stringify(data), init);
      r.#headers.set('content-type', 'application/json');
      return r;
    }
    get status() {
      return this.#status;
    }
    get ok() {
      return this.#status >= 200 && this.#status <= 299;
    }
    get statusText() {
      return this.#statusText;
    }
    get headers() {
      return this.#headers;
    }
    get url() {
      return this.#url;
    }
    get redirected() {
      return this.#redirected;
    }
    get type() {
      return 'basic';
    }
    get bodyUsed() {
      return this.#used;
    }
    #consume() {
      if (this.#used) return Promise.reject(new TypeError('Response: the body has already been read'));
      this.#used = true;
      return Promise.resolve(this.#bytes ?? new Uint8Array(0));
    }
    arrayBuffer() {
      return this.#consume().then((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    }
    bytes() {
      return this.#consume().then((b) => new Uint8Array(b));
    }
    text() {
      return this.#consume().then((b) => decoder.decode(b));
    }
    json() {
      return this.text().then((t) => JSON.parse(t));
    }
    clone() {
      if (this.#used) throw new TypeError('Response: the body has already been read');
      const r = new Response(this.#bytes, { status: 200, statusText: this.#statusText, headers: this.#headers });
      r.#status = this.#status;
      r.#url = this.#url;
      r.#redirected = this.#redirected;
      return r;
    }
  }
  define('Response', Response);

  // Methods fetch upper-cases, and those it refuses.
  const STANDARD = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH'];
  const FORBIDDEN = ['CONNECT', 'TRACE', 'TRACK'];
  const REDIRECTS = ['follow', 'error', 'manual'];
  const pending = new Map();

  function fetch(input, init = {}) {
    return new Promise((resolve, reject) => {
      const target = input instanceof URL ? input.href : input?.url !== undefined ? String(input.url) : String(input);
      let url;
      try {
        // A relative URL names one of the app's own files, as it would a page's in a browser.
        url = new URL(target, 'app://app/');
      } catch {
        throw new TypeError(`fetch: ${JSON.stringify(target)} is not a URL`);
      }
      const raw = String(init.method ?? 'GET');
      if (!TOKEN.test(raw)) throw new TypeError(`fetch: ${JSON.stringify(raw)} is not a valid method`);
      const method = STANDARD.includes(raw.toUpperCase()) ? raw.toUpperCase() : raw;
      if (FORBIDDEN.includes(method.toUpperCase())) throw new TypeError(`fetch: the method ${method} is forbidden`);
      const headers = new Headers(init.headers);
      const [body, type] = extract(init.body);
      if (body && (method === 'GET' || method === 'HEAD')) {
        throw new TypeError(`fetch: a ${method} request cannot have a body`);
      }
      if (type && !headers.has('content-type')) headers.set('content-type', type);
      const redirect = REDIRECTS.indexOf(init.redirect ?? 'follow');
      if (redirect < 0) throw new TypeError(`fetch: redirect must be one of ${REDIRECTS.join(', ')}`);
      const signal = init.signal;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const pairs = [];
      for (const pair of headers) pairs.push(pair);
      const id = native.fetchStart(method, url.href, pairs, body ?? new Uint8Array(0), redirect);
      if (id === 0) throw new TypeError(`fetch ${url.href}: ${native.fetchRefusal()}`);
      const onAbort = () => {
        if (!pending.delete(id)) return;
        native.fetchAbort(id);
        reject(signal.reason);
      };
      pending.set(id, { resolve, reject, url: url.href, signal, onAbort });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
  define('fetch', fetch);

  /** A request ended: `error` says why it failed, else `r` is the response. */
  control.fetchDone = (id, error, r) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    // A signal that outlives the request (one controller for a page's requests) keeps no
    // listener of it.
    p.signal?.removeEventListener('abort', p.onAbort);
    if (error != null) p.reject(new TypeError(`fetch ${p.url}: ${error}`));
    else p.resolve(received(r.status, r.statusText, r.headers, r.body, r.url, r.redirected));
  };

  class MessageEvent extends Event {
    #data;
    constructor(type, init = {}) {
      super(type);
      this.#data = init.data ?? null;
    }
    get data() {
      return this.#data;
    }
  }
  class CloseEvent extends Event {
    #init;
    constructor(type, init = {}) {
      super(type);
      this.#init = { code: init.code ?? 0, reason: init.reason ?? '', wasClean: Boolean(init.wasClean) };
    }
    get code() {
      return this.#init.code;
    }
    get reason() {
      return this.#init.reason;
    }
    get wasClean() {
      return this.#init.wasClean;
    }
  }
  define('MessageEvent', MessageEvent);
  define('CloseEvent', CloseEvent);

  const sockets = new Map();
  let socketDid; // (socket, kind, a, b, c): a socket event from the host (set in the class below)
  class WebSocket extends EventTarget {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;
    #id;
    #url;
    #state = 0;
    #protocol = '';
    static {
      socketDid = (ws, kind, a, b, c) => {
        if (kind === 'open') {
          ws.#state = 1;
          ws.#protocol = a;
          ws.dispatchEvent(new Event('open'));
        } else if (kind === 'message') {
          if (ws.#state === 1) ws.dispatchEvent(new MessageEvent('message', { data: typeof a === 'string' ? a : a.buffer }));
        } else if (kind === 'error') {
          native.log(2, `WebSocket ${ws.#url}: ${a}`);
          ws.dispatchEvent(new Event('error'));
        } else if (kind === 'close') {
          ws.#state = 3;
          sockets.delete(ws.#id);
          ws.dispatchEvent(new CloseEvent('close', { code: a, reason: b, wasClean: c }));
        }
      };
    }
    constructor(url, protocols = []) {
      super();
      let u;
      try {
        u = new URL(url);
      } catch {
        throw new DOMException(`WebSocket: ${JSON.stringify(String(url))} is not a URL`, 'SyntaxError');
      }
      if (u.protocol === 'http:') u.protocol = 'ws:';
      if (u.protocol === 'https:') u.protocol = 'wss:';
      if (u.protocol !== 'ws:' && u.protocol !== 'wss:') {
        throw new DOMException(`WebSocket: ${u.href} is not a ws: or wss: URL`, 'SyntaxError');
      }
      if (u.hash) throw new DOMException(`WebSocket: ${u.href} has a fragment`, 'SyntaxError');
      const list = typeof protocols === 'string' ? [protocols] : [...protocols].map(String);
      if (list.some((p) => !TOKEN.test(p)) || new Set(list).size !== list.length) {
        throw new DOMException('WebSocket: the subprotocols must be distinct tokens', 'SyntaxError');
      }
      const id = native.socketOpen(u.href, list);
      if (id === 0) throw new DOMException(`WebSocket ${u.href}: ${native.fetchRefusal()}`, 'SecurityError');
      this.#id = id;
      this.#url = u.href;
      sockets.set(id, this);
    }
    get url() {
      return this.#url;
    }
    get readyState() {
      return this.#state;
    }
    get protocol() {
      return this.#protocol;
    }
    get extensions() {
      return '';
    }
    get bufferedAmount() {
      return 0;
    }
    // Binary messages arrive as ArrayBuffers: there is no Blob here.
    get binaryType() {
      return 'arraybuffer';
    }
    set binaryType(_) {}
    send(data) {
      if (this.#state === 0) throw new DOMException('WebSocket: still connecting', 'InvalidStateError');
      if (this.#state !== 1) return;
      if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
        native.socketSendBytes(this.#id, extract(data)[0]);
      } else {
        native.socketSend(this.#id, wellFormed(String(data)));
      }
    }
    close(code, reason) {
      if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
        throw new DOMException(`WebSocket: ${code} is not 1000 or 3000..4999`, 'InvalidAccessError');
      }
      const why = reason === undefined ? '' : wellFormed(String(reason));
      if (encoder.encode(why).length > 123) throw new DOMException('WebSocket: the reason is over 123 bytes', 'SyntaxError');
      if (this.#state >= 2) return;
      this.#state = 2;
      native.socketClose(this.#id, code ?? 1000, why);
    }
  }
  handlers(WebSocket, ['open', 'message', 'error', 'close']);
  define('WebSocket', WebSocket);

  /** A socket did something: `kind` is open, message, error or close (see socketDid). */
  control.socketEvent = (id, kind, a, b, c) => {
    const ws = sockets.get(id);
    if (ws) socketDid(ws, kind, a, b, c);
  };
});
