//! Strategies for the item operations (`SyncFolderItems`, `GetItem`, `CreateItem`, `UpdateItem`)
//! and their responses.
//!
//! Request strategies taking `compat: bool` generate, when `compat` is true, only what the Exchange
//! 2010 SP2 schema also accepts: items pass through `Item::retain_supported`, paths and folders
//! come from the 2010 SP2 lists, and `SuppressReadReceipts` (Exchange 2013) is left out.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

use exsync::ews::*;

use super::base::{any_item_id, item, item_id, opaque_id};
use super::envelope::{messages, response_status};
use super::shapes::{base_folder_id, item_shape, property_path};

pub fn max_changes() -> impl Strategy<Value = MaxChangesReturned> {
    prop_oneof![Just(1i64), Just(512i64), 1i64..=512].prop_map(|n| MaxChangesReturned::new(n).unwrap())
}

pub fn sync_folder_items(compat: bool) -> impl Strategy<Value = SyncFolderItems> {
    (
        item_shape(compat),
        base_folder_id(compat),
        option::of(opaque_id()),
        vec(item_id(), 0..4),
        max_changes(),
        option::of(select(SyncFolderItemsScope::ALL)),
    )
        .prop_map(|(item_shape, sync_folder_id, sync_state, ignore, max_changes_returned, sync_scope)| {
            SyncFolderItems { item_shape, sync_folder_id, sync_state, ignore, max_changes_returned, sync_scope }
        })
}

pub fn get_item(compat: bool) -> impl Strategy<Value = GetItem> {
    (item_shape(compat), vec(any_item_id(), 1..5)).prop_map(|(item_shape, item_ids)| GetItem { item_shape, item_ids })
}

/// An item as a request for `compat` (see the module's documentation) may carry it.
pub fn request_item(compat: bool) -> impl Strategy<Value = Item> {
    item().prop_map(move |mut i| {
        if compat {
            i.retain_supported(ExchangeVersion::Exchange2010Sp2);
        }
        i
    })
}

pub fn create_item(compat: bool) -> impl Strategy<Value = CreateItem> {
    (
        option::of(select(MessageDisposition::ALL)),
        option::of(select(SendMeetingInvitations::ALL)),
        option::of(base_folder_id(compat)),
        vec(request_item(compat), 1..4),
    )
        .prop_map(|(message_disposition, send_meeting_invitations, saved_item_folder_id, items)| CreateItem {
            message_disposition,
            send_meeting_invitations,
            saved_item_folder_id,
            items,
        })
}

pub fn item_update(compat: bool) -> impl Strategy<Value = ItemUpdate> {
    prop_oneof![
        (property_path(compat), request_item(compat)).prop_map(|(path, item)| ItemUpdate::Set { path, item }),
        (property_path(compat), request_item(compat)).prop_map(|(path, item)| ItemUpdate::Append { path, item }),
        property_path(compat).prop_map(|path| ItemUpdate::Delete { path }),
    ]
}

pub fn item_change(compat: bool) -> impl Strategy<Value = ItemChange> {
    (any_item_id(), vec(item_update(compat), 1..4)).prop_map(|(item_id, updates)| ItemChange { item_id, updates })
}

pub fn update_item(compat: bool) -> impl Strategy<Value = UpdateItem> {
    (
        select(ConflictResolution::ALL),
        option::of(select(MessageDisposition::ALL)),
        option::of(select(SendMeetingInvitationsOrCancellations::ALL)),
        option::of(any::<bool>()).prop_map(move |s| if compat { None } else { s }),
        option::of(base_folder_id(compat)),
        vec(item_change(compat), 1..4),
    )
        .prop_map(|(conflict_resolution, md, send, suppress_read_receipts, saved_item_folder_id, item_changes)| {
            UpdateItem {
                conflict_resolution,
                message_disposition: md,
                send_meeting_invitations_or_cancellations: send,
                suppress_read_receipts,
                saved_item_folder_id,
                item_changes,
            }
        })
}

pub fn item_info_content() -> impl Strategy<Value = ItemInfoContent> {
    vec(item(), 0..3).prop_map(|items| ItemInfoContent { items })
}

pub fn sync_change() -> impl Strategy<Value = SyncChange> {
    prop_oneof![
        item().prop_map(SyncChange::Create),
        item().prop_map(SyncChange::Update),
        item_id().prop_map(SyncChange::Delete),
        (item_id(), any::<bool>()).prop_map(|(item_id, is_read)| SyncChange::ReadFlagChange { item_id, is_read }),
    ]
}

pub fn sync_folder_items_message() -> impl Strategy<Value = ResponseMessage<SyncFolderItemsContent>> {
    (
        response_status(),
        prop_oneof![Just(String::new()), opaque_id()],
        option::of(any::<bool>()),
        vec(sync_change(), 0..5),
    )
        .prop_map(|(status, state, last, changes)| {
            let content = if status.is_ok() {
                SyncFolderItemsContent {
                    sync_state: Some(state),
                    includes_last_item_in_range: Some(last.unwrap_or(true)),
                    changes,
                }
            } else {
                // Exchange's throttling answers carry an empty state and IncludesLastItemInRange.
                SyncFolderItemsContent {
                    sync_state: last.map(|_| String::new()),
                    includes_last_item_in_range: last,
                    changes: Vec::new(),
                }
            };
            ResponseMessage { status, content }
        })
}

pub fn sync_folder_items_response() -> impl Strategy<Value = SyncFolderItemsResponse> {
    vec(sync_folder_items_message(), 1..3).prop_map(|messages| SyncFolderItemsResponse { messages })
}

pub fn get_item_response() -> impl Strategy<Value = GetItemResponse> {
    messages(item_info_content()).prop_map(|messages| GetItemResponse { messages })
}

pub fn create_item_response() -> impl Strategy<Value = CreateItemResponse> {
    messages(item_info_content()).prop_map(|messages| CreateItemResponse { messages })
}

pub fn update_item_content() -> impl Strategy<Value = UpdateItemContent> {
    (vec(item(), 0..2), option::of((0i32..5).prop_map(|count| ConflictResults { count })))
        .prop_map(|(items, conflict_results)| UpdateItemContent { items, conflict_results })
}

pub fn update_item_response() -> impl Strategy<Value = UpdateItemResponse> {
    messages(update_item_content()).prop_map(|messages| UpdateItemResponse { messages })
}
