// The app's page: a title and a row of tiles. Focus moves between the tiles in the engine (the
// arrows); Enter on a tile (a key focus did not use) changes the title.

import type { App } from '@marquee/sdk';

const TITLES = ['Mountains', 'Oceans', 'Forests', 'Deserts'];

export function page(app: App): void {
  const tile = app.style({
    width: 240,
    height: 136,
    backgroundColor: '#1c2430',
    borderColor: '#00000000',
    borderWidth: 4,
    focusable: 'yes',
    justifyContent: 'center',
    alignItems: 'center',
    focused: { borderColor: '#ffffff', scaleX: 1.06, scaleY: 1.06 },
  });
  const root = app.view({
    width: '100%',
    height: '100%',
    backgroundColor: '#0b0e14',
    paddingLeft: 64,
    paddingTop: 64,
    flexDirection: 'column',
    rowGap: 32,
  });
  const title = app.text({ fontSize: 40, fontWeight: 700, color: '#ffffff' }).text('Choose a tile');
  const row = app.view({ flexDirection: 'row', columnGap: 24, focusGroup: 'row' });
  const names = new Map<number, string>();
  for (const name of TITLES) {
    const t = app.view(tile);
    t.append(app.text({ fontSize: 20, color: '#ffffff' }).text(name));
    names.set(t.id, name);
    row.append(t);
  }
  root.append(title, row);
  app.root.append(root);
  app.on('key', ({ key, action, target }) => {
    const name = target === null ? undefined : names.get(target);
    if (key === 'enter' && action === 'press' && name) title.text(`You chose ${name}`);
  });
}
