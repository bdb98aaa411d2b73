// The Marquee demo: a streaming service's home page built with the SDK.
//
// A navigation bar, a hero banner and rails of tiles in a page that scrolls. Text and posters
// arrive with their own issue; until then titles are bars and posters are coloured boxes.
//
// Focus lives in the engine: the app only declares what is focusable, how it groups (the nav
// and each rail are rows, the page a column) and how a focused tile looks. The engine moves
// focus on the arrows, zooms and rings the tile, and scrolls the rail and the page, without a
// round trip through this thread. The app hears the keys focus does not use: Enter on a tile
// opens a details overlay (a focus trap), Back closes it and focus returns to the tile.

import { createApp } from '@marquee/sdk';
import { CATALOGUE } from './catalogue.js';

const app = createApp();
const { height } = app.viewport;
const unit = height / 720; // designed at 720p, scaled to the surface

const TILE_W = Math.round(240 * unit);
const TILE_H = Math.round(136 * unit);
const GAP = Math.round(20 * unit);
const SIDE = Math.round(64 * unit);
const ZOOM_ROOM = Math.round(12 * unit); // room above and below a tile for its zoom and ring

const round = (r) => ({ borderTopLeftRadius: r, borderTopRightRadius: r, borderBottomLeftRadius: r, borderBottomRightRadius: r });

let ui;

function build() {
  const root = app.view({ width: '100%', height: '100%', flexDirection: 'column', backgroundColor: '#0b0e14' });

  const nav = app.view({
    flexDirection: 'row', height: 72 * unit, flexShrink: 0, paddingLeft: SIDE, paddingRight: SIDE, alignItems: 'center', columnGap: 20 * unit,
    focusGroup: 'row',
  });
  nav.append(app.view({ width: 120 * unit, height: 32 * unit, marginRight: 12 * unit, backgroundColor: '#1fb6ff', borderTopLeftRadius: 6 * unit, borderBottomRightRadius: 6 * unit }));
  for (const w of [64, 88, 72, 96, 56]) {
    const item = app.view({ width: (w + 24) * unit, height: 32 * unit, justifyContent: 'center', alignItems: 'center', focusable: 'yes', ...round(16 * unit) });
    item.append(app.view({ width: w * unit, height: 10 * unit, backgroundColor: '#ffffff99', ...round(5 * unit) }));
    item.stateStyle('focused', { backgroundColor: '#ffffff33', scaleX: 1.08, scaleY: 1.08 });
    nav.append(item);
  }

  // The page scrolls under the nav; the focused row is brought to its top.
  const page = app.view({ flexGrow: 1, flexDirection: 'column', overflow: 'scroll', scrollAlign: 'start', scrollDuration: 280, focusGroup: 'column', transitionEasing: 'ease-out' });

  const hero = app.view({
    height: 300 * unit, flexShrink: 0, marginLeft: SIDE, marginRight: SIDE, marginBottom: 16 * unit, backgroundColor: '#23395b',
    overflow: 'clip', flexDirection: 'column', justifyContent: 'flex-end', paddingLeft: 40 * unit, paddingBottom: 36 * unit, rowGap: 14 * unit,
    ...round(16 * unit),
  });
  const play = app.view({ width: 140 * unit, height: 40 * unit, marginTop: 8 * unit, backgroundColor: '#f5c518', focusable: 'yes', borderColor: '#00000000', borderWidth: 3 * unit, ...round(20 * unit) });
  play.stateStyle('focused', { borderColor: '#ffffffff', scaleX: 1.08, scaleY: 1.08 });
  hero.append(
    app.view({ position: 'absolute', right: 0, top: 0, width: '55%', height: '100%', backgroundColor: '#406e8e', opacity: 0.8 }),
    app.view({ width: 420 * unit, height: 36 * unit, backgroundColor: '#ffffff' }),
    app.view({ width: 560 * unit, height: 12 * unit, backgroundColor: '#ffffffaa' }),
    app.view({ width: 500 * unit, height: 12 * unit, backgroundColor: '#ffffffaa' }),
    play,
  );
  page.append(hero);

  const tiles = new Map();
  for (const rail of CATALOGUE) {
    const block = app.view({ flexDirection: 'column', flexShrink: 0, rowGap: 4 * unit, paddingTop: 8 * unit });
    const title = app.view({ width: rail.title * unit, height: 14 * unit, marginLeft: SIDE, backgroundColor: '#ffffff88' });
    // Each rail scrolls sideways on its own, keeping the focused tile at the left margin.
    const track = app.view({
      flexDirection: 'row', columnGap: GAP, paddingLeft: SIDE, paddingRight: SIDE, paddingTop: ZOOM_ROOM, paddingBottom: ZOOM_ROOM,
      overflow: 'scroll', scrollAlign: 'start', scrollDuration: 240, focusGroup: 'row', transitionEasing: 'ease-out',
    });
    rail.tiles.forEach((colour, i) => {
      const tile = app.view({
        width: TILE_W, height: TILE_H, flexShrink: 0, backgroundColor: colour, borderColor: '#00000000', borderWidth: 4 * unit,
        focusable: 'yes', focusDuration: 160, ...round(10 * unit),
      });
      tile.stateStyle('focused', { borderColor: '#ffffffff', scaleX: 1.06, scaleY: 1.06, zIndex: 1 });
      tiles.set(tile.id, { tile, colour, index: i });
      track.append(tile);
    });
    block.append(title, track);
    page.append(block);
  }

  // Details: an overlay that traps focus on its close button until Back.
  const details = app.view({
    position: 'absolute', left: 0, top: 0, width: '100%', height: '100%', backgroundColor: '#000000cc', display: 'none',
    justifyContent: 'center', alignItems: 'center', focusGroup: 'row', focusTrap: 'yes',
  });
  const panel = app.view({ width: 640 * unit, height: 360 * unit, backgroundColor: '#1c2430', flexDirection: 'column', justifyContent: 'flex-end', paddingLeft: 32 * unit, paddingBottom: 32 * unit, ...round(18 * unit) });
  const close = app.view({ width: 120 * unit, height: 40 * unit, backgroundColor: '#ffffff', focusable: 'yes', ...round(20 * unit) });
  panel.append(close);
  details.append(panel);

  root.append(nav, page, details);
  app.root.append(root);
  ui = { details, panel, close, tiles, opened: null };
}

function openDetails(tileId) {
  const tile = ui.tiles.get(tileId);
  ui.opened = tileId;
  ui.panel.set('backgroundColor', tile.colour);
  ui.details.style({ display: 'flex', opacity: 0 });
  ui.details.animate({ opacity: 1 }, { duration: 200, easing: 'ease-out' });
  ui.close.focus();
}

function closeDetails() {
  ui.details.set('display', 'none');
  // Hiding the overlay would send focus to the page's first tile; put it back where it was.
  ui.tiles.get(ui.opened).tile.focus();
  ui.opened = null;
}

app.on('key', ({ key, action, target }) => {
  if (action !== 'press') return;
  if (ui.opened !== null) {
    if (key === 'back' || key === 'enter') closeDetails();
    return;
  }
  if (key === 'enter' && ui.tiles.has(target)) openDetails(target);
});

app.on('command-error', (e) => console.error(`command rejected: ${JSON.stringify(e)}`));

// The engine was replaced after a failure: the scene is gone, build it again.
app.on('engine-reset', ({ reason }) => {
  console.warn(`engine restarted (${reason}); rebuilding`);
  build();
});

build();
