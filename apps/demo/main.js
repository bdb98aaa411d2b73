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
//
// The catalogue comes from an HTTP API (`tools/api.mjs`; config.js says where). The page is
// built at once from the copy bundled with the app, marked "Offline catalogue", and built again
// from the API's when it arrives, marked with the time it was updated; when the API cannot be
// reached it stays as it is. The last rail the viewer focused is kept in localStorage, and focus
// starts there next time. Dates are written in the device's language with Intl.

import { createApp } from '@marquee/sdk';
import { checkCatalogue, OFFLINE } from './catalogue.js';
import { CATALOGUE_URL } from './config.js';

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

const RAIL_KEY = 'demo.rail';
// Dates in the device's language (navigator.language); release dates are days, kept in UTC.
const RELEASED = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeZone: 'UTC' });
const UPDATED = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

/** What the page shows: the bundled catalogue until the API's arrives (`updated` set). */
let catalogue = { ...OFFLINE, updated: null };
let ui;

function build() {
  const { hero: featured, rails, updated } = catalogue;
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
  // Where the catalogue came from, at the nav's far end.
  nav.append(
    app.view({ flexGrow: 1 }),
    app
      .text(label(14, 400, updated ? '#ffffff99' : '#f5c518'))
      .text(updated ? `Updated ${UPDATED.format(Date.parse(updated))}` : 'Offline catalogue'),
  );

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
    backgroundColor: featured.colour,
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
      .src(featured.backdrop),
    app
      .text(label(40, 700, '#ffffff', { maxLines: 1, textOverflow: 'ellipsis', width: 520 * unit }))
      .text(featured.title),
    // Wrapped to three lines, ending in an ellipsis.
    app
      .text(label(16, 400, '#ffffffcc', { width: 520 * unit, lineHeight: 1.35, maxLines: 3, textOverflow: 'ellipsis' }))
      .text(featured.synopsis),
    play,
  );
  page.append(hero);

  const tiles = new Map();
  const firsts = [];
  for (const [r, rail] of rails.entries()) {
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
      tiles.set(tile.id, { tile, item, index: i, rail: r });
      if (i === 0) firsts.push(tile);
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
  const released = app.text(label(16, 400, '#ffffffcc'));
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
    released,
    close,
  );
  details.append(panel);

  root.append(nav, page, details);
  app.root.append(root);
  ui = { root, details, panel, poster, heading, released, close, tiles, opened: null };

  // Focus starts on the rail the viewer was on last time, if this catalogue has it.
  const stored = localStorage.getItem(RAIL_KEY);
  const rail = stored === null ? -1 : Number(stored);
  if (Number.isInteger(rail) && firsts[rail]) firsts[rail].focus();
}

/** The API's catalogue, or null (and why, logged) when it cannot be had. */
async function fetchCatalogue() {
  try {
    const reply = await fetch(CATALOGUE_URL, { signal: AbortSignal.timeout(5000) });
    if (!reply.ok) throw new Error(`HTTP ${reply.status}`);
    const data = checkCatalogue(await reply.json());
    console.log(`catalogue: ${data.rails.length} rails from ${CATALOGUE_URL}, updated ${data.updated}`);
    return data;
  } catch (e) {
    console.log(`catalogue: the offline one (${CATALOGUE_URL}: ${e.message})`);
    return null;
  }
}

function openDetails(tileId) {
  const { item } = ui.tiles.get(tileId);
  ui.opened = tileId;
  ui.panel.set('backgroundColor', item.colour);
  ui.poster.src(item.poster);
  ui.heading.text(item.title);
  ui.released.text(`Released ${RELEASED.format(Date.parse(item.released))}`);
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

app.on('focus', ({ to }) => {
  const rail = ui.tiles.get(to)?.rail;
  if (rail === undefined || String(rail) === localStorage.getItem(RAIL_KEY)) return;
  try {
    localStorage.setItem(RAIL_KEY, String(rail));
  } catch (e) {
    console.warn(`cannot remember the rail: ${e.message}`);
  }
});

app.on('command-error', (e) => console.error(`command rejected: ${JSON.stringify(e)}`));
app.on('image-failed', ({ id, reason }) => console.warn(`image on node ${id} failed: ${reason}`));

// The engine was replaced after a failure: the scene is gone, build it again.
app.on('engine-reset', ({ reason }) => {
  console.warn(`engine restarted (${reason}); rebuilding`);
  build();
});

build();
fetchCatalogue().then((data) => {
  if (data === null) return;
  // The page again, from the API's catalogue: the old one goes, with its focus.
  if (ui.opened !== null) closeDetails();
  ui.root.destroy();
  catalogue = data;
  build();
});
