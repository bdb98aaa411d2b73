// A virtualised list: a row or column of `count` items of one size, of which only a window of
// `live` nodes exists. A 7-day guide's 10,000 programmes or a 5,000-title rail cost a few dozen
// nodes, and scrolling through them costs a few commands a step, whatever the count.
//
// The list is a scroll container (`overflow: scroll`, a focus group along its axis) holding a
// spacer, the live items and another spacer. The spacers stand for the items before and after the
// window, so the container's content is as long as every item laid end to end: the engine scrolls
// it, and keeps the focused item in view, as it would a list of real nodes. Each item is a slot
// the app made once (`create`) and fills for an index (`render`); when focus reaches an item, the
// window moves to keep `ahead` items beyond it on each side where the list has them: the slots that
// leave the window at one end go to the other end, filled for their new index, and the spacers
// change by as much as the slots moved, so no item that stays moves on screen. The focused item
// never leaves the window, and focus goes on from item to item with the arrows while the
// window follows, a focus event behind (`ahead` is how many keys the app thread may lag).

/** Items beyond the focused one, on each side, that the window keeps by default. */
export const AHEAD = 12;

/**
 * Checks a list's options (`count` aside) and returns them with their defaults:
 * `{ size, gap, axis, ahead, live }`, `ahead` at most `live - 1`. Throws a TypeError naming the
 * first bad one. `@marquee/react`'s `<VirtualList>` takes the same.
 */
export function listOptions({ size, gap = 0, axis = 'row', ahead = AHEAD, live }) {
  for (const [name, v] of [
    ['size', size],
    ['gap', gap],
    ['ahead', ahead],
  ]) {
    if (!(Number.isFinite(v) && v >= 0)) throw new TypeError(`virtualList: ${name} ${v} is not a size`);
  }
  if (axis !== 'row' && axis !== 'column') throw new TypeError(`virtualList: axis ${axis} is row or column`);
  const slots = live ?? 2 * ahead + 1;
  if (!Number.isInteger(slots) || slots < 1) throw new TypeError(`virtualList: live ${slots} is not a count`);
  return { size, gap, axis, ahead: Math.min(ahead, slots - 1), live: slots };
}

/** Checks a list's `count` of items. */
export function checkCount(count) {
  if (!Number.isInteger(count) || count < 0) throw new TypeError(`virtualList: count ${count} is not a count`);
  return count;
}

/**
 * The first item of the window that shows item `index` with `ahead` items beyond it on each
 * side where the list has them, moved as little as that takes from `first`: a window of `shown`
 * items of a list of `count`.
 */
export function windowStart(index, first, { shown, ahead, count }) {
  let start = first;
  if (index - ahead < start) start = index - ahead;
  if (index + ahead > start + shown - 1) start = index + ahead - shown + 1;
  return Math.max(0, index - shown + 1, Math.min(start, index, count - shown));
}

export class VirtualList {
  /**
   * `options`: `count` items, each `size` px along `axis` (`'row'`, the default, or `'column'`)
   * with `gap` px after it; `live` nodes at most (default: `2 × ahead + 1`); `ahead` items kept
   * beyond the focused one on each side; `style`, the container's own (its height, padding,
   * `scrollAlign` …); `create(app)`, a new slot: its node (focusable, for the arrows to reach
   * it), or an object whose `node` is that node, holding whatever else `render` needs (its
   * texts, its image); `render(slot, index)`, filling the slot for item `index`.
   */
  constructor(app, options) {
    const { count, style = {}, create, render } = options;
    const { size, gap, axis, ahead, live } = listOptions(options);
    if (typeof create !== 'function' || typeof render !== 'function') {
      throw new TypeError('virtualList: create(app) and render(slot, index) make and fill its items');
    }
    this.app = app;
    this.create = create;
    this.render = render;
    this.gap = gap;
    this.row = axis === 'row';
    this.stride = size + gap;
    this.ahead = ahead;
    this.live = live;
    /** The first item in the window, and the slots in the order they stand. */
    this.first = 0;
    this.slots = [];
    /** Which item each slot shows, by its node's id. */
    this.shows = new Map();
    this.node = app.view({ flexDirection: axis, overflow: 'scroll', focusGroup: axis, ...style });
    // The spacers: as long as the items before and after the window, a pixel across.
    const spacer = () => app.view({ flexShrink: 0, [this.row ? 'height' : 'width']: 1 });
    this.lead = spacer();
    this.tail = spacer();
    this.node.append(this.lead, this.tail);
    this.count = 0;
    this.setCount(count);
    this.unsubscribe = app.on('focus', ({ to }) => {
      // A list destroyed with its page (not by `destroy()`) stops following focus: its slots'
      // ids may name new nodes by now.
      if (!this.node.alive()) {
        this.unsubscribe();
        return;
      }
      const index = this.shows.get(to);
      if (index !== undefined) this.reveal(index);
    });
  }

  /** The items in the window: `live`, or every one of a shorter list. */
  get shown() {
    return Math.min(this.live, this.count);
  }

  /** The number of items; the window stays where it was, as far as the list still reaches. */
  setCount(count) {
    this.count = checkCount(count);
    while (this.slots.length < this.shown) {
      const made = this.create(this.app);
      const slot = { node: made?.node ?? made, made };
      if (typeof slot.node?.style !== 'function') {
        throw new TypeError('virtualList: create(app) returned no node, nor an object with one');
      }
      slot.node.style({ flexShrink: 0, [this.row ? 'marginInlineEnd' : 'marginBottom']: this.gap });
      this.node.insertBefore(slot.node, this.tail);
      this.slots.push(slot);
    }
    // Slots a shorter list has no items for: out of layout, and focus passes them by. A slot
    // says nothing of `display` until it is first hidden, as a node in a list of real nodes.
    for (const [i, slot] of this.slots.entries()) {
      const hidden = i >= this.shown;
      if (hidden !== (slot.hidden ?? false)) {
        slot.node.set('display', hidden ? 'none' : 'flex');
        slot.hidden = hidden;
      }
      if (hidden) this.shows.delete(slot.node.id);
    }
    this.first = Math.max(0, Math.min(this.first, count - this.shown));
    this.refill();
    return this;
  }

  /**
   * Item `index` in the window, with `ahead` items beyond it on each side where the list has
   * them; returns its node. The window moves as little as that takes: a step of focus inside
   * it costs nothing, and one slot a step at its edge.
   */
  reveal(index) {
    this.checkIndex(index);
    this.moveTo(windowStart(index, this.first, this));
    return this.slots[index - this.first].node;
  }

  /** Focuses item `index`, bringing it into the window first. */
  focus(index) {
    this.reveal(index).focus();
    return this;
  }

  /** Item `index` filled again (its data changed); nothing when it is outside the window. */
  refresh(index) {
    this.checkIndex(index);
    const at = index - this.first;
    if (at >= 0 && at < this.shown) this.render(this.slots[at].made, index);
    return this;
  }

  /** The list's nodes go, and it stops following focus. */
  destroy() {
    this.unsubscribe();
    this.node.destroy();
  }

  checkIndex(index) {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new RangeError(`virtualList: item ${index} is not one of its ${this.count}`);
    }
  }

  /** The window from item `first`: the slots that leave it go to its other end, refilled. */
  moveTo(first) {
    const shown = this.shown;
    const step = first - this.first;
    if (step === 0) return;
    if (Math.abs(step) >= shown) {
      this.first = first;
      this.refill();
      return;
    }
    for (let i = 0; i < Math.abs(step); i++) {
      if (step > 0) {
        const slot = this.slots.shift();
        this.node.insertBefore(slot.node, this.slots[shown - 1]?.node ?? this.tail);
        this.slots.splice(shown - 1, 0, slot);
        this.fill(slot, this.first + shown + i);
      } else {
        const slot = this.slots.splice(shown - 1, 1)[0];
        this.node.insertBefore(slot.node, this.slots[0].node);
        this.slots.unshift(slot);
        this.fill(slot, this.first - 1 - i);
      }
    }
    this.first = first;
    this.spacers();
  }

  /** Every slot in the window filled for its item, and the spacers sized for the window. */
  refill() {
    for (let i = 0; i < this.shown; i++) this.fill(this.slots[i], this.first + i);
    this.spacers();
  }

  fill(slot, index) {
    this.shows.set(slot.node.id, index);
    this.render(slot.made, index);
  }

  spacers() {
    const main = this.row ? 'width' : 'height';
    this.lead.set(main, this.first * this.stride);
    this.tail.set(main, (this.count - this.first - this.shown) * this.stride);
  }
}
