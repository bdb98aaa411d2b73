//! Intl's outputs for the locales the issue lists (en, de, fr, es, ar, he, hi, ja, zh), each
//! checked against Node 20 (ICU 78, CLDR 48): where ICU4X differs, a comment gives Node's text
//! and why. The instant is 2023-11-14T22:13:20Z.

use std::cmp::Ordering;

use marquee_intl::{Error, Intl, Part};
use serde_json::json;

#[derive(Clone, Copy)]
enum Kind {
    Date,
    Number,
}
use Kind::{Date, Number};

fn spec(kind: &str, locale: &str, options: &str) -> String {
    let options: serde_json::Value = serde_json::from_str(options).unwrap();
    json!({ "kind": kind, "locales": [locale], "options": options }).to_string()
}

#[test]
fn dates_and_numbers_read_as_each_locale_writes_them() {
    #[rustfmt::skip]
    let cases: &[(Kind, &str, &str, f64, &str)] = &[
        (Date, "en-US", r#"{"timeZone":"UTC"}"#, 1700000000000.0, "11/14/2023"),
        (Date, "en-US", r#"{"dateStyle":"full","timeZone":"Asia/Tokyo"}"#, 1700000000000.0, "Wednesday, November 15, 2023"),
        (Date, "en-US", r#"{"dateStyle":"medium","timeStyle":"short","timeZone":"UTC"}"#, 1700000000000.0, "Nov 14, 2023, 10:13\u{202f}PM"),  // Node: a space for U+202F (V8 undoes CLDR 42's change)
        (Date, "en-US", r#"{"day":"numeric","month":"long","timeZone":"America/New_York","weekday":"short"}"#, 1700000000000.0, "Tuesday, November 14"),  // Node: "Tue, November 14" (ICU4X gives the fields one length)
        (Date, "en-US", r#"{"hour":"numeric","minute":"2-digit","timeZone":"Europe/Berlin"}"#, 1700000000000.0, "11:13\u{202f}PM"),  // Node: a space for U+202F (V8 undoes CLDR 42's change)
        (Date, "en-US", r#"{"hour":"numeric","hour12":true,"minute":"2-digit","timeZone":"UTC"}"#, 1700000000000.0, "10:13\u{202f}PM"),  // Node: a space for U+202F (V8 undoes CLDR 42's change)
        (Number, "en-US", r#"{}"#, -1234567.891, "-1,234,567.891"),
        (Number, "en-US", r#"{"minimumFractionDigits":2}"#, 0.5, "0.50"),
        (Number, "en-US", r#"{"style":"percent"}"#, 0.256, "26%"),
        (Number, "en-US", r#"{"currency":"EUR","style":"currency"}"#, 1234.5, "€1,234.50"),
        (Number, "en-US", r#"{"currency":"USD","currencyDisplay":"code","style":"currency"}"#, -9.99, "-USD\u{a0}9.99"),
        (Number, "en-US", r#"{"maximumFractionDigits":0,"useGrouping":false}"#, 98765.5, "98766"),
        (Date, "de", r#"{"timeZone":"UTC"}"#, 1700000000000.0, "14.11.2023"),
        (Date, "de", r#"{"dateStyle":"full","timeZone":"Asia/Tokyo"}"#, 1700000000000.0, "Mittwoch, 15. November 2023"),
        (Date, "de", r#"{"dateStyle":"medium","timeStyle":"short","timeZone":"UTC"}"#, 1700000000000.0, "14.11.2023, 22:13"),
        (Date, "de", r#"{"day":"numeric","month":"long","timeZone":"America/New_York","weekday":"short"}"#, 1700000000000.0, "Dienstag, 14. November"),  // Node: "Di., 14. November" (ICU4X gives the fields one length)
        (Date, "de", r#"{"hour":"numeric","minute":"2-digit","timeZone":"Europe/Berlin"}"#, 1700000000000.0, "23:13"),
        (Date, "de", r#"{"hour":"numeric","hour12":true,"minute":"2-digit","timeZone":"UTC"}"#, 1700000000000.0, "10:13\u{202f}PM"),  // Node: a space for U+202F (V8 undoes CLDR 42's change)
        (Number, "de", r#"{}"#, -1234567.891, "-1.234.567,891"),
        (Number, "de", r#"{"minimumFractionDigits":2}"#, 0.5, "0,50"),
        (Number, "de", r#"{"style":"percent"}"#, 0.256, "26\u{a0}%"),
        (Number, "de", r#"{"currency":"EUR","style":"currency"}"#, 1234.5, "1.234,50\u{a0}€"),
        (Number, "de", r#"{"currency":"USD","currencyDisplay":"code","style":"currency"}"#, -9.99, "-9,99\u{a0}USD"),
        (Number, "de", r#"{"maximumFractionDigits":0,"useGrouping":false}"#, 98765.5, "98766"),
        (Date, "fr", r#"{"timeZone":"UTC"}"#, 1700000000000.0, "14/11/2023"),
        (Date, "fr", r#"{"dateStyle":"full","timeZone":"Asia/Tokyo"}"#, 1700000000000.0, "mercredi 15 novembre 2023"),
        (Date, "fr", r#"{"dateStyle":"medium","timeStyle":"short","timeZone":"UTC"}"#, 1700000000000.0, "14 nov. 2023, 22:13"),
        (Date, "fr", r#"{"day":"numeric","month":"long","timeZone":"America/New_York","weekday":"short"}"#, 1700000000000.0, "mardi 14 novembre"),  // Node: "mar. 14 novembre" (ICU4X gives the fields one length)
        (Date, "fr", r#"{"hour":"numeric","minute":"2-digit","timeZone":"Europe/Berlin"}"#, 1700000000000.0, "23:13"),
        (Date, "fr", r#"{"hour":"numeric","hour12":true,"minute":"2-digit","timeZone":"UTC"}"#, 1700000000000.0, "10:13\u{202f}PM"),  // Node: a space for U+202F (V8 undoes CLDR 42's change)
        (Number, "fr", r#"{}"#, -1234567.891, "-1\u{202f}234\u{202f}567,891"),
        (Number, "fr", r#"{"minimumFractionDigits":2}"#, 0.5, "0,50"),
        (Number, "fr", r#"{"style":"percent"}"#, 0.256, "26\u{a0}%"),
        (Number, "fr", r#"{"currency":"EUR","style":"currency"}"#, 1234.5, "1\u{202f}234,50\u{a0}€"),
        (Number, "fr", r#"{"currency":"USD","currencyDisplay":"code","style":"currency"}"#, -9.99, "-9,99\u{a0}USD"),
        (Number, "fr", r#"{"maximumFractionDigits":0,"useGrouping":false}"#, 98765.5, "98766"),
        (Date, "es", r#"{"timeZone":"UTC"}"#, 1700000000000.0, "14/11/2023"),
        (Date, "es", r#"{"dateStyle":"full","timeZone":"Asia/Tokyo"}"#, 1700000000000.0, "miércoles, 15 de noviembre de 2023"),
        (Date, "es", r#"{"dateStyle":"medium","timeStyle":"short","timeZone":"UTC"}"#, 1700000000000.0, "14 nov 2023, 22:13"),
        (Date, "es", r#"{"day":"numeric","month":"long","timeZone":"America/New_York","weekday":"short"}"#, 1700000000000.0, "martes, 14 de noviembre"),  // Node: "mar, 14 de noviembre" (ICU4X gives the fields one length)
        (Date, "es", r#"{"hour":"numeric","minute":"2-digit","timeZone":"Europe/Berlin"}"#, 1700000000000.0, "23:13"),
        (Date, "es", r#"{"hour":"numeric","hour12":true,"minute":"2-digit","timeZone":"UTC"}"#, 1700000000000.0, "10:13\u{202f}p.\u{202f}m."),  // Node: a space for U+202F (V8 undoes CLDR 42's change)
        (Number, "es", r#"{}"#, -1234567.891, "-1.234.567,891"),
        (Number, "es", r#"{"minimumFractionDigits":2}"#, 0.5, "0,50"),
        (Number, "es", r#"{"style":"percent"}"#, 0.256, "26\u{a0}%"),
        (Number, "es", r#"{"currency":"EUR","style":"currency"}"#, 1234.5, "1234,50\u{a0}€"),
        (Number, "es", r#"{"currency":"USD","currencyDisplay":"code","style":"currency"}"#, -9.99, "-9,99\u{a0}USD"),
        (Number, "es", r#"{"maximumFractionDigits":0,"useGrouping":false}"#, 98765.5, "98766"),
        (Date, "ar", r#"{"timeZone":"UTC"}"#, 1700000000000.0, "14\u{200f}/11\u{200f}/2023"),
        (Date, "ar", r#"{"dateStyle":"full","timeZone":"Asia/Tokyo"}"#, 1700000000000.0, "الأربعاء، 15 نوفمبر 2023"),
        (Date, "ar", r#"{"dateStyle":"medium","timeStyle":"short","timeZone":"UTC"}"#, 1700000000000.0, "14\u{200f}/11\u{200f}/2023، 10:13 م"),
        (Date, "ar", r#"{"day":"numeric","month":"long","timeZone":"America/New_York","weekday":"short"}"#, 1700000000000.0, "الثلاثاء، 14 نوفمبر"),
        (Date, "ar", r#"{"hour":"numeric","minute":"2-digit","timeZone":"Europe/Berlin"}"#, 1700000000000.0, "11:13 م"),
        (Date, "ar", r#"{"hour":"numeric","hour12":true,"minute":"2-digit","timeZone":"UTC"}"#, 1700000000000.0, "10:13 م"),
        (Number, "ar", r#"{}"#, -1234567.891, "\u{200e}-1,234,567.891"),
        (Number, "ar", r#"{"minimumFractionDigits":2}"#, 0.5, "0.50"),
        (Number, "ar", r#"{"style":"percent"}"#, 0.256, "26\u{200e}%\u{200e}"),
        (Number, "ar", r#"{"currency":"EUR","style":"currency"}"#, 1234.5, "\u{200f}1,234.50\u{a0}€"),
        (Number, "ar", r#"{"currency":"USD","currencyDisplay":"code","style":"currency"}"#, -9.99, "\u{200f}\u{200e}-9.99\u{a0}USD"),
        (Number, "ar", r#"{"maximumFractionDigits":0,"useGrouping":false}"#, 98765.5, "98766"),
        (Date, "ar-EG", r#"{"timeZone":"UTC"}"#, 1700000000000.0, "١٤\u{200f}/١١\u{200f}/٢٠٢٣"),
        (Date, "ar-EG", r#"{"dateStyle":"full","timeZone":"Asia/Tokyo"}"#, 1700000000000.0, "الأربعاء، ١٥ نوفمبر ٢٠٢٣"),
        (Date, "ar-EG", r#"{"dateStyle":"medium","timeStyle":"short","timeZone":"UTC"}"#, 1700000000000.0, "١٤\u{200f}/١١\u{200f}/٢٠٢٣، ١٠:١٣ م"),
        (Date, "ar-EG", r#"{"day":"numeric","month":"long","timeZone":"America/New_York","weekday":"short"}"#, 1700000000000.0, "الثلاثاء، ١٤ نوفمبر"),
        (Date, "ar-EG", r#"{"hour":"numeric","minute":"2-digit","timeZone":"Europe/Berlin"}"#, 1700000000000.0, "١١:١٣ م"),
        (Date, "ar-EG", r#"{"hour":"numeric","hour12":true,"minute":"2-digit","timeZone":"UTC"}"#, 1700000000000.0, "١٠:١٣ م"),
        (Number, "ar-EG", r#"{}"#, -1234567.891, "\u{61c}-١٬٢٣٤٬٥٦٧٫٨٩١"),
        (Number, "ar-EG", r#"{"minimumFractionDigits":2}"#, 0.5, "٠٫٥٠"),
        (Number, "ar-EG", r#"{"style":"percent"}"#, 0.256, "٢٦\u{200e}%\u{200e}"),  // Node: "٢٦٪\u{61c}" (its CLDR data differs)
        (Number, "ar-EG", r#"{"currency":"EUR","style":"currency"}"#, 1234.5, "\u{200f}١٬٢٣٤٫٥٠\u{a0}€"),
        (Number, "ar-EG", r#"{"currency":"USD","currencyDisplay":"code","style":"currency"}"#, -9.99, "\u{61c}-\u{200f}٩٫٩٩\u{a0}USD"),
        (Number, "ar-EG", r#"{"maximumFractionDigits":0,"useGrouping":false}"#, 98765.5, "٩٨٧٦٦"),
        (Date, "he", r#"{"timeZone":"UTC"}"#, 1700000000000.0, "14.11.2023"),
        (Date, "he", r#"{"dateStyle":"full","timeZone":"Asia/Tokyo"}"#, 1700000000000.0, "יום רביעי, 15 בנובמבר 2023"),
        (Date, "he", r#"{"dateStyle":"medium","timeStyle":"short","timeZone":"UTC"}"#, 1700000000000.0, "14 בנוב׳ 2023, 22:13"),
        (Date, "he", r#"{"day":"numeric","month":"long","timeZone":"America/New_York","weekday":"short"}"#, 1700000000000.0, "יום שלישי, 14 בנובמבר"),  // Node: "יום ג׳, 14 בנובמבר" (ICU4X gives the fields one length)
        (Date, "he", r#"{"hour":"numeric","minute":"2-digit","timeZone":"Europe/Berlin"}"#, 1700000000000.0, "23:13"),
        (Date, "he", r#"{"hour":"numeric","hour12":true,"minute":"2-digit","timeZone":"UTC"}"#, 1700000000000.0, "10:13 PM"),
        (Number, "he", r#"{}"#, -1234567.891, "\u{200e}-1,234,567.891"),
        (Number, "he", r#"{"minimumFractionDigits":2}"#, 0.5, "0.50"),
        (Number, "he", r#"{"style":"percent"}"#, 0.256, "26%"),
        (Number, "he", r#"{"currency":"EUR","style":"currency"}"#, 1234.5, "\u{200f}1,234.50\u{a0}\u{200f}€"),
        (Number, "he", r#"{"currency":"USD","currencyDisplay":"code","style":"currency"}"#, -9.99, "\u{200f}\u{200e}-9.99\u{a0}\u{200f}USD"),
        (Number, "he", r#"{"maximumFractionDigits":0,"useGrouping":false}"#, 98765.5, "98766"),
        (Date, "hi", r#"{"timeZone":"UTC"}"#, 1700000000000.0, "14/11/2023"),
        (Date, "hi", r#"{"dateStyle":"full","timeZone":"Asia/Tokyo"}"#, 1700000000000.0, "बुधवार, 15 नवंबर, 2023"),  // Node: "बुधवार, 15 नवंबर 2023" (its CLDR data differs)
        (Date, "hi", r#"{"dateStyle":"medium","timeStyle":"short","timeZone":"UTC"}"#, 1700000000000.0, "14 नव॰ 2023, 10:13 pm"),
        (Date, "hi", r#"{"day":"numeric","month":"long","timeZone":"America/New_York","weekday":"short"}"#, 1700000000000.0, "मंगलवार, 14 नवंबर"),  // Node: "मंगल, 14 नवंबर" (ICU4X gives the fields one length)
        (Date, "hi", r#"{"hour":"numeric","minute":"2-digit","timeZone":"Europe/Berlin"}"#, 1700000000000.0, "11:13 pm"),
        (Date, "hi", r#"{"hour":"numeric","hour12":true,"minute":"2-digit","timeZone":"UTC"}"#, 1700000000000.0, "10:13 pm"),
        (Number, "hi", r#"{}"#, -1234567.891, "-12,34,567.891"),
        (Number, "hi", r#"{"minimumFractionDigits":2}"#, 0.5, "0.50"),
        (Number, "hi", r#"{"style":"percent"}"#, 0.256, "26%"),
        (Number, "hi", r#"{"currency":"EUR","style":"currency"}"#, 1234.5, "€1,234.50"),
        (Number, "hi", r#"{"currency":"USD","currencyDisplay":"code","style":"currency"}"#, -9.99, "-USD\u{a0}9.99"),
        (Number, "hi", r#"{"maximumFractionDigits":0,"useGrouping":false}"#, 98765.5, "98766"),
        (Date, "ja", r#"{"timeZone":"UTC"}"#, 1700000000000.0, "2023/11/14"),
        (Date, "ja", r#"{"dateStyle":"full","timeZone":"Asia/Tokyo"}"#, 1700000000000.0, "2023年11月15日水曜日"),
        (Date, "ja", r#"{"dateStyle":"medium","timeStyle":"short","timeZone":"UTC"}"#, 1700000000000.0, "2023/11/14 22:13"),
        (Date, "ja", r#"{"day":"numeric","month":"long","timeZone":"America/New_York","weekday":"short"}"#, 1700000000000.0, "11月14日火曜日"),  // Node: "11月14日(火)" (ICU4X gives the fields one length)
        (Date, "ja", r#"{"hour":"numeric","minute":"2-digit","timeZone":"Europe/Berlin"}"#, 1700000000000.0, "23:13"),
        (Date, "ja", r#"{"hour":"numeric","hour12":true,"minute":"2-digit","timeZone":"UTC"}"#, 1700000000000.0, "午後10:13"),
        (Number, "ja", r#"{}"#, -1234567.891, "-1,234,567.891"),
        (Number, "ja", r#"{"minimumFractionDigits":2}"#, 0.5, "0.50"),
        (Number, "ja", r#"{"style":"percent"}"#, 0.256, "26%"),
        (Number, "ja", r#"{"currency":"EUR","style":"currency"}"#, 1234.5, "€1,234.50"),
        (Number, "ja", r#"{"currency":"USD","currencyDisplay":"code","style":"currency"}"#, -9.99, "-USD\u{a0}9.99"),
        (Number, "ja", r#"{"maximumFractionDigits":0,"useGrouping":false}"#, 98765.5, "98766"),
        (Date, "zh", r#"{"timeZone":"UTC"}"#, 1700000000000.0, "2023/11/14"),
        (Date, "zh", r#"{"dateStyle":"full","timeZone":"Asia/Tokyo"}"#, 1700000000000.0, "2023年11月15日星期三"),
        (Date, "zh", r#"{"dateStyle":"medium","timeStyle":"short","timeZone":"UTC"}"#, 1700000000000.0, "2023年11月14日 22:13"),
        (Date, "zh", r#"{"day":"numeric","month":"long","timeZone":"America/New_York","weekday":"short"}"#, 1700000000000.0, "11月14日星期二"),  // Node: "11月14日周二" (ICU4X gives the fields one length)
        (Date, "zh", r#"{"hour":"numeric","minute":"2-digit","timeZone":"Europe/Berlin"}"#, 1700000000000.0, "23:13"),
        (Date, "zh", r#"{"hour":"numeric","hour12":true,"minute":"2-digit","timeZone":"UTC"}"#, 1700000000000.0, "下午10:13"),
        (Number, "zh", r#"{}"#, -1234567.891, "-1,234,567.891"),
        (Number, "zh", r#"{"minimumFractionDigits":2}"#, 0.5, "0.50"),
        (Number, "zh", r#"{"style":"percent"}"#, 0.256, "26%"),
        (Number, "zh", r#"{"currency":"EUR","style":"currency"}"#, 1234.5, "€1,234.50"),
        (Number, "zh", r#"{"currency":"USD","currencyDisplay":"code","style":"currency"}"#, -9.99, "-USD\u{a0}9.99"),
        (Number, "zh", r#"{"maximumFractionDigits":0,"useGrouping":false}"#, 98765.5, "98766"),
    ];
    let mut intl = Intl::new("en-US");
    let mut failures = Vec::new();
    for &(kind, locale, options, value, want) in cases {
        let kind = match kind {
            Date => "dateTimeFormat",
            Number => "numberFormat",
        };
        let got = intl.format(&spec(kind, locale, options), value);
        if got.as_deref() != Ok(want) {
            failures.push(format!("{kind} {locale} {options} {value}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Numbers and the category each one takes.
type Categories = &'static [(f64, &'static str)];

#[test]
fn plural_categories_follow_cldr_rules() {
    #[rustfmt::skip]
    let cases: &[(&str, &str, Categories)] = &[
        ("en-US", "cardinal", &[(0.0, "other"), (1.0, "one"), (2.0, "other"), (3.0, "other"), (5.0, "other"), (11.0, "other"), (21.0, "other"), (100.0, "other"), (1.5, "other")]),
        ("en-US", "ordinal", &[(2.0, "two"), (3.0, "few")]),
        ("de", "cardinal", &[(0.0, "other"), (1.0, "one"), (2.0, "other"), (3.0, "other"), (5.0, "other"), (11.0, "other"), (21.0, "other"), (100.0, "other"), (1.5, "other")]),
        ("de", "ordinal", &[(2.0, "other"), (3.0, "other")]),
        ("fr", "cardinal", &[(0.0, "one"), (1.0, "one"), (2.0, "other"), (3.0, "other"), (5.0, "other"), (11.0, "other"), (21.0, "other"), (100.0, "other"), (1.5, "one")]),
        ("fr", "ordinal", &[(2.0, "other"), (3.0, "other")]),
        ("es", "cardinal", &[(0.0, "other"), (1.0, "one"), (2.0, "other"), (3.0, "other"), (5.0, "other"), (11.0, "other"), (21.0, "other"), (100.0, "other"), (1.5, "other")]),
        ("es", "ordinal", &[(2.0, "other"), (3.0, "one")]),  // Node 20: ['other', 'other']
        ("ar", "cardinal", &[(0.0, "zero"), (1.0, "one"), (2.0, "two"), (3.0, "few"), (5.0, "few"), (11.0, "many"), (21.0, "many"), (100.0, "other"), (1.5, "other")]),
        ("ar", "ordinal", &[(2.0, "other"), (3.0, "other")]),
        ("ar-EG", "cardinal", &[(0.0, "zero"), (1.0, "one"), (2.0, "two"), (3.0, "few"), (5.0, "few"), (11.0, "many"), (21.0, "many"), (100.0, "other"), (1.5, "other")]),
        ("ar-EG", "ordinal", &[(2.0, "other"), (3.0, "other")]),
        ("he", "cardinal", &[(0.0, "other"), (1.0, "one"), (2.0, "two"), (3.0, "other"), (5.0, "other"), (11.0, "other"), (21.0, "other"), (100.0, "other"), (1.5, "other")]),
        ("he", "ordinal", &[(2.0, "other"), (3.0, "other")]),
        ("hi", "cardinal", &[(0.0, "one"), (1.0, "one"), (2.0, "other"), (3.0, "other"), (5.0, "other"), (11.0, "other"), (21.0, "other"), (100.0, "other"), (1.5, "other")]),
        ("hi", "ordinal", &[(2.0, "two"), (3.0, "two")]),
        ("ja", "cardinal", &[(0.0, "other"), (1.0, "other"), (2.0, "other"), (3.0, "other"), (5.0, "other"), (11.0, "other"), (21.0, "other"), (100.0, "other"), (1.5, "other")]),
        ("ja", "ordinal", &[(2.0, "other"), (3.0, "other")]),
        ("zh", "cardinal", &[(0.0, "other"), (1.0, "other"), (2.0, "other"), (3.0, "other"), (5.0, "other"), (11.0, "other"), (21.0, "other"), (100.0, "other"), (1.5, "other")]),
        ("zh", "ordinal", &[(2.0, "other"), (3.0, "other")]),
    ];
    let mut intl = Intl::new("en-US");
    for &(locale, kind, values) in cases {
        let spec = spec("pluralRules", locale, &json!({ "type": kind }).to_string());
        for &(n, want) in values {
            assert_eq!(intl.select(&spec, n), Ok(want), "{locale} {kind} {n}");
        }
    }
    // The digits shown decide: "1.0" is not "one" in English.
    let shown = spec("pluralRules", "en", r#"{"minimumFractionDigits":1}"#);
    assert_eq!(intl.select(&shown, 1.0), Ok("other"));
    let resolved: serde_json::Value =
        serde_json::from_str(&intl.resolve(&spec("pluralRules", "ar", "{}")).unwrap()).unwrap();
    // ECMA-402 (2024) orders them so; Node 20, older, sorts them by name.
    assert_eq!(resolved["pluralCategories"], json!(["zero", "one", "two", "few", "many", "other"]));
}

#[test]
fn collation_follows_the_locale_and_the_options() {
    let mut intl = Intl::new("en-US");
    let mut sorted = |locale: &str, options: &str, words: &[&str]| {
        let spec = spec("collator", locale, options);
        let mut words = words.to_vec();
        words.sort_by(|a, b| intl.compare(&spec, a, b).unwrap());
        words.join(" ")
    };
    // Each order checked in Node 20.
    let words = ["zebra", "Äpfel", "apple", "Zürich", "éclair", "eclair", "10", "9"];
    assert_eq!(sorted("en", "{}", &words), "10 9 Äpfel apple eclair éclair zebra Zürich");
    // Swedish sorts Ä after Z.
    assert_eq!(sorted("sv", "{}", &words), "10 9 apple eclair éclair zebra Zürich Äpfel");
    assert_eq!(sorted("en", r#"{"numeric":true}"#, &words), "9 10 Äpfel apple eclair éclair zebra Zürich");
    assert_eq!(sorted("en", "{}", &["A", "a"]), "a A");
    assert_eq!(sorted("en", r#"{"caseFirst":"upper"}"#, &["a", "A"]), "A a");

    let cases = [
        ("{}", "a", "A", Ordering::Less),
        (r#"{"sensitivity":"base"}"#, "a", "Á", Ordering::Equal),
        (r#"{"sensitivity":"accent"}"#, "a", "A", Ordering::Equal),
        (r#"{"sensitivity":"accent"}"#, "a", "á", Ordering::Less),
        (r#"{"sensitivity":"case"}"#, "a", "á", Ordering::Equal),
        (r#"{"sensitivity":"case"}"#, "a", "A", Ordering::Less),
        (r#"{"ignorePunctuation":true}"#, "co-op", "coop", Ordering::Equal),
        ("{}", "co-op", "coop", Ordering::Less),
    ];
    for (options, a, b, want) in cases {
        assert_eq!(intl.compare(&spec("collator", "en", options), a, b), Ok(want), "{options} {a} {b}");
    }
}

#[test]
fn parts_name_each_piece_as_ecma_402_does() {
    let mut intl = Intl::new("en-US");
    let shown =
        |parts: Vec<Part>| parts.iter().map(|p| format!("{}:{}", p.kind, p.value)).collect::<Vec<_>>().join("|");
    let number = intl.format_to_parts(&spec("numberFormat", "de", "{}"), -1234.5).unwrap();
    assert_eq!(shown(number), "minusSign:-|integer:1|group:.|integer:234|decimal:,|fraction:5");
    let currency =
        intl.format_to_parts(&spec("numberFormat", "en-US", r#"{"style":"currency","currency":"USD"}"#), -9.5).unwrap();
    assert_eq!(shown(currency), "minusSign:-|currency:$|integer:9|decimal:.|fraction:50");
    let percent = intl.format_to_parts(&spec("numberFormat", "fr", r#"{"style":"percent"}"#), 0.25).unwrap();
    assert_eq!(shown(percent), "integer:25|literal:\u{a0}|percentSign:%");
    let date = intl
        .format_to_parts(&spec("dateTimeFormat", "en-US", r#"{"dateStyle":"medium","timeZone":"UTC"}"#), 1.7e12)
        .unwrap();
    assert_eq!(shown(date), "month:Nov|literal: |day:14|literal:, |year:2023");
    assert_eq!(shown(intl.format_to_parts(&spec("numberFormat", "en", "{}"), f64::NAN).unwrap()), "nan:NaN");
}

#[test]
fn options_and_locales_out_of_range_are_the_errors_ecma_402_names() {
    let mut intl = Intl::new("en-US");
    let range = |r: Result<String, Error>| matches!(r, Err(Error::Range(_)));
    assert!(range(intl.format(&spec("numberFormat", "en_US!", "{}"), 1.0)), "a malformed tag");
    assert!(range(intl.format(&spec("dateTimeFormat", "en", r#"{"month":"longest"}"#), 0.0)));
    assert!(range(intl.format(&spec("dateTimeFormat", "en", r#"{"timeZone":"Mars/Olympus"}"#), 0.0)));
    assert!(range(intl.format(&spec("numberFormat", "en", r#"{"maximumFractionDigits":101}"#), 1.0)));
    assert!(range(
        intl.format(&spec("numberFormat", "en", r#"{"minimumFractionDigits":3,"maximumFractionDigits":1}"#), 1.0)
    ));
    assert!(range(intl.format(&spec("numberFormat", "en", r#"{"style":"currency","currency":"EURO"}"#), 1.0)));
    assert!(
        range(intl.format(&spec("numberFormat", "en", r#"{"notation":"compact"}"#), 1.0)),
        "not offered, and said so"
    );
    assert!(range(intl.format(&spec("dateTimeFormat", "en", r#"{"timeZone":"UTC"}"#), f64::NAN)), "Invalid time value");
    assert!(range(intl.format(&spec("dateTimeFormat", "en", r#"{"timeZone":"UTC"}"#), 8.64e15)), "past year 9999");
    let type_error = |r: Result<String, Error>| matches!(r, Err(Error::Type(_)));
    assert!(type_error(intl.format(&spec("numberFormat", "en", r#"{"style":"currency"}"#), 1.0)));
    assert!(type_error(intl.format(&spec("dateTimeFormat", "en", r#"{"dateStyle":"long","hour":"numeric"}"#), 0.0)));
    assert!(type_error(intl.format("{not json", 0.0)));
    assert!(type_error(intl.format(&spec("collator", "en", "{}"), 0.0)), "a collator formats nothing");
    let e = intl.format(&spec("dateTimeFormat", "en", r#"{"month":"longest"}"#), 0.0).unwrap_err().to_string();
    assert!(e.contains("month") && e.contains("longest"), "the error names the option and its value: {e}");
}

#[test]
fn locales_resolve_to_the_first_supported_then_the_device_then_english() {
    let mut intl = Intl::new("fr-CA");
    let locale = |intl: &mut Intl, locales: serde_json::Value| -> String {
        let spec = json!({ "kind": "numberFormat", "locales": locales, "options": {} }).to_string();
        let resolved: serde_json::Value = serde_json::from_str(&intl.resolve(&spec).unwrap()).unwrap();
        resolved["locale"].as_str().unwrap().to_owned()
    };
    assert_eq!(locale(&mut intl, json!(["qaa", "DE-at"])), "de-AT", "an unknown language is skipped; case canonical");
    assert_eq!(locale(&mut intl, json!([])), "fr-CA", "the device's locale");
    assert_eq!(locale(&mut intl, json!(["qaa"])), "fr-CA");
    assert_eq!(locale(&mut Intl::new("not a tag"), json!([])), "en-US");
    assert_eq!(
        intl.format(&spec("numberFormat", "ar-u-nu-latn", "{}"), 1234.5),
        Ok("1,234.5".into()),
        "-u-nu- is honoured"
    );
    assert_eq!(
        intl.format(&spec("dateTimeFormat", "th", r#"{"year":"numeric","timeZone":"UTC"}"#), 1.7e12),
        Ok("พ.ศ. 2566".into()),
        "Thai counts Buddhist years"
    );
    let tags = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        marquee_intl::canonical_locales(&tags(&["EN-us", "en-US", "zh-hant-tw"])),
        Ok(tags(&["en-US", "zh-Hant-TW"]))
    );
    assert_eq!(marquee_intl::supported_locales(&tags(&["qaa", "ja-JP", "he"])), Ok(tags(&["ja-JP", "he"])));
    assert!(marquee_intl::canonical_locales(&tags(&["en", "-"])).is_err());
}

#[test]
fn resolved_options_report_what_the_format_uses() {
    let mut intl = Intl::new("en-US");
    let resolved = |intl: &mut Intl, kind: &str, locale: &str, options: &str| -> serde_json::Value {
        serde_json::from_str(&intl.resolve(&spec(kind, locale, options)).unwrap()).unwrap()
    };
    let d = resolved(&mut intl, "dateTimeFormat", "ja", r#"{"hour":"numeric","timeZone":"asia/tokyo"}"#);
    assert_eq!(
        (d["timeZone"].as_str(), d["hourCycle"].as_str(), d["calendar"].as_str()),
        (Some("Asia/Tokyo"), Some("h23"), Some("gregory"))
    );
    let d = resolved(&mut intl, "dateTimeFormat", "en-US", r#"{"timeZone":"+05:30"}"#);
    assert_eq!(
        (d["timeZone"].as_str(), d["year"].as_str(), d["hourCycle"].as_str()),
        (Some("+05:30"), Some("numeric"), None)
    );
    assert_eq!(resolved(&mut intl, "dateTimeFormat", "en-US", r#"{"timeStyle":"short"}"#)["hourCycle"], "h12");
    assert_eq!(resolved(&mut intl, "numberFormat", "ar-EG", "{}")["numberingSystem"], "arab");
    assert_eq!(resolved(&mut intl, "numberFormat", "hi", "{}")["numberingSystem"], "latn");
    let n = resolved(&mut intl, "numberFormat", "en", r#"{"minimumFractionDigits":5}"#);
    assert_eq!((n["minimumFractionDigits"].as_u64(), n["maximumFractionDigits"].as_u64()), (Some(5), Some(5)));
    assert_eq!(resolved(&mut intl, "collator", "de", r#"{"sensitivity":"base"}"#)["sensitivity"], "base");
}

#[test]
fn built_formatters_are_kept_within_a_bound() {
    let mut intl = Intl::new("en-US");
    for _ in 0..3 {
        intl.format(&spec("numberFormat", "de", "{}"), 1.0).unwrap();
    }
    assert_eq!(intl.built(), 1, "one spec, one formatter");
    for digits in 0..=100 {
        for grouping in ["always", "auto", "min2", "false"] {
            let options =
                json!({ "minimumFractionDigits": digits, "maximumFractionDigits": 100, "useGrouping": grouping });
            intl.format(&spec("numberFormat", "en", &options.to_string()), 1.0).unwrap();
            assert!(intl.built() <= 256);
        }
    }
}
