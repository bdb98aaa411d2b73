// node node.mjs ENGINE_JS STREAM_JSON: plays a benchmark stream (marquee-replay's format) through
// engine.js under Node and prints {"frames": [ms, ...]}, the engine's time for every frame.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { play } from '../../marquee-replay/js/replay.mjs';

const [enginePath, streamPath] = process.argv.slice(2);
const { instantiate } = await import(pathToFileURL(enginePath).href);
const frames = [];
play(instantiate, JSON.parse(readFileSync(streamPath, 'utf8')), (_bytes, ms) => frames.push(ms));
process.stdout.write(JSON.stringify({ frames }) + '\n');
