//! The canonical contact: what the application reads and writes, independent of Exchange's
//! schema. The mapping to and from EWS `t:Contact` is in
//! [`backend::ews_mapping`](crate::backend::ews_mapping).
//!
//! ```
//! use exsync::sync::{Contact, Phone, PhoneKind};
//!
//! let c = Contact {
//!     given_name: Some("Tanja".into()),
//!     surname: Some("Plate".into()),
//!     emails: vec!["tplate@example.com".into()],
//!     phones: vec![Phone::new(PhoneKind::Mobile, "+1 425 555 0199")],
//!     ..Contact::default()
//! };
//! c.validate().unwrap();
//! let json = serde_json::to_string(&c).unwrap();
//! assert!(json.contains(r#""emails":[{"address":"tplate@example.com"}]"#));
//! assert_eq!(serde_json::from_str::<Contact>(&json).unwrap(), c);
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::record::RecordError;

/// How many e-mail addresses Exchange keeps on a contact.
pub const MAX_EMAILS: usize = 3;

/// A contact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Contact {
    /// The name shown in lists (Exchange computes one from the names when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Middle name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    /// Nickname.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    /// Company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Department.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Job title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    /// E-mail addresses, the preferred one first (at most [`MAX_EMAILS`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<Email>,
    /// Phone numbers, at most one of each kind.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<Phone>,
    /// Postal addresses, at most one of each kind.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<PostalAddress>,
    /// Free-text notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Birthday.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthday: Option<NaiveDate>,
}

/// An e-mail address with the name shown for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email {
    /// The address, e.g. `tplate@example.com`.
    pub address: String,
    /// The name shown with the address (Outlook's "Display as").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl From<&str> for Email {
    fn from(address: &str) -> Self {
        Email { address: address.to_owned(), name: None }
    }
}

/// The kinds of phone numbers a contact holds (one number each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    /// Mobile.
    Mobile,
    /// Work.
    Work,
    /// Second work number.
    Work2,
    /// Home.
    Home,
    /// Second home number.
    Home2,
    /// Work fax.
    WorkFax,
    /// Home fax.
    HomeFax,
    /// Other fax.
    OtherFax,
    /// Other.
    Other,
    /// Pager.
    Pager,
    /// The assistant's number.
    Assistant,
    /// Car phone.
    Car,
    /// The company's main number.
    CompanyMain,
    /// Callback.
    Callback,
    /// ISDN.
    Isdn,
    /// Primary.
    Primary,
    /// Radio.
    Radio,
    /// Telex.
    Telex,
    /// TTY/TDD.
    TtyTdd,
    /// Work mobile (Exchange 2013 and newer).
    WorkMobile,
    /// IP phone (Exchange 2013 and newer).
    IpPhone,
    /// MMS (Exchange 2013 and newer).
    Mms,
    /// MSN (Exchange 2013 and newer).
    Msn,
}

impl PhoneKind {
    /// Every kind.
    pub const ALL: [PhoneKind; 23] = [
        PhoneKind::Mobile,
        PhoneKind::Work,
        PhoneKind::Work2,
        PhoneKind::Home,
        PhoneKind::Home2,
        PhoneKind::WorkFax,
        PhoneKind::HomeFax,
        PhoneKind::OtherFax,
        PhoneKind::Other,
        PhoneKind::Pager,
        PhoneKind::Assistant,
        PhoneKind::Car,
        PhoneKind::CompanyMain,
        PhoneKind::Callback,
        PhoneKind::Isdn,
        PhoneKind::Primary,
        PhoneKind::Radio,
        PhoneKind::Telex,
        PhoneKind::TtyTdd,
        PhoneKind::WorkMobile,
        PhoneKind::IpPhone,
        PhoneKind::Mms,
        PhoneKind::Msn,
    ];
}

/// A phone number of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Phone {
    /// Which number.
    pub kind: PhoneKind,
    /// The number as entered.
    pub number: String,
}

impl Phone {
    /// A number of `kind`.
    pub fn new(kind: PhoneKind, number: impl Into<String>) -> Self {
        Phone { kind, number: number.into() }
    }
}

/// The kinds of postal addresses a contact holds (one each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressKind {
    /// Home.
    Home,
    /// Work.
    Work,
    /// Other.
    Other,
}

impl AddressKind {
    /// Every kind.
    pub const ALL: [AddressKind; 3] = [AddressKind::Home, AddressKind::Work, AddressKind::Other];
}

/// A postal address; every part is optional, but an address with no part set is not kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PostalAddress {
    /// Which address.
    pub kind: AddressKind,
    /// Street and number (may span lines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State, province or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Country or region, as free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl PostalAddress {
    /// An address of `kind` with no parts yet.
    pub fn new(kind: AddressKind) -> Self {
        PostalAddress { kind, street: None, city: None, region: None, postal_code: None, country: None }
    }

    /// Whether no part is set.
    pub fn is_empty(&self) -> bool {
        self.street.is_none()
            && self.city.is_none()
            && self.region.is_none()
            && self.postal_code.is_none()
            && self.country.is_none()
    }
}

impl Contact {
    /// The first e-mail address, lower-cased: what first-sync matching compares.
    pub fn match_key(&self) -> Option<String> {
        self.emails.first().map(|e| e.address.trim().to_lowercase()).filter(|a| !a.is_empty())
    }

    /// The phone number of `kind`.
    pub fn phone(&self, kind: PhoneKind) -> Option<&str> {
        self.phones.iter().find(|p| p.kind == kind).map(|p| p.number.as_str())
    }

    /// The postal address of `kind`.
    pub fn address(&self, kind: AddressKind) -> Option<&PostalAddress> {
        self.addresses.iter().find(|a| a.kind == kind)
    }

    /// Puts the contact in the canonical form the engine compares: empty texts are absent, phone
    /// numbers and postal addresses in kind order (the order Exchange's keyed lists have no say
    /// in). E-mail addresses keep their order, which is meaningful.
    pub fn normalize(&mut self) {
        for t in [
            &mut self.display_name,
            &mut self.given_name,
            &mut self.middle_name,
            &mut self.surname,
            &mut self.nickname,
            &mut self.company,
            &mut self.department,
            &mut self.job_title,
            &mut self.notes,
        ] {
            if t.as_deref() == Some("") {
                *t = None;
            }
        }
        self.phones.sort_by_key(|p| p.kind);
        self.addresses.sort_by_key(|a| a.kind);
    }

    /// Checks what Exchange cannot hold: more than [`MAX_EMAILS`] addresses, an empty address,
    /// two phone numbers or two postal addresses of one kind, an address with no part set.
    pub fn validate(&self) -> Result<(), RecordError> {
        if self.emails.len() > MAX_EMAILS {
            return Err(RecordError::TooMany { what: "e-mail address", count: self.emails.len(), max: MAX_EMAILS });
        }
        if self.emails.iter().any(|e| e.address.is_empty()) {
            return Err(RecordError::Invalid { field: "emails", reason: "an e-mail address is empty".into() });
        }
        for (i, p) in self.phones.iter().enumerate() {
            if self.phones[..i].iter().any(|q| q.kind == p.kind) {
                return Err(RecordError::DuplicateKind { what: "phone", key: format!("{:?}", p.kind) });
            }
        }
        for (i, a) in self.addresses.iter().enumerate() {
            if self.addresses[..i].iter().any(|b| b.kind == a.kind) {
                return Err(RecordError::DuplicateKind { what: "postal address", key: format!("{:?}", a.kind) });
            }
            if a.is_empty() {
                return Err(RecordError::Invalid {
                    field: "addresses",
                    reason: format!("the {:?} address has no part set", a.kind),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_names_the_problem() {
        let mut c = Contact { emails: vec!["a@x".into(), "b@x".into(), "c@x".into()], ..Contact::default() };
        assert_eq!(c.validate(), Ok(()));
        c.emails.push("d@x".into());
        assert!(matches!(c.validate(), Err(RecordError::TooMany { count: 4, max: 3, .. })));
        c.emails.pop();
        c.phones = vec![Phone::new(PhoneKind::Home, "1"), Phone::new(PhoneKind::Home, "2")];
        assert!(c.validate().unwrap_err().to_string().contains("two entries of kind Home"));
        c.phones.pop();
        c.addresses = vec![PostalAddress::new(AddressKind::Work)];
        assert!(matches!(c.validate(), Err(RecordError::Invalid { field: "addresses", .. })));
    }

    #[test]
    fn match_key_is_the_first_address_lower_cased() {
        let c = Contact { emails: vec![" Ann@Example.COM ".into(), "b@x".into()], ..Contact::default() };
        assert_eq!(c.match_key().as_deref(), Some("ann@example.com"));
        assert_eq!(Contact::default().match_key(), None);
    }
}
