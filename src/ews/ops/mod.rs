//! One module per EWS operation: the request, its response, and their parts, side by side.

pub mod delete_item;

pub use delete_item::{AffectedTaskOccurrences, DeleteItem, DeleteItemResponse, DeleteType, SendMeetingCancellations};
