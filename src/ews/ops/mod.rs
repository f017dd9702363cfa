//! One module per EWS operation: the request, its response, and their parts, side by side.

pub mod convert_id;
pub mod create_folder;
pub mod delete_item;
pub mod find_folder;
pub mod find_item;
pub mod get_folder;
pub mod resolve_names;

pub use convert_id::{
    AlternateId, AlternateIdBase, AlternatePublicFolderId, AlternatePublicFolderItemId, ConvertId, ConvertIdContent,
    ConvertIdResponse, IdFormat,
};
pub use create_folder::{CreateFolder, CreateFolderResponse};
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
pub use resolve_names::{
    Resolution, ResolutionSet, ResolveNames, ResolveNamesContent, ResolveNamesResponse, ResolveNamesSearchScope,
};
