// `lineHeight: 0` is valid in the protocol (0–100) and in CSS; cosmic-text 0.19 asserts that a
// line height is not 0, which ended the host. So does a font size the engine scales to zero.
import { createApp } from '@marquee/sdk';

const app = createApp();
app.root.append(
  app.text({ fontSize: 24, lineHeight: 0, color: '#ffffff' }).text('two\nlines on top of each other'),
  app.text({ fontSize: 24, color: '#ffffff', scaleX: 0, scaleY: 0 }).text('scaled to nothing'),
);
setTimeout(() => console.log('still running'), 100);
