// <VirtualList>: the SDK's virtualised list (`app.virtualList`, sdk/src/virtual-list.js) as a
// component. `count` items of one `size` along `axis`, of which only a window of `live` elements
// is rendered: `item(index)` renders one. The window moves to keep `ahead` items beyond the
// focused one on each side, by the SDK's arithmetic (`windowStart`) and with its shape: a
// scroll container holding a spacer, the window's items and another spacer, the spacers as long
// as the items they stand for, so the engine scrolls and reveals as it would real nodes.
//
// Each item is keyed by its index modulo `live`: when the window steps on by one, the item that
// leaves it and the one that enters share a key, so React keeps that element's nodes, moves them
// to the other end and renders them for their new index, and the others are left alone, as the
// SDK moves one slot. (React moves the item that stays last rather than first when the window
// steps back, so a step back sends a move for each item in the window; the engine keeps focus
// through them, as they all come in one batch.)

import { cloneElement, createElement as h, isValidElement, useState } from 'react';
import { checkCount, listOptions, windowStart } from '@marquee/sdk';

/**
 * A virtualised list. Props: `count`, `size`, `gap`, `axis`, `ahead`, `live` as `app.virtualList`
 * takes them; `style`, the container's own; `item(index)`, the element for item `index` (a
 * focusable view, for the arrows to reach it).
 */
export function VirtualList({ count, style, item, ...shape }) {
  const { size, gap, axis, ahead, live } = listOptions(shape);
  checkCount(count);
  if (style !== undefined && (typeof style !== 'object' || style === null || Array.isArray(style))) {
    throw new TypeError('VirtualList: style is a style object, for the container');
  }
  if (typeof item !== 'function') throw new TypeError('VirtualList: item(index) renders its items');
  const shown = Math.min(live, count);
  const [first, setFirst] = useState(0);
  // A shorter list than the window was made for keeps the window in reach.
  const within = (at) => Math.max(0, Math.min(at, count - shown));
  const start = within(first);
  const row = axis === 'row';
  const main = row ? 'width' : 'height';
  const cross = row ? 'height' : 'width';
  const spacer = (key, items) => h('view', { key, style: { flexShrink: 0, [cross]: 1, [main]: items * (size + gap) } });
  const items = [];
  for (let index = start; index < start + shown; index++) {
    const element = item(index);
    if (!isValidElement(element)) throw new TypeError(`VirtualList: item(${index}) is not an element`);
    const own = element.props.onFocus;
    items.push(
      cloneElement(element, {
        key: index % live,
        style: [element.props.style, { flexShrink: 0, [row ? 'marginInlineEnd' : 'marginBottom']: gap }],
        onFocus: (event) => {
          own?.(event);
          setFirst((at) => windowStart(index, within(at), { shown, ahead, count }));
        },
      }),
    );
  }
  return h(
    'view',
    { style: { flexDirection: axis, overflow: 'scroll', focusGroup: axis, ...style } },
    spacer('lead', start),
    ...items,
    spacer('tail', count - start - shown),
  );
}
