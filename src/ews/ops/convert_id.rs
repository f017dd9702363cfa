//! `ConvertId`: translate item and folder ids between formats (EWS ids, Outlook entry ids, OWA
//! ids, …).
//!
//! ```
//! use exsync::ews::*;
//!
//! let op = ConvertId::new(
//!     IdFormat::EwsId,
//!     vec![AlternateId::new(IdFormat::HexEntryId, "00000000AB12", "alice@contoso.com")],
//! );
//! let xml = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), op.clone()).to_xml_string();
//! assert!(xml.contains(
//!     r#"<m:SourceIds><t:AlternateId Format="HexEntryId" Id="00000000AB12" Mailbox="alice@contoso.com"/></m:SourceIds>"#
//! ));
//! assert_eq!(Request::<ConvertId>::parse(&xml).unwrap().body, op);
//! ```

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlErrorKind, XmlReader, XmlWriter, xml_enum};

use super::schema_order::SequenceOrder;

use crate::ews::operation::Operation;
use crate::ews::paging::{read_no_children, required_attr_value};
use crate::ews::response::{MessageContent, ResponseMessage, response_messages_xml};

/// The XML Schema instance namespace (for `xsi:type` on response ids).
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

xml_enum! {
    /// Id formats (`IdFormatType`).
    pub enum IdFormat {
        EwsLegacyId = "EwsLegacyId",
        EwsId = "EwsId",
        EntryId = "EntryId",
        HexEntryId = "HexEntryId",
        StoreId = "StoreId",
        OwaId = "OwaId",
    }
}

/// An id of a mailbox item or folder (`t:AlternateId`, `AlternateIdType`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AlternateId {
    /// The format `id` is in.
    pub format: IdFormat,
    /// The id.
    pub id: String,
    /// The SMTP address of the mailbox holding it (not empty).
    pub mailbox: String,
    /// Whether the id is in the archive mailbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_archive: Option<bool>,
}

impl AlternateId {
    /// An id in `format` in `mailbox`'s primary mailbox.
    pub fn new(format: IdFormat, id: impl Into<String>, mailbox: impl Into<String>) -> Self {
        AlternateId { format, id: id.into(), mailbox: mailbox.into(), is_archive: None }
    }
}

/// A public folder id (`t:AlternatePublicFolderId`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AlternatePublicFolderId {
    /// The format `folder_id` is in.
    pub format: IdFormat,
    /// The folder id.
    pub folder_id: String,
}

/// An item in a public folder (`t:AlternatePublicFolderItemId`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AlternatePublicFolderItemId {
    /// The format the ids are in.
    pub format: IdFormat,
    /// The folder id.
    pub folder_id: String,
    /// The item id.
    pub item_id: String,
}

/// Any of the id kinds `ConvertId` takes and returns (`AlternateIdBaseType`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlternateIdBase {
    /// A mailbox item or folder.
    Mailbox(AlternateId),
    /// A public folder.
    PublicFolder(AlternatePublicFolderId),
    /// A public folder item.
    PublicFolderItem(AlternatePublicFolderItemId),
}

impl From<AlternateId> for AlternateIdBase {
    fn from(id: AlternateId) -> Self {
        AlternateIdBase::Mailbox(id)
    }
}

impl AlternateIdBase {
    /// The format of the id.
    pub fn format(&self) -> IdFormat {
        match self {
            AlternateIdBase::Mailbox(a) => a.format,
            AlternateIdBase::PublicFolder(a) => a.format,
            AlternateIdBase::PublicFolderItem(a) => a.format,
        }
    }

    /// The mailbox id, if this is one.
    pub fn as_mailbox(&self) -> Option<&AlternateId> {
        match self {
            AlternateIdBase::Mailbox(a) => Some(a),
            _ => None,
        }
    }

    /// The schema type's local name (`AlternateIdType`, …).
    fn type_name(&self) -> &'static str {
        match self {
            AlternateIdBase::Mailbox(_) => "AlternateIdType",
            AlternateIdBase::PublicFolder(_) => "AlternatePublicFolderIdType",
            AlternateIdBase::PublicFolderItem(_) => "AlternatePublicFolderItemIdType",
        }
    }

    /// Writes the attributes on element `name`, with `xsi:type` when `typed` (the response's
    /// `m:AlternateId` is declared with the abstract base type).
    fn write(&self, w: &mut XmlWriter, name: &str, typed: bool) {
        let xsi_type = format!("t:{}", self.type_name());
        let mut attrs: Vec<(&str, Option<&str>)> = Vec::with_capacity(6);
        if typed {
            attrs.push(("xmlns:xsi", Some(XSI)));
            attrs.push(("xsi:type", Some(&xsi_type)));
        }
        attrs.push(("Format", Some(self.format().as_str())));
        match self {
            AlternateIdBase::Mailbox(a) => {
                attrs.push(("Id", Some(&a.id)));
                attrs.push(("Mailbox", Some(&a.mailbox)));
                attrs.push(("IsArchive", a.is_archive.map(|b| if b { "true" } else { "false" })));
            }
            AlternateIdBase::PublicFolder(a) => attrs.push(("FolderId", Some(&a.folder_id))),
            AlternateIdBase::PublicFolderItem(a) => {
                attrs.push(("FolderId", Some(&a.folder_id)));
                attrs.push(("ItemId", Some(&a.item_id)));
            }
        }
        w.empty(name, &attrs);
    }

    /// Reads an id whose kind is `kind` (an element or `xsi:type` local name), or is told by its
    /// attributes when `kind` is `None`.
    fn read_kind<'a>(r: &mut XmlReader<'a>, el: &Element<'a>, kind: Option<&str>) -> Result<Self, XmlError> {
        let format = required_attr_value(r, el, "Format")?;
        let kind = match kind {
            Some(k) => k.to_owned(),
            None if r.attr(el, "ItemId")?.is_some() => "AlternatePublicFolderItemId".to_owned(),
            None if r.attr(el, "FolderId")?.is_some() => "AlternatePublicFolderId".to_owned(),
            None => "AlternateId".to_owned(),
        };
        let id = match kind.trim_end_matches("Type") {
            "AlternateId" => AlternateIdBase::Mailbox(AlternateId {
                format,
                id: r.required_attr(el, "Id")?,
                mailbox: r.required_attr(el, "Mailbox")?,
                is_archive: r.attr_value(el, "IsArchive")?,
            }),
            "AlternatePublicFolderId" => AlternateIdBase::PublicFolder(AlternatePublicFolderId {
                format,
                folder_id: r.required_attr(el, "FolderId")?,
            }),
            "AlternatePublicFolderItemId" => AlternateIdBase::PublicFolderItem(AlternatePublicFolderItemId {
                format,
                folder_id: r.required_attr(el, "FolderId")?,
                item_id: r.required_attr(el, "ItemId")?,
            }),
            other => return Err(r.invalid(el, other, "an alternate id type")),
        };
        read_no_children(r, el)?;
        Ok(id)
    }
}

/// The `ConvertId` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvertId {
    /// The format wanted.
    pub destination_format: IdFormat,
    /// The ids to convert (at least one).
    pub source_ids: Vec<AlternateIdBase>,
}

impl ConvertId {
    /// Converts mailbox ids to `destination`.
    pub fn new(destination: IdFormat, ids: Vec<AlternateId>) -> Self {
        ConvertId { destination_format: destination, source_ids: ids.into_iter().map(AlternateIdBase::from).collect() }
    }
}

const SOURCE_ELEMENTS: &[&str] = &["AlternateId", "AlternatePublicFolderId", "AlternatePublicFolderItemId"];

impl ToXml for ConvertId {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[("DestinationFormat", Some(self.destination_format.as_str()))]);
        w.start("m:SourceIds", &[]);
        for id in &self.source_ids {
            let element = format!("t:{}", id.type_name().trim_end_matches("Type"));
            id.write(w, &element, false);
        }
        w.end("m:SourceIds");
        w.end(name);
    }
}

impl FromXml for ConvertId {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let destination_format = required_attr_value(r, el, "DestinationFormat")?;
        let mut order = SequenceOrder::default();
        let mut source_ids = None;
        while let Some(c) = r.next_child(el)? {
            if c.name() != "SourceIds" {
                r.unknown(&c)?;
                continue;
            }
            // The only element of the sequence: a second one is refused.
            order.check(r, &c, 0)?;
            let mut ids = Vec::new();
            while let Some(i) = r.next_child(&c)? {
                if SOURCE_ELEMENTS.contains(&i.name()) {
                    ids.push(AlternateIdBase::read_kind(r, &i, Some(i.name()))?);
                } else {
                    r.unknown(&i)?;
                }
            }
            source_ids = Some(ids);
        }
        match source_ids {
            Some(source_ids) if !(source_ids.is_empty() && r.is_strict()) => {
                Ok(ConvertId { destination_format, source_ids })
            }
            _ => Err(r.missing(el, "SourceIds")),
        }
    }
}

/// The content of a `ConvertIdResponseMessage`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConvertIdContent {
    /// The converted id (absent on error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternate_id: Option<AlternateIdBase>,
}

impl MessageContent for ConvertIdContent {
    fn write_content(&self, w: &mut XmlWriter) {
        if let Some(id) = &self.alternate_id {
            id.write(w, "m:AlternateId", true);
        }
    }

    fn read_content<'a>(&mut self, r: &mut XmlReader<'a>, c: &Element<'a>) -> Result<bool, XmlError> {
        if c.name() != "AlternateId" {
            return Ok(false);
        }
        let xsi_type = r.attr(c, "type")?;
        let kind = xsi_type.as_deref().map(|t| t.rsplit(':').next().unwrap_or(t));
        if let Some(k) = kind {
            if !["AlternateIdType", "AlternatePublicFolderIdType", "AlternatePublicFolderItemIdType"].contains(&k) {
                return Err(r.error_on(
                    c,
                    XmlErrorKind::InvalidValue { value: k.to_owned(), expected: "an alternate id type" },
                ));
            }
        }
        self.alternate_id = Some(AlternateIdBase::read_kind(r, c, kind)?);
        Ok(true)
    }
}

/// The `ConvertId` response: one message per source id, in request order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConvertIdResponse {
    /// Per-id results.
    pub messages: Vec<ResponseMessage<ConvertIdContent>>,
}

impl ConvertIdResponse {
    /// The converted ids, `None` where conversion failed, in request order.
    pub fn ids(&self) -> impl Iterator<Item = Option<&AlternateIdBase>> {
        self.messages.iter().map(|m| m.content.alternate_id.as_ref())
    }
}

response_messages_xml!(ConvertIdResponse, "ConvertIdResponseMessage");

impl Operation for ConvertId {
    const NAME: &'static str = "ConvertId";
    type Response = ConvertIdResponse;
}
