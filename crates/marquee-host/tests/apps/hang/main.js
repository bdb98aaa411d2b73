// Used with a stand-in engine that never returns from a large batch: the host must interrupt
// it, start a fresh instance and tell the app, which then carries on with small batches.
import { createApp } from '@marquee/sdk';

const app = createApp();
app.on('engine-reset', ({ reason }) => {
  console.log(`engine-reset ${reason}`);
  setTimeout(() => app.root.append(app.view()), 20);
});
for (let i = 0; i < 40; i++) app.root.append(app.view());
