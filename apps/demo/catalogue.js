// The demo's catalogue: a hero and rails of titles. Every title has a poster in
// `assets/posters/` (drawn by `tools/posters.py`), a colour shown while it loads and a release
// date (ISO 8601, a day in UTC).
//
// The app asks the catalogue API for it at start (`fetchCatalogue`; `tools/api.mjs` serves this
// one with the time it was served); this copy, bundled with the app, is what it shows until then
// and when the API cannot be reached.

import { CATALOGUE_URL } from './config.js';

export const HERO = {
  title: 'The Lighthouse Keeper',
  synopsis:
    'On a rock at the edge of the charts, a keeper who has not spoken to anyone in eleven years finds a ' +
    "stranger washed up below the lamp, and a logbook in the stranger's hand that records storms which " +
    'have not happened yet. As the winter closes in, the two of them must decide whether to warn the ' +
    'mainland, and what it will cost them to be believed.',
  backdrop: 'assets/posters/hero.jpg',
  colour: '#23395b',
};

const RAILS = [
  [
    'Trending now',
    [
      'Northern Lights',
      'Paper Moon',
      'The Long Field',
      'Signal Lost',
      'Harbour Street',
      'Red Meridian',
      'Glass Houses',
      'Night Shift',
      'Saltwater',
      'The Quiet Year',
      'Copper Sky',
      'Last Orders',
    ],
  ],
  [
    'New releases',
    ['Afterglow', 'Low Tide', 'Orbit', 'Wildflower', 'The Cartographer', 'Static', 'Midsummer', 'Iron Bridge'],
  ],
  [
    'Because you watched The Lighthouse Keeper',
    [
      'Deep Water',
      'Fog Bank',
      'The Ferryman',
      'Undertow',
      'North Sea',
      'Storm Warning',
      'Driftwood',
      'Beacon',
      'Cold Front',
      'The Tidekeeper',
    ],
  ],
  ['Documentaries', ['Planet of Ice', 'The Bee Year', 'Rivers', 'Inside the Orchestra', 'Night Markets']],
  [
    'Kids & family',
    [
      'Captain Puddle',
      'Robo Pals',
      'The Dragon Next Door',
      'Moon Bakery',
      'Tiny Giants',
      'Lost Socks',
      'Space Cadets',
      'Penguin Parade',
      'The Kite Club',
    ],
  ],
];

const PALETTES = [
  [
    '#e4572e',
    '#f3a712',
    '#a8c686',
    '#669bbc',
    '#29335c',
    '#db2b39',
    '#f0cea0',
    '#4b3f72',
    '#119da4',
    '#ffc857',
    '#e9724c',
    '#481d24',
  ],
  ['#2ec4b6', '#cbf3f0', '#ff9f1c', '#ffbf69', '#3a86ff', '#8338ec', '#ff006e', '#fb5607'],
  ['#264653', '#2a9d8f', '#e9c46a', '#f4a261', '#e76f51', '#6d597a', '#b56576', '#eaac8b', '#355070', '#e56b6f'],
  ['#606c38', '#283618', '#fefae0', '#dda15e', '#bc6c25'],
  ['#03045e', '#023e8a', '#0077b6', '#0096c7', '#00b4d8', '#48cae4', '#90e0ef', '#ade8f4', '#caf0f8'],
];

// One title a week, the newest first, so the dates are the same on every run.
const NEWEST = Date.UTC(2026, 10, 20);
const WEEK = 7 * 24 * 3600 * 1000;

let next = 0;
const CATALOGUE = RAILS.map(([name, titles], r) => ({
  name,
  tiles: titles.map((title, i) => {
    next += 1;
    return {
      title,
      colour: PALETTES[r][i],
      poster: `assets/posters/${String(next).padStart(2, '0')}.jpg`,
      released: new Date(NEWEST - (next - 1) * WEEK).toISOString().slice(0, 10),
    };
  }),
}));

/** The catalogue bundled with the app, in the API's shape (less `updated`). */
export const OFFLINE = { hero: HERO, rails: CATALOGUE };

const COLOUR = /^#[0-9a-f]{6}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
// Posters are the app's own files: the engine loads images from the app, not from the network.
const POSTER = /^assets\/posters\/[\w.-]+\.(jpg|png)$/;

/**
 * Checks a catalogue the API sent (parsed JSON) and returns it; throws a TypeError naming the
 * first thing wrong, so a malformed reply leaves the page on the offline catalogue.
 */
export function checkCatalogue(data) {
  const fail = (what) => {
    throw new TypeError(`catalogue: ${what}`);
  };
  const text = (v, what, max = 2000) => (typeof v === 'string' && v.length > 0 && v.length <= max) || fail(what);
  if (typeof data !== 'object' || data === null) fail('not an object');
  if (typeof data.updated !== 'string' || Number.isNaN(Date.parse(data.updated))) fail('updated is not a time');
  const { hero, rails } = data;
  if (typeof hero !== 'object' || hero === null) fail('no hero');
  text(hero.title, 'the hero has no title', 200);
  text(hero.synopsis, 'the hero has no synopsis');
  (typeof hero.backdrop === 'string' && POSTER.test(hero.backdrop)) || fail('the hero has no backdrop');
  COLOUR.test(hero.colour) || fail('the hero has no colour');
  if (!Array.isArray(rails) || rails.length === 0 || rails.length > 50) fail('rails is not a list of 1 to 50');
  rails.forEach((rail, r) => {
    text(rail?.name, `rail ${r} has no name`, 200);
    if (!Array.isArray(rail.tiles) || rail.tiles.length === 0 || rail.tiles.length > 100) {
      fail(`rail ${r} has no tiles, or over 100`);
    }
    rail.tiles.forEach((tile, i) => {
      const at = `rail ${r} tile ${i}`;
      text(tile?.title, `${at} has no title`, 200);
      COLOUR.test(tile.colour) || fail(`${at} has no colour`);
      (typeof tile.poster === 'string' && POSTER.test(tile.poster)) || fail(`${at} has no poster`);
      (DAY.test(tile.released) && !Number.isNaN(Date.parse(tile.released))) || fail(`${at} has no release date`);
    });
  });
  return data;
}

/** The API's catalogue, or null (and why, logged) when it cannot be had. */
export async function fetchCatalogue() {
  // A timeout cleared once the reply is in, not AbortSignal.timeout's: that timer waits out its
  // five seconds whatever happened, and keeps the app busy (a run that stops when the app is idle
  // would stop when the timer went, after however many frames this machine drew by then).
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error('no reply in 5 s')), 5000);
  try {
    const reply = await fetch(CATALOGUE_URL, { signal: abort.signal });
    if (!reply.ok) throw new Error(`HTTP ${reply.status}`);
    const data = checkCatalogue(await reply.json());
    console.log(`catalogue: ${data.rails.length} rails from ${CATALOGUE_URL}, updated ${data.updated}`);
    return data;
  } catch (e) {
    console.log(`catalogue: the offline one (${CATALOGUE_URL}: ${e.message})`);
    return null;
  } finally {
    clearTimeout(timer);
  }
}
