//! Exceptions of recurring series in the simulator, over HTTP: `UpdateItem` and `DeleteItem` on an
//! occurrence (by `OccurrenceItemId` or by the occurrence's own id) make modified and deleted
//! occurrences, which the master, `GetItem`, `CalendarView` and `SyncFolderItems` reflect.

mod sim_client;

use exsync::ews::*;
use sim_client::{Client, as_user, message, org, svc};

const ALICE: &str = "alice@contoso.com";

fn calendar() -> BaseFolderId {
    BaseFolderId::distinguished(DistinguishedFolderName::Calendar)
}

/// A daily series of five half-hour meetings at 09:00 UTC from 2027-03-01.
fn series() -> Item {
    let mut e = CalendarItem {
        start: EwsDateTime::parse("2027-03-01T09:00:00Z"),
        end: EwsDateTime::parse("2027-03-01T09:30:00Z"),
        start_time_zone: Some(TimeZoneDefinition::by_id("UTC")),
        recurrence: Some(Recurrence {
            pattern: RecurrencePattern::Daily { interval: 1 },
            range: RecurrenceRange::Numbered {
                start_date: EwsDate::parse("2027-03-01").unwrap(),
                number_of_occurrences: 5,
            },
        }),
        ..CalendarItem::default()
    };
    e.item.subject = Some("Standup".into());
    Item::CalendarItem(Box::new(e))
}

fn set(uri: &str, edit: impl FnOnce(&mut CalendarItem)) -> ItemUpdate {
    let mut c = CalendarItem::default();
    edit(&mut c);
    ItemUpdate::set(PropertyPath::Field(FieldUri::new(uri)), Item::CalendarItem(Box::new(c)))
}

fn at(s: &str) -> Option<EwsDateTime> {
    EwsDateTime::parse(s)
}

fn nth(master: &ItemId, index: i32) -> BaseItemId {
    BaseItemId::Occurrence(OccurrenceItemId::new(master.id.clone(), index))
}

async fn get(c: &mut Client, id: BaseItemId) -> ResponseMessage<ItemInfoContent> {
    let op = GetItem::new(vec![id], ItemShape::new(BaseShape::AllProperties));
    let (_, r) = c.ews(&svc(), &as_user(ALICE, op)).await;
    message(r).messages.remove(0)
}

async fn get_calendar_item(c: &mut Client, id: BaseItemId) -> CalendarItem {
    let m = get(c, id).await;
    assert_eq!(m.status.code, ResponseCode::NoError, "{m:?}");
    match m.content.items.into_iter().next() {
        Some(Item::CalendarItem(e)) => *e,
        other => panic!("{other:?}"),
    }
}

async fn view(c: &mut Client) -> Vec<(String, String, Option<CalendarItemType>)> {
    let op = FindItem::calendar_view(
        calendar(),
        EwsDateTime::parse("2027-03-01T00:00:00Z").unwrap(),
        EwsDateTime::parse("2027-03-10T00:00:00Z").unwrap(),
        ItemShape::new(BaseShape::AllProperties),
    );
    let (_, r) = c.ews(&svc(), &as_user(ALICE, op)).await;
    message(r)
        .items()
        .map(|i| match i {
            Item::CalendarItem(e) => {
                (e.item.subject.clone().unwrap_or_default(), e.start.unwrap().to_string(), e.calendar_item_type)
            }
            other => panic!("{other:?}"),
        })
        .collect()
}

async fn sync(c: &mut Client, state: Option<String>) -> (Vec<SyncChange>, Option<String>) {
    let mut op = SyncFolderItems::new(calendar(), ItemShape::new(BaseShape::IdOnly));
    if let Some(s) = state {
        op = op.with_sync_state(s);
    }
    let (_, r) = c.ews(&svc(), &as_user(ALICE, op)).await;
    let m = message(r).messages.remove(0);
    (m.content.changes, m.content.sync_state)
}

#[tokio::test]
async fn moving_and_deleting_occurrences_makes_exceptions() {
    let server = org().start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let (_, r) = c.ews(&svc(), &as_user(ALICE, CreateItem::save_only(calendar(), vec![series()]))).await;
    let master = message(r).items().next().and_then(Item::id).cloned().unwrap();
    let (_, state) = sync(&mut c, None).await;

    // Move the 2nd occurrence to the afternoon and rename it, by OccurrenceItemId.
    let moved = vec![
        set("calendar:Start", |e| e.start = at("2027-03-02T15:00:00Z")),
        set("calendar:End", |e| e.end = at("2027-03-02T16:00:00Z")),
        set("item:Subject", |e| e.item.subject = Some("Standup (moved)".into())),
    ];
    let op = UpdateItem::save_only(ConflictResolution::AlwaysOverwrite, vec![ItemChange::new(nth(&master, 2), moved)]);
    let (_, r) = c.ews(&svc(), &as_user(ALICE, op)).await;
    let m = message(r).messages.remove(0);
    assert_eq!(m.status.code, ResponseCode::NoError, "{m:?}");
    let answered = m.content.items[0].id().cloned().unwrap();
    assert_ne!(answered.id, master.id, "the answer names the occurrence");

    // Delete the 4th by OccurrenceItemId.
    let op = DeleteItem::new(vec![nth(&master, 4)], DeleteType::MoveToDeletedItems);
    let (_, r) = c.ews(&svc(), &as_user(ALICE, op)).await;
    assert_eq!(message(r).messages[0].status.code, ResponseCode::NoError);

    // The master lists both exceptions, and its change key moved on.
    let m = get_calendar_item(&mut c, BaseItemId::Item(ItemId::new(master.id.clone()))).await;
    assert_ne!(m.item.item_id.as_ref().unwrap().change_key, master.change_key);
    assert_eq!(m.modified_occurrences.len(), 1);
    let mo = &m.modified_occurrences[0];
    assert_eq!(
        (mo.start.to_string(), mo.end.to_string(), mo.original_start.to_string()),
        ("2027-03-02T15:00:00Z".to_owned(), "2027-03-02T16:00:00Z".to_owned(), "2027-03-02T09:00:00Z".to_owned())
    );
    assert_eq!(mo.item_id.id, answered.id);
    assert_eq!(m.deleted_occurrences.iter().map(|d| d.start.to_string()).collect::<Vec<_>>(), ["2027-03-04T09:00:00Z"]);
    assert_eq!(m.item.subject.as_deref(), Some("Standup"), "the series keeps its subject");

    // The exception reads by its own id and by OccurrenceItemId alike.
    let x = get_calendar_item(&mut c, BaseItemId::Item(ItemId::new(mo.item_id.id.clone()))).await;
    assert_eq!(x.calendar_item_type, Some(CalendarItemType::Exception));
    assert_eq!((x.item.subject.as_deref(), x.original_start), (Some("Standup (moved)"), at("2027-03-02T09:00:00Z")));
    assert_eq!(get_calendar_item(&mut c, nth(&master, 2)).await, x);
    let gone = get(&mut c, nth(&master, 4)).await;
    assert_eq!(gone.status.code, ResponseCode::ErrorCalendarOccurrenceIsDeletedFromRecurrence);
    let out = get(&mut c, nth(&master, 6)).await;
    assert_eq!(out.status.code, ResponseCode::ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange);
    let zero = get(&mut c, nth(&master, 0)).await;
    assert_eq!(zero.status.code, ResponseCode::ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange);
    // RecurringMasterItemId leads from an occurrence back to its series.
    let back = RecurringMasterItemId { occurrence_id: mo.item_id.id.clone(), change_key: None };
    let s = get_calendar_item(&mut c, BaseItemId::RecurringMaster(back)).await;
    assert_eq!(s.item.item_id.as_ref().map(|i| &i.id), Some(&master.id));

    // The calendar view shows the moved one where it is now and leaves the deleted one out.
    let row = |s: &str, t: &str, k| (s.to_owned(), t.to_owned(), Some(k));
    assert_eq!(
        view(&mut c).await,
        [
            row("Standup", "2027-03-01T09:00:00Z", CalendarItemType::Occurrence),
            row("Standup (moved)", "2027-03-02T15:00:00Z", CalendarItemType::Exception),
            row("Standup", "2027-03-03T09:00:00Z", CalendarItemType::Occurrence),
            row("Standup", "2027-03-05T09:00:00Z", CalendarItemType::Occurrence),
        ]
    );

    // A sync reports the master as updated, once.
    let (changes, state) = sync(&mut c, state).await;
    match &changes[..] {
        [SyncChange::Update(i)] => assert_eq!(i.id().map(|i| &i.id), Some(&master.id)),
        other => panic!("{other:?}"),
    }
    assert!(sync(&mut c, state).await.0.is_empty());
}

#[tokio::test]
async fn occurrence_ids_from_the_view_edit_too_and_series_changes_drop_exceptions() {
    let server = org().start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let (_, r) = c.ews(&svc(), &as_user(ALICE, CreateItem::save_only(calendar(), vec![series()]))).await;
    let master = message(r).items().next().and_then(Item::id).cloned().unwrap();

    // The 3rd occurrence by the id a CalendarView handed out: a stale change key is refused
    // with NeverOverwrite, a current one (the master's) goes through.
    let op = FindItem::calendar_view(
        calendar(),
        EwsDateTime::parse("2027-03-03T00:00:00Z").unwrap(),
        EwsDateTime::parse("2027-03-04T00:00:00Z").unwrap(),
        ItemShape::new(BaseShape::IdOnly),
    );
    let (_, r) = c.ews(&svc(), &as_user(ALICE, op)).await;
    let third = message(r).items().next().and_then(Item::id).cloned().unwrap();
    let rename = || vec![set("item:Subject", |e| e.item.subject = Some("Third".into()))];
    let op = UpdateItem::save_only(
        ConflictResolution::NeverOverwrite,
        vec![ItemChange::new(BaseItemId::Item(third.clone()), rename())],
    );
    let (_, r) = c.ews(&svc(), &as_user(ALICE, op.clone())).await;
    assert_eq!(message(r).messages[0].status.code, ResponseCode::NoError);
    let (_, r) = c.ews(&svc(), &as_user(ALICE, op)).await;
    assert_eq!(message(r).messages[0].status.code, ResponseCode::ErrorIrresolvableConflict);
    let x = get_calendar_item(&mut c, nth(&master, 3)).await;
    assert_eq!(
        (x.item.subject.as_deref(), x.start, x.calendar_item_type),
        (Some("Third"), at("2027-03-03T09:00:00Z"), Some(CalendarItemType::Exception))
    );

    // An occurrence may not end before it starts, nor get a recurrence; nothing is kept.
    let backwards = vec![set("calendar:End", |e| e.end = at("2027-03-05T08:00:00Z"))];
    let op =
        UpdateItem::save_only(ConflictResolution::AlwaysOverwrite, vec![ItemChange::new(nth(&master, 5), backwards)]);
    let (_, r) = c.ews(&svc(), &as_user(ALICE, op)).await;
    assert_eq!(message(r).messages[0].status.code, ResponseCode::ErrorCalendarEndDateIsEarlierThanStartDate);
    let plain = get_calendar_item(&mut c, nth(&master, 5)).await;
    assert_eq!(plain.calendar_item_type, Some(CalendarItemType::Occurrence));

    // A single item has no occurrences.
    let mut single =
        CalendarItem { start: at("2027-03-01T12:00:00Z"), end: at("2027-03-01T13:00:00Z"), ..CalendarItem::default() };
    single.item.subject = Some("Lunch".into());
    let (_, r) = c
        .ews(&svc(), &as_user(ALICE, CreateItem::save_only(calendar(), vec![Item::CalendarItem(Box::new(single))])))
        .await;
    let lunch = message(r).items().next().and_then(Item::id).cloned().unwrap();
    let op = DeleteItem::new(vec![nth(&lunch, 1)], DeleteType::HardDelete);
    let (_, r) = c.ews(&svc(), &as_user(ALICE, op)).await;
    assert_eq!(message(r).messages[0].status.code, ResponseCode::ErrorCalendarCannotUseIdForRecurringMasterId);

    // Moving the series drops its exceptions, as Exchange does.
    let later = vec![
        set("calendar:Start", |e| e.start = at("2027-03-01T10:00:00Z")),
        set("calendar:End", |e| e.end = at("2027-03-01T10:30:00Z")),
    ];
    let op = UpdateItem::save_only(
        ConflictResolution::AlwaysOverwrite,
        vec![ItemChange::new(BaseItemId::Item(ItemId::new(master.id.clone())), later)],
    );
    let (_, r) = c.ews(&svc(), &as_user(ALICE, op)).await;
    assert_eq!(message(r).messages[0].status.code, ResponseCode::NoError);
    let m = get_calendar_item(&mut c, BaseItemId::Item(ItemId::new(master.id.clone()))).await;
    assert!(m.modified_occurrences.is_empty());
    let x = get_calendar_item(&mut c, nth(&master, 3)).await;
    assert_eq!((x.item.subject.as_deref(), x.start), (Some("Standup"), at("2027-03-03T10:00:00Z")));
}
