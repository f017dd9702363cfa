//! The opaque strings the store hands out: item and folder ids, change keys. Each carries a MAC so a
//! string this server did not issue is told apart from one that names something gone.
//!
//! Layouts (then standard base64, padded, like Exchange's own ids):
//! - id: `00 03 24` (Exchange's ids start `AAMk`), kind (1 item, 2 folder, 3 occurrence of a
//!   series), mailbox tag (8 bytes), object number (8 bytes; for an occurrence, its index in the
//!   series above bit 40 and the series' item number below), SipHash-2-4 of the first 20 bytes
//!   under the organisation's key;
//! - change key: `09 00 00 00 10 00 00 00` (Exchange's start `CQAAAB`), change number (8 bytes),
//!   SipHash-2-4 of the first 16 bytes under the mailbox's change-key key.

use super::codec::{ByteReader, MacKey, base64_decode, base64_encode};

const ID_MAGIC: [u8; 3] = [0x00, 0x03, 0x24];
const ID_LEN: usize = 28;
const CHANGE_KEY_MAGIC: [u8; 8] = [0x09, 0, 0, 0, 0x10, 0, 0, 0];
const CHANGE_KEY_LEN: usize = 24;

/// What an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ObjectKind {
    /// An item.
    Item,
    /// A folder.
    Folder,
    /// One occurrence of a recurring series.
    Occurrence,
}

/// Where an occurrence's index sits in its id's object number.
const OCCURRENCE_SHIFT: u32 = 40;

/// The object number of occurrence `index` of series item `master`.
pub(crate) fn occurrence_number(master: u64, index: u32) -> u64 {
    (u64::from(index) << OCCURRENCE_SHIFT) | (master & ((1 << OCCURRENCE_SHIFT) - 1))
}

/// The series item number and occurrence index in an occurrence's object number.
pub(crate) fn split_occurrence(number: u64) -> (u64, u32) {
    (number & ((1 << OCCURRENCE_SHIFT) - 1), u32::try_from(number >> OCCURRENCE_SHIFT).unwrap_or(u32::MAX))
}

impl ObjectKind {
    fn byte(self) -> u8 {
        match self {
            ObjectKind::Item => 1,
            ObjectKind::Folder => 2,
            ObjectKind::Occurrence => 3,
        }
    }
}

/// A decoded id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DecodedId {
    /// Item or folder.
    pub(crate) kind: ObjectKind,
    /// The mailbox it belongs to.
    pub(crate) mailbox_tag: u64,
    /// The object's number within the mailbox.
    pub(crate) number: u64,
}

/// Decodes an id issued by any mailbox of the organisation whose key is `org`.
pub(crate) fn decode_id(org: &MacKey, text: &str) -> Option<DecodedId> {
    let bytes = base64_decode(text)?;
    if bytes.len() != ID_LEN || bytes[..3] != ID_MAGIC {
        return None;
    }
    let mut r = ByteReader::new(&bytes[3..]);
    let kind = match r.u8()? {
        1 => ObjectKind::Item,
        2 => ObjectKind::Folder,
        3 => ObjectKind::Occurrence,
        _ => return None,
    };
    let mailbox_tag = r.u64_be()?;
    let number = r.u64_be()?;
    let mac = r.u64_be()?;
    (mac == org.mac(&bytes[..20])).then_some(DecodedId { kind, mailbox_tag, number })
}

/// The token codec of one mailbox.
#[derive(Debug, Clone)]
pub(crate) struct Tokens {
    org: MacKey,
    mailbox_tag: u64,
    change_keys: MacKey,
    sync_states: MacKey,
    uids: MacKey,
}

impl Tokens {
    /// The codec for mailbox `address` in the organisation keyed `org`.
    pub(crate) fn new(org: MacKey, address: &str) -> Self {
        let address = address.to_ascii_lowercase();
        let mailbox = org.derive("mailbox", &address);
        Tokens {
            org,
            mailbox_tag: org.mac(format!("tag\0{address}").as_bytes()),
            change_keys: mailbox.derive("change-key", ""),
            sync_states: mailbox.derive("sync-state", ""),
            uids: mailbox.derive("uid", ""),
        }
    }

    /// This mailbox's tag inside ids.
    pub(crate) fn mailbox_tag(&self) -> u64 {
        self.mailbox_tag
    }

    /// The key sync states are signed with.
    pub(crate) fn sync_state_key(&self) -> &MacKey {
        &self.sync_states
    }

    /// The id of object `number` of this mailbox.
    pub(crate) fn id(&self, kind: ObjectKind, number: u64) -> String {
        let mut b = Vec::with_capacity(ID_LEN);
        b.extend_from_slice(&ID_MAGIC);
        b.push(kind.byte());
        b.extend_from_slice(&self.mailbox_tag.to_be_bytes());
        b.extend_from_slice(&number.to_be_bytes());
        let mac = self.org.mac(&b);
        b.extend_from_slice(&mac.to_be_bytes());
        base64_encode(&b)
    }

    /// Decodes an id of any mailbox of the organisation.
    pub(crate) fn decode_id(&self, text: &str) -> Option<DecodedId> {
        decode_id(&self.org, text)
    }

    /// The iCalendar UID a calendar item created without one gets: Exchange's global object id
    /// prefix followed by 16 bytes unique to the item, in upper-case hex.
    pub(crate) fn calendar_uid(&self, number: u64) -> String {
        let a = self.uids.mac(&number.to_be_bytes());
        let b = self.uids.mac(&a.to_be_bytes());
        format!("040000008200E00074C5B7101A82E00800000000{a:016X}{b:016X}")
    }

    /// The change key for change number `cn`.
    pub(crate) fn change_key(&self, cn: u64) -> String {
        let mut b = Vec::with_capacity(CHANGE_KEY_LEN);
        b.extend_from_slice(&CHANGE_KEY_MAGIC);
        b.extend_from_slice(&cn.to_be_bytes());
        let mac = self.change_keys.mac(&b);
        b.extend_from_slice(&mac.to_be_bytes());
        base64_encode(&b)
    }

    /// The change number in a change key this mailbox issued.
    pub(crate) fn decode_change_key(&self, text: &str) -> Option<u64> {
        let bytes = base64_decode(text)?;
        if bytes.len() != CHANGE_KEY_LEN || bytes[..8] != CHANGE_KEY_MAGIC {
            return None;
        }
        let mut r = ByteReader::new(&bytes[8..]);
        let cn = r.u64_be()?;
        let mac = r.u64_be()?;
        (mac == self.change_keys.mac(&bytes[..16])).then_some(cn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(addr: &str) -> Tokens {
        Tokens::new(MacKey::from_seed(42), addr)
    }

    #[test]
    fn ids_round_trip_and_look_like_exchange_ids() {
        let t = tokens("alice@contoso.com");
        let id = t.id(ObjectKind::Item, 17);
        assert!(id.starts_with("AAMk"), "{id}");
        let d = t.decode_id(&id).unwrap();
        assert_eq!((d.kind, d.number, d.mailbox_tag), (ObjectKind::Item, 17, t.mailbox_tag()));
        assert_eq!(t.decode_id(&t.id(ObjectKind::Folder, 3)).unwrap().kind, ObjectKind::Folder);
        let occurrence = t.decode_id(&t.id(ObjectKind::Occurrence, occurrence_number(17, 4))).unwrap();
        assert_eq!(occurrence.kind, ObjectKind::Occurrence);
        assert_eq!(split_occurrence(occurrence.number), (17, 4));
        assert_eq!(split_occurrence(occurrence_number(17, 0)), (17, 0));
    }

    #[test]
    fn ids_of_other_mailboxes_decode_with_their_tag() {
        let a = tokens("alice@contoso.com");
        let b = tokens("Bob@Contoso.com");
        let d = a.decode_id(&b.id(ObjectKind::Item, 1)).unwrap();
        assert_eq!(d.mailbox_tag, b.mailbox_tag());
        assert_ne!(a.mailbox_tag(), b.mailbox_tag());
        assert_eq!(tokens("bob@contoso.com").mailbox_tag(), b.mailbox_tag());
    }

    #[test]
    fn tampered_or_foreign_ids_are_rejected() {
        let t = tokens("alice@contoso.com");
        let id = t.id(ObjectKind::Item, 5);
        let mut bytes = base64_decode(&id).unwrap();
        bytes[19] ^= 1;
        assert!(t.decode_id(&base64_encode(&bytes)).is_none());
        let other_org = Tokens::new(MacKey::from_seed(43), "alice@contoso.com");
        assert!(t.decode_id(&other_org.id(ObjectKind::Item, 5)).is_none());
        for junk in ["", "AAMk", "not base64!", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="] {
            assert!(t.decode_id(junk).is_none(), "{junk}");
        }
    }

    #[test]
    fn calendar_uids_are_unique_and_stable() {
        let a = tokens("alice@contoso.com");
        assert_eq!(a.calendar_uid(1), tokens("alice@contoso.com").calendar_uid(1));
        assert_ne!(a.calendar_uid(1), a.calendar_uid(2));
        assert_ne!(a.calendar_uid(1), tokens("bob@contoso.com").calendar_uid(1));
        assert!(a.calendar_uid(1).starts_with("040000008200E00074C5B7101A82E008"));
    }

    #[test]
    fn change_keys_round_trip_per_mailbox() {
        let a = tokens("alice@contoso.com");
        let ck = a.change_key(99);
        assert!(ck.starts_with("CQAAAB"), "{ck}");
        assert_eq!(a.decode_change_key(&ck), Some(99));
        assert_ne!(a.change_key(100), ck);
        assert_eq!(tokens("bob@contoso.com").decode_change_key(&ck), None);
        assert_eq!(a.decode_change_key("CQAAABYAAAA="), None);
    }
}
