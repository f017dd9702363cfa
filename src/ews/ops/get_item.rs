//! `GetItem`: items by id, in a response shape.
//!
//! ```
//! use exsync::ews::*;
//!
//! let op = GetItem::new(vec![ItemId::new("AAMkAD1")], ItemShape::new(BaseShape::AllProperties));
//! let xml = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), op.clone()).to_xml_string();
//! assert!(xml.contains(r#"<m:ItemIds><t:ItemId Id="AAMkAD1"/></m:ItemIds>"#));
//! assert_eq!(Request::<GetItem>::parse(&xml).unwrap().body, op);
//! ```

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter};

use super::schema_order::SequenceOrder;
use crate::ews::base_item_id::{BaseItemId, read_item_ids, write_item_ids};
use crate::ews::item::{Item, read_items, write_items};
use crate::ews::operation::Operation;
use crate::ews::response::{MessageContent, ResponseMessage, response_messages_xml};
use crate::ews::shape::ItemShape;

/// The `GetItem` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetItem {
    /// Which properties the items carry.
    pub item_shape: ItemShape,
    /// The items (at least one); the answer has one message per id, in this order.
    pub item_ids: Vec<BaseItemId>,
}

impl GetItem {
    /// Fetches `ids` in `shape`.
    pub fn new<I: Into<BaseItemId>>(ids: Vec<I>, shape: ItemShape) -> Self {
        GetItem { item_shape: shape, item_ids: ids.into_iter().map(Into::into).collect() }
    }
}

impl ToXml for GetItem {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        self.item_shape.to_xml(w, "m:ItemShape");
        write_item_ids(w, "m:ItemIds", &self.item_ids);
        w.end(name);
    }
}

impl FromXml for GetItem {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut order = SequenceOrder::default();
        let (mut shape, mut ids) = (None, None);
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "ItemShape" => {
                    order.check(r, &c, 0)?;
                    shape = Some(ItemShape::from_xml(r, &c)?);
                }
                "ItemIds" => {
                    order.check(r, &c, 1)?;
                    ids = Some(read_item_ids(r, &c)?);
                }
                _ => r.unknown(&c)?,
            }
        }
        let item_shape = shape.ok_or_else(|| r.missing(el, "ItemShape"))?;
        let item_ids = match ids {
            Some(ids) if !(r.is_strict() && ids.is_empty()) => ids,
            _ => return Err(r.missing(el, "ItemIds")),
        };
        Ok(GetItem { item_shape, item_ids })
    }
}

/// What an item answer message carries besides its status (`ItemInfoResponseMessageType`):
/// the items, empty when the message is an error. Used by `GetItem` and `CreateItem`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemInfoContent {
    /// The items (`m:Items`, always written, as the schema requires).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Item>,
}

impl MessageContent for ItemInfoContent {
    fn write_content(&self, w: &mut XmlWriter) {
        write_items(w, "m:Items", &self.items);
    }

    fn read_content<'a>(&mut self, r: &mut XmlReader<'a>, c: &Element<'a>) -> Result<bool, XmlError> {
        if c.name() != "Items" {
            return Ok(false);
        }
        self.items = read_items(r, c)?;
        Ok(true)
    }
}

/// The `GetItem` response: one message per requested id, in request order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GetItemResponse {
    /// Per-id results.
    pub messages: Vec<ResponseMessage<ItemInfoContent>>,
}

impl GetItemResponse {
    /// The items of the messages that did not fail, in order.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.messages.iter().filter(|m| m.status.is_ok()).flat_map(|m| m.content.items.iter())
    }
}

response_messages_xml!(GetItemResponse, "GetItemResponseMessage");

impl Operation for GetItem {
    const NAME: &'static str = "GetItem";
    type Response = GetItemResponse;
}
