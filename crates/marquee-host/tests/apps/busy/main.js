// Builds a little, then blocks its own thread for a second, then builds more: frames must go on
// while it is blocked, and nothing it sent before or after may be lost.
import { createApp } from '@marquee/sdk';

const app = createApp();
const box = app.view({ width: 200, height: 200, backgroundColor: '#ff0000' });
app.root.append(box);

// Once frames are coming (the engine thread may still be compiling its module when the app's
// first timer is due), block the app thread.
let frames = 0;
requestAnimationFrame(function tick() {
  if (++frames < 3) {
    requestAnimationFrame(tick);
    return;
  }
  console.log('busy start');
  const end = Date.now() + 1000;
  while (Date.now() < end) {
    // The app thread is stuck: a long synchronous handler, a slow garbage collection.
  }
  console.log('busy end');
  for (let i = 0; i < 50; i++) box.append(app.view({ width: 4, height: 4, backgroundColor: '#00ff00' }));
});
