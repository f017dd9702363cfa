//! CalendarItem: round trips (XML with lenient and strict readers, JSON), schema validity of
//! generated items and field updates against the current and the Exchange 2010 SP2 schemas, the
//! calendar items of the real samples, and errors for bad values.

mod common;

use std::path::Path;

use common::strategies::base::item_id;
use common::strategies::calendar::*;
use common::{Schema, schema_validation, shared_dir, validate};
use exsync::ews::calendar_field::changed_fields;
use exsync::ews::*;
use exsync::xml::{Element, ToXml, XmlError, XmlErrorKind, XmlReader, XmlWriter};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

fn to_xml(c: &CalendarItem) -> String {
    let mut w = XmlWriter::new();
    c.to_xml(&mut w, "t:CalendarItem");
    w.into_string()
}

fn parse(xml: &str, strict: bool) -> Result<CalendarItem, XmlError> {
    XmlReader::new(xml)?.strict(strict).read_document("CalendarItem")
}

fn dt(s: &str) -> EwsDateTime {
    EwsDateTime::parse(s).unwrap()
}

fn date(s: &str) -> EwsDate {
    EwsDate::parse(s).unwrap()
}

/// Applies the updates `changed_fields(old, new)` asks for to `old`, checking each `SetItemField`
/// item holds exactly its field.
fn apply_changes(old: &CalendarItem, new: &CalendarItem) -> Result<CalendarItem, TestCaseError> {
    let mut applied = old.clone();
    for f in changed_fields(old, new) {
        prop_assert!(f.is_updatable(), "{:?} is read-only", f);
        match f.extract(new) {
            Some(only) => {
                prop_assert!(f.is_set(&only));
                for g in CalendarField::ALL {
                    prop_assert!(g == &f || !g.is_set(&only), "{:?} set in the item for {:?}", g, f);
                }
                for p in &only.item.extended_properties {
                    prop_assert_eq!(CalendarField::Extended(p.field.clone()), f.clone());
                }
                f.copy(&only, &mut applied);
            }
            None => {
                prop_assert!(f.is_deletable(), "{:?} cannot be deleted", f);
                f.copy(&CalendarItem::default(), &mut applied);
            }
        }
    }
    Ok(applied)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn round_trips_with_lenient_and_strict_readers(c in calendar_item()) {
        let xml = to_xml(&c);
        prop_assert_eq!(&parse(&xml, false).unwrap(), &c);
        prop_assert_eq!(&parse(&xml, true).unwrap(), &c);
    }

    #[test]
    fn round_trips_through_json(c in calendar_item()) {
        let json = serde_json::to_string(&c).unwrap();
        prop_assert_eq!(serde_json::from_str::<CalendarItem>(&json).unwrap(), c);
    }

    #[test]
    fn task_recurrences_round_trip(rec in task_recurrence()) {
        let mut w = XmlWriter::new();
        rec.to_xml(&mut w, "t:Recurrence");
        let xml = w.into_string();
        let mut strict = XmlReader::new(&xml).unwrap().strict(true);
        prop_assert_eq!(strict.read_document::<Recurrence>("Recurrence").unwrap(), rec.clone());
        let json = serde_json::to_string(&rec).unwrap();
        prop_assert_eq!(serde_json::from_str::<Recurrence>(&json).unwrap(), rec);
    }

    #[test]
    fn meeting_time_zones_round_trip(tz in meeting_time_zone()) {
        let mut w = XmlWriter::new();
        tz.to_xml(&mut w, "t:MeetingTimeZone");
        let xml = w.into_string();
        let mut strict = XmlReader::new(&xml).unwrap().strict(true);
        prop_assert_eq!(strict.read_document::<MeetingTimeZone>("MeetingTimeZone").unwrap(), tz);
    }

    #[test]
    fn changed_fields_turn_old_into_new(old in calendar_item(), new in calendar_item()) {
        let applied = apply_changes(&old, &new)?;
        for f in CalendarField::ALL {
            if !f.is_updatable() {
                prop_assert!(f.same(&applied, &old), "read-only {:?} changed", f);
            } else if f.is_set(&new) || f.is_deletable() {
                prop_assert!(f.same(&applied, &new), "{:?} not carried over", f);
            } else {
                // Unset in `new` and not removable: the server keeps its value.
                prop_assert!(f.same(&applied, &old), "{:?} lost", f);
            }
        }
        prop_assert!(changed_fields(&applied, &new).is_empty());
    }

    #[test]
    fn identical_items_have_no_changes(c in calendar_item()) {
        prop_assert!(changed_fields(&c, &c.clone()).is_empty());
    }

    #[test]
    fn corrupted_values_error_with_a_path(
        c in calendar_item(),
        pick in any::<prop::sample::Index>(),
        garbage in prop::sample::select(&["", "x", "-1", "0", "32", "2014-13-45", "Mondy", "PT", "99999999999", "true false"][..]),
    ) {
        let xml = to_xml(&c);
        // Replace the text of one leaf element.
        let leaves: Vec<(usize, usize)> = xml
            .match_indices('>')
            .filter_map(|(i, _)| {
                let end = i + 1 + xml[i + 1..].find('<')?;
                (end > i + 1 && xml[end..].starts_with("</")).then_some((i + 1, end))
            })
            .collect();
        prop_assume!(!leaves.is_empty());
        let (s, e) = leaves[pick.index(leaves.len())];
        let bad = format!("{}{}{}", &xml[..s], garbage, &xml[e..]);
        for strict in [false, true] {
            if let Err(err) = parse(&bad, strict) {
                prop_assert!(err.path.starts_with("/t:CalendarItem"), "{}", err);
                prop_assert!(err.line >= 1 && err.column >= 1);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Schema validation

/// `<m:CreateItem SendMeetingInvitations="SendToNone"><m:Items>…</m:Items></m:CreateItem>`.
fn create_item_document(items: &[CalendarItem]) -> String {
    let mut w = XmlWriter::new();
    w.declaration();
    w.start(
        "m:CreateItem",
        &[
            ("xmlns:m", Some(namespaces::MESSAGES)),
            ("xmlns:t", Some(namespaces::TYPES)),
            ("SendMeetingInvitations", Some("SendToNone")),
        ],
    );
    w.start("m:Items", &[]);
    for c in items {
        c.to_xml(&mut w, "t:CalendarItem");
    }
    w.end("m:Items");
    w.end("m:CreateItem");
    w.into_string()
}

/// An UpdateItem turning `old` into `new`: a SetItemField or DeleteItemField per changed field.
/// `None` when nothing changed (the schema has no empty update list).
fn update_item_document(id: &ItemId, old: &CalendarItem, new: &CalendarItem) -> Option<String> {
    let changes = changed_fields(old, new);
    if changes.is_empty() {
        return None;
    }
    let mut w = XmlWriter::new();
    w.declaration();
    w.start(
        "m:UpdateItem",
        &[
            ("xmlns:m", Some(namespaces::MESSAGES)),
            ("xmlns:t", Some(namespaces::TYPES)),
            ("ConflictResolution", Some("AlwaysOverwrite")),
            ("SendMeetingInvitationsOrCancellations", Some("SendToNone")),
        ],
    );
    w.start("m:ItemChanges", &[]);
    w.start("t:ItemChange", &[]);
    id.to_xml(&mut w, "t:ItemId");
    w.start("t:Updates", &[]);
    for f in changes {
        match f.extract(new) {
            Some(only) => {
                w.start("t:SetItemField", &[]);
                f.path().write(&mut w);
                only.to_xml(&mut w, "t:CalendarItem");
                w.end("t:SetItemField");
            }
            None => {
                w.start("t:DeleteItemField", &[]);
                f.path().write(&mut w);
                w.end("t:DeleteItemField");
            }
        }
    }
    w.end("t:Updates");
    w.end("t:ItemChange");
    w.end("m:ItemChanges");
    w.end("m:UpdateItem");
    Some(w.into_string())
}

/// 64 CreateItem documents of one generated item each, and UpdateItem documents between pairs;
/// written for `version` (the items pass through `CalendarItem::retain_supported`).
fn generated_documents(version: ExchangeVersion, runner: &mut TestRunner) -> Vec<(String, String)> {
    let items = calendar_item().prop_map(move |mut c| {
        c.retain_supported(version);
        c
    });
    let ids = item_id();
    let mut docs = Vec::new();
    for i in 0..64 {
        let c = items.new_tree(runner).unwrap().current();
        docs.push((format!("{version}-CreateItem-{i}"), create_item_document(&[c])));
    }
    for i in 0..32 {
        let (old, new) = (items.new_tree(runner).unwrap().current(), items.new_tree(runner).unwrap().current());
        let id = ids.new_tree(runner).unwrap().current();
        if let Some(doc) = update_item_document(&id, &old, &new) {
            docs.push((format!("{version}-UpdateItem-{i}"), doc));
        }
    }
    docs
}

#[test]
fn generated_items_and_updates_validate_against_both_schemas() {
    let Some(shared) = schema_validation() else { return };
    let mut runner = TestRunner::deterministic();
    let current = generated_documents(ExchangeVersion::V2017_07_11, &mut runner);
    let old = generated_documents(ExchangeVersion::Exchange2010Sp2, &mut runner);
    // The sample items, written back by exsync, must stay valid too.
    let samples: Vec<CalendarItem> = sample_items(&shared).into_iter().flat_map(|(_, items)| items).collect();
    let sample_docs = vec![("samples-CreateItem".to_owned(), create_item_document(&samples))];

    let all: Vec<(String, String)> = current.iter().chain(&old).chain(&sample_docs).cloned().collect();
    validate(&shared, Schema::Current, &all).unwrap();
    let old_all: Vec<(String, String)> = old.iter().chain(&sample_docs).cloned().collect();
    validate(&shared, Schema::Exchange2010Sp2, &old_all).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Real samples

/// Collects every `CalendarItem` element under `el` (not descending into them: the conflicting
/// meetings inside one belong to it), as its inner XML.
fn find_calendar_items<'a>(r: &mut XmlReader<'a>, el: &Element<'a>, out: &mut Vec<&'a str>) -> Result<(), XmlError> {
    while let Some(c) = r.next_child(el)? {
        if c.name() == "CalendarItem" {
            out.push(r.inner_xml(&c)?);
        } else {
            find_calendar_items(r, &c, out)?;
        }
    }
    Ok(())
}

/// Parses every calendar item of a document, leniently; also strictly when `strict` (the samples
/// whose items hold only modelled elements), checking both agree.
fn items_in(xml: &str, strict: bool) -> Vec<CalendarItem> {
    let mut r = XmlReader::new(xml).unwrap();
    let root = r.root().unwrap();
    let mut inner = Vec::new();
    find_calendar_items(&mut r, &root, &mut inner).unwrap();
    inner
        .into_iter()
        .map(|i| {
            let doc = format!("<CalendarItem>{i}</CalendarItem>");
            let lenient = parse(&doc, false).unwrap_or_else(|e| panic!("{e}\n{doc}"));
            if strict {
                assert_eq!(parse(&doc, true).unwrap_or_else(|e| panic!("{e}\n{doc}")), lenient);
            }
            // exsync writes it back in a form it reads the same.
            assert_eq!(parse(&to_xml(&lenient), true).unwrap(), lenient);
            lenient
        })
        .collect()
}

const SAMPLES: &[(&str, bool)] = &[
    ("GetItem/msdocs-getitem-calendar-item-resp.xml", true),
    ("GetItem/msdocs-getitem-calendar-item-resp-2.xml", false),
    ("GetItem/msdocs-getitem-calendar-item-resp-3.xml", false),
    ("GetItem/msdocs-create-a-recurring-series-resp.xml", true),
    ("GetItem/msdocs-process-calendar-items-in-batches-resp.xml", true),
    ("CreateItem/msdocs-create-a-recurring-series-req.xml", true),
    ("CreateItem/msdocs-createitem-calendar-item-req.xml", true),
    ("CreateItem/msdocs-create-appointments-in-a-specific-time-zone-req.xml", true),
    ("CreateItem/msdocs-create-appointments-in-a-specific-time-zone-req-3.xml", true),
    ("CreateItem/msdocs-create-all-day-events-req.xml", true),
    ("CreateItem/msdocs-process-calendar-items-in-batches-req.xml", true),
    ("UpdateItem/msdocs-update-a-recurring-series-req.xml", true),
    ("UpdateItem/msdocs-update-a-recurring-series-req-2.xml", true),
    ("UpdateItem/msdocs-update-the-time-zone-for-an-appointment-req.xml", true),
    ("UpdateItem/msdocs-update-the-time-zone-for-an-appointment-req-2.xml", true),
    ("FindItem/msdocs-recurrence-patterns-and-ews-resp.xml", true),
    ("FindItem/msdocs-recurrence-patterns-and-ews-resp-2.xml", true),
    ("FindItem/msdocs-get-appointments-and-meetings-resp.xml", true),
];

fn sample_items(shared: &Path) -> Vec<(&'static str, Vec<CalendarItem>)> {
    let dir = shared.join("ews/samples");
    SAMPLES
        .iter()
        .map(|(file, strict)| {
            let xml = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
            (*file, items_in(&xml, *strict))
        })
        .collect()
}

fn weekly(days: &[DayOfWeek]) -> RecurrencePattern {
    RecurrencePattern::Weekly { interval: 1, days_of_week: DaysOfWeek(days.to_vec()), first_day_of_week: None }
}

fn emails(attendees: &[Attendee]) -> Vec<&str> {
    attendees.iter().map(|a| a.mailbox.email_address.as_deref().unwrap()).collect()
}

#[test]
fn sample_calendar_items_parse_with_known_values() {
    let Some(shared) = shared_dir() else { return };
    let samples = sample_items(&shared);
    let get = |name: &str| -> &Vec<CalendarItem> { &samples.iter().find(|(f, _)| f.ends_with(name)).unwrap().1 };

    let c = &get("GetItem/msdocs-getitem-calendar-item-resp.xml")[0];
    assert_eq!(c.item.item_id, Some(ItemId::with_change_key("ASUAd", "otlIqB==")));

    let c = &get("GetItem/msdocs-getitem-calendar-item-resp-2.xml")[0];
    assert_eq!((c.start, c.end), (Some(dt("2006-06-16T00:30:00Z")), Some(dt("2006-06-16T01:00:00Z"))));
    assert_eq!(c.legacy_free_busy_status, Some(LegacyFreeBusy::Busy));
    assert_eq!(c.calendar_item_type, Some(CalendarItemType::Single));
    let organizer = c.organizer.as_ref().unwrap();
    assert_eq!(organizer.name.as_deref(), Some("Bob"));
    assert_eq!(organizer.email_address.as_deref(), Some("someone@example.com"));
    assert_eq!(organizer.routing_type.as_deref(), Some("SMTP"));

    let c = &get("GetItem/msdocs-getitem-calendar-item-resp-3.xml")[0];
    assert_eq!(c.item.item_class.as_deref(), Some("IPM.Appointment"));
    assert_eq!(c.item.reminder_minutes_before_start, Some(15));
    assert_eq!(c.is_all_day_event, Some(false));
    assert_eq!(c.my_response_type, Some(ResponseType::Organizer));
    assert_eq!((c.conflicting_meeting_count, c.adjacent_meeting_count), (Some(2), Some(0)));
    assert_eq!(c.conflicting_meetings.len(), 2);
    let Item::CalendarItem(conflict) = &c.conflicting_meetings[1] else { panic!("not a calendar item") };
    assert_eq!(conflict.item.item_id, Some(ItemId::with_change_key("ASUAd", "otlIqBw==")));
    assert_eq!(conflict.location.as_deref(), Some(""));
    assert_eq!(c.duration.as_deref(), Some("PT30M"));
    assert_eq!(c.time_zone.as_deref(), Some("Pacific Standard Time"));
    assert_eq!((c.appointment_sequence_number, c.appointment_state), (Some(0), Some(0)));

    let c = &get("GetItem/msdocs-create-a-recurring-series-resp.xml")[0];
    assert_eq!(c.calendar_item_type, Some(CalendarItemType::RecurringMaster));
    let rec = c.recurrence.as_ref().unwrap();
    assert_eq!(rec.pattern, weekly(&[DayOfWeek::Saturday]));
    assert_eq!(
        rec.range,
        RecurrenceRange::Numbered { start_date: date("2014-03-08-08:00"), number_of_occurrences: 10 }
    );
    assert_eq!(rec.range.start_date().offset.unwrap().local_minus_utc(), -8 * 3600);
    let first = c.first_occurrence.as_ref().unwrap();
    assert_eq!(first.item_id, ItemId::with_change_key("AAMkAD", "DwAAABY"));
    assert_eq!((first.start, first.end), (dt("2014-03-08T21:21:00Z"), dt("2014-03-08T22:21:00Z")));
    assert_eq!(c.last_occurrence.as_ref().unwrap().original_start, dt("2014-05-10T20:21:00Z"));

    let batch = get("GetItem/msdocs-process-calendar-items-in-batches-resp.xml");
    assert_eq!(batch.len(), 3);
    let responses: Vec<_> = batch[2].required_attendees.iter().map(|a| a.response_type).collect();
    assert_eq!(responses, vec![Some(ResponseType::Unknown); 3]);

    let c = &get("CreateItem/msdocs-create-a-recurring-series-req.xml")[0];
    assert_eq!(c.item.subject.as_deref(), Some("Weekly Update Meeting"));
    assert_eq!(c.item.body.as_ref().unwrap().body_type, BodyType::Html);
    assert_eq!(c.item.reminder_minutes_before_start, Some(30));
    assert_eq!(c.start, Some(dt("2014-03-08T13:21:32.868-08:00")));
    assert_eq!(c.location.as_deref(), Some("Contoso Main Gallery"));
    assert_eq!(emails(&c.required_attendees), ["Mack@contoso.com", "Sadie@contoso.com", "Magdalena@contoso.com"]);
    assert_eq!(c.recurrence.as_ref().unwrap().pattern, weekly(&[DayOfWeek::Saturday]));

    let c = &get("CreateItem/msdocs-createitem-calendar-item-req.xml")[0];
    assert_eq!(c.item.subject.as_deref(), Some("Planning Meeting"));
    assert_eq!((c.item.reminder_is_set, c.item.reminder_minutes_before_start), (Some(true), Some(60)));
    assert_eq!(c.start, Some(dt("2006-11-02T14:00:00")));
    assert!(matches!(c.start, Some(EwsDateTime::Floating(_))));
    assert_eq!(c.location.as_deref(), Some("Conference Room 721"));
    assert_eq!(emails(&c.required_attendees), ["User1@example.com", "User2@example.com"]);

    let c = &get("CreateItem/msdocs-create-appointments-in-a-specific-time-zone-req.xml")[0];
    assert_eq!(c.start, Some(dt("2023-02-07T17:00:00Z")));
    let c = &get("CreateItem/msdocs-create-appointments-in-a-specific-time-zone-req-3.xml")[0];
    assert!(matches!(c.end, Some(EwsDateTime::Floating(_))));
    assert_eq!(c.end, Some(dt("2023-02-07T20:00:00")));

    let c = &get("CreateItem/msdocs-create-all-day-events-req.xml")[0];
    assert_eq!(c.is_all_day_event, Some(true));
    assert_eq!(c.legacy_free_busy_status, Some(LegacyFreeBusy::Oof));
    assert_eq!((c.start, c.end), (Some(dt("2014-06-09T04:00:00Z")), Some(dt("2014-06-10T04:00:00Z"))));

    let batch = get("CreateItem/msdocs-process-calendar-items-in-batches-req.xml");
    assert_eq!(batch.len(), 3);
    assert!(batch.iter().all(|c| c.meeting_time_zone == Some(MeetingTimeZone::named("Pacific Standard Time"))));
    assert_eq!(batch[0].item.reminder_due_by, Some(dt("2014-01-07T12:13:40.333-08:00")));

    let updates = get("UpdateItem/msdocs-update-a-recurring-series-req.xml");
    assert_eq!(updates.len(), 5);
    assert_eq!(updates[0].location.as_deref(), Some("Helipad of Contoso Bldg 1"));
    assert_eq!(updates[1].start, Some(dt("2014-03-27T19:33:00-07:00")));
    assert_eq!(updates[3].required_attendees.len(), 6);
    assert_eq!(updates[4].item.subject.as_deref(), Some("Weekly Update Meeting:Mandatory"));

    let updates = get("UpdateItem/msdocs-update-a-recurring-series-req-2.xml");
    assert_eq!(updates[1].required_attendees[0].mailbox.name.as_deref(), Some("Mack Chaves"));
    let rec = updates[2].recurrence.as_ref().unwrap();
    assert_eq!(rec.pattern, weekly(&[DayOfWeek::Tuesday]));
    assert_eq!(
        rec.range,
        RecurrenceRange::EndDate { start_date: date("2014-05-06"), end_date: date("2014-06-22-04:00") }
    );
    assert_eq!(rec.range.start_date().offset, None);
    assert_eq!(updates[3].meeting_time_zone, Some(MeetingTimeZone::named("Pacific Standard Time")));

    for file in [
        "UpdateItem/msdocs-update-the-time-zone-for-an-appointment-req.xml",
        "UpdateItem/msdocs-update-the-time-zone-for-an-appointment-req-2.xml",
    ] {
        let updates = get(file);
        assert_eq!(updates[0].start_time_zone, Some(TimeZoneDefinition::by_id("Central Standard Time")));
        assert_eq!(updates[1].end_time_zone, Some(TimeZoneDefinition::by_id("Central Standard Time")));
    }
    let updates = get("UpdateItem/msdocs-update-the-time-zone-for-an-appointment-req-2.xml");
    assert_eq!(updates[2].start, Some(dt("2014-06-20T17:00:00Z")));

    let c = &get("FindItem/msdocs-recurrence-patterns-and-ews-resp.xml")[0];
    assert_eq!(c.calendar_item_type, Some(CalendarItemType::RecurringMaster));
    assert_eq!(c.location.as_deref(), Some("Neighborhood Swimming Pool"));
    let occurrences = get("FindItem/msdocs-recurrence-patterns-and-ews-resp-2.xml");
    assert_eq!(occurrences.len(), 5);
    assert!(occurrences.iter().all(|c| c.calendar_item_type == Some(CalendarItemType::Occurrence)));
    let starts: Vec<_> = occurrences.iter().map(|c| c.start.unwrap()).collect();
    assert!(starts.windows(2).all(|w| (w[1].to_utc().unwrap() - w[0].to_utc().unwrap()).num_days() == 7));

    let subjects: Vec<_> = get("FindItem/msdocs-get-appointments-and-meetings-resp.xml")
        .iter()
        .map(|c| c.item.subject.clone().unwrap())
        .collect();
    assert_eq!(subjects.len(), 5);
    assert_eq!(subjects[4], "Online training webcast");
}

#[test]
fn every_calendar_item_in_every_sample_parses() {
    let Some(shared) = shared_dir() else { return };
    let mut found = 0;
    let mut stack = vec![shared.join("ews/samples")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "xml") {
                let xml = std::fs::read_to_string(&path).unwrap();
                // Some samples are deliberately broken XML; only well-formed ones with items count.
                let Ok(mut r) = XmlReader::new(&xml) else { continue };
                let Ok(root) = r.root() else { continue };
                let mut inner = Vec::new();
                if find_calendar_items(&mut r, &root, &mut inner).is_err() {
                    continue;
                }
                for i in inner {
                    let doc = format!("<CalendarItem>{i}</CalendarItem>");
                    parse(&doc, false).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                    found += 1;
                }
            }
        }
    }
    assert!(found >= 40, "only {found} calendar items found");
}

// ---------------------------------------------------------------------------------------------
// Bad values

const T: &str = "http://schemas.microsoft.com/exchange/services/2006/types";

fn parse_body(body: &str) -> Result<CalendarItem, XmlError> {
    let xml = format!("<t:CalendarItem xmlns:t=\"{T}\">{body}</t:CalendarItem>");
    parse(&xml, false)
}

fn weekly_body(days: &str) -> String {
    format!(
        "<t:Recurrence><t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>{days}</t:DaysOfWeek>\
         </t:WeeklyRecurrence><t:NoEndRecurrence><t:StartDate>2014-01-01</t:StartDate></t:NoEndRecurrence>\
         </t:Recurrence>"
    )
}

fn assert_invalid(e: &XmlError, value: &str, path_part: &str) {
    match &e.kind {
        XmlErrorKind::InvalidValue { value: v, .. } => assert_eq!(v, value, "{e}"),
        other => panic!("expected an invalid value, got {other:?} ({e})"),
    }
    assert!(e.path.starts_with("/t:CalendarItem"), "{e}");
    assert!(e.path.contains(path_part), "{} should name {path_part}", e.path);
    assert!(e.to_string().contains("line 1"), "{e}");
}

#[test]
fn bad_days_of_week_are_errors_with_a_path() {
    let e = parse_body(&weekly_body("Monday Mondy")).unwrap_err();
    assert_invalid(&e, "Monday Mondy", "/t:Recurrence/t:WeeklyRecurrence");
    let e = parse_body(&weekly_body("")).unwrap_err();
    assert_invalid(&e, "", "/t:Recurrence/t:WeeklyRecurrence");
    let e = parse_body(&weekly_body("Monday,Friday")).unwrap_err();
    assert_invalid(&e, "Monday,Friday", "/t:WeeklyRecurrence");
    // A list is fine in a weekly pattern, but not in a monthly one.
    assert!(parse_body(&weekly_body("Monday Friday")).is_ok());
    let monthly = "<t:Recurrence><t:RelativeMonthlyRecurrence><t:Interval>1</t:Interval>\
                   <t:DaysOfWeek>Monday Friday</t:DaysOfWeek><t:DayOfWeekIndex>First</t:DayOfWeekIndex>\
                   </t:RelativeMonthlyRecurrence><t:NoEndRecurrence><t:StartDate>2014-01-01</t:StartDate>\
                   </t:NoEndRecurrence></t:Recurrence>";
    assert_invalid(&parse_body(monthly).unwrap_err(), "Monday Friday", "/t:RelativeMonthlyRecurrence");
}

#[test]
fn bad_dates_and_numbers_are_errors_with_a_path() {
    let e = parse_body(
        "<t:Recurrence><t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence>\
         <t:NumberedRecurrence><t:StartDate>2014-02-30</t:StartDate><t:NumberOfOccurrences>3</t:NumberOfOccurrences>\
         </t:NumberedRecurrence></t:Recurrence>",
    )
    .unwrap_err();
    assert_invalid(&e, "2014-02-30", "/t:Recurrence/t:NumberedRecurrence");

    let e = parse_body("<t:Start>2014-13-01T10:00:00Z</t:Start>").unwrap_err();
    assert_invalid(&e, "2014-13-01T10:00:00Z", "/t:CalendarItem");

    let e = parse_body(
        "<t:Recurrence><t:DailyRecurrence><t:Interval>0</t:Interval></t:DailyRecurrence>\
         <t:NoEndRecurrence><t:StartDate>2014-01-01</t:StartDate></t:NoEndRecurrence></t:Recurrence>",
    )
    .unwrap_err();
    assert_invalid(&e, "0", "/t:DailyRecurrence");

    let e = parse_body(
        "<t:Recurrence><t:AbsoluteYearlyRecurrence><t:DayOfMonth>32</t:DayOfMonth><t:Month>May</t:Month>\
         </t:AbsoluteYearlyRecurrence><t:NoEndRecurrence><t:StartDate>2014-01-01</t:StartDate></t:NoEndRecurrence>\
         </t:Recurrence>",
    )
    .unwrap_err();
    assert_invalid(&e, "32", "/t:AbsoluteYearlyRecurrence");

    let e = parse_body("<t:LegacyFreeBusyStatus>Away</t:LegacyFreeBusyStatus>").unwrap_err();
    assert_invalid(&e, "Away", "/t:CalendarItem");

    let e = parse_body("<t:MeetingTimeZone><t:BaseOffset>8 hours</t:BaseOffset></t:MeetingTimeZone>").unwrap_err();
    assert_invalid(&e, "8 hours", "/t:MeetingTimeZone");

    let e = parse_body(
        "<t:FirstOccurrence><t:ItemId Id=\"x\"/><t:Start>2014-01-01T00:00:00Z</t:Start></t:FirstOccurrence>",
    )
    .unwrap_err();
    assert_eq!(e.kind, XmlErrorKind::MissingElement("End"));
    assert!(e.path.starts_with("/t:CalendarItem"), "{e}");

    let e = parse_body(
        "<t:RequiredAttendees><t:Attendee><t:ResponseType>Accept</t:ResponseType></t:Attendee></t:RequiredAttendees>",
    )
    .unwrap_err();
    assert_eq!(e.kind, XmlErrorKind::MissingElement("Mailbox"));
    assert!(e.path.contains("/t:RequiredAttendees"), "{e}");
}

#[test]
fn field_updates_match_the_samples() {
    // The UpdateItem sample sets calendar:Location with an item holding only the location.
    let new = CalendarItem {
        location: Some("Conference Room 2".into()),
        recurrence: Some(Recurrence {
            pattern: weekly(&[DayOfWeek::Tuesday]),
            range: RecurrenceRange::EndDate { start_date: date("2014-05-06"), end_date: date("2014-06-22-04:00") },
        }),
        ..CalendarItem::default()
    };
    let changed = changed_fields(&CalendarItem::default(), &new);
    assert_eq!(changed, vec![CalendarField::Location, CalendarField::Recurrence]);
    let paths: Vec<_> = changed.iter().map(|f| f.path()).collect();
    assert_eq!(paths, vec![PropertyPath::field("calendar:Location"), PropertyPath::field("calendar:Recurrence")]);
    let only = changed[0].extract(&new).unwrap();
    assert_eq!(to_xml(&only), "<t:CalendarItem><t:Location>Conference Room 2</t:Location></t:CalendarItem>");
    let only = changed[1].extract(&new).unwrap();
    assert_eq!(
        to_xml(&only),
        "<t:CalendarItem><t:Recurrence><t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Tuesday</t:DaysOfWeek>\
         </t:WeeklyRecurrence><t:EndDateRecurrence><t:StartDate>2014-05-06</t:StartDate><t:EndDate>2014-06-22-04:00</t:EndDate>\
         </t:EndDateRecurrence></t:Recurrence></t:CalendarItem>"
    );
}
