// One valid 1.7 MB batch (100,000 style records) sent again and again for seconds. With no
// bound on the queue to the engine the host grew to 2 GB, one frame took 15 s, and the run went
// on long past its --timeout. Now the app's sends wait while 16 MiB are queued, the engine
// applies 50 ms of batches a frame, and the run ends on time.
import { BatchEncoder } from '@marquee/sdk';

const host = globalThis.__marqueeHost;
const enc = new BatchEncoder();
enc.createNode(1, 'view');
enc.appendChild(0, 1);
for (let i = 0; i < 100000; i++) enc.setStyle(1, 'width', (i % 500) + 1);
const batch = enc.finish().slice();
console.log(`batch of ${batch.length} bytes`);

let sent = 0;
function flood() {
  const until = performance.now() + 200;
  while (performance.now() < until) {
    host.send(batch);
    sent += 1;
  }
  if (performance.now() < 4000) setTimeout(flood, 0);
  else console.log(`sent ${sent} batches`);
}
setTimeout(flood, 0);
