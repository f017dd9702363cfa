//! The entries of a contact's dictionaries: e-mail addresses (`EmailAddressDictionaryType`), postal
//! addresses (`PhysicalAddressDictionaryType`), phone numbers (`PhoneNumberDictionaryType`) and
//! instant-messaging addresses (`ImAddressDictionaryType`), each with its key enumeration.
//!
//! A dictionary is held as a `Vec` of entries in document order; each entry carries its key.

use serde::{Deserialize, Serialize};

use crate::xml::{Element, XmlError, XmlReader, XmlValue, XmlWriter, xml_enum};

use super::envelope::ExchangeVersion;
use super::mailbox::MailboxType;
use super::path::DictionaryUri;

xml_enum! {
    /// Which of a contact's three e-mail addresses (`EmailAddressKeyType`).
    pub enum EmailAddressKey {
        EmailAddress1 = "EmailAddress1",
        EmailAddress2 = "EmailAddress2",
        EmailAddress3 = "EmailAddress3",
    }
}

xml_enum! {
    /// Which of a contact's postal addresses (`PhysicalAddressKeyType`).
    pub enum PhysicalAddressKey {
        Home = "Home",
        Business = "Business",
        Other = "Other",
    }
}

xml_enum! {
    /// Which of a contact's phone numbers (`PhoneNumberKeyType`). `BusinessMobile`, `IPPhone`, `Mms`
    /// and `Msn` are not in the Exchange 2010 SP2 schema (see [`PhoneNumberKey::is_supported_by`]).
    pub enum PhoneNumberKey {
        AssistantPhone = "AssistantPhone",
        BusinessFax = "BusinessFax",
        BusinessPhone = "BusinessPhone",
        BusinessPhone2 = "BusinessPhone2",
        Callback = "Callback",
        CarPhone = "CarPhone",
        CompanyMainPhone = "CompanyMainPhone",
        HomeFax = "HomeFax",
        HomePhone = "HomePhone",
        HomePhone2 = "HomePhone2",
        Isdn = "Isdn",
        MobilePhone = "MobilePhone",
        OtherFax = "OtherFax",
        OtherTelephone = "OtherTelephone",
        Pager = "Pager",
        PrimaryPhone = "PrimaryPhone",
        RadioPhone = "RadioPhone",
        Telex = "Telex",
        TtyTddPhone = "TtyTddPhone",
        BusinessMobile = "BusinessMobile",
        IpPhone = "IPPhone",
        Mms = "Mms",
        Msn = "Msn",
    }
}

xml_enum! {
    /// Which of a contact's three instant-messaging addresses (`ImAddressKeyType`).
    pub enum ImAddressKey {
        ImAddress1 = "ImAddress1",
        ImAddress2 = "ImAddress2",
        ImAddress3 = "ImAddress3",
    }
}

xml_enum! {
    /// One part of a postal address; each is updated on its own
    /// (`contacts:PhysicalAddress:Street` and so on, indexed by [`PhysicalAddressKey`]).
    pub enum PhysicalAddressPart {
        Street = "Street",
        City = "City",
        State = "State",
        CountryOrRegion = "CountryOrRegion",
        PostalCode = "PostalCode",
    }
}

impl PhoneNumberKey {
    /// Whether a request written for `version` may carry this key: `BusinessMobile`, `IPPhone`,
    /// `Mms` and `Msn` are refused up to Exchange 2010 SP2.
    pub fn is_supported_by(&self, version: ExchangeVersion) -> bool {
        let later = matches!(
            self,
            PhoneNumberKey::BusinessMobile | PhoneNumberKey::IpPhone | PhoneNumberKey::Mms | PhoneNumberKey::Msn
        );
        !later || !version.is_exchange2010_sp2_or_older()
    }
}

impl PhysicalAddressPart {
    /// The indexed field URI that updates this part.
    pub fn dictionary_uri(&self) -> DictionaryUri {
        match self {
            PhysicalAddressPart::Street => DictionaryUri::PhysicalAddressStreet,
            PhysicalAddressPart::City => DictionaryUri::PhysicalAddressCity,
            PhysicalAddressPart::State => DictionaryUri::PhysicalAddressState,
            PhysicalAddressPart::CountryOrRegion => DictionaryUri::PhysicalAddressCountryOrRegion,
            PhysicalAddressPart::PostalCode => DictionaryUri::PhysicalAddressPostalCode,
        }
    }

    /// The part a `contacts:PhysicalAddress:*` URI updates; `None` for other URIs.
    pub fn from_dictionary_uri(uri: DictionaryUri) -> Option<Self> {
        PhysicalAddressPart::ALL.iter().copied().find(|p| p.dictionary_uri() == uri)
    }
}

/// An e-mail address of a contact (`t:EmailAddresses/t:Entry`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EmailAddress {
    /// Which address.
    pub key: EmailAddressKey,
    /// The address (`SMTP:` prefixed for directory contacts).
    pub address: String,
    /// The display name Outlook shows for this address (`Name` attribute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `SMTP`, `EX`, … (`RoutingType` attribute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing_type: Option<String>,
    /// What kind of address it is (`MailboxType` attribute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox_type: Option<MailboxType>,
}

impl EmailAddress {
    /// An address under `key`, without the optional attributes.
    pub fn new(key: EmailAddressKey, address: impl Into<String>) -> Self {
        EmailAddress { key, address: address.into(), name: None, routing_type: None, mailbox_type: None }
    }

    /// The same address with the `Name` attribute set.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

/// A phone number of a contact (`t:PhoneNumbers/t:Entry`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhoneNumber {
    /// Which number.
    pub key: PhoneNumberKey,
    /// The number as entered (Exchange does not normalize it).
    pub number: String,
}

impl PhoneNumber {
    /// A number under `key`.
    pub fn new(key: PhoneNumberKey, number: impl Into<String>) -> Self {
        PhoneNumber { key, number: number.into() }
    }
}

/// An instant-messaging address of a contact (`t:ImAddresses/t:Entry`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ImAddress {
    /// Which address.
    pub key: ImAddressKey,
    /// The address, e.g. `sip:alice@contoso.com`.
    pub address: String,
}

impl ImAddress {
    /// An address under `key`.
    pub fn new(key: ImAddressKey, address: impl Into<String>) -> Self {
        ImAddress { key, address: address.into() }
    }
}

/// A postal address of a contact (`t:PhysicalAddresses/t:Entry`); every part is optional.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhysicalAddress {
    /// Which address.
    pub key: PhysicalAddressKey,
    /// Street and house number (may span lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State or province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Country or region, as free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_or_region: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
}

impl PhysicalAddress {
    /// An address under `key` with no parts yet.
    pub fn new(key: PhysicalAddressKey) -> Self {
        PhysicalAddress { key, street: None, city: None, state: None, country_or_region: None, postal_code: None }
    }

    /// One part.
    pub fn part(&self, part: PhysicalAddressPart) -> Option<&str> {
        match part {
            PhysicalAddressPart::Street => self.street.as_deref(),
            PhysicalAddressPart::City => self.city.as_deref(),
            PhysicalAddressPart::State => self.state.as_deref(),
            PhysicalAddressPart::CountryOrRegion => self.country_or_region.as_deref(),
            PhysicalAddressPart::PostalCode => self.postal_code.as_deref(),
        }
    }

    /// One part, mutably.
    pub fn part_mut(&mut self, part: PhysicalAddressPart) -> &mut Option<String> {
        match part {
            PhysicalAddressPart::Street => &mut self.street,
            PhysicalAddressPart::City => &mut self.city,
            PhysicalAddressPart::State => &mut self.state,
            PhysicalAddressPart::CountryOrRegion => &mut self.country_or_region,
            PhysicalAddressPart::PostalCode => &mut self.postal_code,
        }
    }

    /// Sets one part (builder style).
    pub fn with(mut self, part: PhysicalAddressPart, value: impl Into<String>) -> Self {
        *self.part_mut(part) = Some(value.into());
        self
    }

    /// Whether no part is set.
    pub fn is_empty(&self) -> bool {
        PhysicalAddressPart::ALL.iter().all(|p| self.part(*p).is_none())
    }
}

/// Reads a dictionary element: its `t:Entry` children, each with `entry` given the entry's key.
///
/// A key names an entry the way an element name names a field, so an entry under a key this
/// version does not know is treated like an unknown element: skipped when lenient (a newer server,
/// or one lax about its input, does not make the whole contact unreadable), an error when strict. A
/// missing `Key` is an error in both modes. In strict mode a dictionary without entries is an error
/// too (the schema asks for at least one).
fn read_dictionary<'a, K: XmlValue, T>(
    r: &mut XmlReader<'a>,
    el: &Element<'a>,
    mut entry: impl FnMut(&mut XmlReader<'a>, &Element<'a>, K) -> Result<T, XmlError>,
) -> Result<Vec<T>, XmlError> {
    let mut out = Vec::new();
    while let Some(c) = r.next_child(el)? {
        if c.name() != "Entry" {
            r.unknown(&c)?;
            continue;
        }
        let key = r.required_attr(&c, "Key")?;
        match K::parse_xml(&key) {
            Some(k) => out.push(entry(r, &c, k)?),
            None if r.is_strict() => return Err(r.invalid(&c, &key, K::EXPECTED)),
            None => r.skip(&c)?,
        }
    }
    if out.is_empty() && r.is_strict() {
        return Err(r.missing(el, "Entry"));
    }
    Ok(out)
}

pub(crate) fn read_email_addresses<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Vec<EmailAddress>, XmlError> {
    read_dictionary(r, el, |r, e, key| {
        let name = r.attr(e, "Name")?;
        let routing_type = r.attr(e, "RoutingType")?;
        let mailbox_type = r.attr_value(e, "MailboxType")?;
        let address = r.text(e)?.into_owned();
        Ok(EmailAddress { key, address, name, routing_type, mailbox_type })
    })
}

pub(crate) fn read_phone_numbers<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Vec<PhoneNumber>, XmlError> {
    read_dictionary(r, el, |r, e, key| Ok(PhoneNumber { key, number: r.text(e)?.into_owned() }))
}

pub(crate) fn read_im_addresses<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Vec<ImAddress>, XmlError> {
    read_dictionary(r, el, |r, e, key| Ok(ImAddress { key, address: r.text(e)?.into_owned() }))
}

pub(crate) fn read_physical_addresses<'a>(
    r: &mut XmlReader<'a>,
    el: &Element<'a>,
) -> Result<Vec<PhysicalAddress>, XmlError> {
    read_dictionary(r, el, |r, e, key| {
        let mut a = PhysicalAddress::new(key);
        while let Some(c) = r.next_child(e)? {
            match c.name().parse::<PhysicalAddressPart>() {
                Ok(part) => *a.part_mut(part) = Some(r.value(&c)?),
                Err(_) => r.unknown(&c)?,
            }
        }
        Ok(a)
    })
}

/// Writes a dictionary element unless it has no entries (the schema asks for at least one).
fn write_dictionary<T>(w: &mut XmlWriter, name: &str, entries: &[T], mut entry: impl FnMut(&mut XmlWriter, &T)) {
    if entries.is_empty() {
        return;
    }
    w.start(name, &[]);
    for e in entries {
        entry(w, e);
    }
    w.end(name);
}

pub(crate) fn write_email_addresses(w: &mut XmlWriter, entries: &[EmailAddress]) {
    write_dictionary(w, "t:EmailAddresses", entries, |w, e| {
        w.start(
            "t:Entry",
            &[
                ("Key", Some(e.key.as_str())),
                ("Name", e.name.as_deref()),
                ("RoutingType", e.routing_type.as_deref()),
                ("MailboxType", e.mailbox_type.map(|m| m.as_str())),
            ],
        );
        w.text(&e.address);
        w.end("t:Entry");
    });
}

pub(crate) fn write_phone_numbers(w: &mut XmlWriter, entries: &[PhoneNumber]) {
    write_dictionary(w, "t:PhoneNumbers", entries, |w, e| {
        w.start("t:Entry", &[("Key", Some(e.key.as_str()))]);
        w.text(&e.number);
        w.end("t:Entry");
    });
}

pub(crate) fn write_im_addresses(w: &mut XmlWriter, entries: &[ImAddress]) {
    write_dictionary(w, "t:ImAddresses", entries, |w, e| {
        w.start("t:Entry", &[("Key", Some(e.key.as_str()))]);
        w.text(&e.address);
        w.end("t:Entry");
    });
}

pub(crate) fn write_physical_addresses(w: &mut XmlWriter, entries: &[PhysicalAddress]) {
    write_dictionary(w, "t:PhysicalAddresses", entries, |w, e| {
        w.start("t:Entry", &[("Key", Some(e.key.as_str()))]);
        w.opt_value("t:Street", &e.street);
        w.opt_value("t:City", &e.city);
        w.opt_value("t:State", &e.state);
        w.opt_value("t:CountryOrRegion", &e.country_or_region);
        w.opt_value("t:PostalCode", &e.postal_code);
        w.end("t:Entry");
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_keys_of_later_schemas() {
        assert!(PhoneNumberKey::MobilePhone.is_supported_by(ExchangeVersion::Exchange2007Sp1));
        assert!(!PhoneNumberKey::IpPhone.is_supported_by(ExchangeVersion::Exchange2010Sp2));
        assert!(PhoneNumberKey::IpPhone.is_supported_by(ExchangeVersion::Exchange2013));
        assert_eq!(PhoneNumberKey::IpPhone.as_str(), "IPPhone");
    }

    #[test]
    fn address_parts_and_their_uris() {
        for p in PhysicalAddressPart::ALL {
            assert_eq!(PhysicalAddressPart::from_dictionary_uri(p.dictionary_uri()), Some(*p));
            assert!(p.dictionary_uri().as_str().ends_with(p.as_str()));
        }
        assert_eq!(PhysicalAddressPart::from_dictionary_uri(DictionaryUri::PhoneNumber), None);
        let a = PhysicalAddress::new(PhysicalAddressKey::Home).with(PhysicalAddressPart::City, "Oslo");
        assert_eq!(a.part(PhysicalAddressPart::City), Some("Oslo"));
        assert!(!a.is_empty());
        assert!(PhysicalAddress::new(PhysicalAddressKey::Other).is_empty());
    }
}
