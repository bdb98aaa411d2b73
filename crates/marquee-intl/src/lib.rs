//! The app runtime's `Intl`: ECMA-402's formatters over ICU4X, the Unicode Consortium's Rust
//! internationalisation library, and its compiled CLDR data.
//!
//! Why ICU4X: it is the CLDR's own implementation in Rust (the same data as ICU4C, which browsers
//! use), it ships its data compiled into the binary with no files to install on a device, and its
//! `fieldbag` mirrors ECMA-402's options bag, so `Intl.DateTimeFormat`'s options map onto it one to
//! one. Time zones come from jiff (the rules bundled, the device's zone from `TZ` or
//! `/etc/localtime`).
//!
//! The JavaScript side (`marquee-js`'s `intl.js`) checks option types as ECMA-402's `GetOption`
//! does and hands this crate a [`Spec`]: which service, the locales asked for, and the options as
//! JSON. [`Intl`] resolves it once (the locale, defaults, errors as `RangeError`/`TypeError`) and
//! keeps the built formatter under the spec's text, so `toLocaleString` called every frame with
//! the same arguments builds nothing.

mod collator;
mod date_time;
mod locale;
mod number;
mod parts;
mod plural;

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

pub use locale::{canonical_locales, supported_locales};
pub use parts::Part;

/// How many built formatters [`Intl`] keeps: enough for an app's distinct formats, and bounded,
/// since a spec is app input.
const CACHE: usize = 256;

/// A failure to build or use a formatter, as the JavaScript error it becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// An option or locale out of its range (JavaScript `RangeError`).
    Range(String),
    /// An option of the wrong kind or a missing one (JavaScript `TypeError`).
    Type(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Range(m) | Error::Type(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

/// Which `Intl` service a spec builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// `Intl.DateTimeFormat` and `Date.prototype.toLocale*String`.
    DateTimeFormat,
    /// `Intl.NumberFormat` and `Number.prototype.toLocaleString`.
    NumberFormat,
    /// `Intl.PluralRules`.
    PluralRules,
    /// `Intl.Collator` and `String.prototype.localeCompare`.
    Collator,
}

/// What `intl.js` asks for: a service, the app's locales in order of preference, and the options
/// (already coerced to strings, numbers and booleans).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The service.
    pub kind: Kind,
    /// The locales asked for; the first one the data supports wins, else `default_locale`.
    #[serde(default)]
    pub locales: Vec<String>,
    /// The options bag.
    #[serde(default)]
    pub options: serde_json::Map<String, serde_json::Value>,
}

/// One built service, kept boxed in the cache: they differ in size (a date formatter is ~2 KB,
/// a collator a few words).
#[expect(clippy::large_enum_variant, reason = "each lives in its own Box in the cache")]
enum Service {
    DateTime(date_time::DateTimeFormat),
    Number(number::NumberFormat),
    Plural(plural::PluralRules),
    Collator(collator::Collator),
}

/// A built service and its `resolvedOptions()` as JSON, worked out once: a constructor asks for
/// them every time, and some take building other formatters (the hour cycle, the digits).
struct Built {
    service: Box<Service>,
    resolved: String,
}

/// The formatters an app has built, by spec, and the device's default locale.
pub struct Intl {
    default_locale: String,
    built: HashMap<String, Built>,
}

impl Intl {
    /// An empty cache for a device whose preferred locale is `default_locale` (a BCP 47 tag; an
    /// invalid one falls back to `en-US`).
    pub fn new(default_locale: &str) -> Self {
        Intl { default_locale: default_locale.to_owned(), built: HashMap::new() }
    }

    /// Builds (or finds) the service `spec` (a [`Spec`] as JSON) names and returns its
    /// `resolvedOptions()` as JSON.
    pub fn resolve(&mut self, spec: &str) -> Result<String, Error> {
        Ok(self.entry(spec)?.resolved.clone())
    }

    /// Formats a number (`NumberFormat`) or a time value in milliseconds since the epoch
    /// (`DateTimeFormat`).
    pub fn format(&mut self, spec: &str, value: f64) -> Result<String, Error> {
        match self.service(spec)? {
            Service::DateTime(f) => f.format(value),
            Service::Number(f) => Ok(f.format(value)),
            _ => Err(wrong(spec, "format")),
        }
    }

    /// [`Intl::format`] as ECMA-402's parts (`formatToParts`).
    pub fn format_to_parts(&mut self, spec: &str, value: f64) -> Result<Vec<Part>, Error> {
        match self.service(spec)? {
            Service::DateTime(f) => f.format_to_parts(value),
            Service::Number(f) => Ok(f.format_to_parts(value)),
            _ => Err(wrong(spec, "formatToParts")),
        }
    }

    /// The plural category (`"zero"`, `"one"`, `"two"`, `"few"`, `"many"` or `"other"`) of `n`.
    pub fn select(&mut self, spec: &str, n: f64) -> Result<&'static str, Error> {
        match self.service(spec)? {
            Service::Plural(p) => Ok(p.select(n)),
            _ => Err(wrong(spec, "select")),
        }
    }

    /// Compares two strings in the collator's order.
    pub fn compare(&mut self, spec: &str, a: &str, b: &str) -> Result<Ordering, Error> {
        match self.service(spec)? {
            Service::Collator(c) => Ok(c.compare(a, b)),
            _ => Err(wrong(spec, "compare")),
        }
    }

    /// How many services are built (bounded by the cache).
    pub fn built(&self) -> usize {
        self.built.len()
    }

    fn service(&mut self, spec_text: &str) -> Result<&Service, Error> {
        Ok(&self.entry(spec_text)?.service)
    }

    fn entry(&mut self, spec_text: &str) -> Result<&Built, Error> {
        if !self.built.contains_key(spec_text) {
            let spec: Spec =
                serde_json::from_str(spec_text).map_err(|e| Error::Type(format!("Intl: a malformed request: {e}")))?;
            let locale = locale::resolve(&spec.locales, &self.default_locale)?;
            let options = &spec.options;
            let service = match spec.kind {
                Kind::DateTimeFormat => Service::DateTime(date_time::DateTimeFormat::new(locale, options)?),
                Kind::NumberFormat => Service::Number(number::NumberFormat::new(locale, options)?),
                Kind::PluralRules => Service::Plural(plural::PluralRules::new(locale, options)?),
                Kind::Collator => Service::Collator(collator::Collator::new(locale, options)?),
            };
            if self.built.len() >= CACHE {
                // Dropping all is simplest and rare: an app with more distinct formats than
                // this rebuilds them as it uses them.
                self.built.clear();
            }
            let resolved = service.resolved().to_string();
            self.built.insert(spec_text.to_owned(), Built { service: Box::new(service), resolved });
        }
        Ok(&self.built[spec_text])
    }
}

impl Service {
    fn resolved(&self) -> serde_json::Value {
        match self {
            Service::DateTime(f) => f.resolved(),
            Service::Number(f) => f.resolved(),
            Service::Plural(p) => p.resolved(),
            Service::Collator(c) => c.resolved(),
        }
    }
}

fn wrong(spec: &str, method: &str) -> Error {
    Error::Type(format!("Intl: {method} does not apply to {spec}"))
}

/// The options bag of one service, read option by option as ECMA-402's `GetOption` does: an
/// absent option is `None`, a value outside the option's list a `RangeError` naming both.
struct Options<'a> {
    service: &'static str,
    bag: &'a serde_json::Map<String, serde_json::Value>,
}

impl<'a> Options<'a> {
    fn new(service: &'static str, bag: &'a serde_json::Map<String, serde_json::Value>) -> Self {
        Options { service, bag }
    }

    fn get<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Error> {
        match self.bag.get(name) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(value) => serde_json::from_value(value.clone())
                .map(Some)
                .map_err(|e| Error::Range(format!("Intl.{}: {name} {value} is out of range: {e}", self.service))),
        }
    }

    /// A whole number option within `min..=max` (ECMA-402's `GetNumberOption`).
    fn digits(&self, name: &str, min: u8, max: u8) -> Result<Option<u8>, Error> {
        match self.get::<f64>(name)? {
            None => Ok(None),
            Some(n) if n.is_finite() && n >= f64::from(min) && n <= f64::from(max) => Ok(Some(n.floor() as u8)),
            Some(n) => Err(Error::Range(format!("Intl.{}: {name} {n} is out of range {min}..{max}", self.service))),
        }
    }

    fn range(&self, message: String) -> Error {
        Error::Range(format!("Intl.{}: {message}", self.service))
    }

    fn type_error(&self, message: String) -> Error {
        Error::Type(format!("Intl.{}: {message}", self.service))
    }
}
