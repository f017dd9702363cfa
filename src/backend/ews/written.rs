//! What this backend itself wrote: each item it created or updated, at the change key Exchange
//! answered, with the content it wrote. When a listing reports such an item at that same change
//! key, nothing has changed it since, so the listing takes the content from here instead of
//! reading the item again with `GetItem`: the round after a write (which lists exsync's own
//! writes to move the cursor past them) then costs only its `SyncFolderItems` pages.
//!
//! Only listings from a cursor use it (a listing from scratch reads everything). The item's
//! `last_modified` is left unknown: the engine compares the content with what it synced, which
//! is this content, so it sees no change to weigh.
//!
//! A change key names one version of an item, so the content is exactly what was written; an
//! item changed since (in Outlook, by another client) has another change key and is read as
//! usual. Entries are dropped when a listing reports their item (or its deletion), when the item
//! is deleted through the backend, and when there are [`Written::MAX_ENTRIES`] already (a miss
//! only costs the `GetItem`).

use std::collections::HashMap;
use std::sync::Mutex;

use crate::backend::{RemoteId, RemoteItem};
use crate::sync::{AppId, Record, UserId};

/// The content written at one change key.
#[derive(Debug)]
struct Version {
    change_key: String,
    record: Record,
    tag: AppId,
}

/// The items written and not listed since, by user and item id.
#[derive(Debug, Default)]
pub struct Written {
    items: Mutex<HashMap<(UserId, String), Version>>,
}

impl Written {
    /// The most items remembered at once (all users together).
    pub const MAX_ENTRIES: usize = 50_000;

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(UserId, String), Version>> {
        // Plain inserts and removals: a panic elsewhere cannot leave the map half-written.
        self.items.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Remembers that `user`'s item `id` holds `record`, tagged `tag`, at `id`'s change key.
    pub fn remember(&self, user: &UserId, id: &RemoteId, record: &Record, tag: &AppId) {
        let key = (user.clone(), id.id.clone());
        let mut items = self.lock();
        let Some(change_key) = id.change_key.clone() else {
            items.remove(&key);
            return;
        };
        if items.len() >= Self::MAX_ENTRIES && !items.contains_key(&key) {
            return;
        }
        items.insert(key, Version { change_key, record: record.clone(), tag: tag.clone() });
    }

    /// Forgets `user`'s item `id`.
    pub fn forget(&self, user: &UserId, id: &str) {
        self.lock().remove(&(user.clone(), id.to_owned()));
    }

    /// The item `id` of `user` as written, when a listing reports it at the change key it was
    /// written at; the entry is dropped either way.
    pub fn take(&self, user: &UserId, id: &str, change_key: &str) -> Option<RemoteItem> {
        let v = self.lock().remove(&(user.clone(), id.to_owned()))?;
        (v.change_key == change_key).then(|| RemoteItem {
            id: RemoteId::new(id, change_key),
            record: v.record,
            tag: Some(v.tag),
            last_modified: None,
        })
    }

    /// How many items are remembered.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::Contact;

    #[test]
    fn only_the_version_written_is_taken_and_only_once() {
        let w = Written::default();
        let u = UserId::new("a@b.c");
        let r = Record::from(Contact { given_name: Some("Ann".into()), ..Contact::default() });
        w.remember(&u, &RemoteId::new("i1", "ck1"), &r, &AppId::new("crm-1"));
        w.remember(&u, &RemoteId::new("i2", "ck2"), &r, &AppId::new("crm-2"));
        assert_eq!(w.len(), 2);
        assert!(w.take(&UserId::new("x@b.c"), "i1", "ck1").is_none(), "another user's item");
        let item = w.take(&u, "i1", "ck1").expect("written at ck1");
        assert_eq!(
            (item.id, item.record, item.tag),
            (RemoteId::new("i1", "ck1"), r.clone(), Some(AppId::new("crm-1")))
        );
        assert!(w.take(&u, "i1", "ck1").is_none(), "taken once");
        assert!(w.take(&u, "i2", "ck3").is_none(), "changed since it was written");
        assert!(w.take(&u, "i2", "ck2").is_none(), "dropped by the mismatch");
        w.remember(&u, &RemoteId::new("i3", "ck"), &r, &AppId::new("crm-3"));
        w.forget(&u, "i3");
        w.remember(&u, &RemoteId { id: "i4".into(), change_key: None }, &r, &AppId::new("crm-4"));
        assert!(w.is_empty());
    }

    #[test]
    fn bounded() {
        let w = Written::default();
        let u = UserId::new("a@b.c");
        let r = Record::from(Contact::default());
        for i in 0..Written::MAX_ENTRIES + 10 {
            w.remember(&u, &RemoteId::new(format!("i{i}"), "ck"), &r, &AppId::new("t"));
        }
        assert_eq!(w.len(), Written::MAX_ENTRIES);
    }
}
