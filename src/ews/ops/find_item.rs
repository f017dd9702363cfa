//! `FindItem`: list or search the items of folders, a page at a time.
//!
//! ```
//! use exsync::ews::*;
//!
//! let tag = ExtendedFieldUri::named_string("c11ff724-aa03-4555-9952-8fa248a11c3e", "exsync-id");
//! let op = FindItem::by_extended_property(
//!     BaseFolderId::distinguished(DistinguishedFolderName::Contacts),
//!     tag,
//!     "rec-42",
//!     IndexedPageView::first(10),
//! );
//! let xml = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), op.clone()).to_xml_string();
//! assert!(xml.contains(r#"<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>"#));
//! assert_eq!(Request::<FindItem>::parse(&xml).unwrap().body, op);
//! ```

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlErrorKind, XmlReader, XmlWriter, xml_enum};

use super::schema_order::SequenceOrder;

use crate::ews::datetime::EwsDateTime;
use crate::ews::ids::{BaseFolderId, read_folder_ids, write_folder_ids};
use crate::ews::item::{Item, read_items, write_items};
use crate::ews::operation::Operation;
use crate::ews::paging::{
    CalendarView, ContactsView, FindPaging, FractionalPageView, IndexBasePoint, IndexedPageView, required_attr_value,
};
use crate::ews::path::{ExtendedFieldUri, PropertyPath};
use crate::ews::response::{MessageContent, ResponseMessage, response_messages_xml};
use crate::ews::restriction::{Restriction, SearchExpression};
use crate::ews::shape::{BaseShape, ItemShape};

xml_enum! {
    /// Which items of a folder a search covers (`ItemQueryTraversalType`).
    pub enum ItemQueryTraversal {
        Shallow = "Shallow",
        SoftDeleted = "SoftDeleted",
        Associated = "Associated",
    }
}

xml_enum! {
    /// Sort direction (`SortDirectionType`).
    pub enum SortDirection {
        Ascending = "Ascending",
        Descending = "Descending",
    }
}

xml_enum! {
    /// Which item represents a group (`AggregateType`).
    pub enum Aggregate {
        Minimum = "Minimum",
        Maximum = "Maximum",
    }
}

xml_enum! {
    /// Built-in groupings (`StandardGroupByType`).
    pub enum StandardGroupBy {
        ConversationTopic = "ConversationTopic",
    }
}

/// One sort key (`t:FieldOrder`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FieldOrder {
    /// Direction.
    pub order: SortDirection,
    /// The property sorted on.
    pub path: PropertyPath,
}

impl ToXml for FieldOrder {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[("Order", Some(self.order.as_str()))]);
        self.path.write(w);
        w.end(name);
    }
}

impl FromXml for FieldOrder {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let order = required_attr_value(r, el, "Order")?;
        let path = read_single_path(r, el)?;
        Ok(FieldOrder { order, path })
    }
}

/// Reads the one property path inside `el`.
fn read_single_path<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<PropertyPath, XmlError> {
    let mut path = None;
    while let Some(c) = r.next_child(el)? {
        match PropertyPath::read(r, &c)? {
            Some(p) if path.is_none() => path = Some(p),
            Some(_) => return Err(r.error_on(&c, XmlErrorKind::UnexpectedElement(c.qualified_name().to_owned()))),
            None => r.unknown(&c)?,
        }
    }
    path.ok_or_else(|| r.missing(el, "FieldURI"))
}

/// A page of a `SeekToConditionPageItemView`: starts at the first item matching `condition`
/// (Exchange 2013+).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SeekToConditionPageView {
    /// Most entries to return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_entries_returned: Option<i32>,
    /// Whether the search for the condition starts at the beginning or the end.
    pub base_point: IndexBasePoint,
    /// The condition the first item of the page meets.
    pub condition: Restriction,
}

/// How many and which items come back (the view choice of `FindItemType`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemView {
    /// `m:IndexedPageItemView`: a page by position.
    IndexedPage(IndexedPageView),
    /// `m:FractionalPageItemView`: a page by fraction.
    FractionalPage(FractionalPageView),
    /// `m:SeekToConditionPageItemView`: a page from the first item matching a condition.
    SeekToCondition(SeekToConditionPageView),
    /// `m:CalendarView`: occurrences in a time range (recurring series expanded).
    Calendar(CalendarView),
    /// `m:ContactsView`: contacts in a range of names.
    Contacts(ContactsView),
}

impl ItemView {
    fn write(&self, w: &mut XmlWriter) {
        match self {
            ItemView::IndexedPage(v) => v.write(w, "m:IndexedPageItemView"),
            ItemView::FractionalPage(v) => v.write(w, "m:FractionalPageItemView"),
            ItemView::SeekToCondition(v) => {
                let max = v.max_entries_returned.map(|m| m.to_string());
                w.start(
                    "m:SeekToConditionPageItemView",
                    &[("MaxEntriesReturned", max.as_deref()), ("BasePoint", Some(v.base_point.as_str()))],
                );
                v.condition.to_xml(w, "t:Condition");
                w.end("m:SeekToConditionPageItemView");
            }
            ItemView::Calendar(v) => v.write(w, "m:CalendarView"),
            ItemView::Contacts(v) => v.write(w, "m:ContactsView"),
        }
    }

    fn read<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Option<Self>, XmlError> {
        Ok(Some(match el.name() {
            "IndexedPageItemView" => ItemView::IndexedPage(IndexedPageView::read(r, el)?),
            "FractionalPageItemView" => ItemView::FractionalPage(FractionalPageView::read(r, el)?),
            "SeekToConditionPageItemView" => {
                let max_entries_returned = r.attr_value(el, "MaxEntriesReturned")?;
                let base_point = required_attr_value(r, el, "BasePoint")?;
                let mut condition = None;
                while let Some(c) = r.next_child(el)? {
                    if c.name() == "Condition" && condition.is_none() {
                        condition = Some(Restriction::from_xml(r, &c)?);
                    } else {
                        r.unknown(&c)?;
                    }
                }
                ItemView::SeekToCondition(SeekToConditionPageView {
                    max_entries_returned,
                    base_point,
                    condition: condition.ok_or_else(|| r.missing(el, "Condition"))?,
                })
            }
            "CalendarView" => ItemView::Calendar(CalendarView::read(r, el)?),
            "ContactsView" => ItemView::Contacts(ContactsView::read(r, el)?),
            _ => return Ok(None),
        }))
    }
}

/// `t:AggregateOn`: which item of a group represents it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AggregateOn {
    /// Minimum or maximum.
    pub aggregate: Aggregate,
    /// The property compared.
    pub path: PropertyPath,
}

/// `m:GroupBy`: arbitrary grouping of the results.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GroupBy {
    /// Order of the groups.
    pub order: SortDirection,
    /// The property whose value defines the groups.
    pub path: PropertyPath,
    /// Which item represents each group.
    pub aggregate_on: AggregateOn,
    /// Exchange 2013+: whether groups may be collapsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_collapsible_groups: Option<bool>,
    /// Exchange 2013+: items returned per group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items_per_group: Option<u32>,
    /// Exchange 2013+: most items per group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items_per_group: Option<u32>,
}

/// The grouping choice of `FindItemType`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    /// `m:GroupBy`.
    GroupBy(GroupBy),
    /// `m:DistinguishedGroupBy`.
    Distinguished {
        /// Order of the groups.
        order: SortDirection,
        /// The built-in grouping.
        standard: StandardGroupBy,
    },
}

impl Grouping {
    fn write(&self, w: &mut XmlWriter) {
        match self {
            Grouping::GroupBy(g) => {
                w.start("m:GroupBy", &[("Order", Some(g.order.as_str()))]);
                g.path.write(w);
                w.start("t:AggregateOn", &[("Aggregate", Some(g.aggregate_on.aggregate.as_str()))]);
                g.aggregate_on.path.write(w);
                w.end("t:AggregateOn");
                w.opt_value("t:UseCollapsibleGroups", &g.use_collapsible_groups);
                w.opt_value("t:ItemsPerGroup", &g.items_per_group);
                w.opt_value("t:MaxItemsPerGroup", &g.max_items_per_group);
                w.end("m:GroupBy");
            }
            Grouping::Distinguished { order, standard } => {
                w.start("m:DistinguishedGroupBy", &[("Order", Some(order.as_str()))]);
                w.value("t:StandardGroupBy", standard);
                w.end("m:DistinguishedGroupBy");
            }
        }
    }

    fn read<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Option<Self>, XmlError> {
        let order = match el.name() {
            "GroupBy" | "DistinguishedGroupBy" => required_attr_value(r, el, "Order")?,
            _ => return Ok(None),
        };
        if el.name() == "DistinguishedGroupBy" {
            let mut standard = None;
            while let Some(c) = r.next_child(el)? {
                match c.name() {
                    "StandardGroupBy" => standard = Some(r.value(&c)?),
                    _ => r.unknown(&c)?,
                }
            }
            let standard = standard.ok_or_else(|| r.missing(el, "StandardGroupBy"))?;
            return Ok(Some(Grouping::Distinguished { order, standard }));
        }
        let (mut path, mut aggregate_on) = (None, None);
        let mut g = (None, None, None);
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "AggregateOn" => {
                    let aggregate = required_attr_value(r, &c, "Aggregate")?;
                    aggregate_on = Some(AggregateOn { aggregate, path: read_single_path(r, &c)? });
                }
                "UseCollapsibleGroups" => g.0 = Some(r.value(&c)?),
                "ItemsPerGroup" => g.1 = Some(r.value(&c)?),
                "MaxItemsPerGroup" => g.2 = Some(r.value(&c)?),
                _ => match PropertyPath::read(r, &c)? {
                    Some(p) if path.is_none() => path = Some(p),
                    _ => r.unknown(&c)?,
                },
            }
        }
        Ok(Some(Grouping::GroupBy(GroupBy {
            order,
            path: path.ok_or_else(|| r.missing(el, "FieldURI"))?,
            aggregate_on: aggregate_on.ok_or_else(|| r.missing(el, "AggregateOn"))?,
            use_collapsible_groups: g.0,
            items_per_group: g.1,
            max_items_per_group: g.2,
        })))
    }
}

/// `m:QueryString`: an Advanced Query Syntax search (Exchange 2010+; the attributes 2013+).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct QueryString {
    /// The AQS text, e.g. `subject:"project plan"`.
    pub query: String,
    /// Whether the server's search cache is reset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reset_cache: Option<bool>,
    /// Whether highlight terms come back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_highlight_terms: Option<bool>,
    /// Whether deleted items are searched too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_deleted_items: Option<bool>,
}

fn bool_text(v: Option<bool>) -> Option<&'static str> {
    v.map(|b| if b { "true" } else { "false" })
}

impl ToXml for QueryString {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(
            name,
            &[
                ("ResetCache", bool_text(self.reset_cache)),
                ("ReturnHighlightTerms", bool_text(self.return_highlight_terms)),
                ("ReturnDeletedItems", bool_text(self.return_deleted_items)),
            ],
        );
        w.text(&self.query);
        w.end(name);
    }
}

impl FromXml for QueryString {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let reset_cache = r.attr_value(el, "ResetCache")?;
        let return_highlight_terms = r.attr_value(el, "ReturnHighlightTerms")?;
        let return_deleted_items = r.attr_value(el, "ReturnDeletedItems")?;
        Ok(QueryString { query: r.text(el)?.into_owned(), reset_cache, return_highlight_terms, return_deleted_items })
    }
}

/// The `FindItem` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindItem {
    /// Which items of the folders are searched.
    pub traversal: ItemQueryTraversal,
    /// Which properties come back.
    pub item_shape: ItemShape,
    /// Paging or calendar view (without one, the server returns up to its limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<ItemView>,
    /// Grouping of the results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grouping: Option<Grouping>,
    /// Filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restriction: Option<Restriction>,
    /// Sort keys, most significant first (none: element left out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sort_order: Vec<FieldOrder>,
    /// The folders searched (at least one).
    pub parent_folder_ids: Vec<BaseFolderId>,
    /// AQS search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_string: Option<QueryString>,
}

impl FindItem {
    /// A shallow search of `folder` with `shape`, no view, filter or sort.
    pub fn new(folder: BaseFolderId, shape: ItemShape) -> Self {
        FindItem {
            traversal: ItemQueryTraversal::Shallow,
            item_shape: shape,
            view: None,
            grouping: None,
            restriction: None,
            sort_order: Vec::new(),
            parent_folder_ids: vec![folder],
            query_string: None,
        }
    }

    /// The items of `folder` whose extended property `field` equals `value`, ids and that property
    /// returned, a page at a time: how the sync engine finds the items it tagged.
    pub fn by_extended_property(
        folder: BaseFolderId,
        field: ExtendedFieldUri,
        value: impl Into<String>,
        page: IndexedPageView,
    ) -> Self {
        let mut shape = ItemShape::new(BaseShape::IdOnly);
        shape.additional_properties.push(PropertyPath::Extended(field.clone()));
        FindItem {
            view: Some(ItemView::IndexedPage(page)),
            restriction: Some(Restriction::new(SearchExpression::extended_property_equals(field, value))),
            ..FindItem::new(folder, shape)
        }
    }

    /// The occurrences in `calendar` between `start` and `end`, with `shape`.
    pub fn calendar_view(calendar: BaseFolderId, start: EwsDateTime, end: EwsDateTime, shape: ItemShape) -> Self {
        FindItem { view: Some(ItemView::Calendar(CalendarView::new(start, end))), ..FindItem::new(calendar, shape) }
    }

    /// The same search with `view`.
    pub fn with_view(mut self, view: ItemView) -> Self {
        self.view = Some(view);
        self
    }

    /// The same search filtered by `restriction`.
    pub fn with_restriction(mut self, restriction: impl Into<Restriction>) -> Self {
        self.restriction = Some(restriction.into());
        self
    }

    /// The same search sorted by `path` in direction `order` (added after existing keys).
    pub fn sorted_by(mut self, path: PropertyPath, order: SortDirection) -> Self {
        self.sort_order.push(FieldOrder { order, path });
        self
    }
}

impl ToXml for FindItem {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[("Traversal", Some(self.traversal.as_str()))]);
        self.item_shape.to_xml(w, "m:ItemShape");
        if let Some(v) = &self.view {
            v.write(w);
        }
        if let Some(g) = &self.grouping {
            g.write(w);
        }
        w.opt("m:Restriction", &self.restriction);
        if !self.sort_order.is_empty() {
            w.start("m:SortOrder", &[]);
            for o in &self.sort_order {
                o.to_xml(w, "t:FieldOrder");
            }
            w.end("m:SortOrder");
        }
        write_folder_ids(w, "m:ParentFolderIds", &self.parent_folder_ids);
        w.opt("m:QueryString", &self.query_string);
        w.end(name);
    }
}

impl FromXml for FindItem {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let traversal = required_attr_value(r, el, "Traversal")?;
        let mut shape = None;
        let mut parents = None;
        let mut req = FindItem {
            traversal,
            item_shape: ItemShape::new(BaseShape::IdOnly),
            view: None,
            grouping: None,
            restriction: None,
            sort_order: Vec::new(),
            parent_folder_ids: Vec::new(),
            query_string: None,
        };
        // Schema positions: ItemShape, the view choice, the grouping choice, Restriction,
        // SortOrder, ParentFolderIds, QueryString.
        let mut order = SequenceOrder::default();
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "ItemShape" => {
                    order.check(r, &c, 0)?;
                    shape = Some(ItemShape::from_xml(r, &c)?);
                }
                "Restriction" => {
                    order.check(r, &c, 3)?;
                    req.restriction = Some(Restriction::from_xml(r, &c)?);
                }
                "SortOrder" => {
                    order.check(r, &c, 4)?;
                    while let Some(o) = r.next_child(&c)? {
                        match o.name() {
                            "FieldOrder" => req.sort_order.push(FieldOrder::from_xml(r, &o)?),
                            _ => r.unknown(&o)?,
                        }
                    }
                    if r.is_strict() && req.sort_order.is_empty() {
                        return Err(r.missing(&c, "FieldOrder"));
                    }
                }
                "ParentFolderIds" => {
                    order.check(r, &c, 5)?;
                    parents = Some(read_folder_ids(r, &c)?);
                }
                "QueryString" => {
                    order.check(r, &c, 6)?;
                    req.query_string = Some(QueryString::from_xml(r, &c)?);
                }
                _ => {
                    if let Some(v) = ItemView::read(r, &c)? {
                        order.check(r, &c, 1)?;
                        req.view = Some(v);
                    } else if let Some(g) = Grouping::read(r, &c)? {
                        order.check(r, &c, 2)?;
                        req.grouping = Some(g);
                    } else {
                        r.unknown(&c)?;
                    }
                }
            }
        }
        req.item_shape = shape.ok_or_else(|| r.missing(el, "ItemShape"))?;
        req.parent_folder_ids = match parents {
            Some(p) if !(p.is_empty() && r.is_strict()) => p,
            _ => return Err(r.missing(el, "ParentFolderIds")),
        };
        Ok(req)
    }
}

/// One group of a grouped search (`t:GroupedItems`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupedItems {
    /// The group's key as the server renders it.
    pub group_index: String,
    /// The items of the group.
    pub items: Vec<Item>,
}

/// What a `RootFolder` holds: items, or groups of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindItemContents {
    /// `t:Items`.
    Items(Vec<Item>),
    /// `t:Groups`.
    Groups(Vec<GroupedItems>),
}

/// `m:RootFolder` of a `FindItem` answer (`FindItemParentType`): a page of items and where it lies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindItemRoot {
    /// Paging of the view.
    #[serde(flatten)]
    pub paging: FindPaging,
    /// The items found.
    pub contents: FindItemContents,
}

impl FindItemRoot {
    /// The items found, groups flattened in order.
    pub fn items(&self) -> Box<dyn Iterator<Item = &Item> + '_> {
        match &self.contents {
            FindItemContents::Items(items) => Box::new(items.iter()),
            FindItemContents::Groups(groups) => Box::new(groups.iter().flat_map(|g| g.items.iter())),
        }
    }
}

impl ToXml for FindItemRoot {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        let texts = self.paging.texts();
        w.start(name, &FindPaging::attributes(&texts));
        match &self.contents {
            FindItemContents::Items(items) => write_items(w, "t:Items", items),
            FindItemContents::Groups(groups) => {
                w.start("t:Groups", &[]);
                for g in groups {
                    w.start("t:GroupedItems", &[]);
                    w.text_element("t:GroupIndex", &g.group_index);
                    write_items(w, "t:Items", &g.items);
                    w.end("t:GroupedItems");
                }
                w.end("t:Groups");
            }
        }
        w.end(name);
    }
}

impl FromXml for FindItemRoot {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let paging = FindPaging::read(r, el)?;
        let mut contents = None;
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "Items" if contents.is_none() => contents = Some(FindItemContents::Items(read_items(r, &c)?)),
                "Groups" if contents.is_none() => {
                    let mut groups = Vec::new();
                    while let Some(g) = r.next_child(&c)? {
                        if g.name() != "GroupedItems" {
                            r.unknown(&g)?;
                            continue;
                        }
                        let (mut index, mut items) = (None, None);
                        while let Some(x) = r.next_child(&g)? {
                            match x.name() {
                                "GroupIndex" => index = Some(r.value(&x)?),
                                "Items" => items = Some(read_items(r, &x)?),
                                // GroupSummary (Exchange 2013+) is not modelled.
                                "GroupSummary" => r.skip(&x)?,
                                _ => r.unknown(&x)?,
                            }
                        }
                        groups.push(GroupedItems {
                            group_index: index.ok_or_else(|| r.missing(&g, "GroupIndex"))?,
                            items: items.ok_or_else(|| r.missing(&g, "Items"))?,
                        });
                    }
                    contents = Some(FindItemContents::Groups(groups));
                }
                _ => r.unknown(&c)?,
            }
        }
        Ok(FindItemRoot { paging, contents: contents.ok_or_else(|| r.missing(el, "Items"))? })
    }
}

/// A term the server highlighted in an AQS search (`t:Term`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HighlightTerm {
    /// Where the term matched.
    pub scope: String,
    /// The term.
    pub value: String,
}

/// The content of a `FindItemResponseMessage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FindItemContent {
    /// The page of results (absent on error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_folder: Option<FindItemRoot>,
    /// Highlighted terms of an AQS search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub highlight_terms: Option<Vec<HighlightTerm>>,
}

impl MessageContent for FindItemContent {
    fn write_content(&self, w: &mut XmlWriter) {
        w.opt("m:RootFolder", &self.root_folder);
        if let Some(terms) = &self.highlight_terms {
            w.start("m:HighlightTerms", &[]);
            for t in terms {
                w.start("t:Term", &[]);
                w.text_element("t:Scope", &t.scope);
                w.text_element("t:Value", &t.value);
                w.end("t:Term");
            }
            w.end("m:HighlightTerms");
        }
    }

    fn read_content<'a>(&mut self, r: &mut XmlReader<'a>, c: &Element<'a>) -> Result<bool, XmlError> {
        match c.name() {
            "RootFolder" => self.root_folder = Some(FindItemRoot::from_xml(r, c)?),
            "HighlightTerms" => {
                let mut terms = Vec::new();
                while let Some(t) = r.next_child(c)? {
                    if t.name() != "Term" {
                        r.unknown(&t)?;
                        continue;
                    }
                    let (mut scope, mut value) = (None, None);
                    while let Some(x) = r.next_child(&t)? {
                        match x.name() {
                            "Scope" => scope = Some(r.value(&x)?),
                            "Value" => value = Some(r.value(&x)?),
                            _ => r.unknown(&x)?,
                        }
                    }
                    terms.push(HighlightTerm {
                        scope: scope.ok_or_else(|| r.missing(&t, "Scope"))?,
                        value: value.ok_or_else(|| r.missing(&t, "Value"))?,
                    });
                }
                self.highlight_terms = Some(terms);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// The `FindItem` response: one message per parent folder, in request order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FindItemResponse {
    /// Per-folder results.
    pub messages: Vec<ResponseMessage<FindItemContent>>,
}

impl FindItemResponse {
    /// Every item found, across messages and groups.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.messages.iter().filter_map(|m| m.content.root_folder.as_ref()).flat_map(|root| root.items())
    }
}

response_messages_xml!(FindItemResponse, "FindItemResponseMessage");

impl Operation for FindItem {
    const NAME: &'static str = "FindItem";
    type Response = FindItemResponse;
}
