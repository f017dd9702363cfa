//! Parse speed of the EWS layer against a bare quick-xml token scan of the same bytes (the floor).
//!
//! - a 512-item `SyncFolderItems` response of full contacts;
//! - a 100-item `GetItem` response of recurring calendar items with attendees and exceptions.
//!
//! Target: the typed parse within 2x of the scan.

use std::hint::black_box;

use chrono::{DateTime, NaiveDate};
use criterion::{Criterion, Throughput, criterion_group};
use exsync::ews::*;
use quick_xml::Reader;
use quick_xml::events::Event;

fn utc(s: &str) -> EwsDateTime {
    EwsDateTime::Zoned(DateTime::parse_from_rfc3339(s).unwrap())
}

fn base(i: usize, class: &str) -> ItemBase {
    ItemBase {
        item_id: Some(ItemId::with_change_key(
            format!("AAMkADEzOTExYjJkLTYxZjUtNGI3Mi1hYjk4LTFmMDMxNjE1ZGNkMQBGAAAAAAB{i:08}AAA="),
            format!("EQAAABYAAABhFfgM7MNwSYx0VZ0GoBMJAAAA{i:06}"),
        )),
        parent_folder_id: Some(FolderId::new("AAMkADEzOTExYjJkLTYxZjUtNGI3Mi1hYjk4LTFmMDMxNjE1ZGNkMQAuAAAAAAA=")),
        item_class: Some(class.to_owned()),
        subject: Some(format!("Subject number {i} — Q3 review & planning")),
        sensitivity: Some(Sensitivity::Normal),
        body: Some(Body::text(format!("Notes for item {i}.\nMet at the conference; follow up <soon>.\n"))),
        categories: Some(vec!["Customers".into(), "VIP".into()]),
        importance: Some(Importance::Normal),
        date_time_created: Some(utc("2026-01-15T09:30:00Z")),
        extended_properties: vec![ExtendedProperty {
            field: ExtendedFieldUri::named_string("c11ff724-aa03-4555-9952-8fa248a11c3e", "exsync-record-id"),
            value: ExtendedValue::Single(format!("app-record-{i}")),
        }],
        last_modified_time: Some(utc("2026-11-20T16:45:12Z")),
        ..ItemBase::default()
    }
}

fn contact(i: usize) -> Item {
    let mut c = Contact::with_name(format!("Given{i}"), format!("Surname{i}"));
    c.item = base(i, "IPM.Contact");
    c.file_as = Some(format!("Surname{i}, Given{i}"));
    c.display_name = Some(format!("Given{i} Surname{i}"));
    c.middle_name = Some("Q".into());
    c.nickname = Some(format!("gs{i}"));
    c.company_name = Some("Contoso Ltd.".into());
    c.job_title = Some("Account Manager".into());
    c.department = Some("Sales".into());
    c.manager = Some("Pat Example".into());
    c.assistant_name = Some("Sam Example".into());
    c.birthday = Some(utc("1980-05-17T00:00:00Z"));
    c.set_email(EmailAddressKey::EmailAddress1, format!("given{i}.surname@contoso.com"));
    c.set_email(EmailAddressKey::EmailAddress2, format!("gs{i}@fabrikam.net"));
    c.set_phone(PhoneNumberKey::BusinessPhone, "+1 425 555 0100");
    c.set_phone(PhoneNumberKey::MobilePhone, "+1 425 555 0101");
    c.set_phone(PhoneNumberKey::HomePhone, "+1 425 555 0102");
    let mut business = PhysicalAddress::new(PhysicalAddressKey::Business);
    business.street = Some("1 Microsoft Way".into());
    business.city = Some("Redmond".into());
    business.state = Some("WA".into());
    business.country_or_region = Some("United States".into());
    business.postal_code = Some("98052".into());
    c.set_address(business);
    let mut home = PhysicalAddress::new(PhysicalAddressKey::Home);
    home.street = Some(format!("{i} Main Street"));
    home.city = Some("Seattle".into());
    home.postal_code = Some("98101".into());
    c.set_address(home);
    Item::Contact(Box::new(c))
}

fn calendar_item(i: usize) -> Item {
    let attendee = |n: usize| Attendee {
        mailbox: Mailbox { name: Some(format!("Attendee {n}")), ..Mailbox::smtp(format!("attendee{n}@contoso.com")) },
        response_type: Some(ResponseType::Accept),
        last_response_time: Some(utc("2026-11-02T10:00:00Z")),
        proposed_start: None,
        proposed_end: None,
    };
    let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let mut c = CalendarItem { item: base(i, "IPM.Appointment"), ..CalendarItem::default() };
    c.uid = Some(format!("040000008200E00074C5B7101A82E00800000000{i:08}"));
    c.start = Some(utc("2026-01-05T17:00:00Z"));
    c.end = Some(utc("2026-01-05T18:00:00Z"));
    c.is_all_day_event = Some(false);
    c.legacy_free_busy_status = Some(LegacyFreeBusy::Busy);
    c.location = Some("Conference Room 4".into());
    c.is_meeting = Some(true);
    c.is_recurring = Some(true);
    c.calendar_item_type = Some(CalendarItemType::RecurringMaster);
    c.organizer = Some(Mailbox::smtp("organizer@contoso.com"));
    c.required_attendees = (0..4).map(attendee).collect();
    c.optional_attendees = (4..6).map(attendee).collect();
    c.recurrence = Some(Recurrence {
        pattern: RecurrencePattern::Weekly {
            interval: 1,
            days_of_week: DaysOfWeek::new([DayOfWeek::Monday, DayOfWeek::Thursday]),
            first_day_of_week: Some(DayOfWeek::Monday),
        },
        range: RecurrenceRange::Numbered { start_date: EwsDate::new(start), number_of_occurrences: 20 },
    });
    c.modified_occurrences = vec![OccurrenceInfo {
        item_id: ItemId::new(format!("AAMkADoccurrence{i}")),
        start: utc("2026-01-12T18:00:00Z"),
        end: utc("2026-01-12T19:00:00Z"),
        original_start: utc("2026-01-12T17:00:00Z"),
    }];
    c.deleted_occurrences = vec![DeletedOccurrence { start: utc("2026-01-15T17:00:00Z") }];
    c.start_time_zone = Some(TimeZoneDefinition::by_id("Pacific Standard Time"));
    c.end_time_zone = Some(TimeZoneDefinition::by_id("Pacific Standard Time"));
    Item::CalendarItem(Box::new(c))
}

fn sync_response() -> String {
    let content = SyncFolderItemsContent {
        sync_state: Some("H4sIAAAAAAAEAGNgYGDiBBIMqJAxFgYA".into()),
        includes_last_item_in_range: Some(false),
        changes: (0..512).map(|i| SyncChange::Create(contact(i))).collect(),
    };
    let body =
        SyncFolderItemsResponse { messages: vec![ResponseMessage { status: ResponseStatus::success(), content }] };
    Response { server_version: None, body: ResponseBody::Message(body) }.to_xml_string("SyncFolderItemsResponse")
}

fn get_item_response() -> String {
    let messages = (0..100)
        .map(|i| ResponseMessage {
            status: ResponseStatus::success(),
            content: ItemInfoContent { items: vec![calendar_item(i)] },
        })
        .collect();
    Response { server_version: None, body: ResponseBody::Message(GetItemResponse { messages }) }
        .to_xml_string("GetItemResponse")
}

/// The floor: every token of the document, nothing built.
fn scan(xml: &str) -> usize {
    let mut reader = Reader::from_str(xml);
    let mut n = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return n,
            Ok(e) => {
                n += 1;
                black_box(e);
            }
            Err(e) => panic!("{e}"),
        }
    }
}

fn bench(c: &mut Criterion) {
    let sync = sync_response();
    let get = get_item_response();
    // The fixtures are what they claim to be.
    let parsed = Request::<SyncFolderItems>::parse_response(&sync).unwrap();
    let ResponseBody::Message(m) = &parsed.body else { unreachable!() };
    assert_eq!(m.messages[0].content.changes.len(), 512);
    let parsed = Request::<GetItem>::parse_response(&get).unwrap();
    let ResponseBody::Message(m) = &parsed.body else { unreachable!() };
    assert_eq!(m.items().count(), 100);

    let mut g = c.benchmark_group("sync_folder_items_512_contacts");
    g.throughput(Throughput::Bytes(sync.len() as u64));
    g.bench_function("quick_xml_scan", |b| b.iter(|| scan(black_box(&sync))));
    g.bench_function("exsync_parse", |b| b.iter(|| Request::<SyncFolderItems>::parse_response(black_box(&sync))));
    let v = Request::<SyncFolderItems>::parse_response(&sync).unwrap();
    g.bench_function("exsync_serialize", |b| b.iter(|| black_box(&v).to_xml_string("SyncFolderItemsResponse")));
    g.finish();

    let mut g = c.benchmark_group("get_item_100_recurring_events");
    g.throughput(Throughput::Bytes(get.len() as u64));
    g.bench_function("quick_xml_scan", |b| b.iter(|| scan(black_box(&get))));
    g.bench_function("exsync_parse", |b| b.iter(|| Request::<GetItem>::parse_response(black_box(&get))));
    let v = Request::<GetItem>::parse_response(&get).unwrap();
    g.bench_function("exsync_serialize", |b| b.iter(|| black_box(&v).to_xml_string("GetItemResponse")));
    g.finish();
}

/// A fixed amount of work for an instruction-counting profiler (`valgrind --tool=callgrind`), which
/// gives repeatable numbers on a busy machine where wall-clock times drift:
/// `EXSYNC_PARSE_PROFILE=sync|get|scan-sync|scan-get[:N]` runs that case N times (default 20) and
/// exits instead of benchmarking.
fn profile(spec: &str) {
    let (case, n) = spec.split_once(':').unwrap_or((spec, "20"));
    let n: usize = n.parse().expect("EXSYNC_PARSE_PROFILE count");
    let sync = sync_response();
    let get = get_item_response();
    for _ in 0..n {
        match case {
            "sync" => drop(black_box(Request::<SyncFolderItems>::parse_response(black_box(&sync)).unwrap())),
            "get" => drop(black_box(Request::<GetItem>::parse_response(black_box(&get)).unwrap())),
            "scan-sync" => drop(black_box(scan(black_box(&sync)))),
            "scan-get" => drop(black_box(scan(black_box(&get)))),
            other => panic!("unknown EXSYNC_PARSE_PROFILE case {other}"),
        }
    }
}

criterion_group!(benches, bench);

fn main() {
    match std::env::var("EXSYNC_PARSE_PROFILE") {
        Ok(spec) => profile(&spec),
        Err(_) => {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
    }
}
