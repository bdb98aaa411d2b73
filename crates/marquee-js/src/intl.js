// ECMA-402 for the app thread: Intl.DateTimeFormat, NumberFormat, PluralRules and Collator,
// Intl.getCanonicalLocales, and the locale-sensitive methods of Date, Number and String that use
// them. QuickJS has no Intl; the formatting is the host's (marquee-intl: ICU4X and CLDR data).
//
// Evaluated as a script after web.js with the host's natives in `native` (intl*, wellFormed).
// This side does what ECMA-402 does in JavaScript terms: the locale list and the options bag
// read with their types (GetOption's ToString / ToBoolean / ToNumber), constructors callable
// without `new`, bound `format`/`compare` getters. The host checks the values, picks the locale
// (the app's list, then the device's, then en-US) and throws RangeError / TypeError.
(function (native) {
  'use strict';
  const define = (target, name, value) =>
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });

  // The options each service reads, with the type GetOption converts them to (s: string,
  // b: boolean, n: number, g: useGrouping's boolean-or-string).
  const OPTIONS = {
    dateTimeFormat: {
      dateStyle: 's',
      timeStyle: 's',
      weekday: 's',
      era: 's',
      year: 's',
      month: 's',
      day: 's',
      dayPeriod: 's',
      hour: 's',
      minute: 's',
      second: 's',
      fractionalSecondDigits: 'n',
      hour12: 'b',
      hourCycle: 's',
      timeZone: 's',
      timeZoneName: 's',
    },
    numberFormat: {
      style: 's',
      currency: 's',
      currencyDisplay: 's',
      useGrouping: 'g',
      minimumIntegerDigits: 'n',
      minimumFractionDigits: 'n',
      maximumFractionDigits: 'n',
      minimumSignificantDigits: 'n',
      maximumSignificantDigits: 'n',
      signDisplay: 's',
      notation: 's',
      compactDisplay: 's',
      unit: 's',
      unitDisplay: 's',
      roundingMode: 's',
    },
    pluralRules: {
      type: 's',
      minimumIntegerDigits: 'n',
      minimumFractionDigits: 'n',
      maximumFractionDigits: 'n',
    },
    collator: { usage: 's', sensitivity: 's', ignorePunctuation: 'b', numeric: 'b', caseFirst: 's' },
  };

  // CanonicalizeLocaleList's reading of its argument (the host parses and canonicalizes).
  function localeList(locales) {
    if (locales === undefined) return [];
    if (typeof locales === 'string') return [locales];
    if (locales === null) throw new TypeError('Intl: the locales argument is null');
    const o = Object(locales);
    const length = Math.min(Math.max(Math.trunc(Number(o.length)) || 0, 0), 2 ** 32 - 1);
    const out = [];
    for (let k = 0; k < length; k++) {
      if (!(k in o)) continue;
      const tag = o[k];
      if (typeof tag !== 'string' && (typeof tag !== 'object' || tag === null)) {
        throw new TypeError(`Intl: locale ${String(tag)} is not a string`);
      }
      out.push(String(tag));
    }
    return out;
  }

  function readOptions(kind, options) {
    if (options === undefined) return {};
    if (options === null) throw new TypeError('Intl: options is null');
    const o = Object(options);
    const out = {};
    for (const [key, type] of Object.entries(OPTIONS[kind])) {
      const v = o[key];
      if (v === undefined) continue;
      if (type === 'b') out[key] = Boolean(v);
      else if (type === 'n') {
        const n = Number(v);
        // JSON has no NaN: a string the host refuses as out of range, as ECMA-402 does.
        out[key] = Number.isFinite(n) ? n : String(n);
      } else if (type === 'g') out[key] = typeof v === 'boolean' ? v : String(v);
      else out[key] = String(v);
    }
    return out;
  }

  const spec = (kind, locales, options, extra) =>
    JSON.stringify({ kind, locales: localeList(locales), options: { ...readOptions(kind, options), ...extra } });

  const parts = (list) => list.map(([type, value]) => ({ type, value }));

  // A time value from what format() takes (ECMA-402: undefined is now; else ToNumber).
  const timeValue = (date) => (date === undefined ? Date.now() : Number(date));

  // The four services share their shape: a constructor callable without `new` that resolves
  // its spec once, resolvedOptions(), supportedLocalesOf() and a toStringTag.
  const state = new WeakMap();
  function service(kind, name, methods) {
    const Service = function (locales, options) {
      if (!new.target) return new Service(locales, options);
      const text = spec(kind, locales, options);
      const resolved = JSON.parse(native.intlResolve(text));
      state.set(this, { spec: text, resolved, bound: undefined });
    };
    const own = (self, method) => {
      const s = state.get(self);
      if (!s) throw new TypeError(`Intl.${name}.prototype.${method} called on an incompatible receiver`);
      return s;
    };
    define(Service.prototype, 'resolvedOptions', function resolvedOptions() {
      return { ...own(this, 'resolvedOptions').resolved };
    });
    for (const [key, make] of Object.entries(methods)) {
      if (key === 'bound') {
        // `format` / `compare`: a getter returning a function bound to this instance.
        const [getter, fn] = make;
        Object.defineProperty(Service.prototype, getter, {
          configurable: true,
          enumerable: false,
          get() {
            const s = own(this, getter);
            s.bound ??= fn(s.spec);
            return s.bound;
          },
        });
      } else {
        define(Service.prototype, key, function (...args) {
          return make(own(this, key).spec, ...args);
        });
      }
    }
    Object.defineProperty(Service.prototype, Symbol.toStringTag, { value: `Intl.${name}`, configurable: true });
    define(Service, 'supportedLocalesOf', function supportedLocalesOf(locales) {
      return native.intlLocales(localeList(locales), true);
    });
    Object.defineProperty(Service, 'name', { value: name });
    return Service;
  }

  const DateTimeFormat = service('dateTimeFormat', 'DateTimeFormat', {
    bound: ['format', (s) => (date) => native.intlFormat(s, timeValue(date))],
    formatToParts: (s, date) => parts(native.intlParts(s, timeValue(date))),
  });
  const NumberFormat = service('numberFormat', 'NumberFormat', {
    bound: ['format', (s) => (value) => native.intlFormat(s, Number(value))],
    formatToParts: (s, value) => parts(native.intlParts(s, Number(value))),
  });
  const PluralRules = service('pluralRules', 'PluralRules', {
    select: (s, n) => native.intlSelect(s, Number(n)),
  });
  const Collator = service('collator', 'Collator', {
    bound: [
      'compare',
      (s) => (a, b) => native.intlCompare(s, native.wellFormed(String(a)), native.wellFormed(String(b))),
    ],
  });

  const Intl = {};
  define(Intl, 'DateTimeFormat', DateTimeFormat);
  define(Intl, 'NumberFormat', NumberFormat);
  define(Intl, 'PluralRules', PluralRules);
  define(Intl, 'Collator', Collator);
  define(Intl, 'getCanonicalLocales', function getCanonicalLocales(locales) {
    return native.intlLocales(localeList(locales), false);
  });
  Object.defineProperty(Intl, Symbol.toStringTag, { value: 'Intl', configurable: true });
  define(globalThis, 'Intl', Intl);

  // The locale-sensitive methods of the built-ins, as ECMA-402 redefines them.
  const getTime = Date.prototype.getTime;
  const dateMethod = (required, defaults) =>
    function (locales, options) {
      const t = getTime.call(this);
      if (Number.isNaN(t)) return 'Invalid Date';
      return native.intlFormat(spec('dateTimeFormat', locales, options, { required, defaults }), t);
    };
  define(Date.prototype, 'toLocaleString', dateMethod('any', 'all'));
  define(Date.prototype, 'toLocaleDateString', dateMethod('date', 'date'));
  define(Date.prototype, 'toLocaleTimeString', dateMethod('time', 'time'));

  const numberValue = Number.prototype.valueOf;
  define(Number.prototype, 'toLocaleString', function toLocaleString(locales, options) {
    return native.intlFormat(spec('numberFormat', locales, options), numberValue.call(this));
  });

  define(String.prototype, 'localeCompare', function localeCompare(that, locales, options) {
    if (this === undefined || this === null) throw new TypeError('String.prototype.localeCompare called on null or undefined');
    return native.intlCompare(
      spec('collator', locales, options),
      native.wellFormed(String(this)),
      native.wellFormed(String(that)),
    );
  });
});
