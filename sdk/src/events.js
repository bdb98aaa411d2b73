// Event batches from the engine (and the host), decoded into plain objects. The layout of each
// event is in docs/protocol.md; crates/marquee-protocol/tests/events holds the golden batch this
// decoder is tested against.

import { STYLE } from './protocol.js';
import { BATCH_HEADER_LEN, VERSION, KEYS, KEY_ACTIONS, IMAGE_ERRORS, RESET_REASONS } from './wire.js';
const NONE = 0xffffffff;
const PROPERTY_NAMES = new Map(Object.entries(STYLE).map(([name, p]) => [p.code, name]));

const node = (v) => (v === NONE ? null : v);

function event(op, v, p, len) {
  switch (op) {
    case 0x0001: {
      if (len !== 16) return null;
      return {
        type: 'command-error',
        batch: v.getUint32(p, true),
        offset: v.getUint32(p + 4, true),
        opcode: v.getUint16(p + 8, true),
        code: v.getUint16(p + 10, true),
        node: node(v.getUint32(p + 12, true)),
      };
    }
    case 0x0002:
      if (len !== 20) return null;
      return {
        type: 'layout',
        id: v.getUint32(p, true),
        x: v.getFloat32(p + 4, true),
        y: v.getFloat32(p + 8, true),
        width: v.getFloat32(p + 12, true),
        height: v.getFloat32(p + 16, true),
      };
    case 0x0003: {
      const key = len === 7 ? KEYS[v.getUint16(p, true)] : undefined;
      const action = len === 7 ? KEY_ACTIONS[v.getUint8(p + 2)] : undefined;
      return key && action ? { type: 'key', key, action, target: node(v.getUint32(p + 3, true)) } : null;
    }
    case 0x0004: {
      const reason = len === 2 ? RESET_REASONS[v.getUint16(p, true)] : undefined;
      return reason ? { type: 'engine-reset', reason } : null;
    }
    case 0x0005:
      return len === 4 ? { type: 'node-freed', id: v.getUint32(p, true) } : null;
    case 0x0006:
      return len === 8 ? { type: 'focus', from: node(v.getUint32(p, true)), to: node(v.getUint32(p + 4, true)) } : null;
    case 0x0007: {
      const property = len === 11 ? PROPERTY_NAMES.get(v.getUint16(p + 8, true)) : undefined;
      const finished = v.getUint8(p + 10);
      if (!property || finished > 1) return null;
      return {
        type: 'animation-end',
        id: v.getUint32(p, true),
        tag: v.getUint32(p + 4, true),
        property,
        finished: finished === 1,
      };
    }
    case 0x0008:
      return len === 12
        ? {
            type: 'image-loaded',
            id: v.getUint32(p, true),
            width: v.getUint32(p + 4, true),
            height: v.getUint32(p + 8, true),
          }
        : null;
    case 0x0009: {
      const reason = len === 5 ? IMAGE_ERRORS[v.getUint8(p + 4)] : undefined;
      return reason ? { type: 'image-failed', id: v.getUint32(p, true), reason } : null;
    }
    case 0x000a:
      return len === 8
        ? { type: 'engine-out-of-memory', nodes: v.getUint32(p, true), limit: v.getUint32(p + 4, true) }
        : null;
    case 0x000b: {
      const code = len === 8 ? v.getUint32(p, true) : -1;
      // A Unicode scalar value: not a surrogate, not past U+10FFFF.
      if (code < 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return null;
      return { type: 'text', text: String.fromCodePoint(code), target: node(v.getUint32(p + 4, true)) };
    }
    case 0x000c:
      return len === 12
        ? { type: 'scroll', id: v.getUint32(p, true), x: v.getFloat32(p + 4, true), y: v.getFloat32(p + 8, true) }
        : null;
    default:
      return null;
  }
}

/**
 * Decodes an event batch. Events with an opcode this SDK does not know, or a payload of the wrong
 * size, are skipped (a newer engine may send more); a batch whose framing is broken throws.
 */
export function decodeEvents(bytes) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (bytes.length < BATCH_HEADER_LEN || magic !== 'MQEV') throw new Error('not an event batch');
  if (v.getUint16(4, true) !== VERSION)
    throw new Error(`event batch version ${v.getUint16(4, true)} is not ${VERSION}`);
  const count = v.getUint32(8, true);
  const out = [];
  let pos = BATCH_HEADER_LEN;
  for (let i = 0; i < count; i++) {
    if (pos + 6 > bytes.length) throw new Error(`event batch truncated at byte ${pos}`);
    const op = v.getUint16(pos, true);
    const len = v.getUint32(pos + 2, true);
    if (pos + 6 + len > bytes.length) throw new Error(`event batch truncated at byte ${pos}`);
    const e = event(op, v, pos + 6, len);
    if (e) out.push(e);
    pos += 6 + len;
  }
  return out;
}
