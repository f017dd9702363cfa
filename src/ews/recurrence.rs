//! Recurrence: the patterns and ranges of `RecurrenceType` (calendar items) and
//! `TaskRecurrenceType` (tasks), and the day, week and month names they use.
//!
//! A [`Recurrence`] is one [`RecurrencePattern`] (how often) and one [`RecurrenceRange`] (from when,
//! until when). The pattern enum holds all ten schema patterns; only the six non-regenerating ones
//! are valid in a calendar item's `t:Recurrence` (see [`RecurrencePattern::is_valid_for_calendar`]),
//! the four `…Regeneration` patterns belong to tasks.
//!
//! ```
//! use exsync::ews::{DayOfWeek, DaysOfWeek, EwsDate, Recurrence, RecurrencePattern, RecurrenceRange};
//! use exsync::xml::{ToXml, XmlReader, XmlWriter};
//!
//! let every_other_monday_and_friday = Recurrence {
//!     pattern: RecurrencePattern::Weekly {
//!         interval: 2,
//!         days_of_week: DaysOfWeek(vec![DayOfWeek::Monday, DayOfWeek::Friday]),
//!         first_day_of_week: None,
//!     },
//!     range: RecurrenceRange::Numbered { start_date: EwsDate::parse("2014-03-08-08:00").unwrap(), number_of_occurrences: 10 },
//! };
//! let mut w = XmlWriter::new();
//! every_other_monday_and_friday.to_xml(&mut w, "t:Recurrence");
//! let xml = w.into_string();
//! assert!(xml.contains("<t:DaysOfWeek>Monday Friday</t:DaysOfWeek>"));
//! let back: Recurrence = XmlReader::document(&xml, "Recurrence").unwrap();
//! assert_eq!(back, every_other_monday_and_friday);
//! ```

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlErrorKind, XmlReader, XmlValue, XmlWriter, xml_enum};

use super::datetime::EwsDate;

xml_enum! {
    /// A day of the week, or a group of days (`DayOfWeekType`).
    pub enum DayOfWeek {
        Sunday = "Sunday",
        Monday = "Monday",
        Tuesday = "Tuesday",
        Wednesday = "Wednesday",
        Thursday = "Thursday",
        Friday = "Friday",
        Saturday = "Saturday",
        /// Any day.
        Day = "Day",
        /// Monday to Friday.
        Weekday = "Weekday",
        /// Saturday or Sunday.
        WeekendDay = "WeekendDay",
    }
}

xml_enum! {
    /// Which week of the month (`DayOfWeekIndexType`).
    pub enum DayOfWeekIndex {
        First = "First",
        Second = "Second",
        Third = "Third",
        Fourth = "Fourth",
        Last = "Last",
    }
}

xml_enum! {
    /// A month (`MonthNamesType`).
    pub enum Month {
        January = "January",
        February = "February",
        March = "March",
        April = "April",
        May = "May",
        June = "June",
        July = "July",
        August = "August",
        September = "September",
        October = "October",
        November = "November",
        December = "December",
    }
}

/// The days a weekly pattern falls on (`DaysOfWeekType`, a space-separated list such as
/// `Monday Wednesday Friday`). Exchange needs at least one day; reading an empty list is an error.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DaysOfWeek(pub Vec<DayOfWeek>);

impl DaysOfWeek {
    /// A list of days.
    pub fn new(days: impl IntoIterator<Item = DayOfWeek>) -> Self {
        DaysOfWeek(days.into_iter().collect())
    }

    /// Parses the space-separated list; `None` when it is empty or holds an unknown name.
    pub fn parse(s: &str) -> Option<Self> {
        let days = s.split_ascii_whitespace().map(|d| d.parse().ok()).collect::<Option<Vec<DayOfWeek>>>()?;
        if days.is_empty() { None } else { Some(DaysOfWeek(days)) }
    }
}

impl fmt::Display for DaysOfWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(d.as_str())?;
        }
        Ok(())
    }
}

impl XmlValue for DaysOfWeek {
    const EXPECTED: &'static str = "a non-empty space-separated list of DayOfWeekType values";
    fn parse_xml(text: &str) -> Option<Self> {
        DaysOfWeek::parse(text)
    }
    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

/// How often an item recurs: the schema's `RecurrencePatternTypes` and `TaskRecurrencePatternTypes`.
///
/// Calendar items (`RecurrenceType`) accept the first six variants only; the four `…Regeneration`
/// variants are task patterns (`TaskRecurrenceType`: the next occurrence is generated the given
/// interval after the previous one is completed). Writing a regenerating pattern inside a
/// `t:CalendarItem` produces XML that Exchange rejects, and a strict reader refuses it there.
///
/// Intervals, days of the month and occurrence counts are checked when read: intervals and counts
/// are at least 1, days of the month 1–31.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "pattern")]
pub enum RecurrencePattern {
    /// `t:RelativeYearlyRecurrence`: e.g. the last Sunday of October every year.
    RelativeYearly {
        /// The day (one `DayOfWeekType` value, not a list).
        days_of_week: DayOfWeek,
        /// Which one in the month.
        day_of_week_index: DayOfWeekIndex,
        /// The month.
        month: Month,
    },
    /// `t:AbsoluteYearlyRecurrence`: e.g. every 14 March.
    AbsoluteYearly {
        /// Day of the month, 1–31.
        day_of_month: u32,
        /// The month.
        month: Month,
    },
    /// `t:RelativeMonthlyRecurrence`: e.g. the second Tuesday of every third month.
    RelativeMonthly {
        /// Every `interval` months (at least 1).
        interval: u32,
        /// The day (one `DayOfWeekType` value, not a list).
        days_of_week: DayOfWeek,
        /// Which one in the month.
        day_of_week_index: DayOfWeekIndex,
    },
    /// `t:AbsoluteMonthlyRecurrence`: e.g. the 15th of every month.
    AbsoluteMonthly {
        /// Every `interval` months (at least 1).
        interval: u32,
        /// Day of the month, 1–31.
        day_of_month: u32,
    },
    /// `t:WeeklyRecurrence`: e.g. Monday and Thursday every two weeks.
    Weekly {
        /// Every `interval` weeks (at least 1).
        interval: u32,
        /// The days (at least one).
        days_of_week: DaysOfWeek,
        /// The day weeks start on, which matters when `interval` is above 1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        first_day_of_week: Option<DayOfWeek>,
    },
    /// `t:DailyRecurrence`: every `interval` days.
    Daily {
        /// Every `interval` days (at least 1).
        interval: u32,
    },
    /// `t:DailyRegeneration` (tasks only): `interval` days after the previous one is completed.
    DailyRegeneration {
        /// Days (at least 1).
        interval: u32,
    },
    /// `t:WeeklyRegeneration` (tasks only).
    WeeklyRegeneration {
        /// Weeks (at least 1).
        interval: u32,
    },
    /// `t:MonthlyRegeneration` (tasks only).
    MonthlyRegeneration {
        /// Months (at least 1).
        interval: u32,
    },
    /// `t:YearlyRegeneration` (tasks only).
    YearlyRegeneration {
        /// Years (at least 1).
        interval: u32,
    },
}

/// The pattern elements, for dispatch while reading.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    RelativeYearly,
    AbsoluteYearly,
    RelativeMonthly,
    AbsoluteMonthly,
    Weekly,
    Daily,
    DailyRegeneration,
    WeeklyRegeneration,
    MonthlyRegeneration,
    YearlyRegeneration,
}

impl Kind {
    fn of(name: &str) -> Option<Kind> {
        Some(match name {
            "RelativeYearlyRecurrence" => Kind::RelativeYearly,
            "AbsoluteYearlyRecurrence" => Kind::AbsoluteYearly,
            "RelativeMonthlyRecurrence" => Kind::RelativeMonthly,
            "AbsoluteMonthlyRecurrence" => Kind::AbsoluteMonthly,
            "WeeklyRecurrence" => Kind::Weekly,
            "DailyRecurrence" => Kind::Daily,
            "DailyRegeneration" => Kind::DailyRegeneration,
            "WeeklyRegeneration" => Kind::WeeklyRegeneration,
            "MonthlyRegeneration" => Kind::MonthlyRegeneration,
            "YearlyRegeneration" => Kind::YearlyRegeneration,
            _ => return None,
        })
    }

    /// Whether `child` is an element of this pattern.
    fn has(self, child: &str) -> bool {
        match self {
            Kind::RelativeYearly => matches!(child, "DaysOfWeek" | "DayOfWeekIndex" | "Month"),
            Kind::AbsoluteYearly => matches!(child, "DayOfMonth" | "Month"),
            Kind::RelativeMonthly => matches!(child, "Interval" | "DaysOfWeek" | "DayOfWeekIndex"),
            Kind::AbsoluteMonthly => matches!(child, "Interval" | "DayOfMonth"),
            Kind::Weekly => matches!(child, "Interval" | "DaysOfWeek" | "FirstDayOfWeek"),
            Kind::Daily
            | Kind::DailyRegeneration
            | Kind::WeeklyRegeneration
            | Kind::MonthlyRegeneration
            | Kind::YearlyRegeneration => child == "Interval",
        }
    }
}

/// The children of a pattern element, as read.
#[derive(Default)]
struct PatternFields {
    interval: Option<u32>,
    day: Option<DayOfWeek>,
    days: Option<DaysOfWeek>,
    index: Option<DayOfWeekIndex>,
    day_of_month: Option<u32>,
    month: Option<Month>,
    first_day: Option<DayOfWeek>,
}

/// Reads an `xs:int` that must lie in `min..=max`.
fn read_int_in<'a>(
    r: &mut XmlReader<'a>,
    el: &Element<'a>,
    min: i64,
    max: i64,
    expected: &'static str,
) -> Result<u32, XmlError> {
    let text = r.text(el)?;
    match text.trim().parse::<i64>() {
        Ok(v) if (min..=max).contains(&v) && v >= 0 => Ok(v as u32),
        _ => Err(r.invalid(el, &text, expected)),
    }
}

const INT_MAX: i64 = i32::MAX as i64;

impl RecurrencePattern {
    /// The element's local name, e.g. `WeeklyRecurrence`.
    pub fn element_name(&self) -> &'static str {
        match self {
            RecurrencePattern::RelativeYearly { .. } => "RelativeYearlyRecurrence",
            RecurrencePattern::AbsoluteYearly { .. } => "AbsoluteYearlyRecurrence",
            RecurrencePattern::RelativeMonthly { .. } => "RelativeMonthlyRecurrence",
            RecurrencePattern::AbsoluteMonthly { .. } => "AbsoluteMonthlyRecurrence",
            RecurrencePattern::Weekly { .. } => "WeeklyRecurrence",
            RecurrencePattern::Daily { .. } => "DailyRecurrence",
            RecurrencePattern::DailyRegeneration { .. } => "DailyRegeneration",
            RecurrencePattern::WeeklyRegeneration { .. } => "WeeklyRegeneration",
            RecurrencePattern::MonthlyRegeneration { .. } => "MonthlyRegeneration",
            RecurrencePattern::YearlyRegeneration { .. } => "YearlyRegeneration",
        }
    }

    /// Whether this is one of the task-only `…Regeneration` patterns.
    pub fn is_regenerating(&self) -> bool {
        matches!(
            self,
            RecurrencePattern::DailyRegeneration { .. }
                | RecurrencePattern::WeeklyRegeneration { .. }
                | RecurrencePattern::MonthlyRegeneration { .. }
                | RecurrencePattern::YearlyRegeneration { .. }
        )
    }

    /// Whether a calendar item's `t:Recurrence` (`RecurrenceType`) may hold this pattern: every
    /// pattern but the regenerating ones.
    pub fn is_valid_for_calendar(&self) -> bool {
        !self.is_regenerating()
    }

    /// The interval (every n days, weeks, months), for the patterns that have one.
    pub fn interval(&self) -> Option<u32> {
        match self {
            RecurrencePattern::RelativeYearly { .. } | RecurrencePattern::AbsoluteYearly { .. } => None,
            RecurrencePattern::RelativeMonthly { interval, .. }
            | RecurrencePattern::AbsoluteMonthly { interval, .. }
            | RecurrencePattern::Weekly { interval, .. }
            | RecurrencePattern::Daily { interval }
            | RecurrencePattern::DailyRegeneration { interval }
            | RecurrencePattern::WeeklyRegeneration { interval }
            | RecurrencePattern::MonthlyRegeneration { interval }
            | RecurrencePattern::YearlyRegeneration { interval } => Some(*interval),
        }
    }

    /// Writes the pattern element (`t:WeeklyRecurrence`, …; the name comes from the variant), its
    /// children in schema order.
    pub fn write(&self, w: &mut XmlWriter) {
        let name = format!("t:{}", self.element_name());
        w.start(&name, &[]);
        match self {
            RecurrencePattern::RelativeYearly { days_of_week, day_of_week_index, month } => {
                w.value("t:DaysOfWeek", days_of_week);
                w.value("t:DayOfWeekIndex", day_of_week_index);
                w.value("t:Month", month);
            }
            RecurrencePattern::AbsoluteYearly { day_of_month, month } => {
                w.value("t:DayOfMonth", day_of_month);
                w.value("t:Month", month);
            }
            RecurrencePattern::RelativeMonthly { interval, days_of_week, day_of_week_index } => {
                w.value("t:Interval", interval);
                w.value("t:DaysOfWeek", days_of_week);
                w.value("t:DayOfWeekIndex", day_of_week_index);
            }
            RecurrencePattern::AbsoluteMonthly { interval, day_of_month } => {
                w.value("t:Interval", interval);
                w.value("t:DayOfMonth", day_of_month);
            }
            RecurrencePattern::Weekly { interval, days_of_week, first_day_of_week } => {
                w.value("t:Interval", interval);
                w.value("t:DaysOfWeek", days_of_week);
                w.opt_value("t:FirstDayOfWeek", first_day_of_week);
            }
            RecurrencePattern::Daily { interval }
            | RecurrencePattern::DailyRegeneration { interval }
            | RecurrencePattern::WeeklyRegeneration { interval }
            | RecurrencePattern::MonthlyRegeneration { interval }
            | RecurrencePattern::YearlyRegeneration { interval } => w.value("t:Interval", interval),
        }
        w.end(&name);
    }

    /// Reads `el` if it is a pattern element; `None` for other elements (left unread).
    pub fn read<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Option<Self>, XmlError> {
        let Some(kind) = Kind::of(el.name()) else { return Ok(None) };
        let mut f = PatternFields::default();
        while let Some(c) = r.next_child(el)? {
            let name = c.name();
            if !kind.has(name) {
                r.unknown(&c)?;
                continue;
            }
            match name {
                "Interval" => f.interval = Some(read_int_in(r, &c, 1, INT_MAX, "a positive xs:int interval")?),
                "DaysOfWeek" if kind == Kind::Weekly => f.days = Some(r.value(&c)?),
                "DaysOfWeek" => f.day = Some(r.value(&c)?),
                "DayOfWeekIndex" => f.index = Some(r.value(&c)?),
                "DayOfMonth" => f.day_of_month = Some(read_int_in(r, &c, 1, 31, "a day of the month (1-31)")?),
                "Month" => f.month = Some(r.value(&c)?),
                "FirstDayOfWeek" => f.first_day = Some(r.value(&c)?),
                _ => r.unknown(&c)?,
            }
        }
        fn need<T>(r: &XmlReader<'_>, el: &Element<'_>, v: Option<T>, name: &'static str) -> Result<T, XmlError> {
            v.ok_or_else(|| r.missing(el, name))
        }
        let interval = |r: &XmlReader<'_>| need(r, el, f.interval, "Interval");
        Ok(Some(match kind {
            Kind::RelativeYearly => RecurrencePattern::RelativeYearly {
                days_of_week: need(r, el, f.day, "DaysOfWeek")?,
                day_of_week_index: need(r, el, f.index, "DayOfWeekIndex")?,
                month: need(r, el, f.month, "Month")?,
            },
            Kind::AbsoluteYearly => RecurrencePattern::AbsoluteYearly {
                day_of_month: need(r, el, f.day_of_month, "DayOfMonth")?,
                month: need(r, el, f.month, "Month")?,
            },
            Kind::RelativeMonthly => RecurrencePattern::RelativeMonthly {
                interval: interval(r)?,
                days_of_week: need(r, el, f.day, "DaysOfWeek")?,
                day_of_week_index: need(r, el, f.index, "DayOfWeekIndex")?,
            },
            Kind::AbsoluteMonthly => RecurrencePattern::AbsoluteMonthly {
                interval: interval(r)?,
                day_of_month: need(r, el, f.day_of_month, "DayOfMonth")?,
            },
            Kind::Weekly => RecurrencePattern::Weekly {
                interval: interval(r)?,
                days_of_week: need(r, el, f.days.clone(), "DaysOfWeek")?,
                first_day_of_week: f.first_day,
            },
            Kind::Daily => RecurrencePattern::Daily { interval: interval(r)? },
            Kind::DailyRegeneration => RecurrencePattern::DailyRegeneration { interval: interval(r)? },
            Kind::WeeklyRegeneration => RecurrencePattern::WeeklyRegeneration { interval: interval(r)? },
            Kind::MonthlyRegeneration => RecurrencePattern::MonthlyRegeneration { interval: interval(r)? },
            Kind::YearlyRegeneration => RecurrencePattern::YearlyRegeneration { interval: interval(r)? },
        }))
    }
}

/// From when and until when an item recurs (`RecurrenceRangeTypes`). Dates may carry a zone suffix
/// as Exchange writes them (`2014-03-08-08:00`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "range")]
pub enum RecurrenceRange {
    /// `t:NoEndRecurrence`: forever.
    NoEnd {
        /// The first day.
        start_date: EwsDate,
    },
    /// `t:EndDateRecurrence`: until a date (inclusive).
    EndDate {
        /// The first day.
        start_date: EwsDate,
        /// The last day.
        end_date: EwsDate,
    },
    /// `t:NumberedRecurrence`: a number of occurrences.
    Numbered {
        /// The first day.
        start_date: EwsDate,
        /// How many occurrences (at least 1).
        number_of_occurrences: u32,
    },
}

impl RecurrenceRange {
    /// The first day of the range.
    pub fn start_date(&self) -> &EwsDate {
        match self {
            RecurrenceRange::NoEnd { start_date }
            | RecurrenceRange::EndDate { start_date, .. }
            | RecurrenceRange::Numbered { start_date, .. } => start_date,
        }
    }

    /// The element's local name, e.g. `NumberedRecurrence`.
    pub fn element_name(&self) -> &'static str {
        match self {
            RecurrenceRange::NoEnd { .. } => "NoEndRecurrence",
            RecurrenceRange::EndDate { .. } => "EndDateRecurrence",
            RecurrenceRange::Numbered { .. } => "NumberedRecurrence",
        }
    }

    /// Writes the range element (the name comes from the variant).
    pub fn write(&self, w: &mut XmlWriter) {
        let name = format!("t:{}", self.element_name());
        w.start(&name, &[]);
        w.value("t:StartDate", self.start_date());
        match self {
            RecurrenceRange::NoEnd { .. } => {}
            RecurrenceRange::EndDate { end_date, .. } => w.value("t:EndDate", end_date),
            RecurrenceRange::Numbered { number_of_occurrences, .. } => {
                w.value("t:NumberOfOccurrences", number_of_occurrences)
            }
        }
        w.end(&name);
    }

    /// Reads `el` if it is a range element; `None` for other elements (left unread).
    pub fn read<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Option<Self>, XmlError> {
        let name = el.name();
        if !matches!(name, "NoEndRecurrence" | "EndDateRecurrence" | "NumberedRecurrence") {
            return Ok(None);
        }
        let (mut start, mut end, mut count) = (None, None, None);
        while let Some(c) = r.next_child(el)? {
            match (name, c.name()) {
                (_, "StartDate") => start = Some(r.value::<EwsDate>(&c)?),
                ("EndDateRecurrence", "EndDate") => end = Some(r.value::<EwsDate>(&c)?),
                ("NumberedRecurrence", "NumberOfOccurrences") => {
                    count = Some(read_int_in(r, &c, 1, INT_MAX, "a positive xs:int number of occurrences")?)
                }
                _ => r.unknown(&c)?,
            }
        }
        let start_date = start.ok_or_else(|| r.missing(el, "StartDate"))?;
        Ok(Some(match name {
            "NoEndRecurrence" => RecurrenceRange::NoEnd { start_date },
            "EndDateRecurrence" => {
                RecurrenceRange::EndDate { start_date, end_date: end.ok_or_else(|| r.missing(el, "EndDate"))? }
            }
            _ => RecurrenceRange::Numbered {
                start_date,
                number_of_occurrences: count.ok_or_else(|| r.missing(el, "NumberOfOccurrences"))?,
            },
        }))
    }
}

/// `t:Recurrence`: a pattern and a range (`RecurrenceType`, or `TaskRecurrenceType` when the
/// pattern is a regenerating one).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Recurrence {
    /// How often.
    pub pattern: RecurrencePattern,
    /// From when, until when.
    pub range: RecurrenceRange,
}

impl ToXml for Recurrence {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        self.pattern.write(w);
        self.range.write(w);
        w.end(name);
    }
}

impl FromXml for Recurrence {
    /// Reads any pattern, the task-only ones included; [`CalendarItem`](super::CalendarItem) checks
    /// that its recurrence is a calendar pattern when the reader is strict.
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let (mut pattern, mut range) = (None, None);
        while let Some(c) = r.next_child(el)? {
            let name = c.name();
            if pattern.is_none() && Kind::of(name).is_some() {
                pattern = RecurrencePattern::read(r, &c)?;
            } else if range.is_none() && RecurrenceRange::is_range_name(name) {
                range = RecurrenceRange::read(r, &c)?;
            } else if r.is_strict() && (Kind::of(name).is_some() || RecurrenceRange::is_range_name(name)) {
                return Err(r.error_on(&c, XmlErrorKind::UnexpectedElement(c.qualified_name().to_owned())));
            } else {
                r.unknown(&c)?;
            }
        }
        Ok(Recurrence {
            pattern: pattern.ok_or_else(|| r.missing(el, "a recurrence pattern (e.g. WeeklyRecurrence)"))?,
            range: range.ok_or_else(|| r.missing(el, "a recurrence range (e.g. NoEndRecurrence)"))?,
        })
    }
}

impl RecurrenceRange {
    fn is_range_name(name: &str) -> bool {
        matches!(name, "NoEndRecurrence" | "EndDateRecurrence" | "NumberedRecurrence")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str) -> Result<Recurrence, XmlError> {
        XmlReader::document(xml, "Recurrence")
    }

    #[test]
    fn days_of_week_is_a_space_separated_list() {
        let d = DaysOfWeek::parse(" Monday  Wednesday\tFriday ").unwrap();
        assert_eq!(d.0, vec![DayOfWeek::Monday, DayOfWeek::Wednesday, DayOfWeek::Friday]);
        assert_eq!(d.to_string(), "Monday Wednesday Friday");
        assert!(DaysOfWeek::parse("").is_none());
        assert!(DaysOfWeek::parse("Monday Mondy").is_none());
    }

    #[test]
    fn every_pattern_reads_back() {
        let xml = "<Recurrence><RelativeMonthlyRecurrence><Interval>3</Interval><DaysOfWeek>Tuesday</DaysOfWeek>\
                   <DayOfWeekIndex>Second</DayOfWeekIndex></RelativeMonthlyRecurrence>\
                   <NoEndRecurrence><StartDate>2014-01-01</StartDate></NoEndRecurrence></Recurrence>";
        let r = read(xml).unwrap();
        assert_eq!(
            r.pattern,
            RecurrencePattern::RelativeMonthly {
                interval: 3,
                days_of_week: DayOfWeek::Tuesday,
                day_of_week_index: DayOfWeekIndex::Second
            }
        );
        let xml = "<Recurrence><YearlyRegeneration><Interval>1</Interval></YearlyRegeneration>\
                   <EndDateRecurrence><StartDate>2014-01-01Z</StartDate><EndDate>2015-01-01Z</EndDate>\
                   </EndDateRecurrence></Recurrence>";
        let r = read(xml).unwrap();
        assert!(r.pattern.is_regenerating());
        assert!(!r.pattern.is_valid_for_calendar());
    }

    #[test]
    fn relative_patterns_take_a_single_day() {
        let xml = "<Recurrence><RelativeYearlyRecurrence><DaysOfWeek>Monday Tuesday</DaysOfWeek>\
                   <DayOfWeekIndex>Last</DayOfWeekIndex><Month>May</Month></RelativeYearlyRecurrence>\
                   <NoEndRecurrence><StartDate>2014-01-01</StartDate></NoEndRecurrence></Recurrence>";
        let e = read(xml).unwrap_err();
        assert!(matches!(e.kind, XmlErrorKind::InvalidValue { .. }), "{e}");
    }

    #[test]
    fn out_of_range_numbers_and_missing_parts_are_errors() {
        let bad = [
            "<Recurrence><DailyRecurrence><Interval>0</Interval></DailyRecurrence>\
             <NoEndRecurrence><StartDate>2014-01-01</StartDate></NoEndRecurrence></Recurrence>",
            "<Recurrence><AbsoluteMonthlyRecurrence><Interval>1</Interval><DayOfMonth>32</DayOfMonth>\
             </AbsoluteMonthlyRecurrence><NoEndRecurrence><StartDate>2014-01-01</StartDate></NoEndRecurrence></Recurrence>",
            "<Recurrence><DailyRecurrence><Interval>1</Interval></DailyRecurrence>\
             <NumberedRecurrence><StartDate>2014-01-01</StartDate><NumberOfOccurrences>-3</NumberOfOccurrences>\
             </NumberedRecurrence></Recurrence>",
        ];
        for xml in bad {
            let e = read(xml).unwrap_err();
            assert!(matches!(e.kind, XmlErrorKind::InvalidValue { .. }), "{e}");
        }
        let e = read("<Recurrence><DailyRecurrence><Interval>1</Interval></DailyRecurrence></Recurrence>").unwrap_err();
        assert!(matches!(e.kind, XmlErrorKind::MissingElement(_)), "{e}");
        let e = read(
            "<Recurrence><WeeklyRecurrence><Interval>1</Interval></WeeklyRecurrence>\
             <NoEndRecurrence><StartDate>2014-01-01</StartDate></NoEndRecurrence></Recurrence>",
        )
        .unwrap_err();
        assert_eq!(e.kind, XmlErrorKind::MissingElement("DaysOfWeek"));
    }

    #[test]
    fn strict_reader_refuses_a_second_pattern() {
        let xml = "<Recurrence><DailyRecurrence><Interval>1</Interval></DailyRecurrence>\
                   <DailyRecurrence><Interval>2</Interval></DailyRecurrence>\
                   <NoEndRecurrence><StartDate>2014-01-01</StartDate></NoEndRecurrence></Recurrence>";
        assert!(read(xml).is_ok());
        let mut r = XmlReader::new(xml).unwrap().strict(true);
        assert!(r.read_document::<Recurrence>("Recurrence").is_err());
    }
}
