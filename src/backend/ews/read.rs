//! Reading items by id: `GetItem` in the full shape, up to [`MAX_BATCH`] ids a call.

use crate::backend::{BackendError, FolderScope, ItemResult, MAX_BATCH, RemoteItem};
use crate::ews::{GetItem, Item, ItemId};
use crate::sync::{ObjectKind, UserId};
use crate::transport::EwsClient;

use super::items::{self, Unreadable};
use super::status::{self, CallKind, Failing};

/// The full items `ids` of `kind`, one result per id, in order (`GetItem` batches of at most
/// [`MAX_BATCH`]). `operation` names the engine's call in errors.
pub async fn get_items(
    client: &EwsClient,
    user: &UserId,
    kind: ObjectKind,
    ids: &[String],
    operation: &'static str,
) -> Result<Vec<ItemResult<Item>>, BackendError> {
    let f = Failing { user, operation, kind, call: CallKind::Read };
    let version = client.known_versions().version_for(client.endpoint().as_str());
    let mut out = Vec::with_capacity(ids.len());
    for batch in ids.chunks(MAX_BATCH) {
        let op = GetItem::new(batch.iter().map(ItemId::new).collect(), items::full_shape(kind, version));
        let reply = client.call(user.as_str(), op).await.map_err(|e| status::from_transport(f, e))?;
        let messages = reply.response.messages;
        if messages.len() != batch.len() {
            return Err(status::malformed(f, &format!("{} answers for {} items", messages.len(), batch.len())));
        }
        for (id, m) in batch.iter().zip(messages) {
            out.push(if m.status.is_ok() {
                m.content.items.into_iter().next().ok_or_else(|| status::malformed(f, "an answer without its item"))
            } else {
                Err(status::from_status(f, Some(id), &m.status))
            });
        }
    }
    Ok(out)
}

/// The error for an item that cannot be used as a record of the folder.
pub fn unreadable(f: Failing<'_>, id: &str, why: Unreadable) -> BackendError {
    match why {
        Unreadable::NoId => status::malformed(f, "an item without id"),
        Unreadable::OtherKind { .. } => BackendError::NotFound { user: f.user.clone(), item: id.to_owned() },
        Unreadable::Mapping(e) => BackendError::Unsupported { what: format!("item {id} of {}: {e}", f.user) },
    }
}

/// [`MailboxBackend::read`](crate::backend::MailboxBackend::read): the current state of items by
/// id.
pub async fn read(
    client: &EwsClient,
    user: &UserId,
    scope: &FolderScope,
    ids: &[String],
) -> Result<Vec<ItemResult<RemoteItem>>, BackendError> {
    let f = Failing { user, operation: "read", kind: scope.kind, call: CallKind::Read };
    let found = get_items(client, user, scope.kind, ids, "read").await?;
    Ok(ids
        .iter()
        .zip(found)
        .map(|(id, r)| r.and_then(|item| items::remote_item(&item, scope.kind).map_err(|e| unreadable(f, id, e))))
        .collect())
}
