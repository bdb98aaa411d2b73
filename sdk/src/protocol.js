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
  MAX_STYLE_ID,
  MAX_STYLE_ENTRIES,
  OP,
  TAG,
  PROPERTIES,
  EASINGS,
  STATES,
} from './wire.js';

export {
  VERSION,
  MAX_NODE_ID,
  MAX_TEXT_BYTES,
  MAX_FAMILY_BYTES,
  MAX_SRC_BYTES,
  MAX_STYLE_ID,
  MAX_STYLE_ENTRIES,
  EASINGS,
  STATES,
};

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
    Object.fromEntries(
      PROPERTIES.map(([code, name, kind, range]) => [
        name,
        Object.freeze({ code, name, kind, text: code >= 0x30 && code < 0x40, ...range }),
      ]),
    ),
  ),
);

/** Whether a style property lays out or draws text, and so applies to text nodes only. */
export const isTextProperty = (name) => STYLE[name]?.text === true;

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
    case 39:
      return 'no such style (never defined)';
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

/** What each unit kind accepts, for messages. */
const UNITS = Object.freeze({ dim: 'auto, px, %', lp: 'px, %', len: 'px' });
const NUMBER_UNIT = /^(-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(px|%)$/;
const SET_STYLE = OP.setStyle;
const CREATE_STYLED = OP.createStyled;
const { auto: AUTO, px: PX, percent: PERCENT, number: NUMBER, color: COLOR, keyword: KEYWORD, int: INT } = TAG;

/**
 * The value `styleTag` read last, as its tag's bits are written: an f32 for px, percent and
 * number, else an unsigned or signed integer. A scratch slot rather than a returned pair: the
 * SDK reads a value per style call, and an interpreter pays for every array it makes.
 */
let bits = 0;

/** Reads a unit value (`dim`, `lp` or `len`) into `bits`; returns its tag. */
function unitTag(p, name, value) {
  // Every unit kind takes px, so a number is px.
  if (typeof value === 'number') {
    bits = value;
    return PX;
  }
  if (typeof value === 'string') {
    if (value === 'auto' && p.kind === 'dim') {
      bits = 0;
      return AUTO;
    }
    const m = NUMBER_UNIT.exec(value);
    if (m && (m[2] === 'px' || p.kind !== 'len')) {
      bits = Number(m[1]);
      return m[2] === '%' ? PERCENT : PX;
    }
  }
  throw new TypeError(`${name}: ${JSON.stringify(value)} is not one of ${UNITS[p.kind]}`);
}

/** Parses `#rrggbb` or `#rrggbbaa` into 0xRRGGBBAA. */
export function parseColor(value) {
  const m = typeof value === 'string' && /^#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/.exec(value);
  if (!m) throw new TypeError(`${JSON.stringify(value)} is not a #rrggbb[aa] colour`);
  const hex = m[1].length === 6 ? `${m[1]}ff` : m[1];
  return Number.parseInt(hex, 16) >>> 0;
}

/** Colours already parsed: pages repeat a few dozen. Bounded, so odd apps cannot grow it forever. */
const COLORS = new Map();
const COLORS_KEPT = 1024;

function color(value) {
  let c = COLORS.get(value);
  if (c === undefined) {
    c = parseColor(value);
    if (COLORS.size < COLORS_KEPT) COLORS.set(value, c);
  }
  return c;
}

/**
 * Reads an SDK style value of property `p` (named `name`, for messages) into `bits` and returns
 * its wire tag: numbers are px where px is allowed; strings may be `auto`, `12px`, `50%`, a colour
 * or a keyword. Throws at the call site for a value the engine would refuse.
 */
function styleTag(p, name, value) {
  let tag;
  switch (p.kind) {
    case 'dim':
    case 'lp':
    case 'len':
      tag = unitTag(p, name, value);
      break;
    case 'num':
      tag = NUMBER;
      bits = typeof value === 'string' ? Number(value) : value;
      break;
    case 'color':
      bits = color(value);
      return COLOR;
    case 'int': {
      const n = typeof value === 'string' ? Number(value) : value;
      if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647)
        throw new TypeError(`${name}: ${value} is not a 32-bit integer`);
      if (!inBounds(p, n)) throw new RangeError(`${name} out of range: ${value}`);
      bits = n;
      return INT;
    }
    default: {
      const i = p.kind.indexOf(value);
      if (i < 0) throw new TypeError(`${name}: ${JSON.stringify(value)} is not one of ${p.kind.join(', ')}`);
      bits = i;
      return KEYWORD;
    }
  }
  if (typeof bits !== 'number' || !Number.isFinite(bits))
    throw new TypeError(`${name}: ${value} is not a finite number`);
  bits = f32(bits);
  if (!inBounds(p, bits)) throw new RangeError(`${name} out of range: ${value}`);
  return tag;
}

/**
 * Turns an SDK style value into its wire form `[tag, bits-source]`: numbers are px where px is
 * allowed; strings may be `auto`, `12px`, `50%`, a colour or a keyword.
 */
export function styleValue(name, value) {
  const p = STYLE[name];
  if (!p) throw new TypeError(`${name} is not a style property`);
  const tag = styleTag(p, name, value);
  return [tag, bits];
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

/** The parent field of `createStyled` for a node left detached. */
const NO_PARENT = 0xffffffff;

/**
 * A reusable style's declarations, checked and encoded once: `declarations` is a list of
 * `[state, name, value]` (`state` null for the plain style, else `focused` or `focus-within`,
 * which take paint properties only; names in kebab-case). Returns `{ bytes, text }`: the entries
 * as the wire has them, and whether any is a text property (the style then fits text nodes only).
 */
export function compileStyle(declarations) {
  if (declarations.length > MAX_STYLE_ENTRIES) {
    throw new RangeError(`a style of ${declarations.length} declarations, more than ${MAX_STYLE_ENTRIES}`);
  }
  const bytes = new Uint8Array(declarations.length * 8);
  const view = new DataView(bytes.buffer);
  let text = false;
  declarations.forEach(([state, name, value], i) => {
    const p = state === null ? property(name) : property(name, isPaint, 'a paint property');
    const [tag, v] = styleValue(name, value);
    const at = i * 8;
    view.setUint8(at, state === null ? 0 : stateCode(state) + 1);
    view.setUint16(at + 1, p.code, true);
    view.setUint8(at + 3, tag);
    if (tag === PX || tag === PERCENT || tag === NUMBER) view.setFloat32(at + 4, v, true);
    else view.setUint32(at + 4, v >>> 0, true);
    text ||= p.text;
  });
  return { bytes, text };
}

function styleId(style, none) {
  if (!Number.isInteger(style) || style < (none ? 0 : 1) || style > MAX_STYLE_ID) {
    throw new RangeError(`style id ${style} outside ${none ? 0 : 1}..=${MAX_STYLE_ID}`);
  }
  return style;
}

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

  /**
   * Creates node `id` of `kind` with style `style` (0: none), as the last child of `parent`
   * (null: detached). Returns the byte offset of the parent field, which `adopt` may fill in
   * later while the batch is open.
   */
  createStyled(id, kind, style, parent) {
    const k = Object.hasOwn(NodeKind, kind) ? NodeKind[kind] : undefined;
    if (k === undefined) throw new TypeError(`${String(kind)} is not a node kind`);
    nodeId(id);
    styleId(style, true);
    if (parent !== null) nodeId(parent);
    // Field by field at known offsets: every node the SDK makes comes through here.
    this.ensure(19);
    const v = this.view;
    const at = this.pos;
    v.setUint16(at, CREATE_STYLED, true);
    v.setUint32(at + 2, 13, true);
    v.setUint32(at + 6, id, true);
    v.setUint8(at + 10, k);
    v.setUint32(at + 11, style, true);
    v.setUint32(at + 15, parent ?? NO_PARENT, true);
    this.pos = at + 19;
    this.count += 1;
    return at + 15;
  }

  /** Attaches the node a `createStyled` left detached, at `at` (its return), to `parent`. */
  adopt(at, parent) {
    nodeId(parent);
    this.view.setUint32(at, parent, true);
  }

  /** Defines style `style` as `compiled` (from `compileStyle`). */
  defineStyle(style, compiled) {
    styleId(style, false);
    this.record(OP.defineStyle, 4 + compiled.bytes.length);
    this.u32(style);
    new Uint8Array(this.buf, this.pos, compiled.bytes.length).set(compiled.bytes);
    this.pos += compiled.bytes.length;
  }

  /** Sets style `style`'s declarations on node `id`. */
  useStyle(id, style) {
    nodeId(id);
    styleId(style, false);
    this.record(OP.useStyle, 8);
    this.u32(id);
    this.u32(style);
  }

  /** A command whose payload is node ids only; all are checked before anything is written. */
  ids(op, ...ids) {
    ids.forEach(nodeId);
    this.record(op, 4 * ids.length);
    for (const id of ids) this.u32(id);
  }

  /** A command whose payload is one node id. */
  id(op, id) {
    nodeId(id);
    this.record(op, 4);
    this.u32(id);
  }

  destroyNode(id) {
    this.id(OP.destroyNode, id);
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
    if (tag === PX || tag === PERCENT || tag === NUMBER) this.f32(v);
    else this.u32(v);
  }

  setStyle(id, name, value) {
    nodeId(id);
    const p = STYLE[name];
    if (!p) throw new TypeError(`${name} is not a style property`);
    this.style(id, p, value);
  }

  /**
   * `setStyle` for a node id known to be in range and `p`, a `STYLE` entry: the SDK's path for
   * `node.set`, written field by field at known offsets (an interpreter pays for each call).
   */
  style(id, p, value) {
    const tag = styleTag(p, p.name, value);
    this.ensure(17);
    const v = this.view;
    const at = this.pos;
    v.setUint16(at, SET_STYLE, true);
    v.setUint32(at + 2, 11, true);
    v.setUint32(at + 6, id, true);
    v.setUint16(at + 10, p.code, true);
    v.setUint8(at + 12, tag);
    if (tag === PX || tag === PERCENT || tag === NUMBER) v.setFloat32(at + 13, bits, true);
    else v.setUint32(at + 13, bits >>> 0, true);
    this.pos = at + 17;
    this.count += 1;
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
    this.id(OP.focus, id);
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
    this.id(OP.queryLayout, id);
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
