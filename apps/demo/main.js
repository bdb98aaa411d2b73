// The Marquee demo: a streaming service's home page built with the SDK.
//
// A top navigation bar, a hero banner and rails of tiles. Text and posters arrive with their own
// issue; until then titles are bars and posters are coloured boxes. The remote moves a highlight
// over the tiles (arrows), opens a details panel (Enter) and closes it (Back). Focus lives here
// in the app for now; it moves into the engine with the focus issue.

import { createApp } from '@marquee/sdk';
import { CATALOGUE } from './catalogue.js';

const app = createApp();
const { width, height } = app.viewport;
const unit = height / 720; // designed at 720p, scaled to the surface

const TILE_W = Math.round(240 * unit);
const TILE_H = Math.round(136 * unit);
const GAP = Math.round(20 * unit);
const SIDE = Math.round(64 * unit);
const RAIL_GAP = Math.round(28 * unit);
const RAIL_H = Math.round(26 * unit) + TILE_H + RAIL_GAP; // title, its gap, tiles, gap to the next

let page;
let focus;

function build() {
  const root = app.view({ width: '100%', height: '100%', flexDirection: 'column', backgroundColor: '#0b0e14' });

  const nav = app.view({
    flexDirection: 'row', height: 72 * unit, flexShrink: 0, paddingLeft: SIDE, paddingRight: SIDE, alignItems: 'center', columnGap: 28 * unit,
  });
  nav.append(app.view({ width: 120 * unit, height: 32 * unit, backgroundColor: '#1fb6ff', borderTopLeftRadius: 6 * unit, borderBottomRightRadius: 6 * unit }));
  for (const [i, w] of [64, 88, 72, 96, 56].entries()) {
    nav.append(app.view({ width: w * unit, height: 12 * unit, backgroundColor: i === 0 ? '#ffffffff' : '#ffffff66', borderTopLeftRadius: 6 * unit, borderTopRightRadius: 6 * unit, borderBottomLeftRadius: 6 * unit, borderBottomRightRadius: 6 * unit }));
  }

  const hero = app.view({
    height: 280 * unit, flexShrink: 0, marginLeft: SIDE, marginRight: SIDE, marginBottom: 24 * unit, backgroundColor: '#23395b',
    borderTopLeftRadius: 16 * unit, borderTopRightRadius: 16 * unit, borderBottomLeftRadius: 16 * unit, borderBottomRightRadius: 16 * unit,
    overflow: 'clip', flexDirection: 'column', justifyContent: 'flex-end', paddingLeft: 40 * unit, paddingBottom: 36 * unit, rowGap: 14 * unit,
  });
  hero.append(
    app.view({ position: 'absolute', right: 0, top: 0, width: '55%', height: '100%', backgroundColor: '#406e8e', opacity: 0.8 }),
    app.view({ width: 420 * unit, height: 36 * unit, backgroundColor: '#ffffff' }),
    app.view({ width: 560 * unit, height: 12 * unit, backgroundColor: '#ffffffaa' }),
    app.view({ width: 500 * unit, height: 12 * unit, backgroundColor: '#ffffffaa' }),
    app.view({ width: 140 * unit, height: 40 * unit, marginTop: 8 * unit, backgroundColor: '#f5c518', borderTopLeftRadius: 20 * unit, borderTopRightRadius: 20 * unit, borderBottomLeftRadius: 20 * unit, borderBottomRightRadius: 20 * unit }),
  );

  // A clipping viewport over a column that slides up as focus moves down the page.
  const viewport = app.view({ flexGrow: 1, overflow: 'clip', paddingLeft: SIDE });
  const rails = app.view({ flexDirection: 'column', rowGap: RAIL_GAP, flexGrow: 1 });
  viewport.append(rails);
  const rows = CATALOGUE.map((rail) => {
    const block = app.view({ flexDirection: 'column', rowGap: 12 * unit });
    block.append(app.view({ width: rail.title * unit, height: 14 * unit, backgroundColor: '#ffffffcc' }));
    const track = app.view({ flexDirection: 'row', columnGap: GAP });
    const tiles = rail.tiles.map((colour) => {
      const tile = app.view({
        width: TILE_W, height: TILE_H, flexShrink: 0, backgroundColor: colour, borderColor: '#00000000', borderWidth: 4 * unit,
        borderTopLeftRadius: 10 * unit, borderTopRightRadius: 10 * unit, borderBottomLeftRadius: 10 * unit, borderBottomRightRadius: 10 * unit,
      });
      track.append(tile);
      return tile;
    });
    block.append(track);
    rails.append(block);
    return { track, tiles, offset: 0 };
  });

  const details = app.view({
    position: 'absolute', left: 0, top: 0, width: '100%', height: '100%', backgroundColor: '#000000cc', display: 'none',
    justifyContent: 'center', alignItems: 'center',
  });
  const panel = app.view({ width: 640 * unit, height: 360 * unit, backgroundColor: '#1c2430', borderTopLeftRadius: 18 * unit, borderTopRightRadius: 18 * unit, borderBottomLeftRadius: 18 * unit, borderBottomRightRadius: 18 * unit });
  details.append(panel);

  root.append(nav, hero, viewport, details);
  app.root.append(root);
  page = { root, rails, rows, details, panel, open: false };
  focus = { row: 0, col: 0 };
  paintFocus(true);
}

/** Rings the focused tile and slides its rail so the tile stays in view. */
function paintFocus(on) {
  const row = page.rows[focus.row];
  const tile = row.tiles[focus.col];
  tile.style({ borderColor: on ? '#ffffffff' : '#00000000', scaleX: on ? 1.06 : 1, scaleY: on ? 1.06 : 1, zIndex: on ? 1 : 0 });
  const visible = Math.max(1, Math.floor((width - SIDE) / (TILE_W + GAP)) - 1);
  const first = Math.min(Math.max(0, focus.col - visible + 1), Math.max(0, focus.col));
  if (on && first !== row.offset && (focus.col < row.offset || focus.col >= row.offset + visible)) {
    row.offset = first;
    row.track.set('translateX', -first * (TILE_W + GAP));
  }
}

function move(dRow, dCol) {
  const row = Math.min(Math.max(focus.row + dRow, 0), page.rows.length - 1);
  const col = Math.min(Math.max(focus.col + dCol, 0), page.rows[row].tiles.length - 1);
  if (row === focus.row && col === focus.col) return;
  paintFocus(false);
  if (row !== focus.row) page.rails.set('translateY', -Math.max(0, row - 1) * RAIL_H);
  focus = { row, col };
  paintFocus(true);
}

app.on('key', ({ key, action }) => {
  if (action === 'release') return;
  if (page.open) {
    if (key === 'back' || key === 'enter') {
      page.open = false;
      page.details.set('display', 'none');
    }
    return;
  }
  switch (key) {
    case 'left': return move(0, -1);
    case 'right': return move(0, 1);
    case 'up': return move(-1, 0);
    case 'down': return move(1, 0);
    case 'enter':
      page.open = true;
      page.panel.set('backgroundColor', CATALOGUE[focus.row].tiles[focus.col]);
      page.details.set('display', 'flex');
      return;
  }
});

app.on('command-error', (e) => console.error(`command rejected: ${JSON.stringify(e)}`));

// The engine was replaced after a failure: the scene is gone, build it again.
app.on('engine-reset', ({ reason }) => {
  console.warn(`engine restarted (${reason}); rebuilding`);
  build();
});

build();
