// A row of three tiles with margins, padding and borders, for the debug overlay's inspector:
// once laid out, the app logs each tile's box as the engine's `query-layout` answers it.
import { createApp } from '@marquee/sdk';

const app = createApp();
const row = app.view({ flexDirection: 'row', columnGap: 16, paddingLeft: 40, marginTop: 30, focusGroup: 'row' });
const tiles = [];
for (let i = 0; i < 3; i++) {
  const tile = app.view({
    width: 160,
    height: 90,
    marginRight: 8 * i,
    paddingTop: 6,
    borderWidth: 3,
    borderColor: '#334455',
    backgroundColor: '#223344',
    focusable: 'yes',
    focusDuration: 0,
  });
  tile.stateStyle('focused', { backgroundColor: '#ffffff' });
  row.append(tile);
  tiles.push(tile);
}
app.root.append(row);

let frames = 0;
requestAnimationFrame(function tick() {
  if (++frames < 3) {
    requestAnimationFrame(tick);
    return;
  }
  for (const tile of tiles) {
    tile.layout().then((b) => console.log(`layout ${tile.id}: ${b.x} ${b.y} ${b.width} ${b.height}`));
  }
});
