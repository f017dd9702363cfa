//! The organisation's mailboxes.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::clock::{Clock, SystemClock};
use super::codec::MacKey;
use super::error::StoreError;
use super::mailbox::MailboxStore;
use super::tokens::{Tokens, decode_id};

/// Every mailbox of the simulated organisation. Ids, change keys and sync states derive from the
/// seed, so two stores built with the same seed, clock and operations issue the same strings; a
/// store with another seed rejects them.
#[derive(Debug)]
pub struct Store {
    key: MacKey,
    clock: Arc<dyn Clock>,
    /// By lower-cased address.
    mailboxes: BTreeMap<String, MailboxStore>,
}

impl Store {
    /// An organisation without mailboxes, its secrets derived from `seed`, its time from `clock`.
    pub fn new(seed: u64, clock: Arc<dyn Clock>) -> Self {
        Store { key: MacKey::from_seed(seed), clock, mailboxes: BTreeMap::new() }
    }

    /// An organisation on the machine's clock.
    pub fn with_system_clock(seed: u64) -> Self {
        Self::new(seed, Arc::new(SystemClock))
    }

    /// The clock items are stamped from.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Adds a mailbox with the well-known folders. Addresses compare without case.
    pub fn add_mailbox(&mut self, address: &str, display_name: &str) -> Result<&mut MailboxStore, StoreError> {
        let k = address.to_ascii_lowercase();
        if self.mailboxes.contains_key(&k) {
            return Err(StoreError::MailboxExists { address: address.to_owned() });
        }
        let tokens = Tokens::new(self.key, &k);
        let mailbox = MailboxStore::new(address, display_name, tokens, Arc::clone(&self.clock));
        Ok(self.mailboxes.entry(k).or_insert(mailbox))
    }

    /// A mailbox by SMTP address (`ErrorNonExistentMailbox` if there is none).
    pub fn mailbox(&self, address: &str) -> Result<&MailboxStore, StoreError> {
        self.mailboxes
            .get(&address.to_ascii_lowercase())
            .ok_or_else(|| StoreError::NonExistentMailbox { address: address.to_owned() })
    }

    /// A mailbox by SMTP address, to change it.
    pub fn mailbox_mut(&mut self, address: &str) -> Result<&mut MailboxStore, StoreError> {
        self.mailboxes
            .get_mut(&address.to_ascii_lowercase())
            .ok_or_else(|| StoreError::NonExistentMailbox { address: address.to_owned() })
    }

    /// Every mailbox, by address.
    pub fn mailboxes(&self) -> impl Iterator<Item = &MailboxStore> {
        self.mailboxes.values()
    }

    /// The address of the mailbox that issued an item or folder id, if this store issued it (EWS
    /// routes a request by the ids in it).
    pub fn mailbox_of_id(&self, id: &str) -> Option<&str> {
        let d = decode_id(&self.key, id)?;
        self.mailboxes.values().find(|m| m.mailbox_tag() == d.mailbox_tag).map(MailboxStore::address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ews::{BaseFolderId, DistinguishedFolderName, Item, ItemId, MaxChangesReturned};

    #[test]
    fn mailboxes_by_address_without_case() {
        let mut s = Store::with_system_clock(9);
        s.add_mailbox("Alice@Contoso.com", "Alice").unwrap();
        assert_eq!(s.mailbox("alice@contoso.com").unwrap().address(), "Alice@Contoso.com");
        assert!(matches!(s.add_mailbox("ALICE@contoso.com", "A"), Err(StoreError::MailboxExists { .. })));
        let e = s.mailbox("carol@contoso.com").unwrap_err();
        assert_eq!(e.response_code().as_str(), "ErrorNonExistentMailbox");
        assert_eq!(s.mailboxes().count(), 1);
    }

    #[test]
    fn ids_route_to_their_mailbox_and_nowhere_else() {
        let mut s = Store::with_system_clock(9);
        s.add_mailbox("alice@contoso.com", "Alice").unwrap();
        let bob = s.add_mailbox("bob@contoso.com", "Bob").unwrap();
        let contacts = BaseFolderId::distinguished(DistinguishedFolderName::Contacts);
        let id = bob.create_item(&contacts, Item::Contact(Box::default())).unwrap();
        assert_eq!(s.mailbox_of_id(&id.id), Some("bob@contoso.com"));
        assert_eq!(s.mailbox_of_id("AAMkAGI2"), None);
        let alice = s.mailbox("alice@contoso.com").unwrap();
        let e = alice.item(&id).unwrap_err();
        assert_eq!(e.response_code().as_str(), "ErrorAccessDenied");
        let other = Store::with_system_clock(10);
        assert_eq!(other.mailbox_of_id(&id.id), None);
        assert!(matches!(alice.item(&ItemId::new("AAMkAGI2")), Err(StoreError::MalformedId { .. })));
    }

    #[test]
    fn stores_cross_threads() {
        fn send_and_sync<T: Send + Sync>() {}
        send_and_sync::<Store>();
        send_and_sync::<MailboxStore>();
    }

    #[test]
    fn same_seed_same_strings() {
        let build = || {
            let mut s = Store::with_system_clock(5);
            let m = s.add_mailbox("alice@contoso.com", "Alice").unwrap();
            let contacts = BaseFolderId::distinguished(DistinguishedFolderName::Contacts);
            let id = m.create_item(&contacts, Item::Contact(Box::default())).unwrap();
            let state = m.changes_since(&contacts, None, MaxChangesReturned::MAX, &[]).unwrap().sync_state;
            (id, state)
        };
        assert_eq!(build(), build());
    }
}
