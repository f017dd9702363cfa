//! The canonical calendar event: what the application reads and writes. The mapping to and from
//! EWS `t:CalendarItem` is in [`backend::ews_mapping`](crate::backend::ews_mapping).
//!
//! Times are UTC instants. `time_zone` is the Windows time zone id Exchange uses for the event
//! (`W. Europe Standard Time`); it decides how a recurring series follows daylight saving and where
//! midnight falls for an all-day event, whose `start` and `end` are the instants of midnight in that
//! zone (as Exchange reports them).
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use exsync::sync::{Attendee, AttendeeRole, Event, ShowAs};
//!
//! let e = Event {
//!     subject: Some("Planning".into()),
//!     start: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
//!     end: Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap(),
//!     attendees: vec![Attendee::new("ann@contoso.com", AttendeeRole::Required)],
//!     show_as: ShowAs::Tentative,
//!     reminder_minutes: Some(15),
//!     ..Event::default()
//! };
//! e.validate().unwrap();
//! let json = serde_json::to_string(&e).unwrap();
//! assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), e);
//! ```

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::record::RecordError;

/// How many attendees exsync writes on one event.
pub const MAX_ATTENDEES: usize = 50;

/// A calendar event, single or a recurring series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Event {
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Description, as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Where.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Start (of the first occurrence, for a series).
    pub start: DateTime<Utc>,
    /// End (of the first occurrence, for a series); not before `start`.
    pub end: DateTime<Utc>,
    /// Windows time zone id of the event, e.g. `Pacific Standard Time`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Whether the event lasts whole days.
    #[serde(skip_serializing_if = "is_false")]
    pub all_day: bool,
    /// The repeat rule of a series, with its cancelled and moved occurrences.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// Who is invited (at most [`MAX_ATTENDEES`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attendees: Vec<Attendee>,
    /// Who may see the details.
    #[serde(skip_serializing_if = "Sensitivity::is_normal")]
    pub sensitivity: Sensitivity,
    /// How the time shows to others.
    pub show_as: ShowAs,
    /// Minutes before the start a reminder fires; `None` for no reminder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminder_minutes: Option<u32>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Default for Event {
    fn default() -> Self {
        Event {
            subject: None,
            body: None,
            location: None,
            start: DateTime::<Utc>::UNIX_EPOCH,
            end: DateTime::<Utc>::UNIX_EPOCH,
            time_zone: None,
            all_day: false,
            recurrence: None,
            attendees: Vec::new(),
            sensitivity: Sensitivity::Normal,
            show_as: ShowAs::Busy,
            reminder_minutes: None,
        }
    }
}

/// Who may see an event's details.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    /// Everyone with access to the calendar.
    #[default]
    Normal,
    /// Marked personal.
    Personal,
    /// Private: others see only that the time is taken.
    Private,
    /// Confidential.
    Confidential,
}

impl Sensitivity {
    fn is_normal(&self) -> bool {
        *self == Sensitivity::Normal
    }
}

/// How an event's time shows to others (free/busy).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShowAs {
    /// Free.
    Free,
    /// Tentative.
    Tentative,
    /// Busy.
    #[default]
    Busy,
    /// Out of office.
    OutOfOffice,
    /// Working elsewhere (Exchange 2013 and newer).
    WorkingElsewhere,
}

/// An invited person or resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Attendee {
    /// SMTP address.
    pub email: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Required, optional or a resource.
    pub role: AttendeeRole,
    /// Their answer, as Exchange last reported it (not written to Exchange).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<AttendeeResponse>,
}

impl Attendee {
    /// An attendee by address, without name or response.
    pub fn new(email: impl Into<String>, role: AttendeeRole) -> Self {
        Attendee { email: email.into(), name: None, role, response: None }
    }
}

/// An attendee's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendeeRole {
    /// Required.
    Required,
    /// Optional.
    Optional,
    /// A room or equipment.
    Resource,
}

/// An attendee's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendeeResponse {
    /// Not known.
    Unknown,
    /// The attendee organizes the meeting.
    Organizer,
    /// Tentatively accepted.
    Tentative,
    /// Accepted.
    Accepted,
    /// Declined.
    Declined,
    /// No answer yet.
    NoResponse,
}

/// A recurring series: how it repeats, over which days, and its exceptions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recurrence {
    /// How often.
    pub rule: RecurrenceRule,
    /// The first day of the series.
    pub starts_on: NaiveDate,
    /// When it stops.
    pub ends: RecurrenceEnd,
    /// Occurrences removed from the series or moved (read from Exchange; see
    /// [`OccurrenceException`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<OccurrenceException>,
}

/// How often a series repeats.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "every")]
pub enum RecurrenceRule {
    /// Every `interval` days.
    Daily {
        /// At least 1.
        interval: u32,
    },
    /// Every `interval` weeks on the given days.
    Weekly {
        /// At least 1.
        interval: u32,
        /// At least one day.
        days: Vec<Weekday>,
        /// The day weeks start on (matters when `interval` is above 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        week_starts: Option<Weekday>,
    },
    /// Every `interval` months on a day of the month.
    MonthlyOnDate {
        /// At least 1.
        interval: u32,
        /// 1–31.
        day: u32,
    },
    /// Every `interval` months on e.g. the second Tuesday.
    MonthlyOnWeekday {
        /// At least 1.
        interval: u32,
        /// Which week.
        week: WeekOfMonth,
        /// Which day (or group of days).
        day: DayGroup,
    },
    /// Every year on a date.
    YearlyOnDate {
        /// 1–12.
        month: u32,
        /// 1–31.
        day: u32,
    },
    /// Every year on e.g. the last Sunday of October.
    YearlyOnWeekday {
        /// 1–12.
        month: u32,
        /// Which week.
        week: WeekOfMonth,
        /// Which day (or group of days).
        day: DayGroup,
    },
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

/// A day, or a group of days, for "the n-th … of the month" rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayGroup {
    /// One day of the week.
    Day(Weekday),
    /// Any day.
    AnyDay,
    /// Monday to Friday.
    Weekday,
    /// Saturday or Sunday.
    WeekendDay,
}

/// Which week of the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeekOfMonth {
    /// First.
    First,
    /// Second.
    Second,
    /// Third.
    Third,
    /// Fourth.
    Fourth,
    /// Last.
    Last,
}

/// When a series stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecurrenceEnd {
    /// Never.
    Never,
    /// After this day (inclusive).
    Until(NaiveDate),
    /// After this many occurrences.
    Count(u32),
}

/// An occurrence of a series that does not follow the rule, identified by when it would have
/// started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum OccurrenceException {
    /// Removed from the series.
    Cancelled {
        /// Its start per the rule.
        original_start: DateTime<Utc>,
    },
    /// Moved to another time.
    Moved {
        /// Its start per the rule.
        original_start: DateTime<Utc>,
        /// The new start.
        start: DateTime<Utc>,
        /// The new end.
        end: DateTime<Utc>,
    },
}

impl OccurrenceException {
    /// When the occurrence would have started.
    pub fn original_start(&self) -> DateTime<Utc> {
        match self {
            OccurrenceException::Cancelled { original_start } | OccurrenceException::Moved { original_start, .. } => {
                *original_start
            }
        }
    }
}

impl Event {
    /// Subject (trimmed, lower-cased), start and end: what first-sync matching compares.
    pub fn match_key(&self) -> (String, DateTime<Utc>, DateTime<Utc>) {
        (self.subject.as_deref().unwrap_or("").trim().to_lowercase(), self.start, self.end)
    }

    /// The last instant the event (or series) can cover: `None` for a series without end or one
    /// that ends after a count (not expanded here, so taken as open-ended).
    pub fn last_end(&self) -> Option<DateTime<Utc>> {
        match &self.recurrence {
            None => Some(self.end),
            Some(r) => match r.ends {
                RecurrenceEnd::Until(d) => {
                    let day_after = d.succ_opt()?.and_hms_opt(0, 0, 0)?.and_utc();
                    Some(day_after + (self.end - self.start))
                }
                RecurrenceEnd::Never | RecurrenceEnd::Count(_) => None,
            },
        }
    }

    /// Whether any part of the event (or series) falls in `[from, to)`.
    pub fn overlaps(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        self.start < to && (self.start >= from || self.last_end().is_none_or(|end| end > from))
    }

    /// Puts the event in the canonical form the engine compares: empty texts are absent,
    /// attendees grouped by role (required, optional, resources; order kept within a role, as
    /// Exchange keeps three lists), exceptions by original start.
    pub fn normalize(&mut self) {
        for t in [&mut self.subject, &mut self.body, &mut self.location, &mut self.time_zone] {
            if t.as_deref() == Some("") {
                *t = None;
            }
        }
        self.attendees.sort_by_key(|a| match a.role {
            AttendeeRole::Required => 0,
            AttendeeRole::Optional => 1,
            AttendeeRole::Resource => 2,
        });
        if let Some(r) = &mut self.recurrence {
            r.exceptions.sort_by_key(|x| x.original_start());
        }
    }

    /// Checks what Exchange refuses: an end before the start, more than [`MAX_ATTENDEES`]
    /// attendees or one without address, a recurrence with a zero interval, no days, a day of the
    /// month outside 1–31, a month outside 1–12, a zero count or an end before its start.
    pub fn validate(&self) -> Result<(), RecordError> {
        let invalid = |field, reason: &str| Err(RecordError::Invalid { field, reason: reason.to_owned() });
        if self.end < self.start {
            return invalid("end", "the event ends before it starts");
        }
        if self.attendees.len() > MAX_ATTENDEES {
            return Err(RecordError::TooMany { what: "attendee", count: self.attendees.len(), max: MAX_ATTENDEES });
        }
        if self.attendees.iter().any(|a| a.email.trim().is_empty()) {
            return invalid("attendees", "an attendee has no e-mail address");
        }
        let Some(r) = &self.recurrence else { return Ok(()) };
        let (interval, day, month) = match &r.rule {
            RecurrenceRule::Daily { interval } => (*interval, None, None),
            RecurrenceRule::Weekly { interval, days, .. } => {
                if days.is_empty() {
                    return invalid("recurrence", "a weekly rule needs at least one day");
                }
                if days.iter().enumerate().any(|(i, d)| days[..i].contains(d)) {
                    return invalid("recurrence", "a weekly rule names a day twice");
                }
                (*interval, None, None)
            }
            RecurrenceRule::MonthlyOnDate { interval, day } => (*interval, Some(*day), None),
            RecurrenceRule::MonthlyOnWeekday { interval, .. } => (*interval, None, None),
            RecurrenceRule::YearlyOnDate { month, day } => (1, Some(*day), Some(*month)),
            RecurrenceRule::YearlyOnWeekday { month, .. } => (1, None, Some(*month)),
        };
        if interval == 0 {
            return invalid("recurrence", "the interval must be at least 1");
        }
        if day.is_some_and(|d| !(1..=31).contains(&d)) {
            return invalid("recurrence", "the day of the month must be 1-31");
        }
        if month.is_some_and(|m| !(1..=12).contains(&m)) {
            return invalid("recurrence", "the month must be 1-12");
        }
        match r.ends {
            RecurrenceEnd::Count(0) => invalid("recurrence", "the count must be at least 1"),
            RecurrenceEnd::Until(d) if d < r.starts_on => invalid("recurrence", "the series ends before it starts"),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, d, h, 0, 0).unwrap()
    }

    #[test]
    fn windows_and_series_ends() {
        let e = Event { start: at(10, 9), end: at(10, 10), ..Event::default() };
        assert!(e.overlaps(at(1, 0), at(11, 0)));
        assert!(!e.overlaps(at(10, 10), at(20, 0)));
        assert!(!e.overlaps(at(1, 0), at(10, 9)));
        let series = Event {
            recurrence: Some(Recurrence {
                rule: RecurrenceRule::Daily { interval: 1 },
                starts_on: at(10, 0).date_naive(),
                ends: RecurrenceEnd::Until(at(12, 0).date_naive()),
                exceptions: vec![],
            }),
            ..e.clone()
        };
        assert_eq!(series.last_end(), Some(at(13, 1)));
        assert!(series.overlaps(at(12, 0), at(20, 0)));
        assert!(!series.overlaps(at(14, 0), at(20, 0)));
        let open =
            Event { recurrence: Some(Recurrence { ends: RecurrenceEnd::Never, ..series.recurrence.unwrap() }), ..e };
        assert!(open.overlaps(at(30, 0), at(31, 0)));
    }

    #[test]
    fn validation_names_the_problem() {
        let mut e = Event { start: at(2, 0), end: at(1, 0), ..Event::default() };
        assert!(e.validate().unwrap_err().to_string().contains("ends before it starts"));
        e.end = at(3, 0);
        e.attendees = (0..51).map(|i| Attendee::new(format!("a{i}@x"), AttendeeRole::Optional)).collect();
        assert!(matches!(e.validate(), Err(RecordError::TooMany { count: 51, max: 50, .. })));
        e.attendees.truncate(50);
        assert_eq!(e.validate(), Ok(()));
        e.recurrence = Some(Recurrence {
            rule: RecurrenceRule::MonthlyOnDate { interval: 1, day: 32 },
            starts_on: at(2, 0).date_naive(),
            ends: RecurrenceEnd::Count(3),
            exceptions: vec![],
        });
        assert!(e.validate().unwrap_err().to_string().contains("1-31"));
    }
}
