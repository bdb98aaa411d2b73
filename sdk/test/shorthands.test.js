// Shorthands (`padding`, `margin`, `inset`, their `-inline` halves, `gap`, `borderRadius`, `border`): what each value
// expands to, what a value of the wrong shape throws, and that an app using them sends exactly
// the longhands' commands (sets, clears, state styles, animations, reusable styles).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, expandStyle, propertyName, BatchEncoder } from '../src/index.js';
import { compileStyle } from '../src/protocol.js';

const PADDING = ['padding-top', 'padding-right', 'padding-bottom', 'padding-left'];
const CORNERS = [
  'border-top-left-radius',
  'border-top-right-radius',
  'border-bottom-right-radius',
  'border-bottom-left-radius',
];
const pairs = (names, values) => names.map((n, i) => [n, values[i]]);

/** `[name, value, [longhand, value] pairs]`: sides in CSS's order, from one value to four. */
const EXPANSIONS = [
  ['padding', 8, pairs(PADDING, [8, 8, 8, 8])],
  ['padding', [8, 16], pairs(PADDING, [8, 16, 8, 16])],
  ['padding', [1, 2, 3], pairs(PADDING, [1, 2, 3, 2])],
  ['padding', [1, 2, 3, 4], pairs(PADDING, [1, 2, 3, 4])],
  ['padding', '8px 5%', pairs(PADDING, ['8px', '5%', '8px', '5%'])],
  ['padding', '  4px  ', pairs(PADDING, ['4px', '4px', '4px', '4px'])],
  [
    'margin',
    ['auto', 0],
    pairs(['margin-top', 'margin-right', 'margin-bottom', 'margin-left'], ['auto', 0, 'auto', 0]),
  ],
  ['margin', '0 auto', pairs(['margin-top', 'margin-right', 'margin-bottom', 'margin-left'], [0, 'auto', 0, 'auto'])],
  ['padding', '8 -1.5 .5', pairs(PADDING, [8, -1.5, 0.5, -1.5])],
  ['inset', 0, pairs(['top', 'right', 'bottom', 'left'], [0, 0, 0, 0])],
  ['inset', [10, 'auto', 'auto', 20], pairs(['top', 'right', 'bottom', 'left'], [10, 'auto', 'auto', 20])],
  ['borderRadius', [12, 12, 0, 0], pairs(CORNERS, [12, 12, 0, 0])],
  ['border-radius', '6px', pairs(CORNERS, ['6px', '6px', '6px', '6px'])],
  [
    'gap',
    24,
    [
      ['row-gap', 24],
      ['column-gap', 24],
    ],
  ],
  [
    'gap',
    [8, '2%'],
    [
      ['row-gap', 8],
      ['column-gap', '2%'],
    ],
  ],
  [
    'gap',
    '8px 16px',
    [
      ['row-gap', '8px'],
      ['column-gap', '16px'],
    ],
  ],
  [
    'paddingInline',
    [8, 16],
    [
      ['padding-inline-start', 8],
      ['padding-inline-end', 16],
    ],
  ],
  [
    'margin-inline',
    'auto',
    [
      ['margin-inline-start', 'auto'],
      ['margin-inline-end', 'auto'],
    ],
  ],
  [
    'insetInline',
    '0 10%',
    [
      ['inset-inline-start', 0],
      ['inset-inline-end', '10%'],
    ],
  ],
  ['border', 2, [['border-width', 2]]],
  ['border', '#ffffff', [['border-color', '#ffffff']]],
  [
    'border',
    [2, '#ffffff'],
    [
      ['border-width', 2],
      ['border-color', '#ffffff'],
    ],
  ],
  [
    'border',
    '2px solid #ffffffcc',
    [
      ['border-width', '2px'],
      ['border-color', '#ffffffcc'],
    ],
  ],
  [
    'border',
    '#000000 1',
    [
      ['border-color', '#000000'],
      ['border-width', 1],
    ],
  ],
  ['border', { color: '#000000' }, [['border-color', '#000000']]],
  [
    'border',
    { width: 3, color: '#000000' },
    [
      ['border-width', 3],
      ['border-color', '#000000'],
    ],
  ],
  // A longhand stands for itself, by either spelling.
  ['paddingTop', 4, [['padding-top', 4]]],
  ['background-color', '#123456', [['background-color', '#123456']]],
];

test('each shorthand expands into its longhands in CSS order', () => {
  for (const [name, value, expected] of EXPANSIONS) {
    assert.deepEqual(expandStyle(name, value), expected, `${name}: ${JSON.stringify(value)}`);
  }
  assert.equal(propertyName('borderRadius'), 'border-radius');
});

/** `[name, value, what the TypeError says]`: values of the wrong shape name the shorthand. */
const REFUSED = [
  ['padding', [], /padding: \[\] has 0 values; it takes 1 to 4/],
  ['padding', [1, 2, 3, 4, 5], /has 5 values; it takes 1 to 4/],
  ['margin', '', /margin: "" has 0 values/],
  ['inset', true, /inset: true is not a value or a list of values/],
  ['inset', null, /inset: null is not a value/],
  ['gap', [1, 2, 3], /gap: \[1,2,3\] has 3 values; it takes 1 or 2/],
  ['paddingInline', '1px 2px 3px', /padding-inline: "1px 2px 3px" has 3 values; it takes 1 or 2/],
  ['border', '2px 3px', /border: "2px 3px" has two widths/],
  ['border', '#fff #000', /has two colours/],
  ['border', 'solid', /has no width or colour/],
  ['border', { style: 'dashed' }, /"style" is not a part of a border/],
  ['border', {}, /has no width or colour/],
  ['paddings', 4, /paddings is not a style property/],
];

test('a shorthand value of the wrong shape throws, naming the shorthand', () => {
  for (const [name, value, message] of REFUSED) {
    assert.throws(() => expandStyle(name, value), message, `${name}: ${JSON.stringify(value)}`);
  }
});

/** A host binding that keeps what it is sent. */
function recordingHost() {
  const host = { batches: [], viewport: { width: 1280, height: 720 }, send: (b) => host.batches.push(b), listen() {} };
  return host;
}
const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

test('shorthands send exactly the longhands: sets, clears, state styles and animations', async () => {
  const host = recordingHost();
  const app = createApp({ host });
  const tile = app.view({ padding: [8, 16], borderRadius: 12, border: '2px solid #ffffff', paddingLeft: 0 });
  tile
    .set('gap', [4, 6])
    .clear('padding')
    .stateStyle('focused', { borderRadius: [20, 0] });
  tile.clearState('focused', 'borderRadius');
  tile.animate({ borderRadius: 4 }, { duration: 100 });
  tile.cancelAnimation('borderRadius');
  await turn();

  const enc = new BatchEncoder();
  enc.createStyled(1, 'view', 0, null);
  for (const [side, v] of pairs(PADDING, [8, 16, 8, 16])) enc.setStyle(1, side, v);
  for (const corner of CORNERS) enc.setStyle(1, corner, 12);
  enc.setStyle(1, 'border-width', '2px');
  enc.setStyle(1, 'border-color', '#ffffff');
  enc.setStyle(1, 'padding-left', 0);
  enc.setStyle(1, 'row-gap', 4);
  enc.setStyle(1, 'column-gap', 6);
  for (const side of PADDING) enc.clearStyle(1, side);
  for (const [corner, v] of pairs(CORNERS, [20, 0, 20, 0])) enc.setStateStyle(1, 'focused', corner, v);
  for (const corner of CORNERS) enc.clearStateStyle(1, 'focused', corner);
  CORNERS.forEach((corner, i) => {
    enc.animate(1, i + 1, corner, 4, { duration: 100 });
  });
  for (const corner of CORNERS) enc.cancelAnimation(1, corner);
  assert.deepEqual(host.batches, [enc.finish()]);
});

test('a shorthand with a bad longhand value throws, naming it, and sets none of its longhands', async () => {
  const host = recordingHost();
  const app = createApp({ host });
  const v = app.view();
  assert.throws(() => v.set('padding', [4, 'wide']), /padding-right: "wide"/);
  assert.throws(() => v.style({ borderRadius: [4, -1] }), RangeError);
  assert.throws(() => v.stateStyle('focused', { borderRadius: [4, 'round'] }), /border-top-right-radius: "round"/);
  assert.throws(() => v.stateStyle('focused', { border: 2 }), /border-width is not a paint property/);
  assert.throws(() => app.style({ margin: [1, 2, 3, 4, 5] }), /margin: .* it takes 1 to 4/);
  await turn();
  const only = new BatchEncoder();
  only.createStyled(1, 'view', 0, null);
  assert.deepEqual(host.batches, [only.finish()]);
});

test("a reusable style's shorthands are its longhands, in order, later ones winning", () => {
  const app = createApp({ host: recordingHost() });
  const card = app.style({ inset: [0, 'auto'], top: 8, focused: { borderRadius: 6 } });
  assert.deepEqual(card.declarations, [
    [null, 'top'],
    [null, 'right'],
    [null, 'bottom'],
    [null, 'left'],
    [null, 'top'],
    ...CORNERS.map((c) => ['focused', c]),
  ]);
  const longhands = compileStyle([
    [null, 'top', 0],
    [null, 'right', 'auto'],
    [null, 'bottom', 0],
    [null, 'left', 'auto'],
    [null, 'top', 8],
    ...CORNERS.map((c) => ['focused', c, 6]),
  ]);
  assert.deepEqual(card.compiled, longhands);
});
