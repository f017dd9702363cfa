//! `GetFolder`: read folders by id or well-known name.
//!
//! ```
//! use exsync::ews::*;
//!
//! let op = GetFolder::distinguished(&[DistinguishedFolderName::Contacts, DistinguishedFolderName::Calendar]);
//! let xml = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), op.clone()).to_xml_string();
//! assert!(xml.contains(
//!     r#"<m:FolderIds><t:DistinguishedFolderId Id="contacts"/><t:DistinguishedFolderId Id="calendar"/></m:FolderIds>"#
//! ));
//! assert_eq!(Request::<GetFolder>::parse(&xml).unwrap().body, op);
//! ```

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter};

use super::schema_order::SequenceOrder;

use crate::ews::folder::{Folder, FolderInfo};
use crate::ews::ids::{BaseFolderId, DistinguishedFolderName, read_folder_ids, write_folder_ids};
use crate::ews::operation::Operation;
use crate::ews::response::{ResponseMessage, response_messages_xml};
use crate::ews::shape::{BaseShape, FolderShape};

/// The `GetFolder` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetFolder {
    /// Which properties come back.
    pub folder_shape: FolderShape,
    /// The folders (at least one).
    pub folder_ids: Vec<BaseFolderId>,
}

impl GetFolder {
    /// Reads `folder_ids` with `shape`.
    pub fn new(folder_ids: Vec<BaseFolderId>, shape: FolderShape) -> Self {
        GetFolder { folder_shape: shape, folder_ids }
    }

    /// Reads well-known folders of the mailbox the request acts for, with the `Default` shape (id,
    /// display name, counts).
    pub fn distinguished(names: &[DistinguishedFolderName]) -> Self {
        GetFolder::new(
            names.iter().map(|n| BaseFolderId::distinguished(*n)).collect(),
            FolderShape::new(BaseShape::Default),
        )
    }
}

impl ToXml for GetFolder {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        self.folder_shape.to_xml(w, "m:FolderShape");
        write_folder_ids(w, "m:FolderIds", &self.folder_ids);
        w.end(name);
    }
}

impl FromXml for GetFolder {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut order = SequenceOrder::default();
        let (mut shape, mut ids) = (None, None);
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "FolderShape" => {
                    order.check(r, &c, 0)?;
                    shape = Some(FolderShape::from_xml(r, &c)?);
                }
                "FolderIds" => {
                    order.check(r, &c, 1)?;
                    ids = Some(read_folder_ids(r, &c)?);
                }
                _ => r.unknown(&c)?,
            }
        }
        let folder_shape = shape.ok_or_else(|| r.missing(el, "FolderShape"))?;
        match ids {
            Some(folder_ids) if !(folder_ids.is_empty() && r.is_strict()) => Ok(GetFolder { folder_shape, folder_ids }),
            _ => Err(r.missing(el, "FolderIds")),
        }
    }
}

/// The `GetFolder` response: one message per folder id, in request order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GetFolderResponse {
    /// Per-folder results.
    pub messages: Vec<ResponseMessage<FolderInfo>>,
}

impl GetFolderResponse {
    /// Every folder returned, in order.
    pub fn folders(&self) -> impl Iterator<Item = &Folder> {
        self.messages.iter().filter_map(|m| m.content.folders.as_ref()).flatten()
    }
}

response_messages_xml!(GetFolderResponse, "GetFolderResponseMessage");

impl Operation for GetFolder {
    const NAME: &'static str = "GetFolder";
    type Response = GetFolderResponse;
}
