// @marquee/react: React apps on Marquee.
//
// `createRoot(app).render(<App />)` renders into the app's root node (or another node). Host
// components are `<view>`, `<text>` and `<image>` (or `View`, `Text` and `Image`, which
// TypeScript knows); their props are style, focus props, content and event handlers (see
// `index.d.ts`). The hooks reach the engine through the instance a `ref` holds.

import { createElement, useCallback, useContext, useEffect, useRef, useState } from 'react';
import Reconciler from 'react-reconciler';
import constants from 'react-reconciler/constants.js';
import { createApp } from '@marquee/sdk';
import { Container, MarqueeContext, config } from './host.js';

export { VirtualList } from './virtual-list.js';

const reconciler = Reconciler(config);
// Tells React's developer tools hook of this renderer, if there is one: under `marquee dev`
// react-refresh's runtime installs it, and Fast Refresh reaches the renderer through it. Without
// one this does nothing.
reconciler.injectIntoDevTools();

/** Host components by the names TypeScript checks (`<View>`); the same as `<view>`. */
export const View = 'view';
export const Text = 'text';
export const Image = 'image';

/** An error with its stack (QuickJS's stack has no message line; V8's starts with one). */
const describe = (error) => {
  const stack = typeof error?.stack === 'string' ? error.stack : '';
  return stack.startsWith(String(error)) ? stack : `${error}${stack ? `\n${stack}` : ''}`;
};

/** Errors React caught or could not: logged, so that the host's log shows what broke. */
const report = (what) => (error) => console.error(`@marquee/react: ${what}: ${describe(error)}`);

/** An error that unmounted the app: logged, and told to `marquee dev`, which shows it on screen. */
const uncaught = (error) => {
  report('uncaught error')(error);
  globalThis.__marquee_dev?.uncaught(describe(error));
};

/**
 * A React root rendering into `options.node` (default: `app.root`) of `app` (default: a new app
 * on the host). `render` renders at once, so the first frame already shows the app; updates
 * after it are scheduled by React.
 */
export function createRoot(app = createApp(), options = {}) {
  const container = new Container(app, options.node ?? app.root);
  const root = reconciler.createContainer(
    container,
    constants.ConcurrentRoot,
    null,
    false,
    null,
    'marquee',
    uncaught,
    report('error caught by a boundary'),
    report('recoverable error'),
    () => {},
  );
  const value = { app, container };
  return {
    app,
    container,
    render(element) {
      reconciler.updateContainerSync(createElement(MarqueeContext.Provider, { value }, element), root, null, null);
      reconciler.flushSyncWork();
    },
    unmount() {
      reconciler.updateContainerSync(null, root, null, null);
      reconciler.flushSyncWork();
      container.close();
    },
  };
}

/** Runs `fn` and commits the updates it makes before returning (tests, and a key handler that must show at once). */
export function flushSync(fn) {
  return reconciler.flushSyncFromReconciler(fn);
}

/** The SDK app this tree renders into. */
export function useApp() {
  const value = useContext(MarqueeContext);
  if (value === null) throw new Error('useApp outside a @marquee/react root');
  return value.app;
}

/**
 * A function animating the node `ref` holds: `animate({ opacity: 1 }, { duration: 200 })`
 * resolves to `{ finished }` when every property has ended (false: cancelled or replaced).
 */
export function useAnimate(ref) {
  return useCallback(
    (properties, options) => {
      const inst = ref.current;
      if (!inst) return Promise.reject(new Error('animate(): the ref holds no mounted node'));
      return inst.animate(properties, options);
    },
    [ref],
  );
}

/**
 * The border box (`{ x, y, width, height }`, root coordinates) of the node `ref` holds, asked of
 * the engine after mount and whenever `deps` change; null until the first answer.
 */
export function useLayout(ref, deps = []) {
  const [box, setBox] = useState(null);
  useEffect(() => {
    let current = true;
    const inst = ref.current;
    if (!inst || inst.node === null) return undefined;
    inst.layout().then(
      (b) => current && setBox((old) => (old && sameBox(old, b) ? old : b)),
      () => {},
    );
    return () => {
      current = false;
    };
    // The caller's deps say when to ask again.
  }, [ref, ...deps]);
  return box;
}

const sameBox = (a, b) => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;

/**
 * Whether the node `ref` holds has focus. Only the components that ask re-render when focus
 * moves; the move itself happens in the engine either way.
 */
export function useFocused(ref) {
  const value = useContext(MarqueeContext);
  if (value === null) throw new Error('useFocused outside a @marquee/react root');
  const { app, container } = value;
  const [focused, setFocused] = useState(false);
  const seen = useRef(false);
  useEffect(() => {
    const inst = ref.current;
    if (!inst) return undefined;
    const listener = (yes) => setFocused(yes);
    const set = container.focusWatch.get(inst) ?? new Set();
    set.add(listener);
    container.focusWatch.set(inst, set);
    if (!seen.current) {
      seen.current = true;
      setFocused(inst.node !== null && app.focused === inst.id);
    }
    return () => {
      set.delete(listener);
      if (set.size === 0) container.focusWatch.delete(inst);
    };
  }, [ref, app, container]);
  return focused;
}
