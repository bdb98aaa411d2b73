// Two focusable tiles whose focused style the engine applies, then a thread stuck for two
// seconds: a key pressed meanwhile must still move focus in the very next frame.
import { createApp } from '@marquee/sdk';

const app = createApp();
const row = app.view({ flexDirection: 'row', columnGap: 20, focusGroup: 'row' });
for (let i = 0; i < 2; i++) {
  const tile = app.view({ width: 100, height: 100, backgroundColor: '#ff0000', focusable: 'yes', focusDuration: 0 });
  tile.stateStyle('focused', { backgroundColor: '#ffffff' });
  row.append(tile);
}
app.root.append(row);
app.on('key', (e) => console.log(`key reached the app: ${e.key}`));

// Once frames are coming (the engine thread may still be compiling its module when the app's
// first timer is due), block the app thread.
let frames = 0;
requestAnimationFrame(function tick() {
  if (++frames < 3) {
    requestAnimationFrame(tick);
    return;
  }
  console.log('busy start');
  const end = Date.now() + 2000;
  while (Date.now() < end) {
    // The app thread is stuck.
  }
  console.log('busy end');
});
