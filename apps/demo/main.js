// The Marquee demo: a streaming service's home page built with the SDK.
//
// A navigation bar, a hero with a backdrop and a synopsis, and rails of posters in a page that
// scrolls. Text is set in Inter (the app's fonts are in `assets/fonts`); posters are JPEGs in
// `assets/posters` that the engine asks the host for when they come into view, showing the
// title's colour until they arrive and fading them in.
//
// Focus lives in the engine: the app only declares what is focusable, how it groups (the nav
// and each rail are rows, the page a column) and how a focused tile looks. The engine moves
// focus on the arrows, zooms and rings the tile, and scrolls the rail and the page, without a
// round trip through this thread. The app hears the keys focus does not use: Enter on a tile
// opens a details overlay (a focus trap), Back closes it and focus returns to the tile.

import { createApp } from '@marquee/sdk';
import { CATALOGUE, HERO } from './catalogue.js';

const app = createApp();
const { height } = app.viewport;
const unit = height / 720; // designed at 720p, scaled to the surface

const TILE_W = Math.round(240 * unit);
const TILE_H = Math.round(136 * unit);
const GAP = Math.round(20 * unit);
const SIDE = Math.round(64 * unit);
const ZOOM_ROOM = Math.round(12 * unit); // room above and below a tile for its zoom and ring

/** Covers its parent's box. */
const FILL = { position: 'absolute', left: 0, top: 0, width: '100%', height: '100%' };
const label = (size, weight, color, more = {}) => ({ fontSize: size * unit, fontWeight: weight, color, ...more });
const round = (r) => ({
  borderTopLeftRadius: r,
  borderTopRightRadius: r,
  borderBottomLeftRadius: r,
  borderBottomRightRadius: r,
});

let ui;

function build() {
  const root = app.view({ width: '100%', height: '100%', flexDirection: 'column', backgroundColor: '#0b0e14' });

  const nav = app.view({
    flexDirection: 'row',
    height: 72 * unit,
    flexShrink: 0,
    paddingLeft: SIDE,
    paddingRight: SIDE,
    alignItems: 'center',
    columnGap: 20 * unit,
    focusGroup: 'row',
  });
  nav.append(
    app.text(label(26, 800, '#1fb6ff', { marginRight: 24 * unit, letterSpacing: -0.5 * unit })).text('marquee'),
  );
  for (const name of ['Home', 'Movies', 'Series', 'Kids', 'My list']) {
    const item = app.view({
      height: 36 * unit,
      paddingLeft: 14 * unit,
      paddingRight: 14 * unit,
      justifyContent: 'center',
      alignItems: 'center',
      focusable: 'yes',
      ...round(18 * unit),
    });
    item.append(app.text(label(17, 400, '#ffffffcc')).text(name));
    item.stateStyle('focused', { backgroundColor: '#ffffff33', scaleX: 1.08, scaleY: 1.08 });
    nav.append(item);
  }

  // The page scrolls under the nav; the focused row is brought to its top.
  const page = app.view({
    flexGrow: 1,
    flexDirection: 'column',
    overflow: 'scroll',
    scrollAlign: 'start',
    scrollDuration: 280,
    focusGroup: 'column',
    transitionEasing: 'ease-out',
  });

  const hero = app.view({
    height: 300 * unit,
    flexShrink: 0,
    marginLeft: SIDE,
    marginRight: SIDE,
    marginBottom: 16 * unit,
    backgroundColor: HERO.colour,
    overflow: 'clip',
    flexDirection: 'column',
    justifyContent: 'flex-end',
    paddingLeft: 40 * unit,
    paddingBottom: 36 * unit,
    rowGap: 12 * unit,
    ...round(16 * unit),
  });
  const play = app.view({
    width: 140 * unit,
    height: 40 * unit,
    marginTop: 8 * unit,
    backgroundColor: '#f5c518',
    focusable: 'yes',
    borderColor: '#00000000',
    borderWidth: 3 * unit,
    justifyContent: 'center',
    alignItems: 'center',
    ...round(20 * unit),
  });
  play.append(app.text(label(17, 700, '#111111')).text('Play'));
  play.stateStyle('focused', { borderColor: '#ffffffff', scaleX: 1.08, scaleY: 1.08 });
  hero.append(
    app
      .image({
        position: 'absolute',
        right: 0,
        top: 0,
        width: '50%',
        height: '100%',
        objectFit: 'cover',
        placeholderColor: '#406e8e',
        fadeInDuration: 300,
      })
      .src(HERO.backdrop),
    app.text(label(40, 700, '#ffffff', { maxLines: 1, textOverflow: 'ellipsis', width: 520 * unit })).text(HERO.title),
    // Wrapped to three lines, ending in an ellipsis.
    app
      .text(label(16, 400, '#ffffffcc', { width: 520 * unit, lineHeight: 1.35, maxLines: 3, textOverflow: 'ellipsis' }))
      .text(HERO.synopsis),
    play,
  );
  page.append(hero);

  const tiles = new Map();
  for (const rail of CATALOGUE) {
    const block = app.view({ flexDirection: 'column', flexShrink: 0, rowGap: 4 * unit, paddingTop: 8 * unit });
    const title = app.text(label(20, 700, '#ffffffdd', { marginLeft: SIDE })).text(rail.name);
    // Each rail scrolls sideways on its own, keeping the focused tile at the left margin.
    const track = app.view({
      flexDirection: 'row',
      columnGap: GAP,
      paddingLeft: SIDE,
      paddingRight: SIDE,
      paddingTop: ZOOM_ROOM,
      paddingBottom: ZOOM_ROOM,
      overflow: 'scroll',
      scrollAlign: 'start',
      scrollDuration: 240,
      focusGroup: 'row',
      transitionEasing: 'ease-out',
    });
    rail.tiles.forEach((item, i) => {
      const tile = app.view({
        width: TILE_W,
        height: TILE_H,
        flexShrink: 0,
        backgroundColor: item.colour,
        borderColor: '#00000000',
        borderWidth: 4 * unit,
        focusable: 'yes',
        focusDuration: 160,
        overflow: 'clip',
        flexDirection: 'column',
        justifyContent: 'flex-end',
        ...round(10 * unit),
      });
      tile.stateStyle('focused', { borderColor: '#ffffffff', scaleX: 1.06, scaleY: 1.06, zIndex: 1 });
      tile.append(
        app.image({ ...FILL, objectFit: 'cover', placeholderColor: item.colour }).src(item.poster),
        app.view({
          position: 'absolute',
          left: 0,
          bottom: 0,
          width: '100%',
          height: '50%',
          backgroundColor: '#00000080',
        }),
        app
          .text(
            label(18, 700, '#ffffff', {
              marginLeft: 12 * unit,
              marginRight: 12 * unit,
              marginBottom: 8 * unit,
              maxLines: 2,
              textOverflow: 'ellipsis',
              lineHeight: 1.1,
            }),
          )
          .text(item.title),
      );
      tiles.set(tile.id, { tile, item, index: i });
      track.append(tile);
    });
    block.append(title, track);
    page.append(block);
  }

  // Details: an overlay that traps focus on its close button until Back.
  const details = app.view({
    ...FILL,
    backgroundColor: '#000000cc',
    display: 'none',
    justifyContent: 'center',
    alignItems: 'center',
    focusGroup: 'row',
    focusTrap: 'yes',
  });
  const panel = app.view({
    width: 640 * unit,
    height: 360 * unit,
    backgroundColor: '#1c2430',
    flexDirection: 'column',
    justifyContent: 'flex-end',
    paddingLeft: 32 * unit,
    paddingBottom: 32 * unit,
    rowGap: 16 * unit,
    overflow: 'clip',
    ...round(18 * unit),
  });
  const poster = app.image({ ...FILL, objectFit: 'cover', fadeInDuration: 150 });
  const heading = app.text(label(34, 700, '#ffffff', { width: 560 * unit, maxLines: 2, textOverflow: 'ellipsis' }));
  const close = app.view({
    width: 120 * unit,
    height: 40 * unit,
    backgroundColor: '#ffffff',
    focusable: 'yes',
    justifyContent: 'center',
    alignItems: 'center',
    ...round(20 * unit),
  });
  close.append(app.text(label(17, 700, '#111111')).text('Close'));
  panel.append(
    poster,
    app.view({ position: 'absolute', left: 0, bottom: 0, width: '100%', height: '60%', backgroundColor: '#000000a0' }),
    heading,
    close,
  );
  details.append(panel);

  root.append(nav, page, details);
  app.root.append(root);
  ui = { details, panel, poster, heading, close, tiles, opened: null };
}

function openDetails(tileId) {
  const { item } = ui.tiles.get(tileId);
  ui.opened = tileId;
  ui.panel.set('backgroundColor', item.colour);
  ui.poster.src(item.poster);
  ui.heading.text(item.title);
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
app.on('image-failed', ({ id, reason }) => console.warn(`image on node ${id} failed: ${reason}`));

// The engine was replaced after a failure: the scene is gone, build it again.
app.on('engine-reset', ({ reason }) => {
  console.warn(`engine restarted (${reason}); rebuilding`);
  build();
});

build();
