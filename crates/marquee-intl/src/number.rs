//! `Intl.NumberFormat`: decimals (ICU4X's `DecimalFormatter`), percentages and currencies
//! (`icu_experimental`'s formatters, the CLDR patterns and symbols), with ECMA-402's digit
//! options and half-expand rounding.
//!
//! What differs from a browser, on purpose or for now: currency amounts always take the
//! currency's own digits (ISO 4217 / CLDR: two for EUR, none for JPY) and the locale's grouping;
//! `notation` (compact, scientific), significant digits, `unit` style and rounding options other
//! than the default are not offered (a `RangeError` names them).

use fixed_decimal::{Decimal, FloatPrecision, SignDisplay, SignedRoundingMode, UnsignedRoundingMode};
use icu_decimal::DecimalFormatter;
use icu_decimal::options::{DecimalFormatterOptions, GroupingStrategy};
use icu_experimental::dimension::currency::CurrencyType;
use icu_experimental::dimension::currency::formatter::CurrencyFormatter;
use icu_experimental::dimension::percent::formatter::PercentFormatter;
use icu_locale::Locale;
use serde::Deserialize;
use serde_json::json;

use crate::parts::{self, Part, Symbols};
use crate::{Error, Options};

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
enum Style {
    Decimal,
    Percent,
    Currency,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "camelCase")]
enum CurrencyDisplay {
    Symbol,
    NarrowSymbol,
    Code,
    Name,
}

/// `useGrouping`: `true` means `"always"` and `false` (or `"false"`) none, as in ECMA-402
/// (2023) does.
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "camelCase")]
enum Grouping {
    Always,
    Auto,
    Min2,
    False,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "camelCase")]
enum Sign {
    Auto,
    Never,
    Always,
    ExceptZero,
    Negative,
}

/// ECMA-402's digit options (`SetNumberFormatDigitOptions`, fraction digits only), shared with
/// `Intl.PluralRules`, whose categories depend on the digits shown ("1" is one, "1.0" other).
#[derive(Clone, Copy)]
pub(crate) struct Digits {
    pub(crate) min_integer: u8,
    pub(crate) min_fraction: u8,
    pub(crate) max_fraction: u8,
}

impl Digits {
    pub(crate) fn read(o: &Options<'_>, default_min: u8, default_max: u8) -> Result<Self, Error> {
        for unsupported in ["minimumSignificantDigits", "maximumSignificantDigits", "roundingIncrement"] {
            if o.bag.contains_key(unsupported) {
                return Err(o.range(format!("{unsupported} is not supported")));
            }
        }
        let min_integer = o.digits("minimumIntegerDigits", 1, 21)?.unwrap_or(1);
        let min = o.digits("minimumFractionDigits", 0, 100)?;
        let max = o.digits("maximumFractionDigits", 0, 100)?;
        let (min_fraction, max_fraction) = match (min, max) {
            (None, None) => (default_min, default_max),
            (Some(min), None) => (min, min.max(default_max)),
            (None, Some(max)) => (default_min.min(max), max),
            (Some(min), Some(max)) if min > max => {
                return Err(o.range(format!("maximumFractionDigits {max} is less than minimumFractionDigits {min}")));
            }
            (Some(min), Some(max)) => (min, max),
        };
        Ok(Digits { min_integer, min_fraction, max_fraction })
    }

    /// `x` as the decimal these digits show (`x` finite).
    pub(crate) fn decimal(&self, x: f64, shift: i16) -> Decimal {
        let mut d = Decimal::try_from_f64(x, FloatPrecision::RoundTrip).unwrap_or_default();
        d.multiply_pow10(shift);
        d.round_with_mode(
            -i16::from(self.max_fraction),
            SignedRoundingMode::Unsigned(UnsignedRoundingMode::HalfExpand),
        );
        d.absolute.trim_end();
        d.absolute.pad_end(-i16::from(self.min_fraction));
        d.absolute.pad_start(i16::from(self.min_integer));
        d
    }
}

enum Formatter {
    Decimal,
    Percent(PercentFormatter<DecimalFormatter>),
    Currency(CurrencyFormatter<DecimalFormatter>, String, CurrencyDisplay),
}

pub(crate) struct NumberFormat {
    locale: Locale,
    style: Style,
    digits: Digits,
    grouping: Grouping,
    sign: Sign,
    decimal: DecimalFormatter,
    formatter: Formatter,
    symbols: Symbols,
}

impl NumberFormat {
    pub(crate) fn new(locale: Locale, bag: &serde_json::Map<String, serde_json::Value>) -> Result<Self, Error> {
        let o = Options::new("NumberFormat", bag);
        for unsupported in ["notation", "compactDisplay", "unit", "unitDisplay", "roundingMode", "roundingPriority"] {
            if bag.contains_key(unsupported) {
                return Err(o.range(format!("{unsupported} is not supported")));
            }
        }
        let style = o.get("style")?.unwrap_or(Style::Decimal);
        let currency: Option<String> = o.get("currency")?;
        let currency = match currency {
            Some(code) if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) => {
                Some(code.to_ascii_uppercase())
            }
            Some(code) => return Err(o.range(format!("invalid currency code: {code}"))),
            None => None,
        };
        let display = o.get("currencyDisplay")?.unwrap_or(CurrencyDisplay::Symbol);
        let digits = match style {
            Style::Decimal => Digits::read(&o, 0, 3)?,
            Style::Percent => Digits::read(&o, 0, 0)?,
            // The currency formatter rounds to the currency's digits: the value reaches it whole.
            Style::Currency => Digits { max_fraction: 20, ..Digits::read(&o, 0, 20)? },
        };
        let grouping = match bag.get("useGrouping") {
            Some(serde_json::Value::Bool(true)) => Grouping::Always,
            Some(serde_json::Value::Bool(false)) => Grouping::False,
            _ => o.get("useGrouping")?.unwrap_or(Grouping::Auto),
        };
        let sign = o.get("signDisplay")?.unwrap_or(Sign::Auto);
        let mut decimal_options = DecimalFormatterOptions::default();
        decimal_options.grouping_strategy = Some(match grouping {
            Grouping::Always => GroupingStrategy::Always,
            Grouping::Auto => GroupingStrategy::Auto,
            Grouping::Min2 => GroupingStrategy::Min2,
            Grouping::False => GroupingStrategy::Never,
        });
        let data = |e: icu_provider::DataError| o.range(format!("no data for {locale}: {e}"));
        let decimal = DecimalFormatter::try_new((&locale).into(), decimal_options).map_err(data)?;
        let formatter = match (style, currency) {
            (Style::Decimal, _) => Formatter::Decimal,
            (Style::Percent, _) => Formatter::Percent(
                PercentFormatter::try_new_with_decimal_formatter(
                    (&locale).into(),
                    DecimalFormatter::try_new((&locale).into(), decimal_options).map_err(data)?,
                    Default::default(),
                )
                .map_err(data)?,
            ),
            (Style::Currency, None) => return Err(o.type_error("currency is required with style currency".into())),
            (Style::Currency, Some(code)) => {
                let currency: CurrencyType =
                    code.parse().map_err(|_| o.range(format!("invalid currency code: {code}")))?;
                let prefs = (&locale).into();
                let formatter = match display {
                    CurrencyDisplay::Symbol => CurrencyFormatter::try_new_symbol(prefs, currency, Default::default()),
                    CurrencyDisplay::NarrowSymbol => {
                        CurrencyFormatter::try_new_symbol_narrow(prefs, currency, Default::default())
                    }
                    CurrencyDisplay::Code => CurrencyFormatter::try_new_code(prefs, currency, Default::default()),
                    CurrencyDisplay::Name => CurrencyFormatter::try_new_name(prefs, currency),
                }
                .map_err(data)?;
                Formatter::Currency(formatter, code, display)
            }
        };
        let symbols = symbols(&locale).map_err(data)?;
        Ok(NumberFormat { locale, style, digits, grouping, sign, decimal, formatter, symbols })
    }

    /// The decimal `x` shows, or the text of a value no decimal holds (`NaN`, `∞`).
    fn value(&self, x: f64) -> Result<Decimal, Part> {
        if x.is_nan() {
            return Err(Part { kind: "nan", value: "NaN".into() });
        }
        if x.is_infinite() {
            let sign = if x < 0.0 { "-" } else { "" };
            return Err(Part { kind: "infinity", value: format!("{sign}∞") });
        }
        let mut d = self.digits.decimal(x, if self.style == Style::Percent { 2 } else { 0 });
        d.apply_sign_display(match self.sign {
            Sign::Auto => SignDisplay::Auto,
            Sign::Never => SignDisplay::Never,
            Sign::Always => SignDisplay::Always,
            Sign::ExceptZero => SignDisplay::ExceptZero,
            Sign::Negative => SignDisplay::Negative,
        });
        Ok(d)
    }

    pub(crate) fn format(&self, x: f64) -> String {
        match self.value(x) {
            Err(text) => text.value,
            Ok(d) => match &self.formatter {
                Formatter::Decimal => self.decimal.format(&d).to_string(),
                Formatter::Percent(p) => p.format(&d).to_string(),
                Formatter::Currency(c, ..) => c.format_fixed_decimal(&d).to_string(),
            },
        }
    }

    pub(crate) fn format_to_parts(&self, x: f64) -> Vec<Part> {
        let d = match self.value(x) {
            Err(text) => return vec![text],
            Ok(d) => d,
        };
        match &self.formatter {
            Formatter::Decimal => parts::split(&self.decimal.format(&d), decimal_part),
            Formatter::Percent(p) => parts::around(&p.format(&d).to_string(), &self.symbols, "percentSign"),
            Formatter::Currency(c, ..) => {
                parts::around(&c.format_fixed_decimal(&d).to_string(), &self.symbols, "currency")
            }
        }
    }

    pub(crate) fn resolved(&self) -> serde_json::Value {
        let mut r = json!({
            "locale": self.locale.to_string(),
            "numberingSystem": numbering_system(&self.decimal),
            "style": match self.style { Style::Decimal => "decimal", Style::Percent => "percent", Style::Currency => "currency" },
            "minimumIntegerDigits": self.digits.min_integer,
            "useGrouping": match self.grouping { Grouping::Always => json!("always"), Grouping::Auto => json!("auto"), Grouping::Min2 => json!("min2"), Grouping::False => json!(false) },
            "notation": "standard",
            "signDisplay": match self.sign { Sign::Auto => "auto", Sign::Never => "never", Sign::Always => "always", Sign::ExceptZero => "exceptZero", Sign::Negative => "negative" },
            "roundingMode": "halfExpand",
        });
        if self.style != Style::Currency {
            r["minimumFractionDigits"] = json!(self.digits.min_fraction);
            r["maximumFractionDigits"] = json!(self.digits.max_fraction);
        }
        if let Formatter::Currency(_, code, display) = &self.formatter {
            r["currency"] = json!(code);
            r["currencyDisplay"] = json!(match display {
                CurrencyDisplay::Symbol => "symbol",
                CurrencyDisplay::NarrowSymbol => "narrowSymbol",
                CurrencyDisplay::Code => "code",
                CurrencyDisplay::Name => "name",
            });
        }
        r
    }
}

/// ECMA-402's names for ICU4X's decimal parts.
fn decimal_part(part: writeable::Part) -> Option<&'static str> {
    use icu_decimal::parts::*;
    Some(match part {
        p if p == INTEGER => "integer",
        p if p == FRACTION => "fraction",
        p if p == GROUP => "group",
        p if p == DECIMAL => "decimal",
        p if p == MINUS_SIGN => "minusSign",
        p if p == PLUS_SIGN => "plusSign",
        _ => return None,
    })
}

/// The numbering system of the digits a formatter writes (its locale's default, or `-u-nu-`),
/// found from how it writes zero: ICU4X's formatter has the digits, not the system's name.
pub(crate) fn numbering_system(decimal: &DecimalFormatter) -> &'static str {
    const SYSTEMS: &[(char, &str)] = &[
        ('0', "latn"),
        ('\u{0660}', "arab"),
        ('\u{06F0}', "arabext"),
        ('\u{0966}', "deva"),
        ('\u{09E6}', "beng"),
        ('\u{0E50}', "thai"),
        ('\u{1040}', "mymr"),
        ('\u{0AE6}', "gujr"),
        ('\u{0A66}', "guru"),
        ('\u{0BE6}', "tamldec"),
        ('\u{0C66}', "telu"),
        ('\u{0CE6}', "knda"),
        ('\u{0D66}', "mlym"),
        ('\u{0B66}', "orya"),
        ('\u{17E0}', "khmr"),
        ('\u{0ED0}', "laoo"),
        ('\u{0F20}', "tibt"),
        ('\u{FF10}', "fullwide"),
        ('\u{3007}', "hanidec"),
    ];
    let zero = decimal.format(&Decimal::from(0)).to_string();
    zero.chars().find_map(|c| SYSTEMS.iter().find(|(z, _)| *z == c).map(|(_, name)| *name)).unwrap_or("latn")
}

/// The locale's number symbols, read from how its decimal formatter writes `-1,234.5` and `+1`.
fn symbols(locale: &Locale) -> Result<Symbols, icu_provider::DataError> {
    let mut options = DecimalFormatterOptions::default();
    options.grouping_strategy = Some(GroupingStrategy::Always);
    let decimal = DecimalFormatter::try_new(locale.into(), options)?;
    let mut negative: Decimal = Decimal::from(-12345);
    negative.multiply_pow10(-1);
    let mut positive = Decimal::from(1);
    positive.apply_sign_display(SignDisplay::Always);
    Ok(Symbols::learn(
        parts::split(&decimal.format(&negative), decimal_part),
        parts::split(&decimal.format(&positive), decimal_part),
    ))
}
