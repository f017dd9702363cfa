//! The EWS mailbox backend against the simulator: each call of the `MailboxBackend` trait over
//! real HTTP, what ends up in the simulated mailbox, and how Exchange's answers and failures come
//! back as `BackendError`s (the EWS code kept).
#![cfg(all(feature = "sim", feature = "sqlite"))]

mod sync_sim;

use chrono::{Duration, NaiveDate};
use exsync::backend::*;
use exsync::ews::{
    BaseFolderId, CreateFolder, DistinguishedFolderName, ExtendedFieldUri, ExtendedProperty, ExtendedValue, Item,
    ResponseCode,
};
use exsync::sim::Fault;
use exsync::store::MemoryStore;
use exsync::sync::*;
use sync_sim::*;

fn contacts() -> FolderScope {
    FolderScope::default_folder(ObjectKind::Contacts)
}

fn events() -> FolderScope {
    FolderScope::default_folder(ObjectKind::Events)
}

fn tagged(tag: &str, record: Record) -> NewItem {
    NewItem { tag: AppId::new(tag), record }
}

/// Every change since `cursor`, pages of `max`; the changes, the final cursor and the pages.
async fn list_all(
    sim: &Sim,
    user: &UserId,
    scope: &FolderScope,
    cursor: Option<Cursor>,
    max: usize,
) -> (Vec<RemoteChange>, Cursor, usize) {
    let (mut all, mut at, mut pages) = (Vec::new(), cursor, 0);
    loop {
        let page = sim.backend.list_changes(user, scope, at.as_ref(), max).await.unwrap();
        pages += 1;
        all.extend(page.changes);
        at = Some(page.cursor);
        if !page.more {
            return (all, at.unwrap(), pages);
        }
    }
}

fn upserted(changes: &[RemoteChange]) -> Vec<&RemoteItem> {
    changes
        .iter()
        .filter_map(|c| match c {
            RemoteChange::Upserted(i) => Some(i),
            RemoteChange::Deleted { .. } => None,
        })
        .collect()
}

#[tokio::test]
async fn contacts_round_trip_through_every_call() {
    let sim = Sim::start().await;
    let u = alice();
    let ann = person("Ann", "Lee", "ann@fabrikam.com");
    let raj = person("Raj", "Patel", "raj@fabrikam.com");
    let ids = sim.backend.create(&u, &contacts(), &[tagged("crm-1", ann.clone()), tagged("crm-2", raj.clone())]).await;
    let ids: Vec<RemoteId> = ids.unwrap().into_iter().map(Result::unwrap).collect();
    assert_eq!(sim.calls("CreateItem"), 1, "one batch");
    assert!(ids.iter().all(|i| i.change_key.is_some()));

    // In the mailbox, tagged, holding the records.
    let stored = sim.items(ALICE, ObjectKind::Contacts);
    assert_eq!(stored.len(), 2);
    assert_eq!((&stored[0].1, stored[0].2.as_ref()), (&ann, Some(&AppId::new("crm-1"))));

    // The first listing reports both, with their tags and change keys.
    let (changes, cursor, _) = list_all(&sim, &u, &contacts(), None, 512).await;
    let items = upserted(&changes);
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].id, ids[0]);
    assert_eq!(items[1].tag, Some(AppId::new("crm-2")));
    assert_eq!(items[1].record, raj);
    assert!(items[0].last_modified.is_some());

    // Read.
    let read = sim.backend.read(&u, &contacts(), &[ids[1].id.clone()]).await.unwrap();
    assert_eq!(read[0].as_ref().unwrap().record, raj);

    // Update against the synced content: only the changed field is sent, the new key returned.
    let raj2 = renamed(&raj, "Rajesh");
    let change =
        ItemChange { id: ids[1].clone(), base: Some(raj.clone()), record: raj2.clone(), tag: AppId::new("crm-2") };
    let new_id = sim.backend.update(&u, &contacts(), &[change]).await.unwrap().remove(0).unwrap();
    assert_eq!(new_id.id, ids[1].id);
    assert_ne!(new_id.change_key, ids[1].change_key);
    assert_eq!(sim.records(ALICE, ObjectKind::Contacts), vec![ann.clone(), raj2.clone()]);

    // The cursor reports only that change.
    let (changes, cursor, _) = list_all(&sim, &u, &contacts(), Some(cursor), 512).await;
    assert_eq!(upserted(&changes).iter().map(|i| &i.record).collect::<Vec<_>>(), vec![&raj2]);

    // Delete; the listing reports the deletion, the item is in Deleted Items.
    let done = sim.backend.delete(&u, &contacts(), &[ids[0].clone()]).await.unwrap();
    assert!(done[0].is_ok());
    let (changes, _, _) = list_all(&sim, &u, &contacts(), Some(cursor), 512).await;
    assert_eq!(changes, vec![RemoteChange::Deleted { id: ids[0].id.clone() }]);
    assert_eq!(sim.names(ALICE, ObjectKind::Contacts), vec!["Rajesh"]);
    let in_bin = sim
        .server
        .with_mailbox(ALICE, |m| {
            m.items(&BaseFolderId::distinguished(DistinguishedFolderName::Deleteditems)).unwrap().len()
        })
        .unwrap();
    assert_eq!(in_bin, 1);

    // Bob's mailbox saw none of it.
    assert!(sim.items(BOB, ObjectKind::Contacts).is_empty());
    assert_eq!(sim.server.counters().anchor_mailbox_mismatches, 0);
}

#[tokio::test]
async fn listings_come_in_pages_and_read_items_in_batches() {
    let sim = Sim::start().await;
    let u = alice();
    let new: Vec<NewItem> =
        (0..7).map(|i| tagged(&format!("c{i}"), person(&format!("P{i}"), "X", &format!("p{i}@x.com")))).collect();
    // Written by another process: this backend has not seen their content, so it reads them.
    let other = exsync::backend::ews::EwsBackend::new(Sim::client(&sim.server));
    other.create(&u, &contacts(), &new).await.unwrap();
    let before = sim.calls("GetItem");
    let (changes, cursor, pages) = list_all(&sim, &u, &contacts(), None, 3).await;
    assert_eq!((changes.len(), pages), (7, 3));
    assert_eq!(sim.calls("SyncFolderItems"), 3);
    assert_eq!(sim.calls("GetItem") - before, 3, "one GetItem per page");
    let (again, _, _) = list_all(&sim, &u, &contacts(), Some(cursor), 3).await;
    assert!(again.is_empty());
    // More than 512 asked: Exchange's limit is used.
    let page = sim.backend.list_changes(&u, &contacts(), None, 10_000).await.unwrap();
    assert_eq!((page.changes.len(), page.more), (7, false));
}

#[tokio::test]
async fn more_than_a_hundred_items_go_in_batches_of_a_hundred() {
    let sim = Sim::start().await;
    let u = alice();
    let new: Vec<NewItem> =
        (0..130).map(|i| tagged(&format!("c{i}"), person(&format!("P{i:03}"), "X", &format!("p{i}@x.com")))).collect();
    let ids: Vec<RemoteId> =
        sim.backend.create(&u, &contacts(), &new).await.unwrap().into_iter().map(Result::unwrap).collect();
    assert_eq!(sim.calls("CreateItem"), 2);
    let read = sim.backend.read(&u, &contacts(), &ids.iter().map(|i| i.id.clone()).collect::<Vec<_>>()).await.unwrap();
    assert_eq!(sim.calls("GetItem"), 2);
    assert_eq!(read.len(), 130);
    assert_eq!(read[129].as_ref().unwrap().record, new[129].record);
    let done = sim.backend.delete(&u, &contacts(), &ids).await.unwrap();
    assert!(done.iter().all(Result::is_ok));
    assert_eq!(sim.calls("DeleteItem"), 2);
    assert!(sim.items(ALICE, ObjectKind::Contacts).is_empty());
}

#[tokio::test]
async fn an_update_based_on_an_old_change_key_is_stale_and_writes_nothing() {
    let sim = Sim::start().await;
    let u = alice();
    let ann = person("Ann", "Lee", "ann@fabrikam.com");
    let id = sim.backend.create(&u, &contacts(), &[tagged("crm-1", ann.clone())]).await.unwrap().remove(0).unwrap();
    let outlook = renamed(&ann, "Annie");
    sim.outlook_edit(ALICE, &id.id, &outlook);
    let change =
        ItemChange { id: id.clone(), base: Some(ann.clone()), record: renamed(&ann, "Anna"), tag: AppId::new("crm-1") };
    let r = sim.backend.update(&u, &contacts(), &[change]).await.unwrap();
    assert!(matches!(&r[0], Err(BackendError::StaleChangeKey { item, .. }) if *item == id.id), "{r:?}");
    assert_eq!(sim.records(ALICE, ObjectKind::Contacts), vec![outlook]);
}

#[tokio::test]
async fn an_update_without_base_reads_the_item_and_keeps_what_exsync_does_not_model() {
    let sim = Sim::start().await;
    let u = alice();
    let ann = person("Ann", "Lee", "ann@fabrikam.com");
    let id = sim.outlook_create(ALICE, &ann);
    sim.server
        .side_door(ALICE, |door| {
            door.change(&id, |item| {
                if let Item::Contact(c) = item {
                    c.manager = Some("Dana".into());
                }
            })
        })
        .unwrap();
    let anna = renamed(&ann, "Anna");
    let change = ItemChange {
        id: RemoteId { id: id.id.clone(), change_key: None },
        base: None,
        record: anna.clone(),
        tag: AppId::new("crm-9"),
    };
    let r = sim.backend.update(&u, &contacts(), &[change]).await.unwrap();
    assert!(r[0].is_ok(), "{r:?}");
    assert_eq!(sim.calls("GetItem"), 1, "read first");
    let stored = sim.items(ALICE, ObjectKind::Contacts);
    assert_eq!((&stored[0].1, stored[0].2.as_ref()), (&anna, Some(&AppId::new("crm-9"))), "renamed and tagged");
    let manager = sim
        .server
        .with_mailbox(ALICE, |m| match m.item(&id).unwrap() {
            Item::Contact(c) => c.manager.clone(),
            _ => None,
        })
        .unwrap();
    assert_eq!(manager.as_deref(), Some("Dana"));
}

#[tokio::test]
async fn items_gone_are_not_found_for_each_call() {
    let sim = Sim::start().await;
    let u = alice();
    let ann = person("Ann", "Lee", "ann@fabrikam.com");
    let keep = sim.backend.create(&u, &contacts(), &[tagged("k", ann.clone())]).await.unwrap().remove(0).unwrap();
    let id = sim.backend.create(&u, &contacts(), &[tagged("a", ann.clone())]).await.unwrap().remove(0).unwrap();
    sim.outlook_delete(ALICE, &id.id);
    let read = sim.backend.read(&u, &contacts(), &[id.id.clone(), keep.id.clone()]).await.unwrap();
    assert!(matches!(read[0], Err(BackendError::NotFound { .. })));
    assert!(read[1].is_ok(), "the other item of the batch is read");
    let change =
        ItemChange { id: id.clone(), base: Some(ann.clone()), record: renamed(&ann, "B"), tag: AppId::new("a") };
    let upd = sim.backend.update(&u, &contacts(), &[change]).await.unwrap();
    assert!(matches!(upd[0], Err(BackendError::NotFound { .. })), "{upd:?}");
    let del = sim.backend.delete(&u, &contacts(), &[id]).await.unwrap();
    assert!(matches!(del[0], Err(BackendError::NotFound { .. })), "{del:?}");
}

#[tokio::test]
async fn a_forgotten_sync_state_is_an_invalid_cursor() {
    let sim = Sim::start().await;
    let u = alice();
    let (_, cursor, _) = list_all(&sim, &u, &contacts(), None, 10).await;
    sim.server.faults().inject(Fault::invalid_sync_state());
    let r = sim.backend.list_changes(&u, &contacts(), Some(&cursor), 10).await;
    assert!(matches!(r, Err(BackendError::InvalidCursor { kind: ObjectKind::Contacts, .. })), "{r:?}");
    assert!(sim.backend.list_changes(&u, &contacts(), Some(&cursor), 10).await.is_ok(), "a one-off");
    let garbage = Cursor("bm90IGEgc3RhdGU=".into());
    let r = sim.backend.list_changes(&u, &contacts(), Some(&garbage), 10).await;
    assert!(matches!(r, Err(BackendError::InvalidCursor { .. })), "{r:?}");
}

#[tokio::test]
async fn a_lost_create_answer_is_ambiguous_and_the_item_is_found_by_its_tag() {
    let sim = Sim::start().await;
    let u = alice();
    let ann = person("Ann", "Lee", "ann@fabrikam.com");
    sim.server.faults().inject(Fault::lose_response().on_operation("CreateItem"));
    let r = sim.backend.create(&u, &contacts(), &[tagged("crm-7", ann.clone())]).await.unwrap();
    assert!(matches!(r[0], Err(BackendError::Ambiguous { .. })), "{r:?}");
    assert_eq!(sim.calls("CreateItem"), 1, "not repeated");
    let found = sim.backend.find_by_tag(&u, &contacts(), &AppId::new("crm-7")).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!((&found[0].record, found[0].tag.as_ref()), (&ann, Some(&AppId::new("crm-7"))));
    assert!(sim.backend.find_by_tag(&u, &contacts(), &AppId::new("crm-8")).await.unwrap().is_empty());
    // In another folder, the tag finds nothing.
    assert!(sim.backend.find_by_tag(&u, &events(), &AppId::new("crm-7")).await.unwrap().is_empty());
}

#[tokio::test]
async fn throttling_and_busy_gateways_are_retried_by_the_transport() {
    let sim = Sim::start().await;
    let u = alice();
    let faults = sim.server.faults();
    faults.inject(Fault::server_busy(std::time::Duration::from_millis(5)).on_operation("CreateItem").times(2));
    faults.inject(Fault::http_status(503, None).on_operation("SyncFolderItems").times(2));
    let r = sim.backend.create(&u, &contacts(), &[tagged("a", person("A", "B", "a@b.com"))]).await.unwrap();
    assert!(r[0].is_ok());
    let page = sim.backend.list_changes(&u, &contacts(), None, 10).await.unwrap();
    assert_eq!(page.changes.len(), 1);
    assert_eq!(sim.calls("CreateItem"), 3);
    assert_eq!(sim.calls("SyncFolderItems"), 3);
    assert_eq!(sim.items(ALICE, ObjectKind::Contacts).len(), 1, "a refused attempt created nothing");
    // Throttled past the retry budget: a passing failure.
    faults.inject(Fault::server_busy(std::time::Duration::from_millis(1)).on_operation("GetItem").always());
    let r = sim.backend.read(&u, &contacts(), &[page.changes[0].item_id().to_owned()]).await;
    assert!(matches!(r, Err(BackendError::Transient { .. })), "{r:?}");
}

#[tokio::test]
async fn exchange_refusals_keep_their_code() {
    let sim = Sim::start().await;
    let u = alice();
    let calendar = sim.server.with_mailbox(ALICE, |m| m.folder_id(DistinguishedFolderName::Calendar)).unwrap().unwrap();
    let wrong = FolderScope { kind: ObjectKind::Contacts, contacts_folder: ContactsFolder::Id(calendar.id) };
    let r = sim.backend.create(&u, &wrong, &[tagged("a", person("A", "B", "a@b.com"))]).await.unwrap();
    let e = r[0].as_ref().unwrap_err();
    assert_eq!(e.ews_code(), Some(&ResponseCode::ErrorCannotCreateContactInNonContactFolder), "{e}");
    assert!(e.to_string().contains("ErrorCannotCreateContactInNonContactFolder"), "{e}");

    // Refused before sending: four addresses, an event in the contacts folder.
    let too_many =
        Contact { emails: (0..4).map(|i| format!("a{i}@b.com").as_str().into()).collect(), ..Contact::default() };
    let before = sim.calls("CreateItem");
    let r = sim
        .backend
        .create(&u, &contacts(), &[tagged("x", Record::from(too_many)), tagged("y", meeting("M", 1, 9))])
        .await
        .unwrap();
    assert!(r.iter().all(|x| matches!(x, Err(BackendError::Rejected { .. }))), "{r:?}");
    assert_eq!(sim.calls("CreateItem"), before, "nothing sent");

    // A mailbox that does not exist.
    let r = sim.backend.list_changes(&UserId::new("nobody@contoso.com"), &contacts(), None, 10).await;
    assert!(matches!(r, Err(BackendError::Denied { .. })), "{r:?}");
}

#[tokio::test]
async fn a_contacts_folder_chosen_by_name() {
    let sim = Sim::start().await;
    let u = alice();
    let parent = BaseFolderId::distinguished(DistinguishedFolderName::Contacts);
    Sim::client(&sim.server).call(ALICE, CreateFolder::contacts_folder(parent, "Clients")).await.unwrap();
    let clients = FolderScope { kind: ObjectKind::Contacts, contacts_folder: ContactsFolder::Named("Clients".into()) };
    sim.backend.create(&u, &clients, &[tagged("a", person("A", "B", "a@b.com"))]).await.unwrap();
    sim.backend.create(&u, &clients, &[tagged("b", person("C", "D", "c@d.com"))]).await.unwrap();
    assert_eq!(sim.calls("FindFolder"), 1, "looked up once");
    assert!(sim.items(ALICE, ObjectKind::Contacts).is_empty(), "not in the default folder");
    let page = sim.backend.list_changes(&u, &clients, None, 10).await.unwrap();
    assert_eq!(page.changes.len(), 2);
    assert_eq!(sim.backend.find_by_tag(&u, &clients, &AppId::new("b")).await.unwrap().len(), 1);
    let missing = FolderScope { kind: ObjectKind::Contacts, contacts_folder: ContactsFolder::Named("Nope".into()) };
    let e = sim.backend.list_changes(&u, &missing, None, 10).await.unwrap_err();
    assert_eq!(e.ews_code(), Some(&ResponseCode::ErrorFolderNotFound), "{e}");
}

#[tokio::test]
async fn events_keep_time_zones_attendees_and_series() {
    let sim = Sim::start().await;
    let u = alice();
    let Record::Event(base) = meeting("Planning", 3, 10) else { unreachable!() };
    let series = Event {
        attendees: vec![Attendee::new("bob@contoso.com", AttendeeRole::Required)],
        sensitivity: Sensitivity::Private,
        reminder_minutes: Some(30),
        recurrence: Some(Recurrence {
            rule: RecurrenceRule::Weekly { interval: 1, days: vec![Weekday::Thursday], week_starts: None },
            starts_on: base.start.date_naive(),
            ends: RecurrenceEnd::Count(10),
            exceptions: vec![],
        }),
        ..(*base).clone()
    };
    let id = sim.backend.create(&u, &events(), &[tagged("ev-1", Record::from(series.clone()))]).await.unwrap();
    let id = id[0].clone().unwrap();
    let read = sim.backend.read(&u, &events(), std::slice::from_ref(&id.id)).await.unwrap().remove(0).unwrap();
    assert_eq!(read.record, Record::from(series.clone()).normalized());
    assert_eq!(sim.records(ALICE, ObjectKind::Events), vec![Record::from(series.clone()).normalized()]);

    // A series is created, then its exceptions written; the simulator expands only UTC series, so
    // this one's exception fails and the create is ambiguous (the engine finds the series by its
    // tag); the batch goes on.
    let mut moved = series.clone();
    let first = base.start + Duration::days(0);
    moved.recurrence.as_mut().unwrap().exceptions =
        vec![OccurrenceException::Cancelled { original_start: first + Duration::days(7) }];
    let r = sim
        .backend
        .create(&u, &events(), &[tagged("ev-2", Record::from(moved.clone())), tagged("ev-3", meeting("Other", 2, 9))])
        .await
        .unwrap();
    assert!(matches!(&r[0], Err(BackendError::Ambiguous { detail, .. }) if detail.contains("exceptions")), "{r:?}");
    assert!(r[1].is_ok());
    let change = ItemChange {
        id: id.clone(),
        base: Some(Record::from(series.clone())),
        record: Record::from(moved),
        tag: AppId::new("ev-1"),
    };
    // An update writes them (tests/sync_sim_occurrences.rs), but the simulator expands only UTC
    // series: this one's occurrence is refused with Exchange's code, not as unsupported.
    let r = sim.backend.update(&u, &events(), &[change]).await.unwrap();
    assert!(
        matches!(&r[0], Err(e @ BackendError::Exchange { .. }) if e.ews_code() == Some(&ResponseCode::ErrorInvalidOperation)),
        "{r:?}"
    );

    // An all-day event on its own dates.
    let day = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc();
    let all_day = Event {
        subject: Some("Offsite".into()),
        start: day,
        end: day + Duration::days(1),
        all_day: true,
        ..Event::default()
    };
    let r = sim.backend.create(&u, &events(), &[tagged("ev-4", Record::from(all_day.clone()))]).await.unwrap();
    let got = sim.backend.read(&u, &events(), &[r[0].clone().unwrap().id]).await.unwrap().remove(0).unwrap();
    assert_eq!(got.record, Record::from(all_day).normalized());
}

#[tokio::test]
async fn items_of_other_kinds_in_the_folder_are_left_out() {
    let sim = Sim::start().await;
    let u = alice();
    sim.server
        .side_door(ALICE, |door| {
            let mut list = exsync::ews::OtherItem { element: "DistributionList".into(), item: Default::default() };
            list.item.subject = Some("Team".into());
            door.create(&folder(ObjectKind::Contacts), Item::Other(Box::new(list)))
        })
        .unwrap();
    sim.outlook_create(ALICE, &person("Ann", "Lee", "ann@x.com"));
    let page = sim.backend.list_changes(&u, &contacts(), None, 10).await.unwrap();
    assert_eq!(page.changes.len(), 1);
}

#[tokio::test]
async fn the_tag_of_another_property_set_is_not_exsyncs() {
    let sim = Sim::start().await;
    let u = alice();
    let id = sim.outlook_create(ALICE, &person("Ann", "Lee", "ann@x.com"));
    sim.server
        .side_door(ALICE, |door| {
            door.change(&id, |item| {
                item.base_mut().extended_properties.push(ExtendedProperty {
                    field: ExtendedFieldUri::named_string("11111111-2222-3333-4444-555555555555", "exsync-app-id"),
                    value: ExtendedValue::Single("crm-1".into()),
                })
            })
        })
        .unwrap();
    assert!(sim.backend.find_by_tag(&u, &contacts(), &AppId::new("crm-1")).await.unwrap().is_empty());
    let page = sim.backend.list_changes(&u, &contacts(), None, 10).await.unwrap();
    assert!(matches!(&page.changes[0], RemoteChange::Upserted(i) if i.tag.is_none()));
}

/// The smallest use of the engine over EWS: both ways, one change each.
#[tokio::test]
async fn the_engine_syncs_contacts_both_ways_over_ews() {
    let sim = Sim::start().await;
    let engine = sim.engine(MemoryStore::new());
    let u = alice();
    engine.enrol(&u, &UserSettings::default()).unwrap();
    let mut app = App::default();
    app.create(&engine, &u, person("Ann", "Lee", "ann@x.com"), sim.now());
    sim.outlook_create(ALICE, &person("Raj", "Patel", "raj@x.com"));
    let r = engine.sync(&u, ObjectKind::Contacts).await.unwrap();
    assert_eq!((r.created, r.delivered), (1, 1), "{r:?}");
    app.apply(&engine, &u);
    assert_eq!(app.names(ObjectKind::Contacts), vec!["Ann", "Raj"]);
    assert_eq!(sim.names(ALICE, ObjectKind::Contacts), vec!["Ann", "Raj"]);
    let writes = sim.writes();
    let r = engine.sync(&u, ObjectKind::Contacts).await.unwrap();
    assert_eq!((r.created, r.updated, r.deleted, r.delivered), (0, 0, 0, 0), "{r:?}");
    assert_eq!(sim.writes(), writes, "a sync with no changes writes nothing");
}

#[tokio::test]
async fn exceptions_made_in_outlook_are_read_and_kept_by_updates() {
    let sim = Sim::start().await;
    let u = alice();
    let Record::Event(base) = meeting("Standup", 1, 9) else { unreachable!() };
    let series = Event {
        recurrence: Some(Recurrence {
            rule: RecurrenceRule::Daily { interval: 1 },
            starts_on: base.start.date_naive(),
            ends: RecurrenceEnd::Count(5),
            exceptions: vec![],
        }),
        ..(*base).clone()
    };
    let id = sim.outlook_create(ALICE, &Record::from(series.clone()));
    // In Outlook, the third occurrence is cancelled.
    let third = series.start + Duration::days(2);
    sim.server
        .side_door(ALICE, |door| {
            door.change(&id, |item| {
                if let Item::CalendarItem(c) = item {
                    c.deleted_occurrences =
                        vec![exsync::ews::DeletedOccurrence { start: exsync::ews::EwsDateTime::utc(third) }];
                }
            })
        })
        .unwrap();
    let page = sim.backend.list_changes(&u, &events(), None, 10).await.unwrap();
    let [RemoteChange::Upserted(item)] = &page.changes[..] else { panic!("{page:?}") };
    let exceptions = &item.record.as_event().unwrap().recurrence.as_ref().unwrap().exceptions;
    assert_eq!(exceptions, &vec![OccurrenceException::Cancelled { original_start: third }]);

    // The application renames the series, keeping the exception: only the subject changes.
    let mut renamed = item.record.as_event().unwrap().clone();
    renamed.subject = Some("Daily standup".into());
    let change = ItemChange {
        id: item.id.clone(),
        base: Some(item.record.clone()),
        record: Record::from(renamed.clone()),
        tag: AppId::new("ev-1"),
    };
    let r = sim.backend.update(&u, &events(), &[change]).await.unwrap();
    assert!(r[0].is_ok(), "{r:?}");
    assert_eq!(sim.records(ALICE, ObjectKind::Events), vec![Record::from(renamed).normalized()]);
}
