// The demo's page: everything it shows, built through the SDK from a catalogue.
//
// `buildPage` is the whole page — nav, hero, rails, the archive (a rail of 5,000 episodes in a
// window of 25 tiles, `app.virtualList`), the details overlay — and nothing else: no network, no
// storage, no listeners, so the app (`main.js`) and the app-side benchmark
// (`crates/marquee-bench/app`) build the same page. It returns the nodes the app changes later.
// Its sizes and reusable styles (`look`) are the React demo's too, and so are its words in each
// language (`WORDS`). Sides are logical (`paddingInlineStart`, `insetInlineEnd` …): in Arabic the
// page's `direction` is `rtl` and the same styles mirror it.

import { OFFLINE } from './catalogue.js';

export { OFFLINE };

/** A box filling its parent. */
export const FILL = { position: 'absolute', left: 0, top: 0, width: '100%', height: '100%' };
/** All four corners rounded by `r`. */
export const round = (r) => ({
  borderTopLeftRadius: r,
  borderTopRightRadius: r,
  borderBottomLeftRadius: r,
  borderBottomRightRadius: r,
});
/** When the catalogue was updated, in the device's language. */
export const UPDATED = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

/**
 * The page's own words in each language it speaks, and the direction it reads in. The
 * catalogue's titles and rail names are the API's, in its language.
 */
export const WORDS = Object.freeze({
  en: {
    direction: 'ltr',
    nav: ['Home', 'Movies', 'Series', 'Kids', 'My list'],
    play: 'Play',
    close: 'Close',
    offline: 'Offline catalogue',
    updated: (time) => `Updated ${time}`,
    released: (date) => `Released ${date}`,
    archive: 'From the archive',
    episode: (title, n) => `${title} · Episode ${n}`,
  },
  ar: {
    direction: 'rtl',
    nav: ['الرئيسية', 'أفلام', 'مسلسلات', 'أطفال', 'قائمتي'],
    play: 'تشغيل',
    close: 'إغلاق',
    offline: 'كتالوج دون اتصال',
    updated: (time) => `حُدّث ${time}`,
    released: (date) => `صدر في ${date}`,
    archive: 'من الأرشيف',
    episode: (title, n) => `${title} · الحلقة ${n}`,
  },
});
/** The languages in the order the language key steps through them. */
export const LANGUAGES = Object.keys(WORDS);

/**
 * Episodes in the archive, the page's last rail: every title's episodes, 5,000 of them, of which
 * a window of nodes exists (`app.virtualList`) however far the viewer goes.
 */
export const ARCHIVE = 5000;

/** Each catalogue's titles, every rail's in order, for the archive. */
const titlesOf = new WeakMap();

/**
 * The archive's item `index` (a tile's `{ title, colour, poster, released }`): episode
 * `⌊index / titles⌋ + 1` of the catalogue's title `index mod titles`, named in `words`' language.
 */
export function archiveItem(catalogue, words, index) {
  let titles = titlesOf.get(catalogue);
  if (titles === undefined) {
    titles = catalogue.rails.flatMap((rail) => rail.tiles);
    titlesOf.set(catalogue, titles);
  }
  const series = titles[index % titles.length];
  return { ...series, title: words.episode(series.title, Math.floor(index / titles.length) + 1) };
}

/** Each app's sizes and reusable styles, made once: pages built again reuse them. */
const looks = new WeakMap();

/**
 * The page's sizes for `app`'s surface (designed at 720p, scaled) and the styles it repeats:
 * `{ unit, SIDE, TILE_W, GAP, label, styles, archive }`, `archive` the archive's container style
 * (a plain object: the list spreads it into its own). The React demo's components use them too
 * (`apps/demo-react`).
 */
export function look(app) {
  let l = looks.get(app);
  if (l !== undefined) return l;
  const unit = app.viewport.height / 720;
  const TILE_W = Math.round(240 * unit);
  const TILE_H = Math.round(136 * unit);
  const GAP = Math.round(20 * unit);
  const SIDE = Math.round(64 * unit);
  const ZOOM_ROOM = Math.round(12 * unit); // room above and below a tile for its zoom and ring
  const label = (size, weight, color, more = {}) => ({ fontSize: size * unit, fontWeight: weight, color, ...more });
  const styles = {
    navItem: app.style({
      height: 36 * unit,
      paddingInline: 14 * unit,
      justifyContent: 'center',
      alignItems: 'center',
      focusable: 'yes',
      ...round(18 * unit),
      focused: { backgroundColor: '#ffffff33', scaleX: 1.08, scaleY: 1.08 },
    }),
    navLabel: app.style(label(17, 400, '#ffffffcc')),
    railBlock: app.style({ flexDirection: 'column', flexShrink: 0, rowGap: 4 * unit, paddingTop: 8 * unit }),
    railTitle: app.style(label(20, 700, '#ffffffdd', { marginInlineStart: SIDE })),
    track: app.style({
      flexDirection: 'row',
      columnGap: GAP,
      paddingInline: SIDE,
      paddingTop: ZOOM_ROOM,
      paddingBottom: ZOOM_ROOM,
      overflow: 'scroll',
      scrollAlign: 'start',
      scrollDuration: 240,
      focusGroup: 'row',
      transitionEasing: 'ease-out',
    }),
    // A tile zooms and rings when focused; its colour (the poster's, until it loads) is its own.
    tile: app.style({
      width: TILE_W,
      height: TILE_H,
      flexShrink: 0,
      borderColor: '#00000000',
      borderWidth: 4 * unit,
      focusable: 'yes',
      focusDuration: 160,
      overflow: 'clip',
      flexDirection: 'column',
      justifyContent: 'flex-end',
      ...round(10 * unit),
      focused: { borderColor: '#ffffffff', scaleX: 1.06, scaleY: 1.06, zIndex: 1 },
    }),
    poster: app.style({ ...FILL, objectFit: 'cover' }),
    shade: app.style({
      position: 'absolute',
      insetInlineStart: 0,
      bottom: 0,
      width: '100%',
      height: '50%',
      backgroundColor: '#00000080',
    }),
    caption: app.style(
      label(18, 700, '#ffffff', {
        marginInline: 12 * unit,
        marginBottom: 8 * unit,
        maxLines: 2,
        textOverflow: 'ellipsis',
        lineHeight: 1.1,
      }),
    ),
  };
  // The archive's track: a rail's, less the gap, which the list puts after each item.
  const archive = {
    paddingInline: SIDE,
    paddingTop: ZOOM_ROOM,
    paddingBottom: ZOOM_ROOM,
    scrollAlign: 'start',
    scrollDuration: 240,
    transitionEasing: 'ease-out',
  };
  l = { unit, SIDE, TILE_W, GAP, label, styles, archive };
  looks.set(app, l);
  return l;
}

/**
 * Builds the page for `catalogue` (`{ hero, rails, updated }`; `updated` null for the bundled
 * copy) in `language` (a key of `WORDS`) under a new root view, not yet attached. Returns
 * `{ root, details, panel, poster, heading, released, close, tiles, firsts, words }`: `tiles`
 * maps a tile's node id to `{ tile, item, index, rail }` (`rail` null in the archive, whose
 * tiles show another episode as it scrolls), `firsts` holds each catalogue rail's first tile,
 * `words` are the language's.
 */
export function buildPage(app, catalogue, language = 'en') {
  const { unit, SIDE, TILE_W, GAP, label, styles, archive } = look(app);
  const { hero: featured, rails, updated } = catalogue;
  const words = WORDS[language];
  const root = app.view({
    width: '100%',
    height: '100%',
    flexDirection: 'column',
    backgroundColor: '#0b0e14',
    // ltr is every node's to begin with: an English page says nothing of it.
    ...(words.direction === 'rtl' && { direction: 'rtl' }),
  });

  const nav = app.view({
    flexDirection: 'row',
    height: 72 * unit,
    flexShrink: 0,
    paddingInline: SIDE,
    alignItems: 'center',
    columnGap: 20 * unit,
    focusGroup: 'row',
  });
  nav.append(
    app.text(label(26, 800, '#1fb6ff', { marginInlineEnd: 24 * unit, letterSpacing: -0.5 * unit })).text('marquee'),
  );
  for (const name of words.nav) {
    const item = app.view(styles.navItem);
    item.append(app.text(styles.navLabel).text(name));
    nav.append(item);
  }
  // Where the catalogue came from, at the nav's far end.
  nav.append(
    app.view({ flexGrow: 1 }),
    app
      .text(label(14, 400, updated ? '#ffffff99' : '#f5c518'))
      .text(updated ? words.updated(UPDATED.format(Date.parse(updated))) : words.offline),
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
    marginInline: SIDE,
    marginBottom: 16 * unit,
    backgroundColor: featured.colour,
    overflow: 'clip',
    flexDirection: 'column',
    justifyContent: 'flex-end',
    paddingInlineStart: 40 * unit,
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
  play.append(app.text(label(17, 700, '#111111')).text(words.play));
  play.stateStyle('focused', { borderColor: '#ffffffff', scaleX: 1.08, scaleY: 1.08 });
  hero.append(
    app
      .image({
        position: 'absolute',
        insetInlineEnd: 0,
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
    const block = app.view(styles.railBlock);
    const title = app.text(styles.railTitle).text(rail.name);
    // Each rail scrolls sideways on its own, keeping the focused tile at its start margin.
    const track = app.view(styles.track);
    rail.tiles.forEach((item, i) => {
      const tile = app.view([styles.tile, { backgroundColor: item.colour }]);
      tile.append(
        app.image([styles.poster, { placeholderColor: item.colour }]).src(item.poster),
        app.view(styles.shade),
        app.text(styles.caption).text(item.title),
      );
      tiles.set(tile.id, { tile, item, index: i, rail: r });
      if (i === 0) firsts.push(tile);
      track.append(tile);
    });
    block.append(title, track);
    page.append(block);
  }

  // The archive: a rail of ARCHIVE episodes in a window of slots, each filled for the episode
  // it shows as the window moves. Its tiles are in `tiles` while they show an episode.
  const list = app.virtualList({
    count: ARCHIVE,
    size: TILE_W,
    gap: GAP,
    style: archive,
    create: (app) => {
      const tile = app.view(styles.tile);
      const poster = app.image(styles.poster);
      const caption = app.text(styles.caption);
      tile.append(poster, app.view(styles.shade), caption);
      return { node: tile, poster, caption };
    },
    render: ({ node, poster, caption }, index) => {
      const item = archiveItem(catalogue, words, index);
      node.set('backgroundColor', item.colour);
      poster.set('placeholderColor', item.colour).src(item.poster);
      caption.text(item.title);
      tiles.set(node.id, { tile: node, item, index, rail: null });
    },
  });
  page.append(app.view(styles.railBlock).append(app.text(styles.railTitle).text(words.archive), list.node));

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
    paddingInlineStart: 32 * unit,
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
  close.append(app.text(label(17, 700, '#111111')).text(words.close));
  panel.append(
    poster,
    app.view({
      position: 'absolute',
      insetInlineStart: 0,
      bottom: 0,
      width: '100%',
      height: '60%',
      backgroundColor: '#000000a0',
    }),
    heading,
    released,
    close,
  );
  details.append(panel);

  root.append(nav, page, details);
  return { root, details, panel, poster, heading, released, close, tiles, firsts, words };
}
