// {{name}}: a Marquee app written with the SDK's proxy nodes. `marquee run .` compiles and runs it;
// `marquee test .` runs its tests.

import { createApp } from '@marquee/sdk';
import { page } from './page.js';

const app = createApp();
app.on('command-error', (e) => console.error(e.message));
page(app);
