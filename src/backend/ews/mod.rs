//! [`EwsBackend`]: the [`MailboxBackend`] over Exchange Web Services, through one service
//! account's [`EwsClient`], each call impersonating the user whose mailbox it is about.
//!
//! - [`changes`]: `SyncFolderItems` (ids only, up to 512 changes a page, the `SyncState` as the
//!   cursor), then `GetItem` for the created and changed items, as Exchange advises (a sync answer
//!   cannot carry bodies);
//! - [`read`]: `GetItem`, up to 100 items a call;
//! - [`write`](mod@write): `CreateItem`, `UpdateItem`, `DeleteItem`, up to 100 items a call, sending no
//!   meeting invitations, updates or cancellations; an update names the change key it is based on
//!   (`NeverOverwrite`), so an item changed meanwhile fails with
//!   [`BackendError::StaleChangeKey`];
//! - [`find`]: `FindItem` with an `IsEqualTo` restriction on the exsync tag;
//! - [`folders`]: which folder a [`FolderScope`] means (the distinguished contacts or calendar
//!   folder, a contacts folder by id, or one by name under the default contacts folder, looked up
//!   once and remembered);
//! - [`status`]: what EWS answers and transport failures mean to the engine;
//! - [`written`]: the items this backend wrote, at the change keys Exchange answered, so a
//!   listing that reports them unchanged since does not read them again.
//!
//! Exchange reports every item of a batch separately; each item's error keeps Exchange's
//! `ResponseCode` ([`BackendError::Exchange`]) unless it has a meaning of its own to the engine
//! (`ErrorItemNotFound`, a stale change key, `ErrorInvalidSyncStateData`, throttling).
//!
//! Exceptions of a series go both ways. Those made in Outlook are read from the master's
//! `ModifiedOccurrences` and `DeletedOccurrences`; those the application makes (a cancelled or
//! moved occurrence) are written after the master's update through its occurrences'
//! `OccurrenceItemId`s ([`occurrences`]), after the master's create or update. Not done:
//! restoring a cancelled occurrence (Exchange cannot), which fails for that item with
//! [`BackendError::Unsupported`]. A moved occurrence the application no longer has is moved back.
//!
//! ```no_run
//! use exsync::backend::ews::EwsBackend;
//! use exsync::store::MemoryStore;
//! use exsync::sync::SyncEngine;
//! use exsync::transport::{Credentials, EwsClient, EwsClientConfig, Secret, UserName};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let credentials = Credentials::Basic {
//!     user: UserName::parse("svc-sync@contoso.com")?,
//!     password: Secret::new("from the secret store"),
//! };
//! let client = EwsClient::new(EwsClientConfig::new("https://mail.contoso.com/EWS/Exchange.asmx".parse()?, credentials))?;
//! let engine = SyncEngine::new(MemoryStore::new(), EwsBackend::new(client));
//! # let _ = engine;
//! # Ok(())
//! # }
//! ```

pub mod changes;
pub mod find;
pub mod folders;
pub mod items;
pub mod occurrences;
pub mod read;
pub mod status;
pub mod write;
pub mod written;

use super::{
    BackendError, ChangePage, Cursor, FolderScope, ItemChange, ItemResult, MailboxBackend, NewItem, RemoteId,
    RemoteItem,
};
use crate::sync::{AppId, UserId};
use crate::transport::EwsClient;

pub use folders::FolderCache;
pub use written::Written;

/// The EWS mailbox backend. Cheap to clone: clones share the client (its connections, limits and
/// cookies) and the folder lookups.
#[derive(Debug, Clone)]
pub struct EwsBackend {
    client: EwsClient,
    folders: std::sync::Arc<FolderCache>,
    written: std::sync::Arc<Written>,
}

impl EwsBackend {
    /// A backend over `client` (the service account that impersonates the users).
    pub fn new(client: EwsClient) -> Self {
        EwsBackend { client, folders: std::sync::Arc::default(), written: std::sync::Arc::default() }
    }

    /// The EWS client.
    pub fn client(&self) -> &EwsClient {
        &self.client
    }

    /// Forgets the folders looked up so far (after a folder was renamed or recreated).
    pub fn forget_folders(&self) {
        self.folders.clear();
    }
}

impl MailboxBackend for EwsBackend {
    async fn list_changes(
        &self,
        user: &UserId,
        scope: &FolderScope,
        cursor: Option<&Cursor>,
        max: usize,
    ) -> Result<ChangePage, BackendError> {
        let folder = self.folders.resolve(&self.client, user, scope).await?;
        changes::list_changes(&self.client, user, scope, &folder, cursor, max, &self.written).await
    }

    async fn read(
        &self,
        user: &UserId,
        scope: &FolderScope,
        ids: &[String],
    ) -> Result<Vec<ItemResult<RemoteItem>>, BackendError> {
        read::read(&self.client, user, scope, ids).await
    }

    async fn create(
        &self,
        user: &UserId,
        scope: &FolderScope,
        items: &[NewItem],
    ) -> Result<Vec<ItemResult<RemoteId>>, BackendError> {
        let folder = self.folders.resolve(&self.client, user, scope).await?;
        let results = write::create(&self.client, user, scope, &folder, items).await?;
        for (item, r) in items.iter().zip(&results) {
            if let Ok(id) = r {
                self.written.remember(user, id, &item.record, &item.tag);
            }
        }
        Ok(results)
    }

    async fn update(
        &self,
        user: &UserId,
        scope: &FolderScope,
        changes: &[ItemChange],
    ) -> Result<Vec<ItemResult<RemoteId>>, BackendError> {
        let results = write::update(&self.client, user, scope, changes).await?;
        for (change, r) in changes.iter().zip(&results) {
            match r {
                Ok(id) => self.written.remember(user, id, &change.record, &change.tag),
                Err(_) => self.written.forget(user, &change.id.id),
            }
        }
        Ok(results)
    }

    async fn delete(
        &self,
        user: &UserId,
        scope: &FolderScope,
        ids: &[RemoteId],
    ) -> Result<Vec<ItemResult<()>>, BackendError> {
        for id in ids {
            self.written.forget(user, &id.id);
        }
        write::delete(&self.client, user, scope, ids).await
    }

    async fn find_by_tag(
        &self,
        user: &UserId,
        scope: &FolderScope,
        tag: &AppId,
    ) -> Result<Vec<RemoteItem>, BackendError> {
        let folder = self.folders.resolve(&self.client, user, scope).await?;
        find::find_by_tag(&self.client, user, scope, &folder, tag).await
    }
}
