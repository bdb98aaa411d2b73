// {{name}}: a Marquee app in React. `marquee run .` compiles and runs it; `marquee test .` runs its tests.

import { createApp } from '@marquee/sdk';
import { createRoot } from '@marquee/react';
import { App } from './App.js';

const app = createApp();
app.on('command-error', (e) => console.error(e.message));
createRoot(app).render(<App />);
