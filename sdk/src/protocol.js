// The Marquee wire protocol, app side: encodes commands exactly as the Rust encoder in
// crates/marquee-protocol does (docs/protocol.md is the spec). The golden vectors in
// crates/marquee-protocol/tests/vectors hold the two encoders together byte for byte.
//
// This module has no host-specific globals: it runs in QuickJS, Node and browsers alike.

export const VERSION = 1;
export const MAX_NODE_ID = 65535;

/** Node kinds, as `create` takes them. */
export const NodeKind = Object.freeze({ view: 0, image: 1, text: 2 });

const OP = Object.freeze({
  createNode: 0x0001,
  destroyNode: 0x0002,
  appendChild: 0x0003,
  insertBefore: 0x0004,
  removeChild: 0x0005,
  setStyle: 0x0100,
  clearStyle: 0x0101,
  setViewport: 0x0600,
  queryLayout: 0x0601,
});

const TAG = Object.freeze({ auto: 0, px: 1, percent: 2, number: 3, color: 4, keyword: 5, int: 6 });

const JUSTIFY = ['flex-start', 'flex-end', 'start', 'end', 'center', 'stretch', 'space-between', 'space-around', 'space-evenly'];
const ALIGN = ['stretch', 'flex-start', 'flex-end', 'start', 'end', 'center', 'baseline'];

// Value kinds: 'dim' (auto | px | %), 'lp' (px | %), 'len' (px), 'num', 'color', 'int', or a
// keyword list. `min`/`max` bound numbers as the engine does.
const PROPERTIES = [
  [0x01, 'display', ['flex', 'none']],
  [0x02, 'position', ['relative', 'absolute']],
  [0x03, 'flex-direction', ['row', 'column', 'row-reverse', 'column-reverse']],
  [0x04, 'flex-wrap', ['nowrap', 'wrap', 'wrap-reverse']],
  [0x05, 'justify-content', JUSTIFY],
  [0x06, 'align-items', ALIGN],
  [0x07, 'align-self', ALIGN],
  [0x08, 'align-content', JUSTIFY],
  [0x09, 'row-gap', 'lp'],
  [0x0a, 'column-gap', 'lp'],
  [0x0b, 'flex-grow', 'num', { min: 0 }],
  [0x0c, 'flex-shrink', 'num', { min: 0 }],
  [0x0d, 'flex-basis', 'dim'],
  [0x0e, 'width', 'dim'],
  [0x0f, 'height', 'dim'],
  [0x10, 'min-width', 'dim'],
  [0x11, 'min-height', 'dim'],
  [0x12, 'max-width', 'dim'],
  [0x13, 'max-height', 'dim'],
  [0x14, 'padding-top', 'lp'],
  [0x15, 'padding-right', 'lp'],
  [0x16, 'padding-bottom', 'lp'],
  [0x17, 'padding-left', 'lp'],
  [0x18, 'margin-top', 'dim'],
  [0x19, 'margin-right', 'dim'],
  [0x1a, 'margin-bottom', 'dim'],
  [0x1b, 'margin-left', 'dim'],
  [0x1c, 'top', 'dim'],
  [0x1d, 'right', 'dim'],
  [0x1e, 'bottom', 'dim'],
  [0x1f, 'left', 'dim'],
  [0x20, 'overflow', ['visible', 'clip']],
  [0x21, 'border-width', 'len', { min: 0 }],
  [0x40, 'background-color', 'color'],
  [0x41, 'border-color', 'color'],
  [0x42, 'border-top-left-radius', 'len', { min: 0 }],
  [0x43, 'border-top-right-radius', 'len', { min: 0 }],
  [0x44, 'border-bottom-right-radius', 'len', { min: 0 }],
  [0x45, 'border-bottom-left-radius', 'len', { min: 0 }],
  [0x46, 'opacity', 'num', { min: 0, max: 1 }],
  [0x47, 'translate-x', 'len'],
  [0x48, 'translate-y', 'len'],
  [0x49, 'scale-x', 'num', { min: 0 }],
  [0x4a, 'scale-y', 'num', { min: 0 }],
  [0x4b, 'z-index', 'int'],
];

/** Style properties by name: `{ code, kind, min?, max? }`. */
export const STYLE = Object.freeze(
  Object.fromEntries(PROPERTIES.map(([code, name, kind, range]) => [name, Object.freeze({ code, kind, ...range })])),
);

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
  const hex = m[1].length === 6 ? m[1] + 'ff' : m[1];
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
      if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) throw new TypeError(`${name}: ${value} is not a 32-bit integer`);
      return [TAG.int, n];
    }
  }
  v = f32(v);
  if ((p.min !== undefined && v < p.min) || (p.max !== undefined && v > p.max)) {
    throw new RangeError(`${name} out of range: ${value}`);
  }
  return [tag, v];
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
    this.pos = 12;
    this.count = 0;
  }

  /** Commands appended since the last `finish()`. */
  get length() {
    return this.count;
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
    const k = NodeKind[kind];
    if (k === undefined) throw new TypeError(`${kind} is not a node kind`);
    nodeId(id);
    this.record(OP.createNode, 5);
    this.u32(id);
    this.u8(k);
  }

  /** A command whose payload is node ids only; all are checked before anything is written. */
  ids(op, ...ids) {
    ids.forEach(nodeId);
    this.record(op, 4 * ids.length);
    ids.forEach((id) => this.u32(id));
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

  setStyle(id, name, value) {
    nodeId(id);
    const [tag, v] = styleValue(name, value);
    this.record(OP.setStyle, 11);
    this.u32(id);
    this.u16(STYLE[name].code);
    this.u8(tag);
    if (tag === TAG.px || tag === TAG.percent || tag === TAG.number) this.f32(v);
    else this.u32(v);
  }

  clearStyle(id, name) {
    nodeId(id);
    const p = STYLE[name];
    if (!p) throw new TypeError(`${name} is not a style property`);
    this.record(OP.clearStyle, 6);
    this.u32(id);
    this.u16(p.code);
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
