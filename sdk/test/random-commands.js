// Seeded random command sequences in the protocol's text form, encoded by the SDK.
//
// The Rust test `sdk_agreement` (crates/marquee-protocol/tests/it) runs this file and checks
// that the Rust decoder reads each batch back as exactly the commands its text form names:
//
//   node sdk/test/random-commands.js SEED COUNT
//
// prints COUNT lines, each the batch's hex, a tab, and its commands' text form joined by `;`.

import { BatchEncoder, STYLE, STATES, EASINGS } from '../src/protocol.js';
import { replay, hex } from './support.js';

/** mulberry32: a small, well-mixed 32-bit generator; the same seed gives the same sequence. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = Object.keys(STYLE);
const PAINT = NAMES.filter((n) => STYLE[n].code >= 0x40 && STYLE[n].code < 0x80);
const ANIMATABLE = PAINT.filter((n) => n !== 'z-index');
const pick = (r, list) => list[Math.floor(r() * list.length)];

/** Animation options in the text form, each present or not. */
function timingText(r) {
  const num = (hi, lo = 0) => Math.fround(lo + r() * hi);
  const parts = [];
  if (r() < 0.7) parts.push(`duration ${num(5000)}`);
  if (r() < 0.3) parts.push(`delay ${num(1000)}`);
  const e = r();
  if (e < 0.4) parts.push(`easing ${pick(r, EASINGS)}`);
  else if (e < 0.6) parts.push(`easing cubic-bezier(${num(1)},${num(4, -2)},${num(1)},${num(4, -2)})`);
  else if (e < 0.75) parts.push(`easing spring(${num(500, 1)},${num(40)},${num(3, 0.1)},${num(20, -10)})`);
  if (r() < 0.3) parts.push(`repeat ${r() < 0.3 ? 'infinite' : num(5, 0.5)}`);
  if (r() < 0.2) parts.push('alternate');
  return parts.join(' ');
}

/** A text-form value for property `name`, valid for the SDK encoder. */
function value(name, r) {
  const p = STYLE[name];
  const num = (lo, hi) => Math.fround(lo + r() * (hi - lo));
  if (Array.isArray(p.kind)) return p.kind[Math.floor(r() * p.kind.length)];
  switch (p.kind) {
    case 'dim': {
      const pick = r();
      if (pick < 0.2) return 'auto';
      return pick < 0.6 ? `${num(-500, 2000)}px` : `${num(-50, 200)}%`;
    }
    case 'lp':
      return r() < 0.5 ? `${num(0, 300)}px` : `${num(0, 100)}%`;
    case 'len':
      return `${num(p.min ?? -400, 400)}px`;
    case 'num':
      return `${num(p.min ?? -10, p.max ?? 10)}`;
    case 'color':
      return `#${Math.floor(r() * 2 ** 32)
        .toString(16)
        .padStart(8, '0')}`;
    case 'int':
      if (p.min !== undefined) return `${p.min + Math.floor(r() * (p.max - p.min + 1))}`;
      return `${Math.floor(r() * 2 ** 32) - 2 ** 31}`;
  }
  throw new Error(`no generator for ${name}`);
}

/** One random command line (ids may name nodes that do not exist: the decoder does not care). */
function line(r) {
  const id = () => Math.floor(r() * 70000) % 65536;
  const name = () => NAMES[Math.floor(r() * NAMES.length)];
  switch (Math.floor(r() * 14)) {
    case 9: {
      const n = pick(r, PAINT);
      return `state ${id()} ${pick(r, STATES)} ${n} ${value(n, r)}`;
    }
    case 10:
      return `clear-state ${id()} ${pick(r, STATES)} ${name()}`;
    case 11:
      return `focus ${id()}`;
    case 12:
      return `cancel ${id()} ${pick(r, ANIMATABLE)}`;
    case 13: {
      const n = pick(r, ANIMATABLE);
      return `animate ${id()} ${n} ${value(n, r)} tag ${Math.floor(r() * 2 ** 32)} ${timingText(r)}`.trim();
    }
    case 0:
      return `create ${id()} ${['view', 'image', 'text'][Math.floor(r() * 3)]}`;
    case 1:
      return `destroy ${id()}`;
    case 2:
      return `append ${id()} ${id()}`;
    case 3:
      return `insert ${id()} ${id()} before ${id()}`;
    case 4:
      return `remove ${id()} ${id()}`;
    case 5:
      return `clear ${id()} ${name()}`;
    case 6:
      return `viewport ${Math.fround(r() * 16384)} ${Math.fround(r() * 16384)}`;
    case 7:
      return `query-layout ${id()}`;
    default: {
      const n = name();
      return `style ${id()} ${n} ${value(n, r)}`;
    }
  }
}

/** `count` batches of 0–40 commands each, from `seed`. */
export function randomBatches(seed, count) {
  const r = rng(seed);
  const enc = new BatchEncoder(64);
  const out = [];
  for (let b = 0; b < count; b++) {
    const text = Array.from({ length: Math.floor(r() * 41) }, () => line(r));
    for (const l of text) replay(enc, l);
    out.push({ text, hex: hex(enc.finish()) });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [seed, count] = process.argv.slice(2).map(Number);
  const lines = randomBatches(seed, count).map((b) => `${b.hex}\t${b.text.join(';')}\n`);
  process.stdout.write(lines.join(''));
}
