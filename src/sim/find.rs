//! `FindItem` from the server side: which items a restriction matches, and indexed paging.

use crate::ews::{ExtendedFieldUri, ExtendedValue, Item};

use super::update::find_extended;

/// A restriction on items, in the forms the store evaluates (the handler maps `t:Restriction` onto
/// it). String comparisons ignore case, as Exchange's default collation does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemFilter {
    /// Every item.
    All,
    /// The extended property equals `value` (for multi-valued properties: one of its values does).
    /// The sync engine finds its own items by their tag this way.
    ExtendedEquals {
        /// The property.
        field: ExtendedFieldUri,
        /// The value to match.
        value: String,
    },
    /// The extended property is set (`t:Exists`).
    ExtendedExists(ExtendedFieldUri),
    /// Both… all of these (`t:And`).
    And(Vec<ItemFilter>),
    /// Any of these (`t:Or`).
    Or(Vec<ItemFilter>),
    /// Not this (`t:Not`).
    Not(Box<ItemFilter>),
}

impl ItemFilter {
    /// Whether `item` matches.
    pub fn matches(&self, item: &Item) -> bool {
        match self {
            ItemFilter::All => true,
            ItemFilter::ExtendedEquals { field, value } => find_extended(item, field).is_some_and(|p| match &p.value {
                ExtendedValue::Single(v) => equal_ignoring_case(v, value),
                ExtendedValue::Multi(vs) => vs.iter().any(|v| equal_ignoring_case(v, value)),
            }),
            ItemFilter::ExtendedExists(field) => find_extended(item, field).is_some(),
            ItemFilter::And(fs) => fs.iter().all(|f| f.matches(item)),
            ItemFilter::Or(fs) => fs.iter().any(|f| f.matches(item)),
            ItemFilter::Not(f) => !f.matches(item),
        }
    }
}

fn equal_ignoring_case(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

/// Where a page is counted from (`BasePoint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BasePoint {
    /// From the first item.
    #[default]
    Beginning,
    /// From the last item backwards.
    End,
}

/// `IndexedPageItemView`: which slice of the matching items to return. Items are in creation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PageView {
    /// How many items to skip from the base point.
    pub offset: usize,
    /// At most this many items (`None`: all).
    pub max_entries: Option<usize>,
    /// Count from the beginning or the end.
    pub base_point: BasePoint,
}

impl PageView {
    /// The first `max` items.
    pub fn first(max: usize) -> Self {
        PageView { offset: 0, max_entries: Some(max), base_point: BasePoint::Beginning }
    }

    /// `max` items after the first `offset`.
    pub fn at(offset: usize, max: usize) -> Self {
        PageView { offset, max_entries: Some(max), base_point: BasePoint::Beginning }
    }

    /// The index range of the page among `total` items, and whether it reaches the far end.
    pub(crate) fn window(&self, total: usize) -> (std::ops::Range<usize>, bool) {
        let max = self.max_entries.unwrap_or(usize::MAX);
        match self.base_point {
            BasePoint::Beginning => {
                let start = self.offset.min(total);
                let end = start.saturating_add(max).min(total);
                (start..end, end == total)
            }
            BasePoint::End => {
                let end = total.saturating_sub(self.offset);
                let start = end.saturating_sub(max);
                (start..end, start == 0)
            }
        }
    }
}

/// A page of `FindItem` results.
#[derive(Debug, Clone, PartialEq)]
pub struct FindPage {
    /// The items of the page.
    pub items: Vec<Item>,
    /// How many items match in all (`TotalItemsInView`).
    pub total_items_in_view: usize,
    /// The offset to ask for next (`IndexingOffset`).
    pub indexing_offset: usize,
    /// Whether the page reaches the last matching item (`IncludesLastItemInRange`).
    pub includes_last_item_in_range: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ews::{Contact, ExtendedProperty};

    fn tagged(v: ExtendedValue) -> Item {
        let mut c = Contact::default();
        c.item.extended_properties.push(ExtendedProperty { field: field(), value: v });
        Item::Contact(Box::new(c))
    }

    fn field() -> ExtendedFieldUri {
        ExtendedFieldUri::named_string("c11ff724-aa03-4555-9952-8fa248a11c3e", "exsync-id")
    }

    #[test]
    fn extended_filters() {
        let item = tagged(ExtendedValue::Single("Rec-1".into()));
        let eq = |v: &str| ItemFilter::ExtendedEquals { field: field(), value: v.into() };
        assert!(eq("rec-1").matches(&item));
        assert!(!eq("rec-2").matches(&item));
        assert!(ItemFilter::ExtendedExists(field()).matches(&item));
        assert!(!ItemFilter::ExtendedExists(field()).matches(&Item::Contact(Box::default())));
        assert!(ItemFilter::Or(vec![eq("x"), eq("REC-1")]).matches(&item));
        assert!(!ItemFilter::And(vec![eq("x"), eq("REC-1")]).matches(&item));
        assert!(ItemFilter::Not(Box::new(eq("x"))).matches(&item));
        assert!(eq("b").matches(&tagged(ExtendedValue::Multi(vec!["a".into(), "b".into()]))));
        assert!(ItemFilter::All.matches(&item));
    }

    #[test]
    fn windows() {
        assert_eq!(PageView::first(3).window(10), (0..3, false));
        assert_eq!(PageView::at(9, 3).window(10), (9..10, true));
        assert_eq!(PageView::at(12, 3).window(10), (10..10, true));
        assert_eq!(PageView::default().window(4), (0..4, true));
        let from_end = PageView { offset: 2, max_entries: Some(3), base_point: BasePoint::End };
        assert_eq!(from_end.window(10), (5..8, false));
        assert_eq!(from_end.window(4), (0..2, true));
    }
}
