//! What the application and the engine exchange: [`Record`] (a [`Contact`] or an [`Event`]), the
//! application's record id ([`AppId`]), the kinds of objects synced ([`ObjectKind`]), a stable
//! content hash, and the checks a record must pass before it is written to Exchange.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::contact::Contact;
use super::event::Event;

/// The application's own id of a record (a CRM contact id, a booking id, …). Opaque to exsync;
/// records that start in Exchange get one from the engine (see [`AppId::for_remote`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AppId(pub String);

impl AppId {
    /// An id from the application's text.
    pub fn new(id: impl Into<String>) -> Self {
        AppId(id.into())
    }

    /// The id the engine gives a record that started in Exchange: `exsync:` and a hash of the
    /// user and the Exchange item id, so planning the same item twice gives the same id.
    pub fn for_remote(user: &str, remote_id: &str) -> Self {
        let mut h = Fnv64::new();
        h.write(user.as_bytes());
        h.write(&[0]);
        h.write(remote_id.as_bytes());
        AppId(format!("exsync:{:016x}", h.finish()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An enrolled user: the primary SMTP address of the mailbox the service account impersonates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub String);

impl UserId {
    /// A user by mailbox address.
    pub fn new(address: impl Into<String>) -> Self {
        UserId(address.into())
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The kinds of objects exsync keeps in step; each has its own settings, sync state and id map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// Contacts (the user's contacts folder, or one chosen contacts folder).
    Contacts,
    /// Calendar events (the user's calendar, inside a time window).
    Events,
}

impl ObjectKind {
    /// Both kinds.
    pub const ALL: [ObjectKind; 2] = [ObjectKind::Contacts, ObjectKind::Events];

    /// `contacts` or `events`, as stored.
    pub fn as_str(&self) -> &'static str {
        match self {
            ObjectKind::Contacts => "contacts",
            ObjectKind::Events => "events",
        }
    }

    /// The kind named by [`ObjectKind::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        ObjectKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A record as the application sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Record {
    /// A contact.
    Contact(Box<Contact>),
    /// A calendar event.
    Event(Box<Event>),
}

impl Record {
    /// Which kind of object this is.
    pub fn kind(&self) -> ObjectKind {
        match self {
            Record::Contact(_) => ObjectKind::Contacts,
            Record::Event(_) => ObjectKind::Events,
        }
    }

    /// The contact, if it is one.
    pub fn as_contact(&self) -> Option<&Contact> {
        match self {
            Record::Contact(c) => Some(c),
            Record::Event(_) => None,
        }
    }

    /// The event, if it is one.
    pub fn as_event(&self) -> Option<&Event> {
        match self {
            Record::Event(e) => Some(e),
            Record::Contact(_) => None,
        }
    }

    /// Puts the record in canonical form (see [`Contact::normalize`], [`Event::normalize`]).
    pub fn normalize(&mut self) {
        match self {
            Record::Contact(c) => c.normalize(),
            Record::Event(e) => e.normalize(),
        }
    }

    /// The record in canonical form.
    pub fn normalized(mut self) -> Self {
        self.normalize();
        self
    }

    /// Checks what Exchange would refuse or what cannot be mapped (see [`Contact::validate`] and
    /// [`Event::validate`]).
    pub fn validate(&self) -> Result<(), RecordError> {
        match self {
            Record::Contact(c) => c.validate(),
            Record::Event(e) => e.validate(),
        }
    }

    /// A stable 64-bit hash of the record's content (FNV-1a over its JSON form), stored with the
    /// id map to notice changes cheaply. Equal records hash equally across processes and releases.
    pub fn content_hash(&self) -> u64 {
        let mut h = Fnv64::new();
        // Serializing plain data to a string cannot fail.
        let json = serde_json::to_string(self).unwrap_or_default();
        h.write(json.as_bytes());
        h.finish()
    }
}

impl From<Contact> for Record {
    fn from(c: Contact) -> Self {
        Record::Contact(Box::new(c))
    }
}

impl From<Event> for Record {
    fn from(e: Event) -> Self {
        Record::Event(Box::new(e))
    }
}

/// A record that cannot be written to Exchange as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// More of something than Exchange holds (e-mail addresses: 3, attendees: 50).
    #[error("the {what} list holds {count} entries but Exchange keeps at most {max}; shorten it in the application")]
    TooMany {
        /// What the list holds.
        what: &'static str,
        /// How many it holds.
        count: usize,
        /// How many fit.
        max: usize,
    },
    /// Two entries of a keyed list under the same key (two mobile phones, two home addresses).
    #[error("the {what} list has two entries of kind {key}; Exchange keeps one per kind")]
    DuplicateKind {
        /// What the list holds.
        what: &'static str,
        /// The repeated kind.
        key: String,
    },
    /// A value out of its range (an event ending before it starts, a zero recurrence interval).
    #[error("{field} is invalid: {reason}")]
    Invalid {
        /// Which field.
        field: &'static str,
        /// Why.
        reason: String,
    },
}

/// FNV-1a, 64 bits: small, stable across Rust releases (unlike `DefaultHasher`), enough to
/// notice changed content.
pub(crate) struct Fnv64(u64);

impl Fnv64 {
    pub(crate) fn new() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub(crate) fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_ids_give_stable_distinct_app_ids() {
        let a = AppId::for_remote("alice@contoso.com", "AAMkAD1");
        assert_eq!(a, AppId::for_remote("alice@contoso.com", "AAMkAD1"));
        assert_ne!(a, AppId::for_remote("alice@contoso.com", "AAMkAD2"));
        assert_ne!(a, AppId::for_remote("bob@contoso.com", "AAMkAD1"));
        assert!(a.as_str().starts_with("exsync:"));
        // FNV-1a of the empty input is its offset basis: the hash is the published one.
        assert_eq!(Fnv64::new().finish(), 0xcbf2_9ce4_8422_2325);
        let mut h = Fnv64::new();
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn content_hash_follows_content() {
        let a = Record::from(Contact { given_name: Some("Ann".into()), ..Contact::default() });
        let b = Record::from(Contact { given_name: Some("Anna".into()), ..Contact::default() });
        assert_eq!(a.content_hash(), a.clone().content_hash());
        assert_ne!(a.content_hash(), b.content_hash());
        assert_eq!(ObjectKind::parse("events"), Some(ObjectKind::Events));
        assert_eq!(ObjectKind::parse("tasks"), None);
    }
}
