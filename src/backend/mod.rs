//! The mailbox side of the sync engine: [`MailboxBackend`], the trait the engine drives (list the
//! changes since a cursor, read, create, update, delete, find an item by its exsync tag), in
//! canonical [`Record`]s, so nothing of EWS reaches the planner.
//!
//! - [`ews_mapping`]: canonical records ↔ EWS contacts and calendar items, the exsync tag, and the
//!   field-level `UpdateItem` changes; the EWS backend builds on it.
//! - [`ews`]: [`EwsBackend`](ews::EwsBackend), the implementation over Exchange Web Services.
//! - `memory` (feature `memory-backend`): a deterministic in-memory mailbox with fault injection,
//!   for tests of the engine and of applications built on it.
//!
//! Calls take slices and return one result per item, in order, so the engine can batch (up to
//! [`MAX_BATCH`] items per call, as EWS takes them).

pub mod error;
pub mod ews;
pub mod ews_mapping;
#[cfg(feature = "memory-backend")]
pub mod memory;

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use error::BackendError;

use crate::sync::{AppId, ContactsFolder, ObjectKind, Record, UserId};

/// The most items one backend call carries (EWS takes up to 100 items per CreateItem, UpdateItem,
/// DeleteItem and GetItem).
pub const MAX_BATCH: usize = 100;

/// An item's id in the mailbox and the version it was seen at (EWS `ItemId` and `ChangeKey`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RemoteId {
    /// The item id, stable while the item stays in its folder.
    pub id: String,
    /// The version; an update naming an older one fails with [`BackendError::StaleChangeKey`].
    /// In the engine's id map, `None` marks an item exsync created that no listing has reported
    /// yet (backends always give one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_key: Option<String>,
}

impl RemoteId {
    /// An id at a version.
    pub fn new(id: impl Into<String>, change_key: impl Into<String>) -> Self {
        RemoteId { id: id.into(), change_key: Some(change_key.into()) }
    }
}

/// An item as the mailbox holds it, in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteItem {
    /// Id and version.
    pub id: RemoteId,
    /// The content.
    pub record: Record,
    /// The exsync tag (the application's record id), if exsync wrote the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<AppId>,
    /// When the item was last changed, if the mailbox says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<DateTime<Utc>>,
}

/// One change reported by [`MailboxBackend::list_changes`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemoteChange {
    /// Created or changed: its current state.
    Upserted(RemoteItem),
    /// Deleted (or moved out of the synced folder).
    Deleted {
        /// The item id.
        id: String,
    },
}

impl RemoteChange {
    /// The item id the change is about.
    pub fn item_id(&self) -> &str {
        match self {
            RemoteChange::Upserted(i) => &i.id.id,
            RemoteChange::Deleted { id } => id,
        }
    }
}

/// Where the engine stands in a folder's change stream (EWS `SyncState`): opaque text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cursor(pub String);

/// A page of changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangePage {
    /// The changes, oldest first, at most one per item.
    pub changes: Vec<RemoteChange>,
    /// Where the next call continues.
    pub cursor: Cursor,
    /// Whether more changes wait after this page.
    pub more: bool,
}

/// Which folder of the user's mailbox a call is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FolderScope {
    /// Contacts or events.
    pub kind: ObjectKind,
    /// For contacts: which folder (ignored for events, which live in the default calendar).
    pub contacts_folder: ContactsFolder,
}

impl FolderScope {
    /// The default folder of `kind`.
    pub fn default_folder(kind: ObjectKind) -> Self {
        FolderScope { kind, contacts_folder: ContactsFolder::Default }
    }
}

/// An item to create, with the tag it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    /// The application's id, written as the exsync tag.
    pub tag: AppId,
    /// The content.
    pub record: Record,
}

/// An update of an existing item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemChange {
    /// The item at the version the change is based on.
    pub id: RemoteId,
    /// The content last synced, if known (so a backend can send only what changed).
    pub base: Option<Record>,
    /// The new content.
    pub record: Record,
    /// The application's id; the backend writes the tag if the item lacks it.
    pub tag: AppId,
}

/// The result of one item of a batch.
pub type ItemResult<T> = Result<T, BackendError>;

/// A mailbox the engine syncs with, seen through canonical records. EWS is the first
/// implementation; Microsoft Graph is meant to be the second.
///
/// Every method is about one user's mailbox and one folder. Batch methods return one result per
/// input item, in order; an `Err` of the whole call means no item result is known (for writes,
/// [`BackendError::Ambiguous`] says some may have been applied).
pub trait MailboxBackend: Send + Sync {
    /// The changes since `cursor` (everything in the folder when `None`), at most `max` per page.
    /// [`BackendError::InvalidCursor`] when the mailbox no longer knows the cursor: the engine then
    /// resyncs the folder from scratch.
    fn list_changes(
        &self,
        user: &UserId,
        scope: &FolderScope,
        cursor: Option<&Cursor>,
        max: usize,
    ) -> impl Future<Output = Result<ChangePage, BackendError>> + Send;

    /// The current state of items by id.
    fn read(
        &self,
        user: &UserId,
        scope: &FolderScope,
        ids: &[String],
    ) -> impl Future<Output = Result<Vec<ItemResult<RemoteItem>>, BackendError>> + Send;

    /// Creates items, each tagged; returns their ids.
    fn create(
        &self,
        user: &UserId,
        scope: &FolderScope,
        items: &[NewItem],
    ) -> impl Future<Output = Result<Vec<ItemResult<RemoteId>>, BackendError>> + Send;

    /// Updates items; returns their new versions. An item changed since its `change_key` fails
    /// with [`BackendError::StaleChangeKey`].
    fn update(
        &self,
        user: &UserId,
        scope: &FolderScope,
        changes: &[ItemChange],
    ) -> impl Future<Output = Result<Vec<ItemResult<RemoteId>>, BackendError>> + Send;

    /// Deletes items (an item already gone is [`BackendError::NotFound`]).
    fn delete(
        &self,
        user: &UserId,
        scope: &FolderScope,
        ids: &[RemoteId],
    ) -> impl Future<Output = Result<Vec<ItemResult<()>>, BackendError>> + Send;

    /// The items carrying the exsync tag `tag` (normally none or one).
    fn find_by_tag(
        &self,
        user: &UserId,
        scope: &FolderScope,
        tag: &AppId,
    ) -> impl Future<Output = Result<Vec<RemoteItem>, BackendError>> + Send;
}

impl<T: MailboxBackend + ?Sized> MailboxBackend for std::sync::Arc<T> {
    fn list_changes(
        &self,
        user: &UserId,
        scope: &FolderScope,
        cursor: Option<&Cursor>,
        max: usize,
    ) -> impl Future<Output = Result<ChangePage, BackendError>> + Send {
        (**self).list_changes(user, scope, cursor, max)
    }

    fn read(
        &self,
        user: &UserId,
        scope: &FolderScope,
        ids: &[String],
    ) -> impl Future<Output = Result<Vec<ItemResult<RemoteItem>>, BackendError>> + Send {
        (**self).read(user, scope, ids)
    }

    fn create(
        &self,
        user: &UserId,
        scope: &FolderScope,
        items: &[NewItem],
    ) -> impl Future<Output = Result<Vec<ItemResult<RemoteId>>, BackendError>> + Send {
        (**self).create(user, scope, items)
    }

    fn update(
        &self,
        user: &UserId,
        scope: &FolderScope,
        changes: &[ItemChange],
    ) -> impl Future<Output = Result<Vec<ItemResult<RemoteId>>, BackendError>> + Send {
        (**self).update(user, scope, changes)
    }

    fn delete(
        &self,
        user: &UserId,
        scope: &FolderScope,
        ids: &[RemoteId],
    ) -> impl Future<Output = Result<Vec<ItemResult<()>>, BackendError>> + Send {
        (**self).delete(user, scope, ids)
    }

    fn find_by_tag(
        &self,
        user: &UserId,
        scope: &FolderScope,
        tag: &AppId,
    ) -> impl Future<Output = Result<Vec<RemoteItem>, BackendError>> + Send {
        (**self).find_by_tag(user, scope, tag)
    }
}
