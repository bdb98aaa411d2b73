//! `Intl.DateTimeFormat` and `Date.prototype.toLocale*String`: ECMA-402's options bag (styles or
//! fields) onto ICU4X's `DateTimeFieldBag`, in the locale's calendar (`th` counts Buddhist years;
//! `-u-ca-` picks another), the instant placed in a time zone by jiff.
//!
//! Differences from a browser: ICU4X picks an hour's digits from the locale's pattern, so `de`
//! writes `07:13` where Chromium writes `7:13` for `hour: "numeric"`; times outside the years
//! −9999..9999 are a `RangeError` (ECMA-402 reaches ±275,760); `formatRange` is not offered.

use icu_calendar::AnyCalendarKind;
use icu_datetime::fieldbag::DateTimeFieldBag;
use icu_datetime::fieldbag::field;
use icu_datetime::fieldsets::builder::{DateFields, FieldSetBuilder, ZoneStyle};
use icu_datetime::fieldsets::enums::CompositeFieldSet;
use icu_datetime::options::{Length, TimePrecision};
use icu_datetime::{DateTimeFormatter, DateTimeFormatterPreferences};
use icu_locale::Locale;
use icu_locale::preferences::extensions::unicode::keywords::HourCycle as IcuHourCycle;
use jiff::tz::{Offset, TimeZone};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::parts::{self, Part};
use crate::{Error, Options};

#[derive(Deserialize, Clone, Copy, Debug)]
#[serde(rename_all = "camelCase")]
enum Style {
    Full,
    Long,
    Medium,
    Short,
}

#[derive(Deserialize, Clone, Copy, Debug)]
#[serde(rename_all = "camelCase")]
enum Text {
    Long,
    Short,
    Narrow,
}

#[derive(Deserialize, Clone, Copy, Debug)]
enum Numeric {
    #[serde(rename = "numeric")]
    Numeric,
    #[serde(rename = "2-digit")]
    TwoDigit,
}

#[derive(Deserialize, Clone, Copy, Debug)]
enum Month {
    #[serde(rename = "numeric")]
    Numeric,
    #[serde(rename = "2-digit")]
    TwoDigit,
    #[serde(rename = "long")]
    Long,
    #[serde(rename = "short")]
    Short,
    #[serde(rename = "narrow")]
    Narrow,
}

#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum HourCycle {
    H11,
    H12,
    H23,
    H24,
}

#[derive(Deserialize, Clone, Copy, Debug)]
#[serde(rename_all = "camelCase")]
enum ZoneName {
    Short,
    Long,
    ShortOffset,
    LongOffset,
    ShortGeneric,
    LongGeneric,
}

/// Which fields a caller needs and which it adds when none are given (ECMA-402's
/// `ToDateTimeOptions`): `toLocaleDateString` needs a date, `toLocaleTimeString` a time,
/// `toLocaleString` adds both. `intl.js` sets these; an app's `Intl.DateTimeFormat` gets
/// `any`/`date`.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
enum Required {
    Any,
    Date,
    Time,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
enum Defaults {
    Date,
    Time,
    All,
}

/// The options as given (after defaults): what `resolvedOptions()` reports.
#[derive(Default, Debug)]
struct Fields {
    date_style: Option<Style>,
    time_style: Option<Style>,
    weekday: Option<Text>,
    era: Option<Text>,
    year: Option<Numeric>,
    month: Option<Month>,
    day: Option<Numeric>,
    day_period: Option<Text>,
    hour: Option<Numeric>,
    minute: Option<Numeric>,
    second: Option<Numeric>,
    fractional_second_digits: Option<u8>,
    time_zone_name: Option<ZoneName>,
}

pub(crate) struct DateTimeFormat {
    locale: Locale,
    fields: Fields,
    hour_cycle: Option<HourCycle>,
    zone: TimeZone,
    zone_name: String,
    formatter: DateTimeFormatter<CompositeFieldSet>,
}

impl DateTimeFormat {
    pub(crate) fn new(locale: Locale, bag: &serde_json::Map<String, Value>) -> Result<Self, Error> {
        let o = Options::new("DateTimeFormat", bag);
        let mut f = Fields {
            date_style: o.get("dateStyle")?,
            time_style: o.get("timeStyle")?,
            weekday: o.get("weekday")?,
            era: o.get("era")?,
            year: o.get("year")?,
            month: o.get("month")?,
            day: o.get("day")?,
            day_period: o.get("dayPeriod")?,
            hour: o.get("hour")?,
            minute: o.get("minute")?,
            second: o.get("second")?,
            fractional_second_digits: o.digits("fractionalSecondDigits", 1, 3)?,
            time_zone_name: o.get("timeZoneName")?,
        };
        let hour12: Option<bool> = o.get("hour12")?;
        let hour_cycle = match hour12 {
            Some(true) => Some(HourCycle::H12),
            Some(false) => Some(HourCycle::H23),
            None => o.get("hourCycle")?,
        };
        let required = o.get("required")?.unwrap_or(Required::Any);
        let defaults = o.get("defaults")?.unwrap_or(Defaults::Date);
        let (zone, zone_name) = time_zone(&o, o.get("timeZone")?)?;

        let has_date = f.weekday.is_some() || f.year.is_some() || f.month.is_some() || f.day.is_some();
        let has_time = f.day_period.is_some()
            || f.hour.is_some()
            || f.minute.is_some()
            || f.second.is_some()
            || f.fractional_second_digits.is_some();
        let styled = f.date_style.is_some() || f.time_style.is_some();
        if styled && (has_date || has_time || f.era.is_some() || f.time_zone_name.is_some()) {
            return Err(o.type_error("dateStyle and timeStyle cannot be combined with date or time fields".into()));
        }
        if required == Required::Date && f.time_style.is_some() {
            return Err(o.type_error("timeStyle cannot be used to format a date alone".into()));
        }
        if required == Required::Time && f.date_style.is_some() {
            return Err(o.type_error("dateStyle cannot be used to format a time alone".into()));
        }
        let needs_defaults = !styled
            && match required {
                Required::Date => !has_date,
                Required::Time => !has_time,
                Required::Any => !has_date && !has_time,
            };
        if needs_defaults {
            if matches!(defaults, Defaults::Date | Defaults::All) {
                (f.year, f.month, f.day) = (Some(Numeric::Numeric), Some(Month::Numeric), Some(Numeric::Numeric));
            }
            if matches!(defaults, Defaults::Time | Defaults::All) {
                (f.hour, f.minute, f.second) = (Some(Numeric::Numeric), Some(Numeric::Numeric), Some(Numeric::Numeric));
            }
        }

        let builder = if styled { styles(&f) } else { field_bag(&f, hour_cycle).to_field_set_builder() };
        let field_set =
            builder.build_composite().map_err(|e| o.range(format!("no format has these fields ({f:?}): {e:?}")))?;
        let mut prefs = DateTimeFormatterPreferences::from(&locale);
        if let Some(cycle) = hour_cycle {
            prefs.hour_cycle = Some(match cycle {
                HourCycle::H11 => IcuHourCycle::H11,
                HourCycle::H12 => IcuHourCycle::H12,
                // CLDR has no patterns with hours 1–24 (nor has ICU4X): 0–23 is the nearest.
                HourCycle::H23 | HourCycle::H24 => IcuHourCycle::H23,
            });
        }
        let formatter = DateTimeFormatter::try_new(prefs, field_set)
            .map_err(|e| o.range(format!("no date formats for {locale}: {e}")))?;
        Ok(DateTimeFormat { locale, fields: f, hour_cycle, zone, zone_name, formatter })
    }

    /// The instant `ms` (a JavaScript time value) in this format's time zone.
    fn zoned(&self, ms: f64) -> Result<jiff::Zoned, Error> {
        if !ms.is_finite() || ms.abs() > 8.64e15 {
            return Err(Error::Range("Invalid time value".into()));
        }
        let t = jiff::Timestamp::from_millisecond(ms.trunc() as i64)
            .map_err(|_| Error::Range(format!("Intl.DateTimeFormat: {ms} is outside the years -9999..9999")))?;
        Ok(t.to_zoned(self.zone.clone()))
    }

    pub(crate) fn format(&self, ms: f64) -> Result<String, Error> {
        Ok(self.formatter.format(&self.zoned(ms)?).to_string())
    }

    pub(crate) fn format_to_parts(&self, ms: f64) -> Result<Vec<Part>, Error> {
        let zoned = self.zoned(ms)?;
        Ok(parts::split(&self.formatter.format(&zoned), date_part))
    }

    pub(crate) fn resolved(&self) -> Value {
        let f = &self.fields;
        let mut r = json!({
            "locale": self.locale.to_string(),
            "calendar": calendar_name(self.formatter.calendar().kind()),
            "numberingSystem": icu_decimal::DecimalFormatter::try_new((&self.locale).into(), Default::default())
                .map_or("latn", |d| crate::number::numbering_system(&d)),
            "timeZone": self.zone_name,
        });
        let text = |t: Text| match t {
            Text::Long => "long",
            Text::Short => "short",
            Text::Narrow => "narrow",
        };
        let numeric = |n: Numeric| match n {
            Numeric::Numeric => "numeric",
            Numeric::TwoDigit => "2-digit",
        };
        let style = |s: Style| match s {
            Style::Full => "full",
            Style::Long => "long",
            Style::Medium => "medium",
            Style::Short => "short",
        };
        if f.hour.is_some() || f.time_style.is_some() {
            let cycle = self.hour_cycle.unwrap_or_else(|| locale_cycle(&self.locale));
            r["hourCycle"] = json!(match cycle {
                HourCycle::H11 => "h11",
                HourCycle::H12 => "h12",
                HourCycle::H23 => "h23",
                HourCycle::H24 => "h24",
            });
            r["hour12"] = json!(matches!(cycle, HourCycle::H11 | HourCycle::H12));
        }
        let mut set = |key: &str, value: Option<&'static str>| {
            if let Some(v) = value {
                r[key] = json!(v);
            }
        };
        set("weekday", f.weekday.map(text));
        set("era", f.era.map(text));
        set("year", f.year.map(numeric));
        set(
            "month",
            f.month.map(|m| match m {
                Month::Numeric => "numeric",
                Month::TwoDigit => "2-digit",
                Month::Long => "long",
                Month::Short => "short",
                Month::Narrow => "narrow",
            }),
        );
        set("day", f.day.map(numeric));
        set("dayPeriod", f.day_period.map(text));
        set("hour", f.hour.map(numeric));
        set("minute", f.minute.map(numeric));
        set("second", f.second.map(numeric));
        set(
            "timeZoneName",
            f.time_zone_name.map(|z| match z {
                ZoneName::Short => "short",
                ZoneName::Long => "long",
                ZoneName::ShortOffset => "shortOffset",
                ZoneName::LongOffset => "longOffset",
                ZoneName::ShortGeneric => "shortGeneric",
                ZoneName::LongGeneric => "longGeneric",
            }),
        );
        set("dateStyle", f.date_style.map(style));
        set("timeStyle", f.time_style.map(style));
        if let Some(d) = f.fractional_second_digits {
            r["fractionalSecondDigits"] = json!(d);
        }
        r
    }
}

/// `dateStyle`/`timeStyle` as ICU4X's semantic field sets, the lengths CLDR's date and time
/// formats have: `full` adds the weekday to the date and the zone's long name to the time.
fn styles(f: &Fields) -> FieldSetBuilder {
    let mut b = FieldSetBuilder::new();
    if let Some(style) = f.date_style {
        b.date_fields = Some(if matches!(style, Style::Full) { DateFields::YMDE } else { DateFields::YMD });
        b.length = Some(match style {
            Style::Full | Style::Long => Length::Long,
            Style::Medium => Length::Medium,
            Style::Short => Length::Short,
        });
    }
    if let Some(style) = f.time_style {
        b.time_precision =
            Some(if matches!(style, Style::Short) { TimePrecision::Minute } else { TimePrecision::Second });
        b.zone_style = match style {
            Style::Full => Some(ZoneStyle::SpecificLong),
            Style::Long => Some(ZoneStyle::SpecificShort),
            _ => None,
        };
        if b.length.is_none() {
            b.length = Some(Length::Medium);
        }
    }
    b
}

/// The fields as ICU4X's mirror of ECMA-402's bag.
fn field_bag(f: &Fields, hour_cycle: Option<HourCycle>) -> DateTimeFieldBag {
    let text_era = |t: Text| match t {
        Text::Long => field::Era::Long,
        Text::Short => field::Era::Short,
        Text::Narrow => field::Era::Narrow,
    };
    let mut bag = DateTimeFieldBag::default();
    bag.era = f.era.map(text_era);
    bag.weekday = f.weekday.map(|t| match t {
        Text::Long => field::Weekday::Long,
        Text::Short => field::Weekday::Short,
        Text::Narrow => field::Weekday::Narrow,
    });
    bag.year = f.year.map(|n| match n {
        Numeric::Numeric => field::Year::Numeric,
        Numeric::TwoDigit => field::Year::TwoDigit,
    });
    bag.month = f.month.map(|m| match m {
        Month::Numeric => field::Month::Numeric,
        Month::TwoDigit => field::Month::TwoDigit,
        Month::Long => field::Month::Long,
        Month::Short => field::Month::Short,
        Month::Narrow => field::Month::Narrow,
    });
    bag.day = f.day.map(|n| match n {
        Numeric::Numeric => field::Day::Numeric,
        Numeric::TwoDigit => field::Day::TwoDigit,
    });
    bag.day_period = f.day_period.map(|t| match t {
        Text::Long => field::DayPeriod::FlexibleLong,
        Text::Short => field::DayPeriod::FlexibleShort,
        Text::Narrow => field::DayPeriod::FlexibleNarrow,
    });
    bag.hour = f.hour.map(|n| match n {
        Numeric::Numeric => field::Hour::Numeric,
        Numeric::TwoDigit => field::Hour::TwoDigit,
    });
    bag.hour_kind = hour_cycle.map(|c| match c {
        HourCycle::H11 | HourCycle::H12 => field::HourKind::Clock12,
        HourCycle::H23 | HourCycle::H24 => field::HourKind::Clock24,
    });
    bag.minute = f.minute.map(|n| match n {
        Numeric::Numeric => field::Minute::Numeric,
        Numeric::TwoDigit => field::Minute::TwoDigit,
    });
    bag.second = f.second.map(|n| match n {
        Numeric::Numeric => field::Second::Numeric,
        Numeric::TwoDigit => field::Second::TwoDigit,
    });
    bag.fractional_second_digits = f.fractional_second_digits.map(|d| match d {
        1 => field::FractionalSecondDigits::F1,
        2 => field::FractionalSecondDigits::F2,
        _ => field::FractionalSecondDigits::F3,
    });
    bag.time_zone_name = f.time_zone_name.map(|z| match z {
        ZoneName::Short => field::TimeZoneName::ShortSpecific,
        ZoneName::Long => field::TimeZoneName::LongSpecific,
        ZoneName::ShortOffset => field::TimeZoneName::ShortOffset,
        ZoneName::LongOffset => field::TimeZoneName::LongOffset,
        ZoneName::ShortGeneric => field::TimeZoneName::ShortGeneric,
        ZoneName::LongGeneric => field::TimeZoneName::LongGeneric,
    });
    bag
}

/// The zone `name` asks for and its name for `resolvedOptions()`: the device's own when none
/// (`TZ`, else `/etc/localtime`, else UTC), an IANA name, `UTC`, or an offset (`+05:30`).
fn time_zone(o: &Options<'_>, name: Option<String>) -> Result<(TimeZone, String), Error> {
    let Some(name) = name else {
        let zone = TimeZone::try_system().unwrap_or(TimeZone::UTC);
        let name = zone.iana_name().unwrap_or("UTC").to_owned();
        return Ok((zone, name));
    };
    if ["UTC", "Etc/UTC", "GMT", "Etc/GMT"].iter().any(|u| u.eq_ignore_ascii_case(&name)) {
        return Ok((TimeZone::UTC, "UTC".into()));
    }
    if let Some(offset) = parse_offset(&name) {
        let seconds = offset.seconds();
        let sign = if seconds < 0 { '-' } else { '+' };
        let minutes = seconds.unsigned_abs() / 60;
        return Ok((TimeZone::fixed(offset), format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)));
    }
    let zone = TimeZone::get(&name).map_err(|_| o.range(format!("invalid time zone: {name}")))?;
    let canonical = zone.iana_name().unwrap_or(&name).to_owned();
    Ok((zone, canonical))
}

/// `±HH`, `±HHMM` or `±HH:MM` (ECMA-402's offset time zones).
fn parse_offset(s: &str) -> Option<Offset> {
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = s[1..].chars().filter(|&c| c != ':').collect();
    if !(digits.len() == 2 || digits.len() == 4) || !digits.bytes().all(|b| b.is_ascii_digit()) || s.len() > 6 {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = if digits.len() == 4 { digits[2..].parse().ok()? } else { 0 };
    if hours > 23 || minutes > 59 {
        return None;
    }
    Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()
}

/// The hour cycle the locale's data uses (for `resolvedOptions()` when the app set none).
fn locale_cycle(locale: &Locale) -> HourCycle {
    let prefs = DateTimeFormatterPreferences::from(locale);
    let set = icu_datetime::fieldsets::T::hm();
    let Ok(f) = icu_datetime::NoCalendarFormatter::try_new(prefs, set) else {
        return HourCycle::H23;
    };
    // 13:00 written with a 12-hour clock is 1 o'clock; with a 24-hour one, 13.
    let text = f.format(&icu_time::Time::try_new(13, 0, 0, 0).unwrap_or(icu_time::Time::start_of_day())).to_string();
    if text.contains("13") { HourCycle::H23 } else { HourCycle::H12 }
}

/// ECMA-402's (BCP 47's) name for a calendar.
fn calendar_name(kind: AnyCalendarKind) -> &'static str {
    match kind {
        AnyCalendarKind::Buddhist => "buddhist",
        AnyCalendarKind::Chinese => "chinese",
        AnyCalendarKind::Coptic => "coptic",
        AnyCalendarKind::Dangi => "dangi",
        AnyCalendarKind::Ethiopian => "ethiopic",
        AnyCalendarKind::EthiopianAmeteAlem => "ethioaa",
        AnyCalendarKind::Hebrew => "hebrew",
        AnyCalendarKind::Indian => "indian",
        AnyCalendarKind::HijriTabularTypeIIFriday => "islamic-civil",
        AnyCalendarKind::HijriTabularTypeIIThursday => "islamic-tbla",
        AnyCalendarKind::HijriUmmAlQura => "islamic-umalqura",
        AnyCalendarKind::HijriSimulatedMecca => "islamic-rgsa",
        AnyCalendarKind::Iso => "iso8601",
        AnyCalendarKind::Japanese => "japanese",
        AnyCalendarKind::Persian => "persian",
        AnyCalendarKind::Roc => "roc",
        _ => "gregory",
    }
}

/// ECMA-402's names for ICU4X's date and time parts.
fn date_part(part: writeable::Part) -> Option<&'static str> {
    use icu_datetime::parts::*;
    Some(match part {
        p if p == ERA => "era",
        p if p == YEAR || p == EXTENDED_YEAR => "year",
        p if p == RELATED_YEAR => "relatedYear",
        p if p == YEAR_NAME => "yearName",
        p if p == MONTH => "month",
        p if p == DAY => "day",
        p if p == WEEKDAY => "weekday",
        p if p == DAY_PERIOD => "dayPeriod",
        p if p == HOUR => "hour",
        p if p == MINUTE => "minute",
        p if p == SECOND => "second",
        p if p == TIME_ZONE_NAME => "timeZoneName",
        _ => return None,
    })
}
