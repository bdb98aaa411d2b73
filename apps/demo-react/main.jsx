// The Marquee demo in React: the same page and behaviour as `apps/demo` (its scripted sessions
// match the same golden screenshots), written as components with @marquee/react.
//
// Focus stays in the engine: components declare what is focusable and how it groups, and no
// render happens when focus moves. React renders when the app's state changes: the catalogue
// arriving from the API, the details overlay opening and closing. Enter on a tile (`onSelect`)
// opens the overlay, which traps focus; Back or Enter closes it and focus returns to the tile.
// The rail last focused is kept in localStorage, and focus starts there next time. The yellow
// key switches the page between English and Arabic (right to left), kept in localStorage too.
// After an engine reset the renderer makes the scene again from the components, their state kept.

import { useLayoutEffect, useState } from 'react';
import { createApp } from '@marquee/sdk';
import { createRoot } from '@marquee/react';
import { OFFLINE, fetchCatalogue } from '@marquee/demo/catalogue';
import { LANGUAGES } from '@marquee/demo/page';
import { Page } from './page.jsx';

const app = createApp();
const RAIL_KEY = 'demo.rail';
const LANGUAGE_KEY = 'demo.language';

/** The rail the viewer was on last time, or -1. */
function storedRail() {
  const stored = localStorage.getItem(RAIL_KEY);
  const rail = stored === null ? -1 : Number(stored);
  return Number.isInteger(rail) ? rail : -1;
}

/** Remembers the rail focus arrived in, so the next start begins there. */
function rememberRail(index) {
  if (String(index) === localStorage.getItem(RAIL_KEY)) return;
  try {
    localStorage.setItem(RAIL_KEY, String(index));
  } catch (e) {
    console.warn(`cannot remember the rail: ${e.message}`);
  }
}

/** The language chosen last time, else English. */
function storedLanguage() {
  const stored = localStorage.getItem(LANGUAGE_KEY);
  return LANGUAGES.includes(stored) ? stored : 'en';
}

/** The next language, remembered for the next start. */
function nextLanguage(language) {
  const next = LANGUAGES[(LANGUAGES.indexOf(language) + 1) % LANGUAGES.length];
  try {
    localStorage.setItem(LANGUAGE_KEY, next);
  } catch (e) {
    console.warn(`cannot remember the language: ${e.message}`);
  }
  return next;
}

/** The catalogue: the bundled one until the API's arrives (`updated` set); the page's language. */
function Demo() {
  const [catalogue, setCatalogue] = useState({ ...OFFLINE, updated: null });
  const [language, setLanguage] = useState(storedLanguage);
  useLayoutEffect(() => {
    fetchCatalogue().then((data) => data && setCatalogue(data));
  }, []);
  // A new catalogue or language is a new page: the old one goes, with its focus and any open
  // overlay, as the SDK demo builds its page again.
  return (
    <Page
      key={`${catalogue.updated ?? 'offline'} ${language}`}
      catalogue={catalogue}
      language={language}
      startRail={storedRail()}
      onRail={rememberRail}
      onLanguageKey={() => setLanguage(nextLanguage(language))}
    />
  );
}

app.on('command-error', (e) => console.error(`command rejected: ${JSON.stringify(e)}`));
app.on('image-failed', ({ id, reason }) => console.warn(`image on node ${id} failed: ${reason}`));
app.on('engine-reset', ({ reason }) => console.warn(`engine restarted (${reason}); the scene is made again`));

createRoot(app).render(<Demo />);
