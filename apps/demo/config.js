// Where the demo asks for its catalogue: `node apps/demo/tools/api.mjs` serves it here. The
// origin is in package.json's network permissions too (`marquee.permissions.network`): change
// both together.
export const CATALOGUE_URL = 'http://127.0.0.1:8080/catalogue.json';
