//! `SyncFolderItems`: a page of changes since the client's sync state.

use crate::ews::{ResponseMessage, SyncChange, SyncFolderItems, SyncFolderItemsContent, SyncFolderItemsResponse};
use crate::sim::StoreError;

use super::shape::shape_item;
use super::{OpContext, SimOperation, error_message, success};

impl SimOperation for SyncFolderItems {
    fn execute(&self, cx: &mut OpContext<'_>) -> SyncFolderItemsResponse {
        // Error answers carry an empty state and IncludesLastItemInRange, as Exchange's do.
        let failed = |e: &StoreError| {
            let mut m = error_message::<SyncFolderItemsContent>(e);
            m.content.sync_state = Some(String::new());
            m.content.includes_last_item_in_range = Some(true);
            m
        };
        let message = if cx.invalid_sync_state {
            failed(&StoreError::InvalidSyncState)
        } else {
            // The store holds no associated (hidden) items, so `NormalAndAssociatedItems` adds
            // nothing to `NormalItems`.
            self.page(cx).unwrap_or_else(|e| failed(&e))
        };
        SyncFolderItemsResponse { messages: vec![message] }
    }
}

impl SyncFolderItems {
    fn page(&self, cx: &OpContext<'_>) -> Result<ResponseMessage<SyncFolderItemsContent>, StoreError> {
        let page = cx.mailbox()?.changes_since(
            &self.sync_folder_id,
            self.sync_state.as_deref(),
            self.max_changes_returned,
            &self.ignore,
        )?;
        let changes = page
            .changes
            .into_iter()
            .map(|c| match c {
                SyncChange::Create(i) => SyncChange::Create(shape_item(&i, &self.item_shape, cx.version)),
                SyncChange::Update(i) => SyncChange::Update(shape_item(&i, &self.item_shape, cx.version)),
                other => other,
            })
            .collect();
        Ok(success(SyncFolderItemsContent {
            sync_state: Some(page.sync_state),
            includes_last_item_in_range: Some(page.includes_last_item_in_range),
            changes,
        }))
    }
}
