// The Marquee demo: a streaming service's home page built with the SDK.
//
// A navigation bar, a hero with a backdrop and a synopsis, and rails of posters in a page that
// scrolls; the last rail, the archive, holds 5,000 episodes in a window of 25 tiles. Text is set
// in Inter (the app's fonts are in `assets/fonts`); posters are JPEGs in `assets/posters` that
// the engine asks the host for when they come into view, showing the title's colour until they
// arrive and fading them in.
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
//
// The yellow key (F3 on a keyboard) switches the page's language, English or Arabic: in Arabic
// the page reads right to left (its root's `direction`), rails scroll from the right and the
// arrows follow. The language is kept in localStorage too.

import { createApp } from '@marquee/sdk';
import { fetchCatalogue, OFFLINE } from './catalogue.js';
import { LANGUAGES, buildPage } from './page.js';

const app = createApp();

const RAIL_KEY = 'demo.rail';
const LANGUAGE_KEY = 'demo.language';
// Dates in the device's language (navigator.language); release dates are days, kept in UTC.
const RELEASED = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeZone: 'UTC' });

/** What the page shows: the bundled catalogue until the API's arrives (`updated` set). */
let catalogue = { ...OFFLINE, updated: null };
/** The page's language: the one chosen last time, else English. */
const storedLanguage = localStorage.getItem(LANGUAGE_KEY);
let language = LANGUAGES.includes(storedLanguage) ? storedLanguage : 'en';
let ui;

function build() {
  ui = { ...buildPage(app, catalogue, language), opened: null };
  app.root.append(ui.root);

  // Focus starts on the rail the viewer was on last time, if this catalogue has it.
  const stored = localStorage.getItem(RAIL_KEY);
  const rail = stored === null ? -1 : Number(stored);
  if (Number.isInteger(rail) && ui.firsts[rail]) ui.firsts[rail].focus();
}

function openDetails(tileId) {
  const { item } = ui.tiles.get(tileId);
  ui.opened = tileId;
  ui.panel.set('backgroundColor', item.colour);
  ui.poster.src(item.poster);
  ui.heading.text(item.title);
  ui.released.text(ui.words.released(RELEASED.format(Date.parse(item.released))));
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
  if (key === 'yellow') switchLanguage();
});

/** The page again in the next language, focus on the rail it was on. */
function switchLanguage() {
  language = LANGUAGES[(LANGUAGES.indexOf(language) + 1) % LANGUAGES.length];
  try {
    localStorage.setItem(LANGUAGE_KEY, language);
  } catch (e) {
    console.warn(`cannot remember the language: ${e.message}`);
  }
  rebuild();
}

/** The page built again (a new catalogue, a new language): the old one goes, with its focus. */
function rebuild() {
  if (ui.opened !== null) closeDetails();
  ui.root.destroy();
  build();
}

app.on('focus', ({ to }) => {
  const rail = ui.tiles.get(to)?.rail;
  // The archive (rail null) is not remembered: its tiles change episodes as it scrolls.
  if (rail == null || String(rail) === localStorage.getItem(RAIL_KEY)) return;
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
  catalogue = data;
  rebuild();
});
