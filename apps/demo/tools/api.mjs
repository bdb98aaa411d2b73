// The demo's catalogue API, for development: `node apps/demo/tools/api.mjs [--port 8080]`.
//
// GET /catalogue.json answers the catalogue (catalogue.js, the one the app bundles as its
// offline copy) with the time it was served as `updated`; anything else is a 404. It listens on
// 127.0.0.1 only, sends no-store (the app asks at every start) and allows any origin, so the
// demo in a browser may ask too. Ctrl-C stops it.

import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { OFFLINE } from '../catalogue.js';

/** Starts the API on 127.0.0.1:`port` (0: any free port); resolves to the listening server. */
export function serve(port = 8080) {
  const server = http.createServer((request, response) => {
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'access-control-allow-origin': '*',
    };
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method === 'GET' && path === '/catalogue.json') {
      response.writeHead(200, headers);
      response.end(JSON.stringify({ updated: new Date().toISOString(), ...OFFLINE }));
    } else {
      response.writeHead(404, headers);
      response.end(JSON.stringify({ error: `no ${request.method} ${path} here: GET /catalogue.json` }));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--port');
  const port = at > 0 ? Number(process.argv[at + 1]) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port ${process.argv[at + 1]}: expected a port number`);
    process.exit(2);
  }
  serve(port).then(
    (server) => console.log(`the demo's catalogue: http://127.0.0.1:${server.address().port}/catalogue.json`),
    (e) => {
      console.error(`cannot listen on 127.0.0.1:${port}: ${e.message}`);
      process.exit(1);
    },
  );
}
