// Helpers shared by the SDK's tests: the protocol's text form replayed as encoder calls, and the
// hex files the Rust tests write.

import { compileStyle } from '../src/protocol.js';

/** Replays one line of the protocol's text form as encoder calls. */
export function replay(enc, line) {
  const w = line.trim().split(/\s+/);
  if (w[0] === '' || w[0].startsWith('#')) return;
  const n = (i) => Number(w[i]);
  switch (w[0]) {
    case 'create': {
      if (w.length === 3) return enc.createNode(n(1), w[2]);
      const at = (word) => w.indexOf(word, 3);
      const style = at('style') > 0 ? Number(w[at('style') + 1]) : 0;
      return enc.createStyled(n(1), w[2], style, at('in') > 0 ? Number(w[at('in') + 1]) : null);
    }
    case 'define-style': {
      const declarations = [];
      for (let i = 2; i < w.length; i += 2) {
        const [state, name] = w[i].includes(':') ? w[i].split(':') : [null, w[i]];
        declarations.push([state, name, w[i + 1]]);
      }
      return enc.defineStyle(n(1), compileStyle(declarations));
    }
    case 'use-style':
      return enc.useStyle(n(1), n(2));
    case 'destroy':
      return enc.destroyNode(n(1));
    case 'append':
      return enc.appendChild(n(1), n(2));
    case 'insert':
      return enc.insertBefore(n(1), n(2), n(4));
    case 'remove':
      return enc.removeChild(n(1), n(2));
    case 'style':
      return enc.setStyle(n(1), w[2], w[3]);
    case 'clear':
      return enc.clearStyle(n(1), w[2]);
    case 'state':
      return enc.setStateStyle(n(1), w[2], w[3], w[4]);
    case 'clear-state':
      return enc.clearStateStyle(n(1), w[2], w[3]);
    case 'focus':
      return enc.focus(n(1));
    case 'cancel':
      return enc.cancelAnimation(n(1), w[2]);
    case 'animate': {
      const opts = {};
      let tag = 0;
      for (let i = 4; i < w.length; i += 2) {
        const [k, v] = [w[i], w[i + 1]];
        if (k === 'alternate') {
          opts.alternate = true;
          i -= 1;
          continue;
        }
        if (k === 'tag') tag = Number(v);
        else if (k === 'easing') opts.easing = v;
        else if (k === 'repeat') opts.repeat = v === 'infinite' ? 'infinite' : Number(v);
        else opts[k] = Number(v);
      }
      return enc.animate(n(1), tag, w[2], w[3], opts);
    }
    case 'text':
    case 'font-family':
    case 'image': {
      // The string is the rest of the line, quoted with Rust's escapes (a subset of JSON's, and
      // the vectors use only the common ones).
      const quoted = line.trim().slice(w[0].length).trim().slice(w[1].length).trim();
      const s = JSON.parse(quoted.replace(/\\u\{([0-9a-f]+)\}/g, (_, h) => String.fromCodePoint(parseInt(h, 16))));
      if (w[0] === 'text') return enc.setText(n(1), s);
      return w[0] === 'image' ? enc.setImage(n(1), s) : enc.setFontFamily(n(1), s);
    }
    case 'viewport':
      return enc.setViewport(n(1), n(2));
    case 'query-layout':
      return enc.queryLayout(n(1));
    default:
      throw new Error(`unknown command ${w[0]}`);
  }
}

/** Bytes from hex text; `#` starts a comment, whitespace is ignored. */
export function unhex(text) {
  const digits = text
    .split('\n')
    .map((l) => l.split('#')[0])
    .join('')
    .replace(/\s+/g, '');
  return Uint8Array.from(digits.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}

/** Hex text from bytes. */
export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
