//! Locale negotiation: which of the app's requested locales a service uses.
//!
//! A locale is supported when CLDR knows its language (it has likely subtags: `de` → `de-Latn-DE`);
//! its region, script and extensions then select data through ICU4X's fallback (`de-AT` uses
//! `de-AT`'s data where it differs from `de`'s). The first supported request wins, then the
//! device's locale, then `en-US`, as ECMA-402's `ResolveLocale` with the lookup matcher.

use icu_locale::{LanguageIdentifier, Locale, LocaleExpander, TransformResult};

use crate::Error;

/// Parses a requested tag (a `RangeError` for one that is not BCP 47, as ECMA-402's
/// `CanonicalizeLocaleList`).
fn parse(tag: &str) -> Result<Locale, Error> {
    Locale::try_from_str(tag).map_err(|_| Error::Range(format!("Incorrect locale information provided: {tag}")))
}

fn supported(locale: &Locale) -> bool {
    // The language alone: a known one always gains a script and a region (`und` is no language).
    let mut language = LanguageIdentifier::from((locale.id.language, None, None));
    !language.language.is_unknown()
        && LocaleExpander::new_extended().maximize(&mut language) == TransformResult::Modified
}

/// The locale a service uses for `requested` on a device whose locale is `default`.
pub(crate) fn resolve(requested: &[String], default: &str) -> Result<Locale, Error> {
    for tag in requested {
        let locale = parse(tag)?;
        if supported(&locale) {
            return Ok(locale);
        }
    }
    Ok(Locale::try_from_str(default).ok().filter(supported).unwrap_or(icu_locale::locale!("en-US")))
}

/// `Intl.getCanonicalLocales`: each tag in canonical form (case, order of variants and
/// extensions), duplicates dropped, or a `RangeError` naming the first malformed one.
pub fn canonical_locales(tags: &[String]) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let canonical = parse(tag)?.to_string();
        if !out.contains(&canonical) {
            out.push(canonical);
        }
    }
    Ok(out)
}

/// `supportedLocalesOf`: the canonical tags among `tags` that the data supports.
pub fn supported_locales(tags: &[String]) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for tag in canonical_locales(tags)? {
        if supported(&parse(&tag)?) {
            out.push(tag);
        }
    }
    Ok(out)
}
