//! Folders (`BaseFolderType` and its kinds): `t:Folder`, `t:ContactsFolder`, `t:CalendarFolder`,
//! and `t:SearchFolder`/`t:TasksFolder` read generically; plus [`FolderInfo`], the content of the
//! `GetFolder` and `CreateFolder` response messages.

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter, xml_enum};

use super::extended_property::ExtendedProperty;
use super::ids::{DistinguishedFolderName, FolderId};
use super::response::MessageContent;

xml_enum! {
    /// What a delegate may read in a contacts or mail folder (`PermissionReadAccessType`).
    pub enum PermissionReadAccess {
        None = "None",
        FullDetails = "FullDetails",
    }
}

xml_enum! {
    /// What a delegate may read in a calendar (`CalendarPermissionReadAccessType`).
    pub enum CalendarPermissionReadAccess {
        None = "None",
        TimeOnly = "TimeOnly",
        TimeAndSubjectAndLocation = "TimeAndSubjectAndLocation",
        FullDetails = "FullDetails",
    }
}

/// What the caller may do with a folder (`EffectiveRightsType`, read-only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EffectiveRights {
    /// May create associated (hidden) items.
    pub create_associated: bool,
    /// May create items.
    pub create_contents: bool,
    /// May create subfolders.
    pub create_hierarchy: bool,
    /// May delete.
    pub delete: bool,
    /// May modify.
    pub modify: bool,
    /// May read.
    pub read: bool,
    /// May see private items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_private_items: Option<bool>,
}

impl ToXml for EffectiveRights {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        w.value("t:CreateAssociated", &self.create_associated);
        w.value("t:CreateContents", &self.create_contents);
        w.value("t:CreateHierarchy", &self.create_hierarchy);
        w.value("t:Delete", &self.delete);
        w.value("t:Modify", &self.modify);
        w.value("t:Read", &self.read);
        w.opt_value("t:ViewPrivateItems", &self.view_private_items);
        w.end(name);
    }
}

impl FromXml for EffectiveRights {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut v = EffectiveRights::default();
        let mut seen = [false; 6];
        while let Some(c) = r.next_child(el)? {
            let (slot, i) = match c.name() {
                "CreateAssociated" => (&mut v.create_associated, 0),
                "CreateContents" => (&mut v.create_contents, 1),
                "CreateHierarchy" => (&mut v.create_hierarchy, 2),
                "Delete" => (&mut v.delete, 3),
                "Modify" => (&mut v.modify, 4),
                "Read" => (&mut v.read, 5),
                "ViewPrivateItems" => {
                    v.view_private_items = Some(r.value(&c)?);
                    continue;
                }
                _ => {
                    r.unknown(&c)?;
                    continue;
                }
            };
            *slot = r.value(&c)?;
            seen[i] = true;
        }
        // A server must send all six; a lenient reader takes a missing right as not granted.
        const NAMES: [&str; 6] = ["CreateAssociated", "CreateContents", "CreateHierarchy", "Delete", "Modify", "Read"];
        if r.is_strict() {
            if let Some(i) = seen.iter().position(|s| !s) {
                return Err(r.missing(el, NAMES[i]));
            }
        }
        Ok(v)
    }
}

/// The fields every folder kind shares (`BaseFolderType`), in schema order. `ManagedFolderInformation`,
/// `PolicyTag` and `ArchiveTag` are read past.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FolderBase {
    /// Id and change key (absent on create).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder_id: Option<FolderId>,
    /// The parent folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_folder_id: Option<FolderId>,
    /// `IPF.Contact`, `IPF.Appointment`, `IPF.Note`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder_class: Option<String>,
    /// The name shown to the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Items in the folder (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i32>,
    /// Direct subfolders (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub child_folder_count: Option<i32>,
    /// Extended (MAPI) properties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extended_properties: Vec<ExtendedProperty>,
    /// The caller's rights (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_rights: Option<EffectiveRights>,
    /// Which well-known folder this is, if any (read-only, Exchange 2013+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distinguished_folder_id: Option<DistinguishedFolderName>,
    /// Public folder replicas (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replica_list: Option<Vec<String>>,
}

impl FolderBase {
    /// A folder to create, with a display name and optionally a folder class.
    pub fn named(display_name: impl Into<String>, folder_class: Option<&str>) -> Self {
        FolderBase {
            display_name: Some(display_name.into()),
            folder_class: folder_class.map(str::to_owned),
            ..FolderBase::default()
        }
    }

    /// Writes the `BaseFolderType` children in schema order.
    pub fn write_children(&self, w: &mut XmlWriter) {
        w.opt("t:FolderId", &self.folder_id);
        w.opt("t:ParentFolderId", &self.parent_folder_id);
        w.opt_value("t:FolderClass", &self.folder_class);
        w.opt_value("t:DisplayName", &self.display_name);
        w.opt_value("t:TotalCount", &self.total_count);
        w.opt_value("t:ChildFolderCount", &self.child_folder_count);
        for p in &self.extended_properties {
            p.to_xml(w, "t:ExtendedProperty");
        }
        w.opt("t:EffectiveRights", &self.effective_rights);
        w.opt_value("t:DistinguishedFolderId", &self.distinguished_folder_id);
        if let Some(list) = &self.replica_list {
            w.value_list("t:ReplicaList", "t:String", list);
        }
    }

    /// Reads `c` if it is a `BaseFolderType` field; `false` for other elements.
    pub fn read_child<'a>(&mut self, r: &mut XmlReader<'a>, c: &Element<'a>) -> Result<bool, XmlError> {
        match c.name() {
            "FolderId" => self.folder_id = Some(FolderId::from_xml(r, c)?),
            "ParentFolderId" => self.parent_folder_id = Some(FolderId::from_xml(r, c)?),
            "FolderClass" => self.folder_class = Some(r.value(c)?),
            "DisplayName" => self.display_name = Some(r.value(c)?),
            "TotalCount" => self.total_count = Some(r.value(c)?),
            "ChildFolderCount" => self.child_folder_count = Some(r.value(c)?),
            "ExtendedProperty" => self.extended_properties.push(ExtendedProperty::from_xml(r, c)?),
            "EffectiveRights" => self.effective_rights = Some(EffectiveRights::from_xml(r, c)?),
            "DistinguishedFolderId" => self.distinguished_folder_id = Some(r.value(c)?),
            "ReplicaList" => self.replica_list = Some(r.value_list(c, "String")?),
            // Not modelled: Exchange-managed properties a sync client has no use for.
            "ManagedFolderInformation" | "PolicyTag" | "ArchiveTag" => r.skip(c)?,
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// `t:Folder` (`FolderType`): a mail or generic folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GenericFolder {
    /// The shared fields.
    pub base: FolderBase,
    /// Unread items (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread_count: Option<i32>,
}

/// `t:ContactsFolder` (`ContactsFolderType`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactsFolder {
    /// The shared fields.
    pub base: FolderBase,
    /// What the caller may read when the folder is shared (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sharing_effective_rights: Option<PermissionReadAccess>,
    /// Id of the external source the folder mirrors (Exchange 2013+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// Account name of that source (Exchange 2013+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
}

/// `t:CalendarFolder` (`CalendarFolderType`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CalendarFolder {
    /// The shared fields.
    pub base: FolderBase,
    /// What the caller may read when the calendar is shared (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sharing_effective_rights: Option<CalendarPermissionReadAccess>,
}

/// A folder of another kind derived from `FolderType` (`t:SearchFolder`, `t:TasksFolder`): its
/// element name and the fields it shares with `t:Folder`. Search parameters are read past.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherFolder {
    /// The element's local name, `SearchFolder` or `TasksFolder`.
    pub element: String,
    /// The shared fields.
    #[serde(default)]
    pub base: FolderBase,
    /// Unread items (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unread_count: Option<i32>,
}

/// A folder element (the choice of `ArrayOfFoldersType`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Folder {
    /// `t:Folder`.
    Generic(GenericFolder),
    /// `t:ContactsFolder`.
    Contacts(ContactsFolder),
    /// `t:CalendarFolder`.
    Calendar(CalendarFolder),
    /// `t:SearchFolder` or `t:TasksFolder`.
    Other(OtherFolder),
}

/// The folder elements read as [`Folder::Other`].
const OTHER_FOLDER_ELEMENTS: &[&str] = &["SearchFolder", "TasksFolder"];

impl Folder {
    /// A contacts folder (`IPF.Contact`) to create under some parent.
    pub fn contacts(display_name: impl Into<String>) -> Self {
        Folder::Contacts(ContactsFolder {
            base: FolderBase::named(display_name, Some("IPF.Contact")),
            ..ContactsFolder::default()
        })
    }

    /// A calendar (`IPF.Appointment`) to create under some parent.
    pub fn calendar(display_name: impl Into<String>) -> Self {
        Folder::Calendar(CalendarFolder {
            base: FolderBase::named(display_name, Some("IPF.Appointment")),
            ..CalendarFolder::default()
        })
    }

    /// A generic folder to create, with an optional folder class (Exchange uses `IPF.Note`).
    pub fn generic(display_name: impl Into<String>, folder_class: Option<&str>) -> Self {
        Folder::Generic(GenericFolder { base: FolderBase::named(display_name, folder_class), unread_count: None })
    }

    /// The shared fields.
    pub fn base(&self) -> &FolderBase {
        match self {
            Folder::Generic(f) => &f.base,
            Folder::Contacts(f) => &f.base,
            Folder::Calendar(f) => &f.base,
            Folder::Other(f) => &f.base,
        }
    }

    /// The shared fields, mutably.
    pub fn base_mut(&mut self) -> &mut FolderBase {
        match self {
            Folder::Generic(f) => &mut f.base,
            Folder::Contacts(f) => &mut f.base,
            Folder::Calendar(f) => &mut f.base,
            Folder::Other(f) => &mut f.base,
        }
    }

    /// The folder's id, if it has one.
    pub fn id(&self) -> Option<&FolderId> {
        self.base().folder_id.as_ref()
    }

    /// The display name, if sent.
    pub fn display_name(&self) -> Option<&str> {
        self.base().display_name.as_deref()
    }

    /// The local element name: `Folder`, `ContactsFolder`, `CalendarFolder`, `SearchFolder`, …
    pub fn element_name(&self) -> &str {
        match self {
            Folder::Generic(_) => "Folder",
            Folder::Contacts(_) => "ContactsFolder",
            Folder::Calendar(_) => "CalendarFolder",
            Folder::Other(f) => &f.element,
        }
    }

    /// Writes the folder as `t:{element}`, fields in schema order.
    pub fn write(&self, w: &mut XmlWriter) {
        let name = format!("t:{}", self.element_name());
        w.start(&name, &[]);
        self.base().write_children(w);
        match self {
            Folder::Generic(GenericFolder { unread_count, .. }) | Folder::Other(OtherFolder { unread_count, .. }) => {
                w.opt_value("t:UnreadCount", unread_count);
            }
            Folder::Contacts(f) => {
                w.opt_value("t:SharingEffectiveRights", &f.sharing_effective_rights);
                w.opt_value("t:SourceId", &f.source_id);
                w.opt_value("t:AccountName", &f.account_name);
            }
            Folder::Calendar(f) => w.opt_value("t:SharingEffectiveRights", &f.sharing_effective_rights),
        }
        w.end(&name);
    }

    /// Reads `el` if it is a folder element; `None` otherwise. `PermissionSet` is read past.
    pub fn read<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Option<Self>, XmlError> {
        let name = el.name();
        let mut folder = match name {
            "Folder" => Folder::Generic(GenericFolder::default()),
            "ContactsFolder" => Folder::Contacts(ContactsFolder::default()),
            "CalendarFolder" => Folder::Calendar(CalendarFolder::default()),
            n if OTHER_FOLDER_ELEMENTS.contains(&n) => {
                Folder::Other(OtherFolder { element: n.to_owned(), base: FolderBase::default(), unread_count: None })
            }
            _ => return Ok(None),
        };
        while let Some(c) = r.next_child(el)? {
            if folder.base_mut().read_child(r, &c)? {
                continue;
            }
            match (&mut folder, c.name()) {
                (Folder::Generic(GenericFolder { unread_count, .. }), "UnreadCount")
                | (Folder::Other(OtherFolder { unread_count, .. }), "UnreadCount") => {
                    *unread_count = Some(r.value(&c)?)
                }
                (Folder::Contacts(f), "SharingEffectiveRights") => f.sharing_effective_rights = Some(r.value(&c)?),
                (Folder::Contacts(f), "SourceId") => f.source_id = Some(r.value(&c)?),
                (Folder::Contacts(f), "AccountName") => f.account_name = Some(r.value(&c)?),
                (Folder::Calendar(f), "SharingEffectiveRights") => f.sharing_effective_rights = Some(r.value(&c)?),
                // Permissions and search parameters are not modelled; a server may send them.
                (_, "PermissionSet") | (Folder::Other(_), "SearchParameters") => r.skip(&c)?,
                _ => r.unknown(&c)?,
            }
        }
        Ok(Some(folder))
    }
}

/// Writes `<name>` holding folders (`ArrayOfFoldersType`, `NonEmptyArrayOfFoldersType`).
pub(crate) fn write_folders(w: &mut XmlWriter, name: &str, folders: &[Folder]) {
    w.start(name, &[]);
    for f in folders {
        f.write(w);
    }
    w.end(name);
}

/// Reads a list of folders.
pub(crate) fn read_folders<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Vec<Folder>, XmlError> {
    r.choice_list(el, Folder::read)
}

/// The content of a `GetFolder` or `CreateFolder` response message (`FolderInfoResponseMessageType`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FolderInfo {
    /// `m:Folders`: the folder (Exchange sends an empty `<m:Folders/>` with some errors; `None`
    /// when the element is absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folders: Option<Vec<Folder>>,
}

impl MessageContent for FolderInfo {
    fn write_content(&self, w: &mut XmlWriter) {
        if let Some(f) = &self.folders {
            write_folders(w, "m:Folders", f);
        }
    }

    fn read_content<'a>(&mut self, r: &mut XmlReader<'a>, c: &Element<'a>) -> Result<bool, XmlError> {
        if c.name() != "Folders" {
            return Ok(false);
        }
        self.folders = Some(read_folders(r, c)?);
        Ok(true)
    }
}
