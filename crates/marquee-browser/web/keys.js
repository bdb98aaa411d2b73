// Keyboard and remote keys to Marquee's keys (the protocol's codes): arrows, Enter, Backspace and
// Escape on a keyboard, and the TV browsers' remote codes (Back is 10009 on Tizen and 461 on
// webOS; media keys by their DOM names and vendor codes).

export const KEYS = { up: 1, down: 2, left: 3, right: 4, enter: 5, back: 6, 'play-pause': 7, menu: 8 };
export const ACTIONS = { press: 0, repeat: 1, release: 2 };

const BY_KEY = {
  ArrowUp: KEYS.up,
  ArrowDown: KEYS.down,
  ArrowLeft: KEYS.left,
  ArrowRight: KEYS.right,
  Enter: KEYS.enter,
  Backspace: KEYS.back,
  Escape: KEYS.back,
  GoBack: KEYS.back,
  BrowserBack: KEYS.back,
  MediaPlayPause: KEYS['play-pause'],
  MediaPlay: KEYS['play-pause'],
  MediaPause: KEYS['play-pause'],
  ContextMenu: KEYS.menu,
  Home: KEYS.menu,
};

const BY_CODE = {
  10009: KEYS.back, // Tizen Return
  461: KEYS.back, // webOS Back
  10252: KEYS['play-pause'], // Tizen MediaPlayPause
  415: KEYS['play-pause'], // MediaPlay (Tizen, webOS, HbbTV)
  19: KEYS['play-pause'], // MediaPause
  10133: KEYS.menu, // Tizen Menu
};

/** Marquee's key for a DOM keyboard event, or 0. */
export function keyOf(event) {
  return BY_KEY[event.key] ?? BY_CODE[event.keyCode] ?? 0;
}
