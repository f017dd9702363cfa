//! Shared parts of the sync tests: proptest strategies for canonical records (valid ones: what
//! `Contact::validate` and `Event::validate` accept).
#![allow(dead_code)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use exsync::sync::*;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::subsequence;

/// A non-empty text without surrounding spaces, with characters XML must escape.
pub fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9&<>'\"][a-zA-Z0-9 .,@&<>'\"é-]{0,10}[a-zA-Z0-9.]|[a-zA-Z]"
}

pub fn opt_text() -> impl Strategy<Value = Option<String>> {
    option::of(text())
}

pub fn email_address() -> impl Strategy<Value = String> {
    "[a-z]{1,8}@[a-z]{1,6}\\.(com|org)"
}

pub fn date() -> impl Strategy<Value = NaiveDate> {
    (1950i32..2040, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

pub fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let from = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap().timestamp();
    let to = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap().timestamp();
    (from..to).prop_map(|s| Utc.timestamp_opt(s, 0).unwrap())
}

pub fn contact() -> BoxedStrategy<Contact> {
    let names = (opt_text(), opt_text(), opt_text(), opt_text(), opt_text());
    let work = (opt_text(), opt_text(), opt_text());
    let emails = vec((email_address(), opt_text()), 0..=3)
        .prop_map(|v| v.into_iter().map(|(address, name)| Email { address, name }).collect::<Vec<_>>());
    let phones = subsequence(PhoneKind::ALL.to_vec(), 0..4)
        .prop_flat_map(|kinds| {
            let n = kinds.len();
            (Just(kinds), vec("[+0-9 ()]{1,14}", n))
        })
        .prop_map(|(kinds, numbers)| kinds.into_iter().zip(numbers).map(|(k, n)| Phone::new(k, n)).collect());
    let addresses = subsequence(AddressKind::ALL.to_vec(), 0..=3)
        .prop_flat_map(|kinds| {
            let n = kinds.len();
            (Just(kinds), vec((text(), opt_text(), opt_text(), opt_text(), opt_text()), n))
        })
        .prop_map(|(kinds, parts)| {
            kinds
                .into_iter()
                .zip(parts)
                .map(|(kind, (street, city, region, postal_code, country))| PostalAddress {
                    kind,
                    street: Some(street),
                    city,
                    region,
                    postal_code,
                    country,
                })
                .collect()
        });
    (names, work, emails, phones, addresses, opt_text(), option::of(date()))
        .prop_map(
            |(
                (display_name, given_name, middle_name, surname, nickname),
                (company, department, job_title),
                emails,
                phones,
                addresses,
                notes,
                birthday,
            )| {
                Contact {
                    display_name,
                    given_name,
                    middle_name,
                    surname,
                    nickname,
                    company,
                    department,
                    job_title,
                    emails,
                    phones,
                    addresses,
                    notes,
                    birthday,
                }
            },
        )
        .boxed()
}

pub fn weekday() -> impl Strategy<Value = Weekday> {
    prop_oneof![
        Just(Weekday::Monday),
        Just(Weekday::Tuesday),
        Just(Weekday::Wednesday),
        Just(Weekday::Thursday),
        Just(Weekday::Friday),
        Just(Weekday::Saturday),
        Just(Weekday::Sunday),
    ]
}

pub fn day_group() -> impl Strategy<Value = DayGroup> {
    prop_oneof![
        weekday().prop_map(DayGroup::Day),
        Just(DayGroup::AnyDay),
        Just(DayGroup::Weekday),
        Just(DayGroup::WeekendDay)
    ]
}

pub fn week() -> impl Strategy<Value = WeekOfMonth> {
    prop_oneof![
        Just(WeekOfMonth::First),
        Just(WeekOfMonth::Second),
        Just(WeekOfMonth::Third),
        Just(WeekOfMonth::Fourth),
        Just(WeekOfMonth::Last),
    ]
}

pub fn rule() -> BoxedStrategy<RecurrenceRule> {
    let all_days = vec![
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];
    prop_oneof![
        (1u32..30).prop_map(|interval| RecurrenceRule::Daily { interval }),
        (1u32..5, subsequence(all_days, 1..=7), option::of(weekday()))
            .prop_map(|(interval, days, week_starts)| RecurrenceRule::Weekly { interval, days, week_starts }),
        (1u32..12, 1u32..=31).prop_map(|(interval, day)| RecurrenceRule::MonthlyOnDate { interval, day }),
        (1u32..12, week(), day_group()).prop_map(|(interval, week, day)| RecurrenceRule::MonthlyOnWeekday {
            interval,
            week,
            day
        }),
        (1u32..=12, 1u32..=31).prop_map(|(month, day)| RecurrenceRule::YearlyOnDate { month, day }),
        (1u32..=12, week(), day_group()).prop_map(|(month, week, day)| RecurrenceRule::YearlyOnWeekday {
            month,
            week,
            day
        }),
    ]
    .boxed()
}

pub fn recurrence(starts_on: NaiveDate) -> impl Strategy<Value = Recurrence> {
    let ends = prop_oneof![
        Just(RecurrenceEnd::Never),
        (0i64..900).prop_map(move |d| RecurrenceEnd::Until(starts_on + Duration::days(d))),
        (1u32..500).prop_map(RecurrenceEnd::Count),
    ];
    (rule(), ends).prop_map(move |(rule, ends)| Recurrence { rule, starts_on, ends, exceptions: vec![] })
}

pub fn attendee() -> impl Strategy<Value = Attendee> {
    let role = prop_oneof![Just(AttendeeRole::Required), Just(AttendeeRole::Optional), Just(AttendeeRole::Resource)];
    let response = prop_oneof![
        Just(AttendeeResponse::Unknown),
        Just(AttendeeResponse::Organizer),
        Just(AttendeeResponse::Tentative),
        Just(AttendeeResponse::Accepted),
        Just(AttendeeResponse::Declined),
        Just(AttendeeResponse::NoResponse),
    ];
    (email_address(), opt_text(), role, option::of(response)).prop_map(|(email, name, role, response)| Attendee {
        email,
        name,
        role,
        response,
    })
}

pub fn event() -> BoxedStrategy<Event> {
    let show_as = prop_oneof![
        Just(ShowAs::Free),
        Just(ShowAs::Tentative),
        Just(ShowAs::Busy),
        Just(ShowAs::OutOfOffice),
        Just(ShowAs::WorkingElsewhere),
    ];
    let sensitivity = prop_oneof![
        Just(Sensitivity::Normal),
        Just(Sensitivity::Personal),
        Just(Sensitivity::Private),
        Just(Sensitivity::Confidential),
    ];
    let tz =
        option::of(prop_oneof![Just("W. Europe Standard Time".to_owned()), Just("Pacific Standard Time".to_owned())]);
    (instant(), 0i64..(10 * 86_400))
        .prop_flat_map(move |(start, len)| {
            let rec = option::of(recurrence(start.date_naive()).boxed()).boxed();
            (
                Just(start),
                Just(start + Duration::seconds(len)),
                (opt_text(), opt_text(), opt_text()),
                tz.clone(),
                any::<bool>(),
                rec,
                vec(attendee(), 0..6).boxed(),
                (sensitivity.clone(), show_as.clone(), option::of(0u32..10_000)),
            )
        })
        .prop_map(
            |(
                start,
                end,
                (subject, body, location),
                time_zone,
                all_day,
                recurrence,
                attendees,
                (sensitivity, show_as, reminder_minutes),
            )| {
                // The mapping lists attendees by role: required, optional, resources.
                let mut attendees = attendees;
                attendees.sort_by_key(|a| match a.role {
                    AttendeeRole::Required => 0,
                    AttendeeRole::Optional => 1,
                    AttendeeRole::Resource => 2,
                });
                Event {
                    subject,
                    body,
                    location,
                    start,
                    end,
                    time_zone,
                    all_day,
                    recurrence,
                    attendees,
                    sensitivity,
                    show_as,
                    reminder_minutes,
                }
            },
        )
        .boxed()
}

pub fn record() -> impl Strategy<Value = Record> {
    prop_oneof![contact().prop_map(Record::from), event().prop_map(Record::from)]
}
