//! `t:Contact` (`ContactItemType`): a contact in a mailbox's contacts folder, or a directory entry
//! returned by `ResolveNames`.
//!
//! The fields are those of `ContactItemType` common to the current schema and the Exchange 2010
//! SP2 one, written in schema order after the [`ItemBase`] fields. Elements only newer schemas
//! define (`AbchEmailAddresses`, `AccountName`, … `ConversationGuid`) are skipped when reading
//! leniently and refused when strict; so are dictionary entries under a key the schema does not
//! list (a wrong value anywhere else is an error in both modes). Notes and categories are the item's
//! [`Body`](super::item::Body) and [`categories`](ItemBase::categories).
//!
//! ```
//! use exsync::ews::{Contact, EmailAddressKey, Item, PhoneNumberKey};
//! use exsync::xml::{ToXml, XmlReader, XmlWriter};
//!
//! let mut c = Contact::with_name("Tanja", "Plate");
//! c.company_name = Some("Blue Yonder Airlines".into());
//! c.set_email(EmailAddressKey::EmailAddress1, "tplate@example.com");
//! c.set_phone(PhoneNumberKey::BusinessPhone, "4255550199");
//!
//! let mut w = XmlWriter::new();
//! c.to_xml(&mut w, "t:Contact");
//! let xml = w.into_string();
//! assert!(xml.starts_with("<t:Contact><t:DisplayName>Tanja Plate</t:DisplayName><t:GivenName>Tanja"));
//!
//! let back: Contact = XmlReader::new(&xml).unwrap().read_document("Contact").unwrap();
//! assert_eq!(back, c);
//! assert_eq!(back.phone(PhoneNumberKey::BusinessPhone), Some("4255550199"));
//! let _as_item: Item = back.into();
//! ```

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlErrorKind, XmlReader, XmlWriter, xml_enum, xml_names};

use super::contact_entries::{
    EmailAddress, EmailAddressKey, ImAddress, ImAddressKey, PhoneNumber, PhoneNumberKey, PhysicalAddress,
    PhysicalAddressKey, read_email_addresses, read_im_addresses, read_phone_numbers, read_physical_addresses,
    write_email_addresses, write_im_addresses, write_phone_numbers, write_physical_addresses,
};
use super::datetime::EwsDateTime;
use super::envelope::ExchangeVersion;
use super::item::{Item, ItemBase};
use super::mailbox::{Mailbox, read_single_mailbox, write_single_mailbox};

xml_enum! {
    /// How Exchange composes a contact's `FileAs` from its names (`FileAsMappingType`).
    pub enum FileAsMapping {
        None = "None",
        LastCommaFirst = "LastCommaFirst",
        FirstSpaceLast = "FirstSpaceLast",
        Company = "Company",
        LastCommaFirstCompany = "LastCommaFirstCompany",
        CompanyLastFirst = "CompanyLastFirst",
        LastFirst = "LastFirst",
        LastFirstCompany = "LastFirstCompany",
        CompanyLastCommaFirst = "CompanyLastCommaFirst",
        LastFirstSuffix = "LastFirstSuffix",
        LastSpaceFirstCompany = "LastSpaceFirstCompany",
        CompanyLastSpaceFirst = "CompanyLastSpaceFirst",
        LastSpaceFirst = "LastSpaceFirst",
        DisplayName = "DisplayName",
        FirstName = "FirstName",
        LastFirstMiddleSuffix = "LastFirstMiddleSuffix",
        LastName = "LastName",
        Empty = "Empty",
    }
}

xml_enum! {
    /// Where a contact lives (`ContactSourceType`); set by the server.
    pub enum ContactSource {
        ActiveDirectory = "ActiveDirectory",
        Store = "Store",
    }
}

xml_enum! {
    /// Which postal address is the mailing address (`PhysicalAddressIndexType`).
    pub enum PhysicalAddressIndex {
        None = "None",
        Home = "Home",
        Business = "Business",
        Other = "Other",
    }
}

impl PhysicalAddressIndex {
    /// The address key this index points at (`None` for [`PhysicalAddressIndex::None`]).
    pub fn key(&self) -> Option<PhysicalAddressKey> {
        match self {
            PhysicalAddressIndex::None => None,
            PhysicalAddressIndex::Home => Some(PhysicalAddressKey::Home),
            PhysicalAddressIndex::Business => Some(PhysicalAddressKey::Business),
            PhysicalAddressIndex::Other => Some(PhysicalAddressKey::Other),
        }
    }
}

/// `t:CompleteName` (`CompleteNameType`): the parsed parts of a contact's name. Read-only: Exchange
/// computes it from the name fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct CompleteName {
    /// Title, e.g. `Dr.`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Middle name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Suffix, e.g. `Jr.`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    /// Initials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initials: Option<String>,
    /// The full name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// Nickname.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// Phonetic (Japanese yomi) first name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yomi_first_name: Option<String>,
    /// Phonetic (Japanese yomi) last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yomi_last_name: Option<String>,
}

impl ToXml for CompleteName {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        w.opt_value("t:Title", &self.title);
        w.opt_value("t:FirstName", &self.first_name);
        w.opt_value("t:MiddleName", &self.middle_name);
        w.opt_value("t:LastName", &self.last_name);
        w.opt_value("t:Suffix", &self.suffix);
        w.opt_value("t:Initials", &self.initials);
        w.opt_value("t:FullName", &self.full_name);
        w.opt_value("t:Nickname", &self.nickname);
        w.opt_value("t:YomiFirstName", &self.yomi_first_name);
        w.opt_value("t:YomiLastName", &self.yomi_last_name);
        w.end(name);
    }
}

impl FromXml for CompleteName {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut n = CompleteName::default();
        while let Some(c) = r.next_child(el)? {
            let slot = match c.name() {
                "Title" => &mut n.title,
                "FirstName" => &mut n.first_name,
                "MiddleName" => &mut n.middle_name,
                "LastName" => &mut n.last_name,
                "Suffix" => &mut n.suffix,
                "Initials" => &mut n.initials,
                "FullName" => &mut n.full_name,
                "Nickname" => &mut n.nickname,
                "YomiFirstName" => &mut n.yomi_first_name,
                "YomiLastName" => &mut n.yomi_last_name,
                _ => {
                    r.unknown(&c)?;
                    continue;
                }
            };
            *slot = Some(r.value(&c)?);
        }
        Ok(n)
    }
}

/// A contact item. Dictionaries (e-mail, postal, phone, IM) are lists of keyed entries in document
/// order; an empty list is left out when writing. Fields marked read-only are set by Exchange: they
/// are read and written back for a faithful round trip, but a create or update must not carry them
/// (see [`Contact::strip_read_only`] and [`ContactField::is_read_only`](super::ContactField::is_read_only)).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Contact {
    /// The `ItemType` fields (id, body with the notes, categories, extended properties, …).
    pub item: ItemBase,
    /// How the contact is filed (sorted) in the folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_as: Option<String>,
    /// How Exchange builds `FileAs` from the names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_as_mapping: Option<FileAsMapping>,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Initials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initials: Option<String>,
    /// Middle name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// Nickname.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// The parsed name (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complete_name: Option<CompleteName>,
    /// Company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// E-mail addresses (`EmailAddress1`–`3`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub email_addresses: Vec<EmailAddress>,
    /// Postal addresses (home, business, other).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub physical_addresses: Vec<PhysicalAddress>,
    /// Phone numbers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phone_numbers: Vec<PhoneNumber>,
    /// Assistant's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assistant_name: Option<String>,
    /// Birthday (Exchange keeps a date-time; clients use the date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthday: Option<EwsDateTime>,
    /// Business web page (an `xs:anyURI`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_home_page: Option<String>,
    /// Children's names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<String>>,
    /// Companies associated with the contact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub companies: Option<Vec<String>>,
    /// Store or directory contact (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_source: Option<ContactSource>,
    /// Department.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Generational suffix, e.g. `Jr.`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generation: Option<String>,
    /// Instant-messaging addresses (`ImAddress1`–`3`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub im_addresses: Vec<ImAddress>,
    /// Job title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    /// Manager's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    /// Mileage (free text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mileage: Option<String>,
    /// Office location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office_location: Option<String>,
    /// Which postal address is the mailing address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_address_index: Option<PhysicalAddressIndex>,
    /// Profession.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profession: Option<String>,
    /// Spouse's or partner's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spouse_name: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    /// Wedding anniversary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wedding_anniversary: Option<EwsDateTime>,
    /// Whether the contact has a contact photo attached (read-only; Exchange 2010).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_picture: Option<bool>,
    /// Full name, spelled phonetically (read-only, directory; Exchange 2010 SP2 schema).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phonetic_full_name: Option<String>,
    /// First name, spelled phonetically (read-only, directory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phonetic_first_name: Option<String>,
    /// Last name, spelled phonetically (read-only, directory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phonetic_last_name: Option<String>,
    /// Directory alias (read-only, directory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Directory notes (read-only, directory); a store contact's notes are the item's body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Directory photo as base64 text, as sent (read-only, directory; not decoded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    /// S/MIME certificates, base64 text each (read-only, directory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_smime_certificate: Option<Vec<String>>,
    /// Exchange certificates, base64 text each (read-only, directory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ms_exchange_certificate: Option<Vec<String>>,
    /// Directory object id (read-only, directory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory_id: Option<String>,
    /// The manager's mailbox (read-only, directory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager_mailbox: Option<Mailbox>,
    /// Direct reports' mailboxes (read-only, directory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direct_reports: Option<Vec<Mailbox>>,
}

/// Sets the entry with `entry`'s key, or appends it.
fn upsert<T, K: PartialEq>(list: &mut Vec<T>, key: impl Fn(&T) -> K, entry: T) {
    let k = key(&entry);
    match list.iter_mut().find(|e| key(e) == k) {
        Some(slot) => *slot = entry,
        None => list.push(entry),
    }
}

impl Contact {
    /// A contact with first and last name, and the display name `"{given} {surname}"`.
    pub fn with_name(given_name: impl Into<String>, surname: impl Into<String>) -> Self {
        let (given, surname) = (given_name.into(), surname.into());
        let display = format!("{given} {surname}").trim().to_owned();
        Contact { display_name: Some(display), given_name: Some(given), surname: Some(surname), ..Contact::default() }
    }

    /// The e-mail entry under `key` (the first, should the server send it twice).
    pub fn email(&self, key: EmailAddressKey) -> Option<&EmailAddress> {
        self.email_addresses.iter().find(|e| e.key == key)
    }

    /// The first e-mail address in key order (`EmailAddress1` before `2` and `3`).
    pub fn primary_email(&self) -> Option<&str> {
        EmailAddressKey::ALL.iter().find_map(|k| self.email(*k)).map(|e| e.address.as_str())
    }

    /// Sets the e-mail address under `key` (replacing the entry and its attributes).
    pub fn set_email(&mut self, key: EmailAddressKey, address: impl Into<String>) -> &mut Self {
        self.set_email_entry(EmailAddress::new(key, address))
    }

    /// Sets a whole e-mail entry, replacing the one with the same key.
    pub fn set_email_entry(&mut self, entry: EmailAddress) -> &mut Self {
        upsert(&mut self.email_addresses, |e| e.key, entry);
        self
    }

    /// Removes the e-mail address under `key`; returns whether there was one.
    pub fn remove_email(&mut self, key: EmailAddressKey) -> bool {
        let n = self.email_addresses.len();
        self.email_addresses.retain(|e| e.key != key);
        n != self.email_addresses.len()
    }

    /// The phone number under `key`.
    pub fn phone(&self, key: PhoneNumberKey) -> Option<&str> {
        self.phone_numbers.iter().find(|p| p.key == key).map(|p| p.number.as_str())
    }

    /// Sets the phone number under `key`.
    pub fn set_phone(&mut self, key: PhoneNumberKey, number: impl Into<String>) -> &mut Self {
        upsert(&mut self.phone_numbers, |p| p.key, PhoneNumber::new(key, number));
        self
    }

    /// Removes the phone number under `key`; returns whether there was one.
    pub fn remove_phone(&mut self, key: PhoneNumberKey) -> bool {
        let n = self.phone_numbers.len();
        self.phone_numbers.retain(|p| p.key != key);
        n != self.phone_numbers.len()
    }

    /// The IM address under `key`.
    pub fn im(&self, key: ImAddressKey) -> Option<&str> {
        self.im_addresses.iter().find(|a| a.key == key).map(|a| a.address.as_str())
    }

    /// Sets the IM address under `key`.
    pub fn set_im(&mut self, key: ImAddressKey, address: impl Into<String>) -> &mut Self {
        upsert(&mut self.im_addresses, |a| a.key, ImAddress::new(key, address));
        self
    }

    /// Removes the IM address under `key`; returns whether there was one.
    pub fn remove_im(&mut self, key: ImAddressKey) -> bool {
        let n = self.im_addresses.len();
        self.im_addresses.retain(|a| a.key != key);
        n != self.im_addresses.len()
    }

    /// The postal address under `key`.
    pub fn address(&self, key: PhysicalAddressKey) -> Option<&PhysicalAddress> {
        self.physical_addresses.iter().find(|a| a.key == key)
    }

    /// The postal address under `key`, created empty if absent.
    pub fn address_mut(&mut self, key: PhysicalAddressKey) -> &mut PhysicalAddress {
        let i = match self.physical_addresses.iter().position(|a| a.key == key) {
            Some(i) => i,
            None => {
                self.physical_addresses.push(PhysicalAddress::new(key));
                self.physical_addresses.len() - 1
            }
        };
        &mut self.physical_addresses[i]
    }

    /// Sets a postal address, replacing the one with the same key.
    pub fn set_address(&mut self, address: PhysicalAddress) -> &mut Self {
        upsert(&mut self.physical_addresses, |a| a.key, address);
        self
    }

    /// Removes the postal address under `key`; returns whether there was one.
    pub fn remove_address(&mut self, key: PhysicalAddressKey) -> bool {
        let n = self.physical_addresses.len();
        self.physical_addresses.retain(|a| a.key != key);
        n != self.physical_addresses.len()
    }

    /// The mailing address: the one [`Contact::postal_address_index`] points at.
    pub fn postal_address(&self) -> Option<&PhysicalAddress> {
        self.postal_address_index.and_then(|i| i.key()).and_then(|k| self.address(k))
    }

    /// Clears what Exchange sets and refuses on create: the read-only contact fields
    /// (`CompleteName`, `ContactSource`, `HasPicture` and the directory fields) and the read-only
    /// item fields (id, parent folder, sizes and timestamps, `HasAttachments`, last modifier).
    pub fn strip_read_only(&mut self) {
        self.complete_name = None;
        self.contact_source = None;
        self.has_picture = None;
        self.phonetic_full_name = None;
        self.phonetic_first_name = None;
        self.phonetic_last_name = None;
        self.alias = None;
        self.notes = None;
        self.photo = None;
        self.user_smime_certificate = None;
        self.ms_exchange_certificate = None;
        self.directory_id = None;
        self.manager_mailbox = None;
        self.direct_reports = None;
        let i = &mut self.item;
        i.item_id = None;
        i.parent_folder_id = None;
        i.date_time_received = None;
        i.size = None;
        i.date_time_created = None;
        i.has_attachments = None;
        i.last_modified_name = None;
        i.last_modified_time = None;
    }

    /// Drops what a request written for `version` cannot carry. Up to Exchange 2010 SP2: the phone
    /// keys `BusinessMobile`, `IPPhone`, `Mms` and `Msn` (their entries are removed), the mailbox
    /// types `GroupMailbox` and `ImplicitContact` of e-mail entries and mailboxes, the mailboxes'
    /// `OriginalDisplayName`, and what [`ItemBase::retain_supported`] drops of the item fields.
    pub fn retain_supported(&mut self, version: ExchangeVersion) {
        if !version.is_exchange2010_sp2_or_older() {
            return;
        }
        self.item.retain_supported(version);
        self.phone_numbers.retain(|p| p.key.is_supported_by(version));
        for e in &mut self.email_addresses {
            e.mailbox_type = e.mailbox_type.filter(|t| t.is_supported_by(version));
        }
        let mailboxes = self.manager_mailbox.iter_mut().chain(self.direct_reports.iter_mut().flatten());
        for m in mailboxes {
            m.retain_supported(version);
        }
    }
}

impl From<Contact> for Item {
    fn from(c: Contact) -> Self {
        Item::Contact(Box::new(c))
    }
}

impl ToXml for Contact {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        self.item.write_children(w);
        w.opt_value("t:FileAs", &self.file_as);
        w.opt_value("t:FileAsMapping", &self.file_as_mapping);
        w.opt_value("t:DisplayName", &self.display_name);
        w.opt_value("t:GivenName", &self.given_name);
        w.opt_value("t:Initials", &self.initials);
        w.opt_value("t:MiddleName", &self.middle_name);
        w.opt_value("t:Nickname", &self.nickname);
        w.opt("t:CompleteName", &self.complete_name);
        w.opt_value("t:CompanyName", &self.company_name);
        write_email_addresses(w, &self.email_addresses);
        write_physical_addresses(w, &self.physical_addresses);
        write_phone_numbers(w, &self.phone_numbers);
        w.opt_value("t:AssistantName", &self.assistant_name);
        w.opt_value("t:Birthday", &self.birthday);
        w.opt_value("t:BusinessHomePage", &self.business_home_page);
        if let Some(v) = &self.children {
            w.value_list("t:Children", "t:String", v);
        }
        if let Some(v) = &self.companies {
            w.value_list("t:Companies", "t:String", v);
        }
        w.opt_value("t:ContactSource", &self.contact_source);
        w.opt_value("t:Department", &self.department);
        w.opt_value("t:Generation", &self.generation);
        write_im_addresses(w, &self.im_addresses);
        w.opt_value("t:JobTitle", &self.job_title);
        w.opt_value("t:Manager", &self.manager);
        w.opt_value("t:Mileage", &self.mileage);
        w.opt_value("t:OfficeLocation", &self.office_location);
        w.opt_value("t:PostalAddressIndex", &self.postal_address_index);
        w.opt_value("t:Profession", &self.profession);
        w.opt_value("t:SpouseName", &self.spouse_name);
        w.opt_value("t:Surname", &self.surname);
        w.opt_value("t:WeddingAnniversary", &self.wedding_anniversary);
        w.opt_value("t:HasPicture", &self.has_picture);
        w.opt_value("t:PhoneticFullName", &self.phonetic_full_name);
        w.opt_value("t:PhoneticFirstName", &self.phonetic_first_name);
        w.opt_value("t:PhoneticLastName", &self.phonetic_last_name);
        w.opt_value("t:Alias", &self.alias);
        w.opt_value("t:Notes", &self.notes);
        w.opt_value("t:Photo", &self.photo);
        if let Some(v) = &self.user_smime_certificate {
            w.value_list("t:UserSMIMECertificate", "t:Base64Binary", v);
        }
        if let Some(v) = &self.ms_exchange_certificate {
            w.value_list("t:MSExchangeCertificate", "t:Base64Binary", v);
        }
        w.opt_value("t:DirectoryId", &self.directory_id);
        if let Some(m) = &self.manager_mailbox {
            write_single_mailbox(w, "t:ManagerMailbox", m);
        }
        if let Some(v) = &self.direct_reports {
            w.list("t:DirectReports", "t:Mailbox", v);
        }
        w.end(name);
    }
}

xml_names! {
    /// The contact's own elements in schema order (after the `ItemType` ones).
    enum ContactElement {
        FileAs,
        FileAsMapping,
        DisplayName,
        GivenName,
        Initials,
        MiddleName,
        Nickname,
        CompleteName,
        CompanyName,
        EmailAddresses,
        PhysicalAddresses,
        PhoneNumbers,
        AssistantName,
        Birthday,
        BusinessHomePage,
        Children,
        Companies,
        ContactSource,
        Department,
        Generation,
        ImAddresses,
        JobTitle,
        Manager,
        Mileage,
        OfficeLocation,
        PostalAddressIndex,
        Profession,
        SpouseName,
        Surname,
        WeddingAnniversary,
        HasPicture,
        PhoneticFullName,
        PhoneticFirstName,
        PhoneticLastName,
        Alias,
        Notes,
        Photo,
        UserSMIMECertificate,
        MSExchangeCertificate,
        DirectoryId,
        ManagerMailbox,
        DirectReports,
    }
}

/// Reads a contact. The strict reader also refuses the contact's own elements out of schema order
/// or repeated, and `ItemType` elements after them, as Exchange does.
impl FromXml for Contact {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut c = Contact::default();
        // 1 + the schema position of the last contact element read (0: none yet).
        let mut last = 0;
        let out_of_order = |r: &XmlReader<'a>, ch: &Element<'a>| {
            r.error_on(ch, XmlErrorKind::UnexpectedElement(ch.qualified_name().to_owned()))
        };
        while let Some(ch) = r.next_child(el)? {
            let ch = &ch;
            let field = ContactElement::from_name(ch.name());
            if let Some(f) = field {
                if r.is_strict() && (f as usize) < last {
                    return Err(out_of_order(r, ch));
                }
                last = f as usize + 1;
            }
            use ContactElement as E;
            match field {
                Some(E::FileAs) => c.file_as = Some(r.value(ch)?),
                Some(E::FileAsMapping) => c.file_as_mapping = Some(r.value(ch)?),
                Some(E::DisplayName) => c.display_name = Some(r.value(ch)?),
                Some(E::GivenName) => c.given_name = Some(r.value(ch)?),
                Some(E::Initials) => c.initials = Some(r.value(ch)?),
                Some(E::MiddleName) => c.middle_name = Some(r.value(ch)?),
                Some(E::Nickname) => c.nickname = Some(r.value(ch)?),
                Some(E::CompleteName) => c.complete_name = Some(CompleteName::from_xml(r, ch)?),
                Some(E::CompanyName) => c.company_name = Some(r.value(ch)?),
                Some(E::EmailAddresses) => c.email_addresses.extend(read_email_addresses(r, ch)?),
                Some(E::PhysicalAddresses) => c.physical_addresses.extend(read_physical_addresses(r, ch)?),
                Some(E::PhoneNumbers) => c.phone_numbers.extend(read_phone_numbers(r, ch)?),
                Some(E::AssistantName) => c.assistant_name = Some(r.value(ch)?),
                Some(E::Birthday) => c.birthday = Some(r.value(ch)?),
                Some(E::BusinessHomePage) => c.business_home_page = Some(r.value(ch)?),
                Some(E::Children) => c.children = Some(r.value_list(ch, "String")?),
                Some(E::Companies) => c.companies = Some(r.value_list(ch, "String")?),
                Some(E::ContactSource) => c.contact_source = Some(r.value(ch)?),
                Some(E::Department) => c.department = Some(r.value(ch)?),
                Some(E::Generation) => c.generation = Some(r.value(ch)?),
                Some(E::ImAddresses) => c.im_addresses.extend(read_im_addresses(r, ch)?),
                Some(E::JobTitle) => c.job_title = Some(r.value(ch)?),
                Some(E::Manager) => c.manager = Some(r.value(ch)?),
                Some(E::Mileage) => c.mileage = Some(r.value(ch)?),
                Some(E::OfficeLocation) => c.office_location = Some(r.value(ch)?),
                Some(E::PostalAddressIndex) => c.postal_address_index = Some(r.value(ch)?),
                Some(E::Profession) => c.profession = Some(r.value(ch)?),
                Some(E::SpouseName) => c.spouse_name = Some(r.value(ch)?),
                Some(E::Surname) => c.surname = Some(r.value(ch)?),
                Some(E::WeddingAnniversary) => c.wedding_anniversary = Some(r.value(ch)?),
                Some(E::HasPicture) => c.has_picture = Some(r.value(ch)?),
                Some(E::PhoneticFullName) => c.phonetic_full_name = Some(r.value(ch)?),
                Some(E::PhoneticFirstName) => c.phonetic_first_name = Some(r.value(ch)?),
                Some(E::PhoneticLastName) => c.phonetic_last_name = Some(r.value(ch)?),
                Some(E::Alias) => c.alias = Some(r.value(ch)?),
                Some(E::Notes) => c.notes = Some(r.value(ch)?),
                Some(E::Photo) => c.photo = Some(r.value(ch)?),
                Some(E::UserSMIMECertificate) => c.user_smime_certificate = Some(r.value_list(ch, "Base64Binary")?),
                Some(E::MSExchangeCertificate) => c.ms_exchange_certificate = Some(r.value_list(ch, "Base64Binary")?),
                Some(E::DirectoryId) => c.directory_id = Some(r.value(ch)?),
                Some(E::ManagerMailbox) => c.manager_mailbox = Some(read_single_mailbox(r, ch)?),
                Some(E::DirectReports) => c.direct_reports = Some(r.list(ch, "Mailbox")?),
                None => {
                    if !c.item.read_child(r, ch)? {
                        r.unknown(ch)?;
                    } else if r.is_strict() && last > 0 {
                        return Err(out_of_order(r, ch));
                    }
                }
            }
        }
        Ok(c)
    }
}
