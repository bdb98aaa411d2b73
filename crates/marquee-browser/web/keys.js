// Keyboard and remote keys to Marquee's keys (the protocol's codes, from the SDK's generated
// wire.js): arrows, Enter, Backspace and Escape, digits, Page Up/Down and F1–F6 on a keyboard;
// the TV browsers' remote keys by their DOM names, and by the vendor key codes of browsers that
// leave `key` empty (Tizen, webOS, HbbTV; Back is 10009 on Tizen and 461 on webOS). The map is
// docs/protocol.md's "Keys", the window host's too.

import { KEYS as NAMES, KEY_ACTIONS } from './wire.js';

/** Key codes by name: `KEYS.up` is 1. */
export const KEYS = Object.freeze(Object.fromEntries(NAMES.map((name, code) => [name, code]).filter(([n]) => n)));
/** Key action codes by name. */
export const ACTIONS = Object.freeze(Object.fromEntries(KEY_ACTIONS.map((name, code) => [name, code])));

/** DOM `KeyboardEvent.key` values: a keyboard's, and remotes' where the browser names them. */
const BY_KEY = {
  ArrowUp: 'up',
  ArrowDown: 'down',
  ArrowLeft: 'left',
  ArrowRight: 'right',
  Enter: 'enter',
  Backspace: 'back',
  Escape: 'back',
  GoBack: 'back',
  BrowserBack: 'back',
  ' ': 'play-pause', // Space, as in the window host
  MediaPlayPause: 'play-pause',
  MediaPlay: 'play',
  MediaPause: 'pause',
  MediaStop: 'stop',
  MediaRewind: 'rewind',
  MediaFastForward: 'fast-forward',
  ContextMenu: 'menu',
  Home: 'menu',
  PageUp: 'channel-up',
  PageDown: 'channel-down',
  ChannelUp: 'channel-up',
  ChannelDown: 'channel-down',
  F1: 'red',
  F2: 'green',
  F3: 'yellow',
  F4: 'blue',
  ColorF0Red: 'red',
  ColorF1Green: 'green',
  ColorF2Yellow: 'yellow',
  ColorF3Blue: 'blue',
  F5: 'info',
  Info: 'info',
  F6: 'guide',
  Guide: 'guide',
};
for (let d = 0; d <= 9; d++) BY_KEY[String(d)] = String(d);

/** `KeyboardEvent.keyCode` values of TV browsers' remotes (HbbTV's VK_ codes, which Tizen and webOS share). */
const BY_CODE = {
  10009: 'back', // Tizen Return
  461: 'back', // webOS Back
  10252: 'play-pause', // Tizen MediaPlayPause
  415: 'play', // VK_PLAY
  19: 'pause', // VK_PAUSE
  413: 'stop', // VK_STOP
  412: 'rewind', // VK_REWIND
  417: 'fast-forward', // VK_FAST_FWD
  10133: 'menu', // Tizen Menu
  427: 'channel-up', // VK_CHANNEL_UP
  428: 'channel-down', // VK_CHANNEL_DOWN
  403: 'red', // VK_RED
  404: 'green', // VK_GREEN
  405: 'yellow', // VK_YELLOW
  406: 'blue', // VK_BLUE
  457: 'info', // VK_INFO
  458: 'guide', // VK_GUIDE
};
for (let d = 0; d <= 9; d++) BY_CODE[48 + d] = String(d); // VK_0 … VK_9

/** Marquee's key code for a DOM keyboard event, or 0. */
export function keyOf(event) {
  const name = Object.hasOwn(BY_KEY, event.key) ? BY_KEY[event.key] : BY_CODE[event.keyCode];
  return (name !== undefined && KEYS[name]) || 0;
}
