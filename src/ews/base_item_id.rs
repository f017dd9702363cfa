//! The item-id choice of `NonEmptyArrayOfBaseItemIdsType` (the `ItemIds` of `GetItem` and
//! `DeleteItem`) and of `ItemChangeType` (`UpdateItem`): an item by id, one occurrence of a
//! recurring series by the master's id and its index (`t:OccurrenceItemId`), or the master of
//! an occurrence (`t:RecurringMasterItemId`).
//!
//! ```
//! use exsync::ews::{BaseItemId, DeleteItem, DeleteType, OccurrenceItemId, Request, RequestHeader, ExchangeVersion};
//!
//! let third = OccurrenceItemId::new("AAMkMaster", 3);
//! let op = DeleteItem::new(vec![BaseItemId::Occurrence(third)], DeleteType::MoveToDeletedItems);
//! let xml = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), op.clone()).to_xml_string();
//! assert!(xml.contains(r#"<t:OccurrenceItemId RecurringMasterId="AAMkMaster" InstanceIndex="3"/>"#));
//! assert_eq!(Request::<DeleteItem>::parse(&xml).unwrap().body, op);
//! ```

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlErrorKind, XmlReader, XmlWriter};

use super::ids::ItemId;

/// One occurrence of a recurring series (`t:OccurrenceItemId`): the series' master and the
/// occurrence's 1-based position in the series (a moved occurrence keeps its position).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OccurrenceItemId {
    /// The id of the series' master item.
    pub recurring_master_id: String,
    /// The change key the occurrence was read at (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_key: Option<String>,
    /// Which occurrence: 1 for the first of the series (`xs:int`; Exchange refuses less than 1).
    pub instance_index: i32,
}

impl OccurrenceItemId {
    /// Occurrence `instance_index` (1-based) of the series whose master is `master`.
    pub fn new(master: impl Into<String>, instance_index: i32) -> Self {
        OccurrenceItemId { recurring_master_id: master.into(), change_key: None, instance_index }
    }
}

impl ToXml for OccurrenceItemId {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        let index = self.instance_index.to_string();
        w.empty(
            name,
            &[
                ("RecurringMasterId", Some(&self.recurring_master_id)),
                ("ChangeKey", self.change_key.as_deref()),
                ("InstanceIndex", Some(&index)),
            ],
        );
    }
}

impl FromXml for OccurrenceItemId {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let recurring_master_id = r.required_attr(el, "RecurringMasterId")?;
        let change_key = r.attr(el, "ChangeKey")?;
        let instance_index: i32 = r
            .attr_value(el, "InstanceIndex")?
            .ok_or_else(|| r.error_on(el, XmlErrorKind::MissingAttribute("InstanceIndex")))?;
        r.skip(el)?;
        Ok(OccurrenceItemId { recurring_master_id, change_key, instance_index })
    }
}

/// The master of the series an occurrence belongs to (`t:RecurringMasterItemId`), named by the
/// occurrence's id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RecurringMasterItemId {
    /// The id of one occurrence (or exception) of the series.
    pub occurrence_id: String,
    /// The change key (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_key: Option<String>,
}

impl ToXml for RecurringMasterItemId {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.empty(name, &[("OccurrenceId", Some(&self.occurrence_id)), ("ChangeKey", self.change_key.as_deref())]);
    }
}

impl FromXml for RecurringMasterItemId {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let occurrence_id = r.required_attr(el, "OccurrenceId")?;
        let change_key = r.attr(el, "ChangeKey")?;
        r.skip(el)?;
        Ok(RecurringMasterItemId { occurrence_id, change_key })
    }
}

/// Any way of naming an item in `ItemIds` or an `ItemChange` (`RecurringMasterItemIdRanges` is
/// not modelled; reading one is an unknown element).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseItemId {
    /// An item by id (`t:ItemId`).
    Item(ItemId),
    /// One occurrence of a series (`t:OccurrenceItemId`).
    Occurrence(OccurrenceItemId),
    /// The master of an occurrence's series (`t:RecurringMasterItemId`).
    RecurringMaster(RecurringMasterItemId),
}

impl BaseItemId {
    /// The change key it names, if any.
    pub fn change_key(&self) -> Option<&str> {
        match self {
            BaseItemId::Item(i) => i.change_key.as_deref(),
            BaseItemId::Occurrence(o) => o.change_key.as_deref(),
            BaseItemId::RecurringMaster(m) => m.change_key.as_deref(),
        }
    }

    /// The id text it is built on (the item's, the master's or the occurrence's), for messages.
    pub fn id_text(&self) -> &str {
        match self {
            BaseItemId::Item(i) => &i.id,
            BaseItemId::Occurrence(o) => &o.recurring_master_id,
            BaseItemId::RecurringMaster(m) => &m.occurrence_id,
        }
    }

    /// The plain item id, if it is one.
    pub fn as_item(&self) -> Option<&ItemId> {
        match self {
            BaseItemId::Item(i) => Some(i),
            _ => None,
        }
    }

    /// Writes the element of the variant (`t:ItemId`, `t:OccurrenceItemId`, `t:RecurringMasterItemId`).
    pub fn write(&self, w: &mut XmlWriter) {
        match self {
            BaseItemId::Item(i) => i.to_xml(w, "t:ItemId"),
            BaseItemId::Occurrence(o) => o.to_xml(w, "t:OccurrenceItemId"),
            BaseItemId::RecurringMaster(m) => m.to_xml(w, "t:RecurringMasterItemId"),
        }
    }

    /// Reads `el` if it is one of the three elements; `None` for other elements.
    pub fn read<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Option<Self>, XmlError> {
        Ok(match el.name() {
            "ItemId" => Some(BaseItemId::Item(ItemId::from_xml(r, el)?)),
            "OccurrenceItemId" => Some(BaseItemId::Occurrence(OccurrenceItemId::from_xml(r, el)?)),
            "RecurringMasterItemId" => Some(BaseItemId::RecurringMaster(RecurringMasterItemId::from_xml(r, el)?)),
            _ => None,
        })
    }
}

impl From<ItemId> for BaseItemId {
    fn from(id: ItemId) -> Self {
        BaseItemId::Item(id)
    }
}

impl From<OccurrenceItemId> for BaseItemId {
    fn from(id: OccurrenceItemId) -> Self {
        BaseItemId::Occurrence(id)
    }
}

impl From<RecurringMasterItemId> for BaseItemId {
    fn from(id: RecurringMasterItemId) -> Self {
        BaseItemId::RecurringMaster(id)
    }
}

/// Writes `<name>` holding `ids`, each as the element of its kind.
pub(crate) fn write_item_ids(w: &mut XmlWriter, name: &str, ids: &[BaseItemId]) {
    w.start(name, &[]);
    for id in ids {
        id.write(w);
    }
    w.end(name);
}

/// Reads a list of item ids of any kind.
pub(crate) fn read_item_ids<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Vec<BaseItemId>, XmlError> {
    r.choice_list(el, BaseItemId::read)
}
