// The module runtime `marquee dev` runs a React app on, so that an edit can be applied to the
// running app with its components' state kept (Fast Refresh).
//
// A bundle is one module with no seams; here the app's own modules stay apart, each a CommonJS
// factory `define`d by its id (its path in the app), and the packages they import come from
// `globalThis.__marquee_vendor`, built once in React's development mode with react-refresh's
// runtime hooked in before the renderer. An edit arrives as the changed modules' new factories
// and an `update` of their ids: each runs again, and so does each module that imports one whose
// exports are not all components, up to a module whose exports are (a boundary: React Refresh
// swaps its components in place). An edit that reaches a module nothing imports (the entry)
// cannot be applied in place, and `update` says `reload`.
//
// Components are registered by module and name (each one a module declares at its top level, and
// each it exports), which is what lets React match the new function to the old one. esbuild has no transform that signs each component's hooks as
// react-refresh's Babel plugin does, so the signature is the list of hook names in the
// component's source: an edit that adds, removes or reorders hooks remounts the component
// (its state starts afresh) rather than handing it state of another shape.

(() => {
  const vendor = globalThis.__marquee_vendor;
  const Refresh = vendor['react-refresh/runtime'];
  /** id → { deps: specifier → id (null for a package), factory, module } */
  const modules = new Map();
  /** Errors React could not recover from while an update rendered, as text (the renderer tells them). */
  let uncaught = [];

  /** A module's factory; one already running keeps its exports until `update` runs it again. */
  function define(id, deps, factory) {
    modules.set(id, { deps, factory, module: modules.get(id)?.module ?? null });
  }

  function load(id) {
    const entry = modules.get(id);
    if (entry === undefined) throw new Error(`marquee dev: the module ${id} was never built`);
    if (entry.module !== null) return entry.module.exports;
    const module = { exports: {} };
    entry.module = module;
    const require = (specifier) => {
      const dep = entry.deps[specifier];
      if (dep === undefined) throw new Error(`${id}: cannot find module '${specifier}'`);
      if (dep !== null) return load(dep);
      if (!(specifier in vendor)) throw new Error(`${id}: the package '${specifier}' was not built`);
      return vendor[specifier];
    };
    entry.factory.call(module.exports, require, module, module.exports);
    register(id, module.exports);
    return module.exports;
  }

  /** Each of the values a module exports, with its name. */
  function exported(exports) {
    const all = [['module.exports', exports]];
    if (exports !== null && typeof exports === 'object') {
      for (const name of Object.keys(exports)) {
        if (name !== '__esModule') all.push([name, exports[name]]);
      }
    }
    return all;
  }

  /** Registers `value` as the component `name` of module `id`, if it is one. */
  function component(id, name, value) {
    if (!Refresh.isLikelyComponentType(value)) return;
    const render = typeof value === 'function' ? value : (value.render ?? value.type);
    const hooks = typeof render === 'function' ? (String(render).match(/\buse[A-Z0-9]\w*/g) ?? []) : [];
    Refresh.setSignature(value, hooks.join(' '));
    Refresh.register(value, `${id} ${name}`);
  }

  function register(id, exports) {
    for (const [name, value] of exported(exports)) component(id, name, value);
  }

  /** Whether every export of the module is a component, so that an edit to it stops there. */
  function boundary(exports) {
    if (Refresh.isLikelyComponentType(exports)) return true;
    const named = exported(exports).slice(1);
    return named.length > 0 && named.every(([, value]) => Refresh.isLikelyComponentType(value));
  }

  function importers(id) {
    const found = [];
    for (const [other, entry] of modules) {
      if (Object.values(entry.deps).includes(id)) found.push(other);
    }
    return found;
  }

  /**
   * The modules an edit of `changed` runs again, in order: each changed one, then each module
   * importing one that is not a boundary. `null` when that reaches a module nothing imports.
   * Decided on the exports the modules have now, before any runs: the entry must not run twice.
   */
  function affected(changed) {
    const order = [];
    const queue = [...changed];
    while (queue.length > 0) {
      const id = queue.shift();
      if (order.includes(id)) continue;
      order.push(id);
      const now = modules.get(id)?.module;
      if (now != null && boundary(now.exports)) continue;
      const next = importers(id);
      if (next.length === 0) return null;
      queue.push(...next);
    }
    return order;
  }

  /** Runs the changed modules again and refreshes React: `refreshed`, `reload`, or `failed: why`. */
  function update(changed) {
    const order = affected(changed);
    if (order === null) return 'reload';
    for (const id of order) modules.get(id).module = null;
    for (const id of order) load(id);
    // An edit that took a boundary's exports away from being all components needs its importers
    // run again too, which the order above did not have.
    for (const id of order) {
      const now = modules.get(id).module;
      if (!changed.includes(id) || importers(id).every((other) => order.includes(other))) continue;
      if (!boundary(now.exports)) return 'reload';
    }
    uncaught = [];
    Refresh.performReactRefresh();
    const [error] = uncaught;
    uncaught = [];
    return error === undefined ? 'refreshed' : `failed: ${error}`;
  }

  globalThis.__marquee_dev = {
    define,
    update,
    start: load,
    /** The components a module declares at its top level, exported or not (its factory's last statement). */
    declared: (id, values) => {
      for (const [name, value] of Object.entries(values)) component(id, name, value);
    },
    uncaught: (error) => uncaught.push(error),
  };
})();
