// Easings with extreme but valid parameters: their curves leave f32 (a cubic-bézier) or any
// screen (a spring). The values once reached the raster, which refused every later frame ("bad
// value in op") while the report counted them as drawn. Now each animation ends on its target
// and tells the app it did not finish.
import { createApp } from '@marquee/sdk';

const app = createApp();
const a = app.view({ width: 100, height: 100, backgroundColor: '#ff0000' });
const b = app.view({ width: 100, height: 100, backgroundColor: '#00ff00' });
app.root.append(a, b);
setTimeout(async () => {
  const ends = await Promise.all([
    a.animate({ scaleX: 2 }, { duration: 1000, easing: 'spring(1e-30,0,1e30,1e30)' }),
    b.animate({ translateX: 100 }, { duration: 1000, easing: 'cubic-bezier(0.5,3e38,0.5,3e38)' }),
  ]);
  console.log(`animations ended, finished: ${ends.map((e) => e.finished).join(' ')}`);
}, 50);
