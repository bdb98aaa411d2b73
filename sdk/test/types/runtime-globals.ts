// An app written against the runtime's globals without TypeScript's DOM library (see
// ../runtime-types.test.js): every use below must type-check, and every line marked as an
// expected error must be one (tsc reports a mark on a line that is not).
/// <reference path="../../src/runtime.d.ts" />

export async function home(api: string): Promise<string[]> {
  const url = new URL('/v1/rails?page=1', api);
  url.searchParams.append('lang', navigator.language);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 5000);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ profile: localStorage.getItem('profile') }),
    signal: AbortSignal.any([controller.signal, AbortSignal.timeout(10000)]),
  });
  clearTimeout(timer);
  if (!response.ok) throw new Error(`${response.status} ${response.statusText} ${response.headers.get('etag')}`);
  const rails = (await response.json()) as { names: string[] };
  try {
    localStorage.setItem('rails', JSON.stringify(rails.names));
  } catch (e) {
    if (e instanceof DOMException && e.name === 'QuotaExceededError') console.warn('storage full', e.code);
  }
  sessionStorage.clear();
  const token = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const bytes = new TextEncoder().encode(token);
  queueMicrotask(() => console.debug(new TextDecoder('utf-8', { fatal: true }).decode(bytes), crypto.randomUUID()));
  const saved = structuredClone({ at: new Date(), rails: new Set(rails.names) });
  requestAnimationFrame((t) => console.log(t, performance.now(), saved.rails.size, atob(token).length));
  const live = new WebSocket(`${api.replace(/^http/, 'ws')}/live`, ['chat']);
  live.onmessage = (e) => console.log(typeof e.data === 'string' ? e.data : (e.data as ArrayBuffer).byteLength);
  live.onclose = (e) => console.log(e.code, e.reason, e.wasClean, live.readyState === WebSocket.CLOSED);
  live.addEventListener('open', () => live.send(new Uint8Array([1])));
  return rails.names;
}

// Intl and the locale-sensitive methods are ECMAScript's own (TypeScript's ES library declares
// them); the runtime provides them (crates/marquee-intl).
export function formatted(when: Date, count: number, titles: string[]): string[] {
  const date = new Intl.DateTimeFormat(navigator.language, { dateStyle: 'medium', timeZone: 'UTC' });
  const price = new Intl.NumberFormat('de', { style: 'currency', currency: 'EUR' }).formatToParts(9.5);
  const plural = new Intl.PluralRules('ar').select(count);
  const sorted = [...titles].sort(new Intl.Collator('sv', { numeric: true }).compare);
  return [date.format(when), price.map((p) => p.value).join(''), plural, ...sorted, when.toLocaleTimeString('ja')];
}

// @ts-expect-error: dateStyle is full, long, medium or short
new Intl.DateTimeFormat('en', { dateStyle: 'tiny' });
// @ts-expect-error: a number is not a URL
void fetch(42);
// @ts-expect-error: TextDecoder decodes bytes, not strings
new TextDecoder().decode('text');
// @ts-expect-error: getRandomValues fills integer arrays only
crypto.getRandomValues(new Float64Array(2));
// @ts-expect-error: signals come from AbortController or AbortSignal's factories
new AbortSignal();
// @ts-expect-error: redirect is follow, error or manual
void fetch('https://api.example.com/', { redirect: 'never' });
// @ts-expect-error: there is no Blob here
new WebSocket('ws://x.example/').binaryType = 'blob';
// @ts-expect-error: no DOM here
document.title = 'x';
