//! The tag exsync puts on every item it writes: a named string extended property, in exsync's own
//! property set, holding the application's record id. With it an item can always be found again
//! (after a create whose answer was lost, after a full resync) and told apart from items the user
//! made in Outlook.
//!
//! ```
//! use exsync::backend::ews_mapping::{app_id_of, set_app_id, tag_restriction};
//! use exsync::ews::ItemBase;
//! use exsync::sync::AppId;
//!
//! let mut item = ItemBase::default();
//! set_app_id(&mut item, &AppId::new("crm-42"));
//! assert_eq!(app_id_of(&item), Some(AppId::new("crm-42")));
//! set_app_id(&mut item, &AppId::new("crm-43")); // replaces, never adds a second tag
//! assert_eq!(item.extended_properties.len(), 1);
//! let _find = tag_restriction(&AppId::new("crm-43"));
//! ```

use crate::ews::{ExtendedFieldUri, ExtendedProperty, ExtendedValue, ItemBase, Restriction, SearchExpression};
use crate::sync::AppId;

/// exsync's property set (a fixed GUID; never change it, or items written before become
/// unrecognisable).
pub const EXSYNC_PROPERTY_SET: &str = "5e1a7c0d-93b4-4f2a-8d6e-2c9b41f7a035";

/// The name of the property holding the application's record id.
pub const APP_ID_PROPERTY: &str = "exsync-app-id";

/// The property path of the tag (`t:ExtendedFieldURI PropertySetId=… PropertyName=exsync-app-id
/// PropertyType=String`), to request it in item shapes and to update it.
pub fn app_id_field() -> ExtendedFieldUri {
    ExtendedFieldUri::named_string(EXSYNC_PROPERTY_SET, APP_ID_PROPERTY)
}

/// Sets the tag on `item`, replacing an earlier one.
pub fn set_app_id(item: &mut ItemBase, app_id: &AppId) {
    let field = app_id_field();
    item.extended_properties.retain(|p| p.field != field);
    item.extended_properties.push(ExtendedProperty { field, value: ExtendedValue::Single(app_id.0.clone()) });
}

/// The tag of `item`, if it has one.
pub fn app_id_of(item: &ItemBase) -> Option<AppId> {
    let field = app_id_field();
    item.extended_properties
        .iter()
        .find(|p| p.field == field)
        .and_then(ExtendedProperty::single)
        .filter(|v| !v.is_empty())
        .map(AppId::new)
}

/// Removes the tag from `item` (the other extended properties stay).
pub fn clear_app_id(item: &mut ItemBase) {
    let field = app_id_field();
    item.extended_properties.retain(|p| p.field != field);
}

/// The `FindItem` restriction selecting the item tagged with `app_id`.
pub fn tag_restriction(app_id: &AppId) -> Restriction {
    Restriction { expression: SearchExpression::extended_property_equals(app_id_field(), app_id.0.clone()) }
}
