// Commands the engine rejects, written with the encoder as a tool that bypasses the proxies
// might: text on a view (twice), a text property on a view, a child that does not exist. The
// app's event and the host's log say each in words; the host logs each kind once.
import { createApp, BatchEncoder } from '@marquee/sdk';

const app = createApp();
app.on('command-error', (e) => console.log(`app heard: ${e.message}`));
const v = app.view({ width: 10, height: 10 });
app.root.append(v);
app.flush();
const enc = new BatchEncoder();
enc.setText(v.id, 'not a text node');
enc.setText(v.id, 'still not one');
enc.setStyle(v.id, 'font-size', 20);
enc.appendChild(0, 4242);
globalThis.__marqueeHost.send(enc.finish());
