//! An in-memory mailbox (feature `memory-backend`): a deterministic [`MailboxBackend`] for tests
//! of the engine and of applications built on it. It keeps items per user and folder with change
//! keys and a change log (so cursors work as Exchange's sync states do), lets a test play the
//! user editing in Outlook ([`MemoryMailbox::insert`], [`MemoryMailbox::modify`], …), and injects
//! faults ([`MemoryMailbox::inject`], or for one mailbox [`MemoryMailbox::inject_for`]): passing
//! failures, lost answers before or after the change was applied, refused content, Exchange
//! error codes, and forgotten cursors. For tests of many users at once it can make every call
//! take a while ([`MemoryMailbox::set_latency`]) and reports the most calls in flight at once,
//! overall, per mailbox and per folder ([`MemoryMailbox::peak_in_flight`], …).
//!
//! ```
//! use exsync::backend::memory::{Fault, MemoryMailbox, Operation};
//! use exsync::backend::{FolderScope, MailboxBackend, NewItem};
//! use exsync::sync::{AppId, Contact, ObjectKind, Record, UserId};
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let mailbox = MemoryMailbox::new();
//! let (user, scope) = (UserId::new("alice@contoso.com"), FolderScope::default_folder(ObjectKind::Contacts));
//! let item = NewItem { tag: AppId::new("crm-1"), record: Record::from(Contact::default()) };
//!
//! // The answer is lost after the item was created: the caller sees Ambiguous ...
//! mailbox.inject(Operation::Create, Fault::AppliedThenLost);
//! assert!(mailbox.create(&user, &scope, &[item.clone()]).await.is_err());
//! // ... and finds the item by its tag.
//! assert_eq!(mailbox.find_by_tag(&user, &scope, &AppId::new("crm-1")).await.unwrap().len(), 1);
//! # });
//! ```

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{
    BackendError, ChangePage, Cursor, FolderScope, ItemChange, ItemResult, MailboxBackend, NewItem, RemoteChange,
    RemoteId, RemoteItem,
};
use crate::sync::{AppId, ContactsFolder, ObjectKind, Record, UserId};

/// The backend calls a fault can be aimed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `list_changes`.
    ListChanges,
    /// `read`.
    Read,
    /// `create`.
    Create,
    /// `update`.
    Update,
    /// `delete`.
    Delete,
    /// `find_by_tag`.
    FindByTag,
}

impl Operation {
    fn name(&self) -> &'static str {
        match self {
            Operation::ListChanges => "list_changes",
            Operation::Read => "read",
            Operation::Create => "create",
            Operation::Update => "update",
            Operation::Delete => "delete",
            Operation::FindByTag => "find_by_tag",
        }
    }
}

/// What goes wrong with the next call of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Nothing is applied; the call fails with [`BackendError::Transient`].
    Transient,
    /// Nothing is applied, but the call fails with [`BackendError::Ambiguous`] (the request was
    /// lost on its way).
    LostBeforeApplied,
    /// The whole call is applied, then fails with [`BackendError::Ambiguous`] (the answer was
    /// lost).
    AppliedThenLost,
    /// Every item of the call is refused ([`BackendError::Rejected`]).
    Rejected,
    /// Nothing is applied; the call fails as Exchange's `ErrorServerBusy` would after the
    /// transport gave up retrying: [`BackendError::Transient`] with that code.
    ServerBusy,
    /// Nothing is applied; the call fails as Exchange's `ErrorImpersonateUserDenied`:
    /// [`BackendError::Denied`] with that code.
    ImpersonationDenied,
}

#[derive(Debug, Clone)]
struct Stored {
    record: Record,
    tag: Option<AppId>,
    version: u64,
    last_modified: DateTime<Utc>,
    /// The log position of the item's creation.
    created: u64,
    /// The log position of its latest change.
    changed: u64,
}

#[derive(Debug, Default)]
struct Folder {
    items: BTreeMap<String, Stored>,
    /// Deleted items: id → (log position of creation, of deletion).
    deleted: BTreeMap<String, (u64, u64)>,
}

#[derive(Debug)]
struct Inner {
    folders: BTreeMap<(UserId, FolderKey), Folder>,
    /// Faults in order, each for one user or (`None`) for anyone.
    faults: VecDeque<(Option<UserId>, Operation, Fault)>,
    /// How long each call takes.
    latency: std::time::Duration,
    load: Load,
    /// The change log position, shared by all folders.
    position: u64,
    /// Cursors of an older epoch are refused as invalid.
    epoch: u64,
    next_id: u64,
    clock: DateTime<Utc>,
    calls: Vec<Operation>,
}

/// Folders by kind, and contacts folders by their setting.
type FolderKey = (ObjectKind, ContactsFolder);

fn key(scope: &FolderScope) -> FolderKey {
    match scope.kind {
        ObjectKind::Contacts => (ObjectKind::Contacts, scope.contacts_folder.clone()),
        ObjectKind::Events => (ObjectKind::Events, ContactsFolder::Default),
    }
}

/// The in-memory mailbox. All methods are deterministic: ids, change keys and modification times
/// come from counters and a clock that advances one second per write.
#[derive(Debug)]
pub struct MemoryMailbox {
    inner: Mutex<Inner>,
}

impl Default for MemoryMailbox {
    fn default() -> Self {
        MemoryMailbox::new()
    }
}

impl MemoryMailbox {
    /// An empty mailbox whose clock starts at 2026-01-01T00:00:00Z.
    pub fn new() -> Self {
        MemoryMailbox {
            inner: Mutex::new(Inner {
                folders: BTreeMap::new(),
                faults: VecDeque::new(),
                latency: std::time::Duration::ZERO,
                load: Load::default(),
                position: 0,
                epoch: 1,
                next_id: 1,
                clock: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap_or_default(),
                calls: Vec::new(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent data (every change is one assignment).
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes the next call of `op` fail with `fault` (faults queue up in order).
    pub fn inject(&self, op: Operation, fault: Fault) {
        self.lock().faults.push_back((None, op, fault));
    }

    /// Makes the next call of `op` for `user`'s mailbox fail with `fault`.
    pub fn inject_for(&self, user: &UserId, op: Operation, fault: Fault) {
        self.lock().faults.push_back((Some(user.clone()), op, fault));
    }

    /// Makes every call take `latency` (a tokio timer, so the runtime needs its time driver),
    /// letting concurrent syncs overlap as they do against a real server.
    pub fn set_latency(&self, latency: std::time::Duration) {
        self.lock().latency = latency;
    }

    /// The most calls that were in flight at once, all mailboxes together.
    pub fn peak_in_flight(&self) -> usize {
        self.lock().load.peak
    }

    /// The most calls that were in flight at once for any one mailbox.
    pub fn peak_in_flight_per_mailbox(&self) -> usize {
        self.lock().load.peak_mailbox
    }

    /// The most calls that were in flight at once for any one folder (a mailbox's contacts or
    /// its calendar).
    pub fn peak_in_flight_per_folder(&self) -> usize {
        self.lock().load.peak_folder
    }

    /// Starts counting a call as in flight, and waits out the latency.
    async fn begin(&self, user: &UserId, scope: &FolderScope) -> InFlight<'_> {
        let (call, latency) = {
            let mut inner = self.lock();
            let folder = (user.as_str().to_lowercase(), key(scope));
            inner.load.enter(&folder);
            (InFlight { mailbox: self, folder }, inner.latency)
        };
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        call
    }

    /// Drops the faults not consumed yet.
    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// Forgets every cursor handed out so far: the next `list_changes` with one fails with
    /// [`BackendError::InvalidCursor`].
    pub fn invalidate_cursors(&self) {
        self.lock().epoch += 1;
    }

    /// Moves the clock forward.
    pub fn advance_clock(&self, by: Duration) {
        self.lock().clock += by;
    }

    /// The current time of the mailbox's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.lock().clock
    }

    /// The operations called so far, in order.
    pub fn calls(&self) -> Vec<Operation> {
        self.lock().calls.clone()
    }

    /// As the user in Outlook: adds an item (untagged unless `tag` is given).
    pub fn insert(&self, user: &UserId, scope: &FolderScope, record: Record, tag: Option<AppId>) -> RemoteId {
        self.lock().create(user, scope, record, tag)
    }

    /// As the user in Outlook: changes an item's content; `None` when it does not exist.
    pub fn modify(&self, user: &UserId, scope: &FolderScope, id: &str, record: Record) -> Option<RemoteId> {
        self.lock().modify(user, scope, id, record, None)
    }

    /// As the user in Outlook: deletes an item; whether it existed.
    pub fn remove(&self, user: &UserId, scope: &FolderScope, id: &str) -> bool {
        self.lock().remove(user, scope, id)
    }

    /// As the user in Outlook: copies an item (the copy keeps the exsync tag, as Outlook's copy
    /// keeps extended properties).
    pub fn copy(&self, user: &UserId, scope: &FolderScope, id: &str) -> Option<RemoteId> {
        let mut inner = self.lock();
        let s = inner.folders.get(&(user.clone(), key(scope)))?.items.get(id)?.clone();
        Some(inner.create(user, scope, s.record, s.tag))
    }

    /// Every item of a folder, by id.
    pub fn items(&self, user: &UserId, scope: &FolderScope) -> Vec<RemoteItem> {
        let inner = self.lock();
        inner
            .folders
            .get(&(user.clone(), key(scope)))
            .map(|f| f.items.iter().map(|(id, s)| remote_item(id, s)).collect())
            .unwrap_or_default()
    }

    /// Takes the fault queued for `op` on `user`'s mailbox, if any, and counts the call.
    fn fault(&self, user: &UserId, op: Operation) -> Option<Fault> {
        let mut inner = self.lock();
        inner.calls.push(op);
        let i = inner.faults.iter().position(|(u, o, _)| *o == op && u.as_ref().is_none_or(|u| u == user))?;
        inner.faults.remove(i).map(|(_, _, f)| f)
    }
}

/// A folder by lower-cased mailbox address.
type LoadKey = (String, FolderKey);

/// Calls in flight, and the most there were.
#[derive(Debug, Default)]
struct Load {
    now: usize,
    peak: usize,
    per_mailbox: BTreeMap<String, usize>,
    peak_mailbox: usize,
    per_folder: BTreeMap<LoadKey, usize>,
    peak_folder: usize,
}

impl Load {
    fn enter(&mut self, folder: &LoadKey) {
        self.now += 1;
        self.peak = self.peak.max(self.now);
        let m = self.per_mailbox.entry(folder.0.clone()).or_default();
        *m += 1;
        self.peak_mailbox = self.peak_mailbox.max(*m);
        let f = self.per_folder.entry(folder.clone()).or_default();
        *f += 1;
        self.peak_folder = self.peak_folder.max(*f);
    }

    fn leave(&mut self, folder: &LoadKey) {
        self.now = self.now.saturating_sub(1);
        if let Some(m) = self.per_mailbox.get_mut(&folder.0) {
            *m -= 1;
            if *m == 0 {
                self.per_mailbox.remove(&folder.0);
            }
        }
        if let Some(f) = self.per_folder.get_mut(folder) {
            *f -= 1;
            if *f == 0 {
                self.per_folder.remove(folder);
            }
        }
    }
}

/// A call in flight; it leaves when dropped (also when the caller gives up waiting).
struct InFlight<'a> {
    mailbox: &'a MemoryMailbox,
    folder: LoadKey,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.mailbox.lock().load.leave(&self.folder);
    }
}

fn remote_item(id: &str, s: &Stored) -> RemoteItem {
    RemoteItem {
        id: RemoteId::new(id, format!("ck{}", s.version)),
        record: s.record.clone(),
        tag: s.tag.clone(),
        last_modified: Some(s.last_modified),
    }
}

fn fail(user: &UserId, op: Operation, fault: Fault) -> BackendError {
    let operation = op.name();
    match fault {
        Fault::Transient => {
            BackendError::Transient { user: user.clone(), operation, detail: "injected".into(), code: None }
        }
        Fault::ServerBusy => BackendError::Transient {
            user: user.clone(),
            operation,
            detail: "the server is busy (injected)".into(),
            code: Some("ErrorServerBusy".into()),
        },
        Fault::ImpersonationDenied => BackendError::Denied {
            user: user.clone(),
            detail: "the account does not have permission to impersonate the requested user (injected)".into(),
            code: Some("ErrorImpersonateUserDenied".into()),
        },
        Fault::LostBeforeApplied | Fault::AppliedThenLost => {
            BackendError::Ambiguous { user: user.clone(), operation, detail: "injected".into() }
        }
        Fault::Rejected => {
            BackendError::Rejected { user: user.clone(), operation, reason: "injected".into(), code: None }
        }
    }
}

impl Inner {
    fn tick(&mut self) -> (u64, DateTime<Utc>) {
        self.position += 1;
        self.clock += Duration::seconds(1);
        (self.position, self.clock)
    }

    fn folder(&mut self, user: &UserId, scope: &FolderScope) -> &mut Folder {
        self.folders.entry((user.clone(), key(scope))).or_default()
    }

    fn create(&mut self, user: &UserId, scope: &FolderScope, record: Record, tag: Option<AppId>) -> RemoteId {
        let (pos, now) = self.tick();
        let id = format!("item-{}", self.next_id);
        self.next_id += 1;
        let stored =
            Stored { record: record.normalized(), tag, version: 1, last_modified: now, created: pos, changed: pos };
        self.folder(user, scope).items.insert(id.clone(), stored);
        RemoteId::new(id, "ck1")
    }

    fn modify(
        &mut self,
        user: &UserId,
        scope: &FolderScope,
        id: &str,
        record: Record,
        tag: Option<AppId>,
    ) -> Option<RemoteId> {
        let (pos, now) = self.tick();
        let s = self.folder(user, scope).items.get_mut(id)?;
        s.record = record.normalized();
        if tag.is_some() {
            s.tag = tag;
        }
        s.version += 1;
        s.last_modified = now;
        s.changed = pos;
        Some(RemoteId::new(id, format!("ck{}", s.version)))
    }

    fn remove(&mut self, user: &UserId, scope: &FolderScope, id: &str) -> bool {
        let (pos, _) = self.tick();
        let f = self.folder(user, scope);
        match f.items.remove(id) {
            Some(s) => {
                f.deleted.insert(id.to_owned(), (s.created, pos));
                true
            }
            None => false,
        }
    }

    fn list(
        &mut self,
        user: &UserId,
        scope: &FolderScope,
        cursor: Option<&Cursor>,
        max: usize,
    ) -> Result<ChangePage, BackendError> {
        let since = match cursor {
            None => None,
            Some(c) => {
                let parsed =
                    c.0.split_once(':').and_then(|(e, p)| Some((e.parse::<u64>().ok()?, p.parse::<u64>().ok()?)));
                match parsed {
                    Some((epoch, pos)) if epoch == self.epoch => Some(pos),
                    _ => return Err(BackendError::InvalidCursor { user: user.clone(), kind: scope.kind }),
                }
            }
        };
        let epoch = self.epoch;
        let now_pos = self.position;
        let f = self.folder(user, scope);
        // (log position of the latest change, change)
        let mut changes: Vec<(u64, RemoteChange)> = Vec::new();
        for (id, s) in &f.items {
            if since.is_none_or(|p| s.changed > p) {
                changes.push((s.changed, RemoteChange::Upserted(remote_item(id, s))));
            }
        }
        if let Some(p) = since {
            for (id, (created, deleted)) in &f.deleted {
                // Items made and removed since the cursor were never seen: not reported.
                if *deleted > p && *created <= p {
                    changes.push((*deleted, RemoteChange::Deleted { id: id.clone() }));
                }
            }
        }
        changes.sort_by_key(|(pos, _)| *pos);
        let max = max.max(1);
        let more = changes.len() > max;
        changes.truncate(max);
        let reached = if more { changes.last().map_or(now_pos, |(p, _)| *p) } else { now_pos };
        Ok(ChangePage {
            changes: changes.into_iter().map(|(_, c)| c).collect(),
            cursor: Cursor(format!("{epoch}:{reached}")),
            more,
        })
    }
}

impl MailboxBackend for MemoryMailbox {
    async fn list_changes(
        &self,
        user: &UserId,
        scope: &FolderScope,
        cursor: Option<&Cursor>,
        max: usize,
    ) -> Result<ChangePage, BackendError> {
        let op = Operation::ListChanges;
        let _call = self.begin(user, scope).await;
        if let Some(f) = self.fault(user, op) {
            return Err(fail(user, op, f));
        }
        self.lock().list(user, scope, cursor, max)
    }

    async fn read(
        &self,
        user: &UserId,
        scope: &FolderScope,
        ids: &[String],
    ) -> Result<Vec<ItemResult<RemoteItem>>, BackendError> {
        let op = Operation::Read;
        let _call = self.begin(user, scope).await;
        if let Some(f) = self.fault(user, op) {
            return Err(fail(user, op, f));
        }
        let mut inner = self.lock();
        let f = inner.folder(user, scope);
        Ok(ids
            .iter()
            .map(|id| {
                f.items
                    .get(id)
                    .map(|s| remote_item(id, s))
                    .ok_or_else(|| BackendError::NotFound { user: user.clone(), item: id.clone() })
            })
            .collect())
    }

    async fn create(
        &self,
        user: &UserId,
        scope: &FolderScope,
        items: &[NewItem],
    ) -> Result<Vec<ItemResult<RemoteId>>, BackendError> {
        let op = Operation::Create;
        let _call = self.begin(user, scope).await;
        let fault = self.fault(user, op);
        match fault {
            Some(
                f @ (Fault::Transient | Fault::LostBeforeApplied | Fault::ServerBusy | Fault::ImpersonationDenied),
            ) => {
                return Err(fail(user, op, f));
            }
            Some(Fault::Rejected) => return Ok(items.iter().map(|_| Err(fail(user, op, Fault::Rejected))).collect()),
            Some(Fault::AppliedThenLost) | None => {}
        }
        let mut inner = self.lock();
        let out: Vec<ItemResult<RemoteId>> = items
            .iter()
            .map(|n| match n.record.validate() {
                Ok(()) => Ok(inner.create(user, scope, n.record.clone(), Some(n.tag.clone()))),
                Err(e) => Err(BackendError::Rejected {
                    user: user.clone(),
                    operation: op.name(),
                    reason: e.to_string(),
                    code: None,
                }),
            })
            .collect();
        match fault {
            Some(f) => Err(fail(user, op, f)),
            None => Ok(out),
        }
    }

    async fn update(
        &self,
        user: &UserId,
        scope: &FolderScope,
        changes: &[ItemChange],
    ) -> Result<Vec<ItemResult<RemoteId>>, BackendError> {
        let op = Operation::Update;
        let _call = self.begin(user, scope).await;
        let fault = self.fault(user, op);
        match fault {
            Some(
                f @ (Fault::Transient | Fault::LostBeforeApplied | Fault::ServerBusy | Fault::ImpersonationDenied),
            ) => {
                return Err(fail(user, op, f));
            }
            Some(Fault::Rejected) => return Ok(changes.iter().map(|_| Err(fail(user, op, Fault::Rejected))).collect()),
            Some(Fault::AppliedThenLost) | None => {}
        }
        let mut inner = self.lock();
        let out: Vec<ItemResult<RemoteId>> = changes
            .iter()
            .map(|c| {
                let current = inner.folder(user, scope).items.get(&c.id.id).map(|s| s.version);
                let Some(version) = current else {
                    return Err(BackendError::NotFound { user: user.clone(), item: c.id.id.clone() });
                };
                if c.id.change_key.as_ref().is_some_and(|ck| *ck != format!("ck{version}")) {
                    return Err(BackendError::StaleChangeKey { user: user.clone(), item: c.id.id.clone() });
                }
                if let Err(e) = c.record.validate() {
                    return Err(BackendError::Rejected {
                        user: user.clone(),
                        operation: op.name(),
                        reason: e.to_string(),
                        code: None,
                    });
                }
                inner
                    .modify(user, scope, &c.id.id, c.record.clone(), Some(c.tag.clone()))
                    .ok_or_else(|| BackendError::NotFound { user: user.clone(), item: c.id.id.clone() })
            })
            .collect();
        match fault {
            Some(f) => Err(fail(user, op, f)),
            None => Ok(out),
        }
    }

    async fn delete(
        &self,
        user: &UserId,
        scope: &FolderScope,
        ids: &[RemoteId],
    ) -> Result<Vec<ItemResult<()>>, BackendError> {
        let op = Operation::Delete;
        let _call = self.begin(user, scope).await;
        let fault = self.fault(user, op);
        match fault {
            Some(
                f @ (Fault::Transient | Fault::LostBeforeApplied | Fault::ServerBusy | Fault::ImpersonationDenied),
            ) => {
                return Err(fail(user, op, f));
            }
            Some(Fault::Rejected) => return Ok(ids.iter().map(|_| Err(fail(user, op, Fault::Rejected))).collect()),
            Some(Fault::AppliedThenLost) | None => {}
        }
        let mut inner = self.lock();
        let out: Vec<ItemResult<()>> = ids
            .iter()
            .map(|id| {
                if inner.remove(user, scope, &id.id) {
                    Ok(())
                } else {
                    Err(BackendError::NotFound { user: user.clone(), item: id.id.clone() })
                }
            })
            .collect();
        match fault {
            Some(f) => Err(fail(user, op, f)),
            None => Ok(out),
        }
    }

    async fn find_by_tag(
        &self,
        user: &UserId,
        scope: &FolderScope,
        tag: &AppId,
    ) -> Result<Vec<RemoteItem>, BackendError> {
        let op = Operation::FindByTag;
        let _call = self.begin(user, scope).await;
        if let Some(f) = self.fault(user, op) {
            return Err(fail(user, op, f));
        }
        let mut inner = self.lock();
        let f = inner.folder(user, scope);
        Ok(f.items.iter().filter(|(_, s)| s.tag.as_ref() == Some(tag)).map(|(id, s)| remote_item(id, s)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::Contact;

    fn run<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    }

    fn named(n: &str) -> Record {
        Record::from(Contact { given_name: Some(n.into()), ..Contact::default() })
    }

    #[test]
    fn cursors_report_each_change_once_in_pages() {
        run(async {
            let m = MemoryMailbox::new();
            let (u, s) = (UserId::new("u@x"), FolderScope::default_folder(ObjectKind::Contacts));
            let a = m.insert(&u, &s, named("a"), None);
            let b = m.insert(&u, &s, named("b"), None);
            let full = m.list_changes(&u, &s, None, 10).await.unwrap();
            assert_eq!(full.changes.len(), 2);
            assert!(!full.more);
            m.modify(&u, &s, &a.id, named("a2"));
            m.remove(&u, &s, &b.id);
            let c = m.insert(&u, &s, named("c"), None);
            m.remove(&u, &s, &c.id); // born and gone since the cursor: not reported
            let p1 = m.list_changes(&u, &s, Some(&full.cursor), 1).await.unwrap();
            assert!(p1.more);
            assert!(
                matches!(&p1.changes[..], [RemoteChange::Upserted(i)] if i.id.id == a.id && i.record == named("a2"))
            );
            let p2 = m.list_changes(&u, &s, Some(&p1.cursor), 1).await.unwrap();
            assert_eq!(p2.changes, vec![RemoteChange::Deleted { id: b.id.clone() }]);
            let p3 = m.list_changes(&u, &s, Some(&p2.cursor), 1).await.unwrap();
            assert!(p3.changes.is_empty() && !p3.more);
            m.invalidate_cursors();
            assert!(matches!(
                m.list_changes(&u, &s, Some(&p3.cursor), 1).await,
                Err(BackendError::InvalidCursor { .. })
            ));
        });
    }

    #[test]
    fn stale_change_keys_and_faults() {
        run(async {
            let m = MemoryMailbox::new();
            let (u, s) = (UserId::new("u@x"), FolderScope::default_folder(ObjectKind::Contacts));
            let a = m.insert(&u, &s, named("a"), None);
            m.modify(&u, &s, &a.id, named("b"));
            let change = ItemChange { id: a.clone(), base: None, record: named("c"), tag: AppId::new("t") };
            let r = m.update(&u, &s, std::slice::from_ref(&change)).await.unwrap();
            assert!(matches!(r[0], Err(BackendError::StaleChangeKey { .. })));
            m.inject(Operation::Update, Fault::LostBeforeApplied);
            let fresh = ItemChange { id: RemoteId::new(&a.id, "ck2"), ..change };
            assert!(matches!(
                m.update(&u, &s, std::slice::from_ref(&fresh)).await,
                Err(BackendError::Ambiguous { .. })
            ));
            assert_eq!(m.items(&u, &s)[0].record, named("b"));
            m.inject(Operation::Update, Fault::AppliedThenLost);
            assert!(m.update(&u, &s, &[fresh]).await.is_err());
            assert_eq!(m.items(&u, &s)[0].record, named("c"));
            assert_eq!(m.items(&u, &s)[0].tag, Some(AppId::new("t")));
            let gone = m.delete(&u, &s, &[RemoteId::new("nope", "ck1")]).await.unwrap();
            assert!(matches!(gone[0], Err(BackendError::NotFound { .. })));
        });
    }
}
