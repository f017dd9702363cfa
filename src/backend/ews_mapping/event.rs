//! Canonical [`Event`] ↔ EWS [`CalendarItem`].
//!
//! Mapped: subject, body (as text), location, start and end (UTC), the Windows time zone
//! (`StartTimeZone`/`EndTimeZone`), all-day, recurrence, attendees by role, sensitivity, free/busy
//! and the reminder. Exceptions of a series are read from the master (`ModifiedOccurrences`,
//! `DeletedOccurrences`); Exchange writes them through the occurrences themselves, so
//! [`occurrence_edits`] lists which occurrences to cancel or move, for the backend to apply.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use exsync::backend::ews_mapping::{event_from_ews, event_item_updates, event_to_ews};
//! use exsync::sync::{AppId, Event, Sensitivity};
//!
//! let e = Event {
//!     subject: Some("1:1".into()),
//!     start: Utc.with_ymd_and_hms(2026, 5, 4, 8, 0, 0).unwrap(),
//!     end: Utc.with_ymd_and_hms(2026, 5, 4, 8, 30, 0).unwrap(),
//!     time_zone: Some("W. Europe Standard Time".into()),
//!     ..Event::default()
//! };
//! let item = event_to_ews(&e, Some(&AppId::new("booking-7")));
//! assert_eq!(event_from_ews(&item).unwrap(), e);
//!
//! let private = Event { sensitivity: Sensitivity::Private, ..e.clone() };
//! assert_eq!(event_item_updates(&item, &private).len(), 1); // item:Sensitivity only
//! ```

use chrono::{DateTime, Utc};

use crate::ews::{
    self, Attendee as EwsAttendee, Body, CalendarField, CalendarItem, DayOfWeek, DayOfWeekIndex, DaysOfWeek, EwsDate,
    EwsDateTime, Item, ItemUpdate, LegacyFreeBusy, Mailbox, Month, RecurrencePattern, RecurrenceRange, ResponseType,
    TimeZoneDefinition,
};
use crate::sync::{
    Attendee, AttendeeResponse, AttendeeRole, DayGroup, Event, OccurrenceException, Recurrence, RecurrenceEnd,
    RecurrenceRule, Sensitivity, ShowAs, WeekOfMonth, Weekday,
};

use super::MappingError;
use super::tag::set_app_id;

/// The reminder Exchange applies when one is set without minutes.
pub const DEFAULT_REMINDER_MINUTES: u32 = 15;

fn ews_sensitivity(s: Sensitivity) -> ews::Sensitivity {
    match s {
        Sensitivity::Normal => ews::Sensitivity::Normal,
        Sensitivity::Personal => ews::Sensitivity::Personal,
        Sensitivity::Private => ews::Sensitivity::Private,
        Sensitivity::Confidential => ews::Sensitivity::Confidential,
    }
}

fn sensitivity(s: ews::Sensitivity) -> Sensitivity {
    match s {
        ews::Sensitivity::Normal => Sensitivity::Normal,
        ews::Sensitivity::Personal => Sensitivity::Personal,
        ews::Sensitivity::Private => Sensitivity::Private,
        ews::Sensitivity::Confidential => Sensitivity::Confidential,
    }
}

fn free_busy(s: ShowAs) -> LegacyFreeBusy {
    match s {
        ShowAs::Free => LegacyFreeBusy::Free,
        ShowAs::Tentative => LegacyFreeBusy::Tentative,
        ShowAs::Busy => LegacyFreeBusy::Busy,
        ShowAs::OutOfOffice => LegacyFreeBusy::Oof,
        ShowAs::WorkingElsewhere => LegacyFreeBusy::WorkingElsewhere,
    }
}

/// `NoData` (and no status) read as busy, Exchange's default.
fn show_as(s: Option<LegacyFreeBusy>) -> ShowAs {
    match s {
        Some(LegacyFreeBusy::Free) => ShowAs::Free,
        Some(LegacyFreeBusy::Tentative) => ShowAs::Tentative,
        Some(LegacyFreeBusy::Oof) => ShowAs::OutOfOffice,
        Some(LegacyFreeBusy::WorkingElsewhere) => ShowAs::WorkingElsewhere,
        Some(LegacyFreeBusy::Busy) | Some(LegacyFreeBusy::NoData) | None => ShowAs::Busy,
    }
}

fn ews_response(r: AttendeeResponse) -> ResponseType {
    match r {
        AttendeeResponse::Unknown => ResponseType::Unknown,
        AttendeeResponse::Organizer => ResponseType::Organizer,
        AttendeeResponse::Tentative => ResponseType::Tentative,
        AttendeeResponse::Accepted => ResponseType::Accept,
        AttendeeResponse::Declined => ResponseType::Decline,
        AttendeeResponse::NoResponse => ResponseType::NoResponseReceived,
    }
}

fn response(r: ResponseType) -> AttendeeResponse {
    match r {
        ResponseType::Unknown => AttendeeResponse::Unknown,
        ResponseType::Organizer => AttendeeResponse::Organizer,
        ResponseType::Tentative => AttendeeResponse::Tentative,
        ResponseType::Accept => AttendeeResponse::Accepted,
        ResponseType::Decline => AttendeeResponse::Declined,
        ResponseType::NoResponseReceived => AttendeeResponse::NoResponse,
    }
}

const WEEKDAYS: [(Weekday, DayOfWeek); 7] = [
    (Weekday::Monday, DayOfWeek::Monday),
    (Weekday::Tuesday, DayOfWeek::Tuesday),
    (Weekday::Wednesday, DayOfWeek::Wednesday),
    (Weekday::Thursday, DayOfWeek::Thursday),
    (Weekday::Friday, DayOfWeek::Friday),
    (Weekday::Saturday, DayOfWeek::Saturday),
    (Weekday::Sunday, DayOfWeek::Sunday),
];

fn ews_day(d: Weekday) -> DayOfWeek {
    WEEKDAYS.iter().find(|(w, _)| *w == d).map_or(DayOfWeek::Monday, |(_, e)| *e)
}

fn weekday(d: DayOfWeek) -> Option<Weekday> {
    WEEKDAYS.iter().find(|(_, e)| *e == d).map(|(w, _)| *w)
}

/// The single days a `DaysOfWeek` entry stands for (`Weekday` is Monday to Friday).
fn expand(d: DayOfWeek) -> Vec<Weekday> {
    match d {
        DayOfWeek::Day => WEEKDAYS.iter().map(|(w, _)| *w).collect(),
        DayOfWeek::Weekday => WEEKDAYS[..5].iter().map(|(w, _)| *w).collect(),
        DayOfWeek::WeekendDay => WEEKDAYS[5..].iter().map(|(w, _)| *w).collect(),
        single => weekday(single).into_iter().collect(),
    }
}

fn ews_group(d: DayGroup) -> DayOfWeek {
    match d {
        DayGroup::Day(w) => ews_day(w),
        DayGroup::AnyDay => DayOfWeek::Day,
        DayGroup::Weekday => DayOfWeek::Weekday,
        DayGroup::WeekendDay => DayOfWeek::WeekendDay,
    }
}

fn group(d: DayOfWeek) -> DayGroup {
    match d {
        DayOfWeek::Day => DayGroup::AnyDay,
        DayOfWeek::Weekday => DayGroup::Weekday,
        DayOfWeek::WeekendDay => DayGroup::WeekendDay,
        single => DayGroup::Day(weekday(single).unwrap_or(Weekday::Monday)),
    }
}

fn ews_week(w: WeekOfMonth) -> DayOfWeekIndex {
    match w {
        WeekOfMonth::First => DayOfWeekIndex::First,
        WeekOfMonth::Second => DayOfWeekIndex::Second,
        WeekOfMonth::Third => DayOfWeekIndex::Third,
        WeekOfMonth::Fourth => DayOfWeekIndex::Fourth,
        WeekOfMonth::Last => DayOfWeekIndex::Last,
    }
}

fn week(w: DayOfWeekIndex) -> WeekOfMonth {
    match w {
        DayOfWeekIndex::First => WeekOfMonth::First,
        DayOfWeekIndex::Second => WeekOfMonth::Second,
        DayOfWeekIndex::Third => WeekOfMonth::Third,
        DayOfWeekIndex::Fourth => WeekOfMonth::Fourth,
        DayOfWeekIndex::Last => WeekOfMonth::Last,
    }
}

/// Month 1–12 as EWS names it (numbers outside that range give December; [`Event::validate`]
/// refuses them first).
fn ews_month(m: u32) -> Month {
    Month::ALL[(m.clamp(1, 12) - 1) as usize]
}

fn month(m: Month) -> u32 {
    Month::ALL.iter().position(|x| *x == m).map_or(1, |i| i as u32 + 1)
}

/// The EWS recurrence (pattern and range) of a canonical one; exceptions are not part of it.
pub fn recurrence_to_ews(r: &Recurrence) -> ews::Recurrence {
    let pattern = match &r.rule {
        RecurrenceRule::Daily { interval } => RecurrencePattern::Daily { interval: *interval },
        RecurrenceRule::Weekly { interval, days, week_starts } => RecurrencePattern::Weekly {
            interval: *interval,
            days_of_week: DaysOfWeek(days.iter().map(|d| ews_day(*d)).collect()),
            first_day_of_week: week_starts.map(ews_day),
        },
        RecurrenceRule::MonthlyOnDate { interval, day } => {
            RecurrencePattern::AbsoluteMonthly { interval: *interval, day_of_month: *day }
        }
        RecurrenceRule::MonthlyOnWeekday { interval, week, day } => RecurrencePattern::RelativeMonthly {
            interval: *interval,
            days_of_week: ews_group(*day),
            day_of_week_index: ews_week(*week),
        },
        RecurrenceRule::YearlyOnDate { month, day } => {
            RecurrencePattern::AbsoluteYearly { day_of_month: *day, month: ews_month(*month) }
        }
        RecurrenceRule::YearlyOnWeekday { month, week, day } => RecurrencePattern::RelativeYearly {
            days_of_week: ews_group(*day),
            day_of_week_index: ews_week(*week),
            month: ews_month(*month),
        },
    };
    let start_date = EwsDate::new(r.starts_on);
    let range = match r.ends {
        RecurrenceEnd::Never => RecurrenceRange::NoEnd { start_date },
        RecurrenceEnd::Until(d) => RecurrenceRange::EndDate { start_date, end_date: EwsDate::new(d) },
        RecurrenceEnd::Count(n) => RecurrenceRange::Numbered { start_date, number_of_occurrences: n },
    };
    ews::Recurrence { pattern, range }
}

/// The canonical rule and range of an EWS recurrence (without exceptions). Task patterns
/// (`…Regeneration`) are refused.
pub fn recurrence_from_ews(r: &ews::Recurrence) -> Result<Recurrence, MappingError> {
    let rule = match &r.pattern {
        RecurrencePattern::Daily { interval } => RecurrenceRule::Daily { interval: *interval },
        RecurrencePattern::Weekly { interval, days_of_week, first_day_of_week } => {
            let mut days: Vec<Weekday> = Vec::new();
            for d in days_of_week.0.iter().flat_map(|d| expand(*d)) {
                if !days.contains(&d) {
                    days.push(d);
                }
            }
            RecurrenceRule::Weekly { interval: *interval, days, week_starts: first_day_of_week.and_then(weekday) }
        }
        RecurrencePattern::AbsoluteMonthly { interval, day_of_month } => {
            RecurrenceRule::MonthlyOnDate { interval: *interval, day: *day_of_month }
        }
        RecurrencePattern::RelativeMonthly { interval, days_of_week, day_of_week_index } => {
            RecurrenceRule::MonthlyOnWeekday {
                interval: *interval,
                week: week(*day_of_week_index),
                day: group(*days_of_week),
            }
        }
        RecurrencePattern::AbsoluteYearly { day_of_month, month: m } => {
            RecurrenceRule::YearlyOnDate { month: month(*m), day: *day_of_month }
        }
        RecurrencePattern::RelativeYearly { days_of_week, day_of_week_index, month: m } => {
            RecurrenceRule::YearlyOnWeekday {
                month: month(*m),
                week: week(*day_of_week_index),
                day: group(*days_of_week),
            }
        }
        other => {
            return Err(MappingError::Unsupported { what: format!("a task recurrence ({})", other.element_name()) });
        }
    };
    let ends = match &r.range {
        RecurrenceRange::NoEnd { .. } => RecurrenceEnd::Never,
        RecurrenceRange::EndDate { end_date, .. } => RecurrenceEnd::Until(end_date.date),
        RecurrenceRange::Numbered { number_of_occurrences, .. } => RecurrenceEnd::Count(*number_of_occurrences),
    };
    Ok(Recurrence { rule, starts_on: r.range.start_date().date, ends, exceptions: Vec::new() })
}

fn ews_attendee(a: &Attendee) -> EwsAttendee {
    EwsAttendee {
        mailbox: Mailbox { name: a.name.clone(), ..Mailbox::smtp(a.email.clone()) },
        response_type: a.response.map(ews_response),
        ..EwsAttendee::default()
    }
}

fn attendee(a: &EwsAttendee, role: AttendeeRole) -> Option<Attendee> {
    let email = a.mailbox.email_address.clone().filter(|e| !e.is_empty())?;
    Some(Attendee { email, name: a.mailbox.name.clone(), role, response: a.response_type.map(response) })
}

/// A UTC instant as EWS writes it.
fn utc(t: DateTime<Utc>) -> EwsDateTime {
    EwsDateTime::utc(t)
}

/// An EWS date-time as a UTC instant; one without zone is taken as UTC (requests carry no
/// `TimeZoneContext`, so Exchange answers in UTC).
fn instant(t: &EwsDateTime) -> DateTime<Utc> {
    match t {
        EwsDateTime::Zoned(z) => z.with_timezone(&Utc),
        EwsDateTime::Floating(n) => n.and_utc(),
    }
}

/// Sets the canonical fields of `item` from `e`, leaving the others (organizer, UID, categories,
/// exceptions, …) as they are.
pub fn overlay_event(item: &mut CalendarItem, e: &Event) {
    item.item.subject = e.subject.clone();
    item.item.body = e.body.as_ref().map(Body::text);
    item.location = e.location.clone();
    item.start = Some(utc(e.start));
    item.end = Some(utc(e.end));
    item.start_time_zone = e.time_zone.as_ref().map(TimeZoneDefinition::by_id);
    item.end_time_zone = e.time_zone.as_ref().map(TimeZoneDefinition::by_id);
    item.is_all_day_event = Some(e.all_day);
    item.recurrence = e.recurrence.as_ref().map(recurrence_to_ews);
    let of_role = |role| e.attendees.iter().filter(|a| a.role == role).map(ews_attendee).collect::<Vec<_>>();
    item.required_attendees = of_role(AttendeeRole::Required);
    item.optional_attendees = of_role(AttendeeRole::Optional);
    item.resources = of_role(AttendeeRole::Resource);
    item.item.sensitivity = Some(ews_sensitivity(e.sensitivity));
    item.legacy_free_busy_status = Some(free_busy(e.show_as));
    item.item.reminder_is_set = Some(e.reminder_minutes.is_some());
    item.item.reminder_minutes_before_start = e.reminder_minutes.map(|m| i32::try_from(m).unwrap_or(i32::MAX));
}

/// A new EWS calendar item holding `e`, tagged with `app_id` when given (what CreateItem sends;
/// exceptions go through [`occurrence_edits`] once the series exists).
pub fn event_to_ews(e: &Event, app_id: Option<&AppId>) -> CalendarItem {
    let mut item = CalendarItem::default();
    overlay_event(&mut item, e);
    if let Some(id) = app_id {
        set_app_id(&mut item.item, id);
    }
    item
}

use crate::sync::AppId;

/// The canonical event of an EWS calendar item (a single item or a recurring master). Attendees
/// come required, then optional, then resources; the time zone is the start's
/// (`StartTimeZone`, else `StartTimeZoneId`, else the Exchange 2007 `MeetingTimeZone` name).
pub fn event_from_ews(item: &CalendarItem) -> Result<Event, MappingError> {
    let start = item.start.as_ref().ok_or(MappingError::Missing { field: "calendar:Start" })?;
    let end = item.end.as_ref().ok_or(MappingError::Missing { field: "calendar:End" })?;
    let time_zone = item
        .start_time_zone
        .as_ref()
        .and_then(|z| z.id.clone())
        .or_else(|| item.start_time_zone_id.clone())
        .or_else(|| item.meeting_time_zone.as_ref().and_then(|z| z.time_zone_name.clone()))
        .filter(|z| !z.is_empty());
    let recurrence = match &item.recurrence {
        None => None,
        Some(r) => {
            let mut rec = recurrence_from_ews(r)?;
            rec.exceptions = exceptions_of(item);
            Some(rec)
        }
    };
    let mut attendees = Vec::new();
    for (list, role) in [
        (&item.required_attendees, AttendeeRole::Required),
        (&item.optional_attendees, AttendeeRole::Optional),
        (&item.resources, AttendeeRole::Resource),
    ] {
        attendees.extend(list.iter().filter_map(|a| attendee(a, role)));
    }
    let reminder_minutes = match item.item.reminder_is_set {
        Some(true) => Some(
            item.item
                .reminder_minutes_before_start
                .map_or(DEFAULT_REMINDER_MINUTES, |m| u32::try_from(m.max(0)).unwrap_or(0)),
        ),
        _ => None,
    };
    Ok(Event {
        subject: item.item.subject.clone().filter(|s| !s.is_empty()),
        body: item.item.body.as_ref().map(|b| b.content.clone()).filter(|b| !b.is_empty()),
        location: item.location.clone().filter(|l| !l.is_empty()),
        start: instant(start),
        end: instant(end),
        time_zone,
        all_day: item.is_all_day_event.unwrap_or(false),
        recurrence,
        attendees,
        sensitivity: item.item.sensitivity.map_or(Sensitivity::Normal, sensitivity),
        show_as: show_as(item.legacy_free_busy_status),
        reminder_minutes,
    })
}

/// The cancelled and moved occurrences a recurring master reports, by original start. A modified
/// occurrence still at its original time and length (changed otherwise, or moved back) is no
/// exception of the canonical record.
fn exceptions_of(item: &CalendarItem) -> Vec<OccurrenceException> {
    let length = item.start.as_ref().zip(item.end.as_ref()).map(|(s, e)| instant(e) - instant(s));
    let mut out: Vec<OccurrenceException> = item
        .deleted_occurrences
        .iter()
        .map(|d| OccurrenceException::Cancelled { original_start: instant(&d.start) })
        .chain(
            item.modified_occurrences
                .iter()
                .map(|m| OccurrenceException::Moved {
                    original_start: instant(&m.original_start),
                    start: instant(&m.start),
                    end: instant(&m.end),
                })
                .filter(|x| match *x {
                    OccurrenceException::Moved { original_start, start, end } => {
                        start != original_start || Some(end - start) != length
                    }
                    OccurrenceException::Cancelled { .. } => true,
                }),
        )
        .collect();
    out.sort_by_key(|x| x.original_start());
    out
}

/// The `UpdateItem` changes that give the server's item `current` the canonical fields of `new`:
/// only the fields that differ (a removed recurrence, location, subject or body is a
/// `DeleteItemField`; a removed time zone is left as it is, since Exchange does not remove it).
/// Exceptions are not among them: see [`occurrence_edits`].
pub fn event_item_updates(current: &CalendarItem, new: &Event) -> Vec<ItemUpdate> {
    let mut target = current.clone();
    overlay_event(&mut target, new);
    ews::calendar_field::changed_fields(current, &target)
        .into_iter()
        .map(|f: CalendarField| match f.extract(&target) {
            Some(only) => ItemUpdate::set(f.path(), Item::CalendarItem(Box::new(only))),
            None => ItemUpdate::delete(f.path()),
        })
        .collect()
}

/// The changes between two canonical versions (when the server's item is not at hand).
pub fn event_record_updates(old: &Event, new: &Event) -> Vec<ItemUpdate> {
    event_item_updates(&event_to_ews(old, None), new)
}

/// One change to an occurrence of a series, which Exchange applies to the occurrence item
/// (found by the master's id and the occurrence's original start).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OccurrenceEdit {
    /// Delete the occurrence.
    Cancel {
        /// When it would have started.
        original_start: DateTime<Utc>,
    },
    /// Give the occurrence another start and end.
    Move {
        /// When it would have started.
        original_start: DateTime<Utc>,
        /// The new start.
        start: DateTime<Utc>,
        /// The new end.
        end: DateTime<Utc>,
    },
}

/// The occurrence changes that turn the exceptions of `old` into those of `new` (both series;
/// `length` is the new series' occurrence length). A move that `new` drops is undone by moving the
/// occurrence back to its original time (which reads as no exception, see [`event_from_ews`]);
/// Exchange cannot bring a cancelled occurrence back, so a cancellation `new` drops is refused as
/// unsupported.
pub fn occurrence_edits(
    old: Option<&Recurrence>,
    new: Option<&Recurrence>,
    length: chrono::TimeDelta,
) -> Result<Vec<OccurrenceEdit>, MappingError> {
    let empty = Vec::new();
    let old_x = old.map_or(&empty, |r| &r.exceptions);
    let new_x = new.map_or(&empty, |r| &r.exceptions);
    let mut out = Vec::new();
    for gone in old_x.iter().filter(|o| !new_x.iter().any(|n| n.original_start() == o.original_start())) {
        match *gone {
            OccurrenceException::Cancelled { original_start } => {
                return Err(MappingError::Unsupported {
                    what: format!(
                        "restoring the occurrence of {} to its series (Exchange cannot bring a cancelled occurrence back)",
                        original_start.to_rfc3339()
                    ),
                });
            }
            OccurrenceException::Moved { original_start, .. } => {
                out.push(OccurrenceEdit::Move { original_start, start: original_start, end: original_start + length })
            }
        }
    }
    for x in new_x.iter().filter(|x| !old_x.contains(x)) {
        out.push(match *x {
            OccurrenceException::Cancelled { original_start } => OccurrenceEdit::Cancel { original_start },
            OccurrenceException::Moved { original_start, start, end } => {
                OccurrenceEdit::Move { original_start, start, end }
            }
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use ews::{DeletedOccurrence, ItemId, OccurrenceInfo};

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 2, d, h, 0, 0).unwrap()
    }

    #[test]
    fn exceptions_are_read_from_the_master() {
        let mut item = event_to_ews(
            &Event {
                start: at(2, 9),
                end: at(2, 10),
                recurrence: Some(Recurrence {
                    rule: RecurrenceRule::Daily { interval: 1 },
                    starts_on: at(2, 0).date_naive(),
                    ends: RecurrenceEnd::Count(5),
                    exceptions: vec![],
                }),
                ..Event::default()
            },
            None,
        );
        item.deleted_occurrences = vec![DeletedOccurrence { start: utc(at(4, 9)) }];
        item.modified_occurrences = vec![OccurrenceInfo {
            item_id: ItemId::new("occ"),
            start: utc(at(3, 11)),
            end: utc(at(3, 12)),
            original_start: utc(at(3, 9)),
        }];
        let e = event_from_ews(&item).unwrap();
        let r = e.recurrence.as_ref().unwrap();
        assert_eq!(
            r.exceptions,
            vec![
                OccurrenceException::Moved { original_start: at(3, 9), start: at(3, 11), end: at(3, 12) },
                OccurrenceException::Cancelled { original_start: at(4, 9) },
            ]
        );
        // Recreating the series elsewhere: both exceptions become edits, in order.
        let hour = chrono::TimeDelta::hours(1);
        let edits = occurrence_edits(None, Some(r), hour).unwrap();
        assert_eq!(edits.len(), 2);
        assert!(matches!(edits[1], OccurrenceEdit::Cancel { .. }));
        // Nothing to do when they are already there; dropping one is refused.
        assert_eq!(occurrence_edits(Some(r), Some(r), hour).unwrap(), vec![]);
        let mut fewer = r.clone();
        fewer.exceptions.pop();
        assert!(matches!(occurrence_edits(Some(r), Some(&fewer), hour), Err(MappingError::Unsupported { .. })));
        // Dropping a move moves the occurrence back.
        let mut unmoved = r.clone();
        unmoved.exceptions.remove(0);
        assert_eq!(
            occurrence_edits(Some(r), Some(&unmoved), hour).unwrap(),
            vec![OccurrenceEdit::Move { original_start: at(3, 9), start: at(3, 9), end: at(3, 10) }]
        );
    }

    #[test]
    fn grouped_days_expand_and_task_patterns_are_refused() {
        let weekly = ews::Recurrence {
            pattern: RecurrencePattern::Weekly {
                interval: 1,
                days_of_week: DaysOfWeek(vec![DayOfWeek::Weekday, DayOfWeek::Monday]),
                first_day_of_week: Some(DayOfWeek::Day),
            },
            range: RecurrenceRange::NoEnd { start_date: EwsDate::new(at(2, 0).date_naive()) },
        };
        let r = recurrence_from_ews(&weekly).unwrap();
        let RecurrenceRule::Weekly { days, week_starts, .. } = &r.rule else { panic!("{r:?}") };
        assert_eq!(days.len(), 5);
        assert_eq!(*week_starts, None);
        let task = ews::Recurrence { pattern: RecurrencePattern::DailyRegeneration { interval: 2 }, ..weekly };
        assert!(recurrence_from_ews(&task).unwrap_err().to_string().contains("DailyRegeneration"));
    }

    #[test]
    fn reminders_and_free_busy_defaults() {
        let mut item = event_to_ews(&Event { start: at(1, 1), end: at(1, 2), ..Event::default() }, None);
        assert_eq!(item.item.reminder_is_set, Some(false));
        item.item.reminder_is_set = Some(true);
        item.item.reminder_minutes_before_start = None;
        item.legacy_free_busy_status = Some(LegacyFreeBusy::NoData);
        let e = event_from_ews(&item).unwrap();
        assert_eq!(e.reminder_minutes, Some(DEFAULT_REMINDER_MINUTES));
        assert_eq!(e.show_as, ShowAs::Busy);
        item.start = None;
        assert_eq!(event_from_ews(&item), Err(MappingError::Missing { field: "calendar:Start" }));
    }

    #[test]
    fn updates_touch_only_changed_fields_and_remove_cleared_ones() {
        let base = Event {
            subject: Some("A".into()),
            location: Some("Room 1".into()),
            start: at(1, 9),
            end: at(1, 10),
            attendees: vec![Attendee::new("x@contoso.com", AttendeeRole::Required)],
            ..Event::default()
        };
        let mut current = event_to_ews(&base, Some(&AppId::new("a")));
        current.organizer = Some(Mailbox::smtp("owner@contoso.com"));
        let new = Event { location: None, end: at(1, 11), ..base.clone() };
        let updates = event_item_updates(&current, &new);
        let paths: Vec<_> = updates.iter().map(|u| u.path().clone()).collect();
        assert_eq!(paths, vec![CalendarField::End.path(), CalendarField::Location.path()]);
        assert!(matches!(updates[1], ItemUpdate::Delete { .. }));
        let mut applied = current.clone();
        for u in &updates {
            let f = CalendarField::from_path(u.path()).unwrap();
            match u {
                ItemUpdate::Set { item: Item::CalendarItem(from), .. } => f.copy(from, &mut applied),
                _ => f.copy(&CalendarItem::default(), &mut applied),
            }
        }
        assert_eq!(event_from_ews(&applied).unwrap(), new);
        assert_eq!(applied.organizer, current.organizer);
        assert_eq!(super::super::app_id_of(&applied.item), Some(AppId::new("a")));
    }
}
