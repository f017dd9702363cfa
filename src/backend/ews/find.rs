//! Finding the items exsync tagged with a record id: `FindItem` in the scope's folder with an
//! `IsEqualTo` restriction on the tag (ids only, a page at a time), then `GetItem` for their
//! content. This is how a create whose answer was lost is resolved without creating again.

use crate::backend::ews_mapping::app_id_field;
use crate::backend::{BackendError, FolderScope, RemoteItem};
use crate::ews::{FindItem, IndexedPageView};
use crate::sync::{AppId, UserId};
use crate::transport::EwsClient;

use super::items;
use super::read::{get_items, unreadable};
use super::status::{self, CallKind, Failing};

/// Items per `FindItem` page (a tag is normally on one item; copies made in Outlook keep it).
const PAGE: i32 = 50;
/// The most pages read (a runaway server cannot keep the engine looping).
const MAX_PAGES: usize = 20;

/// [`MailboxBackend::find_by_tag`](crate::backend::MailboxBackend::find_by_tag) in `folder`.
pub async fn find_by_tag(
    client: &EwsClient,
    user: &UserId,
    scope: &FolderScope,
    folder: &crate::ews::BaseFolderId,
    tag: &AppId,
) -> Result<Vec<RemoteItem>, BackendError> {
    let f = Failing { user, operation: "find_by_tag", kind: scope.kind, call: CallKind::Read };
    let mut ids: Vec<String> = Vec::new();
    let mut offset = 0;
    for _ in 0..MAX_PAGES {
        let op = FindItem::by_extended_property(
            folder.clone(),
            app_id_field(),
            tag.as_str(),
            IndexedPageView::new(offset, PAGE),
        );
        let reply = client.call(user.as_str(), op).await.map_err(|e| status::from_transport(f, e))?;
        let message =
            reply.response.messages.into_iter().next().ok_or_else(|| status::malformed(f, "no response message"))?;
        if !message.status.is_ok() {
            return Err(status::from_status(f, None, &message.status));
        }
        let Some(root) = message.content.root_folder else {
            return Err(status::malformed(f, "no RootFolder"));
        };
        for item in root.items() {
            if items::is_of_kind(item, scope.kind) {
                let id = item.id().ok_or_else(|| status::malformed(f, "a found item without id"))?;
                ids.push(id.id.clone());
            }
        }
        match root.paging.next_offset() {
            Some(next) if next > offset => offset = next,
            _ => break,
        }
    }
    let found = get_items(client, user, scope.kind, &ids, "find_by_tag").await?;
    let mut out = Vec::with_capacity(ids.len());
    for (id, r) in ids.iter().zip(found) {
        match r.and_then(|item| items::remote_item(&item, scope.kind).map_err(|e| unreadable(f, id, e))) {
            Ok(item) => out.push(item),
            // Deleted since the search: not there.
            Err(BackendError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}
