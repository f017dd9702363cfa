//! `CreateItem`: new items in a folder; the answer gives their ids.
//!
//! ```
//! use exsync::ews::*;
//!
//! let item = Item::Other(Box::new(OtherItem {
//!     element: "Message".into(),
//!     item: ItemBase { subject: Some("Draft".into()), ..Default::default() },
//! }));
//! let op = CreateItem::save_only(BaseFolderId::distinguished(DistinguishedFolderName::Drafts), vec![item]);
//! let xml = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), op.clone()).to_xml_string();
//! assert!(xml.contains(r#"<m:CreateItem MessageDisposition="SaveOnly" SendMeetingInvitations="SendToNone">"#));
//! assert_eq!(Request::<CreateItem>::parse(&xml).unwrap().body, op);
//! ```

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter, xml_enum};

use super::get_item::ItemInfoContent;
use super::schema_order::SequenceOrder;
use crate::ews::ids::{BaseFolderId, read_target_folder, write_target_folder};
use crate::ews::item::{Item, read_items, write_items};
use crate::ews::operation::Operation;
use crate::ews::response::{ResponseMessage, response_messages_xml};

xml_enum! {
    /// Whether a message is saved, sent, or both (`MessageDispositionType`); Exchange requires it
    /// for messages and ignores it for contacts and calendar items.
    pub enum MessageDisposition {
        SaveOnly = "SaveOnly",
        SendOnly = "SendOnly",
        SendAndSaveCopy = "SendAndSaveCopy",
    }
}

xml_enum! {
    /// Whether creating a meeting sends invitations (`CalendarItemCreateOrDeleteOperationType`);
    /// Exchange requires it when creating calendar items.
    pub enum SendMeetingInvitations {
        SendToNone = "SendToNone",
        SendOnlyToAll = "SendOnlyToAll",
        SendToAllAndSaveCopy = "SendToAllAndSaveCopy",
    }
}

/// The `CreateItem` request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateItem {
    /// Save, send, or both (messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_disposition: Option<MessageDisposition>,
    /// Invitations for meetings (calendar items).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_meeting_invitations: Option<SendMeetingInvitations>,
    /// Where the items are saved (the default folder of their kind when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_item_folder_id: Option<BaseFolderId>,
    /// The items (at least one); the answer has one message per item, in this order.
    pub items: Vec<Item>,
}

impl CreateItem {
    /// Creates `items` with no attributes and no target folder.
    pub fn new(items: Vec<Item>) -> Self {
        CreateItem { message_disposition: None, send_meeting_invitations: None, saved_item_folder_id: None, items }
    }

    /// Saves `items` in `folder` and sends nothing: `MessageDisposition="SaveOnly"` and
    /// `SendMeetingInvitations="SendToNone"`, what a sync engine writing contacts and events wants.
    pub fn save_only(folder: BaseFolderId, items: Vec<Item>) -> Self {
        CreateItem {
            message_disposition: Some(MessageDisposition::SaveOnly),
            send_meeting_invitations: Some(SendMeetingInvitations::SendToNone),
            saved_item_folder_id: Some(folder),
            items,
        }
    }

    /// Sets the message disposition.
    pub fn with_message_disposition(mut self, disposition: MessageDisposition) -> Self {
        self.message_disposition = Some(disposition);
        self
    }

    /// Sets whether meeting invitations are sent.
    pub fn with_meeting_invitations(mut self, send: SendMeetingInvitations) -> Self {
        self.send_meeting_invitations = Some(send);
        self
    }

    /// Saves the items in `folder`.
    pub fn with_saved_item_folder(mut self, folder: BaseFolderId) -> Self {
        self.saved_item_folder_id = Some(folder);
        self
    }
}

impl ToXml for CreateItem {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(
            name,
            &[
                ("MessageDisposition", self.message_disposition.map(|d| d.as_str())),
                ("SendMeetingInvitations", self.send_meeting_invitations.map(|s| s.as_str())),
            ],
        );
        if let Some(f) = &self.saved_item_folder_id {
            write_target_folder(w, "m:SavedItemFolderId", f);
        }
        write_items(w, "m:Items", &self.items);
        w.end(name);
    }
}

impl FromXml for CreateItem {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut req = CreateItem {
            message_disposition: r.attr_value(el, "MessageDisposition")?,
            send_meeting_invitations: r.attr_value(el, "SendMeetingInvitations")?,
            saved_item_folder_id: None,
            items: Vec::new(),
        };
        let mut order = SequenceOrder::default();
        let mut seen = false;
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "SavedItemFolderId" => {
                    order.check(r, &c, 0)?;
                    req.saved_item_folder_id = Some(read_target_folder(r, &c)?);
                }
                "Items" => {
                    order.check(r, &c, 1)?;
                    seen = true;
                    req.items = read_items(r, &c)?;
                }
                _ => r.unknown(&c)?,
            }
        }
        if !seen || (r.is_strict() && req.items.is_empty()) {
            return Err(r.missing(el, "Items"));
        }
        Ok(req)
    }
}

/// The `CreateItem` response: one message per item, in request order, each with the new item's id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateItemResponse {
    /// Per-item results.
    pub messages: Vec<ResponseMessage<ItemInfoContent>>,
}

impl CreateItemResponse {
    /// The created items (usually ids only) of the messages that did not fail, in order.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.messages.iter().filter(|m| m.status.is_ok()).flat_map(|m| m.content.items.iter())
    }
}

response_messages_xml!(CreateItemResponse, "CreateItemResponseMessage");

impl Operation for CreateItem {
    const NAME: &'static str = "CreateItem";
    type Response = CreateItemResponse;
}
