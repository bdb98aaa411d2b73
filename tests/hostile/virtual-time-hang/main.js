// Under --virtual-time the engine thread waits for every image it asked for, so frames do not
// depend on the network; with a server that never answers it waited out each fetch timeout and
// --timeout was not honoured. Now the wait ends with the run.
import { createApp } from '@marquee/sdk';
import { HANGING } from './server.js';

const app = createApp();
for (let i = 0; i < 20; i++) app.root.append(app.image({ width: 8, height: 8 }).src(`${HANGING}/slow-${i}.jpg`));
