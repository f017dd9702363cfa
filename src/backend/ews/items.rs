//! EWS items as the engine sees them: the shapes exsync asks for, [`RemoteItem`]s read from
//! answers, and the items `CreateItem` sends for new records.

use chrono::{DateTime, Utc};

use crate::backend::ews_mapping::{
    MappingError, OccurrenceEdit, app_id_field, app_id_of, contact_from_ews, contact_to_ews, event_from_ews,
    event_to_ews, occurrence_edits,
};
use crate::backend::{RemoteId, RemoteItem};
use crate::ews::{BaseShape, BodyTypeResponse, ExchangeVersion, Item, ItemShape, PropertyPath};
use crate::sync::{AppId, ObjectKind, Record};

/// Why an item of an answer is not a record the engine can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    /// The answer left out the item's id.
    #[error("the item has no id")]
    NoId,
    /// The item is of another kind than the folder's (a distribution list among contacts).
    #[error("the item is a {element}, not one of the folder's {kind}")]
    OtherKind {
        /// The item's element name.
        element: String,
        /// The folder's kind.
        kind: ObjectKind,
    },
    /// The item cannot be mapped to a canonical record.
    #[error(transparent)]
    Mapping(#[from] MappingError),
}

/// The element name of an item (`Contact`, `CalendarItem`, `DistributionList`, …).
fn element(item: &Item) -> String {
    match item {
        Item::Contact(_) => "Contact".to_owned(),
        Item::CalendarItem(_) => "CalendarItem".to_owned(),
        Item::Other(o) => o.element.clone(),
    }
}

/// Whether `item` is of the folder's kind.
pub fn is_of_kind(item: &Item, kind: ObjectKind) -> bool {
    matches!((item, kind), (Item::Contact(_), ObjectKind::Contacts) | (Item::CalendarItem(_), ObjectKind::Events))
}

/// The shape of the full items of `kind` (`GetItem`): all properties, the body as text, the
/// exsync tag, and for events the time zones (which `AllProperties` leaves out), as far as a
/// request written for `version` may name them.
pub fn full_shape(kind: ObjectKind, version: ExchangeVersion) -> ItemShape {
    let mut shape = ItemShape::new(BaseShape::AllProperties);
    shape.body_type = Some(BodyTypeResponse::Text);
    shape.additional_properties.push(PropertyPath::Extended(app_id_field()));
    // Exchange 2007 has only `MeetingTimeZone`, which `AllProperties` returns.
    let has_zones = !matches!(version, ExchangeVersion::Exchange2007 | ExchangeVersion::Exchange2007Sp1);
    if kind == ObjectKind::Events && has_zones {
        for uri in ["calendar:StartTimeZone", "calendar:EndTimeZone"] {
            shape.additional_properties.push(PropertyPath::field(uri));
        }
    }
    shape
}

/// The shape of answers that only list items: ids and change keys.
pub fn id_shape() -> ItemShape {
    ItemShape::new(BaseShape::IdOnly)
}

/// The id of an item in an answer.
pub fn remote_id(item: &Item) -> Option<RemoteId> {
    item.id().map(|i| RemoteId { id: i.id.clone(), change_key: i.change_key.clone() })
}

/// The canonical record of a full item of the folder's `kind`, normalized.
pub fn record_of(item: &Item, kind: ObjectKind) -> Result<Record, Unreadable> {
    let record = match (item, kind) {
        (Item::Contact(c), ObjectKind::Contacts) => Record::from(contact_from_ews(c)),
        (Item::CalendarItem(c), ObjectKind::Events) => Record::from(event_from_ews(c)?),
        _ => return Err(Unreadable::OtherKind { element: element(item), kind }),
    };
    Ok(record.normalized())
}

/// A full item of the folder's `kind` as the engine sees it.
pub fn remote_item(item: &Item, kind: ObjectKind) -> Result<RemoteItem, Unreadable> {
    let id = remote_id(item).ok_or(Unreadable::NoId)?;
    let record = record_of(item, kind)?;
    let last_modified: Option<DateTime<Utc>> = item.base().last_modified_time.as_ref().and_then(|t| t.to_utc());
    Ok(RemoteItem { id, record, tag: app_id_of(item.base()), last_modified })
}

/// The item `CreateItem` sends for `record`, tagged with `tag`. A series' exceptions are not part
/// of it: they are written once the series exists (see [`new_item_edits`]).
pub fn new_item(record: &Record, tag: &AppId) -> Result<Item, MappingError> {
    Ok(match record {
        Record::Contact(c) => Item::Contact(Box::new(contact_to_ews(c, Some(tag)))),
        Record::Event(e) => Item::CalendarItem(Box::new(event_to_ews(e, Some(tag)))),
    })
}

/// The occurrence edits a new series needs after its `CreateItem`: its cancelled and moved
/// occurrences (none for other records).
pub fn new_item_edits(record: &Record) -> Result<Vec<OccurrenceEdit>, MappingError> {
    match record {
        Record::Event(e) => occurrence_edits(None, e.recurrence.as_ref(), e.end - e.start),
        Record::Contact(_) => Ok(Vec::new()),
    }
}
