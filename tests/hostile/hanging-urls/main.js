// 5,000 image URLs on a server that accepts and never answers, then one of the app's own
// assets. Two shared loader workers served loads in order: the asset waited behind the hanging
// fetches (over 25 s). Now the app's files have workers of their own and one origin holds at
// most two of the HTTP workers.
import { createApp } from '@marquee/sdk';
import { HANGING } from './server.js';

const app = createApp();
const row = app.view({ flexDirection: 'row', flexWrap: 'wrap', width: 1280 });
for (let i = 0; i < 5000; i++) row.append(app.image({ width: 8, height: 8, fadeInDuration: 0 }).src(`${HANGING}/poster-${i}.jpg`));
app.root.append(row);
setTimeout(() => {
  const local = app.image({ width: 16, height: 16, fadeInDuration: 0 }).src('assets/local.png');
  app.root.append(local);
  const asked = performance.now();
  app.on('image-loaded', ({ id }) => {
    if (id === local.id) console.log(`the local asset loaded ${Math.round(performance.now() - asked)} ms after it was asked for`);
  });
}, 100);
