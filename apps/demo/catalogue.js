// The demo's catalogue: rails of tiles. Colours stand in for posters until images land; title
// widths stand in for titles until text lands.

const PALETTES = [
  ['#e4572e', '#f3a712', '#a8c686', '#669bbc', '#29335c', '#db2b39', '#f0cea0', '#4b3f72', '#119da4', '#ffc857', '#e9724c', '#481d24'],
  ['#2ec4b6', '#cbf3f0', '#ff9f1c', '#ffbf69', '#3a86ff', '#8338ec', '#ff006e', '#fb5607'],
  ['#264653', '#2a9d8f', '#e9c46a', '#f4a261', '#e76f51', '#6d597a', '#b56576', '#eaac8b', '#355070', '#e56b6f'],
  ['#606c38', '#283618', '#fefae0', '#dda15e', '#bc6c25'],
  ['#03045e', '#023e8a', '#0077b6', '#0096c7', '#00b4d8', '#48cae4', '#90e0ef', '#ade8f4', '#caf0f8'],
];
const TITLES = [180, 140, 210, 120, 160];

export const CATALOGUE = PALETTES.map((tiles, i) => ({ title: TITLES[i], tiles }));
