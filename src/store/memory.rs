//! [`MemoryStore`]: the state in memory (tests, dry runs). Same semantics as the SQLite store,
//! nothing survives the process.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use super::{AckOutcome, AppChange, Commit, Delivery, InboxEntry, Mapping, OutboxEntry, StateStore, StoreError};
use crate::backend::Cursor;
use crate::sync::status::{RunRecord, SyncStatus};
use crate::sync::{AppId, ObjectKind, UserId, UserSettings};

#[derive(Debug, Default)]
struct State {
    setup: Option<serde_json::Value>,
    users: BTreeMap<UserId, UserSettings>,
    cursors: BTreeMap<(UserId, ObjectKind), Cursor>,
    maps: BTreeMap<(UserId, ObjectKind), BTreeMap<AppId, Mapping>>,
    outbox: BTreeMap<u64, (UserId, ObjectKind, AppChange)>,
    inbox: BTreeMap<u64, InboxEntry>,
    statuses: BTreeMap<(UserId, ObjectKind), SyncStatus>,
    /// The last outbox and inbox positions (separate sequences, as in SQLite).
    outbox_seq: u64,
    inbox_seq: u64,
}

/// The state in memory.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl State {
    fn enrolled(&self, user: &UserId) -> Result<(), StoreError> {
        if self.users.contains_key(user) { Ok(()) } else { Err(StoreError::NotEnrolled { user: user.clone() }) }
    }
}

impl StateStore for MemoryStore {
    fn setup_config(&self) -> Result<Option<serde_json::Value>, StoreError> {
        Ok(self.lock().setup.clone())
    }

    fn set_setup_config(&self, config: &serde_json::Value) -> Result<(), StoreError> {
        self.lock().setup = Some(config.clone());
        Ok(())
    }

    fn enrol(&self, user: &UserId, settings: &UserSettings) -> Result<(), StoreError> {
        self.lock().users.insert(user.clone(), settings.clone());
        Ok(())
    }

    fn user_settings(&self, user: &UserId) -> Result<Option<UserSettings>, StoreError> {
        Ok(self.lock().users.get(user).cloned())
    }

    fn users(&self) -> Result<Vec<UserId>, StoreError> {
        Ok(self.lock().users.keys().cloned().collect())
    }

    fn remove_user(&self, user: &UserId) -> Result<bool, StoreError> {
        let mut s = self.lock();
        let was = s.users.remove(user).is_some();
        s.cursors.retain(|(u, _), _| u != user);
        s.maps.retain(|(u, _), _| u != user);
        s.outbox.retain(|_, (u, _, _)| u != user);
        s.inbox.retain(|_, e| e.user != *user);
        s.statuses.retain(|(u, _), _| u != user);
        Ok(was)
    }

    fn push_app_change(&self, user: &UserId, kind: ObjectKind, change: &AppChange) -> Result<u64, StoreError> {
        let mut s = self.lock();
        s.enrolled(user)?;
        s.outbox_seq += 1;
        let seq = s.outbox_seq;
        s.outbox.insert(seq, (user.clone(), kind, change.clone()));
        Ok(seq)
    }

    fn app_changes(&self, user: &UserId, kind: ObjectKind) -> Result<Vec<OutboxEntry>, StoreError> {
        let s = self.lock();
        Ok(s.outbox
            .iter()
            .filter(|(_, (u, k, _))| u == user && *k == kind)
            .map(|(seq, (_, _, c))| OutboxEntry { seq: *seq, change: c.clone() })
            .collect())
    }

    fn inbox(&self, user: &UserId, kind: Option<ObjectKind>, limit: usize) -> Result<Vec<InboxEntry>, StoreError> {
        let s = self.lock();
        Ok(s.inbox
            .values()
            .filter(|e| e.user == *user && kind.is_none_or(|k| e.kind == k))
            .take(limit)
            .cloned()
            .collect())
    }

    fn ack(&self, user: &UserId, seq: u64, app_version: Option<&str>) -> Result<AckOutcome, StoreError> {
        let mut s = self.lock();
        let Some(entry) = s.inbox.get(&seq).filter(|e| e.user == *user).cloned() else {
            return Ok(AckOutcome::Superseded);
        };
        s.inbox.remove(&seq);
        s.outbox.retain(|_, (u, k, c)| !(u == user && *k == entry.kind && c.app_id == entry.app_id));
        if matches!(entry.delivery, Delivery::Upsert(_)) {
            if let Some(m) = s.maps.get_mut(&(user.clone(), entry.kind)).and_then(|m| m.get_mut(&entry.app_id)) {
                m.app_version = app_version.map(str::to_owned);
            }
        }
        Ok(AckOutcome::Acknowledged)
    }

    fn cursor(&self, user: &UserId, kind: ObjectKind) -> Result<Option<Cursor>, StoreError> {
        Ok(self.lock().cursors.get(&(user.clone(), kind)).cloned())
    }

    fn mappings(&self, user: &UserId, kind: ObjectKind) -> Result<Vec<Mapping>, StoreError> {
        Ok(self.lock().maps.get(&(user.clone(), kind)).map(|m| m.values().cloned().collect()).unwrap_or_default())
    }

    fn commit(&self, user: &UserId, kind: ObjectKind, commit: &Commit) -> Result<(), StoreError> {
        let mut s = self.lock();
        s.enrolled(user)?;
        let key = (user.clone(), kind);
        let map = s.maps.entry(key.clone()).or_default();
        if commit.clear_map {
            map.clear();
        }
        for a in &commit.unlinks {
            map.remove(a);
        }
        for m in &commit.links {
            map.retain(|a, other| *a == m.app_id || other.remote.id != m.remote.id);
            map.insert(m.app_id.clone(), m.clone());
        }
        for seq in &commit.consumed {
            if s.outbox.get(seq).is_some_and(|(u, k, _)| u == user && *k == kind) {
                s.outbox.remove(seq);
            }
        }
        for (app_id, delivery) in &commit.deliveries {
            s.inbox.retain(|_, e| !(e.user == *user && e.kind == kind && e.app_id == *app_id));
            s.inbox_seq += 1;
            let seq = s.inbox_seq;
            let entry =
                InboxEntry { seq, user: user.clone(), kind, app_id: app_id.clone(), delivery: delivery.clone() };
            s.inbox.insert(seq, entry);
        }
        if let Some(c) = &commit.cursor {
            s.cursors.insert(key, c.clone());
        }
        Ok(())
    }

    fn reset(&self, user: &UserId, kind: ObjectKind) -> Result<(), StoreError> {
        let mut s = self.lock();
        s.maps.remove(&(user.clone(), kind));
        s.cursors.remove(&(user.clone(), kind));
        Ok(())
    }

    fn record_run(&self, user: &UserId, kind: ObjectKind, run: &RunRecord) -> Result<SyncStatus, StoreError> {
        let mut s = self.lock();
        s.enrolled(user)?;
        let status = s.statuses.entry((user.clone(), kind)).or_insert_with(|| SyncStatus::never(user.clone(), kind));
        status.apply(run);
        Ok(status.clone())
    }

    fn status(&self, user: &UserId, kind: ObjectKind) -> Result<Option<SyncStatus>, StoreError> {
        Ok(self.lock().statuses.get(&(user.clone(), kind)).cloned())
    }

    fn statuses(&self) -> Result<Vec<SyncStatus>, StoreError> {
        Ok(self.lock().statuses.values().cloned().collect())
    }
}
