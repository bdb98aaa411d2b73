// Sends a batch that is not a batch, then one with a bad command among good ones: each is
// answered with an error event and the host keeps running.
import { createApp, BatchEncoder } from '@marquee/sdk';

const app = createApp();
app.on('command-error', (e) => console.log(`command-error code ${e.code} batch ${e.batch} node ${e.node}`));
globalThis.__marqueeHost.send(new Uint8Array([0x4d, 0x51, 0x43, 0x42, 9, 9]));
setTimeout(() => {
  const v = app.view({ width: 10, height: 10 });
  app.root.append(v);
  app.flush();
  // Appending a node that does not exist: a valid command the engine must refuse (the SDK's
  // proxies cannot name one, so it is written with the encoder).
  const enc = new BatchEncoder();
  enc.appendChild(0, 4242);
  globalThis.__marqueeHost.send(enc.finish());
}, 50);
