// A focused tile that logs what is typed on it: text input from the host's keyboard reaches the
// app as `text` events, one per character, beside the remote's keys. It says when its tile has
// focus (input reaches it from then on), and keeps asking for frames until the last character
// the tests type, so a run that ends when the app is idle waits for it.
import { createApp } from '@marquee/sdk';

const app = createApp();
const tile = app.view({ width: 100, height: 100, backgroundColor: '#336699', focusable: 'yes' });
app.root.append(tile);
app.on('focus', ({ to }) => to === tile.id && console.log('the tile has focus'));
app.on('text', (e) => console.log(`typed ${e.text} on ${e.target === tile.id ? 'the tile' : e.target}`));
app.on('key', (e) => console.log(`key ${e.key} ${e.action}`));
// The last character the tests type: the tile changes, so the test sees the app has seen it all.
let done = false;
app.on('text', (e) => {
  if (e.text !== '😀') return;
  done = true;
  tile.set('backgroundColor', '#ffffff');
});
const wait = () => done || requestAnimationFrame(wait);
wait();
