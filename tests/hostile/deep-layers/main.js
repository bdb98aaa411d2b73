// 250 nested views, each translucent and clipping: the raster made a canvas-sized layer and mask
// for each (1.15 GB, 2–4 s a frame). Past 16 layers and 32 clips the nesting is flattened.
import { createApp } from '@marquee/sdk';

const app = createApp();
let parent = app.root;
for (let i = 0; i < 250; i++) {
  const v = app.view({ opacity: 0.99, overflow: 'clip', paddingLeft: 1, paddingTop: 1, borderTopLeftRadius: 4, backgroundColor: '#10101010' });
  parent.append(v);
  parent = v;
}
parent.append(app.view({ width: 100, height: 100, backgroundColor: '#ffffff' }));
setTimeout(() => console.log('still running'), 200);
