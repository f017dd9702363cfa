//! `SyncFolderItems` from the server side: the opaque per-client sync state and the planner that
//! turns a folder's change log into the next page of changes.
//!
//! # What a sync state means
//! A state is a position in one folder's [`ChangeLog`]: a watermark `W` and a small set of items the
//! client already holds at a later point (`ahead`, item → change number). The client is taken to
//! know every item of the folder as it was at `W`, except the `ahead` items, which it knows as they
//! were at their own change number. The empty state is watermark 0: the client knows nothing.
//!
//! # Planning a page
//! For each item with log entries after the point the client knows it at, the net change is
//! Create (absent then, present now), Update (present both), Delete (present then, absent now) or
//! nothing (created and gone again, so the client never needs to hear of it). Candidates go out in
//! the order of their first unseen entry. When `MaxChangesReturned` stops the page at candidate
//! `c`, the new watermark is just below `c`'s first unseen entry: every item not sent has no entry
//! between its old point and the new watermark, so the client still knows it correctly "at" the new
//! watermark. Items that were sent, and whose last entry is above the watermark, go into `ahead`.
//! States are never invalidated (the log is kept), so a client that crashed before saving its
//! newest state replays from an older one and converges.
//!
//! # Encoding
//! `01`, folder number, watermark, `ahead` count, then per `ahead` item (by item number) the item
//! number's delta and the change number's distance above the watermark, all LEB128 varints; then
//! SipHash-2-4 of all that under the mailbox's sync-state key (8 bytes); base64. A state that was
//! altered, comes from another mailbox or server, or names another folder fails to decode.

use std::collections::{BTreeMap, BTreeSet};

use super::change_log::{ChangeLog, LogOp};
use super::codec::{ByteReader, MacKey, base64_decode, base64_encode, put_varint};

const VERSION: u8 = 1;

/// A client's position in a folder's change log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SyncState {
    /// The folder's number.
    pub(crate) folder: u64,
    /// The client knows every item as it was at this change number…
    pub(crate) watermark: u64,
    /// …except these, which it knows as they were at a later change number.
    pub(crate) ahead: BTreeMap<u64, u64>,
}

impl SyncState {
    /// The state of a client that has nothing yet.
    pub(crate) fn initial(folder: u64) -> Self {
        SyncState { folder, watermark: 0, ahead: BTreeMap::new() }
    }

    /// The opaque text sent to the client.
    pub(crate) fn encode(&self, key: &MacKey) -> String {
        let mut b = vec![VERSION];
        put_varint(&mut b, self.folder);
        put_varint(&mut b, self.watermark);
        put_varint(&mut b, self.ahead.len() as u64);
        let mut prev = 0;
        for (&item, &seq) in &self.ahead {
            put_varint(&mut b, item - prev);
            put_varint(&mut b, seq - self.watermark);
            prev = item;
        }
        let mac = key.mac(&b);
        b.extend_from_slice(&mac.to_be_bytes());
        base64_encode(&b)
    }

    /// Reads a state this mailbox issued; `None` if it was not (or was altered).
    pub(crate) fn decode(text: &str, key: &MacKey) -> Option<Self> {
        let bytes = base64_decode(text.trim())?;
        let body_len = bytes.len().checked_sub(8)?;
        let (body, mac) = bytes.split_at(body_len);
        if u64::from_be_bytes(mac.try_into().ok()?) != key.mac(body) {
            return None;
        }
        let mut r = ByteReader::new(body);
        if r.u8()? != VERSION {
            return None;
        }
        let folder = r.varint()?;
        let watermark = r.varint()?;
        let count = r.varint()?;
        let mut ahead = BTreeMap::new();
        let mut item = 0u64;
        for i in 0..count {
            let delta = r.varint()?;
            if i > 0 && delta == 0 {
                return None;
            }
            item = item.checked_add(delta)?;
            let above = r.varint()?;
            if above == 0 {
                return None;
            }
            ahead.insert(item, watermark.checked_add(above)?);
        }
        r.is_empty().then_some(SyncState { folder, watermark, ahead })
    }
}

/// A net change for one item since the point the client knows it at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NetChange {
    /// The client does not have the item; it exists now.
    Create,
    /// The client has the item; it changed.
    Update,
    /// The client has the item; it is gone from the folder.
    Delete,
}

/// One page of changes and the state after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    /// Item number and change, in the order to send them.
    pub(crate) changes: Vec<(u64, NetChange)>,
    /// The state after applying this page.
    pub(crate) state: SyncState,
    /// Whether no change remains after this page.
    pub(crate) includes_last: bool,
}

struct Pending {
    first_seq: u64,
    last_seq: u64,
    present_before: bool,
    present_now: bool,
}

/// Plans the next page for a client at `state` in the folder whose log is `log`. `head` is the
/// mailbox's latest change number; `ignored` items are brought up to date without being reported;
/// `max_changes` is at least 1.
pub(crate) fn next_page(
    log: &ChangeLog,
    head: u64,
    state: &SyncState,
    max_changes: usize,
    ignored: &BTreeSet<u64>,
) -> Page {
    debug_assert!(max_changes >= 1);
    let known_at = |item: u64| state.ahead.get(&item).copied().unwrap_or(state.watermark);
    let mut pending: BTreeMap<u64, Pending> = BTreeMap::new();
    for e in log.since(state.watermark) {
        if e.seq <= known_at(e.item) {
            continue;
        }
        let p = pending.entry(e.item).or_insert(Pending {
            first_seq: e.seq,
            last_seq: e.seq,
            // An item's entries in a folder run Added, Modified…, Removed: if the first unseen one
            // is not Added, the client's view had the item.
            present_before: e.op != LogOp::Added,
            present_now: true,
        });
        p.last_seq = e.seq;
        p.present_now = e.op != LogOp::Removed;
    }
    let mut order: Vec<(u64, u64)> = pending.iter().map(|(&item, p)| (p.first_seq, item)).collect();
    order.sort_unstable();

    let mut changes = Vec::new();
    let mut delivered = Vec::new();
    let mut stop_at = None;
    for (first_seq, item) in order {
        let p = &pending[&item];
        let change = match (p.present_before, p.present_now) {
            (false, true) => Some(NetChange::Create),
            (true, true) => Some(NetChange::Update),
            (true, false) => Some(NetChange::Delete),
            (false, false) => None,
        };
        match change {
            Some(c) if !ignored.contains(&item) => {
                if changes.len() == max_changes {
                    stop_at = Some(first_seq);
                    break;
                }
                changes.push((item, c));
            }
            _ => {}
        }
        delivered.push((item, p.last_seq));
    }

    let watermark = match stop_at {
        Some(seq) => seq - 1,
        None => head.max(state.watermark),
    };
    let mut ahead: BTreeMap<u64, u64> =
        state.ahead.iter().filter(|&(_, &s)| s > watermark).map(|(&i, &s)| (i, s)).collect();
    for (item, last_seq) in delivered {
        if last_seq > watermark {
            ahead.insert(item, last_seq);
        } else {
            ahead.remove(&item);
        }
    }
    Page { changes, state: SyncState { folder: state.folder, watermark, ahead }, includes_last: stop_at.is_none() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> MacKey {
        MacKey::from_seed(1)
    }

    fn log_of(entries: &[(u64, u64, LogOp)]) -> ChangeLog {
        let mut log = ChangeLog::default();
        for &(seq, item, op) in entries {
            log.push(seq, item, op);
        }
        log
    }

    #[test]
    fn states_round_trip() {
        let mut s = SyncState::initial(7);
        assert_eq!(SyncState::decode(&s.encode(&key()), &key()), Some(s.clone()));
        s.watermark = 300;
        s.ahead.insert(4, 301);
        s.ahead.insert(900, 1000);
        assert_eq!(SyncState::decode(&s.encode(&key()), &key()), Some(s));
    }

    #[test]
    fn altered_or_foreign_states_fail() {
        let s = SyncState { folder: 3, watermark: 10, ahead: BTreeMap::from([(2, 12)]) };
        let text = s.encode(&key());
        assert!(SyncState::decode(&text, &MacKey::from_seed(2)).is_none());
        let mut bytes = base64_decode(&text).unwrap();
        for i in 0..bytes.len() {
            bytes[i] ^= 0x10;
            assert!(SyncState::decode(&base64_encode(&bytes), &key()).is_none(), "byte {i}");
            bytes[i] ^= 0x10;
        }
        for junk in ["", "x", "AAAA", "H4sIAAAAAAAEAO29B2AcSZYlJi9tynt/SvVK1+B0"] {
            assert!(SyncState::decode(junk, &key()).is_none());
        }
    }

    #[test]
    fn collapses_per_item() {
        use LogOp::*;
        // 1: created then changed; 2: created then deleted; 3: existing, changed; 4: existing, deleted.
        let log = log_of(&[
            (1, 3, Added),
            (2, 4, Added),
            (3, 1, Added),
            (4, 1, Modified),
            (5, 2, Added),
            (6, 3, Modified),
            (7, 2, Removed),
            (8, 4, Removed),
        ]);
        let start = SyncState { folder: 0, watermark: 2, ahead: BTreeMap::new() };
        let page = next_page(&log, 8, &start, 512, &BTreeSet::new());
        assert_eq!(page.changes, vec![(1, NetChange::Create), (3, NetChange::Update), (4, NetChange::Delete)]);
        assert!(page.includes_last);
        assert_eq!(page.state, SyncState { folder: 0, watermark: 8, ahead: BTreeMap::new() });
    }

    #[test]
    fn paging_keeps_items_sent_early_ahead() {
        use LogOp::*;
        // Item 1 is created first and changed last: it goes out on the first page, and the second
        // page must not repeat it.
        let log = log_of(&[(1, 1, Added), (2, 2, Added), (3, 3, Added), (4, 1, Modified)]);
        let p1 = next_page(&log, 4, &SyncState::initial(0), 1, &BTreeSet::new());
        assert_eq!(p1.changes, vec![(1, NetChange::Create)]);
        assert!(!p1.includes_last);
        assert_eq!(p1.state.watermark, 1);
        assert_eq!(p1.state.ahead, BTreeMap::from([(1, 4)]));
        let p2 = next_page(&log, 4, &p1.state, 5, &BTreeSet::new());
        assert_eq!(p2.changes, vec![(2, NetChange::Create), (3, NetChange::Create)]);
        assert!(p2.includes_last);
        assert!(p2.state.ahead.is_empty());
        assert_eq!(p2.state.watermark, 4);
    }

    #[test]
    fn ignored_items_advance_silently() {
        use LogOp::*;
        let log = log_of(&[(1, 1, Added), (2, 2, Added)]);
        let page = next_page(&log, 2, &SyncState::initial(0), 1, &BTreeSet::from([1]));
        assert_eq!(page.changes, vec![(2, NetChange::Create)]);
        assert!(page.includes_last);
    }

    #[test]
    fn nothing_new_keeps_the_position() {
        let log = ChangeLog::default();
        let page = next_page(&log, 0, &SyncState::initial(5), 10, &BTreeSet::new());
        assert!(page.changes.is_empty());
        assert!(page.includes_last);
        assert_eq!(page.state, SyncState::initial(5));
    }
}
