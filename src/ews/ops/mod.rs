//! One module per EWS operation: the request, its response, and their parts, side by side.

pub mod convert_id;
pub mod create_folder;
pub mod create_item;
pub mod delete_item;
pub mod find_folder;
pub mod find_item;
pub mod get_folder;
pub mod get_item;
pub mod resolve_names;
pub(crate) mod schema_order;
pub mod sync_folder_items;
pub mod update_item;

pub use convert_id::{
    AlternateId, AlternateIdBase, AlternatePublicFolderId, AlternatePublicFolderItemId, ConvertId, ConvertIdContent,
    ConvertIdResponse, IdFormat,
};
pub use create_folder::{CreateFolder, CreateFolderResponse};
pub use create_item::{CreateItem, CreateItemResponse, MessageDisposition, SendMeetingInvitations};
pub use delete_item::{AffectedTaskOccurrences, DeleteItem, DeleteItemResponse, DeleteType, SendMeetingCancellations};
pub use find_folder::{
    FindFolder, FindFolderContent, FindFolderResponse, FindFolderRoot, FolderQueryTraversal, FolderView,
};
pub use find_item::{
    Aggregate, AggregateOn, FieldOrder, FindItem, FindItemContent, FindItemContents, FindItemResponse, FindItemRoot,
    GroupBy, GroupedItems, Grouping, HighlightTerm, ItemQueryTraversal, ItemView, QueryString, SeekToConditionPageView,
    SortDirection, StandardGroupBy,
};
pub use get_folder::{GetFolder, GetFolderResponse};
pub use get_item::{GetItem, GetItemResponse, ItemInfoContent};
pub use resolve_names::{
    Resolution, ResolutionSet, ResolveNames, ResolveNamesContent, ResolveNamesResponse, ResolveNamesSearchScope,
};
pub use sync_folder_items::{
    MaxChangesOutOfRange, MaxChangesReturned, SyncChange, SyncFolderItems, SyncFolderItemsContent,
    SyncFolderItemsResponse, SyncFolderItemsScope,
};
pub use update_item::{
    ConflictResolution, ConflictResults, ItemChange, ItemUpdate, SendMeetingInvitationsOrCancellations, UpdateItem,
    UpdateItemContent, UpdateItemResponse,
};
