//! `SyncFolderItems`: the items created, changed, deleted or marked read in a folder since a sync
//! state, a page at a time.
//!
//! ```
//! use exsync::ews::*;
//!
//! let op = SyncFolderItems::new(
//!     BaseFolderId::distinguished(DistinguishedFolderName::Contacts),
//!     ItemShape::new(BaseShape::IdOnly),
//! )
//! .with_sync_state("H4sIAAA==")
//! .with_max_changes(MaxChangesReturned::new(100).unwrap());
//! let xml = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), op.clone()).to_xml_string();
//! assert!(xml.contains("<m:MaxChangesReturned>100</m:MaxChangesReturned>"));
//! assert_eq!(Request::<SyncFolderItems>::parse(&xml).unwrap().body, op);
//! assert!(MaxChangesReturned::new(513).is_err());
//! ```

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter, xml_enum};

use super::schema_order::SequenceOrder;
use crate::ews::ids::{BaseFolderId, ItemId, read_target_folder, write_target_folder};
use crate::ews::item::Item;
use crate::ews::operation::Operation;
use crate::ews::response::{MessageContent, ResponseMessage, response_messages_xml};
use crate::ews::shape::ItemShape;

xml_enum! {
    /// Which items a sync covers (`SyncFolderItemsScopeType`).
    pub enum SyncFolderItemsScope {
        NormalItems = "NormalItems",
        NormalAndAssociatedItems = "NormalAndAssociatedItems",
    }
}

/// A `MaxChangesReturned` outside the range 1–512 the schema allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("MaxChangesReturned must be between 1 and 512, not {0}")]
pub struct MaxChangesOutOfRange(pub i64);

/// How many changes one `SyncFolderItems` answer may carry at most (`MaxSyncChangesReturnedType`):
/// always within 1–512.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct MaxChangesReturned(u16);

impl MaxChangesReturned {
    /// The smallest page: one change.
    pub const MIN: MaxChangesReturned = MaxChangesReturned(1);
    /// The largest page Exchange accepts: 512 changes.
    pub const MAX: MaxChangesReturned = MaxChangesReturned(512);

    /// `n` changes, if `n` is within 1–512.
    pub fn new(n: i64) -> Result<Self, MaxChangesOutOfRange> {
        match u16::try_from(n) {
            Ok(v) if (Self::MIN.0..=Self::MAX.0).contains(&v) => Ok(MaxChangesReturned(v)),
            _ => Err(MaxChangesOutOfRange(n)),
        }
    }

    /// `n` brought into 1–512.
    pub fn clamped(n: i64) -> Self {
        MaxChangesReturned(n.clamp(i64::from(Self::MIN.0), i64::from(Self::MAX.0)) as u16)
    }

    /// The number.
    pub fn get(self) -> u16 {
        self.0
    }
}

impl Default for MaxChangesReturned {
    /// The largest page, 512.
    fn default() -> Self {
        Self::MAX
    }
}

impl TryFrom<i64> for MaxChangesReturned {
    type Error = MaxChangesOutOfRange;
    fn try_from(n: i64) -> Result<Self, Self::Error> {
        MaxChangesReturned::new(n)
    }
}

impl From<MaxChangesReturned> for i64 {
    fn from(m: MaxChangesReturned) -> i64 {
        i64::from(m.0)
    }
}

impl std::fmt::Display for MaxChangesReturned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The `SyncFolderItems` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncFolderItems {
    /// Which properties the created and updated items carry.
    pub item_shape: ItemShape,
    /// The folder to synchronize.
    pub sync_folder_id: BaseFolderId,
    /// The state the previous answer returned; none for the first sync of the folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_state: Option<String>,
    /// Items whose changes are not reported (`Ignore`; left out when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<ItemId>,
    /// The most changes the answer may carry.
    pub max_changes_returned: MaxChangesReturned,
    /// Normal items only, or associated (hidden) items as well.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_scope: Option<SyncFolderItemsScope>,
}

impl SyncFolderItems {
    /// The first sync of `folder`: no sync state, pages of 512 changes, items in `shape`.
    pub fn new(folder: BaseFolderId, shape: ItemShape) -> Self {
        SyncFolderItems {
            item_shape: shape,
            sync_folder_id: folder,
            sync_state: None,
            ignore: Vec::new(),
            max_changes_returned: MaxChangesReturned::MAX,
            sync_scope: None,
        }
    }

    /// Continues from the sync state of an earlier answer.
    pub fn with_sync_state(mut self, state: impl Into<String>) -> Self {
        self.sync_state = Some(state.into());
        self
    }

    /// Pages of at most `max` changes.
    pub fn with_max_changes(mut self, max: MaxChangesReturned) -> Self {
        self.max_changes_returned = max;
        self
    }

    /// Leaves the changes of `ids` out of the answer.
    pub fn with_ignore(mut self, ids: Vec<ItemId>) -> Self {
        self.ignore = ids;
        self
    }

    /// Sets the scope (normal items, or associated items as well).
    pub fn with_scope(mut self, scope: SyncFolderItemsScope) -> Self {
        self.sync_scope = Some(scope);
        self
    }
}

impl ToXml for SyncFolderItems {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        self.item_shape.to_xml(w, "m:ItemShape");
        write_target_folder(w, "m:SyncFolderId", &self.sync_folder_id);
        w.opt_value("m:SyncState", &self.sync_state);
        if !self.ignore.is_empty() {
            w.list("m:Ignore", "t:ItemId", &self.ignore);
        }
        w.text_element("m:MaxChangesReturned", &self.max_changes_returned.to_string());
        w.opt_value("m:SyncScope", &self.sync_scope);
        w.end(name);
    }
}

/// Reads `MaxChangesReturned`: out of range is an error when strict and brought into range when
/// lenient.
fn read_max_changes<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<MaxChangesReturned, XmlError> {
    const EXPECTED: &str = "an integer from 1 to 512";
    let text = r.text(el)?;
    let n: i64 = text.trim().parse().map_err(|_| r.invalid(el, &text, EXPECTED))?;
    match MaxChangesReturned::new(n) {
        Ok(m) => Ok(m),
        Err(_) if r.is_strict() => Err(r.invalid(el, &text, EXPECTED)),
        Err(_) => Ok(MaxChangesReturned::clamped(n)),
    }
}

impl FromXml for SyncFolderItems {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut order = SequenceOrder::default();
        let (mut shape, mut folder, mut max) = (None, None, None);
        let mut sync_state = None;
        let mut ignore = Vec::new();
        let mut sync_scope = None;
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "ItemShape" => {
                    order.check(r, &c, 0)?;
                    shape = Some(ItemShape::from_xml(r, &c)?);
                }
                "SyncFolderId" => {
                    order.check(r, &c, 1)?;
                    folder = Some(read_target_folder(r, &c)?);
                }
                "SyncState" => {
                    order.check(r, &c, 2)?;
                    sync_state = Some(r.value(&c)?);
                }
                "Ignore" => {
                    order.check(r, &c, 3)?;
                    ignore = r.list(&c, "ItemId")?;
                }
                "MaxChangesReturned" => {
                    order.check(r, &c, 4)?;
                    max = Some(read_max_changes(r, &c)?);
                }
                "SyncScope" => {
                    order.check(r, &c, 5)?;
                    sync_scope = Some(r.value(&c)?);
                }
                _ => r.unknown(&c)?,
            }
        }
        Ok(SyncFolderItems {
            item_shape: shape.ok_or_else(|| r.missing(el, "ItemShape"))?,
            sync_folder_id: folder.ok_or_else(|| r.missing(el, "SyncFolderId"))?,
            sync_state,
            ignore,
            max_changes_returned: max.ok_or_else(|| r.missing(el, "MaxChangesReturned"))?,
            sync_scope,
        })
    }
}

/// One change in a `SyncFolderItems` answer (`SyncFolderItemsChangesType`), in the order Exchange
/// reports them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncChange {
    /// `t:Create`: an item new to the folder, in the requested shape.
    Create(Item),
    /// `t:Update`: a changed item, in the requested shape.
    Update(Item),
    /// `t:Delete`: an item gone from the folder.
    Delete(ItemId),
    /// `t:ReadFlagChange`: only the read flag changed.
    ReadFlagChange {
        /// The item.
        item_id: ItemId,
        /// Whether it is now read.
        is_read: bool,
    },
}

impl SyncChange {
    /// The id of the item the change is about (created and updated items carry theirs unless the
    /// shape left it out).
    pub fn item_id(&self) -> Option<&ItemId> {
        match self {
            SyncChange::Create(i) | SyncChange::Update(i) => i.id(),
            SyncChange::Delete(id) | SyncChange::ReadFlagChange { item_id: id, .. } => Some(id),
        }
    }

    fn write(&self, w: &mut XmlWriter) {
        match self {
            SyncChange::Create(i) => {
                w.start("t:Create", &[]);
                i.write(w);
                w.end("t:Create");
            }
            SyncChange::Update(i) => {
                w.start("t:Update", &[]);
                i.write(w);
                w.end("t:Update");
            }
            SyncChange::Delete(id) => {
                w.start("t:Delete", &[]);
                id.to_xml(w, "t:ItemId");
                w.end("t:Delete");
            }
            SyncChange::ReadFlagChange { item_id, is_read } => {
                w.start("t:ReadFlagChange", &[]);
                item_id.to_xml(w, "t:ItemId");
                w.value("t:IsRead", is_read);
                w.end("t:ReadFlagChange");
            }
        }
    }

    /// Reads `el` if it is a change element; `None` for other elements and for a created or
    /// updated item of an element kind exsync does not know (skipped).
    fn read<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Option<Self>, XmlError> {
        Ok(match el.name() {
            "Create" | "Update" => {
                let mut item = None;
                while let Some(c) = r.next_child(el)? {
                    match Item::read(r, &c)? {
                        Some(i) if item.is_none() => item = Some(i),
                        _ => r.unknown(&c)?,
                    }
                }
                match (el.name(), item) {
                    (_, None) if r.is_strict() => return Err(r.missing(el, "Item")),
                    (_, None) => None,
                    ("Create", Some(i)) => Some(SyncChange::Create(i)),
                    (_, Some(i)) => Some(SyncChange::Update(i)),
                }
            }
            "Delete" => {
                let mut id = None;
                while let Some(c) = r.next_child(el)? {
                    match c.name() {
                        "ItemId" if id.is_none() => id = Some(ItemId::from_xml(r, &c)?),
                        _ => r.unknown(&c)?,
                    }
                }
                Some(SyncChange::Delete(id.ok_or_else(|| r.missing(el, "ItemId"))?))
            }
            "ReadFlagChange" => {
                let (mut id, mut is_read) = (None, None);
                while let Some(c) = r.next_child(el)? {
                    match c.name() {
                        "ItemId" if id.is_none() => id = Some(ItemId::from_xml(r, &c)?),
                        "IsRead" if is_read.is_none() => is_read = Some(r.value(&c)?),
                        _ => r.unknown(&c)?,
                    }
                }
                Some(SyncChange::ReadFlagChange {
                    item_id: id.ok_or_else(|| r.missing(el, "ItemId"))?,
                    is_read: is_read.ok_or_else(|| r.missing(el, "IsRead"))?,
                })
            }
            _ => return Ok(None),
        })
    }
}

/// What a `SyncFolderItemsResponseMessage` carries besides its status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncFolderItemsContent {
    /// The state to send with the next request (empty in some error answers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_state: Option<String>,
    /// `true` when this page holds the last changes; ask again with the new state while `false`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub includes_last_item_in_range: Option<bool>,
    /// The changes, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<SyncChange>,
}

impl MessageContent for SyncFolderItemsContent {
    /// Writes `SyncState`, `IncludesLastItemInRange` and `Changes`. As Exchange does, an answer
    /// with a (non-empty) sync state always lists its changes, even none; without one (an error)
    /// the `Changes` element is left out unless there are changes.
    fn write_content(&self, w: &mut XmlWriter) {
        w.opt_value("m:SyncState", &self.sync_state);
        w.opt_value("m:IncludesLastItemInRange", &self.includes_last_item_in_range);
        if !self.changes.is_empty() || self.sync_state.as_deref().is_some_and(|s| !s.is_empty()) {
            w.start("m:Changes", &[]);
            for c in &self.changes {
                c.write(w);
            }
            w.end("m:Changes");
        }
    }

    fn read_content<'a>(&mut self, r: &mut XmlReader<'a>, c: &Element<'a>) -> Result<bool, XmlError> {
        match c.name() {
            "SyncState" => self.sync_state = Some(r.value(c)?),
            "IncludesLastItemInRange" => self.includes_last_item_in_range = Some(r.value(c)?),
            "Changes" => {
                while let Some(ch) = r.next_child(c)? {
                    match SyncChange::read(r, &ch)? {
                        Some(change) => self.changes.push(change),
                        None => r.unknown(&ch)?,
                    }
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// The `SyncFolderItems` response: one message (for the one folder).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncFolderItemsResponse {
    /// The folder's result.
    pub messages: Vec<ResponseMessage<SyncFolderItemsContent>>,
}

response_messages_xml!(SyncFolderItemsResponse, "SyncFolderItemsResponseMessage");

impl Operation for SyncFolderItems {
    const NAME: &'static str = "SyncFolderItems";
    type Response = SyncFolderItemsResponse;
}
