//! Listing a folder's changes: `SyncFolderItems` with ids only (at most 512 changes a page; the
//! `SyncState` is the cursor), then `GetItem` for the created and changed items, since a sync
//! answer cannot carry bodies. `ErrorInvalidSyncStateData` is [`BackendError::InvalidCursor`].
//!
//! What the engine gets: one change per item, in Exchange's order. Left out are read-flag changes,
//! items of another kind than the folder's (distribution lists among contacts), items that cannot
//! be mapped to a record, and items deleted between the two calls (the next listing reports their
//! deletion).

use crate::backend::{BackendError, ChangePage, Cursor, FolderScope, RemoteChange};
use crate::ews::{BaseFolderId, MaxChangesReturned, SyncChange, SyncFolderItems};
use crate::sync::UserId;
use crate::transport::EwsClient;

use super::items::{self, Unreadable};
use super::read::get_items;
use super::status::{self, CallKind, Failing};

/// What a sync answer said of one item.
enum Seen {
    /// Created or changed: to read in full.
    Changed(String),
    /// Deleted or moved out of the folder.
    Deleted(String),
}

impl Seen {
    fn id(&self) -> &str {
        match self {
            Seen::Changed(id) | Seen::Deleted(id) => id,
        }
    }
}

/// [`MailboxBackend::list_changes`](crate::backend::MailboxBackend::list_changes) for `folder`.
pub async fn list_changes(
    client: &EwsClient,
    user: &UserId,
    scope: &FolderScope,
    folder: &BaseFolderId,
    cursor: Option<&Cursor>,
    max: usize,
) -> Result<ChangePage, BackendError> {
    let kind = scope.kind;
    let f = Failing { user, operation: "list_changes", kind, call: CallKind::Read };
    let max = MaxChangesReturned::clamped(i64::try_from(max).unwrap_or(i64::MAX));
    let mut op = SyncFolderItems::new(folder.clone(), items::id_shape()).with_max_changes(max);
    if let Some(c) = cursor {
        op = op.with_sync_state(c.0.clone());
    }
    let reply = client.call(user.as_str(), op).await.map_err(|e| status::from_transport(f, e))?;
    let message =
        reply.response.messages.into_iter().next().ok_or_else(|| status::malformed(f, "no response message"))?;
    if !message.status.is_ok() {
        return Err(status::from_status(f, None, &message.status));
    }
    let content = message.content;
    let state =
        content.sync_state.filter(|s| !s.trim().is_empty()).ok_or_else(|| status::malformed(f, "no SyncState"))?;
    let more = content.includes_last_item_in_range == Some(false);

    // One entry per item, at the position of its latest change.
    let mut seen: Vec<Seen> = Vec::new();
    for change in content.changes {
        let entry = match change {
            SyncChange::Create(item) | SyncChange::Update(item) => {
                if !items::is_of_kind(&item, kind) {
                    continue;
                }
                let id = item.id().ok_or_else(|| status::malformed(f, "a changed item without id"))?;
                Seen::Changed(id.id.clone())
            }
            SyncChange::Delete(id) => Seen::Deleted(id.id),
            SyncChange::ReadFlagChange { .. } => continue,
        };
        seen.retain(|s| s.id() != entry.id());
        seen.push(entry);
    }

    let to_read: Vec<String> =
        seen.iter().filter_map(|s| if let Seen::Changed(id) = s { Some(id.clone()) } else { None }).collect();
    let mut read = get_items(client, user, kind, &to_read, "list_changes").await?.into_iter();
    let mut changes = Vec::with_capacity(seen.len());
    for s in seen {
        match s {
            Seen::Deleted(id) => changes.push(RemoteChange::Deleted { id }),
            Seen::Changed(id) => match read.next() {
                Some(Ok(item)) => match items::remote_item(&item, kind) {
                    Ok(remote) => changes.push(RemoteChange::Upserted(remote)),
                    Err(Unreadable::NoId) => return Err(status::malformed(f, "an item without id")),
                    Err(Unreadable::OtherKind { .. } | Unreadable::Mapping(_)) => {}
                },
                Some(Err(BackendError::NotFound { .. })) => {}
                Some(Err(e)) => return Err(e),
                None => return Err(status::malformed(f, &format!("item {id} missing from the GetItem answer"))),
            },
        }
    }
    Ok(ChangePage { changes, cursor: Cursor(state), more })
}
