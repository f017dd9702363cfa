//! `FindFolder`: list or search the subfolders of folders.
//!
//! ```
//! use exsync::ews::*;
//!
//! // Is the contacts folder exsync syncs into already there?
//! let op = FindFolder::by_display_name(BaseFolderId::distinguished(DistinguishedFolderName::Contacts), "Synced");
//! let xml = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), op.clone()).to_xml_string();
//! assert!(xml.contains(
//!     r#"<t:IsEqualTo><t:FieldURI FieldURI="folder:DisplayName"/><t:FieldURIOrConstant><t:Constant Value="Synced"/>"#
//! ));
//! assert_eq!(Request::<FindFolder>::parse(&xml).unwrap().body, op);
//! ```

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter, xml_enum};

use super::schema_order::SequenceOrder;

use crate::ews::folder::{Folder, read_folders, write_folders};
use crate::ews::ids::{BaseFolderId, read_folder_ids, write_folder_ids};
use crate::ews::operation::Operation;
use crate::ews::paging::{FindPaging, FractionalPageView, IndexedPageView, required_attr_value};
use crate::ews::path::PropertyPath;
use crate::ews::response::{MessageContent, ResponseMessage, response_messages_xml};
use crate::ews::restriction::{Restriction, SearchExpression};
use crate::ews::shape::{BaseShape, FolderShape};

xml_enum! {
    /// Which subfolders a search covers (`FolderQueryTraversalType`).
    pub enum FolderQueryTraversal {
        Shallow = "Shallow",
        Deep = "Deep",
        SoftDeleted = "SoftDeleted",
    }
}

/// Paging of a folder search (the view choice of `FindFolderType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FolderView {
    /// `m:IndexedPageFolderView`.
    IndexedPage(IndexedPageView),
    /// `m:FractionalPageFolderView`.
    FractionalPage(FractionalPageView),
}

/// The `FindFolder` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindFolder {
    /// Direct children only, the whole subtree, or soft-deleted folders.
    pub traversal: FolderQueryTraversal,
    /// Which properties come back.
    pub folder_shape: FolderShape,
    /// Paging.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<FolderView>,
    /// Filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restriction: Option<Restriction>,
    /// The folders searched (at least one).
    pub parent_folder_ids: Vec<BaseFolderId>,
}

impl FindFolder {
    /// The direct subfolders of `parent` with `shape`.
    pub fn new(parent: BaseFolderId, shape: FolderShape) -> Self {
        FindFolder {
            traversal: FolderQueryTraversal::Shallow,
            folder_shape: shape,
            view: None,
            restriction: None,
            parent_folder_ids: vec![parent],
        }
    }

    /// The direct subfolders of `parent` called `name` (`Default` shape).
    pub fn by_display_name(parent: BaseFolderId, name: impl Into<String>) -> Self {
        FindFolder {
            restriction: Some(Restriction::new(SearchExpression::is_equal_to(
                PropertyPath::field("folder:DisplayName"),
                name,
            ))),
            ..FindFolder::new(parent, FolderShape::new(BaseShape::Default))
        }
    }

    /// The same search with `traversal`.
    pub fn with_traversal(mut self, traversal: FolderQueryTraversal) -> Self {
        self.traversal = traversal;
        self
    }

    /// The same search with `view`.
    pub fn with_view(mut self, view: FolderView) -> Self {
        self.view = Some(view);
        self
    }

    /// The same search filtered by `restriction`.
    pub fn with_restriction(mut self, restriction: impl Into<Restriction>) -> Self {
        self.restriction = Some(restriction.into());
        self
    }
}

impl ToXml for FindFolder {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[("Traversal", Some(self.traversal.as_str()))]);
        self.folder_shape.to_xml(w, "m:FolderShape");
        match &self.view {
            Some(FolderView::IndexedPage(v)) => v.write(w, "m:IndexedPageFolderView"),
            Some(FolderView::FractionalPage(v)) => v.write(w, "m:FractionalPageFolderView"),
            None => {}
        }
        w.opt("m:Restriction", &self.restriction);
        write_folder_ids(w, "m:ParentFolderIds", &self.parent_folder_ids);
        w.end(name);
    }
}

impl FromXml for FindFolder {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let traversal = required_attr_value(r, el, "Traversal")?;
        let mut order = SequenceOrder::default();
        let (mut shape, mut view, mut restriction, mut parents) = (None, None, None, None);
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "FolderShape" => {
                    order.check(r, &c, 0)?;
                    shape = Some(FolderShape::from_xml(r, &c)?);
                }
                "IndexedPageFolderView" => {
                    order.check(r, &c, 1)?;
                    view = Some(FolderView::IndexedPage(IndexedPageView::read(r, &c)?));
                }
                "FractionalPageFolderView" => {
                    order.check(r, &c, 1)?;
                    view = Some(FolderView::FractionalPage(FractionalPageView::read(r, &c)?));
                }
                "Restriction" => {
                    order.check(r, &c, 2)?;
                    restriction = Some(Restriction::from_xml(r, &c)?);
                }
                "ParentFolderIds" => {
                    order.check(r, &c, 3)?;
                    parents = Some(read_folder_ids(r, &c)?);
                }
                _ => r.unknown(&c)?,
            }
        }
        let folder_shape = shape.ok_or_else(|| r.missing(el, "FolderShape"))?;
        let parent_folder_ids = match parents {
            Some(p) if !(p.is_empty() && r.is_strict()) => p,
            _ => return Err(r.missing(el, "ParentFolderIds")),
        };
        Ok(FindFolder { traversal, folder_shape, view, restriction, parent_folder_ids })
    }
}

/// `m:RootFolder` of a `FindFolder` answer (`FindFolderParentType`): a page of folders.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindFolderRoot {
    /// Paging of the view.
    #[serde(flatten)]
    pub paging: FindPaging,
    /// The folders found (`None` when the element is absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folders: Option<Vec<Folder>>,
}

impl ToXml for FindFolderRoot {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        let texts = self.paging.texts();
        w.start(name, &FindPaging::attributes(&texts));
        if let Some(f) = &self.folders {
            write_folders(w, "t:Folders", f);
        }
        w.end(name);
    }
}

impl FromXml for FindFolderRoot {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut root = FindFolderRoot { paging: FindPaging::read(r, el)?, folders: None };
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "Folders" => root.folders = Some(read_folders(r, &c)?),
                _ => r.unknown(&c)?,
            }
        }
        Ok(root)
    }
}

/// The content of a `FindFolderResponseMessage`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FindFolderContent {
    /// The page of results (absent on error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_folder: Option<FindFolderRoot>,
}

impl MessageContent for FindFolderContent {
    fn write_content(&self, w: &mut XmlWriter) {
        w.opt("m:RootFolder", &self.root_folder);
    }

    fn read_content<'a>(&mut self, r: &mut XmlReader<'a>, c: &Element<'a>) -> Result<bool, XmlError> {
        if c.name() != "RootFolder" {
            return Ok(false);
        }
        self.root_folder = Some(FindFolderRoot::from_xml(r, c)?);
        Ok(true)
    }
}

/// The `FindFolder` response: one message per parent folder, in request order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FindFolderResponse {
    /// Per-folder results.
    pub messages: Vec<ResponseMessage<FindFolderContent>>,
}

impl FindFolderResponse {
    /// Every folder found, in order.
    pub fn folders(&self) -> impl Iterator<Item = &Folder> {
        self.messages
            .iter()
            .filter_map(|m| m.content.root_folder.as_ref().and_then(|root| root.folders.as_ref()))
            .flatten()
    }
}

response_messages_xml!(FindFolderResponse, "FindFolderResponseMessage");

impl Operation for FindFolder {
    const NAME: &'static str = "FindFolder";
    type Response = FindFolderResponse;
}
