// A bundle fixture: an entry that imports a local module, as apps import the SDK.
import { greet } from './lib.js';

globalThis.fixture = greet('bundle');
