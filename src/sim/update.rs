//! `UpdateItem` from the server side: [`ItemUpdate`]s (`SetItemField`, `AppendToItemField`,
//! `DeleteItemField`) applied to a stored item, which fields a client may touch, and which
//! properties an edit changed (for counting conflicts).
//!
//! Fields are addressed generically. Every `ews` item type serializes with serde under the schema
//! element's name in snake case (`contacts:JobTitle` is `job_title` on a contact, `item:Subject` is
//! `subject` in its `item` part), and indexed fields are lists of entries with a `key`
//! (`contacts:EmailAddress` / `EmailAddress1` is the `email_addresses` entry keyed `EmailAddress1`).
//! An update copies the named value out of the update's item into the stored one, so fields added
//! to the `ews` types later need nothing here.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::ews::{
    CalendarField, ContactField, DictionaryUri, DistinguishedPropertySet, EwsDateTime, ExtendedFieldUri,
    ExtendedProperty, Item, ItemId, ItemUpdate, PropertyKey, PropertyPath, PropertySet,
};

use super::error::StoreError;

/// The result of an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateOutcome {
    /// The item's id with its new change key.
    pub item_id: ItemId,
    /// How many of the updated properties had changed since the client's change key
    /// (`ConflictResults/Count`); 0 when the change key was current or absent.
    pub conflicts: u32,
}

/// Field URIs of `ItemType` a client may not set or delete: the server maintains them. (Contact
/// and calendar fields are judged by [`ContactField`] and [`CalendarField`].)
const READ_ONLY_FIELDS: &[&str] = &[
    "item:ItemId",
    "item:ParentFolderId",
    "item:Size",
    "item:DateTimeCreated",
    "item:DateTimeReceived",
    "item:DateTimeSent",
    "item:HasAttachments",
    "item:LastModifiedName",
    "item:LastModifiedTime",
    "item:IsAssociated",
    "item:IsSubmitted",
    "item:IsUnmodified",
    "item:EffectiveRights",
    "item:ConversationId",
    "item:InstanceKey",
    "item:StoreEntryId",
    "item:WebClientReadFormQueryString",
    "item:WebClientEditFormQueryString",
];

/// Field URIs `AppendToItemField` accepts.
const APPENDABLE_FIELDS: &[&str] = &[
    "item:Body",
    "calendar:RequiredAttendees",
    "calendar:OptionalAttendees",
    "calendar:Resources",
    "message:ToRecipients",
    "message:CcRecipients",
    "message:BccRecipients",
    "message:ReplyTo",
    "distributionlist:Members",
];

/// Whether the server maintains this field.
pub(crate) fn is_read_only(uri: &str) -> bool {
    READ_ONLY_FIELDS.contains(&uri)
}

/// Fields of [`ItemBase`](crate::ews::ItemBase) the store stamps; edits to them are not changes.
const STAMPED: &[&str] =
    &["item_id", "parent_folder_id", "size", "date_time_created", "last_modified_name", "last_modified_time"];

/// `DisplayName` → `display_name`, `MSExchangeCertificate` → `ms_exchange_certificate`.
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1);
            let boundary = prev.is_some_and(|p| {
                p.is_lowercase() || p.is_ascii_digit() || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
            });
            if boundary {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The item kinds a field-URI prefix belongs to, by the serde tag of [`Item`].
fn prefix_kind(prefix: &str) -> Option<&'static str> {
    match prefix {
        "contacts" => Some("contact"),
        "calendar" => Some("calendar_item"),
        _ => None,
    }
}

/// Where a path's value lives in an item's JSON form.
pub(crate) struct JsonSlot {
    /// In the `item` part (the `ItemType` fields) rather than the kind's own fields.
    pub(crate) in_base: bool,
    /// The field name.
    pub(crate) field: String,
    /// For indexed fields: the entry key and, for physical addresses, the part.
    pub(crate) entry: Option<(String, Option<&'static str>)>,
    /// The serde tag of the item kind the field needs (`None`: any item).
    pub(crate) kind: Option<&'static str>,
}

fn dictionary_slot(uri: DictionaryUri) -> (bool, &'static str, Option<&'static str>, Option<&'static str>) {
    use DictionaryUri as D;
    match uri {
        D::InternetMessageHeader => (true, "internet_message_headers", None, None),
        D::ImAddress => (false, "im_addresses", None, Some("contact")),
        D::PhoneNumber => (false, "phone_numbers", None, Some("contact")),
        D::EmailAddress => (false, "email_addresses", None, Some("contact")),
        D::PhysicalAddressStreet => (false, "physical_addresses", Some("street"), Some("contact")),
        D::PhysicalAddressCity => (false, "physical_addresses", Some("city"), Some("contact")),
        D::PhysicalAddressState => (false, "physical_addresses", Some("state"), Some("contact")),
        D::PhysicalAddressCountryOrRegion => (false, "physical_addresses", Some("country_or_region"), Some("contact")),
        D::PhysicalAddressPostalCode => (false, "physical_addresses", Some("postal_code"), Some("contact")),
        D::DistributionListMember => (false, "members", None, Some("distribution_list")),
    }
}

pub(crate) fn path_text(path: &PropertyPath) -> String {
    match path {
        PropertyPath::Field(f) => f.as_str().to_owned(),
        PropertyPath::Indexed { field_uri, field_index } => format!("{}[{}]", field_uri.as_str(), field_index),
        PropertyPath::Extended(e) => format!("extended property {}", extended_identity(e)),
    }
}

pub(crate) fn slot(path: &PropertyPath) -> Result<Option<JsonSlot>, StoreError> {
    let invalid = || StoreError::InvalidPropertySet { path: path_text(path) };
    Ok(Some(match path {
        PropertyPath::Extended(_) => return Ok(None),
        PropertyPath::Field(f) => {
            let (prefix, name) = f.as_str().split_once(':').ok_or_else(invalid)?;
            let in_base = prefix == "item";
            let kind = if in_base { None } else { Some(prefix_kind(prefix).ok_or_else(invalid)?) };
            JsonSlot { in_base, field: snake_case(name), entry: None, kind }
        }
        PropertyPath::Indexed { field_uri, field_index } => {
            let (in_base, field, part, kind) = dictionary_slot(*field_uri);
            JsonSlot { in_base, field: field.to_owned(), entry: Some((field_index.clone(), part)), kind }
        }
    }))
}

/// The key under which per-property change numbers are kept for `path`.
pub(crate) fn property_key(path: &PropertyPath) -> String {
    match path {
        PropertyPath::Extended(e) => format!("ext:{}", extended_identity(e)),
        _ => match slot(path) {
            Ok(Some(s)) if s.in_base => format!("item.{}", s.field),
            Ok(Some(s)) => s.field,
            _ => path_text(path),
        },
    }
}

/// The GUID of a well-known property set, so `DistinguishedPropertySetId="PublicStrings"` and
/// `PropertySetId="00020329-…"` name the same property, as in MAPI.
fn property_set_guid(set: DistinguishedPropertySet) -> &'static str {
    use DistinguishedPropertySet as S;
    match set {
        S::Meeting => "6ed8da90-450b-101b-98da-00aa003f1305",
        S::Appointment => "00062002-0000-0000-c000-000000000046",
        S::Common => "00062008-0000-0000-c000-000000000046",
        S::PublicStrings => "00020329-0000-0000-c000-000000000046",
        S::Address => "00062004-0000-0000-c000-000000000046",
        S::InternetHeaders => "00020386-0000-0000-c000-000000000046",
        S::CalendarAssistant => "11000e07-b51b-40d6-af21-caa85edab1d0",
        S::UnifiedMessaging => "4442858e-a9e3-4e80-b900-317a210cc15b",
        S::Task => "00062003-0000-0000-c000-000000000046",
        S::Sharing => "00062040-0000-0000-c000-000000000046",
    }
}

fn set_text(set: &PropertySet) -> String {
    match set {
        PropertySet::Distinguished(d) => property_set_guid(*d).to_owned(),
        PropertySet::Guid(g) => g.trim().trim_start_matches('{').trim_end_matches('}').to_ascii_lowercase(),
    }
}

/// A canonical text for which MAPI property an extended field names (the type is not part of the
/// identity; property tags compare by number, set GUIDs without case).
pub(crate) fn extended_identity(field: &ExtendedFieldUri) -> String {
    match &field.key {
        PropertyKey::Name(set, name) => format!("{}/name:{}", set_text(set), name),
        PropertyKey::Id(set, id) => format!("{}/id:{}", set_text(set), id),
        PropertyKey::Tag(tag) => {
            let t = tag.trim();
            let number = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => t.parse::<u32>().ok(),
            };
            match number {
                Some(n) => format!("tag:{n:#06x}"),
                None => format!("tag:{}", t.to_ascii_lowercase()),
            }
        }
    }
}

/// Whether two extended fields name the same property.
pub(crate) fn same_property(a: &ExtendedFieldUri, b: &ExtendedFieldUri) -> bool {
    extended_identity(a) == extended_identity(b)
}

pub(crate) fn to_json(item: &Item) -> Map<String, Value> {
    match serde_json::to_value(item) {
        Ok(Value::Object(m)) => m,
        // Item is an internally tagged enum of structs: it always serializes to an object.
        other => unreachable!("an item serialized to {other:?}"),
    }
}

pub(crate) fn kind_tag(json: &Map<String, Value>) -> Option<&str> {
    json.get("kind").and_then(Value::as_str)
}

fn container(json: &mut Map<String, Value>, in_base: bool) -> &mut Map<String, Value> {
    if !in_base {
        return json;
    }
    let base = json.entry("item").or_insert_with(|| Value::Object(Map::new()));
    if !base.is_object() {
        *base = Value::Object(Map::new());
    }
    base.as_object_mut().expect("made an object above")
}

/// The part of an item's JSON form a slot is in, to read it.
pub(crate) fn container_ref(json: &Map<String, Value>, in_base: bool) -> Option<&Map<String, Value>> {
    if in_base { json.get("item").and_then(Value::as_object) } else { Some(json) }
}

pub(crate) fn entry_key(entry: &Value) -> Option<&str> {
    entry.get("key").and_then(Value::as_str)
}

/// The error for an update of a field the client may not touch.
fn refused(update: &ItemUpdate) -> StoreError {
    let path = path_text(update.path());
    match update {
        ItemUpdate::Set { .. } => StoreError::InvalidPropertySet { path },
        ItemUpdate::Append { .. } => StoreError::InvalidPropertyAppend { path },
        ItemUpdate::Delete { .. } => StoreError::InvalidPropertyDelete { path },
    }
}

/// Whether the client may make this update to `stored`: read-only fields are the server's;
/// calendar fields follow Exchange's own may-update / may-delete flags ([`CalendarField`]),
/// contact fields [`ContactField::is_read_only`]; only some fields take appends.
fn check_writable(stored: &Item, update: &ItemUpdate) -> Result<(), StoreError> {
    let path = update.path();
    if let PropertyPath::Field(f) = path {
        if is_read_only(f.as_str()) {
            return Err(refused(update));
        }
        if matches!(update, ItemUpdate::Append { .. }) && !APPENDABLE_FIELDS.contains(&f.as_str()) {
            return Err(refused(update));
        }
    }
    if matches!(update, ItemUpdate::Append { .. }) && !matches!(path, PropertyPath::Field(_)) {
        return Err(refused(update));
    }
    let allowed = match stored {
        Item::Contact(_) => ContactField::from_path(path).is_none_or(|f| !f.is_read_only()),
        Item::CalendarItem(_) => CalendarField::from_path(path).is_none_or(|f| match update {
            ItemUpdate::Delete { .. } => f.is_deletable(),
            _ => f.is_updatable(),
        }),
        Item::Other(_) => true,
    };
    if allowed { Ok(()) } else { Err(refused(update)) }
}

/// Appends `value` to `target` (lists are extended, a body's content is extended).
fn append_value(target: &mut Value, value: Value) -> bool {
    match (target, value) {
        (Value::Array(list), Value::Array(more)) => {
            list.extend(more);
            true
        }
        (Value::Object(body), Value::Object(more)) => {
            match (body.get_mut("content"), more.get("content").and_then(Value::as_str)) {
                (Some(Value::String(content)), Some(extra)) => {
                    content.push_str(extra);
                    true
                }
                _ => false,
            }
        }
        _ => false,
    }
}

fn apply_json(json: &mut Map<String, Value>, update: &ItemUpdate, s: &JsonSlot) -> Result<(), StoreError> {
    let path = update.path();
    if s.kind.is_some_and(|kind| kind_tag(json) != Some(kind)) {
        return Err(refused(update));
    }
    let mismatch = || StoreError::UpdatePropertyMismatch { path: path_text(path) };
    let (value_item, appending) = match update {
        ItemUpdate::Set { item, .. } => (Some(item), false),
        ItemUpdate::Append { item, .. } => (Some(item), true),
        ItemUpdate::Delete { .. } => (None, false),
    };
    let Some(value_item) = value_item else {
        let target = container(json, s.in_base);
        match &s.entry {
            None => {
                target.remove(&s.field);
            }
            Some((index, part)) => {
                let Some(Value::Array(list)) = target.get_mut(&s.field) else { return Ok(()) };
                match part {
                    None => list.retain(|e| entry_key(e) != Some(index.as_str())),
                    Some(part) => {
                        for e in list.iter_mut().filter(|e| entry_key(e) == Some(index.as_str())) {
                            if let Some(obj) = e.as_object_mut() {
                                obj.remove(*part);
                            }
                        }
                        // An entry left without parts goes; other entries stay as they are.
                        list.retain(|e| {
                            entry_key(e) != Some(index.as_str())
                                || e.as_object().is_none_or(|o| o.keys().any(|k| k != "key"))
                        });
                    }
                }
                if list.is_empty() {
                    target.remove(&s.field);
                }
            }
        }
        return Ok(());
    };
    let mut value_json = to_json(value_item);
    if s.kind.is_some() && kind_tag(&value_json) != kind_tag(json) {
        return Err(mismatch());
    }
    let value = container(&mut value_json, s.in_base).remove(&s.field).ok_or_else(mismatch)?;
    let target = container(json, s.in_base);
    match &s.entry {
        None if appending => match target.get_mut(&s.field) {
            Some(existing) => {
                if !append_value(existing, value) {
                    return Err(refused(update));
                }
            }
            None => {
                target.insert(s.field.clone(), value);
            }
        },
        None => {
            target.insert(s.field.clone(), value);
        }
        Some((index, part)) => {
            let entries = value.as_array().ok_or_else(mismatch)?;
            let new_entry = entries.iter().find(|e| entry_key(e) == Some(index.as_str())).ok_or_else(mismatch)?;
            let list = target.entry(s.field.clone()).or_insert_with(|| Value::Array(Vec::new()));
            if !list.is_array() {
                *list = Value::Array(Vec::new());
            }
            let list = list.as_array_mut().expect("made an array above");
            let pos = list.iter().position(|e| entry_key(e) == Some(index.as_str()));
            match part {
                None => match pos {
                    Some(p) => list[p] = new_entry.clone(),
                    None => list.push(new_entry.clone()),
                },
                Some(part) => {
                    let part_value = new_entry.get(*part).ok_or_else(mismatch)?.clone();
                    let p = match pos {
                        Some(p) => p,
                        None => {
                            let mut fresh = Map::new();
                            fresh.insert("key".to_owned(), Value::String(index.clone()));
                            list.push(Value::Object(fresh));
                            list.len() - 1
                        }
                    };
                    if let Some(obj) = list[p].as_object_mut() {
                        obj.insert((*part).to_owned(), part_value);
                    }
                }
            }
        }
    }
    Ok(())
}

fn apply_extended(item: &mut Item, update: &ItemUpdate, field: &ExtendedFieldUri) -> Result<(), StoreError> {
    let props = &mut item.base_mut().extended_properties;
    match update {
        ItemUpdate::Set { item: value, .. } => {
            let new = value
                .base()
                .extended_properties
                .iter()
                .find(|p| same_property(&p.field, field))
                .cloned()
                .ok_or_else(|| StoreError::UpdatePropertyMismatch { path: path_text(update.path()) })?;
            match props.iter_mut().find(|p| same_property(&p.field, field)) {
                Some(p) => *p = new,
                None => props.push(new),
            }
        }
        ItemUpdate::Delete { .. } => props.retain(|p| !same_property(&p.field, field)),
        ItemUpdate::Append { .. } => return Err(refused(update)),
    }
    Ok(())
}

/// `item` with `updates` applied in order. Server-stamped fields are left for the caller to set.
pub(crate) fn apply(item: &Item, updates: &[ItemUpdate]) -> Result<Item, StoreError> {
    for u in updates {
        check_writable(item, u)?;
    }
    let mut json = to_json(item);
    let mut extended = Vec::new();
    for u in updates {
        match slot(u.path()).map_err(|_| refused(u))? {
            Some(s) => apply_json(&mut json, u, &s)?,
            None => extended.push(u),
        }
    }
    let mut out: Item = serde_json::from_value(Value::Object(json)).map_err(|_| StoreError::InvalidPropertySet {
        path: updates.iter().map(|u| path_text(u.path())).collect::<Vec<_>>().join(", "),
    })?;
    for u in extended {
        if let PropertyPath::Extended(field) = u.path() {
            apply_extended(&mut out, u, field)?;
        }
    }
    Ok(out)
}

/// Every property of `item` that edits are tracked on, keyed as [`property_key`] names them.
fn property_values(item: &Item) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let mut json = to_json(item);
    if let Some(Value::Object(base)) = json.remove("item") {
        for (k, v) in base {
            if !STAMPED.contains(&k.as_str()) && k != "extended_properties" {
                out.insert(format!("item.{k}"), v);
            }
        }
    }
    for (k, v) in json {
        if k != "kind" {
            out.insert(k, v);
        }
    }
    for p in &item.base().extended_properties {
        out.insert(format!("ext:{}", extended_identity(&p.field)), serde_json::to_value(&p.value).unwrap_or_default());
    }
    out
}

/// The properties whose values differ between `before` and `after`.
pub(crate) fn changed_properties(before: &Item, after: &Item) -> Vec<String> {
    let a = property_values(before);
    let b = property_values(after);
    let mut keys: Vec<String> = a.keys().chain(b.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    keys.retain(|k| a.get(k) != b.get(k));
    keys
}

/// Whether a calendar item's JSON form ends before it starts (when both times are present and
/// comparable: both with a zone, or both floating).
fn ends_before_start(json: &Map<String, Value>) -> bool {
    let time = |k: &str| json.get(k).and_then(Value::as_str).and_then(EwsDateTime::parse);
    match (time("start"), time("end")) {
        (Some(EwsDateTime::Zoned(s)), Some(EwsDateTime::Zoned(e))) => e < s,
        (Some(EwsDateTime::Floating(s)), Some(EwsDateTime::Floating(e))) => e < s,
        _ => false,
    }
}

/// Checks a calendar item's `calendar:Start` and `calendar:End`
/// (`ErrorCalendarEndDateIsEarlierThanStartDate`).
pub(crate) fn check_calendar(item: &Item) -> Result<(), StoreError> {
    if matches!(item, Item::CalendarItem(_)) && ends_before_start(&to_json(item)) {
        Err(StoreError::EndBeforeStart)
    } else {
        Ok(())
    }
}

/// The extended property `field` on `item`, if set.
pub(crate) fn find_extended<'a>(item: &'a Item, field: &ExtendedFieldUri) -> Option<&'a ExtendedProperty> {
    item.base().extended_properties.iter().find(|p| same_property(&p.field, field))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ews::{CalendarItem, Contact, ExtendedValue, ItemBase, MapiPropertyType};

    fn contact(name: &str) -> Item {
        Item::Contact(Box::new(Contact { display_name: Some(name.into()), ..Contact::default() }))
    }

    fn subject(s: &str) -> Item {
        let mut c = Contact::default();
        c.item.subject = Some(s.into());
        Item::Contact(Box::new(c))
    }

    fn tag_field() -> ExtendedFieldUri {
        ExtendedFieldUri::named_string("c11ff724-aa03-4555-9952-8fa248a11c3e", "exsync-id")
    }

    #[test]
    fn snake_case_follows_the_types_naming() {
        assert_eq!(snake_case("DisplayName"), "display_name");
        assert_eq!(snake_case("ReminderMinutesBeforeStart"), "reminder_minutes_before_start");
        assert_eq!(snake_case("MSExchangeCertificate"), "ms_exchange_certificate");
        assert_eq!(snake_case("UID"), "uid");
        assert_eq!(snake_case("Subject"), "subject");
    }

    #[test]
    fn sets_and_deletes_fields() {
        let c = contact("Ann");
        let set = ItemUpdate::set(PropertyPath::field("contacts:DisplayName"), contact("Anne"));
        let out = apply(&c, &[set]).unwrap();
        assert_eq!(out, contact("Anne"));
        let del = ItemUpdate::delete(PropertyPath::field("contacts:DisplayName"));
        let Item::Contact(out) = apply(&out, &[del]).unwrap() else { panic!() };
        assert_eq!(out.display_name, None);

        let set = ItemUpdate::set(PropertyPath::field("item:Subject"), subject("hello"));
        let out = apply(&c, &[set]).unwrap();
        assert_eq!(out.base().subject.as_deref(), Some("hello"));
    }

    #[test]
    fn item_fields_take_any_item_element() {
        let cal = Item::CalendarItem(Box::default());
        let set = ItemUpdate::set(PropertyPath::field("item:Subject"), subject("standup"));
        assert_eq!(apply(&cal, &[set]).unwrap().base().subject.as_deref(), Some("standup"));
    }

    #[test]
    fn refuses_read_only_and_foreign_fields() {
        let c = contact("Ann");
        for uri in ["item:ItemId", "item:LastModifiedTime", "calendar:Location", "message:IsRead"] {
            let del = ItemUpdate::delete(PropertyPath::field(uri));
            assert!(matches!(apply(&c, &[del]), Err(StoreError::InvalidPropertyDelete { .. })), "{uri}");
        }
    }

    #[test]
    fn set_without_a_value_is_a_mismatch() {
        let c = contact("Ann");
        let set = ItemUpdate::set(PropertyPath::field("contacts:DisplayName"), subject("x"));
        assert!(matches!(apply(&c, &[set]), Err(StoreError::UpdatePropertyMismatch { .. })));
        let cal = Item::CalendarItem(Box::new(CalendarItem { location: Some("Room 1".into()), ..Default::default() }));
        let set = ItemUpdate::set(PropertyPath::field("contacts:DisplayName"), cal);
        assert!(matches!(apply(&c, &[set]), Err(StoreError::UpdatePropertyMismatch { .. })));
    }

    #[test]
    fn extended_properties_set_replace_and_delete() {
        let mut base = ItemBase::default();
        base.extended_properties
            .push(ExtendedProperty { field: tag_field(), value: ExtendedValue::Single("rec-2".into()) });
        let value = Item::Contact(Box::new(Contact { item: base, ..Contact::default() }));
        let path = PropertyPath::Extended(tag_field());
        let out = apply(&contact("Ann"), &[ItemUpdate::set(path.clone(), value.clone())]).unwrap();
        assert_eq!(find_extended(&out, &tag_field()).unwrap().single(), Some("rec-2"));
        let again = apply(&out, &[ItemUpdate::set(path.clone(), value)]).unwrap();
        assert_eq!(again.base().extended_properties.len(), 1);
        let gone = apply(&again, &[ItemUpdate::delete(path)]).unwrap();
        assert!(gone.base().extended_properties.is_empty());
    }

    #[test]
    fn extended_identity_ignores_spelling() {
        let a = ExtendedFieldUri {
            key: PropertyKey::Name(PropertySet::Distinguished(DistinguishedPropertySet::PublicStrings), "x".into()),
            property_type: MapiPropertyType::String,
        };
        let b = ExtendedFieldUri {
            key: PropertyKey::Name(PropertySet::Guid("{00020329-0000-0000-C000-000000000046}".into()), "x".into()),
            property_type: MapiPropertyType::String,
        };
        assert!(same_property(&a, &b));
        let t1 = ExtendedFieldUri { key: PropertyKey::Tag("0x3A45".into()), property_type: MapiPropertyType::String };
        let t2 = ExtendedFieldUri { key: PropertyKey::Tag("14917".into()), property_type: MapiPropertyType::String };
        assert!(same_property(&t1, &t2));
        assert!(!same_property(&a, &t1));
    }

    #[test]
    fn changed_properties_ignore_stamps() {
        let a = contact("Ann");
        let mut b = contact("Anne");
        b.base_mut().size = Some(10);
        b.base_mut().subject = Some("s".into());
        assert_eq!(changed_properties(&a, &b), vec!["display_name".to_owned(), "item.subject".to_owned()]);
        assert_eq!(property_key(&PropertyPath::field("item:Subject")), "item.subject");
        assert_eq!(property_key(&PropertyPath::field("contacts:DisplayName")), "display_name");
    }

    #[test]
    fn calendar_end_before_start_is_refused() {
        let times = |start: &str, end: &str| {
            let mut m = Map::new();
            m.insert("start".into(), Value::String(start.into()));
            m.insert("end".into(), Value::String(end.into()));
            m
        };
        assert!(ends_before_start(&times("2025-01-01T10:00:00Z", "2025-01-01T09:00:00Z")));
        assert!(ends_before_start(&times("2025-01-01T10:00:00", "2025-01-01T09:59:59")));
        assert!(!ends_before_start(&times("2025-01-01T10:00:00Z", "2025-01-01T10:00:00Z")));
        assert!(!ends_before_start(&times("2025-01-01T10:00:00+02:00", "2025-01-01T09:00:00Z")));
        assert!(!ends_before_start(&times("2025-01-01T10:00:00Z", "2025-01-01T09:00:00")));
        assert!(!ends_before_start(&Map::new()));
        assert!(check_calendar(&contact("x")).is_ok());
        assert!(check_calendar(&Item::CalendarItem(Box::default())).is_ok());
    }
}
