//! Updating contacts field by field: [`ContactField`] names one updatable unit of a [`Contact`] (a
//! plain field, one dictionary entry, one part of a postal address, one extended property), gives
//! its property path (`t:FieldURI` / `t:IndexedFieldURI` / `t:ExtendedFieldURI`) and the item
//! element an `UpdateItem` `SetItemField` carries for it; [`changed_fields`] lists what differs
//! between two versions of a contact, so only that is sent.
//!
//! ```
//! use exsync::ews::contact_update::changed_fields;
//! use exsync::ews::{
//!     apply_contact_update, contact_updates, ConflictResolution, Contact, ContactField, EmailAddressKey, ItemChange, ItemId,
//!     PropertyPath, UpdateItem,
//! };
//!
//! let old = Contact::with_name("Brian", "Johnson");
//! let mut new = old.clone();
//! new.job_title = Some("Manager".into());
//! new.set_email(EmailAddressKey::EmailAddress1, "brian@contoso.com");
//!
//! let changed = changed_fields(&old, &new);
//! assert_eq!(old.changed_fields(&new), changed);
//! assert_eq!(changed, vec![ContactField::EmailAddress(EmailAddressKey::EmailAddress1), ContactField::JobTitle]);
//! assert_eq!(
//!     changed[0].path(),
//!     PropertyPath::Indexed { field_uri: exsync::ews::DictionaryUri::EmailAddress, field_index: "EmailAddress1".into() }
//! );
//! // SetItemField carries the path and a contact holding just that value; `None` means the field
//! // was removed (DeleteItemField).
//! let item = changed[1].extract(&new).unwrap();
//! assert_eq!(item.job_title.as_deref(), Some("Manager"));
//! assert_eq!(item.given_name, None);
//!
//! // The same as `UpdateItem` changes, and applied field by field as a server does.
//! let updates = contact_updates(&old, &new);
//! let change = ItemChange::new(ItemId::with_change_key("AAMkAD1", "EQAAAB"), updates.clone());
//! let _request = UpdateItem::new(ConflictResolution::AutoResolve, vec![change]);
//! let mut on_server = old.clone();
//! for u in &updates {
//!     apply_contact_update(&mut on_server, u).unwrap();
//! }
//! assert_eq!(on_server, new);
//! ```

use serde::{Deserialize, Serialize};

use super::contact::Contact;
use super::contact_entries::{EmailAddressKey, ImAddressKey, PhoneNumberKey, PhysicalAddressKey, PhysicalAddressPart};
use super::extended_property::ExtendedProperty;
use super::item::Item;
use super::ops::ItemUpdate;
use super::path::{DictionaryUri, ExtendedFieldUri, FieldUri, PropertyPath};

/// One updatable unit of a contact, in schema order: the item fields a contact sync writes, the
/// contact's own fields, one entry of each dictionary, one part of a postal address, one extended
/// property.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactField {
    /// `item:Sensitivity`.
    Sensitivity,
    /// `item:Body`: the contact's notes.
    Body,
    /// `item:Categories`.
    Categories,
    /// `item:Importance`.
    Importance,
    /// `contacts:FileAs`.
    FileAs,
    /// `contacts:FileAsMapping`.
    FileAsMapping,
    /// `contacts:DisplayName`.
    DisplayName,
    /// `contacts:GivenName`.
    GivenName,
    /// `contacts:Initials`.
    Initials,
    /// `contacts:MiddleName`.
    MiddleName,
    /// `contacts:Nickname`.
    Nickname,
    /// `contacts:CompleteName` (read-only).
    CompleteName,
    /// `contacts:CompanyName`.
    CompanyName,
    /// `contacts:EmailAddress` indexed by the key.
    EmailAddress(EmailAddressKey),
    /// `contacts:PhysicalAddress:{part}` indexed by the key.
    PhysicalAddress(PhysicalAddressKey, PhysicalAddressPart),
    /// `contacts:PhoneNumber` indexed by the key.
    PhoneNumber(PhoneNumberKey),
    /// `contacts:AssistantName`.
    AssistantName,
    /// `contacts:Birthday`.
    Birthday,
    /// `contacts:BusinessHomePage`.
    BusinessHomePage,
    /// `contacts:Children`.
    Children,
    /// `contacts:Companies`.
    Companies,
    /// `contacts:ContactSource` (read-only).
    ContactSource,
    /// `contacts:Department`.
    Department,
    /// `contacts:Generation`.
    Generation,
    /// `contacts:ImAddress` indexed by the key.
    ImAddress(ImAddressKey),
    /// `contacts:JobTitle`.
    JobTitle,
    /// `contacts:Manager`.
    Manager,
    /// `contacts:Mileage`.
    Mileage,
    /// `contacts:OfficeLocation`.
    OfficeLocation,
    /// `contacts:PostalAddressIndex`.
    PostalAddressIndex,
    /// `contacts:Profession`.
    Profession,
    /// `contacts:SpouseName`.
    SpouseName,
    /// `contacts:Surname`.
    Surname,
    /// `contacts:WeddingAnniversary`.
    WeddingAnniversary,
    /// `contacts:HasPicture` (read-only).
    HasPicture,
    /// `contacts:PhoneticFullName` (read-only).
    PhoneticFullName,
    /// `contacts:PhoneticFirstName` (read-only).
    PhoneticFirstName,
    /// `contacts:PhoneticLastName` (read-only).
    PhoneticLastName,
    /// `contacts:Alias` (read-only).
    Alias,
    /// `contacts:Notes` (read-only).
    Notes,
    /// `contacts:Photo` (read-only).
    Photo,
    /// `contacts:UserSMIMECertificate` (read-only).
    UserSmimeCertificate,
    /// `contacts:MSExchangeCertificate` (read-only).
    MsExchangeCertificate,
    /// `contacts:DirectoryId` (read-only).
    DirectoryId,
    /// `contacts:ManagerMailbox` (read-only).
    ManagerMailbox,
    /// `contacts:DirectReports` (read-only).
    DirectReports,
    /// An extended (MAPI) property of the item.
    Extended(ExtendedFieldUri),
}

/// The fields held in one `Option` member of [`Contact`]: their URI and where they live. Generates
/// the plain-field parts of [`ContactField`]'s methods.
macro_rules! plain_fields {
    ($($variant:ident => $uri:literal, $($f:ident).+;)*) => {
        impl ContactField {
            /// The plain fields in schema order.
            const PLAIN: &'static [ContactField] = &[$(ContactField::$variant),*];

            /// The unindexed URI of a plain field.
            fn plain_uri(&self) -> Option<&'static str> {
                match self {
                    $(ContactField::$variant => Some($uri),)*
                    _ => None,
                }
            }

            /// The plain field with `uri`.
            fn plain_from_uri(uri: &str) -> Option<ContactField> {
                match uri {
                    $($uri => Some(ContactField::$variant),)*
                    _ => None,
                }
            }

            /// Copies a plain field; `false` for the other kinds.
            fn copy_plain(&self, from: &Contact, to: &mut Contact) -> bool {
                match self {
                    $(ContactField::$variant => to$(.$f)+ = from$(.$f)+.clone(),)*
                    _ => return false,
                }
                true
            }

            /// Compares a plain field; `None` for the other kinds.
            fn plain_eq(&self, a: &Contact, b: &Contact) -> Option<bool> {
                match self {
                    $(ContactField::$variant => Some(a$(.$f)+ == b$(.$f)+),)*
                    _ => None,
                }
            }
        }
    };
}

plain_fields! {
    Sensitivity => "item:Sensitivity", item.sensitivity;
    Body => "item:Body", item.body;
    Categories => "item:Categories", item.categories;
    Importance => "item:Importance", item.importance;
    FileAs => "contacts:FileAs", file_as;
    FileAsMapping => "contacts:FileAsMapping", file_as_mapping;
    DisplayName => "contacts:DisplayName", display_name;
    GivenName => "contacts:GivenName", given_name;
    Initials => "contacts:Initials", initials;
    MiddleName => "contacts:MiddleName", middle_name;
    Nickname => "contacts:Nickname", nickname;
    CompleteName => "contacts:CompleteName", complete_name;
    CompanyName => "contacts:CompanyName", company_name;
    AssistantName => "contacts:AssistantName", assistant_name;
    Birthday => "contacts:Birthday", birthday;
    BusinessHomePage => "contacts:BusinessHomePage", business_home_page;
    Children => "contacts:Children", children;
    Companies => "contacts:Companies", companies;
    ContactSource => "contacts:ContactSource", contact_source;
    Department => "contacts:Department", department;
    Generation => "contacts:Generation", generation;
    JobTitle => "contacts:JobTitle", job_title;
    Manager => "contacts:Manager", manager;
    Mileage => "contacts:Mileage", mileage;
    OfficeLocation => "contacts:OfficeLocation", office_location;
    PostalAddressIndex => "contacts:PostalAddressIndex", postal_address_index;
    Profession => "contacts:Profession", profession;
    SpouseName => "contacts:SpouseName", spouse_name;
    Surname => "contacts:Surname", surname;
    WeddingAnniversary => "contacts:WeddingAnniversary", wedding_anniversary;
    HasPicture => "contacts:HasPicture", has_picture;
    PhoneticFullName => "contacts:PhoneticFullName", phonetic_full_name;
    PhoneticFirstName => "contacts:PhoneticFirstName", phonetic_first_name;
    PhoneticLastName => "contacts:PhoneticLastName", phonetic_last_name;
    Alias => "contacts:Alias", alias;
    Notes => "contacts:Notes", notes;
    Photo => "contacts:Photo", photo;
    UserSmimeCertificate => "contacts:UserSMIMECertificate", user_smime_certificate;
    MsExchangeCertificate => "contacts:MSExchangeCertificate", ms_exchange_certificate;
    DirectoryId => "contacts:DirectoryId", directory_id;
    ManagerMailbox => "contacts:ManagerMailbox", manager_mailbox;
    DirectReports => "contacts:DirectReports", direct_reports;
}

/// The first entry of `list` with key `key`.
fn entry<T, K: PartialEq>(list: &[T], key: K, key_of: impl Fn(&T) -> K) -> Option<&T> {
    list.iter().find(|e| key_of(e) == key)
}

/// Makes `to`'s entry under `key` equal to `from`'s: replaced in place, appended, or removed.
fn copy_entry<T: Clone, K: PartialEq + Copy>(from: &[T], to: &mut Vec<T>, key: K, key_of: impl Fn(&T) -> K) {
    match entry(from, key, &key_of) {
        Some(e) => match to.iter_mut().find(|t| key_of(t) == key) {
            Some(slot) => *slot = e.clone(),
            None => to.push(e.clone()),
        },
        None => to.retain(|t| key_of(t) != key),
    }
}

fn extended<'c>(c: &'c Contact, uri: &ExtendedFieldUri) -> Option<&'c ExtendedProperty> {
    c.item.extended_properties.iter().find(|p| &p.field == uri)
}

impl ContactField {
    /// Every field except extended properties, in schema order, dictionaries expanded to every key
    /// (and every part of every postal address).
    pub fn all() -> Vec<ContactField> {
        let plain = |from: ContactField, to: ContactField| {
            let a = Self::PLAIN.iter().position(|f| *f == from).unwrap_or(0);
            let b = Self::PLAIN.iter().position(|f| *f == to).unwrap_or(Self::PLAIN.len() - 1);
            Self::PLAIN[a..=b].to_vec()
        };
        let mut out = plain(ContactField::Sensitivity, ContactField::CompanyName);
        out.extend(EmailAddressKey::ALL.iter().map(|k| ContactField::EmailAddress(*k)));
        for k in PhysicalAddressKey::ALL {
            out.extend(PhysicalAddressPart::ALL.iter().map(|p| ContactField::PhysicalAddress(*k, *p)));
        }
        out.extend(PhoneNumberKey::ALL.iter().map(|k| ContactField::PhoneNumber(*k)));
        out.extend(plain(ContactField::AssistantName, ContactField::Generation));
        out.extend(ImAddressKey::ALL.iter().map(|k| ContactField::ImAddress(*k)));
        out.extend(plain(ContactField::JobTitle, ContactField::DirectReports));
        out
    }

    /// The property path naming this field in `UpdateItem`, `GetItem` shapes and restrictions.
    pub fn path(&self) -> PropertyPath {
        let indexed =
            |field_uri: DictionaryUri, index: &str| PropertyPath::Indexed { field_uri, field_index: index.to_owned() };
        match self {
            ContactField::EmailAddress(k) => indexed(DictionaryUri::EmailAddress, k.as_str()),
            ContactField::PhysicalAddress(k, p) => indexed(p.dictionary_uri(), k.as_str()),
            ContactField::PhoneNumber(k) => indexed(DictionaryUri::PhoneNumber, k.as_str()),
            ContactField::ImAddress(k) => indexed(DictionaryUri::ImAddress, k.as_str()),
            ContactField::Extended(u) => PropertyPath::Extended(u.clone()),
            plain => PropertyPath::Field(FieldUri::new(plain.plain_uri().unwrap_or_default())),
        }
    }

    /// The field a path names (as a server applying an update reads it); `None` for paths that
    /// are not contact fields (or an index that is not a key of the dictionary).
    pub fn from_path(path: &PropertyPath) -> Option<ContactField> {
        match path {
            PropertyPath::Field(f) => Self::plain_from_uri(f.as_str()),
            PropertyPath::Indexed { field_uri, field_index } => {
                let i = field_index.as_str();
                match field_uri {
                    DictionaryUri::EmailAddress => i.parse().ok().map(ContactField::EmailAddress),
                    DictionaryUri::PhoneNumber => i.parse().ok().map(ContactField::PhoneNumber),
                    DictionaryUri::ImAddress => i.parse().ok().map(ContactField::ImAddress),
                    u => {
                        let part = PhysicalAddressPart::from_dictionary_uri(*u)?;
                        i.parse().ok().map(|k| ContactField::PhysicalAddress(k, part))
                    }
                }
            }
            PropertyPath::Extended(u) => Some(ContactField::Extended(u.clone())),
        }
    }

    /// Whether Exchange sets this field itself and refuses updates to it: `CompleteName`,
    /// `ContactSource`, `HasPicture` and the directory fields (`PhoneticFullName` …
    /// `DirectReports`).
    pub fn is_read_only(&self) -> bool {
        matches!(
            self,
            ContactField::CompleteName
                | ContactField::ContactSource
                | ContactField::HasPicture
                | ContactField::PhoneticFullName
                | ContactField::PhoneticFirstName
                | ContactField::PhoneticLastName
                | ContactField::Alias
                | ContactField::Notes
                | ContactField::Photo
                | ContactField::UserSmimeCertificate
                | ContactField::MsExchangeCertificate
                | ContactField::DirectoryId
                | ContactField::ManagerMailbox
                | ContactField::DirectReports
        )
    }

    /// Makes this field of `to` equal to the field of `from`: sets, replaces or removes it. Other
    /// fields of `to` are untouched. A postal address left without parts is removed.
    pub fn copy(&self, from: &Contact, to: &mut Contact) {
        if self.copy_plain(from, to) {
            return;
        }
        match self {
            ContactField::EmailAddress(k) => copy_entry(&from.email_addresses, &mut to.email_addresses, *k, |e| e.key),
            ContactField::PhoneNumber(k) => copy_entry(&from.phone_numbers, &mut to.phone_numbers, *k, |e| e.key),
            ContactField::ImAddress(k) => copy_entry(&from.im_addresses, &mut to.im_addresses, *k, |e| e.key),
            ContactField::PhysicalAddress(k, p) => {
                let value = from.address(*k).and_then(|a| a.part(*p)).map(str::to_owned);
                if value.is_none() && to.address(*k).is_none() {
                    return;
                }
                *to.address_mut(*k).part_mut(*p) = value;
                to.physical_addresses.retain(|a| a.key != *k || !a.is_empty());
            }
            ContactField::Extended(u) => {
                let props = &mut to.item.extended_properties;
                match extended(from, u) {
                    Some(p) => match props.iter_mut().find(|q| &q.field == u) {
                        Some(slot) => *slot = p.clone(),
                        None => props.push(p.clone()),
                    },
                    None => props.retain(|q| &q.field != u),
                }
            }
            _ => {}
        }
    }

    /// Removes this field from `c` (as `DeleteItemField` does).
    pub fn clear(&self, c: &mut Contact) {
        self.copy(&Contact::default(), c);
    }

    /// Whether `c` has a value for this field.
    pub fn is_set(&self, c: &Contact) -> bool {
        !self.same(c, &Contact::default())
    }

    /// Whether the field has the same value (or is absent) in both contacts.
    pub fn same(&self, a: &Contact, b: &Contact) -> bool {
        if let Some(eq) = self.plain_eq(a, b) {
            return eq;
        }
        match self {
            ContactField::EmailAddress(k) => {
                entry(&a.email_addresses, *k, |e| e.key) == entry(&b.email_addresses, *k, |e| e.key)
            }
            ContactField::PhoneNumber(k) => {
                entry(&a.phone_numbers, *k, |e| e.key) == entry(&b.phone_numbers, *k, |e| e.key)
            }
            ContactField::ImAddress(k) => {
                entry(&a.im_addresses, *k, |e| e.key) == entry(&b.im_addresses, *k, |e| e.key)
            }
            ContactField::PhysicalAddress(k, p) => {
                a.address(*k).and_then(|x| x.part(*p)) == b.address(*k).and_then(|x| x.part(*p))
            }
            ContactField::Extended(u) => extended(a, u) == extended(b, u),
            _ => true,
        }
    }

    /// The item element of a `SetItemField` for this field: a contact holding only this field's
    /// value from `from` (one dictionary entry, one address part). `None` when `from` has no value:
    /// the update is then a `DeleteItemField`.
    pub fn extract(&self, from: &Contact) -> Option<Contact> {
        let mut out = Contact::default();
        self.copy(from, &mut out);
        self.is_set(&out).then_some(out)
    }

    /// The `UpdateItem` change giving this field its value in `new`: `SetItemField` with
    /// [`ContactField::extract`], or `DeleteItemField` when `new` has no value.
    pub fn update(&self, new: &Contact) -> ItemUpdate {
        match self.extract(new) {
            Some(item) => ItemUpdate::set(self.path(), item.into()),
            None => ItemUpdate::delete(self.path()),
        }
    }
}

impl Contact {
    /// The writable fields that differ from `new` ([`changed_fields`]`(self, new)`).
    pub fn changed_fields(&self, new: &Contact) -> Vec<ContactField> {
        changed_fields(self, new)
    }
}

/// The `UpdateItem` changes that turn `old` into `new`: one per entry of [`changed_fields`].
pub fn contact_updates(old: &Contact, new: &Contact) -> Vec<ItemUpdate> {
    changed_fields(old, new).iter().map(|f| f.update(new)).collect()
}

/// Applies one `UpdateItem` change to `contact`, as a server does: `SetItemField` copies the field
/// from the change's contact, `DeleteItemField` clears it. `None` (and `contact` untouched) when the
/// path is not a contact field, the field is read-only, the change carries no contact, or it is an
/// `AppendToItemField` (contacts have no appendable fields but the body, which exsync replaces).
pub fn apply_contact_update(contact: &mut Contact, update: &ItemUpdate) -> Option<ContactField> {
    let field = ContactField::from_path(update.path()).filter(|f| !f.is_read_only())?;
    match update {
        ItemUpdate::Set { item: Item::Contact(from), .. } => field.copy(from, contact),
        ItemUpdate::Delete { .. } => field.clear(contact),
        _ => return None,
    }
    Some(field)
}

/// The writable fields whose values differ between `old` and `new`, in schema order, then the
/// extended properties that differ (in `new`'s order, then those only `old` has). Read-only fields
/// are never listed. For each, send `SetItemField` with [`ContactField::extract`] from `new`, or
/// `DeleteItemField` when that gives `None` ([`ContactField::update`], [`contact_updates`]).
pub fn changed_fields(old: &Contact, new: &Contact) -> Vec<ContactField> {
    let mut out: Vec<ContactField> =
        ContactField::all().into_iter().filter(|f| !f.is_read_only() && !f.same(old, new)).collect();
    let uris = new.item.extended_properties.iter().chain(&old.item.extended_properties).map(|p| &p.field);
    for u in uris {
        let f = ContactField::Extended(u.clone());
        if !f.same(old, new) && !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ews::contact_entries::PhysicalAddress;

    #[test]
    fn every_path_is_known_and_maps_back() {
        let all = ContactField::all();
        assert_eq!(all.len(), ContactField::PLAIN.len() + 3 + 15 + PhoneNumberKey::ALL.len() + 3);
        for f in &all {
            let p = f.path();
            if let PropertyPath::Field(u) = &p {
                assert!(u.is_known(), "{u:?}");
            }
            assert_eq!(ContactField::from_path(&p).as_ref(), Some(f));
        }
        let bad = PropertyPath::Indexed { field_uri: DictionaryUri::EmailAddress, field_index: "EmailAddress4".into() };
        assert_eq!(ContactField::from_path(&bad), None);
        assert_eq!(ContactField::from_path(&PropertyPath::field("calendar:Start")), None);
    }

    #[test]
    fn address_parts_update_one_at_a_time() {
        let mut old = Contact::default();
        old.set_address(PhysicalAddress::new(PhysicalAddressKey::Home).with(PhysicalAddressPart::City, "Oslo"));
        let mut new = old.clone();
        new.address_mut(PhysicalAddressKey::Home).city = None;
        new.address_mut(PhysicalAddressKey::Business).street = Some("1 Main St".into());
        let changed = changed_fields(&old, &new);
        let home_city = ContactField::PhysicalAddress(PhysicalAddressKey::Home, PhysicalAddressPart::City);
        let work_street = ContactField::PhysicalAddress(PhysicalAddressKey::Business, PhysicalAddressPart::Street);
        assert_eq!(changed, vec![home_city.clone(), work_street.clone()]);
        assert_eq!(home_city.extract(&new), None);
        let item = work_street.extract(&new).unwrap();
        assert_eq!(
            item.physical_addresses,
            vec![PhysicalAddress::new(PhysicalAddressKey::Business).with(PhysicalAddressPart::Street, "1 Main St")]
        );

        // Applying the changes to the old contact gives the new one (the emptied home address goes).
        let mut applied = old.clone();
        for f in &changed {
            f.copy(&new, &mut applied);
        }
        new.physical_addresses.retain(|a| !a.is_empty());
        assert_eq!(applied, new);
    }

    #[test]
    fn read_only_fields_are_not_reported() {
        let old = Contact::default();
        let new = Contact { has_picture: Some(true), alias: Some("x".into()), ..Contact::default() };
        assert!(changed_fields(&old, &new).is_empty());
        assert!(ContactField::HasPicture.is_set(&new));
        assert!(ContactField::HasPicture.is_read_only());
    }
}
