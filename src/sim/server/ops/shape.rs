//! Response shapes from the server side: which properties of a stored item or folder an answer
//! carries (`IdOnly`, `Default`, `AllProperties`, plus `AdditionalProperties`).
//!
//! `IdOnly` keeps the element kind and the id (with change key) and adds the additional properties;
//! `Default` and `AllProperties` return every property the store holds (the store keeps only
//! properties exsync models, so Exchange's `Default` subset would differ only in properties the
//! simulator does not have). A request written for Exchange 2010 SP2 or older gets items without
//! the newer elements ([`Item::retain_supported`]).

use serde_json::{Map, Value};

use crate::ews::{BaseShape, ExchangeVersion, Folder, FolderBase, FolderShape, Item, ItemShape, PropertyPath};
use crate::sim::update::{find_extended, slot, to_json};

/// The skeleton of `item` in JSON form: its kind (and element) and its id.
fn skeleton(full: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for k in ["kind", "element"] {
        if let Some(v) = full.get(k) {
            out.insert(k.to_owned(), v.clone());
        }
    }
    let mut base = Map::new();
    if let Some(id) = full.get("item").and_then(|b| b.get("item_id")) {
        base.insert("item_id".to_owned(), id.clone());
    }
    out.insert("item".to_owned(), Value::Object(base));
    out
}

/// Copies the property at `path` from `full` into `out` (JSON forms).
fn copy_property(full: &Map<String, Value>, out: &mut Map<String, Value>, path: &PropertyPath) {
    let Ok(Some(s)) = slot(path) else { return };
    if s.kind.is_some_and(|k| full.get("kind").and_then(Value::as_str) != Some(k)) {
        return;
    }
    let source = if s.in_base { full.get("item").and_then(Value::as_object) } else { Some(full) };
    let Some(value) = source.and_then(|c| c.get(&s.field)) else { return };
    let target = if s.in_base {
        match out.entry("item").or_insert_with(|| Value::Object(Map::new())) {
            Value::Object(m) => m,
            _ => return,
        }
    } else {
        out
    };
    match (&s.entry, value) {
        (Some((key, _)), Value::Array(entries)) => {
            let picked: Vec<Value> = entries
                .iter()
                .filter(|e| e.get("key").and_then(Value::as_str) == Some(key.as_str()))
                .cloned()
                .collect();
            match target.entry(s.field.clone()).or_insert_with(|| Value::Array(Vec::new())) {
                Value::Array(list) => {
                    for p in picked {
                        if !list.contains(&p) {
                            list.push(p);
                        }
                    }
                }
                other => *other = Value::Array(picked),
            }
        }
        _ => {
            target.insert(s.field.clone(), value.clone());
        }
    }
}

/// `item` as an answer in `shape` carries it, for a request written for `version`.
pub(crate) fn shape_item(item: &Item, shape: &ItemShape, version: ExchangeVersion) -> Item {
    let mut out = match shape.base_shape {
        BaseShape::Default | BaseShape::AllProperties => item.clone(),
        BaseShape::IdOnly if shape.additional_properties.is_empty() => id_only(item),
        BaseShape::IdOnly => {
            let full = to_json(item);
            let mut json = skeleton(&full);
            for p in &shape.additional_properties {
                copy_property(&full, &mut json, p);
            }
            let mut shaped: Item = serde_json::from_value(Value::Object(json)).unwrap_or_else(|_| id_only(item));
            for p in &shape.additional_properties {
                if let PropertyPath::Extended(field) = p
                    && let Some(prop) = find_extended(item, field)
                {
                    shaped.base_mut().extended_properties.push(prop.clone());
                }
            }
            shaped
        }
    };
    out.retain_supported(version);
    out
}

/// The item's kind with its id only (what `CreateItem` and `UpdateItem` answer).
pub(crate) fn id_only(item: &Item) -> Item {
    let mut out = match item {
        Item::Contact(_) => Item::Contact(Box::default()),
        Item::CalendarItem(_) => Item::CalendarItem(Box::default()),
        Item::Other(o) => {
            Item::Other(Box::new(crate::ews::OtherItem { element: o.element.clone(), item: Default::default() }))
        }
    };
    out.base_mut().item_id = item.id().cloned();
    out
}

/// `folder` as an answer in `shape` carries it.
pub(crate) fn shape_folder(folder: &Folder, shape: &FolderShape) -> Folder {
    let mut out = folder.clone();
    if shape.base_shape != BaseShape::IdOnly {
        return out;
    }
    let full = folder.base().clone();
    let b = out.base_mut();
    *b = FolderBase { folder_id: full.folder_id.clone(), ..FolderBase::default() };
    match &mut out {
        Folder::Generic(g) => g.unread_count = None,
        Folder::Other(o) => o.unread_count = None,
        _ => {}
    }
    let b = out.base_mut();
    for p in &shape.additional_properties {
        match p {
            PropertyPath::Field(f) => match f.as_str() {
                "folder:ParentFolderId" => b.parent_folder_id = full.parent_folder_id.clone(),
                "folder:FolderClass" => b.folder_class = full.folder_class.clone(),
                "folder:DisplayName" => b.display_name = full.display_name.clone(),
                "folder:TotalCount" => b.total_count = full.total_count,
                "folder:ChildFolderCount" => b.child_folder_count = full.child_folder_count,
                "folder:EffectiveRights" => b.effective_rights = full.effective_rights,
                "folder:DistinguishedFolderId" => b.distinguished_folder_id = full.distinguished_folder_id,
                _ => {}
            },
            PropertyPath::Extended(field) => {
                let same = |x: &&crate::ews::ExtendedProperty| {
                    crate::sim::update::extended_identity(&x.field) == crate::sim::update::extended_identity(field)
                };
                if let Some(prop) = full.extended_properties.iter().find(same) {
                    b.extended_properties.push(prop.clone());
                }
            }
            PropertyPath::Indexed { .. } => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ews::{
        Contact, EmailAddress, EmailAddressKey, ExtendedFieldUri, ExtendedProperty, ExtendedValue, ItemId,
    };

    fn stored() -> Item {
        let mut c = Contact {
            display_name: Some("Dana Ruiz".into()),
            company_name: Some("Fabrikam".into()),
            email_addresses: vec![
                EmailAddress::new(EmailAddressKey::EmailAddress1, "dana@fabrikam.com"),
                EmailAddress::new(EmailAddressKey::EmailAddress2, "dana@home.example"),
            ],
            ..Contact::default()
        };
        c.item.item_id = Some(ItemId::with_change_key("AAMk1", "CQAA1"));
        c.item.subject = Some("Dana Ruiz".into());
        c.item.extended_properties.push(ExtendedProperty {
            field: ExtendedFieldUri::named_string("c11ff724-aa03-4555-9952-8fa248a11c3e", "exsync-id"),
            value: ExtendedValue::Single("rec-1".into()),
        });
        Item::Contact(Box::new(c))
    }

    #[test]
    fn id_only_with_additional_properties() {
        let mut shape = ItemShape::new(BaseShape::IdOnly);
        let bare = shape_item(&stored(), &shape, ExchangeVersion::Exchange2016);
        assert_eq!(bare, id_only(&stored()));
        shape.additional_properties = vec![
            PropertyPath::field("contacts:CompanyName"),
            PropertyPath::field("item:Subject"),
            PropertyPath::Indexed {
                field_uri: crate::ews::DictionaryUri::EmailAddress,
                field_index: "EmailAddress2".into(),
            },
            PropertyPath::Extended(ExtendedFieldUri::named_string("C11FF724-AA03-4555-9952-8FA248A11C3E", "exsync-id")),
            PropertyPath::field("calendar:Start"),
        ];
        let Item::Contact(c) = shape_item(&stored(), &shape, ExchangeVersion::Exchange2016) else { panic!() };
        assert_eq!(c.company_name.as_deref(), Some("Fabrikam"));
        assert_eq!(c.display_name, None);
        assert_eq!(c.item.subject.as_deref(), Some("Dana Ruiz"));
        assert_eq!(c.email_addresses.len(), 1);
        assert_eq!(c.email_addresses[0].address, "dana@home.example");
        assert_eq!(c.item.extended_properties.len(), 1);
        assert_eq!(c.item.item_id.as_ref().map(|i| i.id.as_str()), Some("AAMk1"));
    }

    #[test]
    fn default_and_all_properties_return_everything() {
        let all = shape_item(&stored(), &ItemShape::new(BaseShape::AllProperties), ExchangeVersion::Exchange2016);
        assert_eq!(all, stored());
        let d = shape_item(&stored(), &ItemShape::new(BaseShape::Default), ExchangeVersion::Exchange2016);
        assert_eq!(d, stored());
    }

    #[test]
    fn folders_by_shape() {
        let mut f = Folder::contacts("Clients");
        f.base_mut().folder_id = Some(crate::ews::FolderId::new("AAMkF"));
        f.base_mut().total_count = Some(3);
        let mut shape = FolderShape::new(BaseShape::IdOnly);
        let bare = shape_folder(&f, &shape);
        assert_eq!(bare.display_name(), None);
        assert_eq!(bare.element_name(), "ContactsFolder");
        assert_eq!(bare.id().map(|i| i.id.as_str()), Some("AAMkF"));
        shape.additional_properties = vec![PropertyPath::field("folder:DisplayName")];
        assert_eq!(shape_folder(&f, &shape).display_name(), Some("Clients"));
        assert_eq!(shape_folder(&f, &FolderShape::new(BaseShape::Default)), f);
    }
}
