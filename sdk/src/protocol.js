// The Marquee wire protocol, app side: encodes commands exactly as the Rust encoder in
// crates/marquee-protocol does (docs/protocol.md is the spec). The golden vectors in
// crates/marquee-protocol/tests/vectors hold the two encoders together byte for byte.
//
// This module has no host-specific globals: it runs in QuickJS, Node and browsers alike.

import {
  BATCH_HEADER_LEN,
  VERSION,
  MAX_NODE_ID,
  MAX_TEXT_BYTES,
  MAX_FAMILY_BYTES,
  MAX_SRC_BYTES,
  OP,
  TAG,
  PROPERTIES,
  EASINGS,
  STATES,
} from './wire.js';

export { VERSION, MAX_NODE_ID, MAX_TEXT_BYTES, MAX_FAMILY_BYTES, MAX_SRC_BYTES, EASINGS, STATES };

/** Node kinds, as `create` takes them. */
export const NodeKind = Object.freeze({ view: 0, image: 1, text: 2 });

/** UTF-8 bytes of a string, by hand: QuickJS has no `TextEncoder`. Lone surrogates become U+FFFD. */
export function utf8(s) {
  const out = [];
  for (const ch of s) {
    let c = ch.codePointAt(0);
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

/**
 * Style properties by name: `{ code, kind, min?, aboveMin?, max? }`, from `wire.js`'s table. The
 * object has no prototype, so names such as `constructor` or `__proto__` are not properties.
 */
export const STYLE = Object.freeze(
  Object.assign(
    Object.create(null),
    Object.fromEntries(PROPERTIES.map(([code, name, kind, range]) => [name, Object.freeze({ code, kind, ...range })])),
  ),
);

/** Whether a style property lays out or draws text, and so applies to text nodes only. */
export const isTextProperty = (name) =>
  STYLE[name] !== undefined && STYLE[name].code >= 0x30 && STYLE[name].code < 0x40;

/** Command names by opcode, as the SDK's encoder methods are named. */
export const COMMAND_NAMES = Object.freeze(new Map(Object.entries(OP).map(([name, op]) => [op, name])));

/**
 * Why the engine rejected a command, by error code (docs/protocol.md, "Errors"); the wrong-kind
 * reason depends on the command. `marquee_protocol::rejection` says the same words, and
 * crates/marquee-protocol/tests/events/rejections.txt holds the two together.
 */
export function rejection(opcode, code) {
  switch (code) {
    case 1:
      return 'the batch is truncated';
    case 2:
      return 'not a command batch (bad magic bytes)';
    case 3:
      return 'a protocol version this engine does not speak';
    case 4:
      return 'the batch is too large';
    case 5:
      return 'the command count disagrees with the batch header';
    case 6:
      return 'no such command (an SDK newer than the engine?)';
    case 7:
      return 'the payload has the wrong length';
    case 8:
      return 'a value outside its domain';
    case 9:
      return 'node id out of range';
    case 32:
      return 'no such node (destroyed, or never created)';
    case 33:
      return 'a node with this id already exists';
    case 34:
      return 'it would make a node its own ancestor';
    case 35:
      return 'not a child of that parent';
    case 36:
      return 'the root node cannot be changed this way';
    case 37:
      return 'the tree would be deeper than 256 levels';
    case 38:
      if (opcode === OP.setText || opcode === OP.setFontFamily) return 'not a text node';
      if (opcode === OP.setImage) return 'not an image node';
      return 'a text property on a node that is not text';
    default:
      return `error code ${code}`;
  }
}

/** A command's name by opcode (`setText`), or `command 0x…` for one this SDK does not know. */
export function commandName(opcode) {
  return COMMAND_NAMES.get(opcode) ?? `command 0x${opcode.toString(16).padStart(4, '0')}`;
}

const F32 = new Float32Array(1);

/** Rounds to the nearest f32, as the engine will store it. */
function f32(v) {
  F32[0] = v;
  return F32[0];
}

function finite(name, v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${name}: ${v} is not a finite number`);
  return v;
}

function unitValue(name, value, units) {
  if (typeof value === 'number' && units.includes('px')) return [TAG.px, finite(name, value)];
  if (typeof value === 'string') {
    if (value === 'auto' && units.includes('auto')) return [TAG.auto, 0];
    const m = /^(-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(px|%)$/.exec(value);
    if (m && units.includes(m[2] === '%' ? '%' : 'px')) return [m[2] === '%' ? TAG.percent : TAG.px, Number(m[1])];
  }
  throw new TypeError(`${name}: ${JSON.stringify(value)} is not one of ${units.join(', ')}`);
}

/** Parses `#rrggbb` or `#rrggbbaa` into 0xRRGGBBAA. */
export function parseColor(value) {
  const m = typeof value === 'string' && /^#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/.exec(value);
  if (!m) throw new TypeError(`${JSON.stringify(value)} is not a #rrggbb[aa] colour`);
  const hex = m[1].length === 6 ? `${m[1]}ff` : m[1];
  return Number.parseInt(hex, 16) >>> 0;
}

/**
 * Turns an SDK style value into its wire form `[tag, bits-source]`: numbers are px where px is
 * allowed; strings may be `auto`, `12px`, `50%`, a colour or a keyword.
 */
export function styleValue(name, value) {
  const p = STYLE[name];
  if (!p) throw new TypeError(`${name} is not a style property`);
  let tag;
  let v;
  if (Array.isArray(p.kind)) {
    const i = p.kind.indexOf(value);
    if (i < 0) throw new TypeError(`${name}: ${JSON.stringify(value)} is not one of ${p.kind.join(', ')}`);
    return [TAG.keyword, i];
  }
  switch (p.kind) {
    case 'dim':
      [tag, v] = unitValue(name, value, ['auto', 'px', '%']);
      break;
    case 'lp':
      [tag, v] = unitValue(name, value, ['px', '%']);
      break;
    case 'len':
      [tag, v] = unitValue(name, value, ['px']);
      break;
    case 'num':
      [tag, v] = [TAG.number, finite(name, typeof value === 'string' ? Number(value) : value)];
      break;
    case 'color':
      return [TAG.color, parseColor(value)];
    case 'int': {
      const n = typeof value === 'string' ? Number(value) : value;
      if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647)
        throw new TypeError(`${name}: ${value} is not a 32-bit integer`);
      if (!inBounds(p, n)) throw new RangeError(`${name} out of range: ${value}`);
      return [TAG.int, n];
    }
  }
  v = f32(v);
  if (!inBounds(p, v)) throw new RangeError(`${name} out of range: ${value}`);
  return [tag, v];
}

/** Whether `v` is within a property's bounds, as the engine checks them. */
function inBounds(p, v) {
  if (p.min !== undefined && (p.aboveMin ? v <= p.min : v < p.min)) return false;
  return p.max === undefined || v <= p.max;
}

/** The default spring: critically damped-ish, settles in about half a second. */
const SPRING = [170, 26, 1, 0];

/**
 * Reads an easing: a name from `EASINGS`, `cubic-bezier(x1,y1,x2,y2)`, `spring` or
 * `spring(stiffness,damping,mass,velocity)`. Returns `[kind, p1, p2, p3, p4]` as the wire has it.
 */
export function parseEasing(easing) {
  const named = EASINGS.indexOf(easing);
  if (named >= 0) return [named, 0, 0, 0, 0];
  if (easing === 'spring') return [6, ...SPRING];
  const m = typeof easing === 'string' && /^(cubic-bezier|spring)\(([^)]*)\)$/.exec(easing.replace(/\s+/g, ''));
  const args = m ? m[2].split(',').map(Number) : [];
  if (!m || args.length !== 4 || !args.every(Number.isFinite)) {
    throw new TypeError(
      `${JSON.stringify(easing)} is not an easing (${EASINGS.join(', ')}, cubic-bezier(...), spring(...))`,
    );
  }
  const [a, b, c, d] = args.map(f32);
  if (m[1] === 'cubic-bezier' && !(a >= 0 && a <= 1 && c >= 0 && c <= 1)) {
    throw new RangeError(`${easing}: x1 and x2 must lie in 0..1`);
  }
  if (m[1] === 'spring' && !(a > 0 && b >= 0 && c > 0)) {
    throw new RangeError(`${easing}: stiffness and mass must be above 0, damping 0 or more`);
  }
  return [m[1] === 'cubic-bezier' ? 5 : 6, a, b, c, d];
}

/** Checks and fills in animation timing: `{ duration, delay, easing, repeat, alternate }`. */
export function timing({ duration = 0, delay = 0, easing = 'ease', repeat = 1, alternate = false } = {}) {
  for (const [name, v] of [
    ['duration', duration],
    ['delay', delay],
  ]) {
    if (!(finite(name, v) >= 0 && f32(v) <= 600000)) throw new RangeError(`${name} ${v} outside 0..=600000 ms`);
  }
  const iterations = repeat === 'infinite' ? Infinity : repeat;
  if (typeof iterations !== 'number' || Number.isNaN(iterations) || !(f32(iterations) > 0)) {
    throw new RangeError(`repeat ${repeat} must be above 0 or 'infinite'`);
  }
  return { duration, delay, easing: parseEasing(easing), iterations, alternate: Boolean(alternate) };
}

function stateCode(state) {
  const i = STATES.indexOf(state);
  if (i < 0) throw new TypeError(`${state} is not a state (${STATES.join(', ')})`);
  return i;
}

function property(name, test, what) {
  const p = STYLE[name];
  if (!p) throw new TypeError(`${name} is not a style property`);
  if (test && !test(p.code, name)) throw new TypeError(`${name} is not ${what}`);
  return p;
}

const isPaint = (code) => code >= 0x40 && code < 0x80;
const isAnimatable = (code, name) => isPaint(code) && name !== 'z-index';

function nodeId(id) {
  if (!Number.isInteger(id) || id < 0 || id > MAX_NODE_ID) throw new RangeError(`node id ${id} out of range`);
  return id;
}

/**
 * Builds one command batch. Methods append a command each; `finish()` returns the bytes and
 * resets the encoder for the next batch, keeping its buffer.
 */
export class BatchEncoder {
  constructor(capacity = 4096) {
    this.buf = new ArrayBuffer(capacity);
    this.view = new DataView(this.buf);
    this.reset();
  }

  reset() {
    this.pos = BATCH_HEADER_LEN;
    this.count = 0;
  }

  /** Commands appended since the last `finish()`. */
  get length() {
    return this.count;
  }

  /** Bytes the batch would have if finished now. */
  get byteLength() {
    return this.pos;
  }

  ensure(n) {
    if (this.pos + n <= this.buf.byteLength) return;
    let size = this.buf.byteLength * 2;
    while (size < this.pos + n) size *= 2;
    const next = new ArrayBuffer(size);
    new Uint8Array(next).set(new Uint8Array(this.buf, 0, this.pos));
    this.buf = next;
    this.view = new DataView(next);
  }

  record(op, len) {
    this.ensure(6 + len);
    this.view.setUint16(this.pos, op, true);
    this.view.setUint32(this.pos + 2, len, true);
    this.pos += 6;
    this.count += 1;
  }

  u8(v) {
    this.view.setUint8(this.pos, v);
    this.pos += 1;
  }

  u16(v) {
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }

  u32(v) {
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
  }

  f32(v) {
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }

  createNode(id, kind) {
    const k = Object.hasOwn(NodeKind, kind) ? NodeKind[kind] : undefined;
    if (k === undefined) throw new TypeError(`${String(kind)} is not a node kind`);
    nodeId(id);
    this.record(OP.createNode, 5);
    this.u32(id);
    this.u8(k);
  }

  /** A command whose payload is node ids only; all are checked before anything is written. */
  ids(op, ...ids) {
    ids.forEach(nodeId);
    this.record(op, 4 * ids.length);
    for (const id of ids) this.u32(id);
  }

  destroyNode(id) {
    this.ids(OP.destroyNode, id);
  }

  appendChild(parent, child) {
    this.ids(OP.appendChild, parent, child);
  }

  insertBefore(parent, child, before) {
    this.ids(OP.insertBefore, parent, child, before);
  }

  removeChild(parent, child) {
    this.ids(OP.removeChild, parent, child);
  }

  value(tag, v) {
    this.u8(tag);
    if (tag === TAG.px || tag === TAG.percent || tag === TAG.number) this.f32(v);
    else this.u32(v);
  }

  setStyle(id, name, value) {
    nodeId(id);
    const [tag, v] = styleValue(name, value);
    this.record(OP.setStyle, 11);
    this.u32(id);
    this.u16(STYLE[name].code);
    this.value(tag, v);
  }

  clearStyle(id, name) {
    nodeId(id);
    const p = property(name);
    this.record(OP.clearStyle, 6);
    this.u32(id);
    this.u16(p.code);
  }

  /** Sets a paint property for while node `id` is in `state` (`focused`, `focus-within`). */
  setStateStyle(id, state, name, value) {
    nodeId(id);
    const s = stateCode(state);
    const p = property(name, isPaint, 'a paint property');
    const [tag, v] = styleValue(name, value);
    this.record(OP.setStateStyle, 12);
    this.u32(id);
    this.u8(s);
    this.u16(p.code);
    this.value(tag, v);
  }

  clearStateStyle(id, state, name) {
    nodeId(id);
    const s = stateCode(state);
    const p = property(name);
    this.record(OP.clearStateStyle, 7);
    this.u32(id);
    this.u8(s);
    this.u16(p.code);
  }

  focus(id) {
    this.ids(OP.focus, id);
  }

  /** Animates `name` on node `id` to `value`; `options` as `timing()` takes them. */
  animate(id, tag, name, value, options) {
    nodeId(id);
    if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffffff)
      throw new RangeError(`animation tag ${tag} is not a u32`);
    const p = property(name, isAnimatable, 'animatable');
    const [vtag, v] = styleValue(name, value);
    const t = timing(options);
    this.record(OP.animate, 45);
    this.u32(id);
    this.u32(tag);
    this.u16(p.code);
    this.value(vtag, v);
    this.f32(t.duration);
    this.f32(t.delay);
    this.u8(t.easing[0]);
    for (const x of t.easing.slice(1)) this.f32(x);
    this.f32(t.iterations);
    this.u8(t.alternate ? 1 : 0);
  }

  cancelAnimation(id, name) {
    nodeId(id);
    const p = property(name, isAnimatable, 'animatable');
    this.record(OP.cancelAnimation, 6);
    this.u32(id);
    this.u16(p.code);
  }

  /** A node id and a UTF-8 string of at most `max` bytes. */
  string(op, id, s, max, what) {
    nodeId(id);
    if (typeof s !== 'string') throw new TypeError(`${what}: ${s} is not a string`);
    const bytes = utf8(s);
    if (bytes.length > max) throw new RangeError(`${what} is ${bytes.length} bytes, more than ${max}`);
    this.record(op, 4 + bytes.length);
    this.u32(id);
    for (const b of bytes) this.u8(b);
  }

  /** Sets a text node's text. */
  setText(id, text) {
    this.string(OP.setText, id, text, MAX_TEXT_BYTES, 'text');
  }

  /** Sets a text node's font family ('' for the default). */
  setFontFamily(id, family) {
    this.string(OP.setFontFamily, id, family, MAX_FAMILY_BYTES, 'font family');
  }

  /** Sets an image node's source: a bundle path, `file:` or `http(s):` URL, or '' for none. */
  setImage(id, src) {
    this.string(OP.setImage, id, src, MAX_SRC_BYTES, 'image source');
  }

  setViewport(width, height) {
    for (const v of [width, height]) {
      if (!(finite('viewport', v) >= 0 && v <= 16384)) throw new RangeError(`viewport side ${v} outside 0..=16384`);
    }
    this.record(OP.setViewport, 8);
    this.f32(width);
    this.f32(height);
  }

  queryLayout(id) {
    this.ids(OP.queryLayout, id);
  }

  /** The finished batch (a copy); the encoder starts over empty. */
  finish() {
    const out = new Uint8Array(this.pos);
    out.set(new Uint8Array(this.buf, 0, this.pos));
    const header = new DataView(out.buffer);
    out.set([0x4d, 0x51, 0x43, 0x42], 0);
    header.setUint16(4, VERSION, true);
    header.setUint16(6, 0, true);
    header.setUint32(8, this.count, true);
    this.reset();
    return out;
  }
}
