//! One module per EWS operation: the request, its response, and their parts, side by side.

pub mod create_item;
pub mod delete_item;
pub mod get_item;
mod schema_order;
pub mod sync_folder_items;
pub mod update_item;

pub use create_item::{CreateItem, CreateItemResponse, MessageDisposition, SendMeetingInvitations};
pub use delete_item::{AffectedTaskOccurrences, DeleteItem, DeleteItemResponse, DeleteType, SendMeetingCancellations};
pub use get_item::{GetItem, GetItemResponse, ItemInfoContent};
pub use sync_folder_items::{
    MaxChangesOutOfRange, MaxChangesReturned, SyncChange, SyncFolderItems, SyncFolderItemsContent,
    SyncFolderItemsResponse, SyncFolderItemsScope,
};
pub use update_item::{
    ConflictResolution, ConflictResults, ItemChange, ItemUpdate, SendMeetingInvitationsOrCancellations, UpdateItem,
    UpdateItemContent, UpdateItemResponse,
};
