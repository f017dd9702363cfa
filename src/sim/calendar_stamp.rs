//! The calendar properties Exchange maintains itself, stamped on every stored calendar item as the
//! store writes it: `CalendarItemType`, `Organizer`, `IsMeeting`, `MyResponseType`,
//! `IsCancelled`, `AppointmentState`, `Duration` (and `IsRecurring` on single items).
//!
//! An item the mailbox owner creates is organised by the owner: the organizer is the owner's
//! mailbox unless the item brings another (a meeting received, made through the side door), and
//! the owner's response is `Organizer`. An item with attendees is a meeting (appointment state
//! bit 1). A recurrence makes the item a `RecurringMaster`, and its range's dates carry the zone
//! of the item's start, as Exchange writes them (`2027-03-01Z`, `2014-03-08-08:00`): the simulator
//! knows no Windows time zone rules, so it adds the zone only for items whose start zone is `UTC`
//! and leaves the dates of other zones as the client sent them.

use chrono::FixedOffset;

use crate::ews::{CalendarItem, CalendarItemType, EwsDate, Mailbox, RecurrenceRange, ResponseType};

/// `AppointmentState` bit: the item is a meeting.
const MEETING: i32 = 1;
/// `AppointmentState` bit: the meeting was cancelled.
const CANCELLED: i32 = 4;

/// An `xs:duration` for a span of `seconds` (`PT1H30M`, `P1DT2H`, `PT0S`; negative spans are `PT0S`,
/// as the store refuses them anyway).
pub(crate) fn xs_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    let (days, rest) = (s / 86_400, s % 86_400);
    let (h, m, sec) = (rest / 3600, rest % 3600 / 60, rest % 60);
    let mut out = String::from("P");
    if days > 0 {
        out.push_str(&format!("{days}D"));
    }
    if rest > 0 || days == 0 {
        out.push('T');
        if h > 0 {
            out.push_str(&format!("{h}H"));
        }
        if m > 0 {
            out.push_str(&format!("{m}M"));
        }
        if sec > 0 || rest == 0 {
            out.push_str(&format!("{sec}S"));
        }
    }
    out
}

/// Gives the dates of `range` that carry no zone the zone `offset`.
fn zone_range_dates(range: &mut RecurrenceRange, offset: FixedOffset) {
    let zone = |d: &mut EwsDate| {
        d.offset.get_or_insert(offset);
    };
    match range {
        RecurrenceRange::NoEnd { start_date } | RecurrenceRange::Numbered { start_date, .. } => zone(start_date),
        RecurrenceRange::EndDate { start_date, end_date } => {
            zone(start_date);
            zone(end_date);
        }
    }
}

/// Stamps the server-maintained properties of `c`, stored in the mailbox of `owner_address`
/// (display name `owner_name`).
pub(crate) fn stamp_calendar(c: &mut CalendarItem, owner_address: &str, owner_name: &str) {
    let kind = match c.calendar_item_type {
        Some(t @ (CalendarItemType::Occurrence | CalendarItemType::Exception)) => t,
        _ if c.recurrence.is_some() => CalendarItemType::RecurringMaster,
        _ => CalendarItemType::Single,
    };
    c.calendar_item_type = Some(kind);
    let utc_start = c.start_time_zone.as_ref().and_then(|z| z.id.as_deref()).is_some_and(|id| id == "UTC");
    if let (Some(r), true) = (c.recurrence.as_mut(), utc_start) {
        zone_range_dates(&mut r.range, FixedOffset::east_opt(0).expect("zero offset"));
    }
    if kind == CalendarItemType::Single {
        c.is_recurring = Some(false);
    }
    let organizer = c.organizer.get_or_insert_with(|| Mailbox {
        name: Some(owner_name.to_owned()),
        email_address: Some(owner_address.to_owned()),
        routing_type: Some("SMTP".to_owned()),
        ..Mailbox::default()
    });
    let owner_organises =
        organizer.email_address.as_deref().is_some_and(|a| a.trim().eq_ignore_ascii_case(owner_address));
    if owner_organises {
        c.my_response_type = Some(ResponseType::Organizer);
    }
    let meeting = !(c.required_attendees.is_empty() && c.optional_attendees.is_empty() && c.resources.is_empty());
    c.is_meeting = Some(meeting);
    let cancelled = *c.is_cancelled.get_or_insert(false);
    c.appointment_state = Some(if meeting { MEETING } else { 0 } | if cancelled { CANCELLED } else { 0 });
    c.duration = match (c.start.as_ref().and_then(|s| s.to_utc()), c.end.as_ref().and_then(|e| e.to_utc())) {
        (Some(start), Some(end)) => Some(xs_duration((end - start).num_seconds())),
        _ => None,
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ews::{Attendee, EwsDateTime, Recurrence, RecurrencePattern, TimeZoneDefinition};

    #[test]
    fn durations_are_xs_durations() {
        assert_eq!(xs_duration(0), "PT0S");
        assert_eq!(xs_duration(5400), "PT1H30M");
        assert_eq!(xs_duration(86_400), "P1D");
        assert_eq!(xs_duration(86_400 + 7261), "P1DT2H1M1S");
        assert_eq!(xs_duration(-5), "PT0S");
    }

    #[test]
    fn owner_items_single_meeting_and_series() {
        let mut c = CalendarItem {
            start: EwsDateTime::parse("2027-03-15T09:00:00Z"),
            end: EwsDateTime::parse("2027-03-15T10:30:00Z"),
            ..CalendarItem::default()
        };
        stamp_calendar(&mut c, "alice@contoso.com", "Alice Wong");
        assert_eq!(c.calendar_item_type, Some(CalendarItemType::Single));
        assert_eq!(c.is_recurring, Some(false));
        assert_eq!(c.is_meeting, Some(false));
        assert_eq!(c.appointment_state, Some(0));
        assert_eq!(c.my_response_type, Some(ResponseType::Organizer));
        assert_eq!(c.duration.as_deref(), Some("PT1H30M"));
        let org = c.organizer.clone().unwrap();
        assert_eq!(
            (org.name.as_deref(), org.email_address.as_deref()),
            (Some("Alice Wong"), Some("alice@contoso.com"))
        );

        c.required_attendees.push(Attendee::smtp("bob@contoso.com"));
        c.recurrence = Some(Recurrence {
            pattern: RecurrencePattern::Daily { interval: 1 },
            range: RecurrenceRange::NoEnd { start_date: EwsDate::parse("2027-03-15").unwrap() },
        });
        stamp_calendar(&mut c, "alice@contoso.com", "Alice Wong");
        assert_eq!(c.calendar_item_type, Some(CalendarItemType::RecurringMaster));
        assert_eq!((c.is_meeting, c.appointment_state), (Some(true), Some(1)));
        // Without a start zone the range's dates stay as sent; in UTC they get `Z`.
        assert_eq!(c.recurrence.as_ref().unwrap().range.start_date().to_string(), "2027-03-15");
        c.start_time_zone = Some(TimeZoneDefinition::by_id("UTC"));
        c.recurrence.as_mut().unwrap().range = RecurrenceRange::EndDate {
            start_date: EwsDate::parse("2027-03-15").unwrap(),
            end_date: EwsDate::parse("2027-03-31-08:00").unwrap(),
        };
        stamp_calendar(&mut c, "alice@contoso.com", "Alice Wong");
        let RecurrenceRange::EndDate { start_date, end_date } = &c.recurrence.as_ref().unwrap().range else { panic!() };
        assert_eq!((start_date.to_string(), end_date.to_string()), ("2027-03-15Z".into(), "2027-03-31-08:00".into()));

        let mut received =
            CalendarItem { organizer: Some(Mailbox::smtp("dana@fabrikam.com")), ..CalendarItem::default() };
        received.my_response_type = Some(ResponseType::Accept);
        stamp_calendar(&mut received, "alice@contoso.com", "Alice Wong");
        assert_eq!(received.organizer.unwrap().email_address.as_deref(), Some("dana@fabrikam.com"));
        assert_eq!(received.my_response_type, Some(ResponseType::Accept));
        assert_eq!(received.duration, None);
    }
}
