// Counts its launches in localStorage: a run with the same state directory as an earlier one
// finds that run's count; sessionStorage starts empty every time.
import { createApp } from '@marquee/sdk';

const runs = Number(localStorage.getItem('runs') ?? 0) + 1;
localStorage.setItem('runs', String(runs));
console.log(`run ${runs}, session ${sessionStorage.length}`);
sessionStorage.setItem('seen', 'yes');

const app = createApp();
app.root.append(app.view({ width: 10, height: 10, backgroundColor: '#00ff00' }));
