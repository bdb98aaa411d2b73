// What a host component's props ask of its node, and how to change the node from one set of props
// to the next sending only what changed.
//
// A node's look is its `style` prop (an object, a reusable style from `app.style()`, or a list of
// both, later ones winning, as the SDK takes them) plus the focus props, which are style
// properties under friendlier names (`focusable`, `focusGroup`, `focusTrap`, `focusRestore`,
// `autoFocus`). A plain object in `style` may also hold `focused: {...}`, `focusWithin: {...}`
// and `itemFocused: {...}`: paint properties for while the node is in that state, which the
// engine switches itself.
//
// The look is flattened into declarations keyed by state and property name. An update compares
// the old and new declarations: a changed value is one `style` command, a property gone is one
// `clear`. Reusable styles are applied by id: when the list of them changes, the node gets its
// properties that no longer apply cleared and then the whole new look, in order (rare, and
// what the order of "later ones win" needs).

import { STYLE_STATES, Style, expandStyle } from '@marquee/sdk';

/** Focus props and the style property each sets. */
const FOCUS_PROPS = Object.freeze({
  focusable: 'focusable',
  focusGroup: 'focus-group',
  focusTrap: 'focus-trap',
  focusRestore: 'focus-restore',
  autoFocus: 'autofocus',
});

/** Whether two sets of props have the same focus props. */
export function sameFocusProps(a, b) {
  for (const prop in FOCUS_PROPS) if (a[prop] !== b[prop]) return false;
  return true;
}

/** `true`/`false` → the keyword a yes/no property takes; anything else as given. */
const yesNo = (v) => (v === true ? 'yes' : v === false ? 'no' : v);

/**
 * A declaration as `[kebab-case name, value]` pairs: a shorthand as its longhands, so that
 * `padding` then `paddingTop` compare as the sides they set. An unknown name, or a shorthand's
 * value of the wrong shape, stays as given (sending it logs why it was refused).
 */
function longhands(name, value) {
  try {
    return expandStyle(name, value);
  } catch {
    return [[name, value]];
  }
}

/** The `style` prop as a list (empty for none). */
function layers(style) {
  if (style === undefined || style === null || style === false) return [];
  return Array.isArray(style) ? style.flat(Number.POSITIVE_INFINITY).filter((s) => s) : [style];
}

/**
 * A node's look from its props: `reusable`, the reusable styles in order; `plain`, the
 * declarations plain objects and focus props make, as a Map from `state|name` to
 * `[state, name, value]` (state '' for the plain style, the name in the protocol's kebab case),
 * later ones winning. Made only when a node's props change, to compare with the next; what
 * is not a style was logged when the node was made, and is left out.
 */
export function look(props) {
  const reusable = [];
  const plain = new Map();
  for (const layer of layers(props.style)) {
    if (layer instanceof Style) {
      reusable.push(layer);
      continue;
    }
    if (typeof layer !== 'object') continue;
    for (const name in layer) {
      if (!Object.hasOwn(layer, name)) continue;
      const value = layer[name];
      const state = STYLE_STATES[name];
      if (state === undefined) {
        if (value !== undefined && value !== null) {
          for (const [wire, v] of longhands(name, value)) plain.set(`|${wire}`, ['', wire, v]);
        }
        continue;
      }
      if (value === undefined || value === null) continue;
      if (typeof value !== 'object') continue;
      for (const inner in value) {
        if (Object.hasOwn(value, inner) && value[inner] !== undefined && value[inner] !== null) {
          for (const [wire, v] of longhands(inner, value[inner])) plain.set(`${state}|${wire}`, [state, wire, v]);
        }
      }
    }
  }
  for (const prop in FOCUS_PROPS) {
    const value = props[prop];
    if (value !== undefined && value !== null)
      plain.set(`|${FOCUS_PROPS[prop]}`, ['', FOCUS_PROPS[prop], yesNo(value)]);
  }
  return { reusable, plain };
}

/** Whether two lists hold the same reusable styles in the same order. */
function sameStyles(a, b) {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/**
 * Logs a declaration the SDK refused for `node`. Such a value is skipped and the rest still go
 * out, as a browser skips a bad CSS value: a throw instead would come while React commits, where
 * it takes the whole app off the screen for one bad colour.
 */
function refused(node, what, value, e) {
  console.error(`@marquee/react: node ${node.id}: ${what} ${JSON.stringify(value)}: ${e.message}`);
}

/** Sets one declaration on `node`. */
function put(node, [state, name, value]) {
  try {
    if (state === '') node.set(name, value);
    else node.stateStyle(state, { [name]: value });
  } catch (e) {
    refused(node, state === '' ? name : `${state} ${name}`, value, e);
  }
}

/** Clears one declaration from `node`. */
function drop(node, [state, name]) {
  try {
    if (state === '') node.clear(name);
    else node.clearState(state, name);
  } catch (e) {
    refused(node, `clear ${state === '' ? name : `${state} ${name}`}`, null, e);
  }
}

/**
 * Applies `styling` (`creation`'s list) to `node` in order, a declaration at a time; `from`
 * layers at its start were applied already (the reusable style a node is created with).
 */
export function applyStyling(node, styling, from = 0) {
  for (let i = from; i < styling.length; i++) {
    const layer = styling[i];
    if (layer instanceof Style) {
      try {
        node.style(layer);
      } catch (e) {
        refused(node, 'style', layer.id, e);
      }
      continue;
    }
    for (const name in layer) {
      try {
        node.set(name, layer[name]);
      } catch (e) {
        refused(node, name, layer[name], e);
      }
    }
  }
}

/**
 * Makes a node of `kind` for `props` in `app`, as the last child of `parent` (an SDK node) or
 * detached (null): created with its first reusable style (the create command carries it and the
 * parent), then the rest of its look. Returns the node.
 */
export function make(app, kind, props, parent) {
  const { styling, states } = creation(props);
  const first = styling[0] instanceof Style ? styling[0] : undefined;
  let node;
  try {
    node = app.create(kind, first, parent);
  } catch (e) {
    // A reusable style the node cannot take (text properties on a view): made without it.
    console.error(`@marquee/react: a new ${kind}: ${e.message}`);
    node = app.create(kind, undefined, parent);
  }
  applyStyling(node, styling, first === undefined ? 0 : 1);
  for (const d of states) put(node, d);
  return node;
}

/**
 * What a node is created with, straight from its props (the path every node takes, so it builds
 * no maps): `styling`, the `style` list as `app.create` takes it (state declarations and unset
 * values taken out of its objects, the focus props as one more object), and `states`, the state
 * declarations to set after, as `[state, name, value]`.
 */
export function creation(props) {
  const styling = [];
  const states = [];
  addLayer(props.style, styling, states);
  // Most nodes have no focus props: five reads, no loop.
  if (
    props.focusable != null ||
    props.focusGroup != null ||
    props.focusTrap != null ||
    props.focusRestore != null ||
    props.autoFocus != null
  ) {
    const focus = {};
    for (const prop in FOCUS_PROPS) {
      if (props[prop] != null) focus[FOCUS_PROPS[prop]] = yesNo(props[prop]);
    }
    styling.push(focus);
  }
  return { styling, states };
}

/** Adds a `style` prop's layer (or list of them) to `styling`, its state declarations to `states`. */
function addLayer(layer, styling, states) {
  if (layer === undefined || layer === null || layer === false) return;
  if (layer instanceof Style) styling.push(layer);
  else if (Array.isArray(layer)) for (let i = 0; i < layer.length; i++) addLayer(layer[i], styling, states);
  else if (typeof layer === 'object') styling.push(plainPart(layer, states));
  else console.error(`@marquee/react: style: ${JSON.stringify(layer)} is not a style; left out`);
}

/**
 * A plain style object as the SDK takes it: itself when it holds no state styles and no unset
 * values, else a copy without them; its state declarations go to `states`.
 */
function plainPart(layer, states) {
  let clean = true;
  for (const name in layer) {
    const value = layer[name];
    if (value === undefined || value === null || STYLE_STATES[name] !== undefined) {
      clean = false;
      break;
    }
  }
  if (clean) return layer;
  const flat = {};
  for (const name in layer) {
    if (!Object.hasOwn(layer, name)) continue;
    const value = layer[name];
    if (value === undefined || value === null) continue;
    const state = STYLE_STATES[name];
    if (state === undefined) flat[name] = value;
    else if (typeof value !== 'object')
      console.error(`@marquee/react: style.${name}: ${JSON.stringify(value)} is not an object; left out`);
    else {
      for (const inner in value) {
        if (Object.hasOwn(value, inner) && value[inner] !== undefined && value[inner] !== null) {
          states.push([state, inner, value[inner]]);
        }
      }
    }
  }
  return flat;
}

/** Applies the look of `props` whole, as at creation: the styles in order, then states and focus props. */
function applyWhole(node, props) {
  const { styling, states } = creation(props);
  applyStyling(node, styling);
  for (const d of states) put(node, d);
}

/** Changes `node` from look `before` to look `now` (that of `props`), sending only what changed. */
export function update(node, before, now, props) {
  if (!sameStyles(before.reusable, now.reusable)) {
    // The reusable styles changed: what the old look set and the new one does not is cleared,
    // then the new look is applied whole, so that "later ones win" holds across both kinds.
    const declared = (l) => {
      const keys = new Map(l.plain);
      for (const s of l.reusable)
        for (const [state, name] of s.declarations) keys.set(`${state ?? ''}|${name}`, [state ?? '', name]);
      return keys;
    };
    const old = declared(before);
    const kept = declared(now);
    for (const [key, d] of old) {
      if (!kept.has(key)) drop(node, d);
    }
    applyWhole(node, props);
    return;
  }
  // The same reusable styles: only plain declarations changed. One a reusable style also sets
  // falls back to the style's value, which only applying the style again can restore.
  const covered = new Set();
  for (const s of now.reusable) for (const [state, name] of s.declarations) covered.add(`${state ?? ''}|${name}`);
  let restyle = false;
  for (const [key, d] of before.plain) {
    if (now.plain.has(key)) continue;
    if (covered.has(key)) restyle = true;
    else drop(node, d);
  }
  if (restyle) {
    applyWhole(node, props);
    return;
  }
  for (const [key, d] of now.plain) {
    const old = before.plain.get(key);
    if (old === undefined || !Object.is(old[2], d[2])) put(node, d);
  }
}

/** A `<text>`'s children as its text: strings and numbers joined, `null`/booleans skipped; `undefined` when they are not all text. */
export function textOf(children) {
  if (typeof children === 'string') return children;
  if (typeof children === 'number' || typeof children === 'bigint') return String(children);
  if (children === undefined || children === null || typeof children === 'boolean') return '';
  if (!Array.isArray(children)) return undefined;
  let text = '';
  for (const c of children) {
    const part = textOf(c);
    if (part === undefined) return undefined;
    text += part;
  }
  return text;
}
