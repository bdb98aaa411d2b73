// node layout.mjs ENGINE_WASM JOBS_JSON: our layout against Yoga's on the same trees, in this one
// Node process (see marquee-bench's layout.rs for the jobs). For each tree: build it in
// engine.wasm (through WebAssembly) and in Yoga, then for every width change the root's width and
// time the relayout — the engine's layout phase by its profiling clock, Yoga's calculateLayout —
// and report the probe nodes' boxes in Yoga at the last width, relative to the root.
// Prints [{nodes, ours: [ms...], yoga: [ms...], boxes: [[x, y, w, h]...]}, ...], nodes being how
// many the engine holds once the tree is built (the root included).
import { readFileSync } from 'node:fs';
import Yoga from 'yoga-layout';

const [wasmPath, jobsPath] = process.argv.slice(2);
const module = new WebAssembly.Module(readFileSync(wasmPath));
const unhex = (s) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

function engine() {
  const e = new WebAssembly.Instance(module, {
    // The trees have no text: the text service is never asked.
    marquee: { text_set() {}, text_remove() {}, text_measure: () => 0n, clock: () => performance.now() },
  }).exports;
  e.mq_profile(1);
  return {
    apply(bytes) {
      const ptr = e.mq_alloc(bytes.length);
      new Uint8Array(e.memory.buffer).set(bytes, ptr);
      e.mq_apply(ptr, bytes.length);
      e.mq_free(ptr, bytes.length);
    },
    frame: (ms) => e.mq_frame(ms),
    layoutMs: () => Number(e.mq_stat(9)) / 1e6,
    nodes: () => Number(e.mq_stat(2)),
  };
}

function yogaTree(tree) {
  const config = Yoga.Config.create();
  // Yoga rounds to whole pixels by default; so does the engine's layout (taffy's rounding).
  config.setPointScaleFactor(1);
  // The engine's script states direction and shrink on every node; align-content is CSS's
  // default (stretch) there, Yoga's is flex-start.
  const style = (node, props) => {
    node.setFlexDirection(Yoga.FLEX_DIRECTION_COLUMN);
    node.setFlexShrink(0);
    node.setAlignContent(Yoga.ALIGN_STRETCH);
    for (const [name, v] of props) {
      if (name === 'row') node.setFlexDirection(Yoga.FLEX_DIRECTION_ROW);
      else if (name === 'wrap') node.setFlexWrap(Yoga.WRAP_WRAP);
      else if (name === 'width') node.setWidth(v);
      else if (name === 'height') node.setHeight(v);
      else if (name === 'padding') node.setPadding(Yoga.EDGE_ALL, v);
      else if (name === 'margin') node.setMargin(Yoga.EDGE_ALL, v);
      else if (name === 'gap') node.setGap(Yoga.GUTTER_ALL, v);
      else if (name === 'grow') node.setFlexGrow(v);
      else if (name === 'shrink') node.setFlexShrink(v);
      else if (name === 'alignCenter') node.setAlignItems(Yoga.ALIGN_CENTER);
      else if (name === 'spaceBetween') node.setJustifyContent(Yoga.JUSTIFY_SPACE_BETWEEN);
      else throw new Error(`unknown style ${name}`);
    }
  };
  const nodes = [Yoga.Node.create(config)];
  style(nodes[0], tree.root);
  const parents = [-1];
  for (const [parent, props] of tree.nodes) {
    const node = Yoga.Node.create(config);
    style(node, props);
    const p = nodes[parent];
    p.insertChild(node, p.getChildCount());
    nodes.push(node);
    parents.push(parent);
  }
  return { nodes, parents, free: () => nodes[0].freeRecursive() };
}

const results = [];
for (const job of JSON.parse(readFileSync(jobsPath, 'utf8'))) {
  const ours = engine();
  for (const batch of job.build) ours.apply(unhex(batch));
  ours.frame(0);
  const nodes = ours.nodes();
  const y = yogaTree(job.yoga);
  const root = y.nodes[0];
  root.calculateLayout(job.width[job.width.length - 1] + 1, job.height, Yoga.DIRECTION_LTR);
  const timesOurs = [];
  const timesYoga = [];
  job.widths.forEach((batch, i) => {
    ours.apply(unhex(batch));
    ours.frame((i + 1) * 16.667);
    timesOurs.push(ours.layoutMs());
    const t = performance.now();
    root.setWidth(job.width[i]);
    root.setHeight(job.height);
    root.calculateLayout(undefined, undefined, Yoga.DIRECTION_LTR);
    timesYoga.push(performance.now() - t);
  });
  const boxes = job.probe.map((id) => {
    const l = y.nodes[id].getComputedLayout();
    let [x, top] = [l.left, l.top];
    for (let p = y.parents[id]; p > 0; p = y.parents[p]) {
      const pl = y.nodes[p].getComputedLayout();
      x += pl.left;
      top += pl.top;
    }
    return [x, top, l.width, l.height];
  });
  y.free();
  results.push({ nodes, ours: timesOurs, yoga: timesYoga, boxes });
}
process.stdout.write(JSON.stringify(results) + '\n');
