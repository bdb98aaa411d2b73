// The React demo's page: everything it shows, as components — nav, hero, rails, the archive
// (`<VirtualList>`), the details overlay — and nothing else: no network, no storage, no app
// listeners, so the app (`main.jsx`) and the app-side benchmark (`crates/marquee-bench/app`)
// render the same page, as the SDK demo's `page.js` is shared. What the page repeats is the SDK
// demo's reusable styles, made once per app.

import { useLayoutEffect, useRef, useState } from 'react';
import { VirtualList, useApp } from '@marquee/react';
import { ARCHIVE, FILL, UPDATED, WORDS, archiveItem, look, round } from '@marquee/demo/page';

// Dates in the device's language (navigator.language); release dates are days, kept in UTC.
const RELEASED = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeZone: 'UTC' });

/** The page's sizes and reusable styles: the SDK demo's own (`apps/demo/page.js`), made once per app. */
const useLook = () => look(useApp());

function Nav({ updated, words }) {
  const { unit, SIDE, label, styles } = useLook();
  return (
    <view
      style={{
        flexDirection: 'row',
        height: 72 * unit,
        flexShrink: 0,
        paddingInline: SIDE,
        alignItems: 'center',
        columnGap: 20 * unit,
        focusGroup: 'row',
      }}
    >
      <text style={label(26, 800, '#1fb6ff', { marginInlineEnd: 24 * unit, letterSpacing: -0.5 * unit })}>marquee</text>
      {words.nav.map((name) => (
        <view key={name} style={styles.navItem}>
          <text style={styles.navLabel}>{name}</text>
        </view>
      ))}
      {/* Where the catalogue came from, at the nav's far end. */}
      <view style={{ flexGrow: 1 }} />
      <text style={label(14, 400, updated ? '#ffffff99' : '#f5c518')}>
        {updated ? words.updated(UPDATED.format(Date.parse(updated))) : words.offline}
      </text>
    </view>
  );
}

function Hero({ featured, words }) {
  const { unit, SIDE, label } = useLook();
  return (
    <view
      style={{
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
      }}
    >
      <image
        src={featured.backdrop}
        style={{
          position: 'absolute',
          insetInlineEnd: 0,
          top: 0,
          width: '50%',
          height: '100%',
          objectFit: 'cover',
          placeholderColor: '#406e8e',
          fadeInDuration: 300,
        }}
      />
      <text style={label(40, 700, '#ffffff', { maxLines: 1, textOverflow: 'ellipsis', width: 520 * unit })}>
        {featured.title}
      </text>
      {/* Wrapped to three lines, ending in an ellipsis. */}
      <text
        style={label(16, 400, '#ffffffcc', {
          width: 520 * unit,
          lineHeight: 1.35,
          maxLines: 3,
          textOverflow: 'ellipsis',
        })}
      >
        {featured.synopsis}
      </text>
      <view
        focusable
        style={{
          width: 140 * unit,
          height: 40 * unit,
          marginTop: 8 * unit,
          backgroundColor: '#f5c518',
          borderColor: '#00000000',
          borderWidth: 3 * unit,
          justifyContent: 'center',
          alignItems: 'center',
          ...round(20 * unit),
          focused: { borderColor: '#ffffffff', scaleX: 1.08, scaleY: 1.08 },
        }}
      >
        <text style={label(17, 700, '#111111')}>{words.play}</text>
      </view>
    </view>
  );
}

/** A rail: its title and a track of tiles that scrolls sideways, keeping the focused one at its start margin. */
function Rail({ rail, index, tiles, onOpen, onRail }) {
  const { styles } = useLook();
  return (
    <view style={styles.railBlock} onFocus={() => onRail(index)}>
      <text style={styles.railTitle}>{rail.name}</text>
      <view style={styles.track}>
        {rail.tiles.map((item) => (
          <view
            key={item.poster}
            ref={(inst) => {
              if (inst) tiles.set(item, inst);
              else tiles.delete(item);
            }}
            style={[styles.tile, { backgroundColor: item.colour }]}
            onSelect={() => onOpen({ item, key: item })}
          >
            <image src={item.poster} style={[styles.poster, { placeholderColor: item.colour }]} />
            <view style={styles.shade} />
            <text style={styles.caption}>{item.title}</text>
          </view>
        ))}
      </view>
    </view>
  );
}

/**
 * The archive: a rail of ARCHIVE episodes of which `<VirtualList>` renders a window, as the SDK
 * demo's `app.virtualList` keeps one. An episode's tile is in `tiles` under its index's key.
 */
function Archive({ catalogue, words, tiles, onOpen }) {
  const { TILE_W, GAP, styles, archive } = useLook();
  const tile = (index) => {
    const item = archiveItem(catalogue, words, index);
    const key = `archive ${index}`;
    return (
      <view
        ref={(inst) => {
          if (inst) tiles.set(key, inst);
          else tiles.delete(key);
        }}
        style={[styles.tile, { backgroundColor: item.colour }]}
        onSelect={() => onOpen({ item, key })}
      >
        <image src={item.poster} style={[styles.poster, { placeholderColor: item.colour }]} />
        <view style={styles.shade} />
        <text style={styles.caption}>{item.title}</text>
      </view>
    );
  };
  return (
    <view style={styles.railBlock}>
      <text style={styles.railTitle}>{words.archive}</text>
      <VirtualList count={ARCHIVE} size={TILE_W} gap={GAP} style={archive} item={tile} />
    </view>
  );
}

/** Details: an overlay that traps focus on its close button until Back. */
function Details({ item, words, onClose }) {
  const { unit, label } = useLook();
  const ref = useRef(null);
  const close = useRef(null);
  // Closed, the overlay keeps what it showed last, hidden, as the SDK demo's does.
  const last = useRef(null);
  if (item !== null) last.current = item;
  const shown = last.current;
  useLayoutEffect(() => {
    if (item === null) return;
    ref.current.animate({ opacity: 1 }, { duration: 200, easing: 'ease-out' });
    close.current.focus();
  }, [item]);
  const onKey = ({ key, action }) => {
    if (action === 'press' && (key === 'back' || key === 'enter')) onClose();
  };
  return (
    <view
      ref={ref}
      focusGroup="row"
      focusTrap
      onKey={onKey}
      style={{
        ...FILL,
        backgroundColor: '#000000cc',
        display: item ? 'flex' : 'none',
        opacity: shown ? 0 : undefined,
        justifyContent: 'center',
        alignItems: 'center',
      }}
    >
      <view
        style={{
          width: 640 * unit,
          height: 360 * unit,
          backgroundColor: shown ? shown.colour : '#1c2430',
          flexDirection: 'column',
          justifyContent: 'flex-end',
          paddingInlineStart: 32 * unit,
          paddingBottom: 32 * unit,
          rowGap: 16 * unit,
          overflow: 'clip',
          ...round(18 * unit),
        }}
      >
        <image src={shown?.poster} style={{ ...FILL, objectFit: 'cover', fadeInDuration: 150 }} />
        <view
          style={{
            position: 'absolute',
            insetInlineStart: 0,
            bottom: 0,
            width: '100%',
            height: '60%',
            backgroundColor: '#000000a0',
          }}
        />
        <text style={label(34, 700, '#ffffff', { width: 560 * unit, maxLines: 2, textOverflow: 'ellipsis' })}>
          {shown?.title ?? ''}
        </text>
        <text style={label(16, 400, '#ffffffcc')}>
          {shown ? words.released(RELEASED.format(Date.parse(shown.released))) : ''}
        </text>
        <view
          ref={close}
          focusable
          style={{
            width: 120 * unit,
            height: 40 * unit,
            backgroundColor: '#ffffff',
            justifyContent: 'center',
            alignItems: 'center',
            ...round(20 * unit),
          }}
        >
          <text style={label(17, 700, '#111111')}>{words.close}</text>
        </view>
      </view>
    </view>
  );
}

/**
 * The page for `catalogue` (`{ hero, rails, updated }`; `updated` null for the bundled copy), in
 * `language` (a key of `WORDS`). Focus starts on the first tile of rail `startRail` when the
 * catalogue has it; `onRail(index)` hears focus arrive in a rail, `onLanguageKey()` the yellow
 * key pressed on the page (not on the details overlay).
 */
export function Page({ catalogue, language = 'en', startRail = -1, onRail = () => {}, onLanguageKey = () => {} }) {
  const words = WORDS[language];
  const [opened, setOpened] = useState(null);
  const tiles = useRef(new Map()).current;
  const last = useRef(null);

  useLayoutEffect(() => {
    const first = catalogue.rails[startRail]?.tiles[0];
    if (first) tiles.get(first)?.focus();
  }, [catalogue, startRail, tiles]);

  // Hiding the overlay would send focus to the page's first tile; put it back where it was.
  useLayoutEffect(() => {
    if (opened !== null) last.current = opened.key;
    else if (last.current !== null) {
      tiles.get(last.current)?.focus();
      last.current = null;
    }
  }, [opened, tiles]);

  return (
    <view
      style={{
        width: '100%',
        height: '100%',
        flexDirection: 'column',
        backgroundColor: '#0b0e14',
        // ltr is every node's to begin with: an English page says nothing of it.
        direction: words.direction === 'rtl' ? 'rtl' : undefined,
      }}
      onKey={({ key, action }) => {
        if (action === 'press' && key === 'yellow' && opened === null) onLanguageKey();
      }}
    >
      <Nav updated={catalogue.updated} words={words} />
      {/* The page scrolls under the nav; the focused row is brought to its top. */}
      <view
        style={{
          flexGrow: 1,
          flexDirection: 'column',
          overflow: 'scroll',
          scrollAlign: 'start',
          scrollDuration: 280,
          focusGroup: 'column',
          transitionEasing: 'ease-out',
        }}
      >
        <Hero featured={catalogue.hero} words={words} />
        {catalogue.rails.map((rail, r) => (
          <Rail key={rail.name} rail={rail} index={r} tiles={tiles} onOpen={setOpened} onRail={onRail} />
        ))}
        <Archive catalogue={catalogue} words={words} tiles={tiles} onOpen={setOpened} />
      </view>
      <Details item={opened?.item ?? null} words={words} onClose={() => setOpened(null)} />
    </view>
  );
}
