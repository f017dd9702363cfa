//! Time zones: `TimeZoneDefinition` (Exchange 2010+, Windows time zone ids such as
//! `Pacific Standard Time`), used by `TimeZoneContext` and by calendar items' start and end zones;
//! and [`MeetingTimeZone`] (`TimeZoneType`, Exchange 2007's `t:MeetingTimeZone`: a name and
//! optionally the offsets and daylight-saving rules themselves).
//!
//! ```
//! use exsync::ews::{DayTimeDuration, MeetingTimeZone};
//! use exsync::xml::{ToXml, XmlReader, XmlWriter};
//!
//! let xml = r#"<t:MeetingTimeZone TimeZoneName="Pacific Standard Time">
//!   <t:BaseOffset>PT8H</t:BaseOffset>
//!   <t:Standard><t:Offset>PT0M</t:Offset><t:RelativeYearlyRecurrence><t:DaysOfWeek>Sunday</t:DaysOfWeek>
//!     <t:DayOfWeekIndex>First</t:DayOfWeekIndex><t:Month>November</t:Month></t:RelativeYearlyRecurrence>
//!     <t:Time>02:00:00</t:Time></t:Standard>
//!   <t:Daylight><t:Offset>-PT1H</t:Offset><t:RelativeYearlyRecurrence><t:DaysOfWeek>Sunday</t:DaysOfWeek>
//!     <t:DayOfWeekIndex>Second</t:DayOfWeekIndex><t:Month>March</t:Month></t:RelativeYearlyRecurrence>
//!     <t:Time>02:00:00</t:Time></t:Daylight>
//! </t:MeetingTimeZone>"#;
//! let tz: MeetingTimeZone = XmlReader::document(xml, "MeetingTimeZone").unwrap();
//! let rules = tz.rules.as_ref().unwrap();
//! assert_eq!(rules.base_offset, DayTimeDuration::from_hours(8));
//! assert_eq!(rules.daylight_saving.as_ref().unwrap().daylight.offset.to_string(), "-PT1H");
//! ```

use std::borrow::Cow;
use std::fmt;

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlValue, XmlWriter};

use super::datetime::EwsDate;
use super::recurrence::{DayOfWeek, DayOfWeekIndex, Month, RecurrencePattern};

/// A Windows time zone by id (`t:TimeZoneDefinition Id="…"`). Exchange fills in the periods and
/// transitions itself from the id; when it sends them they are read past.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeZoneDefinition {
    /// Windows time zone id, e.g. `W. Europe Standard Time`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Display name, e.g. `(UTC+01:00) Amsterdam, Berlin, …`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl TimeZoneDefinition {
    /// A time zone by Windows id.
    pub fn by_id(id: impl Into<String>) -> Self {
        TimeZoneDefinition { id: Some(id.into()), name: None }
    }
}

impl ToXml for TimeZoneDefinition {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.empty(name, &[("Name", self.name.as_deref()), ("Id", self.id.as_deref())]);
    }
}

impl FromXml for TimeZoneDefinition {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let tz = TimeZoneDefinition { id: r.attr(el, "Id")?, name: r.attr(el, "Name")? };
        // Periods, TransitionsGroups and Transitions are derived from the id by Exchange.
        r.skip(el)?;
        Ok(tz)
    }
}

/// An `xs:duration` made of days, hours, minutes and whole seconds, as time zone offsets are written
/// (`PT8H`, `-PT1H`, `PT0M`). Durations with non-zero years or months have no fixed length and are
/// not accepted; zero ones (`P0Y0M0DT8H`) are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DayTimeDuration {
    /// The signed length in seconds.
    pub seconds: i64,
}

impl DayTimeDuration {
    /// A duration of `seconds`.
    pub fn from_seconds(seconds: i64) -> Self {
        DayTimeDuration { seconds }
    }

    /// A duration of `minutes`.
    pub fn from_minutes(minutes: i64) -> Self {
        DayTimeDuration { seconds: minutes * 60 }
    }

    /// A duration of `hours`.
    pub fn from_hours(hours: i64) -> Self {
        DayTimeDuration { seconds: hours * 3600 }
    }

    /// As a chrono duration.
    pub fn to_time_delta(&self) -> chrono::TimeDelta {
        chrono::TimeDelta::seconds(self.seconds)
    }

    /// Parses `[-]P[nY][nM][nD][T[nH][nM][n[.n]S]]` (years, months and fractions must be zero).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let (negative, rest) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s),
        };
        let rest = rest.strip_prefix('P')?;
        let (date, time) = match rest.split_once('T') {
            Some((d, t)) => (d, Some(t)),
            None => (rest, None),
        };
        if time == Some("") || (date.is_empty() && time.is_none()) {
            return None;
        }
        // (unit, seconds per unit; 0 for units that must be zero)
        let date_secs = components(date, &[(b'Y', 0), (b'M', 0), (b'D', 86_400)])?;
        let time_secs = match time {
            Some(t) => components(t, &[(b'H', 3600), (b'M', 60), (b'S', 1)])?,
            None => 0,
        };
        let total = date_secs.checked_add(time_secs)?;
        Some(DayTimeDuration { seconds: if negative { -total } else { total } })
    }
}

/// Sums the `nU` components of one part of an `xs:duration` (empty: zero), units in the given order,
/// each at most once.
fn components(part: &str, units: &[(u8, i64)]) -> Option<i64> {
    let bytes = part.as_bytes();
    let (mut i, mut next_unit, mut total) = (0usize, 0usize, 0i64);
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let digits = &part[start..i];
        let (mut has_fraction, mut fraction_zero) = (false, true);
        if i < bytes.len() && bytes[i] == b'.' {
            let f = i + 1;
            i = f;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i == f {
                return None;
            }
            has_fraction = true;
            fraction_zero = bytes[f..i].iter().all(|&b| b == b'0');
        }
        if digits.is_empty() || i >= bytes.len() {
            return None;
        }
        let unit = bytes[i];
        i += 1;
        let pos = units[next_unit..].iter().position(|(u, _)| *u == unit)? + next_unit;
        next_unit = pos + 1;
        let per = units[pos].1;
        // Fractions only on seconds, and only zero ones (whole seconds).
        if has_fraction && (unit != b'S' || !fraction_zero) {
            return None;
        }
        let n: i64 = digits.parse().ok()?;
        if per == 0 {
            if n != 0 {
                return None;
            }
            continue;
        }
        total = total.checked_add(n.checked_mul(per)?)?;
    }
    Some(total)
}

impl fmt::Display for DayTimeDuration {
    /// The shortest form in hours, minutes and seconds: `PT8H`, `-PT5H30M`, `PT0S`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.seconds < 0 {
            f.write_str("-")?;
        }
        let a = self.seconds.unsigned_abs();
        let (h, m, s) = (a / 3600, (a % 3600) / 60, a % 60);
        f.write_str("PT")?;
        if h > 0 {
            write!(f, "{h}H")?;
        }
        if m > 0 {
            write!(f, "{m}M")?;
        }
        if s > 0 || a == 0 {
            write!(f, "{s}S")?;
        }
        Ok(())
    }
}

impl XmlValue for DayTimeDuration {
    const EXPECTED: &'static str = "an xs:duration in days, hours, minutes and whole seconds";
    fn parse_xml(text: &str) -> Option<Self> {
        DayTimeDuration::parse(text)
    }
    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

impl Serialize for DayTimeDuration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DayTimeDuration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <Cow<'de, str>>::deserialize(d)?;
        DayTimeDuration::parse(&s).ok_or_else(|| serde::de::Error::custom("invalid xs:duration"))
    }
}

/// Reads an `xs:time` without zone (`02:00:00`, `02:00:00.5`).
fn read_time<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<NaiveTime, XmlError> {
    let text = r.text(el)?;
    NaiveTime::parse_from_str(text.trim(), "%H:%M:%S%.f").map_err(|_| r.invalid(el, &text, "an xs:time (HH:MM:SS)"))
}

/// When a [`TimeChange`] happens each year (`TimeChangePatternTypes`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeChangePattern {
    /// `t:RelativeYearlyRecurrence`: e.g. the second Sunday of March.
    RelativeYearly {
        /// The day.
        days_of_week: DayOfWeek,
        /// Which one in the month.
        day_of_week_index: DayOfWeekIndex,
        /// The month.
        month: Month,
    },
    /// `t:AbsoluteDate`: one fixed date.
    AbsoluteDate(EwsDate),
}

/// `t:Standard` or `t:Daylight` of a [`MeetingTimeZone`] (`TimeChangeType`): the offset that applies
/// from the change on, and when the change happens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeChange {
    /// The period's name, e.g. `Pacific Daylight Time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone_name: Option<String>,
    /// Added to the base offset during this period (e.g. `-PT1H` for daylight time).
    pub offset: DayTimeDuration,
    /// On which day the change happens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<TimeChangePattern>,
    /// At what local time.
    pub time: NaiveTime,
}

impl ToXml for TimeChange {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[("TimeZoneName", self.time_zone_name.as_deref())]);
        w.value("t:Offset", &self.offset);
        match &self.pattern {
            None => {}
            Some(TimeChangePattern::RelativeYearly { days_of_week, day_of_week_index, month }) => {
                RecurrencePattern::RelativeYearly {
                    days_of_week: *days_of_week,
                    day_of_week_index: *day_of_week_index,
                    month: *month,
                }
                .write(w)
            }
            Some(TimeChangePattern::AbsoluteDate(d)) => w.value("t:AbsoluteDate", d),
        }
        w.text_element("t:Time", &self.time.format("%H:%M:%S%.f").to_string());
        w.end(name);
    }
}

impl FromXml for TimeChange {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let time_zone_name = r.attr(el, "TimeZoneName")?;
        let (mut offset, mut pattern, mut time) = (None, None, None);
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "Offset" => offset = Some(r.value(&c)?),
                "RelativeYearlyRecurrence" => {
                    if let Some(RecurrencePattern::RelativeYearly { days_of_week, day_of_week_index, month }) =
                        RecurrencePattern::read(r, &c)?
                    {
                        pattern = Some(TimeChangePattern::RelativeYearly { days_of_week, day_of_week_index, month });
                    }
                }
                "AbsoluteDate" => pattern = Some(TimeChangePattern::AbsoluteDate(r.value(&c)?)),
                "Time" => time = Some(read_time(r, &c)?),
                _ => r.unknown(&c)?,
            }
        }
        Ok(TimeChange {
            time_zone_name,
            offset: offset.ok_or_else(|| r.missing(el, "Offset"))?,
            pattern,
            time: time.ok_or_else(|| r.missing(el, "Time"))?,
        })
    }
}

/// The standard and daylight periods of a [`TimeZoneRules`] (the schema has both or neither).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DaylightSaving {
    /// `t:Standard`: the change back to standard time.
    pub standard: TimeChange,
    /// `t:Daylight`: the change to daylight-saving time.
    pub daylight: TimeChange,
}

/// The offsets of a [`MeetingTimeZone`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeZoneRules {
    /// `t:BaseOffset`: UTC minus local standard time (`PT8H` for Pacific time; the sign is the
    /// opposite of an ISO 8601 offset).
    pub base_offset: DayTimeDuration,
    /// The daylight-saving periods, if the zone has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daylight_saving: Option<DaylightSaving>,
}

/// `t:MeetingTimeZone` (`TimeZoneType`): the time zone of a calendar item as Exchange 2007 knows it.
/// Exchange 2010 and later prefer `StartTimeZone`/`EndTimeZone` ([`TimeZoneDefinition`]); both
/// schemas accept either.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct MeetingTimeZone {
    /// The `TimeZoneName` attribute, e.g. `Pacific Standard Time`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone_name: Option<String>,
    /// The offsets, when given rather than implied by the name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<TimeZoneRules>,
}

impl MeetingTimeZone {
    /// A time zone known by name only.
    pub fn named(name: impl Into<String>) -> Self {
        MeetingTimeZone { time_zone_name: Some(name.into()), rules: None }
    }
}

impl ToXml for MeetingTimeZone {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        let attrs = [("TimeZoneName", self.time_zone_name.as_deref())];
        let Some(rules) = &self.rules else {
            w.empty(name, &attrs);
            return;
        };
        w.start(name, &attrs);
        w.value("t:BaseOffset", &rules.base_offset);
        if let Some(ds) = &rules.daylight_saving {
            ds.standard.to_xml(w, "t:Standard");
            ds.daylight.to_xml(w, "t:Daylight");
        }
        w.end(name);
    }
}

impl FromXml for MeetingTimeZone {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let time_zone_name = r.attr(el, "TimeZoneName")?;
        let (mut base, mut standard, mut daylight) = (None, None, None);
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "BaseOffset" => base = Some(r.value(&c)?),
                "Standard" => standard = Some(TimeChange::from_xml(r, &c)?),
                "Daylight" => daylight = Some(TimeChange::from_xml(r, &c)?),
                _ => r.unknown(&c)?,
            }
        }
        let daylight_saving = match (standard, daylight) {
            (Some(standard), Some(daylight)) => Some(DaylightSaving { standard, daylight }),
            (None, None) => None,
            (Some(_), None) => return Err(r.missing(el, "Daylight")),
            (None, Some(_)) => return Err(r.missing(el, "Standard")),
        };
        let rules = match (base, daylight_saving) {
            (Some(base_offset), daylight_saving) => Some(TimeZoneRules { base_offset, daylight_saving }),
            (None, None) => None,
            (None, Some(_)) => return Err(r.missing(el, "BaseOffset")),
        };
        Ok(MeetingTimeZone { time_zone_name, rules })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_exchange_writes_them() {
        for (s, secs) in [("PT8H", 28_800), ("-PT1H", -3600), ("PT0S", 0), ("-PT5H30M", -19_800), ("PT1M5S", 65)] {
            let d = DayTimeDuration::parse(s).unwrap();
            assert_eq!(d.seconds, secs, "{s}");
            assert_eq!(d.to_string(), s);
        }
        for (s, secs) in [("PT0M", 0), ("PT0H", 0), ("P0Y0M0DT8H0M0.000S", 28_800), ("P1D", 86_400), ("P1DT1H", 90_000)]
        {
            assert_eq!(DayTimeDuration::parse(s).unwrap().seconds, secs, "{s}");
        }
        for s in ["", "P", "PT", "8H", "PT8", "P1Y", "P2M", "PT1.5S", "PT1.5H", "PTH", "PT1M1H", "PT1H1H", "--PT1H"] {
            assert!(DayTimeDuration::parse(s).is_none(), "{s} should be refused");
        }
    }

    #[test]
    fn name_only_zone_is_an_empty_element() {
        let mut w = XmlWriter::new();
        MeetingTimeZone::named("Pacific Standard Time").to_xml(&mut w, "t:MeetingTimeZone");
        assert_eq!(w.as_str(), r#"<t:MeetingTimeZone TimeZoneName="Pacific Standard Time"/>"#);
    }

    #[test]
    fn half_a_daylight_rule_is_an_error() {
        let xml = "<MeetingTimeZone><BaseOffset>PT8H</BaseOffset>\
                   <Standard><Offset>PT0M</Offset><Time>02:00:00</Time></Standard></MeetingTimeZone>";
        let e = XmlReader::document::<MeetingTimeZone>(xml, "MeetingTimeZone").unwrap_err();
        assert_eq!(e.kind, crate::xml::XmlErrorKind::MissingElement("Daylight"));
        let xml = "<MeetingTimeZone><BaseOffset>PT8H</BaseOffset>\
                   <Standard><Offset>PT0M</Offset><Time>2 am</Time></Standard></MeetingTimeZone>";
        assert!(XmlReader::document::<MeetingTimeZone>(xml, "MeetingTimeZone").is_err());
    }
}
