// `file:` URLs opened any readable file on the device: the log showed the first bytes of
// /etc/shadow, and the reason told whether a path existed. They are now off unless the device
// configuration allows a directory, and refused without looking.
import { createApp } from '@marquee/sdk';

const app = createApp();
const names = new Map();
for (const src of ['file:///etc/shadow', 'file:///etc/passwd', 'file:///etc/no-such-file', 'file:///dev/zero']) {
  const node = app.image({ width: 8, height: 8 }).src(src);
  names.set(node.id, src);
  app.root.append(node);
}
app.on('image-failed', ({ id, reason }) => console.log(`${names.get(id)} failed: ${reason}`));
