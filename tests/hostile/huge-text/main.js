// Six text nodes near the largest font size the protocol allows (4096 px): every glyph was
// rasterized and cached at that size, 2.17 GB and 1.1 s frames. Glyphs over 1024 px on screen
// are no longer rasterized, and the glyph cache is bounded.
import { createApp } from '@marquee/sdk';

const app = createApp();
const words = ['Marquee', 'Hostile', 'Glyphs', 'Bounded', 'Memory', 'Frames'];
for (const [i, word] of words.entries()) {
  app.root.append(app.text({ position: 'absolute', left: 0, top: i * 40, fontSize: 4000 - i * 10, color: '#ffffff' }).text(word));
}
app.root.append(app.text({ fontSize: 900, color: '#ffffff' }).text('ABCDEFGHIJKLMNOPQRSTUVWXYZ'));
setTimeout(() => console.log('still running'), 200);
