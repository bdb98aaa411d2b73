// A key handler that never returns: the interrupt handler must stop it, and the app must go on.
import { createApp } from '@marquee/sdk';

const app = createApp();
app.on('key', () => {
  console.log('spinning');
  // Due at once, but it can only run once the handler is stopped: the app goes on after that.
  setTimeout(() => console.log('alive'), 0);
  for (;;) {
    // Stuck for good.
  }
});
app.on('key', () => console.log('never reached: the interrupt ends the whole delivery'));
