// A release that never starts: the device runs it on trial, sees it fail, and rolls back to its
// last-known-good bundle at the next launch.
import { createApp } from '@marquee/sdk';

createApp();
throw new Error('demo 0.2.0 fails at start');
