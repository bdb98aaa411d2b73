// A scene that outgrows the engine's linear memory (~30–45k nodes in 64 MiB). The engine was
// reset with only "wasm unreachable instruction executed"; now the reset says it ran out of
// memory, with how many nodes, in the log and to the app. (engine.js in QuickJS is slower than
// engine.wasm by far: at this size its frames pass the call budget first, a hang reset.)
import { createApp } from '@marquee/sdk';

const app = createApp();
let reset = false;
app.on('engine-reset', ({ reason }) => {
  reset = true;
  console.log(`app heard: engine reset (${reason})`);
});
app.on('engine-out-of-memory', ({ nodes, limit }) => console.log(`app heard: out of memory at ${nodes} nodes, limit ${limit} bytes`));
let made = 0;
function grow() {
  if (reset || made >= 65000) return;
  const box = app.view({ flexDirection: 'row', flexWrap: 'wrap' });
  for (let i = 0; i < 999; i++) box.append(app.view({ width: 1, height: 1, backgroundColor: '#ffffff' }));
  app.root.append(box);
  made += 1000;
  setTimeout(grow, 0);
}
setTimeout(grow, 0);
