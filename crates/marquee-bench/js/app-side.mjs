// node app-side.mjs COMPILED: the app-side scenes (../app, compiled into one module by
// marquee-bench, as `marquee run` compiles an app that uses React) in Node, for comparison with
// the native host's QuickJS. The SDK talks to a host binding that only counts what it is sent;
// the app prints the results as one `results {…}` line.
import { pathToFileURL } from 'node:url';

globalThis.__marqueeHost = { send() {}, listen() {}, viewport: { width: 1280, height: 720 } };
await import(pathToFileURL(process.argv[2]).href);
