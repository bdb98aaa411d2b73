// The app's page: a title and a row of tiles. Focus moves between the tiles in the engine (the
// arrows); Enter on a tile selects it, which is React state.

import { useState } from 'react';
import { Text, View } from '@marquee/react';

const TITLES = ['Mountains', 'Oceans', 'Forests', 'Deserts'];
const PAGE = {
  width: '100%',
  height: '100%',
  backgroundColor: '#0b0e14',
  paddingLeft: 64,
  paddingTop: 64,
  flexDirection: 'column',
  rowGap: 32,
} as const;

export function App() {
  const [chosen, setChosen] = useState<string | null>(null);
  return (
    <View style={PAGE}>
      <Text style={{ fontSize: 40, fontWeight: 700, color: '#ffffff' }}>
        {chosen ? `You chose ${chosen}` : 'Choose a tile'}
      </Text>
      <View focusGroup="row" style={{ flexDirection: 'row', columnGap: 24 }}>
        {TITLES.map((title) => (
          <View
            key={title}
            focusable
            onSelect={() => setChosen(title)}
            style={{
              width: 240,
              height: 136,
              backgroundColor: title === chosen ? '#1fb6ff' : '#1c2430',
              borderColor: '#00000000',
              borderWidth: 4,
              justifyContent: 'center',
              alignItems: 'center',
              focused: { borderColor: '#ffffff', scaleX: 1.06, scaleY: 1.06 },
            }}
          >
            <Text style={{ fontSize: 20, color: '#ffffff' }}>{title}</Text>
          </View>
        ))}
      </View>
    </View>
  );
}
