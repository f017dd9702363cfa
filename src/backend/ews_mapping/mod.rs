//! Canonical records ↔ EWS items: [`contact`] for contacts, [`event`] for calendar items, [`tag`]
//! for the extended property that carries the application's record id. Pure functions; the EWS
//! backend calls them around its requests.

pub mod contact;
pub mod event;
pub mod tag;

pub use contact::{contact_from_ews, contact_item_updates, contact_record_updates, contact_to_ews, overlay_contact};
pub use event::{
    OccurrenceEdit, event_from_ews, event_item_updates, event_record_updates, event_to_ews, occurrence_edits,
    overlay_event, recurrence_from_ews, recurrence_to_ews,
};
pub use tag::{
    APP_ID_PROPERTY, EXSYNC_PROPERTY_SET, app_id_field, app_id_of, clear_app_id, set_app_id, tag_restriction,
};

/// An EWS item that cannot be read as a canonical record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    /// A field the canonical record needs is absent.
    #[error("the item has no {field}; exsync cannot sync it")]
    Missing {
        /// The field URI.
        field: &'static str,
    },
    /// The item uses something the canonical model does not hold.
    #[error("exsync cannot map {what}")]
    Unsupported {
        /// What.
        what: String,
    },
}
