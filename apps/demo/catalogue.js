// The demo's catalogue: a hero and rails of titles. Every title has a poster in
// `assets/posters/` (drawn by `tools/posters.py`) and a colour shown while it loads.

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

let next = 0;
export const CATALOGUE = RAILS.map(([name, titles], r) => ({
  name,
  tiles: titles.map((title, i) => {
    next += 1;
    return { title, colour: PALETTES[r][i], poster: `assets/posters/${String(next).padStart(2, '0')}.jpg` };
  }),
}));
