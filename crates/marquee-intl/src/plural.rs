//! `Intl.PluralRules`: CLDR's cardinal ("1 episode", "2 episodes"; Arabic's six forms) and
//! ordinal ("1st", "2nd") categories, through ICU4X's `PluralRules`, of the number as the digit
//! options would show it.

use icu_locale::Locale;
use icu_plurals::{PluralCategory, PluralOperands, PluralRuleType, PluralRules as Rules};
use serde::Deserialize;
use serde_json::json;

use crate::number::Digits;
use crate::{Error, Options};

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
enum Type {
    Cardinal,
    Ordinal,
}

pub(crate) struct PluralRules {
    locale: Locale,
    kind: Type,
    digits: Digits,
    rules: Rules,
}

impl PluralRules {
    pub(crate) fn new(locale: Locale, bag: &serde_json::Map<String, serde_json::Value>) -> Result<Self, Error> {
        let o = Options::new("PluralRules", bag);
        let kind = o.get("type")?.unwrap_or(Type::Cardinal);
        let digits = Digits::read(&o, 0, 3)?;
        let rule_type = if kind == Type::Ordinal { PluralRuleType::Ordinal } else { PluralRuleType::Cardinal };
        let rules = Rules::try_new((&locale).into(), rule_type.into())
            .map_err(|e| o.range(format!("no plural rules for {locale}: {e}")))?;
        Ok(PluralRules { locale, kind, digits, rules })
    }

    pub(crate) fn select(&self, n: f64) -> &'static str {
        if !n.is_finite() {
            return "other";
        }
        let operands = PluralOperands::from(&self.digits.decimal(n.abs(), 0));
        name(self.rules.category_for(operands))
    }

    pub(crate) fn resolved(&self) -> serde_json::Value {
        let categories: Vec<&str> = self.rules.categories().map(name).collect();
        json!({
            "locale": self.locale.to_string(),
            "type": if self.kind == Type::Ordinal { "ordinal" } else { "cardinal" },
            "minimumIntegerDigits": self.digits.min_integer,
            "minimumFractionDigits": self.digits.min_fraction,
            "maximumFractionDigits": self.digits.max_fraction,
            "pluralCategories": categories,
        })
    }
}

fn name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}
