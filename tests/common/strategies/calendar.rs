//! Strategies for calendar items: recurrence, attendees, occurrences, time zones. Values are
//! schema-valid: non-empty day lists, intervals and counts of at least 1, days of the month 1–31,
//! calendar items carry calendar patterns only. Values use every field and enum value of the current
//! schema; tests for Exchange 2010 SP2 pass them through `CalendarItem::retain_supported`.

use chrono::NaiveTime;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

use exsync::ews::*;

use super::base::*;

fn interval() -> impl Strategy<Value = u32> {
    prop_oneof![8 => 1u32..=12, 1 => 13u32..=999, 1 => Just(i32::MAX as u32)]
}

fn day_of_week() -> impl Strategy<Value = DayOfWeek> {
    select(DayOfWeek::ALL)
}

/// A pattern valid in a calendar item (`RecurrenceType`).
pub fn calendar_pattern() -> BoxedStrategy<RecurrencePattern> {
    prop_oneof![
        (day_of_week(), select(DayOfWeekIndex::ALL), select(Month::ALL)).prop_map(|(d, i, m)| {
            RecurrencePattern::RelativeYearly { days_of_week: d, day_of_week_index: i, month: m }
        }),
        (1u32..=31, select(Month::ALL))
            .prop_map(|(day_of_month, month)| RecurrencePattern::AbsoluteYearly { day_of_month, month }),
        (interval(), day_of_week(), select(DayOfWeekIndex::ALL)).prop_map(|(interval, d, i)| {
            RecurrencePattern::RelativeMonthly { interval, days_of_week: d, day_of_week_index: i }
        }),
        (interval(), 1u32..=31)
            .prop_map(|(interval, day_of_month)| RecurrencePattern::AbsoluteMonthly { interval, day_of_month }),
        (interval(), vec(day_of_week(), 1..4), option::of(day_of_week())).prop_map(|(interval, days, first)| {
            RecurrencePattern::Weekly { interval, days_of_week: DaysOfWeek(days), first_day_of_week: first }
        }),
        interval().prop_map(|interval| RecurrencePattern::Daily { interval }),
    ]
    .boxed()
}

/// Any pattern, the task-only regenerating ones included (`TaskRecurrenceType`).
pub fn task_pattern() -> impl Strategy<Value = RecurrencePattern> {
    prop_oneof![
        6 => calendar_pattern(),
        1 => interval().prop_map(|interval| RecurrencePattern::DailyRegeneration { interval }),
        1 => interval().prop_map(|interval| RecurrencePattern::WeeklyRegeneration { interval }),
        1 => interval().prop_map(|interval| RecurrencePattern::MonthlyRegeneration { interval }),
        1 => interval().prop_map(|interval| RecurrencePattern::YearlyRegeneration { interval }),
    ]
}

pub fn recurrence_range() -> BoxedStrategy<RecurrenceRange> {
    prop_oneof![
        ews_date().prop_map(|start_date| RecurrenceRange::NoEnd { start_date }),
        (ews_date(), ews_date()).prop_map(|(start_date, end_date)| RecurrenceRange::EndDate { start_date, end_date }),
        (ews_date(), interval()).prop_map(|(start_date, number_of_occurrences)| RecurrenceRange::Numbered {
            start_date,
            number_of_occurrences
        }),
    ]
    .boxed()
}

/// A calendar item's recurrence.
pub fn recurrence() -> BoxedStrategy<Recurrence> {
    (calendar_pattern(), recurrence_range()).prop_map(|(pattern, range)| Recurrence { pattern, range }).boxed()
}

/// A task's recurrence (any pattern).
pub fn task_recurrence() -> impl Strategy<Value = Recurrence> {
    (task_pattern(), recurrence_range()).prop_map(|(pattern, range)| Recurrence { pattern, range })
}

/// An attendee (proposed times included).
pub fn attendee() -> BoxedStrategy<Attendee> {
    (
        mailbox(),
        option::of(select(ResponseType::ALL)),
        option::of(date_time()),
        option::of(date_time()),
        option::of(date_time()),
    )
        .prop_map(|(mailbox, response_type, last_response_time, proposed_start, proposed_end)| Attendee {
            mailbox,
            response_type,
            last_response_time,
            proposed_start,
            proposed_end,
        })
        .boxed()
}

pub fn occurrence_info() -> BoxedStrategy<OccurrenceInfo> {
    (item_id(), date_time(), date_time(), date_time())
        .prop_map(|(item_id, start, end, original_start)| OccurrenceInfo { item_id, start, end, original_start })
        .boxed()
}

pub fn deleted_occurrence() -> impl Strategy<Value = DeletedOccurrence> {
    date_time().prop_map(|start| DeletedOccurrence { start })
}

/// A signed duration in quarter hours within ±`max_hours`.
fn quarter_hours(max_hours: i64) -> impl Strategy<Value = DayTimeDuration> {
    (-max_hours * 4..=max_hours * 4).prop_map(|q| DayTimeDuration::from_minutes(q * 15))
}

fn time_change() -> impl Strategy<Value = TimeChange> {
    let pattern = prop_oneof![
        (day_of_week(), select(DayOfWeekIndex::ALL), select(Month::ALL)).prop_map(|(d, i, m)| {
            TimeChangePattern::RelativeYearly { days_of_week: d, day_of_week_index: i, month: m }
        }),
        ews_date().prop_map(TimeChangePattern::AbsoluteDate),
    ];
    (option::of(text()), quarter_hours(2), option::of(pattern), 0u32..24, 0u32..60, 0u32..60).prop_map(
        |(time_zone_name, offset, pattern, h, m, s)| TimeChange {
            time_zone_name,
            offset,
            pattern,
            time: NaiveTime::from_hms_opt(h, m, s).unwrap(),
        },
    )
}

/// An Exchange 2007 time zone: a name, optionally with its offsets and daylight-saving rules.
pub fn meeting_time_zone() -> BoxedStrategy<MeetingTimeZone> {
    let rules =
        (quarter_hours(14), option::of((time_change(), time_change()))).prop_map(|(base_offset, ds)| TimeZoneRules {
            base_offset,
            daylight_saving: ds.map(|(standard, daylight)| DaylightSaving { standard, daylight }),
        });
    (option::of(text()), option::of(rules))
        .prop_map(|(time_zone_name, rules)| MeetingTimeZone { time_zone_name, rules })
        .boxed()
}

fn windows_zone_id() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Pacific Standard Time".to_owned()),
        Just("Central Standard Time".to_owned()),
        Just("W. Europe Standard Time".to_owned()),
        Just("UTC".to_owned()),
        word(),
    ]
}

pub fn time_zone_definition() -> BoxedStrategy<TimeZoneDefinition> {
    (option::of(windows_zone_id()), option::of(text())).prop_map(|(id, name)| TimeZoneDefinition { id, name }).boxed()
}

fn free_busy() -> impl Strategy<Value = LegacyFreeBusy> {
    select(LegacyFreeBusy::ALL)
}

fn url() -> impl Strategy<Value = String> {
    "https://[a-z]{3,10}\\.example\\.com/[a-z0-9]{0,8}"
}

fn duration_text() -> impl Strategy<Value = String> {
    prop_oneof![(1u32..600).prop_map(|m| format!("PT{m}M")), (1u32..48).prop_map(|h| format!("PT{h}H"))]
}

/// The item fields of a calendar item.
fn calendar_item_base() -> impl Strategy<Value = ItemBase> {
    (item_base(), any::<bool>()).prop_map(|(mut b, appointment)| {
        if appointment {
            b.item_class = Some("IPM.Appointment".to_owned());
        }
        b
    })
}

/// A conflicting or adjacent meeting as GetItem returns it: a few fields of another calendar item,
/// or an item of another kind (from the base strategies).
fn nested_item() -> BoxedStrategy<Item> {
    let calendar = (
        option::of(item_id()),
        option::of(text()),
        option::of(date_time()),
        option::of(date_time()),
        option::of(free_busy()),
        option::of(text()),
    )
        .prop_map(|(item_id, subject, start, end, fb, location)| {
            Item::CalendarItem(Box::new(CalendarItem {
                item: ItemBase { item_id, subject, ..ItemBase::default() },
                start,
                end,
                legacy_free_busy_status: fb,
                location,
                ..CalendarItem::default()
            }))
        });
    prop_oneof![3 => calendar, 1 => other_item()].boxed()
}

/// A calendar item valid against the current schema: a single item, an occurrence or a recurring
/// master, with any mix of the optional fields.
pub fn calendar_item() -> BoxedStrategy<CalendarItem> {
    let ical_and_times = (
        calendar_item_base(),
        option::of(word()),
        option::of(date_time()),
        option::of(date_time()),
        option::of(date_time()),
        option::of(date_time()),
        option::of(date_time()),
        option::of(any::<bool>()),
        option::of(free_busy()),
        option::of(text()),
    )
        .boxed();
    let flags = (
        option::of(text()),
        option::of(any::<bool>()),
        option::of(any::<bool>()),
        option::of(any::<bool>()),
        option::of(any::<bool>()),
        option::of(any::<bool>()),
        option::of(select(CalendarItemType::ALL)),
        option::of(select(ResponseType::ALL)),
        option::of(mailbox()),
    )
        .boxed();
    let people = (
        vec(attendee(), 0..3),
        vec(attendee(), 0..3),
        vec(attendee(), 0..2),
        option::of(0i32..20),
        option::of(any::<i32>()),
        vec(nested_item(), 0..3),
        vec(nested_item(), 0..2),
        option::of(duration_text()),
        option::of(text()),
    )
        .boxed();
    let series = (
        option::of(date_time()),
        option::of(any::<i32>()),
        option::of(0i32..8),
        option::of(recurrence()),
        option::of(occurrence_info()),
        option::of(occurrence_info()),
        vec(occurrence_info(), 0..3),
        vec(deleted_occurrence(), 0..3),
        option::of(meeting_time_zone()),
        option::of(time_zone_definition()),
        option::of(time_zone_definition()),
    )
        .boxed();
    let online = (
        option::of(0i32..3),
        option::of(any::<bool>()),
        option::of(any::<bool>()),
        option::of(url()),
        option::of(url()),
        (
            option::of(date_time()),
            option::of(date_time()),
            option::of(windows_zone_id()),
            option::of(windows_zone_id()),
            option::of(free_busy()),
            option::of(url()),
            option::of(any::<bool>()),
            option::of(any::<bool>()),
        ),
    )
        .boxed();
    (ical_and_times, flags, people, series, online)
        .prop_map(|(a, b, c, d, e)| CalendarItem {
            item: a.0,
            uid: a.1,
            recurrence_id: a.2,
            date_time_stamp: a.3,
            start: a.4,
            end: a.5,
            original_start: a.6,
            is_all_day_event: a.7,
            legacy_free_busy_status: a.8,
            location: a.9,
            when: b.0,
            is_meeting: b.1,
            is_cancelled: b.2,
            is_recurring: b.3,
            meeting_request_was_sent: b.4,
            is_response_requested: b.5,
            calendar_item_type: b.6,
            my_response_type: b.7,
            organizer: b.8,
            required_attendees: c.0,
            optional_attendees: c.1,
            resources: c.2,
            conflicting_meeting_count: c.3,
            adjacent_meeting_count: c.4,
            conflicting_meetings: c.5,
            adjacent_meetings: c.6,
            duration: c.7,
            time_zone: c.8,
            appointment_reply_time: d.0,
            appointment_sequence_number: d.1,
            appointment_state: d.2,
            recurrence: d.3,
            first_occurrence: d.4,
            last_occurrence: d.5,
            modified_occurrences: d.6,
            deleted_occurrences: d.7,
            meeting_time_zone: d.8,
            start_time_zone: d.9,
            end_time_zone: d.10,
            conference_type: e.0,
            allow_new_time_proposal: e.1,
            is_online_meeting: e.2,
            meeting_workspace_url: e.3,
            net_show_url: e.4,
            start_wall_clock: e.5.0,
            end_wall_clock: e.5.1,
            start_time_zone_id: e.5.2,
            end_time_zone_id: e.5.3,
            intended_free_busy_status: e.5.4,
            join_online_meeting_url: e.5.5,
            is_organizer: e.5.6,
            do_not_forward_meeting: e.5.7,
        })
        .boxed()
}
