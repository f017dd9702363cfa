//! `FindItem` with a `CalendarView`: the single items and the occurrences of recurring series that
//! overlap a window, in start order, as Exchange answers it (series themselves are not listed).
//!
//! An occurrence is the series item as of that day: same properties, `CalendarItemType`
//! `Occurrence`, its own start and end (the series' time of day and duration on that day),
//! `OriginalStart` and `RecurrenceId` at its start, no recurrence, and an id of its own that
//! `GetItem` reads. Series are expanded in UTC, so only series whose start time zone is UTC (or
//! not given) are expanded; another zone answers `ErrorInvalidOperation`
//! ([`StoreError::SeriesTimeZoneUnsupported`]) rather than occurrences an hour off after a
//! daylight-saving change. Exceptions (moved and deleted occurrences) are applied by the mailbox
//! (`mailbox/exceptions.rs`).

use chrono::{DateTime, NaiveDate, Utc};

use crate::ews::{CalendarItem, CalendarItemType, EwsDateTime, ItemId};

use super::error::StoreError;
use crate::ews::recurrence_expand::occurrence_days;

/// The UTC start and end of a stored calendar item.
pub(crate) fn span(c: &CalendarItem) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = c.start.as_ref()?.to_utc()?;
    let end = c.end.as_ref().and_then(|e| e.to_utc()).unwrap_or(start);
    Some((start, end))
}

/// Whether an event from `start` to `end` shows in the window `[from, to)`: it overlaps it, or it
/// is a zero-length event inside it.
pub(crate) fn overlaps(start: DateTime<Utc>, end: DateTime<Utc>, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
    start < to && (end > from || (start == end && start >= from))
}

/// The series' start time zone, if it is not UTC.
pub(crate) fn non_utc_zone(c: &CalendarItem) -> Option<String> {
    let id = c
        .start_time_zone
        .as_ref()
        .and_then(|z| z.id.clone())
        .or_else(|| c.start_time_zone_id.clone())
        .or_else(|| c.meeting_time_zone.as_ref().and_then(|z| z.time_zone_name.clone()));
    id.filter(|z| !z.trim().eq_ignore_ascii_case("UTC"))
}

/// One occurrence of a series: its index in the series, its start and its end.
pub(crate) type OccurrenceSpan = (u32, DateTime<Utc>, DateTime<Utc>);

/// The occurrences of series `master` that overlap `[from, to)`.
pub(crate) fn occurrences_in(
    master: &CalendarItem,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<OccurrenceSpan>, StoreError> {
    let (Some(recurrence), Some((start, end))) = (master.recurrence.as_ref(), span(master)) else {
        return Ok(Vec::new());
    };
    if let Some(zone) = non_utc_zone(master) {
        return Err(StoreError::SeriesTimeZoneUnsupported { zone });
    }
    let length = end - start;
    let time = start.time();
    // An occurrence starting on the day `to` falls on may still begin before `to`.
    let until = to.date_naive();
    Ok(occurrence_days(recurrence, until)
        .into_iter()
        .map(|(index, day): (u32, NaiveDate)| {
            let s = day.and_time(time).and_utc();
            (index, s, s + length)
        })
        .filter(|(_, s, e)| overlaps(*s, *e, from, to))
        .collect())
}

/// Occurrence `id` of series `master`, from `start` to `end`.
pub(crate) fn occurrence(master: &CalendarItem, id: ItemId, start: DateTime<Utc>, end: DateTime<Utc>) -> CalendarItem {
    let mut c = master.clone();
    c.item.item_id = Some(id);
    c.calendar_item_type = Some(CalendarItemType::Occurrence);
    c.is_recurring = Some(true);
    c.recurrence = None;
    c.first_occurrence = None;
    c.last_occurrence = None;
    c.modified_occurrences = Vec::new();
    c.deleted_occurrences = Vec::new();
    c.start = Some(EwsDateTime::utc(start));
    c.end = Some(EwsDateTime::utc(end));
    c.original_start = Some(EwsDateTime::utc(start));
    c.recurrence_id = Some(EwsDateTime::utc(start));
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ews::{EwsDate, Recurrence, RecurrencePattern, RecurrenceRange, TimeZoneDefinition};

    fn at(s: &str) -> DateTime<Utc> {
        EwsDateTime::parse(s).and_then(|t| t.to_utc()).unwrap()
    }

    fn daily_series() -> CalendarItem {
        CalendarItem {
            start: EwsDateTime::parse("2027-03-01T23:30:00Z"),
            end: EwsDateTime::parse("2027-03-02T00:30:00Z"),
            recurrence: Some(Recurrence {
                pattern: RecurrencePattern::Daily { interval: 1 },
                range: RecurrenceRange::Numbered {
                    start_date: EwsDate::parse("2027-03-01").unwrap(),
                    number_of_occurrences: 5,
                },
            }),
            ..CalendarItem::default()
        }
    }

    #[test]
    fn occurrences_overlapping_the_window() {
        let s = daily_series();
        let got = occurrences_in(&s, at("2027-03-03T00:00:00Z"), at("2027-03-04T23:30:00Z")).unwrap();
        // The one of the 2nd reaches into the window; the one of the 4th starts where it ends.
        let starts: Vec<(u32, String)> = got.iter().map(|(i, st, _)| (*i, st.to_rfc3339())).collect();
        assert_eq!(starts, [(1, "2027-03-02T23:30:00+00:00".to_owned()), (2, "2027-03-03T23:30:00+00:00".to_owned())]);
        assert!(occurrences_in(&s, at("2027-04-01T00:00:00Z"), at("2027-05-01T00:00:00Z")).unwrap().is_empty());

        let mut berlin = daily_series();
        berlin.start_time_zone = Some(TimeZoneDefinition::by_id("W. Europe Standard Time"));
        let e = occurrences_in(&berlin, at("2027-03-01T00:00:00Z"), at("2027-03-09T00:00:00Z")).unwrap_err();
        assert_eq!(e.response_code().as_str(), "ErrorInvalidOperation");
        berlin.start_time_zone = Some(TimeZoneDefinition::by_id("UTC"));
        assert_eq!(occurrences_in(&berlin, at("2027-03-01T00:00:00Z"), at("2027-03-09T00:00:00Z")).unwrap().len(), 5);
    }

    #[test]
    fn an_occurrence_is_the_series_on_that_day() {
        let s = daily_series();
        let o = occurrence(&s, ItemId::new("occ"), at("2027-03-02T23:30:00Z"), at("2027-03-03T00:30:00Z"));
        assert_eq!(o.calendar_item_type, Some(CalendarItemType::Occurrence));
        assert_eq!(o.recurrence, None);
        assert_eq!(o.start, EwsDateTime::parse("2027-03-02T23:30:00Z"));
        assert_eq!(o.original_start, o.start);
        assert_eq!(o.item.item_id.as_ref().map(|i| i.id.as_str()), Some("occ"));
    }

    #[test]
    fn overlap_rules() {
        let (a, b, c) = (at("2027-03-01T09:00:00Z"), at("2027-03-01T10:00:00Z"), at("2027-03-01T11:00:00Z"));
        assert!(overlaps(a, c, b, c));
        assert!(!overlaps(a, b, b, c));
        assert!(!overlaps(c, c, a, c));
        assert!(overlaps(b, b, b, c));
    }
}
