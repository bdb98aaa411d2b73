// The app-side benchmark as an app: marquee-bench runs it in the native host's QuickJS (the
// runtime TV apps run in) and applies the batches it sends to an engine. The results come back
// as one console line, `results {…}`; `mark …` lines divide the batches between the scenes. It
// uses React (the `home-react` scene), so it runs compiled (`marquee_bundle::compile`).

import { runScenes } from './scenes.js';

// Node runs the same compiled module (`../js/app-side.mjs`); it says so, and has no marks to split.
const node = typeof process === 'object' && process.versions?.node;
const mark = node ? () => {} : (name) => console.log(`mark ${name}`);
console.log(`results ${JSON.stringify(runScenes(node ? `node ${process.version}` : 'quickjs', mark))}`);
