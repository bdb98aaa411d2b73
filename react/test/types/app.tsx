// An app in TSX against @marquee/react's declarations (src/index.d.ts; see ../types.test.js):
// every use below must type-check, and every line marked as an expected error must be one.
import { useRef, useState } from 'react';
import { createApp } from '@marquee/sdk';
import {
  createRoot,
  Image,
  Text,
  View,
  useAnimate,
  useFocused,
  useLayout,
  VirtualList,
  type MarqueeInstance,
} from '../../src/index.js';

const app = createApp();
const card = app.style({ width: 240, height: 136, focused: { scaleX: 1.06 } });

function Tile({ title, poster }: { title: string; poster: string }) {
  const ref = useRef<MarqueeInstance>(null);
  const focused = useFocused(ref);
  const box = useLayout(ref, [title]);
  const animate = useAnimate(ref);
  return (
    <View
      ref={ref}
      focusable
      style={[card, { backgroundColor: '#336699', focused: { borderColor: '#ffffff' } }, focused && { opacity: 1 }]}
      onSelect={() => animate({ opacity: 0.5 }, { duration: 200, easing: 'ease-out' }).then((r) => r.finished)}
      onFocus={(e) => e.target.id}
    >
      <Image src={poster} style={{ width: '100%', height: '100%', objectFit: 'cover' }} onError={(e) => e.reason} />
      <Text style={{ fontSize: 18, color: '#ffffff' }}>
        {title} {box?.width ?? 0}
      </Text>
    </View>
  );
}

function Row() {
  const [items] = useState(['a', 'b']);
  return (
    <View
      focusGroup="row"
      focusRestore="last"
      style={{ padding: [8, 16], gap: 24, border: '2px solid #ffffff', focused: { borderRadius: [12, 12, 0, 0] } }}
      onKey={(e) => e.key === 'back' && e.stopPropagation()}
    >
      {items.map((t) => (
        <Tile key={t} title={t} poster={`posters/${t}.jpg`} />
      ))}
    </View>
  );
}

createRoot(app).render(<Row />);

// Right to left: the direction and the properties that follow it.
export const mirrored = (
  <View style={{ direction: 'rtl', paddingInline: [24, 8], marginInlineEnd: 'auto', borderStartStartRadius: 12 }}>
    <Text style={{ textAlign: 'start' }}>مرحبا</Text>
  </View>
);
// A long rail: the list's options as props, an element per item (whose caption brightens with
// it), the scroll offset heard.
export const rail = (
  <View onScroll={({ x }) => x > 0}>
    <VirtualList
      count={5000}
      size={240}
      gap={20}
      ahead={8}
      style={{ height: 160, scrollLink: 1 }}
      item={(index) => (
        <View focusable style={{ width: 240 }}>
          <Text style={{ color: '#ffffffaa', itemFocused: { color: '#ffffff' } }}>{`item ${index}`}</Text>
        </View>
      )}
    />
  </View>
);
// @ts-expect-error a list's axis is row or column
export const badAxis = <VirtualList count={1} size={1} axis="diagonal" item={() => <View />} />;
// @ts-expect-error a list renders its items with item(index)
export const noItem = <VirtualList count={1} size={1} />;

// @ts-expect-error a direction is ltr or rtl
export const badDirection = <View style={{ direction: 'up' }} />;

// @ts-expect-error not a style property
export const bad1 = <View style={{ colour: 'red' }} />;
// @ts-expect-error a keyword property takes its keywords
export const bad2 = <View style={{ flexDirection: 'sideways' }} />;
// @ts-expect-error focus groups are rows, columns and grids
export const bad3 = <View focusGroup="diagonal" />;
const view = <View />;
// @ts-expect-error a text holds strings and numbers, not elements
export const bad4 = <Text>{view}</Text>;
// @ts-expect-error images have no text
export const bad5 = <Image src="a.png">caption</Image>;
// @ts-expect-error only paint properties in a state style
export const bad6 = <View style={{ focused: { width: 10 } }} />;
// @ts-expect-error state styles take paint shorthands only
export const bad7 = <View style={{ focused: { padding: 4 } }} />;
