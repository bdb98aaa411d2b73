// The app-side benchmark as an app: marquee-bench runs it in the native host's QuickJS (the
// runtime TV apps run in) and applies the batches it sends to an engine. The results come back
// as one console line, `results {…}`; `mark …` lines divide the batches between the scenes.

import { runScenes } from './scenes.js';

console.log(`results ${JSON.stringify(runScenes('quickjs', (name) => console.log(`mark ${name}`)))}`);
