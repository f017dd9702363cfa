//! What the store refuses, and the EWS `ResponseCode` Exchange answers for it.

use crate::ews::ResponseCode;

/// Which kind of item a folder refused to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A contact (needs an `IPF.Contact` folder).
    Contact,
    /// A calendar item (needs an `IPF.Appointment` folder).
    CalendarItem,
    /// A task (needs an `IPF.Task` folder).
    Task,
}

/// An error from the mailbox store. Each maps to the [`ResponseCode`] Exchange gives for the same
/// situation ([`StoreError::response_code`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The id is not one this server could have issued (bad base64, wrong length, failed check).
    #[error("id {id:?} is malformed")]
    MalformedId {
        /// The id as given.
        id: String,
    },
    /// A folder id was given where an item id belongs.
    #[error("id {id:?} is a folder id, not an item id")]
    FolderIdForItemId {
        /// The id as given.
        id: String,
    },
    /// An item id was given where a folder id belongs.
    #[error("id {id:?} is an item id, not a folder id")]
    ItemIdForFolderId {
        /// The id as given.
        id: String,
    },
    /// The id belongs to another mailbox, which this one has no rights on.
    #[error("id {id:?} belongs to another mailbox than {mailbox}")]
    OtherMailbox {
        /// The id as given.
        id: String,
        /// The mailbox acted on.
        mailbox: String,
    },
    /// No item has this id (never did, or it was deleted or moved, which changes the id).
    #[error("item {id:?} does not exist in {mailbox}")]
    ItemNotFound {
        /// The id as given.
        id: String,
        /// The mailbox acted on.
        mailbox: String,
    },
    /// No folder has this id, or the mailbox has no such well-known folder.
    #[error("folder {folder} does not exist in {mailbox}")]
    FolderNotFound {
        /// The folder as given (id or distinguished name).
        folder: String,
        /// The mailbox acted on.
        mailbox: String,
    },
    /// A sibling folder already has this display name (names compare case-insensitively).
    #[error("a folder named {name:?} already exists there")]
    FolderExists {
        /// The display name asked for.
        name: String,
    },
    /// The folder's class does not take items of this kind.
    #[error("a {kind:?} cannot be created in a folder of class {folder_class:?}")]
    WrongFolderClass {
        /// The kind of item.
        kind: ItemKind,
        /// The folder's class (`IPF.Note`, …), if it has one.
        folder_class: Option<String>,
    },
    /// The property is read-only, or the item's type has no such property.
    #[error("property {path} cannot be set on this item")]
    InvalidPropertySet {
        /// The property, as its field URI or extended field.
        path: String,
    },
    /// The property is read-only or required, so it cannot be deleted.
    #[error("property {path} cannot be deleted")]
    InvalidPropertyDelete {
        /// The property.
        path: String,
    },
    /// The property does not take appends (only bodies and recipient lists do).
    #[error("property {path} cannot be appended to")]
    InvalidPropertyAppend {
        /// The property.
        path: String,
    },
    /// A set-field update's item does not carry the property its path names.
    #[error("the update for {path} carries no value for that property")]
    UpdatePropertyMismatch {
        /// The property.
        path: String,
    },
    /// The item changed since the client read it and the update said `NeverOverwrite`.
    #[error("item {id:?} changed since change key {change_key:?}")]
    IrresolvableConflict {
        /// The item id.
        id: String,
        /// The (stale) change key the client sent.
        change_key: String,
    },
    /// The change key is not one this server could have issued.
    #[error("change key {change_key:?} is malformed")]
    InvalidChangeKey {
        /// The change key as given.
        change_key: String,
    },
    /// The sync state is corrupted, from another mailbox or server, or for another folder.
    #[error("the sync state is not valid for this folder")]
    InvalidSyncState,
    /// An indexed page view with a negative offset or a maximum below 1.
    #[error("paging offset {offset} with at most {max_entries:?} entries is invalid")]
    InvalidPaging {
        /// The offset asked for.
        offset: i32,
        /// The maximum asked for.
        max_entries: Option<i32>,
    },
    /// A folder to create lacks a display name or carries server-maintained fields.
    #[error("the folder cannot be saved: {reason}")]
    FolderSave {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A calendar item would end before it starts.
    #[error("the calendar item ends before it starts")]
    EndBeforeStart,
    /// The organisation has no mailbox with this address.
    #[error("there is no mailbox {address}")]
    NonExistentMailbox {
        /// The SMTP address asked for.
        address: String,
    },
    /// A mailbox with this address already exists.
    #[error("mailbox {address} already exists")]
    MailboxExists {
        /// The SMTP address.
        address: String,
    },
    /// A `CalendarView` asked of a folder that is no calendar.
    #[error("a calendar view needs a calendar folder, not one of class {folder_class:?}")]
    NotCalendarFolder {
        /// The folder's class.
        folder_class: Option<String>,
    },
    /// An occurrence id where only an item id will do (moving an occurrence, for one): an
    /// occurrence is changed or deleted with `UpdateItem` / `DeleteItem`.
    #[error("occurrence {id:?} of a series cannot be used here: change or delete it, or use the series")]
    OccurrenceChangeUnsupported {
        /// The occurrence's id.
        id: String,
    },
    /// An occurrence asked of an item that is no recurring series.
    #[error("item {id:?} is not the master of a recurring series")]
    NotRecurringMaster {
        /// The id given.
        id: String,
    },
    /// A `RecurringMasterItemId` naming something other than an occurrence.
    #[error("{id:?} is not the id of an occurrence")]
    NotAnOccurrence {
        /// The id given.
        id: String,
    },
    /// An `InstanceIndex` the series does not have (the first is 1).
    #[error("the series has no occurrence {index}")]
    OccurrenceOutOfRange {
        /// The 1-based index asked for.
        index: i64,
    },
    /// The occurrence was deleted from its series; Exchange cannot bring it back.
    #[error("occurrence {index} was deleted from its series")]
    OccurrenceDeleted {
        /// The 1-based index.
        index: i64,
    },
    /// An update that would give an occurrence a recurrence of its own.
    #[error("an occurrence cannot have a recurrence of its own")]
    OccurrenceRecurrence,
    /// The simulator expands only series whose start time zone is UTC (it knows no time zone
    /// rules, and occurrences in other zones move against UTC with daylight saving time).
    #[error("the simulator cannot expand a series in time zone {zone:?} (only UTC)")]
    SeriesTimeZoneUnsupported {
        /// The series' start time zone.
        zone: String,
    },
}

impl StoreError {
    /// The `ResponseCode` an EWS response message carries for this error.
    pub fn response_code(&self) -> ResponseCode {
        match self {
            StoreError::MalformedId { .. } => ResponseCode::ErrorInvalidIdMalformed,
            StoreError::FolderIdForItemId { .. } => ResponseCode::ErrorCannotUseFolderIdForItemId,
            StoreError::ItemIdForFolderId { .. } => ResponseCode::ErrorCannotUseItemIdForFolderId,
            StoreError::OtherMailbox { .. } => ResponseCode::ErrorAccessDenied,
            StoreError::ItemNotFound { .. } => ResponseCode::ErrorItemNotFound,
            StoreError::FolderNotFound { .. } => ResponseCode::ErrorFolderNotFound,
            StoreError::FolderExists { .. } => ResponseCode::ErrorFolderExists,
            StoreError::WrongFolderClass { kind, .. } => match kind {
                ItemKind::Contact => ResponseCode::ErrorCannotCreateContactInNonContactFolder,
                ItemKind::CalendarItem => ResponseCode::ErrorCannotCreateCalendarItemInNonCalendarFolder,
                ItemKind::Task => ResponseCode::ErrorCannotCreateTaskInNonTaskFolder,
            },
            StoreError::InvalidPropertySet { .. } => ResponseCode::ErrorInvalidPropertySet,
            StoreError::UpdatePropertyMismatch { .. } => ResponseCode::ErrorUpdatePropertyMismatch,
            StoreError::IrresolvableConflict { .. } => ResponseCode::ErrorIrresolvableConflict,
            StoreError::InvalidChangeKey { .. } => ResponseCode::ErrorInvalidChangeKey,
            StoreError::InvalidSyncState => ResponseCode::ErrorInvalidSyncStateData,
            StoreError::InvalidPropertyDelete { .. } => ResponseCode::ErrorInvalidPropertyDelete,
            StoreError::InvalidPropertyAppend { .. } => ResponseCode::ErrorInvalidPropertyAppend,
            StoreError::InvalidPaging { .. } => ResponseCode::ErrorInvalidIndexedPagingParameters,
            StoreError::FolderSave { .. } => ResponseCode::ErrorFolderSavePropertyError,
            StoreError::EndBeforeStart => ResponseCode::ErrorCalendarEndDateIsEarlierThanStartDate,
            StoreError::NonExistentMailbox { .. } => ResponseCode::ErrorNonExistentMailbox,
            StoreError::MailboxExists { .. } => ResponseCode::ErrorInvalidArgument,
            StoreError::NotCalendarFolder { .. } => ResponseCode::ErrorCalendarFolderIsInvalidForCalendarView,
            StoreError::OccurrenceChangeUnsupported { .. } => ResponseCode::ErrorCalendarCannotMoveOrCopyOccurrence,
            StoreError::NotRecurringMaster { .. } => ResponseCode::ErrorCalendarCannotUseIdForRecurringMasterId,
            StoreError::NotAnOccurrence { .. } => ResponseCode::ErrorCalendarCannotUseIdForOccurrenceId,
            StoreError::OccurrenceOutOfRange { .. } => ResponseCode::ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange,
            StoreError::OccurrenceDeleted { .. } => ResponseCode::ErrorCalendarOccurrenceIsDeletedFromRecurrence,
            StoreError::OccurrenceRecurrence => ResponseCode::ErrorCalendarInvalidRecurrence,
            StoreError::SeriesTimeZoneUnsupported { .. } => ResponseCode::ErrorInvalidOperation,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_ones_exchange_uses() {
        assert_eq!(StoreError::InvalidSyncState.response_code().as_str(), "ErrorInvalidSyncStateData");
        let e = StoreError::WrongFolderClass { kind: ItemKind::Contact, folder_class: Some("IPF.Note".into()) };
        assert_eq!(e.response_code().as_str(), "ErrorCannotCreateContactInNonContactFolder");
        let e = StoreError::IrresolvableConflict { id: "x".into(), change_key: "y".into() };
        assert_eq!(e.response_code().as_str(), "ErrorIrresolvableConflict");
        assert!(e.to_string().contains("changed since"));
    }
}
