// node node.mjs ENGINE_JS STREAMS_JSON: replays each stream (see replay.mjs) through engine.js
// under Node and prints its frames in hex, one per line, each stream followed by a `--` line.
// WebAssembly is removed first: engine.js must not need it.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { replay } from './replay.mjs';

delete globalThis.WebAssembly;
const [enginePath, streamsPath] = process.argv.slice(2);
const { instantiate } = await import(pathToFileURL(enginePath).href);
for (const stream of JSON.parse(readFileSync(streamsPath, 'utf8'))) {
  process.stdout.write(replay(instantiate, stream).map((f) => `${f}\n`).join('') + '--\n');
}
