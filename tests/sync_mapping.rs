//! Canonical records ↔ EWS items: round trips through the XML Exchange sees (record → EWS item →
//! XML → EWS item → record), the exsync tag, and field-level updates that reproduce the edit.

mod sync_common;

use exsync::backend::ews_mapping::*;
use exsync::ews::{
    self, CalendarField, CalendarItem, ConflictResolution, Item, ItemChange, ItemId, ItemUpdate, UpdateItem,
};
use exsync::ews::{ExchangeVersion, Request, RequestHeader};
use exsync::sync::{AppId, Contact, Event, Record};
use exsync::xml::{ToXml, XmlReader, XmlWriter};
use proptest::prelude::*;
use sync_common::*;

fn contact_xml(c: &ews::Contact) -> String {
    let mut w = XmlWriter::new();
    c.to_xml(&mut w, "t:Contact");
    w.into_string()
}

fn event_xml(c: &CalendarItem) -> String {
    let mut w = XmlWriter::new();
    c.to_xml(&mut w, "t:CalendarItem");
    w.into_string()
}

/// The updates as an UpdateItem request, written and parsed back strictly.
fn through_request(updates: Vec<ItemUpdate>) -> Vec<ItemUpdate> {
    if updates.is_empty() {
        return updates;
    }
    let op = UpdateItem::new(
        ConflictResolution::AutoResolve,
        vec![ItemChange::new(ItemId::with_change_key("AAMk1", "CK1"), updates)],
    );
    let xml = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), op).to_xml_string();
    let back = Request::<UpdateItem>::parse_strict(&xml, Default::default()).unwrap();
    back.body.item_changes.into_iter().next().unwrap().updates
}

/// Applies calendar updates as a server does.
fn apply_calendar(item: &mut CalendarItem, updates: &[ItemUpdate]) {
    for u in updates {
        let f = CalendarField::from_path(u.path()).unwrap();
        match u {
            ItemUpdate::Set { item: Item::CalendarItem(from), .. } => f.copy(from, item),
            ItemUpdate::Delete { .. } => f.copy(&CalendarItem::default(), item),
            other => panic!("unexpected {other:?}"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn contacts_round_trip_through_exchange_xml(c in contact(), tag in "[a-z0-9-]{1,20}") {
        prop_assert_eq!(c.validate(), Ok(()));
        let tag = AppId::new(tag);
        let item = contact_to_ews(&c, Some(&tag));
        let parsed: ews::Contact = XmlReader::new(&contact_xml(&item)).unwrap().strict(true).read_document("Contact").unwrap();
        prop_assert_eq!(&parsed, &item);
        prop_assert_eq!(contact_from_ews(&parsed), c.clone());
        prop_assert_eq!(app_id_of(&parsed.item), Some(tag));
        let record = Record::from(c);
        let json = serde_json::to_string(&record).unwrap();
        prop_assert_eq!(serde_json::from_str::<Record>(&json).unwrap(), record);
    }

    #[test]
    fn events_round_trip_through_exchange_xml(e in event(), tag in "[a-z0-9-]{1,20}") {
        prop_assert_eq!(e.validate(), Ok(()));
        let tag = AppId::new(tag);
        let item = event_to_ews(&e, Some(&tag));
        let parsed: CalendarItem = XmlReader::new(&event_xml(&item)).unwrap().strict(true).read_document("CalendarItem").unwrap();
        prop_assert_eq!(&parsed, &item);
        prop_assert_eq!(event_from_ews(&parsed).unwrap(), e.clone());
        prop_assert_eq!(app_id_of(&parsed.item), Some(tag));
        let record = Record::from(e);
        let json = serde_json::to_string(&record).unwrap();
        prop_assert_eq!(serde_json::from_str::<Record>(&json).unwrap(), record);
    }

    #[test]
    fn contact_updates_reproduce_the_edit(old in contact(), new in contact()) {
        let mut on_server = contact_to_ews(&old, Some(&AppId::new("a1")));
        let updates = through_request(contact_item_updates(&on_server, &new));
        for u in &updates {
            prop_assert!(ews::apply_contact_update(&mut on_server, u).is_some(), "{:?}", u);
        }
        prop_assert_eq!(contact_from_ews(&on_server), new.clone());
        prop_assert_eq!(app_id_of(&on_server.item), Some(AppId::new("a1")));
        // Nothing to send once the server holds the new version.
        prop_assert!(contact_item_updates(&on_server, &new).is_empty());
        prop_assert_eq!(contact_record_updates(&old, &old), vec![]);
    }

    #[test]
    fn event_updates_reproduce_the_edit(old in event(), new in event()) {
        let mut on_server = event_to_ews(&old, Some(&AppId::new("a1")));
        let updates = through_request(event_item_updates(&on_server, &new));
        apply_calendar(&mut on_server, &updates);
        // Exchange does not remove a time zone: it stays when the new version has none.
        let expected = Event { time_zone: new.time_zone.clone().or(old.time_zone.clone()), ..new.clone() };
        prop_assert_eq!(event_from_ews(&on_server).unwrap(), expected.clone());
        prop_assert_eq!(app_id_of(&on_server.item), Some(AppId::new("a1")));
        prop_assert!(event_item_updates(&on_server, &expected).is_empty());
        prop_assert_eq!(event_record_updates(&old, &old), vec![]);
    }
}

#[test]
fn tag_is_a_named_string_in_the_exsync_property_set() {
    let item = contact_to_ews(&Contact::default(), Some(&AppId::new("crm-9")));
    let xml = contact_xml(&item);
    assert!(
        xml.contains(&format!(
            r#"<t:ExtendedFieldURI PropertySetId="{EXSYNC_PROPERTY_SET}" PropertyName="exsync-app-id" PropertyType="String"/><t:Value>crm-9</t:Value>"#
        )),
        "{xml}"
    );
    let untagged = event_to_ews(&Event::default(), None);
    assert_eq!(app_id_of(&untagged.item), None);
    let mut cleared = item.clone();
    clear_app_id(&mut cleared.item);
    assert_eq!(app_id_of(&cleared.item), None);
}
