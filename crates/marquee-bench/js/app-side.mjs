// node app-side.mjs: the app-side scenes (../app/scenes.js) in Node, for comparison with the
// native host's QuickJS. The SDK talks to a host binding that only counts what it is sent; prints
// the results as one JSON line.
import { runScenes } from '../app/scenes.js';

globalThis.__marqueeHost = { send() {}, listen() {}, viewport: { width: 1280, height: 720 } };
process.stdout.write(`${JSON.stringify(runScenes(`node ${process.version}`))}\n`);
