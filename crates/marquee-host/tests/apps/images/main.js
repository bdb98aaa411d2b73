// Image nodes whose sources fail in every way a device meets, next to one that loads: each is
// reported to the app with its reason and keeps showing its placeholder colour.
import { createApp } from '@marquee/sdk';

const app = createApp();
const sources = [
  ['assets/photo.jpg', '#ff0000'],
  ['assets/corrupt.png', '#00ff00'],
  ['assets/truncated.jpg', '#0000ff'],
  ['assets/bomb.png', '#ffff00'],
  ['http://127.0.0.1:1/poster.jpg', '#00ffff'],
  ['assets/missing.png', '#ff00ff'],
  ['../outside.png', '#ffffff'],
  ['assets/text.png', '#808080'],
];
const row = app.view({ flexDirection: 'row', flexWrap: 'wrap' });
const names = new Map();
for (const [src, colour] of sources) {
  const node = app.image({ width: 64, height: 48, objectFit: 'fill', placeholderColor: colour, fadeInDuration: 0 }).src(src);
  names.set(node.id, src);
  row.append(node);
}
app.root.append(row);
app.on('image-loaded', ({ id, width, height }) => console.log(`loaded ${names.get(id)} ${width}x${height}`));
app.on('image-failed', ({ id, reason }) => console.log(`failed ${names.get(id)} ${reason}`));
