//! `FindItem`: the items of each folder matching a restriction, a page at a time, one response
//! message per folder.
//!
//! The simulator supports shallow traversal, an `IndexedPageItemView` (or no view: all items), a
//! restriction and a sort order (without one, items come in creation order), and a
//! `CalendarView` (single items and occurrences of series in a window, in start order; no
//! restriction with it, as in Exchange). Other views, grouping, AQS query strings and other
//! traversals are answered with `ErrorInvalidRequest`, saying what the simulator lacks, rather
//! than with results that would differ from Exchange's.

use crate::ews::{
    CalendarView, FindItem, FindItemContent, FindItemContents, FindItemResponse, FindItemRoot, FindPaging,
    IndexBasePoint, IndexedPageView, ItemQueryTraversal, ItemView, ResponseCode,
};

use super::shape::shape_item;
use super::{OpContext, SimOperation, error_with, message};

impl FindItem {
    /// What the simulator cannot do for this request, if anything.
    fn unsupported(&self) -> Option<&'static str> {
        if self.traversal != ItemQueryTraversal::Shallow {
            return Some("The simulator supports only Shallow traversal in FindItem.");
        }
        if self.view.as_ref().is_some_and(|v| !matches!(v, ItemView::IndexedPage(_) | ItemView::Calendar(_))) {
            return Some("The simulator supports only IndexedPageItemView and CalendarView in FindItem.");
        }
        if self.grouping.is_some() || self.query_string.is_some() {
            return Some("The simulator does not support grouping or query strings in FindItem.");
        }
        None
    }
}

impl FindItem {
    /// `FindItem` with a `CalendarView`.
    fn execute_calendar_view(&self, cx: &mut OpContext<'_>, window: &CalendarView) -> FindItemResponse {
        let messages = self
            .parent_folder_ids
            .iter()
            .map(|folder| {
                if let Some(why) = self.unsupported() {
                    return error_with(ResponseCode::ErrorInvalidRequest, why);
                }
                if self.restriction.is_some() {
                    return error_with(
                        ResponseCode::ErrorInvalidRequest,
                        "A restriction cannot be combined with a CalendarView.",
                    );
                }
                message(cx.mailbox().and_then(|m| m.calendar_view(folder, window)).map(|page| {
                    let items = page.items.iter().map(|i| shape_item(i, &self.item_shape, cx.version)).collect();
                    FindItemContent {
                        root_folder: Some(FindItemRoot {
                            paging: FindPaging {
                                includes_last_item_in_range: Some(page.includes_last_item_in_range),
                                total_items_in_view: Some(i32::try_from(page.total_items_in_view).unwrap_or(i32::MAX)),
                                ..FindPaging::default()
                            },
                            contents: FindItemContents::Items(items),
                        }),
                        highlight_terms: None,
                    }
                }))
            })
            .collect();
        FindItemResponse { messages }
    }
}

impl SimOperation for FindItem {
    fn execute(&self, cx: &mut OpContext<'_>) -> FindItemResponse {
        if let Some(ItemView::Calendar(window)) = &self.view {
            return self.execute_calendar_view(cx, window);
        }
        let view = match &self.view {
            Some(ItemView::IndexedPage(v)) => *v,
            _ => IndexedPageView { max_entries_returned: None, offset: 0, base_point: IndexBasePoint::Beginning },
        };
        let messages = self
            .parent_folder_ids
            .iter()
            .map(|folder| {
                if let Some(why) = self.unsupported() {
                    return error_with(ResponseCode::ErrorInvalidRequest, why);
                }
                message(
                    cx.mailbox()
                        .and_then(|m| m.find_items_sorted(folder, self.restriction.as_ref(), &self.sort_order, &view))
                        .map(|page| {
                            let items =
                                page.items.iter().map(|i| shape_item(i, &self.item_shape, cx.version)).collect();
                            FindItemContent {
                                root_folder: Some(FindItemRoot {
                                    paging: FindPaging {
                                        indexed_paging_offset: Some(
                                            i32::try_from(page.indexing_offset).unwrap_or(i32::MAX),
                                        ),
                                        includes_last_item_in_range: Some(page.includes_last_item_in_range),
                                        total_items_in_view: Some(
                                            i32::try_from(page.total_items_in_view).unwrap_or(i32::MAX),
                                        ),
                                        ..FindPaging::default()
                                    },
                                    contents: FindItemContents::Items(items),
                                }),
                                highlight_terms: None,
                            }
                        }),
                )
            })
            .collect();
        FindItemResponse { messages }
    }
}
