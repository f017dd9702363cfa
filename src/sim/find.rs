//! `FindItem` from the server side: evaluating a [`Restriction`] on stored items, sorting them by
//! `SortOrder` keys, and indexed paging ([`IndexedPageView`]).
//!
//! A path's values come from the item's serde form (as for updates): a field's value, each element
//! of a list field, one dictionary entry, or an extended property's value(s). Comparisons are
//! numeric when both sides are numbers, by instant when both are date-times with a zone, and
//! otherwise on text ignoring case, as Exchange's default collation does. A restriction on a
//! property the item lacks does not match (as in MAPI), whatever the operator.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::ews::{
    ComparisonOperator, ContainmentComparison, ContainmentMode, EwsDateTime, ExtendedValue, FieldOrder,
    FieldUriOrConstant, IndexBasePoint, IndexedPageView, Item, PropertyPath, Restriction, SearchExpression,
    SortDirection,
};

use super::error::StoreError;
use super::update::{container_ref, entry_key, find_extended, kind_tag, slot, to_json};

/// A page of `FindItem` results.
#[derive(Debug, Clone, PartialEq)]
pub struct FindPage {
    /// The items of the page, in the folder's order (creation order).
    pub items: Vec<Item>,
    /// How many items match in all (`TotalItemsInView`).
    pub total_items_in_view: usize,
    /// The offset to ask for next (`IndexingOffset`).
    pub indexing_offset: usize,
    /// Whether the page reaches the last matching item (`IncludesLastItemInRange`).
    pub includes_last_item_in_range: bool,
}

/// The index range of a page among `total` items, and whether it reaches the far end.
pub(crate) fn window(view: &IndexedPageView, total: usize) -> Result<(std::ops::Range<usize>, bool), StoreError> {
    let invalid = || StoreError::InvalidPaging { offset: view.offset, max_entries: view.max_entries_returned };
    let offset = usize::try_from(view.offset).map_err(|_| invalid())?;
    let max = match view.max_entries_returned {
        None => usize::MAX,
        Some(m) if m >= 1 => m as usize,
        Some(_) => return Err(invalid()),
    };
    Ok(match view.base_point {
        IndexBasePoint::Beginning => {
            let start = offset.min(total);
            let end = start.saturating_add(max).min(total);
            (start..end, end == total)
        }
        IndexBasePoint::End => {
            let end = total.saturating_sub(offset);
            let start = end.saturating_sub(max);
            (start..end, start == 0)
        }
    })
}

/// The value a structured entry stands for in a comparison (an address's address, a body's text…).
fn scalar_of(v: &Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::Object(o) => ["content", "address", "email_address", "number", "id", "name"]
            .iter()
            .find_map(|k| o.get(*k).filter(|x| !x.is_object() && !x.is_null()))
            .cloned()
            .or_else(|| o.get("mailbox").and_then(scalar_of)),
        other => Some(other.clone()),
    }
}

/// The values of the property at `path` on `item` (empty when it is not set).
fn values(item: &Item, json: &Map<String, Value>, path: &PropertyPath) -> Vec<Value> {
    if let PropertyPath::Extended(field) = path {
        return match find_extended(item, field).map(|p| &p.value) {
            Some(ExtendedValue::Single(v)) => vec![Value::String(v.clone())],
            Some(ExtendedValue::Multi(vs)) => vs.iter().cloned().map(Value::String).collect(),
            None => Vec::new(),
        };
    }
    let Ok(Some(s)) = slot(path) else { return Vec::new() };
    if s.kind.is_some_and(|k| kind_tag(json) != Some(k)) {
        return Vec::new();
    }
    let Some(v) = container_ref(json, s.in_base).and_then(|c| c.get(&s.field)) else { return Vec::new() };
    match (&s.entry, v) {
        (None, Value::Array(list)) => list.iter().filter_map(scalar_of).collect(),
        (None, v) => scalar_of(v).into_iter().collect(),
        (Some((index, part)), Value::Array(list)) => list
            .iter()
            .filter(|e| entry_key(e) == Some(index.as_str()))
            .filter_map(|e| match part {
                Some(p) => e.get(*p).and_then(scalar_of),
                None => scalar_of(e),
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn bool_of(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn instant_of(v: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    v.as_str().and_then(EwsDateTime::parse).and_then(|t| t.to_utc())
}

/// How `a` compares with `b`, by the most specific type both read as.
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (instant_of(a), instant_of(b)) {
        return Some(x.cmp(&y));
    }
    if let (Some(x), Some(y)) = (number_of(a), number_of(b)) {
        return x.partial_cmp(&y);
    }
    if matches!(a, Value::Bool(_)) || matches!(b, Value::Bool(_)) {
        return Some(bool_of(a)?.cmp(&bool_of(b)?));
    }
    Some(text_of(a).to_lowercase().cmp(&text_of(b).to_lowercase()))
}

fn holds(op: ComparisonOperator, ord: Ordering) -> bool {
    match op {
        ComparisonOperator::IsEqualTo => ord == Ordering::Equal,
        ComparisonOperator::IsNotEqualTo => ord != Ordering::Equal,
        ComparisonOperator::IsGreaterThan => ord == Ordering::Greater,
        ComparisonOperator::IsGreaterThanOrEqualTo => ord != Ordering::Less,
        ComparisonOperator::IsLessThan => ord == Ordering::Less,
        ComparisonOperator::IsLessThanOrEqualTo => ord != Ordering::Greater,
    }
}

fn contains(haystack: &str, needle: &str, mode: ContainmentMode, comparison: ContainmentComparison) -> bool {
    let ignore_case =
        !matches!(comparison, ContainmentComparison::Exact | ContainmentComparison::IgnoreNonSpacingCharacters);
    let (h, n) = if ignore_case {
        (haystack.to_lowercase(), needle.to_lowercase())
    } else {
        (haystack.to_owned(), needle.to_owned())
    };
    match mode {
        ContainmentMode::FullString => h == n,
        ContainmentMode::Prefixed => h.starts_with(&n),
        ContainmentMode::Substring | ContainmentMode::ExactPhrase => h.contains(&n),
        ContainmentMode::PrefixOnWords => h.split(|c: char| !c.is_alphanumeric()).any(|w| w.starts_with(&n)),
    }
}

fn parse_mask(text: &str) -> Option<u64> {
    let t = text.trim();
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => t.parse().ok(),
    }
}

/// Whether `e` holds for an object whose property values `values` gives (empty: not set).
pub(crate) fn evaluate(e: &SearchExpression, values: &dyn Fn(&PropertyPath) -> Vec<Value>) -> bool {
    match e {
        SearchExpression::Compare { operator, path, value } => {
            let left = values(path);
            let right = match value {
                FieldUriOrConstant::Constant(c) => vec![Value::String(c.clone())],
                FieldUriOrConstant::Path(p) => values(p),
            };
            let pairs = || left.iter().flat_map(|l| right.iter().map(move |r| compare(l, r)));
            if left.is_empty() || right.is_empty() {
                false
            } else if *operator == ComparisonOperator::IsNotEqualTo {
                pairs().all(|o| o.is_some_and(|o| holds(*operator, o)))
            } else {
                pairs().any(|o| o.is_some_and(|o| holds(*operator, o)))
            }
        }
        SearchExpression::Exists(path) => !values(path).is_empty(),
        SearchExpression::Excludes { path, bitmask } => match parse_mask(bitmask) {
            Some(mask) => {
                let vals = values(path);
                !vals.is_empty() && vals.iter().all(|v| number_of(v).is_some_and(|n| (n as u64) & mask == 0))
            }
            None => false,
        },
        SearchExpression::Contains { path, constant, mode, comparison } => {
            let mode = mode.unwrap_or(ContainmentMode::FullString);
            let comparison = comparison.unwrap_or(ContainmentComparison::Exact);
            values(path).iter().any(|v| contains(&text_of(v), constant, mode, comparison))
        }
        SearchExpression::Not(inner) => !evaluate(inner, values),
        SearchExpression::And(all) => all.iter().all(|x| evaluate(x, values)),
        SearchExpression::Or(any) => any.iter().any(|x| evaluate(x, values)),
    }
}

/// How two items compare on one sort key's values: by the first value each has, with the rules of
/// restrictions; an item without the property sorts before every item with it (MAPI sorts empty
/// values lowest).
fn compare_on(a: &[Value], b: &[Value]) -> Ordering {
    match (a.first(), b.first()) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => compare(x, y).unwrap_or_else(|| text_of(x).cmp(&text_of(y))),
    }
}

/// Sorts `items` by `order` (the first key first), stably: items equal on every key keep the
/// folder's order.
pub(crate) fn sort_items(items: &mut [&Item], order: &[FieldOrder]) {
    if order.is_empty() {
        return;
    }
    let mut keyed: Vec<(Vec<Vec<Value>>, &Item)> = items
        .iter()
        .map(|item| {
            let json = to_json(item);
            (order.iter().map(|o| values(item, &json, &o.path)).collect(), *item)
        })
        .collect();
    keyed.sort_by(|(a, _), (b, _)| {
        order
            .iter()
            .zip(a.iter().zip(b))
            .map(|(o, (x, y))| match o.order {
                SortDirection::Ascending => compare_on(x, y),
                SortDirection::Descending => compare_on(y, x),
            })
            .find(|ord| ord.is_ne())
            .unwrap_or(Ordering::Equal)
    });
    for (slot, (_, item)) in items.iter_mut().zip(keyed) {
        *slot = item;
    }
}

/// Whether `item` matches `restriction`.
pub fn restriction_matches(restriction: &Restriction, item: &Item) -> bool {
    let json = to_json(item);
    evaluate(&restriction.expression, &|path| values(item, &json, path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ews::{CalendarItem, Contact, ExtendedFieldUri, ExtendedProperty};

    fn field() -> ExtendedFieldUri {
        ExtendedFieldUri::named_string("c11ff724-aa03-4555-9952-8fa248a11c3e", "exsync-id")
    }

    fn tagged(v: ExtendedValue) -> Item {
        let mut c = Contact { display_name: Some("Dana Ruiz".into()), ..Contact::default() };
        c.item.extended_properties.push(ExtendedProperty { field: field(), value: v });
        c.item.size = Some(2048);
        Item::Contact(Box::new(c))
    }

    fn r(e: SearchExpression) -> Restriction {
        Restriction::new(e)
    }

    fn eq(path: PropertyPath, v: &str) -> SearchExpression {
        SearchExpression::compare(ComparisonOperator::IsEqualTo, path, v)
    }

    #[test]
    fn extended_property_equality_ignores_case() {
        let item = tagged(ExtendedValue::Single("Rec-1".into()));
        let tag = PropertyPath::Extended(field());
        assert!(restriction_matches(&r(eq(tag.clone(), "rec-1")), &item));
        assert!(!restriction_matches(&r(eq(tag.clone(), "rec-2")), &item));
        assert!(restriction_matches(&r(SearchExpression::Exists(tag.clone())), &item));
        assert!(!restriction_matches(&r(SearchExpression::Exists(tag.clone())), &Item::Contact(Box::default())));
        assert!(restriction_matches(
            &r(SearchExpression::Or(vec![eq(tag.clone(), "x"), eq(tag.clone(), "REC-1")])),
            &item
        ));
        assert!(!restriction_matches(
            &r(SearchExpression::And(vec![eq(tag.clone(), "x"), eq(tag.clone(), "REC-1")])),
            &item
        ));
        assert!(restriction_matches(&r(SearchExpression::Not(Box::new(eq(tag.clone(), "x")))), &item));
        let multi = tagged(ExtendedValue::Multi(vec!["a".into(), "b".into()]));
        assert!(restriction_matches(&r(eq(tag, "b")), &multi));
    }

    #[test]
    fn missing_properties_never_match_a_comparison() {
        let item = Item::Contact(Box::default());
        let ne = SearchExpression::compare(ComparisonOperator::IsNotEqualTo, PropertyPath::Extended(field()), "x");
        assert!(!restriction_matches(&r(ne), &item));
    }

    #[test]
    fn fields_numbers_times_and_text() {
        let item = tagged(ExtendedValue::Single("7".into()));
        let name = PropertyPath::field("contacts:DisplayName");
        assert!(restriction_matches(&r(eq(name.clone(), "dana ruiz")), &item));
        let gt = |p: PropertyPath, v: &str| SearchExpression::compare(ComparisonOperator::IsGreaterThan, p, v);
        assert!(restriction_matches(&r(gt(PropertyPath::field("item:Size"), "1000")), &item));
        assert!(!restriction_matches(&r(gt(PropertyPath::field("item:Size"), "10000")), &item));
        // Numbers compare as numbers (as text, "7" would sort after "10").
        assert!(!restriction_matches(&r(gt(PropertyPath::Extended(field()), "10")), &item));
        let cal = CalendarItem { start: EwsDateTime::parse("2025-01-01T10:00:00+02:00"), ..CalendarItem::default() };
        let cal = Item::CalendarItem(Box::new(cal));
        assert!(restriction_matches(&r(gt(PropertyPath::field("calendar:Start"), "2025-01-01T07:59:59Z")), &cal));
        assert!(!restriction_matches(&r(gt(PropertyPath::field("calendar:Start"), "2025-01-01T08:00:00Z")), &cal));
        // A contact path does not apply to a calendar item.
        assert!(!restriction_matches(&r(SearchExpression::Exists(name)), &cal));
    }

    #[test]
    fn contains_modes() {
        let item = tagged(ExtendedValue::Single("x".into()));
        let c = |constant: &str, mode, comparison| {
            r(SearchExpression::Contains {
                path: PropertyPath::field("contacts:DisplayName"),
                constant: constant.into(),
                mode: Some(mode),
                comparison: Some(comparison),
            })
        };
        use ContainmentComparison::{Exact, IgnoreCase};
        use ContainmentMode::*;
        assert!(restriction_matches(&c("Dana", Prefixed, Exact), &item));
        assert!(!restriction_matches(&c("dana", Prefixed, Exact), &item));
        assert!(restriction_matches(&c("dana", Prefixed, IgnoreCase), &item));
        assert!(restriction_matches(&c("ruiz", PrefixOnWords, IgnoreCase), &item));
        assert!(!restriction_matches(&c("uiz", PrefixOnWords, IgnoreCase), &item));
        assert!(restriction_matches(&c("a R", Substring, Exact), &item));
        assert!(!restriction_matches(&c("Dana", FullString, Exact), &item));
        assert!(restriction_matches(&c("Dana Ruiz", FullString, Exact), &item));
    }

    #[test]
    fn excludes_tests_bits() {
        let item = tagged(ExtendedValue::Single("6".into()));
        let ex =
            |mask: &str| r(SearchExpression::Excludes { path: PropertyPath::Extended(field()), bitmask: mask.into() });
        assert!(restriction_matches(&ex("0x1"), &item));
        assert!(!restriction_matches(&ex("2"), &item));
    }

    #[test]
    fn windows() {
        let v =
            |offset, max: Option<i32>, base_point| IndexedPageView { max_entries_returned: max, offset, base_point };
        use IndexBasePoint::*;
        assert_eq!(window(&v(0, Some(3), Beginning), 10).unwrap(), (0..3, false));
        assert_eq!(window(&v(9, Some(3), Beginning), 10).unwrap(), (9..10, true));
        assert_eq!(window(&v(12, Some(3), Beginning), 10).unwrap(), (10..10, true));
        assert_eq!(window(&v(0, None, Beginning), 4).unwrap(), (0..4, true));
        assert_eq!(window(&v(2, Some(3), End), 10).unwrap(), (5..8, false));
        assert_eq!(window(&v(2, Some(3), End), 4).unwrap(), (0..2, true));
        assert!(window(&v(-1, Some(3), Beginning), 4).is_err());
        assert!(window(&v(0, Some(0), Beginning), 4).is_err());
    }

    #[test]
    fn sort_orders() {
        let person = |name: Option<&str>, company: &str| {
            let mut c = Contact {
                display_name: name.map(str::to_owned),
                company_name: Some(company.into()),
                ..Contact::default()
            };
            c.item.size = Some(name.map_or(0, str::len) as i32);
            Item::Contact(Box::new(c))
        };
        let stored = [
            person(Some("bob"), "B"),
            person(Some("Alice"), "A"),
            person(None, "B"),
            person(Some("carol"), "A"),
            person(Some("Dave"), "B"),
        ];
        let names = |items: &[&Item]| -> Vec<Option<String>> {
            items
                .iter()
                .map(|i| match i {
                    Item::Contact(c) => c.display_name.clone(),
                    _ => None,
                })
                .collect()
        };
        let key = |uri: &str, order| FieldOrder { order, path: PropertyPath::field(uri) };
        let mut items: Vec<&Item> = stored.iter().collect();
        sort_items(&mut items, &[key("contacts:DisplayName", SortDirection::Ascending)]);
        let s = |x: &str| Some(x.to_owned());
        assert_eq!(names(&items), [None, s("Alice"), s("bob"), s("carol"), s("Dave")]);
        sort_items(
            &mut items,
            &[key("contacts:CompanyName", SortDirection::Ascending), key("item:Size", SortDirection::Descending)],
        );
        // Alice and carol tie on both keys and keep their order.
        assert_eq!(names(&items), [s("Alice"), s("carol"), s("Dave"), s("bob"), None]);
        // No keys: the order stays as it is.
        sort_items(&mut items, &[]);
        assert_eq!(names(&items), [s("Alice"), s("carol"), s("Dave"), s("bob"), None]);
    }
}
