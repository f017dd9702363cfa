//! `CreateFolder`: create folders under a parent, e.g. the dedicated contacts folder exsync syncs
//! into.
//!
//! ```
//! use exsync::ews::*;
//!
//! let op = CreateFolder::contacts_folder(BaseFolderId::distinguished(DistinguishedFolderName::Contacts), "Synced");
//! let xml = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), op.clone()).to_xml_string();
//! assert!(xml.contains(
//!     "<m:Folders><t:ContactsFolder><t:FolderClass>IPF.Contact</t:FolderClass>\
//!      <t:DisplayName>Synced</t:DisplayName></t:ContactsFolder></m:Folders>"
//! ));
//! assert_eq!(Request::<CreateFolder>::parse(&xml).unwrap().body, op);
//! ```

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter};

use super::schema_order::SequenceOrder;

use crate::ews::folder::{Folder, FolderInfo, read_folders, write_folders};
use crate::ews::ids::{BaseFolderId, read_target_folder, write_target_folder};
use crate::ews::operation::Operation;
use crate::ews::response::{ResponseMessage, response_messages_xml};

/// The `CreateFolder` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateFolder {
    /// Where the folders are created.
    pub parent_folder_id: BaseFolderId,
    /// The folders to create (at least one): display name, class and extended properties.
    pub folders: Vec<Folder>,
}

impl CreateFolder {
    /// Creates `folders` under `parent`.
    pub fn new(parent: BaseFolderId, folders: Vec<Folder>) -> Self {
        CreateFolder { parent_folder_id: parent, folders }
    }

    /// Creates one contacts folder called `name` under `parent`.
    pub fn contacts_folder(parent: BaseFolderId, name: impl Into<String>) -> Self {
        CreateFolder::new(parent, vec![Folder::contacts(name)])
    }

    /// Creates one calendar called `name` under `parent`.
    pub fn calendar_folder(parent: BaseFolderId, name: impl Into<String>) -> Self {
        CreateFolder::new(parent, vec![Folder::calendar(name)])
    }
}

impl ToXml for CreateFolder {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        write_target_folder(w, "m:ParentFolderId", &self.parent_folder_id);
        write_folders(w, "m:Folders", &self.folders);
        w.end(name);
    }
}

impl FromXml for CreateFolder {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut order = SequenceOrder::default();
        let (mut parent, mut folders) = (None, None);
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "ParentFolderId" => {
                    order.check(r, &c, 0)?;
                    parent = Some(read_target_folder(r, &c)?);
                }
                "Folders" => {
                    order.check(r, &c, 1)?;
                    folders = Some(read_folders(r, &c)?);
                }
                _ => r.unknown(&c)?,
            }
        }
        let parent_folder_id = parent.ok_or_else(|| r.missing(el, "ParentFolderId"))?;
        match folders {
            Some(folders) if !(folders.is_empty() && r.is_strict()) => Ok(CreateFolder { parent_folder_id, folders }),
            _ => Err(r.missing(el, "Folders")),
        }
    }
}

/// The `CreateFolder` response: one message per folder, in request order; on success each holds
/// the new folder's id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateFolderResponse {
    /// Per-folder results.
    pub messages: Vec<ResponseMessage<FolderInfo>>,
}

impl CreateFolderResponse {
    /// Every folder returned, in order.
    pub fn folders(&self) -> impl Iterator<Item = &Folder> {
        self.messages.iter().filter_map(|m| m.content.folders.as_ref()).flatten()
    }
}

response_messages_xml!(CreateFolderResponse, "CreateFolderResponseMessage");

impl Operation for CreateFolder {
    const NAME: &'static str = "CreateFolder";
    type Response = CreateFolderResponse;
}
