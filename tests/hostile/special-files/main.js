// Files that are not what they claim: a FIFO as an image, a font and a module (opening one
// blocked a host thread forever and the run never ended), a font that links to /dev/zero (read
// until out of memory) and to a file outside the app (silently loaded), and a 2 GB font (read
// whole before the 32 MiB check). Each is refused with a reason; the run goes on.
import { createApp } from '@marquee/sdk';

const app = createApp();
app.root.append(app.text({ fontSize: 24, color: '#ffffff' }).text('fonts fell back'));
const image = app.image({ width: 16, height: 16 }).src('assets/pipe.png');
app.root.append(image);
app.on('image-failed', ({ reason }) => console.log(`the FIFO image failed: ${reason}`));
import('./pipe.js').then(
  () => console.log('imported a FIFO?'),
  (e) => console.log(`the FIFO module was refused: ${e}`),
);
