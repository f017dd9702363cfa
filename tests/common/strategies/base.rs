//! Strategies for the shared EWS types: text, times, ids, mailboxes, item base fields, items.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use exsync::ews::*;

/// Text that XML 1.0 can carry, including markup characters, non-ASCII and line breaks.
pub fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 &<>\"'.,;:!?()\\-_/@àéüß€中文\n\t\r]{0,24}"
}

/// Non-empty text without leading/trailing whitespace (for `NonEmptyStringType` and the like).
pub fn word() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9&<>'àé中][a-zA-Z0-9 &<>\"'.\\-_àé中]{0,14}[a-zA-Z0-9]"
}

/// An opaque EWS id (base64-like).
pub fn opaque_id() -> impl Strategy<Value = String> {
    "[A-Za-z0-9+/]{8,40}={0,2}"
}

/// An SMTP address.
pub fn smtp() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9.]{0,10}@[a-z]{2,10}\\.(com|net|org)"
}

pub fn item_id() -> impl Strategy<Value = ItemId> {
    (opaque_id(), option::of(opaque_id())).prop_map(|(id, change_key)| ItemId { id, change_key })
}

/// Any item-id choice: an item, an occurrence (index from 1) or an occurrence's master.
#[allow(dead_code)]
pub fn any_item_id() -> impl Strategy<Value = BaseItemId> {
    prop_oneof![
        2 => item_id().prop_map(BaseItemId::Item),
        1 => (opaque_id(), option::of(opaque_id()), 1..=i32::MAX).prop_map(|(m, change_key, instance_index)| {
            BaseItemId::Occurrence(OccurrenceItemId { recurring_master_id: m, change_key, instance_index })
        }),
        1 => (opaque_id(), option::of(opaque_id())).prop_map(|(occurrence_id, change_key)| {
            BaseItemId::RecurringMaster(RecurringMasterItemId { occurrence_id, change_key })
        }),
    ]
}

pub fn folder_id() -> impl Strategy<Value = FolderId> {
    (opaque_id(), option::of(opaque_id())).prop_map(|(id, change_key)| FolderId { id, change_key })
}

pub fn naive_date() -> impl Strategy<Value = NaiveDate> {
    (1950i32..2100, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

pub fn naive_date_time() -> impl Strategy<Value = NaiveDateTime> {
    (naive_date(), 0u32..24, 0u32..60, 0u32..60, prop_oneof![Just(0u32), 1u32..1000])
        .prop_map(|(d, h, mi, s, ms)| d.and_time(NaiveTime::from_hms_milli_opt(h, mi, s, ms).unwrap()))
}

/// A date-time with `Z`, an offset, or no zone.
pub fn date_time() -> impl Strategy<Value = EwsDateTime> {
    prop_oneof![
        (naive_date_time(), (-12i32 * 4..=14 * 4)).prop_map(|(t, q)| {
            let off = FixedOffset::east_opt(q * 15 * 60).unwrap();
            EwsDateTime::Zoned(DateTime::from_naive_utc_and_offset(t, off))
        }),
        naive_date_time().prop_map(EwsDateTime::Floating),
    ]
}

/// A UTC date-time (what Exchange returns for most fields).
pub fn utc_date_time() -> impl Strategy<Value = EwsDateTime> {
    naive_date_time()
        .prop_map(|t| EwsDateTime::Zoned(DateTime::from_naive_utc_and_offset(t, FixedOffset::east_opt(0).unwrap())))
}

pub fn ews_date() -> impl Strategy<Value = EwsDate> {
    (naive_date(), option::of(prop_oneof![Just(0i32), (-12i32 * 4..=14 * 4).prop_map(|q| q * 15 * 60)]))
        .prop_map(|(date, off)| EwsDate { date, offset: off.map(|s| FixedOffset::east_opt(s).unwrap()) })
}

/// A mailbox with every field of the current schema (`Mailbox::retain_supported` fits it to older
/// ones).
pub fn mailbox() -> BoxedStrategy<Mailbox> {
    (
        option::of(text()),
        option::of(smtp()),
        option::of(prop_oneof![Just("SMTP".to_owned()), Just("EX".to_owned())]),
        option::of(proptest::sample::select(MailboxType::ALL)),
        option::of(item_id()),
        option::of(text()),
    )
        .prop_map(|(name, email_address, routing_type, mailbox_type, item_id, original_display_name)| Mailbox {
            name,
            email_address,
            routing_type,
            mailbox_type,
            item_id,
            original_display_name,
        })
        .boxed()
}

pub fn guid() -> impl Strategy<Value = String> {
    "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
}

pub fn extended_field_uri() -> impl Strategy<Value = ExtendedFieldUri> {
    let set = prop_oneof![
        proptest::sample::select(DistinguishedPropertySet::ALL).prop_map(PropertySet::Distinguished),
        guid().prop_map(PropertySet::Guid),
    ];
    let key = prop_oneof![
        (set.clone(), word()).prop_map(|(s, n)| PropertyKey::Name(s, n)),
        (set, 0i32..0x8000).prop_map(|(s, i)| PropertyKey::Id(s, i)),
        (0x0001u32..0xFFFF).prop_map(|t| PropertyKey::Tag(format!("0x{t:04x}"))),
    ];
    (key, proptest::sample::select(MapiPropertyType::ALL))
        .prop_map(|(key, t)| ExtendedFieldUri { key, property_type: t })
}

pub fn extended_property() -> BoxedStrategy<ExtendedProperty> {
    (
        extended_field_uri(),
        prop_oneof![text().prop_map(ExtendedValue::Single), vec(text(), 1..4).prop_map(ExtendedValue::Multi)],
    )
        .prop_map(|(field, value)| ExtendedProperty { field, value })
        .boxed()
}

pub fn body() -> BoxedStrategy<Body> {
    (proptest::sample::select(BodyType::ALL), text(), option::of(any::<bool>()))
        .prop_map(|(t, content, is_truncated)| Body { body_type: t, content, is_truncated })
        .boxed()
}

/// The shared item fields, as a server would send them. Boxed, as the other large strategies are:
/// unboxed, their value trees (regex trees by the dozen) take hundreds of KiB of a test thread's
/// 2 MiB stack in debug builds.
pub fn item_base() -> BoxedStrategy<ItemBase> {
    (
        (
            option::of(item_id()),
            option::of(folder_id()),
            option::of(Just("IPM.Note".to_owned())),
            option::of(text()),
            option::of(proptest::sample::select(Sensitivity::ALL)),
            option::of(body()),
            option::of(utc_date_time()),
            option::of(0i32..1_000_000),
        ),
        (
            option::of(vec(word(), 0..3)),
            option::of(proptest::sample::select(Importance::ALL)),
            option::of(utc_date_time()),
            option::of(any::<bool>()),
            option::of(0i32..10_000),
            vec(extended_property(), 0..3),
            option::of(Just("en-US".to_owned())),
            option::of(utc_date_time()),
        ),
    )
        .prop_map(|(a, b)| ItemBase {
            item_id: a.0,
            parent_folder_id: a.1,
            item_class: a.2,
            subject: a.3,
            sensitivity: a.4,
            body: a.5,
            date_time_received: a.6,
            size: a.7,
            categories: b.0,
            importance: b.1,
            date_time_created: b.2,
            reminder_due_by: None,
            reminder_is_set: b.3,
            reminder_minutes_before_start: b.4,
            has_attachments: None,
            extended_properties: b.5,
            culture: b.6,
            last_modified_name: None,
            last_modified_time: b.7,
        })
        .boxed()
}

/// An item of a kind exsync does not model field by field: the shared fields only.
pub fn other_item() -> BoxedStrategy<Item> {
    (prop_oneof![Just("Message"), Just("Item"), Just("Task"), Just("DistributionList")], item_base())
        .prop_map(|(element, item)| Item::Other(Box::new(OtherItem { element: element.to_owned(), item })))
        .boxed()
}

/// Any item, as a server sends it: a contact, a calendar item (both with every field of the
/// current schema), or another kind. `Item::retain_supported` fits one to an older schema.
pub fn item() -> BoxedStrategy<Item> {
    prop_oneof![
        super::contact::contact().prop_map(Item::from),
        super::calendar::calendar_item().prop_map(Item::from),
        other_item(),
    ]
    .boxed()
}
