// @marquee/react/testing: components tested without an engine. `render(element)` renders into the
// SDK's model engine (`@marquee/sdk/testing`) and returns helpers to find nodes by their text and
// press keys on them.

import { createApp } from '@marquee/sdk';
import { modelEngine, settle } from '@marquee/sdk/testing';
import { createRoot } from './index.js';

export { modelEngine, settle };

/**
 * Renders `element` into a model engine and waits for it to be sent. Returns `{ engine, app,
 * root, text(), find(text), focus(id), press(key, id), settle() }`: `text()` is every text shown,
 * in tree order; `find(text)` the id of the node whose text is `text` (or that holds such a text
 * node), or throws; `focus(id)` moves focus there as the engine would tell the app; `press(key,
 * id)` delivers a key at the focused node `id` (default: the last focused) and waits for what
 * it changed to be sent.
 */
export async function render(element, { viewport = { width: 1280, height: 720 } } = {}) {
  const engine = modelEngine();
  engine.viewport = viewport;
  const app = createApp({ host: engine });
  const root = createRoot(app);
  root.render(element);
  await settle();
  let focused = null;
  const texts = (id = 0) => {
    const n = engine.nodes.get(id);
    return [...(n.text ? [n.text] : []), ...n.children.flatMap((c) => texts(c))];
  };
  const find = (text) => {
    const id = engine.ids().find((i) => engine.nodes.get(i).text === text);
    if (id === undefined) throw new Error(`no text "${text}" in ${JSON.stringify(texts())}`);
    const parent = engine.nodes.get(id).parent;
    // A text's box is usually what is focusable: name the node around a text when the text is alone in it.
    return parent !== 0 && engine.nodes.get(parent).children.length === 1 ? parent : id;
  };
  return {
    engine,
    app,
    root,
    text: () => texts(),
    find,
    focus(id) {
      engine.focus(focused, id);
      focused = id;
    },
    async press(key, id = focused) {
      engine.key(key, id);
      await settle();
    },
    settle,
  };
}
