//! `UpdateItem`: field-by-field changes to existing items.
//!
//! Each change names a property with a path and carries an item element holding just that property,
//! as EWS `SetItemField` and `AppendToItemField` do; `DeleteItemField` names the path only.
//!
//! ```
//! use exsync::ews::*;
//!
//! let subject = Item::Other(Box::new(OtherItem {
//!     element: "Message".into(),
//!     item: ItemBase { subject: Some("Renamed".into()), ..Default::default() },
//! }));
//! let change = ItemChange::new(
//!     ItemId::with_change_key("AAMkAD1", "CQAAAB"),
//!     vec![
//!         ItemUpdate::set(PropertyPath::field("item:Subject"), subject),
//!         ItemUpdate::delete(PropertyPath::field("item:Body")),
//!     ],
//! );
//! let op = UpdateItem::save_only(ConflictResolution::AutoResolve, vec![change]);
//! let xml = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), op.clone()).to_xml_string();
//! assert!(xml.contains(r#"<t:DeleteItemField><t:FieldURI FieldURI="item:Body"/></t:DeleteItemField>"#));
//! assert_eq!(Request::<UpdateItem>::parse_strict(&xml, Default::default()).unwrap().body, op);
//! ```

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlErrorKind, XmlReader, XmlWriter, xml_enum};

use super::create_item::MessageDisposition;
use super::schema_order::SequenceOrder;
use crate::ews::base_item_id::BaseItemId;
use crate::ews::ids::{BaseFolderId, read_target_folder, write_target_folder};
use crate::ews::item::{Item, read_items, write_items};
use crate::ews::operation::Operation;
use crate::ews::path::PropertyPath;
use crate::ews::response::{MessageContent, ResponseMessage, response_messages_xml};

xml_enum! {
    /// What happens when the item changed since its change key was read (`ConflictResolutionType`).
    pub enum ConflictResolution {
        NeverOverwrite = "NeverOverwrite",
        AutoResolve = "AutoResolve",
        AlwaysOverwrite = "AlwaysOverwrite",
    }
}

xml_enum! {
    /// Whether updating a meeting sends updates or cancellations (`CalendarItemUpdateOperationType`);
    /// Exchange requires it when updating calendar items.
    pub enum SendMeetingInvitationsOrCancellations {
        SendToNone = "SendToNone",
        SendOnlyToAll = "SendOnlyToAll",
        SendOnlyToChanged = "SendOnlyToChanged",
        SendToAllAndSaveCopy = "SendToAllAndSaveCopy",
        SendToChangedAndSaveCopy = "SendToChangedAndSaveCopy",
    }
}

/// One field change (`SetItemField`, `AppendToItemField` or `DeleteItemField`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemUpdate {
    /// Replaces the property at `path` with its value in `item`.
    Set {
        /// The property.
        path: PropertyPath,
        /// An item element (`t:Contact`, `t:CalendarItem`, …) holding just that property.
        item: Item,
    },
    /// Appends `item`'s value to the property at `path` (bodies, recipient and member lists).
    Append {
        /// The property.
        path: PropertyPath,
        /// An item element holding just the value to append.
        item: Item,
    },
    /// Clears the property at `path`.
    Delete {
        /// The property.
        path: PropertyPath,
    },
}

impl ItemUpdate {
    /// `SetItemField`.
    pub fn set(path: PropertyPath, item: Item) -> Self {
        ItemUpdate::Set { path, item }
    }

    /// `AppendToItemField`.
    pub fn append(path: PropertyPath, item: Item) -> Self {
        ItemUpdate::Append { path, item }
    }

    /// `DeleteItemField`.
    pub fn delete(path: PropertyPath) -> Self {
        ItemUpdate::Delete { path }
    }

    /// The property the change is about.
    pub fn path(&self) -> &PropertyPath {
        match self {
            ItemUpdate::Set { path, .. } | ItemUpdate::Append { path, .. } | ItemUpdate::Delete { path } => path,
        }
    }

    fn write(&self, w: &mut XmlWriter) {
        let (name, path, item) = match self {
            ItemUpdate::Set { path, item } => ("t:SetItemField", path, Some(item)),
            ItemUpdate::Append { path, item } => ("t:AppendToItemField", path, Some(item)),
            ItemUpdate::Delete { path } => ("t:DeleteItemField", path, None),
        };
        w.start(name, &[]);
        path.write(w);
        if let Some(item) = item {
            item.write(w);
        }
        w.end(name);
    }

    /// Reads `el` if it is one of the change elements; `None` otherwise.
    fn read<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Option<Self>, XmlError> {
        let with_item = match el.name() {
            "SetItemField" | "AppendToItemField" => true,
            "DeleteItemField" => false,
            _ => return Ok(None),
        };
        let (mut path, mut item) = (None, None);
        while let Some(c) = r.next_child(el)? {
            if path.is_none() {
                if let Some(p) = PropertyPath::read(r, &c)? {
                    path = Some(p);
                    continue;
                }
            } else if with_item && item.is_none() {
                if let Some(i) = Item::read(r, &c)? {
                    item = Some(i);
                    continue;
                }
            }
            r.unknown(&c)?;
        }
        let path = path.ok_or_else(|| r.missing(el, "Path"))?;
        Ok(Some(match (el.name(), item) {
            ("DeleteItemField", _) => ItemUpdate::Delete { path },
            (_, None) => return Err(r.missing(el, "Item")),
            ("SetItemField", Some(item)) => ItemUpdate::Set { path, item },
            (_, Some(item)) => ItemUpdate::Append { path, item },
        }))
    }
}

/// The changes to one item (`t:ItemChange`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemChange {
    /// The item, with the change key it was read at (for conflict detection).
    pub item_id: BaseItemId,
    /// The field changes (at least one), applied in order.
    pub updates: Vec<ItemUpdate>,
}

impl ItemChange {
    /// The changes `updates` to the item `item_id`.
    pub fn new(item_id: impl Into<BaseItemId>, updates: Vec<ItemUpdate>) -> Self {
        ItemChange { item_id: item_id.into(), updates }
    }
}

impl ToXml for ItemChange {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        self.item_id.write(w);
        w.start("t:Updates", &[]);
        for u in &self.updates {
            u.write(w);
        }
        w.end("t:Updates");
        w.end(name);
    }
}

impl FromXml for ItemChange {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut order = SequenceOrder::default();
        let (mut item_id, mut updates) = (None, None);
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "ItemId" | "OccurrenceItemId" | "RecurringMasterItemId" => {
                    // The choice is the sequence's first element, and only one of it.
                    order.check(r, &c, 0)?;
                    item_id = BaseItemId::read(r, &c)?;
                }
                "Updates" => {
                    order.check(r, &c, 1)?;
                    let mut list = Vec::new();
                    while let Some(u) = r.next_child(&c)? {
                        match ItemUpdate::read(r, &u)? {
                            Some(update) => list.push(update),
                            None => r.unknown(&u)?,
                        }
                    }
                    updates = Some(list);
                }
                _ => r.unknown(&c)?,
            }
        }
        let item_id = item_id.ok_or_else(|| r.missing(el, "ItemId"))?;
        let updates = match updates {
            Some(u) if !(r.is_strict() && u.is_empty()) => u,
            _ => return Err(r.missing(el, "Updates")),
        };
        Ok(ItemChange { item_id, updates })
    }
}

/// The `UpdateItem` request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateItem {
    /// What to do when an item changed since its change key was read.
    pub conflict_resolution: ConflictResolution,
    /// Save, send, or both (messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_disposition: Option<MessageDisposition>,
    /// Updates or cancellations for meetings (calendar items).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_meeting_invitations_or_cancellations: Option<SendMeetingInvitationsOrCancellations>,
    /// `SuppressReadReceipts` (Exchange 2013 and later; the Exchange 2010 SP2 schema lacks it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppress_read_receipts: Option<bool>,
    /// Where updated messages are saved when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_item_folder_id: Option<BaseFolderId>,
    /// The changes (at least one); the answer has one message per change, in this order.
    pub item_changes: Vec<ItemChange>,
}

impl UpdateItem {
    /// Applies `changes` with `conflict_resolution`, no other attributes.
    pub fn new(conflict_resolution: ConflictResolution, changes: Vec<ItemChange>) -> Self {
        UpdateItem {
            conflict_resolution,
            message_disposition: None,
            send_meeting_invitations_or_cancellations: None,
            suppress_read_receipts: None,
            saved_item_folder_id: None,
            item_changes: changes,
        }
    }

    /// Applies `changes` and sends nothing: `MessageDisposition="SaveOnly"` and
    /// `SendMeetingInvitationsOrCancellations="SendToNone"`, what a sync engine wants.
    pub fn save_only(conflict_resolution: ConflictResolution, changes: Vec<ItemChange>) -> Self {
        UpdateItem {
            message_disposition: Some(MessageDisposition::SaveOnly),
            send_meeting_invitations_or_cancellations: Some(SendMeetingInvitationsOrCancellations::SendToNone),
            ..UpdateItem::new(conflict_resolution, changes)
        }
    }

    /// Sets the message disposition.
    pub fn with_message_disposition(mut self, disposition: MessageDisposition) -> Self {
        self.message_disposition = Some(disposition);
        self
    }

    /// Sets whether meeting updates or cancellations are sent.
    pub fn with_meeting_updates(mut self, send: SendMeetingInvitationsOrCancellations) -> Self {
        self.send_meeting_invitations_or_cancellations = Some(send);
        self
    }

    /// Saves sent messages in `folder`.
    pub fn with_saved_item_folder(mut self, folder: BaseFolderId) -> Self {
        self.saved_item_folder_id = Some(folder);
        self
    }
}

impl ToXml for UpdateItem {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(
            name,
            &[
                ("ConflictResolution", Some(self.conflict_resolution.as_str())),
                ("MessageDisposition", self.message_disposition.map(|d| d.as_str())),
                (
                    "SendMeetingInvitationsOrCancellations",
                    self.send_meeting_invitations_or_cancellations.map(|s| s.as_str()),
                ),
                ("SuppressReadReceipts", self.suppress_read_receipts.map(|b| if b { "true" } else { "false" })),
            ],
        );
        if let Some(f) = &self.saved_item_folder_id {
            write_target_folder(w, "m:SavedItemFolderId", f);
        }
        w.start("m:ItemChanges", &[]);
        for c in &self.item_changes {
            c.to_xml(w, "t:ItemChange");
        }
        w.end("m:ItemChanges");
        w.end(name);
    }
}

impl FromXml for UpdateItem {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let conflict_resolution = r
            .attr_value(el, "ConflictResolution")?
            .ok_or_else(|| r.error_on(el, XmlErrorKind::MissingAttribute("ConflictResolution")))?;
        let mut req = UpdateItem {
            message_disposition: r.attr_value(el, "MessageDisposition")?,
            send_meeting_invitations_or_cancellations: r.attr_value(el, "SendMeetingInvitationsOrCancellations")?,
            suppress_read_receipts: r.attr_value(el, "SuppressReadReceipts")?,
            ..UpdateItem::new(conflict_resolution, Vec::new())
        };
        let mut order = SequenceOrder::default();
        let mut seen = false;
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "SavedItemFolderId" => {
                    order.check(r, &c, 0)?;
                    req.saved_item_folder_id = Some(read_target_folder(r, &c)?);
                }
                "ItemChanges" => {
                    order.check(r, &c, 1)?;
                    seen = true;
                    while let Some(i) = r.next_child(&c)? {
                        match i.name() {
                            "ItemChange" => req.item_changes.push(ItemChange::from_xml(r, &i)?),
                            _ => r.unknown(&i)?,
                        }
                    }
                }
                _ => r.unknown(&c)?,
            }
        }
        if !seen || (r.is_strict() && req.item_changes.is_empty()) {
            return Err(r.missing(el, "ItemChanges"));
        }
        Ok(req)
    }
}

/// `m:ConflictResults`: how many conflicts Exchange met (and resolved) applying the changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ConflictResults {
    /// The number of conflicts.
    pub count: i32,
}

/// What an `UpdateItemResponseMessage` carries besides its status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UpdateItemContent {
    /// The updated item (id and new change key), none when the message is an error.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Item>,
    /// Conflicts met, when Exchange reports them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflict_results: Option<ConflictResults>,
}

impl MessageContent for UpdateItemContent {
    fn write_content(&self, w: &mut XmlWriter) {
        write_items(w, "m:Items", &self.items);
        if let Some(c) = &self.conflict_results {
            w.start("m:ConflictResults", &[]);
            w.value("t:Count", &c.count);
            w.end("m:ConflictResults");
        }
    }

    fn read_content<'a>(&mut self, r: &mut XmlReader<'a>, c: &Element<'a>) -> Result<bool, XmlError> {
        match c.name() {
            "Items" => self.items = read_items(r, c)?,
            "ConflictResults" => {
                let mut count = None;
                while let Some(n) = r.next_child(c)? {
                    match n.name() {
                        "Count" => count = Some(r.value(&n)?),
                        _ => r.unknown(&n)?,
                    }
                }
                self.conflict_results = Some(ConflictResults { count: count.ok_or_else(|| r.missing(c, "Count"))? });
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// The `UpdateItem` response: one message per item change, in request order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateItemResponse {
    /// Per-change results.
    pub messages: Vec<ResponseMessage<UpdateItemContent>>,
}

impl UpdateItemResponse {
    /// The updated items (ids with their new change keys) of the messages that did not fail.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.messages.iter().filter(|m| m.status.is_ok()).flat_map(|m| m.content.items.iter())
    }
}

response_messages_xml!(UpdateItemResponse, "UpdateItemResponseMessage");

impl Operation for UpdateItem {
    const NAME: &'static str = "UpdateItem";
    type Response = UpdateItemResponse;
}
