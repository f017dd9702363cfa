//! Progress events for long syncs (a first sync of many mailboxes): [`SyncProgress`], plain data
//! that serializes to JSON, delivered to a callback the host sets with
//! [`SyncEngine::with_progress`](super::SyncEngine::with_progress) — a progress bar, a log line,
//! a channel to another thread, or later a C callback.
//!
//! For one folder sync the events come in this order: [`SyncProgress::FolderStarted`], one
//! [`SyncProgress::PageFetched`] per page of Exchange changes, [`SyncProgress::ItemsProcessed`]
//! once the plan is known (with its total) and after each batch written to Exchange, then
//! [`SyncProgress::FolderDone`]. A [`Fleet`](super::Fleet) run wraps them in
//! [`SyncProgress::FleetStarted`], [`SyncProgress::UserStarted`], [`SyncProgress::UserDone`] and
//! [`SyncProgress::AllDone`]. Events of different users interleave when they sync at once.
//!
//! The callback runs on the syncing task: keep it short (hand the event to a channel when it
//! has real work to do). A panic in the callback is caught and the event dropped; the sync goes
//! on.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use super::record::{ObjectKind, UserId};
use super::status::{RunCounts, RunError};

/// What a progress callback receives.
pub type ProgressSink = Arc<dyn Fn(&SyncProgress) + Send + Sync>;

/// Hands `event` to `sink`. A panicking callback is the host's bug; it must not stop a sync, so
/// the panic is caught and the event dropped.
pub(crate) fn deliver(sink: &ProgressSink, event: &SyncProgress) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sink(event)));
}

/// How one folder sync (a user and an object kind) ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FolderOutcome {
    /// It committed; what it did.
    Synced(RunCounts),
    /// It failed; nothing was committed.
    Failed(RunError),
}

impl FolderOutcome {
    /// Whether the sync failed.
    pub fn is_failed(&self) -> bool {
        matches!(self, FolderOutcome::Failed(_))
    }
}

/// How one kind of a user's sync ended (in [`SyncProgress::UserDone`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindOutcome {
    /// Which kind.
    pub kind: ObjectKind,
    /// How it ended.
    pub outcome: FolderOutcome,
}

/// A progress event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SyncProgress {
    /// A fleet run starts.
    FleetStarted {
        /// How many users it syncs.
        users: usize,
    },
    /// A fleet run starts a user.
    UserStarted {
        /// Who.
        user: UserId,
    },
    /// A folder sync starts.
    FolderStarted {
        /// Whose.
        user: UserId,
        /// Which kind.
        kind: ObjectKind,
    },
    /// A page of Exchange changes arrived.
    PageFetched {
        /// Whose.
        user: UserId,
        /// Which kind.
        kind: ObjectKind,
        /// Changes in this page.
        changes: usize,
        /// Changes listed so far in this folder sync.
        listed: usize,
        /// Whether more pages follow.
        more: bool,
    },
    /// Planned actions done so far in this folder sync (creates, updates and deletes in Exchange,
    /// deliveries to the application, links).
    ItemsProcessed {
        /// Whose.
        user: UserId,
        /// Which kind.
        kind: ObjectKind,
        /// Done so far.
        done: usize,
        /// All planned so far, when known (a follow-up round may add some).
        total: Option<usize>,
    },
    /// A folder sync ended.
    FolderDone {
        /// Whose.
        user: UserId,
        /// Which kind.
        kind: ObjectKind,
        /// How.
        outcome: FolderOutcome,
    },
    /// A fleet run finished a user (every kind it syncs).
    UserDone {
        /// Who.
        user: UserId,
        /// Each kind synced and how it ended.
        outcomes: Vec<KindOutcome>,
        /// Users finished so far in this fleet run.
        users_done: usize,
        /// Users in this fleet run.
        users_total: usize,
    },
    /// A fleet run finished.
    AllDone {
        /// Users synced.
        users: usize,
        /// Users with at least one failed folder.
        failed_users: usize,
        /// Everything the run did, all users together.
        totals: RunCounts,
    },
}

/// The progress of one folder sync call, across its rounds: counts stay cumulative so a
/// progress bar never moves backwards.
pub(crate) struct FolderProgress<'a> {
    sink: Option<&'a ProgressSink>,
    user: &'a UserId,
    kind: ObjectKind,
    listed: AtomicUsize,
    done: AtomicUsize,
    total: AtomicUsize,
}

impl<'a> FolderProgress<'a> {
    pub(crate) fn new(sink: Option<&'a ProgressSink>, user: &'a UserId, kind: ObjectKind) -> Self {
        FolderProgress {
            sink,
            user,
            kind,
            listed: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
        }
    }

    fn emit(&self, event: impl FnOnce() -> SyncProgress) {
        if let Some(sink) = self.sink {
            deliver(sink, &event());
        }
    }

    pub(crate) fn started(&self) {
        self.emit(|| SyncProgress::FolderStarted { user: self.user.clone(), kind: self.kind });
    }

    pub(crate) fn page(&self, changes: usize, more: bool) {
        let listed = self.listed.fetch_add(changes, Ordering::Relaxed) + changes;
        self.emit(|| SyncProgress::PageFetched { user: self.user.clone(), kind: self.kind, changes, listed, more });
    }

    fn items(&self) {
        let (done, total) = (self.done.load(Ordering::Relaxed), self.total.load(Ordering::Relaxed));
        self.emit(|| SyncProgress::ItemsProcessed {
            user: self.user.clone(),
            kind: self.kind,
            done,
            total: Some(total),
        });
    }

    /// A round planned `n` actions.
    pub(crate) fn planned(&self, n: usize) {
        self.total.fetch_add(n, Ordering::Relaxed);
        self.items();
    }

    /// `n` actions of the current round are done.
    pub(crate) fn advanced(&self, n: usize) {
        if n > 0 {
            self.done.fetch_add(n, Ordering::Relaxed);
            self.items();
        }
    }

    /// The current round committed: all its actions are done.
    pub(crate) fn committed(&self) {
        let total = self.total.load(Ordering::Relaxed);
        if self.done.swap(total, Ordering::Relaxed) != total {
            self.items();
        }
    }

    pub(crate) fn done(&self, outcome: FolderOutcome) {
        self.emit(|| SyncProgress::FolderDone { user: self.user.clone(), kind: self.kind, outcome });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialize_as_tagged_json() {
        let e = SyncProgress::ItemsProcessed {
            user: UserId::new("a@x"),
            kind: ObjectKind::Events,
            done: 3,
            total: Some(7),
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"event": "items_processed", "user": "a@x", "kind": "events", "done": 3, "total": 7})
        );
        let back: SyncProgress = serde_json::from_value(v).unwrap();
        assert_eq!(back, e);
        let done = SyncProgress::FolderDone {
            user: UserId::new("a@x"),
            kind: ObjectKind::Contacts,
            outcome: FolderOutcome::Synced(RunCounts { exchange_created: 1, ..RunCounts::default() }),
        };
        let v = serde_json::to_value(&done).unwrap();
        assert_eq!(v["outcome"]["synced"]["exchange_created"], 1);
    }

    #[test]
    fn folder_progress_is_cumulative() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let s2 = seen.clone();
        let sink: ProgressSink = Arc::new(move |p: &SyncProgress| s2.lock().unwrap().push(p.clone()));
        let u = UserId::new("a@x");
        let p = FolderProgress::new(Some(&sink), &u, ObjectKind::Contacts);
        p.planned(4);
        p.advanced(2);
        p.committed();
        p.planned(1);
        p.committed();
        let got: Vec<(usize, Option<usize>)> = seen
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| match e {
                SyncProgress::ItemsProcessed { done, total, .. } => Some((*done, *total)),
                _ => None,
            })
            .collect();
        assert_eq!(got, vec![(0, Some(4)), (2, Some(4)), (4, Some(4)), (4, Some(5)), (5, Some(5))]);
    }
}
