// Heavy batches sent in one turn, each well under the engine's per-call budget: ten applied in
// one frame made a 3.6 s frame (7.2 s in engine.js). Now a frame applies batches for at most
// 50 ms (always at least one) and leaves the rest, in order, for the next frames. Forty are sent,
// so that even an engine applying one in a few milliseconds needs several frames for them (ten
// fitted in one frame on a fast machine, and the case could not tell the budget was kept).
import { BatchEncoder } from '@marquee/sdk';

const host = globalThis.__marqueeHost;
const setup = new BatchEncoder();
for (let id = 1; id <= 1000; id++) {
  setup.createNode(id, 'view');
  setup.appendChild(0, id);
}
host.send(setup.finish().slice());
// 100,000 style records, the most one batch may hold: a good part of a frame's budget of work.
const enc = new BatchEncoder();
for (let i = 0; i < 100000; i++) enc.setStyle(1 + (i % 1000), 'width', 1 + (i % 300));
const heavy = enc.finish().slice();
setTimeout(() => {
  for (let b = 0; b < 40; b++) host.send(heavy);
  console.log(`forty batches of ${heavy.length} bytes sent`);
}, 50);
