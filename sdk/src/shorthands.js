// Shorthand style properties: `padding`, `margin`, `inset` (and their `-inline` halves), `gap`,
// `borderRadius` and `border`.
//
// The protocol has longhands only (`padding-top`, `border-top-left-radius`…): a shorthand is the
// SDK's, expanded here into the longhands it stands for before anything is encoded, so the engine,
// its fixtures and the wire stay as they are, and a shorthand costs one command per longhand.
// Sides go in CSS's order (top, right, bottom, left; corners from the top left, clockwise), from
// one to four values as CSS takes them, as an array or a space-separated string:
// `padding: 8`, `padding: [8, 16]`, `padding: '8px 16px 4px'`, `margin: '0 auto'` (a bare number
// in a string is px, as a number is), `borderRadius: [12, 12, 0, 0]`.
// `gap` is one value or `[row, column]`; `paddingInline`, `marginInline` and `insetInline` are one
// value or `[start, end]`, the sides the node's `direction` puts them on. `border` is a width, a colour or both:
// `border: 2`, `border: '#ffffff'`, `border: [2, '#ffffff']`, `border: { width: 2, color: '#ffffff' }`,
// `border: '2px solid #ffffff'` (a border is always solid).
// Each longhand's value is then checked as if the app had set it itself, and a bad one throws
// naming the longhand; a value of the wrong shape for the shorthand throws naming the shorthand.

/** CSS's rule for 1–4 values over four sides: which value each side takes. */
const SIDES = [
  [0, 0, 0, 0],
  [0, 1, 0, 1],
  [0, 1, 2, 1],
  [0, 1, 2, 3],
];

/** Four sides, or four corners, as CSS orders them: one value for all, or two to four. */
function sides(longhands, name, value) {
  const values = parts(name, value);
  if (values.length < 1 || values.length > 4) {
    throw new TypeError(`${name}: ${JSON.stringify(value)} has ${values.length} values; it takes 1 to 4`);
  }
  const pick = SIDES[values.length - 1];
  return longhands.map((longhand, i) => [longhand, values[pick[i]]]);
}

/** Two longhands, a first and a second (rows' then columns' gap, inline start then end): one value for both, or two. */
function firstThenSecond([first, second], name, value) {
  const values = parts(name, value);
  if (values.length < 1 || values.length > 2) {
    throw new TypeError(`${name}: ${JSON.stringify(value)} has ${values.length} values; it takes 1 or 2`);
  }
  return [
    [first, values[0]],
    [second, values[values.length - 1]],
  ];
}

/** A bare number in a string of values: px, as a number is anywhere in the SDK (`'0 auto'`). */
const BARE_NUMBER = /^-?(\d+\.?\d*|\.\d+)$/;

/** A value alone, an array of values, or a string of space-separated values, as a list. */
function parts(name, value) {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    const words = value.trim().split(/\s+/);
    if (words[0] === '') return [];
    return words.map((w) => (BARE_NUMBER.test(w) ? Number(w) : w));
  }
  if (typeof value === 'number') return [value];
  throw new TypeError(`${name}: ${JSON.stringify(value)} is not a value or a list of values`);
}

/** A length with its unit: the part of a `border` string that is its width (a number is one too). */
const LENGTH = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?px$/i;

/** A border's width and colour, either or both, from an object, a list or a string. */
function widthAndColor([width, color], name, value) {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const key of Object.keys(value)) {
      if (key !== 'width' && key !== 'color') {
        throw new TypeError(`${name}: ${JSON.stringify(key)} is not a part of a border (width, color)`);
      }
    }
    const out = [];
    if (value.width !== undefined) out.push([width, value.width]);
    if (value.color !== undefined) out.push([color, value.color]);
    if (out.length === 0) throw new TypeError(`${name}: {} has no width or colour`);
    return out;
  }
  const out = [];
  for (const part of parts(name, value)) {
    if (part === 'solid') continue;
    const longhand = typeof part === 'number' || LENGTH.test(part) ? width : color;
    if (out.some(([l]) => l === longhand)) {
      throw new TypeError(`${name}: ${JSON.stringify(value)} has two ${longhand === width ? 'widths' : 'colours'}`);
    }
    out.push([longhand, part]);
  }
  if (out.length === 0) throw new TypeError(`${name}: ${JSON.stringify(value)} has no width or colour`);
  return out;
}

/** A shorthand: the longhands it sets (what clearing it clears), and how a value splits into them. */
const shorthand = (longhands, split) =>
  Object.freeze({ longhands: Object.freeze(longhands), expand: (name, value) => split(longhands, name, value) });

/**
 * Shorthands by kebab-case name: `longhands`, the properties it stands for, and
 * `expand(name, value)`, the `[longhand, value]` pairs a value sets (a `border` may set one of its
 * two), throwing a TypeError that names `name` for a value of the wrong shape.
 */
export const SHORTHANDS = Object.freeze(
  Object.assign(Object.create(null), {
    padding: shorthand(['padding-top', 'padding-right', 'padding-bottom', 'padding-left'], sides),
    margin: shorthand(['margin-top', 'margin-right', 'margin-bottom', 'margin-left'], sides),
    inset: shorthand(['top', 'right', 'bottom', 'left'], sides),
    'border-radius': shorthand(
      ['border-top-left-radius', 'border-top-right-radius', 'border-bottom-right-radius', 'border-bottom-left-radius'],
      sides,
    ),
    'padding-inline': shorthand(['padding-inline-start', 'padding-inline-end'], firstThenSecond),
    'margin-inline': shorthand(['margin-inline-start', 'margin-inline-end'], firstThenSecond),
    'inset-inline': shorthand(['inset-inline-start', 'inset-inline-end'], firstThenSecond),
    gap: shorthand(['row-gap', 'column-gap'], firstThenSecond),
    border: shorthand(['border-width', 'border-color'], widthAndColor),
  }),
);
