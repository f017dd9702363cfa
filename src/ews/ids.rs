//! Identifiers: items, folders, distinguished folders, and the mailbox a folder belongs to.

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter, xml_enum};

use super::mailbox::Mailbox;

/// An item's id and change key (`t:ItemId`). The change key changes on every modification.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ItemId {
    /// The opaque item id.
    pub id: String,
    /// The version of the item this id was read at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_key: Option<String>,
}

impl ItemId {
    /// An id without change key.
    pub fn new(id: impl Into<String>) -> Self {
        ItemId { id: id.into(), change_key: None }
    }

    /// An id with change key.
    pub fn with_change_key(id: impl Into<String>, change_key: impl Into<String>) -> Self {
        ItemId { id: id.into(), change_key: Some(change_key.into()) }
    }
}

impl ToXml for ItemId {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.empty(name, &[("Id", Some(&self.id)), ("ChangeKey", self.change_key.as_deref())]);
    }
}

impl FromXml for ItemId {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let [id, change_key] = r.attrs(el, ["Id", "ChangeKey"])?;
        let id = id.ok_or_else(|| r.error_on(el, crate::xml::XmlErrorKind::MissingAttribute("Id")))?;
        r.skip(el)?;
        Ok(ItemId { id, change_key })
    }
}

/// A folder's id and change key (`t:FolderId`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FolderId {
    /// The opaque folder id.
    pub id: String,
    /// The version of the folder this id was read at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_key: Option<String>,
}

impl FolderId {
    /// An id without change key.
    pub fn new(id: impl Into<String>) -> Self {
        FolderId { id: id.into(), change_key: None }
    }
}

impl ToXml for FolderId {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.empty(name, &[("Id", Some(&self.id)), ("ChangeKey", self.change_key.as_deref())]);
    }
}

impl FromXml for FolderId {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let [id, change_key] = r.attrs(el, ["Id", "ChangeKey"])?;
        let id = id.ok_or_else(|| r.error_on(el, crate::xml::XmlErrorKind::MissingAttribute("Id")))?;
        r.skip(el)?;
        Ok(FolderId { id, change_key })
    }
}

xml_enum! {
    /// The well-known folders of a mailbox (`DistinguishedFolderIdNameType`).
    pub enum DistinguishedFolderName {
        Calendar = "calendar",
        Contacts = "contacts",
        Deleteditems = "deleteditems",
        Drafts = "drafts",
        Inbox = "inbox",
        Journal = "journal",
        Notes = "notes",
        Outbox = "outbox",
        Sentitems = "sentitems",
        Tasks = "tasks",
        Msgfolderroot = "msgfolderroot",
        Publicfoldersroot = "publicfoldersroot",
        Root = "root",
        Junkemail = "junkemail",
        Searchfolders = "searchfolders",
        Voicemail = "voicemail",
        Recoverableitemsroot = "recoverableitemsroot",
        Recoverableitemsdeletions = "recoverableitemsdeletions",
        Recoverableitemsversions = "recoverableitemsversions",
        Recoverableitemspurges = "recoverableitemspurges",
        Recoverableitemsdiscoveryholds = "recoverableitemsdiscoveryholds",
        Archiveroot = "archiveroot",
        Archivemsgfolderroot = "archivemsgfolderroot",
        Archivedeleteditems = "archivedeleteditems",
        Archiveinbox = "archiveinbox",
        Archiverecoverableitemsroot = "archiverecoverableitemsroot",
        Archiverecoverableitemsdeletions = "archiverecoverableitemsdeletions",
        Archiverecoverableitemsversions = "archiverecoverableitemsversions",
        Archiverecoverableitemspurges = "archiverecoverableitemspurges",
        Archiverecoverableitemsdiscoveryholds = "archiverecoverableitemsdiscoveryholds",
        Syncissues = "syncissues",
        Conflicts = "conflicts",
        Localfailures = "localfailures",
        Serverfailures = "serverfailures",
        Recipientcache = "recipientcache",
        Quickcontacts = "quickcontacts",
        Conversationhistory = "conversationhistory",
        Adminauditlogs = "adminauditlogs",
        Todosearch = "todosearch",
        Mycontacts = "mycontacts",
        Directory = "directory",
        Imcontactlist = "imcontactlist",
        Peopleconnect = "peopleconnect",
        Favorites = "favorites",
        Mecontact = "mecontact",
        Personmetadata = "personmetadata",
        Teamspaceactivity = "teamspaceactivity",
        Teamspacemessaging = "teamspacemessaging",
        Teamspaceworkitems = "teamspaceworkitems",
        Scheduled = "scheduled",
        Orionnotes = "orionnotes",
        Tagitems = "tagitems",
        Alltaggeditems = "alltaggeditems",
        Externalcontacts = "externalcontacts",
        Teamchat = "teamchat",
        Teamchathistory = "teamchathistory",
        Yammerroot = "yammerroot",
        Yammerinbound = "yammerinbound",
        Yammeroutbound = "yammeroutbound",
        Yammerfeeds = "yammerfeeds",
        Onedriveroot = "onedriveroot",
        Onedriverecylebin = "onedriverecylebin",
        Onedrivesystem = "onedrivesystem",
        Onedrivevolume = "onedrivevolume",
        Important = "important",
        Starred = "starred",
        Archive = "archive",
    }
}

/// A well-known folder, optionally in another user's mailbox (`t:DistinguishedFolderId`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DistinguishedFolderId {
    /// Which folder.
    pub id: DistinguishedFolderName,
    /// Optional change key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_key: Option<String>,
    /// The mailbox, when not the caller's own (delegate access).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox: Option<Mailbox>,
}

impl DistinguishedFolderId {
    /// The folder in the mailbox the request acts for.
    pub fn new(id: DistinguishedFolderName) -> Self {
        DistinguishedFolderId { id, change_key: None, mailbox: None }
    }
}

impl ToXml for DistinguishedFolderId {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        let attrs = [("Id", Some(self.id.as_str())), ("ChangeKey", self.change_key.as_deref())];
        match &self.mailbox {
            None => w.empty(name, &attrs),
            Some(m) => {
                w.start(name, &attrs);
                m.to_xml(w, "t:Mailbox");
                w.end(name);
            }
        }
    }
}

impl FromXml for DistinguishedFolderId {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let id =
            r.attr_value(el, "Id")?.ok_or_else(|| r.error_on(el, crate::xml::XmlErrorKind::MissingAttribute("Id")))?;
        let change_key = r.attr(el, "ChangeKey")?;
        let mut mailbox = None;
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "Mailbox" => mailbox = Some(Mailbox::from_xml(r, &c)?),
                _ => r.unknown(&c)?,
            }
        }
        Ok(DistinguishedFolderId { id, change_key, mailbox })
    }
}

/// Either kind of folder reference (`BaseFolderIdType`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseFolderId {
    /// A folder by id.
    Folder(FolderId),
    /// A well-known folder.
    Distinguished(DistinguishedFolderId),
}

impl BaseFolderId {
    /// A well-known folder of the mailbox the request acts for.
    pub fn distinguished(name: DistinguishedFolderName) -> Self {
        BaseFolderId::Distinguished(DistinguishedFolderId::new(name))
    }

    /// Writes `t:FolderId` or `t:DistinguishedFolderId` (the element name comes from the variant).
    pub fn write(&self, w: &mut XmlWriter) {
        match self {
            BaseFolderId::Folder(f) => f.to_xml(w, "t:FolderId"),
            BaseFolderId::Distinguished(d) => d.to_xml(w, "t:DistinguishedFolderId"),
        }
    }

    /// Reads `el` if it is a `FolderId` or `DistinguishedFolderId`; `None` for other elements.
    pub fn read<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Option<Self>, XmlError> {
        Ok(match el.name() {
            "FolderId" => Some(BaseFolderId::Folder(FolderId::from_xml(r, el)?)),
            "DistinguishedFolderId" => Some(BaseFolderId::Distinguished(DistinguishedFolderId::from_xml(r, el)?)),
            _ => None,
        })
    }
}

/// Writes `<name>` holding one folder id (`TargetFolderIdType` and friends).
pub(crate) fn write_target_folder(w: &mut XmlWriter, name: &str, folder: &BaseFolderId) {
    w.start(name, &[]);
    folder.write(w);
    w.end(name);
}

/// Reads `<name>` holding one folder id.
pub(crate) fn read_target_folder<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<BaseFolderId, XmlError> {
    let mut found = None;
    while let Some(c) = r.next_child(el)? {
        match BaseFolderId::read(r, &c)? {
            Some(f) if found.is_none() => found = Some(f),
            _ => r.unknown(&c)?,
        }
    }
    found.ok_or_else(|| r.missing(el, "FolderId"))
}

/// Writes a list of folder ids inside `<name>`.
pub(crate) fn write_folder_ids(w: &mut XmlWriter, name: &str, folders: &[BaseFolderId]) {
    w.start(name, &[]);
    for f in folders {
        f.write(w);
    }
    w.end(name);
}

/// Reads a list of folder ids.
pub(crate) fn read_folder_ids<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Vec<BaseFolderId>, XmlError> {
    r.choice_list(el, BaseFolderId::read)
}
