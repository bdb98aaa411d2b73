// 5,000 different images in one scrolling grid, all in the scene at once: 1.16 GB of decoded
// pixels. The engine's texture budget releases the ones out of view, and the host's cap holds
// whatever the scene.
import { createApp } from '@marquee/sdk';

const app = createApp();
const grid = app.view({ flexDirection: 'row', flexWrap: 'wrap', width: 640 });
for (let i = 0; i < 5000; i++) {
  grid.append(app.image({ width: 5, height: 5, placeholderColor: '#202020', fadeInDuration: 0 }).src(`assets/poster-${i}.png`));
}
app.root.append(grid);
let done = 0;
const tally = new Map();
const count = (what) => {
  tally.set(what, (tally.get(what) ?? 0) + 1);
  if (++done === 5000) console.log(`images: ${[...tally].map(([k, v]) => `${v} ${k}`).join(', ')}`);
};
app.on('image-loaded', () => count('loaded'));
app.on('image-failed', ({ reason }) => count(reason));
