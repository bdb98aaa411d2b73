// An app's reusable styles against the SDK's declarations (src/index.d.ts; see
// ../runtime-types.test.js): every use below must type-check, and every line marked as an
// expected error must be one.
import { createApp, expandStyle } from '../../src/index.js';

const app = createApp();
const card = app.style({ width: 240, height: 136, focused: { scaleX: 1.06, borderColor: '#ffffff' } });
const caption = app.style({ fontSize: 18, color: '#ffffff' });
const tile = app.view([card, { backgroundColor: '#336699' }]);
tile.append(app.text(caption).text('Title'), app.view({ flexGrow: 1 }));
tile.style(card).style([card, { opacity: 0.5 }]);
export const id: number = card.id;

// @ts-expect-error a style's values are numbers and strings
app.style({ width: true });
// @ts-expect-error a number is no style
tile.style(42);

// Shorthands: sides in CSS's order, as a value, an array or a string; a border's parts.
const framed = app.style({
  padding: [8, 16],
  margin: '4px auto',
  inset: 0,
  gap: [8, '2%'],
  borderRadius: [12, 12, 0, 0],
  border: { width: 2, color: '#ffffff' },
  focused: { borderRadius: 20, borderStartEndRadius: 8 },
});
// Right to left: a direction, and the properties that follow it.
const mirrored = app.style({
  direction: 'rtl',
  paddingInline: [24, 8],
  marginInlineStart: 'auto',
  insetInline: 0,
  borderStartStartRadius: 12,
  textAlign: 'start',
});
tile.style(mirrored);
tile
  .style([framed, { border: '2px solid #ffffff', padding: '8px' }])
  .set('gap', 12)
  .clear('padding');
tile.animate({ borderRadius: [4, 8] });
export const sides: Array<[string, number | string]> = expandStyle('padding', [8, 16]);
// @ts-expect-error a shorthand's values are numbers and strings
tile.set('padding', [true]);

// A virtualised list: slots made once, filled for an index.
const rail = app.virtualList({
  count: 5000,
  size: 240,
  gap: 20,
  style: { height: 160 },
  create: (app) => {
    const title = app.text(caption);
    return { node: app.view(card).append(title), title };
  },
  render: ({ title }, index) => title.text(`Title ${index}`),
});
app.root.append(rail.node);
rail.focus(4999).setCount(6000);
// @ts-expect-error render gets the slot create made
app.virtualList({ count: 1, size: 1, create: (app) => app.view(), render: (slot: { title: string }) => slot });
