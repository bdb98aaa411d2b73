//! `Intl.Collator`: the Unicode Collation Algorithm with the locale's tailoring (ICU4X's
//! `Collator`), ECMA-402's `sensitivity`, `numeric`, `caseFirst` and `ignorePunctuation` mapped
//! onto the algorithm's strength, numeric ordering, case-first and alternate handling.
//!
//! `usage: "search"` is accepted and reported, but sorts as `"sort"` does: CLDR's search
//! tailorings are not in ICU4X's data.

use std::cmp::Ordering;

use icu_collator::options::{AlternateHandling, CaseLevel, CollatorOptions, Strength};
use icu_collator::preferences::{CollationCaseFirst, CollationNumericOrdering};
use icu_collator::{CollatorBorrowed, CollatorPreferences};
use icu_locale::Locale;
use serde::Deserialize;
use serde_json::json;

use crate::{Error, Options};

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
enum Usage {
    Sort,
    Search,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "camelCase")]
enum Sensitivity {
    Base,
    Accent,
    Case,
    Variant,
}

/// `caseFirst`: `false` may come as a boolean or as `"false"`.
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "camelCase")]
enum CaseFirst {
    Upper,
    Lower,
    False,
}

pub(crate) struct Collator {
    locale: Locale,
    usage: Usage,
    sensitivity: Sensitivity,
    ignore_punctuation: bool,
    numeric: bool,
    case_first: CaseFirst,
    collator: CollatorBorrowed<'static>,
}

impl Collator {
    pub(crate) fn new(locale: Locale, bag: &serde_json::Map<String, serde_json::Value>) -> Result<Self, Error> {
        let o = Options::new("Collator", bag);
        let usage = o.get("usage")?.unwrap_or(Usage::Sort);
        let sensitivity = o.get("sensitivity")?.unwrap_or(Sensitivity::Variant);
        let ignore_punctuation = o.get("ignorePunctuation")?.unwrap_or(false);
        let numeric = o.get("numeric")?.unwrap_or(false);
        let case_first = match bag.get("caseFirst") {
            Some(serde_json::Value::Bool(false)) => CaseFirst::False,
            _ => o.get("caseFirst")?.unwrap_or(CaseFirst::False),
        };
        let mut options = CollatorOptions::default();
        (options.strength, options.case_level) = match sensitivity {
            Sensitivity::Base => (Some(Strength::Primary), None),
            Sensitivity::Accent => (Some(Strength::Secondary), None),
            Sensitivity::Case => (Some(Strength::Primary), Some(CaseLevel::On)),
            Sensitivity::Variant => (Some(Strength::Tertiary), None),
        };
        if ignore_punctuation {
            options.alternate_handling = Some(AlternateHandling::Shifted);
        }
        let mut prefs = CollatorPreferences::from(&locale);
        if numeric {
            prefs.numeric_ordering = Some(CollationNumericOrdering::True);
        }
        prefs.case_first = match case_first {
            CaseFirst::Upper => Some(CollationCaseFirst::Upper),
            CaseFirst::Lower => Some(CollationCaseFirst::Lower),
            CaseFirst::False => prefs.case_first,
        };
        let collator = CollatorBorrowed::try_new(prefs, options)
            .map_err(|e| o.range(format!("no collation data for {locale}: {e}")))?;
        Ok(Collator { locale, usage, sensitivity, ignore_punctuation, numeric, case_first, collator })
    }

    pub(crate) fn compare(&self, a: &str, b: &str) -> Ordering {
        self.collator.compare(a, b)
    }

    pub(crate) fn resolved(&self) -> serde_json::Value {
        json!({
            "locale": self.locale.to_string(),
            "usage": if self.usage == Usage::Search { "search" } else { "sort" },
            "sensitivity": match self.sensitivity { Sensitivity::Base => "base", Sensitivity::Accent => "accent", Sensitivity::Case => "case", Sensitivity::Variant => "variant" },
            "ignorePunctuation": self.ignore_punctuation,
            "collation": "default",
            "numeric": self.numeric,
            "caseFirst": match self.case_first { CaseFirst::Upper => "upper", CaseFirst::Lower => "lower", CaseFirst::False => "false" },
        })
    }
}
