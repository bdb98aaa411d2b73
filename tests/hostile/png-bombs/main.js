// 60 PNG decompression bombs on screen at once: 65 KB files of 4096² pixels each, within the
// decode limits. They took the host to 3.7 GB, --texture-budget 64 notwithstanding. Now decoded
// images stay within twice the texture budget, those in view included: the first fit, the rest
// fail with `too-many-pixels` and keep their placeholders (which the summary names first depends
// on which loads won the race for the cap).
import { createApp } from '@marquee/sdk';

const app = createApp();
const row = app.view({ flexDirection: 'row', flexWrap: 'wrap' });
for (let i = 0; i < 60; i++) {
  row.append(app.image({ width: 32, height: 32, placeholderColor: '#ff00ff', fadeInDuration: 0 }).src(`assets/bomb-${i}.png`));
}
app.root.append(row);
const seen = new Map();
const count = (what) => {
  seen.set(what, (seen.get(what) ?? 0) + 1);
  if ([...seen.values()].reduce((a, b) => a + b) === 60) console.log(`images: ${[...seen].map(([k, v]) => `${v} ${k}`).join(', ')}`);
};
app.on('image-loaded', () => count('loaded'));
app.on('image-failed', ({ reason }) => count(reason));
