//! Occurrence ids (`OccurrenceItemId`, `RecurringMasterItemId`) in `GetItem`, `DeleteItem` and
//! `UpdateItem`: the exact XML written, round trips, schema validity and schema order.

mod common;

use common::checks::*;
use common::{Schema, schema_validation, validate};
use exsync::ews::*;
use exsync::xml::Limits;

fn occurrence(index: i32) -> BaseItemId {
    BaseItemId::Occurrence(OccurrenceItemId {
        recurring_master_id: "AAMkMaster=".into(),
        change_key: Some("DwAAAB==".into()),
        instance_index: index,
    })
}

fn master_of(occurrence: &str) -> BaseItemId {
    BaseItemId::RecurringMaster(RecurringMasterItemId { occurrence_id: occurrence.into(), change_key: None })
}

fn moved_start() -> ItemUpdate {
    let item = CalendarItem { start: EwsDateTime::parse("2027-03-04T10:00:00Z"), ..CalendarItem::default() };
    ItemUpdate::set(PropertyPath::Field(FieldUri::new("calendar:Start")), Item::CalendarItem(Box::new(item)))
}

fn ops() -> (GetItem, DeleteItem, UpdateItem) {
    let get = GetItem::new(
        vec![BaseItemId::Item(ItemId::new("AAMkPlain=")), occurrence(2), master_of("AAMkOcc=")],
        ItemShape::new(BaseShape::IdOnly),
    );
    let mut delete = DeleteItem::new(vec![occurrence(3)], DeleteType::MoveToDeletedItems);
    delete.send_meeting_cancellations = Some(SendMeetingCancellations::SendToNone);
    let update = UpdateItem::save_only(
        ConflictResolution::NeverOverwrite,
        vec![ItemChange::new(occurrence(4), vec![moved_start()]), ItemChange::new(master_of("AAMkOcc="), vec![])],
    );
    (get, delete, update)
}

#[test]
fn occurrence_ids_are_written_as_the_schema_names_them() {
    let (get, delete, update) = ops();
    let header = RequestHeader::new(ExchangeVersion::Exchange2016);
    let xml = Request::new(header.clone(), get.clone()).to_xml_string();
    assert!(
        xml.contains(concat!(
            r#"<m:ItemIds><t:ItemId Id="AAMkPlain="/>"#,
            r#"<t:OccurrenceItemId RecurringMasterId="AAMkMaster=" ChangeKey="DwAAAB==" InstanceIndex="2"/>"#,
            r#"<t:RecurringMasterItemId OccurrenceId="AAMkOcc="/></m:ItemIds>"#
        )),
        "{xml}"
    );
    assert_eq!(Request::<GetItem>::parse(&xml).unwrap().body, get);
    let xml = Request::new(header.clone(), delete.clone()).to_xml_string();
    assert!(xml.contains(r#"InstanceIndex="3"/></m:ItemIds>"#), "{xml}");
    assert_eq!(Request::<DeleteItem>::parse(&xml).unwrap().body, delete);
    let xml = Request::new(header, update.clone()).to_xml_string();
    assert!(xml.contains(r#"<t:ItemChange><t:OccurrenceItemId RecurringMasterId="AAMkMaster=""#), "{xml}");
    assert_eq!(Request::<UpdateItem>::parse(&xml).unwrap().body, update);
}

#[test]
fn occurrence_ids_need_their_attributes_and_their_place() {
    let header = RequestHeader::new(ExchangeVersion::Exchange2016);
    let (_, delete, _) = ops();
    let xml = Request::new(header.clone(), delete).to_xml_string();
    let no_index = xml.replace(r#" InstanceIndex="3""#, "");
    assert!(Request::<DeleteItem>::parse(&no_index).is_err());
    let bad_index = xml.replace(r#"InstanceIndex="3""#, r#"InstanceIndex="third""#);
    assert!(Request::<DeleteItem>::parse(&bad_index).is_err());
    let no_master = xml.replace(r#" RecurringMasterId="AAMkMaster=""#, "");
    assert!(Request::<DeleteItem>::parse(&no_master).is_err());

    // In an ItemChange the id comes first: after Updates it is out of schema order.
    let one = UpdateItem::save_only(
        ConflictResolution::AlwaysOverwrite,
        vec![ItemChange::new(occurrence(1), vec![moved_start()])],
    );
    let xml = Request::new(header, one).to_xml_string();
    let start = xml.find("<t:OccurrenceItemId").unwrap();
    let end = start + xml[start..].find("/>").unwrap() + 2;
    let id = &xml[start..end];
    let swapped = xml.replace(id, "").replace("</t:Updates>", &format!("</t:Updates>{id}"));
    assert!(Request::<UpdateItem>::parse_strict(&swapped, Limits::default()).is_err(), "{swapped}");
    assert!(Request::<UpdateItem>::parse_strict(&xml, Limits::default()).is_ok());
}

#[test]
fn occurrence_id_requests_validate_against_both_schemas() {
    let Some(shared) = schema_validation() else { return };
    let (get, delete, mut update) = ops();
    // An ItemChange needs at least one update to be valid.
    update.item_changes[1].updates.push(moved_start());
    for (schema, version) in
        [(Schema::Current, ExchangeVersion::Exchange2016), (Schema::Exchange2010Sp2, ExchangeVersion::Exchange2010Sp2)]
    {
        let mut docs = request_docs(vec![get.clone()], version);
        docs.extend(request_docs(vec![delete.clone()], version));
        docs.extend(request_docs(vec![update.clone()], version));
        validate(&shared, schema, &docs).unwrap();
    }
}
