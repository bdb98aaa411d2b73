// node node.mjs ENGINE_JS STREAM_JSON: plays a benchmark stream (marquee-replay's format) through
// engine.js under Node and prints {"frames": [ms, ...], "phases": [[commands, layout, animation,
// display list], ...]}: the engine's time for every frame, and its split.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { play } from '../../marquee-replay/js/replay.mjs';

const [enginePath, streamPath] = process.argv.slice(2);
const { instantiate } = await import(pathToFileURL(enginePath).href);
const frames = [];
const phases = [];
const sink = (_bytes, ms, split) => {
  frames.push(ms);
  phases.push(split);
};
play(instantiate, JSON.parse(readFileSync(streamPath, 'utf8')), sink, true);
process.stdout.write(JSON.stringify({ frames, phases }) + '\n');
