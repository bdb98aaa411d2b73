// @marquee/sdk: what app authors import.
export { createApp, App, Node, Style, STYLE_STATES, propertyName, expandStyle } from './app.js';
export { decodeEvents } from './events.js';
export { AHEAD, VirtualList, checkCount, listOptions, windowStart } from './virtual-list.js';
export { BatchEncoder, STYLE, NodeKind, MAX_NODE_ID, parseColor } from './protocol.js';
