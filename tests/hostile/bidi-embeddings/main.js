// A title from catalogue data: 63 right-to-left embeddings before the text. cosmic-text 0.19
// panics laying it out ("Level error: OutOfRangeNumber"), which ended the host (exit 134).
import { createApp } from '@marquee/sdk';

const app = createApp();
const title = '\u202b'.repeat(63) + 'abc';
app.root.append(
  app.text({ fontSize: 32, color: '#ffffff' }).text(title),
  app.text({ fontSize: 32, color: '#ffffff' }).text('\u2067'.repeat(300) + 'isolates' + '\u2069'.repeat(300)),
  app.text({ fontSize: 32, color: '#ffffff' }).text('after the hostile titles'),
);
app.on('layout', () => {});
setTimeout(() => console.log('still running'), 100);
