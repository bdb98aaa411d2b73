// A focused tile that logs what is typed on it: text input from the host's keyboard reaches the
// app as `text` events, one per character, beside the remote's keys.
import { createApp } from '@marquee/sdk';

const app = createApp();
const tile = app.view({ width: 100, height: 100, backgroundColor: '#336699', focusable: 'yes' });
app.root.append(tile);
app.on('text', (e) => console.log(`typed ${e.text} on ${e.target === tile.id ? 'the tile' : e.target}`));
app.on('key', (e) => console.log(`key ${e.key} ${e.action}`));
// The last character the test types: the tile changes, so the test sees the app has seen it all.
app.on('text', (e) => {
  if (e.text === '😀') tile.set('backgroundColor', '#ffffff');
});
