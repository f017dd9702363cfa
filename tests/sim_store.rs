#![cfg(feature = "sim")]
//! The simulator's mailbox store through its public API: Exchange's semantics for sync, updates,
//! deletes, folders and FindItem, and property tests that a syncing client converges and that the
//! store keeps what the `ews` types hold.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use exsync::ews::calendar_field;
use exsync::ews::{
    Attendee, BaseFolderId, Body, CalendarItem, CalendarItemType, ComparisonOperator, ConflictResolution, Contact,
    DeleteType, DistinguishedFolderName, EwsDate, EwsDateTime, ExtendedFieldUri, ExtendedProperty, ExtendedValue,
    Folder, FolderId, IndexBasePoint, IndexedPageView, Item, ItemBase, ItemId, ItemUpdate, MaxChangesReturned,
    PropertyPath, Recurrence, RecurrencePattern, RecurrenceRange, ResponseCode, ResponseType, Restriction,
    SearchExpression, SyncChange, apply_contact_update, contact_updates,
};
use exsync::sim::{MailboxStore, ManualClock, Store, StoreError, SyncPage};
use proptest::prelude::*;

mod common;

const ALICE: &str = "alice@contoso.com";
const BOB: &str = "bob@contoso.com";

fn store() -> Store {
    let clock = ManualClock::stepping(Utc.with_ymd_and_hms(2025, 6, 2, 9, 0, 0).unwrap(), Duration::seconds(1));
    let mut s = Store::new(0x5eed, Arc::new(clock));
    s.add_mailbox(ALICE, "Alice Wong").unwrap();
    s.add_mailbox(BOB, "Bob Stone").unwrap();
    s
}

fn alice(s: &mut Store) -> &mut MailboxStore {
    s.mailbox_mut(ALICE).unwrap()
}

fn well_known(name: DistinguishedFolderName) -> BaseFolderId {
    BaseFolderId::distinguished(name)
}

fn contacts() -> BaseFolderId {
    well_known(DistinguishedFolderName::Contacts)
}

fn folder(id: &FolderId) -> BaseFolderId {
    BaseFolderId::Folder(id.clone())
}

fn id_of(f: &Folder) -> BaseFolderId {
    folder(f.id().unwrap())
}

fn tag_field() -> ExtendedFieldUri {
    ExtendedFieldUri::named_string("c11ff724-aa03-4555-9952-8fa248a11c3e", "exsync-record")
}

fn contact(name: &str) -> Item {
    Item::Contact(Box::new(Contact { display_name: Some(name.into()), ..Contact::default() }))
}

fn tagged(name: &str, tag: &str) -> Item {
    let mut item = contact(name);
    item.base_mut()
        .extended_properties
        .push(ExtendedProperty { field: tag_field(), value: ExtendedValue::Single(tag.into()) });
    item
}

fn display_name(item: &Item) -> Option<&str> {
    match item {
        Item::Contact(c) => c.display_name.as_deref(),
        _ => None,
    }
}

fn rename(to: &str) -> ItemUpdate {
    ItemUpdate::set(PropertyPath::field("contacts:DisplayName"), contact(to))
}

fn max(n: u32) -> MaxChangesReturned {
    MaxChangesReturned::new(i64::from(n)).unwrap()
}

fn sync(m: &MailboxStore, f: &BaseFolderId, state: Option<&str>, n: u32) -> SyncPage {
    m.changes_since(f, state, max(n), &[]).unwrap()
}

/// Syncs until `IncludesLastItemInRange`; all changes and the final state.
fn sync_all(m: &MailboxStore, f: &BaseFolderId, state: Option<&str>, n: u32) -> (Vec<SyncChange>, String) {
    let mut state = state.map(str::to_owned);
    let mut all = Vec::new();
    loop {
        let page = sync(m, f, state.as_deref(), n);
        assert!(page.changes.len() <= n as usize);
        all.extend(page.changes);
        state = Some(page.sync_state);
        if page.includes_last_item_in_range {
            return (all, state.unwrap());
        }
    }
}

fn kinds(changes: &[SyncChange]) -> Vec<(&'static str, String)> {
    changes
        .iter()
        .map(|c| {
            let kind = match c {
                SyncChange::Create(_) => "create",
                SyncChange::Update(_) => "update",
                SyncChange::Delete(_) => "delete",
                SyncChange::ReadFlagChange { .. } => "read flag",
            };
            (kind, c.item_id().unwrap().id.clone())
        })
        .collect()
}

fn code(e: StoreError) -> ResponseCode {
    e.response_code()
}

#[test]
fn empty_state_returns_everything_present_as_create() {
    let mut s = store();
    let m = alice(&mut s);
    let a = m.create_item(&contacts(), contact("A")).unwrap();
    let b = m.create_item(&contacts(), contact("B")).unwrap();
    let gone = m.create_item(&contacts(), contact("C")).unwrap();
    m.delete_item(&gone, DeleteType::HardDelete).unwrap();
    for state in [None, Some("")] {
        let page = sync(m, &contacts(), state, 512);
        assert!(page.includes_last_item_in_range);
        assert_eq!(kinds(&page.changes), vec![("create", a.id.clone()), ("create", b.id.clone())]);
        // Items come as they are now, with their current change keys.
        assert_eq!(page.changes[0].item_id(), Some(&a));
    }
}

#[test]
fn changes_collapse_per_item() {
    let mut s = store();
    let m = alice(&mut s);
    let kept = m.create_item(&contacts(), contact("kept")).unwrap();
    let doomed = m.create_item(&contacts(), contact("doomed")).unwrap();
    let state = sync(m, &contacts(), None, 512).sync_state;

    // Created, then changed twice: one Create with the latest content.
    let fresh = m.create_item(&contacts(), contact("v1")).unwrap();
    let fresh = m.update_item(&fresh, &[rename("v2")], ConflictResolution::AutoResolve).unwrap().item_id;
    let fresh = m.side_door().change(&fresh, |i| i.base_mut().subject = Some("s".into())).unwrap();
    // Created, then deleted: nothing.
    let flash = m.create_item(&contacts(), contact("flash")).unwrap();
    m.delete_item(&flash, DeleteType::HardDelete).unwrap();
    // Known, changed three times: one Update.
    let mut k = kept.clone();
    for n in 0..3 {
        k = m.update_item(&k, &[rename(&format!("kept {n}"))], ConflictResolution::AutoResolve).unwrap().item_id;
    }
    // Known, changed then deleted: one Delete.
    let d = m.update_item(&doomed, &[rename("x")], ConflictResolution::AutoResolve).unwrap().item_id;
    m.delete_item(&d, DeleteType::HardDelete).unwrap();

    let page = sync(m, &contacts(), Some(&state), 512);
    assert!(page.includes_last_item_in_range);
    let got = kinds(&page.changes);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got.contains(&("create", fresh.id.clone())));
    assert!(got.contains(&("update", kept.id.clone())));
    assert!(got.contains(&("delete", doomed.id.clone())));
    for c in &page.changes {
        match c {
            SyncChange::Create(i) => {
                assert_eq!(display_name(i), Some("v2"));
                assert_eq!(i.id(), Some(&fresh));
            }
            SyncChange::Update(i) => {
                assert_eq!(display_name(i), Some("kept 2"));
                assert_eq!(i.id(), Some(&k));
            }
            SyncChange::Delete(id) => assert_eq!(id.change_key, None),
            SyncChange::ReadFlagChange { .. } => panic!("the store has no read flags"),
        }
    }
    // And nothing after that.
    let after = sync(m, &contacts(), Some(&page.sync_state), 512);
    assert!(after.changes.is_empty() && after.includes_last_item_in_range);
}

#[test]
fn max_changes_returned_pages_the_changes() {
    let mut s = store();
    let m = alice(&mut s);
    let ids: Vec<ItemId> = (0..25).map(|n| m.create_item(&contacts(), contact(&format!("c{n}"))).unwrap()).collect();
    let p1 = sync(m, &contacts(), None, 10);
    let p2 = sync(m, &contacts(), Some(&p1.sync_state), 10);
    let p3 = sync(m, &contacts(), Some(&p2.sync_state), 10);
    assert_eq!((p1.changes.len(), p2.changes.len(), p3.changes.len()), (10, 10, 5));
    assert_eq!(
        (p1.includes_last_item_in_range, p2.includes_last_item_in_range, p3.includes_last_item_in_range),
        (false, false, true)
    );
    let got: Vec<String> =
        [p1, p2, p3].iter().flat_map(|p| p.changes.iter().map(|c| c.item_id().unwrap().id.clone())).collect();
    assert_eq!(got, ids.iter().map(|i| i.id.clone()).collect::<Vec<_>>());
}

#[test]
fn paging_while_items_change_does_not_repeat_or_lose_changes() {
    let mut s = store();
    let m = alice(&mut s);
    let ids: Vec<ItemId> = (0..6).map(|n| m.create_item(&contacts(), contact(&format!("c{n}"))).unwrap()).collect();
    let p1 = sync(m, &contacts(), None, 2);
    // The first item, already sent, changes; so does one not sent yet.
    m.side_door().change(&ids[0], |i| i.base_mut().subject = Some("later".into())).unwrap();
    m.side_door().change(&ids[4], |i| i.base_mut().subject = Some("later".into())).unwrap();
    let (rest, _) = sync_all(m, &contacts(), Some(&p1.sync_state), 2);
    let got = kinds(&rest);
    assert_eq!(got.iter().filter(|(k, _)| *k == "create").count(), 4, "{got:?}");
    assert!(got.contains(&("update", ids[0].id.clone())));
    assert_eq!(got.len(), 5, "{got:?}");
}

#[test]
fn an_older_state_replays() {
    let mut s = store();
    let m = alice(&mut s);
    let a = m.create_item(&contacts(), contact("A")).unwrap();
    let s1 = sync(m, &contacts(), None, 512).sync_state;
    let b = m.create_item(&contacts(), contact("B")).unwrap();
    m.delete_item(&a, DeleteType::MoveToDeletedItems).unwrap();
    let first = sync(m, &contacts(), Some(&s1), 512);
    // The client crashed before saving `first.sync_state`; meanwhile B changed.
    let b2 = m.update_item(&b, &[rename("B2")], ConflictResolution::NeverOverwrite).unwrap().item_id;
    let replay = sync(m, &contacts(), Some(&s1), 512);
    assert_eq!(kinds(&first.changes), vec![("create", b.id.clone()), ("delete", a.id.clone())]);
    assert_eq!(kinds(&replay.changes), vec![("create", b.id.clone()), ("delete", a.id.clone())]);
    assert_eq!(replay.changes[0].item_id(), Some(&b2));
    // The newer state still works too, and reports only B's change.
    let newer = sync(m, &contacts(), Some(&first.sync_state), 512);
    assert_eq!(kinds(&newer.changes), vec![("update", b.id.clone())]);
}

#[test]
fn corrupted_or_foreign_states_are_invalid_sync_state_data() {
    let mut s = store();
    let contacts_state = {
        let m = alice(&mut s);
        m.create_item(&contacts(), contact("A")).unwrap();
        m.create_item(&contacts(), contact("B")).unwrap();
        sync(m, &contacts(), None, 1).sync_state
    };
    let m = s.mailbox(ALICE).unwrap();
    let invalid = |state: &str, f: &BaseFolderId| {
        let e = m.changes_since(f, Some(state), max(10), &[]).unwrap_err();
        assert_eq!(e, StoreError::InvalidSyncState);
        assert_eq!(code(e), ResponseCode::ErrorInvalidSyncStateData);
    };
    // Any one character changed.
    for i in 0..contacts_state.len() {
        let mut chars: Vec<char> = contacts_state.chars().collect();
        if chars[i] == '=' {
            continue;
        }
        chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
        invalid(&chars.into_iter().collect::<String>(), &contacts());
    }
    // Truncated, garbage, another folder's.
    invalid(&contacts_state[..contacts_state.len() - 4], &contacts());
    invalid("H4sIAAAAAAAEAO29B2AcSZYlJi9tynt/SvVK1+B0", &contacts());
    invalid(&contacts_state, &well_known(DistinguishedFolderName::Calendar));
    // Bob's state for his own contacts folder.
    let bobs = sync(s.mailbox(BOB).unwrap(), &contacts(), None, 10).sync_state;
    invalid(&bobs, &contacts());
    // The same mailbox on a server with another seed.
    let mut other = Store::with_system_clock(1);
    other.add_mailbox(ALICE, "Alice").unwrap();
    let e = other.mailbox(ALICE).unwrap().changes_since(&contacts(), Some(&contacts_state), max(10), &[]);
    assert_eq!(e.unwrap_err(), StoreError::InvalidSyncState);
    // The real one is fine.
    assert!(m.changes_since(&contacts(), Some(&contacts_state), max(10), &[]).is_ok());
}

#[test]
fn stale_change_key_conflicts() {
    let mut s = store();
    let m = alice(&mut s);
    let v1 = m.create_item(&contacts(), contact("v1")).unwrap();
    // Someone else edits the name in Outlook.
    let v2 = m
        .side_door()
        .change(&v1, |i| {
            if let Item::Contact(c) = i {
                c.display_name = Some("outlook".into());
            }
        })
        .unwrap();
    assert_ne!(v1.change_key, v2.change_key);

    let e = m.update_item(&v1, &[rename("mine")], ConflictResolution::NeverOverwrite).unwrap_err();
    assert_eq!(code(e), ResponseCode::ErrorIrresolvableConflict);
    assert_eq!(display_name(m.item(&v1).unwrap()), Some("outlook"));
    assert_eq!(m.item(&v1).unwrap().id(), Some(&v2));

    let out = m.update_item(&v1, &[rename("auto")], ConflictResolution::AutoResolve).unwrap();
    assert_eq!(out.conflicts, 1);
    assert_eq!(display_name(m.item(&v1).unwrap()), Some("auto"));
    let subject = ItemUpdate::set(
        PropertyPath::field("item:Subject"),
        Item::Contact(Box::new(Contact {
            item: ItemBase { subject: Some("s".into()), ..ItemBase::default() },
            ..Contact::default()
        })),
    );
    let out = m.update_item(&v1, &[subject], ConflictResolution::AlwaysOverwrite).unwrap();
    assert_eq!(out.conflicts, 0, "the subject was not changed since v1");

    // The current change key never conflicts; no change key means no check.
    let cur = out.item_id;
    let out = m.update_item(&cur, &[rename("cur")], ConflictResolution::NeverOverwrite).unwrap();
    assert_eq!(out.conflicts, 0);
    assert_ne!(out.item_id.change_key, cur.change_key);
    assert!(m.update_item(&ItemId::new(cur.id.clone()), &[rename("n")], ConflictResolution::NeverOverwrite).is_ok());
    // A change key this server never issued.
    let bad = ItemId::with_change_key(cur.id.clone(), "CQAAABYAAAD");
    let e = m.update_item(&bad, &[rename("x")], ConflictResolution::AlwaysOverwrite).unwrap_err();
    assert_eq!(code(e), ResponseCode::ErrorInvalidChangeKey);
}

#[test]
fn failed_updates_change_nothing() {
    let mut s = store();
    let m = alice(&mut s);
    let id = m.create_item(&contacts(), contact("v1")).unwrap();
    let before = m.last_change_number();
    let bad = [rename("v2"), ItemUpdate::delete(PropertyPath::field("item:DateTimeCreated"))];
    let e = m.update_item(&id, &bad, ConflictResolution::AutoResolve).unwrap_err();
    assert_eq!(code(e), ResponseCode::ErrorInvalidPropertyDelete);
    let bad = [rename("v2"), ItemUpdate::set(PropertyPath::field("contacts:GivenName"), contact("no given name"))];
    let e = m.update_item(&id, &bad, ConflictResolution::AutoResolve).unwrap_err();
    assert_eq!(code(e), ResponseCode::ErrorUpdatePropertyMismatch);
    assert_eq!(m.last_change_number(), before);
    assert_eq!(m.item(&id).unwrap().id(), Some(&id));
    assert_eq!(display_name(m.item(&id).unwrap()), Some("v1"));
}

#[test]
fn missing_and_malformed_ids() {
    let mut s = store();
    let m = alice(&mut s);
    let id = m.create_item(&contacts(), contact("x")).unwrap();
    m.delete_item(&id, DeleteType::HardDelete).unwrap();
    assert_eq!(code(m.item(&id).unwrap_err()), ResponseCode::ErrorItemNotFound);
    assert_eq!(code(m.delete_item(&id, DeleteType::HardDelete).unwrap_err()), ResponseCode::ErrorItemNotFound);
    let e = m.update_item(&id, &[rename("y")], ConflictResolution::AlwaysOverwrite).unwrap_err();
    assert_eq!(code(e), ResponseCode::ErrorItemNotFound);
    for junk in ["", "AAMkADk0", "definitely not an id", "AAMkAGI2TG93AAA="] {
        assert_eq!(code(m.item(&ItemId::new(junk)).unwrap_err()), ResponseCode::ErrorInvalidIdMalformed, "{junk}");
    }
}

#[test]
fn delete_kinds() {
    let mut s = store();
    let m = alice(&mut s);
    let deleted_items = well_known(DistinguishedFolderName::Deleteditems);
    let dumpster = well_known(DistinguishedFolderName::Recoverableitemsdeletions);
    let hard = m.create_item(&contacts(), contact("hard")).unwrap();
    let soft = m.create_item(&contacts(), contact("soft")).unwrap();
    let moved = m.create_item(&contacts(), contact("moved")).unwrap();
    let contacts_state = sync(m, &contacts(), None, 512).sync_state;
    let deleted_state = sync(m, &deleted_items, None, 512).sync_state;

    m.delete_item(&hard, DeleteType::HardDelete).unwrap();
    m.delete_item(&soft, DeleteType::SoftDelete).unwrap();
    m.delete_item(&moved, DeleteType::MoveToDeletedItems).unwrap();

    // In the source folder all three are deletions.
    let page = sync(m, &contacts(), Some(&contacts_state), 512);
    assert_eq!(
        kinds(&page.changes),
        vec![("delete", hard.id.clone()), ("delete", soft.id.clone()), ("delete", moved.id.clone())]
    );
    assert_eq!(m.folder(&contacts()).unwrap().base().total_count, Some(0));
    // Only the moved one is in Deleted Items, under a new id, and shows there as a Create.
    let in_deleted = m.items(&deleted_items).unwrap();
    assert_eq!(in_deleted.len(), 1);
    assert_eq!(display_name(in_deleted[0]), Some("moved"));
    let new_id = in_deleted[0].id().unwrap().clone();
    assert_ne!(new_id.id, moved.id);
    let page = sync(m, &deleted_items, Some(&deleted_state), 512);
    assert_eq!(kinds(&page.changes), vec![("create", new_id.id.clone())]);
    // The soft-deleted one is recoverable; the hard-deleted one is gone.
    let recoverable: Vec<Option<&str>> = m.items(&dumpster).unwrap().into_iter().map(display_name).collect();
    assert_eq!(recoverable, vec![Some("soft")]);
    // Old ids no longer resolve.
    for id in [&hard, &soft, &moved] {
        assert_eq!(code(m.item(id).unwrap_err()), ResponseCode::ErrorItemNotFound);
    }
}

#[test]
fn moving_between_folders_is_a_delete_and_a_create() {
    let mut s = store();
    let m = alice(&mut s);
    let sub = id_of(&m.create_folder(&contacts(), &Folder::contacts("Clients")).unwrap());
    let id = m.create_item(&contacts(), contact("x")).unwrap();
    let a = sync(m, &contacts(), None, 512).sync_state;
    let b = sync(m, &sub, None, 512).sync_state;
    let new_id = m.move_item(&id, &sub).unwrap();
    assert_ne!(new_id.id, id.id);
    assert_eq!(kinds(&sync(m, &contacts(), Some(&a), 512).changes), vec![("delete", id.id.clone())]);
    assert_eq!(kinds(&sync(m, &sub, Some(&b), 512).changes), vec![("create", new_id.id.clone())]);
}

#[test]
fn folders_exist_once_per_parent() {
    let mut s = store();
    let m = alice(&mut s);
    let clients = m.create_folder(&contacts(), &Folder::contacts("Clients")).unwrap();
    let clients_id = clients.id().unwrap().clone();
    assert_eq!(clients.display_name(), Some("Clients"));
    assert_eq!(clients.element_name(), "ContactsFolder");
    assert_eq!(
        clients.base().parent_folder_id.as_ref().unwrap().id,
        m.folder_id(DistinguishedFolderName::Contacts).unwrap().id
    );
    let e = m.create_folder(&contacts(), &Folder::contacts("clients")).unwrap_err();
    assert_eq!(e, StoreError::FolderExists { name: "clients".into() });
    assert_eq!(code(e), ResponseCode::ErrorFolderExists);
    // The same name elsewhere is fine; so is a child of the new folder.
    let cal_clients = m.create_folder(&well_known(DistinguishedFolderName::Calendar), &Folder::calendar("Clients"));
    assert_ne!(cal_clients.unwrap().id().unwrap().id, clients_id.id);
    m.create_folder(&folder(&clients_id), &Folder::contacts("VIP")).unwrap();

    let found = m.find_folder(&contacts(), "CLIENTS").unwrap().unwrap();
    assert_eq!(found.id().unwrap().id, clients_id.id);
    assert_eq!(found.base().child_folder_count, Some(1));
    assert!(m.find_folder(&contacts(), "Suppliers").unwrap().is_none());
    let deep = m.child_folders(&contacts(), true).unwrap();
    assert_eq!(deep.iter().filter_map(Folder::display_name).collect::<Vec<_>>(), vec!["Clients", "VIP"]);
    assert_eq!(m.child_folders(&contacts(), false).unwrap().len(), 1);
    assert_eq!(m.folder(&contacts()).unwrap().base().child_folder_count, Some(1));
    // By id, the folder is the same one.
    assert_eq!(m.folder(&folder(&clients_id)).unwrap().display_name(), Some("Clients"));
    // A folder id of another mailbox.
    let bobs = s.mailbox(BOB).unwrap().folder_id(DistinguishedFolderName::Contacts).unwrap();
    let e = s.mailbox(ALICE).unwrap().folder(&folder(&bobs)).unwrap_err();
    assert_eq!(code(e), ResponseCode::ErrorAccessDenied);
}

#[test]
fn contacts_only_in_contact_folders() {
    let mut s = store();
    let m = alice(&mut s);
    let e = m.create_item(&well_known(DistinguishedFolderName::Calendar), contact("x")).unwrap_err();
    assert_eq!(code(e), ResponseCode::ErrorCannotCreateContactInNonContactFolder);
    let plain = m.create_folder(&well_known(DistinguishedFolderName::Msgfolderroot), &Folder::generic("Plain", None));
    let e = m.create_item(&id_of(&plain.unwrap()), contact("x")).unwrap_err();
    assert_eq!(code(e), ResponseCode::ErrorCannotCreateContactInNonContactFolder);
    let e = m.create_item(&contacts(), Item::CalendarItem(Box::default())).unwrap_err();
    assert_eq!(code(e), ResponseCode::ErrorCannotCreateCalendarItemInNonCalendarFolder);
    assert!(m.create_item(&well_known(DistinguishedFolderName::Calendar), Item::CalendarItem(Box::default())).is_ok());
}

fn tag_is(value: &str) -> Restriction {
    let path = PropertyPath::Extended(tag_field());
    Restriction::new(SearchExpression::compare(ComparisonOperator::IsEqualTo, path, value))
}

fn names(items: &[Item]) -> Vec<Option<&str>> {
    items.iter().map(display_name).collect()
}

#[test]
fn find_items_by_extended_property_with_paging() {
    let mut s = store();
    let m = alice(&mut s);
    for n in 0..7 {
        m.create_item(&contacts(), tagged(&format!("c{n}"), if n % 2 == 0 { "even" } else { "odd" })).unwrap();
    }
    m.create_item(&contacts(), contact("untagged")).unwrap();
    let sub = id_of(&m.create_folder(&contacts(), &Folder::contacts("Sub")).unwrap());
    m.create_item(&sub, tagged("elsewhere", "even")).unwrap();
    let even = tag_is("EVEN");

    let p1 = m.find_items(&contacts(), Some(&even), &IndexedPageView::first(3)).unwrap();
    assert_eq!(p1.total_items_in_view, 4);
    assert_eq!(names(&p1.items), vec![Some("c0"), Some("c2"), Some("c4")]);
    assert_eq!(p1.indexing_offset, 3);
    assert!(!p1.includes_last_item_in_range);
    let p2 = m.find_items(&contacts(), Some(&even), &IndexedPageView::new(3, 3)).unwrap();
    assert_eq!(names(&p2.items), vec![Some("c6")]);
    assert!(p2.includes_last_item_in_range);
    assert_eq!(p2.indexing_offset, 4);

    let from_end = IndexedPageView { max_entries_returned: Some(2), offset: 0, base_point: IndexBasePoint::End };
    let last_two = m.find_items(&contacts(), Some(&even), &from_end).unwrap();
    assert_eq!(names(&last_two.items), vec![Some("c4"), Some("c6")]);

    let exists = Restriction::new(SearchExpression::exists(PropertyPath::Extended(tag_field())));
    let all = IndexedPageView::first(100);
    assert_eq!(m.find_items(&contacts(), Some(&exists), &all).unwrap().total_items_in_view, 7);
    let untagged = Restriction::new(SearchExpression::Not(Box::new(exists.expression.clone())));
    assert_eq!(m.find_items(&contacts(), Some(&untagged), &all).unwrap().items.len(), 1);
    assert_eq!(m.find_items(&contacts(), None, &all).unwrap().total_items_in_view, 8);
    let e = m.find_items(&contacts(), None, &IndexedPageView::new(-1, 10)).unwrap_err();
    assert_eq!(code(e), ResponseCode::ErrorInvalidIndexedPagingParameters);

    // Deleted items drop out; a re-tag through UpdateItem is found by its new value.
    let c0 = p1.items[0].id().unwrap().clone();
    m.delete_item(&c0, DeleteType::MoveToDeletedItems).unwrap();
    let c2 = p1.items[1].id().unwrap().clone();
    let retag = ItemUpdate::set(PropertyPath::Extended(tag_field()), tagged("ignored", "rec-42"));
    m.update_item(&c2, &[retag], ConflictResolution::AutoResolve).unwrap();
    assert_eq!(m.find_items(&contacts(), Some(&even), &all).unwrap().total_items_in_view, 2);
    let hit = m.find_items(&contacts(), Some(&tag_is("rec-42")), &all).unwrap();
    assert_eq!(hit.items.len(), 1);
    assert_eq!(hit.items[0].id().unwrap().id, c2.id);
}

#[test]
fn appends_go_to_bodies_only() {
    let mut s = store();
    let m = alice(&mut s);
    let mut c = contact("x");
    c.base_mut().body = Some(Body::text("first line"));
    let id = m.create_item(&contacts(), c).unwrap();
    let mut more = contact("ignored");
    more.base_mut().body = Some(Body::text("; second"));
    let append = ItemUpdate::append(PropertyPath::field("item:Body"), more);
    let id = m.update_item(&id, &[append], ConflictResolution::AutoResolve).unwrap().item_id;
    assert_eq!(m.item(&id).unwrap().base().body.as_ref().unwrap().content, "first line; second");
    let append = ItemUpdate::append(PropertyPath::field("contacts:DisplayName"), contact("y"));
    let e = m.update_item(&id, &[append], ConflictResolution::AutoResolve).unwrap_err();
    assert_eq!(code(e), ResponseCode::ErrorInvalidPropertyAppend);
}

fn calendar_update(path: &str, value: CalendarItem) -> ItemUpdate {
    ItemUpdate::set(PropertyPath::field(path), Item::CalendarItem(Box::new(value)))
}

#[test]
fn calendar_fields_follow_exchange_rules() {
    let mut s = store();
    let m = alice(&mut s);
    let calendar = well_known(DistinguishedFolderName::Calendar);
    let event = CalendarItem {
        start: EwsDateTime::parse("2025-06-02T09:00:00Z"),
        end: EwsDateTime::parse("2025-06-02T10:00:00Z"),
        location: Some("Room 1".into()),
        ..CalendarItem::default()
    };
    let id = m.create_item(&calendar, Item::CalendarItem(Box::new(event))).unwrap();
    let resolve = ConflictResolution::AutoResolve;
    // Start can be moved but not removed; Location can be removed; the UID is the server's.
    let e = m.update_item(&id, &[ItemUpdate::delete(PropertyPath::field("calendar:Start"))], resolve);
    assert_eq!(code(e.unwrap_err()), ResponseCode::ErrorInvalidPropertyDelete);
    let id = m.update_item(&id, &[ItemUpdate::delete(PropertyPath::field("calendar:Location"))], resolve);
    let id = id.unwrap().item_id;
    let mine = CalendarItem { uid: Some("mine".into()), ..CalendarItem::default() };
    let e = m.update_item(&id, &[calendar_update("calendar:UID", mine)], resolve);
    assert_eq!(code(e.unwrap_err()), ResponseCode::ErrorInvalidPropertySet);
    // Moving the end before the start is refused; so is creating such an event.
    let early = CalendarItem { end: EwsDateTime::parse("2025-06-02T08:00:00Z"), ..CalendarItem::default() };
    let e = m.update_item(&id, &[calendar_update("calendar:End", early.clone())], resolve);
    assert_eq!(code(e.unwrap_err()), ResponseCode::ErrorCalendarEndDateIsEarlierThanStartDate);
    let backwards = CalendarItem { start: EwsDateTime::parse("2025-06-02T09:00:00Z"), ..early };
    let e = m.create_item(&calendar, Item::CalendarItem(Box::new(backwards))).unwrap_err();
    assert_eq!(code(e), ResponseCode::ErrorCalendarEndDateIsEarlierThanStartDate);
    let Item::CalendarItem(stored) = m.item(&id).unwrap() else { panic!("a calendar item") };
    assert_eq!(stored.location, None);
    assert!(stored.uid.is_some());
    // A contact field does not apply to a calendar item.
    let e = m.update_item(&id, &[rename("x")], resolve);
    assert_eq!(code(e.unwrap_err()), ResponseCode::ErrorInvalidPropertySet);
}

#[test]
fn ignored_items_are_not_reported_back() {
    let mut s = store();
    let m = alice(&mut s);
    let a = m.create_item(&contacts(), contact("a")).unwrap();
    let b = m.create_item(&contacts(), contact("b")).unwrap();
    let state = sync(m, &contacts(), None, 512).sync_state;
    // The client changes A itself; someone else changes B.
    let a2 = m.update_item(&a, &[rename("a2")], ConflictResolution::NeverOverwrite).unwrap().item_id;
    m.side_door().change(&b, |i| i.base_mut().subject = Some("x".into())).unwrap();
    let page = m.changes_since(&contacts(), Some(&state), max(512), &[a2]).unwrap();
    assert_eq!(kinds(&page.changes), vec![("update", b.id.clone())]);
    // A's change counts as seen from then on.
    assert!(sync(m, &contacts(), Some(&page.sync_state), 512).changes.is_empty());
}

#[test]
fn side_door_changes_are_tracked_like_ews_ones() {
    let mut s = store();
    let m = alice(&mut s);
    let state = sync(m, &contacts(), None, 512).sync_state;
    let mut door = m.side_door();
    let a = door.create(&contacts(), contact("a")).unwrap();
    let b = door.create(&contacts(), contact("b")).unwrap();
    let state2 = sync(door.mailbox(), &contacts(), Some(&state), 512).sync_state;
    let a2 = door.change(&a, |i| i.base_mut().categories = Some(vec!["Red".into()])).unwrap();
    door.delete(&b).unwrap();
    assert!(door.change(&a2, |i| *i = Item::CalendarItem(Box::default())).is_err());
    let page = sync(m, &contacts(), Some(&state2), 512);
    assert_eq!(kinds(&page.changes), vec![("update", a.id.clone()), ("delete", b.id.clone())]);
    assert_eq!(m.item(&a2).unwrap().base().categories.as_deref(), Some(&["Red".to_owned()][..]));
}

// ------------------------------------------------------------------------------------ property tests

#[derive(Debug, Clone)]
enum Op {
    /// Create in the synced folder (or in the other folder).
    Create { elsewhere: bool },
    /// Change the n-th item (by EWS or through the side door).
    Change { pick: usize, by_ews: bool },
    /// Delete the n-th item.
    Delete { pick: usize, how: u8 },
    /// Move the n-th item of the other folder into the synced one, or out of it.
    Move { pick: usize, inward: bool },
    /// The client syncs one page of this size and commits.
    Sync { max: u32 },
    /// The client crashes and comes back at one of its earlier commits.
    Crash { back: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => any::<bool>().prop_map(|elsewhere| Op::Create { elsewhere }),
        3 => (any::<usize>(), any::<bool>()).prop_map(|(pick, by_ews)| Op::Change { pick, by_ews }),
        2 => (any::<usize>(), 0u8..3).prop_map(|(pick, how)| Op::Delete { pick, how }),
        2 => (any::<usize>(), any::<bool>()).prop_map(|(pick, inward)| Op::Move { pick, inward }),
        4 => (1u32..6).prop_map(|max| Op::Sync { max }),
        1 => (1usize..4).prop_map(|back| Op::Crash { back }),
    ]
}

/// A sync client's committed state: its sync state and the items it holds (id → change key).
type Commit = (Option<String>, BTreeMap<String, Option<String>>);

/// Applies one page to a copy of `items`, insisting on Exchange's contract: a Create is for an item
/// the client lacks, an Update or Delete for one it has.
fn apply_page(
    items: &BTreeMap<String, Option<String>>,
    page: &SyncPage,
) -> Result<BTreeMap<String, Option<String>>, TestCaseError> {
    let mut next = items.clone();
    let mut seen = BTreeSet::new();
    for c in &page.changes {
        let id = c.item_id().unwrap();
        prop_assert!(seen.insert(id.id.clone()), "two changes for one item in a page");
        match c {
            SyncChange::Create(_) => {
                prop_assert!(!next.contains_key(&id.id), "Create for an item the client has");
                next.insert(id.id.clone(), id.change_key.clone());
            }
            SyncChange::Update(_) => {
                prop_assert!(next.contains_key(&id.id), "Update for an item the client lacks");
                next.insert(id.id.clone(), id.change_key.clone());
            }
            SyncChange::Delete(_) => {
                prop_assert!(next.remove(&id.id).is_some(), "Delete for an item the client lacks");
            }
            SyncChange::ReadFlagChange { .. } => prop_assert!(false, "the store has no read flags"),
        }
    }
    Ok(next)
}

fn store_items(m: &MailboxStore, f: &BaseFolderId) -> BTreeMap<String, Option<String>> {
    m.items(f).unwrap().into_iter().map(|i| (i.id().unwrap().id.clone(), i.id().unwrap().change_key.clone())).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Random interleavings of creates, changes, deletes, moves and paged syncs, with crashes back
    /// to older commits: a client that applies what it receives ends with exactly the folder's
    /// items and change keys, and never gets a change that contradicts what it holds.
    #[test]
    fn a_syncing_client_converges(ops in proptest::collection::vec(op(), 1..80), final_max in 1u32..8) {
        let mut s = store();
        let m = alice(&mut s);
        let synced = contacts();
        let other = id_of(&m.create_folder(&contacts(), &Folder::contacts("Other")).unwrap());
        let mut history: Vec<Commit> = vec![(None, BTreeMap::new())];
        let mut n = 0;
        for op in ops {
            let here: Vec<ItemId> = m.items(&synced).unwrap().iter().map(|i| i.id().unwrap().clone()).collect();
            let there: Vec<ItemId> = m.items(&other).unwrap().iter().map(|i| i.id().unwrap().clone()).collect();
            match op {
                Op::Create { elsewhere } => {
                    n += 1;
                    let f = if elsewhere { &other } else { &synced };
                    m.create_item(f, contact(&format!("c{n}"))).unwrap();
                }
                Op::Change { pick, by_ews } if !here.is_empty() => {
                    let id = &here[pick % here.len()];
                    n += 1;
                    if by_ews {
                        m.update_item(id, &[rename(&format!("r{n}"))], ConflictResolution::NeverOverwrite).unwrap();
                    } else {
                        m.side_door().change(id, |i| i.base_mut().subject = Some(format!("s{n}"))).unwrap();
                    }
                }
                Op::Delete { pick, how } if !here.is_empty() => {
                    let how = [DeleteType::HardDelete, DeleteType::SoftDelete, DeleteType::MoveToDeletedItems][how as usize];
                    m.delete_item(&here[pick % here.len()], how).unwrap();
                }
                Op::Move { pick, inward: true } if !there.is_empty() => {
                    m.move_item(&there[pick % there.len()], &synced).unwrap();
                }
                Op::Move { pick, inward: false } if !here.is_empty() => {
                    m.move_item(&here[pick % here.len()], &other).unwrap();
                }
                Op::Sync { max: page_size } => {
                    let (state, items) = history.last().unwrap().clone();
                    let page = m.changes_since(&synced, state.as_deref(), max(page_size), &[]).unwrap();
                    prop_assert!(page.changes.len() <= page_size as usize);
                    let items = apply_page(&items, &page)?;
                    history.push((Some(page.sync_state), items));
                }
                Op::Crash { back } => {
                    let keep = history.len().saturating_sub(back).max(1);
                    history.truncate(keep);
                }
                _ => {}
            }
        }
        // Sync to the end: the client then holds exactly the folder's items and change keys.
        let (mut state, mut items) = history.pop().unwrap();
        let mut pages = 0;
        loop {
            let page = m.changes_since(&synced, state.as_deref(), max(final_max), &[]).unwrap();
            items = apply_page(&items, &page)?;
            state = Some(page.sync_state);
            pages += 1;
            prop_assert!(pages < 1000, "sync does not finish");
            if page.includes_last_item_in_range {
                break;
            }
        }
        prop_assert_eq!(&items, &store_items(m, &synced));
        let idle = m.changes_since(&synced, state.as_deref(), max(512), &[]).unwrap();
        prop_assert!(idle.changes.is_empty() && idle.includes_last_item_in_range);
    }
}

/// The folder an item of this kind is created in.
fn home_of(item: &Item) -> BaseFolderId {
    well_known(match item {
        Item::Contact(_) => DistinguishedFolderName::Contacts,
        Item::CalendarItem(_) => DistinguishedFolderName::Calendar,
        Item::Other(o) if o.element == "Task" => DistinguishedFolderName::Tasks,
        Item::Other(_) => DistinguishedFolderName::Inbox,
    })
}

/// Clears what the server stamps, as a client creating the item would send it.
fn as_sent(mut item: Item) -> Item {
    let b = item.base_mut();
    b.item_id = None;
    b.parent_folder_id = None;
    b.size = None;
    b.date_time_created = None;
    b.last_modified_name = None;
    b.last_modified_time = None;
    item
}

/// Exchange maintains `CalendarItemType`, `Organizer`, `MyResponseType`, `IsMeeting`,
/// `AppointmentState` and `Duration` itself; exchangelib (and Outlook) read them.
#[test]
fn calendar_properties_are_maintained_by_the_server() {
    let mut s = store();
    let m = alice(&mut s);
    let calendar = well_known(DistinguishedFolderName::Calendar);
    let event = CalendarItem {
        start: EwsDateTime::parse("2027-03-15T09:00:00Z"),
        end: EwsDateTime::parse("2027-03-15T10:30:00Z"),
        ..CalendarItem::default()
    };
    let id = m.create_item(&calendar, Item::CalendarItem(Box::new(event))).unwrap();
    let calendar_item = |m: &MailboxStore, id: &ItemId| match m.item(id).unwrap() {
        Item::CalendarItem(c) => (**c).clone(),
        other => panic!("{other:?}"),
    };
    let c = calendar_item(m, &id);
    assert_eq!(c.calendar_item_type, Some(CalendarItemType::Single));
    assert_eq!((c.is_meeting, c.appointment_state, c.is_cancelled), (Some(false), Some(0), Some(false)));
    assert_eq!(c.my_response_type, Some(ResponseType::Organizer));
    assert_eq!(c.duration.as_deref(), Some("PT1H30M"));
    let organizer = c.organizer.unwrap();
    assert_eq!(organizer.email_address.as_deref(), Some(ALICE));
    assert_eq!(organizer.name.as_deref(), Some("Alice Wong"));

    // Attendees make it a meeting; a recurrence a series; a new end a new duration.
    let mut changed = CalendarItem {
        required_attendees: vec![Attendee::smtp(BOB)],
        end: EwsDateTime::parse("2027-03-15T09:45:00Z"),
        recurrence: Some(Recurrence {
            pattern: RecurrencePattern::Daily { interval: 1 },
            range: RecurrenceRange::Numbered {
                start_date: EwsDate::parse("2027-03-15").unwrap(),
                number_of_occurrences: 3,
            },
        }),
        ..CalendarItem::default()
    };
    changed.item.subject = Some("Stand-up".into());
    let set = |uri: &str| ItemUpdate::set(PropertyPath::field(uri), Item::CalendarItem(Box::new(changed.clone())));
    let updates = [set("calendar:RequiredAttendees"), set("calendar:End"), set("calendar:Recurrence")];
    let id = m.update_item(&id, &updates, ConflictResolution::AlwaysOverwrite).unwrap().item_id;
    let c = calendar_item(m, &id);
    assert_eq!(c.calendar_item_type, Some(CalendarItemType::RecurringMaster));
    assert_eq!((c.is_meeting, c.appointment_state), (Some(true), Some(1)));
    assert_eq!(c.duration.as_deref(), Some("PT45M"));
}

/// `item` with the fields the server stamps taken from `stored`.
fn with_stamps_of(mut item: Item, stored: &Item) -> Item {
    if let (Item::CalendarItem(c), Item::CalendarItem(s)) = (&mut item, stored) {
        c.uid = c.uid.clone().or_else(|| s.uid.clone());
        // Derived by the server from the item (see `calendar_properties_are_maintained_by_the_server`).
        c.calendar_item_type = s.calendar_item_type;
        c.is_meeting = s.is_meeting;
        c.appointment_state = s.appointment_state;
        c.duration = s.duration.clone();
        c.my_response_type = s.my_response_type;
        c.organizer = c.organizer.clone().or_else(|| s.organizer.clone());
        c.is_cancelled = c.is_cancelled.or(s.is_cancelled);
        // A series starting in UTC gets its range's dates zoned `Z`.
        if c.start_time_zone.as_ref().and_then(|z| z.id.as_deref()) == Some("UTC")
            && let Some(r) = c.recurrence.as_mut()
        {
            let utc = chrono::FixedOffset::east_opt(0).unwrap();
            match &mut r.range {
                RecurrenceRange::NoEnd { start_date } | RecurrenceRange::Numbered { start_date, .. } => {
                    start_date.offset.get_or_insert(utc);
                }
                RecurrenceRange::EndDate { start_date, end_date } => {
                    start_date.offset.get_or_insert(utc);
                    end_date.offset.get_or_insert(utc);
                }
            }
        }
        c.is_recurring = match s.calendar_item_type {
            Some(CalendarItemType::Single) => s.is_recurring,
            _ => c.is_recurring.or(s.is_recurring),
        };
    }
    let (s, b) = (stored.base(), item.base_mut());
    b.item_id = s.item_id.clone();
    b.parent_folder_id = s.parent_folder_id.clone();
    b.size = s.size;
    b.date_time_created = s.date_time_created;
    b.last_modified_name = s.last_modified_name.clone();
    b.last_modified_time = s.last_modified_time;
    b.has_attachments = b.has_attachments.or(s.has_attachments);
    b.date_time_received = b.date_time_received.or(s.date_time_received);
    b.item_class = b.item_class.clone().or_else(|| s.item_class.clone());
    item
}

fn ends_before_start(c: &CalendarItem) -> bool {
    match (c.start.and_then(|s| s.to_utc()), c.end.and_then(|e| e.to_utc())) {
        (Some(s), Some(e)) => e < s,
        _ => matches!((c.start, c.end), (Some(EwsDateTime::Floating(s)), Some(EwsDateTime::Floating(e))) if e < s),
    }
}

fn any_item() -> impl Strategy<Value = Item> {
    prop_oneof![
        common::strategies::base::item(),
        common::strategies::contact::contact().prop_map(|c| Item::Contact(Box::new(c))),
        common::strategies::calendar::calendar_item().prop_map(|c| Item::CalendarItem(Box::new(c))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Whatever the `ews` types can hold survives the store: creating, a no-op update (the update
    /// path goes through the types' serde form) and deleting then restoring a field.
    #[test]
    fn stored_items_keep_every_field(item in any_item().prop_map(as_sent)) {
        if let Item::CalendarItem(c) = &item {
            prop_assume!(!ends_before_start(c));
        }
        let mut s = store();
        let m = alice(&mut s);
        let id = m.create_item(&home_of(&item), item.clone()).unwrap();
        let stored = m.item(&id).unwrap().clone();
        prop_assert_eq!(&stored, &with_stamps_of(item.clone(), &stored));

        let id = m.update_item(&id, &[], ConflictResolution::NeverOverwrite).unwrap().item_id;
        let stored = m.item(&id).unwrap().clone();
        prop_assert_eq!(&stored, &with_stamps_of(item.clone(), &stored));

        let subject = PropertyPath::field("item:Subject");
        let clear = ItemUpdate::delete(subject.clone());
        let id = m.update_item(&id, &[clear], ConflictResolution::NeverOverwrite).unwrap().item_id;
        prop_assert_eq!(m.item(&id).unwrap().base().subject.as_ref(), None);
        if item.base().subject.is_some() {
            let restore = ItemUpdate::set(subject, item.clone());
            let id = m.update_item(&id, &[restore], ConflictResolution::NeverOverwrite).unwrap().item_id;
            let stored = m.item(&id).unwrap().clone();
            prop_assert_eq!(&stored, &with_stamps_of(item, &stored));
        }
    }

    /// The store applies a contact's `UpdateItem` changes as the contact type itself does
    /// (`apply_contact_update`): the generic field paths agree with the typed ones.
    #[test]
    fn contact_updates_apply_as_the_type_does((old, new) in common::strategies::contact::contact_edit()) {
        let mut s = store();
        let m = alice(&mut s);
        let id = m.create_item(&contacts(), as_sent(Item::Contact(Box::new(old.clone())))).unwrap();
        let updates = contact_updates(&old, &new);
        let id = m.update_item(&id, &updates, ConflictResolution::NeverOverwrite).unwrap().item_id;
        let mut expected = old;
        for u in &updates {
            apply_contact_update(&mut expected, u);
        }
        let stored = m.item(&id).unwrap().clone();
        prop_assert_eq!(&stored, &with_stamps_of(as_sent(Item::Contact(Box::new(expected))), &stored));
    }

    /// Likewise for calendar items and [`calendar_field::changed_fields`].
    #[test]
    fn calendar_updates_apply_as_the_type_does(
        old in common::strategies::calendar::calendar_item(),
        other in common::strategies::calendar::calendar_item(),
        take in proptest::collection::vec(any::<bool>(), 64),
    ) {
        let old = match as_sent(Item::CalendarItem(Box::new(old))) {
            Item::CalendarItem(c) => *c,
            _ => unreachable!(),
        };
        let mut new = old.clone();
        for (i, f) in calendar_field::CalendarField::ALL.iter().enumerate() {
            if f.is_updatable() && take[i % take.len()] {
                f.copy(&other, &mut new);
            }
        }
        prop_assume!(!ends_before_start(&old));
        let mut s = store();
        let m = alice(&mut s);
        let calendar = well_known(DistinguishedFolderName::Calendar);
        let id = m.create_item(&calendar, Item::CalendarItem(Box::new(old.clone()))).unwrap();
        let stored_old = m.item(&id).unwrap().clone();
        let Item::CalendarItem(mut expected) = stored_old else { unreachable!() };
        let fields = calendar_field::changed_fields(&expected, &new);
        let updates: Vec<ItemUpdate> = fields
            .iter()
            .map(|f| match f.extract(&new) {
                Some(value) => ItemUpdate::set(f.path(), Item::CalendarItem(Box::new(value))),
                None => ItemUpdate::delete(f.path()),
            })
            .collect();
        for f in &fields {
            f.copy(&new, &mut expected);
        }
        // An end that cannot be removed may stay behind a start moved past it: Exchange refuses that.
        if ends_before_start(&expected) {
            let e = m.update_item(&id, &updates, ConflictResolution::NeverOverwrite).unwrap_err();
            prop_assert_eq!(e, StoreError::EndBeforeStart);
            return Ok(());
        }
        let id = m.update_item(&id, &updates, ConflictResolution::NeverOverwrite).unwrap().item_id;
        let stored = m.item(&id).unwrap().clone();
        prop_assert_eq!(&stored, &with_stamps_of(Item::CalendarItem(expected), &stored));
    }
}
