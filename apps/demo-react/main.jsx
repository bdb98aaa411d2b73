// The Marquee demo in React: the same page and behaviour as `apps/demo` (its scripted sessions
// match the same golden screenshots), written as components with @marquee/react.
//
// Focus stays in the engine: components declare what is focusable and how it groups, and no
// render happens when focus moves. React renders when the app's state changes: the catalogue
// arriving from the API, the details overlay opening and closing. Enter on a tile (`onSelect`)
// opens the overlay, which traps focus; Back or Enter closes it and focus returns to the tile.
// The rail last focused is kept in localStorage, and focus starts there next time. After an
// engine reset the renderer makes the scene again from the components, their state kept.

import { useLayoutEffect, useState } from 'react';
import { createApp } from '@marquee/sdk';
import { createRoot } from '@marquee/react';
import { OFFLINE, fetchCatalogue } from '@marquee/demo/catalogue';
import { Page } from './page.jsx';

const app = createApp();
const RAIL_KEY = 'demo.rail';

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

/** The catalogue: the bundled one until the API's arrives (`updated` set). */
function Demo() {
  const [catalogue, setCatalogue] = useState({ ...OFFLINE, updated: null });
  useLayoutEffect(() => {
    fetchCatalogue().then((data) => data && setCatalogue(data));
  }, []);
  // A new catalogue is a new page: the old one goes, with its focus and any open overlay.
  return (
    <Page key={catalogue.updated ?? 'offline'} catalogue={catalogue} startRail={storedRail()} onRail={rememberRail} />
  );
}

app.on('command-error', (e) => console.error(`command rejected: ${JSON.stringify(e)}`));
app.on('image-failed', ({ id, reason }) => console.warn(`image on node ${id} failed: ${reason}`));
app.on('engine-reset', ({ reason }) => console.warn(`engine restarted (${reason}); the scene is made again`));

createRoot(app).render(<Demo />);
