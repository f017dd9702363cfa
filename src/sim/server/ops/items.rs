//! `GetItem`, `CreateItem`, `UpdateItem` and `DeleteItem`: one response message per item, in input
//! order; a failing item does not stop the others (as Exchange does without `ErrorBatchProcessingStopped`).

use crate::ews::{
    BaseFolderId, BaseItemId, ConflictResults, CreateItem, CreateItemResponse, DeleteItem, DeleteItemResponse,
    DistinguishedFolderName, ExchangeVersion, GetItem, GetItemResponse, Item, ItemInfoContent, ItemUpdate,
    MessageDisposition, ResponseCode, UpdateItem, UpdateItemContent, UpdateItemResponse,
};

use super::shape::{id_only, shape_item};
use super::{OpContext, SimOperation, error_with, message};

/// Whether `item` has elements a request for `version` may not carry.
fn newer_than(item: &Item, version: ExchangeVersion) -> bool {
    let mut kept = item.clone();
    kept.retain_supported(version);
    kept != *item
}

impl SimOperation for GetItem {
    fn execute(&self, cx: &mut OpContext<'_>) -> GetItemResponse {
        let messages = self
            .item_ids
            .iter()
            .map(|id| {
                message(
                    cx.mailbox()
                        .and_then(|m| m.item_by(id))
                        .map(|item| ItemInfoContent { items: vec![shape_item(&item, &self.item_shape, cx.version)] }),
                )
            })
            .collect();
        GetItemResponse { messages }
    }
}

/// The folder an item is saved to without `SavedItemFolderId`: the default folder of its kind.
fn default_folder(item: &Item) -> BaseFolderId {
    let name = match item {
        Item::Contact(_) => DistinguishedFolderName::Contacts,
        Item::CalendarItem(_) => DistinguishedFolderName::Calendar,
        Item::Other(o) if o.element == "Task" => DistinguishedFolderName::Tasks,
        Item::Other(_) => DistinguishedFolderName::Drafts,
    };
    BaseFolderId::distinguished(name)
}

impl SimOperation for CreateItem {
    fn uses_newer_schema(&self, version: ExchangeVersion) -> bool {
        self.items.iter().any(|i| newer_than(i, version))
    }

    fn execute(&self, cx: &mut OpContext<'_>) -> CreateItemResponse {
        let sends = matches!(
            self.message_disposition,
            Some(MessageDisposition::SendOnly | MessageDisposition::SendAndSaveCopy)
        );
        let messages = self
            .items
            .iter()
            .map(|item| {
                if sends && matches!(item, Item::Other(o) if o.element.contains("Message")) {
                    return error_with(
                        ResponseCode::ErrorInvalidOperation,
                        "The simulator does not send mail; save messages with MessageDisposition SaveOnly.",
                    );
                }
                let folder = self.saved_item_folder_id.clone().unwrap_or_else(|| default_folder(item));
                message(cx.mailbox_mut().and_then(|m| m.create_item(&folder, item.clone())).map(|id| {
                    let mut created = id_only(item);
                    created.base_mut().item_id = Some(id);
                    ItemInfoContent { items: vec![created] }
                }))
            })
            .collect();
        CreateItemResponse { messages }
    }
}

impl SimOperation for UpdateItem {
    fn uses_newer_schema(&self, version: ExchangeVersion) -> bool {
        self.item_changes.iter().flat_map(|c| &c.updates).any(|u| match u {
            ItemUpdate::Set { item, .. } | ItemUpdate::Append { item, .. } => newer_than(item, version),
            ItemUpdate::Delete { .. } => false,
        })
    }

    fn execute(&self, cx: &mut OpContext<'_>) -> UpdateItemResponse {
        let messages = self
            .item_changes
            .iter()
            .map(|change| {
                message(cx.mailbox_mut().and_then(|m| {
                    let outcome = m.update_by(&change.item_id, &change.updates, self.conflict_resolution)?;
                    let item = id_only(&*m.item_by(&BaseItemId::Item(outcome.item_id))?);
                    Ok(UpdateItemContent {
                        items: vec![item],
                        conflict_results: Some(ConflictResults { count: outcome.conflicts as i32 }),
                    })
                }))
            })
            .collect();
        UpdateItemResponse { messages }
    }
}

impl SimOperation for DeleteItem {
    fn execute(&self, cx: &mut OpContext<'_>) -> DeleteItemResponse {
        let messages = self
            .item_ids
            .iter()
            .map(|id| message(cx.mailbox_mut().and_then(|m| m.delete_by(id, self.delete_type))))
            .collect();
        DeleteItemResponse { messages }
    }
}
