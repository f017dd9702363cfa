//! `ResolveNames`: resolve an ambiguous name or address against the directory and/or contacts.
//!
//! Several matches come back as a `Warning` with code `ErrorNameResolutionMultipleResults` and the
//! candidates in the resolution set; no match is an `Error` with `ErrorNameResolutionNoResults`.
//!
//! ```
//! use exsync::ews::*;
//!
//! let op = ResolveNames::new("anne", false).with_scope(ResolveNamesSearchScope::ActiveDirectory);
//! let xml = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), op.clone()).to_xml_string();
//! assert!(xml.contains(
//!     r#"<m:ResolveNames ReturnFullContactData="false" SearchScope="ActiveDirectory"><m:UnresolvedEntry>anne</m:UnresolvedEntry>"#
//! ));
//! assert_eq!(Request::<ResolveNames>::parse(&xml).unwrap().body, op);
//! ```

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlErrorKind, XmlReader, XmlWriter, xml_enum};

use super::schema_order::SequenceOrder;

use crate::ews::contact::Contact;
use crate::ews::ids::{BaseFolderId, read_folder_ids, write_folder_ids};
use crate::ews::mailbox::Mailbox;
use crate::ews::operation::Operation;
use crate::ews::paging::{FindPaging, required_attr_value};
use crate::ews::response::{MessageContent, ResponseMessage, response_messages_xml};
use crate::ews::shape::BaseShape;

xml_enum! {
    /// Where names are looked up, and in which order (`ResolveNamesSearchScopeType`).
    pub enum ResolveNamesSearchScope {
        ActiveDirectory = "ActiveDirectory",
        ActiveDirectoryContacts = "ActiveDirectoryContacts",
        Contacts = "Contacts",
        ContactsActiveDirectory = "ContactsActiveDirectory",
    }
}

/// The `ResolveNames` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolveNames {
    /// Whether each resolution carries the full contact data.
    pub return_full_contact_data: bool,
    /// Where to look (server default: `ActiveDirectoryContacts`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_scope: Option<ResolveNamesSearchScope>,
    /// Which contact properties come back (Exchange 2010 SP2+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_data_shape: Option<BaseShape>,
    /// Contacts folders searched (none: the default contacts folder; element left out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parent_folder_ids: Vec<BaseFolderId>,
    /// The name or address to resolve (not empty).
    pub unresolved_entry: String,
}

impl ResolveNames {
    /// Resolves `entry` in the default scope.
    pub fn new(entry: impl Into<String>, return_full_contact_data: bool) -> Self {
        ResolveNames {
            return_full_contact_data,
            search_scope: None,
            contact_data_shape: None,
            parent_folder_ids: Vec::new(),
            unresolved_entry: entry.into(),
        }
    }

    /// The same lookup in `scope`.
    pub fn with_scope(mut self, scope: ResolveNamesSearchScope) -> Self {
        self.search_scope = Some(scope);
        self
    }
}

impl ToXml for ResolveNames {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(
            name,
            &[
                ("ReturnFullContactData", Some(if self.return_full_contact_data { "true" } else { "false" })),
                ("SearchScope", self.search_scope.map(|s| s.as_str())),
                ("ContactDataShape", self.contact_data_shape.map(|s| s.as_str())),
            ],
        );
        if !self.parent_folder_ids.is_empty() {
            write_folder_ids(w, "m:ParentFolderIds", &self.parent_folder_ids);
        }
        w.text_element("m:UnresolvedEntry", &self.unresolved_entry);
        w.end(name);
    }
}

impl FromXml for ResolveNames {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let return_full_contact_data = required_attr_value(r, el, "ReturnFullContactData")?;
        let search_scope = r.attr_value(el, "SearchScope")?;
        let contact_data_shape = r.attr_value(el, "ContactDataShape")?;
        let mut order = SequenceOrder::default();
        let (mut parent_folder_ids, mut entry) = (Vec::new(), None);
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "ParentFolderIds" => {
                    order.check(r, &c, 0)?;
                    parent_folder_ids = read_folder_ids(r, &c)?;
                    if r.is_strict() && parent_folder_ids.is_empty() {
                        return Err(r.missing(&c, "FolderId"));
                    }
                }
                "UnresolvedEntry" => {
                    order.check(r, &c, 1)?;
                    let v: String = r.value(&c)?;
                    if r.is_strict() && v.is_empty() {
                        return Err(r.invalid(&c, &v, "a non-empty string"));
                    }
                    entry = Some(v);
                }
                _ => r.unknown(&c)?,
            }
        }
        Ok(ResolveNames {
            return_full_contact_data,
            search_scope,
            contact_data_shape,
            parent_folder_ids,
            unresolved_entry: entry.ok_or_else(|| r.missing(el, "UnresolvedEntry"))?,
        })
    }
}

/// One candidate (`t:Resolution`): the address, and the contact when one was found or asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    /// The resolved address.
    pub mailbox: Mailbox,
    /// The directory or contacts entry behind it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

impl ToXml for Resolution {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        self.mailbox.to_xml(w, "t:Mailbox");
        w.opt("t:Contact", &self.contact);
        w.end(name);
    }
}

impl FromXml for Resolution {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let (mut mailbox, mut contact) = (None, None);
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "Mailbox" if mailbox.is_none() => mailbox = Some(Mailbox::from_xml(r, &c)?),
                "Contact" if contact.is_none() => contact = Some(Contact::from_xml(r, &c)?),
                _ => r.unknown(&c)?,
            }
        }
        Ok(Resolution { mailbox: mailbox.ok_or_else(|| r.missing(el, "Mailbox"))?, contact })
    }
}

/// `m:ResolutionSet` (`ArrayOfResolutionType`): the candidates (at most 100) and paging.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResolutionSet {
    /// Paging of the candidates.
    #[serde(flatten)]
    pub paging: FindPaging,
    /// The candidates.
    #[serde(default)]
    pub resolutions: Vec<Resolution>,
}

/// Most candidates a resolution set holds.
const MAX_RESOLUTIONS: usize = 100;

impl ToXml for ResolutionSet {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        let texts = self.paging.texts();
        w.start(name, &FindPaging::attributes(&texts));
        for res in &self.resolutions {
            res.to_xml(w, "t:Resolution");
        }
        w.end(name);
    }
}

impl FromXml for ResolutionSet {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut set = ResolutionSet { paging: FindPaging::read(r, el)?, resolutions: Vec::new() };
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "Resolution" => {
                    if set.resolutions.len() == MAX_RESOLUTIONS && r.is_strict() {
                        return Err(r.error_on(&c, XmlErrorKind::UnexpectedElement(c.qualified_name().to_owned())));
                    }
                    set.resolutions.push(Resolution::from_xml(r, &c)?);
                }
                _ => r.unknown(&c)?,
            }
        }
        Ok(set)
    }
}

/// The content of a `ResolveNamesResponseMessage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ResolveNamesContent {
    /// The candidates (with `NoError` and with the `ErrorNameResolutionMultipleResults` warning).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution_set: Option<ResolutionSet>,
}

impl MessageContent for ResolveNamesContent {
    fn write_content(&self, w: &mut XmlWriter) {
        w.opt("m:ResolutionSet", &self.resolution_set);
    }

    fn read_content<'a>(&mut self, r: &mut XmlReader<'a>, c: &Element<'a>) -> Result<bool, XmlError> {
        if c.name() != "ResolutionSet" {
            return Ok(false);
        }
        self.resolution_set = Some(ResolutionSet::from_xml(r, c)?);
        Ok(true)
    }
}

/// The `ResolveNames` response (one message).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResolveNamesResponse {
    /// The result.
    pub messages: Vec<ResponseMessage<ResolveNamesContent>>,
}

impl ResolveNamesResponse {
    /// Every candidate, in order.
    pub fn resolutions(&self) -> impl Iterator<Item = &Resolution> {
        self.messages.iter().filter_map(|m| m.content.resolution_set.as_ref()).flat_map(|s| s.resolutions.iter())
    }
}

response_messages_xml!(ResolveNamesResponse, "ResolveNamesResponseMessage");

impl Operation for ResolveNames {
    const NAME: &'static str = "ResolveNames";
    type Response = ResolveNamesResponse;
}
